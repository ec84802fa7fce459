#include "SecretAnchor.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
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

#if defined(__x86_64__)
typedef uint8_t bytes16 __attribute__((vector_size(16)));
typedef int8_t lanes16 __attribute__((vector_size(16)));
typedef uint8_t bytes32 __attribute__((vector_size(32)));
typedef int8_t lanes32 __attribute__((vector_size(32)));

// Lane k true where the byte c[k] may be an anchor, given the bytes before
// it (p, q) and after it (next): each anchor byte with the neighbours
// `is_anchor` demands of it, as far as one compare of each neighbour can
// tell (a `_` after `k` or `b`, a `:` or `=` after the last letter of a
// secret name, a blank or a quote); `is_anchor` settles the rest. In code
// and logs `- _ : =` are common, and most fail here. Written once for both
// vector widths (SSE2 everywhere, AVX2 where the CPU has it).
#define DEFINE_CANDIDATE_LANES(NAME, BYTES, LANES, ATTRIBUTES)                                        \
    ATTRIBUTES static LANES NAME(BYTES c, BYTES p, BYTES q, BYTES next) {                              \
        BYTES pf = p | 0x20;                                                                           \
        /* -----BEGIN, sk- */                                                                          \
        LANES dash = (c == '-') & ((next == '-') | ((p == 'k') & (q == 's')));                         \
        /* sk_ rk_ github_ */                                                                          \
        LANES underscore = (c == '_') & ((p == 'k') | (p == 'b'));                                     \
        /* A name ending in key, token, secret, passwd or password (any case), or a blank or a        \
           quote before the name's end (`'` and `"` hold the fold bit). */                             \
        LANES named = (pf == 'y') | (pf == 'n') | (pf == 't') | (pf == 'd') | (p == ' ') | (p == '\t') \
            | (p == '"') | (p == '\'');                                                               \
        LANES assignment = ((c == ':') & (named | (next == '/'))) | ((c == '=') & named);              \
        LANES single = dash | underscore | assignment | (c == '@');                                    \
        LANES aws = (p == 'A') & ((c == 'K') | (c == 'S') | (c == 'B') | (c == 'C') | (c == 'I'));     \
        LANES git = (p == 'g') & ((c == 'h') | (c == 'l'));                                            \
        LANES jwt = (c == 'J') & (p == 'y') & (q == 'e');                                              \
        LANES xox = (c == 'x') & (p == 'o') & (q == 'x');                                              \
        LANES rer = ((c | 0x20) == 'r') & (pf == 'e') & ((q | 0x20) == 'r');                           \
        return single | aws | git | jwt | xox | rer;                                                   \
    }

DEFINE_CANDIDATE_LANES(candidate_lanes16, bytes16, lanes16, )
DEFINE_CANDIDATE_LANES(candidate_lanes32, bytes32, lanes32, __attribute__((target("avx2"))))

// Bit k set where b[i + k] may be an anchor. Needs b[i - 2 ..< i + 17]
// readable (i + 33 for the 32-byte one).
static uint32_t block_candidates16(const uint8_t *b, size_t i) {
    bytes16 c, p, q, next;
    memcpy(&c, b + i, 16), memcpy(&p, b + i - 1, 16), memcpy(&q, b + i - 2, 16), memcpy(&next, b + i + 1, 16);
    return (uint32_t)_mm_movemask_epi8((__m128i)candidate_lanes16(c, p, q, next));
}

__attribute__((target("avx2"))) static uint32_t block_candidates32(const uint8_t *b, size_t i) {
    bytes32 c, p, q, next;
    memcpy(&c, b + i, 32), memcpy(&p, b + i - 1, 32), memcpy(&q, b + i - 2, 32), memcpy(&next, b + i + 1, 32);
    return (uint32_t)_mm256_movemask_epi8((__m256i)candidate_lanes32(c, p, q, next));
}

// The first anchor in whole blocks of `width` bytes from *i (>= 2), as long
// as a block and the byte after it fit in b; n when there is none, with *i
// where the blocks stopped.
#define SCAN_BLOCKS(BLOCK, WIDTH)                                               \
    for (; *i + (WIDTH) + 1 <= n; *i += (WIDTH)) {                              \
        uint32_t mask = BLOCK(b, *i);                                           \
        while (mask) {                                                          \
            size_t k = *i + (size_t)__builtin_ctz(mask);                        \
            if (is_anchor(b, n, k)) return k;                                   \
            mask &= mask - 1;                                                   \
        }                                                                       \
    }                                                                           \
    return n;

static size_t scan_blocks16(const uint8_t *b, size_t n, size_t *i) { SCAN_BLOCKS(block_candidates16, 16) }
__attribute__((target("avx2"))) static size_t scan_blocks32(const uint8_t *b, size_t n, size_t *i) {
    SCAN_BLOCKS(block_candidates32, 32)
}

// Whether the CPU and the OS support AVX2 (CPUID leaf 7, and the XMM and
// YMM state enabled in XCR0), asked once; threads racing here store the
// same answer.
static int has_avx2(void) {
    static int known = -1;
    int answer = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (answer < 0) {
        unsigned a, b, c, d, xcr0 = 0, high;
        int avx2 = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
        int osxsave = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE);
        if (osxsave) __asm__("xgetbv" : "=a"(xcr0), "=d"(high) : "c"(0));
        answer = avx2 && osxsave && (xcr0 & 6) == 6;
        __atomic_store_n(&known, answer, __ATOMIC_RELAXED);
    }
    return answer;
}
#endif

size_t thresh_secret_anchor_width(const uint8_t *b, size_t n, size_t from, int width) {
    size_t i = from;
#if defined(__x86_64__)
    if (width >= 16) {
        for (; i < n && i < 2; i++) if (is_anchor(b, n, i)) return i;
        // safe: i >= 2 keeps the loads at i - 1 and i - 2 inside b, and the
        // loops bound the load at i + 1.
        size_t found = width >= 32 && has_avx2() ? scan_blocks32(b, n, &i) : n;
        if (found == n) found = scan_blocks16(b, n, &i);
        if (found < n) return found;
    }
#else
    (void)width;
#endif
    for (; i < n; i++) if (is_anchor(b, n, i)) return i;
    return n;
}

size_t thresh_secret_anchor(const uint8_t *b, size_t n, size_t from) { return thresh_secret_anchor_width(b, n, from, 32); }
