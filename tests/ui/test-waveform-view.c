/* test-waveform-view.c — EcgWaveformView renders calibrated ECG paper.
 *
 * The view is shown in a 600 x 300 window and rendered to a texture; pixel colours and
 * positions are checked against values computed by hand from the paper's definition:
 * at 127 dpi one millimetre is exactly 127 / 25.4 = 5 px, so at 25 mm/s one second is 125 px,
 * a minor line falls every 5 px, a major line every 25 px, the annotation band is 10 mm = 50 px,
 * the single lead's row spans y 50..300 with its baseline on the major line nearest to its
 * centre (175 = 7 x 25), and 1 mV is drawn 10 mm = 50 px above the baseline.
 */
#include <gtk/gtk.h>
#include <math.h>

#include "ecg-waveform-view.h"

#define TEST_DPI 127.0
#define PX_PER_MM 5.0
#define VIEW_WIDTH 600
#define VIEW_HEIGHT 300
#define BASELINE_Y 175 /* band 50 + row 250 / 2 = 175, a multiple of 25 */
#define RECORD_SECONDS 12.0

typedef struct
{
  GtkWindow *window;
  GtkScrolledWindow *scroller;
  EcgWaveformView *view;
} Fixture;

typedef struct
{
  guint8 *pixels; /* CAIRO_FORMAT_ARGB32: B, G, R, A bytes on little-endian */
  int width;
  int height;
  gsize stride;
} Image;

/* ---- the record ------------------------------------------------------------------------- */

/* One lead "II", RECORD_SECONDS long at `fs` Hz: 0 mV except a 1 mV square pulse over
 * [2.0 s, 2.4 s) and, when `spike_sample` >= 0, a single 2 mV sample there. Beats N at 0.5 s,
 * V at 1.5 s, A at 3.0 s, and a rhythm annotation "+" "(N" at 0 s. */
static EcgRecord *
make_record (double fs, gint64 spike_sample)
{
  gint64 n = (gint64) (RECORD_SECONDS * fs);
  g_autofree float *samples = g_new0 (float, n);
  for (gint64 t = (gint64) (2.0 * fs); t < (gint64) (2.4 * fs); t++)
    samples[t] = 1.0f;
  if (spike_sample >= 0)
    samples[spike_sample] = 2.0f;

  g_autoptr (EcgAnnotationList) annotations = ecg_annotation_list_new (4);
  annotations->items[0].sample = 0;
  annotations->items[0].code = ECG_ANN_RHYTHM;
  annotations->items[0].aux = g_strdup ("(N");
  annotations->items[1].sample = (gint64) (0.5 * fs);
  annotations->items[1].code = ECG_ANN_NORMAL;
  annotations->items[2].sample = (gint64) (1.5 * fs);
  annotations->items[2].code = ECG_ANN_PVC;
  annotations->items[3].sample = (gint64) (3.0 * fs);
  annotations->items[3].code = ECG_ANN_APC;

  const char *const lead_names[] = { "II" };
  const float *const leads[] = { samples };
  return ecg_record_new_from_samples ("pulse", fs, n, 1, lead_names, leads, 200.0, annotations);
}

/* ---- showing and rendering ---------------------------------------------------------------- */

