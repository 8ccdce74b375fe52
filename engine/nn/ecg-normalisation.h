/* ecg-normalisation.h — how a model's inputs are scaled: x' = (x - mean) / std per input
 * channel (after each window's own mean is removed) and per RR feature. Fitted on the training
 * examples and kept in the model file, so evaluation scales inputs exactly as training did.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int n_channels;
  float *channel_mean;
  float *channel_std;
  int n_rr;
  float *rr_mean;
  float *rr_std;
} EcgNormalisation;

/* Identity scaling (mean 0, std 1). */
EcgNormalisation *ecg_normalisation_new (int n_channels, int n_rr);
EcgNormalisation *ecg_normalisation_copy (const EcgNormalisation *norm);
void ecg_normalisation_free (EcgNormalisation *norm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgNormalisation, ecg_normalisation_free)

G_END_DECLS
