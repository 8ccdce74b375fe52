/* ecg-waveform-view.c — a record drawn on calibrated ECG paper (see the header for the
 * geometry). Drawing is Cairo inside gtk_snapshot_append_cairo(); only the visible time span
 * is drawn, with min/max decimation when a pixel column holds more than one sample. */
#include "ecg-waveform-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ecg-go-to-popover.h"
#include "signal/ecg-minmax-pyramid.h"

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

  /* Model predictions (see "model predictions" below). */
  EcgRecordPredictions *predictions;
  int selected_beat;
  GtkWidget *scores_popover;

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

  /* Tools (see "tools" below). */
  EcgLeadLayout lead_layout;
  gboolean remove_baseline;
  EcgMainsNotch mains_notch;
  EcgDisplaySignal *display;       /* the drawn copy of the record; NULL until built */
  GCancellable *display_cancellable;
  struct _SharedRecord *shared_record; /* the record, shared with display jobs reading it */
  gboolean display_pending;
  EcgCalipers calipers;
  gboolean caliper_dragging;
  GtkWidget *go_to_popover;
  GtkWidget *tools_menu;
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

/* Rows of the lead layout: one per lead when stacked, 4 in the 12-lead layout. */
static int
n_rows (EcgWaveformView *self)
{
  return ecg_lead_layout_get_n_rows (self->lead_layout, self->record);
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

/* Row `row` in content coordinates: its top, height and baseline (snapped to a major line). */
static void
row_geometry (EcgWaveformView *self, int row, double *top, double *height, double *baseline)
{
  double band = band_height (self);
  double row_height = (content_height (self) - band) / n_rows (self);
  double major = 5.0 * ecg_waveform_view_get_px_per_mm (self);
  double centre = band + (row + 0.5) * row_height;

  *top = band + row * row_height;
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

/* Labels laid out once per text for one draw (text → PangoLayout): beat symbols repeat, and
 * shaping the same letter hundreds of times is most of what drawing labels costs. */
static GHashTable *
label_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static PangoLayout *
label_cache_get (GHashTable *cache, EcgWaveformView *self, gboolean is_beat, const char *text)
{
  PangoLayout *layout = g_hash_table_lookup (cache, text);
  if (layout == NULL)
    {
      layout = create_label_layout (self, is_beat);
      pango_layout_set_text (layout, text, -1);
      g_hash_table_insert (cache, g_strdup (text), layout);
    }
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
  /* One cache per kind: beats and other labels are set in different styles. */
  g_autoptr (GHashTable) beat_cache = label_cache_new ();
  g_autoptr (GHashTable) other_cache = label_cache_new ();
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

      PangoLayout *layout
        = label_cache_get (is_beat ? beat_cache : other_cache, self, is_beat, text);
      int text_width, text_height;
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

/* 1 px lines on whole pixels: a line at position p fills column (or row) floor(p). Marks the
 * lines k * spacing - offset (k a multiple of `every`, not of `skip_every`) that fall on
 * [0, n) with `kind` in `kinds` (one byte per column or row), keeping a higher kind. */
static void
mark_lines (guint8 *kinds, int n, double spacing, int every, int skip_every, double offset,
            guint8 kind)
{
  gint64 first = (gint64) floor (offset / spacing);
  gint64 last = (gint64) ceil ((offset + n) / spacing);
  for (gint64 k = first; k <= last; k++)
    {
      if (k % every != 0 || (skip_every > 0 && k % skip_every == 0))
        continue;
      double position = floor (k * spacing - offset);
      if (position >= 0.0 && position < n)
        kinds[(int) position] = MAX (kinds[(int) position], kind);
    }
}

static guint32
opaque_pixel (const GdkRGBA *color)
{
  return 0xff000000u | (guint32) lround (color->red * 255.0) << 16
         | (guint32) lround (color->green * 255.0) << 8 | (guint32) lround (color->blue * 255.0);
}

/* A one-pixel-high image of `w` pixels, repeated downwards when used as a source. */
static cairo_pattern_t *
create_line_pattern (const guint32 *pixels, int w)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, 1);
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  if (data != NULL)
    memcpy (data, pixels, (gsize) w * sizeof (guint32));
  cairo_surface_mark_dirty (surface);
  cairo_pattern_t *pattern = cairo_pattern_create_for_surface (surface);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_surface_destroy (surface);
  return pattern;
}

/* Each pixel column and row has a kind (0 paper, 1 minor line, 2 major line) and a pixel
 * shows the higher kind of its column and its row. Painted as three one-row images: the
 * columns' kinds over the whole view, the columns' kinds raised to "minor" on the minor rows,
 * then the major rows in one colour. (Filling hundreds of crossing line rectangles with Cairo
 * cost several milliseconds a frame, and a full-size image a large allocation per frame.) */
static void
draw_grid (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette, double width,
           double height)
{
  double px_per_mm = ecg_waveform_view_get_px_per_mm (self);
  double px_per_mm_x = ecg_waveform_view_get_px_per_mm_x (self);
  double x_offset = hscroll (self);
  double y_offset = vscroll (self);
  int w = (int) ceil (width), h = (int) ceil (height);
  if (w <= 0 || h <= 0)
    return;

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

  g_autofree guint8 *column_kinds = g_new0 (guint8, w);
  g_autofree guint8 *row_kinds = g_new0 (guint8, h);
  if (MIN (px_per_mm, px_per_mm_x) >= ECG_PAPER_MIN_MINOR_PX_PER_MM)
    {
      mark_lines (column_kinds, w, px_per_mm_x, 1, 5, x_offset, 1);
      mark_lines (row_kinds, h, px_per_mm, 1, 5, y_offset, 1);
    }
  mark_lines (column_kinds, w, px_per_mm_x, major_every, 0, x_offset, 2);
  mark_lines (row_kinds, h, px_per_mm, 5, 0, y_offset, 2);

  guint32 colors[3] = { opaque_pixel (&palette->paper), opaque_pixel (&palette->minor_line),
                        opaque_pixel (&palette->major_line) };
  g_autofree guint32 *line = g_new (guint32, w);
  cairo_save (cr);
  for (int kind = 0; kind < 3; kind++)
    {
      if (kind > 0)
        {
          /* The rows of this kind; none of "minor" when minor lines are hidden. */
          for (int y = 0; y < h; y++)
            if (row_kinds[y] == kind)
              cairo_rectangle (cr, 0.0, y, w, 1.0);
          if (kind == 2)
            {
              set_source (cr, &palette->major_line);
              cairo_fill (cr);
              break;
            }
        }
      for (int x = 0; x < w; x++)
        line[x] = colors[MAX (column_kinds[x], kind)];
      cairo_pattern_t *pattern = create_line_pattern (line, w);
      cairo_set_source (cr, pattern);
      if (kind == 0)
        cairo_paint (cr);
      else
        cairo_fill (cr);
      cairo_pattern_destroy (pattern);
    }
  cairo_restore (cr);
}

/* ---- tools: the drawn data (the rest of the tools region is below) ---- */

/* From this many samples per pixel column on, columns are read from the min/max pyramid. */
#define ECG_PYRAMID_MIN_SAMPLES 32
/* The samples the view draws for `lead`: the filtered display copy once it is built, the
 * record's own samples until then. */
static const float *
lead_samples (EcgWaveformView *self, int lead)
{
  if (self->display != NULL && lead < self->display->n_leads)
    return self->display->samples[lead];
  return self->record->leads[lead].samples;
}

static const EcgMinMaxPyramid *
lead_pyramid (EcgWaveformView *self, int lead)
{
  if (self->display != NULL && lead < self->display->n_leads)
    return self->display->pyramids[lead];
  return NULL;
}

/* The segments of `row` in the visible time span. Returns an owned array. */
static GArray *
visible_segments (EcgWaveformView *self, int row, double width)
{
  double pps = px_per_second (self);
  double x_offset = hscroll (self);
  return ecg_lead_layout_get_segments (self->lead_layout, self->record, row, x_offset / pps,
                                       (x_offset + width) / pps);
}

/* A row's trace as one vertical span per pixel column, [top, bottom) in widget y (top NaN:
 * nothing in that column). The spans are then painted through an 8-bit coverage mask just
 * large enough to hold them: stroking a trace of thousands of segments with Cairo costs tens
 * of milliseconds, filling coverage column by column well under one. */
typedef struct
{
  double *top;
  double *bottom;
  int n_columns;
} TraceSpans;

/* Widens the span of `column` to cover [top, bottom). */
static void
spans_add (TraceSpans *spans, int column, double top, double bottom)
{
  if (isnan (spans->top[column]))
    {
      spans->top[column] = top;
      spans->bottom[column] = bottom;
      return;
    }
  spans->top[column] = MIN (spans->top[column], top);
  spans->bottom[column] = MAX (spans->bottom[column], bottom);
}

/* The trace at sample position `p`: linear between the samples around it; NaN when one of
 * them is missing (NaN) or outside the record. */
static double
trace_at (const float *samples, gint64 n, double p)
{
  gint64 a = (gint64) floor (p);
  if (a < 0 || a >= n)
    return NAN;
  if (a == n - 1 || p == (double) a)
    return p == (double) a ? samples[a] : NAN;
  return samples[a] + (samples[a + 1] - samples[a]) * (p - (double) a);
}

/* Lays out one lead over pixel columns [column_from, column_to), `baseline` being its 0 level
 * in widget y. The trace is the polyline through the samples; each column is covered from the
 * lowest to the highest point of the polyline over the column's width (its values at the
 * column's two edges and every sample inside), widened by half the trace width up and down.
 * Joined samples (zoomed in) and min/max decimation (zoomed out: no spike is lost) are one
 * rule; the minimum and maximum of many samples come from the min/max pyramid
 * (ecg-minmax-pyramid.h), of a few from a scan. NaN samples (gaps) are skipped, and a column
 * with no number left stays empty. */
static void
draw_lead (EcgWaveformView *self, TraceSpans *spans, int lead_index, double baseline,
           int column_from, int column_to)
{
  const EcgRecord *record = self->record;
  const float *samples = lead_samples (self, lead_index);
  const EcgMinMaxPyramid *pyramid = lead_pyramid (self, lead_index);
  double samples_per_px = record->fs / px_per_second (self);
  double px_per_unit
    = mm_per_unit (&record->leads[lead_index]) * ecg_waveform_view_get_px_per_mm (self);
  double half_width = ECG_TRACE_WIDTH_PX / 2.0;
  double x_offset = hscroll (self);
  gint64 n = record->n_samples;
  gboolean use_pyramid = pyramid != NULL && samples_per_px >= ECG_PYRAMID_MIN_SAMPLES;

  for (int column = column_from; column < column_to; column++)
    {
      /* Sample positions of the column's edges; the samples strictly between them. */
      double p0 = (x_offset + column) * samples_per_px;
      double p1 = (x_offset + column + 1) * samples_per_px;
      gint64 s0 = CLAMP ((gint64) floor (p0) + 1, 0, n);
      gint64 s1 = CLAMP ((gint64) ceil (p1), 0, n);
      float low = INFINITY, high = -INFINITY;
      if (use_pyramid)
        ecg_minmax_pyramid_query (pyramid, s0, s1, &low, &high);
      else
        for (gint64 s = s0; s < s1; s++)
          {
            float v = samples[s];
            if (isnan (v))
              continue;
            low = MIN (low, v);
            high = MAX (high, v);
          }
      double edges[2] = { trace_at (samples, n, p0), trace_at (samples, n, p1) };
      for (int e = 0; e < 2; e++)
        if (!isnan (edges[e]))
          {
            low = MIN (low, (float) edges[e]);
            high = MAX (high, (float) edges[e]);
          }
      if (!(low <= high))
        continue;
      spans_add (spans, column, baseline - high * px_per_unit - half_width,
                 baseline - low * px_per_unit + half_width);
    }
}

/* Paints the spans of one row, cut to [clip_top, clip_bottom), in the current source. The
 * end pixels of a span get its fractional coverage. */
static void
paint_spans (cairo_t *cr, const TraceSpans *spans, double clip_top, double clip_bottom)
{
  int first = -1, last = -1;
  double top = G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
  for (int c = 0; c < spans->n_columns; c++)
    {
      if (isnan (spans->top[c]))
        continue;
      spans->top[c] = MAX (spans->top[c], clip_top);
      spans->bottom[c] = MIN (spans->bottom[c], clip_bottom);
      if (!(spans->top[c] < spans->bottom[c]))
        {
          spans->top[c] = NAN;
          continue;
        }
      if (first < 0)
        first = c;
      last = c;
      top = MIN (top, spans->top[c]);
      bottom = MAX (bottom, spans->bottom[c]);
    }
  if (first < 0)
    return;

  int mask_top = (int) floor (top);
  int mask_width = last - first + 1, mask_height = (int) ceil (bottom) - mask_top;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, mask_width,
                                                         mask_height);
  cairo_surface_flush (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  for (int c = first; data != NULL && c <= last; c++)
    {
      if (isnan (spans->top[c]))
        continue;
      double t = spans->top[c] - mask_top, b = spans->bottom[c] - mask_top;
      int y0 = (int) floor (t), y1 = (int) ceil (b) - 1;
      guint8 *p = data + (gsize) y0 * stride + (c - first);
      for (int y = y0; y <= y1; y++, p += stride)
        {
          double cover = (y == y0 || y == y1) ? MIN (b, y + 1.0) - MAX (t, (double) y) : 1.0;
          *p = (guint8) (CLAMP (cover, 0.0, 1.0) * 255.0 + 0.5);
        }
    }
  cairo_surface_mark_dirty (surface);
  cairo_mask_surface (cr, surface, first, mask_top);
  cairo_surface_destroy (surface);
}

/* Each row draws the segments of the lead layout (one segment per row when stacked; 2.5 s
 * columns of changing leads in the 12-lead layout, with a short bar where the lead changes).
 * A lead stays in its row: a large artefact does not hide its neighbours. A pixel column
 * belongs to the segment holding its centre. */
static void
draw_traces (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette, double width,
             double height)
{
  double y_offset = vscroll (self);
  double x_offset = hscroll (self);
  double pps = px_per_second (self);
  double px_per_mm = ecg_waveform_view_get_px_per_mm (self);
  int n_columns = (int) ceil (width);
  if (n_columns <= 0)
    return;
  g_autofree double *tops = g_new (double, n_columns);
  g_autofree double *bottoms = g_new (double, n_columns);
  TraceSpans spans = { tops, bottoms, n_columns };

  set_source (cr, &palette->trace);
  for (int row = 0; row < n_rows (self); row++)
    {
      double top, row_height, baseline;
      row_geometry (self, row, &top, &row_height, &baseline);
      double clip_top = MAX (top - y_offset, 0.0);
      double clip_bottom = MIN (top + row_height - y_offset, height);
      if (!(clip_top < clip_bottom))
        continue;

      for (int c = 0; c < n_columns; c++)
        tops[c] = NAN;
      g_autoptr (GArray) segments = visible_segments (self, row, width);
      for (guint k = 0; k < segments->len; k++)
        {
          const EcgLeadSegment *segment = &g_array_index (segments, EcgLeadSegment, k);
          double x0 = segment->from_s * pps - x_offset;
          double x1 = segment->to_s * pps - x_offset;
          if (x0 > 0.0 && k > 0)
            {
              cairo_rectangle (cr, floor (x0), baseline - y_offset - 4.0 * px_per_mm, 1.0,
                               8.0 * px_per_mm);
              cairo_fill (cr);
            }
          if (segment->lead < 0)
            continue;
          int column_from = CLAMP ((int) ceil (x0 - 0.5), 0, n_columns);
          int column_to = CLAMP ((int) ceil (x1 - 0.5), 0, n_columns);
          draw_lead (self, &spans, segment->lead, baseline - y_offset, column_from, column_to);
        }
      paint_spans (cr, &spans, clip_top, clip_bottom);
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
  g_autoptr (GArray) labels = ecg_waveform_view_get_lead_labels (self);
  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);

  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformLeadLabel *label = &g_array_index (labels, EcgWaveformLeadLabel, i);
      pango_layout_set_text (layout, label->name, -1);
      draw_text_plate (cr, palette, label->x - 5.0, label->y - 2.0, label->width + 10.0,
                       label->height + 4.0);
      set_source (cr, label->lead >= 0 ? &palette->lead_label : &palette->other_label);
      cairo_move_to (cr, label->x, label->y);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
draw_labels (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette)
{
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_labels (self);
  g_autoptr (GHashTable) beat_cache = label_cache_new ();
  g_autoptr (GHashTable) other_cache = label_cache_new ();

  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformLabel *label = &g_array_index (labels, EcgWaveformLabel, i);
      PangoLayout *layout = label_cache_get (label->is_beat ? beat_cache : other_cache, self,
                                             label->is_beat, label->text);
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

/* ---- model predictions ------------------------------------------------------------------- */
/* Everything about predicted labels lives in this region; the widget's functions only call
 * predictions_draw / _record_changed / _size_allocate / _dispose / _class_init / _init. */

/* Gap between two prediction labels and padding of a label's box, in pixels. */
#define ECG_PREDICTION_GAP_PX 3.0
#define ECG_PREDICTION_PAD_PX 3.0
/* The mismatch marker: a filled triangle above the box, pointing up at the beat. */
#define ECG_PREDICTION_TRIANGLE_PX 7.0

enum
{
  SIGNAL_BEAT_ACTIVATED,
  N_PREDICTION_SIGNALS
};

static guint prediction_signals[N_PREDICTION_SIGNALS];

static const GdkRGBA match_light = RGB8 (0x1e, 0x7b, 0x34);
static const GdkRGBA match_dark = RGB8 (0x8f, 0xf0, 0xa4);
static const GdkRGBA mismatch_light = RGB8 (0xc6, 0x46, 0x00);
static const GdkRGBA mismatch_dark = RGB8 (0xff, 0xa3, 0x48);
static const GdkRGBA selection_color = { 0.21f, 0.52f, 0.89f, 0.22f };

const GdkRGBA *
ecg_waveform_view_get_match_color (gboolean dark)
{
  return dark ? &match_dark : &match_light;
}

const GdkRGBA *
ecg_waveform_view_get_mismatch_color (gboolean dark)
{
  return dark ? &mismatch_dark : &mismatch_light;
}

/* The row that carries the beat labels: in the stacked layout the row of the lead the beat
 * models read (EcgBeatSet's choice: MLII, else the first lead); in the 12-lead layout the
 * rhythm strip, the one row that runs through the whole record. */
static int
prediction_row (EcgWaveformView *self)
{
  if (self->lead_layout == ECG_LEAD_LAYOUT_STANDARD_12)
    return n_rows (self) - 1;
  int lead = ecg_record_find_lead (self->record, "MLII");
  return lead >= 0 ? lead : 0;
}

/* The text above a beat: its reference class, else its MIT symbol (a code outside the
 * model's classes), else a dash (a detected beat has no reference). */
static const char *
reference_text (const EcgRecordPredictions *p, gsize beat)
{
  if (p->reference[beat] >= 0)
    return p->classes[p->reference[beat]];
  const char *symbol = p->codes[beat] != 0 ? ecg_annotation_code_symbol (p->codes[beat]) : NULL;
  return symbol != NULL ? symbol : "–";
}

static const char *
predicted_text (const EcgRecordPredictions *p, gsize beat)
{
  return p->predicted[beat] >= 0 ? p->classes[p->predicted[beat]] : "–";
}

/* Marks columns [left, right] of `occupied` (one byte per pixel column of the view); FALSE
 * without marking when one of them is taken already. */
static gboolean
occupy_columns (guint8 *occupied, int n_columns, double left, double right)
{
  int first = MAX ((int) floor (left), 0), last = MIN ((int) ceil (right), n_columns - 1);
  for (int c = first; c <= last; c++)
    if (occupied[c])
      return FALSE;
  for (int c = first; c <= last; c++)
    occupied[c] = 1;
  return TRUE;
}

/* Label texts are a handful of class names and symbols: each is measured once per layout
 * pass, found again by its pointer. */
typedef struct
{
  const char *text;
  int width;
  int height;
} MeasuredText;

static void
measure_text (PangoLayout *layout, GArray *cache, const char *text, int *width, int *height)
{
  for (guint i = 0; i < cache->len; i++)
    {
      const MeasuredText *m = &g_array_index (cache, MeasuredText, i);
      if (m->text == text)
        {
          *width = m->width;
          *height = m->height;
          return;
        }
    }
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, width, height);
  MeasuredText m = { text, *width, *height };
  g_array_append_val (cache, m);
}

static int
compare_prediction_beats (gconstpointer a, gconstpointer b)
{
  guint beat_a = ((const EcgWaveformPrediction *) a)->beat;
  guint beat_b = ((const EcgWaveformPrediction *) b)->beat;
  return beat_a < beat_b ? -1 : beat_a > beat_b;
}

GArray *
ecg_waveform_view_get_visible_predictions (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);

  GArray *labels = g_array_new (FALSE, TRUE, sizeof (EcgWaveformPrediction));
  const EcgRecordPredictions *p = self->predictions;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  if (p == NULL || self->record == NULL || p->fs <= 0.0 || width <= 0.0)
    return labels;

  double pps = px_per_second (self);
  double x_offset = hscroll (self);
  double y_offset = vscroll (self);
  double px_per_mm = ecg_waveform_view_get_px_per_mm (self);
  double top, row_height, baseline;
  row_geometry (self, prediction_row (self), &top, &row_height, &baseline);
  /* Reference centred 2.5 mm below the row's top, prediction 4 mm above its bottom. */
  double reference_centre = top + 2.5 * px_per_mm - y_offset;
  double predicted_centre = top + row_height - 4.0 * px_per_mm - y_offset;

  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);
  g_autoptr (GArray) measured = g_array_new (FALSE, FALSE, sizeof (MeasuredText));
  int n_columns = (int) ceil (width) + 1;
  g_autofree guint8 *occupied = g_new0 (guint8, n_columns);

  /* First the wrong predictions, then the others where room is left: zoomed out, an error
   * is never hidden behind a right one. */
  for (int pass = 0; pass < 2; pass++)
    for (gsize i = 0; i < p->n_beats; i++)
      {
        gboolean mismatch = ecg_record_predictions_is_error (p, i);
        if (mismatch != (pass == 0))
          continue;
        double x = (double) p->samples[i] / p->fs * pps - x_offset;
        if (x < 0.0 || x >= width)
          continue;

        const char *ref = reference_text (p, i), *pred = predicted_text (p, i);
        int ref_w, ref_h, pred_w, pred_h;
        measure_text (layout, measured, ref, &ref_w, &ref_h);
        measure_text (layout, measured, pred, &pred_w, &pred_h);

        /* Every predicted label takes the room of a box, so spacing does not depend on
         * which beats are wrong. */
        double half = MAX (pred_w, ref_w) / 2.0 + ECG_PREDICTION_PAD_PX;
        if (!occupy_columns (occupied, n_columns, x - half - ECG_PREDICTION_GAP_PX / 2.0,
                             x + half + ECG_PREDICTION_GAP_PX / 2.0))
          continue;

        EcgWaveformPrediction label = {
          .beat = (guint) i,
          .sample = p->samples[i],
          .x = x,
          .mismatch = mismatch,
          .reference_text = ref,
          .predicted_text = pred,
        };
        graphene_rect_init (&label.reference, (float) (x - ref_w / 2.0),
                            (float) (reference_centre - ref_h / 2.0), (float) ref_w,
                            (float) ref_h);
        /* The box is whole pixels, so that its 2 px outline is drawn in solid colour. */
        double box_left = floor (x - pred_w / 2.0 - ECG_PREDICTION_PAD_PX);
        double box_top = floor (predicted_centre - pred_h / 2.0 - ECG_PREDICTION_PAD_PX / 2.0);
        graphene_rect_init (&label.predicted, (float) box_left, (float) box_top,
                            (float) ceil (pred_w + 2.0 * ECG_PREDICTION_PAD_PX),
                            (float) ceil (pred_h + ECG_PREDICTION_PAD_PX));
        g_array_append_val (labels, label);
      }
  g_array_sort (labels, compare_prediction_beats);
  return labels;
}

