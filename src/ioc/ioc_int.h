/* ioc_int.h - helpers shared by the canonicalisers of the ioc module: the output
 * writer, strict IPv4 parsing, UTF-8 validation and the per-type entry points that
 * ioc_canon() dispatches to. Private to src/ioc. */
#ifndef OODA_IOC_INT_H
#define OODA_IOC_INT_H

#include "ioc/ioc.h"

/* Writes s[0..n) plus a NUL into out (cap bytes); ERR_LIMIT naming what when it does
 * not fit. */
enum err_code ioc_put(char *out, size_t cap, const char *s, size_t n, const char *what,
                      struct err *e);

static inline bool ioc_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
static inline int ioc_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
static inline unsigned char ioc_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Strict dotted quad: four decimal octets 0..255, no leading zeros, nothing else.
 * On failure writes a reason (without prefix) into why (cap >= 64) if not NULL. */
bool ioc_ipv4_strict(const char *s, size_t n, uint32_t *out, char *why, size_t whycap);
/* Formats a host-order IPv4 address as a dotted quad into out (cap >= 16). */
size_t ioc_ipv4_format(uint32_t a, char *out);

/* Offset of the first byte of s[0..n) that is not part of well-formed UTF-8 (no
 * overlongs, surrogates or code points above U+10FFFF), or n if all is well. */
size_t ioc_utf8_check(const uint8_t *s, size_t n);

enum err_code ioc_canon_ipv4(const char *in, size_t len, char *out, size_t cap, struct err *e);
enum err_code ioc_canon_ipv6(const char *in, size_t len, char *out, size_t cap, struct err *e);
enum err_code ioc_canon_cidr(const char *in, size_t len, char *out, size_t cap, struct err *e);
/* what names the type in error messages ("domain", "email domain"). */
enum err_code ioc_canon_domain(const char *in, size_t len, char *out, size_t cap, const char *what,
                               struct err *e);
enum err_code ioc_canon_email(const char *in, size_t len, char *out, size_t cap, struct err *e);
enum err_code ioc_canon_url(const char *in, size_t len, char *out, size_t cap, struct err *e);
enum err_code ioc_canon_hash(enum ioc_type t, const char *in, size_t len, char *out, size_t cap,
                             struct err *e);
enum err_code ioc_canon_asn(const char *in, size_t len, char *out, size_t cap, struct err *e);

#endif
