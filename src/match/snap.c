/* snap.c - building, looking up and sharing compiled indicator snapshots.
 *
 * A snapshot is an array of 24-byte entries, one flat string arena and three indexes:
 * a fingerprint table of domains keyed by the label-chain suffix hash (match_int.h), a
 * fingerprint table of every other value keyed by (type, string), and the address
 * prefixes sorted by (length, network) for longest-prefix match. The builder grows the
 * same structures (deduplicating as it goes) and hands them over to the snapshot, so
 * building needs no second copy. Snapshots are immutable and reference-counted; the swap
 * point publishes the current one under a mutex held only for a pointer copy and a
 * reference increment, so a reader can never pick up a snapshot whose last reference
 * is being dropped. */
#include "match/match_int.h"

#include <pthread.h>
#include <stdlib.h>

#define ARENA_MAX 0xffffffffu
#define ENT_MAX   0x7fffffffu

struct match_builder {
    struct match_snap *s; /* being built; refs == 0 */
    size_t ent_cap, arena_cap;
};

struct match_swap {
    pthread_mutex_t mu;
    struct match_snap *cur;
};

/* ---- names ------------------------------------------------------------------ */

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* High bit of each byte of w that equals c (exact, no carries between bytes). */
static inline uint64_t bytes_eq(uint64_t w, uint8_t c)
{
    uint64_t x = w ^ (ONES * c);

    return ~(((x & ~HIGH) + ~HIGH) | x) & HIGH;
}

/* Lowercases the 8 bytes of w (ASCII A-Z only). */
static inline uint64_t lower8(uint64_t w)
{
    uint64_t h = w & ~HIGH, ge_a = h + ONES * (0x80 - 'A'), gt_z = h + ONES * (0x80 - 'Z' - 1);

    return w | ((ge_a & ~gt_z & ~w & HIGH) >> 2);
}

/* High bit of each byte of w that is a space or a control byte (<= 0x20, or 0x7f). */
static inline uint64_t bytes_ctl(uint64_t w)
{
    uint64_t h = w & ~HIGH;

    return ((~(h + ONES * (0x80 - 0x21)) & ~w) | bytes_eq(w, 0x7f)) & HIGH;
}

/* Word i of name (n bytes of which avail are readable), bytes past n zero. */
static inline uint64_t name_word(const char *name, size_t n, size_t avail, size_t i)
{
    uint64_t w = 0;

    if (i + 8 <= avail)
        w = match_rd64(name + i);
    else
        memcpy(&w, name + i, avail - i);
    return n - i >= 8 ? w : w & ~(~0ULL << 8 * (n - i));
}

size_t match_name_split(const char *name, size_t n, size_t avail, uint8_t *buf, size_t *len,
                        uint8_t *start, unsigned *flags)
{
    size_t nl = 1;

    if (flags != NULL)
        *flags = 0;
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > IOC_NAME_MAX)
        return 0;
    start[0] = 0;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = name_word(name, n, avail, i),
                 valid = n - i >= 8 ? ~0ULL : ~(~0ULL << 8 * (n - i));
        uint64_t dm = bytes_eq(w, '.') & valid;

        if ((bytes_ctl(w) & valid) != 0)
            return 0;
        if (flags != NULL && ((bytes_eq(w, '/') | bytes_eq(w, ':')) & valid) != 0)
            *flags |= MATCH_NAME_URLISH;
        w = lower8(w);
        memcpy(buf + i, &w, 8);
        for (; dm != 0; dm &= dm - 1) {
            if (nl == MATCH_MAX_LABELS)
                return 0; /* 129 labels need 257 bytes or empty labels */
            start[nl++] = (uint8_t)(i + (size_t)__builtin_ctzll(dm) / 8 + 1);
        }
    }
    memset(buf + ((n + 7) & ~(size_t)7), 0, 8); /* labels are read a word at a time */
    *len = n;
    return nl;
}

bool match_name_keys(const uint8_t *buf, size_t len, const uint8_t *start, size_t nsuf,
                     uint64_t *key)
{
    size_t end = len;
    uint64_t h = 0;

    for (size_t k = nsuf; k-- > 0;) {
        size_t st = start[k];

        if (end == st || end - st > IOC_LABEL_MAX)
            return false;
        h = match_dom_chain(h, match_label_hash(buf + st, end - st));
        key[k] = match_dom_key(h);
        end = st - 1;
    }
    return true;
}

