/* test_geo.c - unit tests of geo/: finding and opening the installed ip-location-db data,
 * country and ASN lookups for well-known IPv4 and IPv6 addresses (each checked against
 * the data files themselves), unknown and private addresses, AS names, range edges,
 * CSV parsing of a small fixture directory (quoting, CRLF, blank lines, unsorted input,
 * malformed lines), missing and corrupt files, and every allocation failed in turn.
 *
 * The real data is opened once per run (group setup). Fixture directories live under
 * a mkdtemp() directory in /tmp and link to the real MaxMind DB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "geo/geo.h"

#define MMDB_REL "geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb"

struct fixture {
    struct geo *real; /* the installed / source-tree data */
    char tmp[64];     /* mkdtemp() directory for fixture data */
};

static struct fixture fx;

static int group_setup(void **state)
{
    struct err e;

    (void)state;
    unsetenv("OODA_GEO_DIR");
    if (geo_open(NULL, &fx.real, &e) != ERR_OK) {
        fprintf(stderr, "geo_open(NULL): %s\n", e.msg);
        return -1;
    }
    (void)snprintf(fx.tmp, sizeof(fx.tmp), "/tmp/ooda-test-geo-XXXXXX");
    if (mkdtemp(fx.tmp) == NULL)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[128];

    (void)state;
    geo_close(fx.real);
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.tmp);
    if (system(cmd) != 0)
        return -1;
    return 0;
}

static int teardown_mem(void **state)
{
    (void)state;
    mem_fail_after(0);
    return 0;
}

static struct geo_info look(const struct geo *g, const char *addr)
{
    struct geo_info gi;
    struct ip16 ip;
    struct err e;

    if (ip16_parse(addr, &ip, &e) != ERR_OK)
        fail_msg("bad test address %s", addr);
    memset(&gi, 0x7e, sizeof(gi));
    geo_lookup(g, &ip, &gi);
    return gi;
}

static void assert_geo(const struct geo *g, const char *addr, const char *cc, uint32_t asn)
{
    struct geo_info gi = look(g, addr);

    if (strcmp(gi.country, cc) != 0 || gi.asn != asn)
        fail_msg("%s: got %s/AS%u, want %s/AS%u", addr, gi.country, gi.asn, cc, asn);
}

/* ---- fixture data directories ------------------------------------------------------ */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* Makes fx.tmp/name/ with the real MaxMind DB (unless mmdb is false) and the two ASN
 * CSVs (each skipped when NULL). Writes the directory into dir. */
