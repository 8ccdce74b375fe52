/* test-lstm.c — LSTM: parameter counts, a hand-computed cell, a naive reference, BPTT gradients
 * against central finite differences. */
#include "nn/ecg-lstm.h"

#include <math.h>

#include "gradcheck.h"

/* ---- parameter counts (model-zoo-layers.txt) ---- */

static void
test_param_count (void)
{
  /* CNN_LSTM_Attn: LSTM(128, 128, 1 layer, bidirectional). */
  EcgLstmShape cnn_lstm = {
    .batch = 1, .steps = 32, .input_size = 128, .hidden = 128, .num_layers = 1, .num_directions = 2
  };
  g_assert_cmpuint (ecg_lstm_param_count (&cnn_lstm), ==, 264192);

  /* BiLSTM_ECG: LSTM(1, 128, 2 layers, bidirectional): layer0 134,144 + layer1 395,264. */
  EcgLstmShape bilstm = {
    .batch = 1, .steps = 256, .input_size = 1, .hidden = 128, .num_layers = 2, .num_directions = 2
  };
  g_assert_cmpuint (2 * ecg_lstm_direction_param_count (&bilstm, 0), ==, 134144);
  g_assert_cmpuint (2 * ecg_lstm_direction_param_count (&bilstm, 1), ==, 395264);
  g_assert_cmpuint (ecg_lstm_param_count (&bilstm), ==, 529408);

  /* Layout: per layer and direction weight_ih, weight_hh, bias_ih, bias_hh back to back. */
  EcgLstmShape tiny = {
    .batch = 2, .steps = 4, .input_size = 3, .hidden = 5, .num_layers = 2, .num_directions = 2
  };
  EcgLstmOffsets off;
  ecg_lstm_offsets (&tiny, 0, 0, &off);
  g_assert_cmpuint (off.weight_ih, ==, 0);
  g_assert_cmpuint (off.weight_hh, ==, 20 * 3);
  g_assert_cmpuint (off.bias_ih, ==, 20 * 3 + 20 * 5);
  g_assert_cmpuint (off.bias_hh, ==, 20 * 3 + 20 * 5 + 20);
  ecg_lstm_offsets (&tiny, 0, 1, &off);
  g_assert_cmpuint (off.weight_ih, ==, 200);
  ecg_lstm_offsets (&tiny, 1, 0, &off);
  g_assert_cmpuint (off.weight_ih, ==, 400);
  g_assert_cmpuint (off.weight_hh, ==, 400 + 20 * 10);
  ecg_lstm_offsets (&tiny, 1, 1, &off);
  g_assert_cmpuint (off.bias_hh + 20, ==, ecg_lstm_param_count (&tiny));
  g_assert_cmpuint (ecg_lstm_param_count (&tiny), ==, 2 * 200 + 2 * 4 * (10 * 5 + 25 + 10));
}

/* ---- a one-unit cell over two steps, written out by hand ---- */

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

