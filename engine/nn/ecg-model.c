/* ecg-model.c — building and running a network of layer ops over one parameter buffer. */
#include "nn/ecg-model.h"

#include <math.h>
#include <string.h>

#include "nn/ecg-activation.h"
#include "nn/ecg-attention-pool.h"
#include "nn/ecg-batchnorm.h"
#include "nn/ecg-conv1d.h"
#include "nn/ecg-dropout.h"
#include "nn/ecg-layernorm.h"
#include "nn/ecg-linear.h"
#include "nn/ecg-lstm.h"
#include "nn/ecg-mhsa.h"
#include "nn/ecg-pool.h"
#include "nn/ecg-posemb.h"
#include "nn/ecg-residual.h"
#include "nn/ecg-se.h"
#include "nn/ecg-transpose.h"

static const char *const op_kind_names[ECG_OP_N_KINDS] = {
  [ECG_OP_CONV1D] = "Conv1d",
  [ECG_OP_BATCHNORM] = "BatchNorm1d",
  [ECG_OP_RELU] = "ReLU",
  [ECG_OP_GELU] = "GELU",
  [ECG_OP_MAXPOOL] = "MaxPool1d",
  [ECG_OP_AVGPOOL] = "AvgPool1d",
  [ECG_OP_GLOBAL_AVG] = "GlobalAvgPool",
  [ECG_OP_GLOBAL_MAX] = "GlobalMaxPool",
  [ECG_OP_TRANSPOSE] = "Transpose",
  [ECG_OP_FLATTEN] = "Flatten",
  [ECG_OP_LINEAR] = "Linear",
  [ECG_OP_DROPOUT] = "Dropout",
  [ECG_OP_LSTM] = "LSTM",
  [ECG_OP_ATTENTION_POOL] = "AttentionPool",
  [ECG_OP_ATTENTION_POOL_LINEAR] = "AttentionPoolLinear",
  [ECG_OP_MHSA] = "MultiheadAttention",
  [ECG_OP_LAYERNORM] = "LayerNorm",
  [ECG_OP_POSEMB] = "PositionalEmbedding",
  [ECG_OP_SE] = "SqueezeExcitation",
  [ECG_OP_ADD] = "Add",
  [ECG_OP_CONCAT] = "Concat",
};

const char *
ecg_op_kind_name (EcgOpKind kind)
{
  return kind < ECG_OP_N_KINDS ? op_kind_names[kind] : "?";
}

/* ------------------------------------------------------------------------------------------ */
/* Building                                                                                    */

static int
add_tensor (EcgModel *m, int rows, int cols)
{
  EcgTensorShape shape = { rows, cols };
  g_array_append_val (m->tensors, shape);
  return (int) m->tensors->len - 1;
}

static EcgTensorShape
tensor (const EcgModel *m, int id)
{
  return g_array_index (m->tensors, EcgTensorShape, id);
}

static gsize
tensor_size (const EcgModel *m, int id)
{
  EcgTensorShape s = tensor (m, id);
  return (gsize) s.rows * (gsize) s.cols;
}

EcgModel *
ecg_model_new (const char *arch, int input_channels, int input_length, int rr_features)
{
  EcgModel *m = g_new0 (EcgModel, 1);
  m->arch = g_strdup (arch);
  m->input_channels = input_channels;
  m->input_length = input_length;
  m->rr_features = rr_features;
  m->ops = g_array_new (FALSE, TRUE, sizeof (EcgOp));
  m->tensors = g_array_new (FALSE, TRUE, sizeof (EcgTensorShape));
  m->param_tensors = g_array_new (FALSE, TRUE, sizeof (EcgParamTensor));
  add_tensor (m, input_channels, input_length);
  if (rr_features > 0)
    add_tensor (m, 1, rr_features);
  return m;
}

void
ecg_model_free (EcgModel *m)
{
  if (m == NULL)
    return;
  for (guint i = 0; i < m->ops->len; i++)
    g_free (g_array_index (m->ops, EcgOp, i).name);
  for (guint i = 0; i < m->param_tensors->len; i++)
    g_free (g_array_index (m->param_tensors, EcgParamTensor, i).name);
  g_array_unref (m->ops);
  g_array_unref (m->tensors);
  g_array_unref (m->param_tensors);
  g_free (m->arch);
  g_free (m->params);
  g_free (m->masks);
  g_free (m->state);
  g_free (m);
}

/* Appends `op` (its param_offset is set here) and returns its index. */
static int
push_op (EcgModel *m, EcgOp *op, const char *name, int block)
{
  op->name = g_strdup (name);
  op->block = block;
  op->param_offset = m->n_params;
  m->n_params += op->n_params;
  m->n_blocks = MAX (m->n_blocks, block + 1);
  g_array_append_val (m->ops, *op);
  return (int) m->ops->len - 1;
}

static void
register_param (EcgModel *m, int op_index, const char *suffix, gsize offset_in_op, gsize count,
                gboolean prunable, int out_units)
{
  const EcgOp *op = &g_array_index (m->ops, EcgOp, op_index);
  EcgParamTensor t = {
    .name = g_strdup_printf ("%s.%s", op->name, suffix),
    .op = op_index,
    .offset = op->param_offset + offset_in_op,
    .count = count,
    .prunable = prunable,
    .out_units = out_units,
  };
  g_array_append_val (m->param_tensors, t);
}

int
ecg_model_add_conv1d (EcgModel *m, const char *name, int block, int in, int out_channels,
                      int kernel_size, int stride, int padding, gboolean bias)
{
  EcgTensorShape s = tensor (m, in);
  EcgConv1dShape shape = { .batch = 1, .in_channels = s.rows, .out_channels = out_channels,
                           .in_length = s.cols, .kernel_size = kernel_size, .stride = stride,
                           .padding = padding };
  int out_length = ecg_conv1d_out_length (&shape);
  g_return_val_if_fail (out_length > 0, -1);
  gsize n_weight = (gsize) out_channels * (gsize) s.rows * (gsize) kernel_size;
  EcgOp op = { .kind = ECG_OP_CONV1D, .input = in, .input2 = -1, .out_channels = out_channels,
               .kernel_size = kernel_size, .stride = stride, .padding = padding,
               .has_bias = bias, .n_params = n_weight + (bias ? (gsize) out_channels : 0) };
  op.output = add_tensor (m, out_channels, out_length);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "weight", 0, n_weight, TRUE, out_channels);
  if (bias)
    register_param (m, index, "bias", n_weight, (gsize) out_channels, FALSE, 0);
  return op.output;
}

