/* darknet.c - the per-day darknet aggregator: the hot path of `ooda ingest`.
 *
 * Data structures, per open (sensor, UTC day):
 *  - struct dk_src records (80 bytes) in a virtual-memory array, found through a
 *    power-of-two bucket array of u32 heads chained through dk_src.next;
 *  - a word pool (u32 units, power-of-two size classes with free lists) holding each
 *    source's distinct-destination set (exact up to the scanner threshold, then a
 *    256-register HyperLogLog) and its (port, class) entries with 24-bit hour maps;
 *  - an open-addressing table of (hour, port, class) counters;
 *  - dense (country x hour) counters and (ASN index x hour) counters.
 * Memory grows with distinct sources and their (port, class) pairs, never with packets.
 * Virtual-memory arrays reserve address space once (MAP_NORESERVE) and commit pages as
 * they are touched, so growth never copies. */
#include "observe/darknet.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VM_RESERVE_RECS (8ULL << 30) /* address space reserved per array */
#define VM_RESERVE_POOL (16ULL << 30)
#define NO_REF          UINT32_MAX
#define FLAG_DIRTY      (1u << 24)
#define FLAG_HLL        (1u << 25)
#define HOURS_MASK      0xffffffu
#define NCC             (26 * 26)
#define CC_ZZ           (25 * 26 + 25)
#define POOL_CLASSES    24
#define STATE_VERSION   1
#define STATE_HDR       12

/* ---- virtual-memory arrays ---------------------------------------------------------- */

struct vmarr {
    uint8_t *base;
    size_t used, reserved; /* bytes */
};

static enum err_code vm_init(struct vmarr *v, size_t reserve, struct err *e)
{
    void *p = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED)
        return err_sys(e, ERR_NOMEM, "darknet: cannot reserve %zu bytes", reserve);
    /* Lookups land at random: huge pages spare a TLB miss per packet. Advice only. */
    (void)madvise(p, reserve, MADV_HUGEPAGE);
    v->base = p;
    v->used = 0;
    v->reserved = reserve;
    return ERR_OK;
}

static void vm_fini(struct vmarr *v)
{
    if (v->base != NULL)
        (void)munmap(v->base, v->reserved); /* cannot fail for a mapping we made */
    v->base = NULL;
}

/* ---- records -------------------------------------------------------------------- */

struct dk_src {
    struct ip16 ip;
    uint64_t bytes;
    uint32_t pk[DK_NCLASS];
    uint32_t first, last; /* Unix seconds */
    uint32_t hours;       /* bits 0-23 active hours; FLAG_DIRTY, FLAG_HLL */
    uint32_t geo;         /* index into day->geo */
    uint32_t dref;        /* ndst == 1: the key itself; else pool offset */
    uint32_t ndst;        /* exact count while not FLAG_HLL */
    uint32_t pref;        /* pool offset of port entries */
    uint32_t nport;
    uint32_t next; /* bucket chain */
};

/* One (port, class) entry of a source: 3 pool words. */
struct dk_port_ent {
    uint16_t port;
    uint8_t cls;
    uint8_t pad;
    uint32_t count;
    uint32_t hours;
};

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
    struct vmarr recs;  /* struct dk_src */
    uint32_t nrecs;
    uint32_t *buckets;
    uint32_t nbuckets; /* power of two */
    struct vmarr pool;  /* u32 words */
    uint32_t freelist[POOL_CLASSES];
    struct ph_ent *ph;
    uint32_t ph_cap, ph_used;
    struct geo_ent *geo;
    uint32_t ngeo, geo_cap;
    uint32_t *asns; /* asn_idx -> asn */
    struct hour_cnt *asn_hours; /* [asn_idx * 24 + h] */
    uint32_t nasn, asn_cap;
    struct kmap geo_map, asn_map;
    struct kmap port_map; /* (source, class, port) -> entry, for sources with many entries */
    struct hour_cnt cc_hours[NCC * 24];
};

struct dk_agg {
    struct store *st;
    int64_t sensor;
    const struct geo *geo;
    struct dk_agg_opts o;
    struct dk_day *days[DK_OPEN_DAYS];
    struct dk_day *cur;
    struct buf scratch, json;
};

static inline struct dk_src *rec_at(const struct dk_day *d, uint32_t i)
{
    return (struct dk_src *)(void *)d->recs.base + i;
}

static inline uint32_t *pool_at(const struct dk_day *d, uint32_t off)
{
    return (uint32_t *)(void *)d->pool.base + off;
}

/* ---- word pool --------------------------------------------------------------------- */

static unsigned pool_class(uint32_t words)
{
    unsigned c = 0;

    while ((1u << c) < words)
        c++;
    return c;
}

static enum err_code pool_alloc(struct dk_day *d, uint32_t words, uint32_t *off, struct err *e)
{
    unsigned c = pool_class(words);
    size_t bytes = ((size_t)1 << c) * 4;

    if (c >= POOL_CLASSES)
        return err_set(e, ERR_LIMIT, "darknet: pool block of %u words too large", words);
    if (d->freelist[c] != NO_REF) {
        *off = d->freelist[c];
        d->freelist[c] = *pool_at(d, *off);
        return ERR_OK;
    }
    if (d->pool.used + bytes > d->pool.reserved)
        return err_set(e, ERR_NOMEM, "darknet: word pool exhausted");
    *off = (uint32_t)(d->pool.used / 4);
    d->pool.used += bytes;
    return ERR_OK;
}

static void pool_release(struct dk_day *d, uint32_t off, uint32_t words)
{
    unsigned c = pool_class(words);

    *pool_at(d, off) = d->freelist[c];
    d->freelist[c] = off;
}

/* Grows a block of `have` used words (capacity the next power of two) to hold `want`. */
static enum err_code pool_grow(struct dk_day *d, uint32_t *off, uint32_t have, uint32_t want,
                               struct err *e)
{
    uint32_t noff;
    enum err_code rc;

    if (have > 0 && pool_class(have) == pool_class(want))
        return ERR_OK;
    rc = pool_alloc(d, want, &noff, e);
    if (rc != ERR_OK)
        return rc;
    if (have > 0) {
        memcpy(pool_at(d, noff), pool_at(d, *off), (size_t)have * 4);
        pool_release(d, *off, have);
    }
    *off = noff;
    return ERR_OK;
}

/* ---- HyperLogLog -------------------------------------------------------------------- */

