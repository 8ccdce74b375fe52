/* fuzz-ptbxl-csv.c — the PTB-XL tables (libcsv) and the scp_codes dict parser.
 *
 * Input: scp_statements.csv, a NUL byte, then ptbxl_database.csv. Without a NUL the whole input
 * is the database and a fixed statements table (the five superclasses and a non-diagnostic
 * rhythm code) goes with it. The text before the first NUL is also given to
 * ecg_ptbxl_parse_scp_codes() on its own.
 *
 * Checks besides the sanitizers: errors and results are exclusive; every accepted code is
 * non-empty with a likelihood in 0..100; every record of an accepted database is found again by
 * its ecg_id and its filename_lr, and its fold lies in 1..10.
 */
#include <string.h>

#include "ecg-error.h"
#include "fuzz-common.h"
#include "io/ecg-ptbxl.h"

static const char statements_csv[]
  = ",description,diagnostic,diagnostic_class\n"
    "NORM,normal ECG,1.0,NORM\n"
    "IMI,inferior myocardial infarction,1.0,MI\n"
    "LVH,left ventricular hypertrophy,1.0,HYP\n"
    "NDT,non-diagnostic T abnormalities,1.0,STTC\n"
    "CLBBB,complete left bundle branch block,1.0,CD\n"
    "SR,sinus rhythm,,\n";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ecg_fuzz_init ();
  return 0;
}

static void
scp_codes (const char *text)
{
  EcgPtbxlScpCode *codes = NULL;
  int n_codes = 0;
  g_autoptr (GError) error = NULL;
  gboolean ok = ecg_ptbxl_parse_scp_codes (text, &codes, &n_codes, &error);
  g_assert_true (ok == (error == NULL));
  g_assert_true (ok || (codes == NULL && n_codes == 0));
  for (int i = 0; i < n_codes; i++)
    {
      g_assert_cmpuint (strlen (codes[i].code), >, 0);
      g_assert_true (codes[i].likelihood >= 0 && codes[i].likelihood <= 100);
    }
  ecg_ptbxl_scp_codes_free (codes, n_codes);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *rest = NULL;
  size_t rest_size = 0;
  g_autofree char *first = ecg_fuzz_split (data, size, &rest, &rest_size);
  scp_codes (first);

  const char *statements = rest != NULL ? first : statements_csv;
  gsize statements_length = rest != NULL ? strlen (first) : strlen (statements_csv);
  const char *database = rest != NULL ? (const char *) rest : (const char *) data;
  gsize database_length = rest != NULL ? rest_size : size;

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_parse (
    "fuzzdb", statements, statements_length, database, database_length, &error);
  if (db == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, ".csv"));
      return 0;
    }
  g_assert_null (error);
  gsize n = ecg_ptbxl_database_get_n_records (db);
  for (gsize i = 0; i < n; i++)
    {
      const EcgPtbxlRecord *r = ecg_ptbxl_database_get_record (db, i);
      g_assert_true (ecg_ptbxl_database_lookup (db, r->ecg_id) == r);
      g_assert_true (ecg_ptbxl_database_lookup_filename (db, r->filename_lr) == r);
      g_assert_cmpint (r->strat_fold, >=, 1);
      g_assert_cmpint (r->strat_fold, <=, 10);
      g_auto (GStrv) labels = ecg_ptbxl_label_names (r->label_mask);
      g_autofree char *path = ecg_ptbxl_database_record_path (db, r);
      g_assert_nonnull (labels);
      g_assert_true (g_str_has_prefix (path, "fuzzdb"));
    }
  return 0;
}
