/* test-strip-export.c — a strip written as a PDF page at true scale.
 *
 * Expected sizes are computed by hand from the page geometry in ecg-strip-export.h:
 * width = 20 mm + 25 mm/s x duration, height = 15 mm + 40 mm x rows + 10 mm, and PDF points
 * are 72 / 25.4 per mm. The drawing itself is checked on an image at 10 px per mm.
 */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "ecg-waveform-view.h"
#include "test-util.h"

#define PT_PER_MM (72.0 / 25.4)
#define PX_PER_MM 10.0

/* One lead "II" of 12 s at 250 Hz: 0 mV except a 1 mV pulse over [2.0 s, 2.4 s); with
 * `hum`, a 0.5 mV 50 Hz sine on top (for the filter caption). */
static EcgRecord *
make_record (gboolean hum)
{
  double fs = 250.0;
  gint64 n = 3000;
  g_autofree float *samples = g_new0 (float, n);
  for (gint64 t = 500; t < 600; t++)
    samples[t] = 1.0f;
  if (hum)
    for (gint64 t = 0; t < n; t++)
      samples[t] += (float) (0.5 * sin (2.0 * G_PI * 50.0 * t / fs));
  const char *const names[] = { "II" };
  const float *const leads[] = { samples };
  return ecg_record_new_from_samples ("strip", fs, n, 1, names, leads, 1000.0, NULL);
}

/* The first occurrence of `needle` in `length` bytes (which may hold NUL bytes), or NULL. */
static const char *
find_bytes (const char *bytes, gsize length, const char *needle)
{
  gsize n = strlen (needle);
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (bytes + i, needle, n) == 0)
      return bytes + i;
  return NULL;
}

/* The first "/MediaBox [ x0 y0 x1 y1 ]" of the PDF at `path`: its width and height (pt). */
static void
read_media_box (const char *path, double *width, double *height)
{
  g_autofree char *bytes = NULL;
  gsize length;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &bytes, &length, &error));
  g_assert_no_error (error);
  g_assert_true (length > 100 && memcmp (bytes, "%PDF-1.", 7) == 0);
  /* The file ends with the end-of-file marker (a complete document). */
  g_assert_nonnull (find_bytes (bytes + length - 8, 8, "%%EOF"));

  const char *box = find_bytes (bytes, length, "/MediaBox");
  g_assert_nonnull (box);
  double x0, y0, x1, y1;
  g_assert_cmpint (sscanf (box, "/MediaBox [ %lf %lf %lf %lf ]", &x0, &y0, &x1, &y1), ==, 4);
  g_assert_cmpfloat (x0, ==, 0.0);
  g_assert_cmpfloat (y0, ==, 0.0);
  *width = x1 - x0;
  *height = y1 - y0;
}

static void
assert_pdf_size_mm (const char *path, double width_mm, double height_mm)
{
  double width, height;
  read_media_box (path, &width, &height);
  /* Cairo prints page sizes with up to 6 decimals. */
  g_assert_cmpfloat_with_epsilon (width, width_mm * PT_PER_MM, 1e-3);
  g_assert_cmpfloat_with_epsilon (height, height_mm * PT_PER_MM, 1e-3);
}

