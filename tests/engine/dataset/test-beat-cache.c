/* Tests of the beat-set cache: hits equal the uncached set bit for bit, changes miss, damaged
 * or unwritable caches never fail a load. */
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dataset/ecg-beat-cache.h"
#include "ecg-error.h"
#include "test-util.h"

#define HEADER_BYTES 336 /* EcgBeatCacheHeader, see ecg-beat-cache.h */

typedef struct
{
  const char *name;
  gint64 n_samples;
  int n_leads;
  const char *lead_names[2];
  int format;
  int n_beats;
  gint64 beats[16];
  const char *symbols; /* one per beat */
} SyntheticRecord;

/* Hand-made beats; the AAMI-5 counts are worked out beside each. With 90 samples before and
 * 166 after the R peak, a beat is dropped when R < 90 or R + 166 > n_samples. */
static const SyntheticRecord synthetic[] = {
  /* 13 beats, N 9, A 2, V 2; dropped: 60 (too early) and 3500 (too late). */
  { "s1", 3600, 2, { "MLII", "V1" }, 212, 13,
    { 60, 360, 660, 960, 1260, 1560, 1860, 2160, 2460, 2760, 3060, 3360, 3500 },
    "NNANVNNANVNNN" },
  /* No MLII: the first lead (V5). 10 beats, N 5, V 3, A 2, none dropped. */
  { "s2", 3000, 2, { "V5", "V2" }, 212, 10,
    { 100, 380, 650, 900, 1200, 1500, 1790, 2100, 2400, 2700 }, "NVNANVVNAN" },
  /* 6 beats, N 3, A 1, V 2; dropped: 1900 (1900 + 166 > 2000). */
  { "s3", 2000, 1, { "MLII", NULL }, 16, 6, { 95, 500, 900, 1300, 1700, 1900 }, "NAVNNV" },
};

static const char *const all_records[] = { "s1", "s2", "s3", NULL };

/* A wandering baseline plus a 1 mV Gaussian spike on each beat, different on each lead. */
static void
write_synthetic (const char *dir, const SyntheticRecord *spec)
{
  float *signal[2] = { NULL, NULL };
  for (int l = 0; l < spec->n_leads; l++)
    {
      signal[l] = g_new (float, spec->n_samples);
      for (gint64 t = 0; t < spec->n_samples; t++)
        {
          double v = 0.1 * sin (2 * G_PI * (double) t / (137.0 + 20 * l)) + 0.01 * l;
          for (int b = 0; b < spec->n_beats; b++)
            {
              double d = (double) (t - spec->beats[b]) / 5.0;
              v += (l == 0 ? 1.0 : -0.6) * exp (-0.5 * d * d);
            }
          signal[l][t] = (float) v;
        }
    }
  /* A rhythm label first: not a beat, so it must not count. */
  g_autoptr (EcgAnnotationList) anns = ecg_annotation_list_new ((gsize) spec->n_beats + 1);
  anns->items[0] = (EcgAnnotation) { .sample = 0, .code = ECG_ANN_RHYTHM, .aux = g_strdup ("(N") };
  for (int b = 0; b < spec->n_beats; b++)
    {
      char symbol[2] = { spec->symbols[b], '\0' };
      anns->items[b + 1] = (EcgAnnotation) {
        .sample = spec->beats[b],
        .code = (guint8) ecg_annotation_code_from_symbol (symbol),
      };
    }
  const float *samples[2] = { signal[0], signal[1] };
  g_autoptr (EcgRecord) record = ecg_record_new_from_samples (
    spec->name, 360, spec->n_samples, spec->n_leads, spec->lead_names, samples, 200, anns);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (record, dir, spec->format, &error));
  g_assert_no_error (error);
  g_free (signal[0]);
  g_free (signal[1]);
}

static char *
make_data_dir (void)
{
  char *dir = ecg_test_tmpdir_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (synthetic); i++)
    write_synthetic (dir, &synthetic[i]);
  return dir;
}

