/* indicators.c - which indicators are listed for blocking now: the decayed score of each
 * active source (ioc_score from its last listing or the last darknet sighting, whichever
 * is later), validity, and the allowlists.
 *
 * The allowlist is loaded into memory once per call: domain entries in a sorted array
 * (an indicator's name and each parent are looked up by binary search) and CIDR entries
 * (IPs become /32 or /128) sorted by (prefix length, network), searched once per distinct
 * prefix length. The indicators stream from the store (in id order: a merge of three
 * sequential scans, store_ind_each_active_by_id); nothing is allocated per indicator
 * once the row buffers have grown. Runs on the caller's thread. */
#include "orient/orient.h"

#include <stdlib.h>
#include <string.h>

/* ---- the allowlist ----------------------------------------------------------------- */

struct allow_name {
    const char *name, *src;
};
struct allow_net {
    struct cidr c;
    const char *text, *src;
};
struct allow {
    struct allow_name *names;
    struct allow_net *nets;
    size_t nnames, nnets, capnames, capnets;
    uint8_t lens[129]; /* distinct prefix lengths present, ascending */
    size_t nlens;
    char **strs; /* every string owned, for freeing */
    size_t nstrs, capstrs;
    bool nomem;
};

/* RFC 6890 special-purpose ranges (and RFC 1918 within them) that are never listed:
 * non-global, documentation, benchmarking, loopback, link-local, multicast, reserved. */
static const char *const builtin_ranges[] = {
    "0.0.0.0/8",     "10.0.0.0/8",      "100.64.0.0/10",  "127.0.0.0/8",    "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24",    "192.0.2.0/24",   "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",    "240.0.0.0/4",
    "::/128",        "::1/128",         "100::/64",       "2001::/23",      "2001:db8::/32",
    "fc00::/7",      "fe80::/10",       "ff00::/8",
};

static char *allow_strdup(struct allow *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p;

    if (a->nstrs == a->capstrs) {
        size_t c = a->capstrs ? a->capstrs * 2 : 64;
        char **v = mem_realloc(a->strs, c * sizeof(*v));
        if (v == NULL)
            return NULL;
        a->strs = v;
        a->capstrs = c;
    }
    p = mem_alloc(n);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    a->strs[a->nstrs++] = p;
    return p;
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    void *p;
    size_t c;

    if (n < *cap)
        return true;
    c = *cap ? *cap * 2 : 64;
    p = mem_realloc(*v, c * size);
    if (p == NULL)
        return false;
    *v = p;
    *cap = c;
    return true;
}

static void allow_add_net(struct allow *a, const struct cidr *c, const char *text, const char *src)
{
    struct allow_net *n;

    if (!grow((void **)&a->nets, &a->capnets, a->nnets, sizeof(*a->nets))) {
        a->nomem = true;
        return;
    }
    n = &a->nets[a->nnets];
    n->c = *c;
    n->text = allow_strdup(a, text);
    n->src = src;
    if (n->text == NULL)
        a->nomem = true;
    else
        a->nnets++;
}

static bool allow_add(void *arg, const char *type, const char *value, const char *feed)
{
    struct allow *a = arg;
    const char *src = allow_strdup(a, feed);
    struct cidr c;
    struct ip16 ip;
    struct err e;

    if (src == NULL) {
        a->nomem = true;
        return false;
    }
    if (strcmp(type, "domain") == 0) {
        if (!grow((void **)&a->names, &a->capnames, a->nnames, sizeof(*a->names)) ||
            (a->names[a->nnames].name = allow_strdup(a, value)) == NULL) {
            a->nomem = true;
            return false;
        }
        a->names[a->nnames++].src = src;
    } else if (strcmp(type, "cidr") == 0 && cidr_parse(value, &c, &e) == ERR_OK) {
        allow_add_net(a, &c, value, src);
    } else if (ip16_parse(value, &ip, &e) == ERR_OK) {
        c.net = ip;
        c.len = 128;
        allow_add_net(a, &c, value, src);
    }
    return !a->nomem;
}

