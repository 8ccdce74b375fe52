/* test-synth.c — the ECGSYN-style synthetic record generator. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-record.h"
#include "signal/ecg-synth.h"
#include "test-util.h"

typedef struct
{
  gint64 sample;
  int code;
} Beat;

static EcgRecord *
synth_or_fail (const EcgSynthOptions *options)
{
  g_autoptr (GError) error = NULL;
  EcgRecord *record = ecg_synth_record ("synth", options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

/* The beat annotations of `record` in order (non-beat annotations left out). */
static GArray *
record_beats (const EcgRecord *record)
{
  GArray *beats = g_array_new (FALSE, FALSE, sizeof (Beat));
  for (gsize i = 0; i < record->annotations->n_items; i++)
    {
      const EcgAnnotation *ann = &record->annotations->items[i];
      if (!ecg_annotation_code_is_beat (ann->code))
        continue;
      Beat beat = { ann->sample, ann->code };
      g_array_append_val (beats, beat);
    }
  return beats;
}

static gsize
count_code (GArray *beats, int code)
{
  gsize n = 0;
  for (guint i = 0; i < beats->len; i++)
    n += g_array_index (beats, Beat, i).code == code;
  return n;
}

/* Mean of the RR intervals (s) between two consecutive normal beats. */
static double
mean_nn (GArray *beats, double fs)
{
  double sum = 0.0;
  int n = 0;
  for (guint i = 1; i < beats->len; i++)
    {
      const Beat *a = &g_array_index (beats, Beat, i - 1), *b = &g_array_index (beats, Beat, i);
      if (a->code == ECG_ANN_NORMAL && b->code == ECG_ANN_NORMAL)
        {
          sum += (b->sample - a->sample) / fs;
          n++;
        }
    }
  g_assert_cmpint (n, >, 0);
  return sum / n;
}

/* Width (ms) of the QRS at half the R amplitude above 0 mV (the generator's isoelectric line):
 * the run of samples around the peak that stay above half of it. */
