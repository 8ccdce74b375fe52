/* ecg-strip-export.c — a record strip drawn in millimetres and written as a PDF page (see the
 * header for the page geometry). */
#include "ecg-strip-export.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ecg-error.h"
#include "ecg-waveform-view.h"

#define PT_PER_MM (72.0 / 25.4)
#define MINOR_LINE_MM 0.08
#define MAJOR_LINE_MM 0.2
#define TRACE_LINE_MM 0.25
/* Baseline of a row below its top: on a major line, 2 mV (20 mm) of headroom. */
#define BASELINE_BELOW_TOP_MM 20.0

typedef struct
{
  int lead;           /* index into EcgStrip.leads, -1 when the record lacks the lead */
  char *name;
  double from_s;
  double to_s;
} StripSegment;

typedef struct
{
  double mm_per_unit;
  float *samples;     /* EcgStrip.n_samples values from EcgStrip.first_sample on */
} StripLead;

struct _EcgStrip
{
  char *record_name;
  double fs;
  double start_s;
  double duration_s;
  char *filters;

  int n_rows;
  GArray **rows;      /* StripSegment per row, in time order */

  int n_leads;
  StripLead *leads;
  gint64 first_sample;
  gint64 n_samples;
};

static void
segment_clear (gpointer data)
{
  StripSegment *segment = data;
  g_free (segment->name);
}

/* The paper gain is per mV; other units are scaled to it. */
static double
mm_per_unit (const EcgLead *lead)
{
  const char *units = lead->units != NULL ? lead->units : "mV";
  if (g_str_equal (units, "uV") || g_str_equal (units, "\xc2\xb5V")
      || g_str_equal (units, "\xce\xbcV"))
    return ECG_PAPER_GAIN_MM_PER_MV / 1000.0;
  if (g_str_equal (units, "V"))
    return ECG_PAPER_GAIN_MM_PER_MV * 1000.0;
  return ECG_PAPER_GAIN_MM_PER_MV;
}

EcgStrip *
ecg_strip_new (const EcgRecord *record, const float *const *samples, EcgLeadLayout layout,
               double start_s, double duration_s, const char *filters)
{
  g_return_val_if_fail (record != NULL, NULL);
  if (!(record->fs > 0.0) || record->n_samples <= 0 || record->n_leads <= 0)
    return NULL;
  double record_s = (double) record->n_samples / record->fs;
  start_s = CLAMP (start_s, 0.0, record_s);
  double end_s = MIN (start_s + duration_s, record_s);
  if (!(end_s > start_s))
    return NULL;

  EcgStrip *strip = g_new0 (EcgStrip, 1);
  strip->record_name = g_strdup (record->name != NULL ? record->name : "");
  strip->fs = record->fs;
  strip->start_s = start_s;
  strip->duration_s = end_s - start_s;
  strip->filters = g_strdup (filters);

  /* One sample beyond each end, so that the trace reaches the grid's edges. */
  gint64 first = MAX ((gint64) floor (start_s * record->fs) - 1, 0);
  gint64 last = MIN ((gint64) ceil (end_s * record->fs) + 1, record->n_samples - 1);
  strip->first_sample = first;
  strip->n_samples = last - first + 1;
  strip->n_leads = record->n_leads;
  strip->leads = g_new0 (StripLead, record->n_leads);
  for (int i = 0; i < record->n_leads; i++)
    {
      const float *source = samples != NULL ? samples[i] : record->leads[i].samples;
      strip->leads[i].mm_per_unit = mm_per_unit (&record->leads[i]);
      strip->leads[i].samples = g_memdup2 (source + first,
                                           (gsize) strip->n_samples * sizeof (float));
    }

  strip->n_rows = ecg_lead_layout_get_n_rows (layout, record);
  strip->rows = g_new0 (GArray *, strip->n_rows);
  for (int row = 0; row < strip->n_rows; row++)
    {
      g_autoptr (GArray) segments
        = ecg_lead_layout_get_segments (layout, record, row, start_s, end_s);
      strip->rows[row] = g_array_new (FALSE, FALSE, sizeof (StripSegment));
      g_array_set_clear_func (strip->rows[row], segment_clear);
      for (guint k = 0; k < segments->len; k++)
        {
          const EcgLeadSegment *s = &g_array_index (segments, EcgLeadSegment, k);
          StripSegment copy = {
            .lead = s->lead,
            .name = s->name != NULL && s->name[0] != '\0'
                      ? g_strdup (s->name)
                      : g_strdup_printf (_("Lead %d"), s->lead + 1),
            .from_s = MAX (s->from_s, start_s),
            .to_s = MIN (s->to_s, end_s),
          };
          g_array_append_val (strip->rows[row], copy);
        }
    }
  return strip;
}

void
ecg_strip_free (EcgStrip *strip)
{
  if (strip == NULL)
    return;
  for (int i = 0; i < strip->n_leads; i++)
    g_free (strip->leads[i].samples);
  g_free (strip->leads);
  for (int row = 0; row < strip->n_rows; row++)
    g_array_unref (strip->rows[row]);
  g_free (strip->rows);
  g_free (strip->filters);
  g_free (strip->record_name);
  g_free (strip);
}

