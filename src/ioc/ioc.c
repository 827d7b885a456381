/* ioc.c - indicator type names, the ioc_canon() dispatcher, the output writer, and the
 * small canonicalisers (hashes, ASNs) plus the MISP decay score. Everything works on
 * caller buffers; nothing allocates and nothing keeps state. */
#include "ioc/ioc_int.h"

#include <math.h>
#include <string.h>

static const char *const type_names[IOC_NTYPES] = {
    [IOC_IPV4] = "ipv4",   [IOC_IPV6] = "ipv6", [IOC_CIDR] = "cidr", [IOC_DOMAIN] = "domain",
    [IOC_URL] = "url",     [IOC_MD5] = "md5",   [IOC_SHA1] = "sha1", [IOC_SHA256] = "sha256",
    [IOC_EMAIL] = "email", [IOC_ASN] = "asn",
};

const char *ioc_type_name(enum ioc_type t)
{
    if ((unsigned)t >= IOC_NTYPES)
        return "unknown";
    return type_names[t];
}

bool ioc_type_parse(const char *name, enum ioc_type *out)
{
    if (name == NULL)
        return false;
    for (int t = 0; t < IOC_NTYPES; t++) {
        if (strcmp(name, type_names[t]) == 0) {
            *out = (enum ioc_type)t;
            return true;
        }
    }
    return false;
}

enum err_code ioc_put(char *out, size_t cap, const char *s, size_t n, const char *what,
                      struct err *e)
{
    if (n >= cap)
        return err_set(e, ERR_LIMIT, "ioc: %s: canonical form of %zu bytes does not fit %zu", what,
                       n, cap);
    memmove(out, s, n);
    out[n] = '\0';
    return ERR_OK;
}

static enum err_code dispatch(enum ioc_type t, const char *in, size_t len, char *out, size_t cap,
                              struct err *e)
{
    switch (t) {
    case IOC_IPV4:
        return ioc_canon_ipv4(in, len, out, cap, e);
    case IOC_IPV6:
        return ioc_canon_ipv6(in, len, out, cap, e);
    case IOC_CIDR:
        return ioc_canon_cidr(in, len, out, cap, e);
    case IOC_DOMAIN:
        return ioc_canon_domain(in, len, out, cap, "domain", e);
    case IOC_URL:
        return ioc_canon_url(in, len, out, cap, e);
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        return ioc_canon_hash(t, in, len, out, cap, e);
    case IOC_EMAIL:
        return ioc_canon_email(in, len, out, cap, e);
    case IOC_ASN:
        return ioc_canon_asn(in, len, out, cap, e);
    case IOC_NTYPES:
        break;
    }
    return err_set(e, ERR_PARSE, "ioc: unknown indicator type %d", (int)t);
}

enum err_code ioc_canon(enum ioc_type t, const char *in, size_t len, char *out, size_t cap,
                        struct err *e)
{
    enum err_code rc;

    if (out == NULL || cap == 0)
        return err_set(e, ERR_LIMIT, "ioc: %s: no room for the canonical form", ioc_type_name(t));
    out[0] = '\0';
    if ((unsigned)t >= IOC_NTYPES)
        return err_set(e, ERR_PARSE, "ioc: unknown indicator type %d", (int)t);
    if (in == NULL || len == 0)
        return err_set(e, ERR_PARSE, "ioc: %s: empty value", ioc_type_name(t));
    if (len > IOC_VALUE_MAX)
        return err_set(e, ERR_PARSE, "ioc: %s: value of %zu bytes is longer than %d",
                       ioc_type_name(t), len, IOC_VALUE_MAX);
    rc = dispatch(t, in, len, out, cap, e);
    if (rc != ERR_OK)
        out[0] = '\0';
    return rc;
}

enum err_code ioc_canon_hash(enum ioc_type t, const char *in, size_t len, char *out, size_t cap,
                             struct err *e)
{
    size_t want = t == IOC_MD5 ? 32 : t == IOC_SHA1 ? 40 : 64;
    const char *name = ioc_type_name(t);

    if (len != want)
        return err_set(e, ERR_PARSE, "ioc: %s: expected %zu hex digits, got %zu bytes", name, want,
                       len);
    if (cap <= want)
        return err_set(e, ERR_LIMIT, "ioc: %s: %zu bytes do not fit %zu", name, want, cap);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        if (ioc_hexval(c) < 0)
            return err_set(e, ERR_PARSE, "ioc: %s: byte %zu (0x%02x) is not a hex digit", name, i,
                           c);
        out[i] = (char)ioc_lower(c);
    }
    out[len] = '\0';
    return ERR_OK;
}

/* Parses decimal digits s[0..n) into *v; false if empty, not all digits or > max. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;

    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!ioc_is_digit((unsigned char)s[i]))
            return false;
        x = x * 10 + (uint64_t)(s[i] - '0');
        if (x > max)
            return false;
    }
    *v = x;
    return true;
}

enum err_code ioc_canon_asn(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    const char *dot;
    uint64_t v, hi, lo;
    char buf[16];
    int w;

    if (len >= 2 && ioc_lower((unsigned char)in[0]) == 'a' &&
        ioc_lower((unsigned char)in[1]) == 's') {
        in += 2;
        len -= 2;
    }
    dot = memchr(in, '.', len);
    if (dot != NULL) { /* RFC 5396 asdot: high.low, each 0..65535 */
        size_t hn = (size_t)(dot - in);

        if (!parse_dec(in, hn, 65535, &hi) || !parse_dec(dot + 1, len - hn - 1, 65535, &lo))
            return err_set(e, ERR_PARSE, "ioc: asn: asdot needs two numbers 0..65535");
        v = hi << 16 | lo;
    } else if (!parse_dec(in, len, UINT32_MAX, &v)) {
        return err_set(e, ERR_PARSE,
                       "ioc: asn: not a number in 1..4294967295 (\"AS\" prefix "
                       "optional)");
    }
    if (v == 0)
        return err_set(e, ERR_PARSE, "ioc: asn: AS0 is reserved (RFC 7607)");
    w = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    return ioc_put(out, cap, buf, (size_t)w, "asn", e);
}

double ioc_score(double base, double t, double tau, double delta)
{
    double s;

    if (!(base > 0) || !(tau > 0) || !(delta > 0) || isnan(t))
        return 0;
    if (t <= 0)
        return base;
    if (t >= tau)
        return 0;
    s = base * (1 - pow(t / tau, 1 / delta));
    if (!(s > 0))
        return 0;
    return s > base ? base : s;
}
