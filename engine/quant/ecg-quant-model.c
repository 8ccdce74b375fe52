/* ecg-quant-model.c — planning, calibration, quantisation and inference of an INT8 model
 * (see ecg-quant-model.h).
 *
 * The model becomes a list of steps over the source model's tensors. Each tensor is stored in
 * one of three forms, chosen by its producer:
 *   F   float in the model's layout ([rows][cols], e.g. [channels][time]);
 *   Q   int8 codes 0..127, time-major: row r of (pad_front + time + pad_back) rows holds the
 *       `cp` channel bytes of one time step (channels rounded up to 4, the extra ones 0); the
 *       pad rows are zero and stay zero (a code 0 is the value 0: symmetric quantisation);
 *   FT  float, time-major [time][channels] (a convolution output that feeds a residual add).
 * A consumer that needs another form gets a conversion step just before it (Q -> F for float
 * ops, F -> FT for a residual), made once per tensor. Dropout (identity in eval) is no step: its
 * output is its input.
 * Examples are run one at a time through the steps: batch-1 latency is what matters here, and
 * the buffers of one example stay in L1/L2.
 */
#include "quant/ecg-quant-model.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-activation.h"
#include "nn/ecg-attention-pool.h"
#include "nn/ecg-batchnorm.h"
#include "nn/ecg-conv1d.h"
#include "nn/ecg-linear.h"
#include "nn/ecg-loss.h"
#include "nn/ecg-pool.h"
#include "nn/ecg-residual.h"
#include "nn/ecg-transpose.h"
#include "quant/ecg-quant-fold.h"
#include "quant/ecg-quant-private.h"
#include "train/ecg-parallel.h"

#define CALIBRATION_BATCH 64
#define HISTOGRAM_BINS 4096
/* |bias / (s_in s_w)| beyond this would let acc + bias overflow int32; clamped (never reached by
 * a sane model: it would mean a bias 2^30 quantisation steps large). */
#define BIAS_LIMIT 1073741824.0

typedef enum
{
  FORM_F,
  FORM_Q,
  FORM_FT,
} Form;

typedef struct
{
  Form form;           /* as its producer writes it */
  gboolean has_f;      /* an F copy exists (form F, or a conversion step makes one) */
  gboolean has_ft;     /* an FT copy exists */
  int rows, cols;      /* model shape */
  int cp;              /* Q: bytes per time row */
  int pad_front;       /* Q: zero rows before / after */
  int pad_back;
  float scale;         /* Q: value of code 1 */
} TensorPlan;

typedef enum
{
  STEP_CONV,        /* a fused convolution, int8 (input Q) or float (input F) */
  STEP_POOL_Q,      /* max / average pooling on codes */
  STEP_GLOBAL_AVG_Q,
  STEP_TRANSPOSE_Q, /* Q [C][T] -> F [T][C] */
  STEP_CONVERT,     /* tensor `input` from form `from` to form `to` */
  STEP_FLOAT,       /* model op `op` on F tensors */
} StepKind;

typedef struct
{
  StepKind kind;
  int op;               /* the model op (a group's convolution) */
  int input, output;    /* tensor ids */
  int input2;           /* FLOAT binary ops */
  Form from, to;        /* CONVERT */
  /* STEP_CONV */
  int bn_op, relu_op, add_op; /* absorbed ops, or -1 */
  int residual;         /* tensor added in the epilogue, or -1 */
  gboolean int8;
  EcgConv1dShape shape; /* batch 1 */
  int out_length;
  float *weight_f;      /* folded [M][C_in][k] */
  float *bias_f;        /* folded [M] */
  EcgQuantLayerData layer; /* int8: quantised weights (owned here) */
  EcgQuantPackedWeights *packed;
  float *multiplier;    /* [M] epilogue scale */
  float residual_scale;
  gsize cache_floats;   /* STEP_FLOAT: attention-pool scratch */
} Step;

struct _EcgQuantModel
{
  EcgModel *source;     /* masks applied */
  GArray *steps;        /* Step */
  TensorPlan *tensors;  /* n_tensors */
  guint n_tensors;
  int *canon;           /* tensor id -> the id whose storage holds it (dropout outputs) */
  float *act_scales;    /* n_tensors, 0 where not Q (the file's copy) */
  GArray *layers;       /* EcgQuantLayerData views of the int8 steps, in order */
  EcgQuantPath path;
  gsize workspace_floats; /* float convolutions: im2row + sums */
  gsize argmax_ints;      /* float max pools */
  int output;             /* canonical id of the logits */
};

struct _EcgQuantRun
{
  int max_batch;
  guint n_tensors;
  guint first_owned;  /* tensors below are the caller's example (input, RR) */
  guint8 **q;         /* per tensor: Q storage (pad rows included) or NULL */
  float **f;          /* F storage (tensor 0 and 1: the caller's example) */
  float **ft;         /* FT storage */
  float **caches;     /* per step */
  guint n_steps;
  float *workspace;
  gint32 *argmax;
  float *logits;      /* max_batch * n_outputs */
};

void
ecg_quant_options_init (EcgQuantOptions *options)
{
  options->calibration = ECG_QUANT_CALIBRATE_MAX;
  options->percentile = 99.99;
  options->max_examples = 2000;
}

static const EcgOp *
model_op (const EcgModel *m, int index)
{
  return &g_array_index (m->ops, EcgOp, index);
}

static EcgTensorShape
model_tensor (const EcgModel *m, int id)
{
  return g_array_index (m->tensors, EcgTensorShape, id);
}

static void
step_clear (Step *s)
{
  g_free (s->weight_f);
  g_free (s->bias_f);
  g_free (s->layer.weight_scale);
  g_free (s->layer.bias);
  g_free (s->layer.weight);
  ecg_quant_packed_weights_free (s->packed);
  g_free (s->multiplier);
}

void
ecg_quant_model_free (EcgQuantModel *qm)
{
  if (qm == NULL)
    return;
  for (guint i = 0; i < qm->steps->len; i++)
    step_clear (&g_array_index (qm->steps, Step, i));
  g_array_unref (qm->steps);
  if (qm->layers != NULL)
    g_array_unref (qm->layers);
  ecg_model_free (qm->source);
  g_free (qm->tensors);
  g_free (qm->canon);
  g_free (qm->act_scales);
  g_free (qm);
}

/* ---- planning ------------------------------------------------------------------------------ */

typedef struct
{
  int bn, relu, add, residual, output, last;
} Group;

/* The op reading tensor `id` when exactly one does and it is not the network output, else -1. */
static int
sole_consumer (const EcgModel *m, const int *consumers, int id)
{
  if (consumers[id] != 1 || id == m->output_tensor)
    return -1;
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = model_op (m, (int) i);
      if (op->input == id || op->input2 == id)
        return (int) i;
    }
  return -1;
}

