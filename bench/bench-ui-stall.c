/* bench-ui-stall.c — how long the GTK main loop stalls while a compression job runs.
 *
 * Opens the main window on the demo records, starts a short pruning job (K steps, F fine-tune
 * epochs) on the demo model through the Compress page's own action (compression.run), and
 * while it runs keeps a timeout firing every `interval` ms at high priority. The main loop
 * wakes at least that often, so the gap between two consecutive callbacks bounds the longest
 * time anything on the main thread ran without returning to the loop: stall = gap − interval.
 * Prints the count, median, p99 and max of the stalls (goal: max ≤ 50 ms) and the longest ones
 * with when they happened and the job's status then. With --cycle-pages the window shows each
 * page in turn (Compress, Runs, Energy, Records) during the job, so that their refreshes and
 * drawing are measured too. To tell a blocking call from a busy machine, each gap is split into
 * the main thread's CPU time, its run-queue wait (/proc/thread-self/schedstat) and the rest
 * (blocked); the frame clock's paints are timed as well. Exit status 3 when the max exceeds
 * 50 ms.
 *
 * Needs a display (run under xvfb-run) and the compiled GSettings schema:
 *   GSETTINGS_SCHEMA_DIR=build/resources GSETTINGS_BACKEND=memory GTK_A11Y=none \
 *     xvfb-run -a -s "-screen 0 1280x800x24" build/bench/bench-ui-stall [--cycle-pages]
 */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ecg-application.h"
#include "ecg-config.h"
#include "ecg-window.h"
#include "measure/ecg-latency.h"

typedef struct
{
  gint64 at;      /* µs since the job started */
  double stall_ms;
  double cpu_ms;  /* CPU time the main thread used during the gap */
  double wait_ms; /* time it was runnable but waited for a core (-1 when unknown) */
  char *status;   /* the Compress page's status line then */
} Stall;

typedef struct
{
  EcgWindow *window;
  EcgCompressionPanel *panel;
  GMainLoop *loop;
  int interval_ms;
  gint64 started;        /* monotonic µs */
  gint64 last_tick;      /* monotonic µs of the previous callback */
  double last_cpu_ms;    /* the main thread's CPU time then */
  double last_wait_ms;   /* its run-queue wait then */
  GArray *stalls_ms;     /* double, one per callback */
  GArray *cpu_ms;        /* double: main-thread CPU time in each gap */
  GArray *blocked_ms;    /* double: the rest of the stall, neither running nor runnable */
  GArray *worst;         /* Stall, the longest few */
  gboolean job_seen;     /* the job has started running */
  gboolean cycle_pages;
  guint page;
  gboolean measuring;    /* between the job's start and end */
  gint64 paint_started;  /* monotonic µs of the frame clock's before-paint */
  double paint_cpu_ms;   /* the main thread's CPU time then */
  double frame_max_ms;   /* the longest frame, its CPU time and when */
  double frame_max_cpu_ms;
  gint64 frame_max_at;
  GArray *frame_ms;      /* double: before-paint to after-paint of each frame (layout, snapshot,
                          * render) during the job */
} Bench;

#define N_WORST 8

static void
stall_clear (gpointer data)
{
  g_free (((Stall *) data)->status);
}

/* CPU time of the calling thread, ms. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* Time the calling thread has waited on a run queue, ms (/proc/thread-self/schedstat: run
 * time, run-queue wait, time slices, in ns); -1 when the kernel does not say. */
static double
thread_wait_ms (void)
{
  char buffer[128];
  FILE *file = fopen ("/proc/thread-self/schedstat", "r");
  if (file == NULL)
    return -1.0;
  unsigned long long run_ns, wait_ns;
  gboolean ok = fgets (buffer, sizeof buffer, file) != NULL
                && sscanf (buffer, "%llu %llu", &run_ns, &wait_ns) == 2;
  fclose (file);
  return ok ? (double) wait_ns / 1e6 : -1.0;
}

/* A wall-clock stall is work on the main thread (its CPU time grows as much), the thread
 * waiting for a core that other threads or processes hold (its run-queue wait grows), or the
 * thread blocked (a lock, a read, a wait: neither grows). All three are recorded, so that a
 * loaded machine is not mistaken for a blocking call. */
