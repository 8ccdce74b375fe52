/* ecg-strip-export.h — a strip of a record printed at true scale as a PDF page.
 *
 * Geometry of the page, in millimetres of the PDF (1 mm = 72 / 25.4 pt):
 *   margins      10 mm left, right and bottom; a 15 mm caption band at the top holding the
 *                record name, the strip's time span, the scale and the display filters
 *   grid         x from 10 mm to 10 + 25 * duration mm (25 mm/s), y from 15 mm over
 *                n_rows rows of 40 mm (±2 mV around the baseline at 10 mm/mV); minor lines
 *                every 1 mm, major lines every 5 mm, anchored at the grid's top-left corner,
 *                which is the strip's start time
 *   rows         the rows of the view's lead layout (ecg-lead-layout.h); a row's baseline lies
 *                on the major line 20 mm below its top; a 1 mV calibration pulse (10 mm high,
 *                5 mm wide) stands in the left margin of every row
 *   page size    (20 + 25 * duration) mm x (25 + 40 * n_rows) mm
 * The samples are copied when the strip is made, so writing may run in a worker thread.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-lead-layout.h"
#include "io/ecg-record.h"

G_BEGIN_DECLS

#define ECG_STRIP_MARGIN_MM 10.0
#define ECG_STRIP_CAPTION_MM 15.0
#define ECG_STRIP_ROW_MM 40.0

typedef struct _EcgStrip EcgStrip;

/* A strip of `record` over [start_s, start_s + duration_s) (cut to the record) in `layout`.
 * `samples` are the leads to draw (the view's filtered display copy), or NULL for the
 * record's own samples; `filters` describes the display filters for the caption (NULL: none).
 * Returns an owned strip, or NULL when the span holds no sample. */
EcgStrip *ecg_strip_new (const EcgRecord *record, const float *const *samples,
                         EcgLeadLayout layout, double start_s, double duration_s,
                         const char *filters);
void ecg_strip_free (EcgStrip *strip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgStrip, ecg_strip_free)

double ecg_strip_get_start (const EcgStrip *strip);
double ecg_strip_get_duration (const EcgStrip *strip);
int ecg_strip_get_n_rows (const EcgStrip *strip);
/* The page size in millimetres (see the header comment). */
void ecg_strip_get_page_size (const EcgStrip *strip, double *width_mm, double *height_mm);
/* The caption printed above the grid. Returns an owned string. */
char *ecg_strip_get_caption (const EcgStrip *strip);

/* Draws the page onto `cr`, whose user unit must be one millimetre with the origin at the
 * page's top-left corner. */
void ecg_strip_draw (const EcgStrip *strip, cairo_t *cr);

/* Writes the strip as a one-page PDF at `path`. ECG_ERROR_IO names the file on failure. */
gboolean ecg_strip_write_pdf (const EcgStrip *strip, const char *path, GError **error);

/* ecg_strip_write_pdf in a worker thread; takes ownership of `strip`. */
void ecg_strip_write_pdf_async (EcgStrip *strip, GFile *file, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean ecg_strip_write_pdf_finish (GAsyncResult *result, GError **error);

G_END_DECLS
