// One CPU instruction Swift's SIMD types do not expose: the movemask that
// turns a 16-byte comparison result into a 16-bit integer (bit k = lane k's
// high bit). The JSON tokenizer's string scan works on these bit masks.
// `static inline`, so the Swift compiler inlines it into the loop.
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

#endif
