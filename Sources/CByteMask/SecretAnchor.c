#include "SecretAnchor.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Whether the `len` bytes ending before j are `word` (lowercase), ASCII
// letters in any case.
static int ends_with(const uint8_t *b, size_t j, const char *word, size_t len) {
    if (j < len) return 0;
    for (size_t k = 0; k < len; k++) if ((b[j - len + k] | 0x20) != (uint8_t)word[k]) return 0;
    return 1;
}

// Whether a secret name can end before the `:` or `=` at i, past blanks and
// one quote: one that ends with password, passwd, secret, token or key
// (api_key and the like end with key; client_secret with secret).
// `b` may be a text's escaped form (the redactor filters texts before
// unescaping them), where a tab is `\t` and a quote `\"`: both are
// passed over too (in a raw text that only lets more positions through).
static int after_secret_name(const uint8_t *b, size_t i) {
    for (;;) {
        if (i > 0 && (b[i - 1] == ' ' || b[i - 1] == '\t')) i--;
        else if (i > 1 && b[i - 1] == 't' && b[i - 2] == '\\') i -= 2;
        else break;
    }
    if (i > 0 && (b[i - 1] == '"' || b[i - 1] == '\'')) i -= (i > 1 && b[i - 2] == '\\') ? 2 : 1;
    return ends_with(b, i, "key", 3) || ends_with(b, i, "token", 5) || ends_with(b, i, "secret", 6)
        || ends_with(b, i, "passwd", 6) || ends_with(b, i, "password", 8);
}

static int is_local(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%'
        || c == '+' || c == '-';
}

// The byte at i + k, or 0 past the end (0 matches no test below).
static uint8_t at(const uint8_t *b, size_t n, size_t i, size_t k) { return i + k < n ? b[i + k] : 0; }
// The byte at i - k, or 0 before the start.
static uint8_t before(const uint8_t *b, size_t i, size_t k) { return i >= k ? b[i - k] : 0; }
static uint8_t folded(uint8_t c) { return c | 0x20; }

// Whether position i is an anchor: a byte every secret of a rule holds at a
// known place, with the neighbours every such secret has there (see the
// Swift `Redactor`, which tries the rules an anchor can belong to). Most
// `- _ : = @` of ordinary text and code, and most `gh` of English, fail here.
static int is_anchor(const uint8_t *b, size_t n, size_t i) {
    uint8_t c = b[i], p = before(b, i, 1), q = before(b, i, 2), next = at(b, n, i, 1);
    switch (c) {
    case '-':  // -----BEGIN, sk-
        return (next == '-' && i + 10 <= n && memcmp(b + i, "-----BEGIN", 10) == 0) || (p == 'k' && q == 's');
    case '_':  // sk_ / rk_, github_
        return (p == 'k' && (q == 's' || q == 'r')) || (p == 'b' && before(b, i, 6) == 'g');
    case ':':  // scheme://, name: value
        return next == '/' || after_secret_name(b, i);
    case '=':
        return after_secret_name(b, i);
    case '@':
        return is_local(p) && is_local(next) && next != '%' && next != '_' && next != '+';
    case 'J':  // eyJ
        return p == 'y' && q == 'e';
    case 'x':  // xox
        return p == 'o' && q == 'x';
    case 'h':  // gh[pousr]_
        return p == 'g' && (next == 'p' || next == 'o' || next == 'u' || next == 's' || next == 'r') && at(b, n, i, 2) == '_';
    case 'l':  // glpat-
        return p == 'g' && next == 'p';
    case 'K': case 'S': case 'B':  // AKIA, ASIA, ABIA
        return p == 'A' && next == 'I';
    case 'C':  // ACCA
        return p == 'A' && next == 'C';
    case 'I':  // AIza
        return p == 'A' && next == 'z';
    default:  // the last r of bearer, in any case
        return folded(c) == 'r' && folded(p) == 'e' && folded(q) == 'r' && folded(before(b, i, 3)) == 'a';
    }
}

