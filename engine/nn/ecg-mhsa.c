/* ecg-mhsa.c — multi-head self-attention forward and backward (see ecg-mhsa.h).
 *
 * Cache layout (floats), d = d_model, H = heads:
 *   qkv   [B][T][3d]     x W_in^T + b_in (q unscaled; the 1/sqrt(head_dim) goes into the GEMMs)
 *   probs [B][H][T][T]   softmax rows (training); a single [T][T] in inference
 *   o     [B][T][d]      heads concatenated, before the output projection
 * then, training only, backward scratch:
 *   d_o   [B][T][d],  d_qkv [B][T][3d],  d_probs [T][T]
 */
#include "nn/ecg-mhsa.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "nn/ecg-vmath.h"

gsize
ecg_mhsa_param_count (const EcgMhsaShape *shape)
{
  gsize d = shape->d_model;
  return 4 * d * d + 4 * d;
}

void
ecg_mhsa_offsets (const EcgMhsaShape *shape, EcgMhsaOffsets *offsets)
{
  gsize d = shape->d_model;
  offsets->in_proj_weight = 0;
  offsets->in_proj_bias = 3 * d * d;
  offsets->out_proj_weight = offsets->in_proj_bias + 3 * d;
  offsets->out_proj_bias = offsets->out_proj_weight + d * d;
}

gsize
ecg_mhsa_cache_floats (const EcgMhsaShape *shape, gboolean training)
{
  gsize rows = (gsize)shape->batch * shape->steps, d = shape->d_model;
  gsize square = (gsize)shape->steps * shape->steps;
  if (!training)
    return rows * 3 * d + square + rows * d;
  return rows * 3 * d + shape->batch * shape->heads * square + rows * d /* saved */
         + rows * d + rows * 3 * d + square;                            /* scratch */
}

/* Row-wise softmax of an [n][n] block, in place; the exponentials are the vectorised ones of
 * nn/ecg-vmath.h (within 2 ulp of expf): T^2 of them per head, the bulk of the non-GEMM work. */
static void
softmax_rows (float *p, int n)
{
  for (int r = 0; r < n; r++)
    {
      float *row = p + (gsize)r * n;
      float max = row[0];
      for (int c = 1; c < n; c++)
        max = row[c] > max ? row[c] : max;
      for (int c = 0; c < n; c++)
        row[c] -= max;
      ecg_vexp (row, row, (gsize)n);
      float sum = 0.0f;
      for (int c = 0; c < n; c++)
        sum += row[c];
      float inv = 1.0f / sum;
      for (int c = 0; c < n; c++)
        row[c] *= inv;
    }
}

void
ecg_mhsa_forward (float *out, float *cache, const float *in, const float *params,
                  const EcgMhsaShape *shape, gboolean training)
{
  g_return_if_fail (shape->heads > 0 && shape->d_model % shape->heads == 0);
  const int B = shape->batch, T = shape->steps, d = shape->d_model, H = shape->heads;
  const int head_dim = d / H;
  const gsize rows = (gsize)B * T, square = (gsize)T * T;
  const float scale = 1.0f / sqrtf ((float)head_dim);
  EcgMhsaOffsets off;
  ecg_mhsa_offsets (shape, &off);
  const float *w_in = params + off.in_proj_weight, *b_in = params + off.in_proj_bias;
  const float *w_out = params + off.out_proj_weight, *b_out = params + off.out_proj_bias;

  float *qkv = cache;
  float *probs = qkv + rows * 3 * d;
  float *o = probs + (training ? (gsize)B * H * square : square);

  /* Biases first, then the GEMM adds onto them (beta = 1): one pass over qkv instead of two. */
  for (gsize r = 0; r < rows; r++)
    memcpy (qkv + r * 3 * d, b_in, 3 * (gsize)d * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B * T, 3 * d, d, 1.0f, in, d, w_in, d, 1.0f,
               qkv, 3 * d);

  for (int b = 0; b < B; b++)
    for (int n = 0; n < H; n++)
      {
        const float *q = qkv + (gsize)b * T * 3 * d + n * head_dim;
        const float *k = q + d;
        const float *v = q + 2 * d;
        float *p = training ? probs + ((gsize)b * H + n) * square : probs;
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, head_dim, scale, q, 3 * d, k,
                     3 * d, 0.0f, p, T);
        softmax_rows (p, T);
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, head_dim, T, 1.0f, p, T, v,
                     3 * d, 0.0f, o + (gsize)b * T * d + n * head_dim, d);
      }

  for (gsize r = 0; r < rows; r++)
    memcpy (out + r * d, b_out, (gsize)d * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B * T, d, d, 1.0f, o, d, w_out, d, 1.0f,
               out, d);
}

