/* ecg-run-store.c — the SQLite run store (see ecg-run-store.h). */
#include "store/ecg-run-store.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "ecg-error.h"
#include "store/ecg-store-private.h"
#include "store/ecg-store-schema.h"

struct _EcgRunStore
{
  sqlite3 *db;
  char *path;  /* names the store in every error */
  GMutex lock; /* one call at a time on the connection */
  gint64 pid;  /* this process, the owner of the runs it starts */
  char *host;
  gint64 busy_since;  /* monotonic µs when the current wait for a lock began */
  guint32 busy_noise; /* LCG state jittering the waits */
};

/* clang-format off */
/* Columns of a run as run_from_row() reads them. */
#define RUN_COLUMNS                                                                             \
  "id, kind, status, name, notes, config, provenance, parent_run, parent_step, parent_model, " \
  "created, started, finished, error, pid, host, heartbeat, "                                  \
  "(SELECT count(*) FROM steps WHERE steps.run = runs.id)"

/* Columns of a step as step_from_row() reads them. */
#define STEP_COLUMNS                                                                           \
  "step, sparsity, n_params, nonzero_params, prunable_params, nonzero_prunable_params, macs, " \
  "tf_flops, latency_ms, energy_proxy_mmac_ms, energy_tf_flops_0_45pj_j, "                    \
  "energy_op_model_45nm_j, energy_measured_or_estimated_j, energy_measured_method, accuracy, " \
  "macro_f1, auroc, auprc, f1_at_0_5, metrics, created, "                                     \
  "EXISTS (SELECT 1 FROM models m WHERE m.run = steps.run AND m.step = steps.step), "         \
  "(SELECT count(*) FROM predictions p WHERE p.run = steps.run AND p.step = steps.step)"
/* clang-format on */

/* ---- opening ---------------------------------------------------------------------------- */

/* Text of a one-row pragma, or NULL with the error set. Owned by the caller. */
static char *
pragma_text (sqlite3 *db, const char *label, const char *sql, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (db, label, sql, error);
  if (stmt == NULL)
    return NULL;
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, db, rc, label, "running '%s'", sql);
      return NULL;
    }
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static gboolean
configure_connection (sqlite3 *db, const char *label, GError **error)
{
  /* WAL: readers never block the writer and a commit is one append; a crash leaves the
   * uncommitted tail of the log, which recovery ignores. The mode is stored in the file. */
  g_autofree char *journal = pragma_text (db, label, "PRAGMA journal_mode = WAL", error);
  if (journal == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (journal, "wal") != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO,
                   "%s: cannot use a write-ahead log (journal mode stays '%s'; a network file "
                   "system?)",
                   label, journal);
      return FALSE;
    }
  /* Per connection, outside any transaction. FULL syncs the log at every commit, so a committed
   * step survives a power cut as well as a killed process. */
  if (!ecg_store_exec (db, label, "PRAGMA foreign_keys = ON", error)
      || !ecg_store_exec (db, label, "PRAGMA synchronous = FULL", error))
    return FALSE;
  g_autofree char *foreign_keys = pragma_text (db, label, "PRAGMA foreign_keys", error);
  if (foreign_keys == NULL)
    return FALSE;
  if (strcmp (foreign_keys, "1") != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: this SQLite does not enforce foreign keys", label);
      return FALSE;
    }
  return TRUE;
}

/* SQLite's busy handler: waits for another connection's lock for up to
 * ECG_STORE_BUSY_TIMEOUT_MS. The built-in busy_timeout polls at growing intervals (up to
 * 100 ms), so a writer that comes back every few milliseconds, as a job committing steps
 * back to back, can starve it; polling every 0.5-2 ms (jittered, so that waiters do not poll in
 * step) finds the gaps between such commits. */
static int
wait_for_lock (void *data, int attempts)
{
  EcgRunStore *store = data;
  gint64 now = g_get_monotonic_time ();
  if (attempts == 0)
    store->busy_since = now;
  if (now - store->busy_since >= (gint64)ECG_STORE_BUSY_TIMEOUT_MS * 1000)
    return 0; /* give up: SQLITE_BUSY */
  store->busy_noise = store->busy_noise * 1664525u + 1013904223u;
  g_usleep (500 + (store->busy_noise >> 16) % 1500);
  return 1;
}

static void
store_free (EcgRunStore *store)
{
  /* The last connection to close checkpoints the log into the file and removes it. */
  sqlite3_close (store->db);
  g_mutex_clear (&store->lock);
  g_free (store->path);
  g_free (store->host);
  g_free (store);
}

/* A store being opened, freed on the error paths. */
typedef EcgRunStore EcgRunStoreOpening;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgRunStoreOpening, store_free)

EcgRunStore *
ecg_run_store_open (const char *path, gboolean create, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  if (!sqlite3_threadsafe ())
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s: SQLite was built without thread support", path);
      return NULL;
    }
  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no such run store", path);
      return NULL;
    }

  g_autoptr (EcgRunStoreOpening) store = g_new0 (EcgRunStore, 1);
  store->path = g_strdup (path);
  g_mutex_init (&store->lock);
  store->pid = (gint64)getpid ();
  store->host = g_strdup (g_get_host_name ());
  /* Different for every connection, also two of one process. */
  store->busy_noise
      = (guint32)(store->pid ^ (gint64)GPOINTER_TO_SIZE (store) ^ g_get_monotonic_time ());

  /* NOMUTEX: the store's own lock serialises the calls on its connection. */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2 (path, &store->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      ecg_store_set_error (error, store->db, rc, path, "opening the run store");
      return NULL;
    }
  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_handler (store->db, wait_for_lock, store);

  /* Identify before writing anything: another program's database must stay untouched (setting
   * the journal mode alone would change its file). */
  int version = 0;
  if (!ecg_store_schema_identify (store->db, path, &version, error)
      || !configure_connection (store->db, path, error)
      || !ecg_store_schema_migrate (store->db, path, ECG_STORE_SCHEMA_VERSION, error))
    return NULL;
  return g_steal_pointer (&store);
}

void
ecg_run_store_close (EcgRunStore *store)
{
  if (store != NULL)
    store_free (store);
}

const char *
ecg_run_store_get_path (EcgRunStore *store)
{
  return store->path;
}

sqlite3 *
ecg_run_store_get_db (EcgRunStore *store)
{
  return store->db;
}

