/* test_time.c - unit tests of util/time.c: RFC 3339 (Z, offsets, fractions), dates,
 * @unix seconds and relative durations; calendar validation; formatting (epoch, leap
 * days, negative times) and a format/parse round trip over a wide span; time_day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/util.h"

#define T_2026_11_25_073936 INT64_C(1795592376) /* 2026-11-25T07:39:36Z */
#define T_2026_11_25        INT64_C(1795564800) /* 2026-11-25T00:00:00Z */
#define NOW                 INT64_C(1764054000) /* an arbitrary reference "now" */

static int64_t parse_ok(const char *s, int64_t now)
{
    struct err e;
    int64_t t = -12345;

    if (time_parse(s, now, &t, &e) != ERR_OK)
        fail_msg("time_parse('%s') failed: %s", s, e.msg);
    return t;
}

static void assert_parse_fails(const char *s)
{
    struct err e = {0};
    int64_t t = -12345;

    if (time_parse(s, NOW, &t, &e) != ERR_PARSE)
        fail_msg("time_parse('%s') accepted it as %lld", s, (long long)t);
    assert_int_equal(e.code, ERR_PARSE);
    assert_int_equal(t, -12345); /* untouched */
}

static void test_parse_rfc3339_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-25T07:39:36Z", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25t07:39:36z", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25 07:39:36Z", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z", NOW), 0);
    assert_int_equal(parse_ok("1969-12-31T23:59:59Z", NOW), -1);
    assert_int_equal(parse_ok("2026-11-25T07:39Z", NOW), T_2026_11_25_073936 - 36);
    assert_int_equal(parse_ok("2016-12-31T23:59:60Z", NOW), INT64_C(1483228800)); /* leap s */
}

static void test_parse_rfc3339_offsets(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-25T16:39:36+09:00", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25T02:09:36-05:30", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25T07:39:36+00:00", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25T07:39:36-00:00", NOW), T_2026_11_25_073936);
    /* The offset moves the instant across midnight. */
    assert_int_equal(parse_ok("2026-11-25T00:00:00+09:00", NOW), T_2026_11_25 - 9 * 3600);
}

static void test_parse_rfc3339_fractions(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-25T07:39:36.5Z", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25T07:39:36.999999999Z", NOW), T_2026_11_25_073936);
    assert_int_equal(parse_ok("2026-11-25T16:39:36.123+09:00", NOW), T_2026_11_25_073936);
}

static void test_parse_date_only(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-25", NOW), T_2026_11_25);
    assert_int_equal(parse_ok("2024-02-29", NOW), INT64_C(1709164800));
    assert_int_equal(parse_ok("2000-02-29", NOW), INT64_C(951782400));
    assert_int_equal(parse_ok("1970-01-01", NOW), 0);
    assert_int_equal(parse_ok("1969-12-31", NOW), -86400);
}

static void test_parse_unix_seconds(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("@1764054000", 0), INT64_C(1764054000));
    assert_int_equal(parse_ok("@0", NOW), 0);
    assert_int_equal(parse_ok("@-1", NOW), -1);
    assert_int_equal(parse_ok("@1099511627776", NOW), INT64_C(1) << 40);
    assert_parse_fails("@");
    assert_parse_fails("@12x");
    assert_parse_fails("@1.5");
    assert_parse_fails("@1099511627777");
    assert_parse_fails("@-1099511627777");
}

static void test_parse_durations(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("24h", NOW), NOW - 24 * 3600);
    assert_int_equal(parse_ok("7d", NOW), NOW - 7 * 86400);
    assert_int_equal(parse_ok("30m", NOW), NOW - 30 * 60);
    assert_int_equal(parse_ok("90s", NOW), NOW - 90);
    assert_int_equal(parse_ok("2w", NOW), NOW - 14 * 86400);
    assert_int_equal(parse_ok("0s", NOW), NOW);
    assert_int_equal(parse_ok("1h", 0), -3600);
    assert_int_equal(parse_ok("365d", T_2026_11_25), T_2026_11_25 - 365 * 86400);
}

