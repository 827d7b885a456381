/* pcapfile.c - incremental pcap/pcapng reader: a pull parser over caller-provided bytes.
 *
 * State (struct pcap_rd) only ever advances by whole units - the file header, a record,
 * a block - so the caller's buffer always starts at a unit boundary and a refill simply
 * puts the unconsumed tail first. Records point into the caller's bytes; nothing is
 * allocated or copied. The classic-pcap loop is specialised per byte order so the hot
 * path is a handful of loads, two compares and the record stores.
 * One reader per thread at a time; no global state.
 *
 * Classic pcap (all fields in the writer's byte order, given by the magic):
 *   file header (24): magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4)
 *                     linktype(4; top 6 bits are FCS flags)
 *   record      (16): ts_sec(4) ts_usec_or_nsec(4) caplen(4) wirelen(4) data[caplen]
 *
 * pcapng (byte order given by each section header's byte-order magic):
 *   block:  type(4) total_len(4) body total_len(4)     total_len % 4 == 0, >= 12
 *   SHB 0x0a0d0d0a: bom(4)=0x1a2b3c4d major(2)=1 minor(2) section_len(8) options
 *   IDB 1: linktype(2) reserved(2) snaplen(4) options
 *          option: code(2) len(2) value padded to 4; 9 if_tsresol(1), 14 if_tsoffset(8)
 *   EPB 6: if_id(4) ts_high(4) ts_low(4) caplen(4) wirelen(4) data(pad 4) options
 *   OPB 2: if_id(2) drops(2) ts_high(4) ts_low(4) caplen(4) wirelen(4) data options
 *   SPB 3: wirelen(4) data(pad 4)         interface 0, caplen = min(wirelen, room, snap)
 */
#include "observe/pcapfile.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "observe/decode.h"

enum rd_state { ST_HEADER = 0, ST_CLASSIC, ST_NG, ST_FAILED };

/* How an interface's 64-bit timestamp splits into seconds and nanoseconds. */
enum ts_kind { TS_USEC = 0, TS_NSEC, TS_POW10_FINE, TS_POW10_COARSE, TS_POW2 };

#define MAGIC_USEC   0xa1b2c3d4u
#define MAGIC_NSEC   0xa1b23c4du
#define NG_SHB       0x0a0d0d0au
#define NG_IDB       1u
#define NG_OPB       2u
#define NG_SPB       3u
#define NG_EPB       6u
#define NG_BOM       0x1a2b3c4du
#define OPT_TSRESOL  9
#define OPT_TSOFFSET 14
#define CLASSIC_HDR  24
#define CLASSIC_REC  16
#define NSEC_PER_SEC 1000000000u

static inline uint32_t rd32(const uint8_t *b, bool swap)
{
    uint32_t v;

    memcpy(&v, b, 4);
    return swap ? __builtin_bswap32(v) : v;
}

static inline uint16_t rd16(const uint8_t *b, bool swap)
{
    uint16_t v;

    memcpy(&v, b, 2);
    return swap ? __builtin_bswap16(v) : v;
}

static inline uint64_t rd64(const uint8_t *b, bool swap)
{
    uint64_t v;

    memcpy(&v, b, 8);
    return swap ? __builtin_bswap64(v) : v;
}

__attribute__((format(printf, 4, 5))) static enum pcap_status
fail(struct pcap_rd *r, struct err *e, uint64_t off, const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap); /* truncation is acceptable in a message */
    va_end(ap);
    r->state = ST_FAILED;
    (void)err_set(e, ERR_PARSE, "offset %" PRIu64 ": %s", off, why);
    return PCAP_ERR;
}

/* The data ends before a unit of `want` bytes at offset off: ask for more, or fail at
 * EOF. `what` names the unit in the message. */
static enum pcap_status short_unit(struct pcap_rd *r, size_t left, size_t want, bool at_eof,
                                   uint64_t off, const char *what, struct err *e)
{
    if (!at_eof) {
        r->need = want;
        return PCAP_MORE;
    }
    if (left == 0)
        return PCAP_EOF;
    return fail(r, e, off, "truncated %s: %zu of %zu bytes", what, left, want);
}

void observe_pcap_rd_init(struct pcap_rd *r)
{
    r->off = 0;
    r->need = 0;
    r->state = ST_HEADER;
    r->swap = false;
    r->nsec = false;
    r->nif = 0;
}

