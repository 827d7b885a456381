/* test_feed_csv.c - unit tests of observe/feed_csv.c: RFC 4180 quoting ("" escapes,
 * commas and newlines inside quotes), CRLF, comments, header detection, the column map
 * (parse errors, every optional column, type aliases), per-record rejections with the
 * record's first line (missing column, empty value, bad time / confidence / TLP / type,
 * unterminated quote, text after a quote, over-long record), and the URLhaus CSV dump
 * (id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "feed_sink.h"

static void csv(const char *in, const char *map, struct rec *r)
{
    struct feed_sink s = rec_sink(r);
    struct err e;

    assert_int_equal(feed_parse_csv(in, strlen(in), map, "f.csv", &s, &e), ERR_OK);
}

static void test_quoting(void **state)
{
    const char *in = "\"http://a.example/x,y\",\"say \"\"hi\"\"\"\r\n"
                     "b.example,\"multi\nline\"\n"
                     "\"c.example\"\n";
    struct rec r;

    (void)state;
    csv(in, "value=1,tags=2", &r);
    assert_string_equal(r.text, "1:http://a.example/x,y|tags=say \"hi\"\n"
                                "2:b.example|tags=multi\nline\n"
                                "4:c.example");
}

static void test_header_comments_default_map(void **state)
{
    const char *in = "# exported 2024\nindicator,comment\nevil.example,x\n#skip,me\n"
                     "192.0.2.5,y\n";
    struct rec r;

    (void)state;
    csv(in, NULL, &r);
    assert_string_equal(r.text, "3:evil.example\n5:192.0.2.5");
    csv("evil.example\nother.example\n", "", &r); /* no header: first record kept */
    assert_string_equal(r.text, "1:evil.example\n2:other.example");
}

static void test_all_columns(void **state)
{
    const char *in = "type,value,seen,tags,confidence,tlp,valid_until\n"
                     "domain,evil.example,2024-03-01 10:00:00,\"a,b\",90,amber,2027-01-01\n"
                     "ip-dst,192.0.2.1,1700000000,,,,\n"
                     "hostname,h.example,2024-03-13T10:21:06Z,,0,TLP:CLEAR,\n"
                     "ipv4-addr,192.0.2.2,,,,,\n";
    struct rec r;

    (void)state;
    csv(in, "type=1,value=2,seen=3,tags=4,confidence=5,tlp=6,valid_until=7", &r);
    assert_string_equal(r.text, "2:evil.example|domain|seen=1709287200|until=1798761600"
                                "|conf=90|tlp=2|tags=a,b\n"
                                "3:192.0.2.1|seen=1700000000\n"
                                "4:h.example|domain|seen=1710325266|conf=0|tlp=0\n"
                                "5:192.0.2.2|ipv4");
}

static void test_bad_records(void **state)
{
    const char *in = "evil.example,90\n"            /* 1 ok */
                     "only\n"                       /* 2 optional columns absent */
                     ",50\n"                        /* 3 empty value */
                     "x.example,101\n"              /* 4 confidence */
                     "y.example,50,purple\n"        /* 5 tlp */
                     "z.example,50,red,yesterday\n" /* 6 time */
                     "w.example,50,red,,yara\n"     /* 7 type */
                     "\"q.example\"x,1\n"           /* 8 text after quote */
                     "v.example,7\n";               /* 9 ok */
    struct rec r;

    (void)state;
    csv(in, "value=1,confidence=2,tlp=3,seen=4,type=5", &r);
    assert_string_equal(r.text, "1:evil.example|conf=90\n"
                                "2:only\n"
                                "f.csv:3: empty value\n"
                                "f.csv:4: confidence is not a number 0..100\n"
                                "f.csv:5: unknown TLP level\n"
                                "f.csv:6: bad time in the seen column\n"
                                "f.csv:7: unknown type\n"
                                "f.csv:8: text after a closing quote\n"
                                "9:v.example|conf=7");
    assert_int_equal(r.rejects, 6);
    csv("a.example,b.example\nc.example\n", "value=2", &r);
    assert_string_equal(r.text, "1:b.example\nf.csv:2: no column 2 (the record has 1)");
}

