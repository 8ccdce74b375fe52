/* ecg-examples.c — tensors for training and testing, with their normalisation. */
#include "train/ecg-examples.h"

#include <math.h>
#include <string.h>

void
ecg_examples_free (EcgExamples *e)
{
  if (e == NULL)
    return;
  g_free (e->inputs);
  g_free (e->rr);
  g_free (e->labels);
  g_free (e->targets);
  g_strfreev (e->record_names);
  g_free (e->record_of);
  g_free (e->sample_of);
  g_free (e);
}

/* Removes each window's own mean, channel by channel. */
static void
demean_windows (float *inputs, gsize n, int channels, int length)
{
  for (gsize i = 0; i < n * (gsize) channels; i++)
    {
      float *w = inputs + i * (gsize) length;
      double sum = 0;
      for (int t = 0; t < length; t++)
        sum += w[t];
      float mean = (float) (sum / length);
      for (int t = 0; t < length; t++)
        w[t] -= mean;
    }
}

EcgExamples *
ecg_examples_from_beat_set (const EcgBeatSet *set, gboolean with_rr)
{
  EcgExamples *e = g_new0 (EcgExamples, 1);
  e->n = set->n_beats;
  e->channels = 1;
  e->length = set->window_length;
  e->inputs = g_memdup2 (set->windows, MAX (e->n, 1) * (gsize) e->length * sizeof (float));
  demean_windows (e->inputs, e->n, 1, e->length);
  if (with_rr)
    {
      e->n_rr = ECG_RR_N_FEATURES;
      e->rr = g_memdup2 (set->rr_features, MAX (e->n, 1) * ECG_RR_N_FEATURES * sizeof (float));
    }
  e->n_classes = set->class_map->n_classes;
  e->labels = g_new (gint32, MAX (e->n, 1));
  for (gsize i = 0; i < e->n; i++)
    e->labels[i] = set->labels[i];
  e->record_names = g_new0 (char *, set->records->len + 1);
  for (guint r = 0; r < set->records->len; r++)
    e->record_names[r] = g_strdup (g_array_index (set->records, EcgBeatSetRecord, r).name);
  e->record_of = g_memdup2 (set->record_of_beat, MAX (e->n, 1) * sizeof (guint32));
  e->sample_of = g_memdup2 (set->r_peaks, MAX (e->n, 1) * sizeof (gint64));
  return e;
}

EcgExamples *
ecg_examples_new_from_arrays (gsize n, int channels, int length, const float *inputs,
                              int n_classes, const gint32 *labels, const float *targets)
{
  EcgExamples *e = g_new0 (EcgExamples, 1);
  e->n = n;
  e->channels = channels;
  e->length = length;
  e->inputs = g_memdup2 (inputs, MAX (n, 1) * (gsize) channels * (gsize) length * sizeof (float));
  demean_windows (e->inputs, n, channels, length);
  e->n_classes = n_classes;
  e->multi_label = targets != NULL;
  if (targets != NULL)
    e->targets = g_memdup2 (targets, MAX (n, 1) * (gsize) n_classes * sizeof (float));
  else
    e->labels = g_memdup2 (labels, MAX (n, 1) * sizeof (gint32));
  e->record_names = g_new0 (char *, 1);
  e->record_of = g_new0 (guint32, MAX (n, 1));
  e->sample_of = g_new0 (gint64, MAX (n, 1));
  return e;
}

EcgNormalisation *
ecg_examples_fit_normalisation (const EcgExamples *e)
{
  EcgNormalisation *norm = ecg_normalisation_new (e->channels, e->n_rr);
  for (int c = 0; c < e->channels; c++)
    {
      double sum = 0, sum2 = 0;
      gsize count = 0;
      for (gsize i = 0; i < e->n; i++)
        {
          const float *w = e->inputs + (i * (gsize) e->channels + (gsize) c) * (gsize) e->length;
          for (int t = 0; t < e->length; t++)
            {
              sum += w[t];
              sum2 += (double) w[t] * w[t];
            }
          count += (gsize) e->length;
        }
      double mean = count ? sum / (double) count : 0;
      double var = count ? sum2 / (double) count - mean * mean : 1;
      norm->channel_mean[c] = (float) mean;
      /* A flat channel (all zero) keeps scale 1 rather than dividing by zero. */
      norm->channel_std[c] = var > 1e-12 ? (float) sqrt (var) : 1.0f;
    }
  for (int k = 0; k < e->n_rr; k++)
    {
      double sum = 0, sum2 = 0;
      for (gsize i = 0; i < e->n; i++)
        {
          double v = e->rr[i * (gsize) e->n_rr + (gsize) k];
          sum += v;
          sum2 += v * v;
        }
      double mean = e->n ? sum / (double) e->n : 0;
      double var = e->n ? sum2 / (double) e->n - mean * mean : 1;
      norm->rr_mean[k] = (float) mean;
      norm->rr_std[k] = var > 1e-12 ? (float) sqrt (var) : 1.0f;
    }
  return norm;
}

