/* darknet_store.c - the store side of the darknet aggregator: the per-source state blob
 * (exact destination set or HyperLogLog, (port, class) entries with hour maps), loading a
 * day back from the store so later files merge exactly, and flushing what changed:
 * source-day rows in address order, port-hour and port-day rows, country/ASN-hour rows
 * and the day's sightings. Runs on the aggregator's thread, inside the caller's
 * transaction. */
#include "observe/darknet_int.h"

#include <stdlib.h>
#include <string.h>

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

static int cmp_state_ent(const void *x, const void *y)
{
    const uint8_t *a = x, *b = y;
    uint32_t ka = (uint32_t)get_u16(a) << 8 | a[2], kb = (uint32_t)get_u16(b) << 8 | b[2];

    return ka < kb ? -1 : ka > kb;
}

static enum err_code state_encode(const struct dk_day *d, const struct dk_src *r, struct buf *b,
                                  struct err *e)
{
    bool hll = (r->hours & FLAG_HLL) != 0;
    size_t dbytes = hll ? DK_HLL_BYTES : (size_t)r->ndst * 4;
    size_t n = STATE_HDR + dbytes + (size_t)r->nport * 11;
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
    else
        for (uint32_t i = 0; i < r->ndst; i++)
            put_u32(p + 4 * i, set_key(d, r, i));
    p += dbytes;
    for (uint32_t i = 0, ns = port_nslots(r); i < ns; i++) {
        struct dk_port_ent pe;
        if (!port_get(d, r, i, &pe))
            continue;
        put_u16(p, pe.port);
        p[2] = pe.cls;
        put_u32(p + 3, pe.count);
        put_u32(p + 7, pe.hours & HOURS_MASK);
        p += 11;
    }
    if (r->nport > 1) /* in (port, class) order: the same state gives the same blob */
        qsort(b->data + STATE_HDR + dbytes, r->nport, 11, cmp_state_ent);
    return ERR_OK;
}

