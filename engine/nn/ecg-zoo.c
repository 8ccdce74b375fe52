/* ecg-zoo.c — the architectures, op by op, as ../shared/reference/torch_zoo.py defines them.
 *
 * Block indices follow the block names of model-zoo-layers.txt in forward order (they set each
 * layer's pruning-schedule depth d_l, DESIGN.md §6).
 */
#include "nn/ecg-zoo.h"

#include "ecg-error.h"

/* Where the width-configurable builders take each layer's width from: `widths` in forward order
 * (NULL: the standard width). The first inconsistency is kept in `error`; the builder then goes
 * on with the standard width so that it never builds an invalid graph, and the caller discards
 * the model. */
typedef struct
{
  const char *arch;
  const int *widths;
  int n_widths;
  int next;
  GError *error;
} WidthCursor;

/* The next layer's width: the caller's, or `standard` when the model is standard. */
static int
take_width (WidthCursor *w, int standard)
{
  if (w->widths == NULL)
    return standard;
  int i = w->next++;
  if (i >= w->n_widths)
    return standard;
  if (w->widths[i] < 1)
    {
      if (w->error == NULL)
        g_set_error (&w->error, ECG_ERROR, ECG_ERROR_INVALID, "%s: width %d is %d, not ≥ 1",
                     w->arch, i, w->widths[i]);
      return standard;
    }
  return w->widths[i];
}

static const char *const mitbih_classes[] = { "N", "S", "V" };
static const char *const ptbxl_classes[] = { "CD", "HYP", "MI", "NORM", "STTC" };
static const char *const cardiac_classes[] = { "N", "L", "R", "A", "V" };

static const EcgArchInfo architectures[] = {
  { "CNN1D_3Class", ECG_DATASET_MITBIH, 1, 256, 90, 3, FALSE, mitbih_classes, "aami3", TRUE },
  { "CNN_LSTM_Attn", ECG_DATASET_MITBIH, 1, 256, 90, 3, FALSE, mitbih_classes, "aami3", TRUE },
  { "BiLSTM_ECG", ECG_DATASET_MITBIH, 1, 256, 90, 3, FALSE, mitbih_classes, "aami3", TRUE },
  { "ResNet1D_Attn", ECG_DATASET_MITBIH, 1, 256, 90, 3, FALSE, mitbih_classes, "aami3", TRUE },
  { "ResNet1D_SE_Attn", ECG_DATASET_PTBXL, 12, 1000, 0, 5, TRUE, ptbxl_classes, NULL, FALSE },
  { "ConvTransformer", ECG_DATASET_PTBXL, 12, 1000, 0, 5, TRUE, ptbxl_classes, NULL, FALSE },
  { "CardiacCNN_Original", ECG_DATASET_MITBIH, 1, 360, 180, 5, FALSE, cardiac_classes, "NLRAV",
    FALSE },
  { "CardiacCNN_Distilled", ECG_DATASET_MITBIH, 1, 360, 180, 5, FALSE, cardiac_classes, "NLRAV",
    FALSE },
};

const EcgArchInfo *
ecg_zoo_architectures (gsize *n_architectures)
{
  *n_architectures = G_N_ELEMENTS (architectures);
  return architectures;
}

const EcgArchInfo *
ecg_zoo_find (const char *name, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (architectures); i++)
    if (g_strcmp0 (architectures[i].name, name) == 0)
      return &architectures[i];
  g_autoptr (GString) names = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (architectures); i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", architectures[i].name);
  g_set_error (error, ECG_ERROR, ECG_ERROR_NOT_FOUND, "unknown architecture '%s' (known: %s)",
               name ? name : "", names->str);
  return NULL;
}

/* Conv1d(padding k/2) + BatchNorm1d + ReLU [+ MaxPool1d(2)], torch_zoo.py's cbr(). */
static int
conv_bn_relu (EcgModel *m, const char *block_name, int block, int x, int out, int k,
              gboolean bias, gboolean pool)
{
  g_autofree char *conv = g_strdup_printf ("%s.conv", block_name);
  g_autofree char *bn = g_strdup_printf ("%s.bn", block_name);
  g_autofree char *relu = g_strdup_printf ("%s.relu", block_name);
  g_autofree char *mp = g_strdup_printf ("%s.pool", block_name);
  x = ecg_model_add_conv1d (m, conv, block, x, out, k, 1, k / 2, bias);
  x = ecg_model_add_batchnorm (m, bn, block, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, relu, block, x);
  if (pool)
    x = ecg_model_add_pool (m, ECG_OP_MAXPOOL, mp, block, x, 2, 2, 0);
  return x;
}

