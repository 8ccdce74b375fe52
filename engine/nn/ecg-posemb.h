/* ecg-posemb.h — learnable positional embedding (ConvTransformer's nn.Parameter
 * (1, steps, features)), added to every sample of the batch.
 *
 * Layout: in and out [batch][steps][features], pos [steps][features]:
 *   out[b][t][j] = in[b][t][j] + pos[t][j]
 * Parameters: pos, steps*features floats (32,000 for 125 x 256).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int steps;
  int features;
} EcgPosembShape;

/* steps*features. */
gsize ecg_posemb_param_count (const EcgPosembShape *shape);

/* Writes out; `out` may be the same buffer as `in`. */
void ecg_posemb_forward (float *out, const float *in, const float *pos,
                         const EcgPosembShape *shape);

/* ADDS d_in += d_out and d_pos[t][j] += sum_b d_out[b][t][j]; either may be NULL. */
void ecg_posemb_backward (float *d_in, float *d_pos, const float *d_out,
                          const EcgPosembShape *shape);

G_END_DECLS
