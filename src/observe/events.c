/* events.c - the sensor-event aggregator: per (hour, kind) event counts, per (day, source,
 * signature) alert aggregates with the signature texts, and per (host, day, kind,
 * indicator) evidence of contact with a listed indicator, found through the match
 * snapshot. Memory grows with distinct hosts, signatures and hits, not with events; the
 * store is written once per file (observe_ev_agg_flush). */
#include "observe/events.h"

#include <string.h>
#include <xxhash.h>

/* ---- a small open-addressing map of fixed-size entries -------------------------------- */

struct tab {
    uint8_t *ents; /* entries, esz bytes each, in insertion order */
    size_t esz, n, cap;
    uint32_t *slots; /* entry index + 1, 0 empty; nslots a power of two, load <= 1/2 */
    uint32_t nslots;
};

typedef bool (*tab_eq_fn)(const void *ent, const void *key, const void *ctx);

static void tab_init(struct tab *t, size_t esz)
{
    memset(t, 0, sizeof(*t));
    t->esz = esz;
}

static void tab_fini(struct tab *t)
{
    mem_free(t->ents);
    mem_free(t->slots);
    memset(t, 0, sizeof(*t));
}

static void tab_clear(struct tab *t)
{
    t->n = 0;
    if (t->slots != NULL)
        memset(t->slots, 0, (size_t)t->nslots * sizeof(*t->slots));
}

static void *tab_at(const struct tab *t, size_t i)
{
    return t->ents + i * t->esz;
}

static enum err_code tab_grow(struct tab *t, uint32_t (*hash_of)(const void *ent), struct err *e)
{
    uint32_t ns = t->nslots ? t->nslots * 2 : 64;
    size_t cap = t->cap ? t->cap * 2 : 32;
    uint32_t *slots;
    uint8_t *ents;

    if (ns > (1u << 30))
        return err_set(e, ERR_LIMIT, "events: too many distinct entries");
    slots = mem_calloc(ns, sizeof(*slots));
    ents = mem_realloc(t->ents, cap * t->esz);
    if (slots == NULL || ents == NULL) {
        mem_free(slots);
        if (ents != NULL)
            t->ents = ents;
        return err_set(e, ERR_NOMEM, "events: cannot grow a table");
    }
    t->ents = ents;
    t->cap = cap;
    for (size_t i = 0; i < t->n; i++) {
        uint32_t j = hash_of(tab_at(t, i)) & (ns - 1);
        while (slots[j] != 0)
            j = (j + 1) & (ns - 1);
        slots[j] = (uint32_t)i + 1;
    }
    mem_free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return ERR_OK;
}

/* The entry equal to key (hash h), or a new zeroed one (*fresh). */
static enum err_code tab_get(struct tab *t, const void *key, uint32_t h, tab_eq_fn eq,
                             const void *ctx, uint32_t (*hash_of)(const void *ent), void **out,
                             bool *fresh, struct err *e)
{
    uint32_t j;

    if (t->nslots == 0 || (t->n + 1) * 2 > t->nslots || t->n + 1 > t->cap) {
        enum err_code rc = tab_grow(t, hash_of, e);
        if (rc != ERR_OK)
            return rc;
    }
    for (j = h & (t->nslots - 1); t->slots[j] != 0; j = (j + 1) & (t->nslots - 1)) {
        void *ent = tab_at(t, t->slots[j] - 1);
        if (eq(ent, key, ctx)) {
            *out = ent;
            *fresh = false;
            return ERR_OK;
        }
    }
    t->slots[j] = (uint32_t)t->n + 1;
    *out = tab_at(t, t->n++);
    memset(*out, 0, t->esz);
    *fresh = true;
    return ERR_OK;
}

/* ---- entries ------------------------------------------------------------------------- */

struct hour_ent {
    int64_t hour; /* Unix hour */
    uint32_t kind, hash;
    uint64_t events;
};

struct alert_ent {
    struct ip16 src;
    int64_t day;
    uint32_t sig_id, hash;
    uint64_t count;
    int64_t first, last;
    uint16_t dport;
    uint8_t severity;
};

struct sig_ent {
    uint32_t sig_id, hash;
    uint32_t text, text_len, cat, cat_len; /* offsets into the string buffer */
};

struct evid_ent {
    struct ip16 ip;
    int64_t day;
    uint32_t kind, hash;
    uint32_t what, what_len; /* offset into the string buffer */
    uint64_t count;
    int64_t first, last;
    uint16_t port;
    struct geo_info geo; /* of the host, looked up when the entry is made */
};

