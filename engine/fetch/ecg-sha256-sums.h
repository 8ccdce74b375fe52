/* ecg-sha256-sums.h — a SHA256SUMS.txt list (the one PhysioNet publishes beside every
 * database) and the SHA-256 of files on disk.
 *
 * Each line is "<64 hex digits><space><path>", as PhysioNet writes it, or sha256sum's own
 * "<digest>  <path>" (text mode) and "<digest> *<path>" (binary mode). Paths are relative,
 * '/'-separated, and must stay inside the folder they describe: a list with an absolute path, an
 * empty, "." or ".." component or a backslash is refused as a whole.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *path;       /* relative to the folder, '/'-separated */
  char digest[65];  /* lower-case hex, NUL-terminated */
} EcgSha256Entry;

typedef struct
{
  EcgSha256Entry *items;
  gsize n_items;
} EcgSha256Sums;

/* Parses `length` bytes (-1: NUL-terminated) of a sums file; `name` is used in messages
 * ("SHA256SUMS.txt line 3: ..."). Blank lines are skipped; CRLF line ends are accepted.
 * Returns a list owned by the caller (ecg_sha256_sums_free), or NULL with ECG_ERROR_FORMAT. */
EcgSha256Sums *ecg_sha256_sums_parse (const char *text, gssize length, const char *name,
                                      GError **error);
void ecg_sha256_sums_free (EcgSha256Sums *sums);

/* TRUE when `path` is relative and every '/'-separated component is a plain name (not empty,
 * ".", ".." and without a backslash), so that folder/path stays inside folder. */
gboolean ecg_sha256_path_is_safe (const char *path);

/* Feeds the whole file at `path` into `checksum` and returns the number of bytes read, or -1
 * with ECG_ERROR_IO (naming the file) or ECG_ERROR_CANCELLED. */
gint64 ecg_sha256_update_from_file (GChecksum *checksum, const char *path,
                                    GCancellable *cancellable, GError **error);

/* The SHA-256 of the file at `path` as lower-case hex; owned by the caller. NULL with
 * ECG_ERROR_IO or ECG_ERROR_CANCELLED. */
char *ecg_sha256_file (const char *path, GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgSha256Sums, ecg_sha256_sums_free)

G_END_DECLS
