/* ecg-synth.c — synthetic ECG after McSharry, Clifford, Tarassenko & Smith, "A dynamical model
 * for generating synthetic electrocardiogram signals", IEEE TBME 50(3) 289-294, 2003 (ECGSYN).
 *
 * The model (paper eq. 3), one z per lead, all leads sharing the x-y trajectory:
 *   dx/dt = alpha x - omega y,   dy/dt = alpha y + omega x,   alpha = 1 - sqrt (x^2 + y^2)
 *   dz/dt = -(omega / omega_mean) sum_i a_i dtheta_i exp (-dtheta_i^2 / (2 b_i^2)) - (z - z0(t))
 *   z0(t) = A sin (2 pi f_resp t)                          (respiratory baseline wander)
 * The point circles the unit limit cycle; dtheta/dt = omega exactly, whatever the radius. Event
 * i (P, Q, R, S, T) of a beat sits at angle theta_i relative to that beat's R (theta = 0) and
 * adds a Gaussian bump of height a_i b_i^2 / omega_mean to z.
 *
 * Departures from the paper, each for the beat types the paper does not model:
 *  - Phase is unwrapped (phi = theta + 2 pi j) and each beat j owns its events at
 *    phi = 2 pi j + theta_i, so consecutive beats can have different shapes without a jump when
 *    the point passes theta = 0.
 *  - omega is piecewise constant in phase, not in time. Within the RR interval that ends at beat
 *    j the QRS of both beats (the "core") always runs at omega_mean = 2 pi / RR_mean, the T wave
 *    of beat j-1 and the P wave of beat j (the "shoulders") at omega_s, the diastole (TP
 *    segment) between them at omega_d. RR changes are absorbed by the diastole alone until it
 *    would be shortened more than DIASTOLE_MAX_SPEEDUP times against the shoulders; beyond that
 *    the shoulders are compressed too, with omega_d = DIASTOLE_MAX_SPEEDUP omega_s. The time from
 *    R_(j-1) to R_j is then exactly RR_j, but a premature beat keeps its QRS width and the
 *    neighbours keep their P and T (the paper sets omega = 2 pi / RR over the whole interval,
 *    which would squeeze the upstroke of a V beat at 0.6 RR to 60 % and stretch its downstroke
 *    by the compensatory pause). Nothing outside the QRS runs faster than MAX_SPEEDUP x
 *    omega_mean; an RR too short for that (only at extreme rate and HRV) is lengthened.
 *  - The event term is multiplied by omega / omega_mean so that dz/dphi, hence every wave's
 *    amplitude, does not depend on how fast that part of the cycle runs (in the paper a
 *    premature R would lose height and z would not return to baseline after it).
 *  - z is scaled by one factor, from a noise-free normal MLII beat at the mean rate, so that its
 *    peak-to-peak is 1.6 mV (the paper maps each record's own min..max to -0.4..1.2 mV; one
 *    fixed factor keeps 0 mV as the isoelectric line and V beats taller than N beats).
 *
 * Angles and widths scale with the mean rate as in ECGSYN's Matlab code:
 *   b_i *= sqrt (hr / 60),  theta_i *= (hrfact2, hrfact, 1, hrfact, hrfact2) for P Q R S T,
 *   hrfact = sqrt (hr / 60), hrfact2 = sqrt (hrfact).
 *
 * RR tachogram (paper eq. 2): sinus RR(t) = RR_mean + sum_k A_k cos (2 pi f_k t + phase_k),
 * f_k = k / T, with A_k^2 / 2 proportional to the bimodal spectrum
 *   S(f) = s1^2 / sqrt (2 pi c1^2) exp (-(f - f1)^2 / (2 c1^2))
 *        + s2^2 / sqrt (2 pi c2^2) exp (-(f - f2)^2 / (2 c2^2)),   s1^2 / s2^2 = LF/HF,
 * c1 = c2 = 0.01 Hz, T = the record length clamped to 256..4096 s (longer records repeat the
 * tachogram), phases uniform, scaled so that the variance is exactly (60 hrv_std / hr^2)^2 s^2
 * (ECGSYN's rrstd). A sum of sinusoids is the paper's inverse FFT with
 * random phases, evaluated only at the beats and only over the bins where S(f) is not negligible.
 *
 * Beat sequence: beats 0 and 1 and any beat after an ectopic beat are sinus ('N'); otherwise a
 * beat is 'A' with probability p_S / (1 - p_S - p_V) and 'V' with p_V / (1 - p_S - p_V), so that
 * the long-run fractions are p_S and p_V although ectopic beats never follow each other.
 *   N: RR_j = RR(t_(j-1))
 *   A: RR_j = S_COUPLING RR(t_(j-1)); the sinus node is reset, so the next RR is RR(t_j)
 *      (non-compensatory pause). Normal QRS, inverted narrower P' closer to the QRS.
 *   V: RR_j = V_COUPLING RR(t_(j-1)); the sinus beat due during the V beat's refractory period
 *      is blocked, so the next R comes at t_(j-1) + 2 RR(t_(j-1)) (full compensatory pause).
 *      No P, wide QRS (larger b for Q, R, S), discordant T.
 *
 * Integration: classic RK4 with a fixed step h = 1 / (m fs), m = max (2, ceil (720 Hz / fs)),
 * keeping every m-th point (the waves are smooth on the scale of 1/fs, so no anti-alias
 * filter). State [x, y, z_lead0, z_lead1]. Each step uses the mean omega of the planned phase
 * over the step, so the point reaches every R at its planned time. The R
 * annotation is the sample of the largest |z| of the clean annotated lead within +-30 ms of
 * the planned R time, so it sits on the drawn peak; white Gaussian noise is added afterwards.
 */
