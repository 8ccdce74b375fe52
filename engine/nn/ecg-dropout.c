/* ecg-dropout.c — inverted dropout with a caller-owned splitmix64 generator. */
#include "nn/ecg-dropout.h"

#include <string.h>

guint64
ecg_dropout_rng_next (guint64 *state)
{
  /* splitmix64 (Steele, Lea and Flood 2014): full period 2^64, passes BigCrush, one add and
   * three xor-shift-multiplies per draw. */
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
ecg_dropout_forward (float *out, float *mask, const float *in, gsize n, float p, gboolean training,
                     guint64 *rng_state)
{
  g_return_if_fail (p >= 0.0f && p <= 1.0f);

  if (!training)
    {
      if (out != in)
        memmove (out, in, n * sizeof (float));
      if (mask != NULL)
        for (gsize i = 0; i < n; i++)
          mask[i] = 1.0f;
      return;
    }

  g_return_if_fail (mask != NULL && rng_state != NULL);
  float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  for (gsize i = 0; i < n; i++)
    {
      /* The top 24 bits as a uniform draw in [0, 1) on the float grid. */
      float u = (float)(ecg_dropout_rng_next (rng_state) >> 40) * (1.0f / 16777216.0f);
      mask[i] = u >= p ? keep_scale : 0.0f;
      out[i] = in[i] * mask[i];
    }
}

void
ecg_dropout_backward (float *d_in, const float *d_out, const float *mask, gsize n)
{
  for (gsize i = 0; i < n; i++)
    d_in[i] += d_out[i] * mask[i];
}
