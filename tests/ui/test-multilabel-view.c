/* test-multilabel-view.c — the PTB-XL view: table against the engine, thresholds, the list of
 * misclassified records, and the worker on a synthetic PTB-XL tree.
 *
 * The hand-made case (two classes, MI and NORM):
 *   threshold fold, 4 records       scores (MI, NORM)   labels
 *     v0                            0.9   0.8           1 1
 *     v1                            0.7   0.4           0 1
 *     v2                            0.6   0.3           1 0
 *     v3                            0.2   0.1           0 0
 *   MI:   points (TP, FP) (1,0) (1,1) (2,1) (2,2), F1 = 2TP / (TP + FP + 2) = 2/3, 2/4, 4/5,
 *         4/6 → threshold 0.6 (F1 0.8).
 *   NORM: points (1,0) (2,0) (2,1) (2,2), F1 2/3, 1, 4/5, 4/6 → threshold 0.4.
 *
 *   test fold, 6 records
 *     t0  0.95  0.10   1 0
 *     t1  0.65  0.50   0 1
 *     t2  0.55  0.45   1 1
 *     t3  0.30  0.35   0 0
 *     t4  0.62  0.20   1 0
 *     t5  0.10  0.90   0 1
 *   MI AUROC: positives 0.95, 0.55, 0.62 against negatives 0.65, 0.30, 0.10: 3 + 2 + 2 = 7 of
 *   9 pairs → 7/9 = 0.778. NORM: every positive above every negative → 1.000.
 *   At MI 0.6, NORM 0.4: MI predicted for t0, t1, t4 (t1 FP, t2 FN); NORM predicted for t1, t2,
 *   t5, all right → misclassified t1, t2 (2). MI TP 2, FP 1, FN 1: F1 = Se = PPV = 0.667. MI at
 *   0.5: t0, t1, t2, t4 predicted, TP 3, FP 1 → F1 6/7 = 0.857.
 */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "dataset/ecg-record-set.h"
#include "ecg-config.h"
#include "ecg-error.h"
#include "ecg-multilabel-view.h"
#include "ecg-window.h"
#include "measure/ecg-curves.h"
#include "measure/ecg-metrics.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"
#include "test-util.h"
#include "train/ecg-data.h"
#include "train/ecg-trainer.h"

static const char *const classes[] = { "MI", "NORM", NULL };
static const float val_scores[] = { 0.9f, 0.8f, 0.7f, 0.4f, 0.6f, 0.3f, 0.2f, 0.1f };
static const guint8 val_labels[] = { 1, 1, 0, 1, 1, 0, 0, 0 };
static const float test_scores[] = { 0.95f, 0.10f, 0.65f, 0.50f, 0.55f, 0.45f,
                                     0.30f, 0.35f, 0.62f, 0.20f, 0.10f, 0.90f };
static const guint8 test_labels[] = { 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1 };
static const char *const test_names[] = { "t0", "t1", "t2", "t3", "t4", "t5" };
static const char *const test_paths[] = { "/p/t0", "/p/t1", "/p/t2",
                                          "/p/t3", "/p/t4", "/p/t5" };

static EcgMultilabelView *
new_view_in_window (GtkWindow **window)
{
  *window = GTK_WINDOW (gtk_window_new ());
  EcgMultilabelView *view = ecg_multilabel_view_new ();
  gtk_window_set_child (*window, GTK_WIDGET (view));
  gtk_window_set_default_size (*window, 1100, 800);
  gtk_window_present (*window);
  return view;
}

static void
expect_cell (EcgMultilabelView *view, int klass, EcgMultilabelColumn column, double value)
{
  g_autofree char *expected = g_strdup_printf ("%.3f", value);
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, klass, column), ==, expected);
}

static void
activated (EcgMultilabelView *view, const char *name, const char *path, GPtrArray *seen)
{
  (void)view;
  g_ptr_array_add (seen, g_strdup_printf ("%s %s", name, path));
}

