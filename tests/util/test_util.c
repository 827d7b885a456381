/* test_util.c - unit tests of util/: errors and their sysexits mapping, log escaping and
 * log lines, allocation failure injection, the capped growable buffer (limits, NUL
 * termination, out-of-memory that leaves the buffer usable, every allocation failed in
 * turn), whole-string number parsing, hashing and hex encoding. Times and IP addresses
 * are in test_time.c and test_ip.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

/* Every test leaves failure injection off, whatever happened. */
static int teardown_mem(void **state)
{
    (void)state;
    mem_fail_after(0);
    return 0;
}

/* ---- errors ------------------------------------------------------------------ */

static void test_err_set_fills_and_returns_code(void **state)
{
    struct err e = {.sys_errno = 42};

    (void)state;
    assert_int_equal(err_set(&e, ERR_PARSE, "mod: %s failed: %d", "thing", 7), ERR_PARSE);
    assert_int_equal(e.code, ERR_PARSE);
    assert_int_equal(e.sys_errno, 0);
    assert_string_equal(e.msg, "mod: thing failed: 7");
}

static void test_err_set_null_err_returns_code(void **state)
{
    (void)state;
    assert_int_equal(err_set(NULL, ERR_LIMIT, "x %d", 1), ERR_LIMIT);
    assert_int_equal(err_sys(NULL, ERR_IO, "x %d", 1), ERR_IO);
}

static void test_err_set_truncates_long_message(void **state)
{
    char big[600];
    struct err e;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(err_set(&e, ERR_IO, "%s", big), ERR_IO);
    assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
    assert_int_equal(e.msg[0], 'a');
}

static void test_err_sys_appends_strerror(void **state)
{
    struct err e;
    char want[256];

    (void)state;
    errno = ENOENT;
    assert_int_equal(err_sys(&e, ERR_NOTFOUND, "geo: cannot open %s", "/x"), ERR_NOTFOUND);
    assert_int_equal(e.code, ERR_NOTFOUND);
    assert_int_equal(e.sys_errno, ENOENT);
    (void)snprintf(want, sizeof(want), "geo: cannot open /x: %s", strerror(ENOENT));
    assert_string_equal(e.msg, want);
}

static void test_err_sys_full_message_stays_terminated(void **state)
{
    char big[400];
    struct err e;

    (void)state;
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    errno = EACCES;
    assert_int_equal(err_sys(&e, ERR_IO, "%s", big), ERR_IO);
    assert_int_equal(e.sys_errno, EACCES);
    assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
}

static void test_err_exit_codes_are_sysexits(void **state)
{
    (void)state;
    assert_int_equal(err_exit_code(ERR_OK), EX_OK);
    assert_int_equal(err_exit_code(ERR_OK), 0);
    assert_int_equal(err_exit_code(ERR_PARSE), EX_DATAERR);
    assert_int_equal(err_exit_code(ERR_PARSE), 65);
    assert_int_equal(err_exit_code(ERR_LIMIT), EX_DATAERR);
    assert_int_equal(err_exit_code(ERR_USAGE), EX_USAGE);
    assert_int_equal(err_exit_code(ERR_USAGE), 64);
    assert_int_equal(err_exit_code(ERR_NOTFOUND), EX_NOINPUT);
    assert_int_equal(err_exit_code(ERR_NOTFOUND), 66);
    assert_int_equal(err_exit_code(ERR_IO), EX_IOERR);
    assert_int_equal(err_exit_code(ERR_DB), EX_SOFTWARE);
    assert_int_equal(err_exit_code(ERR_DB), 70);
    assert_int_equal(err_exit_code(ERR_NOMEM), EX_OSERR);
    assert_int_equal(err_exit_code((enum err_code)99), EX_SOFTWARE);
}

/* ---- logging ------------------------------------------------------------------ */

static void test_log_escape_printable_passes(void **state)
{
    char out[64];

    (void)state;
    assert_ptr_equal(log_escape((const uint8_t *)"GET / x~", 8, out, sizeof(out)), out);
    assert_string_equal(out, "GET / x~");
}

static void test_log_escape_control_and_backslash(void **state)
{
    static const uint8_t in[] = {'a', '\n', 0x00, '\\', 0x1f, 0x7f, 0x80, 0xff, 'z', '\t'};
    char out[128];

    (void)state;
    log_escape(in, sizeof(in), out, sizeof(out));
    assert_string_equal(out, "a\\x0a\\x00\\x5c\\x1f\\x7f\\x80\\xffz\\x09");
}

