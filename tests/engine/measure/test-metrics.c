/* test-metrics.c — confusion matrix, per-class metrics, AUROC, average precision, bootstrap.
 * Every expected value is computed by hand in the comment above its assertion. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"
#include "measure/ecg-metrics.h"
#include "test-util.h"

#define EPS 1e-12

/* The 3-class case used below, as (reference, predicted) pairs in mixed order. Its confusion
 * matrix (rows reference, columns predicted) is
 *   [[5, 1, 0],
 *    [2, 3, 1],
 *    [0, 0, 4]]                                                                  16 samples */
static const int three_class_reference[] = { 0, 1, 2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 1, 0, 2, 1 };
static const int three_class_predicted[] = { 0, 0, 2, 0, 1, 1, 2, 2, 0, 0, 2, 0, 1, 0, 2, 1 };
#define THREE_CLASS_N G_N_ELEMENTS (three_class_reference)

static void
test_confusion_from_labels (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgConfusion) confusion = ecg_confusion_new_from_labels (
      three_class_reference, three_class_predicted, THREE_CLASS_N, 3, &error);
  g_assert_no_error (error);

  const gint64 expected[3][3] = { { 5, 1, 0 }, { 2, 3, 1 }, { 0, 0, 4 } };
  for (int r = 0; r < 3; r++)
    for (int p = 0; p < 3; p++)
      g_assert_cmpint (ecg_confusion_get (confusion, r, p), ==, expected[r][p]);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, 16);

  ecg_confusion_add (confusion, 2, 0);
  g_assert_cmpint (ecg_confusion_get (confusion, 2, 0), ==, 1);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, 17);
}

static void
test_confusion_bad_index (void)
{
  const int reference[] = { 0, 1, 2 };
  const int predicted[] = { 0, 3, 1 };
  g_autoptr (GError) error = NULL;

  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, 3, 3, &error);
  g_assert_null (confusion);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "predicted[1] = 3"));

  g_clear_error (&error);
  const int negative[] = { 0, -1, 0 };
  g_assert_null (ecg_confusion_new_from_labels (negative, reference, 3, 3, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "reference[1] = -1"));
}