/* Fusion (header, step 1): for each convolution, what it absorbs and where it runs. */
static void
find_groups (const EcgModel *m, Group *groups, int *absorbed_by)
{
  const guint n_ops = m->ops->len;
  g_autofree int *consumers = g_new0 (int, m->tensors->len);
  for (guint i = 0; i < n_ops; i++)
    {
      const EcgOp *op = model_op (m, (int) i);
      consumers[op->input]++;
      if (op->input2 >= 0)
        consumers[op->input2]++;
    }
  for (guint i = 0; i < n_ops; i++)
    absorbed_by[i] = -1;

  for (guint i = 0; i < n_ops; i++)
    {
      const EcgOp *conv = model_op (m, (int) i);
      Group *g = &groups[i];
      *g = (Group) { -1, -1, -1, -1, conv->output, (int) i };
      if (conv->kind != ECG_OP_CONV1D)
        continue;
      int out = conv->output;
      int j = sole_consumer (m, consumers, out);
      if (j >= 0 && model_op (m, j)->kind == ECG_OP_BATCHNORM)
        {
          g->bn = j;
          out = model_op (m, j)->output;
          g->last = j;
          j = sole_consumer (m, consumers, out);
        }
      if (j >= 0 && model_op (m, j)->kind == ECG_OP_RELU)
        {
          g->relu = j;
          out = model_op (m, j)->output;
          g->last = j;
        }
      else if (j >= 0 && model_op (m, j)->kind == ECG_OP_ADD && absorbed_by[j] < 0
               && model_op (m, j)->input != model_op (m, j)->input2)
        {
          const EcgOp *add = model_op (m, j);
          g->add = j;
          g->residual = add->input == out ? add->input2 : add->input;
          out = add->output;
          g->last = j;
          j = sole_consumer (m, consumers, out);
          if (j >= 0 && model_op (m, j)->kind == ECG_OP_RELU)
            {
              g->relu = j;
              out = model_op (m, j)->output;
              g->last = j;
            }
        }
      g->output = out;
      absorbed_by[i] = (int) i;
      if (g->bn >= 0)
        absorbed_by[g->bn] = (int) i;
      if (g->relu >= 0)
        absorbed_by[g->relu] = (int) i;
      if (g->add >= 0)
        absorbed_by[g->add] = (int) i;
    }
}

static void
push_step (EcgQuantModel *qm, Step *step)
{
  g_array_append_val (qm->steps, *step);
}

/* Makes sure an F copy of tensor `id` exists from here on. */
static void
need_f (EcgQuantModel *qm, int id)
{
  id = qm->canon[id];
  TensorPlan *t = &qm->tensors[id];
  if (t->has_f)
    return;
  Step convert = { .kind = STEP_CONVERT, .op = -1, .input = id, .output = id, .input2 = -1,
                   .from = t->form, .to = FORM_F, .residual = -1 };
  push_step (qm, &convert);
  t->has_f = TRUE;
}

/* Makes sure a residual operand is Q or FT (the epilogue reads time-major rows). */
static void
need_time_major (EcgQuantModel *qm, int id)
{
  id = qm->canon[id];
  TensorPlan *t = &qm->tensors[id];
  if (t->form == FORM_Q || t->has_ft)
    return;
  need_f (qm, id);
  Step convert = { .kind = STEP_CONVERT, .op = -1, .input = id, .output = id, .input2 = -1,
                   .from = FORM_F, .to = FORM_FT, .residual = -1 };
  push_step (qm, &convert);
  t->has_ft = TRUE;
}

static void
set_form (EcgQuantModel *qm, int id, Form form)
{
  TensorPlan *t = &qm->tensors[id];
  t->form = form;
  t->has_f = form == FORM_F;
  t->has_ft = form == FORM_FT;
}

static void
plan_conv (EcgQuantModel *qm, int conv_index, const Group *g, const gboolean *feeds_conv)
{
  const EcgModel *m = qm->source;
  const EcgOp *conv = model_op (m, conv_index);
  int input = qm->canon[conv->input];
  EcgTensorShape in = model_tensor (m, conv->input);
  Step s = { .kind = STEP_CONV, .op = conv_index, .input = input, .output = g->output,
             .input2 = -1, .bn_op = g->bn, .relu_op = g->relu, .add_op = g->add,
             .residual = g->residual >= 0 ? qm->canon[g->residual] : -1 };
  s.shape = (EcgConv1dShape) { .batch = 1, .in_channels = in.rows,
                               .out_channels = conv->out_channels, .in_length = in.cols,
                               .kernel_size = conv->kernel_size, .stride = conv->stride,
                               .padding = conv->padding };
  s.out_length = ecg_conv1d_out_length (&s.shape);
  s.int8 = qm->tensors[input].form == FORM_Q;
  /* An int8 convolution stores a ReLU output as codes, anything else as FT (for a residual or a
   * float op). A float one makes codes only for an int8 convolution after it; otherwise it is
   * the plain float layer (F, through the nn convolution). */
  Form form;
  if (s.int8)
    form = g->relu >= 0 ? FORM_Q : FORM_FT;
  else
    {
      need_f (qm, input);
      form = g->relu >= 0 && feeds_conv[g->output] ? FORM_Q : FORM_F;
    }
  if (s.residual >= 0 && form == FORM_F)
    need_f (qm, s.residual);
  else if (s.residual >= 0)
    need_time_major (qm, s.residual);
  set_form (qm, g->output, form);
  push_step (qm, &s);
}

static gboolean
plan_op (EcgQuantModel *qm, int index, GError **error)
{
  const EcgModel *m = qm->source;
  const EcgOp *op = model_op (m, index);
  int input = qm->canon[op->input];
  Step s = { .kind = STEP_FLOAT, .op = index, .input = input, .output = op->output,
             .input2 = op->input2 >= 0 ? qm->canon[op->input2] : -1, .bn_op = -1,
             .relu_op = -1, .add_op = -1, .residual = -1 };
  Form in_form = qm->tensors[input].form;
  switch (op->kind)
    {
    case ECG_OP_DROPOUT:
      qm->canon[op->output] = input;
      return TRUE;
    case ECG_OP_MAXPOOL:
    case ECG_OP_AVGPOOL:
      if (in_form == FORM_Q)
        {
          s.kind = STEP_POOL_Q;
          set_form (qm, op->output, FORM_Q);
          push_step (qm, &s);
          return TRUE;
        }
      break;
    case ECG_OP_GLOBAL_AVG:
      if (in_form == FORM_Q && !op->time_major)
        {
          s.kind = STEP_GLOBAL_AVG_Q;
          set_form (qm, op->output, FORM_F);
          push_step (qm, &s);
          return TRUE;
        }
      break;
    case ECG_OP_TRANSPOSE:
      if (in_form == FORM_Q)
        {
          s.kind = STEP_TRANSPOSE_Q;
          set_form (qm, op->output, FORM_F);
          push_step (qm, &s);
          return TRUE;
        }
      break;
    case ECG_OP_BATCHNORM:
    case ECG_OP_RELU:
    case ECG_OP_GLOBAL_MAX:
    case ECG_OP_FLATTEN:
    case ECG_OP_LINEAR:
    case ECG_OP_ATTENTION_POOL:
    case ECG_OP_ADD:
    case ECG_OP_CONCAT:
      break;
    default:
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "INT8 quantisation of %s does not support %s (op '%s')", m->arch,
                   ecg_op_kind_name (op->kind), op->name);
      return FALSE;
    }
  /* In float: inputs as F. */
  need_f (qm, input);
  if (s.input2 >= 0)
    need_f (qm, s.input2);
  if (op->kind == ECG_OP_ATTENTION_POOL)
    {
      EcgTensorShape in = model_tensor (m, op->input);
      EcgAttentionPoolShape shape = { 1, in.rows, in.cols, op->hidden };
      s.cache_floats = ecg_attention_pool_cache_floats (&shape);
    }
  set_form (qm, op->output, FORM_F);
  push_step (qm, &s);
  return TRUE;
}

