/* ecg-filter.c — Butterworth sections, zero-phase filtering, derivative, moving average. */
#include "signal/ecg-filter.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"

static gboolean
check_cutoff (double cutoff_hz, double fs, const char *what, GError **error)
{
  if (!(fs > 0.0) || !isfinite (fs))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s filter: sampling rate %g Hz is not positive", what, fs);
      return FALSE;
    }
  if (!(cutoff_hz > 0.0) || !(cutoff_hz < fs / 2.0))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s filter: cutoff %g Hz is not inside (0, %g) Hz for fs %g Hz", what, cutoff_hz,
                   fs / 2.0, fs);
      return FALSE;
    }
  return TRUE;
}

/* Bilinear transform of H(s) = s^2 / (s^2 + s/Q + 1) (high-pass) or 1 / (...) (low-pass) with
 * the analogue cutoff pre-warped to w0 = 2 pi fc / fs (the "audio EQ cookbook" form). With
 * Q = 1/sqrt 2 this is the second-order Butterworth filter. */
static void
design_section (EcgBiquad *section, double cutoff_hz, double fs, gboolean highpass)
{
  double w0 = 2.0 * G_PI * cutoff_hz / fs;
  double cos_w0 = cos (w0);
  double q = 1.0 / G_SQRT2;
  double alpha = sin (w0) / (2.0 * q);
  double a0 = 1.0 + alpha;

  if (highpass)
    {
      section->b0 = (1.0 + cos_w0) / 2.0 / a0;
      section->b1 = -(1.0 + cos_w0) / a0;
      section->b2 = (1.0 + cos_w0) / 2.0 / a0;
    }
  else
    {
      section->b0 = (1.0 - cos_w0) / 2.0 / a0;
      section->b1 = (1.0 - cos_w0) / a0;
      section->b2 = (1.0 - cos_w0) / 2.0 / a0;
    }
  section->a1 = -2.0 * cos_w0 / a0;
  section->a2 = (1.0 - alpha) / a0;
}

gboolean
ecg_biquad_butterworth_lowpass (EcgBiquad *section, double cutoff_hz, double fs, GError **error)
{
  if (!check_cutoff (cutoff_hz, fs, "low-pass", error))
    return FALSE;
  design_section (section, cutoff_hz, fs, FALSE);
  return TRUE;
}

gboolean
ecg_biquad_butterworth_highpass (EcgBiquad *section, double cutoff_hz, double fs, GError **error)
{
  if (!check_cutoff (cutoff_hz, fs, "high-pass", error))
    return FALSE;
  design_section (section, cutoff_hz, fs, TRUE);
  return TRUE;
}

/* Cookbook notch: b = (1, -2 cos w0, 1) / a0, a = (1, -2 cos w0 / a0, (1 - alpha) / a0),
 * a0 = 1 + alpha, alpha = sin w0 / 2q. The zeros sit on the unit circle at +-w0. */
gboolean
ecg_biquad_notch (EcgBiquad *section, double f0_hz, double q, double fs, GError **error)
{
  if (!check_cutoff (f0_hz, fs, "notch", error))
    return FALSE;
  if (!(q > 0.0) || !isfinite (q))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "notch filter: quality factor %g is not positive", q);
      return FALSE;
    }
  double w0 = 2.0 * G_PI * f0_hz / fs;
  double cos_w0 = cos (w0);
  double alpha = sin (w0) / (2.0 * q);
  double a0 = 1.0 + alpha;

  section->b0 = 1.0 / a0;
  section->b1 = -2.0 * cos_w0 / a0;
  section->b2 = 1.0 / a0;
  section->a1 = -2.0 * cos_w0 / a0;
  section->a2 = (1.0 - alpha) / a0;
  return TRUE;
}

/* H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) at z = e^jw, real and imaginary
 * parts written out (z^-k = cos kw - j sin kw). */
double
ecg_biquad_magnitude (const EcgBiquad *section, double f_hz, double fs)
{
  double w = 2.0 * G_PI * f_hz / fs;
  double num_re = section->b0 + section->b1 * cos (w) + section->b2 * cos (2.0 * w);
  double num_im = -section->b1 * sin (w) - section->b2 * sin (2.0 * w);
  double den_re = 1.0 + section->a1 * cos (w) + section->a2 * cos (2.0 * w);
  double den_im = -section->a1 * sin (w) - section->a2 * sin (2.0 * w);
  return sqrt ((num_re * num_re + num_im * num_im) / (den_re * den_re + den_im * den_im));
}

/* Direct form II transposed, state in double; runs over `x` forward (step +1) or backward. */
static void
run_section (const EcgBiquad *s, double *x, gsize n, gboolean backward)
{
  double z1 = 0.0, z2 = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      gsize k = backward ? n - 1 - i : i;
      double in = x[k];
      double out = s->b0 * in + z1;
      z1 = s->b1 * in - s->a1 * out + z2;
      z2 = s->b2 * in - s->a2 * out;
      x[k] = out;
    }
}

