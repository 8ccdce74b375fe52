/* ecg-zoo.h — the model zoo: the six architectures of model-zoo-layers.txt and the two CNNs of
 * the energy-evaluation study, built as EcgModels.
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

#define ECG_ZOO_RR_FEATURES 6

typedef enum
{
  ECG_DATASET_MITBIH,
  ECG_DATASET_PTBXL,
} EcgDatasetKind;

typedef struct
{
  const char *name;
  EcgDatasetKind dataset;
  int input_channels;
  int input_length;
  int samples_before;          /* MIT-BIH beat window: samples before the R peak */
  int n_outputs;
  gboolean multi_label;
  const char *const *classes;  /* n_outputs names */
  const char *class_map;       /* MIT-BIH: ecg_class_map_parse() spec; NULL for PTB-XL */
  gboolean supports_rr;        /* may take the six RR features */
} EcgArchInfo;

/* The eight architectures, in a fixed order. */
const EcgArchInfo *ecg_zoo_architectures (gsize *n_architectures);
/* NULL with ECG_ERROR_NOT_FOUND listing the names when `name` is unknown. */
const EcgArchInfo *ecg_zoo_find (const char *name, GError **error);
/* Builds a freshly initialised model (parameters from `seed`). `rr_features` adds the six-value
 * RR input before the head's first linear layer (MIT-BIH models only). */
EcgModel *ecg_zoo_build (const char *name, gboolean rr_features, guint64 seed, GError **error);

/* Layer widths (structured pruning, DESIGN.md §6): in forward order, the output channels of each
 * convolution, the hidden units of each additive attention pool, and the outputs of each linear
 * layer except the last — e.g. CNN1D_3Class {32, 64, 128, 128}; ResNet1D_Attn {stem, then per
 * block c1, c2 (and sc when the block has a projection shortcut), attnpool hidden, head.fc1} =
 * 17 widths. Convolutions that write one residual stream (c2 and sc of a block, c2 and the
 * identity input of a block without projection) must have equal widths. */

/* Whether ecg_zoo_build_with_widths() accepts other widths for `name` (CNN1D_3Class and
 * ResNet1D_Attn). */
gboolean ecg_zoo_supports_widths (const char *name);
/* ecg_zoo_build() with the layer widths `widths` (n_widths of them, as listed above; NULL = the
 * standard widths, giving exactly ecg_zoo_build()'s model). The graph (ops, names, blocks,
 * shortcut kinds) is the standard one; only the tensor shapes change. NULL with
 * ECG_ERROR_UNSUPPORTED for an architecture without width support, ECG_ERROR_INVALID for a wrong
 * count, a width < 1, or unequal widths on one residual stream. Owned by the caller. */
EcgModel *ecg_zoo_build_with_widths (const char *name, gboolean rr_features, const int *widths,
                                     int n_widths, guint64 seed, GError **error);
/* The layer widths of `m` as listed above (read from its ops, so any model has them); the array
 * (n_widths entries) is owned by the caller (g_free). */
int *ecg_zoo_model_widths (const EcgModel *m, int *n_widths);

G_END_DECLS
