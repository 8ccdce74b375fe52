/* ecg-optimizer.c — Adam / AdamW, one loop over the parameter buffer. */
#include "nn/ecg-optimizer.h"

#include <math.h>
#include <string.h>

EcgOptimizer *
ecg_optimizer_new (EcgOptimizerKind kind, gsize n_params, float weight_decay)
{
  EcgOptimizer *o = g_new0 (EcgOptimizer, 1);
  o->kind = kind;
  o->beta1 = 0.9f;
  o->beta2 = 0.999f;
  o->eps = 1e-8f;
  o->weight_decay = weight_decay;
  o->n_params = n_params;
  o->m = g_new0 (float, MAX (n_params, 1));
  o->v = g_new0 (float, MAX (n_params, 1));
  return o;
}

void
ecg_optimizer_free (EcgOptimizer *optimizer)
{
  if (optimizer == NULL)
    return;
  g_free (optimizer->m);
  g_free (optimizer->v);
  g_free (optimizer);
}

void
ecg_optimizer_reset (EcgOptimizer *optimizer)
{
  memset (optimizer->m, 0, optimizer->n_params * sizeof (float));
  memset (optimizer->v, 0, optimizer->n_params * sizeof (float));
  optimizer->step = 0;
}

void
ecg_optimizer_step (EcgOptimizer *o, float *params, const float *grads, const float *masks,
                    float lr)
{
  o->step++;
  const float b1 = o->beta1, b2 = o->beta2;
  const float correction1 = 1.0f - powf (b1, (float) o->step);
  const float correction2 = 1.0f - powf (b2, (float) o->step);
  const float step_size = lr / correction1;
  const float inverse_sqrt_c2 = 1.0f / sqrtf (correction2);
  const float wd = o->weight_decay;
  const gboolean decoupled = o->kind == ECG_OPTIMIZER_ADAMW;

  for (gsize i = 0; i < o->n_params; i++)
    {
      float mask = masks != NULL ? masks[i] : 1.0f;
      float p = params[i];
      float g = grads[i] * mask;
      if (wd != 0.0f)
        {
          if (decoupled)
            p -= lr * wd * p;
          else
            g += wd * p;
        }
      float m = o->m[i] = b1 * o->m[i] + (1.0f - b1) * g;
      float v = o->v[i] = b2 * o->v[i] + (1.0f - b2) * g * g;
      p -= step_size * m / (sqrtf (v) * inverse_sqrt_c2 + o->eps);
      params[i] = p * mask;
    }
}

float
ecg_lr_cosine (float base_lr, gint64 step, gint64 total_steps, gint64 warmup_steps)
{
  if (warmup_steps > 0 && step < warmup_steps)
    return base_lr * (float) (step + 1) / (float) warmup_steps;
  gint64 span = MAX (total_steps - warmup_steps, 1);
  double progress = (double) MIN (step - warmup_steps, span) / (double) span;
  return (float) (0.5 * base_lr * (1.0 + cos (G_PI * progress)));
}
