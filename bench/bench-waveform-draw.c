/* bench-waveform-draw.c — how long the waveform view's draw function takes.
 *
 * Shows a 30-minute 2-lead record (MIT-BIH 100 from $ECGWB_DATA/mitdb, or a synthetic
 * 30-minute 2-lead record at 360 Hz when ECGWB_DATA is unset) in an EcgWaveformView of
 * 1280 x 400 px at 96 dpi, scrolled to the middle of the record, and times
 * ecg_waveform_view_draw() into a 1280 x 400 Cairo image surface (grid, both traces, beat
 * labels, lead names, caption, time labels) at three paper speeds:
 *   25 mm/s     (zoom 1):    13.5 s across, ~3.8 samples per pixel column (scan)
 *   6.25 mm/s   (zoom 1/4):  54 s across,   ~15 samples per column (scan)
 *   1.5625 mm/s (zoom 1/16): 217 s across,  ~61 samples per column (min/max pyramid)
 * and, for each, the full GTK path: the widget's snapshot (which records the Cairo drawing)
 * replayed into the same image surface. Then the column min/max itself, scanned and from the
 * pyramid, for the widest zoom and for the whole record across 1280 px (506 samples/column).
 * Prints medians and p90 of the wall time and of the thread's CPU time (the two differ when the
 * machine is busy and the process waits for a core) over REPEATS draws per speed, the speeds
 * taken in turn, after 10 warm-up rounds. Goal: draw <= 8 ms.
 *
 * Needs a display and the compiled GSettings schema:
 *   GSETTINGS_SCHEMA_DIR=build/resources GSETTINGS_BACKEND=memory GTK_A11Y=none \
 *     ECGWB_DATA=/abs/path/shared/data xvfb-run -a -s "-screen 0 1280x800x24" \
 *     build/bench/bench-waveform-draw [REPEATS] [PNG_DIR]
 * With PNG_DIR, the drawn image of each speed is saved there.
 */
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ecg-waveform-view.h"
#include "signal/ecg-minmax-pyramid.h"
#include "signal/ecg-synth.h"

#define WIDTH 1280
#define HEIGHT 400
#define WARM_UP 10

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: what the drawing itself costs, without the time the (shared, busy)
 * machine gave to other processes meanwhile. */
static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Sorts `values` and returns the p-quantile (nearest rank). */
static double
quantile (double *values, int n, double p)
{
  qsort (values, (size_t) n, sizeof (double), compare_doubles);
  int rank = (int) ceil (p * n) - 1;
  return values[CLAMP (rank, 0, n - 1)];
}

static EcgRecord *
load_record (void)
{
  const char *data = g_getenv ("ECGWB_DATA");
  g_autoptr (GError) error = NULL;
  if (data != NULL && data[0] != '\0')
    {
      g_autofree char *path = g_build_filename (data, "mitdb", "100", NULL);
      EcgRecord *record = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, &error);
      if (record != NULL)
        return record;
      g_printerr ("%s: %s; using a synthetic record\n", path, error->message);
      g_clear_error (&error);
    }
  EcgSynthOptions options;
  ecg_synth_options_init (&options);
  options.duration_s = 1800.0;
  options.heart_rate_bpm = 75.0;
  EcgRecord *record = ecg_synth_record ("synthetic-30min", &options, &error);
  if (record == NULL)
    g_error ("synthetic record: %s", error->message);
  return record;
}

static gboolean
ready (EcgWaveformView *view)
{
  return gtk_widget_get_width (GTK_WIDGET (view)) == WIDTH
         && gtk_widget_get_height (GTK_WIDGET (view)) == HEIGHT
         && gtk_widget_get_mapped (GTK_WIDGET (view))
         && !ecg_waveform_view_get_display_pending (view);
}

/* Sets the paper speed and scrolls to the middle of the record. */
static void
show_level (EcgWaveformView *view, GtkAdjustment *hadjustment, double zoom)
{
  ecg_waveform_view_set_time_zoom (view, zoom);
  double middle = gtk_adjustment_get_upper (hadjustment) / 2.0;
  gtk_adjustment_set_value (hadjustment, middle - WIDTH / 2.0);
}

