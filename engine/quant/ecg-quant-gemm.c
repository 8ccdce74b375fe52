/* ecg-quant-gemm.c — int8 GEMM paths and their shared epilogue (see ecg-quant-gemm.h).
 *
 * Every path computes tiles of int32 sums, tile[j][i] for 16 output rows m0 + i and up to 8
 * columns n0 + j, then hands the tile to an epilogue. The scalar epilogue is the definition; the
 * AVX2 one does the same float operations 8 rows at a time (the AVX-512 path reuses it: any CPU
 * with AVX-512 has AVX2), so a value does not depend on the path that computed it.
 */
#include "quant/ecg-quant-gemm.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define ECG_HAVE_X86_KERNELS 1
#include <immintrin.h>
#define AVX2_FN __attribute__ ((target ("avx2")))
#define VNNI_FN __attribute__ ((target ("avx2,avx512f,avx512bw,avx512vnni")))
#endif

#define TILE_ROWS 16 /* output rows per packed block */
#define TILE_MAX_COLUMNS 8

/* ---- path choice ------------------------------------------------------------------------ */

static gboolean
cpu_has (EcgQuantPath path)
{
  switch (path)
    {
    case ECG_QUANT_PATH_SCALAR:
      return TRUE;
#ifdef ECG_HAVE_X86_KERNELS
    case ECG_QUANT_PATH_AVX2:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2");
    case ECG_QUANT_PATH_AVX512_VNNI:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("avx512f")
             && __builtin_cpu_supports ("avx512bw") && __builtin_cpu_supports ("avx512vnni");
#endif
    default:
      return FALSE;
    }
}

static EcgQuantPath
detect_best (void)
{
  const char *forced = g_getenv ("ECGWB_SIMD");
  EcgQuantPath cap = ECG_QUANT_PATH_AVX512_VNNI;
  if (forced != NULL && g_ascii_strcasecmp (forced, "scalar") == 0)
    cap = ECG_QUANT_PATH_SCALAR;
  else if (forced != NULL && g_ascii_strcasecmp (forced, "avx2") == 0)
    cap = ECG_QUANT_PATH_AVX2;
  for (int p = cap; p > ECG_QUANT_PATH_SCALAR; p--)
    if (cpu_has ((EcgQuantPath) p))
      return (EcgQuantPath) p;
  return ECG_QUANT_PATH_SCALAR;
}

EcgQuantPath
ecg_quant_path_best (void)
{
  /* Written once (path + 1), then only read. */
  static gsize path_plus_one = 0;
  if (g_once_init_enter (&path_plus_one))
    g_once_init_leave (&path_plus_one, (gsize) detect_best () + 1);
  return (EcgQuantPath) (path_plus_one - 1);
}

gboolean
ecg_quant_path_supported (EcgQuantPath path)
{
  return path >= ECG_QUANT_PATH_SCALAR && path < ECG_QUANT_N_PATHS && cpu_has (path);
}

const char *
ecg_quant_path_name (EcgQuantPath path)
{
  switch (path)
    {
    case ECG_QUANT_PATH_SCALAR:
      return "scalar";
    case ECG_QUANT_PATH_AVX2:
      return "avx2";
    case ECG_QUANT_PATH_AVX512_VNNI:
      return "avx512-vnni";
    default:
      return "?";
    }
}

/* ---- packing ------------------------------------------------------------------------------ */

EcgQuantPackedWeights *
ecg_quant_pack_weights (const gint8 *w, int m, int k)
{
  g_return_val_if_fail (m > 0 && k > 0 && k % 4 == 0, NULL);
  EcgQuantPackedWeights *packed = g_new0 (EcgQuantPackedWeights, 1);
  packed->m = m;
  packed->k = k;
  packed->m_blocks = (m + TILE_ROWS - 1) / TILE_ROWS;
  gsize bytes = (gsize) packed->m_blocks * (gsize) k * TILE_ROWS;
  packed->data = g_malloc0 (bytes);
  for (int row = 0; row < m; row++)
    {
      int block = row / TILE_ROWS, lane = row % TILE_ROWS;
      gint8 *dst = packed->data + (gsize) block * k * TILE_ROWS;
      for (int q = 0; q < k / 4; q++)
        memcpy (dst + ((gsize) q * TILE_ROWS + lane) * 4, w + (gsize) row * k + 4 * q, 4);
    }
  return packed;
}

