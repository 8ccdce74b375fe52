/* Tests of the quantised model: whole zoo models against their fp32 selves on random inputs
 * (argmax agreement and logit error), what runs in int8, a hand-known calibration scale, every
 * kernel path giving the same logits, batches, prediction, pruned weights, other layer widths,
 * and the refusal of unsupported ops.
 */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-loss.h"
#include "nn/ecg-zoo.h"
#include "quant/ecg-quant-model.h"
#include "quant/ecg-quant-private.h"
#include "test-util.h"

#define N_CALIBRATION 256
#define N_TEST 512

/* BatchNorm parameters and running statistics away from their initial values, so that folding
 * matters. */
static void
randomise_batchnorms (EcgModel *m, GRand *rand)
{
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      if (op->kind != ECG_OP_BATCHNORM)
        continue;
      int c = (int) op->n_params / 2;
      float *p = m->params + op->param_offset, *s = m->state + op->state_offset;
      for (int k = 0; k < c; k++)
        {
          p[k] = (float) g_rand_double_range (rand, 0.6, 1.4);
          p[c + k] = (float) g_rand_double_range (rand, -0.3, 0.3);
          s[k] = (float) g_rand_double_range (rand, -0.3, 0.3);
          s[c + k] = (float) g_rand_double_range (rand, 0.5, 2.0);
        }
    }
}

static float *
random_inputs (const EcgModel *m, gsize n, GRand *rand, float **rr)
{
  gsize size = (gsize) m->input_channels * m->input_length;
  float *x = g_new (float, n * size);
  for (gsize i = 0; i < n * size; i++)
    x[i] = (float) g_rand_double_range (rand, -2.0, 2.0);
  *rr = NULL;
  if (m->rr_features > 0)
    {
      *rr = g_new (float, n * m->rr_features);
      for (gsize i = 0; i < n * m->rr_features; i++)
        (*rr)[i] = (float) g_rand_double_range (rand, -1.5, 1.5);
    }
  return x;
}

static int
argmax (const float *v, int n)
{
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* Quantises `m` on N_CALIBRATION random inputs and compares with fp32 on N_TEST others:
 * argmax agreement >= 98 % and every logit within 2 % of the largest |logit|. */
static EcgQuantModel *
check_against_fp32 (EcgModel *m, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree float *cal_rr = NULL, *test_rr = NULL;
  g_autofree float *cal = random_inputs (m, N_CALIBRATION, rand, &cal_rr);
  g_autofree float *test = random_inputs (m, N_TEST, rand, &test_rr);
  g_autoptr (GError) error = NULL;
  EcgQuantModel *qm = ecg_quant_model_new (m, cal, cal_rr, N_CALIBRATION, NULL, &error);
  g_assert_no_error (error);

  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, N_TEST, FALSE);
  const float *fp32 = ecg_model_forward (m, run, test, test_rr, N_TEST);
  g_autoptr (EcgQuantRun) qrun = ecg_quant_run_new (qm, N_TEST);
  const float *int8 = ecg_quant_model_forward (qm, qrun, test, test_rr, N_TEST);
  const int k = m->n_outputs;
  int agree = 0;
  double max_logit = 0.0, max_error = 0.0;
  for (int s = 0; s < N_TEST; s++)
    {
      agree += argmax (fp32 + s * k, k) == argmax (int8 + s * k, k);
      for (int c = 0; c < k; c++)
        {
          max_logit = MAX (max_logit, fabs (fp32[s * k + c]));
          max_error = MAX (max_error, fabs (fp32[s * k + c] - int8[s * k + c]));
        }
    }
  g_test_message ("%s: argmax agreement %d/%d, max |logit error| %.3g of max |logit| %.3g",
                  m->arch, agree, N_TEST, max_error, max_logit);
  g_assert_cmpfloat ((double) agree / N_TEST, >=, 0.98);
  g_assert_cmpfloat (max_error, <=, 0.02 * max_logit);
  /* int8 really rounded something: not bit-identical to fp32 */
  g_assert_cmpfloat (max_error, >, 0.0);
  return qm;
}

static EcgModel *
zoo_model (const char *arch, gboolean rr, guint32 seed)
{
  g_autoptr (GError) error = NULL;
  EcgModel *m = ecg_zoo_build (arch, rr, seed, &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed + 1);
  randomise_batchnorms (m, rand);
  return m;
}

