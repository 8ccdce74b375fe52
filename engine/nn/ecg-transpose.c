/* ecg-transpose.c — inner-axes transpose (see ecg-transpose.h). */
#include "nn/ecg-transpose.h"

void
ecg_transpose_forward (float *out, const float *in, const EcgTransposeShape *shape)
{
  const int R = shape->rows, C = shape->cols;
  for (int b = 0; b < shape->batch; b++)
    {
      const float *src = in + (gsize)b * R * C;
      float *dst = out + (gsize)b * R * C;
      for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
          dst[(gsize)c * R + r] = src[(gsize)r * C + c];
    }
}

void
ecg_transpose_backward (float *d_in, const float *d_out, const EcgTransposeShape *shape)
{
  const int R = shape->rows, C = shape->cols;
  for (int b = 0; b < shape->batch; b++)
    {
      const float *src = d_out + (gsize)b * R * C;
      float *dst = d_in + (gsize)b * R * C;
      for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
          dst[(gsize)r * C + c] += src[(gsize)c * R + r];
    }
}
