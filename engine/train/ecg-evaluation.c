/* ecg-evaluation.c — figures of a model on examples, as JSON and CSV. */
#include "train/ecg-evaluation.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecg-error.h"
#include "train/ecg-trainer.h"

void
ecg_evaluation_free (EcgEvaluation *e)
{
  if (e == NULL)
    return;
  g_strfreev (e->classes);
  g_free (e->probabilities);
  g_free (e->predicted);
  g_free (e->labels);
  ecg_confusion_free (e->confusion);
  ecg_single_label_metrics_free (e->single);
  ecg_multi_label_metrics_free (e->multi);
  g_free (e);
}

EcgEvaluation *
ecg_evaluation_new (const EcgExamples *examples, const float *probabilities,
                    const char *const *classes, guint32 bootstrap_seed, GError **error)
{
  const int k = examples->n_classes;
  g_autoptr (EcgEvaluation) e = g_new0 (EcgEvaluation, 1);
  e->n_classes = k;
  e->classes = g_strdupv ((char **) classes);
  e->multi_label = examples->multi_label;
  e->n = examples->n;
  e->probabilities = g_memdup2 (probabilities, MAX (e->n, 1) * (gsize) k * sizeof (float));
  e->predicted = g_new0 (int, MAX (e->n, 1));
  for (gsize i = 0; i < e->n; i++)
    {
      const float *p = probabilities + i * (gsize) k;
      for (int c = 1; c < k; c++)
        if (p[c] > p[e->predicted[i]])
          e->predicted[i] = c;
    }

  if (!e->multi_label)
    {
      g_autofree int *reference = g_new (int, MAX (e->n, 1));
      for (gsize i = 0; i < e->n; i++)
        reference[i] = examples->labels[i];
      e->confusion = ecg_confusion_new_from_labels (reference, e->predicted, e->n, k, error);
      if (e->confusion == NULL)
        return NULL;
      e->single = ecg_single_label_metrics_new (e->confusion);
      if (!ecg_bootstrap_macro_f1 (reference, e->predicted, e->n, k,
                                   ECG_EVALUATION_BOOTSTRAP_RESAMPLES, 0.95, bootstrap_seed,
                                   &e->interval, error))
        return NULL;
    }
  else
    {
      guint8 *labels = e->labels = g_new (guint8, MAX (e->n, 1) * (gsize) k);
      for (gsize i = 0; i < e->n * (gsize) k; i++)
        labels[i] = examples->targets[i] > 0.5f;
      e->multi = ecg_multi_label_metrics_new (probabilities, labels, e->n, k, error);
      if (e->multi == NULL)
        return NULL;
      if (!ecg_bootstrap_macro_auroc (probabilities, labels, e->n, k,
                                      ECG_EVALUATION_BOOTSTRAP_RESAMPLES, 0.95, bootstrap_seed,
                                      &e->interval, error))
        return NULL;
    }
  return g_steal_pointer (&e);
}

EcgEvaluation *
ecg_evaluate (EcgModel *model, const EcgExamples *examples, const char *const *classes,
              int threads, guint32 bootstrap_seed, GCancellable *cancellable, GError **error)
{
  g_autofree float *probabilities = ecg_predict (model, examples, threads, cancellable, error);
  if (probabilities == NULL)
    return NULL;
  return ecg_evaluation_new (examples, probabilities, classes, bootstrap_seed, error);
}

double
ecg_evaluation_macro_f1 (const EcgEvaluation *e)
{
  return e->multi_label ? e->multi->macro_f1_at_0_5 : e->single->macro_f1;
}

double
ecg_evaluation_accuracy (const EcgEvaluation *e)
{
  if (!e->multi_label)
    return e->single->accuracy;
  /* Multi-label: the fraction of examples whose whole label set is right at 0.5. */
  gsize exact = 0;
  for (gsize i = 0; i < e->n; i++)
    {
      gboolean all = TRUE;
      for (int c = 0; c < e->n_classes; c++)
        {
          gsize j = i * (gsize) e->n_classes + (gsize) c;
          all &= (e->probabilities[j] >= ECG_MULTI_LABEL_THRESHOLD) == (e->labels[j] != 0);
        }
      exact += all;
    }
  return e->n ? (double) exact / (double) e->n : NAN;
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
add_class_metrics (JsonBuilder *b, const EcgClassMetrics *m)
{
  add_number (b, "sensitivity", m->sensitivity);
  add_number (b, "ppv", m->ppv);
  add_number (b, "f1", m->f1);
  json_builder_set_member_name (b, "support");
  json_builder_add_int_value (b, m->support);
}

static void
add_interval (JsonBuilder *b, const char *member, const EcgBootstrapInterval *interval)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < 2; i++)
    {
      double v = i == 0 ? interval->lower : interval->upper;
      if (isfinite (v))
        json_builder_add_double_value (b, v);
      else
        json_builder_add_null_value (b);
    }
  json_builder_end_array (b);
}

