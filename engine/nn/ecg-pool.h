/* ecg-pool.h — 1-D pooling over plain float32 arrays (PyTorch semantics, floor mode).
 *
 * Windowed pools: in [batch][channels][in_length], out [batch][channels][out_length],
 * out_length = (in_length + 2*padding - kernel_size) / stride + 1; window t covers input
 * positions t*stride - padding .. t*stride - padding + kernel_size - 1.
 *   MaxPool1d  out = max over the window's input positions (padding is -inf, as PyTorch;
 *              padding must be <= kernel_size/2 so every window holds an input). The index of
 *              the maximum (first one on ties, a NaN wins) is recorded for the backward.
 *   AvgPool1d  out = (1/kernel_size) * sum over the window (padding counts as zeros,
 *              PyTorch's count_include_pad=True). Keras AveragePooling1D(k, s, 'valid') is
 *              padding 0.
 *
 * Global pools over time: out [batch][channels] = mean or max over all `length` steps. The input
 * is [batch][channels][length] (ECG_POOL_CHANNELS_TIME, conv feature maps) or
 * [batch][length][channels] (ECG_POOL_TIME_CHANNELS, LSTM/transformer sequences).
 *
 * Backwards ADD into d_in. Argmax buffers hold the time index of the maximum in its input row.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int batch;
  int channels;
  int in_length;
  int kernel_size;
  int stride;
  int padding; /* each side */
} EcgPool1dShape;

typedef enum
{
  ECG_POOL_CHANNELS_TIME, /* [batch][channels][length] */
  ECG_POOL_TIME_CHANNELS, /* [batch][length][channels] */
} EcgPoolLayout;

typedef struct
{
  int batch;
  int channels;
  int length;
  EcgPoolLayout layout;
} EcgGlobalPoolShape;

/* (in_length + 2*padding - kernel_size) / stride + 1, or 0 when the window does not fit. */
int ecg_pool1d_out_length (const EcgPool1dShape *shape);

/* Writes out and argmax (both [batch][channels][out_length]). Kernel 2, stride 2, no padding
 * takes a branch-free pairwise path; other shapes a fixed-length loop for the windows inside
 * the row. */
void ecg_maxpool1d_forward (float *out, gint32 *argmax, const float *in,
                            const EcgPool1dShape *shape);
/* The plain window loops for any shape; same results as ecg_maxpool1d_forward(). */
void ecg_maxpool1d_forward_reference (float *out, gint32 *argmax, const float *in,
                                      const EcgPool1dShape *shape);
/* d_in[b][c][argmax[b][c][t]] += d_out[b][c][t]. */
void ecg_maxpool1d_backward (float *d_in, const float *d_out, const gint32 *argmax,
                             const EcgPool1dShape *shape);

void ecg_avgpool1d_forward (float *out, const float *in, const EcgPool1dShape *shape);
/* Every input position of window t receives d_out[t] / kernel_size. */
void ecg_avgpool1d_backward (float *d_in, const float *d_out, const EcgPool1dShape *shape);

void ecg_global_avg_pool_forward (float *out, const float *in, const EcgGlobalPoolShape *shape);
/* Every step receives d_out[b][c] / length. */
void ecg_global_avg_pool_backward (float *d_in, const float *d_out,
                                   const EcgGlobalPoolShape *shape);

/* Writes out and argmax (both [batch][channels]). */
void ecg_global_max_pool_forward (float *out, gint32 *argmax, const float *in,
                                  const EcgGlobalPoolShape *shape);
/* The step argmax[b][c] receives d_out[b][c] (all of it, also on ties). */
void ecg_global_max_pool_backward (float *d_in, const float *d_out, const gint32 *argmax,
                                   const EcgGlobalPoolShape *shape);

G_END_DECLS
