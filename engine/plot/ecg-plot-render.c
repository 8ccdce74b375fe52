/* ecg-plot-render.c — an EcgPlotSpec drawn with PLplot (cairo devices). */
#include "plot/ecg-plot-render.h"

#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ecg-error.h"
#include "plot/ecg-plot-csv.h"

/* PLplot's state is process-wide (see the header): one render at a time. This lock is the only
 * mutable global here, and it guards the library's globals, not ours. */
G_LOCK_DEFINE_STATIC (plplot);

/* PLplot's character height for a file at the default page size and for a widget (pixels at
 * the cairo devices' 72 dpi; points in PDF). Pango lays the text out at 96 dpi, so glyphs come
 * out 4/3 as large: 14 px text. */
#define TEXT_PX 10.5
/* Width of an average character of DejaVu Sans in PLplot character heights (0.6 em × 4/3). */
#define CHAR_WIDTH 0.8
/* Longest legend text; longer ones end in "…" so that the legend cannot crowd out the plot. */
#define LEGEND_MAX_CHARS 40
/* Loss curves with more points than this get a marker on every k-th point only. */
#define MAX_MARKERS_PER_SERIES 30

/* cmap0 indices. */
enum
{
  COLOUR_PAPER = 0, /* background */
  COLOUR_INK,       /* text, axes */
  COLOUR_GRID,
  COLOUR_MUTED, /* step boundaries */
  COLOUR_FRAME, /* legend frame */
  COLOUR_FRONT, /* Pareto front */
  COLOUR_SERIES,
};

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with the common forms of
 * colour-blindness; their yellow is left out (too light on white). */
static const guint8 series_rgb[][3] = {
  { 0, 114, 178 },   /* blue */
  { 213, 94, 0 },    /* vermillion */
  { 0, 158, 115 },   /* bluish green */
  { 204, 121, 167 }, /* reddish purple */
  { 230, 159, 0 },   /* orange */
  { 86, 180, 233 },  /* sky blue */
  { 0, 0, 0 },       /* black */
};

/* Marker glyphs (DejaVu Sans has them all). Six shapes against seven colours: the pair repeats
 * only after 42 series. */
static const char *const series_markers[] = { "●", "■", "▲", "◆", "▼", "★" };

static const char *const format_names[] = {
  [ECG_PLOT_FORMAT_PNG] = "png",
  [ECG_PLOT_FORMAT_SVG] = "svg",
  [ECG_PLOT_FORMAT_PDF] = "pdf",
  [ECG_PLOT_FORMAT_CSV] = "csv",
};

static const char *const format_devices[] = {
  [ECG_PLOT_FORMAT_PNG] = "pngcairo",
  [ECG_PLOT_FORMAT_SVG] = "svgcairo",
  [ECG_PLOT_FORMAT_PDF] = "pdfcairo",
  [ECG_PLOT_FORMAT_CSV] = NULL,
};

const char *
ecg_plot_format_to_string (EcgPlotFormat format)
{
  g_return_val_if_fail ((gsize)format < G_N_ELEMENTS (format_names), NULL);
  return format_names[format];
}

gboolean
ecg_plot_format_from_string (const char *text, EcgPlotFormat *format)
{
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (text, format_names[i]) == 0)
      {
        *format = (EcgPlotFormat)i;
        return TRUE;
      }
  return FALSE;
}

gboolean
ecg_plot_format_from_path (const char *path, EcgPlotFormat *format)
{
  const char *dot = path != NULL ? strrchr (path, '.') : NULL;
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  return ecg_plot_format_from_string (dot + 1, format);
}

/* ---- text ---- */

/* `text` made safe for PLplot: valid UTF-8, at most `max_chars` characters (0 = any), and '#'
 * doubled, since PLplot reads '#' as its escape character ("#u" superscript, ...) and "##" as
 * a literal '#'. Owned by the caller. */
static char *
plplot_text (const char *text, glong max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  if (max_chars > 0 && g_utf8_strlen (valid, -1) > max_chars)
    {
      char *end = g_utf8_offset_to_pointer (valid, max_chars - 1);
      *end = '\0';
      char *shortened = g_strconcat (valid, "…", NULL);
      g_free (valid);
      valid = shortened;
    }
  GString *escaped = g_string_new (NULL);
  for (const char *c = valid; *c != '\0'; c++)
    {
      if (*c == '#')
        g_string_append_c (escaped, '#');
      g_string_append_c (escaped, *c);
    }
  return g_string_free (escaped, FALSE);
}

