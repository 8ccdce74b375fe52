/* Tests of the int8 GEMM: every code path against plain loops written here from the
 * definition in ecg-quant-gemm.h (int32 sums exactly, epilogue bit for bit), the packing
 * layout, the rounding of codes, and one convolution layer against float within the error its
 * scales allow.
 */
#include <math.h>
#include <string.h>

#include "nn/ecg-conv1d.h"
#include "quant/ecg-quant-gemm.h"
#include "test-util.h"

/* ---- helpers ---- */

/* Activations 0..127 and weights -127..127, uniformly. */
static guint8 *
random_activations (GRand *rand, gsize n)
{
  guint8 *a = g_new (guint8, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    a[i] = (guint8) g_rand_int_range (rand, 0, ECG_QUANT_ACT_MAX + 1);
  return a;
}

static gint8 *
random_weights (GRand *rand, gsize n)
{
  gint8 *w = g_new (gint8, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    w[i] = (gint8) g_rand_int_range (rand, -ECG_QUANT_WEIGHT_MAX, ECG_QUANT_WEIGHT_MAX + 1);
  return w;
}

/* acc[j][i] = bias[i] + sum_k a[j * a_step + k] * w[i][k], straight from the definition. */
static gint32 *
reference_sums (const guint8 *a, gsize a_step, int n, const gint8 *w, int m, int k,
                const gint32 *bias)
{
  gint32 *acc = g_new (gint32, MAX ((gsize) n * m, 1));
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++)
      {
        gint64 sum = bias != NULL ? bias[i] : 0;
        for (int q = 0; q < k; q++)
          sum += (gint64) a[(gsize) j * a_step + q] * w[(gsize) i * k + q];
        acc[(gsize) j * m + i] = (gint32) sum;
      }
  return acc;
}

/* The epilogue of the header, evaluated here: one float rounding per operation (no FMA exists in
 * the baseline x86-64 this file is built for), then round half to even. */
static float
reference_value (gint32 biased, float scale, float residual, float residual_scale,
                 gboolean has_residual, gboolean relu)
{
  float v = (float) biased * scale;
  if (has_residual)
    {
      float r = residual * residual_scale;
      v = v + r;
    }
  if (relu && !(v > 0.0f))
    v = 0.0f;
  return v;
}

static guint8
reference_code (float v)
{
  if (!(v > 0.0f))
    return 0;
  if (v >= 127.0f)
    return 127;
  double r = nearbyint ((double) v); /* default mode: half to even */
  return (guint8) r;
}

/* ---- rounding and packing ---- */

static void
test_code_rounding (void)
{
  /* Half to even, clamped to 0..127. */
  g_assert_cmpuint (ecg_quant_code (0.5f), ==, 0);
  g_assert_cmpuint (ecg_quant_code (1.5f), ==, 2);
  g_assert_cmpuint (ecg_quant_code (2.5f), ==, 2);
  g_assert_cmpuint (ecg_quant_code (2.5000002f), ==, 3);
  g_assert_cmpuint (ecg_quant_code (126.5f), ==, 126);
  g_assert_cmpuint (ecg_quant_code (127.4f), ==, 127);
  g_assert_cmpuint (ecg_quant_code (1000.0f), ==, 127);
  g_assert_cmpuint (ecg_quant_code (-3.0f), ==, 0);
  g_assert_cmpuint (ecg_quant_code (-0.0f), ==, 0);
}

static void
test_pack_layout (void)
{
  /* 18 rows x 8: two blocks of 16 rows; w[i][k] = i * 8 + k - 64 (distinct values). */
  gint8 w[18 * 8];
  for (int i = 0; i < 18; i++)
    for (int k = 0; k < 8; k++)
      w[i * 8 + k] = (gint8) (i * 8 + k - 64);
  g_autoptr (EcgQuantPackedWeights) p = ecg_quant_pack_weights (w, 18, 8);
  g_assert_cmpint (p->m_blocks, ==, 2);
  /* block 0, group q = 1, row 2, step 3 -> w[2][7] at ((1 * 16 + 2) * 4 + 3). */
  g_assert_cmpint (p->data[(1 * 16 + 2) * 4 + 3], ==, w[2 * 8 + 7]);
  /* block 1 starts after 16 * 8 bytes; row 17 is its lane 1: group 0, step 0 -> w[17][0]. */
  g_assert_cmpint (p->data[16 * 8 + (0 * 16 + 1) * 4 + 0], ==, w[17 * 8 + 0]);
  /* rows 18..31 of block 1 are zero */
  for (int lane = 2; lane < 16; lane++)
    for (int r = 0; r < 4; r++)
      g_assert_cmpint (p->data[16 * 8 + (1 * 16 + lane) * 4 + r], ==, 0);
}

/* ---- paths ---- */

typedef struct
{
  int m, n, k;
  gsize a_step;
} Shape;

/* Shapes with rows beyond a block of 16, tails of 1..7 rows and of 1..7 columns, and rows of
 * `a` overlapping as a convolution's patches do (a_step < k). */
static const Shape shapes[] = {
  { 16, 4, 4, 4 },    { 37, 13, 20, 8 },  { 8, 1, 64, 64 },  { 64, 9, 160, 32 },
  { 5, 7, 12, 12 },   { 128, 16, 448, 64 }, { 33, 3, 28, 4 },
};

/* Every output kind of `path` against the definition (int32 exactly, codes and floats bit for
 * bit). */
static void
check_path (EcgQuantPath path)
{
  if (!ecg_quant_path_supported (path))
    {
      g_autofree char *why = g_strdup_printf ("this CPU does not run %s",
                                              ecg_quant_path_name (path));
      g_test_skip (why);
      return;
    }
  g_autoptr (GRand) rand = g_rand_new_with_seed (17 + path);
  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const Shape sh = shapes[s];
      gsize a_len = (gsize) (sh.n - 1) * sh.a_step + sh.k;
      g_autofree guint8 *a = random_activations (rand, a_len);
      g_autofree gint8 *w = random_weights (rand, (gsize) sh.m * sh.k);
      g_autofree gint32 *bias = g_new (gint32, sh.m);
      g_autofree float *scale = g_new (float, sh.m);
      for (int i = 0; i < sh.m; i++)
        {
          bias[i] = g_rand_int_range (rand, -40000, 40000);
          scale[i] = (float) g_rand_double_range (rand, 1e-5, 4e-4);
        }
      g_autoptr (EcgQuantPackedWeights) packed = ecg_quant_pack_weights (w, sh.m, sh.k);
      g_autofree gint32 *expected = reference_sums (a, sh.a_step, sh.n, w, sh.m, sh.k, bias);

      /* raw sums */
      g_autofree gint32 *sums = g_new0 (gint32, (gsize) sh.n * sh.m);
      EcgQuantEpilogue raw = { .bias = bias, .out_kind = ECG_QUANT_OUT_S32, .out = sums,
                               .out_stride = (gsize) sh.m };
      ecg_quant_gemm (path, a, sh.a_step, sh.n, packed, &raw);
      g_assert_cmpmem (sums, sizeof (gint32) * sh.n * sh.m, expected,
                       sizeof (gint32) * sh.n * sh.m);

      /* codes with ReLU and a code residual (stride wider than m, as a padded tensor row) */
      gsize stride = (gsize) sh.m + 3;
      g_autofree guint8 *residual = random_activations (rand, stride * sh.n);
      g_autofree guint8 *codes = g_new0 (guint8, stride * sh.n);
      EcgQuantEpilogue to_codes = {
        .bias = bias, .scale = scale, .relu = TRUE, .residual_kind = ECG_QUANT_RESIDUAL_U8,
        .residual = residual, .residual_stride = stride, .residual_scale = 0.37f,
        .out_kind = ECG_QUANT_OUT_U8, .out = codes, .out_stride = stride,
      };
      ecg_quant_gemm (path, a, sh.a_step, sh.n, packed, &to_codes);

      /* floats with a float residual, no ReLU */
      g_autofree float *residual_f = g_new (float, (gsize) sh.n * sh.m);
      for (gsize i = 0; i < (gsize) sh.n * sh.m; i++)
        residual_f[i] = (float) g_rand_double_range (rand, -3.0, 3.0);
      g_autofree float *values = g_new0 (float, (gsize) sh.n * sh.m);
      EcgQuantEpilogue to_floats = {
        .bias = bias, .scale = scale, .residual_kind = ECG_QUANT_RESIDUAL_F32,
        .residual = residual_f, .residual_stride = (gsize) sh.m, .residual_scale = 1.5f,
        .out_kind = ECG_QUANT_OUT_F32, .out = values, .out_stride = (gsize) sh.m,
      };
      ecg_quant_gemm (path, a, sh.a_step, sh.n, packed, &to_floats);

      /* floats with ReLU, no residual */
      g_autofree float *rectified = g_new0 (float, (gsize) sh.n * sh.m);
      EcgQuantEpilogue to_relu = {
        .bias = bias, .scale = scale, .relu = TRUE, .out_kind = ECG_QUANT_OUT_F32,
        .out = rectified, .out_stride = (gsize) sh.m,
      };
      ecg_quant_gemm (path, a, sh.a_step, sh.n, packed, &to_relu);

      gsize codes_seen = 0;
      for (int j = 0; j < sh.n; j++)
        for (int i = 0; i < sh.m; i++)
          {
            gint32 acc = expected[(gsize) j * sh.m + i];
            float v = reference_value (acc, scale[i], residual[j * stride + i], 0.37f, TRUE, TRUE);
            g_assert_cmpuint (codes[j * stride + i], ==, reference_code (v));
            codes_seen += codes[j * stride + i] > 0 && codes[j * stride + i] < 127;
            float f = reference_value (acc, scale[i], residual_f[(gsize) j * sh.m + i], 1.5f,
                                       TRUE, FALSE);
            g_assert_true (memcmp (&values[(gsize) j * sh.m + i], &f, sizeof f) == 0);
            float r = reference_value (acc, scale[i], 0.0f, 0.0f, FALSE, TRUE);
            g_assert_cmpfloat (rectified[(gsize) j * sh.m + i], ==, r);
          }
      /* The scales put most codes strictly inside 0..127, so the rounding was exercised. */
      g_assert_cmpuint (codes_seen, >, 0);
      /* Padding bytes between rows were not written. */
      for (int j = 0; j < sh.n; j++)
        for (gsize i = (gsize) sh.m; i < stride; i++)
          g_assert_cmpuint (codes[j * stride + i], ==, 0);
    }
}

