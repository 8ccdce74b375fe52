/* test-mhsa.c — multi-head self-attention: parameter count, identity projections against
 * softmax(x x^T / sqrt d) x, a naive multi-head reference, gradients by finite differences. */
#include "nn/ecg-mhsa.h"

#include <math.h>

#include "gradcheck.h"

static void
test_param_count (void)
{
  /* ConvTransformer encoder layer: MHA(d=256) in_proj + out_proj. */
  EcgMhsaShape shape = { .batch = 1, .steps = 125, .d_model = 256, .heads = 8 };
  g_assert_cmpuint (ecg_mhsa_param_count (&shape), ==, 263168);

  EcgMhsaOffsets off;
  ecg_mhsa_offsets (&shape, &off);
  g_assert_cmpuint (off.in_proj_weight, ==, 0);
  g_assert_cmpuint (off.in_proj_bias, ==, 3 * 256 * 256);
  g_assert_cmpuint (off.out_proj_weight, ==, 3 * 256 * 256 + 3 * 256);
  g_assert_cmpuint (off.out_proj_bias + 256, ==, 263168);
}

static gsize
shape_floats (const EcgMhsaShape *shape)
{
  return (gsize)shape->batch * shape->steps * shape->d_model;
}

/* One head, W_in = [I; I; I], W_out = I, zero biases: out = softmax(x x^T / sqrt(d)) x. */
static void
test_identity_projections (void)
{
  EcgMhsaShape shape = { .batch = 2, .steps = 3, .d_model = 4, .heads = 1 };
  const int T = 3, d = 4;
  g_autofree float *params = g_new0 (float, ecg_mhsa_param_count (&shape));
  EcgMhsaOffsets off;
  ecg_mhsa_offsets (&shape, &off);
  for (int part = 0; part < 3; part++)
    for (int j = 0; j < d; j++)
      params[off.in_proj_weight + (gsize)(part * d + j) * d + j] = 1.0f;
  for (int j = 0; j < d; j++)
    params[off.out_proj_weight + (gsize)j * d + j] = 1.0f;

  float in[2 * 3 * 4];
  ecg_gradcheck_fill_uniform (in, G_N_ELEMENTS (in), 11, -1.5f, 1.5f);
  float out[2 * 3 * 4];
  g_autofree float *cache = g_new (float, ecg_mhsa_cache_floats (&shape, FALSE));
  ecg_mhsa_forward (out, cache, in, params, &shape, FALSE);

  for (int b = 0; b < 2; b++)
    for (int r = 0; r < T; r++)
      {
        const float *xr = in + (b * T + r) * d;
        double s[3], sum = 0.0;
        for (int c = 0; c < T; c++)
          {
            const float *xc = in + (b * T + c) * d;
            double dot = 0.0;
            for (int j = 0; j < d; j++)
              dot += (double)xr[j] * xc[j];
            s[c] = exp (dot / 2.0); /* sqrt(4) */
            sum += s[c];
          }
        for (int j = 0; j < d; j++)
          {
            double expected = 0.0;
            for (int c = 0; c < T; c++)
              expected += s[c] / sum * in[(b * T + c) * d + j];
            g_assert_cmpfloat_with_epsilon (out[(b * T + r) * d + j], expected, 1e-6);
          }
      }
}

