/* test-download.c — ecg_download_folder against a SoupServer in this process on 127.0.0.1: it
 * serves copies of a few records (real MIT-BIH records 100 and 101 when ECGWB_DATA is set, the
 * bundled demo records otherwise) and a SHA256SUMS.txt the test writes, and logs every request.
 * The download runs in its worker thread; the server answers on the main context. */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-error.h"
#include "fetch/ecg-download.h"
#include "test-util.h"

#define PREFIX "/files/db/1.0.0/"

typedef struct
{
  char *path;  /* as listed: "100.dat", "x_mitdb/101.hea" */
  GBytes *bytes;
} ServedFile;

typedef struct
{
  SoupServer *server;
  char *base_url;
  GPtrArray *files;       /* ServedFile *, in SHA256SUMS.txt order */
  char *sums;             /* the SHA256SUMS.txt served */
  GPtrArray *requests;    /* "100.dat" or "100.dat bytes=1000-" */
  GHashTable *corrupt;    /* paths served with one byte changed */
  GHashTable *missing;    /* paths answered with 404 */
  gboolean ignore_range;  /* answer 200 with the whole file to a Range request */
  const char *stall_path; /* serve half of this file, then wait */
  SoupServerMessage *stalled;
  gsize stalled_bytes;
  char *tmp;
  char *dest;
  /* The download in progress. */
  gboolean done;
  gboolean ok;
  GError *error;
  EcgDownloadSummary summary;
  GCancellable *cancellable;
  EcgDownloadProgress last_progress;
  guint n_progress;
} Fixture;

static void
served_file_free (ServedFile *file)
{
  g_free (file->path);
  g_bytes_unref (file->bytes);
  g_free (file);
}

static const ServedFile *
find_file (Fixture *f, const char *path)
{
  for (guint i = 0; i < f->files->len; i++)
    {
      const ServedFile *file = f->files->pdata[i];
      if (g_str_equal (file->path, path))
        return file;
    }
  return NULL;
}

static void
handle_request (SoupServer *server, SoupServerMessage *message, const char *path,
                GHashTable *query, gpointer user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (message);
  const char *range = soup_message_headers_get_one (request_headers, "Range");

  if (!g_str_has_prefix (path, PREFIX))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  const char *name = path + strlen (PREFIX);
  g_ptr_array_add (f->requests,
                   range != NULL ? g_strdup_printf ("%s %s", name, range) : g_strdup (name));
  /* No Content-Encoding may be asked for: ranges and digests are of the raw bytes. */
  g_assert_null (soup_message_headers_get_one (request_headers, "Accept-Encoding"));

  if (g_str_equal (name, ECG_DOWNLOAD_SUMS_NAME))
    {
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, f->sums,
                                        strlen (f->sums));
      return;
    }
  const ServedFile *file = find_file (f, name);
  if (file == NULL || g_hash_table_contains (f->missing, name))
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  gsize size = 0;
  const guint8 *data = g_bytes_get_data (file->bytes, &size);
  g_autofree guint8 *copy = g_memdup2 (data, size);
  if (g_hash_table_contains (f->corrupt, name))
    copy[size / 2] ^= 0x01;

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  if (f->stall_path != NULL && g_str_equal (name, f->stall_path) && f->stalled == NULL)
    {
      /* Half the body now, the rest never: the server pauses once it has sent it. */
      SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (message);
      soup_message_headers_set_content_length (response_headers, size);
      f->stalled_bytes = size / 2;
      soup_message_body_append (soup_server_message_get_response_body (message), SOUP_MEMORY_COPY,
                                copy, f->stalled_bytes);
      f->stalled = g_object_ref (message);
      return;
    }
  /* A complete 200 response: SoupServer itself turns it into 206 for a Range request. */
  if (f->ignore_range)
    soup_message_headers_remove (request_headers, "Range");
  soup_server_message_set_response (message, "application/octet-stream", SOUP_MEMORY_COPY,
                                    (const char *) copy, size);
}

static void
add_served_file (Fixture *f, const char *path, const char *source)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  g_file_get_contents (source, &contents, &length, &error);
  g_assert_no_error (error);
  ServedFile *file = g_new0 (ServedFile, 1);
  file->path = g_strdup (path);
  file->bytes = g_bytes_new_take (contents, length);
  g_ptr_array_add (f->files, file);
}

