/* ecg-conv1d.c — Conv1d forward/backward: im2col + OpenBLAS GEMM, and plain reference loops.
 *
 * For one sample the im2col matrix col has K = in_channels * kernel_size rows and out_length
 * columns, col[c*k + j][t] = in[c][t*stride + j - padding] (0 outside the input). Then
 *   forward:   out[b]   = W (C_out x K) * col           (+ bias per row)
 *   backward:  dW      += d_out[b] (C_out x L_out) * col^T
 *              d_col    = W^T * d_out[b], scattered back (col2im) into d_in[b]
 * A 1x1 convolution with stride 1 and no padding needs no im2col: col is the input itself.
 */
#include "nn/ecg-conv1d.h"

#include <cblas.h>
#include <string.h>

int
ecg_conv1d_out_length (const EcgConv1dShape *shape)
{
  int span = shape->in_length + 2 * shape->padding - shape->kernel_size;
  if (span < 0 || shape->stride <= 0)
    return 0;
  return span / shape->stride + 1;
}

gsize
ecg_conv1d_workspace_floats (const EcgConv1dShape *shape)
{
  return (gsize)shape->in_channels * shape->kernel_size * ecg_conv1d_out_length (shape);
}

static gboolean
shape_is_valid (const EcgConv1dShape *shape)
{
  return shape->batch > 0 && shape->in_channels > 0 && shape->out_channels > 0
         && shape->in_length > 0 && shape->kernel_size > 0 && shape->stride > 0
         && shape->padding >= 0 && ecg_conv1d_out_length (shape) > 0;
}

/* The output positions t in [*t_begin, *t_end) whose input index t*stride + offset lies in
 * [0, in_length); outside it the tap reads padding. */
static void
valid_output_range (int offset, int stride, int in_length, int out_length, int *t_begin, int *t_end)
{
  int begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int last_input = in_length - 1 - offset;
  int end = last_input < 0 ? 0 : last_input / stride + 1;
  if (end > out_length)
    end = out_length;
  if (begin > end)
    begin = end;
  *t_begin = begin;
  *t_end = end;
}

static gboolean
is_pointwise (const EcgConv1dShape *shape)
{
  return shape->kernel_size == 1 && shape->stride == 1 && shape->padding == 0;
}

/* col[c*k + j][t] = in[c][t*stride + j - padding], zeros where that is padding. */
static void
im2col (float *col, const float *in, const EcgConv1dShape *shape, int out_length)
{
  int k = shape->kernel_size, stride = shape->stride, length = shape->in_length;
  for (int c = 0; c < shape->in_channels; c++)
    {
      const float *src = in + (gsize)c * length;
      for (int j = 0; j < k; j++)
        {
          float *row = col + ((gsize)c * k + j) * out_length;
          int offset = j - shape->padding, begin, end;
          valid_output_range (offset, stride, length, out_length, &begin, &end);
          for (int t = 0; t < begin; t++)
            row[t] = 0.0f;
          if (stride == 1 && end > begin)
            memcpy (row + begin, src + begin + offset, sizeof (float) * (end - begin));
          else if (stride != 1)
            for (int t = begin; t < end; t++)
              row[t] = src[t * stride + offset];
          for (int t = end; t < out_length; t++)
            row[t] = 0.0f;
        }
    }
}

/* in[c][t*stride + j - padding] += col[c*k + j][t] for the taps that are not padding. */
static void
col2im_add (float *in, const float *col, const EcgConv1dShape *shape, int out_length)
{
  int k = shape->kernel_size, stride = shape->stride, length = shape->in_length;
  for (int c = 0; c < shape->in_channels; c++)
    {
      float *dst = in + (gsize)c * length;
      for (int j = 0; j < k; j++)
        {
          const float *row = col + ((gsize)c * k + j) * out_length;
          int offset = j - shape->padding, begin, end;
          valid_output_range (offset, stride, length, out_length, &begin, &end);
          for (int t = begin; t < end; t++)
            dst[t * stride + offset] += row[t];
        }
    }
}

