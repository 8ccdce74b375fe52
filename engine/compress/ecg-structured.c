/* ecg-structured.c — structured (channel) pruning; see ecg-structured.h.
 *
 * Both planning and copying walk the op graph once to learn, for every tensor, which "channel
 * spaces" lie along its channel axis (rows of [C][T], cols of [T][D] and of [1][n] vectors):
 *   - the input signal and the RR features are fixed spaces (never pruned), as is the output of
 *     the last linear layer;
 *   - each layer (conv output, hidden-linear output, attention-pool hidden units) opens a space;
 *   - BatchNorm, activations, dropout, pooling over time, global pooling, transposes and
 *     attention pooling carry their input's spaces to their output (the channel index is kept);
 *   - an Add merges its two inputs' spaces (union-find): one residual stream, one kept set;
 *   - a Concat lays its inputs' spaces end to end (pooled features, then RR features).
 * A tensor's kept indices are then its spaces' kept sets, each shifted by its offset. Any other op
 * (LSTM, MHSA, SE, LayerNorm, Flatten, ...) would need its own coupling rule and is refused.
 */
#include "compress/ecg-structured.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecg-error.h"
#include "nn/ecg-attention-pool.h"
#include "nn/ecg-zoo.h"

typedef struct
{
  int parent;      /* union-find */
  gboolean fixed;  /* may not lose channels (meaningful on a root after find) */
  int width;
} Space;

typedef struct
{
  int space;
  int length;
} Segment;

typedef struct
{
  GArray *spaces;     /* Space */
  GArray **segments;  /* per tensor: Segment, along its channel axis, in order */
  int *channel_axis;  /* per tensor: 0 = rows, 1 = cols */
  GArray *layer_op;   /* int, per layer in forward order */
  GArray *layer_space;
  guint n_tensors;
} Graph;

static void
graph_clear (Graph *g)
{
  if (g->segments != NULL)
    for (guint t = 0; t < g->n_tensors; t++)
      if (g->segments[t] != NULL)
        g_array_unref (g->segments[t]);
  g_free (g->segments);
  g_free (g->channel_axis);
  if (g->spaces != NULL)
    g_array_unref (g->spaces);
  if (g->layer_op != NULL)
    g_array_unref (g->layer_op);
  if (g->layer_space != NULL)
    g_array_unref (g->layer_space);
  memset (g, 0, sizeof *g);
}

static int
new_space (Graph *g, int width, gboolean fixed)
{
  Space s = { .parent = (int) g->spaces->len, .fixed = fixed, .width = width };
  g_array_append_val (g->spaces, s);
  return s.parent;
}

static int
find_space (Graph *g, int id)
{
  Space *spaces = (Space *) g->spaces->data;
  while (spaces[id].parent != id)
    {
      spaces[id].parent = spaces[spaces[id].parent].parent;
      id = spaces[id].parent;
    }
  return id;
}

static void
union_spaces (Graph *g, int a, int b)
{
  a = find_space (g, a);
  b = find_space (g, b);
  if (a == b)
    return;
  Space *spaces = (Space *) g->spaces->data;
  spaces[b].parent = a;
  spaces[a].fixed = spaces[a].fixed || spaces[b].fixed;
}

static GArray *
single_segment (int space, int length)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Segment));
  Segment s = { space, length };
  g_array_append_val (a, s);
  return a;
}

static EcgTensorShape
shape_of (const EcgModel *m, int tensor)
{
  return g_array_index (m->tensors, EcgTensorShape, tensor);
}

static gboolean
unsupported (const EcgModel *m, const EcgOp *op, const char *why, GError **error)
{
  g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
               "structured pruning of %s: layer %s (%s) %s", m->arch, op->name,
               ecg_op_kind_name (op->kind), why);
  return FALSE;
}

