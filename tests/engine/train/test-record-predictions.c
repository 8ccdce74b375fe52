/* Tests of per-record beat predictions: every beat labelled, the confusion of `ecgwb evaluate`,
 * model comparison, detected beats, edge beats, CSV. */
#include <math.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "signal/ecg-qrs-detector.h"
#include "test-util.h"
#include "train/ecg-data.h"
#include "train/ecg-evaluation.h"
#include "train/ecg-record-predictions.h"

/* data/demo/README: demo1 holds 334 N, 15 S and 16 V beats (ECGSYN, seed 1). */
#define DEMO1_N 334
#define DEMO1_S 15
#define DEMO1_V 16
#define DEMO1_BEATS (DEMO1_N + DEMO1_S + DEMO1_V)

static EcgModelFile *
load_demo_model (void)
{
  g_autofree char *path = g_build_filename (ECG_SOURCE_DATA_DIR, "models",
                                            "CNN1D_3Class-demo.ecgm", NULL);
  g_autoptr (GError) error = NULL;
  EcgModelFile *file = ecg_model_file_load (path, &error);
  g_assert_no_error (error);
  return file;
}

static EcgRecord *
load_demo_record (const char *name, EcgRecordLoadFlags flags)
{
  g_autofree char *path = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", name, NULL);
  g_autoptr (GError) error = NULL;
  EcgRecord *record = ecg_record_load (path, flags, &error);
  g_assert_no_error (error);
  return record;
}

/* The confusion matrix `ecgwb evaluate --model M --data DIR --records NAME` computes: the same
 * calls as app/ecgwb-evaluate.c. */
static EcgConfusion *
evaluate_confusion (EcgModelFile *file, const char *dir, const char *name)
{
  const char *const records[] = { name, NULL };
  EcgDataSpec spec = { ECG_DATASET_MITBIH, file->model->input_length, file->samples_before,
                       file->class_map, file->model->rr_features > 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgExamples) examples = ecg_data_load_records (dir, records, &spec, NULL, &error);
  g_assert_no_error (error);
  ecg_examples_apply_normalisation (examples, file->norm);
  g_autoptr (EcgEvaluation) evaluation
    = ecg_evaluate (file->model, examples, (const char *const *) file->classes, 1, 1, NULL,
                    &error);
  g_assert_no_error (error);
  EcgConfusion *copy = ecg_confusion_new (evaluation->confusion->n_classes);
  memcpy (copy->counts, evaluation->confusion->counts,
          (gsize) (copy->n_classes * copy->n_classes) * sizeof (gint64));
  return copy;
}

static void
assert_same_confusion (const EcgConfusion *a, const EcgConfusion *b)
{
  g_assert_cmpint (a->n_classes, ==, b->n_classes);
  for (int r = 0; r < a->n_classes; r++)
    for (int c = 0; c < a->n_classes; c++)
      g_assert_cmpint (ecg_confusion_get (a, r, c), ==, ecg_confusion_get (b, r, c));
}

