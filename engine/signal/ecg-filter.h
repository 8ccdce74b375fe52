/* ecg-filter.h — small linear filters over float arrays, designed for a given sampling rate.
 *
 * The building blocks of QRS detection (and of any later preprocessing): second-order
 * Butterworth sections run forward and backward (zero phase, so a filtered wave stays where the
 * raw wave is), a centred five-point derivative, and a centred moving average. All functions
 * are pure: they read `in`, write `out` (which may not alias `in` unless stated) and keep no state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One second-order IIR section, a0 normalised to 1:
 *   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]. */
typedef struct
{
  double b0, b1, b2;
  double a1, a2;
} EcgBiquad;

/* Second-order Butterworth low-pass / high-pass (Q = 1/sqrt 2) by the bilinear transform with
 * the cutoff pre-warped, so the -3 dB point is exactly `cutoff_hz`. Needs
 * 0 < cutoff_hz < fs / 2; otherwise ECG_ERROR_INVALID. */
gboolean ecg_biquad_butterworth_lowpass (EcgBiquad *section, double cutoff_hz, double fs,
                                         GError **error);
gboolean ecg_biquad_butterworth_highpass (EcgBiquad *section, double cutoff_hz, double fs,
                                          GError **error);

/* Runs the cascade of `n_sections` sections over `data` in place, forward then backward
 * (filtfilt): the magnitude response is squared and the phase is zero. Each end is extended by
 * an odd reflection of `n_pad` samples (clamped to n - 1) and the value at the start of the
 * extended signal is subtracted before filtering and added back afterwards (for a cascade with
 * a high-pass section the constant is removed anyway), so the ends carry no start-up step. */
void ecg_filter_zero_phase (const EcgBiquad *sections, int n_sections, float *data, gsize n,
                            gsize n_pad);

/* Zero-phase Butterworth band-pass `low_hz`..`high_hz` (one high-pass and one low-pass section,
 * each run forward and backward: 4th-order roll-off on each side, -6 dB at both cutoffs).
 * `out` may equal `in`. ECG_ERROR_INVALID unless 0 < low_hz < high_hz < fs / 2. */
gboolean ecg_filter_bandpass (const float *in, float *out, gsize n, double fs, double low_hz,
                              double high_hz, GError **error);

/* Centred five-point derivative in units per second (Pan & Tompkins' kernel, made symmetric):
 *   out[k] = fs/8 * (-in[k-2] - 2 in[k-1] + 2 in[k+1] + in[k+2]),
 * with samples beyond the ends replaced by the nearest end sample. Exact for a ramp. */
void ecg_filter_derivative (const float *in, float *out, gsize n, double fs);

/* Centred moving average over `window` samples (window >= 1):
 *   out[k] = 1/window * sum in[k - window/2 .. k - window/2 + window - 1],
 * samples beyond the ends counted as zero (so the divisor stays `window`). Sums in double. */
void ecg_filter_moving_average (const float *in, float *out, gsize n, gsize window);

G_END_DECLS
