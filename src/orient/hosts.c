/* hosts.c - likely infected hosts: the store's evidence rows (listed-indicator contact
 * from sensor logs, darknet scanning) grouped per host, with its first and last seen. */
#include "orient/orient.h"

#include <string.h>

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
