/* test-filter.c — the mains notch and the baseline-wander high-pass of ecg-filter.
 *
 * The notch is checked three ways: its coefficients against the closed form of the cookbook
 * notch, |H(w)|^2 = (cos w - cos w0)^2 / ((cos w - cos w0)^2 + alpha^2 sin^2 w) with
 * alpha = sin w0 / 2q (derived by hand in ecg-filter.h); the zero-phase filter on pure sines,
 * whose measured gain must be |H|^2 (one pass forward, one backward); and the display
 * requirements (>= 30 dB at the mains frequency, < 0.5 dB lost at 10 Hz). The high-pass is
 * checked against the digital Butterworth response |H|^2 = W^4 / (1 + W^4),
 * W = tan (pi f / fs) / tan (pi fc / fs).
 */
#include <math.h>

#include "ecg-error.h"
#include "signal/ecg-filter.h"

#define NOTCH_Q 30.0

static double
notch_closed_form (double f, double f0, double q, double fs)
{
  double w = 2.0 * G_PI * f / fs, w0 = 2.0 * G_PI * f0 / fs;
  double alpha = sin (w0) / (2.0 * q);
  double d = cos (w) - cos (w0);
  return sqrt (d * d / (d * d + alpha * alpha * sin (w) * sin (w)));
}

/* A sine of `amplitude` at f Hz, n samples at fs. Returns an owned array. */
static float *
make_sine (gsize n, double fs, double f, double amplitude)
{
  float *x = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) (amplitude * sin (2.0 * G_PI * f * i / fs + 0.3));
  return x;
}

/* RMS of x over [from, to). */
static double
rms (const float *x, gsize from, gsize to)
{
  double sum = 0.0;
  for (gsize i = from; i < to; i++)
    sum += (double) x[i] * x[i];
  return sqrt (sum / (double) (to - from));
}

static void
test_notch_coefficients (void)
{
  static const double rates[] = { 250.0, 360.0, 500.0, 1000.0 };
  static const double mains[] = { 50.0, 60.0 };

  for (gsize r = 0; r < G_N_ELEMENTS (rates); r++)
    for (gsize m = 0; m < G_N_ELEMENTS (mains); m++)
      {
        double fs = rates[r], f0 = mains[m];
        EcgBiquad notch;
        g_autoptr (GError) error = NULL;
        g_assert_true (ecg_biquad_notch (&notch, f0, NOTCH_Q, fs, &error));
        g_assert_no_error (error);

        /* b0 = b2, b1 = a1: the numerator's zeros are on the unit circle at +-w0. */
        g_assert_cmpfloat_with_epsilon (notch.b0, notch.b2, 1e-15);
        g_assert_cmpfloat_with_epsilon (notch.b1, notch.a1, 1e-15);
        g_assert_cmpfloat (ecg_biquad_magnitude (&notch, f0, fs), <, 1e-12);
        g_assert_cmpfloat_with_epsilon (ecg_biquad_magnitude (&notch, 0.0, fs), 1.0, 1e-12);
        g_assert_cmpfloat_with_epsilon (ecg_biquad_magnitude (&notch, fs / 2.0, fs), 1.0, 1e-12);
        for (double f = 0.5; f < fs / 2.0; f += 0.5)
          g_assert_cmpfloat_with_epsilon (ecg_biquad_magnitude (&notch, f, fs),
                                          notch_closed_form (f, f0, NOTCH_Q, fs), 1e-9);
        /* -3 dB (|H|^2 = 1/2) where |cos w - cos w0| = alpha sin w: to first order in 1/q at
         * w = w0 +- sin w0 / 2q, i.e. f0 +- fs sin w0 / (4 pi q) Hz. */
        double half_width = fs * sin (2.0 * G_PI * f0 / fs) / (4.0 * G_PI * NOTCH_Q);
        double edge = notch_closed_form (f0 + half_width, f0, NOTCH_Q, fs);
        g_assert_cmpfloat (fabs (edge * edge - 0.5), <, 0.02);
      }
}

/* The zero-phase notch on 30 s sines at 360 Hz (MIT-BIH) and 500 Hz (PTB-XL's high rate),
 * measured over the middle 20 s. */