/* SHA256SUMS.txt for the served files in PhysioNet's form, plus `extra` lines. */
static void
write_sums (Fixture *f, const char *extra)
{
  GString *sums = g_string_new (NULL);
  for (guint i = 0; i < f->files->len; i++)
    {
      const ServedFile *file = f->files->pdata[i];
      g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, file->bytes);
      g_string_append_printf (sums, "%s %s\n", digest, file->path);
    }
  if (extra != NULL)
    g_string_append (sums, extra);
  g_free (f->sums);
  f->sums = g_string_free (sums, FALSE);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->files = g_ptr_array_new_with_free_func ((GDestroyNotify) served_file_free);
  f->requests = g_ptr_array_new_with_free_func (g_free);
  f->corrupt = g_hash_table_new (g_str_hash, g_str_equal);
  f->missing = g_hash_table_new (g_str_hash, g_str_equal);

  /* Real records when they are staged, the demo records otherwise: the second record sits in
   * a subfolder, as PhysioNet's x_mitdb/ does. */
  const char *root = g_getenv ("ECGWB_DATA");
  g_autofree char *mitdb = root != NULL && root[0] != '\0'
                             ? g_build_filename (root, "mitdb", NULL)
                             : NULL;
  const char *first = "100", *second = "101";
  g_autofree char *folder = NULL;
  if (mitdb != NULL && g_file_test (mitdb, G_FILE_TEST_IS_DIR))
    folder = g_strdup (mitdb);
  else
    {
      g_test_message ("ECGWB_DATA is not set (or has no mitdb/): serving the demo records");
      folder = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", NULL);
      first = "demo1";
      second = "demo2";
    }
  const char *const extensions[] = { "hea", "dat", "atr" };
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", first, extensions[i]);
      g_autofree char *source = g_build_filename (folder, name, NULL);
      add_served_file (f, name, source);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", second, extensions[i]);
      g_autofree char *source = g_build_filename (folder, name, NULL);
      g_autofree char *path = g_strconcat ("x_mitdb/", name, NULL);
      add_served_file (f, path, source);
    }
  write_sums (f, NULL);

  g_autoptr (GError) error = NULL;
  f->server = soup_server_new ("server-header", "ecg-test ", NULL);
  soup_server_add_handler (f->server, NULL, handle_request, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  GSList *uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  g_autofree char *root_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (root_url, "http://127.0.0.1:"));
  f->base_url = g_strconcat (root_url, PREFIX + 1, NULL);

  f->tmp = ecg_test_tmpdir_new ();
  f->dest = g_build_filename (f->tmp, "mitdb", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->stalled);
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  /* Let the closed connections' sources run down. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_error (&f->error);
  g_clear_object (&f->cancellable);
  g_hash_table_unref (f->corrupt);
  g_hash_table_unref (f->missing);
  g_ptr_array_unref (f->requests);
  g_ptr_array_unref (f->files);
  g_free (f->sums);
  g_free (f->base_url);
  g_free (f->dest);
  ecg_test_tmpdir_free (f->tmp);
}

/* ---- running a download ------------------------------------------------------------------ */

static void
on_progress (const EcgDownloadProgress *progress, gpointer user_data)
{
  Fixture *f = user_data;
  g_assert_cmpfloat (progress->fraction, >=, 0.0);
  g_assert_cmpfloat (progress->fraction, <=, 1.0);
  g_assert_cmpuint (progress->n_done, <=, progress->n_files);
  /* Cancel once the stalled file has received all the server will send. */
  if (f->stalled != NULL && progress->file != NULL && g_str_equal (progress->file, f->stall_path)
      && progress->file_bytes == f->stalled_bytes && f->cancellable != NULL)
    g_cancellable_cancel (f->cancellable);
  f->last_progress = *progress;
  f->last_progress.file = NULL;
  f->n_progress++;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;
  f->ok = ecg_download_folder_finish (result, &f->summary, &f->error);
  f->done = TRUE;
}

/* Downloads from `base_url` (NULL: the fixture's) and waits for the end. The request log
 * starts afresh. */
static gboolean
run_download (Fixture *f, const char *base_url, const char *const *exclude)
{
  g_ptr_array_set_size (f->requests, 0);
  g_clear_error (&f->error);
  g_clear_object (&f->cancellable);
  f->cancellable = g_cancellable_new ();
  f->done = FALSE;
  f->n_progress = 0;
  ecg_download_folder_async (NULL, base_url != NULL ? base_url : f->base_url, f->dest, exclude,
                             on_progress, f, f->cancellable, on_done, f);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!f->done)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the download did not end within 60 s");
      g_main_context_iteration (NULL, TRUE);
    }
  /* Progress dispatched after the end, if any, is delivered before checking. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return f->ok;
}

static guint64
served_size (Fixture *f, guint from)
{
  guint64 total = 0;
  for (guint i = from; i < f->files->len; i++)
    total += g_bytes_get_size (((ServedFile *) f->files->pdata[i])->bytes);
  return total;
}

static void
assert_file_equals (const char *path, GBytes *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL),
                   g_bytes_get_size (expected));
}

/* Every served file is in the destination, byte for byte, with no .part left, and the
 * destination keeps the SHA256SUMS.txt it was checked against. */
