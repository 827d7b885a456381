/* scan.c - matching a whole log against a snapshot.
 *
 * Lines are parsed in place. Plain and Unbound lines take fast lanes: 16-byte SSE2
 * compares (a portable byte loop elsewhere) over a window at the line start give, as bit
 * masks, the newline, the dots, the spaces and the bytes that need the general path, and
 * store the lowercased name into the batch at the same time; the Unbound lane checks the
 * head of the line ("[digits] prog[..] info: ADDR ") with the masks of its first 64
 * bytes. The suffix keys are then chained right to left, label by label (match_int.h).
 * Every line a lane does not take in full (odd bytes, empty labels, an address or URL in
 * a plain log, another Unbound message or class, odd spacing, long lines) and the other
 * formats go through match_parse_line() and the general name split, with the same keys
 * and the same results; the lanes only skip work.
 *
 * Names then go through a software pipeline of NSTAGE batches of BATCH names, one stage
 * per batch each time the current batch is full: (1) as a name is keyed, the filter words
 * of its suffixes are prefetched; (2) the suffixes that pass the snapshot's Bloom filter
 * (~15 % of names have one at 1M indicators) are kept and their table slots prefetched;
 * (3) the slots are walked and the entries whose fingerprint matches are listed and
 * prefetched; (4) their strings are prefetched; (5) the strings are compared and each
 * name reports its most specific match, in line order. The cache misses thus overlap with
 * parsing. URLs (squid, plain) and addresses take the one-at-a-time path after the
 * pipeline is drained, as do malformed lines, so everything is reported in line order.
 * One scanner state is allocated per call; nothing per line. */
#include "match/match_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The lanes' per-line helpers must be inlined into their loops (structs of masks in
 * registers, no calls per line). */
#define ALWAYS_INLINE inline __attribute__((always_inline))

#define BATCH  16
#define NSTAGE 4 /* fill + filter, look up, touch entries, verify */
#define POOL   (BATCH * 8 + MATCH_MAX_LABELS)

#define BAD_NAME                                                                                   \
    "query is not a domain name (empty or over-long name or label, space or control byte)"

/* A name in the pipeline. */
struct pending {
    uint64_t line;
    struct match_line r;
    size_t len; /* of the lowercased name */
};

/* One batch of names in the pipeline. key/start/who[0 .. nkeys) hold the suffix keys of
 * all its names in line order, each name's most specific first (who: the name's index);
 * filtering keeps the first ncand of them, those that pass the filter, in the same order;
 * the lookup lists the nm entries whose fingerprint matches (cand: of which candidate). */
struct batch {
    size_t n, nkeys, ncand, nm;
    bool over; /* more fingerprint matches than fit: verified the slow way */
    struct pending p[BATCH];
    uint64_t key[POOL];
    uint8_t start[POOL];
    uint8_t who[POOL];
    uint16_t cand[POOL];
    uint32_t ent[POOL];
    uint8_t name[BATCH][256 + 32];
};

struct scan {
    const struct match_snap *s;
    match_hit_fn on_hit;
    match_bad_fn on_bad;
    void *arg;
    struct match_counts *c;
    const char *end; /* of the data: names may be read a word at a time up to here */
    bool stop;
    unsigned cur; /* batch being filled; the others are at the later stages */
    struct match_zeek z;
    enum match_format f;
    struct batch b[NSTAGE];
    char url[IOC_VALUE_MAX + 1];
};

static const struct match_line no_fields = {.time = "", .client = "", .query = ""};

static void reject(struct scan *st, uint64_t line, const char *why)
{
    st->c->malformed++;
    if (st->on_bad != NULL)
        st->on_bad(st->arg, line, why);
}

static void emit(struct scan *st, uint64_t line, const struct match_line *r, const char *q,
                 size_t qlen, size_t idx)
{
    struct match_event ev = {.line = line,
                             .time = r->time,
                             .time_len = r->time_len,
                             .client = r->client,
                             .client_len = r->client_len,
                             .query = q,
                             .query_len = qlen};

    st->c->hits++;
    match_hit_fill(st->s, idx, &ev.hit);
    if (st->on_hit != NULL && !st->on_hit(st->arg, &ev))
        st->stop = true;
}

/* Pass 2: keeps the suffixes of b that pass the filter (their filter words were
 * prefetched in pass 1) and prefetches their table slots. One flat loop over the batch. */
