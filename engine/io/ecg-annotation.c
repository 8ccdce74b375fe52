/* ecg-annotation.c — reading and writing MIT-format annotation files. */
#include "io/ecg-annotation.h"

#include <string.h>

#include "ecg-error.h"

#define WORD_CODE(w) ((int) ((w) >> 10))
#define WORD_DATA(w) ((int) ((w) & 0x3FF))
#define MAX_TIME_INCREMENT 1023

typedef struct
{
  const char *symbol;
  const char *description;
  gboolean is_beat; /* WFDB's isqrs() */
} CodeInfo;

/* Index = annotation code; the table of WFDB's ecgcodes.h / annot.c. */
static const CodeInfo code_table[ECG_ANN_ACMAX + 1] = {
  [ECG_ANN_NOTQRS] = { " ", "Not-QRS (not a getann/putann code)", FALSE },
  [ECG_ANN_NORMAL] = { "N", "Normal beat", TRUE },
  [ECG_ANN_LBBB] = { "L", "Left bundle branch block beat", TRUE },
  [ECG_ANN_RBBB] = { "R", "Right bundle branch block beat", TRUE },
  [ECG_ANN_ABERR] = { "a", "Aberrated atrial premature beat", TRUE },
  [ECG_ANN_PVC] = { "V", "Premature ventricular contraction", TRUE },
  [ECG_ANN_FUSION] = { "F", "Fusion of ventricular and normal beat", TRUE },
  [ECG_ANN_NPC] = { "J", "Nodal (junctional) premature beat", TRUE },
  [ECG_ANN_APC] = { "A", "Atrial premature beat", TRUE },
  [ECG_ANN_SVPB] = { "S", "Premature or ectopic supraventricular beat", TRUE },
  [ECG_ANN_VESC] = { "E", "Ventricular escape beat", TRUE },
  [ECG_ANN_NESC] = { "j", "Nodal (junctional) escape beat", TRUE },
  [ECG_ANN_PACE] = { "/", "Paced beat", TRUE },
  [ECG_ANN_UNKNOWN] = { "Q", "Unclassifiable beat", TRUE },
  [ECG_ANN_NOISE] = { "~", "Change in signal quality", FALSE },
  [ECG_ANN_ARFCT] = { "|", "Isolated QRS-like artifact", FALSE },
  [ECG_ANN_STCH] = { "s", "ST change", FALSE },
  [ECG_ANN_TCH] = { "T", "T-wave change", FALSE },
  [ECG_ANN_SYSTOLE] = { "*", "Systole", FALSE },
  [ECG_ANN_DIASTOLE] = { "D", "Diastole", FALSE },
  [ECG_ANN_NOTE] = { "\"", "Comment annotation", FALSE },
  [ECG_ANN_MEASURE] = { "=", "Measurement annotation", FALSE },
  [ECG_ANN_PWAVE] = { "p", "P-wave peak", FALSE },
  [ECG_ANN_BBB] = { "B", "Left or right bundle branch block", TRUE },
  [ECG_ANN_PACESP] = { "^", "Non-conducted pacer spike", FALSE },
  [ECG_ANN_TWAVE] = { "t", "T-wave peak", FALSE },
  [ECG_ANN_RHYTHM] = { "+", "Rhythm change", FALSE },
  [ECG_ANN_UWAVE] = { "u", "U-wave peak", FALSE },
  [ECG_ANN_LEARN] = { "?", "Learning", TRUE },
  [ECG_ANN_FLWAV] = { "!", "Ventricular flutter wave", FALSE },
  [ECG_ANN_VFON] = { "[", "Start of ventricular flutter/fibrillation", FALSE },
  [ECG_ANN_VFOFF] = { "]", "End of ventricular flutter/fibrillation", FALSE },
  [ECG_ANN_AESC] = { "e", "Atrial escape beat", TRUE },
  [ECG_ANN_SVESC] = { "n", "Supraventricular escape beat", TRUE },
  [ECG_ANN_LINK] = { "@", "Link to external data (aux contains URL)", FALSE },
  [ECG_ANN_NAPC] = { "x", "Non-conducted P-wave (blocked APB)", FALSE },
  [ECG_ANN_PFUS] = { "f", "Fusion of paced and normal beat", TRUE },
  [ECG_ANN_WFON] = { "(", "Waveform onset", FALSE },
  [ECG_ANN_WFOFF] = { ")", "Waveform end", FALSE },
  [ECG_ANN_RONT] = { "r", "R-on-T premature ventricular contraction", TRUE },
};

