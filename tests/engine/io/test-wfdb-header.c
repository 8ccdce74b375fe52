/* Tests of the WFDB header parser and writer. */
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-wfdb-header.h"

static void
test_mitbih_crlf (void)
{
  const char *text = "100 2 360 650000\r\n"
                     "100.dat 212 200 11 1024 995 -22131 0 MLII\r\n"
                     "100.dat 212 200 11 1024 1011 20052 0 V5\r\n"
                     "# 69 M 1085 1629 x1\r\n"
                     "# Aldomet, Inderal\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse (text, -1, "100.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (h->record_name, ==, "100");
  g_assert_cmpint (h->n_signals, ==, 2);
  g_assert_cmpfloat (h->fs, ==, 360.0);
  g_assert_cmpint (h->n_samples, ==, 650000);
  g_assert_cmpstr (h->signals[0].file_name, ==, "100.dat");
  g_assert_cmpint (h->signals[0].format, ==, 212);
  g_assert_cmpfloat (h->signals[0].gain, ==, 200.0);
  g_assert_cmpint (h->signals[0].adc_resolution, ==, 11);
  g_assert_cmpint (h->signals[0].adc_zero, ==, 1024);
  /* No "(baseline)": the baseline is the ADC zero. */
  g_assert_cmpint (h->signals[0].baseline, ==, 1024);
  g_assert_cmpint (h->signals[0].initial_value, ==, 995);
  g_assert_cmpint (h->signals[0].checksum, ==, -22131);
  g_assert_true (h->signals[0].has_checksum);
  g_assert_cmpstr (h->signals[0].units, ==, "mV");
  g_assert_cmpstr (h->signals[0].description, ==, "MLII");
  g_assert_cmpstr (h->signals[1].description, ==, "V5");
  g_assert_cmpuint (h->comments->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (h->comments, 0), ==, " 69 M 1085 1629 x1");
}

static void
test_ptbxl_baseline_units (void)
{
  const char *text = "00001_lr 12 100 1000\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -119 1508 0 I\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -55 723 0 II\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 64 64758 0 III\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 87 64289 0 AVR\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -92 1141 0 AVL\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 5 64294 0 AVF\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -100 65296 0 V1\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -90 63866 0 V2\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -81 63952 0 V3\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -76 64150 0 V4\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -60 64362 0 V5\n"
                     "00001_lr.dat 16 1000.0(0)/mV 16 0 -49 64630 0 V6\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse (text, -1, "00001_lr.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpint (h->n_signals, ==, 12);
  g_assert_cmpfloat (h->signals[0].gain, ==, 1000.0);
  g_assert_cmpint (h->signals[0].baseline, ==, 0);
  g_assert_cmpint (h->signals[2].checksum, ==, 64758);
  g_assert_cmpstr (h->signals[11].description, ==, "V6");
}

static void
test_defaults_and_format_suffixes (void)
{
  const char *text = "rec 2\nrec.dat 16x1+512\nrec.dat 16x1+512 0 0 0 0 0 0 lead with spaces\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse (text, -1, "rec.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (h->fs, ==, 250.0);
  g_assert_cmpint (h->n_samples, ==, -1);
  g_assert_cmpfloat (h->signals[0].gain, ==, 200.0);
  g_assert_false (h->signals[1].gain_given);
  g_assert_cmpint (h->signals[0].byte_offset, ==, 512);
  g_assert_false (h->signals[0].has_checksum);
  g_assert_cmpstr (h->signals[1].description, ==, "lead with spaces");
}

static void
test_fs_counter (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) h
    = ecg_wfdb_header_parse ("r 1 128/1000(5) 10\nr.dat 16\n", -1, "r.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (h->fs, ==, 128.0);
  g_assert_cmpfloat (h->counter_frequency, ==, 1000.0);
  g_assert_cmpfloat (h->base_counter, ==, 5.0);
}

typedef struct
{
  const char *text;
  int code;
  const char *fragment; /* must appear in the message */
} BadHeader;