/* Fills `g` for `m` (see the top of the file). */
static gboolean
graph_build (Graph *g, const EcgModel *m, GError **error)
{
  memset (g, 0, sizeof *g);
  g->n_tensors = m->tensors->len;
  g->spaces = g_array_new (FALSE, FALSE, sizeof (Space));
  g->segments = g_new0 (GArray *, g->n_tensors);
  g->channel_axis = g_new0 (int, g->n_tensors);
  g->layer_op = g_array_new (FALSE, FALSE, sizeof (int));
  g->layer_space = g_array_new (FALSE, FALSE, sizeof (int));

  EcgTensorShape in = shape_of (m, 0);
  g->segments[0] = single_segment (new_space (g, in.rows, TRUE), in.rows);
  g->channel_axis[0] = 0;
  if (m->rr_features > 0)
    {
      g->segments[1] = single_segment (new_space (g, m->rr_features, TRUE), m->rr_features);
      g->channel_axis[1] = 1;
    }

  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      GArray *in_segments = g->segments[op->input];
      int axis = g->channel_axis[op->input];
      int layer = (int) i;
      switch (op->kind)
        {
        case ECG_OP_CONV1D:
        case ECG_OP_LINEAR:
          {
            gboolean conv = op->kind == ECG_OP_CONV1D;
            if (axis != (conv ? 0 : 1))
              return unsupported (m, op, "reads a tensor along its time axis", error);
            gboolean last = op->output == m->output_tensor;
            int space = new_space (g, op->out_channels, last);
            if (!last)
              {
                g_array_append_val (g->layer_op, layer);
                g_array_append_val (g->layer_space, space);
              }
            g->segments[op->output] = single_segment (space, op->out_channels);
            g->channel_axis[op->output] = conv ? 0 : 1;
            break;
          }
        case ECG_OP_ATTENTION_POOL:
          {
            if (axis != 1)
              return unsupported (m, op, "pools a tensor along its channel axis", error);
            int space = new_space (g, op->hidden, FALSE);
            g_array_append_val (g->layer_op, layer);
            g_array_append_val (g->layer_space, space);
            g->segments[op->output] = g_array_ref (in_segments);
            g->channel_axis[op->output] = 1;
            break;
          }
        case ECG_OP_BATCHNORM:
        case ECG_OP_MAXPOOL:
        case ECG_OP_AVGPOOL:
          if (axis != 0)
            return unsupported (m, op, "works along the channel axis", error);
          g->segments[op->output] = g_array_ref (in_segments);
          g->channel_axis[op->output] = 0;
          break;
        case ECG_OP_RELU:
        case ECG_OP_GELU:
        case ECG_OP_DROPOUT:
          g->segments[op->output] = g_array_ref (in_segments);
          g->channel_axis[op->output] = axis;
          break;
        case ECG_OP_GLOBAL_AVG:
          if (axis != (op->time_major ? 1 : 0))
            return unsupported (m, op, "pools along the channel axis", error);
          g->segments[op->output] = g_array_ref (in_segments);
          g->channel_axis[op->output] = 1;
          break;
        case ECG_OP_TRANSPOSE:
          g->segments[op->output] = g_array_ref (in_segments);
          g->channel_axis[op->output] = 1 - axis;
          break;
        case ECG_OP_ADD:
          {
            GArray *other = g->segments[op->input2];
            if (in_segments->len != 1 || other->len != 1 || axis != g->channel_axis[op->input2])
              return unsupported (m, op, "adds tensors of unlike channel layout", error);
            int a = g_array_index (in_segments, Segment, 0).space;
            int b = g_array_index (other, Segment, 0).space;
            union_spaces (g, a, b);
            g->segments[op->output] = g_array_ref (in_segments);
            g->channel_axis[op->output] = axis;
            break;
          }
        case ECG_OP_CONCAT:
          {
            GArray *other = g->segments[op->input2];
            if (axis != 1 || g->channel_axis[op->input2] != 1)
              return unsupported (m, op, "concatenates along the time axis", error);
            GArray *joined = g_array_new (FALSE, FALSE, sizeof (Segment));
            g_array_append_vals (joined, in_segments->data, in_segments->len);
            g_array_append_vals (joined, other->data, other->len);
            g->segments[op->output] = joined;
            g->channel_axis[op->output] = 1;
            break;
          }
        default:
          return unsupported (m, op, "has no structured-pruning rule", error);
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Planning                                                                                    */

void
ecg_structured_plan_free (EcgStructuredPlan *plan)
{
  if (plan == NULL)
    return;
  for (int l = 0; l < plan->n_layers; l++)
    {
      g_free (plan->layers[l].name);
      g_free (plan->layers[l].kept);
    }
  g_free (plan->layers);
  g_free (plan->arch);
  g_free (plan);
}

const EcgStructuredLayer *
ecg_structured_plan_find (const EcgStructuredPlan *plan, const char *name)
{
  for (int l = 0; l < plan->n_layers; l++)
    if (g_strcmp0 (plan->layers[l].name, name) == 0)
      return &plan->layers[l];
  return NULL;
}

static gboolean
check_supported (const EcgModel *model, GError **error)
{
  if (ecg_zoo_supports_widths (model->arch))
    return TRUE;
  g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
               "structured pruning of %s is not supported (only CNN1D_3Class and ResNet1D_Attn)",
               model->arch);
  return FALSE;
}

/* The weights feeding each unit of layer op `op`: `rows` contiguous rows of `row_length`
 * floats starting at `offset` in the parameter buffer. */
static void
layer_rows (const EcgModel *m, const EcgOp *op, gsize *offset, int *rows, gsize *row_length)
{
  EcgTensorShape in = shape_of (m, op->input);
  *offset = op->param_offset;
  if (op->kind == ECG_OP_CONV1D)
    {
      *rows = op->out_channels;
      *row_length = (gsize) in.rows * (gsize) op->kernel_size;
    }
  else if (op->kind == ECG_OP_LINEAR)
    {
      *rows = op->out_channels;
      *row_length = (gsize) in.cols;
    }
  else
    {
      EcgAttentionPoolShape shape = { 1, in.rows, in.cols, op->hidden };
      EcgAttentionPoolOffsets o;
      ecg_attention_pool_offsets (&shape, &o);
      *offset += o.weight;
      *rows = op->hidden;
      *row_length = (gsize) in.cols;
    }
}

typedef struct
{
  double score; /* sum of per-layer normalised norms */
  double raw;   /* sum of norms */
  int index;
} Candidate;

static int
compare_candidates (const void *pa, const void *pb)
{
  const Candidate *a = pa, *b = pb;
  if (a->score != b->score)
    return a->score < b->score ? -1 : 1;
  if (a->raw != b->raw)
    return a->raw < b->raw ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

static int
compare_ints (const void *pa, const void *pb)
{
  int a = *(const int *) pa, b = *(const int *) pb;
  return (a > b) - (a < b);
}

EcgStructuredPlan *
ecg_structured_plan_new (const EcgModel *model, double fraction, GError **error)
{
  if (!check_supported (model, error))
    return NULL;
  if (!(fraction >= 0.0 && fraction < 1.0))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "structured pruning of %s: the fraction of channels to remove is %g, not in "
                   "[0, 1)",
                   model->arch, fraction);
      return NULL;
    }
  Graph g;
  if (!graph_build (&g, model, error))
    {
      graph_clear (&g);
      return NULL;
    }

  int n_layers = (int) g.layer_op->len;
  EcgStructuredPlan *plan = g_new0 (EcgStructuredPlan, 1);
  plan->arch = g_strdup (model->arch);
  plan->rr_features = model->rr_features > 0;
  plan->fraction = fraction;
  plan->n_layers = n_layers;
  plan->layers = g_new0 (EcgStructuredLayer, MAX (n_layers, 1));

  /* Groups numbered by first appearance in forward order. */
  g_autofree int *group_of_root = g_new (int, g.spaces->len);
  for (guint s = 0; s < g.spaces->len; s++)
    group_of_root[s] = -1;
  for (int l = 0; l < n_layers; l++)
    {
      EcgStructuredLayer *layer = &plan->layers[l];
      layer->op = g_array_index (g.layer_op, int, l);
      const EcgOp *op = &g_array_index (model->ops, EcgOp, layer->op);
      int root = find_space (&g, g_array_index (g.layer_space, int, l));
      if (group_of_root[root] < 0)
        group_of_root[root] = plan->n_groups++;
      layer->name = g_strdup (op->name);
      layer->group = group_of_root[root];
      layer->width = g_array_index (g.spaces, Space, root).width;
    }

  for (int group = 0; group < plan->n_groups; group++)
    {
      int width = 0;
      gboolean fixed = FALSE;
      for (int l = 0; l < n_layers; l++)
        if (plan->layers[l].group == group)
          {
            width = plan->layers[l].width;
            fixed = g_array_index (g.spaces, Space,
                                   find_space (&g, g_array_index (g.layer_space, int, l)))
                      .fixed;
          }
      g_autofree Candidate *c = g_new0 (Candidate, width);
      for (int k = 0; k < width; k++)
        c[k].index = k;
      /* I_c = sum over the group's layers of ||W_l[c]|| / max_c' ||W_l[c']||. */
      g_autofree double *norms = g_new (double, width);
      for (int l = 0; l < n_layers; l++)
        {
          if (plan->layers[l].group != group)
            continue;
          const EcgOp *op = &g_array_index (model->ops, EcgOp, plan->layers[l].op);
          gsize offset, row_length;
          int rows;
          layer_rows (model, op, &offset, &rows, &row_length);
          g_assert (rows == width);
          double max_norm = 0.0;
          for (int k = 0; k < rows; k++)
            {
              double sum = 0.0;
              for (gsize j = 0; j < row_length; j++)
                {
                  gsize at = offset + (gsize) k * row_length + j;
                  double w = (double) model->params[at] * (double) model->masks[at];
                  sum += w * w;
                }
              norms[k] = sqrt (sum);
              max_norm = MAX (max_norm, norms[k]);
            }
          for (int k = 0; k < rows; k++)
            {
              c[k].raw += norms[k];
              if (max_norm > 0.0)
                c[k].score += norms[k] / max_norm;
            }
        }
      int n_remove = fixed ? 0 : (int) floor (fraction * width + 0.5);
      n_remove = CLAMP (n_remove, 0, width - 1);
      qsort (c, (size_t) width, sizeof (Candidate), compare_candidates);
      int n_kept = width - n_remove;
      g_autofree int *kept = g_new (int, n_kept);
      for (int k = 0; k < n_kept; k++)
        kept[k] = c[n_remove + k].index;
      qsort (kept, (size_t) n_kept, sizeof (int), compare_ints);
      for (int l = 0; l < n_layers; l++)
        if (plan->layers[l].group == group)
          {
            plan->layers[l].n_kept = n_kept;
            plan->layers[l].kept = g_memdup2 (kept, (gsize) n_kept * sizeof (int));
          }
    }
  graph_clear (&g);
  return plan;
}