const char *
ecg_annotation_code_symbol (int code)
{
  if (code < 0 || code > ECG_ANN_ACMAX)
    return NULL;
  return code_table[code].symbol;
}

int
ecg_annotation_code_from_symbol (const char *symbol)
{
  if (symbol == NULL)
    return -1;
  for (int code = 1; code <= ECG_ANN_ACMAX; code++)
    if (code_table[code].symbol != NULL && strcmp (code_table[code].symbol, symbol) == 0)
      return code;
  return -1;
}

const char *
ecg_annotation_code_description (int code)
{
  if (code < 0 || code > ECG_ANN_ACMAX)
    return NULL;
  return code_table[code].description;
}

gboolean
ecg_annotation_code_is_beat (int code)
{
  if (code < 0 || code > ECG_ANN_ACMAX)
    return FALSE;
  return code_table[code].is_beat;
}

EcgAnnotationList *
ecg_annotation_list_new (gsize n_items)
{
  EcgAnnotationList *list = g_new0 (EcgAnnotationList, 1);
  list->n_items = n_items;
  list->items = g_new0 (EcgAnnotation, MAX (n_items, 1));
  return list;
}

EcgAnnotationList *
ecg_annotation_list_copy (const EcgAnnotationList *list)
{
  EcgAnnotationList *copy = ecg_annotation_list_new (list->n_items);
  memcpy (copy->items, list->items, list->n_items * sizeof (EcgAnnotation));
  for (gsize i = 0; i < list->n_items; i++)
    copy->items[i].aux = g_strdup (list->items[i].aux);
  return copy;
}

void
ecg_annotation_list_free (EcgAnnotationList *list)
{
  if (list == NULL)
    return;
  for (gsize i = 0; i < list->n_items; i++)
    g_free (list->items[i].aux);
  g_free (list->items);
  g_free (list);
}

gsize
ecg_annotation_list_count_beats (const EcgAnnotationList *list)
{
  gsize n = 0;
  for (gsize i = 0; i < list->n_items; i++)
    n += ecg_annotation_code_is_beat (list->items[i].code);
  return n;
}

/* The 10-bit data field read as a two's-complement number (WFDB writes subtyp and num so). */
static int
sign_extend_10 (int value)
{
  return value >= 512 ? value - 1024 : value;
}

EcgAnnotationList *
ecg_annotation_list_parse (const guint8 *bytes, gsize n_bytes, const char *file_label,
                           GError **error)
{
  if (n_bytes % 2 != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: odd length (%" G_GSIZE_FORMAT " bytes): an annotation file is made of "
                   "16-bit words", file_label, n_bytes);
      return NULL;
    }

  GArray *items = g_array_sized_new (FALSE, TRUE, sizeof (EcgAnnotation), n_bytes / 4 + 1);
  gint64 time = 0;
  int running_chan = 0, running_num = 0;
  gsize pos = 0;
  gboolean ended = FALSE;

  while (pos + 2 <= n_bytes)
    {
      guint16 word = (guint16) (bytes[pos] | (bytes[pos + 1] << 8));
      gsize word_offset = pos;
      pos += 2;
      int code = WORD_CODE (word);
      int data = WORD_DATA (word);

      if (word == 0)
        {
          ended = TRUE;
          break;
        }

      EcgAnnotation *last = items->len > 0
                              ? &g_array_index (items, EcgAnnotation, items->len - 1)
                              : NULL;
      switch (code)
        {
        case ECG_ANN_SKIP:
          {
            if (pos + 4 > n_bytes)
              goto truncated;
            /* PDP-11 long: the high 16-bit word first, each word little-endian. */
            guint32 high = (guint32) (bytes[pos] | (bytes[pos + 1] << 8));
            guint32 low = (guint32) (bytes[pos + 2] | (bytes[pos + 3] << 8));
            gint32 skip = (gint32) ((high << 16) | low);
            pos += 4;
            time += skip;
            if (time < 0)
              {
                g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                             "%s: SKIP at byte %" G_GSIZE_FORMAT " moves time before the "
                             "record's start", file_label, word_offset);
                goto fail;
              }
            break;
          }
        case ECG_ANN_NUM:
          running_num = sign_extend_10 (data);
          if (last != NULL)
            last->num = running_num;
          break;
        case ECG_ANN_SUB:
        case ECG_ANN_CHN:
        case ECG_ANN_AUX:
          if (last == NULL)
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                           "%s: %s modifier at byte %" G_GSIZE_FORMAT
                           " precedes the first annotation", file_label,
                           code == ECG_ANN_SUB ? "SUB" : code == ECG_ANN_CHN ? "CHN" : "AUX",
                           word_offset);
              goto fail;
            }
          if (code == ECG_ANN_SUB)
            last->subtype = sign_extend_10 (data);
          else if (code == ECG_ANN_CHN)
            last->chan = running_chan = data;
          else
            {
              gsize padded = (gsize) data + (data & 1);
              if (pos + padded > n_bytes)
                goto truncated;
              g_free (last->aux);
              /* The aux string may hold a NUL before its stated length (MIT-BIH writes "(N\0"). */
              last->aux = g_strndup ((const char *) bytes + pos, (gsize) data);
              pos += padded;
            }
          break;
        default:
          if (code > ECG_ANN_ACMAX)
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                           "%s: unknown annotation code %d at byte %" G_GSIZE_FORMAT,
                           file_label, code, word_offset);
              goto fail;
            }
          {
            time += data;
            EcgAnnotation annotation = {
              .sample = time,
              .code = (guint8) code,
              .subtype = 0,
              .chan = running_chan,
              .num = running_num,
              .aux = NULL,
            };
            g_array_append_val (items, annotation);
          }
          break;
        }
    }

  if (!ended && pos != n_bytes)
    goto truncated;

  EcgAnnotationList *list = g_new0 (EcgAnnotationList, 1);
  list->n_items = items->len;
  list->items = (EcgAnnotation *) g_array_free (items, items->len == 0);
  if (list->items == NULL)
    list->items = g_new0 (EcgAnnotation, 1);
  return list;