struct sight_ent {
    int64_t day;
    uint32_t type, hash;       /* enum ioc_type */
    uint32_t value, value_len; /* offset into the string buffer */
    uint64_t count;
    int64_t first, last;
};

/* Listed-indicator contact first (OBSERVE_EVIDENCE_KINDS of them, counted per file),
 * then the honeypot's own evidence. */
enum {
    EVID_DNS,
    EVID_FLOW,
    EVID_HTTP,
    EVID_TLS,
    EVID_FILE,
    EVID_HP_LOGIN,
    EVID_HP_DOWNLOAD,
    EVID_HP_COMMAND,
    EVID_N
};
#define EVID_LISTED 5
_Static_assert(EVID_LISTED == OBSERVE_EVIDENCE_KINDS, "evidence kinds");
static const char *const evid_names[EVID_N] = {
    "dns-listed",  "flow-listed",    "http-listed",       "tls-listed",
    "file-listed", "honeypot-login", "honeypot-download", "honeypot-command"};

struct ev_agg {
    const struct match_snap *listed;
    const struct geo *geo;
    bool has_urls;
    struct tab hours, alerts, sigs, evid, sights;
    struct buf strs;
    uint64_t listed_n[EVID_N];
};

static uint32_t ev_hash(const void *p, size_t n, uint64_t seed)
{
    return (uint32_t)XXH3_64bits_withSeed(p, n, seed);
}

static uint32_t ent_hash_hour(const void *ent)
{
    return ((const struct hour_ent *)ent)->hash;
}
static uint32_t ent_hash_alert(const void *ent)
{
    return ((const struct alert_ent *)ent)->hash;
}
static uint32_t ent_hash_sig(const void *ent)
{
    return ((const struct sig_ent *)ent)->hash;
}
static uint32_t ent_hash_evid(const void *ent)
{
    return ((const struct evid_ent *)ent)->hash;
}
static uint32_t ent_hash_sight(const void *ent)
{
    return ((const struct sight_ent *)ent)->hash;
}

static bool eq_hour(const void *ent, const void *key, const void *ctx)
{
    const struct hour_ent *a = ent, *b = key;

    (void)ctx;
    return a->hour == b->hour && a->kind == b->kind;
}

static bool eq_alert(const void *ent, const void *key, const void *ctx)
{
    const struct alert_ent *a = ent, *b = key;

    (void)ctx;
    return a->sig_id == b->sig_id && a->day == b->day && memcmp(a->src.b, b->src.b, 16) == 0;
}

static bool eq_sig(const void *ent, const void *key, const void *ctx)
{
    (void)ctx;
    return ((const struct sig_ent *)ent)->sig_id == ((const struct sig_ent *)key)->sig_id;
}

struct evid_probe {
    const struct ev_agg *g;
    const char *what; /* the key's indicator text (the key's what offset is unused) */
};

static bool eq_evid(const void *ent, const void *key, const void *ctx)
{
    const struct evid_ent *a = ent, *b = key;
    const struct evid_probe *pr = ctx;

    return a->hash == b->hash && a->day == b->day && a->kind == b->kind &&
           a->what_len == b->what_len && memcmp(a->ip.b, b->ip.b, 16) == 0 &&
           memcmp((const char *)pr->g->strs.data + a->what, pr->what, a->what_len) == 0;
}

static bool eq_sight(const void *ent, const void *key, const void *ctx)
{
    const struct sight_ent *a = ent, *b = key;
    const struct evid_probe *pr = ctx;

    return a->hash == b->hash && a->day == b->day && a->type == b->type &&
           a->value_len == b->value_len &&
           memcmp((const char *)pr->g->strs.data + a->value, pr->what, a->value_len) == 0;
}

/* ---- the aggregator ------------------------------------------------------------------ */

enum err_code observe_ev_agg_new(const struct match_snap *listed, const struct geo *geo,
                                 struct ev_agg **out, struct err *e)
{
    struct ev_agg *a = mem_calloc(1, sizeof(*a));

