/* test_snap.c - unit tests of match/ snapshots: building, the canonical-value checks,
 * domain suffix matching, URL expressions, longest-prefix address matching, hashes,
 * duplicates, allocation failures and the memory per indicator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

static struct match_snap *build(const char *const *spec, size_t n)
{
    struct match_builder *b;
    struct match_snap *s;
    struct err e;

    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        enum ioc_type t;
        const char *sp = strchr(spec[i], ' ');
        char tn[16];

        assert_non_null(sp);
        memcpy(tn, spec[i], (size_t)(sp - spec[i]));
        tn[sp - spec[i]] = '\0';
        assert_true(ioc_type_parse(tn, &t));
        assert_int_equal(
            match_builder_add(b, t, sp + 1, strlen(sp + 1), (int64_t)i + 1, 10.0 + (double)i, &e),
            ERR_OK);
    }
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    return s;
}

static const char *const listed[] = {
    "domain evil.example",
    "domain deep.a.b.c.bad.test",
    "domain xn--bcher-kva.example",
    "domain co.uk.example",
    "url http://phish.example/login/index.html",
    "url http://whole.example/",
    "ipv4 192.0.2.7",
    "cidr 198.51.100.0/24",
    "cidr 198.51.0.0/16",
    "ipv6 2001:db8::1",
    "cidr 2001:db8:ff00::/40",
    "md5 d41d8cd98f00b204e9800998ecf8427e",
    "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "email someone@evil.example",
    "asn 64496",
};
#define NLISTED (sizeof(listed) / sizeof(listed[0]))

static void hit_is(bool got, const struct match_hit *h, enum ioc_type t, const char *value,
                   int64_t id)
{
    assert_true(got);
    assert_int_equal(h->type, t);
    assert_int_equal(h->len, strlen(value));
    assert_memory_equal(h->value, value, h->len);
    assert_int_equal(h->id, id);
    assert_true(h->score == 9.0 + (double)id);
}

static void test_domain_exact_and_parents(void **state)
{
    struct match_snap *s = build(listed, NLISTED);
    struct match_hit h;

    (void)state;
    hit_is(match_domain(s, "evil.example", 12, &h), &h, IOC_DOMAIN, "evil.example", 1);
    hit_is(match_domain(s, "a.b.EVIL.Example.", 17, &h), &h, IOC_DOMAIN, "evil.example", 1);
    hit_is(match_domain(s, "x.deep.a.b.c.bad.test", 21, &h), &h, IOC_DOMAIN, "deep.a.b.c.bad.test",
           2);
    assert_false(match_domain(s, "a.b.c.bad.test", 14, &h));
    assert_false(match_domain(s, "example", 7, &h));
    assert_false(match_domain(s, "notevil.example", 15, &h)); /* label boundary */
    assert_false(match_domain(s, "evil.example.com", 16, &h));
    assert_false(match_domain(s, "vil.example", 11, &h));
    assert_false(match_domain(s, "a..evil.example", 15, &h)); /* empty label */
    assert_false(match_domain(s, "", 0, &h));
    assert_false(match_domain(s, ".", 1, &h));
    hit_is(match_domain(s, "www.xn--bcher-kva.example", 25, &h), &h, IOC_DOMAIN,
           "xn--bcher-kva.example", 3);
    match_snap_unref(s);
}

static void test_domain_most_specific_wins(void **state)
{
    static const char *const l[] = {"domain example.org", "domain mail.example.org"};
    struct match_snap *s = build(l, 2);
    struct match_hit h;

    (void)state;
    hit_is(match_domain(s, "x.mail.example.org", 18, &h), &h, IOC_DOMAIN, "mail.example.org", 2);
    hit_is(match_domain(s, "www.example.org", 15, &h), &h, IOC_DOMAIN, "example.org", 1);
    match_snap_unref(s);
}

