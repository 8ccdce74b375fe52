/* ecg-application.c — application startup, command-line files and app-wide actions. */
#include "ecg-application.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ecg-about.h"
#include "ecg-config.h"
#include "ecg-window.h"

struct _EcgApplication
{
  GtkApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (EcgApplication, ecg_application, GTK_TYPE_APPLICATION)

void
ecg_application_init_i18n (void)
{
  setlocale (LC_ALL, "");
  const char *localedir = g_getenv ("ECG_WORKBENCH_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && localedir[0] != '\0' ? localedir : ECG_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

GFile *
ecg_application_get_demo_folder (void)
{
  static const char *const candidates[] = {
    ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "demo",
    ECG_PKGDATADIR G_DIR_SEPARATOR_S "demo",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      return g_file_new_for_path (candidates[i]);
  /* Neither exists: the window will say that the installed folder cannot be read. */
  return g_file_new_for_path (candidates[G_N_ELEMENTS (candidates) - 1]);
}

GFile *
ecg_application_get_demo_model (void)
{
  static const char *const candidates[] = {
    ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "models" G_DIR_SEPARATOR_S "CNN1D_3Class-demo.ecgm",
    ECG_PKGDATADIR G_DIR_SEPARATOR_S "models" G_DIR_SEPARATOR_S "CNN1D_3Class-demo.ecgm",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      return g_file_new_for_path (candidates[i]);
  return g_file_new_for_path (candidates[G_N_ELEMENTS (candidates) - 1]);
}

GFile *
ecg_application_resolve_argument (GFile *file, char **record_name)
{
  static const char *const extensions[] = { ".hea", ".dat", ".atr" };

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (record_name != NULL, NULL);

  *record_name = NULL;
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    return g_object_ref (file);

  GFile *folder = g_file_get_parent (file);
  if (folder == NULL)
    return g_object_ref (file);

  char *name = g_file_get_basename (file);
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (name, extensions[i]) && strlen (name) > strlen (extensions[i]))
      {
        name[strlen (name) - strlen (extensions[i])] = '\0';
        break;
      }
  *record_name = name;
  return folder;
}

static EcgWindow *
new_window (EcgApplication *self)
{
  return ecg_window_new (GTK_APPLICATION (self));
}

static void
ecg_application_activate (GApplication *application)
{
  EcgApplication *self = ECG_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
      EcgWindow *ecg_window = new_window (self);
      ecg_window_open_folder (ecg_window, demo, NULL);
      window = GTK_WINDOW (ecg_window);
    }
  gtk_window_present (window);
}

static void
ecg_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  EcgApplication *self = ECG_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *record_name = NULL;
      g_autoptr (GFile) folder = ecg_application_resolve_argument (files[i], &record_name);
      EcgWindow *window = new_window (self);
      ecg_window_open_folder (window, folder, record_name);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgApplication *self = ECG_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (ecg_about_dialog_new (window)));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  /* Closing each window lets it save its size. */
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));
  g_autoptr (GList) copy = g_list_copy (windows);
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_activated },
  { .name = "quit", .activate = quit_activated },
};

static void
ecg_application_startup (GApplication *application)
{
  EcgApplication *self = ECG_APPLICATION (application);

  G_APPLICATION_CLASS (ecg_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (ECG_APP_ID);
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/ecgworkbench/Workbench/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  static const char *const quit_accels[] = { "<Control>q", NULL };
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  /* The dark paper comes with the dark window style. */
  self->settings = g_settings_new (ECG_APP_ID);
  g_settings_bind (self->settings, "dark-grid", gtk_settings_get_default (),
                   "gtk-application-prefer-dark-theme", G_SETTINGS_BIND_GET);
}

static void
ecg_application_dispose (GObject *object)
{
  EcgApplication *self = ECG_APPLICATION (object);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ecg_application_parent_class)->dispose (object);
}

static void
ecg_application_class_init (EcgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ecg_application_dispose;
  application_class->startup = ecg_application_startup;
  application_class->activate = ecg_application_activate;
  application_class->open = ecg_application_open;
}

static void
ecg_application_init (EcgApplication *self)
{
}

EcgApplication *
ecg_application_new (void)
{
  return g_object_new (ECG_TYPE_APPLICATION,
                       "application-id", ECG_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/ecgworkbench/Workbench",
                       NULL);
}