    *out = NULL;
    if (a == NULL)
        return err_set(e, ERR_NOMEM, "events: cannot allocate the aggregator");
    a->listed = listed;
    a->geo = geo;
    if (listed != NULL) {
        struct match_snap_stats st;
        match_snap_stats(listed, &st);
        a->has_urls = st.count[IOC_URL] > 0;
    }
    tab_init(&a->hours, sizeof(struct hour_ent));
    tab_init(&a->alerts, sizeof(struct alert_ent));
    tab_init(&a->sigs, sizeof(struct sig_ent));
    tab_init(&a->evid, sizeof(struct evid_ent));
    tab_init(&a->sights, sizeof(struct sight_ent));
    buf_init(&a->strs, (size_t)1 << 30);
    *out = a;
    return ERR_OK;
}

void observe_ev_agg_discard(struct ev_agg *a)
{
    tab_clear(&a->hours);
    tab_clear(&a->alerts);
    tab_clear(&a->sigs);
    tab_clear(&a->evid);
    tab_clear(&a->sights);
    a->strs.len = 0;
    memset(a->listed_n, 0, sizeof(a->listed_n));
}

void observe_ev_agg_free(struct ev_agg *a)
{
    if (a == NULL)
        return;
    tab_fini(&a->hours);
    tab_fini(&a->alerts);
    tab_fini(&a->sigs);
    tab_fini(&a->evid);
    tab_fini(&a->sights);
    buf_fini(&a->strs);
    mem_free(a);
}

size_t observe_ev_agg_sightings(const struct ev_agg *a)
{
    return a->sights.n;
}

void observe_ev_agg_listed(const struct ev_agg *a, uint64_t out[OBSERVE_EVIDENCE_KINDS])
{
    for (int i = 0; i < EVID_LISTED; i++)
        out[i] = a->listed_n[i];
}

const char *observe_evidence_kind_name(int k)
{
    return k >= 0 && k < EVID_LISTED ? evid_names[k] : "?";
}

/* Appends s[0..n) to the string buffer; *off is where it starts. */
static enum err_code keep(struct ev_agg *a, const char *s, size_t n, uint32_t *off, struct err *e)
{
    if (a->strs.len + n > UINT32_MAX)
        return err_set(e, ERR_LIMIT, "events: too much text kept");
    *off = (uint32_t)a->strs.len;
    return buf_append(&a->strs, s, n, e);
}

/* The text of a string value: v's bytes, or unescaped into tmp. 0 when it is not text
 * (absent, or unescaped it does not fit). */
static size_t text_of(const struct jscan_val *v, char *tmp, size_t cap, const char **out)
{
    size_t n;

    if (v->type != JS_STR)
        return 0;
    if (!v->esc) {
        *out = v->p;
        return v->len;
    }
    n = jscan_unescape(v, tmp, cap);
    *out = tmp;
    return n == SIZE_MAX ? 0 : n;
}

static enum err_code count_hour(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    struct hour_ent k = {r->ts / 3600, r->kind, 0, 0}, *h;
    bool fresh;
    enum err_code rc;

    k.hash = ev_hash(&k.hour, sizeof(k.hour), r->kind);
    rc = tab_get(&a->hours, &k, k.hash, eq_hour, NULL, ent_hash_hour, (void **)&h, &fresh, e);
    if (rc != ERR_OK)
        return rc;
    if (fresh)
        *h = k;
    h->events++;
    return ERR_OK;
}

static enum err_code add_sig(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    struct sig_ent k = {r->sig_id, 0, 0, 0, 0, 0}, *s;
    char tmp[1024];
    const char *txt;
    size_t n;
    bool fresh;
    enum err_code rc;

    k.hash = ev_hash(&k.sig_id, 4, 7);
    rc = tab_get(&a->sigs, &k, k.hash, eq_sig, NULL, ent_hash_sig, (void **)&s, &fresh, e);
    if (rc != ERR_OK || !fresh)
        return rc;
    *s = k;
    n = text_of(&r->sig, tmp, sizeof(tmp), &txt);
    rc = keep(a, txt, n, &s->text, e);
    s->text_len = (uint32_t)n;
    if (rc == ERR_OK) {
        n = text_of(&r->cat, tmp, sizeof(tmp), &txt);
        rc = keep(a, txt, n, &s->cat, e);
        s->cat_len = (uint32_t)n;
    }
    return rc;
}

