/* test-transpose.c — inner-axes transpose: exact placement, gradients by finite differences. */
#include "nn/ecg-transpose.h"

#include "gradcheck.h"

/* in [2][2][3] = 0..11: sample 0 rows (0 1 2), (3 4 5) become columns. */
static void
test_forward (void)
{
  EcgTransposeShape shape = { .batch = 2, .rows = 2, .cols = 3 };
  float in[12], out[12];
  for (int k = 0; k < 12; k++)
    in[k] = k;
  const float expected[] = { 0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11 };
  ecg_transpose_forward (out, in, &shape);
  for (int k = 0; k < 12; k++)
    g_assert_cmpfloat (out[k], ==, expected[k]);
}

typedef struct
{
  const EcgTransposeShape *shape;
  float *in, *out, *weights;
} LossData;

/* L = sum_k weights[k] * out[k] with a random weight per position, so a misplaced gradient
 * shows. */
static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_transpose_forward (ld->out, ld->in, ld->shape);
  double loss = 0.0;
  for (int k = 0; k < ld->shape->batch * ld->shape->rows * ld->shape->cols; k++)
    loss += (double)ld->weights[k] * ld->out[k];
  return loss;
}

/* Includes the accumulation rule: d_in starts non-zero and backward adds. */
static void
test_gradients (void)
{
  EcgTransposeShape shape = { .batch = 2, .rows = 3, .cols = 4 };
  float in[24], out[24], weights[24], d_in[24], start[24];
  ecg_gradcheck_fill_uniform (in, 24, 81, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (weights, 24, 82, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (start, 24, 83, -1.0f, 1.0f);
  for (int k = 0; k < 24; k++)
    d_in[k] = start[k];
  ecg_transpose_backward (d_in, weights, &shape);
  for (int k = 0; k < 24; k++)
    d_in[k] -= start[k];

  LossData ld = { &shape, in, out, weights };
  double err = ecg_gradcheck_max_error (in, d_in, 24, weighted_output, &ld, 2e-2, 1e-2, 0);
  g_test_message ("d_in %.2e", err);
  g_assert_cmpfloat (err, <, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/transpose/forward", test_forward);
  g_test_add_func ("/engine/nn/transpose/gradients", test_gradients);
  return g_test_run ();
}
