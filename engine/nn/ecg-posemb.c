/* ecg-posemb.c — learnable positional embedding (see ecg-posemb.h). */
#include "nn/ecg-posemb.h"

gsize
ecg_posemb_param_count (const EcgPosembShape *shape)
{
  return (gsize)shape->steps * shape->features;
}

void
ecg_posemb_forward (float *out, const float *in, const float *pos, const EcgPosembShape *shape)
{
  const gsize per_sample = ecg_posemb_param_count (shape);
  for (int b = 0; b < shape->batch; b++)
    for (gsize k = 0; k < per_sample; k++)
      out[b * per_sample + k] = in[b * per_sample + k] + pos[k];
}

void
ecg_posemb_backward (float *d_in, float *d_pos, const float *d_out, const EcgPosembShape *shape)
{
  const gsize per_sample = ecg_posemb_param_count (shape);
  for (int b = 0; b < shape->batch; b++)
    for (gsize k = 0; k < per_sample; k++)
      {
        float g = d_out[b * per_sample + k];
        if (d_in)
          d_in[b * per_sample + k] += g;
        if (d_pos)
          d_pos[k] += g;
      }
}