/* ---- drawing ---- */

static void
set_colours (void)
{
  plscmap0n (COLOUR_SERIES + (PLINT)G_N_ELEMENTS (series_rgb));
  plscol0a (COLOUR_PAPER, 255, 255, 255, 1.0);
  plscol0a (COLOUR_INK, 25, 25, 25, 1.0);
  plscol0a (COLOUR_GRID, 222, 222, 222, 1.0);
  plscol0a (COLOUR_MUTED, 120, 120, 120, 1.0);
  plscol0a (COLOUR_FRAME, 175, 175, 175, 1.0);
  plscol0a (COLOUR_FRONT, 25, 25, 25, 1.0);
  for (gsize i = 0; i < G_N_ELEMENTS (series_rgb); i++)
    plscol0a (COLOUR_SERIES + (PLINT)i, series_rgb[i][0], series_rgb[i][1], series_rgb[i][2], 1.0);
}

static PLINT
series_colour (guint index)
{
  return COLOUR_SERIES + (PLINT)(index % G_N_ELEMENTS (series_rgb));
}

static const char *
series_marker (guint index)
{
  return series_markers[index % G_N_ELEMENTS (series_markers)];
}

/* The legend's entries: one per series, then the front or the step boundaries. PLplot's
 * pllegend draws the frame, lines and texts; the markers are drawn over the middle of each line
 * here (pllegend would put a single one at the line's left end). */
typedef struct
{
  int n;
  PLINT *opt;
  char **text; /* escaped for PLplot */
  PLINT *text_colours;
  PLINT *line_colours;
  PLINT *line_styles;
  PLFLT *line_widths;
  const char **markers; /* NULL: a line only */
  glong longest;        /* characters of the longest text */
} Legend;

static void
legend_init (Legend *legend, int capacity)
{
  legend->n = 0;
  legend->opt = g_new0 (PLINT, capacity);
  legend->text = g_new0 (char *, capacity + 1);
  legend->text_colours = g_new0 (PLINT, capacity);
  legend->line_colours = g_new0 (PLINT, capacity);
  legend->line_styles = g_new0 (PLINT, capacity);
  legend->line_widths = g_new0 (PLFLT, capacity);
  legend->markers = g_new0 (const char *, capacity);
  legend->longest = 0;
}

static void
legend_clear (Legend *legend)
{
  g_free (legend->opt);
  g_strfreev (legend->text);
  g_free (legend->text_colours);
  g_free (legend->line_colours);
  g_free (legend->line_styles);
  g_free (legend->line_widths);
  g_free (legend->markers);
}

static void
legend_add (Legend *legend, const char *text, PLINT colour, PLINT line_style, PLFLT line_width,
            const char *marker)
{
  int i = legend->n++;
  legend->opt[i] = PL_LEGEND_LINE;
  legend->text[i] = plplot_text (text, LEGEND_MAX_CHARS);
  legend->longest = MAX (legend->longest, MIN (g_utf8_strlen (text, -1), LEGEND_MAX_CHARS));
  legend->text_colours[i] = COLOUR_INK;
  legend->line_colours[i] = colour;
  legend->line_styles[i] = line_style;
  legend->line_widths[i] = line_width;
  legend->markers[i] = marker;
}

/* Draws entries [first, first + count) of the legend with its top-left corner at the top-left
 * of the current viewport, or its top-right corner at the viewport's top-right (`inside`),
 * line samples `sample_mm` long; framed on a white background unless it stands below the plot.
 * The world window must be (0, 1) × (0, 1). */
