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

// Whether the byte before a `:` or `=` (past blanks and one quote) can end
// a secret name: password, passwd, secret, token and *key end in d, t, n, y.
static int after_secret_name(const uint8_t *b, size_t i) {
    while (i > 0 && (b[i - 1] == ' ' || b[i - 1] == '\t')) i--;
    if (i > 0 && (b[i - 1] == '"' || b[i - 1] == '\'')) i--;
    if (i == 0) return 0;
    uint8_t c = b[i - 1] | 0x20;
    return c == 'd' || c == 't' || c == 'n' || c == 'y';
}

static int is_local(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%'
        || c == '+' || c == '-';
}

// A cheap necessary condition for the single-byte anchors, so most of the
// `- _ : = @` of ordinary text and code are passed over here. Every rule an
// anchor can belong to needs what is tested (see the Swift `Redactor`).
static int worth_checking(const uint8_t *b, size_t n, size_t i) {
    switch (b[i]) {
    case '-':  // -----BEGIN, sk-
        return (i + 1 < n && b[i + 1] == '-') || (i >= 2 && b[i - 1] == 'k' && b[i - 2] == 's');
    case '_':  // sk_ / rk_, github_
        return (i >= 2 && b[i - 1] == 'k' && (b[i - 2] == 's' || b[i - 2] == 'r')) || (i >= 6 && b[i - 1] == 'b' && b[i - 6] == 'g');
    case ':':  // scheme://, name: value
        return (i + 1 < n && b[i + 1] == '/') || after_secret_name(b, i);
    case '=':
        return after_secret_name(b, i);
    case '@':
        return i > 0 && is_local(b[i - 1]) && i + 1 < n && (is_local(b[i + 1]) && b[i + 1] != '%' && b[i + 1] != '_' && b[i + 1] != '+');
    default:
        return 1;
    }
}

size_t thresh_secret_anchor(const uint8_t *b, size_t n, size_t from) {
    size_t i = from;
    for (; i < n && i < 2; i++) if (is_anchor(b, i) && worth_checking(b, n, i)) return i;
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
        while (mask) {
            size_t at = i + (size_t)__builtin_ctz(mask);
            if (worth_checking(b, n, at)) return at;
            mask &= mask - 1;
        }
    }
#endif
    for (; i < n; i++) if (is_anchor(b, i) && worth_checking(b, n, i)) return i;
    return n;
}
