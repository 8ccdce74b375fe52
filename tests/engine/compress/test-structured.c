/* Tests of structured (channel) pruning (DESIGN.md §6): the width-configurable zoo, which channels
 * are removed, parameter counts by hand, exact equivalence with the original whose removed
 * channels are dropped, 0 % = the same model, and the model file of a pruned model. */
#include <math.h>
#include <string.h>

#include "compress/ecg-structured.h"
#include "ecg-error.h"
#include "nn/ecg-attention-pool.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"

static const int cnn_widths[] = { 32, 64, 128, 128 };
/* stem; s1b1 c1 c2; s1b2 c1 c2; s2b1 c1 c2 sc; s2b2 c1 c2; s3b1 c1 c2 sc; s3b2 c1 c2; attnpool
 * hidden; head.fc1 */
static const int resnet_widths[] = { 32, 32, 32, 32, 32, 64, 64, 64, 64, 64,
                                     128, 128, 128, 128, 128, 64, 128 };

static const EcgOp *
find_op (const EcgModel *m, const char *name)
{
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      if (g_str_equal (op->name, name))
        return op;
    }
  g_error ("no op %s", name);
  return NULL;
}

static float *
forward_copy (EcgModel *m, const float *x, const float *rr, int batch)
{
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, batch, FALSE);
  const float *y = ecg_model_forward (m, run, x, rr, batch);
  return g_memdup2 (y, (gsize) batch * m->n_outputs * sizeof (float));
}

static float *
random_floats (gsize n, float lo, float hi, GRand *rand)
{
  float *v = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, lo, hi);
  return v;
}

/* BatchNorm as after training: gamma, beta, running mean and variance all away from 1, 0, 0, 1,
 * so that a removed channel's BN output is not zero. */
static void
randomise_batchnorm (EcgModel *m, GRand *rand)
{
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      if (op->kind != ECG_OP_BATCHNORM)
        continue;
      int c = g_array_index (m->tensors, EcgTensorShape, op->input).rows;
      float *p = m->params + op->param_offset, *s = m->state + op->state_offset;
      for (int k = 0; k < c; k++)
        {
          p[k] = (float) g_rand_double_range (rand, 0.5, 1.5);
          p[c + k] = (float) g_rand_double_range (rand, -0.5, 0.5);
          s[k] = (float) g_rand_double_range (rand, -0.3, 0.3);
          s[c + k] = (float) g_rand_double_range (rand, 0.5, 2.0);
        }
    }
}

static gboolean
is_kept (const EcgStructuredLayer *layer, int index)
{
  for (int k = 0; k < layer->n_kept; k++)
    if (layer->kept[k] == index)
      return TRUE;
  return FALSE;
}

/* Drops the removed channels of `producer` from the input of op `consumer` of `m`: zeroes the
 * consumer's input weights for them — a conv's [out][in][k] input channels, a linear's [out][in]
 * columns (only the first producer->width columns: after them come the RR features), an
 * attention pool's W [hidden][features] columns. */
static void
drop_inputs (EcgModel *m, const char *consumer, const EcgStructuredLayer *producer)
{
  const EcgOp *op = find_op (m, consumer);
  EcgTensorShape in = g_array_index (m->tensors, EcgTensorShape, op->input);
  float *w = m->params + op->param_offset;
  int rows, n_in, k = 1;
  if (op->kind == ECG_OP_CONV1D)
    {
      rows = op->out_channels;
      n_in = in.rows;
      k = op->kernel_size;
    }
  else if (op->kind == ECG_OP_LINEAR)
    {
      rows = op->out_channels;
      n_in = in.cols;
    }
  else
    {
      g_assert_cmpint (op->kind, ==, ECG_OP_ATTENTION_POOL);
      EcgAttentionPoolShape shape = { 1, in.rows, in.cols, op->hidden };
      EcgAttentionPoolOffsets o;
      ecg_attention_pool_offsets (&shape, &o);
      w += o.weight;
      rows = op->hidden;
      n_in = in.cols;
    }
  g_assert_cmpint (n_in, >=, producer->width);
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < producer->width; c++)
      if (!is_kept (producer, c))
        for (int j = 0; j < k; j++)
          w[((gsize) r * n_in + c) * k + j] = 0.0f;
}

