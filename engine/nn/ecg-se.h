/* ecg-se.h — squeeze-and-excitation over time, as in reference/torch_zoo.py's Block, over plain
 * float32 arrays.
 *
 * Layout: in and out [batch][channels][steps].
 *   s[b][c] = sum_t x[b][c][t] / steps                      (squeeze: mean over time)
 *   z = relu(s W1^T)       W1 [reduced][channels]           (Linear(C, C/8, bias=False))
 *   e = sigmoid(z W2^T)    W2 [channels][reduced]           (Linear(C/8, C, bias=False))
 *   out[b][c][t] = x[b][c][t] * e[b][c]
 * Parameters: W1 then W2, 2*channels*reduced floats (the zoo uses reduced = channels/8).
 *
 * Cache rule: forward and backward share a caller-provided cache of ecg_se_cache_floats()
 * floats: s, z and e for the backward, then scratch.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int channels;
  int steps;
  int reduced; /* hidden width of the excitation MLP */
} EcgSeShape;

/* 2*channels*reduced: W1 [reduced][channels] at 0, W2 [channels][reduced] after it. */
gsize ecg_se_param_count (const EcgSeShape *shape);

/* batch*(2*channels + reduced) saved, the same again as backward scratch. */
gsize ecg_se_cache_floats (const EcgSeShape *shape);

/* Writes out [batch][channels][steps]; `out` must not be `in` (the backward needs x). */
void ecg_se_forward (float *out, float *cache, const float *in, const float *params,
                     const EcgSeShape *shape);

/* Gradients, ADDED into d_in (may be NULL) and d_params (may be NULL):
 *   de[b][c] = sum_t d_out x,  dp2 = de * e(1-e),  dW2 += dp2^T z,  dz = dp2 W2,
 *   dp1 = dz * [z > 0],  dW1 += dp1^T s,  ds = dp1 W1,
 *   d_in[b][c][t] += d_out[b][c][t] * e[b][c] + ds[b][c] / steps.
 * `cache` is the one the forward filled on the same in and params. */
void ecg_se_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                      const float *params, float *cache, const EcgSeShape *shape);

G_END_DECLS
