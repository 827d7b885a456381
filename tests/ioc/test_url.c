/* test_url.c - unit tests of the Safe Browsing URL canonicalisation (canon_url.c):
 * every example input/output pair listed in the Safe Browsing Update API v4 "URLs and
 * Hashing" section, then the rules the examples do not cover (IPv4 in hex, octal and
 * short forms, bracketed IPv6, IDNA hosts, userinfo, unescaped '/', '?' and '#') and
 * the errors (empty host, bad IPv6 literal, canonical form too long). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"

/* Canonicalises in and compares with the exact expected text, which must also
 * canonicalise to itself; or expects an error code whose one-line message is non-empty
 * and contains the reason. (The same helpers are in test_canon.c and test_url.c.) */
static void canon_n_eq(enum ioc_type t, const char *in, size_t len, const char *want)
{
    char out[IOC_VALUE_MAX], again[IOC_VALUE_MAX];
    struct err e = {0};
    enum err_code rc = ioc_canon(t, in, len, out, sizeof(out), &e);

    if (rc != ERR_OK)
        fail_msg("%s '%s': unexpected error %d: %s", ioc_type_name(t), in, (int)rc, e.msg);
    if (strcmp(out, want) != 0)
        fail_msg("%s '%s': got '%s', want '%s'", ioc_type_name(t), in, out, want);
    /* a canonical form is a fixed point */
    rc = ioc_canon(t, want, strlen(want), again, sizeof(again), &e);
    if (rc != ERR_OK || strcmp(again, want) != 0)
        fail_msg("%s '%s': not a fixed point (%d, '%s')", ioc_type_name(t), want, (int)rc,
                 rc == ERR_OK ? again : e.msg);
}

static void canon_eq(enum ioc_type t, const char *in, const char *want)
{
    canon_n_eq(t, in, strlen(in), want);
}

/* Expects error code want with a message containing reason (may be ""). */
static void canon_n_err(enum ioc_type t, const char *in, size_t len, enum err_code want,
                        const char *reason)
{
    char out[IOC_VALUE_MAX];
    struct err e = {0};
    enum err_code rc = ioc_canon(t, in, len, out, sizeof(out), &e);

    if (rc != want)
        fail_msg("%s '%s': got code %d ('%s' / '%s'), want %d", ioc_type_name(t), in, (int)rc,
                 rc == ERR_OK ? out : "", e.msg, (int)want);
    if (e.msg[0] == '\0' || strchr(e.msg, '\n') != NULL)
        fail_msg("%s '%s': error message must be one non-empty line", ioc_type_name(t), in);
    if (strstr(e.msg, reason) == NULL)
        fail_msg("%s '%s': message '%s' lacks '%s'", ioc_type_name(t), in, e.msg, reason);
    assert_string_equal(out, "");
}

static void canon_err(enum ioc_type t, const char *in, const char *reason)
{
    canon_n_err(t, in, strlen(in), ERR_PARSE, reason);
}

struct pair {
    const char *in, *out;
};

/* The examples of the Safe Browsing v4 specification, verbatim. */
static const struct pair sb_examples[] = {
    {"http://host/%25%32%35", "http://host/%25"},
    {"http://host/%25%32%35%25%32%35", "http://host/%25%25"},
    {"http://host/%2525252525252525", "http://host/%25"},
    {"http://host/asdf%25%32%35asd", "http://host/asdf%25asd"},
    {"http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"},
    {"http://www.google.com/", "http://www.google.com/"},
    {"http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61"
     "%79%2E%63%6F%6D/",
     "http://168.188.99.26/.secure/www.ebay.com/"},
    {"http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-"
     "xplmvalidateinfoswqpcmlx=hgplmcx/",
     "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-"
     "xplmvalidateinfoswqpcmlx=hgplmcx/"},
    {"http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_"
     "55%252B",
     "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+"},
    {"http://3279880203/blah", "http://195.127.0.11/blah"},
    {"http://www.google.com/blah/..", "http://www.google.com/"},
    {"www.google.com/", "http://www.google.com/"},
    {"www.google.com", "http://www.google.com/"},
    {"http://www.evil.com/blah#frag", "http://www.evil.com/blah"},
    {"http://www.GOOgle.com/", "http://www.google.com/"},
    {"http://www.google.com.../", "http://www.google.com/"},
    {"http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"},
    {"http://www.google.com/q?", "http://www.google.com/q?"},
    {"http://www.google.com/q?r?", "http://www.google.com/q?r?"},
    {"http://www.google.com/q?r?s", "http://www.google.com/q?r?s"},
    {"http://evil.com/foo#bar#baz", "http://evil.com/foo"},
    {"http://evil.com/foo;", "http://evil.com/foo;"},
    {"http://evil.com/foo?bar;", "http://evil.com/foo?bar;"},
    {"http://\x01\x80.com/", "http://%01%80.com/"},
    {"http://notrailingslash.com", "http://notrailingslash.com/"},
    {"http://www.gotaport.com:1234/", "http://www.gotaport.com/"},
    {"  http://www.google.com/  ", "http://www.google.com/"},
    {"http:// leadingspace.com/", "http://%20leadingspace.com/"},
    {"http://%20leadingspace.com/", "http://%20leadingspace.com/"},
    {"%20leadingspace.com/", "http://%20leadingspace.com/"},
    {"https://www.securesite.com/", "https://www.securesite.com/"},
    {"http://host.com/ab%23cd", "http://host.com/ab%23cd"},
    {"http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"},
};

