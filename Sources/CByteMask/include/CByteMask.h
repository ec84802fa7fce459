// Two byte primitives Swift does not expose. One CPU instruction Swift's SIMD
// types lack: the movemask that turns a 16-byte comparison result into a
// 16-bit integer (bit k = lane k's high bit); the JSON tokenizer's string
// scan works on these bit masks. And glibc's memrchr (below). Both
// `static inline`, so the Swift compiler inlines them.
#ifndef CBYTEMASK_H
#define CBYTEMASK_H

#include <stdint.h>

/// Imported into Swift as SIMD16<UInt8>.
typedef uint8_t thresh_bytes16 __attribute__((ext_vector_type(16)));

#if defined(__SSE2__)
#include <emmintrin.h>
static inline uint32_t thresh_movemask(thresh_bytes16 v) {
    return (uint32_t)_mm_movemask_epi8((__m128i)v);
}
#else
static inline uint32_t thresh_movemask(thresh_bytes16 v) {
    uint32_t bits = 0;
    for (int k = 0; k < 16; k++) bits |= (uint32_t)(v[k] >> 7) << k;
    return bits;
}
#endif

// The last occurrence of byte `c` in `s[0..<n]`: glibc's memrchr, a GNU
// extension the Swift Glibc module does not declare; a byte loop elsewhere.
// The line reader uses it to find where the whole lines of a read end.
#include <string.h>
#if defined(__GLIBC__)
void *memrchr(const void *s, int c, size_t n);
static inline const void *thresh_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}
#else
static inline const void *thresh_memrchr(const void *s, int c, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    while (n > 0) {
        n--;
        if (p[n] == (unsigned char)c) return p + n;
    }
    return NULL;
}
#endif

#include "SecretAnchor.h"

#endif