static void filter_batch(const struct scan *st, struct batch *b)
{
    const struct match_snap *s = st->s;
    size_t m = 0;

    for (size_t k = 0; k < b->nkeys; k++) {
        uint64_t key = b->key[k], bits = match_filt_bits(key);

        b->key[m] = key;
        b->start[m] = b->start[k];
        b->who[m] = b->who[k];
        m += (s->filt[match_filt_word(s, key)] & bits) == bits;
    }
    for (size_t k = 0; k < m; k++)
        __builtin_prefetch(&s->dom.slot[b->key[k] & s->dom.mask]);
    b->ncand = m;
}

/* Pass 3: walks the table slots of each candidate (prefetched in pass 2), lists the
 * entries whose fingerprint matches and prefetches them. */
static void lookup_batch(const struct scan *st, struct batch *b)
{
    const struct match_tab *t = &st->s->dom;
    size_t m = 0;

    for (size_t k = 0; k < b->ncand; k++) {
        uint64_t key = b->key[k], fp = (key >> 32) | 1, i = key & t->mask, v;

        for (; (v = t->slot[i]) != 0; i = (i + 1) & t->mask)
            if ((v >> 32) == fp) {
                if (m == POOL) {
                    b->over = true; /* only with crafted fingerprint collisions */
                    break;
                }
                b->cand[m] = (uint16_t)k;
                b->ent[m++] = (uint32_t)v;
                __builtin_prefetch(&st->s->ent[(uint32_t)v]);
            }
    }
    b->nm = m;
}

/* Pass 4: prefetches the strings of the listed entries (the entries were prefetched). */
static void touch_batch(const struct scan *st, struct batch *b)
{
    for (size_t j = 0; j < b->nm; j++)
        __builtin_prefetch(st->s->arena + st->s->ent[b->ent[j]].off);
}

/* Pass 5 when the list overflowed: probes the candidates one by one and lists the
 * entries that match (at most one per candidate: domains are distinct). */
static void verify_over(const struct scan *st, struct batch *b)
{
    const struct match_snap *s = st->s;

    b->nm = 0;
    for (size_t k = 0; k < b->ncand; k++) {
        size_t i = b->who[k];
        long idx = match_tab_find(s, &s->dom, b->key[k], (const char *)b->name[i] + b->start[k],
                                  b->p[i].len - b->start[k]);

        if (idx >= 0) {
            b->cand[b->nm] = (uint16_t)k;
            b->ent[b->nm++] = (uint32_t)idx;
        }
    }
}

/* Reports name i of b hitting entry idx; false when the callback stopped the scan. */
static bool report(struct scan *st, struct batch *b, size_t i, uint32_t idx)
{
    emit(st, b->p[i].line, &b->p[i].r, (const char *)b->name[i], b->p[i].len, idx);
    if (!st->stop)
        return true;
    st->c->queries += i + 1;
    return false;
}

/* Pass 5: compares the strings; each name that has matches reports the most specific
 * (the longest suffix: smallest start), in line order. Counts the names, empties b. */
static void verify_batch(struct scan *st, struct batch *b)
{
    const struct match_snap *s = st->s;
    size_t cur = BATCH, best = SIZE_MAX; /* the name being looked at, its best match */
    bool go = true;

    if (st->stop)
        return;
    if (b->over)
        verify_over(st, b);
    for (size_t j = 0; j < b->nm && go; j++) {
        size_t k = b->cand[j], i = b->who[k], n = b->p[i].len - b->start[k];
        const struct match_entry *en = &s->ent[b->ent[j]];

        if (i != cur) {
            if (best != SIZE_MAX)
                go = report(st, b, cur, b->ent[best]);
            cur = i;
            best = SIZE_MAX;
        }
        if (go && en->len == n && memcmp(s->arena + en->off, b->name[i] + b->start[k], n) == 0 &&
            (best == SIZE_MAX || b->start[k] < b->start[b->cand[best]]))
            best = j;
    }
    if (go && best != SIZE_MAX)
        go = report(st, b, cur, b->ent[best]);
    if (go)
        st->c->queries += b->n;
    b->n = 0;
    b->nkeys = 0;
    b->ncand = 0;
    b->nm = 0;
    b->over = false;
}

/* The current batch is full: every batch moves one stage on, the oldest is verified
 * (in line order) and is filled next. */
