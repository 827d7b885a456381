/* test_ip.c - unit tests of util/ip.c: IPv4/IPv6 text to the 16-byte form and back
 * (IPv4-mapped storage, RFC 5952 compression), CIDR parsing (host bits, lengths),
 * containment at prefix edges, IPv4 versus IPv6 prefixes and the format round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

static struct ip16 ip(const char *s)
{
    struct ip16 a;
    struct err e;

    if (ip16_parse(s, &a, &e) != ERR_OK)
        fail_msg("ip16_parse('%s'): %s", s, e.msg);
    return a;
}

static struct cidr pfx(const char *s)
{
    struct cidr c;
    struct err e;

    if (cidr_parse(s, &c, &e) != ERR_OK)
        fail_msg("cidr_parse('%s'): %s", s, e.msg);
    return c;
}

static const char *fmt(const char *s, char *out)
{
    struct ip16 a = ip(s);

    return ip16_format(&a, out, 64);
}

static void test_ip_parse_v4_is_mapped(void **state)
{
    static const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    struct ip16 a = ip("192.0.2.1"), b;

    (void)state;
    assert_memory_equal(a.b, want, 16);
    assert_true(ip16_is_v4(&a));
    ip16_from_v4(&b, 0xc0000201u);
    assert_memory_equal(b.b, want, 16);
    b = ip("::ffff:192.0.2.1");
    assert_memory_equal(b.b, want, 16);
    b = ip("::ffff:c000:201");
    assert_memory_equal(b.b, want, 16);
}

static void test_ip_parse_v6(void **state)
{
    static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    struct ip16 a = ip("2001:db8::1");

    (void)state;
    assert_memory_equal(a.b, want, 16);
    assert_false(ip16_is_v4(&a));
    a = ip("::");
    assert_false(ip16_is_v4(&a));
    a = ip("::1.2.3.4"); /* IPv4-compatible is not IPv4-mapped */
    assert_false(ip16_is_v4(&a));
    a = ip("::fffe:1.2.3.4");
    assert_false(ip16_is_v4(&a));
}

static void test_ip_parse_rejects(void **state)
{
    static const char *const bad[] = {"",
                                      "1.2.3",
                                      "256.1.1.1",
                                      "1.2.3.4.5",
                                      "1.2.3.-1",
                                      "2001:db8:::1",
                                      "gggg::",
                                      "1.2.3.4 ",
                                      " 1.2.3.4",
                                      "2001:db8::1/64",
                                      "1:2:3:4:5:6:7:8:9",
                                      "localhost",
                                      "01.2.3.4",
                                      "::ffff:1.2.3"};
    struct ip16 a;
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.code = ERR_OK;
        if (ip16_parse(bad[i], &a, &e) != ERR_PARSE)
            fail_msg("ip16_parse accepted '%s'", bad[i]);
        assert_int_equal(e.code, ERR_PARSE);
    }
    assert_int_equal(ip16_parse(NULL, &a, &e), ERR_PARSE);
    assert_int_equal(ip16_parse("nope", &a, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "'nope'"));
}

static void test_ip_format_v4(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(fmt("192.0.2.1", out), "192.0.2.1");
    assert_string_equal(fmt("0.0.0.0", out), "0.0.0.0");
    assert_string_equal(fmt("255.255.255.255", out), "255.255.255.255");
    assert_string_equal(fmt("::ffff:10.0.0.1", out), "10.0.0.1"); /* mapped prints as v4 */
    assert_string_equal(fmt("::FFFF:a00:1", out), "10.0.0.1");
}

