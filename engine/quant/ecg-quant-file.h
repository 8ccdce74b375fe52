/* ecg-quant-file.h — INT8 models in the model file (ecg-model-file.h).
 *
 * An INT8 model file is the fp32 model it was quantised from (HEAD, NORM, PARM, MASK, STAT as
 * usual: the folded float layers, the MACs and the sparsity are read from there) plus one
 * REQUIRED section "QNT8" with the calibrated and quantised numbers. Required, because a reader
 * that does not know it must not run the file as the fp32 model it also contains: an older
 * ecg_model_file_load() refuses it with ECG_ERROR_UNSUPPORTED, and so does the current one
 * unless the caller asks for "QNT8" (ecg_model_file_load_full()), as the functions below do.
 * Keeping PARM costs four bytes per weight on disk, but lets the file be re-quantised,
 * measured and compared with its fp32 self; the bytes inference reads are
 * ecg_quant_model_weight_bytes().
 *
 * "QNT8" payload, little-endian, version 1:
 *   u32 version (1)
 *   u32 n_tensors (the model's tensor count), float32 act_scale[n_tensors]
 *       (the scale of each tensor kept in int8 codes, 0 for the others)
 *   u32 n_layers, then per int8 convolution in execution order:
 *       u32 conv_op (op index), u32 M (output channels), u32 K (in_channels * kernel_size),
 *       float32 weight_scale[M], int32 bias[M], int8 weight[M][K] (PyTorch order, -127..127)
 * Reading checks every count against the bytes left before allocating and everything against
 * the plan made from the fp32 model (layer order, shapes, positive finite scales).
 */
#pragma once

#include <gio/gio.h>

#include "nn/ecg-model-file.h"
#include "quant/ecg-quant-model.h"

G_BEGIN_DECLS

#define ECG_QUANT_FILE_SECTION "QNT8"
#define ECG_QUANT_FILE_VERSION 1

/* The QNT8 payload of `qm`. Owned by the caller. */
GBytes *ecg_quant_model_section (const EcgQuantModel *qm);

/* The whole model file of `qm` (its source model and QNT8); arguments as
 * ecg_model_file_serialise(). Owned by the caller. */
GBytes *ecg_quant_model_serialise (const EcgQuantModel *qm, const EcgNormalisation *norm,
                                   const char *const *classes, const char *class_map,
                                   int samples_before, JsonObject *info, GError **error);
/* The same written atomically to `path` (ecg_model_file_save()). */
gboolean ecg_quant_model_save (const EcgQuantModel *qm, const EcgNormalisation *norm,
                               const char *const *classes, const char *class_map,
                               int samples_before, JsonObject *info, const char *path,
                               GError **error);

/* A loaded INT8 model file: the fp32 file and the quantised model, both owned. */
typedef struct
{
  EcgModelFile *file;
  EcgQuantModel *model;
} EcgQuantModelFile;

void ecg_quant_model_file_free (EcgQuantModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgQuantModelFile, ecg_quant_model_file_free)

/* Reads an INT8 model file from `path`, or from `data` (length bytes, named `label` in
 * messages) when path is NULL. ECG_ERROR_FORMAT when the file has no QNT8 section (an fp32
 * model: quantise it first) or a damaged one; other errors as ecg_model_file_load(). Owned by
 * the caller. */
EcgQuantModelFile *ecg_quant_model_file_load (const char *path, const guint8 *data,
                                              gsize length, const char *label, GError **error);

G_END_DECLS