static void
legend_draw (const Legend *legend, int first, int count, gboolean inside, gboolean framed,
             double viewport_w_mm, double page_w_mm, double page_h_mm, double char_mm,
             double sample_mm)
{
  const double offset = inside ? 0.01 : 0.0;
  PLINT position
      = PL_POSITION_TOP | PL_POSITION_INSIDE | (inside ? PL_POSITION_RIGHT : PL_POSITION_LEFT);
  PLINT opt = framed ? PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX : PL_LEGEND_NONE;
  PLFLT width, height;
  pllegend (&width, &height, opt, position, offset, offset, sample_mm / viewport_w_mm, COLOUR_PAPER,
            COLOUR_FRAME, 1, 0, 0, count, legend->opt + first, 1.0, 1.0, 2.0, 0.0,
            legend->text_colours + first, (const char *const *)legend->text + first, NULL, NULL,
            NULL, NULL, legend->line_colours + first, legend->line_styles + first,
            legend->line_widths + first, NULL, NULL, NULL, NULL);
  /* pllegend's geometry (PLplot 5.15): the box is `width` × `height` (viewport units), rows
   * are height / count apart with the line at each row's middle, and the line starts 0.4
   * character heights — measured in normalised subpage y units but applied to x — right of
   * the box's left edge. */
  double left = inside ? 1.0 - offset - width : offset;
  double top = 1.0 - offset;
  double border = 0.4 * (char_mm / page_h_mm) * page_w_mm / viewport_w_mm;
  double x = left + border + 0.5 * sample_mm / viewport_w_mm;
  plschr (char_mm, 1.0);
  for (int i = 0; i < count; i++)
    {
      if (legend->markers[first + i] == NULL)
        continue;
      PLFLT xs[1] = { x }, ys[1] = { top - (i + 0.5) * height / count };
      plcol0 (legend->line_colours[first + i]);
      plstring (1, xs, ys, legend->markers[first + i]);
    }
}

typedef enum
{
  LEGEND_NONE,
  LEGEND_RIGHT,
  LEGEND_BELOW,
  LEGEND_INSIDE,
} LegendPlace;

/* TRUE when the series that have step boundaries all have the same ones: they are drawn once,
 * in grey; otherwise each in its series' colour. */
