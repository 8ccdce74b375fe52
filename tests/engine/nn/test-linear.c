/* test-linear.c — Linear: a hand-computed product, GEMM path against reference loops, and the
 * backward against central finite differences. */
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/ecg-linear.h"

/* x = [[1 2 3] [4 5 6]], W = [[1 0 -1] [.5 .5 .5]], b = [1 -1]:
 * y = x W^T + b = [[-2+1, 3-1] [-2+1, 7.5-1]] = [[-1 2] [-1 6.5]]. */
static void
test_forward_hand (void)
{
  const float in[6] = { 1, 2, 3, 4, 5, 6 };
  const float weight[6] = { 1, 0, -1, 0.5f, 0.5f, 0.5f };
  const float bias[2] = { 1, -1 };
  const float expected[4] = { -1, 2, -1, 6.5f };
  float out[4];
  EcgLinearShape shape = { 2, 3, 2 };
  ecg_linear_forward (out, in, weight, bias, &shape);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, expected[i]);

  ecg_linear_forward (out, in, weight, NULL, &shape);
  g_assert_cmpfloat (out[0], ==, -2);
  g_assert_cmpfloat (out[3], ==, 7.5f);
}

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0.0;
  for (gsize i = 0; i < n; i++)
    worst = fmax (worst, fabs ((double)a[i] - b[i]));
  return worst;
}

typedef struct
{
  EcgLinearShape shape;
  gboolean with_bias;
} LinearCase;

/* A head (batch rows), per-token projections (batch x tokens rows), a one-output scorer. */
static const LinearCase cases[] = {
  { { 4, 128, 3 }, TRUE },
  { { 1, 6, 5 }, FALSE },
  { { 3 * 10, 16, 8 }, TRUE },
  { { 7, 9, 1 }, TRUE },
};

static void
test_fast_matches_reference (void)
{
  for (guint n = 0; n < G_N_ELEMENTS (cases); n++)
    {
      const EcgLinearShape *shape = &cases[n].shape;
      gsize n_in = (gsize)shape->rows * shape->in_features;
      gsize n_out = (gsize)shape->rows * shape->out_features;
      gsize n_weight = (gsize)shape->out_features * shape->in_features;
      gsize n_bias = shape->out_features;
      g_autofree float *in = g_new (float, n_in);
      g_autofree float *weight = g_new (float, n_weight);
      g_autofree float *bias = g_new (float, n_bias);
      g_autofree float *d_out = g_new (float, n_out);
      g_autofree float *fast = g_new (float, n_out);
      g_autofree float *slow = g_new (float, n_out);
      ecg_gradcheck_fill_uniform (in, n_in, 1 + n, -1, 1);
      ecg_gradcheck_fill_uniform (weight, n_weight, 2 + n, -1, 1);
      ecg_gradcheck_fill_uniform (bias, n_bias, 3 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_out, n_out, 4 + n, -1, 1);
      const float *b = cases[n].with_bias ? bias : NULL;

      ecg_linear_forward (fast, in, weight, b, shape);
      ecg_linear_forward_reference (slow, in, weight, b, shape);
      g_assert_cmpfloat (max_abs_diff (fast, slow, n_out), <, 1e-5);

      g_autofree float *d_in_fast = g_new (float, n_in);
      g_autofree float *d_in_slow = g_new (float, n_in);
      g_autofree float *d_weight_fast = g_new (float, n_weight);
      g_autofree float *d_weight_slow = g_new (float, n_weight);
      g_autofree float *d_bias_fast = g_new (float, n_bias);
      g_autofree float *d_bias_slow = g_new (float, n_bias);
      ecg_gradcheck_fill_uniform (d_in_fast, n_in, 5 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_weight_fast, n_weight, 6 + n, -1, 1);
      ecg_gradcheck_fill_uniform (d_bias_fast, n_bias, 7 + n, -1, 1);
      memcpy (d_in_slow, d_in_fast, n_in * sizeof (float));
      memcpy (d_weight_slow, d_weight_fast, n_weight * sizeof (float));
      memcpy (d_bias_slow, d_bias_fast, n_bias * sizeof (float));
      ecg_linear_backward (d_in_fast, d_weight_fast, d_bias_fast, d_out, in, weight, shape);
      ecg_linear_backward_reference (d_in_slow, d_weight_slow, d_bias_slow, d_out, in, weight,
                                     shape);
      g_assert_cmpfloat (max_abs_diff (d_in_fast, d_in_slow, n_in), <, 1e-5);
      g_assert_cmpfloat (max_abs_diff (d_weight_fast, d_weight_slow, n_weight), <, 1e-5);
      g_assert_cmpfloat (max_abs_diff (d_bias_fast, d_bias_slow, n_bias), <, 1e-5);
    }
}

typedef struct
{
  EcgLinearShape shape;
  float *in, *weight, *bias, *out, *loss_weights;
  gsize n_out;
} GradFixture;

static double
linear_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  ecg_linear_forward (f->out, f->in, f->weight, f->bias, &f->shape);
  double loss = 0.0;
  for (gsize i = 0; i < f->n_out; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

static void
test_gradcheck (void)
{
  GradFixture f = { .shape = { 5, 7, 4 } };
  gsize n_in = 5 * 7, n_weight = 4 * 7, n_bias = 4;
  f.n_out = 5 * 4;
  f.in = g_new (float, n_in);
  f.weight = g_new (float, n_weight);
  f.bias = g_new (float, n_bias);
  f.out = g_new (float, f.n_out);
  f.loss_weights = g_new (float, f.n_out);
  ecg_gradcheck_fill_uniform (f.in, n_in, 31, -1, 1);
  ecg_gradcheck_fill_uniform (f.weight, n_weight, 32, -1, 1);
  ecg_gradcheck_fill_uniform (f.bias, n_bias, 33, -1, 1);
  ecg_gradcheck_fill_uniform (f.loss_weights, f.n_out, 34, -1, 1);

  g_autofree float *d_in = g_new0 (float, n_in);
  g_autofree float *d_weight = g_new0 (float, n_weight);
  g_autofree float *d_bias = g_new0 (float, n_bias);
  ecg_linear_backward (d_in, d_weight, d_bias, f.loss_weights, f.in, f.weight, &f.shape);

  /* The loss is linear in every argument: a large step has no truncation error and keeps the
   * float rounding of the outputs small against the difference. */
  double err_in = ecg_gradcheck_max_error (f.in, d_in, n_in, linear_loss, &f, 5e-2, 1e-2, 0);
  double err_weight
      = ecg_gradcheck_max_error (f.weight, d_weight, n_weight, linear_loss, &f, 5e-2, 1e-2, 0);
  double err_bias
      = ecg_gradcheck_max_error (f.bias, d_bias, n_bias, linear_loss, &f, 5e-2, 1e-2, 0);
  g_test_message ("errors: d_in %.2e, d_weight %.2e, d_bias %.2e", err_in, err_weight, err_bias);
  g_assert_cmpfloat (err_in, <, 1e-3);
  g_assert_cmpfloat (err_weight, <, 1e-3);
  g_assert_cmpfloat (err_bias, <, 1e-3);

  g_free (f.in);
  g_free (f.weight);
  g_free (f.bias);
  g_free (f.out);
  g_free (f.loss_weights);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/linear/forward-hand", test_forward_hand);
  g_test_add_func ("/engine/nn/linear/fast-matches-reference", test_fast_matches_reference);
  g_test_add_func ("/engine/nn/linear/gradcheck", test_gradcheck);
  return g_test_run ();
}