/* ---- transactions and ownership -------------------------------------------------------------- */

static gboolean
begin_write (EcgRunStore *store, GError **error)
{
  /* IMMEDIATE takes the write lock now (waiting up to the busy timeout) rather than at the
   * first write, where a WAL reader-turned-writer would get SQLITE_BUSY without waiting. */
  return ecg_store_exec (store->db, store->path, "BEGIN IMMEDIATE", error);
}

/* Commits when `ok`, otherwise (or when the commit fails) rolls back. Returns the outcome. */
static gboolean
end_transaction (EcgRunStore *store, gboolean ok, GError **error)
{
  if (ok && ecg_store_exec (store->db, store->path, "COMMIT", error))
    return TRUE;
  ecg_store_rollback (store->db);
  return FALSE;
}

/* Why `run` is not available to this process: ECG_ERROR_NOT_FOUND when it does not exist,
 * otherwise ECG_ERROR_INVALID saying what state it is in. */
static void
explain_refusal (EcgRunStore *store, gint64 run, const char *action, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT status, pid, host FROM runs WHERE id = ?1", error);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, run);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                   store->path, run);
      return;
    }
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "reading run %" G_GINT64_FORMAT, run);
      return;
    }
  const char *status = (const char *)sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (status, "running") == 0)
    g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                 "%s: cannot %s run %" G_GINT64_FORMAT
                 ": it is running in process %" G_GINT64_FORMAT " on host %s",
                 store->path, action, run, ecg_store_column_count (stmt, 1),
                 sqlite3_column_type (stmt, 2) == SQLITE_NULL
                     ? "?"
                     : (const char *)sqlite3_column_text (stmt, 2));
  else
    g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                 "%s: cannot %s run %" G_GINT64_FORMAT ": it is %s", store->path, action, run,
                 status);
}

/* Refreshes the heartbeat of `run` if this process owns it (running, our pid and host); sets
 * the error otherwise. */
static gboolean
beat_if_owned (EcgRunStore *store, gint64 run, const char *action, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = ecg_store_prepare (store->db, store->path,
                           "UPDATE runs SET heartbeat = ?1 "
                           "WHERE id = ?2 AND status = 'running' AND pid = ?3 AND host = ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *now = ecg_store_now_iso ();
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, run);
  sqlite3_bind_int64 (stmt, 3, store->pid);
  sqlite3_bind_text (stmt, 4, store->host, -1, SQLITE_STATIC);
  if (!ecg_store_step_done (stmt, store->path, "recording a heartbeat", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      explain_refusal (store, run, action, error);
      return FALSE;
    }
  return TRUE;
}

/* ---- creating and driving runs -----------------------------------------------------------------
 */

void
ecg_run_spec_init (EcgRunSpec *spec, EcgRunKind kind)
{
  memset (spec, 0, sizeof *spec);
  spec->kind = kind;
  spec->parent_step = -1;
}

typedef enum
{
  PARAM_STRING,
  PARAM_NUMBER,
  PARAM_INTEGER,
  PARAM_BOOLEAN,
} ParamType;

/* The params table's columns, in the order of the INSERT below: each copies the config member of
 * the same name. */
static const struct
{
  const char *member;
  ParamType type;
} param_columns[] = {
  { "arch", PARAM_STRING },
  { "method", PARAM_STRING },
  { "alpha", PARAM_NUMBER },
  { "beta", PARAM_NUMBER },
  { "target_sparsity", PARAM_NUMBER },
  { "steps", PARAM_INTEGER },
  { "finetune_epochs", PARAM_INTEGER },
  { "kd", PARAM_BOOLEAN },
  { "temperature", PARAM_NUMBER },
  { "kd_weight", PARAM_NUMBER },
  { "seed", PARAM_INTEGER },
  { "structured", PARAM_BOOLEAN },
  { "class_aware", PARAM_BOOLEAN },
};

static const char insert_params_sql[]
    = "INSERT INTO params (run, arch, method, alpha, beta, target_sparsity, steps, "
      "finetune_epochs, "
      "kd, temperature, kd_weight, seed, structured, class_aware) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/* Binds param column `i` from `config` at parameter `index`; FALSE with the error set when the
 * member has the wrong type. */
static gboolean
bind_param (sqlite3_stmt *stmt, int index, JsonObject *config, guint i, const char *label,
            GError **error)
{
  const char *member = param_columns[i].member;
  JsonNode *node = config != NULL ? json_object_get_member (config, member) : NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, index);
      return TRUE;
    }
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  switch (param_columns[i].type)
    {
    case PARAM_STRING:
      if (type == G_TYPE_STRING)
        {
          sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
          return TRUE;
        }
      break;
    case PARAM_NUMBER:
      if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
        {
          sqlite3_bind_double (stmt, index, json_node_get_double (node));
          return TRUE;
        }
      break;
    case PARAM_INTEGER:
      if (type == G_TYPE_INT64)
        {
          sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
          return TRUE;
        }
      if (type == G_TYPE_DOUBLE)
        {
          double value = json_node_get_double (node);
          if (value == floor (value) && fabs (value) < 9.0e15)
            {
              sqlite3_bind_int64 (stmt, index, (gint64)value);
              return TRUE;
            }
        }
      break;
    case PARAM_BOOLEAN:
      if (type == G_TYPE_BOOLEAN)
        {
          sqlite3_bind_int (stmt, index, json_node_get_boolean (node) ? 1 : 0);
          return TRUE;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  static const char *const type_names[] = { "string", "number", "integer", "boolean" };
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: config member '%s' must be a %s", label,
               member, type_names[param_columns[i].type]);
  return FALSE;
}