static void
spin_until_allocated (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (gtk_widget_get_width (GTK_WIDGET (f->view)) != VIEW_WIDTH
         || gtk_widget_get_height (GTK_WIDGET (f->view)) != VIEW_HEIGHT
         || !gtk_widget_get_mapped (GTK_WIDGET (f->view)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  int *frames = user_data;
  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* Lets the view lay out and draw what the test just changed. */
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
  ecg_waveform_view_set_screen_dpi (f->view, TEST_DPI);
  gtk_scrolled_window_set_child (f->scroller, GTK_WIDGET (f->view));
  gtk_window_set_child (f->window, GTK_WIDGET (f->scroller));
  gtk_window_present (f->window);
  spin_until_allocated (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
}

static void
show_record (Fixture *f, EcgRecord *record)
{
  ecg_waveform_view_set_record (f->view, record);
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
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

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
  g_assert_cmpint (image->width, ==, VIEW_WIDTH);
  g_assert_cmpint (image->height, ==, VIEW_HEIGHT);

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
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x, <, image->width);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (y, <, image->height);
  const guint8 *p = image->pixels + (gsize) y * image->stride + (gsize) x * 4;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

static void
assert_pixel_is (const Image *image, int x, int y, const GdkRGBA *expected)
{
  int rgb[3];
  int want[3] = { (int) lround (expected->red * 255), (int) lround (expected->green * 255),
                  (int) lround (expected->blue * 255) };
  pixel_rgb (image, x, y, rgb);
  for (int c = 0; c < 3; c++)
    if (abs (rgb[c] - want[c]) > 2)
      g_error ("pixel (%d, %d) is #%02x%02x%02x, expected #%02x%02x%02x", x, y, rgb[0], rgb[1],
               rgb[2], want[0], want[1], want[2]);
}

/* Dark enough to be the trace (even at 75 % antialiasing coverage) on light paper, whose
 * darkest grid colour has a luminance of about 0.65. */
static gboolean
is_trace (const Image *image, int x, int y)
{
  int rgb[3];
  pixel_rgb (image, x, y, rgb);
  double luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255.0;
  return luminance < 0.45;
}

/* The rows of column x where the trace is drawn, within the lead's row (y 50..299) less its
 * bottom 30 px, where the time labels and the calibration caption are written. */
static GArray *
trace_rows (const Image *image, int x)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (int));
  for (int y = 50; y < VIEW_HEIGHT - 30; y++)
    if (is_trace (image, x, y))
      g_array_append_val (rows, y);
  return rows;
}

/* Every trace pixel of column x lies within [expected_y - 2, expected_y + 1], and there is one. */
static void
assert_trace_at (const Image *image, int x, double expected_y)
{
  g_autoptr (GArray) rows = trace_rows (image, x);
  if (rows->len == 0)
    g_error ("no trace pixel in column %d (expected near y = %g)", x, expected_y);
  for (guint i = 0; i < rows->len; i++)
    {
      int y = g_array_index (rows, int, i);
      if (y < expected_y - 2 || y > expected_y + 1)
        g_error ("trace pixel at (%d, %d), expected only near y = %g", x, y, expected_y);
    }
}

/* ---- grid ------------------------------------------------------------------------------- */

/* y = 212 is clear of every horizontal line (210 and 215) and of the trace at 175. */
#define CLEAR_Y 212

static void
test_grid_lines (Fixture *f, gconstpointer data)
{
  const EcgPaperPalette *palette = ecg_waveform_view_get_palette (FALSE);
  g_auto (Image) image = { 0 };

  show_record (f, make_record (250.0, -1));
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_px_per_mm (f->view), PX_PER_MM, 1e-12);
  render (f, &image);

  /* Vertical lines: major at 25 px (0.2 s), minor at 30 px (0.24 s), paper at 27 px. */
  assert_pixel_is (&image, 25, CLEAR_Y, &palette->major_line);
  assert_pixel_is (&image, 100, CLEAR_Y, &palette->major_line);
  assert_pixel_is (&image, 30, CLEAR_Y, &palette->minor_line);
  assert_pixel_is (&image, 27, CLEAR_Y, &palette->paper);
  /* Horizontal lines: major at 225 (45 mm), minor at 215 (43 mm). */
  assert_pixel_is (&image, 27, 225, &palette->major_line);
  assert_pixel_is (&image, 27, 215, &palette->minor_line);
}

static void
test_grid_scrolls_with_time (Fixture *f, gconstpointer data)
{
  const EcgPaperPalette *palette = ecg_waveform_view_get_palette (FALSE);
  g_auto (Image) image = { 0 };
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);

  show_record (f, make_record (250.0, -1));
  /* 1500 px of record in a 600 px view. */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (hadjustment), 1500.0, 1e-9);
  /* Scrolled by 10 px, the major line of 0.2 s (25 px) moves to column 15. */
  gtk_adjustment_set_value (hadjustment, 10.0);
  spin_frames (f, 2);
  render (f, &image);
  assert_pixel_is (&image, 15, CLEAR_Y, &palette->major_line);
  assert_pixel_is (&image, 25, CLEAR_Y, &palette->minor_line);
}

