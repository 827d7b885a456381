/* darknet.c - the per-day darknet aggregator: the hot path of `ooda ingest`.
 *
 * Data structures, per open (sensor, UTC day):
 *  - struct dk_src records (64 bytes, one cache line) in a virtual-memory array, found
 *    through an open-addressing table of tagged u32 record indexes; IPv4 sources are
 *    keyed by their address in the record, IPv6 sources by an index into a side array;
 *  - each record holds the source's busiest (port, class) entry and a small exact
 *    destination set; the other entries (a list, then a per-source hash table), larger
 *    exact sets and 256-register HyperLogLogs live in a word pool with size classes of
 *    1..8 words, then four per octave;
 *  - one open-addressing table of (port, class) counters per hour;
 *  - dense hour-major (hour x country) and (hour x ASN index) counters.
 * Memory grows with distinct sources and their (port, class) pairs, never with packets.
 * Virtual-memory arrays reserve address space once (MAP_NORESERVE) and commit pages as
 * they are touched, so growth never copies. The batch entry point runs a software
 * prefetch pipeline (see PF_REC); prefetch helpers are always_inline because GCC
 * otherwise drops calls to functions whose only effect is a prefetch. */
#include "observe/darknet_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* ---- word pool --------------------------------------------------------------------- */

/* Size classes: 1..8 words, then four per octave (10, 12, 14, 16, 20, 24, 28, 32, ...),
 * so a block wastes at most a fifth of itself; 3 * 2^k (port tables) and 2^k are
 * classes. */
static unsigned pool_class(uint32_t words)
{
    unsigned b;
    uint32_t q, k;

    if (words <= 8)
        return words == 0 ? 0 : words - 1;
    b = 32u - (unsigned)__builtin_clz(words - 1); /* 2^(b-1) < words <= 2^b, b >= 4 */
    q = 1u << (b - 3);
    k = (words - (1u << (b - 1)) + q - 1) / q; /* 1..4 */
    return 8 + (b - 4) * 4 + (k - 1);
}

static size_t class_words(unsigned c)
{
    unsigned b;

    if (c < 8)
        return c + 1;
    b = 4 + (c - 8) / 4;
    return ((size_t)1 << (b - 1)) + (size_t)((c - 8) % 4 + 1) * ((size_t)1 << (b - 3));
}

enum err_code observe_dk_pool_alloc(struct dk_day *d, uint32_t words, uint32_t *off, struct err *e)
{
    unsigned c = pool_class(words);
    size_t bytes = class_words(c) * 4;

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

/* Grows a block of `have` used words (capacity: its size class) to hold `want`. */
static enum err_code pool_grow(struct dk_day *d, uint32_t *off, uint32_t have, uint32_t want,
                               struct err *e)
{
    uint32_t noff;
    enum err_code rc;