void
ecg_quant_packed_weights_free (EcgQuantPackedWeights *packed)
{
  if (packed == NULL)
    return;
  g_free (packed->data);
  g_free (packed);
}

/* ---- epilogue ------------------------------------------------------------------------------ */

static inline guint8
code_of (float v)
{
  v = v > 0.0f ? v : 0.0f;
  v = v < (float) ECG_QUANT_ACT_MAX ? v : (float) ECG_QUANT_ACT_MAX;
  /* Adding and removing 1.5 * 2^23 rounds half to even in the default rounding mode, as
   * cvtps2dq does; exact for 0 <= v <= 127. */
  const float magic = 12582912.0f;
  return (guint8) (int) ((v + magic) - magic);
}

guint8
ecg_quant_code (float v)
{
  return code_of (v);
}

static inline float
residual_at (const EcgQuantEpilogue *ep, gsize n, int m)
{
  gsize index = n * ep->residual_stride + (gsize) m;
  if (ep->residual_kind == ECG_QUANT_RESIDUAL_U8)
    return (float) ((const guint8 *) ep->residual)[index];
  return ((const float *) ep->residual)[index];
}

/* Output (n, m) from its float value before residual and relu. */
static inline void
finish_value (float v, gsize n, int m, const EcgQuantEpilogue *ep)
{
  if (ep->residual_kind != ECG_QUANT_RESIDUAL_NONE)
    v = v + residual_at (ep, n, m) * ep->residual_scale;
  if (ep->relu)
    v = v > 0.0f ? v : 0.0f;
  gsize index = n * ep->out_stride + (gsize) m;
  if (ep->out_kind == ECG_QUANT_OUT_F32)
    ((float *) ep->out)[index] = v;
  else
    ((guint8 *) ep->out)[index] = code_of (v);
}

static inline void
finish_sum (gint32 acc, gsize n, int m, const EcgQuantEpilogue *ep)
{
  gint32 biased = acc + (ep->bias != NULL ? ep->bias[m] : 0);
  if (ep->out_kind == ECG_QUANT_OUT_S32)
    {
      ((gint32 *) ep->out)[n * ep->out_stride + (gsize) m] = biased;
      return;
    }
  finish_value ((float) biased * ep->scale[m], n, m, ep);
}

/* Columns n0 .. n0 + columns - 1, rows m0 .. m0 + rows - 1 of a tile [columns][16]. */
static void
epilogue_tile_scalar (const gint32 *tile, int columns, int n0, int m0, int rows,
                      const EcgQuantEpilogue *ep)
{
  for (int j = 0; j < columns; j++)
    for (int i = 0; i < rows; i++)
      finish_sum (tile[j * TILE_ROWS + i], (gsize) (n0 + j), m0 + i, ep);
}

static void
epilogue_float_scalar (const float *acc, gsize acc_stride, int n, int m, const float *bias,
                       const EcgQuantEpilogue *ep)
{
  for (int t = 0; t < n; t++)
    for (int o = 0; o < m; o++)
      {
        float v = acc[(gsize) t * acc_stride + o] + (bias != NULL ? bias[o] : 0.0f);
        finish_value (v * ep->scale[o], (gsize) t, o, ep);
      }
}

/* ---- scalar path --------------------------------------------------------------------------- */

/* tile[j][i] = sum_q sum_r a[n0 + j][4q + r] * block[q][i][r]. */
static void
tile_scalar (gint32 *tile, const guint8 *a, gsize a_step, int columns, const gint8 *block, int k)
{
  for (int j = 0; j < columns; j++)
    {
      const guint8 *x = a + (gsize) j * a_step;
      gint32 acc[TILE_ROWS] = { 0 };
      for (int q = 0; q < k / 4; q++)
        {
          const gint8 *g = block + (gsize) q * TILE_ROWS * 4;
          const guint8 *xq = x + 4 * q;
          for (int i = 0; i < TILE_ROWS; i++)
            acc[i] += g[4 * i] * xq[0] + g[4 * i + 1] * xq[1] + g[4 * i + 2] * xq[2]
                      + g[4 * i + 3] * xq[3];
        }
      memcpy (tile + j * TILE_ROWS, acc, sizeof acc);
    }
}