static double
half_amplitude_width_ms (const float *x, gint64 n, gint64 peak, double fs)
{
  double half = 0.5 * x[peak];
  gint64 a = peak, b = peak;
  while (a > 0 && x[a - 1] > half)
    a--;
  while (b + 1 < n && x[b + 1] > half)
    b++;
  return (b - a + 1) / fs * 1000.0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

/* ---- structure ---- */

static void
test_synth_defaults (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  g_assert_cmpfloat (options.fs, ==, 360.0);
  g_assert_cmpfloat (options.duration_s, ==, 300.0);
  g_assert_cmpfloat (options.heart_rate_bpm, ==, 60.0);

  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_assert_cmpfloat (record->fs, ==, 360.0);
  g_assert_cmpint (record->n_samples, ==, 108000);
  g_assert_cmpint (record->n_leads, ==, 2);
  g_assert_cmpstr (record->leads[0].name, ==, "MLII");
  g_assert_cmpstr (record->leads[1].name, ==, "V5");
  g_assert_cmpint (ecg_record_find_lead (record, "MLII"), ==, 0);
  for (int l = 0; l < 2; l++)
    {
      g_assert_cmpfloat (record->leads[l].gain, ==, 200.0);
      g_assert_cmpstr (record->leads[l].units, ==, "mV");
      /* quantised at 200 adu/mV: samples are exact multiples of 5 uV */
      for (gint64 i = 0; i < 1000; i++)
        g_assert_cmpfloat_with_epsilon (record->leads[l].samples[i],
                                        record->leads[l].adc[i] / 200.0, 1e-6);
    }

  /* MIT-BIH style: rhythm "(N" at sample 0, then beats in time order inside the record. */
  g_assert_nonnull (record->annotations);
  const EcgAnnotation *first = &record->annotations->items[0];
  g_assert_cmpint (first->sample, ==, 0);
  g_assert_cmpint (first->code, ==, ECG_ANN_RHYTHM);
  g_assert_cmpstr (first->aux, ==, "(N");
  for (gsize i = 1; i < record->annotations->n_items; i++)
    {
      const EcgAnnotation *ann = &record->annotations->items[i];
      g_assert_true (ecg_annotation_code_is_beat (ann->code));
      g_assert_cmpint (ann->sample, >, record->annotations->items[i - 1].sample);
      g_assert_cmpint (ann->sample, <, record->n_samples);
    }
}

/* ---- determinism ---- */

static void
test_synth_deterministic (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.duration_s = 60.0;
  options.seed = 42;
  g_autoptr (EcgRecord) a = synth_or_fail (&options);
  g_autoptr (EcgRecord) b = synth_or_fail (&options);
  options.seed = 43;
  g_autoptr (EcgRecord) c = synth_or_fail (&options);

  g_assert_cmpint (a->n_samples, ==, b->n_samples);
  for (int l = 0; l < a->n_leads; l++)
    {
      g_assert_cmpmem (a->leads[l].samples, a->n_samples * sizeof (float),
                       b->leads[l].samples, b->n_samples * sizeof (float));
      g_assert_cmpmem (a->leads[l].adc, a->n_samples * sizeof (gint32), b->leads[l].adc,
                       b->n_samples * sizeof (gint32));
    }
  g_assert_cmpuint (a->annotations->n_items, ==, b->annotations->n_items);
  for (gsize i = 0; i < a->annotations->n_items; i++)
    {
      g_assert_cmpint (a->annotations->items[i].sample, ==, b->annotations->items[i].sample);
      g_assert_cmpint (a->annotations->items[i].code, ==, b->annotations->items[i].code);
    }

  /* Another seed: other noise, other RR intervals. */
  g_assert_cmpint (c->n_samples, ==, a->n_samples);
  gint64 differing = 0;
  for (gint64 i = 0; i < a->n_samples; i++)
    differing += a->leads[0].adc[i] != c->leads[0].adc[i];
  g_assert_cmpint (differing, >, a->n_samples / 2);
  gboolean same_beats = a->annotations->n_items == c->annotations->n_items;
  for (gsize i = 0; same_beats && i < a->annotations->n_items; i++)
    same_beats = a->annotations->items[i].sample == c->annotations->items[i].sample;
  g_assert_false (same_beats);
}

/* ---- beats and rhythm ---- */

/* Without ectopy the count is duration x rate / 60: the tachogram has zero mean and its LF/HF
 * oscillations (std 1 bpm) average out over 300 s to far below 1 %, and the first R comes half
 * an RR after the start, so at most one beat is gained or lost at the edges; 1 % is 3 beats at
 * 60 bpm, 5 at 100 bpm. */
static void
test_synth_beat_count_sinus (void)
{
  const double rates[] = { 60.0, 100.0 };
  for (guint k = 0; k < G_N_ELEMENTS (rates); k++)
    {
      EcgSynthOptions options;
      ecg_synth_options_init (&options);
      options.heart_rate_bpm = rates[k];
      options.s_beat_rate = 0.0;
      options.v_beat_rate = 0.0;
      g_autoptr (EcgRecord) record = synth_or_fail (&options);
      g_autoptr (GArray) beats = record_beats (record);
      double expected = options.duration_s * rates[k] / 60.0;
      g_assert_cmpfloat (fabs (beats->len - expected), <=, 0.01 * expected);
      /* only sinus beats */
      g_assert_cmpuint (count_code (beats, ECG_ANN_NORMAL), ==, beats->len);
    }
}

/* With the default ectopy the count stays within 3 % of duration x rate / 60: a V beat with a
 * full compensatory pause takes the time of two sinus beats for two beats, and each A beat
 * (coupling 0.65, then one sinus RR) adds 0.35 RR, i.e. 0.35 x 3 % ~ 1 % more beats. */
static void
test_synth_beat_count_default (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_autoptr (GArray) beats = record_beats (record);
  double expected = options.duration_s * options.heart_rate_bpm / 60.0;
  g_assert_cmpfloat (fabs (beats->len - expected), <=, 0.03 * expected);
  g_assert_cmpuint (count_code (beats, ECG_ANN_APC), >, 0);
  g_assert_cmpuint (count_code (beats, ECG_ANN_PVC), >, 0);
  g_test_message ("default record: %u beats, %zu A, %zu V", beats->len,
                  count_code (beats, ECG_ANN_APC), count_code (beats, ECG_ANN_PVC));
}

/* Fractions of A and V over ~3300 beats. Each is roughly binomial, sd sqrt (0.1 x 0.9 / 3300)
 * = 0.0052, so +-0.02 is ~4 sd. Ectopic beats are never adjacent. */
static void
test_synth_ectopic_fractions (void)
{
  static const char *const mlii_only[] = { "MLII", NULL };
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.duration_s = 1800.0;
  options.heart_rate_bpm = 100.0;
  options.s_beat_rate = 0.1;
  options.v_beat_rate = 0.1;
  options.seed = 7;
  options.lead_names = mlii_only;
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_assert_cmpint (record->n_leads, ==, 1);
  g_autoptr (GArray) beats = record_beats (record);

  double n = beats->len;
  double f_a = count_code (beats, ECG_ANN_APC) / n;
  double f_v = count_code (beats, ECG_ANN_PVC) / n;
  g_test_message ("%u beats: A %.4f, V %.4f", beats->len, f_a, f_v);
  g_assert_cmpfloat (fabs (f_a - 0.1), <=, 0.02);
  g_assert_cmpfloat (fabs (f_v - 0.1), <=, 0.02);
  g_assert_cmpuint (count_code (beats, ECG_ANN_NORMAL) + count_code (beats, ECG_ANN_APC)
                      + count_code (beats, ECG_ANN_PVC), ==, beats->len);
  for (guint i = 1; i < beats->len; i++)
    g_assert_true (g_array_index (beats, Beat, i - 1).code == ECG_ANN_NORMAL
                   || g_array_index (beats, Beat, i).code == ECG_ANN_NORMAL);
}

/* The NN intervals have the requested mean and standard deviation 60 sd_hr / hr^2 s (ECGSYN's
 * conversion): the tachogram's variance is set exactly over its period (the record length), so
 * the sampled std is within a few % of it. */
static void
test_synth_rr_variability (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.heart_rate_bpm = 75.0;
  options.hrv_std_bpm = 3.0;
  options.s_beat_rate = 0.0;
  options.v_beat_rate = 0.0;
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_autoptr (GArray) beats = record_beats (record);

  double sum = 0.0, sum2 = 0.0;
  int n = 0;
  for (guint i = 1; i < beats->len; i++)
    {
      double rr = (g_array_index (beats, Beat, i).sample
                   - g_array_index (beats, Beat, i - 1).sample) / record->fs;
      sum += rr;
      sum2 += rr * rr;
      n++;
    }
  double mean = sum / n;
  double sd = sqrt (sum2 / n - mean * mean);
  double expected_sd = 60.0 * 3.0 / (75.0 * 75.0); /* 0.032 s */
  g_test_message ("NN mean %.4f s (0.8 expected), sd %.4f s (%.4f expected)", mean, sd,
                  expected_sd);
  g_assert_cmpfloat (fabs (mean - 0.8), <=, 0.004);
  g_assert_cmpfloat (fabs (sd - expected_sd), <=, 0.1 * expected_sd);

  /* No variability: every RR is the mean RR, up to the +-1 sample of rounding R to samples
   * (and +-1 more when the search puts an R peak on its neighbour sample). */
  options.hrv_std_bpm = 0.0;
  g_autoptr (EcgRecord) steady = synth_or_fail (&options);
  g_autoptr (GArray) steady_beats = record_beats (steady);
  for (guint i = 1; i < steady_beats->len; i++)
    {
      gint64 rr = g_array_index (steady_beats, Beat, i).sample
                  - g_array_index (steady_beats, Beat, i - 1).sample;
      g_assert_cmpint (llabs (rr - 288), <=, 2); /* 0.8 s at 360 Hz */
    }
}

/* A beats come at 0.65 of the sinus RR and reset the sinus node (next RR ~ one sinus RR); each V
 * beat comes early and is followed by a full compensatory pause: RR before + RR after = 2 sinus
 * RRs, within 5 % of twice the record's mean NN (HRV std 1 bpm is 1.7 % of the RR). */
static void
test_synth_premature_timing (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.s_beat_rate = 0.08;
  options.v_beat_rate = 0.08;
  options.seed = 3;
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_autoptr (GArray) beats = record_beats (record);
  double fs = record->fs;
  double nn = mean_nn (beats, fs);
  g_test_message ("mean NN %.4f s", nn);
  g_assert_cmpfloat (fabs (nn - 1.0), <=, 0.01);

  int n_v = 0, n_a = 0;
  double worst_pause = 0.0, worst_coupling = 0.0;
  for (guint i = 1; i + 1 < beats->len; i++)
    {
      const Beat *prev = &g_array_index (beats, Beat, i - 1);
      const Beat *beat = &g_array_index (beats, Beat, i);
      const Beat *next = &g_array_index (beats, Beat, i + 1);
      if (prev->code != ECG_ANN_NORMAL || next->code != ECG_ANN_NORMAL)
        continue;
      double rr_before = (beat->sample - prev->sample) / fs;
      double rr_after = (next->sample - beat->sample) / fs;
      if (beat->code == ECG_ANN_PVC)
        {
          g_assert_cmpfloat (rr_before, <, 0.75 * nn);
          double pause_error = fabs (rr_before + rr_after - 2.0 * nn) / (2.0 * nn);
          g_assert_cmpfloat (pause_error, <=, 0.05);
          worst_pause = MAX (worst_pause, pause_error);
          n_v++;
        }
      else if (beat->code == ECG_ANN_APC)
        {
          g_assert_cmpfloat (fabs (rr_before / nn - 0.65), <=, 0.05);
          worst_coupling = MAX (worst_coupling, fabs (rr_before / nn - 0.65));
          g_assert_cmpfloat (fabs (rr_after / nn - 1.0), <=, 0.06);
          /* not compensatory: the pair is ~0.35 RR short of two RRs */
          g_assert_cmpfloat (rr_before + rr_after, <, 1.8 * nn);
          n_a++;
        }
    }
  g_test_message ("%d isolated V: worst |RR before + after - 2 NN| = %.2f %% of 2 NN; "
                  "%d isolated A: worst |coupling - 0.65| = %.3f NN", n_v, 100.0 * worst_pause,
                  n_a, worst_coupling);
  g_assert_cmpint (n_v, >=, 10);
  g_assert_cmpint (n_a, >=, 10);
}

/* ---- morphology ---- */

/* The annotation sits on the R peak of MLII: the largest MLII sample within +-50 ms is at most 2
 * samples away (noise 0.01 mV is far below the drop of the R wave 2 samples off its peak). Also
 * when MLII is the second lead. */
static void
test_synth_annotation_on_r_peak (void)
{
  static const char *const swapped[] = { "V5", "MLII", NULL };
  for (int variant = 0; variant < 2; variant++)
    {
      EcgSynthOptions options;
      ecg_synth_options_init (&options);
      options.s_beat_rate = 0.1;
      options.v_beat_rate = 0.1;
      options.duration_s = 120.0;
      if (variant == 1)
        options.lead_names = swapped;
      g_autoptr (EcgRecord) record = synth_or_fail (&options);
      int mlii = ecg_record_find_lead (record, "MLII");
      g_assert_cmpint (mlii, ==, variant);
      const float *x = record->leads[mlii].samples;
      g_autoptr (GArray) beats = record_beats (record);
      gint64 reach = (gint64) (0.050 * record->fs);
      for (guint i = 0; i < beats->len; i++)
        {
          gint64 s = g_array_index (beats, Beat, i).sample;
          gint64 best = s;
          for (gint64 k = MAX (s - reach, 0); k <= MIN (s + reach, record->n_samples - 1); k++)
            if (x[k] > x[best])
              best = k;
          g_assert_cmpint (llabs (best - s), <=, 2);
        }
    }
}

/* R amplitude of MLII at its annotations: 0.8–2 mV for every beat type and several rates. */
static void
test_synth_r_amplitude (void)
{
  const double rates[] = { 40.0, 60.0, 150.0 };
  for (guint k = 0; k < G_N_ELEMENTS (rates); k++)
    {
      EcgSynthOptions options;
      ecg_synth_options_init (&options);
      options.heart_rate_bpm = rates[k];
      options.duration_s = 120.0;
      options.s_beat_rate = 0.1;
      options.v_beat_rate = 0.1;
      g_autoptr (EcgRecord) record = synth_or_fail (&options);
      g_autoptr (GArray) beats = record_beats (record);
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
      for (guint i = 0; i < beats->len; i++)
        {
          double r = record->leads[0].samples[g_array_index (beats, Beat, i).sample];
          lo = MIN (lo, r);
          hi = MAX (hi, r);
        }
      g_test_message ("%g bpm: MLII R %.3f..%.3f mV", rates[k], lo, hi);
      g_assert_cmpfloat (lo, >=, 0.8);
      g_assert_cmpfloat (hi, <=, 2.0);
    }
}

/* V beats have a wide QRS: on a clean record (no noise, no wander, so 0 mV is the isoelectric
 * line) every V is wider at half its R amplitude than every N and A, and by the medians more
 * than twice as wide. A beats keep the normal QRS (median within one sample of N). */
static void
test_synth_v_wider_than_n (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.noise_std_mv = 0.0;
  options.baseline_wander_mv = 0.0;
  options.s_beat_rate = 0.1;
  options.v_beat_rate = 0.1;
  options.duration_s = 120.0;
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  g_autoptr (GArray) beats = record_beats (record);
  g_autoptr (GArray) width_n = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) width_a = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) width_v = g_array_new (FALSE, FALSE, sizeof (double));
  const float *x = record->leads[0].samples;
  for (guint i = 0; i < beats->len; i++)
    {
      const Beat *beat = &g_array_index (beats, Beat, i);
      double w = half_amplitude_width_ms (x, record->n_samples, beat->sample, record->fs);
      GArray *into = beat->code == ECG_ANN_PVC ? width_v
                     : beat->code == ECG_ANN_APC ? width_a : width_n;
      g_array_append_val (into, w);
    }
  g_assert_cmpuint (width_v->len, >, 0);
  g_assert_cmpuint (width_a->len, >, 0);
  double max_n = 0.0, min_v = G_MAXDOUBLE;
  for (guint i = 0; i < width_n->len; i++)
    max_n = MAX (max_n, g_array_index (width_n, double, i));
  for (guint i = 0; i < width_a->len; i++)
    max_n = MAX (max_n, g_array_index (width_a, double, i));
  for (guint i = 0; i < width_v->len; i++)
    min_v = MIN (min_v, g_array_index (width_v, double, i));
  double med_n = median (width_n), med_a = median (width_a), med_v = median (width_v);
  g_test_message ("half-amplitude width: N %.1f ms, A %.1f ms, V %.1f ms (medians)", med_n,
                  med_a, med_v);
  g_assert_cmpfloat (min_v, >, max_n);
  g_assert_cmpfloat (med_v, >, 2.0 * med_n);
  g_assert_cmpfloat (fabs (med_a - med_n), <=, 1000.0 / record->fs + 1e-9);
}

