/* test_listing.c - unit tests of the listing reads of store/store_ind.c that delivery
 * streams from: the id-ordered listing (a merge of three scans) gives exactly the rows
 * of the (type, value)-ordered one, in ascending id order, with each indicator's active
 * sources (feed order) and last sighting; the sorted cursor returns one type's values
 * in SQLite BINARY order with their ids; a read transaction keeps one snapshot while
 * another connection writes.
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

static int64_t feed(struct ctx *c, const char *name)
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
    f.tau = 120 * 86400;
    f.delta = 2;
    ok(store_feed_add(c->st, &f, &e), &e);
    return f.id;
}

/* One pull at now listing "type:value" entries, confidence conf. */
static void pull(struct ctx *c, int64_t fid, int64_t now, int conf, const char *const *v, size_t n)
{
    struct store_feed_counts cnt;
    struct store_pull *p;
    struct err e;

    memset(&cnt, 0, sizeof(cnt));
    ok(store_pull_begin(c->st, fid, now, &p, &e), &e);
    for (size_t i = 0; i < n; i++) {
        char type[16];
        const char *colon = strchr(v[i], ':');
        struct store_ind_entry en = {
            .type = type, .value = colon + 1, .seen = now, .confidence = conf, .tlp = 1};
        (void)snprintf(type, sizeof(type), "%.*s", (int)(colon - v[i]), v[i]);
        ok(store_pull_put(p, &en, &e), &e);
    }
    cnt.entries = cnt.accepted = n;
    ok(store_pull_finish(p, 0, &cnt, &e), &e);
}

struct rows {
    char line[16][160];
    int64_t id[16];
    size_t n;
};

