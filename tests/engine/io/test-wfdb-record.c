/* Tests of signal formats, annotations and whole-record loading and saving. */
#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-record.h"
#include "io/ecg-wfdb-signal.h"
#include "test-util.h"

static const char *const mitdb_records[] = {
  "100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "111", "112",
  "113", "114", "115", "116", "117", "118", "119", "121", "122", "123", "124", "200",
  "201", "202", "203", "205", "207", "208", "209", "210", "212", "213", "214", "215",
  "217", "219", "220", "221", "222", "223", "228", "230", "231", "232", "233", "234",
};

/* Decodes `bytes` as one signal group of `n_signals` in `format`. */
static gint32 *
decode_one (const char *header_text, const guint8 *bytes, gsize n_bytes, gint64 n_samples,
            int n_signals, GError **error)
{
  g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse (header_text, -1, "t.hea", error);
  g_assert_nonnull (h);
  int indices[4] = { 0, 1, 2, 3 };
  gint32 *out = g_new0 (gint32, n_samples * n_signals);
  gint32 *rows[4];
  for (int i = 0; i < n_signals; i++)
    rows[i] = out + i * n_samples;
  if (!ecg_wfdb_signal_decode (h, indices, n_signals, bytes, n_bytes, n_samples, rows, "t.dat",
                               error))
    {
      g_free (out);
      return NULL;
    }
  return out;
}

static void
test_format_212_by_hand (void)
{
  /* Two signals, two frames: stream = 1, -1, 2047, -2048.
   * Pair 1: 1 = 0x001, -1 = 0xFFF -> bytes 01, F0, FF.
   * Pair 2: 2047 = 0x7FF, -2048 = 0x800 -> bytes FF, 87, 00. */
  const guint8 bytes[] = { 0x01, 0xF0, 0xFF, 0xFF, 0x87, 0x00 };
  g_autoptr (GError) error = NULL;
  g_autofree gint32 *v = decode_one ("t 2 360 2\nt.dat 212\nt.dat 212\n", bytes, sizeof bytes, 2,
                                     2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v[0], ==, 1);     /* signal 0, frame 0 */
  g_assert_cmpint (v[1], ==, 2047);  /* signal 0, frame 1 */
  g_assert_cmpint (v[2], ==, -1);    /* signal 1, frame 0 */
  g_assert_cmpint (v[3], ==, -2048); /* signal 1, frame 1 */
}

static void
test_other_formats_by_hand (void)
{
  g_autoptr (GError) error = NULL;
  {
    const guint8 b[] = { 0x00, 0x80, 0xFF, 0x7F };
    g_autofree gint32 *v = decode_one ("t 1 1 2\nt.dat 16\n", b, 4, 2, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, -32768);
    g_assert_cmpint (v[1], ==, 32767);
  }
  {
    const guint8 b[] = { 0x80, 0x00, 0x00, 0x05 };
    g_autofree gint32 *v = decode_one ("t 1 1 2\nt.dat 61\n", b, 4, 2, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, -32768);
    g_assert_cmpint (v[1], ==, 5);
  }
  {
    const guint8 b[] = { 0x00, 0x80, 0xFF };
    g_autofree gint32 *v = decode_one ("t 1 1 3\nt.dat 80\n", b, 3, 3, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, -128);
    g_assert_cmpint (v[1], ==, 0);
    g_assert_cmpint (v[2], ==, 127);
  }
  {
    const guint8 b[] = { 0x00, 0x80, 0x05, 0x80 };
    g_autofree gint32 *v = decode_one ("t 1 1 2\nt.dat 160\n", b, 4, 2, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, 0);
    g_assert_cmpint (v[1], ==, 5);
  }
  {
    /* First differences from the initial value 100: +3, -5, +127. */
    const guint8 b[] = { 0x03, 0xFB, 0x7F };
    g_autofree gint32 *v = decode_one ("t 1 1 3\nt.dat 8 200 8 0 100\n", b, 3, 3, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, 103);
    g_assert_cmpint (v[1], ==, 98);
    g_assert_cmpint (v[2], ==, 225);
  }
  {
    const guint8 b[] = { 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x80 };
    g_autofree gint32 *v = decode_one ("t 1 1 2\nt.dat 24\n", b, 6, 2, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, -1);
    g_assert_cmpint (v[1], ==, -8388607);
  }
}

