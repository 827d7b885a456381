/* scan.c - matching a whole log against a snapshot.
 *
 * Lines are split with memchr and parsed in place (formats.c). Domain queries go
 * through a software pipeline of BATCH names: as each line is read its name is
 * lowercased into the current batch, its labels found, the keys of all its suffixes
 * computed and their filter words prefetched (pass 1); when the batch is full, the
 * table slots of the suffixes that pass the filter are prefetched (pass 2), and then
 * the *previous* batch, prefetched one whole batch of work ago, is probed (pass 3). The cache
 * misses of the table thus overlap with parsing instead of stalling it. URLs (squid, plain) and
 * addresses take the one-at-a-time path after both batches are drained, so hits are reported in
 * line order. One scanner state is allocated per call; nothing per line. */
#include "match/match_int.h"

#define BATCH 16
#define POOL  (BATCH * 8 + MATCH_MAX_LABELS)

#define BAD_NAME                                                                                   \
    "query is not a domain name (empty or over-long name or label, space or control byte)"

struct pending {
    uint64_t line;
    struct match_line r;
    size_t len, nsuf, koff;
    bool ok;
};

/* One batch of names in the pipeline. */
struct batch {
    size_t n, nkeys;
    struct pending p[BATCH];
    uint64_t key[POOL];
    uint8_t start[POOL];
    uint8_t name[BATCH][256 + 8];
};

struct scan {
    const struct match_snap *s;
    match_hit_fn on_hit;
    match_bad_fn on_bad;
    void *arg;
    struct match_counts *c;
    const char *end; /* of the data: names may be read a word at a time up to here */
    bool stop;
    int cur; /* batch being filled; the other one is keyed and prefetched */
    struct batch b[2];
    char url[IOC_VALUE_MAX + 1];
};

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

/* Pass 2: prefetches the table slots of the suffixes that pass the filter. */
static void key_batch(const struct scan *st, struct batch *b)
{
    const uint64_t *slot = st->s->dom.slot;
    uint64_t mask = st->s->dom.mask;

    for (size_t i = 0; i < b->n; i++) {
        const struct pending *p = &b->p[i];

        for (size_t k = 0; p->ok && k < p->nsuf; k++)
            if (match_filt_has(st->s, b->key[p->koff + k]))
                __builtin_prefetch(&slot[b->key[p->koff + k] & mask]);
    }
}

/* Pass 3: probes every name of b (keyed), reports, empties b. */
static void probe_batch(struct scan *st, struct batch *b)
{
    for (size_t i = 0; i < b->n && !st->stop; i++) {
        const struct pending *p = &b->p[i];
        long idx;

        if (!p->ok) {
            reject(st, p->line, BAD_NAME);
            continue;
        }
        idx = match_name_find(st->s, b->name[i], p->len, b->key + p->koff, b->start + p->koff,
                              p->nsuf);
        st->c->queries++;
        if (idx >= 0)
            emit(st, p->line, &p->r, (const char *)b->name[i], p->len, (size_t)idx);
    }
    b->n = 0;
    b->nkeys = 0;
}

/* The current batch is full: key it, probe the previous one, fill that one next. */
static void rotate(struct scan *st)
{
    key_batch(st, &st->b[st->cur]);
    probe_batch(st, &st->b[!st->cur]);
    st->cur = !st->cur;
}

/* Drains the pipeline in line order: the older batch first. */
static void flush(struct scan *st)
{
    probe_batch(st, &st->b[!st->cur]);
    key_batch(st, &st->b[st->cur]);
    probe_batch(st, &st->b[st->cur]);
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

/* Pass 1: lowercases the name into the current batch, finds its labels, computes the
 * keys of its suffixes and prefetches their filter words. */
static void domain_query(struct scan *st, uint64_t line, const struct match_line *r, bool plain)
{
    struct batch *b = &st->b[st->cur];
    struct pending *p = &b->p[b->n];
    unsigned flags = 0;

    p->nsuf = match_name_split(r->query, r->query_len, (size_t)(st->end - r->query), b->name[b->n],
                               &p->len, b->start + b->nkeys, plain ? &flags : NULL);
    if (plain && plain_other(st, line, r, flags, p->nsuf))
        return;
    if (p->nsuf == 0) {
        if (r->query_len == 1 && r->query[0] == '.') {
            st->c->queries++; /* the root: a query that no domain matches */
            return;
        }
        flush(st); /* keeps the rejections in line order */
        reject(st, line, BAD_NAME);
        return;
    }
    p->ok = match_name_keys(b->name[b->n], p->len, b->start + b->nkeys, p->nsuf, b->key + b->nkeys);
    for (size_t k = 0; p->ok && k < p->nsuf; k++)
        match_filt_prefetch(st->s, b->key[b->nkeys + k]);
    p->line = line;
    p->r = *r;
    p->koff = b->nkeys;
    b->nkeys += p->nsuf;
    b->n++;
    if (b->n == BATCH || b->nkeys + MATCH_MAX_LABELS > POOL)
        rotate(st);
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

enum err_code match_scan(const struct match_snap *s, enum match_format f, const uint8_t *data,
                         size_t len, match_hit_fn on_hit, match_bad_fn on_bad, void *arg,
                         struct match_counts *counts, struct err *e)
{
    struct scan *st = mem_alloc(sizeof(*st));
    const char *p = (const char *)data, *end = p + len;
    struct match_zeek z = {.ts = -1, .orig_h = -1, .query = -1};
    uint64_t line = 0;

    if (st == NULL)
        return err_set(e, ERR_NOMEM, "match: cannot allocate the scanner");
    *st = (struct scan){
        .s = s, .on_hit = on_hit, .on_bad = on_bad, .arg = arg, .c = counts, .end = end};
    while (p < end && !st->stop) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *why = NULL;
        size_t n = (size_t)((nl != NULL ? nl : end) - p);
        struct match_line r;

        line++;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        switch (match_parse_line(f, &z, p, n, &r, &why)) {
        case MATCH_LINE_BAD:
            reject(st, line, why);
            break;
        case MATCH_LINE_SKIP:
            if (n > 0)
                counts->skipped++;
            break;
        case MATCH_LINE_QUERY:
            if (f == MATCH_FMT_SQUID) {
                flush(st);
                url_query(st, line, &r);
            } else {
                domain_query(st, line, &r, f == MATCH_FMT_PLAIN);
            }
            break;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    counts->lines += line;
    flush(st);
    mem_free(st);
    return ERR_OK;
}
