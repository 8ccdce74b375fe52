/* ecg-macs-chart.c — MACs per layer as horizontal bars.
 *
 * Layout, in pixels: one row of ROW_HEIGHT per bar below a MARGIN; the layer names take the
 * width of the longest (at most 40 % of the widget), the bars the width left after the value
 * column; bar length = MACs / max MACs × that width, so the largest layer spans it. Drawn with
 * GtkSnapshot colour nodes and Pango layouts: nothing here is slow enough to leave the main
 * thread (a few hundred rows at most). */
#include "ecg-macs-chart.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ecg-chart-export.h"
#include "ecg-error.h"

#define ROW_HEIGHT 24
#define BAR_HEIGHT 14
#define MARGIN 8
#define GAP 10

typedef struct
{
  char *name;
  gint64 macs;
  gint64 params;
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

/* The bars over `width` pixels, text in `text_color` (NULL: the theme's): shared by the
 * widget and its exports. */
static void
draw_bars (EcgMacsChart *self, GtkSnapshot *snapshot, int width, const GdkRGBA *text_color)
{
  GtkWidget *widget = GTK_WIDGET (self);
  if (width <= 0 || self->bars->len == 0 || self->max <= 0)
    return;

  GdkRGBA fg, bar_color;
  get_colors (self, &fg, &bar_color);
  if (text_color != NULL)
    fg = *text_color;
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
ecg_macs_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  draw_bars (ECG_MACS_CHART (widget), snapshot, gtk_widget_get_width (widget), NULL);
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
      Bar bar = { g_strdup (layer->name), layer->macs, layer->params };
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

/* ---- export ------------------------------------------------------------------------------ */

/* The same bars through GSK's Cairo drawing of the snapshot, black text on the white page. */
static void
draw_for_export (cairo_t *cr, int width, int height, gpointer user_data)
{
  static const GdkRGBA black = { 0.0, 0.0, 0.0, 1.0 };
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  draw_bars (ECG_MACS_CHART (user_data), snapshot, width, &black);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    {
      gsk_render_node_draw (node, cr);
      gsk_render_node_unref (node);
    }
}

/* A CSV field, quoted when it holds a separator, quote or line break. */
static void
append_csv_field (GString *csv, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static GBytes *
export_bytes (EcgMacsChart *self, const char *path, GError **error)
{
  EcgPlotFormat format;
  if (!ecg_plot_format_from_path (path, &format))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: unknown export format (use .png, .svg, .pdf or .csv)", path);
      return NULL;
    }
  if (self->bars->len == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: the chart shows no layers", path);
      return NULL;
    }
  if (format == ECG_PLOT_FORMAT_CSV)
    {
      GString *csv = g_string_new ("layer,macs,params\n");
      for (guint i = 0; i < self->bars->len; i++)
        {
          const Bar *bar = &g_array_index (self->bars, Bar, i);
          append_csv_field (csv, bar->name);
          g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", bar->macs,
                                  bar->params);
        }
      return g_string_free_to_bytes (csv);
    }
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  if (width < 400)
    width = ECG_PLOT_DEFAULT_WIDTH;
  int height = MAX (ECG_PLOT_MIN_SIZE, 2 * MARGIN + (int) self->bars->len * ROW_HEIGHT);
  return ecg_chart_render_bytes (format, width, MIN (height, ECG_PLOT_MAX_SIZE),
                                 draw_for_export, self, error);
}

void
ecg_macs_chart_export_async (EcgMacsChart *self, const char *path, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ECG_IS_MACS_CHART (self));
  g_return_if_fail (path != NULL);
  GError *error = NULL;
  GBytes *bytes = export_bytes (self, path, &error);
  ecg_chart_export_save_async (G_OBJECT (self), bytes, error, path, cancellable, callback,
                               user_data);
  g_clear_pointer (&bytes, g_bytes_unref);
}

gboolean
ecg_macs_chart_export_finish (EcgMacsChart *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ECG_IS_MACS_CHART (self), FALSE);
  return ecg_chart_export_save_finish (result, error);
}

static void
exported (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *path = user_data;
  g_autoptr (GError) error = NULL;
  if (!ecg_macs_chart_export_finish (ECG_MACS_CHART (source_object), result, &error))
    ecg_chart_export_report (GTK_WIDGET (source_object), path, error);
}

static void
export_path_chosen (GtkWidget *widget, const char *path)
{
  ecg_macs_chart_export_async (ECG_MACS_CHART (widget), path, NULL, exported, g_strdup (path));
}

void
ecg_macs_chart_choose_export (EcgMacsChart *self)
{
  g_return_if_fail (ECG_IS_MACS_CHART (self));
  ecg_chart_export_choose_file (GTK_WIDGET (self), _("Export MACs per Layer"), "macs-per-layer.png",
                                export_path_chosen);
}
