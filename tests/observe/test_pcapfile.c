/* test_pcapfile.c - unit tests of the pcap/pcapng reader (observe/pcapfile.c): classic
 * pcap in both byte orders and both timestamp precisions, pcapng sections, interfaces,
 * block types and if_tsresol, every error with its byte offset, batches, and the same
 * records whether the file comes whole or one byte at a time. Files are built in memory
 * with explicit byte order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "observe/pcapfile.h"

#define MAXREC 64

/* A capture file under construction; be selects the byte order of what follows. */
struct wb {
    uint8_t b[1 << 20];
    size_t n;
    bool be;
};

static struct wb W; /* large: kept off the stack */

static void wput(struct wb *w, const void *p, size_t n)
{
    assert_true(w->n + n <= sizeof(w->b));
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void w8(struct wb *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    wput(w, &b, 1);
}

static void w16(struct wb *w, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(w->be ? v >> 8 : v), (uint8_t)(w->be ? v : v >> 8)};
    wput(w, b, 2);
}

static void w32(struct wb *w, uint32_t v)
{
    w16(w, w->be ? v >> 16 : v & 0xffff);
    w16(w, w->be ? v & 0xffff : v >> 16);
}

static void w64(struct wb *w, uint64_t v)
{
    w32(w, (uint32_t)(w->be ? v >> 32 : v));
    w32(w, (uint32_t)(w->be ? v : v >> 32));
}

static void patch32(struct wb *w, size_t at, uint32_t v)
{
    size_t n = w->n;

    w->n = at;
    w32(w, v);
    w->n = n;
}

static void wpad(struct wb *w)
{
    while (w->n % 4)
        w8(w, 0);
}

/* A recognisable packet: byte i is (seed + i). */
static const uint8_t *frame(unsigned seed, size_t n)
{
    static uint8_t f[300000];

    for (size_t i = 0; i < n; i++)
        f[i] = (uint8_t)(seed + i);
    return f;
}

/* ---- classic pcap builders ------------------------------------------------------- */

static void pcap_hdr(struct wb *w, uint32_t magic, uint32_t snaplen, uint32_t lt)
{
    w32(w, magic);
    w16(w, 2);
    w16(w, 4);
    w32(w, 0);
    w32(w, 0);
    w32(w, snaplen);
    w32(w, lt);
}

static void pcap_rec(struct wb *w, uint32_t sec, uint32_t frac, unsigned seed, uint32_t caplen,
                     uint32_t wirelen)
{
    w32(w, sec);
    w32(w, frac);
    w32(w, caplen);
    w32(w, wirelen);
    wput(w, frame(seed, caplen), caplen);
}

/* ---- pcapng builders ----------------------------------------------------------- */

static size_t blk_open(struct wb *w, uint32_t type)
{
    size_t at = w->n;

    w32(w, type);
    w32(w, 0);
    return at;
}

static void blk_close(struct wb *w, size_t at)
{
    wpad(w);
    w32(w, (uint32_t)(w->n + 4 - at));
    patch32(w, at + 4, (uint32_t)(w->n - at));
}

static void shb(struct wb *w, bool be)
{
    size_t at;

    w->be = be;
    at = blk_open(w, 0x0a0d0d0a);
    w32(w, 0x1a2b3c4d);
    w16(w, 1);
    w16(w, 0);
    w64(w, UINT64_MAX);
    blk_close(w, at);
}

/* tsresol < 0: no option. */
static void idb(struct wb *w, unsigned lt, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    size_t at = blk_open(w, 1);

    w16(w, lt);
    w16(w, 0);
    w32(w, snaplen);
    if (tsresol >= 0) {
        w16(w, 2); /* if_name, skipped */
        w16(w, 3);
        wput(w, "et0", 3);
        wpad(w);
        w16(w, 9);
        w16(w, 1);
        w8(w, (unsigned)tsresol);
        wpad(w);
    }
    if (tsoffset != 0) {
        w16(w, 14);
        w16(w, 8);
        w64(w, (uint64_t)tsoffset);
    }
    if (tsresol >= 0 || tsoffset != 0) {
        w16(w, 0);
        w16(w, 0);
    }
    blk_close(w, at);
}