/* Rebuilds r's destination set and port entries from a stored blob. */
static enum err_code state_decode(struct dk_day *d, struct dk_src *r, const uint8_t *s, size_t n,
                                  uint32_t thr, struct err *e)
{
    uint32_t ndst, nport;
    uint64_t sum[DK_NCLASS] = {0};
    size_t dbytes;
    bool hll;
    enum err_code rc;

    if (n < STATE_HDR || s[0] != STATE_VERSION || s[1] > 1)
        return err_set(e, ERR_PARSE, "darknet: stored source state has a bad header");
    hll = s[1] == 1;
    ndst = get_u32(s + 4);
    nport = get_u32(s + 8);
    dbytes = hll ? DK_HLL_BYTES : (size_t)ndst * 4;
    if ((!hll && ndst > DK_EXACT_MAX) || nport > (1u << 20) ||
        n != STATE_HDR + dbytes + (size_t)nport * 11)
        return err_set(e, ERR_PARSE, "darknet: stored source state has a bad length");
    s += STATE_HDR;
    if (hll) {
        rc = observe_dk_pool_alloc(d, DK_HLL_BYTES / 4, &r->dref, e);
        if (rc != ERR_OK)
            return rc;
        memcpy(pool_at(d, r->dref), s, DK_HLL_BYTES);
        r->hours |= FLAG_HLL;
        r->ndst = ndst > DK_EXACT_MAX + 1u ? DK_EXACT_MAX + 1u : ndst < 1 ? 1 : ndst;
    } else {
        for (uint32_t i = 0; i < ndst; i++) {
            rc = observe_dk_dst_insert(d, r, get_u32(s + 4 * i), thr, e);
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
        rc = observe_dk_port_entry(d, r, get_u16(s), s[2], &pe, &fresh, e);
        if (rc != ERR_OK)
            return rc;
        if (!fresh)
            return err_set(e, ERR_PARSE, "darknet: stored source state repeats an entry");
        sum[s[2]] += get_u32(s + 3);
        if (pe == NULL) { /* entry 0: its count follows from the class counts */
            r->p0_hours = get_u32(s + 7) & HOURS_MASK;
            continue;
        }
        pe->count = get_u32(s + 3);
        pe->hours = get_u32(s + 7) & HOURS_MASK;
    }
    for (int k = 0; k < DK_NCLASS; k++)
        if (sum[k] != r->pk[k])
            return err_set(e, ERR_PARSE,
                           "darknet: stored source state disagrees with its "
                           "class counts");
    return ERR_OK;
}

/* Decodes blob into a new IPv4 source of day d with class counts pk. */
static enum err_code state_load_one(struct dk_day *d, const struct ip16 *ip, const uint8_t *blob,
                                    size_t n, const uint32_t pk[DK_NCLASS], struct dk_src **out,
                                    struct err *e)
{
    uint32_t idx;
    enum err_code rc = observe_dk_src_insert(d, ip, ip_hash(ip), &idx, e);

    if (rc != ERR_OK)
        return rc;
    *out = rec_at(d, idx);
    for (int k = 0; k < DK_NCLASS; k++)
        (*out)->pk[k] = pk[k];
    return state_decode(d, *out, blob, n, 16, e);
}

enum err_code observe_dk_state_roundtrip(const uint8_t *blob, size_t n,
                                         const uint32_t pk[DK_NCLASS], bool narrow, bool *exact,
                                         struct err *e)
{
    struct dk_day *d;
    struct dk_src *r1, *r2;
    struct ip16 a = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}}, b = a;
    struct buf b1, b2;
    enum err_code rc = observe_dk_day_new(0, &d, e);

    if (rc != ERR_OK)
        return rc;
    d->narrow = narrow;
    d->block = 0xc633; /* 198.51.0.0/16 */
    b.b[15] = 2;
    buf_init(&b1, (size_t)64 << 20);
    buf_init(&b2, (size_t)64 << 20);
    rc = state_load_one(d, &a, blob, n, pk, &r1, e);
    if (rc == ERR_OK)
        rc = state_encode(d, r1, &b1, e);
    if (rc == ERR_OK)
        rc = state_load_one(d, &b, b1.data, b1.len, pk, &r2, e);
    if (rc == ERR_OK)
        rc = state_encode(d, r2, &b2, e);
    *exact = rc == ERR_OK && b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0 &&
             r1->ndst == r2->ndst && r1->nport == r2->nport;
    buf_fini(&b1);
    buf_fini(&b2);
    observe_dk_day_free(d);
    return rc;
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
    if (row->seq != d->nrecs) /* rows come in seq order, seq = record index */
        return err_set(e, ERR_DB, "darknet: stored rows of day %lld are not dense at seq %u",
                       (long long)d->day, row->seq);
    rc = observe_dk_geo_index(d, &gi, &g, e);
    if (rc == ERR_OK)
        rc = observe_dk_src_insert(d, &row->src, ip_hash(&row->src), &idx, e);
    if (rc != ERR_OK)
        return rc;
    r = rec_at(d, idx);
    r->geo = g;
    r->bytes = row->bytes;
    for (int k = 0; k < DK_NCLASS; k++)
        r->pk[k] = (uint32_t)row->cls[k];
    if (row->first_seen < d->day * 86400 || row->last_seen >= (d->day + 1) * 86400 ||
        row->bytes > DK_BYTES_MAX)
        return err_set(e, ERR_DB, "darknet: stored source row of day %lld out of range",
                       (long long)d->day);
    r->first_off = (uint32_t)(row->first_seen - d->day * 86400);
    r->last_off = (uint32_t)(row->last_seen - d->day * 86400);
    r->hours = (r->hours & FLAG_V6) | (row->hours & HOURS_MASK);
    return state_decode(d, r, row->state, row->state_len, c->a->o.scanner_threshold, e);
}

static enum err_code load_port(void *ctx, const struct store_dk_port *row, struct err *e)
{
    struct load_ctx *c = ctx;
    uint32_t hour = (uint32_t)((row->hour - c->d->day * 86400) / 3600);
    struct ph_ent *ph;
    enum err_code rc;

    if (hour > 23 || row->cls >= DK_NCLASS)
        return err_set(e, ERR_PARSE, "darknet: stored port-hour row out of range");
    rc = observe_dk_ph_get(c->d, hour << 24 | (uint32_t)row->cls << 16 | row->port, &ph, e);
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
        rc = observe_dk_asn_index(d, row->asn, &idx, e);
        if (rc != ERR_OK)
            return rc;
        hc = asn_hour(d, idx, hour);
    } else {
        hc = cc_hour(d, observe_dk_cc_index(row->country), hour);
    }
    hc->packets = row->packets;
    hc->sources = (uint32_t)row->sources;
    hc->dirty = 0;
    return ERR_OK;
}

