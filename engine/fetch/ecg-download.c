/* ecg-download.c — a PhysioNet folder over HTTP(S): SHA256SUMS.txt, then each file it lists,
 * with resume (.part + Range) and a SHA-256 check per file. libsoup's synchronous API on a
 * session that lives on the calling thread; ecg_download_folder_async() puts that thread in a
 * GTask worker. */
#include "fetch/ecg-download.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ecg-error.h"
#include "fetch/ecg-sha256-sums.h"

/* Bytes read from the network per call: each block is written, hashed and reported. */
#define ECG_DOWNLOAD_BLOCK_SIZE (64 * 1024)
/* Seconds without any progress on a connection before it counts as broken. */
#define ECG_DOWNLOAD_IO_TIMEOUT 60
/* At most this many failed files are named in the final error. */
#define ECG_DOWNLOAD_MAX_NAMED_FAILURES 5

typedef struct
{
  SoupSession *session;
  GUri *base;
  const char *destination;
  EcgDownloadProgressFunc progress_func;
  gpointer progress_data;
  EcgDownloadProgress progress;
  EcgDownloadSummary *summary;
  GCancellable *cancellable;
  guint8 *buffer;
  /* Failed files: messages (at most ECG_DOWNLOAD_MAX_NAMED_FAILURES) and the code to report. */
  GString *failures;
  int failure_code;
} Download;

/* What became of one listed file. */
typedef enum
{
  FILE_VERIFIED, /* already complete on disk */
  FILE_FETCHED,  /* received (whole or the rest of its .part) and checked */
  FILE_FAILED,   /* refused or wrong SHA-256: reported, the download goes on */
  FILE_ABORT,    /* network, disk or cancel: the download stops */
} FileOutcome;

static void
report (Download *download)
{
  EcgDownloadProgress *p = &download->progress;
  double done = p->n_done;
  if (p->file != NULL && p->file_size > 0)
    done += MIN (1.0, (double) p->file_bytes / (double) p->file_size);
  p->fraction = p->n_files > 0 ? MIN (1.0, done / p->n_files) : 0.0;
  if (download->progress_func != NULL)
    download->progress_func (p, download->progress_data);
}

/* Turns GIO's cancellation into ours; anything else becomes ECG_ERROR_IO "<what>: <message>". */
static void
set_transfer_error (GError **error, const GError *cause, const char *what)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error_literal (error, ECG_ERROR, ECG_ERROR_CANCELLED, "cancelled");
  else
    g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", what, cause->message);
}

static int
http_error_code (guint status)
{
  return status == SOUP_STATUS_NOT_FOUND || status == 410 ? ECG_ERROR_NOT_FOUND : ECG_ERROR_IO;
}

/* base_url with a final '/', so that relative paths resolve inside it. */
static GUri *
parse_base_url (const char *base_url, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "“%s” is not a URL: %s", base_url,
                   local_error->message);
      return NULL;
    }
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || host == NULL || host[0] == '\0')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "“%s” is not an http:// or https:// address", base_url);
      return NULL;
    }
  const char *path = g_uri_get_path (uri);
  if (g_str_has_suffix (path, "/"))
    return g_steal_pointer (&uri);
  g_autofree char *folder_path = g_strconcat (path, "/", NULL);
  return g_uri_build (g_uri_get_flags (uri), scheme, g_uri_get_userinfo (uri), host,
                      g_uri_get_port (uri), folder_path, g_uri_get_query (uri), NULL);
}

/* The URL of a listed file: its path percent-encoded, '/' kept. */
static GUri *
file_uri (Download *download, const char *path, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autoptr (GError) local_error = NULL;
  GUri *uri = g_uri_parse_relative (download->base, escaped, SOUP_HTTP_URI_FLAGS, &local_error);
  if (uri == NULL)
    g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: cannot form its URL: %s", path,
                 local_error->message);
  return uri;
}