/* Drops the removed hidden units of the attention pool: their score weights v_j. */
static void
drop_attention_hidden (EcgModel *m, const EcgStructuredLayer *layer)
{
  const EcgOp *op = find_op (m, "attnpool");
  EcgTensorShape in = g_array_index (m->tensors, EcgTensorShape, op->input);
  EcgAttentionPoolShape shape = { 1, in.rows, in.cols, op->hidden };
  EcgAttentionPoolOffsets o;
  ecg_attention_pool_offsets (&shape, &o);
  for (int j = 0; j < op->hidden; j++)
    if (!is_kept (layer, j))
      m->params[op->param_offset + o.score_weight + j] = 0.0f;
}

static const EcgStructuredLayer *
layer_of (const EcgStructuredPlan *plan, const char *name)
{
  const EcgStructuredLayer *layer = ecg_structured_plan_find (plan, name);
  if (layer == NULL)
    g_error ("the plan has no layer %s", name);
  return layer;
}

/* The original with every removed channel dropped, written out per architecture from its graph
 * (torch_zoo.py), independently of the pruner's own coupling analysis. */
static void
drop_removed_channels (EcgModel *m, const EcgStructuredPlan *plan)
{
  if (g_str_equal (m->arch, "CNN1D_3Class"))
    {
      drop_inputs (m, "b2.conv", layer_of (plan, "b1.conv"));
      drop_inputs (m, "b3.conv", layer_of (plan, "b2.conv"));
      drop_inputs (m, "b4.conv", layer_of (plan, "b3.conv"));
      drop_inputs (m, "fc", layer_of (plan, "b4.conv"));
      return;
    }
  /* ResNet1D_Attn. The three residual streams: stem + stage 1, stage 2, stage 3. */
  const EcgStructuredLayer *stream1 = layer_of (plan, "stem.conv");
  const EcgStructuredLayer *stream2 = layer_of (plan, "s2b1.c2");
  const EcgStructuredLayer *stream3 = layer_of (plan, "s3b1.c2");
  drop_inputs (m, "s1b1.c1", stream1);
  drop_inputs (m, "s1b2.c1", stream1);
  drop_inputs (m, "s2b1.c1", stream1);
  drop_inputs (m, "s2b1.sc", stream1);
  drop_inputs (m, "s2b2.c1", stream2);
  drop_inputs (m, "s3b1.c1", stream2);
  drop_inputs (m, "s3b1.sc", stream2);
  drop_inputs (m, "s3b2.c1", stream3);
  drop_inputs (m, "attnpool", stream3);
  drop_inputs (m, "head.fc1", stream3);
  static const char *const blocks[] = { "s1b1", "s1b2", "s2b1", "s2b2", "s3b1", "s3b2" };
  for (gsize b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autofree char *c1 = g_strdup_printf ("%s.c1", blocks[b]);
      g_autofree char *c2 = g_strdup_printf ("%s.c2", blocks[b]);
      drop_inputs (m, c2, layer_of (plan, c1));
    }
  drop_attention_hidden (m, layer_of (plan, "attnpool"));
  drop_inputs (m, "head.fc2", layer_of (plan, "head.fc1"));
}

/* ---- the width-configurable zoo ---- */

static void
assert_same_model (const EcgModel *a, const EcgModel *b)
{
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpuint (a->n_state, ==, b->n_state);
  g_assert_cmpuint (a->ops->len, ==, b->ops->len);
  g_assert_cmpuint (a->tensors->len, ==, b->tensors->len);
  g_assert_cmpmem (a->tensors->data, a->tensors->len * sizeof (EcgTensorShape), b->tensors->data,
                   b->tensors->len * sizeof (EcgTensorShape));
  g_assert_cmpmem (a->params, a->n_params * sizeof (float), b->params,
                   b->n_params * sizeof (float));
  g_assert_cmpmem (a->masks, a->n_params * sizeof (float), b->masks, b->n_params * sizeof (float));
  g_assert_cmpmem (a->state, a->n_state * sizeof (float), b->state, b->n_state * sizeof (float));
}

