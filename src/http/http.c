/* http.c - the libmicrohttpd daemon: request bodies, routing, bearer-token
 * authentication and JSON responses. Every route but the discovery document needs a
 * valid token. Logs name the route, status and principal; never a token, never a
 * query string (it holds what users look up). */
#include "http/http_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct route {
    const char *method;
    const char *path;
    bool auth;
    http_handler_fn fn;
};

static cJSON *discovery(struct http_req *r, unsigned *status);

static const struct route routes[] = {
    {"GET", "/api/v1", false, discovery},
    {"GET", "/api/v1/", false, discovery},
    {"GET", "/api/v1/lookup", true, http_lookup_get},
    {"POST", "/api/v1/lookup", true, http_lookup_post},
    {"GET", "/api/v1/hashes/prefixes", true, http_hashes_prefixes},
    {"GET", "/api/v1/hashes/full", true, http_hashes_full},
    {"GET", "/api/v1/picture", true, http_view_picture},
    {"GET", "/api/v1/hosts", true, http_view_hosts},
    {"GET", "/api/v1/alerts", true, http_view_alerts},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static cJSON *discovery(struct http_req *r, unsigned *status)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *eps = cJSON_AddArrayToObject(j, "endpoints");

    (void)r;
    cJSON_AddStringToObject(j, "name", "ooda");
    cJSON_AddStringToObject(j, "version", OODA_VERSION);
    cJSON_AddStringToObject(j, "auth", "Authorization: Bearer <token>");
    for (size_t i = 0; i < NROUTES; i++)
        if (routes[i].auth && eps != NULL) {
            char s[96];

            (void)snprintf(s, sizeof(s), "%s %s", routes[i].method, routes[i].path);
            cJSON_AddItemToArray(eps, cJSON_CreateString(s));
        }
    *status = MHD_HTTP_OK;
    return j;
}

const char *http_arg(const struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

cJSON *http_error(unsigned *status, unsigned code, const char *msg)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "error", msg);
    *status = code;
    return j;
}

/* Checks "Authorization: Bearer <token>" with the configured verifier. */
static bool authenticate(struct http_req *r)
{
    const char *h =
        MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const struct http_cfg *cfg = &r->srv->cfg;

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || cfg->auth == NULL)
        return false;
    h += 7;
    while (*h == ' ')
        h++;
    return cfg->auth(cfg->auth_arg, h, strlen(h), &r->who);
}

static enum MHD_Result send_json(struct http_req *r, unsigned status, cJSON *j)
{
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    struct MHD_Response *resp;
    enum MHD_Result ok;

    cJSON_Delete(j);
    if (s == NULL) {
        static const char oom[] = "{\"error\":\"out of memory\"}";

        resp =
            MHD_create_response_from_buffer(sizeof(oom) - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    } else {
        resp = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
        /* cJSON allocates with malloc unless hooks are set; we never set hooks */
    }
    if (resp == NULL) {
        free(s);
        return MHD_NO;
    }
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (status == MHD_HTTP_UNAUTHORIZED)
        (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                      "Bearer realm=\"ooda\"");
    ok = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static const struct route *find_route(const char *method, const char *path, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < NROUTES; i++)
        if (strcmp(routes[i].path, path) == 0) {
            *path_known = true;
            if (strcmp(routes[i].method, method) == 0)
                return &routes[i];
        }
    return NULL;
}

static enum MHD_Result dispatch(struct http_req *r)
{
    bool known;
    const struct route *rt = find_route(r->method, r->path, &known);
    unsigned status = MHD_HTTP_OK;
    cJSON *j;

    if (rt == NULL)
        j = known ? http_error(&status, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed")
                  : http_error(&status, MHD_HTTP_NOT_FOUND, "no such resource");
    else if (rt->auth && !authenticate(r))
        j = http_error(&status, MHD_HTTP_UNAUTHORIZED, "a valid bearer token is required");
    else if (r->too_big)
        j = http_error(&status, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    else
        j = rt->fn(r, &status);
    log_debug("http", "%s %s -> %u (%s)", r->method, r->path, status,
              r->who.name[0] ? r->who.name : "-");
    return send_json(r, status, j);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct http_req *r = *con_cls;

    (void)version;
    if (r == NULL) { /* first call: headers only */
        r = mem_calloc(1, sizeof(*r));
        if (r == NULL)
            return MHD_NO;
        r->srv = cls;
        r->conn = conn;
        r->method = method;
        r->path = url;
        buf_init(&r->body, HTTP_BODY_MAX);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!r->too_big && buf_append(&r->body, upload, *upload_size, NULL) != ERR_OK)
            r->too_big = true;
        *upload_size = 0;
        return MHD_YES;
    }
    return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_req *r = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (r != NULL) {
        buf_fini(&r->body);
        mem_free(r);
        *con_cls = NULL;
    }
}

static enum err_code parse_addr(const char *addr, uint16_t port, struct sockaddr_in *sa,
                                struct err *e)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
        return err_set(e, ERR_USAGE, "http: '%s' is not an IPv4 listen address", addr);
    return ERR_OK;
}

enum err_code http_start(const struct http_cfg *cfg, struct http_server **out, struct err *e)
{
    struct http_server *s = mem_calloc(1, sizeof(*s));
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    enum err_code rc;

    *out = NULL;
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "http: out of memory");
    s->cfg = *cfg;
    pthread_mutex_init(&s->view_lock, NULL);
    if (s->cfg.addr == NULL)
        s->cfg.addr = "127.0.0.1";
    if (s->cfg.threads == 0)
        s->cfg.threads = 2;
    rc = parse_addr(s->cfg.addr, s->cfg.port, &sa, e);
    if (rc != ERR_OK) {
        mem_free(s);
        return rc;
    }
    s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
                              s->cfg.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                              (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (s->mhd == NULL) {
        mem_free(s);
        return err_set(e, ERR_IO, "http: cannot listen on %s:%u", cfg->addr ? cfg->addr : "",
                       (unsigned)cfg->port);
    }
    info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->cfg.port;
    *out = s;
    return ERR_OK;
}

void http_stop(struct http_server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->mhd);
    http_view_release(s, s->view);
    pthread_mutex_destroy(&s->view_lock);
    mem_free(s);
}

uint16_t http_port(const struct http_server *s)
{
    return s->port;
}
