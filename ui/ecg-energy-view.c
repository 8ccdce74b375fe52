/* ecg-energy-view.c — the Energy page.
 *
 * Two kinds of worker-thread work, each a GTask:
 *   load     reads the model file (or builds the zoo architecture) and makes its cost table
 *            and the 45 nm operation-model energies at both precisions: a Loaded, shared by
 *            reference with the measurement;
 *   measure  batch-1 latency (ecg_latency_measure) and (d) (ecg_energy_measure_model) of a
 *            Loaded. One measurement at a time: a new request while one runs waits for it
 *            (two would time each other on two cores), a superseded one is dropped on return.
 * Everything the page shows is derived on the main thread from those results with the
 * engine's functions (proxy, TF-FLOPs energy, CO2, battery life), which are arithmetic only. */
#include "ecg-energy-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ecg-application.h"
#include "ecg-config.h"
#include "ecg-error.h"
#include "ecg-model-card-dialog.h"
#include "nn/ecg-model-file.h"
#include "nn/ecg-zoo.h"

/* Untimed forwards before the latency is timed (caches, page faults, OpenBLAS buffers). */
#define MEASURE_WARMUP 5

typedef enum
{
  SOURCE_FILE,
  SOURCE_ARCH,
} SourceKind;

typedef struct
{
  SourceKind kind;
  char *value; /* path or architecture name */
} Source;

static void
source_clear (gpointer data)
{
  Source *source = data;
  g_free (source->value);
}

static void
source_free (Source *source)
{
  source_clear (source);
  g_free (source);
}

/* ---- what the workers make ----------------------------------------------------------------- */

/* A loaded model; immutable once made, shared (atomic reference count) between the page and a
 * measurement in flight. */
typedef struct
{
  EcgModel *model;
  EcgCostTable *table;
  EcgOpEnergy *op_energy[2]; /* by EcgPrecision */
  gboolean int8_file;        /* the file holds an INT8 version (QNT8) */
} Loaded;

static void
loaded_clear (gpointer data)
{
  Loaded *loaded = data;
  g_clear_pointer (&loaded->op_energy[ECG_PRECISION_FP32], ecg_op_energy_free);
  g_clear_pointer (&loaded->op_energy[ECG_PRECISION_INT8], ecg_op_energy_free);
  g_clear_pointer (&loaded->table, ecg_cost_table_free);
  g_clear_pointer (&loaded->model, ecg_model_free);
}

static Loaded *
loaded_ref (Loaded *loaded)
{
  return g_atomic_rc_box_acquire (loaded);
}

static void
loaded_unref (Loaded *loaded)
{
  g_atomic_rc_box_release_full (loaded, loaded_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_unref)

typedef struct
{
  Loaded *loaded;
  int repeats;
  double core_power_w;
} MeasureRequest;

typedef struct
{
  EcgLatency latency;
  EcgMeasuredEnergy measured;
} Measurement;

static void
measure_request_free (MeasureRequest *request)
{
  loaded_unref (request->loaded);
  g_free (request);
}

/* ---- the view ------------------------------------------------------------------------------ */

struct _EcgEnergyView
{
  GtkWidget parent_instance;

  GSettings *settings;
  char *model_path;           /* the current model */
  GPtrArray *bundled;         /* char*: the .ecgm files of the bundled models folder */
  GArray *sources;            /* Source: the dropdown's entries, in its order */
  gboolean rebuilding;        /* the dropdown is being refilled: ignore its selection */
  Source shown;               /* value NULL when nothing */

  GCancellable *load_cancellable;
  gboolean load_wanted;       /* load when mapped: a hidden page does not spend CPU */
  gboolean loading;
  Loaded *loaded;             /* the shown model, NULL while loading */

  GCancellable *measure_cancellable; /* the measurement in flight; cancelled = drop its result */
  gboolean measuring;
  gboolean measure_pending;   /* measure the shown model when the running one returns */
  gboolean have_measurement;
  Measurement measurement;

  GCancellable *dispose_cancellable; /* the bundled-folder listing */

  /* Template children */
  GtkDropDown *source_dropdown;
  GtkStringList *source_list;
  GtkSpinner *spinner;
  GtkLabel *status_label;
  GtkInfoBar *info_bar;
  GtkLabel *info_label;
  GtkLabel *summary_label;
  EcgMacsChart *macs_chart;
  GtkDropDown *precision_dropdown;
  GtkLabel *proxy_value_label;
  GtkLabel *proxy_method_label;
  GtkLabel *tf_value_label;
  GtkLabel *tf_method_label;
  GtkLabel *op_value_label;
  GtkLabel *op_method_label;
  GtkLabel *op_detail_label;
  GtkLabel *measured_value_label;
  GtkLabel *measured_method_label;
  GtkLabel *measured_detail_label;
  GtkLabel *latency_label;
  GtkLabel *co2_label;
  GtkSpinButton *grid_spin;
  GtkSpinButton *core_power_spin;
  GtkSpinButton *repeats_spin;
  GtkSpinButton *capacity_spin;
  GtkSpinButton *volts_spin;
  GtkSpinButton *bpm_spin;
  GtkSpinButton *baseline_spin;
  GtkLabel *battery_energy_label;
  GtkLabel *inference_power_label;
  GtkLabel *life_without_label;
  GtkLabel *life_with_label;
  GtkLabel *share_label;
};

G_DEFINE_FINAL_TYPE (EcgEnergyView, ecg_energy_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MODEL_PATH,
  PROP_LOADING,
  PROP_MEASURING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_load (EcgEnergyView *self);
static void start_measure (EcgEnergyView *self);

/* ---- messages ------------------------------------------------------------------------------ */

static void
show_error (EcgEnergyView *self, const char *text)
{
  gtk_label_set_text (self->info_label, text);
  gtk_info_bar_set_revealed (self->info_bar, TRUE);
}

static void
hide_error (EcgEnergyView *self)
{
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static void
on_info_bar_response (GtkInfoBar *info_bar, int response, EcgEnergyView *self)
{
  hide_error (self);
}

const char *
ecg_energy_view_get_message (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), NULL);
  if (!gtk_info_bar_get_revealed (self->info_bar))
    return NULL;
  return gtk_label_get_text (self->info_label);
}

static void
update_busy (EcgEnergyView *self)
{
  gboolean busy = self->loading || self->measuring;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (self->loading)
    gtk_label_set_text (self->status_label, _("Reading the model…"));
  else if (self->measuring)
    gtk_label_set_text (self->status_label, _("Measuring latency…"));
  else
    gtk_label_set_text (self->status_label, "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "energy.measure",
                                 self->loaded != NULL && !self->measuring);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "energy.model-card",
                                 self->shown.value != NULL);
}