int
ecg_waveform_view_beat_at (EcgWaveformView *self, double x, double y)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), -1);
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (self);
  const graphene_point_t point = GRAPHENE_POINT_INIT ((float) x, (float) y);
  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, i);
      graphene_rect_t reference, predicted;
      /* A little slack around the text: a label is a small target. */
      graphene_rect_inset_r (&label->reference, -ECG_PREDICTION_PAD_PX, -ECG_PREDICTION_PAD_PX,
                             &reference);
      graphene_rect_inset_r (&label->predicted, -ECG_PREDICTION_PAD_PX,
                             -ECG_PREDICTION_TRIANGLE_PX - 1.0, &predicted);
      if (graphene_rect_contains_point (&reference, &point)
          || graphene_rect_contains_point (&predicted, &point))
        return (int) label->beat;
    }
  return -1;
}

static void
draw_selected_beat (EcgWaveformView *self, cairo_t *cr)
{
  const EcgRecordPredictions *p = self->predictions;
  if (self->selected_beat < 0 || (gsize) self->selected_beat >= p->n_beats)
    return;
  double pps = px_per_second (self);
  double x = (double) p->samples[self->selected_beat] / p->fs * pps - hscroll (self);
  double top, row_height, baseline;
  row_geometry (self, prediction_row (self), &top, &row_height, &baseline);
  /* 160 ms wide: about a QRS complex with its surroundings. */
  double half = MAX (0.08 * pps, 5.0);
  gdk_cairo_set_source_rgba (cr, &selection_color);
  cairo_rectangle (cr, x - half, top - vscroll (self), 2.0 * half, row_height);
  cairo_fill (cr);
}

