/* canon_ip.c - canonical forms of IPv4 and IPv6 addresses and CIDR prefixes.
 * IPv4 is a strict dotted quad (no octal, hex or short forms: those are accepted only
 * inside URLs, see canon_url.c); IPv6 goes through inet_pton/inet_ntop, whose output is
 * RFC 5952 text. Works on caller buffers only. */
#include "ioc/ioc_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool ioc_ipv4_strict(const char *s, size_t n, uint32_t *out, char *why, size_t whycap)
{
    uint32_t a = 0;
    size_t i = 0;

    for (int part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;

        if (part > 0) {
            if (i >= n || s[i] != '.') {
                if (why)
                    (void)snprintf(why, whycap, "expected 4 dot-separated octets");
                return false;
            }
            start = ++i;
        }
        while (i < n && ioc_is_digit((unsigned char)s[i]) && i - start < 4)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || (i < n && ioc_is_digit((unsigned char)s[i])) || v > 255) {
            if (why)
                (void)snprintf(why, whycap, "octet %d at byte %zu is not a number 0..255", part + 1,
                               start);
            return false;
        }
        if (i - start > 1 && s[start] == '0') {
            if (why)
                (void)snprintf(why, whycap, "octet %d at byte %zu has a leading zero", part + 1,
                               start);
            return false;
        }
        a = a << 8 | v;
    }
    if (i != n) {
        if (why)
            (void)snprintf(why, whycap, "unexpected byte 0x%02x at %zu after the 4th octet",
                           (unsigned char)s[i], i);
        return false;
    }
    *out = a;
    return true;
}

size_t ioc_ipv4_format(uint32_t a, char *out)
{
    int w = snprintf(out, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);

    return (size_t)w;
}

enum err_code ioc_canon_ipv4(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    char why[96], buf[16];
    uint32_t a;
    size_t n;

    if (!ioc_ipv4_strict(in, len, &a, why, sizeof(why)))
        return err_set(e, ERR_PARSE, "ioc: ipv4: %s", why);
    n = ioc_ipv4_format(a, buf);
    return ioc_put(out, cap, buf, n, "ipv4", e);
}

/* Parses IPv6 text s[0..n) into b[16]; false unless inet_pton accepts all of it. */
static bool parse_v6(const char *s, size_t n, uint8_t b[16])
{
    char tmp[INET6_ADDRSTRLEN + 1];

    if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n) != NULL)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(AF_INET6, tmp, b) == 1;
}

enum err_code ioc_canon_ipv6(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    uint8_t b[16];
    char buf[INET6_ADDRSTRLEN];

    if (!parse_v6(in, len, b))
        return err_set(e, ERR_PARSE,
                       "ioc: ipv6: not an IPv6 address (RFC 4291 text, no "
                       "brackets, zone or prefix)");
    if (inet_ntop(AF_INET6, b, buf, sizeof(buf)) == NULL)
        return err_set(e, ERR_PARSE, "ioc: ipv6: cannot format address");
    return ioc_put(out, cap, buf, strlen(buf), "ipv6", e);
}

/* Zeroes the bits of b[0..nbytes) from bit len on; true if any was set. */
static bool clear_host_bits(uint8_t *b, size_t nbytes, unsigned len)
{
    bool set = false;

    for (size_t bit = len; bit < nbytes * 8; bit++) {
        uint8_t m = (uint8_t)(0x80u >> (bit % 8));

        if (b[bit / 8] & m) {
            set = true;
            b[bit / 8] &= (uint8_t)~m;
        }
    }
    return set;
}

/* Parses the prefix length s[0..n): decimal, no leading zero, <= max. */
static bool parse_plen(const char *s, size_t n, unsigned max, unsigned *out)
{
    unsigned v = 0;

    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!ioc_is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

enum err_code ioc_canon_cidr(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    const char *slash = memchr(in, '/', len);
    char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8], why[96];
    uint8_t b[16];
    size_t an;
    unsigned plen;
    bool v4;
    int w;

    if (slash == NULL)
        return err_set(e, ERR_PARSE, "ioc: cidr: missing \"/length\"");
    an = (size_t)(slash - in);
    v4 = memchr(in, ':', an) == NULL;
    if (v4) {
        uint32_t a;

        if (!ioc_ipv4_strict(in, an, &a, why, sizeof(why)))
            return err_set(e, ERR_PARSE, "ioc: cidr: bad IPv4 network: %s", why);
        b[0] = (uint8_t)(a >> 24);
        b[1] = (uint8_t)(a >> 16);
        b[2] = (uint8_t)(a >> 8);
        b[3] = (uint8_t)a;
    } else if (!parse_v6(in, an, b)) {
        return err_set(e, ERR_PARSE, "ioc: cidr: bad IPv6 network address");
    }
    if (!parse_plen(slash + 1, len - an - 1, v4 ? 32 : 128, &plen))
        return err_set(e, ERR_PARSE,
                       "ioc: cidr: prefix length must be 0..%d without leading "
                       "zeros",
                       v4 ? 32 : 128);
    if (clear_host_bits(b, v4 ? 4 : 16, plen)) {
        if (v4)
            (void)snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        else if (inet_ntop(AF_INET6, b, addr, sizeof(addr)) == NULL)
            addr[0] = '\0';
        return err_set(e, ERR_PARSE, "ioc: cidr: host bits set (the network is %s/%u)", addr, plen);
    }
    if (v4)
        (void)snprintf(addr, sizeof(addr), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    else if (inet_ntop(AF_INET6, b, addr, sizeof(addr)) == NULL)
        return err_set(e, ERR_PARSE, "ioc: cidr: cannot format address");
    w = snprintf(buf, sizeof(buf), "%s/%u", addr, plen);
    return ioc_put(out, cap, buf, (size_t)w, "cidr", e);
}
