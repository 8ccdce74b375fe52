/* ecg-waveform-view.c — a record drawn on calibrated ECG paper (see the header for the
 * geometry). Drawing is Cairo inside gtk_snapshot_append_cairo(); only the visible time span
 * is drawn, with min/max decimation when a pixel column holds more than one sample. */
#include "ecg-waveform-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define ECG_MIN_TIME_ZOOM (1.0 / 16.0)
#define ECG_MAX_TIME_ZOOM 8.0
#define ECG_MM_PER_INCH 25.4
/* Pixel spacing below which a set of vertical major lines is replaced by a coarser one. */
#define ECG_MIN_MAJOR_SPACING_PX 6.0
#define ECG_TRACE_WIDTH_PX 1.5
/* Gap kept between two labels of the same kind, in pixels. */
#define ECG_LABEL_GAP_PX 2.0

struct _EcgWaveformView
{
  GtkWidget parent_instance;

  EcgRecord *record;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint hscroll_policy : 1;
  guint vscroll_policy : 1;

  double screen_dpi;
  double time_zoom;
  gboolean dark_paper;

  /* Last pointer position, the anchor of Ctrl+wheel zoom. */
  double pointer_x;
  gboolean pointer_inside;
};

enum
{
  PROP_0,
  PROP_SCREEN_DPI,
  PROP_DARK_PAPER,
  PROP_TIME_ZOOM,
  PROP_PAPER_SPEED,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (EcgWaveformView, ecg_waveform_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

#define RGB8(r, g, b) { (r) / 255.0f, (g) / 255.0f, (b) / 255.0f, 1.0f }

static const EcgPaperPalette light_palette = {
  .paper = RGB8 (0xff, 0xf6, 0xf4),
  .minor_line = RGB8 (0xf6, 0xcc, 0xcb),
  .major_line = RGB8 (0xe4, 0x8f, 0x8f),
  .trace = RGB8 (0x1b, 0x1b, 0x22),
  .beat_label = RGB8 (0x1a, 0x4f, 0x9c),
  .other_label = RGB8 (0x77, 0x76, 0x7b),
  .lead_label = RGB8 (0x3d, 0x38, 0x46),
};

/* Dark paper: the grid stays reddish but low in contrast so that a light trace reads first. */
static const EcgPaperPalette dark_palette = {
  .paper = RGB8 (0x1d, 0x1e, 0x23),
  .minor_line = RGB8 (0x33, 0x29, 0x2e),
  .major_line = RGB8 (0x63, 0x3c, 0x45),
  .trace = RGB8 (0xe8, 0xf3, 0xec),
  .beat_label = RGB8 (0x7f, 0xb4, 0xf0),
  .other_label = RGB8 (0x9a, 0x99, 0xa1),
  .lead_label = RGB8 (0xde, 0xdd, 0xe3),
};

const EcgPaperPalette *
ecg_waveform_view_get_palette (gboolean dark)
{
  return dark ? &dark_palette : &light_palette;
}

/* ---- geometry ---------------------------------------------------------------------------- */

double
ecg_waveform_view_get_px_per_mm (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), 0.0);
  return self->screen_dpi / ECG_MM_PER_INCH;
}

double
ecg_waveform_view_get_px_per_mm_x (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), 0.0);
  return ecg_waveform_view_get_px_per_mm (self) * self->time_zoom;
}

static double
px_per_second (EcgWaveformView *self)
{
  return ECG_PAPER_SPEED_MM_PER_S * ecg_waveform_view_get_px_per_mm_x (self);
}

static double
record_duration (EcgWaveformView *self)
{
  if (self->record == NULL || self->record->fs <= 0.0)
    return 0.0;
  return (double) self->record->n_samples / self->record->fs;
}

static double
content_width (EcgWaveformView *self)
{
  return record_duration (self) * px_per_second (self);
}

static double
band_height (EcgWaveformView *self)
{
  return ECG_PAPER_BAND_MM * ecg_waveform_view_get_px_per_mm (self);
}

static int
n_rows (EcgWaveformView *self)
{
  return self->record != NULL ? MAX (self->record->n_leads, 1) : 1;
}

