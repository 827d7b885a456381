/* test_scan.c - unit tests of log matching: each format's fields and hits, malformed
 * and skipped lines with their line numbers, format detection, batching across many
 * lines, stopping early, and files without a final newline. The plain and Unbound fast
 * lanes: their edge cases (case, trailing dots, empty labels, 31/32/63/64-byte names,
 * odd bytes and spacing, other classes) with exact results, and a generated mixed log
 * whose whole scan must equal scanning each line on its own (the general path). */
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

#define BAD_NAME                                                                                   \
    "query is not a domain name (empty or over-long name or label, space or control byte)"

/* Every line followed by a long trailer, so all of them are in reach of the lane. */
static void test_plain_lane(void **state)
{
    char a50[51], a51[52], a64[65], log[2048];
    struct got g;
    struct match_counts c;

    (void)state;
    memset(a50, 'a', 50), a50[50] = '\0';
    memset(a51, 'a', 51), a51[51] = '\0';
    memset(a64, 'a', 64), a64[64] = '\0';
    (void)snprintf(log, sizeof(log),
                   "WWW.EVIL.EXAMPLE\nwww.evil.example.\nevil.example..\n.evil.example\n"
                   "x.evil.example1\na.c2.bad.test\nabcdefghijklmnopq.evil.example\n"
                   "abcdefghijklmnopqr.evil.example\nabcdefghijklmnopqrs.evil.example\n"
                   "%s.evil.example\n%s.evil.example\n%s.evil.example\nevil.example\r\n"
                   "\tevil.example\n#evil.example\nhttp://phish.example/login/x\n"
                   "203.0.113.66\nevil.example:80\nnotevil.example\n\xc3\xa9vil.example\n\n.\n"
                   "a..b\nevil.example\nc2.bad.test.\n# %070d\n",
                   a50, a51, a64, 0);
    c = run(MATCH_FMT_PLAIN, log, &g);
    counts_are(c, 26, 18, 14, 5, 2);
    assert_string_equal(g.hits,
                        "1|||www.evil.example|evil.example\n"
                        "2|||www.evil.example|evil.example\n"
                        "6|||a.c2.bad.test|c2.bad.test\n"
                        "7|||abcdefghijklmnopq.evil.example|evil.example\n"
                        "8|||abcdefghijklmnopqr.evil.example|evil.example\n"
                        "9|||abcdefghijklmnopqrs.evil.example|evil.example\n"
                        "10|||aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.evil.example"
                        "|evil.example\n"
                        "11|||aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.evil.example"
                        "|evil.example\n"
                        "13|||evil.example|evil.example\n"
                        "14|||evil.example|evil.example\n"
                        "16|||http://phish.example/login/x|phish.example/login/\n"
                        "17|||203.0.113.66|203.0.113.66\n"
                        "24|||evil.example|evil.example\n"
                        "25|||c2.bad.test|c2.bad.test\n");
    assert_string_equal(g.bad,
                        "3:" BAD_NAME "\n4:" BAD_NAME "\n12:" BAD_NAME
                        "\n18:query is not a domain name, URL or address\n23:" BAD_NAME "\n");
}

static void test_unbound_lane(void **state)
{
    char a60[61], log[4096];
    struct got g;
    struct match_counts c;
    const char *h = "unbound[123:0] info: 192.0.2.1";

    (void)state;
    memset(a60, 'a', 60), a60[60] = '\0';
    (void)snprintf(log, sizeof(log),
                   "[1700000000] %s WWW.EVIL.EXAMPLE. A IN\n"
                   "[1700000001] %s www.evil.example A IN\n"
                   "[1700000002] %s evil.example.. A IN\n"
                   "[1700000003] %s c2.bad.test. TXT CH\n"
                   "[1700000004] %s c2.bad.test. A XN\n"
                   "[1700000005] unbound[123:0] info:  192.0.2.1 c2.bad.test. A IN\n"
                   "[1700000006] %s\tc2.bad.test. A IN\n"
                   "[1700000007] %s c2.bad.test. A IN\r\n"
                   "[1700000008] %s c2.bad.test. A IN extra\n"
                   "[1700000009] unbound[123:0] info: host.example c2.bad.test. A IN\n"
                   "[1700000010]%s c2.bad.test. A IN\n"
                   "[1700000011] unbound info: 192.0.2.1 c2.bad.test. A IN\n"
                   "[1700000012] %s %s.c2.bad.test. A IN\n"
                   "[1700000013] unbound[123:0] info: 2001:DB8::1 x.c2.bad.test. AAAA IN\n"
                   "[1700000014] %s a:b.evil.example. A IN\n"
                   "[1700000015] %s . NS IN\n"
                   "[] %s evil.example. A IN\n"
                   "[1700000017] %s evil.example1. A IN\n"
                   "[1700000018] %s notevil.example. A IN\n"
                   "[1700000019] unbound[123:1] notice: %0100d\n",
                   h, h, h, h, h, h, h, h, h, h, a60, h, h, h, h, h, 0);
    c = run(MATCH_FMT_UNBOUND, log, &g);
    counts_are(c, 20, 13, 10, 3, 4);
    assert_string_equal(g.hits,
                        "1|1700000000|192.0.2.1|www.evil.example|evil.example\n"
                        "2|1700000001|192.0.2.1|www.evil.example|evil.example\n"
                        "4|1700000003|192.0.2.1|c2.bad.test|c2.bad.test\n"
                        "6|1700000005|192.0.2.1|c2.bad.test|c2.bad.test\n"
                        "7|1700000006|192.0.2.1|c2.bad.test|c2.bad.test\n"
                        "8|1700000007|192.0.2.1|c2.bad.test|c2.bad.test\n"
                        "11|1700000010|192.0.2.1|c2.bad.test|c2.bad.test\n"
                        "13|1700000012|192.0.2.1|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        "aaaaaaaaaaaaaaaaa.c2.bad.test|c2.bad.test\n"
                        "14|1700000013|2001:DB8::1|x.c2.bad.test|c2.bad.test\n"
                        "15|1700000014|192.0.2.1|a:b.evil.example|evil.example\n");
    assert_string_equal(g.bad, "3:" BAD_NAME "\n12:no program[pid:thread] after the time\n"
                               "17:time is not [unix seconds]\n");
}

