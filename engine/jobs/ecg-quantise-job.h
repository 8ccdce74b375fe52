/* ecg-quantise-job.h — post-training INT8 quantisation as a job: calibrate on validation
 * examples, save the INT8 model, and measure fp32 against INT8 (macro-F1, accuracy, batch-1
 * latency, energy) on the test examples, optionally as a run of the store (step 0 = fp32,
 * step 1 = INT8).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jobs/ecg-job.h"

G_BEGIN_DECLS

typedef struct
{
  char *model_path;
  char *data_dir;
  char *out_path;
  char *calibration_records; /* MIT-BIH (DS1-val) */
  char *test_records;        /* MIT-BIH (DS2); "none" skips the test */
  char *calibration_folds;   /* PTB-XL (9) */
  char *test_folds;          /* PTB-XL (10) */
  char *store_path;          /* NULL: no run */
  int threads;
  int latency_repeats;
} EcgQuantiseConfig;

EcgQuantiseConfig *ecg_quantise_config_new (void);
void ecg_quantise_config_free (EcgQuantiseConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgQuantiseConfig, ecg_quantise_config_free)

/* Runs the job; `summary` (may be NULL) receives an owned JSON object:
 * {"model", "out", "kernel_path", "int8_layers", "float_layers", "weight_bytes":
 *  {"fp32", "int8"}, "fp32": {...}, "int8": {...}, "latency_ratio", "run": id|null} where the
 * fp32/int8 objects hold accuracy, macro_f1, latency_ms and energy_op_model_45nm_j. */
gboolean ecg_quantise_job_run (EcgQuantiseConfig *config, JsonObject **summary,
                               EcgJobProgressFunc progress, gpointer progress_data,
                               GCancellable *cancellable, GError **error);

G_END_DECLS
