/* ewarn.c - early warning: a robust per-hour baseline of each (port, class) series of a
 * darknet sensor (median and MAD of the same hour-of-day over the previous week,
 * blended with the median of the preceding hours), the scan that turns hours above
 * the bound into alerts, and the run over the stored hourly aggregates that upserts
 * them (docs/early-warning.md). */
#include "orient/orient.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600
#define DAY  86400

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double orient_ew_median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    if (n % 2 == 1)
        return v[n / 2];
    return (v[n / 2 - 1] + v[n / 2]) / 2;
}

double orient_ew_mad(const double *v, size_t n, double m)
{
    double d[64];

    for (size_t i = 0; i < n; i++)
        d[i] = fabs(v[i] - m);
    return orient_ew_median(d, n);
}

bool orient_ew_bound(const double *day, size_t nday, const double *recent, size_t nrecent,
                     struct orient_ew_bound *out)
{
    double v[ORIENT_EW_DAYS > ORIENT_EW_RECENT ? ORIENT_EW_DAYS : ORIENT_EW_RECENT];

    memset(out, 0, sizeof(*out));
    if (nday < ORIENT_EW_MIN_DAYS || nday > ORIENT_EW_DAYS || nrecent > ORIENT_EW_RECENT)
        return false;
    memcpy(v, day, nday * sizeof(*v));
    out->day_median = orient_ew_median(v, nday);
    out->mad = orient_ew_mad(day, nday, out->day_median);
    if (nrecent > 0) {
        memcpy(v, recent, nrecent * sizeof(*v));
        out->recent_median = orient_ew_median(v, nrecent);
    }
    out->median = out->day_median > out->recent_median ? out->day_median : out->recent_median;
    out->spread = out->mad;
    if (out->spread < sqrt(out->median))
        out->spread = sqrt(out->median);
    if (out->spread < 1)
        out->spread = 1;
    out->threshold = out->median + ORIENT_EW_K * out->spread;
    return true;
}

/* The bound of hour i of series s (n hours): false without enough history. */
static bool bound_at(const double *s, size_t i, struct orient_ew_bound *b)
{
    double day[ORIENT_EW_DAYS], recent[ORIENT_EW_RECENT];
    size_t nday = 0, nrecent = 0;

    for (size_t d = 1; d <= ORIENT_EW_DAYS && d * 24 <= i; d++)
        day[nday++] = s[i - d * 24];
    for (size_t h = 1; h <= ORIENT_EW_RECENT && h <= i; h++)
        recent[nrecent++] = s[i - h];
    return orient_ew_bound(day, nday, recent, nrecent, b);
}

/* Whether hour i alarms; *base receives the packet baseline. */
static bool alarms(const double *pk, const double *nw, size_t i, double *base)
{
    struct orient_ew_bound bp, bn;

    if (!bound_at(pk, i, &bp) || pk[i] <= bp.threshold)
        return false;
    if (!bound_at(nw, i, &bn) || nw[i] <= bn.threshold)
        return false;
    *base = bp.median;
    return true;
}

enum err_code orient_ew_scan(const double *pk, const double *nw, size_t n, size_t from,
                             orient_ew_hit_fn fn, void *arg, struct err *e)
{
    struct orient_ew_hit h;
    bool open = false;
    double base;

    for (size_t i = from; i < n; i++) {
        if (alarms(pk, nw, i, &base)) {
            if (!open) {
                h.start = i;
                h.packets = pk[i];
                h.baseline = base;
                h.new_sources = nw[i];
                open = true;
            }
            h.end = i;
            continue;
        }
        if (open) {
            enum err_code rc = fn(arg, &h, e);
            if (rc != ERR_OK)
                return rc;
            open = false;
        }
    }
    return open ? fn(arg, &h, e) : ERR_OK;
}

/* ---- the run over the store ---------------------------------------------------------- */

struct row {
    int64_t hour;
    uint64_t packets, new_sources;
    uint16_t port;
    uint8_t cls;
};

struct run {
    struct store *st;
    int64_t sensor, since_h, det_lo, now;
    struct row *rows;
    size_t nrows, cap;
    int64_t first, last; /* hours with data: the series span */
    double *pk, *nw;     /* one series, span hours */
    uint16_t port;       /* the series being scanned */
    uint8_t cls;
    size_t written;
};

static enum err_code on_row(void *ctx, const struct store_dk_port *r, struct err *e)
{
    struct run *u = ctx;

