/* Tests of drawing figures with PLplot: each file format has its magic bytes and page size,
 * cairo rendering draws the series and leaves the context as it was, and the edge cases that
 * would make PLplot end the process (NaN, no points, zero-range axes, unwritable files) are
 * refused or drawn safely. */
#include <math.h>
#include <plplot.h>
#include <string.h>

#include "ecg-error.h"
#include "plot-fixture.h"
#include "plot/ecg-plot-render.h"
#include "test-util.h"

typedef struct
{
  char *dir;
  GPtrArray *runs;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  g_autofree char *store = plot_fixture_store (f->dir);
  f->runs = plot_fixture_runs (store);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_ptr_array_unref (f->runs);
  ecg_test_tmpdir_free (f->dir);
}

/* The file's bytes; fails the test when it is missing or empty. */
static GBytes *
read_file (const char *path)
{
  char *contents = NULL;
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 0);
  return g_bytes_new_take (contents, length);
}

static void
assert_png (const char *path, guint32 width, guint32 height)
{
  g_autoptr (GBytes) bytes = read_file (path);
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, >, 24);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  guint32 w = (guint32)data[16] << 24 | (guint32)data[17] << 16 | data[18] << 8 | data[19];
  guint32 h = (guint32)data[20] << 24 | (guint32)data[21] << 16 | data[22] << 8 | data[23];
  g_assert_cmpuint (w, ==, width);
  g_assert_cmpuint (h, ==, height);
}

static void
render_ok (const EcgPlotSpec *spec, EcgPlotFormat format, const char *path, int w, int h)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_plot_render_file (spec, format, path, w, h, &error));
  g_assert_no_error (error);
}

static void
test_png (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_ENERGY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_autofree char *path = g_build_filename (f->dir, "f1-vs-energy.png", NULL);
  render_ok (spec, ECG_PLOT_FORMAT_PNG, path, ECG_PLOT_DEFAULT_WIDTH, ECG_PLOT_DEFAULT_HEIGHT);
  assert_png (path, 800, 500);
  g_autofree char *large = g_build_filename (f->dir, "large.png", NULL);
  render_ok (spec, ECG_PLOT_FORMAT_PNG, large, 1600, 1000);
  assert_png (large, 1600, 1000);
}

static void
test_svg (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_autofree char *path = g_build_filename (f->dir, "f1.svg", NULL);
  render_ok (spec, ECG_PLOT_FORMAT_SVG, path, 800, 500);
  g_autoptr (GBytes) bytes = read_file (path);
  gsize n;
  const char *text = g_bytes_get_data (bytes, &n);
  g_assert_true (g_str_has_prefix (text, "<?xml") || g_str_has_prefix (text, "<svg"));
  g_assert_nonnull (g_strstr_len (text, n, "<svg"));
}

static void
test_pdf (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_LOSS_CURVES, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_autofree char *path = g_build_filename (f->dir, "loss.pdf", NULL);
  render_ok (spec, ECG_PLOT_FORMAT_PDF, path, 800, 500);
  g_autoptr (GBytes) bytes = read_file (path);
  gsize n;
  const char *text = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, >, 5);
  g_assert_cmpmem (text, 5, "%PDF-", 5);
}

static void
test_every_kind (Fixture *f, gconstpointer data)
{
  for (EcgPlotKind kind = ECG_PLOT_F1_VS_SPARSITY; kind <= ECG_PLOT_LOSS_CURVES; kind++)
    for (EcgPlotEnergy energy = ECG_PLOT_ENERGY_OP_MODEL_45NM; energy <= ECG_PLOT_ENERGY_MEASURED;
         energy++)
      {
        g_autoptr (EcgPlotSpec) spec = ecg_plot_spec_build (kind, energy, f->runs);
        g_autofree char *name = g_strdup_printf ("%s-%s.png", ecg_plot_kind_to_string (kind),
                                                 ecg_plot_energy_to_string (energy));
        g_autofree char *path = g_build_filename (f->dir, name, NULL);
        render_ok (spec, ECG_PLOT_FORMAT_PNG, path, 640, 400);
        assert_png (path, 640, 400);
      }
}

