/* ecg-calipers.h — two markers on the ECG paper measuring an interval and an amplitude.
 *
 * The markers are kept in record coordinates (time in seconds, height in mV above the
 * baseline of the lead row they were placed in), so they stay on the same wave when the view
 * scrolls or zooms. With both placed:
 *   interval  dt = |t1 - t0|                 (ms)
 *   rate      60 / dt                        (beats per minute, for an RR interval)
 *   amplitude dV = v1 - v0                   (mV, signed: the second marker minus the first)
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  gboolean placed[2];
  double seconds[2];
  double millivolts[2];
  int row;        /* the lead row both markers are read against */
  int active;     /* the marker the keyboard moves: 0 or 1 */
} EcgCalipers;

/* Caliper colours on light (FALSE) or dark (TRUE) paper. */
const GdkRGBA *ecg_calipers_get_color (gboolean dark);

void ecg_calipers_clear (EcgCalipers *calipers);
/* TRUE when at least one marker is placed. */
gboolean ecg_calipers_is_visible (const EcgCalipers *calipers);

/* Interval in ms, rate in bpm (0 when the interval is 0) and signed amplitude in mV; FALSE
 * (outputs untouched) unless both markers are placed. Any output may be NULL. */
gboolean ecg_calipers_measure (const EcgCalipers *calipers, double *interval_ms,
                               double *rate_bpm, double *amplitude_mv);

/* The measurement as the view prints it, e.g. "Δt 800 ms · 75 bpm · ΔV +1.20 mV"; NULL unless
 * both markers are placed. Returns an owned string. */
char *ecg_calipers_format (const EcgCalipers *calipers);

/* Draws the markers at widget positions (x[i], y[i]) with vertical lines spanning
 * [top, bottom), 1 px wide on column floor(x[i]), horizontal level lines through y[i], and
 * the measurement on a plate above the markers. `layout` sets the font. */
void ecg_calipers_draw (const EcgCalipers *calipers, cairo_t *cr, const double x[2],
                        const double y[2], double top, double bottom, gboolean dark,
                        PangoLayout *layout);

G_END_DECLS
