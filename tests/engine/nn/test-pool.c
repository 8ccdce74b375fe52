/* test-pool.c — MaxPool1d, AvgPool1d, global average and max over time: hand-computed windows
 * and argmax, and backwards against central finite differences. */
#include <math.h>

#include "gradcheck.h"
#include "nn/ecg-pool.h"

static void
test_out_length (void)
{
  EcgPool1dShape half = { 1, 1, 256, 2, 2, 0 };
  EcgPool1dShape stem = { 1, 1, 500, 3, 2, 1 };
  EcgPool1dShape odd = { 1, 1, 7, 2, 2, 0 };
  g_assert_cmpint (ecg_pool1d_out_length (&half), ==, 128);
  g_assert_cmpint (ecg_pool1d_out_length (&stem), ==, 250);
  g_assert_cmpint (ecg_pool1d_out_length (&odd), ==, 3); /* floor mode drops the last sample */
}

/* MaxPool1d(2) on 1 3 2 5 4 0 -1: windows (1 3) (2 5) (4 0), the odd last sample dropped. */
static void
test_maxpool_hand (void)
{
  const float in[7] = { 1, 3, 2, 5, 4, 0, -1 };
  float out[3];
  gint32 argmax[3];
  EcgPool1dShape shape = { 1, 1, 7, 2, 2, 0 };
  ecg_maxpool1d_forward (out, argmax, in, &shape);
  g_assert_cmpfloat (out[0], ==, 3);
  g_assert_cmpfloat (out[1], ==, 5);
  g_assert_cmpfloat (out[2], ==, 4);
  g_assert_cmpint (argmax[0], ==, 1);
  g_assert_cmpint (argmax[1], ==, 3);
  g_assert_cmpint (argmax[2], ==, 4);
}

/* MaxPool1d(3, 2, padding 1) as in the ResNet stems: padding is -inf, not 0, so an all-negative
 * row keeps its negative maxima. Windows over -3 -1 -2 -5: (pad -3 -1) (-1 -2 -5). Overlapping
 * windows that pick the same input both send their gradient there. */
static void
test_maxpool_padded (void)
{
  const float in[4] = { -3, -1, -2, -5 };
  float out[2];
  gint32 argmax[2];
  EcgPool1dShape shape = { 1, 1, 4, 3, 2, 1 };
  g_assert_cmpint (ecg_pool1d_out_length (&shape), ==, 2);
  ecg_maxpool1d_forward (out, argmax, in, &shape);
  g_assert_cmpfloat (out[0], ==, -1);
  g_assert_cmpfloat (out[1], ==, -1);
  g_assert_cmpint (argmax[0], ==, 1);
  g_assert_cmpint (argmax[1], ==, 1);

  const float d_out[2] = { 0.5f, 2.0f };
  float d_in[4] = { 1, 1, 1, 1 };
  ecg_maxpool1d_backward (d_in, d_out, argmax, &shape);
  g_assert_cmpfloat (d_in[0], ==, 1.0f);
  g_assert_cmpfloat (d_in[1], ==, 3.5f);
  g_assert_cmpfloat (d_in[2], ==, 1.0f);
  g_assert_cmpfloat (d_in[3], ==, 1.0f);
}

/* Ties go to the first maximum, as PyTorch's kernel (strict >), for windows and global max:
 * 2 2 | 1 1 -> argmax 0, 2; global over 0 5 5 -> 1. */
static void
test_max_ties_first (void)
{
  const float in[4] = { 2, 2, 1, 1 };
  float out[2];
  gint32 argmax[2];
  EcgPool1dShape shape = { 1, 1, 4, 2, 2, 0 };
  ecg_maxpool1d_forward (out, argmax, in, &shape);
  g_assert_cmpint (argmax[0], ==, 0);
  g_assert_cmpint (argmax[1], ==, 2);

  const float row[3] = { 0, 5, 5 };
  EcgGlobalPoolShape global = { 1, 1, 3, ECG_POOL_CHANNELS_TIME };
  ecg_global_max_pool_forward (out, argmax, row, &global);
  g_assert_cmpfloat (out[0], ==, 5);
  g_assert_cmpint (argmax[0], ==, 1);
}

/* The fast paths against the reference window loops: pairs (kernel 2, stride 2, no padding),
 * the ResNet stem's (3, 2, 1) and an odd (5, 3, 2), on 3 samples x 5 channels x 37 steps (odd,
 * so floor mode drops samples) of values drawn from {-1, 0, 1, NaN}: ties (first wins), NaN in
 * any place (NaN wins) and plain maxima all occur. Same values (NaN where NaN) and the same
 * argmax, bit for bit. */
