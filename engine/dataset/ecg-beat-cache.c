/* ecg-beat-cache.c — beat sets stored on disk under a key of their inputs (layout in the .h). */
#define G_LOG_DOMAIN "ecg-beat-cache"

#include "dataset/ecg-beat-cache.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "ecg-error.h"

#define CACHE_MAGIC "ECGBEATS"
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_KEY_LENGTH 64 /* hex digits of a SHA-256 */
#define CACHE_SUFFIX ".beats"

enum
{
  SECTION_WINDOWS,
  SECTION_RR_FEATURES,
  SECTION_R_PEAKS,
  SECTION_RECORD_OF_BEAT,
  SECTION_LABELS,
  SECTION_CODES,
  SECTION_RECORDS,
  SECTION_STRINGS,
  N_SECTIONS
};

/* Every field is 4 or 8 bytes wide and 8-byte fields sit at multiples of 8, so the struct has
 * no padding and is written as it is in memory. */
typedef struct
{
  char magic[8];
  guint32 version;
  guint32 byte_order;
  char key[CACHE_KEY_LENGTH];
  guint64 n_beats;
  guint64 n_records;
  gint32 window_length;
  gint32 samples_before;
  gint32 n_classes;
  gint32 n_rr_features;
  double fs;
  guint64 dropped_at_edges;
  guint64 class_counts[ECG_CLASS_MAP_MAX_CLASSES];
  guint64 section_bytes[N_SECTIONS];
  guint64 sections_checksum; /* checksum64 of the N_SECTIONS checksums of the sections */
  guint64 header_checksum;   /* checksum64 of every byte above */
} EcgBeatCacheHeader;

G_STATIC_ASSERT (sizeof (EcgBeatCacheHeader) == 336);
G_STATIC_ASSERT (offsetof (EcgBeatCacheHeader, header_checksum) == 328);

typedef struct
{
  guint64 first_beat;
  guint64 n_beats;
  guint64 dropped_at_edges;
  guint64 class_counts[ECG_CLASS_MAP_MAX_CLASSES];
  double mean_rr_s;
  guint32 name_length; /* bytes, without the NUL that follows the name in the strings */
  guint32 lead_length;
} EcgBeatCacheRecord;

G_STATIC_ASSERT (sizeof (EcgBeatCacheRecord) == 168);

/* ---- checksum ---------------------------------------------------------------------------- */

/* A 64-bit hash in the manner of xxHash64: four accumulators take 8-byte words in turn,
 *   acc = rotl (acc + w · P2, 31) · P1,
 * then are folded together with the length, the tail words and bytes, and an avalanche. Every
 * step is a bijection of the state for fixed input, so two inputs that differ in one word
 * always hash differently; any other change goes unseen with probability about 2^-64. It runs
 * at several GB/s, well above the speed of reading the file. Words are native-endian, like the
 * file. */
#define P1 G_GUINT64_CONSTANT (0x9E3779B185EBCA87)
#define P2 G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)
#define P3 G_GUINT64_CONSTANT (0x165667B19E3779F9)

static inline guint64
rotl64 (guint64 x, int r)
{
  return (x << r) | (x >> (64 - r));
}

static inline guint64
mix_word (guint64 acc, guint64 word)
{
  return rotl64 (acc + word * P2, 31) * P1;
}

typedef struct
{
  guint64 lane[4];
} Checksum64;

static void
checksum64_init (Checksum64 *c)
{
  c->lane[0] = P1 + P2;
  c->lane[1] = P2;
  c->lane[2] = 0;
  c->lane[3] = -P1;
}

/* Whole 32-byte blocks only: `size` is a multiple of 32. */
static void
checksum64_blocks (Checksum64 *c, const guint8 *p, gsize size)
{
  guint64 word;
  for (gsize block = 0; block < size / 32; block++, p += 32)
    for (int l = 0; l < 4; l++)
      {
        memcpy (&word, p + 8 * l, 8);
        c->lane[l] = mix_word (c->lane[l], word);
      }
}

