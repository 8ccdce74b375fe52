/* ecg-error-browser.h — the misclassified beats of the record shown, one key away.
 *
 * For the record at `record-path` and the model at `model-path`, a GTask worker thread
 * classifies every beat (ecg_record_predictions_compute); the browser then lists the beats
 * whose prediction differs from the reference, filtered by reference and predicted class,
 * shows the record's confusion matrix (clicking a cell filters the list to it), and hands the
 * predictions to its waveform view, which labels every beat. Next / previous (N / P, Ctrl+. /
 * Ctrl+, and the arrow buttons) select the next listed beat and scroll the view to it. With a
 * second model (`compare-model-path`), the "Changed" list holds the beats whose prediction
 * differs between the two. The list exports as CSV.
 *
 * Actions (group "errors"): open-model, compare-model, clear-comparison, export, next,
 * previous, cancel.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-waveform-view.h"
#include "train/ecg-record-predictions.h"

G_BEGIN_DECLS

#define ECG_TYPE_ERROR_BROWSER (ecg_error_browser_get_type ())
G_DECLARE_FINAL_TYPE (EcgErrorBrowser, ecg_error_browser, ECG, ERROR_BROWSER, GtkWidget)

EcgErrorBrowser *ecg_error_browser_new (void);

/* The view that shows the record: it receives the predictions and is scrolled to the selected
 * beat (property "waveform-view"; not owned). */
void ecg_error_browser_set_waveform_view (EcgErrorBrowser *self, EcgWaveformView *view);
EcgWaveformView *ecg_error_browser_get_waveform_view (EcgErrorBrowser *self);

/* The model file whose predictions are shown (property "model-path"); changing it classifies
 * the record again. */
void ecg_error_browser_set_model_path (EcgErrorBrowser *self, const char *path);
const char *ecg_error_browser_get_model_path (EcgErrorBrowser *self);
/* A second model to compare with, or NULL (property "compare-model-path"). */
void ecg_error_browser_set_compare_model_path (EcgErrorBrowser *self, const char *path);
const char *ecg_error_browser_get_compare_model_path (EcgErrorBrowser *self);

/* The record to classify: its path without extension (as EcgRecord.path), or NULL to clear.
 * The worker reads the record itself, so the caller's EcgRecord is never shared with it. */
void ecg_error_browser_set_record_path (EcgErrorBrowser *self, const char *record_path);

/* TRUE while the worker classifies (property "busy"). */
gboolean ecg_error_browser_get_busy (EcgErrorBrowser *self);
/* Stops the running classification, if any. */
void ecg_error_browser_cancel (EcgErrorBrowser *self);
/* The last failure, or NULL. Owned by the browser. */
const char *ecg_error_browser_get_message (EcgErrorBrowser *self);

/* The predictions of the current record by the model and by the second model; NULL when
 * none. Owned by the browser. */
const EcgRecordPredictions *ecg_error_browser_get_predictions (EcgErrorBrowser *self);
const EcgRecordPredictions *ecg_error_browser_get_compare_predictions (EcgErrorBrowser *self);

/* Misclassified beats (FALSE) or beats changed by the second model (TRUE; needs a
 * comparison). */
void ecg_error_browser_set_show_changed (EcgErrorBrowser *self, gboolean show_changed);
/* Shows only beats of reference class `reference` and predicted class `predicted` (class
 * indices; -1: any). */
void ecg_error_browser_set_filter (EcgErrorBrowser *self, int reference, int predicted);
/* The listed beats after filtering: a GListModel of EcgBeatItem, owned by the browser. */
GListModel *ecg_error_browser_get_beats (EcgErrorBrowser *self);
/* The confusion matrix shown (NULL when there are no predictions). Owned by the browser. */
const EcgConfusion *ecg_error_browser_get_confusion (EcgErrorBrowser *self);

/* Selects the next / previous listed beat (the first / last when none is selected) and shows
 * it in the waveform view. FALSE at the end of the list. */
gboolean ecg_error_browser_next (EcgErrorBrowser *self);
gboolean ecg_error_browser_previous (EcgErrorBrowser *self);
/* The selected beat (index into the predictions), or -1. */
int ecg_error_browser_get_selected_beat (EcgErrorBrowser *self);

/* Errors per record for the current model, of every record classified since the model was
 * set: record path (as given to ecg_error_browser_set_record_path) → error count
 * (GSIZE_TO_POINTER). Owned by the browser; signal
 * "record-errors-changed" when an entry is added. */
GHashTable *ecg_error_browser_get_record_errors (EcgErrorBrowser *self);

/* Writes the listed beats (with the second model's class when comparing) as CSV to `path` in
 * a worker thread (ecg_record_predictions_write_csv). */
void ecg_error_browser_export_async (EcgErrorBrowser *self, const char *path,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* The number of beats written, or -1 with the engine's error. */
gssize ecg_error_browser_export_finish (EcgErrorBrowser *self, GAsyncResult *result,
                                        GError **error);

G_END_DECLS
