/* test-ptbxl.c — PTB-XL tables: scp_codes literals, CSV reading, superclass labels. */
#include <string.h>

#include "ecg-error.h"
#include "io/ecg-ptbxl.h"
#include "test-util.h"

/* ------------------------------------------------------------------------------------------ */
/* scp_codes                                                                                    */

static void
test_scp_codes_upstream (void)
{
  g_autoptr (GError) error = NULL;
  int n = -1;
  EcgPtbxlScpCode *codes = NULL;
  g_assert_true (
      ecg_ptbxl_parse_scp_codes ("{'NORM': 100.0, 'LVOLT': 0.0, 'SR': 0.0}", &codes, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpstr (codes[0].code, ==, "NORM");
  g_assert_cmpfloat (codes[0].likelihood, ==, 100.0);
  g_assert_cmpstr (codes[1].code, ==, "LVOLT");
  g_assert_cmpfloat (codes[1].likelihood, ==, 0.0);
  g_assert_cmpstr (codes[2].code, ==, "SR");
  g_assert_cmpfloat (codes[2].likelihood, ==, 0.0);
  ecg_ptbxl_scp_codes_free (codes, n);
}

static void
test_scp_codes_empty (void)
{
  const char *const empties[] = { "{}", "  { }  ", "{\t}", "{\n}" };
  for (gsize i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr (GError) error = NULL;
      int n = -1;
      EcgPtbxlScpCode *codes = NULL;
      g_assert_true (ecg_ptbxl_parse_scp_codes (empties[i], &codes, &n, &error));
      g_assert_no_error (error);
      g_assert_null (codes);
      g_assert_cmpint (n, ==, 0);
    }
}

static void
test_scp_codes_spaces (void)
{
  g_autoptr (GError) error = NULL;
  int n = -1;
  /* Spaces everywhere between tokens, an integer likelihood, a trailing comma (valid Python). */
  EcgPtbxlScpCode *codes = NULL;
  g_assert_true (ecg_ptbxl_parse_scp_codes ("  {  'IMI'  :  15 ,'NST_':0.0 ,\t'ASMI': 35.0,  }  ",
                                            &codes, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpstr (codes[0].code, ==, "IMI");
  g_assert_cmpfloat (codes[0].likelihood, ==, 15.0);
  g_assert_cmpstr (codes[1].code, ==, "NST_");
  g_assert_cmpfloat (codes[1].likelihood, ==, 0.0);
  g_assert_cmpstr (codes[2].code, ==, "ASMI");
  g_assert_cmpfloat (codes[2].likelihood, ==, 35.0);
  ecg_ptbxl_scp_codes_free (codes, n);
}

static void
test_scp_codes_double_quotes (void)
{
  g_autoptr (GError) error = NULL;
  int n = -1;
  EcgPtbxlScpCode *codes = NULL;
  g_assert_true (ecg_ptbxl_parse_scp_codes ("{\"NORM\": 80.0, 'SBRAD': 0.0, \"1AVB\": 50.0}",
                                            &codes, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpstr (codes[0].code, ==, "NORM");
  g_assert_cmpfloat (codes[0].likelihood, ==, 80.0);
  g_assert_cmpstr (codes[1].code, ==, "SBRAD");
  g_assert_cmpstr (codes[2].code, ==, "1AVB");
  g_assert_cmpfloat (codes[2].likelihood, ==, 50.0);
  ecg_ptbxl_scp_codes_free (codes, n);
}

static void
test_scp_codes_malformed (void)
{
  const char *const bad[] = {
    "",                          /* nothing */
    "NORM",                      /* no braces */
    "{'NORM': 100.0",            /* no closing brace */
    "{'NORM': 100.0,",           /* no closing brace after a comma */
    "{'NORM' 100.0}",            /* no colon */
    "{'NORM': }",                /* no number */
    "{'NORM': abc}",             /* not a number */
    "{'NORM': nan}",             /* not finite */
    "{'NORM': 1e400}",           /* not finite */
    "{'NORM': 1..0}",            /* not a number */
    "{'NORM': 101.0}",           /* likelihood above 100 */
    "{'NORM': -5.0}",            /* likelihood below 0 */
    "{NORM: 100.0}",             /* unquoted code */
    "{'NORM: 100.0}",            /* unterminated quote */
    "{'NORM\": 100.0}",          /* mismatched quotes */
    "{'': 100.0}",               /* empty code */
    "{'N\\'RM': 100.0}",         /* escape */
    "{'NORM': 100.0 'SR': 0.0}", /* missing comma */
    "{'NORM': 100.0,, 'SR': 0}", /* double comma */
    "{'SR': 0.0, 'SR': 0.0}",    /* repeated code */
    "{'NORM': 100.0} x",         /* trailing text */
    "{'NORM': 100.0}}",          /* trailing brace */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      int n = -1;
      EcgPtbxlScpCode *codes = (EcgPtbxlScpCode *)&n; /* must be reset to NULL */
      g_assert_false (ecg_ptbxl_parse_scp_codes (bad[i], &codes, &n, &error));
      g_test_message ("\"%s\" -> %s", bad[i], error != NULL ? error->message : "(accepted)");
      g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
      g_assert_null (codes);
      g_assert_cmpint (n, ==, 0);
    }

  /* The message points at the problem: ':' is missing at character 8. */
  g_autoptr (GError) error = NULL;
  int n = -1;
  EcgPtbxlScpCode *codes = NULL;
  g_assert_false (ecg_ptbxl_parse_scp_codes ("{'NORM' 100.0}", &codes, &n, &error));
  g_assert_nonnull (strstr (error->message, "expected ':' after code 'NORM' at position 9"));
}

static void
test_class_names (void)
{
  g_assert_cmpstr (ecg_ptbxl_class_name (ECG_PTBXL_CLASS_CD), ==, "CD");
  g_assert_cmpstr (ecg_ptbxl_class_name (ECG_PTBXL_CLASS_STTC), ==, "STTC");
  g_assert_null (ecg_ptbxl_class_name (ECG_PTBXL_N_CLASSES));
  g_assert_cmpint (ecg_ptbxl_class_from_name ("HYP"), ==, ECG_PTBXL_CLASS_HYP);
  g_assert_cmpint (ecg_ptbxl_class_from_name ("norm"), ==, -1);

  g_auto (GStrv) none = ecg_ptbxl_label_names (0);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_auto (GStrv) some = ecg_ptbxl_label_names (ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_STTC)
                                               | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_CD)
                                               | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_NORM));
  const char *const expected[] = { "CD", "NORM", "STTC", NULL };
  g_assert_true (g_strv_equal ((const char *const *)some, expected));
}

/* ------------------------------------------------------------------------------------------ */
/* Synthetic tables                                                                             */

/* First header cell empty as upstream; a quoted description with a comma; a rhythm code (SR,
 * AFIB) that is not diagnostic, so it gives no label. */
static const char statements_csv[]
    = ",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
      "NORM,normal ECG,1.0,,,NORM,NORM\n"
      "IMI,\"inferior myocardial infarction, any stage\",1.0,,,MI,IMI\n"
      "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\n"
      "NST_,non-specific ST changes,1.0,1.0,,STTC,NST_\n"
      "CLBBB,complete left bundle branch block,1.0,,,CD,CLBBB\n"
      "SR,sinus rhythm,,,1.0,,\n"
      "AFIB,\"atrial fibrillation\",,,1.0,,\n";

/* Columns in another order than upstream; a report with a comma, one spanning two lines with
 * an escaped quote, a blank line, and a scp_codes written with double quotes (doubled inside
 * the CSV quotes). Rows start on lines 2, 3, 5, 6 and 8. */
static const char database_csv[]
    = "ecg_id,report,scp_codes,patient_id,strat_fold,filename_lr,filename_hr\n"
      "1,\"sinus rhythm, normal ECG\",\"{'NORM': 100.0, 'SR': 0.0}\",15709.0,3,"
      "records100/00000/00001_lr,records500/00000/00001_hr\n"
      "2,\"first line\nsecond \"\"quoted\"\" line\",\"{'IMI': 50.0, 'LVH': 100.0, 'NST_': 0.0}\","
      "13243.0,10,records100/00000/00002_lr,records500/00000/00002_hr\n"
      "3,atrial fibrillation,{'AFIB': 100.0},20372.0,9,records100/00000/00003_lr,"
      "records500/00000/00003_hr\n"
      "4,,{},17014.0,1,records100/00000/00004_lr,records500/00000/00004_hr\n"
      "\n"
      "5,\"lbbb\",\"{\"\"CLBBB\"\": 100.0}\",17448.0,2,records100/00000/00005_lr,"
      "records500/00000/00005_hr\n";

static char *
replace_all (const char *text, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

static void
write_tables (const char *dir, const char *statements, const char *database)
{
  if (statements != NULL)
    g_free (ecg_test_write_file (dir, "scp_statements.csv", statements, -1));
  if (database != NULL)
    g_free (ecg_test_write_file (dir, "ptbxl_database.csv", database, -1));
}

static void
check_synthetic (const char *statements, const char *database)
{
  char *dir = ecg_test_tmpdir_new ();
  write_tables (dir, statements, database);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ecg_ptbxl_database_get_n_records (db), ==, 5);

  const int lines[] = { 2, 3, 5, 6, 8 };
  const int folds[] = { 3, 10, 9, 1, 2 };
  const int patients[] = { 15709, 13243, 20372, 17014, 17448 };
  const int n_codes[] = { 2, 3, 1, 0, 1 };
  const guint8 masks[] = {
    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_NORM),
    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_HYP) | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_MI)
        | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_STTC),
    0,
    0,
    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_CD),
  };
  for (int i = 0; i < 5; i++)
    {
      const EcgPtbxlRecord *record = ecg_ptbxl_database_get_record (db, i);
      g_assert_cmpint (record->ecg_id, ==, i + 1);
      g_assert_cmpint (record->line, ==, lines[i]);
      g_assert_cmpint (record->strat_fold, ==, folds[i]);
      g_assert_cmpint (record->patient_id, ==, patients[i]);
      g_assert_cmpint (record->n_scp_codes, ==, n_codes[i]);
      g_assert_cmpuint (record->label_mask, ==, masks[i]);
      g_autofree char *lr = g_strdup_printf ("records100/00000/%05d_lr", i + 1);
      g_autofree char *hr = g_strdup_printf ("records500/00000/%05d_hr", i + 1);
      g_assert_cmpstr (record->filename_lr, ==, lr);
      g_assert_cmpstr (record->filename_hr, ==, hr);
      g_assert_true (ecg_ptbxl_database_lookup (db, i + 1) == record);
      g_assert_true (ecg_ptbxl_database_lookup_filename (db, lr) == record);
      g_assert_true (ecg_ptbxl_database_lookup_filename (db, hr) == record);
    }
  g_assert_null (ecg_ptbxl_database_lookup (db, 6));
  g_assert_null (ecg_ptbxl_database_lookup_filename (db, "records100/00000/00006_lr"));
  g_assert_cmpstr (ecg_ptbxl_database_get_record (db, 4)->scp_codes[0].code, ==, "CLBBB");

  g_autofree char *path
      = ecg_ptbxl_database_record_path (db, ecg_ptbxl_database_get_record (db, 0));
  g_autofree char *expected_path = g_build_filename (dir, "records100/00000/00001_lr", NULL);
  g_assert_cmpstr (path, ==, expected_path);
  ecg_test_tmpdir_free (dir);
}