static void
predictions_draw (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette)
{
  if (self->predictions == NULL || self->record == NULL)
    return;
  gboolean dark = palette == &dark_palette;
  const GdkRGBA *match = ecg_waveform_view_get_match_color (dark);
  const GdkRGBA *mismatch = ecg_waveform_view_get_mismatch_color (dark);
  const EcgRecordPredictions *p = self->predictions;

  cairo_save (cr);
  draw_selected_beat (self, cr);
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (self);
  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);
  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, i);
      gboolean has_reference = p->reference[label->beat] >= 0;

      pango_layout_set_text (layout, label->reference_text, -1);
      set_source (cr, has_reference ? &palette->beat_label : &palette->other_label);
      cairo_move_to (cr, label->reference.origin.x, label->reference.origin.y);
      pango_cairo_show_layout (cr, layout);

      const graphene_rect_t *box = &label->predicted;
      int text_w, text_h;
      pango_layout_set_text (layout, label->predicted_text, -1);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      double text_x = box->origin.x + (box->size.width - text_w) / 2.0;
      double text_y = box->origin.y + (box->size.height - text_h) / 2.0;
      if (label->mismatch)
        {
          /* Shape as well as colour: a plate, a 2 px outline and a triangle at the beat. */
          draw_text_plate (cr, palette, box->origin.x, box->origin.y, box->size.width,
                           box->size.height);
          gdk_cairo_set_source_rgba (cr, mismatch);
          cairo_set_line_width (cr, 2.0);
          cairo_rectangle (cr, box->origin.x + 1.0, box->origin.y + 1.0, box->size.width - 2.0,
                           box->size.height - 2.0);
          cairo_stroke (cr);
          double apex = box->origin.y - ECG_PREDICTION_TRIANGLE_PX - 1.0;
          cairo_move_to (cr, label->x, apex);
          cairo_line_to (cr, label->x + ECG_PREDICTION_TRIANGLE_PX / 2.0 + 1.0,
                         box->origin.y - 1.0);
          cairo_line_to (cr, label->x - ECG_PREDICTION_TRIANGLE_PX / 2.0 - 1.0,
                         box->origin.y - 1.0);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      else if (!has_reference || p->predicted[label->beat] < 0)
        set_source (cr, &palette->beat_label);
      else
        gdk_cairo_set_source_rgba (cr, match);
      cairo_move_to (cr, text_x, text_y);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

gboolean
ecg_waveform_view_set_predictions (EcgWaveformView *self,
                                   const EcgRecordPredictions *predictions)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), FALSE);
  gboolean fits = predictions != NULL && self->record != NULL
                  && g_strcmp0 (predictions->record_name, self->record->name) == 0
                  && predictions->fs == self->record->fs;
  g_clear_pointer (&self->predictions, ecg_record_predictions_free);
  self->selected_beat = -1;
  if (self->scores_popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->scores_popover));
  if (fits)
    self->predictions = ecg_record_predictions_copy (predictions);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.show-beat-scores", FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return fits || predictions == NULL;
}

