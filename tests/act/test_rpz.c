/* test_rpz.c - unit tests of act/rpz.c and act/names.c: rpz-ip owner names for IPv4
 * and IPv6 as draft-vixie-dnsop-dns-rpz writes them, entry validation and counts,
 * exact zone file text, exact deltas, in-place application against a fresh load
 * (randomised), explicit changes, and policy parsing; entry sets (domains given back in
 * zone order by a pull function): the zone file and deltas they make equal those of
 * the in-memory paths (exact and randomised), order and duplicate checks, pull errors
 * and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "act/act_int.h"

static void owner_is(const char *entry, const char *want)
{
    char out[ACT_NAME_MAX];
    struct err e;

    if (act_rpz_owner(entry, out, sizeof(out), &e) != ERR_OK)
        fail_msg("act_rpz_owner(%s): %s", entry, e.msg);
    assert_string_equal(out, want);
}

static void test_owner_names(void **state)
{
    (void)state;
    owner_is("evil.example", "evil.example");
    owner_is("192.0.2.0/24", "24.0.2.0.192.rpz-ip");
    owner_is("198.51.100.7/32", "32.7.100.51.198.rpz-ip");
    owner_is("198.51.100.7", "32.7.100.51.198.rpz-ip");
    owner_is("10.0.0.0/8", "8.0.0.0.10.rpz-ip");
    owner_is("2001:db8::/32", "32.zz.db8.2001.rpz-ip");
    /* the draft's example: 2001:db8:0:1::57/128, a single zero group stays "0" */
    owner_is("2001:db8:0:1::57/128", "128.57.zz.1.0.db8.2001.rpz-ip");
    /* two runs of two zero groups: the first (most significant) one becomes zz */
    owner_is("2001:db8::1:0:0:1/128", "128.1.0.0.1.zz.db8.2001.rpz-ip");
    owner_is("2001:db8:1:2:3:4:5:6/128", "128.6.5.4.3.2.1.db8.2001.rpz-ip");
    owner_is("::1/128", "128.1.zz.rpz-ip");
    owner_is("8000::/1", "1.zz.8000.rpz-ip");
}

static void test_owner_rejects(void **state)
{
    static const char *const bad[] = {
        "192.0.2.1/24",  "0.0.0.0/0", "::/0",     "Evil.example", "a..b",
        "evil.example.", "x.rpz-ip",  "bad name", "1.2.3.4/33",   ""};
    char out[ACT_NAME_MAX];
    struct err e;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (act_rpz_owner(bad[i], out, sizeof(out), &e) == ERR_OK)
            fail_msg("'%s' accepted as '%s'", bad[i], out);
}

static struct act_rpz_zone *zone(const char *policy, uint32_t serial)
{
    struct act_rpz_zone_config zc = {.origin = "rpz.test.", .serial = serial, .ttl = 60};
    struct act_rpz_zone *z;
    struct err e;

    assert_int_equal(act_rpz_policy_parse(policy, &zc.policy, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_new(&zc, &z, &e), ERR_OK);
    return z;
}

static char *zone_text(const struct act_rpz_zone *z)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    struct err e;

    assert_non_null(f);
    assert_int_equal(act_rpz_zone_write(z, f, &e), ERR_OK);
    fclose(f);
    return buf;
}

static void test_zone_file_exact(void **state)
{
    static const char *const in[] = {"evil.example", "192.0.2.0/24", "bad..name",
                                     "a.example",    "evil.example", "2001:db8::/32"};
    static const char want[] = "$ORIGIN rpz.test.\n"
                               "$TTL 60\n"
                               "@ IN SOA localhost. hostmaster.localhost. 7 3600 600 604800 60\n"
                               "@ IN NS localhost.\n"
                               "24.0.2.0.192.rpz-ip IN CNAME .\n"
                               "32.zz.db8.2001.rpz-ip IN CNAME .\n"
                               "a.example IN CNAME .\n"
                               "*.a.example IN CNAME .\n"
                               "evil.example IN CNAME .\n"
                               "*.evil.example IN CNAME .\n";
    struct act_rpz_zone *z = zone("nxdomain", 7);
    struct act_rpz_counts c;
    struct err e;
    char *txt;

    (void)state;
    assert_int_equal(act_rpz_zone_load(z, in, 6, &c, &e), ERR_OK);
    assert_int_equal(c.accepted, 4);
    assert_int_equal(c.rejected, 1);
    assert_int_equal(c.duplicates, 1);
    assert_int_equal(act_rpz_zone_count(z), 4);
    txt = zone_text(z);
    assert_string_equal(txt, want);
    free(txt);
    act_rpz_zone_free(z);
}

