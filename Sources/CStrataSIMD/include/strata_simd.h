// Float32 distance kernels with run-time CPU dispatch. Swift has no per-function target
// features, and a package must not set global ones (unsafeFlags), so a baseline build of the
// Swift kernels runs on 128-bit SSE. These C functions carry their own target attributes
// (AVX2 + FMA, AVX-512F) and pick the widest the CPU supports once, at first call; on other
// architectures they are portable C that the compiler vectorizes for the baseline.
#ifndef STRATA_SIMD_H
#define STRATA_SIMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Σ (a[i] − b[i])² over n floats, with the widest instructions the CPU has.
float strata_l2sq_f32(const float *a, const float *b, size_t n);

/// Σ a[i]·b[i] over n floats, with the widest instructions the CPU has.
float strata_dot_f32(const float *a, const float *b, size_t n);

/// Σ (a[i] − b[i])² and Σ a[i]·b[i] for float a and int8 b (each code its integer value).
float strata_l2sq_f32_i8(const float *a, const int8_t *b, size_t n);
float strata_dot_f32_i8(const float *a, const int8_t *b, size_t n);
float strata_l2sq_f32_i8_baseline(const float *a, const int8_t *b, size_t n);
float strata_dot_f32_i8_baseline(const float *a, const int8_t *b, size_t n);

/// The same sums with the baseline instructions only (for tests of the dispatch).
float strata_l2sq_f32_baseline(const float *a, const float *b, size_t n);
float strata_dot_f32_baseline(const float *a, const float *b, size_t n);

/// The instruction set in use: 0 baseline, 2 AVX2 + FMA, 3 AVX-512F.
int strata_simd_level(void);

/// Asks the CPU to start loading the `bytes` at `p` into its caches, one request per
/// 64-byte line, so that several cache misses overlap instead of following one another. A
/// hint only: it never faults, whatever `p` is.
static inline void strata_prefetch(const void *p, size_t bytes) {
    const char *line = (const char *)p;
    for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(line + offset, 0, 3);
}

#ifdef __cplusplus
}
#endif

#endif
