/* test-vmath.c — vectorised exp, sigmoid and tanh: published values, the scalar and AVX2
 * kernels against libm in double over a dense sweep, NaN and huge inputs, array tails. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "nn/ecg-vmath.h"

/* Both levels; AVX2 is skipped on a CPU without it (it would silently run the scalar kernels). */
static const EcgSimdLevel scalar_level = ECG_SIMD_SCALAR;
static const EcgSimdLevel avx2_level = ECG_SIMD_AVX2;

static gboolean
level_available (EcgSimdLevel level)
{
  if (level == ECG_SIMD_AVX2 && ecg_simd_level () != ECG_SIMD_AVX2)
    {
      g_test_skip ("this CPU (or ECGWB_SIMD) does not run the AVX2 kernels");
      return FALSE;
    }
  return TRUE;
}

/* e = 2.718281828459045, e^-10 = 4.5399929762484854e-05, tanh(0.5) = 0.46211715726000974,
 * tanh(-2) = -0.9640275800758169, sigmoid(1) = 0.7310585786300049. Exact: exp(0) = 1,
 * sigmoid(0) = 1/2, tanh(0) = 0. */
static void
test_values (gconstpointer data)
{
  EcgSimdLevel level = *(const EcgSimdLevel *) data;
  if (!level_available (level))
    return;
  const float in[4] = { 1.0f, -10.0f, 0.0f, 0.5f };
  float out[4];
  ecg_vexp_at (level, out, in, 4);
  g_assert_cmpfloat_with_epsilon (out[0], 2.718281828459045, 2.718281828459045 * 3e-7);
  g_assert_cmpfloat_with_epsilon (out[1], 4.5399929762484854e-05, 4.54e-5 * 3e-7);
  g_assert_cmpfloat (out[2], ==, 1.0f);

  const float t_in[3] = { 0.5f, -2.0f, 0.0f };
  ecg_vtanh_at (level, out, t_in, 3);
  g_assert_cmpfloat_with_epsilon (out[0], 0.46211715726000974, 1e-7);
  g_assert_cmpfloat_with_epsilon (out[1], -0.9640275800758169, 1e-7);
  g_assert_cmpfloat (out[2], ==, 0.0f);

  const float s_in[2] = { 1.0f, 0.0f };
  ecg_vsigmoid_at (level, out, s_in, 2);
  g_assert_cmpfloat_with_epsilon (out[0], 0.7310585786300049, 1e-7);
  g_assert_cmpfloat (out[1], ==, 0.5f);
}

/* Every float step of 1/1024 over [-90, 90] (184,321 values), against libm in double:
 * exp within 2 ulp (relative 2 * 2^-23) where it is representable, sigmoid and tanh within
 * 1.5e-7 absolute, tanh within 2 ulp relative below 1 where an absolute bound says little.
 * (Measured here: exp 0.97 ulp, sigmoid 8.9e-8, tanh 7.2e-8 and 1.05 ulp.) */