#include "signal/ecg-synth.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"

#define SYNTH_GAIN 200.0           /* ADC units per mV */
#define SYNTH_PEAK_TO_PEAK_MV 1.6  /* normal MLII beat, as the paper's -0.4..1.2 mV */
#define S_COUPLING 0.65            /* RR before an 'A' beat, in sinus RRs */
#define V_COUPLING 0.60            /* RR before a 'V' beat, in sinus RRs */
#define DIASTOLE_MAX_SPEEDUP 6.0   /* diastole may run this much faster than the shoulders */
#define MAX_SPEEDUP 4.0            /* nothing outside the QRS runs faster than this x omega_mean */
#define SPECTRUM_WIDTH_HZ 0.01     /* c1 = c2 of the paper */
#define MIN_INTERNAL_RATE_HZ 720.0
#define PEAK_SEARCH_S 0.030
#define Z_RELAXATION 1.0           /* 1/s, the paper's pull of z towards z0 */

enum { WAVE_P, WAVE_Q, WAVE_R, WAVE_S, WAVE_T, N_WAVES };
enum { BEAT_N, BEAT_A, BEAT_V, N_BEAT_TYPES };
enum { LEAD_MLII, LEAD_V5, N_LEAD_KINDS };

static const char *const lead_kind_names[N_LEAD_KINDS] = { "MLII", "V5" };
static const char *const default_lead_names[] = { "MLII", "V5", NULL };

/* Morphology of one beat type at 60 bpm. Timing (theta, b) is shared by all leads: the heart
 * depolarises once; a lead only sees the events with its own weights a. */
typedef struct
{
  double theta[N_WAVES]; /* rad, relative to R */
  double b[N_WAVES];     /* rad */
  double a[N_LEAD_KINDS][N_WAVES];
} BeatShape;

/* MLII 'N' is the paper's Table 1. V5 is not a projection of a heart vector, only a second,
 * plausible shape: taller R, smaller q and s, taller T, as a left precordial lead shows.
 * 'A': P' inverted in MLII, narrower and closer to the QRS (low atrial focus), QRS as 'N'.
 * 'V': no P; R 2.5 and Q, S 2 times as wide (half-amplitude width ~78 ms against ~33 ms at
 * 60 bpm), a bit taller; monophasic R and inverted T in MLII, small r and a deep wide S with an
 * upright T in V5 (discordant ST-T in both). */
static const BeatShape beat_shapes[N_BEAT_TYPES] = {
  [BEAT_N] = {
    .theta = { -G_PI / 3, -G_PI / 12, 0.0, G_PI / 12, G_PI / 2 },
    .b = { 0.25, 0.1, 0.1, 0.1, 0.4 },
    .a = { [LEAD_MLII] = { 1.2, -5.0, 30.0, -7.5, 0.75 },
           [LEAD_V5] = { 0.9, -3.0, 38.0, -5.0, 0.9 } },
  },
  [BEAT_A] = {
    .theta = { -0.3 * G_PI, -G_PI / 12, 0.0, G_PI / 12, G_PI / 2 },
    .b = { 0.2, 0.1, 0.1, 0.1, 0.4 },
    .a = { [LEAD_MLII] = { -1.6, -5.0, 30.0, -7.5, 0.75 },
           [LEAD_V5] = { 0.6, -3.0, 38.0, -5.0, 0.9 } },
  },
  [BEAT_V] = {
    .theta = { -G_PI / 3, -0.35, 0.0, 0.40, G_PI / 2 },
    .b = { 0.25, 0.2, 0.25, 0.2, 0.55 },
    .a = { [LEAD_MLII] = { 0.0, -2.0, 6.0, 0.0, -0.45 },
           [LEAD_V5] = { 0.0, 1.5, -5.0, 2.5, 0.5 } },
  },
};

static const guint8 beat_codes[N_BEAT_TYPES] = { ECG_ANN_NORMAL, ECG_ANN_APC, ECG_ANN_PVC };

/* A beat of the plan and the RR interval that ends at it (from R_(j-1) to R_j). Phase within
 * the interval, psi = phi - 2 pi (j - 1), runs over 0..2 pi in five regions:
 *   [0, core_after)  [core_after, t_end)  [t_end, p_start)  [p_start, core_before)  [.., 2 pi)
 *    QRS of j-1          T shoulder          diastole          P shoulder           QRS of j
 *    omega_mean          omega_shoulder      omega_diastole    omega_shoulder       omega_mean */