static void test_unterminated_and_long(void **state)
{
    size_t n = 70 * 1024;
    char *in = malloc(n + 64);
    struct rec r;

    (void)state;
    csv("a.example\n\"b.example\nc.example\n", NULL, &r);
    assert_string_equal(r.text, "1:a.example\nf.csv:2: unterminated quoted field");
    assert_non_null(in);
    memcpy(in, "a.example\n", 10);
    memset(in + 10, 'x', n);
    memcpy(in + 10 + n, "\nb.example\n", 12);
    csv(in, NULL, &r);
    assert_string_equal(r.text, "1:a.example\nf.csv:2: record longer than 64 KiB\n3:b.example");
    free(in);
}

static void test_column_map_errors(void **state)
{
    struct feed_columns m;
    struct err e;
    struct rec r;
    struct feed_sink s = rec_sink(&r);

    (void)state;
    assert_int_equal(feed_columns_parse("value=3,tags=1", &m, &e), ERR_OK);
    assert_int_equal(m.col[FEED_COL_VALUE], 3);
    assert_int_equal(m.col[FEED_COL_TAGS], 1);
    assert_int_equal(feed_columns_parse("tags=1", &m, &e), ERR_USAGE);
    assert_string_equal(e.msg, "columns: value=N is required");
    assert_int_equal(feed_columns_parse("value=0", &m, &e), ERR_USAGE);
    assert_int_equal(feed_columns_parse("value=65", &m, &e), ERR_USAGE);
    assert_int_equal(feed_columns_parse("value", &m, &e), ERR_USAGE);
    assert_int_equal(feed_columns_parse("colour=2,value=1", &m, &e), ERR_USAGE);
    assert_non_null(strstr(e.msg, "unknown name 'colour'"));
    assert_int_equal(feed_parse_csv("a\n", 2, "x=1", "f.csv", &s, &e), ERR_PARSE);
}

static const char urlhaus[] =
    "################################################################\n"
    "# abuse.ch URLhaus Database Dump (CSV)                         #\n"
    "# Last updated: 2024-03-14 01:00:00 (UTC)                      #\n"
    "################################################################\n"
    "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
    "\"3011950\",\"2024-03-13 10:21:06\",\"http://192.0.2.9:39175/Mozi.m\",\"online\","
    "\"2024-03-14 01:00:00\",\"malware_download\",\"32-bit,elf,mips,Mozi\","
    "\"https://urlhaus.abuse.ch/url/3011950/\",\"geenensp\"\r\n"
    "\"3011949\",\"2024-03-13 10:20:05\",\"https://evil.example/a.exe\",\"offline\",\"\","
    "\"malware_download\",\"\",\"https://urlhaus.abuse.ch/url/3011949/\",\"x\"\r\n"
    "\"3011948\",\"13/03/2024\",\"http://y.example/\",\"online\",\"\",\"\",\"\",\"\",\"\"\r\n"
    "\"3011947\",\"2024-03-13 10:20:05\"\r\n"
    "\"3011946\",\"2024-03-13 10:20:05\",\"http://z.example/\",\"online\",\"None\",\"\","
    "\"\",\"\",\"\"\r\n";

static void test_urlhaus(void **state)
{
    struct rec r;
    struct feed_sink s = rec_sink(&r);
    struct err e;

    (void)state;
    assert_int_equal(feed_parse_urlhaus(urlhaus, sizeof(urlhaus) - 1, "uh.csv", &s, &e), ERR_OK);
    assert_string_equal(r.text, "6:http://192.0.2.9:39175/Mozi.m|url|seen=1710378000"
                                "|tags=malware_download,32-bit,elf,mips,Mozi\n"
                                "7:https://evil.example/a.exe|url|seen=1710325205"
                                "|tags=malware_download\n"
                                "uh.csv:8: bad dateadded\n"
                                "uh.csv:9: no url in column 3\n"
                                "10:http://z.example/|url|seen=1710325205");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_header_comments_default_map),
        cmocka_unit_test(test_all_columns),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_unterminated_and_long),
        cmocka_unit_test(test_column_map_errors),
        cmocka_unit_test(test_urlhaus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
