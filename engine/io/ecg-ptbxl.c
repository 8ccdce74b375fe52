/* ecg-ptbxl.c — PTB-XL tables (ptbxl_database.csv, scp_statements.csv) and superclass labels.
 *
 * CSV reading: the whole file is read into memory and fed to libcsv (strict mode, so a quote
 * inside an unquoted field, text after a closing quote and a quoted field left open at the end
 * are errors) one physical line at a time. libcsv does not count lines, so the feeding loop
 * does: a row's line is the first non-blank line fed since the previous row ended, which stays
 * right when a quoted field spans several lines and when blank lines are skipped. Lines end in
 * LF, CRLF or a lone CR (libcsv accepts all three). Fields are handed over a row at a time, so
 * memory holds one row plus the parsed results; time is linear in the file size.
 */
#include "io/ecg-ptbxl.h"

#include <csv.h>
#include <math.h>
#include <string.h>

#include "ecg-error.h"

#define DATABASE_FILE "ptbxl_database.csv"
#define STATEMENTS_FILE "scp_statements.csv"

struct _EcgPtbxlDatabase
{
  char *dir;
  GArray *records;               /* EcgPtbxlRecord, file order */
  GHashTable *index_by_id;       /* ecg_id -> index + 1 */
  GHashTable *index_by_filename; /* filename_lr and filename_hr (borrowed) -> index + 1 */
};

static const char *const class_names[ECG_PTBXL_N_CLASSES] = {
  [ECG_PTBXL_CLASS_CD] = "CD",     [ECG_PTBXL_CLASS_HYP] = "HYP",   [ECG_PTBXL_CLASS_MI] = "MI",
  [ECG_PTBXL_CLASS_NORM] = "NORM", [ECG_PTBXL_CLASS_STTC] = "STTC",
};

const char *
ecg_ptbxl_class_name (EcgPtbxlClass klass)
{
  if ((int)klass < 0 || klass >= ECG_PTBXL_N_CLASSES)
    return NULL;
  return class_names[klass];
}

int
ecg_ptbxl_class_from_name (const char *name)
{
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    if (g_strcmp0 (name, class_names[c]) == 0)
      return c;
  return -1;
}

char **
ecg_ptbxl_label_names (guint8 label_mask)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  for (int c = 0; c < ECG_PTBXL_N_CLASSES; c++)
    if (label_mask & ECG_PTBXL_CLASS_BIT (c))
      g_strv_builder_add (builder, class_names[c]);
  char **names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/* ------------------------------------------------------------------------------------------ */
/* scp_codes: a Python dict literal                                                             */

void
ecg_ptbxl_scp_codes_free (EcgPtbxlScpCode *codes, int n_codes)
{
  if (codes == NULL)
    return;
  for (int i = 0; i < n_codes; i++)
    g_free (codes[i].code);
  g_free (codes);
}

static void
clear_scp_code (gpointer data)
{
  EcgPtbxlScpCode *code = data;
  g_free (code->code);
}

static const char *
skip_space (const char *p)
{
  while (*p != '\0' && g_ascii_isspace (*p))
    p++;
  return p;
}

/* Grammar: '{' [ entry { ',' entry } [ ','] ] '}', entry = quoted-code ':' number, with
 * whitespace allowed between tokens. Positions in messages count characters from 1. */
