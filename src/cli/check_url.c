/* check_url.c - `ooda check-url URL --server URL`: the privacy-preserving client of
 * the hash-prefix API. It keeps the server's 4-byte SHA-256 prefixes in a local state
 * file, updates them (partial update when the server still has our state, checked
 * against the server's checksum), and asks for full hashes only when one of the URL's
 * Safe Browsing expressions hits a local prefix: the server never sees the URL. */
#include "cli/cli.h"

#include <curl/curl.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "http/http.h"
#include "ioc/ioc.h"

#define STATE_MAGIC "OODAHP01"
#define RESP_MAX    (256u << 20)
#define MAX_EXPR    30

struct client {
    const char *server, *token;
    char auth[512];
    unsigned requests, full_requests;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;

    return buf_append(b, data, size * n, NULL) == ERR_OK ? size * n : 0;
}

/* GET server + path into body (initialised by the caller, freed by the caller). */
static enum err_code get_body(struct client *c, const char *path, struct buf *body, struct err *e)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char url[2048];
    long status = 0;
    CURLcode rc;

    if (h == NULL)
        return err_set(e, ERR_NOMEM, "check-url: cannot start libcurl");
    (void)snprintf(url, sizeof(url), "%s%s", c->server, path);
    if (c->token != NULL)
        hdr = curl_slist_append(hdr, c->auth);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    c->requests++;
    if (rc != CURLE_OK)
        return err_set(e, ERR_IO, "check-url: %s: %s", c->server, curl_easy_strerror(rc));
    if (status != 200)
        return err_set(e, ERR_IO, "check-url: %s: HTTP status %ld", c->server, status);
    return ERR_OK;
}

/* GET server + path into a parsed JSON object (the caller's). */
static enum err_code get_json(struct client *c, const char *path, cJSON **out, struct err *e)
{
    struct buf body;
    enum err_code rc;

    buf_init(&body, RESP_MAX);
    rc = get_body(c, path, &body, e);
    *out = rc == ERR_OK ? cJSON_ParseWithLength((const char *)body.data, body.len) : NULL;
    buf_fini(&body);
    if (rc == ERR_OK && *out == NULL)
        rc = err_set(e, ERR_PARSE, "check-url: %s: response is not JSON", c->server);
    return rc;
}

/* One round of GET /api/v1/hashes/prefixes applied to s. */
static enum err_code update_once(struct client *c, struct http_prefix_list *s, bool *retry,
                                 struct err *e)
{
    char path[128];
    struct buf body;
    enum err_code rc;

    *retry = false;
    (void)snprintf(path, sizeof(path), "/api/v1/hashes/prefixes?state=%s", s->state);
    buf_init(&body, RESP_MAX);
    rc = get_body(c, path, &body, e);
    if (rc == ERR_OK)
        rc = http_prefix_apply(s, (const char *)body.data, body.len, retry, e);
    buf_fini(&body);
    return rc;
}

static enum err_code update(struct client *c, struct http_prefix_list *s, struct err *e)
{
    bool retry;
    enum err_code rc = update_once(c, s, &retry, e);

    if (rc == ERR_OK && retry)
        rc = update_once(c, s, &retry, e);
    return rc;
}

static void state_load(const char *path, struct http_prefix_list *s)
{
    FILE *f = fopen(path, "rb");
    char magic[8];
    uint64_t n;

    http_prefix_list_clear(s);
    if (f == NULL)
        return;
    if (fread(magic, 1, 8, f) == 8 && memcmp(magic, STATE_MAGIC, 8) == 0 &&
        fread(s->state, 1, 16, f) == 16 && fread(&n, sizeof(n), 1, f) == 1 && n < (1u << 28) &&
        (s->p = mem_alloc((n ? n : 1) * 4)) != NULL && fread(s->p, 4, n, f) == n) {
        s->state[16] = '\0';
        s->n = n;
    } else {
        http_prefix_list_clear(s); /* unreadable: fetch a full list */
    }
    fclose(f);
}

static enum err_code state_save(const char *path, const struct http_prefix_list *s, struct err *e)
{
    char tmp[4200];
    FILE *f;
    uint64_t n = s->n;
    bool ok;

    if (strlen(path) >= 4096)
        return err_set(e, ERR_USAGE, "check-url: state file path too long");
    (void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (f == NULL)
        return err_sys(e, ERR_IO, "check-url: cannot write %s", tmp);
    ok = fwrite(STATE_MAGIC, 1, 8, f) == 8 && fwrite(s->state, 1, 16, f) == 16 &&
         fwrite(&n, sizeof(n), 1, f) == 1 && fwrite(s->p, 4, s->n, f) == s->n;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        (void)remove(tmp);
        return err_sys(e, ERR_IO, "check-url: cannot write %s", path);
    }
    return ERR_OK;
}

struct exprs {
    char text[MAX_EXPR][IOC_VALUE_MAX + 8];
    uint8_t hash[MAX_EXPR][32];
    int n;
};

static bool on_expr(const char *expr, size_t len, void *arg)
{
    struct exprs *x = arg;
    unsigned hl;

    if (x->n == MAX_EXPR || len >= sizeof(x->text[0]))
        return false;
    memcpy(x->text[x->n], expr, len);
    x->text[x->n][len] = '\0';
    (void)EVP_Digest(expr, len, x->hash[x->n], &hl, EVP_sha256(), NULL);
    x->n++;
    return true;
}