static void test_domain_limits(void **state)
{
    static const char *const l[] = {"domain example.net"};
    struct match_snap *s = build(l, 1);
    struct match_hit h;
    char name[300];

    (void)state;
    /* 63-byte label ok, 64 rejected */
    memset(name, 'a', 63);
    memcpy(name + 63, ".example.net", 12);
    hit_is(match_domain(s, name, 75, &h), &h, IOC_DOMAIN, "example.net", 1);
    memset(name, 'a', 64);
    memcpy(name + 64, ".example.net", 12);
    assert_false(match_domain(s, name, 76, &h));
    /* 253 bytes ok, 254 rejected: 120 labels "a." + "example.net" is 251 */
    for (int i = 0; i < 121; i++)
        memcpy(name + 2 * i, "a.", 2);
    memcpy(name + 242, "example.net", 11);
    hit_is(match_domain(s, name, 253, &h), &h, IOC_DOMAIN, "example.net", 1);
    hit_is(match_domain(s, name, 253, &h), &h, IOC_DOMAIN, "example.net", 1);
    memcpy(name + 253, ".", 1);
    hit_is(match_domain(s, name, 254, &h), &h, IOC_DOMAIN, "example.net", 1); /* dot */
    name[0] = 'b';
    memmove(name + 1, name, 253);
    assert_false(match_domain(s, name, 254, &h));
    /* more dots than a name can have labels (found by fuzz_querylog) */
    memset(name, '.', 253);
    assert_false(match_domain(s, name, 253, &h));
    for (int i = 0; i < 126; i++)
        memcpy(name + 2 * i, "a.", 2);
    name[252] = 'a';
    assert_false(match_domain(s, name, 253, &h)); /* 127 labels, fine, but not listed */
    match_snap_unref(s);
}

static void test_url_expressions(void **state)
{
    struct match_snap *s = build(listed, NLISTED);
    struct match_hit h;
    char c[IOC_VALUE_MAX];
    struct err e;

    (void)state;
    assert_int_equal(
        ioc_canon(IOC_URL, "http://PHISH.example/login/index.html?x=1", 41, c, sizeof(c), &e),
        ERR_OK);
    hit_is(match_url(s, c, &h), &h, IOC_URL, "phish.example/login/index.html", 5);
    assert_int_equal(
        ioc_canon(IOC_URL, "https://a.b.phish.example/login/index.html", 42, c, sizeof(c), &e),
        ERR_OK);
    hit_is(match_url(s, c, &h), &h, IOC_URL, "phish.example/login/index.html", 5);
    assert_int_equal(
        ioc_canon(IOC_URL, "http://phish.example/login/other.html", 37, c, sizeof(c), &e), ERR_OK);
    assert_false(match_url(s, c, &h));
    assert_int_equal(
        ioc_canon(IOC_URL, "http://www.whole.example/any/path?q", 35, c, sizeof(c), &e), ERR_OK);
    hit_is(match_url(s, c, &h), &h, IOC_URL, "whole.example/", 6);
    match_snap_unref(s);
}