static void rotate(struct scan *st)
{
    unsigned c = st->cur;

    verify_batch(st, &st->b[(c + 1) % NSTAGE]);
    touch_batch(st, &st->b[(c + 2) % NSTAGE]);
    lookup_batch(st, &st->b[(c + 3) % NSTAGE]);
    filter_batch(st, &st->b[c]);
    st->cur = (c + 1) % NSTAGE;
}

/* Drains the pipeline in line order. */
static void flush(struct scan *st)
{
    for (int i = 0; i < NSTAGE; i++)
        rotate(st);
}

/* Pass 1 ends here: the name in the current batch's next slot has its nsuf suffix keys
 * and starts at key/start[nkeys ..), most specific first, and (when marked) who and the
 * prefetches of their filter words done. */
static ALWAYS_INLINE void commit(struct scan *st, uint64_t line, const struct match_line *r,
                                 size_t len, size_t nsuf, bool marked)
{
    struct batch *b = &st->b[st->cur];
    const struct match_snap *s = st->s;
    struct pending *p = &b->p[b->n];

    for (size_t k = b->nkeys; !marked && k < b->nkeys + nsuf; k++) {
        __builtin_prefetch(&s->filt[match_filt_word(s, b->key[k])]);
        b->who[k] = (uint8_t)b->n;
    }
    p->line = line;
    p->r = *r;
    p->len = len;
    b->n++;
    b->nkeys += nsuf;
    if (b->n == BATCH || b->nkeys + MATCH_MAX_LABELS > POOL)
        rotate(st);
}

static void url_query(struct scan *st, uint64_t line, const struct match_line *r);
static void host_query(struct scan *st, uint64_t line, const struct match_line *r, bool strip_port);

/* A plain line that is not a name: a URL or an address. True when handled. */
static bool plain_other(struct scan *st, uint64_t line, const struct match_line *r, unsigned flags,
                        size_t nsuf)
{
    char last = r->query[r->query_len - 1];

    if (nsuf > 0 && !(flags & MATCH_NAME_URLISH) && !(last >= '0' && last <= '9'))
        return false;
    if (memchr(r->query, '/', r->query_len) != NULL) {
        flush(st);
        url_query(st, line, r);
        return true;
    }
    if (memchr(r->query, ':', r->query_len) != NULL || (last >= '0' && last <= '9')) {
        flush(st);
        host_query(st, line, r, false);
        return true;
    }
    return false;
}

/* General path: lowercases the name into the current batch, finds its labels and
 * computes the keys of its suffixes, then commits it. */
static void domain_query(struct scan *st, uint64_t line, const struct match_line *r, bool plain)
{
    struct batch *b = &st->b[st->cur];
    unsigned flags = 0;
    size_t len = 0, nsuf;

    nsuf = match_name_split(r->query, r->query_len, (size_t)(st->end - r->query), b->name[b->n],
                            &len, b->start + b->nkeys, plain ? &flags : NULL);
    if (plain && plain_other(st, line, r, flags, nsuf))
        return;
    if (nsuf == 0 && r->query_len == 1 && r->query[0] == '.') {
        st->c->queries++; /* the root: a query that no domain matches */
        return;
    }
    if (nsuf == 0 ||
        !match_name_keys(b->name[b->n], len, b->start + b->nkeys, nsuf, b->key + b->nkeys)) {
        flush(st); /* keeps the rejections in line order */
        reject(st, line, BAD_NAME);
        return;
    }
    commit(st, line, r, len, nsuf, false);
}

/* Address literal in s[0..n) (brackets allowed around IPv6)? Fills ip. */
static bool parse_ip(const char *s, size_t n, struct ip16 *ip)
{
    char tmp[64];

    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return ip16_parse(tmp, ip, NULL) == ERR_OK;
}

/* Host part of a canonical URL "scheme://[user@]host[:port]/...". */
static void url_host(const char *url, const char **h, size_t *n)
{
    const char *a = strstr(url, "://"), *z, *at;

    a = a != NULL ? a + 3 : url;
    z = a + strcspn(a, "/?#");
    at = memchr(a, '@', (size_t)(z - a));
    if (at != NULL)
        a = at + 1;
    *h = a;
    *n = (size_t)(z - a);
    if (*n > 0 && a[0] == '[') {
        const char *rb = memchr(a, ']', *n);

        *n = rb != NULL ? (size_t)(rb - a) + 1 : *n;
    } else {
        const char *colon = memchr(a, ':', *n);

        *n = colon != NULL ? (size_t)(colon - a) : *n;
    }
}