static void
test_sweep (gconstpointer data)
{
  EcgSimdLevel level = *(const EcgSimdLevel *) data;
  if (!level_available (level))
    return;
  const gsize n = 184321;
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    x[i] = -90.0f + (float) i / 1024.0f;
  const double ulp = 1.0 / 8388608.0;

  double worst_exp = 0;
  ecg_vexp_at (level, y, x, n);
  for (gsize i = 0; i < n; i++)
    if (x[i] >= -87.3f && x[i] <= 88.0f)
      worst_exp = fmax (worst_exp, fabs (y[i] - exp (x[i])) / exp (x[i]));
  g_assert_cmpfloat (worst_exp, <=, 2 * ulp);

  double worst_sigmoid = 0;
  ecg_vsigmoid_at (level, y, x, n);
  for (gsize i = 0; i < n; i++)
    worst_sigmoid = fmax (worst_sigmoid, fabs (y[i] - 1.0 / (1.0 + exp (-(double) x[i]))));
  g_assert_cmpfloat (worst_sigmoid, <=, 1.5e-7);

  double worst_tanh = 0, worst_tanh_small = 0;
  ecg_vtanh_at (level, y, x, n);
  for (gsize i = 0; i < n; i++)
    {
      double t = tanh ((double) x[i]);
      worst_tanh = fmax (worst_tanh, fabs (y[i] - t));
      if (x[i] != 0.0f && fabs (x[i]) < 1.0f)
        worst_tanh_small = fmax (worst_tanh_small, fabs (y[i] - t) / fabs (t));
    }
  g_assert_cmpfloat (worst_tanh, <=, 1.5e-7);
  g_assert_cmpfloat (worst_tanh_small, <=, 2 * ulp);

  /* Tiny arguments: tanh(x) = x - x^3/3 to float precision. */
  const float tiny[3] = { 1e-5f, -3e-8f, 1e-30f };
  float out[3];
  ecg_vtanh_at (level, out, tiny, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (out[i], tiny[i], fabs (tiny[i]) * 2 * ulp);
}

/* NaN stays NaN; huge and infinite arguments give the limits and never NaN or infinity. */
static void
test_special (gconstpointer data)
{
  EcgSimdLevel level = *(const EcgSimdLevel *) data;
  if (!level_available (level))
    return;
  const float in[6] = { NAN, 1e30f, -1e30f, INFINITY, -INFINITY, 200.0f };
  float e[6], s[6], t[6];
  ecg_vexp_at (level, e, in, 6);
  ecg_vsigmoid_at (level, s, in, 6);
  ecg_vtanh_at (level, t, in, 6);
  g_assert_true (isnan (e[0]) && isnan (s[0]) && isnan (t[0]));
  for (int i = 1; i < 6; i++)
    g_assert_true (isfinite (e[i]) && isfinite (s[i]) && isfinite (t[i]));
  g_assert_cmpfloat (e[2], <, 1.2e-38);
  g_assert_cmpfloat (e[1], >, 1e38);
  g_assert_cmpfloat (s[1], ==, 1.0f);
  g_assert_cmpfloat (s[2], <, 1e-38);
  g_assert_cmpfloat (s[2], >=, 0.0f);
  g_assert_cmpfloat (t[1], ==, 1.0f);
  g_assert_cmpfloat (t[2], ==, -1.0f);
  g_assert_cmpfloat (t[3], ==, 1.0f);
  g_assert_cmpfloat (t[4], ==, -1.0f);
}

/* Every length 0..19 (the AVX2 tail is masked): same values as one long call, in place too,
 * and nothing written past the end. */
static void
test_lengths (gconstpointer data)
{
  EcgSimdLevel level = *(const EcgSimdLevel *) data;
  if (!level_available (level))
    return;
  float x[20], full[20];
  for (int i = 0; i < 20; i++)
    x[i] = -3.0f + 0.37f * i;
  ecg_vtanh_at (level, full, x, 20);
  for (gsize len = 0; len < 20; len++)
    {
      float out[21];
      out[len] = 12345.0f;
      ecg_vtanh_at (level, out, x, len);
      g_assert_cmpfloat (out[len], ==, 12345.0f);
      for (gsize i = 0; i < len; i++)
        g_assert_cmpfloat (out[i], ==, full[i]);
      float copy[20];
      memcpy (copy, x, sizeof copy);
      ecg_vsigmoid_at (level, copy, copy, len);
      float separate[20];
      ecg_vsigmoid_at (level, separate, x, len);
      for (gsize i = 0; i < len; i++)
        g_assert_cmpfloat (copy[i], ==, separate[i]);
    }
}

/* The dispatching kernels agree with the reference loops (libm) to the sweep's bounds, and the
 * level has a name. */
static void
test_dispatch_against_reference (void)
{
  float x[64], fast[64], ref[64];
  for (int i = 0; i < 64; i++)
    x[i] = -8.0f + 0.25f * i;
  ecg_vsigmoid (fast, x, 64);
  ecg_vsigmoid_reference (ref, x, 64);
  for (int i = 0; i < 64; i++)
    g_assert_cmpfloat_with_epsilon (fast[i], ref[i], 1.5e-7);
  ecg_vtanh (fast, x, 64);
  ecg_vtanh_reference (ref, x, 64);
  for (int i = 0; i < 64; i++)
    g_assert_cmpfloat_with_epsilon (fast[i], ref[i], 1.5e-7);
  ecg_vexp (fast, x, 64);
  ecg_vexp_reference (ref, x, 64);
  for (int i = 0; i < 64; i++)
    g_assert_cmpfloat_with_epsilon (fast[i], ref[i], ref[i] * 3e-7);
  const char *name = ecg_simd_level_name (ecg_simd_level ());
  g_assert_true (g_str_equal (name, "avx2") || g_str_equal (name, "scalar"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const struct
  {
    const char *name;
    const EcgSimdLevel *level;
  } levels[] = { { "scalar", &scalar_level }, { "avx2", &avx2_level } };
  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *values = g_strdup_printf ("/engine/nn/vmath/%s/values", levels[i].name);
      g_autofree char *sweep = g_strdup_printf ("/engine/nn/vmath/%s/sweep", levels[i].name);
      g_autofree char *special = g_strdup_printf ("/engine/nn/vmath/%s/special", levels[i].name);
      g_autofree char *lengths = g_strdup_printf ("/engine/nn/vmath/%s/lengths", levels[i].name);
      g_test_add_data_func (values, levels[i].level, test_values);
      g_test_add_data_func (sweep, levels[i].level, test_sweep);
      g_test_add_data_func (special, levels[i].level, test_special);
      g_test_add_data_func (lengths, levels[i].level, test_lengths);
    }
  g_test_add_func ("/engine/nn/vmath/dispatch-against-reference", test_dispatch_against_reference);
  return g_test_run ();
}