static enum err_code add_alert(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    struct alert_ent k, *x;
    bool fresh;
    enum err_code rc;

    memset(&k, 0, sizeof(k));
    k.src = r->src;
    k.day = time_day(r->ts);
    k.sig_id = r->sig_id;
    k.hash = ev_hash(k.src.b, 16, (uint64_t)k.day << 32 | k.sig_id);
    rc = tab_get(&a->alerts, &k, k.hash, eq_alert, NULL, ent_hash_alert, (void **)&x, &fresh, e);
    if (rc != ERR_OK)
        return rc;
    if (fresh) {
        *x = k;
        x->first = x->last = r->ts;
        x->dport = r->dport;
        x->severity = r->severity;
    }
    x->count++;
    if (r->ts < x->first)
        x->first = r->ts;
    if (r->ts > x->last)
        x->last = r->ts;
    if (r->severity < x->severity)
        x->severity = r->severity; /* 1 is the most severe */
    return add_sig(a, r, e);
}

static enum err_code add_evidence(struct ev_agg *a, const struct ip16 *host, int64_t ts, int kind,
                                  const char *what, size_t what_len, uint16_t port, struct err *e)
{
    struct evid_ent k, *x;
    struct evid_probe pr = {a, what};
    bool fresh;
    enum err_code rc;

    memset(&k, 0, sizeof(k));
    k.ip = *host;
    k.day = time_day(ts);
    k.kind = (uint32_t)kind;
    k.what_len = (uint32_t)what_len;
    k.hash =
        ev_hash(what, what_len, XXH3_64bits_withSeed(host->b, 16, (uint64_t)k.day << 8 | k.kind));
    rc = tab_get(&a->evid, &k, k.hash, eq_evid, &pr, ent_hash_evid, (void **)&x, &fresh, e);
    if (rc != ERR_OK)
        return rc;
    if (fresh) {
        *x = k;
        x->first = x->last = ts;
        x->port = port;
        x->geo = (struct geo_info){"ZZ", 0};
        if (a->geo != NULL)
            geo_lookup(a->geo, host, &x->geo);
        rc = keep(a, what, what_len, &x->what, e);
        if (rc != ERR_OK) {
            a->evid.n--; /* not kept: drop the entry again */
            return rc;
        }
    }
    x->count++;
    if (ts < x->first)
        x->first = ts;
    if (ts > x->last)
        x->last = ts;
    a->listed_n[kind]++;
    return ERR_OK;
}

static enum err_code add_sighting(struct ev_agg *a, enum ioc_type t, const char *v, size_t n,
                                  int64_t ts, struct err *e)
{
    struct sight_ent k, *x;
    struct evid_probe pr = {a, v};
    bool fresh;
    enum err_code rc;

    memset(&k, 0, sizeof(k));
    k.day = time_day(ts);
    k.type = (uint32_t)t;
    k.value_len = (uint32_t)n;
    k.hash = ev_hash(v, n, (uint64_t)k.day << 8 | k.type);
    rc = tab_get(&a->sights, &k, k.hash, eq_sight, &pr, ent_hash_sight, (void **)&x, &fresh, e);
    if (rc != ERR_OK)
        return rc;
    if (fresh) {
        *x = k;
        x->first = x->last = ts;
        rc = keep(a, v, n, &x->value, e);
        if (rc != ERR_OK) {
            a->sights.n--;
            return rc;
        }
    }
    x->count++;
    if (ts < x->first)
        x->first = ts;
    if (ts > x->last)
        x->last = ts;
    return ERR_OK;
}

/* Text an attacker chose, made fit to show: control bytes become '?', at most max bytes
 * cut on a character boundary (the input is valid UTF-8). Returns its length. */
static size_t shown(const char *s, size_t n, char *out, size_t max)
{
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    return n;
}

/* Cowrie: logins, commands and downloads are evidence against the source; a download's
 * URL and file hash become indicator sightings. */