/* Looks up a host: an address literal (brackets allowed) or a name. Returns the entry
 * index, -1 when not listed, -2 when it is neither an address nor a valid name. */
static long host_find(const struct match_snap *s, const char *h, size_t n)
{
    struct match_name m;
    struct ip16 ip;

    if (n > 0 &&
        (h[0] == '[' || memchr(h, ':', n) != NULL || (h[n - 1] >= '0' && h[n - 1] <= '9'))) {
        if (parse_ip(h, n, &ip))
            return match_ip_find(s, &ip);
        if (h[0] == '[' || memchr(h, ':', n) != NULL)
            return -2;
    }
    if (!match_name_prepare(&m, h, n))
        return -2;
    return match_name_find(s, m.buf, m.len, m.key, m.start, m.nsuf);
}

/* A bare host (plain lines that are addresses; squid "host:port" of CONNECT). */
static void host_query(struct scan *st, uint64_t line, const struct match_line *r, bool strip_port)
{
    const char *h = r->query;
    size_t n = r->query_len;
    long idx;

    if (strip_port) {
        const char *rb = n > 0 && h[0] == '[' ? memchr(h, ']', n) : NULL;
        const char *colon = memrchr(h, ':', n);

        if (rb != NULL)
            n = (size_t)(rb - h) + 1;
        else if (colon != NULL && memchr(h, ':', (size_t)(colon - h)) == NULL)
            n = (size_t)(colon - h);
    }
    idx = host_find(st->s, h, n);
    if (idx == -2) {
        reject(st, line, "query is not a domain name, URL or address");
        return;
    }
    st->c->queries++;
    if (idx >= 0)
        emit(st, line, r, h, n, (size_t)idx);
}

static void url_query(struct scan *st, uint64_t line, const struct match_line *r)
{
    struct err e;
    const char *h;
    size_t n;
    long idx;

    if (memmem(r->query, r->query_len, "://", 3) == NULL && r->query[0] != '/') {
        host_query(st, line, r, true); /* CONNECT host:port, or a bare host */
        return;
    }
    if (ioc_canon(IOC_URL, r->query, r->query_len, st->url, sizeof(st->url), &e) != ERR_OK) {
        reject(st, line, e.msg);
        return;
    }
    st->c->queries++;
    idx = match_url_find(st->s, st->url);
    if (idx < 0) {
        url_host(st->url, &h, &n);
        idx = host_find(st->s, h, n);
    }
    if (idx >= 0)
        emit(st, line, r, st->url, strlen(st->url), (size_t)idx);
}

/* One line p[0..n) (no newline) of any format, the general way. */
static void any_line(struct scan *st, uint64_t line, const char *p, size_t n)
{
    const char *why = NULL;
    struct match_line r;

    if (n > 0 && p[n - 1] == '\r')
        n--;
    switch (match_parse_line(st->f, &st->z, p, n, &r, &why)) {
    case MATCH_LINE_BAD:
        reject(st, line, why);
        break;
    case MATCH_LINE_SKIP:
        if (n > 0)
            st->c->skipped++;
        break;
    case MATCH_LINE_QUERY:
        if (st->f == MATCH_FMT_SQUID) {
            flush(st);
            url_query(st, line, &r);
        } else {
            domain_query(st, line, &r, st->f == MATCH_FMT_PLAIN);
        }
        break;
    }
}

/* ---- the plain fast lane ------------------------------------------------------ */

/* Masks of 32 bytes at p (bit i = byte i): newlines, dots, and the bytes the lane
 * leaves to the general path (<= 0x20, >= 0x7f, '/', ':', '#'); the bytes, with A-Z
 * lowercased, are stored at out. */
struct win {
    uint64_t nl, dot, odd, sp, ctl; /* sp: ' '; ctl: <= 0x20 or >= 0x80 */
};

#if defined(__SSE2__)
static inline uint64_t mm16(__m128i v)
{
    return (uint64_t)(uint32_t)_mm_movemask_epi8(v);
}