static void
test_format_errors (void)
{
  const guint8 b[] = { 1, 2, 3, 4, 5, 6 };
  {
    g_autoptr (GError) error = NULL;
    g_autofree gint32 *v = decode_one ("t 1 1 2\nt.dat 310\n", b, 6, 2, 1, &error);
    g_assert_null (v);
    g_assert_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "format 310"));
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree gint32 *v = decode_one ("t 1 1 4\nt.dat 16\n", b, 6, 4, 1, &error);
    g_assert_null (v);
    g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "t.dat: truncated: 3 of 4 frames"));
  }
}

static void
test_checksum_signed_and_unsigned (void)
{
  const gint32 samples[] = { -30000, -30000, 5 };
  /* -59995 mod 65536 = 5541 */
  g_assert_cmpuint (ecg_wfdb_checksum (samples, 3), ==, 5541);
}

static EcgAnnotationList *
make_annotations (void)
{
  /* Exercise every pseudo-code: a long gap (SKIP), SUB, CHN, NUM, AUX of odd and even length. */
  EcgAnnotationList *list = ecg_annotation_list_new (6);
  list->items[0] = (EcgAnnotation) { .sample = 18, .code = ECG_ANN_RHYTHM, .aux = g_strdup ("(N") };
  list->items[1] = (EcgAnnotation) { .sample = 77, .code = ECG_ANN_NORMAL };
  list->items[2] = (EcgAnnotation) { .sample = 5000, .code = ECG_ANN_PVC, .subtype = -3 };
  list->items[3] = (EcgAnnotation) { .sample = 5001, .code = ECG_ANN_APC, .chan = 1, .num = 7 };
  list->items[4] = (EcgAnnotation) { .sample = 70000, .code = ECG_ANN_NOTE, .chan = 1, .num = 7,
                                     .aux = g_strdup ("hello") };
  list->items[5] = (EcgAnnotation) { .sample = 70001, .code = ECG_ANN_NORMAL, .chan = 0, .num = -2 };
  return list;
}

static void
test_annotation_round_trip (void)
{
  g_autoptr (EcgAnnotationList) list = make_annotations ();
  g_autoptr (GBytes) bytes = ecg_annotation_list_encode (list);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgAnnotationList) back = ecg_annotation_list_parse (data, size, "t.atr", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->n_items, ==, list->n_items);
  for (gsize i = 0; i < list->n_items; i++)
    {
      g_assert_cmpint (back->items[i].sample, ==, list->items[i].sample);
      g_assert_cmpint (back->items[i].code, ==, list->items[i].code);
      g_assert_cmpint (back->items[i].subtype, ==, list->items[i].subtype);
      g_assert_cmpint (back->items[i].chan, ==, list->items[i].chan);
      g_assert_cmpint (back->items[i].num, ==, list->items[i].num);
      g_assert_cmpstr (back->items[i].aux, ==, list->items[i].aux);
    }
  g_assert_cmpuint (ecg_annotation_list_count_beats (back), ==, 4);
}

static void
test_annotation_symbols (void)
{
  g_assert_cmpstr (ecg_annotation_code_symbol (ECG_ANN_NORMAL), ==, "N");
  g_assert_cmpstr (ecg_annotation_code_symbol (ECG_ANN_PACE), ==, "/");
  g_assert_cmpstr (ecg_annotation_code_symbol (ECG_ANN_PFUS), ==, "f");
  g_assert_cmpstr (ecg_annotation_code_symbol (ECG_ANN_RHYTHM), ==, "+");
  g_assert_cmpint (ecg_annotation_code_from_symbol ("e"), ==, ECG_ANN_AESC);
  g_assert_cmpint (ecg_annotation_code_from_symbol ("j"), ==, ECG_ANN_NESC);
  g_assert_cmpint (ecg_annotation_code_from_symbol ("zz"), ==, -1);
  g_assert_true (ecg_annotation_code_is_beat (ECG_ANN_UNKNOWN));
  g_assert_false (ecg_annotation_code_is_beat (ECG_ANN_RHYTHM));
  g_assert_false (ecg_annotation_code_is_beat (ECG_ANN_NOISE));
  g_assert_null (ecg_annotation_code_symbol (60));
}

