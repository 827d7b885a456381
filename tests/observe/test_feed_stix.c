/* test_feed_stix.c - unit tests of the STIX 2.1 bundle parser (observe/feed_stix.c): the
 * bundle tests/data/feeds/stix/bundle-indicators.json (schema-valid; every pattern form,
 * OR inside and across brackets, escapes, TLP 1.0 and 2.0 markings by id and by marking
 * objects in the bundle, revoked, non-STIX pattern types, rejected patterns), then
 * pattern and field edge cases built in memory, non-JSON and truncated input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feed_json_fixture.h"

/* The STIX parser always knows the type and names the file as given. */
static bool stix_entry(void *arg, const struct feed_entry *en)
{
    assert_true(en->type_known);
    return rec_entry(arg, en);
}

static void stix_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    assert_string_equal(where, "b.json");
    rec_reject(arg, where, line, reason);
}

static enum err_code parse_buf(const char *data, size_t len, struct err *e)
{
    struct feed_sink s = {stix_entry, stix_reject, &R};
    size_t keep = R.stop_after;

    memset(&R, 0, sizeof(R));
    R.stop_after = keep;
    return feed_parse_stix(data, len, "b.json", &s, e);
}

/* Parses a C string through a copy without its NUL. */
static enum err_code parse_str(const char *json, struct err *e)
{
    size_t len = strlen(json);
    char *p = malloc(len > 0 ? len : 1);
    enum err_code rc;

    assert_non_null(p);
    memcpy(p, json, len);
    rc = parse_buf(p, len, e);
    free(p);
    return rc;
}

struct want {
    uint64_t line;
    enum ioc_type type;
    const char *value;
    int64_t seen, valid_until;
    int confidence, tlp;
    const char *tags;
};

#define MOD    1732521600 /* 2024-11-25T08:00:00Z, every indicator's "modified" */
#define MD5    "098f6bcd4621d373cade4e832627b4f6"
#define SHA1   "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
#define SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void check_entry(const struct got_entry *g, const struct want *w)
{
    assert_int_equal(g->line, w->line);
    assert_int_equal(g->type, w->type);
    assert_string_equal(g->value, w->value);
    assert_int_equal(g->seen, w->seen);
    assert_int_equal(g->valid_until, w->valid_until);
    assert_int_equal(g->confidence, w->confidence);
    assert_int_equal(g->tlp, w->tlp);
    if (w->tags == NULL) {
        assert_false(g->has_tags);
    } else {
        assert_true(g->has_tags);
        assert_string_equal(g->tags, w->tags);
    }
}