static void
set_loading (EcgEnergyView *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_measuring (EcgEnergyView *self, gboolean measuring)
{
  if (self->measuring == measuring)
    return;
  self->measuring = measuring;
  update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURING]);
}

/* ---- formatting ---------------------------------------------------------------------------- */

/* A count with the locale's digit grouping ("9,232,768"), outside _(): xgettext cannot see
 * through G_GINT64_FORMAT. Owned by the caller. */
static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

/* An energy in joules with a unit that keeps 1–999 before the point: "163.6 µJ". Owned by the
 * caller. */
static char *
format_joules (double joules)
{
  if (!isfinite (joules))
    return g_strdup ("—");
  /* Translators: energies; keep the units. */
  if (joules >= 1.0)
    return g_strdup_printf (_("%.4g J"), joules);
  if (joules >= 1e-3)
    return g_strdup_printf (_("%.4g mJ"), joules * 1e3);
  if (joules >= 1e-6)
    return g_strdup_printf (_("%.4g µJ"), joules * 1e6);
  return g_strdup_printf (_("%.4g nJ"), joules * 1e9);
}

/* "580.1 h (24.2 days)", or "unlimited" for an infinite time. Owned by the caller. */
static char *
format_hours (double hours)
{
  if (!isfinite (hours))
    return g_strdup (_("unlimited (nothing draws power)"));
  /* Translators: a battery life in hours and in days. */
  return g_strdup_printf (_("%.1f h (%.1f days)"), hours, hours / 24.0);
}

static EcgPrecision
chosen_precision (EcgEnergyView *self)
{
  return gtk_drop_down_get_selected (self->precision_dropdown) == 1 ? ECG_PRECISION_INT8
                                                                    : ECG_PRECISION_FP32;
}

static const EcgOpEnergy *
chosen_op_energy (EcgEnergyView *self)
{
  return self->loaded != NULL ? self->loaded->op_energy[chosen_precision (self)] : NULL;
}

/* ---- showing figures ----------------------------------------------------------------------- */

static void
read_profile (EcgEnergyView *self, EcgWearableProfile *profile)
{
  profile->capacity_mah = gtk_spin_button_get_value (self->capacity_spin);
  profile->volts = gtk_spin_button_get_value (self->volts_spin);
  profile->beats_per_minute = gtk_spin_button_get_value (self->bpm_spin);
  profile->baseline_mw = gtk_spin_button_get_value (self->baseline_spin);
}

double
ecg_energy_view_get_op_model_joules (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), NAN);
  const EcgOpEnergy *energy = chosen_op_energy (self);
  return energy != NULL ? energy->joules : NAN;
}

