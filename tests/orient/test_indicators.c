/* test_indicators.c - unit tests of orient/indicators.c: which indicators are listed at a
 * given time. Decay (MISP polynomial, tau 120 days, delta 2, threshold 30) against
 * hand-computed scores, a darknet sighting resetting the decay, sighting-only indicators,
 * valid_until, removal after the grace period, allowlists (parent domains, label
 * boundaries, URL hosts, CIDR containment both ways, e-mail domains), the built-in
 * RFC 1918 / RFC 6890 ranges, conflicts, order and the reported fields.
 *
 * Each test gets a fresh store in a mkdtemp() directory; feeds are filled through the
 * store's pull API with canonical values. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "orient/orient.h"

#define T0   INT64_C(1795564800) /* 2026-11-25T00:00:00Z */
#define DAYS INT64_C(86400)

struct ctx {
    char dir[64], path[128];
    struct store *st;
};

static void ok(enum err_code rc, const struct err *e)
{
    if (rc != ERR_OK)
        fail_msg("call failed: %s", e->msg);
}

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct err e;

    if (c == NULL)
        return -1;
    (void)snprintf(c->dir, sizeof(c->dir), "/tmp/ooda-test-orient-XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return -1;
    (void)snprintf(c->path, sizeof(c->path), "%s/ooda.db", c->dir);
    if (store_open(c->path, &c->st, &e) != ERR_OK)
        return -1;
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;
    char p[200];

    store_close(c->st);
    (void)unlink(c->path);
    (void)snprintf(p, sizeof(p), "%s-wal", c->path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", c->path);
    (void)unlink(p);
    (void)rmdir(c->dir);
    free(c);
    return 0;
}

static int64_t add_feed(struct ctx *c, const char *name, const char *org, bool allow, int64_t grace)
{
    struct store_feed f;
    struct err e;

    memset(&f, 0, sizeof(f));
    (void)snprintf(f.name, sizeof(f.name), "%s", name);
    (void)snprintf(f.format, sizeof(f.format), "plain");
    (void)snprintf(f.location, sizeof(f.location), "x");
    (void)snprintf(f.org, sizeof(f.org), "%s", org);
    f.tlp = IOC_TLP_AMBER;
    f.confidence = 80;
    f.allowlist = allow;
    f.grace = grace;
    f.tau = ORIENT_IND_TAU;
    f.delta = ORIENT_IND_DELTA;
    ok(store_feed_add(c->st, &f, &e), &e);
    return f.id;
}

struct item {
    const char *type, *value;
    int64_t seen, valid_until;
    int confidence, tlp;
};

static void pull(struct ctx *c, int64_t feed, int64_t now, int64_t grace, const struct item *v,
                 size_t n, bool allow)
{
    struct store_feed_counts cnt;
    struct store_pull *p;
    struct err e;

    memset(&cnt, 0, sizeof(cnt));
    ok(store_pull_begin(c->st, feed, now, &p, &e), &e);
    for (size_t i = 0; i < n; i++) {
        struct store_ind_entry en = {.type = v[i].type,
                                     .value = v[i].value,
                                     .seen = v[i].seen ? v[i].seen : now,
                                     .valid_until = v[i].valid_until,
                                     .confidence = v[i].confidence ? v[i].confidence : 80,
                                     .tlp = v[i].tlp};
        if (allow)
            ok(store_pull_allow_put(p, v[i].type, v[i].value, &e), &e);
        else
            ok(store_pull_put(p, &en, &e), &e);
    }
    ok(store_pull_finish(p, grace, &cnt, &e), &e);
}

static void sight(struct ctx *c, const char *addr, int64_t when)
{
    struct store_dk_sighting s;
    int64_t sensor;
    struct err e;

    memset(&s, 0, sizeof(s));
    ok(ip16_parse(addr, &s.ip, &e), &e);
    s.scanner = true;
    s.first_seen = when - 60;
    s.last_seen = when;
    s.packets = 10;
    ok(store_sensor_id(c->st, "dk", true, &sensor, &e), &e);
    ok(store_dk_sightings_put(c->st, sensor, time_day(when), &s, 1, &e), &e);
}

struct out {
    char text[2048];
    double score[16];
    struct orient_ind last;
    char sources[128];
    size_t n;
};

static bool on_ind(void *arg, const struct orient_ind *ind)
{
    struct out *o = arg;
    size_t len = strlen(o->text);

    (void)snprintf(o->text + len, sizeof(o->text) - len, "%s%s", len ? " " : "", ind->value);
    if (o->n < 16)
        o->score[o->n] = ind->score;
    o->last = *ind;
    (void)snprintf(o->sources, sizeof(o->sources), "%s", ind->sources);
    o->last.sources = o->sources;
    o->last.value = NULL;
    o->n++;
    return true;
}

static struct out *listed(struct ctx *c, int64_t now)
{
    static struct out o;
    struct err e;

    memset(&o, 0, sizeof(o));
    ok(orient_ind_each_listed(c->st, now, on_ind, &o, &e), &e);
    return &o;
}

static void test_decay_threshold(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 0);
    const struct item v[] = {{"domain", "evil.example", 0, 0, 0, 0}};
    struct out *o;

    pull(c, f, T0, 0, v, 1, false);
    o = listed(c, T0);
    assert_int_equal(o->n, 1);
    assert_true(o->score[0] == 80.0);
    o = listed(c, T0 + 30 * DAYS); /* 80 * (1 - sqrt(30/120)) = 40 */
    assert_int_equal(o->n, 1);
    assert_true(fabs(o->score[0] - 40.0) < 1e-9);
    o = listed(c, T0 + 46 * DAYS); /* 80 * (1 - sqrt(46/120)) = 30.468 */
    assert_int_equal(o->n, 1);
    assert_true(fabs(o->score[0] - 80.0 * (1 - sqrt(46.0 / 120))) < 1e-9);
    o = listed(c, T0 + 47 * DAYS); /* 29.93 < 30 */
    assert_int_equal(o->n, 0);
    o = listed(c, T0 + 200 * DAYS);
    assert_int_equal(o->n, 0);
}

