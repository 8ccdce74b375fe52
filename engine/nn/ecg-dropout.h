/* ecg-dropout.h — inverted dropout (PyTorch Dropout) over n floats of any layout.
 *
 * Training: each element is kept with probability 1 - p and scaled by 1/(1 - p), otherwise
 * zeroed, so the expected output equals the input; eval: the identity. The per-element factor
 * (0 or 1/(1 - p)) is written to `mask`, so the backward is d_in += d_out * mask.
 *
 * Randomness comes from the caller's generator state (splitmix64 over one guint64, any seed
 * including 0), advanced once per element: a job seeds its own state, so runs are reproducible
 * and two jobs never share a generator.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Training (`training` TRUE): draws the mask from *rng_state, writes `mask` and `out`.
 * Eval: out = in and, when `mask` is non-NULL, mask = 1 (rng_state is not used and may be
 * NULL). 0 <= p <= 1; p = 1 zeroes everything, as PyTorch. `out` may alias `in`. */
void ecg_dropout_forward (float *out, float *mask, const float *in, gsize n, float p,
                          gboolean training, guint64 *rng_state);

/* d_in += d_out * mask. */
void ecg_dropout_backward (float *d_in, const float *d_out, const float *mask, gsize n);

/* Next value of a splitmix64 generator whose state is *state (advances it). */
guint64 ecg_dropout_rng_next (guint64 *state);

G_END_DECLS