/* Every array, every record entry and every scalar, compared byte for byte. */
static void
assert_sets_identical (const EcgBeatSet *a, const EcgBeatSet *b)
{
  g_autofree char *spec_a = ecg_class_map_to_string (a->class_map);
  g_autofree char *spec_b = ecg_class_map_to_string (b->class_map);
  g_assert_cmpstr (spec_a, ==, spec_b);
  g_assert_cmpint (a->window_length, ==, b->window_length);
  g_assert_cmpint (a->samples_before, ==, b->samples_before);
  g_assert_cmpstr (a->lead_option, ==, b->lead_option);
  g_assert_cmpmem (&a->fs, sizeof a->fs, &b->fs, sizeof b->fs);
  g_assert_cmpuint (a->n_beats, ==, b->n_beats);
  const gsize n = a->n_beats, length = (gsize) a->window_length;
  g_assert_cmpmem (a->windows, n * length * sizeof (float), b->windows,
                   n * length * sizeof (float));
  g_assert_cmpmem (a->labels, n, b->labels, n);
  g_assert_cmpmem (a->codes, n, b->codes, n);
  g_assert_cmpmem (a->r_peaks, n * sizeof (gint64), b->r_peaks, n * sizeof (gint64));
  g_assert_cmpmem (a->record_of_beat, n * sizeof (guint32), b->record_of_beat,
                   n * sizeof (guint32));
  g_assert_cmpmem (a->rr_features, n * ECG_RR_N_FEATURES * sizeof (float), b->rr_features,
                   n * ECG_RR_N_FEATURES * sizeof (float));
  g_assert_cmpmem (a->class_counts, sizeof a->class_counts, b->class_counts,
                   sizeof b->class_counts);
  g_assert_cmpuint (a->dropped_at_edges, ==, b->dropped_at_edges);
  g_assert_cmpuint (a->records->len, ==, b->records->len);
  for (guint r = 0; r < a->records->len; r++)
    {
      const EcgBeatSetRecord *x = &g_array_index (a->records, EcgBeatSetRecord, r);
      const EcgBeatSetRecord *y = &g_array_index (b->records, EcgBeatSetRecord, r);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->lead, ==, y->lead);
      g_assert_cmpmem (&x->mean_rr_s, sizeof (double), &y->mean_rr_s, sizeof (double));
      g_assert_cmpuint (x->first_beat, ==, y->first_beat);
      g_assert_cmpuint (x->n_beats, ==, y->n_beats);
      g_assert_cmpmem (x->class_counts, sizeof x->class_counts, y->class_counts,
                       sizeof y->class_counts);
      g_assert_cmpuint (x->dropped_at_edges, ==, y->dropped_at_edges);
    }
}

static EcgBeatSet *
load_uncached (const char *dir, const char *const *records, const EcgClassMap *map,
               const EcgBeatWindowOptions *options)
{
  g_autoptr (GError) error = NULL;
  EcgBeatSet *set = ecg_beat_set_load (dir, records, map, options, NULL, &error);
  g_assert_no_error (error);
  return set;
}

