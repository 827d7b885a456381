/* test_jscan.c - unit tests of the JSON line scanner (observe/jscan.c): captured values
 * at nested and array key paths, first-occurrence semantics, escapes and surrogates,
 * UTF-8 validation, the number grammar, and the offset and reason of each error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/jscan.h"

enum { V_TYPE, V_SRC, V_PORT, V_SIG, V_SEV, V_RRNAME, V_FLOW, V_N };

static const struct jscan_key alert_k[] = {{"signature", 9, V_SIG, NULL},
                                           {"severity", 8, V_SEV, NULL}};
static const struct jscan_keys alert_t = {alert_k, 2};
static const struct jscan_key query_k[] = {{"rrname", 6, V_RRNAME, NULL}};
static const struct jscan_keys query_t = {query_k, 1};
static const struct jscan_key dns_k[] = {{"queries", 7, 0, &query_t},
                                         {"rrname", 6, V_RRNAME, NULL}};
static const struct jscan_keys dns_t = {dns_k, 2};
static const struct jscan_key root_k[] = {
    {"event_type", 10, V_TYPE, NULL}, {"src_ip", 6, V_SRC, NULL}, {"dest_port", 9, V_PORT, NULL},
    {"alert", 5, 0, &alert_t},        {"dns", 3, 0, &dns_t},      {"flow", 4, V_FLOW, NULL}};
static const struct jscan_keys root_t = {root_k, 6};

static bool scan(const char *s, struct jscan_val *v, size_t *off, const char **why)
{
    return jscan_object(s, strlen(s), &root_t, v, V_N, off, why);
}

static void assert_str(const struct jscan_val *v, const char *want)
{
    char buf[256];
    size_t n;

    assert_int_equal(v->type, JS_STR);
    n = jscan_unescape(v, buf, sizeof(buf));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_paths(void **state)
{
    struct jscan_val v[V_N];
    size_t off;
    const char *why;
    uint64_t port;

    (void)state;
    assert_true(scan(" {\"timestamp\":\"2026-11-02T00:00:01.000001+0000\",\"event_type\":\"alert\","
                     "\"src_ip\":\"198.51.100.7\",\"dest_port\":23,\"proto\":\"TCP\","
                     "\"alert\":{\"action\":\"allowed\",\"signature\":\"ET SCAN \\\"x\\\"\","
                     "\"severity\":2,\"meta\":{\"signature\":\"inner\"}},"
                     "\"flow\":{\"pkts_toserver\":1,\"x\":[1,2]},\"src_ip\":\"203.0.113.9\"}\n",
                     v, &off, &why));
    assert_str(&v[V_TYPE], "alert");
    assert_str(&v[V_SRC], "198.51.100.7"); /* the first occurrence wins */
    assert_true(jscan_u64(&v[V_PORT], &port));
    assert_int_equal(port, 23);
    assert_str(&v[V_SIG], "ET SCAN \"x\""); /* not alert.meta.signature */
    assert_true(v[V_SIG].esc);
    assert_int_equal(v[V_SEV].type, JS_NUM);
    assert_int_equal(v[V_FLOW].type, JS_OBJ); /* a captured object: its raw text */
    assert_int_equal(v[V_FLOW].len, strlen("{\"pkts_toserver\":1,\"x\":[1,2]}"));
    assert_int_equal(v[V_RRNAME].type, JS_NONE);
}

static void test_array_of_objects(void **state)
{
    struct jscan_val v[V_N];
    size_t off;
    const char *why;

    (void)state;
    assert_true(scan("{\"dns\":{\"queries\":[7,{\"rrtype\":\"A\"},{\"rrname\":\"a.example\"},"
                     "{\"rrname\":\"b.example\"}]}}",
                     v, &off, &why));
    assert_str(&v[V_RRNAME], "a.example");
    assert_true(scan("{\"dns\":{\"rrname\":\"c.example\",\"queries\":[]}}", v, &off, &why));
    assert_str(&v[V_RRNAME], "c.example");
}

static void test_escapes_and_utf8(void **state)
{
    struct jscan_val v[V_N];
    size_t off;
    const char *why;

    (void)state;
    assert_true(scan("{\"src_ip\":\"a\\/b\\\\c\\u00e9\\ud83d\\ude00\\n\"}", v, &off, &why));
    assert_str(&v[V_SRC], "a/b\\c\xc3\xa9\xf0\x9f\x98\x80\n");
    assert_true(scan("{\"src_ip\":\"\xe6\x97\xa5\xe6\x9c\xac.jp\"}", v, &off, &why));
    assert_str(&v[V_SRC], "\xe6\x97\xa5\xe6\x9c\xac.jp");
    assert_false(v[V_SRC].esc);
    /* an escaped key matches its text */
    assert_true(scan("{\"src\\u005fip\":\"x\"}", v, &off, &why));
    assert_str(&v[V_SRC], "x");
}

