/* bench-data.c — how fast real data comes in: opening one record, building the beat sets.
 *
 * Usage: bench-data MITDB_DIR [REPEATS]. Prints a table of medians over REPEATS runs (default
 * 15) on one thread. Targets (issue "Foundation"): record 100 with annotations <= 30 ms; all 48
 * records to the DS1 and DS2 beat sets (and the paced ones) <= 1.5 s. The third row reads the
 * same three sets from a beat cache filled once beforehand, in a temporary folder removed at the
 * end (the file system cache is warm too: this is the second run of a session, not a reboot).
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "dataset/ecg-beat-cache.h"
#include "dataset/ecg-beat-set.h"
#include "io/ecg-record.h"

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* Loads DS1, DS2 and the paced records through the cache in `cache_dir`; returns the beats, or
 * 0 after printing the error. */
static gsize
load_splits_cached (const char *dir, const EcgClassMap *map, const char *cache_dir)
{
  gsize n_beats = 0;
  for (int s = ECG_MITBIH_DS1; s <= ECG_MITBIH_PACED; s++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgBeatSet) set = ecg_beat_set_load_cached (
        dir, ecg_mitbih_split_records (s), map, NULL, cache_dir, NULL, &error);
      if (set == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 0;
        }
      n_beats += set->n_beats;
    }
  return n_beats;
}

static void
remove_cache_dir (const char *cache_dir)
{
  GDir *d = g_dir_open (cache_dir, 0, NULL);
  if (d != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (cache_dir, name, NULL);
          g_unlink (path);
        }
      g_dir_close (d);
    }
  g_rmdir (cache_dir);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s MITDB_DIR [REPEATS]\n", argv[0]);
      return 2;
    }
  const char *dir = argv[1];
  int repeats = argc > 2 ? atoi (argv[2]) : 15;
  if (repeats < 1)
    repeats = 1;
  g_autofree double *open_ms = g_new (double, repeats);
  g_autofree double *sets_ms = g_new (double, repeats);
  g_autofree double *warm_ms = g_new (double, repeats);
  g_autofree char *path = g_build_filename (dir, "100", NULL);
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  gsize n_beats = 0;

  for (int r = 0; r < repeats; r++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (EcgRecord) record = ecg_record_load (path, ECG_RECORD_LOAD_DEFAULT, &error);
      gint64 t1 = g_get_monotonic_time ();
      if (record == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      open_ms[r] = (double) (t1 - t0) / 1000.0;

      t0 = g_get_monotonic_time ();
      n_beats = 0;
      for (int s = ECG_MITBIH_DS1; s <= ECG_MITBIH_PACED; s++)
        {
          g_autoptr (EcgBeatSet) set = ecg_beat_set_load_split (dir, s, map, NULL, NULL, &error);
          if (set == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          n_beats += set->n_beats;
        }
      t1 = g_get_monotonic_time ();
      sets_ms[r] = (double) (t1 - t0) / 1000.0;
    }

  g_autoptr (GError) error = NULL;
  g_autofree char *cache_dir = g_dir_make_tmp ("ecgwb-bench-cache-XXXXXX", &error);
  if (cache_dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  gint64 fill_start = g_get_monotonic_time ();
  gsize n_cached = load_splits_cached (dir, map, cache_dir);
  double fill_ms = (double) (g_get_monotonic_time () - fill_start) / 1000.0;
  for (int r = 0; r < repeats && n_cached == n_beats; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      n_cached = load_splits_cached (dir, map, cache_dir);
      warm_ms[r] = (double) (g_get_monotonic_time () - t0) / 1000.0;
    }
  remove_cache_dir (cache_dir);
  if (n_cached != n_beats)
    {
      fprintf (stderr, "the cached sets hold %" G_GSIZE_FORMAT " beats, the built ones %"
               G_GSIZE_FORMAT "\n", n_cached, n_beats);
      return 1;
    }

  printf ("%-44s %12s %12s\n", "measurement (median of repeats, one thread)", "ms", "target ms");
  printf ("%-44s %12.2f %12s\n", "open record 100 (.hea + .dat + .atr)", median (open_ms, repeats),
          "30");
  printf ("%-44s %12.1f %12s\n", "48 records -> DS1 + DS2 + paced beat sets", median (sets_ms, repeats),
          "1500");
  printf ("%-44s %12.1f %12s\n", "48 records -> beat sets, warm cache", median (warm_ms, repeats),
          "-");
  printf ("(%" G_GSIZE_FORMAT " beats with a full 256-sample window; filling the cache took "
          "%.1f ms: build + write)\n", n_beats, fill_ms);
  return 0;
}