const EcgRecordPredictions *
ecg_waveform_view_get_predictions (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  return self->predictions;
}

void
ecg_waveform_view_select_beat (EcgWaveformView *self, int beat)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  if (self->predictions == NULL || beat < 0 || (gsize) beat >= self->predictions->n_beats)
    beat = -1;
  self->selected_beat = beat;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.show-beat-scores", beat >= 0);
  if (beat >= 0 && self->hadjustment != NULL)
    {
      double seconds = (double) self->predictions->samples[beat] / self->predictions->fs;
      double width = gtk_widget_get_width (GTK_WIDGET (self));
      gtk_adjustment_set_value (self->hadjustment,
                                seconds * px_per_second (self) - width / 2.0);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
ecg_waveform_view_get_selected_beat (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), -1);
  return self->selected_beat;
}

GtkWidget *
ecg_waveform_view_get_scores_popover (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  return self->scores_popover;
}

/* "1:02.345": minutes and seconds to the millisecond. Returns an owned string. */
static char *
format_beat_time (double seconds)
{
  int minutes = (int) (seconds / 60.0);
  return g_strdup_printf ("%d:%06.3f", minutes, seconds - 60.0 * minutes);
}

/* The popover's content: a heading, the reference and predicted class, and one row per class
 * with its score as a bar and a percentage. */
static GtkWidget *
build_scores_content (const EcgRecordPredictions *p, guint beat)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *time = format_beat_time ((double) p->samples[beat] / p->fs);
  /* Translators: a beat's position in the record, e.g. "Beat 12 at 0:09.417". */
  g_autofree char *heading = g_strdup_printf (_("Beat %u at %s"), beat + 1, time);
  GtkWidget *title = gtk_label_new (heading);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_box_append (GTK_BOX (box), title);

  const char *ref = p->reference[beat] >= 0 ? p->classes[p->reference[beat]]
                    : p->detected           ? _("none (detected beat)")
                                            : reference_text (p, beat);
  /* Translators: the reference class and the model's class of a beat, e.g.
   * "Reference S · predicted N (CNN1D_3Class)". */
  g_autofree char *summary = g_strdup_printf (_("Reference %s · predicted %s (%s)"), ref,
                                              predicted_text (p, beat), p->model_name);
  GtkWidget *summary_label = gtk_label_new (summary);
  gtk_label_set_xalign (GTK_LABEL (summary_label), 0.0);
  gtk_box_append (GTK_BOX (box), summary_label);

  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (int c = 0; c < p->n_classes; c++)
    {
      double score = p->scores[beat * (gsize) p->n_classes + (gsize) c];
      GtkWidget *name = gtk_label_new (p->classes[c]);
      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      if (c == p->predicted[beat])
        gtk_widget_add_css_class (name, "heading");
      GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (score, 0.0, 1.0));
      gtk_widget_set_size_request (bar, 120, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * score);
      GtkWidget *value = gtk_label_new (percent);
      gtk_label_set_xalign (GTK_LABEL (value), 1.0);
      gtk_widget_add_css_class (value, "numeric");
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      p->classes[c], -1);
      gtk_grid_attach (GTK_GRID (grid), name, 0, c, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), bar, 1, c, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value, 2, c, 1, 1);
    }
  gtk_box_append (GTK_BOX (box), grid);
  return box;
}

