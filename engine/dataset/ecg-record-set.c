/* ecg-record-set.c — PTB-XL record sets: loading by folds, fold subsets, lead statistics. */
#include "dataset/ecg-record-set.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-record.h"

static const char *const lead_names[ECG_RECORD_SET_N_LEADS] = {
  "I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6",
};

const char *
ecg_record_set_lead_name (int lead)
{
  return lead >= 0 && lead < ECG_RECORD_SET_N_LEADS ? lead_names[lead] : NULL;
}

void
ecg_record_set_free (EcgRecordSet *set)
{
  if (set == NULL)
    return;
  g_free (set->signals);
  g_free (set->labels);
  g_free (set->label_masks);
  g_free (set->ecg_ids);
  g_free (set->folds);
  g_free (set);
}

/* A set with room for exactly n_records. The signal buffer is the one large allocation (about
 * 1 GB for the whole database), so it is tried rather than aborting on failure. */
static EcgRecordSet *
record_set_new (gsize n_records, GError **error)
{
  g_autoptr (EcgRecordSet) set = g_new0 (EcgRecordSet, 1);
  set->n_records = n_records;
  gsize n_floats = MAX (n_records, 1) * (gsize) ECG_RECORD_SET_RECORD_SIZE;
  set->signals = g_try_new (float, n_floats);
  if (set->signals == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED,
                   "cannot allocate %" G_GSIZE_FORMAT " bytes for the signals of %" G_GSIZE_FORMAT
                   " PTB-XL records",
                   n_floats * sizeof (float), n_records);
      return NULL;
    }
  set->labels = g_new0 (float, MAX (n_records, 1) * ECG_PTBXL_N_CLASSES);
  set->label_masks = g_new0 (guint8, MAX (n_records, 1));
  set->ecg_ids = g_new0 (int, MAX (n_records, 1));
  set->folds = g_new0 (int, MAX (n_records, 1));
  return g_steal_pointer (&set);
}

/* wanted[f] for f in 1..10 from a list of folds; index 0 is unused. */
static gboolean
select_folds (const int *folds, int n_folds, gboolean *wanted, GError **error)
{
  memset (wanted, 0, (ECG_RECORD_SET_N_FOLDS + 1) * sizeof (gboolean));
  if (folds == NULL || n_folds < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "no PTB-XL fold was chosen");
      return FALSE;
    }
  for (int i = 0; i < n_folds; i++)
    {
      if (folds[i] < 1 || folds[i] > ECG_RECORD_SET_N_FOLDS)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "PTB-XL fold %d is not one of 1..%d", folds[i], ECG_RECORD_SET_N_FOLDS);
          return FALSE;
        }
      wanted[folds[i]] = TRUE;
    }
  return TRUE;
}

static void
set_labels (EcgRecordSet *set, gsize index, guint8 label_mask)
{
  set->label_masks[index] = label_mask;
  float *labels = set->labels + index * ECG_PTBXL_N_CLASSES;
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    labels[c] = (label_mask & ECG_PTBXL_CLASS_BIT (c)) ? 1.0f : 0.0f;
}

static int
find_lead_ignoring_case (const EcgRecord *record, const char *name)
{
  for (int i = 0; i < record->n_leads; i++)
    if (record->leads[i].name != NULL && g_ascii_strcasecmp (record->leads[i].name, name) == 0)
      return i;
  return -1;
}

/* Checks `record` against the set's shape and copies its twelve leads, in the set's order, into
 * `out` (12 × 1000 floats). */
