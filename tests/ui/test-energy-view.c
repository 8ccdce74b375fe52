/* test-energy-view.c — the Energy page and the model card.
 *
 * The figures are checked against values known independently of the code under test:
 * the per-layer MACs and totals of model-zoo-layers.txt, the 45 nm operation model computed by
 * hand from CNN1D_3Class's layer shapes (below), and the battery life of a profile computed by
 * hand from that energy. */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "ecg-application.h"
#include "ecg-error.h"
#include "ecg-energy-view.h"
#include "ecg-model-card-dialog.h"
#include "ecg-window.h"
#include "test-util.h"

/* CNN1D_3Class without RR, as ecg_zoo_build (…, FALSE, 1) makes it, fp32, by hand:
 *   MACs 9,232,768 (model-zoo-layers.txt) × 4.6 pJ                        = 42,470,732.8 pJ
 *   non-zero parameters 188,035 − 352 BatchNorm betas (initialised to 0) = 187,683; at
 *     4 bytes they are 750,732 bytes > 64 KiB, so every read is DRAM: × 640 pJ = 120,117,120 pJ
 *   activations written by each op (conv, BN, ReLU, pool per block; then global pool, fc,
 *     softmax; dropout writes none): blocks 1–3 3 × 8192 + 4096 each, block 4 3 × 4096 +
 *     2048, then 128 + 3 + 3 = 100,486 values, each written and read once at 5 pJ
 *                                                                         =  1,004,860 pJ
 *   total 163,592,712.8 pJ.
 * int8: 9,232,768 × 0.23 = 2,123,536.64; 187,683 bytes > 64 KiB: DRAM at 160 pJ per value
 *   = 30,029,280; 100,486 × 2 × 1.25 = 251,215; total 32,404,031.64 pJ. */
#define CNN_FP32_JOULES 163592712.8e-12
#define CNN_INT8_JOULES 32404031.64e-12

typedef struct
{
  GtkWindow *window;
  EcgEnergyView *view;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1200, 800);
  f->view = ECG_ENERGY_VIEW (ecg_energy_view_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
}

static gboolean
view_idle (gpointer data)
{
  EcgEnergyView *view = data;
  return !ecg_energy_view_get_loading (view) && !ecg_energy_view_get_measuring (view);
}

/* Lets the view's worker threads (model loading, latency and energy measurement) finish before
 * the window goes: a measurement still inside OpenBLAS when the test program exits crashes it. */
static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while ((ecg_energy_view_get_loading (f->view) || ecg_energy_view_get_measuring (f->view))
         && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  gtk_window_destroy (f->window);
}

typedef gboolean (*Condition) (gpointer data);

static void
spin_until (Condition condition, gpointer data, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
view_loaded (gpointer data)
{
  EcgEnergyView *view = data;
  return !ecg_energy_view_get_loading (view) && ecg_energy_view_get_cost_table (view) != NULL
         && gtk_widget_get_height (GTK_WIDGET (ecg_energy_view_get_chart (view))) > 0;
}

static gboolean
view_measured (gpointer data)
{
  EcgEnergyView *view = data;
  return !ecg_energy_view_get_measuring (view)
         && ecg_energy_view_get_measurement (view, NULL, NULL);
}

static GtkWidget *
child (Fixture *f, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (f->view), ECG_TYPE_ENERGY_VIEW, name));
  g_assert_nonnull (widget);
  return widget;
}

