/* ecg-macs-chart.c — MACs per layer as horizontal bars.
 *
 * Layout, in pixels: one row of ROW_HEIGHT per bar below a MARGIN; the layer names take the
 * width of the longest (at most 40 % of the widget), the bars the width left after the value
 * column; bar length = MACs / max MACs × that width, so the largest layer spans it. Drawn with
 * GtkSnapshot colour nodes and Pango layouts: nothing here is slow enough to leave the main
 * thread (a few hundred rows at most). */
#include "ecg-macs-chart.h"

#include <glib/gi18n.h>

#define ROW_HEIGHT 24
#define BAR_HEIGHT 14
#define MARGIN 8
#define GAP 10

typedef struct
{
  char *name;
  gint64 macs;
} Bar;

struct _EcgMacsChart
{
  GtkWidget parent_instance;

  GArray *bars; /* Bar */
  gint64 total;
  gint64 max;
};

G_DEFINE_FINAL_TYPE (EcgMacsChart, ecg_macs_chart, GTK_TYPE_WIDGET)

static void
bar_clear (gpointer data)
{
  Bar *bar = data;
  g_free (bar->name);
}

/* A count with the locale's digit grouping ("9,232,768"), outside _(): xgettext cannot see
 * through G_GINT64_FORMAT. Owned by the caller. */
static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

/* "3,670,016 (39.8 %)": the count with the locale's digit grouping and the share. Owned by
 * the caller. */
static char *
value_text (EcgMacsChart *self, gint64 macs)
{
  double share = self->total > 0 ? 100.0 * (double) macs / (double) self->total : 0.0;
  g_autofree char *count = format_count (macs);
  /* Translators: a layer's MACs and its share of the model's, e.g. "3670016 (39.8 %)". */
  return g_strdup_printf (_("%s (%.1f %%)"), count, share);
}

static void
get_colors (EcgMacsChart *self, GdkRGBA *fg, GdkRGBA *bar)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
  /* GNOME's accent blue, readable on light and dark backgrounds. */
  *bar = (GdkRGBA) { 0.208, 0.518, 0.894, 1.0 };
}

/* The widest layout of the names, capped to `cap` pixels. */
static int
names_width (EcgMacsChart *self, int cap)
{
  int widest = 0;
  for (guint i = 0; i < self->bars->len; i++)
    {
      PangoLayout *layout
        = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                          g_array_index (self->bars, Bar, i).name);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
      g_object_unref (layout);
    }
  return MIN (widest, cap);
}

static int
values_width (EcgMacsChart *self)
{
  g_autofree char *text = value_text (self, self->max);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return w;
}

static void
append_text (GtkSnapshot *snapshot, PangoLayout *layout, const GdkRGBA *color, float x, float y)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
ecg_macs_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EcgMacsChart *self = ECG_MACS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  if (width <= 0 || self->bars->len == 0 || self->max <= 0)
    return;

  GdkRGBA fg, bar_color;
  get_colors (self, &fg, &bar_color);
  GdkRGBA dim = fg;
  dim.alpha *= 0.7f;

  int name_w = names_width (self, (int) (width * 0.4));
  int value_w = values_width (self);
  float bar_x = MARGIN + name_w + GAP;
  float bar_span = MAX (1.0f, (float) width - bar_x - GAP - value_w - MARGIN);

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      float row_y = MARGIN + (float) i * ROW_HEIGHT;

      PangoLayout *name = gtk_widget_create_pango_layout (widget, bar->name);
      pango_layout_set_width (name, name_w * PANGO_SCALE);
      pango_layout_set_ellipsize (name, PANGO_ELLIPSIZE_MIDDLE);
      int w, h;
      pango_layout_get_pixel_size (name, &w, &h);
      append_text (snapshot, name, &fg, MARGIN + name_w - w, row_y + (ROW_HEIGHT - h) / 2.0f);
      g_object_unref (name);

      /* At least one pixel, so that a tiny layer is still seen to be there. */
      float length = MAX (1.0f, bar_span * (float) ((double) bar->macs / (double) self->max));
      float bar_y = row_y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0f;
      gtk_snapshot_append_color (snapshot, &bar_color,
                                 &GRAPHENE_RECT_INIT (bar_x, bar_y, length, BAR_HEIGHT));

      g_autofree char *text = value_text (self, bar->macs);
      PangoLayout *value = gtk_widget_create_pango_layout (widget, text);
      pango_layout_get_pixel_size (value, &w, &h);
      append_text (snapshot, value, &dim, bar_x + length + GAP, row_y + (ROW_HEIGHT - h) / 2.0f);
      g_object_unref (value);
    }
}

