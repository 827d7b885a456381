/* canon_url.c - Safe Browsing URL canonicalisation (Update API v4 "URLs and Hashing",
 * with the bracketed-IPv6 host rules of the later reference text); docs/indicators.md
 * lists the exact steps. The work happens in fixed stack buffers of IOC_VALUE_MAX
 * bytes: no allocation, except libidn2's result for a host label that is not ASCII.
 *
 * Steps: cut the fragment, drop TAB/CR/LF, trim C0 controls and spaces at both ends,
 * percent-unescape until no escape is left, split scheme / authority / path / query,
 * canonicalise the host (userinfo and port dropped, IDNA, dots, IPv4 forms, lowercase)
 * and the path (dot segments, slash runs), then escape bytes <= 0x20, >= 0x7f, '#'
 * and '%' as %XX with uppercase hex. */
#include "ioc/ioc_int.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <string.h>

#define HOST_MAX (IOC_VALUE_MAX * 2)

/* The parts of an unescaped URL, as spans into the work buffer. */
struct url_parts {
    const char *scheme, *auth, *path, *query;
    size_t scheme_n, auth_n, path_n, query_n;
    bool has_query;
};

/* Output writer: counts every byte, stores what fits. */
struct wr {
    char *out;
    size_t cap, n;
};

static void wr_byte(struct wr *w, char c)
{
    if (w->n + 1 < w->cap)
        w->out[w->n] = c;
    w->n++;
}

static void wr_raw(struct wr *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wr_byte(w, s[i]);
}

/* Writes s[0..n) escaping bytes <= 0x20, >= 0x7f, '#' and '%'. */
static void wr_esc(struct wr *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f || c == '#' || c == '%') {
            wr_byte(w, '%');
            wr_byte(w, hex[c >> 4]);
            wr_byte(w, hex[c & 15]);
        } else {
            wr_byte(w, (char)c);
        }
    }
}

/* Copies in[0..len) to a without the fragment and TAB/CR/LF, trimmed of bytes <= 0x20
 * at both ends. Returns the length. */
static size_t strip_input(const char *in, size_t len, char *a)
{
    const char *hash = memchr(in, '#', len);
    size_t n = 0, start = 0;

    if (hash != NULL)
        len = (size_t)(hash - in);
    for (size_t i = 0; i < len; i++)
        if (in[i] != '\t' && in[i] != '\r' && in[i] != '\n')
            a[n++] = in[i];
    while (n > 0 && (unsigned char)a[n - 1] <= 0x20)
        n--;
    while (start < n && (unsigned char)a[start] <= 0x20)
        start++;
    memmove(a, a + start, n - start);
    return n - start;
}

/* Percent-unescapes s[0..n) in place until no "%XX" is left: decoded bytes are pushed
 * on the output and the tail is re-examined, which reaches the same fixed point as
 * repeated passes in linear time. Returns the new length. */
static size_t unescape(char *s, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        s[o++] = s[i];
        while (o >= 3 && s[o - 3] == '%' && ioc_hexval((unsigned char)s[o - 2]) >= 0 &&
               ioc_hexval((unsigned char)s[o - 1]) >= 0) {
            s[o - 3] = (char)(ioc_hexval((unsigned char)s[o - 2]) << 4 |
                              ioc_hexval((unsigned char)s[o - 1]));
            o -= 2;
        }
    }
    return o;
}

/* Length of a scheme at s ([A-Za-z][A-Za-z0-9+.-]*) followed by "://", or 0. */
static size_t scheme_len(const char *s, size_t n)
{
    size_t i = 0;
    unsigned char c0 = n > 0 ? ioc_lower((unsigned char)s[0]) : 0;

    if (!(c0 >= 'a' && c0 <= 'z'))
        return 0;
    while (i < n) {
        unsigned char c = ioc_lower((unsigned char)s[i]);

        if (!((c >= 'a' && c <= 'z') || ioc_is_digit(c) || c == '+' || c == '-' || c == '.'))
            break;
        i++;
    }
    if (n - i >= 3 && memcmp(s + i, "://", 3) == 0)
        return i;
    return 0;
}

static void split_url(const char *s, size_t n, struct url_parts *u)
{
    size_t i = scheme_len(s, n), start;

    memset(u, 0, sizeof(*u));
    if (i > 0) {
        u->scheme = s;
        u->scheme_n = i;
        i += 3;
    } else if (n >= 2 && s[0] == '/' && s[1] == '/') {
        i = 2; /* scheme-relative "//host/path" */
    }
    start = i;
    while (i < n && s[i] != '/' && s[i] != '?')
        i++;
    u->auth = s + start;
    u->auth_n = i - start;
    start = i;
    while (i < n && s[i] != '?')
        i++;
    u->path = s + start;
    u->path_n = i - start;
    if (i < n) {
        u->has_query = true;
        u->query = s + i + 1;
        u->query_n = n - i - 1;
    }
}