size_t match_name_hash(const char *name, size_t n, uint8_t *buf, size_t *len, uint64_t *key,
                       uint8_t *start, unsigned *flags)
{
    size_t nsuf = match_name_split(name, n, n, buf, len, start, flags);

    if (nsuf == 0 || !match_name_keys(buf, *len, start, nsuf, key))
        return 0;
    return nsuf;
}

long match_name_find(const struct match_snap *sn, const uint8_t *buf, size_t len,
                     const uint64_t *key, const uint8_t *start, size_t nsuf)
{
    if (sn->dom.used == 0)
        return -1;
    for (size_t i = 0; i < nsuf; i++) {
        long idx;

        if (!match_filt_has(sn, key[i]))
            continue;
        idx = match_tab_find(sn, &sn->dom, key[i], (const char *)buf + start[i], len - start[i]);

        if (idx >= 0)
            return idx;
    }
    return -1;
}

void match_hit_fill(const struct match_snap *sn, size_t idx, struct match_hit *hit)
{
    const struct match_entry *en = &sn->ent[idx];

    hit->type = (enum ioc_type)en->type;
    hit->value = sn->arena + en->off;
    hit->len = en->len;
    hit->id = en->id;
    hit->score = en->score;
}

/* ---- tables ------------------------------------------------------------------ */

static enum err_code tab_init(struct match_tab *t, size_t cap, struct err *e)
{
    t->slot = mem_alloc_table(cap * sizeof(uint64_t));
    if (t->slot == NULL)
        return err_set(e, ERR_NOMEM, "match: cannot allocate a %zu-slot table", cap);
    memset(t->slot, 0, cap * sizeof(uint64_t));
    t->mask = cap - 1;
    t->used = 0;
    return ERR_OK;
}

static void tab_put(struct match_tab *t, uint64_t key, uint32_t idx)
{
    uint64_t i = key & t->mask;

    while (t->slot[i] != 0)
        i = (i + 1) & t->mask;
    t->slot[i] = ((key >> 32) | 1) << 32 | idx;
    t->used++;
}

/* Key of entry idx in the table it belongs to. */
static uint64_t entry_key(const struct match_snap *s, size_t idx)
{
    const struct match_entry *en = &s->ent[idx];
    struct match_name m;

    if (en->type == IOC_DOMAIN) {
        (void)match_name_prepare(&m, s->arena + en->off, en->len); /* checked when added */
        return m.key[0];
    }
    return match_str_key((enum ioc_type)en->type, s->arena + en->off, en->len);
}

/* Doubles t when one more entry would load it over 3/4. */
static enum err_code tab_grow(struct match_snap *s, struct match_tab *t, struct err *e)
{
    struct match_tab nt;
    enum err_code rc;

    if ((t->used + 1) * 4 <= (t->mask + 1) * 3)
        return ERR_OK;
    rc = tab_init(&nt, (t->mask + 1) * 2, e);
    if (rc != ERR_OK)
        return rc;
    for (uint64_t i = 0; i <= t->mask; i++) {
        uint32_t idx = (uint32_t)t->slot[i];

        if (t->slot[i] != 0)
            tab_put(&nt, entry_key(s, idx), idx);
    }
    mem_free(t->slot);
    *t = nt;
    return ERR_OK;
}

/* ---- building ---------------------------------------------------------------- */

enum err_code match_builder_new(struct match_builder **out, struct err *e)
{
    struct match_builder *b = mem_calloc(1, sizeof(*b));

    *out = NULL;
    if (b == NULL || (b->s = mem_calloc(1, sizeof(*b->s))) == NULL) {
        mem_free(b);
        return err_set(e, ERR_NOMEM, "match: cannot allocate a builder");
    }
    if (tab_init(&b->s->dom, 16, e) != ERR_OK || tab_init(&b->s->exact, 16, e) != ERR_OK) {
        match_builder_free(b);
        return ERR_NOMEM;
    }
    *out = b;
    return ERR_OK;
}

static void snap_free(struct match_snap *s)
{
    if (s == NULL)
        return;
    mem_free(s->ent);
    mem_free(s->arena);
    mem_free(s->dom.slot);
    mem_free(s->exact.slot);
    mem_free(s->pfx);
    mem_free(s->filt);
    mem_free(s);
}