/* One draw of the view's draw function into `surface`: wall time in ms, and the thread's CPU
 * time in `cpu`. */
static double
time_draw (EcgWaveformView *view, cairo_surface_t *surface, double *cpu)
{
  cairo_t *cr = cairo_create (surface);
  double c0 = cpu_ms ();
  double t0 = now_ms ();
  ecg_waveform_view_draw (view, cr);
  cairo_surface_flush (surface);
  double t1 = now_ms ();
  *cpu = cpu_ms () - c0;
  cairo_destroy (cr);
  return t1 - t0;
}

/* The widget's snapshot (recording the drawing) replayed into `surface`, in ms. */
static double
time_snapshot (EcgWaveformView *view, cairo_surface_t *surface)
{
  cairo_t *cr = cairo_create (surface);
  double t0 = now_ms ();
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (view)->snapshot (GTK_WIDGET (view), snapshot);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  gsk_render_node_draw (node, cr);
  cairo_surface_flush (surface);
  double t1 = now_ms ();
  gsk_render_node_unref (node);
  cairo_destroy (cr);
  return t1 - t0;
}

/* The min/max of `columns` columns of `per_column` samples from the middle of `samples`:
 * scanned, and from the pyramid. Medians over `repeats`, in ms. */
static void
time_columns (const float *samples, gsize n, const EcgMinMaxPyramid *pyramid, double per_column,
              int columns, int repeats, double *scan_ms, double *pyramid_ms)
{
  double *scan = g_new (double, repeats), *pyr = g_new (double, repeats);
  gint64 start = (gint64) (n / 2) - (gint64) (per_column * columns / 2);
  start = MAX (start, 0);
  volatile float sink = 0.0f;
  for (int r = 0; r < repeats; r++)
    {
      double t0 = now_ms ();
      for (int c = 0; c < columns; c++)
        {
          gint64 s0 = start + (gint64) ceil (c * per_column);
          gint64 s1 = MIN (start + (gint64) ceil ((c + 1) * per_column), (gint64) n);
          float low = INFINITY, high = -INFINITY;
          for (gint64 s = s0; s < s1; s++)
            {
              low = MIN (low, samples[s]);
              high = MAX (high, samples[s]);
            }
          sink += high - low;
        }
      double t1 = now_ms ();
      for (int c = 0; c < columns; c++)
        {
          gint64 s0 = start + (gint64) ceil (c * per_column);
          gint64 s1 = MIN (start + (gint64) ceil ((c + 1) * per_column), (gint64) n);
          float low, high;
          ecg_minmax_pyramid_query (pyramid, s0, s1, &low, &high);
          sink += high - low;
        }
      double t2 = now_ms ();
      scan[r] = t1 - t0;
      pyr[r] = t2 - t1;
    }
  *scan_ms = quantile (scan, repeats, 0.5);
  *pyramid_ms = quantile (pyr, repeats, 0.5);
  g_free (scan);
  g_free (pyr);
}