static void
test_csv_lf (void)
{
  check_synthetic (statements_csv, database_csv);
}

/* ecg_ptbxl_database_parse() reads the same tables from memory, without a NUL after them (the
 * fuzz target's way in); errors name the files under the folder given. */
static void
test_csv_from_memory (void)
{
  g_autoptr (GError) error = NULL;
  gsize n_statements = strlen (statements_csv), n_database = strlen (database_csv);
  g_autofree char *statements = g_memdup2 (statements_csv, n_statements);
  g_autofree char *database = g_memdup2 (database_csv, n_database);
  g_autoptr (EcgPtbxlDatabase) db
      = ecg_ptbxl_database_parse ("mem", statements, n_statements, database, n_database, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ecg_ptbxl_database_get_n_records (db), ==, 5);
  g_assert_cmpuint (ecg_ptbxl_database_lookup (db, 2)->label_mask, ==,
                    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_HYP)
                        | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_MI)
                        | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_STTC));
  g_assert_cmpstr (ecg_ptbxl_database_get_dir (db), ==, "mem");

  /* The database cut inside the quoted report of ecg_id 2 (line 3). */
  const char *cut = strstr (database_csv, "second");
  g_autoptr (EcgPtbxlDatabase) broken = ecg_ptbxl_database_parse (
      "mem", statements, n_statements, database, (gsize) (cut - database_csv), &error);
  g_assert_null (broken);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_autofree char *expected = g_build_filename ("mem", "ptbxl_database.csv line 3", NULL);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);
  g_autoptr (EcgPtbxlDatabase) empty = ecg_ptbxl_database_parse ("mem", NULL, 0, NULL, 0, &error);
  g_assert_null (empty);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "scp_statements.csv: no header row"));
}

