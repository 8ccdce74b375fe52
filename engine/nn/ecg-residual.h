/* ecg-residual.h — residual (skip) addition, y = a + b, over plain float32 arrays of n floats
 * in any layout the two operands share (ResNet blocks: [batch][channels][steps]).
 *
 * Flatten needs no layer: [batch][channels][steps] is already [batch][channels*steps] in
 * memory, so a flatten before a Linear is the same buffer with a different shape, and its
 * gradient passes through unchanged.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* out[k] = a[k] + b[k]; `out` may be `a` or `b` (in-place add). */
void ecg_residual_forward (float *out, const float *a, const float *b, gsize n);

/* ADDS d_a += d_out and d_b += d_out; either may be NULL. d_a and d_b must be different
 * buffers (each branch gets the full gradient). */
void ecg_residual_backward (float *d_a, float *d_b, const float *d_out, gsize n);

G_END_DECLS