static double
content_height (EcgWaveformView *self)
{
  double px_per_mm = ecg_waveform_view_get_px_per_mm (self);
  double needed = band_height (self) + n_rows (self) * ECG_PAPER_MIN_ROW_MM * px_per_mm;
  return MAX ((double) gtk_widget_get_height (GTK_WIDGET (self)), needed);
}

static double
hscroll (EcgWaveformView *self)
{
  return self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0.0;
}

static double
vscroll (EcgWaveformView *self)
{
  return self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0.0;
}

/* Row `lead` in content coordinates: its top, height and baseline (snapped to a major line). */
static void
row_geometry (EcgWaveformView *self, int lead, double *top, double *height, double *baseline)
{
  double band = band_height (self);
  double row_height = (content_height (self) - band) / n_rows (self);
  double major = 5.0 * ecg_waveform_view_get_px_per_mm (self);
  double centre = band + (lead + 0.5) * row_height;

  *top = band + lead * row_height;
  *height = row_height;
  *baseline = round (centre / major) * major;
}

/* Millimetres per physical unit of a lead: the paper gain is per mV. */
static double
mm_per_unit (const EcgLead *lead)
{
  const char *units = lead->units != NULL ? lead->units : "mV";
  if (g_str_equal (units, "uV") || g_str_equal (units, "\xc2\xb5V")
      || g_str_equal (units, "\xce\xbcV"))
    return ECG_PAPER_GAIN_MM_PER_MV / 1000.0;
  if (g_str_equal (units, "V"))
    return ECG_PAPER_GAIN_MM_PER_MV * 1000.0;
  return ECG_PAPER_GAIN_MM_PER_MV;
}

/* ---- adjustments ------------------------------------------------------------------------- */

static void
configure_adjustments (EcgWaveformView *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->hadjustment != NULL)
    {
      double upper = MAX (content_width (self), width);
      double step = MIN (px_per_second (self), MAX (width / 2.0, 1.0));
      double value = CLAMP (gtk_adjustment_get_value (self->hadjustment), 0.0, upper - width);
      gtk_adjustment_configure (self->hadjustment, value, 0.0, upper, step, width * 0.9, width);
    }
  if (self->vadjustment != NULL)
    {
      double upper = content_height (self);
      double step = 5.0 * ecg_waveform_view_get_px_per_mm (self);
      double value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0.0, upper - height);
      gtk_adjustment_configure (self->vadjustment, value, 0.0, upper, step, height * 0.9,
                                height);
    }
}

static void
adjustment_value_changed (GtkAdjustment *adjustment, EcgWaveformView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (EcgWaveformView *self, GtkAdjustment **slot, GtkAdjustment *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed), self);
  configure_adjustments (self);
}

/* ---- zoom and scrolling ------------------------------------------------------------------ */

static void
update_action_state (EcgWaveformView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gtk_widget_action_set_enabled (widget, "waveform.zoom-in",
                                 self->time_zoom < ECG_MAX_TIME_ZOOM * 0.999);
  gtk_widget_action_set_enabled (widget, "waveform.zoom-out",
                                 self->time_zoom > ECG_MIN_TIME_ZOOM * 1.001);
}

/* Sets the zoom keeping the record time under widget x `anchor_x` in place. */
static void
zoom_at (EcgWaveformView *self, double time_zoom, double anchor_x)
{
  time_zoom = CLAMP (time_zoom, ECG_MIN_TIME_ZOOM, ECG_MAX_TIME_ZOOM);
  if (time_zoom == self->time_zoom)
    return;

  double anchor_seconds = (hscroll (self) + anchor_x) / px_per_second (self);
  self->time_zoom = time_zoom;
  configure_adjustments (self);
  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment,
                              anchor_seconds * px_per_second (self) - anchor_x);

  update_action_state (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAPER_SPEED]);
}

void
ecg_waveform_view_set_time_zoom (EcgWaveformView *self, double time_zoom)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  zoom_at (self, time_zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0);
}

double
ecg_waveform_view_get_time_zoom (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), 1.0);
  return self->time_zoom;
}

double
ecg_waveform_view_get_paper_speed (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), ECG_PAPER_SPEED_MM_PER_S);
  return ECG_PAPER_SPEED_MM_PER_S * self->time_zoom;
}

