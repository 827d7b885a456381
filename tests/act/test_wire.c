/* test_wire.c - unit tests of act/wire.c: name reading with compression pointers (valid
 * backward pointers, loops, forward and self pointers, over-long labels and names,
 * truncation), query parsing of real kdig and dig messages, and builder round trips
 * including origin compression and rollback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "act/act_int.h"

/* A signed SOA query for rpz.test captured from kdig 3.2.6 (-y hmac-sha256:...). */
static const uint8_t kdig_q[] = {
    0x20, 0x7a, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x72, 0x70, 0x7a,
    0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x06, 0x00, 0x01, 0x0d, 0x6f, 0x6f, 0x64, 0x61, 0x2d,
    0x74, 0x65, 0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x00, 0x00, 0xfa, 0x00, 0xff, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x3d, 0x0b, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00,
    0x00, 0x00, 0x6b, 0x06, 0xcb, 0x33, 0x01, 0x2c, 0x00, 0x20, 0x20, 0x47, 0xb5, 0x0a, 0x6a, 0x17,
    0x11, 0xd7, 0x91, 0x38, 0x7f, 0x67, 0x91, 0xbc, 0x59, 0x08, 0x3d, 0x86, 0x40, 0xc9, 0x26, 0x80,
    0x64, 0x67, 0x34, 0x4f, 0x65, 0xa5, 0x0d, 0xde, 0x06, 0x23, 0x20, 0x7a, 0x00, 0x00, 0x00, 0x00};

static void test_name_plain_and_pointer(void **state)
{
    /* 12 header bytes, "\3Foo\4test\0" at 12, then "\3bar" + pointer to 12 at 23 */
    uint8_t m[40] = {0};
    uint8_t w[DNS_NAME_WIRE];
    size_t off = 12;
    static const uint8_t n1[] = "\3Foo\4test";
    static const uint8_t n2[] = "\3bar\xc0\x0c";

    (void)state;
    memcpy(m + 12, n1, 10);
    memcpy(m + 22, n2, 6);
    assert_int_equal(wire_name_read(m, 28, &off, w), 10);
    assert_int_equal(off, 22);
    assert_memory_equal(w, "\3foo\4test", 10); /* lowercased */
    off = 22;
    assert_int_equal(wire_name_read(m, 28, &off, w), 14);
    assert_int_equal(off, 28);
    assert_memory_equal(w, "\3bar\3foo\4test", 14);
}

static void test_name_loops_rejected(void **state)
{
    uint8_t m[32] = {0};
    uint8_t w[DNS_NAME_WIRE];
    size_t off;

    (void)state;
    m[12] = 0xc0; /* pointer to itself */
    m[13] = 12;
    off = 12;
    assert_int_equal(wire_name_read(m, 14, &off, w), 0);
    /* forward pointer */
    m[12] = 0xc0;
    m[13] = 14;
    m[14] = 0;
    off = 12;
    assert_int_equal(wire_name_read(m, 15, &off, w), 0);
    /* two-step loop: 16 -> 12 ("\1a" then pointer to 12 again at 14) */
    m[12] = 1;
    m[13] = 'a';
    m[14] = 0xc0;
    m[15] = 12;
    m[16] = 0xc0;
    m[17] = 14;
    off = 16;
    assert_int_equal(wire_name_read(m, 18, &off, w), 0);
    /* reserved label type 01 */
    m[12] = 0x41;
    off = 12;
    assert_int_equal(wire_name_read(m, 18, &off, w), 0);
}

static void test_name_limits(void **state)
{
    uint8_t m[400] = {0};
    uint8_t w[DNS_NAME_WIRE];
    size_t off = 0, o = 0;

    (void)state;
    m[0] = 64; /* label over 63 */
    assert_int_equal(wire_name_read(m, sizeof(m), &off, w), 0);
    for (int i = 0; i < 5; i++) { /* 5 x 64 = 320 bytes > 255 */
        m[o] = 63;
        memset(m + o + 1, 'a', 63);
        o += 64;
    }
    m[o] = 0;
    off = 0;
    assert_int_equal(wire_name_read(m, sizeof(m), &off, w), 0);
    /* truncated: label runs past the end */
    m[0] = 10;
    off = 0;
    assert_int_equal(wire_name_read(m, 5, &off, w), 0);
    off = 0;
    assert_int_equal(wire_name_read(m, 0, &off, w), 0);
}

