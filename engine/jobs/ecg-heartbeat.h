/* ecg-heartbeat.h — keeps a running run's heartbeat fresh from a thread of its own.
 *
 * A run counts as interrupted when its heartbeat is older than the stale limit (120 s), and a
 * single step (a DS2 evaluation, a latency measurement) can take longer than that with no
 * progress callback in between. The heartbeat thread writes through its own store connection
 * every `interval` seconds until stopped.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EcgHeartbeat EcgHeartbeat;

/* Starts beating for `run` of the store at `store_path`. Never fails: a beat that cannot be
 * written is retried at the next interval. */
EcgHeartbeat *ecg_heartbeat_start (const char *store_path, gint64 run, double interval_seconds);
/* Stops the thread and waits for it. NULL is allowed. */
void ecg_heartbeat_stop (EcgHeartbeat *heartbeat);

G_END_DECLS
