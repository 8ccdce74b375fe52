/* test-attention-pool.c — additive (tanh) and linear-score attention pooling: parameter counts,
 * hand-computed weights, a naive reference, gradients by finite differences. */
#include "nn/ecg-attention-pool.h"

#include <math.h>

#include "gradcheck.h"

static void
test_param_count (void)
{
  /* CNN_LSTM_Attn / ResNet1D_SE_Attn: W Linear(256,128) 32,896 + v Linear(128,1) 129. */
  EcgAttentionPoolShape big = { .batch = 1, .steps = 32, .features = 256, .hidden = 128 };
  g_assert_cmpuint (ecg_attention_pool_param_count (&big), ==, 32896 + 129);
  /* ResNet1D_Attn: W Linear(128,64) 8,256 + v Linear(64,1) 65. */
  EcgAttentionPoolShape small = { .batch = 1, .steps = 16, .features = 128, .hidden = 64 };
  g_assert_cmpuint (ecg_attention_pool_param_count (&small), ==, 8256 + 65);
  /* ConvTransformer: score Linear(256,1) 257. */
  EcgAttentionPoolShape score = { .batch = 1, .steps = 125, .features = 256 };
  g_assert_cmpuint (ecg_attention_pool_linear_param_count (&score), ==, 257);

  EcgAttentionPoolOffsets off;
  ecg_attention_pool_offsets (&small, &off);
  g_assert_cmpuint (off.weight, ==, 0);
  g_assert_cmpuint (off.bias, ==, 8192);
  g_assert_cmpuint (off.score_weight, ==, 8256);
  g_assert_cmpuint (off.score_bias, ==, 8320);
}

/* Linear score, two steps: s = (ln 3 + 0.7, 0.7) gives a = (3/4, 1/4). Additive with W = 0:
 * every u_t = tanh(b_W) is the same, so a is uniform and out is the mean over time. */
static void
test_hand_weights (void)
{
  EcgAttentionPoolShape two = { .batch = 1, .steps = 2, .features = 2, .hidden = 3 };
  const float x[] = { 1.0f, 0.0f, 0.0f, 1.0f };
  const float linear_params[] = { logf (3.0f), 0.0f, 0.7f };
  float out[2], cache[4];
  ecg_attention_pool_linear_forward (out, cache, x, linear_params, &two);
  g_assert_cmpfloat_with_epsilon (out[0], 0.75, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 0.25, 1e-6);

  EcgAttentionPoolShape shape = { .batch = 2, .steps = 5, .features = 4, .hidden = 3 };
  float in[40], params[4 * 3 + 2 * 3 + 1] = { 0 }, pooled[8];
  g_autofree float *pool_cache = g_new (float, ecg_attention_pool_cache_floats (&shape));
  ecg_gradcheck_fill_uniform (in, 40, 31, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params + 12, 7, 32, -1.0f, 1.0f); /* b_W, v, b_v; W stays 0 */
  ecg_attention_pool_forward (pooled, pool_cache, in, params, &shape);
  for (int b = 0; b < 2; b++)
    for (int j = 0; j < 4; j++)
      {
        double mean = 0.0;
        for (int t = 0; t < 5; t++)
          mean += in[(b * 5 + t) * 4 + j] / 5.0;
        g_assert_cmpfloat_with_epsilon (pooled[b * 4 + j], mean, 1e-6);
      }
}

/* Plain loops in double; `hidden` = 0 selects the linear-score form. */
static void
reference_forward (double *out, const float *in, const float *params, int batch, int steps,
                   int features, int hidden)
{
  double s[64];
  g_assert_cmpint (steps, <=, 64);
  for (int b = 0; b < batch; b++)
    {
      double max = -INFINITY, sum = 0.0;
      for (int t = 0; t < steps; t++)
        {
          const float *x = in + (b * steps + t) * features;
          if (hidden == 0)
            {
              s[t] = params[features];
              for (int j = 0; j < features; j++)
                s[t] += (double)params[j] * x[j];
            }
          else
            {
              const float *w = params, *bw = w + hidden * features, *v = bw + hidden;
              s[t] = v[hidden];
              for (int k = 0; k < hidden; k++)
                {
                  double pre = bw[k];
                  for (int j = 0; j < features; j++)
                    pre += (double)w[k * features + j] * x[j];
                  s[t] += v[k] * tanh (pre);
                }
            }
          max = fmax (max, s[t]);
        }
      for (int t = 0; t < steps; t++)
        sum += (s[t] = exp (s[t] - max));
      for (int j = 0; j < features; j++)
        {
          double acc = 0.0;
          for (int t = 0; t < steps; t++)
            acc += s[t] / sum * in[(b * steps + t) * features + j];
          out[b * features + j] = acc;
        }
    }
}

static const EcgAttentionPoolShape shape_small
    = { .batch = 2, .steps = 5, .features = 4, .hidden = 3 };

