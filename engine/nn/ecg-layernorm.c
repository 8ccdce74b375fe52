/* ecg-layernorm.c — LayerNorm over the last dimension (see ecg-layernorm.h). */
#include "nn/ecg-layernorm.h"

#include <math.h>

gsize
ecg_layernorm_param_count (const EcgLayernormShape *shape)
{
  return 2 * (gsize)shape->features;
}

/* Row sums in double with four running partial sums, so the adds pipeline (and vectorise)
 * instead of each waiting for the one before; only the order of the additions changes. */
static double
row_sum (const float *x, int n)
{
  double part[4] = { 0 };
  int j = 0;
  for (; j + 4 <= n; j += 4)
    for (int k = 0; k < 4; k++)
      part[k] += x[j + k];
  double sum = (part[0] + part[1]) + (part[2] + part[3]);
  for (; j < n; j++)
    sum += x[j];
  return sum;
}

static double
row_centred_squares (const float *x, int n, double m)
{
  double part[4] = { 0 };
  int j = 0;
  for (; j + 4 <= n; j += 4)
    for (int k = 0; k < 4; k++)
      part[k] += (x[j + k] - m) * (x[j + k] - m);
  double sum = (part[0] + part[1]) + (part[2] + part[3]);
  for (; j < n; j++)
    sum += (x[j] - m) * (x[j] - m);
  return sum;
}

void
ecg_layernorm_forward (float *out, float *mean, float *rstd, const float *in, const float *gamma,
                       const float *beta, const EcgLayernormShape *shape)
{
  const int F = shape->features;
  for (int r = 0; r < shape->rows; r++)
    {
      const float *x = in + (gsize)r * F;
      float *y = out + (gsize)r * F;
      /* Two passes in double, and x - mean in double: a row with a large offset and a small
       * spread would otherwise lose the mean's float rounding times rstd. */
      double m = row_sum (x, F) / F;
      double sq = row_centred_squares (x, F, m);
      double s = 1.0 / sqrt (sq / F + ECG_LAYERNORM_EPS);
      for (int j = 0; j < F; j++)
        y[j] = (float)((x[j] - m) * s) * gamma[j] + beta[j];
      if (mean)
        mean[r] = (float)m;
      if (rstd)
        rstd[r] = (float)s;
    }
}

void
ecg_layernorm_backward (float *d_in, float *d_gamma, float *d_beta, const float *d_out,
                        const float *in, const float *mean, const float *rstd, const float *gamma,
                        const EcgLayernormShape *shape)
{
  const int F = shape->features;
  for (int r = 0; r < shape->rows; r++)
    {
      const float *x = in + (gsize)r * F;
      const float *dy = d_out + (gsize)r * F;
      float m = mean[r], s = rstd[r];

      float mean_dn = 0.0f, mean_dn_xhat = 0.0f;
      for (int j = 0; j < F; j++)
        {
          float xhat = (x[j] - m) * s;
          float dn = dy[j] * gamma[j];
          mean_dn += dn;
          mean_dn_xhat += dn * xhat;
        }
      mean_dn /= F;
      mean_dn_xhat /= F;

      for (int j = 0; j < F; j++)
        {
          float xhat = (x[j] - m) * s;
          if (d_in)
            d_in[(gsize)r * F + j] += s * (dy[j] * gamma[j] - mean_dn - xhat * mean_dn_xhat);
          if (d_gamma)
            d_gamma[j] += dy[j] * xhat;
          if (d_beta)
            d_beta[j] += dy[j];
        }
    }
}
