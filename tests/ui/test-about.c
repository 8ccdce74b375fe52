/* test-about.c — the About dialog: the project's version (as meson.build declares it), the
 * licence, and the citations the datasets' licences ask for, with their links. */
#include <gtk/gtk.h>
#include <string.h>

#include "ecg-about.h"
#include "test-util.h"

/* The version in the top-level meson.build's project(): "version: 'X.Y.Z'". */
static char *
meson_project_version (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "meson.build", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GRegex) regex = g_regex_new ("^\\s*version:\\s*'([^']+)'", G_REGEX_MULTILINE, 0,
                                          &error);
  g_assert_no_error (error);
  g_autoptr (GMatchInfo) match = NULL;
  g_assert_true (g_regex_match (regex, text, 0, &match));
  return g_match_info_fetch (match, 1);
}

static void
collect_labels (GtkWidget *widget, GString *text)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

static GtkWidget *
find_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_child_by_name (GTK_STACK (widget), "credits"))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_stack (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("the About dialog's credits lack “%s”", needle);
}

static void
test_about (void)
{
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
  GtkAboutDialog *about = GTK_ABOUT_DIALOG (ecg_about_dialog_new (parent));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (about)) == parent);

  g_autofree char *version = meson_project_version ();
  g_autofree char *expected_prefix = g_strconcat (version, " (", NULL);
  g_assert_true (g_str_has_prefix (gtk_about_dialog_get_version (about), expected_prefix));
  g_assert_cmpstr (gtk_about_dialog_get_program_name (about), ==, "ECG Workbench");
  g_assert_cmpint (gtk_about_dialog_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_nonnull (strstr (gtk_about_dialog_get_comments (about), "not a medical device"));

  /* The credits page is filled when it is first shown. */
  gtk_window_present (GTK_WINDOW (about));
  GtkWidget *stack = find_stack (GTK_WIDGET (about));
  g_assert_nonnull (stack);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "credits");
  GString *text = g_string_new (NULL);
  collect_labels (stack, text);

  /* Section headings. */
  assert_contains (text->str, "MIT-BIH Arrhythmia Database");
  assert_contains (text->str, "PTB-XL");
  assert_contains (text->str, "PhysioNet");
  assert_contains (text->str, "Method based on");
  /* The citations, each linked to its DOI, and the data licences. */
  assert_contains (text->str, "<a href=\"https://doi.org/10.1109/51.932724\">Moody GB, Mark RG. "
                              "The impact of the MIT-BIH Arrhythmia Database.");
  assert_contains (text->str, "IEEE Engineering in Medicine and Biology 20(3):45–50 (2001)");
  assert_contains (text->str, "<a href=\"https://doi.org/10.1161/01.CIR.101.23.e215\">"
                              "Goldberger AL");
  assert_contains (text->str, "Circulation 101(23):e215–e220 (2000)");
  assert_contains (text->str, "<a href=\"https://doi.org/10.1038/s41597-020-0495-6\">"
                              "Wagner P, Strodthoff N");
  assert_contains (text->str, "Scientific Data 7:154 (2020)");
  assert_contains (text->str, "https://opendatacommons.org/licenses/by/1-0/");
  assert_contains (text->str, "https://creativecommons.org/licenses/by/4.0/");
  /* The two studies the method comes from. */
  assert_contains (text->str, "Lakshmi Kota");
  assert_contains (text->str, "Energy-Efficient AI for Wearable Health");
  assert_contains (text->str, "Ritanjit Das");
  assert_contains (text->str, "Energy Efficiency Evaluation of Cardiac Arrest Detection Models");
  g_string_free (text, TRUE);

  gtk_window_destroy (GTK_WINDOW (about));
  gtk_window_destroy (parent);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/about/version-licence-citations", test_about);
  return g_test_run ();
}