#if defined(__SSE2__)
static __m128i eq(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }
static __m128i or3(__m128i a, __m128i b, __m128i c) { return _mm_or_si128(_mm_or_si128(a, b), c); }

// Bit k set where b[i + k] may be an anchor: each anchor byte with the
// neighbours `is_anchor` demands of it, as far as one compare of each
// neighbour can tell (a `_` after `k` or `b`, a `:` or `=` after the last
// letter of a secret name, a blank or a quote); `is_anchor` settles the
// rest. In code and logs `- _ : =` are common, and most fail here.
// Needs b[i - 2 ..< i + 17] readable.
static unsigned block_candidates(const uint8_t *b, size_t i) {
    const __m128i fold = _mm_set1_epi8(0x20);
    __m128i c = _mm_loadu_si128((const __m128i *)(b + i));
    __m128i p = _mm_loadu_si128((const __m128i *)(b + i - 1));
    __m128i q = _mm_loadu_si128((const __m128i *)(b + i - 2));
    __m128i next = _mm_loadu_si128((const __m128i *)(b + i + 1));
    __m128i pf = _mm_or_si128(p, fold);
    // -----BEGIN, sk-
    __m128i dash = _mm_and_si128(eq(c, '-'), _mm_or_si128(eq(next, '-'), _mm_and_si128(eq(p, 'k'), eq(q, 's'))));
    // sk_ rk_ github_
    __m128i underscore = _mm_and_si128(eq(c, '_'), _mm_or_si128(eq(p, 'k'), eq(p, 'b')));
    // A name ending in key, token, secret, passwd or password (any case), or
    // a blank or quote before the name's end (`'` and `"` hold the fold bit).
    __m128i named = _mm_or_si128(or3(eq(pf, 'y'), eq(pf, 'n'), eq(pf, 't')),
                                 or3(eq(pf, 'd'), eq(p, ' '), _mm_or_si128(eq(p, '\t'), _mm_or_si128(eq(p, '"'), eq(p, '\'')))));
    __m128i assignment = _mm_or_si128(_mm_and_si128(eq(c, ':'), _mm_or_si128(named, eq(next, '/'))),
                                      _mm_and_si128(eq(c, '='), named));
    __m128i single = or3(dash, underscore, _mm_or_si128(assignment, eq(c, '@')));
    __m128i aws = _mm_and_si128(eq(p, 'A'), or3(or3(eq(c, 'K'), eq(c, 'S'), eq(c, 'B')), eq(c, 'C'), eq(c, 'I')));
    __m128i git = _mm_and_si128(eq(p, 'g'), _mm_or_si128(eq(c, 'h'), eq(c, 'l')));
    __m128i jwt = _mm_and_si128(eq(c, 'J'), _mm_and_si128(eq(p, 'y'), eq(q, 'e')));
    __m128i xox = _mm_and_si128(eq(c, 'x'), _mm_and_si128(eq(p, 'o'), eq(q, 'x')));
    __m128i rer = _mm_and_si128(eq(_mm_or_si128(c, fold), 'r'), _mm_and_si128(eq(pf, 'e'), eq(_mm_or_si128(q, fold), 'r')));
    return (unsigned)_mm_movemask_epi8(or3(single, aws, or3(git, jwt, _mm_or_si128(xox, rer))));
}
#endif

size_t thresh_secret_anchor(const uint8_t *b, size_t n, size_t from) {
    size_t i = from;
#if defined(__SSE2__)
    for (; i < n && i < 2; i++) if (is_anchor(b, n, i)) return i;
    // safe: i >= 2 keeps the loads at i - 1 and i - 2 inside b, and
    // i + 17 <= n the load at i + 1.
    for (; i + 17 <= n; i += 16) {
        unsigned mask = block_candidates(b, i);
        while (mask) {
            size_t k = i + (size_t)__builtin_ctz(mask);
            if (is_anchor(b, n, k)) return k;
            mask &= mask - 1;
        }
    }
#endif
    for (; i < n; i++) if (is_anchor(b, n, i)) return i;
    return n;
}
