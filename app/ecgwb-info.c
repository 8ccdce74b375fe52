/* ecgwb-info.c — `ecgwb info PATH [--json]`: what a WFDB record holds. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "io/ecg-ptbxl.h"
#include "io/ecg-record.h"

int
ecgwb_command_info (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("info", "PATH", "PATH is a record without extension, e.g. "
                            "data/mitdb/100.", entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc != 2)
    return ecgwb_usage_error ("info", "expected one record PATH");

  const char *path = argv[1];
  g_autoptr (GError) error = NULL;
  /* A bad checksum is reported, not fatal: `info` is how one finds out. */
  g_autoptr (EcgRecord) record = ecg_record_load (path, ECG_RECORD_ALLOW_BAD_CHECKSUM, &error);
  if (record == NULL)
    return ecgwb_fail ("info", error);
  g_auto (GStrv) labels = ecg_ptbxl_labels_for_record_path (path, &error);
  if (labels == NULL)
    return ecgwb_fail ("info", error);
  gsize n_annotations = record->annotations ? record->annotations->n_items : 0;

  if (!json)
    {
      printf ("record %s: %d leads, %" G_GINT64_FORMAT " samples at %g Hz (%.1f s)\n",
              record->name, record->n_leads, record->n_samples, record->fs,
              (double) record->n_samples / record->fs);
      for (int i = 0; i < record->n_leads; i++)
        {
          const EcgLead *lead = &record->leads[i];
          const char *checksum = lead->checksum_state == ECG_CHECKSUM_OK    ? "ok"
                                 : lead->checksum_state == ECG_CHECKSUM_BAD ? "BAD"
                                                                            : "none";
          printf ("  %-6s gain %g adu/%s, baseline %d, checksum %s\n", lead->name, lead->gain,
                  lead->units, lead->baseline, checksum);
        }
      printf ("annotations: %" G_GSIZE_FORMAT "\n", n_annotations);
      if (labels[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", labels);
          printf ("PTB-XL superclasses: %s\n", joined);
        }
      return ECGWB_EXIT_OK;
    }

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "record");
  json_builder_add_string_value (b, record->name);
  ecgwb_builder_add_number (b, "fs", record->fs);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, record->n_samples);
  json_builder_set_member_name (b, "leads");
  json_builder_begin_array (b);
  for (int i = 0; i < record->n_leads; i++)
    {
      const EcgLead *lead = &record->leads[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, lead->name);
      ecgwb_builder_add_number (b, "gain", lead->gain);
      json_builder_set_member_name (b, "baseline");
      json_builder_add_int_value (b, lead->baseline);
      json_builder_set_member_name (b, "units");
      json_builder_add_string_value (b, lead->units);
      json_builder_set_member_name (b, "checksum_ok");
      if (lead->checksum_state == ECG_CHECKSUM_ABSENT)
        json_builder_add_null_value (b);
      else
        json_builder_add_boolean_value (b, lead->checksum_state == ECG_CHECKSUM_OK);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "annotations");
  json_builder_add_int_value (b, (gint64) n_annotations);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (int i = 0; labels[i] != NULL; i++)
    json_builder_add_string_value (b, labels[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
  return ECGWB_EXIT_OK;
}
