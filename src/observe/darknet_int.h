/* darknet_int.h - private to observe/darknet*.c: the per-day state shared by the hot
 * path (darknet.c) and the store side (darknet_store.c: per-source state blobs, loading a
 * day back, flushing). */
#ifndef OODA_OBSERVE_DARKNET_INT_H
#define OODA_OBSERVE_DARKNET_INT_H

#include "observe/darknet.h"

#include <string.h>

#define VM_RESERVE_RECS (8ULL << 30) /* address space reserved per array */
#define VM_RESERVE_POOL (16ULL << 30)
#define VM_RESERVE_V6   (4ULL << 30)
#define NO_REF          UINT32_MAX
#define FLAG_DIRTY      (1u << 24)
#define FLAG_HLL        (1u << 25)
#define FLAG_V6         (1u << 26) /* dk_src.key indexes day->v6 */
#define FLAG_WIDE       (1u << 27) /* exact destination set of 32-bit keys */
#define HOURS_MASK      0xffffffu
#define NCC             (26 * 26)
#define CC_ZZ           (25 * 26 + 25)
#define POOL_CLASSES    92 /* block sizes 1..8 words, then four per octave up to 2^24 */
#define STATE_VERSION   1
#define GEO24_BITS      16
#define STATE_HDR       12

/* ---- virtual-memory arrays ---------------------------------------------------------- */

struct vmarr {
    uint8_t *base;
    size_t used, reserved; /* bytes */
};

/* ---- records -------------------------------------------------------------------- */

/* One (port, class) entry of a source: its packets and the hours it was active. */
struct dk_port_ent {
    uint16_t port;
    uint8_t cls;
    uint8_t pad;
    uint32_t count;
    uint32_t hours;
};
#define DK_PORT_WORDS 3

/* One source of one day: 64 bytes, one cache line (records are 64-byte aligned). The
 * fields every packet touches come first; the source's busiest (port, class) entry lives
 * in the record, the others in a pool block, so most packets touch no other memory. */
struct dk_src {
    uint32_t key;           /* IPv4 address (host order); with FLAG_V6, index into day->v6 */
    uint32_t pk[DK_NCLASS]; /* packets per class */
    uint32_t hours;         /* bits 0-23 active hours; FLAG_DIRTY, FLAG_HLL, FLAG_V6 */
    uint32_t dref;          /* the key (ndst 1), two 16-bit keys (ndst 2, narrow), or pool */
    uint32_t pref;          /* pool offset of entries 1..nport-1 */
    uint16_t p0_port;       /* entry 0, the busiest (promoted as counts change): port, */
    uint16_t dref3;         /* (a fifth inline key, see set_key) */
    uint32_t p0_hours : 24; /* hours and class; its count is derived (see p0_count) */
    uint32_t p0_cls : 8;
    uint32_t dref2;         /* more inline keys of a small exact set (see set_key) */
    uint64_t bytes : 40;    /* saturates at DK_BYTES_MAX */
    uint64_t last_off : 17; /* last and first packet, seconds into the day */
    uint64_t ndst : 7;      /* exact count; with FLAG_HLL a lower bound (<= DK_EXACT_MAX + 1) */
    uint64_t first_off : 17;
    uint64_t nport : 19; /* (port, class) entries: at most 5 x 65536 */
    uint64_t geo : 20;   /* index into day->geo */
};
_Static_assert(sizeof(struct dk_src) == 64, "a source record is one cache line");
#define DK_BYTES_MAX ((UINT64_C(1) << 40) - 1)
#define DK_GEO_MAX   (1u << 20)

struct ph_ent { /* (hour, port, class) counters */
    uint32_t key; /* hour << 24 | cls << 16 | port; 0xffffffff empty */
    uint32_t sources, new_sources;
    uint32_t dirty;
    uint64_t packets, bytes;
};

struct geo_ent {
    uint32_t asn;
    uint16_t cc;
    uint32_t asn_idx;
};

struct __attribute__((packed)) hour_cnt { /* 12 bytes: there are 24 per country and ASN */
    uint64_t packets;
    uint32_t sources : 31;
    uint32_t dirty : 1;
};

struct kmap {
    uint64_t *keys; /* UINT64_MAX empty */
    uint32_t *vals;
    uint32_t cap, used;
};

