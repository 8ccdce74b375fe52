/* ecg-metrics.c — confusion matrix, per-class metrics, AUROC, average precision, bootstrap.
 *
 * Ranking metrics share one pass: a class's samples are sorted once by score, descending, and
 * walked group by group (a group = samples with the same score). Each sample carries a weight —
 * 1 for the point estimate, its multiplicity in a bootstrap resample — so a resample costs one
 * O(n) walk instead of a new sort, and the point estimate and the bootstrap use the same code.
 */
#include "measure/ecg-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"

/* ---- single label ------------------------------------------------------------------------ */

EcgConfusion *
ecg_confusion_new (int n_classes)
{
  g_return_val_if_fail (n_classes > 0, NULL);

  EcgConfusion *confusion = g_new0 (EcgConfusion, 1);
  confusion->n_classes = n_classes;
  confusion->counts = g_new0 (gint64, (gsize)n_classes * (gsize)n_classes);
  return confusion;
}

static gboolean
check_class_indices (const char *array_name, const int *indices, gsize n_samples, int n_classes,
                     GError **error)
{
  for (gsize i = 0; i < n_samples; i++)
    if (indices[i] < 0 || indices[i] >= n_classes)
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                     "%s[%" G_GSIZE_FORMAT "] = %d is not a class index (0..%d)", array_name, i,
                     indices[i], n_classes - 1);
        return FALSE;
      }
  return TRUE;
}

EcgConfusion *
ecg_confusion_new_from_labels (const int *reference, const int *predicted, gsize n_samples,
                               int n_classes, GError **error)
{
  g_return_val_if_fail (n_samples == 0 || (reference != NULL && predicted != NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_classes < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "confusion matrix: %d classes (at least 1 needed)", n_classes);
      return NULL;
    }
  if (!check_class_indices ("reference", reference, n_samples, n_classes, error)
      || !check_class_indices ("predicted", predicted, n_samples, n_classes, error))
    return NULL;

  EcgConfusion *confusion = ecg_confusion_new (n_classes);
  for (gsize i = 0; i < n_samples; i++)
    confusion->counts[reference[i] * n_classes + predicted[i]]++;
  return confusion;
}

void
ecg_confusion_add (EcgConfusion *confusion, int reference, int predicted)
{
  g_return_if_fail (confusion != NULL);
  g_return_if_fail (reference >= 0 && reference < confusion->n_classes);
  g_return_if_fail (predicted >= 0 && predicted < confusion->n_classes);

  confusion->counts[reference * confusion->n_classes + predicted]++;
}

gint64
ecg_confusion_get (const EcgConfusion *confusion, int reference, int predicted)
{
  g_return_val_if_fail (confusion != NULL, 0);
  g_return_val_if_fail (reference >= 0 && reference < confusion->n_classes, 0);
  g_return_val_if_fail (predicted >= 0 && predicted < confusion->n_classes, 0);

  return confusion->counts[reference * confusion->n_classes + predicted];
}

gint64
ecg_confusion_total (const EcgConfusion *confusion)
{
  g_return_val_if_fail (confusion != NULL, 0);

  gint64 total = 0;
  for (int cell = 0; cell < confusion->n_classes * confusion->n_classes; cell++)
    total += confusion->counts[cell];
  return total;
}

void
ecg_confusion_free (EcgConfusion *confusion)
{
  if (confusion == NULL)
    return;
  g_free (confusion->counts);
  g_free (confusion);
}

/* One-vs-rest counts to ratios; 0/0 gives NaN (see EcgClassMetrics for when that happens). */
static void
class_metrics_from_counts (EcgClassMetrics *metrics, gint64 true_positives, gint64 false_positives,
                           gint64 false_negatives)
{
  metrics->true_positives = true_positives;
  metrics->false_positives = false_positives;
  metrics->false_negatives = false_negatives;
  metrics->support = true_positives + false_negatives;

  gint64 predicted = true_positives + false_positives;
  gint64 f1_denominator = 2 * true_positives + false_positives + false_negatives;
  metrics->sensitivity
      = metrics->support > 0 ? (double)true_positives / (double)metrics->support : NAN;
  metrics->ppv = predicted > 0 ? (double)true_positives / (double)predicted : NAN;
  metrics->f1 = f1_denominator > 0 ? 2.0 * (double)true_positives / (double)f1_denominator : NAN;
}