/* Zero rows a Q tensor needs around it for a window (kernel, stride, padding) over `length`
 * steps producing `out_length` outputs. */
static void
need_pad (TensorPlan *t, int kernel, int stride, int padding, int length, int out_length)
{
  int back = (out_length - 1) * stride + kernel - padding - length;
  t->pad_front = MAX (t->pad_front, padding);
  t->pad_back = MAX (t->pad_back, back);
}

static EcgQuantModel *
plan_model (const EcgModel *model, GError **error)
{
  g_autoptr (EcgQuantModel) qm = g_new0 (EcgQuantModel, 1);
  qm->source = ecg_model_copy (model);
  ecg_model_apply_masks (qm->source);
  qm->steps = g_array_new (FALSE, TRUE, sizeof (Step));
  qm->path = ecg_quant_path_best ();
  const EcgModel *m = qm->source;
  qm->n_tensors = m->tensors->len;
  qm->tensors = g_new0 (TensorPlan, qm->n_tensors);
  qm->canon = g_new (int, qm->n_tensors);
  qm->act_scales = g_new0 (float, qm->n_tensors);
  for (guint t = 0; t < qm->n_tensors; t++)
    {
      EcgTensorShape shape = model_tensor (m, (int) t);
      qm->canon[t] = (int) t;
      qm->tensors[t].rows = shape.rows;
      qm->tensors[t].cols = shape.cols;
      qm->tensors[t].cp = (shape.rows + 3) / 4 * 4;
    }
  /* The inputs arrive as F. */
  set_form (qm, 0, FORM_F);
  if (m->rr_features > 0)
    set_form (qm, 1, FORM_F);

  const guint n_ops = m->ops->len;
  g_autofree Group *groups = g_new0 (Group, n_ops);
  g_autofree int *absorbed_by = g_new (int, n_ops);
  find_groups (m, groups, absorbed_by);
  /* feeds_conv[t]: t reaches the input of a convolution through pooling and dropout only. */
  g_autofree gboolean *feeds_conv = g_new0 (gboolean, qm->n_tensors);
  for (int i = (int) n_ops - 1; i >= 0; i--)
    {
      const EcgOp *op = model_op (m, i);
      if (op->kind == ECG_OP_CONV1D)
        feeds_conv[op->input] = TRUE;
      else if ((op->kind == ECG_OP_MAXPOOL || op->kind == ECG_OP_AVGPOOL
                || op->kind == ECG_OP_DROPOUT)
               && feeds_conv[op->output])
        feeds_conv[op->input] = TRUE;
    }
  g_autofree int *group_at = g_new (int, n_ops);
  for (guint i = 0; i < n_ops; i++)
    group_at[i] = -1;
  for (guint i = 0; i < n_ops; i++)
    if (model_op (m, (int) i)->kind == ECG_OP_CONV1D)
      group_at[groups[i].last] = (int) i;

  for (guint i = 0; i < n_ops; i++)
    {
      if (group_at[i] >= 0)
        plan_conv (qm, group_at[i], &groups[group_at[i]], feeds_conv);
      else if (absorbed_by[i] < 0 && !plan_op (qm, (int) i, error))
        return NULL;
    }
  qm->output = qm->canon[m->output_tensor];
  need_f (qm, qm->output);

  /* Pads and scratch sizes. */
  for (guint i = 0; i < qm->steps->len; i++)
    {
      Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind == STEP_CONV && s->int8)
        need_pad (&qm->tensors[s->input], s->shape.kernel_size, s->shape.stride,
                  s->shape.padding, s->shape.in_length, s->out_length);
      else if (s->kind == STEP_CONV && qm->tensors[s->output].form == FORM_F)
        qm->workspace_floats = MAX (qm->workspace_floats,
                                    ecg_conv1d_workspace_floats (&s->shape));
      else if (s->kind == STEP_CONV)
        qm->workspace_floats = MAX (qm->workspace_floats,
                                    (gsize) s->out_length
                                      * ((gsize) s->shape.in_channels * s->shape.kernel_size
                                         + (gsize) s->shape.out_channels));
      else if (s->kind == STEP_POOL_Q)
        {
          const EcgOp *op = model_op (m, s->op);
          TensorPlan *in = &qm->tensors[s->input];
          need_pad (in, op->kernel_size, op->stride, op->padding, in->cols,
                    qm->tensors[s->output].cols);
        }
      else if (s->kind == STEP_FLOAT)
        {
          const EcgOp *op = model_op (m, s->op);
          if (op->kind == ECG_OP_MAXPOOL || op->kind == ECG_OP_GLOBAL_MAX)
            qm->argmax_ints = MAX (qm->argmax_ints,
                                   (gsize) qm->tensors[op->output].rows
                                     * qm->tensors[op->output].cols);
        }
    }
  return g_steal_pointer (&qm);
}

/* ---- weights --------------------------------------------------------------------------------- */

static void
fold_weights (EcgQuantModel *qm)
{
  for (guint i = 0; i < qm->steps->len; i++)
    {
      Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind != STEP_CONV)
        continue;
      gsize m = (gsize) s->shape.out_channels;
      s->weight_f = g_new (float, m * s->shape.in_channels * s->shape.kernel_size);
      s->bias_f = g_new (float, m);
      ecg_quant_fold_batchnorm (qm->source, s->op, s->bn_op, s->weight_f, s->bias_f);
    }
}

/* Scale of a Q tensor produced by pooling: its input's (codes are copied or averaged, never
 * rescaled). Called once conv outputs have theirs. */
