/* Tests of ecg_examples_subsample(): the size, the order, the rows that travel together, the
 * seed, and an even chance for every example. */
#include <stdlib.h>
#include <string.h>

#include "test-util.h"
#include "train/ecg-examples.h"

#define N 10
#define LENGTH 4

/* Example i: window (i, -i, i, -i) — mean 0, so demeaning keeps it — and label i % 3. */
static EcgExamples *
numbered_examples (gboolean multi_label)
{
  float inputs[N * LENGTH];
  gint32 labels[N];
  float targets[N * 2];
  for (int i = 0; i < N; i++)
    {
      for (int t = 0; t < LENGTH; t++)
        inputs[i * LENGTH + t] = (float) (t % 2 ? -i : i);
      labels[i] = i % 3;
      targets[2 * i] = (float) (i % 2);
      targets[2 * i + 1] = (float) (i >= 5);
    }
  EcgExamples *e = multi_label
                     ? ecg_examples_new_from_arrays (N, 1, LENGTH, inputs, 2, NULL, targets)
                     : ecg_examples_new_from_arrays (N, 1, LENGTH, inputs, 3, labels, NULL);
  for (int i = 0; i < N; i++)
    {
      e->record_of[i] = (guint32) (i / 5);
      e->sample_of[i] = 1000 + i;
    }
  return e;
}

/* The original index of subset example k (read off its window). */
static int
index_of (const EcgExamples *s, gsize k)
{
  return (int) s->inputs[k * LENGTH];
}

static void
test_subset_rows (void)
{
  g_autoptr (EcgExamples) e = numbered_examples (FALSE);
  g_autoptr (EcgExamples) s = ecg_examples_subsample (e, 4, 7);
  g_assert_cmpuint (s->n, ==, 4);
  g_assert_cmpint (s->n_classes, ==, 3);
  g_assert_false (s->multi_label);
  int previous = -1;
  for (gsize k = 0; k < s->n; k++)
    {
      int i = index_of (s, k);
      /* Kept in the original order, each example whole. */
      g_assert_cmpint (i, >, previous);
      previous = i;
      for (int t = 0; t < LENGTH; t++)
        g_assert_cmpfloat (s->inputs[k * LENGTH + t], ==, (float) (t % 2 ? -i : i));
      g_assert_cmpint (s->labels[k], ==, i % 3);
      g_assert_cmpuint (s->record_of[k], ==, (guint32) (i / 5));
      g_assert_cmpint (s->sample_of[k], ==, 1000 + i);
    }
  /* The same seed draws the same subset. */
  g_autoptr (EcgExamples) again = ecg_examples_subsample (e, 4, 7);
  g_assert_cmpmem (again->inputs, 4 * LENGTH * sizeof (float), s->inputs,
                   4 * LENGTH * sizeof (float));
  /* Another seed a different one, for some seed out of twenty. */
  gboolean differs = FALSE;
  for (guint64 seed = 8; seed < 28 && !differs; seed++)
    {
      g_autoptr (EcgExamples) other = ecg_examples_subsample (e, 4, seed);
      differs = memcmp (other->inputs, s->inputs, 4 * LENGTH * sizeof (float)) != 0;
    }
  g_assert_true (differs);
}

static void
test_subset_multi_label (void)
{
  g_autoptr (EcgExamples) e = numbered_examples (TRUE);
  g_autoptr (EcgExamples) s = ecg_examples_subsample (e, 3, 1);
  g_assert_cmpuint (s->n, ==, 3);
  g_assert_true (s->multi_label);
  g_assert_null (s->labels);
  for (gsize k = 0; k < s->n; k++)
    {
      int i = index_of (s, k);
      g_assert_cmpfloat (s->targets[2 * k], ==, (float) (i % 2));
      g_assert_cmpfloat (s->targets[2 * k + 1], ==, (float) (i >= 5));
    }
}

/* n = 0 and n >= N keep every example. */
static void
test_subset_all (void)
{
  g_autoptr (EcgExamples) e = numbered_examples (FALSE);
  for (gsize n = 0; n <= 20; n += 10)
    {
      g_autoptr (EcgExamples) s = ecg_examples_subsample (e, n, 3);
      g_assert_cmpuint (s->n, ==, N);
      g_assert_cmpmem (s->inputs, N * LENGTH * sizeof (float), e->inputs,
                       N * LENGTH * sizeof (float));
    }
}

/* Over 4000 seeds each of the 10 examples is drawn with probability 4/10: the count's sd is
 * sqrt(4000 * 0.4 * 0.6) = 31, so +-160 (5 sd) holds unless the draw is biased. */
static void
test_subset_uniform (void)
{
  g_autoptr (EcgExamples) e = numbered_examples (FALSE);
  int counts[N] = { 0 };
  for (guint64 seed = 0; seed < 4000; seed++)
    {
      g_autoptr (EcgExamples) s = ecg_examples_subsample (e, 4, seed * 2654435761u);
      g_assert_cmpuint (s->n, ==, 4);
      for (gsize k = 0; k < s->n; k++)
        counts[index_of (s, k)]++;
    }
  for (int i = 0; i < N; i++)
    g_assert_cmpint (abs (counts[i] - 1600), <=, 160);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/train/examples/subsample-rows", test_subset_rows);
  g_test_add_func ("/engine/train/examples/subsample-multi-label", test_subset_multi_label);
  g_test_add_func ("/engine/train/examples/subsample-all", test_subset_all);
  g_test_add_func ("/engine/train/examples/subsample-uniform", test_subset_uniform);
  return g_test_run ();
}
