/* ecg-batchnorm.c — BatchNorm1d forward (training and eval) and backward.
 *
 * Channel c of sample b is the contiguous row in[(b*channels + c)*length ..]; per-channel sums
 * walk those rows and accumulate in double, so that the statistics of long batches stay exact
 * to float precision.
 */
#include "nn/ecg-batchnorm.h"

#include <math.h>

static gboolean
shape_is_valid (const EcgBatchnormShape *shape)
{
  return shape->batch > 0 && shape->channels > 0 && shape->length > 0;
}

static inline gsize
row_offset (const EcgBatchnormShape *shape, int b, int c)
{
  return ((gsize)b * shape->channels + c) * shape->length;
}

/* The per-channel sums below run over rows of `length` floats in double with four running
 * partial sums: the adds pipeline and vectorise instead of each waiting for the one before,
 * and the result stays a double sum (only its order of additions differs). */

/* sum_t x[t] */
static double
row_sum (const float *x, int length)
{
  double part[4] = { 0 };
  int t = 0;
  for (; t + 4 <= length; t += 4)
    for (int k = 0; k < 4; k++)
      part[k] += x[t + k];
  double sum = (part[0] + part[1]) + (part[2] + part[3]);
  for (; t < length; t++)
    sum += x[t];
  return sum;
}

/* sum_t (x[t] - mean)^2 */
static double
row_centred_squares (const float *x, int length, double mean)
{
  double part[4] = { 0 };
  int t = 0;
  for (; t + 4 <= length; t += 4)
    for (int k = 0; k < 4; k++)
      {
        double centred = x[t + k] - mean;
        part[k] += centred * centred;
      }
  double sum = (part[0] + part[1]) + (part[2] + part[3]);
  for (; t < length; t++)
    {
      double centred = x[t] - mean;
      sum += centred * centred;
    }
  return sum;
}

/* *sum_dy += sum_t dy[t];  *sum_dy_xhat += sum_t dy[t] x_hat[t], x_hat = (x - mean) inv_std */
static void
row_backward_sums (const float *dy, const float *x, int length, float mean, float inv_std,
                   double *sum_dy, double *sum_dy_xhat)
{
  double part_dy[4] = { 0 }, part_dy_xhat[4] = { 0 };
  int t = 0;
  for (; t + 4 <= length; t += 4)
    for (int k = 0; k < 4; k++)
      {
        part_dy[k] += dy[t + k];
        part_dy_xhat[k] += (double)dy[t + k] * ((x[t + k] - mean) * inv_std);
      }
  double a = (part_dy[0] + part_dy[1]) + (part_dy[2] + part_dy[3]);
  double b = (part_dy_xhat[0] + part_dy_xhat[1]) + (part_dy_xhat[2] + part_dy_xhat[3]);
  for (; t < length; t++)
    {
      a += dy[t];
      b += (double)dy[t] * ((x[t] - mean) * inv_std);
    }
  *sum_dy += a;
  *sum_dy_xhat += b;
}

void
ecg_batchnorm_forward_train (float *out, float *cache, float *running_mean, float *running_var,
                             const float *in, const float *gamma, const float *beta,
                             const EcgBatchnormShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int channels = shape->channels, length = shape->length;
  double n = (double)shape->batch * length;
  for (int c = 0; c < channels; c++)
    {
      double sum = 0.0;
      for (int b = 0; b < shape->batch; b++)
        sum += row_sum (in + row_offset (shape, b, c), length);
      double mean = sum / n;

      /* Second pass over centred values: no cancellation when |mean| >> std. */
      double squares = 0.0;
      for (int b = 0; b < shape->batch; b++)
        squares += row_centred_squares (in + row_offset (shape, b, c), length, mean);
      double var = squares / n;
      double inv_std = 1.0 / sqrt (var + ECG_BATCHNORM_EPS);

      float scale = (float)(gamma[c] * inv_std);
      float shift = (float)(beta[c] - mean * gamma[c] * inv_std);
      for (int b = 0; b < shape->batch; b++)
        {
          const float *x = in + row_offset (shape, b, c);
          float *y = out + row_offset (shape, b, c);
          for (int t = 0; t < length; t++)
            y[t] = x[t] * scale + shift;
        }

      cache[c] = (float)mean;
      cache[channels + c] = (float)inv_std;
      if (running_mean != NULL)
        running_mean[c] = (float)((1.0 - ECG_BATCHNORM_MOMENTUM) * running_mean[c]
                                  + ECG_BATCHNORM_MOMENTUM * mean);
      if (running_var != NULL)
        {
          /* PyTorch raises for n = 1; keep the biased value there instead of dividing by 0. */
          double unbiased = n > 1.0 ? var * n / (n - 1.0) : var;
          running_var[c] = (float)((1.0 - ECG_BATCHNORM_MOMENTUM) * running_var[c]
                                   + ECG_BATCHNORM_MOMENTUM * unbiased);
        }
    }
}