static void
test_table_and_thresholds (void)
{
  GtkWindow *window;
  EcgMultilabelView *view = new_view_in_window (&window);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_multilabel_view_set_predictions (view, classes, 2, val_scores, val_labels,
                                                      4, test_scores, test_labels, test_names,
                                                      test_paths, 6, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ecg_multilabel_view_get_n_classes (view), ==, 2);

  /* The table's AUROC / AUPRC are the engine's, bit for bit, and the hand-computed values. */
  g_autoptr (EcgMultiLabelMetrics) engine
    = ecg_multi_label_metrics_new (test_scores, test_labels, 6, 2, &error);
  g_assert_no_error (error);
  for (int c = 0; c < 2; c++)
    {
      g_assert_true (ecg_multilabel_view_get_auroc (view, c) == engine->per_class[c].auroc);
      g_assert_true (ecg_multilabel_view_get_auprc (view, c) == engine->per_class[c].auprc);
      expect_cell (view, c, ECG_MULTILABEL_COLUMN_AUROC, engine->per_class[c].auroc);
      expect_cell (view, c, ECG_MULTILABEL_COLUMN_AUPRC, engine->per_class[c].auprc);
      expect_cell (view, c, ECG_MULTILABEL_COLUMN_F1_AT_0_5, engine->per_class[c].at_0_5.f1);
    }
  g_assert_cmpfloat_with_epsilon (engine->per_class[0].auroc, 7.0 / 9.0, 1e-12);
  g_assert_cmpfloat (engine->per_class[1].auroc, ==, 1.0);
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, 0, ECG_MULTILABEL_COLUMN_AUROC), ==,
                   "0.778");
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, 0, ECG_MULTILABEL_COLUMN_CLASS), ==,
                   "MI");

  /* Thresholds chosen on the threshold fold: 0.6 and 0.4 (as floats, they are scores). */
  g_assert_cmpfloat (ecg_multilabel_view_get_threshold (view, 0), ==, (double)0.6f);
  g_assert_cmpfloat (ecg_multilabel_view_get_threshold (view, 1), ==, (double)0.4f);
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, 0, ECG_MULTILABEL_COLUMN_THRESHOLD),
                   ==, "0.600");
  expect_cell (view, 0, ECG_MULTILABEL_COLUMN_F1, 2.0 / 3.0);
  expect_cell (view, 0, ECG_MULTILABEL_COLUMN_SENSITIVITY, 2.0 / 3.0);
  expect_cell (view, 0, ECG_MULTILABEL_COLUMN_PPV, 2.0 / 3.0);
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, 0,
                                                      ECG_MULTILABEL_COLUMN_F1_AT_0_5),
                   ==, "0.857");
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 2);

  /* MI at 0.5: t2 (0.55) becomes right, t1 stays a false MI → 1 record; MI F1 6/7. */
  ecg_multilabel_view_set_threshold (view, 0, 0.5);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 1);
  expect_cell (view, 0, ECG_MULTILABEL_COLUMN_F1, 6.0 / 7.0);
  /* NORM at 0.48: t2 (0.45) loses NORM → t1, t2. At 0.95: t1, t2, t5 lose it → 3; NORM
   * sensitivity 0 and PPV undefined (nothing predicted). */
  ecg_multilabel_view_set_threshold (view, 1, 0.48);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 2);
  ecg_multilabel_view_set_threshold (view, 1, 0.95);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 3);
  expect_cell (view, 1, ECG_MULTILABEL_COLUMN_SENSITIVITY, 0.0);
  g_assert_cmpstr (ecg_multilabel_view_get_cell_text (view, 1, ECG_MULTILABEL_COLUMN_PPV), ==,
                   "—");
  g_assert_cmpuint (ecg_multi_label_count_mismatches (
                      test_scores, test_labels, 6, 2, (const double[]){ 0.5, 0.95 }),
                    ==, 3);

  /* Reset: back to 0.6 / 0.4 and 2 records; the first listed is t1, activating it gives its
   * name and path. */
  ecg_multilabel_view_reset_thresholds (view);
  g_assert_cmpfloat (ecg_multilabel_view_get_threshold (view, 0), ==, (double)0.6f);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 2);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (view, "record-activated", G_CALLBACK (activated), seen);
  g_assert_true (ecg_multilabel_view_activate_row (view, 0));
  g_assert_true (ecg_multilabel_view_activate_row (view, 1));
  g_assert_false (ecg_multilabel_view_activate_row (view, 2));
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "t1 /p/t1");
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "t2 /p/t2");

  /* A NaN score is refused and leaves the view empty. */
  float bad[G_N_ELEMENTS (test_scores)];
  memcpy (bad, test_scores, sizeof bad);
  bad[3] = NAN;
  g_assert_false (ecg_multilabel_view_set_predictions (view, classes, 2, val_scores, val_labels,
                                                       4, bad, test_labels, test_names, NULL,
                                                       6, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NUMERIC);
  g_assert_cmpint (ecg_multilabel_view_get_n_classes (view), ==, 0);

  gtk_window_destroy (window);
}