/* Plain loops in double with general weights and several heads. */
static void
reference_forward (double *out, const float *in, const float *params, const EcgMhsaShape *shape)
{
  const int B = shape->batch, T = shape->steps, d = shape->d_model, H = shape->heads;
  const int hd = d / H;
  const float *w_in = params, *b_in = params + 3 * d * d;
  const float *w_out = b_in + 3 * d, *b_out = w_out + d * d;
  g_autofree double *qkv = g_new (double, (gsize)T * 3 * d);
  g_autofree double *o = g_new (double, (gsize)T *d);
  g_autofree double *p = g_new (double, T);

  for (int b = 0; b < B; b++)
    {
      const float *x = in + (gsize)b * T * d;
      for (int t = 0; t < T; t++)
        for (int r = 0; r < 3 * d; r++)
          {
            double acc = b_in[r];
            for (int j = 0; j < d; j++)
              acc += (double)w_in[r * d + j] * x[t * d + j];
            qkv[t * 3 * d + r] = acc;
          }
      for (int n = 0; n < H; n++)
        for (int t = 0; t < T; t++)
          {
            double max = -INFINITY, sum = 0.0;
            for (int u = 0; u < T; u++)
              {
                double dot = 0.0;
                for (int j = 0; j < hd; j++)
                  dot += qkv[t * 3 * d + n * hd + j] * qkv[u * 3 * d + d + n * hd + j];
                p[u] = dot / sqrt ((double)hd);
                max = fmax (max, p[u]);
              }
            for (int u = 0; u < T; u++)
              sum += (p[u] = exp (p[u] - max));
            for (int j = 0; j < hd; j++)
              {
                double acc = 0.0;
                for (int u = 0; u < T; u++)
                  acc += p[u] / sum * qkv[u * 3 * d + 2 * d + n * hd + j];
                o[t * d + n * hd + j] = acc;
              }
          }
      for (int t = 0; t < T; t++)
        for (int r = 0; r < d; r++)
          {
            double acc = b_out[r];
            for (int j = 0; j < d; j++)
              acc += (double)w_out[r * d + j] * o[t * d + j];
            out[((gsize)b * T + t) * d + r] = acc;
          }
    }
}

static const EcgMhsaShape shape_small = { .batch = 2, .steps = 3, .d_model = 4, .heads = 2 };
static const EcgMhsaShape shape_three_heads = { .batch = 2, .steps = 5, .d_model = 6, .heads = 3 };

static void
test_reference (gconstpointer data)
{
  const EcgMhsaShape *shape = data;
  gsize n = shape_floats (shape), n_params = ecg_mhsa_param_count (shape);
  g_autofree float *in = g_new (float, n);
  g_autofree float *params = g_new (float, n_params);
  g_autofree double *expected = g_new (double, n);
  ecg_gradcheck_fill_uniform (in, n, 12, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 13, -0.8f, 0.8f);
  reference_forward (expected, in, params, shape);

  for (int training = 0; training <= 1; training++)
    {
      g_autofree float *out = g_new (float, n);
      g_autofree float *cache = g_new (float, ecg_mhsa_cache_floats (shape, training));
      ecg_mhsa_forward (out, cache, in, params, shape, training);
      for (gsize k = 0; k < n; k++)
        g_assert_cmpfloat_with_epsilon (out[k], expected[k], 2e-6);
    }
}

typedef struct
{
  const EcgMhsaShape *shape;
  float *in, *params, *out, *cache, *weights;
} LossData;

static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_mhsa_forward (ld->out, ld->cache, ld->in, ld->params, ld->shape, FALSE);
  double loss = 0.0;
  for (gsize k = 0; k < shape_floats (ld->shape); k++)
    loss += (double)ld->weights[k] * ld->out[k];
  return loss;
}

#define GRAD_EPS 2e-2
#define GRAD_FLOOR 1e-2
#define GRAD_TOLERANCE 1e-2

static void
assert_gradient (const char *what, float *x, const float *analytic, gsize n, LossData *ld)
{
  double err
      = ecg_gradcheck_max_error (x, analytic, n, weighted_output, ld, GRAD_EPS, GRAD_FLOOR, 0);
  g_test_message ("%s: largest relative error %.2e", what, err);
  if (!(err < GRAD_TOLERANCE))
    g_error ("%s: gradient relative error %.3e exceeds %.1e", what, err, GRAD_TOLERANCE);
}