void
ecg_filter_zero_phase (const EcgBiquad *sections, int n_sections, float *data, gsize n, gsize n_pad)
{
  if (n == 0)
    return;
  if (n_pad > n - 1)
    n_pad = n - 1;

  /* Extended signal, layout [n_pad reflected head][n samples][n_pad reflected tail]:
   * head[j] = 2 x[0] - x[n_pad - j], tail[j] = 2 x[n-1] - x[n-2-j]. */
  gsize n_ext = n + 2 * n_pad;
  double *ext = g_new (double, n_ext);
  for (gsize j = 0; j < n_pad; j++)
    ext[j] = 2.0 * data[0] - data[n_pad - j];
  for (gsize i = 0; i < n; i++)
    ext[n_pad + i] = data[i];
  for (gsize j = 0; j < n_pad; j++)
    ext[n_pad + n + j] = 2.0 * data[n - 1] - data[n - 2 - j];

  double offset = ext[0];
  for (gsize i = 0; i < n_ext; i++)
    ext[i] -= offset;

  for (int s = 0; s < n_sections; s++)
    run_section (&sections[s], ext, n_ext, FALSE);
  for (int s = 0; s < n_sections; s++)
    run_section (&sections[s], ext, n_ext, TRUE);

  /* A constant passes a cascade of low-pass sections unchanged, and is removed by a high-pass
   * section: add the offset back only in the first case (DC gain of the cascade). */
  double dc_gain = 1.0;
  for (int s = 0; s < n_sections; s++)
    {
      const EcgBiquad *q = &sections[s];
      dc_gain *= (q->b0 + q->b1 + q->b2) / (1.0 + q->a1 + q->a2);
    }
  dc_gain *= dc_gain; /* forward and backward */

  for (gsize i = 0; i < n; i++)
    data[i] = (float) (ext[n_pad + i] + dc_gain * offset);
  g_free (ext);
}

gboolean
ecg_filter_bandpass (const float *in, float *out, gsize n, double fs, double low_hz, double high_hz,
                     GError **error)
{
  EcgBiquad sections[2];

  if (!(low_hz < high_hz))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "band-pass filter: low cutoff %g Hz is not below high cutoff %g Hz", low_hz,
                   high_hz);
      return FALSE;
    }
  if (!ecg_biquad_butterworth_highpass (&sections[0], low_hz, fs, error)
      || !ecg_biquad_butterworth_lowpass (&sections[1], high_hz, fs, error))
    return FALSE;

  if (out != in)
    memcpy (out, in, n * sizeof (float));
  /* Three periods of the low cutoff: long enough for the high-pass transient to die out. */
  gsize n_pad = (gsize) ceil (3.0 * fs / low_hz);
  ecg_filter_zero_phase (sections, 2, out, n, n_pad);
  return TRUE;
}

gboolean
ecg_filter_notch (const float *in, float *out, gsize n, double fs, double f0_hz, double q,
                  GError **error)
{
  EcgBiquad section;
  if (!ecg_biquad_notch (&section, f0_hz, q, fs, error))
    return FALSE;
  if (out != in)
    memcpy (out, in, n * sizeof (float));
  /* The poles have radius ~ 1 - pi f0 / (q fs): the start-up ringing decays by e in
   * q / (pi f0) seconds; five of those leave less than 1 % of it inside the padding. */
  gsize n_pad = (gsize) ceil (5.0 * q * fs / (G_PI * f0_hz));
  ecg_filter_zero_phase (&section, 1, out, n, n_pad);
  return TRUE;
}

gboolean
ecg_filter_remove_baseline (const float *in, float *out, gsize n, double fs, double cutoff_hz,
                            GError **error)
{
  EcgBiquad section;
  if (!ecg_biquad_butterworth_highpass (&section, cutoff_hz, fs, error))
    return FALSE;
  if (out != in)
    memcpy (out, in, n * sizeof (float));
  /* As for the band-pass: three periods of the cutoff for the transient to die out. */
  gsize n_pad = (gsize) ceil (3.0 * fs / cutoff_hz);
  ecg_filter_zero_phase (&section, 1, out, n, n_pad);
  return TRUE;
}

void
ecg_filter_derivative (const float *in, float *out, gsize n, double fs)
{
  if (n == 0)
    return;
  double scale = fs / 8.0;
  for (gsize k = 0; k < n; k++)
    {
      double m2 = in[k >= 2 ? k - 2 : 0];
      double m1 = in[k >= 1 ? k - 1 : 0];
      double p1 = in[k + 1 < n ? k + 1 : n - 1];
      double p2 = in[k + 2 < n ? k + 2 : n - 1];
      out[k] = (float) (scale * (-m2 - 2.0 * m1 + 2.0 * p1 + p2));
    }
}

void
ecg_filter_moving_average (const float *in, float *out, gsize n, gsize window)
{
  g_return_if_fail (window >= 1);
  g_return_if_fail (out != in);

  /* Window of out[k] is [k - before, k + after], before + after + 1 = window. A running sum in
   * double: adding and removing float samples one at a time loses nothing that matters over a
   * 30-minute record (relative error ~1e-16 per step). */
  gsize before = window / 2;
  gsize after = window - 1 - before;
  double sum = 0.0;

  for (gsize i = 0; i < after && i < n; i++)
    sum += in[i];
  for (gsize k = 0; k < n; k++)
    {
      if (k + after < n)
        sum += in[k + after];
      if (k >= before + 1)
        sum -= in[k - before - 1];
      out[k] = (float) (sum / (double) window);
    }
}
