// COpenBLAS — OpenBLAS, loaded with a pinned kernel family.
//
// Debian's OpenBLAS is a DYNAMIC_ARCH build: it picks its kernels from the CPU when the library is
// loaded, and different kernel families round differently (an AVX-512 machine picks Cooperlake/
// SkylakeX kernels, an AVX2 one Haswell/Zen). Verity promises the same bits on every x86-64 CPU with
// AVX2 and FMA, so it does not link OpenBLAS: a load-time constructor sets OPENBLAS_CORETYPE to
// Haswell (the family every such CPU can execute), dlopens the library, and restores the caller's
// environment. VERITY_BLAS_CORETYPE overrides the family ("auto" keeps the library's own choice);
// the arithmetic fingerprint names whichever family is live.
#ifndef VERITY_COPENBLAS_H
#define VERITY_COPENBLAS_H

/// 0 when OpenBLAS is loaded and every entry point resolved; otherwise -1 (see verity_blas_error).
/// Idempotent; also runs as a load-time constructor.
int verity_blas_load(void);

/// Why loading failed ("" when it did not).
const char *verity_blas_error(void);

/// The kernel family OpenBLAS runs ("Haswell", "Cooperlake", …), "" when not loaded.
const char *verity_blas_corename(void);

/// OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH …"), "" when not loaded.
const char *verity_blas_config(void);

/// The family Verity asked for ("Haswell", or "auto" for the library's own choice).
const char *verity_blas_requested(void);

/// Row-major single-precision GEMM: C[m,n] = alpha·op(A)·op(B) + beta·C (cblas_sgemm).
void verity_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc);

/// Row-major GEMV: y = alpha·op(A)·x + beta·y (cblas_sgemv, unit strides).
void verity_sgemv(int trans, int m, int n, float alpha, const float *a, int lda, const float *x,
                  float beta, float *y);

void verity_blas_set_threads(int n);
int verity_blas_get_threads(void);

#endif
