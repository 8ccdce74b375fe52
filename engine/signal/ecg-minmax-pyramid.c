/* ecg-minmax-pyramid.c — min/max pyramid over a float signal (see the header). */
#include "signal/ecg-minmax-pyramid.h"

#include <math.h>

struct _EcgMinMaxPyramid
{
  const float *samples; /* level 0, not owned */
  gsize n;
  int n_levels;         /* levels 1 .. n_levels */
  /* low[k - 1], high[k - 1]: level k, ceil (n / 2^k) entries each. */
  float **low;
  float **high;
};

EcgMinMaxPyramid *
ecg_minmax_pyramid_new (const float *samples, gsize n)
{
  EcgMinMaxPyramid *pyramid = g_new0 (EcgMinMaxPyramid, 1);
  pyramid->samples = samples;
  pyramid->n = n;

  int n_levels = 0;
  for (gsize size = n; size > 1; size = (size + 1) / 2)
    n_levels++;
  pyramid->n_levels = n_levels;
  pyramid->low = g_new0 (float *, MAX (n_levels, 1));
  pyramid->high = g_new0 (float *, MAX (n_levels, 1));

  /* Level 1 from the samples (NaN skipped: fminf / fmaxf return the other operand), level k
   * from level k - 1; an odd last entry is carried up alone. */
  gsize below = n;
  for (int k = 1; k <= n_levels; k++)
    {
      gsize size = (below + 1) / 2;
      float *low = g_new (float, size);
      float *high = g_new (float, size);
      const float *low_below = k == 1 ? samples : pyramid->low[k - 2];
      const float *high_below = k == 1 ? samples : pyramid->high[k - 2];
      for (gsize i = 0; i < size; i++)
        {
          gsize a = 2 * i, b = MIN (2 * i + 1, below - 1);
          float lo = fminf (low_below[a], low_below[b]);
          float hi = fmaxf (high_below[a], high_below[b]);
          /* Both NaN (level 1 only): an empty block. */
          low[i] = isnan (lo) ? INFINITY : lo;
          high[i] = isnan (hi) ? -INFINITY : hi;
        }
      pyramid->low[k - 1] = low;
      pyramid->high[k - 1] = high;
      below = size;
    }
  return pyramid;
}

int
ecg_minmax_pyramid_get_n_levels (const EcgMinMaxPyramid *pyramid)
{
  return pyramid->n_levels;
}

/* Walks [from, to) left to right taking the largest aligned block that starts at `from` and
 * fits in the range: the level climbs while it can and falls near the end, so at most two
 * blocks per level are read. */
gboolean
ecg_minmax_pyramid_query (const EcgMinMaxPyramid *pyramid, gint64 from, gint64 to, float *low,
                          float *high)
{
  float lo = INFINITY, hi = -INFINITY;
  gint64 n = (gint64) pyramid->n;
  from = CLAMP (from, 0, n);
  to = CLAMP (to, 0, n);

  int level = 0;
  while (from < to)
    {
      while (level < pyramid->n_levels && (from & ((G_GINT64_CONSTANT (2) << level) - 1)) == 0
             && from + (G_GINT64_CONSTANT (2) << level) <= to)
        level++;
      while (level > 0 && from + (G_GINT64_CONSTANT (1) << level) > to)
        level--;

      if (level == 0)
        {
          float v = pyramid->samples[from];
          if (!isnan (v))
            {
              lo = MIN (lo, v);
              hi = MAX (hi, v);
            }
        }
      else
        {
          gint64 index = from >> level;
          lo = MIN (lo, pyramid->low[level - 1][index]);
          hi = MAX (hi, pyramid->high[level - 1][index]);
        }
      from += G_GINT64_CONSTANT (1) << level;
    }
  *low = lo;
  *high = hi;
  return lo <= hi;
}

void
ecg_minmax_pyramid_free (EcgMinMaxPyramid *pyramid)
{
  if (pyramid == NULL)
    return;
  for (int k = 0; k < pyramid->n_levels; k++)
    {
      g_free (pyramid->low[k]);
      g_free (pyramid->high[k]);
    }
  g_free (pyramid->low);
  g_free (pyramid->high);
  g_free (pyramid);
}