static void
test_demo_record (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo1", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (p->n_beats, ==, DEMO1_BEATS);
  g_assert_false (p->detected);
  g_assert_cmpint (p->n_classes, ==, 3);
  g_assert_cmpstr (p->classes[0], ==, "N");
  g_assert_cmpstr (p->classes[2], ==, "V");
  g_assert_cmpstr (p->record_name, ==, "demo1");
  g_assert_cmpfloat (p->fs, ==, 360.0);

  /* Reference classes per class as the README counts them; beats in time order; every window
   * fits (the first beat lies after 90 samples, the last before the end - 166). */
  gsize per_class[3] = { 0 };
  for (gsize i = 0; i < p->n_beats; i++)
    {
      g_assert_cmpint (p->reference[i], >=, 0);
      per_class[p->reference[i]]++;
      if (i > 0)
        g_assert_cmpint (p->samples[i], >, p->samples[i - 1]);
      g_assert_cmpint (p->predicted[i], >=, 0);
      double sum = 0;
      for (int c = 0; c < 3; c++)
        sum += p->scores[i * 3 + (gsize) c];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      float top;
      g_assert_cmpint (ecg_record_predictions_top (p, i, &top), ==, p->predicted[i]);
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat (top, >=, p->scores[i * 3 + (gsize) c]);
    }
  g_assert_cmpuint (per_class[0], ==, DEMO1_N);
  g_assert_cmpuint (per_class[1], ==, DEMO1_S);
  g_assert_cmpuint (per_class[2], ==, DEMO1_V);

  /* The confusion holds every beat; its row sums are the reference counts; the errors are
   * its off-diagonal cells. */
  g_autoptr (EcgConfusion) confusion = ecg_record_predictions_confusion (p);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, DEMO1_BEATS);
  gint64 rows[3] = { 0 }, diagonal = 0;
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      {
        rows[r] += ecg_confusion_get (confusion, r, c);
        if (r == c)
          diagonal += ecg_confusion_get (confusion, r, c);
      }
  g_assert_cmpint (rows[0], ==, DEMO1_N);
  g_assert_cmpint (rows[1], ==, DEMO1_S);
  g_assert_cmpint (rows[2], ==, DEMO1_V);
  g_assert_cmpuint (ecg_record_predictions_count_errors (p), ==,
                    (gsize) (DEMO1_BEATS - diagonal));
  g_test_message ("demo1: %" G_GINT64_FORMAT " of %d beats right", diagonal, DEMO1_BEATS);

  /* The same matrix as `ecgwb evaluate --records demo1`. */
  g_autofree char *dir = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", NULL);
  g_autoptr (EcgConfusion) evaluated = evaluate_confusion (file, dir, "demo1");
  assert_same_confusion (confusion, evaluated);
}