/* Concatenates the RR features (tensor 1) to a [1][n] feature vector when the model has them. */
static int
maybe_concat_rr (EcgModel *m, int block, int x)
{
  if (m->rr_features == 0)
    return x;
  return ecg_model_add_binary (m, ECG_OP_CONCAT, "rr.concat", block, x, 1);
}

/* torch_zoo.py Block: relu(bn2(conv2(relu(bn1(conv1 x)))) [* se] + shortcut(x)). The shortcut
 * is a 1x1 conv + BN exactly when the standard block changes width or stride (`projection`), so
 * a narrowed model keeps the standard graph; an identity shortcut then needs c2's width equal to
 * the input's, and a projection c2's width equal to the shortcut conv's (one residual stream). */
static int
residual_block (EcgModel *m, WidthCursor *w, const char *name, int block, int x, int out, int k,
                int stride, gboolean projection, gboolean se)
{
  int in_channels = g_array_index (m->tensors, EcgTensorShape, x).rows;
  g_autofree char *c1 = g_strdup_printf ("%s.c1", name);
  g_autofree char *b1 = g_strdup_printf ("%s.c1.bn", name);
  g_autofree char *r1 = g_strdup_printf ("%s.relu1", name);
  g_autofree char *c2 = g_strdup_printf ("%s.c2", name);
  g_autofree char *b2 = g_strdup_printf ("%s.c2.bn", name);
  g_autofree char *se_name = g_strdup_printf ("%s.se", name);
  g_autofree char *sc = g_strdup_printf ("%s.sc", name);
  g_autofree char *sc_bn = g_strdup_printf ("%s.sc.bn", name);
  g_autofree char *add = g_strdup_printf ("%s.add", name);
  g_autofree char *r2 = g_strdup_printf ("%s.relu2", name);

  int mid = take_width (w, out);
  int y = ecg_model_add_conv1d (m, c1, block, x, mid, k, stride, k / 2, TRUE);
  y = ecg_model_add_batchnorm (m, b1, block, y);
  y = ecg_model_add_activation (m, ECG_OP_RELU, r1, block, y);
  int width = take_width (w, out);
  if (!projection && width != in_channels)
    {
      if (w->error == NULL)
        g_set_error (&w->error, ECG_ERROR, ECG_ERROR_INVALID,
                     "%s: %s has %d output channels but its identity shortcut carries %d",
                     w->arch, c2, width, in_channels);
      width = in_channels;
    }
  y = ecg_model_add_conv1d (m, c2, block, y, width, k, 1, k / 2, TRUE);
  y = ecg_model_add_batchnorm (m, b2, block, y);
  if (se)
    y = ecg_model_add_se (m, se_name, block, y, out / 8);
  int shortcut = x;
  if (projection)
    {
      int sc_width = take_width (w, out);
      if (sc_width != width && w->error == NULL)
        g_set_error (&w->error, ECG_ERROR, ECG_ERROR_INVALID,
                     "%s: %s has %d output channels but %s, added to it, has %d", w->arch, sc,
                     sc_width, c2, width);
      shortcut = ecg_model_add_conv1d (m, sc, block, x, width, 1, stride, 0, TRUE);
      shortcut = ecg_model_add_batchnorm (m, sc_bn, block, shortcut);
    }
  y = ecg_model_add_binary (m, ECG_OP_ADD, add, block, y, shortcut);
  return ecg_model_add_activation (m, ECG_OP_RELU, r2, block, y);
}

static int
build_cnn1d_3class (EcgModel *m, WidthCursor *w)
{
  int x = 0;
  x = conv_bn_relu (m, "b1", 0, x, take_width (w, 32), 7, TRUE, TRUE);
  x = conv_bn_relu (m, "b2", 1, x, take_width (w, 64), 7, TRUE, TRUE);
  x = conv_bn_relu (m, "b3", 2, x, take_width (w, 128), 7, TRUE, TRUE);
  x = conv_bn_relu (m, "b4", 3, x, take_width (w, 128), 7, TRUE, TRUE);
  x = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "gap", 3, x, FALSE);
  x = ecg_model_add_dropout (m, "dropout", 4, x, 0.3f);
  x = maybe_concat_rr (m, 4, x);
  return ecg_model_add_linear (m, "fc", 4, x, 3, TRUE);
}

