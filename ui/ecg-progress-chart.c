/* ecg-progress-chart.c — loss and per-step figures of a running job, drawn with Cairo and
 * Pango inside a snapshot. Two frames side by side (stacked when the widget is narrow); axis
 * ticks at 1, 2 or 5 × 10^k; colours from the Okabe–Ito palette, text and axes in the theme's
 * foreground colour so both light and dark styles read. */
#include "ecg-progress-chart.h"

#include <glib/gi18n.h>
#include <math.h>

typedef struct
{
  double x;
  double y;
} LossPoint;

typedef struct
{
  int step;
  double macro_f1;
  double energy_uj; /* NaN when unknown */
} StepPoint;

struct _EcgProgressChart
{
  GtkWidget parent_instance;

  int n_steps;
  int epochs_per_step;
  GArray *loss;  /* LossPoint, ascending x */
  GArray *steps; /* StepPoint, ascending step */
};

G_DEFINE_FINAL_TYPE (EcgProgressChart, ecg_progress_chart, GTK_TYPE_WIDGET)

/* Okabe–Ito: blue, bluish green, vermillion. */
static const GdkRGBA loss_colour = { 0.0, 0.447, 0.698, 1.0 };
static const GdkRGBA f1_colour = { 0.0, 0.620, 0.451, 1.0 };
static const GdkRGBA energy_colour = { 0.835, 0.369, 0.0, 1.0 };

/* A plotting frame: the data rectangle in widget pixels and the data ranges it shows. */
typedef struct
{
  double left, top, width, height;
  double x_min, x_max;
  double y_min, y_max;
} Frame;

static double
frame_x (const Frame *f, double x)
{
  return f->left + (x - f->x_min) / (f->x_max - f->x_min) * f->width;
}

static double
frame_y (const Frame *f, double y, double y_min, double y_max)
{
  return f->top + f->height - (y - y_min) / (y_max - y_min) * f->height;
}

/* The tick spacing for about `max_ticks` ticks over `range`: 1, 2 or 5 × 10^k. */
static double
nice_step (double range, int max_ticks)
{
  double raw = range / MAX (max_ticks, 1);
  double magnitude = pow (10.0, floor (log10 (raw)));
  double residual = raw / magnitude;
  double nice = residual <= 1.0 ? 1.0 : residual <= 2.0 ? 2.0 : residual <= 5.0 ? 5.0 : 10.0;
  return nice * magnitude;
}

/* Decimals that tell ticks `step` apart. */
static int
tick_digits (double step)
{
  return (int) CLAMP (-floor (log10 (step) + 1e-9), 0, 6);
}

static void
set_colour (cairo_t *cr, const GdkRGBA *colour, double alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

/* Draws `text` with its anchor point at (x, y): `ax`, `ay` in 0..1 say which point of the text's
 * box that is (0, 0 = top-left; 0.5, 0.5 = centre). */
static void
show_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y, double ax,
           double ay)
{
  int w, h;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - ax * w), round (y - ay * h));
  pango_cairo_show_layout (cr, layout);
}

/* Horizontal grid lines and tick labels of a y axis on the left (or right) edge. */
static void
draw_y_axis (cairo_t *cr, PangoLayout *layout, const Frame *f, double y_min, double y_max,
             gboolean right, const GdkRGBA *fg, const GdkRGBA *label_colour, gboolean grid)
{
  double step = nice_step (y_max - y_min, MAX (2, (int) (f->height / 36)));
  int digits = tick_digits (step);
  for (double v = ceil (y_min / step - 1e-9) * step; v <= y_max + step * 1e-9; v += step)
    {
      double y = round (frame_y (f, v, y_min, y_max)) + 0.5;
      if (grid)
        {
          set_colour (cr, fg, 0.10);
          cairo_move_to (cr, f->left, y);
          cairo_line_to (cr, f->left + f->width, y);
          cairo_stroke (cr);
        }
      g_autofree char *label = g_strdup_printf ("%.*f", digits, fabs (v) < step * 1e-9 ? 0 : v);
      set_colour (cr, label_colour, 0.85);
      if (right)
        show_text (cr, layout, label, f->left + f->width + 5, y, 0.0, 0.5);
      else
        show_text (cr, layout, label, f->left - 5, y, 1.0, 0.5);
    }
}