static void test_query_parse_kdig(void **state)
{
    struct dns_query q;

    (void)state;
    assert_int_equal(wire_query_parse(kdig_q, sizeof(kdig_q), &q), DNS_R_NOERROR);
    assert_int_equal(q.h.id, 0x207a);
    assert_int_equal(q.qtype, DNS_T_SOA);
    assert_int_equal(q.qclass, DNS_C_IN);
    assert_int_equal(q.qname_len, 10);
    assert_memory_equal(q.qname, "\3rpz\4test", 10);
    assert_true(q.has_tsig);
    assert_int_equal(q.tsig.start, 26);
    assert_memory_equal(q.tsig.owner, "\015ooda-test-key", 15);
    /* every truncation is rejected, never read past the end */
    for (size_t n = 0; n < sizeof(kdig_q); n++)
        assert_int_equal(wire_query_parse(kdig_q, n, &q), DNS_R_FORMERR);
}

static void test_query_parse_rejects(void **state)
{
    uint8_t m[sizeof(kdig_q) + 1];
    struct dns_query q;

    (void)state;
    memcpy(m, kdig_q, sizeof(kdig_q));
    m[sizeof(kdig_q)] = 0; /* trailing byte */
    assert_int_equal(wire_query_parse(m, sizeof(m), &q), DNS_R_FORMERR);
    memcpy(m, kdig_q, sizeof(kdig_q));
    m[5] = 2; /* QDCOUNT 2 */
    assert_int_equal(wire_query_parse(m, sizeof(kdig_q), &q), DNS_R_FORMERR);
    memcpy(m, kdig_q, sizeof(kdig_q));
    m[7] = 1; /* TSIG counted in the answer section */
    m[11] = 0;
    assert_int_equal(wire_query_parse(m, sizeof(kdig_q), &q), DNS_R_FORMERR);
}

static void test_text_names(void **state)
{
    uint8_t w[DNS_NAME_WIRE];
    char t[ACT_NAME_MAX];

    (void)state;
    assert_int_equal(wire_name_from_text("RPZ.Test.", 9, w, sizeof(w)), 10);
    assert_memory_equal(w, "\3rpz\4test", 10);
    assert_int_equal(wire_name_from_text("rpz.test", 8, w, sizeof(w)), 10);
    assert_int_equal(wire_name_from_text(".", 1, w, sizeof(w)), 1);
    assert_int_equal(w[0], 0);
    assert_int_equal(wire_name_from_text("a..b", 4, w, sizeof(w)), 0);
    assert_int_equal(wire_name_from_text("a b", 3, w, sizeof(w)), 0);
    assert_int_equal(wire_name_from_text("a..", 3, w, sizeof(w)), 0);
    wire_name_from_text("x.rpz.test", 10, w, sizeof(w));
    wire_name_to_text(w, t, sizeof(t));
    assert_string_equal(t, "x.rpz.test.");
    wire_name_to_text((const uint8_t *)"", t, sizeof(t));
    assert_string_equal(t, ".");
}

static void test_builder_compresses_origin(void **state)
{
    static const uint8_t origin[] = "\3rpz\4test";
    uint8_t buf[128], w[DNS_NAME_WIRE];
    struct dns_builder b;
    size_t off, mark;

    (void)state;
    wire_build_init(&b, buf, sizeof(buf), origin, 10);
    wire_put_bytes(&b, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    wire_put_rel_name(&b, "", 0, false); /* full origin at 12 */
    wire_put_rel_name(&b, "evil.example", 12, true);
    assert_int_equal(b.len, 12 + 10 + 2 + 5 + 8 + 2);
    assert_memory_equal(buf + 22, "\1*\4evil\7example\xc0\x0c", 17);
    off = 22;
    assert_int_equal(wire_name_read(buf, b.len, &off, w), 25);
    assert_memory_equal(w, "\1*\4evil\7example\3rpz\4test", 25);
    assert_int_equal(off, b.len);
    /* rollback before the origin copy forgets it */
    wire_rollback(&b, 12);
    wire_put_rel_name(&b, "a", 1, false);
    assert_memory_equal(buf + 12, "\1a\3rpz\4test", 12);
    /* overflow is flagged, not written */
    mark = b.len;
    wire_put_bytes(&b, buf, sizeof(buf));
    assert_true(b.overflow);
    assert_int_equal(b.len, mark);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_plain_and_pointer),
        cmocka_unit_test(test_name_loops_rejected),
        cmocka_unit_test(test_name_limits),
        cmocka_unit_test(test_query_parse_kdig),
        cmocka_unit_test(test_query_parse_rejects),
        cmocka_unit_test(test_text_names),
        cmocka_unit_test(test_builder_compresses_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
