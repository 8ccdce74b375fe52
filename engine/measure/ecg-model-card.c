/* ecg-model-card.c — a model's card from the model, its HEAD provenance and its side file;
 * the side file's format is in ecg-model-card.h. */
#include "measure/ecg-model-card.h"

#include <math.h>
#include <string.h>

#include "ecg-error.h"
#include "measure/ecg-cost.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"

/* The INT8 section of engine/quant/ecg-quant-file.h (ECG_QUANT_FILE_SECTION); named here so
 * that the card can open INT8 files without the quantisation library. */
#define QUANT_SECTION "QNT8"
/* json-glib's parser recurses per nesting level: a side file nests three levels. */
#define MAX_SIDE_DEPTH 16

static void
card_metric_free (gpointer data)
{
  EcgCardMetric *metric = data;
  g_free (metric->name);
  g_free (metric);
}

static EcgModelCard *
card_new (void)
{
  EcgModelCard *card = g_new0 (EcgModelCard, 1);
  card->file_bytes = -1;
  card->info = json_object_new ();
  card->metrics = g_ptr_array_new_with_free_func (card_metric_free);
  card->limits = g_new0 (char *, 1);
  return card;
}

void
ecg_model_card_free (EcgModelCard *card)
{
  if (card == NULL)
    return;
  g_free (card->title);
  g_free (card->model_path);
  g_free (card->card_path);
  g_free (card->arch);
  g_strfreev (card->classes);
  g_free (card->class_map);
  g_free (card->writer);
  json_object_unref (card->info);
  g_free (card->description);
  g_free (card->train_data);
  g_free (card->validation_data);
  g_free (card->test_data);
  g_free (card->protocol);
  g_free (card->metrics_source);
  g_ptr_array_unref (card->metrics);
  g_strfreev (card->limits);
  g_free (card);
}

char *
ecg_model_card_side_path (const char *model_path)
{
  g_return_val_if_fail (model_path != NULL, NULL);
  gsize length = strlen (model_path);
  if (g_str_has_suffix (model_path, ".ecgm"))
    length -= strlen (".ecgm");
  g_autofree char *stem = g_strndup (model_path, length);
  return g_strconcat (stem, ECG_MODEL_CARD_SUFFIX, NULL);
}

/* The model part: architecture, input, classes and the cost table's totals. */
static void
fill_from_model (EcgModelCard *card, const EcgModel *m)
{
  card->arch = g_strdup (m->arch);
  card->rr_features = m->rr_features;
  card->input_channels = m->input_channels;
  card->input_length = m->input_length;
  card->multi_label = m->multi_label;

  g_autoptr (EcgCostTable) table = ecg_cost_table_new (m);
  card->params = table->params;
  card->nonzero_params = table->nonzero_params;
  card->prunable_params = table->prunable_params;
  card->nonzero_prunable_params = table->nonzero_prunable_params;
  card->macs = table->macs;
  card->tf_flops = table->tf_flops;
}

EcgModelCard *
ecg_model_card_new_for_arch (const char *arch, gboolean rr_features, GError **error)
{
  g_return_val_if_fail (arch != NULL, NULL);
  const EcgArchInfo *info = ecg_zoo_find (arch, error);
  if (info == NULL)
    return NULL;
  g_autoptr (EcgModel) m = ecg_zoo_build (arch, rr_features, 1, error);
  if (m == NULL)
    return NULL;

  g_autoptr (EcgModelCard) card = card_new ();
  card->title = g_strdup (info->name);
  fill_from_model (card, m);
  card->classes = g_new0 (char *, info->n_outputs + 1);
  for (int i = 0; i < info->n_outputs; i++)
    card->classes[i] = g_strdup (info->classes[i]);
  card->class_map = g_strdup (info->class_map);
  return g_steal_pointer (&card);
}

/* Whether the braces and brackets of `text` (outside strings) nest at most `max_depth` deep. */
static gboolean
depth_within (const char *text, gsize length, int max_depth)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* Member `name` of `object` as a string: absent leaves *out alone, another type is an error. */
static gboolean
get_string (JsonObject *object, const char *name, char **out, const char *label,
            const char *path, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: \"%s%s\" is not a string", label,
                   path, name);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* A JSON number (integer or real) as a finite double. */
static gboolean
number_of (JsonNode *node, double *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

/* Member `name` of `object` as an object: absent gives NULL and TRUE. */
static gboolean
get_object (JsonObject *object, const char *name, JsonObject **out, const char *label,
            GError **error)
{
  *out = NULL;
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: \"%s\" is not an object", label,
                   name);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_metric (EcgModelCard *card, JsonNode *node, guint index, const char *label, GError **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *name = object != NULL ? json_object_get_member (object, "name") : NULL;
  double value;
  if (object == NULL || name == NULL || !JSON_NODE_HOLDS_VALUE (name)
      || json_node_get_value_type (name) != G_TYPE_STRING
      || !number_of (json_object_get_member (object, "value"), &value))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: metrics value %u needs a \"name\" string and a finite \"value\" number",
                   label, index);
      return FALSE;
    }
  double lower = NAN, upper = NAN;
  JsonNode *ci = json_object_get_member (object, "ci95");
  if (ci != NULL)
    {
      JsonArray *bounds = JSON_NODE_HOLDS_ARRAY (ci) ? json_node_get_array (ci) : NULL;
      if (bounds == NULL || json_array_get_length (bounds) != 2
          || !number_of (json_array_get_element (bounds, 0), &lower)
          || !number_of (json_array_get_element (bounds, 1), &upper) || lower > upper)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: \"ci95\" of metric \"%s\" is not [lower, upper]", label,
                       json_node_get_string (name));
          return FALSE;
        }
    }
  EcgCardMetric *metric = g_new0 (EcgCardMetric, 1);
  metric->name = g_strdup (json_node_get_string (name));
  metric->value = value;
  metric->ci_lower = lower;
  metric->ci_upper = upper;
  g_ptr_array_add (card->metrics, metric);
  return TRUE;
}