/* Class k of a [reference][predicted] count matrix: TP = C[k][k], FN = row sum - TP,
 * FP = column sum - TP. */
static void
class_metrics_from_confusion (EcgClassMetrics *metrics, const gint64 *counts, int n_classes, int k)
{
  gint64 row_sum = 0, column_sum = 0;
  for (int j = 0; j < n_classes; j++)
    {
      row_sum += counts[k * n_classes + j];
      column_sum += counts[j * n_classes + k];
    }
  gint64 true_positives = counts[k * n_classes + k];
  class_metrics_from_counts (metrics, true_positives, column_sum - true_positives,
                             row_sum - true_positives);
}

/* Mean of the defined (non-NaN) values; NaN when none is defined. */
static double
mean_of_defined (const double *values, int n_values, int *n_defined)
{
  double sum = 0.0;
  int defined = 0;
  for (int k = 0; k < n_values; k++)
    if (!isnan (values[k]))
      {
        sum += values[k];
        defined++;
      }
  if (n_defined != NULL)
    *n_defined = defined;
  return defined > 0 ? sum / defined : NAN;
}

/* Macro-F1 straight from counts, without allocating: the bootstrap calls this B times. */
static double
macro_f1_from_confusion (const gint64 *counts, int n_classes)
{
  double sum = 0.0;
  int defined = 0;
  for (int k = 0; k < n_classes; k++)
    {
      EcgClassMetrics metrics;
      class_metrics_from_confusion (&metrics, counts, n_classes, k);
      if (!isnan (metrics.f1))
        {
          sum += metrics.f1;
          defined++;
        }
    }
  return defined > 0 ? sum / defined : NAN;
}

EcgSingleLabelMetrics *
ecg_single_label_metrics_new (const EcgConfusion *confusion)
{
  g_return_val_if_fail (confusion != NULL, NULL);

  int n_classes = confusion->n_classes;
  EcgSingleLabelMetrics *metrics = g_new0 (EcgSingleLabelMetrics, 1);
  metrics->n_classes = n_classes;
  metrics->per_class = g_new0 (EcgClassMetrics, n_classes);
  metrics->n_samples = ecg_confusion_total (confusion);

  gint64 correct = 0;
  g_autofree double *f1 = g_new (double, n_classes);
  for (int k = 0; k < n_classes; k++)
    {
      class_metrics_from_confusion (&metrics->per_class[k], confusion->counts, n_classes, k);
      f1[k] = metrics->per_class[k].f1;
      correct += metrics->per_class[k].true_positives;
    }
  metrics->accuracy = metrics->n_samples > 0 ? (double)correct / (double)metrics->n_samples : NAN;
  metrics->macro_f1 = mean_of_defined (f1, n_classes, &metrics->n_classes_in_macro_f1);
  return metrics;
}

void
ecg_single_label_metrics_free (EcgSingleLabelMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_free (metrics->per_class);
  g_free (metrics);
}

/* ---- ranking metrics ---------------------------------------------------------------------- */

typedef struct
{
  float score;
  gboolean positive;
  gsize sample; /* row of the sample, to look up its bootstrap weight */
} RankedScore;

static int
compare_score_descending (const void *a, const void *b)
{
  float score_a = ((const RankedScore *)a)->score;
  float score_b = ((const RankedScore *)b)->score;
  return (score_a < score_b) - (score_a > score_b);
}

/* Column `column` of the [n_samples][stride] matrices, sorted by score descending (the order of
 * tied samples does not matter: they are always taken as a group). Returns an owned array, or
 * NULL with the offending row in *nan_sample when a score is NaN (it would break the sort). */
static RankedScore *
rank_column (const float *scores, const guint8 *labels, gsize n_samples, int stride, int column,
             gsize *nan_sample)
{
  RankedScore *ranked = g_new (RankedScore, MAX (n_samples, 1));
  for (gsize i = 0; i < n_samples; i++)
    {
      float score = scores[i * stride + column];
      if (isnan (score))
        {
          *nan_sample = i;
          g_free (ranked);
          return NULL;
        }
      ranked[i].score = score;
      ranked[i].positive = labels[i * stride + column] != 0;
      ranked[i].sample = i;
    }
  qsort (ranked, n_samples, sizeof *ranked, compare_score_descending);
  return ranked;
}

