/* test-error-browser.c — predicted labels on the ECG paper and the misclassified-beat browser.
 *
 * The demo record demo1 (334 N, 15 S, 16 V beats; data/demo/README.md) is classified by the
 * MIT-BIH model ResNet1D_Attn-mitdb-ds1 (which makes errors on these synthetic beats) and by
 * the demo model CNN1D_3Class-demo (trained on demo1: every beat right — the engine test
 * /engine/train/record-predictions/demo1 checks it). The view runs at 96 dpi, so one second of
 * paper is 25 mm = 25 * 96 / 25.4 px.
 */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ecg-beat-item.h"
#include "ecg-config.h"
#include "ecg-error-browser.h"
#include "ecg-window.h"
#include "nn/ecg-model-file.h"
#include "test-util.h"
#include "train/ecg-data.h"
#include "train/ecg-evaluation.h"

#define VIEW_WIDTH 900
#define DEMO1_BEATS (334 + 15 + 16)
#define PX_PER_SECOND (25.0 * 96.0 / 25.4)

typedef struct
{
  GtkWindow *window;
  EcgWaveformView *view;
  EcgErrorBrowser *browser;
  char *tmpdir;
} Fixture;

static char *
data_path (const char *folder, const char *name)
{
  return g_build_filename (ECG_SOURCE_DATA_DIR, folder, name, NULL);
}

typedef gboolean (*Condition) (gconstpointer data);