static EcgBeatSet *
load_cached (const char *dir, const char *const *records, const EcgClassMap *map,
             const EcgBeatWindowOptions *options, const char *cache_dir)
{
  g_autoptr (GError) error = NULL;
  EcgBeatSet *set = ecg_beat_set_load_cached (dir, records, map, options, cache_dir, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

/* The names of the files in `dir`; none when it does not exist. */
static GPtrArray *
list_files (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return names;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  return names;
}

static char *
cache_path (const char *cache_dir, const char *data_dir, const char *const *records,
            const EcgClassMap *map, const EcgBeatWindowOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = ecg_beat_cache_key (data_dir, records, map, options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (key), ==, 64);
  g_autofree char *name = g_strconcat (key, ".beats", NULL);
  return g_build_filename (cache_dir, name, NULL);
}

/* Inode and modification time: a rewrite through g_file_set_contents() renames a new file
 * over the old one, so the inode changes; a hit leaves both alone. */
typedef struct
{
  guint64 inode;
  gint64 mtime_s, mtime_ns;
} FileStamp;

static FileStamp
stamp_of (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (FileStamp) { (guint64) st.st_ino, (gint64) st.st_mtime, (gint64) st.st_mtim.tv_nsec };
}

/* Writes `bytes` to `path` again and again until its modification time differs from before
 * (file systems with a coarse clock can give two quick writes the same time). */
static void
rewrite_until_mtime_changes (const char *path, const char *bytes, gsize length)
{
  FileStamp before = stamp_of (path);
  for (int attempt = 0; attempt < 2000; attempt++)
    {
      g_autoptr (GError) error = NULL;
      g_file_set_contents (path, bytes, (gssize) length, &error);
      g_assert_no_error (error);
      FileStamp after = stamp_of (path);
      if (after.mtime_s != before.mtime_s || after.mtime_ns != before.mtime_ns)
        return;
      g_usleep (1000);
    }
  g_assert_not_reached ();
}

static void
test_miss_then_hit (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *tmp = ecg_test_tmpdir_new ();
  /* Two levels that do not exist yet: the cache creates them. */
  g_autofree char *cache = g_build_filename (tmp, "cache", "beat-sets", NULL);
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) plain = load_uncached (data, all_records, map, NULL);

  /* The hand counts of the synthetic records. */
  g_assert_cmpuint (plain->n_beats, ==, 26);
  g_assert_cmpuint (plain->dropped_at_edges, ==, 3);
  g_assert_cmpuint (plain->class_counts[0], ==, 17);
  g_assert_cmpuint (plain->class_counts[1], ==, 5);
  g_assert_cmpuint (plain->class_counts[2], ==, 7);
  g_assert_cmpstr (g_array_index (plain->records, EcgBeatSetRecord, 1).lead, ==, "V5");

  g_autoptr (EcgBeatSet) first = load_cached (data, all_records, map, NULL, cache);
  assert_sets_identical (first, plain);
  g_autofree char *path = cache_path (cache, data, all_records, map, NULL);
  g_autoptr (GPtrArray) files = list_files (cache);
  g_assert_cmpuint (files->len, ==, 1);
  g_autofree char *expected_name = g_path_get_basename (path);
  g_assert_cmpstr (g_ptr_array_index (files, 0), ==, expected_name);
  /* 336 header bytes + 26 beats × (256 + 6 floats, one i64, one u32, two bytes) + three record
   * entries of 168 bytes + "s1\0MLII\0s2\0V5\0s3\0MLII\0" (22 bytes). */
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 336 + 26 * (262 * 4 + 8 + 4 + 2) + 3 * 168 + 22);
  FileStamp written = stamp_of (path);

  g_autoptr (EcgBeatSet) second = load_cached (data, all_records, map, NULL, cache);
  assert_sets_identical (second, plain);
  FileStamp after_hit = stamp_of (path);
  g_assert_cmpuint (after_hit.inode, ==, written.inode);
  g_assert_cmpint (after_hit.mtime_ns, ==, written.mtime_ns);
  g_autoptr (GPtrArray) files_after = list_files (cache);
  g_assert_cmpuint (files_after->len, ==, 1);

  /* Per-record entries came back too: a subset of the cached set equals one of the plain set. */
  const char *two[] = { "s3", "s1", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgBeatSet) sub_cached = ecg_beat_set_subset (second, two, &error);
  g_assert_no_error (error);
  g_autoptr (EcgBeatSet) sub_plain = ecg_beat_set_subset (plain, two, &error);
  g_assert_no_error (error);
  assert_sets_identical (sub_cached, sub_plain);
  g_assert_cmpuint (sub_cached->n_beats, ==, 16);

  ecg_test_tmpdir_free (g_steal_pointer (&tmp));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

static void
test_changed_record_misses (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) original = load_cached (data, all_records, map, NULL, cache);
  g_autofree char *old_path = cache_path (cache, data, all_records, map, NULL);

  /* The same bytes written again: only the modification time moves, and that is a miss. */
  g_autofree char *atr = g_build_filename (data, "s2.atr", NULL);
  g_autofree char *bytes = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (atr, &bytes, &length, NULL));
  rewrite_until_mtime_changes (atr, bytes, length);
  g_autofree char *touched_path = cache_path (cache, data, all_records, map, NULL);
  g_assert_cmpstr (touched_path, !=, old_path);
  g_autoptr (EcgBeatSet) touched = load_cached (data, all_records, map, NULL, cache);
  assert_sets_identical (touched, original);
  g_autoptr (GPtrArray) files = list_files (cache);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_true (g_file_test (touched_path, G_FILE_TEST_IS_REGULAR));

  /* s2's first beat relabelled N -> V, the file keeping its size: a stale cache would still
   * say N. Item 0 is the rhythm label. */
  g_autoptr (EcgAnnotationList) anns = ecg_annotation_list_load (atr, NULL);
  g_assert_nonnull (anns);
  g_assert_cmpint (anns->items[1].sample, ==, 100);
  anns->items[1].code = ECG_ANN_PVC;
  g_autoptr (GBytes) encoded = ecg_annotation_list_encode (anns);
  g_assert_cmpuint (g_bytes_get_size (encoded), ==, length);
  rewrite_until_mtime_changes (atr, g_bytes_get_data (encoded, NULL), length);
  g_autoptr (EcgBeatSet) relabelled = load_cached (data, all_records, map, NULL, cache);
  g_autoptr (EcgBeatSet) plain = load_uncached (data, all_records, map, NULL);
  assert_sets_identical (relabelled, plain);
  g_assert_cmpuint (relabelled->class_counts[0], ==, 16);
  g_assert_cmpuint (relabelled->class_counts[2], ==, 8);
  g_autoptr (GPtrArray) files_after = list_files (cache);
  g_assert_cmpuint (files_after->len, ==, 3);

  ecg_test_tmpdir_free (g_steal_pointer (&cache));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

