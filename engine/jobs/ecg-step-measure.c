/* ecg-step-measure.c — one step's figures for the run store. */
#include "jobs/ecg-step-measure.h"

#include <math.h>
#include <string.h>

#include "compress/ecg-sparsity.h"
#include "measure/ecg-cost.h"
#include "measure/ecg-energy.h"
#include "measure/ecg-latency.h"

void
ecg_step_measure_options_init (EcgStepMeasureOptions *o)
{
  o->threads = 1;
  o->latency_warmup = 20;
  o->latency_repeats = 200;
  o->energy_inferences = 200;
  o->core_power_w = ECG_ENERGY_DEFAULT_CORE_POWER_W;
  o->rapl_dir = NULL;
  o->keep_predictions = TRUE;
  o->bootstrap_seed = 1;
}

static EcgPredictions *
predictions_from (const EcgEvaluation *e, const EcgExamples *test)
{
  EcgPredictions *p = ecg_predictions_new (e->n, e->n_classes,
                                           (const char *const *) test->record_names);
  for (gsize i = 0; i < e->n; i++)
    {
      p->record_of[i] = test->record_of[i];
      p->sample[i] = test->sample_of[i];
      if (e->multi_label)
        {
          /* Label sets as bits in class order (the store's convention). */
          gint32 reference = 0, predicted = 0;
          for (int c = 0; c < e->n_classes; c++)
            {
              gsize j = i * (gsize) e->n_classes + (gsize) c;
              reference |= (e->labels[j] != 0) << c;
              predicted |= (e->probabilities[j] >= ECG_MULTI_LABEL_THRESHOLD) << c;
            }
          p->reference[i] = reference;
          p->predicted[i] = predicted;
        }
      else
        {
          p->reference[i] = test->labels[i];
          p->predicted[i] = e->predicted[i];
        }
    }
  memcpy (p->scores, e->probabilities, e->n * (gsize) e->n_classes * sizeof (float));
  return p;
}

EcgStepRecord *
ecg_step_measure (EcgModel *model, const EcgModelFile *file, const EcgExamples *test, int step,
                  const EcgStepMeasureOptions *o, EcgEvaluation **evaluation_out,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr (EcgEvaluation) evaluation
    = ecg_evaluate (model, test, (const char *const *) file->classes, o->threads,
                    o->bootstrap_seed, cancellable, error);
  if (evaluation == NULL)
    return NULL;

  g_autoptr (EcgCostTable) cost = ecg_cost_table_new (model);
  EcgLatency latency;
  if (!ecg_latency_measure (model, o->latency_warmup, o->latency_repeats, &latency, error))
    return NULL;
  g_autoptr (EcgOpEnergy) op_energy = ecg_op_energy_new (cost, NULL);
  EcgMeasuredEnergy measured;
  if (!ecg_energy_measure_model (model, o->rapl_dir, o->core_power_w, 5, o->energy_inferences,
                                 &measured, error))
    return NULL;

  g_autoptr (EcgStepRecord) r = ecg_step_record_new (step);
  r->sparsity = ecg_sparsity_global_masked (model);
  r->n_params = cost->params;
  r->nonzero_params = cost->nonzero_params;
  r->prunable_params = cost->prunable_params;
  r->nonzero_prunable_params = cost->nonzero_prunable_params;
  r->macs = cost->macs;
  r->tf_flops = cost->tf_flops;
  r->latency_ms = latency.median_ms;
  r->energy_proxy_mmac_ms = ecg_energy_proxy_mmac_ms (cost->macs, latency.median_ms);
  r->energy_tf_flops_0_45pj_j = ecg_energy_tf_flops_joules (cost->tf_flops);
  r->energy_op_model_45nm_j = op_energy->joules;
  r->energy_measured_or_estimated_j = measured.joules_per_inference;
  r->energy_measured_method = measured.method == ECG_MEASURED_RAPL ? ECG_STEP_ENERGY_RAPL
                                                                   : ECG_STEP_ENERGY_ESTIMATE;
  r->accuracy = ecg_evaluation_accuracy (evaluation);
  r->macro_f1 = ecg_evaluation_macro_f1 (evaluation);
  if (evaluation->multi_label)
    {
      r->auroc = evaluation->multi->macro_auroc;
      r->auprc = evaluation->multi->macro_auprc;
      r->f1_at_0_5 = evaluation->multi->macro_f1_at_0_5;
    }
  else
    r->auroc = r->auprc = r->f1_at_0_5 = NAN;

  g_autoptr (JsonNode) metrics = ecg_evaluation_to_json (evaluation);
  JsonObject *object = json_node_get_object (metrics);
  json_object_set_double_member (object, "latency_p10_ms", latency.p10_ms);
  json_object_set_double_member (object, "latency_p90_ms", latency.p90_ms);
  json_object_set_boolean_member (object, "weights_in_sram", op_energy->weights_in_sram);
  ecg_step_record_set_metrics (r, object);

  for (int c = 0; c < evaluation->n_classes; c++)
    {
      if (evaluation->multi_label)
        {
          const EcgLabelMetrics *m = &evaluation->multi->per_class[c];
          ecg_step_record_add_class (r, evaluation->classes[c], m->at_0_5.sensitivity,
                                     m->at_0_5.ppv, m->at_0_5.f1, m->positives, m->auroc,
                                     m->auprc);
        }
      else
        {
          const EcgClassMetrics *m = &evaluation->single->per_class[c];
          ecg_step_record_add_class (r, evaluation->classes[c], m->sensitivity, m->ppv, m->f1,
                                     m->support, NAN, NAN);
        }
    }

  r->model = ecg_model_file_serialise (model, file->norm, (const char *const *) file->classes,
                                       file->class_map, file->samples_before, file->info, error);
  if (r->model == NULL)
    return NULL;
  r->has_model = TRUE;
  r->model_arch = g_strdup (model->arch);
  if (o->keep_predictions)
    {
      r->predictions = predictions_from (evaluation, test);
      r->n_predictions = (gint64) evaluation->n;
    }
  if (evaluation_out != NULL)
    *evaluation_out = g_steal_pointer (&evaluation);
  return g_steal_pointer (&r);
}
