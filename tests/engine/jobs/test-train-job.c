/* Tests of the train job on the demo records: the model file and the train run it records
 * (step 0's size and cost, curves, subset sizes, tag), cancellation leaving a cancelled run that
 * a rerun completes in place, and settings it refuses. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "jobs/ecg-train-job.h"
#include "nn/ecg-model-file.h"
#include "store/ecg-run-store.h"
#include "test-util.h"

static EcgTrainConfig *
demo_config (const char *dir)
{
  EcgTrainConfig *c = ecg_train_config_new ();
  c->arch = g_strdup ("CNN1D_3Class");
  c->data_dir = g_build_filename (g_getenv ("ECGWB_SOURCE_ROOT"), "data", "demo", NULL);
  c->train_records = g_strdup ("demo1,demo3");
  c->val_records = g_strdup ("demo2");
  c->max_train_examples = 50;
  c->max_val_examples = 40;
  c->epochs = 2;
  c->batch_size = 25;
  c->patience = 0;
  c->seed = 3;
  c->out_path = g_build_filename (dir, "dense.ecgm", NULL);
  c->store_path = g_build_filename (dir, "runs.db", NULL);
  c->tag = g_strdup ("dense");
  return c;
}

static void
count_stages (const EcgJobProgress *p, gpointer data)
{
  int *counts = data;
  if (strcmp (p->stage, "validated") == 0)
    counts[1]++;
  else if (strcmp (p->stage, "train") == 0)
    counts[0]++;
  g_assert_cmpfloat (p->fraction, >=, 0);
  g_assert_cmpfloat (p->fraction, <=, 1);
}

static void
test_train_run (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgTrainConfig) c = demo_config (dir);
  g_autoptr (GError) error = NULL;
  gint64 run_id = 0;
  int stages[2] = { 0, 0 };
  g_assert_true (ecg_train_job_run (c, 0, &run_id, count_stages, stages, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run_id, ==, 1);
  /* 50 examples in batches of 25: two batches per epoch, and one validation per epoch. */
  g_assert_cmpint (stages[0], ==, 4);
  g_assert_cmpint (stages[1], ==, 2);

  g_autoptr (EcgModelFile) file = ecg_model_file_load (c->out_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (file->info, "train_examples"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (file->info, "seed"), ==, 3);

  g_autoptr (EcgRunStore) store = ecg_run_store_open (c->store_path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->kind, ==, ECG_RUN_KIND_TRAIN);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpstr (json_object_get_string_member (run->config, "reproduce"), ==, "dense");
  g_assert_cmpstr (json_object_get_string_member (run->config, "arch"), ==, "CNN1D_3Class");
  g_assert_cmpint (json_object_get_int_member (run->config, "max_train_examples"), ==, 50);
  g_assert_cmpuint (run->steps->len, ==, 1);
  const EcgStepRecord *s = g_ptr_array_index (run->steps, 0);
  /* The published parameter count and the MACs of model-zoo-layers.txt (dense). */
  g_assert_cmpint (s->n_params, ==, 188035);
  g_assert_cmpint (s->macs, ==, 9232768);
  g_assert_cmpfloat (s->sparsity, ==, 0);
  g_assert_true (s->has_model);
  g_assert_true (isnan (s->accuracy));
  g_assert_cmpint (json_object_get_int_member (s->metrics, "train_examples"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (s->metrics, "val_examples"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (s->metrics, "epochs_run"), ==, 2);
  int losses = 0, scores = 0;
  for (guint i = 0; i < s->curve->len; i++)
    {
      const EcgCurvePoint *p = &g_array_index (s->curve, EcgCurvePoint, i);
      losses += strcmp (p->key, "train_loss") == 0;
      scores += strcmp (p->key, "val_score") == 0;
    }
  g_assert_cmpint (losses, ==, 2);
  g_assert_cmpint (scores, ==, 2);
  /* The stored model is the file's model. */
  g_autoptr (EcgModelFile) stored = ecg_run_store_load_model_file (store, run_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (stored->model->params, stored->model->n_params * sizeof (float),
                   file->model->params, file->model->n_params * sizeof (float));

  /* A finished run is not trained again. */
  g_assert_false (ecg_train_job_run (c, run_id, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Cancelled before the first batch: the run is left cancelled with no step; a rerun of that run
 * completes it in place. */
static void
test_cancel_and_rerun (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgTrainConfig) c = demo_config (dir);
  c->epochs = 1;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr (GError) error = NULL;
  /* Loaded without the cancellable, which would stop the loading itself. */
  g_autoptr (EcgTrainJob) job = ecg_train_job_prepare (c, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ecg_train_job_execute (job, 0, NULL, NULL, cancellable, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
  g_clear_error (&error);
  gint64 run_id = job->run_id;
  g_assert_cmpint (run_id, ==, 1);
  g_assert_false (g_file_test (c->out_path, G_FILE_TEST_EXISTS));
  {
    g_autoptr (EcgRunStore) store = ecg_run_store_open (c->store_path, FALSE, &error);
    g_autoptr (EcgRun) run = ecg_run_store_get_run (store, run_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_CANCELLED);
    g_assert_cmpint (run->n_steps, ==, 0);
  }
  gint64 again = 0;
  g_assert_true (ecg_train_job_run (c, run_id, &again, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, run_id);
  g_autoptr (EcgRunStore) store = ecg_run_store_open (c->store_path, FALSE, &error);
  g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  const EcgRun *run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpint (run->n_steps, ==, 1);
  g_assert_true (g_file_test (c->out_path, G_FILE_TEST_IS_REGULAR));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_refused (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (EcgTrainConfig) c = demo_config (dir);
    g_free (c->arch);
    c->arch = g_strdup ("NoSuchNet");
    g_assert_false (ecg_train_config_validate (c, &error));
    g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "NoSuchNet"));
    g_clear_error (&error);
  }
  {
    g_autoptr (EcgTrainConfig) c = demo_config (dir);
    g_free (c->arch);
    c->arch = g_strdup ("ConvTransformer");
    c->rr_features = TRUE;
    g_assert_false (ecg_train_config_validate (c, &error));
    g_assert_nonnull (strstr (error->message, "RR"));
    g_clear_error (&error);
    /* Without RR features it needs a PTB-XL folder, which the demo folder is not. */
    c->rr_features = FALSE;
    g_assert_null (ecg_train_job_prepare (c, NULL, &error));
    g_assert_nonnull (strstr (error->message, "PTB-XL"));
    g_clear_error (&error);
  }
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The subset streams of a seed differ between splits and between seeds. */
static void
test_subset_seeds (void)
{
  g_assert_cmpuint (ecg_train_subset_seed (1, 0), !=, ecg_train_subset_seed (1, 1));
  g_assert_cmpuint (ecg_train_subset_seed (1, 0), !=, ecg_train_subset_seed (2, 0));
  g_assert_cmpuint (ecg_train_subset_seed (5, 2), ==, ecg_train_subset_seed (5, 2));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/jobs/train-job/run", test_train_run);
  g_test_add_func ("/engine/jobs/train-job/cancel-and-rerun", test_cancel_and_rerun);
  g_test_add_func ("/engine/jobs/train-job/refused", test_refused);
  g_test_add_func ("/engine/jobs/train-job/subset-seeds", test_subset_seeds);
  return g_test_run ();
}
