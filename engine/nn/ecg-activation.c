/* ecg-activation.c — ReLU, GELU (erf), tanh and sigmoid, forward and backward. */
#include "nn/ecg-activation.h"

#include <math.h>

void
ecg_relu_forward (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void
ecg_relu_backward (float *d_in, const float *d_out, const float *in_or_out, gsize n)
{
  /* d_out is read whatever the sign: a select instead of a branch on a sign that is random
   * half the time, which the compiler vectorises. */
  for (gsize i = 0; i < n; i++)
    {
      float g = d_out[i];
      d_in[i] += in_or_out[i] > 0.0f ? g : 0.0f;
    }
}

void
ecg_gelu_forward (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      float x = in[i];
      out[i] = 0.5f * x * (1.0f + erff (x * (float)M_SQRT1_2));
    }
}

void
ecg_gelu_backward (float *d_in, const float *d_out, const float *in, gsize n)
{
  /* 1/sqrt(2 pi), the normal density's constant. */
  const float inv_sqrt_2pi = 0.3989422804014327f;
  for (gsize i = 0; i < n; i++)
    {
      float x = in[i];
      float cdf = 0.5f * (1.0f + erff (x * (float)M_SQRT1_2));
      float pdf = inv_sqrt_2pi * expf (-0.5f * x * x);
      d_in[i] += d_out[i] * (cdf + x * pdf);
    }
}

void
ecg_tanh_forward (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = tanhf (in[i]);
}

void
ecg_tanh_backward (float *d_in, const float *d_out, const float *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    d_in[i] += d_out[i] * (1.0f - out[i] * out[i]);
}

float
ecg_sigmoidf (float x)
{
  /* e^-|x| never overflows; the two branches are the same function. */
  if (x >= 0.0f)
    return 1.0f / (1.0f + expf (-x));
  float e = expf (x);
  return e / (1.0f + e);
}

void
ecg_sigmoid_forward (float *out, const float *in, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = ecg_sigmoidf (in[i]);
}

void
ecg_sigmoid_backward (float *d_in, const float *d_out, const float *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    d_in[i] += d_out[i] * out[i] * (1.0f - out[i]);
}
