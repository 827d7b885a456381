/* test_tsig.c - unit tests of act/tsig.c against independent implementations: SOA
 * queries signed by kdig 3.2.6 (Knot) and dig 9.18 (BIND, with an EDNS cookie) with
 * key ooda-test-key / hmac-sha256 / "secret-key-for-ooda-tests" must verify; changed
 * bytes, a wrong secret, a wrong key name and a skewed clock must give BADSIG, BADKEY
 * and BADTIME; our own signing must verify, including a multi-message chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "act/act_int.h"

#define SECRET "c2VjcmV0LWtleS1mb3Itb29kYS10ZXN0cw=="

static const uint8_t kdig_q[] = {
    0x20, 0x7a, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x72, 0x70, 0x7a,
    0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x06, 0x00, 0x01, 0x0d, 0x6f, 0x6f, 0x64, 0x61, 0x2d,
    0x74, 0x65, 0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x00, 0x00, 0xfa, 0x00, 0xff, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x3d, 0x0b, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00,
    0x00, 0x00, 0x6b, 0x06, 0xcb, 0x33, 0x01, 0x2c, 0x00, 0x20, 0x20, 0x47, 0xb5, 0x0a, 0x6a, 0x17,
    0x11, 0xd7, 0x91, 0x38, 0x7f, 0x67, 0x91, 0xbc, 0x59, 0x08, 0x3d, 0x86, 0x40, 0xc9, 0x26, 0x80,
    0x64, 0x67, 0x34, 0x4f, 0x65, 0xa5, 0x0d, 0xde, 0x06, 0x23, 0x20, 0x7a, 0x00, 0x00, 0x00, 0x00};

static const uint8_t dig_q[] = {
    0x98, 0x11, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x72, 0x70,
    0x7a, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04,
    0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0xda, 0xdb, 0xa2, 0x96,
    0xed, 0x0e, 0x9f, 0x72, 0x0d, 0x6f, 0x6f, 0x64, 0x61, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d,
    0x6b, 0x65, 0x79, 0x00, 0x00, 0xfa, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3d, 0x0b,
    0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00, 0x00, 0x00, 0x6b,
    0x06, 0xcb, 0x3c, 0x01, 0x2c, 0x00, 0x20, 0x3e, 0x7e, 0x04, 0x73, 0x7d, 0x57, 0xe3, 0x92,
    0xe7, 0xf2, 0x12, 0x06, 0x62, 0x53, 0x9f, 0x7d, 0x61, 0xdf, 0x6d, 0x3a, 0xf8, 0x04, 0x09,
    0x9d, 0x06, 0x6d, 0x52, 0x0e, 0x88, 0x5f, 0x61, 0x53, 0x98, 0x11, 0x00, 0x00, 0x00, 0x00};

static const int64_t kdig_time = 0x6b06cb33, dig_time = 0x6b06cb3c;

static int verify(const uint8_t *m, size_t n, const char *name, const char *secret, int64_t now)
{
    struct tsig_key k;
    struct dns_query q;
    struct tsig_rdata t;
    uint8_t mac[TSIG_MAC_LEN];
    struct err e;

    assert_int_equal(tsig_key_init(&k, name, secret, &e), ERR_OK);
    assert_int_equal(wire_query_parse(m, n, &q), DNS_R_NOERROR);
    assert_true(q.has_tsig);
    return tsig_verify_request(&k, m, n, &q.tsig, now, mac, &t);
}

static void test_kdig_and_dig_vectors(void **state)
{
    (void)state;
    assert_int_equal(verify(kdig_q, sizeof(kdig_q), "ooda-test-key", SECRET, kdig_time),
                     TSIG_E_NONE);
    assert_int_equal(verify(dig_q, sizeof(dig_q), "ooda-test-key.", SECRET, dig_time + 299),
                     TSIG_E_NONE);
    assert_int_equal(verify(kdig_q, sizeof(kdig_q), "OODA-Test-Key", SECRET, kdig_time - 300),
                     TSIG_E_NONE);
}

static void test_failures(void **state)
{
    uint8_t m[sizeof(kdig_q)];

    (void)state;
    assert_int_equal(verify(kdig_q, sizeof(kdig_q), "ooda-test-key", "c2VjcmV0", kdig_time),
                     TSIG_E_BADSIG);
    assert_int_equal(verify(kdig_q, sizeof(kdig_q), "other-key", SECRET, kdig_time), TSIG_E_BADKEY);
    assert_int_equal(verify(kdig_q, sizeof(kdig_q), "ooda-test-key", SECRET, kdig_time + 301),
                     TSIG_E_BADTIME);
    assert_int_equal(verify(dig_q, sizeof(dig_q), "ooda-test-key", SECRET, dig_time - 301),
                     TSIG_E_BADTIME);
    memcpy(m, kdig_q, sizeof(m));
    m[23] = 2; /* QTYPE NS instead of SOA */
    assert_int_equal(verify(m, sizeof(m), "ooda-test-key", SECRET, kdig_time), TSIG_E_BADSIG);
    memcpy(m, kdig_q, sizeof(m));
    m[80] ^= 1; /* a MAC byte */
    assert_int_equal(verify(m, sizeof(m), "ooda-test-key", SECRET, kdig_time), TSIG_E_BADSIG);
}