/* The keys step through 25 mm/s times a power of two, whatever continuous zoom the wheel left. */
void
ecg_waveform_view_zoom_in (EcgWaveformView *self)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  double level = floor (log2 (self->time_zoom) + 1e-6) + 1.0;
  ecg_waveform_view_set_time_zoom (self, exp2 (level));
}

void
ecg_waveform_view_zoom_out (EcgWaveformView *self)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  double level = ceil (log2 (self->time_zoom) - 1e-6) - 1.0;
  ecg_waveform_view_set_time_zoom (self, exp2 (level));
}

void
ecg_waveform_view_scroll_to_time (EcgWaveformView *self, double seconds)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, seconds * px_per_second (self));
}

static void
scroll_by (EcgWaveformView *self, double pixels)
{
  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, hscroll (self) + pixels);
}

static void
action_zoom (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  if (g_str_equal (action_name, "waveform.zoom-in"))
    ecg_waveform_view_zoom_in (self);
  else if (g_str_equal (action_name, "waveform.zoom-out"))
    ecg_waveform_view_zoom_out (self);
  else
    ecg_waveform_view_set_time_zoom (self, 1.0);
}

static void
action_scroll (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  if (self->hadjustment == NULL)
    return;
  int direction = parameter != NULL ? g_variant_get_int32 (parameter) : 0;
  if (g_str_equal (action_name, "waveform.scroll-step"))
    scroll_by (self, direction * gtk_adjustment_get_step_increment (self->hadjustment));
  else if (g_str_equal (action_name, "waveform.scroll-page"))
    scroll_by (self, direction * gtk_adjustment_get_page_increment (self->hadjustment));
  else if (g_str_equal (action_name, "waveform.scroll-to-start"))
    gtk_adjustment_set_value (self->hadjustment, 0.0);
  else
    gtk_adjustment_set_value (self->hadjustment, gtk_adjustment_get_upper (self->hadjustment));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, EcgWaveformView *self)
{
  GdkModifierType state
    = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (state & GDK_CONTROL_MASK)
    {
      /* One wheel notch zooms by 1.25; a touchpad reports pixels, ~20 per notch. */
      double notches = wheel ? dy : dy / 20.0;
      double anchor = self->pointer_inside ? self->pointer_x
                                           : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      zoom_at (self, self->time_zoom * pow (1.25, -notches), anchor);
      return TRUE;
    }

  /* When the leads overflow vertically, the plain vertical wheel scrolls them (the scrolled
   * window does it); otherwise, and with Shift, both wheel axes move through time. */
  gboolean vertical_overflow
    = self->vadjustment != NULL
      && gtk_adjustment_get_upper (self->vadjustment)
           > gtk_adjustment_get_page_size (self->vadjustment) + 0.5;
  gboolean time_only = vertical_overflow && !(state & GDK_SHIFT_MASK);
  double delta = time_only ? dx : dx + dy;
  if (self->hadjustment == NULL || delta == 0.0)
    return FALSE;

  /* GtkScrolledWindow's wheel step: page_size^(2/3) per notch. */
  double step = wheel ? pow (gtk_adjustment_get_page_size (self->hadjustment), 2.0 / 3.0) : 1.0;
  scroll_by (self, delta * step);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, EcgWaveformView *self)
{
  self->pointer_x = x;
  self->pointer_inside = TRUE;
}

static void
on_leave (GtkEventControllerMotion *controller, EcgWaveformView *self)
{
  self->pointer_inside = FALSE;
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y, EcgWaveformView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

/* ---- labels ------------------------------------------------------------------------------ */

static PangoLayout *
create_label_layout (EcgWaveformView *self, gboolean is_beat)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  PangoAttrList *attributes = pango_attr_list_new ();
  if (is_beat)
    pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  else
    pango_attr_list_insert (attributes, pango_attr_scale_new (0.85));
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
  return layout;
}

