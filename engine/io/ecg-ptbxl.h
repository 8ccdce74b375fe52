/* ecg-ptbxl.h — the PTB-XL metadata: records, folds and superdiagnostic labels.
 *
 * PTB-XL ships two tables beside its WFDB records:
 *   ptbxl_database.csv  one row per ECG: ecg_id, patient_id, strat_fold (1..10), filename_lr
 *                       ("records100/00000/00001_lr", relative, no extension), filename_hr and
 *                       scp_codes, a Python dict literal "{'NORM': 100.0, 'SR': 0.0}" mapping
 *                       SCP-ECG statement codes to a likelihood in percent;
 *   scp_statements.csv  one row per statement code (first column, unnamed in the header) with
 *                       `diagnostic` (1.0 or empty) and `diagnostic_class`.
 * Both are parsed with libcsv; columns are found by their header name, not by position.
 *
 * Superdiagnostic labels (DESIGN.md §4): for every code in a record's scp_codes whose statement
 * has diagnostic = 1, take its diagnostic_class; the record's labels are the multi-hot set over
 * the fixed order [CD, HYP, MI, NORM, STTC]. As in PTB-XL's own example code
 * (`aggregate_diagnostic`), every listed code counts whatever its likelihood, 0.0 included —
 * e.g. ecg_id 351 "{'AFIB': 100.0, 'NST_': 0.0}" is labelled STTC. A record with no label has
 * label_mask 0; callers drop it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The superdiagnostic classes, in the fixed multi-hot order (also alphabetical). */
typedef enum
{
  ECG_PTBXL_CLASS_CD,   /* conduction disturbance */
  ECG_PTBXL_CLASS_HYP,  /* hypertrophy */
  ECG_PTBXL_CLASS_MI,   /* myocardial infarction */
  ECG_PTBXL_CLASS_NORM, /* normal ECG */
  ECG_PTBXL_CLASS_STTC, /* ST/T change */
  ECG_PTBXL_N_CLASSES
} EcgPtbxlClass;

/* Bit of class `klass` in a label mask. */
#define ECG_PTBXL_CLASS_BIT(klass) ((guint8)(1u << (klass)))

/* One entry of a record's scp_codes. */
typedef struct
{
  char *code;        /* e.g. "NORM" */
  double likelihood; /* 0..100 as written; not used for the labels (see above) */
} EcgPtbxlScpCode;

/* One row of ptbxl_database.csv. */
typedef struct
{
  int ecg_id;
  int patient_id;             /* written as a float ("15709.0") upstream; must be whole */
  int strat_fold;             /* 1..10: 1-8 train, 9 validation, 10 test */
  char *filename_lr;          /* 100 Hz record, relative to the database folder, no extension */
  char *filename_hr;          /* 500 Hz record, same convention */
  EcgPtbxlScpCode *scp_codes; /* in the order written */
  int n_scp_codes;
  guint8 label_mask; /* ECG_PTBXL_CLASS_BIT of each superclass; 0 = no label */
  int line;          /* line of the row in ptbxl_database.csv (1 = header) */
} EcgPtbxlRecord;

typedef struct _EcgPtbxlDatabase EcgPtbxlDatabase;

/* "CD", "HYP", "MI", "NORM", "STTC"; NULL for a value out of range. Static string. */
const char *ecg_ptbxl_class_name (EcgPtbxlClass klass);

/* The class named `name` (exact, case-sensitive), or -1. */
int ecg_ptbxl_class_from_name (const char *name);

/* The names of the classes set in `label_mask`, in class order (which is sorted order), as a
 * NULL-terminated array; empty (just NULL) for 0. Returns owned memory: g_strfreev(). */
char **ecg_ptbxl_label_names (guint8 label_mask);