JsonNode *
ecg_evaluation_to_json (const EcgEvaluation *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < e->n_classes; c++)
    json_builder_add_string_value (b, e->classes[c]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "examples");
  json_builder_add_int_value (b, (gint64) e->n);
  add_number (b, "accuracy", ecg_evaluation_accuracy (e));
  add_number (b, "macro_f1", ecg_evaluation_macro_f1 (e));
  if (e->multi_label)
    {
      add_number (b, "macro_auroc", e->multi->macro_auroc);
      add_number (b, "macro_auprc", e->multi->macro_auprc);
      add_number (b, "macro_f1_at_0_5", e->multi->macro_f1_at_0_5);
    }
  json_builder_set_member_name (b, "per_class");
  json_builder_begin_object (b);
  for (int c = 0; c < e->n_classes; c++)
    {
      json_builder_set_member_name (b, e->classes[c]);
      json_builder_begin_object (b);
      if (e->multi_label)
        {
          const EcgLabelMetrics *m = &e->multi->per_class[c];
          add_class_metrics (b, &m->at_0_5);
          add_number (b, "auroc", m->auroc);
          add_number (b, "auprc", m->auprc);
        }
      else
        add_class_metrics (b, &e->single->per_class[c]);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  if (!e->multi_label)
    {
      json_builder_set_member_name (b, "confusion");
      json_builder_begin_array (b);
      for (int r = 0; r < e->n_classes; r++)
        {
          json_builder_begin_array (b);
          for (int c = 0; c < e->n_classes; c++)
            json_builder_add_int_value (b, ecg_confusion_get (e->confusion, r, c));
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "ci95");
  json_builder_begin_object (b);
  add_interval (b, e->multi_label ? "macro_auroc" : "macro_f1", &e->interval);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
ecg_evaluation_write_predictions (const EcgEvaluation *e, const EcgExamples *examples,
                                  const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new ("record,sample,reference,predicted");
  for (int c = 0; c < e->n_classes; c++)
    g_string_append_printf (out, ",score_%s", e->classes[c]);
  g_string_append_c (out, '\n');
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  for (gsize i = 0; i < e->n; i++)
    {
      const char *record = examples->record_names[examples->record_of[i]];
      g_string_append_printf (out, "%s,%" G_GINT64_FORMAT ",", record ? record : "",
                              examples->sample_of[i]);
      if (e->multi_label)
        {
          /* Label sets as class names joined by '|'. */
          gboolean first = TRUE;
          for (int c = 0; c < e->n_classes; c++)
            if (examples->targets[i * (gsize) e->n_classes + (gsize) c] > 0.5f)
              {
                g_string_append_printf (out, "%s%s", first ? "" : "|", e->classes[c]);
                first = FALSE;
              }
          g_string_append_c (out, ',');
          first = TRUE;
          for (int c = 0; c < e->n_classes; c++)
            if (e->probabilities[i * (gsize) e->n_classes + (gsize) c] >= 0.5f)
              {
                g_string_append_printf (out, "%s%s", first ? "" : "|", e->classes[c]);
                first = FALSE;
              }
        }
      else
        g_string_append_printf (out, "%s,%s", e->classes[examples->labels[i]],
                                e->classes[e->predicted[i]]);
      for (int c = 0; c < e->n_classes; c++)
        g_string_append_printf (out, ",%s",
                                g_ascii_formatd (number, sizeof number, "%.6g",
                                                 e->probabilities[i * (gsize) e->n_classes
                                                                  + (gsize) c]));
      g_string_append_c (out, '\n');
    }
  g_autoptr (GError) local_error = NULL;
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