static void test_confidence_sets_base(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 0);
    const struct item v[] = {{"domain", "low.example", 0, 0, 29, 0},
                             {"domain", "mid.example", 0, 0, 60, 0}};
    struct out *o;

    pull(c, f, T0, 0, v, 2, false);
    o = listed(c, T0);
    assert_string_equal(o->text, "mid.example"); /* 29 < threshold even undecayed */
    o = listed(c, T0 + 12 * DAYS);               /* 60 * (1 - sqrt(0.1)) = 41.03 */
    assert_true(fabs(o->score[0] - 60 * (1 - sqrt(0.1))) < 1e-9);
}

static void test_sighting_resets_decay(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 0);
    const struct item v[] = {{"ipv4", "45.33.32.156", 0, 0, 0, 0}};
    struct out *o;

    pull(c, f, T0, 0, v, 1, false);
    assert_int_equal(listed(c, T0 + 60 * DAYS)->n, 0); /* 80*(1-sqrt(.5)) = 23.4 */
    sight(c, "45.33.32.156", T0 + 40 * DAYS);
    o = listed(c, T0 + 60 * DAYS); /* t = 20 days: 80 * (1 - sqrt(1/6)) = 47.34 */
    assert_int_equal(o->n, 1);
    assert_true(fabs(o->score[0] - 80 * (1 - sqrt(20.0 / 120))) < 1e-9);
    assert_string_equal(o->last.sources, "org/f,sighting");
    assert_int_equal(o->last.confidence, 80);
    assert_int_equal(o->last.type, IOC_IPV4);
}

static void test_sighting_only(void **state)
{
    struct ctx *c = *state;
    struct out *o;

    sight(c, "45.33.32.157", T0);
    o = listed(c, T0 + 10 * DAYS); /* 50 * (1 - sqrt(10/120)) = 35.57 */
    assert_string_equal(o->text, "45.33.32.157");
    assert_true(fabs(o->score[0] - 50 * (1 - sqrt(10.0 / 120))) < 1e-9);
    assert_int_equal(o->last.confidence, 50);
    assert_int_equal(o->last.tlp, IOC_TLP_AMBER);
    assert_string_equal(o->last.sources, "sighting");
    assert_int_equal(listed(c, T0 + 20 * DAYS)->n, 0); /* 29.59 */
    sight(c, "10.9.9.9", T0 - DAYS); /* RFC 1918: built-in allowlist (another day: a
                                      * day's sightings are replaced as a whole) */
    assert_string_equal(listed(c, T0)->text, "45.33.32.157");
}

