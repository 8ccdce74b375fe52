/* ecg-qrs-detector.c — Pan–Tompkins QRS detector and beat-by-beat scoring.
 *
 * Signal chain (all arrays n floats, index = sample):
 *   bp  = zero-phase Butterworth band-pass 5–15 Hz of the lead       (QRS energy band)
 *   d   = centred five-point derivative of bp                        (slope)
 *   e   = d^2                                                        (energy, all positive)
 *   mwi = centred moving average of e over 150 ms                    (one hump per QRS)
 * Because every stage is zero-phase, the humps of mwi sit over the QRS they come from and no
 * group delay has to be compensated (Pan & Tompkins' causal integer filters delay by ~200 ms).
 *
 * Candidates are the peaks of mwi at least one refractory period (200 ms) apart (the highest
 * wins, as MATLAB's findpeaks MinPeakDistance). For each one we keep its mwi height, the R peak
 * (argmax |bp| within half an integration window of it, the reported fiducial point) with its
 * |bp| height, and the steepest |d| there. The decision logic is Pan & Tompkins':
 *   SPKI/NPKI are running estimates of signal and noise peaks of mwi, SPKF/NPKF the same for
 *   |bp|, initialised from the first 2 s (SPK = max/3, NPK = mean/2);
 *   THRESHOLD1 = NPK + 0.25 (SPK - NPK), THRESHOLD2 = 0.5 THRESHOLD1, both halved while the
 *   rhythm is irregular (the last RR outside 92–116 % of RR AVERAGE2).
 *   A candidate above THRESHOLD1 in both signals is a QRS (SPK <- 0.125 peak + 0.875 SPK)
 *   unless it is within 200 ms of the last QRS, or within 360 ms of it with less than half its
 *   steepest slope (a T wave); otherwise it is noise (NPK <- 0.125 peak + 0.875 NPK).
 *   RR AVERAGE1 is the mean of the last 8 RR intervals, RR AVERAGE2 the mean of the last 8
 *   within 92–116 % of RR AVERAGE2 (restarted from RR AVERAGE1 after 8 irregular intervals in a
 *   row, so that a lasting change of rate is learnt). When no QRS came for 166 % of
 *   RR AVERAGE2, the highest noise candidate since the last QRS that clears THRESHOLD2 in both
 *   signals (and is no T wave) becomes a QRS (search-back, SPK <- 0.25 peak + 0.75 SPK).
 * One addition, the T-wave test run the other way: when a candidate within 360 ms of the last
 * QRS is at least twice as steep as it (or carries four times its mwi energy), that last "QRS"
 * is taken back as a P wave or artefact and the candidate is decided again. MIT-BIH 108's tall
 * P waves, 200–230 ms before each QRS, are what this is for.
 *
 * Memory: four float arrays of n (bp, d, e, mwi) and one small struct per mwi peak.
 */
#include "signal/ecg-qrs-detector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"
#include "signal/ecg-filter.h"

#define RR_HISTORY 8

void
ecg_qrs_options_init (EcgQrsOptions *options)
{
  options->band_low_hz = 5.0;
  options->band_high_hz = 15.0;
  options->integration_window_s = 0.150;
  options->refractory_s = 0.200;
  options->t_wave_window_s = 0.360;
  options->t_wave_slope_ratio = 0.5;
  options->search_back_ratio = 1.66;
  options->learning_s = 2.0;
}

typedef struct
{
  gint64 loc;      /* sample of the mwi peak */
  double height_i; /* mwi[loc] */
  gint64 r_loc;    /* sample of max |bp| near loc: the reported fiducial point */
  double height_f; /* |bp[r_loc]| */
  double slope;    /* max |d| near r_loc */
  gboolean is_qrs;
} Candidate;

/* Running averages of the last RR_HISTORY RR intervals (in samples). */
typedef struct
{
  double values[RR_HISTORY];
  int count; /* how many of values[] are filled */
  int next;  /* ring position of the next write */
} RrHistory;

static void
rr_push (RrHistory *h, double rr)
{
  h->values[h->next] = rr;
  h->next = (h->next + 1) % RR_HISTORY;
  if (h->count < RR_HISTORY)
    h->count++;
}