static void test_ip_longest_prefix(void **state)
{
    struct match_snap *s = build(listed, NLISTED);
    struct match_hit h;
    struct ip16 ip;

    (void)state;
    assert_int_equal(ip16_parse("192.0.2.7", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_IPV4, "192.0.2.7", 7);
    assert_int_equal(ip16_parse("192.0.2.8", &ip, NULL), ERR_OK);
    assert_false(match_ip(s, &ip, &h));
    assert_int_equal(ip16_parse("198.51.100.200", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "198.51.100.0/24", 8);
    assert_int_equal(ip16_parse("198.51.7.1", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "198.51.0.0/16", 9);
    assert_int_equal(ip16_parse("198.52.0.1", &ip, NULL), ERR_OK);
    assert_false(match_ip(s, &ip, &h));
    assert_int_equal(ip16_parse("2001:db8::1", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_IPV6, "2001:db8::1", 10);
    assert_int_equal(ip16_parse("2001:db8:ff12::99", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "2001:db8:ff00::/40", 11);
    assert_int_equal(ip16_parse("2001:db8:fe00::1", &ip, NULL), ERR_OK);
    assert_false(match_ip(s, &ip, &h));
    assert_int_equal(ip16_parse("::ffff:192.0.2.7", &ip, NULL), ERR_OK); /* same ip16 */
    hit_is(match_ip(s, &ip, &h), &h, IOC_IPV4, "192.0.2.7", 7);
    match_snap_unref(s);
}

static void test_ip_default_routes(void **state)
{
    static const char *const l[] = {"cidr 0.0.0.0/0", "cidr ::/0", "cidr 10.0.0.0/8"};
    struct match_snap *s = build(l, 3);
    struct match_hit h;
    struct ip16 ip;

    (void)state;
    assert_int_equal(ip16_parse("10.1.2.3", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "10.0.0.0/8", 3);
    assert_int_equal(ip16_parse("11.1.2.3", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "0.0.0.0/0", 1);
    assert_int_equal(ip16_parse("2001:db8::5", &ip, NULL), ERR_OK);
    hit_is(match_ip(s, &ip, &h), &h, IOC_CIDR, "::/0", 2);
    match_snap_unref(s);
}

static void test_hashes(void **state)
{
    struct match_snap *s = build(listed, NLISTED);
    struct match_hit h;
    const char *md5 = "D41D8CD98F00B204E9800998ECF8427E";

    (void)state;
    hit_is(match_hash(s, IOC_MD5, md5, 32, &h), &h, IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e",
           12);
    assert_false(match_hash(s, IOC_SHA1, md5, 32, &h));
    hit_is(match_hash(s, IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 40, &h), &h,
           IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 13);
    assert_false(match_hash(s, IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80708", 40, &h));
    assert_false(match_hash(s, IOC_DOMAIN, "evil.example", 12, &h));
    match_snap_unref(s);
}

static void test_counts_and_ignored_types(void **state)
{
    struct match_snap *s = build(listed, NLISTED);
    struct match_snap_stats st;

    (void)state;
    match_snap_stats(s, &st);
    assert_int_equal(st.entries, 14);
    assert_int_equal(st.count[IOC_DOMAIN], 4);
    assert_int_equal(st.count[IOC_URL], 2);
    assert_int_equal(st.count[IOC_CIDR], 3);
    assert_int_equal(st.count[IOC_EMAIL], 0);
    assert_int_equal(st.count[IOC_ASN], 0);
    match_snap_unref(s);
}

static void test_rejects_non_canonical(void **state)
{
    static const struct {
        enum ioc_type t;
        const char *v;
    } bad[] = {
        {IOC_DOMAIN, "Evil.example"},
        {IOC_DOMAIN, "evil.example."},
        {IOC_DOMAIN, "a..b"},
        {IOC_DOMAIN, ""},
        {IOC_URL, "phish.example/x"},
        {IOC_URL, "http://host"},
        {IOC_MD5, "abc"},
        {IOC_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"},
        {IOC_IPV4, "2001:db8::1"},
        {IOC_IPV6, "192.0.2.1"},
        {IOC_CIDR, "10.0.0.1/8"},
        {IOC_IPV4, "300.1.1.1"},
    };
    struct match_builder *b;
    struct match_snap *s;
    struct match_snap_stats st;
    struct err e;

    (void)state;
    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.msg[0] = '\0';
        assert_int_equal(match_builder_add(b, bad[i].t, bad[i].v, strlen(bad[i].v), 1, 1, &e),
                         ERR_PARSE);
        assert_non_null(strstr(e.msg, "match: "));
    }
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    match_snap_stats(s, &st);
    assert_int_equal(st.entries, 0);
    match_snap_unref(s);
}

static void test_duplicates_keep_higher_score(void **state)
{
    struct match_builder *b;
    struct match_snap *s;
    struct match_hit h;
    struct match_snap_stats st;
    struct err e;

    (void)state;
    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_DOMAIN, "dup.example", 11, 1, 50, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_DOMAIN, "dup.example", 11, 2, 70, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_DOMAIN, "dup.example", 11, 3, 60, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_IPV4, "192.0.2.1", 9, 4, 1, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_IPV4, "192.0.2.1", 9, 5, 2, &e), ERR_OK);
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    match_snap_stats(s, &st);
    assert_int_equal(st.entries, 2);
    assert_true(match_domain(s, "dup.example", 11, &h));
    assert_int_equal(h.id, 2);
    assert_true(h.score == 70.0);
    match_snap_unref(s);
}

/* Many names force the tables to grow; every one must still be found, and the bytes
 * per indicator beyond the strings stay within 48. */
static void test_many_domains_and_memory(void **state)
{
    const size_t n = 200000;
    struct match_builder *b;
    struct match_snap *s;
    struct match_snap_stats st;
    struct match_hit h;
    struct err e;
    char name[64];
    double per;

    (void)state;
    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(name, sizeof(name), "host%zu.zone%zu.example", i, i % 97);

        assert_int_equal(match_builder_add(b, IOC_DOMAIN, name, (size_t)k, (int64_t)i, 1, &e),
                         ERR_OK);
    }
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(name, sizeof(name), "www.host%zu.zone%zu.example", i, i % 97);

        assert_true(match_domain(s, name, (size_t)k, &h));
        assert_int_equal(h.id, (int64_t)i);
        k = snprintf(name, sizeof(name), "host%zu.zone%zu.example", i + n, i % 97);
        assert_false(match_domain(s, name, (size_t)k, &h));
    }
    match_snap_stats(s, &st);
    assert_int_equal(st.entries, n);
    per = (double)(st.bytes - st.string_bytes) / (double)n;
    printf("match: %zu domains: %.1f bytes per indicator beyond %zu string bytes\n", n, per,
           st.string_bytes);
    assert_true(per <= 48.0);
    match_snap_unref(s);
}

/* Addresses and prefixes: every one found, within 48 bytes per indicator too. */
static void test_many_addresses_and_memory(void **state)
{
    const size_t n = 100000;
    struct match_builder *b;
    struct match_snap *s;
    struct match_snap_stats st;
    struct match_hit h;
    struct ip16 ip;
    struct err e;
    char v[64];
    double per;

    (void)state;
    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        int k = i % 2 ? snprintf(v, sizeof(v), "10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255)
                      : snprintf(v, sizeof(v), "2001:%zx:%zx::/48", i >> 16, i & 0xffff);

        assert_int_equal(
            match_builder_add(b, i % 2 ? IOC_IPV4 : IOC_CIDR, v, (size_t)k, (int64_t)i, 1, &e),
            ERR_OK);
    }
    assert_int_equal(
        match_builder_add(b, IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, -1, 1, &e), ERR_OK);
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        if (i % 2)
            (void)snprintf(v, sizeof(v), "10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255);
        else
            (void)snprintf(v, sizeof(v), "2001:%zx:%zx:1::9", i >> 16, i & 0xffff);
        assert_int_equal(ip16_parse(v, &ip, NULL), ERR_OK);
        assert_true(match_ip(s, &ip, &h));
        assert_int_equal(h.id, (int64_t)i);
    }
    assert_true(match_hash(s, IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, &h));
    match_snap_stats(s, &st);
    per = (double)(st.bytes - st.string_bytes) / (double)(n + 1);
    printf("match: %zu addresses: %.1f bytes per indicator beyond %zu string bytes\n", n, per,
           st.string_bytes);
    assert_true(per <= 48.0);
    match_snap_unref(s);
}

/* Every allocation of building fails in turn: an error, never a crash or leak. */
static void test_allocation_failures(void **state)
{
    (void)state;
    for (long k = 1; k < 40; k++) {
        struct match_builder *b = NULL;
        struct match_snap *s = NULL;
        struct err e;
        enum err_code rc;

        mem_fail_after(k);
        rc = match_builder_new(&b, &e);
        for (int i = 0; rc == ERR_OK && i < 3000; i++) {
            char name[32];
            int len = snprintf(name, sizeof(name), "n%d.example", i);

            rc = match_builder_add(b, IOC_DOMAIN, name, (size_t)len, i, 1, &e);
        }
        if (rc == ERR_OK)
            rc = match_builder_add(b, IOC_CIDR, "10.0.0.0/8", 10, 1, 1, &e);
        if (rc == ERR_OK) {
            rc = match_builder_finish(b, &s, &e);
            b = NULL;
        }
        mem_fail_after(0);
        if (rc != ERR_OK)
            assert_int_equal(rc, ERR_NOMEM);
        match_builder_free(b);
        match_snap_unref(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_exact_and_parents),
        cmocka_unit_test(test_domain_most_specific_wins),
        cmocka_unit_test(test_domain_limits),
        cmocka_unit_test(test_url_expressions),
        cmocka_unit_test(test_ip_longest_prefix),
        cmocka_unit_test(test_ip_default_routes),
        cmocka_unit_test(test_hashes),
        cmocka_unit_test(test_counts_and_ignored_types),
        cmocka_unit_test(test_rejects_non_canonical),
        cmocka_unit_test(test_duplicates_keep_higher_score),
        cmocka_unit_test(test_many_domains_and_memory),
        cmocka_unit_test(test_many_addresses_and_memory),
        cmocka_unit_test(test_allocation_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
