/* views.c - the orient views behind the dashboard, as JSON (docs/api.md): the situation
 * picture, likely infected hosts and early-warning alerts of a window. Each request
 * reads the store through its own connection. Sensor observations are TLP:AMBER: a
 * caller whose clearance is below AMBER gets 403. */
#include "http/http_int.h"
#include "orient/orient.h"

#include <string.h>

/* The window of ?since=&until= (defaults: the last 24 hours up to now). */
static bool window(const struct http_req *r, int64_t *since, int64_t *until)
{
    const char *s = http_arg(r, "since"), *u = http_arg(r, "until");
    int64_t now = time_now();
    struct err e;

    *until = now;
    *since = now - 86400;
    if (s != NULL && time_parse(s, now, since, &e) != ERR_OK)
        return false;
    if (u != NULL && time_parse(u, now, until, &e) != ERR_OK)
        return false;
    return *until > *since;
}

/* Checks clearance and window and opens the store; on failure *err is the response. */
static struct store *begin(struct http_req *r, unsigned *status, int64_t *since, int64_t *until,
                           cJSON **err)
{
    struct store *st = NULL;
    struct err e;

    *err = NULL;
    if (r->who.clearance < IOC_TLP_AMBER)
        *err = http_error(status, MHD_HTTP_FORBIDDEN, "sensor observations are TLP:AMBER");
    else if (!window(r, since, until))
        *err = http_error(status, MHD_HTTP_BAD_REQUEST, "since/until: not a time window");
    else if (store_open(r->srv->cfg.db, &st, &e) != ERR_OK)
        *err = http_error(status, MHD_HTTP_SERVICE_UNAVAILABLE, "the database cannot be opened");
    return st;
}

cJSON *http_view_picture(struct http_req *r, unsigned *status)
{
    int64_t since, until;
    cJSON *doc, *err;
    struct err e;
    struct store *st = begin(r, status, &since, &until, &err);

    if (st == NULL)
        return err;
    if (orient_picture(st, since, until, NULL, &doc, &e) != ERR_OK)
        doc = http_error(status, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the picture");
    else
        *status = MHD_HTTP_OK;
    store_close(st);
    return doc;
}

static bool host_one(void *arg, const struct orient_host *h)
{
    cJSON *o = cJSON_CreateObject(), *ev = cJSON_CreateArray();
    char ip[64], t[32];

    cJSON_AddStringToObject(o, "ip", ip16_format(&h->ip, ip, sizeof(ip)));
    cJSON_AddNumberToObject(o, "asn", h->asn);
    cJSON_AddStringToObject(o, "country", h->country);
    cJSON_AddStringToObject(o, "first_seen", time_format(h->first_seen, t, sizeof(t)));
    cJSON_AddStringToObject(o, "last_seen", time_format(h->last_seen, t, sizeof(t)));
    for (size_t i = 0; i < h->n; i++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "kind", h->ev[i].kind);
        cJSON_AddStringToObject(v, "sensor", h->ev[i].sensor);
        cJSON_AddStringToObject(v, "what", h->ev[i].what);
        cJSON_AddNumberToObject(v, "port", h->ev[i].port);
        cJSON_AddNumberToObject(v, "count", (double)h->ev[i].count);
        cJSON_AddItemToArray(ev, v);
    }
    cJSON_AddItemToObject(o, "evidence", ev);
    cJSON_AddItemToArray((cJSON *)arg, o);
    return cJSON_GetArraySize((cJSON *)arg) < 10000; /* a page; narrow the query for more */
}

/* ?asn=N, ?prefix=CIDR, ?country=CC (any combination) into q; false when malformed. */
static bool scope(const struct http_req *r, struct store_host_query *q)
{
    const char *asn = http_arg(r, "asn"), *prefix = http_arg(r, "prefix"),
               *cc = http_arg(r, "country");
    struct cidr c;
    struct err e;
    uint64_t v;

    memset(q, 0, sizeof(*q));
    q->asn = -1;
    memset(q->hi.b, 0xff, 16);
    if (asn != NULL) {
        if (num_parse_u64(asn, UINT32_MAX, &v, &e) != ERR_OK)
            return false;
        q->asn = (int64_t)v;
    }
    if (prefix != NULL) {
        if (cidr_parse(prefix, &c, &e) != ERR_OK)
            return false;
        q->lo = c.net;
        q->hi = c.net;
        for (int bit = c.len; bit < 128; bit++)
            q->hi.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    }
    if (cc != NULL) {
        if (strlen(cc) != 2)
            return false;
        q->country[0] = (char)(cc[0] & ~0x20);
        q->country[1] = (char)(cc[1] & ~0x20);
    }
    return true;
}

cJSON *http_view_hosts(struct http_req *r, unsigned *status)
{
    struct store_host_query q;
    int64_t since, until;
    cJSON *arr, *err;
    struct err e;
    struct store *st;

    if (!scope(r, &q))
        return http_error(status, MHD_HTTP_BAD_REQUEST, "asn, prefix or country: malformed");
    st = begin(r, status, &since, &until, &err);
    if (st == NULL)
        return err;
    q.since = since;
    q.until = until;
    arr = cJSON_CreateArray();
    if (orient_hosts_each(st, &q, host_one, arr, &e) != ERR_OK) {
        cJSON_Delete(arr);
        arr = http_error(status, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the hosts");
    } else {
        *status = MHD_HTTP_OK;
    }
    store_close(st);
    return arr;
}

static bool alert_one(void *arg, const struct store_alert *a)
{
    cJSON *o = cJSON_CreateObject();
    char t[32];

    cJSON_AddNumberToObject(o, "id", (double)a->id);
    cJSON_AddStringToObject(o, "sensor", a->sensor);
    cJSON_AddNumberToObject(o, "port", a->port);
    cJSON_AddStringToObject(o, "class", store_dk_class_name(a->cls));
    cJSON_AddStringToObject(o, "start_hour", time_format(a->start_hour, t, sizeof(t)));
    cJSON_AddStringToObject(o, "end_hour", time_format(a->end_hour, t, sizeof(t)));
    cJSON_AddNumberToObject(o, "packets", (double)a->packets);
    cJSON_AddNumberToObject(o, "baseline", a->baseline);
    cJSON_AddNumberToObject(o, "magnitude", a->magnitude);
    cJSON_AddNumberToObject(o, "new_sources", (double)a->new_sources);
    cJSON_AddItemToArray((cJSON *)arg, o);
    return true;
}

cJSON *http_view_alerts(struct http_req *r, unsigned *status)
{
    int64_t since, until;
    cJSON *arr, *err;
    struct err e;
    struct store *st = begin(r, status, &since, &until, &err);

    if (st == NULL)
        return err;
    arr = cJSON_CreateArray();
    if (store_alert_each(st, http_arg(r, "sensor"), since, until, alert_one, arr, &e) != ERR_OK) {
        cJSON_Delete(arr);
        arr = http_error(status, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the alerts");
    } else {
        *status = MHD_HTTP_OK;
    }
    store_close(st);
    return arr;
}
