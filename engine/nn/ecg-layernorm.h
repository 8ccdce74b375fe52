/* ecg-layernorm.h — LayerNorm over the last dimension (torch.nn.LayerNorm(features), eps 1e-5,
 * elementwise affine) over plain float32 arrays.
 *
 * Layout: in and out [rows][features] (rows = batch*steps for [batch][steps][features]),
 * gamma and beta [features]. Per row, with the biased variance as PyTorch uses:
 *   mean = sum_j x_j / F,  rstd = 1 / sqrt(sum_j (x_j - mean)^2 / F + eps)
 *   out_j = (x_j - mean) * rstd * gamma_j + beta_j
 * Parameters: gamma then beta, 2*features floats (512 for 256 features).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ECG_LAYERNORM_EPS 1e-5f

typedef struct
{
  int rows;
  int features;
} EcgLayernormShape;

/* 2*features: gamma [features] then beta [features]. */
gsize ecg_layernorm_param_count (const EcgLayernormShape *shape);

/* Writes out [rows][features]; out may be the same buffer as in. `mean` and `rstd` ([rows]
 * each) receive the per-row statistics that ecg_layernorm_backward() needs; both may be NULL
 * when no backward follows (inference). */
void ecg_layernorm_forward (float *out, float *mean, float *rstd, const float *in,
                            const float *gamma, const float *beta, const EcgLayernormShape *shape);

/* Gradients, ADDED into d_in, d_gamma and d_beta (each may be NULL to skip it). With
 * xhat = (x - mean) * rstd and dn = d_out * gamma, per row:
 *   d_in += rstd * (dn - mean_j(dn) - xhat * mean_j(dn * xhat))
 *   d_gamma += d_out * xhat,  d_beta += d_out
 * `in`, `mean` and `rstd` are those of the forward. */
void ecg_layernorm_backward (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                             const float *in, const float *mean, const float *rstd,
                             const float *gamma, const EcgLayernormShape *shape);

G_END_DECLS