    if (have > 0 && pool_class(have) == pool_class(want))
        return ERR_OK;
    rc = observe_dk_pool_alloc(d, want, &noff, e);
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

static inline uint64_t hll_hash(uint32_t key)
{
    return hash_u64((uint64_t)key * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
}

/* The register a destination key updates. */
static inline unsigned hll_reg(uint32_t key)
{
    return (unsigned)(hll_hash(key) >> 56);
}

static inline void hll_add(uint8_t *regs, uint32_t key)
{
    uint64_t h = hll_hash(key);
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

void observe_dk_hll_add(uint8_t *regs, uint32_t key)
{
    hll_add(regs, key);
}

double observe_dk_hll_estimate(const uint8_t *regs)
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

void observe_dk_day_free(struct dk_day *d)
{
    if (d == NULL)
        return;
    vm_fini(&d->recs);
    vm_fini(&d->pool);
    vm_fini(&d->v6);
    mem_free(d->slots);
    for (int h = 0; h < 24; h++)
        mem_free(d->ph[h].ent);
    mem_free(d->geo24);
    mem_free(d->geo);
    mem_free(d->asns);
    mem_free(d->asn_hours);
    observe_dk_kmap_fini(&d->geo_map);
    observe_dk_kmap_fini(&d->asn_map);
    mem_free(d);
}

enum err_code observe_dk_day_new(int64_t day, struct dk_day **out, struct err *e)
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
    if (rc == ERR_OK)
        rc = vm_init(&d->v6, VM_RESERVE_V6, e);
    d->nslots = 1024;
    d->slots = mem_alloc(d->nslots * sizeof(*d->slots));
    d->geo24 = mem_calloc((size_t)1 << GEO24_BITS, sizeof(*d->geo24));
    if (rc == ERR_OK && (d->slots == NULL || d->geo24 == NULL))
        rc = err_set(e, ERR_NOMEM, "darknet: cannot allocate tables");
    for (int h = 0; h < 24 && rc == ERR_OK; h++) {
        d->ph[h].cap = 64;
        d->ph[h].ent = mem_alloc(d->ph[h].cap * sizeof(*d->ph[h].ent));
        if (d->ph[h].ent == NULL)
            rc = err_set(e, ERR_NOMEM, "darknet: cannot allocate tables");
        else
            memset(d->ph[h].ent, 0xff, d->ph[h].cap * sizeof(*d->ph[h].ent));
    }
    if (rc != ERR_OK) {
        observe_dk_day_free(d);
        return rc;
    }
    memset(d->slots, 0xff, d->nslots * sizeof(*d->slots));
    *out = d;
    return ERR_OK;
}

/* A slot holds a record index in its low SLOT_IDX_BITS and the top bits of the source's
 * hash above them, so probes skip other sources' slots without loading their records
 * and the pipeline prefetches the right record. */
#define SLOT_IDX_BITS  26
#define SLOT_IDX_MASK  ((1u << SLOT_IDX_BITS) - 1)
#define DK_MAX_SOURCES SLOT_IDX_MASK /* indexes 0 .. 2^26 - 2: a slot never equals NO_REF */

static inline uint32_t slot_tag(uint32_t h)
{
    return h & ~SLOT_IDX_MASK;
}

static inline uint32_t rec_hash(const struct dk_day *d, const struct dk_src *r)
{
    return r->hours & FLAG_V6 ? ip_hash(v6_at(d, r->key)) : v4_hash(r->key);
}

static enum err_code rehash(struct dk_day *d, struct err *e)
{
    uint32_t n = d->nslots * 2;
    uint32_t *ns = mem_alloc_table((size_t)n * sizeof(*ns));

    if (ns == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot grow source table");
    memset(ns, 0xff, (size_t)n * sizeof(*ns));
    for (uint32_t i = 0; i < d->nrecs; i++) {
        uint32_t hh = rec_hash(d, rec_at(d, i)), j = hh & (n - 1);
        while (ns[j] != NO_REF)
            j = (j + 1) & (n - 1);
        ns[j] = slot_tag(hh) | i;
    }
    mem_free(d->slots);
    d->slots = ns;
    d->nslots = n;
    return ERR_OK;
}

uint16_t observe_dk_cc_index(const char cc[3])
{
    if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
        return CC_ZZ;
    return (uint16_t)((cc[0] - 'A') * 26 + (cc[1] - 'A'));
}

/* ---- u64 -> u32 maps (open addressing, linear probing) ------------------------------ */

void observe_dk_kmap_fini(struct kmap *m)
{
    mem_free(m->keys);
    mem_free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->used = 0;
}

static inline bool kmap_get(const struct kmap *m, uint64_t k, uint32_t *v)
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

enum err_code observe_dk_kmap_put(struct kmap *m, uint64_t k, uint32_t v, struct err *e)
{
    if ((m->used + 1) * 2 > m->cap) {
        struct kmap n = {0};
        n.cap = m->cap ? m->cap * 2 : 256;
        n.keys = mem_alloc((size_t)n.cap * sizeof(*n.keys));
        n.vals = mem_alloc((size_t)n.cap * sizeof(*n.vals));
        if (n.keys == NULL || n.vals == NULL) {
            observe_dk_kmap_fini(&n);
            return err_set(e, ERR_NOMEM, "darknet: cannot grow map");
        }
        memset(n.keys, 0xff, (size_t)n.cap * sizeof(*n.keys));
        for (uint32_t i = 0; i < m->cap; i++)
            if (m->keys[i] != UINT64_MAX)
                kmap_put_nogrow(&n, m->keys[i], m->vals[i]);
        observe_dk_kmap_fini(m);
        *m = n;
    }
    kmap_put_nogrow(m, k, v);
    return ERR_OK;
}

enum err_code observe_dk_asn_index(struct dk_day *d, uint32_t asn, uint32_t *idx, struct err *e)
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
        nh = mem_calloc((size_t)cap * 24, sizeof(*nh));
        if (nh == NULL)
            return err_set(e, ERR_NOMEM, "darknet: cannot grow ASN table");
        for (uint32_t h = 0; h < 24 && d->asn_cap > 0; h++) /* rows are hours */
            memcpy(nh + (size_t)h * cap, d->asn_hours + (size_t)h * d->asn_cap,
                   (size_t)d->asn_cap * sizeof(*nh));
        mem_free(d->asn_hours);
        d->asn_hours = nh;
        d->asn_cap = cap;
    }
    if (observe_dk_kmap_put(&d->asn_map, asn, d->nasn, e) != ERR_OK)
        return ERR_NOMEM;
    d->asns[d->nasn] = asn;
    *idx = d->nasn++;
    return ERR_OK;
}

/* Finds or adds the (country, ASN) pair of a new source. */
enum err_code observe_dk_geo_index(struct dk_day *d, const struct geo_info *gi, uint32_t *out,
                                   struct err *e)
{
    uint16_t cc = observe_dk_cc_index(gi->country);
    uint64_t key = (uint64_t)gi->asn << 16 | cc;
    uint32_t asn_idx;
    enum err_code rc;

    if (kmap_get(&d->geo_map, key, out))
        return ERR_OK;
    rc = observe_dk_asn_index(d, gi->asn, &asn_idx, e);
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
    if (d->ngeo >= DK_GEO_MAX)
        return err_set(e, ERR_LIMIT, "darknet: more than %u (country, ASN) pairs in a day",
                       DK_GEO_MAX);
    rc = observe_dk_kmap_put(&d->geo_map, key, d->ngeo, e);
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

static enum err_code ph_grow(struct ph_tab *t, struct err *e)
{
    uint32_t n = t->cap * 2;
    struct ph_ent *nt = mem_alloc_table((size_t)n * sizeof(*nt));

