/* test_zeek.c - unit tests of the Zeek parsers (observe/zeek.c): the TSV header (#path,
 * #fields in any column order), records of conn.log and dns.log with unset fields, both
 * ts forms, the JSON form, and the reasons of bad records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/events.h"

static void header(struct zeek_tsv *z, const char *path, const char *fields)
{
    const char *why = NULL;
    char line[512];

    memset(z, 0, sizeof(*z));
    (void)snprintf(line, sizeof(line), "#path\t%s", path);
    assert_int_equal(observe_zeek_tsv_header(z, line, strlen(line), &why), 0);
    (void)snprintf(line, sizeof(line), "#fields\t%s", fields);
    assert_int_equal(observe_zeek_tsv_header(z, line, strlen(line), &why), 0);
}

static void test_tsv(void **state)
{
    struct zeek_tsv z;
    struct ev_rec r;
    const char *why = NULL;
    char ip[64];
    static const char dns[] =
        "1793581323.250000\tC1\t10.0.0.7\t5353\t10.0.0.53\t53\tudp\tc2.example";
    static const char conn[] = "udp\t-\t1793581323\t10.0.0.7\t198.51.100.9\t(empty)";

    (void)state;
    header(&z, "dns", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery");
    assert_true(z.dns);
    assert_int_equal(observe_zeek_tsv_parse(&z, dns, strlen(dns), &r, &why), 1);
    assert_int_equal(r.kind, EV_DNS);
    assert_int_equal(r.ts, 1793581323);
    assert_int_equal(r.sport, 5353);
    assert_int_equal(r.dport, 53);
    assert_int_equal(r.name.len, strlen("c2.example"));
    assert_memory_equal(r.name.p, "c2.example", r.name.len);
    /* columns in another order, ports unset or empty */
    header(&z, "conn", "proto\tid.orig_p\tts\tid.orig_h\tid.resp_h\tid.resp_p");
    assert_false(z.dns);
    assert_int_equal(observe_zeek_tsv_parse(&z, conn, strlen(conn), &r, &why), 1);
    assert_int_equal(r.kind, EV_FLOW);
    assert_int_equal(r.sport, 0);
    assert_int_equal(r.dport, 0);
    assert_string_equal(ip16_format(&r.dst, ip, sizeof(ip)), "198.51.100.9");
    assert_int_equal(r.name.type, JS_NONE);
}

static void test_tsv_bad(void **state)
{
    struct zeek_tsv z;
    struct ev_rec r;
    const char *why = NULL;
    static const char fields[] = "ts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p";
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"1\t10.0.0.1\t1\t10.0.0.2", "not as many fields as the #fields header names"},
        {"1\t10.0.0.1\t1\t10.0.0.2\t2\textra", "not as many fields as the #fields header names"},
        {"-\t10.0.0.1\t1\t10.0.0.2\t2", "ts: missing or not a time"},
        {"1.2.3\t10.0.0.1\t1\t10.0.0.2\t2", "ts: missing or not a time"},
        {"1\t-\t1\t10.0.0.2\t2", "id.orig_h or id.resp_h: missing or not an IP address"},
        {"1\t10.0.0.1\t65536\t10.0.0.2\t2", "id.orig_p or id.resp_p: not a port number"},
    };

    (void)state;
    memset(&z, 0, sizeof(z));
    assert_int_equal(observe_zeek_tsv_parse(&z, "1", 1, &r, &why), -1);
    assert_string_equal(why, "a record before the #fields header");
    assert_int_equal(observe_zeek_tsv_header(&z, "#fields\tuid\tproto", 18, &why), -1);
    assert_string_equal(why, "#fields: no ts, id.orig_h or id.resp_h column");
    header(&z, "conn", fields);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        if (observe_zeek_tsv_parse(&z, bad[i].line, strlen(bad[i].line), &r, &why) != -1 ||
            strcmp(why, bad[i].why) != 0)
            fail_msg("%s: %s", bad[i].line, why ? why : "(accepted)");
    }
}

static void test_json(void **state)
{
    struct ev_rec r;
    const char *why = NULL;
    size_t off;
    static const char dns[] = "{\"ts\":1793581323.5,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.7\","
                              "\"id.orig_p\":5353,\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,"
                              "\"trans_id\":1,\"query\":\"x.example\"}";
    static const char conn[] = "{\"ts\":\"2026-11-02T01:02:03.5Z\",\"uid\":\"C\","
                               "\"id.orig_h\":\"2001:db8::1\",\"id.resp_h\":\"2001:db8::2\"}";
    static const char bad_ts[] =
        "{\"ts\":1e9,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\"}";
    static const char bad_q[] = "{\"ts\":1,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\","
                                "\"query\":5}";

    (void)state;
    assert_int_equal(observe_zeek_json_parse(dns, strlen(dns), &r, &why, &off), 1);
    assert_int_equal(r.kind, EV_DNS);
    assert_int_equal(r.ts, 1793581323);
    assert_int_equal(r.name.len, 9);
    assert_int_equal(observe_zeek_json_parse(conn, strlen(conn), &r, &why, &off), 1);
    assert_int_equal(r.kind, EV_FLOW);
    assert_int_equal(r.ts, 1793581323);
    assert_int_equal(observe_zeek_json_parse(bad_ts, strlen(bad_ts), &r, &why, &off), -1);
    assert_string_equal(why, "ts: missing or not a time");
    assert_int_equal(observe_zeek_json_parse(bad_q, strlen(bad_q), &r, &why, &off), -1);
    assert_string_equal(why, "query: not a string");
}

static void test_format(void **state)
{
    const char *tsv = "#separator \\x09\n#path\tconn\n";
    const char *json = "{\"ts\":1,\"uid\":\"C\",\"id.orig_h\":\"10.0.0.1\"}\n";

    (void)state;
    assert_int_equal(observe_log_format(tsv, strlen(tsv)), EVF_ZEEK_TSV);
    assert_int_equal(observe_log_format(json, strlen(json)), EVF_ZEEK_JSON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_tsv_bad),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
