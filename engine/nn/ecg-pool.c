/* ecg-pool.c — MaxPool1d, AvgPool1d and global average/max over time. */
#include "nn/ecg-pool.h"

#include <math.h>

int
ecg_pool1d_out_length (const EcgPool1dShape *shape)
{
  int span = shape->in_length + 2 * shape->padding - shape->kernel_size;
  if (span < 0 || shape->stride <= 0)
    return 0;
  return span / shape->stride + 1;
}

static gboolean
pool_shape_is_valid (const EcgPool1dShape *shape)
{
  return shape->batch > 0 && shape->channels > 0 && shape->in_length > 0 && shape->kernel_size > 0
         && shape->stride > 0 && shape->padding >= 0 && shape->padding <= shape->kernel_size / 2
         && ecg_pool1d_out_length (shape) > 0;
}

/* Input positions [*begin, *end) of window t, padding excluded. */
static inline void
window_range (const EcgPool1dShape *shape, int t, int *begin, int *end)
{
  int start = t * shape->stride - shape->padding;
  *begin = MAX (start, 0);
  *end = MIN (start + shape->kernel_size, shape->in_length);
}

void
ecg_maxpool1d_forward_reference (float *out, gint32 *argmax, const float *in,
                                 const EcgPool1dShape *shape)
{
  g_return_if_fail (pool_shape_is_valid (shape));

  int out_length = ecg_pool1d_out_length (shape);
  gsize rows = (gsize)shape->batch * shape->channels;
  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * shape->in_length;
      float *y = out + r * out_length;
      gint32 *index = argmax + r * out_length;
      for (int t = 0; t < out_length; t++)
        {
          int begin, end;
          window_range (shape, t, &begin, &end);
          int best = begin;
          for (int i = begin + 1; i < end; i++)
            if (x[i] > x[best] || isnan (x[i]))
              best = i;
          y[t] = x[best];
          index[t] = best;
        }
    }
}

/* Kernel 2, stride 2, no padding (every pooling CNN of the zoo): window t is the pair
 * (x[2t], x[2t+1]), and the rule above reduces to "the second when it is larger or NaN". No
 * window bounds and no branches, so the compiler can vectorise the loop. */
static void
maxpool_pairs (float *out, gint32 *argmax, const float *in, gsize rows, int in_length,
               int out_length)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * in_length;
      float *y = out + r * out_length;
      gint32 *index = argmax + r * out_length;
      for (int t = 0; t < out_length; t++)
        {
          float first = x[2 * t], second = x[2 * t + 1];
          int take_second = second > first || second != second;
          y[t] = take_second ? second : first;
          index[t] = 2 * t + take_second;
        }
    }
}

/* Any other window (the ResNet stems' kernel 3, stride 2, padding 1): windows that lie wholly
 * inside the row take a fixed-length loop with the same rule, written as selects; only the
 * windows that overlap the padding go through window_range(). */
static void
maxpool_windows (float *out, gint32 *argmax, const float *in, const EcgPool1dShape *shape)
{
  const int k = shape->kernel_size, stride = shape->stride, padding = shape->padding;
  const int in_length = shape->in_length, out_length = ecg_pool1d_out_length (shape);
  const gsize rows = (gsize)shape->batch * shape->channels;
  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * in_length;
      float *y = out + r * out_length;
      gint32 *index = argmax + r * out_length;
      for (int t = 0; t < out_length; t++)
        {
          int start = t * stride - padding;
          int best;
          if (start >= 0 && start + k <= in_length)
            {
              float value = x[start];
              best = start;
              for (int i = start + 1; i < start + k; i++)
                {
                  float v = x[i];
                  int take = v > value || v != v;
                  value = take ? v : value;
                  best = take ? i : best;
                }
            }
          else
            {
              int begin, end;
              window_range (shape, t, &begin, &end);
              best = begin;
              for (int i = begin + 1; i < end; i++)
                if (x[i] > x[best] || isnan (x[i]))
                  best = i;
            }
          y[t] = x[best];
          index[t] = best;
        }
    }
}

void
ecg_maxpool1d_forward (float *out, gint32 *argmax, const float *in, const EcgPool1dShape *shape)
{
  g_return_if_fail (pool_shape_is_valid (shape));

  if (shape->kernel_size == 2 && shape->stride == 2 && shape->padding == 0)
    maxpool_pairs (out, argmax, in, (gsize)shape->batch * shape->channels, shape->in_length,
                   ecg_pool1d_out_length (shape));
  else
    maxpool_windows (out, argmax, in, shape);
}