int
ecg_model_add_batchnorm (EcgModel *m, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_BATCHNORM, .input = in, .input2 = -1,
               .n_params = 2 * (gsize) s.rows, .state_offset = m->n_state };
  m->n_state += 2 * (gsize) s.rows;
  op.output = add_tensor (m, s.rows, s.cols);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "gamma", 0, (gsize) s.rows, FALSE, 0);
  register_param (m, index, "beta", (gsize) s.rows, (gsize) s.rows, FALSE, 0);
  return op.output;
}

int
ecg_model_add_activation (EcgModel *m, EcgOpKind kind, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = kind, .input = in, .input2 = -1 };
  op.output = add_tensor (m, s.rows, s.cols);
  push_op (m, &op, name, block);
  return op.output;
}

int
ecg_model_add_pool (EcgModel *m, EcgOpKind kind, const char *name, int block, int in,
                    int kernel_size, int stride, int padding)
{
  EcgTensorShape s = tensor (m, in);
  EcgPool1dShape shape = { .batch = 1, .channels = s.rows, .in_length = s.cols,
                           .kernel_size = kernel_size, .stride = stride, .padding = padding };
  EcgOp op = { .kind = kind, .input = in, .input2 = -1, .kernel_size = kernel_size,
               .stride = stride, .padding = padding };
  op.output = add_tensor (m, s.rows, ecg_pool1d_out_length (&shape));
  push_op (m, &op, name, block);
  return op.output;
}

int
ecg_model_add_global_pool (EcgModel *m, EcgOpKind kind, const char *name, int block, int in,
                           gboolean time_major)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = kind, .input = in, .input2 = -1, .time_major = time_major };
  op.output = add_tensor (m, 1, time_major ? s.cols : s.rows);
  push_op (m, &op, name, block);
  return op.output;
}

int
ecg_model_add_reshape (EcgModel *m, EcgOpKind kind, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = kind, .input = in, .input2 = -1 };
  op.output = kind == ECG_OP_TRANSPOSE ? add_tensor (m, s.cols, s.rows)
                                       : add_tensor (m, 1, s.rows * s.cols);
  push_op (m, &op, name, block);
  return op.output;
}

int
ecg_model_add_linear (EcgModel *m, const char *name, int block, int in, int out_features,
                      gboolean bias)
{
  EcgTensorShape s = tensor (m, in);
  gsize n_weight = (gsize) out_features * (gsize) s.cols;
  EcgOp op = { .kind = ECG_OP_LINEAR, .input = in, .input2 = -1, .out_channels = out_features,
               .has_bias = bias, .n_params = n_weight + (bias ? (gsize) out_features : 0) };
  op.output = add_tensor (m, s.rows, out_features);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "weight", 0, n_weight, TRUE, out_features);
  if (bias)
    register_param (m, index, "bias", n_weight, (gsize) out_features, FALSE, 0);
  return op.output;
}

int
ecg_model_add_dropout (EcgModel *m, const char *name, int block, int in, float p)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_DROPOUT, .input = in, .input2 = -1, .dropout = p };
  op.output = add_tensor (m, s.rows, s.cols);
  push_op (m, &op, name, block);
  return op.output;
}

static EcgLstmShape
lstm_shape (const EcgOp *op, EcgTensorShape in, int batch)
{
  return (EcgLstmShape) { .batch = batch, .steps = in.rows, .input_size = in.cols,
                          .hidden = op->hidden, .num_layers = op->num_layers,
                          .num_directions = op->num_directions };
}

int
ecg_model_add_lstm (EcgModel *m, const char *name, int block, int in, int hidden,
                    int num_layers, gboolean bidirectional)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_LSTM, .input = in, .input2 = -1, .hidden = hidden,
               .num_layers = num_layers, .num_directions = bidirectional ? 2 : 1 };
  EcgLstmShape shape = lstm_shape (&op, s, 1);
  op.n_params = ecg_lstm_param_count (&shape);
  op.output = add_tensor (m, s.rows, hidden * op.num_directions);
  int index = push_op (m, &op, name, block);
  static const char *const dir_names[] = { "", "_reverse" };
  for (int layer = 0; layer < num_layers; layer++)
    for (int dir = 0; dir < op.num_directions; dir++)
      {
        EcgLstmOffsets o;
        ecg_lstm_offsets (&shape, layer, dir, &o);
        int in_size = ecg_lstm_layer_input_size (&shape, layer);
        g_autofree char *ih = g_strdup_printf ("weight_ih_l%d%s", layer, dir_names[dir]);
        g_autofree char *hh = g_strdup_printf ("weight_hh_l%d%s", layer, dir_names[dir]);
        g_autofree char *bih = g_strdup_printf ("bias_ih_l%d%s", layer, dir_names[dir]);
        g_autofree char *bhh = g_strdup_printf ("bias_hh_l%d%s", layer, dir_names[dir]);
        register_param (m, index, ih, o.weight_ih, 4 * (gsize) hidden * (gsize) in_size, TRUE,
                        4 * hidden);
        register_param (m, index, hh, o.weight_hh, 4 * (gsize) hidden * (gsize) hidden, TRUE,
                        4 * hidden);
        register_param (m, index, bih, o.bias_ih, 4 * (gsize) hidden, FALSE, 0);
        register_param (m, index, bhh, o.bias_hh, 4 * (gsize) hidden, FALSE, 0);
      }
  return op.output;
}

static EcgAttentionPoolShape
attention_pool_shape (const EcgOp *op, EcgTensorShape in, int batch)
{
  return (EcgAttentionPoolShape) { .batch = batch, .steps = in.rows, .features = in.cols,
                                   .hidden = op->hidden };
}

