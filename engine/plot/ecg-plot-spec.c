/* ecg-plot-spec.c — building the description of a figure from runs (no drawing here). */
#include "plot/ecg-plot-spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
  [ECG_PLOT_F1_VS_SPARSITY] = "f1-vs-sparsity",
  [ECG_PLOT_ACCURACY_VS_SPARSITY] = "accuracy-vs-sparsity",
  [ECG_PLOT_AUROC_VS_SPARSITY] = "auroc-vs-sparsity",
  [ECG_PLOT_ENERGY_VS_SPARSITY] = "energy-vs-sparsity",
  [ECG_PLOT_F1_VS_ENERGY] = "f1-vs-energy",
  [ECG_PLOT_LOSS_CURVES] = "loss-curves",
};

static const char *const energy_names[] = {
  [ECG_PLOT_ENERGY_OP_MODEL_45NM] = "op-model-45nm",
  [ECG_PLOT_ENERGY_TF_FLOPS] = "tf-flops",
  [ECG_PLOT_ENERGY_PROXY] = "proxy",
  [ECG_PLOT_ENERGY_MEASURED] = "measured",
};

const char *
ecg_plot_kind_to_string (EcgPlotKind kind)
{
  g_return_val_if_fail ((gsize)kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
ecg_plot_kind_from_string (const char *text, EcgPlotKind *kind)
{
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (text, kind_names[i]) == 0)
      {
        *kind = (EcgPlotKind)i;
        return TRUE;
      }
  return FALSE;
}

const char *
ecg_plot_energy_to_string (EcgPlotEnergy energy)
{
  g_return_val_if_fail ((gsize)energy < G_N_ELEMENTS (energy_names), NULL);
  return energy_names[energy];
}

gboolean
ecg_plot_energy_from_string (const char *text, EcgPlotEnergy *energy)
{
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (energy_names); i++)
    if (strcmp (text, energy_names[i]) == 0)
      {
        *energy = (EcgPlotEnergy)i;
        return TRUE;
      }
  return FALSE;
}

static void
series_free (gpointer data)
{
  EcgPlotSeries *series = data;
  g_free (series->label);
  g_array_unref (series->points);
  g_array_unref (series->step_ends);
  g_free (series);
}

EcgPlotSpec *
ecg_plot_spec_new (EcgPlotKind kind, const char *title, const char *x_label, const char *y_label)
{
  EcgPlotSpec *spec = g_new0 (EcgPlotSpec, 1);
  spec->kind = kind;
  spec->energy = ECG_PLOT_ENERGY_OP_MODEL_45NM;
  spec->title = g_strdup (title != NULL ? title : "");
  spec->x_label = g_strdup (x_label != NULL ? x_label : "");
  spec->y_label = g_strdup (y_label != NULL ? y_label : "");
  spec->series = g_ptr_array_new_with_free_func (series_free);
  spec->pareto = g_array_new (FALSE, FALSE, sizeof (EcgPlotPoint));
  return spec;
}

EcgPlotSeries *
ecg_plot_spec_add_series (EcgPlotSpec *spec, gint64 run, const char *label)
{
  EcgPlotSeries *series = g_new0 (EcgPlotSeries, 1);
  series->run = run;
  series->label = g_strdup (label != NULL ? label : "");
  series->points = g_array_new (FALSE, FALSE, sizeof (EcgPlotPoint));
  series->step_ends = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (spec->series, series);
  return series;
}

void
ecg_plot_spec_free (EcgPlotSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->title);
  g_free (spec->x_label);
  g_free (spec->y_label);
  g_ptr_array_unref (spec->series);
  g_array_unref (spec->pareto);
  g_free (spec);
}

gsize
ecg_plot_spec_count_points (const EcgPlotSpec *spec)
{
  gsize n = 0;
  for (guint i = 0; i < spec->series->len; i++)
    n += ((const EcgPlotSeries *)g_ptr_array_index (spec->series, i))->points->len;
  return n;
}

/* Widens [lo, hi] for drawing; see ecg_plot_spec_get_bounds. A width below 1e-12 of the
 * magnitude counts as zero: PLplot's tick and label code cannot work on such a range. */
static void
pad_range (double *lo, double *hi)
{
  double width = *hi - *lo;
  double magnitude = MAX (fabs (*lo), fabs (*hi));
  if (width <= 1e-12 * magnitude || width <= 0.0)
    {
      double centre = 0.5 * (*lo + *hi);
      double half = centre != 0.0 ? 0.05 * fabs (centre) : 1.0;
      *lo = centre - half;
      *hi = centre + half;
      return;
    }
  *lo -= 0.05 * width;
  *hi += 0.05 * width;
  if (!isfinite (*lo) || !isfinite (*hi))
    {
      /* Values near DBL_MAX: keep the data's own range. */
      *lo += 0.05 * width;
      *hi -= 0.05 * width;
    }
}

