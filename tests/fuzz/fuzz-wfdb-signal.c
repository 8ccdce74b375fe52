/* fuzz-wfdb-signal.c — WFDB signal decoding, and whole-record loading, on arbitrary bytes.
 *
 * Input: header text, a NUL byte, then the signal file's bytes (without a NUL the signal file is
 * empty). Two passes:
 *  1. ecg_wfdb_signal_decode() on every group of consecutive signals sharing a file, into output
 *     rows sized for exactly what the header asks (capped by what the bytes could hold — a
 *     decoder that writes more than the frames it accepted overflows them under ASan);
 *  2. ecg_record_load() on the pair written as rec.hea plus, under every file name the header
 *     gives, the signal bytes: the header checks, the allocations sized from the header, the
 *     checksums and the conversion to physical units, as `ecgwb info` runs them.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "io/ecg-record.h"
#include "io/ecg-wfdb-signal.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  ecg_fuzz_tmpdir ();
  return 0;
}

static void
decode_groups (const EcgWfdbHeader *header, const guint8 *bytes, gsize n_bytes)
{
  for (int first = 0; first < header->n_signals;)
    {
      int n_group = 1;
      while (first + n_group < header->n_signals
             && strcmp (header->signals[first + n_group].file_name,
                        header->signals[first].file_name) == 0)
        n_group++;
      /* No format holds more than one frame per byte of one signal (8 bits is the smallest
       * sample): a request beyond that must fail without touching the rows. */
      gint64 n_samples = header->n_samples >= 0 ? header->n_samples : (gint64) n_bytes / n_group;
      gint64 row_length = MIN (n_samples, (gint64) n_bytes / n_group + 1);
      g_autofree int *indices = g_new (int, n_group);
      g_autofree gint32 **rows = g_new0 (gint32 *, n_group);
      for (int g = 0; g < n_group; g++)
        {
          indices[g] = first + g;
          rows[g] = g_new (gint32, MAX (row_length, 1));
        }
      g_autoptr (GError) error = NULL;
      gboolean ok = ecg_wfdb_signal_decode (header, indices, n_group, bytes, n_bytes, n_samples,
                                            rows, "fuzz.dat", &error);
      g_assert_true (ok == (error == NULL));
      g_assert_true (!ok || n_samples <= row_length);
      for (int g = 0; g < n_group; g++)
        g_free (rows[g]);
      first += n_group;
    }
}

/* Writes the pair into the scratch folder and loads it as a record; removes the files after. */
static void
load_record (const char *header_text, const EcgWfdbHeader *header, const guint8 *bytes,
             gsize n_bytes)
{
  const char *dir = ecg_fuzz_tmpdir ();
  g_autoptr (GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *hea = g_build_filename (dir, "rec.hea", NULL);
  if (!g_file_set_contents (hea, header_text, -1, NULL))
    g_error ("cannot write %s", hea);
  g_ptr_array_add (written, g_strdup (hea));
  for (int i = 0; header != NULL && i < header->n_signals; i++)
    {
      const char *name = header->signals[i].file_name;
      /* Names with folders stay unwritten (the loader then reports the missing file). */
      if (strchr (name, '/') != NULL || strchr (name, '\\') != NULL || strcmp (name, ".") == 0
          || strcmp (name, "rec.hea") == 0)
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_set_contents (path, (const char *) bytes, (gssize) n_bytes, NULL))
        g_ptr_array_add (written, g_steal_pointer (&path));
    }

  g_autofree char *record_path = g_build_filename (dir, "rec", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) record = ecg_record_load (record_path, ECG_RECORD_NO_ANNOTATIONS, &error);
  g_assert_true ((record == NULL) == (error != NULL));
  if (record != NULL)
    for (int i = 0; i < record->n_leads; i++)
      g_assert_nonnull (record->leads[i].samples);
  for (guint i = 0; i < written->len; i++)
    g_remove (g_ptr_array_index (written, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *bytes = NULL;
  size_t n_bytes = 0;
  g_autofree char *header_text = ecg_fuzz_split (data, size, &bytes, &n_bytes);
  static const guint8 empty[1] = { 0 };
  if (bytes == NULL)
    bytes = empty;

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) header = ecg_wfdb_header_parse (header_text, -1, "fuzz.hea", &error);
  if (header != NULL)
    decode_groups (header, bytes, n_bytes);
  load_record (header_text, header, bytes, n_bytes);
  return 0;
}