static void
test_scalar (void)
{
  check_path (ECG_QUANT_PATH_SCALAR);
}

static void
test_avx2 (void)
{
  check_path (ECG_QUANT_PATH_AVX2);
}

static void
test_avx512_vnni (void)
{
  check_path (ECG_QUANT_PATH_AVX512_VNNI);
}

/* The largest sums: all activations 127 and weights +-127, where AVX2 would saturate if the
 * codes went to 255. K * 127 * 127 exactly on every path. */
static void
test_extreme_sums (void)
{
  const int m = 16, k = 896, n = 5;
  g_autofree guint8 *a = g_new (guint8, (gsize) n * k);
  memset (a, 127, (gsize) n * k);
  g_autofree gint8 *w = g_new (gint8, (gsize) m * k);
  for (int i = 0; i < m; i++)
    memset (w + (gsize) i * k, i % 2 ? -127 : 127, (gsize) k);
  g_autoptr (EcgQuantPackedWeights) packed = ecg_quant_pack_weights (w, m, k);
  for (int path = 0; path < ECG_QUANT_N_PATHS; path++)
    {
      if (!ecg_quant_path_supported ((EcgQuantPath) path))
        continue;
      gint32 sums[5 * 16];
      EcgQuantEpilogue raw = { .out_kind = ECG_QUANT_OUT_S32, .out = sums, .out_stride = 16 };
      ecg_quant_gemm ((EcgQuantPath) path, a, (gsize) k, n, packed, &raw);
      for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++)
          g_assert_cmpint (sums[j * 16 + i], ==, (i % 2 ? -1 : 1) * 896 * 127 * 127);
    }
}