int
ecg_model_add_attention_pool (EcgModel *m, const char *name, int block, int in, int hidden)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_ATTENTION_POOL, .input = in, .input2 = -1, .hidden = hidden };
  EcgAttentionPoolShape shape = attention_pool_shape (&op, s, 1);
  op.n_params = ecg_attention_pool_param_count (&shape);
  op.output = add_tensor (m, 1, s.cols);
  int index = push_op (m, &op, name, block);
  EcgAttentionPoolOffsets o;
  ecg_attention_pool_offsets (&shape, &o);
  register_param (m, index, "W.weight", o.weight, (gsize) hidden * (gsize) s.cols, TRUE, hidden);
  register_param (m, index, "W.bias", o.bias, (gsize) hidden, FALSE, 0);
  register_param (m, index, "v.weight", o.score_weight, (gsize) hidden, TRUE, 1);
  register_param (m, index, "v.bias", o.score_bias, 1, FALSE, 0);
  return op.output;
}

int
ecg_model_add_attention_pool_linear (EcgModel *m, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_ATTENTION_POOL_LINEAR, .input = in, .input2 = -1 };
  EcgAttentionPoolShape shape = attention_pool_shape (&op, s, 1);
  op.n_params = ecg_attention_pool_linear_param_count (&shape);
  op.output = add_tensor (m, 1, s.cols);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "score.weight", 0, (gsize) s.cols, TRUE, 1);
  register_param (m, index, "score.bias", (gsize) s.cols, 1, FALSE, 0);
  return op.output;
}

static EcgMhsaShape
mhsa_shape (const EcgOp *op, EcgTensorShape in, int batch)
{
  return (EcgMhsaShape) { .batch = batch, .steps = in.rows, .d_model = in.cols,
                          .heads = op->heads };
}

int
ecg_model_add_mhsa (EcgModel *m, const char *name, int block, int in, int heads)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_MHSA, .input = in, .input2 = -1, .heads = heads };
  EcgMhsaShape shape = mhsa_shape (&op, s, 1);
  op.n_params = ecg_mhsa_param_count (&shape);
  op.output = add_tensor (m, s.rows, s.cols);
  int index = push_op (m, &op, name, block);
  EcgMhsaOffsets o;
  ecg_mhsa_offsets (&shape, &o);
  gsize d = (gsize) s.cols;
  register_param (m, index, "in_proj_weight", o.in_proj_weight, 3 * d * d, TRUE, 3 * s.cols);
  register_param (m, index, "in_proj_bias", o.in_proj_bias, 3 * d, FALSE, 0);
  register_param (m, index, "out_proj.weight", o.out_proj_weight, d * d, TRUE, s.cols);
  register_param (m, index, "out_proj.bias", o.out_proj_bias, d, FALSE, 0);
  return op.output;
}

int
ecg_model_add_layernorm (EcgModel *m, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_LAYERNORM, .input = in, .input2 = -1,
               .n_params = 2 * (gsize) s.cols };
  op.output = add_tensor (m, s.rows, s.cols);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "weight", 0, (gsize) s.cols, FALSE, 0);
  register_param (m, index, "bias", (gsize) s.cols, (gsize) s.cols, FALSE, 0);
  return op.output;
}

int
ecg_model_add_posemb (EcgModel *m, const char *name, int block, int in)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_POSEMB, .input = in, .input2 = -1,
               .n_params = (gsize) s.rows * (gsize) s.cols };
  op.output = add_tensor (m, s.rows, s.cols);
  int index = push_op (m, &op, name, block);
  register_param (m, index, "pos", 0, op.n_params, FALSE, 0);
  return op.output;
}

int
ecg_model_add_se (EcgModel *m, const char *name, int block, int in, int reduced)
{
  EcgTensorShape s = tensor (m, in);
  EcgOp op = { .kind = ECG_OP_SE, .input = in, .input2 = -1, .hidden = reduced,
               .n_params = 2 * (gsize) s.rows * (gsize) reduced };
  op.output = add_tensor (m, s.rows, s.cols);
  int index = push_op (m, &op, name, block);
  gsize n = (gsize) s.rows * (gsize) reduced;
  register_param (m, index, "fc1.weight", 0, n, TRUE, reduced);
  register_param (m, index, "fc2.weight", n, n, TRUE, s.rows);
  return op.output;
}

int
ecg_model_add_binary (EcgModel *m, EcgOpKind kind, const char *name, int block, int a, int b)
{
  EcgTensorShape sa = tensor (m, a), sb = tensor (m, b);
  EcgOp op = { .kind = kind, .input = a, .input2 = b };
  if (kind == ECG_OP_ADD)
    {
      g_return_val_if_fail (sa.rows == sb.rows && sa.cols == sb.cols, -1);
      op.output = add_tensor (m, sa.rows, sa.cols);
    }
  else
    {
      g_return_val_if_fail (sa.rows == 1 && sb.rows == 1, -1);
      op.output = add_tensor (m, 1, sa.cols + sb.cols);
    }
  push_op (m, &op, name, block);
  return op.output;
}