void match_builder_free(struct match_builder *b)
{
    if (b == NULL)
        return;
    snap_free(b->s);
    mem_free(b);
}

static bool is_lower_hex(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
            return false;
    return true;
}

/* Checks that value is canonical for t; the stored part goes to stored and slen. */
static enum err_code check_value(enum ioc_type t, const char *v, size_t n, const char **stored,
                                 size_t *slen, struct err *e)
{
    static const size_t hexlen[] = {[IOC_MD5] = 32, [IOC_SHA1] = 40, [IOC_SHA256] = 64};
    struct match_name m;
    const char *sep;

    *stored = v;
    *slen = n;
    switch (t) {
    case IOC_DOMAIN:
        if (n == 0 || v[n - 1] == '.' || !match_name_prepare(&m, v, n) || memcmp(m.buf, v, n) != 0)
            return err_set(e, ERR_PARSE, "match: domain is not canonical");
        return ERR_OK;
    case IOC_URL:
        sep = n > 3 ? memmem(v, n, "://", 3) : NULL;
        if (sep == NULL || memchr(sep + 3, '/', n - (size_t)(sep + 3 - v)) == NULL)
            return err_set(e, ERR_PARSE, "match: URL is not canonical (scheme://host/path)");
        *stored = sep + 3;
        *slen = n - (size_t)(sep + 3 - v);
        return ERR_OK;
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        if (n != hexlen[t] || !is_lower_hex(v, n))
            return err_set(e, ERR_PARSE, "match: %s is not %zu lowercase hex digits",
                           ioc_type_name(t), hexlen[t]);
        return ERR_OK;
    default:
        return ERR_OK;
    }
}

/* Parses an address entry's prefix into en->plen and *net. */
static enum err_code parse_prefix(enum ioc_type t, const char *v, size_t n, struct cidr *c,
                                  struct err *e)
{
    char tmp[64];

    if (n >= sizeof(tmp))
        return err_set(e, ERR_PARSE, "match: address too long");
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    if (t == IOC_CIDR)
        return cidr_parse(tmp, c, e) == ERR_OK ? ERR_OK
                                               : err_set(e, ERR_PARSE, "match: bad cidr '%s'", tmp);
    if (ip16_parse(tmp, &c->net, e) != ERR_OK || (t == IOC_IPV4) != ip16_is_v4(&c->net))
        return err_set(e, ERR_PARSE, "match: bad %s '%s'", ioc_type_name(t), tmp);
    c->len = 128;
    return ERR_OK;
}

static enum err_code reserve(struct match_builder *b, size_t slen, struct err *e)
{
    struct match_snap *s = b->s;

    if (s->nent >= ENT_MAX || s->arena_len + slen > ARENA_MAX)
        return err_set(e, ERR_LIMIT, "match: too many indicators");
    if (s->nent == b->ent_cap) {
        size_t cap = b->ent_cap ? b->ent_cap * 2 : 1024;
        struct match_entry *p = mem_realloc(s->ent, cap * sizeof(*p));

        if (p == NULL)
            return err_set(e, ERR_NOMEM, "match: cannot grow entries");
        s->ent = p;
        b->ent_cap = cap;
    }
    if (s->arena_len + slen > b->arena_cap) {
        size_t cap = b->arena_cap ? b->arena_cap : 16384;
        char *p;

        while (cap < s->arena_len + slen)
            cap *= 2;
        p = mem_realloc(s->arena, cap);
        if (p == NULL)
            return err_set(e, ERR_NOMEM, "match: cannot grow the string arena");
        s->arena = p;
        b->arena_cap = cap;
    }
    return ERR_OK;
}

