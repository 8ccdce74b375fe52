/* ecg-vmath.h — exp, sigmoid and tanh over float arrays, vectorised, for the hot loops
 * (LSTM gates, attention softmax).
 *
 * libm's expf/tanhf are one call per element and glibc's tanhf goes through expm1f: in an LSTM
 * they cost more than the GEMMs. These kernels evaluate the same functions with Cephes' float
 * polynomials, 8 lanes at a time with AVX2+FMA when the CPU has them (checked at run time, never
 * assumed at compile time), else one element at a time in plain C:
 *   exp(x)     = 2^n * p(r),  n = round(x / ln 2),  r = x - n ln 2 (|r| <= ln2/2), p a degree-7
 *                polynomial; x clamped to [-87.34, 88] so that 2^n stays a normal float (results
 *                stay finite: exp(88) = 1.7e38 stands for anything larger, exp(-87.34) = 1.2e-38
 *                for anything smaller)
 *   sigmoid(x) = 1 / (1 + exp(-x))
 *   tanh(x)    = x + x^3 q(x^2) for |x| < 0.625 (no cancellation near 0),
 *                sign(x) (1 - 2 / (exp(2|x|) + 1)) otherwise
 * Accuracy (checked against libm in double by tests/engine/nn/test-vmath.c): exp within 2 ulp
 * relative, sigmoid and tanh within 1.5e-7 absolute (tanh within 2 ulp relative below 1).
 * NaN in gives NaN out. The plain libm loops
 * (ecg_v*_reference) are kept as the reference.
 *
 * `out` may equal `in`. No state: the CPU check is made once and only read afterwards.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ECG_SIMD_SCALAR,
  ECG_SIMD_AVX2, /* AVX2 + FMA, 8 floats per instruction */
} EcgSimdLevel;

/* The best level this CPU runs (AVX2 needs both the avx2 and fma flags); ECGWB_SIMD=scalar in
 * the environment forces the scalar kernels (to compare, or for a debugger). Checked once. */
EcgSimdLevel ecg_simd_level (void);
/* "avx2" or "scalar", for provenance records and logs. */
const char *ecg_simd_level_name (EcgSimdLevel level);

/* The kernels at ecg_simd_level(). */
void ecg_vexp (float *out, const float *in, gsize n);
void ecg_vsigmoid (float *out, const float *in, gsize n);
void ecg_vtanh (float *out, const float *in, gsize n);

/* The kernels at a given level (tests); a level the CPU lacks runs the scalar kernels. */
void ecg_vexp_at (EcgSimdLevel level, float *out, const float *in, gsize n);
void ecg_vsigmoid_at (EcgSimdLevel level, float *out, const float *in, gsize n);
void ecg_vtanh_at (EcgSimdLevel level, float *out, const float *in, gsize n);

/* Reference loops over libm (expf, tanhf, ecg_sigmoidf). */
void ecg_vexp_reference (float *out, const float *in, gsize n);
void ecg_vsigmoid_reference (float *out, const float *in, gsize n);
void ecg_vtanh_reference (float *out, const float *in, gsize n);

G_END_DECLS
