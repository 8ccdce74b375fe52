/* test-window.c — EcgWindow lists a folder's records and opens them off the main thread. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-window.h"
#include "store/ecg-run-store.h"
#include "test-util.h"

/* Writes a two-lead, 2 s record `name` at 360 Hz with one beat into `dir`. */
static void
write_record (const char *dir, const char *name)
{
  enum { N = 720 };
  static float lead_a[N], lead_b[N];
  for (int t = 0; t < N; t++)
    {
      lead_a[t] = t == 360 ? 1.0f : 0.0f;
      lead_b[t] = -lead_a[t];
    }
  g_autoptr (EcgAnnotationList) annotations = ecg_annotation_list_new (1);
  annotations->items[0].sample = 360;
  annotations->items[0].code = ECG_ANN_NORMAL;

  const char *const lead_names[] = { "MLII", "V1" };
  const float *const leads[] = { lead_a, lead_b };
  g_autoptr (EcgRecord) record
    = ecg_record_new_from_samples (name, 360.0, N, 2, lead_names, leads, 200.0, annotations);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (record, dir, 16, &error));
  g_assert_no_error (error);
}

typedef struct
{
  char *dir;
  EcgWindow *window;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = ecg_test_tmpdir_new ();
  f->window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ecg_test_tmpdir_free (f->dir);
}

typedef gboolean (*Condition) (Fixture *f, gconstpointer data);