gboolean
ecg_model_card_read_side (EcgModelCard *card, const char *json, gsize length, const char *label,
                          GError **error)
{
  g_return_val_if_fail (card != NULL && json != NULL && label != NULL, FALSE);
  if (!depth_within (json, length, MAX_SIDE_DEPTH))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: nested deeper than %d levels",
                   label, MAX_SIDE_DEPTH);
      return FALSE;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (parser, json, (gssize) length, &parse_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: not JSON: %s", label,
                   parse_error->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT, "%s: not a JSON object", label);
      return FALSE;
    }
  JsonObject *object = json_node_get_object (root);

  JsonObject *data, *metrics;
  if (!get_string (object, "description", &card->description, label, "", error)
      || !get_string (object, "protocol", &card->protocol, label, "", error)
      || !get_object (object, "data", &data, label, error)
      || !get_object (object, "metrics", &metrics, label, error))
    return FALSE;
  if (data != NULL
      && (!get_string (data, "train", &card->train_data, label, "data.", error)
          || !get_string (data, "validation", &card->validation_data, label, "data.", error)
          || !get_string (data, "test", &card->test_data, label, "data.", error)))
    return FALSE;
  if (metrics != NULL)
    {
      if (!get_string (metrics, "source", &card->metrics_source, label, "metrics.", error))
        return FALSE;
      JsonNode *values = json_object_get_member (metrics, "values");
      if (values != NULL)
        {
          if (!JSON_NODE_HOLDS_ARRAY (values))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                           "%s: \"metrics.values\" is not an array", label);
              return FALSE;
            }
          JsonArray *array = json_node_get_array (values);
          g_ptr_array_set_size (card->metrics, 0);
          for (guint i = 0; i < json_array_get_length (array); i++)
            if (!read_metric (card, json_array_get_element (array, i), i, label, error))
              return FALSE;
        }
    }
  JsonNode *limits = json_object_get_member (object, "limits");
  if (limits != NULL)
    {
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (limits) ? json_node_get_array (limits) : NULL;
      guint n = array != NULL ? json_array_get_length (array) : 0;
      for (guint i = 0; array != NULL && i < n; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            array = NULL;
        }
      if (array == NULL)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: \"limits\" is not an array of strings", label);
          return FALSE;
        }
      g_strfreev (card->limits);
      card->limits = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        card->limits[i] = g_strdup (json_array_get_string_element (array, i));
    }
  return TRUE;
}

EcgModelCard *
ecg_model_card_new_for_file (const char *model_path, GError **error)
{
  g_return_val_if_fail (model_path != NULL, NULL);
  static const char *const accept[] = { QUANT_SECTION, NULL };
  g_autoptr (EcgModelFile) file
    = ecg_model_file_load_full (model_path, NULL, 0, NULL, accept, error);
  if (file == NULL)
    return NULL;

  g_autoptr (EcgModelCard) card = card_new ();
  card->model_path = g_strdup (model_path);
  g_autofree char *base = g_path_get_basename (model_path);
  card->title = g_str_has_suffix (base, ".ecgm")
                  ? g_strndup (base, strlen (base) - strlen (".ecgm"))
                  : g_steal_pointer (&base);
  fill_from_model (card, file->model);
  card->classes = g_strdupv (file->classes);
  card->class_map = g_strdup (file->class_map);
  card->int8 = file->extra_sections != NULL && file->extra_sections->len > 0;
  card->writer = g_strdup (file->writer);
  json_object_unref (card->info);
  card->info = json_object_ref (file->info);

  g_autoptr (GFile) model_file = g_file_new_for_path (model_path);
  g_autoptr (GFileInfo) file_info
    = g_file_query_info (model_file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                         NULL, NULL);
  if (file_info != NULL)
    card->file_bytes = g_file_info_get_size (file_info);

  g_autofree char *side_path = ecg_model_card_side_path (model_path);
  g_autoptr (GFile) side_file = g_file_new_for_path (side_path);
  g_autoptr (GError) read_error = NULL;
  g_autoptr (GFileInfo) side_info
    = g_file_query_info (side_file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                         NULL, &read_error);
  if (side_info == NULL && g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_steal_pointer (&card);
  /* Checked before reading: a side file is never worth reading megabytes for. */
  if (side_info != NULL && g_file_info_get_size (side_info) > ECG_MODEL_CARD_MAX_BYTES)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: %" G_GOFFSET_FORMAT " bytes, more than a model card's %d", side_path,
                   g_file_info_get_size (side_info), ECG_MODEL_CARD_MAX_BYTES);
      return NULL;
    }
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (side_info == NULL || !g_file_get_contents (side_path, &contents, &length, &read_error))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_IO, "%s: %s", side_path, read_error->message);
      return NULL;
    }
  if (!ecg_model_card_read_side (card, contents, length, side_path, error))
    return NULL;
  card->card_path = g_steal_pointer (&side_path);
  return g_steal_pointer (&card);
}

double
ecg_model_card_sparsity (const EcgModelCard *card)
{
  g_return_val_if_fail (card != NULL, 0.0);
  if (card->prunable_params <= 0)
    return 0.0;
  return 1.0 - (double) card->nonzero_prunable_params / (double) card->prunable_params;
}