/* ------------------------------------------------------------------------------------------ */
/* Applying                                                                                    */

/* dst[o][c][j] = src[out_keep[o]][in_keep[c]][j] for a [out][in_full][k] tensor. */
static void
gather_3d (float *dst, const float *src, const int *out_keep, int n_out, const int *in_keep,
           int n_in, int in_full, int k)
{
  for (int o = 0; o < n_out; o++)
    for (int c = 0; c < n_in; c++)
      memcpy (dst + ((gsize) o * n_in + c) * k,
              src + ((gsize) out_keep[o] * in_full + in_keep[c]) * k, (gsize) k * sizeof (float));
}

static void
gather_1d (float *dst, const float *src, const int *keep, int n)
{
  for (int o = 0; o < n; o++)
    dst[o] = src[keep[o]];
}

typedef struct
{
  int n;
  int *index;
} KeptSet;

/* Copies the parameters of op `op` (of `from`, into `small_op` of `to`) from buffer `src` into
 * `dst` (params or masks of the two models); `keep` holds each tensor's kept channels and
 * `hidden` the attention pool's kept hidden units. */
static void
copy_op_params (float *dst, const float *src, const EcgModel *from, const EcgOp *op,
                const EcgModel *to, const EcgOp *small_op, const KeptSet *keep,
                const KeptSet *hidden)
{
  const float *s = src + op->param_offset;
  float *d = dst + small_op->param_offset;
  EcgTensorShape in = shape_of (from, op->input);
  const KeptSet *ki = &keep[op->input], *ko = &keep[op->output];
  switch (op->kind)
    {
    case ECG_OP_CONV1D:
      {
        int k = op->kernel_size;
        gather_3d (d, s, ko->index, ko->n, ki->index, ki->n, in.rows, k);
        if (op->has_bias)
          gather_1d (d + (gsize) ko->n * ki->n * k, s + (gsize) op->out_channels * in.rows * k,
                     ko->index, ko->n);
        break;
      }
    case ECG_OP_LINEAR:
      gather_3d (d, s, ko->index, ko->n, ki->index, ki->n, in.cols, 1);
      if (op->has_bias)
        gather_1d (d + (gsize) ko->n * ki->n, s + (gsize) op->out_channels * in.cols, ko->index,
                   ko->n);
      break;
    case ECG_OP_BATCHNORM:
      gather_1d (d, s, ki->index, ki->n);
      gather_1d (d + ki->n, s + in.rows, ki->index, ki->n);
      break;
    case ECG_OP_ATTENTION_POOL:
      {
        EcgAttentionPoolShape big = { 1, in.rows, in.cols, op->hidden };
        EcgTensorShape small_in = shape_of (to, small_op->input);
        EcgAttentionPoolShape small = { 1, small_in.rows, small_in.cols, small_op->hidden };
        EcgAttentionPoolOffsets ob, os;
        ecg_attention_pool_offsets (&big, &ob);
        ecg_attention_pool_offsets (&small, &os);
        gather_3d (d + os.weight, s + ob.weight, hidden->index, hidden->n, ki->index, ki->n,
                   in.cols, 1);
        gather_1d (d + os.bias, s + ob.bias, hidden->index, hidden->n);
        gather_1d (d + os.score_weight, s + ob.score_weight, hidden->index, hidden->n);
        d[os.score_bias] = s[ob.score_bias];
        break;
      }
    default:
      g_assert (op->n_params == 0);
      break;
    }
}