/* The last `rest` (< 32) bytes of an input of `total` bytes; returns its checksum. */
static guint64
checksum64_end (const Checksum64 *c, const guint8 *p, gsize rest, guint64 total)
{
  guint64 word;
  guint64 h = rotl64 (c->lane[0], 1) + rotl64 (c->lane[1], 7) + rotl64 (c->lane[2], 12)
              + rotl64 (c->lane[3], 18) + total;
  for (; rest >= 8; rest -= 8, p += 8)
    {
      memcpy (&word, p, 8);
      h = rotl64 (h ^ mix_word (0, word), 27) * P1 + P3;
    }
  for (; rest > 0; rest--, p++)
    h = rotl64 (h ^ (*p * P3), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

static guint64
checksum64 (const void *data, gsize size)
{
  Checksum64 c;
  gsize whole = size - size % 32;
  if (size == 0)
    data = ""; /* an empty set's arrays are NULL; no offset may be added to NULL */
  checksum64_init (&c);
  checksum64_blocks (&c, data, whole);
  return checksum64_end (&c, (const guint8 *) data + whole, size % 32, size);
}

/* ---- key --------------------------------------------------------------------------------- */

/* Length-prefixed so that no choice of names can make two different inputs read the same. */
static void
key_add_string (GChecksum *sum, const char *tag, const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s %" G_GSIZE_FORMAT ":%s\n", tag, strlen (value),
                                           value);
  g_checksum_update (sum, (const guchar *) line, -1);
}

static gboolean
key_add_file (GChecksum *sum, const char *tag, const char *path, GError **error)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  gint64 nanoseconds = 0;
#if defined(_STATBUF_ST_NSEC) || defined(__linux__)
  nanoseconds = (gint64) st.st_mtim.tv_nsec;
#endif
  g_autofree char *line
    = g_strdup_printf ("%s size %" G_GINT64_FORMAT " mtime %" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT
                       "\n",
                       tag, (gint64) st.st_size, (gint64) st.st_mtime, nanoseconds);
  g_checksum_update (sum, (const guchar *) line, -1);
  return TRUE;
}

/* As ecg_record_load(): "dir/100.hea" and "dir/100" name the same record. */
static char *
record_path_without_extension (const char *path)
{
  static const char *const extensions[] = { ".hea", ".dat", ".atr" };
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (path, extensions[i]))
      return g_strndup (path, strlen (path) - strlen (extensions[i]));
  return g_strdup (path);
}

/* The files ecg_record_load() reads for one record: .hea, each signal file, .atr if present. */
static gboolean
key_add_record (GChecksum *sum, const char *data_dir, const char *name, GError **error)
{
  g_autofree char *joined = g_build_filename (data_dir, name, NULL);
  g_autofree char *record_path = record_path_without_extension (joined);
  g_autofree char *header_path = g_strconcat (record_path, ".hea", NULL);
  g_autofree char *folder = g_path_get_dirname (record_path);

  key_add_string (sum, "record", name);
  if (!key_add_file (sum, "hea", header_path, error))
    return FALSE;
  g_autoptr (EcgWfdbHeader) header = ecg_wfdb_header_load (header_path, error);
  if (header == NULL)
    return FALSE;
  for (int i = 0; i < header->n_signals; i++)
    {
      const char *file_name = header->signals[i].file_name;
      if (i > 0 && strcmp (file_name, header->signals[i - 1].file_name) == 0)
        continue;
      g_autofree char *signal_path = g_build_filename (folder, file_name, NULL);
      key_add_string (sum, "signal", file_name);
      if (!key_add_file (sum, "signal-file", signal_path, error))
        return FALSE;
    }
  g_autofree char *atr_path = g_strconcat (record_path, ".atr", NULL);
  if (g_file_test (atr_path, G_FILE_TEST_EXISTS))
    return key_add_file (sum, "atr", atr_path, error);
  g_checksum_update (sum, (const guchar *) "atr absent\n", -1);
  return TRUE;
}