static char *
object_to_string (JsonObject *object)
{
  if (object == NULL)
    return g_strdup ("{}");
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static gint64
create_run_locked (EcgRunStore *store, const EcgRunSpec *spec, GError **error)
{
  if (spec->parent_run > 0)
    {
      g_autoptr (sqlite3_stmt) parent
          = ecg_store_prepare (store->db, store->path, "SELECT 1 FROM runs WHERE id = ?1", error);
      if (parent == NULL)
        return 0;
      sqlite3_bind_int64 (parent, 1, spec->parent_run);
      int rc = sqlite3_step (parent);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                       "%s: parent run %" G_GINT64_FORMAT " does not exist", store->path,
                       spec->parent_run);
          return 0;
        }
      if (rc != SQLITE_ROW)
        {
          ecg_store_set_error (error, store->db, rc, store->path, "reading the parent run");
          return 0;
        }
    }

  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO runs (kind, status, name, config, provenance, parent_run, parent_step, "
      "parent_model, created) VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      error);
  if (stmt == NULL)
    return 0;
  g_autofree char *config = object_to_string (spec->config);
  g_autofree char *provenance = object_to_string (spec->provenance);
  g_autofree char *now = ecg_store_now_iso ();
  sqlite3_bind_text (stmt, 1, ecg_run_kind_to_string (spec->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->name != NULL ? spec->name : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, config, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, provenance, -1, SQLITE_STATIC);
  if (spec->parent_run > 0)
    sqlite3_bind_int64 (stmt, 5, spec->parent_run);
  ecg_store_bind_count (stmt, 6, spec->parent_step);
  ecg_store_bind_text (stmt, 7, spec->parent_model);
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_STATIC);
  if (!ecg_store_step_done (stmt, store->path, "creating a run", error))
    return 0;
  gint64 id = sqlite3_last_insert_rowid (store->db);

  g_autoptr (sqlite3_stmt) params
      = ecg_store_prepare (store->db, store->path, insert_params_sql, error);
  if (params == NULL)
    return 0;
  sqlite3_bind_int64 (params, 1, id);
  for (guint i = 0; i < G_N_ELEMENTS (param_columns); i++)
    if (!bind_param (params, (int)i + 2, spec->config, i, store->path, error))
      return 0;
  if (!ecg_store_step_done (params, store->path, "recording the run's params", error))
    return 0;
  return id;
}

gint64
ecg_run_store_create_run (EcgRunStore *store, const EcgRunSpec *spec, GError **error)
{
  g_return_val_if_fail (store != NULL && spec != NULL, 0);
  if (ecg_run_kind_to_string (spec->kind) == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: unknown run kind %d", store->path,
                   (int)spec->kind);
      return 0;
    }
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  if (!begin_write (store, error))
    return 0;
  gint64 id = create_run_locked (store, spec, error);
  return end_transaction (store, id > 0, error) ? id : 0;
}

