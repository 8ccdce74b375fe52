/* ecg-pruner.h — one step of iterative unstructured pruning (DESIGN.md §6).
 *
 * Step t of K (t = 1..K; step 0 is the dense model):
 *   1. every layer l (prunable tensor, see ecg-sparsity.h) gets its target s_l(t) and ceiling
 *      c_l(t) from the schedule (ecg-schedule.h), with d_l from its op's block;
 *   2. the global budget is B(t) = round(sum_l n_l s_l(t)) pruned weights in total, counting
 *      the weights pruned by earlier steps (masks only grow);
 *   3. the importance of every surviving weight is computed (ecg-importance.h; for the
 *      energy-aware method E_l on the current masked model), and with a class-aware saliency
 *      (ecg-saliency.h) blended with it: I' = (1-g) I/max I + g S/max S;
 *   4. the B(t) - (already pruned) surviving weights of lowest importance across all layers are
 *      pruned, ties broken by |w| then by position in the parameter buffer, skipping a weight
 *      when its layer's cumulative pruned count has reached floor(c_l(t) n_l);
 *   5. the masks are extended and applied (w *= mask).
 *
 * Whole weights and the ceiling: c_l(t) >= s_l(t) makes the budget feasible in real numbers,
 * but not always in whole weights — at s_target = 0.95, c_l(t) = s_l(t) and
 * sum_l floor(c_l n_l) falls short of round(sum_l n_l s_l) by a few weights. Only then does a
 * second pass, again in importance order, let a layer go one weight past floor(c_l n_l), i.e. up
 * to ceil(c_l n_l); sum_l ceil(c_l n_l) >= round(sum_l n_l s_l) always (kept weights aside).
 * Layers that used it are flagged in the report.
 *
 * No layer loses its last output channel. By default (ECG_PRUNER_KEEP_EVERY_UNIT) in every
 * output unit (row of the weight, out_units rows) the surviving weight of largest |w| (the first
 * such, on ties) is never a candidate, so no output unit is cut off from its inputs. A layer
 * with rows of r weights then cannot pass 1 - 1/r (CNN1D_3Class's first conv, 1 x 7 rows:
 * 85.7 %; BiLSTM_ECG's layer-0 input weights, rows of 1: 0 %), which the other layers make up
 * for — except near s_target = 0.95, where they are at their own ceilings: the step fails.
 * ECG_PRUNER_KEEP_ONE_UNIT keeps only the largest |w| of the whole layer, the literal
 * DESIGN.md §6 rule, under which every s_target up to 0.95 is reachable (n_l >= 20).
 * When B(t) cannot be met, the step fails with an error and changes nothing.
 */
#pragma once

#include <glib.h>

#include "compress/ecg-importance.h"
#include "compress/ecg-schedule.h"
#include "nn/ecg-model.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_PRUNER_KEEP_EVERY_UNIT, /* every output unit keeps its largest weight */
  ECG_PRUNER_KEEP_ONE_UNIT,   /* the layer keeps its largest weight */
} EcgPrunerKeep;

typedef struct
{
  EcgImportanceMethod method;
  double alpha;                   /* energy-aware: weight of the magnitude term, 0..1 */
  EcgSchedule schedule;
  EcgLayerEnergyFunc energy;      /* energy-aware: per-op energy of the masked model */
  gpointer energy_data;
  EcgPrunerKeep keep;             /* what survives of each layer at least */
  const double *saliency;         /* class-aware: S per parameter (n_params), or NULL */
  double saliency_weight;         /* class-aware: g in [0, 1] */
} EcgPrunerOptions;

typedef struct
{
  char *name;           /* the tensor's name */
  int tensor;           /* index into EcgModel.param_tensors */
  int block;
  double layer_beta;    /* beta_l */
  gsize n;              /* prunable weights n_l */
  gsize pruned;         /* cumulative, after the step */
  gsize newly_pruned;   /* by this step */
  double fraction;      /* pruned / n */
  double target;        /* s_l(t) */
  double ceiling;       /* c_l(t) */
  gsize ceiling_count;  /* floor(c_l(t) n_l): the most the layer may have pruned */
  gboolean rounded_up;  /* went one weight past ceiling_count to meet B(t) (see above) */
  double energy;        /* E_l used by the energy-aware importance; NAN for L1 */
} EcgPrunerLayerReport;

typedef struct
{
  int step;
  int n_steps;
  gsize n_prunable;
  gsize budget;         /* round(sum_l n_l s_l(t)) = pruned weights after the step */
  gsize pruned;
  gsize newly_pruned;
  double sparsity;      /* pruned / n_prunable */
  gsize n_layers;
  EcgPrunerLayerReport *layers;
} EcgPrunerReport;

/* L1, alpha 0.5, a linear schedule of 5 steps to 0.5, no energy function, every output unit
 * kept, no saliency. */
void ecg_pruner_options_init (EcgPrunerOptions *options);

/* B(t) = round(sum_l n_l s_l(t)) for `model` under `schedule` (step clamped to 0..K). */
gsize ecg_pruner_budget (const EcgModel *model, const EcgSchedule *schedule, int step);

/* Runs step `step` (1..K) on `model`, extending and applying its masks. Returns the report,
 * owned by the caller (ecg_pruner_report_free), or NULL with `error` set and the model
 * unchanged: ECG_ERROR_INVALID for bad options, a model without prunable weights, a model
 * already sparser than B(t), or a budget the ceilings and kept rows cannot meet; the energy
 * function's error (or ECG_ERROR_NUMERIC) when E_l cannot be computed. */
EcgPrunerReport *ecg_pruner_step (EcgModel *model, const EcgPrunerOptions *options, int step,
                                  GError **error);

void ecg_pruner_report_free (EcgPrunerReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgPrunerReport, ecg_pruner_report_free)

G_END_DECLS
