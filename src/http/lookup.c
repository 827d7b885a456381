/* lookup.c - GET and POST /api/v1/lookup: the verdict for a URL, domain, address or
 * hash, from the current view (a matcher snapshot and the indicators' details,
 * published together and reference-counted so a request never sees a mix of two).
 *
 * TLP: every authenticated caller gets the verdict (listed, type, score), since a
 * resolver must act on it; the matched indicator's value, sources, tags and times
 * only when its TLP is within the caller's clearance, else "redacted": true. */
#include "http/http_int.h"

#include <stdlib.h>
#include <string.h>

#define LOOKUP_BATCH_MAX 10000

struct http_view {
    struct match_snap *snap;
    struct http_ind_info *info; /* sorted by id */
    size_t n;
    char *strings;
    unsigned refs;
};

static void view_free(struct http_view *v)
{
    if (v == NULL)
        return;
    match_snap_unref(v->snap);
    mem_free(v->info);
    mem_free(v->strings);
    mem_free(v);
}

void http_view_release(struct http_server *s, struct http_view *v)
{
    bool last;

    if (v == NULL)
        return;
    pthread_mutex_lock(&s->view_lock);
    last = --v->refs == 0;
    pthread_mutex_unlock(&s->view_lock);
    if (last)
        view_free(v);
}

static struct http_view *view_acquire(struct http_server *s)
{
    struct http_view *v;

    pthread_mutex_lock(&s->view_lock);
    v = s->view;
    if (v != NULL)
        v->refs++;
    pthread_mutex_unlock(&s->view_lock);
    return v;
}

static int cmp_info(const void *a, const void *b)
{
    int64_t x = ((const struct http_ind_info *)a)->id, y = ((const struct http_ind_info *)b)->id;

    return (x > y) - (x < y);
}

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copies s into the arena at *at; returns the copy (NULL stays NULL). */
static const char *arena_put(char *arena, size_t *at, const char *s)
{
    char *p;

    if (s == NULL)
        return NULL;
    p = arena + *at;
    memcpy(p, s, strlen(s) + 1);
    *at += strlen(s) + 1;
    return p;
}

enum err_code http_publish(struct http_server *s, struct match_snap *snap,
                           const struct http_ind_info *infos, size_t n, struct err *e)
{
    struct http_view *v = mem_calloc(1, sizeof(*v)), *old;
    size_t bytes = 1, at = 0;

    for (size_t i = 0; i < n; i++)
        bytes += slen(infos[i].sources) + slen(infos[i].tags);
    if (v == NULL || (v->info = mem_alloc((n ? n : 1) * sizeof(*v->info))) == NULL ||
        (v->strings = mem_alloc(bytes)) == NULL) {
        view_free(v);
        match_snap_unref(snap);
        return err_set(e, ERR_NOMEM, "http: out of memory publishing a view");
    }
    v->snap = snap;
    v->n = n;
    for (size_t i = 0; i < n; i++) {
        v->info[i] = infos[i];
        v->info[i].sources = arena_put(v->strings, &at, infos[i].sources);
        v->info[i].tags = arena_put(v->strings, &at, infos[i].tags);
    }
    qsort(v->info, n, sizeof(*v->info), cmp_info);
    v->refs = 1;
    pthread_mutex_lock(&s->view_lock);
    old = s->view;
    s->view = v;
    pthread_mutex_unlock(&s->view_lock);
    http_view_release(s, old);
    return ERR_OK;
}

static const struct http_ind_info *find_info(const struct http_view *v, int64_t id)
{
    struct http_ind_info key = {.id = id};

    return bsearch(&key, v->info, v->n, sizeof(key), cmp_info);
}

/* Looks q up as its guessed type. Fills canon; false when nothing matched. */
static bool lookup_one(const struct match_snap *snap, enum ioc_type t, const char *canon,
                       struct match_hit *hit)
{
    struct ip16 ip;

    switch (t) {
    case IOC_DOMAIN:
        return match_domain(snap, canon, strlen(canon), hit);
    case IOC_IPV4:
    case IOC_IPV6:
        return ip16_parse(canon, &ip, NULL) == ERR_OK && match_ip(snap, &ip, hit);
    case IOC_URL: {
        const char *host = strstr(canon, "://");
        size_t n;
        char h[IOC_NAME_MAX + 3];

        if (match_url(snap, canon, hit))
            return true;
        if (host == NULL) /* canonical URLs always have a scheme */
            return false;
        host += 3;
        n = strcspn(host, ":/?");
        if (n == 0 || n >= sizeof(h))
            return false;
        memcpy(h, host, n);
        h[n] = '\0';
        if (ip16_parse(h, &ip, NULL) == ERR_OK)
            return match_ip(snap, &ip, hit);
        return match_domain(snap, h, n, hit); /* a listed host lists all its URLs */
    }
    case IOC_MD5:
    case IOC_SHA1:
    case IOC_SHA256:
        return match_hash(snap, t, canon, strlen(canon), hit);
    default:
        return false;
    }
}

static void add_csv_array(cJSON *j, const char *key, const char *csv)
{
    cJSON *a = cJSON_AddArrayToObject(j, key);

    while (a != NULL && csv != NULL && *csv) {
        size_t n = strcspn(csv, ",");
        char item[256];

        if (n > 0 && n < sizeof(item)) {
            memcpy(item, csv, n);
            item[n] = '\0';
            cJSON_AddItemToArray(a, cJSON_CreateString(item));
        }
        csv += n + (csv[n] == ',');
    }
}

