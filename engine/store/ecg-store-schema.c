/* ecg-store-schema.c — the run store's schema as an ordered list of migrations (see
 * ecg-store-schema.h for what each table holds). */
#include "store/ecg-store-schema.h"

#include <string.h>

#include "ecg-error.h"
#include "store/ecg-store-private.h"

typedef struct
{
  int version;         /* the store's user_version after this migration */
  const char *summary; /* named in errors */
  const char *sql;     /* DDL only: no values */
} EcgStoreMigration;

/* Version 1: the tables. CHECK constraints keep the enumerations closed, so a row that the
 * program could not read back is refused when written. */
/* clang-format off */
static const char migration_1_sql[] =
  "CREATE TABLE runs (\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  kind TEXT NOT NULL\n"
  "    CHECK (kind IN ('train', 'prune', 'quantise', 'evaluate', 'sensitivity')),\n"
  "  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed',\n"
  "                                         'cancelled', 'interrupted')),\n"
  "  name TEXT NOT NULL DEFAULT '',\n"
  "  notes TEXT NOT NULL DEFAULT '',\n"
  "  config TEXT NOT NULL DEFAULT '{}',\n"
  "  provenance TEXT NOT NULL DEFAULT '{}',\n"
  "  parent_run INTEGER REFERENCES runs (id) ON DELETE SET NULL,\n"
  "  parent_step INTEGER CHECK (parent_step >= 0),\n"
  "  parent_model TEXT,\n"
  "  created TEXT NOT NULL,\n"
  "  started TEXT,\n"
  "  finished TEXT,\n"
  "  error TEXT,\n"
  "  pid INTEGER,\n"
  "  host TEXT,\n"
  "  heartbeat TEXT\n"
  ");\n"
  "CREATE TABLE params (\n"
  "  run INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  arch TEXT,\n"
  "  method TEXT,\n"
  "  alpha REAL,\n"
  "  beta REAL,\n"
  "  target_sparsity REAL,\n"
  "  steps INTEGER,\n"
  "  finetune_epochs INTEGER,\n"
  "  kd INTEGER,\n"
  "  temperature REAL,\n"
  "  kd_weight REAL,\n"
  "  seed INTEGER,\n"
  "  structured INTEGER,\n"
  "  class_aware INTEGER\n"
  ");\n"
  "CREATE TABLE steps (\n"
  "  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  step INTEGER NOT NULL CHECK (step >= 0),\n"
  "  sparsity REAL,\n"
  "  n_params INTEGER,\n"
  "  nonzero_params INTEGER,\n"
  "  prunable_params INTEGER,\n"
  "  nonzero_prunable_params INTEGER,\n"
  "  macs INTEGER,\n"
  "  tf_flops INTEGER,\n"
  "  latency_ms REAL,\n"
  "  energy_proxy_mmac_ms REAL,\n"
  "  energy_tf_flops_0_45pj_j REAL,\n"
  "  energy_op_model_45nm_j REAL,\n"
  "  energy_measured_or_estimated_j REAL,\n"
  "  energy_measured_method TEXT CHECK (energy_measured_method IN ('rapl', 'estimate')),\n"
  "  accuracy REAL,\n"
  "  macro_f1 REAL,\n"
  "  auroc REAL,\n"
  "  auprc REAL,\n"
  "  f1_at_0_5 REAL,\n"
  "  metrics TEXT NOT NULL DEFAULT '{}',\n"
  "  created TEXT NOT NULL,\n"
  "  PRIMARY KEY (run, step)\n"
  ");\n"
  "CREATE TABLE per_class (\n"
  "  run INTEGER NOT NULL,\n"
  "  step INTEGER NOT NULL,\n"
  "  class_index INTEGER NOT NULL CHECK (class_index >= 0),\n"
  "  class TEXT NOT NULL,\n"
  "  sensitivity REAL,\n"
  "  ppv REAL,\n"
  "  f1 REAL,\n"
  "  support INTEGER,\n"
  "  auroc REAL,\n"
  "  auprc REAL,\n"
  "  PRIMARY KEY (run, step, class_index),\n"
  "  FOREIGN KEY (run, step) REFERENCES steps (run, step) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE curves (\n"
  "  run INTEGER NOT NULL,\n"
  "  step INTEGER NOT NULL,\n"
  "  key TEXT NOT NULL,\n"
  "  epoch INTEGER NOT NULL,\n"
  "  value REAL,\n"
  "  PRIMARY KEY (run, step, key, epoch),\n"
  "  FOREIGN KEY (run, step) REFERENCES steps (run, step) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE predictions (\n"
  "  run INTEGER NOT NULL,\n"
  "  step INTEGER NOT NULL,\n"
  "  item INTEGER NOT NULL CHECK (item >= 0),\n"
  "  record TEXT NOT NULL,\n"
  "  sample INTEGER NOT NULL,\n"
  "  reference INTEGER NOT NULL,\n"
  "  predicted INTEGER NOT NULL,\n"
  "  scores BLOB NOT NULL,\n"
  "  PRIMARY KEY (run, step, item),\n"
  "  FOREIGN KEY (run, step) REFERENCES steps (run, step) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE models (\n"
  "  run INTEGER NOT NULL,\n"
  "  step INTEGER NOT NULL,\n"
  "  arch TEXT NOT NULL,\n"
  "  bytes BLOB NOT NULL,\n"
  "  created TEXT NOT NULL,\n"
  "  PRIMARY KEY (run, step),\n"
  "  FOREIGN KEY (run, step) REFERENCES steps (run, step) ON DELETE CASCADE\n"
  ");\n";

