/* test-posemb.c — learnable positional embedding: parameter count, broadcast over the batch,
 * gradients by finite differences. */
#include "nn/ecg-posemb.h"

#include "gradcheck.h"

static void
test_param_count (void)
{
  /* ConvTransformer: nn.Parameter(torch.zeros(1, 125, 256)). */
  EcgPosembShape shape = { .batch = 64, .steps = 125, .features = 256 };
  g_assert_cmpuint (ecg_posemb_param_count (&shape), ==, 32000);
}

/* Every sample gets the same pos[t][j]; in place gives the same. */
static void
test_broadcast (void)
{
  EcgPosembShape shape = { .batch = 2, .steps = 2, .features = 3 };
  float in[] = { 1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6 };
  const float pos[] = { 0.5f, 0.25f, -1.0f, 10.0f, 20.0f, 30.0f };
  const float expected[] = { 1.5f, 2.25f, 2, 14, 25, 36, -0.5f, -1.75f, -4, 6, 15, 24 };
  float out[12];
  ecg_posemb_forward (out, in, pos, &shape);
  for (int k = 0; k < 12; k++)
    g_assert_cmpfloat (out[k], ==, expected[k]);
  ecg_posemb_forward (in, in, pos, &shape);
  for (int k = 0; k < 12; k++)
    g_assert_cmpfloat (in[k], ==, expected[k]);
}

typedef struct
{
  const EcgPosembShape *shape;
  float *in, *pos, *out, *weights;
} LossData;

static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_posemb_forward (ld->out, ld->in, ld->pos, ld->shape);
  double loss = 0.0;
  for (int k = 0; k < ld->shape->batch * ld->shape->steps * ld->shape->features; k++)
    loss += (double)ld->weights[k] * ld->out[k];
  return loss;
}

#define GRAD_EPS 2e-2
#define GRAD_FLOOR 1e-2
#define GRAD_TOLERANCE 1e-2

static void
assert_gradient (const char *what, float *x, const float *analytic, gsize n, LossData *ld)
{
  double err
      = ecg_gradcheck_max_error (x, analytic, n, weighted_output, ld, GRAD_EPS, GRAD_FLOOR, 0);
  g_test_message ("%s: largest relative error %.2e", what, err);
  if (!(err < GRAD_TOLERANCE))
    g_error ("%s: gradient relative error %.3e exceeds %.1e", what, err, GRAD_TOLERANCE);
}

/* Includes the accumulation rule: the gradient buffers start non-zero and backward adds. */
static void
test_gradients (void)
{
  EcgPosembShape shape = { .batch = 3, .steps = 4, .features = 2 };
  float in[24], pos[8], weights[24], out[24];
  float d_in[24], d_pos[8], d_in_start[24], d_pos_start[8];
  ecg_gradcheck_fill_uniform (in, 24, 61, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (pos, 8, 62, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (weights, 24, 63, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (d_in_start, 24, 64, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (d_pos_start, 8, 65, -1.0f, 1.0f);
  for (int k = 0; k < 24; k++)
    d_in[k] = d_in_start[k];
  for (int k = 0; k < 8; k++)
    d_pos[k] = d_pos_start[k];

  ecg_posemb_backward (d_in, d_pos, weights, &shape);
  ecg_posemb_backward (NULL, NULL, weights, &shape); /* skips both */
  for (int k = 0; k < 24; k++)
    d_in[k] -= d_in_start[k];
  for (int k = 0; k < 8; k++)
    d_pos[k] -= d_pos_start[k];

  LossData ld = { &shape, in, pos, out, weights };
  assert_gradient ("d_in", in, d_in, 24, &ld);
  assert_gradient ("pos", pos, d_pos, 8, &ld);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/posemb/param-count", test_param_count);
  g_test_add_func ("/engine/nn/posemb/broadcast", test_broadcast);
  g_test_add_func ("/engine/nn/posemb/gradients", test_gradients);
  return g_test_run ();
}
