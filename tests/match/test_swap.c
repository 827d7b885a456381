/* test_swap.c - unit tests of the snapshot swap point: reference counting, publishing,
 * and one thread swapping snapshots in a loop while reader threads look up through
 * whatever snapshot they acquired (run under ASan and TSan: a reader touching a freed
 * snapshot is a failure there; here every lookup must also give the right answer for
 * the generation it holds). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "match/match.h"

#define READERS 3
#define SWAPS   300

/* Generation g lists gen<g>.example (id g) and always.example (id 1000 + g). */
static struct match_snap *make_gen(int g)
{
    struct match_builder *b;
    struct match_snap *s;
    struct err e;
    char name[32];
    int n = snprintf(name, sizeof(name), "gen%d.example", g);

    assert_int_equal(match_builder_new(&b, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_DOMAIN, name, (size_t)n, g, g, &e), ERR_OK);
    assert_int_equal(match_builder_add(b, IOC_DOMAIN, "always.example", 14, 1000 + g, 1, &e),
                     ERR_OK);
    for (int i = 0; i < 200; i++) { /* some bulk so frees are not trivially cheap */
        n = snprintf(name, sizeof(name), "f%d-%d.example", g, i);
        assert_int_equal(match_builder_add(b, IOC_DOMAIN, name, (size_t)n, i, 1, &e), ERR_OK);
    }
    assert_int_equal(match_builder_finish(b, &s, &e), ERR_OK);
    return s;
}

static void test_publish_and_acquire(void **state)
{
    struct match_swap *w;
    struct match_snap *a, *got;
    struct match_hit h;
    struct err e;

    (void)state;
    assert_int_equal(match_swap_new(&w, &e), ERR_OK);
    assert_null(match_swap_acquire(w));
    match_swap_publish(w, make_gen(1));
    a = match_swap_acquire(w);
    assert_non_null(a);
    match_swap_publish(w, make_gen(2)); /* a stays valid: we hold a reference */
    assert_true(match_domain(a, "x.gen1.example", 14, &h));
    assert_int_equal(h.id, 1);
    got = match_swap_acquire(w);
    assert_true(match_domain(got, "always.example", 14, &h));
    assert_int_equal(h.id, 1002);
    assert_false(match_domain(got, "gen1.example", 12, &h));
    match_snap_unref(got);
    match_snap_unref(a);
    match_swap_publish(w, NULL);
    assert_null(match_swap_acquire(w));
    match_swap_free(w);
    match_swap_free(NULL);
}

static void test_ref_unref(void **state)
{
    struct match_snap *s = make_gen(7);
    struct match_hit h;

    (void)state;
    assert_ptr_equal(match_snap_ref(s), s);
    match_snap_unref(s);
    assert_true(match_domain(s, "gen7.example", 12, &h));
    match_snap_unref(s);
    match_snap_unref(NULL);
}

struct shared {
    struct match_swap *w;
    atomic_bool done;
    atomic_long lookups, wrong;
};

static void *reader(void *arg)
{
    struct shared *sh = arg;

    while (!atomic_load(&sh->done)) {
        struct match_snap *s = match_swap_acquire(sh->w);
        struct match_hit h;
        char name[32];
        int g, n;

        if (s == NULL)
            continue;
        /* which generation do we hold? always.example says it */
        if (!match_domain(s, "always.example", 14, &h)) {
            atomic_fetch_add(&sh->wrong, 1);
            match_snap_unref(s);
            continue;
        }
        g = (int)(h.id - 1000);
        n = snprintf(name, sizeof(name), "www.gen%d.example", g);
        for (int k = 0; k < 50; k++)
            if (!match_domain(s, name, (size_t)n, &h) || h.id != g)
                atomic_fetch_add(&sh->wrong, 1);
        n = snprintf(name, sizeof(name), "gen%d.example", g + 1);
        if (match_domain(s, name, (size_t)n, &h))
            atomic_fetch_add(&sh->wrong, 1);
        atomic_fetch_add(&sh->lookups, 52);
        match_snap_unref(s);
    }
    return NULL;
}

static void test_swap_under_readers(void **state)
{
    struct shared sh = {0};
    pthread_t th[READERS];
    struct err e;

    (void)state;
    assert_int_equal(match_swap_new(&sh.w, &e), ERR_OK);
    match_swap_publish(sh.w, make_gen(0));
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &sh), 0);
    for (int g = 1; g <= SWAPS; g++)
        match_swap_publish(sh.w, make_gen(g));
    atomic_store(&sh.done, true);
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    printf("match: %d swaps under %d readers, %ld lookups\n", SWAPS, READERS,
           (long)atomic_load(&sh.lookups));
    assert_int_equal(atomic_load(&sh.wrong), 0);
    assert_true(atomic_load(&sh.lookups) > 0);
    match_swap_free(sh.w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_and_acquire),
        cmocka_unit_test(test_ref_unref),
        cmocka_unit_test(test_swap_under_readers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
