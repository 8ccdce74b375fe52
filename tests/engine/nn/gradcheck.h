/* gradcheck.h — central finite differences against an analytic gradient.
 *
 * The caller's `loss` recomputes a scalar (in double) from the current buffers; gradcheck
 * perturbs each of the n entries of `x` by ±eps and compares (L(x+eps) - L(x-eps)) / 2eps with
 * `analytic[i]`. Layers are float32, so use eps around 1e-2..1e-3 and a loss that is a random
 * weighted sum of the outputs (then d_out is those weights).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef double (*EcgGradcheckLoss) (gpointer user_data);

/* Largest |num - ana| / max(abs_floor, |num| + |ana|) over the entries (checks at most
 * max_checks entries spread evenly when n is large; 0 = all). */
double ecg_gradcheck_max_error (float *x, const float *analytic, gsize n, EcgGradcheckLoss loss,
                                gpointer user_data, double eps, double abs_floor,
                                gsize max_checks);

/* Fills `out` with uniform values in [lo, hi) from a seeded generator. */
void ecg_gradcheck_fill_uniform (float *out, gsize n, guint32 seed, float lo, float hi);

G_END_DECLS
