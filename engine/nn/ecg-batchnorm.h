/* ecg-batchnorm.h — BatchNorm1d (PyTorch semantics) over plain float32 arrays.
 *
 * Layout: in and out [batch][channels][length]; gamma, beta, running_mean, running_var
 * [channels]. Statistics are per channel over batch and time (n = batch * length values):
 *
 *   training: mean_c = (1/n) sum x,  var_c = (1/n) sum (x - mean_c)^2  (biased, for the output)
 *             y = gamma_c * (x - mean_c) * inv_std_c + beta_c,  inv_std_c = 1/sqrt(var_c + eps)
 *             running_mean = (1 - m) running_mean + m mean_c
 *             running_var  = (1 - m) running_var  + m var_c * n/(n-1)   (unbiased, as PyTorch)
 *   eval:     y = gamma_c * (x - running_mean_c) / sqrt(running_var_c + eps) + beta_c
 *
 * with eps = ECG_BATCHNORM_EPS and m = ECG_BATCHNORM_MOMENTUM (PyTorch's defaults).
 * The training forward stores in a caller-provided cache of 2 * channels floats what the
 * backward needs: cache[0 .. channels) = mean_c, cache[channels .. 2*channels) = inv_std_c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ECG_BATCHNORM_EPS 1e-5
#define ECG_BATCHNORM_MOMENTUM 0.1

typedef struct
{
  int batch;
  int channels;
  int length;
} EcgBatchnormShape;

/* Floats in the cache written by ecg_batchnorm_forward_train(). */
#define ECG_BATCHNORM_CACHE_FLOATS(channels) (2 * (gsize)(channels))

/* Training-mode forward: normalises with the batch statistics, writes `out` and `cache`, and
 * updates running_mean / running_var in place (both NULL: no update, e.g. in a gradient check).
 * `out` may alias `in` only if the backward is not needed, since the backward reads `in`. */
void ecg_batchnorm_forward_train (float *out, float *cache, float *running_mean, float *running_var,
                                  const float *in, const float *gamma, const float *beta,
                                  const EcgBatchnormShape *shape);

/* Eval-mode forward with the running statistics; `out` may alias `in`. */
void ecg_batchnorm_forward_eval (float *out, const float *in, const float *gamma, const float *beta,
                                 const float *running_mean, const float *running_var,
                                 const EcgBatchnormShape *shape);

/* Backward of the training forward (the batch statistics depend on the input), ADDED into the
 * buffers; each may be NULL to skip it. With x_hat = (x - mean) * inv_std and sums over the n
 * positions of channel c:
 *   d_beta_c  += sum dy,   d_gamma_c += sum dy * x_hat
 *   d_in      += gamma_c * inv_std_c * (dy - (sum dy)/n - x_hat * (sum dy * x_hat)/n) */
void ecg_batchnorm_backward_train (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                                   const float *in, const float *gamma, const float *cache,
                                   const EcgBatchnormShape *shape);

/* Backward of the eval forward (fixed statistics, a per-channel affine map), ADDED:
 *   d_in += dy * gamma_c * inv_std_c,  d_gamma_c += sum dy * x_hat,  d_beta_c += sum dy
 * with inv_std_c = 1/sqrt(running_var_c + eps). Used for saliencies on a model in eval mode. */
void ecg_batchnorm_backward_eval (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                                  const float *in, const float *gamma, const float *running_mean,
                                  const float *running_var, const EcgBatchnormShape *shape);

G_END_DECLS
