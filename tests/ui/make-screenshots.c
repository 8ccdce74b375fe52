/* make-screenshots.c — the README's screenshots of the workbench's pages.
 *
 *   make-screenshots OUTDIR DATA_FOLDER RECORD MODEL STORE
 *
 * Opens the main window at 1280 × 800 on DATA_FOLDER/RECORD, lets MODEL classify its beats,
 * shows the runs of STORE (all selected, so the comparison plot is drawn) and renders each page
 * through GTK's own renderer into OUTDIR/<page>.png — the pixels GTK would put on screen, with
 * no window manager or screen grab involved. Run by data/screenshots/make-screenshots.sh under
 * Xvfb with the build tree's settings schema.
 */
#include <gtk/gtk.h>

#include "ecg-error-browser.h"
#include "ecg-runs-view.h"
#include "ecg-window.h"

typedef gboolean (*Condition) (EcgWindow *window);

/* Runs the main loop until `condition` holds (or `seconds` pass), then `settle` seconds more so
 * that idle redraws and worker results land. */
static void
spin (EcgWindow *window, Condition condition, double seconds, double settle)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while ((condition == NULL || !condition (window)) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  gint64 end = g_get_monotonic_time () + (gint64) (settle * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static gboolean
record_ready (EcgWindow *window)
{
  return !ecg_window_get_loading (window)
         && ecg_waveform_view_get_record (ecg_window_get_waveform_view (window)) != NULL
         && !ecg_error_browser_get_busy (ecg_window_get_error_browser (window))
         && ecg_error_browser_get_predictions (ecg_window_get_error_browser (window)) != NULL;
}

static gboolean
runs_ready (EcgWindow *window)
{
  EcgRunsView *runs = ecg_window_get_runs_view (window);
  return !ecg_runs_view_get_loading (runs)
         && g_list_model_get_n_items (G_LIST_MODEL (ecg_runs_view_get_selection (runs))) > 0;
}

static gboolean
save_window (EcgWindow *window, const char *path)
{
  GtkWidget *widget = GTK_WIDGET (window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_printerr ("make-screenshots: nothing was drawn for %s\n", path);
      return FALSE;
    }
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_autoptr (GdkTexture) texture
    = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_printerr ("make-screenshots: could not write %s\n", path);
      return FALSE;
    }
  g_print ("wrote %s (%d × %d)\n", path, width, height);
  return TRUE;
}

int
main (int argc, char **argv)
{
  if (argc != 6)
    {
      g_printerr ("usage: %s OUTDIR DATA_FOLDER RECORD MODEL STORE\n", argv[0]);
      return 2;
    }
  const char *outdir = argv[1];
  gtk_init ();
  if (g_mkdir_with_parents (outdir, 0755) != 0)
    {
      g_printerr ("make-screenshots: cannot create %s\n", outdir);
      return 1;
    }

  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  ecg_error_browser_set_model_path (ecg_window_get_error_browser (window), argv[4]);
  g_autoptr (GFile) folder = g_file_new_for_commandline_arg (argv[2]);
  ecg_window_open_folder (window, folder, argv[3]);
  spin (window, record_ready, 60, 1.5);

  EcgRunsView *runs = ecg_window_get_runs_view (window);
  ecg_runs_view_set_store_path (runs, argv[5]);
  spin (window, runs_ready, 30, 0.5);
  gtk_selection_model_select_all (ecg_runs_view_get_selection (runs));

  static const char *const pages[] = { "records", "compress", "runs", "energy" };
  gboolean ok = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      ecg_window_show_page (window, pages[i]);
      /* The energy page measures latency in a worker and the runs page draws its plot: give
       * them time. */
      spin (window, NULL, 0, g_str_equal (pages[i], "records") ? 0.5 : 4.0);
      g_autofree char *name = g_strconcat (pages[i], ".png", NULL);
      g_autofree char *path = g_build_filename (outdir, name, NULL);
      ok = save_window (window, path) && ok;
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return ok ? 0 : 1;
}