static void
spin_until (Condition condition, gconstpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
browser_idle (gconstpointer data)
{
  return !ecg_error_browser_get_busy ((EcgErrorBrowser *) data);
}

static gboolean
allocated (gconstpointer data)
{
  const Fixture *f = data;
  return gtk_widget_get_mapped (GTK_WIDGET (f->view))
         && gtk_widget_get_width (GTK_WIDGET (f->view)) == VIEW_WIDTH;
}

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

/* A window with the paper above the browser, showing demo1, classified by `model`. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *model = data != NULL ? data : "ResNet1D_Attn-mitdb-ds1.ecgm";
  f->tmpdir = ecg_test_tmpdir_new ();
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (f->window, FALSE);
  gtk_window_set_default_size (f->window, VIEW_WIDTH, 700);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_EXTERNAL,
                                  GTK_POLICY_EXTERNAL);
  f->view = ecg_waveform_view_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->view));
  f->browser = ecg_error_browser_new ();
  gtk_widget_set_size_request (GTK_WIDGET (f->browser), -1, 260);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->browser));
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  spin_until (allocated, f, "the view is allocated");

  g_autofree char *record_path = data_path ("demo", "demo1");
  g_autoptr (GError) error = NULL;
  EcgRecord *record = ecg_record_load (record_path, ECG_RECORD_LOAD_DEFAULT, &error);
  g_assert_no_error (error);
  ecg_waveform_view_set_record (f->view, record);
  g_autofree char *model_path = data_path ("models", model);
  ecg_error_browser_set_waveform_view (f->browser, f->view);
  ecg_error_browser_set_model_path (f->browser, model_path);
  ecg_error_browser_set_record_path (f->browser, record_path);
  g_assert_true (ecg_error_browser_get_busy (f->browser));
  spin_until (browser_idle, f->browser, "the beats are classified");
  g_assert_null (ecg_error_browser_get_message (f->browser));
  g_assert_nonnull (ecg_error_browser_get_predictions (f->browser));
  spin_frames (GTK_WIDGET (f->view), 2);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  ecg_test_tmpdir_free (f->tmpdir);
}

static gint64
off_diagonal (const EcgConfusion *m)
{
  gint64 sum = 0;
  for (int r = 0; r < m->n_classes; r++)
    for (int c = 0; c < m->n_classes; c++)
      if (r != c)
        sum += ecg_confusion_get (m, r, c);
  return sum;
}

/* ---- rendering ---------------------------------------------------------------------------- */

typedef struct
{
  guint8 *pixels;
  int width;
  int height;
  gsize stride;
} Image;

static void
image_clear (Image *image)
{
  g_free (image->pixels);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Image, image_clear)

static void
render (GtkWidget *widget, Image *image)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
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

/* How far (max over R, G, B, in 0..255) pixel (x, y) is from `color`. */
static int
distance (const Image *image, int x, int y, const GdkRGBA *color)
{
  g_assert_true (x >= 0 && x < image->width && y >= 0 && y < image->height);
  const guint8 *p = image->pixels + (gsize) y * image->stride + (gsize) x * 4;
  int rgb[3] = { p[2], p[1], p[0] };
  double want[3] = { color->red, color->green, color->blue };
  int d = 0;
  for (int c = 0; c < 3; c++)
    d = MAX (d, abs (rgb[c] - (int) lround (want[c] * 255)));
  return d;
}

/* The number of pixels of `rect` within 8 of `color`. */
static int
count_color (const Image *image, const graphene_rect_t *rect, const GdkRGBA *color)
{
  int n = 0;
  for (int y = MAX ((int) rect->origin.y, 0);
       y < MIN ((int) ceil (rect->origin.y + rect->size.height), image->height); y++)
    for (int x = MAX ((int) rect->origin.x, 0);
         x < MIN ((int) ceil (rect->origin.x + rect->size.width), image->width); x++)
      n += distance (image, x, y, color) <= 8;
  return n;
}

/* ---- tests -------------------------------------------------------------------------------- */

/* One predicted label per beat: paging through the whole record at 25 mm/s, the labels drawn
 * add up to the record's beats, each at its beat's x. */
static void
test_one_label_per_beat (Fixture *f, gconstpointer data)
{
  const EcgRecordPredictions *p = ecg_waveform_view_get_predictions (f->view);
  g_assert_nonnull (p);
  g_assert_cmpuint (p->n_beats, ==, DEMO1_BEATS);
  g_assert_cmpfloat_with_epsilon (ecg_waveform_view_get_px_per_mm_x (f->view) * 25.0,
                                  PX_PER_SECOND, 1e-9);

  GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (f->view));
  double upper = gtk_adjustment_get_upper (h);
  gsize drawn = 0, mismatches = 0;
  gint64 previous_sample = -1;
  for (double left = 0.0; left < upper; left += VIEW_WIDTH)
    {
      gtk_adjustment_set_value (h, left);
      /* The last page is clamped; count only beats from `left` on, once each. */
      double offset = gtk_adjustment_get_value (h);
      g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (f->view);
      for (guint i = 0; i < labels->len; i++)
        {
          const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, i);
          double x = (double) label->sample / 360.0 * PX_PER_SECOND - offset;
          g_assert_cmpfloat_with_epsilon (label->x, x, 1e-6);
          if (label->x + offset < left)
            continue;
          g_assert_cmpint (label->sample, >, previous_sample);
          previous_sample = label->sample;
          g_assert_cmpint (label->sample, ==, p->samples[label->beat]);
          g_assert_cmpstr (label->predicted_text, ==, p->classes[p->predicted[label->beat]]);
          g_assert_cmpstr (label->reference_text, ==, p->classes[p->reference[label->beat]]);
          g_assert_cmpint (label->mismatch, ==,
                           p->predicted[label->beat] != p->reference[label->beat]);
          /* Reference above the prediction. */
          g_assert_cmpfloat (label->reference.origin.y + label->reference.size.height, <,
                             label->predicted.origin.y);
          drawn++;
          mismatches += label->mismatch;
        }
    }
  g_assert_cmpuint (drawn, ==, DEMO1_BEATS);
  g_autoptr (EcgConfusion) confusion = ecg_record_predictions_confusion (p);
  g_assert_cmpuint (mismatches, ==, (gsize) off_diagonal (confusion));
}

/* A wrong prediction is drawn boxed and with a triangle in the mismatch colour; a right one in
 * the match colour, with no mismatch colour around it. */
static void
test_mismatch_shape (Fixture *f, gconstpointer data)
{
  g_assert_true (ecg_error_browser_next (f->browser));
  int beat = ecg_error_browser_get_selected_beat (f->browser);
  g_assert_cmpint (beat, >=, 0);
  spin_frames (GTK_WIDGET (f->view), 2);

  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (f->view);
  const EcgWaveformPrediction *wrong = NULL, *right = NULL;
  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, i);
      if (label->beat == (guint) beat)
        wrong = label;
      else if (!label->mismatch && right == NULL)
        right = label;
    }
  g_assert_nonnull (wrong);
  g_assert_true (wrong->mismatch);
  g_assert_nonnull (right);

  g_auto (Image) image = { 0 };
  render (GTK_WIDGET (f->view), &image);
  const GdkRGBA *mismatch = ecg_waveform_view_get_mismatch_color (FALSE);
  const GdkRGBA *match = ecg_waveform_view_get_match_color (FALSE);
  /* The 2 px outline: the box's top two rows, in the middle of the box. */
  int mid_x = (int) (wrong->predicted.origin.x + wrong->predicted.size.width / 2);
  int top_y = (int) wrong->predicted.origin.y;
  g_assert_cmpint (distance (&image, mid_x, top_y, mismatch), <=, 2);
  g_assert_cmpint (distance (&image, mid_x, top_y + 1, mismatch), <=, 2);
  /* The triangle's filled middle, 3 px above the box at the beat's x. */
  g_assert_cmpint (distance (&image, (int) floor (wrong->x), top_y - 3, mismatch), <=, 24);
  /* The right prediction: text in the match colour, nothing in the mismatch colour. */
  graphene_rect_t around;
  graphene_rect_inset_r (&right->predicted, -10, -10, &around);
  g_assert_cmpint (count_color (&image, &right->predicted, match), >, 0);
  g_assert_cmpint (count_color (&image, &around, mismatch), ==, 0);
}