/* Specs PLplot would choke on if it were given them raw. */
static GPtrArray *
edge_case_specs (void)
{
  GPtrArray *specs = g_ptr_array_new_with_free_func ((GDestroyNotify)ecg_plot_spec_free);
  /* No series at all. */
  g_ptr_array_add (specs, ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "none", "x", "y"));
  /* Only empty series. */
  EcgPlotSpec *empty = ecg_plot_spec_new (ECG_PLOT_LOSS_CURVES, "empty", "x", "y");
  ecg_plot_spec_add_series (empty, 1, "#1 no steps");
  ecg_plot_spec_add_series (empty, 2, "#2 no steps");
  g_ptr_array_add (specs, empty);
  /* NaN and infinite values only, then mixed with one finite point. */
  EcgPlotSpec *nan_only = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "nan", "x", "y");
  EcgPlotSeries *s = ecg_plot_spec_add_series (nan_only, 1, "#1 nan");
  EcgPlotPoint bad[] = { { NAN, 0.5 }, { 1.0, NAN }, { INFINITY, 1.0 }, { 2.0, -INFINITY } };
  g_array_append_vals (s->points, bad, G_N_ELEMENTS (bad));
  g_ptr_array_add (specs, nan_only);
  EcgPlotSpec *one = ecg_plot_spec_new (ECG_PLOT_F1_VS_ENERGY, "one point", "x", "y");
  s = ecg_plot_spec_add_series (one, 1, "#1 one");
  g_array_append_vals (s->points, bad, G_N_ELEMENTS (bad));
  EcgPlotPoint good = { 3.0, 0.8, 1, 0 };
  g_array_append_val (s->points, good);
  g_array_append_val (one->pareto, good);
  g_array_append_vals (one->pareto, bad, G_N_ELEMENTS (bad));
  g_ptr_array_add (specs, one);
  /* Zero range on both axes: equal points; zero at the origin. */
  EcgPlotSpec *flat = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "flat", "x", "y");
  s = ecg_plot_spec_add_series (flat, 1, "#1 flat");
  EcgPlotPoint zero[] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
  g_array_append_vals (s->points, zero, 3);
  g_ptr_array_add (specs, flat);
  /* A range far below the values' magnitude, a '#' and markup characters in texts, and a
   * label longer than the legend takes. */
  EcgPlotSpec *tiny = ecg_plot_spec_new (ECG_PLOT_F1_VS_SPARSITY, "#u <b>&", "#d", "#");
  s = ecg_plot_spec_add_series (tiny, 1,
                                "#1 <i>a & b</i> with a very long name indeed, much "
                                "longer than any legend should show");
  EcgPlotPoint near[] = { { 1e9, 1.0 }, { 1e9 + 1e-6, 1.0 + 1e-15 } };
  g_array_append_vals (s->points, near, 2);
  g_ptr_array_add (specs, tiny);
  return specs;
}

