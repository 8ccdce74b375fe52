/* ecg-waveform-view.h — a record drawn on calibrated ECG paper.
 *
 * Geometry (all in the widget's logical pixels, origin at the top-left of the content):
 *   px_per_mm   = screen-dpi / 25.4                  (vertical: 10 mm per mV, always)
 *   px_per_mm_x = px_per_mm * time-zoom              (horizontal: 25 mm/s at time-zoom 1)
 *   x(sample)   = sample / fs * 25 * px_per_mm_x - horizontal scroll offset
 *   The grid is anchored to record time (a minor line every 40 ms, a major line every 200 ms,
 *   i.e. 1 mm and 5 mm at 25 mm/s) and to the top of the content (1 mm and 5 mm). A line at
 *   position p is stroked 1 px wide on the pixel column / row floor(p).
 *   Minor lines are hidden when either px_per_mm or px_per_mm_x is below 3.
 *   The top 10 mm hold the annotation band: non-beat annotations (rhythm changes, noise...)
 *   in the upper 5 mm starting at x(sample), beat symbols in the lower 5 mm centred on
 *   x(sample).
 *   Below the band each lead gets an equal row (at least 30 mm tall; the content scrolls
 *   vertically when the rows do not fit) and its baseline (0 mV) lies on the major line
 *   nearest to the row's centre; a value v mV is drawn at baseline - v * 10 * px_per_mm.
 *
 * The view only reads the record it is given; it never modifies it.
 */
#pragma once

#include <gtk/gtk.h>

#include "io/ecg-record.h"

G_BEGIN_DECLS

#define ECG_TYPE_WAVEFORM_VIEW (ecg_waveform_view_get_type ())
G_DECLARE_FINAL_TYPE (EcgWaveformView, ecg_waveform_view, ECG, WAVEFORM_VIEW, GtkWidget)

/* The paper speed at time-zoom 1, in mm/s, and the calibrated gain in mm/mV. */
#define ECG_PAPER_SPEED_MM_PER_S 25.0
#define ECG_PAPER_GAIN_MM_PER_MV 10.0
/* Height of the annotation band above the first lead, in mm. */
#define ECG_PAPER_BAND_MM 10.0
/* Smallest lead row, in mm (±1.5 mV around the baseline). */
#define ECG_PAPER_MIN_ROW_MM 30.0
/* Minor grid lines are drawn only from this many pixels per millimetre on. */
#define ECG_PAPER_MIN_MINOR_PX_PER_MM 3.0

/* The colours of one paper variant (light or dark). */
typedef struct
{
  GdkRGBA paper;
  GdkRGBA minor_line;
  GdkRGBA major_line;
  GdkRGBA trace;
  GdkRGBA beat_label;   /* beat symbols (N, V, A, ...) */
  GdkRGBA other_label;  /* non-beat annotations, muted */
  GdkRGBA lead_label;
} EcgPaperPalette;

/* One annotation label as the view lays it out. */
typedef struct
{
  gint64 sample;        /* annotation time in samples */
  double x;             /* the annotation's position in widget coordinates */
  double left;          /* left edge of the text: beat symbols are centred on x, other
                         * labels (rhythm, noise...) start at x */
  double y;             /* top of the label in widget coordinates */
  double width;         /* laid-out text size in pixels */
  double height;
  int code;             /* EcgAnnotationCode */
  gboolean is_beat;
  const char *text;     /* the MIT symbol (beats) or aux text / symbol (others); owned by the
                         * record, valid while the view holds it */
} EcgWaveformLabel;

EcgWaveformView *ecg_waveform_view_new (void);

/* Shows `record` and takes ownership of it (it is freed when replaced or when the view is
 * disposed); NULL clears the view. The view scrolls back to the record's start. */
void ecg_waveform_view_set_record (EcgWaveformView *self, EcgRecord *record);
/* The record shown, owned by the view; NULL when none. */
const EcgRecord *ecg_waveform_view_get_record (EcgWaveformView *self);

void ecg_waveform_view_set_screen_dpi (EcgWaveformView *self, double screen_dpi);
double ecg_waveform_view_get_screen_dpi (EcgWaveformView *self);
void ecg_waveform_view_set_dark_paper (EcgWaveformView *self, gboolean dark_paper);
gboolean ecg_waveform_view_get_dark_paper (EcgWaveformView *self);

/* Time zoom: 1 is 25 mm/s; clamped to [1/16, 8]. Zooming keeps the record time at the centre
 * of the view in place. */
void ecg_waveform_view_set_time_zoom (EcgWaveformView *self, double time_zoom);
double ecg_waveform_view_get_time_zoom (EcgWaveformView *self);
/* The effective paper speed, 25 mm/s * time-zoom. */
double ecg_waveform_view_get_paper_speed (EcgWaveformView *self);
/* Steps the zoom through the powers of two of 25 mm/s (12.5, 25, 50, ...). */
void ecg_waveform_view_zoom_in (EcgWaveformView *self);
void ecg_waveform_view_zoom_out (EcgWaveformView *self);

/* Scrolls so that record time `seconds` is at the left edge (clamped to the record). */
void ecg_waveform_view_scroll_to_time (EcgWaveformView *self, double seconds);

/* Pixels per millimetre vertically (screen-dpi / 25.4) and horizontally (times time-zoom). */
double ecg_waveform_view_get_px_per_mm (EcgWaveformView *self);
double ecg_waveform_view_get_px_per_mm_x (EcgWaveformView *self);

/* The annotation labels the view draws in its current allocation and scroll position, in
 * time order: labels outside the view, and labels that would overlap the previous label of
 * the same kind, are left out. Returns an owned array of EcgWaveformLabel. */
GArray *ecg_waveform_view_get_visible_labels (EcgWaveformView *self);

/* The colours of the light (FALSE) or dark (TRUE) paper. Static storage. */
const EcgPaperPalette *ecg_waveform_view_get_palette (gboolean dark);

G_END_DECLS
