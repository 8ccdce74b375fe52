/* ecg-record.c — loading and saving whole WFDB records. */
#include "io/ecg-record.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-wfdb-signal.h"

void
ecg_record_free (EcgRecord *record)
{
  if (record == NULL)
    return;
  for (int i = 0; i < record->n_leads; i++)
    {
      EcgLead *lead = &record->leads[i];
      g_free (lead->name);
      g_free (lead->units);
      g_free (lead->adc);
      g_free (lead->samples);
    }
  g_free (record->leads);
  g_free (record->name);
  g_free (record->path);
  ecg_wfdb_header_free (record->header);
  ecg_annotation_list_free (record->annotations);
  g_free (record);
}

int
ecg_record_find_lead (const EcgRecord *record, const char *lead_name)
{
  for (int i = 0; i < record->n_leads; i++)
    if (g_strcmp0 (record->leads[i].name, lead_name) == 0)
      return i;
  return -1;
}

/* "data/100.hea" and "data/100" both name the record "data/100". */
static char *
strip_record_extension (const char *path)
{
  static const char *const extensions[] = { ".hea", ".dat", ".atr" };
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (path, extensions[i]))
      return g_strndup (path, strlen (path) - strlen (extensions[i]));
  return g_strdup (path);
}

static void
fill_physical (EcgLead *lead, gint64 n_samples)
{
  lead->samples = g_new (float, MAX (n_samples, 1));
  /* WFDB marks missing samples with the most negative value of the format; they become NaN. */
  gint32 invalid = lead->adc_resolution >= 16 ? -32768 : -(1 << (lead->adc_resolution - 1));
  double inverse_gain = 1.0 / lead->gain;
  for (gint64 t = 0; t < n_samples; t++)
    lead->samples[t] = lead->adc[t] == invalid
                         ? NAN
                         : (float) (((double) lead->adc[t] - lead->baseline) * inverse_gain);
}