static uint32_t caplen_limit(uint32_t snaplen)
{
    return (snaplen == 0 || snaplen > PCAP_CAPLEN_MAX) ? PCAP_CAPLEN_MAX : snaplen;
}

/* ---- file header ------------------------------------------------------------------ */

static bool magic_prefix(const uint8_t *d, size_t n)
{
    static const uint8_t magics[5][4] = {
        {0xa1, 0xb2, 0xc3, 0xd4}, {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
        {0x4d, 0x3c, 0xb2, 0xa1}, {0x0a, 0x0d, 0x0d, 0x0a},
    };

    for (int i = 0; i < 5; i++)
        if (memcmp(d, magics[i], n) == 0)
            return true;
    return false;
}

/* Recognises the file type; for classic pcap also consumes the 24-byte header. Returns
 * PCAP_REC to mean "continue with records". */
static enum pcap_status read_header(struct pcap_rd *r, const uint8_t *d, size_t len, bool at_eof,
                                    size_t *used, struct err *e)
{
    uint32_t magic, snaplen, lt;
    uint16_t major, minor;

    *used = 0;
    if (len < 4) {
        if (!at_eof) {
            r->need = 4;
            return PCAP_MORE;
        }
        if (len == 0)
            return fail(r, e, 0, "empty file: not a pcap or pcapng file");
        if (magic_prefix(d, len))
            return fail(r, e, 0, "truncated file header: %zu bytes", len);
        return fail(r, e, 0, "not a pcap or pcapng file");
    }
    magic = rd32(d, false);
    if (magic == NG_SHB) {
        r->state = ST_NG; /* the SHB is read as a block; it sets the byte order */
        return PCAP_REC;
    }
    if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
        r->swap = false;
    } else if (magic == __builtin_bswap32(MAGIC_USEC) || magic == __builtin_bswap32(MAGIC_NSEC)) {
        r->swap = true;
        magic = __builtin_bswap32(magic);
    } else {
        return fail(r, e, 0, "not a pcap or pcapng file");
    }
    r->nsec = magic == MAGIC_NSEC;
    if (len < CLASSIC_HDR) {
        if (!at_eof) {
            r->need = CLASSIC_HDR;
            return PCAP_MORE;
        }
        return fail(r, e, 0, "truncated file header: %zu of 24 bytes", len);
    }
    major = rd16(d + 4, r->swap);
    minor = rd16(d + 6, r->swap);
    if (major != 2)
        return fail(r, e, 0, "unsupported pcap version %u.%u", major, minor);
    snaplen = rd32(d + 16, r->swap);
    lt = rd32(d + 20, r->swap) & 0x03ffffffu; /* upper bits carry FCS length */
    if (!observe_decode_linktype_ok((int)lt))
        return fail(r, e, 0, "unsupported link type %" PRIu32, lt);
    r->ifs[0].linktype = (int32_t)lt;
    r->ifs[0].caplen_max = caplen_limit(snaplen);
    r->nif = 1;
    r->state = ST_CLASSIC;
    *used = CLASSIC_HDR;
    r->off += CLASSIC_HDR;
    return PCAP_REC;
}

/* ---- classic records ------------------------------------------------------------ */

/* Fills up to max records; swap is a constant at each call site so this specialises. */
static inline __attribute__((always_inline)) enum pcap_status
classic_loop(struct pcap_rd *r, const uint8_t *d, size_t len, bool at_eof, struct pcap_rec *recs,
             size_t max, size_t *n, size_t *used, struct err *e, const bool swap)
{
    const uint32_t lim = r->ifs[0].caplen_max;
    const int lt = r->ifs[0].linktype;
    const uint32_t fmax = r->nsec ? NSEC_PER_SEC : 1000000u;
    const uint32_t mul = r->nsec ? 1u : 1000u;
    enum pcap_status st = PCAP_REC;
    size_t pos = 0, k = 0;

    while (k < max) {
        const uint8_t *h = d + pos;
        size_t left = len - pos;
        uint32_t cl, frac;
        int64_t sec;

        if (left < CLASSIC_REC) {
            if (k == 0)
                st = short_unit(r, left, CLASSIC_REC, at_eof, r->off + pos, "record header", e);
            break;
        }
        cl = rd32(h + 8, swap);
        if (cl > lim) {
            if (k == 0 && cl > PCAP_CAPLEN_MAX)
                st = fail(r, e, r->off + pos, "caplen %" PRIu32 " exceeds maximum %u", cl,
                          PCAP_CAPLEN_MAX);
            else if (k == 0)
                st = fail(r, e, r->off + pos, "caplen %" PRIu32 " exceeds snaplen %" PRIu32, cl,
                          lim);
            break;
        }
        if (left - CLASSIC_REC < cl) {
            if (k == 0)
                st = short_unit(r, left, CLASSIC_REC + (size_t)cl, at_eof, r->off + pos, "record",
                                e);
            break;
        }
        sec = rd32(h, swap);
        frac = rd32(h + 4, swap);
        if (__builtin_expect(frac >= fmax, 0)) { /* out-of-range fraction: carry it */
            sec += frac / fmax;
            frac %= fmax;
        }
        recs[k].ts_sec = sec;
        recs[k].ts_nsec = frac * mul;
        recs[k].caplen = cl;
        recs[k].wirelen = rd32(h + 12, swap);
        recs[k].linktype = lt;
        recs[k].data = h + CLASSIC_REC;
        pos += CLASSIC_REC + (size_t)cl;
        k++;
    }
    r->off += pos;
    *used = pos;
    *n = k;
    return k ? PCAP_REC : st;
}