/* Version 2: SQLite looks a deleted parent's children up by the child key, so runs.parent_run
 * wants an index (without it a delete scans every run); the interrupted-run scan reads running
 * runs only; sweeps select runs by architecture, method and sparsity. */
static const char migration_2_sql[] =
  "CREATE INDEX runs_by_status ON runs (status);\n"
  "CREATE INDEX runs_by_parent ON runs (parent_run);\n"
  "CREATE INDEX params_by_method ON params (arch, method, target_sparsity);\n";
/* clang-format on */

static const EcgStoreMigration migrations[] = {
  { 1, "create the tables", migration_1_sql },
  { 2, "index runs by status and parent, params by method", migration_2_sql },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == ECG_STORE_SCHEMA_VERSION);

/* One integer from a query such as a pragma; `what` names it in errors. */
static gboolean
query_int (sqlite3 *db, const char *label, const char *sql, const char *what, gint64 *value,
           GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, db, rc, label, "reading %s", what);
      return FALSE;
    }
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
ecg_store_schema_identify (sqlite3 *db, const char *label, int *version, GError **error)
{
  gint64 application_id = 0, user_version = 0, n_objects = 0;
  if (!query_int (db, label, "PRAGMA application_id", "the file header", &application_id, error)
      || !query_int (db, label, "PRAGMA user_version", "the schema version", &user_version, error)
      || !query_int (db, label, "SELECT count(*) FROM sqlite_schema", "the schema", &n_objects,
                     error))
    return FALSE;

  if (application_id == 0 && user_version == 0 && n_objects == 0)
    {
      *version = 0; /* a new, empty database */
      return TRUE;
    }
  if (application_id != ECG_STORE_APPLICATION_ID)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not a run store (an SQLite database of another program: application id "
                   "0x%08x, %" G_GINT64_FORMAT " schema objects)",
                   label, (guint32)application_id, n_objects);
      return FALSE;
    }
  if (user_version > ECG_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: run store schema version %" G_GINT64_FORMAT " is newer than this program "
                   "knows (%d); open it with a newer ECG Workbench",
                   label, user_version, ECG_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (user_version < 1)
    {
      /* The id and the version are set in one transaction; one without the other is not ours. */
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not a run store (run store id but schema version %" G_GINT64_FORMAT ")",
                   label, user_version);
      return FALSE;
    }
  *version = (int)user_version;
  return TRUE;
}

gboolean
ecg_store_schema_migrate (sqlite3 *db, const char *label, int target_version, GError **error)
{
  g_return_val_if_fail (target_version >= 1 && target_version <= ECG_STORE_SCHEMA_VERSION, FALSE);

  /* An up-to-date store (the usual case) needs no write lock: opening it while a job commits
   * must not wait for that job. */
  int current = 0;
  if (!ecg_store_schema_identify (db, label, &current, error))
    return FALSE;
  if (current >= target_version)
    return TRUE;

  for (;;)
    {
      /* IMMEDIATE takes the write lock first, so the version read below cannot change before the
       * migration commits: of two programs opening a new store, the second sees it migrated. */
      if (!ecg_store_exec (db, label, "BEGIN IMMEDIATE", error))
        return FALSE;
      int version = 0;
      if (!ecg_store_schema_identify (db, label, &version, error))
        {
          ecg_store_rollback (db);
          return FALSE;
        }
      if (version >= target_version)
        return ecg_store_exec (db, label, "COMMIT", error);

      const EcgStoreMigration *migration = &migrations[version];
      g_assert (migration->version == version + 1);
      /* Pragmas take no bound values; the numbers are the program's own constants. */
      g_autofree char *stamp = g_strdup_printf ("PRAGMA application_id = %d;\n"
                                                "PRAGMA user_version = %d;\n",
                                                ECG_STORE_APPLICATION_ID, migration->version);
      g_autoptr (GError) local_error = NULL;
      if (!ecg_store_exec (db, label, migration->sql, &local_error)
          || !ecg_store_exec (db, label, stamp, &local_error)
          || !ecg_store_exec (db, label, "COMMIT", &local_error))
        {
          ecg_store_rollback (db);
          /* The inner message names the file too; say it once. */
          const char *detail = local_error->message;
          if (g_str_has_prefix (detail, label) && g_str_has_prefix (detail + strlen (label), ": "))
            detail += strlen (label) + 2;
          g_set_error (error, local_error->domain, local_error->code,
                       "%s: migrating to schema version %d (%s) failed, store left at version "
                       "%d: %s",
                       label, migration->version, migration->summary, version, detail);
          return FALSE;
        }
    }
}