/* Checks `plan` against the graph of `model` and gives each space root its kept set. */
static gboolean
plan_fits (const EcgModel *model, Graph *g, const EcgStructuredPlan *plan, KeptSet *root_keep,
           GError **error)
{
  if (g_strcmp0 (plan->arch, model->arch) != 0 || plan->rr_features != (model->rr_features > 0)
      || plan->n_layers != (int) g->layer_op->len)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "structured pruning of %s: the plan was made for %s%s with %d layers",
                   model->arch, plan->arch, plan->rr_features ? " with RR features" : "",
                   plan->n_layers);
      return FALSE;
    }
  for (int l = 0; l < plan->n_layers; l++)
    {
      const EcgStructuredLayer *layer = &plan->layers[l];
      int root = find_space (g, g_array_index (g->layer_space, int, l));
      const Space *space = &g_array_index (g->spaces, Space, root);
      gboolean valid = layer->op == g_array_index (g->layer_op, int, l)
                       && layer->width == space->width && layer->n_kept >= 1
                       && layer->n_kept <= layer->width
                       && (!space->fixed || layer->n_kept == layer->width);
      for (int k = 0; valid && k < layer->n_kept; k++)
        valid = layer->kept[k] >= 0 && layer->kept[k] < layer->width
                && (k == 0 || layer->kept[k] > layer->kept[k - 1]);
      if (!valid)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "structured pruning of %s: the plan's layer %s does not fit the model",
                       model->arch, layer->name);
          return FALSE;
        }
      KeptSet *set = &root_keep[root];
      if (set->index == NULL)
        *set = (KeptSet) { layer->n_kept, layer->kept };
      else if (set->n != layer->n_kept
               || memcmp (set->index, layer->kept, (gsize) set->n * sizeof (int)) != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "structured pruning of %s: the plan keeps other channels in %s than in "
                       "the layers it is added to",
                       model->arch, layer->name);
          return FALSE;
        }
    }
  return TRUE;
}