gboolean
ecg_run_store_mark_started (EcgRunStore *store, gint64 run, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "UPDATE runs SET status = 'running', pid = ?1, host = ?2, heartbeat = ?3, "
      "started = coalesce (started, ?3), finished = NULL, error = NULL "
      "WHERE id = ?4 AND status IN ('queued', 'interrupted', 'cancelled', 'failed')",
      error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *now = ecg_store_now_iso ();
  sqlite3_bind_int64 (stmt, 1, store->pid);
  sqlite3_bind_text (stmt, 2, store->host, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, run);
  if (!ecg_store_step_done (stmt, store->path, "starting a run", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      explain_refusal (store, run, "start", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
ecg_run_store_heartbeat (EcgRunStore *store, gint64 run, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  return beat_if_owned (store, run, "record a heartbeat of", error);
}

/* ---- committing a step --------------------------------------------------------------------------
 */

static gboolean
validate_step (EcgRunStore *store, gint64 run, const EcgStepRecord *r, GError **error)
{
  const char *problem = NULL;
  if (r->step < 0)
    problem = "the step number is negative";
  else if (r->metrics == NULL)
    problem = "it has no metrics object";
  else if ((guint)r->energy_measured_method > ECG_STEP_ENERGY_ESTIMATE)
    problem = "its measured-energy method is unknown";
  else if (r->model != NULL && (r->model_arch == NULL || *r->model_arch == '\0'))
    problem = "its model has no architecture name";
  else if (r->model != NULL
           && (g_bytes_get_size (r->model) < strlen (ECG_MODEL_FILE_MAGIC)
               || memcmp (g_bytes_get_data (r->model, NULL), ECG_MODEL_FILE_MAGIC,
                          strlen (ECG_MODEL_FILE_MAGIC))
                      != 0))
    problem = "its model bytes are not a model file";
  for (guint i = 0; problem == NULL && i < r->per_class->len; i++)
    if (g_array_index (r->per_class, EcgStepClass, i).name == NULL)
      problem = "a class has no name";
  for (guint i = 0; problem == NULL && i < r->curve->len; i++)
    if (g_array_index (r->curve, EcgCurvePoint, i).key == NULL)
      problem = "a curve point has no key";
  const EcgPredictions *p = r->predictions;
  if (problem == NULL && p != NULL)
    {
      guint n_records = p->record_names != NULL ? g_strv_length (p->record_names) : 0;
      if (p->n_scores < 0)
        problem = "its predictions have a negative score count";
      for (gsize i = 0; problem == NULL && i < p->n; i++)
        if (p->record_of[i] >= n_records)
          problem = "a prediction refers to a record that is not named";
    }
  if (problem != NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: cannot commit step %d of run %" G_GINT64_FORMAT ": %s", store->path,
                   r->step, run, problem);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_step_row (EcgRunStore *store, gint64 run, const EcgStepRecord *r, const char *now,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) exists = ecg_store_prepare (
      store->db, store->path, "SELECT 1 FROM steps WHERE run = ?1 AND step = ?2", error);
  if (exists == NULL)
    return FALSE;
  sqlite3_bind_int64 (exists, 1, run);
  sqlite3_bind_int (exists, 2, r->step);
  int rc = sqlite3_step (exists);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: step %d of run %" G_GINT64_FORMAT " is already in the store", store->path,
                   r->step, run);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path,
                           "reading the steps of run %" G_GINT64_FORMAT, run);
      return FALSE;
    }

  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO steps (run, step, sparsity, n_params, nonzero_params, prunable_params, "
      "nonzero_prunable_params, macs, tf_flops, latency_ms, energy_proxy_mmac_ms, "
      "energy_tf_flops_0_45pj_j, energy_op_model_45nm_j, energy_measured_or_estimated_j, "
      "energy_measured_method, accuracy, macro_f1, auroc, auprc, f1_at_0_5, metrics, created) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
      "?19, ?20, ?21, ?22)",
      error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *metrics = object_to_string (r->metrics);
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, r->step);
  ecg_store_bind_double (stmt, 3, r->sparsity);
  ecg_store_bind_count (stmt, 4, r->n_params);
  ecg_store_bind_count (stmt, 5, r->nonzero_params);
  ecg_store_bind_count (stmt, 6, r->prunable_params);
  ecg_store_bind_count (stmt, 7, r->nonzero_prunable_params);
  ecg_store_bind_count (stmt, 8, r->macs);
  ecg_store_bind_count (stmt, 9, r->tf_flops);
  ecg_store_bind_double (stmt, 10, r->latency_ms);
  ecg_store_bind_double (stmt, 11, r->energy_proxy_mmac_ms);
  ecg_store_bind_double (stmt, 12, r->energy_tf_flops_0_45pj_j);
  ecg_store_bind_double (stmt, 13, r->energy_op_model_45nm_j);
  ecg_store_bind_double (stmt, 14, r->energy_measured_or_estimated_j);
  ecg_store_bind_text (stmt, 15, ecg_step_energy_method_to_string (r->energy_measured_method));
  ecg_store_bind_double (stmt, 16, r->accuracy);
  ecg_store_bind_double (stmt, 17, r->macro_f1);
  ecg_store_bind_double (stmt, 18, r->auroc);
  ecg_store_bind_double (stmt, 19, r->auprc);
  ecg_store_bind_double (stmt, 20, r->f1_at_0_5);
  sqlite3_bind_text (stmt, 21, metrics, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 22, now, -1, SQLITE_STATIC);
  return ecg_store_step_done (stmt, store->path, "inserting a step", error);
}

static gboolean
insert_per_class (EcgRunStore *store, gint64 run, const EcgStepRecord *r, GError **error)
{
  if (r->per_class->len == 0)
    return TRUE;
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO per_class (run, step, class_index, class, sensitivity, ppv, f1, support, "
      "auroc, auprc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, r->step);
  for (guint i = 0; i < r->per_class->len; i++)
    {
      const EcgStepClass *c = &g_array_index (r->per_class, EcgStepClass, i);
      sqlite3_bind_int (stmt, 3, (int)i);
      sqlite3_bind_text (stmt, 4, c->name, -1, SQLITE_STATIC);
      ecg_store_bind_double (stmt, 5, c->sensitivity);
      ecg_store_bind_double (stmt, 6, c->ppv);
      ecg_store_bind_double (stmt, 7, c->f1);
      ecg_store_bind_count (stmt, 8, c->support);
      ecg_store_bind_double (stmt, 9, c->auroc);
      ecg_store_bind_double (stmt, 10, c->auprc);
      if (!ecg_store_step_done (stmt, store->path, "inserting per-class figures", error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
insert_curve (EcgRunStore *store, gint64 run, const EcgStepRecord *r, GError **error)
{
  if (r->curve->len == 0)
    return TRUE;
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO curves (run, step, key, epoch, value) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, r->step);
  for (guint i = 0; i < r->curve->len; i++)
    {
      const EcgCurvePoint *p = &g_array_index (r->curve, EcgCurvePoint, i);
      sqlite3_bind_text (stmt, 3, p->key, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, p->epoch);
      ecg_store_bind_double (stmt, 5, p->value);
      if (!ecg_store_step_done (stmt, store->path, "inserting a curve point", error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

static gboolean
insert_model (EcgRunStore *store, gint64 run, const EcgStepRecord *r, const char *now,
              GError **error)
{
  if (r->model == NULL)
    return TRUE;
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO models (run, step, arch, bytes, created) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    return FALSE;
  gsize size = 0;
  const void *bytes = g_bytes_get_data (r->model, &size);
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, r->step);
  sqlite3_bind_text (stmt, 3, r->model_arch, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 4, bytes, size, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  return ecg_store_step_done (stmt, store->path, "inserting the step's model", error);
}

static gboolean
insert_predictions (EcgRunStore *store, gint64 run, const EcgStepRecord *r, GError **error)
{
  const EcgPredictions *p = r->predictions;
  if (p == NULL || p->n == 0)
    return TRUE;
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "INSERT INTO predictions (run, step, item, record, sample, reference, predicted, scores) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      error);
  if (stmt == NULL)
    return FALSE;
  gsize n_scores = (gsize)p->n_scores;
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
  g_autofree guint32 *le = g_new (guint32, MAX (n_scores, 1));
#endif
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, r->step);
  for (gsize i = 0; i < p->n; i++)
    {
      sqlite3_bind_int64 (stmt, 3, (gint64)i);
      sqlite3_bind_text (stmt, 4, p->record_names[p->record_of[i]], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, p->sample[i]);
      sqlite3_bind_int (stmt, 6, p->reference[i]);
      sqlite3_bind_int (stmt, 7, p->predicted[i]);
      /* Scores as float32 little-endian, the byte order of the model files. */
      if (n_scores == 0)
        sqlite3_bind_zeroblob (stmt, 8, 0);
      else
        {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
          sqlite3_bind_blob (stmt, 8, p->scores + i * n_scores, (int)(n_scores * sizeof (float)),
                             SQLITE_STATIC);
#else
          memcpy (le, p->scores + i * n_scores, n_scores * sizeof (float));
          for (gsize c = 0; c < n_scores; c++)
            le[c] = GUINT32_TO_LE (le[c]);
          sqlite3_bind_blob (stmt, 8, le, (int)(n_scores * sizeof (float)), SQLITE_TRANSIENT);
#endif
        }
      if (!ecg_store_step_done (stmt, store->path, "inserting a prediction", error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
ecg_run_store_commit_step (EcgRunStore *store, gint64 run, const EcgStepRecord *record,
                           GError **error)
{
  g_return_val_if_fail (store != NULL && record != NULL, FALSE);
  if (!validate_step (store, run, record, error))
    return FALSE;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autofree char *now = ecg_store_now_iso ();
  if (!begin_write (store, error))
    return FALSE;
  g_autofree char *action = g_strdup_printf ("commit step %d of", record->step);
  gboolean ok = beat_if_owned (store, run, action, error)
                && insert_step_row (store, run, record, now, error)
                && insert_per_class (store, run, record, error)
                && insert_curve (store, run, record, error)
                && insert_model (store, run, record, now, error)
                && insert_predictions (store, run, record, error);
  return end_transaction (store, ok, error);
}

gboolean
ecg_run_store_finish (EcgRunStore *store, gint64 run, EcgRunStatus status, const char *error_text,
                      GError **error)
{
  if (status != ECG_RUN_STATUS_FINISHED && status != ECG_RUN_STATUS_FAILED
      && status != ECG_RUN_STATUS_CANCELLED)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: a run ends finished, failed or cancelled, not %s", store->path,
                   ecg_run_status_to_string (status));
      return FALSE;
    }
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt
      = ecg_store_prepare (store->db, store->path,
                           "UPDATE runs SET status = ?1, finished = ?2, error = ?3 "
                           "WHERE id = ?4 AND (status = 'queued' "
                           "                   OR (status = 'running' AND pid = ?5 AND host = ?6))",
                           error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *now = ecg_store_now_iso ();
  sqlite3_bind_text (stmt, 1, ecg_run_status_to_string (status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  ecg_store_bind_text (stmt, 3, error_text);
  sqlite3_bind_int64 (stmt, 4, run);
  sqlite3_bind_int64 (stmt, 5, store->pid);
  sqlite3_bind_text (stmt, 6, store->host, -1, SQLITE_STATIC);
  if (!ecg_store_step_done (stmt, store->path, "finishing a run", error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      explain_refusal (store, run, "finish", error);
      return FALSE;
    }
  return TRUE;
}

/* UPDATE runs SET <column> = ?1 WHERE id = ?2, with NOT_FOUND when no row changed. */
static gboolean
update_run_text (EcgRunStore *store, gint64 run, const char *sql, const char *value,
                 const char *what, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (store->db, store->path, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, run);
  if (!ecg_store_step_done (stmt, store->path, what, error))
    return FALSE;
  if (sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                   store->path, run);
      return FALSE;
    }
  return TRUE;
}

gboolean
ecg_run_store_set_provenance (EcgRunStore *store, gint64 run, JsonObject *provenance,
                              GError **error)
{
  g_autofree char *text = object_to_string (provenance);
  return update_run_text (store, run, "UPDATE runs SET provenance = ?1 WHERE id = ?2", text,
                          "recording provenance", error);
}

gboolean
ecg_run_store_rename (EcgRunStore *store, gint64 run, const char *name, GError **error)
{
  return update_run_text (store, run, "UPDATE runs SET name = ?1 WHERE id = ?2",
                          name != NULL ? name : "", "renaming a run", error);
}

gboolean
ecg_run_store_set_notes (EcgRunStore *store, gint64 run, const char *notes, GError **error)
{
  return update_run_text (store, run, "UPDATE runs SET notes = ?1 WHERE id = ?2",
                          notes != NULL ? notes : "", "setting a run's notes", error);
}

/* ---- liveness ----------------------------------------------------------------------------------
 */

/* Why a running run with this owner and heartbeat counts as interrupted, or NULL when it does
 * not. A pid is only meaningful on its own host; elsewhere only the heartbeat speaks. A live pid
 * with a stale heartbeat is still interrupted: the pid may have been reused by another program
 * after the job died. Owned by the caller. */
static char *
interrupted_reason (EcgRunStore *store, gint64 pid, const char *host, const char *heartbeat,
                    gint64 now_us, double stale_seconds)
{
  if (host != NULL && strcmp (host, store->host) == 0 && pid > 0 && pid <= G_MAXINT
      && kill ((pid_t)pid, 0) != 0 && errno == ESRCH)
    return g_strdup_printf ("interrupted: process %" G_GINT64_FORMAT " on host %s is gone", pid,
                            host);
  g_autoptr (GDateTime) beat
      = heartbeat != NULL ? g_date_time_new_from_iso8601 (heartbeat, NULL) : NULL;
  if (beat == NULL)
    return g_strdup ("interrupted: no heartbeat recorded");
  gint64 beat_us = g_date_time_to_unix (beat) * G_USEC_PER_SEC + g_date_time_get_microsecond (beat);
  double age = (double)(now_us - beat_us) / G_USEC_PER_SEC;
  if (age > stale_seconds)
    return g_strdup_printf ("interrupted: no heartbeat for %.0f s from process %" G_GINT64_FORMAT
                            " on host %s (stale after %.0f s)",
                            age, pid, host != NULL ? host : "?", stale_seconds);
  return NULL;
}

/* Running runs that are interrupted: ids into `ids`, reasons (owned) into `reasons`. */
static gboolean
scan_interrupted (EcgRunStore *store, double stale_seconds, GArray *ids, GPtrArray *reasons,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "SELECT id, pid, host, heartbeat FROM runs WHERE status = 'running' ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  gint64 now_us = g_get_real_time ();
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *reason = interrupted_reason (
          store, ecg_store_column_count (stmt, 1), (const char *)sqlite3_column_text (stmt, 2),
          (const char *)sqlite3_column_text (stmt, 3), now_us, stale_seconds);
      if (reason == NULL)
        continue;
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
      g_ptr_array_add (reasons, reason);
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "looking for interrupted runs");
      return FALSE;
    }
  return TRUE;
}

GArray *
ecg_run_store_find_interrupted (EcgRunStore *store, double stale_seconds, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  if (!scan_interrupted (store, stale_seconds, ids, reasons, error))
    return NULL;
  return g_steal_pointer (&ids);
}

GArray *
ecg_run_store_mark_interrupted (EcgRunStore *store, double stale_seconds, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  /* Scan and mark under one write lock, so a heartbeat cannot slip in between. */
  if (!begin_write (store, error))
    return NULL;
  gboolean ok = scan_interrupted (store, stale_seconds, ids, reasons, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  if (ok && ids->len > 0)
    {
      stmt = ecg_store_prepare (store->db, store->path,
                                "UPDATE runs SET status = 'interrupted', error = ?1 "
                                "WHERE id = ?2 AND status = 'running'",
                                error);
      ok = stmt != NULL;
    }
  for (guint i = 0; ok && i < ids->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (reasons, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      ok = ecg_store_step_done (stmt, store->path, "marking a run interrupted", error);
      sqlite3_reset (stmt);
    }
  if (!end_transaction (store, ok, error))
    return NULL;
  return g_steal_pointer (&ids);
}

gboolean
ecg_run_store_delete_run (EcgRunStore *store, gint64 run, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  if (!begin_write (store, error))
    return FALSE;
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT status, pid, host, heartbeat FROM runs WHERE id = ?1", error);
  gboolean ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, run);
      int rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                       store->path, run);
          ok = FALSE;
        }
      else if (rc != SQLITE_ROW)
        {
          ecg_store_set_error (error, store->db, rc, store->path, "reading run %" G_GINT64_FORMAT,
                               run);
          ok = FALSE;
        }
      else if (g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "running") == 0)
        {
          g_autofree char *reason = interrupted_reason (
              store, ecg_store_column_count (stmt, 1), (const char *)sqlite3_column_text (stmt, 2),
              (const char *)sqlite3_column_text (stmt, 3), g_get_real_time (),
              ECG_RUN_STORE_STALE_SECONDS);
          if (reason == NULL)
            {
              explain_refusal (store, run, "delete", error);
              ok = FALSE;
            }
        }
    }
  g_autoptr (sqlite3_stmt) delete = NULL;
  if (ok)
    {
      delete = ecg_store_prepare (store->db, store->path, "DELETE FROM runs WHERE id = ?1", error);
      ok = delete != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (delete, 1, run);
      ok = ecg_store_step_done (delete, store->path, "deleting a run", error);
    }
  return end_transaction (store, ok, error);
}

/* ---- reading -----------------------------------------------------------------------------------
 */

/* json-glib's parser recurses once per nesting level with no limit: a damaged or crafted store
 * holding 100,000 '[' in a config would overflow the stack. What the store writes is strict JSON
 * nested a few levels; anything else is refused before parsing (as the model file's HEAD is):
 * text nested deeper than this, and text with comments or single-quoted strings, which json-glib
 * reads and inside which closing brackets would escape the count. */
#define MAX_JSON_DEPTH 64

static gboolean
json_depth_within (const char *text, int max_depth)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          else if (*p == '"')
            in_string = FALSE;
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '\'' || *p == '/')
        return FALSE;
      else if ((*p == '[' || *p == '{') && ++depth > max_depth)
        return FALSE;
      else if (*p == ']' || *p == '}')
        depth--;
    }
  return TRUE;
}

/* The JSON object stored in a text column; `what` names it in errors. Owned by the caller. */
static JsonObject *
column_object (sqlite3_stmt *stmt, int column, const char *label, const char *what, GError **error)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  if (text != NULL && !json_depth_within (text, MAX_JSON_DEPTH))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: %s is not strict JSON nested at most %d levels deep (the store is "
                   "damaged)", label, what, MAX_JSON_DEPTH);
      return NULL;
    }
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (JsonNode) node = text != NULL ? json_from_string (text, &parse_error) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: %s is not a JSON object%s%s", label,
                   what, parse_error != NULL ? ": " : "",
                   parse_error != NULL ? parse_error->message : "");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

static EcgRun *
run_from_row (sqlite3_stmt *stmt, const char *label, GError **error)
{
  g_autoptr (EcgRun) run = g_new0 (EcgRun, 1);
  run->id = sqlite3_column_int64 (stmt, 0);
  run->parent_step = -1;
  const char *kind = (const char *)sqlite3_column_text (stmt, 1);
  const char *status = (const char *)sqlite3_column_text (stmt, 2);
  if (!ecg_run_kind_from_string (kind, &run->kind)
      || !ecg_run_status_from_string (status, &run->status))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: run %" G_GINT64_FORMAT " has an unknown kind '%s' or status '%s'", label,
                   run->id, kind != NULL ? kind : "", status != NULL ? status : "");
      return NULL;
    }
  run->name = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  run->notes = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
  g_autofree char *config_what = g_strdup_printf ("the config of run %" G_GINT64_FORMAT, run->id);
  g_autofree char *provenance_what
      = g_strdup_printf ("the provenance of run %" G_GINT64_FORMAT, run->id);
  run->config = column_object (stmt, 5, label, config_what, error);
  if (run->config == NULL)
    return NULL;
  run->provenance = column_object (stmt, 6, label, provenance_what, error);
  if (run->provenance == NULL)
    return NULL;
  gint64 parent_run = ecg_store_column_count (stmt, 7);
  run->parent_run = parent_run > 0 ? parent_run : 0;
  gint64 parent_step = ecg_store_column_count (stmt, 8);
  run->parent_step = parent_step >= 0 && parent_step <= G_MAXINT ? (int)parent_step : -1;
  run->parent_model = ecg_store_column_text_dup (stmt, 9);
  run->created = ecg_store_column_text_dup (stmt, 10);
  run->started = ecg_store_column_text_dup (stmt, 11);
  run->finished = ecg_store_column_text_dup (stmt, 12);
  run->error = ecg_store_column_text_dup (stmt, 13);
  gint64 pid = ecg_store_column_count (stmt, 14);
  run->pid = pid > 0 ? pid : 0;
  run->host = ecg_store_column_text_dup (stmt, 15);
  run->heartbeat = ecg_store_column_text_dup (stmt, 16);
  run->n_steps = (int)sqlite3_column_int64 (stmt, 17);
  if (run->name == NULL)
    run->name = g_strdup ("");
  if (run->notes == NULL)
    run->notes = g_strdup ("");
  return g_steal_pointer (&run);
}

static void
free_run (gpointer run)
{
  ecg_run_free (run);
}

GPtrArray *
ecg_run_store_list_runs (EcgRunStore *store, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT " RUN_COLUMNS " FROM runs ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func (free_run);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EcgRun *run = run_from_row (stmt, store->path, error);
      if (run == NULL)
        return NULL;
      g_ptr_array_add (runs, run);
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "listing runs");
      return NULL;
    }
  return g_steal_pointer (&runs);
}

