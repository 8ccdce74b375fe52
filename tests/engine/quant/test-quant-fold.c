/* Tests of BatchNorm folding: a hand-computed case, and folded convolution == convolution then
 * eval-mode BatchNorm on random layers (within 1e-5), with masks and without a conv bias.
 */
#include <math.h>

#include "nn/ecg-batchnorm.h"
#include "nn/ecg-conv1d.h"
#include "quant/ecg-quant-fold.h"
#include "test-util.h"

/* A model of one convolution (c_in -> c_out, kernel k, stride, padding k/2) and a BatchNorm. */
static EcgModel *
conv_bn_model (int c_in, int c_out, int k, int stride, int length, gboolean bias)
{
  EcgModel *m = ecg_model_new ("FoldTest", c_in, length, 0);
  int x = ecg_model_add_conv1d (m, "conv", 0, 0, c_out, k, stride, k / 2, bias);
  x = ecg_model_add_batchnorm (m, "bn", 0, x);
  ecg_model_finish (m, x, c_out, FALSE, 5);
  return m;
}

/* gamma, beta, running mean and variance of op 1 away from their initial 1, 0, 0, 1. */
static void
randomise_batchnorm (EcgModel *m, GRand *rand)
{
  const EcgOp *bn = &g_array_index (m->ops, EcgOp, 1);
  int c = (int) bn->n_params / 2;
  float *gamma = m->params + bn->param_offset, *mean = m->state + bn->state_offset;
  for (int i = 0; i < c; i++)
    {
      gamma[i] = (float) g_rand_double_range (rand, 0.5, 2.0);
      gamma[c + i] = (float) g_rand_double_range (rand, -1.0, 1.0);
      mean[i] = (float) g_rand_double_range (rand, -0.5, 0.5);
      mean[c + i] = (float) g_rand_double_range (rand, 0.05, 3.0);
    }
}

