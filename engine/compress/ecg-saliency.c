/* ecg-saliency.c — per-class |w dL_c/dw| from the model's backward pass, weighted by class. */
#include "compress/ecg-saliency.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"

void
ecg_saliency_options_init (EcgSaliencyOptions *options)
{
  memset (options, 0, sizeof *options);
  options->batch_size = 128;
}

/* Whether example i belongs to class c (single-label: its label; multi-label: a positive). */
static gboolean
in_class (const EcgModel *m, const EcgSaliencyData *d, gsize i, int c)
{
  if (m->multi_label)
    return d->targets[i * (gsize) m->n_outputs + (gsize) c] >= 0.5f;
  return d->labels[i] == c;
}

static gboolean
check_data (const EcgModel *m, const EcgSaliencyData *d, const EcgSaliencyOptions *o,
            GError **error)
{
  const char *bad = NULL;
  if (d->n == 0 || d->inputs == NULL)
    bad = "no examples";
  else if (m->multi_label ? d->targets == NULL : d->labels == NULL)
    bad = m->multi_label ? "no targets" : "no labels";
  else if (m->rr_features > 0 && d->rr == NULL)
    bad = "the model takes RR features but the examples have none";
  else if (o->batch_size < 1)
    bad = "the batch size must be at least 1";
  if (bad == NULL && !m->multi_label)
    for (gsize i = 0; i < d->n && bad == NULL; i++)
      if (d->labels[i] < 0 || d->labels[i] >= m->n_outputs)
        bad = "a label is outside the model's classes";
  if (bad == NULL && o->class_weights != NULL)
    {
      double sum = 0.0;
      for (int c = 0; c < m->n_outputs && bad == NULL; c++)
        {
          if (!(o->class_weights[c] >= 0.0 && isfinite (o->class_weights[c])))
            bad = "class weights must be finite and >= 0";
          sum += o->class_weights[c];
        }
      if (bad == NULL && !(sum > 0.0))
        bad = "the class weights are all 0";
    }
  if (bad == NULL)
    return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "class-aware saliency of %s: %s", m->arch,
               bad);
  return FALSE;
}

/* d(sum of the batch's losses)/d logits, [count][K]: single-label softmax(z) - onehot(y);
 * multi-label (sigmoid(z) - t) / K. */
static void
loss_gradient (const EcgModel *m, const EcgSaliencyData *d, const gsize *members, int count,
               const float *logits, float *d_logits)
{
  const int k = m->n_outputs;
  for (int r = 0; r < count; r++)
    {
      const float *z = logits + (gsize) r * (gsize) k;
      float *dz = d_logits + (gsize) r * (gsize) k;
      gsize i = members[r];
      if (m->multi_label)
        {
          const float *t = d->targets + i * (gsize) k;
          for (int c = 0; c < k; c++)
            dz[c] = (float) ((1.0 / (1.0 + exp (-(double) z[c])) - t[c]) / k);
          continue;
        }
      double max = z[0];
      for (int c = 1; c < k; c++)
        max = MAX (max, (double) z[c]);
      double sum = 0.0;
      for (int c = 0; c < k; c++)
        sum += exp ((double) z[c] - max);
      for (int c = 0; c < k; c++)
        dz[c] = (float) (exp ((double) z[c] - max) / sum - (c == d->labels[i] ? 1.0 : 0.0));
    }
}

gboolean
ecg_saliency_class_aware (EcgModel *m, const EcgSaliencyData *d, const EcgSaliencyOptions *o,
                          double *saliency, double *class_weights_out, gsize *class_counts_out,
                          GError **error)
{
  if (!check_data (m, d, o, error))
    return FALSE;
  const int k = m->n_outputs;
  g_autofree gsize *counts = g_new0 (gsize, k);
  for (gsize i = 0; i < d->n; i++)
    for (int c = 0; c < k; c++)
      counts[c] += in_class (m, d, i, c);

  /* lambda_c: given, or (1/n_c) / sum_k (1/n_k) over the classes present. */
  g_autofree double *lambda = g_new0 (double, k);
  if (o->class_weights != NULL)
    memcpy (lambda, o->class_weights, (gsize) k * sizeof (double));
  else
    {
      double sum = 0.0;
      for (int c = 0; c < k; c++)
        sum += counts[c] > 0 ? 1.0 / (double) counts[c] : 0.0;
      for (int c = 0; c < k; c++)
        lambda[c] = counts[c] > 0 ? (1.0 / (double) counts[c]) / sum : 0.0;
    }
  gboolean any = FALSE;
  for (int c = 0; c < k; c++)
    any |= lambda[c] > 0.0 && counts[c] > 0;
  if (!any)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "class-aware saliency of %s: no example belongs to a weighted class",
                   m->arch);
      return FALSE;
    }
  if (class_weights_out != NULL)
    memcpy (class_weights_out, lambda, (gsize) k * sizeof (double));
  if (class_counts_out != NULL)
    memcpy (class_counts_out, counts, (gsize) k * sizeof (gsize));

  const int batch = (int) MIN ((gsize) o->batch_size, d->n);
  const gsize input_size = (gsize) m->input_channels * (gsize) m->input_length;
  const gsize rr_size = (gsize) m->rr_features;
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, batch, TRUE);
  ecg_model_run_set_eval_mode (run, TRUE);
  g_autofree float *inputs = g_new (float, (gsize) batch * input_size);
  g_autofree float *rr = rr_size > 0 ? g_new (float, (gsize) batch * rr_size) : NULL;
  g_autofree float *d_logits = g_new (float, (gsize) batch * (gsize) k);
  g_autofree gsize *members = g_new (gsize, batch);
  g_autofree double *gradient = g_new (double, MAX (m->n_params, 1));
  for (gsize j = 0; j < m->n_params; j++)
    saliency[j] = 0.0;

  for (int c = 0; c < k; c++)
    {
      if (lambda[c] == 0.0 || counts[c] == 0)
        continue;
      memset (gradient, 0, m->n_params * sizeof (double));
      gsize next = 0;
      for (;;)
        {
          int count = 0;
          for (; next < d->n && count < batch; next++)
            if (in_class (m, d, next, c))
              members[count++] = next;
          if (count == 0)
            break;
          if (ecg_error_set_if_cancelled (o->cancellable, error))
            return FALSE;
          for (int r = 0; r < count; r++)
            {
              memcpy (inputs + (gsize) r * input_size, d->inputs + members[r] * input_size,
                      input_size * sizeof (float));
              if (rr != NULL)
                memcpy (rr + (gsize) r * rr_size, d->rr + members[r] * rr_size,
                        rr_size * sizeof (float));
            }
          const float *logits = ecg_model_forward (m, run, inputs, rr, count);
          loss_gradient (m, d, members, count, logits, d_logits);
          ecg_model_run_zero_grads (run);
          ecg_model_backward (m, run, d_logits);
          const float *g = ecg_model_run_grads (run);
          for (gsize j = 0; j < m->n_params; j++)
            gradient[j] += g[j];
        }
      for (gsize j = 0; j < m->n_params; j++)
        {
          double s = fabs ((double) m->params[j] * gradient[j]);
          if (!isfinite (s))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                           "class-aware saliency of %s: the gradient of class %d is not finite "
                           "at parameter %" G_GSIZE_FORMAT, m->arch, c, j);
              return FALSE;
            }
          saliency[j] += lambda[c] * s;
        }
    }
  return TRUE;
}
