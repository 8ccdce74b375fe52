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

/* Second-order IIR notch at `f0_hz` with quality factor `q` (the -3 dB width of one pass is
 * fs sin w0 / (2 pi q) Hz, about f0 / q when f0 << fs), by the bilinear transform of
 * H(s) = (s^2 + 1) / (s^2 + s/q + 1) pre-warped to w0 = 2 pi f0 / fs (the "audio EQ
 * cookbook" notch). Its magnitude response is, with w = 2 pi f / fs, alpha = sin w0 / 2q,
 *   |H(w)|^2 = (cos w - cos w0)^2 / ((cos w - cos w0)^2 + alpha^2 sin^2 w):
 * exactly 0 at f0, exactly 1 at 0 Hz and fs / 2. Needs 0 < f0_hz < fs / 2 and q > 0;
 * otherwise ECG_ERROR_INVALID. */
gboolean ecg_biquad_notch (EcgBiquad *section, double f0_hz, double q, double fs,
                           GError **error);

/* |H(e^jw)| of one section at frequency `f_hz` for sampling rate `fs` (w = 2 pi f / fs). */
double ecg_biquad_magnitude (const EcgBiquad *section, double f_hz, double fs);

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

/* Zero-phase mains notch: ecg_biquad_notch (f0_hz, q) run forward and backward, so the
 * magnitude is |H|^2 of one pass (twice the attenuation in dB) and waves are not shifted.
 * `out` may equal `in`. ECG_ERROR_INVALID unless 0 < f0_hz < fs / 2 and q > 0. */
gboolean ecg_filter_notch (const float *in, float *out, gsize n, double fs, double f0_hz,
                           double q, GError **error);

/* Baseline-wander removal: a zero-phase second-order Butterworth high-pass at `cutoff_hz` run
 * forward and backward (-6 dB at the cutoff, 4th-order roll-off below it, no phase shift, so
 * ST segments are not distorted by group delay). `out` may equal `in`. ECG_ERROR_INVALID unless
 * 0 < cutoff_hz < fs / 2. */
gboolean ecg_filter_remove_baseline (const float *in, float *out, gsize n, double fs,
                                     double cutoff_hz, GError **error);

/* Centred five-point derivative in units per second (Pan & Tompkins' kernel, made symmetric):
 *   out[k] = fs/8 * (-in[k-2] - 2 in[k-1] + 2 in[k+1] + in[k+2]),
 * with samples beyond the ends replaced by the nearest end sample. Exact for a ramp. */
void ecg_filter_derivative (const float *in, float *out, gsize n, double fs);

/* Centred moving average over `window` samples (window >= 1):
 *   out[k] = 1/window * sum in[k - window/2 .. k - window/2 + window - 1],
 * samples beyond the ends counted as zero (so the divisor stays `window`). Sums in double. */
void ecg_filter_moving_average (const float *in, float *out, gsize n, gsize window);

G_END_DECLS