static void
propagate_scales (EcgQuantModel *qm)
{
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind == STEP_POOL_Q)
        qm->tensors[s->output].scale = qm->tensors[s->input].scale;
    }
  for (guint t = 0; t < qm->n_tensors; t++)
    qm->act_scales[t] = qm->tensors[t].form == FORM_Q && qm->canon[t] == (int) t
                          ? qm->tensors[t].scale
                          : 0.0f;
}

/* Weights of an int8 step from its folded float ones and its input's scale (header, step 4). */
static void
quantise_weights (Step *s, float input_scale)
{
  int m = s->shape.out_channels;
  int k = s->shape.in_channels * s->shape.kernel_size;
  EcgQuantLayerData *l = &s->layer;
  l->conv_op = s->op;
  l->out_channels = m;
  l->patch = k;
  l->weight_scale = g_new (float, m);
  l->bias = g_new (gint32, m);
  l->weight = g_new (gint8, (gsize) m * k);
  for (int o = 0; o < m; o++)
    {
      const float *w = s->weight_f + (gsize) o * k;
      float max_abs = 0.0f;
      for (int i = 0; i < k; i++)
        max_abs = MAX (max_abs, fabsf (w[i]));
      /* An all-zero (fully pruned) channel keeps codes 0 under any scale. */
      float scale = max_abs > 0.0f ? max_abs / (float) ECG_QUANT_WEIGHT_MAX : 1.0f;
      l->weight_scale[o] = scale;
      for (int i = 0; i < k; i++)
        {
          float q = rintf (w[i] / scale);
          q = CLAMP (q, -(float) ECG_QUANT_WEIGHT_MAX, (float) ECG_QUANT_WEIGHT_MAX);
          l->weight[(gsize) o * k + i] = (gint8) q;
        }
      double b = rint ((double) s->bias_f[o] / ((double) input_scale * (double) scale));
      l->bias[o] = (gint32) CLAMP (b, -BIAS_LIMIT, BIAS_LIMIT);
    }
}

/* Packing, epilogue multipliers and the file's view of the layers (header, inference). */
static void
finish_model (EcgQuantModel *qm)
{
  qm->layers = g_array_new (FALSE, TRUE, sizeof (EcgQuantLayerData));
  for (guint i = 0; i < qm->steps->len; i++)
    {
      Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind != STEP_CONV)
        continue;
      int m = s->shape.out_channels;
      const TensorPlan *out = &qm->tensors[s->output];
      /* Q out: divide by the output scale; FT out: real values. */
      float out_inverse = out->form == FORM_Q ? 1.0f / out->scale : 1.0f;
      s->multiplier = g_new (float, m);
      if (s->int8)
        {
          float in_scale = qm->tensors[s->input].scale;
          for (int o = 0; o < m; o++)
            s->multiplier[o] = (float) ((double) in_scale * s->layer.weight_scale[o]
                                        / (out->form == FORM_Q ? (double) out->scale : 1.0));
          /* Reduction order (j, c) over the input's padded time rows: w[o][j * cp + c]. */
          int cp = qm->tensors[s->input].cp, k = s->shape.kernel_size, c_in = s->shape.in_channels;
          g_autofree gint8 *reordered = g_new0 (gint8, (gsize) m * k * cp);
          for (int o = 0; o < m; o++)
            for (int c = 0; c < c_in; c++)
              for (int j = 0; j < k; j++)
                reordered[((gsize) o * k + j) * cp + c]
                  = s->layer.weight[((gsize) o * c_in + c) * k + j];
          s->packed = ecg_quant_pack_weights (reordered, m, k * cp);
          g_array_append_val (qm->layers, s->layer);
        }
      else
        for (int o = 0; o < m; o++)
          s->multiplier[o] = out_inverse;
      if (s->residual >= 0)
        {
          const TensorPlan *r = &qm->tensors[s->residual];
          s->residual_scale = (r->form == FORM_Q ? r->scale : 1.0f) * out_inverse;
        }
    }
}

/* ---- calibration --------------------------------------------------------------------------- */

typedef struct
{
  int tensor;
  float max;
  guint64 *histogram; /* HISTOGRAM_BINS over [0, max] */
  guint64 count;
} CalibrationStat;

/* Runs the fp32 model over the chosen examples and calls `visit` per batch. */
typedef void (*CalibrationVisit) (EcgModelRun *run, int batch, CalibrationStat *stats,
                                  int n_stats, const EcgModel *m);

static void
visit_max (EcgModelRun *run, int batch, CalibrationStat *stats, int n_stats, const EcgModel *m)
{
  for (int i = 0; i < n_stats; i++)
    {
      EcgTensorShape shape = model_tensor (m, stats[i].tensor);
      const float *x = ecg_model_run_tensor (run, stats[i].tensor);
      gsize n = (gsize) batch * shape.rows * shape.cols;
      float max = stats[i].max;
      for (gsize k = 0; k < n; k++)
        max = MAX (max, fabsf (x[k]));
      stats[i].max = max;
    }
}

static void
visit_histogram (EcgModelRun *run, int batch, CalibrationStat *stats, int n_stats,
                 const EcgModel *m)
{
  for (int i = 0; i < n_stats; i++)
    {
      if (!(stats[i].max > 0.0f))
        continue;
      EcgTensorShape shape = model_tensor (m, stats[i].tensor);
      const float *x = ecg_model_run_tensor (run, stats[i].tensor);
      gsize n = (gsize) batch * shape.rows * shape.cols;
      double per_bin = HISTOGRAM_BINS / (double) stats[i].max;
      for (gsize k = 0; k < n; k++)
        {
          int bin = (int) (fabsf (x[k]) * per_bin);
          stats[i].histogram[MIN (bin, HISTOGRAM_BINS - 1)]++;
        }
      stats[i].count += n;
    }
}

static void
calibration_pass (EcgModel *m, const float *inputs, const float *rr, gsize n, gsize used,
                  CalibrationStat *stats, int n_stats, CalibrationVisit visit)
{
  const gsize size = (gsize) m->input_channels * m->input_length;
  const gsize rr_size = (gsize) m->rr_features;
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, CALIBRATION_BATCH, FALSE);
  g_autofree float *x = g_new (float, CALIBRATION_BATCH * size);
  g_autofree float *r = rr_size > 0 ? g_new (float, CALIBRATION_BATCH * rr_size) : NULL;
  for (gsize first = 0; first < used; first += CALIBRATION_BATCH)
    {
      int batch = (int) MIN ((gsize) CALIBRATION_BATCH, used - first);
      for (int b = 0; b < batch; b++)
        {
          /* Evenly spaced over the whole set. */
          gsize index = (gsize) ((first + b) * (double) n / (double) used);
          memcpy (x + b * size, inputs + index * size, size * sizeof (float));
          if (r != NULL)
            memcpy (r + b * rr_size, rr + index * rr_size, rr_size * sizeof (float));
        }
      ecg_model_forward (m, run, x, r, batch);
      visit (run, batch, stats, n_stats, m);
    }
}