void
ecg_maxpool1d_backward (float *d_in, const float *d_out, const gint32 *argmax,
                        const EcgPool1dShape *shape)
{
  g_return_if_fail (pool_shape_is_valid (shape));

  int out_length = ecg_pool1d_out_length (shape);
  gsize rows = (gsize)shape->batch * shape->channels;
  for (gsize r = 0; r < rows; r++)
    {
      float *dx = d_in + r * shape->in_length;
      const float *dy = d_out + r * out_length;
      const gint32 *index = argmax + r * out_length;
      for (int t = 0; t < out_length; t++)
        dx[index[t]] += dy[t];
    }
}

void
ecg_avgpool1d_forward (float *out, const float *in, const EcgPool1dShape *shape)
{
  g_return_if_fail (pool_shape_is_valid (shape));

  int out_length = ecg_pool1d_out_length (shape);
  gsize rows = (gsize)shape->batch * shape->channels;
  float inv_k = 1.0f / shape->kernel_size;
  for (gsize r = 0; r < rows; r++)
    {
      const float *x = in + r * shape->in_length;
      float *y = out + r * out_length;
      for (int t = 0; t < out_length; t++)
        {
          int begin, end;
          window_range (shape, t, &begin, &end);
          float sum = 0.0f;
          for (int i = begin; i < end; i++)
            sum += x[i];
          y[t] = sum * inv_k;
        }
    }
}

void
ecg_avgpool1d_backward (float *d_in, const float *d_out, const EcgPool1dShape *shape)
{
  g_return_if_fail (pool_shape_is_valid (shape));

  int out_length = ecg_pool1d_out_length (shape);
  gsize rows = (gsize)shape->batch * shape->channels;
  float inv_k = 1.0f / shape->kernel_size;
  for (gsize r = 0; r < rows; r++)
    {
      float *dx = d_in + r * shape->in_length;
      const float *dy = d_out + r * out_length;
      for (int t = 0; t < out_length; t++)
        {
          int begin, end;
          window_range (shape, t, &begin, &end);
          float share = dy[t] * inv_k;
          for (int i = begin; i < end; i++)
            dx[i] += share;
        }
    }
}

static gboolean
global_shape_is_valid (const EcgGlobalPoolShape *shape)
{
  return shape->batch > 0 && shape->channels > 0 && shape->length > 0;
}

/* Offset of (b, c, t = 0) and the distance between consecutive steps, for either layout. */
static inline void
global_row (const EcgGlobalPoolShape *shape, int b, int c, gsize *first, gsize *step)
{
  if (shape->layout == ECG_POOL_CHANNELS_TIME)
    {
      *first = ((gsize)b * shape->channels + c) * shape->length;
      *step = 1;
    }
  else
    {
      *first = (gsize)b * shape->length * shape->channels + c;
      *step = shape->channels;
    }
}

void
ecg_global_avg_pool_forward (float *out, const float *in, const EcgGlobalPoolShape *shape)
{
  g_return_if_fail (global_shape_is_valid (shape));

  for (int b = 0; b < shape->batch; b++)
    for (int c = 0; c < shape->channels; c++)
      {
        gsize first, step;
        global_row (shape, b, c, &first, &step);
        double sum = 0.0;
        for (int t = 0; t < shape->length; t++)
          sum += in[first + t * step];
        out[(gsize)b * shape->channels + c] = (float)(sum / shape->length);
      }
}

void
ecg_global_avg_pool_backward (float *d_in, const float *d_out, const EcgGlobalPoolShape *shape)
{
  g_return_if_fail (global_shape_is_valid (shape));

  for (int b = 0; b < shape->batch; b++)
    for (int c = 0; c < shape->channels; c++)
      {
        gsize first, step;
        global_row (shape, b, c, &first, &step);
        float share = d_out[(gsize)b * shape->channels + c] / shape->length;
        for (int t = 0; t < shape->length; t++)
          d_in[first + t * step] += share;
      }
}

void
ecg_global_max_pool_forward (float *out, gint32 *argmax, const float *in,
                             const EcgGlobalPoolShape *shape)
{
  g_return_if_fail (global_shape_is_valid (shape));

  for (int b = 0; b < shape->batch; b++)
    for (int c = 0; c < shape->channels; c++)
      {
        gsize first, step;
        global_row (shape, b, c, &first, &step);
        int best = 0;
        for (int t = 1; t < shape->length; t++)
          {
            float x = in[first + t * step];
            if (x > in[first + best * step] || isnan (x))
              best = t;
          }
        out[(gsize)b * shape->channels + c] = in[first + best * step];
        argmax[(gsize)b * shape->channels + c] = best;
      }
}

void
ecg_global_max_pool_backward (float *d_in, const float *d_out, const gint32 *argmax,
                              const EcgGlobalPoolShape *shape)
{
  g_return_if_fail (global_shape_is_valid (shape));

  for (int b = 0; b < shape->batch; b++)
    for (int c = 0; c < shape->channels; c++)
      {
        gsize first, step, i = (gsize)b * shape->channels + c;
        global_row (shape, b, c, &first, &step);
        d_in[first + argmax[i] * step] += d_out[i];
      }
}
