/* test-record-set.c — PTB-XL record sets: a synthetic database tree (lead order, labels, folds,
 * statistics, errors) and the staged 500-record subset (counts, labels, samples, statistics). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "dataset/ecg-record-set.h"
#include "ecg-error.h"
#include "io/ecg-record.h"
#include "test-util.h"

/* -------------------------------------------------------------------------------------------- */
/* Synthetic tree                                                                               */

static const char statements_csv[]
    = ",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
      "NORM,normal ECG,1.0,,,NORM,NORM\n"
      "IMI,inferior myocardial infarction,1.0,,,MI,IMI\n"
      "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\n"
      "SR,sinus rhythm,,,1.0,,\n"
      "AFIB,atrial fibrillation,,,1.0,,\n";

/* ecg_id 1: NORM, fold 3. ecg_id 2: MI + HYP, fold 10. ecg_id 3: a rhythm only (no superclass),
 * fold 9, and no record files: it must be dropped before anything is read. */
static const char database_csv[]
    = "ecg_id,patient_id,scp_codes,strat_fold,filename_lr,filename_hr\n"
      "1,100.0,\"{'NORM': 100.0, 'SR': 0.0}\",3,records100/00000/00001_lr,"
      "records500/00000/00001_hr\n"
      "2,200.0,\"{'IMI': 50.0, 'LVH': 100.0}\",10,records100/00000/00002_lr,"
      "records500/00000/00002_hr\n"
      "3,300.0,\"{'AFIB': 100.0}\",9,records100/00000/00003_lr,records500/00000/00003_hr\n";

/* Sample t of the set's lead l (its index in ecg_record_set_lead_name order) of record r (0 for
 * ecg_id 1, 1 for ecg_id 2): r + 0.01 l ± 0.5 (- at even t). All are multiples of 1/1000 mV, so
 * they survive the gain-1000 quantisation exactly. Over both records, lead l takes the values
 * 0.01 l + {-0.5, 0.5, 0.5, 1.5} equally often: mean 0.5 + 0.01 l, variance
 * (1 + 0 + 0 + 1) / 4 = 0.5. */
static float
synthetic_value (int r, int l, int t)
{
  return (float) (r + 0.01 * l + (t % 2 ? 0.5 : -0.5));
}

/* Writes record r (0 or 1) as records100/00000/0000{r+1}_lr with its leads in reverse order
 * and "aVR"-style names, so only a lookup by name (ignoring case) gets the order right.
 * `skip_lead` (a set lead index, or -1) is left out; fs and n_samples can be made wrong. */
static void
write_synthetic_record (const char *root, int r, int skip_lead, double fs, int n_samples)
{
  static const char *const header_names[ECG_RECORD_SET_N_LEADS] = {
    "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
  };
  const char *names[ECG_RECORD_SET_N_LEADS];
  float *leads[ECG_RECORD_SET_N_LEADS];
  int n_leads = 0;
  for (int l = ECG_RECORD_SET_N_LEADS - 1; l >= 0; l--)
    {
      if (l == skip_lead)
        continue;
      names[n_leads] = header_names[l];
      leads[n_leads] = g_new (float, n_samples);
      for (int t = 0; t < n_samples; t++)
        leads[n_leads][t] = synthetic_value (r, l, t);
      n_leads++;
    }
  g_autofree char *name = g_strdup_printf ("%05d_lr", r + 1);
  g_autoptr (EcgRecord) record
      = ecg_record_new_from_samples (name, fs, n_samples, n_leads, names,
                                     (const float *const *) leads, 1000.0, NULL);
  g_autofree char *dir = g_build_filename (root, "records100", "00000", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (record, dir, 16, &error));
  g_assert_no_error (error);
  for (int i = 0; i < n_leads; i++)
    g_free (leads[i]);
}

