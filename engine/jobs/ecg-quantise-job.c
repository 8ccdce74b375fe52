/* ecg-quantise-job.c — INT8 quantisation and its fp32-vs-INT8 measurement. */
#include "jobs/ecg-quantise-job.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "jobs/ecg-step-measure.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "measure/ecg-latency.h"
#include "nn/ecg-model-file.h"
#include "quant/ecg-quant-file.h"
#include "quant/ecg-quant-gemm.h"
#include "quant/ecg-quant-model.h"
#include "store/ecg-run-store.h"
#include "train/ecg-data.h"
#include "train/ecg-evaluation.h"

EcgQuantiseConfig *
ecg_quantise_config_new (void)
{
  EcgQuantiseConfig *c = g_new0 (EcgQuantiseConfig, 1);
  c->threads = 1;
  c->latency_repeats = 300;
  return c;
}

void
ecg_quantise_config_free (EcgQuantiseConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->model_path);
  g_free (c->data_dir);
  g_free (c->out_path);
  g_free (c->calibration_records);
  g_free (c->test_records);
  g_free (c->calibration_folds);
  g_free (c->test_folds);
  g_free (c->store_path);
  g_free (c);
}

static EcgExamples *
load (const EcgModelFile *file, const char *dir, const char *records, const char *folds,
      GCancellable *cancellable, GError **error)
{
  EcgModel *m = file->model;
  g_autoptr (EcgExamples) e = NULL;
  if (m->multi_label)
    {
      int n = 0;
      g_autofree int *list = ecg_data_parse_folds (folds, &n, error);
      if (list == NULL)
        return NULL;
      e = ecg_data_load_ptbxl (dir, list, n, cancellable, error);
    }
  else
    {
      g_auto (GStrv) names = ecg_data_parse_record_list (records, error);
      if (names == NULL)
        return NULL;
      EcgDataSpec spec = { ECG_DATASET_MITBIH, m->input_length, file->samples_before,
                           file->class_map, m->rr_features > 0 };
      e = ecg_data_load_records (dir, (const char *const *) names, &spec, cancellable, error);
    }
  if (e != NULL)
    ecg_examples_apply_normalisation (e, file->norm);
  return g_steal_pointer (&e);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median batch-1 latency of the INT8 model (ms), as ecg_latency_measure does for fp32. */
static double
quant_latency_ms (const EcgQuantModel *qm, const EcgModel *m, int repeats)
{
  float *rr = NULL;
  g_autofree float *input = ecg_latency_input_new (m, 7, &rr);
  g_autoptr (EcgQuantRun) run = ecg_quant_run_new (qm, 1);
  for (int i = 0; i < 20; i++)
    ecg_quant_model_forward (qm, run, input, rr, 1);
  g_autofree double *times = g_new (double, repeats);
  for (int i = 0; i < repeats; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      ecg_quant_model_forward (qm, run, input, rr, 1);
      times[i] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
  g_free (rr);
  qsort (times, (gsize) repeats, sizeof (double), compare_doubles);
  return ecg_latency_quantile (times, (gsize) repeats, 0.5);
}

static JsonObject *
figures (double accuracy, double macro_f1, double latency_ms, double energy_j)
{
  JsonObject *o = json_object_new ();
  json_object_set_double_member (o, "accuracy", accuracy);
  json_object_set_double_member (o, "macro_f1", macro_f1);
  json_object_set_double_member (o, "latency_ms", latency_ms);
  json_object_set_double_member (o, "energy_op_model_45nm_j", energy_j);
  return o;
}

gboolean
ecg_quantise_job_run (EcgQuantiseConfig *c, JsonObject **summary, EcgJobProgressFunc progress,
                      gpointer progress_data, GCancellable *cancellable, GError **error)
{
  if (c->model_path == NULL || c->data_dir == NULL || c->out_path == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "quantise: a model, a data folder and an output file are required");
      return FALSE;
    }
  g_autoptr (EcgModelFile) file = ecg_model_file_load (c->model_path, error);
  if (file == NULL)
    return FALSE;
  EcgJobProgress p = { .stage = "calibrate", .n_steps = 1, .fraction = 0.05 };
  if (progress)
    progress (&p, progress_data);
  g_autoptr (EcgExamples) calibration
    = load (file, c->data_dir, c->calibration_records ? c->calibration_records : "DS1-val",
            c->calibration_folds ? c->calibration_folds : "9", cancellable, error);
  if (calibration == NULL)
    return FALSE;
  EcgQuantOptions options;
  ecg_quant_options_init (&options);
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new_from_examples (file->model, calibration,
                                                                    &options, error);
  if (qm == NULL)
    return FALSE;
  if (!ecg_quant_model_save (qm, file->norm, (const char *const *) file->classes,
                             file->class_map, file->samples_before, file->info, c->out_path,
                             error))
    return FALSE;

  g_autoptr (JsonObject) out = json_object_new ();
  json_object_set_string_member (out, "model", c->model_path);
  json_object_set_string_member (out, "out", c->out_path);
  json_object_set_string_member (out, "kernel_path",
                                 ecg_quant_path_name (ecg_quant_model_path (qm)));
  json_object_set_int_member (out, "int8_layers", ecg_quant_model_int8_layers (qm));
  json_object_set_int_member (out, "float_layers", ecg_quant_model_float_layers (qm));
  JsonObject *bytes = json_object_new ();
  json_object_set_int_member (bytes, "fp32", (gint64) (4 * ecg_model_count_nonzero (file->model,
                                                                                    FALSE)));
  json_object_set_int_member (bytes, "int8", (gint64) ecg_quant_model_weight_bytes (qm));
  json_object_set_object_member (out, "weight_bytes", bytes);

  const char *test_records = c->test_records ? c->test_records : "DS2";
  if (g_strcmp0 (test_records, "none") != 0)
    {
      p = (EcgJobProgress) { .stage = "evaluate", .n_steps = 1, .fraction = 0.3 };
      if (progress)
        progress (&p, progress_data);
      g_autoptr (EcgExamples) test = load (file, c->data_dir, test_records,
                                           c->test_folds ? c->test_folds : "10", cancellable,
                                           error);
      if (test == NULL)
        return FALSE;
      EcgStepMeasureOptions measure;
      ecg_step_measure_options_init (&measure);
      measure.threads = c->threads;
      measure.latency_repeats = c->latency_repeats;
      g_autoptr (EcgEvaluation) fp32 = NULL;
      g_autoptr (EcgStepRecord) step0 = ecg_step_measure (file->model, file, test, 0, &measure,
                                                          &fp32, cancellable, error);
      if (step0 == NULL)
        return FALSE;

      p.fraction = 0.7;
      if (progress)
        progress (&p, progress_data);
      g_autofree float *probabilities = ecg_quant_model_predict (qm, test, c->threads,
                                                                 cancellable, error);
      if (probabilities == NULL)
        return FALSE;
      g_autoptr (EcgEvaluation) int8 = ecg_evaluation_new (
        test, probabilities, (const char *const *) file->classes, 1, error);
      if (int8 == NULL)
        return FALSE;
      double int8_latency = quant_latency_ms (qm, file->model, c->latency_repeats);
      g_autoptr (EcgCostTable) cost = ecg_cost_table_new (file->model);
      EcgOpModelOptions int8_energy_options;
      ecg_op_model_options_init (&int8_energy_options);
      int8_energy_options.precision = ECG_PRECISION_INT8;
      g_autoptr (EcgOpEnergy) int8_energy = ecg_op_energy_new (cost, &int8_energy_options);

      json_object_set_object_member (out, "fp32",
                                     figures (step0->accuracy, step0->macro_f1,
                                              step0->latency_ms, step0->energy_op_model_45nm_j));
      json_object_set_object_member (out, "int8",
                                     figures (ecg_evaluation_accuracy (int8),
                                              ecg_evaluation_macro_f1 (int8), int8_latency,
                                              int8_energy->joules));
      json_object_set_double_member (out, "latency_ratio", int8_latency / step0->latency_ms);

      if (c->store_path != NULL)
        {
          g_autoptr (EcgRunStore) store = ecg_run_store_open (c->store_path, TRUE, error);
          if (store == NULL)
            return FALSE;
          EcgRunSpec spec;
          ecg_run_spec_init (&spec, ECG_RUN_KIND_QUANTISE);
          g_autoptr (JsonObject) config = json_object_new ();
          json_object_set_string_member (config, "model", c->model_path);
          json_object_set_string_member (config, "data", c->data_dir);
          json_object_set_string_member (config, "out", c->out_path);
          json_object_set_string_member (config, "test_records", test_records);
          json_object_set_string_member (config, "kernel_path",
                                         ecg_quant_path_name (ecg_quant_model_path (qm)));
          spec.config = config;
          spec.parent_model = c->model_path;
          gint64 run = ecg_run_store_create_run (store, &spec, error);
          if (run <= 0 || !ecg_run_store_mark_started (store, run, error)
              || !ecg_run_store_commit_step (store, run, step0, error))
            return FALSE;
          /* Step 1: the INT8 model, its figures measured above. */
          g_autoptr (EcgStepRecord) step1 = ecg_step_record_new (1);
          step1->sparsity = step0->sparsity;
          step1->n_params = step0->n_params;
          step1->nonzero_params = step0->nonzero_params;
          step1->prunable_params = step0->prunable_params;
          step1->nonzero_prunable_params = step0->nonzero_prunable_params;
          step1->macs = step0->macs;
          step1->tf_flops = step0->tf_flops;
          step1->latency_ms = int8_latency;
          step1->energy_proxy_mmac_ms = ecg_energy_proxy_mmac_ms (step0->macs, int8_latency);
          step1->energy_tf_flops_0_45pj_j = step0->energy_tf_flops_0_45pj_j;
          step1->energy_op_model_45nm_j = int8_energy->joules;
          step1->energy_measured_or_estimated_j
            = int8_latency * 1e-3 * ECG_ENERGY_DEFAULT_CORE_POWER_W;
          step1->energy_measured_method = ECG_STEP_ENERGY_ESTIMATE;
          step1->accuracy = ecg_evaluation_accuracy (int8);
          step1->macro_f1 = ecg_evaluation_macro_f1 (int8);
          step1->auroc = int8->multi_label ? int8->multi->macro_auroc : NAN;
          step1->auprc = int8->multi_label ? int8->multi->macro_auprc : NAN;
          step1->f1_at_0_5 = int8->multi_label ? int8->multi->macro_f1_at_0_5 : NAN;
          g_autoptr (JsonNode) metrics = ecg_evaluation_to_json (int8);
          ecg_step_record_set_metrics (step1, json_node_get_object (metrics));
          for (int k = 0; k < int8->n_classes; k++)
            {
              const EcgClassMetrics *cm = int8->multi_label ? &int8->multi->per_class[k].at_0_5
                                                            : &int8->single->per_class[k];
              ecg_step_record_add_class (step1, int8->classes[k], cm->sensitivity, cm->ppv,
                                         cm->f1, cm->support, NAN, NAN);
            }
          g_autofree char *bytes_data = NULL;
          gsize length = 0;
          if (g_file_get_contents (c->out_path, &bytes_data, &length, NULL))
            {
              step1->model = g_bytes_new_take (g_steal_pointer (&bytes_data), length);
              step1->has_model = TRUE;
              step1->model_arch = g_strdup (file->model->arch);
            }
          if (!ecg_run_store_commit_step (store, run, step1, error)
              || !ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, error))
            return FALSE;
          json_object_set_int_member (out, "run", run);
        }
      else
        json_object_set_null_member (out, "run");
    }
  p = (EcgJobProgress) { .stage = "done", .step = 1, .n_steps = 1, .fraction = 1.0 };
  if (progress)
    progress (&p, progress_data);
  if (summary != NULL)
    *summary = g_steal_pointer (&out);
  return TRUE;
}
