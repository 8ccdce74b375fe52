/* ecg-attention-pool.h — attention pooling over time, the two forms of reference/torch_zoo.py,
 * over plain float32 arrays.
 *
 * Layout: in [batch][steps][features], out [batch][features].
 *
 * Additive (AttnPool(features, hidden) in CNN_LSTM_Attn, ResNet1D_Attn, ResNet1D_SE_Attn):
 *   u_t = tanh(W x_t + b_W)        W [hidden][features], b_W [hidden]
 *   s_t = v . u_t + b_v            v [hidden] (Linear(hidden, 1).weight), b_v [1]
 *   a = softmax_t(s),  out = sum_t a_t x_t
 *   Parameters in PyTorch order W, b_W, v, b_v: features*hidden + 2*hidden + 1 floats.
 *
 * Linear score (ConvTransformer's "score" Linear(features, 1), no tanh layer):
 *   s_t = w . x_t + b,  a = softmax_t(s),  out = sum_t a_t x_t
 *   Parameters w [features] then b [1]: features + 1 floats. `hidden` is not used.
 *
 * Cache rule: each forward needs a caller-provided cache of the matching *_cache_floats()
 * floats; it keeps what the backward needs (u and a) plus scratch for the backward, and serves
 * as scratch in inference too.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int steps;
  int features; /* D */
  int hidden;   /* width of the tanh layer (additive form only) */
} EcgAttentionPoolShape;

/* Where the additive form's tensors start in its parameter buffer (in floats). */
typedef struct
{
  gsize weight;       /* W [hidden][features] */
  gsize bias;         /* b_W [hidden] */
  gsize score_weight; /* v [hidden] */
  gsize score_bias;   /* b_v [1] */
} EcgAttentionPoolOffsets;

/* features*hidden + 2*hidden + 1 (AttnPool(256, 128) = 33,025). */
gsize ecg_attention_pool_param_count (const EcgAttentionPoolShape *shape);

void ecg_attention_pool_offsets (const EcgAttentionPoolShape *shape,
                                 EcgAttentionPoolOffsets *offsets);

/* 2*batch*steps*hidden + 2*batch*steps: u and a, then backward scratch. */
gsize ecg_attention_pool_cache_floats (const EcgAttentionPoolShape *shape);

/* Writes out [batch][features]; keeps u and a in `cache`. */
void ecg_attention_pool_forward (float *out, float *cache, const float *in, const float *params,
                                 const EcgAttentionPoolShape *shape);

/* Gradients, ADDED into d_in (may be NULL) and d_params (may be NULL):
 *   da_t = d_out . x_t,  ds_t = a_t (da_t - sum_t' a_t' da_t')
 *   d_in_t += a_t d_out + W^T du_t  with du_t = ds_t v * (1 - u_t^2)
 *   dv += sum ds_t u_t, db_v += sum ds_t, dW += sum du_t x_t^T, db_W += sum du_t.
 * `cache` is the one filled by the forward on the same in and params. */
void ecg_attention_pool_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                                  const float *params, float *cache,
                                  const EcgAttentionPoolShape *shape);

/* features + 1 (ConvTransformer's score Linear(256, 1) = 257). */
gsize ecg_attention_pool_linear_param_count (const EcgAttentionPoolShape *shape);

/* 2*batch*steps: a, then backward scratch. */
gsize ecg_attention_pool_linear_cache_floats (const EcgAttentionPoolShape *shape);

/* Writes out [batch][features]; keeps a in `cache`. */
void ecg_attention_pool_linear_forward (float *out, float *cache, const float *in,
                                        const float *params, const EcgAttentionPoolShape *shape);

/* Gradients, ADDED into d_in (may be NULL) and d_params (may be NULL): with ds_t as above,
 *   d_in_t += a_t d_out + ds_t w,  dw += sum ds_t x_t,  db += sum ds_t. */
void ecg_attention_pool_linear_backward (float *d_in, float *d_params, const float *d_out,
                                         const float *in, const float *params, float *cache,
                                         const EcgAttentionPoolShape *shape);

G_END_DECLS