static void epb(struct wb *w, uint32_t ifid, uint64_t ts, unsigned seed, uint32_t caplen,
                uint32_t wirelen)
{
    size_t at = blk_open(w, 6);

    w32(w, ifid);
    w32(w, (uint32_t)(ts >> 32));
    w32(w, (uint32_t)ts);
    w32(w, caplen);
    w32(w, wirelen);
    wput(w, frame(seed, caplen), caplen);
    wpad(w);
    w16(w, 2); /* epb_flags option, skipped */
    w16(w, 4);
    w32(w, 0);
    w32(w, 0);
    blk_close(w, at);
}

static void opb(struct wb *w, unsigned ifid, uint64_t ts, unsigned seed, uint32_t caplen)
{
    size_t at = blk_open(w, 2);

    w16(w, ifid);
    w16(w, 0);
    w32(w, (uint32_t)(ts >> 32));
    w32(w, (uint32_t)ts);
    w32(w, caplen);
    w32(w, caplen);
    wput(w, frame(seed, caplen), caplen);
    blk_close(w, at);
}

static void spb(struct wb *w, uint32_t wirelen, unsigned seed, uint32_t stored)
{
    size_t at = blk_open(w, 3);

    w32(w, wirelen);
    wput(w, frame(seed, stored), stored);
    blk_close(w, at);
}

static void other_block(struct wb *w, uint32_t type, size_t body)
{
    size_t at = blk_open(w, type);

    for (size_t i = 0; i < body; i++)
        w8(w, 0xee);
    blk_close(w, at);
}

/* ---- reading --------------------------------------------------------------------- */

struct got {
    struct pcap_rec recs[MAXREC];
    uint64_t data_off[MAXREC]; /* absolute file offset of each record's data */
    size_t n;
    enum pcap_status st;
    struct err e;
};

static struct got G, G2;

/* Reads the whole buffer in one go, record by record. */
static void read_all(const uint8_t *d, size_t len, struct got *g)
{
    struct pcap_rd r;
    size_t pos = 0, used;

    memset(g, 0, sizeof(*g));
    observe_pcap_rd_init(&r);
    for (;;) {
        struct pcap_rec rec;

        g->st = observe_pcap_rd_next(&r, d + pos, len - pos, true, &used, &rec, &g->e);
        assert_true(used <= len - pos);
        if (g->st != PCAP_REC) {
            pos += used;
            break;
        }
        assert_true(g->n < MAXREC);
        g->recs[g->n] = rec;
        g->data_off[g->n++] = (uint64_t)(rec.data - d);
        pos += used;
        assert_int_equal(r.off, pos);
    }
    if (g->st == PCAP_EOF)
        assert_int_equal(pos, len);
}

/* Reads through a buffer refilled one byte at a time; batch up to max records. */
static void read_bytewise(const uint8_t *d, size_t len, size_t max, struct got *g)
{
    static uint8_t buf[1 << 20];
    struct pcap_rec recs[8];
    struct pcap_rd r;
    size_t have = 0, in = 0;

    memset(g, 0, sizeof(*g));
    observe_pcap_rd_init(&r);
    for (;;) {
        uint64_t off0 = r.off;
        size_t n, used;

        g->st = observe_pcap_rd_batch(&r, buf, have, in == len, recs, max, &n, &used, &g->e);
        for (size_t i = 0; i < n; i++) {
            assert_true(g->n < MAXREC);
            g->recs[g->n] = recs[i];
            g->data_off[g->n++] = off0 + (uint64_t)(recs[i].data - buf);
        }
        memmove(buf, buf + used, have - used);
        have -= used;
        if (g->st == PCAP_REC)
            continue;
        if (g->st != PCAP_MORE)
            break;
        assert_true(in < len);
        assert_true(r.need > have);
        buf[have++] = d[in++];
    }
}