static void
test_options_are_part_of_the_key (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) aami5 = ecg_class_map_new_aami5 ();
  g_autoptr (EcgClassMap) aami3 = ecg_class_map_new_aami3 ();
  g_autoptr (EcgBeatSet) base = load_cached (data, all_records, aami5, NULL, cache);

  EcgBeatWindowOptions shorter;
  ecg_beat_window_options_init (&shorter);
  shorter.window_length = 200;
  g_autofree char *path_default = cache_path (cache, data, all_records, aami5, NULL);
  g_autofree char *path_shorter = cache_path (cache, data, all_records, aami5, &shorter);
  g_assert_cmpstr (path_default, !=, path_shorter);
  for (int round = 0; round < 2; round++) /* a miss, then a hit */
    {
      g_autoptr (EcgBeatSet) set = load_cached (data, all_records, aami5, &shorter, cache);
      g_autoptr (EcgBeatSet) plain = load_uncached (data, all_records, aami5, &shorter);
      assert_sets_identical (set, plain);
      g_assert_cmpint (set->window_length, ==, 200);
      g_autoptr (GPtrArray) files = list_files (cache);
      g_assert_cmpuint (files->len, ==, 2);
    }

  /* Fewer samples before the peak, another class map, another record order: three more keys. */
  EcgBeatWindowOptions later;
  ecg_beat_window_options_init (&later);
  later.samples_before = 60;
  const char *reordered[] = { "s3", "s1", "s2", NULL };
  g_autoptr (EcgBeatSet) a = load_cached (data, all_records, aami5, &later, cache);
  g_autoptr (EcgBeatSet) b = load_cached (data, all_records, aami3, NULL, cache);
  g_autoptr (EcgBeatSet) c = load_cached (data, reordered, aami5, NULL, cache);
  g_autoptr (EcgBeatSet) a_plain = load_uncached (data, all_records, aami5, &later);
  g_autoptr (EcgBeatSet) b_plain = load_uncached (data, all_records, aami3, NULL);
  g_autoptr (EcgBeatSet) c_plain = load_uncached (data, reordered, aami5, NULL);
  assert_sets_identical (a, a_plain);
  assert_sets_identical (b, b_plain);
  assert_sets_identical (c, c_plain);
  g_autoptr (GPtrArray) files = list_files (cache);
  g_assert_cmpuint (files->len, ==, 5);

  /* A lead that s2 lacks: the loader's error comes through and nothing is written. */
  EcgBeatWindowOptions mlii;
  ecg_beat_window_options_init (&mlii);
  mlii.lead = "MLII";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgBeatSet) none
    = ecg_beat_set_load_cached (data, all_records, aami5, &mlii, cache, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND);
  g_autoptr (GPtrArray) files_after = list_files (cache);
  g_assert_cmpuint (files_after->len, ==, 5);

  /* A missing record: the loader's error, nothing written. */
  const char *missing[] = { "s1", "nope", NULL };
  g_clear_error (&error);
  g_autoptr (EcgBeatSet) none2
    = ecg_beat_set_load_cached (data, missing, aami5, NULL, cache, NULL, &error);
  g_assert_null (none2);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_autoptr (GPtrArray) files_end = list_files (cache);
  g_assert_cmpuint (files_end->len, ==, 5);
  (void) base;

  ecg_test_tmpdir_free (g_steal_pointer (&cache));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

typedef enum
{
  FLIP,
  TRUNCATE,
  APPEND,
} Damage;

