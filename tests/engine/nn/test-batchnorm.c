/* test-batchnorm.c — BatchNorm1d: hand-computed statistics and outputs, normalisation of a
 * shifted and scaled batch, running-statistics updates, and both backwards against central
 * finite differences. */
#include <math.h>

#include "gradcheck.h"
#include "nn/ecg-batchnorm.h"

/* One channel, batch 2 x length 2, values 1 2 | 3 4: mean 2.5, biased var 1.25, unbiased 5/3.
 * y = gamma (x - 2.5) / sqrt(1.25 + 1e-5) + beta; running stats from (0, 1) become
 * (0.1 * 2.5, 0.9 + 0.1 * 5/3). */
static void
test_forward_train_hand (void)
{
  const float in[4] = { 1, 2, 3, 4 };
  const float gamma[1] = { 2.0f }, beta[1] = { 0.5f };
  float out[4], cache[ECG_BATCHNORM_CACHE_FLOATS (1)];
  float running_mean[1] = { 0.0f }, running_var[1] = { 1.0f };
  EcgBatchnormShape shape = { 2, 1, 2 };

  ecg_batchnorm_forward_train (out, cache, running_mean, running_var, in, gamma, beta, &shape);

  double inv_std = 1.0 / sqrt (1.25 + 1e-5);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (out[i], 2.0 * (in[i] - 2.5) * inv_std + 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[0], -2.1832708, 1e-6);
  g_assert_cmpfloat_with_epsilon (cache[0], 2.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (cache[1], inv_std, 1e-7);
  g_assert_cmpfloat_with_epsilon (running_mean[0], 0.25, 1e-7);
  g_assert_cmpfloat_with_epsilon (running_var[0], 0.9 + 0.1 * 5.0 / 3.0, 1e-7);
}

/* Channels with means 5, -3 and standard deviations 3, 0.01: with gamma 1 and beta 0 each
 * output channel has mean 0 and variance var / (var + eps), i.e. 1 (0.999 for the small one). */
static void
test_forward_train_normalises (void)
{
  EcgBatchnormShape shape = { 4, 2, 50 };
  const float channel_mean[2] = { 5.0f, -3.0f }, channel_scale[2] = { 3.0f, 0.01f };
  float in[4 * 2 * 50], out[4 * 2 * 50], cache[4];
  const float gamma[2] = { 1, 1 }, beta[2] = { 0, 0 };
  ecg_gradcheck_fill_uniform (in, G_N_ELEMENTS (in), 7, -1.7320508f, 1.7320508f);
  for (int b = 0; b < 4; b++)
    for (int c = 0; c < 2; c++)
      for (int t = 0; t < 50; t++)
        {
          float *x = &in[(b * 2 + c) * 50 + t];
          *x = channel_mean[c] + channel_scale[c] * *x;
        }

  ecg_batchnorm_forward_train (out, cache, NULL, NULL, in, gamma, beta, &shape);

  for (int c = 0; c < 2; c++)
    {
      double sum = 0.0, squares = 0.0, in_sum = 0.0, in_squares = 0.0;
      for (int b = 0; b < 4; b++)
        for (int t = 0; t < 50; t++)
          {
            sum += out[(b * 2 + c) * 50 + t];
            in_sum += in[(b * 2 + c) * 50 + t];
          }
      double mean = sum / 200.0, in_mean = in_sum / 200.0;
      for (int b = 0; b < 4; b++)
        for (int t = 0; t < 50; t++)
          {
            squares += pow (out[(b * 2 + c) * 50 + t] - mean, 2);
            in_squares += pow (in[(b * 2 + c) * 50 + t] - in_mean, 2);
          }
      double in_var = in_squares / 200.0;
      g_assert_cmpfloat (fabs (mean), <, 1e-5);
      g_assert_cmpfloat_with_epsilon (squares / 200.0, in_var / (in_var + 1e-5), 1e-4);
      g_assert_cmpfloat_with_epsilon (cache[c], in_mean, 1e-5 * fabs (in_mean));
    }
}

/* Repeated steps on the same batch: running_mean = mean (1 - 0.9^k), and the running variance
 * approaches the unbiased variance the same way from its start of 1. */
static void
test_running_stats_momentum (void)
{
  const float in[6] = { 0, 1, 2, /* sample 2 */ 3, 4, 5 };
  const float gamma[1] = { 1 }, beta[1] = { 0 };
  float out[6], cache[2], running_mean[1] = { 0 }, running_var[1] = { 1 };
  EcgBatchnormShape shape = { 2, 1, 3 };
  for (int k = 0; k < 3; k++)
    ecg_batchnorm_forward_train (out, cache, running_mean, running_var, in, gamma, beta, &shape);
  /* mean 2.5, unbiased variance 17.5 / 5 = 3.5, 0.9^3 = 0.729 */
  g_assert_cmpfloat_with_epsilon (running_mean[0], 2.5 * 0.271, 1e-6);
  g_assert_cmpfloat_with_epsilon (running_var[0], 0.729 + 3.5 * 0.271, 1e-6);
}

/* Eval uses the running statistics: x = 4, mean 1, var 3, gamma 2, beta -1:
 * 2 * 3 / sqrt(3.00001) - 1. */
static void
test_forward_eval_hand (void)
{
  const float in[2] = { 4, 1 };
  const float gamma[1] = { 2 }, beta[1] = { -1 }, running_mean[1] = { 1 }, running_var[1] = { 3 };
  float out[2];
  EcgBatchnormShape shape = { 1, 1, 2 };
  ecg_batchnorm_forward_eval (out, in, gamma, beta, running_mean, running_var, &shape);
  g_assert_cmpfloat_with_epsilon (out[0], 6.0 / sqrt (3.00001) - 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[0], 2.4640958, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], -1.0, 1e-7);
}