static void
add_failure (Download *download, const GError *error)
{
  download->summary->n_failed++;
  /* A wrong SHA-256 outranks the server's refusals; "not found" holds only if all were. */
  if (error->code == ECG_ERROR_CHECKSUM || download->summary->n_failed == 1)
    download->failure_code = error->code;
  else if (download->failure_code == ECG_ERROR_NOT_FOUND && error->code != ECG_ERROR_NOT_FOUND)
    download->failure_code = ECG_ERROR_IO;
  if (download->summary->n_failed <= ECG_DOWNLOAD_MAX_NAMED_FAILURES)
    g_string_append_printf (download->failures, "%s%s", download->failures->len > 0 ? "; " : "",
                            error->message);
}

/* ---- SHA256SUMS.txt ---------------------------------------------------------------------- */

static GBytes *
fetch_sums (Download *download, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GUri) uri = file_uri (download, ECG_DOWNLOAD_SUMS_NAME, error);
  if (uri == NULL)
    return NULL;
  g_autofree char *url = g_uri_to_string (uri);
  g_autoptr (SoupMessage) message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  download->summary->n_requests++;
  g_autoptr (GBytes) body = soup_session_send_and_read (download->session, message,
                                                        download->cancellable, &local_error);
  if (body == NULL)
    {
      g_autofree char *what = g_strdup_printf ("%s (%s)", ECG_DOWNLOAD_SUMS_NAME, url);
      set_transfer_error (error, local_error, what);
      return NULL;
    }
  download->summary->bytes_received += g_bytes_get_size (body);
  download->progress.bytes_received += g_bytes_get_size (body);

  guint status = soup_message_get_status (message);
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, ECG_ERROR, http_error_code (status), "%s: HTTP %u %s from %s",
                   ECG_DOWNLOAD_SUMS_NAME, status, soup_message_get_reason_phrase (message),
                   url);
      return NULL;
    }
  return g_steal_pointer (&body);
}

/* ---- one file ---------------------------------------------------------------------------- */

/* Receives the body of `message` (already sent, `in` its stream) into `part`, appending, and
 * feeds it to `checksum`. FALSE with ECG_ERROR_IO or ECG_ERROR_CANCELLED. */
static gboolean
receive_body (Download *download, const char *path, GInputStream *in, const char *part,
              GChecksum *checksum, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFile) part_file = g_file_new_for_path (part);
  g_autoptr (GFileOutputStream) out
    = g_file_append_to (part_file, G_FILE_CREATE_NONE, download->cancellable, &local_error);
  if (out == NULL)
    {
      set_transfer_error (error, local_error, part);
      return FALSE;
    }

  gboolean ok = TRUE;
  for (;;)
    {
      gssize n = g_input_stream_read (in, download->buffer, ECG_DOWNLOAD_BLOCK_SIZE,
                                      download->cancellable, &local_error);
      if (n < 0)
        {
          g_autofree char *what = g_strdup_printf ("%s: the transfer broke off", path);
          set_transfer_error (error, local_error, what);
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), download->buffer, n, NULL, NULL,
                                      &local_error))
        {
          set_transfer_error (error, local_error, part);
          ok = FALSE;
          break;
        }
      g_checksum_update (checksum, download->buffer, n);
      download->progress.file_bytes += n;
      download->progress.bytes_received += n;
      download->summary->bytes_received += n;
      report (download);
    }

  /* Closed without the cancellable: what was received stays on disk for the next run. */
  g_clear_error (&local_error);
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &local_error) && ok)
    {
      set_transfer_error (error, local_error, part);
      ok = FALSE;
    }
  return ok;
}