/* Checks that byte-at-a-time reading (batches of 1 and 5) agrees with read_all. */
static void check_bytewise(const uint8_t *d, size_t len, const struct got *g)
{
    for (size_t max = 1; max <= 5; max += 4) {
        read_bytewise(d, len, max, &G2);
        assert_int_equal(G2.st, g->st);
        assert_int_equal(G2.n, g->n);
        for (size_t i = 0; i < g->n; i++) {
            assert_int_equal(G2.recs[i].ts_sec, g->recs[i].ts_sec);
            assert_int_equal(G2.recs[i].ts_nsec, g->recs[i].ts_nsec);
            assert_int_equal(G2.recs[i].caplen, g->recs[i].caplen);
            assert_int_equal(G2.recs[i].wirelen, g->recs[i].wirelen);
            assert_int_equal(G2.recs[i].linktype, g->recs[i].linktype);
            assert_int_equal(G2.data_off[i], g->data_off[i]);
        }
        if (g->st == PCAP_ERR)
            assert_string_equal(G2.e.msg, g->e.msg);
    }
}

static void expect_rec(const struct got *g, size_t i, int64_t sec, uint32_t nsec, uint32_t caplen,
                       uint32_t wirelen, int lt, unsigned seed)
{
    assert_true(i < g->n);
    assert_int_equal(g->recs[i].ts_sec, sec);
    assert_int_equal(g->recs[i].ts_nsec, nsec);
    assert_int_equal(g->recs[i].caplen, caplen);
    assert_int_equal(g->recs[i].wirelen, wirelen);
    assert_int_equal(g->recs[i].linktype, lt);
    assert_memory_equal(g->recs[i].data, frame(seed, caplen), caplen);
}

/* Reads W expecting an error at offset off whose message contains `why`. */
static void expect_error(uint64_t off, const char *why)
{
    char prefix[40];

    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_ERR);
    assert_int_equal(G.e.code, ERR_PARSE);
    snprintf(prefix, sizeof(prefix), "offset %llu: ", (unsigned long long)off);
    if (strncmp(G.e.msg, prefix, strlen(prefix)) != 0 || strstr(G.e.msg, why) == NULL)
        fail_msg("got \"%s\", want \"%s...%s\"", G.e.msg, prefix, why);
    check_bytewise(W.b, W.n, &G);
}

static void reset(bool be)
{
    W.n = 0;
    W.be = be;
}

/* ---- classic pcap ---------------------------------------------------------------- */

static void classic_three(bool be, uint32_t magic)
{
    reset(be);
    pcap_hdr(&W, magic, 65535, 1);
    pcap_rec(&W, 1764054000, 123456, 1, 60, 60);
    pcap_rec(&W, 1764054001, 999999, 2, 100, 1514);
    pcap_rec(&W, 4000000000u, 0, 3, 0, 0);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    assert_int_equal(G.n, 3);
    assert_int_equal(G.data_off[0], 24 + 16);
    assert_int_equal(G.data_off[1], 24 + 16 + 60 + 16);
    check_bytewise(W.b, W.n, &G);
}

static void test_classic_le_usec(void **state)
{
    (void)state;
    classic_three(false, 0xa1b2c3d4);
    expect_rec(&G, 0, 1764054000, 123456000, 60, 60, 1, 1);
    expect_rec(&G, 1, 1764054001, 999999000, 100, 1514, 1, 2);
    expect_rec(&G, 2, 4000000000, 0, 0, 0, 1, 3); /* seconds are unsigned */
}

static void test_classic_be_usec(void **state)
{
    (void)state;
    classic_three(true, 0xa1b2c3d4);
    expect_rec(&G, 0, 1764054000, 123456000, 60, 60, 1, 1);
    expect_rec(&G, 1, 1764054001, 999999000, 100, 1514, 1, 2);
}

