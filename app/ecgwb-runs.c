/* ecgwb-runs.c — `ecgwb runs list|show|resume|rename|notes|delete` over a run store. */
#include "ecgwb-command.h"
#include "ecgwb-jobs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jobs/ecg-prune-job.h"
#include "measure/ecg-energy.h"
#include "store/ecg-run-store.h"

/* Runs whose process died are marked interrupted when the store is opened here: a live run
 * (its pid alive, its heartbeat fresh) never is. */
#define STALE_HEARTBEAT_SECONDS 120.0

static void
set_number_or_null (JsonObject *o, const char *member, double value)
{
  if (isfinite (value))
    json_object_set_double_member (o, member, value);
  else
    json_object_set_null_member (o, member);
}

/* Adds what follows from each step's energy (DESIGN.md §7) to the steps of `runs show --json`:
 * "co2_g_per_million" from (d) at the default 475 g/kWh, and "battery_hours" {"with_inference",
 * "without_inference", "inference_share"} from (c) for the example wearable profile of
 * ecg_wearable_profile_init() (`ecgwb energy` takes other figures). Null when unknown. */
static void
add_footprints (const EcgRun *run, JsonNode *node)
{
  if (node == NULL || run->steps == NULL)
    return;
  JsonArray *steps = json_object_get_array_member (json_node_get_object (node), "steps");
  EcgWearableProfile profile;
  ecg_wearable_profile_init (&profile);
  for (guint i = 0; i < run->steps->len && i < json_array_get_length (steps); i++)
    {
      const EcgStepRecord *s = g_ptr_array_index (run->steps, i);
      JsonObject *o = json_array_get_object_element (steps, i);
      set_number_or_null (o, "co2_g_per_million",
                          ecg_energy_co2_g_per_million (s->energy_measured_or_estimated_j,
                                                        ECG_ENERGY_DEFAULT_GRID_G_PER_KWH));
      JsonObject *battery = json_object_new ();
      EcgBatteryLife life;
      gboolean known = isfinite (s->energy_op_model_45nm_j)
                       && ecg_energy_battery_life (&profile, s->energy_op_model_45nm_j, &life,
                                                   NULL);
      set_number_or_null (battery, "with_inference", known ? life.hours_with_inference : NAN);
      set_number_or_null (battery, "without_inference",
                          known ? life.hours_without_inference : NAN);
      set_number_or_null (battery, "inference_share", known ? life.inference_share : NAN);
      json_object_set_object_member (o, "battery_hours", battery);
    }
}

int
ecgwb_print_run (const EcgRun *run, gboolean json)
{
  if (json)
    {
      g_autoptr (JsonNode) node = ecg_run_to_json (run);
      add_footprints (run, node);
      ecgwb_print_json (node, FALSE);
      return ECGWB_EXIT_OK;
    }
  printf ("run %" G_GINT64_FORMAT " (%s, %s)%s%s\n", run->id, ecg_run_kind_to_string (run->kind),
          ecg_run_status_to_string (run->status), *run->name ? ": " : "", run->name);
  if (run->error != NULL)
    printf ("  %s\n", run->error);
  if (run->steps != NULL && run->steps->len > 0)
    {
      printf ("  %4s %8s %8s %8s %12s %10s %12s %12s\n", "step", "sparsity", "accuracy",
              "macro-F1", "MACs", "latency", "MMAC·ms", "45nm µJ");
      for (guint i = 0; i < run->steps->len; i++)
        {
          const EcgStepRecord *s = g_ptr_array_index (run->steps, i);
          printf ("  %4d %8.4f %8.4f %8.4f %12" G_GINT64_FORMAT " %8.3f ms %12.3f %12.3f\n",
                  s->step, s->sparsity, s->accuracy, s->macro_f1, s->macs, s->latency_ms,
                  s->energy_proxy_mmac_ms, s->energy_op_model_45nm_j * 1e6);
        }
    }
  return ECGWB_EXIT_OK;
}

