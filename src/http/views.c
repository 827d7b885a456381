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
    cJSON_AddItemToArray((cJSON *)arg, orient_host_json(h));
    return cJSON_GetArraySize((cJSON *)arg) < 10000; /* a page; narrow the query for more */
}

/* ?asn=N, ?prefix=CIDR, ?country=CC (any combination) into q; false when malformed. */
static bool scope(const struct http_req *r, struct store_host_query *q)
{
    static const struct {
        const char *name;
        int opt;
    } parts[] = {{"asn", 'a'}, {"prefix", 'p'}, {"country", 'c'}};
    struct err e;

    orient_host_scope_init(q);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const char *v = http_arg(r, parts[i].name);
        if (v != NULL && orient_host_scope(q, parts[i].opt, v, &e) != ERR_OK)
            return false;
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
    cJSON_AddItemToArray((cJSON *)arg, orient_alert_json(a));
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