char *
ecg_beat_cache_key (const char *data_dir, const char *const *records,
                    const EcgClassMap *class_map, const EcgBeatWindowOptions *options,
                    GError **error)
{
  EcgBeatWindowOptions defaults;
  ecg_beat_window_options_init (&defaults);
  if (options == NULL)
    options = &defaults;

  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *head = g_strdup_printf ("ecg-beat-cache %d\n", ECG_BEAT_CACHE_VERSION);
  g_checksum_update (sum, (const guchar *) head, -1);
  g_autofree char *spec = ecg_class_map_to_string (class_map);
  key_add_string (sum, "class-map", spec);
  g_autofree char *window = g_strdup_printf ("window-length %d\nsamples-before %d\n",
                                             options->window_length, options->samples_before);
  g_checksum_update (sum, (const guchar *) window, -1);
  if (options->lead != NULL)
    key_add_string (sum, "lead", options->lead);
  else
    g_checksum_update (sum, (const guchar *) "lead default\n", -1);
  for (gsize i = 0; records[i] != NULL; i++)
    if (!key_add_record (sum, data_dir, records[i], error))
      return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

/* ---- sections ---------------------------------------------------------------------------- */

typedef struct
{
  void *data;
  gsize bytes;
} Section;

/* Byte lengths of the arrays of a set with these dimensions; FALSE on overflow. */
static gboolean
section_sizes (guint64 n_beats, guint64 n_records, gint32 window_length, guint64 strings_bytes,
               gsize bytes[N_SECTIONS])
{
  gsize n_window_floats, n_rr_floats;
  if (n_beats > G_MAXSIZE || n_records > G_MAXSIZE || window_length < 1
      || !g_size_checked_mul (&n_window_floats, (gsize) n_beats, (gsize) window_length)
      || !g_size_checked_mul (&bytes[SECTION_WINDOWS], n_window_floats, sizeof (float))
      || !g_size_checked_mul (&n_rr_floats, (gsize) n_beats, ECG_RR_N_FEATURES)
      || !g_size_checked_mul (&bytes[SECTION_RR_FEATURES], n_rr_floats, sizeof (float))
      || !g_size_checked_mul (&bytes[SECTION_R_PEAKS], (gsize) n_beats, sizeof (gint64))
      || !g_size_checked_mul (&bytes[SECTION_RECORD_OF_BEAT], (gsize) n_beats, sizeof (guint32))
      || !g_size_checked_mul (&bytes[SECTION_RECORDS], (gsize) n_records,
                              sizeof (EcgBeatCacheRecord)))
    return FALSE;
  bytes[SECTION_LABELS] = (gsize) n_beats;
  bytes[SECTION_CODES] = (gsize) n_beats;
  bytes[SECTION_STRINGS] = (gsize) strings_bytes;
  return strings_bytes <= G_MAXSIZE;
}

/* checksum64 of the checksums of the sections, in order. */
static guint64
sections_checksum (const guint64 sums[N_SECTIONS])
{
  return checksum64 (sums, N_SECTIONS * sizeof (guint64));
}

/* ---- reading ----------------------------------------------------------------------------- */

static gboolean
read_exactly (FILE *file, void *data, gsize bytes)
{
  return bytes == 0 || fread (data, 1, bytes, file) == bytes;
}

/* Reads `bytes` into `data` and returns their checksum64 in *sum. Each piece is summed right
 * after it is read, while it is still in the CPU cache: summing 100 MB afterwards would read
 * them from memory a second time. */
#define READ_PIECE (256 * 1024) /* a multiple of 32 */

static gboolean
read_section (FILE *file, void *data, gsize bytes, guint64 *sum)
{
  guint8 *p = data;
  gsize done = 0;
  Checksum64 c;
  checksum64_init (&c);
  for (; bytes - done > READ_PIECE; done += READ_PIECE)
    {
      if (!read_exactly (file, p + done, READ_PIECE))
        return FALSE;
      checksum64_blocks (&c, p + done, READ_PIECE);
    }
  gsize rest = bytes - done, whole = rest - rest % 32;
  if (!read_exactly (file, p + done, rest))
    return FALSE;
  checksum64_blocks (&c, p + done, whole);
  *sum = checksum64_end (&c, p + done + whole, rest - whole, bytes);
  return TRUE;
}

/* The string of `length` bytes at *offset in `strings`, followed by its NUL, or NULL when it
 * runs past the end or holds a NUL. Moves *offset past the NUL. */
static const char *
take_string (const char *strings, gsize n_strings, gsize *offset, guint32 length)
{
  const char *s = strings + *offset;
  if (length >= n_strings - *offset || s[length] != '\0' || memchr (s, '\0', length) != NULL)
    return NULL;
  *offset += (gsize) length + 1;
  return s;
}

/* Checks what the checksums cannot: that the arrays agree with each other and with the class
 * map, so that code indexing by them (subsets, per-record views, confusion matrices) is safe. */
static gboolean
check_consistency (const EcgBeatSet *set, const EcgBeatCacheHeader *header, GError **error)
{
  guint64 class_sums[ECG_CLASS_MAP_MAX_CLASSES] = { 0 };
  guint64 next_beat = 0, dropped = 0;
  for (guint r = 0; r < set->records->len; r++)
    {
      const EcgBeatSetRecord *entry = &g_array_index (set->records, EcgBeatSetRecord, r);
      guint64 counted = 0;
      for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
        {
          class_sums[c] += entry->class_counts[c];
          counted += entry->class_counts[c];
        }
      if (entry->first_beat != next_beat || entry->n_beats > set->n_beats - next_beat
          || counted != entry->n_beats + entry->dropped_at_edges)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "record entry %u is inconsistent", r);
          return FALSE;
        }
      for (gsize b = entry->first_beat; b < entry->first_beat + entry->n_beats; b++)
        if (set->record_of_beat[b] != r || set->codes[b] > ECG_ANN_ACMAX
            || set->labels[b] != set->class_map->class_of_code[set->codes[b]]
            || set->labels[b] < 0)
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "beat %" G_GSIZE_FORMAT
                         " disagrees with its record, code or class", b);
            return FALSE;
          }
      next_beat += entry->n_beats;
      dropped += entry->dropped_at_edges;
    }
  if (next_beat != set->n_beats || dropped != header->dropped_at_edges
      || memcmp (class_sums, header->class_counts, sizeof class_sums) != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "record entries do not add up to the set's totals");
      return FALSE;
    }
  return TRUE;
}