void
ecg_examples_apply_normalisation (EcgExamples *e, const EcgNormalisation *norm)
{
  g_return_if_fail (norm->n_channels == e->channels);
  for (gsize i = 0; i < e->n; i++)
    for (int c = 0; c < e->channels; c++)
      {
        float *w = e->inputs + (i * (gsize) e->channels + (gsize) c) * (gsize) e->length;
        float mean = norm->channel_mean[c], scale = 1.0f / norm->channel_std[c];
        for (int t = 0; t < e->length; t++)
          w[t] = (w[t] - mean) * scale;
      }
  if (e->rr != NULL)
    {
      g_return_if_fail (norm->n_rr == e->n_rr);
      for (gsize i = 0; i < e->n; i++)
        for (int k = 0; k < e->n_rr; k++)
          {
            float *v = e->rr + i * (gsize) e->n_rr + (gsize) k;
            *v = (*v - norm->rr_mean[k]) / norm->rr_std[k];
          }
    }
}

void
ecg_examples_class_counts (const EcgExamples *e, gsize *counts)
{
  memset (counts, 0, (gsize) e->n_classes * sizeof (gsize));
  for (gsize i = 0; i < e->n; i++)
    {
      if (e->multi_label)
        {
          for (int c = 0; c < e->n_classes; c++)
            counts[c] += e->targets[i * (gsize) e->n_classes + (gsize) c] > 0.5f;
        }
      else
        counts[e->labels[i]]++;
    }
}

EcgExamples *
ecg_examples_subsample (const EcgExamples *e, gsize n, guint64 seed)
{
  if (n == 0 || n > e->n)
    n = e->n;
  /* The 64-bit seed as two 32-bit words, so seeds differing only in their high half differ. */
  guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };
  g_autoptr (GRand) rand = g_rand_new_with_seed_array (words, 2);
  gsize *chosen = g_new (gsize, MAX (n, 1));
  gsize taken = 0;
  for (gsize i = 0; i < e->n && taken < n; i++)
    if (n - taken == e->n - i || g_rand_double (rand) * (double) (e->n - i) < (double) (n - taken))
      chosen[taken++] = i;
  g_assert (taken == n);

  gsize window = (gsize) e->channels * (gsize) e->length;
  EcgExamples *s = g_new0 (EcgExamples, 1);
  s->n = n;
  s->channels = e->channels;
  s->length = e->length;
  s->n_rr = e->n_rr;
  s->n_classes = e->n_classes;
  s->multi_label = e->multi_label;
  s->inputs = g_new (float, MAX (n, 1) * window);
  if (e->rr != NULL)
    s->rr = g_new (float, MAX (n, 1) * (gsize) e->n_rr);
  if (e->labels != NULL)
    s->labels = g_new (gint32, MAX (n, 1));
  if (e->targets != NULL)
    s->targets = g_new (float, MAX (n, 1) * (gsize) e->n_classes);
  s->record_of = g_new (guint32, MAX (n, 1));
  s->sample_of = g_new (gint64, MAX (n, 1));
  s->record_names = g_strdupv (e->record_names);
  for (gsize k = 0; k < n; k++)
    {
      gsize i = chosen[k];
      memcpy (s->inputs + k * window, e->inputs + i * window, window * sizeof (float));
      if (s->rr != NULL)
        memcpy (s->rr + k * (gsize) e->n_rr, e->rr + i * (gsize) e->n_rr,
                (gsize) e->n_rr * sizeof (float));
      if (s->labels != NULL)
        s->labels[k] = e->labels[i];
      if (s->targets != NULL)
        memcpy (s->targets + k * (gsize) e->n_classes, e->targets + i * (gsize) e->n_classes,
                (gsize) e->n_classes * sizeof (float));
      s->record_of[k] = e->record_of[i];
      s->sample_of[k] = e->sample_of[i];
    }
  g_free (chosen);
  return s;
}
