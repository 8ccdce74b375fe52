/* test-activation.c — ReLU, GELU (erf), tanh, sigmoid: published/hand values and backwards
 * against central finite differences. */
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/ecg-activation.h"

/* GELU(x) = x Phi(x): Phi(1) = 0.841344746, Phi(-1) = 0.158655254, Phi(2.5) = 0.993790335. */
static void
test_forward_values (void)
{
  const float in[5] = { -1.0f, 0.0f, 1.0f, 2.5f, 0.5f };
  float out[5];

  ecg_relu_forward (out, in, 5);
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[1], ==, 0.0f);
  g_assert_cmpfloat (out[3], ==, 2.5f);

  ecg_gelu_forward (out, in, 5);
  g_assert_cmpfloat_with_epsilon (out[0], -0.15865525393145707, 1e-6);
  g_assert_cmpfloat (out[1], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (out[2], 0.8413447460685429, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[3], 2.4844758366855597, 1e-6);

  ecg_tanh_forward (out, in, 5);
  g_assert_cmpfloat_with_epsilon (out[4], 0.46211715726000974, 1e-7);
  g_assert_cmpfloat (out[1], ==, 0.0f);

  ecg_sigmoid_forward (out, in, 5);
  g_assert_cmpfloat (out[1], ==, 0.5f);
  g_assert_cmpfloat_with_epsilon (out[2], 1.0 / (1.0 + exp (-1.0)), 1e-7);
  g_assert_cmpfloat_with_epsilon (out[0] + out[2], 1.0, 1e-7);
}

/* The logistic function neither overflows nor loses the tail: sigmoid(-100) = 3.72e-44 (a
 * float denormal), sigmoid(100) = 1, sigmoid(2) = 0.880797078. */
static void
test_sigmoid_extremes (void)
{
  g_assert_cmpfloat (ecg_sigmoidf (100.0f), ==, 1.0f);
  g_assert_cmpfloat (ecg_sigmoidf (-100.0f), >, 0.0f);
  g_assert_cmpfloat_with_epsilon (ecg_sigmoidf (-100.0f), 3.7200759760208356e-44, 1e-45);
  g_assert_cmpfloat_with_epsilon (ecg_sigmoidf (2.0f), 0.8807970779778823, 1e-7);
  g_assert_false (isnan (ecg_sigmoidf (-1e30f)));
}

static void
test_in_place (void)
{
  float x[3] = { -2.0f, 0.25f, 3.0f };
  ecg_relu_forward (x, x, 3);
  g_assert_cmpfloat (x[0], ==, 0.0f);
  g_assert_cmpfloat (x[1], ==, 0.25f);
  ecg_tanh_forward (x, x, 3);
  g_assert_cmpfloat_with_epsilon (x[2], tanh (3.0), 1e-7);
}

typedef enum
{
  RELU,
  GELU,
  TANH,
  SIGMOID,
} Activation;

#define N_VALUES 64

typedef struct
{
  Activation kind;
  float in[N_VALUES], out[N_VALUES], loss_weights[N_VALUES];
} GradFixture;

static void
forward (GradFixture *f)
{
  switch (f->kind)
    {
    case RELU:
      ecg_relu_forward (f->out, f->in, N_VALUES);
      break;
    case GELU:
      ecg_gelu_forward (f->out, f->in, N_VALUES);
      break;
    case TANH:
      ecg_tanh_forward (f->out, f->in, N_VALUES);
      break;
    case SIGMOID:
      ecg_sigmoid_forward (f->out, f->in, N_VALUES);
      break;
    }
}

static double
activation_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  forward (f);
  double loss = 0.0;
  for (int i = 0; i < N_VALUES; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

static void
run_gradcheck (Activation kind)
{
  GradFixture f = { .kind = kind };
  ecg_gradcheck_fill_uniform (f.in, N_VALUES, 11, -3, 3);
  ecg_gradcheck_fill_uniform (f.loss_weights, N_VALUES, 12, -1, 1);
  /* Keep ReLU's kink out of reach of the finite-difference step. */
  for (int i = 0; i < N_VALUES; i++)
    if (fabsf (f.in[i]) < 0.05f)
      f.in[i] = f.in[i] < 0 ? -0.05f : 0.05f;

  /* Start from non-zero gradients: backwards add. */
  float d_in[N_VALUES], start[N_VALUES];
  ecg_gradcheck_fill_uniform (start, N_VALUES, 13, -1, 1);
  memcpy (d_in, start, sizeof d_in);
  forward (&f);
  switch (kind)
    {
    case RELU:
      ecg_relu_backward (d_in, f.loss_weights, f.in, N_VALUES);
      break;
    case GELU:
      ecg_gelu_backward (d_in, f.loss_weights, f.in, N_VALUES);
      break;
    case TANH:
      ecg_tanh_backward (d_in, f.loss_weights, f.out, N_VALUES);
      break;
    case SIGMOID:
      ecg_sigmoid_backward (d_in, f.loss_weights, f.out, N_VALUES);
      break;
    }
  for (int i = 0; i < N_VALUES; i++)
    d_in[i] -= start[i];

  /* 5e-3 balances the step's truncation error (GELU's curvature) against float rounding. */
  double err = ecg_gradcheck_max_error (f.in, d_in, N_VALUES, activation_loss, &f, 5e-3, 1e-2, 0);
  g_test_message ("max relative error %.2e", err);
  g_assert_cmpfloat (err, <, 1e-3);
}

static void
test_gradcheck_relu (void)
{
  run_gradcheck (RELU);
}

static void
test_gradcheck_gelu (void)
{
  run_gradcheck (GELU);
}

static void
test_gradcheck_tanh (void)
{
  run_gradcheck (TANH);
}

static void
test_gradcheck_sigmoid (void)
{
  run_gradcheck (SIGMOID);
}

/* ReLU's backward gives the same result from the input or the (in-place) output. */
static void
test_relu_backward_from_output (void)
{
  const float in[4] = { -1.0f, 2.0f, -0.5f, 0.75f };
  const float d_out[4] = { 1, 2, 3, 4 };
  float out[4], d_in[4] = { 0 };
  ecg_relu_forward (out, in, 4);
  ecg_relu_backward (d_in, d_out, out, 4);
  g_assert_cmpfloat (d_in[0], ==, 0.0f);
  g_assert_cmpfloat (d_in[1], ==, 2.0f);
  g_assert_cmpfloat (d_in[2], ==, 0.0f);
  g_assert_cmpfloat (d_in[3], ==, 4.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/activation/forward-values", test_forward_values);
  g_test_add_func ("/engine/nn/activation/sigmoid-extremes", test_sigmoid_extremes);
  g_test_add_func ("/engine/nn/activation/in-place", test_in_place);
  g_test_add_func ("/engine/nn/activation/relu-backward-from-output",
                   test_relu_backward_from_output);
  g_test_add_func ("/engine/nn/activation/gradcheck-relu", test_gradcheck_relu);
  g_test_add_func ("/engine/nn/activation/gradcheck-gelu", test_gradcheck_gelu);
  g_test_add_func ("/engine/nn/activation/gradcheck-tanh", test_gradcheck_tanh);
  g_test_add_func ("/engine/nn/activation/gradcheck-sigmoid", test_gradcheck_sigmoid);
  return g_test_run ();
}
