/* ecg-wfdb-header.c — parsing and writing WFDB headers (single-segment records). */
#include "io/ecg-wfdb-header.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"

/* Far more than any ECG has (PTB-XL: 12); a larger count means a corrupt header, and it would
 * otherwise make us allocate for it. */
#define MAX_SIGNALS 4096

EcgWfdbHeader *
ecg_wfdb_header_new (int n_signals)
{
  EcgWfdbHeader *header = g_new0 (EcgWfdbHeader, 1);
  header->n_signals = n_signals;
  header->fs = 250.0;
  header->n_samples = -1;
  header->signals = g_new0 (EcgWfdbSignalSpec, MAX (n_signals, 1));
  header->comments = g_ptr_array_new_with_free_func (g_free);
  return header;
}

void
ecg_wfdb_header_free (EcgWfdbHeader *header)
{
  if (header == NULL)
    return;
  for (int i = 0; i < header->n_signals; i++)
    {
      EcgWfdbSignalSpec *s = &header->signals[i];
      g_free (s->file_name);
      g_free (s->units);
      g_free (s->description);
    }
  g_free (header->signals);
  g_free (header->record_name);
  g_free (header->base_time);
  g_free (header->base_date);
  g_ptr_array_unref (header->comments);
  g_free (header);
}

gboolean
ecg_wfdb_format_is_supported (int format)
{
  switch (format)
    {
    case 8:
    case 16:
    case 24:
    case 32:
    case 61:
    case 80:
    case 160:
    case 212:
      return TRUE;
    default:
      return FALSE;
    }
}

static int
default_adc_resolution (int format)
{
  switch (format)
    {
    case 8:
    case 80:
      return 8;
    case 212:
      return 12;
    case 310:
    case 311:
      return 10;
    case 24:
      return 24;
    case 32:
      return 32;
    default:
      return 16;
    }
}

/* Context for error messages: "100.hea line 2". */
typedef struct
{
  const char *file_label;
  int line_number;
  GError **error;
} ParseContext;

G_GNUC_PRINTF (2, 3)
static gboolean
parse_fail (ParseContext *ctx, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (ctx->error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: %s", ctx->file_label,
               ctx->line_number, message);
  return FALSE;
}

/* Parses a whole decimal integer in [min, max]. */
static gboolean
parse_int (ParseContext *ctx, const char *text, const char *what, gint64 min, gint64 max,
           gint64 *out)
{
  char *end = NULL;
  errno = 0;
  gint64 value = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0' || errno != 0)
    return parse_fail (ctx, "%s '%s' is not an integer", what, text);
  if (value < min || value > max)
    return parse_fail (ctx, "%s %s is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                       what, text, min, max);
  *out = value;
  return TRUE;
}

/* Parses a finite number; `end` receives the first unparsed character (pass NULL to require
 * the whole string). */
static gboolean
parse_double (ParseContext *ctx, const char *text, const char *what, double *out, char **end)
{
  char *stop = NULL;
  errno = 0;
  double value = g_ascii_strtod (text, &stop);
  if (stop == text || errno == ERANGE || !isfinite (value) || (end == NULL && *stop != '\0'))
    return parse_fail (ctx, "%s '%s' is not a number", what, text);
  if (end != NULL)
    *end = stop;
  *out = value;
  return TRUE;
}

/* Splits on runs of spaces and tabs. */
static char **
split_fields (const char *line, int *n_fields)
{
  GPtrArray *fields = g_ptr_array_new ();
  const char *p = line;
  while (*p != '\0')
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      const char *start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
      g_ptr_array_add (fields, g_strndup (start, (gsize) (p - start)));
    }
  *n_fields = (int) fields->len;
  g_ptr_array_add (fields, NULL);
  return (char **) g_ptr_array_free (fields, FALSE);
}