static void test_bundle_entries(void **state)
{
    static const struct want want[] = {
        {4, IOC_DOMAIN, "evil.example.com", MOD, 1735084800, 80, IOC_TLP_GREEN, "phishing,c2"},
        {5, IOC_URL, "http://evil.example.com/it's?a=b\\c", MOD, 0, -1, IOC_TLP_AMBER, NULL},
        {6, IOC_IPV4, "198.51.100.7", MOD, 0, 100, IOC_TLP_AMBER_STRICT, NULL},
        {6, IOC_CIDR, "203.0.113.0/24", MOD, 0, 100, IOC_TLP_AMBER_STRICT, NULL},
        {7, IOC_IPV6, "2001:db8::1", MOD, 0, -1, IOC_TLP_CLEAR, NULL},
        {7, IOC_EMAIL, "phish@evil.example.com", MOD, 0, -1, IOC_TLP_CLEAR, NULL},
        {8, IOC_MD5, MD5, MOD, 0, -1, IOC_TLP_RED, "dropper; stage 1"},
        {8, IOC_SHA1, SHA1, MOD, 0, -1, IOC_TLP_RED, "dropper; stage 1"},
        {8, IOC_SHA256, SHA256, MOD, 0, -1, IOC_TLP_RED, "dropper; stage 1"},
        {9, IOC_ASN, "64500", MOD, 0, 0, IOC_TLP_CLEAR, NULL},
    };
    struct err e;
    size_t len, n = sizeof(want) / sizeof(want[0]);
    char *buf = read_data("stix/bundle-indicators.json", &len);

    (void)state;
    assert_int_equal(parse_buf(buf, len, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nen, n);
    for (size_t i = 0; i < n; i++)
        check_entry(&R.en[i], &want[i]);
}

static void test_bundle_rejects(void **state)
{
    static const struct {
        uint64_t line;
        const char *reason;
    } want[] = {
        {10, "pattern not a simple equality: expected OR or ] at byte 33"}, /* AND */
        {12, "pattern not a simple equality: unsupported object path at byte 10"},
        {13, "pattern not a simple equality: operator other than = at byte 19"}, /* MATCHES */
        {14, "pattern not a simple equality: expected OR or end at byte 32"},    /* REPEATS */
        {16, "pattern not a simple equality: expected OR or end at byte 32"},    /* FOLLOWEDBY */
    };
    struct err e;
    size_t len;
    char *buf = read_data("stix/bundle-indicators.json", &len);

    (void)state;
    assert_int_equal(parse_buf(buf, len, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nrj, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < R.nrj; i++) {
        assert_int_equal(R.rj[i].line, want[i].line);
        assert_string_equal(R.rj[i].reason, want[i].reason);
    }
}

/* A bundle with one indicator object around the given pattern and extra members. */
static enum err_code one(const char *pattern_json, const char *extra, struct err *e)
{
    char json[4096];

    (void)snprintf(json, sizeof(json),
                   "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[{\"type\":"
                   "\"indicator\",\"pattern\":%s%s}]}",
                   pattern_json, extra);
    return parse_str(json, e);
}

static enum err_code one_big(const char *pattern_json, struct err *e)
{
    static char json[IOC_VALUE_MAX + 256];

    (void)snprintf(json, sizeof(json),
                   "{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"pattern\":%s}]}",
                   pattern_json);
    return parse_str(json, e);
}

static void expect_reject(const char *pattern_json, const char *extra, const char *reason)
{
    struct err e;

    assert_int_equal(one(pattern_json, extra, &e), ERR_OK);
    assert_int_equal(R.nen, 0);
    assert_int_equal(R.nrj, 1);
    assert_int_equal(R.rj[0].line, 1);
    if (strstr(R.rj[0].reason, reason) == NULL)
        fail_msg("reason '%s' lacks '%s'", R.rj[0].reason, reason);
}

static void test_pattern_forms(void **state)
{
    struct err e;

    (void)state;
    /* Lower-case or, no spaces, extra white space, unquoted hash names, SHA256. */
    assert_int_equal(one("\"  [ domain-name:value='a.example' or url:value =\\t'http://b/' ]"
                         "or[file:hashes.sha256='" SHA256 "'] OR [file:hashes.'md5' = '" MD5
                         "']\\n\"",
                         "", &e),
                     ERR_OK);
    assert_int_equal(R.nrj, 0);
    assert_int_equal(R.nen, 4);
    assert_int_equal(R.en[0].type, IOC_DOMAIN);
    assert_string_equal(R.en[0].value, "a.example");
    assert_int_equal(R.en[1].type, IOC_URL);
    assert_string_equal(R.en[1].value, "http://b/");
    assert_int_equal(R.en[2].type, IOC_SHA256);
    assert_int_equal(R.en[3].type, IOC_MD5);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(R.en[i].seen, 0);
        assert_int_equal(R.en[i].tlp, -1);
        assert_int_equal(R.en[i].confidence, -1);
    }
    /* Escapes: \' and \\ ; an empty string literal is handed over as is. */
    assert_int_equal(
        one("\"[url:value = 'http://x/\\\\'\\\\\\\\\\\\'/'] OR [domain-name:value = '']\"", "", &e),
        ERR_OK);
    assert_int_equal(R.nen, 2);
    assert_string_equal(R.en[0].value, "http://x/'\\'/");
    assert_string_equal(R.en[1].value, "");
    /* IPv6 CIDR. */
    assert_int_equal(one("\"[ipv6-addr:value = '2001:db8::/48']\"", "", &e), ERR_OK);
    assert_int_equal(R.nen, 1);
    assert_int_equal(R.en[0].type, IOC_CIDR);
}

static void test_pattern_rejects(void **state)
{
    (void)state;
    expect_reject("\"[domain-name:value = 'a' AND domain-name:value = 'b']\"", "",
                  "pattern not a simple equality: expected OR or ]");
    expect_reject("\"[domain-name:value = 'a'] AND [url:value = 'b']\"", "", "expected OR or end");
    expect_reject("\"[domain-name:value != 'a']\"", "", "operator other than =");
    expect_reject("\"[domain-name:value LIKE 'a%']\"", "", "operator other than =");
    expect_reject("\"[domain-name:value IN ('a', 'b')]\"", "", "operator other than =");
    expect_reject("\"[NOT domain-name:value = 'a']\"", "", "expected object-type:property");
    expect_reject("\"([domain-name:value = 'a'])\"", "", "expected [");
    expect_reject("\"[domain-name:value = 'a']  WITHIN 5 SECONDS\"", "", "expected OR or end");
    expect_reject("\"[domain-name:value = 'a\\\\n']\"", "", "bad escape in string");
    expect_reject("\"[domain-name:value = 'a]\"", "", "unterminated string");
    expect_reject("\"[domain-name:value = 'a'\"", "", "expected OR or ]");
    expect_reject("\"[domain-name:value = 'a'] OR\"", "", "expected [");
    expect_reject("\"\"", "", "expected [");
    expect_reject("\"[]\"", "", "expected object-type:property");
    expect_reject("\"[domain-name:value = 7]\"", "", "value not a string literal");
    expect_reject("\"[autonomous-system:number = '64500']\"", "", "AS number not a decimal");
    expect_reject("\"[autonomous-system:number = 12345678901]\"", "", "AS number not a decimal");
    expect_reject("\"[file:hashes.'SHA-512' = 'ab']\"", "", "unsupported hash");
    expect_reject("\"[file:hashes.'SHA-1 = 'ab']\"", "", "unsupported hash");
    expect_reject("\"[domain-name:resolves_to_refs[*].value = '192.0.2.1']\"", "",
                  "unsupported object path");
    expect_reject("\"[ipv4-addr:value = h'c0000201']\"", "", "value not a string literal");
    expect_reject("\"[file:hashes. = 'ab']\"", "", "missing hash name");
    expect_reject("\"[file:hashes.'SHA-1 = ab]\"", "", "unterminated string");
    expect_reject("\"[domain-name: = 'a']\"", "", "expected property");
    /* One good comparison and one bad: nothing is emitted. */
    expect_reject("\"[domain-name:value = 'good.example'] OR [process:name = 'x']\"", "",
                  "unsupported object path");
    /* No pattern at all. */
    expect_reject("null", "", "indicator: missing pattern");
}

/* A literal of IOC_VALUE_MAX bytes is an entry; one byte more is rejected. */
static void test_pattern_long_literal(void **state)
{
    static char pat[IOC_VALUE_MAX + 64];
    struct err e;
    int n;

    (void)state;
    n = snprintf(pat, sizeof(pat), "\"[url:value = 'http://a/");
    memset(pat + n, 'x', IOC_VALUE_MAX - strlen("http://a/"));
    (void)snprintf(pat + n + IOC_VALUE_MAX - strlen("http://a/"),
                   sizeof(pat) - (size_t)n - IOC_VALUE_MAX, "']\"");
    assert_int_equal(one_big(pat, &e), ERR_OK);
    assert_int_equal(R.nrj, 0);
    assert_int_equal(R.nen, 1);
    assert_int_equal(strlen(R.en[0].value), IOC_VALUE_MAX);
    memmove(pat + n + 1, pat + n, strlen(pat + n) + 1);
    pat[n] = 'y';
    assert_int_equal(one_big(pat, &e), ERR_OK);
    assert_int_equal(R.nen, 0);
    assert_int_equal(R.nrj, 1);
    assert_non_null(strstr(R.rj[0].reason, "string too long"));
}

static void test_fields(void **state)
{
    struct err e;

    (void)state;
    /* valid_from when modified is missing; labels that are not strings are ignored. */
    assert_int_equal(one("\"[domain-name:value = 'a.example']\"",
                         ",\"valid_from\":\"2024-11-20T00:00:00Z\",\"labels\":[1,\"x\"],"
                         "\"confidence\":50,\"object_marking_refs\":[\"marking-definition--"
                         "nope\",3]",
                         &e),
                     ERR_OK);
    assert_int_equal(R.nen, 1);
    assert_int_equal(R.en[0].seen, 1732060800);
    assert_string_equal(R.en[0].tags, "x");
    assert_int_equal(R.en[0].confidence, 50);
    assert_int_equal(R.en[0].tlp, -1);
    expect_reject("\"[domain-name:value = 'a']\"", ",\"confidence\":101",
                  "indicator: confidence not an integer 0..100");
    expect_reject("\"[domain-name:value = 'a']\"", ",\"confidence\":50.5", "confidence");
    expect_reject("\"[domain-name:value = 'a']\"", ",\"confidence\":\"high\"", "confidence");
    expect_reject("\"[domain-name:value = 'a']\"", ",\"modified\":\"yesterday\"",
                  "indicator: bad modified time");
    expect_reject("\"[domain-name:value = 'a']\"", ",\"valid_from\":\"24h\"",
                  "indicator: bad valid_from time");
    expect_reject("\"[domain-name:value = 'a']\"", ",\"valid_until\":\"2024-02-30T00:00:00Z\"",
                  "indicator: bad valid_until time");
    /* Other pattern types and revoked indicators are skipped without a word. */
    assert_int_equal(one("\"[domain-name:value = 'a']\"", ",\"pattern_type\":\"sigma\"", &e),
                     ERR_OK);
    assert_int_equal(R.nen + R.nrj, 0);
    assert_int_equal(one("\"x\"", ",\"revoked\":true", &e), ERR_OK);
    assert_int_equal(R.nen + R.nrj, 0);
    assert_int_equal(one("\"[domain-name:value = 'a']\"", ",\"revoked\":false", &e), ERR_OK);
    assert_int_equal(R.nen, 1);
}

/* TLP from a marking object defined later in the bundle, TLP 1.0 "definition" style,
 * and the most restrictive of several. */
static void test_markings_in_bundle(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(
        parse_str("{\"type\":\"bundle\",\"objects\":["
                  "{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'a']\","
                  "\"object_marking_refs\":[\"marking-definition--aaaaaaaa-0000-4000-8000-"
                  "000000000001\"]},"
                  "{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'b']\","
                  "\"object_marking_refs\":[\"marking-definition--aaaaaaaa-0000-4000-8000-"
                  "000000000002\",\"marking-definition--aaaaaaaa-0000-4000-8000-"
                  "000000000001\"]},"
                  "{\"type\":\"marking-definition\",\"id\":\"marking-definition--aaaaaaaa-0000-"
                  "4000-8000-000000000001\",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":"
                  "\"amber\"}},"
                  "{\"type\":\"marking-definition\",\"id\":\"marking-definition--aaaaaaaa-0000-"
                  "4000-8000-000000000002\",\"name\":\"TLP:AMBER+STRICT\"},"
                  "{\"type\":\"marking-definition\",\"id\":\"marking-definition--aaaaaaaa-0000-"
                  "4000-8000-000000000003\",\"name\":\"red\"},"
                  "{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'c']\","
                  "\"object_marking_refs\":[\"marking-definition--aaaaaaaa-0000-4000-8000-"
                  "000000000003\"]}]}",
                  &e),
        ERR_OK);
    assert_int_equal(R.nen, 3);
    assert_int_equal(R.en[0].tlp, IOC_TLP_AMBER);
    assert_int_equal(R.en[1].tlp, IOC_TLP_AMBER_STRICT);
    assert_int_equal(R.en[2].tlp, -1); /* a name without "TLP:" says nothing */
    assert_int_equal(R.en[2].line, 6);
}

/* Only the first 32 marking objects of a bundle are remembered. */
static void test_many_markings(void **state)
{
    static char json[16384];
    struct err e;
    size_t n = 0;

    (void)state;
    n += (size_t)snprintf(json + n, sizeof(json) - n, "{\"type\":\"bundle\",\"objects\":[");
    for (int i = 1; i <= 34; i++)
        n += (size_t)snprintf(json + n, sizeof(json) - n,
                              "{\"type\":\"marking-definition\",\"id\":\"m-%d\","
                              "\"name\":\"TLP:RED\"},",
                              i);
    (void)snprintf(json + n, sizeof(json) - n,
                   "{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'a']\","
                   "\"object_marking_refs\":[\"m-32\"]},"
                   "{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'b']\","
                   "\"object_marking_refs\":[\"m-33\"]}]}");
    assert_int_equal(parse_str(json, &e), ERR_OK);
    assert_int_equal(R.nen, 2);
    assert_int_equal(R.en[0].tlp, IOC_TLP_RED);
    assert_int_equal(R.en[0].line, 35);
    assert_int_equal(R.en[1].tlp, -1);
}

static void test_out_of_memory(void **state)
{
    struct err e;

    (void)state;
    mem_fail_after(1);
    assert_int_equal(parse_str("{\"type\":\"bundle\",\"objects\":[]}", &e), ERR_NOMEM);
    mem_fail_after(0);
    assert_string_equal(e.msg, "b.json: stix: out of memory");
}

static void test_not_a_bundle(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(parse_str("{\"type\":\"indicator\",\"objects\":[]}", &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "b.json: not a STIX bundle"));
    assert_int_equal(parse_str("{\"type\":\"bundle\",\"objects\":{}}", &e), ERR_PARSE);
    assert_int_equal(parse_str("[]", &e), ERR_PARSE);
    assert_int_equal(parse_str("{\"type\":\"bundle\"}", &e), ERR_OK);
    assert_int_equal(parse_str("{\"type\":\"bundle\",\"objects\":[1,{\"type\":\"x\"}]}", &e),
                     ERR_OK);
    assert_int_equal(R.nrj, 1);
    assert_int_equal(R.rj[0].line, 1);
    assert_string_equal(R.rj[0].reason, "object is not a JSON object");
    assert_int_equal(parse_str("<html>", &e), ERR_PARSE);
    assert_string_equal(e.msg, "b.json: not JSON: syntax error at byte 0");
    assert_int_equal(parse_str("{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\","
                               "\"pattern\":'x'}]}",
                               &e),
                     ERR_PARSE);
    assert_string_equal(e.msg, "b.json: not JSON: syntax error at byte 58");
}

/* Every prefix of the bundle is an error with an offset inside it; none reads past its
 * end (each prefix ends right before an inaccessible page). */
static void test_truncated(void **state)
{
    struct guard g;
    struct err e;
    size_t len;
    char *buf = read_data("stix/bundle-indicators.json", &len);

    (void)state;
    guard_init(&g, len);
    for (size_t cut = 1; cut < len - 1; cut++) {
        const char *at;

        assert_int_equal(parse_buf(guard_put(&g, buf, cut), cut, &e), ERR_PARSE);
        assert_int_equal(R.nen + R.nrj, 0);
        at = strstr(e.msg, "not JSON: syntax error at byte ");
        assert_non_null(at);
        assert_true(strtoul(at + 31, NULL, 10) < cut);
    }
    assert_int_equal(parse_buf(guard_put(&g, buf, len), len, &e), ERR_OK);
    assert_int_equal(R.nen, 10);
    guard_fini(&g);
    free(buf);
}

static void test_sink_stops(void **state)
{
    struct err e;
    size_t len;
    char *buf = read_data("stix/bundle-indicators.json", &len);

    (void)state;
    R.stop_after = 3; /* in the middle of indicator 6's OR */
    assert_int_equal(parse_buf(buf, len, &e), ERR_OK);
    R.stop_after = 0;
    free(buf);
    assert_int_equal(R.nen, 3);
    assert_int_equal(R.nrj, 0);
    assert_string_equal(R.en[2].value, "198.51.100.7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle_entries),
        cmocka_unit_test(test_bundle_rejects),
        cmocka_unit_test(test_pattern_forms),
        cmocka_unit_test(test_pattern_rejects),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_markings_in_bundle),
        cmocka_unit_test(test_pattern_long_literal),
        cmocka_unit_test(test_many_markings),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_not_a_bundle),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_sink_stops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