struct dk_day {
    int64_t day;
    bool narrow;        /* IPv4 exact sets hold 16-bit keys under block (dk_agg_opts) */
    uint32_t block;     /* the /16 of every IPv4 darknet address, shifted: addr >> 16 */
    struct vmarr recs;  /* struct dk_src */
    uint32_t nrecs;
    uint32_t *slots;  /* open addressing, linear probing: record index or NO_REF */
    uint32_t nslots;  /* power of two, at least 4/3 of the records */
    struct vmarr v6;  /* struct ip16 of the IPv6 sources */
    struct vmarr pool;  /* u32 words */
    uint32_t freelist[POOL_CLASSES];
    struct ph_tab { /* (port, class) counters of one hour: open addressing */
        struct ph_ent *ent;
        uint32_t cap, used;
    } ph[24];
    struct geo_ent *geo;
    uint32_t ngeo, geo_cap;
    struct geo24 {         /* direct-mapped: IPv4 /24 + 1 -> geo index, for /24s whose */
        uint32_t key, geo; /* every address has the same country and ASN */
    } * geo24;             /* GEO24_BITS slots */
    uint32_t *asns; /* asn_idx -> asn */
    struct hour_cnt *asn_hours; /* [h * asn_cap + asn_idx]: see asn_hour() */
    uint32_t nasn, asn_cap;
    struct kmap geo_map, asn_map;
    struct hour_cnt cc_hours[24 * NCC]; /* [h * NCC + cc]: see cc_hour() */
};

struct dk_agg {
    struct store *st;
    int64_t sensor;
    const struct geo *geo;
    struct dk_agg_opts o;
    struct dk_day *days[DK_OPEN_DAYS];
    struct dk_day *cur;
    struct buf scratch; /* reused by every flush: state blobs, port lists */
};

/* Hour-major: packets arrive in time order, so an hour's counters of every country and
 * ASN stay together in cache while that hour is ingested. */
static inline struct hour_cnt *cc_hour(struct dk_day *d, uint32_t cc, uint32_t h)
{
    return &d->cc_hours[(size_t)h * NCC + cc];
}

static inline struct hour_cnt *asn_hour(const struct dk_day *d, uint32_t idx, uint32_t h)
{
    return &d->asn_hours[(size_t)h * d->asn_cap + idx];
}

static inline struct dk_src *rec_at(const struct dk_day *d, uint32_t i)
{
    return (struct dk_src *)(void *)d->recs.base + i;
}

static inline uint32_t *pool_at(const struct dk_day *d, uint32_t off)
{
    return (uint32_t *)(void *)d->pool.base + off;
}

/* A source's (port, class) entries: entry 0 lives in the record; the others in a pool
 * block, a dense list while the source has at most PORT_LINEAR entries, then an
 * open-addressing table of 3-word slots (2^k or 3 * 2^k slots, at least 16, load at most
 * 3/4; an empty slot has cls PORT_EMPTY). */
#define PORT_LINEAR 8
#define PORT_EMPTY  0xff

/* Slots of the pool block of a source with nport entries (nport >= 1). */
static inline uint32_t port_slots(uint32_t nport)
{
    uint32_t others = nport - 1, need;
    unsigned b;

    if (nport <= PORT_LINEAR)
        return others;
    need = (others * 4 + 2) / 3;
    if (need <= 16)
        return 16;
    b = 32u - (unsigned)__builtin_clz(need - 1); /* 2^(b-1) < need <= 2^b */
    return need <= 3u << (b - 2) ? 3u << (b - 2) : 1u << b;
}

/* Number of slots to visit for every entry of r: slot 0 is the record's own entry. */
static inline uint32_t port_nslots(const struct dk_src *r)
{
    return r->nport ? port_slots(r->nport) + 1 : 0;
}

/* Pool slot s (1 <= s < port_nslots(r)) of r's entries; NULL for an empty table slot. */
static inline struct dk_port_ent *port_pool_slot(const struct dk_day *d, const struct dk_src *r,
                                                 uint32_t s)
{
    struct dk_port_ent *pe = (struct dk_port_ent *)(void *)pool_at(d, r->pref) + (s - 1);

    return pe->cls == PORT_EMPTY ? NULL : pe;
}

/* Packets of entry 0: every packet of a class counts in exactly one entry of that class,
 * so it is the class total less the pool entries of the class. */
static inline uint32_t p0_count(const struct dk_day *d, const struct dk_src *r)
{
    uint32_t c = r->pk[r->p0_cls];

    for (uint32_t s = 1, ns = port_nslots(r); s < ns; s++) {
        const struct dk_port_ent *pe = port_pool_slot(d, r, s);
        if (pe != NULL && pe->cls == r->p0_cls)
            c -= pe->count;
    }
    return c;
}

/* Copies slot s (< port_nslots(r)) of r's entries into *out; false for an empty slot. */
static inline bool port_get(const struct dk_day *d, const struct dk_src *r, uint32_t s,
                            struct dk_port_ent *out)
{
    const struct dk_port_ent *pe;

    if (s == 0) {
        *out = (struct dk_port_ent){r->p0_port, r->p0_cls, 0, p0_count(d, r), r->p0_hours};
        return true;
    }
    pe = port_pool_slot(d, r, s);
    if (pe != NULL)
        *out = *pe;
    return pe != NULL;
}

/* Whether r's exact destination set holds 32-bit keys (else 16-bit keys under d->block). */
static inline bool set_wide(const struct dk_day *d, const struct dk_src *r)
{
    return !d->narrow || (r->hours & (FLAG_V6 | FLAG_WIDE));
}

