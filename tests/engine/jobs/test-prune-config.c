/* Tests of the pruning job's stored settings: ecg_prune_config_to_json() and back, and a damaged
 * config (members of the wrong type) giving an error that names the member. */
#include <string.h>

#include "ecg-error.h"
#include "jobs/ecg-prune-job.h"
#include "test-util.h"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
test_round_trip (void)
{
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_new ();
  c->model_path = g_strdup ("dense.ecgm");
  c->data_dir = g_strdup ("data/mitdb");
  c->store_path = g_strdup ("runs.db");
  c->method = ECG_IMPORTANCE_L1;
  c->alpha = 0.25;
  c->target_sparsity = 0.9;
  c->steps = 7;
  c->structured = TRUE;
  c->kd = TRUE;
  c->test_records = g_strdup ("100,101");
  c->seed = G_MAXUINT64 - 1; /* stored as the signed integer -2 */
  c->threads = 3;
  g_autoptr (JsonObject) o = ecg_prune_config_to_json (c);
  g_assert_cmpint (json_object_get_int_member (o, "seed"), ==, -2);

  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) d = ecg_prune_config_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->model_path, ==, "dense.ecgm");
  g_assert_cmpstr (d->data_dir, ==, "data/mitdb");
  g_assert_cmpint (d->method, ==, ECG_IMPORTANCE_L1);
  g_assert_cmpfloat (d->alpha, ==, 0.25);
  g_assert_cmpfloat (d->target_sparsity, ==, 0.9);
  g_assert_cmpint (d->steps, ==, 7);
  g_assert_true (d->structured);
  g_assert_true (d->kd);
  g_assert_cmpstr (d->test_records, ==, "100,101");
  g_assert_null (d->train_records);
  g_assert_cmpuint (d->seed, ==, G_MAXUINT64 - 1);
  g_assert_cmpint (d->threads, ==, 3);
  g_assert_cmpint (d->batch_size, ==, 128);
  g_assert_false (d->class_aware);
  g_assert_cmpfloat (d->class_aware_weight, ==, 0.5);
}

/* The class-aware option and its weight survive the store (runs show, resume); combined with
 * structured pruning, or with a weight outside 0..1, the config is refused. */