gboolean
ecg_ptbxl_parse_scp_codes (const char *text, EcgPtbxlScpCode **codes_out, int *n_codes,
                           GError **error)
{
  g_return_val_if_fail (text != NULL && codes_out != NULL && n_codes != NULL, FALSE);
  *codes_out = NULL;
  *n_codes = 0;

  g_autoptr (GArray) codes = g_array_new (FALSE, TRUE, sizeof (EcgPtbxlScpCode));
  g_array_set_clear_func (codes, clear_scp_code);

#define POS(ptr) ((int)((ptr)-text) + 1)
  const char *p = skip_space (text);
  if (*p != '{')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "expected '{' at position %d of \"%s\"",
                   POS (p), text);
      return FALSE;
    }
  p = skip_space (p + 1);

  while (*p != '}')
    {
      /* The code, in single or double quotes. */
      if (*p != '\'' && *p != '"')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       *p == '\0' ? "unexpected end (missing '}') at position %d of \"%s\""
                                  : "expected a quoted code or '}' at position %d of \"%s\"",
                       POS (p), text);
          return FALSE;
        }
      const char quote = *p;
      const char *start = p + 1;
      const char *end = start;
      while (*end != '\0' && *end != quote && *end != '\\')
        end++;
      if (*end == '\\')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "escape sequence at position %d of \"%s\" (not supported in a code)",
                       POS (end), text);
          return FALSE;
        }
      if (*end == '\0')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "code opened at position %d of \"%s\" has no closing %c", POS (p), text,
                       quote);
          return FALSE;
        }
      if (end == start)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "empty code at position %d of \"%s\"",
                       POS (p), text);
          return FALSE;
        }
      g_autofree char *code = g_strndup (start, end - start);
      for (guint i = 0; i < codes->len; i++)
        if (strcmp (g_array_index (codes, EcgPtbxlScpCode, i).code, code) == 0)
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "code '%s' appears twice in \"%s\"",
                         code, text);
            return FALSE;
          }

      p = skip_space (end + 1);
      if (*p != ':')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "expected ':' after code '%s' at position %d of \"%s\"", code, POS (p),
                       text);
          return FALSE;
        }
      p = skip_space (p + 1);

      /* The likelihood: the longest run of number characters, which must all be consumed. */
      const char *number_end = p;
      while (*number_end != '\0' && strchr ("+-.0123456789eE", *number_end) != NULL)
        number_end++;
      g_autofree char *number = g_strndup (p, number_end - p);
      char *parsed_end = NULL;
      double likelihood = number_end > p ? g_ascii_strtod (number, &parsed_end) : NAN;
      if (number_end == p || parsed_end != number + (number_end - p) || !isfinite (likelihood))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "expected a finite number for code '%s' at position %d of \"%s\"", code,
                       POS (p), text);
          return FALSE;
        }
      if (likelihood < 0.0 || likelihood > 100.0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "likelihood %s of code '%s' is not in 0..100 in \"%s\"", number, code, text);
          return FALSE;
        }
      EcgPtbxlScpCode entry = { .code = g_steal_pointer (&code), .likelihood = likelihood };
      g_array_append_val (codes, entry);

      p = skip_space (number_end);
      if (*p == ',')
        p = skip_space (p + 1); /* a trailing comma before '}' is valid Python */
      else if (*p != '}')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       *p == '\0' ? "unexpected end (missing '}') at position %d of \"%s\""
                                  : "expected ',' or '}' at position %d of \"%s\"",
                       POS (p), text);
          return FALSE;
        }
    }

  p = skip_space (p + 1);
  if (*p != '\0')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "unexpected text after '}' at position %d of \"%s\"", POS (p), text);
      return FALSE;
    }