static void
test_csv_crlf (void)
{
  g_autofree char *statements = replace_all (statements_csv, "\n", "\r\n");
  g_autofree char *database_crlf = replace_all (database_csv, "\n", "\r\n");
  /* Spreadsheet exports also start with a byte-order mark. */
  g_autofree char *database = g_strconcat ("\xef\xbb\xbf", database_crlf, NULL);
  check_synthetic (statements, database);
}

static void
test_csv_cr (void)
{
  g_autofree char *statements = replace_all (statements_csv, "\n", "\r");
  g_autofree char *database = replace_all (database_csv, "\n", "\r");
  check_synthetic (statements, database);
}

static void
test_csv_header_only (void)
{
  char *dir = ecg_test_tmpdir_new ();
  write_tables (dir, statements_csv,
                "ecg_id,patient_id,strat_fold,filename_lr,filename_hr,scp_codes\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ecg_ptbxl_database_get_n_records (db), ==, 0);
  ecg_test_tmpdir_free (dir);
}

/* Loads tables that must fail with `code` and a message holding every one of `fragments`. */
static void
check_load_error (const char *statements, const char *database, int code,
                  const char *const *fragments)
{
  char *dir = ecg_test_tmpdir_new ();
  write_tables (dir, statements, database);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_load (dir, &error);
  g_assert_null (db);
  g_assert_error (error, ECG_ERROR, code);
  g_test_message ("%s", error->message);
  for (int i = 0; fragments[i] != NULL; i++)
    if (strstr (error->message, fragments[i]) == NULL)
      g_error ("message \"%s\" lacks \"%s\"", error->message, fragments[i]);
  ecg_test_tmpdir_free (dir);
}

#define FRAGMENTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

#define HEADER "ecg_id,patient_id,strat_fold,filename_lr,filename_hr,scp_codes\n"
#define ROW1 "1,1.0,3,records100/00000/00001_lr,records500/00000/00001_hr,\"{'NORM': 100.0}\"\n"

static void
test_error_missing_files (void)
{
  check_load_error (statements_csv, NULL, ECG_ERROR_IO, FRAGMENTS ("ptbxl_database.csv"));
  check_load_error (NULL, database_csv, ECG_ERROR_IO, FRAGMENTS ("scp_statements.csv"));
}

static void
test_error_missing_column (void)
{
  check_load_error (statements_csv,
                    "ecg_id,patient_id,filename_lr,filename_hr,scp_codes\n"
                    "1,1.0,records100/00000/00001_lr,records500/00000/00001_hr,{}\n",
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("ptbxl_database.csv line 1", "no column 'strat_fold'"));
  check_load_error (",description,diagnostic_class\nNORM,normal,NORM\n", database_csv,
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("scp_statements.csv line 1", "no column 'diagnostic'"));
  check_load_error (statements_csv,
                    "ecg_id,ecg_id,patient_id,strat_fold,filename_lr,"
                    "filename_hr,scp_codes\n",
                    ECG_ERROR_FORMAT, FRAGMENTS ("line 1", "column 'ecg_id' appears twice"));
}

static void
test_error_bad_fold (void)
{
  const char *const folds[] = { "0", "11", "x", "", "3.5", "-1" };
  for (gsize i = 0; i < G_N_ELEMENTS (folds); i++)
    {
      g_autofree char *database = g_strdup_printf (
          HEADER ROW1 "2,2.0,%s,records100/00000/00002_lr,records500/00000/00002_hr,{}\n",
          folds[i]);
      g_autofree char *expected = g_strdup_printf ("strat_fold '%s'", folds[i]);
      check_load_error (statements_csv, database, ECG_ERROR_FORMAT,
                        FRAGMENTS ("ptbxl_database.csv line 3 (ecg_id 2)", expected));
    }
}

static void
test_error_broken_quoting (void)
{
  /* Text after a closing quote. */
  check_load_error (statements_csv,
                    HEADER ROW1
                    "2,2.0,4,\"records100/00000/00002_lr\"x,records500/00000/00002_hr,{}\n",
                    ECG_ERROR_FORMAT, FRAGMENTS ("ptbxl_database.csv line 3", "broken quoting"));
  /* A quote inside an unquoted field, after a multi-line quoted field (line 2-3). */
  check_load_error (
      statements_csv,
      "ecg_id,report,patient_id,strat_fold,filename_lr,filename_hr,scp_codes\n"
      "1,\"two\nlines\",1.0,3,records100/00000/00001_lr,records500/00000/00001_hr,{}\n"
      "2,a\"b,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,{}\n",
      ECG_ERROR_FORMAT, FRAGMENTS ("ptbxl_database.csv line 4", "broken quoting"));
  /* A quoted field never closed: the row starts on line 3. */
  check_load_error (statements_csv,
                    HEADER ROW1 "2,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,"
                                "\"{'NORM': 100.0}\n3,3.0,5,a,b,{}\n",
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("ptbxl_database.csv line 3", "quoted field is never closed"));
  /* An unquoted scp_codes holding commas splits into extra fields. */
  check_load_error (statements_csv,
                    HEADER ROW1 "2,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,"
                                "{'NORM': 100.0, 'SR': 0.0}\n",
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("ptbxl_database.csv line 3", "7 fields, the header has 6"));
}

static void
test_error_bad_rows (void)
{
  check_load_error (
      statements_csv,
      HEADER ROW1 "2,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,"
                  "\"{'NORM': 100.0 'SR': 0.0}\"\n",
      ECG_ERROR_FORMAT,
      FRAGMENTS ("ptbxl_database.csv line 3 (ecg_id 2): scp_codes", "expected ',' or '}'"));
  check_load_error (statements_csv,
                    HEADER ROW1 "2,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,"
                                "\"{'XYZ': 100.0}\"\n",
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("line 3 (ecg_id 2)", "code 'XYZ' is not in scp_statements.csv"));
  check_load_error (statements_csv,
                    HEADER ROW1 "1,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,{}\n",
                    ECG_ERROR_FORMAT, FRAGMENTS ("line 3", "ecg_id 1 already on line 2"));
  check_load_error (statements_csv,
                    HEADER ROW1 "0,2.0,4,records100/00000/00002_lr,records500/00000/00002_hr,{}\n",
                    ECG_ERROR_FORMAT, FRAGMENTS ("line 3", "ecg_id '0'"));
  check_load_error (statements_csv,
                    HEADER ROW1 "2,2.0,4,records100/00000/00001_lr,records500/00000/00002_hr,{}\n",
                    ECG_ERROR_FORMAT,
                    FRAGMENTS ("line 3 (ecg_id 2)", "'records100/00000/00001_lr'", "line 2"));
  check_load_error (statements_csv, "", ECG_ERROR_FORMAT, FRAGMENTS ("no header row"));
  check_load_error (statements_csv, HEADER "1,1.0,3,a,b,\"\xff\"\n", ECG_ERROR_FORMAT,
                    FRAGMENTS ("line 2", "not UTF-8"));
}

static void
test_error_bad_statements (void)
{
  check_load_error (",description,diagnostic,diagnostic_class\nNORM,normal,1.0,NORMAL\n",
                    database_csv, ECG_ERROR_FORMAT,
                    FRAGMENTS ("scp_statements.csv line 2", "'NORM'", "'NORMAL'"));
  check_load_error (",description,diagnostic,diagnostic_class\nNORM,normal,yes,NORM\n",
                    database_csv, ECG_ERROR_FORMAT,
                    FRAGMENTS ("scp_statements.csv line 2", "diagnostic 'yes'"));
  check_load_error (",description,diagnostic,diagnostic_class\nNORM,a,1.0,NORM\nNORM,b,,\n",
                    database_csv, ECG_ERROR_FORMAT,
                    FRAGMENTS ("scp_statements.csv line 3", "'NORM' is listed twice"));
}

/* A database of the full release's size: 21,799 rows with ecg_id i and fold 1 + (i-1) % 10
 * (so folds 1-9 hold 2,180 rows and fold 10 2,179), every 7th row without a label. */
static void
test_full_size (void)
{
  const int n_rows = 21799;
  GString *csv = g_string_new (HEADER);
  for (int i = 1; i <= n_rows; i++)
    g_string_append_printf (csv,
                            "%d,%d.0,%d,records100/%02d000/%05d_lr,records500/%02d000/%05d_hr,"
                            "\"%s\"\n",
                            i, 1000 + i / 2, 1 + (i - 1) % 10, i / 1000, i, i / 1000, i,
                            i % 7 == 0 ? "{'SR': 0.0}" : "{'NORM': 100.0, 'SR': 0.0}");
  char *dir = ecg_test_tmpdir_new ();
  write_tables (dir, statements_csv, csv->str);
  g_string_free (csv, TRUE);

  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_load (dir, &error);
  g_test_message ("%d rows loaded in %.1f ms", n_rows, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_no_error (error);
  g_assert_cmpuint (ecg_ptbxl_database_get_n_records (db), ==, n_rows);
  int fold_counts[11] = { 0 };
  int unlabelled = 0;
  for (gsize i = 0; i < ecg_ptbxl_database_get_n_records (db); i++)
    {
      const EcgPtbxlRecord *record = ecg_ptbxl_database_get_record (db, i);
      fold_counts[record->strat_fold]++;
      unlabelled += record->label_mask == 0;
    }
  for (int fold = 1; fold <= 9; fold++)
    g_assert_cmpint (fold_counts[fold], ==, 2180);
  g_assert_cmpint (fold_counts[10], ==, 2179);
  g_assert_cmpint (unlabelled, ==, n_rows / 7);
  const EcgPtbxlRecord *last = ecg_ptbxl_database_lookup (db, n_rows);
  g_assert_nonnull (last);
  g_assert_cmpstr (last->filename_lr, ==, "records100/21000/21799_lr");
  g_assert_true (ecg_ptbxl_database_lookup_filename (db, "records500/21000/21799_hr") == last);
  ecg_test_tmpdir_free (dir);
}

static void
test_labels_for_path_synthetic (void)
{
  char *dir = ecg_test_tmpdir_new ();
  g_autofree char *records = g_build_filename (dir, "records100", "00000", NULL);
  g_assert_cmpint (g_mkdir_with_parents (records, 0755), ==, 0);

  /* No database anywhere above: an empty list, no error. */
  g_autoptr (GError) error = NULL;
  g_autofree char *record2 = g_build_filename (records, "00002_lr", NULL);
  g_auto (GStrv) none = ecg_ptbxl_labels_for_record_path (record2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_null (ecg_ptbxl_find_root (record2));

  write_tables (dir, statements_csv, database_csv);
  g_autofree char *root = ecg_ptbxl_find_root (record2);
  g_assert_cmpstr (root, ==, dir);
  /* "." and ".." in the path, and an extension, are normalised away. */
  g_autofree char *roundabout
      = g_build_filename (records, "..", ".", "00000", "00002_lr.hea", NULL);
  g_auto (GStrv) labels = ecg_ptbxl_labels_for_record_path (roundabout, &error);
  g_assert_no_error (error);
  const char *const expected[] = { "HYP", "MI", "STTC", NULL };
  g_assert_true (g_strv_equal ((const char *const *)labels, expected));

  /* In the tree but not listed: an empty list. */
  g_autofree char *unlisted = g_build_filename (records, "00009_lr", NULL);
  g_auto (GStrv) unknown = ecg_ptbxl_labels_for_record_path (unlisted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (unknown), ==, 0);

  /* A broken database found above the record is an error. */
  write_tables (dir, NULL, HEADER "1,1.0,0,records100/00000/00002_lr,b,{}\n");
  g_auto (GStrv) broken = ecg_ptbxl_labels_for_record_path (record2, &error);
  g_assert_null (broken);
  g_assert_error (error, ECG_ERROR, ECG_ERROR_FORMAT);
  ecg_test_tmpdir_free (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* The staged 500-record subset                                                                 */

/* Expected figures were derived independently of this code with Python's csv module and
 * ast.literal_eval (the PTB-XL authors' own example code path):
 *
 *   st = {r[0]: (r[2], r[5]) for r in list(csv.reader(open('scp_statements.csv')))[1:]}
 *   for row in csv.DictReader(open('ptbxl_database.csv')):
 *       d = ast.literal_eval(row['scp_codes'])
 *       labels = {st[k][1] for k in d if st[k][0] == '1.0'}
 *
 * giving CD 78, HYP 40, MI 73, NORM 297, STTC 96 and 12 records without a label (ecg_id 17, 18,
 * 20, 23, 34, 449: atrial flutter; 143, 144, 190, 382, 385, 498: pacemaker). The fold counts are
 * those of data/README.md. Counting only codes with likelihood > 0 would change 3 records
 * (263, 351, 482); 351 is asserted below. */
static void
test_real_subset (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPtbxlDatabase) db = ecg_ptbxl_database_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ecg_ptbxl_database_get_n_records (db), ==, 500);

  const int expected_folds[11] = { 0, 58, 51, 34, 42, 47, 33, 44, 44, 81, 66 };
  const int expected_classes[ECG_PTBXL_N_CLASSES] = { 78, 40, 73, 297, 96 };
  const int expected_unlabelled[] = { 17, 18, 20, 23, 34, 143, 144, 190, 382, 385, 449, 498 };
  int folds[11] = { 0 };
  int classes[ECG_PTBXL_N_CLASSES] = { 0 };
  GArray *unlabelled = g_array_new (FALSE, FALSE, sizeof (int));
  for (gsize i = 0; i < ecg_ptbxl_database_get_n_records (db); i++)
    {
      const EcgPtbxlRecord *record = ecg_ptbxl_database_get_record (db, i);
      g_assert_cmpint (record->ecg_id, ==, (int)i + 1);
      folds[record->strat_fold]++;
      for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
        classes[c] += (record->label_mask & ECG_PTBXL_CLASS_BIT (c)) != 0;
      if (record->label_mask == 0)
        g_array_append_val (unlabelled, record->ecg_id);
      /* Every row's 100 Hz record is staged (data/README.md). */
      g_autofree char *path = ecg_ptbxl_database_record_path (db, record);
      g_autofree char *header = g_strconcat (path, ".hea", NULL);
      g_assert_true (g_file_test (header, G_FILE_TEST_IS_REGULAR));
    }
  for (int fold = 1; fold <= 10; fold++)
    g_assert_cmpint (folds[fold], ==, expected_folds[fold]);
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    g_assert_cmpint (classes[c], ==, expected_classes[c]);
  g_assert_cmpmem (unlabelled->data, unlabelled->len * sizeof (int), expected_unlabelled,
                   sizeof expected_unlabelled);
  g_array_unref (unlabelled);

  const EcgPtbxlRecord *first = ecg_ptbxl_database_lookup (db, 1);
  g_assert_cmpstr (first->filename_lr, ==, "records100/00000/00001_lr");
  g_assert_cmpstr (first->filename_hr, ==, "records500/00000/00001_hr");
  g_assert_cmpint (first->patient_id, ==, 15709);
  g_assert_cmpint (first->strat_fold, ==, 3);
  g_assert_cmpint (first->n_scp_codes, ==, 3);
  g_assert_cmpuint (first->label_mask, ==, ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_NORM));

  /* {'AFIB': 100.0, 'NST_': 0.0}: labelled STTC although NST_ has likelihood 0. */
  g_assert_cmpuint (ecg_ptbxl_database_lookup (db, 351)->label_mask, ==,
                    ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_STTC));
  /* {'ASMI': 50.0, 'LAFB': 100.0, 'LVH': 50.0, 'ISC_': 100.0, 'SR': 0.0} */
  g_assert_cmpuint (
      ecg_ptbxl_database_lookup (db, 162)->label_mask, ==,
      ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_CD) | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_HYP)
          | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_MI) | ECG_PTBXL_CLASS_BIT (ECG_PTBXL_CLASS_STTC));
}