static void
gemm_scalar (const guint8 *a, gsize a_step, int n, const EcgQuantPackedWeights *w,
             const EcgQuantEpilogue *ep)
{
  gint32 tile[TILE_MAX_COLUMNS * TILE_ROWS];
  for (int mb = 0; mb < w->m_blocks; mb++)
    {
      const gint8 *block = w->data + (gsize) mb * w->k * TILE_ROWS;
      int m0 = mb * TILE_ROWS, rows = MIN (TILE_ROWS, w->m - m0);
      for (int n0 = 0; n0 < n; n0 += TILE_MAX_COLUMNS)
        {
          int columns = MIN (TILE_MAX_COLUMNS, n - n0);
          tile_scalar (tile, a + (gsize) n0 * a_step, a_step, columns, block, w->k);
          epilogue_tile_scalar (tile, columns, n0, m0, rows, ep);
        }
    }
}

/* ---- AVX2 path ----------------------------------------------------------------------------- */

#ifdef ECG_HAVE_X86_KERNELS

#define AVX2_COLUMNS 4

/* finish_value() on the 8 outputs (n, m .. m + 7). */
AVX2_FN static inline __attribute__ ((always_inline)) void
finish8_avx2 (__m256 v, gsize n, int m, const EcgQuantEpilogue *ep)
{
  const __m256 zero = _mm256_setzero_ps ();
  gsize r_index = n * ep->residual_stride + (gsize) m;
  if (ep->residual_kind == ECG_QUANT_RESIDUAL_U8)
    {
      __m128i bytes = _mm_loadl_epi64 ((const __m128i *) ((const guint8 *) ep->residual
                                                           + r_index));
      __m256 r = _mm256_cvtepi32_ps (_mm256_cvtepu8_epi32 (bytes));
      v = _mm256_add_ps (v, _mm256_mul_ps (r, _mm256_set1_ps (ep->residual_scale)));
    }
  else if (ep->residual_kind == ECG_QUANT_RESIDUAL_F32)
    {
      __m256 r = _mm256_loadu_ps ((const float *) ep->residual + r_index);
      v = _mm256_add_ps (v, _mm256_mul_ps (r, _mm256_set1_ps (ep->residual_scale)));
    }
  if (ep->relu)
    v = _mm256_max_ps (v, zero);
  gsize o_index = n * ep->out_stride + (gsize) m;
  if (ep->out_kind == ECG_QUANT_OUT_F32)
    {
      _mm256_storeu_ps ((float *) ep->out + o_index, v);
      return;
    }
  /* max/min as code_of() (v > 0 ? v : 0 is max_ps (v, 0)); cvtps2dq rounds half to even. */
  v = _mm256_min_ps (_mm256_max_ps (v, zero), _mm256_set1_ps ((float) ECG_QUANT_ACT_MAX));
  __m256i q = _mm256_cvtps_epi32 (v);
  __m128i q16 = _mm_packs_epi32 (_mm256_castsi256_si128 (q), _mm256_extracti128_si256 (q, 1));
  _mm_storel_epi64 ((__m128i *) ((guint8 *) ep->out + o_index), _mm_packus_epi16 (q16, q16));
}

/* The epilogue of finish_sum() on 8 rows at once; rows past `rows` go through the scalar one. */
AVX2_FN static void
epilogue_tile_avx2 (const gint32 *tile, int columns, int n0, int m0, int rows,
                    const EcgQuantEpilogue *ep)
{
  if (ep->out_kind == ECG_QUANT_OUT_S32)
    {
      epilogue_tile_scalar (tile, columns, n0, m0, rows, ep);
      return;
    }
  for (int j = 0; j < columns; j++)
    {
      gsize n = (gsize) (n0 + j);
      int i = 0;
      for (; i + 8 <= rows; i += 8)
        {
          int m = m0 + i;
          __m256i acc = _mm256_loadu_si256 ((const __m256i *) (tile + j * TILE_ROWS + i));
          if (ep->bias != NULL)
            acc = _mm256_add_epi32 (acc, _mm256_loadu_si256 ((const __m256i *) (ep->bias + m)));
          finish8_avx2 (_mm256_mul_ps (_mm256_cvtepi32_ps (acc), _mm256_loadu_ps (ep->scale + m)),
                        n, m, ep);
        }
      for (; i < rows; i++)
        finish_sum (tile[j * TILE_ROWS + i], n, m0 + i, ep);
    }
}

