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
 *   Below the band the rows of the lead layout (ecg-lead-layout.h: one per lead when stacked,
 *   four in the standard 12-lead layout) share the height equally (each at least 30 mm tall;
 *   the content scrolls vertically when the rows do not fit); a row's baseline (0 mV) lies on
 *   the major line nearest to its centre; v mV is drawn at baseline - v * 10 * px_per_mm.
 *
 * The view only reads the record it is given; it never modifies it.
 */
#pragma once

#include <gtk/gtk.h>

#include "ecg-calipers.h"
#include "ecg-display-signal.h"
#include "ecg-lead-layout.h"
#include "ecg-strip-export.h"
#include "io/ecg-record.h"
#include "train/ecg-record-predictions.h"

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

/* Draws the view as its snapshot does, onto `cr` (widget coordinates, the widget's allocated
 * size; used by the draw benchmark). */
void ecg_waveform_view_draw (EcgWaveformView *self, cairo_t *cr);

/* ---- tools: go to time, calipers, display filters, lead layout, strip export -------------
 * Properties: "remove-baseline" (gboolean), "mains-notch" (EcgMainsNotch), "lead-layout"
 * (EcgLeadLayout) and the read-only "display-pending" (TRUE while the filtered display copy
 * is being built in a worker thread; the previous copy, or the record, is drawn meanwhile).
 * Actions (keys): waveform.go-to-time (Ctrl+G), waveform.export-strip (Ctrl+E),
 * waveform.remove-baseline (B), waveform.mains-notch ("off", "50-hz", "60-hz"),
 * waveform.lead-layout ("stacked", "standard-12"), waveform.caliper-mark (M: the first press
 * puts marker 1 on the trace at the centre of the view, the second marker 2 on top of it),
 * waveform.caliper-nudge ((ii): Shift+Left/Right move the active marker by 40 ms, Shift+Up/Down
 * by 0.1 mV), waveform.calipers-clear (Escape), waveform.show-menu (Menu, Shift+F10, or the
 * secondary button: all of the above). Dragging with the primary button measures with the
 * calipers from where the drag started to where it is. */

void ecg_waveform_view_set_remove_baseline (EcgWaveformView *self, gboolean remove_baseline);
gboolean ecg_waveform_view_get_remove_baseline (EcgWaveformView *self);
void ecg_waveform_view_set_mains_notch (EcgWaveformView *self, EcgMainsNotch notch);
EcgMainsNotch ecg_waveform_view_get_mains_notch (EcgWaveformView *self);
gboolean ecg_waveform_view_get_display_pending (EcgWaveformView *self);

void ecg_waveform_view_set_lead_layout (EcgWaveformView *self, EcgLeadLayout layout);
EcgLeadLayout ecg_waveform_view_get_lead_layout (EcgWaveformView *self);

/* One lead name as the view draws it, at the start of each visible segment of each row. */
typedef struct
{
  int row;
  int lead;          /* index into the record's leads, -1 when the record lacks it */
  char *name;        /* owned by the array */
  double x, y;       /* top-left of the text in widget coordinates */
  double width, height;
} EcgWaveformLeadLabel;

/* The lead names drawn in the current allocation and scroll position, row by row in time
 * order. Returns an owned array of EcgWaveformLeadLabel (freeing it frees the names). */
GArray *ecg_waveform_view_get_lead_labels (EcgWaveformView *self);

/* Puts caliper `marker` (0 or 1) at widget point (x, y): its time under x, its height above
 * the baseline of the row under y (marker 1 is read against marker 0's row). */
void ecg_waveform_view_place_caliper_at (EcgWaveformView *self, guint marker, double x,
                                         double y);
/* Puts caliper `marker` at record time `seconds` (clamped to the record), `millivolts` above
 * the baseline of `row` — marker 0's row when marker 0 is placed and `marker` is 1: both
 * markers are read against one row. Makes `marker` the one the keys move. */
void ecg_waveform_view_set_caliper (EcgWaveformView *self, guint marker, int row,
                                    double seconds, double millivolts);
/* The calipers, owned by the view. */
const EcgCalipers *ecg_waveform_view_get_calipers (EcgWaveformView *self);
/* ecg_calipers_measure() of the view's calipers. */
gboolean ecg_waveform_view_get_caliper_measurement (EcgWaveformView *self, double *interval_ms,
                                                    double *rate_bpm, double *amplitude_mv);