static void
test_damaged_cache_is_rebuilt (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) plain = load_uncached (data, all_records, map, NULL);
  g_autoptr (EcgBeatSet) first = load_cached (data, all_records, map, NULL, cache);
  g_autofree char *path = cache_path (cache, data, all_records, map, NULL);
  g_autofree char *good = NULL;
  gsize size = 0;
  g_assert_true (g_file_get_contents (path, &good, &size, NULL));

  /* Offsets: 0 magic, 9 version, 20 key, 82 n_beats, 96 window length, 200 class counts,
   * 300 section sizes, 330 header checksum, then inside the windows, the r_peaks, the labels,
   * the record entries and the last byte (the NUL of the last lead name). */
  const gsize n_beats = 26;
  const gsize windows_at = HEADER_BYTES, r_peaks_at = windows_at + n_beats * 262 * 4;
  const gsize labels_at = r_peaks_at + n_beats * 12, entries_at = labels_at + 2 * n_beats;
  const struct
  {
    Damage damage;
    gsize at;
  } cases[] = {
    { FLIP, 0 },
    { FLIP, 9 },
    { FLIP, 20 },
    { FLIP, 82 },
    { FLIP, 96 },
    { FLIP, 200 },
    { FLIP, 300 },
    { FLIP, 330 },
    { FLIP, windows_at + 1000 },
    { FLIP, r_peaks_at + 3 },
    { FLIP, labels_at + 5 },
    { FLIP, entries_at + 10 },
    { FLIP, size - 1 },
    { TRUNCATE, 0 },
    { TRUNCATE, 100 },
    { TRUNCATE, HEADER_BYTES },
    { TRUNCATE, size / 2 },
    { TRUNCATE, size - 1 },
    { APPEND, 8 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = g_memdup2 (good, size);
      gsize bad_size = size;
      if (cases[i].damage == FLIP)
        bad[cases[i].at] ^= 0x5a;
      else if (cases[i].damage == TRUNCATE)
        bad_size = cases[i].at;
      else
        {
          bad = g_realloc (bad, size + cases[i].at);
          memset (bad + size, 0, cases[i].at);
          bad_size = size + cases[i].at;
        }
      g_assert_true (g_file_set_contents (path, bad, (gssize) bad_size, NULL));
      g_test_message ("damage %d at %" G_GSIZE_FORMAT, cases[i].damage, cases[i].at);

      g_autoptr (EcgBeatSet) set = load_cached (data, all_records, map, NULL, cache);
      assert_sets_identical (set, plain);
      /* Rewritten: the same bytes as the first time (the file holds no time stamp). */
      g_autofree char *now = NULL;
      gsize now_size = 0;
      g_assert_true (g_file_get_contents (path, &now, &now_size, NULL));
      g_assert_cmpmem (now, now_size, good, size);
    }

  /* Another key's valid file under this key's name: the stored key disagrees, a miss. */
  EcgBeatWindowOptions shorter;
  ecg_beat_window_options_init (&shorter);
  shorter.window_length = 200;
  g_autoptr (EcgBeatSet) other = load_cached (data, all_records, map, &shorter, cache);
  g_autofree char *other_path = cache_path (cache, data, all_records, map, &shorter);
  g_autofree char *other_bytes = NULL;
  gsize other_size = 0;
  g_assert_true (g_file_get_contents (other_path, &other_bytes, &other_size, NULL));
  g_assert_true (g_file_set_contents (path, other_bytes, (gssize) other_size, NULL));
  g_autoptr (EcgBeatSet) swapped = load_cached (data, all_records, map, NULL, cache);
  assert_sets_identical (swapped, plain);

  /* A folder where the file should be: it can be neither read nor replaced. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_autoptr (EcgBeatSet) beside_folder = load_cached (data, all_records, map, NULL, cache);
  assert_sets_identical (beside_folder, plain);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  /* The failed rename left no temporary file behind: the folder and the other key's file. */
  g_autoptr (GPtrArray) files = list_files (cache);
  g_assert_cmpuint (files->len, ==, 2);
  (void) first;

  ecg_test_tmpdir_free (g_steal_pointer (&cache));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

static void
test_unwritable_cache (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *tmp = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (EcgBeatSet) plain = load_uncached (data, all_records, map, NULL);

  /* Below a regular file no folder can be made, not even by root. */
  g_autofree char *blocker = ecg_test_write_file (tmp, "not-a-folder", "x", 1);
  g_autofree char *under_file = g_build_filename (blocker, "beat-sets", NULL);
  for (int round = 0; round < 2; round++)
    {
      g_autoptr (EcgBeatSet) set = load_cached (data, all_records, map, NULL, under_file);
      assert_sets_identical (set, plain);
    }
  g_assert_true (g_file_test (blocker, G_FILE_TEST_IS_REGULAR));

  /* A read-only folder (root writes there anyway, so only then is the file count not asked). */
  g_autofree char *read_only = g_build_filename (tmp, "read-only", NULL);
  g_assert_cmpint (g_mkdir (read_only, 0555), ==, 0);
  g_assert_cmpint (g_chmod (read_only, 0555), ==, 0);
  g_autoptr (EcgBeatSet) set = load_cached (data, all_records, map, NULL, read_only);
  assert_sets_identical (set, plain);
  if (geteuid () != 0)
    {
      g_autoptr (GPtrArray) files = list_files (read_only);
      g_assert_cmpuint (files->len, ==, 0);
    }
  g_assert_cmpint (g_chmod (read_only, 0755), ==, 0);

  ecg_test_tmpdir_free (g_steal_pointer (&tmp));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

/* No records: an empty set, cached like any other. */
static void
test_empty_record_list (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  const char *none[] = { NULL };
  g_autoptr (EcgBeatSet) plain = load_uncached (data, none, map, NULL);
  for (int round = 0; round < 2; round++)
    {
      g_autoptr (EcgBeatSet) set = load_cached (data, none, map, NULL, cache);
      assert_sets_identical (set, plain);
      g_assert_cmpuint (set->n_beats, ==, 0);
      g_assert_cmpuint (set->records->len, ==, 0);
      g_autoptr (GPtrArray) files = list_files (cache);
      g_assert_cmpuint (files->len, ==, 1);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&cache));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

static void
test_cancelled (void)
{
  g_autofree char *data = make_data_dir ();
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  for (int round = 0; round < 2; round++) /* before and after the cache file exists */
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgBeatSet) set
        = ecg_beat_set_load_cached (data, all_records, map, NULL, cache, cancellable, &error);
      g_assert_null (set);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);
      g_autoptr (EcgBeatSet) filled = load_cached (data, all_records, map, NULL, cache);
    }
  ecg_test_tmpdir_free (g_steal_pointer (&cache));
  ecg_test_tmpdir_free (g_steal_pointer (&data));
}

