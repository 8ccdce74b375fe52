/* bench-structured.c — what structured pruning buys (DESIGN.md §6, issue 4 acceptance): for
 * CNN1D_3Class and ResNet1D_Attn, dense and with 25 / 50 / 75 % of the channels of every layer
 * removed, the parameters, the weight sparsity beside S, the MACs and the batch-1 latency.
 *
 * Latency as ecg_latency_measure() defines it (DESIGN.md §7): eval mode, batch 1, one thread
 * (OpenBLAS held at one thread), 50 warm-up forwards, then the median of 300 timed ones. The
 * machine may be shared, so the four models of an architecture are measured in turn, `rounds`
 * times over (default 3), and the median of each model's round medians is printed (p10-p90 of
 * the last round); the ratio is against the dense model's figure. Values do not matter for the
 * timing (weights as initialised).
 *
 *   build/bench/bench-structured [rounds]
 */
#include <stdio.h>
#include <stdlib.h>

#include "compress/ecg-structured.h"
#include "measure/ecg-latency.h"
#include "nn/ecg-blas.h"
#include "nn/ecg-zoo.h"

#define N_FRACTIONS 4
#define MAX_ROUNDS 15

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  int rounds = argc > 1 ? atoi (argv[1]) : 3;
  rounds = CLAMP (rounds, 1, MAX_ROUNDS);
  ecg_blas_use_one_thread ();
  static const char *const archs[] = { "CNN1D_3Class", "ResNet1D_Attn" };
  static const double fractions[N_FRACTIONS] = { 0.0, 0.25, 0.5, 0.75 };

  printf ("%-14s %5s %9s %10s %7s %10s %8s %10s %10s %6s\n", "arch", "S", "params", "prunable",
          "w.spars", "MACs", "MAC×", "median ms", "p10-p90", "lat×");
  for (gsize a = 0; a < G_N_ELEMENTS (archs); a++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgModel) dense = ecg_zoo_build (archs[a], FALSE, 1, &error);
      if (dense == NULL)
        {
          fprintf (stderr, "bench-structured: %s\n", error->message);
          return 1;
        }
      EcgModel *models[N_FRACTIONS] = { NULL };
      for (int f = 0; f < N_FRACTIONS; f++)
        {
          models[f] = ecg_structured_prune (dense, fractions[f], &error);
          if (models[f] == NULL)
            {
              fprintf (stderr, "bench-structured: %s\n", error->message);
              return 1;
            }
        }
      double medians[N_FRACTIONS][MAX_ROUNDS];
      EcgLatency last[N_FRACTIONS];
      for (int r = 0; r < rounds; r++)
        for (int f = 0; f < N_FRACTIONS; f++)
          {
            if (!ecg_latency_measure (models[f], 50, 300, &last[f], &error))
              {
                fprintf (stderr, "bench-structured: %s\n", error->message);
                return 1;
              }
            medians[f][r] = last[f].median_ms;
          }
      double median[N_FRACTIONS];
      for (int f = 0; f < N_FRACTIONS; f++)
        {
          qsort (medians[f], (size_t) rounds, sizeof (double), compare_doubles);
          median[f] = rounds % 2 ? medians[f][rounds / 2]
                                 : 0.5 * (medians[f][rounds / 2 - 1] + medians[f][rounds / 2]);
        }
      gint64 dense_macs = ecg_model_macs (dense, FALSE, NULL);
      for (int f = 0; f < N_FRACTIONS; f++)
        {
          EcgModel *m = models[f];
          gint64 macs = ecg_model_macs (m, FALSE, NULL);
          g_autofree char *spread = g_strdup_printf ("%.3f-%.3f", last[f].p10_ms, last[f].p90_ms);
          printf ("%-14s %4.0f%% %9" G_GSIZE_FORMAT " %10" G_GSIZE_FORMAT " %6.1f%% %10"
                  G_GINT64_FORMAT " %8.3f %10.4f %10s %6.3f\n",
                  archs[a], 100.0 * fractions[f], m->n_params, ecg_model_count_prunable (m),
                  100.0 * ecg_structured_weight_sparsity (dense, m), macs,
                  (double) macs / (double) dense_macs, median[f], spread, median[f] / median[0]);
        }
      for (int f = 0; f < N_FRACTIONS; f++)
        ecg_model_free (models[f]);
    }
  return 0;
}
