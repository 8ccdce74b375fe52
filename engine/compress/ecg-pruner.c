/* ecg-pruner.c — one pruning step: targets, global budget, ranked selection under ceilings. */
#include "compress/ecg-pruner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compress/ecg-sparsity.h"
#include "ecg-error.h"

/* A surviving weight that may be pruned this step. */
typedef struct
{
  double importance;
  float magnitude;
  guint32 layer;
  gsize index;     /* into EcgModel.params */
} Candidate;

/* Lowest importance first; ties by |w|, then by position (DESIGN.md §6). */
static int
candidate_compare (const void *pa, const void *pb)
{
  const Candidate *a = pa;
  const Candidate *b = pb;
  if (a->importance != b->importance)
    return a->importance < b->importance ? -1 : 1;
  if (a->magnitude != b->magnitude)
    return a->magnitude < b->magnitude ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

void
ecg_pruner_options_init (EcgPrunerOptions *options)
{
  memset (options, 0, sizeof *options);
  options->method = ECG_IMPORTANCE_L1;
  options->alpha = 0.5;
  options->keep = ECG_PRUNER_KEEP_EVERY_UNIT;
  ecg_schedule_init (&options->schedule, 0.5, 0.0, 5, NULL);
}

/* The most weights a layer of n with ceiling c may have pruned: floor(c n), or ceil(c n) when
 * rounded up. The guard absorbs rounding in c n (e.g. 0.95 * 20 evaluating just below 19). */
static gsize
ceiling_count (double ceiling, gsize n, gboolean round_up)
{
  double count = ceiling * (double) n;
  return (gsize) (round_up ? ceil (count - 1e-7) : floor (count + 1e-7));
}

static double
layer_beta (const EcgModel *model, const EcgSchedule *schedule, int block)
{
  return ecg_schedule_layer_beta (schedule, ecg_schedule_block_depth (block, model->n_blocks));
}

gsize
ecg_pruner_budget (const EcgModel *model, const EcgSchedule *schedule, int step)
{
  double sum = 0.0;
  for (guint i = 0; i < model->param_tensors->len; i++)
    {
      const EcgParamTensor *t = &g_array_index (model->param_tensors, EcgParamTensor, i);
      if (!t->prunable)
        continue;
      int block = g_array_index (model->ops, EcgOp, t->op).block;
      double s = ecg_schedule_sparsity (schedule, layer_beta (model, schedule, block), step);
      sum += (double) t->count * s;
    }
  return (gsize) llround (sum);
}

static gboolean
check_options (const EcgModel *model, const EcgPrunerOptions *options, int step, GError **error)
{
  const EcgSchedule *s = &options->schedule;
  EcgSchedule checked;
  if (!ecg_schedule_init (&checked, s->target_sparsity, s->beta, s->n_steps, error))
    return FALSE;
  if (step < 1 || step > s->n_steps)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: pruning step %d is outside 1..%d", model->arch, step, s->n_steps);
      return FALSE;
    }
  if (options->method == ECG_IMPORTANCE_ENERGY)
    {
      if (!(options->alpha >= 0.0 && options->alpha <= 1.0))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "energy-aware pruning: alpha %g is outside [0, 1]", options->alpha);
          return FALSE;
        }
      if (!options->energy)
        {
          g_set_error_literal (error, ECG_ERROR, ECG_ERROR_INVALID,
                               "energy-aware pruning needs a layer energy function");
          return FALSE;
        }
    }
  else if (options->method != ECG_IMPORTANCE_L1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "unknown importance method %d",
                   (int) options->method);
      return FALSE;
    }
  if (options->saliency != NULL
      && !(options->saliency_weight >= 0.0 && options->saliency_weight <= 1.0))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "class-aware pruning: weight %g is outside [0, 1]", options->saliency_weight);
      return FALSE;
    }
  if (options->keep != ECG_PRUNER_KEEP_EVERY_UNIT && options->keep != ECG_PRUNER_KEEP_ONE_UNIT)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "unknown keep rule %d",
                   (int) options->keep);
      return FALSE;
    }
  return TRUE;
}

/* Appends the candidates of one layer: its surviving weights except, in every row (or in the
 * whole layer taken as one row), the surviving weight of largest |w| (the first on ties), which
 * keeps the row alive. */
static void
add_layer_candidates (const EcgModel *model, const EcgLayerSparsity *layer, guint32 l,
                      EcgPrunerKeep keep_mode, const double *importance, GArray *candidates)
{
  int rows = keep_mode == ECG_PRUNER_KEEP_EVERY_UNIT ? layer->rows : 1;
  gsize row_length = layer->n / (gsize) rows;
  for (int r = 0; r < rows; r++)
    {
      gsize first = layer->offset + (gsize) r * row_length;
      gsize keep = G_MAXSIZE;
      float keep_magnitude = -1.0f;
      for (gsize j = first; j < first + row_length; j++)
        if (model->masks[j] != 0.0f && fabsf (model->params[j]) > keep_magnitude)
          {
            keep = j;
            keep_magnitude = fabsf (model->params[j]);
          }
      for (gsize j = first; j < first + row_length; j++)
        {
          if (model->masks[j] == 0.0f || j == keep)
            continue;
          Candidate c = {
            .importance = importance[j],
            .magnitude = fabsf (model->params[j]),
            .layer = l,
            .index = j,
          };
          g_array_append_val (candidates, c);
        }
    }
}

void
ecg_pruner_report_free (EcgPrunerReport *report)
{
  if (!report)
    return;
  for (gsize l = 0; l < report->n_layers; l++)
    g_free (report->layers[l].name);
  g_free (report->layers);
  g_free (report);
}

