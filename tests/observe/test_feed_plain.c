/* test_feed_plain.c - unit tests of observe/feed_plain.c: one value per line with
 * comments ('#', ';', trailing after blanks), blank lines, CRLF, a UTF-8 BOM, hosts-file
 * lines, a missing final newline, two values on a line (rejected with its line), a
 * binary file (refused whole) and stopping early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feed_sink.h"

static void parse(const char *in, size_t len, struct rec *r)
{
    struct feed_sink s = rec_sink(r);
    struct err e;

    assert_int_equal(feed_parse_plain(in, len, "f.txt", &s, &e), ERR_OK);
}

static void test_comments_blank_crlf_bom(void **state)
{
    static const char in[] = "\xef\xbb\xbf# header\r\n"
                             "evil.example\r\n"
                             "\r\n"
                             "   \t\n"
                             "; another comment\n"
                             "  192.0.2.1  # trailing\n"
                             "http://x.example/a?b=c ; sbl\n"
                             "last.example";
    struct rec r;

    (void)state;
    parse(in, sizeof(in) - 1, &r);
    assert_string_equal(r.text, "2:evil.example\n"
                                "6:192.0.2.1\n"
                                "7:http://x.example/a?b=c\n"
                                "8:last.example");
    assert_int_equal(r.entries, 4);
    assert_int_equal(r.rejects, 0);
}

static void test_hosts_lines(void **state)
{
    static const char in[] = "0.0.0.0 ads.example\n127.0.0.1\tlocal.example # c\n"
                             "0.0.0.0\n:: v6.example\n";
    struct rec r;

    (void)state;
    parse(in, sizeof(in) - 1, &r);
    assert_string_equal(r.text, "1:ads.example\n2:local.example\n3:0.0.0.0\n4:v6.example");
}

static void test_two_values_rejected(void **state)
{
    static const char in[] = "a.example\nb.example c.example\n1.2.3.4 5.6.7.8\nd.example\n";
    struct rec r;

    (void)state;
    parse(in, sizeof(in) - 1, &r);
    assert_string_equal(r.text, "1:a.example\n"
                                "f.txt:2: more than one value on the line\n"
                                "f.txt:3: more than one value on the line\n"
                                "4:d.example");
    assert_int_equal(r.rejects, 2);
}

static void test_binary_refused(void **state)
{
    static const char in[] = "a.example\n\0\x1f\x8b";
    struct rec r;
    struct feed_sink s = rec_sink(&r);
    struct err e;

    (void)state;
    assert_int_equal(feed_parse_plain(in, sizeof(in) - 1, "f.gz", &s, &e), ERR_PARSE);
    assert_string_equal(e.msg, "f.gz: not a text file (NUL byte in the first 4 KiB)");
    assert_int_equal(r.entries, 0);
}

static void test_empty_and_stop(void **state)
{
    static const char in[] = "a.example\nb.example\nc.example\n";
    struct rec r;
    struct feed_sink s = rec_sink(&r);
    struct err e;

    (void)state;
    assert_int_equal(feed_parse_plain("", 0, "f", &s, &e), ERR_OK);
    assert_int_equal(r.entries + r.rejects, 0);
    s = rec_sink(&r);
    r.stop_after = 2;
    assert_int_equal(feed_parse_plain(in, sizeof(in) - 1, "f", &s, &e), ERR_OK);
    assert_string_equal(r.text, "1:a.example\n2:b.example");
}

/* The parser reads only data[0..len): a value at the very end is cut at len. */
static void test_not_nul_terminated(void **state)
{
    static const char in[] = "a.example\nb.exampleXYZ";
    struct rec r;

    (void)state;
    parse(in, sizeof(in) - 4, &r);
    assert_string_equal(r.text, "1:a.example\n2:b.example");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_blank_crlf_bom), cmocka_unit_test(test_hosts_lines),
        cmocka_unit_test(test_two_values_rejected),     cmocka_unit_test(test_binary_refused),
        cmocka_unit_test(test_empty_and_stop),          cmocka_unit_test(test_not_nul_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
