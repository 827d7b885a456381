/* test_darknet.c - unit tests of store/store_darknet.c, the write side: the
 * per-source-day, port-hour, port-day and country/ASN-hour tables (every field
 * round-trips, rows are replaced by key, loads filter by sensor and range) and the
 * sightings derived in SQL (one indicator per flagged source, exact counts, idempotent).
 * Queries (summary, top-N) are in test_dk_query.c.
 *
 * Each test gets a fresh store in a mkdtemp() directory under /tmp. Times are built
 * around BASE = 2026-11-25T00:00:00Z (day DAY). */
#include "store_fixture.h"

#include <sqlite3.h>

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s;
    int64_t v;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) != SQLITE_ROW)
        fail_msg("%s: no row", sql);
    v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* ---- collecting loaded rows ------------------------------------------------------------------ */

struct src_copy {
    struct store_dk_src r;
    char top[256];
    uint8_t state[64];
};

struct src_list {
    struct src_copy row[8];
    size_t n;
    enum err_code fail_with; /* returned from the callback when not ERR_OK */
};

static enum err_code collect_src(void *ctx, const struct store_dk_src *r, struct err *e)
{
    struct src_list *l = ctx;
    struct src_copy *c;

    if (l->fail_with != ERR_OK)
        return err_set(e, l->fail_with, "test: stop");
    assert_true(l->n < 8);
    c = &l->row[l->n++];
    c->r = *r;
    (void)snprintf(c->top, sizeof(c->top), "%s", r->top_ports ? r->top_ports : "(null)");
    c->r.top_ports = c->top;
    if (r->state != NULL) {
        assert_true(r->state_len <= sizeof(c->state));
        memcpy(c->state, r->state, r->state_len);
        c->r.state = c->state;
    }
    return ERR_OK;
}

static const struct store_dk_src *find_src(const struct src_list *l, const char *addr)
{
    struct ip16 a = ip(addr);

    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->row[i].r.src.b, a.b, 16) == 0)
            return &l->row[i].r;
    fail_msg("no row for %s", addr);
    return NULL;
}

/* ---- source-day rows ----------------------------------------------------------------------------
 */

static void test_src_put_load_every_field(void **state)
{
    static const uint8_t blob[] = {0x00, 0x01, 0xff, 0x00, 0x7f, 'H', 'L', 'L', 0x00};
    struct ctx *c = *state;
    struct store_dk_src r, v6;
    struct src_list l = {0};
    const struct store_dk_src *got;
    struct err e;

    memset(&r, 0, sizeof(r));
    r.src = ip("198.51.100.7");
    r.day = DAY;
    r.packets = UINT64_C(1) << 40;
    r.bytes = UINT64_C(123456789012345);
    for (int k = 0; k < STORE_DK_NCLASS; k++)
        r.cls[k] = (uint64_t)(k + 1) * 1000 + 7;
    r.first_seen = BASE + 17;
    r.last_seen = BASE + 86399;
    r.hours = 0x800001; /* hours 0 and 23 */
    r.dsts = 65536;
    r.ports = 1234;
    r.top_ports = "[[23,\"tcp_syn\",900],[53,\"udp\",5]]";
    memcpy(r.country, "JP", 3);
    r.asn = 4294967294u;
    r.scanner = true;
    r.victim = false;
    r.state = blob;
    r.state_len = sizeof(blob);
    r.seq = (uint32_t)hash_bytes(r.src.b, 16, 0); /* one row per source */
    ok(store_dk_src_put(c->st, c->s1, &r, &e), &e);

    memset(&v6, 0, sizeof(v6));
    v6.src = ip("2001:db8::7");
    v6.day = DAY;
    v6.packets = 3;
    v6.hours = ALL_HOURS;
    memcpy(v6.country, "ZZ", 3);
    v6.victim = true; /* top_ports and state left NULL */
    v6.seq = (uint32_t)hash_bytes(v6.src.b, 16, 0); /* one row per source */
    ok(store_dk_src_put(c->st, c->s1, &v6, &e), &e);

    ok(store_dk_src_load(c->st, c->s1, DAY, collect_src, &l, &e), &e);
    assert_int_equal(l.n, 2);
    got = find_src(&l, "198.51.100.7");
    assert_memory_equal(got->src.b, r.src.b, 16);
    assert_int_equal(got->day, DAY);
    assert_true(got->packets == r.packets);
    assert_true(got->bytes == r.bytes);
    for (int k = 0; k < STORE_DK_NCLASS; k++)
        assert_int_equal(got->cls[k], r.cls[k]);
    assert_int_equal(got->first_seen, r.first_seen);
    assert_int_equal(got->last_seen, r.last_seen);
    assert_int_equal(got->hours, 0x800001);
    assert_int_equal(got->dsts, 65536);
    assert_int_equal(got->ports, 1234);
    assert_string_equal(got->top_ports, r.top_ports);
    assert_string_equal(got->country, "JP");
    assert_int_equal(got->asn, 4294967294u);
    assert_true(got->scanner);
    assert_false(got->victim);
    assert_int_equal(got->state_len, sizeof(blob));
    assert_memory_equal(got->state, blob, sizeof(blob));

    got = find_src(&l, "2001:db8::7");
    assert_int_equal(got->packets, 3);
    assert_int_equal(got->hours, ALL_HOURS);
    assert_string_equal(got->top_ports, "[]"); /* NULL is stored as an empty list */
    assert_string_equal(got->country, "ZZ");
    assert_false(got->scanner);
    assert_true(got->victim);
    assert_null(got->state);
    assert_int_equal(got->state_len, 0);
}