static void
test_cnn1d (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CNN1D_3Class", TRUE, 3);
  g_autoptr (EcgQuantModel) qm = check_against_fp32 (m, 10);
  /* b1 sees the signed ECG: float; b2..b4 int8. */
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 3);
  g_assert_cmpint (ecg_quant_model_float_layers (qm), ==, 1);
  /* int8 weights + per-channel float scale and int32 bias, b1 (224 weights + 32 bias) and fc
   * (134 * 3 + 3) in float: (64*32*7 + 128*64*7 + 128*128*7) + 8 * 320 + 4 * (256 + 405). */
  g_assert_cmpuint (ecg_quant_model_weight_bytes (qm), ==,
                    (64 * 32 * 7 + 128 * 64 * 7 + 128 * 128 * 7) + 8 * 320 + 4 * (256 + 405));
}

static void
test_resnet (void)
{
  g_autoptr (EcgModel) m = zoo_model ("ResNet1D_Attn", TRUE, 4);
  g_autoptr (EcgQuantModel) qm = check_against_fp32 (m, 11);
  /* 12 block convolutions + 2 projection shortcuts in int8, the stem in float */
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 14);
  g_assert_cmpint (ecg_quant_model_float_layers (qm), ==, 1);
  g_autofree char *description = ecg_quant_model_describe (qm);
  g_assert_nonnull (strstr (description, "s2b1.c2.bn +s2b1.add +s2b1.relu2"));
}

static void
test_cardiac_original (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CardiacCNN_Original", FALSE, 5);
  g_autoptr (EcgQuantModel) qm = check_against_fp32 (m, 12);
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 3);
}

/* A single convolution on the signed input, followed by float layers only: nothing to gain from
 * codes, so the model stays float and equals fp32 up to float rounding. */
static void
test_distilled_stays_float (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CardiacCNN_Distilled", FALSE, 6);
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  g_autofree float *rr = NULL;
  g_autofree float *x = random_inputs (m, 64, rand, &rr);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, NULL, 64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 0);
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, 64, FALSE);
  const float *fp32 = ecg_model_forward (m, run, x, NULL, 64);
  g_autoptr (EcgQuantRun) qrun = ecg_quant_run_new (qm, 64);
  const float *q = ecg_quant_model_forward (qm, qrun, x, NULL, 64);
  for (int i = 0; i < 64 * m->n_outputs; i++)
    g_assert_cmpfloat_with_epsilon (q[i], fp32[i], 1e-5);
}

/* Every kernel path gives the same logits, bit for bit. */
static void
test_paths_agree (void)
{
  static const char *const archs[] = { "CNN1D_3Class", "ResNet1D_Attn" };
  for (gsize a = 0; a < G_N_ELEMENTS (archs); a++)
    {
      g_autoptr (EcgModel) m = zoo_model (archs[a], TRUE, 7);
      g_autoptr (GRand) rand = g_rand_new_with_seed (14);
      g_autofree float *rr = NULL;
      g_autofree float *x = random_inputs (m, 32, rand, &rr);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, rr, 32, NULL, &error);
      g_assert_no_error (error);
      g_autoptr (EcgQuantRun) run = ecg_quant_run_new (qm, 32);
      g_assert_true (ecg_quant_model_set_path (qm, ECG_QUANT_PATH_SCALAR));
      g_autofree float *reference = g_memdup2 (ecg_quant_model_forward (qm, run, x, rr, 32),
                                               sizeof (float) * 32 * m->n_outputs);
      int checked = 0;
      for (int path = ECG_QUANT_PATH_AVX2; path < ECG_QUANT_N_PATHS; path++)
        {
          if (!ecg_quant_model_set_path (qm, (EcgQuantPath) path))
            {
              g_test_message ("%s: not on this CPU", ecg_quant_path_name ((EcgQuantPath) path));
              continue;
            }
          const float *logits = ecg_quant_model_forward (qm, run, x, rr, 32);
          g_assert_cmpmem (logits, sizeof (float) * 32 * m->n_outputs, reference,
                           sizeof (float) * 32 * m->n_outputs);
          checked++;
        }
      if (checked == 0)
        g_test_skip ("only the scalar path runs on this CPU");
    }
}

