/* test_indicators.c - unit tests of store/store_ind.c: the 1 -> 2 migration keeps the
 * darknet's indicators and sightings, feeds (add, get, duplicate name, list with active
 * counts), pulls (added / updated / missing / removed counts, the removal grace and log,
 * re-listing after removal, duplicates within a pull), allowlist feeds (replace on pull)
 * and the listing stream (order, sources, sightings).
 *
 * Each test gets a fresh store (store_fixture.h) with sensors s1 and s2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store_fixture.h"

#define T0 (BASE + 1000)

static int64_t add_feed(struct ctx *c, const char *name, bool allowlist, int64_t grace)
{
    struct store_feed f;
    struct err e;

    memset(&f, 0, sizeof(f));
    (void)snprintf(f.name, sizeof(f.name), "%s", name);
    (void)snprintf(f.format, sizeof(f.format), "plain");
    (void)snprintf(f.location, sizeof(f.location), "/tmp/%s.txt", name);
    (void)snprintf(f.org, sizeof(f.org), "org1");
    f.tlp = 1;
    f.confidence = 80;
    f.allowlist = allowlist;
    f.grace = grace;
    f.tau = 120 * 86400;
    f.delta = 2;
    ok(store_feed_add(c->st, &f, &e), &e);
    assert_true(f.id > 0);
    return f.id;
}

/* One pull at now listing the values (type guessed from a "type:value" prefix). */
static struct store_feed_counts pull(struct ctx *c, int64_t feed, int64_t now, int64_t grace,
                                     const char *const *vals, size_t n)
{
    struct store_feed_counts cnt;
    struct store_pull *p;
    struct err e;

    memset(&cnt, 0, sizeof(cnt));
    ok(store_pull_begin(c->st, feed, now, &p, &e), &e);
    for (size_t i = 0; i < n; i++) {
        char type[16];
        const char *colon = strchr(vals[i], ':');
        struct store_ind_entry en = {
            .type = type, .value = colon + 1, .seen = now, .confidence = 80, .tlp = 1};
        (void)snprintf(type, sizeof(type), "%.*s", (int)(colon - vals[i]), vals[i]);
        ok(store_pull_put(p, &en, &e), &e);
        cnt.accepted++;
    }
    cnt.entries = n;
    ok(store_pull_finish(p, grace, &cnt, &e), &e);
    return cnt;
}

static void expect(const struct store_feed_counts *n, uint64_t added, uint64_t updated,
                   uint64_t missing, uint64_t removed)
{
    assert_int_equal(n->added, added);
    assert_int_equal(n->updated, updated);
    assert_int_equal(n->missing, missing);
    assert_int_equal(n->removed, removed);
}

