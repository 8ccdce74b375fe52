/* ecg-run.h — a run as the run store keeps it: one job (train, prune, quantise, evaluate,
 * sensitivity) with its settings, provenance, life cycle and steps; and the JSON that
 * `ecgwb runs list / show --json` print (shared by the CLI and the GUI).
 *
 * Life cycle: queued (created) -> running (a process claimed it: pid, host, heartbeat) ->
 * finished | failed | cancelled; a running run whose process is gone or whose heartbeat is stale
 * becomes interrupted, and interrupted, cancelled, failed or queued runs can be started again
 * (resumed from the step after their last committed one).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "store/ecg-step-record.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_RUN_KIND_TRAIN,
  ECG_RUN_KIND_PRUNE,
  ECG_RUN_KIND_QUANTISE,
  ECG_RUN_KIND_EVALUATE,
  ECG_RUN_KIND_SENSITIVITY,
} EcgRunKind;

typedef enum
{
  ECG_RUN_STATUS_QUEUED,
  ECG_RUN_STATUS_RUNNING,
  ECG_RUN_STATUS_FINISHED,
  ECG_RUN_STATUS_FAILED,
  ECG_RUN_STATUS_CANCELLED,
  ECG_RUN_STATUS_INTERRUPTED,
} EcgRunStatus;

/* "train", "prune", "quantise", "evaluate", "sensitivity" (static strings). */
const char *ecg_run_kind_to_string (EcgRunKind kind);
/* FALSE when `text` names no kind. */
gboolean ecg_run_kind_from_string (const char *text, EcgRunKind *kind);
/* "queued", "running", "finished", "failed", "cancelled", "interrupted" (static strings). */
const char *ecg_run_status_to_string (EcgRunStatus status);
gboolean ecg_run_status_from_string (const char *text, EcgRunStatus *status);

typedef struct
{
  gint64 id;
  EcgRunKind kind;
  EcgRunStatus status;
  char *name;             /* never NULL ("" when unnamed) */
  char *notes;            /* never NULL */
  JsonObject *config;     /* never NULL */
  JsonObject *provenance; /* never NULL */
  gint64 parent_run;      /* 0 = none */
  int parent_step;        /* -1 = none */
  char *parent_model;     /* NULL = none */
  char *created;          /* ISO 8601 UTC */
  char *started;          /* NULL until started */
  char *finished;         /* NULL until finished, failed or cancelled */
  char *error;            /* why it failed or was interrupted, or NULL */
  gint64 pid;             /* 0 = never started */
  char *host;             /* NULL = never started */
  char *heartbeat;        /* last sign of life, ISO 8601 UTC, or NULL */
  int n_steps;            /* committed steps */
  GPtrArray *steps;       /* EcgStepRecord by step, or NULL when not loaded (run lists) */
} EcgRun;

void ecg_run_free (EcgRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRun, ecg_run_free)

/* TRUE when a step of `run` has a macro AUROC: a multi-label (PTB-XL) run, whose JSON steps
 * carry auroc, auprc and f1_at_0_5. */
gboolean ecg_run_is_multi_label (const EcgRun *run);

/* One element of `ecgwb runs list --json`:
 *   {"id": int, "kind": str, "status": str, "created": str, "config": {...}}. Owned. */
JsonNode *ecg_run_summary_to_json (const EcgRun *run);
/* The array of `ecgwb runs list --json` for `runs` (EcgRun*). Owned by the caller. */
JsonNode *ecg_run_list_to_json (GPtrArray *runs);

/* `ecgwb runs show --json`:
 *   {"id", "kind", "status", "name", "notes", "created", "started", "finished", "error",
 *    "parent_run", "parent_step", "parent_model", "config": {...}, "provenance": {...},
 *    "steps": [ecg_step_record_to_json (step, ecg_run_is_multi_label (run))...]}
 * with null for what is unset. `run->steps` must be loaded. Owned by the caller. */
JsonNode *ecg_run_to_json (const EcgRun *run);

G_END_DECLS