GArray *
ecg_run_store_find_runs (EcgRunStore *store, EcgRunKind kind, JsonObject *config_subset,
                         GError **error)
{
  g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, error);
  if (runs == NULL)
    return NULL;
  g_autoptr (GList) members
      = config_subset != NULL ? json_object_get_members (config_subset) : NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < runs->len; i++)
    {
      const EcgRun *run = g_ptr_array_index (runs, i);
      if (run->kind != kind)
        continue;
      gboolean match = TRUE;
      for (GList *m = members; match && m != NULL; m = m->next)
        {
          JsonNode *want = json_object_get_member (config_subset, m->data);
          JsonNode *have = json_object_get_member (run->config, m->data);
          match = have != NULL && json_node_equal (want, have);
        }
      if (match)
        g_array_append_val (ids, run->id);
    }
  return ids;
}

static void
free_step (gpointer step)
{
  ecg_step_record_free (step);
}

static EcgStepRecord *
step_from_row (sqlite3_stmt *stmt, const char *label, gint64 run, GError **error)
{
  g_autoptr (EcgStepRecord) r = ecg_step_record_new (sqlite3_column_int (stmt, 0));
  r->sparsity = ecg_store_column_double (stmt, 1);
  r->n_params = ecg_store_column_count (stmt, 2);
  r->nonzero_params = ecg_store_column_count (stmt, 3);
  r->prunable_params = ecg_store_column_count (stmt, 4);
  r->nonzero_prunable_params = ecg_store_column_count (stmt, 5);
  r->macs = ecg_store_column_count (stmt, 6);
  r->tf_flops = ecg_store_column_count (stmt, 7);
  r->latency_ms = ecg_store_column_double (stmt, 8);
  r->energy_proxy_mmac_ms = ecg_store_column_double (stmt, 9);
  r->energy_tf_flops_0_45pj_j = ecg_store_column_double (stmt, 10);
  r->energy_op_model_45nm_j = ecg_store_column_double (stmt, 11);
  r->energy_measured_or_estimated_j = ecg_store_column_double (stmt, 12);
  const char *method = (const char *)sqlite3_column_text (stmt, 13);
  if (method != NULL && !ecg_step_energy_method_from_string (method, &r->energy_measured_method))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: step %d of run %" G_GINT64_FORMAT " has an unknown energy method '%s'",
                   label, r->step, run, method);
      return NULL;
    }
  r->accuracy = ecg_store_column_double (stmt, 14);
  r->macro_f1 = ecg_store_column_double (stmt, 15);
  r->auroc = ecg_store_column_double (stmt, 16);
  r->auprc = ecg_store_column_double (stmt, 17);
  r->f1_at_0_5 = ecg_store_column_double (stmt, 18);
  g_autofree char *what
      = g_strdup_printf ("the metrics of step %d of run %" G_GINT64_FORMAT, r->step, run);
  JsonObject *metrics = column_object (stmt, 19, label, what, error);
  if (metrics == NULL)
    return NULL;
  json_object_unref (r->metrics);
  r->metrics = metrics;
  r->created = ecg_store_column_text_dup (stmt, 20);
  r->has_model = sqlite3_column_int (stmt, 21) != 0;
  r->n_predictions = sqlite3_column_int64 (stmt, 22);
  return g_steal_pointer (&r);
}

