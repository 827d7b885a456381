/* test_serve.c - what the servers keep in the store: token hashes (add, duplicate name,
 * list by name, revoke), RPZ zone serials with and without a digest, and the data
 * version that changes when another connection commits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_fixture.h"

struct seen {
    char names[256];
    int clearance_sum;
    uint8_t first_hash[32];
    int n;
};

static bool on_token(void *arg, const struct store_token *t)
{
    struct seen *s = arg;

    if (s->n++ == 0)
        memcpy(s->first_hash, t->hash, 32);
    strcat(s->names, t->name);
    strcat(s->names, " ");
    s->clearance_sum += t->clearance;
    return true;
}

static void test_tokens(void **state)
{
    struct ctx *c = *state;
    uint8_t h1[32], h2[32];
    struct seen s = {0};
    struct err e;
    bool found;

    memset(h1, 0x11, 32);
    memset(h2, 0x22, 32);
    ok(store_token_add(c->st, "zeta", h1, 3, BASE, &e), &e);
    ok(store_token_add(c->st, "alpha", h2, 1, BASE + 1, &e), &e);
    assert_int_equal(store_token_add(c->st, "alpha", h1, 0, BASE, &e), ERR_USAGE);
    assert_non_null(strstr(e.msg, "exists already"));
    ok(store_token_each(c->st, on_token, &s, &e), &e);
    assert_string_equal(s.names, "alpha zeta ");
    assert_int_equal(s.clearance_sum, 4);
    assert_memory_equal(s.first_hash, h2, 32);
    ok(store_token_revoke(c->st, "alpha", &found, &e), &e);
    assert_true(found);
    ok(store_token_revoke(c->st, "alpha", &found, &e), &e);
    assert_false(found);
    memset(&s, 0, sizeof(s));
    ok(store_token_each(c->st, on_token, &s, &e), &e);
    assert_string_equal(s.names, "zeta ");
}

static void test_zone_serials(void **state)
{
    struct ctx *c = *state;
    uint8_t d[32], got[32], zero[32] = {0};
    uint32_t serial;
    bool found;
    struct err e;

    ok(store_zone_get(c->st, "rpz.test", &serial, got, &found, &e), &e);
    assert_false(found);
    assert_int_equal(serial, 0);
    memset(d, 0xab, 32);
    ok(store_zone_put(c->st, "rpz.test", 7, d, BASE, &e), &e);
    ok(store_zone_get(c->st, "rpz.test", &serial, got, &found, &e), &e);
    assert_true(found);
    assert_int_equal(serial, 7);
    assert_memory_equal(got, d, 32);
    ok(store_zone_put(c->st, "rpz.test", 4294967295u, NULL, BASE, &e), &e);
    ok(store_zone_get(c->st, "rpz.test", &serial, got, &found, &e), &e);
    assert_int_equal(serial, 4294967295u);
    assert_memory_equal(got, zero, 32); /* unknown digest */
    ok(store_zone_get(c->st, "other.test", &serial, got, &found, &e), &e);
    assert_false(found);
}

static void test_data_version(void **state)
{
    struct ctx *c = *state;
    struct store *other;
    int64_t v0, v1, v2;
    uint8_t h[32] = {1};
    struct err e;

    ok(store_open(c->path, &other, &e), &e);
    ok(store_data_version(c->st, &v0, &e), &e);
    ok(store_data_version(c->st, &v1, &e), &e);
    assert_true(v0 == v1); /* nothing committed */
    ok(store_token_add(other, "x", h, 0, BASE, &e), &e);
    ok(store_data_version(c->st, &v2, &e), &e);
    assert_true(v2 != v1); /* another connection committed */
    store_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone_serials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_version, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
