/* test-sha256-sums.c — SHA256SUMS.txt parsing, path safety and file hashing. */
#include <string.h>

#include "ecg-error.h"
#include "fetch/ecg-sha256-sums.h"
#include "test-util.h"

/* FIPS 180-2 test vectors (Appendix B.1 and B.3) and the digest of no bytes. */
#define DIGEST_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define DIGEST_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define DIGEST_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* PhysioNet's form (one space), sha256sum's text ("  ") and binary (" *") forms, CRLF line
 * ends, a blank line, upper-case digits, subfolders and a name with a space. */
static void
test_parse_forms (void)
{
  const char *text = DIGEST_ABC " 100.hea\n"
                     DIGEST_EMPTY "  records100/00000/00001_lr.dat\r\n"
                     "\n"
                     "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
                     " *x_mitdb/x 108.hea";
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgSha256Sums) sums = ecg_sha256_sums_parse (text, -1, "SHA256SUMS.txt", &error);
  g_assert_no_error (error);
  g_assert_nonnull (sums);
  g_assert_cmpuint (sums->n_items, ==, 3);
  g_assert_cmpstr (sums->items[0].path, ==, "100.hea");
  g_assert_cmpstr (sums->items[0].digest, ==, DIGEST_ABC);
  g_assert_cmpstr (sums->items[1].path, ==, "records100/00000/00001_lr.dat");
  g_assert_cmpstr (sums->items[1].digest, ==, DIGEST_EMPTY);
  g_assert_cmpstr (sums->items[2].path, ==, "x_mitdb/x 108.hea");
  g_assert_cmpstr (sums->items[2].digest, ==, DIGEST_EMPTY);
}

static void
test_parse_empty (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgSha256Sums) sums = ecg_sha256_sums_parse ("\n\r\n", -1, "SHA256SUMS.txt",
                                                          &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sums->n_items, ==, 0);
}

static void
assert_refused (const char *text, const char *expected_fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgSha256Sums) sums = ecg_sha256_sums_parse (text, -1, "SHA256SUMS.txt", &error);
  g_assert_null (sums);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  if (strstr (error->message, expected_fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, expected_fragment);
}

/* Paths that would leave the folder are refused with the line that lists them. */
static void
test_parse_refuses_escaping_paths (void)
{
  const char *const bad[] = { "../evil", "/etc/passwd", "a/../../b", "a//b", "a/./b", "a\\b",
                              "a/", "..", "." };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf (DIGEST_ABC " ok.hea\n" DIGEST_ABC " %s\n", bad[i]);
      g_autofree char *fragment = g_strdup_printf ("line 2: the path “%s” leaves the folder",
                                                   bad[i]);
      assert_refused (text, fragment);
    }
  g_assert_true (ecg_sha256_path_is_safe ("100.dat"));
  g_assert_true (ecg_sha256_path_is_safe ("records100/00000/00001_lr.dat"));
  g_assert_true (ecg_sha256_path_is_safe ("..hidden/a...b"));
  g_assert_false (ecg_sha256_path_is_safe (""));
}

static void
test_parse_refuses_malformed (void)
{
  /* 63 digits. */
  assert_refused ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a 100.hea\n",
                  "line 1: the SHA-256 is not 64 hexadecimal digits");
  /* A non-hex digit. */
  assert_refused ("\n\nga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 100.hea",
                  "line 3: the SHA-256 is not 64 hexadecimal digits");
  /* No file name. */
  assert_refused (DIGEST_ABC "\n", "line 1: expected a 64-digit SHA-256 and a file name");
  assert_refused (DIGEST_ABC " a\n" DIGEST_EMPTY " a\n", "line 2: “a” is listed twice");
  assert_refused (DIGEST_ABC " a\xff\n", "line 1: the file name is not valid UTF-8");
}

static void
test_hash_files (void)
{
  g_autofree char *dir = ecg_test_tmpdir_new ();
  g_autofree char *abc = ecg_test_write_file (dir, "abc", "abc", 3);
  g_autofree char *empty = ecg_test_write_file (dir, "empty", "", 0);
  /* A million 'a's: four reads of the 256 KiB buffer, the last one partial. */
  g_autofree char *million = g_malloc (1000000);
  memset (million, 'a', 1000000);
  g_autofree char *million_path = ecg_test_write_file (dir, "million", million, 1000000);

  g_autoptr (GError) error = NULL;
  g_autofree char *digest_abc = ecg_sha256_file (abc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest_abc, ==, DIGEST_ABC);
  g_autofree char *digest_empty = ecg_sha256_file (empty, NULL, &error);
  g_assert_cmpstr (digest_empty, ==, DIGEST_EMPTY);
  g_autofree char *digest_million = ecg_sha256_file (million_path, NULL, &error);
  g_assert_cmpstr (digest_million, ==, DIGEST_MILLION_A);

  /* Bytes counted; an update continues an earlier one ("ab" + "c" = "abc"). */
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) "ab", 2);
  g_autofree char *c = ecg_test_write_file (dir, "c", "c", 1);
  g_assert_cmpint (ecg_sha256_update_from_file (checksum, c, NULL, &error), ==, 1);
  g_assert_cmpstr (g_checksum_get_string (checksum), ==, DIGEST_ABC);

  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *none = ecg_sha256_file (missing, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autofree char *cancelled = ecg_sha256_file (million_path, cancellable, &error);
  g_assert_null (cancelled);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_CANCELLED);

  ecg_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/fetch/sums/parse-forms", test_parse_forms);
  g_test_add_func ("/engine/fetch/sums/parse-empty", test_parse_empty);
  g_test_add_func ("/engine/fetch/sums/refuses-escaping-paths", test_parse_refuses_escaping_paths);
  g_test_add_func ("/engine/fetch/sums/refuses-malformed", test_parse_refuses_malformed);
  g_test_add_func ("/engine/fetch/sums/hash-files", test_hash_files);
  return g_test_run ();
}
