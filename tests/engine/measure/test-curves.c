/* test-curves.c — ROC / PR curve points, their areas against ecg-metrics, thresholds.
 * Every expected value is computed by hand in the comment above its assertion. */
#include <math.h>

#include "ecg-error.h"
#include "measure/ecg-curves.h"
#include "test-util.h"

#define EPS 1e-12

/* Seven samples with two tie groups (0.8 and 0.4 each hold one positive, one negative):
 *   score  0.9 0.8 0.8 0.6 0.4 0.4 0.2
 *   label   +   -   +   -   +   -   -          P = 3, N = 4 */
static const float tie_scores[] = { 0.8f, 0.2f, 0.9f, 0.4f, 0.6f, 0.8f, 0.4f };
static const guint8 tie_labels[] = { 0, 0, 1, 1, 0, 1, 0 };

static void
test_points (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (tie_scores, tie_labels, 7, 1, 0, &error);
  g_assert_no_error (error);

  /* Distinct scores 0.9, 0.8, 0.6, 0.4, 0.2 plus the +inf point: 6 points with cumulative
   * (TP, FP) (0,0) (1,0) (2,1) (2,2) (3,3) (3,4). */
  const float thresholds[] = { 0.9f, 0.8f, 0.6f, 0.4f, 0.2f };
  const gint64 tp[] = { 0, 1, 2, 2, 3, 3 }, fp[] = { 0, 0, 1, 2, 3, 4 };
  g_assert_cmpuint (curve->n_points, ==, 6);
  g_assert_cmpint (curve->positives, ==, 3);
  g_assert_cmpint (curve->negatives, ==, 4);
  g_assert_true (isinf (curve->points[0].threshold) && curve->points[0].threshold > 0);
  for (gsize k = 0; k < 6; k++)
    {
      if (k > 0)
        g_assert_cmpfloat (curve->points[k].threshold, ==, (double)thresholds[k - 1]);
      g_assert_cmpint (curve->points[k].true_positives, ==, tp[k]);
      g_assert_cmpint (curve->points[k].false_positives, ==, fp[k]);
    }
  /* Point 2: FPR 1/4, TPR 2/3, precision 2/3; point 0 has no precision. */
  g_assert_cmpfloat_with_epsilon (ecg_class_curve_fpr (curve, 2), 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (ecg_class_curve_tpr (curve, 2), 2.0 / 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (ecg_class_curve_precision (curve, 2), 2.0 / 3.0, EPS);
  g_assert_true (isnan (ecg_class_curve_precision (curve, 0)));
}

static void
test_areas (void)
{
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (tie_scores, tie_labels, 7, 1, 0, NULL);

  /* ROC trapezoids, dFP (TP_{k-1} + dTP/2): 0 + 1(1 + 1/2) + 1(2) + 1(2 + 1/2) + 1(3) = 9;
   * 9 / (3 x 4) = 0.75. */
  double roc = ecg_class_curve_roc_area (curve);
  g_assert_cmpfloat_with_epsilon (roc, 0.75, EPS);
  g_assert_true (roc == ecg_auroc (tie_scores, tie_labels, 7));

  /* PR steps, dTP TP / (TP + FP): 1 * 1/1 + 1 * 2/3 + 1 * 3/6 = 13/6; / 3 = 13/18. */
  double pr = ecg_class_curve_pr_area (curve);
  g_assert_cmpfloat_with_epsilon (pr, 13.0 / 18.0, EPS);
  g_assert_true (pr == ecg_average_precision (tie_scores, tie_labels, 7));
}

/* Many samples with heavy ties (scores on a grid of 17 values), column 2 of 3: the areas must
 * equal ecg-metrics' bit for bit, whatever the rounding. */
static void
test_areas_equal_metrics (void)
{
  enum { N = 997, STRIDE = 3 };
  g_autofree float *scores = g_new (float, N * STRIDE);
  g_autofree guint8 *labels = g_new (guint8, N * STRIDE);
  g_autofree float *column_scores = g_new (float, N);
  g_autofree guint8 *column_labels = g_new (guint8, N);
  GRand *rng = g_rand_new_with_seed (7);
  for (int i = 0; i < N * STRIDE; i++)
    {
      labels[i] = g_rand_int_range (rng, 0, 3) == 0;
      scores[i] = (float)g_rand_int_range (rng, 0, 17) / 16.0f * 0.7f + 0.3f * labels[i];
    }
  g_rand_free (rng);
  for (int i = 0; i < N; i++)
    {
      column_scores[i] = scores[i * STRIDE + 2];
      column_labels[i] = labels[i * STRIDE + 2];
    }
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (scores, labels, N, STRIDE, 2, NULL);
  double auroc = ecg_auroc (column_scores, column_labels, N);
  double ap = ecg_average_precision (column_scores, column_labels, N);
  g_assert_true (auroc > 0.5 && auroc < 1.0);
  g_assert_true (ecg_class_curve_roc_area (curve) == auroc);
  g_assert_true (ecg_class_curve_pr_area (curve) == ap);
  /* At most 34 distinct scores (17 grid values, shifted or not), plus the +inf point. */
  g_assert_cmpuint (curve->n_points, <=, 35);
  g_assert_cmpint (curve->points[curve->n_points - 1].true_positives, ==, curve->positives);
  g_assert_cmpint (curve->points[curve->n_points - 1].false_positives, ==, curve->negatives);
}

static void
test_undefined (void)
{
  const float scores[] = { 0.3f, 0.7f };
  const guint8 negatives_only[] = { 0, 0 };
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (scores, negatives_only, 2, 1, 0, NULL);
  g_assert_true (isnan (ecg_class_curve_roc_area (curve)));
  g_assert_true (isnan (ecg_class_curve_pr_area (curve)));
  double value = 0.0;
  g_assert_true (isnan (ecg_class_curve_choose_threshold (curve, ECG_THRESHOLD_MAX_F1, &value)));
  g_assert_true (isnan (value));

  g_autoptr (GError) error = NULL;
  const float with_nan[] = { 0.3f, NAN };
  g_assert_null (ecg_class_curve_new (with_nan, negatives_only, 2, 1, 0, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_clear_error (&error);
  g_assert_null (ecg_class_curve_new (scores, negatives_only, 2, 1, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

static void
test_threshold_f1_tie (void)
{
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (tie_scores, tie_labels, 7, 1, 0, NULL);
  /* F1 = 2TP / (TP + FP + P) at the points 1..5: 2/4, 4/6, 4/7, 6/9, 6/10. The maximum 2/3 is
   * reached at 0.8 and at 0.4; the tie keeps the higher threshold, 0.8. */
  double f1 = 0.0;
  double t = ecg_class_curve_choose_threshold (curve, ECG_THRESHOLD_MAX_F1, &f1);
  g_assert_cmpfloat (t, ==, (double)0.8f);
  g_assert_cmpfloat_with_epsilon (f1, 2.0 / 3.0, EPS);

  /* Youden's J = TP/3 - FP/4: 1/3, 2/3 - 1/4 = 5/12, 2/3 - 1/2, 1 - 3/4, 0 → 0.8, J = 5/12. */
  double j = 0.0;
  t = ecg_class_curve_choose_threshold (curve, ECG_THRESHOLD_YOUDEN, &j);
  g_assert_cmpfloat (t, ==, (double)0.8f);
  g_assert_cmpfloat_with_epsilon (j, 5.0 / 12.0, EPS);

  /* The counts at 0.8 on the same samples: TP 2, FP 1, FN 1 → Se 2/3, PPV 2/3, F1 4/6. */
  EcgClassMetrics m;
  ecg_class_metrics_at_threshold (tie_scores, tie_labels, 7, 1, 0, t, &m);
  g_assert_cmpint (m.true_positives, ==, 2);
  g_assert_cmpint (m.false_positives, ==, 1);
  g_assert_cmpint (m.false_negatives, ==, 1);
  g_assert_cmpint (m.support, ==, 3);
  g_assert_cmpfloat_with_epsilon (m.sensitivity, 2.0 / 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (m.ppv, 2.0 / 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (m.f1, 2.0 / 3.0, EPS);
  /* Above every score nothing is predicted: PPV undefined, F1 = 0 (support 3). */
  ecg_class_metrics_at_threshold (tie_scores, tie_labels, 7, 1, 0, 0.95, &m);
  g_assert_true (isnan (m.ppv));
  g_assert_cmpfloat (m.f1, ==, 0.0);
}

/* A rare class where the two criteria disagree:
 *   score 0.9 0.8 0.7 0.6 0.5 0.4 0.35 0.3 0.25 0.2 0.1
 *   label  +   -   -   -   +   -   -    -   -    -   -       P = 2, N = 9 */
static void
test_threshold_criteria_differ (void)
{
  const float scores[] = { 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.35f, 0.3f, 0.25f, 0.2f, 0.1f };
  const guint8 labels[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
  g_autoptr (EcgClassCurve) curve = ecg_class_curve_new (scores, labels, 11, 1, 0, NULL);

  /* F1 = 2TP / (TP + FP + 2): at 0.9 (1,0) 2/3, at 0.5 (2,3) 4/7, every other point lower. */
  double f1 = 0.0;
  g_assert_cmpfloat (ecg_class_curve_choose_threshold (curve, ECG_THRESHOLD_MAX_F1, &f1), ==,
                     (double)0.9f);
  g_assert_cmpfloat_with_epsilon (f1, 2.0 / 3.0, EPS);

  /* J = TP/2 - FP/9: at 0.9 1/2, at 0.5 1 - 3/9 = 2/3, every other point lower. */
  double j = 0.0;
  g_assert_cmpfloat (ecg_class_curve_choose_threshold (curve, ECG_THRESHOLD_YOUDEN, &j), ==,
                     0.5);
  g_assert_cmpfloat_with_epsilon (j, 2.0 / 3.0, EPS);
}

static void
test_mismatches (void)
{
  /* Three samples, two classes; thresholds 0.5 and 0.3.
   *   sample 0 scores (0.6, 0.2) labels (1, 0): predicted {0}    = {0}     right
   *   sample 1 scores (0.4, 0.3) labels (0, 1): predicted {1}    = {1}     right
   *   sample 2 scores (0.5, 0.1) labels (0, 0): predicted {0}   != {}      wrong */
  const float scores[] = { 0.6f, 0.2f, 0.4f, 0.3f, 0.5f, 0.1f };
  const guint8 labels[] = { 1, 0, 0, 1, 0, 0 };
  double thresholds[] = { 0.5, 0.3 };
  g_assert_false (ecg_multi_label_is_mismatch (scores, labels, 0, 2, thresholds));
  g_assert_false (ecg_multi_label_is_mismatch (scores, labels, 1, 2, thresholds));
  g_assert_true (ecg_multi_label_is_mismatch (scores, labels, 2, 2, thresholds));
  g_assert_cmpuint (ecg_multi_label_count_mismatches (scores, labels, 3, 2, thresholds), ==, 1);
  /* Raising class 0's threshold to 0.55 fixes sample 2 and keeps sample 0: 0 errors; raising
   * it to 0.7 loses sample 0: 1 error; class 1 at 0.35 also loses sample 1: 2 errors. */
  thresholds[0] = 0.55;
  g_assert_cmpuint (ecg_multi_label_count_mismatches (scores, labels, 3, 2, thresholds), ==, 0);
  thresholds[0] = 0.7;
  g_assert_cmpuint (ecg_multi_label_count_mismatches (scores, labels, 3, 2, thresholds), ==, 1);
  thresholds[1] = 0.35;
  g_assert_cmpuint (ecg_multi_label_count_mismatches (scores, labels, 3, 2, thresholds), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/measure/curves/points", test_points);
  g_test_add_func ("/engine/measure/curves/areas", test_areas);
  g_test_add_func ("/engine/measure/curves/areas-equal-metrics", test_areas_equal_metrics);
  g_test_add_func ("/engine/measure/curves/undefined", test_undefined);
  g_test_add_func ("/engine/measure/curves/threshold-f1-tie", test_threshold_f1_tie);
  g_test_add_func ("/engine/measure/curves/threshold-criteria-differ",
                   test_threshold_criteria_differ);
  g_test_add_func ("/engine/measure/curves/mismatches", test_mismatches);
  return g_test_run ();
}