static void
assert_all_downloaded (Fixture *f)
{
  for (guint i = 0; i < f->files->len; i++)
    {
      const ServedFile *file = f->files->pdata[i];
      g_autofree char *path = g_build_filename (f->dest, file->path, NULL);
      g_autofree char *part = g_strconcat (path, ".part", NULL);
      assert_file_equals (path, file->bytes);
      g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
    }
  g_autofree char *sums_path = g_build_filename (f->dest, ECG_DOWNLOAD_SUMS_NAME, NULL);
  g_autoptr (GBytes) sums = g_bytes_new_static (f->sums, strlen (f->sums));
  assert_file_equals (sums_path, sums);
}

static guint
count_requests (Fixture *f, const char *request)
{
  guint n = 0;
  for (guint i = 0; i < f->requests->len; i++)
    if (g_str_equal (f->requests->pdata[i], request))
      n++;
  return n;
}

/* ---- tests ------------------------------------------------------------------------------- */

/* A fresh folder: SHA256SUMS.txt, then one GET per file, in order; files identical. */
static void
test_download_all (Fixture *f, gconstpointer data)
{
  g_assert_true (run_download (f, NULL, NULL));
  g_assert_no_error (f->error);
  assert_all_downloaded (f);

  g_assert_cmpuint (f->requests->len, ==, 1 + f->files->len);
  g_assert_cmpstr (f->requests->pdata[0], ==, ECG_DOWNLOAD_SUMS_NAME);
  for (guint i = 0; i < f->files->len; i++)
    g_assert_cmpstr (f->requests->pdata[i + 1], ==, ((ServedFile *) f->files->pdata[i])->path);

  g_assert_cmpuint (f->summary.n_files, ==, f->files->len);
  g_assert_cmpuint (f->summary.n_fetched, ==, f->files->len);
  g_assert_cmpuint (f->summary.n_verified, ==, 0);
  g_assert_cmpuint (f->summary.n_failed, ==, 0);
  g_assert_cmpuint (f->summary.n_requests, ==, 1 + f->files->len);
  g_assert_cmpuint (f->summary.bytes_received, ==, strlen (f->sums) + served_size (f, 0));
  g_assert_cmpuint (f->n_progress, >, 0);
  g_assert_cmpuint (f->last_progress.n_done, ==, f->files->len);
  g_assert_cmpfloat (f->last_progress.fraction, ==, 1.0);
}

/* A complete folder asks for SHA256SUMS.txt only; a file changed on disk is fetched again,
 * alone; a base URL without its final '/' works the same. */
static void
test_complete_folder_fetches_nothing (Fixture *f, gconstpointer data)
{
  g_assert_true (run_download (f, NULL, NULL));

  g_assert_true (run_download (f, NULL, NULL));
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpstr (f->requests->pdata[0], ==, ECG_DOWNLOAD_SUMS_NAME);
  g_assert_cmpuint (f->summary.n_verified, ==, f->files->len);
  g_assert_cmpuint (f->summary.n_fetched, ==, 0);
  g_assert_cmpuint (f->summary.bytes_received, ==, strlen (f->sums));

  const ServedFile *changed = f->files->pdata[4];
  g_autofree char *kept = ecg_test_write_file (f->dest, changed->path, "not the record", -1);
  g_autofree char *no_slash = g_strndup (f->base_url, strlen (f->base_url) - 1);
  g_assert_true (run_download (f, no_slash, NULL));
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (f->requests->pdata[1], ==, changed->path);
  g_assert_cmpuint (f->summary.n_verified, ==, f->files->len - 1);
  g_assert_cmpuint (f->summary.n_fetched, ==, 1);
  assert_all_downloaded (f);
}

/* A served file whose bytes do not match SHA256SUMS.txt is reported by name and not kept;
 * the other files are fetched. */
