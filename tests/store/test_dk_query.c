/* test_dk_query.c - unit tests of the darknet queries of store/store_darknet.c: the
 * summary over whole, partial-day and unaligned ranges (sources picked by their 24-bit
 * hours map), sensor filters and empty inputs; top-N by source, port, country and ASN with
 * ties, limits, ranges and sensor filters.
 *
 * Each test gets a fresh store in a mkdtemp() directory under /tmp. Times are built
 * around BASE = 2026-11-25T00:00:00Z (day DAY). */
#include "store_fixture.h"

/* ---- summary ------------------------------------------------------------------------------------
 */

/* Port-hour rows (packets): s1 h0 100, h5 10 (udp), h13 50, DAY+1 h2 7; s2 h5 4 (icmp);
 * s1 DAY+2 1000 (out of the two-day range). Sources: A (s1) hours {0,5} on DAY and {2} on
 * DAY+1, scanner; B (s1) hour 13, victim; C (s2) hour 5; E (s1) DAY+2. One file for s1. */
static void seed_summary(struct ctx *c)
{
    struct store_file f = {.hash = {7}, .name = "f"};
    struct err e;

    put_port(c, c->s1, BASE, 23, STORE_DK_TCP_SYN, 100, 6000);
    put_port(c, c->s1, BASE + 5 * H, 53, STORE_DK_UDP, 10, 800);
    put_port(c, c->s1, BASE + 13 * H, 445, STORE_DK_TCP_SYN, 50, 3000);
    put_port(c, c->s1, BASE + 26 * H, 23, STORE_DK_TCP_SYN, 7, 420);
    put_port(c, c->s2, BASE + 5 * H, 0, STORE_DK_ICMP_ECHO, 4, 300);
    put_port(c, c->s1, BASE + 48 * H, 80, STORE_DK_OTHER, 1000, 1);
    put_src(c, c->s1, DAY, "198.51.100.7", 1u << 0 | 1u << 5, 110, BASE + 10, BASE + 5 * H + 100,
            true, false, "US", 1);
    put_src(c, c->s1, DAY, "2001:db8::b", 1u << 13, 50, BASE + 13 * H + 5, BASE + 13 * H + 50,
            false, true, "JP", 2);
    put_src(c, c->s1, DAY + 1, "198.51.100.7", 1u << 2, 7, BASE + 26 * H, BASE + 26 * H + 60, true,
            false, "US", 1);
    put_src(c, c->s2, DAY, "203.0.113.9", 1u << 5, 4, BASE + 5 * H + 1, BASE + 5 * H + 2, false,
            false, "CN", 3);
    put_src(c, c->s1, DAY + 2, "192.0.2.99", 1u << 0, 1000, BASE + 48 * H, BASE + 48 * H + 1, true,
            true, "US", 1);
    ok(store_file_add(c->st, c->s1, &f, &e), &e);
}

static struct store_dk_summary summary(struct ctx *c, const char *sensor, int64_t since,
                                       int64_t until)
{
    struct store_dk_summary s;
    struct err e;

    memset(&s, 0x5a, sizeof(s));
    ok(store_dk_summary(c->st, sensor, since, until, &s, &e), &e);
    return s;
}

static void test_summary_empty_db(void **state)
{
    struct ctx *c = *state;
    struct store_dk_summary s = summary(c, NULL, BASE, BASE + 86400), zero;

    memset(&zero, 0, sizeof(zero));
    assert_memory_equal(&s, &zero, sizeof(s));
    s = summary(c, "s1", 0, INT64_C(1) << 40);
    assert_memory_equal(&s, &zero, sizeof(s));
}

static void test_summary_whole_range(void **state)
{
    struct ctx *c = *state;
    struct store_dk_summary s;

    seed_summary(c);
    s = summary(c, NULL, BASE, BASE + 2 * 86400);
    assert_int_equal(s.packets, 171);
    assert_int_equal(s.bytes, 10520);
    assert_int_equal(s.cls[STORE_DK_TCP_SYN], 157);
    assert_int_equal(s.cls[STORE_DK_UDP], 10);
    assert_int_equal(s.cls[STORE_DK_ICMP_ECHO], 4);
    assert_int_equal(s.cls[STORE_DK_BACKSCATTER], 0);
    assert_int_equal(s.cls[STORE_DK_OTHER], 0);
    assert_int_equal(s.sources, 3); /* A counted once over two days */
    assert_int_equal(s.scanners, 1);
    assert_int_equal(s.victims, 1);
    assert_int_equal(s.sensors, 2);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.first_seen, BASE + 10);
    assert_int_equal(s.last_seen, BASE + 26 * H + 60);
}