enum err_code match_builder_add(struct match_builder *b, enum ioc_type t, const char *value,
                                size_t len, int64_t id, double score, struct err *e)
{
    struct match_snap *s = b->s;
    struct match_tab *tab;
    struct cidr c = {0};
    const char *sv;
    size_t sl;
    uint64_t key;
    long dup;
    enum err_code rc;

    if (t == IOC_EMAIL || t == IOC_ASN || (unsigned)t >= IOC_NTYPES)
        return ERR_OK;
    if (len > IOC_VALUE_MAX)
        return err_set(e, ERR_PARSE, "match: value longer than %d bytes", IOC_VALUE_MAX);
    rc = check_value(t, value, len, &sv, &sl, e);
    if (rc == ERR_OK && (t == IOC_IPV4 || t == IOC_IPV6 || t == IOC_CIDR))
        rc = parse_prefix(t, value, len, &c, e);
    if (rc != ERR_OK)
        return rc;
    tab = t == IOC_DOMAIN ? &s->dom : &s->exact;
    if (t == IOC_DOMAIN) {
        struct match_name m;

        (void)match_name_prepare(&m, sv, sl); /* checked above */
        key = m.key[0];
    } else {
        key = match_str_key(t, sv, sl);
    }
    dup = match_tab_find(s, tab, key, sv, sl);
    if (dup >= 0 && s->ent[dup].type == t) {
        if (score > s->ent[dup].score) {
            s->ent[dup].score = (float)score;
            s->ent[dup].id = id;
        }
        return ERR_OK;
    }
    if ((rc = reserve(b, sl, e)) != ERR_OK || (rc = tab_grow(s, tab, e)) != ERR_OK)
        return rc;
    memcpy(s->arena + s->arena_len, sv, sl);
    s->ent[s->nent] = (struct match_entry){.off = (uint32_t)s->arena_len,
                                           .len = (uint16_t)sl,
                                           .type = (uint8_t)t,
                                           .plen = c.len,
                                           .score = (float)score,
                                           .id = id};
    s->arena_len += sl;
    tab_put(tab, key, (uint32_t)s->nent);
    s->nent++;
    s->count[t]++;
    return ERR_OK;
}

/* A prefix while building, sorted before it is packed into a struct match_pfx. */
struct pfx_tmp {
    uint64_t hi, lo;
    uint32_t idx;
    uint8_t len;
};