void dk_hll_add(uint8_t *regs, uint32_t key)
{
    uint64_t h = hash_u64((uint64_t)key * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
    unsigned idx = (unsigned)(h >> 56), rank;
    uint64_t rest = h << 8;
    uint8_t cur;

    rank = rest == 0 ? 15 : (unsigned)__builtin_clzll(rest) + 1;
    if (rank > 15)
        rank = 15;
    cur = (uint8_t)((regs[idx / 2] >> ((idx & 1) * 4)) & 15);
    if (rank > cur)
        regs[idx / 2] = (uint8_t)((regs[idx / 2] & ~(15u << ((idx & 1) * 4))) |
                                  (rank << ((idx & 1) * 4)));
}

double dk_hll_estimate(const uint8_t *regs)
{
    const double m = 256, alpha = 0.7213 / (1 + 1.079 / 256);
    double sum = 0;
    int zeros = 0;

    for (int i = 0; i < 256; i++) {
        unsigned r = (regs[i / 2] >> ((i & 1) * 4)) & 15;
        sum += 1.0 / (double)(1u << r);
        zeros += r == 0;
    }
    double est = alpha * m * m / sum;
    if (est <= 2.5 * m && zeros > 0)
        est = m * __builtin_log(m / zeros);
    return est;
}

/* ---- day state ------------------------------------------------------------------- */

static void kmap_fini(struct kmap *m);

static void day_free(struct dk_day *d)
{
    if (d == NULL)
        return;
    vm_fini(&d->recs);
    vm_fini(&d->pool);
    mem_free(d->buckets);
    mem_free(d->ph);
    mem_free(d->geo);
    mem_free(d->asns);
    mem_free(d->asn_hours);
    kmap_fini(&d->geo_map);
    kmap_fini(&d->asn_map);
    kmap_fini(&d->port_map);
    mem_free(d);
}

static enum err_code day_new(int64_t day, struct dk_day **out, struct err *e)
{
    struct dk_day *d = mem_calloc(1, sizeof(*d));
    enum err_code rc;

    *out = NULL;
    if (d == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot allocate day state");
    d->day = day;
    for (int i = 0; i < POOL_CLASSES; i++)
        d->freelist[i] = NO_REF;
    rc = vm_init(&d->recs, VM_RESERVE_RECS, e);
    if (rc == ERR_OK)
        rc = vm_init(&d->pool, VM_RESERVE_POOL, e);
    d->nbuckets = 1024;
    d->ph_cap = 1024;
    d->buckets = mem_alloc(d->nbuckets * sizeof(*d->buckets));
    d->ph = mem_alloc(d->ph_cap * sizeof(*d->ph));
    if (rc == ERR_OK && (d->buckets == NULL || d->ph == NULL))
        rc = err_set(e, ERR_NOMEM, "darknet: cannot allocate tables");
    if (rc != ERR_OK) {
        day_free(d);
        return rc;
    }
    memset(d->buckets, 0xff, d->nbuckets * sizeof(*d->buckets));
    memset(d->ph, 0xff, d->ph_cap * sizeof(*d->ph));
    *out = d;
    return ERR_OK;
}

static inline uint32_t ip_hash(const struct ip16 *ip)
{
    uint64_t a, b, h;

    memcpy(&a, ip->b, 8);
    memcpy(&b, ip->b + 8, 8);
    h = (a ^ 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL ^ b * 0xc4ceb9fe1a85ec53ULL;
    return (uint32_t)((h ^ h >> 29) * 0x9e3779b97f4a7c15ULL >> 32);
}

static enum err_code rehash(struct dk_day *d, struct err *e)
{
    uint32_t n = d->nbuckets * 2;
    uint32_t *nb = mem_alloc((size_t)n * sizeof(*nb));

    if (nb == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot grow source table");
    memset(nb, 0xff, (size_t)n * sizeof(*nb));
    for (uint32_t i = 0; i < d->nrecs; i++) {
        struct dk_src *r = rec_at(d, i);
        uint32_t h = ip_hash(&r->ip) & (n - 1);
        r->next = nb[h];
        nb[h] = i;
    }
    mem_free(d->buckets);
    d->buckets = nb;
    d->nbuckets = n;
    return ERR_OK;
}

static uint16_t cc_index(const char cc[3])
{
    if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
        return CC_ZZ;
    return (uint16_t)((cc[0] - 'A') * 26 + (cc[1] - 'A'));
}

/* ---- u64 -> u32 maps (open addressing, linear probing) ------------------------------ */

static void kmap_fini(struct kmap *m)
{
    mem_free(m->keys);
    mem_free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->used = 0;
}

static bool kmap_get(const struct kmap *m, uint64_t k, uint32_t *v)
{
    if (m->cap == 0)
        return false;
    for (uint32_t i = (uint32_t)hash_u64(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == k) {
            *v = m->vals[i];
            return true;
        }
        if (m->keys[i] == UINT64_MAX)
            return false;
    }
}

static void kmap_put_nogrow(struct kmap *m, uint64_t k, uint32_t v)
{
    uint32_t i = (uint32_t)hash_u64(k) & (m->cap - 1);

    while (m->keys[i] != UINT64_MAX && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == UINT64_MAX)
        m->used++;
    m->keys[i] = k;
    m->vals[i] = v;
}

static enum err_code kmap_put(struct kmap *m, uint64_t k, uint32_t v, struct err *e)
{
    if ((m->used + 1) * 2 > m->cap) {
        struct kmap n = {0};
        n.cap = m->cap ? m->cap * 2 : 256;
        n.keys = mem_alloc((size_t)n.cap * sizeof(*n.keys));
        n.vals = mem_alloc((size_t)n.cap * sizeof(*n.vals));
        if (n.keys == NULL || n.vals == NULL) {
            kmap_fini(&n);
            return err_set(e, ERR_NOMEM, "darknet: cannot grow map");
        }
        memset(n.keys, 0xff, (size_t)n.cap * sizeof(*n.keys));
        for (uint32_t i = 0; i < m->cap; i++)
            if (m->keys[i] != UINT64_MAX)
                kmap_put_nogrow(&n, m->keys[i], m->vals[i]);
        kmap_fini(m);
        *m = n;
    }
    kmap_put_nogrow(m, k, v);
    return ERR_OK;
}

static enum err_code asn_index(struct dk_day *d, uint32_t asn, uint32_t *idx, struct err *e)
{
    if (kmap_get(&d->asn_map, asn, idx))
        return ERR_OK;
    if (d->nasn == d->asn_cap) {
        uint32_t cap = d->asn_cap ? d->asn_cap * 2 : 256;
        uint32_t *na = mem_realloc(d->asns, cap * sizeof(*na));
        struct hour_cnt *nh;
        if (na == NULL)
            return err_set(e, ERR_NOMEM, "darknet: cannot grow ASN table");
        d->asns = na;
        nh = mem_realloc(d->asn_hours, (size_t)cap * 24 * sizeof(*nh));
        if (nh == NULL)
            return err_set(e, ERR_NOMEM, "darknet: cannot grow ASN table");
        memset(nh + (size_t)d->asn_cap * 24, 0, (size_t)(cap - d->asn_cap) * 24 * sizeof(*nh));
        d->asn_hours = nh;
        d->asn_cap = cap;
    }
    if (kmap_put(&d->asn_map, asn, d->nasn, e) != ERR_OK)
        return ERR_NOMEM;
    d->asns[d->nasn] = asn;
    *idx = d->nasn++;
    return ERR_OK;
}

/* Finds or adds the (country, ASN) pair of a new source. */
static enum err_code geo_index(struct dk_day *d, const struct geo_info *gi, uint32_t *out,
                               struct err *e)
{
    uint16_t cc = cc_index(gi->country);
    uint64_t key = (uint64_t)gi->asn << 16 | cc;
    uint32_t asn_idx;
    enum err_code rc;

    if (kmap_get(&d->geo_map, key, out))
        return ERR_OK;
    rc = asn_index(d, gi->asn, &asn_idx, e);
    if (rc != ERR_OK)
        return rc;
    if (d->ngeo == d->geo_cap) {
        uint32_t cap = d->geo_cap ? d->geo_cap * 2 : 256;
        struct geo_ent *ng = mem_realloc(d->geo, cap * sizeof(*ng));
        if (ng == NULL)
            return err_set(e, ERR_NOMEM, "darknet: cannot grow geo table");
        d->geo = ng;
        d->geo_cap = cap;
    }
    rc = kmap_put(&d->geo_map, key, d->ngeo, e);
    if (rc != ERR_OK)
        return rc;
    d->geo[d->ngeo] = (struct geo_ent){gi->asn, cc, asn_idx};
    *out = d->ngeo++;
    return ERR_OK;
}

/* ---- (hour, port, class) table ------------------------------------------------------ */

static inline uint32_t ph_hash(uint32_t key)
{
    return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> 32);
}


static enum err_code ph_grow(struct dk_day *d, struct err *e)
{
    uint32_t n = d->ph_cap * 2;
    struct ph_ent *nt = mem_alloc((size_t)n * sizeof(*nt));

    if (nt == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot grow port table");
    memset(nt, 0xff, (size_t)n * sizeof(*nt));
    for (uint32_t i = 0; i < d->ph_cap; i++) {
        uint32_t j;
        if (d->ph[i].key == UINT32_MAX)
            continue;
        for (j = ph_hash(d->ph[i].key) & (n - 1); nt[j].key != UINT32_MAX;
             j = (j + 1) & (n - 1))
            ;
        nt[j] = d->ph[i];
    }
    mem_free(d->ph);
    d->ph = nt;
    d->ph_cap = n;
    return ERR_OK;
}

static enum err_code ph_get(struct dk_day *d, uint32_t key, struct ph_ent **out, struct err *e)
{
    uint32_t i = ph_hash(key) & (d->ph_cap - 1);

    while (d->ph[i].key != key) {
        if (d->ph[i].key == UINT32_MAX) {
            if ((d->ph_used + 1) * 4 > d->ph_cap * 3) {
                enum err_code rc = ph_grow(d, e);
                if (rc != ERR_OK)
                    return rc;
                return ph_get(d, key, out, e);
            }
            d->ph[i] = (struct ph_ent){key, 0, 0, 0, 0, 0};
            d->ph_used++;
            break;
        }
        i = (i + 1) & (d->ph_cap - 1);
    }
    *out = &d->ph[i];
    return ERR_OK;
}

/* ---- sources ------------------------------------------------------------------------- */

static enum err_code src_insert(struct dk_day *d, const struct ip16 *ip, uint32_t h,
                                uint32_t *idx, struct err *e)
{
    struct dk_src *r;
    enum err_code rc;

    if (((size_t)d->nrecs + 1) * sizeof(struct dk_src) > d->recs.reserved)
        return err_set(e, ERR_NOMEM, "darknet: too many sources in one day");
    if (d->nrecs >= d->nbuckets) {
        rc = rehash(d, e);
        if (rc != ERR_OK)
            return rc;
        h = ip_hash(ip);
    }
    h &= d->nbuckets - 1;
    r = rec_at(d, d->nrecs);
    memset(r, 0, sizeof(*r));
    r->ip = *ip;
    r->dref = NO_REF;
    r->pref = NO_REF;
    r->next = d->buckets[h];
    d->buckets[h] = d->nrecs;
    d->recs.used += sizeof(*r);
    *idx = d->nrecs++;
    return ERR_OK;
}

/* Finds ip's record; a hit that is not at the head of its chain is moved to the front,
 * so busy sources (seen early, then buried under newer ones) stay one load away. */
static inline uint32_t src_find(struct dk_day *d, const struct ip16 *ip, uint32_t h)
{
    uint32_t *head = &d->buckets[h & (d->nbuckets - 1)];
    uint32_t i = *head, prev = NO_REF;

    while (i != NO_REF) {
        struct dk_src *r = rec_at(d, i);
        if (memcmp(r->ip.b, ip->b, 16) == 0) {
            if (prev != NO_REF) {
                rec_at(d, prev)->next = r->next;
                r->next = *head;
                *head = i;
            }
            return i;
        }
        prev = i;
        i = r->next;
    }
    return NO_REF;
}

static inline uint32_t dst_key(const struct ip16 *dst)
{
    uint64_t a, b;

    if (ip16_is_v4(dst))
        return (uint32_t)dst->b[12] << 24 | (uint32_t)dst->b[13] << 16 |
               (uint32_t)dst->b[14] << 8 | dst->b[15];
    memcpy(&a, dst->b, 8);
    memcpy(&b, dst->b + 8, 8);
    return (uint32_t)hash_u64(a ^ hash_u64(b));
}

/* Converts an exact set of T keys (plus the new one) into a HyperLogLog. */
static enum err_code dst_to_hll(struct dk_day *d, struct dk_src *r, uint32_t key,
                                struct err *e)
{
    uint32_t off;
    uint8_t *regs;
    enum err_code rc = pool_alloc(d, DK_HLL_BYTES / 4, &off, e);

    if (rc != ERR_OK)
        return rc;
    regs = (uint8_t *)pool_at(d, off);
    memset(regs, 0, DK_HLL_BYTES);
    if (r->ndst == 1) {
        dk_hll_add(regs, r->dref);
    } else {
        for (uint32_t i = 0; i < r->ndst; i++)
            dk_hll_add(regs, pool_at(d, r->dref)[i]);
        pool_release(d, r->dref, r->ndst);
    }
    dk_hll_add(regs, key);
    r->dref = off;
    r->ndst++;
    r->hours |= FLAG_HLL;
    return ERR_OK;
}

static enum err_code dst_add_slow(struct dk_day *d, struct dk_src *r, uint32_t key,
                                  uint32_t thr, struct err *e);

/* The common cases inline: a HyperLogLog, or the one destination seen so far. */
static inline enum err_code dst_add(struct dk_day *d, struct dk_src *r, uint32_t key,
                                    uint32_t thr, struct err *e)
{
    if (r->hours & FLAG_HLL) {
        dk_hll_add((uint8_t *)pool_at(d, r->dref), key);
        return ERR_OK;
    }
    if (r->ndst == 1 && r->dref == key)
        return ERR_OK;
    return dst_add_slow(d, r, key, thr, e);
}

static enum err_code dst_add_slow(struct dk_day *d, struct dk_src *r, uint32_t key,
                                  uint32_t thr, struct err *e)
{
    uint32_t *set, hit;
    enum err_code rc;

    if (r->hours & FLAG_HLL) {
        dk_hll_add((uint8_t *)pool_at(d, r->dref), key);
        return ERR_OK;
    }
    if (r->ndst == 0) {
        r->dref = key;
        r->ndst = 1;
        return ERR_OK;
    }
    if (r->ndst == 1) {
        uint32_t off, first = r->dref;
        if (first == key)
            return ERR_OK;
        if (thr <= 1)
            return dst_to_hll(d, r, key, e);
        rc = pool_alloc(d, 2, &off, e);
        if (rc != ERR_OK)
            return rc;
        pool_at(d, off)[0] = first;
        pool_at(d, off)[1] = key;
        r->dref = off;
        r->ndst = 2;
        return ERR_OK;
    }
    set = pool_at(d, r->dref);
    hit = 0;
    for (uint32_t i = 0; i < r->ndst; i++) /* branch-free: the compiler vectorizes it */
        hit |= set[i] == key;
    if (hit)
        return ERR_OK;
    if (r->ndst >= thr)
        return dst_to_hll(d, r, key, e);
    rc = pool_grow(d, &r->dref, r->ndst, r->ndst + 1, e);
    if (rc != ERR_OK)
        return rc;
    pool_at(d, r->dref)[r->ndst++] = key;
    return ERR_OK;
}

static inline struct dk_port_ent *ports_of(const struct dk_day *d, const struct dk_src *r)
{
    return (struct dk_port_ent *)(void *)pool_at(d, r->pref);
}

#define PORT_LINEAR 8 /* entries searched linearly; more go through day->port_map */

static inline uint64_t port_key(uint32_t idx, uint16_t port, uint8_t cls)
{
    return (uint64_t)idx << 19 | (uint64_t)cls << 16 | port;
}

static enum err_code port_append(struct dk_day *d, struct dk_src *r, uint32_t idx, uint16_t port,
                                 uint8_t cls, struct dk_port_ent **out, struct err *e)
{
    struct dk_port_ent *pe;
    enum err_code rc;

    if (r->nport >= (1u << 26)) /* cannot happen: 5 classes x 65536 ports */
        return err_set(e, ERR_LIMIT, "darknet: too many (port, class) pairs for one source");
    rc = pool_grow(d, &r->pref, r->nport * 3u, (r->nport + 1u) * 3u, e);
    if (rc != ERR_OK)
        return rc;
    pe = ports_of(d, r);
    if (r->nport == PORT_LINEAR) /* switching to the map: index what is there */
        for (uint32_t i = 0; i < r->nport && rc == ERR_OK; i++)
            rc = kmap_put(&d->port_map, port_key(idx, pe[i].port, pe[i].cls), i, e);
    if (rc == ERR_OK && r->nport >= PORT_LINEAR)
        rc = kmap_put(&d->port_map, port_key(idx, port, cls), r->nport, e);
    if (rc != ERR_OK)
        return rc;
    pe += r->nport++;
    *pe = (struct dk_port_ent){port, cls, 0, 0, 0};
    *out = pe;
    return ERR_OK;
}

/* Finds or adds source idx's (port, class) entry; *fresh says it was added. */
static enum err_code port_entry(struct dk_day *d, struct dk_src *r, uint32_t idx, uint16_t port,
                                uint8_t cls, struct dk_port_ent **out, bool *fresh,
                                struct err *e)
{
    struct dk_port_ent *pe = r->nport ? ports_of(d, r) : NULL;
    uint32_t at;

    *fresh = false;
    if (r->nport > PORT_LINEAR) {
        if (kmap_get(&d->port_map, port_key(idx, port, cls), &at)) {
            *out = &pe[at];
            return ERR_OK;
        }
    } else {
        for (uint32_t i = 0; i < r->nport; i++)
            if (pe[i].port == port && pe[i].cls == cls) {
                *out = &pe[i];
                return ERR_OK;
            }
    }
    *fresh = true;
    return port_append(d, r, idx, port, cls, out, e);
}

static enum err_code new_source(struct dk_agg *a, struct dk_day *d, const struct ip16 *ip,
                                uint32_t h, uint32_t *idx, struct err *e)
{
    struct geo_info gi = {"ZZ", 0};
    uint32_t g;
    enum err_code rc;

    if (a->geo != NULL)
        geo_lookup(a->geo, ip, &gi);
    rc = geo_index(d, &gi, &g, e);
    if (rc == ERR_OK)
        rc = src_insert(d, ip, h, idx, e);
    if (rc == ERR_OK)
        rec_at(d, *idx)->geo = g;
    return rc;
}

/* Applies one packet to day d. */
static enum err_code day_add(struct dk_agg *a, struct dk_day *d, int64_t ts, unsigned hour,
                             const struct pkt *p, uint32_t hsh, struct err *e)
{
    uint32_t idx = src_find(d, &p->src, hsh);
    uint32_t hbit = 1u << hour;
    struct dk_src *r;
    struct dk_port_ent *pe = NULL;
    struct ph_ent *ph = NULL;
    const struct geo_ent *g;
    bool fresh = false;
    enum err_code rc;

    if (idx == NO_REF) {
        rc = new_source(a, d, &p->src, hsh, &idx, e);
        if (rc != ERR_OK)
            return rc;
    }
    r = rec_at(d, idx);
    if (r->pk[0] + r->pk[1] + r->pk[2] + r->pk[3] + r->pk[4] == 0)
        r->first = r->last = (uint32_t)ts;
    if ((uint32_t)ts < r->first)
        r->first = (uint32_t)ts;
    if ((uint32_t)ts > r->last)
        r->last = (uint32_t)ts;
    r->pk[p->cls]++;
    r->bytes += p->ip_len;
    g = &d->geo[r->geo];
    d->cc_hours[g->cc * 24 + hour].packets++;
    d->cc_hours[g->cc * 24 + hour].dirty = 1;
    d->asn_hours[g->asn_idx * 24 + hour].packets++;
    d->asn_hours[g->asn_idx * 24 + hour].dirty = 1;
    if (!(r->hours & hbit)) {
        d->cc_hours[g->cc * 24 + hour].sources++;
        d->asn_hours[g->asn_idx * 24 + hour].sources++;
    }
    r->hours |= hbit | FLAG_DIRTY;
    rc = dst_add(d, r, dst_key(&p->dst), a->o.scanner_threshold, e);
    pe = r->nport ? ports_of(d, r) : NULL;
    if (rc == ERR_OK && (pe == NULL || pe->port != p->port || pe->cls != p->cls))
        rc = port_entry(d, r, idx, p->port, p->cls, &pe, &fresh, e); /* not the first entry */
    if (rc == ERR_OK)
        rc = ph_get(d, hour << 24 | (uint32_t)p->cls << 16 | p->port, &ph, e);
    if (rc != ERR_OK)
        return rc;
    ph->packets++;
    ph->bytes += p->ip_len;
    ph->dirty = 1;
    if (fresh)
        ph->new_sources++;
    if (!(pe->hours & hbit))
        ph->sources++;
    pe->hours |= hbit;
    pe->count++;
    return ERR_OK;
}

/* ---- per-source state blob ------------------------------------------------------------
 *
 *   u8 version (1) | u8 flags (bit 0: HyperLogLog) | u16 zero | u32 ndst | u32 nport
 *   destinations: HLL -> 128 register bytes; else ndst u32 keys
 *   nport x { u16 port | u8 class | u32 count | u32 hours }          (little-endian)
 */

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static enum err_code state_encode(const struct dk_day *d, const struct dk_src *r, struct buf *b,
                                  struct err *e)
{
    bool hll = (r->hours & FLAG_HLL) != 0;
    size_t dbytes = hll ? DK_HLL_BYTES : (size_t)r->ndst * 4;
    size_t n = STATE_HDR + dbytes + (size_t)r->nport * 11;
    const struct dk_port_ent *pe = r->nport ? ports_of(d, r) : NULL;
    uint8_t *p;
    enum err_code rc = buf_resize(b, n, e);

    if (rc != ERR_OK)
        return rc;
    p = b->data;
    p[0] = STATE_VERSION;
    p[1] = hll ? 1 : 0;
    put_u16(p + 2, 0);
    put_u32(p + 4, r->ndst);
    put_u32(p + 8, r->nport);
    p += STATE_HDR;
    if (hll)
        memcpy(p, pool_at(d, r->dref), DK_HLL_BYTES);
    else if (r->ndst == 1)
        put_u32(p, r->dref);
    else
        for (uint32_t i = 0; i < r->ndst; i++)
            put_u32(p + 4 * i, pool_at(d, r->dref)[i]);
    p += dbytes;
    for (uint32_t i = 0; i < r->nport; i++, p += 11) {
        put_u16(p, pe[i].port);
        p[2] = pe[i].cls;
        put_u32(p + 3, pe[i].count);
        put_u32(p + 7, pe[i].hours);
    }
    return ERR_OK;
}

/* Rebuilds r's destination set and port entries from a stored blob. */
static enum err_code state_decode(struct dk_day *d, struct dk_src *r, uint32_t idx,
                                  const uint8_t *s, size_t n, uint32_t thr, struct err *e)
{
    uint32_t ndst, nport;
    size_t dbytes;
    bool hll;
    enum err_code rc;

    if (n < STATE_HDR || s[0] != STATE_VERSION || s[1] > 1)
        return err_set(e, ERR_PARSE, "darknet: stored source state has a bad header");
    hll = s[1] == 1;
    ndst = get_u32(s + 4);
    nport = get_u32(s + 8);
    dbytes = hll ? DK_HLL_BYTES : (size_t)ndst * 4;
    if ((!hll && ndst > thr) || nport > (1u << 20) ||
        n != STATE_HDR + dbytes + (size_t)nport * 11)
        return err_set(e, ERR_PARSE, "darknet: stored source state has a bad length");
    s += STATE_HDR;
    if (hll) {
        rc = pool_alloc(d, DK_HLL_BYTES / 4, &r->dref, e);
        if (rc != ERR_OK)
            return rc;
        memcpy(pool_at(d, r->dref), s, DK_HLL_BYTES);
        r->hours |= FLAG_HLL;
        r->ndst = ndst;
    } else {
        for (uint32_t i = 0; i < ndst; i++) {
            rc = dst_add(d, r, get_u32(s + 4 * i), thr, e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    s += dbytes;
    for (uint32_t i = 0; i < nport; i++, s += 11) {
        struct dk_port_ent *pe;
        bool fresh;
        if (s[2] >= DK_NCLASS)
            return err_set(e, ERR_PARSE, "darknet: stored source state has a bad class");
        rc = port_entry(d, r, idx, get_u16(s), s[2], &pe, &fresh, e);
        if (rc != ERR_OK)
            return rc;
        pe->count = get_u32(s + 3);
        pe->hours = get_u32(s + 7) & HOURS_MASK;
    }
    return ERR_OK;
}

/* ---- loading a day back from the store ---------------------------------------------- */

struct load_ctx {
    struct dk_agg *a;
    struct dk_day *d;
};

static enum err_code load_src(void *ctx, const struct store_dk_src *row, struct err *e)
{
    struct load_ctx *c = ctx;
    struct dk_day *d = c->d;
    struct geo_info gi;
    struct dk_src *r;
    uint32_t idx, g;
    enum err_code rc;

    memcpy(gi.country, row->country, 3);
    gi.asn = row->asn;
    rc = geo_index(d, &gi, &g, e);
    if (rc == ERR_OK)
        rc = src_insert(d, &row->src, ip_hash(&row->src), &idx, e);
    if (rc != ERR_OK)
        return rc;
    r = rec_at(d, idx);
    r->geo = g;
    r->bytes = row->bytes;
    for (int k = 0; k < DK_NCLASS; k++)
        r->pk[k] = (uint32_t)row->cls[k];
    r->first = (uint32_t)row->first_seen;
    r->last = (uint32_t)row->last_seen;
    r->hours = row->hours & HOURS_MASK;
    return state_decode(d, r, idx, row->state, row->state_len, c->a->o.scanner_threshold, e);
}

static enum err_code load_port(void *ctx, const struct store_dk_port *row, struct err *e)
{
    struct load_ctx *c = ctx;
    uint32_t hour = (uint32_t)((row->hour - c->d->day * 86400) / 3600);
    struct ph_ent *ph;
    enum err_code rc;

    if (hour > 23 || row->cls >= DK_NCLASS)
        return err_set(e, ERR_PARSE, "darknet: stored port-hour row out of range");
    rc = ph_get(c->d, hour << 24 | (uint32_t)row->cls << 16 | row->port, &ph, e);
    if (rc != ERR_OK)
        return rc;
    ph->packets = row->packets;
    ph->bytes = row->bytes;
    ph->sources = (uint32_t)row->sources;
    ph->new_sources = (uint32_t)row->new_sources;
    ph->dirty = 0;
    return ERR_OK;
}

static enum err_code load_geo(void *ctx, const struct store_dk_geo *row, struct err *e)
{
    struct load_ctx *c = ctx;
    struct dk_day *d = c->d;
    uint32_t hour = (uint32_t)((row->hour - d->day * 86400) / 3600), idx;
    struct hour_cnt *hc;
    enum err_code rc;

    if (hour > 23)
        return err_set(e, ERR_PARSE, "darknet: stored geo-hour row out of range");
    if (row->is_asn) {
        rc = asn_index(d, row->asn, &idx, e);
        if (rc != ERR_OK)
            return rc;
        hc = &d->asn_hours[idx * 24 + hour];
    } else {
        hc = &d->cc_hours[cc_index(row->country) * 24 + hour];
    }
    hc->packets = row->packets;
    hc->sources = (uint32_t)row->sources;
    hc->dirty = 0;
    return ERR_OK;
}

static enum err_code day_load(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    struct load_ctx c = {a, d};
    int64_t t0 = d->day * 86400;
    enum err_code rc;

    rc = store_dk_src_load(a->st, a->sensor, d->day, load_src, &c, e);
    if (rc == ERR_OK)
        rc = store_dk_port_load(a->st, a->sensor, t0, t0 + 86400, load_port, &c, e);
    if (rc == ERR_OK)
        rc = store_dk_geo_load(a->st, a->sensor, t0, t0 + 86400, load_geo, &c, e);
    return rc;
}

/* ---- flushing ---------------------------------------------------------------------- */

static int cmp_ent_count(const void *x, const void *y)
{
    const struct dk_port_ent *a = x, *b = y;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return a->cls < b->cls ? -1 : a->cls > b->cls;
}

static int cmp_u16(const void *x, const void *y)
{
    uint16_t a = *(const uint16_t *)x, b = *(const uint16_t *)y;

    return a < b ? -1 : a > b;
}

#define TOP_JSON_MAX (DK_TOP_PORTS * 40 + 4)

static bool ent_before(const struct dk_port_ent *x, const struct dk_port_ent *y)
{
    return cmp_ent_count(x, y) < 0;
}

static char *put_uint(char *p, uint32_t v)
{
    char tmp[10];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* Top entries (at most DK_TOP_PORTS, best first) into top[]; returns how many. Small
 * sources (the usual case) use an insertion sort, large ones a full sort in scratch. */
static enum err_code top_entries(struct dk_agg *a, const struct dk_day *d, const struct dk_src *r,
                                 struct dk_port_ent *top, size_t *ntop, uint32_t *distinct,
                                 struct err *e)
{
    const struct dk_port_ent *pe = ports_of(d, r);
    size_t n = r->nport, k = 0;

    if (n > 32) {
        size_t bytes = n * sizeof(*pe);
        uint16_t *ports;
        struct dk_port_ent *ents;
        enum err_code rc = buf_resize(&a->scratch, bytes + n * sizeof(uint16_t), e);
        if (rc != ERR_OK)
            return rc;
        ents = (struct dk_port_ent *)(void *)a->scratch.data;
        ports = (uint16_t *)(void *)(a->scratch.data + bytes);
        memcpy(ents, pe, bytes);
        for (size_t i = 0; i < n; i++)
            ports[i] = ents[i].port;
        qsort(ports, n, sizeof(*ports), cmp_u16);
        *distinct = 1;
        for (size_t i = 1; i < n; i++)
            *distinct += ports[i] != ports[i - 1];
        qsort(ents, n, sizeof(*ents), cmp_ent_count);
        *ntop = n < DK_TOP_PORTS ? n : DK_TOP_PORTS;
        memcpy(top, ents, *ntop * sizeof(*top));
        return ERR_OK;
    }
    *distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < i && pe[j].port != pe[i].port; j++)
            ;
        *distinct += j == i;
        if (k < DK_TOP_PORTS)
            k++;
        else if (!ent_before(&pe[i], &top[k - 1]))
            continue;
        for (j = k - 1; j > 0 && ent_before(&pe[i], &top[j - 1]); j--)
            top[j] = top[j - 1];
        top[j] = pe[i];
    }
    *ntop = k;
    return ERR_OK;
}

/* Distinct port numbers and the top-ports JSON ([[port,"class",packets],...]) of a source. */
static enum err_code ports_summary(struct dk_agg *a, const struct dk_day *d,
                                   const struct dk_src *r, uint32_t *distinct, char *json,
                                   struct err *e)
{
    struct dk_port_ent top[DK_TOP_PORTS];
    size_t ntop = 0;
    char *p = json;
    enum err_code rc = top_entries(a, d, r, top, &ntop, distinct, e);

    if (rc != ERR_OK)
        return rc;
    *p++ = '[';
    for (size_t i = 0; i < ntop; i++) {
        const char *cls = store_dk_class_name(top[i].cls);
        size_t cl = strlen(cls);
        if (i > 0)
            *p++ = ',';
        *p++ = '[';
        p = put_uint(p, top[i].port);
        *p++ = ',';
        *p++ = '"';
        memcpy(p, cls, cl);
        p += cl;
        *p++ = '"';
        *p++ = ',';
        p = put_uint(p, top[i].count);
        *p++ = ']';
    }
    *p++ = ']';
    *p = '\0';
    return ERR_OK;
}

static enum err_code flush_src(struct dk_agg *a, struct dk_day *d, struct dk_src *r,
                               struct err *e)
{
    struct store_dk_src row;
    const struct geo_ent *g = &d->geo[r->geo];
    uint32_t probes = r->pk[DK_TCP_SYN] + r->pk[DK_UDP] + r->pk[DK_ICMP_ECHO];
    char json[TOP_JSON_MAX];
    enum err_code rc;

    memset(&row, 0, sizeof(row));
    row.src = r->ip;
    row.day = d->day;
    row.bytes = r->bytes;
    for (int k = 0; k < DK_NCLASS; k++) {
        row.cls[k] = r->pk[k];
        row.packets += r->pk[k];
    }
    row.first_seen = r->first;
    row.last_seen = r->last;
    row.hours = r->hours & HOURS_MASK;
    if (r->hours & FLAG_HLL) {
        double est = dk_hll_estimate((const uint8_t *)pool_at(d, r->dref));
        row.dsts = (uint64_t)(est + 0.5);
        if (row.dsts <= a->o.scanner_threshold)
            row.dsts = a->o.scanner_threshold + 1u; /* the exact set overflowed */
        uint64_t space = ip16_is_v4(&r->ip) ? a->o.space4 : a->o.space6;
        if (space > 0 && row.dsts > space)
            row.dsts = space; /* an estimate never exceeds the darknet */
    } else {
        row.dsts = r->ndst;
    }
    row.country[0] = (char)('A' + g->cc / 26);
    row.country[1] = (char)('A' + g->cc % 26);
    row.asn = g->asn;
    row.scanner = r->ndst >= a->o.scanner_threshold && probes > 0;
    row.victim = r->pk[DK_BACKSCATTER] >= a->o.victim_threshold;
    rc = ports_summary(a, d, r, &row.ports, json, e);
    if (rc != ERR_OK)
        return rc;
    row.top_ports = json;
    rc = state_encode(d, r, &a->scratch, e);
    if (rc != ERR_OK)
        return rc;
    row.state = a->scratch.data;
    row.state_len = a->scratch.len;
    rc = store_dk_src_put(a->st, a->sensor, &row, e);
    if (rc == ERR_OK)
        r->hours &= ~FLAG_DIRTY;
    return rc;
}

static enum err_code flush_ports(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    for (uint32_t i = 0; i < d->ph_cap; i++) {
        struct ph_ent *ph = &d->ph[i];
        struct store_dk_port row;
        enum err_code rc;

        if (ph->key == UINT32_MAX || !ph->dirty)
            continue;
        row.hour = d->day * 86400 + (int64_t)(ph->key >> 24) * 3600;
        row.cls = (uint8_t)(ph->key >> 16);
        row.port = (uint16_t)ph->key;
        row.packets = ph->packets;
        row.bytes = ph->bytes;
        row.sources = ph->sources;
        row.new_sources = ph->new_sources;
        rc = store_dk_port_put(a->st, a->sensor, &row, e);
        if (rc != ERR_OK)
            return rc;
        ph->dirty = 0;
    }
    return ERR_OK;
}

/* Per (day, port, class): distinct sources and packets, recomputed from every source. */
static enum err_code flush_port_days(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    struct kmap m = {0};
    struct buf acc; /* pairs of u64: packets, sources, indexed by map value */
    enum err_code rc = ERR_OK;
    uint32_t n = 0;

    buf_init(&acc, (size_t)1 << 30);
    for (uint32_t i = 0; i < d->nrecs && rc == ERR_OK; i++) {
        const struct dk_src *r = rec_at(d, i);
        const struct dk_port_ent *pe = r->nport ? ports_of(d, r) : NULL;
        for (uint32_t j = 0; j < r->nport && rc == ERR_OK; j++) {
            uint64_t key = (uint64_t)pe[j].cls << 16 | pe[j].port, *v;
            uint32_t slot;
            if (!kmap_get(&m, key, &slot)) {
                slot = n++;
                rc = kmap_put(&m, key, slot, e);
                if (rc == ERR_OK)
                    rc = buf_resize(&acc, (size_t)n * 16, e);
                if (rc != ERR_OK)
                    break;
                memset(acc.data + (size_t)slot * 16, 0, 16);
            }
            v = (uint64_t *)(void *)(acc.data + (size_t)slot * 16);
            v[0] += pe[j].count;
            v[1] += 1;
        }
    }
    for (uint32_t i = 0; i < m.cap && rc == ERR_OK; i++) {
        const uint64_t *v;
        if (m.keys[i] == UINT64_MAX)
            continue;
        v = (const uint64_t *)(const void *)(acc.data + (size_t)m.vals[i] * 16);
        rc = store_dk_port_day_put(a->st, a->sensor, d->day, (uint16_t)m.keys[i],
                                   (uint8_t)(m.keys[i] >> 16), v[0], v[1], e);
    }
    kmap_fini(&m);
    buf_fini(&acc);
    return rc;
}

static enum err_code flush_geo(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    struct store_dk_geo row;
    enum err_code rc;

    for (uint32_t i = 0; i < NCC * 24; i++) {
        struct hour_cnt *hc = &d->cc_hours[i];
        if (!hc->dirty)
            continue;
        memset(&row, 0, sizeof(row));
        row.hour = d->day * 86400 + (int64_t)(i % 24) * 3600;
        row.country[0] = (char)('A' + (i / 24) / 26);
        row.country[1] = (char)('A' + (i / 24) % 26);
        row.packets = hc->packets;
        row.sources = hc->sources;
        rc = store_dk_geo_put(a->st, a->sensor, &row, e);
        if (rc != ERR_OK)
            return rc;
        hc->dirty = 0;
    }
    for (uint32_t i = 0; i < d->nasn * 24; i++) {
        struct hour_cnt *hc = &d->asn_hours[i];
        if (!hc->dirty)
            continue;
        memset(&row, 0, sizeof(row));
        row.is_asn = true;
        row.hour = d->day * 86400 + (int64_t)(i % 24) * 3600;
        row.asn = d->asns[i / 24];
        row.packets = hc->packets;
        row.sources = hc->sources;
        rc = store_dk_geo_put(a->st, a->sensor, &row, e);
        if (rc != ERR_OK)
            return rc;
        hc->dirty = 0;
    }
    return ERR_OK;
}

static int cmp_rec_ip(const void *x, const void *y, void *day)
{
    return memcmp(rec_at(day, *(const uint32_t *)x)->ip.b, rec_at(day, *(const uint32_t *)y)->ip.b,
                  16);
}

/* Writes the changed sources in address order, so both B-trees grow by appending. */
static enum err_code flush_sources(struct dk_agg *a, struct dk_day *d, bool *any, struct err *e)
{
    uint32_t *order, n = 0;
    enum err_code rc = ERR_OK;

    order = mem_alloc((size_t)d->nrecs * sizeof(*order));
    if (order == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot sort %u sources", d->nrecs);
    for (uint32_t i = 0; i < d->nrecs; i++)
        if (rec_at(d, i)->hours & FLAG_DIRTY)
            order[n++] = i;
    qsort_r(order, n, sizeof(*order), cmp_rec_ip, d);
    for (uint32_t i = 0; i < n && rc == ERR_OK; i++)
        rc = flush_src(a, d, rec_at(d, order[i]), e);
    mem_free(order);
    *any = n > 0;
    return rc;
}

static enum err_code day_flush(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    enum err_code rc = ERR_OK;
    bool any = false;
    double t[6];

    t[0] = time_mono();
    rc = flush_sources(a, d, &any, e);
    if (rc != ERR_OK || !any)
        return rc;
    t[1] = time_mono();
    rc = flush_ports(a, d, e);
    t[2] = time_mono();
    if (rc == ERR_OK)
        rc = flush_port_days(a, d, e);
    t[3] = time_mono();
    if (rc == ERR_OK)
        rc = flush_geo(a, d, e);
    t[4] = time_mono();
    if (rc == ERR_OK)
        rc = store_dk_sightings_refresh(a->st, a->sensor, d->day, e);
    t[5] = time_mono();
    log_info("darknet", "flush day %lld: %u sources %.3f s, ports %.3f s, port-days %.3f s, "
             "geo %.3f s, sightings %.3f s", (long long)d->day, d->nrecs, t[1] - t[0],
             t[2] - t[1], t[3] - t[2], t[4] - t[3], t[5] - t[4]);
    return rc;
}

/* ---- the aggregator --------------------------------------------------------------- */

enum err_code dk_agg_new(struct store *st, int64_t sensor, const struct geo *geo,
                         const struct dk_agg_opts *o, struct dk_agg **out, struct err *e)
{
    struct dk_agg *a;

    *out = NULL;
    if (o->scanner_threshold < 1 || o->scanner_threshold > DK_THRESHOLD_MAX)
        return err_set(e, ERR_USAGE, "darknet: scanner threshold must be 1..%d",
                       DK_THRESHOLD_MAX);
    a = mem_calloc(1, sizeof(*a));
    if (a == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot allocate aggregator");
    a->st = st;
    a->sensor = sensor;
    a->geo = geo;
    a->o = *o;
    buf_init(&a->scratch, (size_t)64 << 20);
    buf_init(&a->json, (size_t)1 << 20);
    *out = a;
    return ERR_OK;
}

void dk_agg_discard(struct dk_agg *a)
{
    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        day_free(a->days[i]);
        a->days[i] = NULL;
    }
    a->cur = NULL;
}

void dk_agg_free(struct dk_agg *a)
{
    if (a == NULL)
        return;
    dk_agg_discard(a);
    buf_fini(&a->scratch);
    buf_fini(&a->json);
    mem_free(a);
}

/* Makes day the current one: finds it open, or loads it, evicting the oldest open day. */
static enum err_code switch_day(struct dk_agg *a, int64_t day, struct err *e)
{
    int slot = 0;
    enum err_code rc;
    struct dk_day *d;

    for (int i = 0; i < DK_OPEN_DAYS; i++)
        if (a->days[i] != NULL && a->days[i]->day == day) {
            a->cur = a->days[i];
            return ERR_OK;
        }
    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        if (a->days[i] == NULL) {
            slot = i;
            break;
        }
        if (a->days[i]->day < a->days[slot]->day)
            slot = i;
    }
    if (a->days[slot] != NULL) {
        rc = day_flush(a, a->days[slot], e);
        if (rc != ERR_OK)
            return rc;
        day_free(a->days[slot]);
        a->days[slot] = NULL;
    }
    rc = day_new(day, &d, e);
    if (rc != ERR_OK)
        return rc;
    rc = day_load(a, d, e);
    if (rc != ERR_OK) {
        day_free(d);
        return rc;
    }
    a->days[slot] = d;
    a->cur = d;
    return ERR_OK;
}

static enum err_code add_hashed(struct dk_agg *a, int64_t ts, const struct pkt *p, uint32_t h,
                                struct err *e)
{
    uint64_t off;

    if (a->cur == NULL || (off = (uint64_t)(ts - a->cur->day * 86400)) >= 86400) {
        enum err_code rc;
        if (ts < 0 || ts > UINT32_MAX)
            return err_set(e, ERR_PARSE, "darknet: timestamp %lld out of range", (long long)ts);
        rc = switch_day(a, time_day(ts), e);
        if (rc != ERR_OK)
            return rc;
        off = (uint64_t)(ts - a->cur->day * 86400);
    }
    return day_add(a, a->cur, ts, (unsigned)(off / 3600), p, h, e);
}

enum err_code dk_agg_add(struct dk_agg *a, int64_t ts, const struct pkt *p, struct err *e)
{
    return add_hashed(a, ts, p, ip_hash(&p->src), e);
}

/* Software pipeline distances (packets ahead of the one being applied): a packet's
 * bucket is prefetched first, its record PF_REC packets later, the record's pool blocks
 * and ASN counters PF_POOL later, and it is applied PF_APPLY later. Each step issues one
 * prefetch per packet, so about a dozen misses are in flight at any time. */
#define PF_REC   6
#define PF_POOL  12
#define PF_APPLY 18

static inline void pf_record(const struct dk_day *d, uint32_t h)
{
    uint32_t idx = d->buckets[h & (d->nbuckets - 1)];

    if (idx != NO_REF)
        __builtin_prefetch(rec_at(d, idx));
}

static inline void pf_pool(const struct dk_day *d, int64_t ts, const struct pkt *p, uint32_t h)
{
    uint32_t idx = d->buckets[h & (d->nbuckets - 1)];
    const struct dk_src *r;
    int64_t hour;

    if (idx == NO_REF)
        return;
    r = rec_at(d, idx);
    if (memcmp(r->ip.b, p->src.b, 16) != 0)
        return;
    if (r->nport > 0)
        __builtin_prefetch(pool_at(d, r->pref), 1);
    if (r->ndst > 1) {
        __builtin_prefetch(pool_at(d, r->dref), 1);
        if (r->hours & FLAG_HLL)
            __builtin_prefetch(pool_at(d, r->dref) + 16, 1);
    }
    hour = (ts - d->day * 86400) / 3600;
    if (hour >= 0 && hour < 24)
        __builtin_prefetch(&d->asn_hours[d->geo[r->geo].asn_idx * 24 + hour], 1);
}

enum err_code dk_agg_add_batch(struct dk_agg *a, const int64_t *ts, const struct pkt *p,
                               size_t n, struct err *e)
{
    uint32_t h[DK_BATCH];

    while (n > 0) {
        size_t k = n < DK_BATCH ? n : DK_BATCH;
        for (size_t i = 0; i < k; i++)
            h[i] = ip_hash(&p[i].src);
        for (size_t i = 0; i < k + PF_APPLY; i++) {
            const struct dk_day *d = a->cur;
            if (d != NULL && i < k)
                __builtin_prefetch(&d->buckets[h[i] & (d->nbuckets - 1)]);
            if (d != NULL && i >= PF_REC && i - PF_REC < k)
                pf_record(d, h[i - PF_REC]);
            if (d != NULL && i >= PF_POOL && i - PF_POOL < k)
                pf_pool(d, ts[i - PF_POOL], &p[i - PF_POOL], h[i - PF_POOL]);
            if (i >= PF_APPLY) {
                size_t j = i - PF_APPLY;
                enum err_code rc = add_hashed(a, ts[j], &p[j], h[j], e);
                if (rc != ERR_OK)
                    return rc;
            }
        }
        ts += k;
        p += k;
        n -= k;
    }
    return ERR_OK;
}

enum err_code dk_agg_flush(struct dk_agg *a, struct err *e)
{
    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        if (a->days[i] != NULL) {
            enum err_code rc = day_flush(a, a->days[i], e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

size_t dk_agg_memory(const struct dk_agg *a)
{
    size_t n = sizeof(*a);

    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        const struct dk_day *d = a->days[i];
        if (d == NULL)
            continue;
        n += sizeof(*d) + d->recs.used + d->pool.used + (size_t)d->nbuckets * 4 +
             (size_t)d->ph_cap * sizeof(struct ph_ent) + (size_t)d->geo_cap * sizeof(*d->geo) +
             (size_t)d->asn_cap * (4 + 24 * sizeof(struct hour_cnt)) +
             ((size_t)d->geo_map.cap + d->asn_map.cap) * 12;
    }
    return n;
}

size_t dk_agg_sources(const struct dk_agg *a)
{
    size_t n = 0;

    for (int i = 0; i < DK_OPEN_DAYS; i++)
        if (a->days[i] != NULL)
            n += a->days[i]->nrecs;
    return n;
}
