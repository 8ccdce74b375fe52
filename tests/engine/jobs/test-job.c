/* Tests of the job runner: progress arrives in the caller's main context, the result and
 * errors come back, cancellation stops the job. */
#include "ecg-error.h"
#include "jobs/ecg-job.h"

typedef struct
{
  int n_batches;
  GThread *worker;     /* the thread the job body ran on */
} CountingJob;

static gboolean
counting_job (gpointer data, EcgJobProgressFunc progress, gpointer progress_data,
              GCancellable *cancellable, GError **error)
{
  CountingJob *job = data;
  job->worker = g_thread_self ();
  for (int b = 1; b <= job->n_batches; b++)
    {
      if (ecg_error_set_if_cancelled (cancellable, error))
        return FALSE;
      EcgJobProgress p = { .stage = "count", .batch = (gsize) b,
                           .n_batches = (gsize) job->n_batches,
                           .fraction = (double) b / job->n_batches };
      progress (&p, progress_data);
      g_usleep (1000);
    }
  return TRUE;
}

typedef struct
{
  GMainLoop *loop;
  GThread *main_thread;
  int progress_calls;
  gboolean progress_on_main;
  double last_fraction;
  gboolean done;
  gboolean ok;
  GError *error;
  GCancellable *cancel_at_half;
} Watcher;

static void
on_progress (const EcgJobProgress *p, gpointer data)
{
  Watcher *w = data;
  w->progress_calls++;
  w->progress_on_main &= g_thread_self () == w->main_thread;
  /* Coalesced but never out of order. */
  g_assert_cmpfloat (p->fraction, >=, w->last_fraction);
  w->last_fraction = p->fraction;
  if (w->cancel_at_half != NULL && p->fraction >= 0.5)
    g_cancellable_cancel (w->cancel_at_half);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Watcher *w = data;
  w->ok = ecg_job_run_finish (result, &w->error);
  w->done = TRUE;
  g_main_loop_quit (w->loop);
}

static void
test_progress_in_main_context (void)
{
  CountingJob *job = g_new0 (CountingJob, 1);
  job->n_batches = 50;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Watcher w = { loop, g_thread_self (), 0, TRUE, 0, FALSE, FALSE, NULL, NULL };
  /* No destroy function: the test reads the job data after the run. */
  ecg_job_run_async (counting_job, job, NULL, on_progress, &w, NULL, on_done, &w);
  g_main_loop_run (loop);
  g_assert_true (w.done);
  g_assert_true (w.ok);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.progress_calls, >=, 1);
  g_assert_cmpint (w.progress_calls, <=, 50);
  g_assert_true (w.progress_on_main);
  /* The last update is always delivered. */
  g_assert_cmpfloat (w.last_fraction, ==, 1.0);
  g_assert_true (job->worker != g_thread_self ());
  g_free (job);
}

static void
test_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  CountingJob *job = g_new0 (CountingJob, 1);
  job->n_batches = 2000;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Watcher w = { loop, g_thread_self (), 0, TRUE, 0, FALSE, FALSE, NULL, cancellable };
  ecg_job_run_async (counting_job, job, g_free, on_progress, &w, cancellable, on_done, &w);
  g_main_loop_run (loop);
  g_assert_false (w.ok);
  g_assert_error (w.error, ECG_ERROR, ECG_ERROR_CANCELLED);
  /* Stopped at the next batch after the request, far from the end. */
  g_assert_cmpfloat (w.last_fraction, <, 0.75);
  g_clear_error (&w.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/jobs/job/progress-in-main-context", test_progress_in_main_context);
  g_test_add_func ("/engine/jobs/job/cancel", test_cancel);
  return g_test_run ();
}
