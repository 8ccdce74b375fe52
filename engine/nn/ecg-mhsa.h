/* ecg-mhsa.h — multi-head self-attention as torch.nn.MultiheadAttention (batch_first, query =
 * key = value = x, no mask, attention dropout off) over plain float32 arrays.
 *
 * Layout: in and out [batch][steps][d_model]; d_model = heads * head_dim.
 *   [q | k | v] = x W_in^T + b_in                    W_in [3*d_model][d_model], b_in [3*d_model]
 *   head n uses columns [n*head_dim, (n+1)*head_dim) of q, k and v:
 *     P_n = softmax_rows (q_n k_n^T / sqrt(head_dim))  [steps][steps]
 *     o_n = P_n v_n                                    written to the same columns of o
 *   out = o W_out^T + b_out                            W_out [d_model][d_model], b_out [d_model]
 *
 * Parameters: one buffer in PyTorch's order in_proj_weight, in_proj_bias, out_proj.weight,
 * out_proj.bias: 4*d^2 + 4*d floats (263,168 for d = 256).
 *
 * Cache rule: the forward needs ecg_mhsa_cache_floats (shape, training) floats. In training mode
 * the cache keeps q/k/v, every head's P and o for ecg_mhsa_backward() (plus scratch for it); in
 * inference mode it holds q/k/v, one [steps][steps] P and o.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int steps;
  int d_model;
  int heads; /* must divide d_model */
} EcgMhsaShape;

/* Where each tensor starts in the parameter buffer (in floats). */
typedef struct
{
  gsize in_proj_weight;  /* [3*d_model][d_model] */
  gsize in_proj_bias;    /* [3*d_model] */
  gsize out_proj_weight; /* [d_model][d_model] */
  gsize out_proj_bias;   /* [d_model] */
} EcgMhsaOffsets;

/* 4*d_model^2 + 4*d_model. */
gsize ecg_mhsa_param_count (const EcgMhsaShape *shape);

void ecg_mhsa_offsets (const EcgMhsaShape *shape, EcgMhsaOffsets *offsets);

/* Training: B*T*3d (q, k, v) + B*heads*T*T (P) + B*T*d (o), plus backward scratch B*T*d +
 * B*T*3d + T*T. Inference: B*T*3d + T*T + B*T*d. */
gsize ecg_mhsa_cache_floats (const EcgMhsaShape *shape, gboolean training);

/* Writes out [batch][steps][d_model]; `cache` as described above. */
void ecg_mhsa_forward (float *out, float *cache, const float *in, const float *params,
                       const EcgMhsaShape *shape, gboolean training);

/* Gradients from d_out, ADDED into d_in (may be NULL) and d_params (may be NULL):
 *   dW_out += d_out^T o, db_out += sum d_out, do = d_out W_out
 *   per head: dP = do_n v_n^T, dv_n = P^T do_n, dS = P * (dP - rowsum(P*dP)),
 *             dq_n = dS k_n / sqrt(head_dim), dk_n = dS^T q_n / sqrt(head_dim)
 *   dW_in += d[q|k|v]^T x, db_in += sum d[q|k|v], dx += d[q|k|v] W_in.
 * `cache` must come from a training-mode forward with the same in and params; backward uses its
 * scratch part and leaves the saved activations intact. */
void ecg_mhsa_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                        const float *params, float *cache, const EcgMhsaShape *shape);

G_END_DECLS
