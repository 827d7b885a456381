/* picture.c - the situation picture of a time window as one JSON document (docs/report.md):
 * darknet totals, top ports, countries and ASNs, new scanners, DoS victims, early-warning
 * alerts and the hosts with evidence of infection by class, with the listed indicators
 * reached most. `ooda report` renders it as Markdown, HTML or JSON; the dashboard will
 * serve the same document. */
#include "orient/orient.h"

#include <stdlib.h>
#include <string.h>

#define TOP_N      10
#define INDICATORS 64 /* distinct indicators counted for the top list */

static cJSON *tops(struct store *st, enum store_dk_by by, int64_t since, int64_t until,
                   const struct geo *geo, struct err *e)
{
    struct store_dk_top rows[TOP_N];
    size_t n = 0;
    cJSON *arr;

    if (store_dk_top(st, by, NULL, since, until, rows, TOP_N, &n, e) != ERR_OK)
        return NULL;
    arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "key", rows[i].key);
        if (by == STORE_BY_ASN && geo != NULL)
            cJSON_AddStringToObject(j, "name",
                                    geo_asn_name(geo, (uint32_t)strtoul(rows[i].key, NULL, 10)));
        cJSON_AddNumberToObject(j, "packets", (double)rows[i].packets);
        cJSON_AddNumberToObject(j, "sources", (double)rows[i].sources);
        cJSON_AddItemToArray(arr, j);
    }
    return arr;
}

static cJSON *source_json(const struct store_dk_top *t)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "ip", t->key);
    cJSON_AddStringToObject(j, "country", t->country);
    cJSON_AddNumberToObject(j, "asn", t->asn);
    cJSON_AddNumberToObject(j, "packets", (double)t->packets);
    cJSON_AddNumberToObject(j, "dsts", (double)t->dsts);
    cJSON_AddNumberToObject(j, "backscatter", (double)t->cls[STORE_DK_BACKSCATTER]);
    return j;
}

/* New scanners (first seen in the window) and DoS victims, the busiest first. */
static enum err_code sources(struct store *st, int64_t since, int64_t until, cJSON *doc,
                             struct err *e)
{
    struct store_dk_top rows[TOP_N];
    const char *names[] = {"new_scanners", "dos_victims"};
    enum err_code rc = ERR_OK;

    for (int k = 0; k < 2 && rc == ERR_OK; k++) {
        size_t n = 0;
        cJSON *arr = cJSON_AddArrayToObject(doc, names[k]);
        rc = store_dk_flagged(st, k == 1, since, until, rows, TOP_N, &n, e);
        for (size_t i = 0; i < n && rc == ERR_OK; i++)
            cJSON_AddItemToArray(arr, source_json(&rows[i]));
    }
    return rc;
}

static bool alert_one(void *arg, const struct store_alert *a)
{
    cJSON *arr = arg, *j = cJSON_CreateObject();
    char t[32];

    cJSON_AddStringToObject(j, "sensor", a->sensor);
    cJSON_AddNumberToObject(j, "port", a->port);
    cJSON_AddStringToObject(j, "class", store_dk_class_name(a->cls));
    cJSON_AddStringToObject(j, "start", time_format(a->start_hour, t, sizeof(t)));
    cJSON_AddNumberToObject(j, "hours", (double)((a->end_hour - a->start_hour) / 3600 + 1));
    cJSON_AddNumberToObject(j, "magnitude", a->magnitude);
    cJSON_AddNumberToObject(j, "new_sources", (double)a->new_sources);
    cJSON_AddItemToArray(arr, j);
    return true;
}

/* Hosts with evidence: counted per class, and the listed indicators reached by most. */
struct ind_count {
    char what[256];
    uint64_t hosts, events;
};
struct hosts_acc {
    uint64_t hosts, scanners, c2, honeypot;
    struct ind_count ind[INDICATORS];
    size_t nind;
};

/* Counts v's indicator; first: this host has not reached it before (in this host's
 * evidence list). */
static void count_indicator(struct hosts_acc *h, const struct orient_evidence *v, bool first)
{
    for (size_t i = 0; i < h->nind; i++)
        if (strcmp(h->ind[i].what, v->what) == 0) {
            h->ind[i].hosts += first;
            h->ind[i].events += v->count;
            return;
        }
    if (h->nind == INDICATORS)
        return;
    (void)snprintf(h->ind[h->nind].what, sizeof(h->ind[0].what), "%s", v->what);
    h->ind[h->nind].hosts = 1;
    h->ind[h->nind++].events = v->count;
}

static bool seen_before(const struct orient_host *host, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(host->ev[j].what, host->ev[i].what) == 0)
            return true;
    return false;
}

