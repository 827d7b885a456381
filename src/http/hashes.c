/* hashes.c - the hash-prefix lists behind GET /api/v1/hashes/prefixes and /full, after Safe
 * Browsing's Update API: each published version holds the sorted SHA-256 hashes of the listed URL
 * expressions; clients keep the 4-byte prefixes and ask for full hashes only on a prefix hit, so
 * the server never learns the URLs they check.
 *
 * The last HTTP_HASH_VERSIONS versions keep their prefix lists so a client holding
 * one gets a partial update (additions + removal indices against its sorted list);
 * any other state gets the full list. Readers take a reference under a mutex, so a
 * publish never frees a version a response is still using. */
#include "http/http_int.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct hver {
    uint64_t state;
    uint8_t (*full)[32]; /* sorted, unique */
    size_t n;
    uint32_t *prefix; /* sorted, unique, big-endian values of the first 4 bytes */
    size_t nprefix;
    uint8_t checksum[32]; /* SHA-256 of the prefixes as 4-byte strings, in order */
    unsigned refs;
};

struct http_hashes {
    pthread_mutex_t lock;
    struct hver *ver[HTTP_HASH_VERSIONS]; /* ver[0] current, then older */
    uint64_t next_state;
};

static int cmp_full(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static void hver_free(struct hver *v)
{
    if (v == NULL)
        return;
    mem_free(v->full);
    mem_free(v->prefix);
    mem_free(v);
}

static void release(struct http_hashes *h, struct hver *v)
{
    bool last;

    pthread_mutex_lock(&h->lock);
    last = --v->refs == 0;
    pthread_mutex_unlock(&h->lock);
    if (last)
        hver_free(v);
}

struct http_hashes *http_hashes_new(void)
{
    struct http_hashes *h = mem_calloc(1, sizeof(*h));

    if (h == NULL)
        return NULL;
    pthread_mutex_init(&h->lock, NULL);
    h->next_state = (uint64_t)time_now() << 20; /* states of a restarted server are new */
    return h;
}

void http_hashes_free(struct http_hashes *h)
{
    if (h == NULL)
        return;
    for (int i = 0; i < HTTP_HASH_VERSIONS; i++)
        if (h->ver[i] != NULL)
            release(h, h->ver[i]);
    pthread_mutex_destroy(&h->lock);
    mem_free(h);
}

static enum err_code make_prefixes(struct hver *v, struct err *e)
{
    v->prefix = mem_alloc((v->n ? v->n : 1) * sizeof(*v->prefix));
    if (v->prefix == NULL)
        return err_set(e, ERR_NOMEM, "hashes: out of memory");
    for (size_t i = 0; i < v->n; i++) {
        uint32_t p = http_prefix_of(v->full[i]);

        if (v->nprefix == 0 || v->prefix[v->nprefix - 1] != p)
            v->prefix[v->nprefix++] = p; /* sorted full hashes: equal prefixes adjacent */
    }
    http_prefix_checksum(v->prefix, v->nprefix, v->checksum);
    return ERR_OK;
}

enum err_code http_hashes_publish(struct http_hashes *h, const uint8_t (*full)[32], size_t n,
                                  struct err *e)
{
    struct hver *v = mem_calloc(1, sizeof(*v)), *old;
    size_t k = 0;

    if (v == NULL || (v->full = mem_alloc((n ? n : 1) * 32)) == NULL) {
        mem_free(v);
        return err_set(e, ERR_NOMEM, "hashes: out of memory");
    }
    memcpy(v->full, full, n * 32);
    qsort(v->full, n, 32, cmp_full);
    for (size_t i = 0; i < n; i++) /* unique */
        if (k == 0 || memcmp(v->full[k - 1], v->full[i], 32) != 0)
            memmove(v->full[k++], v->full[i], 32);
    v->n = k;
    if (make_prefixes(v, e) != ERR_OK) {
        hver_free(v);
        return e ? e->code : ERR_NOMEM;
    }
    v->refs = 1;
    pthread_mutex_lock(&h->lock);
    v->state = ++h->next_state;
    old = h->ver[HTTP_HASH_VERSIONS - 1];
    memmove(&h->ver[1], &h->ver[0], (HTTP_HASH_VERSIONS - 1) * sizeof(h->ver[0]));
    h->ver[0] = v;
    pthread_mutex_unlock(&h->lock);
    if (old != NULL)
        release(h, old);
    return ERR_OK;
}

/* The current version and, when the client's state is retained, that one (refs held). */
static struct hver *acquire(struct http_hashes *h, uint64_t state, struct hver **client)
{
    struct hver *cur;

    *client = NULL;
    pthread_mutex_lock(&h->lock);
    cur = h->ver[0];
    if (cur != NULL)
        cur->refs++;
    for (int i = 0; state != 0 && i < HTTP_HASH_VERSIONS; i++)
        if (h->ver[i] != NULL && h->ver[i]->state == state) {
            *client = h->ver[i];
            h->ver[i]->refs++;
        }
    pthread_mutex_unlock(&h->lock);
    return cur;
}

static char *b64(const void *data, size_t n)
{
    char *out = mem_alloc(4 * ((n + 2) / 3) + 1);

    if (out != NULL)
        (void)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
    return out;
}

static bool add_b64(cJSON *j, const char *key, const void *data, size_t n)
{
    char *s = b64(data, n);
    bool ok = s != NULL && cJSON_AddStringToObject(j, key, s) != NULL;

    mem_free(s);
    return ok;
}

/* Prefixes as 4-byte big-endian strings, concatenated. */
static bool add_prefixes(cJSON *j, const char *key, const uint32_t *p, size_t n)
{
    uint8_t *raw = mem_alloc(n ? n * 4 : 1);
    bool ok;

    if (raw == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        raw[4 * i] = (uint8_t)(p[i] >> 24);
        raw[4 * i + 1] = (uint8_t)(p[i] >> 16);
        raw[4 * i + 2] = (uint8_t)(p[i] >> 8);
        raw[4 * i + 3] = (uint8_t)p[i];
    }
    ok = add_b64(j, key, raw, n * 4);
    mem_free(raw);
    return ok;
}

/* Additions (new \ old) and removal indices (positions in old of old \ new). */
static bool add_diff(cJSON *j, const struct hver *old, const struct hver *cur)
{
    uint32_t *add = mem_alloc((cur->nprefix ? cur->nprefix : 1) * sizeof(*add));
    cJSON *rem = cJSON_AddArrayToObject(j, "removals");
    size_t i = 0, k = 0, na = 0;
    bool ok = add != NULL && rem != NULL;

    while (ok && (i < old->nprefix || k < cur->nprefix)) {
        if (k == cur->nprefix || (i < old->nprefix && old->prefix[i] < cur->prefix[k]))
            ok = cJSON_AddItemToArray(rem, cJSON_CreateNumber((double)i++));
        else if (i == old->nprefix || cur->prefix[k] < old->prefix[i])
            add[na++] = cur->prefix[k++];
        else {
            i++;
            k++;
        }
    }
    ok = ok && add_prefixes(j, "additions", add, na);
    mem_free(add);
    return ok;
}

static uint64_t parse_state(const char *s)
{
    uint64_t v = 0;

    if (s == NULL || strlen(s) != 16)
        return 0;
    for (int i = 0; i < 16; i++) {
        int c = s[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

        if (d < 0)
            return 0;
        v = v << 4 | (uint64_t)d;
    }
    return v;
}

cJSON *http_hashes_prefixes(struct http_req *r, unsigned *status)
{
    struct http_hashes *h = r->srv->cfg.hashes;
    struct hver *client, *cur = h ? acquire(h, parse_state(http_arg(r, "state")), &client) : NULL;
    cJSON *j;
    char st[17];
    bool ok;

    if (cur == NULL)
        return http_error(status, MHD_HTTP_SERVICE_UNAVAILABLE, "no hash list published yet");
    j = cJSON_CreateObject();
    (void)snprintf(st, sizeof(st), "%016llx", (unsigned long long)cur->state);
    ok = j != NULL && cJSON_AddStringToObject(j, "new_state", st) != NULL &&
         add_b64(j, "checksum", cur->checksum, 32) &&
         cJSON_AddNumberToObject(j, "prefix_size", 4) != NULL;
    if (ok && client != NULL) {
        ok = cJSON_AddStringToObject(j, "response_type", "PARTIAL_UPDATE") != NULL &&
             add_diff(j, client, cur);
        release(h, client);
    } else if (ok) {
        ok = cJSON_AddStringToObject(j, "response_type", "FULL_UPDATE") != NULL &&
             cJSON_AddArrayToObject(j, "removals") != NULL &&
             add_prefixes(j, "additions", cur->prefix, cur->nprefix);
    }
    release(h, cur);
    if (!ok) {
        cJSON_Delete(j);
        return NULL;
    }
    *status = MHD_HTTP_OK;
    return j;
}

/* Decodes P: 8 hex digits or base64 of 4 bytes. */
static bool parse_prefix(const char *s, uint32_t *out)
{
    uint8_t raw[6];
    size_t n = s ? strlen(s) : 0;

    if (n == 8) {
        uint32_t v = 0;

        for (size_t i = 0; i < 8; i++) {
            int c = s[i] | 0x20, d = c >= '0' && c <= '9'   ? c - '0'
                                     : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                            : -1;

            if (d < 0)
                break;
            v = v << 4 | (uint32_t)d;
            if (i == 7) {
                *out = v;
                return true;
            }
        }
    }
    if (n == 8 && EVP_DecodeBlock(raw, (const unsigned char *)s, 8) == 6 && s[6] == '=' &&
        s[7] == '=') {
        *out = http_prefix_of(raw);
        return true;
    }
    return false;
}

cJSON *http_hashes_full(struct http_req *r, unsigned *status)
{
    struct http_hashes *h = r->srv->cfg.hashes;
    struct hver *client, *cur = h ? acquire(h, 0, &client) : NULL;
    uint32_t p;
    size_t lo = 0, hi;
    cJSON *j, *arr;

    if (cur == NULL)
        return http_error(status, MHD_HTTP_SERVICE_UNAVAILABLE, "no hash list published yet");
    if (!parse_prefix(http_arg(r, "prefix"), &p)) {
        release(h, cur);
        return http_error(status, MHD_HTTP_BAD_REQUEST,
                          "prefix must be 4 bytes: 8 hex digits or base64");
    }
    hi = cur->n;
    while (lo < hi) { /* first full hash with prefix >= p */
        size_t mid = lo + (hi - lo) / 2;

        if (http_prefix_of(cur->full[mid]) < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    j = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(j, "matches");
    for (size_t i = lo; arr != NULL && i < cur->n && http_prefix_of(cur->full[i]) == p; i++) {
        char *s = b64(cur->full[i], 32);

        if (s != NULL)
            cJSON_AddItemToArray(arr, cJSON_CreateString(s));
        mem_free(s);
    }
    cJSON_AddStringToObject(j, "cache_duration", "300s");
    release(h, cur);
    *status = MHD_HTTP_OK;
    return j;
}
