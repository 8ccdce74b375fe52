/* ecg-plot-render.h — drawing an EcgPlotSpec with PLplot: to a PNG, SVG or PDF file (the
 * pngcairo, svgcairo and pdfcairo devices) for exports, or onto a cairo context (extcairo) for
 * the GUI's views. One look for both: a title, axis labels with units, a light grid, one colour
 * and one marker per series (the Okabe–Ito palette, readable with colour-blindness, and shapes
 * so that series differ without colour too), the Pareto front as a dashed black step line, step
 * boundaries of loss curves as dotted vertical lines, and a legend beside the plot.
 *
 * Threads: PLplot keeps its state in process-wide variables and is not thread-safe. Render from
 * one thread — the GUI's main thread, which draws its widgets anyway. Calls here are also
 * serialised by a lock, so a CLI or test that renders from another thread cannot corrupt a
 * render in progress (it waits). Each call makes its own PLplot stream (plmkstrm) and ends it
 * (plend1) before returning, restoring the stream that was current, so no setting leaks from
 * one render into the next.
 *
 * PLplot ends the process (plexit) on some errors, so everything it could refuse is checked
 * first: points with NaN or infinite values are not drawn, an axis with a zero range is widened
 * (ecg_plot_spec_get_bounds), a spec without points draws an empty frame saying so, the device
 * must exist and the output file must be writable, and the page must have a sane size.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "plot/ecg-plot-spec.h"

G_BEGIN_DECLS

#define ECG_PLOT_DEFAULT_WIDTH 800
#define ECG_PLOT_DEFAULT_HEIGHT 500
/* Page sizes (pixels; points for PDF) that a file may have. */
#define ECG_PLOT_MIN_SIZE 100
#define ECG_PLOT_MAX_SIZE 10000

typedef enum
{
  ECG_PLOT_FORMAT_PNG,
  ECG_PLOT_FORMAT_SVG,
  ECG_PLOT_FORMAT_PDF,
  ECG_PLOT_FORMAT_CSV,
} EcgPlotFormat;

/* "png", "svg", "pdf", "csv" (static strings). */
const char *ecg_plot_format_to_string (EcgPlotFormat format);
gboolean ecg_plot_format_from_string (const char *text, EcgPlotFormat *format);
/* The format named by the extension of `path` (case-insensitive); FALSE for none known. */
gboolean ecg_plot_format_from_path (const char *path, EcgPlotFormat *format);

/* Draws `spec` into the file `path` (replaced) as PNG, SVG or PDF, `width` × `height` pixels
 * (points for PDF) between ECG_PLOT_MIN_SIZE and ECG_PLOT_MAX_SIZE; text grows with the page.
 * ECG_ERROR_INVALID for CSV or a bad size, ECG_ERROR_UNSUPPORTED when PLplot lacks the cairo
 * device, ECG_ERROR_IO when the file cannot be written. */
gboolean ecg_plot_render_file (const EcgPlotSpec *spec, EcgPlotFormat format, const char *path,
                               int width, int height, GError **error);

/* Writes `spec` to `path` in `format`: CSV through ecg_plot_write_csv (no PLplot), the others
 * through ecg_plot_render_file. */
gboolean ecg_plot_export (const EcgPlotSpec *spec, EcgPlotFormat format, const char *path,
                          int width, int height, GError **error);

/* Draws `spec` onto `cr` over the rectangle (0, 0)–(`width`, `height`) of its user space, with
 * a white background and text at a fixed size (for a widget). `cr`'s state (transform, source,
 * clip) is the same afterwards. Below 80 × 60 only the background is painted.
 * ECG_ERROR_UNSUPPORTED when PLplot lacks the extcairo device. */
gboolean ecg_plot_render_cairo (const EcgPlotSpec *spec, cairo_t *cr, int width, int height,
                                GError **error);

G_END_DECLS