static void add_time(cJSON *j, const char *key, int64_t t)
{
    char buf[32];

    if (t == 0)
        cJSON_AddNullToObject(j, key);
    else
        cJSON_AddStringToObject(j, key, time_format(t, buf, sizeof(buf)));
}

static void add_indicator(cJSON *res, const struct http_view *v, const struct match_hit *hit,
                          const struct http_principal *who)
{
    const struct http_ind_info *info = find_info(v, hit->id);
    cJSON *ind = cJSON_AddObjectToObject(res, "indicator");
    enum ioc_tlp tlp = info ? info->tlp : IOC_TLP_RED;
    char val[IOC_VALUE_MAX];

    if (ind == NULL)
        return;
    cJSON_AddStringToObject(ind, "type", ioc_type_name(hit->type));
    cJSON_AddStringToObject(ind, "tlp", ioc_tlp_name(tlp));
    if (tlp > who->clearance) {
        cJSON_AddBoolToObject(ind, "redacted", true);
        return;
    }
    (void)snprintf(val, sizeof(val), "%.*s", (int)hit->len, hit->value);
    cJSON_AddStringToObject(ind, "value", val);
    cJSON_AddNumberToObject(ind, "id", (double)hit->id);
    add_time(ind, "first_seen", info->first_seen);
    add_time(ind, "last_seen", info->last_seen);
    add_csv_array(ind, "sources", info->sources);
    add_csv_array(ind, "tags", info->tags);
}

/* The verdict object for one query, or an {"query", "error"} object when q is bad. */
static cJSON *verdict(const struct http_view *v, const char *q, size_t len,
                      const struct http_principal *who)
{
    cJSON *res = cJSON_CreateObject();
    enum ioc_type t;
    char canon[IOC_VALUE_MAX];
    struct match_hit hit;
    struct err e;
    bool listed;

    if (res == NULL)
        return NULL;
    (void)cJSON_AddStringToObject(res, "query", len < IOC_VALUE_MAX ? q : "(too long)");
    if (len >= IOC_VALUE_MAX || !ioc_guess(q, len, &t)) {
        cJSON_AddStringToObject(res, "error", "not a URL, domain, IP address or hash");
        return res;
    }
    if (ioc_canon(t, q, len, canon, sizeof(canon), &e) != ERR_OK) {
        cJSON_AddStringToObject(res, "error", e.msg);
        return res;
    }
    cJSON_AddStringToObject(res, "type", ioc_type_name(t));
    cJSON_AddStringToObject(res, "canonical", canon);
    listed = lookup_one(v->snap, t, canon, &hit);
    cJSON_AddBoolToObject(res, "listed", listed);
    if (!listed)
        return res;
    cJSON_AddNumberToObject(res, "score", hit.score);
    add_indicator(res, v, &hit, who);
    return res;
}

cJSON *http_lookup_get(struct http_req *r, unsigned *status)
{
    const char *q = http_arg(r, "q");
    struct http_view *v;
    cJSON *j;

    if (q == NULL || *q == '\0')
        return http_error(status, MHD_HTTP_BAD_REQUEST, "missing q");
    v = view_acquire(r->srv);
    if (v == NULL)
        return http_error(status, MHD_HTTP_SERVICE_UNAVAILABLE, "no indicators loaded yet");
    j = verdict(v, q, strlen(q), &r->who);
    http_view_release(r->srv, v);
    *status = cJSON_GetObjectItem(j, "error") ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK;
    return j;
}

/* Body: {"q": ["...", ...]} or a bare JSON array of strings. */
cJSON *http_lookup_post(struct http_req *r, unsigned *status)
{
    cJSON *in = cJSON_ParseWithLength((const char *)r->body.data, r->body.len), *arr, *out,
          *results;
    const cJSON *it;
    struct http_view *v;
    int n;

    arr = cJSON_IsArray(in) ? in : cJSON_GetObjectItem(in, "q");
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(in);
        return http_error(status, MHD_HTTP_BAD_REQUEST,
                          "body must be {\"q\": [strings]} or an array of strings");
    }
    n = cJSON_GetArraySize(arr);
    if (n > LOOKUP_BATCH_MAX) {
        cJSON_Delete(in);
        return http_error(status, MHD_HTTP_CONTENT_TOO_LARGE, "at most 10000 items per request");
    }
    v = view_acquire(r->srv);
    if (v == NULL) {
        cJSON_Delete(in);
        return http_error(status, MHD_HTTP_SERVICE_UNAVAILABLE, "no indicators loaded yet");
    }
    out = cJSON_CreateObject();
    results = cJSON_AddArrayToObject(out, "results");
    cJSON_ArrayForEach(it, arr)
    {
        cJSON *res = cJSON_IsString(it)
                         ? verdict(v, it->valuestring, strlen(it->valuestring), &r->who)
                         : NULL;

        if (res == NULL) {
            res = cJSON_CreateObject();
            cJSON_AddNullToObject(res, "query");
            cJSON_AddStringToObject(res, "error", "items must be strings");
        }
        cJSON_AddItemToArray(results, res);
    }
    http_view_release(r->srv, v);
    cJSON_Delete(in);
    cJSON_AddNumberToObject(out, "count", n);
    *status = MHD_HTTP_OK;
    return out;
}