void
ecg_waveform_view_show_beat_scores (EcgWaveformView *self, guint beat)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  const EcgRecordPredictions *p = self->predictions;
  if (p == NULL || beat >= p->n_beats)
    return;

  /* Keep the view where it is if the beat's label is on screen; otherwise bring it in. */
  int found = -1;
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (self);
  for (guint i = 0; i < labels->len; i++)
    if (g_array_index (labels, EcgWaveformPrediction, i).beat == beat)
      found = (int) i;
  if (found < 0)
    {
      ecg_waveform_view_select_beat (self, (int) beat);
      g_array_unref (labels);
      labels = ecg_waveform_view_get_visible_predictions (self);
      for (guint i = 0; i < labels->len; i++)
        if (g_array_index (labels, EcgWaveformPrediction, i).beat == beat)
          found = (int) i;
    }
  else
    {
      self->selected_beat = (int) beat;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.show-beat-scores", TRUE);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  GdkRectangle target = { (int) (gtk_widget_get_width (GTK_WIDGET (self)) / 2), 0, 1, 1 };
  if (found >= 0)
    {
      const graphene_rect_t *box = &g_array_index (labels, EcgWaveformPrediction,
                                                   (guint) found).predicted;
      target = (GdkRectangle) { (int) box->origin.x, (int) box->origin.y,
                                (int) ceil (box->size.width), (int) ceil (box->size.height) };
    }
  gtk_popover_set_child (GTK_POPOVER (self->scores_popover), build_scores_content (p, beat));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->scores_popover), &target);
  gtk_popover_popup (GTK_POPOVER (self->scores_popover));
}

static void
on_prediction_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                       EcgWaveformView *self)
{
  /* A click on a label is ours; anywhere else it is left to the other gestures. */
  if (ecg_waveform_view_beat_at (self, x, y) >= 0)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

static void
on_prediction_released (GtkGestureClick *gesture, int n_press, double x, double y,
                        EcgWaveformView *self)
{
  int beat = ecg_waveform_view_beat_at (self, x, y);
  if (beat < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  ecg_waveform_view_show_beat_scores (self, (guint) beat);
  g_signal_emit (self, prediction_signals[SIGNAL_BEAT_ACTIVATED], 0, (guint) beat);
}

static void
action_show_beat_scores (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  if (self->selected_beat < 0)
    return;
  ecg_waveform_view_show_beat_scores (self, (guint) self->selected_beat);
  g_signal_emit (self, prediction_signals[SIGNAL_BEAT_ACTIVATED], 0, (guint) self->selected_beat);
}

/* A new record: the old predictions were of another one. */
static void
predictions_record_changed (EcgWaveformView *self)
{
  ecg_waveform_view_set_predictions (self, NULL);
}

static void
predictions_size_allocate (EcgWaveformView *self)
{
  if (self->scores_popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->scores_popover));
}

static void
predictions_dispose (EcgWaveformView *self)
{
  g_clear_pointer (&self->scores_popover, gtk_widget_unparent);
  g_clear_pointer (&self->predictions, ecg_record_predictions_free);
}

static void
predictions_class_init (GtkWidgetClass *widget_class)
{
  prediction_signals[SIGNAL_BEAT_ACTIVATED]
    = g_signal_new ("beat-activated", G_TYPE_FROM_CLASS (widget_class), G_SIGNAL_RUN_LAST, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_install_action (widget_class, "waveform.show-beat-scores", NULL,
                                   action_show_beat_scores);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0,
                                       "waveform.show-beat-scores", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0,
                                       "waveform.show-beat-scores", NULL);
}

static void
predictions_init (EcgWaveformView *self)
{
  self->selected_beat = -1;
  self->scores_popover = gtk_popover_new ();
  gtk_widget_set_parent (self->scores_popover, GTK_WIDGET (self));
  gtk_popover_set_position (GTK_POPOVER (self->scores_popover), GTK_POS_BOTTOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.show-beat-scores", FALSE);

  GtkGesture *click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_prediction_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_prediction_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* ---- tools: go to time, calipers, display filters, lead layout, strip export -------------- */
/* Everything about these tools lives in this region; the widget's functions only call
 * tools_draw / _record_changed / _size_allocate / _dispose / _get_property / _set_property /
 * _class_init / _init, and the trace drawing reads the display copy through lead_samples(). */

/* Movement (px) after which a primary-button drag becomes a caliper measurement. */
#define ECG_CALIPER_DRAG_PX 6.0
/* Keyboard caliper steps: one small box in time (40 ms) and 0.1 mV (1 mm) in amplitude. */
#define ECG_CALIPER_STEP_S 0.04
#define ECG_CALIPER_STEP_MV 0.1
/* The longest strip exported from the stacked layout, in seconds (1.5 m of paper). */
#define ECG_STRIP_MAX_SECONDS 60.0

enum
{
  PROP_TOOLS_FIRST = 1000,
  PROP_REMOVE_BASELINE = PROP_TOOLS_FIRST,
  PROP_MAINS_NOTCH,
  PROP_LEAD_LAYOUT,
  PROP_DISPLAY_PENDING,
  PROP_TOOLS_END
};

static GParamSpec *tool_properties[PROP_TOOLS_END - PROP_TOOLS_FIRST];
#define TOOL_PSPEC(id) tool_properties[(id) - PROP_TOOLS_FIRST]

/* ---- display filters ---- */

/* The record a display job reads in its worker thread must outlive the job, even when the view
 * moves on to another record: the view and each job hold a reference (on the main thread
 * only), and the last one frees the record. */
typedef struct _SharedRecord
{
  int refs;
  EcgRecord *record;
} SharedRecord;

static SharedRecord *
shared_record_ref (SharedRecord *shared)
{
  shared->refs++;
  return shared;
}

static void
shared_record_unref (SharedRecord *shared)
{
  if (--shared->refs > 0)
    return;
  ecg_record_free (shared->record);
  g_free (shared);
}

/* The view lets go of `record` (set_record, dispose): freed now, or by the last display job
 * still reading it. */
static void
tools_release_record (EcgWaveformView *self, EcgRecord *record)
{
  if (self->shared_record != NULL && self->shared_record->record == record)
    g_clear_pointer (&self->shared_record, shared_record_unref);
  else if (record != NULL)
    ecg_record_free (record);
}

typedef struct
{
  EcgWaveformView *view;  /* a reference */
  SharedRecord *record;   /* a reference */
} DisplayJob;

static void
set_display_pending (EcgWaveformView *self, gboolean pending)
{
  if (self->display_pending == pending)
    return;
  self->display_pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), TOOL_PSPEC (PROP_DISPLAY_PENDING));
}

static void
display_built (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DisplayJob *job = user_data;
  g_autoptr (EcgWaveformView) self = job->view;
  shared_record_unref (job->record);
  g_free (job);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgDisplaySignal) display = ecg_display_signal_build_finish (result, &error);

  /* A build that was replaced (or the view disposed) is dropped. */
  if (g_task_get_cancellable (G_TASK (result)) != self->display_cancellable)
    return;
  g_clear_object (&self->display_cancellable);
  if (display == NULL)
    g_warning ("Display filters of record %s: %s",
               self->record != NULL ? self->record->name : "?", error->message);
  else
    {
      g_clear_pointer (&self->display, ecg_display_signal_free);
      self->display = g_steal_pointer (&display);
    }
  set_display_pending (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* (Re)builds the display copy in a worker thread; the previous copy is drawn meanwhile. */
static void
start_display_build (EcgWaveformView *self)
{
  if (self->display_cancellable != NULL)
    {
      g_cancellable_cancel (self->display_cancellable);
      g_clear_object (&self->display_cancellable);
    }
  if (self->record == NULL || !(self->record->fs > 0.0) || self->record->n_leads == 0)
    {
      set_display_pending (self, FALSE);
      return;
    }
  if (self->shared_record == NULL)
    {
      self->shared_record = g_new0 (SharedRecord, 1);
      self->shared_record->refs = 1;
      self->shared_record->record = self->record;
    }
  DisplayJob *job = g_new0 (DisplayJob, 1);
  job->view = g_object_ref (self);
  job->record = shared_record_ref (self->shared_record);
  self->display_cancellable = g_cancellable_new ();
  ecg_display_signal_build_async (self->record, self->remove_baseline, self->mains_notch,
                                  self->display_cancellable, display_built, job);
  set_display_pending (self, TRUE);
}

void
ecg_waveform_view_set_remove_baseline (EcgWaveformView *self, gboolean remove_baseline)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  remove_baseline = !!remove_baseline;
  if (remove_baseline == self->remove_baseline)
    return;
  self->remove_baseline = remove_baseline;
  start_display_build (self);
  g_object_notify_by_pspec (G_OBJECT (self), TOOL_PSPEC (PROP_REMOVE_BASELINE));
}

gboolean
ecg_waveform_view_get_remove_baseline (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), FALSE);
  return self->remove_baseline;
}

