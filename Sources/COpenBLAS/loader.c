// See COpenBLAS.h: OpenBLAS loaded at run time with a pinned kernel family.
#define _GNU_SOURCE
#include "COpenBLAS.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*string_fn)(void);

static void *library;
static sgemm_fn p_sgemm;
static sgemv_fn p_sgemv;
static set_threads_fn p_set_threads;
static get_threads_fn p_get_threads;
static string_fn p_corename, p_config;
static char error_text[512];
static char requested[64] = "Haswell";
static int tried;

static int cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int verity_blas_load(void) {
    if (library) return 0;
    if (tried) return -1;
    tried = 1;
    const char *want = getenv("VERITY_BLAS_CORETYPE");
    if (want && *want) snprintf(requested, sizeof requested, "%s", want);
    else if (!cpu_has_avx2_fma()) snprintf(requested, sizeof requested, "auto");
    // OpenBLAS reads OPENBLAS_CORETYPE once, while it loads; put the caller's value back afterwards.
    const char *old = getenv("OPENBLAS_CORETYPE");
    char *saved = old ? strdup(old) : NULL;
    int forced = strcmp(requested, "auto") != 0;
    if (forced) setenv("OPENBLAS_CORETYPE", requested, 1);
    const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    for (int i = 0; i < 3 && !library; i++) library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (forced) {
        if (saved) setenv("OPENBLAS_CORETYPE", saved, 1);
        else unsetenv("OPENBLAS_CORETYPE");
    }
    free(saved);
    if (!library) {
        const char *why = dlerror();
        snprintf(error_text, sizeof error_text,
                 "cannot load OpenBLAS (%s) — install it with: apt-get install libopenblas-dev", why ? why : "not found");
        return -1;
    }
    p_sgemm = (sgemm_fn)dlsym(library, "cblas_sgemm");
    p_sgemv = (sgemv_fn)dlsym(library, "cblas_sgemv");
    p_set_threads = (set_threads_fn)dlsym(library, "openblas_set_num_threads");
    p_get_threads = (get_threads_fn)dlsym(library, "openblas_get_num_threads");
    p_corename = (string_fn)dlsym(library, "openblas_get_corename");
    p_config = (string_fn)dlsym(library, "openblas_get_config");
    if (!p_sgemm || !p_sgemv || !p_set_threads || !p_get_threads || !p_corename || !p_config) {
        snprintf(error_text, sizeof error_text, "the OpenBLAS library found lacks cblas_sgemm or openblas_get_corename");
        dlclose(library);
        library = NULL;
        return -1;
    }
    return 0;
}

__attribute__((constructor)) static void verity_blas_constructor(void) { (void)verity_blas_load(); }

const char *verity_blas_error(void) { return error_text; }
const char *verity_blas_corename(void) { return library ? p_corename() : ""; }
const char *verity_blas_config(void) { return library ? p_config() : ""; }
const char *verity_blas_requested(void) { return requested; }

// Callers check verity_blas_load() at start-up (the `verity` executable refuses to start without
// OpenBLAS), so these never run without a library; the guard keeps a test binary from jumping to 0.
void verity_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc) {
    if (verity_blas_load() != 0) abort();
    p_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void verity_sgemv(int trans, int m, int n, float alpha, const float *a, int lda, const float *x, float beta,
                  float *y) {
    if (verity_blas_load() != 0) abort();
    p_sgemv(RowMajor, trans ? Trans : NoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
}

void verity_blas_set_threads(int n) {
    if (verity_blas_load() == 0) p_set_threads(n);
}

int verity_blas_get_threads(void) { return verity_blas_load() == 0 ? p_get_threads() : 1; }