/* The list holds exactly the off-diagonal beats of the confusion matrix, which is the one the
 * engine's evaluation (as `ecgwb evaluate --records demo1`) gives; the class filters keep a
 * row or a cell of it. */
static void
test_list_and_confusion (Fixture *f, gconstpointer data)
{
  const EcgConfusion *confusion = ecg_error_browser_get_confusion (f->browser);
  g_assert_nonnull (confusion);
  GListModel *beats = ecg_error_browser_get_beats (f->browser);
  gint64 errors = off_diagonal (confusion);
  g_assert_cmpint (errors, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==, (guint) errors);
  g_assert_cmpint (ecg_confusion_total (confusion), ==, DEMO1_BEATS);

  /* The same matrix from the evaluation path of `ecgwb evaluate`. */
  g_autofree char *model_path = data_path ("models", "ResNet1D_Attn-mitdb-ds1.ecgm");
  g_autofree char *dir = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, &error);
  g_assert_no_error (error);
  const char *const records[] = { "demo1", NULL };
  EcgDataSpec spec = { ECG_DATASET_MITBIH, file->model->input_length, file->samples_before,
                       file->class_map, file->model->rr_features > 0 };
  g_autoptr (EcgExamples) examples = ecg_data_load_records (dir, records, &spec, NULL, &error);
  g_assert_no_error (error);
  ecg_examples_apply_normalisation (examples, file->norm);
  g_autoptr (EcgEvaluation) evaluation
    = ecg_evaluate (file->model, examples, (const char *const *) file->classes, 1, 1, NULL,
                    &error);
  g_assert_no_error (error);
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      g_assert_cmpint (ecg_confusion_get (confusion, r, c), ==,
                       ecg_confusion_get (evaluation->confusion, r, c));

  /* Every listed beat is wrong, in time order. */
  double previous = -1;
  for (guint i = 0; i < g_list_model_get_n_items (beats); i++)
    {
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (beats, i);
      g_assert_cmpint (ecg_beat_item_get_reference (item), !=,
                       ecg_beat_item_get_predicted (item));
      g_assert_cmpfloat (ecg_beat_item_get_seconds (item), >, previous);
      previous = ecg_beat_item_get_seconds (item);
    }

  /* Reference N only: row N's off-diagonal cells; then the N → V cell only. */
  ecg_error_browser_set_filter (f->browser, 0, -1);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==,
                    (guint) (ecg_confusion_get (confusion, 0, 1)
                             + ecg_confusion_get (confusion, 0, 2)));
  ecg_error_browser_set_filter (f->browser, 0, 2);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==,
                    (guint) ecg_confusion_get (confusion, 0, 2));
  ecg_error_browser_set_filter (f->browser, -1, 1);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==,
                    (guint) (ecg_confusion_get (confusion, 0, 1)
                             + ecg_confusion_get (confusion, 2, 1)));
  ecg_error_browser_set_filter (f->browser, -1, -1);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==, (guint) errors);
}

/* Next / previous select the listed beats in turn and scroll the paper so that the beat is at
 * the centre of the view. */
