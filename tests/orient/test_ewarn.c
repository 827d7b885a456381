/* test_ewarn.c - unit tests of orient/ewarn.c, the early-warning detector: median and
 * MAD, the bound's floors (sqrt(median), 1), the blend with the preceding hours, the
 * minimum history, the scan over a synthetic series (strict threshold, consecutive
 * hours merged, zero-filled hours), and a run over a store: the alert row with its top
 * sources and countries from source-day rows, idempotent on re-run. */
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

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static void ok(enum err_code rc, const struct err *e)
{
    if (rc != ERR_OK)
        fail_msg("call failed: %s", e->msg);
}

static void test_median(void **state)
{
    double a[] = {5, 1, 3}, b[] = {4, 1, 3, 2}, c[] = {7}, d[] = {2, 2, 9, 9, 9, 1};

    (void)state;
    assert_true(orient_ew_median(a, 3) == 3);
    assert_true(orient_ew_median(b, 4) == 2.5);
    assert_true(orient_ew_median(c, 1) == 7);
    assert_true(orient_ew_median(d, 6) == 5.5);
}

static void test_mad(void **state)
{
    const double v[] = {10, 12, 11, 13, 9, 10, 14}, w[] = {50, 60, 70, 80, 90, 100, 110};

    (void)state;
    /* |v - 11| = 1 1 0 2 2 1 3 -> median 1; |w - 80| = 30 20 10 0 10 20 30 -> 20 */
    assert_true(orient_ew_mad(v, 7, 11) == 1);
    assert_true(orient_ew_mad(w, 7, 80) == 20);
    assert_true(v[0] == 10 && v[6] == 14); /* left unchanged */
}

static void test_bound_mad_wins(void **state)
{
    const double day[] = {110, 50, 90, 60, 100, 70, 80};
    struct orient_ew_bound b;

    (void)state;
    assert_true(orient_ew_bound(day, 7, NULL, 0, &b));
    assert_true(b.day_median == 80 && b.recent_median == 0 && b.median == 80);
    assert_true(b.mad == 20 && b.spread == 20); /* 20 > sqrt(80) = 8.94 */
    assert_true(b.threshold == 200);
}

static void test_bound_sqrt_floor(void **state)
{
    const double day[] = {0, 0, 0, 100, 100, 100, 100}, recent[] = {90, 95, 100, 80, 70, 60};
    struct orient_ew_bound b;

    (void)state;
    assert_true(orient_ew_bound(day, 7, recent, 6, &b));
    assert_true(b.median == 100 && b.mad == 0);
    assert_true(b.recent_median == 85); /* (80 + 90) / 2: lower, so not used */
    assert_true(b.spread == 10 && b.threshold == 160);
}

static void test_bound_one_floor(void **state)
{
    const double zero[] = {0, 0, 0, 0}, small[] = {0, 1, 0};
    struct orient_ew_bound b;

    (void)state;
    assert_true(orient_ew_bound(zero, 4, zero, 4, &b));
    assert_true(b.median == 0 && b.mad == 0 && b.spread == 1 && b.threshold == 6);
    assert_true(orient_ew_bound(small, 3, NULL, 0, &b));
    assert_true(b.median == 0 && b.mad == 0 && b.spread == 1 && b.threshold == 6);
}

static void test_bound_blend(void **state)
{
    const double day[] = {10, 12, 11, 13, 9, 10, 14};
    const double low[] = {5, 6, 7, 8, 9, 10}, high[] = {20, 22, 21, 25, 30, 19};
    struct orient_ew_bound b;

    (void)state;
    assert_true(orient_ew_bound(day, 7, low, 6, &b));
    assert_true(b.day_median == 11 && b.recent_median == 7.5 && b.median == 11);
    assert_true(b.mad == 1 && b.spread == sqrt(11.0));
    assert_true(b.threshold == 11 + 6 * sqrt(11.0));
    /* a level that rose over the last hours lifts the baseline: 21.5, not 11 */
    assert_true(orient_ew_bound(day, 7, high, 6, &b));
    assert_true(b.day_median == 11 && b.recent_median == 21.5 && b.median == 21.5);
    assert_true(b.mad == 1 && b.spread == sqrt(21.5));
    assert_true(b.threshold == 21.5 + 6 * sqrt(21.5));
    assert_true(orient_ew_bound(day, 7, high, 1, &b) && b.median == 20);
}

static void test_bound_history(void **state)
{
    const double day[] = {10, 10, 10};
    struct orient_ew_bound b;

    (void)state;
    assert_false(orient_ew_bound(day, 0, NULL, 0, &b));
    assert_false(orient_ew_bound(day, 2, day, 2, &b));
    assert_true(orient_ew_bound(day, 3, NULL, 0, &b) && b.median == 10);
}

