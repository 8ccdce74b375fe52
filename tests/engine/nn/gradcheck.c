#include "gradcheck.h"

#include <math.h>

double
ecg_gradcheck_max_error (float *x, const float *analytic, gsize n, EcgGradcheckLoss loss,
                         gpointer user_data, double eps, double abs_floor, gsize max_checks)
{
  gsize stride = 1;
  if (max_checks > 0 && n > max_checks)
    stride = n / max_checks;

  double worst = 0.0;
  for (gsize i = 0; i < n; i += stride)
    {
      float saved = x[i];
      x[i] = saved + (float) eps;
      double plus = loss (user_data);
      x[i] = saved - (float) eps;
      double minus = loss (user_data);
      x[i] = saved;
      /* Divide by the step actually taken in float32, not the nominal eps. */
      double step = (double) (saved + (float) eps) - (double) (saved - (float) eps);
      double numeric = (plus - minus) / step;
      double err = fabs (numeric - analytic[i]) / fmax (abs_floor, fabs (numeric) + fabs (analytic[i]));
      if (err > worst)
        worst = err;
    }
  return worst;
}

void
ecg_gradcheck_fill_uniform (float *out, gsize n, guint32 seed, float lo, float hi)
{
  GRand *rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < n; i++)
    out[i] = (float) g_rand_double_range (rand, lo, hi);
  g_rand_free (rand);
}