/* AUROC and average precision of samples ranked by descending score, each sample i counting
 * weights[ranked[i].sample] times (1 when `weights` is NULL).
 *
 * Walking the tie groups g from the highest score down, with p_g and n_g the positive and
 * negative weight of group g and P_g, N_g the totals of the groups above it:
 *   U     = sum_g n_g (P_g + p_g / 2)     pairs (positive, negative) ranked correctly, ties 1/2
 *   AUROC = U / (P N)                     (Mann-Whitney with mid-ranks = sklearn's trapezoids)
 *   AP    = sum_g (p_g / P) (P_g + p_g) / (P_g + p_g + N_g + n_g)
 * i.e. recall step times precision at each distinct threshold. Counts are summed in doubles:
 * exact below 2^53. */
static void
ranking_metrics (const RankedScore *ranked, gsize n_samples, const guint32 *weights, double *auroc,
                 double *average_precision)
{
  double positives_above = 0.0, negatives_above = 0.0;
  double u_statistic = 0.0, precision_sum = 0.0;

  gsize group_start = 0;
  while (group_start < n_samples)
    {
      double group_positives = 0.0, group_negatives = 0.0;
      gsize i = group_start;
      do
        {
          double weight = weights != NULL ? weights[ranked[i].sample] : 1.0;
          if (ranked[i].positive)
            group_positives += weight;
          else
            group_negatives += weight;
          i++;
        }
      while (i < n_samples && ranked[i].score == ranked[group_start].score);

      u_statistic += group_negatives * (positives_above + 0.5 * group_positives);
      positives_above += group_positives;
      negatives_above += group_negatives;
      if (group_positives > 0.0)
        precision_sum += group_positives * positives_above / (positives_above + negatives_above);
      group_start = i;
    }

  /* After the walk the "above" sums are the totals. */
  double positives = positives_above, negatives = negatives_above;
  *auroc = positives > 0.0 && negatives > 0.0 ? u_statistic / (positives * negatives) : NAN;
  *average_precision = positives > 0.0 ? precision_sum / positives : NAN;
}

double
ecg_auroc (const float *scores, const guint8 *labels, gsize n_samples)
{
  g_return_val_if_fail (n_samples == 0 || (scores != NULL && labels != NULL), NAN);

  gsize nan_sample;
  g_autofree RankedScore *ranked = rank_column (scores, labels, n_samples, 1, 0, &nan_sample);
  if (ranked == NULL)
    return NAN;
  double auroc, average_precision;
  ranking_metrics (ranked, n_samples, NULL, &auroc, &average_precision);
  return auroc;
}

double
ecg_average_precision (const float *scores, const guint8 *labels, gsize n_samples)
{
  g_return_val_if_fail (n_samples == 0 || (scores != NULL && labels != NULL), NAN);

  gsize nan_sample;
  g_autofree RankedScore *ranked = rank_column (scores, labels, n_samples, 1, 0, &nan_sample);
  if (ranked == NULL)
    return NAN;
  double auroc, average_precision;
  ranking_metrics (ranked, n_samples, NULL, &auroc, &average_precision);
  return average_precision;
}

/* ---- multi label -------------------------------------------------------------------------- */

/* Every column of a [n_samples][n_classes] task ranked (see rank_column): an owned array of
 * n_classes owned arrays, or NULL with ECG_ERROR_NUMERIC / ECG_ERROR_INVALID. */
static RankedScore **
rank_all_columns (const float *scores, const guint8 *labels, gsize n_samples, int n_classes,
                  GError **error)
{
  if (n_classes < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "multi-label metrics: %d classes (at least 1 needed)", n_classes);
      return NULL;
    }

  RankedScore **columns = g_new0 (RankedScore *, n_classes);
  for (int c = 0; c < n_classes; c++)
    {
      gsize nan_sample;
      columns[c] = rank_column (scores, labels, n_samples, n_classes, c, &nan_sample);
      if (columns[c] == NULL)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                       "multi-label metrics: score of sample %" G_GSIZE_FORMAT ", class %d is NaN",
                       nan_sample, c);
          for (int k = 0; k < c; k++)
            g_free (columns[k]);
          g_free (columns);
          return NULL;
        }
    }
  return columns;
}

