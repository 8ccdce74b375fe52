/* ecg-data.c — from a database folder to EcgExamples. */
#include "train/ecg-data.h"

#include <stdlib.h>
#include <string.h>

#include "dataset/ecg-beat-set.h"
#include "dataset/ecg-mitbih.h"
#include "dataset/ecg-record-set.h"
#include "ecg-error.h"

gboolean
ecg_data_dir_is_ptbxl (const char *dir)
{
  g_autofree char *csv = g_build_filename (dir, "ptbxl_database.csv", NULL);
  return g_file_test (csv, G_FILE_TEST_IS_REGULAR);
}

EcgExamples *
ecg_data_load_records (const char *dir, const char *const *records, const EcgDataSpec *spec,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (EcgClassMap) map = ecg_class_map_parse (spec->class_map, error);
  if (map == NULL)
    return NULL;
  EcgBeatWindowOptions window = { .window_length = spec->window_length,
                                  .samples_before = spec->samples_before,
                                  .lead = NULL };
  g_autoptr (EcgBeatSet) set = ecg_beat_set_load (dir, records, map, &window, cancellable,
                                                  error);
  if (set == NULL)
    return NULL;
  if (set->n_beats == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                   "%s: the records hold no beats of the classes %s", dir, spec->class_map);
      return NULL;
    }
  return ecg_examples_from_beat_set (set, spec->rr_features);
}

EcgExamples *
ecg_data_load_ptbxl (const char *dir, const int *folds, int n_folds, GCancellable *cancellable,
                     GError **error)
{
  g_autoptr (EcgRecordSet) set = ecg_record_set_load_ptbxl (dir, folds, n_folds, cancellable,
                                                            error);
  if (set == NULL)
    return NULL;
  if (set->n_records == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND,
                   "%s: no labelled PTB-XL record in the folds asked for", dir);
      return NULL;
    }
  EcgExamples *e = ecg_examples_new_from_arrays (set->n_records, ECG_RECORD_SET_N_LEADS,
                                                 ECG_RECORD_SET_N_SAMPLES, set->signals, 5,
                                                 NULL, set->labels);
  g_strfreev (e->record_names);
  e->record_names = g_new0 (char *, set->n_records + 1);
  for (gsize i = 0; i < set->n_records; i++)
    {
      e->record_names[i] = g_strdup_printf ("%05d_lr", set->ecg_ids[i]);
      e->record_of[i] = (guint32) i;
    }
  return e;
}

char **
ecg_data_parse_record_list (const char *text, GError **error)
{
  EcgMitbihSplit split;
  if (g_ascii_strcasecmp (text, "DS1-train") == 0 || g_ascii_strcasecmp (text, "DS1-val") == 0)
    {
      gboolean want_val = g_ascii_strcasecmp (text, "DS1-val") == 0;
      const char *const *val = ecg_mitbih_default_validation_records ();
      GPtrArray *out = g_ptr_array_new ();
      for (const char *const *r = ecg_mitbih_split_records (ECG_MITBIH_DS1); *r; r++)
        if (g_strv_contains (val, *r) == want_val)
          g_ptr_array_add (out, g_strdup (*r));
      g_ptr_array_add (out, NULL);
      return (char **) g_ptr_array_free (out, FALSE);
    }
  if (ecg_mitbih_split_from_string (text, &split, NULL))
    return g_strdupv ((char **) ecg_mitbih_split_records (split));

  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; parts[i] != NULL; i++)
    {
      const char *name = g_strstrip (parts[i]);
      if (*name == '\0')
        continue;
      if (strchr (name, '/') != NULL || strcmp (name, "..") == 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "record list '%s': '%s' is not a record name", text, name);
          g_ptr_array_unref (out);
          return NULL;
        }
      g_ptr_array_add (out, g_strdup (name));
    }
  if (out->len == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "record list '%s' is empty", text);
      g_ptr_array_unref (out);
      return NULL;
    }
  g_ptr_array_set_free_func (out, NULL);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

int *
ecg_data_parse_folds (const char *text, int *n_folds, GError **error)
{
  gboolean seen[11] = { FALSE };
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  for (int i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      const char *p = g_strstrip (parts[i]);
      long first = strtol (p, &end, 10), last = first;
      if (end != p && *end == '-')
        {
          const char *q = end + 1;
          last = strtol (q, &end, 10);
          if (end == q)
            end = (char *) p;
        }
      if (end == p || *end != '\0' || first < 1 || last > 10 || first > last)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "folds '%s': '%s' is not a fold or range within 1-10", text, p);
          return NULL;
        }
      for (long f = first; f <= last; f++)
        seen[f] = TRUE;
    }
  int *folds = g_new (int, 10);
  *n_folds = 0;
  for (int f = 1; f <= 10; f++)
    if (seen[f])
      folds[(*n_folds)++] = f;
  return folds;
}