static void
draw_x_axis (cairo_t *cr, PangoLayout *layout, const Frame *f, double step, const GdkRGBA *fg)
{
  int digits = tick_digits (step);
  for (double v = ceil (f->x_min / step - 1e-9) * step; v <= f->x_max + step * 1e-9; v += step)
    {
      double x = round (frame_x (f, v)) + 0.5;
      set_colour (cr, fg, 0.35);
      cairo_move_to (cr, x, f->top + f->height);
      cairo_line_to (cr, x, f->top + f->height + 4);
      cairo_stroke (cr);
      g_autofree char *label = g_strdup_printf ("%.*f", digits, fabs (v) < step * 1e-9 ? 0 : v);
      set_colour (cr, fg, 0.85);
      show_text (cr, layout, label, x, f->top + f->height + 5, 0.5, 0.0);
    }
}

static void
draw_box (cairo_t *cr, const Frame *f, const GdkRGBA *fg)
{
  set_colour (cr, fg, 0.35);
  cairo_rectangle (cr, round (f->left) + 0.5, round (f->top) + 0.5, round (f->width),
                   round (f->height));
  cairo_stroke (cr);
}

static void
draw_title (cairo_t *cr, PangoLayout *title_layout, const Frame *f, const char *title,
            const GdkRGBA *fg)
{
  set_colour (cr, fg, 1.0);
  show_text (cr, title_layout, title, f->left, f->top - 6, 0.0, 1.0);
}

static void
draw_empty_note (cairo_t *cr, PangoLayout *layout, const Frame *f, const char *text,
                 const GdkRGBA *fg)
{
  set_colour (cr, fg, 0.5);
  show_text (cr, layout, text, f->left + f->width / 2, f->top + f->height / 2, 0.5, 0.5);
}