static void
free_columns (RankedScore **columns, int n_classes)
{
  if (columns == NULL)
    return;
  for (int c = 0; c < n_classes; c++)
    g_free (columns[c]);
  g_free (columns);
}

/* Mean AUROC over the classes with positives and negatives (those whose AUROC is defined). */
static double
macro_auroc_of_columns (RankedScore *const *columns, gsize n_samples, int n_classes,
                        const guint32 *weights)
{
  double sum = 0.0;
  int ranked_classes = 0;
  for (int c = 0; c < n_classes; c++)
    {
      double auroc, average_precision;
      ranking_metrics (columns[c], n_samples, weights, &auroc, &average_precision);
      if (!isnan (auroc))
        {
          sum += auroc;
          ranked_classes++;
        }
    }
  return ranked_classes > 0 ? sum / ranked_classes : NAN;
}

EcgMultiLabelMetrics *
ecg_multi_label_metrics_new (const float *scores, const guint8 *labels, gsize n_samples,
                             int n_classes, GError **error)
{
  g_return_val_if_fail (n_samples == 0 || (scores != NULL && labels != NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  RankedScore **columns = rank_all_columns (scores, labels, n_samples, n_classes, error);
  if (columns == NULL)
    return NULL;

  EcgMultiLabelMetrics *metrics = g_new0 (EcgMultiLabelMetrics, 1);
  metrics->n_classes = n_classes;
  metrics->n_samples = (gint64)n_samples;
  metrics->per_class = g_new0 (EcgLabelMetrics, n_classes);

  g_autofree double *f1 = g_new (double, n_classes);
  double auroc_sum = 0.0, auprc_sum = 0.0;
  for (int c = 0; c < n_classes; c++)
    {
      EcgLabelMetrics *label = &metrics->per_class[c];
      ranking_metrics (columns[c], n_samples, NULL, &label->auroc, &label->auprc);

      gint64 true_positives = 0, false_positives = 0, false_negatives = 0;
      for (gsize i = 0; i < n_samples; i++)
        {
          gboolean positive = labels[i * n_classes + c] != 0;
          gboolean predicted = scores[i * n_classes + c] >= ECG_MULTI_LABEL_THRESHOLD;
          label->positives += positive;
          true_positives += positive && predicted;
          false_positives += !positive && predicted;
          false_negatives += positive && !predicted;
        }
      label->negatives = (gint64)n_samples - label->positives;
      class_metrics_from_counts (&label->at_0_5, true_positives, false_positives, false_negatives);
      f1[c] = label->at_0_5.f1;

      if (label->positives > 0 && label->negatives > 0)
        {
          auroc_sum += label->auroc;
          auprc_sum += label->auprc;
          metrics->n_classes_ranked++;
        }
    }

  metrics->macro_auroc
      = metrics->n_classes_ranked > 0 ? auroc_sum / metrics->n_classes_ranked : NAN;
  metrics->macro_auprc
      = metrics->n_classes_ranked > 0 ? auprc_sum / metrics->n_classes_ranked : NAN;
  metrics->macro_f1_at_0_5 = mean_of_defined (f1, n_classes, NULL);

  free_columns (columns, n_classes);
  return metrics;
}

void
ecg_multi_label_metrics_free (EcgMultiLabelMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_free (metrics->per_class);
  g_free (metrics);
}

/* ---- bootstrap ---------------------------------------------------------------------------- */

static gboolean
check_bootstrap_settings (const char *statistic, gsize n_samples, int n_resamples, double level,
                          GError **error)
{
  if (n_samples == 0 || n_samples > G_MAXINT32)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "bootstrap of %s: %" G_GSIZE_FORMAT " samples (1..%d supported)", statistic,
                   n_samples, G_MAXINT32);
      return FALSE;
    }
  if (n_resamples < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "bootstrap of %s: %d resamples (at least 1 needed)", statistic, n_resamples);
      return FALSE;
    }
  if (!(level > 0.0 && level < 1.0))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "bootstrap of %s: confidence level %g is not between 0 and 1", statistic, level);
      return FALSE;
    }
  return TRUE;
}

static int
compare_double_ascending (const void *a, const void *b)
{
  double value_a = *(const double *)a, value_b = *(const double *)b;
  return (value_a > value_b) - (value_a < value_b);
}