static void test_src_load_filters_and_replaces(void **state)
{
    struct ctx *c = *state;
    struct src_list l = {0};
    struct err e;

    put_src(c, c->s1, DAY, "192.0.2.1", 1, 10, BASE, BASE + 5, false, false, "US", 1);
    put_src(c, c->s1, DAY + 1, "192.0.2.2", 1, 20, BASE, BASE + 5, false, false, "US", 1);
    put_src(c, c->s2, DAY, "192.0.2.3", 1, 30, BASE, BASE + 5, false, false, "US", 1);
    /* Same (sensor, day, src): replaced, not added. */
    put_src(c, c->s1, DAY, "192.0.2.1", 2, 11, BASE, BASE + 9, true, false, "CN", 2);

    ok(store_dk_src_load(c->st, c->s1, DAY, collect_src, &l, &e), &e);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.row[0].r.packets, 11);
    assert_int_equal(l.row[0].r.hours, 2);
    assert_int_equal(l.row[0].r.last_seen, BASE + 9);
    assert_true(l.row[0].r.scanner);
    assert_string_equal(l.row[0].r.country, "CN");
    assert_int_equal(l.row[0].r.asn, 2);

    l.n = 0;
    ok(store_dk_src_load(c->st, c->s2, DAY, collect_src, &l, &e), &e);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.row[0].r.packets, 30);
    l.n = 0;
    ok(store_dk_src_load(c->st, c->s2, DAY + 1, collect_src, &l, &e), &e);
    assert_int_equal(l.n, 0);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM dk_source_day"), 3);
}

static void test_src_load_callback_error_stops(void **state)
{
    struct ctx *c = *state;
    struct src_list l = {.fail_with = ERR_LIMIT};
    struct err e;

    put_src(c, c->s1, DAY, "192.0.2.1", 1, 10, BASE, BASE, false, false, "US", 1);
    put_src(c, c->s1, DAY, "192.0.2.2", 1, 10, BASE, BASE, false, false, "US", 1);
    assert_int_equal(store_dk_src_load(c->st, c->s1, DAY, collect_src, &l, &e), ERR_LIMIT);
    assert_string_equal(e.msg, "test: stop");
    /* The statement was reset: the next load sees both rows. */
    l.fail_with = ERR_OK;
    ok(store_dk_src_load(c->st, c->s1, DAY, collect_src, &l, &e), &e);
    assert_int_equal(l.n, 2);
}

