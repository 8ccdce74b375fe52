/* ecg-lstm.c — LSTM forward and backpropagation through time (see ecg-lstm.h).
 *
 * Training cache layout (floats), D = dirs*h, G = 4h:
 *   layer_out[l]        [B][T][D]   for each layer
 *   gates[l][d]         [B][T][G]   activated i, f, g, o      } for each layer and direction,
 *   cell[l][d]          [B][T][h]   c_t                        } interleaved
 *   d_gates             [B][T][G]   backward scratch: pre-activation gradients of one direction
 *   dh_carry, dc_carry  [B][h] each
 *   d_layer[2]          [B][T][D]   ping-pong gradients w.r.t. inner layer outputs (layers > 1)
 * Inference cache layout:
 *   layer_out[2]        [B][T][D]   ping-pong inner layer outputs (layers > 1)
 *   gates               [B][T][G]
 *   cell                [B][h]      the running c, updated in place
 */
#include "nn/ecg-lstm.h"

#include <cblas.h>
#include <string.h>

#include "nn/ecg-vmath.h"

int
ecg_lstm_layer_input_size (const EcgLstmShape *shape, int layer)
{
  return layer == 0 ? shape->input_size : shape->num_directions * shape->hidden;
}

gsize
ecg_lstm_direction_param_count (const EcgLstmShape *shape, int layer)
{
  gsize h = shape->hidden;
  gsize in = ecg_lstm_layer_input_size (shape, layer);
  return 4 * (in * h + h * h + 2 * h);
}

gsize
ecg_lstm_param_count (const EcgLstmShape *shape)
{
  gsize total = 0;
  for (int l = 0; l < shape->num_layers; l++)
    total += shape->num_directions * ecg_lstm_direction_param_count (shape, l);
  return total;
}

void
ecg_lstm_offsets (const EcgLstmShape *shape, int layer, int direction, EcgLstmOffsets *offsets)
{
  gsize start = 0;
  for (int l = 0; l < layer; l++)
    start += shape->num_directions * ecg_lstm_direction_param_count (shape, l);
  start += direction * ecg_lstm_direction_param_count (shape, layer);

  gsize g = 4 * (gsize)shape->hidden;
  offsets->weight_ih = start;
  offsets->weight_hh = offsets->weight_ih + g * ecg_lstm_layer_input_size (shape, layer);
  offsets->bias_ih = offsets->weight_hh + g * shape->hidden;
  offsets->bias_hh = offsets->bias_ih + g;
}

/* Sizes shared by the cache layout helpers. */
typedef struct
{
  gsize steps_all; /* B*T */
  gsize layer_out; /* B*T*D */
  gsize gates;     /* B*T*G */
  gsize cells;     /* B*T*h */
  gsize state;     /* B*h */
} LstmSizes;

static LstmSizes
lstm_sizes (const EcgLstmShape *shape)
{
  LstmSizes s;
  s.steps_all = (gsize)shape->batch * shape->steps;
  s.layer_out = s.steps_all * shape->num_directions * shape->hidden;
  s.gates = s.steps_all * 4 * shape->hidden;
  s.cells = s.steps_all * shape->hidden;
  s.state = (gsize)shape->batch * shape->hidden;
  return s;
}

gsize
ecg_lstm_cache_floats (const EcgLstmShape *shape, gboolean training)
{
  LstmSizes s = lstm_sizes (shape);
  gsize ping_pong = shape->num_layers > 1 ? 2 * s.layer_out : 0;
  if (!training)
    return ping_pong + s.gates + s.state;
  gsize saved = shape->num_layers * (s.layer_out + shape->num_directions * (s.gates + s.cells));
  return saved + s.gates + 2 * s.state + ping_pong;
}

static float *
cache_layer_out (float *cache, const EcgLstmShape *shape, int layer)
{
  return cache + layer * lstm_sizes (shape).layer_out;
}