static void test_summary_partial_days_use_hours_map(void **state)
{
    struct ctx *c = *state;
    struct store_dk_summary s;

    seed_summary(c);
    /* DAY hours 12-23 and DAY+1 hours 0-1: only B is active. */
    s = summary(c, NULL, BASE + 12 * H, BASE + 26 * H);
    assert_int_equal(s.packets, 50);
    assert_int_equal(s.bytes, 3000);
    assert_int_equal(s.sources, 1);
    assert_int_equal(s.scanners, 0);
    assert_int_equal(s.victims, 1);
    assert_int_equal(s.sensors, 1);
    assert_int_equal(s.first_seen, BASE + 13 * H + 5);
    assert_int_equal(s.last_seen, BASE + 13 * H + 50);

    /* Unaligned bounds round out to whole hours: DAY+1 hour 2 joins, A with it. */
    s = summary(c, NULL, BASE + 12 * H + 1799, BASE + 26 * H + 1);
    assert_int_equal(s.packets, 57);
    assert_int_equal(s.sources, 2);
    assert_int_equal(s.scanners, 1);
    assert_int_equal(s.victims, 1);
    assert_int_equal(s.first_seen, BASE + 13 * H + 5);
    assert_int_equal(s.last_seen, BASE + 26 * H + 60);

    /* One hour of one day: A and C; first/last clamped to the range. */
    s = summary(c, NULL, BASE + 5 * H, BASE + 6 * H);
    assert_int_equal(s.packets, 14);
    assert_int_equal(s.bytes, 1100);
    assert_int_equal(s.cls[STORE_DK_UDP], 10);
    assert_int_equal(s.cls[STORE_DK_ICMP_ECHO], 4);
    assert_int_equal(s.cls[STORE_DK_TCP_SYN], 0);
    assert_int_equal(s.sources, 2);
    assert_int_equal(s.scanners, 1);
    assert_int_equal(s.victims, 0);
    assert_int_equal(s.sensors, 2);
    assert_int_equal(s.first_seen, BASE + 5 * H);
    assert_int_equal(s.last_seen, BASE + 5 * H + 100);

    /* Hours 1-4 of DAY: nothing, although A's day row exists. */
    s = summary(c, NULL, BASE + H, BASE + 5 * H);
    assert_int_equal(s.packets, 0);
    assert_int_equal(s.sources, 0);
    assert_int_equal(s.sensors, 0);
    assert_int_equal(s.first_seen, 0);
    assert_int_equal(s.last_seen, 0);
    assert_int_equal(s.files, 1); /* files are not per range */
}

static void test_summary_sensor_filter(void **state)
{
    struct ctx *c = *state;
    struct store_dk_summary s, zero;

    seed_summary(c);
    s = summary(c, "s1", BASE, BASE + 2 * 86400);
    assert_int_equal(s.packets, 167);
    assert_int_equal(s.sources, 2);
    assert_int_equal(s.scanners, 1);
    assert_int_equal(s.victims, 1);
    assert_int_equal(s.sensors, 1);
    assert_int_equal(s.files, 1);
    s = summary(c, "s2", BASE, BASE + 2 * 86400);
    assert_int_equal(s.packets, 4);
    assert_int_equal(s.cls[STORE_DK_ICMP_ECHO], 4);
    assert_int_equal(s.sources, 1);
    assert_int_equal(s.scanners, 0);
    assert_int_equal(s.sensors, 1);
    assert_int_equal(s.files, 0);
    assert_int_equal(s.first_seen, BASE + 5 * H + 1);
    assert_int_equal(s.last_seen, BASE + 5 * H + 2);
    s = summary(c, "nope", BASE, BASE + 2 * 86400);
    memset(&zero, 0, sizeof(zero));
    assert_memory_equal(&s, &zero, sizeof(s));
}

/* [since, until) with until <= since holds no hour, so it holds no traffic. */
static void test_summary_empty_range_is_zero(void **state)
{
    struct ctx *c = *state;
    struct store_dk_summary s;

    seed_summary(c);
    s = summary(c, NULL, BASE + 5 * H, BASE + 5 * H);
    assert_int_equal(s.packets, 0);
    assert_int_equal(s.sources, 0);
    s = summary(c, NULL, BASE + 6 * H, BASE + 5 * H);
    assert_int_equal(s.packets, 0);
    assert_int_equal(s.sources, 0);
}

