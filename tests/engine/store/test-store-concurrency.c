/* Tests of concurrent writers on one store: threads with their own connections commit hundreds
 * of steps into different runs at once, with a reader listing runs meanwhile. The busy timeout
 * and BEGIN IMMEDIATE must make every commit wait its turn: no SQLITE_BUSY reaches a caller and
 * no row is lost. */
#include <string.h>

#include "ecg-error.h"
#include "store-fixture.h"
#include "store/ecg-store-private.h"
#include "test-util.h"

#define WRITERS 2
#define STEPS_PER_WRITER 300

typedef struct
{
  const char *path;
  int seed;
  gint64 run;          /* out */
  char *error_message; /* out: first failure, or NULL */
} Writer;

typedef struct
{
  EcgRunStore *store; /* opened before the writers start */
  volatile gint *writers_left;
  int reads;           /* out: snapshots of every run read while the writers ran */
  int scratch_writes;  /* out: runs created and deleted between the writers' commits */
  char *error_message; /* out */
} Reader;

static gpointer
write_steps (gpointer data)
{
  Writer *w = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (w->path, TRUE, &error);
  if (store == NULL)
    goto failed;
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  w->run = ecg_run_store_create_run (store, &spec, &error);
  if (w->run == 0 || !ecg_run_store_mark_started (store, w->run, &error))
    goto failed;
  for (int step = 0; step < STEPS_PER_WRITER; step++)
    {
      g_autoptr (EcgStepRecord) r = store_fixture_step (step, FALSE);
      if (!ecg_run_store_commit_step (store, w->run, r, &error))
        goto failed;
      if (step % 10 == 0 && !ecg_run_store_heartbeat (store, w->run, &error))
        goto failed;
    }
  if (!ecg_run_store_finish (store, w->run, ECG_RUN_STATUS_FINISHED, NULL, &error))
    goto failed;
  return NULL;
failed:
  w->error_message = g_strdup (error->message);
  return NULL;
}

static gpointer
read_runs (gpointer data)
{
  Reader *r = data;
  g_autoptr (GError) error = NULL;
  EcgRunStore *store = r->store;
  while (g_atomic_int_get (r->writers_left) > 0)
    {
      g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
      if (runs == NULL)
        break;
      for (guint i = 0; i < runs->len; i++)
        {
          const EcgRun *listed = g_ptr_array_index (runs, i);
          g_autoptr (EcgRun) run = ecg_run_store_get_run (store, listed->id, &error);
          if (run == NULL)
            break;
          /* One snapshot: steps 0..n-1 without gaps, each with its three classes. */
          for (guint s = 0; s < run->steps->len; s++)
            {
              const EcgStepRecord *step = g_ptr_array_index (run->steps, s);
              if (step->step != (int)s || step->per_class->len != 3)
                g_set_error (&error, ECG_ERROR, ECG_ERROR_FAILED,
                             "run %" G_GINT64_FORMAT " read with a torn step %u", run->id, s);
            }
          if (error != NULL)
            break;
        }
      if (error != NULL)
        break;
      r->reads++;
      /* A read-then-write transaction (delete looks at the run first) between the commits. */
      EcgRunSpec spec;
      ecg_run_spec_init (&spec, ECG_RUN_KIND_EVALUATE);
      gint64 scratch = ecg_run_store_create_run (store, &spec, &error);
      if (scratch == 0 || !ecg_run_store_delete_run (store, scratch, &error))
        break;
      r->scratch_writes++;
    }
  if (error != NULL)
    r->error_message = g_strdup (error->message);
  return NULL;
}

