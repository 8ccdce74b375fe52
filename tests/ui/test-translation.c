/* test-translation.c — the workbench speaks German under LANGUAGE=de.
 *
 * Run by meson with LANGUAGE=de, LC_ALL=C.UTF-8 (glibc's built-in UTF-8 locale; gettext ignores
 * LANGUAGE only in the plain "C" locale, so no de_DE locale has to be generated) and
 * ECG_WORKBENCH_LOCALEDIR pointing at the catalogue compiled in the build tree. The set-up is
 * the program's own, ecg_application_init_i18n(), so a broken binding fails here; the strings
 * come from both paths that translate: GtkBuilder templates (through the default domain) and
 * _() / g_dngettext() in the C sources. */
#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "ecg-application.h"
#include "ecg-window.h"
#include "test-util.h"

/* Writes a two-lead, 2 s record `name` at 360 Hz with one annotated beat into `dir`. */
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

static GtkWidget *
template_child (EcgWindow *window, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), ECG_TYPE_WINDOW, name));
}

/* Whether some GtkLabel under `widget` shows `text`. */
static gboolean
has_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* Whether `menu` or one of its sections and submenus has an item labelled `label`. */
static gboolean
menu_has_label (GMenuModel *menu, const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *item_label = NULL;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &item_label)
          && g_str_equal (item_label, label))
        return TRUE;
      g_autoptr (GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);
      GMenuModel *linked = NULL;
      while (g_menu_link_iter_get_next (links, NULL, &linked))
        {
          gboolean found = menu_has_label (linked, label);
          g_object_unref (linked);
          if (found)
            return TRUE;
        }
    }
  return FALSE;
}

/* Whether the menu of some GtkMenuButton under `widget` has an item labelled `label`. */
static gboolean
has_menu_item (GtkWidget *widget, const char *label)
{
  if (GTK_IS_MENU_BUTTON (widget))
    {
      GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget));
      if (menu != NULL && menu_has_label (menu, label))
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_menu_item (child, label))
      return TRUE;
  return FALSE;
}

/* The catalogue itself: bound, the default domain, and its plural rule (German uses the plural
 * for 0 and from 2 on). */
static void
test_catalogue (void)
{
  g_assert_cmpstr (textdomain (NULL), ==, GETTEXT_PACKAGE);
  g_assert_cmpstr (_("Records"), ==, "Aufnahmen");
  g_assert_cmpstr (_("Research use only — not a medical device"), ==,
                   "Nur für Forschungszwecke – kein Medizinprodukt");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%d lead", "%d leads", 1), ==, "%d Ableitung");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%d lead", "%d leads", 2), ==,
                   "%d Ableitungen");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%d lead", "%d leads", 0), ==,
                   "%d Ableitungen");
}

/* The main window's template and the strings its C code sets. */
static void
test_window (void)
{
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "EKG-Workbench");

  GtkStack *pages = GTK_STACK (template_child (window, "page_stack"));
  const char *const names[] = { "records", "compress", "runs", "energy" };
  const char *const titles[] = { "Aufnahmen", "Komprimieren", "Läufe", "Energie" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkStackPage *page = gtk_stack_get_page (pages, gtk_stack_get_child_by_name (pages,
                                                                                   names[i]));
      g_assert_cmpstr (gtk_stack_page_get_title (page), ==, titles[i]);
    }

  g_assert_true (has_label (GTK_WIDGET (window), "Nur für Forschungszwecke – kein Medizinprodukt"));
  /* Set by ecg_window_init() through _(). */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (template_child (window, "empty_title"))), ==,
                   "Keine Aufnahmen");

  /* The main menu, a GMenu of the template. */
  g_assert_true (has_menu_item (GTK_WIDGET (window), "_Ordner öffnen…"));
  g_assert_true (has_menu_item (GTK_WIDGET (window), "_Tastenkürzel"));
  g_assert_false (has_menu_item (GTK_WIDGET (window), "_Open Folder…"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A record's summary line: printf formats and both plural forms from the catalogue. */
static void
test_record_info (void)
{
  char *dir = ecg_test_tmpdir_new ();
  write_record (dir, "a");
  EcgWindow *window = ecg_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  ecg_window_open_folder (window, folder, NULL);

  GtkLabel *info = GTK_LABEL (template_child (window, "record_info_label"));
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (ecg_window_get_loading (window)
         || ecg_waveform_view_get_record (ecg_window_get_waveform_view (window)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for record a");
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_cmpstr (gtk_label_get_label (info), ==,
                   "360 Hz · 2 Ableitungen · 0:02 · 1 annotierter Schlag");

  gtk_window_destroy (GTK_WINDOW (window));
  ecg_test_tmpdir_free (dir);
}

int
main (int argc, char *argv[])
{
  /* The window's Runs page reads the default store in the user's data folder: keep the tests
   * out of the real one. */
  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* gtk_test_init() sets a locale of its own; take the environment's, as main() does. */
  ecg_application_init_i18n ();

  g_test_add_func ("/ui/translation/catalogue", test_catalogue);
  g_test_add_func ("/ui/translation/window", test_window);
  g_test_add_func ("/ui/translation/record-info", test_record_info);

  return g_test_run ();
}
