/* ecg-beat-set.c — beat windows, labels and RR features from annotated records. */
#include "dataset/ecg-beat-set.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"

void
ecg_beat_window_options_init (EcgBeatWindowOptions *options)
{
  options->window_length = 256;
  options->samples_before = 90;
  options->lead = NULL;
}

EcgBeatSet *
ecg_beat_set_new (const EcgClassMap *class_map, const EcgBeatWindowOptions *options)
{
  EcgBeatWindowOptions defaults;
  ecg_beat_window_options_init (&defaults);
  if (options == NULL)
    options = &defaults;

  EcgBeatSet *set = g_new0 (EcgBeatSet, 1);
  set->class_map = ecg_class_map_copy (class_map);
  set->window_length = options->window_length;
  set->samples_before = options->samples_before;
  set->lead_option = g_strdup (options->lead);
  set->records = g_array_new (FALSE, TRUE, sizeof (EcgBeatSetRecord));
  return set;
}

void
ecg_beat_set_free (EcgBeatSet *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; i < set->records->len; i++)
    {
      EcgBeatSetRecord *r = &g_array_index (set->records, EcgBeatSetRecord, i);
      g_free (r->name);
      g_free (r->lead);
    }
  g_array_unref (set->records);
  ecg_class_map_free (set->class_map);
  g_free (set->lead_option);
  g_free (set->windows);
  g_free (set->labels);
  g_free (set->codes);
  g_free (set->r_peaks);
  g_free (set->record_of_beat);
  g_free (set->rr_features);
  g_free (set);
}

static void
reserve (EcgBeatSet *set, gsize n_more)
{
  if (set->n_beats + n_more <= set->capacity)
    return;
  gsize capacity = MAX (set->capacity * 2, set->n_beats + n_more);
  set->windows = g_renew (float, set->windows, capacity * (gsize) set->window_length);
  set->labels = g_renew (gint8, set->labels, capacity);
  set->codes = g_renew (guint8, set->codes, capacity);
  set->r_peaks = g_renew (gint64, set->r_peaks, capacity);
  set->record_of_beat = g_renew (guint32, set->record_of_beat, capacity);
  set->rr_features = g_renew (float, set->rr_features, capacity * ECG_RR_N_FEATURES);
  set->capacity = capacity;
}

/* MLII by name unless another lead is asked for; the first lead when the record has no MLII. */
static int
choose_lead (const EcgBeatSet *set, const EcgRecord *record, GError **error)
{
  if (set->lead_option != NULL)
    {
      int lead = ecg_record_find_lead (record, set->lead_option);
      if (lead < 0)
        g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "record %s has no lead %s",
                     record->name, set->lead_option);
      return lead;
    }
  int lead = ecg_record_find_lead (record, "MLII");
  return lead >= 0 ? lead : 0;
}

gboolean
ecg_beat_set_add_record (EcgBeatSet *set, const EcgRecord *record, GError **error)
{
  if (record->n_leads < 1 || record->leads[0].samples == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "record %s has no signals loaded",
                   record->name);
      return FALSE;
    }
  if (set->fs != 0 && record->fs != set->fs)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "record %s is sampled at %g Hz, the other records of the set at %g Hz",
                   record->name, record->fs, set->fs);
      return FALSE;
    }
  const EcgAnnotationList *annotations = record->annotations;
  gsize n_all_beats = annotations ? ecg_annotation_list_count_beats (annotations) : 0;
  if (n_all_beats == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                   "record %s has no beat annotations (.atr with beat labels)", record->name);
      return FALSE;
    }
  int lead = choose_lead (set, record, error);
  if (lead < 0)
    return FALSE;
  set->fs = record->fs;

  /* Times of every beat annotation, for the RR intervals. */
  g_autofree gint64 *beat_times = g_new (gint64, n_all_beats);
  gsize n = 0;
  for (gsize i = 0; i < annotations->n_items; i++)
    if (ecg_annotation_code_is_beat (annotations->items[i].code))
      beat_times[n++] = annotations->items[i].sample;
  double mean_rr_s = n_all_beats > 1
                       ? (double) (beat_times[n_all_beats - 1] - beat_times[0])
                           / (double) (n_all_beats - 1) / record->fs
                       : 1.0;

  EcgBeatSetRecord entry = { 0 };
  entry.name = g_strdup (record->name);
  entry.lead = g_strdup (record->leads[lead].name);
  entry.mean_rr_s = mean_rr_s;
  entry.first_beat = set->n_beats;
  guint32 record_index = set->records->len;

  reserve (set, n_all_beats);
  const float *signal = record->leads[lead].samples;
  const gsize length = (gsize) set->window_length;
  gsize beat_index = 0; /* index among all beats of the record */

  for (gsize i = 0; i < annotations->n_items; i++)
    {
      const EcgAnnotation *a = &annotations->items[i];
      if (!ecg_annotation_code_is_beat (a->code))
        continue;
      gsize b = beat_index++;
      int cls = set->class_map->class_of_code[a->code];
      if (cls < 0)
        continue;
      entry.class_counts[cls]++;
      set->class_counts[cls]++;

      gint64 start = a->sample - set->samples_before;
      if (start < 0 || start + (gint64) length > record->n_samples)
        {
          entry.dropped_at_edges++;
          set->dropped_at_edges++;
          continue;
        }

      double previous_s = b > 0 ? (double) (beat_times[b] - beat_times[b - 1]) / record->fs
                                : mean_rr_s;
      double next_s = b + 1 < n_all_beats
                        ? (double) (beat_times[b + 1] - beat_times[b]) / record->fs
                        : mean_rr_s;
      gsize n_local = MIN (b, (gsize) ECG_RR_LOCAL_WINDOW);
      double local_s = n_local > 0 ? (double) (beat_times[b] - beat_times[b - n_local])
                                       / (double) n_local / record->fs
                                   : mean_rr_s;

      gsize k = set->n_beats++;
      memcpy (set->windows + k * length, signal + start, length * sizeof (float));
      set->labels[k] = (gint8) cls;
      set->codes[k] = a->code;
      set->r_peaks[k] = a->sample;
      set->record_of_beat[k] = record_index;
      float *rr = set->rr_features + k * ECG_RR_N_FEATURES;
      rr[ECG_RR_PREVIOUS_S] = (float) previous_s;
      rr[ECG_RR_NEXT_S] = (float) next_s;
      rr[ECG_RR_LOCAL_MEAN_S] = (float) local_s;
      rr[ECG_RR_PREVIOUS_RATIO] = (float) (previous_s / mean_rr_s);
      rr[ECG_RR_NEXT_RATIO] = (float) (next_s / mean_rr_s);
      rr[ECG_RR_LOCAL_MEAN_RATIO] = (float) (local_s / mean_rr_s);
      entry.n_beats++;
    }
  g_array_append_val (set->records, entry);
  return TRUE;
}

