/* ecg-heartbeat.c — a thread that heartbeats a run until told to stop. */
#include "jobs/ecg-heartbeat.h"

#include "store/ecg-run-store.h"

struct _EcgHeartbeat
{
  char *store_path;
  gint64 run;
  gint64 interval_us;
  GMutex lock;
  GCond wake;
  gboolean stop;
  GThread *thread;
};

static gpointer
beat_loop (gpointer data)
{
  EcgHeartbeat *h = data;
  g_autoptr (EcgRunStore) store = NULL;
  g_mutex_lock (&h->lock);
  while (!h->stop)
    {
      gint64 deadline = g_get_monotonic_time () + h->interval_us;
      while (!h->stop && g_cond_wait_until (&h->wake, &h->lock, deadline))
        ;
      if (h->stop)
        break;
      g_mutex_unlock (&h->lock);
      if (store == NULL)
        store = ecg_run_store_open (h->store_path, FALSE, NULL);
      if (store != NULL)
        ecg_run_store_heartbeat (store, h->run, NULL);
      g_mutex_lock (&h->lock);
    }
  g_mutex_unlock (&h->lock);
  return NULL;
}

EcgHeartbeat *
ecg_heartbeat_start (const char *store_path, gint64 run, double interval_seconds)
{
  EcgHeartbeat *h = g_new0 (EcgHeartbeat, 1);
  h->store_path = g_strdup (store_path);
  h->run = run;
  h->interval_us = (gint64) (interval_seconds * G_USEC_PER_SEC);
  g_mutex_init (&h->lock);
  g_cond_init (&h->wake);
  h->thread = g_thread_new ("run-heartbeat", beat_loop, h);
  return h;
}

void
ecg_heartbeat_stop (EcgHeartbeat *h)
{
  if (h == NULL)
    return;
  g_mutex_lock (&h->lock);
  h->stop = TRUE;
  g_cond_signal (&h->wake);
  g_mutex_unlock (&h->lock);
  g_thread_join (h->thread);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->wake);
  g_free (h->store_path);
  g_free (h);
}