static int64_t q1(struct ctx *c, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t v = -1;

    assert_int_equal(sqlite3_open(c->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void test_migration_keeps_darknet(void **state)
{
    struct ctx *c = *state;
    struct store_dk_sighting v[2];
    sqlite3 *db;
    struct err e;

    memset(v, 0, sizeof(v));
    v[0].ip = ip("203.0.113.7");
    v[0].scanner = true;
    v[0].first_seen = BASE + 10;
    v[0].last_seen = BASE + 20;
    v[0].packets = 5;
    v[1].ip = ip("2001:db8::9");
    v[1].victim = true;
    v[1].first_seen = BASE + 30;
    v[1].last_seen = BASE + 40;
    v[1].packets = 7;
    ok(store_dk_sightings_put(c->st, c->s1, DAY, v, 2, &e), &e);
    store_close(c->st);
    c->st = NULL;
    /* make it a version-1 database: the schema of 1 is the current one without the
     * tables of migrations 2 to 7 */
    assert_int_equal(sqlite3_open(c->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TABLE notify_owners; DROP TABLE notify_sent; DROP TABLE alerts; DROP TABLE evidence;"
                                  " DROP TABLE ev_alert_day;"
                                  " DROP TABLE signatures; DROP TABLE ev_hour;"
                                  " DROP TABLE rpz_zones; DROP TABLE api_tokens;"
                                  " DROP TABLE ind_removals; DROP TABLE allowlist;"
                                  " DROP TABLE ind_sources; DROP TABLE feeds;"
                                  " PRAGMA user_version = 1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(q1(c, "PRAGMA user_version"), 1);
    ok(store_open(c->path, &c->st, &e), &e);
    assert_int_equal(store_schema_version(c->st), STORE_SCHEMA_VERSION);
    assert_int_equal(q1(c, "SELECT count(*) FROM indicators"), 2);
    assert_int_equal(q1(c, "SELECT count(*) FROM sighting_days"), 2);
    assert_int_equal(q1(c, "SELECT packets FROM sightings s JOIN indicators i ON i.id ="
                           " s.indicator_id WHERE i.value = '2001:db8::9'"),
                     7);
    assert_int_equal(q1(c, "SELECT count(*) FROM feeds"), 0);
    assert_int_equal(q1(c, "SELECT count(*) FROM api_tokens"), 0);
    assert_int_equal(q1(c, "SELECT count(*) FROM rpz_zones"), 0);
    add_feed(c, "after", false, 0);
}

static void test_feed_add_get_list(void **state)
{
    struct ctx *c = *state;
    struct store_feed f, g;
    struct err e;
    int64_t id = add_feed(c, "f1", false, 3600);

    ok(store_feed_get(c->st, "f1", &g, &e), &e);
    assert_int_equal(g.id, id);
    assert_string_equal(g.format, "plain");
    assert_string_equal(g.org, "org1");
    assert_int_equal(g.grace, 3600);
    assert_int_equal(g.tau, 120 * 86400);
    assert_true(g.delta == 2.0);
    assert_int_equal(g.last_pull, 0);
    assert_int_equal(store_feed_get(c->st, "nope", &g, &e), ERR_NOTFOUND);
    memset(&f, 0, sizeof(f));
    (void)snprintf(f.name, sizeof(f.name), "f1");
    assert_int_equal(store_feed_add(c->st, &f, &e), ERR_USAGE);
    assert_non_null(strstr(e.msg, "exists"));
}

static void test_pull_counts_and_grace(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", false, 100);
    const char *p1[] = {"domain:a.example", "domain:b.example", "ipv4:192.0.2.1"};
    const char *p2[] = {"domain:a.example", "domain:b.example", "domain:a.example"};
    const char *p3[] = {"domain:a.example"};
    const char *p4[] = {"domain:a.example", "ipv4:192.0.2.1"};
    struct store_feed_counts n;
    struct store_feed g;
    struct err e;

    n = pull(c, f, T0, 100, p1, 3);
    expect(&n, 3, 0, 0, 0);
    n = pull(c, f, T0 + 10, 100, p2, 3); /* 192.0.2.1 missing since T0+10; a twice */
    expect(&n, 0, 2, 1, 0);
    assert_int_equal(n.accepted, 3);
    n = pull(c, f, T0 + 109, 100, p3, 1); /* 99 s missing: not yet; b missing now */
    expect(&n, 0, 1, 2, 0);
    n = pull(c, f, T0 + 110, 100, p3, 1); /* 100 s: 192.0.2.1 removed */
    expect(&n, 0, 1, 1, 1);
    assert_int_equal(q1(c, "SELECT count(*) FROM ind_removals"), 1);
    assert_int_equal(q1(c, "SELECT at FROM ind_removals r JOIN indicators i ON i.id ="
                           " r.indicator_id WHERE i.value = '192.0.2.1'"),
                     T0 + 110);
    n = pull(c, f, T0 + 300, 100, p4, 2); /* back after removal: added; b removed */
    expect(&n, 1, 1, 0, 1);
    assert_int_equal(q1(c, "SELECT s.first_seen FROM ind_sources s JOIN indicators i ON i.id ="
                           " s.indicator_id WHERE i.value = '192.0.2.1'"),
                     T0 + 300);
    assert_int_equal(q1(c, "SELECT count(*) FROM ind_removals"), 2);
    assert_int_equal(q1(c, "SELECT count(*) FROM ind_sources WHERE removed_at IS NULL"), 2);
    ok(store_feed_get(c->st, "f", &g, &e), &e);
    assert_int_equal(g.pulls, 5);
    assert_int_equal(g.last_ok, T0 + 300);
    assert_int_equal(g.last.added, 1);
    assert_int_equal(g.last.removed, 1);
    assert_string_equal(g.last_error, "");
}

static void test_pull_zero_grace_removes_at_once(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", false, 0);
    const char *p1[] = {"domain:a.example", "domain:b.example"};
    struct store_feed_counts n;

    (void)pull(c, f, T0, 0, p1, 2);
    n = pull(c, f, T0 + 1, 0, p1, 1);
    expect(&n, 0, 1, 0, 1);
}

static void test_failed_pull_keeps_entries(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", false, 0);
    const char *p1[] = {"domain:a.example", "domain:b.example"};
    struct store_pull *p;
    struct store_feed g;
    struct err e;

    (void)pull(c, f, T0, 0, p1, 2);
    ok(store_pull_begin(c->st, f, T0 + 5, &p, &e), &e);
    store_pull_abort(p); /* a fetch or parse failure mid-pull */
    ok(store_feed_failed(c->st, f, T0 + 5, "http 500", &e), &e);
    assert_int_equal(q1(c, "SELECT count(*) FROM ind_sources WHERE removed_at IS NULL"
                           " AND missing_since IS NULL"),
                     2);
    ok(store_feed_get(c->st, "f", &g, &e), &e);
    assert_string_equal(g.last_error, "http 500");
    assert_int_equal(g.last_pull, T0 + 5);
    assert_int_equal(g.last_ok, T0);
    assert_int_equal(g.pulls, 1); /* the aborted pull's number was rolled back */
}

struct seen {
    char text[512];
    size_t n;
};

static bool on_row(void *arg, const struct store_ind_row *r)
{
    struct seen *s = arg;
    size_t len = strlen(s->text);

    (void)snprintf(s->text + len, sizeof(s->text) - len, "%s%s:%s/%zu/%d", len ? " " : "", r->type,
                   r->value, r->nsrc, r->sighted != 0);
    s->n++;
    return true;
}

static bool on_allow(void *arg, const char *type, const char *value, const char *feed)
{
    struct seen *s = arg;
    size_t len = strlen(s->text);

    (void)snprintf(s->text + len, sizeof(s->text) - len, "%s%s:%s@%s", len ? " " : "", type, value,
                   feed);
    return true;
}

static void test_listing_stream(void **state)
{
    struct ctx *c = *state;
    int64_t f1 = add_feed(c, "f1", false, 0), f2 = add_feed(c, "f2", false, 0);
    const char *a[] = {"domain:b.example", "url:http://x.example/", "domain:a.example"};
    const char *b[] = {"domain:b.example"};
    struct store_dk_sighting v;
    struct seen s;
    struct err e;

    (void)pull(c, f1, T0, 0, a, 3);
    (void)pull(c, f2, T0, 0, b, 1);
    memset(&v, 0, sizeof(v));
    v.ip = ip("198.51.100.3");
    v.scanner = true;
    v.first_seen = BASE + 1;
    v.last_seen = BASE + 2;
    ok(store_dk_sightings_put(c->st, c->s1, DAY, &v, 1, &e), &e);
    (void)pull(c, f1, T0 + 1, 0, a, 2); /* a.example removed: not listed any more */
    memset(&s, 0, sizeof(s));
    ok(store_ind_each_active(c->st, on_row, &s, &e), &e);
    assert_string_equal(s.text, "domain:b.example/2/0 ipv4:198.51.100.3/0/1"
                                " url:http://x.example//1/0");
    memset(&s, 0, sizeof(s));
    ok(store_ind_each_of_feed(c->st, f2, on_row, &s, &e), &e);
    assert_string_equal(s.text, "domain:b.example/1/0");
}

static void test_allowlist_feed(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "allow", true, 0);
    struct store_feed_counts n;
    struct store_pull *p;
    struct seen s;
    struct err e;

    memset(&n, 0, sizeof(n));
    ok(store_pull_begin(c->st, f, T0, &p, &e), &e);
    ok(store_pull_allow_put(p, "domain", "example.org", &e), &e);
    ok(store_pull_allow_put(p, "cidr", "192.0.2.0/24", &e), &e);
    ok(store_pull_finish(p, 0, &n, &e), &e);
    expect(&n, 2, 0, 0, 0);
    memset(&n, 0, sizeof(n));
    ok(store_pull_begin(c->st, f, T0 + 1, &p, &e), &e);
    ok(store_pull_allow_put(p, "domain", "example.org", &e), &e);
    ok(store_pull_allow_put(p, "ipv6", "2001:db8::1", &e), &e);
    ok(store_pull_finish(p, 0, &n, &e), &e);
    expect(&n, 1, 1, 0, 1);
    memset(&s, 0, sizeof(s));
    ok(store_allow_each(c->st, on_allow, &s, &e), &e);
    assert_string_equal(s.text, "domain:example.org@allow ipv6:2001:db8::1@allow");
    assert_int_equal(q1(c, "SELECT count(*) FROM ind_sources"), 0);
}

static bool on_feed(void *arg, const struct store_feed *f)
{
    struct seen *s = arg;
    size_t len = strlen(s->text);

    (void)snprintf(s->text + len, sizeof(s->text) - len, "%s%s=%llu", len ? " " : "", f->name,
                   (unsigned long long)f->active);
    return true;
}

static void test_feed_each_active_counts(void **state)
{
    struct ctx *c = *state;
    int64_t fb = add_feed(c, "b", false, 0), fa = add_feed(c, "a", false, 0);
    const char *v[] = {"domain:a.example", "domain:b.example", "domain:c.example"};
    struct seen s;
    struct err e;

    (void)pull(c, fb, T0, 0, v, 3);
    (void)pull(c, fa, T0, 0, v, 1);
    (void)pull(c, fb, T0 + 1, 0, v, 2);
    memset(&s, 0, sizeof(s));
    ok(store_feed_each(c->st, on_feed, &s, &e), &e);
    assert_string_equal(s.text, "a=1 b=2");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_migration_keeps_darknet),
        T(test_feed_add_get_list),
        T(test_pull_counts_and_grace),
        T(test_pull_zero_grace_removes_at_once),
        T(test_failed_pull_keeps_entries),
        T(test_listing_stream),
        T(test_allowlist_feed),
        T(test_feed_each_active_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