static const char *
label_text (Fixture *f, const char *name)
{
  return gtk_label_get_text (GTK_LABEL (child (f, name)));
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

static void
show_cnn (Fixture *f)
{
  ecg_energy_view_show_architecture (f->view, "CNN1D_3Class");
  spin_until (view_loaded, f->view, 30, "CNN1D_3Class is loaded");
  g_assert_null (ecg_energy_view_get_message (f->view));
}

/* ---- MACs per layer ------------------------------------------------------------------------ */

/* The bars are CNN1D_3Class's five layers with MACs, with model-zoo-layers.txt's counts, and
 * sum to its 9,232,768; the summary says so. */
static void
test_layer_macs (Fixture *f, gconstpointer data)
{
  show_cnn (f);
  static const struct
  {
    const char *name;
    gint64 macs;
  } expected[] = {
    { "b1.conv", 57344 },   { "b2.conv", 1835008 }, { "b3.conv", 3670016 },
    { "b4.conv", 3670016 }, { "fc", 384 },
  };
  EcgMacsChart *chart = ecg_energy_view_get_chart (f->view);
  g_assert_cmpuint (ecg_macs_chart_get_n_bars (chart), ==, G_N_ELEMENTS (expected));
  gint64 sum = 0;
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gint64 macs = 0;
      g_assert_cmpstr (ecg_macs_chart_get_bar (chart, i, &macs), ==, expected[i].name);
      g_assert_cmpint (macs, ==, expected[i].macs);
      sum += macs;
    }
  g_assert_cmpint (sum, ==, 9232768);
  const EcgCostTable *table = ecg_energy_view_get_cost_table (f->view);
  g_assert_cmpint (table->macs, ==, 9232768);
  g_assert_cmpint (table->params, ==, 188035);

  g_autofree char *total = g_strdup_printf ("%'" G_GINT64_FORMAT " MACs", (gint64) 9232768);
  g_autofree char *params = g_strdup_printf ("%'" G_GINT64_FORMAT " parameters",
                                             (gint64) 188035);
  assert_contains (label_text (f, "summary_label"), "CNN1D_3Class");
  assert_contains (label_text (f, "summary_label"), total);
  assert_contains (label_text (f, "summary_label"), params);
}

typedef struct
{
  int width;
  int height;
  gsize stride;
  guint8 *pixels;
} Image;

static void
image_clear (Image *image)
{
  g_free (image->pixels);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Image, image_clear)

static void
render (GtkWidget *widget, Image *image, const char *png)
{
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
  if (g_getenv ("ECGWB_TEST_SAVE_PNG") != NULL)
    gdk_texture_save_to_png (texture, png);
}

/* Pixels of the bar colour (#3584e4) on row y. */
static int
bar_pixels (const Image *image, int y)
{
  int n = 0;
  for (int x = 0; x < image->width; x++)
    {
      const guint8 *p = image->pixels + (gsize) y * image->stride + (gsize) x * 4;
      if (abs (p[2] - 0x35) <= 3 && abs (p[1] - 0x84) <= 3 && abs (p[0] - 0xe4) <= 3)
        n++;
    }
  return n;
}

/* The chart has been laid out with room for its last bar (a new table is allocated on the
 * next frame, which a busy machine may not have drawn yet). */
static gboolean
chart_laid_out (gpointer data)
{
  GtkWidget *chart = data;
  int y = 0, height = 0;
  ecg_macs_chart_get_bar_rows (ECG_MACS_CHART (chart), 4, &y, &height);
  return gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0
         && gtk_widget_get_height (chart) >= y + height;
}

/* Drawn bars are as long as their MACs say: b3 and b4 equal (the longest), b2 half of them,
 * b1 57344/3670016 of them, fc one pixel (the minimum for a non-zero layer). */
static void
test_chart_pixels (Fixture *f, gconstpointer data)
{
  show_cnn (f);
  GtkWidget *chart = GTK_WIDGET (ecg_energy_view_get_chart (f->view));
  spin_until (chart_laid_out, chart, 10, "the chart is laid out");
  g_auto (Image) image = { 0 };
  render (chart, &image, "energy-view-chart.png");
  int length[5];
  for (guint i = 0; i < 5; i++)
    {
      int y, height;
      ecg_macs_chart_get_bar_rows (ECG_MACS_CHART (chart), i, &y, &height);
      g_assert_cmpint (y + height, <=, image.height);
      length[i] = bar_pixels (&image, y + height / 2);
      /* Nothing of the bar colour between bars. */
      g_assert_cmpint (bar_pixels (&image, y - 2), ==, 0);
    }
  g_assert_cmpint (length[2], >, 100);
  g_assert_cmpint (length[3], ==, length[2]);
  g_assert_cmpfloat (fabs (length[1] - length[2] * 0.5), <=, 1.5);
  g_assert_cmpfloat (fabs (length[0] - length[2] * 57344.0 / 3670016.0), <=, 1.5);
  g_assert_cmpint (length[4], ==, 1);
}

