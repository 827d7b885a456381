/* test_darknet.c - the darknet aggregator against hand-built packets: classes, the
 * scanner and victim thresholds at their edges, per-port hourly distinct and new
 * sources, day boundaries and eviction, exact merging across flushes and processes,
 * rollback, and the HyperLogLog estimate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe/darknet.h"

#define DAY0 1762041600 /* 2025-11-02T00:00:00Z */

struct fx {
    char dir[64], path[96];
    struct store *st;
    struct dk_agg *agg;
    int64_t sensor;
    bool wide; /* no /16 holding the whole IPv4 darknet: 32-bit exact sets */
};

static struct pkt mk(const char *src, const char *dst, uint8_t cls, uint16_t port)
{
    struct pkt p;
    struct err e;

    memset(&p, 0, sizeof(p));
    assert_int_equal(ip16_parse(src, &p.src, &e), ERR_OK);
    assert_int_equal(ip16_parse(dst, &p.dst, &e), ERR_OK);
    p.cls = cls;
    p.port = port;
    p.ip_len = 40;
    p.ipver = ip16_is_v4(&p.src) ? 4 : 6;
    return p;
}

static void open_agg(struct fx *f, uint32_t scan, uint32_t victim)
{
    struct dk_agg_opts o = {scan, victim, 0, 0, !f->wide, 0xc633}; /* 198.51.0.0/16 */
    struct err e;

    assert_int_equal(store_open(f->path, &f->st, &e), ERR_OK);
    assert_int_equal(store_sensor_id(f->st, "s1", true, &f->sensor, &e), ERR_OK);
    assert_int_equal(observe_dk_agg_new(f->st, f->sensor, NULL, &o, &f->agg, &e), ERR_OK);
    assert_int_equal(store_begin(f->st, &e), ERR_OK);
}