/* ---- port and geo rows
 * ------------------------------------------------------------------------------ */

struct port_list {
    struct store_dk_port row[8];
    size_t n;
};

static enum err_code collect_port(void *ctx, const struct store_dk_port *r, struct err *e)
{
    struct port_list *l = ctx;

    (void)e;
    assert_true(l->n < 8);
    l->row[l->n++] = *r;
    return ERR_OK;
}

static void test_port_put_load(void **state)
{
    struct ctx *c = *state;
    struct store_dk_port r = {.hour = BASE + H,
                              .port = 65535,
                              .cls = STORE_DK_OTHER,
                              .packets = UINT64_C(5000000000),
                              .bytes = 7,
                              .sources = 3,
                              .new_sources = 2};
    struct port_list l = {0};
    struct err e;

    ok(store_dk_port_put(c->st, c->s1, &r, &e), &e);
    put_port(c, c->s1, BASE, 23, STORE_DK_TCP_SYN, 1, 60);
    put_port(c, c->s1, BASE + 2 * H, 23, STORE_DK_TCP_SYN, 2, 120);
    put_port(c, c->s2, BASE + H, 23, STORE_DK_TCP_SYN, 4, 240);
    put_port(c, c->s1, BASE, 23, STORE_DK_TCP_SYN, 9, 540); /* replaces the first */

    ok(store_dk_port_load(c->st, c->s1, BASE + H, BASE + 2 * H, collect_port, &l, &e), &e);
    assert_int_equal(l.n, 1); /* [since, until) */
    assert_int_equal(l.row[0].hour, BASE + H);
    assert_int_equal(l.row[0].port, 65535);
    assert_int_equal(l.row[0].cls, STORE_DK_OTHER);
    assert_true(l.row[0].packets == UINT64_C(5000000000));
    assert_int_equal(l.row[0].bytes, 7);
    assert_int_equal(l.row[0].sources, 3);
    assert_int_equal(l.row[0].new_sources, 2);

    l.n = 0;
    ok(store_dk_port_load(c->st, c->s1, BASE, BASE + 3 * H, collect_port, &l, &e), &e);
    assert_int_equal(l.n, 3);
    for (size_t i = 0; i < l.n; i++)
        if (l.row[i].hour == BASE)
            assert_int_equal(l.row[i].packets, 9);
    l.n = 0;
    ok(store_dk_port_load(c->st, c->s2, BASE, BASE + 3 * H, collect_port, &l, &e), &e);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.row[0].packets, 4);
}

static void test_port_day_put(void **state)
{
    struct ctx *c = *state;
    struct err e;

    ok(store_dk_port_day_put(c->st, c->s1, DAY, 445, STORE_DK_TCP_SYN, 100, 7, &e), &e);
    ok(store_dk_port_day_put(c->st, c->s1, DAY, 445, STORE_DK_UDP, 5, 1, &e), &e);
    ok(store_dk_port_day_put(c->st, c->s1, DAY, 445, STORE_DK_TCP_SYN, 120, 9, &e), &e);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM dk_port_day"), 2);
    assert_int_equal(raw_int(c->path, "SELECT packets FROM dk_port_day WHERE class = 0"), 120);
    assert_int_equal(raw_int(c->path, "SELECT sources FROM dk_port_day WHERE class = 0"), 9);
    assert_int_equal(raw_int(c->path, "SELECT sources FROM dk_port_day WHERE class = 1"), 1);
    assert_int_equal(raw_int(c->path, "SELECT day FROM dk_port_day LIMIT 1"), DAY);
    assert_int_equal(raw_int(c->path, "SELECT port FROM dk_port_day LIMIT 1"), 445);
}