#undef POS

  *n_codes = (int)codes->len;
  if (codes->len > 0)
    {
      g_array_set_clear_func (codes, NULL);
      *codes_out = (EcgPtbxlScpCode *)g_array_free (g_steal_pointer (&codes), FALSE);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV reading with libcsv                                                                      */

/* Called for every row; row_index 0 is the header. Returns FALSE with `error` set to stop. */
typedef gboolean (*CsvRowFunc) (const char *const *fields, int n_fields, int row_index, int line,
                                gpointer user_data, GError **error);

typedef struct
{
  GPtrArray *fields; /* char *, the current row */
  int row_index;
  int row_line; /* first line of the current row; 0 when no row is open */
  CsvRowFunc row_func;
  gpointer user_data;
  GError *error; /* the first error; once set, callbacks do nothing */
} CsvReader;

static void
csv_field_cb (void *field, size_t length, void *data)
{
  CsvReader *reader = data;
  if (reader->error != NULL)
    return;
  g_ptr_array_add (reader->fields, field != NULL ? g_strndup (field, length) : g_strdup (""));
}

static void
csv_row_cb (int terminator, void *data)
{
  CsvReader *reader = data;
  if (reader->error != NULL)
    return;
  g_ptr_array_add (reader->fields, NULL);
  reader->row_func ((const char *const *)reader->fields->pdata, (int)reader->fields->len - 1,
                    reader->row_index, reader->row_line, reader->user_data, &reader->error);
  g_ptr_array_set_size (reader->fields, 0);
  reader->row_index++;
  reader->row_line = 0;
}

/* libcsv trims spaces and tabs around unquoted fields and skips lines holding only those. */
static gboolean
line_is_blank (const char *line, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
      return FALSE;
  return TRUE;
}

static int
count_lines_before (const char *text, const char *stop)
{
  int line = 1;
  for (const char *p = text; p < stop; p++)
    if (*p == '\n' || (*p == '\r' && p + 1 < stop && p[1] != '\n'))
      line++;
  return line;
}

/* Calls `row_func` for the header and every row of the CSV text `contents` (`length` bytes, not
 * necessarily NUL-terminated); `path` names it in messages. */
static gboolean
parse_csv (const char *path, const char *contents, gsize length, CsvRowFunc row_func,
           gpointer user_data, GError **error)
{
  const char *invalid = NULL;
  if (!g_utf8_validate_len (contents, length, &invalid))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: not UTF-8 text", path,
                   count_lines_before (contents, invalid));
      return FALSE;
    }

  struct csv_parser parser;
  if (csv_init (&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED, "%s: could not set up the CSV parser", path);
      return FALSE;
    }
  CsvReader reader = {
    .fields = g_ptr_array_new_with_free_func (g_free),
    .row_func = row_func,
    .user_data = user_data,
  };

  gsize pos = 0;
  if (length >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    pos = 3; /* a UTF-8 byte-order mark, as spreadsheet programs write */
  int line = 0;
  gboolean ok = TRUE;
  while (pos < length && ok)
    {
      gsize end = pos;
      while (end < length && contents[end] != '\n' && contents[end] != '\r')
        end++;
      if (end < length)
        end += (contents[end] == '\r' && end + 1 < length && contents[end + 1] == '\n') ? 2 : 1;
      line++;
      if (reader.row_line == 0 && !line_is_blank (contents + pos, end - pos))
        reader.row_line = line;
      if (csv_parse (&parser, contents + pos, end - pos, csv_field_cb, csv_row_cb, &reader)
          != end - pos)
        {
          if (csv_error (&parser) == CSV_EPARSE)
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                         "%s line %d: broken quoting (a quote inside an unquoted field, or text "
                         "after a closing quote)",
                         path, line);
          else
            g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED, "%s line %d: %s", path, line,
                         csv_strerror (csv_error (&parser)));
          ok = FALSE;
        }
      else if (reader.error != NULL)
        ok = FALSE;
      pos = end;
    }
  if (ok)
    {
      int open_row_line = reader.row_line;
      if (csv_fini (&parser, csv_field_cb, csv_row_cb, &reader) != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s line %d: quoted field is never closed", path, open_row_line);
          ok = FALSE;
        }
      else if (reader.error != NULL)
        ok = FALSE;
      else if (reader.row_index == 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: no header row", path);
          ok = FALSE;
        }
    }
  if (reader.error != NULL)
    g_propagate_error (error, g_steal_pointer (&reader.error));
  csv_free (&parser);
  g_ptr_array_unref (reader.fields);
  return ok;
}