void
ecg_conv1d_forward (float *out, const float *in, const float *weight, const float *bias,
                    const EcgConv1dShape *shape, float *workspace)
{
  g_return_if_fail (shape_is_valid (shape));

  int out_length = ecg_conv1d_out_length (shape);
  int patch = shape->in_channels * shape->kernel_size;
  int c_out = shape->out_channels;
  gboolean pointwise = is_pointwise (shape);
  float *owned = NULL;
  if (workspace == NULL && !pointwise)
    workspace = owned = g_new (float, ecg_conv1d_workspace_floats (shape));

  for (int b = 0; b < shape->batch; b++)
    {
      const float *in_b = in + (gsize)b * shape->in_channels * shape->in_length;
      float *out_b = out + (gsize)b * c_out * out_length;
      const float *col = in_b;
      if (!pointwise)
        {
          im2col (workspace, in_b, shape, out_length);
          col = workspace;
        }
      if (bias != NULL)
        for (int o = 0; o < c_out; o++)
          for (int t = 0; t < out_length; t++)
            out_b[(gsize)o * out_length + t] = bias[o];
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, c_out, out_length, patch, 1.0f,
                   weight, patch, col, out_length, bias != NULL ? 1.0f : 0.0f, out_b, out_length);
    }
  g_free (owned);
}

void
ecg_conv1d_backward (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                     const float *in, const float *weight, const EcgConv1dShape *shape,
                     float *workspace)
{
  g_return_if_fail (shape_is_valid (shape));

  int out_length = ecg_conv1d_out_length (shape);
  int patch = shape->in_channels * shape->kernel_size;
  int c_out = shape->out_channels;
  gboolean pointwise = is_pointwise (shape);
  float *owned = NULL;
  if (workspace == NULL && !pointwise)
    workspace = owned = g_new (float, ecg_conv1d_workspace_floats (shape));

  for (int b = 0; b < shape->batch; b++)
    {
      const float *in_b = in + (gsize)b * shape->in_channels * shape->in_length;
      const float *d_out_b = d_out + (gsize)b * c_out * out_length;

      if (d_bias != NULL)
        for (int o = 0; o < c_out; o++)
          {
            const float *row = d_out_b + (gsize)o * out_length;
            float sum = 0.0f;
            for (int t = 0; t < out_length; t++)
              sum += row[t];
            d_bias[o] += sum;
          }

      if (d_weight != NULL)
        {
          const float *col = in_b;
          if (!pointwise)
            {
              im2col (workspace, in_b, shape, out_length);
              col = workspace;
            }
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, c_out, patch, out_length, 1.0f,
                       d_out_b, out_length, col, out_length, 1.0f, d_weight, patch);
        }

      if (d_in != NULL)
        {
          float *d_in_b = d_in + (gsize)b * shape->in_channels * shape->in_length;
          /* d_col = W^T d_out; a pointwise conv's d_col is d_in itself, so the GEMM adds there. */
          float *d_col = pointwise ? d_in_b : workspace;
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, patch, out_length, c_out, 1.0f,
                       weight, patch, d_out_b, out_length, pointwise ? 1.0f : 0.0f, d_col,
                       out_length);
          if (!pointwise)
            col2im_add (d_in_b, d_col, shape, out_length);
        }
    }
  g_free (owned);
}

void
ecg_conv1d_forward_reference (float *out, const float *in, const float *weight, const float *bias,
                              const EcgConv1dShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int out_length = ecg_conv1d_out_length (shape);
  int c_in = shape->in_channels, k = shape->kernel_size, length = shape->in_length;
  for (int b = 0; b < shape->batch; b++)
    for (int o = 0; o < shape->out_channels; o++)
      for (int t = 0; t < out_length; t++)
        {
          double sum = bias != NULL ? bias[o] : 0.0;
          for (int c = 0; c < c_in; c++)
            for (int j = 0; j < k; j++)
              {
                int i = t * shape->stride + j - shape->padding;
                if (i >= 0 && i < length)
                  sum += (double)weight[((gsize)o * c_in + c) * k + j]
                         * in[((gsize)b * c_in + c) * length + i];
              }
          out[((gsize)b * shape->out_channels + o) * out_length + t] = (float)sum;
        }
}

void
ecg_conv1d_backward_reference (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                               const float *in, const float *weight, const EcgConv1dShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int out_length = ecg_conv1d_out_length (shape);
  int c_in = shape->in_channels, k = shape->kernel_size, length = shape->in_length;
  for (int b = 0; b < shape->batch; b++)
    for (int o = 0; o < shape->out_channels; o++)
      for (int t = 0; t < out_length; t++)
        {
          float g = d_out[((gsize)b * shape->out_channels + o) * out_length + t];
          if (d_bias != NULL)
            d_bias[o] += g;
          for (int c = 0; c < c_in; c++)
            for (int j = 0; j < k; j++)
              {
                int i = t * shape->stride + j - shape->padding;
                if (i < 0 || i >= length)
                  continue;
                gsize w = ((gsize)o * c_in + c) * k + j;
                gsize x = ((gsize)b * c_in + c) * length + i;
                if (d_weight != NULL)
                  d_weight[w] += g * in[x];
                if (d_in != NULL)
                  d_in[x] += g * weight[w];
              }
        }
}
