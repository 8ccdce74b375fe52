/* fuzz-model-file.c — the model-file reader (ecg_model_file_load_from_data) on arbitrary bytes.
 *
 * Input: one mode byte, then the file. Every section carries a SHA-256 checksum, so nearly every
 * mutation of a valid file stops at the checksum check; with bit 0 of the mode byte set, the
 * target first rewrites each section's checksum (on a copy, as far as the section table can be
 * walked) so that the HEAD JSON, NORM, PARM, MASK and STAT readers see the mutated payloads.
 *
 * Checks besides the sanitizers: errors and results are exclusive and errors name the file; an
 * accepted file serialises again (ecg_model_file_serialise) and that reads back — whatever the
 * reader accepts, the writer can write.
 */
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "nn/ecg-model-file.h"

#define FILE_HEADER_BYTES 16
#define SECTION_HEADER_BYTES 16
#define CHECKSUM_BYTES 8

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  return 0;
}

/* Recomputes the checksum of every section whose header and payload lie inside `data`. */
static void
repair_checksums (guint8 *data, gsize length)
{
  if (length < FILE_HEADER_BYTES)
    return;
  guint32 n_sections;
  memcpy (&n_sections, data + 12, sizeof n_sections);
  n_sections = GUINT32_FROM_LE (n_sections);
  gsize pos = FILE_HEADER_BYTES;
  for (guint32 s = 0; s < n_sections; s++)
    {
      if (length - pos < SECTION_HEADER_BYTES + CHECKSUM_BYTES)
        return;
      guint64 payload;
      memcpy (&payload, data + pos + 8, sizeof payload);
      payload = GUINT64_FROM_LE (payload);
      if (payload > length - pos - SECTION_HEADER_BYTES - CHECKSUM_BYTES)
        return;
      g_autoptr (GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize digest_length = sizeof digest;
      g_checksum_update (sha, data + pos, SECTION_HEADER_BYTES + payload);
      g_checksum_get_digest (sha, digest, &digest_length);
      memcpy (data + pos + SECTION_HEADER_BYTES + payload, digest, CHECKSUM_BYTES);
      pos += SECTION_HEADER_BYTES + payload + CHECKSUM_BYTES;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  gboolean repair = data[0] & 1;
  g_autofree guint8 *copy = g_memdup2 (data + 1, size - 1);
  if (repair)
    repair_checksums (copy, size - 1);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file
    = ecg_model_file_load_from_data (copy, size - 1, "fuzz.ecgm", &error);
  if (file == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fuzz.ecgm"));
      return 0;
    }
  g_assert_null (error);
  g_assert_nonnull (file->info);

  g_autoptr (GBytes) again = ecg_model_file_serialise (
    file->model, file->norm, (const char *const *) file->classes, file->class_map,
    file->samples_before, file->info, &error);
  g_assert_no_error (error);
  gsize n = 0;
  const guint8 *bytes = g_bytes_get_data (again, &n);
  g_autoptr (EcgModelFile) reloaded = ecg_model_file_load_from_data (bytes, n, "again", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reloaded->model->n_params, ==, file->model->n_params);
  g_assert_cmpint (memcmp (reloaded->model->params, file->model->params,
                           file->model->n_params * sizeof (float)), ==, 0);
  return 0;
}
