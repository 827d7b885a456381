/* test_feed_pull.c - unit tests of observe/feed.c: feed options checked at add (format,
 * column map, location, defaults stored), a pull of a file feed (canonical duplicates
 * merge, rejected records reach the callback with file:line, counts exact, feed times and
 * confidence/TLP defaults stored), an allowlist feed refusing non-network types, and a
 * failed pull (file gone, binary file) keeping the previous entries with the error
 * recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ioc/ioc.h"
#include "observe/observe.h"

#define NOW INT64_C(1795564800)

struct ctx {
    char dir[64], db[128], feed[128];
    struct store *st;
    char rejects[2048];
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct err e;

    if (c == NULL)
        return -1;
    (void)snprintf(c->dir, sizeof(c->dir), "/tmp/ooda-test-feed-XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return -1;
    (void)snprintf(c->db, sizeof(c->db), "%s/ooda.db", c->dir);
    (void)snprintf(c->feed, sizeof(c->feed), "%s/feed.txt", c->dir);
    if (store_open(c->db, &c->st, &e) != ERR_OK)
        return -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    char p[160];

    store_close(c->st);
    (void)unlink(c->db);
    (void)unlink(c->feed);
    (void)snprintf(p, sizeof(p), "%s-wal", c->db);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", c->db);
    (void)unlink(p);
    (void)rmdir(c->dir);
    free(c);
    return 0;
}

static void write_feed(struct ctx *c, const char *text, size_t len)
{
    FILE *f = fopen(c->feed, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void on_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct ctx *c = arg;
    size_t n = strlen(c->rejects);
    const char *base = strrchr(where, '/');

    (void)snprintf(c->rejects + n, sizeof(c->rejects) - n, "%s:%llu: %s\n", base ? base + 1 : where,
                   (unsigned long long)line, reason);
}

static void add(struct ctx *c, const char *name, const char *format, bool allow)
{
    struct observe_feed_opts o = {.name = name,
                                  .format = format,
                                  .location = c->feed,
                                  .tlp = -1,
                                  .confidence = -1,
                                  .grace = -1,
                                  .allowlist = allow};
    struct err e;

    if (observe_feed_add(c->st, &o, &e) != ERR_OK)
        fail_msg("add: %s", e.msg);
}

static void test_add_checks(void **state)
{
    struct ctx *c = *state;
    struct observe_feed_opts o = {
        .name = "x", .format = "xml", .location = "/a", .tlp = -1, .confidence = -1, .grace = -1};
    struct store_feed f;
    struct err e;

    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_USAGE);
    o.format = "plain";
    o.columns = "value=1";
    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_USAGE);
    assert_string_equal(e.msg, "feed: --columns applies to the csv format only");
    o.format = "csv";
    o.columns = "value=0";
    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_USAGE);
    o.columns = NULL;
    o.location = "";
    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_USAGE);
    o.location = "/a";
    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_OK);
    assert_int_equal(observe_feed_add(c->st, &o, &e), ERR_USAGE); /* name taken */
    assert_int_equal(store_feed_get(c->st, "x", &f, &e), ERR_OK);
    assert_int_equal(f.tlp, IOC_TLP_AMBER);
    assert_int_equal(f.confidence, 80);
    assert_int_equal(f.grace, 86400);
    assert_int_equal(f.tau, 120 * 86400);
    assert_true(f.delta == 2.0);
}

struct vals {
    char text[1024];
};

static bool on_row(void *arg, const struct store_ind_row *r)
{
    struct vals *v = arg;
    size_t n = strlen(v->text);

    (void)snprintf(v->text + n, sizeof(v->text) - n, "%s%s:%s@%d/%d/%lld", n ? " " : "", r->type,
                   r->value, r->src[0].confidence, r->src[0].tlp, (long long)r->src[0].last_seen);
    return true;
}

static void test_pull_file(void **state)
{
    struct ctx *c = *state;
    static const char text[] = "Evil.Example.\nevil.example\nhttp://EVIL.example/a\n"
                               "300.1.2.3\n2001:DB8::1\nfoo bar\n";
    struct observe_feed_result r;
    struct vals v = {""};
    struct err e;

    write_feed(c, text, sizeof(text) - 1);
    add(c, "f", "plain", false);
    assert_int_equal(observe_feed_pull(c->st, "f", NOW, on_reject, c, &r, &e), ERR_OK);
    assert_int_equal(r.n.entries, 6);
    assert_int_equal(r.n.accepted, 4);
    assert_int_equal(r.n.rejected, 2);
    assert_int_equal(r.n.added, 3);
    assert_int_equal(r.n.updated, 0);
    assert_non_null(strstr(c->rejects, "feed.txt:4: "));
    assert_non_null(strstr(c->rejects, "feed.txt:6: more than one value on the line\n"));
    assert_int_equal(store_ind_each_of_feed(c->st, r.feed_id, on_row, &v, &e), ERR_OK);
    assert_string_equal(v.text, "domain:evil.example@80/2/1795564800"
                                " ipv6:2001:db8::1@80/2/1795564800"
                                " url:http://evil.example/a@80/2/1795564800");
}

static void test_allowlist_types(void **state)
{
    struct ctx *c = *state;
    static const char text[] = "ok.example\n10.0.0.0/8\nhttp://x.example/\n"
                               "0123456789abcdef0123456789abcdef\n";
    struct observe_feed_result r;
    struct err e;

    write_feed(c, text, sizeof(text) - 1);
    add(c, "a", "plain", true);
    assert_int_equal(observe_feed_pull(c->st, "a", NOW, on_reject, c, &r, &e), ERR_OK);
    assert_int_equal(r.n.accepted, 2);
    assert_int_equal(r.n.added, 2);
    assert_string_equal(c->rejects,
                        "feed.txt:3: allowlist entries must be domains, IPs or CIDRs, not url\n"
                        "feed.txt:4: allowlist entries must be domains, IPs or CIDRs, not md5\n");
}

static void test_failed_pull_keeps(void **state)
{
    struct ctx *c = *state;
    static const char text[] = "a.example\nb.example\n";
    struct observe_feed_result r;
    struct store_feed f;
    struct vals v = {""};
    struct err e;

    write_feed(c, text, sizeof(text) - 1);
    add(c, "f", "plain", false);
    assert_int_equal(observe_feed_pull(c->st, "f", NOW, NULL, NULL, &r, &e), ERR_OK);
    write_feed(c, "x.example\n\0", 11);
    assert_int_equal(observe_feed_pull(c->st, "f", NOW + 10, NULL, NULL, &r, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "not a text file"));
    (void)unlink(c->feed);
    assert_int_equal(observe_feed_pull(c->st, "f", NOW + 20, NULL, NULL, &r, &e), ERR_NOTFOUND);
    assert_int_equal(store_feed_get(c->st, "f", &f, &e), ERR_OK);
    assert_non_null(strstr(f.last_error, "No such file"));
    assert_int_equal(f.last_pull, NOW + 20);
    assert_int_equal(f.last_ok, NOW);
    assert_int_equal(f.pulls, 1);
    assert_int_equal(store_ind_each_of_feed(c->st, f.id, on_row, &v, &e), ERR_OK);
    assert_string_equal(v.text,
                        "domain:a.example@80/2/1795564800 domain:b.example@80/2/1795564800");
    assert_int_equal(observe_feed_pull(c->st, "nope", NOW, NULL, NULL, &r, &e), ERR_NOTFOUND);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_add_checks),
        T(test_pull_file),
        T(test_allowlist_types),
        T(test_failed_pull_keeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
