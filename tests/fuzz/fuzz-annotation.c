/* fuzz-annotation.c — the MIT-format annotation reader on arbitrary bytes.
 *
 * Checks besides the sanitizers: an accepted list is encoded with ecg_annotation_list_encode()
 * and read back to the same annotations (time, code, subtype, chan, num, aux) whenever it is one
 * the writer can represent: codes 1..ACMAX (code 0 with increment 0 is the end marker) and aux
 * strings of at most 255 bytes (the writer's limit).
 */
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "io/ecg-annotation.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  return 0;
}

static gboolean
writer_can_represent (const EcgAnnotationList *list)
{
  for (gsize i = 0; i < list->n_items; i++)
    {
      const EcgAnnotation *a = &list->items[i];
      if (a->code < 1 || a->code > ECG_ANN_ACMAX)
        return FALSE;
      if (a->aux != NULL && strlen (a->aux) > 255)
        return FALSE;
      /* A step of more than 2^31 - 1 samples needs two SKIPs; the writer emits one. */
      gint64 previous = i > 0 ? list->items[i - 1].sample : 0;
      if (a->sample - previous > G_MAXINT32 || a->sample - previous < G_MININT32)
        return FALSE;
    }
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgAnnotationList) list = ecg_annotation_list_parse (data, size, "fuzz.atr", &error);
  if (list == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fuzz.atr"));
      return 0;
    }
  g_assert_null (error);
  (void) ecg_annotation_list_count_beats (list);
  for (gsize i = 0; i < list->n_items; i++)
    {
      g_assert_cmpint (list->items[i].sample, >=, 0);
      (void) ecg_annotation_code_symbol (list->items[i].code);
    }
  if (!writer_can_represent (list))
    return 0;

  g_autoptr (GBytes) encoded = ecg_annotation_list_encode (list);
  gsize n = 0;
  const guint8 *bytes = g_bytes_get_data (encoded, &n);
  g_autoptr (EcgAnnotationList) again = ecg_annotation_list_parse (bytes, n, "again.atr", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->n_items, ==, list->n_items);
  for (gsize i = 0; i < list->n_items; i++)
    {
      const EcgAnnotation *a = &list->items[i], *b = &again->items[i];
      g_assert_cmpint (a->sample, ==, b->sample);
      g_assert_cmpint (a->code, ==, b->code);
      g_assert_cmpint (a->subtype, ==, b->subtype);
      g_assert_cmpint (a->chan, ==, b->chan);
      g_assert_cmpint (a->num, ==, b->num);
      g_assert_cmpstr (a->aux, ==, b->aux);
    }
  return 0;
}