static void
test_annotation_bad_input (void)
{
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  const guint8 odd[] = { 0x12, 0x70, 0x00 };
  g_assert_null (ecg_annotation_list_parse (odd, 3, "odd.atr", &e1));
  g_assert_error (e1, ECG_ERROR, ECG_ERROR_FORMAT);
  /* SKIP whose 32-bit count is cut off. */
  const guint8 skip[] = { 0x00, 0xEC, 0x01, 0x00 };
  g_assert_null (ecg_annotation_list_parse (skip, 4, "skip.atr", &e2));
  g_assert_error (e2, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (e2->message, "skip.atr: truncated"));
  /* A negative SKIP before any annotation. */
  const guint8 back[] = { 0x00, 0xEC, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00 };
  g_assert_null (ecg_annotation_list_parse (back, 8, "back.atr", &e3));
  g_assert_error (e3, ECG_ERROR, ECG_ERROR_FORMAT);
  /* AUX announcing 10 bytes with 2 present. */
  const guint8 aux[] = { 0x01, 0x04, 0x0A, 0xFC, 'a', 'b' };
  g_assert_null (ecg_annotation_list_parse (aux, 6, "aux.atr", &e4));
  g_assert_error (e4, ECG_ERROR, ECG_ERROR_FORMAT);
}

static void
test_record_save_load_round_trip (gconstpointer data)
{
  int format = GPOINTER_TO_INT (data);
  g_autofree char *dir = ecg_test_tmpdir_new ();
  const gint64 n = 1001; /* odd, so format 212 ends on half a pair */
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);
  for (gint64 t = 0; t < n; t++)
    {
      a[t] = (float) (sin (t * 0.05) * 1.5);
      b[t] = (float) (cos (t * 0.02) * 0.7 - 0.2);
    }
  const char *names[] = { "MLII", "V5" };
  const float *samples[] = { a, b };
  g_autoptr (EcgAnnotationList) anns = make_annotations ();
  g_autoptr (EcgRecord) rec
    = ecg_record_new_from_samples ("synthetic", 360, n, 2, names, samples, 200, anns);
  g_autoptr (GError) error = NULL;
  g_assert_true (ecg_record_save (rec, dir, format, &error));
  g_assert_no_error (error);

  g_autofree char *path = g_build_filename (dir, "synthetic", NULL);
  g_autoptr (EcgRecord) back = ecg_record_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->n_samples, ==, n);
  g_assert_cmpint (back->n_leads, ==, 2);
  g_assert_cmpfloat (back->fs, ==, 360);
  g_assert_cmpint (ecg_record_find_lead (back, "V5"), ==, 1);
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpint (back->leads[i].checksum_state, ==, ECG_CHECKSUM_OK);
      g_assert_cmpmem (back->leads[i].adc, n * sizeof (gint32), rec->leads[i].adc,
                       n * sizeof (gint32));
      for (gint64 t = 0; t < n; t++)
        g_assert_cmpfloat_with_epsilon (back->leads[i].samples[t], rec->leads[i].samples[t], 1e-6);
    }
  /* Quantisation at 200 adu/mV: within half an ADC step of the input. */
  g_assert_cmpfloat_with_epsilon (back->leads[0].samples[100], a[100], 0.5 / 200 + 1e-6);
  g_assert_cmpuint (back->annotations->n_items, ==, anns->n_items);
  g_assert_cmpint (back->annotations->items[4].sample, ==, 70000);
  g_assert_cmpstr (back->annotations->items[4].aux, ==, "hello");
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

