/* ecg-record-predictions.h — a beat model's verdict on every beat of one record.
 *
 * What the clinician checks: for each beat of a record, where it is, what the reference says
 * (in the model's classes), what the model predicts, and how sure it is. The beats are the
 * record's beat annotations (every code WFDB calls a beat, also those outside the model's
 * classes) or, for a record without beat annotations, the beats found by the QRS detector
 * (engine/signal). Windows, RR features and normalisation are exactly those of training and
 * `ecgwb evaluate` (EcgBeatSet on MLII or the first lead, the model file's window placement,
 * class map and NORM section), so the confusion of the beats with a reference class is the one
 * `ecgwb evaluate --records NAME` reports.
 *
 * A beat whose window would cross the record's start or end cannot be classified: its
 * predicted class is -1 and its scores are 0 (evaluation drops those beats too).
 */
#pragma once

#include <gio/gio.h>

#include "io/ecg-record.h"
#include "measure/ecg-metrics.h"
#include "nn/ecg-model-file.h"

G_BEGIN_DECLS

/* Column-wise, one entry per beat in time order. */
typedef struct
{
  char *record_name;
  double fs;
  int n_classes;
  char **classes;       /* n_classes names, NULL-terminated */
  char *model_name;     /* the model's architecture, for labels */
  gboolean detected;    /* TRUE: the beats come from the QRS detector (no reference) */
  gsize n_beats;
  gint64 *samples;      /* n_beats: R-peak sample */
  guint8 *codes;        /* n_beats: annotation code (EcgAnnotationCode); 0 for detected beats */
  gint32 *reference;    /* n_beats: class index, -1 when the code is not one of the classes or
                           the beat was detected */
  gint32 *predicted;    /* n_beats: class index (argmax), -1 when the window crosses an end */
  float *scores;        /* n_beats × n_classes: softmax probabilities; 0 when not predicted */
} EcgRecordPredictions;

/* Classifies every beat of `record` (signals loaded) with the model of `model_file`, using
 * `threads` workers (>= 1). The model must be a single-label beat model with a class map
 * (ECG_ERROR_UNSUPPORTED otherwise, e.g. a PTB-XL model). The window is in samples and the
 * model file does not record the rate it was trained at: a record at another rate than the
 * training data (360 Hz for MIT-BIH and the demo) is classified from windows of another
 * duration. A record with neither beat annotations nor detectable beats gives zero beats.
 * `cancellable` is checked between batches (ECG_ERROR_CANCELLED). The model is only read, so
 * one EcgModelFile may serve several threads. Returns predictions owned by the caller. */
EcgRecordPredictions *ecg_record_predictions_compute (const EcgModelFile *model_file,
                                                      const EcgRecord *record, int threads,
                                                      GCancellable *cancellable,
                                                      GError **error);

/* Deep copy, owned by the caller. */
EcgRecordPredictions *ecg_record_predictions_copy (const EcgRecordPredictions *predictions);
void ecg_record_predictions_free (EcgRecordPredictions *predictions);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRecordPredictions, ecg_record_predictions_free)

/* TRUE when beat `beat` has a reference class, a prediction, and they differ. */
gboolean ecg_record_predictions_is_error (const EcgRecordPredictions *predictions, gsize beat);
/* The number of such beats. */
gsize ecg_record_predictions_count_errors (const EcgRecordPredictions *predictions);
/* The class with the highest score of beat `beat` and that score through `score` (may be
 * NULL); -1 (score 0) for a beat that was not predicted. */
int ecg_record_predictions_top (const EcgRecordPredictions *predictions, gsize beat,
                                float *score);

/* The per-record confusion matrix (rows reference, columns prediction) over the beats that
 * have both a reference class and a prediction. Owned by the caller. */
EcgConfusion *ecg_record_predictions_confusion (const EcgRecordPredictions *predictions);

/* Beats whose prediction differs between `a` and `b`, two models' predictions on the same
 * record: an owned GArray of guint beat indices in time order. Both must list the same beats
 * (same record, samples) and the same class names in the same order, else ECG_ERROR_INVALID
 * naming what differs. A beat predicted by one model only (-1 in the other) counts as
 * changed. */
GArray *ecg_record_predictions_compare (const EcgRecordPredictions *a,
                                        const EcgRecordPredictions *b, GError **error);

/* Writes the beats `beats` (n_beats indices; NULL = every beat) as CSV to `path`:
 *   record,sample,time_s,reference,predicted,top_score,score_<class>...
 * and, when `other` (predictions of a second model on the same beats) is given, two more
 * columns other_predicted,other_top_score. Unknown classes are empty fields; numbers are in
 * the C locale. */
gboolean ecg_record_predictions_write_csv (const EcgRecordPredictions *predictions,
                                           const EcgRecordPredictions *other,
                                           const guint *beats, gsize n_beats, const char *path,
                                           GError **error);

G_END_DECLS
