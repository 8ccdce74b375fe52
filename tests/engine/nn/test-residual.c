/* test-residual.c — residual addition: exact sums (also in place), gradients by finite
 * differences. */
#include "nn/ecg-residual.h"

#include "gradcheck.h"

static void
test_forward (void)
{
  float a[] = { 1.0f, -2.5f, 3.0f, 0.125f };
  const float b[] = { 0.5f, 2.5f, -7.0f, 1.0f };
  const float expected[] = { 1.5f, 0.0f, -4.0f, 1.125f };
  float out[4];
  ecg_residual_forward (out, a, b, 4);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (out[k], ==, expected[k]);
  ecg_residual_forward (a, a, b, 4);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (a[k], ==, expected[k]);
}

typedef struct
{
  float *a, *b, *out, *weights;
  gsize n;
} LossData;

/* A product after the add, L = sum w * (a + b)^2, so the check sees a non-constant gradient. */
static double
squared_sum (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_residual_forward (ld->out, ld->a, ld->b, ld->n);
  double loss = 0.0;
  for (gsize k = 0; k < ld->n; k++)
    loss += (double)ld->weights[k] * ld->out[k] * ld->out[k];
  return loss;
}

/* Includes the accumulation rule: the gradient buffers start non-zero and backward adds. */
static void
test_gradients (void)
{
  enum
  {
    N = 10
  };
  float a[N], b[N], out[N], weights[N], d_out[N];
  float d_a[N], d_b[N], start_a[N], start_b[N];
  ecg_gradcheck_fill_uniform (a, N, 71, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (b, N, 72, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (weights, N, 73, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (start_a, N, 74, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (start_b, N, 75, -1.0f, 1.0f);

  ecg_residual_forward (out, a, b, N);
  for (int k = 0; k < N; k++)
    {
      d_out[k] = 2.0f * weights[k] * out[k];
      d_a[k] = start_a[k];
      d_b[k] = start_b[k];
    }
  ecg_residual_backward (d_a, d_b, d_out, N);
  ecg_residual_backward (NULL, NULL, d_out, N); /* skips both */
  for (int k = 0; k < N; k++)
    {
      d_a[k] -= start_a[k];
      d_b[k] -= start_b[k];
    }

  LossData ld = { a, b, out, weights, N };
  double err_a = ecg_gradcheck_max_error (a, d_a, N, squared_sum, &ld, 2e-2, 1e-2, 0);
  double err_b = ecg_gradcheck_max_error (b, d_b, N, squared_sum, &ld, 2e-2, 1e-2, 0);
  g_test_message ("d_a %.2e, d_b %.2e", err_a, err_b);
  g_assert_cmpfloat (err_a, <, 1e-3);
  g_assert_cmpfloat (err_b, <, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/residual/forward", test_forward);
  g_test_add_func ("/engine/nn/residual/gradients", test_gradients);
  return g_test_run ();
}