static int cmp_pfx(const void *a, const void *b)
{
    const struct pfx_tmp *x = a, *y = b;

    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static void ip_words(const struct ip16 *ip, uint64_t *hi, uint64_t *lo)
{
    *hi = 0;
    *lo = 0;
    for (int i = 0; i < 8; i++) {
        *hi = *hi << 8 | ip->b[i];
        *lo = *lo << 8 | ip->b[i + 8];
    }
}

static void mask_words(uint64_t *hi, uint64_t *lo, unsigned len)
{
    if (len < 64) {
        *hi &= len == 0 ? 0 : ~0ULL << (64 - len);
        *lo = 0;
    } else if (len < 128) {
        *lo &= len == 64 ? 0 : ~0ULL << (128 - len);
    }
}

/* Builds the sorted prefix array from the address entries. */
/* Rebuilds the exact table without the address entries, which were in it only so that
 * the builder could find duplicates: lookups go through the prefix array. */
static enum err_code shrink_exact(struct match_snap *s, struct err *e)
{
    size_t n = s->count[IOC_URL] + s->count[IOC_MD5] + s->count[IOC_SHA1] + s->count[IOC_SHA256];
    size_t cap = 16;
    struct match_tab t;

    if (n == s->exact.used)
        return ERR_OK;
    while ((n + 1) * 4 > cap * 3)
        cap *= 2;
    if (tab_init(&t, cap, e) != ERR_OK)
        return ERR_NOMEM;
    for (size_t i = 0; i < s->nent; i++) {
        uint8_t ty = s->ent[i].type;

        if (ty == IOC_URL || ty == IOC_MD5 || ty == IOC_SHA1 || ty == IOC_SHA256)
            tab_put(&t, entry_key(s, i), (uint32_t)i);
    }
    mem_free(s->exact.slot);
    s->exact = t;
    return ERR_OK;
}

/* Sets the filter bits of every domain: at least 8 bits per domain, a power of two. */
static enum err_code build_filter(struct match_snap *s, struct err *e)
{
    uint64_t bits = 512;

    while (bits < 8 * (uint64_t)s->count[IOC_DOMAIN])
        bits *= 2;
    s->filt = mem_alloc_table(bits / 8);
    if (s->filt == NULL)
        return err_set(e, ERR_NOMEM, "match: cannot allocate the domain filter");
    memset(s->filt, 0, bits / 8);
    s->fwmask = bits / 64 - 1;
    for (size_t i = 0; i < s->nent; i++)
        if (s->ent[i].type == IOC_DOMAIN) {
            uint64_t key = entry_key(s, i);

            s->filt[match_filt_word(s, key)] |= match_filt_bits(key);
        }
    return ERR_OK;
}

static enum err_code build_prefixes(struct match_snap *s, struct err *e)
{
    size_t n = s->count[IOC_IPV4] + s->count[IOC_IPV6] + s->count[IOC_CIDR], k = 0;
    struct pfx_tmp *t;

    if (n == 0)
        return ERR_OK;
    t = mem_alloc(n * sizeof(*t));
    s->pfx = mem_alloc(n * sizeof(*s->pfx));
    if (t == NULL || s->pfx == NULL) {
        mem_free(t);
        return err_set(e, ERR_NOMEM, "match: cannot allocate prefixes");
    }
    for (size_t i = 0; i < s->nent; i++) {
        const struct match_entry *en = &s->ent[i];
        struct cidr c;

        if (en->type != IOC_IPV4 && en->type != IOC_IPV6 && en->type != IOC_CIDR)
            continue;
        (void)parse_prefix((enum ioc_type)en->type, s->arena + en->off, en->len, &c, NULL);
        ip_words(&c.net, &t[k].hi, &t[k].lo);
        mask_words(&t[k].hi, &t[k].lo, c.len);
        t[k].idx = (uint32_t)i;
        t[k].len = c.len;
        k++;
    }
    s->npfx = k;
    qsort(t, k, sizeof(*t), cmp_pfx);
    for (size_t i = 0; i < k; i++)
        s->pfx[i] = (struct match_pfx){{(uint32_t)(t[i].hi >> 32), (uint32_t)t[i].hi,
                                        (uint32_t)(t[i].lo >> 32), (uint32_t)t[i].lo},
                                       t[i].idx};
    for (size_t l = 0, i = 0; l <= 129; l++) {
        while (i < k && t[i].len < l)
            i++;
        s->pstart[l] = i;
    }
    mem_free(t);
    for (int l = 128; l >= 0; l--)
        if (s->pstart[l + 1] > s->pstart[l])
            s->plens[s->nplens++] = (uint8_t)l;
    return ERR_OK;
}

enum err_code match_builder_finish(struct match_builder *b, struct match_snap **out, struct err *e)
{
    struct match_snap *s = b->s;
    enum err_code rc;

    *out = NULL;
    if (s->nent > 0) { /* exact size, huge-page advised: hits read them at random */
        struct match_entry *p = mem_alloc_table(s->nent * sizeof(*p));

        if (p != NULL) { /* a failed copy keeps the larger block */
            memcpy(p, s->ent, s->nent * sizeof(*p));
            mem_free(s->ent);
            s->ent = p;
        }
    }
    if (s->arena_len > 0) {
        char *p = mem_alloc_table(s->arena_len);

        if (p != NULL) {
            memcpy(p, s->arena, s->arena_len);
            mem_free(s->arena);
            s->arena = p;
        }
    }
    rc = build_prefixes(s, e);
    if (rc == ERR_OK)
        rc = build_filter(s, e);
    if (rc == ERR_OK)
        rc = shrink_exact(s, e);
    if (rc != ERR_OK) {
        match_builder_free(b);
        return rc;
    }
    s->bytes = sizeof(*s) + s->nent * sizeof(*s->ent) + s->arena_len +
               (s->dom.mask + 1 + s->exact.mask + 1) * sizeof(uint64_t) +
               s->npfx * sizeof(*s->pfx) + (s->fwmask + 1) * sizeof(uint64_t);
    atomic_init(&s->refs, 1);
    b->s = NULL;
    match_builder_free(b);
    *out = s;
    return ERR_OK;
}

/* ---- snapshots ------------------------------------------------------------------ */

struct match_snap *match_snap_ref(struct match_snap *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

void match_snap_unref(struct match_snap *s)
{
    if (s != NULL && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        snap_free(s);
}

void match_snap_stats(const struct match_snap *s, struct match_snap_stats *out)
{
    memset(out, 0, sizeof(*out));
    memcpy(out->count, s->count, sizeof(out->count));
    out->entries = s->nent;
    out->string_bytes = s->arena_len;
    out->bytes = s->bytes;
}

/* ---- lookups ---------------------------------------------------------------------- */

bool match_domain(const struct match_snap *s, const char *name, size_t len, struct match_hit *hit)
{
    struct match_name m;
    long idx;

    if (!match_name_prepare(&m, name, len) ||
        (idx = match_name_find(s, m.buf, m.len, m.key, m.start, m.nsuf)) < 0)
        return false;
    match_hit_fill(s, (size_t)idx, hit);
    return true;
}

struct url_ctx {
    const struct match_snap *s;
    long idx;
};

static bool url_expr(const char *expr, size_t len, void *arg)
{
    struct url_ctx *c = arg;

    c->idx = match_tab_find(c->s, &c->s->exact, match_str_key(IOC_URL, expr, len), expr, len);
    if (c->idx >= 0 && c->s->ent[c->idx].type != IOC_URL)
        c->idx = -1;
    return c->idx < 0;
}

long match_url_find(const struct match_snap *s, const char *canon_url)
{
    struct url_ctx c = {s, -1};

    if (s->count[IOC_URL] == 0)
        return -1;
    (void)ioc_url_expressions(canon_url, url_expr, &c); /* false only when we stopped it */
    return c.idx;
}

bool match_url(const struct match_snap *s, const char *canon_url, struct match_hit *hit)
{
    long idx = match_url_find(s, canon_url);

    if (idx < 0)
        return false;
    match_hit_fill(s, (size_t)idx, hit);
    return true;
}

long match_ip_find(const struct match_snap *s, const struct ip16 *ip)
{
    uint64_t hi0, lo0;

    ip_words(ip, &hi0, &lo0);
    for (size_t k = 0; k < s->nplens; k++) {
        unsigned len = s->plens[k];
        uint64_t hi = hi0, lo = lo0;
        size_t a = s->pstart[len], z = s->pstart[len + 1];

        mask_words(&hi, &lo, len);
        while (a < z) {
            size_t mid = a + (z - a) / 2;
            const struct match_pfx *p = &s->pfx[mid];
            uint64_t phi = match_pfx_hi(p), plo = match_pfx_lo(p);

            if (phi == hi && plo == lo)
                return (long)p->idx;
            if (phi < hi || (phi == hi && plo < lo))
                a = mid + 1;
            else
                z = mid;
        }
    }
    return -1;
}

bool match_ip(const struct match_snap *s, const struct ip16 *ip, struct match_hit *hit)
{
    long idx = match_ip_find(s, ip);

    if (idx < 0)
        return false;
    match_hit_fill(s, (size_t)idx, hit);
    return true;
}

bool match_hash(const struct match_snap *s, enum ioc_type t, const char *hex, size_t len,
                struct match_hit *hit)
{
    char low[64];
    long idx;

    if ((t != IOC_MD5 && t != IOC_SHA1 && t != IOC_SHA256) || len > sizeof(low))
        return false;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)(hex[i] + ((uint8_t)(hex[i] - 'A') < 26u ? 32 : 0));
    idx = match_tab_find(s, &s->exact, match_str_key(t, low, len), low, len);
    if (idx < 0 || s->ent[idx].type != t)
        return false;
    match_hit_fill(s, (size_t)idx, hit);
    return true;
}

/* ---- the swap point ------------------------------------------------------------------ */

enum err_code match_swap_new(struct match_swap **out, struct err *e)
{
    struct match_swap *w = mem_calloc(1, sizeof(*w));

    *out = NULL;
    if (w == NULL)
        return err_set(e, ERR_NOMEM, "match: cannot allocate a swap point");
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        mem_free(w);
        return err_set(e, ERR_NOMEM, "match: cannot initialise a mutex");
    }
    *out = w;
    return ERR_OK;
}

void match_swap_free(struct match_swap *w)
{
    if (w == NULL)
        return;
    match_snap_unref(w->cur);
    (void)pthread_mutex_destroy(&w->mu); /* no reader left by contract */
    mem_free(w);
}

void match_swap_publish(struct match_swap *w, struct match_snap *s)
{
    struct match_snap *old;

    (void)pthread_mutex_lock(&w->mu); /* cannot fail on a valid default mutex */
    old = w->cur;
    w->cur = s;
    (void)pthread_mutex_unlock(&w->mu);
    match_snap_unref(old);
}

struct match_snap *match_swap_acquire(struct match_swap *w)
{
    struct match_snap *s;

    (void)pthread_mutex_lock(&w->mu);
    s = w->cur != NULL ? match_snap_ref(w->cur) : NULL;
    (void)pthread_mutex_unlock(&w->mu);
    return s;
}