static int cmp_name(const void *x, const void *y)
{
    return strcmp(((const struct allow_name *)x)->name, ((const struct allow_name *)y)->name);
}

static int cmp_net(const void *x, const void *y)
{
    const struct allow_net *p = x, *q = y;

    if (p->c.len != q->c.len)
        return p->c.len < q->c.len ? -1 : 1;
    return memcmp(p->c.net.b, q->c.net.b, 16);
}

static void allow_fini(struct allow *a)
{
    for (size_t i = 0; i < a->nstrs; i++)
        mem_free(a->strs[i]);
    mem_free(a->strs);
    mem_free(a->names);
    mem_free(a->nets);
}

static enum err_code allow_load(struct store *st, struct allow *a, struct err *e)
{
    enum err_code rc;

    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < sizeof(builtin_ranges) / sizeof(builtin_ranges[0]); i++)
        (void)allow_add(a, "cidr", builtin_ranges[i], "builtin");
    rc = store_allow_each(st, allow_add, a, e);
    if (rc == ERR_OK && a->nomem)
        rc = err_set(e, ERR_NOMEM, "orient: cannot load the allowlist");
    if (rc != ERR_OK) {
        allow_fini(a);
        return rc;
    }
    if (a->nnames > 0)
        qsort(a->names, a->nnames, sizeof(*a->names), cmp_name);
    if (a->nnets > 0)
        qsort(a->nets, a->nnets, sizeof(*a->nets), cmp_net);
    for (size_t i = 0; i < a->nnets; i++)
        if (a->nlens == 0 || a->lens[a->nlens - 1] != a->nets[i].c.len)
            a->lens[a->nlens++] = a->nets[i].c.len;
    return ERR_OK;
}

static const struct allow_name *find_name(const struct allow *a, const char *name)
{
    struct allow_name key = {.name = name};

    return a->nnames ? bsearch(&key, a->names, a->nnames, sizeof(key), cmp_name) : NULL;
}

/* The entry covering name or one of its parent domains. */
static const struct allow_name *match_domain(const struct allow *a, const char *name)
{
    for (const char *d = name; d != NULL && *d != '\0';) {
        const struct allow_name *hit = find_name(a, d);
        if (hit != NULL)
            return hit;
        d = strchr(d, '.');
        if (d != NULL)
            d++;
    }
    return NULL;
}

static void mask(struct ip16 *ip, unsigned len)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = len >= 8 * (i + 1) ? 8 : (len > 8 * i ? len - 8 * i : 0);
        ip->b[i] &= (uint8_t)(keep ? 0xffu << (8 - keep) : 0);
    }
}

/* First entry >= (len, net) in the sorted array. */
static size_t lower_bound(const struct allow *a, uint8_t len, const struct ip16 *net)
{
    size_t lo = 0, hi = a->nnets;
    struct allow_net key = {.c = {.net = *net, .len = len}};

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_net(&a->nets[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entry overlapping the prefix (net, len): containing it, or (len < 128) inside it. */
static const struct allow_net *match_net(const struct allow *a, const struct ip16 *net,
                                         unsigned len)
{
    for (size_t i = 0; i < a->nlens; i++) {
        uint8_t l = a->lens[i];
        struct ip16 m = *net;
        size_t at;

        mask(&m, l < len ? l : len);
        at = lower_bound(a, l, &m);
        if (at == a->nnets || a->nets[at].c.len != l)
            continue;
        if (l <= len && memcmp(a->nets[at].c.net.b, m.b, 16) == 0)
            return &a->nets[at];
        if (l > len) { /* an entry inside the prefix: its first len bits equal net's */
            struct ip16 top = a->nets[at].c.net;
            mask(&top, len);
            if (memcmp(top.b, m.b, 16) == 0)
                return &a->nets[at];
        }
    }
    return NULL;
}

struct allow_hit {
    const char *type, *entry, *src;
};

static bool hit_name(const struct allow_name *n, struct allow_hit *h)
{
    if (n == NULL)
        return false;
    h->type = "domain";
    h->entry = n->name;
    h->src = n->src;
    return true;
}

static bool hit_net(const struct allow_net *n, struct allow_hit *h)
{
    if (n == NULL)
        return false;
    h->type = "cidr";
    h->entry = n->text;
    h->src = n->src;
    return true;
}

/* A host (domain name or IP literal, brackets allowed) of len bytes. */
static bool match_host(const struct allow *a, const char *host, size_t len, struct allow_hit *h)
{
    char buf[IOC_NAME_MAX + 3];
    struct ip16 ip;
    struct err e;

    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, host, len);
    buf[len] = '\0';
    if (ip16_parse(buf, &ip, &e) == ERR_OK)
        return hit_net(match_net(a, &ip, 128), h);
    return hit_name(match_domain(a, buf), h);
}

/* The host of a canonical URL "scheme://[userinfo@]host[:port]/path...". */
static bool match_url(const struct allow *a, const char *url, struct allow_hit *h)
{
    const char *p = strstr(url, "://");
    const char *end, *at;

    if (p == NULL)
        return false;
    p += 3;
    end = p + strcspn(p, "/?#");
    at = memchr(p, '@', (size_t)(end - p));
    if (at != NULL)
        p = at + 1;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (rb != NULL)
            end = rb + 1;
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon != NULL)
            end = colon;
    }
    return match_host(a, p, (size_t)(end - p), h);
}