/* ---- energy -------------------------------------------------------------------------------- */

/* (b) and (c) as computed by hand, (a), (d) and CO2 from the measured latency with their
 * method labels and units; int8 changes (c) to its hand-computed value. */
static void
test_energy_methods (Fixture *f, gconstpointer data)
{
  show_cnn (f);
  g_assert_cmpfloat_with_epsilon (ecg_energy_view_get_op_model_joules (f->view),
                                  CNN_FP32_JOULES, CNN_FP32_JOULES * 1e-9);
  g_assert_cmpstr (label_text (f, "op_value_label"), ==, "163.6 µJ");
  g_assert_cmpstr (label_text (f, "op_method_label"), ==, "op-model-45nm · J");
  assert_contains (label_text (f, "op_detail_label"), "DRAM");
  /* TF-FLOPs: 2·MAC + bias outputs (32·256 + 64·128 + 128·64 + 128·32 + 3 = 28,675) + pooling
   * (2·(32·128 + 64·64 + 128·32) + 2·128·16 = 28,672) + global pool 128·16 = 2048 + BN
   * outputs (3·8192 + 4096 = 28,672) + softmax 15 → 18,465,536 + 28,675 + 28,672 + 2048 +
   * 28,672 + 15 = 18,553,618; × 0.45 pJ = 8.3491 µJ. */
  g_assert_cmpint (ecg_energy_view_get_cost_table (f->view)->tf_flops, ==, 18553618);
  g_assert_cmpstr (label_text (f, "tf_value_label"), ==, "8.349 µJ");
  g_assert_cmpstr (label_text (f, "tf_method_label"), ==, "tf-flops-0.45pJ · J");
  g_assert_cmpstr (label_text (f, "proxy_method_label"), ==, "proxy-mmac-ms · MMAC·ms");

  spin_until (view_measured, f->view, 60, "the latency is measured");
  EcgLatency latency;
  EcgMeasuredEnergy measured;
  g_assert_true (ecg_energy_view_get_measurement (f->view, &latency, &measured));
  g_assert_cmpint (latency.repeats, ==, 50);
  g_assert_cmpfloat (latency.median_ms, >, 0.0);
  g_assert_cmpint (measured.n_inferences, ==, 50);
  /* (a) = MMACs × ms. */
  g_autofree char *proxy = g_strdup_printf ("%.4g MMAC·ms", 9.232768 * latency.median_ms);
  g_assert_cmpstr (label_text (f, "proxy_value_label"), ==, proxy);
  const char *method = label_text (f, "measured_method_label");
  g_assert_true (g_str_equal (method, "estimate · J") || g_str_equal (method, "rapl · J"));
  if (measured.method == ECG_MEASURED_ESTIMATE)
    {
      /* Time × 5 W, the default per-core power. */
      g_assert_cmpfloat (measured.core_power_w, ==, 5.0);
      g_assert_cmpfloat_with_epsilon (measured.joules_per_inference,
                                      measured.seconds_per_inference * 5.0, 1e-15);
      assert_contains (label_text (f, "measured_detail_label"), "Estimate, not a measurement");
    }
  /* CO2 = J × 10^6 / 3.6·10^6 × 475 g/kWh. */
  g_autofree char *co2 = g_strdup_printf ("%.4g g per million inferences",
                                          measured.joules_per_inference / 3.6 * 475.0);
  assert_contains (label_text (f, "co2_label"), co2);
  assert_contains (label_text (f, "co2_label"), "475 g/kWh");

  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "precision_dropdown")), 1);
  g_assert_cmpfloat_with_epsilon (ecg_energy_view_get_op_model_joules (f->view),
                                  CNN_INT8_JOULES, CNN_INT8_JOULES * 1e-9);
  g_assert_cmpstr (label_text (f, "op_value_label"), ==, "32.4 µJ");
  assert_contains (label_text (f, "op_detail_label"), "int8");
}

/* The profile's defaults are the engine's example profile; an edited profile gives the battery
 * life computed by hand from (c). */