static void test_log_escape_uses_only_n_bytes(void **state)
{
    char out[16];

    (void)state;
    log_escape((const uint8_t *)"abcdef", 3, out, sizeof(out));
    assert_string_equal(out, "abc");
    log_escape((const uint8_t *)"abcdef", 0, out, sizeof(out));
    assert_string_equal(out, "");
}

static void test_log_escape_truncates_at_cap(void **state)
{
    char out[8];

    (void)state;
    memset(out, 'X', sizeof(out));
    log_escape((const uint8_t *)"abcdefghijkl", 12, out, 4);
    assert_string_equal(out, "abc");
    assert_int_equal(out[4], 'X'); /* nothing written past cap */

    log_escape((const uint8_t *)"abc", 3, out, 1);
    assert_string_equal(out, "");

    /* An escape that does not fit is dropped whole, never cut in the middle. */
    log_escape((const uint8_t *)"a\n", 2, out, 5);
    assert_string_equal(out, "a");
    log_escape((const uint8_t *)"a\n", 2, out, 6);
    assert_string_equal(out, "a\\x0a");
}

static void test_log_escape_cap_zero_writes_nothing(void **state)
{
    char out[4] = {'Q', 'Q', 'Q', 'Q'};

    (void)state;
    assert_ptr_equal(log_escape((const uint8_t *)"abc", 3, out, 0), out);
    assert_int_equal(out[0], 'Q');
}

/* Runs fn with stderr redirected to a temporary file and returns what was written. */
static void capture_stderr(void (*fn)(void), char *out, size_t cap)
{
    FILE *tmp = tmpfile();
    int saved;
    size_t n;

    assert_non_null(tmp);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    n = fread(out, 1, cap - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void log_some(void)
{
    log_error("store", "disk %s", "full");
    log_warn("ingest", "dropped %d frames", 3);
    log_info("ingest", "not shown at the default level");
}

static void log_some_info(void)
{
    log_set_level(LOG_INFO);
    log_info("geo", "loaded %u ranges", 5u);
    log_set_level(LOG_ERROR);
    log_warn("geo", "hidden");
    log_set_level(LOG_WARN);
}

static void test_log_lines_and_levels(void **state)
{
    char got[1024];

    (void)state;
    capture_stderr(log_some, got, sizeof(got));
    assert_string_equal(got, "ooda: error: store: disk full\n"
                             "ooda: warning: ingest: dropped 3 frames\n");
    capture_stderr(log_some_info, got, sizeof(got));
    assert_string_equal(got, "ooda: info: geo: loaded 5 ranges\n");
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

/* A shrunk buffer must still be a C string of its new length, like after any append. */
static void test_buf_resize_shrink_terminates(void **state)
{
    struct buf b;
    struct err e;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_append(&b, "abcdef", 6, &e), ERR_OK);
    assert_int_equal(buf_resize(&b, 2, &e), ERR_OK);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "ab", 2);
    assert_int_equal(b.data[2], '\0');
    assert_string_equal((char *)b.data, "ab");
    assert_int_equal(buf_resize(&b, 0, &e), ERR_OK);
    assert_string_equal((char *)b.data, "");
    buf_fini(&b);
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

/* ---- numbers ------------------------------------------------------------------------ */

static void test_num_i64_valid_and_bounds(void **state)
{
    struct err e;
    int64_t v = 0;

    (void)state;
    assert_int_equal(num_parse_i64("0", 0, 0, &v, &e), ERR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(num_parse_i64("-17", -20, 20, &v, &e), ERR_OK);
    assert_int_equal(v, -17);
    assert_int_equal(num_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v, &e), ERR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(num_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, &e),
                     ERR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(num_parse_i64("9", 0, 9, &v, &e), ERR_OK);
    assert_int_equal(v, 9);

    v = 77;
    assert_int_equal(num_parse_i64("10", 0, 9, &v, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "out of range"));
    assert_int_equal(num_parse_i64("-1", 0, 9, &v, &e), ERR_PARSE);
    assert_int_equal(num_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v, &e),
                     ERR_PARSE);
    assert_int_equal(num_parse_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v, &e),
                     ERR_PARSE);
    assert_int_equal(v, 77); /* untouched on error */
}

static void test_num_i64_rejects_junk(void **state)
{
    static const char *const bad[] = {"", "12x", "12 ", "x12", "-", "1.5", "0x10", "1e3",
                                      "--1", "12\n"};
    struct err e;
    int64_t v = 77;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e.code = ERR_OK;
        assert_int_equal(num_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v, &e), ERR_PARSE);
        assert_int_equal(e.code, ERR_PARSE);
    }
    assert_int_equal(num_parse_i64(NULL, 0, 10, &v, &e), ERR_PARSE);
    assert_int_equal(num_parse_i64("", 0, 10, &v, &e), ERR_PARSE);
    assert_string_equal(e.msg, "number: empty");
    assert_int_equal(v, 77);
}