/* Parses a scp_codes cell: a Python dict literal of quoted codes (' or ") and numbers,
 * "{'NORM': 100.0, 'SR': 0.0}", "{}" (empty), spaces anywhere between tokens, a trailing comma
 * allowed. A code must be non-empty and appear once; a likelihood must be a finite number in
 * 0..100. Escapes inside quotes are refused (no PTB-XL code needs one). On success stores an
 * owned array of *n_codes entries in *codes (NULL with *n_codes = 0 for "{}"), to free with
 * ecg_ptbxl_scp_codes_free(). On failure returns FALSE with ECG_ERROR_FORMAT naming the
 * position (1-based) and the problem, *codes = NULL and *n_codes = 0. */
gboolean ecg_ptbxl_parse_scp_codes (const char *text, EcgPtbxlScpCode **codes, int *n_codes,
                                    GError **error);

void ecg_ptbxl_scp_codes_free (EcgPtbxlScpCode *codes, int n_codes);

/* Reads `dir`/ptbxl_database.csv and `dir`/scp_statements.csv and derives every record's labels.
 * Errors (ECG_ERROR_IO for a missing or unreadable file, ECG_ERROR_FORMAT otherwise) name the
 * file and line: a required column missing, a row with the wrong number of fields, broken
 * quoting, an ecg_id that is not a positive whole number or is repeated, a fold outside 1..10,
 * a malformed scp_codes, a code absent from scp_statements.csv (the two files do not belong
 * together), a diagnostic statement whose class is not one of the five. Time and memory are
 * linear in the number of rows. Returns an owned database. */
EcgPtbxlDatabase *ecg_ptbxl_database_load (const char *dir, GError **error);

/* ecg_ptbxl_database_load() from the two tables already in memory (`statements_csv` and
 * `database_csv`, lengths in bytes, not necessarily NUL-terminated; a fuzzer input, a test).
 * `dir` is recorded as the database's folder and names the files in messages. The texts are
 * not kept. Returns an owned database. */
EcgPtbxlDatabase *ecg_ptbxl_database_parse (const char *dir, const char *statements_csv,
                                            gsize statements_length, const char *database_csv,
                                            gsize database_length, GError **error);

void ecg_ptbxl_database_free (EcgPtbxlDatabase *database);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgPtbxlDatabase, ecg_ptbxl_database_free)

/* The folder the database was loaded from, as given. Owned by the database. */
const char *ecg_ptbxl_database_get_dir (const EcgPtbxlDatabase *database);

/* Number of rows, in file order. */
gsize ecg_ptbxl_database_get_n_records (const EcgPtbxlDatabase *database);

/* Row `index` (< n_records), in file order. Owned by the database. */
const EcgPtbxlRecord *ecg_ptbxl_database_get_record (const EcgPtbxlDatabase *database, gsize index);

/* The row with this ecg_id, or NULL. Owned by the database. */
const EcgPtbxlRecord *ecg_ptbxl_database_lookup (const EcgPtbxlDatabase *database, int ecg_id);

/* The row whose filename_lr or filename_hr equals `relative_path` (e.g.
 * "records100/00000/00001_lr"), or NULL. Owned by the database. */
const EcgPtbxlRecord *ecg_ptbxl_database_lookup_filename (const EcgPtbxlDatabase *database,
                                                          const char *relative_path);

/* The full path (database folder joined with filename_lr, no extension) of `record`, ready for
 * ecg_record_load(). Returns owned memory: g_free(). */
char *ecg_ptbxl_database_record_path (const EcgPtbxlDatabase *database,
                                      const EcgPtbxlRecord *record);

/* The PTB-XL root of a record: the nearest folder above `record_path` (relative paths are taken
 * from the current folder) that holds ptbxl_database.csv, or NULL when there is none. Returns
 * owned memory: g_free(). */
char *ecg_ptbxl_find_root (const char *record_path);

/* The sorted superclass names of the record at `record_path` (".../records100/00000/00001_lr";
 * a trailing ".hea" or ".dat" is ignored), for `ecgwb info`. An empty array (not an error) when
 * no ptbxl_database.csv is found above the record, or when the database found does not list the
 * record; an error when the database found cannot be loaded. Returns an owned NULL-terminated
 * array: g_strfreev(). */
char **ecg_ptbxl_labels_for_record_path (const char *record_path, GError **error);

G_END_DECLS
