/* ecg-job.h — long work (training, pruning, quantising) as a job: progress and cancellation.
 *
 * A job function runs on whatever thread calls it, reports progress through an
 * EcgJobProgressFunc (called on that thread) and checks its GCancellable between batches. The
 * CLI calls job functions directly; the GUI runs them with ecg_job_run_async(), which uses a
 * GTask in a worker thread and delivers progress in the caller's main context, so the UI
 * thread never blocks on compute or disk.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *stage;     /* "evaluate", "prune", "fine-tune", "quantise", ... (static) */
  int step;              /* pruning step, 0 = dense */
  int n_steps;
  int epoch;             /* within the stage, 1-based; 0 when not training */
  int n_epochs;
  gsize batch;
  gsize n_batches;
  double loss;           /* running mean loss of the epoch, NaN when none */
  double fraction;       /* of the whole job, 0..1 */
  double val_score;      /* stage "validated" (an epoch's end): its validation score; else unset */
} EcgJobProgress;

typedef void (*EcgJobProgressFunc) (const EcgJobProgress *progress, gpointer user_data);

/* The job body: returns FALSE with an error (ECG_ERROR_CANCELLED when cancelled). */
typedef gboolean (*EcgJobFunc) (gpointer job_data, EcgJobProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GError **error);

/* Runs `func (job_data, ...)` in a worker thread. `progress` (may be NULL) is called in the
 * thread-default main context of the caller, with the latest progress only (intermediate
 * updates may be coalesced). `job_data` is freed with `destroy` when the job ends. */
void ecg_job_run_async (EcgJobFunc func, gpointer job_data, GDestroyNotify destroy,
                        EcgJobProgressFunc progress, gpointer progress_data,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
gboolean ecg_job_run_finish (GAsyncResult *result, GError **error);

/* A run's provenance (DESIGN.md §8): program version and git hash, CPU model, threads and the
 * data folder. Every job kind stores one; a job adds its own members (e.g. the parent model's
 * checksum). Owned by the caller. */
JsonObject *ecg_job_provenance_new (int threads, const char *data_dir);

G_END_DECLS