/* Reads `path` into *contents (owned by the caller). */
static gboolean
read_file (const char *path, char **contents, gsize *length, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  if (!g_file_get_contents (path, contents, length, &local_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Index of the header column called `name`; an error when absent or repeated. */
static gboolean
find_column (const char *path, const char *const *header, int n_fields, const char *name,
             int *column, GError **error)
{
  *column = -1;
  for (int i = 0; i < n_fields; i++)
    if (strcmp (header[i], name) == 0)
      {
        if (*column >= 0)
          {
            g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line 1: column '%s' appears twice",
                         path, name);
            return FALSE;
          }
        *column = i;
      }
  if (*column < 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line 1: no column '%s'", path, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_field_count (const char *path, int line, int n_fields, int n_header, GError **error)
{
  if (n_fields == n_header)
    return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: %d fields, the header has %d", path,
               line, n_fields, n_header);
  return FALSE;
}

/* A whole number written as digits with an optional ".0…" (pandas writes ids as "15709.0"),
 * surrounding spaces allowed, at most `max`. */
static gboolean
parse_whole_number (const char *text, int max, int *value)
{
  const char *p = text;
  while (*p == ' ')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  gint64 v = 0;
  for (; g_ascii_isdigit (*p); p++)
    {
      v = v * 10 + (*p - '0');
      if (v > max)
        return FALSE;
    }
  if (*p == '.')
    for (p++; *p == '0'; p++)
      ;
  while (*p == ' ')
    p++;
  if (*p != '\0')
    return FALSE;
  *value = (int)v;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* scp_statements.csv                                                                           */

typedef struct
{
  const char *path;
  int n_header;
  int column_diagnostic;
  int column_class;
  GHashTable *statements; /* code (owned) -> GINT_TO_POINTER (class + 1), 0 = not diagnostic */
} StatementsParse;

static gboolean
statements_row (const char *const *fields, int n_fields, int row_index, int line,
                gpointer user_data, GError **error)
{
  StatementsParse *parse = user_data;
  if (row_index == 0)
    {
      /* The code is the first column, whose header cell is empty upstream. */
      parse->n_header = n_fields;
      return find_column (parse->path, fields, n_fields, "diagnostic", &parse->column_diagnostic,
                          error)
             && find_column (parse->path, fields, n_fields, "diagnostic_class",
                             &parse->column_class, error);
    }
  if (!check_field_count (parse->path, line, n_fields, parse->n_header, error))
    return FALSE;

  const char *code = fields[0];
  if (*code == '\0')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: empty statement code",
                   parse->path, line);
      return FALSE;
    }
  if (g_hash_table_contains (parse->statements, code))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: code '%s' is listed twice",
                   parse->path, line, code);
      return FALSE;
    }
  const char *diagnostic_text = fields[parse->column_diagnostic];
  int diagnostic = 0;
  if (*diagnostic_text != '\0' && (!parse_whole_number (diagnostic_text, 1, &diagnostic)))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %d: diagnostic '%s' of code '%s' is neither 1, 0 nor empty",
                   parse->path, line, diagnostic_text, code);
      return FALSE;
    }
  int klass = -1;
  if (diagnostic)
    {
      const char *class_name = fields[parse->column_class];
      klass = ecg_ptbxl_class_from_name (class_name);
      if (klass < 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s line %d: diagnostic code '%s' has diagnostic_class '%s', not one of "
                       "CD, HYP, MI, NORM, STTC",
                       parse->path, line, code, class_name);
          return FALSE;
        }
    }
  g_hash_table_insert (parse->statements, g_strdup (code), GINT_TO_POINTER (klass + 1));
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* ptbxl_database.csv                                                                           */

typedef struct
{
  const char *path;
  GHashTable *statements;
  EcgPtbxlDatabase *database;
  int n_header;
  int column_ecg_id;
  int column_patient_id;
  int column_fold;
  int column_filename_lr;
  int column_filename_hr;
  int column_scp_codes;
} DatabaseParse;

static void
clear_record (gpointer data)
{
  EcgPtbxlRecord *record = data;
  g_free (record->filename_lr);
  g_free (record->filename_hr);
  ecg_ptbxl_scp_codes_free (record->scp_codes, record->n_scp_codes);
}