static void
test_next_previous (Fixture *f, gconstpointer data)
{
  GListModel *beats = ecg_error_browser_get_beats (f->browser);
  guint n = g_list_model_get_n_items (beats);
  g_assert_cmpuint (n, >=, 2);
  GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (f->view));

  /* Through the keyboard action, as N does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->browser), "errors.next", NULL));
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_assert_true (ecg_error_browser_next (f->browser));
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (beats, i);
      guint beat = ecg_beat_item_get_beat (item);
      g_assert_cmpint (ecg_error_browser_get_selected_beat (f->browser), ==, (int) beat);
      g_assert_cmpint (ecg_waveform_view_get_selected_beat (f->view), ==, (int) beat);
      double x = ecg_beat_item_get_seconds (item) * PX_PER_SECOND - gtk_adjustment_get_value (h);
      double max_value = gtk_adjustment_get_upper (h) - gtk_adjustment_get_page_size (h);
      if (gtk_adjustment_get_value (h) > 0.0 && gtk_adjustment_get_value (h) < max_value)
        g_assert_cmpfloat_with_epsilon (x, VIEW_WIDTH / 2.0, 1e-6);
      else
        g_assert_true (x >= 0.0 && x < VIEW_WIDTH);
    }
  g_assert_false (ecg_error_browser_next (f->browser));
  g_assert_true (ecg_error_browser_previous (f->browser));
  g_autoptr (EcgBeatItem) before_last = g_list_model_get_item (beats, n - 2);
  g_assert_cmpint (ecg_waveform_view_get_selected_beat (f->view), ==,
                   (int) ecg_beat_item_get_beat (before_last));
}

/* Clicking a beat's predicted label pops up its class scores and emits "beat-activated". */
static void
on_beat_activated (EcgWaveformView *view, guint beat, gpointer user_data)
{
  *(int *) user_data = (int) beat;
}

static void
test_click_shows_scores (Fixture *f, gconstpointer data)
{
  const EcgRecordPredictions *p = ecg_waveform_view_get_predictions (f->view);
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (f->view);
  g_assert_cmpuint (labels->len, >, 2);
  const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, 2);
  double x = label->predicted.origin.x + label->predicted.size.width / 2;
  double y = label->predicted.origin.y + label->predicted.size.height / 2;
  g_assert_cmpint (ecg_waveform_view_beat_at (f->view, x, y), ==, (int) label->beat);
  g_assert_cmpint (ecg_waveform_view_beat_at (f->view, x, label->predicted.origin.y - 60), ==,
                   -1);

  int activated = -1;
  g_signal_connect (f->view, "beat-activated", G_CALLBACK (on_beat_activated), &activated);
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->view));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_CLICK (controller))
        g_signal_emit_by_name (controller, "released", 1, x, y);
    }
  g_assert_cmpint (activated, ==, (int) label->beat);
  g_assert_cmpint (ecg_waveform_view_get_selected_beat (f->view), ==, (int) label->beat);
  GtkWidget *popover = ecg_waveform_view_get_scores_popover (f->view);
  spin_frames (GTK_WIDGET (f->view), 2);
  g_assert_true (gtk_widget_get_visible (popover));

  /* The popover's grid: per class its name, a bar with the score, and the percentage. */
  GtkWidget *box = gtk_popover_get_child (GTK_POPOVER (popover));
  GtkWidget *grid = gtk_widget_get_last_child (box);
  g_assert_true (GTK_IS_GRID (grid));
  for (int c = 0; c < p->n_classes; c++)
    {
      double score = p->scores[label->beat * 3 + (guint) c];
      GtkWidget *name = gtk_grid_get_child_at (GTK_GRID (grid), 0, c);
      GtkWidget *bar = gtk_grid_get_child_at (GTK_GRID (grid), 1, c);
      GtkWidget *value = gtk_grid_get_child_at (GTK_GRID (grid), 2, c);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (name)), ==, p->classes[c]);
      g_assert_cmpfloat_with_epsilon (gtk_level_bar_get_value (GTK_LEVEL_BAR (bar)), score,
                                      1e-6);
      g_autofree char *percent = g_strdup_printf ("%.1f %%", 100.0 * score);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (value)), ==, percent);
    }
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
exported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gssize *n = user_data;
  g_autoptr (GError) error = NULL;
  *n = ecg_error_browser_export_finish (ECG_ERROR_BROWSER (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
export_done (gconstpointer data)
{
  return *(const gssize *) data != -2;
}

/* The CSV holds a header and one row per listed beat, in list order. */
static void
test_export_csv (Fixture *f, gconstpointer data)
{
  GListModel *beats = ecg_error_browser_get_beats (f->browser);
  guint n = g_list_model_get_n_items (beats);
  g_autofree char *path = g_build_filename (f->tmpdir, "errors.csv", NULL);
  gssize written = -2;
  ecg_error_browser_export_async (f->browser, path, NULL, exported, &written);
  spin_until (export_done, &written, "the CSV is written");
  g_assert_cmpint (written, ==, (gssize) n);

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "record,sample,time_s,reference,predicted,top_score,score_N,score_S,score_V");
  g_assert_cmpuint (g_strv_length (lines), ==, n + 2); /* header, rows, "" after the last \n */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (beats, i);
      g_autofree char *start = g_strdup_printf ("demo1,%" G_GINT64_FORMAT ",",
                                                ecg_beat_item_get_sample (item));
      g_assert_true (g_str_has_prefix (lines[i + 1], start));
    }
}

