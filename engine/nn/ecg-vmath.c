/* ecg-vmath.c — vectorised exp, sigmoid and tanh (see ecg-vmath.h).
 *
 * The scalar and AVX2 kernels evaluate the same formulas with the same constants; they differ
 * only in rounding (the AVX2 one fuses multiply-adds), by an ulp or two. The AVX2 functions are
 * compiled for AVX2+FMA with a target attribute and only called after the run-time check, so the
 * library itself runs on any x86-64 (and under valgrind).
 */
#include "nn/ecg-vmath.h"

#include <math.h>
#include <string.h>

#include "nn/ecg-activation.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define ECG_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#endif

/* Cephes expf: ln 2 split in two so that n*C1 is exact, and the polynomial for |r| <= ln2/2. */
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f
/* The clamp keeps n in [-126, 127], so 2^n is a normal float and never overflows. */
#define EXP_LO -87.33654f
#define EXP_HI 88.0f
/* Cephes tanhf: odd polynomial below 0.625. */
#define TANH_SMALL 0.625f
#define TANH_P0 -5.70498872745e-3f
#define TANH_P1 2.06390887954e-2f
#define TANH_P2 -5.37397155531e-2f
#define TANH_P3 1.33314422036e-1f
#define TANH_P4 -3.33332819422e-1f

/* ---- level ---------------------------------------------------------------------------- */

static EcgSimdLevel
detect_level (void)
{
  const char *forced = g_getenv ("ECGWB_SIMD");
  if (forced != NULL && g_ascii_strcasecmp (forced, "scalar") == 0)
    return ECG_SIMD_SCALAR;
#ifdef ECG_HAVE_AVX2_KERNELS
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return ECG_SIMD_AVX2;
#endif
  return ECG_SIMD_SCALAR;
}

EcgSimdLevel
ecg_simd_level (void)
{
  /* Written once (level + 1), then only read: a fact about the machine, not job state. */
  static gsize level_plus_one = 0;
  if (g_once_init_enter (&level_plus_one))
    g_once_init_leave (&level_plus_one, (gsize) detect_level () + 1);
  return (EcgSimdLevel) (level_plus_one - 1);
}

const char *
ecg_simd_level_name (EcgSimdLevel level)
{
  return level == ECG_SIMD_AVX2 ? "avx2" : "scalar";
}

/* ---- scalar kernels ------------------------------------------------------------------- */

static inline float
exp_scalar (float x)
{
  if (isnan (x))
    return x;
  x = x < EXP_LO ? EXP_LO : x > EXP_HI ? EXP_HI : x;
  float n = rintf (x * LOG2E);
  float r = (x - n * LN2_HI) - n * LN2_LO;
  float p = ((((EXP_P0 * r + EXP_P1) * r + EXP_P2) * r + EXP_P3) * r + EXP_P4) * r + EXP_P5;
  p = p * r * r + r + 1.0f;
  /* 2^n from its exponent bits. */
  guint32 bits = (guint32) ((gint32) n + 127) << 23;
  float scale;
  memcpy (&scale, &bits, sizeof scale);
  return p * scale;
}

static inline float
sigmoid_scalar (float x)
{
  return 1.0f / (1.0f + exp_scalar (-x));
}

static inline float
tanh_scalar (float x)
{
  float ax = fabsf (x);
  if (ax < TANH_SMALL)
    {
      float z = x * x;
      float q = (((TANH_P0 * z + TANH_P1) * z + TANH_P2) * z + TANH_P3) * z + TANH_P4;
      return q * z * x + x;
    }
  float t = 1.0f - 2.0f / (exp_scalar (2.0f * ax) + 1.0f);
  return copysignf (t, x);
}

static void
exp_scalar_loop (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = exp_scalar (in[i]);
}

static void
sigmoid_scalar_loop (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = sigmoid_scalar (in[i]);
}

static void
tanh_scalar_loop (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = tanh_scalar (in[i]);
}

/* ---- AVX2 + FMA kernels --------------------------------------------------------------- */

#ifdef ECG_HAVE_AVX2_KERNELS
#define AVX2_FN __attribute__ ((target ("avx2,fma")))

/* NaN propagates: max/min return their second operand when either is NaN, and p(NaN) is NaN. */
AVX2_FN static inline __m256
exp_avx2 (__m256 x)
{
  x = _mm256_max_ps (_mm256_set1_ps (EXP_LO), x);
  x = _mm256_min_ps (_mm256_set1_ps (EXP_HI), x);
  __m256 n = _mm256_round_ps (_mm256_mul_ps (x, _mm256_set1_ps (LOG2E)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps (n, _mm256_set1_ps (LN2_HI), x);
  r = _mm256_fnmadd_ps (n, _mm256_set1_ps (LN2_LO), r);
  __m256 p = _mm256_set1_ps (EXP_P0);
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (EXP_P1));
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (EXP_P2));
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (EXP_P3));
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (EXP_P4));
  p = _mm256_fmadd_ps (p, r, _mm256_set1_ps (EXP_P5));
  p = _mm256_fmadd_ps (p, _mm256_mul_ps (r, r), _mm256_add_ps (r, _mm256_set1_ps (1.0f)));
  __m256i bits = _mm256_slli_epi32 (
    _mm256_add_epi32 (_mm256_cvtps_epi32 (n), _mm256_set1_epi32 (127)), 23);
  return _mm256_mul_ps (p, _mm256_castsi256_ps (bits));
}

