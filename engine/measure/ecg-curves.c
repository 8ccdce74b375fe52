/* ecg-curves.c — ROC / PR curve points, their areas, and per-class decision thresholds. */
#include "measure/ecg-curves.h"

#include <math.h>
#include <stdlib.h>

#include "ecg-error.h"

typedef struct
{
  float score;
  gboolean positive;
} ScoredLabel;

static int
compare_descending (const void *a, const void *b)
{
  float score_a = ((const ScoredLabel *)a)->score;
  float score_b = ((const ScoredLabel *)b)->score;
  return (score_a < score_b) - (score_a > score_b);
}

EcgClassCurve *
ecg_class_curve_new (const float *scores, const guint8 *labels, gsize n_samples, int stride,
                     int column, GError **error)
{
  g_return_val_if_fail (n_samples == 0 || (scores != NULL && labels != NULL), NULL);

  if (stride < 1 || column < 0 || column >= stride)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "class curve: column %d outside a row of %d", column, stride);
      return NULL;
    }

  g_autofree ScoredLabel *ranked = g_new (ScoredLabel, MAX (n_samples, 1));
  for (gsize i = 0; i < n_samples; i++)
    {
      float score = scores[i * stride + column];
      if (isnan (score))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                       "class curve: score of sample %" G_GSIZE_FORMAT ", class %d is NaN", i,
                       column);
          return NULL;
        }
      ranked[i].score = score;
      ranked[i].positive = labels[i * stride + column] != 0;
    }
  qsort (ranked, n_samples, sizeof *ranked, compare_descending);

  /* At most one point per sample plus the +inf point. */
  EcgClassCurve *curve = g_new0 (EcgClassCurve, 1);
  curve->points = g_new (EcgThresholdPoint, n_samples + 1);
  curve->points[0] = (EcgThresholdPoint){ INFINITY, 0, 0 };
  gsize n_points = 1;
  gint64 tp = 0, fp = 0;
  gsize start = 0;
  while (start < n_samples)
    {
      gsize i = start;
      do
        {
          if (ranked[i].positive)
            tp++;
          else
            fp++;
          i++;
        }
      while (i < n_samples && ranked[i].score == ranked[start].score);
      curve->points[n_points++] = (EcgThresholdPoint){ ranked[start].score, tp, fp };
      start = i;
    }
  curve->n_points = n_points;
  curve->positives = tp;
  curve->negatives = fp;
  return curve;
}

void
ecg_class_curve_free (EcgClassCurve *curve)
{
  if (curve == NULL)
    return;
  g_free (curve->points);
  g_free (curve);
}

double
ecg_class_curve_fpr (const EcgClassCurve *curve, gsize index)
{
  g_return_val_if_fail (index < curve->n_points, NAN);
  if (curve->negatives == 0)
    return NAN;
  return (double)curve->points[index].false_positives / (double)curve->negatives;
}

double
ecg_class_curve_tpr (const EcgClassCurve *curve, gsize index)
{
  g_return_val_if_fail (index < curve->n_points, NAN);
  if (curve->positives == 0)
    return NAN;
  return (double)curve->points[index].true_positives / (double)curve->positives;
}

double
ecg_class_curve_precision (const EcgClassCurve *curve, gsize index)
{
  g_return_val_if_fail (index < curve->n_points, NAN);
  const EcgThresholdPoint *p = &curve->points[index];
  gint64 predicted = p->true_positives + p->false_positives;
  return predicted > 0 ? (double)p->true_positives / (double)predicted : NAN;
}

/* Both areas walk the points as ecg-metrics.c's ranking_metrics() walks its tie groups, with
 * the same double expressions, so the sums are rounded identically. */
double
ecg_class_curve_roc_area (const EcgClassCurve *curve)
{
  double positives = (double)curve->positives, negatives = (double)curve->negatives;
  if (!(positives > 0.0 && negatives > 0.0))
    return NAN;
  double u_statistic = 0.0;
  for (gsize k = 1; k < curve->n_points; k++)
    {
      double positives_above = (double)curve->points[k - 1].true_positives;
      double group_positives = (double)(curve->points[k].true_positives
                                        - curve->points[k - 1].true_positives);
      double group_negatives = (double)(curve->points[k].false_positives
                                        - curve->points[k - 1].false_positives);
      u_statistic += group_negatives * (positives_above + 0.5 * group_positives);
    }
  return u_statistic / (positives * negatives);
}

