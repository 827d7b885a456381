/* prefix_client.c - the client side of the hash-prefix API: a local sorted list of
 * 4-byte prefixes brought up to date by the server's responses (full, or removals by
 * index plus additions), each checked against the server's SHA-256 checksum of the
 * whole list. The response is untrusted input: every field is validated, and a list
 * that does not match the checksum is dropped (the caller asks for a full update). */
#include "http/http.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Base64 into a fresh array of *n bytes; NULL when malformed or out of memory. */
static uint8_t *unb64(const char *s, size_t *n)
{
    size_t len = strlen(s), pad = 0;
    uint8_t *out;
    int got;

    if (len % 4 != 0)
        return NULL;
    out = mem_alloc(len / 4 * 3 + 1);
    if (out == NULL)
        return NULL;
    got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
    while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
        pad++;
    if (got < 0 || (size_t)got < pad) {
        mem_free(out);
        return NULL;
    }
    *n = (size_t)got - pad;
    return out;
}

void http_prefix_checksum(const uint32_t *p, size_t n, uint8_t out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t chunk[4096];
    size_t k = 0;
    unsigned len;

    (void)EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++) {
        chunk[k++] = (uint8_t)(p[i] >> 24);
        chunk[k++] = (uint8_t)(p[i] >> 16);
        chunk[k++] = (uint8_t)(p[i] >> 8);
        chunk[k++] = (uint8_t)p[i];
        if (k == sizeof(chunk)) {
            (void)EVP_DigestUpdate(md, chunk, k);
            k = 0;
        }
    }
    (void)EVP_DigestUpdate(md, chunk, k);
    (void)EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

void http_prefix_list_clear(struct http_prefix_list *l)
{
    mem_free(l->p);
    l->p = NULL;
    l->n = 0;
    l->state[0] = '\0';
}

bool http_prefix_has(const struct http_prefix_list *l, uint32_t prefix)
{
    return l->n > 0 && bsearch(&prefix, l->p, l->n, sizeof(prefix), cmp_u32) != NULL;
}

/* Removes the entries at the (strictly increasing) indices of removals and merges the
 * additions, keeping l sorted. */
static enum err_code apply(struct http_prefix_list *l, const cJSON *removals, const uint8_t *add,
                           size_t nadd, struct err *e)
{
    uint32_t *p = mem_alloc((l->n + nadd / 4 + 1) * sizeof(*p));
    bool *gone = mem_calloc(l->n + 1, 1);
    const cJSON *it;
    size_t k = 0, next = 0;
    enum err_code rc = ERR_OK;

    if (p == NULL || gone == NULL)
        rc = err_set(e, ERR_NOMEM, "prefixes: out of memory");
    if (rc == ERR_OK && removals != NULL && !cJSON_IsArray(removals))
        rc = err_set(e, ERR_PARSE, "prefixes: removals is not an array");
    const cJSON *list = rc == ERR_OK ? removals : NULL;

    cJSON_ArrayForEach(it, list)
    {
        double d = it->valuedouble;

        if (!cJSON_IsNumber(it) || !(d >= (double)next) || d >= (double)l->n ||
            d != (double)(size_t)d) {
            rc = err_set(e, ERR_PARSE, "prefixes: bad removal index in the update");
            break;
        }
        gone[(size_t)d] = true;
        next = (size_t)d + 1;
    }
    for (size_t i = 0; rc == ERR_OK && i < l->n; i++)
        if (!gone[i])
            p[k++] = l->p[i];
    for (size_t i = 0; rc == ERR_OK && i + 4 <= nadd; i += 4)
        p[k++] = http_prefix_of(add + i);
    mem_free(gone);
    if (rc != ERR_OK) {
        mem_free(p);
        return rc;
    }
    qsort(p, k, sizeof(*p), cmp_u32);
    mem_free(l->p);
    l->p = p;
    l->n = k;
    return ERR_OK;
}

static bool is_state(const char *s)
{
    if (strlen(s) != 16)
        return false;
    for (int i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

enum err_code http_prefix_apply(struct http_prefix_list *l, const char *json, size_t len,
                                bool *retry, struct err *e)
{
    cJSON *j = cJSON_ParseWithLength(json, len);
    const cJSON *st = cJSON_GetObjectItem(j, "new_state"),
                *type = cJSON_GetObjectItem(j, "response_type"),
                *add = cJSON_GetObjectItem(j, "additions"),
                *sum = cJSON_GetObjectItem(j, "checksum");
    uint8_t *raw = NULL, *want = NULL, got[32];
    size_t nraw = 0, nwant = 0;
    bool full = false;
    enum err_code rc = ERR_OK;

    *retry = false;
    if (!cJSON_IsString(st) || !is_state(st->valuestring) || !cJSON_IsString(type) ||
        !cJSON_IsString(add) || !cJSON_IsString(sum) ||
        (raw = unb64(add->valuestring, &nraw)) == NULL || nraw % 4 != 0 ||
        (want = unb64(sum->valuestring, &nwant)) == NULL || nwant != 32)
        rc = err_set(e, ERR_PARSE, "prefixes: malformed update");
    else if ((full = strcmp(type->valuestring, "FULL_UPDATE") == 0))
        http_prefix_list_clear(l);
    else if (strcmp(type->valuestring, "PARTIAL_UPDATE") != 0)
        rc = err_set(e, ERR_PARSE, "prefixes: unknown response_type");
    if (rc == ERR_OK)
        rc = apply(l, cJSON_GetObjectItem(j, "removals"), raw, nraw, e);
    if (rc == ERR_OK) {
        http_prefix_checksum(l->p, l->n, got);
        if (memcmp(got, want, 32) != 0) {
            http_prefix_list_clear(l); /* start again from a full list */
            *retry = !full;
            if (full)
                rc = err_set(e, ERR_PARSE, "prefixes: checksum mismatch on a full update");
        } else {
            memcpy(l->state, st->valuestring, 17);
            (void)snprintf(l->update, sizeof(l->update), "%s", type->valuestring);
        }
    }
    mem_free(raw);
    mem_free(want);
    cJSON_Delete(j);
    return rc;
}