enum err_code observe_dk_day_load(struct dk_agg *a, struct dk_day *d, struct err *e)
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
    struct dk_port_ent small[32], *pe = small;
    size_t n = 0, k = 0;

    if (r->nport > 32) {
        enum err_code rc = buf_resize(&a->scratch, r->nport * (sizeof(*pe) + 2), e);
        if (rc != ERR_OK)
            return rc;
        pe = (struct dk_port_ent *)(void *)a->scratch.data;
    }
    for (uint32_t s = 0, ns = port_nslots(r); s < ns; s++)
        n += port_get(d, r, s, &pe[n]);
    if (n > 32) {
        uint16_t *ports = (uint16_t *)(void *)(a->scratch.data + n * sizeof(*pe));
        for (size_t i = 0; i < n; i++)
            ports[i] = pe[i].port;
        qsort(ports, n, sizeof(*ports), cmp_u16);
        *distinct = 1;
        for (size_t i = 1; i < n; i++)
            *distinct += ports[i] != ports[i - 1];
        qsort(pe, n, sizeof(*pe), cmp_ent_count);
        *ntop = n < DK_TOP_PORTS ? n : DK_TOP_PORTS;
        memcpy(top, pe, *ntop * sizeof(*top));
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

/* A scanner probed (SYN, UDP or echo) at least the threshold of distinct destinations. */
static bool is_scanner(const struct dk_agg *a, const struct dk_src *r)
{
    uint32_t probes = r->pk[DK_TCP_SYN] + r->pk[DK_UDP] + r->pk[DK_ICMP_ECHO];

    return r->ndst >= a->o.scanner_threshold && probes > 0;
}

static bool is_victim(const struct dk_agg *a, const struct dk_src *r)
{
    return r->pk[DK_BACKSCATTER] >= a->o.victim_threshold;
}

static enum err_code flush_src(struct dk_agg *a, struct dk_day *d, struct dk_src *r,
                               uint32_t seq, struct err *e)
{
    struct store_dk_src row;
    const struct geo_ent *g = &d->geo[r->geo];
    char json[TOP_JSON_MAX];
    enum err_code rc;

    memset(&row, 0, sizeof(row));
    src_ip(d, r, &row.src);
    row.day = d->day;
    row.seq = seq;
    row.bytes = r->bytes;
    for (int k = 0; k < DK_NCLASS; k++) {
        row.cls[k] = r->pk[k];
        row.packets += r->pk[k];
    }
    row.first_seen = d->day * 86400 + r->first_off;
    row.last_seen = d->day * 86400 + r->last_off;
    row.hours = r->hours & HOURS_MASK;
    if (r->hours & FLAG_HLL) {
        double est = observe_dk_hll_estimate((const uint8_t *)pool_at(d, r->dref));
        row.dsts = (uint64_t)(est + 0.5);
        if (row.dsts < r->ndst)
            row.dsts = r->ndst; /* at least as many as the exact set held */
        uint64_t space = r->hours & FLAG_V6 ? a->o.space6 : a->o.space4;
        if (space > 0 && row.dsts > space)
            row.dsts = space; /* an estimate never exceeds the darknet */
    } else {
        row.dsts = r->ndst;
    }
    row.country[0] = (char)('A' + g->cc / 26);
    row.country[1] = (char)('A' + g->cc % 26);
    row.asn = g->asn;
    row.scanner = is_scanner(a, r);
    row.victim = is_victim(a, r);
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
    for (int h = 0; h < 24; h++)
        for (uint32_t i = 0; i < d->ph[h].cap; i++) {
            struct ph_ent *ph = &d->ph[h].ent[i];
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
        for (uint32_t j = 0, ns = port_nslots(r); j < ns && rc == ERR_OK; j++) {
            struct dk_port_ent ent, *pe = &ent;
            uint64_t key, *v;
            uint32_t slot;
            if (!port_get(d, r, j, &ent))
                continue;
            key = (uint64_t)pe->cls << 16 | pe->port;
            if (!observe_dk_kmap_get(&m, key, &slot)) {
                slot = n++;
                rc = observe_dk_kmap_put(&m, key, slot, e);
                if (rc == ERR_OK)
                    rc = buf_resize(&acc, (size_t)n * 16, e);
                if (rc != ERR_OK)
                    break;
                memset(acc.data + (size_t)slot * 16, 0, 16);
            }
            v = (uint64_t *)(void *)(acc.data + (size_t)slot * 16);
            v[0] += pe->count;
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
    observe_dk_kmap_fini(&m);
    buf_fini(&acc);
    return rc;
}

/* Writes the changed counters of n countries or ASNs x 24 hours (hc[h * stride + k]). */
static enum err_code flush_hours(struct dk_agg *a, const struct dk_day *d, struct hour_cnt *hc,
                                 uint32_t n, size_t stride, bool is_asn, struct err *e)
{
    struct store_dk_geo row;

    for (uint32_t h = 0; h < 24; h++)
        for (uint32_t k = 0; k < n; k++) {
            struct hour_cnt *c = &hc[h * stride + k];
            enum err_code rc;
            if (!c->dirty)
                continue;
            memset(&row, 0, sizeof(row));
            row.is_asn = is_asn;
            row.hour = d->day * 86400 + (int64_t)h * 3600;
            if (is_asn) {
                row.asn = d->asns[k];
            } else {
                row.country[0] = (char)('A' + k / 26);
                row.country[1] = (char)('A' + k % 26);
            }
            row.packets = c->packets;
            row.sources = c->sources;
            rc = store_dk_geo_put(a->st, a->sensor, &row, e);
            if (rc != ERR_OK)
                return rc;
            c->dirty = 0;
        }
    return ERR_OK;
}

static enum err_code flush_geo(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    enum err_code rc = flush_hours(a, d, d->cc_hours, NCC, NCC, false, e);

    if (rc == ERR_OK)
        rc = flush_hours(a, d, d->asn_hours, d->nasn, d->asn_cap, true, e);
    return rc;
}

/* Writes the changed sources in record order: the record index is the row's seq, so rows
 * append to the day's row-id range. */
static enum err_code flush_sources(struct dk_agg *a, struct dk_day *d, bool *any, struct err *e)
{
    enum err_code rc = ERR_OK;

    *any = false;
    for (uint32_t i = 0; i < d->nrecs && rc == ERR_OK; i++) {
        struct dk_src *r = rec_at(d, i);
        if (r->hours & FLAG_DIRTY) {
            *any = true;
            rc = flush_src(a, d, r, i, e);
        }
    }
    return rc;
}

/* The day's scanners and DoS victims, from memory: every record of the day, not only the
 * changed ones, so the stored sightings are the whole day's. */
static enum err_code flush_sightings(struct dk_agg *a, struct dk_day *d, struct err *e)
{
    struct store_dk_sighting *v;
    size_t n = 0;
    enum err_code rc;

    for (uint32_t i = 0; i < d->nrecs; i++) {
        const struct dk_src *r = rec_at(d, i);
        n += is_scanner(a, r) || is_victim(a, r);
    }
    rc = buf_resize(&a->scratch, n * sizeof(*v), e);
    if (rc != ERR_OK)
        return rc;
    v = (struct store_dk_sighting *)(void *)a->scratch.data;
    n = 0;
    for (uint32_t i = 0; i < d->nrecs; i++) {
        const struct dk_src *r = rec_at(d, i);
        struct store_dk_sighting *x = &v[n];
        x->scanner = is_scanner(a, r);
        x->victim = is_victim(a, r);
        if (!x->scanner && !x->victim)
            continue;
        src_ip(d, r, &x->ip);
        x->first_seen = d->day * 86400 + r->first_off;
        x->last_seen = d->day * 86400 + r->last_off;
        x->packets = 0;
        for (int k = 0; k < DK_NCLASS; k++)
            x->packets += r->pk[k];
        n++;
    }
    return store_dk_sightings_put(a->st, a->sensor, d->day, v, n, e);
}

enum err_code observe_dk_day_flush(struct dk_agg *a, struct dk_day *d, struct err *e)
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
        rc = flush_sightings(a, d, e);
    t[5] = time_mono();
    log_info("darknet", "flush day %lld: %u sources %.3f s, ports %.3f s, port-days %.3f s, "
             "geo %.3f s, sightings %.3f s", (long long)d->day, d->nrecs, t[1] - t[0],
             t[2] - t[1], t[3] - t[2], t[4] - t[3], t[5] - t[4]);
    return rc;
}