static void
test_real_labels_for_path (void)
{
  g_autofree char *dir = ecg_test_data_dir ("ptbxl");
  if (dir == NULL)
    return;
  struct
  {
    const char *record;
    const char *const labels[5];
  } cases[] = {
    { "records100/00000/00001_lr", { "NORM", NULL } },
    { "records100/00000/00001_lr.hea", { "NORM", NULL } },
    { "records100/00000/00162_lr", { "CD", "HYP", "MI", "STTC", NULL } },
    { "records100/00000/00017_lr", { NULL } },
    { "records500/00000/00002_hr", { "NORM", NULL } }, /* listed, though not staged */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_build_filename (dir, cases[i].record, NULL);
      g_auto (GStrv) labels = ecg_ptbxl_labels_for_record_path (path, &error);
      g_assert_no_error (error);
      g_assert_true (g_strv_equal ((const char *const *)labels, cases[i].labels));
    }
  g_autofree char *record = g_build_filename (dir, "records100/00000/00001_lr", NULL);
  g_autofree char *root = ecg_ptbxl_find_root (record);
  g_autofree char *expected_root = g_canonicalize_filename (dir, NULL);
  g_assert_cmpstr (root, ==, expected_root);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/io/ptbxl/scp-codes/upstream", test_scp_codes_upstream);
  g_test_add_func ("/engine/io/ptbxl/scp-codes/empty", test_scp_codes_empty);
  g_test_add_func ("/engine/io/ptbxl/scp-codes/spaces", test_scp_codes_spaces);
  g_test_add_func ("/engine/io/ptbxl/scp-codes/double-quotes", test_scp_codes_double_quotes);
  g_test_add_func ("/engine/io/ptbxl/scp-codes/malformed", test_scp_codes_malformed);
  g_test_add_func ("/engine/io/ptbxl/classes/names", test_class_names);
  g_test_add_func ("/engine/io/ptbxl/csv/lf", test_csv_lf);
  g_test_add_func ("/engine/io/ptbxl/csv/from-memory", test_csv_from_memory);
  g_test_add_func ("/engine/io/ptbxl/csv/crlf-bom", test_csv_crlf);
  g_test_add_func ("/engine/io/ptbxl/csv/cr", test_csv_cr);
  g_test_add_func ("/engine/io/ptbxl/csv/header-only", test_csv_header_only);
  g_test_add_func ("/engine/io/ptbxl/csv/full-size", test_full_size);
  g_test_add_func ("/engine/io/ptbxl/error/missing-files", test_error_missing_files);
  g_test_add_func ("/engine/io/ptbxl/error/missing-column", test_error_missing_column);
  g_test_add_func ("/engine/io/ptbxl/error/bad-fold", test_error_bad_fold);
  g_test_add_func ("/engine/io/ptbxl/error/broken-quoting", test_error_broken_quoting);
  g_test_add_func ("/engine/io/ptbxl/error/bad-rows", test_error_bad_rows);
  g_test_add_func ("/engine/io/ptbxl/error/bad-statements", test_error_bad_statements);
  g_test_add_func ("/engine/io/ptbxl/labels-for-path/synthetic", test_labels_for_path_synthetic);
  g_test_add_func ("/engine/io/ptbxl/real/subset", test_real_subset);
  g_test_add_func ("/engine/io/ptbxl/real/labels-for-path", test_real_labels_for_path);
  return g_test_run ();
}
