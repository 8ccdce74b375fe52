/* ecg-model.h — a network as a list of layer ops over one parameter buffer.
 *
 * An EcgModel holds the architecture (ops in forward order, the tensors between them) and all
 * learnable parameters in ONE contiguous float buffer; pruning masks are a parallel buffer of
 * the same length (1 = kept), BatchNorm running statistics live in a separate `state` buffer.
 * Each op records where its tensors start in these buffers, so an optimiser update or a mask is
 * one loop over the buffer (llm.c style).
 *
 * Activations are per sample `rows × cols` (memory [rows][cols]): [channels][time] after a
 * convolution, [time][features] for recurrent / attention layers, [1][features] for vectors.
 * An EcgModelRun owns everything one forward/backward pass at a batch size needs
 * (activations, their gradients, per-op caches, and a private parameter-gradient buffer), so
 * several runs on several threads can share one model read-only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ECG_OP_CONV1D,
  ECG_OP_BATCHNORM,
  ECG_OP_RELU,
  ECG_OP_GELU,
  ECG_OP_MAXPOOL,
  ECG_OP_AVGPOOL,
  ECG_OP_GLOBAL_AVG,   /* over the time axis: cols of [C][T], or rows of [T][D] */
  ECG_OP_GLOBAL_MAX,
  ECG_OP_TRANSPOSE,    /* [r][c] -> [c][r] */
  ECG_OP_FLATTEN,      /* [r][c] -> [1][r*c] */
  ECG_OP_LINEAR,       /* per row (token) */
  ECG_OP_DROPOUT,
  ECG_OP_LSTM,
  ECG_OP_ATTENTION_POOL,        /* additive: softmax_t(v . tanh(W x_t + b)) */
  ECG_OP_ATTENTION_POOL_LINEAR, /* softmax_t(w . x_t + b) */
  ECG_OP_MHSA,
  ECG_OP_LAYERNORM,
  ECG_OP_POSEMB,
  ECG_OP_SE,
  ECG_OP_ADD,
  ECG_OP_CONCAT,       /* [1][n1] ++ [1][n2] */
  ECG_OP_N_KINDS
} EcgOpKind;

/* A learnable tensor inside the parameter buffer. */
typedef struct
{
  char *name;        /* "b2.conv.weight" */
  int op;            /* index of its op */
  gsize offset;      /* into EcgModel.params */
  gsize count;
  gboolean prunable; /* weights of conv, linear, LSTM gates, attention projections */
  int out_units;     /* rows of the weight (output channels / units); 0 for non-weights */
} EcgParamTensor;

typedef struct
{
  int rows;
  int cols;
} EcgTensorShape;

typedef struct
{
  EcgOpKind kind;
  char *name;          /* e.g. "b1.conv", "enc2.mhsa" */
  int block;           /* block index in forward order (DESIGN.md §6 schedule) */
  int input;           /* tensor ids */
  int input2;          /* second input (ADD, CONCAT) or -1 */
  int output;
  gsize param_offset;  /* first parameter of the op in EcgModel.params */
  gsize n_params;
  gsize state_offset;  /* BatchNorm running mean then var */
  /* hyper-parameters; which are used depends on kind */
  int out_channels;
  int kernel_size;
  int stride;
  int padding;
  gboolean has_bias;
  int hidden;          /* LSTM hidden, attention hidden, SE reduced, MHSA heads in `heads` */
  int heads;
  int num_layers;
  int num_directions;
  float dropout;
  gboolean time_major; /* GLOBAL_* over rows ([T][D]) instead of cols ([C][T]) */
} EcgOp;

typedef struct
{
  char *arch;               /* architecture name, e.g. "CNN1D_3Class" */
  int input_channels;
  int input_length;
  int n_outputs;
  gboolean multi_label;     /* sigmoid outputs (PTB-XL) rather than softmax */
  int rr_features;          /* 0, or the extra input vector length (6) */
  GArray *ops;              /* EcgOp */
  GArray *tensors;          /* EcgTensorShape; tensor 0 = input, 1 = RR input when present */
  GArray *param_tensors;    /* EcgParamTensor */
  int output_tensor;
  int n_blocks;
  gsize n_params;
  gsize n_state;
  float *params;            /* n_params */
  float *masks;             /* n_params, 1 or 0 (non-prunable entries always 1) */
  float *state;             /* n_state */
} EcgModel;

typedef struct _EcgModelRun EcgModelRun;

/* ---- building (used by the model zoo) ---- */
EcgModel *ecg_model_new (const char *arch, int input_channels, int input_length, int rr_features);
/* Each returns the output tensor id. `in` is a tensor id. */
int ecg_model_add_conv1d (EcgModel *m, const char *name, int block, int in, int out_channels,
                          int kernel_size, int stride, int padding, gboolean bias);
int ecg_model_add_batchnorm (EcgModel *m, const char *name, int block, int in);
int ecg_model_add_activation (EcgModel *m, EcgOpKind kind, const char *name, int block, int in);
int ecg_model_add_pool (EcgModel *m, EcgOpKind kind, const char *name, int block, int in,
                        int kernel_size, int stride, int padding);
