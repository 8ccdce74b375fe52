/* ecg-optimizer.h — Adam and AdamW over a flat parameter buffer, with pruning masks.
 *
 * PyTorch semantics: with g the gradient (times the mask), t the step count,
 *   Adam:  g += wd * p                          (L2 penalty in the gradient)
 *   AdamW: p -= lr * wd * p                     (decoupled decay)
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * and finally p *= mask, so a pruned weight stays exactly zero.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ECG_OPTIMIZER_ADAM,
  ECG_OPTIMIZER_ADAMW,
} EcgOptimizerKind;

typedef struct
{
  EcgOptimizerKind kind;
  float beta1;        /* 0.9 */
  float beta2;        /* 0.999 */
  float eps;          /* 1e-8 */
  float weight_decay;
  gsize n_params;
  gint64 step;
  float *m;           /* first moments, n_params */
  float *v;           /* second moments, n_params */
} EcgOptimizer;

EcgOptimizer *ecg_optimizer_new (EcgOptimizerKind kind, gsize n_params, float weight_decay);
void ecg_optimizer_free (EcgOptimizer *optimizer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgOptimizer, ecg_optimizer_free)
/* Clears the moments and the step count (e.g. after pruning changes the masks). */
void ecg_optimizer_reset (EcgOptimizer *optimizer);
/* One update of `params` from `grads` at learning rate `lr`; `masks` may be NULL. */
void ecg_optimizer_step (EcgOptimizer *optimizer, float *params, const float *grads,
                         const float *masks, float lr);

/* Cosine annealing from base_lr to 0 over total_steps after a linear warm-up of warmup_steps
 * (0 for none). `step` counts from 0. */
float ecg_lr_cosine (float base_lr, gint64 step, gint64 total_steps, gint64 warmup_steps);

G_END_DECLS