static void
test_compare (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo3", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) a
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);

  /* A model compared with itself changes nothing (two threads: the split of the work does
   * not change a prediction). */
  g_autoptr (EcgRecordPredictions) same
    = ecg_record_predictions_compute (file, record, 2, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) none = ecg_record_predictions_compare (a, same, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  /* A model whose output bias for V is raised by 100 calls every beat V (softmax saturates):
   * exactly the beats the demo model did not call V change. */
  g_autoptr (EcgModelFile) biased = load_demo_model ();
  EcgModel *m = biased->model;
  const EcgParamTensor *bias = NULL;
  for (guint i = 0; i < m->param_tensors->len; i++)
    {
      const EcgParamTensor *t = &g_array_index (m->param_tensors, EcgParamTensor, i);
      if (g_str_has_suffix (t->name, ".bias") && t->count == (gsize) m->n_outputs)
        bias = t;
    }
  g_assert_nonnull (bias);
  m->params[bias->offset + 2] += 100.0f;
  g_autoptr (EcgRecordPredictions) b = ecg_record_predictions_compute (biased, record, 1, NULL,
                                                                       &error);
  g_assert_no_error (error);
  gsize not_v = 0;
  for (gsize i = 0; i < a->n_beats; i++)
    {
      g_assert_cmpint (b->predicted[i], ==, 2);
      not_v += a->predicted[i] != 2;
    }
  g_autoptr (GArray) changed = ecg_record_predictions_compare (a, b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, not_v);
  g_assert_cmpuint (not_v, >, 0);
  for (guint k = 0; k < changed->len; k++)
    {
      guint i = g_array_index (changed, guint, k);
      g_assert_cmpint (a->predicted[i], !=, 2);
      if (k > 0)
        g_assert_cmpuint (i, >, g_array_index (changed, guint, k - 1));
    }

  /* Predictions of another record are not comparable. */
  g_autoptr (EcgRecord) other_record = load_demo_record ("demo1", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (EcgRecordPredictions) other
    = ecg_record_predictions_compute (file, other_record, 1, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) refused = ecg_record_predictions_compare (a, other, &error);
  g_assert_null (refused);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

/* Without annotations the detector's beats are classified, with no reference class. */
static void
test_detected_beats (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo1", ECG_RECORD_NO_ANNOTATIONS);
  g_autoptr (EcgRecord) annotated = load_demo_record ("demo1", ECG_RECORD_LOAD_DEFAULT);
  g_assert_null (record->annotations);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (p->detected);

  /* On this clean synthetic record the detector finds exactly the reference beats (EC57
   * match window), so the beat count is the README's. */
  g_autoptr (GArray) reference = ecg_qrs_reference_beats (annotated->annotations);
  EcgQrsScore score;
  ecg_qrs_score (&g_array_index (reference, gint64, 0), reference->len, p->samples, p->n_beats,
                 ecg_qrs_match_tolerance (record->fs), &score);
  g_assert_cmpint (score.true_positives, ==, DEMO1_BEATS);
  g_assert_cmpint (score.false_positives, ==, 0);
  g_assert_cmpuint (p->n_beats, ==, DEMO1_BEATS);

  for (gsize i = 0; i < p->n_beats; i++)
    {
      g_assert_cmpint (p->reference[i], ==, -1);
      g_assert_cmpint (p->codes[i], ==, 0);
    }
  g_assert_cmpuint (ecg_record_predictions_count_errors (p), ==, 0);
  g_autoptr (EcgConfusion) confusion = ecg_record_predictions_confusion (p);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, 0);
}

/* A hand-made record: a beat too close to the start, one of a code outside N/S/V (F), one
 * ordinary beat, a non-beat annotation, and a beat too close to the end. */
static void
test_edges_and_other_codes (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  enum { N = 2000 };
  g_autofree float *signal = g_new0 (float, N);
  for (int t = 0; t < N; t++)
    signal[t] = (float) sin (t * 0.05) * 0.1f;
  g_autoptr (EcgAnnotationList) annotations = ecg_annotation_list_new (5);
  const gint64 samples[] = { 50, 600, 1000, 1200, 1900 };
  const guint8 codes[] = { ECG_ANN_NORMAL, ECG_ANN_FUSION, ECG_ANN_PVC, ECG_ANN_RHYTHM,
                           ECG_ANN_NORMAL };
  for (int i = 0; i < 5; i++)
    {
      annotations->items[i].sample = samples[i];
      annotations->items[i].code = codes[i];
    }
  const char *const names[] = { "MLII" };
  const float *const leads[] = { signal };
  g_autoptr (EcgRecord) record
    = ecg_record_new_from_samples ("edges", 360.0, N, 1, names, leads, 200.0, annotations);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);

  /* 50 - 90 < 0 and 1900 + 166 > 2000: neither window fits. */
  g_assert_cmpuint (p->n_beats, ==, 4);
  const gint64 expected_samples[] = { 50, 600, 1000, 1900 };
  const int expected_reference[] = { 0, -1, 2, 0 };
  const gboolean expected_predicted[] = { FALSE, TRUE, TRUE, FALSE };
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpint (p->samples[i], ==, expected_samples[i]);
      g_assert_cmpint (p->reference[i], ==, expected_reference[i]);
      g_assert_cmpint (p->predicted[i] >= 0, ==, expected_predicted[i]);
      g_assert_false (ecg_record_predictions_is_error (p, (gsize) i)
                      && !expected_predicted[i]);
    }
  g_assert_cmpint (p->codes[1], ==, ECG_ANN_FUSION);
  float top = -1;
  g_assert_cmpint (ecg_record_predictions_top (p, 0, &top), ==, -1);
  g_assert_cmpfloat (top, ==, 0.0f);
  /* Only the V beat has both a reference and a prediction. */
  g_autoptr (EcgConfusion) confusion = ecg_record_predictions_confusion (p);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, 1);
  g_assert_cmpint (ecg_confusion_get (confusion, 2, 0) + ecg_confusion_get (confusion, 2, 1)
                     + ecg_confusion_get (confusion, 2, 2),
                   ==, 1);
}