static void
test_notch_attenuation (void)
{
  static const double rates[] = { 360.0, 500.0 };
  static const double mains[] = { 50.0, 60.0 };

  for (gsize r = 0; r < G_N_ELEMENTS (rates); r++)
    for (gsize m = 0; m < G_N_ELEMENTS (mains); m++)
      {
        double fs = rates[r], f0 = mains[m];
        gsize n = (gsize) (30.0 * fs), from = (gsize) (5.0 * fs), to = n - from;
        EcgBiquad notch;
        g_assert_true (ecg_biquad_notch (&notch, f0, NOTCH_Q, fs, NULL));

        g_autofree float *hum = make_sine (n, fs, f0, 1.0);
        double hum_in = rms (hum, from, to);
        g_assert_true (ecg_filter_notch (hum, hum, n, fs, f0, NOTCH_Q, NULL));
        double hum_db = 20.0 * log10 (rms (hum, from, to) / hum_in);
        g_assert_cmpfloat (hum_db, <=, -30.0);

        static const double passband[] = { 1.0, 10.0, 25.0, 40.0 };
        for (gsize p = 0; p < G_N_ELEMENTS (passband); p++)
          {
            double f = passband[p];
            g_autofree float *x = make_sine (n, fs, f, 1.0);
            g_autofree float *y = g_new (float, n);
            g_assert_true (ecg_filter_notch (x, y, n, fs, f0, NOTCH_Q, NULL));
            double gain = rms (y, from, to) / rms (x, from, to);
            double expected = pow (ecg_biquad_magnitude (&notch, f, fs), 2.0);
            g_assert_cmpfloat_with_epsilon (gain, expected, 1e-4);
            if (f == 10.0)
              g_assert_cmpfloat (20.0 * log10 (gain), >, -0.5);
            /* Zero phase: the output is the input scaled, sample by sample. */
            for (gsize i = from; i < to; i++)
              g_assert_cmpfloat (fabs (y[i] - expected * x[i]), <, 1e-4);
          }
      }
}

static void
test_notch_invalid (void)
{
  EcgBiquad notch;
  float x[4] = { 0 };
  g_autoptr (GError) error = NULL;

  /* 50 Hz is the Nyquist frequency of PTB-XL's 100 Hz records: no notch there. */
  g_assert_false (ecg_filter_notch (x, x, 4, 100.0, 50.0, NOTCH_Q, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_biquad_notch (&notch, 50.0, 0.0, 360.0, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* 1 mV of respiratory wander at 0.1 Hz under a 0.5 mV, 10 Hz wave: the 0.5 Hz high-pass
 * removes the wander to |H(0.1 Hz)|^2 of it and keeps the wave. */
static void
test_remove_baseline (void)
{
  double fs = 360.0, fc = 0.5;
  gsize n = (gsize) (120.0 * fs), from = (gsize) (30.0 * fs), to = n - from;
  EcgBiquad highpass;
  g_assert_true (ecg_biquad_butterworth_highpass (&highpass, fc, fs, NULL));

  /* The digital Butterworth response, independently: W^4 / (1 + W^4). */
  static const double freqs[] = { 0.1, 0.25, 0.5, 1.0, 10.0 };
  for (gsize i = 0; i < G_N_ELEMENTS (freqs); i++)
    {
      double w = tan (G_PI * freqs[i] / fs) / tan (G_PI * fc / fs);
      double h2 = pow (w, 4.0) / (1.0 + pow (w, 4.0));
      g_assert_cmpfloat_with_epsilon (pow (ecg_biquad_magnitude (&highpass, freqs[i], fs), 2.0),
                                      h2, 1e-9);
    }

  g_autofree float *wander = make_sine (n, fs, 0.1, 1.0);
  g_autofree float *wave = make_sine (n, fs, 10.0, 0.5);
  g_autofree float *x = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    x[i] = wander[i] + wave[i];
  g_autofree float *y = g_new (float, n);
  g_assert_true (ecg_filter_remove_baseline (x, y, n, fs, fc, NULL));

  double wave_gain = pow (ecg_biquad_magnitude (&highpass, 10.0, fs), 2.0);
  double wander_gain = pow (ecg_biquad_magnitude (&highpass, 0.1, fs), 2.0);
  g_assert_cmpfloat (wander_gain, <, 0.003); /* W = 0.2: 0.0016 */
  double worst = 0.0;
  for (gsize i = from; i < to; i++)
    worst = MAX (worst, fabs (y[i] - wave_gain * wave[i] - wander_gain * wander[i]));
  g_assert_cmpfloat (worst, <, 1e-4);
  /* What is left of the wander is below 3 uV. */
  for (gsize i = from; i < to; i++)
    g_assert_cmpfloat (fabs (y[i] - wave[i]), <, 0.003);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/signal/filter/notch-coefficients", test_notch_coefficients);
  g_test_add_func ("/engine/signal/filter/notch-attenuation", test_notch_attenuation);
  g_test_add_func ("/engine/signal/filter/notch-invalid", test_notch_invalid);
  g_test_add_func ("/engine/signal/filter/remove-baseline", test_remove_baseline);
  return g_test_run ();
}