static void
spin_until (Fixture *f, Condition condition, gconstpointer data, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!condition (f, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* The window is idle and shows the record named `data`. */
static gboolean
shows_record (Fixture *f, gconstpointer data)
{
  const EcgRecord *record = ecg_waveform_view_get_record (ecg_window_get_waveform_view (f->window));
  return !ecg_window_get_loading (f->window) && record != NULL
         && g_str_equal (record->name, (const char *) data);
}

static gboolean
shows_message (Fixture *f, gconstpointer data)
{
  return !ecg_window_get_loading (f->window) && ecg_window_get_message (f->window) != NULL;
}

static gboolean
has_n_records (Fixture *f, gconstpointer data)
{
  return g_list_model_get_n_items (ecg_window_get_records (f->window)) == GPOINTER_TO_UINT (data);
}

static void
open_folder (Fixture *f, const char *record_name)
{
  g_autoptr (GFile) folder = g_file_new_for_path (f->dir);
  ecg_window_open_folder (f->window, folder, record_name);
}

static GtkWidget *
find_descendant (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Rows the sidebar's list view has laid out and mapped. */
static gboolean
sidebar_shows_two_rows (Fixture *f, gconstpointer data)
{
  GtkWidget *list = find_descendant (GTK_WIDGET (f->window), GTK_TYPE_LIST_VIEW);
  guint rows = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && gtk_widget_get_height (child) > 0)
      rows++;
  return rows == 2;
}

static char *
record_name_at (Fixture *f, guint position)
{
  g_autoptr (GFileInfo) info = g_list_model_get_item (ecg_window_get_records (f->window), position);
  return g_strdup (g_file_info_get_name (info));
}

/* A folder with a.hea/.dat/.atr, b.hea/.dat/.atr and notes.txt shows two rows, a and b, and
 * opens the first. */
static void
test_folder_lists_records (Fixture *f, gconstpointer data)
{
  write_record (f->dir, "b");
  write_record (f->dir, "a");
  g_autofree char *notes = ecg_test_write_file (f->dir, "notes.txt", "not a record", -1);

  open_folder (f, NULL);
  spin_until (f, shows_record, "a", "record a is shown");
  g_assert_cmpuint (g_list_model_get_n_items (ecg_window_get_records (f->window)), ==, 2);
  g_autofree char *first = record_name_at (f, 0);
  g_autofree char *second = record_name_at (f, 1);
  g_assert_cmpstr (first, ==, "a.hea");
  g_assert_cmpstr (second, ==, "b.hea");
  spin_until (f, sidebar_shows_two_rows, NULL, "the sidebar shows two rows");
  g_assert_null (ecg_window_get_message (f->window));

  /* Selecting the second row loads b. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (ecg_window_get_records (f->window)),
                                     1);
  spin_until (f, shows_record, "b", "record b is shown");
  const EcgRecord *record = ecg_waveform_view_get_record (ecg_window_get_waveform_view (f->window));
  g_assert_cmpint (record->n_leads, ==, 2);
  g_assert_cmpint (record->n_samples, ==, 720);
}

/* Records sort as a file manager sorts them: "2" before "10". */
static void
test_folder_natural_order (Fixture *f, gconstpointer data)
{
  write_record (f->dir, "10");
  write_record (f->dir, "2");
  open_folder (f, NULL);
  spin_until (f, shows_record, "2", "record 2 is shown");
  g_autofree char *first = record_name_at (f, 0);
  g_assert_cmpstr (first, ==, "2.hea");
}

/* A record named on the command line is opened instead of the first one. */
static void
test_folder_opens_named_record (Fixture *f, gconstpointer data)
{
  write_record (f->dir, "a");
  write_record (f->dir, "b");
  open_folder (f, "b");
  spin_until (f, shows_record, "b", "record b is shown");
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (ecg_window_get_records (f->window));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 1);
}

/* A header that is not WFDB gives a message naming the record, and no record, not a crash. */
static void
test_broken_record_shows_error (Fixture *f, gconstpointer data)
{
  g_autofree char *header = ecg_test_write_file (f->dir, "c.hea", "c 1 360 abc\n", -1);
  open_folder (f, NULL);
  spin_until (f, has_n_records, GUINT_TO_POINTER (1), "the folder lists c");
  spin_until (f, shows_message, NULL, "an error is shown");
  const char *message = ecg_window_get_message (f->window);
  g_assert_nonnull (strstr (message, "“c”"));
  g_assert_nonnull (strstr (message, "c.hea"));
  g_assert_null (ecg_waveform_view_get_record (ecg_window_get_waveform_view (f->window)));

  /* The info bar's close button dismisses the message. */
  GtkWidget *info_bar = find_descendant (GTK_WIDGET (f->window), GTK_TYPE_INFO_BAR);
  gtk_info_bar_response (GTK_INFO_BAR (info_bar), GTK_RESPONSE_CLOSE);
  g_assert_null (ecg_window_get_message (f->window));
}

/* A folder that does not exist is reported in the window. */
static void
test_missing_folder_shows_error (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);
  g_autoptr (GFile) folder = g_file_new_for_path (missing);
  ecg_window_open_folder (f->window, folder, NULL);
  spin_until (f, shows_message, NULL, "an error is shown");
  g_assert_nonnull (strstr (ecg_window_get_message (f->window), "missing"));
  g_assert_cmpuint (g_list_model_get_n_items (ecg_window_get_records (f->window)), ==, 0);
}

/* Three pages in the header's switcher; win.show-page switches; the paper zoom shows on the
 * Records page only; the Runs page shows the store the Compress page writes. */
static void
test_pages (Fixture *f, gconstpointer data)
{
  GtkWidget *zoom_box = GTK_WIDGET (
    gtk_widget_get_template_child (GTK_WIDGET (f->window), ECG_TYPE_WINDOW, "zoom_box"));
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "records");
  g_assert_true (gtk_widget_get_visible (zoom_box));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "runs");
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "runs");
  g_assert_false (gtk_widget_get_visible (zoom_box));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "compress");
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "compress");
  /* An unknown page changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "nowhere");
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "compress");

  EcgCompressionPanel *panel = ecg_window_get_compression_panel (f->window);
  EcgRunsView *runs = ecg_window_get_runs_view (f->window);
  g_autofree char *store = g_build_filename (f->dir, "runs.db", NULL);
  ecg_compression_panel_set_store_path (panel, store);
  g_assert_cmpstr (ecg_runs_view_get_store_path (runs), ==, store);
}

static gboolean
runs_listed (Fixture *f, gconstpointer data)
{
  EcgRunsView *runs = ecg_window_get_runs_view (f->window);
  return !ecg_runs_view_get_loading (runs)
         && g_list_model_get_n_items (G_LIST_MODEL (ecg_runs_view_get_selection (runs))) == 1;
}

/* Re-run on the Runs page loads the chosen pruning run's settings into the Compress page and
 * shows it. */
