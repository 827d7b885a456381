/* test_cowrie.c - unit tests of the Cowrie parser (observe/cowrie.c): the fields of each
 * event kind, skipped and unknown event ids, the reasons of bad lines, and telling a
 * Cowrie log from an EVE log by its first lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/events.h"

#define TAIL                                                                                       \
    ",\"session\":\"a1\",\"src_ip\":\"203.0.113.7\",\"timestamp\":\"2026-11-02T01:02:03.5Z\"}"

static int parse(const char *line, struct ev_rec *r, const char **why, char *type)
{
    size_t off;

    return observe_cowrie_parse(line, strlen(line), r, why, &off, type);
}

static void assert_text(const struct jscan_val *v, const char *want)
{
    char buf[256];
    size_t n = jscan_unescape(v, buf, sizeof(buf));

    assert_int_equal(v->type, JS_STR);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, n);
}

static void test_kinds(void **state)
{
    struct ev_rec r;
    const char *why;
    char type[32], ip[64];

    (void)state;
    assert_int_equal(parse("{\"eventid\":\"cowrie.session.connect\",\"src_port\":5000,"
                           "\"dst_ip\":\"10.0.0.5\",\"dst_port\":23" TAIL,
                           &r, &why, type),
                     1);
    assert_int_equal(r.kind, EV_HP_CONNECT);
    assert_int_equal(r.ts, 1793581323);
    assert_string_equal(ip16_format(&r.src, ip, sizeof(ip)), "203.0.113.7");
    assert_string_equal(ip16_format(&r.dst, ip, sizeof(ip)), "10.0.0.5");
    assert_int_equal(r.dport, 23);
    assert_int_equal(parse("{\"eventid\":\"cowrie.login.success\",\"username\":\"root\","
                           "\"password\":\"vizxv\"" TAIL,
                           &r, &why, type),
                     1);
    assert_int_equal(r.kind, EV_HP_LOGIN);
    assert_text(&r.user, "root");
    assert_int_equal(parse("{\"eventid\":\"cowrie.command.input\",\"input\":\"uname -a\\n\"" TAIL,
                           &r, &why, type),
                     1);
    assert_int_equal(r.kind, EV_HP_COMMAND);
    assert_text(&r.input, "uname -a\n");
    assert_int_equal(parse("{\"eventid\":\"cowrie.session.file_download\",\"url\":"
                           "\"http:\\/\\/x.example\\/a\",\"shasum\":\"ab\"" TAIL,
                           &r, &why, type),
                     1);
    assert_int_equal(r.kind, EV_HP_DOWNLOAD);
    assert_text(&r.dl_url, "http://x.example/a");
    assert_text(&r.sha256, "ab");
    assert_int_equal(parse("{\"eventid\":\"cowrie.session.file_upload\",\"filename\":\"f\","
                           "\"shasum\":\"cd\"" TAIL,
                           &r, &why, type),
                     1);
    assert_int_equal(r.dl_url.type, JS_NONE);
}

static void test_skipped_and_bad(void **state)
{
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"{\"eventid\":\"cowrie.nope\"" TAIL, "unknown eventid"},
        {"{\"eventid\":1}", "eventid: missing or not a string"},
        {"{\"eventid\":\"cowrie.login.failed\",\"src_ip\":\"203.0.113.7\"}",
         "timestamp: missing or not an RFC 3339 time"},
        {"{\"eventid\":\"cowrie.login.failed\",\"src_ip\":\"x\",\"timestamp\":\"2026-11-02T01:02:"
         "03Z\"}",
         "src_ip: missing or not an IP address"},
        {"{\"eventid\":\"cowrie.login.failed\",\"username\":7" TAIL, "username: not a string"},
        {"{\"eventid\":\"cowrie.command.input\"" TAIL, "input: missing or not a string"},
        {"{\"eventid\":\"cowrie.session.file_download\",\"url\":[]" TAIL,
         "url or shasum: not a string"},
        {"{\"eventid\":\"cowrie.session.connect\",\"dst_port\":70000" TAIL,
         "src_port or dst_port: not a port number"},
    };
    struct ev_rec r;
    const char *why;
    char type[32];

    (void)state;
    assert_int_equal(
        parse("{\"eventid\":\"cowrie.session.closed\",\"duration\":1.5" TAIL, &r, &why, type), 0);
    assert_string_equal(type, "cowrie.session.closed");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        if (parse(bad[i].line, &r, &why, type) != -1 || strcmp(why, bad[i].why) != 0)
            fail_msg("%s: %s", bad[i].line, why ? why : "(accepted)");
    }
    parse(bad[0].line, &r, &why, type);
    assert_string_equal(type, "cowrie.nope");
}

static void test_format(void **state)
{
    const char *cowrie = "garbage\n{\"eventid\":\"cowrie.session.connect\"}\n";
    const char *eve = "{\"event_type\":\"flow\"}\n{\"eventid\":\"cowrie.x\"}\n";
    const char *neither = "{\"a\":1}\n";

    (void)state;
    assert_int_equal(observe_log_format(cowrie, strlen(cowrie)), EVF_COWRIE);
    assert_int_equal(observe_log_format(eve, strlen(eve)), EVF_EVE);
    assert_int_equal(observe_log_format(neither, strlen(neither)), EVF_EVE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_skipped_and_bad),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
