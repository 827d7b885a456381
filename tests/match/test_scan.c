/* test_scan.c - unit tests of log matching: each format's fields and hits, malformed
 * and skipped lines with their line numbers, format detection, batching across many
 * lines, stopping early, and files without a final newline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

static struct match_snap *snap;

static int setup(void **state)
{
    static const struct {
        enum ioc_type t;
        const char *v;
    } l[] = {
        {IOC_DOMAIN, "evil.example"},
        {IOC_DOMAIN, "c2.bad.test"},
        {IOC_URL, "http://phish.example/login/"},
        {IOC_IPV4, "203.0.113.66"},
        {IOC_CIDR, "2001:db8:bad::/48"},
    };
    struct match_builder *b;
    struct err e;

    (void)state;
    if (match_builder_new(&b, &e) != ERR_OK)
        return -1;
    for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
        if (match_builder_add(b, l[i].t, l[i].v, strlen(l[i].v), (int64_t)i + 1, 50, &e) != ERR_OK)
            return -1;
    return match_builder_finish(b, &snap, &e) == ERR_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    match_snap_unref(snap);
    return 0;
}

/* Collected hits as "line|time|client|query|value" and bad lines as "line:reason". */
struct got {
    char hits[4096];
    char bad[4096];
    int stop_after;
};

static bool on_hit(void *arg, const struct match_event *ev)
{
    struct got *g = arg;
    size_t n = strlen(g->hits);

    (void)snprintf(g->hits + n, sizeof(g->hits) - n, "%llu|%.*s|%.*s|%.*s|%.*s\n",
                   (unsigned long long)ev->line, (int)ev->time_len, ev->time, (int)ev->client_len,
                   ev->client, (int)ev->query_len, ev->query, (int)ev->hit.len, ev->hit.value);
    return --g->stop_after != 0;
}

static void on_bad(void *arg, uint64_t line, const char *why)
{
    struct got *g = arg;
    size_t n = strlen(g->bad);

    (void)snprintf(g->bad + n, sizeof(g->bad) - n, "%llu:%s\n", (unsigned long long)line, why);
}

static struct match_counts run(enum match_format f, const char *log, struct got *g)
{
    struct match_counts c = {0};
    size_t len = strlen(log);
    uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees any overread */
    struct err e;

    memset(g, 0, sizeof(*g));
    g->stop_after = -1;
    memcpy(copy, log, len);
    assert_int_equal(match_scan(snap, f, copy, len, on_hit, on_bad, g, &c, &e), ERR_OK);
    free(copy);
    return c;
}

static void counts_are(struct match_counts c, uint64_t lines, uint64_t queries, uint64_t hits,
                       uint64_t malformed, uint64_t skipped)
{
    assert_int_equal(c.lines, lines);
    assert_int_equal(c.queries, queries);
    assert_int_equal(c.hits, hits);
    assert_int_equal(c.malformed, malformed);
    assert_int_equal(c.skipped, skipped);
}

static void test_plain(void **state)
{
    struct got g;
    struct match_counts c = run(MATCH_FMT_PLAIN,
                                "www.EVIL.example.\n"
                                "good.example\r\n"
                                "\n"
                                "# comment\n"
                                "http://x.phish.example/login/page?a=1\n"
                                "203.0.113.66\n"
                                "2001:db8:bad:1::5\n"
                                "two fields\n"
                                "a..b\n"
                                "host9\n"
                                ".\n"
                                "c2.bad.test",
                                &g);

    (void)state;
    counts_are(c, 12, 8, 5, 2, 1);
    assert_string_equal(g.hits, "1|||www.evil.example|evil.example\n"
                                "5|||http://x.phish.example/login/page?a=1|phish.example/login/\n"
                                "6|||203.0.113.66|203.0.113.66\n"
                                "7|||2001:db8:bad:1::5|2001:db8:bad::/48\n"
                                "12|||c2.bad.test|c2.bad.test\n");
    assert_string_equal(
        g.bad,
        "8:query is not a domain name (empty or over-long name or label, space or control byte)\n"
        "9:query is not a domain name (empty or over-long name or label, space or control "
        "byte)\n");
}

