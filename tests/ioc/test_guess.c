/* test_guess.c - unit tests of ioc_guess() (guess.c), in the order of its rules, and
 * of ioc_score(), the MISP polynomial decay: exact values at chosen points, the edges
 * t <= 0 and t >= tau, clamping and invalid parameters. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/ioc.h"

static void guess_is(const char *in, enum ioc_type want)
{
    enum ioc_type t = IOC_NTYPES;

    if (!ioc_guess(in, strlen(in), &t))
        fail_msg("'%s': no guess, want %s", in, ioc_type_name(want));
    if (t != want)
        fail_msg("'%s': guessed %s, want %s", in, ioc_type_name(t), ioc_type_name(want));
}

static void guess_none(const char *in)
{
    enum ioc_type t = IOC_NTYPES;

    if (ioc_guess(in, strlen(in), &t))
        fail_msg("'%s': guessed %s, want none", in, ioc_type_name(t));
}

static void test_guess(void **state)
{
    (void)state;
    guess_is("http://x.com/", IOC_URL);
    guess_is("hxxp://x.com/", IOC_URL); /* any scheme */
    guess_is("x.com/path", IOC_URL);
    guess_is("10.0.0.0/8", IOC_CIDR);
    guess_is("10.0.0.1/8", IOC_CIDR); /* host bits: still a prefix, canon says why */
    guess_is("2001:db8::/32", IOC_CIDR);
    guess_is("10.0.0.0/8/x", IOC_URL);
    guess_is("192.0.2.1", IOC_IPV4);
    guess_is("2001:db8::1", IOC_IPV6);
    guess_is("::ffff:1.2.3.4", IOC_IPV6);
    guess_is("D41D8CD98F00B204E9800998ECF8427E", IOC_MD5);
    guess_is("da39a3ee5e6b4b0d3255bfef95601890afd80709", IOC_SHA1);
    guess_is("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IOC_SHA256);
    guess_is("alice@example.com", IOC_EMAIL);
    guess_is("AS64500", IOC_ASN);
    guess_is("as1", IOC_ASN);
    guess_is("example.com", IOC_DOMAIN);
    guess_is("Example.COM.", IOC_DOMAIN);
    guess_is("B\xc3\xbc"
             "cher.de",
             IOC_DOMAIN);
    guess_is("a_b.evil.net", IOC_DOMAIN);
    guess_none("");
    guess_none("foo");
    guess_none("1.2.3");    /* last label all digits: not a host name */
    guess_none("01.2.3.4"); /* not a strict address, digits TLD */
    guess_none("1.2.3.4:80");
    guess_none("hello world.com");
    guess_none("AS0");
    guess_none("AS4294967296");
    guess_none("12345");
    guess_none("a@b@");
    guess_none("d41d8cd98f00b204e9800998ecf8427"); /* 31 hex digits */
    guess_none("*.example.com");
}

static void test_guess_raw_bytes(void **state)
{
    enum ioc_type t;

    (void)state;
    assert_false(ioc_guess("x.com\0", 6, &t));
    assert_false(ioc_guess(NULL, 0, &t));
    assert_false(ioc_guess("x.com", 5, NULL));
    assert_true(ioc_guess("x.com\0junk", 5, &t)); /* only len bytes are read */
    assert_int_equal(t, IOC_DOMAIN);
}

static void test_score(void **state)
{
    (void)state;
    assert_float_equal(ioc_score(100, 0, 1000, 1), 100, 0);
    assert_float_equal(ioc_score(100, -5, 1000, 1), 100, 0);
    assert_float_equal(ioc_score(100, 500, 1000, 1), 50, 1e-12);
    assert_float_equal(ioc_score(100, 250, 1000, 1), 75, 1e-12);
    assert_float_equal(ioc_score(100, 500, 1000, 2), 100 * (1 - sqrt(0.5)), 1e-12);
    assert_float_equal(ioc_score(100, 500, 1000, 0.5), 75, 1e-12);
    assert_float_equal(ioc_score(80, 999.999, 1000, 1), 80 * 1e-6, 1e-9);
    assert_float_equal(ioc_score(100, 1000, 1000, 1), 0, 0);
    assert_float_equal(ioc_score(100, 1e9, 1000, 1), 0, 0);
    assert_float_equal(ioc_score(100, 10, 0, 1), 0, 0);
    assert_float_equal(ioc_score(100, 10, -1, 1), 0, 0);
    assert_float_equal(ioc_score(100, 10, 1000, 0), 0, 0);
    assert_float_equal(ioc_score(0, 10, 1000, 1), 0, 0);
    assert_float_equal(ioc_score(-5, 10, 1000, 1), 0, 0);
    assert_float_equal(ioc_score(100, NAN, 1000, 1), 0, 0);
    assert_float_equal(ioc_score(NAN, 10, 1000, 1), 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_guess_raw_bytes),
        cmocka_unit_test(test_score),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