/* Hits as a running hash of (line, id) and a count. */
struct sum {
    uint64_t n, h, base;
};

static bool sum_hit(void *arg, const struct match_event *ev)
{
    struct sum *s = arg;

    s->n++;
    s->h = (s->h ^ (s->base + ev->line)) * 0x100000001b3ULL;
    s->h = (s->h ^ (uint64_t)ev->hit.id) * 0x100000001b3ULL;
    return true;
}

/* A log of n lines drawn from pieces (names in every case, bad ones, odd spacing). */
static size_t mixed_log(enum match_format f, char *out, size_t cap, int n)
{
    static const char *const names[] = {
        "evil.example",
        "www.evil.example.",
        "A.B.C2.BAD.TEST",
        "c2.bad.test..",
        "x..evil.example",
        "notevil.example",
        "a-b.example.org",
        "1.2.3.4",
        "evil.example1",
        ".",
        "q.w.e.r.t.y.u.evil.example",
        "abcdefghijklmnopqrstuvwxyz0123456789.evil.example",
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz.c2.bad.test",
        "evil.example/x",
        "#c",
        "",
    };
    static const char *const tails[] = {" A IN",   " AAAA IN", " A CH",
                                        " A IN x", "\tA IN",   " A IN\r"};
    uint64_t x = 88172645463325252ULL;
    size_t o = 0;

    for (int i = 0; i < n && o + 512 < cap; i++) {
        const char *nm;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        nm = names[x % (sizeof(names) / sizeof(names[0]))];
        if (f == MATCH_FMT_PLAIN)
            o += (size_t)snprintf(out + o, cap - o, "%s%s\n", (x >> 20) % 9 == 0 ? " " : "", nm);
        else
            o += (size_t)snprintf(
                out + o, cap - o, "[17000%05d] unbound[1:0] info: 10.0.0.%d %s%s\n", i,
                (int)(x >> 32) % 300, nm, (x >> 40) % 5 ? " A IN" : tails[(x >> 44) % 6]);
    }
    return o;
}

static void same_line_by_line(enum match_format f)
{
    static char log[400000];
    size_t len = mixed_log(f, log, sizeof(log), 5000);
    struct match_counts whole = {0}, each = {0};
    struct sum a = {0, 0, 0}, b = {0, 0, 0};
    const char *p = log, *end = log + len;
    struct err e;

    assert_int_equal(match_scan(snap, f, (const uint8_t *)log, len, sum_hit, NULL, &a, &whole, &e),
                     ERR_OK);
    while (p < end) { /* without its newline: the lanes never take a line */
        const char *nl = memchr(p, '\n', (size_t)(end - p));

        assert_int_equal(
            match_scan(snap, f, (const uint8_t *)p, (size_t)(nl - p), sum_hit, NULL, &b, &each, &e),
            ERR_OK);
        b.base++;
        p = nl + 1;
    }
    assert_int_equal(whole.lines, 5000);
    assert_true(whole.hits > 500 && whole.malformed > 100 && whole.skipped > 0);
    assert_int_equal(whole.queries, each.queries);
    assert_int_equal(whole.hits, each.hits);
    assert_int_equal(whole.malformed, each.malformed);
    assert_int_equal(whole.skipped, each.skipped);
    assert_int_equal(a.n, b.n);
    assert_true(a.h == b.h);
}

static void test_lanes_equal_general_path(void **state)
{
    (void)state;
    same_line_by_line(MATCH_FMT_PLAIN);
    same_line_by_line(MATCH_FMT_UNBOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_unbound),
        cmocka_unit_test(test_zeek),
        cmocka_unit_test(test_squid),
        cmocka_unit_test(test_batches_keep_order),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_scan_out_of_memory),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_plain_lane),
        cmocka_unit_test(test_unbound_lane),
        cmocka_unit_test(test_lanes_equal_general_path),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