static void test_classic_nsec(void **state)
{
    (void)state;
    classic_three(false, 0xa1b23c4d);
    expect_rec(&G, 0, 1764054000, 123456, 60, 60, 1, 1);
    expect_rec(&G, 1, 1764054001, 999999, 100, 1514, 1, 2);
    reset(true);
    pcap_hdr(&W, 0xa1b23c4d, 0, 101);
    pcap_rec(&W, 7, 999999999, 4, 20, 20);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    expect_rec(&G, 0, 7, 999999999, 20, 20, 101, 4);
}

static void test_classic_fraction_carry(void **state)
{
    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&W, 10, 2500000, 1, 10, 10); /* 2.5 s of microseconds */
    read_all(W.b, W.n, &G);
    expect_rec(&G, 0, 12, 500000000, 10, 10, 1, 1);
}

static void test_classic_header_only_and_fcs_bits(void **state)
{
    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1u | 1u << 26 | 4u << 28);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    assert_int_equal(G.n, 0);
    pcap_rec(&W, 1, 0, 9, 30, 34);
    read_all(W.b, W.n, &G);
    expect_rec(&G, 0, 1, 0, 30, 34, 1, 9);
}

static void test_classic_snaplen_zero_is_max(void **state)
{
    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 0, 1);
    pcap_rec(&W, 1, 0, 5, PCAP_CAPLEN_MAX, PCAP_CAPLEN_MAX);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    expect_rec(&G, 0, 1, 0, PCAP_CAPLEN_MAX, PCAP_CAPLEN_MAX, 1, 5);
    pcap_rec(&W, 2, 0, 5, PCAP_CAPLEN_MAX + 1, PCAP_CAPLEN_MAX + 1);
    expect_error(24 + 16 + PCAP_CAPLEN_MAX, "caplen 262145 exceeds maximum 262144");
}

static void test_classic_errors(void **state)
{
    static const uint8_t trunc_magic[2] = {0xd4, 0xc3};
    static const uint8_t text[] = "GET / HTTP/1.1\r\n";

    (void)state;
    reset(false);
    expect_error(0, "empty file");
    wput(&W, text, sizeof(text) - 1);
    expect_error(0, "not a pcap or pcapng file");
    reset(false);
    wput(&W, trunc_magic, 2);
    expect_error(0, "truncated file header");
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    W.n = 13;
    expect_error(0, "truncated file header: 13 of 24 bytes");
    reset(true);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 105);
    expect_error(0, "unsupported link type 105");
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    W.b[4] = 1; /* version 1.4 */
    expect_error(0, "unsupported pcap version 1.4");
}

static void test_classic_record_errors(void **state)
{
    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&W, 1, 0, 1, 50, 50);
    pcap_rec(&W, 2, 0, 2, 50, 50);
    W.n -= 7;
    expect_error(24 + 66, "truncated record: 59 of 66 bytes");
    assert_int_equal(G.n, 1); /* the good record before it still came out */
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&W, 1, 0, 1, 50, 50);
    W.n += 9; /* nine zero bytes of a record header */
    memset(W.b + W.n - 9, 0, 9);
    expect_error(24 + 66, "truncated record header: 9 of 16 bytes");
    reset(true);
    pcap_hdr(&W, 0xa1b2c3d4, 64, 1);
    pcap_rec(&W, 1, 0, 1, 64, 100);
    pcap_rec(&W, 1, 0, 1, 65, 100);
    expect_error(24 + 80, "caplen 65 exceeds snaplen 64");
    assert_int_equal(G.n, 1);
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    w32(&W, 0);
    w32(&W, 0);
    w32(&W, 300000);
    w32(&W, 300000);
    expect_error(24, "caplen 300000 exceeds maximum 262144");
}

static void test_every_link_type(void **state)
{
    static const uint32_t ok[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        reset(false);
        pcap_hdr(&W, 0xa1b2c3d4, 65535, ok[i]);
        pcap_rec(&W, 1, 0, 1, 40, 40);
        read_all(W.b, W.n, &G);
        assert_int_equal(G.st, PCAP_EOF);
        expect_rec(&G, 0, 1, 0, 40, 40, (int)ok[i], 1);
    }
}