static void close_agg(struct fx *f, bool commit)
{
    struct err e;

    if (commit) {
        assert_int_equal(observe_dk_agg_flush(f->agg, &e), ERR_OK);
        assert_int_equal(store_commit(f->st, &e), ERR_OK);
    } else {
        store_rollback(f->st);
        observe_dk_agg_discard(f->agg);
    }
    observe_dk_agg_free(f->agg);
    store_close(f->st);
    f->agg = NULL;
    f->st = NULL;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    (void)snprintf(f->dir, sizeof(f->dir), "/tmp/ooda-dk-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    (void)snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[160];

    (void)snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void add(struct fx *f, int64_t ts, struct pkt p)
{
    struct err e;

    assert_int_equal(observe_dk_agg_add(f->agg, ts, &p, &e), ERR_OK);
}

static int64_t q(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* Adds n packets from src to n distinct darknet addresses (and repeats of the first). */
static void scan(struct fx *f, const char *src, int n, int repeats)
{
    char dst[32];

    for (int i = 0; i < n; i++) {
        (void)snprintf(dst, sizeof(dst), "198.51.%d.%d", i / 256, i % 256);
        add(f, DAY0 + 60 + i, mk(src, dst, DK_TCP_SYN, 23));
    }
    for (int i = 0; i < repeats; i++)
        add(f, DAY0 + 600 + i, mk(src, "198.51.0.0", DK_TCP_SYN, 23));
}

static void test_scanner_threshold_edges(void **state)
{
    struct fx *f = *state;
    struct store_dk_summary s;
    struct err e;

    open_agg(f, 16, 8);
    scan(f, "1.0.0.15", 15, 40); /* 15 distinct: not a scanner despite 55 packets */
    scan(f, "1.0.0.16", 16, 0);
    scan(f, "1.0.0.17", 17, 3);
    scan(f, "1.0.0.99", 300, 0);
    close_agg(f, true);
    assert_int_equal(store_open(f->path, &f->st, &e), ERR_OK);
    assert_int_equal(store_dk_summary(f->st, NULL, 0, DAY0 + 86400, &s, &e), ERR_OK);
    store_close(f->st);
    assert_int_equal(s.sources, 4);
    assert_int_equal(s.scanners, 3);
    assert_int_equal(s.packets, 15 + 40 + 16 + 17 + 3 + 300);
    assert_int_equal(s.cls[STORE_DK_TCP_SYN], s.packets);
    assert_int_equal(q(f->path, "SELECT dsts FROM dk_source_day WHERE packets = 16"), 16);
    assert_int_equal(q(f->path, "SELECT dsts FROM dk_source_day WHERE packets = 55"), 15);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day WHERE scanner"), 3);
    /* exact below the threshold, estimate above it (256-register HLL, well within 15%) */
    assert_int_equal(q(f->path, "SELECT max(dsts) FROM dk_source_day WHERE dsts < 17"), 16);
    int64_t est = q(f->path, "SELECT dsts FROM dk_source_day WHERE packets = 300");
    assert_in_range(est, 255, 345);
    assert_int_equal(q(f->path, "SELECT count(*) FROM sightings WHERE kind = 'scanner'"), 3);
}

static void test_victim_threshold_and_probe_rule(void **state)
{
    struct fx *f = *state;
    char dst[32];

    open_agg(f, 16, 8);
    for (int i = 0; i < 7; i++) { /* 7 backscatter packets: below */
        (void)snprintf(dst, sizeof(dst), "198.51.1.%d", i);
        add(f, DAY0 + i, mk("2.0.0.7", dst, DK_BACKSCATTER, 80));
    }
    for (int i = 0; i < 40; i++) { /* 40 distinct destinations but no probe: victim only */
        (void)snprintf(dst, sizeof(dst), "198.51.2.%d", i);
        add(f, DAY0 + i, mk("2.0.0.8", dst, DK_BACKSCATTER, 443));
    }
    close_agg(f, true);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day WHERE victim"), 1);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day WHERE scanner"), 0);
    assert_int_equal(q(f->path, "SELECT packets FROM sightings WHERE kind = 'dos-victim'"), 40);
    assert_int_equal(q(f->path, "SELECT count(*) FROM indicators WHERE value = '2.0.0.8'"
                                " AND type = 'ipv4'"),
                     1);
}

static void test_port_hours_new_sources(void **state)
{
    struct fx *f = *state;

    open_agg(f, 16, 8);
    add(f, DAY0 + 10, mk("3.0.0.1", "198.51.0.1", DK_TCP_SYN, 23));
    add(f, DAY0 + 20, mk("3.0.0.1", "198.51.0.2", DK_TCP_SYN, 23));
    add(f, DAY0 + 30, mk("3.0.0.2", "198.51.0.2", DK_TCP_SYN, 23));
    add(f, DAY0 + 3600 + 5, mk("3.0.0.1", "198.51.0.3", DK_TCP_SYN, 23)); /* hour 1 */
    add(f, DAY0 + 3600 + 6, mk("3.0.0.3", "198.51.0.3", DK_TCP_SYN, 23));
    add(f, DAY0 + 3600 + 7, mk("3.0.0.3", "198.51.0.3", DK_UDP, 23)); /* other class */
    close_agg(f, true);
    assert_int_equal(q(f->path, "SELECT packets*100+sources*10+new_sources FROM dk_port_hour"
                                " WHERE hour = 1762041600 AND port = 23 AND class = 0"),
                     322);
    assert_int_equal(q(f->path, "SELECT packets*100+sources*10+new_sources FROM dk_port_hour"
                                " WHERE hour = 1762045200 AND port = 23 AND class = 0"),
                     221);
    assert_int_equal(q(f->path, "SELECT packets*100+sources*10+new_sources FROM dk_port_hour"
                                " WHERE hour = 1762045200 AND port = 23 AND class = 1"),
                     111);
    assert_int_equal(q(f->path, "SELECT sources FROM dk_port_day WHERE port = 23 AND class = 0"),
                     3);
    assert_int_equal(q(f->path, "SELECT hours FROM dk_source_day WHERE packets = 3"), 3);
    assert_int_equal(q(f->path, "SELECT sum(sources) FROM dk_country_hour"), 4);
}

static void test_days_and_eviction(void **state)
{
    struct fx *f = *state;

    open_agg(f, 16, 8);
    for (int d = 0; d < 4; d++) /* 4 days with 2 open at a time: evicts and reloads */
        for (int i = 0; i < 3; i++)
            add(f, DAY0 + d * 86400 + 86399 - i, mk("4.0.0.1", "198.51.0.9", DK_UDP, 53));
    add(f, DAY0 + 5, mk("4.0.0.1", "198.51.0.9", DK_UDP, 53)); /* back to day 0 */
    close_agg(f, true);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day"), 4);
    assert_int_equal(q(f->path, "SELECT packets FROM dk_source_day WHERE day = 20394"), 4);
    assert_int_equal(q(f->path, "SELECT hours FROM dk_source_day WHERE day = 20394"),
                     (1 << 23) | 1);
    assert_int_equal(q(f->path, "SELECT sum(packets) FROM dk_port_hour"), 13);
    assert_int_equal(q(f->path, "SELECT sum(new_sources) FROM dk_port_hour"), 4);
}

/* Feeds a deterministic packet stream; split says where to stop, flush, close and
 * reopen (a second process ingesting the next file). */
static void stream(struct fx *f, int split)
{
    uint64_t x = 42;
    char src[48], dst[32];
    static const uint8_t cls[] = {DK_TCP_SYN, DK_TCP_SYN, DK_UDP, DK_ICMP_ECHO, DK_BACKSCATTER,
                                  DK_OTHER};

    open_agg(f, 16, 8);
    for (int i = 0; i < 20000; i++) {
        if (i == split) {
            close_agg(f, true);
            open_agg(f, 16, 8);
        }
        x = hash_u64(x + (uint64_t)i);
        if (x % 10 == 0)
            (void)snprintf(src, sizeof(src), "2001:db8::%x", (unsigned)(x >> 40) % 97);
        else
            (void)snprintf(src, sizeof(src), "5.%u.0.%u", (unsigned)(x >> 8) % 3,
                           (unsigned)(x >> 16) % 150);
        (void)snprintf(dst, sizeof(dst), "%s.%u.%u",
                       (x >> 44) % 13 == 0 ? "203.0" : "198.51", /* some outside the /16 */
                       (unsigned)(x >> 24) % 4, (unsigned)(x >> 32) % 256);
        add(f, DAY0 + i * 8, mk(src, dst, cls[(x >> 48) % 6], (uint16_t)(20 + (x >> 52) % 7)));
    }
    close_agg(f, true);
}

static void merge_check(struct fx *f)
{
    static const char *const tables[] = {
        "SELECT group_concat(x, ';') FROM (SELECT day||','||hex(src)||','||packets||','||bytes"
        "||','||tcp_syn||','||udp||','||other||','||first_seen||','||last_seen||','||hours||','"
        "||dsts||','||ports||','||top_ports||','||scanner||','||victim||','||hex(state) AS x"
        " FROM dk_source_day ORDER BY day, src)",
        "SELECT group_concat(x, ';') FROM (SELECT hour||','||port||','||class||','||packets||','"
        "||bytes||','||sources||','||new_sources AS x FROM dk_port_hour ORDER BY 1)",
        "SELECT group_concat(x, ';') FROM (SELECT hour||','||country||','||packets||','||sources"
        " AS x FROM dk_country_hour ORDER BY 1)",
        "SELECT group_concat(x, ';') FROM (SELECT day||port||class||packets||sources AS x"
        " FROM dk_port_day ORDER BY 1)",
        "SELECT group_concat(x, ';') FROM (SELECT observer||kind||count||packets||first_seen AS x"
        " FROM sightings ORDER BY 1)",
    };
    char one[128], cmd[1024];

    stream(f, -1);
    (void)snprintf(one, sizeof(one), "%s/one.db", f->dir);
    (void)snprintf(cmd, sizeof(cmd), "sqlite3 %s 'VACUUM INTO \"%s\"'", f->path, one);
    assert_int_equal(system(cmd), 0);
    (void)snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", f->path, f->path, f->path);
    assert_int_equal(system(cmd), 0);
    stream(f, 7777); /* the same packets in two runs */
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        sqlite3 *a, *b;
        sqlite3_stmt *sa, *sb;
        assert_int_equal(sqlite3_open(one, &a), SQLITE_OK);
        assert_int_equal(sqlite3_open(f->path, &b), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(a, tables[t], -1, &sa, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(b, tables[t], -1, &sb, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(sa), SQLITE_ROW);
        assert_int_equal(sqlite3_step(sb), SQLITE_ROW);
        assert_non_null(sqlite3_column_text(sa, 0));
        assert_string_equal(sqlite3_column_text(sa, 0), sqlite3_column_text(sb, 0));
        sqlite3_finalize(sa);
        sqlite3_finalize(sb);
        sqlite3_close(a);
        sqlite3_close(b);
    }
    assert_true(q(f->path, "SELECT count(*) FROM dk_source_day WHERE scanner") > 0);
}

static void test_merge_equals_single_pass(void **state)
{
    merge_check(*state);
}

static void test_merge_equals_single_pass_wide(void **state)
{
    struct fx *f = *state;

    f->wide = true;
    merge_check(f);
}

/* Adds n packets from src to n distinct addresses prefix.a.b (a, b counting up). */
static void scan_in(struct fx *f, const char *src, const char *prefix, int n)
{
    char dst[32];

    for (int i = 0; i < n; i++) {
        (void)snprintf(dst, sizeof(dst), "%s.%d.%d", prefix, i / 256, i % 256);
        add(f, DAY0 + 3600 + i, mk(src, dst, DK_TCP_SYN, 445));
    }
}

static int64_t dsts_of(struct fx *f, int64_t packets)
{
    char sql[96];

    (void)snprintf(sql, sizeof(sql), "SELECT dsts FROM dk_source_day WHERE packets = %lld",
                   (long long)packets);
    return q(f->path, sql);
}

/* Exact sets hold 64 16-bit keys (one /16 darknet) or 32 32-bit keys, then a HyperLogLog;
 * a key outside the /16 rewrites a set with 32-bit keys. Reloading keeps every count. */
static void test_exact_sets(void **state)
{
    struct fx *f = *state;

    for (int wide = 0; wide < 2; wide++) {
        char cmd[320];
        f->wide = wide != 0;
        (void)snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", f->path, f->path, f->path);
        assert_int_equal(system(cmd), 0);
        open_agg(f, 16, 8);
        scan_in(f, "7.0.0.1", "198.51", 32);
        scan_in(f, "7.0.0.2", "198.51", 35);
        scan_in(f, "7.0.0.3", "198.51", 64);
        scan_in(f, "7.0.0.4", "198.51", 65);
        scan_in(f, "7.0.0.5", "198.51", 20); /* 20 in the /16, then 6 outside */
        scan_in(f, "7.0.0.5", "203.0", 6);
        scan_in(f, "7.0.0.6", "198.51", 40); /* 40, then one outside: too many for 32 bits */
        scan_in(f, "7.0.0.6", "203.0", 1);
        close_agg(f, true);
        open_agg(f, 16, 8); /* reload the day and add one more destination to each */
        add(f, DAY0 + 7200, mk("7.0.0.1", "198.51.9.9", DK_TCP_SYN, 445));
        add(f, DAY0 + 7200, mk("7.0.0.5", "203.0.9.9", DK_TCP_SYN, 445));
        close_agg(f, true);
        assert_int_equal(dsts_of(f, 27), 27);
        if (wide) {
            assert_in_range(dsts_of(f, 33), 33, 38); /* 33 > 32 keys */
            assert_in_range(dsts_of(f, 35), 33, 40); /* past 32 keys: an estimate */
            assert_in_range(dsts_of(f, 64), 54, 74);
            assert_in_range(dsts_of(f, 65), 55, 75);
        } else {
            assert_int_equal(dsts_of(f, 33), 33);
            assert_int_equal(dsts_of(f, 35), 35);
            assert_int_equal(dsts_of(f, 64), 64);
            assert_in_range(dsts_of(f, 65), 65, 75); /* never below what the set held */
        }
        assert_in_range(dsts_of(f, 41), 35, 47);
        assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day WHERE scanner"), 6);
    }
}

/* Every stored state blob of a varied day decodes, and re-encodes to the same bytes. */
static void test_state_roundtrip(void **state)
{
    struct fx *f = *state;
    sqlite3 *db;
    sqlite3_stmt *s;
    int rows = 0;

    stream(f, 9000);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT tcp_syn, udp, icmp_echo, backscatter, other,"
                                        " state, substr(hex(src), 1, 24) ="
                                        " '00000000000000000000FFFF' FROM dk_source_day",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        uint32_t pk[DK_NCLASS];
        bool exact = false;
        struct err e;
        for (int k = 0; k < DK_NCLASS; k++)
            pk[k] = (uint32_t)sqlite3_column_int64(s, k);
        assert_int_equal(observe_dk_state_roundtrip(sqlite3_column_blob(s, 5),
                                                    (size_t)sqlite3_column_bytes(s, 5), pk,
                                                    sqlite3_column_int(s, 6) != 0, &exact, &e),
                         ERR_OK);
        assert_true(exact);
        pk[DK_TCP_SYN]++; /* entry counts no longer add up to the class counts */
        assert_int_equal(observe_dk_state_roundtrip(sqlite3_column_blob(s, 5),
                                                    (size_t)sqlite3_column_bytes(s, 5), pk,
                                                    sqlite3_column_int(s, 6) != 0, &exact, &e),
                         ERR_PARSE);
        rows++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_true(rows > 400);
}

static void test_rollback_leaves_nothing(void **state)
{
    struct fx *f = *state;

    open_agg(f, 16, 8);
    scan(f, "6.0.0.1", 40, 0);
    close_agg(f, false);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_source_day"), 0);
    assert_int_equal(q(f->path, "SELECT count(*) FROM dk_port_hour"), 0);
}

static void test_hll_accuracy(void **state)
{
    uint8_t regs[DK_HLL_BYTES];
    static const uint32_t sizes[] = {17, 100, 1000, 20000, 65536};

    (void)state;
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        memset(regs, 0, sizeof(regs));
        for (uint32_t i = 0; i < sizes[s]; i++) {
            observe_dk_hll_add(regs, 0xc6330000u + i);
            observe_dk_hll_add(regs, 0xc6330000u + i / 2); /* duplicates change nothing */
        }
        double est = observe_dk_hll_estimate(regs), err = (est - sizes[s]) / sizes[s];
        assert_true(err > -0.2 && err < 0.2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scanner_threshold_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_victim_threshold_and_probe_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_hours_new_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days_and_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_equals_single_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_equals_single_pass_wide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exact_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test(test_hll_accuracy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