/* The text after the first `n` fields (the signal description may contain spaces). */
static const char *
skip_fields (const char *line, int n)
{
  const char *p = line;
  for (int i = 0; i < n; i++)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
    }
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gboolean
parse_record_line (ParseContext *ctx, const char *line, EcgWfdbHeader **out)
{
  int n_fields = 0;
  g_auto (GStrv) fields = split_fields (line, &n_fields);
  if (n_fields < 2)
    return parse_fail (ctx, "the record line needs at least a name and a signal count");

  const char *name = fields[0];
  if (strchr (name, '/') != NULL)
    {
      g_set_error (ctx->error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s line %d: '%s' is a multi-segment record; only single-segment records "
                   "are supported", ctx->file_label, ctx->line_number, name);
      return FALSE;
    }

  gint64 n_signals = 0;
  if (!parse_int (ctx, fields[1], "signal count", 1, MAX_SIGNALS, &n_signals))
    return FALSE;

  EcgWfdbHeader *header = ecg_wfdb_header_new ((int) n_signals);
  header->record_name = g_strdup (name);

  if (n_fields > 2)
    {
      /* fs[/counter_frequency[(base_counter)]] */
      char *end = NULL;
      double fs = 0;
      if (!parse_double (ctx, fields[2], "sampling frequency", &fs, &end))
        goto fail;
      if (fs <= 0)
        {
          parse_fail (ctx, "sampling frequency %s must be positive", fields[2]);
          goto fail;
        }
      header->fs = fs;
      header->counter_frequency = fs;
      if (*end == '/')
        {
          char *p = end + 1;
          if (!parse_double (ctx, p, "counter frequency", &header->counter_frequency, &end))
            goto fail;
          if (*end == '(')
            {
              p = end + 1;
              if (!parse_double (ctx, p, "base counter value", &header->base_counter, &end))
                goto fail;
              if (*end != ')')
                {
                  parse_fail (ctx, "base counter value in '%s' lacks ')'", fields[2]);
                  goto fail;
                }
              end++;
            }
        }
      if (*end != '\0')
        {
          parse_fail (ctx, "sampling frequency '%s' is not a number", fields[2]);
          goto fail;
        }
    }
  if (n_fields > 3)
    {
      if (!parse_int (ctx, fields[3], "number of samples", 0, G_MAXINT64 / 8, &header->n_samples))
        goto fail;
    }
  if (n_fields > 4)
    header->base_time = g_strdup (fields[4]);
  if (n_fields > 5)
    header->base_date = g_strdup (fields[5]);

  *out = header;
  return TRUE;

fail:
  ecg_wfdb_header_free (header);
  return FALSE;
}

/* A signal file must stay inside the record's folder: no absolute path, no "..". */
static gboolean
file_name_is_contained (const char *name)
{
  if (name[0] == '/' || name[0] == '\\' || strchr (name, ':') != NULL)
    return FALSE;
  g_auto (GStrv) parts = g_strsplit_set (name, "/\\", -1);
  for (int i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return FALSE;
  return TRUE;
}

static gboolean
parse_signal_line (ParseContext *ctx, const char *line, EcgWfdbSignalSpec *s)
{
  int n_fields = 0;
  g_auto (GStrv) fields = split_fields (line, &n_fields);
  if (n_fields < 2)
    return parse_fail (ctx, "a signal line needs at least a file name and a format");

  if (strcmp (fields[0], "~") == 0)
    {
      g_set_error (ctx->error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s line %d: null signals ('~') are not supported", ctx->file_label,
                   ctx->line_number);
      return FALSE;
    }
  if (!file_name_is_contained (fields[0]))
    return parse_fail (ctx, "signal file '%s' leaves the record's folder", fields[0]);
  s->file_name = g_strdup (fields[0]);

  /* format[xsamples_per_frame][:skew][+byte_offset] */
  {
    const char *p = fields[1];
    char *end = NULL;
    errno = 0;
    gint64 format = g_ascii_strtoll (p, &end, 10);
    if (end == p || errno != 0 || format < 0 || format > 100000)
      return parse_fail (ctx, "format '%s' is not a number", fields[1]);
    s->format = (int) format;
    s->samples_per_frame = 1;
    while (*end != '\0')
      {
        char kind = *end;
        p = end + 1;
        gint64 value = g_ascii_strtoll (p, &end, 10);
        if (end == p || (kind != 'x' && kind != ':' && kind != '+') || value < 0
            || value > G_MAXINT32)
          return parse_fail (ctx, "format field '%s' is malformed", fields[1]);
        if (kind == 'x')
          s->samples_per_frame = (int) value;
        else if (kind == ':')
          s->skew = (int) value;
        else
          s->byte_offset = value;
      }
  }

  s->gain = 200.0;
  s->units = NULL;
  gboolean baseline_given = FALSE;
  if (n_fields > 2)
    {
      /* gain[(baseline)][/units] */
      char *end = NULL;
      double gain = 0;
      if (!parse_double (ctx, fields[2], "gain", &gain, &end))
        return FALSE;
      if (gain < 0)
        return parse_fail (ctx, "gain %s is negative", fields[2]);
      if (gain > 0)
        {
          s->gain = gain;
          s->gain_given = TRUE;
        }
      if (*end == '(')
        {
          const char *p = end + 1;
          errno = 0;
          gint64 baseline = g_ascii_strtoll (p, &end, 10);
          if (end == p || *end != ')' || errno != 0 || baseline < G_MININT32
              || baseline > G_MAXINT32)
            return parse_fail (ctx, "baseline in '%s' is malformed", fields[2]);
          s->baseline = (int) baseline;
          baseline_given = TRUE;
          end++;
        }
      if (*end == '/')
        s->units = g_strdup (end + 1);
      else if (*end != '\0')
        return parse_fail (ctx, "gain field '%s' is malformed", fields[2]);
    }
  if (s->units == NULL || *s->units == '\0')
    {
      g_free (s->units);
      s->units = g_strdup ("mV");
    }

  gint64 value = 0;
  s->adc_resolution = default_adc_resolution (s->format);
  if (n_fields > 3)
    {
      if (!parse_int (ctx, fields[3], "ADC resolution", 0, 32, &value))
        return FALSE;
      if (value > 0)
        s->adc_resolution = (int) value;
    }
  if (n_fields > 4)
    {
      if (!parse_int (ctx, fields[4], "ADC zero", G_MININT32, G_MAXINT32, &value))
        return FALSE;
      s->adc_zero = (int) value;
    }
  if (!baseline_given)
    s->baseline = s->adc_zero;
  s->initial_value = s->adc_zero;
  if (n_fields > 5)
    {
      if (!parse_int (ctx, fields[5], "initial value", G_MININT32, G_MAXINT32, &value))
        return FALSE;
      s->initial_value = (int) value;
      s->has_initial_value = TRUE;
    }
  if (n_fields > 6)
    {
      /* Written signed by MIT-BIH (-22131) and unsigned by PTB-XL (0..65535). */
      if (!parse_int (ctx, fields[6], "checksum", -65536, 65535, &value))
        return FALSE;
      s->checksum = (int) value;
      s->has_checksum = TRUE;
    }
  if (n_fields > 7)
    {
      if (!parse_int (ctx, fields[7], "block size", 0, G_MAXINT32, &value))
        return FALSE;
      s->block_size = (int) value;
    }
  s->description = g_strdup (n_fields > 8 ? skip_fields (line, 8) : "");
  g_strchomp (s->description);
  return TRUE;
}

EcgWfdbHeader *
ecg_wfdb_header_parse (const char *text, gssize length, const char *file_label, GError **error)
{
  if (length < 0)
    length = (gssize) strlen (text);
  if (memchr (text, '\0', (gsize) length) != NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: contains NUL bytes; a WFDB header is text", file_label);
      return NULL;
    }

  g_autofree char *copy = g_strndup (text, (gsize) length);
  g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
  ParseContext ctx = { .file_label = file_label, .line_number = 0, .error = error };
  EcgWfdbHeader *header = NULL;
  g_autoptr (GPtrArray) comments = g_ptr_array_new_with_free_func (g_free);
  int next_signal = 0;

  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      ctx.line_number = i + 1;
      gsize len = strlen (line);
      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';

      const char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '#')
        {
          g_ptr_array_add (comments, g_strdup (p + 1));
          continue;
        }
      if (*p == '\0')
        continue;

      if (header == NULL)
        {
          if (!parse_record_line (&ctx, p, &header))
            return NULL;
        }
      else if (next_signal < header->n_signals)
        {
          if (!parse_signal_line (&ctx, p, &header->signals[next_signal]))
            goto fail;
          next_signal++;
        }
      else
        {
          /* Lines after the signal lines are info strings in old headers; keep them. */
          g_ptr_array_add (comments, g_strdup (p));
        }
    }

  if (header == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: no record line", file_label);
      return NULL;
    }
  if (next_signal < header->n_signals)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: the record line announces %d signals but %d signal lines follow",
                   file_label, header->n_signals, next_signal);
      goto fail;
    }
  for (guint i = 0; i < comments->len; i++)
    g_ptr_array_add (header->comments, g_strdup (g_ptr_array_index (comments, i)));
  return header;