/* Uniform in [-bound, bound) from a splitmix64 stream. */
static void
fill_uniform (float *out, gsize n, float bound, guint64 *rng)
{
  for (gsize i = 0; i < n; i++)
    {
      double u = (double) (ecg_dropout_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
      out[i] = (float) ((2.0 * u - 1.0) * bound);
    }
}

static void
fill_constant (float *out, gsize n, float value)
{
  for (gsize i = 0; i < n; i++)
    out[i] = value;
}

void
ecg_model_finish (EcgModel *m, int output_tensor, int n_outputs, gboolean multi_label,
                  guint64 seed)
{
  m->output_tensor = output_tensor;
  m->n_outputs = n_outputs;
  m->multi_label = multi_label;
  m->params = g_new0 (float, MAX (m->n_params, 1));
  m->masks = g_new (float, MAX (m->n_params, 1));
  fill_constant (m->masks, m->n_params, 1.0f);
  m->state = g_new0 (float, MAX (m->n_state, 1));
  guint64 rng = seed ^ 0x9E3779B97F4A7C15ull;

  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      EcgTensorShape in = tensor (m, op->input);
      float *p = m->params + op->param_offset;
      switch (op->kind)
        {
        case ECG_OP_CONV1D:
          {
            /* PyTorch: kaiming_uniform(a=sqrt 5) = U(±1/sqrt(fan_in)), bias the same. */
            float bound = 1.0f / sqrtf ((float) (in.rows * op->kernel_size));
            fill_uniform (p, op->n_params, bound, &rng);
            break;
          }
        case ECG_OP_LINEAR:
          fill_uniform (p, op->n_params, 1.0f / sqrtf ((float) in.cols), &rng);
          break;
        case ECG_OP_BATCHNORM:
          fill_constant (p, (gsize) in.rows, 1.0f);
          fill_constant (p + in.rows, (gsize) in.rows, 0.0f);
          /* running mean 0, running var 1 */
          fill_constant (m->state + op->state_offset, (gsize) in.rows, 0.0f);
          fill_constant (m->state + op->state_offset + in.rows, (gsize) in.rows, 1.0f);
          break;
        case ECG_OP_LAYERNORM:
          fill_constant (p, (gsize) in.cols, 1.0f);
          fill_constant (p + in.cols, (gsize) in.cols, 0.0f);
          break;
        case ECG_OP_LSTM:
          fill_uniform (p, op->n_params, 1.0f / sqrtf ((float) op->hidden), &rng);
          break;
        case ECG_OP_ATTENTION_POOL:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, in, 1);
            EcgAttentionPoolOffsets o;
            ecg_attention_pool_offsets (&shape, &o);
            float bound_w = 1.0f / sqrtf ((float) in.cols);
            float bound_v = 1.0f / sqrtf ((float) op->hidden);
            fill_uniform (p + o.weight, (gsize) op->hidden * (gsize) in.cols, bound_w, &rng);
            fill_uniform (p + o.bias, (gsize) op->hidden, bound_w, &rng);
            fill_uniform (p + o.score_weight, (gsize) op->hidden, bound_v, &rng);
            fill_uniform (p + o.score_bias, 1, bound_v, &rng);
            break;
          }
        case ECG_OP_ATTENTION_POOL_LINEAR:
          fill_uniform (p, op->n_params, 1.0f / sqrtf ((float) in.cols), &rng);
          break;
        case ECG_OP_MHSA:
          {
            /* PyTorch: xavier_uniform in_proj, zero biases, out_proj as a Linear. */
            EcgMhsaShape shape = mhsa_shape (op, in, 1);
            EcgMhsaOffsets o;
            ecg_mhsa_offsets (&shape, &o);
            gsize d = (gsize) in.cols;
            fill_uniform (p + o.in_proj_weight, 3 * d * d, sqrtf (6.0f / (float) (4 * d)), &rng);
            fill_constant (p + o.in_proj_bias, 3 * d, 0.0f);
            fill_uniform (p + o.out_proj_weight, d * d, 1.0f / sqrtf ((float) d), &rng);
            fill_constant (p + o.out_proj_bias, d, 0.0f);
            break;
          }
        case ECG_OP_SE:
          {
            gsize n = (gsize) in.rows * (gsize) op->hidden;
            fill_uniform (p, n, 1.0f / sqrtf ((float) in.rows), &rng);
            fill_uniform (p + n, n, 1.0f / sqrtf ((float) op->hidden), &rng);
            break;
          }
        case ECG_OP_POSEMB:
          /* torch_zoo.py starts the positional embedding at zero. */
          fill_constant (p, op->n_params, 0.0f);
          break;
        default:
          break;
        }
    }
}

gsize
ecg_model_count_prunable (const EcgModel *m)
{
  gsize n = 0;
  for (guint i = 0; i < m->param_tensors->len; i++)
    {
      const EcgParamTensor *t = &g_array_index (m->param_tensors, EcgParamTensor, i);
      if (t->prunable)
        n += t->count;
    }
  return n;
}

gsize
ecg_model_count_nonzero (const EcgModel *m, gboolean prunable_only)
{
  gsize n = 0;
  for (guint i = 0; i < m->param_tensors->len; i++)
    {
      const EcgParamTensor *t = &g_array_index (m->param_tensors, EcgParamTensor, i);
      if (prunable_only && !t->prunable)
        continue;
      for (gsize j = 0; j < t->count; j++)
        n += m->params[t->offset + j] != 0.0f;
    }
  return n;
}

void
ecg_model_apply_masks (EcgModel *m)
{
  for (gsize i = 0; i < m->n_params; i++)
    m->params[i] *= m->masks[i];
}

/* The fraction of an op's prunable weights that are kept (1 when unmasked). */
static double
kept_fraction (const EcgModel *m, int op_index, gboolean masked, gsize first, gsize count)
{
  if (!masked || count == 0)
    return 1.0;
  const EcgOp *op = &g_array_index (m->ops, EcgOp, op_index);
  gsize kept = 0;
  for (gsize j = 0; j < count; j++)
    kept += m->masks[op->param_offset + first + j] != 0.0f;
  return (double) kept / (double) count;
}