typedef struct
{
  double lo, hi;
  gboolean any;
} Range;

static void
range_add (Range *range, double v)
{
  if (!isfinite (v))
    return;
  if (!range->any)
    {
      range->lo = range->hi = v;
      range->any = TRUE;
      return;
    }
  range->lo = MIN (range->lo, v);
  range->hi = MAX (range->hi, v);
}

gboolean
ecg_plot_spec_get_bounds (const EcgPlotSpec *spec, double *x_min, double *x_max, double *y_min,
                          double *y_max)
{
  Range x = { 0 }, y = { 0 };
  for (guint i = 0; i < spec->series->len; i++)
    {
      const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
      for (guint j = 0; j < series->points->len; j++)
        {
          const EcgPlotPoint *p = &g_array_index (series->points, EcgPlotPoint, j);
          if (isfinite (p->x) && isfinite (p->y))
            {
              range_add (&x, p->x);
              range_add (&y, p->y);
            }
        }
    }
  /* Step ends and the front lie within the data by construction; they only widen x when a
   * caller built a spec by hand. */
  gboolean any = x.any;
  for (guint i = 0; any && i < spec->series->len; i++)
    {
      const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
      for (guint j = 0; j < series->step_ends->len; j++)
        range_add (&x, g_array_index (series->step_ends, double, j));
    }
  for (guint j = 0; any && j < spec->pareto->len; j++)
    {
      const EcgPlotPoint *p = &g_array_index (spec->pareto, EcgPlotPoint, j);
      if (isfinite (p->x) && isfinite (p->y))
        {
          range_add (&x, p->x);
          range_add (&y, p->y);
        }
    }
  if (!any)
    {
      *x_min = *y_min = 0.0;
      *x_max = *y_max = 1.0;
      return FALSE;
    }
  pad_range (&x.lo, &x.hi);
  pad_range (&y.lo, &y.hi);
  *x_min = x.lo;
  *x_max = x.hi;
  *y_min = y.lo;
  *y_max = y.hi;
  return TRUE;
}

/* Sorts by ascending x, then descending y, then original index (stable for equal points). */
typedef struct
{
  const EcgPlotPoint *point;
  gsize index;
} IndexedPoint;

static int
compare_for_front (const void *a, const void *b)
{
  const IndexedPoint *p = a, *q = b;
  if (p->point->x != q->point->x)
    return p->point->x < q->point->x ? -1 : 1;
  if (p->point->y != q->point->y)
    return p->point->y > q->point->y ? -1 : 1;
  return p->index < q->index ? -1 : p->index > q->index;
}

/* The front by a sweep: after sorting by ascending x (descending y for equal x), a point is
 * non-dominated exactly when its y is above every y seen before it. O(n log n). */
GArray *
ecg_plot_pareto_front (const EcgPlotPoint *points, gsize n)
{
  GArray *front = g_array_new (FALSE, FALSE, sizeof (EcgPlotPoint));
  g_autofree IndexedPoint *sorted = g_new (IndexedPoint, MAX (n, 1));
  gsize m = 0;
  for (gsize i = 0; i < n; i++)
    if (isfinite (points[i].x) && isfinite (points[i].y))
      sorted[m++] = (IndexedPoint){ &points[i], i };
  qsort (sorted, m, sizeof *sorted, compare_for_front);
  double best_y = -INFINITY;
  for (gsize i = 0; i < m; i++)
    if (sorted[i].point->y > best_y)
      {
        g_array_append_val (front, *sorted[i].point);
        best_y = sorted[i].point->y;
      }
  return front;
}

static void
append_number (GString *text, const char *name, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf (text, " %s=%s", name,
                          g_ascii_formatd (buffer, sizeof buffer, "%g", value));
}

static gboolean
config_true (JsonObject *config, const char *member)
{
  JsonNode *node = json_object_get_member (config, member);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
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
config_number (JsonObject *config, const char *member, double *value)
{
  JsonNode *node = json_object_get_member (config, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

char *
ecg_plot_run_label (const EcgRun *run)
{
  GString *text = g_string_new (NULL);
  g_string_append_printf (text, "#%" G_GINT64_FORMAT, run->id);
  if (run->name != NULL && *run->name != '\0')
    {
      g_string_append_c (text, ' ');
      g_string_append (text, run->name);
      return g_string_free (text, FALSE);
    }
  JsonObject *config = run->config;
  const char *method = config != NULL ? config_string (config, "method") : NULL;
  if (run->kind == ECG_RUN_KIND_PRUNE && method != NULL)
    {
      double alpha, beta;
      if (strcmp (method, "l1") == 0)
        g_string_append (text, " L1");
      else
        {
          g_string_append_c (text, ' ');
          g_string_append (text, method);
        }
      if (strcmp (method, "energy") == 0)
        {
          if (config_number (config, "alpha", &alpha))
            append_number (text, "α", alpha);
          if (config_number (config, "beta", &beta))
            append_number (text, "β", beta);
        }
      if (config_true (config, "kd"))
        g_string_append (text, " +KD");
      if (config_true (config, "structured"))
        g_string_append (text, " structured");
      if (config_true (config, "class_aware"))
        g_string_append (text, " class-aware");
      return g_string_free (text, FALSE);
    }
  g_string_append_c (text, ' ');
  g_string_append (text, ecg_run_kind_to_string (run->kind));
  const char *arch = config != NULL ? config_string (config, "arch") : NULL;
  if (arch != NULL)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, arch);
    }
  if (method != NULL)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, method);
    }
  return g_string_free (text, FALSE);
}