typedef struct
{
  int type;
  double t_r;         /* planned time of the R peak, s */
  double rr;          /* RR_j, s */
  double sinus_rr;    /* sinus RR the timing of this beat was derived from */
  double core_after;  /* rad, end of the QRS core of beat j-1 */
  double t_end;
  double p_start;
  double core_before;
  double omega_shoulder;
  double omega_diastole;
} PlannedBeat;

typedef struct
{
  int n_leads;
  int lead_kind[N_LEAD_KINDS];
  BeatShape shapes[N_BEAT_TYPES]; /* scaled to the mean rate */
  double core_lo[N_BEAT_TYPES];   /* rad of QRS before R, events Q and R out to 3 b */
  double core_hi[N_BEAT_TYPES];   /* rad of QRS after R, events R and S out to 3 b */
  double omega_mean;
  double rr_mean;
  double wander_amplitude;        /* of the drive z0, in z units */
  double wander_hz;
  /* beats[0] is a sinus beat before the record; beats[j + 1] is beat j */
  PlannedBeat *beats;
  gsize n_beats;
} Synth;

typedef struct
{
  gsize n_bins;
  double *freq;
  double *amplitude;
  double *phase;
} Tachogram;

static void
tachogram_clear (Tachogram *tacho)
{
  g_free (tacho->freq);
  g_free (tacho->amplitude);
  g_free (tacho->phase);
}

void
ecg_synth_options_init (EcgSynthOptions *options)
{
  memset (options, 0, sizeof *options);
  options->fs = 360.0;
  options->duration_s = 300.0;
  options->heart_rate_bpm = 60.0;
  options->hrv_std_bpm = 1.0;
  options->lf_hz = 0.1;
  options->hf_hz = 0.25;
  options->lf_hf_ratio = 0.5;
  options->noise_std_mv = 0.01;
  options->baseline_wander_mv = 0.05;
  options->s_beat_rate = 0.03;
  options->v_beat_rate = 0.02;
  options->seed = 1;
  options->lead_names = NULL;
}

static gboolean
validate_options (const EcgSynthOptions *o, GError **error)
{
#define INVALID(...)                                                                          \
  do                                                                                          \
    {                                                                                         \
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, __VA_ARGS__);                         \
      return FALSE;                                                                           \
    }                                                                                         \
  while (0)

  /* Negated comparisons so that NaN is rejected too. */
  if (!(o->fs > 0.0) || !isfinite (o->fs))
    INVALID ("synthetic ECG: sampling rate %g Hz is not positive", o->fs);
  if (!(o->duration_s > 0.0) || !isfinite (o->duration_s))
    INVALID ("synthetic ECG: duration %g s is not positive", o->duration_s);
  if (!(o->duration_s * o->fs >= 1.0) || o->duration_s * o->fs > (double) G_MAXINT32)
    INVALID ("synthetic ECG: %g s at %g Hz does not give 1 to %d samples", o->duration_s, o->fs,
             G_MAXINT32);
  if (!(o->heart_rate_bpm >= 20.0 && o->heart_rate_bpm <= 250.0))
    INVALID ("synthetic ECG: heart rate %g bpm is outside 20..250 bpm", o->heart_rate_bpm);
  if (!(o->hrv_std_bpm >= 0.0 && o->hrv_std_bpm <= 0.1 * o->heart_rate_bpm))
    INVALID ("synthetic ECG: heart rate standard deviation %g bpm is outside 0..%g bpm "
             "(10 %% of the rate)", o->hrv_std_bpm, 0.1 * o->heart_rate_bpm);
  if (!(o->lf_hz > 0.0 && o->lf_hz < o->hf_hz && o->hf_hz <= 1.0))
    INVALID ("synthetic ECG: LF %g Hz and HF %g Hz must satisfy 0 < LF < HF <= 1 Hz",
             o->lf_hz, o->hf_hz);
  if (!(o->lf_hf_ratio > 0.0) || !isfinite (o->lf_hf_ratio))
    INVALID ("synthetic ECG: LF/HF ratio %g is not positive", o->lf_hf_ratio);
  if (!(o->noise_std_mv >= 0.0) || !isfinite (o->noise_std_mv))
    INVALID ("synthetic ECG: noise standard deviation %g mV is negative", o->noise_std_mv);
  if (!(o->baseline_wander_mv >= 0.0) || !isfinite (o->baseline_wander_mv))
    INVALID ("synthetic ECG: baseline wander %g mV is negative", o->baseline_wander_mv);
  if (!(o->s_beat_rate >= 0.0 && o->s_beat_rate < 1.0))
    INVALID ("synthetic ECG: S beat rate %g is outside [0, 1)", o->s_beat_rate);
  if (!(o->v_beat_rate >= 0.0 && o->v_beat_rate < 1.0))
    INVALID ("synthetic ECG: V beat rate %g is outside [0, 1)", o->v_beat_rate);
  /* Ectopic beats never follow each other, so at most every other beat can be one. */
  if (!(o->s_beat_rate + o->v_beat_rate < 0.5))
    INVALID ("synthetic ECG: S and V beat rates %g + %g are not below 0.5", o->s_beat_rate,
             o->v_beat_rate);
  return TRUE;
