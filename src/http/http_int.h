/* http_int.h - private to http/: the request and the handlers' signature. */
#ifndef OODA_HTTP_INT_H
#define OODA_HTTP_INT_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>

#include "http/http.h"

/* Largest request body accepted (POST /api/v1/lookup with 10,000 items). */
#define HTTP_BODY_MAX (4u << 20)

struct http_view; /* lookup.c: a matcher snapshot with the indicators' details */

struct http_server {
    struct MHD_Daemon *mhd;
    struct http_cfg cfg;
    uint16_t port;
    pthread_mutex_t view_lock;
    struct http_view *view; /* current; NULL until the first http_publish */
};

/* Drops a reference to a view (NULL is a no-op). */
void http_view_release(struct http_server *s, struct http_view *v);

struct http_req {
    struct http_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    struct buf body;
    bool too_big;
    struct http_principal who;
};

/* A handler fills *status and returns the JSON body (owned by the caller), or NULL
 * when out of memory. */
typedef cJSON *(*http_handler_fn)(struct http_req *r, unsigned *status);

/* Query-string argument, or NULL. */
const char *http_arg(const struct http_req *r, const char *name);
/* {"error": msg} with *status set. */
cJSON *http_error(unsigned *status, unsigned code, const char *msg);

/* Versions of the hash-prefix list kept for partial updates. */
#define HTTP_HASH_VERSIONS 8
cJSON *http_hashes_prefixes(struct http_req *r, unsigned *status);
cJSON *http_hashes_full(struct http_req *r, unsigned *status);

cJSON *http_lookup_get(struct http_req *r, unsigned *status);
/* views.c: the orient views (TLP:AMBER clearance needed). */
cJSON *http_view_picture(struct http_req *r, unsigned *status);
cJSON *http_view_hosts(struct http_req *r, unsigned *status);
cJSON *http_view_alerts(struct http_req *r, unsigned *status);
cJSON *http_lookup_post(struct http_req *r, unsigned *status);

#endif