static float *
cache_gates (float *cache, const EcgLstmShape *shape, int layer, int direction)
{
  LstmSizes s = lstm_sizes (shape);
  return cache + shape->num_layers * s.layer_out
         + (layer * shape->num_directions + direction) * (s.gates + s.cells);
}

static float *
cache_cells (float *cache, const EcgLstmShape *shape, int layer, int direction)
{
  return cache_gates (cache, shape, layer, direction) + lstm_sizes (shape).gates;
}

static float *
cache_backward_scratch (float *cache, const EcgLstmShape *shape)
{
  LstmSizes s = lstm_sizes (shape);
  return cache + shape->num_layers * (s.layer_out + shape->num_directions * (s.gates + s.cells));
}

/* One layer and direction over all steps. `layer_out` is the layer's [B][T][D] output (this
 * direction fills its h columns); `gates` [B][T][G] receives the activated gates; the cell of
 * (b, t) is at cells + b*cell_batch_stride + t*cell_time_stride, so a time stride of 0 keeps a
 * single running state per sample (inference). */
static void
lstm_direction_forward (float *layer_out, float *gates, float *cells, gsize cell_batch_stride,
                        gsize cell_time_stride, const float *x, int in_size, const float *params,
                        const EcgLstmOffsets *off, int direction, const EcgLstmShape *shape)
{
  const int B = shape->batch, T = shape->steps, h = shape->hidden;
  const int D = shape->num_directions * h, G = 4 * h;
  const float *w_ih = params + off->weight_ih;
  const float *w_hh = params + off->weight_hh;
  const float *b_ih = params + off->bias_ih;
  const float *b_hh = params + off->bias_hh;

  /* a = x W_ih^T + b_ih + b_hh for every (b, t) at once. */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B * T, G, in_size, 1.0f, x, in_size, w_ih,
               in_size, 0.0f, gates, G);
  for (gsize r = 0; r < (gsize)B * T; r++)
    {
      float *a = gates + r * G;
      for (int j = 0; j < G; j++)
        a[j] += b_ih[j] + b_hh[j];
    }

  for (int s = 0; s < T; s++)
    {
      int t = direction == 0 ? s : T - 1 - s;
      int t_prev = direction == 0 ? t - 1 : t + 1;

      /* a_t += h_{t-1} W_hh^T for the whole batch; h_{-1} = 0 contributes nothing. One sample
       * (latency) is a matrix-vector product, which OpenBLAS does without packing. */
      if (s > 0 && B == 1)
        cblas_sgemv (CblasRowMajor, CblasNoTrans, G, h, 1.0f, w_hh, h,
                     layer_out + (gsize)t_prev * D + direction * h, 1, 1.0f, gates + (gsize)t * G,
                     1);
      else if (s > 0)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, G, h, 1.0f,
                     layer_out + (gsize)t_prev * D + direction * h, T * D, w_hh, h, 1.0f,
                     gates + (gsize)t * G, T * G);

      for (int b = 0; b < B; b++)
        {
          float *a = gates + ((gsize)b * T + t) * G;
          float *c = cells + b * cell_batch_stride + t * cell_time_stride;
          const float *c_prev
              = s > 0 ? cells + b * cell_batch_stride + t_prev * cell_time_stride : NULL;
          float *h_out = layer_out + ((gsize)b * T + t) * D + direction * h;
          /* Gates in place, vectorised (nn/ecg-vmath.h): i and f are adjacent, then g, then o. */
          ecg_vsigmoid (a, a, 2 * (gsize)h);
          ecg_vtanh (a + 2 * h, a + 2 * h, (gsize)h);
          ecg_vsigmoid (a + 3 * h, a + 3 * h, (gsize)h);
          /* c_prev may alias c (inference): each j reads c_prev[j] before writing c[j]. */
          if (c_prev != NULL)
            for (int j = 0; j < h; j++)
              c[j] = a[h + j] * c_prev[j] + a[j] * a[2 * h + j];
          else
            for (int j = 0; j < h; j++)
              c[j] = a[j] * a[2 * h + j];
          /* h = o * tanh(c), with tanh(c) staged in h_out. */
          ecg_vtanh (h_out, c, (gsize)h);
          for (int j = 0; j < h; j++)
            h_out[j] *= a[3 * h + j];
        }
    }
}