static void test_parse_rejects_invalid_dates(void **state)
{
    static const char *const bad[] = {
        "2026-02-30",
        "2026-02-29",
        "2100-02-29",
        "2026-04-31",
        "2026-13-01",
        "2026-00-10",
        "2026-11-00",
        "2026-11-32",
        "2026-11-25T24:00:00Z",
        "2026-11-25T07:60:00Z",
        "2026-11-25T07:39:61Z",
        "2026-11-25T07:39:36+24:00",
        "2026-11-25T07:39:36+09:60",
        "2026-02-30T00:00:00Z",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_parse_fails(bad[i]);
}

static void test_parse_rejects_garbage(void **state)
{
    static const char *const bad[] = {
        "",
        "yesterday",
        "now",
        "2026",
        "2026-11",
        "2026-1-5",
        "26-11-25",
        "2026/11/25",
        "2026-11-25T",
        "2026-11-25T07",
        "2026-11-25T07:3",
        "2026-11-25X07:39:36Z",
        "2026-11-25T07:39:36Zjunk",
        "2026-11-25T07:39:36+0900",
        "2026-11-25T07:39:36+9:00",
        "2026-11-25 ",
        " 2026-11-25",
        "24",
        "h",
        "24x",
        "24H",
        "1.5h",
        "h24",
        "2d3h",
        "99999999999999d",
    };
    struct err e;
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_parse_fails(bad[i]);
    assert_int_equal(time_parse(NULL, NOW, &t, &e), ERR_PARSE);
    assert_int_equal(time_parse("yesterday", NOW, &t, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "'yesterday'"));
}

/* A duration needs a number: a bare sign and unit is garbage, not "now". */
static void test_parse_rejects_duration_without_digits(void **state)
{
    (void)state;
    assert_parse_fails("-h");
    assert_parse_fails("-d");
    assert_parse_fails("-s");
}

/* RFC 3339: time-secfrac = "." 1*DIGIT. A dot with no digits is malformed. */
static void test_parse_rejects_empty_fraction(void **state)
{
    (void)state;
    assert_parse_fails("2026-11-25T07:39:36.Z");
    assert_parse_fails("2026-11-25T07:39:36.");
    assert_parse_fails("2026-11-25T07:39:36.+09:00");
}

static void test_format_known_instants(void **state)
{
    char out[32];

    (void)state;
    assert_ptr_equal(time_format(0, out, sizeof(out)), out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    assert_string_equal(time_format(T_2026_11_25_073936, out, sizeof(out)), "2026-11-25T07:39:36Z");
    assert_string_equal(time_format(INT64_C(1709164800), out, sizeof(out)), "2024-02-29T00:00:00Z");
    assert_string_equal(time_format(INT64_C(1709251199), out, sizeof(out)), "2024-02-29T23:59:59Z");
    assert_string_equal(time_format(INT64_C(1709251200), out, sizeof(out)), "2024-03-01T00:00:00Z");
    assert_string_equal(time_format(INT64_C(951825600), out, sizeof(out)), "2000-02-29T12:00:00Z");
    assert_string_equal(time_format(INT64_C(4107542400), out, sizeof(out)), "2100-03-01T00:00:00Z");
    assert_string_equal(time_format(INT64_C(4107456000), out, sizeof(out)), "2100-02-28T00:00:00Z");
    assert_string_equal(time_format(INT64_C(253402300799), out, 21), "9999-12-31T23:59:59Z");
}

static void test_format_negative_times(void **state)
{
    char out[32];

    (void)state;
    assert_string_equal(time_format(-1, out, sizeof(out)), "1969-12-31T23:59:59Z");
    assert_string_equal(time_format(-86400, out, sizeof(out)), "1969-12-31T00:00:00Z");
    assert_string_equal(time_format(-86401, out, sizeof(out)), "1969-12-30T23:59:59Z");
    assert_string_equal(time_format(-3600, out, sizeof(out)), "1969-12-31T23:00:00Z");
    assert_string_equal(time_format(INT64_C(-2208988800), out, sizeof(out)),
                        "1900-01-01T00:00:00Z");
    assert_string_equal(time_format(INT64_C(-2203891200), out, sizeof(out)),
                        "1900-03-01T00:00:00Z"); /* 1900 is not a leap year */
}

static void test_format_small_cap_truncates(void **state)
{
    char out[16];

    (void)state;
    memset(out, 'Q', sizeof(out));
    time_format(T_2026_11_25_073936, out, 11);
    assert_string_equal(out, "2026-11-25");
    assert_int_equal(out[11], 'Q');
}

static void test_format_parse_round_trip(void **state)
{
    char out[32];
    int64_t t;

    (void)state;
    assert_int_equal(parse_ok(time_format(T_2026_11_25_073936, out, sizeof(out)), NOW),
                     T_2026_11_25_073936);
    /* Every 7919th-ish second from 1901 to 2100, crossing leap days and the epoch. */
    for (t = INT64_C(-2177452800); t < INT64_C(4102444800); t += INT64_C(86400 * 13 + 7919)) {
        time_format(t, out, sizeof(out));
        assert_int_equal(strlen(out), 20);
        assert_int_equal(parse_ok(out, NOW), t);
    }
}

static void test_format_matches_libc(void **state)
{
    char out[32], want[32];
    struct tm tm;

    (void)state;
    for (int64_t t = INT64_C(-500000000); t < INT64_C(5000000000); t += INT64_C(3333331)) {
        time_t tt = (time_t)t;
        assert_non_null(gmtime_r(&tt, &tm));
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
        assert_string_equal(time_format(t, out, sizeof(out)), want);
    }
}

static void test_time_day_floors(void **state)
{
    (void)state;
    assert_int_equal(time_day(0), 0);
    assert_int_equal(time_day(86399), 0);
    assert_int_equal(time_day(86400), 1);
    assert_int_equal(time_day(T_2026_11_25_073936), 20782);
    assert_int_equal(time_day(-1), -1);
    assert_int_equal(time_day(-86399), -1);
    assert_int_equal(time_day(-86400), -1);
    assert_int_equal(time_day(-86401), -2);
    assert_int_equal(time_day(-172800), -2);
}

static void test_time_now_and_mono(void **state)
{
    int64_t now = time_now(), sys = (int64_t)time(NULL);
    double a = time_mono(), b = time_mono();

    (void)state;
    assert_true(now > INT64_C(1577836800)); /* after 2020 */
    assert_true(now >= sys - 2 && now <= sys + 2);
    assert_true(b >= a);
    assert_true(a > 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rfc3339_utc),
        cmocka_unit_test(test_parse_rfc3339_offsets),
        cmocka_unit_test(test_parse_rfc3339_fractions),
        cmocka_unit_test(test_parse_date_only),
        cmocka_unit_test(test_parse_unix_seconds),
        cmocka_unit_test(test_parse_durations),
        cmocka_unit_test(test_parse_rejects_invalid_dates),
        cmocka_unit_test(test_parse_rejects_garbage),
        cmocka_unit_test(test_parse_rejects_duration_without_digits),
        cmocka_unit_test(test_parse_rejects_empty_fraction),
        cmocka_unit_test(test_format_known_instants),
        cmocka_unit_test(test_format_negative_times),
        cmocka_unit_test(test_format_small_cap_truncates),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_format_matches_libc),
        cmocka_unit_test(test_time_day_floors),
        cmocka_unit_test(test_time_now_and_mono),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
