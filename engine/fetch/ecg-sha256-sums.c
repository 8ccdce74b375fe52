/* ecg-sha256-sums.c — parsing SHA256SUMS.txt and hashing files with GChecksum. */
#include "fetch/ecg-sha256-sums.h"

#include <string.h>

#include "ecg-error.h"

/* Bytes read per call while hashing: large enough that syscalls do not dominate. */
#define ECG_SHA256_READ_SIZE (256 * 1024)

void
ecg_sha256_sums_free (EcgSha256Sums *sums)
{
  if (sums == NULL)
    return;
  for (gsize i = 0; i < sums->n_items; i++)
    g_free (sums->items[i].path);
  g_free (sums->items);
  g_free (sums);
}

gboolean
ecg_sha256_path_is_safe (const char *path)
{
  if (path == NULL || path[0] == '\0' || path[0] == '/' || strchr (path, '\\') != NULL)
    return FALSE;

  const char *component = path;
  for (;;)
    {
      const char *slash = strchr (component, '/');
      gsize length = slash != NULL ? (gsize) (slash - component) : strlen (component);
      if (length == 0 || (length == 1 && component[0] == '.')
          || (length == 2 && component[0] == '.' && component[1] == '.'))
        return FALSE;
      if (slash == NULL)
        return TRUE;
      component = slash + 1;
    }
}

/* One line without its line end: "<digest> <path>", "<digest>  <path>" or "<digest> *<path>". */
static gboolean
parse_line (const char *line, gsize length, const char *name, guint line_number,
            EcgSha256Entry *entry, GError **error)
{
  if (length < 66)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %u: expected a 64-digit SHA-256 and a file name", name, line_number);
      return FALSE;
    }
  for (gsize i = 0; i < 64; i++)
    {
      if (!g_ascii_isxdigit (line[i]))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s line %u: the SHA-256 is not 64 hexadecimal digits", name,
                       line_number);
          return FALSE;
        }
      entry->digest[i] = g_ascii_tolower (line[i]);
    }
  entry->digest[64] = '\0';
  if (line[64] != ' ' && line[64] != '\t')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %u: the SHA-256 is not 64 hexadecimal digits", name, line_number);
      return FALSE;
    }

  /* sha256sum's mode character: ' ' (text) or '*' (binary); PhysioNet writes none. */
  gsize start = 65;
  if (line[start] == ' ' || line[start] == '*')
    start++;
  g_autofree char *path = g_strndup (line + start, length - start);
  if (memchr (line + start, '\0', length - start) != NULL || !g_utf8_validate (path, -1, NULL))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %u: the file name is not valid UTF-8 text", name, line_number);
      return FALSE;
    }
  if (!ecg_sha256_path_is_safe (path))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %u: the path “%s” leaves the folder (absolute, empty, “.” or "
                   "“..” component, or a backslash)",
                   name, line_number, path);
      return FALSE;
    }
  entry->path = g_steal_pointer (&path);
  return TRUE;
}

EcgSha256Sums *
ecg_sha256_sums_parse (const char *text, gssize length, const char *name, GError **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  gsize size = length < 0 ? strlen (text) : (gsize) length;
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (EcgSha256Entry));
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  guint line_number = 0;

  gsize position = 0;
  while (position < size && ok)
    {
      const char *line = text + position;
      const char *newline = memchr (line, '\n', size - position);
      gsize line_length = newline != NULL ? (gsize) (newline - line) : size - position;
      position += line_length + (newline != NULL ? 1 : 0);
      line_number++;
      if (line_length > 0 && line[line_length - 1] == '\r')
        line_length--;
      if (line_length == 0)
        continue;

      EcgSha256Entry entry = { 0 };
      ok = parse_line (line, line_length, name, line_number, &entry, error);
      if (!ok)
        break;
      if (g_hash_table_contains (seen, entry.path))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %u: “%s” is listed twice",
                       name, line_number, entry.path);
          g_free (entry.path);
          ok = FALSE;
          break;
        }
      g_array_append_val (entries, entry);
      /* The table borrows the path from the array, whose items do not move once stored
       * (they are pointers to separately allocated strings). */
      g_hash_table_add (seen, g_array_index (entries, EcgSha256Entry, entries->len - 1).path);
    }

  if (!ok)
    {
      for (guint i = 0; i < entries->len; i++)
        g_free (g_array_index (entries, EcgSha256Entry, i).path);
      return NULL;
    }

  EcgSha256Sums *sums = g_new0 (EcgSha256Sums, 1);
  sums->n_items = entries->len;
  sums->items = (EcgSha256Entry *) (void *) g_array_free (g_steal_pointer (&entries), FALSE);
  return sums;
}

gint64
ecg_sha256_update_from_file (GChecksum *checksum, const char *path, GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (checksum != NULL, -1);
  g_return_val_if_fail (path != NULL, -1);

  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInputStream) stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, ECG_ERROR, ECG_ERROR_CANCELLED, "cancelled");
      else
        g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", path, local_error->message);
      return -1;
    }

  g_autofree guint8 *buffer = g_malloc (ECG_SHA256_READ_SIZE);
  gint64 total = 0;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, ECG_SHA256_READ_SIZE,
                                      cancellable, &local_error);
      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_set_error_literal (error, ECG_ERROR, ECG_ERROR_CANCELLED, "cancelled");
          else
            g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", path, local_error->message);
          return -1;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      total += n;
    }
  return total;
}

char *
ecg_sha256_file (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (ecg_sha256_update_from_file (checksum, path, cancellable, error) < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}
