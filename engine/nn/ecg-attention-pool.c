/* ecg-attention-pool.c — additive and linear-score attention pooling (see
 * ecg-attention-pool.h).
 *
 * Cache layout (floats), additive form:  u [B][T][hidden], a [B][T], then scratch
 * du [B][T][hidden], ds [B][T]. Linear form: a [B][T], then scratch ds [B][T].
 */
#include "nn/ecg-attention-pool.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "nn/ecg-vmath.h"

gsize
ecg_attention_pool_param_count (const EcgAttentionPoolShape *shape)
{
  gsize h = shape->hidden;
  return (gsize)shape->features * h + 2 * h + 1;
}

void
ecg_attention_pool_offsets (const EcgAttentionPoolShape *shape, EcgAttentionPoolOffsets *offsets)
{
  offsets->weight = 0;
  offsets->bias = (gsize)shape->hidden * shape->features;
  offsets->score_weight = offsets->bias + shape->hidden;
  offsets->score_bias = offsets->score_weight + shape->hidden;
}

gsize
ecg_attention_pool_cache_floats (const EcgAttentionPoolShape *shape)
{
  gsize rows = (gsize)shape->batch * shape->steps;
  return 2 * rows * shape->hidden + 2 * rows;
}

gsize
ecg_attention_pool_linear_param_count (const EcgAttentionPoolShape *shape)
{
  return (gsize)shape->features + 1;
}

gsize
ecg_attention_pool_linear_cache_floats (const EcgAttentionPoolShape *shape)
{
  return 2 * (gsize)shape->batch * shape->steps;
}

/* Shared tail of both forwards: a holds the scores s [B][T] on entry and the weights on exit;
 * out[b] = sum_t a[b][t] x[b][t]. */
static void
softmax_and_pool (float *out, float *a, const float *in, const EcgAttentionPoolShape *shape)
{
  const int T = shape->steps, D = shape->features;
  for (int b = 0; b < shape->batch; b++)
    {
      float *ab = a + (gsize)b * T;
      float max = ab[0];
      for (int t = 1; t < T; t++)
        max = fmaxf (max, ab[t]);
      float sum = 0.0f;
      for (int t = 0; t < T; t++)
        {
          ab[t] = expf (ab[t] - max);
          sum += ab[t];
        }
      for (int t = 0; t < T; t++)
        ab[t] /= sum;

      float *ob = out + (gsize)b * D;
      memset (ob, 0, D * sizeof (float));
      for (int t = 0; t < T; t++)
        {
          const float *x = in + ((gsize)b * T + t) * D;
          for (int j = 0; j < D; j++)
            ob[j] += ab[t] * x[j];
        }
    }
}

/* Shared head of both backwards: ds [B][T] = softmax backward of da_t = d_out . x_t, and the
 * direct path d_in_t += a_t d_out. */
static void
pool_backward (float *d_in, float *ds, const float *d_out, const float *in, const float *a,
               const EcgAttentionPoolShape *shape)
{
  const int T = shape->steps, D = shape->features;
  for (int b = 0; b < shape->batch; b++)
    {
      const float *dob = d_out + (gsize)b * D;
      const float *ab = a + (gsize)b * T;
      float *dsb = ds + (gsize)b * T;
      float dot = 0.0f;
      for (int t = 0; t < T; t++)
        {
          const float *x = in + ((gsize)b * T + t) * D;
          float da = 0.0f;
          for (int j = 0; j < D; j++)
            da += dob[j] * x[j];
          dsb[t] = da;
          dot += ab[t] * da;
        }
      for (int t = 0; t < T; t++)
        dsb[t] = ab[t] * (dsb[t] - dot);

      if (d_in)
        for (int t = 0; t < T; t++)
          {
            float *dx = d_in + ((gsize)b * T + t) * D;
            for (int j = 0; j < D; j++)
              dx[j] += ab[t] * dob[j];
          }
    }
}

