/* Tests of the run store's file: a new store's schema and settings, migrations (from version 1,
 * all-or-nothing when one fails), refusal of newer stores, and files that are not run stores or
 * are damaged — each a GError naming the file, never a crash. */
#include <string.h>

#include "ecg-error.h"
#include "store-fixture.h"
#include "store/ecg-store-private.h"
#include "store/ecg-store-schema.h"
#include "test-util.h"

/* A raw connection to `path`, for building and inspecting files behind the store's back. */
static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static char *
raw_text (sqlite3 *db, const char *sql)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static gint64
raw_int (sqlite3 *db, const char *sql)
{
  g_autofree char *text = raw_text (db, sql);
  return g_ascii_strtoll (text, NULL, 10);
}

static char *
schema_names (sqlite3 *db, const char *type)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  sqlite3_prepare_v2 (db,
                      "SELECT group_concat (name, ' ') FROM (SELECT name FROM sqlite_schema "
                      "WHERE type = ?1 AND name NOT LIKE 'sqlite_%' ORDER BY name)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

static void
test_new_store (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "new.db", &path);
  g_assert_cmpstr (ecg_run_store_get_path (store), ==, path);
  sqlite3 *db = ecg_run_store_get_db (store);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, ECG_STORE_SCHEMA_VERSION);
  g_assert_cmpint (ECG_STORE_SCHEMA_VERSION, ==, 2);
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, 0x45434757);
  g_autofree char *journal = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (raw_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (raw_int (db, "PRAGMA synchronous"), ==, 2); /* FULL */
  g_autofree char *tables = schema_names (db, "table");
  g_assert_cmpstr (tables, ==, "curves models params per_class predictions runs steps");
  g_autofree char *indexes = schema_names (db, "index");
  g_assert_cmpstr (indexes, ==, "params_by_method runs_by_parent runs_by_status");
  /* The WAL mode is a property of the file: a plain connection sees it too. */
  sqlite3 *raw = raw_open (path);
  g_autofree char *raw_journal = raw_text (raw, "PRAGMA journal_mode");
  g_assert_cmpstr (raw_journal, ==, "wal");
  sqlite3_close (raw);

  /* Reopening an up-to-date store changes nothing. */
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) again = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (ecg_run_store_get_db (again), "PRAGMA user_version"), ==, 2);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* A store at schema version 1 with one run in it, written with plain SQLite. */
static char *
make_version_1_store (const char *dir)
{
  char *path = g_build_filename (dir, "v1.db", NULL);
  sqlite3 *db = raw_open (path);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_store_schema_migrate (db, path, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 1);
  raw_exec (db, "INSERT INTO runs (kind, status, name, config, created) "
                "VALUES ('train', 'finished', 'old run', '{\"arch\": \"CNN1D_3Class\"}', "
                "'2024-01-02T03:04:05.000000Z')");
  raw_exec (db, "INSERT INTO steps (run, step, macs, created) "
                "VALUES (1, 0, 9232768, '2024-01-02T03:04:05.000000Z')");
  sqlite3_close (db);
  return path;
}

static void
test_migrates_from_version_1 (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = make_version_1_store (dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  sqlite3 *db = ecg_run_store_get_db (store);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 2);
  g_autofree char *indexes = schema_names (db, "index");
  g_assert_cmpstr (indexes, ==, "params_by_method runs_by_parent runs_by_status");
  /* The data of version 1 came through. */
  g_autoptr (EcgRun) run = ecg_run_store_get_run (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->name, ==, "old run");
  g_assert_cmpint (run->status, ==, ECG_RUN_STATUS_FINISHED);
  g_assert_cmpstr (json_object_get_string_member (run->config, "arch"), ==, "CNN1D_3Class");
  g_assert_cmpuint (run->steps->len, ==, 1);
  g_assert_cmpint (((EcgStepRecord *)g_ptr_array_index (run->steps, 0))->macs, ==, 9232768);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_failed_migration_rolls_back (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = make_version_1_store (dir);
  /* Migration 2 creates runs_by_status, then runs_by_parent: make the second one collide so the
   * migration fails after its first statement. */
  sqlite3 *db = raw_open (path);
  raw_exec (db, "CREATE TABLE runs_by_parent (x)");
  sqlite3_close (db);

  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, FALSE, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "migrating to schema version 2"));
  g_assert_nonnull (strstr (error->message, "left at version 1"));
  g_clear_error (&error);

  db = raw_open (path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM sqlite_schema "
                                "WHERE name = 'runs_by_status'"),
                   ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM runs"), ==, 1);
  /* Remove the obstacle: the next open completes the migration. */
  raw_exec (db, "DROP TABLE runs_by_parent");
  sqlite3_close (db);
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (ecg_run_store_get_db (store), "PRAGMA user_version"), ==, 2);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_newer_store_refused (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  ecg_run_store_close (store_fixture_open (dir, "future.db", &path));
  sqlite3 *db = raw_open (path);
  raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);

  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, FALSE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "schema version 99 is newer than this program "
                                            "knows (2)"));
  db = raw_open (path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 99);
  sqlite3_close (db);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Opening `bytes` as a store fails with ECG_ERROR_FORMAT naming the file and `expected`, and
 * leaves the file exactly as it was. */