static double
rr_mean (const RrHistory *h)
{
  double sum = 0.0;
  for (int i = 0; i < h->count; i++)
    sum += h->values[i];
  return sum / h->count;
}

/* Adaptive state of the decision logic. */
typedef struct
{
  double spki, npki, spkf, npkf;
  RrHistory rr_all;     /* RR AVERAGE1 */
  RrHistory rr_regular; /* RR AVERAGE2 */
  double rr_average2;   /* samples; before the first interval, a default of 1 s */
  gboolean irregular;   /* the last RR fell outside 92–116 % of RR AVERAGE2 */
  int irregular_run;    /* consecutive such intervals */
  gssize last_qrs;      /* index into candidates, -1 before the first beat */
} DetectorState;

static gboolean
check_options (const EcgQrsOptions *o, double fs, GError **error)
{
  if (!(fs > 0.0) || !isfinite (fs))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "QRS detector: sampling rate %g Hz is not positive", fs);
      return FALSE;
    }
  if (!(o->integration_window_s > 0.0) || !(o->refractory_s > 0.0) || !(o->t_wave_window_s >= 0.0)
      || !(o->t_wave_slope_ratio >= 0.0) || !(o->search_back_ratio > 1.0) || !(o->learning_s > 0.0))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "QRS detector: an option is out of range (window %g s, refractory %g s, "
                   "T-wave window %g s, slope ratio %g, search-back ratio %g, learning %g s)",
                   o->integration_window_s, o->refractory_s, o->t_wave_window_s,
                   o->t_wave_slope_ratio, o->search_back_ratio, o->learning_s);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  float height;
  guint index; /* position in time order */
} PeakRank;

/* Higher peak first; at equal height the earlier one first. */
static int
compare_peak_rank (const void *a, const void *b)
{
  const PeakRank *pa = a, *pb = b;
  if (pa->height != pb->height)
    return pa->height > pb->height ? -1 : 1;
  return pa->index < pb->index ? -1 : (pa->index > pb->index ? 1 : 0);
}

/* Peaks of `x` (local maxima; a plateau counts once, at its first sample), thinned so that no
 * two are closer than `min_distance`: taken by decreasing height, each kept peak removes the
 * lower ones within `min_distance` on either side. Returns the kept sample indices (gint64) in
 * time order. */
static GArray *
find_peaks (const float *x, gsize n, gsize min_distance)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gsize i = 1; i + 1 < n; i++)
    {
      if (!(x[i] > x[i - 1]))
        continue;
      gsize j = i + 1;
      while (j < n && x[j] == x[i])
        j++;
      if (j < n && x[j] < x[i])
        {
          gint64 loc = (gint64) i;
          g_array_append_val (all, loc);
        }
      i = j - 1;
    }

  gsize n_all = all->len;
  const gint64 *locs = (const gint64 *) all->data;
  g_autofree PeakRank *ranks = g_new (PeakRank, MAX (n_all, 1));
  g_autofree gboolean *removed = g_new0 (gboolean, MAX (n_all, 1));
  for (gsize k = 0; k < n_all; k++)
    {
      ranks[k].height = x[locs[k]];
      ranks[k].index = (guint) k;
    }
  qsort (ranks, n_all, sizeof (PeakRank), compare_peak_rank);

  for (gsize r = 0; r < n_all; r++)
    {
      guint k = ranks[r].index;
      if (removed[k])
        continue;
      for (gsize j = k; j-- > 0 && locs[k] - locs[j] < (gint64) min_distance;)
        removed[j] = TRUE;
      for (gsize j = k + 1; j < n_all && locs[j] - locs[k] < (gint64) min_distance; j++)
        removed[j] = TRUE;
    }

  GArray *kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (gsize k = 0; k < n_all; k++)
    if (!removed[k])
      g_array_append_val (kept, locs[k]);
  return kept;
}

static void
update_thresholds (const DetectorState *st, double *thr_i1, double *thr_f1)
{
  *thr_i1 = st->npki + 0.25 * (st->spki - st->npki);
  *thr_f1 = st->npkf + 0.25 * (st->spkf - st->npkf);
  if (st->irregular)
    {
      *thr_i1 *= 0.5;
      *thr_f1 *= 0.5;
    }
}