static void
test_hand_computed (void)
{
  g_autoptr (EcgModel) m = conv_bn_model (1, 2, 1, 1, 4, TRUE);
  const EcgOp *conv = &g_array_index (m->ops, EcgOp, 0), *bn = &g_array_index (m->ops, EcgOp, 1);
  float *w = m->params + conv->param_offset; /* w[2], then b[2] */
  w[0] = 2.0f, w[1] = -1.0f, w[2] = 1.0f, w[3] = 0.5f;
  float *gamma = m->params + bn->param_offset; /* gamma[2], beta[2] */
  gamma[0] = 3.0f, gamma[1] = 1.0f, gamma[2] = 0.5f, gamma[3] = -2.0f;
  float *stat = m->state + bn->state_offset; /* mean[2], var[2] */
  stat[0] = 1.0f, stat[1] = 0.0f, stat[2] = 3.0f, stat[3] = 0.25f;

  float folded_w[2], folded_b[2];
  ecg_quant_fold_batchnorm (m, 0, 1, folded_w, folded_b);
  /* channel 0: g = 3 / sqrt(3 + 1e-5); b' = g (1 - 1) + 0.5 = 0.5 exactly */
  double g0 = 3.0 / sqrt (3.0 + 1e-5), g1 = 1.0 / sqrt (0.25 + 1e-5);
  g_assert_cmpfloat (folded_w[0], ==, (float) (2.0 * g0));
  g_assert_cmpfloat (folded_b[0], ==, 0.5f);
  /* channel 1: w' = -g1 (close to -2), b' = 0.5 g1 - 2 (close to -1) */
  g_assert_cmpfloat (folded_w[1], ==, (float) -g1);
  g_assert_cmpfloat_with_epsilon (folded_b[1], 0.5 * g1 - 2.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (folded_w[1], -2.0, 1e-4);
}

/* Folded convolution against convolution + BatchNorm (eval) on random data. */
static void
check_fold (int c_in, int c_out, int k, int stride, gboolean bias, gboolean masked)
{
  const int length = 37;
  g_autoptr (GRand) rand = g_rand_new_with_seed (c_in * 100 + c_out + k + stride + bias);
  g_autoptr (EcgModel) m = conv_bn_model (c_in, c_out, k, stride, length, bias);
  randomise_batchnorm (m, rand);
  const EcgOp *conv = &g_array_index (m->ops, EcgOp, 0), *bn = &g_array_index (m->ops, EcgOp, 1);
  gsize n_weight = (gsize) c_out * c_in * k;
  if (masked)
    for (gsize i = 0; i < n_weight; i += 3)
      m->masks[conv->param_offset + i] = 0.0f;

  EcgConv1dShape shape = { 1, c_in, c_out, length, k, stride, k / 2 };
  int out_length = ecg_conv1d_out_length (&shape);
  g_autofree float *x = g_new (float, c_in * length);
  for (int i = 0; i < c_in * length; i++)
    x[i] = (float) g_rand_double_range (rand, -2.0, 2.0);

  /* Reference: the masked weights through the convolution, then the eval BatchNorm. */
  g_autofree float *w = g_new (float, n_weight);
  for (gsize i = 0; i < n_weight; i++)
    w[i] = m->params[conv->param_offset + i] * m->masks[conv->param_offset + i];
  g_autofree float *y = g_new (float, c_out * out_length);
  ecg_conv1d_forward_reference (y, x, w, bias ? m->params + conv->param_offset + n_weight : NULL,
                                &shape);
  EcgBatchnormShape bn_shape = { 1, c_out, out_length };
  const float *p = m->params + bn->param_offset, *st = m->state + bn->state_offset;
  ecg_batchnorm_forward_eval (y, y, p, p + c_out, st, st + c_out, &bn_shape);

  g_autofree float *fw = g_new (float, n_weight);
  g_autofree float *fb = g_new (float, c_out);
  ecg_quant_fold_batchnorm (m, 0, 1, fw, fb);
  g_autofree float *yf = g_new (float, c_out * out_length);
  ecg_conv1d_forward_reference (yf, x, fw, fb, &shape);
  for (int i = 0; i < c_out * out_length; i++)
    g_assert_cmpfloat_with_epsilon (yf[i], y[i], 1e-5);
  if (masked)
    for (gsize i = 0; i < n_weight; i += 3)
      g_assert_cmpfloat (fw[i], ==, 0.0f);
}

static void
test_conv_bn_eval (void)
{
  check_fold (8, 12, 5, 1, TRUE, FALSE);
  check_fold (16, 32, 7, 2, TRUE, FALSE);
  check_fold (3, 5, 1, 2, TRUE, FALSE);
}

static void
test_without_conv_bias (void)
{
  check_fold (8, 12, 5, 1, FALSE, FALSE);
}

static void
test_masked (void)
{
  check_fold (8, 12, 3, 1, TRUE, TRUE);
}

/* Without a BatchNorm the convolution comes back as it is (bias 0 when it has none). */
static void
test_no_batchnorm (void)
{
  g_autoptr (EcgModel) m = conv_bn_model (2, 3, 3, 1, 10, FALSE);
  float w[18], b[3];
  ecg_quant_fold_batchnorm (m, 0, -1, w, b);
  for (int i = 0; i < 18; i++)
    g_assert_cmpfloat (w[i], ==, m->params[i]);
  for (int o = 0; o < 3; o++)
    g_assert_cmpfloat (b[o], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/quant/fold/hand-computed", test_hand_computed);
  g_test_add_func ("/engine/quant/fold/conv-bn-eval", test_conv_bn_eval);
  g_test_add_func ("/engine/quant/fold/without-conv-bias", test_without_conv_bias);
  g_test_add_func ("/engine/quant/fold/masked", test_masked);
  g_test_add_func ("/engine/quant/fold/no-batchnorm", test_no_batchnorm);
  return g_test_run ();
}
