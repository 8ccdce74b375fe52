/* test-get-data-dialog.c — Get Data from the main window's menu action: a SoupServer in this
 * process (127.0.0.1, a free port) serves the demo record demo1 and a SHA256SUMS.txt the test
 * writes; the "mitdb-url" setting points at it. The dialog downloads in a worker thread while
 * the main loop turns, shows a wrong file's name, resumes after Cancel, and hands the finished
 * folder to the window, which opens it. */
#include <gtk/gtk.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ecg-config.h"
#include "ecg-get-data-dialog.h"
#include "ecg-window.h"
#include "test-util.h"

#define PREFIX "/files/mitdb/1.0.0/"

static const char *const served_names[] = { "demo1.hea", "demo1.dat", "demo1.atr" };

typedef struct
{
  SoupServer *server;
  char *base_url;
  GBytes *files[G_N_ELEMENTS (served_names)];
  char *sums;
  guint n_requests;
  const char *corrupt;    /* served with one byte changed */
  const char *stall;      /* half of it is served, then the server waits */
  SoupServerMessage *stalled;
  char *dir;
  GFile *destination;
  GSettings *settings;
  EcgWindow *window;
  EcgGetDataDialog *dialog; /* weak */
  guint folder_ready;
} Fixture;

static void
handle_request (SoupServer *server, SoupServerMessage *message, const char *path,
                GHashTable *query, gpointer user_data)
{
  Fixture *f = user_data;
  f->n_requests++;
  const char *name = g_str_has_prefix (path, PREFIX) ? path + strlen (PREFIX) : "";
  if (g_str_equal (name, "SHA256SUMS.txt"))
    {
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_COPY, f->sums,
                                        strlen (f->sums));
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (served_names); i++)
    if (g_str_equal (name, served_names[i]))
      {
        gsize size = 0;
        const guint8 *data = g_bytes_get_data (f->files[i], &size);
        g_autofree char *copy = g_memdup2 (data, size);
        if (g_strcmp0 (f->corrupt, name) == 0)
          copy[size / 2] ^= 0x01;
        soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
        if (g_strcmp0 (f->stall, name) == 0 && f->stalled == NULL)
          {
            soup_message_headers_set_content_length (
              soup_server_message_get_response_headers (message), size);
            soup_message_body_append (soup_server_message_get_response_body (message),
                                      SOUP_MEMORY_COPY, copy, size / 2);
            f->stalled = g_object_ref (message);
            return;
          }
        soup_server_message_set_response (message, "application/octet-stream",
                                          SOUP_MEMORY_COPY, copy, size);
        return;
      }
  soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
on_folder_ready (EcgGetDataDialog *dialog, GFile *folder, Fixture *f)
{
  g_assert_true (g_file_equal (folder, f->destination));
  f->folder_ready++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GString *sums = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (served_names); i++)
    {
      g_autofree char *source
        = g_build_filename (ECG_SOURCE_DATA_DIR, "demo", served_names[i], NULL);
      char *contents = NULL;
      gsize length = 0;
      g_autoptr (GError) error = NULL;
      g_file_get_contents (source, &contents, &length, &error);
      g_assert_no_error (error);
      f->files[i] = g_bytes_new_take (contents, length);
      g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, f->files[i]);
      g_string_append_printf (sums, "%s %s\n", digest, served_names[i]);
    }
  f->sums = g_string_free (sums, FALSE);

  g_autoptr (GError) error = NULL;
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle_request, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  GSList *uris = soup_server_get_uris (f->server);
  g_autofree char *root = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->base_url = g_strconcat (root, PREFIX + 1, NULL);

  f->settings = g_settings_new (ECG_APP_ID);
  g_settings_set_string (f->settings, "mitdb-url", f->base_url);

  f->dir = ecg_test_tmpdir_new ();
  g_autofree char *destination = g_build_filename (f->dir, "mitdb", NULL);
  f->destination = g_file_new_for_path (destination);

  f->window = ecg_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (f->dialog));
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->stalled);
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_settings_reset (f->settings, "mitdb-url");
  g_object_unref (f->settings);
  g_object_unref (f->destination);
  ecg_test_tmpdir_free (f->dir);
  for (gsize i = 0; i < G_N_ELEMENTS (served_names); i++)
    g_bytes_unref (f->files[i]);
  g_free (f->sums);
  g_free (f->base_url);
}

typedef gboolean (*Condition) (Fixture *f);

static void
spin_until (Fixture *f, Condition condition, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!condition (f))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until %s", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
dialog_idle (Fixture *f)
{
  return f->dialog == NULL || !ecg_get_data_dialog_get_running (f->dialog);
}

static gboolean
request_stalled (Fixture *f)
{
  return f->stalled != NULL;
}

static gboolean
window_lists_demo1 (Fixture *f)
{
  GFile *folder = ecg_window_get_folder (f->window);
  return folder != NULL && g_file_equal (folder, f->destination)
         && g_list_model_get_n_items (ecg_window_get_records (f->window)) == 1;
}

/* win.get-data opens the dialog over the window; the test downloads into its own folder. */
static void
open_dialog (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.get-data", NULL));
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);
      if (ECG_IS_GET_DATA_DIALOG (toplevel))
        f->dialog = ECG_GET_DATA_DIALOG (toplevel);
    }
  g_assert_nonnull (f->dialog);
  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (f->dialog))
                 == GTK_WINDOW (f->window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (f->dialog)));
  g_signal_connect (f->dialog, "folder-ready", G_CALLBACK (on_folder_ready), f);
  ecg_get_data_dialog_set_destination (f->dialog, f->destination);
}

