/* ecg-linear.c — Linear forward/backward as GEMMs, and plain reference loops. */
#include "nn/ecg-linear.h"

#include <cblas.h>

static gboolean
shape_is_valid (const EcgLinearShape *shape)
{
  return shape->rows > 0 && shape->in_features > 0 && shape->out_features > 0;
}

void
ecg_linear_forward (float *out, const float *in, const float *weight, const float *bias,
                    const EcgLinearShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int rows = shape->rows, n_in = shape->in_features, n_out = shape->out_features;
  if (bias != NULL)
    for (int r = 0; r < rows; r++)
      for (int o = 0; o < n_out; o++)
        out[(gsize)r * n_out + o] = bias[o];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, n_out, n_in, 1.0f, in, n_in, weight,
               n_in, bias != NULL ? 1.0f : 0.0f, out, n_out);
}

void
ecg_linear_backward (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                     const float *in, const float *weight, const EcgLinearShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int rows = shape->rows, n_in = shape->in_features, n_out = shape->out_features;
  if (d_in != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n_in, n_out, 1.0f, d_out, n_out,
                 weight, n_in, 1.0f, d_in, n_in);
  if (d_weight != NULL)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, n_out, n_in, rows, 1.0f, d_out, n_out, in,
                 n_in, 1.0f, d_weight, n_in);
  if (d_bias != NULL)
    for (int r = 0; r < rows; r++)
      for (int o = 0; o < n_out; o++)
        d_bias[o] += d_out[(gsize)r * n_out + o];
}

void
ecg_linear_forward_reference (float *out, const float *in, const float *weight, const float *bias,
                              const EcgLinearShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int n_in = shape->in_features, n_out = shape->out_features;
  for (int r = 0; r < shape->rows; r++)
    for (int o = 0; o < n_out; o++)
      {
        double sum = bias != NULL ? bias[o] : 0.0;
        for (int i = 0; i < n_in; i++)
          sum += (double)in[(gsize)r * n_in + i] * weight[(gsize)o * n_in + i];
        out[(gsize)r * n_out + o] = (float)sum;
      }
}

void
ecg_linear_backward_reference (float *d_in, float *d_weight, float *d_bias, const float *d_out,
                               const float *in, const float *weight, const EcgLinearShape *shape)
{
  g_return_if_fail (shape_is_valid (shape));

  int n_in = shape->in_features, n_out = shape->out_features;
  for (int r = 0; r < shape->rows; r++)
    for (int o = 0; o < n_out; o++)
      {
        float g = d_out[(gsize)r * n_out + o];
        if (d_bias != NULL)
          d_bias[o] += g;
        for (int i = 0; i < n_in; i++)
          {
            if (d_in != NULL)
              d_in[(gsize)r * n_in + i] += g * weight[(gsize)o * n_in + i];
            if (d_weight != NULL)
              d_weight[(gsize)o * n_in + i] += g * in[(gsize)r * n_in + i];
          }
      }
}