static char *
synthetic_tree_new (void)
{
  char *root = ecg_test_tmpdir_new ();
  g_free (ecg_test_write_file (root, "scp_statements.csv", statements_csv, -1));
  g_free (ecg_test_write_file (root, "ptbxl_database.csv", database_csv, -1));
  write_synthetic_record (root, 0, -1, 100.0, 1000);
  write_synthetic_record (root, 1, -1, 100.0, 1000);
  return root;
}

static void
test_synthetic_load (void)
{
  char *root = synthetic_tree_new ();
  const int all_folds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordSet) set
      = ecg_record_set_load_ptbxl (root, all_folds, G_N_ELEMENTS (all_folds), NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (set->n_records, ==, 2);
  g_assert_cmpuint (set->n_unlabelled, ==, 1); /* ecg_id 3 */
  g_assert_cmpuint (set->n_unlabelled_per_fold[9], ==, 1);
  g_assert_cmpuint (set->n_missing_samples, ==, 0);
  g_assert_cmpint (set->ecg_ids[0], ==, 1);
  g_assert_cmpint (set->ecg_ids[1], ==, 2);
  g_assert_cmpint (set->folds[0], ==, 3);
  g_assert_cmpint (set->folds[1], ==, 10);

  const float norm[ECG_PTBXL_N_CLASSES] = { 0, 0, 0, 1, 0 };
  const float mi_hyp[ECG_PTBXL_N_CLASSES] = { 0, 1, 1, 0, 0 };
  g_assert_cmpmem (set->labels, sizeof norm, norm, sizeof norm);
  g_assert_cmpmem (set->labels + ECG_PTBXL_N_CLASSES, sizeof mi_hyp, mi_hyp, sizeof mi_hyp);
  g_assert_cmpuint (set->label_masks[0], ==, ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_NORM));
  g_assert_cmpuint (set->label_masks[1], ==,
                    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_MI)
                        | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_HYP));

  for (int r = 0; r < 2; r++)
    for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
      for (int t = 0; t < ECG_RECORD_SET_N_SAMPLES; t++)
        g_assert_cmpfloat_with_epsilon (
            set->signals[((gsize) r * ECG_RECORD_SET_N_LEADS + l) * ECG_RECORD_SET_N_SAMPLES + t],
            synthetic_value (r, l, t), 1e-6);

  gsize counts[ECG_PTBXL_N_CLASSES];
  ecg_record_set_count_labels (set, counts);
  const gsize expected_counts[ECG_PTBXL_N_CLASSES] = { 0, 1, 1, 1, 0 };
  g_assert_cmpmem (counts, sizeof counts, expected_counts, sizeof expected_counts);

  /* Only fold 9 chosen: its one record is unlabelled, so the set is empty. */
  const int fold_9[] = { 9 };
  g_autoptr (EcgRecordSet) empty = ecg_record_set_load_ptbxl (root, fold_9, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->n_records, ==, 0);
  g_assert_cmpuint (empty->n_unlabelled, ==, 1);
  double mean[ECG_RECORD_SET_N_LEADS], std[ECG_RECORD_SET_N_LEADS];
  g_assert_false (ecg_record_set_channel_stats (empty, mean, std, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  ecg_test_tmpdir_free (root);
}

static void
test_synthetic_subset (void)
{
  char *root = synthetic_tree_new ();
  const int folds[] = { 3, 10, 10 }; /* repeats allowed */
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordSet) set = ecg_record_set_load_ptbxl (root, folds, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->n_records, ==, 2);
  g_assert_cmpuint (set->n_unlabelled, ==, 0); /* ecg_id 3 is in fold 9, not chosen */

  const int test_fold[] = { 10 };
  g_autoptr (EcgRecordSet) test = ecg_record_set_subset_folds (set, test_fold, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test->n_records, ==, 1);
  g_assert_cmpuint (test->n_unlabelled, ==, 0);
  g_assert_cmpint (test->ecg_ids[0], ==, 2);
  g_assert_cmpint (test->folds[0], ==, 10);
  g_assert_cmpuint (test->label_masks[0], ==, set->label_masks[1]);
  g_assert_cmpmem (test->labels, ECG_PTBXL_N_CLASSES * sizeof (float),
                   set->labels + ECG_PTBXL_N_CLASSES, ECG_PTBXL_N_CLASSES * sizeof (float));
  g_assert_cmpmem (test->signals, ECG_RECORD_SET_RECORD_SIZE * sizeof (float),
                   set->signals + ECG_RECORD_SET_RECORD_SIZE,
                   ECG_RECORD_SET_RECORD_SIZE * sizeof (float));

  const int train_folds[] = { 1, 2, 4, 5, 6, 7, 8 };
  g_autoptr (EcgRecordSet) none = ecg_record_set_subset_folds (set, train_folds, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->n_records, ==, 0);

  const int bad_fold[] = { 0 };
  g_assert_null (ecg_record_set_subset_folds (set, bad_fold, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  ecg_test_tmpdir_free (root);
}

static void
test_synthetic_stats_and_normalise (void)
{
  char *root = synthetic_tree_new ();
  const int folds[] = { 3, 10 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordSet) set = ecg_record_set_load_ptbxl (root, folds, 2, NULL, &error);
  g_assert_no_error (error);

  double mean[ECG_RECORD_SET_N_LEADS], std[ECG_RECORD_SET_N_LEADS];
  g_assert_true (ecg_record_set_channel_stats (set, mean, std, &error));
  g_assert_no_error (error);
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    {
      /* See synthetic_value(): mean 0.5 + 0.01 l, std sqrt (0.5). */
      g_assert_cmpfloat_with_epsilon (mean[l], 0.5 + 0.01 * l, 1e-6);
      g_assert_cmpfloat_with_epsilon (std[l], sqrt (0.5), 1e-6);
    }

  double zero_std[ECG_RECORD_SET_N_LEADS];
  memcpy (zero_std, std, sizeof zero_std);
  zero_std[ECG_RECORD_SET_N_LEADS - 1] = 0.0;
  float first = set->signals[0];
  g_assert_false (ecg_record_set_normalise (set, mean, zero_std, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, "V6"));
  g_clear_error (&error);
  g_assert_cmpfloat (set->signals[0], ==, first); /* untouched */

  g_assert_true (ecg_record_set_normalise (set, mean, std, &error));
  g_assert_no_error (error);
  /* Record 0, lead I, t = 0 was -0.5: (-0.5 - 0.5) / sqrt (0.5) = -sqrt (2). */
  g_assert_cmpfloat_with_epsilon (set->signals[0], -sqrt (2.0), 1e-6);
  double mean_after[ECG_RECORD_SET_N_LEADS], std_after[ECG_RECORD_SET_N_LEADS];
  g_assert_true (ecg_record_set_channel_stats (set, mean_after, std_after, &error));
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    {
      g_assert_cmpfloat_with_epsilon (mean_after[l], 0.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (std_after[l], 1.0, 1e-6);
    }
  ecg_test_tmpdir_free (root);
}

static void
check_load_error (const char *root, int code, const char *const *fragments)
{
  const int all_folds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecordSet) set = ecg_record_set_load_ptbxl (root, all_folds, 10, NULL, &error);
  g_assert_null (set);
  g_assert_error (error, ECG_ERROR, code);
  for (gsize i = 0; fragments[i] != NULL; i++)
    if (strstr (error->message, fragments[i]) == NULL)
      g_error ("error message \"%s\" lacks \"%s\"", error->message, fragments[i]);
}

static void
test_synthetic_errors (void)
{
  char *root = synthetic_tree_new ();

  /* Record 2 without lead V6. */
  write_synthetic_record (root, 1, 11, 100.0, 1000);
  check_load_error (root, ECG_ERROR_NOT_FOUND,
                    (const char *const[]) { "records100/00000/00002_lr", "ecg_id 2", "no lead V6",
                                            NULL });
  /* Record 2 at 500 Hz. */
  write_synthetic_record (root, 1, -1, 500.0, 1000);
  check_load_error (root, ECG_ERROR_FORMAT,
                    (const char *const[]) { "ecg_id 2", "500 Hz", NULL });
  /* Record 2 one sample short. */
  write_synthetic_record (root, 1, -1, 100.0, 999);
  check_load_error (root, ECG_ERROR_FORMAT,
                    (const char *const[]) { "ecg_id 2", "999 samples", NULL });
  /* Record 1's signal file gone. */
  write_synthetic_record (root, 1, -1, 100.0, 1000);
  g_autofree char *dat = g_build_filename (root, "records100", "00000", "00001_lr.dat", NULL);
  g_assert_cmpint (g_unlink (dat), ==, 0);
  check_load_error (root, ECG_ERROR_IO,
                    (const char *const[]) { "records100/00000/00001_lr", "ecg_id 1", NULL });

  /* Folds outside 1..10, or none. */
  g_autoptr (GError) error = NULL;
  const int fold_11[] = { 1, 11 };
  g_assert_null (ecg_record_set_load_ptbxl (root, fold_11, 2, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ecg_record_set_load_ptbxl (root, fold_11, 0, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  /* Cancelled before the first record. */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  const int fold_3[] = { 3 };
  g_assert_null (ecg_record_set_load_ptbxl (root, fold_3, 1, cancellable, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
  g_clear_error (&error);

  ecg_test_tmpdir_free (root);
}

/* -------------------------------------------------------------------------------------------- */
/* The staged PTB-XL subset (ecg_id 1-500)                                                      */

/* ecg_ids of the staged subset whose scp_codes give no superclass (AFLT and PACE are rhythm /
 * form statements only). */
static const int unlabelled_ids[] = { 17, 18, 20, 23, 34, 143, 144, 190, 382, 385, 449, 498 };

static EcgRecordSet *
load_all_folds (const char *dir)
{
  const int all_folds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  EcgRecordSet *set = ecg_record_set_load_ptbxl (dir, all_folds, 10, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("loaded %" G_GSIZE_FORMAT " records in %.3f s", set->n_records,
                  (double) (g_get_monotonic_time () - start) / 1e6);
  return set;
}

static void
test_ptbxl_counts (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (EcgRecordSet) set = load_all_folds (dir);

  g_assert_cmpuint (set->n_records, ==, 488);
  g_assert_cmpuint (set->n_unlabelled, ==, 12);
  g_assert_cmpuint (set->n_missing_samples, ==, 0);
  for (gsize i = 0; i < set->n_records; i++)
    {
      g_assert_cmpuint (set->label_masks[i], !=, 0);
      for (gsize u = 0; u < G_N_ELEMENTS (unlabelled_ids); u++)
        g_assert_cmpint (set->ecg_ids[i], !=, unlabelled_ids[u]);
      if (i > 0)
        g_assert_cmpint (set->ecg_ids[i], >, set->ecg_ids[i - 1]); /* file order */
    }

  /* Per fold: the staged README's fold sizes (58, 51, 34, 42, 47, 33, 44, 44, 81, 66) minus the
   * unlabelled records of each fold, read off ptbxl_database.csv by hand: fold 1 has ecg_id 385,
   * fold 9 has 17, 18, 20, 23, 34, 143, 144, 190, 498, fold 10 has 382, 449. */
  const gsize expected_per_fold[ECG_RECORD_SET_N_FOLDS + 1]
      = { 0, 58 - 1, 51, 34, 42, 47, 33, 44, 44, 81 - 9, 66 - 2 };
  gsize per_fold[ECG_RECORD_SET_N_FOLDS + 1] = { 0 };
  for (gsize i = 0; i < set->n_records; i++)
    per_fold[set->folds[i]]++;
  g_assert_cmpmem (per_fold, sizeof per_fold, expected_per_fold, sizeof expected_per_fold);
  const gsize expected_unlabelled[ECG_RECORD_SET_N_FOLDS + 1] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 2 };
  g_assert_cmpmem (set->n_unlabelled_per_fold, sizeof set->n_unlabelled_per_fold,
                   expected_unlabelled, sizeof expected_unlabelled);

  /* Positives per class, as measured for the PTB-XL tables (and again by an independent
   * Python csv + ast.literal_eval pass over the two CSV files). */
  gsize counts[ECG_PTBXL_N_CLASSES];
  ecg_record_set_count_labels (set, counts);
  g_assert_cmpuint (counts[ECG_PTBXL_CLASS_CD], ==, 78);
  g_assert_cmpuint (counts[ECG_PTBXL_CLASS_HYP], ==, 40);
  g_assert_cmpuint (counts[ECG_PTBXL_CLASS_MI], ==, 73);
  g_assert_cmpuint (counts[ECG_PTBXL_CLASS_NORM], ==, 297);
  g_assert_cmpuint (counts[ECG_PTBXL_CLASS_STTC], ==, 96);
  /* The float labels agree with the masks. */
  double label_sum[ECG_PTBXL_N_CLASSES] = { 0 };
  for (gsize i = 0; i < set->n_records; i++)
    for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
      label_sum[c] += set->labels[i * ECG_PTBXL_N_CLASSES + c];
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    g_assert_cmpfloat (label_sum[c], ==, (double) counts[c]);
}

static void
test_ptbxl_record_00001 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (EcgRecordSet) set = load_all_folds (dir);

  g_assert_cmpint (set->ecg_ids[0], ==, 1);
  g_assert_cmpint (set->folds[0], ==, 3);
  const float norm[ECG_PTBXL_N_CLASSES] = { 0, 0, 0, 1, 0 };
  g_assert_cmpmem (set->labels, sizeof norm, norm, sizeof norm);

  /* The first frame: the initial values of 00001_lr.hea (field 6 of each signal line, gain 1000
   * ADC units per mV, baseline 0), in the header's lead order I, II, ..., V6. */
  const int initial_values[ECG_RECORD_SET_N_LEADS]
      = { -119, -55, 64, 86, -91, 4, -69, -31, 0, -26, -39, -79 };
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    g_assert_cmpfloat (set->signals[(gsize) l * ECG_RECORD_SET_N_SAMPLES], ==,
                       (float) (initial_values[l] / 1000.0));
  g_assert_cmpfloat (set->signals[0], ==, -0.119f);
  /* Second sample of lead I: bytes 24-25 of 00001_lr.dat (frame 1, signal 0) read -116. */
  g_assert_cmpfloat (set->signals[1], ==, (float) (-116 / 1000.0));
}

static void
test_ptbxl_fold_subset (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (EcgRecordSet) set = load_all_folds (dir);
  g_autoptr (GError) error = NULL;

  const int fold_9[] = { 9 };
  g_autoptr (EcgRecordSet) validation = ecg_record_set_subset_folds (set, fold_9, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (validation->n_records, ==, 72);
  g_assert_cmpuint (validation->n_unlabelled, ==, 9);

  /* The same records as loading fold 9 alone, bit for bit, and as picking fold 9 by hand. */
  g_autoptr (EcgRecordSet) loaded = ecg_record_set_load_ptbxl (dir, fold_9, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->n_records, ==, 72);
  g_assert_cmpuint (loaded->n_unlabelled, ==, 9);
  g_assert_cmpmem (validation->ecg_ids, 72 * sizeof (int), loaded->ecg_ids, 72 * sizeof (int));
  g_assert_cmpmem (validation->signals, 72 * ECG_RECORD_SET_RECORD_SIZE * sizeof (float),
                   loaded->signals, 72 * ECG_RECORD_SET_RECORD_SIZE * sizeof (float));
  g_assert_cmpmem (validation->labels, 72 * ECG_PTBXL_N_CLASSES * sizeof (float),
                   loaded->labels, 72 * ECG_PTBXL_N_CLASSES * sizeof (float));
  gsize k = 0;
  for (gsize i = 0; i < set->n_records; i++)
    if (set->folds[i] == 9)
      {
        g_assert_cmpuint (k, <, validation->n_records);
        g_assert_cmpint (validation->ecg_ids[k], ==, set->ecg_ids[i]);
        g_assert_cmpuint (validation->label_masks[k], ==, set->label_masks[i]);
        g_assert_cmpint (validation->folds[k], ==, 9);
        k++;
      }
  g_assert_cmpuint (k, ==, 72);

  /* Train / validation / test partition the set: 57+51+34+42+47+33+44+44 = 352, 72, 64. */
  const int train_folds[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const int fold_10[] = { 10 };
  g_autoptr (EcgRecordSet) train = ecg_record_set_subset_folds (set, train_folds, 8, &error);
  g_autoptr (EcgRecordSet) test = ecg_record_set_subset_folds (set, fold_10, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (train->n_records, ==, 352);
  g_assert_cmpuint (train->n_unlabelled, ==, 1);
  g_assert_cmpuint (test->n_records, ==, 64);
  g_assert_cmpuint (test->n_unlabelled, ==, 2);
}

/* Expected statistics from an independent Python pass over the 488 labelled records: the .dat
 * files decoded as little-endian int16 (format 16, 12 interleaved signals), each value divided
 * by the header's gain (1000), mean = fsum (x) / N and std = sqrt (fsum ((x - mean)²) / N) with
 * N = 488 000 per lead. */
static void
test_ptbxl_channel_stats (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (EcgRecordSet) set = load_all_folds (dir);
  g_autoptr (GError) error = NULL;
  double mean[ECG_RECORD_SET_N_LEADS], std[ECG_RECORD_SET_N_LEADS];
  g_assert_true (ecg_record_set_channel_stats (set, mean, std, &error));
  g_assert_no_error (error);
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    {
      g_assert_true (isfinite (mean[l]) && isfinite (std[l]));
      g_assert_cmpfloat (std[l], >, 0.05);
      g_assert_cmpfloat (std[l], <, 1.0);
    }
  g_assert_cmpfloat_with_epsilon (mean[0], -0.0006105635245901639, 1e-7);   /* I */
  g_assert_cmpfloat_with_epsilon (std[0], 0.14930866317350058, 1e-7);
  g_assert_cmpfloat_with_epsilon (mean[2], 0.0006081946721311477, 1e-7);    /* III */
  g_assert_cmpfloat_with_epsilon (std[3], 0.1426000252146406, 1e-7);        /* AVR */
  g_assert_cmpfloat_with_epsilon (mean[8], -0.0021352438524590163, 1e-7);   /* V3 */
  g_assert_cmpfloat_with_epsilon (std[7], 0.34246796717449185, 1e-7);       /* V2 */
  g_assert_cmpfloat_with_epsilon (std[11], 0.23566284422846157, 1e-7);      /* V6 */
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/dataset/record-set/synthetic/load", test_synthetic_load);
  g_test_add_func ("/engine/dataset/record-set/synthetic/subset", test_synthetic_subset);
  g_test_add_func ("/engine/dataset/record-set/synthetic/stats-and-normalise",
                   test_synthetic_stats_and_normalise);
  g_test_add_func ("/engine/dataset/record-set/synthetic/errors", test_synthetic_errors);
  g_test_add_func ("/engine/dataset/record-set/ptbxl/counts", test_ptbxl_counts);
  g_test_add_func ("/engine/dataset/record-set/ptbxl/record-00001", test_ptbxl_record_00001);
  g_test_add_func ("/engine/dataset/record-set/ptbxl/fold-subset", test_ptbxl_fold_subset);
  g_test_add_func ("/engine/dataset/record-set/ptbxl/channel-stats", test_ptbxl_channel_stats);
  return g_test_run ();
}