void ecg_waveform_view_clear_calipers (EcgWaveformView *self);

/* Pops up the "go to time" popover (the action does this). */
void ecg_waveform_view_show_go_to (EcgWaveformView *self);
/* The EcgGoToPopover, created on first use and owned by the view. */
GtkWidget *ecg_waveform_view_get_go_to_popover (EcgWaveformView *self);

/* The strip "Export Strip as PDF" writes: from the time at the left edge, as long as the view
 * is wide (at most 60 s) in the stacked layout and 10 s in the 12-lead layout, from the drawn
 * (filtered) copy of the signal. NULL without a record. Returns an owned strip. */
EcgStrip *ecg_waveform_view_create_strip (EcgWaveformView *self);

/* The colours of the light (FALSE) or dark (TRUE) paper. Static storage. */
const EcgPaperPalette *ecg_waveform_view_get_palette (gboolean dark);

/* ---- model predictions --------------------------------------------------------------------
 * With predictions set, every beat gets two labels in the row of the lead the model read
 * (MLII, else the first lead; the rhythm strip in the 12-lead layout): the reference class at
 * the top of the row (above the trace) and the predicted class at its bottom (below the
 * trace). A wrong prediction is drawn in
 * the error colour inside an outlined box with a filled triangle pointing up at the beat, so
 * that it reads without colour too; a right one is plain text in the match colour; a beat
 * without a reference class (detected, or a code outside the model's classes) gets its
 * prediction in the neutral beat colour and "–" (or its MIT symbol) above. Clicking either
 * label of a beat emits "beat-activated" and shows the beat's class scores in a popover.
 * Signal: "beat-activated" (guint beat): a beat's label was clicked (or Return pressed with
 * a beat selected). */

/* One beat's pair of labels as the view lays them out (widget coordinates). */
typedef struct
{
  guint beat;                 /* index into the predictions */
  gint64 sample;
  double x;                   /* the beat's position */
  graphene_rect_t reference;  /* the reference label's box */
  graphene_rect_t predicted;  /* the predicted label's box (the outline, for a mismatch) */
  gboolean mismatch;          /* reference and prediction differ */
  const char *reference_text; /* owned by the view's predictions or static */
  const char *predicted_text;
} EcgWaveformPrediction;

/* Shows `predictions` (copied) over the record shown; NULL clears them. FALSE, and nothing
 * shown, when no record is shown or the predictions are of another record (a prediction that
 * finished after the record changed). Setting a record clears the predictions. */
gboolean ecg_waveform_view_set_predictions (EcgWaveformView *self,
                                            const EcgRecordPredictions *predictions);
/* The predictions shown, owned by the view; NULL when none. */
const EcgRecordPredictions *ecg_waveform_view_get_predictions (EcgWaveformView *self);
/* The prediction labels drawn in the current allocation and scroll position, in time order:
 * beats outside the view and labels that would overlap a kept one are left out, wrong
 * predictions being kept first. Returns an owned array of EcgWaveformPrediction. */
GArray *ecg_waveform_view_get_visible_predictions (EcgWaveformView *self);
/* Selects beat `beat` (-1: none): it is highlighted and scrolled to the centre of the view. */
void ecg_waveform_view_select_beat (EcgWaveformView *self, int beat);
int ecg_waveform_view_get_selected_beat (EcgWaveformView *self);
/* The beat whose label lies under widget point (x, y), or -1. */
int ecg_waveform_view_beat_at (EcgWaveformView *self, double x, double y);
/* Pops up the class scores of beat `beat` next to its predicted label (selecting it). */
void ecg_waveform_view_show_beat_scores (EcgWaveformView *self, guint beat);
/* The scores popover (for tests): a GtkPopover whose child holds one row per class. */
GtkWidget *ecg_waveform_view_get_scores_popover (EcgWaveformView *self);
/* Colours of the prediction labels on light (FALSE) or dark (TRUE) paper: right, wrong. */
const GdkRGBA *ecg_waveform_view_get_match_color (gboolean dark);
const GdkRGBA *ecg_waveform_view_get_mismatch_color (gboolean dark);

G_END_DECLS