void
ecg_mhsa_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                   const float *params, float *cache, const EcgMhsaShape *shape)
{
  const int B = shape->batch, T = shape->steps, d = shape->d_model, H = shape->heads;
  const int head_dim = d / H;
  const gsize rows = (gsize)B * T, square = (gsize)T * T;
  const float scale = 1.0f / sqrtf ((float)head_dim);
  EcgMhsaOffsets off;
  ecg_mhsa_offsets (shape, &off);
  const float *w_in = params + off.in_proj_weight;
  const float *w_out = params + off.out_proj_weight;

  const float *qkv = cache;
  const float *probs = qkv + rows * 3 * d;
  const float *o = probs + (gsize)B * H * square;
  float *d_o = cache + rows * 3 * d + (gsize)B * H * square + rows * d;
  float *d_qkv = d_o + rows * d;
  float *d_probs = d_qkv + rows * 3 * d;

  if (d_params)
    {
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, d, d, B * T, 1.0f, d_out, d, o, d, 1.0f,
                   d_params + off.out_proj_weight, d);
      float *db_out = d_params + off.out_proj_bias;
      for (gsize r = 0; r < rows; r++)
        for (int j = 0; j < d; j++)
          db_out[j] += d_out[r * d + j];
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B * T, d, d, 1.0f, d_out, d, w_out, d,
               0.0f, d_o, d);

  /* Every (b, head) writes its own columns of d_qkv once, so no zeroing is needed. */
  for (int b = 0; b < B; b++)
    for (int n = 0; n < H; n++)
      {
        gsize head_start = (gsize)b * T * 3 * d + n * head_dim;
        const float *q = qkv + head_start, *k = q + d, *v = q + 2 * d;
        float *dq = d_qkv + head_start, *dk = dq + d, *dv = dq + 2 * d;
        const float *p = probs + ((gsize)b * H + n) * square;
        const float *d_o_head = d_o + (gsize)b * T * d + n * head_dim;

        /* dP = do v^T,  dv = P^T do. */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, T, T, head_dim, 1.0f, d_o_head, d, v,
                     3 * d, 0.0f, d_probs, T);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, head_dim, T, 1.0f, p, T, d_o_head,
                     d, 0.0f, dv, 3 * d);
        /* Softmax backward per row: dS = P * (dP - sum_c P dP). */
        for (int r = 0; r < T; r++)
          {
            const float *p_row = p + (gsize)r * T;
            float *dp_row = d_probs + (gsize)r * T;
            float dot = 0.0f;
            for (int c = 0; c < T; c++)
              dot += p_row[c] * dp_row[c];
            for (int c = 0; c < T; c++)
              dp_row[c] = p_row[c] * (dp_row[c] - dot);
          }
        /* S = scale q k^T:  dq = scale dS k,  dk = scale dS^T q. */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, T, head_dim, T, scale, d_probs, T,
                     k, 3 * d, 0.0f, dq, 3 * d);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, T, head_dim, T, scale, d_probs, T, q,
                     3 * d, 0.0f, dk, 3 * d);
      }

  if (d_params)
    {
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 3 * d, d, B * T, 1.0f, d_qkv, 3 * d, in,
                   d, 1.0f, d_params + off.in_proj_weight, d);
      float *db_in = d_params + off.in_proj_bias;
      for (gsize r = 0; r < rows; r++)
        for (int j = 0; j < 3 * d; j++)
          db_in[j] += d_qkv[r * 3 * d + j];
    }
  if (d_in)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B * T, d, 3 * d, 1.0f, d_qkv, 3 * d,
                 w_in, d, 1.0f, d_in, d);
}