static void
test_hand_cell (void)
{
  /* input_size 2, hidden 1, one direction: weight_ih [4][2], weight_hh [4][1], biases [4]. */
  EcgLstmShape shape = {
    .batch = 1, .steps = 2, .input_size = 2, .hidden = 1, .num_layers = 1, .num_directions = 1
  };
  float params[] = {
    0.5f,  -0.25f,               /* W_ih row i */
    0.1f,  0.3f,                 /* f */
    -0.7f, 0.9f,                 /* g */
    0.2f,  -0.4f,                /* o */
    0.6f,  -0.5f,  0.8f,  0.3f,  /* W_hh i, f, g, o */
    0.05f, 0.5f,   -0.1f, 0.2f,  /* b_ih */
    0.01f, 0.2f,   0.03f, -0.1f, /* b_hh */
  };
  g_assert_cmpuint (G_N_ELEMENTS (params), ==, ecg_lstm_param_count (&shape));
  float in[] = { 1.0f, 2.0f, -0.5f, 0.75f };
  float out[2];
  g_autofree float *cache = g_new0 (float, ecg_lstm_cache_floats (&shape, TRUE));
  ecg_lstm_forward (out, cache, in, params, &shape, TRUE);

  /* Step 0: h_{-1} = c_{-1} = 0. */
  double i0 = sigmoid (0.5 * 1 - 0.25 * 2 + 0.05 + 0.01);
  double g0 = tanh (-0.7 * 1 + 0.9 * 2 - 0.1 + 0.03);
  double o0 = sigmoid (0.2 * 1 - 0.4 * 2 + 0.2 - 0.1);
  double c0 = i0 * g0;
  double h0 = o0 * tanh (c0);
  /* Step 1: x = (-0.5, 0.75). */
  double i1 = sigmoid (0.5 * -0.5 - 0.25 * 0.75 + 0.6 * h0 + 0.05 + 0.01);
  double f1 = sigmoid (0.1 * -0.5 + 0.3 * 0.75 - 0.5 * h0 + 0.5 + 0.2);
  double g1 = tanh (-0.7 * -0.5 + 0.9 * 0.75 + 0.8 * h0 - 0.1 + 0.03);
  double o1 = sigmoid (0.2 * -0.5 - 0.4 * 0.75 + 0.3 * h0 + 0.2 - 0.1);
  double c1 = f1 * c0 + i1 * g1;
  double h1 = o1 * tanh (c1);

  g_assert_cmpfloat_with_epsilon (out[0], h0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], h1, 1e-6);

  /* Reversed, the backward direction's first step is x_1 from a zero state. */
  EcgLstmShape reversed = shape;
  reversed.num_directions = 2;
  float params2[2 * G_N_ELEMENTS (params)];
  for (gsize k = 0; k < G_N_ELEMENTS (params); k++)
    params2[k] = params2[k + G_N_ELEMENTS (params)] = params[k];
  float out2[4];
  g_autofree float *cache2 = g_new0 (float, ecg_lstm_cache_floats (&reversed, FALSE));
  ecg_lstm_forward (out2, cache2, in, params2, &reversed, FALSE);
  double i_r = sigmoid (0.5 * -0.5 - 0.25 * 0.75 + 0.05 + 0.01);
  double g_r = tanh (-0.7 * -0.5 + 0.9 * 0.75 - 0.1 + 0.03);
  double o_r = sigmoid (0.2 * -0.5 - 0.4 * 0.75 + 0.2 - 0.1);
  g_assert_cmpfloat_with_epsilon (out2[0], h0, 1e-6);                     /* forward, t = 0 */
  g_assert_cmpfloat_with_epsilon (out2[3], o_r * tanh (i_r * g_r), 1e-6); /* backward, t = 1 */
}

/* ---- naive reference: plain loops in double, walking the parameters in PyTorch order ---- */

static void
reference_forward (double *out, const float *in, const float *params, const EcgLstmShape *shape)
{
  const int B = shape->batch, T = shape->steps, h = shape->hidden;
  const int dirs = shape->num_directions, D = dirs * h;
  const float *p = params;
  double *x = g_new (double, (gsize)B *T *MAX (shape->input_size, D));
  double *y = g_new (double, (gsize)B *T *D);
  int in_size = shape->input_size;
  for (gsize k = 0; k < (gsize)B * T * in_size; k++)
    x[k] = in[k];

  for (int l = 0; l < shape->num_layers; l++)
    {
      for (int d = 0; d < dirs; d++)
        {
          const float *w_ih = p;
          const float *w_hh = w_ih + 4 * h * in_size;
          const float *b_ih = w_hh + 4 * h * h;
          const float *b_hh = b_ih + 4 * h;
          p = b_hh + 4 * h;
          for (int b = 0; b < B; b++)
            {
              double hs[64] = { 0 }, cs[64] = { 0 }, a[256];
              g_assert_cmpint (h, <=, 64);
              for (int s = 0; s < T; s++)
                {
                  int t = d == 0 ? s : T - 1 - s;
                  const double *xt = x + ((gsize)b * T + t) * in_size;
                  for (int r = 0; r < 4 * h; r++)
                    {
                      a[r] = b_ih[r] + b_hh[r];
                      for (int k = 0; k < in_size; k++)
                        a[r] += w_ih[r * in_size + k] * xt[k];
                      for (int k = 0; k < h; k++)
                        a[r] += w_hh[r * h + k] * hs[k];
                    }
                  for (int j = 0; j < h; j++)
                    {
                      cs[j] = sigmoid (a[h + j]) * cs[j] + sigmoid (a[j]) * tanh (a[2 * h + j]);
                      hs[j] = sigmoid (a[3 * h + j]) * tanh (cs[j]);
                      y[((gsize)b * T + t) * D + d * h + j] = hs[j];
                    }
                }
            }
        }
      in_size = D;
      for (gsize k = 0; k < (gsize)B * T * D; k++)
        x[k] = y[k];
    }
  for (gsize k = 0; k < (gsize)B * T * D; k++)
    out[k] = y[k];
  g_free (x);
  g_free (y);
}

