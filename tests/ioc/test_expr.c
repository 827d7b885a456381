/* test_expr.c - unit tests of the Safe Browsing suffix/prefix expressions
 * (url_expr.c): the examples of the Safe Browsing v4 specification in its order, IP
 * hosts (no suffixes), duplicate removal, the 5 x 6 bounds, early stop, and input that
 * is not a canonical URL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"

#define MAXEXPR 40

struct got {
    char expr[MAXEXPR][IOC_VALUE_MAX];
    int n, stop_after;
};

static bool collect(const char *expr, size_t len, void *arg)
{
    struct got *g = arg;

    assert_int_equal(strlen(expr), len);
    assert_true(g->n < MAXEXPR);
    memcpy(g->expr[g->n++], expr, len + 1);
    return g->stop_after == 0 || g->n < g->stop_after;
}

static void expect(const char *url, const char *const *want, int nwant)
{
    static struct got g;

    memset(&g, 0, sizeof(g));
    assert_true(ioc_url_expressions(url, collect, &g));
    if (g.n != nwant) {
        for (int i = 0; i < g.n; i++)
            print_message("  got %s\n", g.expr[i]);
        fail_msg("%s: %d expressions, want %d", url, g.n, nwant);
    }
    for (int i = 0; i < nwant; i++)
        assert_string_equal(g.expr[i], want[i]);
}

#define EXPECT(url, ...)                                                                           \
    do {                                                                                           \
        static const char *const w_[] = {__VA_ARGS__};                                             \
        expect(url, w_, (int)(sizeof(w_) / sizeof(w_[0])));                                        \
    } while (0)

static void test_sb_examples(void **state)
{
    (void)state;
    EXPECT("http://a.b.c/1/2.html?param=1", "a.b.c/1/2.html?param=1", "a.b.c/1/2.html", "a.b.c/",
           "a.b.c/1/", "b.c/1/2.html?param=1", "b.c/1/2.html", "b.c/", "b.c/1/");
    EXPECT("http://a.b.c.d.e.f.g/1.html", "a.b.c.d.e.f.g/1.html", "a.b.c.d.e.f.g/",
           "c.d.e.f.g/1.html", "c.d.e.f.g/", "d.e.f.g/1.html", "d.e.f.g/", "e.f.g/1.html", "e.f.g/",
           "f.g/1.html", "f.g/");
    EXPECT("http://1.2.3.4/1/", "1.2.3.4/1/", "1.2.3.4/");
    EXPECT("http://a.b/saw-cgi/eBayISAPI.dll/", "a.b/saw-cgi/eBayISAPI.dll/", "a.b/",
           "a.b/saw-cgi/");
}

static void test_hosts(void **state)
{
    (void)state;
    EXPECT("http://a.b.c/", "a.b.c/", "b.c/");
    EXPECT("http://localhost/", "localhost/");
    EXPECT("http://a.b.c.d.e/", "a.b.c.d.e/", "b.c.d.e/", "c.d.e/", "d.e/");
    EXPECT("http://a.b.c.d.e.f/", "a.b.c.d.e.f/", "b.c.d.e.f/", "c.d.e.f/", "d.e.f/", "e.f/");
    EXPECT("https://[2001:db8::1]/x", "[2001:db8::1]/x", "[2001:db8::1]/");
    EXPECT("http://999.1.1.1/", "999.1.1.1/", "1.1.1/", "1.1/"); /* not an address */
}

static void test_paths(void **state)
{
    (void)state;
    EXPECT("http://x.y/q?", "x.y/q?", "x.y/q", "x.y/");
    EXPECT("http://x.y/?a=1", "x.y/?a=1", "x.y/");
    EXPECT("http://x.y/a/b/?c", "x.y/a/b/?c", "x.y/a/b/", "x.y/", "x.y/a/");
    EXPECT("http://x.y/1/2/3/4/5/6.html?x=1", "x.y/1/2/3/4/5/6.html?x=1", "x.y/1/2/3/4/5/6.html",
           "x.y/", "x.y/1/", "x.y/1/2/", "x.y/1/2/3/");
    EXPECT("http://x.y/1/2/3/", "x.y/1/2/3/", "x.y/", "x.y/1/", "x.y/1/2/");
    EXPECT("http://x.y/1/2/3/4/", "x.y/1/2/3/4/", "x.y/", "x.y/1/", "x.y/1/2/", "x.y/1/2/3/");
    EXPECT("http://x.y/1/2?a/b/", "x.y/1/2?a/b/", "x.y/1/2", "x.y/", "x.y/1/");
}

static void test_bounds_and_stop(void **state)
{
    static struct got g;

    (void)state;
    memset(&g, 0, sizeof(g));
    assert_true(ioc_url_expressions("http://a.b.c.d.e.f.g.h/1/2/3/4/5.html?q", collect, &g));
    assert_int_equal(g.n, 30);
    assert_string_equal(g.expr[0], "a.b.c.d.e.f.g.h/1/2/3/4/5.html?q");
    assert_string_equal(g.expr[29], "g.h/1/2/3/");
    memset(&g, 0, sizeof(g));
    g.stop_after = 3;
    assert_false(ioc_url_expressions("http://a.b.c/1/2.html?param=1", collect, &g));
    assert_int_equal(g.n, 3);
    assert_string_equal(g.expr[2], "a.b.c/");
}

static void test_not_canonical(void **state)
{
    static struct got g;

    (void)state;
    memset(&g, 0, sizeof(g));
    assert_false(ioc_url_expressions("a.b.c/1/", collect, &g));
    assert_false(ioc_url_expressions("http://a.b.c", collect, &g));
    assert_false(ioc_url_expressions("http:///x", collect, &g));
    assert_false(ioc_url_expressions(NULL, collect, &g));
    assert_false(ioc_url_expressions("http://a/", NULL, &g));
    assert_int_equal(g.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sb_examples),   cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_paths),         cmocka_unit_test(test_bounds_and_stop),
        cmocka_unit_test(test_not_canonical),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