/* Parses one inet_aton-style component: 0x hex, 0 octal or decimal; false if it is
 * not a number or exceeds max. */
static bool ip_component(const char *s, size_t n, uint64_t max, uint64_t *v)
{
    unsigned base = 10;
    uint64_t x = 0;

    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16, s += 2, n -= 2;
    } else if (n >= 2 && s[0] == '0') {
        base = 8, s++, n--;
    }
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        int d = ioc_hexval((unsigned char)s[i]);

        if (d < 0 || (unsigned)d >= base)
            return false;
        x = x * base + (unsigned)d;
        if (x > max)
            return false;
    }
    *v = x;
    return true;
}

/* Parses a host in any legal IPv4 form: 1 to 4 components, the last filling the
 * remaining bytes. h has no empty components (dots are already collapsed). */
static bool ipv4_lenient(const char *h, size_t n, uint32_t *out)
{
    const char *part[4];
    size_t len[4], np = 0, start = 0;
    uint64_t v, a = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i < n && h[i] != '.')
            continue;
        if (np == 4)
            return false;
        part[np] = h + start;
        len[np++] = i - start;
        start = i + 1;
    }
    for (size_t k = 0; k + 1 < np; k++) {
        if (!ip_component(part[k], len[k], 255, &v))
            return false;
        a |= v << (8 * (3 - k));
    }
    if (!ip_component(part[np - 1], len[np - 1], UINT32_MAX >> (8 * (np - 1)), &v))
        return false;
    *out = (uint32_t)(a | v);
    return true;
}

/* IDNA of one label lab[0..n) holding a byte >= 0x80: true, with libidn2's result in
 * *ace (freed with idn2_free), when the label is valid UTF-8 without NUL and converts
 * to letters, digits, '-', '_' and dots only. */
static bool idna_label(const char *lab, size_t n, uint8_t **ace)
{
    char src[IOC_VALUE_MAX + 1];

    *ace = NULL;
    if (n >= sizeof(src) || memchr(lab, '\0', n) != NULL ||
        ioc_utf8_check((const uint8_t *)lab, n) != n)
        return false;
    memcpy(src, lab, n);
    src[n] = '\0';
    if (idn2_lookup_u8((const uint8_t *)src, ace, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
        return false;
    for (const uint8_t *c = *ace; *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || ioc_is_digit(*c) || *c == '-' || *c == '_' ||
              *c == '.')) {
            idn2_free(*ace);
            *ace = NULL;
            return false;
        }
    }
    return true;
}

/* Converts the labels of h[0..n) that hold bytes >= 0x80 with idna_label() where it
 * succeeds; other labels are copied unchanged (step 9 percent-escapes them). Returns
 * the new length in out (cap HOST_MAX), or SIZE_MAX when it does not fit. */
static size_t idna_labels(const char *h, size_t n, char *out)
{
    size_t o = 0, start = 0;

    for (size_t i = 0; i <= n; i++) {
        const char *lab = h + start;
        size_t ln = i - start;
        uint8_t *ace = NULL;
        bool ascii = true;

        if (i < n && h[i] != '.')
            continue;
        for (size_t k = 0; k < ln; k++)
            ascii = ascii && (unsigned char)lab[k] < 0x80;
        if (!ascii && idna_label(lab, ln, &ace)) {
            lab = (const char *)ace;
            ln = strlen(lab);
        }
        if (o + ln + 1 > HOST_MAX) {
            idn2_free(ace);
            return SIZE_MAX;
        }
        memcpy(out + o, lab, ln);
        o += ln;
        if (i < n)
            out[o++] = '.';
        idn2_free(ace);
        start = i + 1;
    }
    return o;
}

/* Dots: drops leading and trailing ones and collapses runs, in place. */
static size_t fix_dots(char *h, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.' && (o == 0 || h[o - 1] == '.'))
            continue;
        h[o++] = h[i];
    }
    if (o > 0 && h[o - 1] == '.')
        o--;
    return o;
}

/* Canonicalises a bracketed IPv6 literal s[0..n) (s[0] == '['): RFC 5952 text in
 * brackets, or the IPv4 address of an IPv4-mapped or NAT64 (64:ff9b::/96) one. */
