/* Tests of the run store across processes: a process killed (SIGKILL) in the middle of a step
 * commit leaves its committed steps intact, the file sound and its run found interrupted and
 * resumable; a live process's running run is never taken for interrupted by another program
 * that opens the store.
 *
 * The other process is this test executable run again with --crash-child or --hold-child (it
 * finds itself through /proc/self/exe). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "ecg-error.h"
#include "nn/ecg-zoo.h"
#include "store-fixture.h"
#include "store/ecg-store-private.h"
#include "test-util.h"

/* Items in the predictions of the step the crash child is killed in; far more rows than the
 * page cache of the child holds, so SQLite writes uncommitted pages to the log before the kill. */
#define CRASH_PREDICTIONS 20000
/* The child dies at this many progress callbacks (each 1000 SQLite VM instructions) inside the
 * transaction: past the step, class, curve and model rows, part-way through the predictions. */
#define CRASH_AFTER_CALLBACKS 100

/* The same model file bytes in every process (fixed seed and perturbation). */
static GBytes *
fixture_model (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) model = ecg_zoo_build ("CardiacCNN_Distilled", FALSE, 3, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < model->n_params; i += 3)
    model->params[i] = 0.001f * (float)(i % 101);
  GBytes *bytes = ecg_model_file_serialise (model, NULL, NULL, NULL, 180, NULL, &error);
  g_assert_no_error (error);
  return bytes;
}

/* Step `step` of the fixture with the model and `n` predictions attached. */
static EcgStepRecord *
full_step (int step, gsize n, GBytes *model)
{
  EcgStepRecord *r = store_fixture_step (step, FALSE);
  ecg_step_record_set_model (r, "CardiacCNN_Distilled", model);
  const char *records[] = { "100", "101", NULL };
  EcgPredictions *p = ecg_predictions_new (n, 3, records);
  for (gsize i = 0; i < n; i++)
    {
      p->record_of[i] = (guint32)(i % 2);
      p->sample[i] = (gint64)(i * 360 + step);
      p->reference[i] = (gint32)(i % 3);
      p->predicted[i] = (gint32)((i + (gsize)step) % 3);
      for (int c = 0; c < 3; c++)
        p->scores[i * 3 + c] = (float)c / 3.0f + (float)step;
    }
  ecg_step_record_set_predictions (r, p);
  return r;
}

static gint64
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? (gint64)st.st_size : -1;
}

typedef struct
{
  sqlite3 *db;
  int callbacks;
} KillHook;

/* SQLite progress handler of the crash child: dies by SIGKILL deep inside the open
 * transaction, as a power cut or an OOM kill would — no cleanup, no rollback. */
static int
kill_inside_transaction (void *data)
{
  KillHook *hook = data;
  if (sqlite3_get_autocommit (hook->db))
    return 0;
  if (++hook->callbacks == CRASH_AFTER_CALLBACKS)
    {
      static const char line[] = "killing\n";
      ssize_t written = write (STDOUT_FILENO, line, sizeof line - 1);
      (void)written;
      raise (SIGKILL);
    }
  return 0;
}

static int
crash_child (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, TRUE, &error);
  g_assert_no_error (error);
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  g_autoptr (GBytes) model = fixture_model ();
  for (int step = 0; step < 2; step++)
    {
      g_autoptr (EcgStepRecord) r = full_step (step, 500, model);
      g_assert_true (ecg_run_store_commit_step (store, run, r, &error));
      g_assert_no_error (error);
    }
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  printf ("run=%" G_GINT64_FORMAT " pid=%d wal=%" G_GINT64_FORMAT "\n", run, (int)getpid (),
          file_size (wal));
  fflush (stdout);

  sqlite3 *db = ecg_run_store_get_db (store);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA cache_size = 8", NULL, NULL, NULL), ==, SQLITE_OK);
  KillHook hook = { .db = db };
  sqlite3_progress_handler (db, 1000, kill_inside_transaction, &hook);
  g_autoptr (EcgStepRecord) third = full_step (2, CRASH_PREDICTIONS, model);
  ecg_run_store_commit_step (store, run, third, &error);
  /* Reaching this line means the commit finished before the kill: the parent fails. */
  printf ("committed\n");
  return 0;
}

static char *
self_path (void)
{
  g_autoptr (GError) error = NULL;
  char *self = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  return self;
}

static gint64
count_step_rows (EcgRunStore *store, const char *table, gint64 run, int step)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count (*) FROM %s WHERE run = ?1 AND step = %d", table, step);
  return store_fixture_query_int (store, sql, run);
}

