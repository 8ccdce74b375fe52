/* ecg-plot-view.c — an EcgPlotSpec drawn with PLplot's extcairo device inside a snapshot.
 *
 * GTK snapshots a widget again only when it is resized or queued for drawing, so PLplot runs
 * once per change of figure or size, not once per frame. */
#include "ecg-plot-view.h"

#include <glib/gi18n.h>

#include "plot/ecg-plot-render.h"

struct _EcgPlotView
{
  GtkWidget parent_instance;

  EcgPlotSpec *spec;
  char *placeholder;
};

G_DEFINE_FINAL_TYPE (EcgPlotView, ecg_plot_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PLACEHOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
draw_centred_text (EcgPlotView *self, cairo_t *cr, int width, int height, const char *text)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  fg.alpha *= 0.55;

  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_width (layout, MAX (width - 48, 1) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  int text_width, text_height;
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, 24, (height - text_height) / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
ecg_plot_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EcgPlotView *self = ECG_PLOT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->spec == NULL)
    draw_centred_text (self, cr, width, height, self->placeholder ? self->placeholder : "");
  else
    {
      g_autoptr (GError) error = NULL;
      if (!ecg_plot_render_cairo (self->spec, cr, width, height, &error))
        {
          g_autofree char *text = g_strdup_printf (_("The figure could not be drawn: %s"),
                                                   error->message);
          draw_centred_text (self, cr, width, height, text);
        }
    }
  cairo_destroy (cr);
}

static void
ecg_plot_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  /* Small enough to share a pane; the renderer needs 80 × 60 for more than a background. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? ECG_PLOT_DEFAULT_WIDTH
                                                       : ECG_PLOT_DEFAULT_HEIGHT / 2;
}

void
ecg_plot_view_set_spec (EcgPlotView *self, EcgPlotSpec *spec)
{
  g_return_if_fail (ECG_IS_PLOT_VIEW (self));
  if (self->spec == spec)
    return;
  g_clear_pointer (&self->spec, ecg_plot_spec_free);
  self->spec = spec;

  const char *description = spec != NULL ? spec->title : self->placeholder;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description ? description : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const EcgPlotSpec *
ecg_plot_view_get_spec (EcgPlotView *self)
{
  g_return_val_if_fail (ECG_IS_PLOT_VIEW (self), NULL);
  return self->spec;
}

void
ecg_plot_view_set_placeholder (EcgPlotView *self, const char *text)
{
  g_return_if_fail (ECG_IS_PLOT_VIEW (self));
  if (g_strcmp0 (self->placeholder, text) == 0)
    return;
  g_free (self->placeholder);
  self->placeholder = g_strdup (text);
  if (self->spec == NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEHOLDER]);
}

static void
ecg_plot_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EcgPlotView *self = ECG_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLACEHOLDER:
      g_value_set_string (value, self->placeholder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_plot_view_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  EcgPlotView *self = ECG_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLACEHOLDER:
      ecg_plot_view_set_placeholder (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_plot_view_finalize (GObject *object)
{
  EcgPlotView *self = ECG_PLOT_VIEW (object);
  g_clear_pointer (&self->spec, ecg_plot_spec_free);
  g_clear_pointer (&self->placeholder, g_free);
  G_OBJECT_CLASS (ecg_plot_view_parent_class)->finalize (object);
}

static void
ecg_plot_view_class_init (EcgPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ecg_plot_view_finalize;
  object_class->get_property = ecg_plot_view_get_property;
  object_class->set_property = ecg_plot_view_set_property;
  widget_class->snapshot = ecg_plot_view_snapshot;
  widget_class->measure = ecg_plot_view_measure;

  properties[PROP_PLACEHOLDER]
    = g_param_spec_string ("placeholder", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plotview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ecg_plot_view_init (EcgPlotView *self)
{
}

GtkWidget *
ecg_plot_view_new (void)
{
  return g_object_new (ECG_TYPE_PLOT_VIEW, NULL);
}
