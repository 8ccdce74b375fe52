/* ecg-run-item.c — a run of the store as a GObject list item. */
#include "ecg-run-item.h"

#include <glib/gi18n.h>
#include <math.h>

struct _EcgRunItem
{
  GObject parent_instance;

  EcgRun *run;
  char *settings;
};

G_DEFINE_FINAL_TYPE (EcgRunItem, ecg_run_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_STATUS,
  PROP_NAME,
  PROP_N_STEPS,
  PROP_SPARSITY,
  PROP_MACRO_F1,
  PROP_CREATED,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const EcgStepRecord *
last_step (EcgRunItem *self)
{
  if (self->run->steps == NULL || self->run->steps->len == 0)
    return NULL;
  return g_ptr_array_index (self->run->steps, self->run->steps->len - 1);
}

const EcgRun *
ecg_run_item_get_run (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), NULL);
  return self->run;
}

gint64
ecg_run_item_get_id (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), 0);
  return self->run->id;
}

EcgRunStatus
ecg_run_item_get_status (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), ECG_RUN_STATUS_QUEUED);
  return self->run->status;
}

double
ecg_run_item_get_sparsity (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), NAN);
  const EcgStepRecord *step = last_step (self);
  return step != NULL ? step->sparsity : NAN;
}

double
ecg_run_item_get_macro_f1 (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), NAN);
  const EcgStepRecord *step = last_step (self);
  return step != NULL ? step->macro_f1 : NAN;
}

gboolean
ecg_run_item_can_resume (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), FALSE);
  EcgRunStatus status = self->run->status;
  return self->run->kind == ECG_RUN_KIND_PRUNE
         && (status == ECG_RUN_STATUS_INTERRUPTED || status == ECG_RUN_STATUS_FAILED
             || status == ECG_RUN_STATUS_CANCELLED);
}

/* Config members as written by the jobs; a member that is absent or of another type (a store
 * edited by hand) reads as unknown. */
static double
config_number (JsonObject *config, const char *member)
{
  JsonNode *node = json_object_get_member (config, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  GType type = json_node_get_value_type (node);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64 ? json_node_get_double (node) : NAN;
}

static const char *
config_string (JsonObject *config, const char *member)
{
  JsonNode *node = json_object_get_member (config, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
config_flag (JsonObject *config, const char *member)
{
  JsonNode *node = json_object_get_member (config, member);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static char *
describe_settings (const EcgRun *run)
{
  JsonObject *config = run->config;
  if (run->kind != ECG_RUN_KIND_PRUNE)
    {
      const char *arch = config_string (config, "arch");
      return g_strdup (arch != NULL ? arch : "");
    }

  GString *text = g_string_new (NULL);
  const char *method = config_string (config, "method");
  double alpha = config_number (config, "alpha");
  double beta = config_number (config, "beta");
  double target = config_number (config, "target_sparsity");
  double steps = config_number (config, "steps");
  double epochs = config_number (config, "finetune_epochs");
  if (g_strcmp0 (method, "l1") == 0)
    g_string_append (text, _("L1"));
  else
    {
      g_string_append (text, _("Energy-aware"));
      if (isfinite (alpha))
        g_string_append_printf (text, " α %g", alpha);
    }
  if (isfinite (beta))
    g_string_append_printf (text, " β %g", beta);
  if (isfinite (target) && isfinite (steps))
    g_string_append_printf (text, _(" · %g %% in %d steps"), 100.0 * target, (int) steps);
  if (isfinite (epochs))
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " · %d epoch per step",
                                               " · %d epochs per step", (unsigned long) epochs),
                            (int) epochs);
  if (config_flag (config, "kd"))
    g_string_append (text, _(" · KD"));
  if (config_flag (config, "structured"))
    g_string_append (text, _(" · structured"));
  return g_string_free (text, FALSE);
}

const char *
ecg_run_item_get_settings (EcgRunItem *self)
{
  g_return_val_if_fail (ECG_IS_RUN_ITEM (self), NULL);
  return self->settings;
}

static void
ecg_run_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EcgRunItem *self = ECG_RUN_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->run->id);
      break;
    case PROP_KIND:
      g_value_set_string (value, ecg_run_kind_to_string (self->run->kind));
      break;
    case PROP_STATUS:
      g_value_set_string (value, ecg_run_status_to_string (self->run->status));
      break;
    case PROP_NAME:
      g_value_set_string (value, self->run->name);
      break;
    case PROP_N_STEPS:
      g_value_set_int (value, self->run->n_steps);
      break;
    case PROP_SPARSITY:
      g_value_set_double (value, ecg_run_item_get_sparsity (self));
      break;
    case PROP_MACRO_F1:
      g_value_set_double (value, ecg_run_item_get_macro_f1 (self));
      break;
    case PROP_CREATED:
      g_value_set_string (value, self->run->created);
      break;
    case PROP_SETTINGS:
      g_value_set_string (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_run_item_finalize (GObject *object)
{
  EcgRunItem *self = ECG_RUN_ITEM (object);
  g_clear_pointer (&self->run, ecg_run_free);
  g_clear_pointer (&self->settings, g_free);
  G_OBJECT_CLASS (ecg_run_item_parent_class)->finalize (object);
}

static void
ecg_run_item_class_init (EcgRunItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ecg_run_item_get_property;
  object_class->finalize = ecg_run_item_finalize;

  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_N_STEPS] = g_param_spec_int ("n-steps", NULL, NULL, 0, G_MAXINT, 0, flags);
  /* NaN (no step yet) is a valid value: the range is the whole double line. */
  properties[PROP_SPARSITY]
    = g_param_spec_double ("sparsity", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_MACRO_F1]
    = g_param_spec_double ("macro-f1", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CREATED] = g_param_spec_string ("created", NULL, NULL, NULL, flags);
  properties[PROP_SETTINGS] = g_param_spec_string ("settings", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ecg_run_item_init (EcgRunItem *self)
{
}

EcgRunItem *
ecg_run_item_new (EcgRun *run)
{
  g_return_val_if_fail (run != NULL, NULL);
  EcgRunItem *self = g_object_new (ECG_TYPE_RUN_ITEM, NULL);
  self->run = run;
  self->settings = describe_settings (run);
  return self;
}
