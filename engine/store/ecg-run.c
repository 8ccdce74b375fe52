/* ecg-run.c — a stored run and its JSON (see ecg-run.h). */
#include "store/ecg-run.h"

#include <math.h>

static const char *const kind_names[] = {
  [ECG_RUN_KIND_TRAIN] = "train",
  [ECG_RUN_KIND_PRUNE] = "prune",
  [ECG_RUN_KIND_QUANTISE] = "quantise",
  [ECG_RUN_KIND_EVALUATE] = "evaluate",
  [ECG_RUN_KIND_SENSITIVITY] = "sensitivity",
};

static const char *const status_names[] = {
  [ECG_RUN_STATUS_QUEUED] = "queued",       [ECG_RUN_STATUS_RUNNING] = "running",
  [ECG_RUN_STATUS_FINISHED] = "finished",   [ECG_RUN_STATUS_FAILED] = "failed",
  [ECG_RUN_STATUS_CANCELLED] = "cancelled", [ECG_RUN_STATUS_INTERRUPTED] = "interrupted",
};

const char *
ecg_run_kind_to_string (EcgRunKind kind)
{
  g_return_val_if_fail ((guint)kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
ecg_run_kind_from_string (const char *text, EcgRunKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = (EcgRunKind)i;
        return TRUE;
      }
  return FALSE;
}

const char *
ecg_run_status_to_string (EcgRunStatus status)
{
  g_return_val_if_fail ((guint)status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
ecg_run_status_from_string (const char *text, EcgRunStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = (EcgRunStatus)i;
        return TRUE;
      }
  return FALSE;
}

void
ecg_run_free (EcgRun *run)
{
  if (run == NULL)
    return;
  g_free (run->name);
  g_free (run->notes);
  if (run->config != NULL)
    json_object_unref (run->config);
  if (run->provenance != NULL)
    json_object_unref (run->provenance);
  g_free (run->parent_model);
  g_free (run->created);
  g_free (run->started);
  g_free (run->finished);
  g_free (run->error);
  g_free (run->host);
  g_free (run->heartbeat);
  if (run->steps != NULL)
    g_ptr_array_unref (run->steps);
  g_free (run);
}

gboolean
ecg_run_is_multi_label (const EcgRun *run)
{
  if (run->steps == NULL)
    return FALSE;
  for (guint i = 0; i < run->steps->len; i++)
    {
      const EcgStepRecord *step = g_ptr_array_index (run->steps, i);
      if (isfinite (step->auroc))
        return TRUE;
    }
  return FALSE;
}

static void
add_object (JsonBuilder *b, const char *member, JsonObject *object)
{
  json_builder_set_member_name (b, member);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  json_builder_add_value (b, node);
}

static void
add_string_or_null (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_common (JsonBuilder *b, const EcgRun *run)
{
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, run->id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, ecg_run_kind_to_string (run->kind));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, ecg_run_status_to_string (run->status));
}

JsonNode *
ecg_run_summary_to_json (const EcgRun *run)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_common (b, run);
  add_string_or_null (b, "created", run->created);
  add_object (b, "config", run->config);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
ecg_run_list_to_json (GPtrArray *runs)
{
  JsonArray *array = json_array_sized_new (runs->len);
  for (guint i = 0; i < runs->len; i++)
    json_array_add_element (array, ecg_run_summary_to_json (g_ptr_array_index (runs, i)));
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

JsonNode *
ecg_run_to_json (const EcgRun *run)
{
  g_return_val_if_fail (run->steps != NULL, NULL);
  gboolean multi_label = ecg_run_is_multi_label (run);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_common (b, run);
  add_string_or_null (b, "name", run->name);
  add_string_or_null (b, "notes", run->notes);
  add_string_or_null (b, "created", run->created);
  add_string_or_null (b, "started", run->started);
  add_string_or_null (b, "finished", run->finished);
  add_string_or_null (b, "error", run->error);
  json_builder_set_member_name (b, "parent_run");
  if (run->parent_run > 0)
    json_builder_add_int_value (b, run->parent_run);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "parent_step");
  if (run->parent_step >= 0)
    json_builder_add_int_value (b, run->parent_step);
  else
    json_builder_add_null_value (b);
  add_string_or_null (b, "parent_model", run->parent_model);
  add_object (b, "config", run->config);
  add_object (b, "provenance", run->provenance);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < run->steps->len; i++)
    json_builder_add_value (
        b, ecg_step_record_to_json (g_ptr_array_index (run->steps, i), multi_label));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
