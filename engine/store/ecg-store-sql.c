/* ecg-store-sql.c — SQLite plumbing shared by the run store's files (see ecg-store-private.h). */
#include "store/ecg-store-private.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"

void
ecg_store_set_error (GError **error, sqlite3 *db, int rc, const char *label,
                     const char *what_format, ...)
{
  va_list args;
  va_start (args, what_format);
  g_autofree char *what = g_strdup_vprintf (what_format, args);
  va_end (args);
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not a run store (file is not a database) while %s", label, what);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: not a run store or damaged (%s) while %s", label, message, what);
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s: %s", label, what, message);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: %s: %s", label, what, message);
      break;
    default:
      g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED, "%s: %s: %s", label, what, message);
      break;
    }
}

sqlite3_stmt *
ecg_store_prepare (sqlite3 *db, const char *label, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      ecg_store_set_error (error, db, rc, label, "preparing a query");
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

gboolean
ecg_store_exec (sqlite3 *db, const char *label, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      /* Name the statement by its first line: "BEGIN IMMEDIATE", "CREATE TABLE runs (". */
      gsize length = strcspn (sql, "\n");
      g_autofree char *first_line = g_strndup (sql, length);
      gboolean more = sql[length] != '\0' && sql[length + 1] != '\0';
      ecg_store_set_error (error, db, rc, label, "running '%s%s'", first_line, more ? " ..." : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
ecg_store_step_done (sqlite3_stmt *stmt, const char *label, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      ecg_store_set_error (error, sqlite3_db_handle (stmt), rc, label, "%s", what);
      return FALSE;
    }
  return TRUE;
}

void
ecg_store_rollback (sqlite3 *db)
{
  /* After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled back. */
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

void
ecg_store_bind_double (sqlite3_stmt *stmt, int index, double value)
{
  if (isfinite (value))
    sqlite3_bind_double (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

void
ecg_store_bind_count (sqlite3_stmt *stmt, int index, gint64 value)
{
  if (value >= 0)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

void
ecg_store_bind_text (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

double
ecg_store_column_double (sqlite3_stmt *stmt, int column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, column);
}

gint64
ecg_store_column_count (sqlite3_stmt *stmt, int column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return -1;
  return sqlite3_column_int64 (stmt, column);
}

char *
ecg_store_column_text_dup (sqlite3_stmt *stmt, int column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

char *
ecg_store_now_iso (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}