#define NH (10 * 24)
struct hits {
    struct orient_ew_hit h[8];
    size_t n;
};

static enum err_code collect(void *arg, const struct orient_ew_hit *h, struct err *e)
{
    struct hits *x = arg;

    (void)e;
    if (x->n < 8)
        x->h[x->n] = *h;
    x->n++;
    return ERR_OK;
}

/* A flat series (100 packets, 10 new sources an hour): packet bound 100 + 6*10 = 160,
 * new-source bound 10 + 6*sqrt(10) = 28.97. */
static void flat(double *pk, double *nw)
{
    for (size_t i = 0; i < NH; i++) {
        pk[i] = 100;
        nw[i] = 10;
    }
}

static void test_scan(void **state)
{
    double pk[NH], nw[NH];
    struct hits x = {.n = 0};
    struct err e;
    size_t s = 8 * 24 + 5;

    (void)state;
    flat(pk, nw);
    pk[2 * 24 + 5] = 1000; /* only two earlier days: no baseline, no alert */
    nw[2 * 24 + 5] = 100;
    pk[4 * 24 + 3] = 160; /* packets at the bound (not above), many new sources */
    nw[4 * 24 + 3] = 100;
    pk[5 * 24 + 3] = 1000; /* many packets, new sources at 28: below their bound */
    nw[5 * 24 + 3] = 28;
    for (size_t i = s; i < s + 3; i++) { /* the outbreak: three hours */
        pk[i] = 500;
        nw[i] = 50;
    }
    pk[s + 3] = 400; /* above 160, but the blend lifts the bound to 300 + 6*sqrt(300) */
    nw[s + 3] = 50;
    ok(orient_ew_scan(pk, nw, NH, 0, collect, &x, &e), &e);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.h[0].start, s);
    assert_int_equal(x.h[0].end, s + 2);
    assert_true(x.h[0].packets == 500 && x.h[0].baseline == 100 && x.h[0].new_sources == 50);
    /* from > the outbreak: nothing */
    x.n = 0;
    ok(orient_ew_scan(pk, nw, NH, s + 4, collect, &x, &e), &e);
    assert_int_equal(x.n, 0);
    /* one more packet and one more new source at day 4 make it alarm */
    pk[4 * 24 + 3] = 161;
    ok(orient_ew_scan(pk, nw, NH, 0, collect, &x, &e), &e);
    assert_int_equal(x.n, 2);
    assert_int_equal(x.h[0].start, 4 * 24 + 3);
    assert_int_equal(x.h[0].end, 4 * 24 + 3);
    nw[5 * 24 + 3] = 29;
    x.n = 0;
    ok(orient_ew_scan(pk, nw, NH, 0, collect, &x, &e), &e);
    assert_int_equal(x.n, 3);
    assert_int_equal(x.h[1].start, 5 * 24 + 3);
}

/* The run over a store: a port with 20 packets and 2 new sources every hour of 6 days
 * except hour 3, which has no row (0 packets), and a surge of 300 packets / 40 new
 * sources at day 5, 10:00-11:59. */
static void fill_store(struct store *st, int64_t sensor)
{
    struct store_dk_port r;
    struct store_dk_src src;
    struct err e;
    const char *ips[] = {"192.0.2.1", "198.51.100.7", "203.0.113.9", "192.0.2.200"};
    const char *tops[] = {"[[8081,\"tcp_syn\",50],[23,\"tcp_syn\",9]]", "[[8081,\"tcp_syn\",70]]",
                          "[[8081,\"udp\",99]]", "[[8081,\"tcp_syn\",500]]"};
    const char *cc[] = {"DE", "US", "FR", "US"};
    const uint32_t hours[] = {1u << 10, (1u << 10) | (1u << 11), 1u << 10, 1u << 12};

    ok(store_begin(st, &e), &e);
    for (int64_t h = 0; h < 6 * 24; h++) {
        if (h % 24 == 3)
            continue;
        memset(&r, 0, sizeof(r));
        r.hour = T0 + h * 3600;
        r.port = 8081;
        r.cls = STORE_DK_TCP_SYN;
        r.packets = 20;
        r.sources = 3;
        r.new_sources = 2;
        if (h == 5 * 24 + 10 || h == 5 * 24 + 11) {
            r.packets = 300;
            r.new_sources = 40;
        }
        ok(store_dk_port_put(st, sensor, &r, &e), &e);
    }
    for (uint32_t i = 0; i < 4; i++) {
        memset(&src, 0, sizeof(src));
        ok(ip16_parse(ips[i], &src.src, &e), &e);
        src.day = T0 / 86400 + 5;
        src.seq = i;
        src.packets = 100;
        src.first_seen = src.last_seen = T0 + 5 * 86400 + 36000;
        src.hours = hours[i];
        src.top_ports = tops[i];
        memcpy(src.country, cc[i], 3);
        src.asn = 64496 + i;
        ok(store_dk_src_put(st, sensor, &src, &e), &e);
    }
    ok(store_commit(st, &e), &e);
}