static void
test_csv (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo2", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "beats.csv", NULL);

  /* Every beat: demo2 holds 415 + 35 + 3 beats. */
  g_assert_true (ecg_record_predictions_write_csv (p, NULL, NULL, 0, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "record,sample,time_s,reference,predicted,top_score,score_N,score_S,score_V");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 453 + 1); /* header, rows, "" after the
                                                                last newline */
  /* The first row: its sample and time agree, its scores sum to 1. */
  g_auto (GStrv) fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 9);
  g_assert_cmpstr (fields[0], ==, "demo2");
  g_assert_cmpint (g_ascii_strtoll (fields[1], NULL, 10), ==, p->samples[0]);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fields[2], NULL), p->samples[0] / 360.0,
                                  5e-4);
  g_assert_cmpstr (fields[3], ==, p->classes[p->reference[0]]);
  g_assert_cmpstr (fields[4], ==, p->classes[p->predicted[0]]);
  double sum = g_ascii_strtod (fields[6], NULL) + g_ascii_strtod (fields[7], NULL)
               + g_ascii_strtod (fields[8], NULL);
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);

  /* Two chosen beats with a second model's columns. */
  const guint beats[] = { 3, 7 };
  g_assert_true (ecg_record_predictions_write_csv (p, p, beats, 2, path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) two = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (two), ==, 4);
  g_assert_true (g_str_has_suffix (two[0], ",other_predicted,other_top_score"));
  g_autofree char *sample = g_strdup_printf ("demo2,%" G_GINT64_FORMAT ",", p->samples[7]);
  g_assert_true (g_str_has_prefix (two[2], sample));

  /* A beat index beyond the record is refused. */
  const guint bad[] = { 453 };
  g_assert_false (ecg_record_predictions_write_csv (p, NULL, bad, 1, path, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_cancelled (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo1", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, cancellable, &error);
  g_assert_null (p);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
}

static void
test_copy (void)
{
  g_autoptr (EcgModelFile) file = load_demo_model ();
  g_autoptr (EcgRecord) record = load_demo_record ("demo3", ECG_RECORD_LOAD_DEFAULT);
  g_autoptr (EcgRecordPredictions) p = ecg_record_predictions_compute (file, record, 1, NULL,
                                                                       NULL);
  g_autoptr (EcgRecordPredictions) copy = ecg_record_predictions_copy (p);
  g_assert_cmpuint (copy->n_beats, ==, 289 + 3 + 29);
  g_assert_cmpmem (copy->scores, copy->n_beats * 3 * sizeof (float), p->scores,
                   p->n_beats * 3 * sizeof (float));
  g_assert_cmpmem (copy->reference, copy->n_beats * sizeof (gint32), p->reference,
                   p->n_beats * sizeof (gint32));
  g_assert_cmpstr (copy->model_name, ==, "CNN1D_3Class");
}

/* MIT-BIH record 208 holds F and Q beats besides N, S and V: they are listed without a
 * reference class, and the N/S/V confusion is `ecgwb evaluate`'s. */
static void
test_mitbih_208 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *model_path = g_build_filename (ECG_SOURCE_DATA_DIR, "models",
                                                  "CNN1D_3Class-mitdb-ds1.ecgm", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, &error);
  g_assert_no_error (error);
  g_autofree char *record_path = g_build_filename (dir, "208", NULL);
  g_autoptr (EcgRecord) record = ecg_record_load (record_path, ECG_RECORD_LOAD_DEFAULT, &error);
  g_assert_no_error (error);
  g_autoptr (EcgRecordPredictions) p
    = ecg_record_predictions_compute (file, record, 1, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (p->n_beats, ==, ecg_annotation_list_count_beats (record->annotations));
  gsize no_class = 0;
  for (gsize i = 0; i < p->n_beats; i++)
    no_class += p->reference[i] < 0;
  /* 208's reference: 373 F beats and 2 Q beats (MIT-BIH directory of records). */
  g_assert_cmpuint (no_class, ==, 373 + 2);
  g_autoptr (EcgConfusion) confusion = ecg_record_predictions_confusion (p);
  g_autoptr (EcgConfusion) evaluated = evaluate_confusion (file, dir, "208");
  assert_same_confusion (confusion, evaluated);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/train/record-predictions/demo1", test_demo_record);
  g_test_add_func ("/engine/train/record-predictions/compare", test_compare);
  g_test_add_func ("/engine/train/record-predictions/detected-beats", test_detected_beats);
  g_test_add_func ("/engine/train/record-predictions/edges-and-other-codes",
                   test_edges_and_other_codes);
  g_test_add_func ("/engine/train/record-predictions/csv", test_csv);
  g_test_add_func ("/engine/train/record-predictions/cancelled", test_cancelled);
  g_test_add_func ("/engine/train/record-predictions/copy", test_copy);
  g_test_add_func ("/engine/train/record-predictions/mitbih-208", test_mitbih_208);
  return g_test_run ();
}
