/* test-shortcuts-window.c — the shortcuts window (Ctrl+?, win.show-help-overlay) lists the keys
 * the window really binds: every key bound by a workbench widget in the window (its class
 * bindings, found through the widgets' shortcut controllers) is listed, and every key listed is
 * bound somewhere, so that the window cannot drift from the code. */
#include <gtk/gtk.h>
#include <string.h>

#include "ecg-window.h"
#include "test-util.h"

typedef struct
{
  guint keyval;
  GdkModifierType mods;
} Key;

/* Keys that are one key for the user: the keypad twins, and '=' for '+' (the same key
 * unshifted on many layouts), are listed once. */
static guint
canonical_keyval (guint keyval)
{
  static const guint aliases[][2] = {
    { GDK_KEY_KP_Add, GDK_KEY_plus },      { GDK_KEY_equal, GDK_KEY_plus },
    { GDK_KEY_KP_Subtract, GDK_KEY_minus }, { GDK_KEY_KP_0, GDK_KEY_0 },
    { GDK_KEY_KP_Enter, GDK_KEY_Return },  { GDK_KEY_KP_Left, GDK_KEY_Left },
    { GDK_KEY_KP_Right, GDK_KEY_Right },   { GDK_KEY_KP_Up, GDK_KEY_Up },
    { GDK_KEY_KP_Down, GDK_KEY_Down },     { GDK_KEY_KP_Delete, GDK_KEY_Delete },
    { GDK_KEY_KP_Home, GDK_KEY_Home },     { GDK_KEY_KP_End, GDK_KEY_End },
    { GDK_KEY_KP_Page_Up, GDK_KEY_Page_Up }, { GDK_KEY_KP_Page_Down, GDK_KEY_Page_Down },
  };
  keyval = gdk_keyval_to_lower (keyval);
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (aliases[i][0] == keyval)
      return aliases[i][1];
  return keyval;
}

static char *
key_name (guint keyval, GdkModifierType mods)
{
  return gtk_accelerator_name (keyval, mods);
}

static char *
key_id (guint keyval, GdkModifierType mods)
{
  return key_name (canonical_keyval (keyval), mods & gtk_accelerator_get_default_mod_mask ());
}

/* The class shortcuts of one widget instance: shortcut controllers' keyval triggers with named
 * actions, as "<Control>o" → action name. */
static void
add_class_shortcuts (GtkWidget *widget, GHashTable *keys)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      GListModel *shortcuts = G_LIST_MODEL (controller);
      for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action))
            continue;
          GtkKeyvalTrigger *keyval_trigger = GTK_KEYVAL_TRIGGER (trigger);
          g_hash_table_insert (
            keys,
            key_id (gtk_keyval_trigger_get_keyval (keyval_trigger),
                    gtk_keyval_trigger_get_modifiers (keyval_trigger)),
            g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))));
        }
    }
}

/* The first ancestor type of a workbench widget that GTK defines. */
static GType
gtk_ancestor (GType type)
{
  while (g_str_has_prefix (g_type_name (type), "Ecg"))
    type = g_type_parent (type);
  return type;
}

/* The keys a workbench widget binds itself: its class shortcuts minus those of the GTK class it
 * derives from (a GtkWindow's own, for instance). */
static void
add_own_shortcuts (GtkWidget *widget, GHashTable *keys)
{
  GType base = gtk_ancestor (G_OBJECT_TYPE (widget));
  g_autoptr (GHashTable) own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) inherited
    = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  add_class_shortcuts (widget, own);
  if (!G_TYPE_IS_ABSTRACT (base))
    {
      GtkWidget *twin = g_object_new (base, NULL);
      g_object_ref_sink (twin);
      add_class_shortcuts (twin, inherited);
      if (GTK_IS_WINDOW (twin))
        gtk_window_destroy (GTK_WINDOW (twin));
      g_object_unref (twin);
    }
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, own);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (inherited, key))
      g_hash_table_insert (keys, g_strdup (key), g_strdup (value));
}

static void
collect_bound_keys (GtkWidget *widget, GHashTable *keys)
{
  if (g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Ecg"))
    add_own_shortcuts (widget, keys);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_bound_keys (child, keys);
}

/* Every accelerator of every GtkShortcutsShortcut, as key ids → its title. */
static void
collect_listed_keys (GtkWidget *widget, GHashTable *keys)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;
      g_object_get (widget, "accelerator", &accelerator, "title", &title, NULL);
      g_auto (GStrv) accels = g_strsplit (accelerator, " ", 0);
      for (guint i = 0; accels[i] != NULL; i++)
        {
          guint keyval = 0;
          GdkModifierType mods = 0;
          if (!gtk_accelerator_parse (accels[i], &keyval, &mods))
            g_error ("“%s” (for “%s”) is not an accelerator", accels[i], title);
          g_hash_table_insert (keys, key_id (keyval, mods), g_strdup (title));
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed_keys (child, keys);
}

static void
test_lists_bound_keys (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  GtkShortcutsWindow *overlay
    = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);

  g_autoptr (GHashTable) bound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  collect_bound_keys (GTK_WIDGET (window), bound);
  collect_listed_keys (GTK_WIDGET (overlay), listed);

  /* The window's own keys are found (the test sees the bindings at all). */
  g_autofree char *ctrl_o = key_id (GDK_KEY_o, GDK_CONTROL_MASK);
  g_autofree char *ctrl_question = key_id (GDK_KEY_question, GDK_CONTROL_MASK);
  g_assert_cmpstr (g_hash_table_lookup (bound, ctrl_o), ==, "win.open-folder");
  g_assert_cmpstr (g_hash_table_lookup (bound, ctrl_question), ==, "win.show-help-overlay");

  GString *unlisted = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, bound);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (listed, key))
      g_string_append_printf (unlisted, " %s (%s)", (char *) key, (char *) value);
  if (unlisted->len > 0)
    g_error ("bound but not in the shortcuts window:%s", unlisted->str);
  g_string_free (unlisted, TRUE);

  /* Listed keys that no workbench widget binds: only the application's Ctrl+Q (app.quit, set
   * in ecg-application.c) and F10 (GtkMenuButton's primary menu) come from elsewhere. */
  g_autofree char *ctrl_q = key_id (GDK_KEY_q, GDK_CONTROL_MASK);
  g_autofree char *f10 = key_id (GDK_KEY_F10, 0);
  GString *unbound = g_string_new (NULL);
  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (bound, key) && !g_str_equal (key, ctrl_q)
        && !g_str_equal (key, f10))
      g_string_append_printf (unbound, " %s (%s)", (char *) key, (char *) value);
  if (unbound->len > 0)
    g_error ("in the shortcuts window but bound nowhere:%s", unbound->str);
  g_string_free (unbound, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* win.show-help-overlay shows the shortcuts window over the main window. */
static void
test_show_help_overlay (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  GtkShortcutsWindow *overlay
    = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (overlay)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The application's style sheet, installed as ecg-application.c does: it keeps GTK 4.8 from
   * warning about the shortcuts window's page switcher. */
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/ecgworkbench/Workbench/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_test_add_func ("/ui/shortcuts-window/lists-bound-keys", test_lists_bound_keys);
  g_test_add_func ("/ui/shortcuts-window/show-help-overlay", test_show_help_overlay);
  return g_test_run ();
}