/* Compared with the demo model, which gets every beat of demo1 right, the beats whose
 * prediction changed are exactly the MIT-BIH model's errors; a model compared with itself
 * changes none. */
static void
test_compare_models (Fixture *f, gconstpointer data)
{
  gint64 errors = off_diagonal (ecg_error_browser_get_confusion (f->browser));
  g_autofree char *demo_model = data_path ("models", "CNN1D_3Class-demo.ecgm");
  ecg_error_browser_set_compare_model_path (f->browser, demo_model);
  spin_until (browser_idle, f->browser, "both models classified");
  g_assert_nonnull (ecg_error_browser_get_compare_predictions (f->browser));
  ecg_error_browser_set_show_changed (f->browser, TRUE);
  GListModel *beats = ecg_error_browser_get_beats (f->browser);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==, (guint) errors);
  for (guint i = 0; i < g_list_model_get_n_items (beats); i++)
    {
      g_autoptr (EcgBeatItem) item = g_list_model_get_item (beats, i);
      /* The demo model's class is the reference. */
      g_assert_cmpint (ecg_beat_item_get_other_predicted (item), ==,
                       ecg_beat_item_get_reference (item));
    }

  g_autofree char *same = data_path ("models", "ResNet1D_Attn-mitdb-ds1.ecgm");
  ecg_error_browser_set_compare_model_path (f->browser, same);
  spin_until (browser_idle, f->browser, "both models classified");
  ecg_error_browser_set_show_changed (f->browser, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==, 0);

  /* Clearing the comparison goes back to the errors. */
  ecg_error_browser_set_compare_model_path (f->browser, NULL);
  g_assert_null (ecg_error_browser_get_compare_predictions (f->browser));
  g_assert_cmpuint (g_list_model_get_n_items (beats), ==, (guint) errors);
}

/* A record without annotations: the detector's beats get predicted labels, with a dash as
 * reference, and nothing is listed. */
static void
test_detected_record (Fixture *f, gconstpointer data)
{
  g_autofree char *hea = data_path ("demo", "demo1.hea");
  g_autofree char *dat = data_path ("demo", "demo1.dat");
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *contents = NULL;
      gsize length;
      g_assert_true (g_file_get_contents (i == 0 ? hea : dat, &contents, &length, NULL));
      g_free (ecg_test_write_file (f->tmpdir, i == 0 ? "demo1.hea" : "demo1.dat", contents,
                                   (gssize) length));
    }
  g_autofree char *path = g_build_filename (f->tmpdir, "demo1", NULL);
  EcgRecord *record = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, NULL);
  g_assert_nonnull (record);
  g_assert_null (record->annotations);
  ecg_waveform_view_set_record (f->view, record);
  g_assert_null (ecg_waveform_view_get_predictions (f->view));
  ecg_error_browser_set_record_path (f->browser, path);
  spin_until (browser_idle, f->browser, "the detected beats are classified");

  const EcgRecordPredictions *p = ecg_waveform_view_get_predictions (f->view);
  g_assert_nonnull (p);
  g_assert_true (p->detected);
  g_assert_cmpuint (p->n_beats, ==, DEMO1_BEATS); /* engine test: the detector finds them all */
  g_assert_cmpuint (g_list_model_get_n_items (ecg_error_browser_get_beats (f->browser)), ==, 0);
  g_autoptr (GArray) labels = ecg_waveform_view_get_visible_predictions (f->view);
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    {
      const EcgWaveformPrediction *label = &g_array_index (labels, EcgWaveformPrediction, i);
      g_assert_cmpstr (label->reference_text, ==, "–");
      g_assert_false (label->mismatch);
    }
}

