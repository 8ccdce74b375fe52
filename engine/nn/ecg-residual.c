/* ecg-residual.c — residual addition (see ecg-residual.h). */
#include "nn/ecg-residual.h"

void
ecg_residual_forward (float *out, const float *a, const float *b, gsize n)
{
  for (gsize k = 0; k < n; k++)
    out[k] = a[k] + b[k];
}

void
ecg_residual_backward (float *d_a, float *d_b, const float *d_out, gsize n)
{
  for (gsize k = 0; k < n; k++)
    {
      if (d_a)
        d_a[k] += d_out[k];
      if (d_b)
        d_b[k] += d_out[k];
    }
}