gboolean
ecg_energy_view_get_battery_life (EcgEnergyView *self, EcgBatteryLife *life)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), FALSE);
  const EcgOpEnergy *energy = chosen_op_energy (self);
  if (energy == NULL)
    return FALSE;
  EcgWearableProfile profile;
  read_profile (self, &profile);
  return ecg_energy_battery_life (&profile, energy->joules, life, NULL);
}

static void
show_battery (EcgEnergyView *self)
{
  EcgBatteryLife life;
  if (!ecg_energy_view_get_battery_life (self, &life))
    {
      gtk_label_set_text (self->battery_energy_label, "—");
      gtk_label_set_text (self->inference_power_label, "—");
      gtk_label_set_text (self->life_without_label, "—");
      gtk_label_set_text (self->life_with_label, "—");
      gtk_label_set_text (self->share_label, "—");
      return;
    }
  /* Translators: the energy a battery holds. */
  g_autofree char *battery = g_strdup_printf (_("%.0f J"), life.battery_joules);
  /* Translators: a power in milliwatts. */
  g_autofree char *power = g_strdup_printf (_("%.4g mW"), life.inference_mw);
  g_autofree char *without = format_hours (life.hours_without_inference);
  g_autofree char *with = format_hours (life.hours_with_inference);
  /* Translators: the inference's share of the power drawn, a percentage. */
  g_autofree char *share = g_strdup_printf (_("%.2f %%"), 100.0 * life.inference_share);
  gtk_label_set_text (self->battery_energy_label, battery);
  gtk_label_set_text (self->inference_power_label, power);
  gtk_label_set_text (self->life_without_label, without);
  gtk_label_set_text (self->life_with_label, with);
  gtk_label_set_text (self->share_label, share);
}

/* (a), (d), latency and CO2: known once a measurement has returned. */
static void
show_measured (EcgEnergyView *self)
{
  if (self->loaded == NULL || !self->have_measurement)
    {
      const char *pending = self->measuring ? _("measuring…") : "—";
      gtk_label_set_text (self->proxy_value_label, pending);
      gtk_label_set_text (self->measured_value_label, pending);
      gtk_label_set_text (self->measured_method_label, "rapl | estimate · " ECG_ENERGY_JOULE_UNIT);
      gtk_label_set_text (self->measured_detail_label,
                          _("Linux RAPL package energy when readable, otherwise time × per-core "
                            "power."));
      gtk_label_set_text (self->latency_label, pending);
      gtk_label_set_text (self->co2_label, pending);
      return;
    }
  const EcgLatency *latency = &self->measurement.latency;
  const EcgMeasuredEnergy *measured = &self->measurement.measured;

  double proxy = ecg_energy_proxy_mmac_ms (self->loaded->table->macs, latency->median_ms);
  g_autofree char *proxy_text = g_strdup_printf ("%.4g %s", proxy, ECG_ENERGY_PROXY_UNIT);
  gtk_label_set_text (self->proxy_value_label, proxy_text);

  g_autofree char *measured_text = format_joules (measured->joules_per_inference);
  gtk_label_set_text (self->measured_value_label, measured_text);
  g_autofree char *method
    = g_strdup_printf ("%s · %s", ecg_measured_method_name (measured->method),
                       ECG_ENERGY_JOULE_UNIT);
  gtk_label_set_text (self->measured_method_label, method);
  g_autofree char *detail = NULL;
  if (measured->method == ECG_MEASURED_RAPL)
    /* Translators: (d) measured with RAPL over n inferences. */
    detail = g_strdup_printf (_("Measured: RAPL package energy over %d inferences (includes "
                                "whatever else the machine did meanwhile)."),
                              measured->n_inferences);
  else
    /* Translators: (d) estimated; %g is the per-core power in watts. */
    detail = g_strdup_printf (_("Estimate, not a measurement (RAPL is not readable here): "
                                "%.4g ms per inference × %g W per core."),
                              measured->seconds_per_inference * 1e3, measured->core_power_w);
  gtk_label_set_text (self->measured_detail_label, detail);

  /* Translators: median latency, the 10th–90th percentile range and the number of runs. */
  g_autofree char *latency_text
    = g_strdup_printf (_("%.4g ms median (p10 %.4g – p90 %.4g ms) over %d runs, batch 1, "
                         "one thread"),
                       latency->median_ms, latency->p10_ms, latency->p90_ms, latency->repeats);
  gtk_label_set_text (self->latency_label, latency_text);

  double grid = gtk_spin_button_get_value (self->grid_spin);
  double co2 = ecg_energy_co2_g_per_million (measured->joules_per_inference, grid);
  /* Translators: grams of CO2 for a million inferences, from (d) and the grid intensity. */
  g_autofree char *co2_text = g_strdup_printf (_("%.4g g per million inferences (from (d) at "
                                                 "%g g/kWh)"),
                                               co2, grid);
  gtk_label_set_text (self->co2_label, co2_text);
}