static void
test_grid_minor_hidden_when_zoomed_out (Fixture *f, gconstpointer data)
{
  const EcgPaperPalette *palette = ecg_waveform_view_get_palette (FALSE);

  show_record (f, make_record (250.0, -1));

  /* Zoom 0.5: 2.5 px per mm horizontally, below 3: no minor line either way. */
  {
    g_auto (Image) image = { 0 };
    ecg_waveform_view_set_time_zoom (f->view, 0.5);
    ecg_waveform_view_scroll_to_time (f->view, 0.0);
    spin_frames (f, 2);
    render (f, &image);
    g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_paper_speed (f->view), 12.5, 1e-12);
    assert_pixel_is (&image, 12, CLEAR_Y, &palette->major_line); /* 5 mm at 12.5 px */
    assert_pixel_is (&image, 5, CLEAR_Y, &palette->paper);        /* where 2 mm would be */
    assert_pixel_is (&image, 7, 215, &palette->paper);            /* where 43 mm would be */
    assert_pixel_is (&image, 7, 225, &palette->major_line);
  }
  /* Zoom 0.75: 3.75 px per mm, minor lines are back (1 mm at x = 3.75 → column 3). */
  {
    g_auto (Image) image = { 0 };
    ecg_waveform_view_set_time_zoom (f->view, 0.75);
    ecg_waveform_view_scroll_to_time (f->view, 0.0);
    spin_frames (f, 2);
    render (f, &image);
    assert_pixel_is (&image, 3, CLEAR_Y, &palette->minor_line);
    assert_pixel_is (&image, 18, CLEAR_Y, &palette->major_line); /* 18.75 → column 18 */
  }
}

static void
test_dark_paper (Fixture *f, gconstpointer data)
{
  const EcgPaperPalette *dark = ecg_waveform_view_get_palette (TRUE);
  const EcgPaperPalette *light = ecg_waveform_view_get_palette (FALSE);
  g_auto (Image) image = { 0 };

  /* The two palettes must differ where it matters. */
  g_assert_false (gdk_rgba_equal (&dark->paper, &light->paper));
  g_assert_false (gdk_rgba_equal (&dark->major_line, &light->major_line));

  show_record (f, make_record (250.0, -1));
  ecg_waveform_view_set_dark_paper (f->view, TRUE);
  spin_frames (f, 2);
  render (f, &image);
  assert_pixel_is (&image, 25, CLEAR_Y, &dark->major_line);
  assert_pixel_is (&image, 30, CLEAR_Y, &dark->minor_line);
  assert_pixel_is (&image, 27, CLEAR_Y, &dark->paper);
}

/* ---- trace ------------------------------------------------------------------------------ */

/* 1 mV is 10 mm = 50 px above the baseline; 0 mV is on it. Run at 100 Hz (1.25 px per sample:
 * joined samples) and 250 Hz (2 samples per pixel column: min/max columns). */
static void
test_trace_square_pulse (Fixture *f, gconstpointer data)
{
  double fs = *(const double *) data;
  g_auto (Image) image = { 0 };

  show_record (f, make_record (fs, -1));
  render (f, &image);
  assert_trace_at (&image, 275, BASELINE_Y - 1.0 * 10.0 * PX_PER_MM); /* t = 2.2 s, 1 mV */
  assert_trace_at (&image, 150, BASELINE_Y);                           /* t = 1.2 s, 0 mV */
  assert_trace_at (&image, 400, BASELINE_Y);                           /* t = 3.2 s, 0 mV */
  /* The rising edge at t = 2.0 s (x = 250) joins the two levels: between them, every row
   * has a trace pixel in one of the columns around the edge. */
  for (int y = BASELINE_Y - 48; y <= BASELINE_Y - 2; y++)
    {
      gboolean found = FALSE;
      for (int x = 248; x <= 251; x++)
        found = found || is_trace (&image, x, y);
      if (!found)
        g_error ("the rising edge misses row %d", y);
    }
}

