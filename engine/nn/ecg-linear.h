/* ecg-linear.h — fully connected layer (PyTorch Linear) over plain float32 arrays.
 *
 *   out[r][o] = bias[o] + sum_i in[r][i] * weight[o][i],   i.e. out = in W^T + b
 *
 * Layout: in [rows][in_features], out [rows][out_features], weight [out_features][in_features]
 * (PyTorch's layout), bias [out_features] or NULL. rows = batch for a head, batch * tokens for a
 * per-token projection over [batch][tokens][features]. The fast path is one OpenBLAS GEMM;
 * no workspace, no state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int rows;
  int in_features;
  int out_features;
} EcgLinearShape;

/* Writes `out`; `bias` may be NULL. `out` must not alias `in`. */
void ecg_linear_forward (float *out, const float *in, const float *weight, const float *bias,
                         const EcgLinearShape *shape);

/* Gradients ADDED into the buffers, each of which may be NULL to skip it:
 *   d_in += d_out W,   d_weight += d_out^T in,   d_bias += column sums of d_out. */
void ecg_linear_backward (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                          const float *in, const float *weight, const EcgLinearShape *shape);

/* Plain loops (sums in double) computing the same as ecg_linear_forward(), to check it. */
void ecg_linear_forward_reference (float *out, const float *in, const float *weight,
                                   const float *bias, const EcgLinearShape *shape);

/* Plain loops computing the same as ecg_linear_backward(); adds, NULL skips. */
void ecg_linear_backward_reference (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                                    const float *in, const float *weight,
                                    const EcgLinearShape *shape);

G_END_DECLS
