/* ecg-conv1d.h — 1-D convolution (PyTorch Conv1d semantics) over plain float32 arrays.
 *
 * Layout: in [batch][in_channels][in_length], out [batch][out_channels][out_length],
 * weight [out_channels][in_channels][kernel_size], bias [out_channels] (or NULL).
 *
 *   out[b][o][t] = bias[o] + sum_c sum_j weight[o][c][j] * in[b][c][t*stride + j - padding]
 *
 * with zero padding outside [0, in_length) and
 * out_length = (in_length + 2*padding - kernel_size) / stride + 1 (integer division).
 * The model zoo uses padding = kernel_size / 2.
 *
 * Workspace rule: the fast forward and backward need a scratch buffer of
 * ecg_conv1d_workspace_floats() floats. The caller passes one (any contents; it is
 * overwritten) so that a training loop allocates nothing per call; passing NULL makes the
 * call allocate and free its own. Nothing is kept between calls, and there is no global state:
 * two threads may run convolutions at once with different workspaces.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int in_channels;
  int out_channels;
  int in_length;
  int kernel_size;
  int stride;
  int padding; /* zeros on each side */
} EcgConv1dShape;

/* (in_length + 2*padding - kernel_size) / stride + 1, or 0 when the kernel does not fit. */
int ecg_conv1d_out_length (const EcgConv1dShape *shape);

/* Floats of scratch needed by ecg_conv1d_forward() and ecg_conv1d_backward() for batches of up
 * to shape->batch samples: with G = min(batch, ceil(512 / out_length)) samples per GEMM,
 * G * in_channels * kernel_size * out_length (their im2col matrices side by side), plus
 * G * out_channels * out_length when G > 1 (the GEMM's output before it is scattered back).
 * A workspace sized for a batch serves any smaller batch. */
gsize ecg_conv1d_workspace_floats (const EcgConv1dShape *shape);

/* Fast path: samples in groups of G (above), im2col of the group into the workspace with the
 * samples' columns side by side, then one GEMM
 *   Y (C_out x G*L_out) = weight (C_out x C_in*k) * col (C_in*k x G*L_out)
 * whose column blocks are the samples' outputs. One sample's GEMM is small (L_out is 32 in the
 * deep layers); G of them at once keep OpenBLAS's kernel busy and pack the weights once.
 * Writes `out`; `bias` may be NULL. */
void ecg_conv1d_forward (float *out, const float *in, const float *weight, const float *bias,
                         const EcgConv1dShape *shape, float *workspace);

/* Gradients of the forward above, ADDED into the buffers (the same groups: dW += D col^T and
 * d_col = W^T D with D the group's d_out as one C_out x G*L_out matrix):
 *   d_weight[o][c][j] += sum_b sum_t d_out[b][o][t] * in[b][c][t*stride + j - padding]
 *   d_bias[o]         += sum_b sum_t d_out[b][o][t]
 *   d_in[b][c][i]     += sum over (o, j, t) with t*stride + j - padding = i of
 *                        weight[o][c][j] * d_out[b][o][t]
 * Any of d_in (e.g. the first layer), d_weight and d_bias may be NULL to skip it. */
void ecg_conv1d_backward (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                          const float *in, const float *weight, const EcgConv1dShape *shape,
                          float *workspace);

/* Plain loops computing the same as ecg_conv1d_forward() (sums in double); kept to check the
 * fast path. No workspace. */
void ecg_conv1d_forward_reference (float *out, const float *in, const float *weight,
                                   const float *bias, const EcgConv1dShape *shape);

/* Plain loops computing the same as ecg_conv1d_backward(); adds, NULL skips, as above. */
void ecg_conv1d_backward_reference (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                                    const float *in, const float *weight,
                                    const EcgConv1dShape *shape);

G_END_DECLS