static const EcgLstmShape shape_bidir = {
  .batch = 2, .steps = 4, .input_size = 3, .hidden = 5, .num_layers = 2, .num_directions = 2
};
static const EcgLstmShape shape_uni = {
  .batch = 3, .steps = 5, .input_size = 2, .hidden = 4, .num_layers = 3, .num_directions = 1
};
/* One sample takes the matrix-vector path for W_hh; hidden 9 = one full AVX2 vector + a tail. */
static const EcgLstmShape shape_one_sample = {
  .batch = 1, .steps = 6, .input_size = 3, .hidden = 9, .num_layers = 2, .num_directions = 2
};

static gsize
shape_in_floats (const EcgLstmShape *shape)
{
  return (gsize)shape->batch * shape->steps * shape->input_size;
}

static gsize
shape_out_floats (const EcgLstmShape *shape)
{
  return (gsize)shape->batch * shape->steps * shape->num_directions * shape->hidden;
}

static void
test_reference (gconstpointer data)
{
  const EcgLstmShape *shape = data;
  gsize n_in = shape_in_floats (shape), n_out = shape_out_floats (shape);
  gsize n_params = ecg_lstm_param_count (shape);
  g_autofree float *in = g_new (float, n_in);
  g_autofree float *params = g_new (float, n_params);
  ecg_gradcheck_fill_uniform (in, n_in, 1, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 2, -0.6f, 0.6f);

  g_autofree double *expected = g_new (double, n_out);
  reference_forward (expected, in, params, shape);

  for (int training = 0; training <= 1; training++)
    {
      g_autofree float *out = g_new (float, n_out);
      g_autofree float *cache = g_new (float, ecg_lstm_cache_floats (shape, training));
      ecg_lstm_forward (out, cache, in, params, shape, training);
      for (gsize k = 0; k < n_out; k++)
        g_assert_cmpfloat_with_epsilon (out[k], expected[k], 2e-6);
    }
}

/* ---- gradients ---- */

typedef struct
{
  const EcgLstmShape *shape;
  float *in, *params, *out, *cache, *weights;
} LossData;

/* L = sum_k weights[k] * out[k], so dL/dout = weights. */
static double
weighted_output (gpointer user_data)
{
  LossData *ld = user_data;
  ecg_lstm_forward (ld->out, ld->cache, ld->in, ld->params, ld->shape, FALSE);
  double loss = 0.0;
  for (gsize k = 0; k < shape_out_floats (ld->shape); k++)
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
  const EcgLstmShape *shape = data;
  gsize n_in = shape_in_floats (shape), n_out = shape_out_floats (shape);
  gsize n_params = ecg_lstm_param_count (shape);
  g_autofree float *in = g_new (float, n_in);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *weights = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *cache = g_new (float, ecg_lstm_cache_floats (shape, TRUE));
  g_autofree float *scratch = g_new (float, ecg_lstm_cache_floats (shape, FALSE));
  g_autofree float *d_in = g_new0 (float, n_in);
  g_autofree float *d_params = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n_in, 3, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 4, -0.6f, 0.6f);
  ecg_gradcheck_fill_uniform (weights, n_out, 5, -1.0f, 1.0f);

  ecg_lstm_forward (out, cache, in, params, shape, TRUE);
  ecg_lstm_backward (d_in, d_params, weights, in, params, cache, shape);

  LossData ld = { shape, in, params, out, scratch, weights };
  assert_gradient ("d_in", in, d_in, n_in, &ld);
  static const char *const tensor_names[] = { "weight_ih", "weight_hh", "bias_ih", "bias_hh" };
  for (int l = 0; l < shape->num_layers; l++)
    for (int d = 0; d < shape->num_directions; d++)
      {
        EcgLstmOffsets off;
        ecg_lstm_offsets (shape, l, d, &off);
        gsize starts[] = { off.weight_ih, off.weight_hh, off.bias_ih, off.bias_hh };
        gsize ends[] = { off.weight_hh, off.bias_ih, off.bias_hh, off.bias_hh + 4 * shape->hidden };
        for (int k = 0; k < 4; k++)
          {
            g_autofree char *what
                = g_strdup_printf ("layer %d direction %d %s", l, d, tensor_names[k]);
            assert_gradient (what, params + starts[k], d_params + starts[k], ends[k] - starts[k],
                             &ld);
          }
      }
}