/* Renders the view and counts pixels of MI's curve colour (0.21, 0.52, 0.89) in the ROC
 * area: the curve must be drawn. */
static void
test_curves_drawn (void)
{
  GtkWindow *window;
  EcgMultilabelView *view = new_view_in_window (&window);
  g_assert_true (ecg_multilabel_view_set_predictions (view, classes, 2, val_scores, val_labels,
                                                      4, test_scores, test_labels, test_names,
                                                      NULL, 6, NULL));
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  GtkWidget *widget = GTK_WIDGET (view);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr (GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr (GdkTexture) texture
    = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_autofree guint32 *pixels = g_new (guint32, (gsize)width * height);
  gdk_texture_download (texture, (guchar *)pixels, (gsize)width * 4);
  gsize blue = 0, orange = 0;
  for (gsize i = 0; i < (gsize)width * height; i++)
    {
      int r = (pixels[i] >> 16) & 0xff, g = (pixels[i] >> 8) & 0xff, b = pixels[i] & 0xff;
      if (abs (r - 54) < 6 && abs (g - 133) < 6 && abs (b - 227) < 6)
        blue++;
      if (abs (r - 230) < 6 && abs (g - 97) < 6 && abs (b - 0) < 6)
        orange++;
    }
  g_object_unref (paintable);
  /* Two curves, two PR curves, markers and legend swatches: well over a hundred pixels each. */
  g_assert_cmpuint (blue, >, 100);
  g_assert_cmpuint (orange, >, 100);
  gtk_window_destroy (window);
}

static void
export_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  if (!ecg_multilabel_view_export_finish (ECG_MULTILABEL_VIEW (source_object), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "no error");
}

/* Exports `chart` to `path`; NULL on success, else the error. */
static GError *
export_chart (EcgMultilabelView *view, EcgMultilabelChart chart, const char *path)
{
  GError *error = NULL;
  ecg_multilabel_view_export_async (view, chart, path, NULL, export_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);
  return error;
}

/* Both charts export as PNG, SVG and PDF (by their signatures); the CSV has a row per curve
 * point: each class has 6 distinct test scores, so 7 points (the first at threshold +inf,
 * where nothing is predicted: FPR 0, TPR 0, precision undefined), 14 rows in all. MI's last
 * point (threshold 0.10) predicts every record: FPR 1, TPR 1, precision 3/6 = 0.5. */
static void
test_export (void)
{
  GtkWindow *window;
  EcgMultilabelView *view = new_view_in_window (&window);
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *early = g_build_filename (dir, "early.png", NULL);
  g_autoptr (GError) early_error = export_chart (view, ECG_MULTILABEL_CHART_ROC, early);
  g_assert_error (early_error, ECG_ERROR, ECG_ERROR_INVALID);

  g_assert_true (ecg_multilabel_view_set_predictions (view, classes, 2, val_scores, val_labels,
                                                      4, test_scores, test_labels, test_names,
                                                      NULL, 6, NULL));
  static const char *const extensions[] = { "png", "svg", "pdf" };
  for (int chart = ECG_MULTILABEL_CHART_ROC; chart <= ECG_MULTILABEL_CHART_PR; chart++)
    for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
      {
        g_autofree char *name = g_strdup_printf ("chart%d.%s", chart, extensions[i]);
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autoptr (GError) error = export_chart (view, chart, path);
        g_assert_no_error (error);
        g_autofree char *contents = NULL;
        gsize length = 0;
        g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
        g_assert_cmpuint (length, >, 8);
        if (i == 0)
          g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
        else if (i == 1)
          g_assert_nonnull (strstr (contents, "<svg"));
        else
          g_assert_cmpmem (contents, 5, "%PDF-", 5);
      }

  g_autofree char *csv_path = g_build_filename (dir, "curves.csv", NULL);
  g_autoptr (GError) csv_error = export_chart (view, ECG_MULTILABEL_CHART_PR, csv_path);
  g_assert_no_error (csv_error);
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  /* Header, 14 points, and the empty string after the last line break. */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 14 + 1);
  g_assert_cmpstr (lines[0], ==, "class,threshold,fpr,tpr,precision");
  g_assert_cmpstr (lines[1], ==, "MI,inf,0,0,");
  g_assert_true (g_str_has_prefix (lines[7], "MI,0.1"));
  g_assert_true (g_str_has_suffix (lines[7], ",1,1,0.5"));
  g_assert_cmpstr (lines[8], ==, "NORM,inf,0,0,");
  g_assert_cmpstr (lines[15], ==, "");

  ecg_test_tmpdir_free (g_steal_pointer (&dir));
  gtk_window_destroy (window);
}