/* Scales of the Q tensors made by convolutions (header, step 3). */
static void
calibrate (EcgQuantModel *qm, const float *inputs, const float *rr, gsize n,
           const EcgQuantOptions *options)
{
  g_autoptr (GArray) stats = g_array_new (FALSE, TRUE, sizeof (CalibrationStat));
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind == STEP_CONV && qm->tensors[s->output].form == FORM_Q)
        {
          CalibrationStat stat = { .tensor = s->output };
          g_array_append_val (stats, stat);
        }
    }
  gsize used = options->max_examples > 0 ? MIN (n, options->max_examples) : n;
  CalibrationStat *st = (CalibrationStat *) stats->data;
  int n_stats = (int) stats->len;
  calibration_pass (qm->source, inputs, rr, n, used, st, n_stats, visit_max);
  if (options->calibration == ECG_QUANT_CALIBRATE_PERCENTILE)
    {
      for (int i = 0; i < n_stats; i++)
        st[i].histogram = g_new0 (guint64, HISTOGRAM_BINS);
      calibration_pass (qm->source, inputs, rr, n, used, st, n_stats, visit_histogram);
      double p = CLAMP (options->percentile, 0.0, 100.0) / 100.0;
      for (int i = 0; i < n_stats; i++)
        {
          if (st[i].count == 0)
            continue;
          /* The upper edge of the bin where the cumulative count reaches p of all values. */
          guint64 wanted = (guint64) ceil (p * (double) st[i].count), seen = 0;
          int bin = 0;
          for (; bin < HISTOGRAM_BINS - 1; bin++)
            {
              seen += st[i].histogram[bin];
              if (seen >= wanted)
                break;
            }
          st[i].max = st[i].max * (float) (bin + 1) / HISTOGRAM_BINS;
          g_free (st[i].histogram);
        }
    }
  for (int i = 0; i < n_stats; i++)
    {
      /* A tensor that never fired gets any positive scale: all its codes are 0. */
      float range = st[i].max > 0.0f && isfinite (st[i].max) ? st[i].max : 1.0f;
      qm->tensors[st[i].tensor].scale = range / (float) ECG_QUANT_ACT_MAX;
    }
}

EcgQuantModel *
ecg_quant_model_new (const EcgModel *model, const float *inputs, const float *rr, gsize n,
                     const EcgQuantOptions *options, GError **error)
{
  g_return_val_if_fail (model != NULL && inputs != NULL, NULL);
  g_return_val_if_fail (model->rr_features == 0 || rr != NULL, NULL);
  EcgQuantOptions defaults;
  if (options == NULL)
    {
      ecg_quant_options_init (&defaults);
      options = &defaults;
    }
  if (n == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot quantise %s: no calibration examples", model->arch);
      return NULL;
    }
  g_autoptr (EcgQuantModel) qm = plan_model (model, error);
  if (qm == NULL)
    return NULL;
  fold_weights (qm);
  calibrate (qm, inputs, rr, n, options);
  propagate_scales (qm);
  for (guint i = 0; i < qm->steps->len; i++)
    {
      Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind == STEP_CONV && s->int8)
        quantise_weights (s, qm->tensors[s->input].scale);
    }
  finish_model (qm);
  return g_steal_pointer (&qm);
}

EcgQuantModel *
ecg_quant_model_new_from_examples (const EcgModel *model, const EcgExamples *calibration,
                                   const EcgQuantOptions *options, GError **error)
{
  if (calibration->channels != model->input_channels
      || calibration->length != model->input_length || calibration->n_rr != model->rr_features)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "cannot quantise %s: calibration examples are %d x %d with %d RR features, "
                   "the model takes %d x %d with %d",
                   model->arch, calibration->channels, calibration->length, calibration->n_rr,
                   model->input_channels, model->input_length, model->rr_features);
      return NULL;
    }
  return ecg_quant_model_new (model, calibration->inputs, calibration->rr, calibration->n,
                              options, error);
}

EcgQuantModel *
ecg_quant_model_new_from_data (const EcgModel *model, const float *act_scales, gsize n_tensors,
                               const EcgQuantLayerData *layers, int n_layers, const char *label,
                               GError **error)
{
  g_autoptr (EcgQuantModel) qm = plan_model (model, error);
  if (qm == NULL)
    return NULL;
  if (n_tensors != qm->n_tensors)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: INT8 data has %" G_GSIZE_FORMAT " activation scales, %s has %u tensors",
                   label, n_tensors, model->arch, qm->n_tensors);
      return NULL;
    }
  fold_weights (qm);
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind != STEP_CONV || qm->tensors[s->output].form != FORM_Q)
        continue;
      float scale = act_scales[s->output];
      if (!(scale > 0.0f) || !isfinite (scale))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: INT8 activation scale of tensor %d (after '%s') is %g", label,
                       s->output, model_op (qm->source, s->op)->name, (double) scale);
          return NULL;
        }
      qm->tensors[s->output].scale = scale;
    }
  propagate_scales (qm);
  int layer = 0;
  for (guint i = 0; i < qm->steps->len; i++)
    {
      Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind != STEP_CONV || !s->int8)
        continue;
      const char *name = model_op (qm->source, s->op)->name;
      int m = s->shape.out_channels, k = s->shape.in_channels * s->shape.kernel_size;
      if (layer >= n_layers || layers[layer].conv_op != s->op
          || layers[layer].out_channels != m || layers[layer].patch != k)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: INT8 layer %d is not '%s' (%d x %d), the next int8 convolution of %s",
                       label, layer + 1, name, m, k, model->arch);
          return NULL;
        }
      const EcgQuantLayerData *d = &layers[layer++];
      for (int o = 0; o < m; o++)
        if (!(d->weight_scale[o] > 0.0f) || !isfinite (d->weight_scale[o])
            || d->bias[o] < -(gint32) BIAS_LIMIT || d->bias[o] > (gint32) BIAS_LIMIT)
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                         "%s: INT8 layer '%s' channel %d has weight scale %g and bias %d",
                         label, name, o, (double) d->weight_scale[o], d->bias[o]);
            return NULL;
          }
      for (gsize i_w = 0; i_w < (gsize) m * k; i_w++)
        if (d->weight[i_w] < -ECG_QUANT_WEIGHT_MAX)
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                         "%s: INT8 layer '%s' holds weight code -128 (codes are -127..127)",
                         label, name);
            return NULL;
          }
      s->layer = (EcgQuantLayerData) {
        .conv_op = s->op,
        .out_channels = m,
        .patch = k,
        .weight_scale = g_memdup2 (d->weight_scale, sizeof (float) * m),
        .bias = g_memdup2 (d->bias, sizeof (gint32) * m),
        .weight = g_memdup2 (d->weight, (gsize) m * k),
      };
    }
  if (layer != n_layers)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: INT8 data has %d layers, %s runs %d convolutions in int8", label,
                   n_layers, model->arch, layer);
      return NULL;
    }
  finish_model (qm);
  return g_steal_pointer (&qm);
}

