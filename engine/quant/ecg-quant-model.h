/* ecg-quant-model.h — post-training INT8 quantisation of an EcgModel and its inference
 * (DESIGN.md §6 "Quantisation").
 *
 * Building (ecg_quant_model_new):
 *  1. Fusion. Each convolution takes along what follows it alone: an eval-mode BatchNorm (folded
 *     into its weights, ecg-quant-fold.h), then a ReLU, or a residual Add (the other operand read
 *     in its epilogue) and the ReLU after that. A fused convolution runs where its last op stood.
 *  2. Placement. A convolution whose input comes out of a fused ReLU (directly or through max /
 *     average pooling or dropout) runs in int8; one on a signed input (the network's ECG input)
 *     runs in float — int8 activations here are unsigned (see ecg-quant-gemm.h) and that first
 *     layer is under 1 % of the MACs. The ReLU outputs of int8 convolutions, and those of float
 *     ones that an int8 convolution reads, are stored as int8 codes (a model with no int8
 *     convolution, such as CardiacCNN_Distilled, stays float: codes would buy nothing);
 *     everything after the convolutional trunk (global pooling, attention pooling, the RR
 *     concatenation, linear layers) runs in float on dequantised values: it is cheap and the
 *     part most sensitive to rounding.
 *  3. Calibration. The fp32 model runs on the calibration inputs (DS1 validation beats, never
 *     test data); each int8 tensor gets scale s = r / 127 from r = the maximum of its values (or
 *     a percentile of them, options). Pooling and dropout keep their input's scale.
 *  4. Weights. Per output channel, symmetric: s_w[o] = max_i |w'[o][i]| / 127,
 *     q[o][i] = round (w'[o][i] / s_w[o]) in -127..127 (w' with the BatchNorm folded in); bias
 *     in int32, b_q[o] = round (b'[o] / (s_in s_w[o])).
 * Inference of an int8 convolution (ecg-quant-gemm.h): acc = sum q * x_code (int32),
 *   y = (acc + b_q[o]) * s_in s_w[o] (+ residual) (ReLU), then the next code
 *   round (y / s_out) in 0..127, or float when the output feeds a residual or float op.
 * Tensors in int8 are stored time-major ([time][channels], channels padded to a multiple of 4,
 * with zero rows for the consumers' padding), so the patch of one output position is one run of
 * kernel_size * channels bytes and a convolution needs no im2col copy.
 *
 * Supported ops: Conv1d, BatchNorm1d (folded, or alone in float), ReLU, MaxPool1d, AvgPool1d,
 * global average / max pooling, Transpose, Flatten, Dropout (identity), Linear, additive
 * attention pooling, Add, Concat — CNN1D_3Class, ResNet1D_Attn and the two CardiacCNNs. Any
 * other op (LSTM, multi-head attention, LayerNorm, ...) is refused with ECG_ERROR_UNSUPPORTED
 * naming it. Eval mode only.
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-model.h"
#include "quant/ecg-quant-gemm.h"
#include "train/ecg-examples.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_QUANT_CALIBRATE_MAX,        /* r = max |x| over all calibration values */
  ECG_QUANT_CALIBRATE_PERCENTILE, /* r = that percentile of |x| (histogram of 4096 bins) */
} EcgQuantCalibration;

typedef struct
{
  EcgQuantCalibration calibration; /* ECG_QUANT_CALIBRATE_MAX */
  double percentile;               /* 99.99, for ECG_QUANT_CALIBRATE_PERCENTILE */
  gsize max_examples;              /* calibration examples used, evenly spaced (2000; 0 = all) */
} EcgQuantOptions;

void ecg_quant_options_init (EcgQuantOptions *options);

typedef struct _EcgQuantModel EcgQuantModel;
typedef struct _EcgQuantRun EcgQuantRun;

/* Quantises `model` (not modified; copied), calibrating on n examples: inputs [n][C][L] in the
 * model's normalised input space, rr [n][rr_features] or NULL when the model has none.
 * ECG_ERROR_UNSUPPORTED for an op outside the list above, ECG_ERROR_INVALID for n = 0.
 * Owned by the caller. */
EcgQuantModel *ecg_quant_model_new (const EcgModel *model, const float *inputs, const float *rr,
                                    gsize n, const EcgQuantOptions *options, GError **error);
/* The same with the inputs of `calibration` (normalised examples). */
EcgQuantModel *ecg_quant_model_new_from_examples (const EcgModel *model,
                                                  const EcgExamples *calibration,
                                                  const EcgQuantOptions *options, GError **error);
void ecg_quant_model_free (EcgQuantModel *qm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgQuantModel, ecg_quant_model_free)

/* The fp32 model it was made from (masks applied), owned by `qm`. */
const EcgModel *ecg_quant_model_source (const EcgQuantModel *qm);
/* The kernel path its int8 layers run (ecg_quant_path_best() unless set). */
EcgQuantPath ecg_quant_model_path (const EcgQuantModel *qm);
/* Runs the int8 layers on `path` (tests, benchmarks); FALSE if this CPU lacks it. */
gboolean ecg_quant_model_set_path (EcgQuantModel *qm, EcgQuantPath path);
/* Convolutions run in int8 / in float. */
int ecg_quant_model_int8_layers (const EcgQuantModel *qm);
int ecg_quant_model_float_layers (const EcgQuantModel *qm);
/* Bytes of the weights inference reads: int8 weights + their float scales and int32 biases, plus
 * 4 bytes per parameter of the layers kept in float (folded BatchNorm counted once). */
gsize ecg_quant_model_weight_bytes (const EcgQuantModel *qm);
/* One line per fused layer: name, int8 or float, what it absorbed, its scales. Owned by the
 * caller. */
char *ecg_quant_model_describe (const EcgQuantModel *qm);

/* Buffers for batches of up to `max_batch` examples; one per thread. Owned by the caller. */
EcgQuantRun *ecg_quant_run_new (const EcgQuantModel *qm, int max_batch);
void ecg_quant_run_free (EcgQuantRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgQuantRun, ecg_quant_run_free)

/* Logits [batch][n_outputs] (owned by `run`) for input [batch][C][L] and rr [batch][R] (NULL when
 * the model has no RR input), as ecg_model_forward() in eval mode. */
const float *ecg_quant_model_forward (const EcgQuantModel *qm, EcgQuantRun *run,
                                      const float *input, const float *rr, int batch);

/* Class probabilities (softmax, or sigmoid for multi-label) for every example, as ecg_predict():
 * an owned array of n × n_outputs. ECG_ERROR_CANCELLED when cancelled. */
float *ecg_quant_model_predict (const EcgQuantModel *qm, const EcgExamples *examples,
                                int threads, GCancellable *cancellable, GError **error);

G_END_DECLS