static FileOutcome
fetch_file (Download *download, const EcgSha256Entry *entry, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *local_path = g_build_filename (download->destination, entry->path, NULL);
  g_autofree char *part = g_strconcat (local_path, ".part", NULL);
  g_autofree char *folder = g_path_get_dirname (local_path);

  download->progress.file = entry->path;
  download->progress.file_bytes = 0;
  download->progress.file_size = 0;
  report (download);

  /* Complete already? */
  if (g_file_test (local_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *digest = ecg_sha256_file (local_path, download->cancellable, error);
      if (digest == NULL)
        return FILE_ABORT;
      if (g_str_equal (digest, entry->digest))
        return FILE_VERIFIED;
    }

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot create the folder: %s", folder,
                   g_strerror (saved_errno));
      return FILE_ABORT;
    }

  g_autoptr (GUri) uri = file_uri (download, entry->path, error);
  if (uri == NULL)
    return FILE_ABORT;
  g_autofree char *url = g_uri_to_string (uri);

  /* At most two attempts: a .part that the server cannot continue (416) or that turns out wrong
   * once completed is dropped, and the file fetched whole once more. */
  for (int attempt = 0;; attempt++)
    {
      g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      gint64 offset = 0;
      if (g_file_test (part, G_FILE_TEST_IS_REGULAR))
        {
          offset = ecg_sha256_update_from_file (checksum, part, download->cancellable, error);
          if (offset < 0)
            return FILE_ABORT;
          /* Cancelled between the last byte and the rename. */
          g_autoptr (GChecksum) copy = g_checksum_copy (checksum);
          if (offset > 0 && g_str_equal (g_checksum_get_string (copy), entry->digest))
            {
              if (g_rename (part, local_path) != 0)
                {
                  int saved_errno = errno;
                  g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot rename %s: %s",
                               entry->path, part, g_strerror (saved_errno));
                  return FILE_ABORT;
                }
              return FILE_FETCHED;
            }
        }
      download->progress.file_bytes = offset;

      g_autoptr (SoupMessage) message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
      if (offset > 0)
        soup_message_headers_set_range (soup_message_get_request_headers (message), offset, -1);
      download->summary->n_requests++;
      g_autoptr (GInputStream) in = soup_session_send (download->session, message,
                                                       download->cancellable, &local_error);
      if (in == NULL)
        {
          g_autofree char *what = g_strdup_printf ("%s (%s)", entry->path, url);
          set_transfer_error (error, local_error, what);
          return FILE_ABORT;
        }

      guint status = soup_message_get_status (message);
      SoupMessageHeaders *headers = soup_message_get_response_headers (message);
      goffset length = soup_message_headers_get_content_length (headers);
      if (offset > 0 && attempt == 0
          && status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
        {
          /* The .part is as long as the file or longer, yet wrong: start again. */
          g_input_stream_close (in, NULL, NULL);
          g_unlink (part);
          continue;
        }
      if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0)
        {
          goffset start = 0, end = 0, total = 0;
          if (!soup_message_headers_get_content_range (headers, &start, &end, &total)
              || start != offset)
            {
              g_input_stream_close (in, NULL, NULL);
              g_unlink (part);
              g_set_error (error, ECG_ERROR, ECG_ERROR_IO,
                           "%s: asked for bytes from %" G_GINT64_FORMAT
                           " on, the server sent another range (%s)",
                           entry->path, offset, url);
              return FILE_FAILED;
            }
          download->progress.file_size = total > 0 ? (guint64) total : 0;
        }
      else if (status == SOUP_STATUS_OK)
        {
          /* The server ignored the Range header: the whole file comes again. */
          if (offset > 0)
            {
              g_checksum_reset (checksum);
              g_unlink (part);
              offset = 0;
              download->progress.file_bytes = 0;
            }
          download->progress.file_size = length > 0 ? (guint64) length : 0;
        }
      else
        {
          g_input_stream_close (in, NULL, NULL);
          g_set_error (error, ECG_ERROR, http_error_code (status), "%s: HTTP %u %s from %s",
                       entry->path, status, soup_message_get_reason_phrase (message), url);
          return FILE_FAILED;
        }
      report (download);

      gboolean received = receive_body (download, entry->path, in, part, checksum, error);
      g_input_stream_close (in, NULL, NULL);
      if (!received)
        return FILE_ABORT;

      const char *digest = g_checksum_get_string (checksum);
      if (!g_str_equal (digest, entry->digest))
        {
          /* Not kept: resuming from wrong bytes would never succeed. A resumed file may have
           * had a damaged .part: it gets one whole transfer before it counts as failed. */
          g_unlink (part);
          if (offset > 0 && attempt == 0)
            continue;
          g_set_error (error, ECG_ERROR, ECG_ERROR_CHECKSUM,
                       "%s: SHA-256 mismatch (received %s, %s lists %s)", entry->path, digest,
                       ECG_DOWNLOAD_SUMS_NAME, entry->digest);
          return FILE_FAILED;
        }
      if (g_rename (part, local_path) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot rename %s: %s", entry->path,
                       part, g_strerror (saved_errno));
          return FILE_ABORT;
        }
      return FILE_FETCHED;
    }
}

