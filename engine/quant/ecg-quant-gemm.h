/* ecg-quant-gemm.h — the int8 matrix product behind quantised convolutions, with a fused
 * epilogue, in three code paths chosen at run time.
 *
 * Product (exact, int32):
 *   acc[n][m] = sum_{k < K} a[n][k] * w[m][k]
 * a: unsigned activations in 0..127, row n at a + n * a_step (K contiguous bytes; a convolution
 *    passes its time-major input and lets rows overlap: see ecg-quant-model.c);
 * w: signed weights in -127..127, packed once by ecg_quant_pack_weights().
 * Activations stop at 127 (7-bit unsigned, as PyTorch's x86 "reduce_range") because AVX2 has no
 * u8 x s8 -> s32 dot product: _mm256_maddubs_epi16 adds two u8 x s8 products into a saturating
 * int16, and 2 * 127 * 127 = 32258 fits where 2 * 255 * 127 would not. With that bound no path
 * ever saturates, so all three give the same int32 sums bit for bit. After a ReLU the 7 bits are
 * exactly the resolution a symmetric int8 tensor would have (its negative half is unused).
 *
 * Packed weights: [ceil(M/16)][K/4][16][4] bytes — for each block of 16 output rows and each
 * group of 4 reduction steps, the 4 weights of row 0, then of row 1, ... (zeros beyond M). One
 * 64-byte group is one AVX-512 register (16 rows x 4) or two AVX2 registers (8 rows x 4 each),
 * matching the 4-byte broadcast of a[n][4q .. 4q+3].
 *
 * Paths (ecg_quant_path_best() picks the fastest the CPU reports, checked at run time):
 *   scalar       plain C over the packed layout: the reference, runs anywhere (and in valgrind);
 *   avx2         _mm256_maddubs_epi16 + _mm256_madd_epi16 (16 rows x 4 columns per tile);
 *   avx512-vnni  _mm512_dpbusd_epi32 (16 rows x 8 columns per tile).
 * The SIMD functions are compiled with per-function target attributes, never global -m flags.
 *
 * Epilogue, per output (n, m), in float with one rounding per operation (the library is built
 * with -ffp-contract=off so no compiler fuses them; the paths agree bit for bit):
 *   v = (float) (acc + bias[m]) * scale[m]
 *   v = v + (float) residual[n][m] * residual_scale      (when there is a residual)
 *   v = max (v, 0)                                        (relu)
 *   out = v (float), or round-half-even (clamp (v, 0, 127)) (u8), or acc + bias (int32, raw).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ECG_QUANT_PATH_SCALAR,
  ECG_QUANT_PATH_AVX2,
  ECG_QUANT_PATH_AVX512_VNNI,
  ECG_QUANT_N_PATHS
} EcgQuantPath;

/* Largest activation code: see above. */
#define ECG_QUANT_ACT_MAX 127
/* Largest weight magnitude (symmetric, -127..127). */
#define ECG_QUANT_WEIGHT_MAX 127

/* The best path this CPU runs: avx512-vnni needs avx512f, avx512bw and avx512vnni; avx2 needs
 * avx2. ECGWB_SIMD=scalar in the environment forces scalar, ECGWB_SIMD=avx2 caps at avx2 (to
 * compare, or under a debugger). Checked once; a fact about the machine, not job state. */
EcgQuantPath ecg_quant_path_best (void);
/* Whether this CPU can run `path` (scalar always). */
gboolean ecg_quant_path_supported (EcgQuantPath path);
/* "scalar", "avx2" or "avx512-vnni" (provenance, logs, bench tables). */
const char *ecg_quant_path_name (EcgQuantPath path);

typedef struct
{
  int m;          /* output rows */
  int k;          /* reduction length, a multiple of 4 */
  int m_blocks;   /* ceil (m / 16) */
  gint8 *data;    /* m_blocks * k * 16 bytes, layout above */
} EcgQuantPackedWeights;

/* Packs w [m][k] (row-major, values in -127..127, k a multiple of 4). Owned by the caller. */
EcgQuantPackedWeights *ecg_quant_pack_weights (const gint8 *w, int m, int k);
void ecg_quant_packed_weights_free (EcgQuantPackedWeights *packed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgQuantPackedWeights, ecg_quant_packed_weights_free)

typedef enum
{
  ECG_QUANT_OUT_U8,   /* guint8 codes 0..127 */
  ECG_QUANT_OUT_F32,  /* float */
  ECG_QUANT_OUT_S32,  /* gint32 acc + bias, nothing else applied (tests, raw sums) */
} EcgQuantOutKind;

typedef enum
{
  ECG_QUANT_RESIDUAL_NONE,
  ECG_QUANT_RESIDUAL_U8,   /* guint8 codes */
  ECG_QUANT_RESIDUAL_F32,  /* float */
} EcgQuantResidualKind;

typedef struct
{
  const gint32 *bias;                /* [m], or NULL for 0 */
  const float *scale;                /* [m] (not used by ECG_QUANT_OUT_S32) */
  gboolean relu;
  EcgQuantResidualKind residual_kind;
  const void *residual;              /* row n at residual + n * residual_stride elements */
  gsize residual_stride;
  float residual_scale;
  EcgQuantOutKind out_kind;
  void *out;                         /* row n at out + n * out_stride elements, m of them */
  gsize out_stride;
} EcgQuantEpilogue;

/* The product of rows a[0..n) with `w`, finished by `epilogue`. `path` must be supported. */
void ecg_quant_gemm (EcgQuantPath path, const guint8 *a, gsize a_step, int n,
                     const EcgQuantPackedWeights *w, const EcgQuantEpilogue *epilogue);

/* The epilogue alone over float sums (a convolution run in float, e.g. on the signed network
 * input): v = (acc[n][m] + bias[m]) * scale[m], then residual, relu and output as above
 * (`epilogue->bias` is not used; `bias` may be NULL; not ECG_QUANT_OUT_S32). The same on every
 * path; avx512-vnni uses the avx2 code. */
void ecg_quant_epilogue_float (EcgQuantPath path, const float *acc, gsize acc_stride, int n,
                               int m, const float *bias, const EcgQuantEpilogue *epilogue);

/* round-half-even (clamp (v, 0, 127)) as the epilogue computes it. */
guint8 ecg_quant_code (float v);

G_END_DECLS