/* Writes a record with a given header and .dat bytes and loads it, expecting `code`. */
static void
expect_load_error (const char *header, const guint8 *dat, gssize dat_len, int code,
                   const char *fragment)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *h = ecg_test_write_file (dir, "r.hea", header, -1);
  if (dat != NULL)
    g_free (ecg_test_write_file (dir, "r.dat", dat, dat_len));
  g_autofree char *path = g_build_filename (dir, "r", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) rec = ecg_record_load (path, 0, &error);
  g_assert_null (rec);
  g_assert_error (error, ECG_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' lacks '%s'", error->message, fragment);
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_broken_records (void)
{
  const guint8 four[] = { 1, 0, 2, 0, 3, 0, 4, 0 };
  expect_load_error ("r 1 360 8\nr.dat 16\n", four, 8, ECG_ERROR_FORMAT, "r.dat: truncated");
  expect_load_error ("r 1 360 4\nr.dat 16 200 16 0 1 99\n", four, 8, ECG_ERROR_CHECKSUM,
                     "checksum of signal 0");
  expect_load_error ("r 1 360 4\nr.dat 311\n", four, 8, ECG_ERROR_UNSUPPORTED,
                     "signal format 311 is not supported");
  expect_load_error ("r 1 360 4\nr.dat 16\n", NULL, 0, ECG_ERROR_IO, "r.dat");
  expect_load_error ("r 1 360 4\nr.dat 16+100\n", four, 8, ECG_ERROR_FORMAT, "byte offset");
  expect_load_error ("r 1 0 4\nr.dat 16\n", four, 8, ECG_ERROR_FORMAT, "r.hea line 1");
  /* A length no file could hold: an error, not an attempt to allocate 400 TB that ends the
   * program (found by tests/fuzz/fuzz-wfdb-signal). */
  expect_load_error ("r 1 360 100000000000000\nr.dat 16\n", four, 8, ECG_ERROR_FORMAT,
                     "r.dat: truncated: 4 of 100000000000000 frames");
  expect_load_error ("r 2 360 100000000000000\nr.dat 8\nr.dat 8\n", four, 8, ECG_ERROR_FORMAT,
                     "r.dat: truncated: 4 of 100000000000000 frames");
}

/* Values at the ends of the 32-bit range, where the arithmetic once overflowed an int (undefined
 * behaviour; found by tests/fuzz): format 8 differences summed past G_MAXINT32 wrap around in
 * 32 bits, and the physical value (adc - baseline) / gain is computed in double. */
static void
test_extreme_values (void)
{
  g_autoptr (GError) error = NULL;
  {
    const guint8 b[] = { 0x01, 0xFF };
    g_autofree gint32 *v
      = decode_one ("t 1 1 2\nt.dat 8 200 8 0 2147483647\n", b, 2, 2, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (v[0], ==, G_MININT32);
    g_assert_cmpint (v[1], ==, G_MAXINT32);
  }
  g_autofree char *dir = ecg_test_tmpdir_new ();
  /* One format-32 sample of -2^31 + 1 against a baseline of 2^31 - 1, gain 1. */
  const guint8 b[] = { 0x01, 0x00, 0x00, 0x80 };
  g_autofree char *dat = ecg_test_write_file (dir, "x.dat", b, sizeof b);
  g_autofree char *hea
    = ecg_test_write_file (dir, "x.hea", "x 1 360 1\nx.dat 32 1(2147483647)/mV 32 0 0\n", -1);
  g_autofree char *path = g_build_filename (dir, "x", NULL);
  g_autoptr (EcgRecord) rec = ecg_record_load (path, ECG_RECORD_NO_ANNOTATIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rec->leads[0].adc[0], ==, G_MININT32 + 1);
  g_assert_cmpfloat (rec->leads[0].samples[0], ==, (float) (-4294967294.0));
  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_missing_header (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) rec = ecg_record_load ("/nonexistent/dir/100", 0, &error);
  g_assert_null (rec);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "100.hea"));
}