struct geo_list {
    struct store_dk_geo row[8];
    size_t n;
};

static enum err_code collect_geo(void *ctx, const struct store_dk_geo *r, struct err *e)
{
    struct geo_list *l = ctx;

    (void)e;
    assert_true(l->n < 8);
    l->row[l->n++] = *r;
    return ERR_OK;
}

static void test_geo_put_load(void **state)
{
    struct ctx *c = *state;
    struct store_dk_geo cc = {.hour = BASE + H, .country = "JP", .packets = 40, .sources = 4};
    struct store_dk_geo as = {
        .hour = BASE + H, .is_asn = true, .asn = 4294967294u, .packets = 30, .sources = 3};
    struct geo_list l = {0};
    struct err e;

    ok(store_dk_geo_put(c->st, c->s1, &cc, &e), &e);
    ok(store_dk_geo_put(c->st, c->s1, &as, &e), &e);
    put_cc(c, c->s1, BASE + 2 * H, "US", 1); /* outside [BASE, BASE + 2h) */
    put_asn(c, c->s2, BASE + H, 15169, 1);   /* other sensor */
    put_cc(c, c->s1, BASE + H, "JP", 41);    /* replaces, with sources 1 */

    ok(store_dk_geo_load(c->st, c->s1, BASE, BASE + 2 * H, collect_geo, &l, &e), &e);
    assert_int_equal(l.n, 2);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.row[i].hour, BASE + H);
        if (l.row[i].is_asn) {
            assert_int_equal(l.row[i].asn, 4294967294u);
            assert_string_equal(l.row[i].country, "");
            assert_int_equal(l.row[i].packets, 30);
            assert_int_equal(l.row[i].sources, 3);
        } else {
            assert_string_equal(l.row[i].country, "JP");
            assert_int_equal(l.row[i].asn, 0);
            assert_int_equal(l.row[i].packets, 41);
            assert_int_equal(l.row[i].sources, 1); /* the replacement row */
        }
    }
    assert_true(l.row[0].is_asn != l.row[1].is_asn);
}

/* ---- sightings
 * ------------------------------------------------------------------------------------- */

static int64_t sight(struct ctx *c, const char *col, const char *type, const char *value,
                     const char *observer, const char *kind)
{
    char sql[512];

    (void)snprintf(sql, sizeof(sql),
                   "SELECT coalesce(max(s.%s), -1) FROM sightings s JOIN indicators i ON"
                   " i.id = s.indicator_id WHERE i.type = '%s' AND i.value = '%s' AND"
                   " s.observer = '%s' AND s.kind = '%s'",
                   col, type, value, observer, kind);
    return raw_int(c->path, sql);
}

/* A: scanner on DAY-1 and DAY, seen unflagged on DAY+1. B (IPv6): victim on DAY.
 * C: unflagged on DAY. D: scanner on DAY-1 only. */
static void seed_sightings(struct ctx *c)
{
    put_src(c, c->s1, DAY - 1, "198.51.100.7", 1, 10, BASE - 86400 + 5, BASE - 86400 + 50, true,
            false, "US", 1);
    put_src(c, c->s1, DAY, "198.51.100.7", 1, 20, BASE + 100, BASE + 200, true, false, "US", 1);
    put_src(c, c->s1, DAY + 1, "198.51.100.7", 1, 5, BASE + 86400, BASE + 86500, false, false, "US",
            1);
    put_src(c, c->s1, DAY, "2001:db8::b", 1, 7, BASE + 300, BASE + 400, false, true, "JP", 2);
    put_src(c, c->s1, DAY, "203.0.113.9", 1, 3, BASE, BASE + 1, false, false, "CN", 3);
    put_src(c, c->s1, DAY - 1, "203.0.113.10", 1, 99, BASE - 80000, BASE - 70000, true, false, "CN",
            3);
}