static EcgBeatSet *
read_cache_stream (FILE *file, guint64 file_size, const char *key, const EcgClassMap *class_map,
                   const EcgBeatWindowOptions *options, GError **error)
{
  EcgBeatCacheHeader header;
  if (file_size < sizeof header || !read_exactly (file, &header, sizeof header))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "shorter than its header");
      return NULL;
    }
  if (checksum64 (&header, offsetof (EcgBeatCacheHeader, header_checksum))
      != header.header_checksum)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_CHECKSUM, "header checksum mismatch");
      return NULL;
    }
  if (memcmp (header.magic, CACHE_MAGIC, sizeof header.magic) != 0
      || header.version != ECG_BEAT_CACHE_VERSION || header.byte_order != CACHE_BYTE_ORDER)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "not a version %d beat cache in this machine's byte order",
                   ECG_BEAT_CACHE_VERSION);
      return NULL;
    }
  if (memcmp (header.key, key, CACHE_KEY_LENGTH) != 0
      || header.window_length != options->window_length
      || header.samples_before != options->samples_before
      || header.n_classes != class_map->n_classes
      || header.n_rr_features != ECG_RR_N_FEATURES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "holds another key or window");
      return NULL;
    }

  /* The sizes must follow from the counts and add up to the file: nothing larger than the file
   * is ever allocated, whatever the header says. */
  gsize bytes[N_SECTIONS];
  guint64 total = sizeof header;
  gboolean sizes_ok = section_sizes (header.n_beats, header.n_records, header.window_length,
                                     header.section_bytes[SECTION_STRINGS], bytes);
  for (int s = 0; sizes_ok && s < N_SECTIONS; s++)
    {
      sizes_ok = bytes[s] == header.section_bytes[s] && bytes[s] <= file_size - total;
      total += bytes[s];
    }
  if (!sizes_ok || total != file_size)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "is %" G_GUINT64_FORMAT " bytes, its header describes another size",
                   file_size);
      return NULL;
    }

  g_autoptr (EcgBeatSet) set = ecg_beat_set_new (class_map, options);
  gsize n_beats = (gsize) header.n_beats;
  set->fs = header.fs;
  set->n_beats = n_beats;
  set->capacity = n_beats;
  set->dropped_at_edges = (gsize) header.dropped_at_edges;
  for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
    set->class_counts[c] = (gsize) header.class_counts[c];
  /* At least one element, as a set built by ecg_beat_set_add_record() has. */
  set->windows = g_malloc (MAX (bytes[SECTION_WINDOWS], 1));
  set->rr_features = g_malloc (MAX (bytes[SECTION_RR_FEATURES], 1));
  set->r_peaks = g_malloc (MAX (bytes[SECTION_R_PEAKS], 1));
  set->record_of_beat = g_malloc (MAX (bytes[SECTION_RECORD_OF_BEAT], 1));
  set->labels = g_malloc (MAX (bytes[SECTION_LABELS], 1));
  set->codes = g_malloc (MAX (bytes[SECTION_CODES], 1));
  g_autofree EcgBeatCacheRecord *entries = g_malloc (MAX (bytes[SECTION_RECORDS], 1));
  g_autofree char *strings = g_malloc (MAX (bytes[SECTION_STRINGS], 1));

  Section sections[N_SECTIONS] = {
    [SECTION_WINDOWS] = { set->windows, bytes[SECTION_WINDOWS] },
    [SECTION_RR_FEATURES] = { set->rr_features, bytes[SECTION_RR_FEATURES] },
    [SECTION_R_PEAKS] = { set->r_peaks, bytes[SECTION_R_PEAKS] },
    [SECTION_RECORD_OF_BEAT] = { set->record_of_beat, bytes[SECTION_RECORD_OF_BEAT] },
    [SECTION_LABELS] = { set->labels, bytes[SECTION_LABELS] },
    [SECTION_CODES] = { set->codes, bytes[SECTION_CODES] },
    [SECTION_RECORDS] = { entries, bytes[SECTION_RECORDS] },
    [SECTION_STRINGS] = { strings, bytes[SECTION_STRINGS] },
  };
  guint64 sums[N_SECTIONS];
  for (int s = 0; s < N_SECTIONS; s++)
    if (!read_section (file, sections[s].data, sections[s].bytes, &sums[s]))
      {
        g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "could not read section %d", s);
        return NULL;
      }
  if (sections_checksum (sums) != header.sections_checksum)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_CHECKSUM, "data checksum mismatch");
      return NULL;
    }

  /* Each record's name and lead, NUL-terminated, back to back and nothing after them. */
  gsize offset = 0;
  const gsize n_strings = bytes[SECTION_STRINGS];
  for (gsize r = 0; r < (gsize) header.n_records; r++)
    {
      const EcgBeatCacheRecord *e = &entries[r];
      const char *name = take_string (strings, n_strings, &offset, e->name_length);
      const char *lead = name ? take_string (strings, n_strings, &offset, e->lead_length) : NULL;
      if (lead == NULL)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "names of record %" G_GSIZE_FORMAT " do not match their lengths", r);
          return NULL;
        }
      EcgBeatSetRecord entry = {
        .name = g_strdup (name),
        .lead = g_strdup (lead),
        .mean_rr_s = e->mean_rr_s,
        .first_beat = (gsize) e->first_beat,
        .n_beats = (gsize) e->n_beats,
        .dropped_at_edges = (gsize) e->dropped_at_edges,
      };
      for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
        entry.class_counts[c] = (gsize) e->class_counts[c];
      g_array_append_val (set->records, entry);
    }
  if (offset != n_strings)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "bytes left over after the names");
      return NULL;
    }
  if (!check_consistency (set, &header, error))
    return NULL;
  return g_steal_pointer (&set);
}

