#include "test-util.h"

#include <glib/gstdio.h>

char *
ecg_test_data_dir (const char *subdir)
{
  const char *root = g_getenv ("ECGWB_DATA");
  if (root == NULL || *root == '\0')
    {
      g_test_skip ("ECGWB_DATA is not set: real-data test skipped "
                   "(set ECGWB_DATA=/abs/path/to/shared/data to run it)");
      return NULL;
    }
  char *dir = g_build_filename (root, subdir, NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *msg = g_strdup_printf ("ECGWB_DATA has no folder %s: test skipped", dir);
      g_test_skip (msg);
      g_free (dir);
      return NULL;
    }
  return dir;
}

char *
ecg_test_tmpdir_new (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("ecgwb-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      if (dir != NULL)
        {
          const char *name;
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);
              remove_tree (child);
            }
          g_dir_close (dir);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
ecg_test_tmpdir_free (char *dir)
{
  if (dir == NULL)
    return;
  remove_tree (dir);
  g_free (dir);
}

char *
ecg_test_write_file (const char *dir, const char *name, const void *bytes, gssize length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, bytes, length, &error);
  g_assert_no_error (error);
  return path;
}