static enum err_code honeypot_event(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    char tmp[4096], what[IOC_VALUE_MAX + 16], canon[IOC_VALUE_MAX + 1];
    const char *s;
    size_t n, k;
    struct err ce;
    enum err_code rc = ERR_OK;

    switch (r->kind) {
    case EV_HP_LOGIN:
        n = text_of(&r->user, tmp, sizeof(tmp), &s);
        memcpy(what, "user ", 5);
        k = 5 + shown(s, n, what + 5, 64);
        return add_evidence(a, &r->src, r->ts, EVID_HP_LOGIN, what, k, r->dport, e);
    case EV_HP_COMMAND:
        n = text_of(&r->input, tmp, sizeof(tmp), &s);
        k = shown(s, n, what, 200);
        return add_evidence(a, &r->src, r->ts, EVID_HP_COMMAND, what, k, r->dport, e);
    case EV_HP_DOWNLOAD:
        k = 0;
        n = text_of(&r->sha256, tmp, sizeof(tmp), &s);
        if (n > 0 && ioc_canon(IOC_SHA256, s, n, canon, sizeof(canon), &ce) == ERR_OK) {
            rc = add_sighting(a, IOC_SHA256, canon, strlen(canon), r->ts, e);
            k = (size_t)snprintf(what, sizeof(what), "sha256:%s", canon);
        }
        n = text_of(&r->dl_url, tmp, sizeof(tmp), &s);
        if (rc == ERR_OK && n > 0 && n < sizeof(tmp) &&
            ioc_canon(IOC_URL, s, n, canon, sizeof(canon), &ce) == ERR_OK) {
            rc = add_sighting(a, IOC_URL, canon, strlen(canon), r->ts, e);
            k = strlen(canon); /* the URL names the download best */
            memcpy(what, canon, k);
        }
        if (rc == ERR_OK && k == 0) { /* neither usable: still a download */
            memcpy(what, "download", 8);
            k = 8;
        }
        return rc == ERR_OK
                   ? add_evidence(a, &r->src, r->ts, EVID_HP_DOWNLOAD, what, k, r->dport, e)
                   : rc;
    default:
        return ERR_OK;
    }
}

static bool name_hit(const struct ev_agg *a, const struct jscan_val *v, struct match_hit *hit)
{
    char tmp[512];
    const char *s;
    size_t n = text_of(v, tmp, sizeof(tmp), &s);

    return n > 0 && match_domain(a->listed, s, n, hit);
}

static bool full_url_hit(const struct ev_agg *a, const char *u, size_t n, struct match_hit *hit)
{
    char canon[IOC_VALUE_MAX + 1];
    struct err ce;

    return ioc_canon(IOC_URL, u, n, canon, sizeof(canon), &ce) == ERR_OK &&
           match_url(a->listed, canon, hit);
}

/* http://host/path canonicalised, then its Safe Browsing expressions; a url that is a
 * whole URL (CEF's request) is taken as it is. */
static bool url_hit(const struct ev_agg *a, const struct ev_rec *r, struct match_hit *hit)
{
    char host[512], path[2048], url[2600];
    const char *h, *p;
    size_t hn = text_of(&r->name, host, sizeof(host), &h);
    size_t pn = text_of(&r->url, path, sizeof(path), &p);
    char canon[IOC_VALUE_MAX + 1];
    struct err ce;
    int k;

    if (pn > 7 && (memcmp(p, "http://", 7) == 0 || memcmp(p, "https://", 8) == 0))
        return full_url_hit(a, p, pn, hit);
    if (hn == 0 || pn == 0 || p[0] != '/')
        return false;
    k = snprintf(url, sizeof(url), "http://%.*s%.*s", (int)hn, h, (int)pn, p);
    if (k < 0 || (size_t)k >= sizeof(url))
        return false;
    if (ioc_canon(IOC_URL, url, strlen(url), canon, sizeof(canon), &ce) != ERR_OK)
        return false;
    return match_url(a->listed, canon, hit);
}

