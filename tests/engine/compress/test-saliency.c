/* Tests of the class-aware saliency S = sum_c lambda_c |w dL_c/dw| (DESIGN.md §6): against the
 * closed-form gradient of a linear classifier, against finite differences of an eval-mode
 * conv / BatchNorm / dropout network, the blend with the importance, and the pruner following
 * the saliency of a class given all the weight. */
#include <math.h>
#include <string.h>

#include "compress/ecg-importance.h"
#include "compress/ecg-pruner.h"
#include "compress/ecg-saliency.h"
#include "ecg-error.h"
#include "nn/ecg-model.h"

#define N_EXAMPLES 12
#define N_IN 4
#define N_CLASSES 3

/* Labels 0 x6, 1 x4, 2 x2: lambda = (1/6, 1/4, 1/2) / (11/12) = (2/11, 3/11, 6/11). */
static const gint32 labels[N_EXAMPLES] = { 0, 1, 0, 2, 0, 1, 0, 1, 0, 2, 0, 1 };

/* Deterministic values in [-1, 1). */
static float
lcg_uniform (guint32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return (float) ((*state >> 8) / 16777216.0 * 2.0 - 1.0);
}

static void
fill_uniform (float *x, gsize n, guint32 seed)
{
  guint32 state = seed;
  for (gsize i = 0; i < n; i++)
    x[i] = lcg_uniform (&state);
}

/* logits = W x + b: fc.weight [3][4] at 0..11, fc.bias at 12..14. */
static EcgModel *
linear_model (void)
{
  EcgModel *m = ecg_model_new ("Linear", 1, N_IN, 0);
  int x = ecg_model_add_linear (m, "fc", 0, 0, N_CLASSES, TRUE);
  ecg_model_finish (m, x, N_CLASSES, FALSE, 1);
  fill_uniform (m->params, m->n_params, 7);
  return m;
}

/* The closed form, in double: dL_c/dW[o][j] = sum_{i: y_i = c} (p_i[o] - [o = c]) x_i[j],
 * dL_c/db[o] the same without x; S_c = |w dL_c/dw|. */
static void
linear_class_saliency (const EcgModel *m, const float *inputs, int c, double *s_c)
{
  const float *w = m->params;
  const float *b = m->params + N_CLASSES * N_IN;
  double g[N_CLASSES * N_IN + N_CLASSES] = { 0 };
  for (int i = 0; i < N_EXAMPLES; i++)
    {
      if (labels[i] != c)
        continue;
      const float *x = inputs + i * N_IN;
      double z[N_CLASSES], sum = 0.0;
      for (int o = 0; o < N_CLASSES; o++)
        {
          z[o] = b[o];
          for (int j = 0; j < N_IN; j++)
            z[o] += (double) w[o * N_IN + j] * x[j];
          sum += exp (z[o]);
        }
      for (int o = 0; o < N_CLASSES; o++)
        {
          double dz = exp (z[o]) / sum - (o == c);
          for (int j = 0; j < N_IN; j++)
            g[o * N_IN + j] += dz * x[j];
          g[N_CLASSES * N_IN + o] += dz;
        }
    }
  for (gsize j = 0; j < m->n_params; j++)
    s_c[j] = fabs ((double) m->params[j] * g[j]);
}