/* "Parse a whole string": leading white space is junk too (strtoll skips it). */
static void test_num_i64_rejects_leading_space(void **state)
{
    static const char *const bad[] = {" 12", "\t12", "\n12", " -3"};
    struct err e;
    int64_t v = 77;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(num_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v, &e), ERR_PARSE);
    assert_int_equal(v, 77);
}

static void test_num_u64_valid_and_bounds(void **state)
{
    struct err e;
    uint64_t v = 0;

    (void)state;
    assert_int_equal(num_parse_u64("0", 0, &v, &e), ERR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(num_parse_u64("007", 10, &v, &e), ERR_OK);
    assert_int_equal(v, 7);
    assert_int_equal(num_parse_u64("18446744073709551615", UINT64_MAX, &v, &e), ERR_OK);
    assert_true(v == UINT64_MAX);
    assert_int_equal(num_parse_u64("4", 4, &v, &e), ERR_OK);
    assert_int_equal(v, 4);

    v = 77;
    assert_int_equal(num_parse_u64("5", 4, &v, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "larger than 4"));
    assert_int_equal(num_parse_u64("18446744073709551616", UINT64_MAX, &v, &e), ERR_PARSE);
    assert_int_equal(v, 77);
}

static void test_num_u64_rejects_sign_and_junk(void **state)
{
    static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "x", "0x1", "-0",
                                      "1.0"};
    struct err e;
    uint64_t v = 77;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(num_parse_u64(bad[i], UINT64_MAX, &v, &e), ERR_PARSE);
    assert_int_equal(num_parse_u64(NULL, UINT64_MAX, &v, &e), ERR_PARSE);
    assert_int_equal(e.code, ERR_PARSE);
    assert_int_equal(v, 77);
}

/* ---- hashing and hex ----------------------------------------------------------------- */

static void test_hash_bytes_deterministic(void **state)
{
    static const char s[] = "the quick brown fox jumps";
    uint8_t copy[sizeof(s)];

    (void)state;
    memcpy(copy, s, sizeof(s));
    assert_true(hash_bytes(s, strlen(s), 0) == hash_bytes(copy, strlen(s), 0));
    assert_true(hash_bytes(s, strlen(s), 99) == hash_bytes(s, strlen(s), 99));
    assert_true(hash_bytes(NULL, 0, 5) == hash_bytes("", 0, 5));
}

static void test_hash_bytes_seed_and_length_sensitive(void **state)
{
    static const uint8_t zeros[16];

    (void)state;
    assert_true(hash_bytes("abc", 3, 0) != hash_bytes("abc", 3, 1));
    assert_true(hash_bytes("abc", 3, 1) != hash_bytes("abc", 3, 2));
    assert_true(hash_bytes("", 0, 0) != hash_bytes("", 0, 1));
    /* Zero bytes still count: lengths 0, 1, 7, 8, 9, 16 of zeros all differ. */
    uint64_t h[6] = {hash_bytes(zeros, 0, 0), hash_bytes(zeros, 1, 0), hash_bytes(zeros, 7, 0),
                     hash_bytes(zeros, 8, 0), hash_bytes(zeros, 9, 0), hash_bytes(zeros, 16, 0)};
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            assert_true(h[i] != h[j]);
    /* Bytes past n are not read. */
    assert_true(hash_bytes("abcdefghiX", 9, 3) == hash_bytes("abcdefghiY", 9, 3));
}

static void test_hash_bytes_every_bit_matters(void **state)
{
    uint8_t buf[21];
    uint64_t base;

    (void)state;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 37 + 1);
    base = hash_bytes(buf, sizeof(buf), 7);
    for (size_t i = 0; i < sizeof(buf); i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (uint8_t)(1u << bit);
            assert_true(hash_bytes(buf, sizeof(buf), 7) != base);
            buf[i] ^= (uint8_t)(1u << bit);
        }
    }
    assert_true(hash_bytes(buf, sizeof(buf), 7) == base);
}