static void test_batch(void **state)
{
    struct pcap_rec recs[4];
    struct pcap_rd r;
    struct err e;
    size_t n, used, pos = 0;

    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 100, 1);
    for (unsigned i = 0; i < 6; i++)
        pcap_rec(&W, i, 0, i, 10 + i, 10 + i);
    pcap_rec(&W, 9, 0, 9, 101, 101); /* fails after six good records */
    observe_pcap_rd_init(&r);
    assert_int_equal(observe_pcap_rd_batch(&r, W.b, W.n, true, recs, 4, &n, &used, &e), PCAP_REC);
    assert_int_equal(n, 4);
    assert_int_equal(used, 24 + 4 * 16 + 10 + 11 + 12 + 13);
    assert_int_equal(recs[3].caplen, 13);
    pos += used;
    assert_int_equal(observe_pcap_rd_batch(&r, W.b + pos, W.n - pos, true, recs, 4, &n, &used, &e),
                     PCAP_REC);
    assert_int_equal(n, 2); /* stops before the bad record */
    assert_int_equal(recs[1].ts_sec, 5);
    pos += used;
    assert_int_equal(observe_pcap_rd_batch(&r, W.b + pos, W.n - pos, true, recs, 4, &n, &used, &e),
                     PCAP_ERR);
    assert_int_equal(n, 0);
    assert_int_equal(used, 0);
    assert_non_null(strstr(e.msg, "exceeds snaplen"));
    /* A failed reader keeps failing. */
    assert_int_equal(observe_pcap_rd_next(&r, W.b + pos, W.n - pos, true, &used, recs, &e),
                     PCAP_ERR);
}

static void test_more_and_need(void **state)
{
    struct pcap_rec rec;
    struct pcap_rd r;
    struct err e;
    size_t used;

    (void)state;
    reset(false);
    pcap_hdr(&W, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&W, 1, 0, 1, 100, 100);
    observe_pcap_rd_init(&r);
    assert_int_equal(observe_pcap_rd_next(&r, W.b, 0, false, &used, &rec, &e), PCAP_MORE);
    assert_int_equal(r.need, 4);
    assert_int_equal(observe_pcap_rd_next(&r, W.b, 10, false, &used, &rec, &e), PCAP_MORE);
    assert_int_equal(r.need, 24);
    assert_int_equal(used, 0);
    assert_int_equal(observe_pcap_rd_next(&r, W.b, 30, false, &used, &rec, &e), PCAP_MORE);
    assert_int_equal(used, 24); /* the file header was consumed */
    assert_int_equal(r.need, 16);
    assert_int_equal(observe_pcap_rd_next(&r, W.b + 24, 20, false, &used, &rec, &e), PCAP_MORE);
    assert_int_equal(r.need, 116);
    assert_int_equal(observe_pcap_rd_next(&r, W.b + 24, 116, false, &used, &rec, &e), PCAP_REC);
    assert_int_equal(used, 116);
    assert_int_equal(observe_pcap_rd_next(&r, W.b + 140, 0, false, &used, &rec, &e), PCAP_MORE);
    assert_int_equal(observe_pcap_rd_next(&r, W.b + 140, 0, true, &used, &rec, &e), PCAP_EOF);
    assert_int_equal(r.off, 140);
}

/* ---- pcapng ------------------------------------------------------------------------ */