#undef INVALID
}

static int
lead_kind_from_name (const char *name)
{
  for (int k = 0; k < N_LEAD_KINDS; k++)
    if (g_strcmp0 (name, lead_kind_names[k]) == 0)
      return k;
  return -1;
}

/* Scales the 60 bpm shapes to the mean rate and derives the QRS cores. */
static void
synth_init_shapes (Synth *synth, double heart_rate_bpm)
{
  double hrfact = sqrt (heart_rate_bpm / 60.0);
  double hrfact2 = sqrt (hrfact);
  const double theta_factor[N_WAVES] = { hrfact2, hrfact, 1.0, hrfact, hrfact2 };

  for (int type = 0; type < N_BEAT_TYPES; type++)
    {
      BeatShape *shape = &synth->shapes[type];
      *shape = beat_shapes[type];
      for (int i = 0; i < N_WAVES; i++)
        {
          shape->theta[i] *= theta_factor[i];
          shape->b[i] *= hrfact;
        }
      synth->core_lo[type] = MAX (-shape->theta[WAVE_Q] + 3.0 * shape->b[WAVE_Q],
                                  3.0 * shape->b[WAVE_R]);
      synth->core_hi[type] = MAX (shape->theta[WAVE_S] + 3.0 * shape->b[WAVE_S],
                                  3.0 * shape->b[WAVE_R]);
    }
}

static gboolean
shape_has_p (const BeatShape *shape)
{
  for (int k = 0; k < N_LEAD_KINDS; k++)
    if (shape->a[k][WAVE_P] != 0.0)
      return TRUE;
  return FALSE;
}

/* Sets the phase regions and speeds of the interval ending at `beat` (whose rr is requested),
 * after `prev`. Lengthens beat->rr when it is too short to fit the waves at MAX_SPEEDUP, which
 * only happens at extreme settings (rate near 250 bpm with large HRV). */
static void
plan_interval (const Synth *synth, const PlannedBeat *prev, PlannedBeat *beat)
{
  const BeatShape *before = &synth->shapes[prev->type];
  const BeatShape *after = &synth->shapes[beat->type];
  double two_pi = 2.0 * G_PI;

  double core_after = synth->core_hi[prev->type];
  double core_before = two_pi - synth->core_lo[beat->type];
  /* T shoulder to 2.5 b past the T peak, P shoulder from 2.5 b before the P peak; at high rates
   * they may meet, then the boundary divides the gap between the peaks in the ratio of the
   * widths and the diastole is empty. */
  double t_peak = before->theta[WAVE_T];
  double t_end = MAX (core_after, t_peak + 2.5 * before->b[WAVE_T]);
  double p_start = core_before;
  if (shape_has_p (after))
    {
      double p_peak = two_pi + after->theta[WAVE_P];
      p_start = MIN (core_before, p_peak - 2.5 * after->b[WAVE_P]);
      if (t_end > p_start)
        {
          double split = t_peak + (p_peak - t_peak) * before->b[WAVE_T]
                                  / (before->b[WAVE_T] + after->b[WAVE_P]);
          t_end = CLAMP (split, core_after, core_before);
          p_start = t_end;
        }
    }
  else
    t_end = MIN (t_end, core_before);

  double core_time = (core_after + two_pi - core_before) / synth->omega_mean;
  double shoulder_span = (t_end - core_after) + (core_before - p_start);
  double diastole_span = p_start - t_end;
  double outside_span = shoulder_span + diastole_span;
  double min_time = outside_span / (MAX_SPEEDUP * synth->omega_mean);

  if (beat->rr - core_time < min_time)
    beat->rr = core_time + min_time;
  double available = beat->rr - core_time;

  double omega_shoulder, omega_diastole;
  double shoulders_at_mean = shoulder_span / synth->omega_mean;
  if (diastole_span > 0.0
      && available >= shoulders_at_mean
                        + diastole_span / (DIASTOLE_MAX_SPEEDUP * synth->omega_mean))
    {
      omega_shoulder = synth->omega_mean;
      omega_diastole = diastole_span / (available - shoulders_at_mean);
    }
  else
    {
      omega_shoulder = (shoulder_span + diastole_span / DIASTOLE_MAX_SPEEDUP) / available;
      omega_diastole = DIASTOLE_MAX_SPEEDUP * omega_shoulder;
    }

  beat->core_after = core_after;
  beat->t_end = t_end;
  beat->p_start = p_start;
  beat->core_before = core_before;
  beat->omega_shoulder = omega_shoulder;
  beat->omega_diastole = omega_diastole;
}

