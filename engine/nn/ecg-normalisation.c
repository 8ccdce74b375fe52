/* ecg-normalisation.c — per-channel and per-RR-feature scaling of a model's inputs. */
#include "nn/ecg-normalisation.h"

#include <string.h>

EcgNormalisation *
ecg_normalisation_new (int n_channels, int n_rr)
{
  EcgNormalisation *norm = g_new0 (EcgNormalisation, 1);
  norm->n_channels = n_channels;
  norm->channel_mean = g_new0 (float, MAX (n_channels, 1));
  norm->channel_std = g_new (float, MAX (n_channels, 1));
  for (int c = 0; c < n_channels; c++)
    norm->channel_std[c] = 1.0f;
  norm->n_rr = n_rr;
  norm->rr_mean = g_new0 (float, MAX (n_rr, 1));
  norm->rr_std = g_new (float, MAX (n_rr, 1));
  for (int k = 0; k < n_rr; k++)
    norm->rr_std[k] = 1.0f;
  return norm;
}

EcgNormalisation *
ecg_normalisation_copy (const EcgNormalisation *norm)
{
  EcgNormalisation *copy = ecg_normalisation_new (norm->n_channels, norm->n_rr);
  memcpy (copy->channel_mean, norm->channel_mean, (gsize) norm->n_channels * sizeof (float));
  memcpy (copy->channel_std, norm->channel_std, (gsize) norm->n_channels * sizeof (float));
  memcpy (copy->rr_mean, norm->rr_mean, (gsize) norm->n_rr * sizeof (float));
  memcpy (copy->rr_std, norm->rr_std, (gsize) norm->n_rr * sizeof (float));
  return copy;
}

void
ecg_normalisation_free (EcgNormalisation *norm)
{
  if (norm == NULL)
    return;
  g_free (norm->channel_mean);
  g_free (norm->channel_std);
  g_free (norm->rr_mean);
  g_free (norm->rr_std);
  g_free (norm);
}