static void
assert_not_a_store (const char *name, const void *bytes, gsize length, const char *expected)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = ecg_test_write_file (dir, name, bytes, (gssize)length);
  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, TRUE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, expected));
  g_autofree char *after = NULL;
  gsize after_length = 0;
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (after, after_length, bytes, length);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_garbage_file (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint8 *bytes = g_new (guint8, 8192);
  for (int i = 0; i < 8192; i++)
    bytes[i] = (guint8)g_rand_int_range (rand, 0, 256);
  assert_not_a_store ("garbage.db", bytes, 8192, "not a run store (file is not a database)");
  static const char text[] = "run,step,macro_f1\n1,0,0.83\n";
  assert_not_a_store ("runs.csv", text, sizeof text - 1, "not a run store");
}

static void
test_other_programs_database (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "places.sqlite", NULL);
  sqlite3 *db = raw_open (path);
  raw_exec (db, "CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('x')");
  sqlite3_close (db);

  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, TRUE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "not a run store (an SQLite database of another "
                                            "program"));
  /* Untouched: still in its own journal mode, no tables added. */
  db = raw_open (path);
  g_autofree char *journal = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "delete");
  g_autofree char *tables = schema_names (db, "table");
  g_assert_cmpstr (tables, ==, "bookmarks");
  sqlite3_close (db);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* A closed store with runs, steps and predictions spread over many pages; the log is
 * checkpointed into the file when the store closes. Returns its size in pages. */
static gsize
make_filled_store (const char *dir, char **path)
{
  g_autoptr (EcgRunStore) store = store_fixture_open (dir, "damaged.db", path);
  g_autoptr (GError) error = NULL;
  for (int r = 0; r < 3; r++)
    {
      gint64 run = store_fixture_started_run (store, ECG_RUN_KIND_PRUNE, r);
      for (int step = 0; step < 4; step++)
        {
          g_autoptr (EcgStepRecord) s = store_fixture_step (step, FALSE);
          const char *records[] = { "100", NULL };
          ecg_step_record_set_predictions (s, ecg_predictions_new (300, 3, records));
          g_assert_true (ecg_run_store_commit_step (store, run, s, &error));
          g_assert_no_error (error);
        }
    }
  gsize pages = (gsize)store_fixture_query_int (store, "PRAGMA page_count", 0);
  g_assert_cmpint (store_fixture_query_int (store, "PRAGMA page_size", 0), ==, 4096);
  return pages;
}

static void
overwrite (const char *path, gsize offset, gsize length, guint8 value)
{
  g_autofree char *contents = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpuint (offset + length, <=, size);
  memset (contents + offset, value, length);
  g_assert_true (g_file_set_contents (path, contents, (gssize)size, NULL));
}

static void
test_damaged_pages (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  gsize pages = make_filled_store (dir, &path);
  g_assert_cmpuint (pages, >, 20);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS)); /* all in the main file */
  /* Every page after the schema page becomes garbage: the header and the schema still read,
   * the tables do not. */
  overwrite (path, 4096, (pages - 1) * 4096, 0xA5);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = ecg_run_store_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
  g_assert_null (runs);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "database disk image is malformed"));
  g_clear_error (&error);
  g_assert_null (ecg_run_store_get_run (store, 1, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_false (ecg_run_store_check_integrity (store, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_damaged_schema (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = NULL;
  make_filled_store (dir, &path);
  /* Page 1 after its 100-byte file header holds the schema table. */
  overwrite (path, 100, 4096 - 100, 0x5A);
  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, FALSE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "not a run store or damaged"));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_missing_file (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "typo.db", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (ecg_run_store_open (path, FALSE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_autofree char *nowhere = g_build_filename (dir, "no-such-folder", "runs.db", NULL);
  g_assert_null (ecg_run_store_open (nowhere, TRUE, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, nowhere));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/store/schema/new-store", test_new_store);
  g_test_add_func ("/engine/store/schema/migrates-from-version-1", test_migrates_from_version_1);
  g_test_add_func ("/engine/store/schema/failed-migration-rolls-back",
                   test_failed_migration_rolls_back);
  g_test_add_func ("/engine/store/schema/newer-store-refused", test_newer_store_refused);
  g_test_add_func ("/engine/store/schema/garbage-file", test_garbage_file);
  g_test_add_func ("/engine/store/schema/other-programs-database", test_other_programs_database);
  g_test_add_func ("/engine/store/schema/damaged-pages", test_damaged_pages);
  g_test_add_func ("/engine/store/schema/damaged-schema", test_damaged_schema);
  g_test_add_func ("/engine/store/schema/missing-file", test_missing_file);
  return g_test_run ();
}