/* The model is linear in z and the wander does not move the beats, so a record with wander minus
 * the same record without it is the wander alone: a sine at hf_hz of the requested amplitude
 * once the 1 s start-up transient of z has decayed (projection over 70 whole periods). */
static void
test_synth_baseline_wander (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.noise_std_mv = 0.0;
  options.baseline_wander_mv = 0.0;
  g_autoptr (EcgRecord) flat = synth_or_fail (&options);
  options.baseline_wander_mv = 0.3;
  g_autoptr (EcgRecord) wander = synth_or_fail (&options);

  double fs = flat->fs, f = options.hf_hz;
  gint64 from = (gint64) (10.0 * fs), to = from + (gint64) (70.0 / f * fs);
  double s = 0.0, c = 0.0, residual = 0.0;
  for (gint64 i = from; i < to; i++)
    {
      double d = wander->leads[0].samples[i] - flat->leads[0].samples[i];
      s += d * sin (2.0 * G_PI * f * i / fs);
      c += d * cos (2.0 * G_PI * f * i / fs);
    }
  s *= 2.0 / (to - from);
  c *= 2.0 / (to - from);
  double amplitude = hypot (s, c);
  for (gint64 i = from; i < to; i++)
    {
      double d = wander->leads[0].samples[i] - flat->leads[0].samples[i];
      double fit = s * sin (2.0 * G_PI * f * i / fs) + c * cos (2.0 * G_PI * f * i / fs);
      residual = MAX (residual, fabs (d - fit));
    }
  g_test_message ("wander amplitude %.4f mV, worst residual %.4f mV", amplitude, residual);
  g_assert_cmpfloat (fabs (amplitude - 0.3), <=, 0.003);
  /* what is left is the quantisation of both records, at most 2 x 0.0025 mV */
  g_assert_cmpfloat (residual, <=, 0.006);
}