static gboolean
database_header (DatabaseParse *parse, const char *const *fields, int n_fields, GError **error)
{
  parse->n_header = n_fields;
  return find_column (parse->path, fields, n_fields, "ecg_id", &parse->column_ecg_id, error)
         && find_column (parse->path, fields, n_fields, "patient_id", &parse->column_patient_id,
                         error)
         && find_column (parse->path, fields, n_fields, "strat_fold", &parse->column_fold, error)
         && find_column (parse->path, fields, n_fields, "filename_lr", &parse->column_filename_lr,
                         error)
         && find_column (parse->path, fields, n_fields, "filename_hr", &parse->column_filename_hr,
                         error)
         && find_column (parse->path, fields, n_fields, "scp_codes", &parse->column_scp_codes,
                         error);
}

static gboolean
database_row (const char *const *fields, int n_fields, int row_index, int line, gpointer user_data,
              GError **error)
{
  DatabaseParse *parse = user_data;
  if (row_index == 0)
    return database_header (parse, fields, n_fields, error);
  if (!check_field_count (parse->path, line, n_fields, parse->n_header, error))
    return FALSE;

  EcgPtbxlRecord record = { .line = line };
  if (!parse_whole_number (fields[parse->column_ecg_id], G_MAXINT, &record.ecg_id)
      || record.ecg_id < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %d: ecg_id '%s' is not a positive whole number", parse->path, line,
                   fields[parse->column_ecg_id]);
      return FALSE;
    }
  gpointer previous
      = g_hash_table_lookup (parse->database->index_by_id, GINT_TO_POINTER (record.ecg_id));
  if (previous != NULL)
    {
      const EcgPtbxlRecord *first = &g_array_index (parse->database->records, EcgPtbxlRecord,
                                                    GPOINTER_TO_UINT (previous) - 1);
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d: ecg_id %d already on line %d",
                   parse->path, line, record.ecg_id, first->line);
      return FALSE;
    }
  if (!parse_whole_number (fields[parse->column_patient_id], G_MAXINT, &record.patient_id))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %d (ecg_id %d): patient_id '%s' is not a whole number", parse->path,
                   line, record.ecg_id, fields[parse->column_patient_id]);
      return FALSE;
    }
  if (!parse_whole_number (fields[parse->column_fold], 10, &record.strat_fold)
      || record.strat_fold < 1)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s line %d (ecg_id %d): strat_fold '%s' is not a whole number in 1..10",
                   parse->path, line, record.ecg_id, fields[parse->column_fold]);
      return FALSE;
    }
  if (*fields[parse->column_filename_lr] == '\0')
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d (ecg_id %d): empty filename_lr",
                   parse->path, line, record.ecg_id);
      return FALSE;
    }

  g_autoptr (GError) codes_error = NULL;
  if (!ecg_ptbxl_parse_scp_codes (fields[parse->column_scp_codes], &record.scp_codes,
                                  &record.n_scp_codes, &codes_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s line %d (ecg_id %d): scp_codes: %s",
                   parse->path, line, record.ecg_id, codes_error->message);
      return FALSE;
    }
  /* The label rule of DESIGN.md §4 and of PTB-XL's example code: every listed code counts,
   * whatever its likelihood. */
  for (int i = 0; i < record.n_scp_codes; i++)
    {
      gpointer klass_plus_one = NULL;
      if (!g_hash_table_lookup_extended (parse->statements, record.scp_codes[i].code, NULL,
                                         &klass_plus_one))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s line %d (ecg_id %d): code '%s' is not in " STATEMENTS_FILE, parse->path,
                       line, record.ecg_id, record.scp_codes[i].code);
          ecg_ptbxl_scp_codes_free (record.scp_codes, record.n_scp_codes);
          return FALSE;
        }
      if (GPOINTER_TO_INT (klass_plus_one) > 0)
        record.label_mask |= ECG_PTBXL_CLASS_BIT (GPOINTER_TO_INT (klass_plus_one) - 1);
    }

  record.filename_lr = g_strdup (fields[parse->column_filename_lr]);
  record.filename_hr = g_strdup (fields[parse->column_filename_hr]);
  g_array_append_val (parse->database->records, record);
  g_hash_table_insert (parse->database->index_by_id, GINT_TO_POINTER (record.ecg_id),
                       GUINT_TO_POINTER (parse->database->records->len));
  return TRUE;
}