static void make_dir(const char *name, bool mmdb, const char *v4, const char *v6, char *dir,
                     size_t cap)
{
    char path[512], target[512];

    (void)snprintf(dir, cap, "%s/%s", fx.tmp, name);
    assert_int_equal(mkdir(dir, 0700), 0);
    (void)snprintf(path, sizeof(path), "%s/geo-whois-asn-country-mmdb", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    (void)snprintf(path, sizeof(path), "%s/asn", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    if (mmdb) {
        (void)snprintf(path, sizeof(path), "%s/%s", dir, MMDB_REL);
        (void)snprintf(target, sizeof(target), "%s/%s", geo_dir(fx.real), MMDB_REL);
        assert_int_equal(symlink(target, path), 0);
    }
    if (v4 != NULL) {
        (void)snprintf(path, sizeof(path), "%s/asn/asn-ipv4-num.csv", dir);
        write_file(path, v4);
    }
    if (v6 != NULL) {
        (void)snprintf(path, sizeof(path), "%s/asn/asn-ipv6-num.csv", dir);
        write_file(path, v6);
    }
}

/* Quoted names with commas, CRLF, a blank line, unsorted ranges, one AS over two
 * consecutive ranges and no newline at the end. */
static const char small_v4[] = "16777216,16777471,13335,\"Cloudflare, Inc.\"\r\n"
                               "3232235520,3232301055,64512,Private Test\n"
                               "\n"
                               "134744064,134744319,15169,Google LLC\n"
                               "167772160,167772415,64513,\"Unsorted\"\n"
                               "167772416,167772671,64513,\"Unsorted\"";
static const char small_v6[] = "42540766411282592856903984951653826560,"
                               "42540766490510755371168322545197776895,64496,Doc Net\n";

static void open_ok(const char *dir, struct geo **g)
{
    struct err e;

    if (geo_open(dir, g, &e) != ERR_OK)
        fail_msg("geo_open(%s): %s", dir ? dir : "default", e.msg);
}

static void expect_open_error(const char *dir, enum err_code code, const char *needle)
{
    struct geo *g = (struct geo *)&fx; /* must be reset to NULL */
    struct err e;

    assert_int_equal(geo_open(dir, &g, &e), code);
    assert_null(g);
    assert_int_equal(e.code, code);
    if (strstr(e.msg, needle) == NULL)
        fail_msg("error '%s' does not name '%s'", e.msg, needle);
}

/* ---- the real data ------------------------------------------------------------------- */

static void test_open_default_finds_data(void **state)
{
    char path[768];
    struct stat st;
    const char *dir = geo_dir(fx.real);

    (void)state;
    assert_non_null(dir);
    assert_true(strlen(dir) > strlen("ip-location-db"));
    assert_string_equal(dir + strlen(dir) - strlen("ip-location-db"), "ip-location-db");
    (void)snprintf(path, sizeof(path), "%s/%s", dir, MMDB_REL);
    assert_int_equal(stat(path, &st), 0);
}

static void test_lookup_well_known_v4(void **state)
{
    (void)state;
    /* Checked against asn-ipv4-num.csv and the MMDB: 134744064-134744319 AS15169,
     * 16843008-16843263 AS13335, 151587072-151587327 AS19281, 2247229440-2247294975 AS7684. */
    assert_geo(fx.real, "8.8.8.8", "US", 15169);
    assert_geo(fx.real, "1.1.1.1", "AU", 13335);
    assert_geo(fx.real, "9.9.9.9", "US", 19281);
    assert_geo(fx.real, "133.242.0.1", "JP", 7684);
    assert_geo(fx.real, "::ffff:8.8.8.8", "US", 15169); /* mapped form is the same address */
}

static void test_lookup_well_known_v6(void **state)
{
    (void)state;
    assert_geo(fx.real, "2001:4860:4860::8888", "US", 15169);
    assert_geo(fx.real, "2606:4700:4700::1111", "US", 13335);
}

static void test_lookup_unknown_is_zz_zero(void **state)
{
    (void)state;
    assert_geo(fx.real, "10.1.2.3", "ZZ", 0);
    assert_geo(fx.real, "127.0.0.1", "ZZ", 0);
    assert_geo(fx.real, "0.0.0.0", "ZZ", 0);
    assert_geo(fx.real, "255.255.255.255", "ZZ", 0);
    assert_geo(fx.real, "100.64.0.1", "ZZ", 0);
    assert_geo(fx.real, "::1", "ZZ", 0);
    assert_geo(fx.real, "fe80::1", "ZZ", 0);
    assert_geo(fx.real, "fc00::1", "ZZ", 0);
    assert_geo(fx.real, "::", "ZZ", 0);
}

static void test_lookup_asn_range_edges(void **state)
{
    struct geo_info gi;

    (void)state;
    /* First row of asn-ipv4-num.csv: 1.0.0.0-1.0.0.255 AS13335, then a gap. */
    assert_int_equal(look(fx.real, "1.0.0.0").asn, 13335);
    assert_int_equal(look(fx.real, "1.0.0.255").asn, 13335);
    assert_int_equal(look(fx.real, "0.255.255.255").asn, 0);
    assert_int_equal(look(fx.real, "1.0.1.0").asn, 0);
    /* Last row: 223.255.254.0-223.255.254.255 AS55415. */
    assert_int_equal(look(fx.real, "223.255.254.0").asn, 55415);
    assert_int_equal(look(fx.real, "223.255.254.255").asn, 55415);
    assert_int_equal(look(fx.real, "223.255.255.0").asn, 0);
    /* 2001:200::/x is WIDE (AS2500) in asn-ipv6-num.csv. */
    assert_int_equal(look(fx.real, "2001:200::1").asn, 2500);
    assert_int_equal(look(fx.real, "2001:200:1b9:ffff:ffff:ffff:ffff:ffff").asn, 2500);
    gi = look(fx.real, "2001:db8::1");
    assert_int_equal(gi.asn, 0);
}

/* geo_lookup_block's whole24 promise: every address of the /24 gets the same answer.
 * Checked over the whole /24s among 600 pseudo-random ones (all 256 addresses each), a
 * /24 that an ASN range splits, and an IPv6 address. */
static void test_lookup_block_whole24(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int whole = 0;
    struct ip16 ip;
    struct geo_info gi;
    struct err e;
    bool w;

    (void)state;
    for (int n = 0; n < 600; n++) {
        uint32_t net;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        net = (uint32_t)(x >> 40) & 0xffffff; /* a /24 */
        assert_int_equal(ip16_parse("0.0.0.0", &ip, &e), ERR_OK);
        ip.b[12] = (uint8_t)(net >> 16);
        ip.b[13] = (uint8_t)(net >> 8);
        ip.b[14] = (uint8_t)net;
        ip.b[15] = 77;
        geo_lookup_block(fx.real, &ip, &gi, &w);
        if (!w)
            continue;
        whole++;
        for (int h = 0; h < 256; h++) {
            struct geo_info o;
            ip.b[15] = (uint8_t)h;
            geo_lookup(fx.real, &ip, &o);
            if (strcmp(o.country, gi.country) != 0 || o.asn != gi.asn)
                fail_msg("/24 %u.%u.%u: .%d is %s/AS%u, .77 is %s/AS%u", ip.b[12], ip.b[13],
                         ip.b[14], h, o.country, o.asn, gi.country, gi.asn);
        }
    }
    assert_true(whole > 100);
    /* asn-ipv4-num.csv: 4.4.61.192-4.4.61.255 is AS203, the rest of 4.4.61.0/24 is not. */
    assert_int_equal(ip16_parse("4.4.61.200", &ip, &e), ERR_OK);
    geo_lookup_block(fx.real, &ip, &gi, &w);
    assert_int_equal(gi.asn, 203);
    assert_false(w);
    assert_int_equal(ip16_parse("2001:200::1", &ip, &e), ERR_OK);
    geo_lookup_block(fx.real, &ip, &gi, &w);
    assert_false(w);
    assert_int_equal(gi.asn, 2500);
}

static void test_asn_names(void **state)
{
    (void)state;
    assert_string_equal(geo_asn_name(fx.real, 15169), "Google LLC");
    assert_string_equal(geo_asn_name(fx.real, 13335), "Cloudflare, Inc."); /* was quoted */
    assert_string_equal(geo_asn_name(fx.real, 19281), "Quad9");
    assert_string_equal(geo_asn_name(fx.real, 2500), "WIDE Project"); /* IPv6 file */
    assert_string_equal(geo_asn_name(fx.real, 0), "");
    assert_string_equal(geo_asn_name(fx.real, 4294967295u), "");
}

static void test_open_env_dir(void **state)
{
    char dir[256];

    (void)state;
    (void)snprintf(dir, sizeof(dir), "%s/env-does-not-exist", fx.tmp);
    assert_int_equal(setenv("OODA_GEO_DIR", dir, 1), 0);
    expect_open_error(NULL, ERR_NOTFOUND, dir);
    assert_int_equal(setenv("OODA_GEO_DIR", "", 1), 0); /* empty: ignored */
    {
        struct geo *g;
        open_ok(NULL, &g);
        assert_string_equal(geo_dir(g), geo_dir(fx.real));
        geo_close(g);
    }
    unsetenv("OODA_GEO_DIR");
}

static void test_open_missing_dir(void **state)
{
    char dir[256];

    (void)state;
    (void)snprintf(dir, sizeof(dir), "%s/no/such/dir", fx.tmp);
    expect_open_error(dir, ERR_NOTFOUND, dir);
    expect_open_error(dir, ERR_NOTFOUND, "geo-whois-asn-country.mmdb");
    geo_close(NULL);
}

static void test_open_missing_csv(void **state)
{
    char dir[256];

    (void)state;
    make_dir("no-csv", true, NULL, NULL, dir, sizeof(dir));
    expect_open_error(dir, ERR_NOTFOUND, "asn/asn-ipv4-num.csv");
    make_dir("no-v6", true, small_v4, NULL, dir, sizeof(dir));
    expect_open_error(dir, ERR_NOTFOUND, "asn/asn-ipv6-num.csv");
    make_dir("no-mmdb", false, small_v4, small_v6, dir, sizeof(dir));
    expect_open_error(dir, ERR_NOTFOUND, dir);
}

static void test_open_corrupt_mmdb(void **state)
{
    char dir[256], path[512];

    (void)state;
    make_dir("bad-mmdb", false, small_v4, small_v6, dir, sizeof(dir));
    (void)snprintf(path, sizeof(path), "%s/%s", dir, MMDB_REL);
    write_file(path, "this is not a MaxMind DB, just some text long enough to look at\n");
    expect_open_error(dir, ERR_IO, MMDB_REL);
}

/* ---- a small fixture ------------------------------------------------------------------- */

static void test_fixture_csv_parsing(void **state)
{
    char dir[256];
    struct geo *g;

    (void)state;
    make_dir("small", true, small_v4, small_v6, dir, sizeof(dir));
    open_ok(dir, &g);
    assert_string_equal(geo_dir(g), dir);
    assert_geo(g, "8.8.8.8", "US", 15169);
    assert_int_equal(look(g, "1.0.0.0").asn, 13335);
    assert_int_equal(look(g, "1.0.0.255").asn, 13335);
    assert_int_equal(look(g, "1.0.1.0").asn, 0);
    assert_int_equal(look(g, "0.255.255.255").asn, 0);
    assert_int_equal(look(g, "10.0.0.0").asn, 64513); /* listed after larger ranges */
    assert_int_equal(look(g, "10.0.1.255").asn, 64513);
    assert_int_equal(look(g, "10.0.2.0").asn, 0);
    assert_int_equal(look(g, "9.255.255.255").asn, 0);
    assert_int_equal(look(g, "192.168.0.0").asn, 64512);
    assert_int_equal(look(g, "192.168.255.255").asn, 64512);
    assert_int_equal(look(g, "192.169.0.0").asn, 0);
    assert_int_equal(look(g, "255.255.255.255").asn, 0);
    assert_int_equal(look(g, "2001:db8::").asn, 64496);
    assert_int_equal(look(g, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff").asn, 64496);
    assert_int_equal(look(g, "2001:db9::").asn, 0);
    assert_int_equal(look(g, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff").asn, 0);
    assert_int_equal(look(g, "::ffff:10.0.0.1").asn, 64513);         /* v4 table, not v6 */
    assert_string_equal(geo_asn_name(g, 13335), "Cloudflare, Inc."); /* no quotes, no \r */
    assert_string_equal(geo_asn_name(g, 64512), "Private Test");
    assert_string_equal(geo_asn_name(g, 64513), "Unsorted");
    assert_string_equal(geo_asn_name(g, 15169), "Google LLC");
    assert_string_equal(geo_asn_name(g, 64496), "Doc Net");
    assert_string_equal(geo_asn_name(g, 64497), "");
    assert_string_equal(geo_asn_name(g, 1), "");
    geo_close(g);
}

static void test_fixture_malformed_lines(void **state)
{
    static const struct {
        const char *name, *v4, *v6, *where;
    } bad[] = {
        {"m-asn", "1,2,3,a\n5,6,x,b\n", small_v6, "asn-ipv4-num.csv:2"},
        {"m-order", "1,2,3,a\n\n9,8,3,b\n", small_v6, "asn-ipv4-num.csv:3"},
        {"m-fields", "1,2\n", small_v6, "asn-ipv4-num.csv:1"},
        {"m-asn-big", "1,2,4294967296,a\n", small_v6, "asn-ipv4-num.csv:1"},
        {"m-v4-big", "1,4294967296,3,a\n", small_v6, "asn-ipv4-num.csv:1"},
        {"m-sign", "-1,2,3,a\n", small_v6, "asn-ipv4-num.csv:1"},
        {"m-empty-field", ",2,3,a\n", small_v6, "asn-ipv4-num.csv:1"},
        {"m-v6-40digits", small_v4, "1,1000000000000000000000000000000000000000,3,a\n",
         "asn-ipv6-num.csv:1"},
        {"m-v6-space", small_v4, "1, 2,3,a\n", "asn-ipv6-num.csv:1"},
    };
    char dir[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        make_dir(bad[i].name, true, bad[i].v4, bad[i].v6, dir, sizeof(dir));
        expect_open_error(dir, ERR_PARSE, bad[i].where);
    }
}

static void test_fixture_empty_csv(void **state)
{
    char dir[256];

    (void)state;
    make_dir("empty", true, "", small_v6, dir, sizeof(dir));
    expect_open_error(dir, ERR_IO, "asn-ipv4-num.csv");
}

/* ---- allocation failures ------------------------------------------------------------------ */

/* Fails the 1st, 2nd, ... allocation of geo_open until it succeeds; every failure must be
 * a clean ERR_NOMEM with nothing leaked (the ASan build checks leaks). */
static long open_failing_each_allocation(const char *dir)
{
    struct geo *g;
    struct err e;
    enum err_code rc;
    long k;

    for (k = 1; k < 10000; k++) {
        g = (struct geo *)&fx;
        mem_fail_after(k);
        rc = geo_open(dir, &g, &e);
        mem_fail_after(0);
        if (rc == ERR_OK)
            break;
        if (rc != ERR_NOMEM)
            fail_msg("allocation %ld: got %d (%s), want ERR_NOMEM", k, rc, e.msg);
        assert_int_equal(e.code, ERR_NOMEM);
        assert_null(g);
    }
    assert_non_null(g);
    assert_geo(g, "8.8.8.8", "US", 15169);
    geo_close(g);
    return k;
}

static void test_fixture_every_allocation_fails(void **state)
{
    char dir[256];
    long k;

    (void)state;
    make_dir("nomem", true, small_v4, small_v6, dir, sizeof(dir));
    k = open_failing_each_allocation(dir);
    assert_true(k >= 6); /* handle, 2 files, 2 range tables, names, name bytes */
}

static void test_real_data_every_allocation_fails(void **state)
{
    long k;

    (void)state;
    k = open_failing_each_allocation(geo_dir(fx.real));
    assert_true(k > 10); /* tables grow by doubling */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_default_finds_data),
        cmocka_unit_test(test_lookup_well_known_v4),
        cmocka_unit_test(test_lookup_well_known_v6),
        cmocka_unit_test(test_lookup_unknown_is_zz_zero),
        cmocka_unit_test(test_lookup_asn_range_edges),
        cmocka_unit_test(test_lookup_block_whole24),
        cmocka_unit_test(test_asn_names),
        cmocka_unit_test(test_open_env_dir),
        cmocka_unit_test(test_open_missing_dir),
        cmocka_unit_test(test_open_missing_csv),
        cmocka_unit_test(test_open_corrupt_mmdb),
        cmocka_unit_test(test_fixture_csv_parsing),
        cmocka_unit_test(test_fixture_malformed_lines),
        cmocka_unit_test(test_fixture_empty_csv),
        cmocka_unit_test_teardown(test_fixture_every_allocation_fails, teardown_mem),
        cmocka_unit_test_teardown(test_real_data_every_allocation_fails, teardown_mem),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
