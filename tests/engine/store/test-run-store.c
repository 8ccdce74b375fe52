/* Tests of the run store's runs and steps: creation with params, atomic step commits read back
 * exactly, models and predictions, ownership of running runs, interrupted-run detection,
 * rename / notes / delete with cascades, and the JSON of `ecgwb runs list / show`. */
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ecg-error.h"
#include "nn/ecg-zoo.h"
#include "store-fixture.h"
#include "store/ecg-store-private.h"
#include "test-util.h"

static void
test_create_and_list (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;

  g_autoptr (JsonObject) config = json_object_new ();
  json_object_set_string_member (config, "arch", "ResNet1D_Attn");
  json_object_set_string_member (config, "method", "energy");
  json_object_set_double_member (config, "alpha", 0.25);
  json_object_set_int_member (config, "beta", 3); /* an integer where a number is expected */
  json_object_set_double_member (config, "target_sparsity", 0.4);
  json_object_set_int_member (config, "steps", 5);
  json_object_set_boolean_member (config, "kd", TRUE);
  json_object_set_double_member (config, "temperature", 4.0);
  json_object_set_int_member (config, "seed", 7);
  json_object_set_string_member (config, "data", "/somewhere/mitdb"); /* not a param */
  g_autoptr (JsonObject) provenance = json_object_new ();
  json_object_set_string_member (provenance, "git", "abc1234");
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  spec.name = "energy 40 %";
  spec.config = config;
  spec.provenance = provenance;
  spec.parent_model = "dense.ecgm";
  gint64 first = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, ==, 1);

  EcgRunSpec child;
  ecg_run_spec_init (&child, ECG_RUN_KIND_QUANTISE);
  child.parent_run = first;
  child.parent_step = 5;
  gint64 second = ecg_run_store_create_run (store, &child, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, ==, 2);

  /* The params row is the config's common members, typed. */
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM params", 0), ==, 2);
  g_assert_cmpint (
      store_fixture_query_int (store,
                               "SELECT alpha = 0.25 AND beta = 3.0 AND target_sparsity = 0.4 "
                               "AND steps = 5 AND kd = 1 AND temperature = 4.0 AND seed = 7 "
                               "AND method = 'energy' AND arch = 'ResNet1D_Attn' "
                               "AND kd_weight IS NULL AND structured IS NULL "
                               "FROM params WHERE run = ?1",
                               first),
      ==, 1);

  g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  const EcgRun *a = g_ptr_array_index (runs, 0);
  const EcgRun *b = g_ptr_array_index (runs, 1);
  g_assert_cmpint (a->id, ==, first);
  g_assert_cmpint (a->kind, ==, ECG_RUN_KIND_PRUNE);
  g_assert_cmpint (a->status, ==, ECG_RUN_STATUS_QUEUED);
  g_assert_cmpstr (a->name, ==, "energy 40 %");
  g_assert_cmpstr (a->notes, ==, "");
  g_assert_cmpstr (a->parent_model, ==, "dense.ecgm");
  g_assert_cmpint (a->parent_run, ==, 0);
  g_assert_cmpint (a->parent_step, ==, -1);
  g_assert_cmpfloat (json_object_get_double_member (a->config, "alpha"), ==, 0.25);
  g_assert_cmpstr (json_object_get_string_member (a->config, "data"), ==, "/somewhere/mitdb");
  g_assert_cmpstr (json_object_get_string_member (a->provenance, "git"), ==, "abc1234");
  g_assert_null (a->started);
  g_assert_null (a->steps);
  g_assert_cmpint (a->n_steps, ==, 0);
  /* Created: ISO 8601 UTC that GLib parses back, within a minute of now. */
  g_autoptr (GDateTime) created = g_date_time_new_from_iso8601 (a->created, NULL);
  g_assert_nonnull (created);
  g_assert_cmpint (llabs (g_date_time_to_unix (created) - g_get_real_time () / G_USEC_PER_SEC), <,
                   60);
  g_assert_cmpint (b->kind, ==, ECG_RUN_KIND_QUANTISE);
  g_assert_cmpint (b->parent_run, ==, first);
  g_assert_cmpint (b->parent_step, ==, 5);
  g_assert_cmpuint (json_object_get_size (b->config), ==, 0);

  /* A param of the wrong type is refused and nothing is created. */
  g_autoptr (JsonObject) bad = json_object_new ();
  json_object_set_string_member (bad, "alpha", "half");
  spec.config = bad;
  g_assert_cmpint (ecg_run_store_create_run (store, &spec, &error), ==, 0);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "'alpha' must be a number"));
  g_clear_error (&error);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM runs", 0), ==, 2);

  /* So is a parent that does not exist. */
  child.parent_run = 99;
  g_assert_cmpint (ecg_run_store_create_run (store, &child, &error), ==, 0);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_commit_and_read_back (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);

  int last = 99;
  g_assert_true (ecg_run_store_get_last_step (store, run, &last, &error));
  g_assert_cmpint (last, ==, -1);

  g_autoptr (EcgStepRecord) s0 = store_fixture_step (0, FALSE);
  g_autoptr (EcgStepRecord) s1 = store_fixture_step (1, FALSE);
  /* Unknown figures stay unknown. */
  s1->tf_flops = -1;
  s1->energy_measured_or_estimated_j = NAN;
  s1->energy_measured_method = ECG_STEP_ENERGY_NONE;
  g_assert_true (ecg_run_store_commit_step (store, run, s0, &error));
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_commit_step (store, run, s1, &error));
  g_assert_no_error (error);

  g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->status, ==, ECG_RUN_STATUS_RUNNING);
  g_assert_cmpint (got->pid, ==, getpid ());
  g_assert_cmpstr (got->host, ==, g_get_host_name ());
  g_assert_nonnull (got->started);
  g_assert_nonnull (got->heartbeat);
  g_assert_cmpint (got->n_steps, ==, 2);
  g_assert_cmpuint (got->steps->len, ==, 2);
  store_fixture_assert_step_equal (g_ptr_array_index (got->steps, 0), s0);
  store_fixture_assert_step_equal (g_ptr_array_index (got->steps, 1), s1);
  const EcgStepRecord *g1 = g_ptr_array_index (got->steps, 1);
  g_assert_false (g1->has_model);
  g_assert_cmpint (g1->n_predictions, ==, 0);
  g_assert_nonnull (g1->created);

  g_assert_true (ecg_run_store_get_last_step (store, run, &last, &error));
  g_assert_cmpint (last, ==, 1);

  g_assert_true (ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (EcgRun) done = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (done->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_nonnull (done->finished);
  g_assert_null (done->error);

  g_assert_null (ecg_run_store_get_run (store, 42, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (ecg_run_store_get_last_step (store, 42, &last, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_commit_is_atomic (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);

  /* A record that fails at its last curve point (a repeated key and epoch violates the curve
   * key) after the step row and three class rows went in: none of it may remain. */
  g_autoptr (EcgStepRecord) broken = store_fixture_step (0, FALSE);
  ecg_step_record_add_curve_point (broken, "train_loss", 1, 0.123);
  g_assert_false (ecg_run_store_commit_step (store, run, broken, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "curve"));
  g_clear_error (&error);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM steps", 0), ==, 0);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM per_class", 0), ==, 0);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM curves", 0), ==, 0);

  /* The same step without the fault commits; committing it again is refused. */
  g_autoptr (EcgStepRecord) good = store_fixture_step (0, FALSE);
  g_assert_true (ecg_run_store_commit_step (store, run, good, &error));
  g_assert_no_error (error);
  g_assert_false (ecg_run_store_commit_step (store, run, good, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "step 0 of run 1 is already in the store"));
  g_clear_error (&error);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM per_class", 0), ==, 3);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM curves", 0), ==, 6);

  /* Records that cannot be right are refused before the store is touched. */
  g_autoptr (EcgStepRecord) negative = store_fixture_step (-1, FALSE);
  g_assert_false (ecg_run_store_commit_step (store, run, negative, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_autoptr (EcgStepRecord) not_a_model = store_fixture_step (1, FALSE);
  g_autoptr (GBytes) junk = g_bytes_new_static ("not a model file", 16);
  ecg_step_record_set_model (not_a_model, "CNN1D_3Class", junk);
  g_assert_false (ecg_run_store_commit_step (store, run, not_a_model, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a model file"));
  g_clear_error (&error);
  g_assert_cmpint (store_fixture_query_int (store, "SELECT count (*) FROM steps", 0), ==, 1);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_model_round_trip (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_TRAIN, 1);

  g_autoptr (EcgModel) model = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < model->n_params; i += 5)
    model->params[i] *= -0.5f;
  g_autoptr (GBytes) bytes = ecg_model_file_serialise (model, NULL, NULL, NULL, 180, NULL, &error);
  g_assert_no_error (error);

  g_autoptr (EcgStepRecord) s0 = store_fixture_step (0, FALSE);
  ecg_step_record_set_model (s0, model->arch, bytes);
  g_assert_true (ecg_run_store_commit_step (store, run, s0, &error));
  g_assert_no_error (error);
  g_autoptr (EcgStepRecord) s1 = store_fixture_step (1, FALSE);
  g_assert_true (ecg_run_store_commit_step (store, run, s1, &error));

  g_autoptr (GBytes) loaded = ecg_run_store_load_model (store, run, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, bytes));
  g_autoptr (EcgModelFile) file = ecg_run_store_load_model_file (store, run, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->model->arch, ==, "CardiacCNN_Distilled");
  g_assert_cmpuint (file->model->n_params, ==, 7077);
  g_assert_cmpmem (file->model->params, model->n_params * sizeof (float), model->params,
                   model->n_params * sizeof (float));
  g_assert_cmpint (file->samples_before, ==, 180);
  g_assert_cmpint (store_fixture_query_int (store,
                                            "SELECT arch = 'CardiacCNN_Distilled' "
                                            "FROM models WHERE run = ?1",
                                            run),
                   ==, 1);

  g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
  g_assert_true (((EcgStepRecord *)g_ptr_array_index (got->steps, 0))->has_model);
  g_assert_false (((EcgStepRecord *)g_ptr_array_index (got->steps, 1))->has_model);

  g_assert_null (ecg_run_store_load_model (store, run, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "step 1 of run 1 has no stored model"));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_predictions_round_trip (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_EVALUATE, 1);

  const char *records[] = { "100", "232", NULL };
  const gsize n = 1500;
  EcgPredictions *p = ecg_predictions_new (n, 3, records);
  for (gsize i = 0; i < n; i++)
    {
      p->record_of[i] = i < 1000 ? 0 : 1;
      p->sample[i] = 77 + 301 * (gint64)i;
      p->reference[i] = (gint32)(i % 3);
      p->predicted[i] = (gint32)((i / 7) % 3);
      for (int c = 0; c < 3; c++)
        p->scores[i * 3 + c] = (float)(i * 3 + c) / 4500.0f;
    }
  g_autoptr (EcgStepRecord) s0 = store_fixture_step (0, FALSE);
  ecg_step_record_set_predictions (s0, p);
  g_assert_true (ecg_run_store_commit_step (store, run, s0, &error));
  g_assert_no_error (error);

  g_autoptr (EcgPredictions) got = ecg_run_store_load_predictions (store, run, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->n, ==, n);
  g_assert_cmpint (got->n_scores, ==, 3);
  g_assert_cmpuint (g_strv_length (got->record_names), ==, 2);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpstr (got->record_names[got->record_of[i]], ==, records[p->record_of[i]]);
      g_assert_cmpint (got->sample[i], ==, p->sample[i]);
      g_assert_cmpint (got->reference[i], ==, p->reference[i]);
      g_assert_cmpint (got->predicted[i], ==, p->predicted[i]);
    }
  g_assert_cmpmem (got->scores, n * 3 * sizeof (float), p->scores, n * 3 * sizeof (float));
  /* The misclassified beats of a record are one query away: items 1000..1499 with
   * i % 3 != (i / 7) % 3, 285 of them (counted outside the program). */
  g_assert_cmpint (store_fixture_query_int (store,
                                            "SELECT count (*) FROM predictions WHERE run = ?1 "
                                            "AND record = '232' AND reference != predicted",
                                            run),
                   ==, 285);

  g_autoptr (EcgRun) r = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (((EcgStepRecord *)g_ptr_array_index (r->steps, 0))->n_predictions, ==, n);

  g_assert_null (ecg_run_store_load_predictions (store, run, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_ownership (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  gint64 run = ecg_run_store_create_run (store, &spec, &error);
  g_autoptr (EcgStepRecord) s0 = store_fixture_step (0, FALSE);

  /* A queued run has no owner yet: no steps, no heartbeat. */
  g_assert_false (ecg_run_store_commit_step (store, run, s0, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "it is queued"));
  g_clear_error (&error);
  g_assert_false (ecg_run_store_heartbeat (store, run, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (ecg_run_store_mark_started (store, run, &error));
  g_assert_true (ecg_run_store_heartbeat (store, run, &error));
  g_assert_no_error (error);
  /* Started twice: refused while running. */
  g_assert_false (ecg_run_store_mark_started (store, run, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "it is running in process"));
  g_clear_error (&error);

  /* Another process took the run over (found it interrupted and resumed it): this one must
   * stop writing. */
  store_fixture_exec (store, "UPDATE runs SET pid = pid + 1000000");
  g_assert_false (ecg_run_store_heartbeat (store, run, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_run_store_commit_step (store, run, s0, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  store_fixture_exec (store, "UPDATE runs SET pid = pid - 1000000");

  /* Only finished, failed or cancelled end a run; a finished run cannot restart. */
  g_assert_false (ecg_run_store_finish (store, run, ECG_RUN_STATUS_INTERRUPTED, NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (
      ecg_run_store_finish (store, run, ECG_RUN_STATUS_FAILED, "loss became NaN", &error));
  g_autoptr (EcgRun) failed = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (failed->status, ==, ECG_RUN_STATUS_FAILED);
  g_assert_cmpstr (failed->error, ==, "loss became NaN");
  /* A failed run may be started again (after fixing its cause); the error is cleared. */
  g_assert_true (ecg_run_store_mark_started (store, run, &error));
  g_autoptr (EcgRun) again = ecg_run_store_get_run (store, run, &error);
  g_assert_null (again->error);
  g_assert_cmpstr (again->started, ==, failed->started);
  g_assert_true (ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_false (ecg_run_store_mark_started (store, run, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "it is finished"));
  g_clear_error (&error);

  /* A queued run that fails before it starts can still be ended. */
  gint64 queued = ecg_run_store_create_run (store, &spec, &error);
  g_assert_true (ecg_run_store_finish (store, queued, ECG_RUN_STATUS_FAILED, "no data", &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The pid of a process that has exited and been reaped. */
static pid_t
dead_pid (void)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (0);
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return pid;
}

static GArray *
find (EcgRunStore *store, double stale_seconds)
{
  g_autoptr (GError) error = NULL;
  GArray *ids = ecg_run_store_find_interrupted (store, stale_seconds, &error);
  g_assert_no_error (error);
  return ids;
}

static void
test_interrupted_dead_process (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", &path);
  g_autoptr (GError) error = NULL;
  gint64 alive = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  gint64 dead = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 2);
  g_autoptr (EcgStepRecord) s0 = store_fixture_step (0, FALSE);
  g_assert_true (ecg_run_store_commit_step (store, dead, s0, &error));

  /* Run `dead` belonged to a process that is gone (its heartbeat is fresh). */
  g_autoptr (sqlite3_stmt) stmt = NULL;
  sqlite3_prepare_v2 (ecg_run_store_get_db (store), "UPDATE runs SET pid = ?1 WHERE id = ?2", -1,
                      &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dead_pid ());
  sqlite3_bind_int64 (stmt, 2, dead);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);

  /* Another connection (a GUI opening the store) sees exactly the dead one. */
  g_autoptr (EcgRunStore) other = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) ids = find (other, ECG_RUN_STORE_STALE_SECONDS);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, dead);

  g_autoptr (GArray) marked
      = ecg_run_store_mark_interrupted (other, ECG_RUN_STORE_STALE_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (marked->len, ==, 1);
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, dead, &error);
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_INTERRUPTED);
  g_assert_nonnull (strstr (run->error, "is gone"));
  g_autoptr (EcgRun) still = ecg_run_store_get_run (store, alive, &error);
  g_assert_cmpint (still->status, ==, ECG_RUN_STATUS_RUNNING);
  g_autoptr (GArray) none = find (other, ECG_RUN_STORE_STALE_SECONDS);
  g_assert_cmpuint (none->len, ==, 0);

  /* Resume: claim it again and continue after the last committed step. */
  int last = -1;
  g_assert_true (ecg_run_store_get_last_step (store, dead, &last, &error));
  g_assert_cmpint (last, ==, 0);
  g_assert_true (ecg_run_store_mark_started (store, dead, &error));
  g_autoptr (EcgStepRecord) s1 = store_fixture_step (last + 1, FALSE);
  g_assert_true (ecg_run_store_commit_step (store, dead, s1, &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
set_owner (EcgRunStore *store, gint64 run, const char *host, const char *heartbeat)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  sqlite3_prepare_v2 (ecg_run_store_get_db (store),
                      "UPDATE runs SET host = ?1, heartbeat = ?2 WHERE id = ?3", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, host, -1, SQLITE_STATIC);
  if (heartbeat != NULL)
    sqlite3_bind_text (stmt, 2, heartbeat, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, run);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
}

static void
test_interrupted_stale_heartbeat (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  const char *host = g_get_host_name ();

  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) ten_minutes_ago = g_date_time_add_minutes (now, -10);
  g_autofree char *old = g_date_time_format (ten_minutes_ago, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autoptr (GDateTime) a_minute_ago = g_date_time_add_minutes (now, -1);
  g_autofree char *recent = g_date_time_format (a_minute_ago, "%Y-%m-%dT%H:%M:%S.%fZ");

  /* This process is alive, but its heartbeat is 600 s old: interrupted at a 120 s limit, not at
   * a 3600 s one. */
  set_owner (store, run, host, old);
  g_autoptr (GArray) stale = find (store, 120);
  g_assert_cmpuint (stale->len, ==, 1);
  g_autoptr (GArray) patient = find (store, 3600);
  g_assert_cmpuint (patient->len, ==, 0);

  /* On another host the pid says nothing: only the heartbeat decides. */
  set_owner (store, run, "elsewhere.example", recent);
  g_autoptr (GArray) fresh = find (store, 120);
  g_assert_cmpuint (fresh->len, ==, 0);
  set_owner (store, run, "elsewhere.example", old);
  g_autoptr (GArray) gone = find (store, 120);
  g_assert_cmpuint (gone->len, ==, 1);
  set_owner (store, run, host, NULL);
  g_autoptr (GArray) never = find (store, 120);
  g_assert_cmpuint (never->len, ==, 1);

  set_owner (store, run, host, old);
  g_autoptr (GArray) marked = ecg_run_store_mark_interrupted (store, 120, &error);
  g_assert_cmpuint (marked->len, ==, 1);
  g_autoptr (EcgRun) r = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (r->status, ==, ECG_RUN_STATUS_INTERRUPTED);
  g_assert_nonnull (strstr (r->error, "no heartbeat for 600 s"));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_rename_notes_delete (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 keep = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  gint64 doomed = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 2);
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_QUANTISE);
  spec.parent_run = doomed;
  spec.parent_step = 1;
  gint64 child = ecg_run_store_create_run (store, &spec, &error);

  g_autoptr (EcgModel) model = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, &error);
  g_autoptr (GBytes) bytes = ecg_model_file_serialise (model, NULL, NULL, NULL, 180, NULL, &error);
  for (gint64 run = keep; run <= doomed; run++)
    for (int step = 0; step < 2; step++)
      {
        g_autoptr (EcgStepRecord) s = store_fixture_step (step, FALSE);
        const char *records[] = { "100", NULL };
        EcgPredictions *p = ecg_predictions_new (10, 3, records);
        ecg_step_record_set_predictions (s, p);
        ecg_step_record_set_model (s, model->arch, bytes);
        g_assert_true (ecg_run_store_commit_step (store, run, s, &error));
        g_assert_no_error (error);
      }

  g_assert_true (ecg_run_store_rename (store, keep, "kept", &error));
  g_assert_true (ecg_run_store_set_notes (store, keep, "looks good\nsee S beats", &error));
  g_autoptr (EcgRun) renamed = ecg_run_store_get_run (store, keep, &error);
  g_assert_cmpstr (renamed->name, ==, "kept");
  g_assert_cmpstr (renamed->notes, ==, "looks good\nsee S beats");
  g_assert_false (ecg_run_store_rename (store, 99, "x", &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A live running run cannot be deleted. */
  g_assert_false (ecg_run_store_delete_run (store, doomed, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (ecg_run_store_finish (store, doomed, ECG_RUN_STATUS_CANCELLED, NULL, &error));
  g_assert_true (ecg_run_store_delete_run (store, doomed, &error));
  g_assert_no_error (error);

  static const char *const tables[]
      = { "steps", "per_class", "curves", "predictions", "models", "params" };
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *gone
          = g_strdup_printf ("SELECT count (*) FROM %s WHERE run = ?1", tables[t]);
      g_assert_cmpint (store_fixture_query_int (store, gone, doomed), ==, 0);
    }
  g_assert_cmpint (
      store_fixture_query_int (store, "SELECT count (*) FROM steps WHERE run = ?1", keep), ==, 2);
  g_assert_cmpint (store_fixture_query_int (store,
                                            "SELECT count (*) FROM per_class "
                                            "WHERE run = ?1",
                                            keep),
                   ==, 6);
  g_assert_cmpint (store_fixture_query_int (store,
                                            "SELECT count (*) FROM predictions "
                                            "WHERE run = ?1",
                                            keep),
                   ==, 20);
  g_assert_cmpint (store_fixture_query_int (store,
                                            "SELECT count (*) FROM models "
                                            "WHERE run = ?1",
                                            keep),
                   ==, 2);
  g_autoptr (EcgRun) orphan = ecg_run_store_get_run (store, child, &error);
  g_assert_cmpint (orphan->parent_run, ==, 0);
  g_assert_cmpint (orphan->parent_step, ==, 1);

  g_assert_false (ecg_run_store_delete_run (store, doomed, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Ids are never reused: a deleted run's number keeps meaning that run in notes and exports. */
  g_assert_true (ecg_run_store_delete_run (store, child, &error));
  spec.parent_run = 0;
  gint64 next = ecg_run_store_create_run (store, &spec, &error);
  g_assert_cmpint (next, ==, child + 1);
  g_assert_true (ecg_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_find_runs (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 seed1 = store_fixture_started_run (store, ECG_RUN_KIND_TRAIN, 1);
  store_fixture_started_run (store, ECG_RUN_KIND_TRAIN, 2);
  gint64 prune1 = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);

  g_autoptr (JsonObject) want = json_object_new ();
  json_object_set_string_member (want, "arch", "CNN1D_3Class");
  json_object_set_int_member (want, "seed", 1);
  g_autoptr (GArray) trains = ecg_run_store_find_runs (store, ECG_RUN_KIND_TRAIN, want, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trains->len, ==, 1);
  g_assert_cmpint (g_array_index (trains, gint64, 0), ==, seed1);
  g_autoptr (GArray) prunes = ecg_run_store_find_runs (store, ECG_RUN_KIND_PRUNE, want, &error);
  g_assert_cmpuint (prunes->len, ==, 1);
  g_assert_cmpint (g_array_index (prunes, gint64, 0), ==, prune1);
  g_autoptr (GArray) all = ecg_run_store_find_runs (store, ECG_RUN_KIND_TRAIN, NULL, &error);
  g_assert_cmpuint (all->len, ==, 2);
  json_object_set_string_member (want, "arch", "BiLSTM_ECG");
  g_autoptr (GArray) none = ecg_run_store_find_runs (store, ECG_RUN_KIND_TRAIN, want, &error);
  g_assert_cmpuint (none->len, ==, 0);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static GList *
sorted_members (JsonObject *object)
{
  return g_list_sort (json_object_get_members (object), (GCompareFunc)g_strcmp0);
}

static void
assert_members (JsonObject *object, const char *expected)
{
  g_autoptr (GList) members = sorted_members (object);
  g_autoptr (GString) got = g_string_new (NULL);
  for (GList *m = members; m != NULL; m = m->next)
    g_string_append_printf (got, "%s%s", got->len ? " " : "", (const char *)m->data);
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_json (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", NULL);
  g_autoptr (GError) error = NULL;
  gint64 single = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  gint64 multi = store_fixture_started_run (store, ECG_RUN_KIND_EVALUATE, 1);
  g_autoptr (JsonObject) provenance = json_object_new ();
  json_object_set_string_member (provenance, "kernel", "avx2");
  json_object_set_int_member (provenance, "threads", 2);
  g_assert_true (ecg_run_store_set_provenance (store, single, provenance, &error));
  for (int step = 0; step < 2; step++)
    {
      g_autoptr (EcgStepRecord) s = store_fixture_step (step, FALSE);
      if (step == 1)
        s->latency_ms = NAN;
      g_assert_true (ecg_run_store_commit_step (store, single, s, &error));
    }
  g_autoptr (EcgStepRecord) m0 = store_fixture_step (0, TRUE);
  g_assert_true (ecg_run_store_commit_step (store, multi, m0, &error));
  g_assert_no_error (error);

  g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
  g_autoptr (JsonNode) list = ecg_run_list_to_json (runs);
  JsonArray *array = json_node_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  JsonObject *first = json_array_get_object_element (array, 0);
  assert_members (first, "config created id kind status");
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, single);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "prune");
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "running");
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (first, "config"), "steps"), ==, 5);

  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, single, &error);
  g_autoptr (JsonNode) shown = ecg_run_to_json (run);
  JsonObject *show = json_node_get_object (shown);
  assert_members (show, "config created error finished id kind name notes parent_model "
                        "parent_run parent_step provenance started status steps");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (show, "provenance"), "kernel"),
      ==, "avx2");
  JsonArray *steps = json_object_get_array_member (show, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 2);
  JsonObject *s0 = json_array_get_object_element (steps, 0);
  assert_members (s0, "accuracy energy_j energy_proxy_mmac_ms has_model latency_ms macro_f1 "
                      "macs n_params nonzero_params nonzero_prunable_params per_class "
                      "prunable_params sparsity step tf_flops");
  g_assert_cmpint (json_object_get_int_member (s0, "macs"), ==, 9232768);
  g_assert_cmpfloat (json_object_get_double_member (s0, "latency_ms"), ==, 1.5);
  g_assert_cmpfloat (json_object_get_double_member (s0, "energy_proxy_mmac_ms"), ==,
                     9.232768 * 1.5);
  JsonObject *energy = json_object_get_object_member (s0, "energy_j");
  assert_members (energy, "measured_method measured_or_estimated op_model_45nm tf_flops_0_45pj");
  g_assert_cmpstr (json_object_get_string_member (energy, "measured_method"), ==, "rapl");
  g_assert_cmpfloat (json_object_get_double_member (energy, "op_model_45nm"), ==,
                     9232768 * 4.6e-12);
  JsonObject *s1 = json_array_get_object_element (steps, 1);
  g_assert_true (json_object_get_null_member (s1, "latency_ms"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (s1, "energy_j"),
                                                  "measured_method"),
                   ==, "estimate");
  JsonArray *classes = json_object_get_array_member (s0, "per_class");
  JsonObject *v = json_array_get_object_element (classes, 2);
  g_assert_cmpstr (json_object_get_string_member (v, "class"), ==, "V");
  g_assert_true (json_object_get_null_member (v, "ppv"));
  g_assert_cmpint (json_object_get_int_member (v, "support"), ==, 3200);

  /* A multi-label run's steps carry AUROC, AUPRC and F1@0.5. */
  g_autoptr (EcgRun) mrun = ecg_run_store_get_run (store, multi, &error);
  g_autoptr (JsonNode) mshown = ecg_run_to_json (mrun);
  JsonObject *ms0 = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (mshown), "steps"), 0);
  g_assert_cmpfloat (json_object_get_double_member (ms0, "auroc"), ==, 0.91);
  g_assert_cmpfloat (json_object_get_double_member (ms0, "auprc"), ==, 0.71);
  g_assert_cmpfloat (json_object_get_double_member (ms0, "f1_at_0_5"), ==, 0.61);

  /* Numbers print in the C locale whatever the process locale. */
  g_autofree char *text = json_to_string (shown, FALSE);
  g_assert_nonnull (strstr (text, "\"latency_ms\":1.5"));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Sets run `run`'s config column to `text` through the store's connection. */
static void
set_config_text (EcgRunStore *store, gint64 run, const char *text)
{
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (ecg_run_store_get_db (store),
                                       "UPDATE runs SET config = ?1 WHERE id = ?2", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, run);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* A damaged config column is an error naming the store and the run, never a crash: json-glib's
 * parser recursed once per level and overflowed the stack on 100,000 nested brackets, also when
 * a closing bracket hid after each opening one in a comment or a single-quoted string, which
 * json-glib reads (found by tests/fuzz/fuzz-store-config). */
static void
test_damaged_json (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "runs.db", &path);
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  /* Each repeated 100,000 times after {"a": */
  static const char *const units[] = { "[", "[/*]*/", "[']'" };
  for (gsize c = 0; c < G_N_ELEMENTS (units); c++)
    {
      g_autoptr (GString) text = g_string_new ("{\"a\":");
      for (int i = 0; i < 100000; i++)
        g_string_append (text, units[c]);
      set_config_text (store, run, text->str);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
      g_assert_null (got);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "not strict JSON nested at most 64 levels"));
      g_assert_nonnull (strstr (error->message, "the config of run 1"));
      g_assert_nonnull (strstr (error->message, "runs.db"));
      g_clear_error (&error);
      g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
      g_assert_null (runs);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
    }
  /* Depth 64 is what the store accepts; 65 is not. */
  for (int depth = 64; depth <= 65; depth++)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      for (int i = 0; i < depth; i++)
        g_string_append (text, i == 0 ? "{\"a\":" : i < depth - 1 ? "{\"b\":" : "[");
      g_string_append (text, "1]");
      for (int i = 0; i < depth - 1; i++)
        g_string_append_c (text, '}');
      set_config_text (store, run, text->str);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
      g_assert_true ((got != NULL) == (depth == 64));
    }
  /* Not JSON, and JSON that is not an object. */
  set_config_text (store, run, "{\"a\": ");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRun) broken = ecg_run_store_get_run (store, run, &error);
  g_assert_null (broken);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "is not a JSON object"));
  g_clear_error (&error);
  set_config_text (store, run, "[1, 2]");
  g_autoptr (EcgRun) array = ecg_run_store_get_run (store, run, &error);
  g_assert_null (array);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/store/run/create-and-list", test_create_and_list);
  g_test_add_func ("/engine/store/run/commit-and-read-back", test_commit_and_read_back);
  g_test_add_func ("/engine/store/run/commit-is-atomic", test_commit_is_atomic);
  g_test_add_func ("/engine/store/run/model-round-trip", test_model_round_trip);
  g_test_add_func ("/engine/store/run/predictions-round-trip", test_predictions_round_trip);
  g_test_add_func ("/engine/store/run/ownership", test_ownership);
  g_test_add_func ("/engine/store/run/interrupted-dead-process", test_interrupted_dead_process);
  g_test_add_func ("/engine/store/run/interrupted-stale-heartbeat",
                   test_interrupted_stale_heartbeat);
  g_test_add_func ("/engine/store/run/rename-notes-delete", test_rename_notes_delete);
  g_test_add_func ("/engine/store/run/find-runs", test_find_runs);
  g_test_add_func ("/engine/store/run/json", test_json);
  g_test_add_func ("/engine/store/run/damaged-json", test_damaged_json);
  return g_test_run ();
}