static void
test_single_label_three_class (void)
{
  g_autoptr (EcgConfusion) confusion = ecg_confusion_new_from_labels (
      three_class_reference, three_class_predicted, THREE_CLASS_N, 3, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);

  /* accuracy = trace / total = (5 + 3 + 4) / 16 = 12/16 */
  g_assert_cmpint (metrics->n_samples, ==, 16);
  g_assert_cmpfloat_with_epsilon (metrics->accuracy, 12.0 / 16.0, EPS);

  /* class 0: TP 5, row 6 -> FN 1, column 7 -> FP 2:
   *   Se = 5/6, PPV = 5/7, F1 = 10 / (10 + 2 + 1) = 10/13 */
  const EcgClassMetrics *c0 = &metrics->per_class[0];
  g_assert_cmpint (c0->true_positives, ==, 5);
  g_assert_cmpint (c0->false_positives, ==, 2);
  g_assert_cmpint (c0->false_negatives, ==, 1);
  g_assert_cmpint (c0->support, ==, 6);
  g_assert_cmpfloat_with_epsilon (c0->sensitivity, 5.0 / 6.0, EPS);
  g_assert_cmpfloat_with_epsilon (c0->ppv, 5.0 / 7.0, EPS);
  g_assert_cmpfloat_with_epsilon (c0->f1, 10.0 / 13.0, EPS);

  /* class 1: TP 3, row 6 -> FN 3, column 4 -> FP 1:
   *   Se = 3/6, PPV = 3/4, F1 = 6 / (6 + 1 + 3) = 3/5 */
  const EcgClassMetrics *c1 = &metrics->per_class[1];
  g_assert_cmpint (c1->support, ==, 6);
  g_assert_cmpfloat_with_epsilon (c1->sensitivity, 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (c1->ppv, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (c1->f1, 0.6, EPS);

  /* class 2: TP 4, row 4 -> FN 0, column 5 -> FP 1:
   *   Se = 1, PPV = 4/5, F1 = 8 / (8 + 1 + 0) = 8/9 */
  const EcgClassMetrics *c2 = &metrics->per_class[2];
  g_assert_cmpint (c2->support, ==, 4);
  g_assert_cmpfloat_with_epsilon (c2->sensitivity, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (c2->ppv, 0.8, EPS);
  g_assert_cmpfloat_with_epsilon (c2->f1, 8.0 / 9.0, EPS);

  /* macro-F1 = (10/13 + 3/5 + 8/9) / 3 = (450 + 351 + 520) / 585 / 3 = 1321/1755 = 0.75271 */
  g_assert_cmpint (metrics->n_classes_in_macro_f1, ==, 3);
  g_assert_cmpfloat_with_epsilon (metrics->macro_f1, 1321.0 / 1755.0, EPS);
}

static void
test_single_label_never_predicted (void)
{
  /* Class 1 occurs twice and is never predicted.
   *   class 0: TP 2, FP 2 (the two 1s), FN 0: Se 1, PPV 1/2, F1 4/6 = 2/3
   *   class 1: TP 0, FP 0, FN 2: Se 0, PPV 0/0 = NaN, F1 0 / 2 = 0
   *   class 2: TP 1: Se = PPV = F1 = 1
   *   accuracy 3/5; macro-F1 = (2/3 + 0 + 1) / 3 = 5/9 (the unpredicted class counts as 0) */
  const int reference[] = { 0, 0, 1, 1, 2 };
  const int predicted[] = { 0, 0, 0, 0, 2 };
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, 5, 3, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);

  g_assert_cmpfloat_with_epsilon (metrics->accuracy, 0.6, EPS);
  g_assert_cmpfloat_with_epsilon (metrics->per_class[0].ppv, 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (metrics->per_class[0].f1, 2.0 / 3.0, EPS);
  g_assert_cmpint (metrics->per_class[1].support, ==, 2);
  g_assert_cmpfloat (metrics->per_class[1].sensitivity, ==, 0.0);
  g_assert_true (isnan (metrics->per_class[1].ppv));
  g_assert_cmpfloat (metrics->per_class[1].f1, ==, 0.0);
  g_assert_cmpint (metrics->n_classes_in_macro_f1, ==, 3);
  g_assert_cmpfloat_with_epsilon (metrics->macro_f1, 5.0 / 9.0, EPS);
}

static void
test_single_label_absent_class (void)
{
  /* Class 2 is neither in the reference nor predicted: Se, PPV and F1 are all 0/0 = NaN and it
   * is left out of the mean.
   *   class 0: TP 1, FN 1, FP 0: F1 2/3;  class 1: TP 1, FP 1, FN 0: F1 2/3
   *   macro-F1 = (2/3 + 2/3) / 2 = 2/3 (not (2/3 + 2/3 + 0) / 3 = 4/9) */
  const int reference[] = { 0, 0, 1 };
  const int predicted[] = { 0, 1, 1 };
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, 3, 3, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);

  g_assert_cmpint (metrics->per_class[2].support, ==, 0);
  g_assert_true (isnan (metrics->per_class[2].sensitivity));
  g_assert_true (isnan (metrics->per_class[2].ppv));
  g_assert_true (isnan (metrics->per_class[2].f1));
  g_assert_cmpint (metrics->n_classes_in_macro_f1, ==, 2);
  g_assert_cmpfloat_with_epsilon (metrics->macro_f1, 2.0 / 3.0, EPS);
}

static void
test_single_label_predicted_not_present (void)
{
  /* Class 1 is predicted once but never in the reference: Se = 0/0 = NaN, PPV = 0/1 = 0,
   * F1 = 0 / (0 + 1 + 0) = 0, and it counts in the mean.
   *   class 0: TP 1, FN 1, FP 0: F1 = 2 / 3;   macro-F1 = (2/3 + 0) / 2 = 1/3 */
  const int reference[] = { 0, 0 };
  const int predicted[] = { 0, 1 };
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, 2, 2, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);

  g_assert_true (isnan (metrics->per_class[1].sensitivity));
  g_assert_cmpfloat (metrics->per_class[1].ppv, ==, 0.0);
  g_assert_cmpfloat (metrics->per_class[1].f1, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (metrics->macro_f1, 1.0 / 3.0, EPS);
}

static void
test_single_label_empty (void)
{
  g_autoptr (EcgConfusion) confusion = ecg_confusion_new (3);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);

  g_assert_cmpint (metrics->n_samples, ==, 0);
  g_assert_true (isnan (metrics->accuracy));
  g_assert_true (isnan (metrics->macro_f1));
  g_assert_cmpint (metrics->n_classes_in_macro_f1, ==, 0);
}

static void
test_auroc_ties (void)
{
  /* positives {0.9, 0.5, 0.5}, negatives {0.5, 0.1}; the 6 (positive, negative) pairs:
   *   0.9>0.5: 1   0.9>0.1: 1   0.5=0.5: 1/2   0.5>0.1: 1   0.5=0.5: 1/2   0.5>0.1: 1
   *   U = 1 + 1 + 0.5 + 1 + 0.5 + 1 = 5, AUROC = 5/6.
   * Mid-ranks agree: ascending 0.1 (rank 1), 0.5 x3 (ranks 2,3,4 -> 3 each), 0.9 (rank 5);
   * positive rank sum 3 + 3 + 5 = 11, U = 11 - 3*4/2 = 5. */
  const float scores[] = { 0.5f, 0.9f, 0.1f, 0.5f, 0.5f };
  const guint8 labels[] = { 0, 1, 0, 1, 1 };

  g_assert_cmpfloat_with_epsilon (ecg_auroc (scores, labels, 5), 5.0 / 6.0, EPS);
}

static void
test_auroc_perfect_and_inverted (void)
{
  /* Every positive above every negative: U = P N, AUROC 1; swapped labels: U = 0, AUROC 0. */
  const float scores[] = { 0.1f, 0.8f, 0.3f, 0.9f, 0.7f };
  const guint8 perfect[] = { 0, 1, 0, 1, 1 };
  const guint8 inverted[] = { 1, 0, 1, 0, 0 };

  g_assert_cmpfloat (ecg_auroc (scores, perfect, 5), ==, 1.0);
  g_assert_cmpfloat (ecg_auroc (scores, inverted, 5), ==, 0.0);
}

static void
test_auroc_undefined (void)
{
  const float scores[] = { 0.2f, 0.4f, 0.6f };
  const guint8 all_positive[] = { 1, 1, 1 };
  const guint8 all_negative[] = { 0, 0, 0 };
  const guint8 mixed[] = { 0, 1, 1 };
  const float with_nan[] = { 0.2f, NAN, 0.6f };

  g_assert_true (isnan (ecg_auroc (scores, all_positive, 3)));
  g_assert_true (isnan (ecg_auroc (scores, all_negative, 3)));
  g_assert_true (isnan (ecg_auroc (with_nan, mixed, 3)));
  g_assert_true (isnan (ecg_auroc (scores, mixed, 0)));
}

static void
test_average_precision_interleaved (void)
{
  /* by descending score: 0.8 +, 0.7 -, 0.6 +, 0.4 -, 0.3 + (3 positives)
   *   threshold 0.8: P 1/1, R 1/3;  0.6: P 2/3, R 2/3;  0.3: P 3/5, R 1
   *   AP = (1/3)(1) + (1/3)(2/3) + (1/3)(3/5) = 15/45 + 10/45 + 9/45 = 34/45
   * (AUROC of the same case: 2 + 1 + 0 correct pairs of 6 = 1/2) */
  const float scores[] = { 0.3f, 0.8f, 0.4f, 0.7f, 0.6f };
  const guint8 labels[] = { 1, 1, 0, 0, 1 };

  g_assert_cmpfloat_with_epsilon (ecg_average_precision (scores, labels, 5), 34.0 / 45.0, EPS);
  g_assert_cmpfloat_with_epsilon (ecg_auroc (scores, labels, 5), 0.5, EPS);
}

static void
test_average_precision_ties (void)
{
  /* positives {0.9, 0.5, 0.5}, negative {0.5, 0.1}: the three 0.5s form one threshold
   *   0.9: P 1/1, R 1/3;  0.5: TP 3, FP 1 -> P 3/4, R 1;  0.1: R stays 1 (adds nothing)
   *   AP = (1/3)(1) + (2/3)(3/4) = 1/3 + 1/2 = 5/6.
   * Ungrouped ties would give 1 (positives first) or 29/36 (negative first). */
  const float scores[] = { 0.5f, 0.9f, 0.1f, 0.5f, 0.5f };
  const guint8 labels[] = { 0, 1, 0, 1, 1 };

  g_assert_cmpfloat_with_epsilon (ecg_average_precision (scores, labels, 5), 5.0 / 6.0, EPS);
}

static void
test_average_precision_perfect_and_inverted (void)
{
  /* perfect: precision 1 at every recall step, AP 1.
   * inverted, descending 0.9 -, 0.8 -, 0.2 +, 0.1 +:
   *   0.2: P 1/3, R 1/2;  0.1: P 2/4, R 1;  AP = (1/2)(1/3) + (1/2)(1/2) = 1/6 + 1/4 = 5/12 */
  const float scores[] = { 0.1f, 0.9f, 0.2f, 0.8f };
  const guint8 perfect[] = { 0, 1, 0, 1 };
  const guint8 inverted[] = { 1, 0, 1, 0 };
  const guint8 no_positive[] = { 0, 0, 0, 0 };
  const guint8 no_negative[] = { 1, 1, 1, 1 };

  g_assert_cmpfloat (ecg_average_precision (scores, perfect, 4), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (ecg_average_precision (scores, inverted, 4), 5.0 / 12.0, EPS);
  g_assert_true (isnan (ecg_average_precision (scores, no_positive, 4)));
  /* all positive: precision 1 everywhere (as sklearn) */
  g_assert_cmpfloat (ecg_average_precision (scores, no_negative, 4), ==, 1.0);
}

/* 6 samples x 3 classes, [sample][class]. Per class, by sample 0..5:
 *   class 0 scores 0.9 0.5 0.5 0.5 0.1 0.3, labels 1 1 1 0 0 0
 *   class 1 scores 0.2 0.4 0.6 0.8 0.5 0.1, labels 1 1 1 1 1 1   (no negatives)
 *   class 2 scores 0.7 0.2 0.6 0.1 0.3 0.4, labels 0 0 1 0 1 0 */
/* clang-format off */
static const float multi_scores[] = {
  0.9f, 0.2f, 0.7f,
  0.5f, 0.4f, 0.2f,
  0.5f, 0.6f, 0.6f,
  0.5f, 0.8f, 0.1f,
  0.1f, 0.5f, 0.3f,
  0.3f, 0.1f, 0.4f,
};
static const guint8 multi_labels[] = {
  1, 1, 0,
  1, 1, 0,
  1, 1, 1,
  0, 1, 0,
  0, 1, 1,
  0, 1, 0,
};
/* clang-format on */

static void
test_multi_label_hand (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgMultiLabelMetrics) metrics
      = ecg_multi_label_metrics_new (multi_scores, multi_labels, 6, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (metrics->n_samples, ==, 6);

  /* class 0: positives {0.9, 0.5, 0.5}, negatives {0.5, 0.1, 0.3}
   *   U = 3 (0.9 beats all) + 2 x (1/2 + 1 + 1) (each 0.5) = 8, AUROC 8/9
   *   AP: 0.9: P 1, R 1/3;  0.5: TP 3 FP 1, P 3/4, R 1  ->  1/3 + (2/3)(3/4) = 5/6
   *   >= 0.5: 0.9, 0.5, 0.5 (+) and 0.5 (-): TP 3, FP 1, FN 0; Se 1, PPV 3/4, F1 6/7 */
  const EcgLabelMetrics *c0 = &metrics->per_class[0];
  g_assert_cmpint (c0->positives, ==, 3);
  g_assert_cmpint (c0->negatives, ==, 3);
  g_assert_cmpfloat_with_epsilon (c0->auroc, 8.0 / 9.0, EPS);
  g_assert_cmpfloat_with_epsilon (c0->auprc, 5.0 / 6.0, EPS);
  g_assert_cmpint (c0->at_0_5.true_positives, ==, 3);
  g_assert_cmpint (c0->at_0_5.false_positives, ==, 1);
  g_assert_cmpfloat_with_epsilon (c0->at_0_5.sensitivity, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (c0->at_0_5.ppv, 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (c0->at_0_5.f1, 6.0 / 7.0, EPS);

  /* class 1: all positive: AUROC undefined, AP 1; >= 0.5: 0.6, 0.8, 0.5 (exactly 0.5 counts):
   *   TP 3, FN 3, FP 0: Se 1/2, PPV 1, F1 6/9 = 2/3 */
  const EcgLabelMetrics *c1 = &metrics->per_class[1];
  g_assert_cmpint (c1->positives, ==, 6);
  g_assert_cmpint (c1->negatives, ==, 0);
  g_assert_true (isnan (c1->auroc));
  g_assert_cmpfloat (c1->auprc, ==, 1.0);
  g_assert_cmpint (c1->at_0_5.true_positives, ==, 3);
  g_assert_cmpfloat_with_epsilon (c1->at_0_5.f1, 2.0 / 3.0, EPS);

  /* class 2: positives {0.6, 0.3}, negatives {0.7, 0.2, 0.1, 0.4}
   *   U = 3 (0.6 beats 0.2 0.1 0.4) + 2 (0.3 beats 0.2 0.1) = 5, AUROC 5/8
   *   AP: 0.7 -; 0.6 +: P 1/2, R 1/2; 0.4 -; 0.3 +: P 2/4, R 1  ->  (1/2)(1/2) + (1/2)(1/2) = 1/2
   *   >= 0.5: 0.7 (-), 0.6 (+): TP 1, FP 1, FN 1: F1 2/4 = 1/2 */
  const EcgLabelMetrics *c2 = &metrics->per_class[2];
  g_assert_cmpfloat_with_epsilon (c2->auroc, 5.0 / 8.0, EPS);
  g_assert_cmpfloat_with_epsilon (c2->auprc, 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (c2->at_0_5.f1, 0.5, EPS);

  /* macros over classes 0 and 2 (class 1 has no negatives):
   *   AUROC (8/9 + 5/8) / 2 = (64 + 45) / 72 / 2 = 109/144;  AUPRC (5/6 + 1/2) / 2 = 2/3
   * macro F1 over all three: (6/7 + 2/3 + 1/2) / 3 = (36 + 28 + 21) / 42 / 3 = 85/126 */
  g_assert_cmpint (metrics->n_classes_ranked, ==, 2);
  g_assert_cmpfloat_with_epsilon (metrics->macro_auroc, 109.0 / 144.0, EPS);
  g_assert_cmpfloat_with_epsilon (metrics->macro_auprc, 2.0 / 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (metrics->macro_f1_at_0_5, 85.0 / 126.0, EPS);
}

static void
test_multi_label_nan_score (void)
{
  float scores[G_N_ELEMENTS (multi_scores)];
  memcpy (scores, multi_scores, sizeof scores);
  scores[4 * 3 + 2] = NAN;
  g_autoptr (GError) error = NULL;

  g_autoptr (EcgMultiLabelMetrics) metrics
      = ecg_multi_label_metrics_new (scores, multi_labels, 6, 3, &error);
  g_assert_null (metrics);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, "sample 4, class 2"));
}

/* A larger imperfect single-label set: 300 samples, reference i mod 3, 30 % of them predicted
 * as the next class. */
static void
make_noisy_single_label (int *reference, int *predicted, int n_samples)
{
  for (int i = 0; i < n_samples; i++)
    {
      reference[i] = i % 3;
      predicted[i] = (i * 7) % 10 < 3 ? (reference[i] + 1) % 3 : reference[i];
    }
}

static void
test_bootstrap_macro_f1_deterministic (void)
{
  enum
  {
    N = 300,
    B = 200
  };
  int reference[N], predicted[N];
  make_noisy_single_label (reference, predicted, N);
  EcgBootstrapInterval first, again, other_seed;
  g_autoptr (GError) error = NULL;

  g_assert_true (ecg_bootstrap_macro_f1 (reference, predicted, N, 3, B, 0.95, 42, &first, &error));
  g_assert_no_error (error);
  /* Another RNG used in between must not matter: the call owns its GRand. */
  g_random_set_seed (7);
  (void)g_random_int ();
  g_assert_true (ecg_bootstrap_macro_f1 (reference, predicted, N, 3, B, 0.95, 42, &again, NULL));
  g_assert_true (
      ecg_bootstrap_macro_f1 (reference, predicted, N, 3, B, 0.95, 43, &other_seed, NULL));

  g_assert_cmpfloat (first.lower, ==, again.lower);
  g_assert_cmpfloat (first.upper, ==, again.upper);
  g_assert_true (first.lower != other_seed.lower || first.upper != other_seed.upper);

  /* The estimate is the macro-F1 of the full sample, and lies inside its interval. */
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (reference, predicted, N, 3, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);
  g_assert_cmpfloat (first.estimate, ==, metrics->macro_f1);
  g_assert_cmpfloat (first.lower, <, first.estimate);
  g_assert_cmpfloat (first.estimate, <, first.upper);
  g_assert_cmpint (first.n_resamples, ==, B);
  g_assert_cmpint (first.n_defined, ==, B);
  g_assert_cmpfloat (first.level, ==, 0.95);
}

static void
test_bootstrap_macro_f1_perfect (void)
{
  /* Every resample of a perfect classifier has F1 1 for each class it contains (the others are
   * absent and never predicted, so skipped): the interval is [1, 1]. */
  const int labels[] = { 0, 1, 2, 0, 0, 1, 2, 2, 1, 0 };
  EcgBootstrapInterval interval;

  g_assert_true (ecg_bootstrap_macro_f1 (labels, labels, 10, 3, 500, 0.95, 1, &interval, NULL));
  g_assert_cmpfloat (interval.estimate, ==, 1.0);
  g_assert_cmpfloat (interval.lower, ==, 1.0);
  g_assert_cmpfloat (interval.upper, ==, 1.0);
}

static void
test_bootstrap_macro_f1_two_samples (void)
{
  /* a = (reference 0, predicted 0), b = (reference 1, predicted 0). Resamples of two:
   *   {a, a} (prob 1/4): class 0 F1 1, class 1 absent and unpredicted -> macro 1
   *   {b, b} (1/4): class 0 TP 0 FP 2 -> 0, class 1 FN 2 -> 0  -> macro 0
   *   {a, b} (1/2): class 0 TP 1 FP 1 -> 2/3, class 1 -> 0    -> macro 1/3 (= the estimate)
   * With 400 resamples about 100 are 0 and 100 are 1, far more than the 2.5 % tails (10 each),
   * so the 95 % interval is exactly [0, 1]. */
  const int reference[] = { 0, 1 };
  const int predicted[] = { 0, 0 };
  EcgBootstrapInterval interval;

  g_assert_true (
      ecg_bootstrap_macro_f1 (reference, predicted, 2, 2, 400, 0.95, 5, &interval, NULL));
  g_assert_cmpfloat_with_epsilon (interval.estimate, 1.0 / 3.0, EPS);
  g_assert_cmpfloat (interval.lower, ==, 0.0);
  g_assert_cmpfloat (interval.upper, ==, 1.0);
}

static void
test_bootstrap_macro_f1_one_resample (void)
{
  /* With B = 1 both bounds are that resample's macro-F1. Drawing the same rows from a GRand
   * with the same seed (as the header documents) and scoring them as an ordinary data set
   * must give the same value. */
  enum
  {
    N = 60
  };
  int reference[N], predicted[N], resampled_reference[N], resampled_predicted[N];
  make_noisy_single_label (reference, predicted, N);
  g_autoptr (GRand) rng = g_rand_new_with_seed (99);
  for (int draw = 0; draw < N; draw++)
    {
      int i = g_rand_int_range (rng, 0, N);
      resampled_reference[draw] = reference[i];
      resampled_predicted[draw] = predicted[i];
    }
  g_autoptr (EcgConfusion) confusion
      = ecg_confusion_new_from_labels (resampled_reference, resampled_predicted, N, 3, NULL);
  g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);
  EcgBootstrapInterval interval;

  g_assert_true (ecg_bootstrap_macro_f1 (reference, predicted, N, 3, 1, 0.95, 99, &interval, NULL));
  g_assert_cmpfloat_with_epsilon (interval.lower, metrics->macro_f1, EPS);
  g_assert_cmpfloat_with_epsilon (interval.upper, metrics->macro_f1, EPS);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void
test_bootstrap_percentiles (void)
{
  /* B = 5 resamples, replayed here from a GRand with the same seed, give sorted macro-F1s
   * s0 <= ... <= s4. An 80 % interval takes the 10 % and 90 % quantiles, interpolated between
   * order statistics at h = (B - 1) q:
   *   lower: h = 4 x 0.1 = 0.4 -> s0 + 0.4 (s1 - s0)
   *   upper: h = 4 x 0.9 = 3.6 -> s3 + 0.6 (s4 - s3) */
  enum
  {
    N = 60,
    B = 5
  };
  int reference[N], predicted[N], resampled_reference[N], resampled_predicted[N];
  make_noisy_single_label (reference, predicted, N);
  g_autoptr (GRand) rng = g_rand_new_with_seed (11);
  double sorted[B];
  for (int b = 0; b < B; b++)
    {
      for (int draw = 0; draw < N; draw++)
        {
          int i = g_rand_int_range (rng, 0, N);
          resampled_reference[draw] = reference[i];
          resampled_predicted[draw] = predicted[i];
        }
      g_autoptr (EcgConfusion) confusion
          = ecg_confusion_new_from_labels (resampled_reference, resampled_predicted, N, 3, NULL);
      g_autoptr (EcgSingleLabelMetrics) metrics = ecg_single_label_metrics_new (confusion);
      sorted[b] = metrics->macro_f1;
    }
  qsort (sorted, B, sizeof *sorted, compare_double);
  /* distinct neighbours, so that a wrong quantile position shows */
  g_assert_cmpfloat (sorted[0], <, sorted[1]);
  g_assert_cmpfloat (sorted[3], <, sorted[4]);
  EcgBootstrapInterval interval;

  g_assert_true (ecg_bootstrap_macro_f1 (reference, predicted, N, 3, B, 0.8, 11, &interval, NULL));
  g_assert_cmpfloat_with_epsilon (interval.lower, sorted[0] + 0.4 * (sorted[1] - sorted[0]), EPS);
  g_assert_cmpfloat_with_epsilon (interval.upper, sorted[3] + 0.6 * (sorted[4] - sorted[3]), EPS);
}

/* 200 samples x 3 classes of overlapping scores: label 1 for 2 in 5 samples per class, score
 * 0.3 * label + a deterministic spread in [0, 0.7). */
static void
make_noisy_multi_label (float *scores, guint8 *labels, int n_samples)
{
  for (int i = 0; i < n_samples; i++)
    for (int c = 0; c < 3; c++)
      {
        double spread = fmod (i * 0.6180339887 + c * 0.3, 1.0);
        labels[i * 3 + c] = (i * 13 + c * 7) % 5 < 2;
        scores[i * 3 + c] = (float)(0.3 * labels[i * 3 + c] + 0.7 * spread);
      }
}

static void
test_bootstrap_macro_auroc_deterministic (void)
{
  enum
  {
    N = 200,
    B = 200
  };
  float scores[N * 3];
  guint8 labels[N * 3];
  make_noisy_multi_label (scores, labels, N);
  EcgBootstrapInterval first, again, other_seed;
  g_autoptr (GError) error = NULL;

  g_assert_true (ecg_bootstrap_macro_auroc (scores, labels, N, 3, B, 0.95, 42, &first, &error));
  g_assert_no_error (error);
  g_assert_true (ecg_bootstrap_macro_auroc (scores, labels, N, 3, B, 0.95, 42, &again, NULL));
  g_assert_true (ecg_bootstrap_macro_auroc (scores, labels, N, 3, B, 0.95, 43, &other_seed, NULL));
  g_assert_cmpfloat (first.lower, ==, again.lower);
  g_assert_cmpfloat (first.upper, ==, again.upper);
  g_assert_true (first.lower != other_seed.lower || first.upper != other_seed.upper);

  g_autoptr (EcgMultiLabelMetrics) metrics
      = ecg_multi_label_metrics_new (scores, labels, N, 3, NULL);
  g_assert_cmpfloat (first.estimate, ==, metrics->macro_auroc);
  g_assert_cmpfloat (first.estimate, >, 0.6); /* the data do carry signal */
  g_assert_cmpfloat (first.estimate, <, 1.0);
  g_assert_cmpfloat (first.lower, <, first.estimate);
  g_assert_cmpfloat (first.estimate, <, first.upper);
  g_assert_cmpint (first.n_defined, ==, B);
}

static void
test_bootstrap_macro_auroc_perfect (void)
{
  /* Positives always outscore negatives, so every resample with both has AUROC 1. */
  enum
  {
    N = 40
  };
  float scores[N * 2];
  guint8 labels[N * 2];
  for (int i = 0; i < N; i++)
    for (int c = 0; c < 2; c++)
      {
        labels[i * 2 + c] = (i + c) % 3 == 0;
        scores[i * 2 + c] = labels[i * 2 + c] ? 0.6f + 0.01f * (i % 7) : 0.1f * (i % 5);
      }
  EcgBootstrapInterval interval;

  g_assert_true (ecg_bootstrap_macro_auroc (scores, labels, N, 2, 300, 0.95, 3, &interval, NULL));
  g_assert_cmpfloat (interval.estimate, ==, 1.0);
  g_assert_cmpfloat (interval.lower, ==, 1.0);
  g_assert_cmpfloat (interval.upper, ==, 1.0);
}

static void
test_bootstrap_macro_auroc_one_resample (void)
{
  /* The weighted walk over a resample's multiplicities must equal scoring the resample written
   * out row by row (duplicates and all), which sorts and groups ties afresh. The quantised
   * scores make many ties. */
  enum
  {
    N = 50
  };
  float scores[N * 3], resampled_scores[N * 3];
  guint8 labels[N * 3], resampled_labels[N * 3];
  make_noisy_multi_label (scores, labels, N);
  for (int k = 0; k < N * 3; k++)
    scores[k] = roundf (scores[k] * 10.0f) / 10.0f;
  g_autoptr (GRand) rng = g_rand_new_with_seed (2024);
  for (int draw = 0; draw < N; draw++)
    {
      int i = g_rand_int_range (rng, 0, N);
      memcpy (&resampled_scores[draw * 3], &scores[i * 3], 3 * sizeof (float));
      memcpy (&resampled_labels[draw * 3], &labels[i * 3], 3);
    }
  g_autoptr (EcgMultiLabelMetrics) metrics
      = ecg_multi_label_metrics_new (resampled_scores, resampled_labels, N, 3, NULL);
  EcgBootstrapInterval interval;

  g_assert_true (ecg_bootstrap_macro_auroc (scores, labels, N, 3, 1, 0.95, 2024, &interval, NULL));
  g_assert_cmpfloat_with_epsilon (interval.lower, metrics->macro_auroc, EPS);
  g_assert_cmpfloat_with_epsilon (interval.upper, metrics->macro_auroc, EPS);
}

static void
test_bootstrap_bad_settings (void)
{
  const int labels[] = { 0, 1 };
  EcgBootstrapInterval interval;
  g_autoptr (GError) error = NULL;

  g_assert_false (ecg_bootstrap_macro_f1 (labels, labels, 2, 2, 0, 0.95, 1, &interval, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "0 resamples"));
  g_clear_error (&error);

  g_assert_false (ecg_bootstrap_macro_f1 (labels, labels, 2, 2, 10, 1.0, 1, &interval, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ecg_bootstrap_macro_f1 (labels, labels, 0, 2, 10, 0.95, 1, &interval, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ecg_bootstrap_macro_f1 (labels, labels, 2, 1, 10, 0.95, 1, &interval, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "reference[1] = 1"));
  g_clear_error (&error);

  const float scores[] = { 0.1f, NAN };
  const guint8 binary[] = { 0, 1 };
  g_assert_false (ecg_bootstrap_macro_auroc (scores, binary, 2, 1, 10, 0.95, 1, &interval, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/measure/metrics/confusion/from-labels", test_confusion_from_labels);
  g_test_add_func ("/engine/measure/metrics/confusion/bad-index", test_confusion_bad_index);
  g_test_add_func ("/engine/measure/metrics/single-label/three-class",
                   test_single_label_three_class);
  g_test_add_func ("/engine/measure/metrics/single-label/never-predicted",
                   test_single_label_never_predicted);
  g_test_add_func ("/engine/measure/metrics/single-label/absent-class",
                   test_single_label_absent_class);
  g_test_add_func ("/engine/measure/metrics/single-label/predicted-not-present",
                   test_single_label_predicted_not_present);
  g_test_add_func ("/engine/measure/metrics/single-label/empty", test_single_label_empty);
  g_test_add_func ("/engine/measure/metrics/auroc/ties", test_auroc_ties);
  g_test_add_func ("/engine/measure/metrics/auroc/perfect-and-inverted",
                   test_auroc_perfect_and_inverted);
  g_test_add_func ("/engine/measure/metrics/auroc/undefined", test_auroc_undefined);
  g_test_add_func ("/engine/measure/metrics/average-precision/interleaved",
                   test_average_precision_interleaved);
  g_test_add_func ("/engine/measure/metrics/average-precision/ties", test_average_precision_ties);
  g_test_add_func ("/engine/measure/metrics/average-precision/perfect-and-inverted",
                   test_average_precision_perfect_and_inverted);
  g_test_add_func ("/engine/measure/metrics/multi-label/hand", test_multi_label_hand);
  g_test_add_func ("/engine/measure/metrics/multi-label/nan-score", test_multi_label_nan_score);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-f1-deterministic",
                   test_bootstrap_macro_f1_deterministic);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-f1-perfect",
                   test_bootstrap_macro_f1_perfect);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-f1-two-samples",
                   test_bootstrap_macro_f1_two_samples);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-f1-one-resample",
                   test_bootstrap_macro_f1_one_resample);
  g_test_add_func ("/engine/measure/metrics/bootstrap/percentiles", test_bootstrap_percentiles);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-auroc-deterministic",
                   test_bootstrap_macro_auroc_deterministic);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-auroc-perfect",
                   test_bootstrap_macro_auroc_perfect);
  g_test_add_func ("/engine/measure/metrics/bootstrap/macro-auroc-one-resample",
                   test_bootstrap_macro_auroc_one_resample);
  g_test_add_func ("/engine/measure/metrics/bootstrap/bad-settings", test_bootstrap_bad_settings);

  return g_test_run ();
}
