/* ecg-calipers.c — interval and amplitude calipers (see the header). */
#include "ecg-calipers.h"

#include <glib/gi18n.h>
#include <math.h>

#define RGB8(r, g, b) { (r) / 255.0f, (g) / 255.0f, (b) / 255.0f, 1.0f }

/* Green: apart from the red grid, the dark trace and the blue beat labels. */
static const GdkRGBA light_color = RGB8 (0x1a, 0x7f, 0x4b);
static const GdkRGBA dark_color = RGB8 (0x57, 0xe3, 0x89);

const GdkRGBA *
ecg_calipers_get_color (gboolean dark)
{
  return dark ? &dark_color : &light_color;
}

void
ecg_calipers_clear (EcgCalipers *calipers)
{
  *calipers = (EcgCalipers) { 0 };
}

gboolean
ecg_calipers_is_visible (const EcgCalipers *calipers)
{
  return calipers->placed[0] || calipers->placed[1];
}

gboolean
ecg_calipers_measure (const EcgCalipers *calipers, double *interval_ms, double *rate_bpm,
                      double *amplitude_mv)
{
  if (!calipers->placed[0] || !calipers->placed[1])
    return FALSE;
  double dt = fabs (calipers->seconds[1] - calipers->seconds[0]);
  if (interval_ms != NULL)
    *interval_ms = dt * 1000.0;
  if (rate_bpm != NULL)
    *rate_bpm = dt > 0.0 ? 60.0 / dt : 0.0;
  if (amplitude_mv != NULL)
    *amplitude_mv = calipers->millivolts[1] - calipers->millivolts[0];
  return TRUE;
}

char *
ecg_calipers_format (const EcgCalipers *calipers)
{
  double interval_ms, rate_bpm, amplitude_mv;
  if (!ecg_calipers_measure (calipers, &interval_ms, &rate_bpm, &amplitude_mv))
    return NULL;
  if (rate_bpm > 0.0)
    /* Translators: caliper measurement: interval, the rate it implies, amplitude difference. */
    return g_strdup_printf (_("Δt %.0f ms · %.0f bpm · ΔV %+.2f mV"), interval_ms, rate_bpm,
                            amplitude_mv);
  /* Translators: caliper measurement when both markers are at the same time. */
  return g_strdup_printf (_("Δt %.0f ms · ΔV %+.2f mV"), interval_ms, amplitude_mv);
}

void
ecg_calipers_draw (const EcgCalipers *calipers, cairo_t *cr, const double x[2],
                   const double y[2], double top, double bottom, gboolean dark,
                   PangoLayout *layout)
{
  const GdkRGBA *color = ecg_calipers_get_color (dark);
  gboolean both = calipers->placed[0] && calipers->placed[1];

  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, color);

  /* Vertical lines on whole pixels, so that they are crisp and testable. */
  for (int i = 0; i < 2; i++)
    if (calipers->placed[i])
      cairo_rectangle (cr, floor (x[i]), top, 1.0, bottom - top);
  cairo_fill (cr);

  /* Level lines through each marker, reaching 12 px beyond the pair. */
  double left = G_MAXDOUBLE, right = -G_MAXDOUBLE;
  for (int i = 0; i < 2; i++)
    if (calipers->placed[i])
      {
        left = MIN (left, x[i]);
        right = MAX (right, x[i]);
      }
  cairo_set_line_width (cr, 1.0);
  double dashes[] = { 4.0, 3.0 };
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0.0);
  for (int i = 0; i < 2; i++)
    if (calipers->placed[i])
      {
        double level = floor (y[i]) + 0.5;
        cairo_move_to (cr, left - 12.0, level);
        cairo_line_to (cr, right + 12.0, level);
      }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0.0);

  /* Handles: the marker the keys move is filled. */
  for (int i = 0; i < 2; i++)
    if (calipers->placed[i])
      {
        cairo_new_sub_path (cr);
        cairo_arc (cr, floor (x[i]) + 0.5, y[i], 4.0, 0.0, 2.0 * G_PI);
        if (i == calipers->active)
          cairo_fill (cr);
        else
          cairo_stroke (cr);
      }

  if (both)
    {
      /* A bracket between the two lines near the top, with the measurement above it. */
      double bracket_y = top + 4.5;
      cairo_move_to (cr, floor (left) + 1.0, bracket_y);
      cairo_line_to (cr, floor (right), bracket_y);
      cairo_stroke (cr);

      g_autofree char *text = ecg_calipers_format (calipers);
      int w, h;
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      double text_x = MAX ((left + right - w) / 2.0, 4.0), text_y = top + 8.0;
      /* A plate of the paper's opposite shade keeps the text readable over the trace. */
      cairo_rectangle (cr, text_x - 4.0, text_y - 1.0, w + 8.0, h + 2.0);
      if (dark)
        cairo_set_source_rgba (cr, 0.11, 0.12, 0.14, 0.9);
      else
        cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.9);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, color);
      cairo_move_to (cr, text_x, text_y);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}
