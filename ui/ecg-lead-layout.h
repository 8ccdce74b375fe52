/* ecg-lead-layout.h — which lead the waveform view (and a printed strip) draws where.
 *
 * Stacked: one row per lead of the record, each showing the whole record.
 * Standard 12-lead: the layout of a printed resting ECG. Four rows; the first three are cut into
 * columns of 2.5 s that show, in turn,
 *   row 0:  I    aVR  V1  V4
 *   row 1:  II   aVL  V2  V5
 *   row 2:  III  aVF  V3  V6
 * (column k covers record time [2.5 k, 2.5 (k + 1)) s and shows the column k mod 4 of this
 * table, so a 10 s page starting at a multiple of 10 s is exactly the printed layout), and
 * row 3 is the rhythm strip: lead II over the whole record. Leads are found by name, case
 * folded ("AVR" in PTB-XL headers is aVR); a lead the record lacks has index -1 (its name is
 * drawn, no trace). Without a lead II the rhythm strip shows the record's first lead.
 */
#pragma once

#include <glib-object.h>

#include "io/ecg-record.h"

G_BEGIN_DECLS

typedef enum
{
  ECG_LEAD_LAYOUT_STACKED,
  ECG_LEAD_LAYOUT_STANDARD_12,
} EcgLeadLayout;

GType ecg_lead_layout_get_type (void);
#define ECG_TYPE_LEAD_LAYOUT (ecg_lead_layout_get_type ())

/* The width of one column of the 12-lead layout, in seconds, and the number of columns. */
#define ECG_LEAD_LAYOUT_COLUMN_SECONDS 2.5
#define ECG_LEAD_LAYOUT_N_COLUMNS 4

/* A part of a row showing one lead over a span of record time. */
typedef struct
{
  int lead;          /* index into record->leads, or -1 when the record lacks the lead */
  const char *name;  /* the name to draw: the standard name in the 12-lead layout, the
                      * record's lead name otherwise (may be NULL or empty then); static or
                      * owned by the record */
  double from_s;     /* record time covered, [from_s, to_s) */
  double to_s;
} EcgLeadSegment;

/* Rows of `layout` for `record` (stacked: n_leads, at least 1; 12-lead: 4). */
int ecg_lead_layout_get_n_rows (EcgLeadLayout layout, const EcgRecord *record);

/* The segments of `row` that overlap record time [from_s, to_s), in time order, each cut to
 * the record ([0, duration)). Returns an owned array of EcgLeadSegment. */
GArray *ecg_lead_layout_get_segments (EcgLeadLayout layout, const EcgRecord *record, int row,
                                      double from_s, double to_s);

/* Index of the lead named `name` in `record`, compared case-folded ("avr" finds "AVR"),
 * or -1. */
int ecg_lead_layout_find_lead (const EcgRecord *record, const char *name);

G_END_DECLS
