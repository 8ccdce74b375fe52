/* ecg-multilabel-view.h — error analysis of a multi-label (PTB-XL) model: ROC and PR curves,
 * per-class thresholds and the records misclassified at them.
 *
 * For the model at `model-path` and the PTB-XL tree at `data-dir`, a GTask worker thread
 * predicts the labelled records of `threshold-fold` (default 9, validation) and of `test-fold`
 * (default 10, test). Each class's decision threshold is chosen on the threshold fold only
 * (ECG_THRESHOLD_MAX_F1, engine/measure/ecg-curves.h); everything shown is measured on the test
 * fold: ROC and PR curves of every class (Cairo) with the operating point of the current
 * threshold, a table of AUROC, AUPRC, the threshold (a slider per class), F1 / sensitivity /
 * PPV at it and F1 at 0.5, and the test records whose predicted label set differs from the
 * reference at the current thresholds. Moving a slider updates the figures and the list at
 * once. Activating a listed record emits "record-activated".
 *
 * Actions (group "multilabel"): open-model, open-data, cancel, reset-thresholds, export-roc,
 * export-pr.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ECG_TYPE_MULTILABEL_VIEW (ecg_multilabel_view_get_type ())
G_DECLARE_FINAL_TYPE (EcgMultilabelView, ecg_multilabel_view, ECG, MULTILABEL_VIEW, GtkWidget)

/* Columns of the per-class table, for ecg_multilabel_view_get_cell_text(). */
typedef enum
{
  ECG_MULTILABEL_COLUMN_CLASS,
  ECG_MULTILABEL_COLUMN_AUROC,
  ECG_MULTILABEL_COLUMN_AUPRC,
  ECG_MULTILABEL_COLUMN_THRESHOLD,
  ECG_MULTILABEL_COLUMN_F1,
  ECG_MULTILABEL_COLUMN_SENSITIVITY,
  ECG_MULTILABEL_COLUMN_PPV,
  ECG_MULTILABEL_COLUMN_F1_AT_0_5,
  ECG_MULTILABEL_N_COLUMNS
} EcgMultilabelColumn;

EcgMultilabelView *ecg_multilabel_view_new (void);

/* The model file (property "model-path") and the PTB-XL folder (property "data-dir"); once
 * both are set, any change starts the worker again (the older run is cancelled). */
void ecg_multilabel_view_set_model_path (EcgMultilabelView *self, const char *path);
const char *ecg_multilabel_view_get_model_path (EcgMultilabelView *self);
void ecg_multilabel_view_set_data_dir (EcgMultilabelView *self, const char *dir);
const char *ecg_multilabel_view_get_data_dir (EcgMultilabelView *self);

/* The strat_fold measured (property "test-fold", 1..10, default 10) and the fold the thresholds
 * are chosen on (property "threshold-fold", default 9). The two must differ: equal folds are
 * refused with a message rather than tuning on the test records. */
void ecg_multilabel_view_set_test_fold (EcgMultilabelView *self, int fold);
int ecg_multilabel_view_get_test_fold (EcgMultilabelView *self);
void ecg_multilabel_view_set_threshold_fold (EcgMultilabelView *self, int fold);
int ecg_multilabel_view_get_threshold_fold (EcgMultilabelView *self);

/* Shows predictions the caller already has, without the worker (tests, an evaluation already
 * run): `classes` (n_classes names), the threshold fold's `val_scores` / `val_labels`
 * ([n_val][n_classes]) and the test fold's ([n_test][n_classes]) with the record names
 * `test_names` (n_test) and, optionally, their paths `test_paths` (NULL or n_test entries,
 * given to "record-activated"). Everything is copied. A NaN score is refused (FALSE, error). */
gboolean ecg_multilabel_view_set_predictions (EcgMultilabelView *self,
                                              const char *const *classes, int n_classes,
                                              const float *val_scores, const guint8 *val_labels,
                                              gsize n_val, const float *test_scores,
                                              const guint8 *test_labels,
                                              const char *const *test_names,
                                              const char *const *test_paths, gsize n_test,
                                              GError **error);

/* TRUE while the worker predicts (property "busy"). */
gboolean ecg_multilabel_view_get_busy (EcgMultilabelView *self);
void ecg_multilabel_view_cancel (EcgMultilabelView *self);
/* The last failure, or NULL. Owned by the view. */
const char *ecg_multilabel_view_get_message (EcgMultilabelView *self);

/* Number of classes shown (0 before any predictions). */
int ecg_multilabel_view_get_n_classes (EcgMultilabelView *self);
/* The test fold's AUROC / AUPRC of class `klass`, as shown (NaN when undefined). */
double ecg_multilabel_view_get_auroc (EcgMultilabelView *self, int klass);
double ecg_multilabel_view_get_auprc (EcgMultilabelView *self, int klass);
/* The current threshold of class `klass`, and setting it (moves the class's slider, which
 * updates the figures and the list of misclassified records). */
double ecg_multilabel_view_get_threshold (EcgMultilabelView *self, int klass);
void ecg_multilabel_view_set_threshold (EcgMultilabelView *self, int klass, double threshold);
/* Back to the thresholds chosen on the threshold fold. */
void ecg_multilabel_view_reset_thresholds (EcgMultilabelView *self);
/* The text of a cell of the per-class table. Owned by the view's label. */
const char *ecg_multilabel_view_get_cell_text (EcgMultilabelView *self, int klass,
                                               EcgMultilabelColumn column);
/* Test records misclassified at the current thresholds (rows of the list). */
gsize ecg_multilabel_view_get_n_misclassified (EcgMultilabelView *self);
/* Activates row `row` of the misclassified list (as a click or Enter would): emits
 * "record-activated". FALSE when there is no such row. */
gboolean ecg_multilabel_view_activate_row (EcgMultilabelView *self, gsize row);

typedef enum
{
  ECG_MULTILABEL_CHART_ROC,
  ECG_MULTILABEL_CHART_PR,
} EcgMultilabelChart;

/* Saves the ROC or PR chart to `path` as PNG, SVG or PDF (640 × 520), or the curves' points as
 * CSV (header "class,threshold,fpr,tpr,precision", one row per point of every class's curve,
 * the same for both charts; an undefined figure is empty, the first threshold "inf"), chosen
 * by the extension; the file is written without blocking. ECG_ERROR_INVALID for an unknown
 * extension or before any predictions. Actions multilabel.export-roc / export-pr ask for the
 * file in a save dialog. */
void ecg_multilabel_view_export_async (EcgMultilabelView *self, EcgMultilabelChart chart,
                                       const char *path, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean ecg_multilabel_view_export_finish (EcgMultilabelView *self, GAsyncResult *result,
                                            GError **error);

G_END_DECLS