static void
test_linear_closed_form (void)
{
  g_autoptr (EcgModel) m = linear_model ();
  float inputs[N_EXAMPLES * N_IN];
  fill_uniform (inputs, G_N_ELEMENTS (inputs), 3);
  EcgSaliencyData data = { .n = N_EXAMPLES, .inputs = inputs, .labels = labels };
  EcgSaliencyOptions options;
  ecg_saliency_options_init (&options);
  options.batch_size = 3; /* class 0 spans two batches */
  double saliency[15], lambda[N_CLASSES];
  gsize counts[N_CLASSES];
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_saliency_class_aware (m, &data, &options, saliency, lambda, counts,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[0], ==, 6);
  g_assert_cmpuint (counts[1], ==, 4);
  g_assert_cmpuint (counts[2], ==, 2);
  g_assert_cmpfloat_with_epsilon (lambda[0], 2.0 / 11.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (lambda[1], 3.0 / 11.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (lambda[2], 6.0 / 11.0, 1e-15);

  double expected[15] = { 0 }, s_c[15];
  for (int c = 0; c < N_CLASSES; c++)
    {
      linear_class_saliency (m, inputs, c, s_c);
      for (int j = 0; j < 15; j++)
        expected[j] += lambda[c] * s_c[j];
    }
  for (int j = 0; j < 15; j++)
    g_assert_cmpfloat_with_epsilon (saliency[j], expected[j], 1e-6 * (1.0 + expected[j]));

  /* One class alone: S = S_c. */
  const double only_one[N_CLASSES] = { 0.0, 1.0, 0.0 };
  options.class_weights = only_one;
  g_assert_true (ecg_saliency_class_aware (m, &data, &options, saliency, lambda, NULL, &error));
  linear_class_saliency (m, inputs, 1, s_c);
  for (int j = 0; j < 15; j++)
    g_assert_cmpfloat_with_epsilon (saliency[j], s_c[j], 1e-6 * (1.0 + s_c[j]));
  g_assert_cmpfloat (lambda[1], ==, 1.0);

  /* A pruned weight (w = 0) has no saliency. */
  m->params[5] = 0.0f;
  m->masks[5] = 0.0f;
  options.class_weights = NULL;
  g_assert_true (ecg_saliency_class_aware (m, &data, &options, saliency, NULL, NULL, &error));
  g_assert_cmpfloat (saliency[5], ==, 0.0);
}

/* Multi-label (sigmoid outputs): an example belongs to every class it is labelled with, its
 * loss is the mean BCE over the K outputs, so dL_c/dW[o][j] = sum_{i: t_ic = 1}
 * (sigmoid(z_io) - t_io) / K x_ij. Positives per class: 0 has 4, 1 has 2, 2 has 0 (lambda 0);
 * lambda = (1/4, 1/2, 0) / (3/4) = (1/3, 2/3, 0). */
static void
test_multi_label (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("LinearML", 1, N_IN, 0);
  int x = ecg_model_add_linear (m, "fc", 0, 0, N_CLASSES, TRUE);
  ecg_model_finish (m, x, N_CLASSES, TRUE, 1);
  fill_uniform (m->params, m->n_params, 9);
  enum { N = 5 };
  float inputs[N * N_IN];
  fill_uniform (inputs, G_N_ELEMENTS (inputs), 4);
  const float targets[N * N_CLASSES] = { 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0 };
  EcgSaliencyData data = { .n = N, .inputs = inputs, .targets = targets };
  EcgSaliencyOptions options;
  ecg_saliency_options_init (&options);
  double saliency[15], lambda[N_CLASSES];
  gsize counts[N_CLASSES];
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_saliency_class_aware (m, &data, &options, saliency, lambda, counts,
                                           &error));
  g_assert_cmpuint (counts[0], ==, 4);
  g_assert_cmpuint (counts[1], ==, 2);
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpfloat_with_epsilon (lambda[0], 1.0 / 3.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (lambda[1], 2.0 / 3.0, 1e-15);
  g_assert_cmpfloat (lambda[2], ==, 0.0);

  double expected[15] = { 0 };
  for (int c = 0; c < 2; c++)
    {
      double g[15] = { 0 };
      for (int i = 0; i < N; i++)
        {
          if (targets[i * N_CLASSES + c] == 0)
            continue;
          for (int o = 0; o < N_CLASSES; o++)
            {
              double z = m->params[N_CLASSES * N_IN + o];
              for (int j = 0; j < N_IN; j++)
                z += (double) m->params[o * N_IN + j] * inputs[i * N_IN + j];
              double dz = (1.0 / (1.0 + exp (-z)) - targets[i * N_CLASSES + o]) / N_CLASSES;
              for (int j = 0; j < N_IN; j++)
                g[o * N_IN + j] += dz * inputs[i * N_IN + j];
              g[N_CLASSES * N_IN + o] += dz;
            }
        }
      for (int j = 0; j < 15; j++)
        expected[j] += lambda[c] * fabs ((double) m->params[j] * g[j]);
    }
  for (int j = 0; j < 15; j++)
    g_assert_cmpfloat_with_epsilon (saliency[j], expected[j], 1e-6 * (1.0 + expected[j]));
}

/* ---- finite differences through conv, BatchNorm (running statistics) and dropout ---------- */

#define FD_N 9
#define FD_LENGTH 8

static EcgModel *
conv_model (void)
{
  EcgModel *m = ecg_model_new ("ConvBN", 1, FD_LENGTH, 0);
  int x = ecg_model_add_conv1d (m, "conv", 0, 0, 2, 3, 1, 1, TRUE);
  x = ecg_model_add_batchnorm (m, "conv.bn", 0, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "conv.relu", 0, x);
  x = ecg_model_add_dropout (m, "drop", 0, x, 0.5f);
  x = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "gap", 0, x, FALSE);
  x = ecg_model_add_reshape (m, ECG_OP_FLATTEN, "flatten", 0, x);
  x = ecg_model_add_linear (m, "fc", 1, x, N_CLASSES, TRUE);
  ecg_model_finish (m, x, N_CLASSES, FALSE, 11);
  /* Running statistics far from a batch's own: a batch-statistics gradient would differ. */
  const float state[4] = { 0.3f, -0.2f, 0.5f, 2.0f };
  memcpy (m->state, state, sizeof state);
  return m;
}

static const gint32 fd_labels[FD_N] = { 0, 0, 0, 0, 1, 1, 2, 0, 2 };

/* L_c in double from an eval-mode forward. */
static double
class_loss (EcgModel *m, const float *inputs, int c)
{
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, FD_N, FALSE);
  const float *z = ecg_model_forward (m, run, inputs, NULL, FD_N);
  double loss = 0.0;
  for (int i = 0; i < FD_N; i++)
    {
      if (fd_labels[i] != c)
        continue;
      double sum = 0.0;
      for (int o = 0; o < N_CLASSES; o++)
        sum += exp ((double) z[i * N_CLASSES + o]);
      loss += log (sum) - z[i * N_CLASSES + c];
    }
  return loss;
}