/* ---- the worker on a synthetic PTB-XL tree --------------------------------------------- */

static const char *const codes[] = { "CLBBB", "LVH", "IMI", "NORM", "NDT" };

/* Writes record `ecg_id` (12 leads × 1000 samples, format 16, 1 µV units) whose waveform
 * depends on its label mask, with the checksums the header needs. */
static void
write_record (const char *dir, int ecg_id, guint8 mask)
{
  g_autofree gint16 *samples = g_new (gint16, 12 * 1000);
  int checksums[12] = { 0 };
  for (int t = 0; t < 1000; t++)
    for (int l = 0; l < 12; l++)
      {
        double v = 300.0 * sin (2.0 * G_PI * t / (60.0 + 7.0 * l + ecg_id));
        for (int c = 0; c < 5; c++)
          if (mask & (1u << c))
            v += 150.0 * (c + 1) * sin (2.0 * G_PI * t * (c + 2) / 100.0 + l);
        gint16 s = (gint16)lrint (v);
        samples[t * 12 + l] = GINT16_TO_LE (s);
        checksums[l] = (checksums[l] + s) & 0xffff;
      }
  g_autofree char *name = g_strdup_printf ("%05d_lr", ecg_id);
  g_autofree char *dat = g_strconcat (name, ".dat", NULL);
  g_autofree char *hea = g_strconcat (name, ".hea", NULL);
  g_autofree char *folder = g_build_filename (dir, "records100", "00000", NULL);
  g_mkdir_with_parents (folder, 0755);
  g_free (ecg_test_write_file (folder, dat, samples, 12 * 1000 * sizeof (gint16)));
  GString *header = g_string_new (NULL);
  g_string_append_printf (header, "%s 12 100 1000\n", name);
  for (int l = 0; l < 12; l++)
    {
      const char *lead = ecg_record_set_lead_name (l);
      g_string_append_printf (header, "%s 16 1000.0(0)/mV 16 0 %d %d 0 %s\n", dat,
                              GINT16_FROM_LE (samples[l]), checksums[l], lead);
    }
  g_free (ecg_test_write_file (folder, hea, header->str, header->len));
  g_string_free (header, TRUE);
}

static char *
write_ptbxl_tree (const char *dir)
{
  const char *statements = ",description,diagnostic,diagnostic_class\n"
                           "CLBBB,complete left bundle branch block,1.0,CD\n"
                           "LVH,left ventricular hypertrophy,1.0,HYP\n"
                           "IMI,inferior myocardial infarction,1.0,MI\n"
                           "NORM,normal ECG,1.0,NORM\n"
                           "NDT,non-diagnostic T abnormalities,1.0,STTC\n";
  g_free (ecg_test_write_file (dir, "scp_statements.csv", statements, -1));
  /* Folds 9 and 10, five records each: one class each, the fifth two classes. */
  GString *csv = g_string_new ("ecg_id,patient_id,scp_codes,strat_fold,filename_lr,filename_hr\n");
  for (int id = 1; id <= 10; id++)
    {
      int fold = id <= 5 ? 9 : 10, c = (id - 1) % 5;
      guint8 mask = (guint8)(1u << c);
      g_autofree char *scp = NULL;
      if (c == 4)
        {
          mask |= 1u << 2;
          scp = g_strdup_printf ("\"{'%s': 100.0, '%s': 50.0}\"", codes[4], codes[2]);
        }
      else
        scp = g_strdup_printf ("\"{'%s': 100.0}\"", codes[c]);
      g_string_append_printf (csv, "%d,%d.0,%s,%d,records100/00000/%05d_lr,"
                              "records500/00000/%05d_hr\n", id, 100 + id, scp, fold, id, id);
      write_record (dir, id, mask);
    }
  g_free (ecg_test_write_file (dir, "ptbxl_database.csv", csv->str, csv->len));
  g_string_free (csv, TRUE);
  return g_strdup (dir);
}

static gboolean
view_idle (EcgMultilabelView *view)
{
  return !ecg_multilabel_view_get_busy (view);
}

