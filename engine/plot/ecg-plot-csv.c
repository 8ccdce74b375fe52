/* ecg-plot-csv.c — a figure's points as CSV. */
#include "plot/ecg-plot-csv.h"

#include <string.h>

#include "ecg-error.h"

static void
append_field (GString *csv, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *c);
    }
  g_string_append_c (csv, '"');
}

static void
append_row (GString *csv, const char *label, const EcgPlotPoint *point)
{
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (csv, "%" G_GINT64_FORMAT ",", point->run);
  append_field (csv, label);
  g_string_append_printf (csv, ",%d,%s,%s\n", point->step,
                          g_ascii_formatd (x, sizeof x, "%.12g", point->x),
                          g_ascii_formatd (y, sizeof y, "%.12g", point->y));
}

char *
ecg_plot_spec_to_csv (const EcgPlotSpec *spec)
{
  GString *csv = g_string_new ("run,label,step,x,y\n");
  for (guint i = 0; i < spec->series->len; i++)
    {
      const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
      for (guint j = 0; j < series->points->len; j++)
        append_row (csv, series->label, &g_array_index (series->points, EcgPlotPoint, j));
    }
  for (guint j = 0; j < spec->pareto->len; j++)
    append_row (csv, "Pareto front", &g_array_index (spec->pareto, EcgPlotPoint, j));
  return g_string_free (csv, FALSE);
}

gboolean
ecg_plot_write_csv (const EcgPlotSpec *spec, const char *path, GError **error)
{
  g_autofree char *csv = ecg_plot_spec_to_csv (spec);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, csv, -1, &local))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "cannot write CSV file %s: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
