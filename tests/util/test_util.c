/* test_util.c - unit tests of util/: errors and their sysexits mapping, log escaping and
 * log lines, whole-string number parsing, hashing and hex encoding. Allocation and the
 * capped buffer are in test_mem.c, times in test_time.c, IP addresses in test_ip.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

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
    assert_int_equal(num_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v, &e), ERR_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(num_parse_i64("9", 0, 9, &v, &e), ERR_OK);
    assert_int_equal(v, 9);

    v = 77;
    assert_int_equal(num_parse_i64("10", 0, 9, &v, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "out of range"));
    assert_int_equal(num_parse_i64("-1", 0, 9, &v, &e), ERR_PARSE);
    assert_int_equal(num_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v, &e), ERR_PARSE);
    assert_int_equal(num_parse_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v, &e),
                     ERR_PARSE);
    assert_int_equal(v, 77); /* untouched on error */
}

static void test_num_i64_rejects_junk(void **state)
{
    static const char *const bad[] = {"",    "12x",  "12 ", "x12", "-",
                                      "1.5", "0x10", "1e3", "--1", "12\n"};
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
    static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "x", "0x1", "-0", "1.0"};
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
