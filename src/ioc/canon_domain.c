/* canon_domain.c - canonical domain names and e-mail addresses, and the UTF-8 check.
 * Plain ASCII names (letters, digits, '-', '_', '.') take a fast path that never calls
 * libidn2 and never allocates; names with other bytes must be valid UTF-8 and go
 * through IDNA2008 (libidn2, UTS #46 non-transitional mapping, NFC), after which the
 * result must pass the same ASCII rules. libidn2 allocates its result: only this
 * non-ASCII path allocates, once per call. */
#include "ioc/ioc_int.h"

#include <idn2.h>
#include <stdio.h>
#include <string.h>

size_t ioc_utf8_check(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            k = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (n - i <= k)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += k + 1;
    }
    return n;
}

static bool host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ioc_is_digit(c) || c == '-' ||
           c == '_';
}

/* Checks the ASCII name s[0..n) (one trailing dot allowed) and writes it lowercased,
 * without the dot, to out. where is "" or " of the IDNA form" for messages. */
static enum err_code check_ascii(const char *s, size_t n, char *out, size_t cap, const char *what,
                                 const char *where, struct err *e)
{
    size_t label = 0;

    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0)
        return err_set(e, ERR_PARSE, "ioc: %s: empty name", what);
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : '.';

        if (c == '.') {
            if (i == label)
                return err_set(e, ERR_PARSE, "ioc: %s: empty label at byte %zu%s", what, i, where);
            if (i - label > IOC_LABEL_MAX)
                return err_set(e, ERR_PARSE,
                               "ioc: %s: label at byte %zu%s is %zu bytes long (max %d)", what,
                               label, where, i - label, IOC_LABEL_MAX);
            label = i + 1;
        } else if (!host_char(c)) {
            return err_set(e, ERR_PARSE,
                           "ioc: %s: byte %zu%s (0x%02x) is not a letter, digit, '-' or '_'", what,
                           i, where, c);
        }
    }
    if (n > IOC_NAME_MAX)
        return err_set(e, ERR_PARSE, "ioc: %s: name%s is %zu bytes long (max %d)", what, where, n,
                       IOC_NAME_MAX);
    if (n >= cap)
        return err_set(e, ERR_LIMIT, "ioc: %s: %zu bytes do not fit %zu", what, n, cap);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)ioc_lower((unsigned char)s[i]);
    out[n] = '\0';
    return ERR_OK;
}

/* The non-ASCII path: UTF-8 check, then IDNA2008 to an A-label name, then check_ascii. */
static enum err_code canon_idna(const char *in, size_t len, char *out, size_t cap, const char *what,
                                struct err *e)
{
    char src[IOC_VALUE_MAX + 1];
    size_t bad = ioc_utf8_check((const uint8_t *)in, len);
    const char *nul = memchr(in, '\0', len);
    uint8_t *ace = NULL;
    enum err_code rc;
    int irc;

    if (nul != NULL)
        return err_set(e, ERR_PARSE, "ioc: %s: NUL byte at %zu", what, (size_t)(nul - in));
    if (bad < len)
        return err_set(e, ERR_PARSE, "ioc: %s: invalid UTF-8 at byte %zu", what, bad);
    if (len >= sizeof(src))
        return err_set(e, ERR_PARSE, "ioc: %s: name of %zu bytes is too long", what, len);
    memcpy(src, in, len);
    src[len] = '\0';
    irc = idn2_lookup_u8((const uint8_t *)src, &ace, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (irc == IDN2_MALLOC)
        return err_set(e, ERR_NOMEM, "ioc: %s: IDNA: out of memory", what);
    if (irc != IDN2_OK)
        return err_set(e, ERR_PARSE, "ioc: %s: IDNA: %s", what, idn2_strerror(irc));
    rc = check_ascii((const char *)ace, strlen((const char *)ace), out, cap, what,
                     " of the IDNA form", e);
    idn2_free(ace);
    return rc;
}

enum err_code ioc_canon_domain(const char *in, size_t len, char *out, size_t cap, const char *what,
                               struct err *e)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c >= 0x80)
            return canon_idna(in, len, out, cap, what, e);
    }
    return check_ascii(in, len, out, cap, what, "", e);
}

enum err_code ioc_canon_email(const char *in, size_t len, char *out, size_t cap, struct err *e)
{
    const char *at = NULL;
    char dom[IOC_NAME_MAX + 1];
    size_t ln, dn, bad;
    enum err_code rc;

    for (size_t i = len; i > 0; i--) {
        if (in[i - 1] == '@') {
            at = in + i - 1;
            break;
        }
    }
    if (at == NULL)
        return err_set(e, ERR_PARSE, "ioc: email: no '@'");
    ln = (size_t)(at - in);
    if (ln == 0)
        return err_set(e, ERR_PARSE, "ioc: email: missing local part before '@'");
    if (ln == len - 1)
        return err_set(e, ERR_PARSE, "ioc: email: missing domain after '@'");
    if (ln > 64)
        return err_set(e, ERR_PARSE, "ioc: email: local part is %zu bytes long (max 64)", ln);
    for (size_t i = 0; i < ln; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c <= 0x20 || c == 0x7f)
            return err_set(e, ERR_PARSE, "ioc: email: control or space byte 0x%02x at %zu", c, i);
    }
    bad = ioc_utf8_check((const uint8_t *)in, ln);
    if (bad < ln)
        return err_set(e, ERR_PARSE, "ioc: email: invalid UTF-8 at byte %zu", bad);
    rc = ioc_canon_domain(at + 1, len - ln - 1, dom, sizeof(dom), "email domain", e);
    if (rc != ERR_OK)
        return rc;
    dn = strlen(dom);
    if (ln + 1 + dn >= cap)
        return err_set(e, ERR_LIMIT, "ioc: email: %zu bytes do not fit %zu", ln + 1 + dn, cap);
    memmove(out, in, ln);
    out[ln] = '@';
    memcpy(out + ln + 1, dom, dn + 1);
    return ERR_OK;
}