/* Indexes filename_lr and filename_hr; a file named by two rows is an error. */
static gboolean
index_filenames (EcgPtbxlDatabase *database, const char *path, GError **error)
{
  for (guint i = 0; i < database->records->len; i++)
    {
      const EcgPtbxlRecord *record = &g_array_index (database->records, EcgPtbxlRecord, i);
      char *names[2] = { record->filename_lr, record->filename_hr };
      for (int k = 0; k < 2; k++)
        {
          if (*names[k] == '\0')
            continue;
          gpointer other = g_hash_table_lookup (database->index_by_filename, names[k]);
          if (other != NULL && GPOINTER_TO_UINT (other) != i + 1)
            {
              const EcgPtbxlRecord *first = &g_array_index (database->records, EcgPtbxlRecord,
                                                            GPOINTER_TO_UINT (other) - 1);
              g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                           "%s line %d (ecg_id %d): file '%s' is also named on line %d", path,
                           record->line, record->ecg_id, names[k], first->line);
              return FALSE;
            }
          g_hash_table_insert (database->index_by_filename, names[k], GUINT_TO_POINTER (i + 1));
        }
    }
  return TRUE;
}

EcgPtbxlDatabase *
ecg_ptbxl_database_load (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);

  g_autofree char *statements_path = g_build_filename (dir, STATEMENTS_FILE, NULL);
  g_autofree char *database_path = g_build_filename (dir, DATABASE_FILE, NULL);
  g_autofree char *statements_csv = NULL, *database_csv = NULL;
  gsize statements_length = 0, database_length = 0;
  if (!read_file (statements_path, &statements_csv, &statements_length, error)
      || !read_file (database_path, &database_csv, &database_length, error))
    return NULL;
  return ecg_ptbxl_database_parse (dir, statements_csv, statements_length, database_csv,
                                   database_length, error);
}

EcgPtbxlDatabase *
ecg_ptbxl_database_parse (const char *dir, const char *statements_csv, gsize statements_length,
                          const char *database_csv, gsize database_length, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (statements_csv != NULL || statements_length == 0, NULL);
  g_return_val_if_fail (database_csv != NULL || database_length == 0, NULL);
  if (statements_csv == NULL)
    statements_csv = "";
  if (database_csv == NULL)
    database_csv = "";

  g_autofree char *statements_path = g_build_filename (dir, STATEMENTS_FILE, NULL);
  g_autoptr (GHashTable) statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  StatementsParse statements_parse = { .path = statements_path, .statements = statements };
  if (!parse_csv (statements_path, statements_csv, statements_length, statements_row,
                  &statements_parse, error))
    return NULL;

  g_autoptr (EcgPtbxlDatabase) database = g_new0 (EcgPtbxlDatabase, 1);
  database->dir = g_strdup (dir);
  database->records = g_array_new (FALSE, TRUE, sizeof (EcgPtbxlRecord));
  g_array_set_clear_func (database->records, clear_record);
  database->index_by_id = g_hash_table_new (g_direct_hash, g_direct_equal);
  database->index_by_filename = g_hash_table_new (g_str_hash, g_str_equal);

  g_autofree char *database_path = g_build_filename (dir, DATABASE_FILE, NULL);
  DatabaseParse database_parse = {
    .path = database_path,
    .statements = statements,
    .database = database,
  };
  if (!parse_csv (database_path, database_csv, database_length, database_row, &database_parse,
                  error))
    return NULL;
  if (!index_filenames (database, database_path, error))
    return NULL;
  return g_steal_pointer (&database);
}