/* Hand-known scale: a 1x1 convolution of weight 2 and a ReLU on the signed input gives codes at
 * scale max(2 x) / 127 = 2 max(x) / 127 (x2 is exact in float); the int8 convolution after it
 * reads that scale. The percentile calibration can only make it smaller. */
static void
test_calibration_scale (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("ScaleTest", 1, 16, 0);
  int x = ecg_model_add_conv1d (m, "c1", 0, 0, 1, 1, 1, 0, FALSE);
  int r1 = ecg_model_add_activation (m, ECG_OP_RELU, "c1.relu", 0, x);
  x = ecg_model_add_conv1d (m, "c2", 1, r1, 4, 3, 1, 1, TRUE);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "c2.relu", 1, x);
  x = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "gap", 1, x, FALSE);
  x = ecg_model_add_linear (m, "fc", 2, x, 2, TRUE);
  ecg_model_finish (m, x, 2, FALSE, 9);
  m->params[0] = 2.0f;
  float inputs[3 * 16];
  for (int i = 0; i < 48; i++)
    inputs[i] = (float) ((i * 37) % 23) / 7.0f - 1.5f; /* max at 22/7 - 1.5 */
  float max_x = 22.0f / 7.0f - 1.5f;
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, inputs, NULL, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 1);
  gsize n = 0;
  const float *scales = ecg_quant_model_act_scales (qm, &n);
  g_assert_cmpuint (n, ==, m->tensors->len);
  g_assert_cmpfloat (scales[r1], ==, 2.0f * max_x / 127.0f);

  EcgQuantOptions options;
  ecg_quant_options_init (&options);
  options.calibration = ECG_QUANT_CALIBRATE_PERCENTILE;
  options.percentile = 50.0;
  g_autoptr (EcgQuantModel) qp = ecg_quant_model_new (m, inputs, NULL, 3, &options, &error);
  g_assert_no_error (error);
  const float *p_scales = ecg_quant_model_act_scales (qp, &n);
  g_assert_cmpfloat (p_scales[r1], <, scales[r1]);
  g_assert_cmpfloat (p_scales[r1], >, 0.0f);
}

/* A batch gives what its examples give one at a time; predict is the softmax of the logits,
 * the same with two threads. */
static void
test_batch_and_predict (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CNN1D_3Class", TRUE, 8);
  g_autoptr (GRand) rand = g_rand_new_with_seed (15);
  g_autofree float *rr = NULL;
  g_autofree float *x = random_inputs (m, 70, rand, &rr);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, rr, 70, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (EcgQuantRun) run = ecg_quant_run_new (qm, 70);
  g_autofree float *batch = g_memdup2 (ecg_quant_model_forward (qm, run, x, rr, 70),
                                       sizeof (float) * 70 * 3);
  gsize size = (gsize) m->input_length;
  for (int s = 0; s < 70; s += 13)
    {
      const float *one = ecg_quant_model_forward (qm, run, x + s * size, rr + s * 6, 1);
      g_assert_cmpmem (one, sizeof (float) * 3, batch + s * 3, sizeof (float) * 3);
    }

  gint32 labels[70] = { 0 };
  g_autoptr (EcgExamples) examples = ecg_examples_new_from_arrays (70, 1, m->input_length, x, 3,
                                                                   labels, NULL);
  /* The same inputs as above (the constructor demeans each window). */
  memcpy (examples->inputs, x, sizeof (float) * 70 * size);
  examples->n_rr = 6;
  examples->rr = g_memdup2 (rr, sizeof (float) * 70 * 6);
  g_autofree float *p1 = ecg_quant_model_predict (qm, examples, 1, NULL, &error);
  g_assert_no_error (error);
  g_autofree float *p2 = ecg_quant_model_predict (qm, examples, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (p1, sizeof (float) * 70 * 3, p2, sizeof (float) * 70 * 3);
  ecg_softmax_forward (batch, batch, 70, 3);
  for (int i = 0; i < 70 * 3; i++)
    g_assert_cmpfloat_with_epsilon (p1[i], batch[i], 1e-6);

  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_cancellable_cancel (cancel);
  g_autofree float *none = ecg_quant_model_predict (qm, examples, 1, cancel, &error);
  g_assert_null (none);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
}

/* Pruned weights stay exactly 0 as codes; a fully pruned output channel gets codes 0 (and a
 * finite scale) instead of a division by zero. */
static void
test_pruned (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CNN1D_3Class", FALSE, 9);
  const EcgOp *b3 = NULL;
  for (guint i = 0; i < m->ops->len && b3 == NULL; i++)
    if (g_str_equal (g_array_index (m->ops, EcgOp, i).name, "b3.conv"))
      b3 = &g_array_index (m->ops, EcgOp, i);
  const gsize patch = 64 * 7;
  for (gsize i = 0; i < 128 * patch; i += 5)
    m->masks[b3->param_offset + i] = 0.0f;
  for (gsize i = 0; i < patch; i++) /* channel 7 entirely */
    m->masks[b3->param_offset + 7 * patch + i] = 0.0f;
  g_autoptr (GRand) rand = g_rand_new_with_seed (16);
  g_autofree float *rr = NULL;
  g_autofree float *x = random_inputs (m, 64, rand, &rr);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, NULL, 64, NULL, &error);
  g_assert_no_error (error);
  int n_layers = 0;
  const EcgQuantLayerData *layers = ecg_quant_model_layers (qm, &n_layers);
  g_assert_cmpint (n_layers, ==, 3);
  const EcgQuantLayerData *l = &layers[1];
  g_assert_cmpint (l->patch, ==, (int) patch);
  for (gsize i = 0; i < 128 * patch; i += 5)
    g_assert_cmpint (l->weight[i], ==, 0);
  for (gsize i = 0; i < patch; i++)
    g_assert_cmpint (l->weight[7 * patch + i], ==, 0);
  g_assert_cmpfloat (l->weight_scale[7], ==, 1.0f);
  /* every other channel uses the full code range */
  int max_code = 0;
  for (gsize i = 0; i < patch; i++)
    max_code = MAX (max_code, abs (l->weight[8 * patch + i]));
  g_assert_cmpint (max_code, ==, 127);
}