gint64
ecg_model_macs (const EcgModel *m, gboolean masked, gint64 *per_op)
{
  gint64 total = 0;
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      EcgTensorShape in = tensor (m, op->input);
      EcgTensorShape out = tensor (m, op->output);
      gint64 macs = 0;
      switch (op->kind)
        {
        case ECG_OP_CONV1D:
          {
            /* With masks, every kept weight is used once per output position. */
            gsize n_weight = (gsize) op->out_channels * (gsize) in.rows * (gsize) op->kernel_size;
            double kept = kept_fraction (m, (int) i, masked, 0, n_weight);
            macs = (gint64) llround (kept * (double) n_weight) * out.cols;
            break;
          }
        case ECG_OP_LINEAR:
          {
            gsize n_weight = (gsize) op->out_channels * (gsize) in.cols;
            double kept = kept_fraction (m, (int) i, masked, 0, n_weight);
            macs = (gint64) llround (kept * (double) n_weight) * in.rows;
            break;
          }
        case ECG_OP_LSTM:
          {
            /* 4(in + h)h per step and direction = every gate weight once per step. */
            EcgLstmShape shape = lstm_shape (op, in, 1);
            for (int layer = 0; layer < op->num_layers; layer++)
              for (int dir = 0; dir < op->num_directions; dir++)
                {
                  EcgLstmOffsets o;
                  ecg_lstm_offsets (&shape, layer, dir, &o);
                  gsize n_ih = 4 * (gsize) op->hidden
                               * (gsize) ecg_lstm_layer_input_size (&shape, layer);
                  gsize n_hh = 4 * (gsize) op->hidden * (gsize) op->hidden;
                  double k_ih = kept_fraction (m, (int) i, masked, o.weight_ih, n_ih);
                  double k_hh = kept_fraction (m, (int) i, masked, o.weight_hh, n_hh);
                  macs += (llround (k_ih * (double) n_ih) + llround (k_hh * (double) n_hh))
                          * in.rows;
                }
            break;
          }
        case ECG_OP_ATTENTION_POOL:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, in, 1);
            EcgAttentionPoolOffsets o;
            ecg_attention_pool_offsets (&shape, &o);
            gsize n_w = (gsize) op->hidden * (gsize) in.cols;
            double k_w = kept_fraction (m, (int) i, masked, o.weight, n_w);
            double k_v = kept_fraction (m, (int) i, masked, o.score_weight, (gsize) op->hidden);
            macs = (llround (k_w * (double) n_w) + llround (k_v * op->hidden)) * in.rows;
            break;
          }
        case ECG_OP_ATTENTION_POOL_LINEAR:
          macs = llround (kept_fraction (m, (int) i, masked, 0, (gsize) in.cols) * in.cols)
                 * in.rows;
          break;
        case ECG_OP_MHSA:
          {
            EcgMhsaShape shape = mhsa_shape (op, in, 1);
            EcgMhsaOffsets o;
            ecg_mhsa_offsets (&shape, &o);
            gsize d = (gsize) in.cols;
            double k_in = kept_fraction (m, (int) i, masked, o.in_proj_weight, 3 * d * d);
            double k_out = kept_fraction (m, (int) i, masked, o.out_proj_weight, d * d);
            macs = (llround (k_in * 3.0 * d * d) + llround (k_out * (double) (d * d))) * in.rows;
            /* QK^T and AV: 2 L^2 d whatever the weights. */
            macs += 2 * (gint64) in.rows * in.rows * (gint64) d;
            break;
          }
        case ECG_OP_SE:
          {
            gsize n = (gsize) in.rows * (gsize) op->hidden;
            macs = llround (kept_fraction (m, (int) i, masked, 0, n) * (double) n)
                   + llround (kept_fraction (m, (int) i, masked, n, n) * (double) n);
            break;
          }
        default:
          break;
        }
      if (per_op != NULL)
        per_op[i] = macs;
      total += macs;
    }
  return total;
}

EcgModel *
ecg_model_copy (const EcgModel *m)
{
  EcgModel *c = g_new0 (EcgModel, 1);
  *c = *m;
  c->arch = g_strdup (m->arch);
  c->ops = g_array_copy (m->ops);
  for (guint i = 0; i < c->ops->len; i++)
    {
      EcgOp *op = &g_array_index (c->ops, EcgOp, i);
      op->name = g_strdup (op->name);
    }
  c->tensors = g_array_copy (m->tensors);
  c->param_tensors = g_array_copy (m->param_tensors);
  for (guint i = 0; i < c->param_tensors->len; i++)
    {
      EcgParamTensor *t = &g_array_index (c->param_tensors, EcgParamTensor, i);
      t->name = g_strdup (t->name);
    }
  c->params = g_memdup2 (m->params, MAX (m->n_params, 1) * sizeof (float));
  c->masks = g_memdup2 (m->masks, MAX (m->n_params, 1) * sizeof (float));
  c->state = g_memdup2 (m->state, MAX (m->n_state, 1) * sizeof (float));
  return c;
}

/* ------------------------------------------------------------------------------------------ */
/* Running                                                                                     */

struct _EcgModelRun
{
  int max_batch;
  int batch; /* of the last forward */
  gboolean training;
  guint64 rng;
  float **acts;       /* per tensor, max_batch × size */
  float **grads;      /* per tensor */
  float **caches;     /* per op (float caches) */
  gint32 **indices;   /* per op (argmax of max pools) */
  float *workspace;   /* shared conv scratch */
  float *d_params;    /* n_params */
  const float *input; /* the caller's input of the last forward */
  const float *rr;
  guint n_tensors;
  guint first_owned_tensor;
  gboolean input_grad; /* compute d(loss)/d(input) too */
  gboolean eval_mode;  /* training run computing as in eval mode (ecg_model_run_set_eval_mode) */
  float *state;        /* BatchNorm running statistics to update; NULL: the model's own */
  guint n_ops;
  gsize n_params;
};

static gsize
op_cache_floats (const EcgModel *m, const EcgOp *op, int batch, gboolean training)
{
  EcgTensorShape in = tensor (m, op->input);
  switch (op->kind)
    {
    case ECG_OP_BATCHNORM:
      return ECG_BATCHNORM_CACHE_FLOATS (in.rows);
    case ECG_OP_DROPOUT:
      /* The mask, which only a training forward draws and only backward reads. */
      return training ? (gsize) batch * tensor_size (m, op->input) : 0;
    case ECG_OP_LSTM:
      {
        EcgLstmShape shape = lstm_shape (op, in, batch);
        return ecg_lstm_cache_floats (&shape, training);
      }
    case ECG_OP_ATTENTION_POOL:
      {
        EcgAttentionPoolShape shape = attention_pool_shape (op, in, batch);
        return ecg_attention_pool_cache_floats (&shape);
      }
    case ECG_OP_ATTENTION_POOL_LINEAR:
      {
        EcgAttentionPoolShape shape = attention_pool_shape (op, in, batch);
        return ecg_attention_pool_linear_cache_floats (&shape);
      }
    case ECG_OP_MHSA:
      {
        EcgMhsaShape shape = mhsa_shape (op, in, batch);
        return ecg_mhsa_cache_floats (&shape, training);
      }
    case ECG_OP_LAYERNORM:
      return 2 * (gsize) batch * (gsize) in.rows;
    case ECG_OP_SE:
      {
        EcgSeShape shape = { .batch = batch, .channels = in.rows, .steps = in.cols,
                             .reduced = op->hidden };
        return ecg_se_cache_floats (&shape);
      }
    default:
      return 0;
    }
}

