/* ecg-compression-panel.h — the Compress page: the settings of an iterative pruning run (model,
 * data, method, alpha, beta, target sparsity, K, fine-tuning, distillation, structured, run
 * store), each with a help popover, and the job itself: Run, Cancel, a progress bar and the
 * live chart (EcgProgressChart) of the training loss and the per-step macro-F1 and energy;
 * class-aware pruning with its weight g, and an optional INT8 quantisation of the final model
 * with its fp32-vs-INT8 figures.
 *
 * The job runs ecg_prune_job_run() (or ecg_prune_job_resume()) through ecg_job_run_async(): all
 * model, data and store I/O of the job happens in its worker thread; the per-step figures are
 * read back from the store in a GTask whenever a step has been committed. One job at a time.
 *
 * Actions (group "compression"): run (Ctrl+Enter), cancel, choose-model, choose-data,
 * choose-store, reset. Signal "run-changed" (gint64 run id): a job created its run, committed
 * a step or ended, so views of the store should be refreshed.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-progress-chart.h"
#include "jobs/ecg-prune-job.h"

G_BEGIN_DECLS

#define ECG_TYPE_COMPRESSION_PANEL (ecg_compression_panel_get_type ())
G_DECLARE_FINAL_TYPE (EcgCompressionPanel, ecg_compression_panel, ECG, COMPRESSION_PANEL,
                      GtkWidget)

GtkWidget *ecg_compression_panel_new (void);

/* The run store used when none is chosen: $XDG_DATA_HOME/ecg-workbench/runs.db. Owned by the
 * caller. */
char *ecg_compression_panel_default_store_path (void);

/* The job's settings as the widgets show them, checked with ecg_prune_config_validate(); NULL
 * with ECG_ERROR_INVALID naming the setting otherwise. Owned by the caller. */
EcgPruneConfig *ecg_compression_panel_build_config (EcgCompressionPanel *self, GError **error);

/* The dense model file and the data folder ("model-path", "data-dir"). Choosing the demo folder
 * fills the record lists with the demo's (train demo1,demo3; validation demo2; test demo2),
 * another folder empties them (the protocol's defaults). */
void ecg_compression_panel_set_model_path (EcgCompressionPanel *self, const char *path);
const char *ecg_compression_panel_get_model_path (EcgCompressionPanel *self);
void ecg_compression_panel_set_data_dir (EcgCompressionPanel *self, const char *path);
const char *ecg_compression_panel_get_data_dir (EcgCompressionPanel *self);
/* The run store path as typed ("store-path"); owned by the panel. */
void ecg_compression_panel_set_store_path (EcgCompressionPanel *self, const char *path);
const char *ecg_compression_panel_get_store_path (EcgCompressionPanel *self);

/* Continues run `run_id` of `store_path` after its last committed step, with the same progress,
 * chart and cancel as a new job. Ignored while a job runs. */
void ecg_compression_panel_resume_run (EcgCompressionPanel *self, const char *store_path,
                                       gint64 run_id);

/* Loads the settings of a run's config JSON (as ecg_prune_config_to_json() writes it: "model",
 * "data", the record lists, "method", "alpha", "beta", "target_sparsity", "steps",
 * "finetune_epochs", "structured", "class_aware", "class_aware_weight", "kd", "temperature",
 * "kd_weight", "seed", "batch", "lr", "latency_repeats", "threads") into the widgets, for a
 * re-run. Members that are absent or of another type leave their widget as it is; the run
 * store stays the panel's own. Ignored while a job runs. */
void ecg_compression_panel_load_settings (EcgCompressionPanel *self, JsonObject *config);

/* The INT8 switch: after the pruning job's last step, the same worker quantises the final
 * model (ecg_quantise_job_run) on the run's validation records, compares fp32 and INT8 on its
 * test records and records the comparison as a quantise run of the same store. */
void ecg_compression_panel_set_int8 (EcgCompressionPanel *self, gboolean int8);
gboolean ecg_compression_panel_get_int8 (EcgCompressionPanel *self);
/* The quantise run of the last job with INT8 on (0 = none). */
gint64 ecg_compression_panel_get_quantise_run_id (EcgCompressionPanel *self);
/* The fp32-vs-INT8 figures shown under the progress bar, or NULL when none are shown. Owned
 * by the panel. */
const char *ecg_compression_panel_get_int8_figures (EcgCompressionPanel *self);

/* TRUE while a job runs ("running"). */
gboolean ecg_compression_panel_get_running (EcgCompressionPanel *self);
/* The run of the current or last job (0 before its run exists) ("run-id"). */
gint64 ecg_compression_panel_get_run_id (EcgCompressionPanel *self);
/* The error shown in the panel, or NULL. Owned by the panel. */
const char *ecg_compression_panel_get_message (EcgCompressionPanel *self);
/* The one-line status under the progress bar. Owned by the panel. */
const char *ecg_compression_panel_get_status (EcgCompressionPanel *self);
EcgProgressChart *ecg_compression_panel_get_chart (EcgCompressionPanel *self);

G_END_DECLS