static void
test_maxpool_fast_against_reference (void)
{
  enum { N = 3 * 5 * 37 };
  const EcgPool1dShape shapes[] = {
    { 3, 5, 37, 2, 2, 0 }, { 3, 5, 37, 3, 2, 1 }, { 3, 5, 37, 5, 3, 2 },
  };
  const int out_lengths[] = { 18, 19, 13 };
  float in[N];
  GRand *rand = g_rand_new_with_seed (7);
  for (int i = 0; i < N; i++)
    {
      int draw = g_rand_int_range (rand, 0, 4);
      in[i] = draw == 3 ? NAN : (float) (draw - 1);
    }
  g_rand_free (rand);
  for (gsize n = 0; n < G_N_ELEMENTS (shapes); n++)
    {
      const EcgPool1dShape *shape = &shapes[n];
      g_assert_cmpint (ecg_pool1d_out_length (shape), ==, out_lengths[n]);
      gsize n_out = (gsize) 3 * 5 * out_lengths[n];
      g_autofree float *fast = g_new (float, n_out);
      g_autofree float *reference = g_new (float, n_out);
      g_autofree gint32 *fast_index = g_new (gint32, n_out);
      g_autofree gint32 *reference_index = g_new (gint32, n_out);
      ecg_maxpool1d_forward (fast, fast_index, in, shape);
      ecg_maxpool1d_forward_reference (reference, reference_index, in, shape);
      int nan_wins = 0, ties = 0;
      for (gsize i = 0; i < n_out; i++)
        {
          g_assert_cmpint (fast_index[i], ==, reference_index[i]);
          g_assert_cmpint (isnan (fast[i]), ==, isnan (reference[i]));
          if (!isnan (reference[i]))
            g_assert_cmpfloat (fast[i], ==, reference[i]);
          /* The first element of the window and the maximum: a NaN taken over a number, or an
           * equal later value not taken. */
          const float *row = in + (i / out_lengths[n]) * 37;
          int start = MAX (0, (int) (i % out_lengths[n]) * shape->stride - shape->padding);
          nan_wins += isnan (reference[i]) && !isnan (row[start]);
          ties += reference_index[i] == start && !isnan (row[start])
                  && row[start] == row[start + 1];
        }
      /* The draw did produce the cases the rule is about. */
      g_assert_cmpint (nan_wins, >, 0);
      g_assert_cmpint (ties, >, 0);
    }
}

/* Keras AveragePooling1D(3, 2, 'valid') on 1..7: (1 2 3) (3 4 5) (5 6 7) -> 2 4 6. */
static void
test_avgpool_hand (void)
{
  const float in[7] = { 1, 2, 3, 4, 5, 6, 7 };
  float out[3];
  EcgPool1dShape shape = { 1, 1, 7, 3, 2, 0 };
  ecg_avgpool1d_forward (out, in, &shape);
  g_assert_cmpfloat_with_epsilon (out[0], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 4.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 6.0, 1e-6);
}

/* The same six numbers as [1][2][3] (channels, time) and as [1][3][2] (time, channels). */
static void
test_global_hand (void)
{
  const float in[6] = { 1, 2, 3, 4, -5, 6 };
  float out[2];
  gint32 argmax[2];

  EcgGlobalPoolShape channels_time = { 1, 2, 3, ECG_POOL_CHANNELS_TIME };
  ecg_global_avg_pool_forward (out, in, &channels_time);
  g_assert_cmpfloat_with_epsilon (out[0], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 5.0 / 3.0, 1e-6);
  ecg_global_max_pool_forward (out, argmax, in, &channels_time);
  g_assert_cmpfloat (out[0], ==, 3);
  g_assert_cmpfloat (out[1], ==, 6);
  g_assert_cmpint (argmax[0], ==, 2);
  g_assert_cmpint (argmax[1], ==, 2);

  /* rows (1 2) (3 4) (-5 6): channel 0 = 1 3 -5, channel 1 = 2 4 6 */
  EcgGlobalPoolShape time_channels = { 1, 2, 3, ECG_POOL_TIME_CHANNELS };
  ecg_global_avg_pool_forward (out, in, &time_channels);
  g_assert_cmpfloat_with_epsilon (out[0], -1.0 / 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 4.0, 1e-6);
  ecg_global_max_pool_forward (out, argmax, in, &time_channels);
  g_assert_cmpfloat (out[0], ==, 3);
  g_assert_cmpfloat (out[1], ==, 6);
  g_assert_cmpint (argmax[0], ==, 1);
  g_assert_cmpint (argmax[1], ==, 2);
}

typedef enum
{
  MAX_POOL,
  AVG_POOL,
  GLOBAL_AVG,
  GLOBAL_MAX,
} PoolKind;

typedef struct
{
  PoolKind kind;
  EcgPool1dShape window;
  EcgGlobalPoolShape global;
  float *in, *out, *loss_weights;
  gint32 *argmax;
  gsize n_in, n_out;
} GradFixture;

static void
forward (GradFixture *f)
{
  switch (f->kind)
    {
    case MAX_POOL:
      ecg_maxpool1d_forward (f->out, f->argmax, f->in, &f->window);
      break;
    case AVG_POOL:
      ecg_avgpool1d_forward (f->out, f->in, &f->window);
      break;
    case GLOBAL_AVG:
      ecg_global_avg_pool_forward (f->out, f->in, &f->global);
      break;
    case GLOBAL_MAX:
      ecg_global_max_pool_forward (f->out, f->argmax, f->in, &f->global);
      break;
    }
}

