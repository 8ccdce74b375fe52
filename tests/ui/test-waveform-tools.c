/* test-waveform-tools.c — the waveform view's tools: go to time, calipers, display filters,
 * lead layouts.
 *
 * As in test-waveform-view.c the view fills a 600 x 300 window and is rendered to a texture.
 * At 127 dpi one millimetre is exactly 5 px: one second at 25 mm/s is 125 px, 1 mV is 50 px,
 * the annotation band is 50 px and a single lead's row spans y 50..300 with its baseline on the
 * major line nearest to its centre, y 175. At 50.8 dpi one millimetre is 2 px: one second is
 * 50 px, 1 mV is 20 px, the band is 20 px.
 */
#include <gtk/gtk.h>
#include <math.h>

#include "ecg-go-to-popover.h"
#include "ecg-waveform-view.h"
#include "ecg-window.h"
#include "test-util.h"

#define VIEW_WIDTH 600
#define VIEW_HEIGHT 300
#define BASELINE_Y 175
#define CLEAR_Y 212 /* clear of the horizontal grid lines (210, 215) and of the trace */

typedef struct
{
  GtkWindow *window;
  GtkScrolledWindow *scroller;
  EcgWaveformView *view;
} Fixture;

typedef struct
{
  guint8 *pixels; /* B, G, R, A bytes */
  int width;
  int height;
  gsize stride;
} Image;

static const double dpi_127 = 127.0, dpi_50_8 = 50.8;

/* ---- records ------------------------------------------------------------------------------ */

/* One lead "II" of `seconds` at `fs`: `offset_mv` plus a `hum_mv` sine at `hum_hz`, and a
 * 1 mV square pulse over [2.0 s, 2.4 s) when `pulse`. */
static EcgRecord *
make_record (double fs, double seconds, double offset_mv, double hum_mv, double hum_hz,
             gboolean pulse)
{
  gint64 n = (gint64) llround (seconds * fs);
  g_autofree float *samples = g_new0 (float, n);
  for (gint64 t = 0; t < n; t++)
    samples[t] = (float) (offset_mv + hum_mv * sin (2.0 * G_PI * hum_hz * t / fs));
  if (pulse)
    for (gint64 t = (gint64) (2.0 * fs); t < (gint64) (2.4 * fs); t++)
      samples[t] += 1.0f;
  const char *const names[] = { "II" };
  const float *const leads[] = { samples };
  return ecg_record_new_from_samples ("tools", fs, n, 1, names, leads, 1000.0, NULL);
}

/* The PTB-XL header's lead order and spelling ("AVR", not "aVR"). */
static const char *const twelve_names[] = { "I",  "II", "III", "AVR", "AVL", "AVF",
                                            "V1", "V2", "V3",  "V4",  "V5",  "V6" };

/* A synthetic 12-lead record of 10 s at 500 Hz where lead k is the constant 0.1 (k + 1) mV,
 * written with the engine's WFDB writer (format 16, 1000 ADC units per mV as PTB-XL) and read
 * back, so that the layout is tested on a record as the loader makes it. Returns an owned
 * record. */
static EcgRecord *
make_twelve_lead_record (void)
{
  gint64 n = 5000;
  float *leads[12];
  for (int k = 0; k < 12; k++)
    {
      leads[k] = g_new (float, n);
      for (gint64 t = 0; t < n; t++)
        leads[k][t] = 0.1f * (float) (k + 1);
    }
  g_autoptr (EcgRecord) record
    = ecg_record_new_from_samples ("twelve", 500.0, n, 12, twelve_names,
                                   (const float *const *) leads, 1000.0, NULL);
  for (int k = 0; k < 12; k++)
    g_free (leads[k]);

  char *dir = ecg_test_tmpdir_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (record, dir, 16, &error));
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "twelve", NULL);
  EcgRecord *loaded = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->n_leads, ==, 12);
  ecg_test_tmpdir_free (dir);
  return loaded;
}