static void
test_gradients (gconstpointer data)
{
  const EcgMhsaShape *shape = data;
  gsize n = shape_floats (shape), n_params = ecg_mhsa_param_count (shape);
  g_autofree float *in = g_new (float, n);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *weights = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *cache = g_new (float, ecg_mhsa_cache_floats (shape, TRUE));
  g_autofree float *scratch = g_new (float, ecg_mhsa_cache_floats (shape, FALSE));
  g_autofree float *d_in = g_new0 (float, n);
  g_autofree float *d_params = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n, 14, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 15, -0.8f, 0.8f);
  ecg_gradcheck_fill_uniform (weights, n, 16, -1.0f, 1.0f);

  ecg_mhsa_forward (out, cache, in, params, shape, TRUE);
  ecg_mhsa_backward (d_in, d_params, weights, in, params, cache, shape);

  LossData ld = { shape, in, params, out, scratch, weights };
  EcgMhsaOffsets off;
  ecg_mhsa_offsets (shape, &off);
  assert_gradient ("d_in", in, d_in, n, &ld);
  assert_gradient ("in_proj_weight", params + off.in_proj_weight, d_params + off.in_proj_weight,
                   off.in_proj_bias - off.in_proj_weight, &ld);
  assert_gradient ("in_proj_bias", params + off.in_proj_bias, d_params + off.in_proj_bias,
                   off.out_proj_weight - off.in_proj_bias, &ld);
  assert_gradient ("out_proj_weight", params + off.out_proj_weight, d_params + off.out_proj_weight,
                   off.out_proj_bias - off.out_proj_weight, &ld);
  assert_gradient ("out_proj_bias", params + off.out_proj_bias, d_params + off.out_proj_bias,
                   n_params - off.out_proj_bias, &ld);
}

/* Backward adds: two calls on the same buffers double them; NULL skips a buffer. */
static void
test_accumulates (void)
{
  const EcgMhsaShape *shape = &shape_three_heads;
  gsize n = shape_floats (shape), n_params = ecg_mhsa_param_count (shape);
  g_autofree float *in = g_new (float, n);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *d_out = g_new (float, n);
  g_autofree float *out = g_new (float, n);
  g_autofree float *cache = g_new (float, ecg_mhsa_cache_floats (shape, TRUE));
  g_autofree float *d_in = g_new0 (float, n);
  g_autofree float *d_params = g_new0 (float, n_params);
  g_autofree float *d_in_once = g_new0 (float, n);
  g_autofree float *d_params_once = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n, 17, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 18, -0.8f, 0.8f);
  ecg_gradcheck_fill_uniform (d_out, n, 19, -1.0f, 1.0f);

  ecg_mhsa_forward (out, cache, in, params, shape, TRUE);
  ecg_mhsa_backward (d_in_once, d_params_once, d_out, in, params, cache, shape);
  ecg_mhsa_backward (d_in, d_params, d_out, in, params, cache, shape);
  ecg_mhsa_backward (d_in, NULL, d_out, in, params, cache, shape);
  ecg_mhsa_backward (NULL, d_params, d_out, in, params, cache, shape);
  for (gsize k = 0; k < n; k++)
    g_assert_cmpfloat_with_epsilon (d_in[k], 2.0f * d_in_once[k], 1e-6 * (1.0 + fabs (d_in[k])));
  for (gsize k = 0; k < n_params; k++)
    g_assert_cmpfloat_with_epsilon (d_params[k], 2.0f * d_params_once[k],
                                    1e-6 * (1.0 + fabs (d_params[k])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/mhsa/param-count", test_param_count);
  g_test_add_func ("/engine/nn/mhsa/identity-projections", test_identity_projections);
  g_test_add_data_func ("/engine/nn/mhsa/reference/2-heads", &shape_small, test_reference);
  g_test_add_data_func ("/engine/nn/mhsa/reference/3-heads", &shape_three_heads, test_reference);
  g_test_add_data_func ("/engine/nn/mhsa/gradients/2-heads", &shape_small, test_gradients);
  g_test_add_data_func ("/engine/nn/mhsa/gradients/3-heads", &shape_three_heads, test_gradients);
  g_test_add_func ("/engine/nn/mhsa/accumulates", test_accumulates);
  return g_test_run ();
}
