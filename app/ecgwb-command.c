/* ecgwb-command.c — helpers shared by the subcommands. */
#include "ecgwb-command.h"

#include <math.h>
#include <stdio.h>

#include "ecg-error.h"

gboolean
ecgwb_parse_options (const char *command, const char *parameter_string, const char *summary,
                     GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *title = g_strdup_printf ("%s%s%s", command, parameter_string ? " " : "",
                                            parameter_string ? parameter_string : "");
  g_autoptr (GOptionContext) context = g_option_context_new (title);
  g_autoptr (GError) error = NULL;
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("ecgwb %s: %s\n", command, error->message);
      return FALSE;
    }
  return TRUE;
}

int
ecgwb_fail (const char *command, const GError *error)
{
  g_printerr ("ecgwb %s: %s\n", command, error->message);
  if (error->domain == ECG_ERROR && error->code == ECG_ERROR_CANCELLED)
    return ECGWB_EXIT_CANCELLED;
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return ECGWB_EXIT_CANCELLED;
  if (error->domain == ECG_ERROR
      && (error->code == ECG_ERROR_NUMERIC || error->code == ECG_ERROR_FAILED))
    return ECGWB_EXIT_JOB_FAILED;
  return ECGWB_EXIT_BAD_INPUT;
}

int
ecgwb_usage_error (const char *command, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("ecgwb %s: %s (see ecgwb %s --help)\n", command, message, command);
  return ECGWB_EXIT_USAGE;
}

void
ecgwb_print_json (JsonNode *node, gboolean pretty)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, pretty);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
ecgwb_builder_add_number (JsonBuilder *builder, const char *member, double value)
{
  if (member != NULL)
    json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