static void
spin_until_idle (EcgMultilabelView *view)
{
  gint64 deadline = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;
  while (!view_idle (view))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for the PTB-XL worker");
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
test_worker_synthetic (void)
{
  char *tmp = ecg_test_tmpdir_new ();
  g_autofree char *dir = write_ptbxl_tree (tmp);

  /* An untrained (seeded) ResNet1D_SE_Attn: what matters is that the view shows exactly the
   * engine's figures for the model's predictions, not that they are good. */
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModel) model = ecg_zoo_build ("ResNet1D_SE_Attn", FALSE, 3, &error);
  g_assert_no_error (error);
  g_autofree char *model_path = g_build_filename (tmp, "tiny.ecgm", NULL);
  g_assert_true (ecg_model_file_save (model, NULL, NULL, NULL, 0, NULL, model_path, &error));
  g_assert_no_error (error);

  GtkWindow *window;
  EcgMultilabelView *view = new_view_in_window (&window);
  ecg_multilabel_view_set_model_path (view, model_path);
  ecg_multilabel_view_set_data_dir (view, dir);
  g_assert_true (ecg_multilabel_view_get_busy (view));
  spin_until_idle (view);
  g_assert_null (ecg_multilabel_view_get_message (view));
  g_assert_cmpint (ecg_multilabel_view_get_n_classes (view), ==, 5);

  /* The same predictions computed here: fold 10, identity normalisation. */
  const int fold = 10;
  g_autoptr (EcgExamples) examples = ecg_data_load_ptbxl (dir, &fold, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (examples->n, ==, 5);
  /* The view's worker thread count, so that batches split the same way. */
  int threads = CLAMP ((int)g_get_num_processors (), 1, 4);
  g_autofree float *scores = ecg_predict (model, examples, threads, NULL, &error);
  g_assert_no_error (error);
  guint8 labels[25];
  for (int i = 0; i < 25; i++)
    labels[i] = examples->targets[i] != 0.0f;
  g_autoptr (EcgMultiLabelMetrics) engine
    = ecg_multi_label_metrics_new (scores, labels, 5, 5, &error);
  g_assert_no_error (error);
  for (int c = 0; c < 5; c++)
    {
      double shown = ecg_multilabel_view_get_auroc (view, c);
      /* MI has two positives (records 8 and 10), every other class one: all defined. */
      g_assert_false (isnan (shown));
      g_assert_true (shown == engine->per_class[c].auroc);
      expect_cell (view, c, ECG_MULTILABEL_COLUMN_AUROC, engine->per_class[c].auroc);
    }

  /* Thresholds above every score call nothing: each of the 5 test records has a label, so all
   * 5 are misclassified; at 0 every class is called and all 5 are wrong again (none has all
   * five labels). */
  for (int c = 0; c < 5; c++)
    ecg_multilabel_view_set_threshold (view, c, 1.0);
  gsize expected_high = ecg_multi_label_count_mismatches (
    scores, labels, 5, 5, (const double[]){ 1.0, 1.0, 1.0, 1.0, 1.0 });
  g_assert_cmpuint (expected_high, ==, 5);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, expected_high);
  for (int c = 0; c < 5; c++)
    ecg_multilabel_view_set_threshold (view, c, 0.0);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, 5);

  /* Choosing the thresholds on the test fold is refused. */
  ecg_multilabel_view_set_test_fold (view, 9);
  g_assert_false (ecg_multilabel_view_get_busy (view));
  g_assert_nonnull (ecg_multilabel_view_get_message (view));
  g_assert_cmpint (ecg_multilabel_view_get_n_classes (view), ==, 0);

  gtk_window_destroy (window);
  ecg_test_tmpdir_free (tmp);
}

/* The trained PTB-XL model of the experiments (/tmp/runs, 6.6 MB, not in the repository) on
 * the staged real subset: the table shows the engine's AUROC of the model's fold-10
 * predictions, and the list holds exactly the records misclassified at the view's thresholds.
 * Skipped when the model or the data is absent. */