static int
build_cnn_lstm_attn (EcgModel *m)
{
  int x = 0;
  x = conv_bn_relu (m, "b1", 0, x, 32, 7, FALSE, TRUE);
  x = conv_bn_relu (m, "b2", 1, x, 64, 5, FALSE, TRUE);
  x = conv_bn_relu (m, "b3", 2, x, 128, 5, FALSE, TRUE);
  x = ecg_model_add_reshape (m, ECG_OP_TRANSPOSE, "to-time-major", 3, x);
  x = ecg_model_add_lstm (m, "bilstm", 3, x, 128, 1, TRUE);
  x = ecg_model_add_attention_pool (m, "attn", 4, x, 128);
  x = maybe_concat_rr (m, 5, x);
  return ecg_model_add_linear (m, "fc", 5, x, 3, TRUE);
}

static int
build_bilstm_ecg (EcgModel *m)
{
  int x = ecg_model_add_reshape (m, ECG_OP_TRANSPOSE, "to-time-major", 0, 0);
  x = ecg_model_add_lstm (m, "bilstm", 0, x, 128, 2, TRUE);
  int mean = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "mean_t", 0, x, TRUE);
  int max = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_MAX, "max_t", 0, x, TRUE);
  x = ecg_model_add_binary (m, ECG_OP_CONCAT, "concat", 0, mean, max);
  x = maybe_concat_rr (m, 1, x);
  return ecg_model_add_linear (m, "fc", 1, x, 3, TRUE);
}

static int
build_resnet1d_attn (EcgModel *m, WidthCursor *w)
{
  int x = ecg_model_add_conv1d (m, "stem.conv", 0, 0, take_width (w, 32), 7, 2, 3, FALSE);
  x = ecg_model_add_batchnorm (m, "stem.bn", 0, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "stem.relu", 0, x);
  x = ecg_model_add_pool (m, ECG_OP_MAXPOOL, "stem.pool", 0, x, 3, 2, 1);
  static const int widths[] = { 32, 64, 128 }, strides[] = { 1, 2, 2 };
  int block = 1, standard_in = 32;
  for (int s = 0; s < 3; s++)
    for (int b = 0; b < 2; b++)
      {
        g_autofree char *name = g_strdup_printf ("s%db%d", s + 1, b + 1);
        int stride = b == 0 ? strides[s] : 1;
        gboolean projection = standard_in != widths[s] || stride != 1;
        x = residual_block (m, w, name, block++, x, widths[s], 5, stride, projection, FALSE);
        standard_in = widths[s];
      }
  x = ecg_model_add_reshape (m, ECG_OP_TRANSPOSE, "to-time-major", block, x);
  x = ecg_model_add_attention_pool (m, "attnpool", block, x, take_width (w, 64));
  block++;
  x = maybe_concat_rr (m, block, x);
  x = ecg_model_add_linear (m, "head.fc1", block, x, take_width (w, 128), TRUE);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "head.relu", block, x);
  return ecg_model_add_linear (m, "head.fc2", block, x, 3, TRUE);
}

static int
build_resnet1d_se_attn (EcgModel *m, WidthCursor *w)
{
  int x = ecg_model_add_conv1d (m, "stem.conv", 0, 0, 32, 15, 2, 7, FALSE);
  x = ecg_model_add_batchnorm (m, "stem.bn", 0, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "stem.relu", 0, x);
  x = ecg_model_add_pool (m, ECG_OP_MAXPOOL, "stem.pool", 0, x, 3, 2, 1);
  static const int widths[] = { 32, 64, 128, 256 }, strides[] = { 1, 2, 2, 2 };
  int block = 1, standard_in = 32;
  for (int s = 0; s < 4; s++)
    for (int b = 0; b < 3; b++)
      {
        g_autofree char *name = g_strdup_printf ("s%db%d", s + 1, b + 1);
        int stride = b == 0 ? strides[s] : 1;
        gboolean projection = standard_in != widths[s] || stride != 1;
        x = residual_block (m, w, name, block++, x, widths[s], 3, stride, projection, TRUE);
        standard_in = widths[s];
      }
  int h = ecg_model_add_reshape (m, ECG_OP_TRANSPOSE, "to-time-major", block, x);
  int attn = ecg_model_add_attention_pool (m, "attnpool", block, h, 128);
  int gap = ecg_model_add_global_pool (m, ECG_OP_GLOBAL_AVG, "gap", block, x, FALSE);
  x = ecg_model_add_binary (m, ECG_OP_CONCAT, "concat", block, attn, gap);
  block++;
  x = ecg_model_add_linear (m, "head.fc1", block, x, 128, TRUE);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "head.relu", block, x);
  return ecg_model_add_linear (m, "head.fc2", block, x, 5, TRUE);
}

