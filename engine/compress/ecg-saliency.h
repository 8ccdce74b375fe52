/* ecg-saliency.h — class-aware saliency of every weight (DESIGN.md §6, "Class-aware").
 *
 * For each class c, with E_c its examples (single-label: label c; multi-label: c among the
 * example's labels) and n_c = |E_c|:
 *
 *   L_c(w)   = sum_{i in E_c} loss_i(w)
 *              single-label: loss_i = logsumexp(z_i) - z_i[y_i]   (unweighted cross-entropy)
 *              multi-label:  loss_i = (1/K) sum_k BCE(z_ik, t_ik)  (the mean over the outputs)
 *   S_c[j]   = |w_j * dL_c/dw_j|          (first-order estimate of what removing w_j costs c)
 *   S[j]     = sum_c lambda_c S_c[j]
 *   lambda_c = (1/n_c) / sum_{k: n_k > 0} (1/n_k)   (inverse class frequency, summing to 1;
 *                                                    0 for a class without examples)
 *
 * so lambda_c L_c is, up to one common factor, the mean loss of class c: every class counts
 * as much as any other however rare it is, which is what protects S (supraventricular) beats
 * when the importance is blended with S (ecg-importance.h). The caller may give its own lambda
 * (e.g. one class only). The gradient is taken inside each class before the absolute value,
 * as |w dL_c/dw| says: within a class, examples that pull a weight both ways cancel.
 *
 * Gradients are those of the deployed model: eval mode (BatchNorm with its running
 * statistics, dropout off), from the model's own backward pass (ecg_model_run_set_eval_mode).
 * The examples are visited class by class in batches, so the cost is one forward and one
 * backward per example (per label for multi-label examples). Each batch's parameter gradient
 * is added to a double accumulator, so long classes do not lose precision. Pruned weights
 * (w = 0) have S = 0. Every choice uses DS1 validation beats only: the pruning job passes its
 * validation examples, never its test examples.
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

/* Examples in the model's input layout (the fields of train/ecg-examples.h's EcgExamples, which
 * this layer cannot include), borrowed. */
typedef struct
{
  gsize n;
  const float *inputs;  /* n × input_channels × input_length, normalised */
  const float *rr;      /* n × rr_features, or NULL when the model has none */
  const gint32 *labels; /* single-label: n class indices in 0..n_outputs-1 */
  const float *targets; /* multi-label: n × n_outputs in {0, 1} */
} EcgSaliencyData;

typedef struct
{
  int batch_size;              /* examples per forward/backward (128) */
  const double *class_weights; /* lambda_c (n_outputs values >= 0, not all 0), or NULL for
                                * the normalised inverse class frequency above */
  GCancellable *cancellable;   /* checked between batches */
} EcgSaliencyOptions;

void ecg_saliency_options_init (EcgSaliencyOptions *options);

/* S of every parameter of `model` (n_params values, prunable or not) into `saliency`; the
 * lambda_c used into `class_weights_out` (n_outputs values) when it is not NULL, and n_c into
 * `class_counts_out` likewise. `model` is not modified. FALSE with `error` set, `saliency`
 * then undefined: ECG_ERROR_INVALID (no examples, no example of any weighted class, a label out
 * of range, missing labels/targets or RR features, bad class weights or batch size),
 * ECG_ERROR_NUMERIC (a non-finite gradient), ECG_ERROR_CANCELLED. */
gboolean ecg_saliency_class_aware (EcgModel *model, const EcgSaliencyData *data,
                                   const EcgSaliencyOptions *options, double *saliency,
                                   double *class_weights_out, gsize *class_counts_out,
                                   GError **error);

G_END_DECLS