/* ---- top-N
 * ---------------------------------------------------------------------------------------- */

/* Sources on DAY (all hours): 2001:db8::1 300 US/15169, 192.0.2.20 100 JP/13335,
 * 192.0.2.3 100 JP/13335, 10.9.9.9 50 CN/4134 (s1); 198.18.0.1 100 KR/2500 (s2). */
static void seed_top(struct ctx *c)
{
    struct err e;

    put_src(c, c->s1, DAY, "2001:db8::1", ALL_HOURS, 300, BASE, BASE + 10, false, false, "US",
            15169);
    put_src(c, c->s1, DAY, "192.0.2.20", ALL_HOURS, 100, BASE, BASE + 10, false, false, "JP",
            13335);
    put_src(c, c->s1, DAY, "192.0.2.3", ALL_HOURS, 100, BASE, BASE + 10, false, false, "JP", 13335);
    put_src(c, c->s1, DAY, "10.9.9.9", ALL_HOURS, 50, BASE, BASE + 10, false, false, "CN", 4134);
    put_src(c, c->s2, DAY, "198.18.0.1", ALL_HOURS, 100, BASE, BASE + 10, false, false, "KR", 2500);

    put_port(c, c->s1, BASE + 1 * H, 80, STORE_DK_TCP_SYN, 25, 1);
    put_port(c, c->s1, BASE + 3 * H, 80, STORE_DK_TCP_SYN, 15, 1);
    put_port(c, c->s1, BASE + 2 * H, 443, STORE_DK_TCP_SYN, 40, 1);
    put_port(c, c->s1, BASE + 2 * H, 23, STORE_DK_TCP_SYN, 40, 1);
    put_port(c, c->s1, BASE + 4 * H, 80, STORE_DK_UDP, 40, 1);
    put_port(c, c->s1, BASE + 4 * H, 53, STORE_DK_UDP, 100, 1);
    put_port(c, c->s2, BASE + 4 * H, 53, STORE_DK_UDP, 5, 1);
    put_port(c, c->s1, BASE + 30 * H, 8080, STORE_DK_TCP_SYN, 1000, 1);
    ok(store_dk_port_day_put(c->st, c->s1, DAY, 80, STORE_DK_TCP_SYN, 40, 7, &e), &e);
    ok(store_dk_port_day_put(c->st, c->s1, DAY, 53, STORE_DK_UDP, 100, 3, &e), &e);
    ok(store_dk_port_day_put(c->st, c->s2, DAY, 53, STORE_DK_UDP, 5, 2, &e), &e);
    ok(store_dk_port_day_put(c->st, c->s1, DAY + 1, 53, STORE_DK_UDP, 9, 100, &e), &e);

    put_cc(c, c->s1, BASE + 1 * H, "CN", 60);
    put_cc(c, c->s1, BASE + 2 * H, "CN", 30);
    put_cc(c, c->s1, BASE + 1 * H, "JP", 70);
    put_cc(c, c->s1, BASE + 1 * H, "US", 70);
    put_cc(c, c->s1, BASE + 1 * H, "ZZ", 10);
    put_cc(c, c->s2, BASE + 1 * H, "KR", 70);
    put_cc(c, c->s1, BASE + 30 * H, "ZZ", 1000);

    put_asn(c, c->s1, BASE + 1 * H, 15169, 70);
    put_asn(c, c->s1, BASE + 1 * H, 13335, 70);
    put_asn(c, c->s1, BASE + 1 * H, 4134, 20);
    put_asn(c, c->s1, BASE + 1 * H, 9, 70);
    put_asn(c, c->s2, BASE + 1 * H, 2500, 70);
    put_asn(c, c->s1, BASE + 30 * H, 4134, 1000);
}

struct want {
    const char *key;
    uint64_t packets, sources;
};

static void check_top(struct ctx *c, enum store_dk_by by, const char *sensor, int64_t since,
                      int64_t until, size_t n, const struct want *w, size_t nw)
{
    struct store_dk_top rows[16];
    struct err e;
    size_t count = 99;

    assert_true(n <= 16);
    memset(rows, 0x5a, sizeof(rows));
    ok(store_dk_top(c->st, by, sensor, since, until, rows, n, &count, &e), &e);
    if (count != nw)
        fail_msg("by %d: %zu rows, want %zu (first '%s')", by, count, nw,
                 count > 0 ? rows[0].key : "");
    for (size_t i = 0; i < nw; i++) {
        if (strcmp(rows[i].key, w[i].key) != 0 || rows[i].packets != w[i].packets ||
            rows[i].sources != w[i].sources)
            fail_msg("by %d row %zu: %s %llu %llu, want %s %llu %llu", by, i, rows[i].key,
                     (unsigned long long)rows[i].packets, (unsigned long long)rows[i].sources,
                     w[i].key, (unsigned long long)w[i].packets, (unsigned long long)w[i].sources);
    }
}

