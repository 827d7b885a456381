/* test_mem.c - unit tests of util/mem.c: allocation failure injection (the Nth and all
 * later allocations fail, 0 turns it off) and the capped growable buffer (limits, NUL
 * termination, out-of-memory that leaves the buffer usable, every allocation failed in
 * turn; the ASan build reports any leak). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* Every test leaves failure injection off, whatever happened. */
static int teardown_mem(void **state)
{
    (void)state;
    mem_fail_after(0);
    return 0;
}

/* ---- allocation failure injection ------------------------------------------------ */

static void test_mem_fail_after_nth_and_later(void **state)
{
    void *a, *b, *c;

    (void)state;
    mem_fail_after(3);
    a = mem_alloc(16);
    b = mem_calloc(2, 8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(mem_alloc(16)); /* the third */
    assert_null(mem_alloc(1));  /* and every later one */
    assert_null(mem_calloc(1, 1));
    c = mem_realloc(a, 64);
    assert_null(c); /* a is untouched and still ours */
    memset(a, 1, 16);
    mem_fail_after(0);
    c = mem_alloc(32);
    assert_non_null(c);
    mem_free(a);
    mem_free(b);
    mem_free(c);
}

static void test_mem_fail_after_one_fails_first(void **state)
{
    void *p;

    (void)state;
    mem_fail_after(1);
    assert_null(mem_realloc(NULL, 8));
    mem_fail_after(2);
    p = mem_alloc(8);
    assert_non_null(p);
    assert_null(mem_alloc(8));
    mem_fail_after(0);
    mem_free(p);
}

static void test_mem_zero_sizes_and_free_null(void **state)
{
    void *a, *b;
    uint8_t *c;

    (void)state;
    a = mem_alloc(0);
    b = mem_calloc(0, 0);
    assert_non_null(a);
    assert_non_null(b);
    c = mem_calloc(4, 4);
    assert_non_null(c);
    for (int i = 0; i < 16; i++)
        assert_int_equal(c[i], 0);
    mem_free(a);
    mem_free(b);
    mem_free(c);
    mem_free(NULL);
}

/* ---- capped buffer ---------------------------------------------------------------- */

static void test_buf_init_empty(void **state)
{
    struct buf b;

    (void)state;
    memset(&b, 0x5a, sizeof(b));
    buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 100);
    buf_fini(&b);
}

static void test_buf_append_terminates(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 1000);
    assert_int_equal(buf_append(&b, "hello", 5, &e), ERR_OK);
    assert_int_equal(b.len, 5);
    assert_true(b.cap >= 6);
    assert_string_equal((char *)b.data, "hello");
    assert_int_equal(buf_append(&b, ", world", 7, &e), ERR_OK);
    assert_int_equal(b.len, 12);
    assert_string_equal((char *)b.data, "hello, world");
    assert_int_equal(buf_append(&b, "\0x", 2, &e), ERR_OK); /* binary data is fine */
    assert_int_equal(b.len, 14);
    assert_memory_equal(b.data, "hello, world\0x\0", 15);
    buf_fini(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_buf_append_empty_allocates_terminator(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 10);
    assert_int_equal(buf_append(&b, NULL, 0, &e), ERR_OK);
    assert_non_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.data[0], '\0');
    buf_fini(&b);
}

static void test_buf_limit_enforced(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 10);
    assert_int_equal(buf_append(&b, "0123456789A", 11, &e), ERR_LIMIT);
    assert_int_equal(e.code, ERR_LIMIT);
    assert_non_null(strstr(e.msg, "10"));
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_append(&b, "01234", 5, &e), ERR_OK);
    assert_int_equal(buf_append(&b, "56789", 5, &e), ERR_OK); /* exactly max */
    assert_int_equal(b.len, 10);
    assert_true(b.cap <= b.max + 1);
    assert_int_equal(buf_append(&b, "X", 1, &e), ERR_LIMIT);
    assert_int_equal(b.len, 10);
    assert_string_equal((char *)b.data, "0123456789");
    assert_int_equal(buf_append(&b, "", 0, &e), ERR_OK);
    assert_int_equal(buf_append(&b, "X", SIZE_MAX, &e), ERR_LIMIT); /* no overflow */
    assert_int_equal(buf_append(&b, "X", SIZE_MAX - 5, &e), ERR_LIMIT);
    assert_int_equal(b.len, 10);
    buf_fini(&b);
}

static void test_buf_cap_never_exceeds_max_plus_one(void **state)
{
    static uint8_t chunk[100];
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 300);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(buf_append(&b, chunk, sizeof(chunk), &e), ERR_OK);
        assert_true(b.cap >= b.len + 1);
        assert_true(b.cap <= 301);
    }
    assert_int_equal(b.len, 300);
    assert_int_equal(buf_append(&b, chunk, 1, &e), ERR_LIMIT);
    buf_fini(&b);
}

