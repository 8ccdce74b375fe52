/* ecg-run-store.h — the run store: one SQLite file holding every run, its steps, curves,
 * per-class figures, predictions and models (schema: ecg-store-schema.h).
 *
 * Safety: every write is one transaction (BEGIN IMMEDIATE, so a writer waits for the lock at its
 * start instead of failing half-way), the journal is a WAL with synchronous=FULL, and foreign
 * keys are enforced. A process killed at any moment leaves every committed step readable and
 * the file intact; its run is later found interrupted (ecg_run_store_mark_interrupted) and can
 * be resumed from ecg_run_store_get_last_step() + 1. Several programs (the GUI and the CLI) may
 * write one store at once: each waits up to 5 s for another's transaction.
 *
 * Ownership: a running run belongs to the process that started it (pid and host recorded);
 * only that process may commit its steps, beat its heartbeat and finish it. If another program
 * found it interrupted in the meantime, those calls fail, so a job never writes into a run that
 * was resumed elsewhere.
 *
 * Threads: an EcgRunStore may be shared between threads (calls are serialised by a lock), but a
 * job thread should open its own, so that a long commit does not hold up the GUI.
 * Errors name the store file; SQLite failures map to ECG_ERROR_FORMAT (not a run store,
 * damaged), ECG_ERROR_IO (I/O, locked for longer than the timeout, disk full), ECG_ERROR_INVALID
 * (a refused operation) and ECG_ERROR_NOT_FOUND (no such run, step or model).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "nn/ecg-model-file.h"
#include "store/ecg-run.h"
#include "store/ecg-step-record.h"

G_BEGIN_DECLS

/* A running run whose heartbeat is older than this is interrupted (a job beats at least every
 * 30 s, and every step commit beats too). */
#define ECG_RUN_STORE_STALE_SECONDS 120.0

typedef struct _EcgRunStore EcgRunStore;

/* Opens the store at `path`; with `create`, a missing (or empty) file becomes a new store,
 * otherwise a missing file is ECG_ERROR_NOT_FOUND. Brings an older schema up to date. Fails with
 * ECG_ERROR_FORMAT for a file that is not a run store ("not a run store ..."), a damaged one, or
 * another program's SQLite database (which is left untouched), ECG_ERROR_UNSUPPORTED for a store
 * written by a newer program. Owned by the caller (ecg_run_store_close). */
EcgRunStore *ecg_run_store_open (const char *path, gboolean create, GError **error);
void ecg_run_store_close (EcgRunStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRunStore, ecg_run_store_close)

/* The path the store was opened with (owned by the store). */
const char *ecg_run_store_get_path (EcgRunStore *store);

/* What a new run is. */
typedef struct
{
  EcgRunKind kind;
  const char *name;         /* NULL = "" */
  JsonObject *config;       /* the run's settings; NULL = {} */
  JsonObject *provenance;   /* program version, git hash, data checksums, CPU, kernel path,
                               threads; NULL = {} (see ecg_run_store_set_provenance) */
  gint64 parent_run;        /* the run whose model this one starts from; 0 = none */
  int parent_step;          /* that run's step; -1 = none */
  const char *parent_model; /* or the model file it starts from; NULL = none */
} EcgRunSpec;

/* A spec of `kind` with everything else unset. */
void ecg_run_spec_init (EcgRunSpec *spec, EcgRunKind kind);

/* Creates a queued run and returns its id (> 0), or 0 on error. The config's common members are
 * also copied to the params table, and must have these types when present: "arch", "method"
 * (strings); "alpha", "beta", "target_sparsity", "temperature", "kd_weight" (numbers); "steps",
 * "finetune_epochs", "seed" (integers); "kd", "structured", "class_aware" (booleans) —
 * ECG_ERROR_INVALID otherwise. A parent_run that does not exist is ECG_ERROR_NOT_FOUND. */
gint64 ecg_run_store_create_run (EcgRunStore *store, const EcgRunSpec *spec, GError **error);

/* Claims a queued, interrupted, cancelled or failed run for this process: status running, pid =
 * getpid(), host = g_get_host_name(), heartbeat now, started set on the first start, error and
 * finished cleared. A running or finished run is ECG_ERROR_INVALID. */
gboolean ecg_run_store_mark_started (EcgRunStore *store, gint64 run, GError **error);

/* Records that this process is still working on `run`. ECG_ERROR_INVALID when the run is no
 * longer running in this process (found interrupted and resumed elsewhere): the job should stop. */