static enum err_code host_v6(const char *s, size_t n, char *h, size_t *hn, struct err *e)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
    const char *close = memchr(s, ']', n);
    char tmp[INET6_ADDRSTRLEN + 1];
    size_t in_n = close ? (size_t)(close - s - 1) : 0;
    uint8_t b[16];

    if (close == NULL || in_n == 0 || in_n >= sizeof(tmp) || memchr(s, '\0', in_n + 1))
        return err_set(e, ERR_PARSE, "ioc: url: bad bracketed IPv6 host");
    memcpy(tmp, s + 1, in_n);
    tmp[in_n] = '\0';
    if (inet_pton(AF_INET6, tmp, b) != 1)
        return err_set(e, ERR_PARSE, "ioc: url: bad bracketed IPv6 host");
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0) {
        *hn = ioc_ipv4_format(
            (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15], h);
        return ERR_OK;
    }
    h[0] = '[';
    if (inet_ntop(AF_INET6, b, h + 1, INET6_ADDRSTRLEN) == NULL)
        return err_set(e, ERR_PARSE, "ioc: url: cannot format IPv6 host");
    *hn = strlen(h);
    h[(*hn)++] = ']';
    return ERR_OK;
}

/* Canonical host of the authority a[0..n) into h (HOST_MAX bytes); sets *hn. */
static enum err_code canon_host(const char *a, size_t n, char *h, size_t *hn, struct err *e)
{
    char raw[IOC_VALUE_MAX];
    uint32_t v4;
    size_t k;

    for (size_t i = n; i > 0; i--) { /* userinfo ends at the last '@' */
        if (a[i - 1] == '@') {
            a += i;
            n -= i;
            break;
        }
    }
    while (n > 0 && a[0] == '.') { /* leading dots go anyway; "..[::1]" is "[::1]" */
        a++;
        n--;
    }
    if (n > 0 && a[0] == '[')
        return host_v6(a, n, h, hn, e);
    for (k = 0; k < n && a[k] != ':'; k++) /* the port and anything after it go */
        ;
    memcpy(raw, a, k);
    k = idna_labels(raw, k, h);
    if (k == SIZE_MAX)
        return err_set(e, ERR_PARSE, "ioc: url: host too long after IDNA");
    k = fix_dots(h, k);
    if (k == 0)
        return err_set(e, ERR_PARSE, "ioc: url: empty host");
    if (h[0] == '[') /* IDNA mapped a leading label to nothing: it would read as IPv6 */
        return err_set(e, ERR_PARSE, "ioc: url: bad bracketed IPv6 host");
    if (ipv4_lenient(h, k, &v4)) {
        *hn = ioc_ipv4_format(v4, h);
        return ERR_OK;
    }
    for (size_t i = 0; i < k; i++)
        h[i] = (char)ioc_lower((unsigned char)h[i]);
    *hn = k;
    return ERR_OK;
}

/* Canonical path of p[0..n) into out (n + 2 bytes suffice): resolves "." and ".."
 * segments and collapses slash runs; always starts with '/'. Returns the length. */
static size_t canon_path(const char *p, size_t n, char *out)
{
    size_t o = 0, i = 0;

    out[o++] = '/';
    while (i < n) {
        size_t start, sn;

        while (i < n && p[i] == '/')
            i++;
        start = i;
        while (i < n && p[i] != '/')
            i++;
        sn = i - start;
        if (sn == 0 || (sn == 1 && p[start] == '.'))
            continue;
        if (sn == 2 && p[start] == '.' && p[start + 1] == '.') {
            if (o > 1) { /* drop the last segment: out ends with '/' here */
                o--;
                while (out[o - 1] != '/')
                    o--;
            }
            continue;
        }
        memcpy(out + o, p + start, sn);
        o += sn;
        if (i < n)
            out[o++] = '/';
    }
    return o;
}

enum err_code ioc_canon_url(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    char a[IOC_VALUE_MAX], h[HOST_MAX], p[IOC_VALUE_MAX + 2];
    struct wr w = {out, cap, 0};
    struct url_parts u;
    size_t n, hn = 0, pn;
    enum err_code rc;

    n = strip_input(in, len, a);
    n = unescape(a, n);
    if (n == 0)
        return err_set(e, ERR_PARSE, "ioc: url: empty URL");
    split_url(a, n, &u);
    rc = canon_host(u.auth, u.auth_n, h, &hn, e);
    if (rc != ERR_OK)
        return rc;
    pn = canon_path(u.path, u.path_n, p);
    if (u.scheme_n > 0) {
        for (size_t i = 0; i < u.scheme_n; i++)
            wr_byte(&w, (char)ioc_lower((unsigned char)u.scheme[i]));
    } else {
        wr_raw(&w, "http", 4);
    }
    wr_raw(&w, "://", 3);
    wr_esc(&w, h, hn);
    wr_esc(&w, p, pn);
    if (u.has_query) {
        wr_byte(&w, '?');
        wr_esc(&w, u.query, u.query_n);
    }
    if (w.n >= IOC_VALUE_MAX)
        return err_set(e, ERR_PARSE, "ioc: url: canonical URL of %zu bytes is longer than %d", w.n,
                       IOC_VALUE_MAX - 1);
    if (w.n >= cap)
        return err_set(e, ERR_LIMIT, "ioc: url: canonical URL of %zu bytes does not fit %zu", w.n,
                       cap);
    out[w.n] = '\0';
    return ERR_OK;
}