static void
test_class_aware (void)
{
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_new ();
  c->model_path = g_strdup ("dense.ecgm");
  c->data_dir = g_strdup ("data/mitdb");
  c->store_path = g_strdup ("runs.db");
  c->class_aware = TRUE;
  c->class_aware_weight = 0.3;
  g_autoptr (JsonObject) o = ecg_prune_config_to_json (c);
  g_assert_true (json_object_get_boolean_member (o, "class_aware"));
  g_assert_cmpfloat (json_object_get_double_member (o, "class_aware_weight"), ==, 0.3);
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) d = ecg_prune_config_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_true (d->class_aware);
  g_assert_cmpfloat (d->class_aware_weight, ==, 0.3);

  c->structured = TRUE;
  g_assert_false (ecg_prune_config_validate (c, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "structured"));
  g_clear_error (&error);
  c->structured = FALSE;
  c->class_aware_weight = -0.1;
  g_assert_false (ecg_prune_config_validate (c, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
  g_clear_error (&error);

  json_object_set_string_member (o, "class_aware", "yes");
  g_assert_null (ecg_prune_config_from_json (o, &error));
  g_assert_nonnull (strstr (error->message, "class_aware"));
}

/* Absent and null members keep the defaults; an integer is a valid number. */
static void
test_defaults (void)
{
  g_autoptr (JsonObject) o
    = parse_object ("{\"model\": \"m.ecgm\", \"data\": \"d\", \"alpha\": 1, \"beta\": null}");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (c->alpha, ==, 1.0);
  g_assert_cmpfloat (c->beta, ==, 0.0);
  g_assert_cmpint (c->steps, ==, 5);
  g_assert_cmpint (c->method, ==, ECG_IMPORTANCE_ENERGY);
  g_assert_false (c->structured);
}

/* json-glib's *_with_default getters raised a critical (fatal under g_test) on a member of the
 * wrong type and returned 0, and a 64-bit integer was cut to an int (found by
 * tests/fuzz/fuzz-store-config). */
static void
test_wrong_types (void)
{
  static const struct
  {
    const char *member_json; /* added to a valid config */
    const char *member;
  } cases[] = {
    { "\"alpha\": [0.5]", "alpha" },
    { "\"alpha\": \"0.5\"", "alpha" },
    { "\"steps\": 5.5", "steps" },
    { "\"steps\": {\"n\": 5}", "steps" },
    { "\"steps\": 4294967301", "steps" },
    { "\"batch\": true", "batch" },
    { "\"kd\": 1", "kd" },
    { "\"structured\": \"yes\"", "structured" },
    { "\"method\": 1", "method" },
    { "\"model\": 3", "model" },
    { "\"test_records\": [\"100\"]", "test_records" },
    { "\"seed\": 1.5", "seed" },
    { "\"lr\": false", "lr" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"model\": \"m.ecgm\", \"data\": \"d\", %s}",
                                               cases[i].member_json);
      /* The member given last wins in json-glib, so "model" can be overridden. */
      g_autoptr (JsonObject) o = parse_object (text);
      g_autoptr (GError) error = NULL;
      g_autoptr (EcgPruneConfig) c = ecg_prune_config_from_json (o, &error);
      g_assert_null (c);
      g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", cases[i].member);
      g_assert_nonnull (strstr (error->message, quoted));
    }
}

/* The reproduce tag and the example limits survive the round trip; absent, there is no tag and
 * no limit; a negative limit is refused. */
static void
test_reproduce_members (void)
{
  g_autoptr (EcgPruneConfig) c = ecg_prune_config_new ();
  c->model_path = g_strdup ("dense.ecgm");
  c->data_dir = g_strdup ("data/demo");
  c->store_path = g_strdup ("runs.db");
  c->tag = g_strdup ("table-v");
  c->max_train_examples = 120;
  c->max_val_examples = 60;
  c->max_test_examples = 50;
  c->energy_inferences = 3;
  g_autoptr (JsonObject) o = ecg_prune_config_to_json (c);
  g_assert_cmpstr (json_object_get_string_member (o, "reproduce"), ==, "table-v");
  g_autoptr (GError) error = NULL;
  g_autoptr (EcgPruneConfig) d = ecg_prune_config_from_json (o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->tag, ==, "table-v");
  g_assert_cmpint (d->max_train_examples, ==, 120);
  g_assert_cmpint (d->max_val_examples, ==, 60);
  g_assert_cmpint (d->max_test_examples, ==, 50);
  g_assert_cmpint (d->energy_inferences, ==, 3);

  g_autoptr (JsonObject) plain = parse_object ("{\"model\": \"m.ecgm\", \"data\": \"d\"}");
  g_autoptr (EcgPruneConfig) e = ecg_prune_config_from_json (plain, &error);
  g_assert_no_error (error);
  g_assert_null (e->tag);
  g_assert_cmpint (e->max_train_examples, ==, 0);
  g_assert_cmpint (e->energy_inferences, ==, 200);
  g_autoptr (JsonObject) untagged = ecg_prune_config_to_json (e);
  g_assert_false (json_object_has_member (untagged, "reproduce"));

  d->max_test_examples = -1;
  g_assert_false (ecg_prune_config_validate (d, &error));
  g_assert_error (error, ECG_ERROR, ECG_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/jobs/prune-config/reproduce-members", test_reproduce_members);
  g_test_add_func ("/engine/jobs/prune-config/round-trip", test_round_trip);
  g_test_add_func ("/engine/jobs/prune-config/defaults", test_defaults);
  g_test_add_func ("/engine/jobs/prune-config/class-aware", test_class_aware);
  g_test_add_func ("/engine/jobs/prune-config/wrong-types", test_wrong_types);
  return g_test_run ();
}
