/* hosts.c - likely infected hosts: the store's evidence rows (listed-indicator contact
 * from sensor logs, darknet scanning) grouped per host, with its first and last seen. */
#include "orient/orient.h"

#include <string.h>
#include <strings.h>

struct group {
    struct orient_host h;
    struct orient_evidence *ev;
    size_t cap;
    struct buf strs; /* the evidence's strings, as offsets until the host is emitted */
    orient_host_fn fn;
    void *arg;
    bool stopped;
    enum err_code rc;
    struct err e;
};

/* Keeps s in the string buffer; the evidence holds its offset (as a pointer-sized
 * integer) until emit turns offsets into pointers. */
static enum err_code keep(struct group *g, const char *s, const char **out)
{
    size_t off = g->strs.len;
    enum err_code rc =
        buf_append(&g->strs, s != NULL ? s : "", strlen(s != NULL ? s : "") + 1, &g->e);

    *out = (const char *)(uintptr_t)off;
    return rc;
}

static void emit(struct group *g)
{
    if (g->h.n == 0 || g->stopped)
        return;
    for (size_t i = 0; i < g->h.n; i++) {
        struct orient_evidence *v = &g->ev[i];
        v->kind = (const char *)g->strs.data + (uintptr_t)v->kind;
        v->sensor = (const char *)g->strs.data + (uintptr_t)v->sensor;
        v->what = (const char *)g->strs.data + (uintptr_t)v->what;
    }
    g->h.ev = g->ev;
    if (!g->fn(g->arg, &g->h))
        g->stopped = true;
    g->h.n = 0;
    g->strs.len = 0;
}

static bool on_row(void *arg, const struct store_host_row *r)
{
    struct group *g = arg;
    struct orient_evidence *v;

    if (g->h.n > 0 && memcmp(g->h.ip.b, r->ip.b, 16) != 0)
        emit(g);
    if (g->stopped)
        return false;
    if (g->h.n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct orient_evidence *nv = mem_realloc(g->ev, cap * sizeof(*nv));
        if (nv == NULL) {
            g->rc = err_set(&g->e, ERR_NOMEM, "hosts: cannot grow the evidence list");
            return false;
        }
        g->ev = nv;
        g->cap = cap;
    }
    if (g->h.n == 0) {
        g->h.ip = r->ip;
        g->h.asn = r->asn;
        memcpy(g->h.country, r->country, 3);
        g->h.first_seen = r->first_seen;
        g->h.last_seen = r->last_seen;
    }
    v = &g->ev[g->h.n++];
    v->port = r->port;
    v->count = r->count;
    v->first_seen = r->first_seen;
    v->last_seen = r->last_seen;
    if (r->first_seen < g->h.first_seen)
        g->h.first_seen = r->first_seen;
    if (r->last_seen > g->h.last_seen)
        g->h.last_seen = r->last_seen;
    g->rc = keep(g, r->kind, &v->kind);
    if (g->rc == ERR_OK)
        g->rc = keep(g, r->sensor, &v->sensor);
    if (g->rc == ERR_OK)
        g->rc = keep(g, r->what, &v->what);
    return g->rc == ERR_OK;
}

enum err_code orient_hosts_each(struct store *st, const struct store_host_query *q,
                                orient_host_fn fn, void *arg, struct err *e)
{
    struct group g;
    enum err_code rc;

    memset(&g, 0, sizeof(g));
    g.fn = fn;
    g.arg = arg;
    buf_init(&g.strs, (size_t)64 << 20);
    rc = store_host_rows(st, q, on_row, &g, e);
    if (rc == ERR_OK && g.rc != ERR_OK) {
        rc = g.rc;
        *e = g.e;
    }
    if (rc == ERR_OK)
        emit(&g);
    buf_fini(&g.strs);
    mem_free(g.ev);
    return rc;
}