void
ecg_waveform_view_set_mains_notch (EcgWaveformView *self, EcgMainsNotch notch)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (notch == ECG_MAINS_NOTCH_OFF || notch == ECG_MAINS_NOTCH_50_HZ
                    || notch == ECG_MAINS_NOTCH_60_HZ);
  if (notch == self->mains_notch)
    return;
  self->mains_notch = notch;
  start_display_build (self);
  g_object_notify_by_pspec (G_OBJECT (self), TOOL_PSPEC (PROP_MAINS_NOTCH));
}

EcgMainsNotch
ecg_waveform_view_get_mains_notch (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), ECG_MAINS_NOTCH_OFF);
  return self->mains_notch;
}

gboolean
ecg_waveform_view_get_display_pending (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), FALSE);
  return self->display_pending;
}

/* What the drawn copy was filtered with, for captions; NULL when unfiltered. Owned string. */
static char *
describe_display_filters (EcgWaveformView *self)
{
  if (self->display == NULL)
    return NULL;
  g_autoptr (GStrvBuilder) parts = g_strv_builder_new ();
  if (self->display->baseline_removed)
    {
      /* Translators: a display filter named in the caption of an exported strip. */
      g_autofree char *text = g_strdup_printf (_("baseline filter %g Hz"),
                                               ECG_DISPLAY_BASELINE_CUTOFF_HZ);
      g_strv_builder_add (parts, text);
    }
  if (self->display->notch != ECG_MAINS_NOTCH_OFF)
    {
      /* Translators: a display filter named in the caption of an exported strip. */
      g_autofree char *text = g_strdup_printf (_("%d Hz notch"), (int) self->display->notch);
      g_strv_builder_add (parts, text);
    }
  g_auto (GStrv) strv = g_strv_builder_end (parts);
  return strv[0] != NULL ? g_strjoinv (", ", strv) : NULL;
}

/* ---- lead layout ---- */

void
ecg_waveform_view_set_lead_layout (EcgWaveformView *self, EcgLeadLayout layout)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (layout == ECG_LEAD_LAYOUT_STACKED || layout == ECG_LEAD_LAYOUT_STANDARD_12);
  if (layout == self->lead_layout)
    return;
  self->lead_layout = layout;
  /* The rows change: markers read against a row would now be read against another. */
  ecg_calipers_clear (&self->calipers);
  configure_adjustments (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), TOOL_PSPEC (PROP_LEAD_LAYOUT));
}

EcgLeadLayout
ecg_waveform_view_get_lead_layout (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), ECG_LEAD_LAYOUT_STACKED);
  return self->lead_layout;
}

static void
lead_label_clear (gpointer data)
{
  g_free (((EcgWaveformLeadLabel *) data)->name);
}

GArray *
ecg_waveform_view_get_lead_labels (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  GArray *labels = g_array_new (FALSE, TRUE, sizeof (EcgWaveformLeadLabel));
  g_array_set_clear_func (labels, lead_label_clear);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  if (self->record == NULL || !(self->record->fs > 0.0) || width <= 0.0)
    return labels;

  double pps = px_per_second (self);
  double x_offset = hscroll (self);
  double y_offset = vscroll (self);
  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);
  for (int row = 0; row < n_rows (self); row++)
    {
      double top, row_height, baseline;
      row_geometry (self, row, &top, &row_height, &baseline);
      g_autoptr (GArray) segments = visible_segments (self, row, width);
      for (guint k = 0; k < segments->len; k++)
        {
          const EcgLeadSegment *segment = &g_array_index (segments, EcgLeadSegment, k);
          EcgWaveformLeadLabel label = { .row = row, .lead = segment->lead };
          label.name = segment->name != NULL && segment->name[0] != '\0'
                         ? g_strdup (segment->name)
                         : g_strdup_printf (_("Lead %d"), segment->lead + 1);
          int w, h;
          pango_layout_set_text (layout, label.name, -1);
          pango_layout_get_pixel_size (layout, &w, &h);
          /* At the segment's start, or pinned to the left edge while the segment is scrolled
           * past it — unless it would then run into the next segment's name. */
          double start = segment->from_s * pps - x_offset;
          label.x = MAX (start, 0.0) + 8.0;
          label.y = top - y_offset + 6.0;
          label.width = w;
          label.height = h;
          if (k + 1 < segments->len)
            {
              const EcgLeadSegment *next = &g_array_index (segments, EcgLeadSegment, k + 1);
              if (label.x + w + 10.0 > next->from_s * pps - x_offset + 8.0)
                {
                  g_free (label.name);
                  continue;
                }
            }
          g_array_append_val (labels, label);
        }
    }
  return labels;
}

/* ---- calipers ---- */

/* The row under widget y (clamped to the rows). */
static int
row_at (EcgWaveformView *self, double y)
{
  for (int row = 0; row < n_rows (self); row++)
    {
      double top, row_height, baseline;
      row_geometry (self, row, &top, &row_height, &baseline);
      if (y + vscroll (self) < top + row_height)
        return row;
    }
  return n_rows (self) - 1;
}

static double
px_per_mv (EcgWaveformView *self)
{
  return ECG_PAPER_GAIN_MM_PER_MV * ecg_waveform_view_get_px_per_mm (self);
}

static void
calipers_changed (EcgWaveformView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.calipers-clear",
                                 ecg_calipers_is_visible (&self->calipers));
  /* Screen readers get the measurement the paper shows. */
  g_autofree char *text = ecg_calipers_format (&self->calipers);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ecg_waveform_view_set_caliper (EcgWaveformView *self, guint marker, int row, double seconds,
                               double millivolts)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (marker < 2);
  if (self->record == NULL || !(self->record->fs > 0.0))
    return;
  /* Both markers are read against one row: the first one's. */
  if (marker == 0 || !self->calipers.placed[0])
    self->calipers.row = CLAMP (row, 0, n_rows (self) - 1);
  self->calipers.placed[marker] = TRUE;
  self->calipers.seconds[marker] = CLAMP (seconds, 0.0, record_duration (self));
  self->calipers.millivolts[marker] = millivolts;
  self->calipers.active = (int) marker;
  calipers_changed (self);
}

void
ecg_waveform_view_place_caliper_at (EcgWaveformView *self, guint marker, double x, double y)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  g_return_if_fail (marker < 2);
  if (self->record == NULL || !(self->record->fs > 0.0))
    return;
  int row = marker == 0 || !self->calipers.placed[0] ? row_at (self, y) : self->calipers.row;
  double top, row_height, baseline;
  row_geometry (self, row, &top, &row_height, &baseline);
  double seconds = (hscroll (self) + x) / px_per_second (self);
  double millivolts = (baseline - vscroll (self) - y) / px_per_mv (self);
  ecg_waveform_view_set_caliper (self, marker, row, seconds, millivolts);
}

const EcgCalipers *
ecg_waveform_view_get_calipers (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  return &self->calipers;
}

gboolean
ecg_waveform_view_get_caliper_measurement (EcgWaveformView *self, double *interval_ms,
                                           double *rate_bpm, double *amplitude_mv)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), FALSE);
  return ecg_calipers_measure (&self->calipers, interval_ms, rate_bpm, amplitude_mv);
}

void
ecg_waveform_view_clear_calipers (EcgWaveformView *self)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  ecg_calipers_clear (&self->calipers);
  calipers_changed (self);
}

/* The value drawn at `seconds` in `row` (the lead of the segment there), 0 mV when none. */
static double
trace_value_at (EcgWaveformView *self, int row, double seconds)
{
  g_autoptr (GArray) segments
    = ecg_lead_layout_get_segments (self->lead_layout, self->record, row, seconds,
                                    seconds + 1e-9);
  if (segments->len == 0)
    return 0.0;
  int lead = g_array_index (segments, EcgLeadSegment, 0).lead;
  if (lead < 0)
    return 0.0;
  gint64 s = CLAMP ((gint64) llround (seconds * self->record->fs), 0,
                    self->record->n_samples - 1);
  double v = lead_samples (self, lead)[s];
  double mm = mm_per_unit (&self->record->leads[lead]);
  return isnan (v) ? 0.0 : v * mm / ECG_PAPER_GAIN_MM_PER_MV;
}

/* "m": the first press puts marker 1 on the trace at the centre of the view (in the first
 * row on screen), the second puts marker 2 on top of it to be moved with Shift+arrows, a
 * third starts over. */