static void
test_real_model (void)
{
  const char *model_path = "/tmp/runs/ResNet1D_SE_Attn-ptbxl.ecgm";
  if (!g_file_test (model_path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("no trained PTB-XL model at /tmp/runs/ResNet1D_SE_Attn-ptbxl.ecgm");
      return;
    }
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;

  GtkWindow *window;
  EcgMultilabelView *view = new_view_in_window (&window);
  ecg_multilabel_view_set_model_path (view, model_path);
  ecg_multilabel_view_set_data_dir (view, dir);
  spin_until_idle (view);
  g_assert_null (ecg_multilabel_view_get_message (view));
  g_assert_cmpint (ecg_multilabel_view_get_n_classes (view), ==, 5);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgModelFile) file = ecg_model_file_load (model_path, &error);
  g_assert_no_error (error);
  const int fold = 10;
  g_autoptr (EcgExamples) examples = ecg_data_load_ptbxl (dir, &fold, 1, NULL, &error);
  g_assert_no_error (error);
  ecg_examples_apply_normalisation (examples, file->norm);
  int threads = CLAMP ((int)g_get_num_processors (), 1, 4);
  g_autofree float *scores = ecg_predict (file->model, examples, threads, NULL, &error);
  g_assert_no_error (error);
  gsize n = examples->n;
  g_autofree guint8 *labels = g_new (guint8, n * 5);
  for (gsize i = 0; i < n * 5; i++)
    labels[i] = examples->targets[i] != 0.0f;
  g_autoptr (EcgMultiLabelMetrics) engine
    = ecg_multi_label_metrics_new (scores, labels, n, 5, &error);
  g_assert_no_error (error);
  double thresholds[5];
  for (int c = 0; c < 5; c++)
    {
      g_assert_true (ecg_multilabel_view_get_auroc (view, c) == engine->per_class[c].auroc);
      expect_cell (view, c, ECG_MULTILABEL_COLUMN_AUROC, engine->per_class[c].auroc);
      thresholds[c] = ecg_multilabel_view_get_threshold (view, c);
      g_test_message ("%s: AUROC %.4f AUPRC %.4f threshold %.4f F1 %s (F1 at 0.5 %s)",
                      ecg_multilabel_view_get_cell_text (view, c, ECG_MULTILABEL_COLUMN_CLASS),
                      engine->per_class[c].auroc, engine->per_class[c].auprc, thresholds[c],
                      ecg_multilabel_view_get_cell_text (view, c, ECG_MULTILABEL_COLUMN_F1),
                      ecg_multilabel_view_get_cell_text (view, c,
                                                         ECG_MULTILABEL_COLUMN_F1_AT_0_5));
    }
  gsize expected = ecg_multi_label_count_mismatches (scores, labels, n, 5, thresholds);
  g_test_message ("%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " fold-10 records misclassified",
                  expected, n);
  g_assert_cmpuint (ecg_multilabel_view_get_n_misclassified (view), ==, expected);
  gtk_window_destroy (window);
}

/* In the main window, the "ptbxl" page holds the view; activating a misclassified record opens
 * its folder on the Records page with the record selected (here the demo record demo1 stands
 * in for a PTB-XL record path). */
static void
test_window_opens_record (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  GtkStack *pages
    = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), ECG_TYPE_WINDOW,
                                                "page_stack"));
  GtkWidget *child = gtk_stack_get_child_by_name (pages, "ptbxl");
  g_assert_true (ECG_IS_MULTILABEL_VIEW (child));
  EcgMultilabelView *view = ECG_MULTILABEL_VIEW (child);
  ecg_window_show_page (window, "ptbxl");

  g_autofree char *demo = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", NULL);
  g_autofree char *demo1 = g_build_filename (demo, "demo1", NULL);
  const char *const paths[] = { demo1, demo1, demo1, demo1, demo1, demo1 };
  g_assert_true (ecg_multilabel_view_set_predictions (view, classes, 2, val_scores, val_labels,
                                                      4, test_scores, test_labels, test_names,
                                                      paths, 6, NULL));
  g_assert_true (ecg_multilabel_view_activate_row (view, 0));
  g_assert_cmpstr (ecg_window_get_page (window), ==, "records");
  GFile *folder = ecg_window_get_folder (window);
  g_assert_nonnull (folder);
  g_autofree char *folder_path = g_file_get_path (folder);
  g_assert_cmpstr (folder_path, ==, demo);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/multilabel-view/table-and-thresholds", test_table_and_thresholds);
  g_test_add_func ("/ui/multilabel-view/curves-drawn", test_curves_drawn);
  g_test_add_func ("/ui/multilabel-view/export", test_export);
  g_test_add_func ("/ui/multilabel-view/worker-synthetic", test_worker_synthetic);
  g_test_add_func ("/ui/multilabel-view/window-opens-record", test_window_opens_record);
  g_test_add_func ("/ui/multilabel-view/real-model", test_real_model);
  return g_test_run ();
}
