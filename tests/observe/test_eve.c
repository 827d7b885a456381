/* test_eve.c - unit tests of the Suricata EVE line parser (observe/eve.c): the fields of
 * each event type ooda uses (Suricata 7 and 8 DNS layouts), timestamps with every zone
 * form, addresses, skipped and unknown event types, and the reason of each bad line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/events.h"

#define HEAD "{\"timestamp\":\"2026-11-02T01:02:03.123456+0000\",\"flow_id\":1,"
#define ADDR                                                                                       \
    "\"src_ip\":\"10.1.2.3\",\"src_port\":51000,\"dest_ip\":\"2001:db8::53\",\"dest_port\":53,"

static int parse(const char *line, struct ev_rec *r, const char **why, size_t *off, char *type)
{
    return observe_eve_parse(line, strlen(line), r, why, off, type);
}

static void assert_text(const struct jscan_val *v, const char *want)
{
    char buf[256];
    size_t n = jscan_unescape(v, buf, sizeof(buf));

    assert_int_equal(v->type, JS_STR);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_alert(void **state)
{
    struct ev_rec r;
    const char *why;
    size_t off;
    char type[32];
    char txt[64];

    (void)state;
    assert_int_equal(parse(HEAD
                           "\"event_type\":\"alert\"," ADDR
                           "\"proto\":\"UDP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,"
                           "\"signature_id\":2027863,\"rev\":4,\"signature\":\"ET INFO \\\"x\\\"\","
                           "\"category\":\"Potentially Bad Traffic\",\"severity\":2}}",
                           &r, &why, &off, type),
                     1);
    assert_int_equal(r.kind, EV_ALERT);
    assert_int_equal(r.ts, 1793581323); /* 2026-11-02T01:02:03Z */
    assert_string_equal(ip16_format(&r.src, txt, sizeof(txt)), "10.1.2.3");
    assert_string_equal(ip16_format(&r.dst, txt, sizeof(txt)), "2001:db8::53");
    assert_int_equal(r.sport, 51000);
    assert_int_equal(r.dport, 53);
    assert_int_equal(r.sig_id, 2027863);
    assert_int_equal(r.severity, 2);
    assert_text(&r.sig, "ET INFO \"x\"");
    assert_text(&r.cat, "Potentially Bad Traffic");
}

static void test_dns_layouts(void **state)
{
    struct ev_rec r;
    const char *why;
    size_t off;
    char type[32];

    (void)state;
    /* Suricata 7 query */
    assert_int_equal(parse(HEAD "\"event_type\":\"dns\"," ADDR "\"dns\":{\"type\":\"query\","
                                "\"id\":1,\"rrname\":\"C2.Example.\",\"rrtype\":\"A\"}}",
                           &r, &why, &off, type),
                     1);
    assert_int_equal(r.kind, EV_DNS);
    assert_text(&r.name, "C2.Example.");
    /* an answer counts as an event but names nothing: its query did */
    assert_int_equal(parse(HEAD "\"event_type\":\"dns\"," ADDR "\"dns\":{\"version\":2,"
                                "\"type\":\"answer\",\"rrname\":\"c2.example\"}}",
                           &r, &why, &off, type),
                     1);
    assert_int_equal(r.name.type, JS_NONE);
    /* Suricata 8: the queries array */
    assert_int_equal(parse(HEAD "\"event_type\":\"dns\"," ADDR "\"dns\":{\"version\":3,"
                                "\"type\":\"request\",\"queries\":[{\"rrname\":\"q8.example\","
                                "\"rrtype\":\"AAAA\"}]}}",
                           &r, &why, &off, type),
                     1);
    assert_text(&r.name, "q8.example");
    assert_int_equal(parse(HEAD "\"event_type\":\"dns\"," ADDR "\"dns\":{\"version\":3,"
                                "\"type\":\"response\",\"queries\":[{\"rrname\":\"q8.example\"}]}}",
                           &r, &why, &off, type),
                     1);
    assert_int_equal(r.name.type, JS_NONE);
}

static void test_http_tls_file(void **state)
{
    struct ev_rec r;
    const char *why;
    size_t off;
    char type[32];

    (void)state;
    assert_int_equal(parse(HEAD "\"event_type\":\"http\"," ADDR
                                "\"http\":{\"hostname\":\"www.example\","
                                "\"url\":\"\\/a\\/b?c=1\",\"status\":200}}",
                           &r, &why, &off, type),
                     1);
    assert_text(&r.name, "www.example");
    assert_text(&r.url, "/a/b?c=1");
    assert_int_equal(parse(HEAD "\"event_type\":\"tls\"," ADDR "\"tls\":{\"sni\":\"sni.example\"}}",
                           &r, &why, &off, type),
                     1);
    assert_text(&r.name, "sni.example");
    assert_int_equal(parse(HEAD "\"event_type\":\"fileinfo\"," ADDR "\"fileinfo\":{\"md5\":"
                                "\"00112233445566778899aabbccddeeff\",\"size\":5}}",
                           &r, &why, &off, type),
                     1);
    assert_text(&r.md5, "00112233445566778899aabbccddeeff");
    assert_int_equal(r.sha256.type, JS_NONE);
    /* ports are optional (ICMP flows have none) */
    assert_int_equal(parse(HEAD "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\","
                                "\"dest_ip\":\"10.0.0.2\",\"proto\":\"ICMP\"}",
                           &r, &why, &off, type),
                     1);
    assert_int_equal(r.sport, 0);
    assert_int_equal(r.kind, EV_FLOW);
}