GArray *
ecg_waveform_view_get_visible_labels (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);

  GArray *labels = g_array_new (FALSE, TRUE, sizeof (EcgWaveformLabel));
  const EcgRecord *record = self->record;
  if (record == NULL || record->annotations == NULL || record->fs <= 0.0)
    return labels;

  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double band = band_height (self);
  double pps = px_per_second (self);
  double x_offset = hscroll (self);
  double y_offset = vscroll (self);
  g_autoptr (PangoLayout) beat_layout = create_label_layout (self, TRUE);
  g_autoptr (PangoLayout) other_layout = create_label_layout (self, FALSE);
  /* Right edge of the last kept label of each kind (beats, others). */
  double last_right[2] = { -G_MAXDOUBLE, -G_MAXDOUBLE };

  for (gsize i = 0; i < record->annotations->n_items; i++)
    {
      const EcgAnnotation *annotation = &record->annotations->items[i];
      double x = (double) annotation->sample / record->fs * pps - x_offset;
      if (x < 0.0 || x >= width)
        continue;

      gboolean is_beat = ecg_annotation_code_is_beat (annotation->code);
      const char *text = ecg_annotation_code_symbol (annotation->code);
      if (!is_beat && annotation->aux != NULL && annotation->aux[0] != '\0')
        text = annotation->aux;
      if (text == NULL)
        continue;

      PangoLayout *layout = is_beat ? beat_layout : other_layout;
      int text_width, text_height;
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);

      /* Beat symbols are centred on their beat; other labels (a rhythm, noise) start where
       * their episode starts. */
      int kind = is_beat ? 0 : 1;
      double left = is_beat ? x - text_width / 2.0 : x;
      if (left < last_right[kind] + ECG_LABEL_GAP_PX)
        continue;
      last_right[kind] = left + text_width;

      /* Beats in the lower half of the band, next to the traces; the rest in the upper half. */
      double centre_y = is_beat ? band * 0.75 : band * 0.25;
      EcgWaveformLabel label = {
        .sample = annotation->sample,
        .x = x,
        .left = left,
        .y = centre_y - text_height / 2.0 - y_offset,
        .width = text_width,
        .height = text_height,
        .code = annotation->code,
        .is_beat = is_beat,
        .text = text,
      };
      g_array_append_val (labels, label);
    }
  return labels;
}

/* ---- drawing ----------------------------------------------------------------------------- */