/* Records a new QRS at candidate `k` and updates the RR averages. */
static void
accept_qrs (DetectorState *st, Candidate *cands, gssize k)
{
  cands[k].is_qrs = TRUE;
  if (st->last_qrs >= 0)
    {
      double rr = (double) (cands[k].r_loc - cands[st->last_qrs].r_loc);
      rr_push (&st->rr_all, rr);
      if (st->rr_regular.count == 0
          || (rr >= 0.92 * st->rr_average2 && rr <= 1.16 * st->rr_average2))
        {
          rr_push (&st->rr_regular, rr);
          st->irregular = FALSE;
          st->irregular_run = 0;
        }
      else
        {
          st->irregular = TRUE;
          /* Eight irregular intervals in a row: the rate has moved for good (or RR AVERAGE2
           * was learnt from a wrong start), so RR AVERAGE2 restarts from RR AVERAGE1. */
          if (++st->irregular_run >= RR_HISTORY)
            {
              st->rr_regular = st->rr_all;
              st->irregular = FALSE;
              st->irregular_run = 0;
            }
        }
      st->rr_average2 = rr_mean (&st->rr_regular);
    }
  st->last_qrs = k;
}

static gboolean
is_t_wave (const DetectorState *st, const Candidate *cands, gssize k, gint64 t_wave_window,
           double slope_ratio)
{
  if (st->last_qrs < 0)
    return FALSE;
  const Candidate *last = &cands[st->last_qrs];
  return cands[k].r_loc - last->r_loc < t_wave_window && cands[k].slope < slope_ratio * last->slope;
}

/* Search-back: the highest candidate after the last QRS (and its refractory period) and before
 * `end` that clears THRESHOLD2 in both signals and is no T wave; -1 when there is none. */
static gssize
search_back (const DetectorState *st, const Candidate *cands, gssize end, gint64 refractory,
             gint64 t_wave_window, double slope_ratio)
{
  double thr_i1, thr_f1;
  update_thresholds (st, &thr_i1, &thr_f1);
  double thr_i2 = 0.5 * thr_i1, thr_f2 = 0.5 * thr_f1;
  gssize best = -1;

  for (gssize j = st->last_qrs + 1; j < end; j++)
    {
      const Candidate *c = &cands[j];
      if (st->last_qrs >= 0 && c->r_loc - cands[st->last_qrs].r_loc < refractory)
        continue;
      if (c->height_i < thr_i2 || c->height_f < thr_f2)
        continue;
      if (is_t_wave (st, cands, j, t_wave_window, slope_ratio))
        continue;
      if (best < 0 || c->height_i > cands[best].height_i)
        best = j;
    }
  return best;
}

