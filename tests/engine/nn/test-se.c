/* test-se.c — squeeze-and-excitation: parameter counts, a hand-computed forward (including a
 * ReLU-closed gate), gradients by finite differences. */
#include "nn/ecg-se.h"

#include <math.h>

#include "gradcheck.h"

/* ResNet1D_SE_Attn: SE fc1 Linear(C, C/8, bias=False) + fc2 Linear(C/8, C, bias=False). */
static void
test_param_count (void)
{
  static const struct
  {
    int channels;
    gsize params;
  } stages[] = { { 32, 128 + 128 }, { 64, 512 + 512 }, { 128, 2048 + 2048 }, { 256, 8192 + 8192 } };
  for (gsize k = 0; k < G_N_ELEMENTS (stages); k++)
    {
      EcgSeShape shape = {
        .batch = 1, .channels = stages[k].channels, .steps = 32, .reduced = stages[k].channels / 8
      };
      g_assert_cmpuint (ecg_se_param_count (&shape), ==, stages[k].params);
    }
}

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* C = 2, reduced = 1, T = 3. Sample 0: s = (2, 1), z = relu(0.5*2 - 0.25*1) = 0.75,
 * e = (sigmoid(2*0.75), sigmoid(-1*0.75)). Sample 1: s = (-2, 0), z = relu(-1) = 0, e = 1/2. */
static void
test_hand (void)
{
  EcgSeShape shape = { .batch = 2, .channels = 2, .steps = 3, .reduced = 1 };
  const float in[] = { 1, 2, 3, -1, 0, 4, -2, -2, -2, 0, 0, 0 };
  const float params[] = { 0.5f, -0.25f,  /* W1 [1][2] */
                           2.0f, -1.0f }; /* W2 [2][1] */
  float out[12];
  g_autofree float *cache = g_new (float, ecg_se_cache_floats (&shape));
  ecg_se_forward (out, cache, in, params, &shape);

  double e0 = sigmoid (1.5), e1 = sigmoid (-0.75);
  for (int t = 0; t < 3; t++)
    {
      g_assert_cmpfloat_with_epsilon (out[t], in[t] * e0, 1e-6);
      g_assert_cmpfloat_with_epsilon (out[3 + t], in[3 + t] * e1, 1e-6);
      g_assert_cmpfloat_with_epsilon (out[6 + t], in[6 + t] * 0.5, 1e-7);
      g_assert_cmpfloat (out[9 + t], ==, 0.0f);
    }
}

typedef struct
{
  const EcgSeShape *shape;
  float *in, *params, *out, *cache, *weights;
} LossData;

static gsize
shape_floats (const EcgSeShape *shape)
{
  return (gsize)shape->batch * shape->channels * shape->steps;
}

static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_se_forward (ld->out, ld->cache, ld->in, ld->params, ld->shape);
  double loss = 0.0;
  for (gsize k = 0; k < shape_floats (ld->shape); k++)
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

static const EcgSeShape shape_small = { .batch = 3, .channels = 4, .steps = 3, .reduced = 2 };

static void
test_gradients (void)
{
  const EcgSeShape *shape = &shape_small;
  gsize n = shape_floats (shape), n_params = ecg_se_param_count (shape);
  g_autofree float *in = g_new (float, n);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *weights = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *cache = g_new (float, ecg_se_cache_floats (shape));
  g_autofree float *scratch = g_new (float, ecg_se_cache_floats (shape));
  g_autofree float *d_in = g_new0 (float, n);
  g_autofree float *d_params = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n, 51, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (params, n_params, 57, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (weights, n, 53, -1.0f, 1.0f);

  ecg_se_forward (out, cache, in, params, shape);
  ecg_se_backward (d_in, d_params, weights, in, params, cache, shape);

  /* Finite differences are meaningless across the ReLU's kink: require every pre-activation
   * s W1^T clear of 0 by more than a perturbation moves it, and some on each side of it. */
  int closed = 0;
  for (int b = 0; b < shape->batch; b++)
    for (int r = 0; r < shape->reduced; r++)
      {
        double pre = 0.0;
        for (int c = 0; c < shape->channels; c++)
          {
            double mean = 0.0;
            for (int t = 0; t < shape->steps; t++)
              mean += in[(b * shape->channels + c) * shape->steps + t] / (double)shape->steps;
            pre += params[r * shape->channels + c] * mean;
          }
        g_assert_cmpfloat (fabs (pre), >, 0.05);
        closed += pre < 0.0;
      }
  g_assert_cmpint (closed, >, 0);
  g_assert_cmpint (closed, <, shape->batch * shape->reduced);

  LossData ld = { shape, in, params, out, scratch, weights };
  gsize w1 = (gsize)shape->reduced * shape->channels;
  assert_gradient ("d_in", in, d_in, n, &ld);
  assert_gradient ("W1", params, d_params, w1, &ld);
  assert_gradient ("W2", params + w1, d_params + w1, n_params - w1, &ld);
}

/* Backward adds: two calls on the same buffers double them; NULL skips a buffer. */
static void
test_accumulates (void)
{
  const EcgSeShape *shape = &shape_small;
  gsize n = shape_floats (shape), n_params = ecg_se_param_count (shape);
  g_autofree float *in = g_new (float, n);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *d_out = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *cache = g_new (float, ecg_se_cache_floats (shape));
  g_autofree float *d_in = g_new0 (float, n);
  g_autofree float *d_params = g_new0 (float, n_params);
  g_autofree float *d_in1 = g_new0 (float, n);
  g_autofree float *d_params1 = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n, 54, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (params, n_params, 55, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (d_out, n, 56, -1.0f, 1.0f);

  ecg_se_forward (out, cache, in, params, shape);
  ecg_se_backward (d_in1, d_params1, d_out, in, params, cache, shape);
  ecg_se_backward (d_in, d_params, d_out, in, params, cache, shape);
  ecg_se_backward (d_in, NULL, d_out, in, params, cache, shape);
  ecg_se_backward (NULL, d_params, d_out, in, params, cache, shape);
  for (gsize k = 0; k < n; k++)
    g_assert_cmpfloat_with_epsilon (d_in[k], 2.0f * d_in1[k], 1e-6);
  for (gsize k = 0; k < n_params; k++)
    g_assert_cmpfloat_with_epsilon (d_params[k], 2.0f * d_params1[k], 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/se/param-count", test_param_count);
  g_test_add_func ("/engine/nn/se/hand", test_hand);
  g_test_add_func ("/engine/nn/se/gradients", test_gradients);
  g_test_add_func ("/engine/nn/se/accumulates", test_accumulates);
  return g_test_run ();
}