AVX2_FN static inline __m256
sigmoid_avx2 (__m256 x)
{
  __m256 one = _mm256_set1_ps (1.0f);
  __m256 e = exp_avx2 (_mm256_sub_ps (_mm256_setzero_ps (), x));
  return _mm256_div_ps (one, _mm256_add_ps (one, e));
}

AVX2_FN static inline __m256
tanh_avx2 (__m256 x)
{
  __m256 sign_bit = _mm256_set1_ps (-0.0f);
  __m256 ax = _mm256_andnot_ps (sign_bit, x);
  __m256 z = _mm256_mul_ps (x, x);
  __m256 q = _mm256_set1_ps (TANH_P0);
  q = _mm256_fmadd_ps (q, z, _mm256_set1_ps (TANH_P1));
  q = _mm256_fmadd_ps (q, z, _mm256_set1_ps (TANH_P2));
  q = _mm256_fmadd_ps (q, z, _mm256_set1_ps (TANH_P3));
  q = _mm256_fmadd_ps (q, z, _mm256_set1_ps (TANH_P4));
  __m256 small = _mm256_fmadd_ps (_mm256_mul_ps (q, z), x, x);
  __m256 one = _mm256_set1_ps (1.0f);
  __m256 e = exp_avx2 (_mm256_add_ps (ax, ax));
  __m256 large = _mm256_sub_ps (one, _mm256_div_ps (_mm256_set1_ps (2.0f), _mm256_add_ps (e, one)));
  large = _mm256_or_ps (large, _mm256_and_ps (sign_bit, x));
  /* NaN compares false and takes the large branch, which is NaN. */
  __m256 is_small = _mm256_cmp_ps (ax, _mm256_set1_ps (TANH_SMALL), _CMP_LT_OQ);
  return _mm256_blendv_ps (large, small, is_small);
}

/* Lanes [0, rest) on for a masked load/store of the last rest < 8 elements. */
AVX2_FN static inline __m256i
tail_mask (gsize rest)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) rest),
                             _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

/* One loop per function; the tail goes through the same vector code with masked memory access,
 * so an element's value does not depend on where it sits in the array. */
#define DEFINE_AVX2_LOOP(name, kernel)                                                         \
  AVX2_FN static void name (float *out, const float *in, gsize n)                              \
  {                                                                                            \
    gsize i = 0;                                                                               \
    for (; i + 8 <= n; i += 8)                                                                 \
      _mm256_storeu_ps (out + i, kernel (_mm256_loadu_ps (in + i)));                           \
    if (i < n)                                                                                 \
      {                                                                                        \
        __m256i mask = tail_mask (n - i);                                                      \
        _mm256_maskstore_ps (out + i, mask, kernel (_mm256_maskload_ps (in + i, mask)));       \
      }                                                                                        \
  }

DEFINE_AVX2_LOOP (exp_avx2_loop, exp_avx2)
DEFINE_AVX2_LOOP (sigmoid_avx2_loop, sigmoid_avx2)
DEFINE_AVX2_LOOP (tanh_avx2_loop, tanh_avx2)
#endif

/* ---- dispatch ------------------------------------------------------------------------- */

static gboolean
runs_avx2 (EcgSimdLevel level)
{
#ifdef ECG_HAVE_AVX2_KERNELS
  return level == ECG_SIMD_AVX2 && ecg_simd_level () == ECG_SIMD_AVX2;
#else
  return FALSE;
#endif
}

void
ecg_vexp_at (EcgSimdLevel level, float *out, const float *in, gsize n)
{
#ifdef ECG_HAVE_AVX2_KERNELS
  if (runs_avx2 (level))
    {
      exp_avx2_loop (out, in, n);
      return;
    }
#endif
  exp_scalar_loop (out, in, n);
}

void
ecg_vsigmoid_at (EcgSimdLevel level, float *out, const float *in, gsize n)
{
#ifdef ECG_HAVE_AVX2_KERNELS
  if (runs_avx2 (level))
    {
      sigmoid_avx2_loop (out, in, n);
      return;
    }
#endif
  sigmoid_scalar_loop (out, in, n);
}

void
ecg_vtanh_at (EcgSimdLevel level, float *out, const float *in, gsize n)
{
#ifdef ECG_HAVE_AVX2_KERNELS
  if (runs_avx2 (level))
    {
      tanh_avx2_loop (out, in, n);
      return;
    }
#endif
  tanh_scalar_loop (out, in, n);
}

void
ecg_vexp (float *out, const float *in, gsize n)
{
  ecg_vexp_at (ecg_simd_level (), out, in, n);
}

void
ecg_vsigmoid (float *out, const float *in, gsize n)
{
  ecg_vsigmoid_at (ecg_simd_level (), out, in, n);
}

void
ecg_vtanh (float *out, const float *in, gsize n)
{
  ecg_vtanh_at (ecg_simd_level (), out, in, n);
}

/* ---- reference ------------------------------------------------------------------------ */

void
ecg_vexp_reference (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = expf (in[i]);
}

void
ecg_vsigmoid_reference (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = ecg_sigmoidf (in[i]);
}

void
ecg_vtanh_reference (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = tanhf (in[i]);
}
