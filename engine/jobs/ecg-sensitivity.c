/* ecg-sensitivity.c — one layer at a time, magnitude-pruned, scored on validation examples. */
#include "jobs/ecg-sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"
#include "train/ecg-trainer.h"

static double
score (EcgModel *m, const EcgExamples *e, int threads, GCancellable *cancellable,
       GError **error)
{
  g_autofree float *p = ecg_predict (m, e, threads, cancellable, error);
  return p != NULL ? ecg_examples_score (e, p) : NAN;
}

static int
compare_abs (const void *a, const void *b)
{
  float x = fabsf (*(const float *) a), y = fabsf (*(const float *) b);
  return (x > y) - (x < y);
}

JsonObject *
ecg_sensitivity_analyse (EcgModel *m, const EcgExamples *validation, const double *sparsities,
                         int n_sparsities, int threads, EcgJobProgressFunc progress,
                         gpointer progress_data, GCancellable *cancellable, GError **error)
{
  double baseline = score (m, validation, threads, cancellable, error);
  if (isnan (baseline) && error != NULL && *error != NULL)
    return NULL;
  g_autoptr (JsonObject) out = json_object_new ();
  json_object_set_double_member (out, "baseline", baseline);
  json_object_set_string_member (out, "score", m->multi_label ? "macro_auroc" : "macro_f1");
  JsonArray *s_array = json_array_new ();
  for (int k = 0; k < n_sparsities; k++)
    json_array_add_double_element (s_array, sparsities[k]);
  json_object_set_array_member (out, "sparsities", s_array);
  JsonArray *layers = json_array_new ();
  json_object_set_array_member (out, "layers", layers);

  int n_prunable = 0;
  for (guint t = 0; t < m->param_tensors->len; t++)
    n_prunable += g_array_index (m->param_tensors, EcgParamTensor, t).prunable;
  int done = 0;
  for (guint t = 0; t < m->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      if (!pt->prunable)
        continue;
      float *w = m->params + pt->offset;
      g_autofree float *saved = g_memdup2 (w, pt->count * sizeof (float));
      g_autofree float *sorted = g_memdup2 (w, pt->count * sizeof (float));
      qsort (sorted, pt->count, sizeof (float), compare_abs);
      JsonObject *layer = json_object_new ();
      json_object_set_string_member (layer, "name", pt->name);
      json_object_set_int_member (layer, "params", (gint64) pt->count);
      JsonArray *scores = json_array_new ();
      for (int k = 0; k < n_sparsities; k++)
        {
          /* Zero the smallest round(s n) weights (ties by position: the threshold's first). */
          gsize n_zero = (gsize) llround (sparsities[k] * (double) pt->count);
          float threshold = n_zero > 0 ? fabsf (sorted[n_zero - 1]) : -1.0f;
          gsize zeroed = 0;
          for (gsize j = 0; j < pt->count; j++)
            if (zeroed < n_zero && fabsf (saved[j]) < threshold)
              {
                w[j] = 0;
                zeroed++;
              }
          for (gsize j = 0; j < pt->count && zeroed < n_zero; j++)
            if (w[j] != 0 && fabsf (saved[j]) == threshold)
              {
                w[j] = 0;
                zeroed++;
              }
          double s = score (m, validation, threads, cancellable, error);
          memcpy (w, saved, pt->count * sizeof (float));
          if (isnan (s) && error != NULL && *error != NULL)
            {
              json_object_unref (layer);
              json_array_unref (scores);
              return NULL;
            }
          json_array_add_double_element (scores, s);
        }
      json_object_set_array_member (layer, "scores", scores);
      json_array_add_object_element (layers, layer);
      done++;
      if (progress != NULL)
        {
          EcgJobProgress p = { .stage = "sensitivity", .step = done, .n_steps = n_prunable,
                               .fraction = (double) done / n_prunable };
          progress (&p, progress_data);
        }
    }
  return g_steal_pointer (&out);
}