static gboolean
load_signal_group (EcgRecord *record, const char *folder, int first, int n_group,
                   EcgRecordLoadFlags flags, GError **error)
{
  const EcgWfdbHeader *header = record->header;
  const char *file_name = header->signals[first].file_name;
  g_autofree char *path = g_build_filename (folder, file_name, NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr (GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", file_name, local_error->message);
      return FALSE;
    }

  /* The whole frames the file holds (for a readable format, exactly what
   * ecg_wfdb_signal_decode() counts). */
  const EcgWfdbSignalSpec *first_spec = &header->signals[first];
  gsize usable = length > (gsize) first_spec->byte_offset
                   ? length - (gsize) first_spec->byte_offset
                   : 0;
  gsize bytes_per_frame_x2 = 0;
  switch (first_spec->format)
    {
    case 212: bytes_per_frame_x2 = 3 * (gsize) n_group; break;
    case 8: case 80: bytes_per_frame_x2 = 2 * (gsize) n_group; break;
    case 24: bytes_per_frame_x2 = 6 * (gsize) n_group; break;
    case 32: bytes_per_frame_x2 = 8 * (gsize) n_group; break;
    default: bytes_per_frame_x2 = 4 * (gsize) n_group; break;
    }
  gint64 whole_frames = (gint64) (usable * 2 / bytes_per_frame_x2);
  /* The header may omit the length: take every whole frame of the file. */
  if (record->n_samples < 0)
    record->n_samples = whole_frames;

  /* Rows are sized by what the file holds, never by the header alone: a header announcing 10^14
   * samples beside a short file is a truncated record, which the decoder reports before writing
   * anything, not an allocation failure that ends the program. */
  gint64 row_length = MIN (record->n_samples, whole_frames);
  int indices[n_group];
  gint32 *outputs[n_group];
  for (int g = 0; g < n_group; g++)
    {
      indices[g] = first + g;
      EcgLead *lead = &record->leads[first + g];
      lead->adc = g_new (gint32, MAX (row_length, 1));
      outputs[g] = lead->adc;
    }

  if (!ecg_wfdb_signal_decode (header, indices, n_group, (const guint8 *) contents, length,
                               record->n_samples, outputs, file_name, error))
    return FALSE;

  for (int g = 0; g < n_group; g++)
    {
      const EcgWfdbSignalSpec *s = &header->signals[first + g];
      EcgLead *lead = &record->leads[first + g];
      if (s->has_checksum)
        {
          guint16 sum = ecg_wfdb_checksum (lead->adc, record->n_samples);
          if (sum != (guint16) s->checksum)
            {
              if (!(flags & ECG_RECORD_ALLOW_BAD_CHECKSUM))
                {
                  g_set_error (error, ECG_ERROR, ECG_ERROR_CHECKSUM,
                               "%s: checksum of signal %d (%s) is %u, the header says %d",
                               file_name, first + g, s->description, sum, s->checksum);
                  return FALSE;
                }
              lead->checksum_state = ECG_CHECKSUM_BAD;
            }
          else
            lead->checksum_state = ECG_CHECKSUM_OK;
        }
      fill_physical (lead, record->n_samples);
    }
  return TRUE;
}

EcgRecord *
ecg_record_load (const char *path, EcgRecordLoadFlags flags, GError **error)
{
  g_autofree char *record_path = strip_record_extension (path);
  g_autofree char *header_path = g_strconcat (record_path, ".hea", NULL);
  g_autofree char *folder = g_path_get_dirname (record_path);

  EcgWfdbHeader *header = ecg_wfdb_header_load (header_path, error);
  if (header == NULL)
    return NULL;

  g_autoptr (EcgRecord) record = g_new0 (EcgRecord, 1);
  record->header = header;
  record->name = g_strdup (header->record_name);
  record->path = g_strdup (record_path);
  record->fs = header->fs;
  record->n_samples = header->n_samples;
  record->n_leads = header->n_signals;
  record->leads = g_new0 (EcgLead, record->n_leads);

  for (int i = 0; i < record->n_leads; i++)
    {
      const EcgWfdbSignalSpec *s = &header->signals[i];
      EcgLead *lead = &record->leads[i];
      lead->name = g_strdup (s->description);
      lead->gain = s->gain;
      lead->baseline = s->baseline;
      lead->units = g_strdup (s->units);
      lead->adc_zero = s->adc_zero;
      lead->adc_resolution = s->adc_resolution;
      lead->checksum_state = ECG_CHECKSUM_ABSENT;
    }

  if (!(flags & ECG_RECORD_HEADER_ONLY))
    {
      /* Signals stored in one file are consecutive in the header (a WFDB rule). */
      for (int first = 0; first < record->n_leads;)
        {
          int n_group = 1;
          while (first + n_group < record->n_leads
                 && strcmp (header->signals[first + n_group].file_name,
                            header->signals[first].file_name) == 0)
            n_group++;
          if (!load_signal_group (record, folder, first, n_group, flags, error))
            return NULL;
          first += n_group;
        }
    }

  if (!(flags & ECG_RECORD_NO_ANNOTATIONS))
    {
      g_autofree char *atr_path = g_strconcat (record_path, ".atr", NULL);
      if (g_file_test (atr_path, G_FILE_TEST_EXISTS))
        {
          record->annotations = ecg_annotation_list_load (atr_path, error);
          if (record->annotations == NULL)
            return NULL;
        }
    }
  return g_steal_pointer (&record);
}

EcgRecord *
ecg_record_new_from_samples (const char *name, double fs, gint64 n_samples, int n_leads,
                             const char *const *lead_names, const float *const *samples,
                             double gain, const EcgAnnotationList *annotations)
{
  EcgRecord *record = g_new0 (EcgRecord, 1);
  record->name = g_strdup (name);
  record->path = g_strdup (name);
  record->fs = fs;
  record->n_samples = n_samples;
  record->n_leads = n_leads;
  record->leads = g_new0 (EcgLead, n_leads);

  EcgWfdbHeader *header = ecg_wfdb_header_new (n_leads);
  header->record_name = g_strdup (name);
  header->fs = fs;
  header->counter_frequency = fs;
  header->n_samples = n_samples;
  for (int i = 0; i < n_leads; i++)
    {
      EcgLead *lead = &record->leads[i];
      lead->name = g_strdup (lead_names[i]);
      lead->gain = gain;
      lead->baseline = 0;
      lead->units = g_strdup ("mV");
      lead->adc_zero = 0;
      lead->adc_resolution = 16;
      lead->adc = g_new (gint32, MAX (n_samples, 1));
      for (gint64 t = 0; t < n_samples; t++)
        lead->adc[t] = (gint32) lrint ((double) samples[i][t] * gain);
      fill_physical (lead, n_samples);
      lead->checksum_state = ECG_CHECKSUM_OK;

      EcgWfdbSignalSpec *s = &header->signals[i];
      s->file_name = g_strconcat (name, ".dat", NULL);
      s->format = 16;
      s->samples_per_frame = 1;
      s->gain = gain;
      s->gain_given = TRUE;
      s->units = g_strdup ("mV");
      s->adc_resolution = 16;
      s->initial_value = n_samples > 0 ? lead->adc[0] : 0;
      s->has_initial_value = TRUE;
      s->checksum = ecg_wfdb_checksum (lead->adc, n_samples);
      s->has_checksum = TRUE;
      s->description = g_strdup (lead_names[i]);
    }
  record->header = header;
  if (annotations != NULL)
    record->annotations = ecg_annotation_list_copy (annotations);
  return record;
}

gboolean
ecg_record_save (const EcgRecord *record, const char *dir, int format, GError **error)
{
  g_autoptr (EcgWfdbHeader) header = ecg_wfdb_header_new (record->n_leads);
  header->record_name = g_strdup (record->name);
  header->fs = record->fs;
  header->counter_frequency = record->fs;
  header->n_samples = record->n_samples;
  if (record->header != NULL)
    for (guint i = 0; i < record->header->comments->len; i++)
      g_ptr_array_add (header->comments,
                       g_strdup (g_ptr_array_index (record->header->comments, i)));

  g_autofree const gint32 **signals = g_new (const gint32 *, MAX (record->n_leads, 1));
  for (int i = 0; i < record->n_leads; i++)
    {
      const EcgLead *lead = &record->leads[i];
      EcgWfdbSignalSpec *s = &header->signals[i];
      s->file_name = g_strconcat (record->name, ".dat", NULL);
      s->format = format;
      s->samples_per_frame = 1;
      s->gain = lead->gain;
      s->gain_given = TRUE;
      s->baseline = lead->baseline;
      s->units = g_strdup (lead->units);
      s->adc_resolution = format == 212 ? 12 : 16;
      s->adc_zero = lead->adc_zero;
      s->initial_value = record->n_samples > 0 ? lead->adc[0] : lead->adc_zero;
      s->has_initial_value = TRUE;
      s->checksum = ecg_wfdb_checksum (lead->adc, record->n_samples);
      s->has_checksum = TRUE;
      s->description = g_strdup (lead->name);
      signals[i] = lead->adc;
    }

  g_autoptr (GBytes) data = ecg_wfdb_signal_encode (format, signals, record->n_leads,
                                                    record->n_samples, error);
  if (data == NULL)
    return FALSE;

  g_autofree char *text = ecg_wfdb_header_to_string (header);
  g_autofree char *base = g_build_filename (dir, record->name, NULL);
  g_autofree char *hea_path = g_strconcat (base, ".hea", NULL);
  g_autofree char *dat_path = g_strconcat (base, ".dat", NULL);
  g_autoptr (GError) local_error = NULL;
  gsize size = 0;
  const char *bytes = g_bytes_get_data (data, &size);

  if (!g_file_set_contents (dat_path, bytes, (gssize) size, &local_error)
      || !g_file_set_contents (hea_path, text, -1, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", record->name, local_error->message);
      return FALSE;
    }
  if (record->annotations != NULL)
    {
      g_autofree char *atr_path = g_strconcat (base, ".atr", NULL);
      if (!ecg_annotation_list_save (record->annotations, atr_path, error))
        return FALSE;
    }
  return TRUE;
}