/* The five phase regions of the interval ending at `beat`: region r spans
 * bounds[r]..bounds[r + 1] and runs at omegas[r]. */
static void
interval_regions (const Synth *synth, const PlannedBeat *beat, double bounds[6], double omegas[5])
{
  bounds[0] = 0.0;
  bounds[1] = beat->core_after;
  bounds[2] = beat->t_end;
  bounds[3] = beat->p_start;
  bounds[4] = beat->core_before;
  bounds[5] = 2.0 * G_PI;
  omegas[0] = omegas[4] = synth->omega_mean;
  omegas[1] = omegas[3] = beat->omega_shoulder;
  omegas[2] = beat->omega_diastole;
}

/* Time to run from phase psi to 2 pi in the interval ending at `beat`. */
static double
interval_time_to_end (const Synth *synth, const PlannedBeat *beat, double psi)
{
  double bounds[6], omegas[5];
  interval_regions (synth, beat, bounds, omegas);
  double time = 0.0;
  for (int r = 0; r < 5; r++)
    {
      double lo = MAX (bounds[r], psi);
      if (bounds[r + 1] > lo)
        time += (bounds[r + 1] - lo) / omegas[r];
    }
  return time;
}

/* The planned phase at time t: the exact solution of dphi/dt = omega(phi), piecewise linear in
 * t. `cursor` keeps the interval of the previous call so that a sweep costs O(1) per call. */
static double
plan_phase_at (const Synth *synth, gsize *cursor, double t)
{
  gsize index = MAX (*cursor, 1);
  while (index + 1 < synth->n_beats && t >= synth->beats[index].t_r)
    index++;
  while (index > 1 && t < synth->beats[index - 1].t_r)
    index--;
  *cursor = index;

  double bounds[6], omegas[5];
  interval_regions (synth, &synth->beats[index], bounds, omegas);
  double elapsed = t - synth->beats[index - 1].t_r;
  double psi = bounds[5];
  for (int r = 0; r < 5; r++)
    {
      double duration = (bounds[r + 1] - bounds[r]) / omegas[r];
      if (elapsed < duration || r == 4)
        {
          psi = bounds[r] + elapsed * omegas[r];
          break;
        }
      elapsed -= duration;
    }
  return 2.0 * G_PI * ((double) index - 2.0) + psi;
}

/* Tachogram bins with random phases; the phases are drawn for every bin (even with zero HRV) so
 * that the later draws of the generator do not depend on hrv_std. */
static void
tachogram_init (Tachogram *tacho, const EcgSynthOptions *o, GRand *rand)
{
  double period = CLAMP (o->duration_s, 256.0, 4096.0);
  double df = 1.0 / period;
  double reach = 5.0 * SPECTRUM_WIDTH_HZ;
  gsize k_max = (gsize) ceil ((o->hf_hz + reach) / df);
  double rr_std = 60.0 * o->hrv_std_bpm / (o->heart_rate_bpm * o->heart_rate_bpm);
  double lf_power = o->lf_hf_ratio / (1.0 + o->lf_hf_ratio);
  double hf_power = 1.0 / (1.0 + o->lf_hf_ratio);
  double norm = 1.0 / sqrt (2.0 * G_PI * SPECTRUM_WIDTH_HZ * SPECTRUM_WIDTH_HZ);
  double c2 = 2.0 * SPECTRUM_WIDTH_HZ * SPECTRUM_WIDTH_HZ;

  tacho->freq = g_new (double, k_max);
  tacho->amplitude = g_new (double, k_max);
  tacho->phase = g_new (double, k_max);
  tacho->n_bins = 0;
  double total = 0.0;
  for (gsize k = 1; k <= k_max; k++)
    {
      double f = k * df;
      if (fabs (f - o->lf_hz) > reach && fabs (f - o->hf_hz) > reach)
        continue;
      double s = norm * (lf_power * exp (-(f - o->lf_hz) * (f - o->lf_hz) / c2)
                         + hf_power * exp (-(f - o->hf_hz) * (f - o->hf_hz) / c2));
      tacho->freq[tacho->n_bins] = f;
      tacho->amplitude[tacho->n_bins] = s;
      tacho->phase[tacho->n_bins] = g_rand_double_range (rand, 0.0, 2.0 * G_PI);
      total += s;
      tacho->n_bins++;
    }
  /* sum A_k^2 / 2 = rr_std^2 */
  for (gsize k = 0; k < tacho->n_bins; k++)
    tacho->amplitude[k] = total > 0.0 ? sqrt (2.0 * tacho->amplitude[k] / total) * rr_std : 0.0;
}

static double
tachogram_rr (const Tachogram *tacho, double rr_mean, double t)
{
  double rr = rr_mean;
  for (gsize k = 0; k < tacho->n_bins; k++)
    rr += tacho->amplitude[k] * cos (2.0 * G_PI * tacho->freq[k] * t + tacho->phase[k]);
  return rr;
}

