/* ecg-download.h — fetching a PhysioNet database folder over HTTP(S) with libsoup 3, every file
 * checked against the SHA256SUMS.txt published beside it.
 *
 * base_url names the remote folder (e.g. https://physionet.org/files/mitdb/1.0.0/). The
 * download first fetches base_url/SHA256SUMS.txt, then each file it lists into `destination`
 * (subfolders created as listed), and finally keeps a copy of SHA256SUMS.txt there. Resuming is
 * the normal case:
 *   - a file already present with the listed SHA-256 is not fetched again;
 *   - a file is received into "<name>.part" and renamed only once its SHA-256 matches, so a
 *     cancelled or broken download leaves a .part that the next run continues with an HTTP
 *     Range request (a server that answers 200 instead of 206 restarts it);
 *   - a file whose SHA-256 does not match, or that the server refuses (HTTP 4xx/5xx), is not
 *     kept; the other files are still fetched, and the error names each failed file.
 * A transfer that breaks (connection lost, disk full) ends the run with ECG_ERROR_IO naming the
 * file; cancelling ends it with ECG_ERROR_CANCELLED at the next block of 64 KiB.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *file;       /* relative path being checked or fetched; NULL before the list */
  guint n_files;          /* files to get (listed, minus the excluded) */
  guint n_done;           /* files finished so far: verified, fetched or failed */
  guint64 file_bytes;     /* bytes of `file` on disk so far, the resumed part included */
  guint64 file_size;      /* its full size from the response, 0 while unknown */
  guint64 bytes_received; /* HTTP body bytes received in this run */
  double fraction;        /* of the whole download, 0..1, counting files */
} EcgDownloadProgress;

typedef void (*EcgDownloadProgressFunc) (const EcgDownloadProgress *progress,
                                         gpointer user_data);

typedef struct
{
  guint n_files;          /* files to get (listed, minus the excluded) */
  guint n_verified;       /* already complete on disk: not fetched */
  guint n_fetched;        /* fetched in this run (whole, or the rest of a .part) */
  guint n_failed;         /* SHA-256 mismatch or refused by the server */
  guint n_requests;       /* HTTP requests made, SHA256SUMS.txt included */
  guint64 bytes_received; /* HTTP body bytes received, SHA256SUMS.txt included */
} EcgDownloadSummary;

/* The name of the checksum list fetched from the base URL and kept in the destination. */
#define ECG_DOWNLOAD_SUMS_NAME "SHA256SUMS.txt"

/* Downloads the folder at `base_url` (http or https; a missing final '/' is added) into
 * `destination` (created when missing). Files whose path starts with one of `exclude`
 * (NULL-terminated, may be NULL) are left out. `progress` (may be NULL) is called on the calling
 * thread. `summary` (may be NULL) is filled in whether the download succeeds or not. Blocks:
 * call it from a worker thread (or use ecg_download_folder_async). Returns FALSE with an error
 * whose message names the file:
 *   ECG_ERROR_INVALID    base_url is not an http(s) URL;
 *   ECG_ERROR_NOT_FOUND  HTTP 404/410 for SHA256SUMS.txt, or for every failed file;
 *   ECG_ERROR_IO         network or disk failure, other HTTP errors;
 *   ECG_ERROR_FORMAT     SHA256SUMS.txt is malformed or lists a path outside the folder;
 *   ECG_ERROR_CHECKSUM   at least one file did not match its SHA-256 (all failures listed);
 *   ECG_ERROR_CANCELLED  `cancellable` fired (what was received is kept for resuming). */
gboolean ecg_download_folder (const char *base_url, const char *destination,
                              const char *const *exclude, EcgDownloadProgressFunc progress,
                              gpointer progress_data, EcgDownloadSummary *summary,
                              GCancellable *cancellable, GError **error);

/* Runs ecg_download_folder() in a GTask worker thread. `progress` is called in the caller's
 * thread-default main context with the latest progress only (updates are coalesced); the
 * task holds a reference on `source_object` (may be NULL) until `callback` has run. */
void ecg_download_folder_async (GObject *source_object, const char *base_url,
                                const char *destination, const char *const *exclude,
                                EcgDownloadProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
/* Fills `summary` (may be NULL) whatever the outcome. */
gboolean ecg_download_folder_finish (GAsyncResult *result, EcgDownloadSummary *summary,
                                     GError **error);

G_END_DECLS