static enum pcap_status classic_batch(struct pcap_rd *r, const uint8_t *d, size_t len, bool at_eof,
                                      struct pcap_rec *recs, size_t max, size_t *n, size_t *used,
                                      struct err *e)
{
    if (r->swap)
        return classic_loop(r, d, len, at_eof, recs, max, n, used, e, true);
    return classic_loop(r, d, len, at_eof, recs, max, n, used, e, false);
}

/* ---- pcapng --------------------------------------------------------------------- */

static void ng_timestamp(const struct pcap_iface *ifc, uint64_t ts, struct pcap_rec *rec)
{
    uint64_t sec, frac;
    unsigned sh;

    switch (ifc->ts_kind) {
    case TS_USEC:
        sec = ts / 1000000u;
        frac = ts % 1000000u * 1000u;
        break;
    case TS_NSEC:
        sec = ts / NSEC_PER_SEC;
        frac = ts % NSEC_PER_SEC;
        break;
    case TS_POW10_FINE: /* more than 9 digits: drop the extra ones */
        sec = ts / ifc->ts_div;
        frac = ts % ifc->ts_div / (ifc->ts_div / NSEC_PER_SEC);
        break;
    case TS_POW10_COARSE:
        sec = ts / ifc->ts_div;
        frac = ts % ifc->ts_div * (NSEC_PER_SEC / ifc->ts_div);
        break;
    default: /* TS_POW2: units of 2^-sh seconds, sh <= 63 */
        sh = ifc->ts_shift;
        sec = ts >> sh;
        frac = ts & (ifc->ts_div - 1);
        if (sh > 32) { /* keep frac * 1e9 within 64 bits */
            frac >>= sh - 32;
            sh = 32;
        }
        frac = (frac * NSEC_PER_SEC) >> sh;
        break;
    }
    /* Unsigned add: if_tsoffset is untrusted and must not overflow a signed type. */
    rec->ts_sec = (int64_t)(sec + (uint64_t)ifc->ts_offset);
    rec->ts_nsec = (uint32_t)frac;
}

/* Sets the timestamp resolution from an if_tsresol value. */
static bool set_tsresol(struct pcap_iface *ifc, uint8_t v)
{
    uint64_t div = 1;

    if (v & 0x80) {
        if ((v & 0x7f) > 63)
            return false;
        ifc->ts_kind = TS_POW2;
        ifc->ts_shift = v & 0x7f;
        ifc->ts_div = (uint64_t)1 << ifc->ts_shift;
        return true;
    }
    if (v > 19) /* 10^19 is the largest power of 10 in 64 bits */
        return false;
    for (unsigned i = 0; i < v; i++)
        div *= 10;
    ifc->ts_div = div;
    ifc->ts_kind = v == 6 ? TS_USEC : v == 9 ? TS_NSEC : v > 9 ? TS_POW10_FINE : TS_POW10_COARSE;
    return true;
}

/* Interface Description Block; b/blen is the whole block. */
static enum pcap_status ng_idb(struct pcap_rd *r, const uint8_t *b, uint32_t blen, uint64_t off,
                               struct err *e)
{
    struct pcap_iface *ifc;
    const uint8_t *o = b + 16;
    size_t left;
    bool sw = r->swap;
    uint8_t tsresol = 6;
    uint16_t lt;