static void
test_killed_mid_commit (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *self = self_path ();
  g_autoptr (GError) error = NULL;

  const char *argv[] = { self, "--crash-child", path, NULL };
  g_autoptr (GSubprocess) child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_autofree char *out = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("child said: %s", out);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  gint64 run = 0, wal_after_two = 0;
  int child_pid = 0;
  g_assert_cmpint (sscanf (out, "run=%" G_GINT64_FORMAT " pid=%d wal=%" G_GINT64_FORMAT, &run,
                           &child_pid, &wal_after_two),
                   ==, 3);
  g_assert_nonnull (strstr (out, "killing\n"));
  g_assert_null (strstr (out, "committed"));
  /* The half-written third step reached the disk as uncommitted log frames: the hard case. */
  gint64 wal_at_kill = file_size (wal);
  g_test_message ("log: %" G_GINT64_FORMAT " bytes after two steps, %" G_GINT64_FORMAT
                  " at the kill",
                  wal_after_two, wal_at_kill);
  g_assert_cmpint (wal_at_kill, >, wal_after_two + 64 * 1024);

  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_check_integrity (store, &error));
  g_assert_no_error (error);

  /* Both committed steps, whole: figures, classes, curves, model, predictions. */
  g_autoptr (GBytes) model = fixture_model ();
  g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->steps->len, ==, 2);
  for (int step = 0; step < 2; step++)
    {
      g_autoptr (EcgStepRecord) want = full_step (step, 500, model);
      const EcgStepRecord *have = g_ptr_array_index (got->steps, step);
      store_fixture_assert_step_equal (have, want);
      g_assert_true (have->has_model);
      g_assert_cmpint (have->n_predictions, ==, 500);
      g_autoptr (GBytes) stored = ecg_run_store_load_model (store, run, step, &error);
      g_assert_true (g_bytes_equal (stored, model));
      g_autoptr (EcgPredictions) p = ecg_run_store_load_predictions (store, run, step, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (p->scores, 500 * 3 * sizeof (float), want->predictions->scores,
                       500 * 3 * sizeof (float));
    }
  /* Nothing of the third. */
  static const char *const tables[] = { "steps", "per_class", "curves", "models", "predictions" };
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    g_assert_cmpint (count_step_rows (store, tables[t], run, 2), ==, 0);

  /* The run still says running, but its process is gone. */
  g_assert_cmpint (got->status, ==, ECG_RUN_STATUS_RUNNING);
  g_assert_cmpint (got->pid, ==, child_pid);
  g_autoptr (GArray) marked
      = ecg_run_store_mark_interrupted (store, ECG_RUN_STORE_STALE_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (marked->len, ==, 1);
  g_assert_cmpint (g_array_index (marked, gint64, 0), ==, run);
  g_autoptr (EcgRun) interrupted = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (interrupted->status, ==, ECG_RUN_STATUS_INTERRUPTED);
  g_autofree char *gone
      = g_strdup_printf ("process %d on host %s is gone", child_pid, g_get_host_name ());
  g_assert_nonnull (strstr (interrupted->error, gone));

  /* Resume after the last committed step (steps count from 0: last = 1, resume at 2). */
  int last = -1;
  g_assert_true (ecg_run_store_get_last_step (store, run, &last, &error));
  g_assert_cmpint (last, ==, 1);
  g_assert_true (ecg_run_store_mark_started (store, run, &error));
  g_autoptr (EcgStepRecord) third = full_step (last + 1, 2000, model);
  g_assert_true (ecg_run_store_commit_step (store, run, third, &error));
  g_assert_no_error (error);
  g_assert_true (ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_cmpint (count_step_rows (store, "predictions", run, 2), ==, 2000);
  g_assert_true (ecg_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Starts a run, commits a step, says so, and holds the run until its stdin closes. */
static int
hold_child (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, TRUE, &error);
  g_assert_no_error (error);
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_TRAIN, 1);
  g_autoptr (EcgStepRecord) r = store_fixture_step (0, FALSE);
  g_assert_true (ecg_run_store_commit_step (store, run, r, &error));
  printf ("ready run=%" G_GINT64_FORMAT "\n", run);
  fflush (stdout);
  char buffer[64];
  while (fread (buffer, 1, sizeof buffer, stdin) > 0)
    ;
  g_assert_true (ecg_run_store_heartbeat (store, run, &error));
  g_assert_true (ecg_run_store_finish (store, run, ECG_RUN_STATUS_FINISHED, NULL, &error));
  g_assert_no_error (error);
  return 0;
}

static void
test_live_owner_not_interrupted (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *self = self_path ();
  g_autoptr (GError) error = NULL;

  const char *argv[] = { self, "--hold-child", path, NULL };
  g_autoptr (GSubprocess) child = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) lines
      = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  g_autofree char *ready = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  gint64 run = 0;
  g_assert_cmpint (sscanf (ready, "ready run=%" G_GINT64_FORMAT, &run), ==, 1);

  /* Another program opens the store while the child works: the run stays the child's. */
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (GArray) marked
      = ecg_run_store_mark_interrupted (store, ECG_RUN_STORE_STALE_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (marked->len, ==, 0);
  g_autoptr (EcgRun) running = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (running->status, ==, ECG_RUN_STATUS_RUNNING);
  g_assert_cmpstr (running->host, ==, g_get_host_name ());
  g_assert_cmpint (running->pid, ==, atoi (g_subprocess_get_identifier (child)));
  /* Nor may this program write into it or delete it. */
  g_autoptr (EcgStepRecord) s1 = store_fixture_step (1, FALSE);
  g_assert_false (ecg_run_store_commit_step (store, run, s1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_run_store_delete_run (store, run, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (child), NULL, &error));
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (EcgRun) done = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpint (done->status, ==, ECG_RUN_STATUS_FINISHED);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--crash-child") == 0)
    return crash_child (argv[2]);
  if (argc == 3 && strcmp (argv[1], "--hold-child") == 0)
    return hold_child (argv[2]);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/store/crash/killed-mid-commit", test_killed_mid_commit);
  g_test_add_func ("/engine/store/crash/live-owner-not-interrupted",
                   test_live_owner_not_interrupted);
  return g_test_run ();
}