static void test_top_by_source_ties_by_key(void **state)
{
    static const struct want all[] = {{"2001:db8::1", 300, 1},
                                      {"192.0.2.20", 100, 1},
                                      {"192.0.2.3", 100, 1},
                                      {"198.18.0.1", 100, 1},
                                      {"10.9.9.9", 50, 1}};
    static const struct want s1[] = {{"2001:db8::1", 300, 1},
                                     {"192.0.2.20", 100, 1},
                                     {"192.0.2.3", 100, 1},
                                     {"10.9.9.9", 50, 1}};
    struct ctx *c = *state;

    seed_top(c);
    check_top(c, STORE_BY_SOURCE, NULL, BASE, BASE + 86400, 10, all, 5);
    check_top(c, STORE_BY_SOURCE, NULL, BASE, BASE + 86400, 2, all, 2);
    check_top(c, STORE_BY_SOURCE, NULL, BASE, BASE + 86400, 3, all, 3);
    check_top(c, STORE_BY_SOURCE, "s1", BASE, BASE + 86400, 10, s1, 4);
    check_top(c, STORE_BY_SOURCE, "s2", BASE, BASE + 86400, 10, all + 3, 1);
    check_top(c, STORE_BY_SOURCE, NULL, BASE + 86400, BASE + 2 * 86400, 10, NULL, 0);
}

static void test_top_by_source_aggregates_days(void **state)
{
    struct ctx *c = *state;
    struct store_dk_src r;
    struct store_dk_top t;
    struct err e;
    size_t count;

    memset(&r, 0, sizeof(r));
    r.src = ip("203.0.113.77");
    r.day = DAY;
    r.packets = 30;
    r.bytes = 3000;
    r.cls[0] = 10, r.cls[1] = 5, r.cls[2] = 5, r.cls[3] = 5, r.cls[4] = 5;
    r.first_seen = BASE + 100;
    r.last_seen = BASE + 200;
    r.hours = 1;
    r.dsts = 100;
    r.ports = 3;
    memcpy(r.country, "JP", 3);
    r.asn = 7684;
    r.seq = (uint32_t)hash_bytes(r.src.b, 16, 0); /* one row per source */
    ok(store_dk_src_put(c->st, c->s1, &r, &e), &e);
    r.day = DAY + 1;
    r.packets = 20;
    r.bytes = 1000;
    memset(r.cls, 0, sizeof(r.cls));
    r.cls[0] = 20;
    r.first_seen = BASE + 86400 + 5;
    r.last_seen = BASE + 86400 + 500;
    r.dsts = 300;
    r.ports = 2;
    r.scanner = true;
    r.seq = (uint32_t)hash_bytes(r.src.b, 16, 0); /* one row per source */
    ok(store_dk_src_put(c->st, c->s1, &r, &e), &e);

    ok(store_dk_top(c->st, STORE_BY_SOURCE, NULL, BASE, BASE + 2 * 86400, &t, 1, &count, &e), &e);
    assert_int_equal(count, 1);
    assert_string_equal(t.key, "203.0.113.77");
    assert_int_equal(t.packets, 50);
    assert_int_equal(t.sources, 1);
    assert_int_equal(t.bytes, 4000);
    assert_int_equal(t.dsts, 300);
    assert_int_equal(t.cls[0], 30);
    assert_int_equal(t.cls[1], 5);
    assert_int_equal(t.cls[4], 5);
    assert_int_equal(t.ports, 3);
    assert_int_equal(t.asn, 7684);
    assert_string_equal(t.country, "JP");
    assert_true(t.scanner);
    assert_false(t.victim);
    assert_int_equal(t.first_seen, BASE + 100);
    assert_int_equal(t.last_seen, BASE + 86400 + 500);
}

