/* ecg-runs-view.h — the Runs page: the runs of a store in a GtkColumnView (id, kind, status,
 * name, sparsity, steps, final macro-F1, created), a comparison figure of the selected runs
 * (EcgPlotView: macro-F1 or accuracy against sparsity, energy against sparsity, macro-F1
 * against energy with the Pareto front, training loss), rename, delete (after a confirmation)
 * and resume.
 *
 * Reading and writing the store happens in GTask worker threads. Each refresh first marks the
 * runs whose process is gone (or whose heartbeat is stale) interrupted
 * (ecg_run_store_mark_interrupted), so that they are offered for resume.
 *
 * Actions (group "runs"): refresh (F5, Ctrl+R), resume, rerun, rename (F2), apply-rename,
 * notes, apply-notes (the notes popover's text becomes the run's notes), compare-settings (a
 * popover listing, side by side, the config members whose values differ between the 2+
 * selected runs), delete (Delete). Signal "resume-run" (gint64 run id): the user asked to
 * resume that run of "store-path"; the window hands it to the compression panel, which runs
 * the job. Signal "rerun-run" (gint64 run id, JsonObject config): the user asked to run a
 * pruning run's settings again; the window loads them into the compression panel
 * (ecg_compression_panel_load_settings) and shows the Compress page.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-plot-view.h"

G_BEGIN_DECLS

#define ECG_TYPE_RUNS_VIEW (ecg_runs_view_get_type ())
G_DECLARE_FINAL_TYPE (EcgRunsView, ecg_runs_view, ECG, RUNS_VIEW, GtkWidget)

GtkWidget *ecg_runs_view_new (void);

/* The store shown ("store-path"); setting it refreshes the list. */
void ecg_runs_view_set_store_path (EcgRunsView *self, const char *path);
const char *ecg_runs_view_get_store_path (EcgRunsView *self);

/* Reads the store again (in a worker thread); "loading" is TRUE until the list is updated. */
void ecg_runs_view_refresh (EcgRunsView *self);
gboolean ecg_runs_view_get_loading (EcgRunsView *self);

/* TRUE while a job runs elsewhere ("busy"): resume is then unavailable (one job at a time). */
void ecg_runs_view_set_busy (EcgRunsView *self, gboolean busy);

/* The runs in display order with their selection: a GtkMultiSelection of EcgRunItem, owned by
 * the view. */
GtkSelectionModel *ecg_runs_view_get_selection (EcgRunsView *self);
/* The error shown in the view, or NULL. Owned by the view. */
const char *ecg_runs_view_get_message (EcgRunsView *self);
EcgPlotView *ecg_runs_view_get_plot_view (EcgRunsView *self);

/* The config members (sorted by name) whose values differ between `runs` (EcgRun*, at least
 * one): present in some runs only, or with unequal JSON values. A NULL-terminated array owned
 * by the caller (g_strfreev). */
char **ecg_runs_view_differing_settings (GPtrArray *runs);

G_END_DECLS
