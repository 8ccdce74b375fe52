/* ecg-quant-fold.c — BatchNorm folding (see ecg-quant-fold.h). */
#include "quant/ecg-quant-fold.h"

#include <math.h>

#include "nn/ecg-batchnorm.h"

void
ecg_quant_fold_batchnorm (const EcgModel *m, int conv_op, int bn_op, float *weight, float *bias)
{
  const EcgOp *conv = &g_array_index (m->ops, EcgOp, conv_op);
  g_return_if_fail (conv->kind == ECG_OP_CONV1D);
  const EcgTensorShape in = g_array_index (m->tensors, EcgTensorShape, conv->input);
  const int c_out = conv->out_channels;
  const gsize per_row = (gsize) in.rows * (gsize) conv->kernel_size;
  const float *w = m->params + conv->param_offset;
  const float *mask = m->masks + conv->param_offset;
  const float *b = conv->has_bias ? w + (gsize) c_out * per_row : NULL;

  const float *gamma = NULL, *beta = NULL, *mean = NULL, *var = NULL;
  if (bn_op >= 0)
    {
      const EcgOp *bn = &g_array_index (m->ops, EcgOp, bn_op);
      g_return_if_fail (bn->kind == ECG_OP_BATCHNORM && bn->input == conv->output);
      gamma = m->params + bn->param_offset;
      beta = gamma + c_out;
      mean = m->state + bn->state_offset;
      var = mean + c_out;
    }
  for (int o = 0; o < c_out; o++)
    {
      double g = 1.0, shift = 0.0;
      if (bn_op >= 0)
        {
          g = (double) gamma[o] / sqrt ((double) var[o] + ECG_BATCHNORM_EPS);
          shift = (double) beta[o] - g * (double) mean[o];
        }
      for (gsize i = 0; i < per_row; i++)
        {
          gsize index = (gsize) o * per_row + i;
          weight[index] = (float) (g * (double) (w[index] * mask[index]));
        }
      bias[o] = (float) (g * (b != NULL ? (double) b[o] : 0.0) + shift);
    }
}