static void
test_two_writers_and_a_reader (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "shared.db", NULL);
  /* Create the store first so that the threads race on commits, not on creating the file. */
  g_autoptr (EcgRunStore) reader_store = store_fixture_open (dir, "shared.db", NULL);

  Writer writers[WRITERS];
  GThread *threads[WRITERS];
  volatile gint writers_left = WRITERS;
  Reader reader = { .store = reader_store, .writers_left = &writers_left };
  gint64 start = g_get_monotonic_time ();
  GThread *reader_thread = g_thread_new ("reader", read_runs, &reader);
  for (int i = 0; i < WRITERS; i++)
    {
      writers[i] = (Writer){ .path = path, .seed = i };
      threads[i] = g_thread_new ("writer", write_steps, &writers[i]);
    }
  for (int i = 0; i < WRITERS; i++)
    {
      g_thread_join (threads[i]);
      g_atomic_int_add (&writers_left, -1);
    }
  g_thread_join (reader_thread);
  double seconds = (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("%d writers x %d commits in %.2f s (%.1f ms per commit); meanwhile %d "
                  "snapshots read, %d scratch runs created and deleted",
                  WRITERS, STEPS_PER_WRITER, seconds,
                  1000.0 * seconds / (WRITERS * STEPS_PER_WRITER), reader.reads,
                  reader.scratch_writes);

  for (int i = 0; i < WRITERS; i++)
    {
      g_assert_cmpstr (writers[i].error_message, ==, NULL);
      g_free (writers[i].error_message);
    }
  g_assert_cmpstr (reader.error_message, ==, NULL);
  g_assert_cmpint (reader.reads, >, 0);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  for (int i = 0; i < WRITERS; i++)
    {
      gint64 run = writers[i].run;
      g_assert_cmpint (store_fixture_query_int (store,
                                                "SELECT count (*) FROM steps "
                                                "WHERE run = ?1",
                                                run),
                       ==, STEPS_PER_WRITER);
      g_assert_cmpint (store_fixture_query_int (store,
                                                "SELECT max (step) FROM steps "
                                                "WHERE run = ?1",
                                                run),
                       ==, STEPS_PER_WRITER - 1);
      g_assert_cmpint (store_fixture_query_int (store,
                                                "SELECT count (*) FROM per_class "
                                                "WHERE run = ?1",
                                                run),
                       ==, 3 * STEPS_PER_WRITER);
      g_assert_cmpint (store_fixture_query_int (store,
                                                "SELECT count (*) FROM curves "
                                                "WHERE run = ?1",
                                                run),
                       ==, 6 * STEPS_PER_WRITER);
      g_autoptr (EcgRun) r = ecg_run_store_get_run (store, run, &error);
      g_assert_cmpint (r->status, ==, ECG_RUN_STATUS_FINISHED);
      g_autoptr (EcgStepRecord) want = store_fixture_step (123, FALSE);
      store_fixture_assert_step_equal (g_ptr_array_index (r->steps, 123), want);
    }
  g_assert_true (ecg_run_store_check_integrity (store, &error));
  g_assert_no_error (error);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

typedef struct
{
  const char *path;
  gulong hold_us;
  GMutex mutex;
  GCond cond;
  gboolean locked;
} Holder;

/* Another program's writer: takes the write lock, says so, holds it for `hold_us`. */
static gpointer
hold_write_lock (gpointer data)
{
  Holder *h = data;
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (h->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "BEGIN IMMEDIATE; UPDATE runs SET notes = 'held'", NULL, NULL, NULL), ==,
      SQLITE_OK);
  g_mutex_lock (&h->mutex);
  h->locked = TRUE;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->mutex);
  g_usleep (h->hold_us);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return NULL;
}

/* Commits step `step` of `run` while another connection holds the write lock for `hold_ms`;
 * returns the seconds the commit took and its outcome. */
static double
commit_against_holder (EcgRunStore *store, const char *path, gint64 run, int step, gulong hold_ms,
                       gboolean *committed, GError **error)
{
  Holder holder = { .path = path, .hold_us = hold_ms * 1000 };
  g_mutex_init (&holder.mutex);
  g_cond_init (&holder.cond);
  GThread *thread = g_thread_new ("holder", hold_write_lock, &holder);
  g_mutex_lock (&holder.mutex);
  while (!holder.locked)
    g_cond_wait (&holder.cond, &holder.mutex);
  g_mutex_unlock (&holder.mutex);
  gint64 start = g_get_monotonic_time ();
  g_autoptr (EcgStepRecord) r = store_fixture_step (step, FALSE);
  *committed = ecg_run_store_commit_step (store, run, r, error);
  double seconds = (double)(g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_thread_join (thread);
  g_mutex_clear (&holder.mutex);
  g_cond_clear (&holder.cond);
  return seconds;
}

/* A lock held for 1.5 s (longer than any commit) only delays a commit; one held beyond the
 * 5 s timeout makes it fail cleanly, naming the store, with nothing written. */
static void
test_commit_waits_for_a_held_lock (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "held.db", &path);
  gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, 1);
  g_autoptr (GError) error = NULL;

  gboolean committed = FALSE;
  double waited = commit_against_holder (store, path, run, 0, 1500, &committed, &error);
  g_test_message ("the commit waited %.2f s for a lock held 1.5 s", waited);
  g_assert_no_error (error);
  g_assert_true (committed);
  g_assert_cmpfloat (waited, >, 1.4);
  g_assert_cmpfloat (waited, <, 3.0);
  g_autoptr (EcgRun) got = ecg_run_store_get_run (store, run, &error);
  g_assert_cmpstr (got->notes, ==, "held");
  g_assert_cmpint (got->n_steps, ==, 1);

  waited = commit_against_holder (store, path, run, 1, 6500, &committed, &error);
  g_test_message ("the commit gave up after %.2f s against a lock held 6.5 s", waited);
  g_assert_false (committed);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "database is locked"));
  g_assert_cmpfloat (waited, >=, 4.9);
  g_assert_cmpfloat (waited, <, 6.4);
  int last = -1;
  g_assert_true (ecg_run_store_get_last_step (store, run, &last, NULL));
  g_assert_cmpint (last, ==, 0);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/store/concurrency/two-writers-and-a-reader",
                   test_two_writers_and_a_reader);
  g_test_add_func ("/engine/store/concurrency/commit-waits-for-a-held-lock",
                   test_commit_waits_for_a_held_lock);
  return g_test_run ();
}
