/* ecg-transpose.h — swap the two inner axes, [batch][rows][cols] -> [batch][cols][rows], the
 * x.transpose(1, 2) that moves a conv stack's [batch][channels][steps] output to the
 * [batch][steps][features] layout of the LSTM, attention pooling and transformer layers.
 *
 *   out[b][c][r] = in[b][r][c]
 * Its gradient is the opposite transpose.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int rows; /* axis 1 of the input (e.g. channels) */
  int cols; /* axis 2 of the input (e.g. steps) */
} EcgTransposeShape;

/* Writes out [batch][cols][rows]; `out` must not overlap `in`. */
void ecg_transpose_forward (float *out, const float *in, const EcgTransposeShape *shape);

/* ADDS d_in[b][r][c] += d_out[b][c][r]. */
void ecg_transpose_backward (float *d_in, const float *d_out, const EcgTransposeShape *shape);

G_END_DECLS