static void test_ip_format_v6_rfc5952(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(fmt("2001:0db8:0000:0000:0000:0000:0000:0001", out), "2001:db8::1");
    assert_string_equal(fmt("2001:DB8::A", out), "2001:db8::a");
    assert_string_equal(fmt("2001:db8:0:0:1:0:0:1", out), "2001:db8::1:0:0:1");    /* first run */
    assert_string_equal(fmt("2001:0:0:1:0:0:0:1", out), "2001:0:0:1::1");          /* longest */
    assert_string_equal(fmt("2001:db8:0:1:1:1:1:1", out), "2001:db8:0:1:1:1:1:1"); /* one 0 */
    assert_string_equal(fmt("0:0:0:0:0:0:0:0", out), "::");
    assert_string_equal(fmt("0:0:0:0:0:0:0:1", out), "::1");
    assert_string_equal(fmt("fe80:0:0:0:0:0:0:0", out), "fe80::");
    assert_string_equal(fmt("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", out),
                        "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
    assert_string_equal(fmt("64:ff9b::192.0.2.1", out), "64:ff9b::c000:201");
}

static void test_ip_format_small_cap(void **state)
{
    struct ip16 a = ip("2001:db8::1");
    char out[8] = "QQQQQQQ";

    (void)state;
    assert_ptr_equal(ip16_format(&a, out, 0), out);
    assert_int_equal(out[0], 'Q');
    ip16_format(&a, out, 4); /* too small for inet_ntop: empty, not garbage */
    assert_string_equal(out, "");
    a = ip("192.0.2.1");
    ip16_format(&a, out, 6);
    assert_string_equal(out, "192.0");
}

static void test_cidr_parse_v4(void **state)
{
    struct cidr c = pfx("10.0.0.0/8");
    struct ip16 net = ip("10.0.0.0");

    (void)state;
    assert_int_equal(c.len, 96 + 8);
    assert_memory_equal(c.net.b, net.b, 16);
    c = pfx("0.0.0.0/0");
    assert_int_equal(c.len, 96);
    assert_true(ip16_is_v4(&c.net));
    c = pfx("192.0.2.1/32");
    assert_int_equal(c.len, 128);
    c = pfx("192.0.2.1"); /* no length: a host */
    assert_int_equal(c.len, 128);
    c = pfx("192.0.2.128/25");
    assert_int_equal(c.len, 96 + 25);
}

static void test_cidr_parse_v6(void **state)
{
    struct cidr c = pfx("2001:db8::/32");
    struct ip16 net = ip("2001:db8::");

    (void)state;
    assert_int_equal(c.len, 32);
    assert_memory_equal(c.net.b, net.b, 16);
    c = pfx("::/0");
    assert_int_equal(c.len, 0);
    c = pfx("::1/128");
    assert_int_equal(c.len, 128);
    c = pfx("2001:db8::1");
    assert_int_equal(c.len, 128);
    c = pfx("fe80::/10");
    assert_int_equal(c.len, 10);
    c = pfx("::ffff:0:0/96"); /* written as IPv6: the length is taken as IPv6 */
    assert_int_equal(c.len, 96);
}

static void test_cidr_parse_host_bits_set(void **state)
{
    static const char *const bad[] = {
        "10.0.0.1/8",         "192.0.2.129/25", "10.128.0.0/8", "2001:db8::1/64",
        "2001:db8:8000::/32", "::1/127",        "0.0.0.1/0",    "fe80::/8"};
    struct cidr c;
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.msg[0] = '\0';
        if (cidr_parse(bad[i], &c, &e) != ERR_PARSE)
            fail_msg("cidr_parse accepted '%s'", bad[i]);
        assert_non_null(strstr(e.msg, "host bits"));
    }
}

static void test_cidr_parse_bad_length_and_address(void **state)
{
    static const char *const bad_len[] = {"10.0.0.0/33", "::/129",     "10.0.0.0/-1",
                                          "10.0.0.0/",   "10.0.0.0/a", "10.0.0.0/8/8",
                                          "10.0.0.0/8x", "::/1000",    "10.0.0.0/4294967304"};
    static const char *const bad_addr[] = {"/8", "", "10.0.0/8", "x/8", "10.0.0.0.0/8"};
    char longv6[100];
    struct cidr c;
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
        e.msg[0] = '\0';
        if (cidr_parse(bad_len[i], &c, &e) != ERR_PARSE)
            fail_msg("cidr_parse accepted '%s'", bad_len[i]);
        assert_non_null(strstr(e.msg, "prefix length"));
    }
    for (size_t i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++)
        if (cidr_parse(bad_addr[i], &c, &e) != ERR_PARSE)
            fail_msg("cidr_parse accepted '%s'", bad_addr[i]);
    memset(longv6, '0', sizeof(longv6));
    memcpy(longv6 + 70, "::/64", 6);
    assert_int_equal(cidr_parse(longv6, &c, &e), ERR_PARSE);
}

static bool in(const char *prefix, const char *addr)
{
    struct cidr c = pfx(prefix);
    struct ip16 a = ip(addr);

    return cidr_contains(&c, &a);
}