static GtkWidget *
template_child (Fixture *f, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->dialog),
                                                    ECG_TYPE_GET_DATA_DIALOG, name));
}

static void
assert_downloaded (Fixture *f)
{
  for (gsize i = 0; i < G_N_ELEMENTS (served_names); i++)
    {
      g_autoptr (GFile) file = g_file_get_child (f->destination, served_names[i]);
      g_autoptr (GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
      g_assert_nonnull (bytes);
      g_assert_true (g_bytes_equal (bytes, f->files[i]));
    }
}

/* Defaults: MIT-BIH from the "mitdb-url" setting into the user's data folder; PTB-XL has its
 * own folder and URL. */
static void
test_defaults (Fixture *f, gconstpointer data)
{
  open_dialog (f);
  g_assert_cmpstr (ecg_get_data_dialog_get_dataset (f->dialog), ==, "mitdb");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (template_child (f, "source_label"))), ==,
                   f->base_url);

  ecg_get_data_dialog_set_dataset (f->dialog, "ptb-xl");
  g_assert_cmpstr (ecg_get_data_dialog_get_dataset (f->dialog), ==, "ptb-xl");
  g_autofree char *ptbxl_path = g_file_get_path (ecg_get_data_dialog_get_destination (f->dialog));
  g_autofree char *expected
    = g_build_filename (g_get_user_data_dir (), "ecg-workbench", "ptb-xl", NULL);
  g_assert_cmpstr (ptbxl_path, ==, expected);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (template_child (f, "source_label"))), ==,
                   "https://physionet.org/files/ptb-xl/1.0.3/");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (template_child (
                      f, "dataset_dropdown"))),
                    ==, 1);

  ecg_get_data_dialog_set_dataset (f->dialog, "mitdb");
  g_autofree char *mitdb_path = g_file_get_path (ecg_get_data_dialog_get_destination (f->dialog));
  g_autofree char *expected_mitdb
    = g_build_filename (g_get_user_data_dir (), "ecg-workbench", "mitdb", NULL);
  g_assert_cmpstr (mitdb_path, ==, expected_mitdb);
  g_assert_false (ecg_get_data_dialog_get_running (f->dialog));
  g_assert_null (ecg_get_data_dialog_get_message (f->dialog));
}

/* Download: the dialog runs off the main thread, closes when every file matched, and the
 * window opens the folder on its Records page. */
static void
test_download_opens_folder (Fixture *f, gconstpointer data)
{
  open_dialog (f);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "runs");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.download", NULL));
  g_assert_true (ecg_get_data_dialog_get_running (f->dialog));
  /* The main loop has not turned yet: the download is in its worker thread. */
  g_assert_cmpuint (f->n_requests, ==, 0);

  spin_until (f, window_lists_demo1, "the window lists the downloaded record");
  g_assert_null (f->dialog);
  g_assert_cmpuint (f->folder_ready, ==, 1);
  g_assert_cmpuint (f->n_requests, ==, 1 + G_N_ELEMENTS (served_names));
  g_assert_cmpstr (ecg_window_get_page (f->window), ==, "records");
  assert_downloaded (f);
}

/* A wrong file: the dialog stays open and names it; Resume fetches that file alone. */
static void
test_error_names_file (Fixture *f, gconstpointer data)
{
  f->corrupt = "demo1.dat";
  open_dialog (f);
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.download", NULL);
  spin_until (f, dialog_idle, "the download ends");
  g_assert_nonnull (f->dialog);
  g_assert_cmpuint (f->folder_ready, ==, 0);
  const char *message = ecg_get_data_dialog_get_message (f->dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "demo1.dat: SHA-256 mismatch"));
  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (template_child (f, "info_bar"))));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (f, "download_button"))),
                   ==, "_Resume");

  f->corrupt = NULL;
  f->n_requests = 0;
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.download", NULL);
  spin_until (f, window_lists_demo1, "the window lists the downloaded record");
  g_assert_cmpuint (f->n_requests, ==, 2);
  assert_downloaded (f);
}

/* Cancel in the middle of a file: the dialog says so and stays; Resume completes. */
static void
test_cancel_and_resume (Fixture *f, gconstpointer data)
{
  f->stall = "demo1.dat";
  open_dialog (f);
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.download", NULL);
  spin_until (f, request_stalled, "the server holds demo1.dat");
  g_assert_true (ecg_get_data_dialog_get_running (f->dialog));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (f, "cancel_button"))), ==,
                   "_Cancel");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.cancel", NULL));
  spin_until (f, dialog_idle, "the download stops");
  g_assert_nonnull (f->dialog);
  g_assert_nonnull (strstr (ecg_get_data_dialog_get_message (f->dialog), "cancelled"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (f, "cancel_button"))), ==,
                   "_Close");

  soup_message_body_complete (soup_server_message_get_response_body (f->stalled));
  soup_server_message_unpause (f->stalled);
  g_clear_object (&f->stalled);
  f->stall = NULL;
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "get-data.download", NULL);
  spin_until (f, window_lists_demo1, "the window lists the downloaded record");
  assert_downloaded (f);
}

int
main (int argc, char *argv[])
{
  /* The server is on this machine: a proxy from the environment must not get in between. */
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  /* The dialog's default folder is in the user's data folder: keep the tests out of it. */
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/get-data-dialog/defaults", test_defaults);
  ADD ("/ui/get-data-dialog/download-opens-folder", test_download_opens_folder);
  ADD ("/ui/get-data-dialog/error-names-file", test_error_names_file);
  ADD ("/ui/get-data-dialog/cancel-and-resume", test_cancel_and_resume);
#undef ADD

  return g_test_run ();
}
