/* ecg-latency.h — single-example inference latency (DESIGN.md §7).
 *
 * Batch 1, eval mode (ecg_model_run_new (m, 1, FALSE)), on the calling thread, with OpenBLAS at
 * one thread (DESIGN.md §9): `warmup` untimed forwards, then `repeats` timed ones, each timed
 * alone with CLOCK_MONOTONIC (nanoseconds). The input is a fixed pseudo-random signal
 * (uniform in [-1, 1), seeded), the RR features (when the model has them) zero; the figures do
 * not depend on the values. Quantiles interpolate linearly between order statistics
 * (Hyndman–Fan type 7, numpy's default), so the median of an even count is the mean of the
 * middle two.
 */
#pragma once

#include <glib.h>

#include "nn/ecg-model.h"

G_BEGIN_DECLS

typedef struct
{
  int warmup;
  int repeats;
  double median_ms;
  double p10_ms;
  double p90_ms;
  double min_ms;
  double max_ms;
} EcgLatency;

/* The p-quantile (0 ≤ p ≤ 1) of `n` (> 0) values sorted ascending, type 7. */
double ecg_latency_quantile (const double *sorted, gsize n, double p);

/* Measures `m` (not modified: eval mode updates nothing). warmup ≥ 0 and repeats ≥ 1,
 * otherwise ECG_ERROR_INVALID. Sets OpenBLAS to one thread when it is not (the product's
 * process-wide setting, DESIGN.md §9). */
gboolean ecg_latency_measure (EcgModel *m, int warmup, int repeats, EcgLatency *latency,
                              GError **error);

/* A batch-1 input for `m` (input_channels × input_length floats, uniform in [-1, 1) from
 * `seed`) and a zero RR vector (NULL when the model has none), as the measurements use them.
 * Both owned by the caller (g_free). */
float *ecg_latency_input_new (const EcgModel *m, guint32 seed, float **rr);

G_END_DECLS