static void
action_caliper_mark (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  if (self->record == NULL || !(self->record->fs > 0.0))
    return;
  EcgCalipers *c = &self->calipers;
  if (c->placed[0] && !c->placed[1])
    {
      ecg_waveform_view_set_caliper (self, 1, c->row, c->seconds[0], c->millivolts[0]);
      return;
    }
  double seconds = (hscroll (self) + gtk_widget_get_width (widget) / 2.0) / px_per_second (self);
  int row = row_at (self, 0.0);
  ecg_calipers_clear (c);
  ecg_waveform_view_set_caliper (self, 0, row, seconds, trace_value_at (self, row, seconds));
}

/* Shift+arrows move the active marker by (steps of 40 ms, steps of 0.1 mV). */
static void
action_caliper_nudge (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  EcgCalipers *c = &self->calipers;
  int dt, dv;
  g_variant_get (parameter, "(ii)", &dt, &dv);
  if (!c->placed[c->active])
    return;
  ecg_waveform_view_set_caliper (self, (guint) c->active, c->row,
                                 c->seconds[c->active] + dt * ECG_CALIPER_STEP_S,
                                 c->millivolts[c->active] + dv * ECG_CALIPER_STEP_MV);
}

static void
action_calipers_clear (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ecg_waveform_view_clear_calipers (ECG_WAVEFORM_VIEW (widget));
}

static void
on_caliper_drag_begin (GtkGestureDrag *gesture, double x, double y, EcgWaveformView *self)
{
  self->caliper_dragging = FALSE;
}

static void
on_caliper_drag_update (GtkGestureDrag *gesture, double dx, double dy, EcgWaveformView *self)
{
  double x, y;
  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  if (!self->caliper_dragging)
    {
      /* A click (on a beat label, say) is not a measurement. */
      if (hypot (dx, dy) < ECG_CALIPER_DRAG_PX || self->record == NULL)
        return;
      self->caliper_dragging = TRUE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      ecg_calipers_clear (&self->calipers);
      ecg_waveform_view_place_caliper_at (self, 0, x, y);
    }
  ecg_waveform_view_place_caliper_at (self, 1, x + dx, y + dy);
}

static void
tools_draw_calipers (EcgWaveformView *self, cairo_t *cr, gboolean dark)
{
  const EcgCalipers *c = &self->calipers;
  if (!ecg_calipers_is_visible (c) || self->record == NULL)
    return;
  double top, row_height, baseline;
  row_geometry (self, c->row, &top, &row_height, &baseline);
  double pps = px_per_second (self), x_offset = hscroll (self), y_offset = vscroll (self);
  double x[2], y[2];
  for (int i = 0; i < 2; i++)
    {
      x[i] = c->seconds[i] * pps - x_offset;
      y[i] = baseline - y_offset - c->millivolts[i] * px_per_mv (self);
    }
  g_autoptr (PangoLayout) layout = create_label_layout (self, TRUE);
  ecg_calipers_draw (c, cr, x, y, top - y_offset, top + row_height - y_offset, dark, layout);
}

/* ---- go to time ---- */

static void
on_time_chosen (EcgGoToPopover *popover, double seconds, EcgWaveformView *self)
{
  ecg_waveform_view_scroll_to_time (self, seconds);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

GtkWidget *
ecg_waveform_view_get_go_to_popover (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  if (self->go_to_popover == NULL)
    {
      self->go_to_popover = GTK_WIDGET (ecg_go_to_popover_new ());
      gtk_widget_set_parent (self->go_to_popover, GTK_WIDGET (self));
      gtk_popover_set_position (GTK_POPOVER (self->go_to_popover), GTK_POS_BOTTOM);
      g_signal_connect (self->go_to_popover, "time-chosen", G_CALLBACK (on_time_chosen), self);
    }
  return self->go_to_popover;
}

void
ecg_waveform_view_show_go_to (EcgWaveformView *self)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  if (self->record == NULL)
    return;
  EcgGoToPopover *popover = ECG_GO_TO_POPOVER (ecg_waveform_view_get_go_to_popover (self));
  ecg_go_to_popover_set_duration (popover, record_duration (self));
  /* Pointing at the top of the view, near the time labels' edge where the new time lands. */
  GdkRectangle target = { 24, 0, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &target);
  ecg_go_to_popover_open (popover);
}

static void
action_go_to_time (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ecg_waveform_view_show_go_to (ECG_WAVEFORM_VIEW (widget));
}

/* ---- strip export ---- */

EcgStrip *
ecg_waveform_view_create_strip (EcgWaveformView *self)
{
  g_return_val_if_fail (ECG_IS_WAVEFORM_VIEW (self), NULL);
  if (self->record == NULL || !(self->record->fs > 0.0))
    return NULL;
  double start = hscroll (self) / px_per_second (self);
  double duration
    = self->lead_layout == ECG_LEAD_LAYOUT_STANDARD_12
        ? ECG_LEAD_LAYOUT_COLUMN_SECONDS * ECG_LEAD_LAYOUT_N_COLUMNS
        : MIN (gtk_widget_get_width (GTK_WIDGET (self)) / px_per_second (self),
               ECG_STRIP_MAX_SECONDS);
  g_autofree char *filters = describe_display_filters (self);
  const float *const *samples
    = self->display != NULL && self->display->n_leads == self->record->n_leads
        ? (const float *const *) self->display->samples
        : NULL;
  return ecg_strip_new (self->record, samples, self->lead_layout, start, duration, filters);
}

static void
show_error_dialog (EcgWaveformView *self, const char *primary, const char *secondary)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog
    = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
strip_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (EcgWaveformView) self = user_data;
  g_autoptr (GError) error = NULL;
  if (!ecg_strip_write_pdf_finish (result, &error)
      && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    show_error_dialog (self, _("The strip could not be exported"), error->message);
}

static void
export_file_chosen (GtkNativeDialog *dialog, int response, EcgWaveformView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      EcgStrip *strip = ecg_waveform_view_create_strip (self);
      if (file != NULL && strip != NULL)
        ecg_strip_write_pdf_async (strip, file, NULL, strip_written, g_object_ref (self));
      else
        g_clear_pointer (&strip, ecg_strip_free);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
action_export_strip (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (widget);
  if (self->record == NULL)
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog
    = gtk_file_chooser_native_new (_("Export Strip as PDF"),
                                   GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* "100-0m05s.pdf": the record and where the strip starts. */
  gint64 start = (gint64) floor (hscroll (self) / px_per_second (self));
  g_autofree char *name
    = g_strdup_printf ("%s-%" G_GINT64_FORMAT "m%02ds.pdf", self->record->name, start / 60,
                       (int) (start % 60));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (export_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- context menu ---- */

static GMenuModel *
build_tools_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_autoptr (GMenu) navigate = g_menu_new ();
  g_menu_append (navigate, _("_Go to Time…"), "waveform.go-to-time");
  g_menu_append (navigate, _("_Export Strip as PDF…"), "waveform.export-strip");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (navigate));

  g_autoptr (GMenu) filters = g_menu_new ();
  g_menu_append (filters, _("Remove _Baseline Wander"), "waveform.remove-baseline");
  g_autoptr (GMenu) notch = g_menu_new ();
  g_menu_append (notch, _("_Off"), "waveform.mains-notch::off");
  g_menu_append (notch, _("_50 Hz"), "waveform.mains-notch::50-hz");
  g_menu_append (notch, _("_60 Hz"), "waveform.mains-notch::60-hz");
  g_menu_append_submenu (filters, _("Mains _Notch"), G_MENU_MODEL (notch));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (filters));

  g_autoptr (GMenu) layout = g_menu_new ();
  g_menu_append (layout, _("_Stacked Leads"), "waveform.lead-layout::stacked");
  g_menu_append (layout, _("Standard _12-Lead"), "waveform.lead-layout::standard-12");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (layout));

  g_autoptr (GMenu) calipers = g_menu_new ();
  g_menu_append (calipers, _("_Clear Calipers"), "waveform.calipers-clear");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (calipers));
  return G_MENU_MODEL (menu);
}

static void
popup_tools_menu (EcgWaveformView *self, double x, double y)
{
  if (self->tools_menu == NULL)
    {
      g_autoptr (GMenuModel) model = build_tools_menu ();
      self->tools_menu = gtk_popover_menu_new_from_model (model);
      gtk_widget_set_parent (self->tools_menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->tools_menu), FALSE);
      gtk_widget_set_halign (self->tools_menu, GTK_ALIGN_START);
    }
  GdkRectangle target = { (int) x, (int) y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->tools_menu), &target);
  gtk_popover_popup (GTK_POPOVER (self->tools_menu));
}