static gboolean
copy_record (EcgRecordSet *set, float *out, const EcgRecord *record, GError **error)
{
  if (fabs (record->fs - ECG_RECORD_SET_FS) > 1e-9)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "sampled at %g Hz, not %g Hz", record->fs,
                   ECG_RECORD_SET_FS);
      return FALSE;
    }
  if (record->n_samples != ECG_RECORD_SET_N_SAMPLES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%" G_GINT64_FORMAT " samples, not %d",
                   record->n_samples, ECG_RECORD_SET_N_SAMPLES);
      return FALSE;
    }
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    {
      int source = find_lead_ignoring_case (record, lead_names[l]);
      if (source < 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "no lead %s", lead_names[l]);
          return FALSE;
        }
      const EcgLead *lead = &record->leads[source];
      if (lead->units != NULL && strcmp (lead->units, "mV") != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "lead %s is in '%s', not mV",
                       lead->name, lead->units);
          return FALSE;
        }
      float *destination = out + (gsize) l * ECG_RECORD_SET_N_SAMPLES;
      for (int t = 0; t < ECG_RECORD_SET_N_SAMPLES; t++)
        {
          float value = lead->samples[t];
          if (isnan (value))
            {
              value = 0.0f;
              set->n_missing_samples++;
            }
          destination[t] = value;
        }
    }
  return TRUE;
}

EcgRecordSet *
ecg_record_set_load_ptbxl (const char *ptbxl_dir, const int *folds, int n_folds,
                           GCancellable *cancellable, GError **error)
{
  gboolean wanted[ECG_RECORD_SET_N_FOLDS + 1];
  if (!select_folds (folds, n_folds, wanted, error))
    return NULL;
  g_autoptr (EcgPtbxlDatabase) database = ecg_ptbxl_database_load (ptbxl_dir, error);
  if (database == NULL)
    return NULL;

  /* Count first so the signals are allocated once. */
  const gsize n_rows = ecg_ptbxl_database_get_n_records (database);
  gsize n_kept = 0;
  gsize n_unlabelled_per_fold[ECG_RECORD_SET_N_FOLDS + 1] = { 0 };
  for (gsize r = 0; r < n_rows; r++)
    {
      const EcgPtbxlRecord *row = ecg_ptbxl_database_get_record (database, r);
      if (!wanted[row->strat_fold])
        continue;
      if (row->label_mask == 0)
        n_unlabelled_per_fold[row->strat_fold]++;
      else
        n_kept++;
    }

  g_autoptr (EcgRecordSet) set = record_set_new (n_kept, error);
  if (set == NULL)
    return NULL;
  for (int f = 1; f <= ECG_RECORD_SET_N_FOLDS; f++)
    {
      set->n_unlabelled_per_fold[f] = n_unlabelled_per_fold[f];
      set->n_unlabelled += n_unlabelled_per_fold[f];
    }

  gsize k = 0;
  for (gsize r = 0; r < n_rows; r++)
    {
      const EcgPtbxlRecord *row = ecg_ptbxl_database_get_record (database, r);
      if (!wanted[row->strat_fold] || row->label_mask == 0)
        continue;
      if (ecg_error_set_if_cancelled (cancellable, error))
        return NULL;

      g_autofree char *path = ecg_ptbxl_database_record_path (database, row);
      g_autoptr (GError) local_error = NULL;
      g_autoptr (EcgRecord) record
          = ecg_record_load (path, ECG_RECORD_NO_ANNOTATIONS, &local_error);
      if (record == NULL
          || !copy_record (set, set->signals + k * ECG_RECORD_SET_RECORD_SIZE, record,
                           &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "PTB-XL record %s (ecg_id %d): ", row->filename_lr,
                                      row->ecg_id);
          return NULL;
        }
      set_labels (set, k, row->label_mask);
      set->ecg_ids[k] = row->ecg_id;
      set->folds[k] = row->strat_fold;
      k++;
    }
  g_assert (k == n_kept);
  return g_steal_pointer (&set);
}