truncated:
  g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: truncated at byte %" G_GSIZE_FORMAT
               " (a SKIP or AUX field runs past the end of the file)", file_label, pos);
fail:
  for (guint i = 0; i < items->len; i++)
    g_free (g_array_index (items, EcgAnnotation, i).aux);
  g_array_free (items, TRUE);
  return NULL;
}

EcgAnnotationList *
ecg_annotation_list_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *label = g_path_get_basename (path);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", label, local_error->message);
      return NULL;
    }
  return ecg_annotation_list_parse ((const guint8 *) contents, length, label, error);
}

static void
put_word (GByteArray *out, int code, int data)
{
  guint16 word = (guint16) ((code << 10) | (data & 0x3FF));
  guint8 b[2] = { (guint8) (word & 0xFF), (guint8) (word >> 8) };
  g_byte_array_append (out, b, 2);
}

GBytes *
ecg_annotation_list_encode (const EcgAnnotationList *list)
{
  GByteArray *out = g_byte_array_new ();
  gint64 time = 0;
  int running_chan = 0, running_num = 0;

  for (gsize i = 0; i < list->n_items; i++)
    {
      const EcgAnnotation *a = &list->items[i];
      gint64 increment = a->sample - time;
      /* Longer (or backward) steps go in a SKIP; the annotation word then carries 0. */
      if (increment < 0 || increment > MAX_TIME_INCREMENT)
        {
          guint32 skip = (guint32) (gint32) increment;
          put_word (out, ECG_ANN_SKIP, 0);
          guint8 b[4] = { (guint8) ((skip >> 16) & 0xFF), (guint8) (skip >> 24),
                          (guint8) (skip & 0xFF), (guint8) ((skip >> 8) & 0xFF) };
          g_byte_array_append (out, b, 4);
          increment = 0;
        }
      put_word (out, a->code, (int) increment);
      time = a->sample;
      if (a->subtype != 0)
        put_word (out, ECG_ANN_SUB, a->subtype);
      if (a->chan != running_chan)
        {
          put_word (out, ECG_ANN_CHN, a->chan);
          running_chan = a->chan;
        }
      if (a->num != running_num)
        {
          put_word (out, ECG_ANN_NUM, a->num);
          running_num = a->num;
        }
      if (a->aux != NULL)
        {
          gsize length = MIN (strlen (a->aux), 255);
          put_word (out, ECG_ANN_AUX, (int) length);
          g_byte_array_append (out, (const guint8 *) a->aux, (guint) length);
          if (length & 1)
            {
              guint8 pad = 0;
              g_byte_array_append (out, &pad, 1);
            }
        }
    }
  put_word (out, 0, 0);
  return g_byte_array_free_to_bytes (out);
}

gboolean
ecg_annotation_list_save (const EcgAnnotationList *list, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = ecg_annotation_list_encode (list);
  g_autoptr (GError) local_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!g_file_set_contents (path, data, (gssize) size, &local_error))
    {
      g_autofree char *label = g_path_get_basename (path);
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", label, local_error->message);
      return FALSE;
    }
  return TRUE;
}