/* ---- accessors ------------------------------------------------------------------------------ */

const EcgModel *
ecg_quant_model_source (const EcgQuantModel *qm)
{
  return qm->source;
}

EcgQuantPath
ecg_quant_model_path (const EcgQuantModel *qm)
{
  return qm->path;
}

gboolean
ecg_quant_model_set_path (EcgQuantModel *qm, EcgQuantPath path)
{
  if (!ecg_quant_path_supported (path))
    return FALSE;
  qm->path = path;
  return TRUE;
}

static int
count_convs (const EcgQuantModel *qm, gboolean int8)
{
  int n = 0;
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      n += s->kind == STEP_CONV && s->int8 == int8;
    }
  return n;
}

int
ecg_quant_model_int8_layers (const EcgQuantModel *qm)
{
  return count_convs (qm, TRUE);
}

int
ecg_quant_model_float_layers (const EcgQuantModel *qm)
{
  return count_convs (qm, FALSE);
}

gsize
ecg_quant_model_weight_bytes (const EcgQuantModel *qm)
{
  gsize bytes = 0;
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      gsize m = (gsize) s->shape.out_channels;
      if (s->kind == STEP_CONV)
        bytes += s->int8 ? m * s->layer.patch + m * (sizeof (float) + sizeof (gint32))
                         : (m * s->shape.in_channels * s->shape.kernel_size + m) * sizeof (float);
      else if (s->kind == STEP_FLOAT)
        bytes += model_op (qm->source, s->op)->n_params * sizeof (float);
    }
  return bytes;
}

const float *
ecg_quant_model_act_scales (const EcgQuantModel *qm, gsize *n_tensors)
{
  *n_tensors = qm->n_tensors;
  return qm->act_scales;
}

const EcgQuantLayerData *
ecg_quant_model_layers (const EcgQuantModel *qm, int *n_layers)
{
  *n_layers = (int) qm->layers->len;
  return (const EcgQuantLayerData *) qm->layers->data;
}

char *
ecg_quant_model_describe (const EcgQuantModel *qm)
{
  const EcgModel *m = qm->source;
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      if (s->kind != STEP_CONV)
        continue;
      const TensorPlan *o = &qm->tensors[s->output];
      g_string_append_printf (out, "%-12s %-5s", model_op (m, s->op)->name,
                              s->int8 ? ecg_quant_path_name (qm->path) : "float");
      if (s->bn_op >= 0)
        g_string_append_printf (out, " +%s", model_op (m, s->bn_op)->name);
      if (s->add_op >= 0)
        g_string_append_printf (out, " +%s", model_op (m, s->add_op)->name);
      if (s->relu_op >= 0)
        g_string_append_printf (out, " +%s", model_op (m, s->relu_op)->name);
      if (s->int8)
        g_string_append_printf (out, "  in scale %.4g", (double) qm->tensors[s->input].scale);
      if (o->form == FORM_Q)
        g_string_append_printf (out, "  out int8 scale %.4g", (double) o->scale);
      else
        g_string_append (out, "  out float");
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* ---- inference ------------------------------------------------------------------------------ */

EcgQuantRun *
ecg_quant_run_new (const EcgQuantModel *qm, int max_batch)
{
  g_return_val_if_fail (max_batch >= 1, NULL);
  EcgQuantRun *run = g_new0 (EcgQuantRun, 1);
  const EcgModel *m = qm->source;
  run->max_batch = max_batch;
  run->n_tensors = qm->n_tensors;
  run->q = g_new0 (guint8 *, qm->n_tensors);
  run->f = g_new0 (float *, qm->n_tensors);
  run->ft = g_new0 (float *, qm->n_tensors);
  guint first_owned = run->first_owned = m->rr_features > 0 ? 2 : 1;
  for (guint t = 0; t < qm->n_tensors; t++)
    {
      const TensorPlan *p = &qm->tensors[t];
      if (qm->canon[t] != (int) t)
        continue;
      gsize size = (gsize) p->rows * p->cols;
      if (p->form == FORM_Q)
        run->q[t] = g_malloc0 ((gsize) (p->pad_front + p->cols + p->pad_back) * p->cp);
      if (p->has_f && t >= first_owned)
        run->f[t] = g_new0 (float, size);
      if (p->has_ft)
        run->ft[t] = g_new0 (float, size);
    }
  run->n_steps = qm->steps->len;
  run->caches = g_new0 (float *, run->n_steps);
  for (guint i = 0; i < run->n_steps; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      if (s->cache_floats > 0)
        run->caches[i] = g_new0 (float, s->cache_floats);
    }
  run->workspace = g_new0 (float, MAX (qm->workspace_floats, 1));
  run->argmax = g_new0 (gint32, MAX (qm->argmax_ints, 1));
  run->logits = g_new0 (float, (gsize) max_batch * m->n_outputs);
  return run;
}

void
ecg_quant_run_free (EcgQuantRun *run)
{
  if (run == NULL)
    return;
  for (guint t = 0; t < run->n_tensors; t++)
    {
      g_free (run->q[t]);
      g_free (run->ft[t]);
      if (t >= run->first_owned)
        g_free (run->f[t]);
    }
  for (guint i = 0; i < run->n_steps; i++)
    g_free (run->caches[i]);
  g_free (run->q);
  g_free (run->f);
  g_free (run->ft);
  g_free (run->caches);
  g_free (run->workspace);
  g_free (run->argmax);
  g_free (run->logits);
  g_free (run);
}

/* The first code row of a Q tensor (past its front pad). */
static guint8 *
q_rows (const EcgQuantModel *qm, EcgQuantRun *run, int id)
{
  return run->q[id] + (gsize) qm->tensors[id].pad_front * qm->tensors[id].cp;
}

static void
run_conv (const EcgQuantModel *qm, EcgQuantRun *run, const Step *s)
{
  const TensorPlan *out = &qm->tensors[s->output];
  const int m = s->shape.out_channels;
  if (out->form == FORM_F)
    {
      /* The float layer as the fp32 model runs it, with the folded weights. */
      float *y = run->f[s->output];
      gsize n = (gsize) m * s->out_length;
      ecg_conv1d_forward (y, run->f[s->input], s->weight_f, s->bias_f, &s->shape,
                          run->workspace);
      if (s->residual >= 0)
        ecg_residual_forward (y, y, run->f[s->residual], n);
      if (s->relu_op >= 0)
        ecg_relu_forward (y, y, n);
      return;
    }
  EcgQuantEpilogue ep = {
    .bias = s->layer.bias,
    .scale = s->multiplier,
    .relu = s->relu_op >= 0,
    .residual_scale = s->residual_scale,
  };
  if (out->form == FORM_Q)
    {
      ep.out_kind = ECG_QUANT_OUT_U8;
      ep.out = q_rows (qm, run, s->output);
      ep.out_stride = (gsize) out->cp;
    }
  else
    {
      ep.out_kind = ECG_QUANT_OUT_F32;
      ep.out = run->ft[s->output];
      ep.out_stride = (gsize) m;
    }
  if (s->residual >= 0)
    {
      const TensorPlan *r = &qm->tensors[s->residual];
      if (r->form == FORM_Q)
        {
          ep.residual_kind = ECG_QUANT_RESIDUAL_U8;
          ep.residual = q_rows (qm, run, s->residual);
          ep.residual_stride = (gsize) r->cp;
        }
      else
        {
          ep.residual_kind = ECG_QUANT_RESIDUAL_F32;
          ep.residual = run->ft[s->residual];
          ep.residual_stride = (gsize) m;
        }
    }

  if (s->int8)
    {
      /* Output t reads rows t*stride - padding .. + kernel - 1: one contiguous patch. */
      const TensorPlan *in = &qm->tensors[s->input];
      const guint8 *a = run->q[s->input]
                        + (gsize) (in->pad_front - s->shape.padding) * in->cp;
      ecg_quant_gemm (qm->path, a, (gsize) s->shape.stride * in->cp, s->out_length, s->packed,
                      &ep);
      return;
    }

  /* Float: im2row A[t][c*k + j] = in[c][t*stride + j - padding], then sums[t][o] = A W^T. */
  const int c_in = s->shape.in_channels, k = s->shape.kernel_size, length = s->shape.in_length;
  const int patch = c_in * k, n = s->out_length;
  const float *x = run->f[s->input];
  float *rows = run->workspace;
  float *sums = rows + (gsize) n * patch;
  for (int t = 0; t < n; t++)
    for (int c = 0; c < c_in; c++)
      for (int j = 0; j < k; j++)
        {
          int i = t * s->shape.stride + j - s->shape.padding;
          rows[(gsize) t * patch + c * k + j] = i >= 0 && i < length ? x[(gsize) c * length + i]
                                                                     : 0.0f;
        }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, m, patch, 1.0f, rows, patch,
               s->weight_f, patch, 0.0f, sums, m);
  ecg_quant_epilogue_float (qm->path, sums, (gsize) m, n, m, s->bias_f, &ep);
}