static void
test_reference (void)
{
  const EcgAttentionPoolShape *shape = &shape_small;
  float in[40], params[19], linear_params[5], out[8];
  double expected[8];
  g_autofree float *cache = g_new (float, ecg_attention_pool_cache_floats (shape));
  ecg_gradcheck_fill_uniform (in, 40, 33, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, 19, 34, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (linear_params, 5, 35, -1.5f, 1.5f);

  ecg_attention_pool_forward (out, cache, in, params, shape);
  reference_forward (expected, in, params, 2, 5, 4, 3);
  for (int k = 0; k < 8; k++)
    g_assert_cmpfloat_with_epsilon (out[k], expected[k], 1e-6);

  ecg_attention_pool_linear_forward (out, cache, in, linear_params, shape);
  reference_forward (expected, in, linear_params, 2, 5, 4, 0);
  for (int k = 0; k < 8; k++)
    g_assert_cmpfloat_with_epsilon (out[k], expected[k], 1e-6);
}

typedef struct
{
  const EcgAttentionPoolShape *shape;
  gboolean linear;
  float *in, *params, *out, *cache, *weights;
} LossData;

static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  if (ld->linear)
    ecg_attention_pool_linear_forward (ld->out, ld->cache, ld->in, ld->params, ld->shape);
  else
    ecg_attention_pool_forward (ld->out, ld->cache, ld->in, ld->params, ld->shape);
  double loss = 0.0;
  for (int k = 0; k < ld->shape->batch * ld->shape->features; k++)
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
test_gradients (void)
{
  const EcgAttentionPoolShape *shape = &shape_small;
  float in[40], params[19], weights[8], out[8];
  float d_in[40] = { 0 }, d_params[19] = { 0 };
  g_autofree float *cache = g_new (float, ecg_attention_pool_cache_floats (shape));
  g_autofree float *scratch = g_new (float, ecg_attention_pool_cache_floats (shape));
  ecg_gradcheck_fill_uniform (in, 40, 36, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, 19, 37, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (weights, 8, 38, -1.0f, 1.0f);

  ecg_attention_pool_forward (out, cache, in, params, shape);
  ecg_attention_pool_backward (d_in, d_params, weights, in, params, cache, shape);

  LossData ld = { shape, FALSE, in, params, out, scratch, weights };
  EcgAttentionPoolOffsets off;
  ecg_attention_pool_offsets (shape, &off);
  assert_gradient ("d_in", in, d_in, 40, &ld);
  assert_gradient ("W", params + off.weight, d_params + off.weight, off.bias - off.weight, &ld);
  assert_gradient ("b_W", params + off.bias, d_params + off.bias, off.score_weight - off.bias, &ld);
  assert_gradient ("v", params + off.score_weight, d_params + off.score_weight,
                   off.score_bias - off.score_weight, &ld);
  assert_gradient ("b_v", params + off.score_bias, d_params + off.score_bias, 1, &ld);
}

static void
test_linear_gradients (void)
{
  const EcgAttentionPoolShape *shape = &shape_small;
  float in[40], params[5], weights[8], out[8];
  float d_in[40] = { 0 }, d_params[5] = { 0 };
  g_autofree float *cache = g_new (float, ecg_attention_pool_linear_cache_floats (shape));
  g_autofree float *scratch = g_new (float, ecg_attention_pool_linear_cache_floats (shape));
  ecg_gradcheck_fill_uniform (in, 40, 39, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, 5, 40, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (weights, 8, 41, -1.0f, 1.0f);

  ecg_attention_pool_linear_forward (out, cache, in, params, shape);
  ecg_attention_pool_linear_backward (d_in, d_params, weights, in, params, cache, shape);

  LossData ld = { shape, TRUE, in, params, out, scratch, weights };
  assert_gradient ("d_in", in, d_in, 40, &ld);
  assert_gradient ("w", params, d_params, 4, &ld);
  assert_gradient ("b", params + 4, d_params + 4, 1, &ld);
}

/* Backward adds: two calls on the same buffers double them; NULL skips a buffer. */
static void
test_accumulates (void)
{
  const EcgAttentionPoolShape *shape = &shape_small;
  float in[40], params[19], d_out[8], out[8];
  g_autofree float *cache = g_new (float, ecg_attention_pool_cache_floats (shape));
  ecg_gradcheck_fill_uniform (in, 40, 42, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, 19, 43, -1.5f, 1.5f);
  ecg_gradcheck_fill_uniform (d_out, 8, 44, -1.0f, 1.0f);

  for (int linear = 0; linear <= 1; linear++)
    {
      gsize n_params = linear ? 5 : 19;
      float d_in[40] = { 0 }, d_params[19] = { 0 }, d_in1[40] = { 0 }, d_params1[19] = { 0 };
      void (*backward) (float *, float *, const float *, const float *, const float *, float *,
                        const EcgAttentionPoolShape *)
          = linear ? ecg_attention_pool_linear_backward : ecg_attention_pool_backward;
      if (linear)
        ecg_attention_pool_linear_forward (out, cache, in, params, shape);
      else
        ecg_attention_pool_forward (out, cache, in, params, shape);
      backward (d_in1, d_params1, d_out, in, params, cache, shape);
      backward (d_in, d_params, d_out, in, params, cache, shape);
      backward (d_in, NULL, d_out, in, params, cache, shape);
      backward (NULL, d_params, d_out, in, params, cache, shape);
      for (int k = 0; k < 40; k++)
        g_assert_cmpfloat_with_epsilon (d_in[k], 2.0f * d_in1[k], 1e-6);
      for (gsize k = 0; k < n_params; k++)
        g_assert_cmpfloat_with_epsilon (d_params[k], 2.0f * d_params1[k], 1e-6);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/attention-pool/param-count", test_param_count);
  g_test_add_func ("/engine/nn/attention-pool/hand-weights", test_hand_weights);
  g_test_add_func ("/engine/nn/attention-pool/reference", test_reference);
  g_test_add_func ("/engine/nn/attention-pool/gradients/additive", test_gradients);
  g_test_add_func ("/engine/nn/attention-pool/gradients/linear", test_linear_gradients);
  g_test_add_func ("/engine/nn/attention-pool/accumulates", test_accumulates);
  return g_test_run ();
}