/* At 1000 Hz one pixel column holds 8 samples: a single 2 mV sample (t = 2.003 s, column
 * floor(2.003 * 125) = 250) must still reach 2 * 50 = 100 px above the baseline. */
static void
test_trace_decimation_keeps_spike (Fixture *f, gconstpointer data)
{
  g_auto (Image) image = { 0 };

  show_record (f, make_record (1000.0, 2003));
  render (f, &image);

  double spike_y = BASELINE_Y - 2.0 * 10.0 * PX_PER_MM;
  gboolean reached = FALSE;
  for (int x = 249; x <= 251; x++)
    for (int y = (int) spike_y - 1; y <= (int) spike_y + 1; y++)
      reached = reached || is_trace (&image, x, y);
  g_assert_true (reached);
  /* Nowhere else does the trace go above the 1 mV level (x >= 40 clears the lead name). */
  for (int x = 40; x < VIEW_WIDTH; x++)
    if (x < 248 || x > 252)
      for (int y = 50; y < BASELINE_Y - 55; y++)
        if (is_trace (&image, x, y))
          g_error ("trace pixel at (%d, %d) above the pulse", x, y);
}

/* ---- annotation labels ------------------------------------------------------------------ */

/* Pixels of the beat-label colour (a clear blue: blue exceeds red by more than 60) in the
 * lower half of the band (y 25..49), within `half_width` px of x. */
static int
count_beat_label_pixels (const Image *image, double x, int half_width)
{
  int count = 0;
  for (int px = (int) x - half_width; px <= (int) x + half_width; px++)
    for (int py = 25; py < 50; py++)
      {
        if (px < 0 || px >= image->width)
          continue;
        int rgb[3];
        pixel_rgb (image, px, py, rgb);
        if (rgb[2] - rgb[0] > 60)
          count++;
      }
  return count;
}

static void
test_labels_beats (Fixture *f, gconstpointer data)
{
  g_auto (Image) image = { 0 };

  show_record (f, make_record (250.0, -1));
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_labels (f->view);

  /* 3 beats at 0.5, 1.5, 3.0 s → x = 62.5, 187.5, 375; one rhythm label at x = 0. */
  static const double beat_x[] = { 62.5, 187.5, 375.0 };
  static const char *const beat_symbol[] = { "N", "V", "A" };
  guint n_beats = 0, n_others = 0;
  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformLabel *label = &g_array_index (labels, EcgWaveformLabel, i);
      if (label->is_beat)
        {
          g_assert_cmpuint (n_beats, <, 3);
          g_assert_cmpfloat_with_epsilon (label->x, beat_x[n_beats], 1e-9);
          g_assert_cmpstr (label->text, ==, beat_symbol[n_beats]);
          /* Centred on the beat, inside the lower half of the 50 px band. */
          g_assert_cmpfloat_with_epsilon (label->left, label->x - label->width / 2.0, 1e-9);
          g_assert_cmpfloat (label->y, >=, 25.0 - 1.0);
          g_assert_cmpfloat (label->y + label->height, <=, 50.0 + 1.0);
          n_beats++;
        }
      else
        {
          g_assert_cmpfloat_with_epsilon (label->x, 0.0, 1e-9);
          g_assert_cmpstr (label->text, ==, "(N");
          g_assert_cmpfloat (label->y + label->height, <=, 25.0 + 1.0);
          n_others++;
        }
    }
  g_assert_cmpuint (n_beats, ==, 3);
  g_assert_cmpuint (n_others, ==, 1);

  /* Each beat symbol is drawn where it was laid out, and nothing blue lies between them. */
  render (f, &image);
  for (guint i = 0; i < G_N_ELEMENTS (beat_x); i++)
    g_assert_cmpint (count_beat_label_pixels (&image, beat_x[i], 8), >, 5);
  g_assert_cmpint (count_beat_label_pixels (&image, 125.0, 20), ==, 0);
  g_assert_cmpint (count_beat_label_pixels (&image, 290.0, 40), ==, 0);
}