fail:
  ecg_wfdb_header_free (header);
  return NULL;
}

EcgWfdbHeader *
ecg_wfdb_header_load (const char *path, GError **error)
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
  return ecg_wfdb_header_parse (contents, (gssize) length, label, error);
}

char *
ecg_wfdb_header_to_string (const EcgWfdbHeader *header)
{
  GString *out = g_string_new (NULL);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "%s %d %s", header->record_name, header->n_signals,
                          g_ascii_formatd (number, sizeof number, "%.12g", header->fs));
  if (header->n_samples >= 0)
    g_string_append_printf (out, " %" G_GINT64_FORMAT, header->n_samples);
  g_string_append_c (out, '\n');

  for (int i = 0; i < header->n_signals; i++)
    {
      const EcgWfdbSignalSpec *s = &header->signals[i];
      g_string_append_printf (out, "%s %d", s->file_name, s->format);
      if (s->samples_per_frame > 1)
        g_string_append_printf (out, "x%d", s->samples_per_frame);
      if (s->skew > 0)
        g_string_append_printf (out, ":%d", s->skew);
      if (s->byte_offset > 0)
        g_string_append_printf (out, "+%" G_GINT64_FORMAT, s->byte_offset);
      g_string_append_printf (out, " %s(%d)/%s %d %d %d %d %d",
                              g_ascii_formatd (number, sizeof number, "%.12g", s->gain),
                              s->baseline, s->units ? s->units : "mV", s->adc_resolution,
                              s->adc_zero, s->initial_value, s->checksum, s->block_size);
      if (s->description != NULL && *s->description != '\0')
        g_string_append_printf (out, " %s", s->description);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < header->comments->len; i++)
    g_string_append_printf (out, "#%s\n", (const char *) g_ptr_array_index (header->comments, i));
  return g_string_free (out, FALSE);
}