static ALWAYS_INLINE struct win win16(const char *p, uint8_t *out)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i up = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)),
                               _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
    __m128i ctl = _mm_cmplt_epi8(x, _mm_set1_epi8(0x21));
    __m128i odd = _mm_or_si128(ctl, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));

    odd = _mm_or_si128(odd, _mm_cmpeq_epi8(x, _mm_set1_epi8('/')));
    odd = _mm_or_si128(odd, _mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
    odd = _mm_or_si128(odd, _mm_cmpeq_epi8(x, _mm_set1_epi8('#')));
    _mm_storeu_si128((__m128i *)(void *)out,
                     _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20))));
    return (struct win){mm16(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                        mm16(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))), mm16(odd),
                        mm16(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))), mm16(ctl)};
}

/* Masks of the 16 bytes at p for the head of an Unbound line: spaces, ctl as in win,
 * decimal digits, address characters (hex digits, '.', ':') and '['. */
struct head {
    uint64_t sp, ctl, dig, ipc, lb;
};

static ALWAYS_INLINE struct head head16(const char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i af = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                               _mm_cmplt_epi8(lo, _mm_set1_epi8('f' + 1)));
    __m128i ipc =
        _mm_or_si128(_mm_or_si128(dig, af), _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                                                         _mm_cmpeq_epi8(x, _mm_set1_epi8(':'))));

    return (struct head){mm16(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
                         mm16(_mm_cmplt_epi8(x, _mm_set1_epi8(0x21))), mm16(dig), mm16(ipc),
                         mm16(_mm_cmpeq_epi8(x, _mm_set1_epi8('[')))};
}

