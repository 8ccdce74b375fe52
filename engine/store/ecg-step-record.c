/* ecg-step-record.c — a run's step as the store keeps it (see ecg-step-record.h). */
#include "store/ecg-step-record.h"

#include <math.h>

const char *
ecg_step_energy_method_to_string (EcgStepEnergyMethod method)
{
  switch (method)
    {
    case ECG_STEP_ENERGY_RAPL:
      return "rapl";
    case ECG_STEP_ENERGY_ESTIMATE:
      return "estimate";
    case ECG_STEP_ENERGY_NONE:
    default:
      return NULL;
    }
}

gboolean
ecg_step_energy_method_from_string (const char *text, EcgStepEnergyMethod *method)
{
  if (g_strcmp0 (text, "rapl") == 0)
    *method = ECG_STEP_ENERGY_RAPL;
  else if (g_strcmp0 (text, "estimate") == 0)
    *method = ECG_STEP_ENERGY_ESTIMATE;
  else
    return FALSE;
  return TRUE;
}

EcgPredictions *
ecg_predictions_new (gsize n, int n_scores, const char *const *record_names)
{
  g_return_val_if_fail (n_scores >= 0, NULL);
  EcgPredictions *p = g_new0 (EcgPredictions, 1);
  p->n = n;
  p->n_scores = n_scores;
  p->record_names = g_strdupv ((char **)record_names);
  if (p->record_names == NULL)
    p->record_names = g_new0 (char *, 1);
  p->record_of = g_new0 (guint32, n);
  p->sample = g_new0 (gint64, n);
  p->reference = g_new0 (gint32, n);
  p->predicted = g_new0 (gint32, n);
  p->scores = g_new0 (float, n *(gsize)n_scores);
  return p;
}

void
ecg_predictions_free (EcgPredictions *p)
{
  if (p == NULL)
    return;
  g_strfreev (p->record_names);
  g_free (p->record_of);
  g_free (p->sample);
  g_free (p->reference);
  g_free (p->predicted);
  g_free (p->scores);
  g_free (p);
}

static void
clear_class (gpointer data)
{
  EcgStepClass *c = data;
  g_free (c->name);
}

static void
clear_curve_point (gpointer data)
{
  EcgCurvePoint *p = data;
  g_free (p->key);
}

EcgStepRecord *
ecg_step_record_new (int step)
{
  EcgStepRecord *r = g_new0 (EcgStepRecord, 1);
  r->step = step;
  r->sparsity = NAN;
  r->n_params = r->nonzero_params = r->prunable_params = r->nonzero_prunable_params = -1;
  r->macs = r->tf_flops = -1;
  r->latency_ms = NAN;
  r->energy_proxy_mmac_ms = NAN;
  r->energy_tf_flops_0_45pj_j = NAN;
  r->energy_op_model_45nm_j = NAN;
  r->energy_measured_or_estimated_j = NAN;
  r->energy_measured_method = ECG_STEP_ENERGY_NONE;
  r->accuracy = r->macro_f1 = r->auroc = r->auprc = r->f1_at_0_5 = NAN;
  r->metrics = json_object_new ();
  r->per_class = g_array_new (FALSE, TRUE, sizeof (EcgStepClass));
  g_array_set_clear_func (r->per_class, clear_class);
  r->curve = g_array_new (FALSE, TRUE, sizeof (EcgCurvePoint));
  g_array_set_clear_func (r->curve, clear_curve_point);
  return r;
}

void
ecg_step_record_free (EcgStepRecord *r)
{
  if (r == NULL)
    return;
  json_object_unref (r->metrics);
  g_array_unref (r->per_class);
  g_array_unref (r->curve);
  g_free (r->created);
  g_free (r->model_arch);
  if (r->model != NULL)
    g_bytes_unref (r->model);
  ecg_predictions_free (r->predictions);
  g_free (r);
}

void
ecg_step_record_add_class (EcgStepRecord *r, const char *name, double sensitivity, double ppv,
                           double f1, gint64 support, double auroc, double auprc)
{
  EcgStepClass c = {
    .name = g_strdup (name),
    .sensitivity = sensitivity,
    .ppv = ppv,
    .f1 = f1,
    .support = support,
    .auroc = auroc,
    .auprc = auprc,
  };
  g_array_append_val (r->per_class, c);
}

void
ecg_step_record_add_curve_point (EcgStepRecord *r, const char *key, int epoch, double value)
{
  EcgCurvePoint p = { .key = g_strdup (key), .epoch = epoch, .value = value };
  g_array_append_val (r->curve, p);
}

void
ecg_step_record_set_metrics (EcgStepRecord *r, JsonObject *metrics)
{
  g_return_if_fail (metrics != NULL);
  json_object_ref (metrics);
  json_object_unref (r->metrics);
  r->metrics = metrics;
}

void
ecg_step_record_set_model (EcgStepRecord *r, const char *arch, GBytes *bytes)
{
  g_free (r->model_arch);
  r->model_arch = g_strdup (arch);
  if (bytes != NULL)
    g_bytes_ref (bytes);
  if (r->model != NULL)
    g_bytes_unref (r->model);
  r->model = bytes;
}

void
ecg_step_record_set_predictions (EcgStepRecord *r, EcgPredictions *predictions)
{
  if (r->predictions != predictions)
    ecg_predictions_free (r->predictions);
  r->predictions = predictions;
}

static void
add_number (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_count (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  if (value >= 0)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
ecg_step_record_to_json (const EcgStepRecord *r, gboolean multi_label)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "step");
  json_builder_add_int_value (b, r->step);
  add_number (b, "sparsity", r->sparsity);
  add_number (b, "accuracy", r->accuracy);
  add_number (b, "macro_f1", r->macro_f1);
  if (multi_label)
    {
      add_number (b, "auroc", r->auroc);
      add_number (b, "auprc", r->auprc);
      add_number (b, "f1_at_0_5", r->f1_at_0_5);
    }
  add_count (b, "macs", r->macs);
  add_number (b, "latency_ms", r->latency_ms);
  add_number (b, "energy_proxy_mmac_ms", r->energy_proxy_mmac_ms);
  json_builder_set_member_name (b, "energy_j");
  json_builder_begin_object (b);
  add_number (b, "tf_flops_0_45pj", r->energy_tf_flops_0_45pj_j);
  add_number (b, "op_model_45nm", r->energy_op_model_45nm_j);
  add_number (b, "measured_or_estimated", r->energy_measured_or_estimated_j);
  json_builder_set_member_name (b, "measured_method");
  const char *method = ecg_step_energy_method_to_string (r->energy_measured_method);
  if (method != NULL)
    json_builder_add_string_value (b, method);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  add_count (b, "tf_flops", r->tf_flops);
  add_count (b, "n_params", r->n_params);
  add_count (b, "nonzero_params", r->nonzero_params);
  add_count (b, "prunable_params", r->prunable_params);
  add_count (b, "nonzero_prunable_params", r->nonzero_prunable_params);
  json_builder_set_member_name (b, "has_model");
  json_builder_add_boolean_value (b, r->has_model || r->model != NULL);
  json_builder_set_member_name (b, "per_class");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->per_class->len; i++)
    {
      const EcgStepClass *c = &g_array_index (r->per_class, EcgStepClass, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "class");
      json_builder_add_string_value (b, c->name);
      add_number (b, "sensitivity", c->sensitivity);
      add_number (b, "ppv", c->ppv);
      add_number (b, "f1", c->f1);
      add_count (b, "support", c->support);
      if (multi_label)
        {
          add_number (b, "auroc", c->auroc);
          add_number (b, "auprc", c->auprc);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