static enum err_code match_event(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    struct match_hit hit;

    switch (r->kind) {
    case EV_DNS:
        if (name_hit(a, &r->name, &hit))
            return add_evidence(a, &r->src, r->ts, EVID_DNS, hit.value, hit.len, r->dport, e);
        return ERR_OK;
    case EV_FLOW:
        if (match_ip(a->listed, &r->dst, &hit))
            return add_evidence(a, &r->src, r->ts, EVID_FLOW, hit.value, hit.len, r->dport, e);
        if (match_ip(a->listed, &r->src, &hit))
            return add_evidence(a, &r->dst, r->ts, EVID_FLOW, hit.value, hit.len, r->sport, e);
        return ERR_OK;
    case EV_HTTP:
        if (name_hit(a, &r->name, &hit) || (a->has_urls && url_hit(a, r, &hit)))
            return add_evidence(a, &r->src, r->ts, EVID_HTTP, hit.value, hit.len, r->dport, e);
        return ERR_OK;
    case EV_TLS:
        if (name_hit(a, &r->name, &hit))
            return add_evidence(a, &r->src, r->ts, EVID_TLS, hit.value, hit.len, r->dport, e);
        return ERR_OK;
    case EV_ALERT: /* an alert (EVE, CEF) that names a listed peer, host or URL */
        if ((r->name.type == JS_STR && name_hit(a, &r->name, &hit)) ||
            (a->has_urls && r->url.type == JS_STR && url_hit(a, r, &hit)))
            return add_evidence(a, &r->src, r->ts, EVID_HTTP, hit.value, hit.len, r->dport, e);
        if (match_ip(a->listed, &r->dst, &hit))
            return add_evidence(a, &r->src, r->ts, EVID_FLOW, hit.value, hit.len, r->dport, e);
        return ERR_OK;
    case EV_FILEINFO: /* the file travels to dest_ip */
        if ((r->sha256.type == JS_STR &&
             match_hash(a->listed, IOC_SHA256, r->sha256.p, r->sha256.len, &hit)) ||
            (r->md5.type == JS_STR && match_hash(a->listed, IOC_MD5, r->md5.p, r->md5.len, &hit)))
            return add_evidence(a, &r->dst, r->ts, EVID_FILE, hit.value, hit.len, r->sport, e);
        return ERR_OK;
    default:
        return ERR_OK;
    }
}

enum err_code observe_ev_agg_add(struct ev_agg *a, const struct ev_rec *r, struct err *e)
{
    enum err_code rc = count_hour(a, r, e);

    if (rc == ERR_OK && r->kind == EV_ALERT)
        rc = add_alert(a, r, e);
    if (rc == ERR_OK && r->kind >= EV_COWRIE_FIRST)
        return honeypot_event(a, r, e);
    if (rc == ERR_OK && a->listed != NULL)
        rc = match_event(a, r, e);
    return rc;
}

/* ---- flush --------------------------------------------------------------------------- */

static void text_at(const struct ev_agg *a, uint32_t off, uint32_t len, struct store_text *t)
{
    t->p = (const char *)a->strs.data + off;
    t->len = len;
}

enum err_code observe_ev_agg_flush(struct ev_agg *a, struct store *st, int64_t sensor,
                                   struct err *e)
{
    struct store_ev_writer *w = NULL;
    enum err_code rc = store_ev_writer_new(st, sensor, &w, e);

    for (size_t i = 0; i < a->hours.n && rc == ERR_OK; i++) {
        const struct hour_ent *h = tab_at(&a->hours, i);
        rc = store_ev_hour_add(w, h->hour, observe_ev_kind_name(h->kind), h->events, e);
    }
    for (size_t i = 0; i < a->sigs.n && rc == ERR_OK; i++) {
        const struct sig_ent *s = tab_at(&a->sigs, i);
        struct store_text txt, cat;
        text_at(a, s->text, s->text_len, &txt);
        text_at(a, s->cat, s->cat_len, &cat);
        rc = store_ev_signature_put(w, s->sig_id, &txt, &cat, e);
    }
    for (size_t i = 0; i < a->alerts.n && rc == ERR_OK; i++) {
        const struct alert_ent *x = tab_at(&a->alerts, i);
        struct store_ev_alert row = {x->day,   x->src,  x->sig_id,   x->count,
                                     x->first, x->last, x->severity, x->dport};
        rc = store_ev_alert_add(w, &row, e);
    }
    for (size_t i = 0; i < a->evid.n && rc == ERR_OK; i++) {
        const struct evid_ent *x = tab_at(&a->evid, i);
        struct store_evidence row = {
            x->ip,    x->day,  evid_names[x->kind], {NULL, 0}, x->port, x->count,
            x->first, x->last, x->geo.asn,          "ZZ"};
        memcpy(row.country, x->geo.country, 3);
        text_at(a, x->what, x->what_len, &row.what);
        rc = store_evidence_add(w, &row, e);
    }
    for (size_t i = 0; i < a->sights.n && rc == ERR_OK; i++) {
        const struct sight_ent *x = tab_at(&a->sights, i);
        struct store_ev_sighting row = {ioc_type_name((enum ioc_type)x->type),
                                        {NULL, 0},
                                        "honeypot-download",
                                        x->day,
                                        x->first,
                                        x->last,
                                        x->count};
        text_at(a, x->value, x->value_len, &row.value);
        rc = store_ev_sighting_add(w, &row, e);
    }
    store_ev_writer_free(w);
    if (rc == ERR_OK)
        observe_ev_agg_discard(a);
    return rc;
}
