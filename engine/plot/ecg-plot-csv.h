/* ecg-plot-csv.h — a figure's data as CSV: the same points the plot draws, no PLplot needed.
 *
 * Columns run,label,step,x,y, one row per point, series after series in the spec's order;
 * for f1-vs-energy the Pareto front follows as rows labelled "Pareto front" (run and step say
 * where each front point comes from). Numbers use the C locale with 12 significant digits
 * ("%.12g"); a label is quoted (RFC 4180) when it holds a comma, a quote or a line break.
 * Lines end with "\n".
 */
#pragma once

#include <glib.h>

#include "plot/ecg-plot-spec.h"

G_BEGIN_DECLS

/* The CSV text of `spec`, header line first. Owned by the caller. */
char *ecg_plot_spec_to_csv (const EcgPlotSpec *spec);

/* Writes ecg_plot_spec_to_csv() to `path` (replaced atomically). ECG_ERROR_IO naming the file
 * when it cannot be written. */
gboolean ecg_plot_write_csv (const EcgPlotSpec *spec, const char *path, GError **error);

G_END_DECLS
