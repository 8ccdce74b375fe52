/* test-layernorm.c — LayerNorm: parameter count, a hand-computed row, normalised statistics,
 * gradients by finite differences. */
#include "nn/ecg-layernorm.h"

#include <math.h>

#include "gradcheck.h"

static void
test_param_count (void)
{
  /* ConvTransformer norm1/norm2/final: LayerNorm(256). */
  EcgLayernormShape shape = { .rows = 125, .features = 256 };
  g_assert_cmpuint (ecg_layernorm_param_count (&shape), ==, 512);
}

/* x = (1, 2, 3, 4): mean 2.5, biased variance 1.25. */
static void
test_hand_row (void)
{
  EcgLayernormShape shape = { .rows = 1, .features = 4 };
  const float in[] = { 1, 2, 3, 4 };
  const float gamma[] = { 1.0f, 2.0f, 0.5f, -1.0f };
  const float beta[] = { 0.0f, 0.5f, -1.0f, 2.0f };
  float out[4], mean, rstd;
  ecg_layernorm_forward (out, &mean, &rstd, in, gamma, beta, &shape);

  double s = 1.0 / sqrt (1.25 + 1e-5);
  g_assert_cmpfloat_with_epsilon (mean, 2.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (rstd, s, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[0], -1.5 * s * 1.0 + 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], -0.5 * s * 2.0 + 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 0.5 * s * 0.5 - 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[3], 1.5 * s * -1.0 + 2.0, 1e-6);
}

/* With gamma = 1 and beta = 0 every row comes out with mean 0 and variance
 * var / (var + eps) (1 up to eps), whatever its offset and scale; in place gives the same. */
static void
test_normalised (void)
{
  EcgLayernormShape shape = { .rows = 6, .features = 256 };
  gsize n = 6 * 256;
  g_autofree float *in = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *gamma = g_new (float, 256);
  g_autofree float *beta = g_new0 (float, 256);
  for (int j = 0; j < 256; j++)
    gamma[j] = 1.0f;
  ecg_gradcheck_fill_uniform (in, n, 21, -1.0f, 1.0f);
  for (int r = 0; r < 6; r++)
    for (int j = 0; j < 256; j++)
      in[r * 256 + j] = in[r * 256 + j] * (0.1f + r) + 10.0f * r - 20.0f;

  ecg_layernorm_forward (out, NULL, NULL, in, gamma, beta, &shape);
  for (int r = 0; r < 6; r++)
    {
      double m_in = 0.0, v_in = 0.0, m = 0.0, v = 0.0;
      for (int j = 0; j < 256; j++)
        {
          m_in += in[r * 256 + j];
          m += out[r * 256 + j];
        }
      m_in /= 256;
      m /= 256;
      for (int j = 0; j < 256; j++)
        {
          v_in += pow (in[r * 256 + j] - m_in, 2);
          v += pow (out[r * 256 + j] - m, 2);
        }
      v_in /= 256;
      v /= 256;
      g_assert_cmpfloat_with_epsilon (m, 0.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (v, v_in / (v_in + 1e-5), 1e-5);
    }

  ecg_layernorm_forward (in, NULL, NULL, in, gamma, beta, &shape);
  for (gsize k = 0; k < n; k++)
    g_assert_cmpfloat (in[k], ==, out[k]);
}

typedef struct
{
  const EcgLayernormShape *shape;
  float *in, *gamma, *beta, *out, *weights;
} LossData;

static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_layernorm_forward (ld->out, NULL, NULL, ld->in, ld->gamma, ld->beta, ld->shape);
  double loss = 0.0;
  for (gsize k = 0; k < (gsize)ld->shape->rows * ld->shape->features; k++)
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

static void
test_gradients (void)
{
  EcgLayernormShape shape = { .rows = 3, .features = 5 };
  gsize n = 15;
  float in[15], gamma[5], beta[5], weights[15], out[15], mean[3], rstd[3];
  float d_in[15] = { 0 }, d_gamma[5] = { 0 }, d_beta[5] = { 0 };
  ecg_gradcheck_fill_uniform (in, n, 22, -2.0f, 2.0f);
  ecg_gradcheck_fill_uniform (gamma, 5, 23, 0.5f, 1.5f);
  ecg_gradcheck_fill_uniform (beta, 5, 24, -0.5f, 0.5f);
  ecg_gradcheck_fill_uniform (weights, n, 25, -1.0f, 1.0f);

  ecg_layernorm_forward (out, mean, rstd, in, gamma, beta, &shape);
  ecg_layernorm_backward (d_in, d_gamma, d_beta, weights, in, mean, rstd, gamma, &shape);

  LossData ld = { &shape, in, gamma, beta, out, weights };
  assert_gradient ("d_in", in, d_in, n, &ld);
  assert_gradient ("gamma", gamma, d_gamma, 5, &ld);
  assert_gradient ("beta", beta, d_beta, 5, &ld);
}

/* Backward adds: two calls on the same buffers double them; NULL skips a buffer. */
static void
test_accumulates (void)
{
  EcgLayernormShape shape = { .rows = 4, .features = 6 };
  float in[24], gamma[6], beta[6], d_out[24], out[24], mean[4], rstd[4];
  float d_in[24] = { 0 }, d_gamma[6] = { 0 }, d_beta[6] = { 0 };
  float d_in1[24] = { 0 }, d_gamma1[6] = { 0 }, d_beta1[6] = { 0 };
  ecg_gradcheck_fill_uniform (in, 24, 26, -2.0f, 2.0f);
  ecg_gradcheck_fill_uniform (gamma, 6, 27, 0.5f, 1.5f);
  ecg_gradcheck_fill_uniform (beta, 6, 28, -0.5f, 0.5f);
  ecg_gradcheck_fill_uniform (d_out, 24, 29, -1.0f, 1.0f);

  ecg_layernorm_forward (out, mean, rstd, in, gamma, beta, &shape);
  ecg_layernorm_backward (d_in1, d_gamma1, d_beta1, d_out, in, mean, rstd, gamma, &shape);
  ecg_layernorm_backward (d_in, d_gamma, d_beta, d_out, in, mean, rstd, gamma, &shape);
  ecg_layernorm_backward (d_in, NULL, NULL, d_out, in, mean, rstd, gamma, &shape);
  ecg_layernorm_backward (NULL, d_gamma, d_beta, d_out, in, mean, rstd, gamma, &shape);
  for (int k = 0; k < 24; k++)
    g_assert_cmpfloat_with_epsilon (d_in[k], 2.0f * d_in1[k], 1e-6);
  for (int k = 0; k < 6; k++)
    {
      g_assert_cmpfloat_with_epsilon (d_gamma[k], 2.0f * d_gamma1[k], 1e-6);
      g_assert_cmpfloat_with_epsilon (d_beta[k], 2.0f * d_beta1[k], 1e-6);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/layernorm/param-count", test_param_count);
  g_test_add_func ("/engine/nn/layernorm/hand-row", test_hand_row);
  g_test_add_func ("/engine/nn/layernorm/normalised", test_normalised);
  g_test_add_func ("/engine/nn/layernorm/gradients", test_gradients);
  g_test_add_func ("/engine/nn/layernorm/accumulates", test_accumulates);
  return g_test_run ();
}