/* A buffer without a practical limit (max SIZE_MAX) must still get room for its data:
 * the clamp to max + 1 must not wrap around to 0. Only the terminator is written here,
 * which fits even in the 1-byte block a wrapped clamp allocates, so a failure is clean. */
static void test_buf_unlimited_max_allocates(void **state)
{
    struct buf b;
    struct err e;
    size_t cap;

    (void)state;
    buf_init(&b, SIZE_MAX);
    assert_int_equal(buf_append(&b, "", 0, &e), ERR_OK);
    cap = b.cap;
    buf_fini(&b);
    assert_true(cap >= 1);
    if (cap >= 6) {
        assert_int_equal(buf_append(&b, "hello", 5, &e), ERR_OK);
        assert_string_equal((char *)b.data, "hello");
        assert_true(b.cap >= 6);
        buf_fini(&b);
    }
}

static void test_buf_printf_formats_and_limits(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 12);
    assert_int_equal(buf_printf(&b, &e, "%s", ""), ERR_OK);
    assert_non_null(b.data);
    assert_string_equal((char *)b.data, "");
    assert_int_equal(buf_printf(&b, &e, "%d-%s", 42, "ab"), ERR_OK);
    assert_int_equal(b.len, 5);
    assert_string_equal((char *)b.data, "42-ab");
    assert_int_equal(buf_printf(&b, &e, "%08x", 0xbeefu), ERR_LIMIT); /* 13 > 12 */
    assert_int_equal(e.code, ERR_LIMIT);
    assert_int_equal(b.len, 5);
    assert_string_equal((char *)b.data, "42-ab");
    assert_int_equal(buf_printf(&b, &e, "%07u", 7u), ERR_OK); /* exactly 12 */
    assert_int_equal(b.len, 12);
    assert_string_equal((char *)b.data, "42-ab0000007");
    buf_fini(&b);
}

static void test_buf_printf_grows_past_first_block(void **state)
{
    struct buf b;
    struct err e;
    char want[2001];

    (void)state;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 200; i++)
        assert_int_equal(buf_printf(&b, &e, "%05d|%3s|", i, "abc"), ERR_OK);
    assert_int_equal(b.len, 2000);
    for (int i = 0; i < 200; i++)
        (void)snprintf(want + 10 * i, 11, "%05d|%3s|", i, "abc");
    assert_string_equal((char *)b.data, want);
    buf_fini(&b);
}

static void test_buf_resize_grow_and_limit(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_append(&b, "abc", 3, &e), ERR_OK);
    assert_int_equal(buf_resize(&b, 40, &e), ERR_OK);
    assert_int_equal(b.len, 40);
    assert_memory_equal(b.data, "abc", 3);
    assert_int_equal(b.data[40], '\0');
    assert_int_equal(buf_resize(&b, 64, &e), ERR_OK);
    assert_int_equal(b.data[64], '\0');
    assert_int_equal(buf_resize(&b, 65, &e), ERR_LIMIT);
    assert_int_equal(e.code, ERR_LIMIT);
    assert_int_equal(b.len, 64);
    assert_memory_equal(b.data, "abc", 3);
    buf_fini(&b);
}

/* A shrunk buffer must still be a C string of its new length, like after any append.
 * The checks run after buf_fini() so that a failure leaks nothing. */
static void test_buf_resize_shrink_terminates(void **state)
{
    struct buf b;
    struct err e;
    enum err_code rc2, rc0;
    size_t len2, len0;
    bool prefix_kept, nul2, nul0;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_append(&b, "abcdef", 6, &e), ERR_OK);
    rc2 = buf_resize(&b, 2, &e);
    len2 = b.len;
    prefix_kept = memcmp(b.data, "ab", 2) == 0;
    nul2 = b.data[2] == '\0';
    rc0 = buf_resize(&b, 0, &e);
    len0 = b.len;
    nul0 = b.data[0] == '\0';
    buf_fini(&b);
    assert_int_equal(rc2, ERR_OK);
    assert_int_equal(len2, 2);
    assert_true(prefix_kept);
    assert_int_equal(rc0, ERR_OK);
    assert_int_equal(len0, 0);
    assert_true(nul2); /* data[2] is still 'c' */
    assert_true(nul0); /* data[0] is still 'a' */
}

static void test_buf_reusable_after_fini(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_append(&b, "abc", 3, &e), ERR_OK);
    buf_fini(&b);
    buf_fini(&b); /* twice is harmless */
    assert_int_equal(buf_append(&b, "12345678", 8, &e), ERR_OK);
    assert_string_equal((char *)b.data, "12345678");
    assert_int_equal(buf_append(&b, "9", 1, &e), ERR_LIMIT); /* max survives fini */
    buf_fini(&b);
}