/* epilogue_float_scalar() 8 outputs at a time. */
AVX2_FN static void
epilogue_float_avx2 (const float *acc, gsize acc_stride, int n, int m, const float *bias,
                     const EcgQuantEpilogue *ep)
{
  for (int t = 0; t < n; t++)
    {
      const float *row = acc + (gsize) t * acc_stride;
      int o = 0;
      for (; o + 8 <= m; o += 8)
        {
          __m256 v = _mm256_loadu_ps (row + o);
          v = _mm256_add_ps (v, bias != NULL ? _mm256_loadu_ps (bias + o) : _mm256_setzero_ps ());
          finish8_avx2 (_mm256_mul_ps (v, _mm256_loadu_ps (ep->scale + o)), (gsize) t, o, ep);
        }
      for (; o < m; o++)
        {
          float v = row[o] + (bias != NULL ? bias[o] : 0.0f);
          finish_value (v * ep->scale[o], (gsize) t, o, ep);
        }
    }
}

/* `columns` (1..4, a constant after inlining) columns of 16 rows: per group of 4 reduction
 * steps, the 4 activation bytes of a column are broadcast to all 8 lanes; maddubs multiplies
 * them with 8 rows x 4 weights and adds pairs (int16, no saturation: see the header), madd with
 * ones adds the pairs into the int32 lanes, one per row. */
AVX2_FN static inline __attribute__ ((always_inline)) void
tile_avx2 (gint32 *tile, const guint8 *a, gsize a_step, const int columns, const gint8 *block,
           int k)
{
  const __m256i ones = _mm256_set1_epi16 (1);
  __m256i acc_lo[AVX2_COLUMNS], acc_hi[AVX2_COLUMNS];
  for (int j = 0; j < columns; j++)
    acc_lo[j] = acc_hi[j] = _mm256_setzero_si256 ();
  for (int q = 0; q < k / 4; q++)
    {
      const gint8 *g = block + (gsize) q * TILE_ROWS * 4;
      __m256i w_lo = _mm256_loadu_si256 ((const __m256i *) g);
      __m256i w_hi = _mm256_loadu_si256 ((const __m256i *) (g + 32));
      for (int j = 0; j < columns; j++)
        {
          gint32 x;
          memcpy (&x, a + (gsize) j * a_step + 4 * q, sizeof x);
          __m256i xv = _mm256_set1_epi32 (x);
          acc_lo[j] = _mm256_add_epi32 (acc_lo[j],
                                        _mm256_madd_epi16 (_mm256_maddubs_epi16 (xv, w_lo), ones));
          acc_hi[j] = _mm256_add_epi32 (acc_hi[j],
                                        _mm256_madd_epi16 (_mm256_maddubs_epi16 (xv, w_hi), ones));
        }
    }
  for (int j = 0; j < columns; j++)
    {
      _mm256_storeu_si256 ((__m256i *) (tile + j * TILE_ROWS), acc_lo[j]);
      _mm256_storeu_si256 ((__m256i *) (tile + j * TILE_ROWS + 8), acc_hi[j]);
    }
}

AVX2_FN static void
gemm_avx2 (const guint8 *a, gsize a_step, int n, const EcgQuantPackedWeights *w,
           const EcgQuantEpilogue *ep)
{
  gint32 tile[AVX2_COLUMNS * TILE_ROWS];
  for (int mb = 0; mb < w->m_blocks; mb++)
    {
      const gint8 *block = w->data + (gsize) mb * w->k * TILE_ROWS;
      int m0 = mb * TILE_ROWS, rows = MIN (TILE_ROWS, w->m - m0);
      for (int n0 = 0; n0 < n; n0 += AVX2_COLUMNS)
        {
          int columns = MIN (AVX2_COLUMNS, n - n0);
          const guint8 *a0 = a + (gsize) n0 * a_step;
          switch (columns)
            {
            case 4:
              tile_avx2 (tile, a0, a_step, 4, block, w->k);
              break;
            case 3:
              tile_avx2 (tile, a0, a_step, 3, block, w->k);
              break;
            case 2:
              tile_avx2 (tile, a0, a_step, 2, block, w->k);
              break;
            default:
              tile_avx2 (tile, a0, a_step, 1, block, w->k);
              break;
            }
          epilogue_tile_avx2 (tile, columns, n0, m0, rows, ep);
        }
    }
}

