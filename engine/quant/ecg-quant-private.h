/* ecg-quant-private.h — what an EcgQuantModel calibrated and quantised, shared between the model
 * (ecg-quant-model.c) and its file section (ecg-quant-file.c).
 *
 * Everything else (fusion, placement, folded float weights, packing, multipliers) follows from
 * the source model's architecture and parameters, so this is all a file needs to keep to give
 * back the same INT8 model bit for bit.
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"
#include "quant/ecg-quant-model.h"

G_BEGIN_DECLS

/* One convolution run in int8. Arrays are owned by the model (or by the caller when passed to
 * ecg_quant_model_new_from_data, which copies them). */
typedef struct
{
  int conv_op;         /* index of the Conv1d op in the source model */
  int out_channels;    /* M */
  int patch;           /* K = in_channels * kernel_size */
  float *weight_scale; /* [M], > 0 */
  gint32 *bias;        /* [M] */
  gint8 *weight;       /* [M][in_channels][kernel_size] (PyTorch order), -127..127 */
} EcgQuantLayerData;

/* Rebuilds a quantised model from `model` (copied, masks applied) and stored numbers:
 * act_scales[n_tensors] (one per model tensor: the scale of each tensor kept in int8, 0 for the
 * others) and the int8 layers in execution order. Shapes, order and values are checked against
 * the plan made from `model`: ECG_ERROR_FORMAT (messages prefixed with `label`) on a mismatch,
 * ECG_ERROR_UNSUPPORTED for an op outside the supported list. Owned by the caller. */
EcgQuantModel *ecg_quant_model_new_from_data (const EcgModel *model, const float *act_scales,
                                              gsize n_tensors, const EcgQuantLayerData *layers,
                                              int n_layers, const char *label, GError **error);

/* The activation scales (n = the model's tensor count), owned by `qm`. */
const float *ecg_quant_model_act_scales (const EcgQuantModel *qm, gsize *n_tensors);
/* The int8 layers in execution order, owned by `qm`. */
const EcgQuantLayerData *ecg_quant_model_layers (const EcgQuantModel *qm, int *n_layers);

G_END_DECLS