static EcgRunStore *
open_store (const char *path, GError **error)
{
  EcgRunStore *store = ecg_run_store_open (path, FALSE, error);
  if (store != NULL)
    {
      g_autoptr (GArray) marked = ecg_run_store_mark_interrupted (store, STALE_HEARTBEAT_SECONDS,
                                                                  NULL);
      (void) marked;
    }
  return store;
}

int
ecgwb_command_runs (int argc, char **argv)
{
  g_autofree char *store_path = NULL, *name = NULL, *notes = NULL;
  gboolean json = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "Run store (SQLite)", "DB" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "New name (rename)", "TEXT" },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, "Notes text (notes)", "TEXT" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads for resume", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON on stdout", NULL },
    { NULL },
  };
  if (!ecgwb_parse_options ("runs", "list|show ID|resume ID|rename ID|notes ID|delete ID",
                            "Lists and manages the runs of a store. With --json, show gives "
                            "each step also \"co2_g_per_million\" (from the measured or "
                            "estimated energy at 475 g/kWh) and \"battery_hours\" (with and "
                            "without inference, from the 45 nm model, for the example wearable "
                            "of `ecgwb energy`).",
                            entries, &argc, &argv))
    return ECGWB_EXIT_USAGE;
  if (argc < 2 || store_path == NULL)
    return ecgwb_usage_error ("runs", "expected an action and --store DB");
  const char *action = argv[1];
  gint64 id = 0;
  if (strcmp (action, "list") != 0)
    {
      char *end = NULL;
      if (argc != 3 || (id = g_ascii_strtoll (argv[2], &end, 10)) <= 0 || *end != '\0')
        return ecgwb_usage_error ("runs", "%s needs a run ID", action);
    }
  else if (argc != 2)
    return ecgwb_usage_error ("runs", "list takes no argument");

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgRunStore) store = open_store (store_path, &error);
  if (store == NULL)
    return ecgwb_fail ("runs", error);

  if (strcmp (action, "list") == 0)
    {
      g_autoptr (GPtrArray) runs = ecg_run_store_list_runs (store, &error);
      if (runs == NULL)
        return ecgwb_fail ("runs", error);
      if (json)
        {
          g_autoptr (JsonNode) node = ecg_run_list_to_json (runs);
          ecgwb_print_json (node, FALSE);
          return ECGWB_EXIT_OK;
        }
      for (guint i = 0; i < runs->len; i++)
        {
          const EcgRun *run = g_ptr_array_index (runs, i);
          printf ("%4" G_GINT64_FORMAT "  %-11s %-11s %s  %d steps  %s\n", run->id,
                  ecg_run_kind_to_string (run->kind), ecg_run_status_to_string (run->status),
                  run->created, run->n_steps, run->name);
        }
      return ECGWB_EXIT_OK;
    }
  if (strcmp (action, "show") == 0)
    {
      g_autoptr (EcgRun) run = ecg_run_store_get_run (store, id, &error);
      if (run == NULL)
        return ecgwb_fail ("runs", error);
      return ecgwb_print_run (run, json);
    }
  if (strcmp (action, "resume") == 0)
    {
      g_autoptr (EcgPruneConfig) config = ecg_prune_config_new ();
      config->store_path = g_strdup (store_path);
      g_clear_pointer (&store, ecg_run_store_close);
      return ecgwb_run_prune_job (config, id, threads, json, "runs");
    }
  gboolean ok;
  if (strcmp (action, "rename") == 0)
    ok = name != NULL ? ecg_run_store_rename (store, id, name, &error)
                      : (ecgwb_usage_error ("runs", "rename needs --name"), FALSE);
  else if (strcmp (action, "notes") == 0)
    ok = notes != NULL ? ecg_run_store_set_notes (store, id, notes, &error)
                       : (ecgwb_usage_error ("runs", "notes needs --notes"), FALSE);
  else if (strcmp (action, "delete") == 0)
    ok = ecg_run_store_delete_run (store, id, &error);
  else
    return ecgwb_usage_error ("runs", "unknown action '%s'", action);
  if (!ok)
    return error != NULL ? ecgwb_fail ("runs", error) : ECGWB_EXIT_USAGE;
  return ECGWB_EXIT_OK;
}