static void
ecg_macs_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  EcgMacsChart *self = ECG_MACS_CHART (widget);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 480;
    }
  else
    *minimum = *natural = 2 * MARGIN + (int) self->bars->len * ROW_HEIGHT;
}

/* The bar under y, or -1. */
static int
bar_at (EcgMacsChart *self, double y)
{
  if (y < MARGIN)
    return -1;
  int index = (int) ((y - MARGIN) / ROW_HEIGHT);
  return index < (int) self->bars->len ? index : -1;
}

static gboolean
ecg_macs_chart_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                              GtkTooltip *tooltip)
{
  EcgMacsChart *self = ECG_MACS_CHART (widget);
  int index = bar_at (self, y);
  if (index < 0)
    return FALSE;
  const Bar *bar = &g_array_index (self->bars, Bar, index);
  g_autofree char *value = value_text (self, bar->macs);
  /* Translators: a layer's name and its MACs, e.g. "b3.conv: 3670016 (39.8 %) MACs". */
  g_autofree char *text = g_strdup_printf (_("%s: %s MACs"), bar->name, value);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
ecg_macs_chart_set_table (EcgMacsChart *self, const EcgCostTable *table)
{
  g_return_if_fail (ECG_IS_MACS_CHART (self));
  g_array_set_size (self->bars, 0);
  self->total = 0;
  self->max = 0;
  for (gsize i = 0; table != NULL && i < table->n_layers; i++)
    {
      const EcgCostLayer *layer = &table->layers[i];
      if (layer->macs <= 0)
        continue;
      Bar bar = { g_strdup (layer->name), layer->macs };
      g_array_append_val (self->bars, bar);
      self->total += layer->macs;
      self->max = MAX (self->max, layer->macs);
    }

  g_autofree char *description = NULL;
  if (self->bars->len > 0)
    {
      const Bar *largest = NULL;
      for (guint i = 0; i < self->bars->len; i++)
        if (largest == NULL || g_array_index (self->bars, Bar, i).macs > largest->macs)
          largest = &g_array_index (self->bars, Bar, i);
      g_autofree char *total = format_count (self->total);
      /* Translators: the chart's description for screen readers. */
      description = g_strdup_printf (_("MACs per layer: %u layers, %s in total, the most in %s"),
                                     self->bars->len, total, largest->name);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "", -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
ecg_macs_chart_get_n_bars (EcgMacsChart *self)
{
  g_return_val_if_fail (ECG_IS_MACS_CHART (self), 0);
  return self->bars->len;
}

const char *
ecg_macs_chart_get_bar (EcgMacsChart *self, guint index, gint64 *macs)
{
  g_return_val_if_fail (ECG_IS_MACS_CHART (self), NULL);
  g_return_val_if_fail (index < self->bars->len, NULL);
  const Bar *bar = &g_array_index (self->bars, Bar, index);
  if (macs != NULL)
    *macs = bar->macs;
  return bar->name;
}

void
ecg_macs_chart_get_bar_rows (EcgMacsChart *self, guint index, int *y, int *height)
{
  g_return_if_fail (ECG_IS_MACS_CHART (self));
  *y = MARGIN + (int) index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  *height = BAR_HEIGHT;
}

static void
ecg_macs_chart_finalize (GObject *object)
{
  EcgMacsChart *self = ECG_MACS_CHART (object);
  g_array_unref (self->bars);
  G_OBJECT_CLASS (ecg_macs_chart_parent_class)->finalize (object);
}

static void
ecg_macs_chart_class_init (EcgMacsChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ecg_macs_chart_finalize;
  widget_class->snapshot = ecg_macs_chart_snapshot;
  widget_class->measure = ecg_macs_chart_measure;
  widget_class->query_tooltip = ecg_macs_chart_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "macschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ecg_macs_chart_init (EcgMacsChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
ecg_macs_chart_new (void)
{
  return g_object_new (ECG_TYPE_MACS_CHART, NULL);
}