static void test_policies(void **state)
{
    static const char *const pol[] = {"nodata", "passthru", "drop", "cname:walled.example"};
    static const char *const tgt[] = {"*.", "rpz-passthru.", "rpz-drop.", "walled.example."};
    static const char *const one[] = {"x.example"};
    struct act_rpz_policy p;
    struct err e;

    (void)state;
    for (int i = 0; i < 4; i++) {
        struct act_rpz_zone *z = zone(pol[i], 1);
        char want[128], *txt;
        assert_int_equal(act_rpz_zone_load(z, one, 1, NULL, &e), ERR_OK);
        txt = zone_text(z);
        snprintf(want, sizeof(want), "x.example IN CNAME %s\n*.x.example IN CNAME %s\n", tgt[i],
                 tgt[i]);
        assert_non_null(strstr(txt, want));
        free(txt);
        act_rpz_zone_free(z);
    }
    assert_int_equal(act_rpz_policy_parse("block", &p, &e), ERR_PARSE);
    assert_int_equal(act_rpz_policy_parse("cname:", &p, &e), ERR_PARSE);
}

static void names_are(const struct act_rpz_delta *d, bool added, const char *const *want, size_t n)
{
    assert_int_equal(added ? act_rpz_delta_added(d) : act_rpz_delta_removed(d), n);
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const char *s =
            added ? act_rpz_delta_added_at(d, i, &l) : act_rpz_delta_removed_at(d, i, &l);
        assert_int_equal(l, strlen(want[i]));
        assert_memory_equal(s, want[i], l);
    }
}

