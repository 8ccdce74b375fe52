/* ecg-loss.c — softmax, weighted softmax cross-entropy, binary cross-entropy with logits. */
#include "nn/ecg-loss.h"

#include <math.h>

#include "nn/ecg-activation.h"

void
ecg_softmax_forward (float *out, const float *in, int rows, int cols)
{
  for (int r = 0; r < rows; r++)
    {
      const float *x = in + (gsize)r * cols;
      float *y = out + (gsize)r * cols;
      float max = x[0];
      for (int j = 1; j < cols; j++)
        max = MAX (max, x[j]);
      double sum = 0.0;
      for (int j = 0; j < cols; j++)
        {
          y[j] = expf (x[j] - max);
          sum += y[j];
        }
      float inv_sum = (float)(1.0 / sum);
      for (int j = 0; j < cols; j++)
        y[j] *= inv_sum;
    }
}

void
ecg_softmax_backward (float *d_in, const float *d_out, const float *out, int rows, int cols)
{
  for (int r = 0; r < rows; r++)
    {
      const float *y = out + (gsize)r * cols;
      const float *dy = d_out + (gsize)r * cols;
      float *dx = d_in + (gsize)r * cols;
      double dot = 0.0;
      for (int j = 0; j < cols; j++)
        dot += (double)dy[j] * y[j];
      for (int j = 0; j < cols; j++)
        dx[j] += y[j] * (dy[j] - (float)dot);
    }
}

double
ecg_cross_entropy_loss (float *d_logits, const float *logits, const gint32 *labels,
                        const float *class_weights, int rows, int classes)
{
  double weighted_nll = 0.0, weight_sum = 0.0;
  for (int r = 0; r < rows; r++)
    {
      g_return_val_if_fail (labels[r] >= 0 && labels[r] < classes, NAN);
      const float *z = logits + (gsize)r * classes;
      float max = z[0];
      for (int j = 1; j < classes; j++)
        max = MAX (max, z[j]);
      double sum = 0.0;
      for (int j = 0; j < classes; j++)
        sum += exp ((double)z[j] - max);
      double log_sum_exp = max + log (sum);
      double w = class_weights != NULL ? class_weights[labels[r]] : 1.0;
      weighted_nll += w * (log_sum_exp - z[labels[r]]);
      weight_sum += w;

      /* w (softmax - one-hot) now; divided by the weight sum once that is known. */
      if (d_logits != NULL)
        {
          float *dz = d_logits + (gsize)r * classes;
          for (int j = 0; j < classes; j++)
            dz[j] = (float)(w * (exp ((double)z[j] - log_sum_exp) - (j == labels[r])));
        }
    }

  if (d_logits != NULL)
    {
      float inv_weight_sum = (float)(1.0 / weight_sum);
      for (gsize i = 0; i < (gsize)rows * classes; i++)
        d_logits[i] *= inv_weight_sum;
    }
  return weighted_nll / weight_sum;
}

double
ecg_bce_with_logits_loss (float *d_logits, const float *logits, const float *targets, gsize n)
{
  double sum = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double z = logits[i], t = targets[i];
      sum += fmax (z, 0.0) - z * t + log1p (exp (-fabs (z)));
      if (d_logits != NULL)
        d_logits[i] = (ecg_sigmoidf (logits[i]) - targets[i]) / (float)n;
    }
  return sum / (double)n;
}