/* ---- showing and rendering ---------------------------------------------------------------- */

static void
spin_until (Fixture *f, gboolean (*done) (Fixture *f))
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_allocated (Fixture *f)
{
  return gtk_widget_get_width (GTK_WIDGET (f->view)) == VIEW_WIDTH
         && gtk_widget_get_height (GTK_WIDGET (f->view)) == VIEW_HEIGHT
         && gtk_widget_get_mapped (GTK_WIDGET (f->view));
}

static gboolean
display_ready (Fixture *f)
{
  return !ecg_waveform_view_get_display_pending (f->view);
}

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(int *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
spin_frames (Fixture *f, int n_frames)
{
  int frames = 0;
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (f->view), count_frame, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (frames < n_frames)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  gtk_widget_remove_tick_callback (GTK_WIDGET (f->view), id);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (f->window, FALSE);
  gtk_window_set_default_size (f->window, VIEW_WIDTH, VIEW_HEIGHT);
  f->scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  f->view = ecg_waveform_view_new ();
  ecg_waveform_view_set_screen_dpi (f->view, data != NULL ? *(const double *) data : dpi_127);
  gtk_scrolled_window_set_child (f->scroller, GTK_WIDGET (f->view));
  gtk_window_set_child (f->window, GTK_WIDGET (f->scroller));
  gtk_window_present (f->window);
  spin_until (f, is_allocated);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
}

/* Shows `record` and waits until its display copy is built and drawn. */
static void
show_record (Fixture *f, EcgRecord *record)
{
  ecg_waveform_view_set_record (f->view, record);
  spin_until (f, display_ready);
  spin_frames (f, 2);
}

static void
image_clear (Image *image)
{
  g_free (image->pixels);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Image, image_clear)

static void
render (Fixture *f, Image *image)
{
  GtkWidget *widget = GTK_WIDGET (f->view);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture
    = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  image->width = gdk_texture_get_width (texture);
  image->height = gdk_texture_get_height (texture);
  image->stride = (gsize) image->width * 4;
  image->pixels = g_malloc (image->stride * image->height);
  gdk_texture_download (texture, image->pixels, image->stride);
  if (g_getenv ("ECGWB_TEST_SAVE_PNG") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", g_test_get_path () + 1);
      g_strdelimit (name, "/", '-');
      gdk_texture_save_to_png (texture, name);
    }
}

static void
pixel_rgb (const Image *image, int x, int y, int rgb[3])
{
  g_assert_true (x >= 0 && x < image->width && y >= 0 && y < image->height);
  const guint8 *p = image->pixels + (gsize) y * image->stride + (gsize) x * 4;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

static gboolean
pixel_is (const Image *image, int x, int y, const GdkRGBA *color)
{
  int rgb[3];
  pixel_rgb (image, x, y, rgb);
  return abs (rgb[0] - (int) lround (color->red * 255)) <= 2
         && abs (rgb[1] - (int) lround (color->green * 255)) <= 2
         && abs (rgb[2] - (int) lround (color->blue * 255)) <= 2;
}

static gboolean
is_trace (const Image *image, int x, int y)
{
  int rgb[3];
  pixel_rgb (image, x, y, rgb);
  return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255.0 < 0.45;
}

/* Topmost and bottommost trace pixel of column x within rows [y0, y1); FALSE when none. */
static gboolean
trace_extent (const Image *image, int x, int y0, int y1, int *top, int *bottom)
{
  *top = -1;
  *bottom = -1;
  for (int y = y0; y < y1; y++)
    if (is_trace (image, x, y))
      {
        if (*top < 0)
          *top = y;
        *bottom = y;
      }
  return *top >= 0;
}

/* Every trace pixel of column x in rows [y0, y1) lies within [expected - 2, expected + 1]. */
static void
assert_trace_at (const Image *image, int x, int y0, int y1, double expected)
{
  int top, bottom;
  if (!trace_extent (image, x, y0, y1, &top, &bottom))
    g_error ("no trace pixel in column %d (expected near y = %g)", x, expected);
  if (top < expected - 2 || bottom > expected + 1)
    g_error ("trace of column %d spans y %d..%d, expected only near %g", x, top, bottom,
             expected);
}

/* ---- go to time -------------------------------------------------------------------------- */

static void
test_parse_time (void)
{
  static const struct
  {
    const char *text;
    double seconds;
  } good[] = {
    { "90", 90.0 },        { "90.5", 90.5 },     { "1:30", 90.0 },      { "1:30,25", 90.25 },
    { "0:01:30", 90.0 },   { " 2:05 ", 125.0 },  { "1:02:03", 3723.0 }, { "75:00", 4500.0 },
    { "0", 0.0 },          { "0:00.1", 0.1 },
  };
  static const char *const bad[] = { "", " ", "abc", "1:60", "-5", "1:2:3:4", "1:", ":30",
                                     "1:61:00", "1.5:00", "5s", "1e3", "1:3 0", "1..5" };
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double seconds = -1.0;
      if (!ecg_parse_time (good[i].text, &seconds))
        g_error ("\"%s\" was refused", good[i].text);
      g_assert_cmpfloat_with_epsilon (seconds, good[i].seconds, 1e-12);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double seconds;
      if (ecg_parse_time (bad[i], &seconds))
        g_error ("\"%s\" was accepted as %g s", bad[i], seconds);
    }
}

/* Ctrl+G's action opens the popover; "2" puts 2.0 s at the left edge: the adjustment is
 * 2 x 125 = 250 px and the 1 mV pulse (2.0 - 2.4 s) is drawn at x 0..50. */
static void
test_go_to_time (Fixture *f, gconstpointer data)
{
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);
  show_record (f, make_record (250.0, 12.0, 0.0, 0.0, 0.0, TRUE));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.go-to-time", NULL));
  GtkWidget *popover = ecg_waveform_view_get_go_to_popover (f->view);
  spin_frames (f, 2);
  g_assert_true (gtk_widget_get_visible (popover));
  GtkEditable *entry = ecg_go_to_popover_get_entry (ECG_GO_TO_POPOVER (popover));

  /* Beyond the 12 s record: refused, marked, nothing moves. */
  gtk_editable_set_text (entry, "0:13");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_cmpfloat (gtk_adjustment_get_value (hadjustment), ==, 0.0);

  gtk_editable_set_text (entry, "0:02");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 250.0, 1e-9);

  g_auto (Image) image = { 0 };
  spin_frames (f, 2);
  render (f, &image);
  assert_trace_at (&image, 25, 50, VIEW_HEIGHT - 30, BASELINE_Y - 50.0); /* t = 2.2 s */
  assert_trace_at (&image, 75, 50, VIEW_HEIGHT - 30, BASELINE_Y);        /* t = 2.6 s */

  /* "7.5" s: the end of the 12 s record (1500 px) limits the scroll to 900 px (7.2 s). */
  ecg_waveform_view_show_go_to (f->view);
  gtk_editable_set_text (entry, "7.5");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 900.0, 1e-9);
}

