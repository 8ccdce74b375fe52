/* ecg-window-actions.c — EcgWindow's actions and shortcuts: the page shown, opening folders
 * (dialog and recent list), Get Data, the model card, paper zoom, the dark paper setting, the
 * shortcuts window (Ctrl+?). */
#include "ecg-window-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ecg-get-data-dialog.h"
#include "ecg-model-card-dialog.h"

/* How many folders the recent list keeps. */
#define ECG_MAX_RECENT_FOLDERS 8

static void
folder_chosen (GtkNativeDialog *dialog, int response, EcgWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (folder != NULL)
        {
          ecg_window_open_folder (self, folder, NULL);
          ecg_window_show_page (self, "records");
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_folder_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);

  GtkFileChooserNative *dialog
    = gtk_file_chooser_native_new (_("Open Record Folder"), GTK_WINDOW (self),
                                   GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"),
                                   _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (self->folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), self->folder, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* A completed download opens its folder here. */
static void
on_data_folder_ready (EcgGetDataDialog *dialog, GFile *folder, EcgWindow *self)
{
  ecg_window_open_folder (self, folder, NULL);
  ecg_window_show_page (self, "records");
}

static void
get_data_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  EcgGetDataDialog *dialog = ecg_get_data_dialog_new (GTK_WINDOW (self));
  g_signal_connect_object (dialog, "folder-ready", G_CALLBACK (on_data_folder_ready), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The card of the Compress page's model (the Energy page has a button for the one it shows). */
static void
model_card_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  const char *path = ecg_compression_panel_get_model_path (self->compression_panel);
  if (path == NULL)
    return;
  EcgModelCardDialog *dialog = ecg_model_card_dialog_new (GTK_WINDOW (self));
  ecg_model_card_dialog_show_model_file (dialog, path);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_recent_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  g_autoptr (GFile) folder = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  ecg_window_open_folder (self, folder, NULL);
  ecg_window_show_page (self, "records");
}

static void
show_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  const char *page = g_variant_get_string (parameter, NULL);
  if (gtk_stack_get_child_by_name (self->page_stack, page) != NULL)
    ecg_window_show_page (self, page);
}

static void
zoom_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  const char *name = g_action_get_name (G_ACTION (action));

  if (g_str_equal (name, "zoom-in"))
    ecg_waveform_view_zoom_in (self->waveform_view);
  else if (g_str_equal (name, "zoom-out"))
    ecg_waveform_view_zoom_out (self->waveform_view);
  else
    ecg_waveform_view_set_time_zoom (self->waveform_view, 1.0);
}

/* The paper's tools from the main menu: the records page is shown, then the view's own action
 * (waveform.go-to-time, waveform.export-strip) runs. */
static void
paper_tool_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  EcgWindow *self = ECG_WINDOW (user_data);
  g_autofree char *view_action
    = g_strconcat ("waveform.", g_action_get_name (G_ACTION (action)), NULL);
  ecg_window_show_page (self, "records");
  gtk_widget_activate_action (GTK_WIDGET (self->waveform_view), view_action, NULL);
}

static const GActionEntry window_actions[] = {
  { .name = "go-to-time", .activate = paper_tool_activated },
  { .name = "export-strip", .activate = paper_tool_activated },
  { .name = "open-folder", .activate = open_folder_activated },
  { .name = "open-recent", .activate = open_recent_activated, .parameter_type = "s" },
  { .name = "get-data", .activate = get_data_activated },
  { .name = "model-card", .activate = model_card_activated },
  { .name = "show-page", .activate = show_page_activated, .parameter_type = "s" },
  { .name = "zoom-in", .activate = zoom_activated },
  { .name = "zoom-out", .activate = zoom_activated },
  { .name = "zoom-reset", .activate = zoom_activated },
};