static double
pool_loss (gpointer user_data)
{
  GradFixture *f = user_data;
  forward (f);
  double loss = 0.0;
  for (gsize i = 0; i < f->n_out; i++)
    loss += (double)f->loss_weights[i] * f->out[i];
  return loss;
}

/* Input values are a shuffled ladder 0.1 apart, so the 1e-2 step never changes a maximum. */
static void
run_gradcheck (GradFixture *f)
{
  if (f->kind == MAX_POOL || f->kind == AVG_POOL)
    {
      f->n_in = (gsize)f->window.batch * f->window.channels * f->window.in_length;
      f->n_out = (gsize)f->window.batch * f->window.channels * ecg_pool1d_out_length (&f->window);
    }
  else
    {
      f->n_in = (gsize)f->global.batch * f->global.channels * f->global.length;
      f->n_out = (gsize)f->global.batch * f->global.channels;
    }
  f->in = g_new (float, f->n_in);
  f->out = g_new (float, f->n_out);
  f->argmax = g_new (gint32, f->n_out);
  f->loss_weights = g_new (float, f->n_out);
  GRand *rand = g_rand_new_with_seed (21);
  for (gsize i = 0; i < f->n_in; i++)
    f->in[i] = 0.1f * (float)i - 0.05f * (float)f->n_in;
  for (gsize i = f->n_in - 1; i > 0; i--)
    {
      gsize j = g_rand_int_range (rand, 0, (gint32)i + 1);
      float swap = f->in[i];
      f->in[i] = f->in[j];
      f->in[j] = swap;
    }
  g_rand_free (rand);
  ecg_gradcheck_fill_uniform (f->loss_weights, f->n_out, 22, -1, 1);

  g_autofree float *d_in = g_new0 (float, f->n_in);
  forward (f);
  switch (f->kind)
    {
    case MAX_POOL:
      ecg_maxpool1d_backward (d_in, f->loss_weights, f->argmax, &f->window);
      break;
    case AVG_POOL:
      ecg_avgpool1d_backward (d_in, f->loss_weights, &f->window);
      break;
    case GLOBAL_AVG:
      ecg_global_avg_pool_backward (d_in, f->loss_weights, &f->global);
      break;
    case GLOBAL_MAX:
      ecg_global_max_pool_backward (d_in, f->loss_weights, f->argmax, &f->global);
      break;
    }

  double err = ecg_gradcheck_max_error (f->in, d_in, f->n_in, pool_loss, f, 1e-2, 1e-2, 0);
  g_test_message ("max relative error %.2e", err);
  g_assert_cmpfloat (err, <, 1e-3);

  g_free (f->in);
  g_free (f->out);
  g_free (f->argmax);
  g_free (f->loss_weights);
}

static void
test_gradcheck_maxpool (void)
{
  GradFixture plain = { .kind = MAX_POOL, .window = { 2, 3, 11, 2, 2, 0 } };
  run_gradcheck (&plain);
  GradFixture padded = { .kind = MAX_POOL, .window = { 2, 2, 12, 3, 2, 1 } };
  run_gradcheck (&padded);
}

static void
test_gradcheck_avgpool (void)
{
  GradFixture valid = { .kind = AVG_POOL, .window = { 2, 3, 12, 3, 2, 0 } };
  run_gradcheck (&valid);
  GradFixture padded = { .kind = AVG_POOL, .window = { 1, 2, 9, 3, 1, 1 } };
  run_gradcheck (&padded);
}

static void
test_gradcheck_global (void)
{
  for (int layout = ECG_POOL_CHANNELS_TIME; layout <= ECG_POOL_TIME_CHANNELS; layout++)
    {
      GradFixture average = { .kind = GLOBAL_AVG, .global = { 2, 3, 5, layout } };
      run_gradcheck (&average);
      GradFixture maximum = { .kind = GLOBAL_MAX, .global = { 2, 3, 5, layout } };
      run_gradcheck (&maximum);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/pool/out-length", test_out_length);
  g_test_add_func ("/engine/nn/pool/maxpool-hand", test_maxpool_hand);
  g_test_add_func ("/engine/nn/pool/maxpool-padded", test_maxpool_padded);
  g_test_add_func ("/engine/nn/pool/max-ties-first", test_max_ties_first);
  g_test_add_func ("/engine/nn/pool/maxpool-fast-against-reference",
                   test_maxpool_fast_against_reference);
  g_test_add_func ("/engine/nn/pool/avgpool-hand", test_avgpool_hand);
  g_test_add_func ("/engine/nn/pool/global-hand", test_global_hand);
  g_test_add_func ("/engine/nn/pool/gradcheck-maxpool", test_gradcheck_maxpool);
  g_test_add_func ("/engine/nn/pool/gradcheck-avgpool", test_gradcheck_avgpool);
  g_test_add_func ("/engine/nn/pool/gradcheck-global", test_gradcheck_global);
  return g_test_run ();
}
