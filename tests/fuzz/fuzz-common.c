/* fuzz-common.c — logging policy, input splitting and a scratch folder for the fuzz targets. */
#include "fuzz-common.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

void
ecg_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_writer_func (quiet_writer, NULL, NULL);
}

char *
ecg_fuzz_split (const uint8_t *data, size_t size, const uint8_t **rest, size_t *rest_size)
{
  const uint8_t *nul = size > 0 ? memchr (data, 0, size) : NULL;
  if (nul == NULL)
    {
      *rest = NULL;
      *rest_size = 0;
      return g_strndup ((const char *) data, size);
    }
  *rest = nul + 1;
  *rest_size = size - (size_t) (nul + 1 - data);
  return g_strndup ((const char *) data, (gsize) (nul - data));
}

/* The process-wide scratch folder: created on first use, removed at exit. It is the one piece
 * of global state here, written once before any input runs (libFuzzer runs inputs one at a
 * time in one thread). */
static char *scratch_dir;

static void
remove_scratch_dir (void)
{
  GDir *dir = g_dir_open (scratch_dir, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (scratch_dir, name, NULL);
          g_remove (path);
        }
      g_dir_close (dir);
    }
  g_rmdir (scratch_dir);
}

const char *
ecg_fuzz_tmpdir (void)
{
  if (scratch_dir == NULL)
    {
      /* ECG_FUZZ_TMPDIR (run.sh sets it and removes it after the target, also after a crash,
       * which skips atexit); else tmpfs when there is one: the store and record targets write
       * files for every input. */
      const char *parent = g_getenv ("ECG_FUZZ_TMPDIR");
      if (parent == NULL)
        parent = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *template = g_build_filename (parent, "ecg-fuzz-XXXXXX", NULL);
      scratch_dir = g_mkdtemp (g_steal_pointer (&template));
      if (scratch_dir == NULL)
        g_error ("cannot create a scratch folder for the fuzz target");
      atexit (remove_scratch_dir);
    }
  return scratch_dir;
}