void
ecg_attention_pool_forward (float *out, float *cache, const float *in, const float *params,
                            const EcgAttentionPoolShape *shape)
{
  const int T = shape->steps, D = shape->features, h = shape->hidden;
  const gsize rows = (gsize)shape->batch * T;
  EcgAttentionPoolOffsets off;
  ecg_attention_pool_offsets (shape, &off);
  const float *v = params + off.score_weight;
  float *u = cache;
  float *a = u + rows * h;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, h, D, 1.0f, in, D,
               params + off.weight, D, 0.0f, u, h);
  const float *bias = params + off.bias;
  for (gsize r = 0; r < rows; r++)
    {
      float *ur = u + r * h;
      for (int j = 0; j < h; j++)
        ur[j] += bias[j];
      /* The vectorised tanh of nn/ecg-vmath.h (within 1.5e-7 of libm's). */
      ecg_vtanh (ur, ur, (gsize)h);
      float s = params[off.score_bias];
      for (int j = 0; j < h; j++)
        s += v[j] * ur[j];
      a[r] = s;
    }
  softmax_and_pool (out, a, in, shape);
}

void
ecg_attention_pool_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                             const float *params, float *cache, const EcgAttentionPoolShape *shape)
{
  const int T = shape->steps, D = shape->features, h = shape->hidden;
  const gsize rows = (gsize)shape->batch * T;
  EcgAttentionPoolOffsets off;
  ecg_attention_pool_offsets (shape, &off);
  const float *v = params + off.score_weight;
  const float *u = cache;
  const float *a = u + rows * h;
  float *du = cache + rows * h + rows;
  float *ds = du + rows * h;

  pool_backward (d_in, ds, d_out, in, a, shape);

  for (gsize r = 0; r < rows; r++)
    {
      const float *ur = u + r * h;
      float *dur = du + r * h;
      for (int j = 0; j < h; j++)
        dur[j] = ds[r] * v[j] * (1.0f - ur[j] * ur[j]);
      if (d_params)
        {
          d_params[off.score_bias] += ds[r];
          for (int j = 0; j < h; j++)
            d_params[off.score_weight + j] += ds[r] * ur[j];
        }
    }

  if (d_params)
    {
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, h, D, (int)rows, 1.0f, du, h, in, D,
                   1.0f, d_params + off.weight, D);
      for (gsize r = 0; r < rows; r++)
        for (int j = 0; j < h; j++)
          d_params[off.bias + j] += du[r * h + j];
    }
  if (d_in)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, D, h, 1.0f, du, h,
                 params + off.weight, D, 1.0f, d_in, D);
}

void
ecg_attention_pool_linear_forward (float *out, float *cache, const float *in, const float *params,
                                   const EcgAttentionPoolShape *shape)
{
  const int D = shape->features;
  const gsize rows = (gsize)shape->batch * shape->steps;
  const float *w = params, *bias = params + D;
  float *a = cache;

  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * D;
      float s = bias[0];
      for (int j = 0; j < D; j++)
        s += w[j] * x[j];
      a[r] = s;
    }
  softmax_and_pool (out, a, in, shape);
}

void
ecg_attention_pool_linear_backward (float *d_in, float *d_params, const float *d_out,
                                    const float *in, const float *params, float *cache,
                                    const EcgAttentionPoolShape *shape)
{
  const int D = shape->features;
  const gsize rows = (gsize)shape->batch * shape->steps;
  const float *w = params;
  const float *a = cache;
  float *ds = cache + rows;

  pool_backward (d_in, ds, d_out, in, a, shape);

  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * D;
      if (d_in)
        for (int j = 0; j < D; j++)
          d_in[r * D + j] += ds[r] * w[j];
      if (d_params)
        {
          for (int j = 0; j < D; j++)
            d_params[j] += ds[r] * x[j];
          d_params[D] += ds[r];
        }
    }
}
