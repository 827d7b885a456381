/* guess.c - ioc_guess(): the type of a raw feed or lookup value, decided by shape in a
 * fixed order (docs/indicators.md, "Guessing the type"). Uses the canonicalisers on a
 * stack buffer where shape alone is not enough; allocates only as they do. */
#include "ioc/ioc_int.h"

#include <arpa/inet.h>
#include <string.h>

static bool canon_ok(enum ioc_type t, const char *in, size_t len)
{
    char buf[IOC_VALUE_MAX];

    return ioc_canon(t, in, len, buf, sizeof(buf), NULL) == ERR_OK;
}

static bool has_scheme(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
            ioc_is_digit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    return i > 0 && n - i >= 3 && memcmp(s + i, "://", 3) == 0;
}

static bool is_v6(const char *s, size_t n)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    uint8_t b[16];

    if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(AF_INET6, tmp, b) == 1;
}

/* "address/digits" with an IPv4 or IPv6 address: a prefix, even with host bits set
 * (ioc_canon then says why it is not canonical). */
static bool looks_cidr(const char *s, size_t n)
{
    const char *slash = memchr(s, '/', n);
    size_t an, ln;
    uint32_t a;

    if (slash == NULL)
        return false;
    an = (size_t)(slash - s);
    ln = n - an - 1;
    if (ln == 0 || ln > 3)
        return false;
    for (size_t i = 0; i < ln; i++)
        if (!ioc_is_digit((unsigned char)slash[1 + i]))
            return false;
    return ioc_ipv4_strict(s, an, &a, NULL, 0) || is_v6(s, an);
}

static bool hash_type(const char *s, size_t n, enum ioc_type *out)
{
    if (n != 32 && n != 40 && n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ioc_hexval((unsigned char)s[i]) < 0)
            return false;
    *out = n == 32 ? IOC_MD5 : n == 40 ? IOC_SHA1 : IOC_SHA256;
    return true;
}

static bool looks_asn(const char *s, size_t n)
{
    return n > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's') &&
           ioc_is_digit((unsigned char)s[2]);
}

/* A domain needs a dot and a last label that is not all digits. */
static bool looks_domain(const char *s, size_t n)
{
    char buf[IOC_NAME_MAX + 1];
    const char *dot;
    size_t bn;
    bool digits = true;

    if (ioc_canon_domain(s, n, buf, sizeof(buf), "domain", NULL) != ERR_OK)
        return false;
    bn = strlen(buf);
    dot = strrchr(buf, '.');
    if (dot == NULL)
        return false;
    for (const char *p = dot + 1; p < buf + bn; p++)
        digits = digits && ioc_is_digit((unsigned char)*p);
    return !digits;
}

bool ioc_guess(const char *in, size_t len, enum ioc_type *out)
{
    uint32_t a;

    if (in == NULL || len == 0 || len > IOC_VALUE_MAX || out == NULL)
        return false;
    if (has_scheme(in, len))
        return canon_ok(IOC_URL, in, len) && (*out = IOC_URL, true);
    if (looks_cidr(in, len))
        return *out = IOC_CIDR, true;
    if (memchr(in, '/', len) != NULL)
        return canon_ok(IOC_URL, in, len) && (*out = IOC_URL, true);
    if (ioc_ipv4_strict(in, len, &a, NULL, 0))
        return *out = IOC_IPV4, true;
    if (memchr(in, ':', len) != NULL && is_v6(in, len))
        return *out = IOC_IPV6, true;
    if (hash_type(in, len, out))
        return true;
    if (memchr(in, '@', len) != NULL)
        return canon_ok(IOC_EMAIL, in, len) && (*out = IOC_EMAIL, true);
    if (looks_asn(in, len))
        return canon_ok(IOC_ASN, in, len) && (*out = IOC_ASN, true);
    if (looks_domain(in, len))
        return *out = IOC_DOMAIN, true;
    return false;
}