static void test_valid_until(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 0), g = add_feed(c, "g", "", false, 0);
    const struct item v[] = {{"domain", "a.example", 0, T0 + 5 * DAYS, 0, IOC_TLP_RED},
                             {"domain", "b.example", 0, T0 + 5 * DAYS, 0, IOC_TLP_RED}};
    const struct item w[] = {{"domain", "b.example", 0, T0 + 9 * DAYS, 0, IOC_TLP_GREEN}};
    struct out *o;

    pull(c, f, T0, 0, v, 2, false);
    pull(c, g, T0, 0, w, 1, false);
    o = listed(c, T0 + 4 * DAYS);
    assert_string_equal(o->text, "a.example b.example");
    assert_int_equal(o->last.valid_until, T0 + 9 * DAYS); /* b: latest of its sources */
    assert_int_equal(o->last.tlp, IOC_TLP_GREEN);         /* least restrictive */
    assert_string_equal(o->last.sources, "org/f,g");
    o = listed(c, T0 + 5 * DAYS); /* a expired; b by g only */
    assert_string_equal(o->text, "b.example");
    assert_string_equal(o->last.sources, "g");
    assert_int_equal(o->last.tlp, IOC_TLP_GREEN);
    assert_int_equal(listed(c, T0 + 9 * DAYS)->n, 0);
}

static void test_removal_after_grace(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 3600);
    const struct item v[] = {{"domain", "a.example", 0, 0, 0, 0},
                             {"domain", "b.example", 0, 0, 0, 0}};

    pull(c, f, T0, 3600, v, 2, false);
    pull(c, f, T0 + 60, 3600, v, 1, false); /* b missing, within grace: still listed */
    assert_string_equal(listed(c, T0 + 61)->text, "a.example b.example");
    pull(c, f, T0 + 3659, 3600, v, 1, false);
    assert_string_equal(listed(c, T0 + 3659)->text, "a.example b.example");
    pull(c, f, T0 + 3660, 3600, v, 1, false); /* missing 3600 s: removed */
    assert_string_equal(listed(c, T0 + 3660)->text, "a.example");
}

static const struct item allow_items[] = {
    {"domain", "example.org", 0, 0, 0, 0},
    {"cidr", "93.184.0.0/16", 0, 0, 0, 0},
    {"ipv6", "2a00:1450::1", 0, 0, 0, 0},
};

static const struct item bad_items[] = {
    {"domain", "www.example.org", 0, 0, 0, 0}, /* parent allowlisted */
    {"domain", "example.org", 0, 0, 0, 0},     /* itself */
    {"domain", "example.org.evil.example", 0, 0, 0, 0},
    {"domain", "notexample.org", 0, 0, 0, 0},        /* not a label boundary */
    {"url", "http://sub.example.org/x", 0, 0, 0, 0}, /* URL host */
    {"url", "http://93.184.216.34:8080/a", 0, 0, 0, 0},
    {"url", "http://evil.example/example.org", 0, 0, 0, 0},
    {"ipv4", "93.184.216.34", 0, 0, 0, 0},
    {"ipv4", "93.185.0.1", 0, 0, 0, 0},
    {"cidr", "93.184.216.0/24", 0, 0, 0, 0}, /* inside an allowlisted CIDR */
    {"cidr", "93.0.0.0/8", 0, 0, 0, 0},      /* contains one */
    {"cidr", "94.0.0.0/8", 0, 0, 0, 0},
    {"ipv4", "10.1.2.3", 0, 0, 0, 0},   /* RFC 1918 */
    {"ipv4", "172.32.0.1", 0, 0, 0, 0}, /* just outside 172.16/12 */
    {"ipv4", "172.31.255.255", 0, 0, 0, 0},
    {"ipv4", "100.64.0.1", 0, 0, 0, 0}, /* RFC 6598 shared */
    {"ipv6", "fe80::1", 0, 0, 0, 0},
    {"ipv6", "2001:db8::1", 0, 0, 0, 0},
    {"ipv6", "2a00:1450::1", 0, 0, 0, 0}, /* an allowlisted IP */
    {"ipv6", "2a00:1450::2", 0, 0, 0, 0},
    {"email", "x@mail.example.org", 0, 0, 0, 0},
    {"sha256", "0000000000000000000000000000000000000000000000000000000000000001", 0, 0, 0, 0},
};

