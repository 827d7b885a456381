/* fuzz_pcap.c - libFuzzer target for the pcap/pcapng reader (observe/pcapfile.c) and,
 * through it, the packet decoder.
 *
 * The input is a capture file. It is read twice: whole, with observe_pcap_rd_next() and at_eof,
 * then through a simulated refill buffer with observe_pcap_rd_batch(), fed a few bytes at a
 * time (one byte at a time for small inputs too). The live bytes sit at the very end of
 * the allocation, so a read past them is caught by ASan. Both passes must produce the
 * same records (same absolute offsets) and end the same way with the same message;
 * any difference aborts. Every record is decoded and its invariants checked. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "observe/decode.h"
#include "observe/pcapfile.h"

#define FUZZ_RECS_MAX 65536 /* records compared between the passes; more are counted */

struct rec_sum {
    int64_t ts_sec;
    uint64_t off; /* absolute offset of the packet data */
    uint32_t ts_nsec, caplen, wirelen;
    int linktype;
};

struct pass_end {
    enum pcap_status st;
    size_t nrec;
    struct err e;
};

static struct rec_sum whole[FUZZ_RECS_MAX];

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void check_pkt(const struct pcap_rec *rec)
{
    struct pkt p;
    enum decode_result res = observe_decode_packet(rec->linktype, rec->data, rec->caplen, &p);

    check(res == DECODE_IP || res == DECODE_NOT_IP || res == DECODE_BAD);
    if (res != DECODE_IP)
        return;
    check(p.cls < DK_NCLASS && p.frag <= PKT_FRAG_LATER);
    check(p.ipver == 4 || p.ipver == 6);
    check(p.ipver != 4 || (ip16_is_v4(&p.src) && ip16_is_v4(&p.dst)));
    if (p.frag == PKT_FRAG_LATER)
        check(p.cls == DK_OTHER && p.port == 0);
    if (p.cls == DK_ICMP_ECHO)
        check(p.port == 0);
}

static struct rec_sum summarise(const struct pcap_rec *rec, uint64_t off)
{
    struct rec_sum s = {.ts_sec = rec->ts_sec,
                        .off = off,
                        .ts_nsec = rec->ts_nsec,
                        .caplen = rec->caplen,
                        .wirelen = rec->wirelen,
                        .linktype = rec->linktype};

    check(rec->caplen <= PCAP_CAPLEN_MAX && rec->ts_nsec < 1000000000u);
    check(observe_decode_linktype_ok(rec->linktype));
    return s;
}

static struct pass_end read_whole(const uint8_t *data, size_t len)
{
    struct pcap_rd r;
    struct pass_end end = {.st = PCAP_REC};
    size_t pos = 0;

    observe_pcap_rd_init(&r);
    while (end.st == PCAP_REC) {
        struct pcap_rec rec;
        size_t used;

        end.st = observe_pcap_rd_next(&r, data + pos, len - pos, true, &used, &rec, &end.e);
        check(used <= len - pos && end.st != PCAP_MORE);
        if (end.st == PCAP_REC) {
            check(rec.data >= data + pos && rec.data + rec.caplen <= data + pos + used);
            if (end.nrec < FUZZ_RECS_MAX)
                whole[end.nrec] = summarise(&rec, (uint64_t)(rec.data - data));
            end.nrec++;
            check_pkt(&rec);
        }
        pos += used;
        check(r.off == pos);
    }
    if (end.st == PCAP_EOF)
        check(pos == len);
    return end;
}

static bool same(const struct rec_sum *a, const struct rec_sum *b)
{
    return a->ts_sec == b->ts_sec && a->off == b->off && a->ts_nsec == b->ts_nsec &&
           a->caplen == b->caplen && a->wirelen == b->wirelen && a->linktype == b->linktype;
}

/* Reads through a buffer refilled `chunk` bytes at a time, batch records at a time. */
static struct pass_end read_chunked(const uint8_t *data, size_t len, size_t chunk, size_t batch)
{
    struct pcap_rd r;
    struct pcap_rec recs[8];
    struct pass_end end = {.st = PCAP_REC};
    uint8_t *base = malloc(len ? len : 1);
    size_t have = 0, in = 0;

    check(base != NULL);
    observe_pcap_rd_init(&r);
    for (;;) {
        uint8_t *win = base + len - have; /* live bytes end at the allocation's end */
        uint64_t off0 = r.off;
        size_t n, used;

        end.st = observe_pcap_rd_batch(&r, win, have, in == len, recs, batch, &n, &used, &end.e);
        check(used <= have && r.off == off0 + used && n <= batch);
        check(end.st == PCAP_REC ? n > 0 : n == 0);
        for (size_t i = 0; i < n; i++) {
            struct rec_sum s;

            check(recs[i].data >= win && recs[i].data + recs[i].caplen <= win + used);
            s = summarise(&recs[i], off0 + (uint64_t)(recs[i].data - win));
            if (end.nrec < FUZZ_RECS_MAX)
                check(same(&s, &whole[end.nrec]));
            end.nrec++;
            check_pkt(&recs[i]);
        }
        have -= used;
        if (end.st == PCAP_REC)
            continue;
        if (end.st != PCAP_MORE)
            break;
        check(in < len && r.need > have);
        size_t add = len - in < chunk ? len - in : chunk;
        memmove(base + len - have - add, base + len - have, have);
        memcpy(base + len - add, data + in, add);
        in += add;
        have += add;
    }
    free(base);
    return end;
}

static void compare(const struct pass_end *a, const struct pass_end *b)
{
    check(a->st == b->st && a->nrec == b->nrec);
    if (a->st == PCAP_ERR)
        check(a->e.code == ERR_PARSE && b->e.code == ERR_PARSE && strcmp(a->e.msg, b->e.msg) == 0 &&
              strncmp(a->e.msg, "offset ", 7) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct pass_end w = read_whole(data, len), c;
    size_t chunk = 2 + (size_t)((len * 2654435761u) >> 8) % 61;

    c = read_chunked(data, len, chunk, 1 + len % 8);
    compare(&w, &c);
    if (len <= 2048) {
        c = read_chunked(data, len, 1, 8);
        compare(&w, &c);
    }
    return 0;
}