/* The energy figure of a step in the unit its axis shows: µJ for joules, MMAC·ms for the
 * proxy. */
static double
step_energy (const EcgStepRecord *step, EcgPlotEnergy energy)
{
  switch (energy)
    {
    case ECG_PLOT_ENERGY_OP_MODEL_45NM:
      return step->energy_op_model_45nm_j * 1e6;
    case ECG_PLOT_ENERGY_TF_FLOPS:
      return step->energy_tf_flops_0_45pj_j * 1e6;
    case ECG_PLOT_ENERGY_PROXY:
      return step->energy_proxy_mmac_ms;
    case ECG_PLOT_ENERGY_MEASURED:
      return step->energy_measured_or_estimated_j * 1e6;
    }
  return NAN;
}

/* The axis label of an energy figure. The measured one says whether the plotted steps were
 * read from RAPL, estimated from time × power, or both. */
static char *
energy_label (EcgPlotEnergy energy, GPtrArray *runs)
{
  switch (energy)
    {
    case ECG_PLOT_ENERGY_OP_MODEL_45NM:
      return g_strdup ("Energy per inference, 45 nm operation model (µJ)");
    case ECG_PLOT_ENERGY_TF_FLOPS:
      return g_strdup ("Energy per inference, TF-FLOPs × 0.45 pJ (µJ)");
    case ECG_PLOT_ENERGY_PROXY:
      return g_strdup ("Energy proxy, MMACs × latency (MMAC·ms)");
    case ECG_PLOT_ENERGY_MEASURED:
      break;
    }
  gboolean rapl = FALSE, estimate = FALSE;
  for (guint i = 0; i < runs->len; i++)
    {
      const EcgRun *run = g_ptr_array_index (runs, i);
      for (guint j = 0; run->steps != NULL && j < run->steps->len; j++)
        {
          const EcgStepRecord *step = g_ptr_array_index (run->steps, j);
          if (!isfinite (step->energy_measured_or_estimated_j))
            continue;
          rapl |= step->energy_measured_method == ECG_STEP_ENERGY_RAPL;
          estimate |= step->energy_measured_method == ECG_STEP_ENERGY_ESTIMATE;
        }
    }
  if (rapl && !estimate)
    return g_strdup ("Energy per inference, measured by RAPL (µJ)");
  if (estimate && !rapl)
    return g_strdup ("Energy per inference, estimated as time × core power (µJ)");
  return g_strdup ("Energy per inference, measured (RAPL) or estimated (µJ)");
}

static const char *
energy_title (EcgPlotEnergy energy)
{
  switch (energy)
    {
    case ECG_PLOT_ENERGY_OP_MODEL_45NM:
      return "45 nm operation model";
    case ECG_PLOT_ENERGY_TF_FLOPS:
      return "TF-FLOPs × 0.45 pJ";
    case ECG_PLOT_ENERGY_PROXY:
      return "MMACs × latency proxy";
    case ECG_PLOT_ENERGY_MEASURED:
      return "measured or estimated";
    }
  return "";
}

static void
append_point (EcgPlotSeries *series, double x, double y, int step)
{
  if (!isfinite (x) || !isfinite (y))
    return;
  EcgPlotPoint point = { x, y, series->run, step };
  g_array_append_val (series->points, point);
}

static int
compare_curve_epoch (const void *a, const void *b)
{
  const EcgCurvePoint *p = *(const EcgCurvePoint *const *)a;
  const EcgCurvePoint *q = *(const EcgCurvePoint *const *)b;
  return (p->epoch > q->epoch) - (p->epoch < q->epoch);
}

/* Loss curves: the run's "train_loss" points step after step, numbered 1, 2, ...; the end of
 * each step that is followed by a step with points is marked halfway to the next point. */