/* Cancelling drops the result; a missing model file is reported. */
static void
test_cancel_and_failure (Fixture *f, gconstpointer data)
{
  g_autofree char *record_path = data_path ("demo", "demo1");
  ecg_error_browser_set_record_path (f->browser, record_path);
  g_assert_true (ecg_error_browser_get_busy (f->browser));
  ecg_error_browser_cancel (f->browser);
  spin_until (browser_idle, f->browser, "the cancelled job returns");
  g_assert_null (ecg_error_browser_get_predictions (f->browser));
  g_assert_null (ecg_waveform_view_get_predictions (f->view));

  g_autofree char *missing = g_build_filename (f->tmpdir, "missing.ecgm", NULL);
  ecg_error_browser_set_model_path (f->browser, missing);
  spin_until (browser_idle, f->browser, "the failed job returns");
  g_assert_null (ecg_error_browser_get_predictions (f->browser));
  const char *message = ecg_error_browser_get_message (f->browser);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "missing.ecgm"));
  g_assert_cmpuint (g_hash_table_size (ecg_error_browser_get_record_errors (f->browser)), ==,
                    0);
}

/* ---- in the main window ------------------------------------------------------------------- */

static gboolean
has_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
window_classified (gconstpointer data)
{
  EcgWindow *window = (EcgWindow *) data;
  EcgErrorBrowser *browser = ecg_window_get_error_browser (window);
  const EcgRecordPredictions *p = ecg_waveform_view_get_predictions (
    ecg_window_get_waveform_view (window));
  return !ecg_window_get_loading (window) && !ecg_error_browser_get_busy (browser)
         && p != NULL && g_str_equal (p->record_name, "demo1");
}

/* The window opens the demo with the demo model: every beat of the record shown is labelled,
 * the sidebar learns its error count; another model is one property away. */
static void
test_window (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_autoptr (GFile) demo = g_file_new_for_path (ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "demo");
  ecg_window_open_folder (window, demo, "demo1");
  spin_until (window_classified, window, "the window shows demo1 with predictions");

  EcgErrorBrowser *browser = ecg_window_get_error_browser (window);
  g_autofree char *demo_model = data_path ("models", "CNN1D_3Class-demo.ecgm");
  g_assert_cmpstr (ecg_error_browser_get_model_path (browser), ==, demo_model);
  const EcgRecordPredictions *p = ecg_waveform_view_get_predictions (
    ecg_window_get_waveform_view (window));
  g_assert_cmpuint (p->n_beats, ==, DEMO1_BEATS);
  gpointer errors = NULL;
  g_autofree char *record_path = data_path ("demo", "demo1");
  g_assert_true (g_hash_table_lookup_extended (ecg_error_browser_get_record_errors (browser),
                                               record_path, NULL, &errors));
  g_assert_cmpuint (GPOINTER_TO_SIZE (errors), ==, 0);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "open-model"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "next-error"));

  g_autofree char *other = data_path ("models", "ResNet1D_Attn-mitdb-ds1.ecgm");
  ecg_error_browser_set_model_path (browser, other);
  spin_until (window_classified, window, "demo1 is classified by the second model");
  guint n = g_list_model_get_n_items (ecg_error_browser_get_beats (browser));
  g_assert_cmpuint (n, >, 0);
  /* The sidebar's row of demo1 shows the new model's error count. */
  spin_frames (GTK_WIDGET (window), 2);
  g_autofree char *row_text = g_strdup_printf ("%u errors", n);
  g_assert_true (has_label (GTK_WIDGET (window), row_text));
  g_action_group_activate_action (G_ACTION_GROUP (window), "next-error", NULL);
  g_autoptr (EcgBeatItem) first = g_list_model_get_item (ecg_error_browser_get_beats (browser),
                                                         0);
  g_assert_cmpint (ecg_waveform_view_get_selected_beat (ecg_window_get_waveform_view (window)),
                   ==, (int) ecg_beat_item_get_beat (first));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func, data)                                                                  \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/error-browser/one-label-per-beat", test_one_label_per_beat, NULL);
  ADD ("/ui/error-browser/mismatch-shape", test_mismatch_shape, NULL);
  ADD ("/ui/error-browser/list-and-confusion", test_list_and_confusion, NULL);
  ADD ("/ui/error-browser/next-previous", test_next_previous, NULL);
  ADD ("/ui/error-browser/click-shows-scores", test_click_shows_scores, NULL);
  ADD ("/ui/error-browser/export-csv", test_export_csv, NULL);
  ADD ("/ui/error-browser/compare-models", test_compare_models, NULL);
  ADD ("/ui/error-browser/detected-record", test_detected_record, NULL);
  ADD ("/ui/error-browser/cancel-and-failure", test_cancel_and_failure, NULL);
#undef ADD
  g_test_add_func ("/ui/error-browser/window", test_window);

  return g_test_run ();
}