struct bad {
    const char *in;
    size_t off;
    const char *why;
};

static void test_errors(void **state)
{
    static const struct bad cases[] = {
        {"", 0, "not a JSON object"},
        {"[1]", 0, "not a JSON object"},
        {"{\"a\":1", 6, "expected ',' or '}'"},
        {"{\"a\":\"xy", 8, "unterminated string"},
        {"{\"a\":\"0123456789abcdef", 22, "unterminated string"},
        {"{\"a\":1,}", 7, "expected a key"},
        {"{\"a\" 1}", 5, "expected ':'"},
        {"{\"a\":01}", 6, "expected ',' or '}'"},
        {"{\"a\":-}", 6, "invalid number"},
        {"{\"a\":1.}", 7, "invalid number"},
        {"{\"a\":1e}", 7, "invalid number"},
        {"{\"a\":tru}", 5, "invalid literal"},
        {"{\"a\":\"\\x\"}", 6, "invalid escape"},
        {"{\"a\":\"\\u12g4\"}", 6, "invalid \\u escape"},
        {"{\"a\":\"\\udc00\"}", 6, "lone low surrogate"},
        {"{\"a\":\"\\ud800x\"}", 6, "high surrogate without its low half"},
        {"{\"a\":\"ab\x01\"}", 8, "control character in string"},
        {"{\"a\":\"\xc0\xaf\"}", 6, "invalid UTF-8"},          /* overlong */
        {"{\"a\":\"\xed\xa0\x80\"}", 6, "invalid UTF-8"},      /* surrogate */
        {"{\"a\":\"\xf4\x90\x80\x80\"}", 6, "invalid UTF-8"},  /* above U+10FFFF */
        {"{\"a\":\"12345678\xe6\x97\"}", 14, "invalid UTF-8"}, /* truncated sequence */
        {"{} x", 3, "text after the object"},
        {"{\"a\":[1 2]}", 8, "expected ',' or ']'"},
    };
    struct jscan_val v[V_N];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t off = 999;
        const char *why = NULL;
        if (scan(cases[i].in, v, &off, &why))
            fail_msg("accepted: %s", cases[i].in);
        if (off != cases[i].off || strcmp(why, cases[i].why) != 0)
            fail_msg("%s: got %zu %s, want %zu %s", cases[i].in, off, why, cases[i].off,
                     cases[i].why);
        for (int k = 0; k < V_N; k++)
            assert_int_equal(v[k].type, JS_NONE); /* nothing half-captured */
    }
}

/* {"a": followed by k nested arrays: the object is level 0, the k-th array level k. */
static bool nested(int k, const char **why)
{
    char s[2 * JSCAN_DEPTH_MAX + 16];
    struct jscan_val v[V_N];
    size_t n = 0, off;

    memcpy(s, "{\"a\":", 5);
    n = 5;
    for (int i = 0; i < k; i++)
        s[n++] = '[';
    for (int i = 0; i < k; i++)
        s[n++] = ']';
    s[n++] = '}';
    return jscan_object(s, n, &root_t, v, V_N, &off, why);
}

static void test_depth(void **state)
{
    const char *why = NULL;

    (void)state;
    assert_true(nested(JSCAN_DEPTH_MAX - 1, &why));
    assert_false(nested(JSCAN_DEPTH_MAX, &why));
    assert_string_equal(why, "nested too deep");
}

static void test_u64(void **state)
{
    struct jscan_val v = {"18446744073709551615", 20, JS_NUM, false};
    uint64_t x;

    (void)state;
    assert_true(jscan_u64(&v, &x));
    assert_true(x == UINT64_MAX);
    v.p = "18446744073709551616";
    assert_false(jscan_u64(&v, &x));
    v = (struct jscan_val){"-1", 2, JS_NUM, false};
    assert_false(jscan_u64(&v, &x));
    v = (struct jscan_val){"1.5", 3, JS_NUM, false};
    assert_false(jscan_u64(&v, &x));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_array_of_objects),
        cmocka_unit_test(test_escapes_and_utf8),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_u64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
