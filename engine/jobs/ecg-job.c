/* ecg-job.c — running a job in a GTask worker thread with progress in the main context. */
#include "jobs/ecg-job.h"

#include <string.h>

#include "ecg-config.h"

typedef struct
{
  EcgJobFunc func;
  gpointer job_data;
  GDestroyNotify destroy;
  EcgJobProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  GTask *task;            /* not a reference: valid while the job runs */
  /* The latest progress, handed to the main context; guarded by `lock`. */
  GMutex lock;
  EcgJobProgress latest;
  gboolean dispatch_pending;
} JobState;

static void
job_state_free (JobState *state)
{
  /* The last reference may be dropped on either thread. Every access of the other thread was
   * made under the lock (see dispatch_progress), so taking it once orders them before the
   * free for ThreadSanitizer too, which cannot see GObject's reference counting. */
  g_mutex_lock (&state->lock);
  g_mutex_unlock (&state->lock);
  if (state->destroy != NULL)
    state->destroy (state->job_data);
  g_main_context_unref (state->context);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static gboolean
dispatch_progress (gpointer data)
{
  JobState *state = g_task_get_task_data (G_TASK (data));
  EcgJobProgress copy;
  g_mutex_lock (&state->lock);
  copy = state->latest;
  state->dispatch_pending = FALSE;
  EcgJobProgressFunc progress = state->progress;
  gpointer progress_data = state->progress_data;
  g_mutex_unlock (&state->lock);
  progress (&copy, progress_data);
  return G_SOURCE_REMOVE;
}

/* Called on the worker thread: keep the newest progress, schedule one dispatch at a time. */
static void
forward_progress (const EcgJobProgress *progress, gpointer data)
{
  JobState *state = data;
  if (state->progress == NULL)
    return;
  g_mutex_lock (&state->lock);
  state->latest = *progress;
  if (!state->dispatch_pending)
    {
      /* The source holds the task, and the task holds the state, until the dispatch. It is
       * made under the lock that the dispatch takes, so that its making visibly precedes its
       * freeing after the dispatch (ThreadSanitizer cannot see GMainContext's own lock). The
       * dispatch never holds the context's lock when it takes ours: no deadlock. */
      state->dispatch_pending = TRUE;
      GSource *source = g_idle_source_new ();
      g_source_set_callback (source, dispatch_progress, g_object_ref (state->task),
                             g_object_unref);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_attach (source, state->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&state->lock);
}

static void
job_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  JobState *state = task_data;
  GError *error = NULL;
  if (state->func (state->job_data, forward_progress, state, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ecg_job_run_async (EcgJobFunc func, gpointer job_data, GDestroyNotify destroy,
                   EcgJobProgressFunc progress, gpointer progress_data,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  JobState *state = g_new0 (JobState, 1);
  state->func = func;
  state->job_data = job_data;
  state->destroy = destroy;
  state->progress = progress;
  state->progress_data = progress_data;
  state->context = g_main_context_ref_thread_default ();
  g_mutex_init (&state->lock);

  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_job_run_async);
  g_task_set_task_data (task, state, (GDestroyNotify) job_state_free);
  state->task = task;
  /* The job itself checks the cancellable between batches. */
  g_task_set_return_on_cancel (task, FALSE);
  /* Report the job's own ECG_ERROR_CANCELLED, not GIO's substitute. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
}

gboolean
ecg_job_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

JsonObject *
ecg_job_provenance_new (int threads, const char *data_dir)
{
  JsonObject *p = json_object_new ();
  json_object_set_string_member (p, "program", "ecgwb " ECG_VERSION);
  json_object_set_string_member (p, "git", ECG_GIT_HASH);
  json_object_set_int_member (p, "threads", threads);
  g_autofree char *cpuinfo = NULL;
  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      const char *line = strstr (cpuinfo, "model name");
      const char *colon = line ? strchr (line, ':') : NULL;
      if (colon != NULL)
        {
          g_autofree char *name = g_strndup (colon + 2, strcspn (colon + 2, "\n"));
          json_object_set_string_member (p, "cpu", name);
        }
    }
  json_object_set_string_member (p, "data", data_dir);
  return p;
}