EcgRecordSet *
ecg_record_set_subset_folds (const EcgRecordSet *set, const int *folds, int n_folds, GError **error)
{
  gboolean wanted[ECG_RECORD_SET_N_FOLDS + 1];
  if (!select_folds (folds, n_folds, wanted, error))
    return NULL;

  gsize n_kept = 0;
  for (gsize i = 0; i < set->n_records; i++)
    if (wanted[set->folds[i]])
      n_kept++;
  g_autoptr (EcgRecordSet) subset = record_set_new (n_kept, error);
  if (subset == NULL)
    return NULL;
  for (int f = 1; f <= ECG_RECORD_SET_N_FOLDS; f++)
    if (wanted[f])
      {
        subset->n_unlabelled_per_fold[f] = set->n_unlabelled_per_fold[f];
        subset->n_unlabelled += set->n_unlabelled_per_fold[f];
      }

  gsize k = 0;
  for (gsize i = 0; i < set->n_records; i++)
    {
      if (!wanted[set->folds[i]])
        continue;
      memcpy (subset->signals + k * ECG_RECORD_SET_RECORD_SIZE,
              set->signals + i * ECG_RECORD_SET_RECORD_SIZE,
              ECG_RECORD_SET_RECORD_SIZE * sizeof (float));
      memcpy (subset->labels + k * ECG_PTBXL_N_CLASSES, set->labels + i * ECG_PTBXL_N_CLASSES,
              ECG_PTBXL_N_CLASSES * sizeof (float));
      subset->label_masks[k] = set->label_masks[i];
      subset->ecg_ids[k] = set->ecg_ids[i];
      subset->folds[k] = set->folds[i];
      k++;
    }
  return g_steal_pointer (&subset);
}

void
ecg_record_set_count_labels (const EcgRecordSet *set, gsize *counts)
{
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    counts[c] = 0;
  for (gsize i = 0; i < set->n_records; i++)
    for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
      if (set->label_masks[i] & ECG_PTBXL_CLASS_BIT (c))
        counts[c]++;
}

gboolean
ecg_record_set_channel_stats (const EcgRecordSet *set, double *mean, double *std, GError **error)
{
  if (set->n_records == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "lead statistics of an empty PTB-XL record set");
      return FALSE;
    }
  /* Two passes, both in double: mean_l = Σ x / N, then std_l = sqrt (Σ (x - mean_l)² / N),
   * rather than Σ x² / N - mean_l², which loses digits when |mean_l| is large against std_l. */
  const double n = (double) set->n_records * ECG_RECORD_SET_N_SAMPLES;
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    {
      double sum = 0.0;
      for (gsize i = 0; i < set->n_records; i++)
        {
          const float *x = set->signals + i * ECG_RECORD_SET_RECORD_SIZE
                           + (gsize) l * ECG_RECORD_SET_N_SAMPLES;
          for (int t = 0; t < ECG_RECORD_SET_N_SAMPLES; t++)
            sum += x[t];
        }
      mean[l] = sum / n;
      double squares = 0.0;
      for (gsize i = 0; i < set->n_records; i++)
        {
          const float *x = set->signals + i * ECG_RECORD_SET_RECORD_SIZE
                           + (gsize) l * ECG_RECORD_SET_N_SAMPLES;
          for (int t = 0; t < ECG_RECORD_SET_N_SAMPLES; t++)
            {
              double d = x[t] - mean[l];
              squares += d * d;
            }
        }
      std[l] = sqrt (squares / n);
    }
  return TRUE;
}

gboolean
ecg_record_set_normalise (EcgRecordSet *set, const double *mean, const double *std,
                          GError **error)
{
  for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
    if (!isfinite (mean[l]) || !isfinite (std[l]) || !(std[l] > 0.0))
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_NUMERIC,
                     "cannot normalise lead %s with mean %g and standard deviation %g",
                     lead_names[l], mean[l], std[l]);
        return FALSE;
      }
  for (gsize i = 0; i < set->n_records; i++)
    for (int l = 0; l < ECG_RECORD_SET_N_LEADS; l++)
      {
        float *x = set->signals + i * ECG_RECORD_SET_RECORD_SIZE
                   + (gsize) l * ECG_RECORD_SET_N_SAMPLES;
        const double inverse_std = 1.0 / std[l];
        for (int t = 0; t < ECG_RECORD_SET_N_SAMPLES; t++)
          x[t] = (float) ((x[t] - mean[l]) * inverse_std);
      }
  return TRUE;
}