static void test_ng_blocks_and_sections(void **state)
{
    size_t s2, epb3;

    (void)state;
    reset(false);
    shb(&W, false);
    idb(&W, 1, 0, -1, 0);
    epb(&W, 0, 1764054000123456ull, 1, 60, 60);
    spb(&W, 42, 2, 44);                     /* stored 44 (padding), wirelen 42 */
    opb(&W, 0, 1764054001000001ull, 3, 33); /* obsolete packet block */
    other_block(&W, 5, 12);                 /* interface statistics: skipped */
    other_block(&W, 0x80000001, 20);        /* custom block: skipped */
    idb(&W, 101, 65535, 9, 0);
    epb(&W, 1, 1764054002123456789ull, 4, 40, 40);
    s2 = W.n;
    shb(&W, true); /* new section, big endian: interfaces start over */
    idb(&W, 113, 0, -1, 0);
    epb(&W, 0, 1000000, 5, 50, 50);
    spb(&W, 1000, 6, 24);
    epb3 = W.n;
    epb(&W, 1, 0, 7, 10, 10); /* interface 1 existed only in the first section */
    expect_error(epb3, "packet on undefined interface 1");
    assert_int_equal(G.n, 6);
    expect_rec(&G, 0, 1764054000, 123456000, 60, 60, 1, 1);
    expect_rec(&G, 1, 0, 0, 42, 42, 1, 2);
    expect_rec(&G, 2, 1764054001, 1000, 33, 33, 1, 3);
    expect_rec(&G, 3, 1764054002, 123456789, 40, 40, 101, 4);
    expect_rec(&G, 4, 1, 0, 50, 50, 113, 5);
    expect_rec(&G, 5, 0, 0, 24, 1000, 113, 6); /* SPB: caplen bounded by the block */
    assert_int_equal(G.data_off[0], 28 + 20 + 28);
    assert_true(G.data_off[4] > s2);
    W.n = epb3;
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    assert_int_equal(G.n, 6);
    check_bytewise(W.b, W.n, &G);
}

static void test_ng_tsresol(void **state)
{
    (void)state;
    reset(false);
    shb(&W, false);
    idb(&W, 228, 0, 0x80 | 20, 0); /* 2^-20 s */
    epb(&W, 0, 5ull << 20 | 1ull << 19, 1, 20, 20);
    idb(&W, 229, 0, 3, 1700000000); /* milliseconds, with if_tsoffset */
    epb(&W, 1, 12345, 2, 40, 40);
    idb(&W, 1, 0, 12, 0); /* picoseconds */
    epb(&W, 2, 1234567890123456ull, 3, 14, 14);
    idb(&W, 1, 0, 0x80 | 63, 0); /* 2^-63 s */
    epb(&W, 3, 3ull << 62, 4, 14, 14);
    idb(&W, 1, 0, 0, 0); /* whole seconds */
    epb(&W, 4, 77, 5, 14, 14);
    idb(&W, 1, 0, 19, 0); /* 10^-19 s */
    epb(&W, 5, 12345678901234567890ull, 6, 14, 14);
    idb(&W, 1, 0, 0x80, 0); /* 2^0 s */
    epb(&W, 6, 9, 7, 14, 14);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    expect_rec(&G, 0, 5, 500000000, 20, 20, 228, 1);
    expect_rec(&G, 1, 1700000012, 345000000, 40, 40, 229, 2);
    expect_rec(&G, 2, 1234, 567890123, 14, 14, 1, 3);
    expect_rec(&G, 3, 1, 500000000, 14, 14, 1, 4);
    expect_rec(&G, 4, 77, 0, 14, 14, 1, 5);
    expect_rec(&G, 5, 1, 234567890, 14, 14, 1, 6);
    expect_rec(&G, 6, 9, 0, 14, 14, 1, 7);
    check_bytewise(W.b, W.n, &G);
}

static void test_ng_be_and_spb_snaplen(void **state)
{
    (void)state;
    reset(true);
    shb(&W, true);
    idb(&W, 1, 60, -1, 0);
    spb(&W, 100, 1, 100); /* stored whole, but the interface snaps at 60 */
    spb(&W, 30, 2, 32);
    epb(&W, 0, 2000001, 3, 60, 1500);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    expect_rec(&G, 0, 0, 0, 60, 100, 1, 1);
    expect_rec(&G, 1, 0, 0, 30, 30, 1, 2);
    expect_rec(&G, 2, 2, 1000, 60, 1500, 1, 3);
    check_bytewise(W.b, W.n, &G);
}