static void
test_bad_headers (void)
{
  static const BadHeader cases[] = {
    { "", ECG_ERROR_FORMAT, "no record line" },
    { "r\n", ECG_ERROR_FORMAT, "signal count" },
    { "r 0 360\n", ECG_ERROR_FORMAT, "signal count 0 is out of range" },
    { "r 1000000000 360\n", ECG_ERROR_FORMAT, "out of range" },
    { "r -2 360\n", ECG_ERROR_FORMAT, "out of range" },
    { "r 1 0\nr.dat 16\n", ECG_ERROR_FORMAT, "must be positive" },
    { "r 1 nan\nr.dat 16\n", ECG_ERROR_FORMAT, "is not a number" },
    { "r 1 abc\nr.dat 16\n", ECG_ERROR_FORMAT, "is not a number" },
    { "r 1 360 -5\nr.dat 16\n", ECG_ERROR_FORMAT, "number of samples" },
    { "r/3 1 360\nr.dat 16\n", ECG_ERROR_UNSUPPORTED, "multi-segment" },
    { "r 2 360 10\nr.dat 16\n", ECG_ERROR_FORMAT, "2 signals but 1" },
    { "r 1 360\n../secret.dat 16\n", ECG_ERROR_FORMAT, "leaves the record's folder" },
    { "r 1 360\n/etc/passwd 16\n", ECG_ERROR_FORMAT, "leaves the record's folder" },
    { "r 1 360\nsub/../../x.dat 16\n", ECG_ERROR_FORMAT, "leaves the record's folder" },
    { "r 1 360\nr.dat abc\n", ECG_ERROR_FORMAT, "format 'abc'" },
    { "r 1 360\nr.dat 16 abc\n", ECG_ERROR_FORMAT, "line 2: gain 'abc' is not a number" },
    { "r 1 360\nr.dat 16 200(x)/mV\n", ECG_ERROR_FORMAT, "baseline" },
    { "r 1 360\nr.dat 16 200 99\n", ECG_ERROR_FORMAT, "ADC resolution" },
    { "r 1 360\nr.dat 16 200 12 0 0 99999\n", ECG_ERROR_FORMAT, "checksum" },
    { "r 1 360\n~ 16\n", ECG_ERROR_UNSUPPORTED, "null signals" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse (cases[i].text, -1, "bad.hea", &error);
      g_assert_null (h);
      g_assert_error (error, ECG_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "bad.hea"));
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": '%s' lacks '%s'", i, error->message,
                 cases[i].fragment);
    }
}

static void
test_nul_bytes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) h = ecg_wfdb_header_parse ("r 1 360\0xx", 10, "bin.hea", &error);
  g_assert_null (h);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
}

static void
test_write_read_round_trip (void)
{
  const char *text = "100 2 360 650000\r\n"
                     "100.dat 212 200 11 1024 995 -22131 0 MLII\r\n"
                     "100.dat 212 200(1000)/uV 11 1024 1011 20052 0 V5\r\n"
                     "# 69 M 1085 1629 x1\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgWfdbHeader) a = ecg_wfdb_header_parse (text, -1, "100.hea", &error);
  g_assert_no_error (error);
  g_autofree char *written = ecg_wfdb_header_to_string (a);
  g_autoptr (EcgWfdbHeader) b = ecg_wfdb_header_parse (written, -1, "written.hea", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->record_name, ==, a->record_name);
  g_assert_cmpint (b->n_samples, ==, a->n_samples);
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpstr (b->signals[i].file_name, ==, a->signals[i].file_name);
      g_assert_cmpint (b->signals[i].format, ==, a->signals[i].format);
      g_assert_cmpfloat (b->signals[i].gain, ==, a->signals[i].gain);
      g_assert_cmpint (b->signals[i].baseline, ==, a->signals[i].baseline);
      g_assert_cmpstr (b->signals[i].units, ==, a->signals[i].units);
      g_assert_cmpint (b->signals[i].checksum, ==, a->signals[i].checksum);
      g_assert_cmpstr (b->signals[i].description, ==, a->signals[i].description);
    }
  g_assert_cmpint (b->signals[1].baseline, ==, 1000);
  g_assert_cmpstr (g_ptr_array_index (b->comments, 0), ==, " 69 M 1085 1629 x1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/io/wfdb-header/mitbih-crlf", test_mitbih_crlf);
  g_test_add_func ("/engine/io/wfdb-header/ptbxl-baseline-units", test_ptbxl_baseline_units);
  g_test_add_func ("/engine/io/wfdb-header/defaults-and-format-suffixes",
                   test_defaults_and_format_suffixes);
  g_test_add_func ("/engine/io/wfdb-header/fs-counter", test_fs_counter);
  g_test_add_func ("/engine/io/wfdb-header/bad-headers", test_bad_headers);
  g_test_add_func ("/engine/io/wfdb-header/nul-bytes", test_nul_bytes);
  g_test_add_func ("/engine/io/wfdb-header/write-read-round-trip", test_write_read_round_trip);
  return g_test_run ();
}