/* The float-sum epilogue (a convolution run in float) is the same on every path. */
static void
test_epilogue_float (void)
{
  const int n = 9, m = 21;
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  float acc[9 * 21], bias[21], scale[21];
  for (int i = 0; i < n * m; i++)
    acc[i] = (float) g_rand_double_range (rand, -2.0, 6.0);
  for (int i = 0; i < m; i++)
    {
      bias[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
      scale[i] = 23.0f;
    }
  guint8 expected[9 * 21];
  for (int t = 0; t < n; t++)
    for (int o = 0; o < m; o++)
      {
        float v = acc[t * m + o] + bias[o];
        expected[t * m + o] = reference_code (v * scale[o]);
      }
  for (int path = 0; path < ECG_QUANT_N_PATHS; path++)
    {
      if (!ecg_quant_path_supported ((EcgQuantPath) path))
        continue;
      guint8 codes[9 * 21];
      EcgQuantEpilogue ep = { .scale = scale, .relu = TRUE, .out_kind = ECG_QUANT_OUT_U8,
                              .out = codes, .out_stride = (gsize) m };
      ecg_quant_epilogue_float ((EcgQuantPath) path, acc, (gsize) m, n, m, bias, &ep);
      g_assert_cmpmem (codes, sizeof codes, expected, sizeof expected);
    }
}

/* One convolution (16 -> 24 channels, kernel 5, stride 2, padding 2) quantised as the model
 * does — codes of a non-negative input at scale s_x, per-channel weights at s_w[o], int32 bias —
 * against the float convolution. Each output's error is bounded by what rounding the inputs,
 * weights and bias can do: sum |w| s_x/2 + sum x s_w/2 + sum s_x s_w/4 + s_x s_w/2. */
static void
test_conv_layer_vs_float (void)
{
  const int c_in = 16, c_out = 24, k = 5, stride = 2, pad = 2, length = 40;
  EcgConv1dShape shape = { 1, c_in, c_out, length, k, stride, pad };
  const int out_length = ecg_conv1d_out_length (&shape);
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  g_autofree float *x = g_new (float, c_in * length);
  g_autofree float *w = g_new (float, c_out * c_in * k);
  g_autofree float *b = g_new (float, c_out);
  for (int i = 0; i < c_in * length; i++)
    x[i] = (float) g_rand_double_range (rand, 0.0, 3.0);
  for (int i = 0; i < c_out * c_in * k; i++)
    w[i] = (float) g_rand_double_range (rand, -0.3, 0.3);
  for (int o = 0; o < c_out; o++)
    b[o] = (float) g_rand_double_range (rand, -0.5, 0.5);
  g_autofree float *y = g_new (float, c_out * out_length);
  ecg_conv1d_forward_reference (y, x, w, b, &shape);

  /* Input codes, time-major with `pad` zero rows in front and enough behind. */
  float s_x = 3.0f / 127.0f;
  int rows = pad + length + pad + 1;
  g_autofree guint8 *codes = g_new0 (guint8, (gsize) rows * c_in);
  for (int c = 0; c < c_in; c++)
    for (int t = 0; t < length; t++)
      codes[(gsize) (pad + t) * c_in + c] = ecg_quant_code (x[c * length + t] / s_x);
  /* Weights per output channel, reordered to (tap, channel) to match the rows. */
  g_autofree gint8 *wq = g_new (gint8, c_out * k * c_in);
  g_autofree float *s_w = g_new (float, c_out);
  g_autofree gint32 *bq = g_new (gint32, c_out);
  g_autofree float *multiplier = g_new (float, c_out);
  for (int o = 0; o < c_out; o++)
    {
      float max_abs = 0.0f;
      for (int i = 0; i < c_in * k; i++)
        max_abs = MAX (max_abs, fabsf (w[o * c_in * k + i]));
      s_w[o] = max_abs / 127.0f;
      for (int c = 0; c < c_in; c++)
        for (int j = 0; j < k; j++)
          wq[(o * k + j) * c_in + c] = (gint8) rintf (w[(o * c_in + c) * k + j] / s_w[o]);
      bq[o] = (gint32) rint (b[o] / ((double) s_x * s_w[o]));
      multiplier[o] = s_x * s_w[o];
    }
  g_autoptr (EcgQuantPackedWeights) packed = ecg_quant_pack_weights (wq, c_out, k * c_in);
  for (int path = 0; path < ECG_QUANT_N_PATHS; path++)
    {
      if (!ecg_quant_path_supported ((EcgQuantPath) path))
        continue;
      g_autofree float *yq = g_new (float, out_length * c_out);
      EcgQuantEpilogue ep = { .bias = bq, .scale = multiplier, .out_kind = ECG_QUANT_OUT_F32,
                              .out = yq, .out_stride = (gsize) c_out };
      /* Output t's patch starts at row t * stride (the front pad is the padding). */
      ecg_quant_gemm ((EcgQuantPath) path, codes, (gsize) stride * c_in, out_length, packed, &ep);
      double worst = 0.0;
      for (int o = 0; o < c_out; o++)
        for (int t = 0; t < out_length; t++)
          {
            double bound = (double) s_x * s_w[o] / 2.0;
            for (int c = 0; c < c_in; c++)
              for (int j = 0; j < k; j++)
                {
                  int i = t * stride + j - pad;
                  double xi = i >= 0 && i < length ? x[c * length + i] : 0.0;
                  bound += fabs (w[(o * c_in + c) * k + j]) * s_x / 2.0 + xi * s_w[o] / 2.0
                           + (double) s_x * s_w[o] / 4.0;
                }
            double error = fabs ((double) yq[t * c_out + o] - y[o * out_length + t]);
            g_assert_cmpfloat (error, <=, bound * (1.0 + 1e-5) + 1e-6);
            worst = MAX (worst, error / bound);
          }
      /* The bound is not vacuous: errors reach a visible part of it. */
      g_assert_cmpfloat (worst, >, 0.01);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/quant/gemm/code-rounding", test_code_rounding);
  g_test_add_func ("/engine/quant/gemm/pack-layout", test_pack_layout);
  g_test_add_func ("/engine/quant/gemm/scalar-vs-definition", test_scalar);
  g_test_add_func ("/engine/quant/gemm/avx2-vs-definition", test_avx2);
  g_test_add_func ("/engine/quant/gemm/avx512-vnni-vs-definition", test_avx512_vnni);
  g_test_add_func ("/engine/quant/gemm/extreme-sums", test_extreme_sums);
  g_test_add_func ("/engine/quant/gemm/epilogue-float", test_epilogue_float);
  g_test_add_func ("/engine/quant/gemm/conv-layer-vs-float", test_conv_layer_vs_float);
  return g_test_run ();
}