static void test_buf_nomem_leaves_buffer_usable(void **state)
{
    static uint8_t big[1000];
    struct buf b;
    struct err e;
    uint8_t *before;

    (void)state;
    buf_init(&b, 1 << 16);
    assert_int_equal(buf_append(&b, "abc", 3, &e), ERR_OK);
    before = b.data;

    mem_fail_after(1);
    /* Fits in the first block: no allocation, so no failure. */
    assert_int_equal(buf_append(&b, "de", 2, &e), ERR_OK);
    assert_int_equal(buf_append(&b, big, sizeof(big), &e), ERR_NOMEM);
    assert_int_equal(e.code, ERR_NOMEM);
    assert_int_equal(buf_printf(&b, &e, "%1000d", 1), ERR_NOMEM);
    assert_int_equal(buf_resize(&b, 5000, &e), ERR_NOMEM);
    assert_ptr_equal(b.data, before);
    assert_int_equal(b.len, 5);
    assert_string_equal((char *)b.data, "abcde");
    mem_fail_after(0);

    assert_int_equal(buf_append(&b, big, sizeof(big), &e), ERR_OK);
    assert_int_equal(b.len, 1005);
    assert_memory_equal(b.data, "abcde", 5);
    assert_int_equal(b.data[1005], '\0');
    buf_fini(&b);
}

static void test_buf_nomem_on_first_allocation(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 100);
    mem_fail_after(1);
    assert_int_equal(buf_printf(&b, &e, "%s", "x"), ERR_NOMEM);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    mem_fail_after(0);
    assert_int_equal(buf_printf(&b, &e, "%s", "x"), ERR_OK);
    assert_string_equal((char *)b.data, "x");
    buf_fini(&b);
}

/* Builds a 20 kB document through every buf entry point. */
static enum err_code build_doc(struct buf *b, struct err *e)
{
    static const uint8_t block[700] = {'x'};
    enum err_code rc = ERR_OK;

    for (int i = 0; i < 20 && rc == ERR_OK; i++) {
        rc = buf_append(b, block, sizeof(block), e);
        if (rc == ERR_OK)
            rc = buf_printf(b, e, "[%04d]", i);
        if (rc == ERR_OK)
            rc = buf_resize(b, b->len + 294, e);
    }
    return rc;
}

static void test_buf_every_allocation_fails_in_turn(void **state)
{
    struct buf b;
    struct err e;
    enum err_code rc;
    long k;

    (void)state;
    for (k = 1; k < 1000; k++) {
        buf_init(&b, 1 << 20);
        mem_fail_after(k);
        rc = build_doc(&b, &e);
        mem_fail_after(0);
        if (rc == ERR_OK) {
            assert_int_equal(b.len, 20 * 1000);
            assert_int_equal(b.data[b.len], '\0');
            assert_memory_equal(b.data + 700, "[0000]", 6);
            buf_fini(&b);
            break;
        }
        assert_int_equal(rc, ERR_NOMEM);
        assert_int_equal(e.code, ERR_NOMEM);
        assert_true(b.len < 20 * 1000);
        if (b.data != NULL) /* what was built before the failure is intact */
            assert_int_equal(b.data[b.len], '\0');
        if (b.len >= 706)
            assert_memory_equal(b.data + 700, "[0000]", 6);
        buf_fini(&b); /* ASan reports any leak of a half-grown block */
    }
    assert_true(k > 3); /* 20 kB from a 256-byte start takes several reallocations */
    assert_true(k < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_mem_fail_after_nth_and_later, teardown_mem),
        cmocka_unit_test_teardown(test_mem_fail_after_one_fails_first, teardown_mem),
        cmocka_unit_test(test_mem_zero_sizes_and_free_null),
        cmocka_unit_test(test_buf_init_empty),
        cmocka_unit_test(test_buf_append_terminates),
        cmocka_unit_test(test_buf_append_empty_allocates_terminator),
        cmocka_unit_test(test_buf_limit_enforced),
        cmocka_unit_test(test_buf_cap_never_exceeds_max_plus_one),
        cmocka_unit_test(test_buf_unlimited_max_allocates),
        cmocka_unit_test(test_buf_printf_formats_and_limits),
        cmocka_unit_test(test_buf_printf_grows_past_first_block),
        cmocka_unit_test(test_buf_resize_grow_and_limit),
        cmocka_unit_test(test_buf_resize_shrink_terminates),
        cmocka_unit_test(test_buf_reusable_after_fini),
        cmocka_unit_test_teardown(test_buf_nomem_leaves_buffer_usable, teardown_mem),
        cmocka_unit_test_teardown(test_buf_nomem_on_first_allocation, teardown_mem),
        cmocka_unit_test_teardown(test_buf_every_allocation_fails_in_turn, teardown_mem),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