EcgModelRun *
ecg_model_run_new (const EcgModel *m, int max_batch, gboolean training)
{
  EcgModelRun *run = g_new0 (EcgModelRun, 1);
  run->max_batch = max_batch;
  run->training = training;
  run->rng = 0x5DEECE66Dull;
  guint n_tensors = m->tensors->len;
  run->first_owned_tensor = m->rr_features > 0 ? 2 : 1;
  run->n_params = m->n_params;
  run->acts = g_new0 (float *, n_tensors);
  run->grads = g_new0 (float *, n_tensors);
  for (guint t = 0; t < n_tensors; t++)
    {
      gsize n = (gsize) max_batch * tensor_size (m, (int) t);
      /* Inputs are read from the caller's arrays; only their gradients need room. */
      if (t >= run->first_owned_tensor)
        run->acts[t] = g_new0 (float, n);
      if (training)
        run->grads[t] = g_new0 (float, n);
    }
  run->caches = g_new0 (float *, m->ops->len);
  run->indices = g_new0 (gint32 *, m->ops->len);
  gsize workspace = 1;
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      gsize n = op_cache_floats (m, op, max_batch, training);
      if (n > 0)
        run->caches[i] = g_new0 (float, n);
      if (op->kind == ECG_OP_MAXPOOL || op->kind == ECG_OP_GLOBAL_MAX)
        run->indices[i] = g_new0 (gint32, (gsize) max_batch * tensor_size (m, op->output));
      if (op->kind == ECG_OP_CONV1D)
        {
          EcgTensorShape in = tensor (m, op->input);
          EcgConv1dShape shape = { .batch = max_batch, .in_channels = in.rows,
                                   .out_channels = op->out_channels, .in_length = in.cols,
                                   .kernel_size = op->kernel_size, .stride = op->stride,
                                   .padding = op->padding };
          workspace = MAX (workspace, ecg_conv1d_workspace_floats (&shape));
        }
    }
  run->workspace = g_new0 (float, workspace);
  if (training)
    run->d_params = g_new0 (float, MAX (m->n_params, 1));
  run->n_tensors = n_tensors;
  run->n_ops = m->ops->len;
  return run;
}

void
ecg_model_run_free (EcgModelRun *run)
{
  if (run == NULL)
    return;
  /* Tensors below first_owned_tensor point at the caller's input arrays. */
  for (guint t = 0; t < run->n_tensors; t++)
    {
      if (t >= run->first_owned_tensor)
        g_free (run->acts[t]);
      g_free (run->grads[t]);
    }
  for (guint i = 0; i < run->n_ops; i++)
    {
      g_free (run->caches[i]);
      g_free (run->indices[i]);
    }
  g_free (run->acts);
  g_free (run->grads);
  g_free (run->caches);
  g_free (run->indices);
  g_free (run->workspace);
  g_free (run->d_params);
  g_free (run);
}

void
ecg_model_run_set_input_grad (EcgModelRun *run, gboolean input_grad)
{
  run->input_grad = input_grad;
}

void
ecg_model_run_set_eval_mode (EcgModelRun *run, gboolean eval_mode)
{
  g_return_if_fail (run->training || !eval_mode);
  run->eval_mode = eval_mode;
}

void
ecg_model_run_set_state (EcgModelRun *run, float *state)
{
  run->state = state;
}

void
ecg_model_run_set_seed (EcgModelRun *run, guint64 seed)
{
  run->rng = seed;
}

float *
ecg_model_run_grads (EcgModelRun *run)
{
  return run->d_params;
}

const float *
ecg_model_run_input_grad (EcgModelRun *run)
{
  return run->grads[0];
}

const float *
ecg_model_run_tensor (EcgModelRun *run, int id)
{
  g_return_val_if_fail (id >= 0 && (guint) id < run->n_tensors, NULL);
  return run->acts[id];
}

void
ecg_model_run_zero_grads (EcgModelRun *run)
{
  g_return_if_fail (run->d_params != NULL);
  memset (run->d_params, 0, run->n_params * sizeof (float));
}

static EcgConv1dShape
conv_shape (const EcgModel *m, const EcgOp *op, int batch)
{
  EcgTensorShape in = tensor (m, op->input);
  return (EcgConv1dShape) { .batch = batch, .in_channels = in.rows,
                            .out_channels = op->out_channels, .in_length = in.cols,
                            .kernel_size = op->kernel_size, .stride = op->stride,
                            .padding = op->padding };
}

static EcgPool1dShape
pool_shape (const EcgModel *m, const EcgOp *op, int batch)
{
  EcgTensorShape in = tensor (m, op->input);
  return (EcgPool1dShape) { .batch = batch, .channels = in.rows, .in_length = in.cols,
                            .kernel_size = op->kernel_size, .stride = op->stride,
                            .padding = op->padding };
}

static EcgGlobalPoolShape
global_pool_shape (const EcgModel *m, const EcgOp *op, int batch)
{
  EcgTensorShape in = tensor (m, op->input);
  return (EcgGlobalPoolShape) {
    .batch = batch,
    .channels = op->time_major ? in.cols : in.rows,
    .length = op->time_major ? in.rows : in.cols,
    .layout = op->time_major ? ECG_POOL_TIME_CHANNELS : ECG_POOL_CHANNELS_TIME,
  };
}

/* Copies [batch][n1] and [batch][n2] into [batch][n1 + n2] (or back, for gradients). */
static void
concat_rows (float *out, const float *a, const float *b, int batch, int n1, int n2)
{
  for (int i = 0; i < batch; i++)
    {
      memcpy (out + (gsize) i * (n1 + n2), a + (gsize) i * n1, (gsize) n1 * sizeof (float));
      memcpy (out + (gsize) i * (n1 + n2) + n1, b + (gsize) i * n2, (gsize) n2 * sizeof (float));
    }
}

