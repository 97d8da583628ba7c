#include "strata_simd.h"

// Baseline: four independent partial sums so the compiler can keep them in vector lanes.
float strata_l2sq_f32_baseline(const float *a, const float *b, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    for (; i < n; i++) { float d = a[i] - b[i]; s0 += d * d; }
    return (s0 + s2) + (s1 + s3);
}

float strata_l2sq_f32_i8_baseline(const float *a, const int8_t *b, size_t n) {
    float sum = 0;
    for (size_t i = 0; i < n; i++) {
        float d = a[i] - (float)b[i];
        sum += d * d;
    }
    return sum;
}

float strata_dot_f32_i8_baseline(const float *a, const int8_t *b, size_t n) {
    float sum = 0;
    for (size_t i = 0; i < n; i++) sum += a[i] * (float)b[i];
    return sum;
}

float strata_dot_f32_baseline(const float *a, const float *b, size_t n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s2) + (s1 + s3);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static float l2sq_avx2(const float *a, const float *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        acc0 = _mm256_fmadd_ps(d0, d0, acc0);
        acc1 = _mm256_fmadd_ps(d1, d1, acc1);
    }
    if (i + 8 <= n) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        acc0 = _mm256_fmadd_ps(d, d, acc0);
        i += 8;
    }
    float sum = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) { float d = a[i] - b[i]; sum += d * d; }
    return sum;
}

__attribute__((target("avx2,fma")))
static float dot_avx2(const float *a, const float *b, size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    if (i + 8 <= n) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        i += 8;
    }
    float sum = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

// AVX-512: the tail is one masked load, so no scalar loop at all.
__attribute__((target("avx512f")))
static float l2sq_avx512(const float *a, const float *b, size_t n) {
    __m512 acc = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
        acc = _mm512_fmadd_ps(d, d, acc);
    }
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1);
        __m512 d = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i));
        acc = _mm512_fmadd_ps(d, d, acc);
    }
    return _mm512_reduce_add_ps(acc);
}

__attribute__((target("avx512f")))
static float dot_avx512(const float *a, const float *b, size_t n) {
    __m512 acc = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc);
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

// float × int8: each 16 codes widened to 32-bit integers, then to floats, in registers.
__attribute__((target("avx2,fma")))
static float l2sq_i8_avx2(const float *a, const int8_t *b, size_t n) {
    __m256 acc = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i))));
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(a + i), v);
        acc = _mm256_fmadd_ps(d, d, acc);
    }
    float sum = hsum256(acc);
    for (; i < n; i++) {
        float d = a[i] - (float)b[i];
        sum += d * d;
    }
    return sum;
}

__attribute__((target("avx2,fma")))
static float dot_i8_avx2(const float *a, const int8_t *b, size_t n) {
    __m256 acc = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i))));
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), v, acc);
    }
    float sum = hsum256(acc);
    for (; i < n; i++) sum += a[i] * (float)b[i];
    return sum;
}

__attribute__((target("avx512f")))
static float l2sq_i8_avx512(const float *a, const int8_t *b, size_t n) {
    __m512 acc = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + i))));
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(a + i), v);
        acc = _mm512_fmadd_ps(d, d, acc);
    }
    float sum = _mm512_reduce_add_ps(acc);
    for (; i < n; i++) {
        float d = a[i] - (float)b[i];
        sum += d * d;
    }
    return sum;
}

__attribute__((target("avx512f")))
static float dot_i8_avx512(const float *a, const int8_t *b, size_t n) {
    __m512 acc = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + i))));
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), v, acc);
    }
    float sum = _mm512_reduce_add_ps(acc);
    for (; i < n; i++) sum += a[i] * (float)b[i];
    return sum;
}

static int detect_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
    return 0;
}
#else
static int detect_level(void) { return 0; }
#endif

// -1 until the first call; every thread computes the same value, so a race is harmless.
static volatile int cached_level = -1;

int strata_simd_level(void) {
    int level = cached_level;
    if (level < 0) {
        level = detect_level();
        cached_level = level;
    }
    return level;
}

float strata_l2sq_f32(const float *a, const float *b, size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (strata_simd_level()) {
    case 3: return l2sq_avx512(a, b, n);
    case 2: return l2sq_avx2(a, b, n);
    default: break;
    }
#endif
    return strata_l2sq_f32_baseline(a, b, n);
}

float strata_dot_f32(const float *a, const float *b, size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (strata_simd_level()) {
    case 3: return dot_avx512(a, b, n);
    case 2: return dot_avx2(a, b, n);
    default: break;
    }
#endif
    return strata_dot_f32_baseline(a, b, n);
}

float strata_l2sq_f32_i8(const float *a, const int8_t *b, size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (strata_simd_level()) {
    case 3: return l2sq_i8_avx512(a, b, n);
    case 2: return l2sq_i8_avx2(a, b, n);
    default: break;
    }
#endif
    return strata_l2sq_f32_i8_baseline(a, b, n);
}

float strata_dot_f32_i8(const float *a, const int8_t *b, size_t n) {
#if defined(__x86_64__) || defined(__i386__)
    switch (strata_simd_level()) {
    case 3: return dot_i8_avx512(a, b, n);
    case 2: return dot_i8_avx2(a, b, n);
    default: break;
    }
#endif
    return strata_dot_f32_i8_baseline(a, b, n);
}
