/* test-application.c — how `ecg-workbench ARG` maps its argument to a folder and a record. */
#include <gtk/gtk.h>

#include "ecg-application.h"
#include "ecg-config.h"
#include "test-util.h"

static void
assert_resolves (const char *argument, const char *folder, const char *record_name)
{
  g_autoptr (GFile) file = g_file_new_for_path (argument);
  g_autofree char *name = NULL;
  g_autoptr (GFile) resolved = ecg_application_resolve_argument (file, &name);
  g_autofree char *resolved_path = g_file_get_path (resolved);
  g_assert_cmpstr (resolved_path, ==, folder);
  g_assert_cmpstr (name, ==, record_name);
}

static void
test_resolve_argument (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *header = ecg_test_write_file (dir, "100.hea", "100 0\n", -1);
  g_autofree char *record = g_build_filename (dir, "100", NULL);
  g_autofree char *data = g_build_filename (dir, "100.dat", NULL);
  g_autofree char *annotations = g_build_filename (dir, "100.atr", NULL);
  g_autofree char *dotted = g_build_filename (dir, "s0010_re.v2.hea", NULL);

  assert_resolves (dir, dir, NULL);
  assert_resolves (header, dir, "100");
  assert_resolves (record, dir, "100");
  assert_resolves (data, dir, "100");
  assert_resolves (annotations, dir, "100");
  assert_resolves (dotted, dir, "s0010_re.v2");
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Uninstalled (the source tree's data/demo exists) the demo comes from the source tree. */
static void
test_demo_folder (void)
{
  g_autoptr (GFile) demo = ecg_application_get_demo_folder ();
  g_autofree char *path = g_file_get_path (demo);
  const char *source_demo = ECG_SOURCE_DATA_DIR G_DIR_SEPARATOR_S "demo";
  if (g_file_test (source_demo, G_FILE_TEST_IS_DIR))
    g_assert_cmpstr (path, ==, source_demo);
  else
    g_assert_cmpstr (path, ==, ECG_PKGDATADIR G_DIR_SEPARATOR_S "demo");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/application/resolve-argument", test_resolve_argument);
  g_test_add_func ("/ui/application/demo-folder", test_demo_folder);
  return g_test_run ();
}