static void
test_finite_differences (void)
{
  g_autoptr (EcgModel) m = conv_model ();
  float inputs[FD_N * FD_LENGTH];
  fill_uniform (inputs, G_N_ELEMENTS (inputs), 5);
  float state_before[4];
  memcpy (state_before, m->state, sizeof state_before);
  EcgSaliencyData data = { .n = FD_N, .inputs = inputs, .labels = fd_labels };
  EcgSaliencyOptions options;
  ecg_saliency_options_init (&options);
  options.batch_size = 4;
  g_autofree double *s_c = g_new (double, m->n_params);
  g_autoptr (GError) error = NULL;
  int checked = 0;
  for (int c = 0; c < N_CLASSES; c++)
    {
      double weights[N_CLASSES] = { 0 };
      weights[c] = 1.0;
      options.class_weights = weights;
      g_assert_true (ecg_saliency_class_aware (m, &data, &options, s_c, NULL, NULL, &error));
      g_assert_no_error (error);
      /* Eval mode updates nothing. */
      g_assert_cmpmem (m->state, sizeof state_before, state_before, sizeof state_before);
      for (gsize j = 0; j < m->n_params; j++)
        {
          float saved = m->params[j];
          /* Small enough that no ReLU input crosses 0 (1e-2 did), large enough for floats. */
          const float h = 3e-3f;
          m->params[j] = saved + h;
          double up = class_loss (m, inputs, c);
          m->params[j] = saved - h;
          double down = class_loss (m, inputs, c);
          m->params[j] = saved;
          double fd = fabs ((double) saved * (up - down) / (2.0 * h));
          /* float forwards: ~1e-6 in L, ~2e-4 in the difference quotient. */
          g_assert_cmpfloat (fabs (s_c[j] - fd), <=, 2e-4 + 2e-3 * fd);
          checked++;
        }
    }
  g_assert_cmpint (checked, ==, 3 * (int) m->n_params);
}