static void test_allowlists(void **state)
{
    struct ctx *c = *state;
    int64_t a = add_feed(c, "allow", "", true, 0), f = add_feed(c, "f", "org", false, 0);

    pull(c, a, T0, 0, allow_items, 3, true);
    pull(c, f, T0, 0, bad_items, sizeof(bad_items) / sizeof(bad_items[0]), false);
    /* id order: the order the feed listed them */
    assert_string_equal(listed(c, T0)->text,
                        "example.org.evil.example notexample.org http://evil.example/example.org"
                        " 93.185.0.1 94.0.0.0/8 172.32.0.1 2a00:1450::2"
                        " 0000000000000000000000000000000000000000000000000000000000000001");
}

struct cout {
    char text[2048];
    size_t n;
};

static bool on_conflict(void *arg, const struct orient_conflict *cf)
{
    struct cout *o = arg;
    size_t len = strlen(o->text);

    (void)snprintf(o->text + len, sizeof(o->text) - len, "%s%s<%s:%s@%s", len ? " " : "",
                   cf->ind->value, cf->entry_type, cf->entry, cf->allowlist);
    o->n++;
    return true;
}

static void test_conflicts(void **state)
{
    struct ctx *c = *state;
    int64_t a = add_feed(c, "allow", "", true, 0), f = add_feed(c, "f", "org", false, 0);
    int64_t g = add_feed(c, "g", "org", false, 0);
    const struct item gi[] = {{"domain", "www.example.org", 0, 0, 0, 0}};
    struct cout o;
    struct err e;

    pull(c, a, T0, 0, allow_items, 3, true);
    pull(c, f, T0, 0, bad_items + 7, 6, false); /* 93.184.216.34 .. 10.1.2.3 */
    pull(c, g, T0, 0, gi, 1, false);
    memset(&o, 0, sizeof(o));
    ok(orient_ind_each_conflict(c->st, T0 + 365 * DAYS, 0, on_conflict, &o, &e), &e);
    assert_string_equal(o.text, "93.0.0.0/8<cidr:93.184.0.0/16@allow"
                                " 93.184.216.0/24<cidr:93.184.0.0/16@allow"
                                " www.example.org<domain:example.org@allow"
                                " 10.1.2.3<cidr:10.0.0.0/8@builtin"
                                " 93.184.216.34<cidr:93.184.0.0/16@allow");
    memset(&o, 0, sizeof(o));
    ok(orient_ind_each_conflict(c->st, T0, g, on_conflict, &o, &e), &e);
    assert_string_equal(o.text, "www.example.org<domain:example.org@allow");
}

static bool stop_first(void *arg, const struct orient_ind *ind)
{
    (void)ind;
    (*(int *)arg)++;
    return false;
}

static void test_stop_early(void **state)
{
    struct ctx *c = *state;
    int64_t f = add_feed(c, "f", "org", false, 0);
    struct err e;
    int n = 0;

    pull(c, f, T0, 0, bad_items, 4, false);
    ok(orient_ind_each_listed(c->st, T0, stop_first, &n, &e), &e);
    assert_int_equal(n, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_decay_threshold),
        T(test_confidence_sets_base),
        T(test_sighting_resets_decay),
        T(test_sighting_only),
        T(test_valid_until),
        T(test_removal_after_grace),
        T(test_allowlists),
        T(test_conflicts),
        T(test_stop_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