/* (b) and (c): known as soon as the model is loaded. */
static void
show_static (EcgEnergyView *self)
{
  const EcgOpEnergy *op = chosen_op_energy (self);
  if (self->loaded == NULL || op == NULL)
    {
      gtk_label_set_text (self->summary_label, self->loading ? _("Reading the model…") : "");
      gtk_label_set_text (self->tf_value_label, "—");
      gtk_label_set_text (self->op_value_label, "—");
      gtk_label_set_text (self->op_detail_label, "");
      ecg_macs_chart_set_table (self->macs_chart, NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "energy.export-macs", FALSE);
      return;
    }
  const EcgCostTable *table = self->loaded->table;
  /* Translators: architecture, parameters, non-zero parameters, MACs and TF-profiler FLOPs of
   * one inference. */
  g_autofree char *params = format_count (table->params);
  g_autofree char *nonzero = format_count (table->nonzero_params);
  g_autofree char *macs = format_count (table->macs);
  g_autofree char *tf_flops = format_count (table->tf_flops);
  g_autofree char *summary
    = g_strdup_printf (_("%s · %s parameters (%s non-zero) · %s MACs · %s TF-FLOPs per "
                         "inference"),
                       table->arch, params, nonzero, macs, tf_flops);
  gtk_label_set_text (self->summary_label, summary);
  ecg_macs_chart_set_table (self->macs_chart, table);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "energy.export-macs",
                                 ecg_macs_chart_get_n_bars (self->macs_chart) > 0);

  g_autofree char *tf = format_joules (ecg_energy_tf_flops_joules (table->tf_flops));
  gtk_label_set_text (self->tf_value_label, tf);
  g_autofree char *op_text = format_joules (op->joules);
  gtk_label_set_text (self->op_value_label, op_text);

  g_autofree char *compute = format_joules (op->compute_pj * 1e-12);
  g_autofree char *weights = format_joules (op->weight_pj * 1e-12);
  g_autofree char *activations = format_joules (op->activation_pj * 1e-12);
  const char *memory = op->weights_in_sram ? _("on-chip SRAM") : _("DRAM");
  /* Translators: the 45 nm model's parts: precision, arithmetic, weight reads (from SRAM or
   * DRAM, with the weight bytes and the on-chip budget), activations. */
  g_autofree char *weight_bytes = format_count (op->weight_bytes);
  g_autofree char *budget = format_count (op->sram_budget_bytes);
  g_autofree char *detail
    = g_strdup_printf (_("%s: arithmetic %s, weights %s (%s bytes from %s; budget %s bytes), "
                         "activations %s"),
                       ecg_precision_name (op->precision), compute, weights, weight_bytes,
                       memory, budget, activations);
  if (self->loaded->int8_file && op->precision == ECG_PRECISION_INT8)
    {
      g_autofree char *fp32_note = g_strconcat (detail, " ",
                                                _("(the latency and (d) time the file's fp32 "
                                                  "forward)"),
                                                NULL);
      gtk_label_set_text (self->op_detail_label, fp32_note);
    }
  else
    gtk_label_set_text (self->op_detail_label, detail);
}

static void
show_all (EcgEnergyView *self)
{
  show_static (self);
  show_measured (self);
  show_battery (self);
  update_busy (self);
}

/* ---- the dropdown of models ---------------------------------------------------------------- */

static gboolean
source_equal (const Source *a, const Source *b)
{
  return a->kind == b->kind && g_strcmp0 (a->value, b->value) == 0;
}

static void
add_source (EcgEnergyView *self, GPtrArray *labels, SourceKind kind, const char *value,
            const char *label)
{
  Source source = { kind, g_strdup (value) };
  g_array_append_val (self->sources, source);
  g_ptr_array_add (labels, g_strdup (label));
}

