/* ecgwb-beats.c — `ecgwb beats`: reference beats per AAMI class, for a record or a split. */
#include "ecgwb-command.h"

#include <stdio.h>

#include "dataset/ecg-beat-set.h"

static void
add_class_counts (JsonBuilder *b, const EcgBeatSet *set)
{
  json_builder_set_member_name (b, "beats");
  json_builder_begin_object (b);
  for (int c = 0; c < set->class_map->n_classes; c++)
    {
      json_builder_set_member_name (b, set->class_map->class_names[c]);
      json_builder_add_int_value (b, (gint64) set->class_counts[c]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "dropped_at_edges");
  json_builder_add_int_value (b, (gint64) set->dropped_at_edges);
}

static void
print_table (const char *title, const EcgBeatSet *set)
{
  gsize total = 0;
  printf ("%s\n", title);
  for (int c = 0; c < set->class_map->n_classes; c++)
    {
      printf ("  %-3s %8" G_GSIZE_FORMAT "\n", set->class_map->class_names[c],
              set->class_counts[c]);
      total += set->class_counts[c];
    }
  printf ("  all %8" G_GSIZE_FORMAT "  (%" G_GSIZE_FORMAT " without a full %d-sample window)\n",
          total, set->dropped_at_edges, set->window_length);
}

int
ecgwb_command_beats (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *data_dir = NULL;
  g_autofree char *split_name = NULL;
  g_autofree char *lead = NULL;
  int window = 256, before = 90;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "MIT-BIH folder (with --split)", "DIR" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name, "DS1, DS2, paced or all", "SPLIT" },
    { "window", 0, 0, G_OPTION_ARG_INT, &window, "Window length in samples (256)", "N" },
    { "before", 0, 0, G_OPTION_ARG_INT, &before, "Samples before the R peak (90)", "N" },
    { "lead", 0, 0, G_OPTION_ARG_STRING, &lead, "Lead name (default MLII, else the first)",
      "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("beats", "[PATH]",
                            "Counts the reference beats of a record (PATH) or of a split "
                            "(--data DIR --split NAME) per AAMI class N, S, V, F, Q.",
                            entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (window < 1 || before < 0 || before >= window)
    return ecgwb_usage_error ("beats", "need 0 <= --before < --window");

  EcgBeatWindowOptions options = { .window_length = window, .samples_before = before,
                                   .lead = lead };
  g_autoptr (EcgClassMap) map = ecg_class_map_new_aami5 ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (split_name != NULL || data_dir != NULL)
    {
      if (split_name == NULL || data_dir == NULL || argc != 1)
        return ecgwb_usage_error ("beats", "use either PATH or --data DIR --split NAME");
      EcgMitbihSplit split;
      if (!ecg_mitbih_split_from_string (split_name, &split, &error))
        return ecgwb_usage_error ("beats", "%s", error->message);
      g_autoptr (EcgBeatSet) set
        = ecg_beat_set_load_split (data_dir, split, map, &options, NULL, &error);
      if (set == NULL)
        return ecgwb_fail ("beats", error);
      if (!json)
        {
          g_autofree char *title = g_strdup_printf ("split %s: %u records",
                                                    ecg_mitbih_split_to_string (split),
                                                    set->records->len);
          print_table (title, set);
          return ECGWB_EXIT_OK;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "split");
      json_builder_add_string_value (b, ecg_mitbih_split_to_string (split));
      json_builder_set_member_name (b, "records");
      json_builder_add_int_value (b, set->records->len);
      add_class_counts (b, set);
      json_builder_end_object (b);
    }
  else
    {
      if (argc != 2)
        return ecgwb_usage_error ("beats", "expected one record PATH or --data DIR --split NAME");
      g_autoptr (EcgRecord) record = ecg_record_load (argv[1], ECG_RECORD_LOAD_DEFAULT, &error);
      if (record == NULL)
        return ecgwb_fail ("beats", error);
      g_autoptr (EcgBeatSet) set = ecg_beat_set_new (map, &options);
      if (!ecg_beat_set_add_record (set, record, &error))
        return ecgwb_fail ("beats", error);
      const EcgBeatSetRecord *r = &g_array_index (set->records, EcgBeatSetRecord, 0);
      if (!json)
        {
          g_autofree char *title = g_strdup_printf ("record %s, lead %s", r->name, r->lead);
          print_table (title, set);
          return ECGWB_EXIT_OK;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "record");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "lead");
      json_builder_add_string_value (b, r->lead);
      add_class_counts (b, set);
      json_builder_end_object (b);
    }
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  ecgwb_print_json (root, FALSE);
  return ECGWB_EXIT_OK;
}