    if (blen < 20)
        return fail(r, e, off, "interface description block too short: %" PRIu32, blen);
    if (r->nif == PCAP_IF_MAX)
        return fail(r, e, off, "more than %d interfaces in a section", PCAP_IF_MAX);
    left = blen - 20; /* options, before the trailing length */
    lt = rd16(b + 8, sw);
    if (!observe_decode_linktype_ok(lt))
        return fail(r, e, off, "unsupported link type %u", lt);
    ifc = &r->ifs[r->nif];
    ifc->linktype = lt;
    ifc->caplen_max = caplen_limit(rd32(b + 12, sw));
    ifc->ts_offset = 0;
    ifc->ts_shift = 0;
    while (left >= 4) {
        uint16_t code = rd16(o, sw), olen = rd16(o + 2, sw);
        size_t padded = ((size_t)olen + 3) & ~(size_t)3;

        if (code == 0 || padded > left - 4)
            break; /* end of options, or a malformed tail we can do without */
        if (code == OPT_TSRESOL && olen >= 1)
            tsresol = o[4];
        else if (code == OPT_TSOFFSET && olen >= 8)
            ifc->ts_offset = (int64_t)rd64(o + 4, sw);
        o += 4 + padded;
        left -= 4 + padded;
    }
    if (!set_tsresol(ifc, tsresol))
        return fail(r, e, off, "unsupported if_tsresol 0x%02x", tsresol);
    r->nif++;
    return PCAP_REC;
}

/* Section Header Block: sets the byte order (already worked out by the caller from
 * the byte-order magic) and forgets the previous section's interfaces. */
static enum pcap_status ng_shb(struct pcap_rd *r, const uint8_t *b, uint32_t blen, bool sw,
                               uint64_t off, struct err *e)
{
    uint16_t major;

    if (blen < 28)
        return fail(r, e, off, "section header block too short: %" PRIu32, blen);
    major = rd16(b + 12, sw);
    if (major != 1)
        return fail(r, e, off, "unsupported pcapng version %u.%u", major, rd16(b + 14, sw));
    r->swap = sw;
    r->nif = 0;
    return PCAP_REC;
}

/* Enhanced, obsolete and simple packet blocks -> *rec. */
static enum pcap_status ng_packet(struct pcap_rd *r, uint32_t type, const uint8_t *b, uint32_t blen,
                                  uint64_t off, struct pcap_rec *rec, struct err *e)
{
    const struct pcap_iface *ifc;
    bool sw = r->swap;
    uint32_t ifid, cl, room;

    if (type == NG_SPB) {
        if (blen < 16)
            return fail(r, e, off, "simple packet block too short: %" PRIu32, blen);
        if (r->nif == 0)
            return fail(r, e, off, "simple packet block before any interface");
        ifc = &r->ifs[0];
        rec->wirelen = rd32(b + 8, sw);
        cl = blen - 16;
        cl = rec->wirelen < cl ? rec->wirelen : cl;
        cl = ifc->caplen_max < cl ? ifc->caplen_max : cl;
        rec->ts_sec = 0;
        rec->ts_nsec = 0;
        rec->caplen = cl;
        rec->linktype = ifc->linktype;
        rec->data = b + 12;
        return PCAP_REC;
    }
    if (blen < 32)
        return fail(r, e, off, "packet block too short: %" PRIu32, blen);
    ifid = type == NG_EPB ? rd32(b + 8, sw) : rd16(b + 8, sw);
    if (ifid >= r->nif)
        return fail(r, e, off, "packet on undefined interface %" PRIu32, ifid);
    ifc = &r->ifs[ifid];
    cl = rd32(b + 20, sw);
    room = blen - 32;
    if (cl > room)
        return fail(r, e, off, "caplen %" PRIu32 " exceeds block length %" PRIu32, cl, blen);
    if (cl > PCAP_CAPLEN_MAX)
        return fail(r, e, off, "caplen %" PRIu32 " exceeds maximum %u", cl, PCAP_CAPLEN_MAX);
    if (cl > ifc->caplen_max)
        return fail(r, e, off, "caplen %" PRIu32 " exceeds snaplen %" PRIu32, cl, ifc->caplen_max);
    ng_timestamp(ifc, (uint64_t)rd32(b + 12, sw) << 32 | rd32(b + 16, sw), rec);
    rec->caplen = cl;
    rec->wirelen = rd32(b + 24, sw);
    rec->linktype = ifc->linktype;
    rec->data = b + 28;
    return PCAP_REC;
}

