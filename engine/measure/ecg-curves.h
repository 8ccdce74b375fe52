/* ecg-curves.h — ROC and precision-recall curves of one class, and decision thresholds.
 *
 * A multi-label model (PTB-XL) gives each record a probability per class; calling a class
 * present when its probability reaches a threshold t gives, over a set of records, the counts
 * TP(t) and FP(t). Walking the distinct scores from the highest down (tied samples enter
 * together, exactly as ecg_auroc() and ecg_average_precision() group them), every distinct
 * score s_k is one threshold and one curve point:
 *
 *   point 0      threshold +inf, TP = FP = 0 (nothing predicted)
 *   point k >= 1 threshold s_k (the k-th highest distinct score), TP and FP of score >= s_k
 *
 * so n_points = distinct scores + 1 and the last point predicts everything (TP = P, FP = N).
 * ROC: (FPR, TPR) = (FP / N, TP / P). PR: (recall, precision) = (TP / P, TP / (TP + FP)),
 * the precision undefined (NaN) at point 0.
 *
 * Areas, computed from the integer counts in the same order of operations as ecg-metrics.c,
 * so they equal ecg_auroc() and ecg_average_precision() bit for bit:
 *   ROC area = sum_k dFP_k (TP_{k-1} + dTP_k / 2) / (P N)   (trapezoids = Mann-Whitney U)
 *   PR area  = sum_k dTP_k TP_k / (TP_k + FP_k) / P         (steps = average precision)
 *
 * Thresholds: a class's decision threshold is chosen on validation records (PTB-XL fold 9,
 * never the test fold) among the curve's thresholds s_k (k >= 1):
 *   ECG_THRESHOLD_MAX_F1  the s_k maximising F1 = 2TP / (2TP + FP + FN);
 *   ECG_THRESHOLD_YOUDEN  the s_k maximising Youden's J = TPR - FPR;
 * a tie keeps the highest threshold (the fewest positive calls). F1 is the default in the
 * workbench: PTB-XL superclasses are unbalanced (HYP about 12 %) and F1 weighs the calls a
 * reader has to check, where J rewards sensitivity on rare classes at a large cost in PPV.
 */
#pragma once

#include <glib.h>

#include "measure/ecg-metrics.h"

G_BEGIN_DECLS

typedef struct
{
  double threshold;      /* predict positive when score >= threshold; +inf at point 0 */
  gint64 true_positives; /* of score >= threshold */
  gint64 false_positives;
} EcgThresholdPoint;

/* The curve of one class; see the header comment for the points. */
typedef struct
{
  gint64 positives;
  gint64 negatives;
  gsize n_points;        /* distinct scores + 1 */
  EcgThresholdPoint *points; /* n_points, thresholds strictly decreasing */
} EcgClassCurve;

/* The curve of column `column` of the row-major [n_samples][stride] matrices `scores` and
 * `labels` (a label is positive when non-zero; stride 1 and column 0 for plain arrays). A NaN
 * score is ECG_ERROR_NUMERIC naming the sample; column outside 0..stride-1 is
 * ECG_ERROR_INVALID. Time O(n log n). Returns an owned curve, or NULL on error. */
EcgClassCurve *ecg_class_curve_new (const float *scores, const guint8 *labels, gsize n_samples,
                                    int stride, int column, GError **error);

void ecg_class_curve_free (EcgClassCurve *curve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgClassCurve, ecg_class_curve_free)

/* FP / N and TP / P of point `index` (NaN when N, resp. P, is 0). */
double ecg_class_curve_fpr (const EcgClassCurve *curve, gsize index);
double ecg_class_curve_tpr (const EcgClassCurve *curve, gsize index);
/* TP / (TP + FP) of point `index`; NaN when nothing is predicted (point 0). */
double ecg_class_curve_precision (const EcgClassCurve *curve, gsize index);

/* Area under the ROC points (trapezoids): equal to ecg_auroc(); NaN without positives or
 * without negatives. */
double ecg_class_curve_roc_area (const EcgClassCurve *curve);
/* Area under the PR points (steps): equal to ecg_average_precision(); NaN without
 * positives. */
double ecg_class_curve_pr_area (const EcgClassCurve *curve);

typedef enum
{
  ECG_THRESHOLD_MAX_F1,
  ECG_THRESHOLD_YOUDEN,
} EcgThresholdCriterion;

/* The threshold of `curve` chosen by `criterion` (see the header comment), and through
 * `value` (may be NULL) the criterion's value there. NaN (value NaN) when the curve has no
 * positives, or for Youden's J no negatives. */
double ecg_class_curve_choose_threshold (const EcgClassCurve *curve,
                                         EcgThresholdCriterion criterion, double *value);

/* Counts and ratios (EcgClassMetrics rules) of column `column` of [n_samples][stride] when
 * score >= threshold is predicted positive, into *metrics. */
void ecg_class_metrics_at_threshold (const float *scores, const guint8 *labels, gsize n_samples,
                                     int stride, int column, double threshold,
                                     EcgClassMetrics *metrics);

/* TRUE when sample `sample` of [n][n_classes] is misclassified at `thresholds` (n_classes
 * values): its predicted set {c : score >= thresholds[c]} differs from its label set. */
gboolean ecg_multi_label_is_mismatch (const float *scores, const guint8 *labels, gsize sample,
                                      int n_classes, const double *thresholds);

/* Number of misclassified samples (see ecg_multi_label_is_mismatch) among n_samples. */
gsize ecg_multi_label_count_mismatches (const float *scores, const guint8 *labels,
                                        gsize n_samples, int n_classes,
                                        const double *thresholds);

G_END_DECLS
