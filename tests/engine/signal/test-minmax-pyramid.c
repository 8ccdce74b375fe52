/* test-minmax-pyramid.c — range min/max from the pyramid equals a scan of the samples. */
#include <math.h>

#include "signal/ecg-minmax-pyramid.h"

static void
brute_force (const float *x, gint64 from, gint64 to, float *low, float *high)
{
  *low = INFINITY;
  *high = -INFINITY;
  for (gint64 i = from; i < to; i++)
    if (!isnan (x[i]))
      {
        *low = MIN (*low, x[i]);
        *high = MAX (*high, x[i]);
      }
}

/* Every range of a short signal with NaN gaps, for lengths around powers of two. */
static void
test_all_ranges (void)
{
  static const gsize lengths[] = { 0, 1, 2, 3, 7, 8, 9, 31, 33, 100 };
  for (gsize l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      gsize n = lengths[l];
      g_autofree float *x = g_new (float, MAX (n, 1));
      for (gsize i = 0; i < n; i++)
        x[i] = (i % 11 == 4 || (i >= 40 && i < 60)) ? NAN : (float) ((i * 37) % 23) - 11.0f;
      g_autoptr (EcgMinMaxPyramid) pyramid = ecg_minmax_pyramid_new (x, n);
      /* n = 100: 50, 25, 13, 7, 4, 2, 1 entries → 7 levels. */
      if (n == 100)
        g_assert_cmpint (ecg_minmax_pyramid_get_n_levels (pyramid), ==, 7);
      if (n <= 1)
        g_assert_cmpint (ecg_minmax_pyramid_get_n_levels (pyramid), ==, 0);

      for (gint64 from = 0; from <= (gint64) n; from++)
        for (gint64 to = from; to <= (gint64) n; to++)
          {
            float lo, hi, want_lo, want_hi;
            gboolean found = ecg_minmax_pyramid_query (pyramid, from, to, &lo, &hi);
            brute_force (x, from, to, &want_lo, &want_hi);
            g_assert_cmpint (found, ==, want_lo <= want_hi);
            g_assert_true (lo == want_lo && hi == want_hi);
          }
    }
}

/* A 30-minute lead at 360 Hz: random ranges, and a single spike found from any covering range. */
static void
test_long_signal (void)
{
  gsize n = 30 * 60 * 360;
  g_autofree float *x = g_new (float, n);
  GRand *rand = g_rand_new_with_seed (7);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  x[123457] = 5.0f;
  g_autoptr (EcgMinMaxPyramid) pyramid = ecg_minmax_pyramid_new (x, n);

  for (int k = 0; k < 2000; k++)
    {
      gint64 from = g_rand_int_range (rand, 0, (gint32) n);
      gint64 to = from + g_rand_int_range (rand, 0, 100000);
      float lo, hi, want_lo, want_hi;
      ecg_minmax_pyramid_query (pyramid, from, to, &lo, &hi);
      brute_force (x, from, MIN (to, (gint64) n), &want_lo, &want_hi);
      g_assert_true (lo == want_lo && hi == want_hi);
    }
  float lo, hi;
  g_assert_true (ecg_minmax_pyramid_query (pyramid, 100000, 200000, &lo, &hi));
  g_assert_cmpfloat (hi, ==, 5.0f);
  /* Ranges beyond the ends are clamped. */
  g_assert_true (ecg_minmax_pyramid_query (pyramid, -5, (gint64) n + 5, &lo, &hi));
  g_assert_cmpfloat (hi, ==, 5.0f);
  g_assert_false (ecg_minmax_pyramid_query (pyramid, (gint64) n, (gint64) n + 5, &lo, &hi));
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/signal/minmax-pyramid/all-ranges", test_all_ranges);
  g_test_add_func ("/engine/signal/minmax-pyramid/long-signal", test_long_signal);
  return g_test_run ();
}
