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

G_END_DECLS
