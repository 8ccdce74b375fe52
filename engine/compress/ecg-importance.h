/* ecg-importance.h — importance of every prunable weight (DESIGN.md §6); lowest is pruned first.
 *
 * L1 (the published baseline): I = |w|, ranked across all layers with no normalisation.
 *
 * Energy-aware:  I = alpha * |w| / max|w|_l + (1 - alpha) * (1 - E_l / max_k E_k)
 *   max|w|_l is taken over the layer's surviving (mask = 1) weights at this step; E_l is the
 *   energy of layer l on the masked model, recomputed every step, so a layer that has become
 *   cheap is spared later. The published formula adds +E_l/max E, which would protect costly
 *   layers; the product uses 1 - E_l/max E so that the costliest layer scores lowest.
 *
 * Energy comes from an EcgLayerEnergyFunc that gives one figure per op of the masked model.
 * The product passes the 45 nm operation model of DESIGN.md §7 (c) (engine/measure cost);
 * ecg_importance_macs_energy (masked MACs per op) is a unit-free stand-in with the same shape.
 * Only ratios E_l / max E matter, so the unit is free.
 *
 * Importances live in a double buffer parallel to EcgModel.params (n_params entries); only the
 * entries of prunable weights are written.
 */
#pragma once

#include <glib.h>

#include "compress/ecg-sparsity.h"
#include "nn/ecg-model.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_IMPORTANCE_L1,
  ECG_IMPORTANCE_ENERGY,
} EcgImportanceMethod;

/* Fills op_energy[0 .. model->ops->len - 1] with the energy of one inference of each op of the
 * masked `model` (any unit, >= 0). Returns FALSE with `error` set when it cannot. */
typedef gboolean (*EcgLayerEnergyFunc) (const EcgModel *model, double *op_energy,
                                        gpointer user_data, GError **error);

/* An EcgLayerEnergyFunc: the masked MACs of each op (ecg_model_macs with masks), in MACs.
 * `user_data` is unused. */
gboolean ecg_importance_macs_energy (const EcgModel *model, double *op_energy,
                                     gpointer user_data, GError **error);

/* E_l for each layer of `layers` (layer_energy has layers->n_layers entries) from the per-op
 * energies of `energy`:
 *   - an op's energy is shared among its prunable tensors in proportion to their surviving
 *     weights (every weight of one op is used equally often per inference: conv positions,
 *     tokens, LSTM steps), evenly when none survives;
 *   - weight-free ops (BatchNorm, pooling, activations, ...) are charged to their block (DESIGN.md
 *     §7 (c)), shared the same way among the block's prunable layers, and dropped when the block
 *     has none.
 * FALSE when `energy` fails or gives a negative or non-finite figure (ECG_ERROR_NUMERIC). */
gboolean ecg_importance_layer_energy (const EcgModel *model, const EcgSparsity *layers,
                                      EcgLayerEnergyFunc energy, gpointer user_data,
                                      double *layer_energy, GError **error);

/* I = |w| for every prunable weight. */
void ecg_importance_l1 (const EcgModel *model, const EcgSparsity *layers, double *importance);

/* The energy-aware importance above, alpha in [0, 1], layer_energy from
 * ecg_importance_layer_energy. A layer with no surviving magnitude gets a magnitude term of 0;
 * when every E_l is 0 the energy term is 1 for all layers. */
void ecg_importance_energy_aware (const EcgModel *model, const EcgSparsity *layers, double alpha,
                                  const double *layer_energy, double *importance);

/* Class-aware blend (DESIGN.md §6, compress/ecg-saliency.h), weight g in [0, 1]:
 *   I'_j = (1 - g) * I_j / max I + g * S_j / max S
 * both maxima over the surviving (mask 1) prunable weights of ALL layers; a maximum of 0 makes
 * its term 0. Global, not per layer: S (a first-order loss change) is comparable across layers,
 * and a per-layer maximum would throw away which layer a class depends on; I / max I puts L1's
 * raw |w| on the 0..1 scale of the energy-aware I and keeps the order of I at g = 0. Only the
 * entries of prunable weights are rewritten. */
void ecg_importance_blend_saliency (const EcgModel *model, const EcgSparsity *layers,
                                    double weight, const double *saliency, double *importance);

G_END_DECLS
