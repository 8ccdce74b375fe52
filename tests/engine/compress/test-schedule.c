/* Tests of the pruning schedule s_l(t), beta_l, d_l and the per-layer ceiling (DESIGN.md §6). */
#include <math.h>

#include "compress/ecg-schedule.h"
#include "ecg-error.h"

static EcgSchedule
schedule (double target, double beta, int steps)
{
  EcgSchedule s;
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_schedule_init (&s, target, beta, steps, &error));
  g_assert_no_error (error);
  return s;
}

/* beta = 0: s(t) = s_target t / K = 0.16, 0.32, 0.48, 0.64, 0.80 for s = 0.8, K = 5. */
static void
test_linear (void)
{
  EcgSchedule s = schedule (0.8, 0.0, 5);
  const double expected[] = { 0.0, 0.16, 0.32, 0.48, 0.64, 0.80 };
  for (int t = 0; t <= 5; t++)
    g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 0.0, t), expected[t], 1e-12);
  /* Steps outside 0..K clamp. */
  g_assert_cmpfloat (ecg_schedule_sparsity (&s, 0.0, -1), ==, 0.0);
  g_assert_cmpfloat (ecg_schedule_sparsity (&s, 0.0, 9), ==, 0.8);
}

/* beta_l = 0.5, s = 0.8, K = 5: s(1) = 0.8 (1 - e^-0.5) / (1 - e^-2.5)
 * = 0.8 * 0.3934693403 / 0.9179150014 = 0.3429244230; s(2) = 0.8 * 0.6321205588 / 0.9179150014
 * = 0.5509185995; s(5) = 0.8 exactly. */
static void
test_exponential (void)
{
  EcgSchedule s = schedule (0.8, 1.0, 5);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 0.5, 1), 0.3429244230, 1e-9);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 0.5, 2), 0.5509185995, 1e-9);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 0.5, 3), 0.6770734447, 1e-9);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 0.5, 4), 0.7535902261, 1e-9);
  g_assert_cmpfloat (ecg_schedule_sparsity (&s, 0.5, 5), ==, 0.8);
  /* beta_l = 2: s(1) = 0.8 * 0.8646647168 / 0.9999546000 = 0.6917631794. */
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 2.0, 1), 0.6917631794, 1e-9);
  g_assert_cmpfloat (ecg_schedule_sparsity (&s, 2.0, 5), ==, 0.8);
  /* Monotone in t. */
  for (int t = 1; t <= 5; t++)
    g_assert_cmpfloat (ecg_schedule_sparsity (&s, 0.5, t), >,
                       ecg_schedule_sparsity (&s, 0.5, t - 1));
}

/* d_l = block / (n_blocks - 1); beta_l = beta (0.5 + d_l). */
static void
test_depth_and_beta (void)
{
  g_assert_cmpfloat (ecg_schedule_block_depth (0, 1), ==, 0.0);
  g_assert_cmpfloat (ecg_schedule_block_depth (0, 5), ==, 0.0);
  g_assert_cmpfloat (ecg_schedule_block_depth (2, 5), ==, 0.5);
  g_assert_cmpfloat (ecg_schedule_block_depth (4, 5), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_block_depth (1, 4), 1.0 / 3.0, 1e-15);
  EcgSchedule s = schedule (0.8, 2.0, 5);
  g_assert_cmpfloat (ecg_schedule_layer_beta (&s, 0.0), ==, 1.0);
  g_assert_cmpfloat (ecg_schedule_layer_beta (&s, 0.5), ==, 2.0);
  g_assert_cmpfloat (ecg_schedule_layer_beta (&s, 1.0), ==, 3.0);
  EcgSchedule linear = schedule (0.8, 0.0, 5);
  g_assert_cmpfloat (ecg_schedule_layer_beta (&linear, 1.0), ==, 0.0);
}

/* The deepest block (beta_l = 3 for beta = 2) is ahead of the shallowest (beta_l = 1) at every
 * t < K — s(1) = 0.7602 vs 0.5091 — and both reach s_target at K. */
static void
test_deeper_prunes_earlier (void)
{
  EcgSchedule s = schedule (0.8, 2.0, 5);
  double shallow = ecg_schedule_layer_beta (&s, ecg_schedule_block_depth (0, 3));
  double deep = ecg_schedule_layer_beta (&s, ecg_schedule_block_depth (2, 3));
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, shallow, 1), 0.5091269172, 1e-9);
  /* beta_l = 3: 0.8 (1 - e^-3) / (1 - e^-15) = 0.8 * 0.9502129316 / 0.9999996941 */
  g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, deep, 1), 0.7601705778, 1e-9);
  for (int t = 1; t < 5; t++)
    g_assert_cmpfloat (ecg_schedule_sparsity (&s, deep, t), >,
                       ecg_schedule_sparsity (&s, shallow, t));
  g_assert_cmpfloat (ecg_schedule_sparsity (&s, deep, 5), ==,
                     ecg_schedule_sparsity (&s, shallow, 5));
}

/* A vanishing beta_l gives the linear limit (no cancellation in the formula). */
static void
test_small_beta_is_linear (void)
{
  EcgSchedule s = schedule (0.6, 1e-12, 4);
  for (int t = 0; t <= 4; t++)
    g_assert_cmpfloat_with_epsilon (ecg_schedule_sparsity (&s, 1e-12, t), 0.15 * t, 1e-11);
}

/* c(t) = min(0.95, s(t) 0.95 / s_target): 0.19 at s(1) = 0.16 and 0.95 at K (s = 0.8);
 * c >= s always for s_target <= 0.95. */
static void
test_ceiling (void)
{
  EcgSchedule s = schedule (0.8, 0.0, 5);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_ceiling (&s, 0.16), 0.19, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_ceiling (&s, 0.48), 0.57, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_schedule_ceiling (&s, 0.8), 0.95, 1e-12);
  EcgSchedule top = schedule (0.95, 1.0, 3);
  for (int t = 0; t <= 3; t++)
    {
      double st = ecg_schedule_sparsity (&top, 1.5, t);
      g_assert_cmpfloat_with_epsilon (ecg_schedule_ceiling (&top, st), st, 1e-12);
    }
  EcgSchedule none = schedule (0.0, 1.0, 3);
  g_assert_cmpfloat (ecg_schedule_sparsity (&none, 1.5, 2), ==, 0.0);
  g_assert_cmpfloat (ecg_schedule_ceiling (&none, 0.0), ==, 0.0);
}

static void
test_invalid (void)
{
  EcgSchedule s;
  const struct
  {
    double target, beta;
    int steps;
  } bad[] = { { 0.96, 0.0, 5 }, { -0.1, 0.0, 5 }, { NAN, 0.0, 5 }, { 0.5, -1.0, 5 },
              { 0.5, INFINITY, 5 }, { 0.5, 0.0, 0 } };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (ecg_schedule_init (&s, bad[i].target, bad[i].beta, bad[i].steps, &error));
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_schedule_init (&s, 0.95, 0.0, 1, &error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/compress/schedule/linear", test_linear);
  g_test_add_func ("/engine/compress/schedule/exponential", test_exponential);
  g_test_add_func ("/engine/compress/schedule/depth-and-beta", test_depth_and_beta);
  g_test_add_func ("/engine/compress/schedule/deeper-prunes-earlier", test_deeper_prunes_earlier);
  g_test_add_func ("/engine/compress/schedule/small-beta-is-linear", test_small_beta_is_linear);
  g_test_add_func ("/engine/compress/schedule/ceiling", test_ceiling);
  g_test_add_func ("/engine/compress/schedule/invalid", test_invalid);
  return g_test_run ();
}