GArray *
ecg_qrs_detect (const float *samples, gsize n, double fs, const EcgQrsOptions *options,
                GError **error)
{
  EcgQrsOptions defaults;
  if (options == NULL)
    {
      ecg_qrs_options_init (&defaults);
      options = &defaults;
    }
  if (!check_options (options, fs, error))
    return NULL;

  /* At low rates (PTB-XL's 100 Hz) the upper cutoff must stay below Nyquist. */
  double high_hz = MIN (options->band_high_hz, 0.45 * fs);
  GArray *result = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (n < 8)
    return result;

  g_autofree float *bp = g_new (float, n);
  g_autofree float *slope = g_new (float, n);
  g_autofree float *energy = g_new (float, n);
  g_autofree float *mwi = g_new (float, n);

  /* Missing samples (NaN, WFDB's invalid value) would poison every later output of the
   * recursive filters: hold the last valid value through a gap (the first valid value before
   * the first one, 0 when there is none). A gap then looks like a flat line. */
  gsize first_valid = 0;
  while (first_valid < n && !isfinite (samples[first_valid]))
    first_valid++;
  float held = first_valid < n ? samples[first_valid] : 0.0f;
  for (gsize i = 0; i < n; i++)
    {
      if (isfinite (samples[i]))
        held = samples[i];
      bp[i] = held;
    }

  if (!ecg_filter_bandpass (bp, bp, n, fs, options->band_low_hz, high_hz, error))
    {
      g_array_unref (result);
      return NULL;
    }
  ecg_filter_derivative (bp, slope, n, fs);
  for (gsize i = 0; i < n; i++)
    energy[i] = slope[i] * slope[i];
  gsize window = MAX (1, (gsize) lround (options->integration_window_s * fs));
  ecg_filter_moving_average (energy, mwi, n, window);

  gint64 refractory = MAX (1, (gint64) lround (options->refractory_s * fs));
  gint64 t_wave_window = (gint64) lround (options->t_wave_window_s * fs);
  gint64 half_window = (gint64) (window / 2);

  g_autoptr (GArray) peaks = find_peaks (mwi, n, (gsize) refractory);
  gsize n_cands = peaks->len;
  g_autofree Candidate *cands = g_new0 (Candidate, MAX (n_cands, 1));
  for (gsize k = 0; k < n_cands; k++)
    {
      Candidate *c = &cands[k];
      gint64 loc = g_array_index (peaks, gint64, k);
      gint64 lo = MAX (0, loc - half_window);
      gint64 hi = MIN ((gint64) n - 1, loc + half_window);
      c->loc = loc;
      c->height_i = mwi[loc];
      c->r_loc = loc;
      c->height_f = -1.0;
      for (gint64 i = lo; i <= hi; i++)
        {
          double a = fabs (bp[i]);
          if (a > c->height_f)
            {
              c->height_f = a;
              c->r_loc = i;
            }
          if (fabs (slope[i]) > c->slope)
            c->slope = fabs (slope[i]);
        }
    }

  /* Learning phase 1: signal and noise levels from the first seconds. */
  DetectorState st = { 0 };
  gsize n_learn = MIN (n, (gsize) MAX (1, lround (options->learning_s * fs)));
  double max_i = 0.0, max_f = 0.0, sum_i = 0.0, sum_f = 0.0;
  for (gsize i = 0; i < n_learn; i++)
    {
      max_i = MAX (max_i, mwi[i]);
      max_f = MAX (max_f, fabs (bp[i]));
      sum_i += mwi[i];
      sum_f += fabs (bp[i]);
    }
  st.spki = max_i / 3.0;
  st.npki = 0.5 * sum_i / n_learn;
  st.spkf = max_f / 3.0;
  st.npkf = 0.5 * sum_f / n_learn;
  st.rr_average2 = fs; /* 60 beats per minute until the first interval is known */
  st.last_qrs = -1;

  /* The state before the last acceptance, so that a QRS found to be a P wave (or an artefact)
   * by the next, much steeper, complex can be taken back. */
  DetectorState undo = st;
  gboolean can_undo = FALSE;
  double ratio = options->t_wave_slope_ratio;

  for (gsize k = 0; k <= n_cands; k++)
    {
      /* Search-back before deciding on candidate k (or at the end of the record). */
      gint64 now = k < n_cands ? cands[k].loc : (gint64) n;
      for (;;)
        {
          gint64 since = st.last_qrs >= 0 ? now - cands[st.last_qrs].r_loc : now;
          if (since <= options->search_back_ratio * st.rr_average2)
            break;
          gssize found = search_back (&st, cands, (gssize) k, refractory, t_wave_window, ratio);
          if (found < 0)
            break;
          undo = st;
          can_undo = TRUE;
          st.spki = 0.25 * cands[found].height_i + 0.75 * st.spki;
          st.spkf = 0.25 * cands[found].height_f + 0.75 * st.spkf;
          accept_qrs (&st, cands, found);
        }
      if (k == n_cands)
        break;

      Candidate *c = &cands[k];
      gboolean is_qrs = FALSE;
      for (;;)
        {
          double thr_i1, thr_f1;
          update_thresholds (&st, &thr_i1, &thr_f1);
          if (c->height_i < thr_i1 || c->height_f < thr_f1)
            break;
          if (st.last_qrs >= 0 && c->r_loc - cands[st.last_qrs].r_loc < t_wave_window)
            {
              gssize previous = st.last_qrs;
              const Candidate *last = &cands[previous];
              if (is_t_wave (&st, cands, (gssize) k, t_wave_window, ratio))
                break;
              /* The mirror image of the T-wave test: the "QRS" just before is much less steep
               * (or carries less than ratio^2 of the energy, the same test on the integrated
               * squared slope) than this one, so it was a P wave (tall P waves with a long PR
               * interval fall just outside the refractory period) or an artefact. Take it back
               * and decide again against the beat before it. */
              if (can_undo
                  && (last->slope < ratio * c->slope
                      || last->height_i < ratio * ratio * c->height_i))
                {
                  cands[previous].is_qrs = FALSE;
                  st = undo;
                  can_undo = FALSE;
                  /* What the levels would have seen had it been called noise at once. */
                  for (gssize j = previous; j < (gssize) k; j++)
                    {
                      st.npki = 0.125 * cands[j].height_i + 0.875 * st.npki;
                      st.npkf = 0.125 * cands[j].height_f + 0.875 * st.npkf;
                    }
                  continue;
                }
              if (c->r_loc - last->r_loc < refractory)
                break;
            }
          is_qrs = TRUE;
          break;
        }

      if (is_qrs)
        {
          undo = st;
          can_undo = TRUE;
          st.spki = 0.125 * c->height_i + 0.875 * st.spki;
          st.spkf = 0.125 * c->height_f + 0.875 * st.spkf;
          accept_qrs (&st, cands, (gssize) k);
        }
      else
        {
          st.npki = 0.125 * c->height_i + 0.875 * st.npki;
          st.npkf = 0.125 * c->height_f + 0.875 * st.npkf;
        }
    }

  for (gsize k = 0; k < n_cands; k++)
    if (cands[k].is_qrs)
      {
        gint64 r = cands[k].r_loc;
        if (result->len == 0 || r > g_array_index (result, gint64, result->len - 1))
          g_array_append_val (result, r);
      }
  return result;
}

