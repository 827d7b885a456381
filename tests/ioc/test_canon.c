/* test_canon.c - unit tests of the canonical forms of src/ioc (canon_ip.c,
 * canon_domain.c, ioc.c): every type with exact expected output, and each error class
 * (strict IPv4, IPv6 text, CIDR prefix length and host bits, invalid UTF-8, IDNA
 * errors, label of 64 and name of 254 bytes, hash length and digits, e-mail parts, ASN
 * range) with its code and reason, plus the output-capacity and input-length limits. */
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

static void test_type_names(void **state)
{
    static const char *const names[] = {"ipv4", "ipv6", "cidr",   "domain", "url",
                                        "md5",  "sha1", "sha256", "email",  "asn"};
    enum ioc_type t;

    (void)state;
    assert_int_equal(sizeof(names) / sizeof(names[0]), IOC_NTYPES);
    for (int i = 0; i < IOC_NTYPES; i++) {
        assert_string_equal(ioc_type_name((enum ioc_type)i), names[i]);
        assert_true(ioc_type_parse(names[i], &t));
        assert_int_equal(t, i);
    }
    assert_string_equal(ioc_type_name(IOC_NTYPES), "unknown");
    assert_false(ioc_type_parse("IPV4", &t));
    assert_false(ioc_type_parse("", &t));
    assert_false(ioc_type_parse("hostname", &t));
    assert_false(ioc_type_parse(NULL, &t));
}

static void test_ipv4(void **state)
{
    (void)state;
    canon_eq(IOC_IPV4, "192.0.2.1", "192.0.2.1");
    canon_eq(IOC_IPV4, "0.0.0.0", "0.0.0.0");
    canon_eq(IOC_IPV4, "255.255.255.255", "255.255.255.255");
    canon_err(IOC_IPV4, "01.2.3.4", "leading zero");
    canon_err(IOC_IPV4, "1.2.3.010", "leading zero");
    canon_err(IOC_IPV4, "256.1.1.1", "0..255");
    canon_err(IOC_IPV4, "1.2.3.1000", "0..255");
    canon_err(IOC_IPV4, "1.2.3", "4 dot-separated");
    canon_err(IOC_IPV4, "1.2.3.4.5", "after the 4th octet");
    canon_err(IOC_IPV4, "1.2.3.4 ", "after the 4th octet");
    canon_err(IOC_IPV4, " 1.2.3.4", "octet 1");
    canon_err(IOC_IPV4, "1..2.3", "octet 2");
    canon_err(IOC_IPV4, "0x7f.0.0.1", "expected 4 dot-separated octets");
    canon_err(IOC_IPV4, "1.2.3.4/32", "after the 4th octet");
    canon_n_err(IOC_IPV4, "1.2.3.4\0", 8, ERR_PARSE, "0x00");
    canon_n_err(IOC_IPV4, "", 0, ERR_PARSE, "empty");
}