double
ecg_strip_get_start (const EcgStrip *strip)
{
  return strip->start_s;
}

double
ecg_strip_get_duration (const EcgStrip *strip)
{
  return strip->duration_s;
}

int
ecg_strip_get_n_rows (const EcgStrip *strip)
{
  return strip->n_rows;
}

void
ecg_strip_get_page_size (const EcgStrip *strip, double *width_mm, double *height_mm)
{
  *width_mm = 2.0 * ECG_STRIP_MARGIN_MM + ECG_PAPER_SPEED_MM_PER_S * strip->duration_s;
  *height_mm = ECG_STRIP_CAPTION_MM + strip->n_rows * ECG_STRIP_ROW_MM + ECG_STRIP_MARGIN_MM;
}

/* "1:05.2" (minutes, seconds, tenths); hours when needed. Returns an owned string. */
static char *
format_time (double seconds)
{
  gint64 tenths = (gint64) floor (seconds * 10.0 + 0.5);
  gint64 whole = tenths / 10;
  if (whole >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d.%d", whole / 3600,
                            (int) (whole / 60 % 60), (int) (whole % 60), (int) (tenths % 10));
  return g_strdup_printf ("%d:%02d.%d", (int) (whole / 60), (int) (whole % 60),
                          (int) (tenths % 10));
}

char *
ecg_strip_get_caption (const EcgStrip *strip)
{
  g_autofree char *from = format_time (strip->start_s);
  g_autofree char *to = format_time (strip->start_s + strip->duration_s);
  /* Translators: caption of a printed ECG strip: record name, time span, paper speed, gain. */
  g_autofree char *caption = g_strdup_printf (_("Record %s · %s – %s · %g mm/s · %g mm/mV"),
                                              strip->record_name, from, to,
                                              ECG_PAPER_SPEED_MM_PER_S,
                                              ECG_PAPER_GAIN_MM_PER_MV);
  if (strip->filters == NULL || strip->filters[0] == '\0')
    return g_steal_pointer (&caption);
  return g_strdup_printf ("%s · %s", caption, strip->filters);
}

