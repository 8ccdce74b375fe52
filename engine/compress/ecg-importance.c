/* ecg-importance.c — L1 and energy-aware importance scores, and the per-layer energies E_l. */
#include "compress/ecg-importance.h"

#include <math.h>

#include "ecg-error.h"

gboolean
ecg_importance_macs_energy (const EcgModel *model, double *op_energy, gpointer user_data,
                            GError **error)
{
  g_autofree gint64 *macs = g_new0 (gint64, MAX (model->ops->len, 1));
  ecg_model_macs (model, TRUE, macs);
  for (guint i = 0; i < model->ops->len; i++)
    op_energy[i] = (double) macs[i];
  return TRUE;
}

static gsize
layer_survivors (const EcgModel *model, const EcgLayerSparsity *layer)
{
  gsize kept = 0;
  for (gsize j = 0; j < layer->n; j++)
    kept += model->masks[layer->offset + j] != 0.0f;
  return kept;
}

/* Adds `amount` to the layers listed in `group` (indices into the layer list), in proportion to
 * their surviving weights, evenly when none survives. */
static void
share (double amount, const gsize *group, gsize n_group, const gsize *survivors,
       double *layer_energy)
{
  gsize total = 0;
  for (gsize g = 0; g < n_group; g++)
    total += survivors[group[g]];
  for (gsize g = 0; g < n_group; g++)
    layer_energy[group[g]] += total ? amount * (double) survivors[group[g]] / (double) total
                                    : amount / (double) n_group;
}

gboolean
ecg_importance_layer_energy (const EcgModel *model, const EcgSparsity *layers,
                             EcgLayerEnergyFunc energy, gpointer user_data, double *layer_energy,
                             GError **error)
{
  guint n_ops = model->ops->len;
  g_autofree double *op_energy = g_new0 (double, MAX (n_ops, 1));
  if (!energy (model, op_energy, user_data, error))
    return FALSE;
  for (guint i = 0; i < n_ops; i++)
    if (!(op_energy[i] >= 0.0 && isfinite (op_energy[i])))
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                     "%s: energy of op '%s' is %g; it must be finite and >= 0", model->arch,
                     g_array_index (model->ops, EcgOp, i).name, op_energy[i]);
        return FALSE;
      }

  gsize n = layers->n_layers;
  g_autofree gsize *survivors = g_new0 (gsize, MAX (n, 1));
  g_autofree gsize *group = g_new0 (gsize, MAX (n, 1));
  for (gsize l = 0; l < n; l++)
    {
      survivors[l] = layer_survivors (model, &layers->layers[l]);
      layer_energy[l] = 0.0;
    }
  for (guint i = 0; i < n_ops; i++)
    {
      if (op_energy[i] == 0.0)
        continue;
      /* The op's own prunable tensors, or else the prunable layers of its block. */
      gsize n_group = 0;
      for (gsize l = 0; l < n; l++)
        if (layers->layers[l].op == (int) i)
          group[n_group++] = l;
      if (n_group == 0)
        {
          int block = g_array_index (model->ops, EcgOp, i).block;
          for (gsize l = 0; l < n; l++)
            if (layers->layers[l].block == block)
              group[n_group++] = l;
        }
      if (n_group > 0)
        share (op_energy[i], group, n_group, survivors, layer_energy);
    }
  return TRUE;
}

void
ecg_importance_l1 (const EcgModel *model, const EcgSparsity *layers, double *importance)
{
  for (gsize l = 0; l < layers->n_layers; l++)
    {
      const EcgLayerSparsity *layer = &layers->layers[l];
      for (gsize j = 0; j < layer->n; j++)
        importance[layer->offset + j] = fabs ((double) model->params[layer->offset + j]);
    }
}

void
ecg_importance_energy_aware (const EcgModel *model, const EcgSparsity *layers, double alpha,
                             const double *layer_energy, double *importance)
{
  double max_energy = 0.0;
  for (gsize l = 0; l < layers->n_layers; l++)
    max_energy = MAX (max_energy, layer_energy[l]);

  for (gsize l = 0; l < layers->n_layers; l++)
    {
      const EcgLayerSparsity *layer = &layers->layers[l];
      const float *w = model->params + layer->offset;
      const float *mask = model->masks + layer->offset;
      double max_magnitude = 0.0;
      for (gsize j = 0; j < layer->n; j++)
        if (mask[j] != 0.0f)
          max_magnitude = MAX (max_magnitude, fabs ((double) w[j]));
      double energy_term = max_energy > 0.0 ? 1.0 - layer_energy[l] / max_energy : 1.0;
      for (gsize j = 0; j < layer->n; j++)
        {
          double magnitude_term = max_magnitude > 0.0 ? fabs ((double) w[j]) / max_magnitude : 0.0;
          importance[layer->offset + j] = alpha * magnitude_term + (1.0 - alpha) * energy_term;
        }
    }
}

void
ecg_importance_blend_saliency (const EcgModel *model, const EcgSparsity *layers, double weight,
                               const double *saliency, double *importance)
{
  double max_importance = 0.0, max_saliency = 0.0;
  for (gsize l = 0; l < layers->n_layers; l++)
    {
      const EcgLayerSparsity *layer = &layers->layers[l];
      for (gsize j = layer->offset; j < layer->offset + layer->n; j++)
        if (model->masks[j] != 0.0f)
          {
            max_importance = MAX (max_importance, importance[j]);
            max_saliency = MAX (max_saliency, saliency[j]);
          }
    }
  for (gsize l = 0; l < layers->n_layers; l++)
    {
      const EcgLayerSparsity *layer = &layers->layers[l];
      for (gsize j = layer->offset; j < layer->offset + layer->n; j++)
        {
          double i_term = max_importance > 0.0 ? importance[j] / max_importance : 0.0;
          double s_term = max_saliency > 0.0 ? saliency[j] / max_saliency : 0.0;
          importance[j] = (1.0 - weight) * i_term + weight * s_term;
        }
    }
}