static void
set_source (cairo_t *cr, const GdkRGBA *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

/* 1 px lines on whole pixels: a line at position p fills column (or row) floor(p). */
static void
add_vertical_lines (cairo_t *cr, double spacing, int every, int skip_every, double offset,
                    double width, double height)
{
  gint64 first = (gint64) floor (offset / spacing);
  gint64 last = (gint64) ceil ((offset + width) / spacing);
  for (gint64 k = first; k <= last; k++)
    {
      if (k % every != 0 || (skip_every > 0 && k % skip_every == 0))
        continue;
      double x = floor (k * spacing - offset);
      if (x >= 0.0 && x < width)
        cairo_rectangle (cr, x, 0.0, 1.0, height);
    }
}

static void
add_horizontal_lines (cairo_t *cr, double spacing, int every, int skip_every, double offset,
                      double width, double height)
{
  gint64 first = (gint64) floor (offset / spacing);
  gint64 last = (gint64) ceil ((offset + height) / spacing);
  for (gint64 k = first; k <= last; k++)
    {
      if (k % every != 0 || (skip_every > 0 && k % skip_every == 0))
        continue;
      double y = floor (k * spacing - offset);
      if (y >= 0.0 && y < height)
        cairo_rectangle (cr, 0.0, y, width, 1.0);
    }
}

static void
draw_grid (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette, double width,
           double height)
{
  double px_per_mm = ecg_waveform_view_get_px_per_mm (self);
  double px_per_mm_x = ecg_waveform_view_get_px_per_mm_x (self);
  double x_offset = hscroll (self);
  double y_offset = vscroll (self);

  set_source (cr, &palette->paper);
  cairo_paint (cr);

  /* Vertical major lines every 5 mm (0.2 s) — or every 1 s, 5 s, 10 s when 5 mm gets too
   * narrow to tell lines apart. */
  static const int major_steps_mm[] = { 5, 25, 125, 250 };
  int major_every = major_steps_mm[G_N_ELEMENTS (major_steps_mm) - 1];
  for (gsize i = 0; i < G_N_ELEMENTS (major_steps_mm); i++)
    if (major_steps_mm[i] * px_per_mm_x >= ECG_MIN_MAJOR_SPACING_PX)
      {
        major_every = major_steps_mm[i];
        break;
      }

  if (MIN (px_per_mm, px_per_mm_x) >= ECG_PAPER_MIN_MINOR_PX_PER_MM)
    {
      add_vertical_lines (cr, px_per_mm_x, 1, 5, x_offset, width, height);
      add_horizontal_lines (cr, px_per_mm, 1, 5, y_offset, width, height);
      set_source (cr, &palette->minor_line);
      cairo_fill (cr);
    }

  add_vertical_lines (cr, px_per_mm_x, major_every, 0, x_offset, width, height);
  add_horizontal_lines (cr, px_per_mm, 5, 0, y_offset, width, height);
  set_source (cr, &palette->major_line);
  cairo_fill (cr);
}

/* Draws one lead. When a pixel column covers more than one sample, the column is drawn as a
 * vertical stroke from the minimum to the maximum of its samples (entered from the end nearer
 * to the previous column), so that no spike is lost however far the view is zoomed out;
 * otherwise consecutive samples are joined by straight segments. NaN samples (missing data)
 * lift the pen. */
static void
draw_lead (EcgWaveformView *self, cairo_t *cr, const EcgLead *lead, double baseline,
           double width)
{
  const EcgRecord *record = self->record;
  double pps = px_per_second (self);
  double samples_per_px = record->fs / pps;
  double px_per_unit = mm_per_unit (lead) * ecg_waveform_view_get_px_per_mm (self);
  double x_offset = hscroll (self);
  gint64 n = record->n_samples;
  gboolean pen_down = FALSE;
  double previous_y = baseline;

  if (samples_per_px > 1.0)
    {
      for (int column = 0; column < (int) ceil (width); column++)
        {
          /* Samples whose x lies in [column, column + 1). */
          gint64 s0 = (gint64) ceil ((x_offset + column) * samples_per_px);
          gint64 s1 = (gint64) ceil ((x_offset + column + 1) * samples_per_px);
          s0 = CLAMP (s0, 0, n);
          s1 = CLAMP (s1, 0, n);
          float low = INFINITY, high = -INFINITY;
          for (gint64 s = s0; s < s1; s++)
            {
              float v = lead->samples[s];
              if (isnan (v))
                continue;
              low = MIN (low, v);
              high = MAX (high, v);
            }
          if (!(low <= high))
            {
              pen_down = FALSE;
              continue;
            }
          double x = column + 0.5;
          double y_high = baseline - high * px_per_unit;
          double y_low = baseline - low * px_per_unit;
          double y_first = fabs (previous_y - y_high) < fabs (previous_y - y_low) ? y_high : y_low;
          double y_second = y_first == y_high ? y_low : y_high;
          if (pen_down)
            cairo_line_to (cr, x, y_first);
          else
            cairo_move_to (cr, x, y_first);
          cairo_line_to (cr, x, y_second);
          previous_y = y_second;
          pen_down = TRUE;
        }
    }
  else
    {
      gint64 first = (gint64) floor (x_offset * samples_per_px) - 1;
      gint64 last = (gint64) ceil ((x_offset + width) * samples_per_px) + 1;
      first = CLAMP (first, 0, n);
      last = CLAMP (last, 0, n - 1);
      for (gint64 s = first; s <= last && s < n; s++)
        {
          float v = lead->samples[s];
          if (isnan (v))
            {
              pen_down = FALSE;
              continue;
            }
          double x = (double) s / samples_per_px - x_offset;
          double y = baseline - v * px_per_unit;
          if (pen_down)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          pen_down = TRUE;
        }
    }
}

static void
draw_traces (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette, double width,
             double height)
{
  const EcgRecord *record = self->record;
  double y_offset = vscroll (self);

  cairo_set_line_width (cr, ECG_TRACE_WIDTH_PX);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < record->n_leads; i++)
    {
      double top, row_height, baseline;
      row_geometry (self, i, &top, &row_height, &baseline);
      if (top - y_offset > height || top + row_height - y_offset < 0.0)
        continue;
      /* A lead stays in its row: a large artefact must not hide its neighbours. */
      cairo_save (cr);
      cairo_rectangle (cr, 0.0, top - y_offset, width, row_height);
      cairo_clip (cr);
      draw_lead (self, cr, &record->leads[i], baseline - y_offset, width);
      set_source (cr, &palette->trace);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

static void
draw_text_plate (cairo_t *cr, const EcgPaperPalette *palette, double x, double y, double w,
                 double h)
{
  double r = 4.0;
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, palette->paper.red, palette->paper.green, palette->paper.blue,
                         0.88);
  cairo_fill (cr);
}

static void
draw_lead_names (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette)
{
  const EcgRecord *record = self->record;
  double y_offset = vscroll (self);
  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);

  for (int i = 0; i < record->n_leads; i++)
    {
      double top, row_height, baseline;
      row_geometry (self, i, &top, &row_height, &baseline);
      const char *name = record->leads[i].name;
      g_autofree char *fallback = NULL;
      if (name == NULL || name[0] == '\0')
        name = fallback = g_strdup_printf (_("Lead %d"), i + 1);

      int w, h;
      pango_layout_set_text (layout, name, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      double x = 8.0, y = top - y_offset + 6.0;
      draw_text_plate (cr, palette, x - 5.0, y - 2.0, w + 10.0, h + 4.0);
      set_source (cr, &palette->lead_label);
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
draw_labels (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette)
{
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_labels (self);
  g_autoptr (PangoLayout) beat_layout = create_label_layout (self, TRUE);
  g_autoptr (PangoLayout) other_layout = create_label_layout (self, FALSE);

  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformLabel *label = &g_array_index (labels, EcgWaveformLabel, i);
      PangoLayout *layout = label->is_beat ? beat_layout : other_layout;
      pango_layout_set_text (layout, label->text, -1);
      set_source (cr, label->is_beat ? &palette->beat_label : &palette->other_label);
      cairo_move_to (cr, label->left, label->y);
      pango_cairo_show_layout (cr, layout);
      if (!label->is_beat)
        {
          /* A short tick marks the onset of the episode. */
          cairo_rectangle (cr, floor (label->x), label->y + label->height, 1.0,
                           band_height (self) * 0.25);
          cairo_fill (cr);
        }
    }
}

/* The calibration in the bottom-right corner, so that every screenshot carries its scale.
 * Returns the left edge of its plate. */
static double
draw_caption (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette,
              double width, double height)
{
  g_autoptr (PangoLayout) layout = create_label_layout (self, FALSE);
  g_autofree char *speed = g_strdup_printf ("%g", ecg_waveform_view_get_paper_speed (self));
  /* Translators: the paper speed and gain of the ECG paper, e.g. "25 mm/s · 10 mm/mV". */
  g_autofree char *text = g_strdup_printf (_("%s mm/s · %g mm/mV"), speed,
                                           ECG_PAPER_GAIN_MM_PER_MV);
  int w, h;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  double x = width - w - 12.0, y = height - h - 8.0;
  draw_text_plate (cr, palette, x - 6.0, y - 2.0, w + 12.0, h + 4.0);
  set_source (cr, &palette->other_label);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return x - 6.0;
}

/* "0:05", "1:02:03", or "0:05.2" when the step is below a second. Returns an owned string. */
static char *
format_time (double seconds, gboolean tenths)
{
  gint64 tenths_total = (gint64) floor (seconds * 10.0 + 0.5);
  gint64 whole = tenths_total / 10;
  int minutes = (int) (whole / 60 % 60);
  int secs = (int) (whole % 60);
  g_autofree char *fraction = tenths ? g_strdup_printf (".%d", (int) (tenths_total % 10))
                                     : g_strdup ("");
  if (whole >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d%s", whole / 3600, minutes, secs,
                            fraction);
  return g_strdup_printf ("%d:%02d%s", minutes, secs, fraction);
}

/* Record time along the bottom edge, right of the grid line it names, at a round step that
 * leaves room for the text; labels that would run into the calibration caption are left out. */
static void
draw_time_labels (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette,
                  double width, double height, double caption_left)
{
  static const double steps[] = { 0.2, 0.4, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600 };
  double pps = px_per_second (self);
  double step = steps[G_N_ELEMENTS (steps) - 1];
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * pps >= 80.0)
      {
        step = steps[i];
        break;
      }

  g_autoptr (PangoLayout) layout = create_label_layout (self, FALSE);
  double x_offset = hscroll (self);
  double duration = record_duration (self);
  gint64 first = (gint64) floor (x_offset / pps / step);
  gint64 last = (gint64) ceil ((x_offset + width) / pps / step);
  for (gint64 k = MAX (first, 0); k <= last && k * step <= duration; k++)
    {
      g_autofree char *text = format_time (k * step, step < 1.0);
      int w, h;
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      double x = floor (k * step * pps - x_offset) + 4.0, y = height - h - 8.0;
      if (x < 0.0 || x + w + 4.0 > caption_left)
        continue;
      draw_text_plate (cr, palette, x - 3.0, y - 2.0, w + 6.0, h + 4.0);
      set_source (cr, &palette->other_label);
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
}

/* A light foreground colour means the theme is dark. */
static gboolean
theme_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

static void
ecg_waveform_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  const EcgPaperPalette *palette
    = ecg_waveform_view_get_palette (self->dark_paper || theme_is_dark (widget));
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  draw_grid (self, cr, palette, width, height);
  if (self->record != NULL && self->record->fs > 0.0)
    {
      draw_traces (self, cr, palette, width, height);
      draw_labels (self, cr, palette);
      draw_lead_names (self, cr, palette);
    }
  double caption_left = draw_caption (self, cr, palette, width, height);
  if (self->record != NULL && self->record->fs > 0.0)
    draw_time_labels (self, cr, palette, width, height, caption_left);
  cairo_destroy (cr);
}

/* ---- GtkWidget --------------------------------------------------------------------------- */

static void
ecg_waveform_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  /* The content size reaches the scrolled window through the adjustments. */
  *minimum = 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 480;
}

