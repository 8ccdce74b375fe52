/* ecg-schedule.c — s_l(t), beta_l and the per-layer ceiling of DESIGN.md §6. */
#include "compress/ecg-schedule.h"

#include <math.h>

#include "ecg-error.h"

gboolean
ecg_schedule_init (EcgSchedule *schedule, double target_sparsity, double beta, int n_steps,
                   GError **error)
{
  if (!(target_sparsity >= 0.0 && target_sparsity <= ECG_SCHEDULE_MAX_SPARSITY))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "pruning schedule: target sparsity %g is outside [0, %g]", target_sparsity,
                   ECG_SCHEDULE_MAX_SPARSITY);
      return FALSE;
    }
  if (!(beta >= 0.0 && isfinite (beta)))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "pruning schedule: beta %g must be a finite number >= 0", beta);
      return FALSE;
    }
  if (n_steps < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "pruning schedule: %d steps; at least one is needed", n_steps);
      return FALSE;
    }
  schedule->target_sparsity = target_sparsity;
  schedule->beta = beta;
  schedule->n_steps = n_steps;
  return TRUE;
}

double
ecg_schedule_block_depth (int block, int n_blocks)
{
  if (n_blocks <= 1)
    return 0.0;
  return (double) block / (double) (n_blocks - 1);
}

double
ecg_schedule_layer_beta (const EcgSchedule *schedule, double depth)
{
  return schedule->beta * (0.5 + depth);
}

double
ecg_schedule_sparsity (const EcgSchedule *schedule, double layer_beta, int step)
{
  int t = CLAMP (step, 0, schedule->n_steps);
  double k = (double) schedule->n_steps;
  if (t == schedule->n_steps)
    return schedule->target_sparsity;
  if (layer_beta == 0.0)
    return schedule->target_sparsity * (double) t / k;
  /* (1 - e^{-bt}) / (1 - e^{-bK}) = expm1(-bt) / expm1(-bK): no cancellation for small b, so
   * the curve tends smoothly to the linear limit. */
  return schedule->target_sparsity * expm1 (-layer_beta * t) / expm1 (-layer_beta * k);
}

double
ecg_schedule_ceiling (const EcgSchedule *schedule, double layer_sparsity)
{
  if (schedule->target_sparsity <= 0.0)
    return 0.0;
  return MIN (ECG_SCHEDULE_MAX_SPARSITY,
              layer_sparsity * ECG_SCHEDULE_MAX_SPARSITY / schedule->target_sparsity);
}