static void
add_loss_series (EcgPlotSeries *series, const EcgRun *run)
{
  int index = 0;
  for (guint i = 0; i < run->steps->len; i++)
    {
      const EcgStepRecord *step = g_ptr_array_index (run->steps, i);
      if (step->curve == NULL)
        continue;
      g_autoptr (GPtrArray) losses = g_ptr_array_new ();
      for (guint j = 0; j < step->curve->len; j++)
        {
          const EcgCurvePoint *p = &g_array_index (step->curve, EcgCurvePoint, j);
          if (g_strcmp0 (p->key, "train_loss") == 0 && isfinite (p->value))
            g_ptr_array_add (losses, (gpointer)p);
        }
      if (losses->len == 0)
        continue;
      qsort (losses->pdata, losses->len, sizeof (gpointer), compare_curve_epoch);
      if (index > 0)
        {
          double end = index + 0.5;
          g_array_append_val (series->step_ends, end);
        }
      for (guint j = 0; j < losses->len; j++)
        {
          const EcgCurvePoint *p = g_ptr_array_index (losses, j);
          append_point (series, ++index, p->value, step->step);
        }
    }
}

EcgPlotSpec *
ecg_plot_spec_build (EcgPlotKind kind, EcgPlotEnergy energy, GPtrArray *runs)
{
  g_return_val_if_fail (runs != NULL, NULL);
  g_autofree char *energy_axis = energy_label (energy, runs);
  g_autofree char *title = NULL;
  const char *sparsity_axis = "Sparsity of prunable weights (%)";
  const char *x_label = sparsity_axis, *y_label = NULL;
  switch (kind)
    {
    case ECG_PLOT_F1_VS_SPARSITY:
      title = g_strdup ("Macro-F1 vs sparsity");
      y_label = "Macro-F1";
      break;
    case ECG_PLOT_ACCURACY_VS_SPARSITY:
      title = g_strdup ("Accuracy vs sparsity");
      y_label = "Accuracy";
      break;
    case ECG_PLOT_AUROC_VS_SPARSITY:
      title = g_strdup ("Macro AUROC vs sparsity");
      y_label = "Macro AUROC";
      break;
    case ECG_PLOT_ENERGY_VS_SPARSITY:
      title = g_strdup_printf ("Energy per inference vs sparsity (%s)", energy_title (energy));
      y_label = energy_axis;
      break;
    case ECG_PLOT_F1_VS_ENERGY:
      title = g_strdup_printf ("Macro-F1 vs energy per inference (%s)", energy_title (energy));
      x_label = energy_axis;
      y_label = "Macro-F1";
      break;
    case ECG_PLOT_LOSS_CURVES:
      title = g_strdup ("Training loss during fine-tuning, step after step");
      x_label = "Fine-tuning epoch (steps concatenated)";
      y_label = "Training loss";
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  EcgPlotSpec *spec = ecg_plot_spec_new (kind, title, x_label, y_label);
  spec->energy = energy;

  for (guint i = 0; i < runs->len; i++)
    {
      const EcgRun *run = g_ptr_array_index (runs, i);
      g_autofree char *label = ecg_plot_run_label (run);
      EcgPlotSeries *series = ecg_plot_spec_add_series (spec, run->id, label);
      if (run->steps == NULL)
        continue;
      if (kind == ECG_PLOT_LOSS_CURVES)
        {
          add_loss_series (series, run);
          continue;
        }
      for (guint j = 0; j < run->steps->len; j++)
        {
          const EcgStepRecord *step = g_ptr_array_index (run->steps, j);
          double sparsity_percent = 100.0 * step->sparsity;
          double e = step_energy (step, energy);
          switch (kind)
            {
            case ECG_PLOT_F1_VS_SPARSITY:
              append_point (series, sparsity_percent, step->macro_f1, step->step);
              break;
            case ECG_PLOT_ACCURACY_VS_SPARSITY:
              append_point (series, sparsity_percent, step->accuracy, step->step);
              break;
            case ECG_PLOT_AUROC_VS_SPARSITY:
              append_point (series, sparsity_percent, step->auroc, step->step);
              break;
            case ECG_PLOT_ENERGY_VS_SPARSITY:
              append_point (series, sparsity_percent, e, step->step);
              break;
            case ECG_PLOT_F1_VS_ENERGY:
              append_point (series, e, step->macro_f1, step->step);
              break;
            case ECG_PLOT_LOSS_CURVES:
              break;
            }
        }
    }

  if (kind == ECG_PLOT_F1_VS_ENERGY)
    {
      g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (EcgPlotPoint));
      for (guint i = 0; i < spec->series->len; i++)
        {
          const EcgPlotSeries *series = g_ptr_array_index (spec->series, i);
          g_array_append_vals (all, series->points->data, series->points->len);
        }
      g_array_unref (spec->pareto);
      spec->pareto = ecg_plot_pareto_front ((const EcgPlotPoint *)all->data, all->len);
    }
  return spec;
}