/* Max or average (count_include_pad, rounded half up) over code windows; the zero pad rows
 * stand for PyTorch's -inf padding of max pooling because codes are never negative. */
static void
run_pool_q (const EcgQuantModel *qm, EcgQuantRun *run, const Step *s)
{
  const EcgOp *op = model_op (qm->source, s->op);
  const TensorPlan *in = &qm->tensors[s->input], *out = &qm->tensors[s->output];
  const int cp = in->cp, k = op->kernel_size;
  const guint8 *x = run->q[s->input] + (gsize) (in->pad_front - op->padding) * cp;
  guint8 *y = q_rows (qm, run, s->output);
  for (int t = 0; t < out->cols; t++)
    {
      const guint8 *window = x + (gsize) t * op->stride * cp;
      guint8 *row = y + (gsize) t * cp;
      if (op->kind == ECG_OP_MAXPOOL)
        {
          memcpy (row, window, (gsize) cp);
          for (int j = 1; j < k; j++)
            for (int c = 0; c < cp; c++)
              row[c] = MAX (row[c], window[(gsize) j * cp + c]);
        }
      else
        for (int c = 0; c < cp; c++)
          {
            int sum = 0;
            for (int j = 0; j < k; j++)
              sum += window[(gsize) j * cp + c];
            row[c] = (guint8) ((2 * sum + k) / (2 * k));
          }
    }
}

static void
run_convert (const EcgQuantModel *qm, EcgQuantRun *run, const Step *s)
{
  const TensorPlan *p = &qm->tensors[s->input];
  const int channels = p->rows, length = p->cols;
  float *f = run->f[s->input];
  if (s->from == FORM_Q)
    {
      const guint8 *q = q_rows (qm, run, s->input);
      for (int t = 0; t < length; t++)
        for (int c = 0; c < channels; c++)
          f[(gsize) c * length + t] = (float) q[(gsize) t * p->cp + c] * p->scale;
    }
  else if (s->from == FORM_FT)
    {
      EcgTransposeShape shape = { 1, length, channels };
      ecg_transpose_forward (f, run->ft[s->input], &shape);
    }
  else
    {
      EcgTransposeShape shape = { 1, channels, length };
      ecg_transpose_forward (run->ft[s->input], f, &shape);
    }
}

static void
run_float (const EcgQuantModel *qm, EcgQuantRun *run, const Step *s, int step_index)
{
  const EcgModel *m = qm->source;
  const EcgOp *op = model_op (m, s->op);
  const float *in = run->f[s->input];
  float *out = run->f[s->output];
  const float *p = m->params + op->param_offset;
  const TensorPlan *ip = &qm->tensors[s->input];
  gsize n_in = (gsize) ip->rows * ip->cols;
  switch (op->kind)
    {
    case ECG_OP_BATCHNORM:
      {
        EcgBatchnormShape shape = { 1, ip->rows, ip->cols };
        const float *state = m->state + op->state_offset;
        ecg_batchnorm_forward_eval (out, in, p, p + ip->rows, state, state + ip->rows, &shape);
        break;
      }
    case ECG_OP_RELU:
      ecg_relu_forward (out, in, n_in);
      break;
    case ECG_OP_MAXPOOL:
    case ECG_OP_AVGPOOL:
      {
        EcgPool1dShape shape = { 1, ip->rows, ip->cols, op->kernel_size, op->stride,
                                 op->padding };
        if (op->kind == ECG_OP_MAXPOOL)
          ecg_maxpool1d_forward (out, run->argmax, in, &shape);
        else
          ecg_avgpool1d_forward (out, in, &shape);
        break;
      }
    case ECG_OP_GLOBAL_AVG:
    case ECG_OP_GLOBAL_MAX:
      {
        EcgGlobalPoolShape shape = {
          .batch = 1,
          .channels = op->time_major ? ip->cols : ip->rows,
          .length = op->time_major ? ip->rows : ip->cols,
          .layout = op->time_major ? ECG_POOL_TIME_CHANNELS : ECG_POOL_CHANNELS_TIME,
        };
        if (op->kind == ECG_OP_GLOBAL_AVG)
          ecg_global_avg_pool_forward (out, in, &shape);
        else
          ecg_global_max_pool_forward (out, run->argmax, in, &shape);
        break;
      }
    case ECG_OP_TRANSPOSE:
      {
        EcgTransposeShape shape = { 1, ip->rows, ip->cols };
        ecg_transpose_forward (out, in, &shape);
        break;
      }
    case ECG_OP_FLATTEN:
      memcpy (out, in, n_in * sizeof (float));
      break;
    case ECG_OP_LINEAR:
      {
        EcgLinearShape shape = { ip->rows, ip->cols, op->out_channels };
        gsize n_weight = (gsize) op->out_channels * ip->cols;
        ecg_linear_forward (out, in, p, op->has_bias ? p + n_weight : NULL, &shape);
        break;
      }
    case ECG_OP_ATTENTION_POOL:
      {
        EcgAttentionPoolShape shape = { 1, ip->rows, ip->cols, op->hidden };
        ecg_attention_pool_forward (out, run->caches[step_index], in, p, &shape);
        break;
      }
    case ECG_OP_ADD:
      ecg_residual_forward (out, in, run->f[s->input2], n_in);
      break;
    case ECG_OP_CONCAT:
      {
        int n2 = qm->tensors[s->input2].cols;
        memcpy (out, in, (gsize) ip->cols * sizeof (float));
        memcpy (out + ip->cols, run->f[s->input2], (gsize) n2 * sizeof (float));
        break;
      }
    default:
      g_assert_not_reached ();
    }
}