static gboolean
tick (gpointer data)
{
  Bench *b = data;
  gint64 now = g_get_monotonic_time ();
  double cpu = thread_cpu_ms ();
  double wait = thread_wait_ms ();
  if (b->last_tick != 0)
    {
      double stall = MAX (0.0, (double) (now - b->last_tick) / 1000.0 - b->interval_ms);
      double cpu_gap = cpu - b->last_cpu_ms;
      double wait_gap = wait >= 0.0 && b->last_wait_ms >= 0.0 ? wait - b->last_wait_ms : -1.0;
      /* The loop sleeps `interval` by design; beyond it, what was neither work nor queueing. */
      double blocked = MAX (0.0, stall - cpu_gap - MAX (0.0, wait_gap));
      g_array_append_val (b->stalls_ms, stall);
      g_array_append_val (b->cpu_ms, cpu_gap);
      g_array_append_val (b->blocked_ms, blocked);
      /* Keep the N_WORST longest, in descending order. */
      guint i = 0;
      while (i < b->worst->len && g_array_index (b->worst, Stall, i).stall_ms >= stall)
        i++;
      if (i < N_WORST)
        {
          Stall s = { now - b->started, stall, cpu_gap, wait_gap,
                      g_strdup (ecg_compression_panel_get_status (b->panel)) };
          g_array_insert_val (b->worst, i, s);
          if (b->worst->len > N_WORST)
            g_array_remove_index (b->worst, N_WORST);
        }
    }
  b->last_tick = now;
  b->last_cpu_ms = thread_cpu_ms ();
  b->last_wait_ms = thread_wait_ms ();
  return G_SOURCE_CONTINUE;
}

/* The frame clock's phases of one frame run on the main thread in one go: their duration is
 * what drawing the window costs. */
static double thread_cpu_ms (void);

static void
on_before_paint (GdkFrameClock *clock, Bench *b)
{
  b->paint_started = g_get_monotonic_time ();
  b->paint_cpu_ms = thread_cpu_ms ();
}

static void
on_after_paint (GdkFrameClock *clock, Bench *b)
{
  if (!b->measuring || b->paint_started == 0)
    return;
  gint64 now = g_get_monotonic_time ();
  double ms = (double) (now - b->paint_started) / 1000.0;
  g_array_append_val (b->frame_ms, ms);
  if (ms > b->frame_max_ms)
    {
      b->frame_max_ms = ms;
      b->frame_max_cpu_ms = thread_cpu_ms () - b->paint_cpu_ms;
      b->frame_max_at = now - b->started;
    }
}

static gboolean
next_page (gpointer data)
{
  static const char *const pages[] = { "compress", "runs", "energy", "records" };
  Bench *b = data;
  b->page = (b->page + 1) % G_N_ELEMENTS (pages);
  ecg_window_show_page (b->window, pages[b->page]);
  return G_SOURCE_CONTINUE;
}

static void
on_running (EcgCompressionPanel *panel, GParamSpec *pspec, Bench *b)
{
  if (ecg_compression_panel_get_running (panel))
    b->job_seen = TRUE;
  else if (b->job_seen)
    g_main_loop_quit (b->loop);
}

