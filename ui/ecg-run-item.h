/* ecg-run-item.h — one run of the store as a list item (GObject) for the runs view's
 * GtkColumnView: the EcgRun with its steps, and the figures the columns show and sort by as
 * read-only properties. */
#pragma once

#include <glib-object.h>

#include "store/ecg-run.h"

G_BEGIN_DECLS

#define ECG_TYPE_RUN_ITEM (ecg_run_item_get_type ())
G_DECLARE_FINAL_TYPE (EcgRunItem, ecg_run_item, ECG, RUN_ITEM, GObject)

/* Takes ownership of `run`; with run->steps NULL (not loaded) its figures are unknown. */
EcgRunItem *ecg_run_item_new (EcgRun *run);

/* The run, owned by the item. */
const EcgRun *ecg_run_item_get_run (EcgRunItem *self);
gint64 ecg_run_item_get_id (EcgRunItem *self);
EcgRunStatus ecg_run_item_get_status (EcgRunItem *self);
/* The last committed step's figures; NaN when the run has no step. */
double ecg_run_item_get_sparsity (EcgRunItem *self);
double ecg_run_item_get_macro_f1 (EcgRunItem *self);
/* Whether ecg_prune_job_resume() accepts the run: a pruning run that was interrupted, failed or
 * cancelled (queued runs never started a job and so have no model to continue from). */
gboolean ecg_run_item_can_resume (EcgRunItem *self);
/* A one-line summary of the run's settings from its config, e.g. "Energy-aware α 0.5 β 2 ·
 * 90 % in 4 steps · 1 epoch per step · KD", or the architecture of a training run ("settings"
 * property). Owned by the item. */
const char *ecg_run_item_get_settings (EcgRunItem *self);

G_END_DECLS
