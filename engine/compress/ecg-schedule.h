/* ecg-schedule.h — the per-layer sparsity schedule of iterative pruning (DESIGN.md §6).
 *
 * Pruning runs over K steps t = 1..K towards a target sparsity s_target. Layer l follows
 *
 *   s_l(t) = s_target * (1 - exp(-beta_l t)) / (1 - exp(-beta_l K)),  s_l(0) = 0, s_l(K) = s_target
 *   beta_l = beta * (0.5 + d_l),   d_l = block index / (n_blocks - 1)   (0 for a one-block model)
 *
 * and beta_l = 0 is the linear limit s_target * t / K. A larger beta_l front-loads the curve
 * (it is concave in t), so deeper blocks (d_l near 1) are pruned earlier than shallow ones;
 * all layers meet at s_target at t = K. The per-layer ceiling on the cumulative pruned fraction
 * is c_l(t) = min(0.95, s_l(t) * 0.95 / s_target) >= s_l(t).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest target sparsity and largest fraction any layer may lose. */
#define ECG_SCHEDULE_MAX_SPARSITY 0.95

typedef struct
{
  double target_sparsity; /* s_target, 0 <= s <= 0.95: fraction of prunable weights */
  double beta;            /* >= 0; 0 = linear schedule */
  int n_steps;            /* K >= 1 */
} EcgSchedule;

/* Fills `schedule` after checking the values; FALSE with ECG_ERROR_INVALID naming the bad value
 * (target outside [0, 0.95], beta negative or not finite, K < 1). */
gboolean ecg_schedule_init (EcgSchedule *schedule, double target_sparsity, double beta,
                            int n_steps, GError **error);

/* d_l = block / (n_blocks - 1), 0 when the model has one block. */
double ecg_schedule_block_depth (int block, int n_blocks);
/* beta_l = beta * (0.5 + d_l). */
double ecg_schedule_layer_beta (const EcgSchedule *schedule, double depth);
/* s_l(t) for a layer with `layer_beta`; step is clamped to 0..K. */
double ecg_schedule_sparsity (const EcgSchedule *schedule, double layer_beta, int step);
/* c_l(t) = min(0.95, s_l(t) * 0.95 / s_target) for the layer's s_l(t) (0 when s_target = 0). */
double ecg_schedule_ceiling (const EcgSchedule *schedule, double layer_sparsity);

G_END_DECLS