static bool host_one(void *arg, const struct orient_host *host)
{
    struct hosts_acc *h = arg;
    bool scan = false, c2 = false, hp = false;

    h->hosts++;
    for (size_t i = 0; i < host->n; i++) {
        const char *k = host->ev[i].kind;
        if (strcmp(k, "darknet-scan") == 0) {
            scan = true;
        } else if (strncmp(k, "honeypot-", 9) == 0) {
            hp = true;
        } else {
            c2 = true;
            count_indicator(h, &host->ev[i], !seen_before(host, i));
        }
    }
    h->scanners += scan;
    h->c2 += c2;
    h->honeypot += hp;
    return true;
}

static int by_hosts(const void *a, const void *b)
{
    const struct ind_count *x = a, *y = b;

    if (x->hosts != y->hosts)
        return x->hosts < y->hosts ? 1 : -1;
    return strcmp(x->what, y->what);
}

static enum err_code hosts(struct store *st, int64_t since, int64_t until, cJSON *doc,
                           struct err *e)
{
    struct store_host_query q;
    struct hosts_acc *h = calloc(1, sizeof(*h));
    cJSON *j, *arr;
    enum err_code rc;

    if (h == NULL)
        return err_set(e, ERR_NOMEM, "report: no memory");
    orient_host_scope_init(&q);
    q.since = since;
    q.until = until;
    rc = orient_hosts_each(st, &q, host_one, h, e);
    qsort(h->ind, h->nind, sizeof(h->ind[0]), by_hosts);
    j = cJSON_AddObjectToObject(doc, "infected_hosts");
    cJSON_AddNumberToObject(j, "hosts", (double)h->hosts);
    cJSON_AddNumberToObject(j, "darknet_scanners", (double)h->scanners);
    cJSON_AddNumberToObject(j, "listed_contact", (double)h->c2);
    cJSON_AddNumberToObject(j, "honeypot", (double)h->honeypot);
    arr = cJSON_AddArrayToObject(doc, "listed_indicators_reached");
    for (size_t i = 0; i < h->nind && i < TOP_N; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "indicator", h->ind[i].what);
        cJSON_AddNumberToObject(o, "hosts", (double)h->ind[i].hosts);
        cJSON_AddNumberToObject(o, "events", (double)h->ind[i].events);
        cJSON_AddItemToArray(arr, o);
    }
    free(h);
    return rc;
}

static cJSON *summary(const struct store_dk_summary *s)
{
    cJSON *j = cJSON_CreateObject(), *c = cJSON_CreateObject();

    cJSON_AddNumberToObject(j, "packets", (double)s->packets);
    cJSON_AddNumberToObject(j, "bytes", (double)s->bytes);
    cJSON_AddNumberToObject(j, "sources", (double)s->sources);
    cJSON_AddNumberToObject(j, "scanners", (double)s->scanners);
    cJSON_AddNumberToObject(j, "backscatter_victims", (double)s->victims);
    for (int k = 0; k < STORE_DK_NCLASS; k++)
        cJSON_AddNumberToObject(c, store_dk_class_name(k), (double)s->cls[k]);
    cJSON_AddItemToObject(j, "classes", c);
    return j;
}

enum err_code orient_picture(struct store *st, int64_t since, int64_t until, const struct geo *geo,
                             cJSON **out, struct err *e)
{
    struct store_dk_summary s;
    cJSON *doc = cJSON_CreateObject(), *arr;
    char t[32];
    enum err_code rc = store_dk_summary(st, NULL, since, until, &s, e);
    enum store_dk_by by[] = {STORE_BY_PORT, STORE_BY_COUNTRY, STORE_BY_ASN};
    const char *names[] = {"top_ports", "top_countries", "top_asns"};

    *out = NULL;
    cJSON_AddStringToObject(doc, "since", time_format(since, t, sizeof(t)));
    cJSON_AddStringToObject(doc, "until", time_format(until, t, sizeof(t)));
    if (rc == ERR_OK)
        cJSON_AddItemToObject(doc, "darknet", summary(&s));
    for (int i = 0; i < 3 && rc == ERR_OK; i++) {
        cJSON *x = tops(st, by[i], since, until, geo, e);
        if (x == NULL)
            rc = e->code != ERR_OK ? e->code : ERR_DB;
        else
            cJSON_AddItemToObject(doc, names[i], x);
    }
    if (rc == ERR_OK)
        rc = sources(st, since, until, doc, e);
    if (rc == ERR_OK) {
        arr = cJSON_AddArrayToObject(doc, "alerts");
        rc = store_alert_each(st, NULL, since, until, alert_one, arr, e);
    }
    if (rc == ERR_OK)
        rc = hosts(st, since, until, doc, e);
    if (rc != ERR_OK) {
        cJSON_Delete(doc);
        return rc;
    }
    *out = doc;
    return ERR_OK;
}