static void
ecg_waveform_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  configure_adjustments (ECG_WAVEFORM_VIEW (widget));
}

/* ---- record and properties --------------------------------------------------------------- */

void
ecg_waveform_view_set_record (EcgWaveformView *self, EcgRecord *record)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  if (record == self->record)
    return;
  g_clear_pointer (&self->record, ecg_record_free);
  self->record = record;

  g_autofree char *description
    = record != NULL ? g_strdup_printf (_("ECG of record %s"), record->name)
                     : g_strdup (_("No record"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);

  if (self->hadjustment != NULL)
    gtk_adjustment_set_value (self->hadjustment, 0.0);
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0.0);
  configure_adjustments (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const EcgRecord *
ecg_waveform_view_get_record (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  return self->record;
}

void
ecg_waveform_view_set_screen_dpi (EcgWaveformView *self, double screen_dpi)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  screen_dpi = CLAMP (screen_dpi, 40.0, 600.0);
  if (screen_dpi == self->screen_dpi)
    return;
  double left_seconds = hscroll (self) / px_per_second (self);
  self->screen_dpi = screen_dpi;
  configure_adjustments (self);
  ecg_waveform_view_scroll_to_time (self, left_seconds);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREEN_DPI]);
}

double
ecg_waveform_view_get_screen_dpi (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), 96.0);
  return self->screen_dpi;
}

