/* test-loss.c — softmax, weighted cross-entropy and BCE with logits: hand-computed values
 * (-log softmax, log(1 + e^z)), overflow-free extremes, and gradients against central finite
 * differences. */
#include <math.h>

#include "gradcheck.h"
#include "nn/ecg-loss.h"

/* softmax(0, ln 2, ln 3) = (1, 2, 3) / 6; softmax(1000, 1000) = (1/2, 1/2) without overflow. */
static void
test_softmax_hand (void)
{
  float in[5] = { 0.0f, (float)G_LN2, (float)log (3.0), 1000.0f, 1000.0f };
  float out[5];
  ecg_softmax_forward (out, in, 1, 3);
  g_assert_cmpfloat_with_epsilon (out[0], 1.0 / 6.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (out[1], 2.0 / 6.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (out[2], 3.0 / 6.0, 1e-7);
  ecg_softmax_forward (out + 3, in + 3, 1, 2);
  g_assert_cmpfloat (out[3], ==, 0.5f);
  g_assert_cmpfloat (out[4], ==, 0.5f);
  /* in place */
  ecg_softmax_forward (in, in, 1, 3);
  g_assert_cmpfloat_with_epsilon (in[2], 0.5, 1e-7);
}

/* Logits (1 2 3): logsumexp = ln(e + e^2 + e^3) = 3.40760596; -log softmax is 0.40760596
 * for class 2 and 2.40760596 for class 0. */
static void
test_cross_entropy_hand (void)
{
  const float logits[3] = { 1, 2, 3 };
  gint32 label = 2;
  g_assert_cmpfloat_with_epsilon (ecg_cross_entropy_loss (NULL, logits, &label, NULL, 1, 3),
                                  0.40760596444438013, 1e-6);
  label = 0;
  g_assert_cmpfloat_with_epsilon (ecg_cross_entropy_loss (NULL, logits, &label, NULL, 1, 3),
                                  2.40760596444438, 1e-6);
}

/* Rows (1 2 3) label 0 and (0 0 0) label 1 (nll ln 3), class weights (2, 0.5, 1): PyTorch's
 * weighted mean (2 * 2.40760596 + 0.5 * 1.09861229) / (2 + 0.5) = 2.14580723. */
static void
test_cross_entropy_weighted (void)
{
  const float logits[6] = { 1, 2, 3, 0, 0, 0 };
  const gint32 labels[2] = { 0, 1 };
  const float weights[3] = { 2.0f, 0.5f, 1.0f };
  float d_logits[6];
  double loss = ecg_cross_entropy_loss (d_logits, logits, labels, weights, 2, 3);
  g_assert_cmpfloat_with_epsilon (loss, 2.145807229289126, 1e-6);

  /* Row 1: w (softmax - onehot) / sum w = 0.5 (1/3, 1/3 - 1, 1/3) / 2.5. */
  g_assert_cmpfloat_with_epsilon (d_logits[3], 0.2 / 3.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (d_logits[4], -0.4 / 3.0, 1e-7);
  /* Each row's gradient sums to 0. */
  g_assert_cmpfloat_with_epsilon (d_logits[0] + d_logits[1] + d_logits[2], 0.0, 1e-7);
}

/* A confident wrong answer costs its margin (1000), not inf; a confident right one costs 0. */
static void
test_cross_entropy_extreme (void)
{
  const float logits[2] = { 1000.0f, 0.0f };
  gint32 label = 1;
  float d_logits[2];
  g_assert_cmpfloat_with_epsilon (ecg_cross_entropy_loss (d_logits, logits, &label, NULL, 1, 2),
                                  1000.0, 1e-3);
  g_assert_cmpfloat_with_epsilon (d_logits[0], 1.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (d_logits[1], -1.0, 1e-7);
  label = 0;
  g_assert_cmpfloat (ecg_cross_entropy_loss (NULL, logits, &label, NULL, 1, 2), ==, 0.0);
}

/* l(z, t) = max(z, 0) - z t + log(1 + e^-|z|): l(0, 1) = ln 2, l(2, 0) = ln(1 + e^2) =
 * 2.12692801, l(-3, 1) = ln(1 + e^3) = 3.04858735; mean 1.95622085. */
static void
test_bce_hand (void)
{
  const float logits[3] = { 0, 2, -3 };
  const float targets[3] = { 1, 0, 1 };
  float d_logits[3];
  double loss = ecg_bce_with_logits_loss (d_logits, logits, targets, 3);
  g_assert_cmpfloat_with_epsilon (loss, 1.9562208477255532, 1e-6);
  /* (sigmoid(z) - t) / n */
  g_assert_cmpfloat_with_epsilon (d_logits[0], -0.5 / 3.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (d_logits[1], 1.0 / (1.0 + exp (-2.0)) / 3.0, 1e-7);

  /* Extremes stay finite: l(100, 0) = 100, l(-100, 0) = 3.7e-44. */
  const float big[2] = { 100, -100 };
  const float zeros[2] = { 0, 0 };
  g_assert_cmpfloat_with_epsilon (ecg_bce_with_logits_loss (NULL, big, zeros, 2), 50.0, 1e-9);
}

typedef struct
{
  int rows, classes;
  float *logits, *targets, *class_weights, *loss_weights, *out;
  gint32 *labels;
  enum
  {
    CROSS_ENTROPY,
    BCE,
    SOFTMAX
  } kind;
} GradFixture;

static double
loss_fn (gpointer user_data)
{
  GradFixture *f = user_data;
  gsize n = (gsize)f->rows * f->classes;
  switch (f->kind)
    {
    case CROSS_ENTROPY:
      return ecg_cross_entropy_loss (NULL, f->logits, f->labels, f->class_weights, f->rows,
                                     f->classes);
    case BCE:
      return ecg_bce_with_logits_loss (NULL, f->logits, f->targets, n);
    case SOFTMAX:
      {
        ecg_softmax_forward (f->out, f->logits, f->rows, f->classes);
        double loss = 0.0;
        for (gsize i = 0; i < n; i++)
          loss += (double)f->loss_weights[i] * f->out[i];
        return loss;
      }
    }
  g_assert_not_reached ();
}

static void
run_gradcheck (GradFixture *f)
{
  gsize n = (gsize)f->rows * f->classes;
  f->logits = g_new (float, n);
  f->targets = g_new (float, n);
  f->loss_weights = g_new (float, n);
  f->out = g_new (float, n);
  f->labels = g_new (gint32, f->rows);
  f->class_weights = g_new (float, f->classes);
  ecg_gradcheck_fill_uniform (f->logits, n, 51, -3, 3);
  ecg_gradcheck_fill_uniform (f->targets, n, 52, 0, 1); /* soft targets, as distillation */
  ecg_gradcheck_fill_uniform (f->loss_weights, n, 53, -1, 1);
  ecg_gradcheck_fill_uniform (f->class_weights, f->classes, 54, 0.2f, 3.0f);
  for (int r = 0; r < f->rows; r++)
    f->labels[r] = (r * 7 + 3) % f->classes;

  g_autofree float *analytic = g_new0 (float, n);
  switch (f->kind)
    {
    case CROSS_ENTROPY:
      ecg_cross_entropy_loss (analytic, f->logits, f->labels, f->class_weights, f->rows,
                              f->classes);
      break;
    case BCE:
      ecg_bce_with_logits_loss (analytic, f->logits, f->targets, n);
      break;
    case SOFTMAX:
      ecg_softmax_forward (f->out, f->logits, f->rows, f->classes);
      ecg_softmax_backward (analytic, f->loss_weights, f->out, f->rows, f->classes);
      break;
    }

  double err = ecg_gradcheck_max_error (f->logits, analytic, n, loss_fn, f, 1e-2, 1e-2, 0);
  g_test_message ("max relative error %.2e", err);
  g_assert_cmpfloat (err, <, 1e-3);

  g_free (f->logits);
  g_free (f->targets);
  g_free (f->loss_weights);
  g_free (f->out);
  g_free (f->labels);
  g_free (f->class_weights);
}

static void
test_gradcheck_cross_entropy (void)
{
  GradFixture f = { .rows = 6, .classes = 5, .kind = CROSS_ENTROPY };
  run_gradcheck (&f);
}

static void
test_gradcheck_bce (void)
{
  GradFixture f = { .rows = 4, .classes = 5, .kind = BCE };
  run_gradcheck (&f);
}

static void
test_gradcheck_softmax (void)
{
  GradFixture f = { .rows = 3, .classes = 32, .kind = SOFTMAX };
  run_gradcheck (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/loss/softmax-hand", test_softmax_hand);
  g_test_add_func ("/engine/nn/loss/cross-entropy-hand", test_cross_entropy_hand);
  g_test_add_func ("/engine/nn/loss/cross-entropy-weighted", test_cross_entropy_weighted);
  g_test_add_func ("/engine/nn/loss/cross-entropy-extreme", test_cross_entropy_extreme);
  g_test_add_func ("/engine/nn/loss/bce-hand", test_bce_hand);
  g_test_add_func ("/engine/nn/loss/gradcheck-cross-entropy", test_gradcheck_cross_entropy);
  g_test_add_func ("/engine/nn/loss/gradcheck-bce", test_gradcheck_bce);
  g_test_add_func ("/engine/nn/loss/gradcheck-softmax", test_gradcheck_softmax);
  return g_test_run ();
}
