/* ecg-metrics.h — classification metrics: confusion matrix, per-class sensitivity / PPV / F1,
 * AUROC, average precision and percentile-bootstrap confidence intervals.
 *
 * Single-label tasks (MIT-BIH N/S/V) give class indices per sample; multi-label tasks (PTB-XL
 * superclasses) give a probability per sample and class. Whatever is undefined (a 0/0 ratio, an
 * AUROC without positives) is NaN, which the CLI prints as null.
 *
 * Layouts: class-index arrays are [sample]; score and label matrices are row-major
 * [sample][class]. A label is positive when non-zero.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counts of (reference, predicted) pairs; rows are the reference class, columns the predicted
 * one: counts[reference * n_classes + predicted]. */
typedef struct
{
  int n_classes;
  gint64 *counts; /* n_classes x n_classes, row-major [reference][predicted] */
} EcgConfusion;

/* An all-zero confusion matrix of `n_classes` (> 0) classes. Returns an owned matrix. */
EcgConfusion *ecg_confusion_new (int n_classes);

/* Counts `n_samples` pairs (reference[i], predicted[i]) into a new matrix. An index outside
 * 0..n_classes-1 is ECG_ERROR_INVALID (the message names the array and the position).
 * Returns an owned matrix, or NULL on error. */
EcgConfusion *ecg_confusion_new_from_labels (const int *reference, const int *predicted,
                                             gsize n_samples, int n_classes, GError **error);

/* Adds one sample; both indices must lie in 0..n_classes-1 (programmer error otherwise). */
void ecg_confusion_add (EcgConfusion *confusion, int reference, int predicted);

gint64 ecg_confusion_get (const EcgConfusion *confusion, int reference, int predicted);

/* Number of samples counted (the sum of all cells). */
gint64 ecg_confusion_total (const EcgConfusion *confusion);

void ecg_confusion_free (EcgConfusion *confusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgConfusion, ecg_confusion_free)

/* One class seen one-vs-rest. Undefined ratios are NaN:
 *   sensitivity = TP / (TP + FN)         NaN when support is 0
 *   ppv         = TP / (TP + FP)         NaN when the class is never predicted
 *   f1          = 2TP / (2TP + FP + FN)  NaN only when support is 0 and it is never predicted;
 * so a class with support > 0 that is never predicted has F1 = 0, and a class never in the
 * reference but predicted has F1 = 0 (PPV = 0). */
typedef struct
{
  gint64 true_positives;
  gint64 false_positives;
  gint64 false_negatives;
  gint64 support; /* reference samples of the class: TP + FN */
  double sensitivity;
  double ppv;
  double f1;
} EcgClassMetrics;

/* Metrics of a single-label confusion matrix.
 * macro_f1 is the mean of the per-class F1 over the classes whose F1 is defined: a class absent
 * from the reference and never predicted says nothing about the classifier and is left out of
 * the mean (sklearn would count it as 0); NaN when no class is defined (no samples).
 * n_classes_in_macro_f1 says how many classes entered the mean. */
typedef struct
{
  int n_classes;
  gint64 n_samples;
  double accuracy; /* trace / total; NaN when there are no samples */
  double macro_f1;
  int n_classes_in_macro_f1;
  EcgClassMetrics *per_class; /* n_classes entries */
} EcgSingleLabelMetrics;

/* Accuracy, per-class and macro metrics of `confusion`. Returns owned metrics. */
EcgSingleLabelMetrics *ecg_single_label_metrics_new (const EcgConfusion *confusion);

void ecg_single_label_metrics_free (EcgSingleLabelMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgSingleLabelMetrics, ecg_single_label_metrics_free)

/* Area under the ROC curve of one binary problem: the Mann-Whitney U statistic with ties
 * counted one half, over (number of positives x number of negatives) — the same value as
 * sklearn's roc_auc_score. `scores[i]` and `labels[i]` for i < n_samples; labels non-zero are
 * positive. NaN when there are no positives or no negatives, or when a score is NaN. */
double ecg_auroc (const float *scores, const guint8 *labels, gsize n_samples);