double
ecg_class_curve_pr_area (const EcgClassCurve *curve)
{
  double positives = (double)curve->positives;
  if (!(positives > 0.0))
    return NAN;
  double precision_sum = 0.0;
  for (gsize k = 1; k < curve->n_points; k++)
    {
      double positives_above = (double)curve->points[k].true_positives;
      double negatives_above = (double)curve->points[k].false_positives;
      double group_positives = (double)(curve->points[k].true_positives
                                        - curve->points[k - 1].true_positives);
      if (group_positives > 0.0)
        precision_sum += group_positives * positives_above / (positives_above + negatives_above);
    }
  return precision_sum / positives;
}

double
ecg_class_curve_choose_threshold (const EcgClassCurve *curve, EcgThresholdCriterion criterion,
                                  double *value)
{
  double best_threshold = NAN, best_value = NAN;
  gboolean defined = curve->positives > 0
                     && (criterion != ECG_THRESHOLD_YOUDEN || curve->negatives > 0);
  if (defined)
    for (gsize k = 1; k < curve->n_points; k++)
      {
        const EcgThresholdPoint *p = &curve->points[k];
        double v;
        if (criterion == ECG_THRESHOLD_YOUDEN)
          v = ecg_class_curve_tpr (curve, k) - ecg_class_curve_fpr (curve, k);
        else
          {
            /* FN = P - TP, so 2TP + FP + FN = TP + FP + P > 0 when P > 0. */
            gint64 denominator = p->true_positives + p->false_positives + curve->positives;
            v = 2.0 * (double)p->true_positives / (double)denominator;
          }
        /* Strictly greater: a tie keeps the earlier, higher threshold. */
        if (isnan (best_value) || v > best_value)
          {
            best_value = v;
            best_threshold = p->threshold;
          }
      }
  if (value != NULL)
    *value = best_value;
  return best_threshold;
}

void
ecg_class_metrics_at_threshold (const float *scores, const guint8 *labels, gsize n_samples,
                                int stride, int column, double threshold,
                                EcgClassMetrics *metrics)
{
  g_return_if_fail (metrics != NULL);
  gint64 tp = 0, fp = 0, fn = 0;
  for (gsize i = 0; i < n_samples; i++)
    {
      gboolean predicted = scores[i * stride + column] >= threshold;
      gboolean positive = labels[i * stride + column] != 0;
      if (predicted && positive)
        tp++;
      else if (predicted)
        fp++;
      else if (positive)
        fn++;
    }
  metrics->true_positives = tp;
  metrics->false_positives = fp;
  metrics->false_negatives = fn;
  metrics->support = tp + fn;
  metrics->sensitivity = tp + fn > 0 ? (double)tp / (double)(tp + fn) : NAN;
  metrics->ppv = tp + fp > 0 ? (double)tp / (double)(tp + fp) : NAN;
  metrics->f1 = tp + fp + fn > 0 ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : NAN;
}

gboolean
ecg_multi_label_is_mismatch (const float *scores, const guint8 *labels, gsize sample,
                             int n_classes, const double *thresholds)
{
  for (int c = 0; c < n_classes; c++)
    {
      gsize at = sample * (gsize)n_classes + (gsize)c;
      if ((scores[at] >= thresholds[c]) != (labels[at] != 0))
        return TRUE;
    }
  return FALSE;
}

gsize
ecg_multi_label_count_mismatches (const float *scores, const guint8 *labels, gsize n_samples,
                                  int n_classes, const double *thresholds)
{
  gsize count = 0;
  for (gsize i = 0; i < n_samples; i++)
    count += ecg_multi_label_is_mismatch (scores, labels, i, n_classes, thresholds);
  return count;
}