static gboolean
give_up (gpointer data)
{
  Bench *b = data;
  g_printerr ("bench-ui-stall: the job did not end in time\n");
  g_main_loop_quit (b->loop);
  return G_SOURCE_REMOVE;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
set_spin (EcgCompressionPanel *panel, const char *name, double value)
{
  GObject *spin = gtk_widget_get_template_child (GTK_WIDGET (panel), ECG_TYPE_COMPRESSION_PANEL,
                                                 name);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Saves the window as drawn to `path` (PNG). */
static void
save_png (GtkWidget *widget, const char *path)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture
    = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_save_to_png (texture, path);
}

int
main (int argc, char *argv[])
{
  int steps = 2, epochs = 1, interval_ms = 5;
  gboolean cycle_pages = FALSE;
  char *png = NULL, *page = NULL;
  GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Pruning steps K (2)", "K" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Fine-tune epochs per step (1)", "F" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval_ms, "Timer interval in ms (5)", "MS" },
    { "cycle-pages", 0, 0, G_OPTION_ARG_NONE, &cycle_pages,
      "Show each page in turn during the job", NULL },
    { "page", 0, 0, G_OPTION_ARG_STRING, &page, "Page shown during the job (compress)", "NAME" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Save the window as drawn after the job",
      "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— main-loop stalls during a job");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error) || steps < 1 || epochs < 0
      || interval_ms < 1)
    {
      g_printerr ("bench-ui-stall: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }
  if (!gtk_init_check ())
    {
      g_printerr ("bench-ui-stall: no display (run it under xvfb-run)\n");
      return 1;
    }
  GSettingsSchemaSource *schemas = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
    = schemas != NULL ? g_settings_schema_source_lookup (schemas, ECG_APP_ID, TRUE) : NULL;
  if (schema == NULL)
    {
      g_printerr ("bench-ui-stall: the GSettings schema %s is not found: set "
                  "GSETTINGS_SCHEMA_DIR=BUILD/resources (and GSETTINGS_BACKEND=memory)\n",
                  ECG_APP_ID);
      return 1;
    }
  g_autoptr (GFile) demo_model = ecg_application_get_demo_model ();
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  if (!g_file_query_exists (demo_model, NULL) || !g_file_query_exists (demo, NULL))
    {
      g_printerr ("bench-ui-stall: the demo model or records are missing\n");
      return 1;
    }

  g_autofree char *dir = g_dir_make_tmp ("bench-ui-stall-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("bench-ui-stall: %s\n", error->message);
      return 1;
    }
  g_autofree char *store = g_build_filename (dir, "runs.db", NULL);

  Bench b = { 0 };
  b.interval_ms = interval_ms;
  b.cycle_pages = cycle_pages;
  b.stalls_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.blocked_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.worst = g_array_new (FALSE, TRUE, sizeof (Stall));
  g_array_set_clear_func (b.worst, stall_clear);
  b.loop = g_main_loop_new (NULL, FALSE);
  b.window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (b.window));
  ecg_window_open_folder (b.window, demo, NULL);
  /* Let the first record load and draw before measuring. */
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((ecg_window_get_loading (b.window)
          || ecg_waveform_view_get_record (ecg_window_get_waveform_view (b.window)) == NULL)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  spin (0.5);

  b.panel = ecg_window_get_compression_panel (b.window);
  ecg_compression_panel_set_store_path (b.panel, store);
  set_spin (b.panel, "steps_spin", steps);
  set_spin (b.panel, "epochs_spin", epochs);
  ecg_window_show_page (b.window, page != NULL ? page : "compress");
  spin (0.5);
  g_signal_connect (b.panel, "notify::running", G_CALLBACK (on_running), &b);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (b.window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &b);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &b);

  g_autoptr (GTimer) timer = g_timer_new ();
  guint tick_id = g_timeout_add_full (G_PRIORITY_HIGH, (guint) interval_ms, tick, &b, NULL);
  guint page_id = cycle_pages ? g_timeout_add (1000, next_page, &b) : 0;
  guint give_up_id = g_timeout_add_seconds (600, give_up, &b);
  b.started = g_get_monotonic_time ();
  b.measuring = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (b.panel), "compression.run", NULL);
  if (!ecg_compression_panel_get_running (b.panel))
    {
      g_printerr ("bench-ui-stall: the job did not start: %s\n",
                  ecg_compression_panel_get_message (b.panel));
      return 1;
    }
  b.job_seen = TRUE;
  g_main_loop_run (b.loop);
  double job_seconds = g_timer_elapsed (timer, NULL);
  b.measuring = FALSE;
  g_signal_handlers_disconnect_by_data (clock, &b);
  g_source_remove (tick_id);
  if (page_id != 0)
    g_source_remove (page_id);
  g_source_remove (give_up_id);

  const char *message = ecg_compression_panel_get_message (b.panel);
  printf ("job: K=%d, F=%d on the demo, %.1f s, %s%s%s\n", steps, epochs, job_seconds,
          ecg_compression_panel_get_status (b.panel), message != NULL ? "; error: " : "",
          message != NULL ? message : "");
  printf ("pages: %s\n", cycle_pages ? "cycled every second (compress, runs, energy, records)"
                                     : (page != NULL ? page : "compress"));
  guint n = b.stalls_ms->len;
  if (n == 0)
    {
      printf ("no timer callbacks\n");
      return 1;
    }
  g_array_sort (b.stalls_ms, compare_doubles);
  const double *s = (const double *) b.stalls_ms->data;
  double sum = 0.0;
  for (guint i = 0; i < n; i++)
    sum += s[i];
  printf ("main-loop stalls over %u callbacks of a %d ms timer: median %.2f ms, mean %.2f ms, "
          "p99 %.2f ms, max %.2f ms (goal: max <= 50 ms)\n",
          n, interval_ms, ecg_latency_quantile (s, n, 0.5), sum / n,
          ecg_latency_quantile (s, n, 0.99), s[n - 1]);
  g_array_sort (b.cpu_ms, compare_doubles);
  const double *c = (const double *) b.cpu_ms->data;
  printf ("main-thread CPU time within a gap (work that kept the loop from turning): median "
          "%.2f ms, p99 %.2f ms, max %.2f ms\n",
          ecg_latency_quantile (c, n, 0.5), ecg_latency_quantile (c, n, 0.99), c[n - 1]);
  g_array_sort (b.blocked_ms, compare_doubles);
  const double *k = (const double *) b.blocked_ms->data;
  printf ("main thread blocked (neither running nor waiting for a core) within a gap: p99 "
          "%.2f ms, max %.2f ms\n",
          ecg_latency_quantile (k, n, 0.99), k[n - 1]);
  guint n_frames = b.frame_ms->len;
  if (n_frames > 0)
    {
      g_array_sort (b.frame_ms, compare_doubles);
      const double *fr = (const double *) b.frame_ms->data;
      printf ("frames drawn during the job: %u (%.1f per second); each, from before-paint to "
              "after-paint: median %.2f ms, p99 %.2f ms, max %.2f ms (renderer %s)\n",
              n_frames, n_frames / job_seconds, ecg_latency_quantile (fr, n_frames, 0.5),
              ecg_latency_quantile (fr, n_frames, 0.99), fr[n_frames - 1],
              G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))));
      printf ("the longest frame: %.2f ms, of which %.2f ms main-thread CPU, at %.2f s\n",
              b.frame_max_ms, b.frame_max_cpu_ms, b.frame_max_at / 1e6);
    }
  printf ("longest stalls (wall; the main thread's CPU time and run-queue wait in the gap; "
          "time since the job started; the job's status then):\n");
  for (guint i = 0; i < b.worst->len; i++)
    {
      const Stall *w = &g_array_index (b.worst, Stall, i);
      printf ("  %7.2f ms  cpu %6.2f ms  queued %7.2f ms  at %6.2f s  %s\n", w->stall_ms,
              w->cpu_ms, w->wait_ms, w->at / 1e6, w->status);
    }

  if (png != NULL)
    {
      spin (0.5);
      save_png (GTK_WIDGET (b.window), png);
    }
  gtk_window_destroy (GTK_WINDOW (b.window));
  spin (0.2);
  g_autofree char *db_wal = g_strconcat (store, "-wal", NULL);
  g_autofree char *db_shm = g_strconcat (store, "-shm", NULL);
  g_remove (store);
  g_remove (db_wal);
  g_remove (db_shm);
  g_rmdir (dir);
  double max_ms = s[n - 1];
  g_array_unref (b.stalls_ms);
  g_array_unref (b.cpu_ms);
  g_array_unref (b.blocked_ms);
  g_array_unref (b.frame_ms);
  g_array_unref (b.worst);
  g_main_loop_unref (b.loop);
  g_free (png);
  g_free (page);
  return max_ms <= 50.0 ? 0 : 3;
}
