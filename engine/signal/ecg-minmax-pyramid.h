/* ecg-minmax-pyramid.h — range minimum and maximum of a float signal in O(log n).
 *
 * A zoomed-out view must draw each pixel column from the minimum to the maximum of the samples
 * it covers, so that no spike is lost; when a column covers hundreds of samples, scanning them
 * all costs more than drawing. The pyramid keeps, for every level k >= 1, the minimum and
 * maximum of each aligned block of 2^k samples:
 *   low[k][i]  = min (x[i 2^k], ..., x[(i + 1) 2^k - 1])   (blocks cut short at the end)
 *   high[k][i] = max (...)
 * computed pairwise from level k - 1 (level 0 is the signal itself, not copied). NaN samples
 * (missing data) are skipped; a block of only NaN holds +inf / -inf.
 * Memory: about 2 floats per sample (n/2 + n/4 + ... entries per array); building is O(n).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EcgMinMaxPyramid EcgMinMaxPyramid;

/* Builds the pyramid of `samples` (n >= 0 floats). The pyramid keeps a pointer to `samples`
 * (level 0), which must stay valid and unchanged while the pyramid is used. Returns an owned
 * pyramid. */
EcgMinMaxPyramid *ecg_minmax_pyramid_new (const float *samples, gsize n);

/* Minimum and maximum of samples [from, to) (clamped to the signal), NaN skipped. Returns FALSE
 * (and +inf / -inf) when the range holds no number. Visits at most 2 blocks per level. */
gboolean ecg_minmax_pyramid_query (const EcgMinMaxPyramid *pyramid, gint64 from, gint64 to,
                                   float *low, float *high);

/* Number of levels above the signal (0 for n <= 1). */
int ecg_minmax_pyramid_get_n_levels (const EcgMinMaxPyramid *pyramid);

void ecg_minmax_pyramid_free (EcgMinMaxPyramid *pyramid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgMinMaxPyramid, ecg_minmax_pyramid_free)

G_END_DECLS
