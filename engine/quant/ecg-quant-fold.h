/* ecg-quant-fold.h — BatchNorm folded into the convolution before it (eval mode).
 *
 * A convolution followed by an eval-mode BatchNorm is one convolution:
 *   y[o][t] = gamma[o] (conv(x)[o][t] + b[o] - mean[o]) / sqrt(var[o] + eps) + beta[o]
 *           = sum w'[o][c][j] x[c][t*stride + j - padding] + b'[o]
 * with g[o] = gamma[o] / sqrt(var[o] + eps), w'[o][.][.] = g[o] w[o][.][.] and
 * b'[o] = g[o] (b[o] - mean[o]) + beta[o] (b = 0 without a conv bias), the running statistics
 * of the model's `state`, eps = ECG_BATCHNORM_EPS. Computed in double, rounded once to float.
 * Weights are taken with their masks applied (a pruned weight stays exactly 0).
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

/* Writes weight [out_channels][in_channels][kernel_size] and bias [out_channels] of convolution
 * op `conv_op` of `m` with BatchNorm op `bn_op` folded in (`bn_op` -1: the convolution alone,
 * bias 0 when it has none). The BatchNorm must normalise the convolution's output. */
void ecg_quant_fold_batchnorm (const EcgModel *m, int conv_op, int bn_op, float *weight,
                               float *bias);

G_END_DECLS