    if (u->nrows == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 4096;
        struct row *p = mem_realloc(u->rows, cap * sizeof(*p));
        if (p == NULL)
            return err_set(e, ERR_NOMEM, "ewarn: out of memory for %zu hourly rows", cap);
        u->rows = p;
        u->cap = cap;
    }
    u->rows[u->nrows++] = (struct row){r->hour, r->packets, r->new_sources, r->port, r->cls};
    if (u->nrows == 1 || r->hour < u->first)
        u->first = r->hour;
    if (u->nrows == 1 || r->hour > u->last)
        u->last = r->hour;
    return ERR_OK;
}

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    return (x->hour > y->hour) - (x->hour < y->hour);
}

static enum err_code on_hit(void *arg, const struct orient_ew_hit *h, struct err *e)
{
    struct run *u = arg;
    struct store_alert a;
    enum err_code rc;

    memset(&a, 0, sizeof(a));
    a.end_hour = u->first + (int64_t)h->end * HOUR;
    if (a.end_hour < u->since_h)
        return ERR_OK; /* ended before the window: context only */
    a.sensor_id = u->sensor;
    memcpy(a.kind, "port-surge", sizeof("port-surge"));
    a.port = u->port;
    a.cls = u->cls;
    a.start_hour = u->first + (int64_t)h->start * HOUR;
    a.packets = (uint64_t)h->packets;
    a.new_sources = (uint64_t)h->new_sources;
    a.baseline = h->baseline;
    a.magnitude = h->packets / (h->baseline > 1 ? h->baseline : 1);
    rc = store_alert_tops(u->st, &a, e);
    if (rc == ERR_OK)
        rc = store_alert_put(u->st, &a, u->now, e);
    if (rc == ERR_OK)
        u->written++;
    return rc;
}

/* Scans the series of rows[a..b) (one port and class, hour order). A series that never
 * has more than K packets and K new sources in one detected hour cannot alarm (every
 * bound is at least K) and is skipped. */
static enum err_code scan_group(struct run *u, size_t a, size_t b, struct err *e)
{
    size_t n = (size_t)((u->last - u->first) / HOUR) + 1, from = 0;
    bool may = false;

    for (size_t i = a; i < b && !may; i++)
        may = u->rows[i].hour >= u->det_lo && u->rows[i].packets > (uint64_t)ORIENT_EW_K &&
              u->rows[i].new_sources > (uint64_t)ORIENT_EW_K;
    if (!may)
        return ERR_OK;
    memset(u->pk, 0, n * sizeof(double));
    memset(u->nw, 0, n * sizeof(double));
    for (size_t i = a; i < b; i++) {
        size_t k = (size_t)((u->rows[i].hour - u->first) / HOUR);
        u->pk[k] = (double)u->rows[i].packets;
        u->nw[k] = (double)u->rows[i].new_sources;
    }
    if (u->det_lo > u->first)
        from = (size_t)((u->det_lo - u->first) / HOUR);
    u->port = u->rows[a].port;
    u->cls = u->rows[a].cls;
    return orient_ew_scan(u->pk, u->nw, n, from, on_hit, u, e);
}

static enum err_code scan_all(struct run *u, struct err *e)
{
    size_t n = (size_t)((u->last - u->first) / HOUR) + 1, a = 0;
    enum err_code rc = ERR_OK;

    u->pk = mem_calloc(n, sizeof(double));
    u->nw = mem_calloc(n, sizeof(double));
    if (u->pk == NULL || u->nw == NULL)
        return err_set(e, ERR_NOMEM, "ewarn: out of memory for a %zu-hour series", n);
    qsort(u->rows, u->nrows, sizeof(*u->rows), cmp_row);
    rc = store_begin(u->st, e);
    for (size_t i = 1; rc == ERR_OK && i <= u->nrows; i++) {
        if (i < u->nrows && u->rows[i].port == u->rows[a].port && u->rows[i].cls == u->rows[a].cls)
            continue;
        rc = scan_group(u, a, i, e);
        a = i;
    }
    if (rc == ERR_OK)
        return store_commit(u->st, e);
    store_rollback(u->st);
    return rc;
}

enum err_code orient_ew_run(struct store *st, int64_t sensor, int64_t since, int64_t until,
                            int64_t now, size_t *n, struct err *e)
{
    struct run u;
    enum err_code rc;

    memset(&u, 0, sizeof(u));
    u.st = st;
    u.sensor = sensor;
    u.now = now;
    u.since_h = since - (since % HOUR + HOUR) % HOUR;
    u.det_lo = u.since_h - DAY;
    *n = 0;
    rc = store_dk_port_load(st, sensor, u.det_lo - (int64_t)ORIENT_EW_DAYS * DAY, until, on_row, &u,
                            e);
    if (rc == ERR_OK && u.nrows > 0)
        rc = scan_all(&u, e);
    *n = u.written;
    mem_free(u.rows);
    mem_free(u.pk);
    mem_free(u.nw);
    return rc;
}