static void test_delta_exact(void **state)
{
    static const char *const v1[] = {"a.example", "b.example", "10.0.0.0/8"};
    static const char *const v2[] = {"c.example", "b.example", "192.0.2.0/24", "c.example"};
    static const char *const add[] = {"24.0.2.0.192.rpz-ip", "c.example"};
    static const char *const del[] = {"8.0.0.0.10.rpz-ip", "a.example"};
    struct act_rpz_zone *z = zone("nxdomain", 1), *fresh = zone("nxdomain", 2);
    struct act_rpz_delta *d;
    struct act_rpz_counts c;
    struct err e;
    char *t1, *t2;

    (void)state;
    assert_int_equal(act_rpz_zone_load(z, v1, 3, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_delta_compute(z, v2, 4, &d, &c, &e), ERR_OK);
    assert_int_equal(c.duplicates, 1);
    names_are(d, true, add, 2);
    names_are(d, false, del, 2);
    assert_int_equal(act_rpz_zone_apply(z, d, 2, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_serial(z), 2);
    assert_int_equal(act_rpz_zone_load(fresh, v2, 4, NULL, &e), ERR_OK);
    t1 = zone_text(z);
    t2 = zone_text(fresh);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    act_rpz_delta_free(d);
    /* same content: empty delta */
    assert_int_equal(act_rpz_delta_compute(z, v2, 4, &d, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_delta_added(d) + act_rpz_delta_removed(d), 0);
    act_rpz_delta_free(d);
    act_rpz_zone_free(z);
    act_rpz_zone_free(fresh);
}

static void test_delta_from_changes(void **state)
{
    static const char *const v1[] = {"a.example", "b.example"};
    static const char *const add[] = {"a.example", "c.example", "d.example", "bad..x"};
    static const char *const del[] = {"b.example", "zzz.example", "d.example"};
    static const char *const want_add[] = {"c.example"};
    static const char *const want_del[] = {"b.example"};
    struct act_rpz_zone *z = zone("nxdomain", 1);
    struct act_rpz_delta *d;
    struct act_rpz_counts c;
    struct err e;

    (void)state;
    assert_int_equal(act_rpz_zone_load(z, v1, 2, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_delta_from_changes(z, add, 4, del, 3, &d, &c, &e), ERR_OK);
    assert_int_equal(c.rejected, 1);
    names_are(d, true, want_add, 1);
    names_are(d, false, want_del, 1);
    act_rpz_delta_free(d);
    act_rpz_zone_free(z);
}

/* Random versions applied in place must equal a fresh load every time. */
static void test_apply_random(void **state)
{
    enum { POOL = 600, ROUNDS = 40 };
    static char pool[POOL][32];
    const char *pick[POOL];
    struct act_rpz_zone *z = zone("nxdomain", 1);
    struct err e;
    unsigned seed = 12345;

    (void)state;
    for (int i = 0; i < POOL; i++) {
        if (i % 5 == 0)
            snprintf(pool[i], sizeof(pool[i]), "10.%d.%d.0/24", i / 256, i % 256);
        else
            snprintf(pool[i], sizeof(pool[i]), "h%d.ex%d.test", i * 7919 % 1000, i % 13);
    }
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = 0;
        struct act_rpz_delta *d;
        struct act_rpz_zone *fresh = zone("nxdomain", 1);
        for (int i = 0; i < POOL; i++)
            if ((seed = seed * 1103515245u + 12345u) >> 16 & 1)
                pick[n++] = pool[i];
        assert_int_equal(act_rpz_delta_compute(z, pick, n, &d, NULL, &e), ERR_OK);
        assert_int_equal(act_rpz_zone_apply(z, d, (uint32_t)r + 2, &e), ERR_OK);
        act_rpz_delta_free(d);
        assert_int_equal(act_rpz_zone_load(fresh, pick, n, NULL, &e), ERR_OK);
        assert_int_equal(z->names.n, fresh->names.n);
        assert_int_equal(z->names.len, fresh->names.len);
        assert_memory_equal(z->names.bytes, fresh->names.bytes, z->names.len);
        assert_memory_equal(z->names.off, fresh->names.off, z->names.n * sizeof(uint32_t));
        act_rpz_zone_free(fresh);
    }
    act_rpz_zone_free(z);
}

static void test_too_long_under_origin(void **state)
{
    char name[254];
    const char *one[1] = {name};
    struct act_rpz_zone *z = zone("nxdomain", 1);
    struct act_rpz_counts c;
    struct err e;

    (void)state;
    /* 4 labels of 60 = 243 bytes: valid alone, too long under "rpz.test" + "*." */
    for (int i = 0; i < 4; i++) {
        memset(name + i * 61, 'a', 60);
        name[i * 61 + 60] = '.';
    }
    name[243] = '\0';
    assert_int_equal(act_rpz_zone_load(z, one, 1, &c, &e), ERR_OK);
    assert_int_equal(c.rejected, 1);
    assert_int_equal(act_rpz_zone_count(z), 0);
    act_rpz_zone_free(z);
}

/* Every allocation failing in turn: an error or success, never a crash or a leak, and
 * a failed apply leaves the zone as it was. */
static void test_alloc_failures(void **state)
{
    static const char *const v1[] = {"a.example", "b.example", "10.0.0.0/8", "c.example"};
    static const char *const v2[] = {"b.example", "d.example", "192.0.2.0/24", "e.example"};
    struct err e;

    (void)state;
    for (long n = 1; n < 40; n++) {
        struct act_rpz_zone *z = NULL;
        struct act_rpz_delta *d = NULL;
        struct act_rpz_zone_config zc = {.origin = "rpz.test"};
        enum err_code rc;
        char *before, *after;

        mem_fail_after(n);
        rc = act_rpz_zone_new(&zc, &z, &e);
        if (rc == ERR_OK)
            rc = act_rpz_zone_load(z, v1, 4, NULL, &e);
        if (rc == ERR_OK)
            rc = act_rpz_delta_compute(z, v2, 4, &d, NULL, &e);
        mem_fail_after(0);
        assert_true(rc == ERR_OK || rc == ERR_NOMEM);
        if (rc == ERR_OK) {
            before = zone_text(z);
            mem_fail_after(1);
            rc = act_rpz_zone_apply(z, d, 9, &e);
            mem_fail_after(0);
            after = zone_text(z);
            assert_true(rc == ERR_NOMEM || rc == ERR_OK);
            if (rc == ERR_NOMEM)
                assert_string_equal(before, after);
            free(before);
            free(after);
        }
        act_rpz_delta_free(d);
        act_rpz_zone_free(z);
    }
}

/* ---- entry sets -------------------------------------------------------------------- */

/* The pull function over a sorted array; fail_at >= 0 fails at that call. */
struct pull {
    const char *const *v;
    size_t n, i;
    long fail_at;
};

static int pull_next(void *arg, const char **name, size_t *len)
{
    struct pull *p = arg;

    if (p->fail_at >= 0 && (size_t)p->fail_at == p->i)
        return -1;
    if (p->i == p->n)
        return 0;
    *name = p->v[p->i];
    *len = strlen(p->v[p->i++]);
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds in[0..n) to a new set; the direct entries, sorted, into direct (n slots). */
static struct act_rpz_set *set_of(const char *const *in, size_t n, const char **direct, size_t *nd)
{
    struct act_rpz_set *s;
    struct err e;

    assert_int_equal(act_rpz_set_new("rpz.test.", &s, &e), ERR_OK);
    *nd = 0;
    for (size_t i = 0; i < n; i++) {
        bool d;
        assert_int_equal(act_rpz_set_add(s, in[i], &d, &e), ERR_OK);
        if (d)
            direct[(*nd)++] = in[i];
    }
    qsort(direct, *nd, sizeof(*direct), cmp_str);
    return s;
}

static char *set_text(struct act_rpz_set *s, const struct act_rpz_zone *z, struct pull *p,
                      struct act_rpz_counts *c)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    struct err e;

    assert_non_null(f);
    assert_int_equal(act_rpz_set_write(s, z, pull_next, p, f, c, &e), ERR_OK);
    fclose(f);
    return buf;
}

static void test_set_write_exact(void **state)
{
    char longname[254];
    const char *in[] = {"evil.example",  "192.0.2.0/24",   "bad..name",    "a.example",
                        "2001:db8::/32", "192.0.2.7/32",   "192.0.2.0/24", "1.2.3.4/33",
                        "a-b.example",   "a.example.com",  "x.rpz-ip",     longname,
                        "198.51.100.7",  "2001:db8::1/128"};
    size_t n = sizeof(in) / sizeof(in[0]), nd;
    const char *direct[sizeof(in) / sizeof(in[0])];
    struct act_rpz_zone *z = zone("nodata", 7), *empty = zone("nodata", 7);
    struct act_rpz_counts cz, cs;
    struct act_rpz_set *s;
    struct err e;
    char *want, *got;

    (void)state;
    for (int i = 0; i < 4; i++) { /* valid alone, too long under the origin */
        memset(longname + i * 61, 'a', 60);
        longname[i * 61 + 60] = '.';
    }
    longname[243] = '\0';
    s = set_of(in, n, direct, &nd);
    assert_int_equal(nd, 4); /* evil, a, a-b, a.example.com (not the over-long name) */
    assert_int_equal(act_rpz_zone_load(z, in, n, &cz, &e), ERR_OK);
    want = zone_text(z);
    got = set_text(s, empty, &(struct pull){direct, nd, 0, -1}, &cs);
    assert_string_equal(got, want);
    assert_int_equal(cs.accepted, cz.accepted);
    assert_int_equal(cs.rejected, cz.rejected);
    assert_int_equal(cs.duplicates, cz.duplicates);
    assert_int_equal(cs.accepted, 9);
    assert_int_equal(cs.rejected, 4);
    assert_int_equal(cs.duplicates, 1);
    /* a-b < a.example < a.example.com: bytes, a proper prefix first */
    assert_non_null(strstr(got, "a-b.example IN CNAME *.\n*.a-b.example IN CNAME *.\n"
                                "a.example IN CNAME *.\n*.a.example IN CNAME *.\n"
                                "a.example.com IN CNAME *.\n"));
    free(want);
    free(got);
    act_rpz_set_free(s);
    act_rpz_zone_free(z);
    act_rpz_zone_free(empty);
}

static void test_set_order_and_errors(void **state)
{
    static const char *const in[] = {"a.example", "b.example"};
    static const char *const backwards[] = {"b.example", "a.example"};
    static const char *const twice[] = {"a.example", "a.example", "b.example"};
    static const char *const bad[] = {"b.example"};
    const char *direct[2];
    struct act_rpz_zone *z = zone("nxdomain", 1);
    struct act_rpz_counts c;
    struct act_rpz_set *s;
    struct err e;
    size_t nd;
    bool d;
    char *txt;
    FILE *f;
    char *buf = NULL;
    size_t bl = 0;

    (void)state;
    /* out of order: an error, not a wrong zone */
    s = set_of(in, 2, direct, &nd);
    f = open_memstream(&buf, &bl);
    assert_int_equal(
        act_rpz_set_write(s, z, pull_next, &(struct pull){backwards, 2, 0, -1}, f, NULL, &e),
        ERR_USAGE);
    assert_non_null(strstr(e.msg, "not in zone order"));
    fclose(f);
    free(buf);
    act_rpz_set_free(s);
    /* the same domain twice: written once, counted as a duplicate */
    s = set_of(in, 2, direct, &nd);
    txt = set_text(s, z, &(struct pull){twice, 3, 0, -1}, &c);
    assert_int_equal(c.accepted, 2);
    assert_int_equal(c.duplicates, 1);
    assert_non_null(strstr(txt, "@ IN NS localhost.\na.example IN CNAME .\n*.a.example IN CNAME"
                                " .\nb.example IN CNAME .\n*.b.example IN CNAME .\n"));
    free(txt);
    act_rpz_set_free(s);
    /* the pull fails: an I/O error */
    s = set_of(in, 2, direct, &nd);
    buf = NULL;
    f = open_memstream(&buf, &bl);
    assert_int_equal(act_rpz_set_write(s, z, pull_next, &(struct pull){in, 2, 0, 1}, f, NULL, &e),
                     ERR_IO);
    fclose(f);
    free(buf);
    /* spent: no more entries */
    assert_int_equal(act_rpz_set_add(s, bad[0], &d, &e), ERR_USAGE);
    act_rpz_set_free(s);
    assert_int_equal(act_rpz_set_new("", &s, &e), ERR_PARSE);
    act_rpz_zone_free(z);
}

/* Random versions: deltas from sets applied in place equal a fresh load, and the set's
 * zone file equals the fresh zone's. */
static void test_set_random(void **state)
{
    enum { POOL = 600, ROUNDS = 30 };
    static char pool[POOL][32];
    const char *pick[POOL], *direct[POOL];
    struct act_rpz_zone *z = zone("nxdomain", 1);
    struct err e;
    unsigned seed = 777;

    (void)state;
    for (int i = 0; i < POOL; i++) {
        if (i % 5 == 0)
            snprintf(pool[i], sizeof(pool[i]), "10.%d.%d.0/24", i / 256, i % 256);
        else if (i % 7 == 0)
            snprintf(pool[i], sizeof(pool[i]), "bad..x%d", i);
        else
            snprintf(pool[i], sizeof(pool[i]), "h%d.ex%d.test", i * 7919 % 1000, i % 13);
    }
    for (int r = 0; r < ROUNDS; r++) {
        size_t n = 0, nd;
        struct act_rpz_delta *d, *dc;
        struct act_rpz_zone *fresh = zone("nxdomain", (uint32_t)r + 2);
        struct act_rpz_set *s;
        char *t1, *t2;

        for (int i = 0; i < POOL; i++)
            if ((seed = seed * 1103515245u + 12345u) >> 16 & 1)
                pick[n++] = pool[i];
        s = set_of(pick, n, direct, &nd);
        assert_int_equal(act_rpz_delta_from_set(z, s, pull_next, &(struct pull){direct, nd, 0, -1},
                                                &d, NULL, &e),
                         ERR_OK);
        act_rpz_set_free(s);
        assert_int_equal(act_rpz_delta_compute(z, pick, n, &dc, NULL, &e), ERR_OK);
        assert_int_equal(act_rpz_delta_added(d), act_rpz_delta_added(dc));
        assert_int_equal(act_rpz_delta_removed(d), act_rpz_delta_removed(dc));
        act_rpz_delta_free(dc);
        assert_int_equal(act_rpz_zone_apply(z, d, (uint32_t)r + 2, &e), ERR_OK);
        act_rpz_delta_free(d);
        assert_int_equal(act_rpz_zone_load(fresh, pick, n, NULL, &e), ERR_OK);
        t1 = zone_text(z);
        t2 = zone_text(fresh);
        assert_string_equal(t1, t2);
        free(t1);
        s = set_of(pick, n, direct, &nd);
        t1 = set_text(s, fresh, &(struct pull){direct, nd, 0, -1}, NULL);
        assert_string_equal(t1, t2);
        act_rpz_set_free(s);
        free(t1);
        free(t2);
        act_rpz_zone_free(fresh);
    }
    act_rpz_zone_free(z);
}

/* Every allocation failing in turn: an error or success, never a crash or a leak. */
static void test_set_alloc_failures(void **state)
{
    static const char *const v1[] = {"a.example", "b.example", "10.0.0.0/8", "c.example"};
    static const char *const v2[] = {"b.example", "d.example", "192.0.2.0/24", "e.example"};
    static const char *const d2[] = {"b.example", "d.example", "e.example"};
    struct err e;

    (void)state;
    for (long n = 1; n < 30; n++) {
        struct act_rpz_zone *z = zone("nxdomain", 1);
        struct act_rpz_set *s = NULL;
        struct act_rpz_delta *d = NULL;
        enum err_code rc;
        bool dir;

        assert_int_equal(act_rpz_zone_load(z, v1, 4, NULL, &e), ERR_OK);
        mem_fail_after(n);
        rc = act_rpz_set_new("rpz.test", &s, &e);
        for (size_t i = 0; rc == ERR_OK && i < 4; i++)
            rc = act_rpz_set_add(s, v2[i], &dir, &e);
        if (rc == ERR_OK)
            rc =
                act_rpz_delta_from_set(z, s, pull_next, &(struct pull){d2, 3, 0, -1}, &d, NULL, &e);
        mem_fail_after(0);
        assert_true(rc == ERR_OK || rc == ERR_NOMEM);
        if (rc == ERR_OK) {
            assert_int_equal(act_rpz_delta_added(d), 3);
            assert_int_equal(act_rpz_delta_removed(d), 3);
        }
        act_rpz_delta_free(d);
        act_rpz_set_free(s);
        act_rpz_zone_free(z);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_names),          cmocka_unit_test(test_owner_rejects),
        cmocka_unit_test(test_zone_file_exact),      cmocka_unit_test(test_policies),
        cmocka_unit_test(test_delta_exact),          cmocka_unit_test(test_delta_from_changes),
        cmocka_unit_test(test_apply_random),         cmocka_unit_test(test_too_long_under_origin),
        cmocka_unit_test(test_alloc_failures),       cmocka_unit_test(test_set_write_exact),
        cmocka_unit_test(test_set_order_and_errors), cmocka_unit_test(test_set_random),
        cmocka_unit_test(test_set_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