static void test_cidr_contains_v4_edges(void **state)
{
    (void)state;
    assert_true(in("10.1.0.0/16", "10.1.0.0"));
    assert_true(in("10.1.0.0/16", "10.1.255.255"));
    assert_true(in("10.1.0.0/16", "10.1.128.7"));
    assert_false(in("10.1.0.0/16", "10.0.255.255"));
    assert_false(in("10.1.0.0/16", "10.2.0.0"));
    assert_true(in("10.1.0.0/16", "::ffff:10.1.2.3"));
    /* Not on a byte boundary. */
    assert_true(in("10.128.0.0/9", "10.200.0.0"));
    assert_true(in("10.128.0.0/9", "10.255.255.255"));
    assert_false(in("10.128.0.0/9", "10.127.255.255"));
    assert_true(in("192.0.2.128/25", "192.0.2.128"));
    assert_false(in("192.0.2.128/25", "192.0.2.127"));
    /* Host prefixes. */
    assert_true(in("192.0.2.1/32", "192.0.2.1"));
    assert_false(in("192.0.2.1/32", "192.0.2.0"));
    assert_false(in("192.0.2.1/32", "192.0.2.2"));
}

static void test_cidr_contains_v4_zero_is_only_v4(void **state)
{
    (void)state;
    assert_true(in("0.0.0.0/0", "0.0.0.0"));
    assert_true(in("0.0.0.0/0", "1.2.3.4"));
    assert_true(in("0.0.0.0/0", "255.255.255.255"));
    assert_false(in("0.0.0.0/0", "2001:db8::1"));
    assert_false(in("0.0.0.0/0", "::"));
    assert_false(in("0.0.0.0/0", "::1.2.3.4"));
    /* An IPv4 prefix never matches an IPv6 address with the same leading bits. */
    assert_false(in("10.0.0.0/8", "a00::1"));
    assert_false(in("10.0.0.0/8", "::10.0.0.1"));
}

static void test_cidr_contains_v6(void **state)
{
    (void)state;
    assert_true(in("2001:db8::/32", "2001:db8::"));
    assert_true(in("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_false(in("2001:db8::/32", "2001:db9::"));
    assert_false(in("2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_true(in("2001:db8:8000::/33", "2001:db8:8000::1"));
    assert_false(in("2001:db8:8000::/33", "2001:db8:7fff::1"));
    assert_true(in("fe80::/10", "febf::1"));
    assert_false(in("fe80::/10", "fec0::1"));
    assert_true(in("::1/128", "::1"));
    assert_false(in("::1/128", "::2"));
    assert_false(in("2001:db8::/32", "32.1.13.184")); /* 0x20010db8 as IPv4 */
    /* ::/0 is all of the 16-byte space, IPv4-mapped addresses included. */
    assert_true(in("::/0", "2001:db8::1"));
    assert_true(in("::/0", "::"));
    assert_true(in("::/0", "1.2.3.4"));
}

static void test_cidr_format_round_trip(void **state)
{
    static const char *const good[] = {"0.0.0.0/0",     "10.0.0.0/8",         "192.0.2.128/25",
                                       "192.0.2.1/32",  "10.128.0.0/9",       "::/0",
                                       "2001:db8::/32", "2001:db8:0:1::/64",  "fe80::/10",
                                       "::1/128",       "2001:db8:8000::/33", "::/1"};
    char out[80];

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct cidr c = pfx(good[i]), d;
        assert_string_equal(cidr_format(&c, out, sizeof(out)), good[i]);
        d = pfx(out);
        assert_int_equal(d.len, c.len);
        assert_memory_equal(d.net.b, c.net.b, 16);
    }
    {
        struct cidr h = pfx("192.0.2.1");
        assert_string_equal(cidr_format(&h, out, sizeof(out)), "192.0.2.1/32");
        h = pfx("2001:db8::1");
        assert_string_equal(cidr_format(&h, out, sizeof(out)), "2001:db8::1/128");
        /* ::ffff:0:0/96 is the IPv4 space: it prints as the IPv4 /0 it equals. */
        h = pfx("::ffff:0:0/96");
        assert_string_equal(cidr_format(&h, out, sizeof(out)), "0.0.0.0/0");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_parse_v4_is_mapped),
        cmocka_unit_test(test_ip_parse_v6),
        cmocka_unit_test(test_ip_parse_rejects),
        cmocka_unit_test(test_ip_format_v4),
        cmocka_unit_test(test_ip_format_v6_rfc5952),
        cmocka_unit_test(test_ip_format_small_cap),
        cmocka_unit_test(test_cidr_parse_v4),
        cmocka_unit_test(test_cidr_parse_v6),
        cmocka_unit_test(test_cidr_parse_host_bits_set),
        cmocka_unit_test(test_cidr_parse_bad_length_and_address),
        cmocka_unit_test(test_cidr_contains_v4_edges),
        cmocka_unit_test(test_cidr_contains_v4_zero_is_only_v4),
        cmocka_unit_test(test_cidr_contains_v6),
        cmocka_unit_test(test_cidr_format_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
