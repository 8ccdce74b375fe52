/* ecg-sparsity.c — counts of masked and zero prunable weights, per layer and in total. */
#include "compress/ecg-sparsity.h"

EcgSparsity *
ecg_sparsity_new (const EcgModel *model)
{
  EcgSparsity *s = g_new0 (EcgSparsity, 1);
  guint n_tensors = model->param_tensors->len;
  for (guint i = 0; i < n_tensors; i++)
    s->n_layers += g_array_index (model->param_tensors, EcgParamTensor, i).prunable;
  s->layers = g_new0 (EcgLayerSparsity, MAX (s->n_layers, 1));

  gsize l = 0;
  for (guint i = 0; i < n_tensors; i++)
    {
      const EcgParamTensor *t = &g_array_index (model->param_tensors, EcgParamTensor, i);
      if (!t->prunable)
        continue;
      EcgLayerSparsity *layer = &s->layers[l++];
      layer->name = g_strdup (t->name);
      layer->tensor = (int) i;
      layer->op = t->op;
      layer->block = g_array_index (model->ops, EcgOp, t->op).block;
      layer->offset = t->offset;
      layer->n = t->count;
      /* A weight is [out_units][...] in row-major order; a tensor that declares no rows (or
       * whose count they do not divide) is treated as one row. */
      if (t->out_units > 0 && t->count % (gsize) t->out_units == 0)
        layer->rows = t->out_units;
      else
        layer->rows = 1;
      layer->row_length = t->count / (gsize) layer->rows;
      for (gsize j = 0; j < t->count; j++)
        {
          layer->masked += model->masks[t->offset + j] == 0.0f;
          layer->zeros += model->params[t->offset + j] == 0.0f;
        }
      s->n_prunable += layer->n;
      s->masked += layer->masked;
      s->zeros += layer->zeros;
    }
  return s;
}

void
ecg_sparsity_free (EcgSparsity *sparsity)
{
  if (!sparsity)
    return;
  for (gsize l = 0; l < sparsity->n_layers; l++)
    g_free (sparsity->layers[l].name);
  g_free (sparsity->layers);
  g_free (sparsity);
}

double
ecg_sparsity_global (const EcgModel *model)
{
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (model);
  return s->n_prunable ? (double) s->zeros / (double) s->n_prunable : 0.0;
}

double
ecg_sparsity_global_masked (const EcgModel *model)
{
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (model);
  return s->n_prunable ? (double) s->masked / (double) s->n_prunable : 0.0;
}

double
ecg_sparsity_layer_masked (const EcgLayerSparsity *layer)
{
  return layer->n ? (double) layer->masked / (double) layer->n : 0.0;
}

double
ecg_sparsity_layer_zeros (const EcgLayerSparsity *layer)
{
  return layer->n ? (double) layer->zeros / (double) layer->n : 0.0;
}
