/* ecg-conv1d.c — Conv1d forward/backward: im2col + OpenBLAS GEMM, and plain reference loops.
 *
 * For one sample the im2col matrix col has K = in_channels * kernel_size rows and out_length
 * columns, col[c*k + j][t] = in[c][t*stride + j - padding] (0 outside the input). Then
 *   forward:   out[b]   = W (C_out x K) * col           (+ bias per row)
 *   backward:  dW      += d_out[b] (C_out x L_out) * col^T
 *              d_col    = W^T * d_out[b], scattered back (col2im) into d_in[b]
 * G samples at a time (samples_per_gemm) put their col matrices side by side, K x G*L_out, so each
 * product is one larger GEMM; the output (forward) or d_out (backward) of the group is copied
 * between [b][C_out][L_out] and that C_out x G*L_out layout. G = 1 (batch 1, or L_out >= 512)
 * works in place as before.
 * A 1x1 convolution with stride 1 and no padding needs no im2col: col is the input itself (one
 * sample at a time).
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

/* Samples per GEMM: enough that the GEMM has about GROUP_COLUMNS columns (512 measured best
 * here against 2048 and one sample, on the zoo's CNNs at batch 256). */
#define GROUP_COLUMNS 512

static int
samples_per_gemm (const EcgConv1dShape *shape, int out_length)
{
  int group = (GROUP_COLUMNS + out_length - 1) / out_length;
  return MAX (1, MIN (group, shape->batch));
}