/* Per-class rows and curve points of every step of `run` into `steps` (sorted by step). */
static gboolean
load_step_children (EcgRunStore *store, gint64 run, GPtrArray *steps, GError **error)
{
  g_autoptr (sqlite3_stmt) classes = ecg_store_prepare (
      store->db, store->path,
      "SELECT class, sensitivity, ppv, f1, support, auroc, auprc FROM per_class "
      "WHERE run = ?1 AND step = ?2 ORDER BY class_index",
      error);
  g_autoptr (sqlite3_stmt) curve = ecg_store_prepare (
      store->db, store->path,
      "SELECT key, epoch, value FROM curves WHERE run = ?1 AND step = ?2 ORDER BY key, epoch",
      error);
  if (classes == NULL || curve == NULL)
    return FALSE;
  for (guint i = 0; i < steps->len; i++)
    {
      EcgStepRecord *r = g_ptr_array_index (steps, i);
      int rc;
      sqlite3_reset (classes);
      sqlite3_bind_int64 (classes, 1, run);
      sqlite3_bind_int (classes, 2, r->step);
      while ((rc = sqlite3_step (classes)) == SQLITE_ROW)
        ecg_step_record_add_class (
            r, (const char *)sqlite3_column_text (classes, 0), ecg_store_column_double (classes, 1),
            ecg_store_column_double (classes, 2), ecg_store_column_double (classes, 3),
            ecg_store_column_count (classes, 4), ecg_store_column_double (classes, 5),
            ecg_store_column_double (classes, 6));
      if (rc != SQLITE_DONE)
        {
          ecg_store_set_error (error, store->db, rc, store->path, "reading per-class figures");
          return FALSE;
        }
      sqlite3_reset (curve);
      sqlite3_bind_int64 (curve, 1, run);
      sqlite3_bind_int (curve, 2, r->step);
      while ((rc = sqlite3_step (curve)) == SQLITE_ROW)
        ecg_step_record_add_curve_point (r, (const char *)sqlite3_column_text (curve, 0),
                                         sqlite3_column_int (curve, 1),
                                         ecg_store_column_double (curve, 2));
      if (rc != SQLITE_DONE)
        {
          ecg_store_set_error (error, store->db, rc, store->path, "reading curves");
          return FALSE;
        }
    }
  return TRUE;
}