static void test_ipv6(void **state)
{
    (void)state;
    canon_eq(IOC_IPV6, "2001:DB8:0:0:0:0:0:1", "2001:db8::1");
    canon_eq(IOC_IPV6, "2001:0db8:0:1:0:0:0:1", "2001:db8:0:1::1");
    canon_eq(IOC_IPV6, "1:0:0:2:0:0:0:3", "1:0:0:2::3");
    canon_eq(IOC_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    canon_eq(IOC_IPV6, "0:0:0:0:0:0:0:0", "::");
    canon_eq(IOC_IPV6, "::FFFF:192.0.2.1", "::ffff:192.0.2.1"); /* stays ipv6 */
    canon_eq(IOC_IPV6, "::ffff:c000:201", "::ffff:192.0.2.1");
    canon_err(IOC_IPV6, "192.0.2.1", "not an IPv6 address");
    canon_err(IOC_IPV6, "fe80::1%eth0", "not an IPv6 address");
    canon_err(IOC_IPV6, "[::1]", "not an IPv6 address");
    canon_err(IOC_IPV6, "::1/128", "not an IPv6 address");
    canon_err(IOC_IPV6, "1:2:3:4:5:6:7:8:9", "not an IPv6 address");
    canon_err(IOC_IPV6, "2001:db8:::1", "not an IPv6 address");
    canon_n_err(IOC_IPV6, "::1\0", 4, ERR_PARSE, "not an IPv6 address");
}

static void test_cidr(void **state)
{
    (void)state;
    canon_eq(IOC_CIDR, "10.0.0.0/8", "10.0.0.0/8");
    canon_eq(IOC_CIDR, "192.0.2.1/32", "192.0.2.1/32");
    canon_eq(IOC_CIDR, "0.0.0.0/0", "0.0.0.0/0");
    canon_eq(IOC_CIDR, "2001:DB8:0::/32", "2001:db8::/32");
    canon_eq(IOC_CIDR, "2001:db8::1/128", "2001:db8::1/128");
    canon_eq(IOC_CIDR, "::/0", "::/0");
    canon_eq(IOC_CIDR, "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104");
    canon_err(IOC_CIDR, "10.0.0.1/8", "host bits set (the network is 10.0.0.0/8)");
    canon_err(IOC_CIDR, "192.0.2.129/25", "the network is 192.0.2.128/25");
    canon_err(IOC_CIDR, "2001:db8::1/64", "host bits set (the network is 2001:db8::/64)");
    canon_err(IOC_CIDR, "10.0.0.0/33", "prefix length must be 0..32");
    canon_err(IOC_CIDR, "2001:db8::/129", "prefix length must be 0..128");
    canon_err(IOC_CIDR, "10.0.0.0/", "prefix length");
    canon_err(IOC_CIDR, "10.0.0.0/08", "leading zeros");
    canon_err(IOC_CIDR, "10.0.0.0/8x", "prefix length");
    canon_err(IOC_CIDR, "10.0.0.0", "missing \"/length\"");
    canon_err(IOC_CIDR, "010.0.0.0/8", "bad IPv4 network: octet 1");
    canon_err(IOC_CIDR, "10.0.0/8", "bad IPv4 network");
    canon_err(IOC_CIDR, "x::y/8", "bad IPv6 network");
}

static void test_domain(void **state)
{
    (void)state;
    canon_eq(IOC_DOMAIN, "Example.COM.", "example.com");
    canon_eq(IOC_DOMAIN, "example.com", "example.com");
    canon_eq(IOC_DOMAIN, "localhost", "localhost");
    canon_eq(IOC_DOMAIN, "a_b.evil-site.net", "a_b.evil-site.net");
    canon_eq(IOC_DOMAIN, "-lead.example", "-lead.example"); /* ASCII path: no hyphen rules */
    canon_eq(IOC_DOMAIN, "XN--BCHER-KVA.de", "xn--bcher-kva.de");
    canon_eq(IOC_DOMAIN,
             "B\xc3\xbc"
             "cher.de",
             "xn--bcher-kva.de"); /* Bücher */
    canon_eq(IOC_DOMAIN,
             "\xc3\x9c"
             "BER.de.",
             "xn--ber-goa.de");                                     /* ÜBER */
    canon_eq(IOC_DOMAIN, "\xc3\x9f.de", "xn--zca.de");              /* ß: non-transitional */
    canon_eq(IOC_DOMAIN, "\xef\xbd\x85\xef\xbd\x98.com", "ex.com"); /* fullwidth */
    canon_eq(IOC_DOMAIN, "a\xe3\x80\x82\xc3\xbc", "a.xn--tda");     /* a。ü */
    canon_eq(IOC_DOMAIN, "u\xcc\x88.de", "xn--tda.de");             /* NFC */
}

static void test_domain_lengths(void **state)
{
    char name[300], dotted[300];

    (void)state;
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
    memset(name, 'a', sizeof(name));
    name[63] = name[127] = name[191] = '.';
    name[253] = '\0';
    canon_eq(IOC_DOMAIN, name, name);
    memcpy(dotted, name, 253);
    memcpy(dotted + 253, ".", 2); /* 254 bytes with the trailing dot is still fine */
    canon_eq(IOC_DOMAIN, dotted, name);
}

static void test_domain_errors(void **state)
{
    char name[300];

    (void)state;
    canon_err(IOC_DOMAIN, "\xff.com", "invalid UTF-8 at byte 0");
    canon_err(IOC_DOMAIN, "ab\xc0\xaf.com", "invalid UTF-8 at byte 2"); /* overlong */
    canon_err(IOC_DOMAIN, "\xed\xa0\x80.com", "invalid UTF-8");         /* surrogate */
    canon_err(IOC_DOMAIN, "x\xc3", "invalid UTF-8 at byte 1");          /* truncated */
    canon_err(IOC_DOMAIN, "-\xc3\xbc.com", "IDNA");                     /* hyphen */
    canon_err(IOC_DOMAIN, "xn--zz.\xc3\xbc", "IDNA");                   /* punycode */
    canon_err(IOC_DOMAIN, "\xef\xbc\x85\xef\xbc\x94\xef\xbc\x91.\xc3\xbc",
              "of the IDNA form (0x25)"); /* fullwidth "%41" maps to '%' */
    canon_err(IOC_DOMAIN, "*.example.com", "byte 0 (0x2a) is not a letter");
    canon_err(IOC_DOMAIN, "a b.com", "byte 1 (0x20)");
    canon_err(IOC_DOMAIN, "a..b", "empty label at byte 2");
    canon_err(IOC_DOMAIN, ".a", "empty label at byte 0");
    canon_err(IOC_DOMAIN, "a..", "empty label at byte 2");
    canon_err(IOC_DOMAIN, ".", "empty name");
    canon_n_err(IOC_DOMAIN, "", 0, ERR_PARSE, "empty");
    canon_n_err(IOC_DOMAIN, "x.com\0", 6, ERR_PARSE, "byte 5 (0x00)");
    canon_n_err(IOC_DOMAIN, "\xc3\xbc\0", 3, ERR_PARSE, "NUL byte at 2");
    memset(name, 'a', sizeof(name));
    memcpy(name + 64, ".com", 5);
    canon_err(IOC_DOMAIN, name, "label at byte 0 is 64 bytes long (max 63)");
    name[0] = '\xc3', name[1] = '\xbc'; /* an U-label whose A-label is too long */
    canon_err(IOC_DOMAIN, name, "");
    memset(name, 'a', sizeof(name));
    name[63] = name[127] = name[191] = '.';
    name[254] = '\0';
    canon_err(IOC_DOMAIN, name, "name is 254 bytes long (max 253)");
}

static void test_hashes(void **state)
{
    (void)state;
    canon_eq(IOC_MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e");
    canon_eq(IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
             "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    canon_eq(IOC_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    canon_err(IOC_MD5, "d41d8cd98f00b204e9800998ecf8427", "expected 32 hex digits, got 31");
    canon_err(IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e0", "got 33");
    canon_err(IOC_MD5, "d41d8cd98f00b204e9800998ecf8427g", "byte 31 (0x67) is not a hex");
    canon_err(IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd8070", "expected 40");
    canon_err(IOC_SHA1, " a39a3ee5e6b4b0d3255bfef95601890afd80709", "byte 0 (0x20)");
    canon_err(IOC_SHA256, "d41d8cd98f00b204e9800998ecf8427e", "expected 64 hex digits, got 32");
}

static void test_email(void **state)
{
    char local[80];

    (void)state;
    canon_eq(IOC_EMAIL, "Alice@Example.COM.", "Alice@example.com");
    canon_eq(IOC_EMAIL,
             "user+tag@B\xc3\xbc"
             "cher.de",
             "user+tag@xn--bcher-kva.de");
    canon_eq(IOC_EMAIL, "\"a@b\"@x.org", "\"a@b\"@x.org");
    canon_eq(IOC_EMAIL, "j\xc3\xb6rg@x.org", "j\xc3\xb6rg@x.org");
    canon_err(IOC_EMAIL, "@x.com", "missing local part");
    canon_err(IOC_EMAIL, "a@", "missing domain");
    canon_err(IOC_EMAIL, "ax.com", "no '@'");
    canon_err(IOC_EMAIL, "a b@x.com", "byte 0x20 at 1");
    canon_err(IOC_EMAIL, "\xff@x.com", "invalid UTF-8 at byte 0");
    canon_err(IOC_EMAIL, "a@-\xc3\xbc.com", "email domain: IDNA");
    canon_err(IOC_EMAIL, "a@x..com", "email domain: empty label");
    memset(local, 'l', 65);
    memcpy(local + 65, "@x.org", 7);
    canon_err(IOC_EMAIL, local, "local part is 65 bytes long (max 64)");
}

static void test_asn(void **state)
{
    (void)state;
    canon_eq(IOC_ASN, "AS64500", "64500");
    canon_eq(IOC_ASN, "as1", "1");
    canon_eq(IOC_ASN, "aS13335", "13335");
    canon_eq(IOC_ASN, "64500", "64500");
    canon_eq(IOC_ASN, "AS4294967295", "4294967295");
    canon_eq(IOC_ASN, "AS1.10", "65546"); /* RFC 5396 asdot */
    canon_eq(IOC_ASN, "0.1", "1");
    canon_eq(IOC_ASN, "007", "7");
    canon_err(IOC_ASN, "AS0", "AS0 is reserved");
    canon_err(IOC_ASN, "0.0", "AS0 is reserved");
    canon_err(IOC_ASN, "4294967296", "not a number in 1..4294967295");
    canon_err(IOC_ASN, "AS", "not a number");
    canon_err(IOC_ASN, "AS-1", "not a number");
    canon_err(IOC_ASN, "AS 1", "not a number");
    canon_err(IOC_ASN, "1.65536", "asdot");
    canon_err(IOC_ASN, "1.", "asdot");
}

static void test_limits(void **state)
{
    char out[IOC_VALUE_MAX + 8], big[IOC_VALUE_MAX + 2];
    struct err e = {0};

    (void)state;
    assert_int_equal(ioc_canon(IOC_DOMAIN, "example.com", 11, out, 12, &e), ERR_OK);
    assert_string_equal(out, "example.com");
    assert_int_equal(ioc_canon(IOC_DOMAIN, "example.com", 11, out, 11, &e), ERR_LIMIT);
    assert_non_null(strstr(e.msg, "do not fit 11"));
    assert_string_equal(out, "");
    assert_int_equal(ioc_canon(IOC_IPV4, "10.0.0.1", 8, out, 8, &e), ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, out, 32, &e),
                     ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_ASN, "AS1", 3, out, 1, &e), ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_URL, "http://a.b/", 11, out, 11, &e), ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_URL, "http://a.b/", 11, out, 12, &e), ERR_OK);
    assert_int_equal(ioc_canon(IOC_EMAIL, "a@b.c", 5, out, 5, &e), ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_DOMAIN, "a", 1, NULL, 0, &e), ERR_LIMIT);
    assert_int_equal(ioc_canon(IOC_NTYPES, "a", 1, out, sizeof(out), &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "unknown indicator type"));
    assert_int_equal(ioc_canon(IOC_DOMAIN, NULL, 0, out, sizeof(out), &e), ERR_PARSE);
    memset(big, 'a', sizeof(big));
    assert_int_equal(ioc_canon(IOC_URL, big, IOC_VALUE_MAX + 1, out, sizeof(out), &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "4097 bytes is longer than 4096"));
    assert_int_equal(ioc_canon(IOC_DOMAIN, "a", 1, out, sizeof(out), NULL), ERR_OK);
    assert_int_equal(ioc_canon(IOC_DOMAIN, "*", 1, out, sizeof(out), NULL), ERR_PARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),    cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6),          cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_domain),        cmocka_unit_test(test_domain_lengths),
        cmocka_unit_test(test_domain_errors), cmocka_unit_test(test_hashes),
        cmocka_unit_test(test_email),         cmocka_unit_test(test_asn),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