void
ecg_waveform_view_set_dark_paper (EcgWaveformView *self, gboolean dark_paper)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  dark_paper = !!dark_paper;
  if (dark_paper == self->dark_paper)
    return;
  self->dark_paper = dark_paper;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DARK_PAPER]);
}

gboolean
ecg_waveform_view_get_dark_paper (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), FALSE);
  return self->dark_paper;
}

EcgWaveformView *
ecg_waveform_view_new (void)
{
  return g_object_new (ECG_TYPE_WAVEFORM_VIEW, NULL);
}

static void
ecg_waveform_view_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (object);

  switch (prop_id)
    {
    case PROP_SCREEN_DPI:
      g_value_set_double (value, self->screen_dpi);
      break;
    case PROP_DARK_PAPER:
      g_value_set_boolean (value, self->dark_paper);
      break;
    case PROP_TIME_ZOOM:
      g_value_set_double (value, self->time_zoom);
      break;
    case PROP_PAPER_SPEED:
      g_value_set_double (value, ecg_waveform_view_get_paper_speed (self));
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_waveform_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (object);

  switch (prop_id)
    {
    case PROP_SCREEN_DPI:
      ecg_waveform_view_set_screen_dpi (self, g_value_get_double (value));
      break;
    case PROP_DARK_PAPER:
      ecg_waveform_view_set_dark_paper (self, g_value_get_boolean (value));
      break;
    case PROP_TIME_ZOOM:
      ecg_waveform_view_set_time_zoom (self, g_value_get_double (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_waveform_view_dispose (GObject *object)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (object);

  g_clear_pointer (&self->record, ecg_record_free);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (ecg_waveform_view_parent_class)->dispose (object);
}

static void
add_binding (GtkWidgetClass *widget_class, guint key, GdkModifierType mods, const char *action,
             int direction)
{
  if (direction != 0)
    gtk_widget_class_add_binding_action (widget_class, key, mods, action, "i", direction);
  else
    gtk_widget_class_add_binding_action (widget_class, key, mods, action, NULL);
}

static void
ecg_waveform_view_class_init (EcgWaveformViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_waveform_view_dispose;
  object_class->get_property = ecg_waveform_view_get_property;
  object_class->set_property = ecg_waveform_view_set_property;

  widget_class->snapshot = ecg_waveform_view_snapshot;
  widget_class->measure = ecg_waveform_view_measure;
  widget_class->size_allocate = ecg_waveform_view_size_allocate;

  properties[PROP_SCREEN_DPI]
    = g_param_spec_double ("screen-dpi", NULL, NULL, 40.0, 600.0, 96.0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DARK_PAPER]
    = g_param_spec_boolean ("dark-paper", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                              | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_ZOOM]
    = g_param_spec_double ("time-zoom", NULL, NULL, ECG_MIN_TIME_ZOOM, ECG_MAX_TIME_ZOOM, 1.0,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAPER_SPEED]
    = g_param_spec_double ("paper-speed", NULL, NULL, 0.0, G_MAXDOUBLE,
                           ECG_PAPER_SPEED_MM_PER_S, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_install_action (widget_class, "waveform.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "waveform.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "waveform.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "waveform.scroll-step", "i", action_scroll);
  gtk_widget_class_install_action (widget_class, "waveform.scroll-page", "i", action_scroll);
  gtk_widget_class_install_action (widget_class, "waveform.scroll-to-start", NULL,
                                   action_scroll);
  gtk_widget_class_install_action (widget_class, "waveform.scroll-to-end", NULL, action_scroll);

  add_binding (widget_class, GDK_KEY_plus, 0, "waveform.zoom-in", 0);
  add_binding (widget_class, GDK_KEY_equal, 0, "waveform.zoom-in", 0);
  add_binding (widget_class, GDK_KEY_KP_Add, 0, "waveform.zoom-in", 0);
  add_binding (widget_class, GDK_KEY_minus, 0, "waveform.zoom-out", 0);
  add_binding (widget_class, GDK_KEY_KP_Subtract, 0, "waveform.zoom-out", 0);
  add_binding (widget_class, GDK_KEY_0, 0, "waveform.zoom-reset", 0);
  add_binding (widget_class, GDK_KEY_KP_0, 0, "waveform.zoom-reset", 0);
  add_binding (widget_class, GDK_KEY_Left, 0, "waveform.scroll-step", -1);
  add_binding (widget_class, GDK_KEY_KP_Left, 0, "waveform.scroll-step", -1);
  add_binding (widget_class, GDK_KEY_Right, 0, "waveform.scroll-step", 1);
  add_binding (widget_class, GDK_KEY_KP_Right, 0, "waveform.scroll-step", 1);
  add_binding (widget_class, GDK_KEY_Page_Up, 0, "waveform.scroll-page", -1);
  add_binding (widget_class, GDK_KEY_Page_Down, 0, "waveform.scroll-page", 1);
  add_binding (widget_class, GDK_KEY_Home, 0, "waveform.scroll-to-start", 0);
  add_binding (widget_class, GDK_KEY_End, 0, "waveform.scroll-to-end", 0);

  gtk_widget_class_set_css_name (widget_class, "waveformview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ecg_waveform_view_init (EcgWaveformView *self)
{
  self->screen_dpi = 96.0;
  self->time_zoom = 1.0;
  self->hscroll_policy = GTK_SCROLL_MINIMUM;
  self->vscroll_policy = GTK_SCROLL_MINIMUM;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  GtkEventController *scroll
    = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  update_action_state (self);
}