static void
test_edge_cases (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autoptr (GPtrArray) specs = edge_case_specs ();
  for (guint i = 0; i < specs->len; i++)
    {
      const EcgPlotSpec *spec = g_ptr_array_index (specs, i);
      g_autofree char *name = g_strdup_printf ("edge-%u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      render_ok (spec, ECG_PLOT_FORMAT_PNG, path, 400, 300);
      assert_png (path, 400, 300);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
      cairo_t *cr = cairo_create (surface);
      g_autoptr (GError) error = NULL;
      g_assert_true (ecg_plot_render_cairo (spec, cr, 400, 300, &error));
      g_assert_no_error (error);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Counts pixels within 12 of `rgb` on each channel. */
static gsize
count_colour (cairo_surface_t *surface, const guint8 rgb[3])
{
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  gsize n = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 pixel = *(const guint32 *)(data + y * stride + 4 * x);
        int r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;
        n += ABS (r - rgb[0]) <= 12 && ABS (g - rgb[1]) <= 12 && ABS (b - rgb[2]) <= 12;
      }
  return n;
}

static void
test_cairo (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 400);
  cairo_t *cr = cairo_create (surface);
  /* A caller's own transform and colour, which must survive. */
  cairo_translate (cr, 0.0, 0.0);
  cairo_set_source_rgb (cr, 0.25, 0.5, 0.75);
  cairo_matrix_t before, after;
  cairo_get_matrix (cr, &before);
  PLINT stream_before, stream_after;
  plgstrm (&stream_before);

  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_plot_render_cairo (spec, cr, 640, 400, &error));
  g_assert_no_error (error);

  plgstrm (&stream_after);
  g_assert_cmpint (stream_after, ==, stream_before);
  cairo_get_matrix (cr, &after);
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
  double r, g, b, a;
  g_assert_cmpint (cairo_pattern_get_rgba (cairo_get_source (cr), &r, &g, &b, &a), ==,
                   CAIRO_STATUS_SUCCESS);
  g_assert_cmpfloat (r, ==, 0.25);
  g_assert_cmpfloat (b, ==, 0.75);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_get_reference_count (cr), ==, 1);

  /* White paper, the first series in Okabe–Ito blue and the second in vermillion. */
  static const guint8 white[3] = { 255, 255, 255 }, blue[3] = { 0, 114, 178 },
                      vermillion[3] = { 213, 94, 0 };
  g_assert_cmpuint (count_colour (surface, white), >, 640 * 400 / 2);
  g_assert_cmpuint (count_colour (surface, blue), >, 100);
  g_assert_cmpuint (count_colour (surface, vermillion), >, 100);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The RGB of pixel (x, y) of an RGB24 surface. */
static guint32
pixel_at (cairo_surface_t *surface, int x, int y)
{
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  return *(const guint32 *)(data + y * cairo_image_surface_get_stride (surface) + 4 * x) & 0xffffff;
}