static void
test_corrupt_file_named (Fixture *f, gconstpointer data)
{
  const ServedFile *bad = f->files->pdata[0];
  g_hash_table_add (f->corrupt, bad->path);
  g_assert_false (run_download (f, NULL, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_CHECKSUM);
  g_autofree char *expected = g_strdup_printf ("1 of %u files failed: %s: SHA-256 mismatch",
                                               f->files->len, bad->path);
  if (!g_str_has_prefix (f->error->message, expected))
    g_error ("“%s” does not start with “%s”", f->error->message, expected);
  g_assert_cmpuint (f->summary.n_failed, ==, 1);
  g_assert_cmpuint (f->summary.n_fetched, ==, f->files->len - 1);

  g_autofree char *path = g_build_filename (f->dest, bad->path, NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  for (guint i = 1; i < f->files->len; i++)
    {
      const ServedFile *file = f->files->pdata[i];
      g_autofree char *good = g_build_filename (f->dest, file->path, NULL);
      assert_file_equals (good, file->bytes);
    }

  /* Repaired on the server: the next run fetches that file only. */
  g_hash_table_remove_all (f->corrupt);
  g_assert_true (run_download (f, NULL, NULL));
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (f->requests->pdata[1], ==, bad->path);
  assert_all_downloaded (f);
}

/* A file the server does not have: HTTP 404 named with the file and its URL. */
static void
test_missing_file_named (Fixture *f, gconstpointer data)
{
  const ServedFile *gone = f->files->pdata[5];
  g_hash_table_add (f->missing, gone->path);
  g_assert_false (run_download (f, NULL, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_autofree char *expected = g_strdup_printf ("%s: HTTP 404 Not Found from %s%s", gone->path,
                                               f->base_url, gone->path);
  if (strstr (f->error->message, expected) == NULL)
    g_error ("“%s” does not contain “%s”", f->error->message, expected);
  g_assert_cmpuint (f->summary.n_fetched, ==, f->files->len - 1);
}

/* Cancelled in the middle of a file: the received half stays as .part; the next run asks for
 * the rest with a Range request, fetches the files not yet fetched, and completes. */
static void
test_cancel_then_resume (Fixture *f, gconstpointer data)
{
  const guint stalled_index = 1; /* the first .dat */
  const ServedFile *stalled = f->files->pdata[stalled_index];
  gsize size = g_bytes_get_size (stalled->bytes);
  f->stall_path = stalled->path;

  g_assert_false (run_download (f, NULL, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_CANCELLED);
  g_assert_cmpuint (f->stalled_bytes, ==, size / 2);
  g_assert_cmpuint (f->summary.n_fetched, ==, stalled_index);

  g_autofree char *path = g_build_filename (f->dest, stalled->path, NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_autoptr (GBytes) first_half = g_bytes_new_from_bytes (stalled->bytes, 0, size / 2);
  assert_file_equals (part, first_half);

  /* The stalled response is finished off (its client is gone) before the next run. */
  soup_message_body_complete (soup_server_message_get_response_body (f->stalled));
  soup_server_message_unpause (f->stalled);
  g_clear_object (&f->stalled);
  f->stall_path = NULL;

  g_assert_true (run_download (f, NULL, NULL));
  g_assert_no_error (f->error);
  g_autofree char *range_request = g_strdup_printf ("%s bytes=%" G_GSIZE_FORMAT "-",
                                                    stalled->path, size / 2);
  g_assert_cmpuint (count_requests (f, range_request), ==, 1);
  g_assert_cmpuint (count_requests (f, stalled->path), ==, 0);
  g_assert_cmpuint (f->requests->len, ==, 1 + f->files->len - stalled_index);
  g_assert_cmpuint (f->summary.n_verified, ==, stalled_index);
  g_assert_cmpuint (f->summary.n_fetched, ==, f->files->len - stalled_index);
  g_assert_cmpuint (f->summary.bytes_received, ==,
                    strlen (f->sums) + (size - size / 2) + served_size (f, stalled_index + 1));
  assert_all_downloaded (f);
}

/* A damaged .part (wrong bytes, too long, or a server that ignores Range) costs one whole
 * transfer, not a failure. */
static void
test_damaged_part_refetched (Fixture *f, gconstpointer data)
{
  const ServedFile *target = f->files->pdata[1];
  gsize size = g_bytes_get_size (target->bytes);
  g_autofree char *part_name = g_strconcat (target->path, ".part", NULL);
  g_autofree guint8 *garbage = g_malloc (size + 10);
  memset (garbage, 0x5a, size + 10);
  g_mkdir_with_parents (f->dest, 0755);

  /* Wrong first half: the Range transfer completes a wrong file, then the whole comes. */
  g_autofree char *part = ecg_test_write_file (f->dest, part_name, garbage, size / 2);
  g_assert_true (run_download (f, NULL, NULL));
  g_autofree char *range_request = g_strdup_printf ("%s bytes=%" G_GSIZE_FORMAT "-",
                                                    target->path, size / 2);
  g_assert_cmpuint (count_requests (f, range_request), ==, 1);
  g_assert_cmpuint (count_requests (f, target->path), ==, 1);
  assert_all_downloaded (f);

  /* Longer than the file: 416, then the whole. */
  g_autofree char *path = g_build_filename (f->dest, target->path, NULL);
  g_unlink (path);
  g_free (ecg_test_write_file (f->dest, part_name, garbage, size + 10));
  g_assert_true (run_download (f, NULL, NULL));
  g_autofree char *past_end = g_strdup_printf ("%s bytes=%" G_GSIZE_FORMAT "-", target->path,
                                               size + 10);
  g_assert_cmpuint (count_requests (f, past_end), ==, 1);
  g_assert_cmpuint (count_requests (f, target->path), ==, 1);
  assert_all_downloaded (f);

  /* A server without Range support answers 200: the .part is replaced. */
  g_unlink (path);
  g_free (ecg_test_write_file (f->dest, part_name, garbage, size / 2));
  f->ignore_range = TRUE;
  g_assert_true (run_download (f, NULL, NULL));
  g_assert_cmpuint (count_requests (f, range_request), ==, 1);
  g_assert_cmpuint (f->requests->len, ==, 2);
  assert_all_downloaded (f);
}

/* A sums file that lists a path outside the folder is refused before any file is asked for. */
static void
test_escaping_path_refused (Fixture *f, gconstpointer data)
{
  write_sums (f, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad "
                 "../escape.txt\n");
  g_assert_false (run_download (f, NULL, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_autofree char *expected
    = g_strdup_printf ("SHA256SUMS.txt line %u: the path “../escape.txt” leaves the folder",
                       f->files->len + 1);
  if (!g_str_has_prefix (f->error->message, expected))
    g_error ("“%s” does not start with “%s”", f->error->message, expected);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_autofree char *outside = g_build_filename (f->tmp, "escape.txt", NULL);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
}

/* Excluded prefixes are neither fetched nor counted. */
static void
test_exclude (Fixture *f, gconstpointer data)
{
  const char *const exclude[] = { "x_mitdb/", NULL };
  g_assert_true (run_download (f, NULL, exclude));
  g_assert_cmpuint (f->summary.n_files, ==, 3);
  g_assert_cmpuint (f->requests->len, ==, 4);
  g_autofree char *sub = g_build_filename (f->dest, "x_mitdb", NULL);
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
}

/* Errors about the base URL and the list itself name what went wrong. */
static void
test_bad_sources (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (ecg_download_folder ("ftp://127.0.0.1/db/", f->dest, NULL, NULL, NULL, NULL,
                                       NULL, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ftp://127.0.0.1/db/"));
  g_clear_error (&error);
  g_assert_false (ecg_download_folder ("not a url", f->dest, NULL, NULL, NULL, NULL, NULL,
                                       &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  /* No SHA256SUMS.txt at that address. */
  g_autofree char *elsewhere = g_strconcat (f->base_url, "nowhere/", NULL);
  g_assert_false (run_download (f, elsewhere, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (f->error->message, "SHA256SUMS.txt: HTTP 404"));

  /* A malformed list. */
  g_free (f->sums);
  f->sums = g_strdup ("<html>not a list</html>\n");
  g_assert_false (run_download (f, NULL, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_true (g_str_has_prefix (f->error->message, "SHA256SUMS.txt line 1:"));

  /* Nobody listening: a port that was just free. */
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  g_autofree char *closed = g_strdup_printf ("http://127.0.0.1:%u/db/", port);
  g_assert_false (run_download (f, closed, NULL));
  g_assert_error (f->error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_true (g_str_has_prefix (f->error->message, "SHA256SUMS.txt (http://127.0.0.1:"));
}

int
main (int argc, char *argv[])
{
  /* The server is on this machine: a proxy from the environment must not get in between. */
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/engine/fetch/download/all", test_download_all);
  ADD ("/engine/fetch/download/complete-folder-fetches-nothing",
       test_complete_folder_fetches_nothing);
  ADD ("/engine/fetch/download/corrupt-file-named", test_corrupt_file_named);
  ADD ("/engine/fetch/download/missing-file-named", test_missing_file_named);
  ADD ("/engine/fetch/download/cancel-then-resume", test_cancel_then_resume);
  ADD ("/engine/fetch/download/damaged-part-refetched", test_damaged_part_refetched);
  ADD ("/engine/fetch/download/escaping-path-refused", test_escaping_path_refused);
  ADD ("/engine/fetch/download/exclude", test_exclude);
  ADD ("/engine/fetch/download/bad-sources", test_bad_sources);
#undef ADD

  return g_test_run ();
}