static EcgRun *
get_run_locked (EcgRunStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                   store->path, id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "reading run %" G_GINT64_FORMAT, id);
      return NULL;
    }
  g_autoptr (EcgRun) run = run_from_row (stmt, store->path, error);
  if (run == NULL)
    return NULL;

  g_autoptr (sqlite3_stmt) steps = ecg_store_prepare (
      store->db, store->path, "SELECT " STEP_COLUMNS " FROM steps WHERE run = ?1 ORDER BY step",
      error);
  if (steps == NULL)
    return NULL;
  sqlite3_bind_int64 (steps, 1, id);
  run->steps = g_ptr_array_new_with_free_func (free_step);
  while ((rc = sqlite3_step (steps)) == SQLITE_ROW)
    {
      EcgStepRecord *r = step_from_row (steps, store->path, id, error);
      if (r == NULL)
        return NULL;
      g_ptr_array_add (run->steps, r);
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path,
                           "reading the steps of run %" G_GINT64_FORMAT, id);
      return NULL;
    }
  if (!load_step_children (store, id, run->steps, error))
    return NULL;
  return g_steal_pointer (&run);
}

EcgRun *
ecg_run_store_get_run (EcgRunStore *store, gint64 id, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  /* One read transaction: the run, its steps and their rows come from one snapshot even while
   * another program commits. */
  if (!ecg_store_exec (store->db, store->path, "BEGIN", error))
    return NULL;
  EcgRun *run = get_run_locked (store, id, error);
  if (!end_transaction (store, run != NULL, error))
    {
      ecg_run_free (run);
      return NULL;
    }
  return run;
}

