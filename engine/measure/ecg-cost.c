/* ecg-cost.c — per-layer MACs and TF-profiler FLOPs; the rules are listed in ecg-cost.h. */
#include "measure/ecg-cost.h"

#include "ecg-error.h"

static EcgTensorShape
shape_of (const EcgModel *m, int id)
{
  return g_array_index (m->tensors, EcgTensorShape, id);
}

static gint64
elements (EcgTensorShape s)
{
  return (gint64) s.rows * (gint64) s.cols;
}

/* TF-profiler FLOPs of op `op` given its MACs over kept weights (ecg-cost.h lists the rules). */
static gint64
tf_flops_of (const EcgModel *m, const EcgOp *op, gint64 macs)
{
  EcgTensorShape in = shape_of (m, op->input);
  EcgTensorShape out = shape_of (m, op->output);
  switch (op->kind)
    {
    case ECG_OP_CONV1D:
    case ECG_OP_LINEAR:
      return 2 * macs + (op->has_bias ? elements (out) : 0);
    case ECG_OP_BATCHNORM:
    case ECG_OP_LAYERNORM:
    case ECG_OP_ADD:
    case ECG_OP_POSEMB:
      return elements (out);
    case ECG_OP_MAXPOOL:
    case ECG_OP_AVGPOOL:
      return (gint64) op->kernel_size * elements (out);
    case ECG_OP_GLOBAL_AVG:
    case ECG_OP_GLOBAL_MAX:
      /* window T per output element = one per input element */
      return elements (in);
    case ECG_OP_LSTM:
      {
        gint64 per_step = 8 * (gint64) op->hidden * op->num_directions * op->num_layers;
        return 2 * macs + per_step * in.rows;
      }
    case ECG_OP_MHSA:
      {
        gint64 steps = in.rows, d = in.cols;
        return 2 * macs + 4 * d * steps + 5 * (gint64) op->heads * steps * steps;
      }
    case ECG_OP_ATTENTION_POOL:
      return 2 * macs + ((gint64) op->hidden + 1) * in.rows + 5 * (gint64) in.rows
             + elements (in);
    case ECG_OP_ATTENTION_POOL_LINEAR:
      return 2 * macs + (gint64) in.rows + 5 * (gint64) in.rows + elements (in);
    case ECG_OP_SE:
      return 2 * macs + 2 * elements (in);
    case ECG_OP_RELU:
    case ECG_OP_GELU:
    case ECG_OP_TRANSPOSE:
    case ECG_OP_FLATTEN:
    case ECG_OP_DROPOUT:
    case ECG_OP_CONCAT:
    case ECG_OP_N_KINDS:
    default:
      return 0;
    }
}

/* Activation values an op writes at inference: none for views and the identity. */
static gint64
output_elements_of (const EcgModel *m, const EcgOp *op)
{
  switch (op->kind)
    {
    case ECG_OP_FLATTEN:
    case ECG_OP_TRANSPOSE:
    case ECG_OP_DROPOUT:
      return 0;
    default:
      return elements (shape_of (m, op->output));
    }
}

static gint64
count_nonzero (const EcgModel *m, gsize offset, gsize count)
{
  gint64 n = 0;
  for (gsize j = offset; j < offset + count; j++)
    n += m->masks[j] != 0.0f && m->params[j] != 0.0f;
  return n;
}