static void
on_secondary_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                      EcgWaveformView *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_tools_menu (self, x, y);
}

static void
action_show_menu (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  popup_tools_menu (ECG_WAVEFORM_VIEW (widget), gtk_widget_get_width (widget) / 2.0,
                    gtk_widget_get_height (widget) / 3.0);
}

/* ---- hooks ---- */

static void
tools_draw (EcgWaveformView *self, cairo_t *cr, const EcgPaperPalette *palette)
{
  tools_draw_calipers (self, cr, palette == ecg_waveform_view_get_palette (TRUE));
}

/* A new record (or none): the markers and the drawn copy were of the old one. */
static void
tools_record_changed (EcgWaveformView *self)
{
  ecg_calipers_clear (&self->calipers);
  calipers_changed (self);
  g_clear_pointer (&self->display, ecg_display_signal_free);
  start_display_build (self);
  if (self->go_to_popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->go_to_popover));
  gboolean has_record = self->record != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.go-to-time", has_record);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.export-strip", has_record);
}

static void
tools_size_allocate (EcgWaveformView *self)
{
  if (self->go_to_popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->go_to_popover));
  if (self->tools_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->tools_menu));
}

static void
tools_dispose (EcgWaveformView *self)
{
  if (self->display_cancellable != NULL)
    {
      g_cancellable_cancel (self->display_cancellable);
      g_clear_object (&self->display_cancellable);
    }
  g_clear_pointer (&self->display, ecg_display_signal_free);
  g_clear_pointer (&self->go_to_popover, gtk_widget_unparent);
  g_clear_pointer (&self->tools_menu, gtk_widget_unparent);
}

static gboolean
tools_get_property (EcgWaveformView *self, guint prop_id, GValue *value)
{
  switch (prop_id)
    {
    case PROP_REMOVE_BASELINE:
      g_value_set_boolean (value, self->remove_baseline);
      return TRUE;
    case PROP_MAINS_NOTCH:
      g_value_set_enum (value, self->mains_notch);
      return TRUE;
    case PROP_LEAD_LAYOUT:
      g_value_set_enum (value, self->lead_layout);
      return TRUE;
    case PROP_DISPLAY_PENDING:
      g_value_set_boolean (value, self->display_pending);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
tools_set_property (EcgWaveformView *self, guint prop_id, const GValue *value)
{
  switch (prop_id)
    {
    case PROP_REMOVE_BASELINE:
      ecg_waveform_view_set_remove_baseline (self, g_value_get_boolean (value));
      return TRUE;
    case PROP_MAINS_NOTCH:
      ecg_waveform_view_set_mains_notch (self, g_value_get_enum (value));
      return TRUE;
    case PROP_LEAD_LAYOUT:
      ecg_waveform_view_set_lead_layout (self, g_value_get_enum (value));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
tools_class_init (GtkWidgetClass *widget_class)
{
  GObjectClass *object_class = G_OBJECT_CLASS (widget_class);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  TOOL_PSPEC (PROP_REMOVE_BASELINE)
    = g_param_spec_boolean ("remove-baseline", NULL, NULL, FALSE, flags);
  TOOL_PSPEC (PROP_MAINS_NOTCH)
    = g_param_spec_enum ("mains-notch", NULL, NULL, ECG_TYPE_MAINS_NOTCH, ECG_MAINS_NOTCH_OFF,
                         flags);
  TOOL_PSPEC (PROP_LEAD_LAYOUT)
    = g_param_spec_enum ("lead-layout", NULL, NULL, ECG_TYPE_LEAD_LAYOUT,
                         ECG_LEAD_LAYOUT_STACKED, flags);
  TOOL_PSPEC (PROP_DISPLAY_PENDING)
    = g_param_spec_boolean ("display-pending", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  for (guint id = PROP_TOOLS_FIRST; id < PROP_TOOLS_END; id++)
    g_object_class_install_property (object_class, id, TOOL_PSPEC (id));

  gtk_widget_class_install_property_action (widget_class, "waveform.remove-baseline",
                                            "remove-baseline");
  gtk_widget_class_install_property_action (widget_class, "waveform.mains-notch",
                                            "mains-notch");
  gtk_widget_class_install_property_action (widget_class, "waveform.lead-layout",
                                            "lead-layout");
  gtk_widget_class_install_action (widget_class, "waveform.go-to-time", NULL,
                                   action_go_to_time);
  gtk_widget_class_install_action (widget_class, "waveform.export-strip", NULL,
                                   action_export_strip);
  gtk_widget_class_install_action (widget_class, "waveform.caliper-mark", NULL,
                                   action_caliper_mark);
  gtk_widget_class_install_action (widget_class, "waveform.caliper-nudge", "(ii)",
                                   action_caliper_nudge);
  gtk_widget_class_install_action (widget_class, "waveform.calipers-clear", NULL,
                                   action_calipers_clear);
  gtk_widget_class_install_action (widget_class, "waveform.show-menu", NULL, action_show_menu);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "waveform.go-to-time", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "waveform.export-strip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, 0, "waveform.remove-baseline",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "waveform.caliper-mark",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "waveform.calipers-clear", NULL);
  static const struct
  {
    guint key;
    int dt, dv;
  } nudges[] = {
    { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 }, { GDK_KEY_Up, 0, 1 }, { GDK_KEY_Down, 0, -1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (nudges); i++)
    gtk_widget_class_add_binding_action (widget_class, nudges[i].key, GDK_SHIFT_MASK,
                                         "waveform.caliper-nudge", "(ii)", nudges[i].dt,
                                         nudges[i].dv);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "waveform.show-menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "waveform.show-menu", NULL);
}

static void
tools_init (EcgWaveformView *self)
{
  self->lead_layout = ECG_LEAD_LAYOUT_STACKED;
  self->mains_notch = ECG_MAINS_NOTCH_OFF;

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_caliper_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_caliper_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  GtkGesture *secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.calipers-clear", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.go-to-time", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "waveform.export-strip", FALSE);
}

/* A light foreground colour means the theme is dark. */
static gboolean
theme_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

void
ecg_waveform_view_draw (EcgWaveformView *self, cairo_t *cr)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  GtkWidget *widget = GTK_WIDGET (self);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  const EcgPaperPalette *palette
    = ecg_waveform_view_get_palette (self->dark_paper || theme_is_dark (widget));

  draw_grid (self, cr, palette, width, height);
  if (self->record != NULL && self->record->fs > 0.0)
    {
      draw_traces (self, cr, palette, width, height);
      draw_labels (self, cr, palette);
      predictions_draw (self, cr, palette);
      draw_lead_names (self, cr, palette);
    }
  tools_draw (self, cr, palette);
  double caption_left = draw_caption (self, cr, palette, width, height);
  if (self->record != NULL && self->record->fs > 0.0)
    draw_time_labels (self, cr, palette, width, height, caption_left);
}

static void
ecg_waveform_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ecg_waveform_view_draw (ECG_WAVEFORM_VIEW (widget), cr);
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
  predictions_size_allocate (ECG_WAVEFORM_VIEW (widget));
  tools_size_allocate (ECG_WAVEFORM_VIEW (widget));
}

/* ---- record and properties --------------------------------------------------------------- */

void
ecg_waveform_view_set_record (EcgWaveformView *self, EcgRecord *record)
{
  g_return_if_fail (ECG_IS_WAVEFORM_VIEW (self));
  if (record == self->record)
    return;
  tools_release_record (self, g_steal_pointer (&self->record));
  self->record = record;
  predictions_record_changed (self);
  tools_record_changed (self);

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
      if (!tools_get_property (self, prop_id, value))
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
      if (!tools_set_property (self, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_waveform_view_dispose (GObject *object)
{
  EcgWaveformView *self = ECG_WAVEFORM_VIEW (object);

  predictions_dispose (self);
  tools_dispose (self);
  tools_release_record (self, g_steal_pointer (&self->record));
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

  predictions_class_init (widget_class);
  tools_class_init (widget_class);
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

  predictions_init (self);
  tools_init (self);
  update_action_state (self);
}