/* Plans beats until one lies beyond `end_time`. With `tacho` NULL every beat is sinus at
 * RR_mean (the scaling template). */
static void
synth_plan (Synth *synth, const Tachogram *tacho, const EcgSynthOptions *o, GRand *rand,
            double end_time)
{
  gsize capacity = (gsize) (end_time / (0.5 * synth->rr_mean)) + 8;
  synth->beats = g_new0 (PlannedBeat, capacity);
  double s_rate = o ? o->s_beat_rate : 0.0;
  double v_rate = o ? o->v_beat_rate : 0.0;
  double p_s = s_rate / (1.0 - s_rate - v_rate);
  double p_v = v_rate / (1.0 - s_rate - v_rate);

  PlannedBeat *virtual = &synth->beats[0];
  virtual->type = BEAT_N;
  virtual->rr = virtual->sinus_rr = synth->rr_mean;

  /* Beat 0: the record starts half-way through its interval (phi = -pi). */
  PlannedBeat *first = &synth->beats[1];
  first->type = BEAT_N;
  first->rr = first->sinus_rr = tacho ? tachogram_rr (tacho, synth->rr_mean, 0.0) : synth->rr_mean;
  plan_interval (synth, virtual, first);
  first->t_r = interval_time_to_end (synth, first, G_PI);
  virtual->t_r = first->t_r - first->rr;
  synth->n_beats = 2;

  while (synth->beats[synth->n_beats - 1].t_r <= end_time)
    {
      if (synth->n_beats == capacity)
        {
          capacity *= 2;
          synth->beats = g_renew (PlannedBeat, synth->beats, capacity);
        }
      PlannedBeat *prev = &synth->beats[synth->n_beats - 1];
      PlannedBeat *beat = &synth->beats[synth->n_beats];
      memset (beat, 0, sizeof *beat);
      double u = rand ? g_rand_double (rand) : 1.0;
      double sinus = tacho ? tachogram_rr (tacho, synth->rr_mean, prev->t_r) : synth->rr_mean;

      if (prev->type == BEAT_V)
        {
          beat->type = BEAT_N;
          beat->sinus_rr = prev->sinus_rr;
          beat->rr = 2.0 * prev->sinus_rr - prev->rr;
        }
      else
        {
          gboolean may_be_ectopic = synth->n_beats >= 3 && prev->type == BEAT_N;
          if (may_be_ectopic && u < p_s)
            beat->type = BEAT_A;
          else if (may_be_ectopic && u < p_s + p_v)
            beat->type = BEAT_V;
          else
            beat->type = BEAT_N;
          double coupling = beat->type == BEAT_A ? S_COUPLING
                            : beat->type == BEAT_V ? V_COUPLING : 1.0;
          beat->sinus_rr = sinus;
          beat->rr = coupling * sinus;
        }
      plan_interval (synth, prev, beat);
      beat->t_r = prev->t_r + beat->rr;
      synth->n_beats++;
    }
}

/* The beat interval (index into synth->beats of the beat that ends it) containing phase phi. */
static gsize
interval_of_phase (const Synth *synth, double phi)
{
  /* phi in [2 pi (j - 1), 2 pi j) belongs to beat j, stored at j + 1 */
  double j = floor (phi / (2.0 * G_PI)) + 1.0;
  return (gsize) CLAMP (j + 1.0, 1.0, (double) (synth->n_beats - 1));
}

/* Right-hand side of the model. `phi` is the unwrapped phase of this state, `omega` the angular
 * velocity. z holds n_kinds values, for the lead kinds in kinds[]. */
static void
synth_derivative (const Synth *synth, double t, const double *state, double phi, double omega,
                  int n_kinds, const int *kinds, double *d_state)
{
  double x = state[0], y = state[1];
  double alpha = 1.0 - sqrt (x * x + y * y);
  gsize index = interval_of_phase (synth, phi);
  double psi = phi - 2.0 * G_PI * ((double) index - 2.0);

  d_state[0] = alpha * x - omega * y;
  d_state[1] = alpha * y + omega * x;

  /* Events of the beat before (R at psi = 0) and the beat after (R at psi = 2 pi). */
  double drive[N_LEAD_KINDS] = { 0.0 };
  for (int side = 0; side < 2; side++)
    {
      const PlannedBeat *owner = &synth->beats[index - 1 + side];
      const BeatShape *shape = &synth->shapes[owner->type];
      double r_phase = side == 0 ? 0.0 : 2.0 * G_PI;
      for (int i = 0; i < N_WAVES; i++)
        {
          double dtheta = psi - r_phase - shape->theta[i];
          double b = shape->b[i];
          if (fabs (dtheta) > 8.0 * b)
            continue;
          double g = dtheta * exp (-dtheta * dtheta / (2.0 * b * b));
          for (int l = 0; l < n_kinds; l++)
            drive[l] += shape->a[kinds[l]][i] * g;
        }
    }
  double z0 = synth->wander_amplitude * sin (2.0 * G_PI * synth->wander_hz * t);
  double speed = omega / synth->omega_mean;
  for (int l = 0; l < n_kinds; l++)
    d_state[2 + l] = -speed * drive[l] - Z_RELAXATION * (state[2 + l] - z0);
}

