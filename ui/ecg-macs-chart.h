/* ecg-macs-chart.h — a horizontal bar chart of the MACs of one inference per layer (the rows of
 * an EcgCostTable that do multiply-accumulates), drawn with Cairo: layer name, a bar scaled to
 * the largest layer, the count and its share of the total. */
#pragma once

#include <gtk/gtk.h>

#include "measure/ecg-cost.h"

G_BEGIN_DECLS

#define ECG_TYPE_MACS_CHART (ecg_macs_chart_get_type ())
G_DECLARE_FINAL_TYPE (EcgMacsChart, ecg_macs_chart, ECG, MACS_CHART, GtkWidget)

GtkWidget *ecg_macs_chart_new (void);

/* Shows the layers of `table` with MACs > 0 in forward order (copied; NULL clears the chart).
 * Layers without MACs (normalisation, activations, pooling) are left out: their share is 0. */
void ecg_macs_chart_set_table (EcgMacsChart *self, const EcgCostTable *table);

/* The bars shown: their number, and bar `index`'s layer name (owned by the chart) and MACs. */
guint ecg_macs_chart_get_n_bars (EcgMacsChart *self);
const char *ecg_macs_chart_get_bar (EcgMacsChart *self, guint index, gint64 *macs);

/* The pixel rows of bar `index` in the widget (y and height), for tests and tooltips. */
void ecg_macs_chart_get_bar_rows (EcgMacsChart *self, guint index, int *y, int *height);

/* Saves the chart to `path` as PNG, SVG or PDF, or its bars as CSV (header "layer,macs,params",
 * one row per bar), chosen by the extension; the file is written without blocking. Fails with
 * ECG_ERROR_INVALID for an unknown extension or an empty chart. */
void ecg_macs_chart_export_async (EcgMacsChart *self, const char *path, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean ecg_macs_chart_export_finish (EcgMacsChart *self, GAsyncResult *result, GError **error);
/* Asks for a file in a save dialog and exports to it; a failure is shown in a dialog. */
void ecg_macs_chart_choose_export (EcgMacsChart *self);

G_END_DECLS