static void
test_rerun (Fixture *f, gconstpointer data)
{
  g_autofree char *store_path = g_build_filename (f->dir, "runs.db", NULL);
  g_autoptr (EcgPruneConfig) config = ecg_prune_config_new ();
  config->model_path = g_strdup ("/models/dense.ecgm");
  config->data_dir = g_strdup ("/data/mitdb");
  config->alpha = 0.35;
  config->beta = 2.5;
  config->target_sparsity = 0.85;
  config->steps = 7;
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EcgRunStore) store = ecg_run_store_open (store_path, TRUE, &error);
    g_assert_no_error (error);
    g_autoptr (JsonObject) json = ecg_prune_config_to_json (config);
    EcgRunSpec spec;
    ecg_run_spec_init (&spec, ECG_RUN_KIND_PRUNE);
    spec.config = json;
    g_assert_cmpint (ecg_run_store_create_run (store, &spec, &error), ==, 1);
    g_assert_no_error (error);
  }
  EcgCompressionPanel *panel = ecg_window_get_compression_panel (f->window);
  EcgRunsView *runs = ecg_window_get_runs_view (f->window);
  ecg_compression_panel_set_store_path (panel, store_path);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "runs");
  spin_until (f, runs_listed, NULL, "the runs view lists the run");

  gtk_selection_model_select_item (ecg_runs_view_get_selection (runs), 0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (runs), "runs.rerun", NULL);
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "compress");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) loaded = ecg_compression_panel_build_config (panel, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (loaded->alpha, 0.35, 1e-12);
  g_assert_cmpfloat_with_epsilon (loaded->beta, 2.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (loaded->target_sparsity, 0.85, 1e-12);
  g_assert_cmpint (loaded->steps, ==, 7);
  g_assert_cmpstr (loaded->model_path, ==, "/models/dense.ecgm");
  g_assert_cmpstr (loaded->store_path, ==, store_path);
}

/* Emits the window's drop target's "drop" with `value`, as GTK does when files are dropped. */
static gboolean
drop_value (Fixture *f, const GValue *value)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (!GTK_IS_DROP_TARGET (controller))
        continue;
      gboolean handled = FALSE;
      g_signal_emit_by_name (controller, "drop", value, 10.0, 10.0, &handled);
      return handled;
    }
  g_error ("the window has no drop target");
}

/* Dropping a record's .dat opens its folder at that record; dropping a folder opens the
 * folder at its first record. */
static void
test_drop (Fixture *f, gconstpointer data)
{
  write_record (f->dir, "a");
  write_record (f->dir, "b");

  g_autofree char *dat_path = g_build_filename (f->dir, "b.dat", NULL);
  g_autoptr (GFile) dat = g_file_new_for_path (dat_path);
  GSList files = { .data = dat, .next = NULL };
  g_auto (GValue) list_value = G_VALUE_INIT;
  g_value_init (&list_value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&list_value, &files);
  g_assert_true (drop_value (f, &list_value));
  spin_until (f, shows_record, "b", "the dropped record b is shown");
  g_autofree char *folder_path = g_file_get_path (ecg_window_get_folder (f->window));
  g_assert_cmpstr (folder_path, ==, f->dir);

  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  write_record (sub, "c");
  g_autoptr (GFile) folder = g_file_new_for_path (sub);
  g_auto (GValue) file_value = G_VALUE_INIT;
  g_value_init (&file_value, G_TYPE_FILE);
  g_value_set_object (&file_value, folder);
  g_assert_true (drop_value (f, &file_value));
  spin_until (f, shows_record, "c", "the first record of the dropped folder is shown");
  g_assert_true (g_file_equal (ecg_window_get_folder (f->window), folder));
}

/* The text of the sidebar's caption labels under the record names, joined by "|". */
static char *
sidebar_beats_text (Fixture *f)
{
  GtkWidget *list = find_descendant (GTK_WIDGET (f->window), GTK_TYPE_LIST_VIEW);
  GString *text = g_string_new (NULL);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_widget_get_first_child (row);
      if (!GTK_IS_BOX (box))
        continue;
      GtkWidget *names = gtk_widget_get_first_child (box);
      GtkWidget *beats = gtk_widget_get_last_child (names);
      if (GTK_IS_LABEL (beats) && gtk_widget_get_visible (beats))
        g_string_append_printf (text, "%s|", gtk_label_get_text (GTK_LABEL (beats)));
    }
  return g_string_free (text, FALSE);
}

static gboolean
sidebar_beats_are (Fixture *f, gconstpointer data)
{
  g_autofree char *text = sidebar_beats_text (f);
  return g_str_equal (text, (const char *) data);
}

/* The rows of the records read so far show their reference beats per AAMI class: the demo
 * records' counts are in data/README.md (demo1: N 334, S 15, V 16; demo3: N 289, S 3, V 29). */
static void
test_row_beats (Fixture *f, gconstpointer data)
{
  g_autoptr (GFile) demo = g_file_new_for_path (ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "demo");
  ecg_window_open_folder (f->window, demo, "demo1");
  spin_until (f, shows_record, "demo1", "demo1 is shown");
  spin_until (f, sidebar_beats_are, "N 334 · S 15 · V 16|", "demo1's row shows its beats");

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (ecg_window_get_records (f->window)),
                                     2);
  spin_until (f, shows_record, "demo3", "demo3 is shown");
  spin_until (f, sidebar_beats_are, "N 334 · S 15 · V 16|N 289 · S 3 · V 29|",
              "demo1's and demo3's rows show their beats");
}

