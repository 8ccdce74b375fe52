/* ecg-chart-export.h — saving a chart drawn with Cairo as PNG, SVG or PDF, or its data as CSV,
 * for the charts that are not PLplot specs (MACs per layer, ROC / PR curves).
 *
 * The picture is drawn on the main thread (the charts lay text out with their widget's Pango
 * context) into memory; only the file is written asynchronously, so the UI never waits on the
 * disk. The format is chosen by the file's extension (ecg_plot_format_from_path). */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

#include "plot/ecg-plot-render.h"

G_BEGIN_DECLS

/* Draws a chart onto `cr` over (0, 0)–(`width`, `height`); the background is already white. */
typedef void (*EcgChartDrawFunc) (cairo_t *cr, int width, int height, gpointer user_data);

/* The picture drawn by `draw` as a PNG (`width` × `height` pixels), SVG or PDF (points) on a
 * white background. ECG_ERROR_INVALID for CSV or a size outside ECG_PLOT_MIN_SIZE..
 * ECG_PLOT_MAX_SIZE, ECG_ERROR_FAILED when Cairo fails. Returns owned bytes or NULL. */
GBytes *ecg_chart_render_bytes (EcgPlotFormat format, int width, int height,
                                EcgChartDrawFunc draw, gpointer user_data, GError **error);

/* Writes `bytes` to `path` (replaced) without blocking and calls `callback` in the caller's
 * thread-default main context. `bytes` NULL with `bytes_error` set reports that error instead
 * (taking it). */
void ecg_chart_export_save_async (GObject *source_object, GBytes *bytes, GError *bytes_error,
                                  const char *path, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean ecg_chart_export_save_finish (GAsyncResult *result, GError **error);

/* Called with the path the user chose in ecg_chart_export_choose_file(). */
typedef void (*EcgChartPathChosen) (GtkWidget *widget, const char *path);

/* A save dialog (GtkFileChooserNative) over `widget`'s window titled `title`, proposing
 * `suggested_name` ("name.png"), with a filter per format; `chosen` gets the local path. */
void ecg_chart_export_choose_file (GtkWidget *widget, const char *title,
                                   const char *suggested_name, EcgChartPathChosen chosen);

/* Reports a failed export of `path` in a dialog over `widget`'s window; quiet when `error` is
 * NULL or a cancellation. */
void ecg_chart_export_report (GtkWidget *widget, const char *path, const GError *error);

G_END_DECLS