static bool allow_match(const struct allow *a, enum ioc_type t, const char *v, struct allow_hit *h)
{
    struct ip16 ip;
    struct cidr c;
    struct err e;
    const char *at;

    switch (t) {
    case IOC_IPV4:
    case IOC_IPV6:
        return ip16_parse(v, &ip, &e) == ERR_OK && hit_net(match_net(a, &ip, 128), h);
    case IOC_CIDR:
        return cidr_parse(v, &c, &e) == ERR_OK && hit_net(match_net(a, &c.net, c.len), h);
    case IOC_DOMAIN:
        return hit_name(match_domain(a, v), h);
    case IOC_URL:
        return match_url(a, v, h);
    case IOC_EMAIL:
        at = strrchr(v, '@');
        return at != NULL && hit_name(match_domain(a, at + 1), h);
    default:
        return false;
    }
}

/* ---- scoring ----------------------------------------------------------------------- */

struct walk {
    int64_t now;
    struct allow allow;
    struct buf sources;
    enum ioc_type last_type;
    char last_type_name[16];
    bool type_ok;
    orient_ind_fn listed;
    orient_conflict_fn conflict;
    void *arg;
    enum err_code rc;
    struct err *e;
};

static void add_source(struct walk *w, const char *org, const char *name)
{
    if (w->sources.len > 0)
        (void)buf_append(&w->sources, ",", 1, NULL); /* capped buffer: names are short */
    if (org != NULL && org[0] != '\0') {
        (void)buf_append(&w->sources, org, strlen(org), NULL);
        (void)buf_append(&w->sources, "/", 1, NULL);
    }
    (void)buf_append(&w->sources, name, strlen(name), NULL);
}

/* Fills ind from r: score = max over the sources in force (not past valid_until) and the
 * sighting. Returns false when nothing is in force. */