/* ---- calipers ---------------------------------------------------------------------------- */

/* Markers at (100, 175) and (225, 125): 125 px = 1.000 s apart (60 bpm), 50 px = 1 mV up. */
static void
test_calipers_points (Fixture *f, gconstpointer data)
{
  const GdkRGBA *color = ecg_calipers_get_color (FALSE);
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);
  double interval_ms, rate_bpm, amplitude_mv;
  show_record (f, make_record (250.0, 12.0, 0.0, 0.0, 0.0, FALSE));

  g_assert_false (ecg_waveform_view_get_caliper_measurement (f->view, NULL, NULL, NULL));
  ecg_waveform_view_place_caliper_at (f->view, 0, 100.0, 175.0);
  ecg_waveform_view_place_caliper_at (f->view, 1, 225.0, 125.0);
  g_assert_true (ecg_waveform_view_get_caliper_measurement (f->view, &interval_ms, &rate_bpm,
                                                            &amplitude_mv));
  g_assert_cmpfloat_with_epsilon (interval_ms, 1000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rate_bpm, 60.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (amplitude_mv, 1.0, 1e-12);
  const EcgCalipers *calipers = ecg_waveform_view_get_calipers (f->view);
  g_assert_cmpfloat_with_epsilon (calipers->seconds[0], 0.8, 1e-12);
  g_assert_cmpfloat_with_epsilon (calipers->millivolts[0], 0.0, 1e-12);
  g_autofree char *text = ecg_calipers_format (calipers);
  g_assert_cmpstr (text, ==, "Δt 1000 ms · 60 bpm · ΔV +1.00 mV");

  /* Marker 2 moved left of the record's start (x -176: -1.408 s) is clamped to 0 s, 800 ms
   * before marker 1; y 275 is 100 px = 2 mV below marker 1's baseline. */
  ecg_waveform_view_place_caliper_at (f->view, 1, -176.0, 275.0);
  ecg_waveform_view_get_caliper_measurement (f->view, &interval_ms, &rate_bpm, &amplitude_mv);
  g_assert_cmpfloat_with_epsilon (interval_ms, 800.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rate_bpm, 75.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (amplitude_mv, -2.0, 1e-12);

  /* Drawn as 1 px lines on columns 100 and 225, nothing between them. */
  ecg_waveform_view_place_caliper_at (f->view, 1, 225.0, 125.0);
  g_auto (Image) image = { 0 };
  spin_frames (f, 2);
  render (f, &image);
  g_assert_true (pixel_is (&image, 100, CLEAR_Y, color));
  g_assert_true (pixel_is (&image, 225, CLEAR_Y, color));
  g_assert_false (pixel_is (&image, 160, CLEAR_Y, color));

  /* The markers stay on the record when it scrolls: 100 px later they are at 0 and 125. */
  gtk_adjustment_set_value (hadjustment, 100.0);
  g_auto (Image) scrolled = { 0 };
  spin_frames (f, 2);
  render (f, &scrolled);
  g_assert_true (pixel_is (&scrolled, 0, CLEAR_Y, color));
  g_assert_true (pixel_is (&scrolled, 125, CLEAR_Y, color));
  g_assert_false (pixel_is (&scrolled, 225, CLEAR_Y, color));

  /* Escape's action clears them. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.calipers-clear",
                                             NULL));
  g_assert_false (ecg_waveform_view_get_caliper_measurement (f->view, NULL, NULL, NULL));
  g_auto (Image) cleared = { 0 };
  spin_frames (f, 2);
  render (f, &cleared);
  g_assert_false (pixel_is (&cleared, 0, CLEAR_Y, color));
  g_assert_false (pixel_is (&cleared, 125, CLEAR_Y, color));
}

/* Keyboard only: M puts marker 1 on the trace at the centre (x 300: t = 2.4 s, where the
 * pulse has just ended: 0 mV), M again marker 2 on it, Shift+Right x 5 and Shift+Up x 10 move
 * marker 2 by 5 x 40 = 200 ms (300 bpm) and 10 x 0.1 = 1 mV. */
static void
test_calipers_keyboard (Fixture *f, gconstpointer data)
{
  GtkWidget *view = GTK_WIDGET (f->view);
  double interval_ms, rate_bpm, amplitude_mv;
  show_record (f, make_record (250.0, 12.0, 0.0, 0.0, 0.0, TRUE));

  g_assert_true (gtk_widget_activate_action (view, "waveform.caliper-mark", NULL));
  const EcgCalipers *calipers = ecg_waveform_view_get_calipers (f->view);
  g_assert_true (calipers->placed[0] && !calipers->placed[1]);
  g_assert_cmpfloat_with_epsilon (calipers->seconds[0], 2.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (calipers->millivolts[0], 0.0, 1e-12);

  g_assert_true (gtk_widget_activate_action (view, "waveform.caliper-mark", NULL));
  g_assert_cmpint (calipers->active, ==, 1);
  for (int i = 0; i < 5; i++)
    gtk_widget_activate_action (view, "waveform.caliper-nudge", "(ii)", 1, 0);
  for (int i = 0; i < 10; i++)
    gtk_widget_activate_action (view, "waveform.caliper-nudge", "(ii)", 0, 1);
  g_assert_true (ecg_waveform_view_get_caliper_measurement (f->view, &interval_ms, &rate_bpm,
                                                            &amplitude_mv));
  g_assert_cmpfloat_with_epsilon (interval_ms, 200.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rate_bpm, 300.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (amplitude_mv, 1.0, 1e-9);

  /* A marker placed on the pulse reads its height. At 50 mm/s (250 px/s) scrolled by 250 px,
   * the centre (x 300) is (250 + 300) / 250 = 2.2 s, where the pulse is 1 mV. */
  ecg_waveform_view_clear_calipers (f->view);
  g_assert_false (calipers->placed[0] || calipers->placed[1]);
  ecg_waveform_view_set_time_zoom (f->view, 2.0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (f->scroller), 250.0);
  g_assert_true (gtk_widget_activate_action (view, "waveform.caliper-mark", NULL));
  g_assert_cmpfloat_with_epsilon (calipers->seconds[0], 2.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (calipers->millivolts[0], 1.0, 1e-6);
}

/* ---- display filters --------------------------------------------------------------------- */

/* 1 mV of offset under a 0.5 mV, 50 Hz hum at 500 Hz (4 samples per pixel column). Raw, the
 * trace fills a band of +-0.5 mV (+-25 px) around 1 mV (y 125); with the notch it is a line at
 * y 125; with the baseline filter too, a line on the baseline (y 175: a constant is removed
 * exactly by the high-pass). Columns 100..500 (0.8 .. 4 s) are clear of the ends' transients. */
static void
test_filters_change_pixels (Fixture *f, gconstpointer data)
{
  show_record (f, make_record (500.0, 12.0, 1.0, 0.5, 50.0, FALSE));
  g_auto (Image) raw = { 0 };
  render (f, &raw);
  /* Four columns hold 16 samples, 1.6 periods of the hum: its whole band. */
  for (int x = 100; x <= 500; x += 50)
    {
      int band_top = VIEW_HEIGHT, band_bottom = 0;
      for (int dx = 0; dx < 4; dx++)
        {
          int top, bottom;
          g_assert_true (trace_extent (&raw, x + dx, 50, VIEW_HEIGHT - 30, &top, &bottom));
          band_top = MIN (band_top, top);
          band_bottom = MAX (band_bottom, bottom);
        }
      g_assert_cmpint (band_top, <=, BASELINE_Y - 50 - 20);
      g_assert_cmpint (band_bottom, >=, BASELINE_Y - 50 + 20);
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.mains-notch", "s",
                                             "50-hz"));
  g_assert_cmpint (ecg_waveform_view_get_mains_notch (f->view), ==, ECG_MAINS_NOTCH_50_HZ);
  g_assert_true (ecg_waveform_view_get_display_pending (f->view));
  spin_until (f, display_ready);
  g_auto (Image) notched = { 0 };
  spin_frames (f, 2);
  render (f, &notched);
  for (int x = 100; x <= 500; x += 10)
    assert_trace_at (&notched, x, 50, VIEW_HEIGHT - 30, BASELINE_Y - 50);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.remove-baseline",
                                             NULL));
  g_assert_true (ecg_waveform_view_get_remove_baseline (f->view));
  spin_until (f, display_ready);
  g_auto (Image) both = { 0 };
  spin_frames (f, 2);
  render (f, &both);
  for (int x = 100; x <= 500; x += 10)
    assert_trace_at (&both, x, 50, VIEW_HEIGHT - 30, BASELINE_Y);

  /* Off again: the raw band is back. */
  ecg_waveform_view_set_mains_notch (f->view, ECG_MAINS_NOTCH_OFF);
  ecg_waveform_view_set_remove_baseline (f->view, FALSE);
  spin_until (f, display_ready);
  g_auto (Image) again = { 0 };
  spin_frames (f, 2);
  render (f, &again);
  int band_top = VIEW_HEIGHT;
  for (int dx = 0; dx < 4; dx++)
    {
      int top, bottom;
      g_assert_true (trace_extent (&again, 300 + dx, 50, VIEW_HEIGHT - 30, &top, &bottom));
      band_top = MIN (band_top, top);
    }
  g_assert_cmpint (band_top, <=, BASELINE_Y - 50 - 20);
}

/* ---- lead layouts ------------------------------------------------------------------------ */

/* At 50.8 dpi (2 px/mm, 50 px/s) the four rows of the 12-lead layout fill the 300 px: band 20,
 * rows of (300 - 20) / 4 = 70 px with tops 20, 90, 160, 230 and centres 55, 125, 195, 265,
 * baselines on the nearest 10 px major line: 60, 130, 200, 270. Column k (2.5 s = 125 px)
 * starts at x = 125 k. Lead k is drawn 0.1 (k + 1) mV = 2 (k + 1) px above its baseline. */
static void
test_twelve_lead_layout (Fixture *f, gconstpointer data)
{
  static const char *const expected_names[13] = { "I",  "aVR", "V1", "V4", "II", "aVL", "V2",
                                                   "V5", "III", "aVF", "V3", "V6", "II" };
  static const int expected_rows[13] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3 };
  static const int expected_leads[13] = { 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, 1 };
  static const double baselines[4] = { 60, 130, 200, 270 };
  show_record (f, make_twelve_lead_record ());

  /* Stacked (the default): one row per lead, named as in the record. */
  {
    g_autoptr (GArray) labels = ecg_waveform_view_get_lead_labels (f->view);
    g_assert_cmpuint (labels->len, ==, 12);
    for (guint i = 0; i < 12; i++)
      {
        const EcgWaveformLeadLabel *label = &g_array_index (labels, EcgWaveformLeadLabel, i);
        g_assert_cmpint (label->row, ==, (int) i);
        g_assert_cmpint (label->lead, ==, (int) i);
        g_assert_cmpstr (label->name, ==, twelve_names[i]);
      }
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.lead-layout", "s",
                                             "standard-12"));
  g_assert_cmpint (ecg_waveform_view_get_lead_layout (f->view), ==,
                   ECG_LEAD_LAYOUT_STANDARD_12);
  spin_frames (f, 2);
  g_autoptr (GArray) labels = ecg_waveform_view_get_lead_labels (f->view);
  g_assert_cmpuint (labels->len, ==, 13);
  for (guint i = 0; i < 13; i++)
    {
      const EcgWaveformLeadLabel *label = &g_array_index (labels, EcgWaveformLeadLabel, i);
      int column = i < 12 ? (int) i % 4 : 0;
      g_assert_cmpstr (label->name, ==, expected_names[i]);
      g_assert_cmpint (label->row, ==, expected_rows[i]);
      g_assert_cmpint (label->lead, ==, expected_leads[i]);
      g_assert_cmpfloat_with_epsilon (label->x, 125.0 * column + 8.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (label->y, 20.0 + 70.0 * label->row + 6.0, 1e-9);
    }

  /* Each segment draws its own lead: the middle of column k is x = 125 k + 62. */
  g_auto (Image) image = { 0 };
  render (f, &image);
  for (guint i = 0; i < 13; i++)
    {
      int row = expected_rows[i], column = i < 12 ? (int) i % 4 : 0;
      double expected = baselines[row] - 2.0 * (expected_leads[i] + 1);
      int top_y = 20 + 70 * row;
      /* The whole row: the names stand at x 125 k + 8 .. 125 k + 40, clear of the column. */
      assert_trace_at (&image, 125 * column + 62, top_y, top_y + 70, expected);
    }
  /* The rhythm strip is lead II all along: at 9 s too (x 450). */
  assert_trace_at (&image, 450, 230, 300, 270.0 - 4.0);
}

/* A real PTB-XL record (12 leads, "AVR" spelt in capitals) finds all its leads. */
static void
test_twelve_lead_ptbxl (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "records100", "00000", "00001_lr", NULL);
  g_autoptr (GError) error = NULL;
  EcgRecord *record = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, &error);
  g_assert_no_error (error);
  show_record (f, record);
  ecg_waveform_view_set_lead_layout (f->view, ECG_LEAD_LAYOUT_STANDARD_12);
  spin_frames (f, 2);
  g_autoptr (GArray) labels = ecg_waveform_view_get_lead_labels (f->view);
  g_assert_cmpuint (labels->len, ==, 13);
  for (guint i = 0; i < labels->len; i++)
    g_assert_cmpint (g_array_index (labels, EcgWaveformLeadLabel, i).lead, >=, 0);
}

