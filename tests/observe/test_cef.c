/* test_cef.c - unit tests of the CEF parser (observe/cef.c): header fields with escaped
 * pipes, extension values that hold spaces and escaped equals signs, both syslog
 * headers and rt forms, severity names and numbers, and the reasons of bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/events.h"

static int parse(const char *line, struct ev_rec *r, const char **why)
{
    return observe_cef_parse(line, strlen(line), r, why);
}

static void assert_span(const struct jscan_val *v, const char *want)
{
    assert_int_equal(v->type, JS_STR);
    assert_int_equal(v->len, strlen(want));
    assert_memory_equal(v->p, want, v->len);
}

static void test_fields(void **state)
{
    struct ev_rec r, r2;
    const char *why = NULL;
    char ip[64];

    (void)state;
    assert_int_equal(parse("<134>1 2026-11-02T01:02:03Z fw ips - - - CEF:0|Acme|IPS|5.1|2002|"
                           "Brute \\| force|8|src=10.0.0.7 spt=51000 msg=a b \\= c dst=2001:db8::9 "
                           "dpt=22 dhost=c2.example request=http://c2.example/gate.php",
                           &r, &why),
                     1);
    assert_int_equal(r.kind, EV_ALERT);
    assert_int_equal(r.ts, 1793581323);
    assert_string_equal(ip16_format(&r.src, ip, sizeof(ip)), "10.0.0.7");
    assert_string_equal(ip16_format(&r.dst, ip, sizeof(ip)), "2001:db8::9");
    assert_int_equal(r.sport, 51000);
    assert_int_equal(r.dport, 22);
    assert_span(&r.sig, "Brute \\| force");
    assert_span(&r.cat, "IPS");
    assert_int_equal(r.severity, 1);
    assert_span(&r.name, "c2.example");
    assert_span(&r.url, "http://c2.example/gate.php");
    assert_true(r.sig_id >= 0x80000000u);
    /* the same vendor, product and id under another device version: the same signature */
    assert_int_equal(parse("<134>Nov  2 01:02:03 fw CEF:0|Acme|IPS|5.2|2002|Brute|Medium|"
                           "rt=1793581323999 src=10.0.0.8",
                           &r2, &why),
                     1);
    assert_int_equal(r2.sig_id, r.sig_id);
    assert_int_equal(r2.ts, 1793581323);
    assert_int_equal(r2.severity, 2);
    assert_int_equal(r2.dst.b[15], 0); /* no dst */
    assert_int_equal(parse("CEF:0|A|B|1|7|n|Low|rt=Nov 02 2026 01:02:03 src=10.0.0.9", &r, &why),
                     1);
    assert_int_equal(r.ts, 1793581323);
    assert_int_equal(r.severity, 3);
}

static void test_bad(void **state)
{
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"<134>1 2026-11-02T01:02:03Z fw ips - - - hello", "no CEF: in the line"},
        {"CEF:0|A|B|1|7|n", "CEF header: fewer than 7 fields"},
        {"CEF:0|A|B|1|7|n|5|src=10.0.0.1", "no time: rt, or an RFC 5424 syslog time"},
        {"CEF:0|A|B|1|7|n|5|rt=12x src=10.0.0.1", "no time: rt, or an RFC 5424 syslog time"},
        {"CEF:0|A|B|1|7|n|5|rt=Foo 02 2026 01:02:03 src=10.0.0.1",
         "no time: rt, or an RFC 5424 syslog time"},
        {"CEF:0|A|B|1|7|n|5|rt=1 dst=10.0.0.1", "src: missing or not an IP address"},
        {"CEF:0|A|B|1|7|n|5|rt=1 src=10.0.0.1 dst=x", "dst: not an IP address"},
        {"CEF:0|A|B|1|7|n|5|rt=1 src=10.0.0.1 dpt=99999", "spt or dpt: not a port number"},
    };
    struct ev_rec r;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = NULL;
        if (parse(bad[i].line, &r, &why) != -1 || strcmp(why, bad[i].why) != 0)
            fail_msg("%s: %s", bad[i].line, why ? why : "(accepted)");
    }
    assert_true(observe_cef_sniff("<134>Nov  2 01:02:03 fw CEF:0|A\nx", 34));
    assert_false(observe_cef_sniff("<134>Nov  2 01:02:03 fw hello\nCEF:", 34));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
