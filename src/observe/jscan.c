/* jscan.c - the validating JSON line scanner (see jscan.h): RFC 8259 grammar, UTF-8 in
 * strings (no overlongs, surrogates or code points above U+10FFFF), escapes including
 * \u surrogate pairs, nesting up to JSCAN_DEPTH_MAX. Strings are scanned eight bytes at
 * a time: quote, backslash, control and non-ASCII bytes are found with word arithmetic
 * (the lowest flagged byte of each test is exact), everything else is skipped. */
#include "observe/jscan.h"

#include <string.h>

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

struct sc {
    const uint8_t *p, *end, *base;
    const uint8_t *at; /* where the error is */
    const char *why;
    struct jscan_val *vals;
    size_t nvals;
};

static bool fail(struct sc *s, const uint8_t *at, const char *why)
{
    s->at = at;
    s->why = why;
    return false;
}

static inline void ws(struct sc *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* A mask whose lowest set high bit marks the first byte of x (little-endian) that is a
 * quote, a backslash, below 0x20 or above 0x7f. */
static inline uint64_t specials(uint64_t x)
{
    uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - ONES * 0x20) & ~x) | x) & HIGHS;
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t x;

    memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* Length of the valid UTF-8 sequence at p (first byte >= 0x80), 0 when invalid. */
static size_t utf8_len(const uint8_t *p, const uint8_t *end)
{
    uint8_t c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The 4 hex digits at p (p + 4 <= end checked by the caller), or -1. */
static long hex4(const uint8_t *p)
{
    long v = 0;

    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* The escape at p (p[0] == '\\'): its length in the input, with *cp the code point. */
static size_t escape(struct sc *s, const uint8_t *p, uint32_t *cp)
{
    long u, l;

    if (s->end - p < 2)
        return fail(s, p, "truncated escape"), 0;
    switch (p[1]) {
    case '"':
        *cp = '"';
        return 2;
    case '\\':
        *cp = '\\';
        return 2;
    case '/':
        *cp = '/';
        return 2;
    case 'b':
        *cp = '\b';
        return 2;
    case 'f':
        *cp = '\f';
        return 2;
    case 'n':
        *cp = '\n';
        return 2;
    case 'r':
        *cp = '\r';
        return 2;
    case 't':
        *cp = '\t';
        return 2;
    case 'u':
        break;
    default:
        return fail(s, p, "invalid escape"), 0;
    }
    if (s->end - p < 6 || (u = hex4(p + 2)) < 0)
        return fail(s, p, "invalid \\u escape"), 0;
    if (u >= 0xdc00 && u <= 0xdfff)
        return fail(s, p, "lone low surrogate"), 0;
    if (u < 0xd800 || u > 0xdbff) {
        *cp = (uint32_t)u;
        return 6;
    }
    if (s->end - p < 12 || p[6] != '\\' || p[7] != 'u' || (l = hex4(p + 8)) < 0xdc00 || l > 0xdfff)
        return fail(s, p, "high surrogate without its low half"), 0;
    *cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) + ((uint32_t)l - 0xdc00);
    return 12;
}

/* A string: s->p is just past the opening quote; leaves s->p past the closing one. */
static bool string(struct sc *s, bool *esc)
{
    const uint8_t *p = s->p, *end = s->end;
    uint32_t cp;
    size_t k;

    *esc = false;
    for (;;) {
        while (end - p >= 8) {
            uint64_t m = specials(load64(p));
            if (m != 0) {
                p += __builtin_ctzll(m) >> 3;
                break;
            }
            p += 8;
        }
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p >= end)
            return fail(s, p, "unterminated string");
        if (*p == '"') {
            s->p = p + 1;
            return true;
        }
        if (*p == '\\') {
            if ((k = escape(s, p, &cp)) == 0)
                return false;
            *esc = true;
            p += k;
        } else if (*p < 0x20) {
            return fail(s, p, "control character in string");
        } else {
            if ((k = utf8_len(p, end)) == 0)
                return fail(s, p, "invalid UTF-8");
            p += k;
        }
    }
}

static bool digits(struct sc *s)
{
    const uint8_t *p0 = s->p;

    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > p0 || fail(s, s->p, "invalid number");
}

static bool number(struct sc *s)
{
    if (*s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!digits(s))
        return false;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!digits(s))
            return false;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!digits(s))
            return false;
    }
    return true;
}

static bool literal(struct sc *s, const char *word, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, s->p, "invalid literal");
    s->p += n;
    return true;
}

static const struct jscan_key *find(const struct jscan_keys *t, const uint8_t *k, size_t n,
                                    bool esc)
{
    char buf[64];
    struct jscan_val v = {(const char *)k, (uint32_t)n, JS_STR, esc};

    if (t == NULL)
        return NULL;
    if (esc) { /* rare: compare the key's text */
        n = jscan_unescape(&v, buf, sizeof(buf));
        if (n == SIZE_MAX)
            return NULL;
        k = (const uint8_t *)buf;
    }
    for (uint32_t i = 0; i < t->n; i++)
        if (t->k[i].len == n && memcmp(t->k[i].name, k, n) == 0)
            return &t->k[i];
    return NULL;
}

static bool value(struct sc *s, const struct jscan_key *k, int depth);