/* Quantile q of m sorted values by linear interpolation between order statistics (numpy's
 * default, Hyndman & Fan type 7): h = (m - 1) q, Q = v[floor h] + (h - floor h)(v[ceil h] -
 * v[floor h]). */
static double
quantile_of_sorted (const double *sorted, int m, double q)
{
  double h = (m - 1) * q;
  int below = (int)floor (h);
  if (below >= m - 1)
    return sorted[m - 1];
  return sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
}

/* Fills the interval from the B resample statistics (NaN ones dropped); `statistics` is
 * reordered. */
static void
percentile_interval (EcgBootstrapInterval *interval, double *statistics, int n_resamples,
                     double level)
{
  int n_defined = 0;
  for (int b = 0; b < n_resamples; b++)
    if (!isnan (statistics[b]))
      statistics[n_defined++] = statistics[b];
  qsort (statistics, n_defined, sizeof *statistics, compare_double_ascending);

  interval->level = level;
  interval->n_resamples = n_resamples;
  interval->n_defined = n_defined;
  interval->lower
      = n_defined > 0 ? quantile_of_sorted (statistics, n_defined, (1.0 - level) / 2) : NAN;
  interval->upper
      = n_defined > 0 ? quantile_of_sorted (statistics, n_defined, (1.0 + level) / 2) : NAN;
}

gboolean
ecg_bootstrap_macro_f1 (const int *reference, const int *predicted, gsize n_samples, int n_classes,
                        int n_resamples, double level, guint32 seed, EcgBootstrapInterval *interval,
                        GError **error)
{
  g_return_val_if_fail (interval != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_bootstrap_settings ("macro-F1", n_samples, n_resamples, level, error))
    return FALSE;
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, n_samples, n_classes, error);
  if (confusion == NULL)
    return FALSE;

  /* The RNG belongs to this call: same inputs and seed, same interval, whatever else runs. */
  g_autoptr (GRand) rng = g_rand_new_with_seed (seed);
  g_autofree double *statistics = g_new (double, n_resamples);
  g_autofree gint64 *counts = g_new (gint64, (gsize)n_classes * (gsize)n_classes);
  for (int b = 0; b < n_resamples; b++)
    {
      memset (counts, 0, sizeof (gint64) * (gsize)n_classes * (gsize)n_classes);
      for (gsize draw = 0; draw < n_samples; draw++)
        {
          gsize i = (gsize)g_rand_int_range (rng, 0, (gint32)n_samples);
          counts[reference[i] * n_classes + predicted[i]]++;
        }
      statistics[b] = macro_f1_from_confusion (counts, n_classes);
    }

  interval->estimate = macro_f1_from_confusion (confusion->counts, n_classes);
  percentile_interval (interval, statistics, n_resamples, level);
  return TRUE;
}

gboolean
ecg_bootstrap_macro_auroc (const float *scores, const guint8 *labels, gsize n_samples,
                           int n_classes, int n_resamples, double level, guint32 seed,
                           EcgBootstrapInterval *interval, GError **error)
{
  g_return_val_if_fail (interval != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_bootstrap_settings ("macro-AUROC", n_samples, n_resamples, level, error))
    return FALSE;
  RankedScore **columns = rank_all_columns (scores, labels, n_samples, n_classes, error);
  if (columns == NULL)
    return FALSE;

  /* A resample is the multiplicity of each sample (how often it was drawn); the columns stay
   * sorted, so each resample is one weighted walk per class. */
  g_autoptr (GRand) rng = g_rand_new_with_seed (seed);
  g_autofree double *statistics = g_new (double, n_resamples);
  g_autofree guint32 *multiplicity = g_new (guint32, n_samples);
  for (int b = 0; b < n_resamples; b++)
    {
      memset (multiplicity, 0, sizeof (guint32) * n_samples);
      for (gsize draw = 0; draw < n_samples; draw++)
        multiplicity[g_rand_int_range (rng, 0, (gint32)n_samples)]++;
      statistics[b] = macro_auroc_of_columns (columns, n_samples, n_classes, multiplicity);
    }

  interval->estimate = macro_auroc_of_columns (columns, n_samples, n_classes, NULL);
  percentile_interval (interval, statistics, n_resamples, level);
  free_columns (columns, n_classes);
  return TRUE;
}