static void test_base64(void **state)
{
    uint8_t out[64];

    (void)state;
    assert_int_equal(tsig_base64_decode(SECRET, out, sizeof(out)), 25);
    assert_memory_equal(out, "secret-key-for-ooda-tests", 25);
    assert_int_equal(tsig_base64_decode("YWJj", out, sizeof(out)), 3);
    assert_int_equal(tsig_base64_decode("YQ", out, sizeof(out)), 1);
    assert_int_equal(tsig_base64_decode("Y!==", out, sizeof(out)), -1);
    assert_int_equal(tsig_base64_decode("YQ==x", out, sizeof(out)), -1);
    assert_int_equal(tsig_base64_decode("YWJj", out, 2), -1);
}

/* Signs the kdig query's bytes as a response chain and checks each link. */
static void test_sign_chain(void **state)
{
    struct tsig_key k;
    struct err e;
    uint8_t buf[256], req_mac[TSIG_MAC_LEN], mac1[TSIG_MAC_LEN], mac2[TSIG_MAC_LEN];
    uint8_t check[TSIG_MAC_LEN];
    struct dns_builder b;

    (void)state;
    memset(req_mac, 0xab, sizeof(req_mac));
    assert_int_equal(tsig_key_init(&k, "ooda-test-key", SECRET, &e), ERR_OK);
    wire_build_init(&b, buf, sizeof(buf), NULL, 0);
    wire_put_bytes(&b, kdig_q, 26); /* header + question, ARCOUNT patched below */
    wire_patch_u16(&b, 10, 0);
    tsig_sign(&k, &b, req_mac, false, 1000, 0x207a, 0, 0, mac1);
    assert_false(b.overflow);
    assert_int_equal(wire_u16(buf + 10), 1);
    assert_true(tsig_verify_response(&k, buf, b.len, req_mac, false, check));
    assert_memory_equal(check, mac1, TSIG_MAC_LEN);
    assert_false(tsig_verify_response(&k, buf, b.len, mac1, false, NULL));
    /* second message: prior MAC + timers only */
    wire_build_init(&b, buf, sizeof(buf), NULL, 0);
    wire_put_bytes(&b, kdig_q, 26);
    wire_patch_u16(&b, 10, 0);
    tsig_sign(&k, &b, mac1, true, 1001, 0x207a, 0, 0, mac2);
    assert_true(tsig_verify_response(&k, buf, b.len, mac1, true, check));
    assert_false(tsig_verify_response(&k, buf, b.len, mac1, false, NULL));
    assert_false(tsig_verify_response(&k, buf, b.len, req_mac, true, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kdig_and_dig_vectors),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_sign_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