static ALWAYS_INLINE struct win win32(const char *p, uint8_t *out)
{
    struct win a = win16(p, out), b = win16(p + 16, out + 16);

    return (struct win){a.nl | b.nl << 16, a.dot | b.dot << 16, a.odd | b.odd << 16,
                        a.sp | b.sp << 16, a.ctl | b.ctl << 16};
}
#else
static ALWAYS_INLINE struct win win32(const char *p, uint8_t *out)
{
    struct win w = {0, 0, 0, 0, 0};

    for (unsigned i = 0; i < 32; i++) {
        uint8_t c = (uint8_t)p[i];

        w.nl |= (uint64_t)(c == '\n') << i;
        w.dot |= (uint64_t)(c == '.') << i;
        w.odd |= (uint64_t)(c <= 0x20 || c >= 0x7f || c == '/' || c == ':' || c == '#') << i;
        w.sp |= (uint64_t)(c == ' ') << i;
        w.ctl |= (uint64_t)(c <= 0x20 || c >= 0x80) << i;
        out[i] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return w;
}

struct head {
    uint64_t sp, ctl, dig, ipc, lb;
};

static ALWAYS_INLINE struct head head16(const char *p)
{
    struct head h = {0, 0, 0, 0, 0};

    for (unsigned i = 0; i < 16; i++) {
        uint8_t c = (uint8_t)p[i], lo = c | 0x20;
        bool dig = c >= '0' && c <= '9';

        h.sp |= (uint64_t)(c == ' ') << i;
        h.ctl |= (uint64_t)(c <= 0x20 || c >= 0x80) << i;
        h.dig |= (uint64_t)dig << i;
        h.ipc |= (uint64_t)(dig || (lo >= 'a' && lo <= 'f') || c == '.' || c == ':') << i;
        h.lb |= (uint64_t)(c == '[') << i;
    }
    return h;
}
#endif

/* The head masks of the 64 bytes at p. */
static ALWAYS_INLINE struct head head64(const char *p)
{
    struct head h = {0, 0, 0, 0, 0};

    for (unsigned i = 0; i < 4; i++) {
        struct head q = head16(p + 16 * i);

        h.sp |= q.sp << 16 * i;
        h.ctl |= q.ctl << 16 * i;
        h.dig |= q.dig << 16 * i;
        h.ipc |= q.ipc << 16 * i;
        h.lb |= q.lb << 16 * i;
    }
    return h;
}

static ALWAYS_INLINE size_t popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

/* The name of n (1..63) bytes, already lowercased in the next batch slot, with its dot
 * and odd-byte masks: keys it and commits it. False when it needs the general path (the
 * slot is left unused then). */
static ALWAYS_INLINE bool lane_name(struct scan *st, uint64_t line, const struct match_line *r,
                                    size_t n, uint64_t dots, uint64_t odd)
{
    struct batch *b = &st->b[st->cur];
    const struct match_snap *s = st->s;
    const uint8_t *nm = b->name[b->n];
    uint64_t *key = b->key + b->nkeys, h = 0, valid = (1ULL << n) - 1;
    uint8_t *start = b->start + b->nkeys, *who = b->who + b->nkeys, bn = (uint8_t)b->n;
    size_t len = n, nsuf, k, e;

    dots &= valid;
    if ((odd & valid) != 0)
        return false; /* spaces, control or non-ASCII bytes; maybe an address, a URL */
    if ((dots >> (len - 1)) & 1)
        dots ^= 1ULL << --len; /* one trailing dot */
    if (len == 0 || (dots & 1) || (dots & (dots >> 1)) || ((dots >> (len - 1)) & 1))
        return false; /* the root, empty labels */
    nsuf = popcount64(dots) + 1;
    k = nsuf - 1;
    e = len;
    for (; dots != 0; k--) { /* right to left; keys stored most specific first */
        size_t d = 63 - (size_t)__builtin_clzll(dots);

        h = match_dom_chain(h, match_label_hash(nm + d + 1, e - d - 1));
        key[k] = match_dom_key(h);
        start[k] = (uint8_t)(d + 1);
        who[k] = bn; /* a local: byte stores would make b->n be reloaded */
        __builtin_prefetch(&s->filt[match_filt_word(s, key[k])]);
        e = d;
        dots ^= 1ULL << d;
    }
    h = match_dom_chain(h, match_label_hash(nm, e));
    key[0] = match_dom_key(h);
    start[0] = 0;
    who[0] = bn;
    __builtin_prefetch(&s->filt[match_filt_word(s, key[0])]);
    commit(st, line, r, len, nsuf, true);
    return true;
}

/* A plain line of 1..63 bytes p[0..n), lowercased into the next batch slot, with its
 * window w. A final digit may be an address: the general path decides. */
static ALWAYS_INLINE bool plain_name(struct scan *st, uint64_t line, const char *p, size_t n,
                                     struct win w)
{
    if (p[n - 1] >= '0' && p[n - 1] <= '9')
        return false;
    return lane_name(st, line, &no_fields, n, w.dot, w.odd);
}

/* Runs plain lines through the lane while 64 bytes are readable; returns where it
 * stopped (a line of 64 bytes or more, the last bytes, or a stop). */
static const char *plain_lane(struct scan *st, const char *p, const char *end, uint64_t *line)
{
    while (end - p >= 64 && !st->stop) {
        uint8_t *out = st->b[st->cur].name[st->b[st->cur].n];
        struct win w = win32(p, out);
        size_t n;

        if (w.nl == 0) { /* 32 bytes or more: the next 32 */
            struct win w2 = win32(p + 32, out + 32);

            if (w2.nl == 0)
                break;
            w = (struct win){w2.nl << 32, w.dot | w2.dot << 32, w.odd | w2.odd << 32,
                             w.sp | w2.sp << 32, w.ctl | w2.ctl << 32};
        }
        n = (size_t)__builtin_ctzll(w.nl);
        ++*line;
        if (n > 0 && !plain_name(st, *line, p, n, w))
            any_line(st, *line, p, n);
        p += n + 1;
    }
    return p;
}

/* ---- the Unbound fast lane ------------------------------------------------------ */

static inline uint64_t below(size_t i) /* bits 0 .. i-1, i <= 63 */
{
    return (1ULL << i) - 1;
}

/* The common Unbound query line "[digits] prog[..] info: ADDR NAME TYPE IN\n", tokens
 * separated by single spaces, no other space or control byte, NAME under 64 bytes: the
 * same fields match_parse_line() finds, without it. Any other line (another level, another
 * message, a class other than IN, tabs, CR, ...) returns false and takes the general path,
 * before anything is changed. 128 bytes are readable at p. */
static bool unbound_line(struct scan *st, uint64_t line, const char *p, size_t *used)
{
    struct head h = head64(p);
    uint64_t sp = h.sp, s0, s1, s2, s3, tok, q1, q2, e;
    struct batch *b = &st->b[st->cur];
    struct match_line r;
    struct win w;

    if (p[0] != '[' || popcount64(sp) < 4)
        return false;
    s0 = (uint64_t)__builtin_ctzll(sp);
    sp &= sp - 1;
    s1 = (uint64_t)__builtin_ctzll(sp);
    sp &= sp - 1;
    s2 = (uint64_t)__builtin_ctzll(sp);
    sp &= sp - 1;
    s3 = (uint64_t)__builtin_ctzll(sp);
    if (s3 >= 62 || (h.ctl & below(s3 + 1)) != (h.sp & below(s3 + 1)))
        return false;            /* a newline, tab or control byte in the head */
    tok = below(s0 - 1) & ~1ULL; /* the digits of [digits] */
    if (s0 < 3 || p[s0 - 1] != ']' || (h.dig & tok) != tok)
        return false;
    tok = below(s1) & ~below(s0 + 1);
    if (s1 == s0 + 1 || p[s1 - 1] != ']' || (h.lb & tok) == 0)
        return false;
    if (s2 - s1 != 6 || memcmp(p + s1 + 1, "info:", 5) != 0)
        return false;
    tok = below(s3) & ~below(s2 + 1);
    if (s3 == s2 + 1 || (h.ipc & tok) != tok)
        return false;
    w = win32(p + s3 + 1, b->name[b->n]);
    if (w.nl == 0) {
        struct win w2 = win32(p + s3 + 33, b->name[b->n] + 32);

        w = (struct win){w2.nl << 32, w.dot | w2.dot << 32, w.odd | w2.odd << 32,
                         w.sp | w2.sp << 32, w.ctl | w2.ctl << 32};
    }
    if (w.nl == 0)
        return false;
    e = (uint64_t)__builtin_ctzll(w.nl); /* NAME TYPE IN */
    sp = w.sp & below(e);
    if ((w.ctl & below(e)) != sp || popcount64(sp) != 2)
        return false;
    q1 = (uint64_t)__builtin_ctzll(sp);
    q2 = (uint64_t)__builtin_ctzll(sp & (sp - 1));
    if (q1 == 0 || q2 == q1 + 1 || e != q2 + 3 || p[s3 + 1 + q2 + 1] != 'I' ||
        p[s3 + 1 + q2 + 2] != 'N')
        return false;
    r = (struct match_line){.time = p + 1,
                            .time_len = s0 - 2,
                            .client = p + s2 + 1,
                            .client_len = s3 - s2 - 1,
                            .query = p + s3 + 1,
                            .query_len = q1};
    if (!lane_name(st, line, &r, q1, w.dot, w.odd))
        return false;
    *used = s3 + 1 + e + 1;
    return true;
}

/* Runs Unbound lines through the lane while 128 bytes are readable. */
static const char *unbound_lane(struct scan *st, const char *p, const char *end, uint64_t *line)
{
    while (end - p >= 128 && !st->stop) {
        size_t used;

        if (!unbound_line(st, *line + 1, p, &used))
            break;
        ++*line;
        p += used;
    }
    return p;
}

enum err_code match_scan(const struct match_snap *s, enum match_format f, const uint8_t *data,
                         size_t len, match_hit_fn on_hit, match_bad_fn on_bad, void *arg,
                         struct match_counts *counts, struct err *e)
{
    struct scan *st = mem_alloc(sizeof(*st));
    const char *p = (const char *)data, *end = p + len;
    uint64_t line = 0;

    if (st == NULL)
        return err_set(e, ERR_NOMEM, "match: cannot allocate the scanner");
    *st = (struct scan){.s = s,
                        .on_hit = on_hit,
                        .on_bad = on_bad,
                        .arg = arg,
                        .c = counts,
                        .end = end,
                        .f = f,
                        .z = {.ts = -1, .orig_h = -1, .query = -1}};
    while (p < end && !st->stop) {
        const char *nl;
        size_t n;

        if (f == MATCH_FMT_PLAIN && end - p >= 64) {
            const char *q = plain_lane(st, p, end, &line);

            if (q != p) {
                p = q;
                continue;
            }
        }
        if (f == MATCH_FMT_UNBOUND && end - p >= 128) {
            const char *q = unbound_lane(st, p, end, &line);

            if (q != p) {
                p = q;
                continue;
            }
        }
        nl = memchr(p, '\n', (size_t)(end - p));
        n = (size_t)((nl != NULL ? nl : end) - p);
        any_line(st, ++line, p, n);
        p = nl != NULL ? nl + 1 : end;
    }
    counts->lines += line;
    flush(st);
    mem_free(st);
    return ERR_OK;
}