/* A PTB-XL tree lists the records of records100's subfolders, in natural name order across
 * subfolders, not the tree's own files nor records500's; a record of the second subfolder
 * opens from its own folder. */
static void
test_ptbxl_tree (Fixture *f, gconstpointer data)
{
  g_autofree char *database = ecg_test_write_file (f->dir, "ptbxl_database.csv",
                                                   "ecg_id,patient_id,filename_lr,filename_hr\n"
                                                   "1,15709,records100/00000/00001_lr,"
                                                   "records500/00000/00001_hr\n",
                                                   -1);
  g_autofree char *first_dir = g_build_filename (f->dir, "records100", "00000", NULL);
  g_autofree char *second_dir = g_build_filename (f->dir, "records100", "01000", NULL);
  g_autofree char *hr_dir = g_build_filename (f->dir, "records500", "00000", NULL);
  g_assert_cmpint (g_mkdir_with_parents (first_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (second_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (hr_dir, 0755), ==, 0);
  write_record (second_dir, "01001_lr");
  write_record (first_dir, "00002_lr");
  write_record (first_dir, "00001_lr");
  write_record (hr_dir, "00001_hr");
  write_record (f->dir, "top");

  open_folder (f, NULL);
  spin_until (f, shows_record, "00001_lr", "the first PTB-XL record is shown");
  g_assert_cmpuint (g_list_model_get_n_items (ecg_window_get_records (f->window)), ==, 3);
  g_autofree char *first = record_name_at (f, 0);
  g_autofree char *second = record_name_at (f, 1);
  g_autofree char *third = record_name_at (f, 2);
  g_assert_cmpstr (first, ==, "00001_lr.hea");
  g_assert_cmpstr (second, ==, "00002_lr.hea");
  g_assert_cmpstr (third, ==, "01001_lr.hea");
  g_assert_null (ecg_window_get_message (f->window));

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (ecg_window_get_records (f->window)),
                                     2);
  spin_until (f, shows_record, "01001_lr", "the record of records100/01000 is shown");
  const EcgRecord *record = ecg_waveform_view_get_record (ecg_window_get_waveform_view (f->window));
  g_autofree char *expected_path = g_build_filename (second_dir, "01001_lr", NULL);
  g_assert_cmpstr (record->path, ==, expected_path);
  g_assert_null (ecg_window_get_message (f->window));
}

/* The real PTB-XL extract (data README: records100/00000 holds 00001_lr … 00500_lr) lists its
 * 500 records and opens the first. */
static void
test_ptbxl_real_tree (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  ecg_window_open_folder (f->window, folder, NULL);
  spin_until (f, shows_record, "00001_lr", "the first PTB-XL record is shown");
  g_assert_cmpuint (g_list_model_get_n_items (ecg_window_get_records (f->window)), ==, 500);
  g_autofree char *last = record_name_at (f, 499);
  g_assert_cmpstr (last, ==, "00500_lr.hea");
  const EcgRecord *record = ecg_waveform_view_get_record (ecg_window_get_waveform_view (f->window));
  g_assert_cmpint (record->n_leads, ==, 12);
  g_assert_cmpint (record->n_samples, ==, 1000);
}

int
main (int argc, char *argv[])
{
  /* The window's Runs page reads the default store in the user's data folder: keep the tests
   * out of the real one. */
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/window/folder/lists-records", test_folder_lists_records);
  ADD ("/ui/window/folder/natural-order", test_folder_natural_order);
  ADD ("/ui/window/folder/opens-named-record", test_folder_opens_named_record);
  ADD ("/ui/window/errors/broken-record", test_broken_record_shows_error);
  ADD ("/ui/window/errors/missing-folder", test_missing_folder_shows_error);
  ADD ("/ui/window/pages", test_pages);
  ADD ("/ui/window/runs/rerun", test_rerun);
  ADD ("/ui/window/folder/drop", test_drop);
  ADD ("/ui/window/folder/row-beats", test_row_beats);
  ADD ("/ui/window/folder/ptbxl-tree", test_ptbxl_tree);
  ADD ("/ui/window/folder/ptbxl-real-tree", test_ptbxl_real_tree);
#undef ADD

  return g_test_run ();
}