/* Refills the dropdown: the current model, the bundled models, the zoo; selects the shown one. */
static void
rebuild_sources (EcgEnergyView *self)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_array_set_size (self->sources, 0);

  if (self->model_path != NULL)
    {
      g_autofree char *base = g_path_get_basename (self->model_path);
      g_autofree char *display = g_filename_display_name (base);
      /* Translators: the dropdown entry of the Compress page's model. */
      g_autofree char *label = g_strdup_printf (_("Current model: %s"), display);
      add_source (self, labels, SOURCE_FILE, self->model_path, label);
    }
  for (guint i = 0; i < self->bundled->len; i++)
    {
      const char *path = g_ptr_array_index (self->bundled, i);
      if (g_strcmp0 (path, self->model_path) == 0)
        continue;
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *display = g_filename_display_name (base);
      /* Translators: the dropdown entry of a model shipped with the program. */
      g_autofree char *label = g_strdup_printf (_("Bundled: %s"), display);
      add_source (self, labels, SOURCE_FILE, path, label);
    }
  gsize n_arch = 0;
  const EcgArchInfo *archs = ecg_zoo_architectures (&n_arch);
  for (gsize i = 0; i < n_arch; i++)
    {
      /* Translators: the dropdown entry of an untrained zoo architecture. */
      g_autofree char *label = g_strdup_printf (_("Architecture: %s"), archs[i].name);
      add_source (self, labels, SOURCE_ARCH, archs[i].name, label);
    }
  g_ptr_array_add (labels, NULL);

  self->rebuilding = TRUE;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->source_list));
  gtk_string_list_splice (self->source_list, 0, n_old, (const char *const *) labels->pdata);
  guint selected = GTK_INVALID_LIST_POSITION;
  for (guint i = 0; i < self->sources->len; i++)
    if (self->shown.value != NULL && source_equal (&g_array_index (self->sources, Source, i),
                                                   &self->shown))
      selected = i;
  gtk_drop_down_set_selected (self->source_dropdown, selected);
  self->rebuilding = FALSE;
}

/* Shows `source` (copied), loading it unless it is already shown. */
static void
show_source (EcgEnergyView *self, SourceKind kind, const char *value)
{
  Source source = { kind, (char *) value };
  if (self->shown.value != NULL && source_equal (&source, &self->shown))
    return;
  g_free (self->shown.value);
  self->shown.kind = kind;
  self->shown.value = g_strdup (value);
  rebuild_sources (self);
  start_load (self);
}

static void
on_source_selected (GtkDropDown *dropdown, GParamSpec *pspec, EcgEnergyView *self)
{
  if (self->rebuilding)
    return;
  guint selected = gtk_drop_down_get_selected (dropdown);
  if (selected >= self->sources->len)
    return;
  const Source *source = &g_array_index (self->sources, Source, selected);
  g_autofree char *value = g_strdup (source->value);
  show_source (self, source->kind, value);
}