static bool has_prefix(const struct http_prefix_list *s, uint32_t p)
{
    return http_prefix_has(s, p);
}

/* Asks the server for the full hashes of prefix p; *hit when h is among them. */
static enum err_code full_check(struct client *c, const uint8_t h[32], bool *hit, struct err *e)
{
    char path[96], want[48];
    cJSON *j;
    const cJSON *m, *it;
    enum err_code rc;

    (void)snprintf(path, sizeof(path), "/api/v1/hashes/full?prefix=%08x", http_prefix_of(h));
    c->full_requests++;
    rc = get_json(c, path, &j, e);
    if (rc != ERR_OK)
        return rc;
    (void)EVP_EncodeBlock((unsigned char *)want, h, 32);
    *hit = false;
    m = cJSON_GetObjectItem(j, "matches");
    cJSON_ArrayForEach(it, m)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, want) == 0)
            *hit = true;
    }
    cJSON_Delete(j);
    return ERR_OK;
}

static const char *default_state_path(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[3072];

    if (xdg != NULL && *xdg)
        (void)snprintf(dir, sizeof(dir), "%s/ooda", xdg);
    else
        (void)snprintf(dir, sizeof(dir), "%s/.cache/ooda", home ? home : ".");
    (void)mkdir(dir, 0700); /* the parent may be missing: then the save reports it */
    (void)snprintf(out, cap, "%s/hash-prefixes", dir);
    return out;
}

static int report(const char *url, const char *canon, const struct exprs *x, int hit_at,
                  const struct client *c, const struct http_prefix_list *s, bool json)
{
    if (!json) {
        printf("%s: %s\n", url, hit_at >= 0 ? "LISTED" : "not listed");
        if (hit_at >= 0)
            printf("  matched expression: %s\n", x->text[hit_at]);
        printf("  prefixes held: %zu, full-hash requests: %u\n", s->n, c->full_requests);
        return EX_OK;
    }
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "url", url);
    cJSON_AddStringToObject(j, "canonical", canon);
    cJSON_AddBoolToObject(j, "listed", hit_at >= 0);
    if (hit_at >= 0)
        cJSON_AddStringToObject(j, "expression", x->text[hit_at]);
    else
        cJSON_AddNullToObject(j, "expression");
    cJSON_AddNumberToObject(j, "expressions", x->n);
    cJSON_AddNumberToObject(j, "prefixes", (double)s->n);
    cJSON_AddStringToObject(j, "state", s->state);
    cJSON_AddStringToObject(j, "update", s->update);
    cJSON_AddNumberToObject(j, "full_hash_requests", c->full_requests);
    return cli_print_json(j);
}

static int check(struct client *c, const char *url, const char *state_path, bool json)
{
    static struct exprs x;
    char canon[IOC_VALUE_MAX];
    struct http_prefix_list s = {0};
    struct err e;
    int hit_at = -1, rc;

    x.n = 0;
    if (ioc_canon(IOC_URL, url, strlen(url), canon, sizeof(canon), &e) != ERR_OK)
        return cli_fail("check-url", ERR_USAGE, e.msg);
    (void)ioc_url_expressions(canon, on_expr, &x);
    state_load(state_path, &s);
    if (update(c, &s, &e) != ERR_OK || state_save(state_path, &s, &e) != ERR_OK) {
        http_prefix_list_clear(&s);
        return cli_fail("check-url", e.code == ERR_IO ? ERR_IO : e.code, e.msg);
    }
    for (int i = 0; i < x.n && hit_at < 0; i++) {
        bool hit = false;

        if (!has_prefix(&s, http_prefix_of(x.hash[i])))
            continue;
        if (full_check(c, x.hash[i], &hit, &e) != ERR_OK) {
            http_prefix_list_clear(&s);
            return cli_fail("check-url", e.code, e.msg);
        }
        if (hit)
            hit_at = i;
    }
    rc = report(url, canon, &x, hit_at, c, &s, json);
    http_prefix_list_clear(&s);
    return rc;
}

int cli_check_url(int argc, char **argv)
{
    static const struct option opts[] = {{"server", required_argument, NULL, 's'},
                                         {"token", required_argument, NULL, 't'},
                                         {"state-file", required_argument, NULL, 'f'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct client c = {.token = getenv("OODA_TOKEN")};
    const char *state_path = NULL;
    char spath[4096];
    bool json = false;
    int o, rc;

    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 's':
            c.server = optarg;
            break;
        case 't':
            c.token = optarg;
            break;
        case 'f':
            state_path = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            cli_help("check-url", stdout);
            return EX_OK;
        default:
            return cli_usage("check-url", "bad option");
        }
    }
    if (optind + 1 != argc || c.server == NULL)
        return cli_usage("check-url", "one URL and --server are required");
    if (c.token != NULL)
        (void)snprintf(c.auth, sizeof(c.auth), "Authorization: Bearer %s", c.token);
    if (state_path == NULL)
        state_path = default_state_path(spath, sizeof(spath));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = check(&c, argv[optind], state_path, json);
    curl_global_cleanup();
    return rc;
}