static void check_sightings_day(struct ctx *c)
{
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators"), 3);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators WHERE type = 'ipv4'"
                                      " AND value = '198.51.100.7'"),
                     1);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators WHERE type = 'ipv6'"
                                      " AND value = '2001:db8::b'"),
                     1);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sightings"), 3);
    /* A: flagged on two days: count 2, packets of those two days only. */
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "scanner"), 2);
    assert_int_equal(sight(c, "packets", "ipv4", "198.51.100.7", "s1", "scanner"), 30);
    assert_int_equal(sight(c, "first_seen", "ipv4", "198.51.100.7", "s1", "scanner"),
                     BASE - 86400 + 5);
    assert_int_equal(sight(c, "last_seen", "ipv4", "198.51.100.7", "s1", "scanner"), BASE + 200);
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "dos-victim"), -1);
    /* B: victim once. */
    assert_int_equal(sight(c, "count", "ipv6", "2001:db8::b", "s1", "dos-victim"), 1);
    assert_int_equal(sight(c, "packets", "ipv6", "2001:db8::b", "s1", "dos-victim"), 7);
    assert_int_equal(sight(c, "first_seen", "ipv6", "2001:db8::b", "s1", "dos-victim"), BASE + 300);
    assert_int_equal(sight(c, "count", "ipv6", "2001:db8::b", "s1", "scanner"), -1);
}

static void test_sightings_refresh_exact_and_idempotent(void **state)
{
    struct ctx *c = *state;
    struct err e;

    seed_sightings(c);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e);
    /* sightings are kept per day: the earlier day counts once it is refreshed too */
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "scanner"), 1);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY - 1, &e), &e);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY - 1, &e), &e);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e);
    check_sightings_day(c);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e);
    check_sightings_day(c);
    /* The indicator's own times span the refreshed days. */
    assert_int_equal(raw_int(c->path, "SELECT first_seen FROM indicators WHERE"
                                      " value = '198.51.100.7'"),
                     BASE - 86400 + 5);
    assert_int_equal(raw_int(c->path, "SELECT last_seen FROM indicators WHERE"
                                      " value = '198.51.100.7'"),
                     BASE + 200);
}

static struct store_dk_sighting sighting(const char *ip, bool scanner, bool victim, int64_t first,
                                         int64_t last, uint64_t packets)
{
    struct store_dk_sighting v = {.scanner = scanner,
                                  .victim = victim,
                                  .first_seen = first,
                                  .last_seen = last,
                                  .packets = packets};

    struct err e;

    assert_int_equal(ip16_parse(ip, &v.ip, &e), ERR_OK);
    return v;
}

/* The list the aggregator passes gives what refreshing from the stored rows gives. */
static void test_sightings_put_equals_refresh(void **state)
{
    struct ctx *c = *state;
    struct err e;
    struct store_dk_sighting before[] = {
        sighting("198.51.100.7", true, false, BASE - 86400 + 5, BASE - 86400 + 50, 10),
        sighting("203.0.113.10", true, false, BASE - 80000, BASE - 70000, 99),
    };
    struct store_dk_sighting day[] = {
        sighting("198.51.100.7", true, false, BASE + 100, BASE + 200, 20),
        sighting("2001:db8::b", false, true, BASE + 300, BASE + 400, 7),
        sighting("203.0.113.9", false, false, BASE, BASE + 1, 3), /* not flagged: skipped */
    };

    for (int round = 0; round < 2; round++) { /* the second round changes nothing */
        ok(store_dk_sightings_put(c->st, c->s1, DAY - 1, before, 2, &e), &e);
        ok(store_dk_sightings_put(c->st, c->s1, DAY, day, 3, &e), &e);
        assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators"), 3);
        assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sightings"), 3);
        assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "scanner"), 2);
        assert_int_equal(sight(c, "packets", "ipv4", "198.51.100.7", "s1", "scanner"), 30);
        assert_int_equal(sight(c, "packets", "ipv6", "2001:db8::b", "s1", "dos-victim"), 7);
        assert_int_equal(sight(c, "packets", "ipv4", "203.0.113.10", "s1", "scanner"), 99);
        assert_int_equal(raw_int(c->path, "SELECT first_seen FROM indicators WHERE"
                                          " value = '198.51.100.7'"),
                         BASE - 86400 + 5);
    }
    /* An empty list clears the day. */
    ok(store_dk_sightings_put(c->st, c->s1, DAY, day, 0, &e), &e);
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "scanner"), 1);
    assert_int_equal(sight(c, "count", "ipv6", "2001:db8::b", "s1", "dos-victim"), -1);
}