/* The zoom buttons follow the view's limits. */
static void
update_zoom_actions (EcgWaveformView *view, GParamSpec *pspec, EcgWindow *self)
{
  double zoom = ecg_waveform_view_get_time_zoom (view);
  GAction *zoom_in = g_action_map_lookup_action (G_ACTION_MAP (self), "zoom-in");
  GAction *zoom_out = g_action_map_lookup_action (G_ACTION_MAP (self), "zoom-out");
  GParamSpec *zoom_spec = g_object_class_find_property (G_OBJECT_GET_CLASS (view), "time-zoom");
  const GParamSpecDouble *range = G_PARAM_SPEC_DOUBLE (zoom_spec);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (zoom_in), zoom < range->maximum * 0.999);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (zoom_out), zoom > range->minimum * 1.001);
}

char *
_ecg_window_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize home_length = strlen (home);
  if (g_str_has_prefix (path, home) && path[home_length] == G_DIR_SEPARATOR && home_length > 1)
    return g_strconcat ("~", path + home_length, NULL);
  return g_filename_display_name (path);
}

static void
rebuild_recent_menu (GSettings *settings, const char *key, EcgWindow *self)
{
  g_auto (GStrv) folders = g_settings_get_strv (settings, "recent-folders");

  g_menu_remove_all (self->recent_section);
  if (folders[0] == NULL)
    return;

  g_autoptr (GMenu) submenu = g_menu_new ();
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *label = _ecg_window_display_path (folders[i]);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (folders[i]));
      g_menu_append_item (submenu, item);
    }
  g_menu_append_submenu (self->recent_section, _("_Recent Folders"), G_MENU_MODEL (submenu));
}

void
_ecg_window_remember_folder (EcgWindow *self, GFile *folder)
{
  g_autofree char *path = g_file_get_path (folder);
  if (path == NULL)
    return;

  g_auto (GStrv) previous = g_settings_get_strv (self->settings, "recent-folders");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  guint kept = 1;
  for (guint i = 0; previous[i] != NULL && kept < ECG_MAX_RECENT_FOLDERS; i++)
    if (!g_str_equal (previous[i], path))
      {
        g_strv_builder_add (builder, previous[i]);
        kept++;
      }
  g_auto (GStrv) folders = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-folders", (const char *const *) folders);
}

void
_ecg_window_actions_init (EcgWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), window_actions,
                                   G_N_ELEMENTS (window_actions), self);

  /* Ctrl+? shows the shortcuts window (win.show-help-overlay, made by GtkApplicationWindow). */
  g_autoptr (GtkBuilder) builder
    = gtk_builder_new_from_resource ("/io/github/ecgworkbench/Workbench/ui/"
                                     "ecg-shortcuts-window.ui");
  gtk_application_window_set_help_overlay (
    GTK_APPLICATION_WINDOW (self),
    GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  g_autoptr (GAction) dark_grid = g_settings_create_action (self->settings, "dark-grid");
  g_action_map_add_action (G_ACTION_MAP (self), dark_grid);
  /* The paper's display filters and lead layout, also in the paper's own menu: the keys are
   * bound to the view's properties (ecg-window.c). */
  static const char *const paper_keys[]
    = { "display-remove-baseline", "display-mains-notch", "lead-layout" };
  for (gsize i = 0; i < G_N_ELEMENTS (paper_keys); i++)
    {
      g_autoptr (GAction) action = g_settings_create_action (self->settings, paper_keys[i]);
      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  g_signal_connect_object (self->waveform_view, "notify::time-zoom",
                           G_CALLBACK (update_zoom_actions), self, 0);
  update_zoom_actions (self->waveform_view, NULL, self);

  g_signal_connect_object (self->settings, "changed::recent-folders",
                           G_CALLBACK (rebuild_recent_menu), self, 0);
  rebuild_recent_menu (self->settings, "recent-folders", self);
}

void
_ecg_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-folder", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK,
                                       "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-page",
                                       "s", "records");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-page",
                                       "s", "compress");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-page",
                                       "s", "runs");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.show-page",
                                       "s", "energy");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "win.zoom-reset", NULL);
}
