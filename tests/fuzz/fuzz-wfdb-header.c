/* fuzz-wfdb-header.c — the WFDB header parser on arbitrary text.
 *
 * Checks besides the sanitizers: a failure sets an error and a success none; a parsed header
 * written back with ecg_wfdb_header_to_string() parses again to the same signals (the writer
 * and the reader agree on every header the reader accepts).
 */
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "io/ecg-wfdb-header.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) header
    = ecg_wfdb_header_parse ((const char *) data, (gssize) size, "fuzz.hea", &error);
  if (header == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == ECG_ERROR);
      g_assert_nonnull (strstr (error->message, "fuzz.hea"));
      return 0;
    }
  g_assert_null (error);
  g_assert_cmpint (header->n_signals, >=, 1);
  g_assert_true (header->fs > 0);

  g_autofree char *text = ecg_wfdb_header_to_string (header);
  g_autoptr (EcgWfdbHeader) again = ecg_wfdb_header_parse (text, -1, "again.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->n_signals, ==, header->n_signals);
  g_assert_cmpint (again->n_samples, ==, header->n_samples);
  for (int i = 0; i < header->n_signals; i++)
    {
      const EcgWfdbSignalSpec *a = &header->signals[i], *b = &again->signals[i];
      g_assert_cmpstr (a->file_name, ==, b->file_name);
      g_assert_cmpint (a->format, ==, b->format);
      g_assert_cmpint (a->byte_offset, ==, b->byte_offset);
      g_assert_cmpint (a->baseline, ==, b->baseline);
      g_assert_cmpint (a->adc_zero, ==, b->adc_zero);
      g_assert_cmpint (a->adc_resolution, ==, b->adc_resolution);
      g_assert_cmpint (a->checksum, ==, b->checksum);
      g_assert_cmpstr (a->units, ==, b->units);
      g_assert_cmpstr (a->description, ==, b->description);
    }
  return 0;
}
