/* ecg-store-schema.h — the run store's SQLite schema and its migrations.
 *
 * A run store is an SQLite file whose header says so: `PRAGMA application_id` = "ECGW"
 * (0x45434757) and `PRAGMA user_version` = the schema version. The schema is the result of an
 * ordered list of migrations; migration v takes a store from version v-1 to v, and each runs in
 * its own BEGIN IMMEDIATE transaction that also sets user_version, so a store is always at one
 * exact version (a crash or a failing migration leaves it at the previous one). Two programs
 * opening a new store at once do not both migrate: the version is re-read inside the
 * transaction. Adding a change later is one entry appended to the list in ecg-store-schema.c
 * plus ECG_STORE_SCHEMA_VERSION raised by one (a static assertion keeps the two equal).
 *
 * Version 1 — the tables (times are ISO 8601 UTC text, see ecg_store_now_iso):
 *   runs        id (AUTOINCREMENT: a deleted run's id is never reused), kind, status, name,
 *               notes, config (JSON object: the run's settings as given), provenance (JSON
 *               object: program version and git hash, data checksums, CPU model, kernel path,
 *               threads — filled by the caller), parent_run (-> runs, SET NULL on delete),
 *               parent_step, parent_model (path of the model file the run started from),
 *               created, started, finished, error, pid, host, heartbeat.
 *   params      one row per run: the common settings copied out of the config JSON at creation
 *               (arch, method, alpha, beta, target_sparsity, steps, finetune_epochs, kd,
 *               temperature, kd_weight, seed, structured, class_aware) so that SQL can select
 *               and group runs by them; the config JSON stays the one source of truth.
 *   steps       (run, step) key; sparsity, parameter counts, MACs, TF-FLOPs, latency, the four
 *               energy figures and the measured method, the headline metrics (accuracy,
 *               macro_f1, auroc, auprc, f1_at_0_5) as columns, every other figure in `metrics`
 *               (JSON object), created.
 *   per_class   (run, step, class_index) -> steps: class name, sensitivity, PPV, F1, support,
 *               AUROC, AUPRC.
 *   curves      (run, step, key, epoch) -> steps: value (training loss per epoch etc.).
 *   predictions (run, step, item) -> steps: record, sample, reference, predicted, scores
 *               (float32 little-endian blob, one per class).
 *   models      (run, step) -> steps: arch, bytes (the model file of ecg-model-file.h, masks in
 *               its MASK section), created.
 *   Every child row is deleted with its step, every step with its run (ON DELETE CASCADE).
 * Version 2 — indexes: runs by status (the interrupted-run scan) and by parent_run (a deleted
 *   run's children are found without a scan), params by arch, method and target sparsity.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define ECG_STORE_APPLICATION_ID 0x45434757 /* "ECGW" */
/* The newest schema this program knows (the number of migrations). */
#define ECG_STORE_SCHEMA_VERSION 2

/* Identifies the file behind `db` without writing to it: a run store (application id ECGW) at
 * a version this program knows, or an empty database. Sets *version (0 for an empty database).
 * Fails with ECG_ERROR_FORMAT ("not a run store") for a file that is not SQLite, is damaged, or
 * is another program's database; ECG_ERROR_UNSUPPORTED for a run store newer than
 * ECG_STORE_SCHEMA_VERSION. `label` names the file in messages. */
gboolean ecg_store_schema_identify (sqlite3 *db, const char *label, int *version, GError **error);

/* Applies the migrations after the store's version up to `target_version` (1 ..
 * ECG_STORE_SCHEMA_VERSION), each in its own transaction. A store already at or past the target
 * is left alone. On failure the store stays at the last version that committed and the error
 * names the migration. */
gboolean ecg_store_schema_migrate (sqlite3 *db, const char *label, int target_version,
                                   GError **error);

G_END_DECLS