static void test_ng_errors(void **state)
{
    size_t at;

    (void)state;
    reset(false);
    shb(&W, false);
    at = W.n;
    spb(&W, 10, 1, 12);
    expect_error(at, "simple packet block before any interface");

    reset(false);
    shb(&W, false);
    at = W.n;
    idb(&W, 147, 0, -1, 0);
    expect_error(at, "unsupported link type 147");

    reset(false);
    shb(&W, false);
    idb(&W, 1, 0, 20, 0);
    expect_error(28, "unsupported if_tsresol 0x14");

    reset(false);
    shb(&W, false);
    idb(&W, 1, 40, -1, 0);
    at = W.n;
    epb(&W, 0, 0, 1, 41, 41);
    expect_error(at, "caplen 41 exceeds snaplen 40");

    reset(false);
    shb(&W, false);
    idb(&W, 1, 0, -1, 0);
    at = W.n;
    epb(&W, 0, 0, 1, 40, 40);
    patch32(&W, at + 20, 100); /* caplen beyond the block */
    expect_error(at, "caplen 100 exceeds block length 84");

    reset(false);
    shb(&W, false);
    W.b[12] = 2; /* major version 2 */
    expect_error(0, "unsupported pcapng version 2.0");

    reset(false);
    shb(&W, false);
    W.b[8] = 0x44; /* byte-order magic */
    expect_error(0, "bad section header byte-order magic");

    reset(false);
    shb(&W, true);
    W.n -= 4;
    expect_error(0, "truncated block: 24 of 28 bytes");

    reset(false);
    shb(&W, false);
    w32(&W, 1);
    w32(&W, 7);
    expect_error(28, "truncated block header: 8 of 12 bytes");
}

static void test_ng_length_errors(void **state)
{
    static const uint32_t bad[] = {8, 34, 32u << 20, 0};
    size_t at;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char why[40];

        reset(false);
        shb(&W, false);
        w32(&W, 6);
        w32(&W, bad[i]);
        w32(&W, 0);
        w32(&W, 0);
        snprintf(why, sizeof(why), "bad block length %u", (unsigned)bad[i]);
        expect_error(28, why);
    }
    reset(false);
    shb(&W, false);
    idb(&W, 1, 0, -1, 0);
    at = W.n;
    epb(&W, 0, 0, 1, 40, 40);
    patch32(&W, W.n - 4, 88);
    expect_error(at, "block length 84 differs from trailer 88");
    /* A big skipped block is fine up to the limit. */
    reset(false);
    shb(&W, false);
    other_block(&W, 0x0bad, PCAP_BLOCK_MAX / 32);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
}

static void test_ng_empty_section_and_trailing_shb(void **state)
{
    (void)state;
    reset(false);
    shb(&W, false);
    shb(&W, false);
    idb(&W, 276, 0, -1, 0);
    epb(&W, 0, 0, 1, 20, 20);
    shb(&W, true);
    read_all(W.b, W.n, &G);
    assert_int_equal(G.st, PCAP_EOF);
    assert_int_equal(G.n, 1);
    expect_rec(&G, 0, 0, 0, 20, 20, 276, 1);
    check_bytewise(W.b, W.n, &G);
    reset(false);
    shb(&W, false);
    W.n = 6; /* pcapng magic but a cut header */
    expect_error(0, "truncated block header: 6 of 12 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic_le_usec),
        cmocka_unit_test(test_classic_be_usec),
        cmocka_unit_test(test_classic_nsec),
        cmocka_unit_test(test_classic_fraction_carry),
        cmocka_unit_test(test_classic_header_only_and_fcs_bits),
        cmocka_unit_test(test_classic_snaplen_zero_is_max),
        cmocka_unit_test(test_classic_errors),
        cmocka_unit_test(test_classic_record_errors),
        cmocka_unit_test(test_every_link_type),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_more_and_need),
        cmocka_unit_test(test_ng_blocks_and_sections),
        cmocka_unit_test(test_ng_tsresol),
        cmocka_unit_test(test_ng_be_and_spb_snaplen),
        cmocka_unit_test(test_ng_errors),
        cmocka_unit_test(test_ng_length_errors),
        cmocka_unit_test(test_ng_empty_section_and_trailing_shb),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