static bool on_row(void *arg, const struct store_ind_row *r)
{
    struct rows *s = arg;
    int o;

    if (s->n == 16)
        return false;
    s->id[s->n] = r->id;
    o = snprintf(s->line[s->n], sizeof(s->line[0]), "%s:%s seen=%lld sighted=%lld", r->type,
                 r->value, (long long)(r->last_seen - BASE), (long long)(r->sighted - BASE));
    for (size_t i = 0; i < r->nsrc; i++)
        o += snprintf(s->line[s->n] + o, sizeof(s->line[0]) - (size_t)o, " %s/%d/%lld",
                      r->src[i].feed->name, r->src[i].confidence,
                      (long long)(r->src[i].last_seen - BASE));
    s->n++;
    return true;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_by_id_equals_sorted_listing(void **state)
{
    struct ctx *c = *state;
    int64_t f1 = feed(c, "f1"), f2 = feed(c, "f2");
    const char *a[] = {"domain:b.example", "url:http://x.example/", "domain:a.example",
                       "ipv4:198.51.100.3"};
    const char *b[] = {"domain:b.example", "domain:z.example"};
    static struct rows byid, sorted;
    struct store_dk_sighting v;
    struct err e;

    pull(c, f1, T0, 70, a, 4);
    pull(c, f2, T0 + 5, 90, b, 2);
    memset(&v, 0, sizeof(v));
    v.ip = ip("198.51.100.3");
    v.scanner = true;
    v.first_seen = BASE + 1;
    v.last_seen = BASE + 2;
    ok(store_dk_sightings_put(c->st, c->s1, DAY, &v, 1, &e), &e);
    memset(&v, 0, sizeof(v));
    v.ip = ip("203.0.113.9"); /* sighted only */
    v.scanner = true;
    v.first_seen = BASE + 3;
    v.last_seen = BASE + 4;
    ok(store_dk_sightings_put(c->st, c->s2, DAY, &v, 1, &e), &e);
    pull(c, f1, T0 + 9, 70, a, 3);  /* grace 0: the ipv4 source is removed, the sighting stays */
    pull(c, f2, T0 + 10, 90, b, 1); /* z.example: no active source, not listed */
    ok(store_ind_each_active_by_id(c->st, on_row, &byid, &e), &e);
    ok(store_ind_each_active(c->st, on_row, &sorted, &e), &e);
    assert_int_equal(byid.n, 5);
    assert_int_equal(sorted.n, 5);
    for (size_t i = 1; i < byid.n; i++)
        assert_true(byid.id[i - 1] < byid.id[i]);
    qsort(byid.line, byid.n, sizeof(byid.line[0]), cmp_line);
    for (size_t i = 0; i < byid.n; i++)
        assert_string_equal(byid.line[i], sorted.line[i]);
    assert_string_equal(sorted.line[0],
                        "domain:a.example seen=1009 sighted=-1795564800 f1/70/1009");
    assert_string_equal(sorted.line[1],
                        "domain:b.example seen=1010 sighted=-1795564800 f1/70/1009 f2/90/1010");
    assert_string_equal(sorted.line[2], "ipv4:198.51.100.3 seen=1000 sighted=2");
    assert_string_equal(sorted.line[3], "ipv4:203.0.113.9 seen=4 sighted=4");
    assert_string_equal(sorted.line[4],
                        "url:http://x.example/ seen=1009 sighted=-1795564800 f1/70/1009");
}

static void test_sorted_cursor(void **state)
{
    struct ctx *c = *state;
    int64_t f1 = feed(c, "f1");
    const char *a[] = {"domain:b.example",      "domain:a.example.com", "domain:ab.example",
                       "url:http://a.example/", "domain:a.example",     "domain:a-b.example"};
    static const char *const want[] = {"a-b.example", "a.example", "a.example.com", "ab.example",
                                       "b.example"};
    struct store_ind_cursor *cur;
    struct err e;
    size_t n = 0;
    bool done = false;

    pull(c, f1, T0, 70, a, 6);
    ok(store_ind_sorted_open(c->st, "domain", &cur, &e), &e);
    for (;;) {
        int64_t id;
        const char *v;
        size_t len;
        char sql[160];
        sqlite3_stmt *s;
        sqlite3 *db;

        ok(store_ind_sorted_next(cur, &id, &v, &len, &done, &e), &e);
        if (done)
            break;
        assert_true(n < 5);
        assert_string_equal(v, want[n]);
        assert_int_equal(len, strlen(want[n]));
        (void)snprintf(sql, sizeof(sql), "SELECT id FROM indicators WHERE value = '%s'", want[n]);
        assert_int_equal(sqlite3_open(c->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(s, 0), id);
        sqlite3_finalize(s);
        sqlite3_close(db);
        n++;
    }
    assert_int_equal(n, 5);
    store_ind_sorted_close(cur);
    store_ind_sorted_close(NULL);
}

static size_t count_domains(struct ctx *c)
{
    struct store_ind_cursor *cur;
    struct err e;
    size_t n = 0;
    bool done = false;
    int64_t id;
    const char *v;
    size_t len;

    ok(store_ind_sorted_open(c->st, "domain", &cur, &e), &e);
    for (ok(store_ind_sorted_next(cur, &id, &v, &len, &done, &e), &e); !done;
         ok(store_ind_sorted_next(cur, &id, &v, &len, &done, &e), &e))
        n++;
    store_ind_sorted_close(cur);
    return n;
}

static void test_read_snapshot(void **state)
{
    struct ctx *c = *state;
    int64_t f1 = feed(c, "f1");
    const char *a[] = {"domain:a.example"};
    const char *b[] = {"domain:a.example", "domain:b.example"};
    struct store *other;
    static struct rows r;
    struct err e;

    pull(c, f1, T0, 70, a, 1);
    ok(store_read_begin(c->st, &e), &e);
    ok(store_open(c->path, &other, &e), &e);
    {
        struct ctx oc = *c;
        oc.st = other;
        pull(&oc, f1, T0 + 1, 70, b, 2); /* commits while the reader's snapshot is open */
    }
    assert_int_equal(count_domains(c), 1);
    ok(store_ind_each_active_by_id(c->st, on_row, &r, &e), &e); /* inside: no own BEGIN */
    assert_int_equal(r.n, 1);
    store_read_end(c->st);
    store_read_end(c->st); /* no transaction: a no-op */
    assert_int_equal(count_domains(c), 2);
    ok(store_set_memory(c->st, 0, 1024, &e), &e);
    assert_int_equal(count_domains(c), 2);
    store_close(other);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_by_id_equals_sorted_listing),
        T(test_sorted_cursor),
        T(test_read_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