int ecg_model_add_global_pool (EcgModel *m, EcgOpKind kind, const char *name, int block, int in,
                               gboolean time_major);
int ecg_model_add_reshape (EcgModel *m, EcgOpKind kind, const char *name, int block, int in);
int ecg_model_add_linear (EcgModel *m, const char *name, int block, int in, int out_features,
                          gboolean bias);
int ecg_model_add_dropout (EcgModel *m, const char *name, int block, int in, float p);
int ecg_model_add_lstm (EcgModel *m, const char *name, int block, int in, int hidden,
                        int num_layers, gboolean bidirectional);
int ecg_model_add_attention_pool (EcgModel *m, const char *name, int block, int in, int hidden);
int ecg_model_add_attention_pool_linear (EcgModel *m, const char *name, int block, int in);
int ecg_model_add_mhsa (EcgModel *m, const char *name, int block, int in, int heads);
int ecg_model_add_layernorm (EcgModel *m, const char *name, int block, int in);
int ecg_model_add_posemb (EcgModel *m, const char *name, int block, int in);
int ecg_model_add_se (EcgModel *m, const char *name, int block, int in, int reduced);
int ecg_model_add_binary (EcgModel *m, EcgOpKind kind, const char *name, int block, int a, int b);
/* Allocates the buffers and initialises the parameters as PyTorch does by default
 * (uniform ±1/sqrt(fan_in) for conv/linear, ±1/sqrt(h) for LSTM, Xavier for MHA in_proj,
 * BN/LN gamma 1 beta 0, positional embedding 0) from `seed`. */
void ecg_model_finish (EcgModel *m, int output_tensor, int n_outputs, gboolean multi_label,
                       guint64 seed);

void ecg_model_free (EcgModel *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgModel, ecg_model_free)

/* Number of parameters (all / prunable / non-zero under the mask). */
gsize ecg_model_count_prunable (const EcgModel *m);
gsize ecg_model_count_nonzero (const EcgModel *m, gboolean prunable_only);
/* Multiply-accumulates of one inference (DESIGN.md §7): weight uses × output positions plus the
 * attention matmuls; with `masked`, only non-zero weights count. Per op into `per_op` (may be
 * NULL, n_ops entries). */
gint64 ecg_model_macs (const EcgModel *m, gboolean masked, gint64 *per_op);
/* Applies the masks to the parameters (w *= mask). */
void ecg_model_apply_masks (EcgModel *m);
/* Deep copy (parameters, masks and state included). */
EcgModel *ecg_model_copy (const EcgModel *m);

/* ---- running ---- */
/* Buffers for batches of up to `max_batch` samples. `training` selects batch statistics,
 * dropout, and caches for backward. */
EcgModelRun *ecg_model_run_new (const EcgModel *m, int max_batch, gboolean training);
void ecg_model_run_free (EcgModelRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgModelRun, ecg_model_run_free)
/* Also compute the gradient with respect to the inputs in backward (off by default). */
void ecg_model_run_set_input_grad (EcgModelRun *run, gboolean input_grad);
/* Makes a training run (one that can run backward) compute as eval mode does: BatchNorm with
 * the running statistics (left unchanged), dropout as the identity; backward then gives the
 * gradients of the deployed model, e.g. for saliencies. FALSE restores training mode. */
void ecg_model_run_set_eval_mode (EcgModelRun *run, gboolean eval_mode);
/* Makes training-mode forwards update `state` (n_state floats, e.g. a worker thread's private
 * copy) instead of the model's running statistics; NULL restores the default. */
void ecg_model_run_set_state (EcgModelRun *run, float *state);
/* Seeds the run's dropout generator. */
void ecg_model_run_set_seed (EcgModelRun *run, guint64 seed);
/* Forward pass over `batch` samples: `input` [batch][C][L], `rr` [batch][rr_features] (or
 * NULL when the model has none). Returns the logits [batch][n_outputs], owned by the run.
 * In training mode BatchNorm running statistics of `m` are updated. */
const float *ecg_model_forward (EcgModel *m, EcgModelRun *run, const float *input,
                                const float *rr, int batch);
/* Backward pass from d_logits [batch][n_outputs] of the last forward; parameter gradients
 * are ADDED to the run's gradient buffer (ecg_model_run_grads). */
void ecg_model_backward (const EcgModel *m, EcgModelRun *run, const float *d_logits);
/* The run's parameter-gradient buffer (n_params floats) and a way to zero it. */
float *ecg_model_run_grads (EcgModelRun *run);
void ecg_model_run_zero_grads (EcgModelRun *run);
/* Gradient with respect to the input of the last backward ([batch][C][L]); valid after
 * ecg_model_run_set_input_grad (run, TRUE). */
const float *ecg_model_run_input_grad (EcgModelRun *run);
/* The values of tensor `id` after the last forward, [batch][rows][cols] (for the inputs, the
 * caller's arrays); owned by the run, valid until its next forward. For calibration. */
const float *ecg_model_run_tensor (EcgModelRun *run, int id);

const char *ecg_op_kind_name (EcgOpKind kind);

G_END_DECLS
