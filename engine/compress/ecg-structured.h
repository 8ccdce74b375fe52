/* ecg-structured.h — structured pruning: whole channels / hidden units removed, so the model is
 * physically smaller and faster (DESIGN.md §6).
 *
 * The pruned model is an ordinary EcgModel of the same architecture built by the zoo with
 * narrower layer widths (ecg_zoo_build_with_widths; the widths are listed in ecg-zoo.h: each
 * conv's output channels, each additive attention pool's hidden units, each hidden linear's
 * outputs), with the kept weights copied in. It computes exactly what the original computes
 * when the removed channels' outputs are dropped, i.e. when every layer reading them ignores
 * them (its input weights for them are zero); that includes the removed BatchNorm channels,
 * whose output after ReLU is max(0, beta - gamma*mean/sqrt(var + eps)), not 0.
 *
 * Layers and groups. Each width above is a layer. Layers whose outputs are added together
 * (residual blocks: c2 + BN, the projection shortcut + BN, or the identity input, and through it
 * the stem or the previous block's c2) write one residual stream and form one group with one kept
 * set; a group joined to the network's input (a shortcut straight from the input signal) keeps
 * every channel. Every other layer is a group of its own.
 *
 * Importance of channel c of group G (lowest removed first):
 *   I_c = sum_{l in G} ||W_l[c]||_2 / max_c' ||W_l[c']||_2
 *   W_l[c] = the weights feeding unit c (a conv's [in][k] filter, a linear's row, an attention
 *   pool's row of W) taken with the masks applied; ties by the raw sum of norms, then the lower
 *   index is removed first. This is DESIGN.md §6's alpha*|w|/max|w|_l with the filter's L2 norm
 *   for |w|, summed over the layers writing the channel. Its energy term
 *   (1-alpha)*(1 - E_l/max E) is one constant per layer, hence per group, and S is a fraction
 *   per layer, so it cannot change which channels a layer loses: it is left out (alpha does not
 *   matter either, as long as it is > 0).
 *
 * Count. A group of width w loses round(S*w) channels (halves away from zero), at most w - 1:
 * every layer keeps at least one. No rounding to multiples: the zoo's widths are multiples of 32,
 * so S = 0.25, 0.5, 0.75 keep multiples of 8 anyway, and OpenBLAS's sgemm handles any size, so a
 * multiple would only move the result away from S.
 *
 * Couplings rewired when copying (for each op of the original and its counterpart):
 *   conv weight [out][in][k] and bias: kept output rows × the kept channels of its input;
 *   BatchNorm gamma, beta, running mean and var: the kept channels;
 *   linear weight [out][in] and bias: kept outputs (all for the last layer) × kept inputs, where
 *   the input of the first head layer is [pooled features ++ RR features]: the RR columns move
 *   to the new offset (kept features) and are all kept;
 *   additive attention pool: W [hidden][features] kept hidden × kept features, b_W and v kept
 *   hidden, b_v as is; its output features are its input features (the last stream's kept set);
 *   masks follow their weights, so a pruned-then-structured model keeps its zero pattern.
 * Supported: CNN1D_3Class and ResNet1D_Attn (the architectures ecg_zoo_supports_widths()
 * accepts); any other architecture fails with ECG_ERROR_UNSUPPORTED naming it.
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

/* One layer (width) of the plan. */
typedef struct
{
  char *name;  /* its op's name: "b2.conv", "s2b1.sc", "attnpool", "head.fc1" */
  int op;      /* index of the op in the model the plan was made for */
  int group;   /* layers with the same group share one kept set */
  int width;   /* channels / units before */
  int n_kept;
  int *kept;   /* n_kept indices into 0..width-1, ascending */
} EcgStructuredLayer;

typedef struct
{
  char *arch;
  gboolean rr_features;
  double fraction;            /* S, the fraction of channels removed per layer */
  int n_layers;
  EcgStructuredLayer *layers; /* in ecg_zoo_model_widths() order */
  int n_groups;
} EcgStructuredPlan;

void ecg_structured_plan_free (EcgStructuredPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgStructuredPlan, ecg_structured_plan_free)

/* Which channels of `model` survive structured pruning at fraction S (0 <= S < 1), ranked as
 * above. NULL with ECG_ERROR_UNSUPPORTED for an architecture without structured pruning,
 * ECG_ERROR_INVALID for S outside [0, 1). Owned by the caller. */
EcgStructuredPlan *ecg_structured_plan_new (const EcgModel *model, double fraction,
                                            GError **error);

/* The layer of `plan` named `name`, or NULL. */
const EcgStructuredLayer *ecg_structured_plan_find (const EcgStructuredPlan *plan,
                                                    const char *name);

/* The smaller model that keeps the channels of `plan` (made for `model`): parameters, masks and
 * BatchNorm state copied as described above; `model` is not changed. NULL with
 * ECG_ERROR_INVALID when the plan does not fit the model. Owned by the caller. */
EcgModel *ecg_structured_apply (const EcgModel *model, const EcgStructuredPlan *plan,
                                GError **error);

/* ecg_structured_plan_new() then ecg_structured_apply(). Owned by the caller. */
EcgModel *ecg_structured_prune (const EcgModel *model, double fraction, GError **error);

/* The weight sparsity reported beside S: the fraction of `original`'s prunable weights that are
 * gone from `pruned` or zero in it, 1 - nonzero_prunable(pruned) / prunable(original). */
double ecg_structured_weight_sparsity (const EcgModel *original, const EcgModel *pruned);

G_END_DECLS
