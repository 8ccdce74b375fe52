/* ecg-lstm.h — multi-layer, optionally bidirectional LSTM (PyTorch nn.LSTM semantics,
 * batch_first, zero initial state) over plain float32 arrays.
 *
 * Layout: in [batch][steps][input_size], out [batch][steps][directions*hidden] with the forward
 * direction's h in columns [0, hidden) and the backward direction's in [hidden, 2*hidden).
 * Layer l > 0 reads layer l-1's output, so its input size is directions*hidden.
 *
 * For one layer and direction, with x_t its input and h_{-1} = c_{-1} = 0:
 *   a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh              ([4*hidden], gate order i, f, g, o)
 *   i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
 *   c_t = f*c_{t-1} + i*g,  h_t = o*tanh(c_t)
 * The backward direction runs t = steps-1 .. 0 and "t-1" means t+1; its h_t is stored at t.
 *
 * Parameters: one buffer in nn.LSTM's parameters() order, i.e. for each layer, for each
 * direction (forward, then reverse): weight_ih [4*hidden][layer_input], weight_hh
 * [4*hidden][hidden], bias_ih [4*hidden], bias_hh [4*hidden] (ecg_lstm_offsets() gives where).
 * That is 4*(layer_input*hidden + hidden*hidden + 2*hidden) floats per layer and direction.
 *
 * Cache rule: ecg_lstm_forward() needs a caller-provided cache of
 * ecg_lstm_cache_floats (shape, training) floats. In training mode it keeps every layer's
 * output, the activated gates and the cell states for ecg_lstm_backward() (which also uses the
 * rest of the cache as scratch); in inference mode the cache is smaller scratch only. No state
 * outside the cache, so two threads may run LSTMs at once with different caches.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int steps;
  int input_size; /* features of layer 0's input */
  int hidden;     /* h, per direction */
  int num_layers;
  int num_directions; /* 1, or 2 for bidirectional */
} EcgLstmShape;

/* Where one layer/direction's tensors start in the parameter buffer (in floats). */
typedef struct
{
  gsize weight_ih; /* [4*hidden][layer_input] */
  gsize weight_hh; /* [4*hidden][hidden] */
  gsize bias_ih;   /* [4*hidden] */
  gsize bias_hh;   /* [4*hidden] */
} EcgLstmOffsets;

/* Input features of `layer`: input_size for layer 0, num_directions*hidden above it. */
int ecg_lstm_layer_input_size (const EcgLstmShape *shape, int layer);

/* Floats of one layer/direction: 4*(layer_input*hidden + hidden*hidden + 2*hidden). */
gsize ecg_lstm_direction_param_count (const EcgLstmShape *shape, int layer);

/* Total parameter floats (PyTorch's count: in=128, h=128, 1 layer, bidirectional = 264,192). */
gsize ecg_lstm_param_count (const EcgLstmShape *shape);

void ecg_lstm_offsets (const EcgLstmShape *shape, int layer, int direction,
                       EcgLstmOffsets *offsets);

/* Cache floats. Training: layers*B*T*D (layer outputs) + layers*dirs*B*T*5h (gates, cells) plus
 * backward scratch B*T*4h + 2*B*h (+ 2*B*T*D with more than one layer), D = dirs*h.
 * Inference: B*T*4h + B*h (+ 2*B*T*D with more than one layer). */
gsize ecg_lstm_cache_floats (const EcgLstmShape *shape, gboolean training);

/* Writes `out` [batch][steps][dirs*hidden]. Per layer and direction the input projection
 * W_ih x_t + biases is one GEMM over all steps; each step then adds W_hh h_{t-1} (one GEMM over
 * the batch, a GEMV for one sample) and applies the gates with the vectorised sigmoid and tanh
 * of nn/ecg-vmath.h (within 1.5e-7 of libm's). `cache` must hold ecg_lstm_cache_floats (shape,
 * training) floats; only a training-mode cache can be passed to ecg_lstm_backward(). */
void ecg_lstm_forward (float *out, float *cache, const float *in, const float *params,
                       const EcgLstmShape *shape, gboolean training);

/* Backpropagation through time from d_out [batch][steps][dirs*hidden], ADDED into d_in
 * [batch][steps][input_size] and d_params (same layout as the parameters). For each layer and
 * direction, going back over the steps with carried dh, dc (zero after the last step):
 *   dh = d_out_t + dh_carry;  dc = dc_carry + dh*o*(1 - tanh(c_t)^2)
 *   da_i = dc*g*i(1-i), da_f = dc*c_{t-1}*f(1-f), da_g = dc*i*(1-g^2), da_o = dh*tanh(c_t)*o(1-o)
 *   dc_carry = dc*f,  dh_carry = W_hh^T da
 *   dW_ih += da x_t^T, dW_hh += da h_{t-1}^T, db_ih += da, db_hh += da, dx_t += W_ih^T da.
 * `in` and `params` are those given to the training-mode forward that filled `cache` (which
 * this call also uses as scratch, leaving the saved activations intact). d_in and d_params may
 * be NULL to skip them. */
void ecg_lstm_backward (float *d_in, float *d_params, const float *d_out, const float *in,
                        const float *params, float *cache, const EcgLstmShape *shape);

G_END_DECLS