static void
test_labels_follow_scrolling (Fixture *f, gconstpointer data)
{
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);

  show_record (f, make_record (250.0, -1));
  gtk_adjustment_set_value (hadjustment, 100.0);
  spin_frames (f, 1);
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_labels (f->view);

  /* The N at 62.5 px and the rhythm label at 0 px are now left of the view. */
  g_assert_cmpuint (labels->len, ==, 2);
  const EcgWaveformLabel *first = &g_array_index (labels, EcgWaveformLabel, 0);
  const EcgWaveformLabel *second = &g_array_index (labels, EcgWaveformLabel, 1);
  g_assert_true (first->is_beat && second->is_beat);
  g_assert_cmpfloat_with_epsilon (first->x, 87.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (second->x, 275.0, 1e-9);
  g_assert_cmpint (first->sample, ==, 375);
}

/* ---- zoom ------------------------------------------------------------------------------- */

static void
test_zoom_keeps_centre (Fixture *f, gconstpointer data)
{
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);

  show_record (f, make_record (250.0, -1));
  gtk_adjustment_set_value (hadjustment, 500.0);

  /* Centre at (500 + 300) / 125 = 6.4 s. At 50 mm/s (250 px/s) it stays at x = 300:
   * value = 6.4 * 250 - 300 = 1300, and the record is 3000 px wide. */
  ecg_waveform_view_zoom_in (f->view);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_time_zoom (f->view), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_paper_speed (f->view), 50.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (hadjustment), 3000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 1300.0, 1e-9);

  /* Two steps out: 12.5 mm/s, 62.5 px/s, 750 px wide; centre 6.4 s → 400 - 300 = 100. */
  ecg_waveform_view_zoom_out (f->view);
  ecg_waveform_view_zoom_out (f->view);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_paper_speed (f->view), 12.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 100.0, 1e-9);

  /* The keys step through powers of two from wherever the wheel left the zoom. */
  ecg_waveform_view_set_time_zoom (f->view, 0.7);
  ecg_waveform_view_zoom_in (f->view);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_time_zoom (f->view), 1.0, 1e-12);
  ecg_waveform_view_set_time_zoom (f->view, 0.7);
  ecg_waveform_view_zoom_out (f->view);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_time_zoom (f->view), 0.5, 1e-12);
}

static void
test_zoom_keys (Fixture *f, gconstpointer data)
{
  show_record (f, make_record (250.0, -1));

  /* The key bindings are declared actions of the view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.zoom-in", NULL));
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_paper_speed (f->view), 50.0, 1e-12);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.zoom-reset", NULL));
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_paper_speed (f->view), 25.0, 1e-12);

  /* Right arrow: one second (125 px) later. */
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (f->scroller);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.scroll-step",
                                             "i", 1));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 125.0, 1e-9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "waveform.scroll-to-end",
                                             NULL));
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (hadjustment), 900.0, 1e-9);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  static const double fs_joined = 100.0, fs_decimated = 250.0;

#define ADD(path, func, data)                                                                  \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/waveform-view/grid/lines", test_grid_lines, NULL);
  ADD ("/ui/waveform-view/grid/scrolls-with-time", test_grid_scrolls_with_time, NULL);
  ADD ("/ui/waveform-view/grid/minor-hidden-when-zoomed-out",
       test_grid_minor_hidden_when_zoomed_out, NULL);
  ADD ("/ui/waveform-view/grid/dark-paper", test_dark_paper, NULL);
  ADD ("/ui/waveform-view/trace/square-pulse-joined", test_trace_square_pulse, &fs_joined);
  ADD ("/ui/waveform-view/trace/square-pulse-decimated", test_trace_square_pulse,
       &fs_decimated);
  ADD ("/ui/waveform-view/trace/decimation-keeps-spike", test_trace_decimation_keeps_spike,
       NULL);
  ADD ("/ui/waveform-view/labels/beats", test_labels_beats, NULL);
  ADD ("/ui/waveform-view/labels/follow-scrolling", test_labels_follow_scrolling, NULL);
  ADD ("/ui/waveform-view/zoom/keeps-centre", test_zoom_keeps_centre, NULL);
  ADD ("/ui/waveform-view/zoom/actions", test_zoom_keys, NULL);
#undef ADD

  return g_test_run ();
}