void
ecg_batchnorm_forward_eval (float *out, const float *in, const float *gamma, const float *beta,
                            const float *running_mean, const float *running_var,
                            const EcgBatchnormShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  /* Sizes in locals: a float store could alias *shape (-fno-strict-aliasing), which would keep
   * the compiler from vectorising the inner loop. */
  const int batch = shape->batch, length = shape->length;
  for (int c = 0; c < shape->channels; c++)
    {
      double inv_std = 1.0 / sqrt ((double)running_var[c] + ECG_BATCHNORM_EPS);
      float scale = (float)(gamma[c] * inv_std);
      float shift = (float)(beta[c] - running_mean[c] * gamma[c] * inv_std);
      for (int b = 0; b < batch; b++)
        {
          const float *x = in + row_offset (shape, b, c);
          float *y = out + row_offset (shape, b, c);
          for (int t = 0; t < length; t++)
            y[t] = x[t] * scale + shift;
        }
    }
}

void
ecg_batchnorm_backward_train (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                              const float *in, const float *gamma, const float *cache,
                              const EcgBatchnormShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int channels = shape->channels, length = shape->length;
  double n = (double)shape->batch * length;
  for (int c = 0; c < channels; c++)
    {
      float mean = cache[c], inv_std = cache[channels + c];
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for (int b = 0; b < shape->batch; b++)
        row_backward_sums (d_out + row_offset (shape, b, c), in + row_offset (shape, b, c), length,
                           mean, inv_std, &sum_dy, &sum_dy_xhat);
      if (d_beta != NULL)
        d_beta[c] += (float)sum_dy;
      if (d_gamma != NULL)
        d_gamma[c] += (float)sum_dy_xhat;
      if (d_in == NULL)
        continue;

      float scale = gamma[c] * inv_std;
      float mean_dy = (float)(sum_dy / n), mean_dy_xhat = (float)(sum_dy_xhat / n);
      for (int b = 0; b < shape->batch; b++)
        {
          const float *x = in + row_offset (shape, b, c);
          const float *dy = d_out + row_offset (shape, b, c);
          float *dx = d_in + row_offset (shape, b, c);
          for (int t = 0; t < length; t++)
            {
              float x_hat = (x[t] - mean) * inv_std;
              dx[t] += scale * (dy[t] - mean_dy - x_hat * mean_dy_xhat);
            }
        }
    }
}

void
ecg_batchnorm_backward_eval (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                             const float *in, const float *gamma, const float *running_mean,
                             const float *running_var, const EcgBatchnormShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  const int length = shape->length;
  for (int c = 0; c < shape->channels; c++)
    {
      float mean = running_mean[c];
      float inv_std = (float)(1.0 / sqrt ((double)running_var[c] + ECG_BATCHNORM_EPS));
      float scale = gamma[c] * inv_std;
      double sum_dy = 0.0, sum_dy_xhat = 0.0;
      for (int b = 0; b < shape->batch; b++)
        {
          const float *x = in + row_offset (shape, b, c);
          const float *dy = d_out + row_offset (shape, b, c);
          for (int t = 0; t < length; t++)
            {
              sum_dy += dy[t];
              sum_dy_xhat += (double)dy[t] * ((x[t] - mean) * inv_std);
            }
          if (d_in != NULL)
            {
              float *dx = d_in + row_offset (shape, b, c);
              for (int t = 0; t < length; t++)
                dx[t] += scale * dy[t];
            }
        }
      if (d_beta != NULL)
        d_beta[c] += (float)sum_dy;
      if (d_gamma != NULL)
        d_gamma[c] += (float)sum_dy_xhat;
    }
}
