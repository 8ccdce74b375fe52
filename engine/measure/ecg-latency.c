/* ecg-latency.c — median batch-1 latency after warm-up; see ecg-latency.h. */
#include "measure/ecg-latency.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "ecg-error.h"

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Type 7: h = (n − 1)p, q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]). */
double
ecg_latency_quantile (const double *sorted, gsize n, double p)
{
  g_return_val_if_fail (n > 0 && p >= 0.0 && p <= 1.0, NAN);
  double h = (double) (n - 1) * p;
  gsize lo = (gsize) floor (h);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (h - (double) lo) * (sorted[lo + 1] - sorted[lo]);
}

float *
ecg_latency_input_new (const EcgModel *m, guint32 seed, float **rr)
{
  gsize size = (gsize) m->input_channels * (gsize) m->input_length;
  float *x = g_new (float, MAX (size, 1));
  GRand *rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < size; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  g_rand_free (rand);
  *rr = m->rr_features > 0 ? g_new0 (float, m->rr_features) : NULL;
  return x;
}

gboolean
ecg_latency_measure (EcgModel *m, int warmup, int repeats, EcgLatency *latency, GError **error)
{
  if (warmup < 0 || repeats < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "latency of %s: needs warm-up ≥ 0 and repeats ≥ 1 (got %d and %d)", m->arch,
                   warmup, repeats);
      return FALSE;
    }
  if (openblas_get_num_threads () != 1)
    openblas_set_num_threads (1);

  g_autofree float *rr = NULL;
  g_autofree float *x = ecg_latency_input_new (m, 1, &rr);
  g_autoptr (EcgModelRun) run = ecg_model_run_new (m, 1, FALSE);
  for (int i = 0; i < warmup; i++)
    ecg_model_forward (m, run, x, rr, 1);
  g_autofree double *times = g_new (double, repeats);
  for (int i = 0; i < repeats; i++)
    {
      double t0 = now_ms ();
      ecg_model_forward (m, run, x, rr, 1);
      times[i] = now_ms () - t0;
    }
  qsort (times, (size_t) repeats, sizeof (double), compare_doubles);
  *latency = (EcgLatency) {
    .warmup = warmup,
    .repeats = repeats,
    .median_ms = ecg_latency_quantile (times, (gsize) repeats, 0.5),
    .p10_ms = ecg_latency_quantile (times, (gsize) repeats, 0.1),
    .p90_ms = ecg_latency_quantile (times, (gsize) repeats, 0.9),
    .min_ms = times[0],
    .max_ms = times[repeats - 1],
  };
  return TRUE;
}