EcgModel *
ecg_structured_apply (const EcgModel *model, const EcgStructuredPlan *plan, GError **error)
{
  if (!check_supported (model, error))
    return NULL;
  Graph g;
  EcgModel *small = NULL;
  guint n_spaces = 0;
  KeptSet *root_keep = NULL, *keep = NULL;
  g_autofree gboolean *owned = NULL; /* root_keep sets made here, not borrowed from the plan */
  g_autofree int *widths = NULL;
  if (!graph_build (&g, model, error))
    goto out;
  n_spaces = g.spaces->len;
  root_keep = g_new0 (KeptSet, n_spaces);
  owned = g_new0 (gboolean, n_spaces);
  if (!plan_fits (model, &g, plan, root_keep, error))
    goto out;

  /* Spaces no layer of the plan names (input, RR, logits) keep everything. */
  for (guint s = 0; s < n_spaces; s++)
    {
      int root = find_space (&g, (int) s);
      if ((int) s == root && root_keep[s].index == NULL)
        {
          int width = g_array_index (g.spaces, Space, s).width;
          root_keep[s].n = width;
          root_keep[s].index = g_new (int, width);
          owned[s] = TRUE;
          for (int k = 0; k < width; k++)
            root_keep[s].index[k] = k;
        }
    }

  /* Each tensor's kept indices along its channel axis: its segments' sets, shifted. */
  keep = g_new0 (KeptSet, g.n_tensors);
  for (guint t = 0; t < g.n_tensors; t++)
    {
      GArray *segments = g.segments[t];
      if (segments == NULL)
        continue;
      int total = 0, offset = 0;
      for (guint i = 0; i < segments->len; i++)
        total += root_keep[find_space (&g, g_array_index (segments, Segment, i).space)].n;
      keep[t].index = g_new (int, MAX (total, 1));
      for (guint i = 0; i < segments->len; i++)
        {
          const Segment *seg = &g_array_index (segments, Segment, i);
          const KeptSet *set = &root_keep[find_space (&g, seg->space)];
          for (int k = 0; k < set->n; k++)
            keep[t].index[keep[t].n++] = offset + set->index[k];
          offset += seg->length;
        }
    }

  widths = g_new (int, MAX (plan->n_layers, 1));
  for (int l = 0; l < plan->n_layers; l++)
    widths[l] = plan->layers[l].n_kept;
  small = ecg_zoo_build_with_widths (model->arch, model->rr_features > 0, widths, plan->n_layers,
                                     0, error);
  if (small == NULL)
    goto out;

  /* The zoo builds the same graph; each tensor shrinks along its channel axis only. */
  g_assert (small->ops->len == model->ops->len && small->tensors->len == g.n_tensors);
  for (guint t = 0; t < g.n_tensors; t++)
    {
      EcgTensorShape big = shape_of (model, (int) t), little = shape_of (small, (int) t);
      gboolean rows = g.channel_axis[t] == 0;
      g_assert ((rows ? little.rows : little.cols) == keep[t].n);
      g_assert ((rows ? little.cols : little.rows) == (rows ? big.cols : big.rows));
    }

  for (guint i = 0; i < model->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (model->ops, EcgOp, i);
      const EcgOp *small_op = &g_array_index (small->ops, EcgOp, i);
      g_assert (op->kind == small_op->kind && g_str_equal (op->name, small_op->name));
      KeptSet hidden = { 0, NULL };
      for (int l = 0; l < plan->n_layers; l++)
        if (plan->layers[l].op == (int) i)
          hidden = (KeptSet) { plan->layers[l].n_kept, plan->layers[l].kept };
      copy_op_params (small->params, model->params, model, op, small, small_op, keep, &hidden);
      copy_op_params (small->masks, model->masks, model, op, small, small_op, keep, &hidden);
      if (op->kind == ECG_OP_BATCHNORM)
        {
          const KeptSet *k = &keep[op->input];
          int channels = shape_of (model, op->input).rows;
          const float *s = model->state + op->state_offset;
          float *d = small->state + small_op->state_offset;
          gather_1d (d, s, k->index, k->n);
          gather_1d (d + k->n, s + channels, k->index, k->n);
        }
    }

out:
  if (keep != NULL)
    for (guint t = 0; t < g.n_tensors; t++)
      g_free (keep[t].index);
  g_free (keep);
  for (guint s = 0; s < n_spaces; s++)
    if (owned[s])
      g_free (root_keep[s].index);
  g_free (root_keep);
  graph_clear (&g);
  return small;
}

EcgModel *
ecg_structured_prune (const EcgModel *model, double fraction, GError **error)
{
  g_autoptr (EcgStructuredPlan) plan = ecg_structured_plan_new (model, fraction, error);
  if (plan == NULL)
    return NULL;
  return ecg_structured_apply (model, plan, error);
}

double
ecg_structured_weight_sparsity (const EcgModel *original, const EcgModel *pruned)
{
  gsize total = ecg_model_count_prunable (original);
  if (total == 0)
    return 0.0;
  return 1.0 - (double) ecg_model_count_nonzero (pruned, TRUE) / (double) total;
}
