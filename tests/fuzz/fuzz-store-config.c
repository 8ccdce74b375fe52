/* fuzz-store-config.c — a run's config JSON as the run store reads it, then the pruning job's
 * settings from it (ecg_prune_config_from_json, what `ecgwb runs resume` does).
 *
 * The input goes into the config column of one run of a scratch store (through SQLite, as a
 * damaged or hand-edited store would hold it) and is read back with ecg_run_store_get_run(): the
 * store's JSON reading, then ecg_prune_config_from_json() and `runs show --json`.
 *
 * Checks besides the sanitizers: errors and results are exclusive; an accepted configuration
 * survives ecg_prune_config_to_json() and back with the same settings.
 */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "jobs/ecg-prune-job.h"
#include "store/ecg-run-store.h"
#include "store/ecg-store-private.h"

/* Opened once before the first input (libFuzzer runs inputs one after the other). */
static EcgRunStore *store;
static gint64 run_id;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  g_autofree char *path = g_build_filename (ecg_fuzz_tmpdir (), "fuzz.db", NULL);
  g_autoptr (GError) error = NULL;
  store = ecg_run_store_open (path, TRUE, &error);
  g_assert_no_error (error);
  EcgRunSpec spec;
  ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
  run_id = ecg_run_store_create_run (store, &spec, &error);
  g_assert_no_error (error);
  /* Nothing here needs to survive a crash of the fuzzer. */
  sqlite3_exec (ecg_run_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  return 0;
}

static void
check_round_trip (const EcgPruneConfig *c)
{
  g_autoptr (JsonObject) o = ecg_prune_config_to_json (c);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) d = ecg_prune_config_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->model_path, ==, d->model_path);
  g_assert_cmpstr (c->data_dir, ==, d->data_dir);
  g_assert_cmpint (c->method, ==, d->method);
  g_assert_true (c->alpha == d->alpha && c->beta == d->beta);
  g_assert_true (c->target_sparsity == d->target_sparsity);
  g_assert_cmpint (c->steps, ==, d->steps);
  g_assert_cmpint (c->finetune_epochs, ==, d->finetune_epochs);
  g_assert_cmpint (c->kd, ==, d->kd);
  g_assert_cmpint (c->structured, ==, d->structured);
  g_assert_cmpstr (c->train_records, ==, d->train_records);
  g_assert_cmpstr (c->test_folds, ==, d->test_folds);
  g_assert_cmpint (c->batch_size, ==, d->batch_size);
  g_assert_true (c->learning_rate == d->learning_rate);
  g_assert_cmpuint (c->seed, ==, d->seed);
  g_assert_cmpint (c->threads, ==, d->threads);
  g_assert_cmpstr (c->out_path, ==, d->out_path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  sqlite3 *db = ecg_run_store_get_db (store);
  sqlite3_stmt *update = NULL;
  if (sqlite3_prepare_v2 (db, "UPDATE runs SET config = ?1 WHERE id = ?2", -1, &update, NULL)
      != SQLITE_OK)
    g_error ("prepare: %s", sqlite3_errmsg (db));
  sqlite3_bind_text (update, 1, size > 0 ? (const char *) data : "", (int) size,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 2, run_id);
  if (sqlite3_step (update) != SQLITE_DONE)
    g_error ("update: %s", sqlite3_errmsg (db));
  sqlite3_finalize (update);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, run_id, &error);
  if (run == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fuzz.db"));
      return 0;
    }
  g_assert_null (error);
  g_assert_nonnull (run->config);
  g_autoptr (JsonNode) shown = ecg_run_to_json (run);
  g_autofree char *text = json_to_string (shown, FALSE);
  g_assert_nonnull (text);

  g_autoptr (EcgPruneConfig) config = ecg_prune_config_from_json (run->config, &error);
  g_assert_true ((config == NULL) == (error != NULL));
  if (config != NULL)
    check_round_trip (config);
  return 0;
}