int
main (int argc, char *argv[])
{
  int repeats = argc > 1 ? atoi (argv[1]) : 200;
  const char *png_dir = argc > 2 ? argv[2] : NULL;
  if (repeats < 1)
    {
      g_printerr ("usage: %s [REPEATS] [PNG_DIR]\n", argv[0]);
      return 2;
    }
  gtk_init ();

  EcgRecord *record = load_record ();
  g_print ("record %s: %d leads, %.0f Hz, %.1f min, %" G_GSIZE_FORMAT " annotations\n",
           record->name, record->n_leads, record->fs, record->n_samples / record->fs / 60.0,
           record->annotations != NULL ? record->annotations->n_items : 0);

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_policy (scroller, GTK_POLICY_EXTERNAL, GTK_POLICY_EXTERNAL);
  EcgWaveformView *view = ecg_waveform_view_new ();
  ecg_waveform_view_set_screen_dpi (view, 96.0);
  gtk_scrolled_window_set_child (scroller, GTK_WIDGET (view));
  gtk_window_set_child (window, GTK_WIDGET (scroller));
  gtk_window_present (window);

  double t0 = now_ms ();
  ecg_waveform_view_set_record (view, record);
  double set_ms = now_ms () - t0;
  while (!ready (view))
    g_main_context_iteration (NULL, TRUE);
  double built_ms = now_ms () - t0;
  g_print ("set_record on the main thread %.2f ms; display copy + pyramids ready after %.1f ms "
           "(worker thread)\n\n", set_ms, built_ms);

  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (scroller);
  static const double zooms[] = { 1.0, 0.25, 1.0 / 16.0 };
  enum { N_LEVELS = G_N_ELEMENTS (zooms) };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  double *draw[N_LEVELS], *draw_cpu[N_LEVELS], *snap[N_LEVELS];
  for (int level = 0; level < N_LEVELS; level++)
    {
      draw[level] = g_new (double, repeats);
      draw_cpu[level] = g_new (double, repeats);
      snap[level] = g_new (double, repeats);
    }
  /* Round robin over the levels, so that a busy moment of the machine hits them alike. */
  for (int i = -WARM_UP; i < repeats; i++)
    for (int level = 0; level < N_LEVELS; level++)
      {
        show_level (view, hadjustment, zooms[level]);
        double c;
        double d = time_draw (view, surface, &c);
        double t = time_snapshot (view, surface);
        if (i >= 0)
          {
            draw[level][i] = d;
            draw_cpu[level][i] = c;
            snap[level][i] = t;
          }
      }

  g_print ("| paper speed | span | samples/column | draw median | draw p90 | draw CPU median "
           "| draw CPU p90 | snapshot+replay median |\n|---|---|---|---|---|---|---|---|\n");
  for (int level = 0; level < N_LEVELS; level++)
    {
      show_level (view, hadjustment, zooms[level]);
      double unused;
      time_draw (view, surface, &unused);
      if (png_dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("waveform-draw-%g-mm-s.png",
                                                   ecg_waveform_view_get_paper_speed (view));
          g_autofree char *path = g_build_filename (png_dir, name, NULL);
          cairo_surface_write_to_png (surface, path);
        }
      double pps = ecg_waveform_view_get_px_per_mm_x (view) * ECG_PAPER_SPEED_MM_PER_S;
      double snap_median = quantile (snap[level], repeats, 0.5);
      double draw_p90 = quantile (draw[level], repeats, 0.9);
      double draw_median = quantile (draw[level], repeats, 0.5);
      double cpu_p90 = quantile (draw_cpu[level], repeats, 0.9);
      double cpu_median = quantile (draw_cpu[level], repeats, 0.5);
      g_print ("| %g mm/s | %.1f s | %.1f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n",
               ecg_waveform_view_get_paper_speed (view), WIDTH / pps, record->fs / pps,
               draw_median, draw_p90, cpu_median, cpu_p90, snap_median);
      g_free (draw[level]);
      g_free (draw_cpu[level]);
      g_free (snap[level]);
    }
  cairo_surface_destroy (surface);

  /* The column min/max alone, lead 0. */
  gsize n = (gsize) record->n_samples;
  g_autoptr (EcgMinMaxPyramid) pyramid = ecg_minmax_pyramid_new (record->leads[0].samples, n);
  double pps_min = 96.0 / 25.4 / 16.0 * ECG_PAPER_SPEED_MM_PER_S;
  double per_column[] = { record->fs / pps_min, (double) n / WIDTH };
  g_print ("\n| samples/column | %d columns scanned | from the pyramid |\n|---|---|---|\n",
           WIDTH);
  for (gsize i = 0; i < G_N_ELEMENTS (per_column); i++)
    {
      double scan, pyr;
      time_columns (record->leads[0].samples, n, pyramid, per_column[i], WIDTH, repeats, &scan,
                    &pyr);
      g_print ("| %.1f | %.3f ms | %.3f ms |\n", per_column[i], scan, pyr);
    }

  gtk_window_destroy (window);
  return 0;
}