void
ecg_lstm_forward (float *out, float *cache, const float *in, const float *params,
                  const EcgLstmShape *shape, gboolean training)
{
  g_return_if_fail (shape->num_directions == 1 || shape->num_directions == 2);
  g_return_if_fail (shape->num_layers >= 1);
  LstmSizes s = lstm_sizes (shape);
  const int L = shape->num_layers;
  const float *x = in;

  for (int l = 0; l < L; l++)
    {
      float *layer_out;
      if (training)
        layer_out = cache_layer_out (cache, shape, l);
      else
        layer_out = l == L - 1 ? out : cache + (l % 2) * s.layer_out;

      for (int d = 0; d < shape->num_directions; d++)
        {
          EcgLstmOffsets off;
          ecg_lstm_offsets (shape, l, d, &off);
          if (training)
            lstm_direction_forward (layer_out, cache_gates (cache, shape, l, d),
                                    cache_cells (cache, shape, l, d),
                                    (gsize)shape->steps * shape->hidden, shape->hidden, x,
                                    ecg_lstm_layer_input_size (shape, l), params, &off, d, shape);
          else
            {
              float *scratch = cache + (L > 1 ? 2 * s.layer_out : 0);
              lstm_direction_forward (layer_out, scratch, scratch + s.gates, shape->hidden, 0, x,
                                      ecg_lstm_layer_input_size (shape, l), params, &off, d, shape);
            }
        }
      x = layer_out;
    }

  if (training)
    memcpy (out, cache_layer_out (cache, shape, L - 1), s.layer_out * sizeof (float));
}

/* BPTT for one layer and direction. d_layer_out [B][T][D] is the gradient w.r.t. this layer's
 * output; adds into d_x [B][T][in_size] (may be NULL) and the parameter gradients (d_params may
 * be NULL). */