gint64
ecg_qrs_match_tolerance (double fs)
{
  return (gint64) lround (0.150 * fs);
}

static void
score_ratios (EcgQrsScore *score)
{
  gint64 tp = score->true_positives;
  score->sensitivity = tp + score->false_negatives > 0
                           ? (double) tp / (double) (tp + score->false_negatives)
                           : NAN;
  score->positive_predictivity = tp + score->false_positives > 0
                                     ? (double) tp / (double) (tp + score->false_positives)
                                     : NAN;
}

/* The two-pointer pass of ecg_qrs_score(); an unmatched detection before `count_from` is not
 * counted (it may still match a beat at or after `count_from`: bxb's rule at the start of the
 * test period). */
static void
score_from (const gint64 *reference, gsize n_reference, const gint64 *detections,
            gsize n_detections, gint64 tolerance, gint64 count_from, EcgQrsScore *score)
{
  gsize j = 0;
  gint64 tp = 0, fn = 0, fp = 0;

  for (gsize i = 0; i < n_reference; i++)
    {
      /* Detections before this beat's window can match no later beat either. */
      while (j < n_detections && detections[j] < reference[i] - tolerance)
        {
          if (detections[j] >= count_from)
            fp++;
          j++;
        }
      if (j < n_detections && detections[j] <= reference[i] + tolerance)
        {
          tp++;
          j++;
        }
      else
        fn++;
    }
  for (; j < n_detections; j++)
    if (detections[j] >= count_from)
      fp++;

  score->true_positives = tp;
  score->false_negatives = fn;
  score->false_positives = fp;
  score_ratios (score);
}

void
ecg_qrs_score (const gint64 *reference, gsize n_reference, const gint64 *detections,
               gsize n_detections, gint64 tolerance, EcgQrsScore *score)
{
  score_from (reference, n_reference, detections, n_detections, tolerance, G_MININT64, score);
}

void
ecg_qrs_score_add (EcgQrsScore *total, const EcgQrsScore *part)
{
  total->true_positives += part->true_positives;
  total->false_negatives += part->false_negatives;
  total->false_positives += part->false_positives;
  score_ratios (total);
}

GArray *
ecg_qrs_reference_beats (const EcgAnnotationList *annotations)
{
  GArray *beats = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (annotations == NULL)
    return beats;
  for (gsize i = 0; i < annotations->n_items; i++)
    if (ecg_annotation_code_is_beat (annotations->items[i].code))
      g_array_append_val (beats, annotations->items[i].sample);
  return beats;
}