static void test_bind(void **state)
{
    struct got g;
    struct match_counts c =
        run(MATCH_FMT_BIND,
            "25-Nov-2026 10:00:00.123 client @0x7f1e2c 192.0.2.1#53211 (www.evil.example): query: "
            "www.evil.example IN A +E(0)K (192.0.2.53)\n"
            "25-Nov-2026 10:00:01.000 queries: info: client @0x7f1e2c 2001:db8::9#5300 "
            "(ok.example): query: ok.example IN AAAA + (192.0.2.53)\n"
            "25-Nov-2026 10:00:02.000 client 192.0.2.2#1 (C2.Bad.Test): query: C2.Bad.Test IN A\n"
            "25-Nov-2026 10:00:03.000 something else entirely\n"
            "25-Nov-2026 10:00:04.000 client @0x1 192.0.2.3#9 (x): nothing\n",
            &g);

    (void)state;
    counts_are(c, 5, 3, 2, 2, 0);
    assert_string_equal(g.hits, "1|25-Nov-2026 10:00:00.123|192.0.2.1|www.evil.example|"
                                "evil.example\n"
                                "3|25-Nov-2026 10:00:02.000|192.0.2.2|c2.bad.test|c2.bad.test\n");
    assert_string_equal(g.bad, "4:no 'client' field\n5:no 'query:' field\n");
}

static void test_unbound(void **state)
{
    struct got g;
    struct match_counts c =
        run(MATCH_FMT_UNBOUND,
            "[1700000000] unbound[123:0] info: 192.0.2.1 www.evil.example. A IN\n"
            "[1700000001] unbound[123:0] info: start of service (unbound 1.17.1).\n"
            "[1700000002] unbound[123:1] notice: init module 0: validator\n"
            "[1700000003] unbound[123:0] info: 2001:db8::7 safe.example. AAAA IN\n"
            "[17000x0004] unbound[123:0] info: 192.0.2.1 a.example. A IN\n"
            "Nov 25 10:00:00 unbound[1:0] info: 192.0.2.1 a.example. A IN\n"
            "[1700000005] unbound[123:0] info: 192.0.2.1 c2.bad.test. TXT CH\n",
            &g);

    (void)state;
    counts_are(c, 7, 3, 2, 2, 2);
    assert_string_equal(g.hits, "1|1700000000|192.0.2.1|www.evil.example|evil.example\n"
                                "7|1700000005|192.0.2.1|c2.bad.test|c2.bad.test\n");
    assert_string_equal(g.bad, "5:time is not [unix seconds]\n"
                               "6:no [time] at the start of the line\n");
}

static void test_zeek(void **state)
{
    struct got g;
    struct match_counts c =
        run(MATCH_FMT_ZEEK,
            "1700000000.1\tCx\t192.0.2.1\t53\twww.evil.example\n"
            "#separator \\x09\n"
            "#path\tdns\n"
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype\n"
            "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\n"
            "1700000000.5\tCa\t192.0.2.1\t5353\t192.0.2.53\t53\tudp\tWWW.evil.example\t1\n"
            "1700000001.5\tCb\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t-\t-\n"
            "1700000002.5\tCc\t192.0.2.9\t5353\n"
            "1700000003.5\tCd\t2001:db8::2\t1\t192.0.2.53\t53\tudp\tsafe.example\t28\n",
            &g);

    (void)state;
    counts_are(c, 9, 2, 1, 2, 5);
    assert_string_equal(g.hits, "6|1700000000.5|192.0.2.1|www.evil.example|evil.example\n");
    assert_string_equal(g.bad, "1:data line before a #fields header with a query column\n"
                               "8:fewer columns than the #fields header\n");
}

static void test_squid(void **state)
{
    struct got g;
    struct match_counts c =
        run(MATCH_FMT_SQUID,
            "1700000000.123    120 192.0.2.1 TCP_MISS/200 1234 GET "
            "http://phish.example/login/x.php - HIER_DIRECT/203.0.113.5 text/html\n"
            "1700000001.000      5 192.0.2.2 TCP_TUNNEL/200 99 CONNECT api.evil.example:443 - "
            "HIER_DIRECT/203.0.113.6 -\n"
            "1700000002.000      5 192.0.2.3 TCP_MISS/200 99 GET http://203.0.113.66/a.exe - "
            "HIER_DIRECT/203.0.113.66 -\n"
            "1700000003.000      5 192.0.2.3 TCP_MISS/200 99 GET http://fine.example/ - - -\n"
            "1700000004.000      5 192.0.2.4 TCP_TUNNEL/200 9 CONNECT [2001:db8:bad::1]:443 - - -\n"
            "garbage line\n"
            "1700000005.000      5 192.0.2.3 TCP_MISS/200 99 GET\n",
            &g);

    (void)state;
    counts_are(c, 7, 5, 4, 2, 0);
    assert_string_equal(g.hits,
                        "1|1700000000.123|192.0.2.1|http://phish.example/login/x.php|"
                        "phish.example/login/\n"
                        "2|1700000001.000|192.0.2.2|api.evil.example|evil.example\n"
                        "3|1700000002.000|192.0.2.3|http://203.0.113.66/a.exe|203.0.113.66\n"
                        "5|1700000004.000|192.0.2.4|[2001:db8:bad::1]|2001:db8:bad::/48\n");
    assert_string_equal(g.bad, "6:time is not unix seconds\n7:no URL field\n");
}