/* ---- options ---- */

/* Breaks one option of a default set; FALSE when `which` is past the last case. */
static gboolean
break_option (EcgSynthOptions *o, int which)
{
  switch (which)
    {
    case 0: o->fs = 0.0; break;
    case 1: o->fs = -360.0; break;
    case 2: o->duration_s = 0.0; break;
    case 3: o->duration_s = NAN; break;
    case 4: o->heart_rate_bpm = 19.9; break;
    case 5: o->heart_rate_bpm = 250.1; break;
    case 6: o->s_beat_rate = -0.01; break;
    case 7: o->s_beat_rate = 1.0; break;
    case 8: o->v_beat_rate = 1.0; break;
    case 9: o->s_beat_rate = 0.3; o->v_beat_rate = 0.2; break;
    case 10: o->noise_std_mv = -0.01; break;
    case 11: o->hrv_std_bpm = -1.0; break;
    default: return FALSE;
    }
  return TRUE;
}

static void
test_synth_invalid_options (void)
{
  for (int which = 0;; which++)
    {
      EcgSynthOptions options;
      ecg_synth_options_init (&options);
      if (!break_option (&options, which))
        break;
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgRecord) record = ecg_synth_record ("synth", &options, &error);
      g_assert_null (record);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "synthetic ECG: "));
    }

  /* The limits themselves are valid. */
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.duration_s = 5.0;
  options.heart_rate_bpm = 20.0;
  options.s_beat_rate = 0.25;
  options.v_beat_rate = 0.2499;
  g_autoptr (EcgRecord) slow = synth_or_fail (&options);
  g_assert_cmpint (slow->n_samples, ==, 1800);
  options.heart_rate_bpm = 250.0;
  g_autoptr (EcgRecord) fast = synth_or_fail (&options);
  g_assert_cmpint (fast->n_samples, ==, 1800);

  /* A lead without a model is not found. */
  static const char *const unknown[] = { "MLII", "V1", NULL };
  ecg_synth_options_init (&options);
  options.lead_names = unknown;
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) none = ecg_synth_record ("synth", &options, &error);
  g_assert_null (none);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'V1'"));
}