GArray *
ecg_qrs_vf_episodes (const EcgAnnotationList *annotations)
{
  GArray *episodes = g_array_new (FALSE, FALSE, sizeof (EcgQrsInterval));
  if (annotations == NULL)
    return episodes;
  for (gsize i = 0; i < annotations->n_items; i++)
    {
      if (annotations->items[i].code != ECG_ANN_VFON)
        continue;
      EcgQrsInterval episode = { annotations->items[i].sample, G_MAXINT64 };
      for (i++; i < annotations->n_items; i++)
        if (annotations->items[i].code == ECG_ANN_VFOFF)
          {
            episode.end = annotations->items[i].sample;
            break;
          }
      g_array_append_val (episodes, episode);
    }
  return episodes;
}

/* Copies the samples of `times` that lie in no episode (`episodes` sorted, disjoint) and are
 * not before `from`. Both lists are in time order, so one merge pass does it. */
static GArray *
times_outside (const GArray *times, const GArray *episodes, gint64 from)
{
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint e = 0;
  for (guint i = 0; i < times->len; i++)
    {
      gint64 t = g_array_index (times, gint64, i);
      while (e < episodes->len && g_array_index (episodes, EcgQrsInterval, e).end < t)
        e++;
      if (t < from)
        continue;
      if (e < episodes->len && g_array_index (episodes, EcgQrsInterval, e).start <= t)
        continue;
      g_array_append_val (kept, t);
    }
  return kept;
}

void
ecg_qrs_score_record (const EcgRecord *record, const gint64 *detections, gsize n_detections,
                      EcgQrsScoreFlags flags, EcgQrsScore *score)
{
  gint64 tolerance = ecg_qrs_match_tolerance (record->fs);
  gint64 start
      = (flags & ECG_QRS_SCORE_SKIP_LEARNING) ? (gint64) lround (300.0 * record->fs) : G_MININT64;
  g_autoptr (GArray) all_beats = ecg_qrs_reference_beats (record->annotations);
  g_autoptr (GArray) episodes = (flags & ECG_QRS_SCORE_EXCLUDE_VF)
                                    ? ecg_qrs_vf_episodes (record->annotations)
                                    : g_array_new (FALSE, FALSE, sizeof (EcgQrsInterval));
  g_autoptr (GArray) all_detections = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (all_detections, detections, (guint) n_detections);

  /* Detections from one match window before the start take part in the matching (so a beat
   * just after the start is not missed for want of its detection) but are not counted. */
  g_autoptr (GArray) beats = times_outside (all_beats, episodes, start);
  g_autoptr (GArray) dets
      = times_outside (all_detections, episodes, start == G_MININT64 ? start : start - tolerance);
  score_from ((const gint64 *) beats->data, beats->len, (const gint64 *) dets->data, dets->len,
              tolerance, start, score);
}

int
ecg_qrs_default_lead (const EcgRecord *record)
{
  if (record->n_leads <= 0)
    return -1;
  int lead = ecg_record_find_lead (record, "MLII");
  return lead >= 0 ? lead : 0;
}

GArray *
ecg_qrs_detect_record (const EcgRecord *record, int lead, const EcgQrsOptions *options,
                       GError **error)
{
  if (lead < 0)
    lead = ecg_qrs_default_lead (record);
  if (lead < 0 || lead >= record->n_leads)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "record %s has no lead %d", record->name,
                   lead);
      return NULL;
    }
  if (record->leads[lead].samples == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "record %s was loaded without its signals",
                   record->name);
      return NULL;
    }
  return ecg_qrs_detect (record->leads[lead].samples, (gsize) record->n_samples, record->fs,
                         options, error);
}

gboolean
ecg_qrs_detect_and_score_record (const EcgRecord *record, int lead, const EcgQrsOptions *options,
                                 EcgQrsScoreFlags flags, GArray **detections, EcgQrsScore *score,
                                 GError **error)
{
  if (record->annotations == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                   "record %s has no reference annotations to score against", record->name);
      return FALSE;
    }
  g_autoptr (GArray) found = ecg_qrs_detect_record (record, lead, options, error);
  if (found == NULL)
    return FALSE;
  if (score != NULL)
    ecg_qrs_score_record (record, (const gint64 *) found->data, found->len, flags, score);
  if (detections != NULL)
    *detections = g_steal_pointer (&found);
  return TRUE;
}