static EcgBeatSet *
read_cache (const char *path, const char *key, const EcgClassMap *class_map,
            const EcgBeatWindowOptions *options)
{
  FILE *file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      if (saved_errno != ENOENT)
        g_debug ("%s: cannot open the cache file: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  g_autoptr (GError) error = NULL;
  EcgBeatSet *set = NULL;
  struct stat st;
  if (fstat (fileno (file), &st) != 0 || !S_ISREG (st.st_mode))
    g_debug ("%s: not a regular file", path);
  else
    {
      set = read_cache_stream (file, (guint64) st.st_size, key, class_map, options, &error);
      if (set == NULL)
        g_debug ("%s: %s; rebuilding it", path, error->message);
    }
  fclose (file);
  return set;
}

/* ---- writing ----------------------------------------------------------------------------- */

static void
write_cache (const char *dir, const char *path, const char *key, const EcgBeatSet *set)
{
  const guint n_records = set->records->len;
  g_autofree EcgBeatCacheRecord *entries = g_new0 (EcgBeatCacheRecord, MAX (n_records, 1));
  g_autoptr (GString) strings = g_string_new (NULL);
  for (guint r = 0; r < n_records; r++)
    {
      const EcgBeatSetRecord *entry = &g_array_index (set->records, EcgBeatSetRecord, r);
      EcgBeatCacheRecord *e = &entries[r];
      e->first_beat = entry->first_beat;
      e->n_beats = entry->n_beats;
      e->dropped_at_edges = entry->dropped_at_edges;
      for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
        e->class_counts[c] = entry->class_counts[c];
      e->mean_rr_s = entry->mean_rr_s;
      const char *lead = entry->lead != NULL ? entry->lead : "";
      e->name_length = (guint32) strlen (entry->name);
      e->lead_length = (guint32) strlen (lead);
      g_string_append_len (strings, entry->name, e->name_length + 1);
      g_string_append_len (strings, lead, e->lead_length + 1);
    }

  EcgBeatCacheHeader header;
  memset (&header, 0, sizeof header);
  memcpy (header.magic, CACHE_MAGIC, sizeof header.magic);
  header.version = ECG_BEAT_CACHE_VERSION;
  header.byte_order = CACHE_BYTE_ORDER;
  memcpy (header.key, key, CACHE_KEY_LENGTH);
  header.n_beats = set->n_beats;
  header.n_records = n_records;
  header.window_length = set->window_length;
  header.samples_before = set->samples_before;
  header.n_classes = set->class_map->n_classes;
  header.n_rr_features = ECG_RR_N_FEATURES;
  header.fs = set->fs;
  header.dropped_at_edges = set->dropped_at_edges;
  for (int c = 0; c < ECG_CLASS_MAP_MAX_CLASSES; c++)
    header.class_counts[c] = set->class_counts[c];

  gsize bytes[N_SECTIONS];
  if (!section_sizes (set->n_beats, n_records, set->window_length, strings->len, bytes))
    return;
  Section sections[N_SECTIONS] = {
    [SECTION_WINDOWS] = { set->windows, bytes[SECTION_WINDOWS] },
    [SECTION_RR_FEATURES] = { set->rr_features, bytes[SECTION_RR_FEATURES] },
    [SECTION_R_PEAKS] = { set->r_peaks, bytes[SECTION_R_PEAKS] },
    [SECTION_RECORD_OF_BEAT] = { set->record_of_beat, bytes[SECTION_RECORD_OF_BEAT] },
    [SECTION_LABELS] = { set->labels, bytes[SECTION_LABELS] },
    [SECTION_CODES] = { set->codes, bytes[SECTION_CODES] },
    [SECTION_RECORDS] = { entries, bytes[SECTION_RECORDS] },
    [SECTION_STRINGS] = { strings->str, bytes[SECTION_STRINGS] },
  };
  gsize total = sizeof header;
  guint64 sums[N_SECTIONS];
  for (int s = 0; s < N_SECTIONS; s++)
    {
      header.section_bytes[s] = bytes[s];
      sums[s] = checksum64 (sections[s].data, sections[s].bytes);
      total += bytes[s];
    }
  header.sections_checksum = sections_checksum (sums);
  header.header_checksum = checksum64 (&header, offsetof (EcgBeatCacheHeader, header_checksum));

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_debug ("%s: cannot create the cache folder, not caching: %s", dir,
               g_strerror (saved_errno));
      return;
    }
  g_autofree char *buffer = g_malloc (total);
  memcpy (buffer, &header, sizeof header);
  gsize at = sizeof header;
  for (int s = 0; s < N_SECTIONS; s++)
    if (sections[s].bytes > 0)
      {
        memcpy (buffer + at, sections[s].data, sections[s].bytes);
        at += sections[s].bytes;
      }
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (path, buffer, (gssize) total, &error))
    g_debug ("not caching the beat set: %s", error->message);
}