/* nn.TransformerEncoderLayer(256, 8, 512, 0.1, batch_first) — post-norm, ReLU feed-forward:
 * x = norm1(x + drop(SA(x))); x = norm2(x + drop(ff2(drop(relu(ff1 x))))). */
static int
encoder_layer (EcgModel *m, const char *name, int block, int x)
{
  g_autofree char *mhsa = g_strdup_printf ("%s.mhsa", name);
  g_autofree char *drop_sa = g_strdup_printf ("%s.dropout1", name);
  g_autofree char *add1 = g_strdup_printf ("%s.add1", name);
  g_autofree char *norm1 = g_strdup_printf ("%s.norm1", name);
  g_autofree char *ff1 = g_strdup_printf ("%s.ff1", name);
  g_autofree char *relu = g_strdup_printf ("%s.relu", name);
  g_autofree char *drop_ff = g_strdup_printf ("%s.dropout", name);
  g_autofree char *ff2 = g_strdup_printf ("%s.ff2", name);
  g_autofree char *drop2 = g_strdup_printf ("%s.dropout2", name);
  g_autofree char *add2 = g_strdup_printf ("%s.add2", name);
  g_autofree char *norm2 = g_strdup_printf ("%s.norm2", name);

  int sa = ecg_model_add_mhsa (m, mhsa, block, x, 8);
  sa = ecg_model_add_dropout (m, drop_sa, block, sa, 0.1f);
  x = ecg_model_add_binary (m, ECG_OP_ADD, add1, block, x, sa);
  x = ecg_model_add_layernorm (m, norm1, block, x);
  int ff = ecg_model_add_linear (m, ff1, block, x, 512, TRUE);
  ff = ecg_model_add_activation (m, ECG_OP_RELU, relu, block, ff);
  ff = ecg_model_add_dropout (m, drop_ff, block, ff, 0.1f);
  ff = ecg_model_add_linear (m, ff2, block, ff, 256, TRUE);
  ff = ecg_model_add_dropout (m, drop2, block, ff, 0.1f);
  x = ecg_model_add_binary (m, ECG_OP_ADD, add2, block, x, ff);
  return ecg_model_add_layernorm (m, norm2, block, x);
}

static int
build_conv_transformer (EcgModel *m)
{
  int x = ecg_model_add_conv1d (m, "stem1.conv", 0, 0, 32, 3, 2, 1, FALSE);
  x = ecg_model_add_batchnorm (m, "stem1.bn", 0, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "stem1.relu", 0, x);
  x = ecg_model_add_conv1d (m, "stem2.conv", 1, x, 32, 5, 2, 2, FALSE);
  x = ecg_model_add_batchnorm (m, "stem2.bn", 1, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "stem2.relu", 1, x);
  x = ecg_model_add_conv1d (m, "stem3.conv", 2, x, 256, 7, 2, 3, FALSE);
  x = ecg_model_add_batchnorm (m, "stem3.bn", 2, x);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "stem3.relu", 2, x);
  x = ecg_model_add_reshape (m, ECG_OP_TRANSPOSE, "to-time-major", 3, x);
  x = ecg_model_add_posemb (m, "pos", 3, x);
  x = encoder_layer (m, "enc1", 4, x);
  x = encoder_layer (m, "enc2", 5, x);
  x = encoder_layer (m, "enc3", 6, x);
  x = ecg_model_add_layernorm (m, "final.norm", 7, x);
  x = ecg_model_add_attention_pool_linear (m, "attnpool", 8, x);
  x = ecg_model_add_linear (m, "head.fc1", 9, x, 128, TRUE);
  x = ecg_model_add_activation (m, ECG_OP_GELU, "head.gelu", 9, x);
  return ecg_model_add_linear (m, "head.fc2", 9, x, 5, TRUE);
}

/* The energy-evaluation study's Keras model: Conv1D 16/13, 32/15, 64/17, 128/19 'same' + ReLU
 * + AvgPool(3, 2) each, Flatten 2688, Dropout 0.5, Dense 35 (linear), Dense 5 (softmax, here
 * logits: the softmax belongs to the loss). */