/* ---- the bundled models -------------------------------------------------------------------- */

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Worker: the *.ecgm files of the folder (task data, a path), sorted by name. */
static void
list_bundled_thread (GTask *task, gpointer source_object, gpointer task_data,
                     GCancellable *cancellable)
{
  const char *folder = task_data;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ecgm"))
      g_ptr_array_add (paths, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  g_task_return_pointer (task, paths, (GDestroyNotify) g_ptr_array_unref);
}

static void
bundled_listed (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (source_object);
  GPtrArray *paths = g_task_propagate_pointer (G_TASK (result), NULL);
  if (paths == NULL || g_cancellable_is_cancelled (self->dispose_cancellable))
    {
      g_clear_pointer (&paths, g_ptr_array_unref);
      return;
    }
  g_ptr_array_unref (self->bundled);
  self->bundled = paths;
  rebuild_sources (self);
}

static char *
bundled_folder (void)
{
  g_autoptr (GFile) demo_model = ecg_application_get_demo_model ();
  g_autoptr (GFile) folder = g_file_get_parent (demo_model);
  return g_file_get_path (folder);
}

static void
list_bundled (EcgEnergyView *self)
{
  g_autoptr (GTask) task = g_task_new (self, self->dispose_cancellable, bundled_listed, NULL);
  g_task_set_source_tag (task, list_bundled);
  g_task_set_task_data (task, bundled_folder (), g_free);
  g_task_run_in_thread (task, list_bundled_thread);
}

/* ---- loading ------------------------------------------------------------------------------- */

/* Worker: the model of `source` (task data), its cost table and both 45 nm energies. */
static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const Source *source = task_data;
  GError *error = NULL;
  g_autoptr (Loaded) loaded = g_atomic_rc_box_new0 (Loaded);

  if (source->kind == SOURCE_FILE)
    {
      /* INT8 files too: their fp32 graph is what the tables count (ecg-quant-file.h). */
      static const char *const accept[] = { "QNT8", NULL };
      g_autoptr (EcgModelFile) file
        = ecg_model_file_load_full (source->value, NULL, 0, NULL, accept, &error);
      if (file == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      loaded->int8_file = file->extra_sections != NULL && file->extra_sections->len > 0;
      loaded->model = g_steal_pointer (&file->model);
    }
  else
    {
      loaded->model = ecg_zoo_build (source->value, FALSE, 1, &error);
      if (loaded->model == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  loaded->table = ecg_cost_table_new (loaded->model);
  for (int p = ECG_PRECISION_FP32; p <= ECG_PRECISION_INT8; p++)
    {
      EcgOpModelOptions options;
      ecg_op_model_options_init (&options);
      options.precision = p;
      loaded->op_energy[p] = ecg_op_energy_new (loaded->table, &options);
    }
  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_unref);
}

static void
loaded_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (source_object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr (GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  /* Superseded by another load, or the view is going. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_pointer (&loaded, loaded_unref);
      return;
    }
  g_clear_object (&self->load_cancellable);
  self->loaded = loaded;
  set_loading (self, FALSE);
  if (loaded == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The model could not be read: %s"),
                                               error->message);
      show_error (self, text);
    }
  else
    /* (c) at the precision the model runs in; the dropdown can still compare the other. */
    gtk_drop_down_set_selected (self->precision_dropdown, loaded->int8_file ? 1 : 0);
  show_all (self);
  start_measure (self);
}

static void
start_load (EcgEnergyView *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->load_wanted = TRUE;
      return;
    }
  self->load_wanted = FALSE;
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  /* What is measured now belongs to the previous model. */
  if (self->measure_cancellable != NULL)
    g_cancellable_cancel (self->measure_cancellable);
  self->measure_pending = FALSE;
  self->have_measurement = FALSE;
  g_clear_pointer (&self->loaded, loaded_unref);
  hide_error (self);
  if (self->shown.value == NULL)
    {
      show_all (self);
      return;
    }

  self->load_cancellable = g_cancellable_new ();
  Source *source = g_new0 (Source, 1);
  source->kind = self->shown.kind;
  source->value = g_strdup (self->shown.value);
  g_autoptr (GTask) task = g_task_new (self, self->load_cancellable, loaded_done, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, source, (GDestroyNotify) source_free);
  set_loading (self, TRUE);
  show_all (self);
  g_task_run_in_thread (task, load_thread);
}

/* ---- measuring ----------------------------------------------------------------------------- */

/* Worker: latency, then (d), of the request's model. */
static void
measure_thread (GTask *task, gpointer source_object, gpointer task_data,
                GCancellable *cancellable)
{
  MeasureRequest *request = task_data;
  GError *error = NULL;
  Measurement *measurement = g_new0 (Measurement, 1);
  if (!ecg_latency_measure (request->loaded->model, MEASURE_WARMUP, request->repeats,
                            &measurement->latency, &error)
      || !ecg_energy_measure_model (request->loaded->model, NULL, request->core_power_w, 0,
                                    request->repeats, &measurement->measured, &error))
    {
      g_free (measurement);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, measurement, g_free);
}

static void
measured_done (GObject *source_object, GAsyncResult *result, gpointer user_data)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (source_object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree Measurement *measurement = g_task_propagate_pointer (G_TASK (result), &error);

  /* The view is gone (its template children with it). */
  if (g_cancellable_is_cancelled (self->dispose_cancellable))
    return;
  if (cancellable == self->measure_cancellable)
    g_clear_object (&self->measure_cancellable);
  set_measuring (self, FALSE);
  if (g_cancellable_is_cancelled (cancellable))
    {
      /* Dropped: another model or other settings. */
      if (self->measure_pending)
        start_measure (self);
      else
        show_all (self);
      return;
    }
  if (measurement == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The latency could not be measured: %s"),
                                               error->message);
      show_error (self, text);
    }
  else
    {
      self->measurement = *measurement;
      self->have_measurement = TRUE;
    }
  if (self->measure_pending)
    start_measure (self);
  else
    show_all (self);
}

static void
start_measure (EcgEnergyView *self)
{
  if (self->loaded == NULL)
    {
      self->measure_pending = FALSE;
      return;
    }
  /* One at a time: the running one is dropped and this one follows it. */
  if (self->measuring)
    {
      if (self->measure_cancellable != NULL)
        g_cancellable_cancel (self->measure_cancellable);
      self->measure_pending = TRUE;
      return;
    }
  self->measure_pending = FALSE;
  self->have_measurement = FALSE;

  MeasureRequest *request = g_new0 (MeasureRequest, 1);
  request->loaded = loaded_ref (self->loaded);
  request->repeats = gtk_spin_button_get_value_as_int (self->repeats_spin);
  request->core_power_w = gtk_spin_button_get_value (self->core_power_spin);

  self->measure_cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (self, self->measure_cancellable, measured_done, NULL);
  g_task_set_source_tag (task, start_measure);
  g_task_set_task_data (task, request, (GDestroyNotify) measure_request_free);
  set_measuring (self, TRUE);
  show_all (self);
  g_task_run_in_thread (task, measure_thread);
}

gboolean
ecg_energy_view_get_measurement (EcgEnergyView *self, EcgLatency *latency,
                                 EcgMeasuredEnergy *measured)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), FALSE);
  if (self->loaded == NULL || !self->have_measurement)
    return FALSE;
  if (latency != NULL)
    *latency = self->measurement.latency;
  if (measured != NULL)
    *measured = self->measurement.measured;
  return TRUE;
}