typedef struct
{
  EcgBatchnormShape shape;
  gboolean training;
  float *in, *gamma, *beta, *running_mean, *running_var, *out, *cache, *loss_weights;
  gsize n;
} GradFixture;

static double
bn_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  if (f->training)
    ecg_batchnorm_forward_train (f->out, f->cache, NULL, NULL, f->in, f->gamma, f->beta, &f->shape);
  else
    ecg_batchnorm_forward_eval (f->out, f->in, f->gamma, f->beta, f->running_mean, f->running_var,
                                &f->shape);
  double loss = 0.0;
  for (gsize i = 0; i < f->n; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

static void
run_gradcheck (gboolean training)
{
  GradFixture f = { .shape = { 3, 4, 7 }, .training = training };
  int channels = f.shape.channels;
  f.n = (gsize)f.shape.batch * channels * f.shape.length;
  f.in = g_new (float, f.n);
  f.out = g_new (float, f.n);
  f.loss_weights = g_new (float, f.n);
  f.gamma = g_new (float, channels);
  f.beta = g_new (float, channels);
  f.running_mean = g_new (float, channels);
  f.running_var = g_new (float, channels);
  f.cache = g_new (float, ECG_BATCHNORM_CACHE_FLOATS (channels));
  ecg_gradcheck_fill_uniform (f.in, f.n, 1, -2, 2);
  ecg_gradcheck_fill_uniform (f.loss_weights, f.n, 2, -1, 1);
  ecg_gradcheck_fill_uniform (f.gamma, channels, 3, 0.5f, 1.5f);
  ecg_gradcheck_fill_uniform (f.beta, channels, 4, -1, 1);
  ecg_gradcheck_fill_uniform (f.running_mean, channels, 5, -0.5f, 0.5f);
  ecg_gradcheck_fill_uniform (f.running_var, channels, 6, 0.5f, 2.0f);

  g_autofree float *d_in = g_new0 (float, f.n);
  g_autofree float *d_gamma = g_new0 (float, channels);
  g_autofree float *d_beta = g_new0 (float, channels);
  bn_loss (&f);
  if (training)
    ecg_batchnorm_backward_train (d_in, d_gamma, d_beta, f.loss_weights, f.in, f.gamma, f.cache,
                                  &f.shape);
  else
    ecg_batchnorm_backward_eval (d_in, d_gamma, d_beta, f.loss_weights, f.in, f.gamma,
                                 f.running_mean, f.running_var, &f.shape);

  /* Perturbing one input moves all outputs of its channel; their float rounding, divided by
   * 2 eps, limits the accuracy, hence a larger step and an absolute floor of 0.1 for d_in. */
  double err_in = ecg_gradcheck_max_error (f.in, d_in, f.n, bn_loss, &f, 2e-2, 1e-1, 0);
  double err_gamma
      = ecg_gradcheck_max_error (f.gamma, d_gamma, channels, bn_loss, &f, 1e-2, 1e-2, 0);
  double err_beta = ecg_gradcheck_max_error (f.beta, d_beta, channels, bn_loss, &f, 1e-2, 1e-2, 0);
  g_test_message ("errors: d_in %.2e, d_gamma %.2e, d_beta %.2e", err_in, err_gamma, err_beta);
  g_assert_cmpfloat (err_in, <, 1e-3);
  g_assert_cmpfloat (err_gamma, <, 1e-3);
  g_assert_cmpfloat (err_beta, <, 1e-3);

  g_free (f.in);
  g_free (f.out);
  g_free (f.loss_weights);
  g_free (f.gamma);
  g_free (f.beta);
  g_free (f.running_mean);
  g_free (f.running_var);
  g_free (f.cache);
}

static void
test_gradcheck_train (void)
{
  run_gradcheck (TRUE);
}

static void
test_gradcheck_eval (void)
{
  run_gradcheck (FALSE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/batchnorm/forward-train-hand", test_forward_train_hand);
  g_test_add_func ("/engine/nn/batchnorm/forward-train-normalises", test_forward_train_normalises);
  g_test_add_func ("/engine/nn/batchnorm/running-stats-momentum", test_running_stats_momentum);
  g_test_add_func ("/engine/nn/batchnorm/forward-eval-hand", test_forward_eval_hand);
  g_test_add_func ("/engine/nn/batchnorm/gradcheck-train", test_gradcheck_train);
  g_test_add_func ("/engine/nn/batchnorm/gradcheck-eval", test_gradcheck_eval);
  return g_test_run ();
}
