/* ecg-activation.h — element-wise activations over n floats (any layout), PyTorch semantics.
 *
 *   ReLU     y = max(x, 0)                        dy/dx = [x > 0]
 *   GELU     y = x * Phi(x) = x/2 (1 + erf(x/√2))  dy/dx = Phi(x) + x phi(x), phi = N(0,1) pdf
 *            (the exact erf form, PyTorch's default, not the tanh approximation)
 *   tanh     y = tanh(x)                          dy/dx = 1 - y^2
 *   sigmoid  y = 1 / (1 + e^-x)                   dy/dx = y (1 - y)
 *
 * Every forward may run in place (out == in). Backwards ADD d_out * dy/dx into d_in and take
 * whichever tensor the derivative needs: the input for GELU, the output for tanh and sigmoid,
 * either for ReLU (x > 0 exactly when relu(x) > 0, so an in-place ReLU can pass its output).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ecg_relu_forward (float *out, const float *in, gsize n);
void ecg_relu_backward (float *d_in, const float *d_out, const float *in_or_out, gsize n);

void ecg_gelu_forward (float *out, const float *in, gsize n);
void ecg_gelu_backward (float *d_in, const float *d_out, const float *in, gsize n);

void ecg_tanh_forward (float *out, const float *in, gsize n);
void ecg_tanh_backward (float *d_in, const float *d_out, const float *out, gsize n);

void ecg_sigmoid_forward (float *out, const float *in, gsize n);
void ecg_sigmoid_backward (float *d_in, const float *d_out, const float *out, gsize n);

/* The logistic function of one value, without overflow for large |x|. */
float ecg_sigmoidf (float x);

G_END_DECLS