static gboolean
step_ends_shared (const EcgPlotSpec *spec)
{
  const GArray *first = NULL;
  for (guint i = 0; i < spec->series->len; i++)
    {
      const GArray *ends = ((const EcgPlotSeries *)g_ptr_array_index (spec->series, i))->step_ends;
      if (ends->len == 0)
        continue;
      if (first == NULL)
        first = ends;
      else if (ends->len != first->len
               || memcmp (ends->data, first->data, first->len * sizeof (double)) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
draw_vertical (double x, double y_min, double y_max, double x_min, double x_max)
{
  if (!isfinite (x) || x < x_min || x > x_max)
    return;
  PLFLT xs[2] = { x, x }, ys[2] = { y_min, y_max };
  plline (2, xs, ys);
}

/* The front as the staircase of the best macro-F1 reachable within an energy budget: flat from
 * each front point to the next one's energy, up to its F1, and flat after the last one to the
 * axis' end. */
static void
draw_front (const GArray *front, double x_max, double line_width)
{
  if (front->len == 0)
    return;
  g_autofree PLFLT *xs = g_new (PLFLT, 2 * front->len);
  g_autofree PLFLT *ys = g_new (PLFLT, 2 * front->len);
  PLINT n = 0;
  for (guint i = 0; i < front->len; i++)
    {
      const EcgPlotPoint *p = &g_array_index (front, EcgPlotPoint, i);
      if (!isfinite (p->x) || !isfinite (p->y))
        continue;
      if (n > 0)
        {
          xs[n] = p->x;
          ys[n] = ys[n - 1];
          n++;
        }
      xs[n] = p->x;
      ys[n] = p->y;
      n++;
    }
  if (n == 0)
    return;
  xs[n] = MAX (x_max, xs[n - 1]);
  ys[n] = ys[n - 1];
  n++;
  plcol0 (COLOUR_FRONT);
  plwidth (line_width);
  pllsty (3);
  plline (n, xs, ys);
  pllsty (1);
}

static void
draw_series (const EcgPlotSeries *series, guint index, double char_mm, double line_width)
{
  guint n = series->points->len;
  g_autofree PLFLT *xs = g_new (PLFLT, MAX (n, 1));
  g_autofree PLFLT *ys = g_new (PLFLT, MAX (n, 1));
  PLINT m = 0;
  for (guint j = 0; j < n; j++)
    {
      const EcgPlotPoint *p = &g_array_index (series->points, EcgPlotPoint, j);
      if (!isfinite (p->x) || !isfinite (p->y))
        continue;
      xs[m] = p->x;
      ys[m] = p->y;
      m++;
    }
  if (m == 0)
    return;
  plcol0 (series_colour (index));
  plwidth (line_width);
  pllsty (1);
  if (m >= 2)
    plline (m, xs, ys);
  /* Markers: every point, or every k-th of a long curve. */
  PLINT every = (m + MAX_MARKERS_PER_SERIES - 1) / MAX_MARKERS_PER_SERIES;
  PLINT k = 0;
  for (PLINT j = 0; j < m; j += every)
    {
      xs[k] = xs[j];
      ys[k] = ys[j];
      k++;
    }
  plschr (char_mm, 1.0);
  plstring (k, xs, ys, series_marker (index));
}

/* Draws the whole figure on the current (initialised) stream. `text_px` is PLplot's character
 * height in device pixels (cairo devices work at 72 dpi: 1 px = 25.4 / 72 mm). */
static void
draw (const EcgPlotSpec *spec, double text_px)
{
  const double char_mm = text_px * 25.4 / 72.0;
  const double line_width = 2.0 * text_px / TEXT_PX;
  pladv (0);
  plschr (char_mm, 1.0);
  plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);

  PLFLT page_x0, page_x1, page_y0, page_y1;
  plgspa (&page_x0, &page_x1, &page_y0, &page_y1);
  const double page_w = page_x1 - page_x0, page_h = page_y1 - page_y0;

  double x_min, x_max, y_min, y_max;
  gboolean has_points = ecg_plot_spec_get_bounds (spec, &x_min, &x_max, &y_min, &y_max);

  Legend legend;
  legend_init (&legend, (int)spec->series->len + 2);
  gboolean shared_ends = step_ends_shared (spec);
  gboolean any_ends = FALSE;
  for (guint i = 0; i < spec->series->len; i++)
    {
      const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
      g_autofree char *text = series->points->len > 0
                                  ? g_strdup (series->label)
                                  : g_strdup_printf ("%s (no points)", series->label);
      legend_add (&legend, text, series_colour (i), 1, line_width, series_marker (i));
      any_ends |= series->step_ends->len > 0;
    }
  if (spec->pareto->len > 0)
    legend_add (&legend, "Pareto front", COLOUR_FRONT, 3, line_width, NULL);
  if (any_ends)
    legend_add (&legend, "step boundary", COLOUR_MUTED, 2, 0.75 * line_width, NULL);

  /* Margins in mm: room for the y tick labels and label on the left, the x ones below, the
   * title above. The legend goes right of the plot when that leaves the plot half the page;
   * else below the x label in as many columns as fit, when that leaves the plot 45 % of the
   * page's height; else inside the plot's top-right corner. */
  double left = 6.6 * char_mm, right = 1.5 * char_mm;
  double bottom = 4.4 * char_mm, top = 3.4 * char_mm;
  const double gap = char_mm, sample_mm = 3.5 * char_mm, row_mm = 2.0 * char_mm;
  double legend_w = sample_mm + 2.3 * char_mm + CHAR_WIDTH * char_mm * (double)legend.longest;
  LegendPlace place = LEGEND_NONE;
  int columns = 1, rows = legend.n;
  if (has_points && legend.n > 0)
    {
      double free_w = page_w - left - right;
      columns = CLAMP ((int)((free_w + gap) / (legend_w + gap)), 1, legend.n);
      rows = (legend.n + columns - 1) / columns;
      if (free_w - gap - legend_w >= 0.5 * page_w)
        {
          place = LEGEND_RIGHT;
          right += gap + legend_w;
        }
      else if (legend_w <= free_w && page_h - top - bottom - rows * row_mm - gap >= 0.45 * page_h)
        {
          place = LEGEND_BELOW;
          bottom += rows * row_mm + gap;
        }
      else
        place = LEGEND_INSIDE;
    }
  double plot_w = page_w - left - right, plot_h = page_h - bottom - top;
  if (plot_w <= char_mm || plot_h <= char_mm)
    {
      legend_clear (&legend);
      return;
    }
  plsvpa (left, left + plot_w, bottom, bottom + plot_h);
  if (has_points)
    plwind (x_min, x_max, y_min, y_max);
  else
    plwind (0.0, 1.0, 0.0, 1.0);

  /* Grid under everything. */
  plcol0 (COLOUR_GRID);
  plwidth (0.5 * line_width);
  pllsty (1);
  plbox ("g", 0.0, 0, "g", 0.0, 0);

  if (has_points)
    {
      /* Step boundaries, then the front, then the series on top. */
      plwidth (0.75 * line_width);
      pllsty (2);
      gboolean drawn_shared = FALSE;
      for (guint i = 0; i < spec->series->len && !drawn_shared; i++)
        {
          const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
          if (series->step_ends->len == 0)
            continue;
          drawn_shared = shared_ends;
          plcol0 (shared_ends ? COLOUR_MUTED : series_colour (i));
          for (guint j = 0; j < series->step_ends->len; j++)
            draw_vertical (g_array_index (series->step_ends, double, j), y_min, y_max, x_min,
                           x_max);
        }
      pllsty (1);
      draw_front (spec->pareto, x_max, line_width);
      for (guint i = 0; i < spec->series->len; i++)
        draw_series (g_ptr_array_index (spec->series, i), i, char_mm, line_width);
    }
  else
    {
      plcol0 (COLOUR_MUTED);
      plschr (char_mm, 1.0);
      plptex (0.5, 0.5, 1.0, 0.0, 0.5, "No data: no step has the figures this plot shows");
    }

  /* Axes, labels and title. */
  plcol0 (COLOUR_INK);
  plwidth (0.5 * line_width);
  plschr (char_mm, 1.0);
  if (has_points)
    plbox ("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
  else
    plbox ("bc", 0.0, 0, "bc", 0.0, 0);
  g_autofree char *x_label = plplot_text (spec->x_label, 0);
  g_autofree char *y_label = plplot_text (spec->y_label, 0);
  g_autofree char *title = plplot_text (spec->title, 0);
  plmtex ("b", 3.0, 0.5, 0.5, x_label);
  plmtex ("l", 5.0, 0.5, 0.5, y_label);
  /* The title is centred on the page, not over the plot, which the legend shifts left. */
  plschr (char_mm, 1.15);
  plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_BOLD);
  plmtex ("t", 1.3, (0.5 * page_w - left) / plot_w, 0.5, title);
  plsfont (PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);
  plschr (char_mm, 1.0);

  switch (place)
    {
    case LEGEND_RIGHT:
      plsvpa (left + plot_w + gap, left + plot_w + gap + legend_w, bottom, bottom + plot_h);
      plwind (0.0, 1.0, 0.0, 1.0);
      legend_draw (&legend, 0, legend.n, FALSE, TRUE, legend_w, page_w, page_h, char_mm, sample_mm);
      break;
    case LEGEND_BELOW:
      {
        /* Columns of equal width, centred under the plot, entries down each column. */
        double total_w = columns * legend_w + (columns - 1) * gap;
        double x0 = left + MAX (0.0, 0.5 * (plot_w - total_w));
        double y0 = 0.5 * gap;
        for (int c = 0; c < columns && c * rows < legend.n; c++)
          {
            double x = x0 + c * (legend_w + gap);
            plsvpa (x, x + legend_w, y0, y0 + rows * row_mm);
            plwind (0.0, 1.0, 0.0, 1.0);
            legend_draw (&legend, c * rows, MIN (rows, legend.n - c * rows), FALSE, FALSE, legend_w,
                         page_w, page_h, char_mm, sample_mm);
          }
        break;
      }
    case LEGEND_INSIDE:
      plwind (0.0, 1.0, 0.0, 1.0);
      legend_draw (&legend, 0, legend.n, TRUE, TRUE, plot_w, page_w, page_h, char_mm, sample_mm);
      break;
    case LEGEND_NONE:
      break;
    }
  legend_clear (&legend);
}

/* ---- devices ---- */

static gboolean
device_available (const char *device, GError **error)
{
  /* plsdev() with an unknown device asks for one on stdin: look it up first. */
  const char *menu_storage[128], *name_storage[128];
  const char **menus = menu_storage, **names = name_storage;
  int n = G_N_ELEMENTS (name_storage);
  plgDevs (&menus, &names, &n);
  for (int i = 0; i < n; i++)
    if (names[i] != NULL && strcmp (names[i], device) == 0)
      return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
               "PLplot has no %s device (is plplot-driver-cairo installed?)", device);
  return FALSE;
}

/* PLplot retries a file it cannot open a few times and then ends the process: try it here
 * (this creates or empties the file). */
static gboolean
file_writable (const char *path, GError **error)
{
  FILE *probe = g_fopen (path, "wb");
  if (probe == NULL)
    {
      int saved = errno;
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "cannot write %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  fclose (probe);
  return TRUE;
}

/* A fresh stream, made current; the previous one goes to *previous. FALSE when PLplot has no
 * free stream. */
static gboolean
begin_stream (PLINT *previous, GError **error)
{
  plgstrm (previous);
  PLINT stream = -1;
  plmkstrm (&stream);
  if (stream < 0)
    {
      plsstrm (*previous);
      g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED, "PLplot has no free stream left");
      return FALSE;
    }
  return TRUE;
}

static void
end_stream (PLINT previous)
{
  plend1 ();
  plsstrm (previous);
}

gboolean
ecg_plot_render_file (const EcgPlotSpec *spec, EcgPlotFormat format, const char *path, int width,
                      int height, GError **error)
{
  g_return_val_if_fail (spec != NULL && path != NULL, FALSE);
  if ((gsize)format >= G_N_ELEMENTS (format_devices) || format_devices[format] == NULL)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "%s: PLplot draws PNG, SVG or PDF only",
                   path);
      return FALSE;
    }
  if (width < ECG_PLOT_MIN_SIZE || width > ECG_PLOT_MAX_SIZE || height < ECG_PLOT_MIN_SIZE
      || height > ECG_PLOT_MAX_SIZE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s: a page of %d × %d is outside %d–%d on each side", path, width, height,
                   ECG_PLOT_MIN_SIZE, ECG_PLOT_MAX_SIZE);
      return FALSE;
    }
  /* Text and lines grow with the page, as a figure scaled up would. */
  double scale
      = MIN ((double)width / ECG_PLOT_DEFAULT_WIDTH, (double)height / ECG_PLOT_DEFAULT_HEIGHT);
  double text_px = TEXT_PX * CLAMP (scale, 0.75, 4.0);

  G_LOCK (plplot);
  PLINT previous;
  gboolean ok = device_available (format_devices[format], error) && file_writable (path, error)
                && begin_stream (&previous, error);
  if (ok)
    {
      plsdev (format_devices[format]);
      plsfnam (path);
      plspage (0.0, 0.0, width, height, 0, 0);
      set_colours ();
      plinit ();
      draw (spec, text_px);
      end_stream (previous);
    }
  G_UNLOCK (plplot);
  if (!ok)
    return FALSE;

  GStatBuf st;
  if (g_stat (path, &st) != 0 || st.st_size == 0)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "PLplot wrote nothing to %s", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