/* An RFC 3339 time, or null when t is 0 (unknown). */
static void json_time(cJSON *obj, const char *key, int64_t t)
{
    char buf[32];

    if (t == 0)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddStringToObject(obj, key, time_format(t, buf, sizeof(buf)));
}

cJSON *orient_host_json(const struct orient_host *h)
{
    cJSON *j = cJSON_CreateObject(), *ev = cJSON_CreateArray();
    char ip[64];

    cJSON_AddStringToObject(j, "ip", ip16_format(&h->ip, ip, sizeof(ip)));
    cJSON_AddNumberToObject(j, "asn", h->asn);
    cJSON_AddStringToObject(j, "country", h->country);
    json_time(j, "first_seen", h->first_seen);
    json_time(j, "last_seen", h->last_seen);
    for (size_t i = 0; i < h->n; i++) {
        const struct orient_evidence *v = &h->ev[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", v->kind);
        cJSON_AddStringToObject(o, "sensor", v->sensor);
        cJSON_AddStringToObject(o, "what", v->what);
        cJSON_AddNumberToObject(o, "port", v->port);
        cJSON_AddNumberToObject(o, "count", (double)v->count);
        json_time(o, "first_seen", v->first_seen);
        json_time(o, "last_seen", v->last_seen);
        cJSON_AddItemToArray(ev, o);
    }
    cJSON_AddItemToObject(j, "evidence", ev);
    return j;
}

cJSON *orient_alert_json(const struct store_alert *a)
{
    cJSON *j = cJSON_CreateObject(), *t;

    cJSON_AddNumberToObject(j, "id", (double)a->id);
    cJSON_AddStringToObject(j, "sensor", a->sensor);
    cJSON_AddStringToObject(j, "kind", a->kind);
    cJSON_AddNumberToObject(j, "port", a->port);
    cJSON_AddStringToObject(j, "class", store_dk_class_name(a->cls));
    json_time(j, "start_hour", a->start_hour);
    json_time(j, "end_hour", a->end_hour);
    cJSON_AddNumberToObject(j, "hours", (double)((a->end_hour - a->start_hour) / 3600 + 1));
    cJSON_AddNumberToObject(j, "packets", (double)a->packets);
    cJSON_AddNumberToObject(j, "baseline", a->baseline);
    cJSON_AddNumberToObject(j, "magnitude", a->magnitude);
    cJSON_AddNumberToObject(j, "new_sources", (double)a->new_sources);
    t = cJSON_Parse(a->top_sources);
    cJSON_AddItemToObject(j, "top_sources", t != NULL ? t : cJSON_CreateArray());
    t = cJSON_Parse(a->top_countries);
    cJSON_AddItemToObject(j, "top_countries", t != NULL ? t : cJSON_CreateArray());
    json_time(j, "created", a->created);
    return j;
}

void orient_host_scope_init(struct store_host_query *q)
{
    memset(q, 0, sizeof(*q));
    q->asn = -1;
    memset(q->hi.b, 0xff, 16);
}

enum err_code orient_host_scope(struct store_host_query *q, int opt, const char *arg, struct err *e)
{
    struct cidr c;
    uint64_t v;

    if (opt == 'a') {
        if (strncasecmp(arg, "AS", 2) == 0)
            arg += 2;
        if (num_parse_u64(arg, UINT32_MAX, &v, e) != ERR_OK)
            return err_set(e, ERR_USAGE, "--asn: want an AS number");
        q->asn = (int64_t)v;
        return ERR_OK;
    }
    if (opt == 'p') {
        if (cidr_parse(arg, &c, e) != ERR_OK)
            return ERR_USAGE;
        q->lo = c.net;
        q->hi = c.net;
        for (int bit = c.len; bit < 128; bit++) /* the prefix's last address */
            q->hi.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        return ERR_OK;
    }
    if (strlen(arg) != 2)
        return err_set(e, ERR_USAGE, "--country: want a two-letter code");
    q->country[0] = (char)(arg[0] & ~0x20);
    q->country[1] = (char)(arg[1] & ~0x20);
    return ERR_OK;
}
