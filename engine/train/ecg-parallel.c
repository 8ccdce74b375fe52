/* ecg-parallel.c — a fork-join over a GThreadPool. */
#include "train/ecg-parallel.h"

struct _EcgParallel
{
  int threads;
  GThreadPool *pool;
  GMutex mutex;
  GCond done;
  int pending;
  EcgParallelFunc func;
  gpointer user_data;
};

static void
worker (gpointer task_plus_one, gpointer data)
{
  EcgParallel *p = data;
  p->func (GPOINTER_TO_INT (task_plus_one) - 1, p->user_data);
  g_mutex_lock (&p->mutex);
  if (--p->pending == 0)
    g_cond_signal (&p->done);
  g_mutex_unlock (&p->mutex);
}

EcgParallel *
ecg_parallel_new (int threads)
{
  EcgParallel *p = g_new0 (EcgParallel, 1);
  p->threads = MAX (threads, 1);
  g_mutex_init (&p->mutex);
  g_cond_init (&p->done);
  if (p->threads > 1)
    p->pool = g_thread_pool_new (worker, p, p->threads, TRUE, NULL);
  return p;
}

int
ecg_parallel_threads (const EcgParallel *parallel)
{
  return parallel->threads;
}

void
ecg_parallel_run (EcgParallel *p, int n_tasks, EcgParallelFunc func, gpointer user_data)
{
  if (p->pool == NULL || n_tasks == 1)
    {
      for (int t = 0; t < n_tasks; t++)
        func (t, user_data);
      return;
    }
  p->func = func;
  p->user_data = user_data;
  p->pending = n_tasks;
  /* Task ids go in as id + 1: GThreadPool does not accept NULL data. */
  for (int t = 0; t < n_tasks; t++)
    g_thread_pool_push (p->pool, GINT_TO_POINTER (t + 1), NULL);
  g_mutex_lock (&p->mutex);
  while (p->pending > 0)
    g_cond_wait (&p->done, &p->mutex);
  g_mutex_unlock (&p->mutex);
}

void
ecg_parallel_free (EcgParallel *p)
{
  if (p == NULL)
    return;
  if (p->pool != NULL)
    g_thread_pool_free (p->pool, FALSE, TRUE);
  g_mutex_clear (&p->mutex);
  g_cond_clear (&p->done);
  g_free (p);
}