gboolean ecg_run_store_heartbeat (EcgRunStore *store, gint64 run, GError **error);

/* Commits `record` as a step of `run` in one transaction: the step row, its per-class rows,
 * curve points, model (when record->model is set; then model_arch too) and predictions (when
 * set) — all or nothing. Also beats the heartbeat. The run must be running in this process
 * (ECG_ERROR_INVALID otherwise); a step number already committed is ECG_ERROR_INVALID. */
gboolean ecg_run_store_commit_step (EcgRunStore *store, gint64 run, const EcgStepRecord *record,
                                    GError **error);

/* Ends `run` with `status` (finished, failed or cancelled) and `error_text` (may be NULL). The
 * run must be running in this process or still queued (a job that failed before it started). */
gboolean ecg_run_store_finish (EcgRunStore *store, gint64 run, EcgRunStatus status,
                               const char *error_text, GError **error);

/* Replaces the run's provenance object. */
gboolean ecg_run_store_set_provenance (EcgRunStore *store, gint64 run, JsonObject *provenance,
                                       GError **error);
gboolean ecg_run_store_rename (EcgRunStore *store, gint64 run, const char *name, GError **error);
gboolean ecg_run_store_set_notes (EcgRunStore *store, gint64 run, const char *notes,
                                  GError **error);

/* Deletes `run` with its params, steps, per-class rows, curves, predictions and models; runs
 * that started from it lose their parent_run. A run still running (not interrupted by the rules
 * of ecg_run_store_find_interrupted) is ECG_ERROR_INVALID. */
gboolean ecg_run_store_delete_run (EcgRunStore *store, gint64 run, GError **error);

/* Every run by id, without steps (run->steps NULL, n_steps set). Owned by the caller (a
 * GPtrArray of EcgRun* that frees them). */
GPtrArray *ecg_run_store_list_runs (EcgRunStore *store, GError **error);

/* Ids (gint64, ascending) of the runs of `kind` whose config holds every member of
 * `config_subset` with an equal value (NULL = all runs of the kind) — e.g. the dense model of
 * an architecture and seed that `reproduce` already trained. Owned by the caller. */
GArray *ecg_run_store_find_runs (EcgRunStore *store, EcgRunKind kind, JsonObject *config_subset,
                                 GError **error);

/* The run with its steps (per-class figures and curves loaded; model and predictions not),
 * read in one snapshot. ECG_ERROR_NOT_FOUND for no such run. Owned by the caller. */
EcgRun *ecg_run_store_get_run (EcgRunStore *store, gint64 run, GError **error);

/* The last committed step of `run` in *step, or -1 when it has none (a resumed run starts at
 * *step + 1). ECG_ERROR_NOT_FOUND for no such run. */
gboolean ecg_run_store_get_last_step (EcgRunStore *store, gint64 run, int *step, GError **error);

/* The model file bytes stored with a step; ECG_ERROR_NOT_FOUND when the step has none. Owned by
 * the caller. */
GBytes *ecg_run_store_load_model (EcgRunStore *store, gint64 run, int step, GError **error);
/* The same read as a model file (ecg_model_file_load_from_data; errors name the store, run and
 * step). Owned by the caller. */
EcgModelFile *ecg_run_store_load_model_file (EcgRunStore *store, gint64 run, int step,
                                             GError **error);
/* The predictions stored with a step in item order (n = 0 when none were stored).
 * ECG_ERROR_NOT_FOUND for no such step. Owned by the caller. */
EcgPredictions *ecg_run_store_load_predictions (EcgRunStore *store, gint64 run, int step,
                                                GError **error);

/* Ids (gint64, ascending) of running runs that are interrupted: run on this host by a process
 * that no longer exists (kill (pid, 0) fails with ESRCH), or with no heartbeat in the last
 * `stale_seconds` (any host; use ECG_RUN_STORE_STALE_SECONDS). Another program having the store
 * open changes nothing. Owned by the caller. */
GArray *ecg_run_store_find_interrupted (EcgRunStore *store, double stale_seconds, GError **error);
/* Marks those runs interrupted (with the reason in their error text) in one transaction and
 * returns their ids. Owned by the caller. */
GArray *ecg_run_store_mark_interrupted (EcgRunStore *store, double stale_seconds, GError **error);

/* PRAGMA integrity_check and foreign_key_check; ECG_ERROR_FORMAT naming the first problems. */
gboolean ecg_run_store_check_integrity (EcgRunStore *store, GError **error);

G_END_DECLS