static void
set_source (cairo_t *cr, const GdkRGBA *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

/* A layout whose font sizes are in points on a millimetre canvas (25.4 units per inch), with
 * unhinted metrics so that the text is laid out the same at any scale. */
static PangoLayout *
create_layout (cairo_t *cr, const char *font, const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  pango_cairo_context_set_resolution (context, 25.4);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (layout);

  PangoFontDescription *description = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, description);
  pango_font_description_free (description);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
draw_grid (const EcgStrip *strip, cairo_t *cr, const EcgPaperPalette *palette, double left,
           double top, double width, double height)
{
  int n_x = (int) floor (width + 1e-9), n_y = (int) floor (height + 1e-9);

  /* Minor lines first, then major lines over them. */
  for (int pass = 0; pass < 2; pass++)
    {
      gboolean major = pass == 1;
      cairo_set_line_width (cr, major ? MAJOR_LINE_MM : MINOR_LINE_MM);
      for (int i = 0; i <= n_x; i++)
        if ((i % 5 == 0) == major)
          {
            cairo_move_to (cr, left + i, top);
            cairo_line_to (cr, left + i, top + height);
          }
      for (int j = 0; j <= n_y; j++)
        if ((j % 5 == 0) == major)
          {
            cairo_move_to (cr, left, top + j);
            cairo_line_to (cr, left + width, top + j);
          }
      set_source (cr, major ? &palette->major_line : &palette->minor_line);
      cairo_stroke (cr);
    }
}

/* The samples of `segment` joined in order, NaN lifting the pen. */
static void
add_segment_path (const EcgStrip *strip, cairo_t *cr, const StripSegment *segment,
                  double left, double baseline)
{
  const StripLead *lead = &strip->leads[segment->lead];
  gint64 s0 = MAX ((gint64) floor (segment->from_s * strip->fs) - strip->first_sample, 0);
  gint64 s1 = MIN ((gint64) ceil (segment->to_s * strip->fs) - strip->first_sample,
                   strip->n_samples - 1);
  gboolean pen_down = FALSE;
  for (gint64 s = s0; s <= s1; s++)
    {
      float v = lead->samples[s];
      if (isnan (v))
        {
          pen_down = FALSE;
          continue;
        }
      double t = (double) (strip->first_sample + s) / strip->fs;
      double x = left + (t - strip->start_s) * ECG_PAPER_SPEED_MM_PER_S;
      double y = baseline - v * lead->mm_per_unit;
      if (pen_down)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen_down = TRUE;
    }
}

void
ecg_strip_draw (const EcgStrip *strip, cairo_t *cr)
{
  g_return_if_fail (strip != NULL);
  const EcgPaperPalette *palette = ecg_waveform_view_get_palette (FALSE);
  double page_width, page_height;
  ecg_strip_get_page_size (strip, &page_width, &page_height);
  double left = ECG_STRIP_MARGIN_MM, top = ECG_STRIP_CAPTION_MM;
  double grid_width = ECG_PAPER_SPEED_MM_PER_S * strip->duration_s;
  double grid_height = strip->n_rows * ECG_STRIP_ROW_MM;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_paint (cr);
  cairo_rectangle (cr, left, top, grid_width, grid_height);
  set_source (cr, &palette->paper);
  cairo_fill (cr);
  draw_grid (strip, cr, palette, left, top, grid_width, grid_height);

  /* Caption above the grid, the research-use notice below it. */
  g_autofree char *caption = ecg_strip_get_caption (strip);
  g_autoptr (PangoLayout) caption_layout = create_layout (cr, "Sans 10", caption);
  set_source (cr, &palette->lead_label);
  cairo_move_to (cr, left, 5.0);
  pango_cairo_show_layout (cr, caption_layout);
  g_autoptr (PangoLayout) notice_layout
    = create_layout (cr, "Sans 7", _("Research use only — not a medical device."));
  set_source (cr, &palette->other_label);
  cairo_move_to (cr, left, top + grid_height + 3.0);
  pango_cairo_show_layout (cr, notice_layout);

  g_autoptr (PangoLayout) name_layout = create_layout (cr, "Sans Bold 9", "");
  for (int row = 0; row < strip->n_rows; row++)
    {
      double row_top = top + row * ECG_STRIP_ROW_MM;
      double baseline = row_top + BASELINE_BELOW_TOP_MM;

      /* Calibration pulse: 1 mV (10 mm) for 0.2 s (5 mm), in the left margin. */
      cairo_set_line_width (cr, TRACE_LINE_MM);
      cairo_move_to (cr, 2.0, baseline);
      cairo_line_to (cr, 3.5, baseline);
      cairo_line_to (cr, 3.5, baseline - ECG_PAPER_GAIN_MM_PER_MV);
      cairo_line_to (cr, 8.5, baseline - ECG_PAPER_GAIN_MM_PER_MV);
      cairo_line_to (cr, 8.5, baseline);
      cairo_line_to (cr, left, baseline);
      set_source (cr, &palette->trace);
      cairo_stroke (cr);

      GArray *segments = strip->rows[row];
      for (guint k = 0; k < segments->len; k++)
        {
          const StripSegment *segment = &g_array_index (segments, StripSegment, k);
          double x0 = left + (segment->from_s - strip->start_s) * ECG_PAPER_SPEED_MM_PER_S;
          double x1 = left + (segment->to_s - strip->start_s) * ECG_PAPER_SPEED_MM_PER_S;

          if (segment->lead >= 0)
            {
              /* A lead stays in its row and its segment. */
              cairo_save (cr);
              cairo_rectangle (cr, x0, row_top, x1 - x0, ECG_STRIP_ROW_MM);
              cairo_clip (cr);
              add_segment_path (strip, cr, segment, left, baseline);
              cairo_set_line_width (cr, TRACE_LINE_MM);
              cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
              set_source (cr, &palette->trace);
              cairo_stroke (cr);
              cairo_restore (cr);
            }
          /* A short bar marks where one lead gives way to the next. */
          if (k > 0)
            {
              cairo_set_line_width (cr, 0.35);
              cairo_move_to (cr, x0, baseline - 4.0);
              cairo_line_to (cr, x0, baseline + 4.0);
              set_source (cr, &palette->trace);
              cairo_stroke (cr);
            }
          pango_layout_set_text (name_layout, segment->name, -1);
          set_source (cr, &palette->lead_label);
          cairo_move_to (cr, x0 + 1.5, row_top + 1.5);
          pango_cairo_show_layout (cr, name_layout);
        }
    }
  cairo_restore (cr);
}

gboolean
ecg_strip_write_pdf (const EcgStrip *strip, const char *path, GError **error)
{
  g_return_val_if_fail (strip != NULL, FALSE);
  double width_mm, height_mm;
  ecg_strip_get_page_size (strip, &width_mm, &height_mm);

  cairo_surface_t *surface
    = cairo_pdf_surface_create (path, width_mm * PT_PER_MM, height_mm * PT_PER_MM);
  g_autofree char *title = ecg_strip_get_caption (strip);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "ECG Workbench");
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, PT_PER_MM, PT_PER_MM);
  ecg_strip_draw (strip, cr);
  cairo_show_page (cr);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, _("Could not write the strip to “%s”: %s"),
                   display, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  EcgStrip *strip;
  char *path;
} WriteData;

static void
write_data_free (WriteData *data)
{
  ecg_strip_free (data->strip);
  g_free (data->path);
  g_free (data);
}

static void
write_thread (GTask *task, gpointer source_object, gpointer task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (ecg_error_set_if_cancelled (cancellable, &error)
      || !ecg_strip_write_pdf (data->strip, data->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
ecg_strip_write_pdf_async (EcgStrip *strip, GFile *file, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_strip_write_pdf_async);
  WriteData *data = g_new0 (WriteData, 1);
  data->strip = strip;
  data->path = g_file_get_path (file);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  if (data->path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                               _("Cannot write the strip to “%s”: not a local file"), uri);
      return;
    }
  g_task_run_in_thread (task, write_thread);
}

gboolean
ecg_strip_write_pdf_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
