/* test-conv1d.c — Conv1d: hand-computed outputs, fast (im2col + GEMM) against reference loops,
 * and the backward against central finite differences. */
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/ecg-conv1d.h"

static void
test_out_length (void)
{
  EcgConv1dShape same = { 1, 1, 32, 256, 7, 1, 3 };
  EcgConv1dShape strided = { 1, 12, 32, 1000, 15, 2, 7 };
  EcgConv1dShape pointwise = { 1, 64, 128, 125, 1, 2, 0 };
  EcgConv1dShape too_short = { 1, 1, 1, 3, 7, 1, 1 };
  g_assert_cmpint (ecg_conv1d_out_length (&same), ==, 256);
  g_assert_cmpint (ecg_conv1d_out_length (&strided), ==, 500);
  g_assert_cmpint (ecg_conv1d_out_length (&pointwise), ==, 63);
  g_assert_cmpint (ecg_conv1d_out_length (&too_short), ==, 0);
  g_assert_cmpuint (ecg_conv1d_workspace_floats (&strided), ==, 12 * 15 * 500);
}

/* in = 1 2 3 4 5, kernel (1, 2, -1), bias 0.5, padding 1:
 * out[t] = in[t-1] + 2 in[t] - in[t+1] + 0.5 = 0.5 2.5 4.5 6.5 14.5 (zeros beyond the ends). */
static void
test_forward_hand (void)
{
  const float in[5] = { 1, 2, 3, 4, 5 };
  const float weight[3] = { 1, 2, -1 };
  const float bias[1] = { 0.5f };
  const float expected[5] = { 0.5f, 2.5f, 4.5f, 6.5f, 14.5f };
  float out[5];

  EcgConv1dShape shape = { 1, 1, 1, 5, 3, 1, 1 };
  ecg_conv1d_forward (out, in, weight, bias, &shape, NULL);
  for (int t = 0; t < 5; t++)
    g_assert_cmpfloat (out[t], ==, expected[t]);

  ecg_conv1d_forward_reference (out, in, weight, bias, &shape);
  for (int t = 0; t < 5; t++)
    g_assert_cmpfloat (out[t], ==, expected[t]);

  /* Stride 2 keeps every other position: t = 0, 2, 4. */
  EcgConv1dShape strided = { 1, 1, 1, 5, 3, 2, 1 };
  g_assert_cmpint (ecg_conv1d_out_length (&strided), ==, 3);
  ecg_conv1d_forward (out, in, weight, NULL, &strided, NULL);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[1], ==, 4.0f);
  g_assert_cmpfloat (out[2], ==, 14.0f);
}

/* Two input channels, two output channels, no padding, k = 2:
 * out[o][t] = sum_c sum_j w[o][c][j] in[c][t + j]. */
static void
test_forward_hand_channels (void)
{
  const float in[2 * 3] = { 1, 2, 3, /* channel 1 */ 10, 20, 30 };
  const float weight[2 * 2 * 2] = { 1, 0, 0, 1, /* o = 1 */ -1, 1, 0.5f, 0 };
  /* o0: in0[t] + in1[t+1] = 21, 32;  o1: -in0[t] + in0[t+1] + 0.5 in1[t] = 6, 11. */
  const float expected[2 * 2] = { 21, 32, 6, 11 };
  float out[4];
  EcgConv1dShape shape = { 1, 2, 2, 3, 2, 1, 0 };
  ecg_conv1d_forward (out, in, weight, NULL, &shape, NULL);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);
}

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0.0;
  for (gsize i = 0; i < n; i++)
    worst = fmax (worst, fabs ((double)a[i] - b[i]));
  return worst;
}

static double
max_abs (const float *a, gsize n)
{
  double largest = 0.0;
  for (gsize i = 0; i < n; i++)
    largest = fmax (largest, fabs (a[i]));
  return largest;
}

typedef struct
{
  EcgConv1dShape shape;
  gboolean with_bias;
} ConvCase;

/* Shapes of the zoo (stem k=15 s=2, k=7 same, 1x1 stride-2 shortcut) and awkward ones:
 * k = 1 pointwise, even k, kernel longer than the unpadded input, batch > 1. The fast path puts
 * ceil(512 / out_length) samples side by side in one GEMM: the batch-5 cases with 200 outputs
 * make groups of 3 and 2 (a partial last group), the batch-40 one groups of 32 and 8. */