const float *
ecg_model_forward (EcgModel *m, EcgModelRun *run, const float *input, const float *rr, int batch)
{
  g_return_val_if_fail (batch >= 1 && batch <= run->max_batch, NULL);
  g_return_val_if_fail (m->rr_features == 0 || rr != NULL, NULL);
  run->batch = batch;
  run->input = input;
  run->acts[0] = (float *) input;
  if (m->rr_features > 0)
    {
      run->rr = rr;
      run->acts[1] = (float *) rr;
    }
  const gboolean training = run->training;
  /* Batch statistics and dropout; an eval-mode training run keeps only the caches. */
  const gboolean batch_mode = training && !run->eval_mode;

  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      const float *in = run->acts[op->input];
      float *out = run->acts[op->output];
      const float *p = m->params + op->param_offset;
      EcgTensorShape is = tensor (m, op->input);
      gsize n_in = (gsize) batch * tensor_size (m, op->input);

      switch (op->kind)
        {
        case ECG_OP_CONV1D:
          {
            EcgConv1dShape shape = conv_shape (m, op, batch);
            gsize n_weight = (gsize) op->out_channels * is.rows * op->kernel_size;
            ecg_conv1d_forward (out, in, p, op->has_bias ? p + n_weight : NULL, &shape,
                                run->workspace);
            break;
          }
        case ECG_OP_BATCHNORM:
          {
            EcgBatchnormShape shape = { batch, is.rows, is.cols };
            float *state = (run->state != NULL ? run->state : m->state) + op->state_offset;
            if (batch_mode)
              ecg_batchnorm_forward_train (out, run->caches[i], state, state + is.rows, in, p,
                                           p + is.rows, &shape);
            else
              ecg_batchnorm_forward_eval (out, in, p, p + is.rows, state, state + is.rows,
                                          &shape);
            break;
          }
        case ECG_OP_RELU:
          ecg_relu_forward (out, in, n_in);
          break;
        case ECG_OP_GELU:
          ecg_gelu_forward (out, in, n_in);
          break;
        case ECG_OP_MAXPOOL:
          {
            EcgPool1dShape shape = pool_shape (m, op, batch);
            ecg_maxpool1d_forward (out, run->indices[i], in, &shape);
            break;
          }
        case ECG_OP_AVGPOOL:
          {
            EcgPool1dShape shape = pool_shape (m, op, batch);
            ecg_avgpool1d_forward (out, in, &shape);
            break;
          }
        case ECG_OP_GLOBAL_AVG:
          {
            EcgGlobalPoolShape shape = global_pool_shape (m, op, batch);
            ecg_global_avg_pool_forward (out, in, &shape);
            break;
          }
        case ECG_OP_GLOBAL_MAX:
          {
            EcgGlobalPoolShape shape = global_pool_shape (m, op, batch);
            ecg_global_max_pool_forward (out, run->indices[i], in, &shape);
            break;
          }
        case ECG_OP_TRANSPOSE:
          {
            EcgTransposeShape shape = { batch, is.rows, is.cols };
            ecg_transpose_forward (out, in, &shape);
            break;
          }
        case ECG_OP_FLATTEN:
          memcpy (out, in, n_in * sizeof (float));
          break;
        case ECG_OP_LINEAR:
          {
            EcgLinearShape shape = { batch * is.rows, is.cols, op->out_channels };
            gsize n_weight = (gsize) op->out_channels * is.cols;
            ecg_linear_forward (out, in, p, op->has_bias ? p + n_weight : NULL, &shape);
            break;
          }
        case ECG_OP_DROPOUT:
          ecg_dropout_forward (out, training ? run->caches[i] : NULL, in, n_in, op->dropout,
                               batch_mode, &run->rng);
          break;
        case ECG_OP_LSTM:
          {
            EcgLstmShape shape = lstm_shape (op, is, batch);
            ecg_lstm_forward (out, run->caches[i], in, p, &shape, training);
            break;
          }
        case ECG_OP_ATTENTION_POOL:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, is, batch);
            ecg_attention_pool_forward (out, run->caches[i], in, p, &shape);
            break;
          }
        case ECG_OP_ATTENTION_POOL_LINEAR:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, is, batch);
            ecg_attention_pool_linear_forward (out, run->caches[i], in, p, &shape);
            break;
          }
        case ECG_OP_MHSA:
          {
            EcgMhsaShape shape = mhsa_shape (op, is, batch);
            ecg_mhsa_forward (out, run->caches[i], in, p, &shape, training);
            break;
          }
        case ECG_OP_LAYERNORM:
          {
            EcgLayernormShape shape = { batch * is.rows, is.cols };
            float *mean = run->caches[i];
            ecg_layernorm_forward (out, mean, mean + (gsize) batch * is.rows, in, p, p + is.cols,
                                   &shape);
            break;
          }
        case ECG_OP_POSEMB:
          {
            EcgPosembShape shape = { batch, is.rows, is.cols };
            ecg_posemb_forward (out, in, p, &shape);
            break;
          }
        case ECG_OP_SE:
          {
            EcgSeShape shape = { batch, is.rows, is.cols, op->hidden };
            ecg_se_forward (out, run->caches[i], in, p, &shape);
            break;
          }
        case ECG_OP_ADD:
          ecg_residual_forward (out, in, run->acts[op->input2], n_in);
          break;
        case ECG_OP_CONCAT:
          concat_rows (out, in, run->acts[op->input2], batch, is.cols,
                       tensor (m, op->input2).cols);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return run->acts[m->output_tensor];
}