ecg_plot_export (const EcgPlotSpec *spec, EcgPlotFormat format, const char *path, int width,
                 int height, GError **error)
{
  if (format == ECG_PLOT_FORMAT_CSV)
    return ecg_plot_write_csv (spec, path, error);
  return ecg_plot_render_file (spec, format, path, width, height, error);
}

gboolean
ecg_plot_render_cairo (const EcgPlotSpec *spec, cairo_t *cr, int width, int height, GError **error)
{
  g_return_val_if_fail (spec != NULL && cr != NULL, FALSE);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, MAX (width, 0), MAX (height, 0));
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_paint (cr);
  gboolean ok = TRUE;
  if (width >= 80 && height >= 60)
    {
      G_LOCK (plplot);
      PLINT previous;
      ok = device_available ("extcairo", error) && begin_stream (&previous, error);
      if (ok)
        {
          plsdev ("extcairo");
          plspage (0.0, 0.0, width, height, 0, 0);
          set_colours ();
          plinit ();
          /* extcairo takes the context only now, and changes its transform: hence the
           * save/restore around the whole render. */
          pl_cmd (PLESC_DEVINIT, cr);
          draw (spec, TEXT_PX);
          end_stream (previous);
        }
      G_UNLOCK (plplot);
    }
  cairo_restore (cr);
  return ok;
}
