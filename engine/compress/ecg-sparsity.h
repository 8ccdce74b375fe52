/* ecg-sparsity.h — how sparse a model's prunable weights are, globally and per layer.
 *
 * A "layer" of the pruner is one prunable parameter tensor (EcgParamTensor with `prunable`:
 * the weights of a convolution, linear layer, LSTM gate matrix, attention projection or SE
 * fully-connected layer); its block is the block of its op. Sparsity is the fraction of
 * prunable weights that are zero (DESIGN.md §6). Two counts are kept because they can differ
 * between a pruning step and the moment the masks are applied: `masked` (mask = 0, what the
 * pruner has removed) and `zeros` (value = 0, what an inference sees).
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

typedef struct
{
  char *name;       /* the tensor's name, e.g. "b2.conv.weight" */
  int tensor;       /* index into EcgModel.param_tensors */
  int op;           /* index of its op */
  int block;        /* its op's block */
  gsize offset;     /* first weight in EcgModel.params / masks */
  gsize n;          /* prunable weights n_l */
  int rows;         /* output units (rows of the weight); 1 when the tensor declares none */
  gsize row_length; /* n / rows: rows are contiguous, [rows][row_length] */
  gsize masked;     /* weights with mask 0 */
  gsize zeros;      /* weights whose value is 0 */
} EcgLayerSparsity;

typedef struct
{
  gsize n_layers;
  EcgLayerSparsity *layers; /* in parameter-buffer order (= forward order of the ops) */
  gsize n_prunable;
  gsize masked;
  gsize zeros;
} EcgSparsity;

/* Measures `model`. Returns a new EcgSparsity owned by the caller (ecg_sparsity_free). */
EcgSparsity *ecg_sparsity_new (const EcgModel *model);
void ecg_sparsity_free (EcgSparsity *sparsity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgSparsity, ecg_sparsity_free)

/* Fraction of the model's prunable weights whose value is zero (0 when it has none). */
double ecg_sparsity_global (const EcgModel *model);
/* Fraction of the model's prunable weights whose mask is zero (0 when it has none). */
double ecg_sparsity_global_masked (const EcgModel *model);
/* masked / n and zeros / n of one layer (0 for an empty layer). */
double ecg_sparsity_layer_masked (const EcgLayerSparsity *layer);
double ecg_sparsity_layer_zeros (const EcgLayerSparsity *layer);

G_END_DECLS