static void
run_example (const EcgQuantModel *qm, EcgQuantRun *run)
{
  for (guint i = 0; i < qm->steps->len; i++)
    {
      const Step *s = &g_array_index (qm->steps, Step, i);
      switch (s->kind)
        {
        case STEP_CONV:
          run_conv (qm, run, s);
          break;
        case STEP_POOL_Q:
          run_pool_q (qm, run, s);
          break;
        case STEP_GLOBAL_AVG_Q:
          {
            /* out[c] = scale * (sum_t code[t][c]) / T */
            const TensorPlan *p = &qm->tensors[s->input];
            const guint8 *q = q_rows (qm, run, s->input);
            float *out = run->f[s->output];
            g_autofree gint32 *sums = NULL;
            gint32 local[256];
            gint32 *acc = p->cp <= 256 ? local : (sums = g_new (gint32, p->cp));
            memset (acc, 0, sizeof (gint32) * p->cp);
            for (int t = 0; t < p->cols; t++)
              for (int c = 0; c < p->cp; c++)
                acc[c] += q[(gsize) t * p->cp + c];
            float factor = p->scale / (float) p->cols;
            for (int c = 0; c < p->rows; c++)
              out[c] = (float) acc[c] * factor;
            break;
          }
        case STEP_TRANSPOSE_Q:
          {
            /* F [T][C] = scale * codes, already time-major. */
            const TensorPlan *p = &qm->tensors[s->input];
            const guint8 *q = q_rows (qm, run, s->input);
            float *out = run->f[s->output];
            for (int t = 0; t < p->cols; t++)
              for (int c = 0; c < p->rows; c++)
                out[(gsize) t * p->rows + c] = (float) q[(gsize) t * p->cp + c] * p->scale;
            break;
          }
        case STEP_CONVERT:
          run_convert (qm, run, s);
          break;
        case STEP_FLOAT:
          run_float (qm, run, s, (int) i);
          break;
        }
    }
}

const float *
ecg_quant_model_forward (const EcgQuantModel *qm, EcgQuantRun *run, const float *input,
                         const float *rr, int batch)
{
  const EcgModel *m = qm->source;
  g_return_val_if_fail (batch >= 1 && batch <= run->max_batch, NULL);
  g_return_val_if_fail (m->rr_features == 0 || rr != NULL, NULL);
  const gsize size = (gsize) m->input_channels * m->input_length;
  for (int b = 0; b < batch; b++)
    {
      run->f[0] = (float *) input + (gsize) b * size;
      if (m->rr_features > 0)
        run->f[1] = (float *) rr + (gsize) b * m->rr_features;
      run_example (qm, run);
      memcpy (run->logits + (gsize) b * m->n_outputs, run->f[qm->output],
              sizeof (float) * m->n_outputs);
    }
  return run->logits;
}

typedef struct
{
  const EcgQuantModel *qm;
  const EcgExamples *examples;
  float *probabilities;
  gsize per_task;
  GCancellable *cancellable;
  gboolean cancelled;
} PredictContext;

#define PREDICT_BATCH 64

static void
predict_task (int task, gpointer data)
{
  PredictContext *c = data;
  const EcgExamples *e = c->examples;
  const EcgModel *m = c->qm->source;
  gsize first = (gsize) task * c->per_task;
  gsize last = MIN (e->n, first + c->per_task);
  if (first >= last)
    return;
  const int k = m->n_outputs;
  const gsize size = (gsize) e->channels * (gsize) e->length;
  g_autoptr (EcgQuantRun) run = ecg_quant_run_new (c->qm, PREDICT_BATCH);
  for (gsize i = first; i < last; i += PREDICT_BATCH)
    {
      if (g_cancellable_is_cancelled (c->cancellable))
        {
          c->cancelled = TRUE;
          return;
        }
      int count = (int) MIN ((gsize) PREDICT_BATCH, last - i);
      const float *logits = ecg_quant_model_forward (
        c->qm, run, e->inputs + i * size, e->rr != NULL ? e->rr + i * (gsize) e->n_rr : NULL,
        count);
      float *out = c->probabilities + i * (gsize) k;
      if (m->multi_label)
        ecg_sigmoid_forward (out, logits, (gsize) count * k);
      else
        ecg_softmax_forward (out, logits, count, k);
    }
}

float *
ecg_quant_model_predict (const EcgQuantModel *qm, const EcgExamples *examples, int threads,
                         GCancellable *cancellable, GError **error)
{
  const EcgModel *m = qm->source;
  if (examples->channels != m->input_channels || examples->length != m->input_length
      || examples->n_rr != m->rr_features)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "examples are %d x %d with %d RR features, the INT8 %s takes %d x %d with %d",
                   examples->channels, examples->length, examples->n_rr, m->arch,
                   m->input_channels, m->input_length, m->rr_features);
      return NULL;
    }
  threads = MAX (1, threads);
  g_autofree float *probabilities = g_new0 (float, MAX (examples->n, 1) * m->n_outputs);
  PredictContext ctx = {
    .qm = qm,
    .examples = examples,
    .probabilities = probabilities,
    .per_task = (examples->n + (gsize) threads - 1) / (gsize) threads,
    .cancellable = cancellable,
  };
  g_autoptr (EcgParallel) parallel = ecg_parallel_new (threads);
  ecg_parallel_run (parallel, threads, predict_task, &ctx);
  if (ctx.cancelled)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_CANCELLED, "INT8 prediction cancelled");
      return NULL;
    }
  return g_steal_pointer (&probabilities);
}
