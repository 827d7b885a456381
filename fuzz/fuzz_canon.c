/* fuzz_canon.c - libFuzzer target for the indicator canonicalisers (src/ioc). The first
 * input byte picks the type (modulo IOC_NTYPES); the rest is the raw value, passed
 * without a NUL so a read past it is caught by ASan. An error must carry a message. A
 * canonical form must be non-empty, shorter than IOC_VALUE_MAX, free of bytes <= 0x20
 * (and printable ASCII for URLs and domains), and a fixed point: canonicalising it
 * again gives the same string (a mismatch aborts). Domains must also respect the name
 * and label limits. For URLs the Safe Browsing expressions are generated and checked
 * (count, length, a '/' in each). ioc_guess() runs on every input and must not crash. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"

static void check(bool ok)
{
    if (!ok)
        abort();
}

struct expr_state {
    int count;
};

static bool on_expr(const char *expr, size_t len, void *arg)
{
    struct expr_state *st = arg;

    check(len > 0 && len <= IOC_VALUE_MAX && strlen(expr) == len);
    check(memchr(expr, '/', len) != NULL);
    st->count++;
    return true;
}

/* Lowercase letters, digits, '-', '_'; labels 1..63; name <= 253. */
static void check_domain(const char *d, size_t n)
{
    size_t label = 0;

    check(n <= IOC_NAME_MAX);
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? d[i] : '.';

        if (c == '.') {
            check(i > label && i - label <= IOC_LABEL_MAX);
            label = i + 1;
            continue;
        }
        check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static char first[IOC_VALUE_MAX], second[IOC_VALUE_MAX];
    struct err e;
    enum ioc_type t, g;
    enum err_code rc;
    size_t n;

    if (len == 0)
        return 0;
    t = (enum ioc_type)(data[0] % IOC_NTYPES);
    (void)ioc_guess((const char *)data + 1, len - 1, &g); /* any answer; must not crash */
    rc = ioc_canon(t, (const char *)data + 1, len - 1, first, sizeof(first), &e);
    if (rc != ERR_OK) {
        check(e.msg[0] != '\0' && (rc == ERR_PARSE || rc == ERR_LIMIT || rc == ERR_NOMEM));
        return 0;
    }
    n = strlen(first);
    check(n > 0 && n < IOC_VALUE_MAX);
    for (size_t i = 0; i < n; i++)
        check((unsigned char)first[i] > 0x20);
    if (t == IOC_DOMAIN)
        check_domain(first, n);
    rc = ioc_canon(t, first, n, second, sizeof(second), &e);
    check(rc == ERR_OK && strcmp(first, second) == 0);
    if (t == IOC_URL) {
        struct expr_state st = {0};

        for (size_t i = 0; i < n; i++)
            check((unsigned char)first[i] < 0x7f);
        check(ioc_url_expressions(first, on_expr, &st));
        check(st.count >= 1 && st.count <= IOC_URL_EXPR_MAX);
    }
    return 0;
}