/* Integrates from t = 0 (phi = -pi, on the limit cycle, z = 0) and stores z of each lead kind
 * at every m-th step: out[l][k] = z_l (k m h) for k < n_out. */
static void
synth_integrate (const Synth *synth, int n_kinds, const int *kinds, double h, int m,
                 gint64 n_out, double **out)
{
  int dim = 2 + n_kinds;
  double state[2 + N_LEAD_KINDS] = { -1.0, 0.0 };
  double k1[2 + N_LEAD_KINDS], k2[2 + N_LEAD_KINDS], k3[2 + N_LEAD_KINDS],
      k4[2 + N_LEAD_KINDS], tmp[2 + N_LEAD_KINDS];
  double phi = -G_PI;
  double theta = atan2 (state[1], state[0]);
  gsize cursor = 1;
  double phase_now = plan_phase_at (synth, &cursor, 0.0);
  gint64 n_steps = (n_out - 1) * m;

  for (gint64 n = 0;; n++)
    {
      if (n % m == 0)
        for (int l = 0; l < n_kinds; l++)
          out[l][n / m] = state[2 + l];
      if (n == n_steps)
        break;

      double t = n * h;
      /* omega jumps at region boundaries that fall between grid points; a stage-wise omega(phi)
       * would then lose up to a step of phase per boundary and the R peaks would drift from
       * the plan. The step's mean omega carries the phase exactly from plan to plan. */
      double phase_next = plan_phase_at (synth, &cursor, t + h);
      double omega = (phase_next - phase_now) / h;
      phase_now = phase_next;
/* Phase of a stage state: unwrap its angle against the step's starting angle. */
#define STAGE_PHI(s) (phi + remainder (atan2 ((s)[1], (s)[0]) - theta, 2.0 * G_PI))
      synth_derivative (synth, t, state, phi, omega, n_kinds, kinds, k1);
      for (int d = 0; d < dim; d++)
        tmp[d] = state[d] + 0.5 * h * k1[d];
      synth_derivative (synth, t + 0.5 * h, tmp, STAGE_PHI (tmp), omega, n_kinds,
                        kinds, k2);
      for (int d = 0; d < dim; d++)
        tmp[d] = state[d] + 0.5 * h * k2[d];
      synth_derivative (synth, t + 0.5 * h, tmp, STAGE_PHI (tmp), omega, n_kinds,
                        kinds, k3);
      for (int d = 0; d < dim; d++)
        tmp[d] = state[d] + h * k3[d];
      synth_derivative (synth, t + h, tmp, STAGE_PHI (tmp), omega, n_kinds,
                        kinds, k4);
      for (int d = 0; d < dim; d++)
        state[d] += h / 6.0 * (k1[d] + 2.0 * k2[d] + 2.0 * k3[d] + k4[d]);
      phi = STAGE_PHI (state);
      theta = atan2 (state[1], state[0]);
#undef STAGE_PHI
    }
}

static void
synth_clear (Synth *synth)
{
  g_clear_pointer (&synth->beats, g_free);
  synth->n_beats = 0;
}

/* Raw z to mV: peak-to-peak of a noise-free MLII 'N' beat at the mean rate (the third of a
 * run of constant-RR beats, when the start-up transient of z has decayed) is 1.6 mV. */
static double
synth_scale (const Synth *shapes_from, double h)
{
  Synth template = *shapes_from;
  template.wander_amplitude = 0.0;
  template.beats = NULL;
  synth_plan (&template, NULL, NULL, NULL, 4.0 * template.rr_mean);

  /* at the internal rate: every step is kept */
  gint64 n_out = (gint64) ceil (template.beats[4].t_r / h);
  g_autofree double *z = g_new (double, n_out);
  int kind = LEAD_MLII;
  synth_integrate (&template, 1, &kind, h, 1, n_out, &z);

  gint64 from = (gint64) floor ((template.beats[3].t_r - 0.5 * template.rr_mean) / h);
  gint64 to = (gint64) ceil ((template.beats[3].t_r + 0.5 * template.rr_mean) / h);
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  for (gint64 i = MAX (from, 0); i < MIN (to, n_out); i++)
    {
      lo = MIN (lo, z[i]);
      hi = MAX (hi, z[i]);
    }
  synth_clear (&template);
  return SYNTH_PEAK_TO_PEAK_MV / (hi - lo);
}

/* Standard normal deviate (Box-Muller; 1 - u keeps the logarithm finite). */
static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