EcgPrunerReport *
ecg_pruner_step (EcgModel *model, const EcgPrunerOptions *options, int step, GError **error)
{
  if (!check_options (model, options, step, error))
    return NULL;
  const EcgSchedule *schedule = &options->schedule;
  g_autoptr (EcgSparsity) before = ecg_sparsity_new (model);
  gsize n_layers = before->n_layers;
  if (n_layers == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s has no prunable weights",
                   model->arch);
      return NULL;
    }

  g_autoptr (EcgPrunerReport) report = g_new0 (EcgPrunerReport, 1);
  report->step = step;
  report->n_steps = schedule->n_steps;
  report->n_prunable = before->n_prunable;
  report->n_layers = n_layers;
  report->layers = g_new0 (EcgPrunerLayerReport, n_layers);
  for (gsize l = 0; l < n_layers; l++)
    {
      const EcgLayerSparsity *layer = &before->layers[l];
      EcgPrunerLayerReport *r = &report->layers[l];
      r->name = g_strdup (layer->name);
      r->tensor = layer->tensor;
      r->block = layer->block;
      r->layer_beta = layer_beta (model, schedule, layer->block);
      r->n = layer->n;
      r->target = ecg_schedule_sparsity (schedule, r->layer_beta, step);
      r->ceiling = ecg_schedule_ceiling (schedule, r->target);
      r->ceiling_count = ceiling_count (r->ceiling, layer->n, FALSE);
      r->energy = NAN;
    }
  report->budget = ecg_pruner_budget (model, schedule, step);
  if (before->masked > report->budget)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: %" G_GSIZE_FORMAT " weights are already pruned, more than the %"
                   G_GSIZE_FORMAT " of step %d (masks only grow)",
                   model->arch, before->masked, report->budget, step);
      return NULL;
    }
  gsize needed = report->budget - before->masked;

  /* Importance of every prunable weight, in a buffer parallel to the parameters. */
  g_autofree double *importance = g_new (double, MAX (model->n_params, 1));
  if (options->method == ECG_IMPORTANCE_ENERGY)
    {
      g_autofree double *layer_energy = g_new0 (double, n_layers);
      if (!ecg_importance_layer_energy (model, before, options->energy, options->energy_data,
                                        layer_energy, error))
        return NULL;
      for (gsize l = 0; l < n_layers; l++)
        report->layers[l].energy = layer_energy[l];
      ecg_importance_energy_aware (model, before, options->alpha, layer_energy, importance);
    }
  else
    ecg_importance_l1 (model, before, importance);
  if (options->saliency != NULL)
    ecg_importance_blend_saliency (model, before, options->saliency_weight, options->saliency,
                                   importance);

  g_autoptr (GArray) candidates = g_array_sized_new (FALSE, FALSE, sizeof (Candidate),
                                                      before->n_prunable - before->masked);
  for (gsize l = 0; l < n_layers; l++)
    add_layer_candidates (model, &before->layers[l], (guint32) l, options->keep, importance,
                          candidates);
  qsort (candidates->data, candidates->len, sizeof (Candidate), candidate_compare);

  /* Greedy in importance order under the ceilings on each layer's cumulative count: this is
   * exactly "the lowest importance across all layers, subject to the ceilings". The second
   * pass (ceilings rounded up to whole weights) runs only when the first falls short. */
  g_autofree gsize *pruned = g_new (gsize, n_layers);
  g_autofree gsize *caps = g_new (gsize, n_layers);
  g_autofree guint8 *taken = g_new0 (guint8, MAX (candidates->len, 1));
  for (gsize l = 0; l < n_layers; l++)
    {
      pruned[l] = before->layers[l].masked;
      caps[l] = report->layers[l].ceiling_count;
    }
  gsize n_chosen = 0;
  for (int pass = 0; pass < 2 && n_chosen < needed; pass++)
    {
      if (pass == 1)
        for (gsize l = 0; l < n_layers; l++)
          caps[l] = ceiling_count (report->layers[l].ceiling, report->layers[l].n, TRUE);
      for (guint c = 0; c < candidates->len && n_chosen < needed; c++)
        {
          const Candidate *cand = &g_array_index (candidates, Candidate, c);
          if (taken[c] || pruned[cand->layer] >= caps[cand->layer])
            continue;
          taken[c] = 1;
          pruned[cand->layer]++;
          n_chosen++;
        }
    }
  if (n_chosen < needed)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: step %d of %d needs %" G_GSIZE_FORMAT " pruned weights, but the "
                   "per-layer ceilings (rounded up to whole weights) and the weight kept in "
                   "every %s allow only %" G_GSIZE_FORMAT,
                   model->arch, step, schedule->n_steps, report->budget,
                   options->keep == ECG_PRUNER_KEEP_EVERY_UNIT ? "output unit" : "layer",
                   before->masked + n_chosen);
      return NULL;
    }

  for (guint c = 0; c < candidates->len; c++)
    if (taken[c])
      model->masks[g_array_index (candidates, Candidate, c).index] = 0.0f;
  ecg_model_apply_masks (model);

  report->pruned = report->budget;
  report->newly_pruned = needed;
  report->sparsity = (double) report->pruned / (double) report->n_prunable;
  for (gsize l = 0; l < n_layers; l++)
    {
      EcgPrunerLayerReport *r = &report->layers[l];
      r->pruned = pruned[l];
      r->newly_pruned = pruned[l] - before->layers[l].masked;
      r->fraction = (double) r->pruned / (double) r->n;
      r->rounded_up = r->pruned > r->ceiling_count;
    }
  return g_steal_pointer (&report);
}
