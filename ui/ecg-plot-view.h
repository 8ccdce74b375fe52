/* ecg-plot-view.h — a comparison figure of runs (an EcgPlotSpec) drawn in the window by the
 * engine's PLplot renderer (ecg_plot_render_cairo), on the main thread like every widget. */
#pragma once

#include <gtk/gtk.h>

#include "plot/ecg-plot-spec.h"

G_BEGIN_DECLS

#define ECG_TYPE_PLOT_VIEW (ecg_plot_view_get_type ())
G_DECLARE_FINAL_TYPE (EcgPlotView, ecg_plot_view, ECG, PLOT_VIEW, GtkWidget)

GtkWidget *ecg_plot_view_new (void);

/* Shows `spec` (the view takes ownership; NULL shows the placeholder text instead). */
void ecg_plot_view_set_spec (EcgPlotView *self, EcgPlotSpec *spec);
/* The figure shown, owned by the view; NULL when none. */
const EcgPlotSpec *ecg_plot_view_get_spec (EcgPlotView *self);

/* The text shown when there is no figure ("placeholder" property). */
void ecg_plot_view_set_placeholder (EcgPlotView *self, const char *text);

G_END_DECLS