struct got {
    struct store_alert a; /* the first alert listed */
    size_t n;
};

static bool copy_alert(void *arg, const struct store_alert *a)
{
    struct got *g = arg;

    if (g->n == 0)
        g->a = *a;
    g->n++;
    return true;
}

static void test_run_store(void **state)
{
    char dir[] = "/tmp/ooda-test-ewarn-XXXXXX", path[128], p[160];
    struct store *st;
    struct store_alert a;
    struct err e;
    int64_t sensor, id;
    size_t n;
    struct got got;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/ooda.db", dir);
    ok(store_open(path, &st, &e), &e);
    ok(store_sensor_id(st, "tel", true, &sensor, &e), &e);
    fill_store(st, sensor);
    for (int round = 0; round < 2; round++) {
        ok(orient_ew_run(st, sensor, 0, T0 + 30 * 86400, T0 + 7 * 86400, &n, &e), &e);
        assert_int_equal(n, 1);
        memset(&got, 0, sizeof(got));
        ok(store_alert_each(st, NULL, 0, T0 + 30 * 86400, copy_alert, &got, &e), &e);
        assert_int_equal(got.n, 1);
        a = got.a;
        if (round == 0)
            id = a.id;
        assert_int_equal(a.id, id); /* re-run: the same row */
        assert_string_equal(a.sensor, "tel");
        assert_string_equal(a.kind, "port-surge");
        assert_int_equal(a.port, 8081);
        assert_int_equal(a.cls, STORE_DK_TCP_SYN);
        assert_int_equal(a.start_hour, T0 + 5 * 86400 + 10 * 3600);
        assert_int_equal(a.end_hour, T0 + 5 * 86400 + 11 * 3600);
        assert_int_equal(a.packets, 300);
        assert_int_equal(a.new_sources, 40);
        assert_true(a.baseline == 20 && a.magnitude == 15);
        assert_int_equal(a.created, T0 + 7 * 86400);
        assert_string_equal(a.top_sources,
                            "[{\"ip\":\"198.51.100.7\",\"country\":\"US\",\"asn\":64497,"
                            "\"packets\":70},{\"ip\":\"192.0.2.1\",\"country\":\"DE\","
                            "\"asn\":64496,\"packets\":50}]");
        assert_string_equal(a.top_countries, "[{\"country\":\"US\",\"sources\":1,\"packets\":70},"
                                             "{\"country\":\"DE\",\"sources\":1,\"packets\":50}]");
    }
    /* a window after the alert: none listed; a window holding only its end: listed */
    memset(&got, 0, sizeof(got));
    ok(orient_ew_run(st, sensor, T0 + 5 * 86400 + 12 * 3600, T0 + 30 * 86400, T0, &n, &e), &e);
    assert_int_equal(n, 0);
    ok(store_alert_each(st, "tel", T0 + 5 * 86400 + 12 * 3600, T0 + 30 * 86400, copy_alert, &got,
                        &e),
       &e);
    assert_int_equal(got.n, 0);
    ok(orient_ew_run(st, sensor, T0 + 5 * 86400 + 11 * 3600, T0 + 30 * 86400, T0, &n, &e), &e);
    assert_int_equal(n, 1);
    ok(store_alert_each(st, "tel", T0 + 5 * 86400 + 11 * 3600, T0 + 30 * 86400, copy_alert, &got,
                        &e),
       &e);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.a.id, id);
    assert_int_equal(got.a.created, T0 + 7 * 86400); /* kept from the first insert */
    store_close(st);
    (void)unlink(path);
    (void)snprintf(p, sizeof(p), "%s-wal", path);
    (void)unlink(p);
    (void)snprintf(p, sizeof(p), "%s-shm", path);
    (void)unlink(p);
    (void)rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median),          cmocka_unit_test(test_mad),
        cmocka_unit_test(test_bound_mad_wins),  cmocka_unit_test(test_bound_sqrt_floor),
        cmocka_unit_test(test_bound_one_floor), cmocka_unit_test(test_bound_blend),
        cmocka_unit_test(test_bound_history),   cmocka_unit_test(test_scan),
        cmocka_unit_test(test_run_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
