/* ecg-se.c — squeeze-and-excitation forward and backward (see ecg-se.h).
 *
 * Cache layout (floats): s [B][C], z [B][R], e [B][C], then scratch dp2 [B][C], dz [B][R],
 * ds [B][C].
 */
#include "nn/ecg-se.h"

#include <cblas.h>
#include <math.h>

gsize
ecg_se_param_count (const EcgSeShape *shape)
{
  return 2 * (gsize)shape->channels * shape->reduced;
}

gsize
ecg_se_cache_floats (const EcgSeShape *shape)
{
  return 2 * (gsize)shape->batch * (2 * shape->channels + shape->reduced);
}

void
ecg_se_forward (float *out, float *cache, const float *in, const float *params,
                const EcgSeShape *shape)
{
  const int B = shape->batch, C = shape->channels, T = shape->steps, R = shape->reduced;
  const float *w1 = params, *w2 = params + (gsize)R * C;
  float *s = cache;
  float *z = s + (gsize)B * C;
  float *e = z + (gsize)B * R;

  for (gsize bc = 0; bc < (gsize)B * C; bc++)
    {
      const float *x = in + bc * T;
      float sum = 0.0f;
      for (int t = 0; t < T; t++)
        sum += x[t];
      s[bc] = sum / T;
    }

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, R, C, 1.0f, s, C, w1, C, 0.0f, z, R);
  for (gsize k = 0; k < (gsize)B * R; k++)
    z[k] = fmaxf (z[k], 0.0f);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, C, R, 1.0f, z, R, w2, R, 0.0f, e, C);

  for (gsize bc = 0; bc < (gsize)B * C; bc++)
    {
      e[bc] = 1.0f / (1.0f + expf (-e[bc]));
      const float *x = in + bc * T;
      float *y = out + bc * T;
      for (int t = 0; t < T; t++)
        y[t] = x[t] * e[bc];
    }
}

void
ecg_se_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                 const float *params, float *cache, const EcgSeShape *shape)
{
  const int B = shape->batch, C = shape->channels, T = shape->steps, R = shape->reduced;
  const gsize BC = (gsize)B * C, BR = (gsize)B * R;
  const float *w1 = params, *w2 = params + (gsize)R * C;
  const float *s = cache, *z = s + BC, *e = z + BR;
  float *dp2 = cache + 2 * BC + BR;
  float *dz = dp2 + BC;
  float *ds = dz + BR;

  for (gsize bc = 0; bc < BC; bc++)
    {
      const float *x = in + bc * T, *dy = d_out + bc * T;
      float de = 0.0f;
      for (int t = 0; t < T; t++)
        de += dy[t] * x[t];
      dp2[bc] = de * e[bc] * (1.0f - e[bc]);
    }

  if (d_params)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, C, R, B, 1.0f, dp2, C, z, R, 1.0f,
                 d_params + (gsize)R * C, R);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, R, C, 1.0f, dp2, C, w2, R, 0.0f, dz,
               R);
  for (gsize k = 0; k < BR; k++)
    if (!(z[k] > 0.0f))
      dz[k] = 0.0f;
  if (d_params)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, R, C, B, 1.0f, dz, R, s, C, 1.0f,
                 d_params, C);

  if (!d_in)
    return;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, R, 1.0f, dz, R, w1, C, 0.0f, ds, C);
  for (gsize bc = 0; bc < BC; bc++)
    {
      const float *dy = d_out + bc * T;
      float *dx = d_in + bc * T;
      float through_mean = ds[bc] / T;
      for (int t = 0; t < T; t++)
        dx[t] += dy[t] * e[bc] + through_mean;
    }
}