static void test_times(void **state)
{
    static const struct {
        const char *s;
        int64_t want; /* -1: rejected */
    } cases[] = {
        {"2026-11-02T01:02:03.123456+0000", 1793581323},
        {"2026-11-02T01:02:03Z", 1793581323},
        {"2026-11-02T10:02:03.5+09:00", 1793581323},
        {"2026-11-02T10:02:03+0900", 1793581323},
        {"2026-11-01T20:02:03-0500", 1793581323},
        {"1970-01-01T00:00:00Z", 0},
        {"2024-02-29T00:00:00Z", 1709164800},
        {"2026-11-02 01:02:03+0000", 1793581323},
        {"2026-11-02T01:02:03", -1},
        {"2026-11-02T01:02:03.+0000", -1},
        {"2026-13-02T01:02:03Z", -1},
        {"2026-11-02T24:02:03Z", -1},
        {"2026-11-02T01:02:03+2400", -1},
        {"2026-11-02T01:02:03+09", -1},
        {"1969-12-31T23:59:59Z", -1},
        {"2026-11-02T01:02:03Zx", -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = -99;
        bool ok = observe_eve_time(cases[i].s, strlen(cases[i].s), &t);
        if (ok != (cases[i].want >= 0) || (ok && t != cases[i].want))
            fail_msg("%s: ok %d t %lld", cases[i].s, ok, (long long)t);
    }
}

static void test_types(void **state)
{
    struct ev_rec r;
    const char *why;
    size_t off;
    char type[32];

    (void)state;
    assert_int_equal(parse("{\"event_type\":\"stats\",\"stats\":{}}", &r, &why, &off, type), 0);
    assert_string_equal(type, "stats");
    assert_int_equal(parse("{\"event_type\":\"ssh\"}", &r, &why, &off, type), 0);
    assert_int_equal(parse("{\"event_type\":\"b\\u00f6gus\x01\"}", &r, &why, &off, type), -1);
    assert_int_equal(parse("{\"event_type\":\"bogus\"}", &r, &why, &off, type), -1);
    assert_string_equal(why, "unknown event_type");
    assert_string_equal(type, "bogus");
    assert_true(observe_eve_sniff("{\"event_type\":\"flow\"}\n{", 23));
    assert_false(observe_eve_sniff("{\"eventid\":\"cowrie.login.success\"}\n", 36));
}

static void test_bad(void **state)
{
    static const struct {
        const char *line, *why;
    } cases[] = {
        {"{\"event_type\":7}", "event_type: missing or not a string"},
        {"{\"src_ip\":\"10.0.0.1\"}", "event_type: missing or not a string"},
        {"{\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\"}",
         "timestamp: missing or not an RFC 3339 time"},
        {HEAD "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.256\",\"dest_ip\":\"10.0.0.2\"}",
         "src_ip or dest_ip: missing or not an IP address"},
        {HEAD "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.01\",\"dest_ip\":\"10.0.0.2\"}",
         "src_ip or dest_ip: missing or not an IP address"},
        {HEAD "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\"}",
         "src_ip or dest_ip: missing or not an IP address"},
        {HEAD "\"event_type\":\"flow\"," ADDR "\"src_port\":70000}", NULL}, /* first wins */
        {HEAD "\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\","
              "\"dest_port\":65536}",
         "src_port or dest_port: not a port number"},
        {HEAD "\"event_type\":\"alert\"," ADDR "\"alert\":{\"signature\":\"x\"}}",
         "alert.signature_id: not a signature number"},
        {HEAD "\"event_type\":\"alert\"," ADDR "\"alert\":{\"signature_id\":1}}",
         "alert.signature: missing or not a string"},
        {HEAD "\"event_type\":\"alert\"," ADDR "\"alert\":{\"signature_id\":1,\"signature\":\"x\","
              "\"severity\":0}}",
         "alert.severity: not 1..255"},
        {HEAD "\"event_type\":\"dns\"," ADDR "\"dns\":{\"rrname\":[]}}",
         "dns.rrname: not a string"},
        {HEAD "\"event_type\":\"tls\"," ADDR "\"tls\":{\"sni\":1}}", "tls.sni: not a string"},
    };
    struct ev_rec r;
    size_t off;
    char type[32];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *why = NULL;
        int k = parse(cases[i].line, &r, &why, &off, type);
        if (cases[i].why == NULL) {
            assert_int_equal(k, 1);
            continue;
        }
        if (k != -1 || strcmp(why, cases[i].why) != 0)
            fail_msg("%s: %d %s", cases[i].line, k, why ? why : "(null)");
        assert_int_equal(off, SIZE_MAX);
    }
    /* a JSON error carries its offset */
    assert_int_equal(parse("{\"event_type\":\"flow\",", &r, &(const char *){NULL}, &off, type), -1);
    assert_int_equal(off, 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alert),         cmocka_unit_test(test_dns_layouts),
        cmocka_unit_test(test_http_tls_file), cmocka_unit_test(test_times),
        cmocka_unit_test(test_types),         cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