static void
test_page_size (void)
{
  g_autoptr (EcgRecord) record = make_record (FALSE);
  char *dir = ecg_test_tmpdir_new ();
  g_autoptr (GError) error = NULL;

  /* 10 s of one lead: 270 x 65 mm = 765.354 x 184.252 pt. */
  g_autoptr (EcgStrip) strip = ecg_strip_new (record, NULL, ECG_LEAD_LAYOUT_STACKED, 0.0, 10.0,
                                              NULL);
  double width_mm, height_mm;
  ecg_strip_get_page_size (strip, &width_mm, &height_mm);
  g_assert_cmpfloat_with_epsilon (width_mm, 270.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (height_mm, 65.0, 1e-12);
  g_autofree char *path = g_build_filename (dir, "strip.pdf", NULL);
  g_assert_true (ecg_strip_write_pdf (strip, path, &error));
  g_assert_no_error (error);
  assert_pdf_size_mm (path, 270.0, 65.0);

  /* 10 s asked from 5 s of a 12 s record: 7 s, 195 mm. */
  g_autoptr (EcgStrip) cut = ecg_strip_new (record, NULL, ECG_LEAD_LAYOUT_STACKED, 5.0, 10.0,
                                            NULL);
  g_assert_cmpfloat_with_epsilon (ecg_strip_get_duration (cut), 7.0, 1e-12);
  g_autofree char *cut_path = g_build_filename (dir, "cut.pdf", NULL);
  g_assert_true (ecg_strip_write_pdf (cut, cut_path, &error));
  assert_pdf_size_mm (cut_path, 195.0, 65.0);

  /* The 12-lead layout has 4 rows: 15 + 160 + 10 = 185 mm high. */
  g_autoptr (EcgStrip) twelve = ecg_strip_new (record, NULL, ECG_LEAD_LAYOUT_STANDARD_12, 0.0,
                                               10.0, NULL);
  g_assert_cmpint (ecg_strip_get_n_rows (twelve), ==, 4);
  g_autofree char *twelve_path = g_build_filename (dir, "twelve.pdf", NULL);
  g_assert_true (ecg_strip_write_pdf (twelve, twelve_path, &error));
  assert_pdf_size_mm (twelve_path, 270.0, 185.0);

  /* A folder that does not exist: an I/O error naming the file. */
  g_autofree char *bad = g_build_filename (dir, "missing", "strip.pdf", NULL);
  g_assert_false (ecg_strip_write_pdf (strip, bad, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "strip.pdf"));

  ecg_test_tmpdir_free (dir);
}

static gboolean
is_dark (const guint8 *p)
{
  /* B, G, R */
  return (0.2126 * p[2] + 0.7152 * p[1] + 0.0722 * p[0]) / 255.0 < 0.45;
}

/* The drawing at 10 px/mm, where the 0.25 mm trace covers whole pixel rows: the grid's corner
 * is (10 mm, 15 mm) = (100, 150) px, major lines every 5 mm (50 px), the baseline 20 mm below
 * the row's top at 35 mm (350 px), 1 mV 10 mm (100 px) above it. */
static void
test_drawing_scale (void)
{
  g_autoptr (EcgRecord) record = make_record (FALSE);
  g_autoptr (EcgStrip) strip = ecg_strip_new (record, NULL, ECG_LEAD_LAYOUT_STACKED, 0.0, 4.0,
                                              NULL);
  double width_mm, height_mm;
  ecg_strip_get_page_size (strip, &width_mm, &height_mm); /* 120 x 65 mm */
  int width = (int) lround (width_mm * PX_PER_MM), height = (int) lround (height_mm * PX_PER_MM);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, PX_PER_MM, PX_PER_MM);
  ecg_strip_draw (strip, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
#define PIXEL(x, y) (data + (gsize) (y) * stride + (gsize) (x) * 4)

  /* On the row y = 535 (53.5 mm, between horizontal lines): the major line of 30 mm from the
   * corner (0.2 mm wide: columns 399 and 400) is the most saturated, the minor one of 31 mm
   * (0.08 mm across columns 409 and 410) lighter, paper at 405 lighter still (the green
   * channel of the palette: major 0x8f < minor 0xcc < paper 0xf6). */
  const EcgPaperPalette *palette = ecg_waveform_view_get_palette (FALSE);
  const guint8 *major = PIXEL (400, 535), *minor = PIXEL (410, 535), *paper = PIXEL (405, 535);
  g_assert_cmpint (abs (major[1] - (int) lround (palette->major_line.green * 255)), <=, 2);
  g_assert_cmpint (abs (paper[1] - (int) lround (palette->paper.green * 255)), <=, 2);
  g_assert_cmpint (paper[1], >, minor[1]);
  g_assert_cmpint (minor[1], >, major[1]);
  /* No major line at 32.5 mm (x 425): vertical lines are 1 mm apart from the corner only. */
  g_assert_cmpint (abs (PIXEL (425, 535)[1] - paper[1]), <=, 2);

  /* The trace at t = 1.22 s (x = 10 + 30.5 mm = 405 px) on the baseline, and at 2.2 s
   * (x = 65 mm = 650 px) 1 mV up: only rows within 2 px of 350 and 250 are dark. */
  int at_baseline = 0, at_pulse = 0;
  for (int y = 150; y < 550; y++)
    {
      if (is_dark (PIXEL (405, y)))
        {
          g_assert_cmpint (abs (y - 350), <=, 2);
          at_baseline++;
        }
      if (is_dark (PIXEL (650, y)))
        {
          g_assert_cmpint (abs (y - 250), <=, 2);
          at_pulse++;
        }
    }
  g_assert_cmpint (at_baseline, >=, 2);
  g_assert_cmpint (at_pulse, >=, 2);
  /* The 1 mV calibration pulse in the left margin: its top (x 3.5 .. 8.5 mm) at 25 mm. */
  g_assert_true (is_dark (PIXEL (60, 250)));
  g_assert_false (is_dark (PIXEL (60, 240)));
#undef PIXEL
  cairo_surface_destroy (surface);
}

/* ---- through the view ---------------------------------------------------------------------- */

static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(int *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
spin_frames (GtkWidget *widget, int n_frames)
{
  int frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (frames < n_frames)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  gtk_widget_remove_tick_callback (widget, id);
}

typedef struct
{
  gboolean done;
  GError *error;
} WriteResult;

static void
written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteResult *write = user_data;
  ecg_strip_write_pdf_finish (result, &write->error);
  write->done = TRUE;
}

/* The view at 127 dpi (125 px/s) in a 600 px window scrolled to 2 s exports 600 / 125 = 4.8 s
 * from 2 s: 140 mm wide, with the notch it draws named in the caption. */
static void
test_view_export (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 600, 300);
  gtk_window_set_decorated (window, FALSE);
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  EcgWaveformView *view = ecg_waveform_view_new ();
  ecg_waveform_view_set_screen_dpi (view, 127.0);
  gtk_scrolled_window_set_child (scroller, GTK_WIDGET (view));
  gtk_window_set_child (window, GTK_WIDGET (scroller));
  gtk_window_present (window);
  ecg_waveform_view_set_record (view, make_record (TRUE));
  ecg_waveform_view_set_mains_notch (view, ECG_MAINS_NOTCH_50_HZ);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (ecg_waveform_view_get_display_pending (view)
         || gtk_widget_get_width (GTK_WIDGET (view)) != 600)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  spin_frames (GTK_WIDGET (view), 2);
  gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (scroller), 250.0);

  g_autoptr (EcgStrip) strip = ecg_waveform_view_create_strip (view);
  g_assert_nonnull (strip);
  g_assert_cmpfloat_with_epsilon (ecg_strip_get_start (strip), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ecg_strip_get_duration (strip), 4.8, 1e-12);
  g_autofree char *caption = ecg_strip_get_caption (strip);
  g_assert_cmpstr (caption, ==,
                   "Record strip · 0:02.0 – 0:06.8 · 25 mm/s · 10 mm/mV · 50 Hz notch");

  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "view.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  WriteResult write = { FALSE, NULL };
  ecg_strip_write_pdf_async (g_steal_pointer (&strip), file, NULL, written, &write);
  while (!write.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (write.error);
  assert_pdf_size_mm (path, 140.0, 65.0);

  /* In the 12-lead layout the strip is one 10 s page. */
  ecg_waveform_view_set_lead_layout (view, ECG_LEAD_LAYOUT_STANDARD_12);
  g_autoptr (EcgStrip) page = ecg_waveform_view_create_strip (view);
  g_assert_cmpfloat_with_epsilon (ecg_strip_get_duration (page), 10.0, 1e-12);

  ecg_test_tmpdir_free (dir);
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/strip-export/page-size", test_page_size);
  g_test_add_func ("/ui/strip-export/drawing-scale", test_drawing_scale);
  g_test_add_func ("/ui/strip-export/view", test_view_export);
  return g_test_run ();
}