static void test_hex_encode(void **state)
{
    static const uint8_t in[] = {0x00, 0xab, 0xff, 0x10, 0x9c};
    char out[16];

    (void)state;
    assert_ptr_equal(hex_encode(in, sizeof(in), out, sizeof(out)), out);
    assert_string_equal(out, "00abff109c");
    hex_encode(in, sizeof(in), out, 11); /* exactly 2n+1 */
    assert_string_equal(out, "00abff109c");
    hex_encode(in, 0, out, sizeof(out));
    assert_string_equal(out, "");
}

static void test_hex_encode_truncates_whole_bytes(void **state)
{
    static const uint8_t in[] = {0x00, 0xab, 0xff, 0x10};
    char out[16];

    (void)state;
    memset(out, 'Q', sizeof(out));
    hex_encode(in, sizeof(in), out, 8); /* 2n: the last byte does not fit */
    assert_string_equal(out, "00abff");
    hex_encode(in, sizeof(in), out, 4);
    assert_string_equal(out, "00");
    hex_encode(in, sizeof(in), out, 3);
    assert_string_equal(out, "00");
    hex_encode(in, sizeof(in), out, 2);
    assert_string_equal(out, "");
    hex_encode(in, sizeof(in), out, 1);
    assert_string_equal(out, "");
    out[0] = 'Q';
    hex_encode(in, sizeof(in), out, 0);
    assert_int_equal(out[0], 'Q');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set_fills_and_returns_code),
        cmocka_unit_test(test_err_set_null_err_returns_code),
        cmocka_unit_test(test_err_set_truncates_long_message),
        cmocka_unit_test(test_err_sys_appends_strerror),
        cmocka_unit_test(test_err_sys_full_message_stays_terminated),
        cmocka_unit_test(test_err_exit_codes_are_sysexits),
        cmocka_unit_test(test_log_escape_printable_passes),
        cmocka_unit_test(test_log_escape_control_and_backslash),
        cmocka_unit_test(test_log_escape_uses_only_n_bytes),
        cmocka_unit_test(test_log_escape_truncates_at_cap),
        cmocka_unit_test(test_log_escape_cap_zero_writes_nothing),
        cmocka_unit_test(test_log_lines_and_levels),
        cmocka_unit_test_teardown(test_mem_fail_after_nth_and_later, teardown_mem),
        cmocka_unit_test_teardown(test_mem_fail_after_one_fails_first, teardown_mem),
        cmocka_unit_test(test_mem_zero_sizes_and_free_null),
        cmocka_unit_test(test_buf_init_empty),
        cmocka_unit_test(test_buf_append_terminates),
        cmocka_unit_test(test_buf_append_empty_allocates_terminator),
        cmocka_unit_test(test_buf_limit_enforced),
        cmocka_unit_test(test_buf_cap_never_exceeds_max_plus_one),
        cmocka_unit_test(test_buf_printf_formats_and_limits),
        cmocka_unit_test(test_buf_printf_grows_past_first_block),
        cmocka_unit_test(test_buf_resize_grow_and_limit),
        cmocka_unit_test(test_buf_resize_shrink_terminates),
        cmocka_unit_test(test_buf_reusable_after_fini),
        cmocka_unit_test_teardown(test_buf_nomem_leaves_buffer_usable, teardown_mem),
        cmocka_unit_test_teardown(test_buf_nomem_on_first_allocation, teardown_mem),
        cmocka_unit_test_teardown(test_buf_every_allocation_fails_in_turn, teardown_mem),
        cmocka_unit_test(test_num_i64_valid_and_bounds),
        cmocka_unit_test(test_num_i64_rejects_junk),
        cmocka_unit_test(test_num_i64_rejects_leading_space),
        cmocka_unit_test(test_num_u64_valid_and_bounds),
        cmocka_unit_test(test_num_u64_rejects_sign_and_junk),
        cmocka_unit_test(test_hash_bytes_deterministic),
        cmocka_unit_test(test_hash_bytes_seed_and_length_sensitive),
        cmocka_unit_test(test_hash_bytes_every_bit_matters),
        cmocka_unit_test(test_hex_encode),
        cmocka_unit_test(test_hex_encode_truncates_whole_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
