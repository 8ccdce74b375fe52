/* bench-sgemm.c — the one-core GEMM ceiling that the engine's GFLOP/s are read against.
 *
 * Times OpenBLAS sgemm (one thread) on the shapes the zoo's convolutions produce through im2col
 * — C_out × (C_in·k) · (C_in·k) × L_out — and prints, per shape, the median GFLOP/s (2·M·N·K
 * per call) over many calls after warm-up. bench/compare-torch.sh prints it under its table.
 *   build/bench/bench-sgemm [REPEATS]
 */
#include <cblas.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/ecg-blas.h"

typedef struct
{
  int m, n, k;
  const char *what;
} Shape;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median_gflops (const Shape *s, int repeats)
{
  float *a = g_new (float, (gsize) s->m * s->k);
  float *b = g_new (float, (gsize) s->k * s->n);
  float *c = g_new0 (float, (gsize) s->m * s->n);
  for (gsize i = 0; i < (gsize) s->m * s->k; i++)
    a[i] = (float) ((i * 7919u) % 101) / 101.0f - 0.5f;
  for (gsize i = 0; i < (gsize) s->k * s->n; i++)
    b[i] = (float) ((i * 104729u) % 97) / 97.0f - 0.5f;
  double *times = g_new (double, repeats);
  for (int r = -repeats / 10 - 1; r < repeats; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, s->m, s->n, s->k, 1.0f, a, s->k, b,
                   s->n, 0.0f, c, s->n);
      if (r >= 0)
        times[r] = (double) (g_get_monotonic_time () - t0);
    }
  qsort (times, (size_t) repeats, sizeof (double), compare_doubles);
  double us = MAX (times[repeats / 2], 0.5);
  g_free (times);
  g_free (a);
  g_free (b);
  g_free (c);
  return 2.0 * s->m * s->n * (double) s->k / (us * 1e3);
}

int
main (int argc, char **argv)
{
  int repeats = argc > 1 ? atoi (argv[1]) : 2000;
  if (repeats < 10)
    {
      fprintf (stderr, "usage: %s [REPEATS >= 10]\n", argv[0]);
      return 2;
    }
  ecg_blas_use_one_thread ();
  static const Shape shapes[] = {
    { 128, 32, 896, "the issue's reference shape (128×896 · 896×32)" },
    { 64, 64, 224, "CNN1D_3Class conv2 at batch 1 (64×(32·7) · (32·7)×64)" },
    { 128, 32, 448, "CNN1D_3Class conv3 at batch 1 (128×(64·7) · (64·7)×32)" },
    { 256, 125, 256, "ConvTransformer Q/K/V projection at batch 1 (256×256 · 256×125)" },
    { 512, 125, 256, "ConvTransformer feed-forward in at batch 1 (512×256 · 256×125)" },
  };
  printf ("| shape M×K · K×N | GFLOP/s (median, one thread) | what |\n|---|---:|---|\n");
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    printf ("| %d×%d · %d×%d | %.1f | %s |\n", shapes[i].m, shapes[i].k, shapes[i].k, shapes[i].n,
            median_gflops (&shapes[i], repeats), shapes[i].what);
  return 0;
}