static void
test_battery (Fixture *f, gconstpointer data)
{
  EcgWearableProfile example;
  ecg_wearable_profile_init (&example);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (f, "capacity_spin"))),
                     ==, example.capacity_mah);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (f, "volts_spin"))), ==,
                     example.volts);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (f, "bpm_spin"))), ==,
                     example.beats_per_minute);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (f, "baseline_spin"))),
                     ==, example.baseline_mw);

  EcgBatteryLife life;
  g_assert_false (ecg_energy_view_get_battery_life (f->view, &life));
  show_cnn (f);

  /* 300 mAh at 3.7 V = 300 × 3.6 × 3.7 = 3996 J; 75 beats per minute of (c):
   * 163.5927128 µJ × 1.25 /s = 0.204490891 mW; with a 0.5 mW baseline
   * 3996 J / 0.704490891 mW = 1,575.6 h, without inference 3996 J / 0.5 mW = 2220 h. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "capacity_spin")), 300);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "volts_spin")), 3.7);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "bpm_spin")), 75);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "baseline_spin")), 0.5);
  g_assert_true (ecg_energy_view_get_battery_life (f->view, &life));
  double inference_mw = CNN_FP32_JOULES * 75.0 / 60.0 * 1e3;
  double hours_with = 3996.0 / ((0.5 + inference_mw) * 1e-3) / 3600.0;
  g_assert_cmpfloat_with_epsilon (life.battery_joules, 3996.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.inference_mw, 0.204490891, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.hours_without_inference, 2220.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.hours_with_inference, hours_with, 1e-9);
  g_assert_cmpfloat_with_epsilon (life.hours_with_inference, 1575.6, 0.05);
  g_assert_cmpstr (label_text (f, "battery_energy_label"), ==, "3996 J");
  g_assert_cmpstr (label_text (f, "life_without_label"), ==, "2220.0 h (92.5 days)");
  g_assert_cmpstr (label_text (f, "life_with_label"), ==, "1575.6 h (65.7 days)");
  g_assert_cmpstr (label_text (f, "share_label"), ==, "29.03 %");

  /* No baseline and no heartbeat: nothing draws power. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "baseline_spin")), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (f, "bpm_spin")), 0);
  g_assert_true (ecg_energy_view_get_battery_life (f->view, &life));
  g_assert_true (isinf (life.hours_with_inference));
  assert_contains (label_text (f, "life_with_label"), "unlimited");
}

static gboolean
have_demo_model (void)
{
  g_autoptr (GFile) demo = ecg_application_get_demo_model ();
  if (g_file_query_exists (demo, NULL))
    return TRUE;
  g_test_skip ("the demo model is not there");
  return FALSE;
}

/* ---- model files --------------------------------------------------------------------------- */

static gboolean
bundled_listed (gpointer data)
{
  /* The current model, the three bundled others... and the eight architectures. */
  GtkDropDown *dropdown = data;
  return g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)) >= 1 + 2 + 8;
}

/* The current model (the demo) is shown and the bundled models are offered; the demo with its
 * RR features has 188,053 parameters and 18 more MACs than the architecture. */
static void
test_model_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GFile) demo = ecg_application_get_demo_model ();
  g_autofree char *demo_path = g_file_get_path (demo);
  if (!g_file_test (demo_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the demo model is not there");
      return;
    }
  ecg_energy_view_set_model_path (f->view, demo_path);
  const char *path, *arch;
  ecg_energy_view_get_shown (f->view, &path, &arch);
  g_assert_cmpstr (path, ==, demo_path);
  g_assert_null (arch);
  spin_until (view_loaded, f->view, 30, "the demo model is loaded");
  const EcgCostTable *table = ecg_energy_view_get_cost_table (f->view);
  g_assert_cmpint (table->params, ==, 188053);
  g_assert_cmpint (table->macs, ==, 9232768 + 18);

  GtkDropDown *dropdown = GTK_DROP_DOWN (child (f, "source_dropdown"));
  spin_until (bundled_listed, dropdown, 10, "the bundled models are listed");
  GListModel *items = gtk_drop_down_get_model (dropdown);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  assert_contains (gtk_string_list_get_string (GTK_STRING_LIST (items), 0),
                   "CNN1D_3Class-demo.ecgm");
  gboolean mitdb = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    mitdb |= strstr (gtk_string_list_get_string (GTK_STRING_LIST (items), i),
                     "ResNet1D_Attn-mitdb-ds1.ecgm")
             != NULL;
  g_assert_true (mitdb);

  /* Picking an architecture, then a new current model, does not follow it. */
  ecg_energy_view_show_architecture (f->view, "CardiacCNN_Distilled");
  spin_until (view_loaded, f->view, 30, "the architecture is loaded");
  g_assert_cmpint (ecg_energy_view_get_cost_table (f->view)->params, ==, 7077);
  ecg_energy_view_set_model_path (f->view, "/nowhere/else.ecgm");
  ecg_energy_view_get_shown (f->view, &path, &arch);
  g_assert_cmpstr (arch, ==, "CardiacCNN_Distilled");
}