/* Checks the framing of the block at b (left bytes available) and sets *blen and *sw.
 * Returns PCAP_REC when the whole block is present. */
static enum pcap_status ng_frame(struct pcap_rd *r, const uint8_t *b, size_t left, bool at_eof,
                                 uint64_t off, uint32_t *blen, bool *sw, struct err *e)
{
    uint32_t type, bom;

    if (left < 12)
        return short_unit(r, left, 12, at_eof, off, "block header", e);
    type = rd32(b, false);
    *sw = r->swap;
    if (type == NG_SHB) {
        bom = rd32(b + 8, false);
        if (bom != NG_BOM && bom != __builtin_bswap32(NG_BOM))
            return fail(r, e, off, "bad section header byte-order magic 0x%08" PRIx32, bom);
        *sw = bom != NG_BOM;
    }
    *blen = rd32(b + 4, *sw);
    if (*blen < 12 || *blen % 4 != 0 || *blen > PCAP_BLOCK_MAX)
        return fail(r, e, off, "bad block length %" PRIu32, *blen);
    if (left < *blen)
        return short_unit(r, left, *blen, at_eof, off, "block", e);
    if (rd32(b + *blen - 4, *sw) != *blen)
        return fail(r, e, off, "block length %" PRIu32 " differs from trailer %" PRIu32, *blen,
                    rd32(b + *blen - 4, *sw));
    return PCAP_REC;
}

static enum pcap_status ng_batch(struct pcap_rd *r, const uint8_t *d, size_t len, bool at_eof,
                                 struct pcap_rec *recs, size_t max, size_t *n, size_t *used,
                                 struct err *e)
{
    enum pcap_status st = PCAP_REC;
    size_t pos = 0, k = 0;

    while (k < max) {
        const uint8_t *b = d + pos;
        uint64_t off = r->off + pos;
        /* Once records are ready, a failing block is left for the next call, which sees
         * the same bytes and reports it: no message now, and the state stays usable. */
        struct err *ek = k ? NULL : e;
        uint32_t blen = 0, type = 0;
        bool sw = false;

        st = ng_frame(r, b, len - pos, at_eof, off, &blen, &sw, ek);
        if (st == PCAP_REC) {
            type = rd32(b, sw);
            if (type == NG_EPB || type == NG_SPB || type == NG_OPB)
                st = ng_packet(r, type, b, blen, off, &recs[k], ek);
            else if (type == NG_SHB)
                st = ng_shb(r, b, blen, sw, off, ek);
            else if (type == NG_IDB)
                st = ng_idb(r, b, blen, off, ek);
        }
        if (st != PCAP_REC) {
            if (k > 0)
                r->state = ST_NG;
            break;
        }
        if (type == NG_EPB || type == NG_SPB || type == NG_OPB)
            k++;
        pos += blen;
    }
    r->off += pos;
    *used = pos;
    *n = k;
    return k ? PCAP_REC : st;
}

/* ---- entry points ---------------------------------------------------------------- */

enum pcap_status observe_pcap_rd_batch(struct pcap_rd *r, const uint8_t *data, size_t len,
                                       bool at_eof, struct pcap_rec *recs, size_t max, size_t *n,
                                       size_t *used, struct err *e)
{
    enum pcap_status st;
    size_t hdr = 0, body = 0;

    *n = 0;
    *used = 0;
    if (r->state == ST_FAILED)
        return fail(r, e, r->off, "reader called again after an error");
    if (r->state == ST_HEADER) {
        st = read_header(r, data, len, at_eof, &hdr, e);
        *used = hdr;
        if (st != PCAP_REC)
            return st;
    }
    assert(max > 0);
    if (r->state == ST_CLASSIC)
        st = classic_batch(r, data + hdr, len - hdr, at_eof, recs, max, n, &body, e);
    else
        st = ng_batch(r, data + hdr, len - hdr, at_eof, recs, max, n, &body, e);
    *used = hdr + body;
    return st;
}

enum pcap_status observe_pcap_rd_next(struct pcap_rd *r, const uint8_t *data, size_t len,
                                      bool at_eof, size_t *used, struct pcap_rec *rec,
                                      struct err *e)
{
    size_t n;

    return observe_pcap_rd_batch(r, data, len, at_eof, rec, 1, &n, used, e);
}