EcgCostTable *
ecg_cost_table_new (const EcgModel *m)
{
  g_return_val_if_fail (m != NULL && m->ops->len > 0, NULL);
  const gsize n_ops = m->ops->len;
  g_autofree gint64 *macs = g_new0 (gint64, n_ops);
  ecg_model_macs (m, TRUE, macs);

  EcgCostTable *t = g_new0 (EcgCostTable, 1);
  t->arch = g_strdup (m->arch);
  t->n_layers = n_ops + 1;
  t->layers = g_new0 (EcgCostLayer, t->n_layers);
  t->n_blocks = m->n_blocks;
  int output_block = g_array_index (m->ops, EcgOp, n_ops - 1).block;
  for (gsize i = 0; i < n_ops; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      EcgCostLayer *row = &t->layers[i];
      row->name = g_strdup (op->name);
      row->kind = ecg_op_kind_name (op->kind);
      row->op = (int) i;
      row->block = op->block;
      row->params = (gint64) op->n_params;
      row->nonzero_params = count_nonzero (m, op->param_offset, op->n_params);
      row->macs = macs[i];
      row->tf_flops = tf_flops_of (m, op, macs[i]);
      row->output_elements = output_elements_of (m, op);
      if (op->output == m->output_tensor)
        output_block = op->block;
    }
  for (guint i = 0; i < m->param_tensors->len; i++)
    {
      const EcgParamTensor *p = &g_array_index (m->param_tensors, EcgParamTensor, i);
      if (!p->prunable)
        continue;
      t->layers[p->op].prunable_params += (gint64) p->count;
      t->layers[p->op].nonzero_prunable_params += count_nonzero (m, p->offset, p->count);
    }

  /* The output non-linearity the engine leaves to the loss. */
  EcgCostLayer *out = &t->layers[n_ops];
  out->name = g_strdup (m->multi_label ? "output.sigmoid" : "output.softmax");
  out->kind = m->multi_label ? "Sigmoid" : "Softmax";
  out->op = -1;
  out->block = output_block;
  out->tf_flops = m->multi_label ? 0 : 5 * (gint64) m->n_outputs;
  out->output_elements = m->n_outputs;

  for (gsize i = 0; i < t->n_layers; i++)
    {
      const EcgCostLayer *row = &t->layers[i];
      t->params += row->params;
      t->nonzero_params += row->nonzero_params;
      t->prunable_params += row->prunable_params;
      t->nonzero_prunable_params += row->nonzero_prunable_params;
      t->macs += row->macs;
      t->tf_flops += row->tf_flops;
    }
  return t;
}

void
ecg_cost_table_free (EcgCostTable *table)
{
  if (table == NULL)
    return;
  for (gsize i = 0; i < table->n_layers; i++)
    g_free (table->layers[i].name);
  g_free (table->layers);
  g_free (table->arch);
  g_free (table);
}

gint64
ecg_cost_layer_ops (const EcgCostLayer *layer, EcgCostConvention convention)
{
  return convention == ECG_COST_TF_FLOPS ? layer->tf_flops : layer->macs;
}

gint64
ecg_cost_table_total (const EcgCostTable *table, EcgCostConvention convention)
{
  return convention == ECG_COST_TF_FLOPS ? table->tf_flops : table->macs;
}

const char *
ecg_cost_convention_name (EcgCostConvention convention)
{
  return convention == ECG_COST_TF_FLOPS ? "tf" : "macs";
}

gboolean
ecg_cost_convention_parse (const char *text, EcgCostConvention *convention, GError **error)
{
  if (g_strcmp0 (text, "macs") == 0)
    *convention = ECG_COST_MACS;
  else if (g_strcmp0 (text, "tf") == 0)
    *convention = ECG_COST_TF_FLOPS;
  else
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "unknown cost convention '%s' (known: macs, tf)", text ? text : "");
      return FALSE;
    }
  return TRUE;
}

static void
add_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

JsonNode *
ecg_cost_table_to_json (const EcgCostTable *table, EcgCostConvention convention)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "convention");
  json_builder_add_string_value (b, ecg_cost_convention_name (convention));
  add_int (b, "total", ecg_cost_table_total (table, convention));
  add_int (b, "params", table->params);
  add_int (b, "nonzero_params", table->nonzero_params);
  add_int (b, "prunable_params", table->prunable_params);
  add_int (b, "nonzero_prunable_params", table->nonzero_prunable_params);
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (gsize i = 0; i < table->n_layers; i++)
    {
      const EcgCostLayer *row = &table->layers[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, row->name);
      add_int (b, "ops", ecg_cost_layer_ops (row, convention));
      add_int (b, "params", row->params);
      add_int (b, "nonzero_params", row->nonzero_params);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
