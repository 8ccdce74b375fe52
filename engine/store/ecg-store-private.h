/* ecg-store-private.h — SQLite plumbing shared by the run store's files. Not for callers outside
 * engine/store except the store's own tests (which reach the connection to inject failures).
 *
 * Every statement is prepared with its values bound (no SQL is built from values). Undefined
 * figures travel as NULL: a non-finite double or a negative count is bound as NULL and read back
 * as NaN or -1.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "store/ecg-run-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Busy timeout of every connection: how long a writer waits for another one (GUI and CLI on one
 * store) before SQLITE_BUSY surfaces. A step commit holds the lock for milliseconds. */
#define ECG_STORE_BUSY_TIMEOUT_MS 5000

/* Sets `error` from the SQLite result `rc` on `db` as "LABEL: WHAT: sqlite message". The code a
 * caller can act on: ECG_ERROR_FORMAT for a file that is not a database or is damaged,
 * ECG_ERROR_IO for I/O, locking, space and permission failures, ECG_ERROR_INVALID for a violated
 * constraint, ECG_ERROR_FAILED otherwise. */
void ecg_store_set_error (GError **error, sqlite3 *db, int rc, const char *label,
                          const char *what_format, ...) G_GNUC_PRINTF (5, 6);

/* A prepared statement for `sql` (one statement), or NULL with the error set. Owned by the
 * caller (sqlite3_finalize, or g_autoptr (sqlite3_stmt)). */
sqlite3_stmt *ecg_store_prepare (sqlite3 *db, const char *label, const char *sql, GError **error);

/* Runs `sql`, which binds no values (DDL, BEGIN/COMMIT, pragmas with constant arguments). */
gboolean ecg_store_exec (sqlite3 *db, const char *label, const char *sql, GError **error);

/* Steps a statement that returns no row; TRUE on SQLITE_DONE. `what` names the operation. */
gboolean ecg_store_step_done (sqlite3_stmt *stmt, const char *label, const char *what,
                              GError **error);

/* Rolls back the open transaction, if any, keeping the first error. */
void ecg_store_rollback (sqlite3 *db);

void ecg_store_bind_double (sqlite3_stmt *stmt, int index, double value);    /* non-finite: NULL */
void ecg_store_bind_count (sqlite3_stmt *stmt, int index, gint64 value);     /* < 0: NULL */
void ecg_store_bind_text (sqlite3_stmt *stmt, int index, const char *value); /* NULL: NULL */
double ecg_store_column_double (sqlite3_stmt *stmt, int column);             /* NULL: NaN */
gint64 ecg_store_column_count (sqlite3_stmt *stmt, int column);              /* NULL: -1 */
/* The column's text, or NULL for NULL. Owned by the caller. */
char *ecg_store_column_text_dup (sqlite3_stmt *stmt, int column);

/* The current time as ISO 8601 UTC with microseconds, "2025-03-01T12:00:00.123456Z": fixed
 * width, so text order is time order. Owned by the caller. */
char *ecg_store_now_iso (void);

/* The store's connection, for tests that install hooks (progress handler, cache size). */
sqlite3 *ecg_run_store_get_db (EcgRunStore *store);

G_END_DECLS