static void check_pairs(const struct pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char twice[IOC_VALUE_MAX];
        struct err e;

        canon_eq(IOC_URL, p[i].in, p[i].out);
        /* a canonical URL is a fixed point */
        assert_int_equal(ioc_canon(IOC_URL, p[i].out, strlen(p[i].out), twice, sizeof(twice), &e),
                         ERR_OK);
        assert_string_equal(twice, p[i].out);
    }
}

static void test_sb_examples(void **state)
{
    (void)state;
    check_pairs(sb_examples, sizeof(sb_examples) / sizeof(sb_examples[0]));
}

static const struct pair ipv4_forms[] = {
    {"http://0x7f.1/", "http://127.0.0.1/"},       {"http://0X7F000001/", "http://127.0.0.1/"},
    {"http://017700000001/", "http://127.0.0.1/"}, {"http://0300.0250.0.1/", "http://192.168.0.1/"},
    {"http://127.1/", "http://127.0.0.1/"},        {"http://10.1.258/", "http://10.1.1.2/"},
    {"http://1.2.3.4./", "http://1.2.3.4/"},       {"http://1..2.3.4/", "http://1.2.3.4/"},
    {"http://1.2.3.256/", "http://1.2.3.256/"},   /* not an address: a host name */
    {"http://4294967296/", "http://4294967296/"}, /* 2^32 */
    {"http://08.1.1.1/", "http://08.1.1.1/"},     /* 8 is not an octal digit */
    {"http://1.2.3.4.5/", "http://1.2.3.4.5/"},    {"http://0x/", "http://0x/"},
};

static void test_ipv4_hosts(void **state)
{
    (void)state;
    check_pairs(ipv4_forms, sizeof(ipv4_forms) / sizeof(ipv4_forms[0]));
}

static const struct pair more[] = {
    {"HTTP://WWW.Example.COM/Path/File.HTML", "http://www.example.com/Path/File.HTML"},
    {"http://user:pw@host.com:8080/", "http://host.com/"},
    {"http://a@b@host.com/", "http://host.com/"},
    {"http://[2001:0DB8:0000::1]:8080/x", "http://[2001:db8::1]/x"},
    {"http://[::ffff:1.2.3.4]/", "http://1.2.3.4/"},
    {"http://[64:ff9b::1.2.3.4]/", "http://1.2.3.4/"},
    {"http://..[::1]/", "http://[::1]/"},
    {"http://B\xc3\xbc"
     "cher.de/\xc3\xbc",
     "http://xn--bcher-kva.de/%C3%BC"},
    {"http://www.b%C3%BCcher.de/", "http://www.xn--bcher-kva.de/"},
    {"http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97.1/", "http://127.0.0.1/"}, /* fullwidth */
    {"http://\xef\xbc\x85\xef\xbc\x94\xef\xbc\x91.com/", /* fullwidth "%41": IDNA gives '%' */
     "http://%EF%BC%85%EF%BC%94%EF%BC%91.com/"},
    {"http://-\xc3\xbc.com/", "http://-%C3%BC.com/"}, /* IDNA refuses: kept, escaped */
    {"http://a%2fb/c", "http://a/b/c"},
    {"http://host/%3Fx", "http://host/?x"},
    {"http://host?x/y", "http://host/?x/y"},
    {"http://host/%23", "http://host/%23"},
    {"http://host/a?b#c", "http://host/a?b"},
    {"http://host/a/./b/../../c/", "http://host/c/"},
    {"http://host/../../a", "http://host/a"},
    {"http://host/a/.", "http://host/a/"},
    {"http://host/a/%2e%2E/b", "http://host/b"},
    {"http://host/a/.../b", "http://host/a/.../b"},
    {"//host/p", "http://host/p"},
    {"ftp://Host/", "ftp://host/"},
    {"http://host/%00%7F%FF", "http://host/%00%7F%FF"},
    {"http://host/a%0ab", "http://host/a%0Ab"},
    {"http://host/%zz%", "http://host/%25zz%25"},
    {"http://host/?q=%20a%2520", "http://host/?q=%20a%20"},
    {"\x01http://host/\x7f", "http://host/%7F"},
};

static void test_more_rules(void **state)
{
    (void)state;
    check_pairs(more, sizeof(more) / sizeof(more[0]));
}

static void test_url_errors(void **state)
{
    char big[IOC_VALUE_MAX + 1];

    (void)state;
    canon_err(IOC_URL, "http:///path", "empty host");
    canon_err(IOC_URL, "http://.../", "empty host");
    canon_err(IOC_URL, "http://:80/", "empty host");
    canon_err(IOC_URL, "http://user@/", "empty host");
    canon_err(IOC_URL, "   ", "empty URL");
    canon_err(IOC_URL, "#frag", "empty URL");
    canon_err(IOC_URL, "http://[zz]/", "bad bracketed IPv6 host");
    canon_err(IOC_URL, "http://[::1/", "bad bracketed IPv6 host");
    /* fuzz findings: a host that reads as "[" only after its leading dots or a label
     * IDNA maps to nothing are gone was canonical once and an error the second time */
    canon_err(IOC_URL, "http://.[\x01V\xc1Z/", "bad bracketed IPv6 host");
    canon_err(IOC_URL, "http://\xef\xb8\x85.[~/", "bad bracketed IPv6 host");
    memcpy(big, "http://h/", 9);
    memset(big + 9, ' ', 2000); /* each space becomes %20 */
    memcpy(big + 2009, "x", 2);
    canon_err(IOC_URL, big, "canonical URL of 6010 bytes is longer than 4095");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sb_examples),
        cmocka_unit_test(test_ipv4_hosts),
        cmocka_unit_test(test_more_rules),
        cmocka_unit_test(test_url_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