gsize
ecg_conv1d_workspace_floats (const EcgConv1dShape *shape)
{
  int out_length = ecg_conv1d_out_length (shape);
  gsize group = samples_per_gemm (shape, out_length);
  gsize col = (gsize)shape->in_channels * shape->kernel_size * out_length;
  return group * col + (group > 1 ? group * shape->out_channels * (gsize)out_length : 0);
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

/* col[c*k + j][t] = in[c][t*stride + j - padding], zeros where that is padding; rows of col are
 * `row_stride` floats apart (out_length for one sample, more when samples sit side by side). */
static void
im2col (float *col, gsize row_stride, const float *in, const EcgConv1dShape *shape,
        int out_length)
{
  int k = shape->kernel_size, stride = shape->stride, length = shape->in_length;
  for (int c = 0; c < shape->in_channels; c++)
    {
      const float *src = in + (gsize)c * length;
      for (int j = 0; j < k; j++)
        {
          float *row = col + ((gsize)c * k + j) * row_stride;
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

/* in[c][t*stride + j - padding] += col[c*k + j][t] for the taps that are not padding; rows of
 * col are `row_stride` floats apart, as in im2col(). */
static void
col2im_add (float *in, const float *col, gsize row_stride, const EcgConv1dShape *shape,
            int out_length)
{
  int k = shape->kernel_size, stride = shape->stride, length = shape->in_length;
  for (int c = 0; c < shape->in_channels; c++)
    {
      float *dst = in + (gsize)c * length;
      for (int j = 0; j < k; j++)
        {
          const float *row = col + ((gsize)c * k + j) * row_stride;
          int offset = j - shape->padding, begin, end;
          valid_output_range (offset, stride, length, out_length, &begin, &end);
          for (int t = begin; t < end; t++)
            dst[t * stride + offset] += row[t];
        }
    }
}

/* sums[r] += sum_t rows[r][t] over n_rows rows of `length`: eight running partial sums, so that
 * the adds pipeline and vectorise instead of each waiting for the one before. */
static void
add_row_sums (float *sums, const float *rows, int n_rows, int length)
{
  for (int r = 0; r < n_rows; r++)
    {
      const float *row = rows + (gsize)r * length;
      float part[8] = { 0 };
      int t = 0;
      for (; t + 8 <= length; t += 8)
        for (int k = 0; k < 8; k++)
          part[k] += row[t + k];
      float sum = 0.0f;
      for (; t < length; t++)
        sum += row[t];
      for (int k = 0; k < 8; k++)
        sum += part[k];
      sums[r] += sum;
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

  int group = pointwise ? 1 : samples_per_gemm (shape, out_length);
  for (int b0 = 0; b0 < shape->batch; b0 += group)
    {
      int nb = MIN (group, shape->batch - b0);
      const float *in_b = in + (gsize)b0 * shape->in_channels * shape->in_length;
      float *out_b = out + (gsize)b0 * c_out * out_length;
      gsize columns = (gsize)nb * out_length;
      const float *col = in_b;
      if (!pointwise)
        {
          for (int s = 0; s < nb; s++)
            im2col (workspace + (gsize)s * out_length, columns,
                    in_b + (gsize)s * shape->in_channels * shape->in_length, shape, out_length);
          col = workspace;
        }
      float *c = nb == 1 ? out_b : workspace + (gsize)patch * columns;
      if (bias != NULL)
        for (int o = 0; o < c_out; o++)
          for (gsize t = 0; t < columns; t++)
            c[(gsize)o * columns + t] = bias[o];
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, c_out, (int)columns, patch, 1.0f,
                   weight, patch, col, (int)columns, bias != NULL ? 1.0f : 0.0f, c, (int)columns);
      if (nb > 1)
        for (int s = 0; s < nb; s++)
          for (int o = 0; o < c_out; o++)
            memcpy (out_b + ((gsize)s * c_out + o) * out_length,
                    c + (gsize)o * columns + (gsize)s * out_length, out_length * sizeof (float));
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

  const gsize in_size = (gsize)shape->in_channels * shape->in_length;
  const gsize out_size = (gsize)c_out * out_length;
  int group = pointwise ? 1 : samples_per_gemm (shape, out_length);
  for (int b0 = 0; b0 < shape->batch; b0 += group)
    {
      int nb = MIN (group, shape->batch - b0);
      gsize columns = (gsize)nb * out_length;
      const float *in_b = in + (gsize)b0 * in_size;
      float *d_in_b = d_in != NULL ? d_in + (gsize)b0 * in_size : NULL;

      if (d_bias != NULL)
        for (int s = 0; s < nb; s++)
          add_row_sums (d_bias, d_out + (gsize)(b0 + s) * out_size, c_out, out_length);

      /* D = the group's d_out as one [C_out][nb*L_out] matrix (gathered unless nb = 1). */
      const float *dy = d_out + (gsize)b0 * out_size;
      if (nb > 1)
        {
          float *gathered = workspace + (gsize)patch * columns;
          for (int s = 0; s < nb; s++)
            for (int o = 0; o < c_out; o++)
              memcpy (gathered + (gsize)o * columns + (gsize)s * out_length,
                      dy + (gsize)s * out_size + (gsize)o * out_length,
                      out_length * sizeof (float));
          dy = gathered;
        }

      if (d_weight != NULL)
        {
          const float *col = in_b;
          if (!pointwise)
            {
              for (int s = 0; s < nb; s++)
                im2col (workspace + (gsize)s * out_length, columns, in_b + (gsize)s * in_size,
                        shape, out_length);
              col = workspace;
            }
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, c_out, patch, (int)columns, 1.0f,
                       dy, (int)columns, col, (int)columns, 1.0f, d_weight, patch);
        }

      if (d_in != NULL)
        {
          /* d_col = W^T D; a pointwise conv's d_col is d_in itself, so the GEMM adds there. */
          float *d_col = pointwise ? d_in_b : workspace;
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, patch, (int)columns, c_out, 1.0f,
                       weight, patch, dy, (int)columns, pointwise ? 1.0f : 0.0f, d_col,
                       (int)columns);
          if (!pointwise)
            for (int s = 0; s < nb; s++)
              col2im_add (d_in_b + (gsize)s * in_size, d_col + (gsize)s * out_length, columns,
                          shape, out_length);
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
