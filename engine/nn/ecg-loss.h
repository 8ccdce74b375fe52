/* ecg-loss.h — losses at the top of a network, and the softmax they rest on.
 *
 * Softmax over the last axis of [rows][cols]:  y[r][j] = exp(x[r][j]) / sum_k exp(x[r][k])
 * (computed after subtracting the row maximum, so it never overflows).
 *
 * Cross-entropy (PyTorch CrossEntropyLoss with `weight`, reduction 'mean'), logits
 * [rows][classes], labels [rows] in 0..classes-1, class_weights [classes] or NULL (all 1):
 *   nll_r = logsumexp(z_r) - z_r[y_r]
 *   L     = sum_r w[y_r] nll_r / sum_r w[y_r]
 *   dL/dz_r[j] = w[y_r] (softmax(z_r)[j] - [j = y_r]) / sum_r w[y_r]
 *
 * Binary cross-entropy with logits (PyTorch BCEWithLogitsLoss, reduction 'mean') over n
 * elements with targets t in [0, 1] (soft targets allowed, as distillation uses):
 *   l_i = max(z_i, 0) - z_i t_i + log(1 + exp(-|z_i|))    (= -t log s - (1-t) log(1-s))
 *   L   = (1/n) sum l_i,   dL/dz_i = (sigmoid(z_i) - t_i) / n
 *
 * The losses return L and WRITE (not add) dL/dlogits into d_logits, which may be NULL when
 * only the value is wanted. The element-wise sigmoid is ecg_sigmoid_forward() in
 * nn/ecg-activation.h.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Row-wise softmax; `out` may alias `in`. */
void ecg_softmax_forward (float *out, const float *in, int rows, int cols);

/* Backward of the softmax, ADDED: d_in[r][j] += y[r][j] (d_out[r][j] - sum_k d_out[r][k] y[r][k]),
 * where `out` is the softmax output y. */
void ecg_softmax_backward (float *d_in, const float *d_out, const float *out, int rows, int cols);

/* Weighted mean cross-entropy as above. A label outside 0..classes-1 is a programming error
 * (critical warning, returns NaN). All selected weights 0 gives NaN, as PyTorch. */
double ecg_cross_entropy_loss (float *d_logits, const float *logits, const gint32 *labels,
                               const float *class_weights, int rows, int classes);

/* Mean binary cross-entropy with logits as above. */
double ecg_bce_with_logits_loss (float *d_logits, const float *logits, const float *targets,
                                 gsize n);

G_END_DECLS
