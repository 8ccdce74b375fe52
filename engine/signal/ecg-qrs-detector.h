/* ecg-qrs-detector.h — Pan–Tompkins QRS detection and EC57-style beat-by-beat scoring.
 *
 * The detector follows Pan & Tompkins (IEEE TBME 32(3), 1985) with its filters designed for the
 * record's sampling rate instead of fixed 200 Hz integer kernels: band-pass, derivative,
 * squaring, moving-window integration, two sets of adaptive thresholds (integrated and filtered
 * signal), a refractory period, T-wave discrimination by slope, search-back over two RR averages.
 * The reported sample of each beat is the R peak (largest absolute deflection of the band-passed
 * signal, which is zero-phase and so aligned with the raw signal), i.e. a fiducial point
 * comparable with reference annotations.
 */
#pragma once

#include <glib.h>

#include "io/ecg-record.h"

G_BEGIN_DECLS

typedef struct
{
  double band_low_hz;          /* band-pass lower cutoff, default 5 Hz */
  double band_high_hz;         /* band-pass upper cutoff, default 15 Hz (lowered to 0.45 fs
                                  when fs is too low for it) */
  double integration_window_s; /* moving-window integration width, default 0.150 s */
  double refractory_s;         /* no second beat within this of a beat, default 0.200 s */
  double t_wave_window_s;      /* a candidate this close to the last beat may be a T wave,
                                  default 0.360 s */
  double t_wave_slope_ratio;   /* ... and is one if its steepest slope is below this fraction
                                  of the last beat's; conversely the last beat is taken back
                                  (a P wave) if its slope is below this fraction of the
                                  candidate's or its integrated energy below the square of it.
                                  Default 0.5; 0 switches both tests off */
  double search_back_ratio;    /* search back when no beat for this times RR average 2,
                                  default 1.66 */
  double learning_s;           /* thresholds are initialised from this first stretch,
                                  default 2 s */
} EcgQrsOptions;

/* Fills `options` with the defaults above. */
void ecg_qrs_options_init (EcgQrsOptions *options);

/* Detects QRS complexes in one lead. `samples` holds `n` physical values (any unit: the
 * thresholds adapt; NaN marks a missing sample) sampled at `fs` Hz; `options` NULL means the
 * defaults. Returns a new GArray of gint64 sample indices of R peaks, strictly increasing
 * (owned by the caller, free with g_array_unref), or NULL with ECG_ERROR_INVALID when fs or an
 * option is out of range. Pure function: no state survives the call. */
GArray *ecg_qrs_detect (const float *samples, gsize n, double fs, const EcgQrsOptions *options,
                        GError **error);

/* Beat-by-beat comparison of detections with reference beats. */
typedef struct
{
  gint64 true_positives;        /* reference beats matched by a detection */
  gint64 false_negatives;       /* reference beats left unmatched */
  gint64 false_positives;       /* detections left unmatched */
  double sensitivity;           /* TP / (TP + FN), NAN when there are no reference beats */
  double positive_predictivity; /* TP / (TP + FP), NAN when there are no detections */
} EcgQrsScore;

/* The EC57 match window, 150 ms, in samples at `fs` (rounded to nearest: 54 at 360 Hz). */
gint64 ecg_qrs_match_tolerance (double fs);

/* Scores `detections` against `reference` (both sorted ascending, in samples). A reference beat
 * r and a detection d match when |d - r| <= tolerance; each is used at most once.
 *
 * Matching is one linear two-pointer pass in time order: for each reference beat, detections
 * ending before its window are unmatched (false positives); the earliest remaining detection
 * inside its window is its match; otherwise the beat is a false negative. Because all windows
 * have the same width, windows taken in time order are ordered by their right ends, and giving
 * each window the earliest free point inside it is the classic greedy that yields a maximum
 * matching: no other pairing has more true positives (and so fewer FN and FP).
 * `score` receives the counts and the two ratios. */
void ecg_qrs_score (const gint64 *reference, gsize n_reference, const gint64 *detections,
                    gsize n_detections, gint64 tolerance, EcgQrsScore *score);

/* Adds the counts of `part` to `total` and recomputes the ratios (gross statistics). */
void ecg_qrs_score_add (EcgQrsScore *total, const EcgQrsScore *part);

/* Sample times of the beat annotations of `annotations` (codes for which
 * ecg_annotation_code_is_beat() is TRUE), in file order. Returns a new GArray of gint64 owned
 * by the caller; empty when `annotations` is NULL. */
GArray *ecg_qrs_reference_beats (const EcgAnnotationList *annotations);

/* A closed interval of samples. */
typedef struct
{
  gint64 start;
  gint64 end;
} EcgQrsInterval;

/* Ventricular flutter/fibrillation episodes marked in the reference: from each '[' (VFON) to
 * the next ']' (VFOFF), or to G_MAXINT64 when the record ends inside one. Returns a new GArray
 * of EcgQrsInterval in time order, owned by the caller; empty when `annotations` is NULL. */
GArray *ecg_qrs_vf_episodes (const EcgAnnotationList *annotations);

typedef enum
{
  /* Every reference beat and every detection of the record counts. */
  ECG_QRS_SCORE_WHOLE_RECORD = 0,
  /* As bxb (PhysioNet's EC57 comparator) does: reference VF episodes are left out, i.e.
   * detections inside them are not counted (the MIT-BIH reference marks flutter waves '!',
   * not beats, there). */
  ECG_QRS_SCORE_EXCLUDE_VF = 1 << 0,
  /* As bxb's default test period: beats and detections from 5 minutes on (a detection up to
   * one match window earlier may still match a beat there). */
  ECG_QRS_SCORE_SKIP_LEARNING = 1 << 1,
} EcgQrsScoreFlags;

/* Scores `detections` (sorted) against the reference beats of `record` with the 150 ms window,
 * leaving out what `flags` says. A record without annotations has no reference beats. */
void ecg_qrs_score_record (const EcgRecord *record, const gint64 *detections, gsize n_detections,
                           EcgQrsScoreFlags flags, EcgQrsScore *score);

/* The lead a detector should read: the one named "MLII" when present, else lead 0; -1 when the
 * record has no leads. */
int ecg_qrs_default_lead (const EcgRecord *record);

/* ecg_qrs_detect() on `lead` of `record` (-1: ecg_qrs_default_lead()). Returns the new GArray
 * of sample indices (owned by the caller) or NULL: ECG_ERROR_NOT_FOUND when there is no such
 * lead, ECG_ERROR_INVALID when the record was loaded without signals or as ecg_qrs_detect(). */
GArray *ecg_qrs_detect_record (const EcgRecord *record, int lead, const EcgQrsOptions *options,
                               GError **error);

/* Detects beats on `lead` of `record` (-1: ecg_qrs_default_lead()) and scores them against the
 * record's reference beat annotations (ecg_qrs_score_record() with `flags`).
 * `detections` (may be NULL) receives the detections (owned by the caller); `score` (may be
 * NULL) the comparison. ECG_ERROR_NOT_FOUND when the record has no annotations, otherwise the
 * errors of ecg_qrs_detect_record(). */
gboolean ecg_qrs_detect_and_score_record (const EcgRecord *record, int lead,
                                          const EcgQrsOptions *options, EcgQrsScoreFlags flags,
                                          GArray **detections, EcgQrsScore *score, GError **error);

G_END_DECLS