/* ---- settings and controls ----------------------------------------------------------------- */

static void
on_profile_changed (GtkSpinButton *spin, EcgEnergyView *self)
{
  show_battery (self);
}

static void
on_grid_changed (GtkSpinButton *spin, EcgEnergyView *self)
{
  show_measured (self);
}

/* (d)'s estimate is made with the power at measuring time: measure again. */
static void
on_core_power_changed (GtkSpinButton *spin, EcgEnergyView *self)
{
  start_measure (self);
}

static void
on_precision_changed (GtkDropDown *dropdown, GParamSpec *pspec, EcgEnergyView *self)
{
  show_static (self);
  show_battery (self);
}

/* ---- actions ------------------------------------------------------------------------------- */

static void
model_chosen (GtkNativeDialog *dialog, int response, EcgEnergyView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        ecg_energy_view_show_model_file (self, path);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_model_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog
    = gtk_file_chooser_native_new (_("Open Model"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Models (*.ecgm)"));
  gtk_file_filter_add_pattern (filter, "*.ecgm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_autofree char *folder_path = bundled_folder ();
  g_autoptr (GFile) folder = g_file_new_for_path (folder_path);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (model_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
model_card_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (widget);
  if (self->shown.value == NULL)
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  EcgModelCardDialog *dialog
    = ecg_model_card_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  if (self->shown.kind == SOURCE_FILE)
    ecg_model_card_dialog_show_model_file (dialog, self->shown.value);
  else
    ecg_model_card_dialog_show_architecture (dialog, self->shown.value);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
measure_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_measure (ECG_ENERGY_VIEW (widget));
}

static void
export_macs_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ecg_macs_chart_choose_export (ECG_ENERGY_VIEW (widget)->macs_chart);
}

/* ---- public -------------------------------------------------------------------------------- */

void
ecg_energy_view_set_model_path (EcgEnergyView *self, const char *path)
{
  g_return_if_fail (ECG_IS_ENERGY_VIEW (self));
  if (g_strcmp0 (self->model_path, path) == 0)
    return;
  gboolean follow = self->shown.value == NULL
                    || (self->shown.kind == SOURCE_FILE
                        && g_strcmp0 (self->shown.value, self->model_path) == 0);
  g_free (self->model_path);
  self->model_path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_PATH]);
  if (follow && path != NULL)
    show_source (self, SOURCE_FILE, path);
  else
    rebuild_sources (self);
}

const char *
ecg_energy_view_get_model_path (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), NULL);
  return self->model_path;
}

void
ecg_energy_view_show_model_file (EcgEnergyView *self, const char *path)
{
  g_return_if_fail (ECG_IS_ENERGY_VIEW (self));
  g_return_if_fail (path != NULL);
  gboolean listed = g_strcmp0 (path, self->model_path) == 0;
  for (guint i = 0; i < self->bundled->len && !listed; i++)
    listed = g_strcmp0 (path, g_ptr_array_index (self->bundled, i)) == 0;
  /* Another file becomes the current model, so that the dropdown can name it. */
  if (!listed)
    {
      g_free (self->model_path);
      self->model_path = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_PATH]);
    }
  show_source (self, SOURCE_FILE, path);
}

void
ecg_energy_view_show_architecture (EcgEnergyView *self, const char *arch)
{
  g_return_if_fail (ECG_IS_ENERGY_VIEW (self));
  g_return_if_fail (arch != NULL);
  show_source (self, SOURCE_ARCH, arch);
}

void
ecg_energy_view_get_shown (EcgEnergyView *self, const char **path, const char **arch)
{
  g_return_if_fail (ECG_IS_ENERGY_VIEW (self));
  gboolean file = self->shown.value != NULL && self->shown.kind == SOURCE_FILE;
  gboolean zoo = self->shown.value != NULL && self->shown.kind == SOURCE_ARCH;
  if (path != NULL)
    *path = file ? self->shown.value : NULL;
  if (arch != NULL)
    *arch = zoo ? self->shown.value : NULL;
}

gboolean
ecg_energy_view_get_loading (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), FALSE);
  return self->loading || self->load_wanted;
}

gboolean
ecg_energy_view_get_measuring (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), FALSE);
  return self->measuring;
}

const EcgCostTable *
ecg_energy_view_get_cost_table (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), NULL);
  return self->loaded != NULL ? self->loaded->table : NULL;
}

EcgMacsChart *
ecg_energy_view_get_chart (EcgEnergyView *self)
{
  g_return_val_if_fail (ECG_IS_ENERGY_VIEW (self), NULL);
  return self->macs_chart;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
ecg_energy_view_map (GtkWidget *widget)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (widget);
  GTK_WIDGET_CLASS (ecg_energy_view_parent_class)->map (widget);
  if (self->load_wanted)
    start_load (self);
}