static const ConvCase random_cases[] = {
  { { 2, 3, 4, 17, 7, 1, 3 }, TRUE },  { { 3, 2, 5, 20, 15, 2, 7 }, FALSE },
  { { 2, 6, 3, 11, 1, 2, 0 }, TRUE },  { { 2, 5, 4, 9, 1, 1, 0 }, TRUE },
  { { 1, 4, 6, 10, 4, 3, 2 }, TRUE },  { { 2, 3, 2, 4, 5, 1, 2 }, FALSE },
  { { 1, 1, 32, 64, 7, 2, 3 }, TRUE }, { { 5, 3, 4, 200, 5, 1, 2 }, TRUE },
  { { 5, 2, 3, 400, 3, 2, 1 }, FALSE }, { { 40, 2, 3, 16, 3, 1, 1 }, TRUE },
};

static void
test_fast_matches_reference (void)
{
  for (guint n = 0; n < G_N_ELEMENTS (random_cases); n++)
    {
      const EcgConv1dShape *shape = &random_cases[n].shape;
      int out_length = ecg_conv1d_out_length (shape);
      gsize n_in = (gsize)shape->batch * shape->in_channels * shape->in_length;
      gsize n_out = (gsize)shape->batch * shape->out_channels * out_length;
      gsize n_weight = (gsize)shape->out_channels * shape->in_channels * shape->kernel_size;
      gsize n_bias = shape->out_channels;

      g_autofree float *in = g_new (float, n_in);
      g_autofree float *weight = g_new (float, n_weight);
      g_autofree float *bias = g_new (float, n_bias);
      g_autofree float *d_out = g_new (float, n_out);
      ecg_gradcheck_fill_uniform (in, n_in, 10 + n, -1, 1);
      ecg_gradcheck_fill_uniform (weight, n_weight, 20 + n, -1, 1);
      ecg_gradcheck_fill_uniform (bias, n_bias, 30 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_out, n_out, 40 + n, -1, 1);
      const float *b = random_cases[n].with_bias ? bias : NULL;

      g_autofree float *workspace = g_new (float, ecg_conv1d_workspace_floats (shape));
      g_autofree float *fast = g_new (float, n_out);
      g_autofree float *slow = g_new (float, n_out);
      ecg_conv1d_forward (fast, in, weight, b, shape, workspace);
      ecg_conv1d_forward_reference (slow, in, weight, b, shape);
      g_assert_cmpfloat (max_abs_diff (fast, slow, n_out), <=, 1e-5 * max_abs (slow, n_out));

      /* Both backwards add into the same non-zero starting gradients. */
      g_autofree float *d_in_fast = g_new (float, n_in);
      g_autofree float *d_in_slow = g_new (float, n_in);
      g_autofree float *d_weight_fast = g_new (float, n_weight);
      g_autofree float *d_weight_slow = g_new (float, n_weight);
      g_autofree float *d_bias_fast = g_new (float, n_bias);
      g_autofree float *d_bias_slow = g_new (float, n_bias);
      ecg_gradcheck_fill_uniform (d_in_fast, n_in, 50 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_weight_fast, n_weight, 60 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_bias_fast, n_bias, 70 + n, -1, 1);
      memcpy (d_in_slow, d_in_fast, n_in * sizeof (float));
      memcpy (d_weight_slow, d_weight_fast, n_weight * sizeof (float));
      memcpy (d_bias_slow, d_bias_fast, n_bias * sizeof (float));
      ecg_conv1d_backward (d_in_fast, d_weight_fast, d_bias_fast, d_out, in, weight, shape,
                           workspace);
      ecg_conv1d_backward_reference (d_in_slow, d_weight_slow, d_bias_slow, d_out, in, weight,
                                     shape);
      g_assert_cmpfloat (max_abs_diff (d_in_fast, d_in_slow, n_in), <=,
                         1e-5 * max_abs (d_in_slow, n_in));
      g_assert_cmpfloat (max_abs_diff (d_weight_fast, d_weight_slow, n_weight), <=,
                         1e-5 * max_abs (d_weight_slow, n_weight));
      g_assert_cmpfloat (max_abs_diff (d_bias_fast, d_bias_slow, n_bias), <=,
                         1e-5 * max_abs (d_bias_slow, n_bias));
    }
}