/* An object at s->p ('{'); t: the keys wanted inside it (NULL: none). */
static bool object(struct sc *s, const struct jscan_keys *t, int depth)
{
    if (depth >= JSCAN_DEPTH_MAX)
        return fail(s, s->p, "nested too deep");
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return true;
    }
    for (;;) {
        const uint8_t *k0 = s->p + 1;
        bool esc;
        if (s->p >= s->end || *s->p != '"')
            return fail(s, s->p, "expected a key");
        s->p++;
        if (!string(s, &esc))
            return false;
        const struct jscan_key *k = find(t, k0, (size_t)(s->p - 1 - k0), esc);
        ws(s);
        if (s->p >= s->end || *s->p != ':')
            return fail(s, s->p, "expected ':'");
        s->p++;
        ws(s);
        if (!value(s, k, depth + 1))
            return false;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return true;
        }
        return fail(s, s->p, "expected ',' or '}'");
    }
}

/* An array at s->p ('['); k: a key with `sub`, applied to each object element. */
static bool array(struct sc *s, const struct jscan_key *k, int depth)
{
    if (depth >= JSCAN_DEPTH_MAX)
        return fail(s, s->p, "nested too deep");
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return true;
    }
    for (;;) {
        if (!value(s, k, depth + 1))
            return false;
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return true;
        }
        return fail(s, s->p, "expected ',' or ']'");
    }
}

static void capture(struct sc *s, const struct jscan_key *k, const uint8_t *from, const uint8_t *to,
                    uint8_t type, bool esc)
{
    struct jscan_val *v;

    if (k == NULL || k->sub != NULL || k->id >= s->nvals)
        return;
    v = &s->vals[k->id];
    if (v->type != JS_NONE) /* the first occurrence wins */
        return;
    *v = (struct jscan_val){(const char *)from, (uint32_t)(to - from), type, esc};
}

/* A value at s->p; k: the key it belongs to (NULL: not wanted). */
static bool value(struct sc *s, const struct jscan_key *k, int depth)
{
    const uint8_t *v0 = s->p;
    bool esc = false, ok;
    uint8_t type;

    if (s->p >= s->end)
        return fail(s, s->p, "expected a value");
    switch (*s->p) {
    case '"':
        s->p++;
        if (!string(s, &esc))
            return false;
        capture(s, k, v0 + 1, s->p - 1, JS_STR, esc);
        return true;
    case '{':
        ok = object(s, k != NULL ? k->sub : NULL, depth);
        type = JS_OBJ;
        break;
    case '[':
        ok = array(s, k != NULL && k->sub != NULL ? k : NULL, depth);
        type = JS_ARR;
        break;
    case 't':
        ok = literal(s, "true", 4);
        type = JS_TRUE;
        break;
    case 'f':
        ok = literal(s, "false", 5);
        type = JS_FALSE;
        break;
    case 'n':
        ok = literal(s, "null", 4);
        type = JS_NULL;
        break;
    default:
        if (*s->p != '-' && (*s->p < '0' || *s->p > '9'))
            return fail(s, s->p, "expected a value");
        ok = number(s);
        type = JS_NUM;
        break;
    }
    if (ok)
        capture(s, k, v0, s->p, type, false);
    return ok;
}

bool jscan_object(const char *p, size_t n, const struct jscan_keys *root, struct jscan_val *vals,
                  size_t nvals, size_t *err_off, const char **reason)
{
    struct sc s = {
        (const uint8_t *)p, (const uint8_t *)p + n, (const uint8_t *)p, NULL, NULL, vals, nvals};

    memset(vals, 0, nvals * sizeof(*vals));
    ws(&s);
    if (s.p >= s.end || *s.p != '{')
        fail(&s, s.p, "not a JSON object");
    else if (object(&s, root, 0)) {
        ws(&s);
        if (s.p == s.end)
            return true;
        fail(&s, s.p, "text after the object");
    }
    *err_off = (size_t)(s.at - s.base);
    *reason = s.why;
    memset(vals, 0, nvals * sizeof(*vals));
    return false;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t jscan_unescape(const struct jscan_val *v, char *out, size_t cap)
{
    const uint8_t *p = (const uint8_t *)v->p, *end = p + v->len;
    struct sc s = {p, end, p, NULL, NULL, NULL, 0};
    size_t o = 0;

    if (!v->esc) {
        if (v->len > cap)
            return SIZE_MAX;
        memcpy(out, v->p, v->len);
        return v->len;
    }
    while (p < end) {
        uint32_t cp;
        size_t k;
        if (*p != '\\') {
            if (o >= cap)
                return SIZE_MAX;
            out[o++] = (char)*p++;
            continue;
        }
        k = escape(&s, p, &cp);
        if (k == 0 || cap - o < (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u))
            return SIZE_MAX;
        o += put_utf8(out + o, cp);
        p += k;
    }
    return o;
}

bool jscan_u64(const struct jscan_val *v, uint64_t *out)
{
    uint64_t x = 0;

    if (v->type != JS_NUM || v->len == 0 || v->len > 20)
        return false;
    for (uint32_t i = 0; i < v->len; i++) {
        uint8_t c = (uint8_t)v->p[i];
        if (c < '0' || c > '9' || x > (UINT64_MAX - (c - '0')) / 10)
            return false;
        x = x * 10 + (c - '0');
    }
    *out = x;
    return true;
}