static void
test_cairo_translated (Fixture *f, gconstpointer data)
{
  /* A widget inside a window draws through a translated (and, on HiDPI, scaled) context: the
   * plot lands in the widget's rectangle and nothing outside it is touched. */
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1000, 700);
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.0, 0.0, 0.0);
  cairo_paint (cr);
  cairo_translate (cr, 100, 50);
  cairo_scale (cr, 1.5, 1.5);
  g_assert_true (ecg_plot_render_cairo (spec, cr, 500, 400, NULL));
  /* Device rectangle of the plot: (100, 50)–(850, 650). */
  g_assert_cmphex (pixel_at (surface, 99, 300), ==, 0x000000);
  g_assert_cmphex (pixel_at (surface, 851, 300), ==, 0x000000);
  g_assert_cmphex (pixel_at (surface, 500, 49), ==, 0x000000);
  g_assert_cmphex (pixel_at (surface, 500, 651), ==, 0x000000);
  g_assert_cmphex (pixel_at (surface, 102, 52), ==, 0xffffff);
  g_assert_cmphex (pixel_at (surface, 847, 647), ==, 0xffffff);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_streams_released (Fixture *f, gconstpointer data)
{
  /* PLplot has 100 streams: 120 renders only work when each one ends its stream. */
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_ACCURACY_VS_SPARSITY, ECG_PLOT_ENERGY_PROXY, f->runs);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 120, 90);
  cairo_t *cr = cairo_create (surface);
  for (int i = 0; i < 120; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (ecg_plot_render_cairo (spec, cr, 120, 90, &error));
      g_assert_no_error (error);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

typedef struct
{
  const EcgPlotSpec *spec;
  char *path;
  gboolean ok;
} ThreadRender;

static gpointer
render_in_thread (gpointer data)
{
  ThreadRender *job = data;
  for (int i = 0; i < 3; i++)
    job->ok = ecg_plot_render_file (job->spec, ECG_PLOT_FORMAT_PNG, job->path, 300, 200, NULL);
  return NULL;
}

static void
test_concurrent_calls_serialised (Fixture *f, gconstpointer data)
{
  /* Two threads rendering at once wait for each other instead of corrupting PLplot's state. */
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_PROXY, f->runs);
  ThreadRender jobs[2] = { { spec, g_build_filename (f->dir, "t0.png", NULL), FALSE },
                           { spec, g_build_filename (f->dir, "t1.png", NULL), FALSE } };
  GThread *threads[2];
  for (int i = 0; i < 2; i++)
    threads[i] = g_thread_new ("render", render_in_thread, &jobs[i]);
  for (int i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (jobs[i].ok);
      assert_png (jobs[i].path, 300, 200);
      g_free (jobs[i].path);
    }
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (EcgPlotSpec) spec
      = ecg_plot_spec_build (ECG_PLOT_F1_VS_SPARSITY, ECG_PLOT_ENERGY_OP_MODEL_45NM, f->runs);
  g_autoptr (GError) error = NULL;
  /* An unwritable file is an error, not PLplot's exit. */
  g_autofree char *bad = g_build_filename (f->dir, "missing-dir", "x.png", NULL);
  g_assert_false (ecg_plot_render_file (spec, ECG_PLOT_FORMAT_PNG, bad, 800, 500, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);
  g_autofree char *path = g_build_filename (f->dir, "x.png", NULL);
  g_assert_false (ecg_plot_render_file (spec, ECG_PLOT_FORMAT_PNG, path, 99, 500, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_plot_render_file (spec, ECG_PLOT_FORMAT_PNG, path, 800, 10001, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ecg_plot_render_file (spec, ECG_PLOT_FORMAT_CSV, path, 800, 500, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);
  /* ...while export writes CSV without PLplot. */
  g_autofree char *csv = g_build_filename (f->dir, "x.csv", NULL);
  g_assert_true (ecg_plot_export (spec, ECG_PLOT_FORMAT_CSV, csv, 0, 0, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) bytes = read_file (csv);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 19, "run,label,step,x,y\n", 19);
}

static void
test_formats (void)
{
  EcgPlotFormat format;
  g_assert_true (ecg_plot_format_from_string ("PNG", &format));
  g_assert_cmpint (format, ==, ECG_PLOT_FORMAT_PNG);
  g_assert_true (ecg_plot_format_from_path ("/tmp/a.b/plot.Svg", &format));
  g_assert_cmpint (format, ==, ECG_PLOT_FORMAT_SVG);
  g_assert_true (ecg_plot_format_from_path ("out.csv", &format));
  g_assert_cmpint (format, ==, ECG_PLOT_FORMAT_CSV);
  g_assert_true (ecg_plot_format_from_path ("x.pdf", &format));
  g_assert_cmpint (format, ==, ECG_PLOT_FORMAT_PDF);
  g_assert_false (ecg_plot_format_from_path ("/tmp/a.png/plot", &format));
  g_assert_false (ecg_plot_format_from_path ("plot.jpeg", &format));
  g_assert_false (ecg_plot_format_from_string ("gif", &format));
  g_assert_cmpstr (ecg_plot_format_to_string (ECG_PLOT_FORMAT_PDF), ==, "pdf");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/plot/render/formats", test_formats);
  g_test_add_func ("/engine/plot/render/edge-cases", test_edge_cases);
#define ADD(path, func)                                                                            \
  g_test_add ("/engine/plot/render/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("png", test_png);
  ADD ("svg", test_svg);
  ADD ("pdf", test_pdf);
  ADD ("every-kind", test_every_kind);
  ADD ("cairo", test_cairo);
  ADD ("cairo-translated", test_cairo_translated);
  ADD ("streams-released", test_streams_released);
  ADD ("concurrent-calls-serialised", test_concurrent_calls_serialised);
  ADD ("refused", test_refused);
#undef ADD
  return g_test_run ();
}