/* Average precision of one binary problem, as sklearn's average_precision_score: with distinct
 * scores as thresholds in descending order (tied samples enter together),
 *   AP = sum_n (R_n - R_{n-1}) P_n,  R_0 = 0,
 * P_n and R_n the precision and recall when predicting positive every score >= threshold n.
 * NaN when there are no positives or when a score is NaN. */
double ecg_average_precision (const float *scores, const guint8 *labels, gsize n_samples);

/* A multi-label prediction counts as positive when its score (a probability) reaches this. */
#define ECG_MULTI_LABEL_THRESHOLD 0.5

/* One class of a multi-label task. */
typedef struct
{
  gint64 positives; /* samples whose label for the class is non-zero */
  gint64 negatives;
  double auroc;           /* NaN unless the class has positives and negatives */
  double auprc;           /* average precision; NaN when the class has no positives */
  EcgClassMetrics at_0_5; /* score >= ECG_MULTI_LABEL_THRESHOLD taken as predicted positive */
} EcgLabelMetrics;

/* Metrics of a multi-label task.
 * macro_auroc and macro_auprc are means over the classes that have both positives and negatives
 * (the others have no ranking to judge), NaN when there is none; macro_f1_at_0_5 is the mean of
 * the defined per-class at_0_5.f1, with the same rule as single-label macro-F1. */
typedef struct
{
  int n_classes;
  gint64 n_samples;
  double macro_auroc;
  double macro_auprc;
  double macro_f1_at_0_5;
  int n_classes_ranked; /* classes with positives and negatives: those in the macro AUROC/AUPRC */
  EcgLabelMetrics *per_class; /* n_classes entries */
} EcgMultiLabelMetrics;

/* Metrics of `scores` and `labels`, both [n_samples][n_classes]. A NaN score is
 * ECG_ERROR_NUMERIC (the message names the sample and class); n_classes < 1 is
 * ECG_ERROR_INVALID. Returns owned metrics, or NULL on error. */
EcgMultiLabelMetrics *ecg_multi_label_metrics_new (const float *scores, const guint8 *labels,
                                                   gsize n_samples, int n_classes, GError **error);

void ecg_multi_label_metrics_free (EcgMultiLabelMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgMultiLabelMetrics, ecg_multi_label_metrics_free)

/* A percentile-bootstrap confidence interval of a statistic. */
typedef struct
{
  double estimate; /* the statistic on the original samples */
  double lower;    /* NaN when no resample gave a defined statistic */
  double upper;
  double level;    /* e.g. 0.95 */
  int n_resamples; /* B, as requested */
  int n_defined;   /* resamples whose statistic was defined; only these enter the percentiles */
} EcgBootstrapInterval;

/* Percentile bootstrap of the single-label macro-F1 (see EcgSingleLabelMetrics): `n_resamples`
 * times, draw n_samples samples with replacement and compute macro-F1; lower and upper are
 * the (1 - level)/2 and (1 + level)/2 quantiles of those values, interpolated linearly between
 * order statistics (numpy's default). Draws come from a GRand seeded with `seed` and owned by
 * the call (resample after resample, n_samples rows g_rand_int_range (rng, 0, n_samples) each),
 * so the interval depends on the inputs and the seed only.
 * Errors (ECG_ERROR_INVALID): a class index out of range, no samples, more than G_MAXINT32
 * samples, n_resamples < 1, level outside (0, 1). Fills `interval` and returns TRUE on success. */
gboolean ecg_bootstrap_macro_f1 (const int *reference, const int *predicted, gsize n_samples,
                                 int n_classes, int n_resamples, double level, guint32 seed,
                                 EcgBootstrapInterval *interval, GError **error);

/* The same for the multi-label macro-AUROC (see EcgMultiLabelMetrics); a sample is resampled
 * with all its classes. Errors as ecg_bootstrap_macro_f1 and ecg_multi_label_metrics_new. */
gboolean ecg_bootstrap_macro_auroc (const float *scores, const guint8 *labels, gsize n_samples,
                                    int n_classes, int n_resamples, double level, guint32 seed,
                                    EcgBootstrapInterval *interval, GError **error);

G_END_DECLS