    if (nt == NULL)
        return err_set(e, ERR_NOMEM, "darknet: cannot grow port table");
    memset(nt, 0xff, (size_t)n * sizeof(*nt));
    for (uint32_t i = 0; i < t->cap; i++) {
        uint32_t j;
        if (t->ent[i].key == UINT32_MAX)
            continue;
        for (j = ph_hash(t->ent[i].key) & (n - 1); nt[j].key != UINT32_MAX; j = (j + 1) & (n - 1))
            ;
        nt[j] = t->ent[i];
    }
    mem_free(t->ent);
    t->ent = nt;
    t->cap = n;
    return ERR_OK;
}

/* Finds or adds the (hour, port, class) counter of key (its hour picks the table). */
static enum err_code ph_get(struct dk_day *d, uint32_t key, struct ph_ent **out, struct err *e)
{
    struct ph_tab *t = &d->ph[key >> 24];
    uint32_t i = ph_hash(key) & (t->cap - 1);

    while (t->ent[i].key != key) {
        if (t->ent[i].key == UINT32_MAX) {
            if ((t->used + 1) * 4 > t->cap * 3) {
                enum err_code rc = ph_grow(t, e);
                if (rc != ERR_OK)
                    return rc;
                return ph_get(d, key, out, e);
            }
            t->ent[i] = (struct ph_ent){key, 0, 0, 0, 0, 0};
            t->used++;
            break;
        }
        i = (i + 1) & (t->cap - 1);
    }
    *out = &t->ent[i];
    return ERR_OK;
}

/* ---- sources ------------------------------------------------------------------------- */

enum err_code observe_dk_src_insert(struct dk_day *d, const struct ip16 *ip, uint32_t h,
                                    uint32_t *idx, struct err *e)
{
    struct dk_src *r;
    enum err_code rc;
    uint32_t i;
    bool v4 = ip16_is_v4(ip);

    if (d->nrecs >= DK_MAX_SOURCES ||
        ((size_t)d->nrecs + 1) * sizeof(struct dk_src) > d->recs.reserved)
        return err_set(e, ERR_LIMIT, "darknet: more than %u sources in one day", DK_MAX_SOURCES);
    if (!v4 && d->v6.used + sizeof(*ip) > d->v6.reserved)
        return err_set(e, ERR_NOMEM, "darknet: too many IPv6 sources in one day");
    if (((uint64_t)d->nrecs + 1) * 4 > (uint64_t)d->nslots * 3) { /* load <= 3/4 */
        rc = rehash(d, e);
        if (rc != ERR_OK)
            return rc;
    }
    for (i = h & (d->nslots - 1); d->slots[i] != NO_REF; i = (i + 1) & (d->nslots - 1))
        ;
    r = rec_at(d, d->nrecs);
    memset(r, 0, sizeof(*r));
    if (v4) {
        r->key = v4_of(ip);
    } else {
        r->key = (uint32_t)(d->v6.used / sizeof(*ip));
        memcpy(d->v6.base + d->v6.used, ip, sizeof(*ip));
        d->v6.used += sizeof(*ip);
        r->hours = FLAG_V6;
    }
    r->dref = NO_REF;
    r->pref = NO_REF;
    d->slots[i] = slot_tag(h) | d->nrecs;
    d->recs.used += sizeof(*r);
    *idx = d->nrecs++;
    return ERR_OK;
}

/* A packet's source as the aggregator looks it up: the IPv4 address, or the IPv6 one. */
struct src_key {
    const struct ip16 *ip;
    uint32_t v4;
    uint32_t cand; /* record index the pipeline found by tag, or NO_REF */
    uint32_t dst;  /* destination key (see dst_key) */
    bool is_v4;
};

static inline bool rec_is(const struct dk_day *d, const struct dk_src *r, const struct src_key *k)
{
    if (k->is_v4)
        return r->key == k->v4 && !(r->hours & FLAG_V6);
    return (r->hours & FLAG_V6) && memcmp(v6_at(d, r->key)->b, k->ip->b, 16) == 0;
}

/* Finds a source's record: linear probing over tagged slots. */
static inline uint32_t src_find(const struct dk_day *d, const struct src_key *k, uint32_t h)
{
    uint32_t tag = slot_tag(h);

    for (uint32_t i = h & (d->nslots - 1);; i = (i + 1) & (d->nslots - 1)) {
        uint32_t s = d->slots[i];
        if (s == NO_REF)
            return NO_REF;
        if ((s & ~SLOT_IDX_MASK) == tag && rec_is(d, rec_at(d, s & SLOT_IDX_MASK), k))
            return s & SLOT_IDX_MASK;
    }
}

/* The first record whose slot tag matches h, probing a few slots and no record; NO_REF
 * when there is none nearby (the source may be new). */
static inline uint32_t slot_cand(const struct dk_day *d, uint32_t h)
{
    uint32_t tag = slot_tag(h);

    for (uint32_t i = h & (d->nslots - 1), n = 0; n < 8; i = (i + 1) & (d->nslots - 1), n++) {
        uint32_t s = d->slots[i];
        if (s == NO_REF)
            return NO_REF;
        if ((s & ~SLOT_IDX_MASK) == tag)
            return s & SLOT_IDX_MASK;
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

/* Words of an exact set of n keys. */
static inline uint32_t set_words(bool wide, uint32_t n)
{
    return wide ? n : (n + 1) / 2;
}

/* Keys an exact set may hold before it becomes a HyperLogLog: as many as fit in the
 * HyperLogLog's bytes, and never fewer than the scanner threshold. */
static inline uint32_t set_cap(const struct dk_day *d, const struct dk_src *r, uint32_t thr)
{
    uint32_t c = set_wide(d, r) ? DK_HLL_BYTES / 4 : DK_HLL_BYTES / 2;

    return thr > c ? thr : c;
}

/* Converts r's exact set (plus key) into a HyperLogLog. */
static enum err_code dst_to_hll(struct dk_day *d, struct dk_src *r, uint32_t key, struct err *e)
{
    uint32_t off;
    uint8_t *regs;
    enum err_code rc = observe_dk_pool_alloc(d, DK_HLL_BYTES / 4, &off, e);

    if (rc != ERR_OK)
        return rc;
    regs = (uint8_t *)pool_at(d, off);
    memset(regs, 0, DK_HLL_BYTES);
    for (uint32_t i = 0; i < r->ndst; i++)
        hll_add(regs, set_key(d, r, i));
    if (r->ndst > set_inline(d, r))
        pool_release(d, r->dref, set_words(set_wide(d, r), r->ndst));
    hll_add(regs, key);
    r->dref = off;
    r->ndst++; /* a lower bound from now on */
    r->hours |= FLAG_HLL;
    return ERR_OK;
}

/* Stores keys[0..n) (n >= 2) as r's exact set in r's current width, replacing the set of
 * r->ndst keys (already copied out) whose pool block, if any, is `old` of old_words. */
static enum err_code set_store(struct dk_day *d, struct dk_src *r, const uint32_t *keys, uint32_t n,
                               uint32_t old, uint32_t old_words, struct err *e)
{
    bool wide = set_wide(d, r);
    uint32_t off;
    enum err_code rc;

    if (n <= set_inline(d, r)) {
        if (wide) {
            r->dref = keys[0];
            r->dref2 = keys[1];
        } else {
            r->dref = (keys[0] & 0xffff) | keys[1] << 16;
            r->dref2 = n > 2 ? (keys[2] & 0xffff) | (n > 3 ? keys[3] << 16 : 0) : 0;
            r->dref3 = n > 4 ? (uint16_t)keys[4] : 0;
        }
        if (old_words > 0)
            pool_release(d, old, old_words);
        r->ndst = n;
        return ERR_OK;
    }
    if (old_words > 0 && pool_class(old_words) == pool_class(set_words(wide, n))) {
        off = old; /* the block has room */
    } else {
        rc = observe_dk_pool_alloc(d, set_words(wide, n), &off, e);
        if (rc != ERR_OK)
            return rc;
        if (old_words > 0)
            pool_release(d, old, old_words);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (wide)
            pool_at(d, off)[i] = keys[i];
        else
            ((uint16_t *)(void *)pool_at(d, off))[i] = (uint16_t)keys[i];
    }
    r->dref = off;
    r->ndst = n;
    return ERR_OK;
}

/* Whether the 16-bit key k is among the first n (2..5) keys held in r's record. */
static inline bool inline16_has(const struct dk_src *r, uint32_t n, uint32_t k)
{
    uint64_t v = (uint64_t)r->dref2 << 32 | r->dref;
    uint32_t hit = r->dref3 == k && n == 5;

    for (uint32_t i = 0; i < 4; i++)
        hit |= (i < n) & ((v >> (16 * i) & 0xffff) == k);
    return hit != 0;
}

static inline bool has16(const uint16_t *set, uint32_t n, uint16_t k)
{
    for (uint32_t i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

static inline bool has32(const uint32_t *set, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < n; i++)
        if (set[i] == k)
            return true;
    return false;
}

static bool set_has(const struct dk_day *d, const struct dk_src *r, uint32_t key)
{
    if (r->ndst == 1)
        return r->dref == key;
    if (r->ndst <= set_inline(d, r)) {
        if (set_wide(d, r))
            return r->dref == key || r->dref2 == key;
        return key >> 16 == d->block && inline16_has(r, r->ndst, key & 0xffff);
    }
    if (set_wide(d, r))
        return has32(pool_at(d, r->dref), r->ndst, key);
    return key >> 16 == d->block &&
           has16((const uint16_t *)(const void *)pool_at(d, r->dref), r->ndst, (uint16_t)key);
}

static enum err_code dst_add_slow(struct dk_day *d, struct dk_src *r, uint32_t key,
                                  uint32_t thr, struct err *e);

/* The common cases inline: a HyperLogLog, or the one destination seen so far. */
static inline enum err_code dk_dst_add(struct dk_day *d, struct dk_src *r, uint32_t key,
                                    uint32_t thr, struct err *e)
{
    if (r->hours & FLAG_HLL) {
        hll_add((uint8_t *)pool_at(d, r->dref), key);
        return ERR_OK;
    }
    if (r->ndst == 1 && r->dref == key)
        return ERR_OK;
    return dst_add_slow(d, r, key, thr, e);
}

static enum err_code dst_add_slow(struct dk_day *d, struct dk_src *r, uint32_t key,
                                  uint32_t thr, struct err *e)
{
    uint32_t keys[DK_EXACT_MAX + 1], n = r->ndst, old = r->dref, old_words = 0;

    if (n == 0) { /* dk_dst_add handled a HyperLogLog */
        r->dref = key;
        r->ndst = 1;
        return ERR_OK;
    }
    if (set_has(d, r, key))
        return ERR_OK;
    if (n >= set_cap(d, r, thr))
        return dst_to_hll(d, r, key, e);
    if (!set_wide(d, r) && (key >> 16 != d->block || (n == 1 && r->dref >> 16 != d->block))) {
        if (n >= (thr > DK_HLL_BYTES / 4 ? thr : DK_HLL_BYTES / 4))
            return dst_to_hll(d, r, key, e); /* too many for a set of 32-bit keys */
        for (uint32_t i = 0; i < n; i++)
            keys[i] = set_key(d, r, i);
        if (n > set_inline(d, r))
            old_words = set_words(false, n);
        r->hours |= FLAG_WIDE;
    } else if (n >= 2 && n < set_inline(d, r)) { /* room left in a 16-bit set's record */
        if (n == 2)
            r->dref2 = key & 0xffff;
        else if (n == 3)
            r->dref2 = (r->dref2 & 0xffff) | key << 16;
        else
            r->dref3 = (uint16_t)key;
        r->ndst = n + 1;
        return ERR_OK;
    } else if (n > set_inline(d, r)) { /* append in the pool block */
        uint32_t w = set_words(set_wide(d, r), n);
        if (pool_class(w) == pool_class(set_words(set_wide(d, r), n + 1))) {
            if (set_wide(d, r))
                pool_at(d, r->dref)[n] = key;
            else
                ((uint16_t *)(void *)pool_at(d, r->dref))[n] = (uint16_t)key;
            r->ndst = n + 1;
            return ERR_OK;
        }
        for (uint32_t i = 0; i < n; i++)
            keys[i] = set_key(d, r, i);
        old_words = w;
    } else {
        for (uint32_t i = 0; i < n; i++)
            keys[i] = set_key(d, r, i);
    }
    keys[n] = key;
    return set_store(d, r, keys, n + 1, old, old_words, e);
}

enum err_code observe_dk_dst_insert(struct dk_day *d, struct dk_src *r, uint32_t key, uint32_t thr,
                                    struct err *e)
{
    return dk_dst_add(d, r, key, thr, e);
}

static inline struct dk_port_ent *port_block(const struct dk_day *d, const struct dk_src *r)
{
    return (struct dk_port_ent *)(void *)pool_at(d, r->pref);
}

static inline uint32_t port_hash(uint16_t port, uint8_t cls)
{
    return ((uint32_t)cls << 16 | port) * 0x9e3779b1u;
}

/* The home slot of (port, cls) in a table of `slots` slots (any size). */
static inline uint32_t port_home(uint16_t port, uint8_t cls, uint32_t slots)
{
    return (uint32_t)(((uint64_t)port_hash(port, cls) * slots) >> 32);
}

/* The slot of (port, cls) in a table of `slots` slots: its entry, or the empty slot where
 * it belongs. */
static inline struct dk_port_ent *port_probe(struct dk_port_ent *t, uint32_t slots, uint16_t port,
                                             uint8_t cls)
{
    uint32_t i = port_home(port, cls, slots);

    while (t[i].cls != PORT_EMPTY && (t[i].port != port || t[i].cls != cls))
        i = i + 1 == slots ? 0 : i + 1;
    return &t[i];
}

/* Moves r's pool entries into a table sized for nport entries. */
static enum err_code port_rehash(struct dk_day *d, struct dk_src *r, uint32_t nport, struct err *e)
{
    uint32_t ns = port_slots(nport), os = r->nport > 1 ? port_slots(r->nport) : 0, off;
    struct dk_port_ent *t;
    enum err_code rc = observe_dk_pool_alloc(d, ns * DK_PORT_WORDS, &off, e);

    if (rc != ERR_OK)
        return rc;
    t = (struct dk_port_ent *)(void *)pool_at(d, off);
    for (uint32_t i = 0; i < ns; i++)
        t[i] = (struct dk_port_ent){0, PORT_EMPTY, 0, 0, 0};
    for (uint32_t i = 0; i < os; i++) {
        const struct dk_port_ent *o = port_block(d, r) + i;
        if (o->cls != PORT_EMPTY)
            *port_probe(t, ns, o->port, o->cls) = *o;
    }
    if (os > 0)
        pool_release(d, r->pref, os * DK_PORT_WORDS);
    r->pref = off;
    return ERR_OK;
}

/* Adds (port, cls), known to be absent, as r's next entry; *out is NULL for entry 0. */
static enum err_code port_insert(struct dk_day *d, struct dk_src *r, uint16_t port, uint8_t cls,
                                 struct dk_port_ent **out, struct err *e)
{
    uint32_t n = r->nport;
    enum err_code rc = ERR_OK;

    if (n >= (1u << 19) - 1) /* cannot happen: 5 classes x 65536 ports */
        return err_set(e, ERR_LIMIT, "darknet: too many (port, class) pairs for one source");
    if (n == 0) {
        r->p0_port = port;
        r->p0_cls = cls;
        r->p0_hours = 0;
        r->nport = 1;
        *out = NULL;
        return ERR_OK;
    }
    if (n < PORT_LINEAR) {
        rc = pool_grow(d, &r->pref, (n - 1) * DK_PORT_WORDS, n * DK_PORT_WORDS, e);
        *out = port_block(d, r) + (n - 1);
    } else {
        if (n == PORT_LINEAR || port_slots(n + 1) != port_slots(n))
            rc = port_rehash(d, r, n + 1, e);
        *out = port_probe(port_block(d, r), port_slots(n + 1), port, cls);
    }
    if (rc != ERR_OK)
        return rc;
    **out = (struct dk_port_ent){port, cls, 0, 0, 0};
    r->nport = n + 1;
    return ERR_OK;
}

/* Finds or adds r's (port, class) entry: *out is the pool entry, or NULL for entry 0 (in
 * the record); *fresh says it was added. */
static enum err_code port_entry(struct dk_day *d, struct dk_src *r, uint16_t port, uint8_t cls,
                                struct dk_port_ent **out, bool *fresh, struct err *e)
{
    *fresh = false;
    if (r->nport > 0 && r->p0_port == port && r->p0_cls == cls) {
        *out = NULL;
        return ERR_OK;
    }
    if (r->nport > PORT_LINEAR) {
        struct dk_port_ent *pe = port_probe(port_block(d, r), port_slots(r->nport), port, cls);
        if (pe->cls != PORT_EMPTY) {
            *out = pe;
            return ERR_OK;
        }
    } else if (r->nport > 1) {
        struct dk_port_ent *pe = port_block(d, r);
        for (uint32_t i = 0; i + 1 < r->nport; i++)
            if (pe[i].port == port && pe[i].cls == cls) {
                *out = &pe[i];
                return ERR_OK;
            }
    }
    *fresh = true;
    return port_insert(d, r, port, cls, out, e);
}

static enum err_code new_source(struct dk_agg *a, struct dk_day *d, const struct ip16 *ip,
                                uint32_t h, uint32_t toff, uint32_t *idx, struct err *e)
{
    struct geo_info gi = {"ZZ", 0};
    struct geo24 *c = NULL;
    struct dk_src *r;
    uint32_t g, net = 0;
    bool whole24 = false;
    enum err_code rc = ERR_OK;

    if (a->geo != NULL && ip16_is_v4(ip)) { /* sources cluster: one lookup per /24 */
        net = v4_of(ip) >> 8;
        c = &d->geo24[(net * 0x9e3779b1u) >> (32 - GEO24_BITS)];
    }
    if (c != NULL && c->key == net + 1) {
        g = c->geo;
    } else {
        if (a->geo != NULL)
            geo_lookup_block(a->geo, ip, &gi, &whole24);
        rc = observe_dk_geo_index(d, &gi, &g, e);
        if (rc == ERR_OK && c != NULL && whole24)
            *c = (struct geo24){net + 1, g};
    }
    if (rc == ERR_OK)
        rc = observe_dk_src_insert(d, ip, h, idx, e);
    if (rc != ERR_OK)
        return rc;
    r = rec_at(d, *idx);
    r->geo = g;
    r->first_off = r->last_off = toff;
    return ERR_OK;
}

static inline struct ph_ent *ph_find(const struct dk_day *d, uint32_t key)
{
    const struct ph_tab *t = &d->ph[key >> 24];
    struct ph_ent *ph = &t->ent[ph_hash(key) & (t->cap - 1)];

    return ph->key == key ? ph : NULL;
}

/* Applies one packet to day d; toff: seconds into the day. */
static enum err_code day_add(struct dk_agg *a, struct dk_day *d, uint32_t toff, const struct pkt *p,
                             const struct src_key *k, uint32_t hsh, struct err *e)
{
    uint32_t idx = k->cand, hour = toff / 3600;
    uint32_t hbit = 1u << hour, key = hour << 24 | (uint32_t)p->cls << 16 | p->port;
    uint64_t bytes;
    struct dk_src *r;
    struct dk_port_ent *pe;
    struct ph_ent *ph;
    struct hour_cnt *cch, *ach;
    const struct geo_ent *g;
    bool fresh = false;
    enum err_code rc;

    if (idx >= d->nrecs || !rec_is(d, rec_at(d, idx), k)) /* NO_REF too */
        idx = src_find(d, k, hsh);
    if (idx == NO_REF) {
        rc = new_source(a, d, &p->src, hsh, toff, &idx, e);
        if (rc != ERR_OK)
            return rc;
    }
    r = rec_at(d, idx);
    if (toff < r->first_off)
        r->first_off = toff;
    if (toff > r->last_off)
        r->last_off = toff;
    r->pk[p->cls]++;
    bytes = r->bytes + p->ip_len;
    r->bytes = bytes < DK_BYTES_MAX ? bytes : DK_BYTES_MAX;
    g = &d->geo[r->geo];
    cch = cc_hour(d, g->cc, hour);
    ach = asn_hour(d, g->asn_idx, hour);
    cch->packets++;
    cch->dirty = 1;
    ach->packets++;
    ach->dirty = 1;
    if (!(r->hours & hbit)) {
        cch->sources++;
        ach->sources++;
    }
    r->hours |= hbit | FLAG_DIRTY;
    rc = dk_dst_add(d, r, k->dst, a->o.scanner_threshold, e);
    if (rc != ERR_OK)
        return rc;
    pe = NULL; /* entry 0, in the record */
    if (r->nport == 0 || r->p0_port != p->port || r->p0_cls != p->cls) {
        if (r->nport > PORT_LINEAR) { /* a port scanner's table: most packets, probed here */
            pe = port_probe(port_block(d, r), port_slots(r->nport), p->port, p->cls);
            if (pe->cls == PORT_EMPTY)
                pe = NULL;
        }
        if (pe == NULL) {
            rc = port_entry(d, r, p->port, p->cls, &pe, &fresh, e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    ph = ph_find(d, key);
    if (ph == NULL) {
        rc = ph_get(d, key, &ph, e);
        if (rc != ERR_OK)
            return rc;
    }
    ph->packets++;
    ph->bytes += p->ip_len;
    ph->dirty = 1;
    ph->new_sources += fresh;
    if (pe == NULL) { /* entry 0: its count is derived from the class counts */
        ph->sources += !(r->p0_hours & hbit);
        r->p0_hours |= hbit;
        return ERR_OK;
    }
    ph->sources += !(pe->hours & hbit);
    pe->hours |= hbit;
    pe->count++;
    if (r->nport <= PORT_LINEAR && (pe->count & 15) == 0) { /* a look every 16 packets */
        uint32_t c0 = p0_count(d, r);
        if (pe->count > c0) { /* keep the busiest entry in the record */
            struct dk_port_ent t = {r->p0_port, r->p0_cls, 0, c0, r->p0_hours};
            r->p0_port = pe->port;
            r->p0_cls = pe->cls;
            r->p0_hours = pe->hours;
            *pe = t;
        }
    }
    return ERR_OK;
}

/* ---- exported to darknet_store.c (the hot path above uses the static versions) ---- */

bool observe_dk_kmap_get(const struct kmap *m, uint64_t k, uint32_t *v)
{
    return kmap_get(m, k, v);
}

enum err_code observe_dk_ph_get(struct dk_day *d, uint32_t key, struct ph_ent **out, struct err *e)
{
    return ph_get(d, key, out, e);
}

enum err_code observe_dk_port_entry(struct dk_day *d, struct dk_src *r, uint16_t port, uint8_t cls,
                                    struct dk_port_ent **out, bool *fresh, struct err *e)
{
    return port_entry(d, r, port, cls, out, fresh, e);
}

/* ---- the aggregator --------------------------------------------------------------- */

enum err_code observe_dk_agg_new(struct store *st, int64_t sensor, const struct geo *geo,
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
    *out = a;
    return ERR_OK;
}

void observe_dk_agg_discard(struct dk_agg *a)
{
    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        observe_dk_day_free(a->days[i]);
        a->days[i] = NULL;
    }
    a->cur = NULL;
}

void observe_dk_agg_free(struct dk_agg *a)
{
    if (a == NULL)
        return;
    observe_dk_agg_discard(a);
    buf_fini(&a->scratch);
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
        rc = observe_dk_day_flush(a, a->days[slot], e);
        if (rc != ERR_OK)
            return rc;
        observe_dk_day_free(a->days[slot]);
        a->days[slot] = NULL;
    }
    rc = observe_dk_day_new(day, &d, e);
    if (rc != ERR_OK)
        return rc;
    d->narrow = a->o.v4_narrow;
    d->block = a->o.v4_block;
    rc = observe_dk_day_load(a, d, e);
    if (rc != ERR_OK) {
        observe_dk_day_free(d);
        return rc;
    }
    a->days[slot] = d;
    a->cur = d;
    return ERR_OK;
}

static inline void src_key_of(const struct pkt *p, struct src_key *k)
{
    k->ip = &p->src;
    k->cand = NO_REF;
    k->dst = dst_key(&p->dst);
    k->is_v4 = ip16_is_v4(&p->src);
    k->v4 = k->is_v4 ? v4_of(&p->src) : 0;
}

static inline uint32_t src_key_hash(const struct src_key *k)
{
    return k->is_v4 ? v4_hash(k->v4) : ip_hash(k->ip);
}

static enum err_code add_hashed(struct dk_agg *a, int64_t ts, const struct pkt *p,
                                const struct src_key *k, uint32_t h, struct err *e)
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
    return day_add(a, a->cur, (uint32_t)off, p, k, h, e);
}

enum err_code observe_dk_agg_add(struct dk_agg *a, int64_t ts, const struct pkt *p, struct err *e)
{
    struct src_key k;

    src_key_of(p, &k);
    return add_hashed(a, ts, p, &k, src_key_hash(&k), e);
}

/* Software pipeline distances (packets ahead of the one being applied): a packet's
 * slot and (hour, port, class) counter are prefetched first, its record PF_REC packets
 * later, the record's pool blocks and ASN counters PF_POOL later, and it is applied
 * PF_APPLY later. */
#define PF_REC   6
#define PF_POOL  12
#define PF_APPLY 18

static inline __attribute__((always_inline)) void pf_first(const struct dk_day *d, int64_t ts,
                                                           const struct pkt *p, uint32_t h)
{
    uint64_t off = (uint64_t)(ts - d->day * 86400);

    __builtin_prefetch(&d->slots[h & (d->nslots - 1)]);
    if (off < 86400) {
        uint32_t key = (uint32_t)(off / 3600) << 24 | (uint32_t)p->cls << 16 | p->port;
        const struct ph_tab *t = &d->ph[key >> 24];
        __builtin_prefetch(&t->ent[ph_hash(key) & (t->cap - 1)], 1);
    }
}

/* Prefetches the one or two cache lines holding [p, p + bytes), bytes <= 64. */
static inline __attribute__((always_inline)) void pf_span(const void *p, uint32_t bytes)
{
    uintptr_t a = (uintptr_t)p;

    __builtin_prefetch(p, 1);
    if ((a & 63) + bytes > 64)
        __builtin_prefetch((const void *)(a + 64), 1);
}

static inline __attribute__((always_inline)) void pf_record(const struct dk_day *d,
                                                            struct src_key *k, uint32_t h)
{
    k->cand = slot_cand(d, h);
    if (k->cand != NO_REF)
        __builtin_prefetch(rec_at(d, k->cand), 1);
}

static inline __attribute__((always_inline)) void
pf_pool(const struct dk_day *d, int64_t ts, const struct pkt *p, const struct src_key *k)
{
    const struct dk_src *r;
    uint64_t hour;

    if (k->cand >= d->nrecs || !k->is_v4)
        return;
    r = rec_at(d, k->cand);
    if (r->key != k->v4 || (r->hours & FLAG_V6))
        return;
    if (r->nport > 1 && (r->p0_port != p->port || r->p0_cls != p->cls)) {
        const uint32_t *b = pool_at(d, r->pref);
        if (r->nport > PORT_LINEAR) {
            uint32_t slots = port_slots(r->nport);
            b += DK_PORT_WORDS * port_home(p->port, p->cls, slots);
        }
        pf_span(b, r->nport > PORT_LINEAR ? DK_PORT_WORDS * 4 : (r->nport - 1) * DK_PORT_WORDS * 4);
    }
    if (r->hours & FLAG_HLL)
        __builtin_prefetch((const uint8_t *)pool_at(d, r->dref) + hll_reg(k->dst) / 2, 1);
    else if (r->ndst > set_inline(d, r))
        pf_span(pool_at(d, r->dref), r->ndst * (set_wide(d, r) ? 4 : 2));
    hour = (uint64_t)(ts - d->day * 86400) / 3600;
    if (hour < 24)
        __builtin_prefetch(asn_hour(d, d->geo[r->geo].asn_idx, (uint32_t)hour), 1);
}

/* One step i of the pipeline over m packets, each stage only where its packet exists. */
static inline __attribute__((always_inline)) enum err_code
pipe_step(struct dk_agg *a, const int64_t *ts, const struct pkt *p, struct src_key *k,
          const uint32_t *h, size_t m, size_t i, struct err *e)
{
    const struct dk_day *d = a->cur;

    if (d != NULL && i < m)
        pf_first(d, ts[i], &p[i], h[i]);
    if (d != NULL && i >= PF_REC && i - PF_REC < m)
        pf_record(d, &k[i - PF_REC], h[i - PF_REC]);
    if (d != NULL && i >= PF_POOL && i - PF_POOL < m)
        pf_pool(d, ts[i - PF_POOL], &p[i - PF_POOL], &k[i - PF_POOL]);
    if (i >= PF_APPLY) {
        size_t j = i - PF_APPLY;
        return add_hashed(a, ts[j], &p[j], &k[j], h[j], e);
    }
    return ERR_OK;
}

enum err_code observe_dk_agg_add_batch(struct dk_agg *a, const int64_t *ts, const struct pkt *p,
                                       size_t n, struct err *e)
{
    uint32_t h[DK_BATCH];
    struct src_key k[DK_BATCH];
    enum err_code rc = ERR_OK;

    while (n > 0 && rc == ERR_OK) {
        size_t m = n < DK_BATCH ? n : DK_BATCH, i = 0;
        for (size_t j = 0; j < m; j++) {
            src_key_of(&p[j], &k[j]);
            h[j] = src_key_hash(&k[j]);
        }
        for (; i < PF_APPLY && rc == ERR_OK; i++) /* filling the pipeline */
            rc = pipe_step(a, ts, p, k, h, m, i, e);
        for (; i < m && rc == ERR_OK; i++) { /* every stage has its packet */
            const struct dk_day *d = a->cur;
            if (d != NULL) {
                pf_first(d, ts[i], &p[i], h[i]);
                pf_record(d, &k[i - PF_REC], h[i - PF_REC]);
                pf_pool(d, ts[i - PF_POOL], &p[i - PF_POOL], &k[i - PF_POOL]);
            }
            rc = add_hashed(a, ts[i - PF_APPLY], &p[i - PF_APPLY], &k[i - PF_APPLY],
                            h[i - PF_APPLY], e);
        }
        for (; i < m + PF_APPLY && rc == ERR_OK; i++) /* draining it */
            rc = pipe_step(a, ts, p, k, h, m, i, e);
        ts += m;
        p += m;
        n -= m;
    }
    return rc;
}

enum err_code observe_dk_agg_flush(struct dk_agg *a, struct err *e)
{
    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        if (a->days[i] != NULL) {
            enum err_code rc = observe_dk_day_flush(a, a->days[i], e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

size_t observe_dk_agg_memory(const struct dk_agg *a, size_t *per_source)
{
    size_t n = sizeof(*a), src = 0;

    for (int i = 0; i < DK_OPEN_DAYS; i++) {
        const struct dk_day *d = a->days[i];
        if (d == NULL)
            continue;
        src += d->recs.used + d->pool.used + d->v6.used + (size_t)d->nslots * 4;
        for (int h = 0; h < 24; h++)
            n += (size_t)d->ph[h].cap * sizeof(struct ph_ent);
        n += sizeof(*d) + ((size_t)sizeof(struct geo24) << GEO24_BITS) +
             (size_t)d->geo_cap * sizeof(*d->geo) +
             (size_t)d->asn_cap * (4 + 24 * sizeof(struct hour_cnt)) +
             ((size_t)d->geo_map.cap + d->asn_map.cap) * 12;
    }
    if (per_source != NULL)
        *per_source = src;
    return n + src;
}

size_t observe_dk_agg_sources(const struct dk_agg *a)
{
    size_t n = 0;

    for (int i = 0; i < DK_OPEN_DAYS; i++)
        if (a->days[i] != NULL)
            n += a->days[i]->nrecs;
    return n;
}