/* Structurally pruned widths (not multiples of 4 or 16) run and agree with fp32. */
static void
test_narrow_widths (void)
{
  static const int widths[] = { 20, 50, 100, 90 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build_with_widths ("CNN1D_3Class", TRUE, widths, 4, 21,
                                                      &error);
  g_assert_no_error (error);
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);
  randomise_batchnorms (m, rand);
  g_autoptr (EcgQuantModel) qm = check_against_fp32 (m, 23);
  g_assert_cmpint (ecg_quant_model_int8_layers (qm), ==, 3);
}

static void
check_unsupported (const char *arch, const char *op_kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build (arch, FALSE, 1, &error);
  g_assert_no_error (error);
  gsize size = (gsize) m->input_channels * m->input_length;
  g_autofree float *x = g_new0 (float, size);
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, NULL, 1, NULL, &error);
  g_assert_null (qm);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, op_kind));
  g_assert_nonnull (strstr (error->message, arch));
}

static void
test_unsupported (void)
{
  check_unsupported ("BiLSTM_ECG", "LSTM");
  check_unsupported ("ConvTransformer", "PositionalEmbedding");
  check_unsupported ("ResNet1D_SE_Attn", "SqueezeExcitation");
}

static void
test_no_calibration_data (void)
{
  g_autoptr (EcgModel) m = zoo_model ("CNN1D_3Class", FALSE, 2);
  float x[256] = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgQuantModel) qm = ecg_quant_model_new (m, x, NULL, 0, NULL, &error);
  g_assert_null (qm);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/quant/model/cnn1d-vs-fp32", test_cnn1d);
  g_test_add_func ("/engine/quant/model/resnet-vs-fp32", test_resnet);
  g_test_add_func ("/engine/quant/model/cardiac-original-vs-fp32", test_cardiac_original);
  g_test_add_func ("/engine/quant/model/distilled-stays-float", test_distilled_stays_float);
  g_test_add_func ("/engine/quant/model/paths-agree", test_paths_agree);
  g_test_add_func ("/engine/quant/model/calibration-scale", test_calibration_scale);
  g_test_add_func ("/engine/quant/model/batch-and-predict", test_batch_and_predict);
  g_test_add_func ("/engine/quant/model/pruned", test_pruned);
  g_test_add_func ("/engine/quant/model/narrow-widths", test_narrow_widths);
  g_test_add_func ("/engine/quant/model/unsupported", test_unsupported);
  g_test_add_func ("/engine/quant/model/no-calibration-data", test_no_calibration_data);
  return g_test_run ();
}