void
ecg_model_backward (const EcgModel *m, EcgModelRun *run, const float *d_logits)
{
  g_return_if_fail (run->training);
  const int batch = run->batch;
  for (guint t = 0; t < m->tensors->len; t++)
    memset (run->grads[t], 0, (gsize) batch * tensor_size (m, (int) t) * sizeof (float));
  memcpy (run->grads[m->output_tensor], d_logits,
          (gsize) batch * tensor_size (m, m->output_tensor) * sizeof (float));

  for (int i = (int) m->ops->len - 1; i >= 0; i--)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      const float *in = run->acts[op->input];
      const float *out = run->acts[op->output];
      const float *d_out = run->grads[op->output];
      float *d_in = run->grads[op->input];
      /* The network's inputs need no gradient unless asked for (saliency). */
      gboolean skip_d_in = (guint) op->input < run->first_owned_tensor && !run->input_grad;
      const float *p = m->params + op->param_offset;
      float *dp = run->d_params + op->param_offset;
      EcgTensorShape is = tensor (m, op->input);
      gsize n_in = (gsize) batch * tensor_size (m, op->input);

      switch (op->kind)
        {
        case ECG_OP_CONV1D:
          {
            EcgConv1dShape shape = conv_shape (m, op, batch);
            gsize n_weight = (gsize) op->out_channels * is.rows * op->kernel_size;
            ecg_conv1d_backward (skip_d_in ? NULL : d_in, dp, op->has_bias ? dp + n_weight : NULL, d_out, in, p,
                                 &shape, run->workspace);
            break;
          }
        case ECG_OP_BATCHNORM:
          {
            EcgBatchnormShape shape = { batch, is.rows, is.cols };
            const float *state = (run->state != NULL ? run->state : m->state) + op->state_offset;
            if (run->eval_mode)
              ecg_batchnorm_backward_eval (d_in, dp, dp + is.rows, d_out, in, p, state,
                                           state + is.rows, &shape);
            else
              ecg_batchnorm_backward_train (d_in, dp, dp + is.rows, d_out, in, p,
                                            run->caches[i], &shape);
            break;
          }
        case ECG_OP_RELU:
          ecg_relu_backward (d_in, d_out, out, n_in);
          break;
        case ECG_OP_GELU:
          ecg_gelu_backward (d_in, d_out, in, n_in);
          break;
        case ECG_OP_MAXPOOL:
          {
            EcgPool1dShape shape = pool_shape (m, op, batch);
            ecg_maxpool1d_backward (d_in, d_out, run->indices[i], &shape);
            break;
          }
        case ECG_OP_AVGPOOL:
          {
            EcgPool1dShape shape = pool_shape (m, op, batch);
            ecg_avgpool1d_backward (d_in, d_out, &shape);
            break;
          }
        case ECG_OP_GLOBAL_AVG:
          {
            EcgGlobalPoolShape shape = global_pool_shape (m, op, batch);
            ecg_global_avg_pool_backward (d_in, d_out, &shape);
            break;
          }
        case ECG_OP_GLOBAL_MAX:
          {
            EcgGlobalPoolShape shape = global_pool_shape (m, op, batch);
            ecg_global_max_pool_backward (d_in, d_out, run->indices[i], &shape);
            break;
          }
        case ECG_OP_TRANSPOSE:
          {
            EcgTransposeShape shape = { batch, is.rows, is.cols };
            ecg_transpose_backward (d_in, d_out, &shape);
            break;
          }
        case ECG_OP_FLATTEN:
          for (gsize k = 0; k < n_in; k++)
            d_in[k] += d_out[k];
          break;
        case ECG_OP_LINEAR:
          {
            EcgLinearShape shape = { batch * is.rows, is.cols, op->out_channels };
            gsize n_weight = (gsize) op->out_channels * is.cols;
            ecg_linear_backward (skip_d_in ? NULL : d_in, dp, op->has_bias ? dp + n_weight : NULL, d_out, in, p,
                                 &shape);
            break;
          }
        case ECG_OP_DROPOUT:
          ecg_dropout_backward (d_in, d_out, run->caches[i], n_in);
          break;
        case ECG_OP_LSTM:
          {
            EcgLstmShape shape = lstm_shape (op, is, batch);
            ecg_lstm_backward (d_in, dp, d_out, in, p, run->caches[i], &shape);
            break;
          }
        case ECG_OP_ATTENTION_POOL:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, is, batch);
            ecg_attention_pool_backward (d_in, dp, d_out, in, p, run->caches[i], &shape);
            break;
          }
        case ECG_OP_ATTENTION_POOL_LINEAR:
          {
            EcgAttentionPoolShape shape = attention_pool_shape (op, is, batch);
            ecg_attention_pool_linear_backward (d_in, dp, d_out, in, p, run->caches[i], &shape);
            break;
          }
        case ECG_OP_MHSA:
          {
            EcgMhsaShape shape = mhsa_shape (op, is, batch);
            ecg_mhsa_backward (d_in, dp, d_out, in, p, run->caches[i], &shape);
            break;
          }
        case ECG_OP_LAYERNORM:
          {
            EcgLayernormShape shape = { batch * is.rows, is.cols };
            const float *mean = run->caches[i];
            ecg_layernorm_backward (d_in, dp, dp + is.cols, d_out, in, mean,
                                    mean + (gsize) batch * is.rows, p, &shape);
            break;
          }
        case ECG_OP_POSEMB:
          {
            EcgPosembShape shape = { batch, is.rows, is.cols };
            ecg_posemb_backward (d_in, dp, d_out, &shape);
            break;
          }
        case ECG_OP_SE:
          {
            EcgSeShape shape = { batch, is.rows, is.cols, op->hidden };
            ecg_se_backward (d_in, dp, d_out, in, p, run->caches[i], &shape);
            break;
          }
        case ECG_OP_ADD:
          ecg_residual_backward (d_in, run->grads[op->input2], d_out, n_in);
          break;
        case ECG_OP_CONCAT:
          {
            int n1 = is.cols, n2 = tensor (m, op->input2).cols;
            float *d_b = run->grads[op->input2];
            for (int s = 0; s < batch; s++)
              {
                const float *row = d_out + (gsize) s * (n1 + n2);
                for (int k = 0; k < n1; k++)
                  d_in[(gsize) s * n1 + k] += row[k];
                for (int k = 0; k < n2; k++)
                  d_b[(gsize) s * n2 + k] += row[n1 + k];
              }
            break;
          }
        default:
          g_assert_not_reached ();
        }
    }
}