static int
build_cardiac_original (EcgModel *m)
{
  static const int filters[] = { 16, 32, 64, 128 }, kernels[] = { 13, 15, 17, 19 };
  int x = 0;
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *conv = g_strdup_printf ("conv%d", i + 1);
      g_autofree char *relu = g_strdup_printf ("conv%d.relu", i + 1);
      g_autofree char *pool = g_strdup_printf ("conv%d.pool", i + 1);
      x = ecg_model_add_conv1d (m, conv, i, x, filters[i], kernels[i], 1, kernels[i] / 2, TRUE);
      x = ecg_model_add_activation (m, ECG_OP_RELU, relu, i, x);
      x = ecg_model_add_pool (m, ECG_OP_AVGPOOL, pool, i, x, 3, 2, 0);
    }
  x = ecg_model_add_reshape (m, ECG_OP_FLATTEN, "flatten", 3, x);
  x = ecg_model_add_dropout (m, "dropout", 4, x, 0.5f);
  x = ecg_model_add_linear (m, "dense1", 4, x, 35, TRUE);
  return ecg_model_add_linear (m, "dense2", 5, x, 5, TRUE);
}

/* The study's distilled student: Conv1D 8/13 'valid' (+ ReLU), MaxPool 2, Dense 5 (softmax). */
static int
build_cardiac_distilled (EcgModel *m)
{
  int x = ecg_model_add_conv1d (m, "conv", 0, 0, 8, 13, 1, 0, TRUE);
  x = ecg_model_add_activation (m, ECG_OP_RELU, "conv.relu", 0, x);
  x = ecg_model_add_pool (m, ECG_OP_MAXPOOL, "conv.pool", 0, x, 2, 2, 0);
  x = ecg_model_add_reshape (m, ECG_OP_FLATTEN, "flatten", 0, x);
  return ecg_model_add_linear (m, "dense", 1, x, 5, TRUE);
}

EcgModel *
ecg_zoo_build (const char *name, gboolean rr_features, guint64 seed, GError **error)
{
  return ecg_zoo_build_with_widths (name, rr_features, NULL, 0, seed, error);
}

gboolean
ecg_zoo_supports_widths (const char *name)
{
  return g_strcmp0 (name, "CNN1D_3Class") == 0 || g_strcmp0 (name, "ResNet1D_Attn") == 0;
}

EcgModel *
ecg_zoo_build_with_widths (const char *name, gboolean rr_features, const int *widths,
                           int n_widths, guint64 seed, GError **error)
{
  const EcgArchInfo *info = ecg_zoo_find (name, error);
  if (info == NULL)
    return NULL;
  if (rr_features && !info->supports_rr)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                   "%s does not take RR features (only the MIT-BIH N/S/V models do)", name);
      return NULL;
    }
  if (widths != NULL && !ecg_zoo_supports_widths (info->name))
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "%s cannot be built with other layer widths (only CNN1D_3Class and "
                   "ResNet1D_Attn can)", info->name);
      return NULL;
    }
  EcgModel *m = ecg_model_new (info->name, info->input_channels, info->input_length,
                               rr_features ? ECG_ZOO_RR_FEATURES : 0);
  WidthCursor w = { .arch = info->name, .widths = widths, .n_widths = n_widths };
  int out;
  if (g_str_equal (name, "CNN1D_3Class"))
    out = build_cnn1d_3class (m, &w);
  else if (g_str_equal (name, "CNN_LSTM_Attn"))
    out = build_cnn_lstm_attn (m);
  else if (g_str_equal (name, "BiLSTM_ECG"))
    out = build_bilstm_ecg (m);
  else if (g_str_equal (name, "ResNet1D_Attn"))
    out = build_resnet1d_attn (m, &w);
  else if (g_str_equal (name, "ResNet1D_SE_Attn"))
    out = build_resnet1d_se_attn (m, &w);
  else if (g_str_equal (name, "ConvTransformer"))
    out = build_conv_transformer (m);
  else if (g_str_equal (name, "CardiacCNN_Original"))
    out = build_cardiac_original (m);
  else
    out = build_cardiac_distilled (m);
  if (w.error == NULL && widths != NULL && w.next != n_widths)
    g_set_error (&w.error, ECG_ERROR, ECG_ERROR_INVALID, "%s takes %d layer widths, not %d",
                 info->name, w.next, n_widths);
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      ecg_model_free (m);
      return NULL;
    }
  ecg_model_finish (m, out, info->n_outputs, info->multi_label, seed);
  return m;
}

int *
ecg_zoo_model_widths (const EcgModel *m, int *n_widths)
{
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < m->ops->len; i++)
    {
      const EcgOp *op = &g_array_index (m->ops, EcgOp, i);
      int width = 0;
      if (op->kind == ECG_OP_CONV1D
          || (op->kind == ECG_OP_LINEAR && op->output != m->output_tensor))
        width = op->out_channels;
      else if (op->kind == ECG_OP_ATTENTION_POOL)
        width = op->hidden;
      if (width > 0)
        g_array_append_val (widths, width);
    }
  *n_widths = (int) widths->len;
  return (int *) g_array_free (widths, FALSE);
}
