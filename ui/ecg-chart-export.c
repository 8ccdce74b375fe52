/* ecg-chart-export.c — Cairo image / SVG / PDF surfaces into memory, then an asynchronous
 * g_file_replace_contents. */
#include "ecg-chart-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "ecg-error.h"

static cairo_status_t
append_to_array (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
ecg_chart_render_bytes (EcgPlotFormat format, int width, int height, EcgChartDrawFunc draw,
                        gpointer user_data, GError **error)
{
  g_return_val_if_fail (draw != NULL, NULL);
  if (width < ECG_PLOT_MIN_SIZE || width > ECG_PLOT_MAX_SIZE || height < ECG_PLOT_MIN_SIZE
      || height > ECG_PLOT_MAX_SIZE)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "chart size %d × %d is outside %d..%d", width, height, ECG_PLOT_MIN_SIZE,
                   ECG_PLOT_MAX_SIZE);
      return NULL;
    }

  GByteArray *array = g_byte_array_new ();
  cairo_surface_t *surface = NULL;
  switch (format)
    {
    case ECG_PLOT_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    case ECG_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_to_array, array, width, height);
      break;
    case ECG_PLOT_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_to_array, array, width, height);
      break;
    case ECG_PLOT_FORMAT_CSV:
    default:
      g_byte_array_unref (array);
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "a chart picture cannot be %s",
                   ecg_plot_format_to_string (format));
      return NULL;
    }

  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_paint (cr);
  cairo_save (cr);
  draw (cr, width, height, user_data);
  cairo_restore (cr);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == ECG_PLOT_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_to_array, array);
  /* Finishing a vector surface flushes the document into the array. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (array);
      g_set_error (error, ECG_ERROR, ECG_ERROR_FAILED, "drawing the chart as %s failed: %s",
                   ecg_plot_format_to_string (format), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (array);
}

static void
contents_replaced (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  if (g_file_replace_contents_finish (G_FILE (source_object), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ecg_chart_export_save_async (GObject *source_object, GBytes *bytes, GError *bytes_error,
                             const char *path, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (bytes != NULL || bytes_error != NULL);

  GTask *task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, ecg_chart_export_save_async);
  if (bytes == NULL)
    {
      g_task_return_error (task, bytes_error);
      g_object_unref (task);
      return;
    }
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, contents_replaced, task);
}

gboolean
ecg_chart_export_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, ecg_chart_export_save_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_file_chosen (GtkNativeDialog *dialog, int response, GtkWidget *widget)
{
  EcgChartPathChosen chosen = g_object_get_data (G_OBJECT (dialog), "chosen");
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        chosen (widget, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

void
ecg_chart_export_choose_file (GtkWidget *widget, const char *title, const char *suggested_name,
                              EcgChartPathChosen chosen)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog
    = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  /* Every format in one list: the extension typed decides, so no filter may hide a choice. */
  GtkFileFilter *all = gtk_file_filter_new ();
  gtk_file_filter_set_name (all, _("Pictures and data (PNG, SVG, PDF, CSV)"));
  for (const char *const *p = (const char *const[]) { "*.png", "*.svg", "*.pdf", "*.csv", NULL };
       *p != NULL; p++)
    gtk_file_filter_add_pattern (all, *p);
  gtk_file_chooser_add_filter (chooser, all);
  g_object_unref (all);
  add_filter (chooser, _("PNG image"), "*.png");
  add_filter (chooser, _("SVG drawing"), "*.svg");
  add_filter (chooser, _("PDF document"), "*.pdf");
  add_filter (chooser, _("CSV data"), "*.csv");
  gtk_file_chooser_set_current_name (chooser, suggested_name);
  g_object_set_data (G_OBJECT (dialog), "chosen", chosen);
  g_signal_connect_object (dialog, "response", G_CALLBACK (export_file_chosen), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
ecg_chart_export_report (GtkWidget *widget, const char *path, const GError *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *name = g_path_get_basename (path);
  GtkWidget *dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              _("Could not export “%s”"), name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}
