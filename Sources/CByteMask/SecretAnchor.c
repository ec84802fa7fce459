#include "SecretAnchor.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Whether position i (with i >= 2) is an anchor; the scalar twin of the
// block test below, used for the first two bytes and the tail.
static int is_anchor(const uint8_t *b, size_t i) {
    uint8_t c = b[i];
    if (c == '-' || c == '_' || c == ':' || c == '=' || c == '@') return 1;
    if (i < 1) return 0;
    uint8_t p = b[i - 1];
    if (p == 'A' && (c == 'K' || c == 'S' || c == 'B' || c == 'C' || c == 'I')) return 1;
    if (p == 'g' && (c == 'h' || c == 'l')) return 1;
    if (i < 2) return 0;
    uint8_t q = b[i - 2];
    if (c == 'J' && p == 'y' && q == 'e') return 1;
    if (c == 'x' && p == 'o' && q == 'x') return 1;
    if ((c | 0x20) == 'r' && (p | 0x20) == 'e' && (q | 0x20) == 'r') return 1;
    return 0;
}

size_t thresh_secret_anchor(const uint8_t *b, size_t n, size_t from) {
    size_t i = from;
    for (; i < n && i < 2; i++) if (is_anchor(b, i)) return i;
#if defined(__SSE2__)
    const __m128i dash = _mm_set1_epi8('-'), under = _mm_set1_epi8('_'), colon = _mm_set1_epi8(':');
    const __m128i equal = _mm_set1_epi8('='), at = _mm_set1_epi8('@'), fold = _mm_set1_epi8(0x20);
    const __m128i bigA = _mm_set1_epi8('A'), K = _mm_set1_epi8('K'), S = _mm_set1_epi8('S');
    const __m128i B = _mm_set1_epi8('B'), C = _mm_set1_epi8('C'), I = _mm_set1_epi8('I');
    const __m128i g = _mm_set1_epi8('g'), h = _mm_set1_epi8('h'), l = _mm_set1_epi8('l');
    const __m128i J = _mm_set1_epi8('J'), y = _mm_set1_epi8('y'), e = _mm_set1_epi8('e');
    const __m128i x = _mm_set1_epi8('x'), o = _mm_set1_epi8('o'), r = _mm_set1_epi8('r');
    // safe: i >= 2, so the loads at i - 1 and i - 2 stay inside b.
    for (; i + 16 <= n; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(b + i));
        __m128i p = _mm_loadu_si128((const __m128i *)(b + i - 1));
        __m128i q = _mm_loadu_si128((const __m128i *)(b + i - 2));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(c, dash), _mm_cmpeq_epi8(c, under)),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, colon), _mm_cmpeq_epi8(c, equal)), _mm_cmpeq_epi8(c, at)));
        __m128i aws = _mm_and_si128(_mm_cmpeq_epi8(p, bigA),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, K), _mm_cmpeq_epi8(c, S)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, B), _mm_cmpeq_epi8(c, C)), _mm_cmpeq_epi8(c, I))));
        __m128i git = _mm_and_si128(_mm_cmpeq_epi8(p, g), _mm_or_si128(_mm_cmpeq_epi8(c, h), _mm_cmpeq_epi8(c, l)));
        __m128i jwt = _mm_and_si128(_mm_cmpeq_epi8(c, J), _mm_and_si128(_mm_cmpeq_epi8(p, y), _mm_cmpeq_epi8(q, e)));
        __m128i xox = _mm_and_si128(_mm_cmpeq_epi8(c, x), _mm_and_si128(_mm_cmpeq_epi8(p, o), _mm_cmpeq_epi8(q, x)));
        __m128i rer = _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(c, fold), r),
            _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(p, fold), e), _mm_cmpeq_epi8(_mm_or_si128(q, fold), r)));
        hit = _mm_or_si128(_mm_or_si128(hit, aws), _mm_or_si128(_mm_or_si128(git, jwt), _mm_or_si128(xox, rer)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < n; i++) if (is_anchor(b, i)) return i;
    return n;
}