static void
lstm_direction_backward (float *d_x, float *d_params, const float *d_layer_out, const float *x,
                         int in_size, const float *layer_out, const float *gates,
                         const float *cells, const float *params, const EcgLstmOffsets *off,
                         int direction, float *scratch, const EcgLstmShape *shape)
{
  const int B = shape->batch, T = shape->steps, h = shape->hidden;
  const int D = shape->num_directions * h, G = 4 * h;
  LstmSizes s = lstm_sizes (shape);
  float *d_gates = scratch;
  float *dh_carry = d_gates + s.gates;
  float *dc_carry = dh_carry + s.state;

  memset (dh_carry, 0, s.state * sizeof (float));
  memset (dc_carry, 0, s.state * sizeof (float));
  /* tanh(c_t) of one (b, t), recomputed rather than cached: the cache holds c_t itself. */
  g_autofree float *tanh_c = g_new (float, h);

  /* Walk the steps in the reverse of the order the forward took them. */
  for (int step = T - 1; step >= 0; step--)
    {
      int t = direction == 0 ? step : T - 1 - step;
      int t_prev = direction == 0 ? t - 1 : t + 1;
      gboolean has_prev = step > 0;

      for (int b = 0; b < B; b++)
        {
          gsize row = (gsize)b * T + t;
          const float *a = gates + row * G;
          const float *c = cells + row * h;
          const float *c_prev = has_prev ? cells + ((gsize)b * T + t_prev) * h : NULL;
          const float *dh_out = d_layer_out + row * D + direction * h;
          float *da = d_gates + row * G;
          float *dh_c = dh_carry + (gsize)b * h;
          float *dc_c = dc_carry + (gsize)b * h;
          ecg_vtanh (tanh_c, c, (gsize)h);
          for (int j = 0; j < h; j++)
            {
              float i_gate = a[j], f_gate = a[h + j], g_gate = a[2 * h + j], o_gate = a[3 * h + j];
              float dh = dh_out[j] + dh_c[j];
              float dc = dc_c[j] + dh * o_gate * (1.0f - tanh_c[j] * tanh_c[j]);
              da[j] = dc * g_gate * i_gate * (1.0f - i_gate);
              da[h + j] = (c_prev ? dc * c_prev[j] : 0.0f) * f_gate * (1.0f - f_gate);
              da[2 * h + j] = dc * i_gate * (1.0f - g_gate * g_gate);
              da[3 * h + j] = dh * tanh_c[j] * o_gate * (1.0f - o_gate);
              dc_c[j] = dc * f_gate;
            }
        }

      /* dh_carry = da_t W_hh, the gradient reaching h_{t-1}. */
      if (has_prev && B == 1)
        cblas_sgemv (CblasRowMajor, CblasTrans, G, h, 1.0f, params + off->weight_hh, h,
                     d_gates + (gsize)t * G, 1, 0.0f, dh_carry, 1);
      else if (has_prev)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, h, G, 1.0f,
                     d_gates + (gsize)t * G, T * G, params + off->weight_hh, h, 0.0f, dh_carry, h);
    }

  if (d_params)
    {
      /* dW_ih += da^T x over all (b, t). */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, G, in_size, B * T, 1.0f, d_gates, G, x,
                   in_size, 1.0f, d_params + off->weight_ih, in_size);
      /* dW_hh += da_t^T h_{t-1} over the steps that had a predecessor: per sample, T-1 rows of
       * da against the h rows shifted by one step. */
      if (T > 1)
        for (int b = 0; b < B; b++)
          {
            gsize first = (gsize)b * T;
            const float *da_rows = d_gates + (direction == 0 ? first + 1 : first) * G;
            const float *h_rows
                = layer_out + (direction == 0 ? first : first + 1) * D + direction * h;
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, G, h, T - 1, 1.0f, da_rows, G,
                         h_rows, D, 1.0f, d_params + off->weight_hh, h);
          }
      float *db_ih = d_params + off->bias_ih;
      float *db_hh = d_params + off->bias_hh;
      for (gsize r = 0; r < s.steps_all; r++)
        {
          const float *da = d_gates + r * G;
          for (int j = 0; j < G; j++)
            {
              db_ih[j] += da[j];
              db_hh[j] += da[j];
            }
        }
    }

  /* dx += da W_ih. */
  if (d_x)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B * T, in_size, G, 1.0f, d_gates, G,
                 params + off->weight_ih, in_size, 1.0f, d_x, in_size);
}

void
ecg_lstm_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                   const float *params, float *cache, const EcgLstmShape *shape)
{
  LstmSizes s = lstm_sizes (shape);
  const int L = shape->num_layers;
  float *scratch = cache_backward_scratch (cache, shape);
  float *d_layer = scratch + s.gates + 2 * s.state; /* two [B][T][D] buffers when L > 1 */
  const float *d_layer_out = d_out;

  for (int l = L - 1; l >= 0; l--)
    {
      const float *x = l == 0 ? in : cache_layer_out (cache, shape, l - 1);
      float *d_x;
      if (l == 0)
        d_x = d_in;
      else
        {
          d_x = d_layer + (l % 2) * s.layer_out;
          memset (d_x, 0, s.layer_out * sizeof (float));
        }

      for (int d = 0; d < shape->num_directions; d++)
        {
          EcgLstmOffsets off;
          ecg_lstm_offsets (shape, l, d, &off);
          lstm_direction_backward (
              d_x, d_params, d_layer_out, x, ecg_lstm_layer_input_size (shape, l),
              cache_layer_out (cache, shape, l), cache_gates (cache, shape, l, d),
              cache_cells (cache, shape, l, d), params, &off, d, scratch, shape);
        }
      d_layer_out = d_x;
    }
}