/* Keys an exact set holds in the record (dref, dref2, dref3) before it needs a pool
 * block: two 32-bit keys, or five 16-bit keys. A set of one key keeps it whole in dref. */
static inline uint32_t set_inline(const struct dk_day *d, const struct dk_src *r)
{
    return set_wide(d, r) ? 2 : 5;
}

/* Key i of r's exact set (i < r->ndst), as a full 32-bit key. */
static inline uint32_t set_key(const struct dk_day *d, const struct dk_src *r, uint32_t i)
{
    if (r->ndst == 1)
        return r->dref;
    if (set_wide(d, r)) {
        if (r->ndst <= 2)
            return i == 0 ? r->dref : r->dref2;
        return pool_at(d, r->dref)[i];
    }
    if (r->ndst <= 5) {
        if (i == 4)
            return d->block << 16 | r->dref3;
        return d->block << 16 | ((i < 2 ? r->dref : r->dref2) >> (16 * (i & 1)) & 0xffff);
    }
    return d->block << 16 | ((const uint16_t *)(const void *)pool_at(d, r->dref))[i];
}

static inline const struct ip16 *v6_at(const struct dk_day *d, uint32_t i)
{
    return (const struct ip16 *)(void *)d->v6.base + i;
}

/* The source address of record r. */
static inline void src_ip(const struct dk_day *d, const struct dk_src *r, struct ip16 *out)
{
    if (r->hours & FLAG_V6) {
        *out = *v6_at(d, r->key);
        return;
    }
    memset(out->b, 0, 10);
    out->b[10] = out->b[11] = 0xff;
    out->b[12] = (uint8_t)(r->key >> 24);
    out->b[13] = (uint8_t)(r->key >> 16);
    out->b[14] = (uint8_t)(r->key >> 8);
    out->b[15] = (uint8_t)r->key;
}

static inline uint32_t v4_of(const struct ip16 *ip)
{
    return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 | (uint32_t)ip->b[14] << 8 |
           ip->b[15];
}

static inline uint32_t v4_hash(uint32_t v4)
{
    uint64_t h = ((uint64_t)v4 ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL;
    return (uint32_t)((h ^ h >> 31) * 0xff51afd7ed558ccdULL >> 32);
}

static inline uint32_t ip_hash(const struct ip16 *ip)
{
    uint64_t a, b, h;

    if (ip16_is_v4(ip))
        return v4_hash(v4_of(ip));
    memcpy(&a, ip->b, 8);
    memcpy(&b, ip->b + 8, 8);
    h = (a ^ 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL ^ b * 0xc4ceb9fe1a85ec53ULL;
    return (uint32_t)((h ^ h >> 29) * 0x9e3779b97f4a7c15ULL >> 32);
}

/* ---- shared between darknet.c and darknet_store.c ----------------------------------- */

void observe_dk_kmap_fini(struct kmap *m);
bool observe_dk_kmap_get(const struct kmap *m, uint64_t k, uint32_t *v);
enum err_code observe_dk_kmap_put(struct kmap *m, uint64_t k, uint32_t v, struct err *e);
uint16_t observe_dk_cc_index(const char cc[3]);
enum err_code observe_dk_asn_index(struct dk_day *d, uint32_t asn, uint32_t *idx, struct err *e);
enum err_code observe_dk_geo_index(struct dk_day *d, const struct geo_info *gi, uint32_t *out,
                                   struct err *e);
enum err_code observe_dk_ph_get(struct dk_day *d, uint32_t key, struct ph_ent **out, struct err *e);
enum err_code observe_dk_src_insert(struct dk_day *d, const struct ip16 *ip, uint32_t h,
                                    uint32_t *idx, struct err *e);
enum err_code observe_dk_pool_alloc(struct dk_day *d, uint32_t words, uint32_t *off, struct err *e);
/* Adds a destination key to source r's set (exact up to thr, then HyperLogLog). */
enum err_code observe_dk_dst_insert(struct dk_day *d, struct dk_src *r, uint32_t key, uint32_t thr,
                                    struct err *e);
/* Finds or adds source idx's (port, class) entry; *fresh says it was added. */
enum err_code observe_dk_port_entry(struct dk_day *d, struct dk_src *r, uint16_t port, uint8_t cls,
                                    struct dk_port_ent **out, bool *fresh, struct err *e);

enum err_code observe_dk_day_new(int64_t day, struct dk_day **out, struct err *e);
void observe_dk_day_free(struct dk_day *d); /* NULL is a no-op */

/* darknet_store.c: loads day d's stored state; writes what changed since the last flush. */
enum err_code observe_dk_day_load(struct dk_agg *a, struct dk_day *d, struct err *e);
enum err_code observe_dk_day_flush(struct dk_agg *a, struct dk_day *d, struct err *e);

#endif