/* ---- the folder -------------------------------------------------------------------------- */

static gboolean
is_excluded (const char *path, const char *const *exclude)
{
  /* The list is written last, from what was fetched first. */
  if (g_str_equal (path, ECG_DOWNLOAD_SUMS_NAME))
    return TRUE;
  for (gsize i = 0; exclude != NULL && exclude[i] != NULL; i++)
    if (exclude[i][0] != '\0' && g_str_has_prefix (path, exclude[i]))
      return TRUE;
  return FALSE;
}

static gboolean
run_download (Download *download, const char *const *exclude, GError **error)
{
  g_autoptr (GBytes) sums_bytes = fetch_sums (download, error);
  if (sums_bytes == NULL)
    return FALSE;

  gsize sums_size = 0;
  const char *sums_text = g_bytes_get_data (sums_bytes, &sums_size);
  g_autoptr (EcgSha256Sums) sums
    = ecg_sha256_sums_parse (sums_text, sums_size, ECG_DOWNLOAD_SUMS_NAME, error);
  if (sums == NULL)
    return FALSE;

  g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
  for (gsize i = 0; i < sums->n_items; i++)
    if (!is_excluded (sums->items[i].path, exclude))
      g_ptr_array_add (wanted, &sums->items[i]);
  download->summary->n_files = wanted->len;
  download->progress.n_files = wanted->len;
  report (download);

  for (guint i = 0; i < wanted->len; i++)
    {
      if (ecg_error_set_if_cancelled (download->cancellable, error))
        return FALSE;

      g_autoptr (GError) file_error = NULL;
      switch (fetch_file (download, wanted->pdata[i], &file_error))
        {
        case FILE_VERIFIED:
          download->summary->n_verified++;
          break;
        case FILE_FETCHED:
          download->summary->n_fetched++;
          break;
        case FILE_FAILED:
          add_failure (download, file_error);
          break;
        case FILE_ABORT:
          g_propagate_error (error, g_steal_pointer (&file_error));
          return FALSE;
        }
      download->progress.n_done++;
      download->progress.file = NULL;
      download->progress.file_bytes = 0;
      download->progress.file_size = 0;
      report (download);
    }

  g_autofree char *sums_path
    = g_build_filename (download->destination, ECG_DOWNLOAD_SUMS_NAME, NULL);
  g_autoptr (GError) local_error = NULL;
  if (!g_file_set_contents (sums_path, sums_text, sums_size, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", sums_path, local_error->message);
      return FALSE;
    }

  if (download->summary->n_failed > 0)
    {
      guint unnamed = download->summary->n_failed - MIN (download->summary->n_failed,
                                                         ECG_DOWNLOAD_MAX_NAMED_FAILURES);
      g_autofree char *more = unnamed > 0 ? g_strdup_printf ("; and %u more", unnamed)
                                          : g_strdup ("");
      g_set_error (error, ECG_ERROR, download->failure_code, "%u of %u files failed: %s%s",
                   download->summary->n_failed, download->summary->n_files,
                   download->failures->str, more);
      return FALSE;
    }
  return TRUE;
}

gboolean
ecg_download_folder (const char *base_url, const char *destination, const char *const *exclude,
                     EcgDownloadProgressFunc progress, gpointer progress_data,
                     EcgDownloadSummary *summary, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (base_url != NULL, FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  EcgDownloadSummary local_summary = { 0 };
  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);

  g_autoptr (GUri) base = parse_base_url (base_url, error);
  if (base == NULL)
    return FALSE;
  if (g_mkdir_with_parents (destination, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: cannot create the folder: %s",
                   destination, g_strerror (saved_errno));
      return FALSE;
    }

  Download download = {
    .base = base,
    .destination = destination,
    .progress_func = progress,
    .progress_data = progress_data,
    .summary = summary,
    .cancellable = cancellable,
    .failures = g_string_new (NULL),
    .buffer = g_malloc (ECG_DOWNLOAD_BLOCK_SIZE),
  };
  /* Byte-exact bodies: no Content-Encoding (a Range would apply to the encoded form). */
  download.session = soup_session_new_with_options ("user-agent", "ecg-workbench/" ECG_VERSION,
                                                    "timeout", ECG_DOWNLOAD_IO_TIMEOUT, NULL);
  soup_session_remove_feature_by_type (download.session, SOUP_TYPE_CONTENT_DECODER);

  gboolean ok = run_download (&download, exclude, error);

  g_object_unref (download.session);
  g_string_free (download.failures, TRUE);
  g_free (download.buffer);
  return ok;
}

/* ---- in a worker thread ------------------------------------------------------------------ */

typedef struct
{
  char *base_url;
  char *destination;
  GStrv exclude;
  EcgDownloadProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
  GTask *task; /* not a reference: valid while the download runs */
  EcgDownloadSummary summary;
  /* The latest progress, handed to the caller's context; guarded by `lock`. */
  GMutex lock;
  EcgDownloadProgress latest;
  char *latest_file;
  gboolean dispatch_pending;
} DownloadTask;

static void
download_task_free (DownloadTask *state)
{
  g_free (state->base_url);
  g_free (state->destination);
  g_strfreev (state->exclude);
  g_free (state->latest_file);
  g_main_context_unref (state->context);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static gboolean
dispatch_progress (gpointer data)
{
  DownloadTask *state = g_task_get_task_data (G_TASK (data));
  g_mutex_lock (&state->lock);
  EcgDownloadProgress copy = state->latest;
  g_autofree char *file = g_strdup (state->latest_file);
  state->dispatch_pending = FALSE;
  g_mutex_unlock (&state->lock);
  copy.file = file;
  state->progress (&copy, state->progress_data);
  return G_SOURCE_REMOVE;
}

/* On the worker thread: keep the newest progress, schedule one dispatch at a time. */
static void
forward_progress (const EcgDownloadProgress *progress, gpointer data)
{
  DownloadTask *state = data;
  if (state->progress == NULL)
    return;
  g_mutex_lock (&state->lock);
  state->latest = *progress;
  if (g_strcmp0 (state->latest_file, progress->file) != 0)
    {
      g_free (state->latest_file);
      state->latest_file = g_strdup (progress->file);
    }
  state->latest.file = NULL;
  gboolean schedule = !state->dispatch_pending;
  state->dispatch_pending = TRUE;
  g_mutex_unlock (&state->lock);
  if (schedule)
    {
      /* The source holds the task, and the task holds the state, until the dispatch. */
      GSource *source = g_idle_source_new ();
      g_source_set_callback (source, dispatch_progress, g_object_ref (state->task),
                             g_object_unref);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_attach (source, state->context);
      g_source_unref (source);
    }
}

static void
download_thread (GTask *task, gpointer source_object, gpointer task_data,
                 GCancellable *cancellable)
{
  DownloadTask *state = task_data;
  GError *error = NULL;
  if (ecg_download_folder (state->base_url, state->destination,
                           (const char *const *) state->exclude, forward_progress, state,
                           &state->summary, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ecg_download_folder_async (GObject *source_object, const char *base_url,
                           const char *destination, const char *const *exclude,
                           EcgDownloadProgressFunc progress, gpointer progress_data,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (base_url != NULL);
  g_return_if_fail (destination != NULL);

  DownloadTask *state = g_new0 (DownloadTask, 1);
  state->base_url = g_strdup (base_url);
  state->destination = g_strdup (destination);
  state->exclude = g_strdupv ((char **) exclude);
  state->progress = progress;
  state->progress_data = progress_data;
  state->context = g_main_context_ref_thread_default ();
  g_mutex_init (&state->lock);

  GTask *task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_download_folder_async);
  g_task_set_name (task, "[ecg-workbench] download");
  g_task_set_task_data (task, state, (GDestroyNotify) download_task_free);
  state->task = task;
  /* The download checks the cancellable itself and reports ECG_ERROR_CANCELLED. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, download_thread);
  g_object_unref (task);
}

gboolean
ecg_download_folder_finish (GAsyncResult *result, EcgDownloadSummary *summary, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, ecg_download_folder_async), FALSE);
  if (summary != NULL)
    {
      const DownloadTask *state = g_task_get_task_data (G_TASK (result));
      *summary = state->summary;
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}