static void test_sightings_refresh_other_day_and_sensor(void **state)
{
    struct ctx *c = *state;
    struct err e;

    seed_sightings(c);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e);
    /* The earlier day adds D and widens A's indicator times; A's sighting is unchanged. */
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY - 1, &e), &e);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators"), 3);
    assert_int_equal(sight(c, "count", "ipv4", "203.0.113.10", "s1", "scanner"), 1);
    assert_int_equal(sight(c, "packets", "ipv4", "203.0.113.10", "s1", "scanner"), 99);
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s1", "scanner"), 2);
    assert_int_equal(raw_int(c->path, "SELECT first_seen FROM indicators WHERE"
                                      " value = '198.51.100.7'"),
                     BASE - 86400 + 5);
    assert_int_equal(raw_int(c->path, "SELECT last_seen FROM indicators WHERE"
                                      " value = '198.51.100.7'"),
                     BASE + 200);

    /* Another sensor sees A: one indicator, a second observer. */
    put_src(c, c->s2, DAY, "198.51.100.7", 1, 100, BASE + 10, BASE + 20, true, true, "US", 1);
    ok(store_dk_sightings_refresh(c->st, c->s2, DAY, &e), &e);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators WHERE"
                                      " value = '198.51.100.7'"),
                     1);
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s2", "scanner"), 1);
    assert_int_equal(sight(c, "packets", "ipv4", "198.51.100.7", "s2", "scanner"), 100);
    assert_int_equal(sight(c, "count", "ipv4", "198.51.100.7", "s2", "dos-victim"), 1);
    assert_int_equal(sight(c, "packets", "ipv4", "198.51.100.7", "s1", "scanner"), 30);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sightings"), 5);
}

static void test_sightings_refresh_nothing_flagged(void **state)
{
    struct ctx *c = *state;
    struct err e;

    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e); /* empty db */
    put_src(c, c->s1, DAY, "192.0.2.1", 1, 1, BASE, BASE, false, false, "US", 1);
    ok(store_dk_sightings_refresh(c->st, c->s1, DAY, &e), &e);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM indicators"), 0);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sightings"), 0);
}

static void test_class_names(void **state)
{
    (void)state;
    assert_string_equal(store_dk_class_name(STORE_DK_TCP_SYN), "tcp_syn");
    assert_string_equal(store_dk_class_name(STORE_DK_UDP), "udp");
    assert_string_equal(store_dk_class_name(STORE_DK_ICMP_ECHO), "icmp_echo");
    assert_string_equal(store_dk_class_name(STORE_DK_BACKSCATTER), "backscatter");
    assert_string_equal(store_dk_class_name(STORE_DK_OTHER), "other");
    assert_string_equal(store_dk_class_name(STORE_DK_NCLASS), "?");
    assert_string_equal(store_dk_class_name(-1), "?");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_src_put_load_every_field),
        T(test_src_load_filters_and_replaces),
        T(test_src_load_callback_error_stops),
        T(test_port_put_load),
        T(test_port_day_put),
        T(test_geo_put_load),
        T(test_sightings_refresh_exact_and_idempotent),
        T(test_sightings_refresh_other_day_and_sensor),
        T(test_sightings_put_equals_refresh),
        T(test_sightings_refresh_nothing_flagged),
        cmocka_unit_test(test_class_names),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
