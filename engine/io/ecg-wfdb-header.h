/* ecg-wfdb-header.h — the WFDB header (.hea) of a single-segment record.
 *
 * Record line:  name[/nseg] nsig [fs[/counter[(base)]] [nsamp [time [date]]]]
 * Signal line:  file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
 *               [initval [checksum [blocksize [description]]]]]]]
 * Lines starting with '#' are comments and are kept. LF and CRLF both accepted.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *file_name;       /* signal file, relative to the header's folder (no '/' or "..") */
  int format;            /* 8, 16, 61, 80, 160, 212, 310, 311, ... (only some are readable) */
  int samples_per_frame; /* 1 unless "x" given */
  int skew;
  gint64 byte_offset;
  double gain;           /* ADC units per physical unit; 200 when absent or given as 0 */
  gboolean gain_given;
  int baseline;          /* physical zero in ADC units; adc_zero when absent */
  char *units;           /* "mV" when absent */
  int adc_resolution;    /* bits; 12 for 212, 16 for 16, 8 for 80 when absent */
  int adc_zero;
  int initial_value;
  gboolean has_initial_value;
  int checksum;          /* as written (may be signed or unsigned) */
  gboolean has_checksum;
  int block_size;
  char *description;     /* the lead name, e.g. "MLII" or "V5"; "" when absent */
} EcgWfdbSignalSpec;

typedef struct
{
  char *record_name;
  int n_signals;
  double fs;             /* 250 when absent */
  double counter_frequency;
  double base_counter;
  gint64 n_samples;      /* samples per signal; -1 when the header does not say */
  char *base_time;       /* NULL when absent */
  char *base_date;
  EcgWfdbSignalSpec *signals; /* n_signals entries */
  GPtrArray *comments;   /* char *, the text after '#' */
} EcgWfdbHeader;

/* Parses header text. `file_label` (e.g. "100.hea") prefixes every error message.
 * Multi-segment records are refused with ECG_ERROR_UNSUPPORTED; any bad field gives
 * ECG_ERROR_FORMAT naming the line and the field. Returns an owned header. */
EcgWfdbHeader *ecg_wfdb_header_parse (const char *text, gssize length, const char *file_label,
                                      GError **error);
/* Reads and parses `path` (the .hea file). */
EcgWfdbHeader *ecg_wfdb_header_load (const char *path, GError **error);
/* Writes the header as WFDB text (LF line endings). Returns an owned string. */
char *ecg_wfdb_header_to_string (const EcgWfdbHeader *header);

EcgWfdbHeader *ecg_wfdb_header_new (int n_signals);
void ecg_wfdb_header_free (EcgWfdbHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgWfdbHeader, ecg_wfdb_header_free)

/* TRUE when ecg_wfdb_signal_read() can decode `format`. */
gboolean ecg_wfdb_format_is_supported (int format);

G_END_DECLS
