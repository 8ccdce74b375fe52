/* ecg-display-signal.c — filtered display copy of a record with min/max pyramids. */
#include "ecg-display-signal.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "signal/ecg-filter.h"

G_DEFINE_ENUM_TYPE (EcgMainsNotch, ecg_mains_notch,
                    G_DEFINE_ENUM_VALUE (ECG_MAINS_NOTCH_OFF, "off"),
                    G_DEFINE_ENUM_VALUE (ECG_MAINS_NOTCH_50_HZ, "50-hz"),
                    G_DEFINE_ENUM_VALUE (ECG_MAINS_NOTCH_60_HZ, "60-hz"))

void
ecg_display_signal_free (EcgDisplaySignal *signal)
{
  if (signal == NULL)
    return;
  for (int i = 0; i < signal->n_leads; i++)
    {
      if (signal->pyramids != NULL)
        ecg_minmax_pyramid_free (signal->pyramids[i]);
      g_free (signal->samples[i]);
    }
  g_free (signal->pyramids);
  g_free (signal->samples);
  g_free (signal);
}

/* The copy, unfiltered: what the worker starts from. */
static EcgDisplaySignal *
copy_record (const EcgRecord *record, gboolean remove_baseline, EcgMainsNotch notch)
{
  EcgDisplaySignal *signal = g_new0 (EcgDisplaySignal, 1);
  signal->n_leads = record->n_leads;
  signal->n_samples = record->n_samples;
  signal->fs = record->fs;
  signal->baseline_removed = remove_baseline;
  signal->notch = notch;
  signal->samples = g_new0 (float *, MAX (record->n_leads, 1));
  for (int i = 0; i < record->n_leads; i++)
    signal->samples[i] = g_memdup2 (record->leads[i].samples,
                                    (gsize) record->n_samples * sizeof (float));
  return signal;
}

/* Filters in place and builds the pyramids. NaN samples (gaps) would spread through a recursive
 * filter, so a lead with gaps is filtered run by run between them. */
static gboolean
process (EcgDisplaySignal *signal, GCancellable *cancellable, GError **error)
{
  gsize n = (gsize) signal->n_samples;
  if (signal->notch != ECG_MAINS_NOTCH_OFF && !((double) signal->notch < signal->fs / 2.0))
    signal->notch = ECG_MAINS_NOTCH_OFF;

  for (int lead = 0; lead < signal->n_leads; lead++)
    {
      if (ecg_error_set_if_cancelled (cancellable, error))
        return FALSE;
      float *x = signal->samples[lead];
      gsize start = 0;
      while (start < n)
        {
          while (start < n && isnan (x[start]))
            start++;
          gsize end = start;
          while (end < n && !isnan (x[end]))
            end++;
          if (end - start >= 2)
            {
              if (signal->baseline_removed
                  && !ecg_filter_remove_baseline (x + start, x + start, end - start, signal->fs,
                                                  ECG_DISPLAY_BASELINE_CUTOFF_HZ, error))
                return FALSE;
              if (signal->notch != ECG_MAINS_NOTCH_OFF
                  && !ecg_filter_notch (x + start, x + start, end - start, signal->fs,
                                        (double) signal->notch, ECG_DISPLAY_NOTCH_Q, error))
                return FALSE;
            }
          start = end;
        }
    }

  signal->pyramids = g_new0 (EcgMinMaxPyramid *, MAX (signal->n_leads, 1));
  for (int lead = 0; lead < signal->n_leads; lead++)
    signal->pyramids[lead] = ecg_minmax_pyramid_new (signal->samples[lead], n);
  return TRUE;
}

EcgDisplaySignal *
ecg_display_signal_build (const EcgRecord *record, gboolean remove_baseline,
                          EcgMainsNotch notch, GCancellable *cancellable, GError **error)
{
  if (ecg_error_set_if_cancelled (cancellable, error))
    return NULL;
  g_autoptr (EcgDisplaySignal) signal = copy_record (record, remove_baseline, notch);
  if (!process (signal, cancellable, error))
    return NULL;
  return g_steal_pointer (&signal);
}

/* The task data: what to build from; the record is borrowed (see the header). */
typedef struct
{
  const EcgRecord *record;
  gboolean remove_baseline;
  EcgMainsNotch notch;
} BuildData;

static void
build_thread (GTask *task, gpointer source_object, gpointer task_data,
              GCancellable *cancellable)
{
  BuildData *data = task_data;
  GError *error = NULL;
  EcgDisplaySignal *signal = ecg_display_signal_build (data->record, data->remove_baseline,
                                                       data->notch, cancellable, &error);
  if (signal == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, signal, (GDestroyNotify) ecg_display_signal_free);
}

void
ecg_display_signal_build_async (const EcgRecord *record, gboolean remove_baseline,
                                EcgMainsNotch notch, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  BuildData *data = g_new0 (BuildData, 1);
  data->record = record;
  data->remove_baseline = remove_baseline;
  data->notch = notch;
  g_task_set_source_tag (task, ecg_display_signal_build_async);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, build_thread);
}

EcgDisplaySignal *
ecg_display_signal_build_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