static void
ecg_energy_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      g_value_set_string (value, self->model_path);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, ecg_energy_view_get_loading (self));
      break;
    case PROP_MEASURING:
      g_value_set_boolean (value, self->measuring);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_energy_view_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL_PATH:
      ecg_energy_view_set_model_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ecg_energy_view_dispose (GObject *object)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (object);

  if (self->dispose_cancellable != NULL)
    g_cancellable_cancel (self->dispose_cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->measure_cancellable != NULL)
    g_cancellable_cancel (self->measure_cancellable);
  self->measure_pending = FALSE;
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->measure_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ECG_TYPE_ENERGY_VIEW);
  /* The template's outer box has no id, so dispose_template leaves it to us. */
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (ecg_energy_view_parent_class)->dispose (object);
}

static void
ecg_energy_view_finalize (GObject *object)
{
  EcgEnergyView *self = ECG_ENERGY_VIEW (object);
  g_clear_pointer (&self->loaded, loaded_unref);
  g_clear_object (&self->dispose_cancellable);
  g_free (self->model_path);
  g_free (self->shown.value);
  g_ptr_array_unref (self->bundled);
  g_array_unref (self->sources);
  G_OBJECT_CLASS (ecg_energy_view_parent_class)->finalize (object);
}

static void
ecg_energy_view_class_init (EcgEnergyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ecg_energy_view_dispose;
  object_class->finalize = ecg_energy_view_finalize;
  object_class->get_property = ecg_energy_view_get_property;
  object_class->set_property = ecg_energy_view_set_property;
  widget_class->map = ecg_energy_view_map;

  properties[PROP_MODEL_PATH]
    = g_param_spec_string ("model-path", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING]
    = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEASURING]
    = g_param_spec_boolean ("measuring", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ECG_TYPE_MACS_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ecgworkbench/Workbench/ui/"
                                               "ecg-energy-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, source_list);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, spinner);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, status_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, info_bar);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, info_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, macs_chart);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, precision_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, proxy_value_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, proxy_method_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, tf_method_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, op_method_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, tf_value_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, op_value_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, op_detail_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, measured_value_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, measured_method_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, measured_detail_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, latency_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, co2_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, grid_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, core_power_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, repeats_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, capacity_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, volts_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, bpm_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, baseline_spin);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, battery_energy_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, inference_power_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, life_without_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, life_with_label);
  gtk_widget_class_bind_template_child (widget_class, EcgEnergyView, share_label);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_source_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_precision_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_profile_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_core_power_changed);

  gtk_widget_class_install_action (widget_class, "energy.open-model", NULL,
                                   open_model_activated);
  gtk_widget_class_install_action (widget_class, "energy.model-card", NULL,
                                   model_card_activated);
  gtk_widget_class_install_action (widget_class, "energy.measure", NULL, measure_activated);
  gtk_widget_class_install_action (widget_class, "energy.export-macs", NULL,
                                   export_macs_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "energyview");
}

static void
ecg_energy_view_init (EcgEnergyView *self)
{
  self->bundled = g_ptr_array_new_with_free_func (g_free);
  self->sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_array_set_clear_func (self->sources, source_clear);
  self->dispose_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing to export before a model is read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "energy.export-macs", FALSE);

  /* The profile and the measuring settings are the user's, kept between sessions. The
   * handlers connected in the template run after the binding has set the value. */
  self->settings = g_settings_new (ECG_APP_ID);
  g_settings_bind (self->settings, "wearable-capacity-mah", self->capacity_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "wearable-volts", self->volts_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "wearable-beats-per-minute", self->bpm_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "wearable-baseline-mw", self->baseline_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "energy-grid-intensity", self->grid_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "energy-core-power", self->core_power_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "energy-latency-repeats", self->repeats_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);

  /* The engine's method labels and units, as reports and the run store give them. */
  gtk_label_set_text (self->proxy_method_label,
                      ECG_ENERGY_PROXY_METHOD " · " ECG_ENERGY_PROXY_UNIT);
  gtk_label_set_text (self->tf_method_label,
                      ECG_ENERGY_TF_FLOPS_METHOD " · " ECG_ENERGY_JOULE_UNIT);
  gtk_label_set_text (self->op_method_label,
                      ECG_ENERGY_OP_MODEL_METHOD " · " ECG_ENERGY_JOULE_UNIT);

  rebuild_sources (self);
  show_all (self);
  list_bundled (self);
}

GtkWidget *
ecg_energy_view_new (void)
{
  return g_object_new (ECG_TYPE_ENERGY_VIEW, NULL);
}