/* More lines than a batch, hits spread through them, and line numbers stay right. */
static void test_batches_keep_order(void **state)
{
    static char log[200000];
    char want[4096] = "";
    struct got g;
    struct match_counts c;
    size_t n = 0, w = 0;

    (void)state;
    for (int i = 1; i <= 3000; i++) {
        if (i % 97 == 0) {
            n += (size_t)snprintf(log + n, sizeof(log) - n, "h%d.evil.example\n", i);
            if (w < 3000)
                w += (size_t)snprintf(want + w, sizeof(want) - w,
                                      "%d|||h%d.evil.example|evil.example\n", i, i);
        } else {
            n += (size_t)snprintf(log + n, sizeof(log) - n, "n%d.ok%d.example\n", i, i % 7);
        }
    }
    c = run(MATCH_FMT_PLAIN, log, &g);
    counts_are(c, 3000, 3000, 30, 0, 0);
    assert_string_equal(g.hits, want);
}

static void test_stop_early(void **state)
{
    struct match_counts c = {0};
    struct got g = {.stop_after = 1};
    const char *log = "evil.example\nevil.example\nevil.example\n";
    struct err e;

    (void)state;
    assert_int_equal(match_scan(snap, MATCH_FMT_PLAIN, (const uint8_t *)log, strlen(log), on_hit,
                                on_bad, &g, &c, &e),
                     ERR_OK);
    assert_int_equal(c.hits, 1);
    assert_string_equal(g.hits, "1|||evil.example|evil.example\n");
}

static void test_scan_out_of_memory(void **state)
{
    struct match_counts c = {0};
    struct err e;

    (void)state;
    mem_fail_after(1);
    assert_int_equal(
        match_scan(snap, MATCH_FMT_PLAIN, (const uint8_t *)"a.b\n", 4, NULL, NULL, NULL, &c, &e),
        ERR_NOMEM);
    mem_fail_after(0);
    assert_non_null(strstr(e.msg, "match: "));
    assert_int_equal(c.lines, 0);
}

static void detect_is(const char *log, int want)
{
    enum match_format f = MATCH_NFORMATS;
    struct err e;
    enum err_code rc = match_format_detect((const uint8_t *)log, strlen(log), &f, &e);

    if (want < 0) {
        assert_int_equal(rc, ERR_PARSE);
        assert_non_null(strstr(e.msg, "match: "));
    } else {
        assert_int_equal(rc, ERR_OK);
        assert_int_equal(f, want);
    }
}

static void test_detect(void **state)
{
    (void)state;
    detect_is("\n\nwww.example.com\nevil.example.\n", MATCH_FMT_PLAIN);
    detect_is("[1700000000] unbound[1:0] info: 192.0.2.1 a.example. A IN\n", MATCH_FMT_UNBOUND);
    detect_is("25-Nov-2026 10:00:00.123 client @0x7 192.0.2.1#5 (a.b): query: a.b IN A +\n",
              MATCH_FMT_BIND);
    detect_is("#separator \\x09\n#fields\tts\tquery\n", MATCH_FMT_ZEEK);
    detect_is("1700000000.123 5 192.0.2.1 TCP_MISS/200 1 GET http://a.b/ - - -\n", MATCH_FMT_SQUID);
    detect_is("www.example.com\n[1700000000] unbound[1:0] info: 192.0.2.1 a. A IN\n", -1);
    detect_is("two words\n", -1);
    detect_is("\n\n", -1);
    detect_is("", -1);
}

static void test_format_names(void **state)
{
    enum match_format f;

    (void)state;
    for (int i = 0; i < MATCH_NFORMATS; i++) {
        assert_true(match_format_parse(match_format_name((enum match_format)i), &f));
        assert_int_equal(f, i);
    }
    assert_string_equal(match_format_name(MATCH_FMT_BIND), "bind-querylog");
    assert_string_equal(match_format_name(MATCH_FMT_ZEEK), "zeek-dns");
    assert_false(match_format_parse("bind", &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),      cmocka_unit_test(test_bind),
        cmocka_unit_test(test_unbound),    cmocka_unit_test(test_zeek),
        cmocka_unit_test(test_squid),      cmocka_unit_test(test_batches_keep_order),
        cmocka_unit_test(test_stop_early), cmocka_unit_test(test_scan_out_of_memory),
        cmocka_unit_test(test_detect),     cmocka_unit_test(test_format_names),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