/* The backward without d_in (first layer) leaves that untouched and still gives d_weight. */
static void
test_backward_null_d_in (void)
{
  EcgConv1dShape shape = { 2, 2, 3, 8, 3, 2, 1 };
  int out_length = ecg_conv1d_out_length (&shape);
  float in[2 * 2 * 8], weight[3 * 2 * 3], d_out[2 * 3 * 4];
  float d_weight_full[18] = { 0 }, d_weight_only[18] = { 0 }, d_in[32] = { 0 };
  g_assert_cmpint (out_length, ==, 4);
  ecg_gradcheck_fill_uniform (in, 32, 1, -1, 1);
  ecg_gradcheck_fill_uniform (weight, 18, 2, -1, 1);
  ecg_gradcheck_fill_uniform (d_out, 24, 3, -1, 1);
  ecg_conv1d_backward (d_in, d_weight_full, NULL, d_out, in, weight, &shape, NULL);
  ecg_conv1d_backward (NULL, d_weight_only, NULL, d_out, in, weight, &shape, NULL);
  for (int i = 0; i < 18; i++)
    g_assert_cmpfloat (d_weight_only[i], ==, d_weight_full[i]);
  g_assert_cmpfloat (max_abs (d_in, 32), >, 0.0);
}

typedef struct
{
  EcgConv1dShape shape;
  float *in, *weight, *bias, *out, *loss_weights, *workspace;
  gsize n_out;
} GradFixture;

/* L = sum_i loss_weights[i] * out[i], so dL/dout = loss_weights. */
static double
conv_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  ecg_conv1d_forward (f->out, f->in, f->weight, f->bias, &f->shape, f->workspace);
  double loss = 0.0;
  for (gsize i = 0; i < f->n_out; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

static void
test_gradcheck (void)
{
  for (guint n = 0; n < G_N_ELEMENTS (random_cases); n++)
    {
      GradFixture f = { .shape = random_cases[n].shape };
      const EcgConv1dShape *shape = &f.shape;
      gsize n_in = (gsize)shape->batch * shape->in_channels * shape->in_length;
      gsize n_weight = (gsize)shape->out_channels * shape->in_channels * shape->kernel_size;
      gsize n_bias = shape->out_channels;
      f.n_out = (gsize)shape->batch * shape->out_channels * ecg_conv1d_out_length (shape);

      f.in = g_new (float, n_in);
      f.weight = g_new (float, n_weight);
      f.bias = random_cases[n].with_bias ? g_new (float, n_bias) : NULL;
      f.out = g_new (float, f.n_out);
      f.loss_weights = g_new (float, f.n_out);
      f.workspace = g_new (float, ecg_conv1d_workspace_floats (shape));
      ecg_gradcheck_fill_uniform (f.in, n_in, 100 + n, -1, 1);
      ecg_gradcheck_fill_uniform (f.weight, n_weight, 200 + n, -1, 1);
      if (f.bias)
        ecg_gradcheck_fill_uniform (f.bias, n_bias, 300 + n, -1, 1);
      ecg_gradcheck_fill_uniform (f.loss_weights, f.n_out, 400 + n, -1, 1);

      g_autofree float *d_in = g_new0 (float, n_in);
      g_autofree float *d_weight = g_new0 (float, n_weight);
      g_autofree float *d_bias = g_new0 (float, n_bias);
      ecg_conv1d_backward (d_in, d_weight, f.bias ? d_bias : NULL, f.loss_weights, f.in, f.weight,
                           shape, f.workspace);

      double err_in = ecg_gradcheck_max_error (f.in, d_in, n_in, conv_loss, &f, 5e-2, 1e-2, 0);
      double err_weight
          = ecg_gradcheck_max_error (f.weight, d_weight, n_weight, conv_loss, &f, 5e-2, 1e-2, 0);
      g_test_message ("case %u: d_in error %.2e, d_weight error %.2e", n, err_in, err_weight);
      g_assert_cmpfloat (err_in, <, 1e-3);
      g_assert_cmpfloat (err_weight, <, 1e-3);
      if (f.bias)
        {
          double err_bias
              = ecg_gradcheck_max_error (f.bias, d_bias, n_bias, conv_loss, &f, 5e-2, 1e-2, 0);
          g_assert_cmpfloat (err_bias, <, 1e-3);
        }

      g_free (f.in);
      g_free (f.weight);
      g_free (f.bias);
      g_free (f.out);
      g_free (f.loss_weights);
      g_free (f.workspace);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/conv1d/out-length", test_out_length);
  g_test_add_func ("/engine/nn/conv1d/forward-hand", test_forward_hand);
  g_test_add_func ("/engine/nn/conv1d/forward-hand-channels", test_forward_hand_channels);
  g_test_add_func ("/engine/nn/conv1d/fast-matches-reference", test_fast_matches_reference);
  g_test_add_func ("/engine/nn/conv1d/backward-null-d-in", test_backward_null_d_in);
  g_test_add_func ("/engine/nn/conv1d/gradcheck", test_gradcheck);
  return g_test_run ();
}