/* ---- the cached load --------------------------------------------------------------------- */

EcgBeatSet *
ecg_beat_set_load_cached (const char *data_dir, const char *const *records,
                          const EcgClassMap *class_map, const EcgBeatWindowOptions *options,
                          const char *cache_dir, GCancellable *cancellable, GError **error)
{
  EcgBeatWindowOptions defaults;
  ecg_beat_window_options_init (&defaults);
  if (options == NULL)
    options = &defaults;

  g_autoptr (GError) key_error = NULL;
  g_autofree char *key = ecg_beat_cache_key (data_dir, records, class_map, options, &key_error);
  if (key == NULL)
    {
      /* The loader will meet the same missing or broken file and say so. */
      g_debug ("beat cache not used: %s", key_error->message);
      return ecg_beat_set_load (data_dir, records, class_map, options, cancellable, error);
    }
  if (ecg_error_set_if_cancelled (cancellable, error))
    return NULL;

  g_autofree char *dir = cache_dir != NULL ? g_strdup (cache_dir)
                                           : g_build_filename (g_get_user_cache_dir (),
                                                               "ecg-workbench", "beat-sets", NULL);
  g_autofree char *file_name = g_strconcat (key, CACHE_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  EcgBeatSet *set = read_cache (path, key, class_map, options);
  if (set != NULL)
    return set;

  set = ecg_beat_set_load (data_dir, records, class_map, options, cancellable, error);
  if (set == NULL)
    return NULL;
  /* A record rewritten while it was being read would store new data under the old key. */
  g_autofree char *key_after = ecg_beat_cache_key (data_dir, records, class_map, options, NULL);
  if (g_strcmp0 (key, key_after) == 0)
    write_cache (dir, path, key, set);
  else
    g_debug ("records changed while loading: not caching the beat set");
  return set;
}