static void
test_widths_standard (void)
{
  struct
  {
    const char *arch;
    const int *widths;
    int n;
  } cases[] = {
    { "CNN1D_3Class", cnn_widths, G_N_ELEMENTS (cnn_widths) },
    { "ResNet1D_Attn", resnet_widths, G_N_ELEMENTS (resnet_widths) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int rr = 0; rr < 2; rr++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (EcgModel) standard = ecg_zoo_build (cases[i].arch, rr, 7, &error);
        g_assert_no_error (error);
        int n = 0;
        g_autofree int *widths = ecg_zoo_model_widths (standard, &n);
        g_assert_cmpmem (widths, n * sizeof (int), cases[i].widths, cases[i].n * sizeof (int));
        g_autoptr (EcgModel) built = ecg_zoo_build_with_widths (cases[i].arch, rr,
                                                                cases[i].widths, cases[i].n, 7,
                                                                &error);
        g_assert_no_error (error);
        assert_same_model (standard, built);

        /* The same forward, bit for bit. */
        g_autoptr (GRand) rand = g_rand_new_with_seed (3);
        g_autofree float *x = random_floats (2 * 256, -1, 1, rand);
        g_autofree float *r = random_floats (2 * 6, -1, 1, rand);
        g_autofree float *ya = forward_copy (standard, x, rr ? r : NULL, 2);
        g_autofree float *yb = forward_copy (built, x, rr ? r : NULL, 2);
        g_assert_cmpmem (ya, 6 * sizeof (float), yb, 6 * sizeof (float));
      }
  /* model-zoo-layers.txt totals, unchanged. */
  g_autoptr (EcgModel) cnn = ecg_zoo_build_with_widths ("CNN1D_3Class", FALSE, NULL, 0, 1, NULL);
  g_assert_cmpuint (cnn->n_params, ==, 188035);
  g_autoptr (EcgModel) resnet = ecg_zoo_build_with_widths ("ResNet1D_Attn", TRUE, NULL, 0, 1,
                                                           NULL);
  g_assert_cmpuint (resnet->n_params, ==, 418660);
}

static void
test_widths_errors (void)
{
  g_autoptr (GError) error = NULL;
  static const int three[] = { 8, 8, 8 };
  g_assert_null (ecg_zoo_build_with_widths ("CNN1D_3Class", FALSE, three, 3, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  static const int zero[] = { 8, 0, 8, 8 };
  g_assert_null (ecg_zoo_build_with_widths ("CNN1D_3Class", FALSE, zero, 4, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  /* s1b1 has an identity shortcut: its c2 must keep the stem's 16 channels. */
  int unequal[G_N_ELEMENTS (resnet_widths)];
  memcpy (unequal, resnet_widths, sizeof unequal);
  unequal[0] = 16;
  g_assert_null (ecg_zoo_build_with_widths ("ResNet1D_Attn", FALSE, unequal, 17, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "s1b1.c2"));
  g_clear_error (&error);
  /* s2b1's projection shortcut and c2 write one stream. */
  memcpy (unequal, resnet_widths, sizeof unequal);
  unequal[7] = 48;
  g_assert_null (ecg_zoo_build_with_widths ("ResNet1D_Attn", FALSE, unequal, 17, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ecg_zoo_build_with_widths ("ConvTransformer", FALSE, three, 3, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "ConvTransformer"));
}

/* ---- planning ---- */

static void
test_hand_count (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 1, &error);
  g_autoptr (EcgModel) p = ecg_structured_prune (m, 0.5, &error);
  g_assert_no_error (error);
  int n = 0;
  g_autofree int *widths = ecg_zoo_model_widths (p, &n);
  static const int halved[] = { 16, 32, 64, 64 };
  g_assert_cmpmem (widths, n * sizeof (int), halved, sizeof halved);
  /* conv weight + bias, BN gamma + beta:
   *   b1 16·1·7 + 16 + 32 = 160, b2 32·16·7 + 32 + 64 = 3680, b3 64·32·7 + 64 + 128 = 14528,
   *   b4 64·64·7 + 64 + 128 = 28864, fc 3·64 + 3 = 195: 47,427 parameters, of which prunable
   *   112 + 3584 + 14336 + 28672 + 192 = 46,896 (of 186,976: 188,035 − 355 biases − 704 BN). */
  g_assert_cmpuint (p->n_params, ==, 47427);
  g_assert_cmpuint (ecg_model_count_prunable (p), ==, 46896);
  g_assert_cmpuint (ecg_model_count_prunable (m), ==, 186976);
  g_assert_cmpuint (p->n_state, ==, 2 * (16 + 32 + 64 + 64));
  /* MACs: 16·7·256 + 32·16·7·128 + 64·32·7·64 + 64·64·7·32 + 64·3. */
  g_assert_cmpint (ecg_model_macs (p, FALSE, NULL), ==,
                   28672 + 458752 + 917504 + 917504 + 192);
  g_assert_cmpfloat_with_epsilon (ecg_structured_weight_sparsity (m, p), 1.0 - 46896.0 / 186976.0,
                                  1e-12);
  /* With RR features the head reads 64 + 6 inputs: 18 more weights. */
  g_autoptr (EcgModel) mr = ecg_zoo_build ("CNN1D_3Class", TRUE, 1, &error);
  g_autoptr (EcgModel) pr = ecg_structured_prune (mr, 0.5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pr->n_params, ==, 47427 + 18);
  /* 30 %: round(0.3·w) removed: 32 -> 22, 64 -> 45, 128 -> 90. */
  g_autoptr (EcgModel) p30 = ecg_structured_prune (m, 0.3, &error);
  g_assert_no_error (error);
  g_autofree int *w30 = ecg_zoo_model_widths (p30, &n);
  static const int expected30[] = { 22, 45, 90, 90 };
  g_assert_cmpmem (w30, n * sizeof (int), expected30, sizeof expected30);
  /* Pruning a pruned model again narrows it further. */
  g_autoptr (EcgModel) again = ecg_structured_prune (p, 0.5, &error);
  g_assert_no_error (error);
  g_autofree int *w2 = ecg_zoo_model_widths (again, &n);
  static const int quartered[] = { 8, 16, 32, 32 };
  g_assert_cmpmem (w2, n * sizeof (int), quartered, sizeof quartered);
  /* At 95 % every layer still keeps round(0.05 w) channels, and at least one. */
  g_autoptr (EcgModel) p95 = ecg_structured_prune (again, 0.95, &error);
  g_assert_no_error (error);
  g_autofree int *w95 = ecg_zoo_model_widths (p95, &n);
  static const int ones[] = { 1, 1, 2, 2 };
  g_assert_cmpmem (w95, n * sizeof (int), ones, sizeof ones);
}

/* Sets every weight of output channel k of conv `name` to value(k). */
static void
set_filters (EcgModel *m, const char *name, float (*value) (int))
{
  const EcgOp *op = find_op (m, name);
  EcgTensorShape in = g_array_index (m->tensors, EcgTensorShape, op->input);
  gsize row = (gsize) in.rows * op->kernel_size;
  for (int k = 0; k < op->out_channels; k++)
    for (gsize j = 0; j < row; j++)
      m->params[op->param_offset + k * row + j] = value (k);
}

static float
rising (int k)
{
  return 0.001f * (float) (k + 1);
}

static float
falling (int k)
{
  return 0.001f * (float) (32 - k);
}

static float
constant (int k)
{
  (void) k;
  return 0.01f;
}

static float
odd_strong (int k)
{
  return k % 2 ? 0.05f : -0.01f;
}

static void
test_ranking (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 1, &error);
  set_filters (m, "b2.conv", rising);  /* 64 channels, norm grows with k */
  set_filters (m, "b3.conv", constant); /* all equal: the lower indices go first */
  set_filters (m, "b4.conv", odd_strong);
  /* A masked weight does not count: channel 127 of b4 loses its whole filter. */
  const EcgOp *b4 = find_op (m, "b4.conv");
  gsize row = 128 * 7;
  for (gsize j = 0; j < row; j++)
    m->masks[b4->param_offset + 127 * row + j] = 0.0f;
  g_autoptr (EcgStructuredPlan) plan = ecg_structured_plan_new (m, 0.25, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->n_layers, ==, 4);
  g_assert_cmpint (plan->n_groups, ==, 4);
  const EcgStructuredLayer *b2 = layer_of (plan, "b2.conv");
  g_assert_cmpint (b2->n_kept, ==, 48);
  for (int k = 0; k < 48; k++)
    g_assert_cmpint (b2->kept[k], ==, 16 + k);
  const EcgStructuredLayer *b3 = layer_of (plan, "b3.conv");
  g_assert_cmpint (b3->n_kept, ==, 96);
  for (int k = 0; k < 96; k++)
    g_assert_cmpint (b3->kept[k], ==, 32 + k);
  /* b4 removes 32: the masked 127 first, then the 31 lowest even channels 0, 2, ..., 60. */
  const EcgStructuredLayer *l4 = layer_of (plan, "b4.conv");
  g_assert_cmpint (l4->n_kept, ==, 96);
  g_assert_false (is_kept (l4, 127));
  for (int k = 0; k < 127; k++)
    g_assert_cmpint (is_kept (l4, k), ==, k % 2 == 1 || k >= 62);

  /* ResNet1D_Attn: the layers writing one residual stream share one kept set, ranked by the sum
   * of their normalised norms: in stream 1 the stem favours high channels, s1b1.c2 and s1b2.c2
   * low ones — two against one. */
  g_autoptr (EcgModel) r = ecg_zoo_build ("ResNet1D_Attn", FALSE, 1, &error);
  set_filters (r, "stem.conv", rising);
  set_filters (r, "s1b1.c2", falling);
  set_filters (r, "s1b2.c2", falling);
  g_autoptr (EcgStructuredPlan) rp = ecg_structured_plan_new (r, 0.5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp->n_layers, ==, 17);
  /* 3 streams + 6 c1 + attnpool + head.fc1 */
  g_assert_cmpint (rp->n_groups, ==, 11);
  static const char *const streams[][3] = {
    { "stem.conv", "s1b1.c2", "s1b2.c2" },
    { "s2b1.c2", "s2b1.sc", "s2b2.c2" },
    { "s3b1.c2", "s3b1.sc", "s3b2.c2" },
  };
  for (int s = 0; s < 3; s++)
    for (int j = 1; j < 3; j++)
      {
        const EcgStructuredLayer *a = layer_of (rp, streams[s][0]);
        const EcgStructuredLayer *b = layer_of (rp, streams[s][j]);
        g_assert_cmpint (a->group, ==, b->group);
        g_assert_cmpmem (a->kept, a->n_kept * sizeof (int), b->kept, b->n_kept * sizeof (int));
      }
  /* Normalised norms (filters of equal weights): stem (k+1)/32, each c2 (32-k)/32; the sum
   * (65-k)/32 falls with k, so channels 16..31 go although the stem alone would keep them. */
  const EcgStructuredLayer *stem = layer_of (rp, "stem.conv");
  g_assert_cmpint (stem->n_kept, ==, 16);
  for (int k = 0; k < 16; k++)
    g_assert_cmpint (stem->kept[k], ==, k);
  g_assert_cmpint (layer_of (rp, "s1b1.c1")->group, !=, stem->group);
  g_assert_cmpint (layer_of (rp, "attnpool")->n_kept, ==, 32);
  g_assert_cmpint (layer_of (rp, "head.fc1")->n_kept, ==, 64);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) lstm = ecg_zoo_build ("CNN_LSTM_Attn", FALSE, 1, NULL);
  g_assert_null (ecg_structured_prune (lstm, 0.5, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "CNN_LSTM_Attn"));
  g_clear_error (&error);
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 1, NULL);
  g_assert_null (ecg_structured_plan_new (m, 1.0, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ecg_structured_plan_new (m, -0.1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  /* A plan made for another model does not apply. */
  g_autoptr (EcgModel) rr = ecg_zoo_build ("CNN1D_3Class", TRUE, 1, NULL);
  g_autoptr (EcgStructuredPlan) plan = ecg_structured_plan_new (m, 0.5, &error);
  g_assert_no_error (error);
  g_assert_null (ecg_structured_apply (rr, plan, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* ---- equivalence ---- */

typedef struct
{
  const char *arch;
  gboolean rr;
  double fraction;
} EquivalenceCase;

static void
test_equivalence (gconstpointer data)
{
  const EquivalenceCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build (c->arch, c->rr, 11, &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  randomise_batchnorm (m, rand);
  /* An unstructured mask on top (every 7th weight): masks must follow their weights. */
  for (guint t = 0; t < m->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (m->param_tensors, EcgParamTensor, t);
      if (pt->prunable)
        for (gsize j = 0; j < pt->count; j += 7)
          m->masks[pt->offset + j] = 0.0f;
    }
  ecg_model_apply_masks (m);

  g_autoptr (EcgStructuredPlan) plan = ecg_structured_plan_new (m, c->fraction, &error);
  g_assert_no_error (error);
  g_autoptr (EcgModel) small = ecg_structured_apply (m, plan, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (small->n_params, <, m->n_params);

  g_autoptr (EcgModel) reference = ecg_model_copy (m);
  drop_removed_channels (reference, plan);

  const int batch = 3;
  g_autofree float *x = random_floats ((gsize) batch * 256, -1, 1, rand);
  g_autofree float *rr = random_floats ((gsize) batch * 6, -1, 1, rand);
  g_autofree float *y_small = forward_copy (small, x, c->rr ? rr : NULL, batch);
  g_autofree float *y_ref = forward_copy (reference, x, c->rr ? rr : NULL, batch);
  g_autofree float *y_full = forward_copy (m, x, c->rr ? rr : NULL, batch);
  double max_diff = 0.0, changed = 0.0;
  for (int i = 0; i < batch * 3; i++)
    {
      max_diff = MAX (max_diff, fabs ((double) y_small[i] - y_ref[i]));
      changed = MAX (changed, fabs ((double) y_full[i] - y_ref[i]));
    }
  if (max_diff > 1e-5)
    g_error ("%s at %g: pruned logits differ by %g from the dropped-channel original", c->arch,
             c->fraction, max_diff);
  /* Dropping channels does change the function: the comparison can fail. */
  g_assert_cmpfloat (changed, >, 1e-4);

  /* Masks came along with their weights: every masked weight is zero, and the masked fraction
   * of the kept weights is the original's every-7th pattern, roughly 1/7. */
  gsize masked = 0, prunable = ecg_model_count_prunable (small);
  for (guint t = 0; t < small->param_tensors->len; t++)
    {
      const EcgParamTensor *pt = &g_array_index (small->param_tensors, EcgParamTensor, t);
      for (gsize j = 0; j < pt->count; j++)
        {
          float mask = small->masks[pt->offset + j];
          if (mask == 0.0f)
            {
              g_assert_true (pt->prunable);
              g_assert_cmpfloat (small->params[pt->offset + j], ==, 0.0f);
              masked++;
            }
        }
    }
  g_assert_cmpfloat (fabs ((double) masked / (double) prunable - 1.0 / 7.0), <, 0.02);
}

static void
test_zero_fraction (void)
{
  const char *archs[] = { "CNN1D_3Class", "ResNet1D_Attn" };
  for (gsize i = 0; i < G_N_ELEMENTS (archs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgModel) m = ecg_zoo_build (archs[i], TRUE, 2, &error);
      g_autoptr (GRand) rand = g_rand_new_with_seed (9);
      randomise_batchnorm (m, rand);
      g_autoptr (EcgModel) p = ecg_structured_prune (m, 0.0, &error);
      g_assert_no_error (error);
      assert_same_model (m, p);
      /* Below half a channel of the widest layer (128): still nothing removed. */
      g_autoptr (EcgModel) q = ecg_structured_prune (m, 0.003, &error);
      g_assert_no_error (error);
      assert_same_model (m, q);
    }
}

static gboolean
contains (const guint8 *data, gsize length, const char *text)
{
  gsize n = strlen (text);
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_file_round_trip (void)
{
  const char *archs[] = { "CNN1D_3Class", "ResNet1D_Attn" };
  for (gsize i = 0; i < G_N_ELEMENTS (archs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgModel) m = ecg_zoo_build (archs[i], TRUE, 4, &error);
      g_autoptr (GRand) rand = g_rand_new_with_seed (13);
      randomise_batchnorm (m, rand);
      g_autoptr (EcgModel) p = ecg_structured_prune (m, 0.5, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) bytes = ecg_model_file_serialise (p, NULL, NULL, "aami3", 90, NULL,
                                                           &error);
      g_assert_no_error (error);
      gsize length = 0;
      const guint8 *data = g_bytes_get_data (bytes, &length);
      g_autoptr (EcgModelFile) file = ecg_model_file_load_from_data (data, length, "pruned",
                                                                     &error);
      g_assert_no_error (error);
      assert_same_model (p, file->model);
      int n_a = 0, n_b = 0;
      g_autofree int *wa = ecg_zoo_model_widths (p, &n_a);
      g_autofree int *wb = ecg_zoo_model_widths (file->model, &n_b);
      g_assert_cmpmem (wa, n_a * sizeof (int), wb, n_b * sizeof (int));
      /* The file is smaller than the dense model's by about the parameters removed. */
      g_autoptr (GBytes) dense = ecg_model_file_serialise (m, NULL, NULL, "aami3", 90, NULL,
                                                           &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (dense) - length, >=,
                        4 * (m->n_params - p->n_params) - 64);
      /* Widths are written only for a narrowed model. */
      g_assert_true (contains (data, length, "\"widths\""));
      g_assert_false (contains (g_bytes_get_data (dense, NULL), g_bytes_get_size (dense),
                                "\"widths\""));
    }
}

/* The file of `m` with the first `from` after "widths" in HEAD replaced by `to` (same length) and
 * the HEAD checksum (the first 8 bytes of the SHA-256 of its 16-byte header and payload, which
 * starts at byte 16 of the file) recomputed, then loaded: the error. */
static GError *
load_with_edited_widths (const EcgModel *m, const char *from, const char *to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = ecg_model_file_serialise (m, NULL, NULL, "aami3", 90, NULL, &error);
  g_assert_no_error (error);
  gsize length = g_bytes_get_size (bytes);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), length);
  g_assert_cmpmem (data + 16, 4, "HEAD", 4);
  guint64 payload = 0;
  for (int b = 7; b >= 0; b--)
    payload = payload << 8 | data[24 + b];
  char *head = (char *) data + 32;
  g_autofree char *text = g_strndup (head, payload);
  char *widths = strstr (text, "\"widths\"");
  g_assert_nonnull (widths);
  char *at = strstr (widths, from);
  g_assert_nonnull (at);
  g_assert_cmpuint (strlen (from), ==, strlen (to));
  memcpy (head + (at - text), to, strlen (to));
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, data + 16, 16 + payload);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_checksum_get_digest (sum, digest, &digest_length);
  memcpy (data + 32 + payload, digest, 8);
  g_autoptr (EcgModelFile) file = ecg_model_file_load_from_data (data, length, "edited", &error);
  g_assert_null (file);
  return g_steal_pointer (&error);
}

static void
test_file_bad_widths (void)
{
  g_autoptr (EcgModel) m = ecg_zoo_build ("CNN1D_3Class", FALSE, 4, NULL);
  g_autoptr (EcgModel) p = ecg_structured_prune (m, 0.5, NULL);
  /* Wider than the standard 32 channels. */
  g_autoptr (GError) wide = load_with_edited_widths (p, "16", "33");
  g_assert_error (wide, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (wide->message, "widths"));
  /* Other widths than the parameters were written for: HEAD's n_params no longer matches. */
  g_autoptr (GError) other = load_with_edited_widths (p, "16", "15");
  g_assert_error (other, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (other->message, "parameters"));
  /* ResNet1D_Attn: a stem narrower than the identity shortcut of s1b1 carries. */
  g_autoptr (EcgModel) r = ecg_zoo_build ("ResNet1D_Attn", FALSE, 4, NULL);
  g_autoptr (EcgModel) rp = ecg_structured_prune (r, 0.5, NULL);
  g_autoptr (GError) stream = load_with_edited_widths (rp, "16", "15");
  g_assert_error (stream, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (stream->message, "s1b1.c2"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/structured/widths-standard", test_widths_standard);
  g_test_add_func ("/engine/compress/structured/widths-errors", test_widths_errors);
  g_test_add_func ("/engine/compress/structured/hand-count", test_hand_count);
  g_test_add_func ("/engine/compress/structured/ranking", test_ranking);
  g_test_add_func ("/engine/compress/structured/errors", test_errors);
  static const EquivalenceCase cases[] = {
    { "CNN1D_3Class", FALSE, 0.5 },
    { "CNN1D_3Class", TRUE, 0.5 },
    { "CNN1D_3Class", TRUE, 0.3 },
    { "ResNet1D_Attn", FALSE, 0.5 },
    { "ResNet1D_Attn", TRUE, 0.5 },
    { "ResNet1D_Attn", TRUE, 0.3 },
    { "ResNet1D_Attn", FALSE, 0.75 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/compress/structured/equivalence/%s%s-%g",
                                               cases[i].arch, cases[i].rr ? "-rr" : "",
                                               cases[i].fraction);
      g_test_add_data_func (path, &cases[i], test_equivalence);
    }
  g_test_add_func ("/engine/compress/structured/zero-fraction", test_zero_fraction);
  g_test_add_func ("/engine/compress/structured/file-round-trip", test_file_round_trip);
  g_test_add_func ("/engine/compress/structured/file-bad-widths", test_file_bad_widths);
  return g_test_run ();
}
