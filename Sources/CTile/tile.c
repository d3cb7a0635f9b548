// See CTile.h.
#include "CTile.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2"))) static void store_avx2(const float *tile, int tileRows, int cols, int rows, float *y,
                                                       long ldy, int accumulate) {
    int j = 0;
    int fullRows = rows - rows % 8;
    for (; j + 8 <= cols; j += 8) {
        for (int r0 = 0; r0 < fullRows; r0 += 8) {
            __m256 v0 = _mm256_loadu_ps(tile + (j + 0) * tileRows + r0);
            __m256 v1 = _mm256_loadu_ps(tile + (j + 1) * tileRows + r0);
            __m256 v2 = _mm256_loadu_ps(tile + (j + 2) * tileRows + r0);
            __m256 v3 = _mm256_loadu_ps(tile + (j + 3) * tileRows + r0);
            __m256 v4 = _mm256_loadu_ps(tile + (j + 4) * tileRows + r0);
            __m256 v5 = _mm256_loadu_ps(tile + (j + 5) * tileRows + r0);
            __m256 v6 = _mm256_loadu_ps(tile + (j + 6) * tileRows + r0);
            __m256 v7 = _mm256_loadu_ps(tile + (j + 7) * tileRows + r0);
            __m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);
            __m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);
            __m256 t4 = _mm256_unpacklo_ps(v4, v5), t5 = _mm256_unpackhi_ps(v4, v5);
            __m256 t6 = _mm256_unpacklo_ps(v6, v7), t7 = _mm256_unpackhi_ps(v6, v7);
            __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            __m256 o[8];
            o[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
            o[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
            o[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
            o[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
            o[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
            o[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
            o[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
            o[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
            for (int i = 0; i < 8; i++) {
                float *dst = y + (long)(r0 + i) * ldy + j;
                if (accumulate) o[i] = _mm256_add_ps(_mm256_loadu_ps(dst), o[i]);
                _mm256_storeu_ps(dst, o[i]);
            }
        }
        for (int r = fullRows; r < rows; r++) {
            float *dst = y + (long)r * ldy + j;
            for (int c = 0; c < 8; c++) dst[c] = accumulate ? dst[c] + tile[(j + c) * tileRows + r] : tile[(j + c) * tileRows + r];
        }
    }
    for (; j < cols; j++)
        for (int r = 0; r < rows; r++) {
            float *dst = y + (long)r * ldy + j;
            *dst = accumulate ? *dst + tile[j * tileRows + r] : tile[j * tileRows + r];
        }
}
#endif

void verity_tile_store(const float *tile, int tileRows, int cols, int rows, float *y, long ldy, int accumulate) {
#if defined(__x86_64__)
    static int avx2 = -1;
    if (avx2 < 0) { __builtin_cpu_init(); avx2 = __builtin_cpu_supports("avx2") ? 1 : 0; }
    if (avx2) { store_avx2(tile, tileRows, cols, rows, y, ldy, accumulate); return; }
#endif
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            float *dst = y + (long)r * ldy + j;
            *dst = accumulate ? *dst + tile[j * tileRows + r] : tile[j * tileRows + r];
        }
}