/* ---- AVX-512 VNNI path --------------------------------------------------------------------- */

#define VNNI_COLUMNS 8

/* dpbusd adds the four u8 x s8 products of each 32-bit lane into it (int32, no intermediate
 * rounding or saturation): one instruction per 16 rows x 4 steps of a column. */
VNNI_FN static inline __attribute__ ((always_inline)) void
tile_vnni (gint32 *tile, const guint8 *a, gsize a_step, const int columns, const gint8 *block,
           int k)
{
  __m512i acc[VNNI_COLUMNS];
  for (int j = 0; j < columns; j++)
    acc[j] = _mm512_setzero_si512 ();
  for (int q = 0; q < k / 4; q++)
    {
      __m512i wv = _mm512_loadu_si512 ((const void *) (block + (gsize) q * TILE_ROWS * 4));
      for (int j = 0; j < columns; j++)
        {
          gint32 x;
          memcpy (&x, a + (gsize) j * a_step + 4 * q, sizeof x);
          acc[j] = _mm512_dpbusd_epi32 (acc[j], _mm512_set1_epi32 (x), wv);
        }
    }
  for (int j = 0; j < columns; j++)
    _mm512_storeu_si512 ((void *) (tile + j * TILE_ROWS), acc[j]);
}

VNNI_FN static void
gemm_vnni (const guint8 *a, gsize a_step, int n, const EcgQuantPackedWeights *w,
           const EcgQuantEpilogue *ep)
{
  gint32 tile[VNNI_COLUMNS * TILE_ROWS];
  for (int mb = 0; mb < w->m_blocks; mb++)
    {
      const gint8 *block = w->data + (gsize) mb * w->k * TILE_ROWS;
      int m0 = mb * TILE_ROWS, rows = MIN (TILE_ROWS, w->m - m0);
      for (int n0 = 0; n0 < n; n0 += VNNI_COLUMNS)
        {
          int columns = MIN (VNNI_COLUMNS, n - n0);
          const guint8 *a0 = a + (gsize) n0 * a_step;
          if (columns == VNNI_COLUMNS)
            tile_vnni (tile, a0, a_step, VNNI_COLUMNS, block, w->k);
          else
            for (int j = 0; j < columns; j++)
              tile_vnni (tile + j * TILE_ROWS, a0 + (gsize) j * a_step, a_step, 1, block, w->k);
          epilogue_tile_avx2 (tile, columns, n0, m0, rows, ep);
        }
    }
}

#endif /* ECG_HAVE_X86_KERNELS */

void
ecg_quant_gemm (EcgQuantPath path, const guint8 *a, gsize a_step, int n,
                const EcgQuantPackedWeights *w, const EcgQuantEpilogue *ep)
{
  g_return_if_fail (n >= 0 && w != NULL && ep != NULL);
  g_return_if_fail (ecg_quant_path_supported (path));
  switch (path)
    {
#ifdef ECG_HAVE_X86_KERNELS
    case ECG_QUANT_PATH_AVX512_VNNI:
      gemm_vnni (a, a_step, n, w, ep);
      break;
    case ECG_QUANT_PATH_AVX2:
      gemm_avx2 (a, a_step, n, w, ep);
      break;
#endif
    default:
      gemm_scalar (a, a_step, n, w, ep);
      break;
    }
}

void
ecg_quant_epilogue_float (EcgQuantPath path, const float *acc, gsize acc_stride, int n, int m,
                          const float *bias, const EcgQuantEpilogue *ep)
{
  g_return_if_fail (ep->out_kind != ECG_QUANT_OUT_S32);
  g_return_if_fail (ecg_quant_path_supported (path));
#ifdef ECG_HAVE_X86_KERNELS
  if (path != ECG_QUANT_PATH_SCALAR)
    {
      epilogue_float_avx2 (acc, acc_stride, n, m, bias, ep);
      return;
    }
#endif
  epilogue_float_scalar (acc, acc_stride, n, m, bias, ep);
}