static void
test_bad_input (void)
{
  g_autoptr (EcgModel) m = linear_model ();
  float inputs[N_EXAMPLES * N_IN] = { 0 };
  gint32 bad_labels[N_EXAMPLES];
  memcpy (bad_labels, labels, sizeof bad_labels);
  bad_labels[4] = 3;
  EcgSaliencyData data = { .n = N_EXAMPLES, .inputs = inputs, .labels = bad_labels };
  EcgSaliencyOptions options;
  ecg_saliency_options_init (&options);
  double saliency[15];
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_saliency_class_aware (m, &data, &options, saliency, NULL, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  /* All weight on a class without examples. */
  gint32 no_two[N_EXAMPLES] = { 0 };
  data.labels = no_two;
  const double only_two[N_CLASSES] = { 0.0, 0.0, 1.0 };
  options.class_weights = only_two;
  g_assert_false (ecg_saliency_class_aware (m, &data, &options, saliency, NULL, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "weighted class"));
  g_clear_error (&error);

  GCancellable *cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  options.class_weights = NULL;
  options.cancellable = cancellable;
  g_assert_false (ecg_saliency_class_aware (m, &data, &options, saliency, NULL, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
  g_object_unref (cancellable);
}

/* ---- the blend and the pruner ------------------------------------------------------------- */

/* Weights 0..3 prunable (mask of 2 is 0), biases 4..5 untouched. Survivors: I = {1, 4, -, 2},
 * S = {6, 0, -, 3}; max I = 4, max S = 6 (the pruned weight's S = 100 is not counted).
 * g = 0.25: I'_0 = 0.75/4 + 0.25 = 0.4375, I'_1 = 0.75, I'_3 = 0.375 + 0.125 = 0.5. */
static void
test_blend (void)
{
  g_autoptr (EcgModel) m = ecg_model_new ("Blend", 1, 2, 0);
  int x = ecg_model_add_linear (m, "fc", 0, 0, 2, TRUE);
  ecg_model_finish (m, x, 2, FALSE, 1);
  m->masks[2] = 0.0f;
  g_autoptr (EcgSparsity) s = ecg_sparsity_new (m);
  double importance[6] = { 1, 4, 8, 2, -1, -1 };
  const double saliency[6] = { 6, 0, 100, 3, 50, 50 };
  ecg_importance_blend_saliency (m, s, 0.25, saliency, importance);
  g_assert_cmpfloat (importance[0], ==, 0.4375);
  g_assert_cmpfloat (importance[1], ==, 0.75);
  g_assert_cmpfloat (importance[3], ==, 0.5);
  g_assert_cmpfloat (importance[4], ==, -1);
  g_assert_cmpfloat (importance[5], ==, -1);
}

/* The 6 weights of lowest `score` among fc.weight's 12, leaving out the largest |w| (which
 * ECG_PRUNER_KEEP_ONE_UNIT keeps). */
static void
lowest_six (const EcgModel *m, const double *score, gboolean *chosen)
{
  int keep = 0;
  for (int j = 1; j < 12; j++)
    if (fabsf (m->params[j]) > fabsf (m->params[keep]))
      keep = j;
  for (int j = 0; j < 12; j++)
    chosen[j] = FALSE;
  for (int k = 0; k < 6; k++)
    {
      int best = -1;
      for (int j = 0; j < 12; j++)
        if (j != keep && !chosen[j] && (best < 0 || score[j] < score[best]))
          best = j;
      chosen[best] = TRUE;
    }
}

/* With all the class weight on one class and g = 1, one step to 50 % prunes exactly the six
 * weights of lowest S_c, S_c from the closed form; class 0 and class 2 choose different sets,
 * and g = 0 gives L1's. */
static void
test_pruner_follows_class (void)
{
  float inputs[N_EXAMPLES * N_IN];
  fill_uniform (inputs, G_N_ELEMENTS (inputs), 3);
  gboolean chosen_by_class[N_CLASSES][12];
  for (int c = 0; c < N_CLASSES; c += 2)
    {
      g_autoptr (EcgModel) m = linear_model ();
      double s_c[15];
      linear_class_saliency (m, inputs, c, s_c);
      gboolean expected[12];
      lowest_six (m, s_c, expected);

      double weights[N_CLASSES] = { 0 };
      weights[c] = 1.0;
      EcgSaliencyData data = { .n = N_EXAMPLES, .inputs = inputs, .labels = labels };
      EcgSaliencyOptions so;
      ecg_saliency_options_init (&so);
      so.class_weights = weights;
      double saliency[15];
      g_autoptr (GError) error = NULL;
      g_assert_true (ecg_saliency_class_aware (m, &data, &so, saliency, NULL, NULL, &error));

      EcgPrunerOptions po;
      ecg_pruner_options_init (&po);
      po.keep = ECG_PRUNER_KEEP_ONE_UNIT;
      g_assert_true (ecg_schedule_init (&po.schedule, 0.5, 0.0, 1, &error));
      po.saliency = saliency;
      po.saliency_weight = 1.0;
      g_autoptr (EcgPrunerReport) report = ecg_pruner_step (m, &po, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (report->pruned, ==, 6);
      for (int j = 0; j < 12; j++)
        {
          g_assert_cmpint (m->masks[j] == 0.0f, ==, expected[j]);
          chosen_by_class[c][j] = expected[j];
        }
    }
  g_assert_true (memcmp (chosen_by_class[0], chosen_by_class[2], sizeof chosen_by_class[0])
                 != 0);

  /* g = 0: the plain L1 order. */
  g_autoptr (EcgModel) m = linear_model ();
  double magnitude[12];
  for (int j = 0; j < 12; j++)
    magnitude[j] = fabsf (m->params[j]);
  gboolean expected[12];
  lowest_six (m, magnitude, expected);
  double saliency[15];
  linear_class_saliency (m, inputs, 2, saliency);
  EcgPrunerOptions po;
  ecg_pruner_options_init (&po);
  po.keep = ECG_PRUNER_KEEP_ONE_UNIT;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_schedule_init (&po.schedule, 0.5, 0.0, 1, &error));
  po.saliency = saliency;
  po.saliency_weight = 0.0;
  g_autoptr (EcgPrunerReport) report = ecg_pruner_step (m, &po, 1, &error);
  g_assert_no_error (error);
  for (int j = 0; j < 12; j++)
    g_assert_cmpint (m->masks[j] == 0.0f, ==, expected[j]);

  /* A weight outside [0, 1] is refused. */
  po.saliency_weight = 1.5;
  g_assert_null (ecg_pruner_step (m, &po, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/saliency/linear-closed-form", test_linear_closed_form);
  g_test_add_func ("/engine/compress/saliency/multi-label", test_multi_label);
  g_test_add_func ("/engine/compress/saliency/finite-differences", test_finite_differences);
  g_test_add_func ("/engine/compress/saliency/bad-input", test_bad_input);
  g_test_add_func ("/engine/compress/saliency/blend", test_blend);
  g_test_add_func ("/engine/compress/saliency/pruner-follows-class",
                   test_pruner_follows_class);
  return g_test_run ();
}