/* ---- the main window ---------------------------------------------------------------------- */

/* The main menu's items are settings actions bound to the view: choosing one changes the view
 * and the setting; a setting changed elsewhere reaches the view. */
static void
test_window_settings (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  EcgWaveformView *view = ecg_window_get_waveform_view (window);
  g_autoptr (GSettings) settings = g_settings_new ("io.github.ecgworkbench.Workbench");

  g_assert_cmpint (ecg_waveform_view_get_lead_layout (view), ==, ECG_LEAD_LAYOUT_STACKED);
  g_action_group_activate_action (G_ACTION_GROUP (window), "lead-layout",
                                  g_variant_new_string ("standard-12"));
  g_assert_cmpint (ecg_waveform_view_get_lead_layout (view), ==, ECG_LEAD_LAYOUT_STANDARD_12);
  g_autofree char *layout = g_settings_get_string (settings, "lead-layout");
  g_assert_cmpstr (layout, ==, "standard-12");

  g_action_group_activate_action (G_ACTION_GROUP (window), "display-mains-notch",
                                  g_variant_new_string ("60-hz"));
  g_assert_cmpint (ecg_waveform_view_get_mains_notch (view), ==, ECG_MAINS_NOTCH_60_HZ);
  g_action_group_activate_action (G_ACTION_GROUP (window), "display-remove-baseline", NULL);
  g_assert_true (ecg_waveform_view_get_remove_baseline (view));

  /* And the other way: the view's own menu changes the setting. */
  gtk_widget_activate_action (GTK_WIDGET (view), "waveform.mains-notch", "s", "50-hz");
  g_autofree char *notch = g_settings_get_string (settings, "display-mains-notch");
  g_assert_cmpstr (notch, ==, "50-hz");

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "go-to-time"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "export-strip"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "lead-layout");
  g_settings_reset (settings, "display-mains-notch");
  g_settings_reset (settings, "display-remove-baseline");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func, data)                                                                  \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/ui/waveform-tools/go-to-time/parse", test_parse_time);
  g_test_add_func ("/ui/waveform-tools/window/settings", test_window_settings);
  ADD ("/ui/waveform-tools/go-to-time/left-edge", test_go_to_time, &dpi_127);
  ADD ("/ui/waveform-tools/calipers/points", test_calipers_points, &dpi_127);
  ADD ("/ui/waveform-tools/calipers/keyboard", test_calipers_keyboard, &dpi_127);
  ADD ("/ui/waveform-tools/filters/change-pixels", test_filters_change_pixels, &dpi_127);
  ADD ("/ui/waveform-tools/layout/twelve-lead", test_twelve_lead_layout, &dpi_50_8);
  ADD ("/ui/waveform-tools/layout/twelve-lead-ptbxl", test_twelve_lead_ptbxl, &dpi_50_8);
#undef ADD

  return g_test_run ();
}