/* A file that is not a model is refused in the info bar, naming the file. */
static void
test_bad_file (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *path = ecg_test_write_file (dir, "junk.ecgm", "not a model", -1);
  ecg_energy_view_show_model_file (f->view, path);
  g_assert_cmpstr (ecg_energy_view_get_model_path (f->view), ==, path);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (ecg_energy_view_get_loading (f->view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  const char *message = ecg_energy_view_get_message (f->view);
  g_assert_nonnull (message);
  assert_contains (message, "junk.ecgm");
  g_assert_null (ecg_energy_view_get_cost_table (f->view));
  g_assert_true (isnan (ecg_energy_view_get_op_model_joules (f->view)));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* ---- model cards --------------------------------------------------------------------------- */

static gboolean
card_read (gpointer data)
{
  return !ecg_model_card_dialog_get_loading (data)
         && (ecg_model_card_dialog_get_card (data) != NULL
             || ecg_model_card_dialog_get_message (data) != NULL);
}

static const char *
card_text (EcgModelCardDialog *dialog, const char *name)
{
  GtkWidget *label = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (dialog), ECG_TYPE_MODEL_CARD_DIALOG, name));
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The texts of the metrics grid, row by row, joined with " | ". Owned by the caller. */
static char *
metrics_text (EcgModelCardDialog *dialog)
{
  GtkWidget *grid = GTK_WIDGET (gtk_widget_get_template_child (
    GTK_WIDGET (dialog), ECG_TYPE_MODEL_CARD_DIALOG, "metrics_grid"));
  GString *text = g_string_new (NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (grid); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    g_string_append_printf (text, "%s | ", gtk_label_get_text (GTK_LABEL (c)));
  return g_string_free (text, FALSE);
}

static gboolean
card_allocated (gpointer data)
{
  return gtk_widget_get_height (GTK_WIDGET (data)) > 0;
}

static EcgModelCardDialog *
open_card (const char *path, const char *arch)
{
  EcgModelCardDialog *dialog = ecg_model_card_dialog_new (NULL);
  if (path != NULL)
    ecg_model_card_dialog_show_model_file (dialog, path);
  else
    ecg_model_card_dialog_show_architecture (dialog, arch);
  gtk_window_present (GTK_WINDOW (dialog));
  spin_until (card_read, dialog, 30, "the card is read");
  g_assert_null (ecg_model_card_dialog_get_message (dialog));
  return dialog;
}

/* An architecture's card: 188,035 parameters and 9,232,768 MACs, no data, and its limits. */
static void
test_card_architecture (void)
{
  EcgModelCardDialog *dialog = open_card (NULL, "CNN1D_3Class");
  g_assert_cmpstr (card_text (dialog, "arch_label"), ==, "CNN1D_3Class");
  g_autofree char *params = g_strdup_printf ("%'" G_GINT64_FORMAT, (gint64) 188035);
  g_assert_true (g_str_has_prefix (card_text (dialog, "params_label"), params));
  g_autofree char *macs = g_strdup_printf ("%'" G_GINT64_FORMAT, (gint64) 9232768);
  g_assert_cmpstr (card_text (dialog, "macs_label"), ==, macs);
  g_assert_cmpstr (card_text (dialog, "classes_label"), ==, "N S V (class map aami3)");
  g_assert_cmpstr (card_text (dialog, "input_label"), ==, "1 × 256 samples");
  g_assert_cmpstr (card_text (dialog, "test_label"), ==, "not recorded");
  const char *limits = card_text (dialog, "limits_label");
  g_assert_true (g_str_has_prefix (limits, "• Research use only — not a medical device"));
  assert_contains (limits, "untrained architecture");
  g_autofree char *metrics = metrics_text (dialog);
  assert_contains (metrics, "No metrics are recorded");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The bundled MIT-BIH CNN: architecture with RR features, 188,053 parameters, its data,
 * protocol, validation score from HEAD, DS2 figures and limits from its side file. */
static void
test_card_mitdb (void)
{
  g_autoptr (GFile) demo = ecg_application_get_demo_model ();
  g_autoptr (GFile) folder = g_file_get_parent (demo);
  g_autoptr (GFile) model = g_file_get_child (folder, "CNN1D_3Class-mitdb-ds1.ecgm");
  g_autofree char *path = g_file_get_path (model);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the bundled MIT-BIH model is not there");
      return;
    }
  EcgModelCardDialog *dialog = open_card (path, NULL);
  g_assert_cmpstr (card_text (dialog, "title_label"), ==, "CNN1D_3Class-mitdb-ds1");
  g_assert_cmpstr (card_text (dialog, "arch_label"), ==, "CNN1D_3Class + 6 RR features");
  g_autofree char *params = g_strdup_printf ("%'" G_GINT64_FORMAT, (gint64) 188053);
  g_assert_true (g_str_has_prefix (card_text (dialog, "params_label"), params));
  g_assert_cmpstr (card_text (dialog, "data_dir_label"), ==, "/work/shared/data/mitdb");
  assert_contains (card_text (dialog, "train_label"), "DS1 without 201, 209 and 223");
  assert_contains (card_text (dialog, "test_label"), "MIT-BIH DS2 (22 records");
  assert_contains (card_text (dialog, "protocol_label"), "de Chazal 2004");
  assert_contains (card_text (dialog, "training_label"), "11 of 12 epochs (epoch 7 kept)");
  assert_contains (card_text (dialog, "training_label"), "seed 1");
  g_autofree char *metrics = metrics_text (dialog);
  assert_contains (metrics, "Validation macro-F1 (chose the epoch) | 0.7795 |");
  assert_contains (metrics, "DS2 macro-F1 | 0.5209 | 95 % CI [0.5154, 0.5269]");
  assert_contains (metrics, "DS2 accuracy | 0.8308 |");
  const char *limits = card_text (dialog, "limits_label");
  g_assert_true (g_str_has_prefix (limits, "• Research use only"));
  assert_contains (limits, "Single seed (1)");
  if (g_getenv ("ECGWB_TEST_SAVE_PNG") != NULL)
    {
      spin_until (card_allocated, dialog, 10, "the card is laid out");
      g_auto (Image) image = { 0 };
      render (GTK_WIDGET (dialog), &image, "model-card.png");
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The Energy page's Model Card button opens the card of the model it shows. */
static void
test_card_from_view (Fixture *f, gconstpointer data)
{
  show_cnn (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "energy.model-card", NULL));
  EcgModelCardDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (ECG_IS_MODEL_CARD_DIALOG (window))
        dialog = ECG_MODEL_CARD_DIALOG (window);
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == f->window);
  spin_until (card_read, dialog, 30, "the card is read");
  g_assert_cmpstr (card_text (dialog, "arch_label"), ==, "CNN1D_3Class");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static EcgModelCardDialog *
find_card_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);
      if (ECG_IS_MODEL_CARD_DIALOG (window))
        return ECG_MODEL_CARD_DIALOG (window);
    }
  return NULL;
}

/* In the main window: the Energy page (Alt+4's action) follows the Compress page's model, and
 * win.model-card shows that model's card. */
static void
test_window (void)
{
  if (!have_demo_model ())
    return;
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  EcgEnergyView *view = ecg_window_get_energy_view (window);
  const char *panel_model
    = ecg_compression_panel_get_model_path (ecg_window_get_compression_panel (window));
  g_assert_nonnull (panel_model);
  g_assert_cmpstr (ecg_energy_view_get_model_path (view), ==, panel_model);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s",
                                             "energy"));
  g_assert_cmpstr (ecg_window_get_page (window), ==, "energy");
  spin_until (view_loaded, view, 30, "the Energy page shows the current model");
  g_assert_cmpint (ecg_energy_view_get_cost_table (view)->params, ==, 188053);

  g_assert_null (find_card_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.model-card", NULL));
  EcgModelCardDialog *dialog = find_card_dialog ();
  g_assert_nonnull (dialog);
  spin_until (card_read, dialog, 30, "the card is read");
  g_assert_cmpstr (card_text (dialog, "title_label"), ==, "CNN1D_3Class-demo");
  assert_contains (card_text (dialog, "train_label"), "demo1 and demo3");
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin_until (view_idle, view, 120, "the Energy page's measurement ends");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
export_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  if (!ecg_macs_chart_export_finish (ECG_MACS_CHART (source_object), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "no error");
}

/* Exports the chart to `path`; NULL on success, else the error. */
static GError *
export_chart (EcgMacsChart *chart, const char *path)
{
  GError *error = NULL;
  ecg_macs_chart_export_async (chart, path, NULL, export_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);
  return error;
}

/* The chart exports as a PNG, an SVG and a PDF (by their signatures), and as CSV with one row
 * per bar: CNN1D_3Class's five layers with model-zoo-layers.txt's MACs and parameters. */
static void
test_chart_export (Fixture *f, gconstpointer data)
{
  show_cnn (f);
  EcgMacsChart *chart = ecg_energy_view_get_chart (f->view);
  g_autofree char *dir = ecg_test_tmpdir_new ();
  static const struct
  {
    const char *name;
    const char *start;
  } pictures[] = {
    { "macs.png", "\x89PNG\r\n\x1a\n" },
    { "macs.svg", NULL },
    { "macs.pdf", "%PDF-" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (pictures); i++)
    {
      g_autofree char *path = g_build_filename (dir, pictures[i].name, NULL);
      g_autoptr (GError) error = export_chart (chart, path);
      g_assert_no_error (error);
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      if (pictures[i].start != NULL)
        {
          g_assert_cmpuint (length, >, strlen (pictures[i].start));
          g_assert_cmpmem (contents, strlen (pictures[i].start), pictures[i].start,
                           strlen (pictures[i].start));
        }
      else
        g_assert_nonnull (strstr (contents, "<svg"));
    }

  g_autofree char *csv_path = g_build_filename (dir, "macs.csv", NULL);
  g_autoptr (GError) csv_error = export_chart (chart, csv_path);
  g_assert_no_error (csv_error);
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpstr (csv, ==,
                   "layer,macs,params\n"
                   "b1.conv,57344,256\n"
                   "b2.conv,1835008,14400\n"
                   "b3.conv,3670016,57472\n"
                   "b4.conv,3670016,114816\n"
                   "fc,384,387\n");

  /* An extension that names no format is refused, and nothing is written. */
  g_autofree char *txt_path = g_build_filename (dir, "macs.txt", NULL);
  g_autoptr (GError) txt_error = export_chart (chart, txt_path);
  g_assert_error (txt_error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_false (g_file_test (txt_path, G_FILE_TEST_EXISTS));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                        \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/energy-view/layer-macs", test_layer_macs);
  ADD ("/ui/energy-view/chart-pixels", test_chart_pixels);
  ADD ("/ui/energy-view/chart-export", test_chart_export);
  ADD ("/ui/energy-view/energy-methods", test_energy_methods);
  ADD ("/ui/energy-view/battery", test_battery);
  ADD ("/ui/energy-view/model-file", test_model_file);
  ADD ("/ui/energy-view/bad-file", test_bad_file);
  ADD ("/ui/energy-view/model-card-button", test_card_from_view);
#undef ADD
  g_test_add_func ("/ui/model-card/architecture", test_card_architecture);
  g_test_add_func ("/ui/model-card/mitdb", test_card_mitdb);
  g_test_add_func ("/ui/energy-view/window", test_window);

  return g_test_run ();
}