/* ---- WFDB ---- */

/* Written as WFDB (format 212) and read back, the record keeps its samples and annotations. */
static void
test_synth_wfdb_roundtrip (void)
{
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.duration_s = 30.0;
  g_autoptr (EcgRecord) record = synth_or_fail (&options);
  char *dir = ecg_test_tmpdir_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (record, dir, 212, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "synth", NULL);
  g_autoptr (EcgRecord) loaded = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->n_samples, ==, record->n_samples);
  g_assert_cmpint (loaded->n_leads, ==, 2);
  g_assert_cmpfloat (loaded->fs, ==, 360.0);
  for (int l = 0; l < 2; l++)
    {
      g_assert_cmpstr (loaded->leads[l].name, ==, record->leads[l].name);
      g_assert_cmpmem (loaded->leads[l].adc, loaded->n_samples * sizeof (gint32),
                       record->leads[l].adc, record->n_samples * sizeof (gint32));
    }
  g_assert_nonnull (loaded->annotations);
  g_assert_cmpuint (loaded->annotations->n_items, ==, record->annotations->n_items);
  for (gsize i = 0; i < record->annotations->n_items; i++)
    {
      g_assert_cmpint (loaded->annotations->items[i].sample, ==,
                       record->annotations->items[i].sample);
      g_assert_cmpint (loaded->annotations->items[i].code, ==,
                       record->annotations->items[i].code);
      g_assert_cmpstr (loaded->annotations->items[i].aux, ==,
                       record->annotations->items[i].aux);
    }
  ecg_test_tmpdir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/signal/synth/defaults", test_synth_defaults);
  g_test_add_func ("/engine/signal/synth/deterministic", test_synth_deterministic);
  g_test_add_func ("/engine/signal/synth/beat-count-sinus", test_synth_beat_count_sinus);
  g_test_add_func ("/engine/signal/synth/beat-count-default", test_synth_beat_count_default);
  g_test_add_func ("/engine/signal/synth/ectopic-fractions", test_synth_ectopic_fractions);
  g_test_add_func ("/engine/signal/synth/rr-variability", test_synth_rr_variability);
  g_test_add_func ("/engine/signal/synth/premature-timing", test_synth_premature_timing);
  g_test_add_func ("/engine/signal/synth/annotation-on-r-peak", test_synth_annotation_on_r_peak);
  g_test_add_func ("/engine/signal/synth/r-amplitude", test_synth_r_amplitude);
  g_test_add_func ("/engine/signal/synth/v-wider-than-n", test_synth_v_wider_than_n);
  g_test_add_func ("/engine/signal/synth/baseline-wander", test_synth_baseline_wander);
  g_test_add_func ("/engine/signal/synth/invalid-options", test_synth_invalid_options);
  g_test_add_func ("/engine/signal/synth/wfdb-roundtrip", test_synth_wfdb_roundtrip);
  return g_test_run ();
}
