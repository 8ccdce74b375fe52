/* ecg-cost.h — per-layer compute accounting of one inference (batch 1): parameters, non-zero
 * parameters, MACs and TF-profiler FLOPs (DESIGN.md §7).
 *
 * One row per op of the model in forward order, plus a last row for the output non-linearity
 * the engine leaves to the loss ("output.softmax" for single-label models, "output.sigmoid" for
 * multi-label ones), because the energy-evaluation study counts its model's final softmax.
 *
 * A weight counts only when it is kept: its mask is 1 (MACs, TF-FLOPs) — and, for the
 * "non-zero" parameter counts, its value is also non-zero.
 *
 * MACs (the product's convention, model-zoo-layers.txt): weight uses × output positions —
 * conv C_out·C_in·k·L_out, linear in·out per token, LSTM 4(in + h)h per step, direction and
 * layer, attention pooling its W and v (or score) weights per step, SE its two FCs, MHSA its
 * projections per token plus QKᵀ and AV (2·L²·d). Everything else is 0. ecg_model_macs().
 *
 * TF-profiler FLOPs (the energy-evaluation study's convention; its two CNNs give exactly
 * 23,038,511 and 91,902), with T the steps, L the positions, C the channels, D the features:
 *   Conv1d, Linear        2·MAC + one per bias-add output (C_out·L_out, out·T) when biased
 *   MaxPool1d, AvgPool1d  k per output element (k = window)
 *   global avg/max pool   pooling with window T: T per output, i.e. one per input element
 *   ReLU, GELU, tanh, sigmoid, dropout, flatten, transpose, concat   0 (TF registers none)
 *   output softmax        5 per element (TF's Softmax statistic); output sigmoid 0
 *   Add (residual), positional-embedding add   1 per output element (TF's AddV2)
 * and, for the layer types the study lacks, 2·MAC plus one per normalisation or bias output:
 *   BatchNorm1d, LayerNorm   one per output element (MAC 0)
 *   LSTM                     2·MAC + 8h per step, direction and layer (b_ih and b_hh, 4h each)
 *   MultiheadAttention       2·MAC (QKᵀ and AV included) + 4d per token (in_proj 3d and
 *                            out_proj d biases) + 5 per attention-probability element
 *                            (heads·T², TF's softmax rate)
 *   additive attention pool  2·MAC + (hidden + 1) per step (W and v biases) + 5·T (softmax) +
 *                            T·D (the weighted sum as a pooling of window T per output)
 *   linear attention pool    2·MAC + T (score bias) + 5·T + T·D
 *   squeeze-excitation       2·MAC (bias-free FCs) + C·L (squeeze, pooling of window L) + C·L
 *                            (the excitation's channel scaling, TF's Mul)
 *
 * Each row also records how many activation values the layer writes (its output tensor's
 * elements; 0 for flatten, transpose and dropout, which are views or the identity at
 * inference) for the memory part of the 45 nm energy model (measure/ecg-energy.h).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_COST_MACS,     /* "macs" */
  ECG_COST_TF_FLOPS, /* "tf" */
} EcgCostConvention;

typedef struct
{
  char *name;                      /* op name, or "output.softmax" / "output.sigmoid" */
  const char *kind;                /* ecg_op_kind_name(), or "Softmax" / "Sigmoid"; static */
  int op;                          /* index into EcgModel.ops; -1 for the output row */
  int block;                       /* EcgOp.block; the output row takes the last op's block */
  gint64 params;
  gint64 nonzero_params;           /* mask 1 and value != 0 */
  gint64 prunable_params;
  gint64 nonzero_prunable_params;
  gint64 macs;                     /* kept weights only */
  gint64 tf_flops;                 /* kept weights only */
  gint64 output_elements;          /* activation values written (0 for views) */
} EcgCostLayer;

typedef struct
{
  char *arch;
  gsize n_layers;
  EcgCostLayer *layers;            /* n_layers rows: the ops, then the output row */
  int n_blocks;
  gint64 params;                   /* sums over the rows */
  gint64 nonzero_params;
  gint64 prunable_params;
  gint64 nonzero_prunable_params;
  gint64 macs;
  gint64 tf_flops;
} EcgCostTable;

/* The accounting table of `m` under its masks. Owned by the caller (ecg_cost_table_free). */
EcgCostTable *ecg_cost_table_new (const EcgModel *m);
void ecg_cost_table_free (EcgCostTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgCostTable, ecg_cost_table_free)

/* The row's (or table's) count in `convention`. */
gint64 ecg_cost_layer_ops (const EcgCostLayer *layer, EcgCostConvention convention);
gint64 ecg_cost_table_total (const EcgCostTable *table, EcgCostConvention convention);

/* "macs" or "tf". */
const char *ecg_cost_convention_name (EcgCostConvention convention);
/* Parses "macs" or "tf"; ECG_ERROR_INVALID naming the accepted values otherwise. */
gboolean ecg_cost_convention_parse (const char *text, EcgCostConvention *convention,
                                    GError **error);

/* {"convention": str, "total": int, "params": int, "nonzero_params": int, "prunable_params":
 *  int, "nonzero_prunable_params": int, "layers": [{"name": str, "ops": int, "params": int,
 *  "nonzero_params": int}]} — `ecgwb flops --json`. Owned by the caller (json_node_unref). */
JsonNode *ecg_cost_table_to_json (const EcgCostTable *table, EcgCostConvention convention);

G_END_DECLS