static void
test_mitdb_100 (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  g_autofree char *path = g_build_filename (dir, "100", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRecord) rec = ecg_record_load (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rec->name, ==, "100");
  g_assert_cmpint (rec->n_samples, ==, 650000);
  g_assert_cmpfloat (rec->fs, ==, 360);
  g_assert_cmpstr (rec->leads[0].name, ==, "MLII");
  /* The header's initial value 995 at ADC zero 1024, 200 adu/mV: (995 - 1024) / 200 mV. */
  g_assert_cmpint (rec->leads[0].adc[0], ==, 995);
  g_assert_cmpfloat_with_epsilon (rec->leads[0].samples[0], -0.145, 1e-6);
  g_assert_cmpint (rec->leads[1].adc[0], ==, 1011);
  /* 2,274 annotations, the first a rhythm "(N" at sample 18 (data README; wfdb rdann). */
  g_assert_cmpuint (rec->annotations->n_items, ==, 2274);
  g_assert_cmpint (rec->annotations->items[0].code, ==, ECG_ANN_RHYTHM);
  g_assert_cmpint (rec->annotations->items[0].sample, ==, 18);
  g_assert_cmpstr (rec->annotations->items[0].aux, ==, "(N");
  g_assert_cmpuint (ecg_annotation_list_count_beats (rec->annotations), ==, 2273);
}

static void
test_mitdb_all_checksums (void)
{
  g_autofree char *dir = ecg_test_data_dir ("mitdb");
  if (dir == NULL)
    return;
  gsize total_annotations = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (mitdb_records); i++)
    {
      g_autofree char *path = g_build_filename (dir, mitdb_records[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgRecord) rec = ecg_record_load (path, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rec->n_samples, ==, 650000);
      for (int l = 0; l < rec->n_leads; l++)
        g_assert_cmpint (rec->leads[l].checksum_state, ==, ECG_CHECKSUM_OK);
      total_annotations += rec->annotations->n_items;
    }
  /* Every .atr parses to its end: 112,647 annotations in all (data README). */
  g_assert_cmpuint (total_annotations, ==, 112647);
}

static void
test_ptbxl_all_checksums (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  for (int id = 1; id <= 500; id++)
    {
      g_autofree char *path = g_strdup_printf ("%s/records100/00000/%05d_lr", dir, id);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgRecord) rec = ecg_record_load (path, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rec->n_leads, ==, 12);
      g_assert_cmpint (rec->n_samples, ==, 1000);
      g_assert_null (rec->annotations);
      for (int l = 0; l < 12; l++)
        g_assert_cmpint (rec->leads[l].checksum_state, ==, ECG_CHECKSUM_OK);
      if (id == 1)
        {
          g_assert_cmpstr (rec->leads[0].name, ==, "I");
          g_assert_cmpstr (rec->leads[11].name, ==, "V6");
          g_assert_cmpfloat_with_epsilon (rec->leads[0].samples[0], -0.119, 1e-6);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/io/signal/format-212-by-hand", test_format_212_by_hand);
  g_test_add_func ("/engine/io/signal/other-formats-by-hand", test_other_formats_by_hand);
  g_test_add_func ("/engine/io/signal/format-errors", test_format_errors);
  g_test_add_func ("/engine/io/signal/checksum", test_checksum_signed_and_unsigned);
  g_test_add_func ("/engine/io/annotation/round-trip", test_annotation_round_trip);
  g_test_add_func ("/engine/io/annotation/symbols", test_annotation_symbols);
  g_test_add_func ("/engine/io/annotation/bad-input", test_annotation_bad_input);
  g_test_add_data_func ("/engine/io/record/round-trip-format-16", GINT_TO_POINTER (16),
                        test_record_save_load_round_trip);
  g_test_add_data_func ("/engine/io/record/round-trip-format-212", GINT_TO_POINTER (212),
                        test_record_save_load_round_trip);
  g_test_add_func ("/engine/io/record/broken-records", test_broken_records);
  g_test_add_func ("/engine/io/record/extreme-values", test_extreme_values);
  g_test_add_func ("/engine/io/record/missing-header", test_missing_header);
  g_test_add_func ("/engine/io/record/mitdb-100", test_mitdb_100);
  g_test_add_func ("/engine/io/record/mitdb-all-checksums", test_mitdb_all_checksums);
  g_test_add_func ("/engine/io/record/ptbxl-all-checksums", test_ptbxl_all_checksums);
  return g_test_run ();
}