static void test_top_by_port(void **state)
{
    /* Ties (40 packets) in port, then class order. */
    static const struct want all[] = {{"53/udp", 105, 5},
                                      {"23/tcp_syn", 40, 0},
                                      {"80/tcp_syn", 40, 7},
                                      {"80/udp", 40, 0},
                                      {"443/tcp_syn", 40, 0}};
    static const struct want s2[] = {{"53/udp", 5, 2}};
    static const struct want hours23[] = {{"23/tcp_syn", 40, 0}, {"443/tcp_syn", 40, 0}};
    struct ctx *c = *state;
    struct store_dk_top t[2];
    struct err e;
    size_t count;

    seed_top(c);
    check_top(c, STORE_BY_PORT, NULL, BASE, BASE + 86400, 10, all, 5);
    check_top(c, STORE_BY_PORT, NULL, BASE, BASE + 86400, 3, all, 3);
    check_top(c, STORE_BY_PORT, "s2", BASE, BASE + 86400, 10, s2, 1);
    check_top(c, STORE_BY_PORT, NULL, BASE + 2 * H, BASE + 3 * H, 10, hours23, 2);
    ok(store_dk_top(c->st, STORE_BY_PORT, NULL, BASE, BASE + 86400, t, 2, &count, &e), &e);
    assert_int_equal(count, 2);
    assert_int_equal(t[0].port, 53);
    assert_int_equal(t[0].cls_id, STORE_DK_UDP);
    assert_int_equal(t[1].port, 23);
    assert_int_equal(t[1].cls_id, STORE_DK_TCP_SYN);
}

static void test_top_by_country(void **state)
{
    static const struct want all[] = {
        {"CN", 90, 1}, {"JP", 70, 2}, {"KR", 70, 1}, {"US", 70, 1}, {"ZZ", 10, 0}};
    static const struct want s1[] = {{"CN", 90, 1}, {"JP", 70, 2}, {"US", 70, 1}, {"ZZ", 10, 0}};
    static const struct want late[] = {{"ZZ", 1000, 0}};
    struct ctx *c = *state;

    seed_top(c);
    check_top(c, STORE_BY_COUNTRY, NULL, BASE, BASE + 86400, 10, all, 5);
    check_top(c, STORE_BY_COUNTRY, NULL, BASE, BASE + 86400, 1, all, 1);
    check_top(c, STORE_BY_COUNTRY, "s1", BASE, BASE + 86400, 10, s1, 4);
    check_top(c, STORE_BY_COUNTRY, NULL, BASE + 86400, BASE + 2 * 86400, 10, late, 1);
}

static void test_top_by_asn(void **state)
{
    /* Keys are numbers: ties in numeric order (9 before 2500 before 13335). */
    static const struct want all[] = {
        {"9", 70, 0}, {"2500", 70, 1}, {"13335", 70, 2}, {"15169", 70, 1}, {"4134", 20, 1}};
    static const struct want s1[] = {
        {"9", 70, 0}, {"13335", 70, 2}, {"15169", 70, 1}, {"4134", 20, 1}};
    struct ctx *c = *state;

    seed_top(c);
    check_top(c, STORE_BY_ASN, NULL, BASE, BASE + 86400, 10, all, 5);
    check_top(c, STORE_BY_ASN, NULL, BASE, BASE + 86400, 4, all, 4);
    check_top(c, STORE_BY_ASN, "s1", BASE, BASE + 86400, 10, s1, 4);
    check_top(c, STORE_BY_ASN, "nope", BASE, BASE + 86400, 10, NULL, 0);
}

static void test_top_limits_and_errors(void **state)
{
    struct ctx *c = *state;
    struct store_dk_top t[1];
    struct err e;
    size_t count = 99;

    check_top(c, STORE_BY_SOURCE, NULL, BASE, BASE + 86400, 10, NULL, 0); /* empty db */
    check_top(c, STORE_BY_PORT, NULL, BASE, BASE + 86400, 10, NULL, 0);
    seed_top(c);
    ok(store_dk_top(c->st, STORE_BY_SOURCE, NULL, BASE, BASE + 86400, t, 0, &count, &e), &e);
    assert_int_equal(count, 0);
    count = 99;
    assert_int_equal(
        store_dk_top(c->st, (enum store_dk_by)7, NULL, BASE, BASE + 86400, t, 1, &count, &e),
        ERR_USAGE);
    assert_int_equal(count, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_summary_empty_db),
        T(test_summary_whole_range),
        T(test_summary_partial_days_use_hours_map),
        T(test_summary_sensor_filter),
        T(test_summary_empty_range_is_zero),
        T(test_top_by_source_ties_by_key),
        T(test_top_by_source_aggregates_days),
        T(test_top_by_port),
        T(test_top_by_country),
        T(test_top_by_asn),
        T(test_top_limits_and_errors),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