EcgBeatSet *
ecg_beat_set_load (const char *data_dir, const char *const *records,
                   const EcgClassMap *class_map, const EcgBeatWindowOptions *options,
                   GCancellable *cancellable, GError **error)
{
  g_autoptr (EcgBeatSet) set = ecg_beat_set_new (class_map, options);
  for (gsize i = 0; records[i] != NULL; i++)
    {
      if (ecg_error_set_if_cancelled (cancellable, error))
        return NULL;
      g_autofree char *path = g_build_filename (data_dir, records[i], NULL);
      g_autoptr (EcgRecord) record = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, error);
      if (record == NULL || !ecg_beat_set_add_record (set, record, error))
        return NULL;
    }
  return g_steal_pointer (&set);
}

EcgBeatSet *
ecg_beat_set_load_split (const char *data_dir, EcgMitbihSplit split, const EcgClassMap *class_map,
                         const EcgBeatWindowOptions *options, GCancellable *cancellable,
                         GError **error)
{
  return ecg_beat_set_load (data_dir, ecg_mitbih_split_records (split), class_map, options,
                            cancellable, error);
}

EcgBeatSet *
ecg_beat_set_subset (const EcgBeatSet *set, const char *const *records, GError **error)
{
  EcgBeatWindowOptions options = {
    .window_length = set->window_length,
    .samples_before = set->samples_before,
    .lead = set->lead_option,
  };
  g_autoptr (EcgBeatSet) subset = ecg_beat_set_new (set->class_map, &options);
  subset->fs = set->fs;
  const gsize length = (gsize) set->window_length;

  for (gsize i = 0; records[i] != NULL; i++)
    {
      const EcgBeatSetRecord *source = NULL;
      for (guint r = 0; r < set->records->len; r++)
        if (g_strcmp0 (g_array_index (set->records, EcgBeatSetRecord, r).name, records[i]) == 0)
          source = &g_array_index (set->records, EcgBeatSetRecord, r);
      if (source == NULL)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "record %s is not in the beat set",
                       records[i]);
          return NULL;
        }
      EcgBeatSetRecord entry = *source;
      entry.name = g_strdup (source->name);
      entry.lead = g_strdup (source->lead);
      entry.first_beat = subset->n_beats;
      guint32 record_index = subset->records->len;
      reserve (subset, source->n_beats);
      for (gsize b = source->first_beat; b < source->first_beat + source->n_beats; b++)
        {
          gsize k = subset->n_beats++;
          memcpy (subset->windows + k * length, set->windows + b * length,
                  length * sizeof (float));
          memcpy (subset->rr_features + k * ECG_RR_N_FEATURES,
                  set->rr_features + b * ECG_RR_N_FEATURES, ECG_RR_N_FEATURES * sizeof (float));
          subset->labels[k] = set->labels[b];
          subset->codes[k] = set->codes[b];
          subset->r_peaks[k] = set->r_peaks[b];
          subset->record_of_beat[k] = record_index;
        }
      for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
        subset->class_counts[c] += source->class_counts[c];
      subset->dropped_at_edges += source->dropped_at_edges;
      g_array_append_val (subset->records, entry);
    }
  return g_steal_pointer (&subset);
}