EcgRecord *
ecg_synth_record (const char *name, const EcgSynthOptions *options, GError **error)
{
  g_return_val_if_fail (name != NULL && options != NULL, NULL);
  if (!validate_options (options, error))
    return NULL;

  const char *const *lead_names = options->lead_names ? options->lead_names : default_lead_names;
  Synth synth = { 0 };
  synth.n_leads = (int) g_strv_length ((char **) lead_names);
  if (synth.n_leads == 0 || synth.n_leads > N_LEAD_KINDS)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "synthetic ECG: %d leads requested, 1 to %d can be generated", synth.n_leads,
                   N_LEAD_KINDS);
      return NULL;
    }
  int annotated_lead = 0;
  for (int l = 0; l < synth.n_leads; l++)
    {
      synth.lead_kind[l] = lead_kind_from_name (lead_names[l]);
      if (synth.lead_kind[l] < 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                       "synthetic ECG: no model for lead '%s' (available: MLII, V5)",
                       lead_names[l]);
          return NULL;
        }
      for (int k = 0; k < l; k++)
        if (synth.lead_kind[k] == synth.lead_kind[l])
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                         "synthetic ECG: lead '%s' is requested twice", lead_names[l]);
            return NULL;
          }
      if (synth.lead_kind[l] == LEAD_MLII)
        annotated_lead = l;
    }

  double fs = options->fs;
  int m = MAX (2, (int) ceil (MIN_INTERNAL_RATE_HZ / fs));
  double h = 1.0 / (m * fs);
  gint64 n_samples = (gint64) floor (options->duration_s * fs + 0.5);

  synth.rr_mean = 60.0 / options->heart_rate_bpm;
  synth.omega_mean = 2.0 * G_PI / synth.rr_mean;
  synth.wander_hz = options->hf_hz;
  synth_init_shapes (&synth, options->heart_rate_bpm);
  double scale = synth_scale (&synth, h);
  /* z follows z0 through dz/dt = -k (z - z0): gain 1 / sqrt (1 + (2 pi f / k)^2) at f */
  double wander_gain = 1.0 / hypot (1.0, 2.0 * G_PI * synth.wander_hz / Z_RELAXATION);
  synth.wander_amplitude = options->baseline_wander_mv / scale / wander_gain;

  /* One generator, drawn in a fixed order: tachogram phases, beat types, noise. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (options->seed);
  Tachogram tacho = { 0 };
  tachogram_init (&tacho, options, rand);
  synth_plan (&synth, &tacho, options, rand, options->duration_s + 1.0);
  tachogram_clear (&tacho);

  double *z[N_LEAD_KINDS] = { NULL };
  for (int l = 0; l < synth.n_leads; l++)
    z[l] = g_new (double, n_samples);
  synth_integrate (&synth, synth.n_leads, synth.lead_kind, h, m, n_samples, z);

  float *samples[N_LEAD_KINDS] = { NULL };
  for (int l = 0; l < synth.n_leads; l++)
    {
      samples[l] = g_new (float, n_samples);
      for (gint64 i = 0; i < n_samples; i++)
        samples[l][i] = (float) (z[l][i] * scale);
    }

  /* Beat annotations on the clean annotated lead, then noise. */
  gsize n_beats_in = 0;
  for (gsize j = 1; j < synth.n_beats; j++)
    if (synth.beats[j].t_r >= 0.0 && synth.beats[j].t_r * fs < (double) n_samples)
      n_beats_in++;
  g_autoptr (EcgAnnotationList) annotations = ecg_annotation_list_new (n_beats_in + 1);
  annotations->items[0].sample = 0;
  annotations->items[0].code = ECG_ANN_RHYTHM;
  annotations->items[0].aux = g_strdup ("(N");
  gsize n_items = 1;
  gint64 reach = MAX (1, (gint64) lrint (PEAK_SEARCH_S * fs));
  const double *lead = z[annotated_lead];
  for (gsize j = 1; j < synth.n_beats; j++)
    {
      const PlannedBeat *beat = &synth.beats[j];
      if (!(beat->t_r >= 0.0 && beat->t_r * fs < (double) n_samples))
        continue;
      gint64 planned = (gint64) llround (beat->t_r * fs);
      gint64 best = CLAMP (planned, 0, n_samples - 1);
      for (gint64 i = MAX (planned - reach, 0); i <= MIN (planned + reach, n_samples - 1); i++)
        if (fabs (lead[i]) > fabs (lead[best]))
          best = i;
      EcgAnnotation *item = &annotations->items[n_items++];
      item->sample = best;
      item->code = beat_codes[beat->type];
    }
  annotations->n_items = n_items;

  for (int l = 0; l < synth.n_leads; l++)
    {
      if (options->noise_std_mv > 0.0)
        for (gint64 i = 0; i < n_samples; i++)
          samples[l][i] += (float) (options->noise_std_mv * gaussian (rand));
      g_free (z[l]);
    }
  synth_clear (&synth);

  EcgRecord *record = ecg_record_new_from_samples (name, fs, n_samples, synth.n_leads,
                                                   lead_names, (const float *const *) samples,
                                                   SYNTH_GAIN, annotations);
  for (int l = 0; l < synth.n_leads; l++)
    g_free (samples[l]);
  return record;
}