static void
test_mitdb_ds1 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *cache = ecg_test_tmpdir_new ();
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  const char *const *ds1 = ecg_mitbih_split_records (ECG_MITBIH_DS1);
  g_autoptr (EcgBeatSet) plain = load_uncached (dir, ds1, map, NULL);

  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (EcgBeatSet) cold = load_cached (dir, ds1, map, NULL, cache);
  gint64 t1 = g_get_monotonic_time ();
  g_autoptr (EcgBeatSet) warm = load_cached (dir, ds1, map, NULL, cache);
  gint64 t2 = g_get_monotonic_time ();
  g_test_message ("DS1: cold (build + write) %.1f ms, warm %.1f ms", (t1 - t0) / 1000.0,
                  (t2 - t1) / 1000.0);

  assert_sets_identical (cold, plain);
  assert_sets_identical (warm, plain);
  /* de Chazal et al. 2004: DS1 N 45,866, S 944, V 3,788, F 415, Q 8. */
  g_assert_cmpuint (warm->class_counts[0], ==, 45866);
  g_assert_cmpuint (warm->class_counts[1], ==, 944);
  g_assert_cmpuint (warm->class_counts[2], ==, 3788);
  g_assert_cmpuint (warm->class_counts[3], ==, 415);
  g_assert_cmpuint (warm->class_counts[4], ==, 8);
  g_assert_cmpuint (warm->records->len, ==, 22);
  g_autoptr (GPtrArray) files = list_files (cache);
  g_assert_cmpuint (files->len, ==, 1);
  ecg_test_tmpdir_free (g_steal_pointer (&cache));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/dataset/beat-cache/miss-then-hit", test_miss_then_hit);
  g_test_add_func ("/engine/dataset/beat-cache/changed-record-misses",
                   test_changed_record_misses);
  g_test_add_func ("/engine/dataset/beat-cache/options-are-part-of-the-key",
                   test_options_are_part_of_the_key);
  g_test_add_func ("/engine/dataset/beat-cache/damaged-cache-is-rebuilt",
                   test_damaged_cache_is_rebuilt);
  g_test_add_func ("/engine/dataset/beat-cache/unwritable-cache", test_unwritable_cache);
  g_test_add_func ("/engine/dataset/beat-cache/empty-record-list", test_empty_record_list);
  g_test_add_func ("/engine/dataset/beat-cache/cancelled", test_cancelled);
  g_test_add_func ("/engine/dataset/beat-cache/mitdb-ds1", test_mitdb_ds1);
  return g_test_run ();
}