static void
draw_loss (EcgProgressChart *self, cairo_t *cr, PangoLayout *layout, PangoLayout *title_layout,
           const Frame *area, const GdkRGBA *fg)
{
  Frame f = *area;
  f.left += 46;
  f.width -= 46 + 12;
  f.top += 26;
  f.height -= 26 + 40;
  if (f.width < 40 || f.height < 30)
    return;

  double last_x = self->loss->len > 0 ? g_array_index (self->loss, LossPoint, self->loss->len - 1).x
                                      : 0.0;
  double y_max = 0.0;
  for (guint i = 0; i < self->loss->len; i++)
    y_max = MAX (y_max, g_array_index (self->loss, LossPoint, i).y);
  f.x_min = 0.0;
  f.x_max = MAX (MAX ((double) self->n_steps * self->epochs_per_step, last_x), 1.0);
  f.y_min = 0.0;
  f.y_max = y_max > 0.0 ? y_max * 1.1 : 1.0;

  draw_title (cr, title_layout, &f, _("Fine-tuning loss"), fg);
  draw_y_axis (cr, layout, &f, f.y_min, f.y_max, FALSE, fg, fg, TRUE);
  draw_x_axis (cr, layout, &f, MAX (1.0, nice_step (f.x_max - f.x_min, (int) (f.width / 60))),
               fg);
  set_colour (cr, fg, 0.7);
  show_text (cr, layout, _("Fine-tuning epoch (all steps)"), f.left + f.width / 2,
             f.top + f.height + 22, 0.5, 0.0);

  /* Step boundaries, dotted. */
  if (self->epochs_per_step > 0)
    {
      static const double dots[] = { 1.0, 3.0 };
      cairo_save (cr);
      cairo_set_dash (cr, dots, G_N_ELEMENTS (dots), 0);
      set_colour (cr, fg, 0.30);
      for (int step = 1; step < self->n_steps; step++)
        {
          double x = round (frame_x (&f, (double) step * self->epochs_per_step)) + 0.5;
          cairo_move_to (cr, x, f.top);
          cairo_line_to (cr, x, f.top + f.height);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  if (self->loss->len == 0)
    draw_empty_note (cr, layout, &f,
                     self->epochs_per_step > 0 ? _("The loss appears here while the job runs")
                                               : _("No fine-tuning between steps"),
                     fg);
  else
    {
      cairo_save (cr);
      cairo_rectangle (cr, f.left, f.top, f.width, f.height);
      cairo_clip (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      set_colour (cr, &loss_colour, 1.0);
      for (guint i = 0; i < self->loss->len; i++)
        {
          const LossPoint *p = &g_array_index (self->loss, LossPoint, i);
          cairo_line_to (cr, frame_x (&f, p->x), frame_y (&f, p->y, f.y_min, f.y_max));
        }
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  draw_box (cr, &f, fg);
}

static void
draw_marker (cairo_t *cr, double x, double y, gboolean square)
{
  if (square)
    cairo_rectangle (cr, x - 3.5, y - 3.5, 7, 7);
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, 4.0, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

static void
draw_series (cairo_t *cr, const Frame *f, GArray *steps, gboolean energy, double y_min,
             double y_max)
{
  const GdkRGBA *colour = energy ? &energy_colour : &f1_colour;
  set_colour (cr, colour, 1.0);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < steps->len; i++)
    {
      const StepPoint *p = &g_array_index (steps, StepPoint, i);
      double v = energy ? p->energy_uj : p->macro_f1;
      if (isfinite (v))
        cairo_line_to (cr, frame_x (f, p->step), frame_y (f, v, y_min, y_max));
    }
  cairo_stroke (cr);
  for (guint i = 0; i < steps->len; i++)
    {
      const StepPoint *p = &g_array_index (steps, StepPoint, i);
      double v = energy ? p->energy_uj : p->macro_f1;
      if (isfinite (v))
        draw_marker (cr, frame_x (f, p->step), frame_y (f, v, y_min, y_max), energy);
    }
}

static void
draw_steps (EcgProgressChart *self, cairo_t *cr, PangoLayout *layout, PangoLayout *title_layout,
            const Frame *area, const GdkRGBA *fg)
{
  Frame f = *area;
  f.left += 46;
  f.width -= 46 + 54;
  f.top += 26;
  f.height -= 26 + 40;
  if (f.width < 40 || f.height < 30)
    return;

  double f1_min = 1.0, energy_max = 0.0;
  for (guint i = 0; i < self->steps->len; i++)
    {
      const StepPoint *p = &g_array_index (self->steps, StepPoint, i);
      if (isfinite (p->macro_f1))
        f1_min = MIN (f1_min, p->macro_f1);
      if (isfinite (p->energy_uj))
        energy_max = MAX (energy_max, p->energy_uj);
    }
  /* Macro-F1 from a round value below the worst step up to 1, so small losses stay visible. */
  double f1_lo = self->steps->len > 0 ? CLAMP (floor ((f1_min - 0.05) * 20.0) / 20.0, 0.0, 0.9)
                                       : 0.0;
  double energy_hi = energy_max > 0.0 ? energy_max * 1.15 : 1.0;
  f.x_min = -0.5;
  f.x_max = MAX (self->n_steps, 1) + 0.5;
  f.y_min = f1_lo;
  f.y_max = 1.0;

  draw_title (cr, title_layout, &f, _("Per step"), fg);
  /* Legend on the title line, right-aligned: ● macro-F1  ■ energy. */
  {
    int w1, w2, h;
    pango_layout_set_text (layout, _("macro-F1"), -1);
    pango_layout_get_pixel_size (layout, &w1, &h);
    g_autofree char *energy_label = g_strdup (_("energy (µJ)"));
    pango_layout_set_text (layout, energy_label, -1);
    pango_layout_get_pixel_size (layout, &w2, &h);
    double x = f.left + f.width - w2;
    double y = f.top - 6 - h / 2.0;
    set_colour (cr, fg, 0.85);
    show_text (cr, layout, energy_label, x, y, 0.0, 0.5);
    set_colour (cr, &energy_colour, 1.0);
    draw_marker (cr, x - 9, y, TRUE);
    x -= 18 + 14 + w1;
    set_colour (cr, fg, 0.85);
    show_text (cr, layout, _("macro-F1"), x, y, 0.0, 0.5);
    set_colour (cr, &f1_colour, 1.0);
    draw_marker (cr, x - 9, y, FALSE);
  }

  draw_y_axis (cr, layout, &f, f1_lo, 1.0, FALSE, fg, &f1_colour, TRUE);
  draw_y_axis (cr, layout, &f, 0.0, energy_hi, TRUE, fg, &energy_colour, FALSE);
  draw_x_axis (cr, layout, &f, MAX (1.0, nice_step (f.x_max - f.x_min, (int) (f.width / 40))),
               fg);
  set_colour (cr, fg, 0.7);
  show_text (cr, layout, _("Pruning step (0 = dense)"), f.left + f.width / 2,
             f.top + f.height + 22, 0.5, 0.0);

  if (self->steps->len == 0)
    draw_empty_note (cr, layout, &f, _("Each step appears here once it is stored"), fg);
  else
    {
      cairo_save (cr);
      cairo_rectangle (cr, f.left - 6, f.top - 6, f.width + 12, f.height + 12);
      cairo_clip (cr);
      draw_series (cr, &f, self->steps, TRUE, 0.0, energy_hi);
      draw_series (cr, &f, self->steps, FALSE, f1_lo, 1.0);
      cairo_restore (cr);
    }
  draw_box (cr, &f, fg);
}

static void
ecg_progress_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EcgProgressChart *self = ECG_PROGRESS_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1.0);

  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoAttrList *small = pango_attr_list_new ();
  pango_attr_list_insert (small, pango_attr_scale_new (0.85));
  pango_attr_list_insert (small, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, small);
  pango_attr_list_unref (small);
  PangoLayout *title_layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoAttrList *bold = pango_attr_list_new ();
  pango_attr_list_insert (bold, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (title_layout, bold);
  pango_attr_list_unref (bold);

  /* Side by side when each frame gets at least 280 px, else one above the other. */
  Frame left = { 0, 0, width, height }, right = left;
  if (width >= 560)
    {
      left.width = width / 2.0;
      right.left = left.width;
      right.width = width - left.width;
    }
  else
    {
      left.height = height / 2.0;
      right.top = left.height;
      right.height = height - left.height;
    }
  draw_loss (self, cr, layout, title_layout, &left, &fg);
  draw_steps (self, cr, layout, title_layout, &right, &fg);

  g_object_unref (layout);
  g_object_unref (title_layout);
  cairo_destroy (cr);
}

static void
ecg_progress_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 280 : 220;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 280;
}

static void
update_description (EcgProgressChart *self)
{
  g_autofree char *text = NULL;
  if (self->steps->len > 0)
    {
      const StepPoint *last = &g_array_index (self->steps, StepPoint, self->steps->len - 1);
      text = g_strdup_printf (_("Step %d of %d: macro-F1 %.3f"), last->step, self->n_steps,
                              last->macro_f1);
    }
  else
    text = g_strdup (_("No step measured yet"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text, -1);
}

void
ecg_progress_chart_reset (EcgProgressChart *self, int n_steps, int epochs_per_step)
{
  g_return_if_fail (ECG_IS_PROGRESS_CHART (self));
  self->n_steps = MAX (n_steps, 0);
  self->epochs_per_step = MAX (epochs_per_step, 0);
  g_array_set_size (self->loss, 0);
  g_array_set_size (self->steps, 0);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ecg_progress_chart_set_shape (EcgProgressChart *self, int n_steps, int epochs_per_step)
{
  g_return_if_fail (ECG_IS_PROGRESS_CHART (self));
  n_steps = MAX (n_steps, 0);
  epochs_per_step = MAX (epochs_per_step, 0);
  if (n_steps == self->n_steps && epochs_per_step == self->epochs_per_step)
    return;
  self->n_steps = n_steps;
  self->epochs_per_step = epochs_per_step;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ecg_progress_chart_add_loss (EcgProgressChart *self, double x, double loss)
{
  g_return_if_fail (ECG_IS_PROGRESS_CHART (self));
  if (!isfinite (x) || !isfinite (loss))
    return;
  if (self->loss->len > 0 && x <= g_array_index (self->loss, LossPoint, self->loss->len - 1).x)
    return;
  LossPoint point = { x, loss };
  g_array_append_val (self->loss, point);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ecg_progress_chart_set_steps (EcgProgressChart *self, const EcgRun *run)
{
  g_return_if_fail (ECG_IS_PROGRESS_CHART (self));
  g_return_if_fail (run != NULL);

  g_array_set_size (self->steps, 0);
  for (guint i = 0; run->steps != NULL && i < run->steps->len; i++)
    {
      const EcgStepRecord *record = g_ptr_array_index (run->steps, i);
      StepPoint point = { record->step, record->macro_f1,
                          record->energy_op_model_45nm_j * 1e6 };
      g_array_append_val (self->steps, point);
      self->n_steps = MAX (self->n_steps, record->step);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ecg_progress_chart_get_n_loss_points (EcgProgressChart *self)
{
  g_return_val_if_fail (ECG_IS_PROGRESS_CHART (self), 0);
  return self->loss->len;
}

guint
ecg_progress_chart_get_n_step_points (EcgProgressChart *self)
{
  g_return_val_if_fail (ECG_IS_PROGRESS_CHART (self), 0);
  return self->steps->len;
}

static void
ecg_progress_chart_finalize (GObject *object)
{
  EcgProgressChart *self = ECG_PROGRESS_CHART (object);
  g_clear_pointer (&self->loss, g_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  G_OBJECT_CLASS (ecg_progress_chart_parent_class)->finalize (object);
}

static void
ecg_progress_chart_class_init (EcgProgressChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ecg_progress_chart_finalize;
  widget_class->snapshot = ecg_progress_chart_snapshot;
  widget_class->measure = ecg_progress_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "progresschart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ecg_progress_chart_init (EcgProgressChart *self)
{
  self->loss = g_array_new (FALSE, FALSE, sizeof (LossPoint));
  self->steps = g_array_new (FALSE, FALSE, sizeof (StepPoint));
  update_description (self);
}

GtkWidget *
ecg_progress_chart_new (void)
{
  return g_object_new (ECG_TYPE_PROGRESS_CHART, NULL);
}