void
ecg_ptbxl_database_free (EcgPtbxlDatabase *database)
{
  if (database == NULL)
    return;
  g_clear_pointer (&database->index_by_filename, g_hash_table_unref);
  g_clear_pointer (&database->index_by_id, g_hash_table_unref);
  g_clear_pointer (&database->records, g_array_unref);
  g_free (database->dir);
  g_free (database);
}

const char *
ecg_ptbxl_database_get_dir (const EcgPtbxlDatabase *database)
{
  return database->dir;
}

gsize
ecg_ptbxl_database_get_n_records (const EcgPtbxlDatabase *database)
{
  return database->records->len;
}

const EcgPtbxlRecord *
ecg_ptbxl_database_get_record (const EcgPtbxlDatabase *database, gsize index)
{
  g_return_val_if_fail (index < database->records->len, NULL);
  return &g_array_index (database->records, EcgPtbxlRecord, index);
}

const EcgPtbxlRecord *
ecg_ptbxl_database_lookup (const EcgPtbxlDatabase *database, int ecg_id)
{
  guint index_plus_one
      = GPOINTER_TO_UINT (g_hash_table_lookup (database->index_by_id, GINT_TO_POINTER (ecg_id)));
  if (index_plus_one == 0)
    return NULL;
  return &g_array_index (database->records, EcgPtbxlRecord, index_plus_one - 1);
}

const EcgPtbxlRecord *
ecg_ptbxl_database_lookup_filename (const EcgPtbxlDatabase *database, const char *relative_path)
{
  guint index_plus_one
      = GPOINTER_TO_UINT (g_hash_table_lookup (database->index_by_filename, relative_path));
  if (index_plus_one == 0)
    return NULL;
  return &g_array_index (database->records, EcgPtbxlRecord, index_plus_one - 1);
}

char *
ecg_ptbxl_database_record_path (const EcgPtbxlDatabase *database, const EcgPtbxlRecord *record)
{
  return g_build_filename (database->dir, record->filename_lr, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* From a record path to its labels                                                             */

/* The absolute, normalised record path without a ".hea"/".dat" suffix. */
static char *
normalise_record_path (const char *record_path)
{
  g_autofree char *absolute = g_canonicalize_filename (record_path, NULL);
  if (g_str_has_suffix (absolute, ".hea") || g_str_has_suffix (absolute, ".dat"))
    absolute[strlen (absolute) - 4] = '\0';
  return g_steal_pointer (&absolute);
}

static char *
find_root_of_absolute (const char *absolute)
{
  g_autofree char *dir = g_path_get_dirname (absolute);
  for (;;)
    {
      g_autofree char *candidate = g_build_filename (dir, DATABASE_FILE, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&dir);
      char *parent = g_path_get_dirname (dir);
      if (strcmp (parent, dir) == 0)
        {
          g_free (parent);
          return NULL;
        }
      g_free (dir);
      dir = parent;
    }
}

char *
ecg_ptbxl_find_root (const char *record_path)
{
  g_return_val_if_fail (record_path != NULL, NULL);
  g_autofree char *absolute = normalise_record_path (record_path);
  return find_root_of_absolute (absolute);
}

char **
ecg_ptbxl_labels_for_record_path (const char *record_path, GError **error)
{
  g_return_val_if_fail (record_path != NULL, NULL);
  g_autofree char *absolute = normalise_record_path (record_path);
  g_autofree char *root = find_root_of_absolute (absolute);
  if (root == NULL)
    return g_new0 (char *, 1);

  g_autoptr (EcgPtbxlDatabase) database = ecg_ptbxl_database_load (root, error);
  if (database == NULL)
    return NULL;
  /* `root` is a parent of `absolute`, so the record's path below it follows a separator. */
  const char *relative = absolute + strlen (root);
  while (G_IS_DIR_SEPARATOR (*relative))
    relative++;
  const EcgPtbxlRecord *record = ecg_ptbxl_database_lookup_filename (database, relative);
  if (record == NULL)
    return g_new0 (char *, 1);
  return ecg_ptbxl_label_names (record->label_mask);
}