/* Backward adds: two calls on the same buffers double them; NULL skips a buffer. */
static void
test_accumulates (void)
{
  const EcgLstmShape *shape = &shape_bidir;
  gsize n_in = shape_in_floats (shape), n_out = shape_out_floats (shape);
  gsize n_params = ecg_lstm_param_count (shape);
  g_autofree float *in = g_new (float, n_in);
  g_autofree float *params = g_new (float, n_params);
  g_autofree float *d_out = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *cache = g_new (float, ecg_lstm_cache_floats (shape, TRUE));
  g_autofree float *d_in = g_new0 (float, n_in);
  g_autofree float *d_params = g_new0 (float, n_params);
  g_autofree float *d_in_once = g_new0 (float, n_in);
  g_autofree float *d_params_once = g_new0 (float, n_params);
  ecg_gradcheck_fill_uniform (in, n_in, 6, -1.0f, 1.0f);
  ecg_gradcheck_fill_uniform (params, n_params, 7, -0.6f, 0.6f);
  ecg_gradcheck_fill_uniform (d_out, n_out, 8, -1.0f, 1.0f);

  ecg_lstm_forward (out, cache, in, params, shape, TRUE);
  ecg_lstm_backward (d_in_once, d_params_once, d_out, in, params, cache, shape);
  ecg_lstm_backward (d_in, d_params, d_out, in, params, cache, shape);
  ecg_lstm_backward (d_in, NULL, d_out, in, params, cache, shape);
  ecg_lstm_backward (NULL, d_params, d_out, in, params, cache, shape);
  for (gsize k = 0; k < n_in; k++)
    g_assert_cmpfloat_with_epsilon (d_in[k], 2.0f * d_in_once[k], 1e-6 * (1.0 + fabs (d_in[k])));
  for (gsize k = 0; k < n_params; k++)
    g_assert_cmpfloat_with_epsilon (d_params[k], 2.0f * d_params_once[k],
                                    1e-6 * (1.0 + fabs (d_params[k])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/nn/lstm/param-count", test_param_count);
  g_test_add_func ("/engine/nn/lstm/hand-cell", test_hand_cell);
  g_test_add_data_func ("/engine/nn/lstm/reference/bidirectional-2-layers", &shape_bidir,
                        test_reference);
  g_test_add_data_func ("/engine/nn/lstm/reference/unidirectional-3-layers", &shape_uni,
                        test_reference);
  g_test_add_data_func ("/engine/nn/lstm/gradients/bidirectional-2-layers", &shape_bidir,
                        test_gradients);
  g_test_add_data_func ("/engine/nn/lstm/gradients/unidirectional-3-layers", &shape_uni,
                        test_gradients);
  g_test_add_data_func ("/engine/nn/lstm/reference/one-sample", &shape_one_sample,
                        test_reference);
  g_test_add_data_func ("/engine/nn/lstm/gradients/one-sample", &shape_one_sample,
                        test_gradients);
  g_test_add_func ("/engine/nn/lstm/accumulates", test_accumulates);
  return g_test_run ();
}
