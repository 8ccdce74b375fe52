/* test-dropout.c — inverted dropout: eval identity, keep rate and scaling, reproducibility from
 * the seed, the splitmix64 reference stream, and the backward against finite differences. */
#include <math.h>

#include "gradcheck.h"
#include "nn/ecg-dropout.h"

/* Vigna's splitmix64.c from state 0 yields 0xe220a8397b1dcdaf, then 0x6e789e6aa1b965f4. */
static void
test_rng_reference (void)
{
  guint64 state = 0;
  g_assert_cmphex (ecg_dropout_rng_next (&state), ==, G_GUINT64_CONSTANT (0xe220a8397b1dcdaf));
  g_assert_cmphex (ecg_dropout_rng_next (&state), ==, G_GUINT64_CONSTANT (0x6e789e6aa1b965f4));
}

static void
test_eval_identity (void)
{
  const float in[4] = { 1, -2, 3, -4 };
  float out[4], mask[4] = { 0 };
  ecg_dropout_forward (out, mask, in, 4, 0.5f, FALSE, NULL);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (out[i], ==, in[i]);
      g_assert_cmpfloat (mask[i], ==, 1.0f);
    }
}

/* p = 0.3 over 100,000 elements: the dropped fraction is 0.3 +- 0.0015 (one standard
 * deviation), survivors are exactly in / 0.7. */
static void
test_train_rate_and_scale (void)
{
  const gsize n = 100000;
  const float p = 0.3f;
  g_autofree float *in = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *mask = g_new (float, n);
  ecg_gradcheck_fill_uniform (in, n, 5, 0.5f, 1.5f);
  guint64 state = 42;
  ecg_dropout_forward (out, mask, in, n, p, TRUE, &state);

  gsize dropped = 0;
  float keep_scale = 1.0f / (1.0f - p);
  for (gsize i = 0; i < n; i++)
    {
      if (mask[i] == 0.0f)
        {
          dropped++;
          g_assert_cmpfloat (out[i], ==, 0.0f);
        }
      else
        {
          g_assert_cmpfloat (mask[i], ==, keep_scale);
          g_assert_cmpfloat (out[i], ==, in[i] * keep_scale);
        }
    }
  g_assert_cmpfloat (fabs ((double)dropped / n - p), <, 0.006);
}

static void
test_seed_reproducible (void)
{
  float in[256], mask_a[256], mask_b[256], mask_c[256], out[256];
  for (int i = 0; i < 256; i++)
    in[i] = 1.0f;
  guint64 a = 7, b = 7, c = 8;
  ecg_dropout_forward (out, mask_a, in, 256, 0.5f, TRUE, &a);
  ecg_dropout_forward (out, mask_b, in, 256, 0.5f, TRUE, &b);
  ecg_dropout_forward (out, mask_c, in, 256, 0.5f, TRUE, &c);
  g_assert_cmpmem (mask_a, sizeof mask_a, mask_b, sizeof mask_b);
  g_assert_cmpuint (a, ==, b);
  int differ = 0;
  for (int i = 0; i < 256; i++)
    differ += mask_a[i] != mask_c[i];
  g_assert_cmpint (differ, >, 64);
}

static void
test_extreme_rates (void)
{
  const float in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  float out[8], mask[8];
  guint64 state = 1;
  ecg_dropout_forward (out, mask, in, 8, 0.0f, TRUE, &state);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, in[i]);
  ecg_dropout_forward (out, mask, in, 8, 1.0f, TRUE, &state);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
}

#define N_VALUES 64

typedef struct
{
  float in[N_VALUES], out[N_VALUES], mask[N_VALUES], loss_weights[N_VALUES];
  guint64 seed;
} GradFixture;

/* Reseeds for every evaluation, so each one draws the same mask. */
static double
dropout_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  guint64 state = f->seed;
  ecg_dropout_forward (f->out, f->mask, f->in, N_VALUES, 0.25f, TRUE, &state);
  double loss = 0.0;
  for (int i = 0; i < N_VALUES; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

static void
test_gradcheck (void)
{
  GradFixture f = { .seed = 99 };
  ecg_gradcheck_fill_uniform (f.in, N_VALUES, 41, -1, 1);
  ecg_gradcheck_fill_uniform (f.loss_weights, N_VALUES, 42, -1, 1);
  float d_in[N_VALUES] = { 0 };
  dropout_loss (&f);
  ecg_dropout_backward (d_in, f.loss_weights, f.mask, N_VALUES);
  double err = ecg_gradcheck_max_error (f.in, d_in, N_VALUES, dropout_loss, &f, 5e-2, 1e-2, 0);
  g_test_message ("max relative error %.2e", err);
  g_assert_cmpfloat (err, <, 1e-3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/dropout/rng-reference", test_rng_reference);
  g_test_add_func ("/engine/nn/dropout/eval-identity", test_eval_identity);
  g_test_add_func ("/engine/nn/dropout/train-rate-and-scale", test_train_rate_and_scale);
  g_test_add_func ("/engine/nn/dropout/seed-reproducible", test_seed_reproducible);
  g_test_add_func ("/engine/nn/dropout/extreme-rates", test_extreme_rates);
  g_test_add_func ("/engine/nn/dropout/gradcheck", test_gradcheck);
  return g_test_run ();
}