gboolean
ecg_run_store_get_last_step (EcgRunStore *store, gint64 run, int *step, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "SELECT (SELECT max (step) FROM steps WHERE run = ?1) FROM runs WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "%s: no run %" G_GINT64_FORMAT,
                   store->path, run);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, store->db, rc, store->path,
                           "reading the last step of run %" G_GINT64_FORMAT, run);
      return FALSE;
    }
  *step = sqlite3_column_type (stmt, 0) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 0);
  return TRUE;
}

GBytes *
ecg_run_store_load_model (EcgRunStore *store, gint64 run, int step, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT bytes FROM models WHERE run = ?1 AND step = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, step);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                   "%s: step %d of run %" G_GINT64_FORMAT " has no stored model", store->path, step,
                   run);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, store->db, rc, store->path,
                           "reading the model of step %d of run %" G_GINT64_FORMAT, step, run);
      return NULL;
    }
  return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
}

EcgModelFile *
ecg_run_store_load_model_file (EcgRunStore *store, gint64 run, int step, GError **error)
{
  g_autoptr (GBytes) bytes = ecg_run_store_load_model (store, run, step, error);
  if (bytes == NULL)
    return NULL;
  g_autofree char *label
      = g_strdup_printf ("%s run %" G_GINT64_FORMAT " step %d", store->path, run, step);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  return ecg_model_file_load_from_data (data, size, label, error);
}

static gboolean
step_exists (EcgRunStore *store, gint64 run, int step, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path, "SELECT 1 FROM steps WHERE run = ?1 AND step = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, step);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                 "%s: run %" G_GINT64_FORMAT " has no step %d", store->path, run, step);
  else
    ecg_store_set_error (error, store->db, rc, store->path,
                         "reading step %d of run %" G_GINT64_FORMAT, step, run);
  return FALSE;
}

static EcgPredictions *
load_predictions_locked (EcgRunStore *store, gint64 run, int step, GError **error)
{
  if (!step_exists (store, run, step, error))
    return NULL;
  g_autoptr (sqlite3_stmt) count = ecg_store_prepare (
      store->db, store->path,
      "SELECT count (*), max (length (scores)) FROM predictions WHERE run = ?1 AND step = ?2",
      error);
  if (count == NULL)
    return NULL;
  sqlite3_bind_int64 (count, 1, run);
  sqlite3_bind_int (count, 2, step);
  int rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "counting predictions");
      return NULL;
    }
  gsize n = (gsize)sqlite3_column_int64 (count, 0);
  gint64 score_bytes = sqlite3_column_int64 (count, 1);
  int n_scores = (int)(score_bytes / (gint64)sizeof (float));

  g_autoptr (sqlite3_stmt) stmt = ecg_store_prepare (
      store->db, store->path,
      "SELECT item, record, sample, reference, predicted, scores FROM predictions "
      "WHERE run = ?1 AND step = ?2 ORDER BY item",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run);
  sqlite3_bind_int (stmt, 2, step);
  g_autoptr (EcgPredictions) p = ecg_predictions_new (n, n_scores, NULL);
  g_autoptr (GHashTable) record_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (i >= n || sqlite3_column_int64 (stmt, 0) != (gint64)i
          || sqlite3_column_bytes (stmt, 5) != n_scores * (int)sizeof (float))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: predictions of step %d of run %" G_GINT64_FORMAT " are inconsistent "
                       "at item %" G_GSIZE_FORMAT " (numbering or score count)",
                       store->path, step, run, i);
          return NULL;
        }
      const char *record = (const char *)sqlite3_column_text (stmt, 1);
      gpointer index;
      if (!g_hash_table_lookup_extended (record_index, record, NULL, &index))
        {
          char *name = g_strdup (record);
          index = GUINT_TO_POINTER (names->len);
          g_ptr_array_add (names, name);
          g_hash_table_insert (record_index, name, index);
        }
      p->record_of[i] = GPOINTER_TO_UINT (index);
      p->sample[i] = sqlite3_column_int64 (stmt, 2);
      p->reference[i] = sqlite3_column_int (stmt, 3);
      p->predicted[i] = sqlite3_column_int (stmt, 4);
      if (n_scores > 0)
        {
          float *scores = p->scores + i * (gsize)n_scores;
          memcpy (scores, sqlite3_column_blob (stmt, 5), (gsize)n_scores * sizeof (float));
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
          guint32 *bits = (guint32 *)scores;
          for (int c = 0; c < n_scores; c++)
            bits[c] = GUINT32_FROM_LE (bits[c]);
#endif
        }
      i++;
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "reading predictions");
      return NULL;
    }
  g_strfreev (p->record_names);
  g_ptr_array_add (names, NULL);
  p->record_names = (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
  return g_steal_pointer (&p);
}

EcgPredictions *
ecg_run_store_load_predictions (EcgRunStore *store, gint64 run, int step, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  if (!ecg_store_exec (store->db, store->path, "BEGIN", error))
    return NULL;
  EcgPredictions *p = load_predictions_locked (store, run, step, error);
  if (!end_transaction (store, p != NULL, error))
    {
      ecg_predictions_free (p);
      return NULL;
    }
  return p;
}

gboolean
ecg_run_store_check_integrity (EcgRunStore *store, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr (sqlite3_stmt) integrity
      = ecg_store_prepare (store->db, store->path, "PRAGMA integrity_check (10)", error);
  if (integrity == NULL)
    return FALSE;
  g_autoptr (GString) problems = g_string_new (NULL);
  int rc;
  while ((rc = sqlite3_step (integrity)) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (integrity, 0);
      if (g_strcmp0 (line, "ok") != 0)
        {
          /* SQLite packs several findings into one row, a line each. */
          g_auto (GStrv) findings = g_strsplit (line != NULL ? line : "", "\n", -1);
          for (int i = 0; findings[i] != NULL; i++)
            if (*findings[i] != '\0')
              g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", findings[i]);
        }
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "checking integrity");
      return FALSE;
    }
  if (problems->len > 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: integrity check failed: %s",
                   store->path, problems->str);
      return FALSE;
    }
  g_autoptr (sqlite3_stmt) keys
      = ecg_store_prepare (store->db, store->path, "PRAGMA foreign_key_check", error);
  if (keys == NULL)
    return FALSE;
  rc = sqlite3_step (keys);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: foreign key check failed: a row of %s refers to a missing row of %s",
                   store->path, sqlite3_column_text (keys, 0), sqlite3_column_text (keys, 2));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, store->db, rc, store->path, "checking foreign keys");
      return FALSE;
    }
  return TRUE;
}