static bool score_row(struct walk *w, const struct store_ind_row *r, struct orient_ind *ind)
{
    bool any = false, open_ended = false;

    memset(ind, 0, sizeof(*ind));
    w->sources.len = 0;
    ind->score = -1;
    ind->tlp = IOC_TLP_RED;
    for (size_t i = 0; i < r->nsrc; i++) {
        const struct store_ind_src *s = &r->src[i];
        int64_t last = s->last_seen > r->sighted ? s->last_seen : r->sighted;
        double sc;

        if (s->valid_until != 0 && s->valid_until <= w->now)
            continue;
        sc =
            ioc_score(s->confidence, (double)(w->now - last), (double)s->feed->tau, s->feed->delta);
        any = true;
        ind->score = sc > ind->score ? sc : ind->score;
        ind->confidence = s->confidence > ind->confidence ? s->confidence : ind->confidence;
        ind->tlp = (enum ioc_tlp)s->tlp < ind->tlp ? (enum ioc_tlp)s->tlp : ind->tlp;
        open_ended |= s->valid_until == 0;
        ind->valid_until = s->valid_until > ind->valid_until ? s->valid_until : ind->valid_until;
        add_source(w, s->feed->org, s->feed->name);
    }
    if (r->sighted != 0) {
        double sc = ioc_score(ORIENT_IND_SIGHTING_CONFIDENCE, (double)(w->now - r->sighted),
                              ORIENT_IND_TAU, ORIENT_IND_DELTA);
        any = true;
        open_ended = true;
        ind->score = sc > ind->score ? sc : ind->score;
        if (ind->confidence < ORIENT_IND_SIGHTING_CONFIDENCE)
            ind->confidence = ORIENT_IND_SIGHTING_CONFIDENCE;
        if (ind->tlp > IOC_TLP_AMBER)
            ind->tlp = IOC_TLP_AMBER;
        add_source(w, NULL, "sighting");
    }
    if (open_ended)
        ind->valid_until = 0;
    (void)buf_append(&w->sources, "", 1, NULL);
    ind->sources = (const char *)w->sources.data;
    ind->id = r->id;
    ind->value = r->value;
    ind->type = w->last_type;
    ind->first_seen = r->first_seen;
    ind->last_seen = r->last_seen;
    return any;
}

/* Parses the type name, once per run of equal names (rows come ordered by type). */
static bool row_type(struct walk *w, const char *name)
{
    if (strcmp(name, w->last_type_name) != 0) {
        (void)snprintf(w->last_type_name, sizeof(w->last_type_name), "%s", name);
        w->type_ok = ioc_type_parse(name, &w->last_type);
    }
    return w->type_ok;
}

static bool on_listed_row(void *arg, const struct store_ind_row *r)
{
    struct walk *w = arg;
    struct orient_ind ind;
    struct allow_hit h;

    if (!row_type(w, r->type) || !score_row(w, r, &ind))
        return true;
    if (ind.score < ORIENT_IND_THRESHOLD || allow_match(&w->allow, ind.type, ind.value, &h))
        return true;
    return w->listed(w->arg, &ind);
}

static bool on_conflict_row(void *arg, const struct store_ind_row *r)
{
    struct walk *w = arg;
    struct orient_ind ind;
    struct orient_conflict c;
    struct allow_hit h;

    if (!row_type(w, r->type))
        return true;
    (void)score_row(w, r, &ind);
    if (!allow_match(&w->allow, ind.type, ind.value, &h))
        return true;
    c.ind = &ind;
    c.entry_type = h.type;
    c.entry = h.entry;
    c.allowlist = h.src;
    return w->conflict(w->arg, &c);
}

static enum err_code walk_init(struct walk *w, struct store *st, int64_t now, struct err *e)
{
    memset(w, 0, sizeof(*w));
    w->now = now;
    w->e = e;
    buf_init(&w->sources, 1 << 20);
    return allow_load(st, &w->allow, e);
}

static void walk_fini(struct walk *w)
{
    allow_fini(&w->allow);
    buf_fini(&w->sources);
}

enum err_code orient_ind_each_listed(struct store *st, int64_t now, orient_ind_fn fn, void *arg,
                                     struct err *e)
{
    struct walk w;
    enum err_code rc = walk_init(&w, st, now, e);

    if (rc != ERR_OK)
        return rc;
    w.listed = fn;
    w.arg = arg;
    rc = store_ind_each_active_by_id(st, on_listed_row, &w, e);
    walk_fini(&w);
    return rc;
}

enum err_code orient_ind_each_conflict(struct store *st, int64_t now, int64_t feed_id,
                                       orient_conflict_fn fn, void *arg, struct err *e)
{
    struct walk w;
    enum err_code rc = walk_init(&w, st, now, e);

    if (rc != ERR_OK)
        return rc;
    w.conflict = fn;
    w.arg = arg;
    if (feed_id != 0)
        rc = store_ind_each_of_feed(st, feed_id, on_conflict_row, &w, e);
    else
        rc = store_ind_each_active(st, on_conflict_row, &w, e);
    walk_fini(&w);
    return rc;
}
