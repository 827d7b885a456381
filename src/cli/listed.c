/* listed.c - the listed indicators at one moment, collected once for what delivers
 * them from memory: the matcher snapshot, hash-prefix lists, firewall and IDS exports;
 * and, for RPZ, streamed without collecting them: listed domains marked in a bitmap by
 * id, then read back in zone order from the store's index (docs/rpz.md). TLP decides
 * what may be delivered where (docs/api.md). */
#include "cli/cli.h"

#include <openssl/evp.h>
#include <string.h>

#include "act/act.h"

static enum err_code grow(struct cli_listed *l, struct err *e)
{
    size_t cap = l->cap ? l->cap * 2 : 4096;
    struct cli_item *n = mem_realloc(l->items, cap * sizeof(*n));

    if (n == NULL)
        return err_set(e, ERR_NOMEM, "out of memory collecting indicators");
    l->items = n;
    l->cap = cap;
    return ERR_OK;
}

static char *dup_str(struct cli_listed *l, const char *s, struct err *e)
{
    size_t n = s ? strlen(s) + 1 : 0;
    char *p;

    if (s == NULL)
        return NULL;
    if (l->arena_used + n > l->arena_cap) {
        size_t cap = l->arena_cap ? l->arena_cap * 2 : (1u << 20);
        char *na;

        while (cap < l->arena_used + n)
            cap *= 2;
        /* strings are referenced by offset until cli_listed_finish fixes pointers */
        na = mem_realloc(l->arena, cap);
        if (na == NULL) {
            (void)err_set(e, ERR_NOMEM, "out of memory collecting indicators");
            return NULL;
        }
        l->arena = na;
        l->arena_cap = cap;
    }
    p = (char *)(uintptr_t)(l->arena_used + 1); /* offset + 1; 0 stays NULL */
    memcpy(l->arena + l->arena_used, s, n);
    l->arena_used += n;
    return p;
}

struct collect {
    struct cli_listed *l;
    struct err *e;
    enum err_code rc;
};

static bool on_ind(void *arg, const struct orient_ind *ind)
{
    struct collect *c = arg;
    struct cli_item *it;

    if (c->l->n == c->l->cap && (c->rc = grow(c->l, c->e)) != ERR_OK)
        return false;
    it = &c->l->items[c->l->n];
    it->type = ind->type;
    it->id = ind->id;
    it->score = ind->score;
    it->tlp = ind->tlp;
    it->first_seen = ind->first_seen;
    it->last_seen = ind->last_seen;
    it->value = dup_str(c->l, ind->value, c->e);
    it->sources = ind->sources ? dup_str(c->l, ind->sources, c->e) : NULL;
    if (it->value == NULL || (ind->sources != NULL && it->sources == NULL)) {
        c->rc = ERR_NOMEM;
        return false;
    }
    c->l->n++;
    return true;
}

static const char *fix(const struct cli_listed *l, const char *p)
{
    return p == NULL ? NULL : l->arena + ((uintptr_t)p - 1);
}

enum err_code cli_listed_load(struct store *st, int64_t now, struct cli_listed *l, struct err *e)
{
    struct collect c = {.l = l, .e = e, .rc = ERR_OK};
    enum err_code rc;

    memset(l, 0, sizeof(*l));
    rc = orient_ind_each_listed(st, now, on_ind, &c, e);
    if (rc == ERR_OK)
        rc = c.rc;
    if (rc != ERR_OK) {
        cli_listed_free(l);
        return rc;
    }
    for (size_t i = 0; i < l->n; i++) {
        l->items[i].value = fix(l, l->items[i].value);
        l->items[i].sources = fix(l, l->items[i].sources);
    }
    return ERR_OK;
}

void cli_listed_free(struct cli_listed *l)
{
    mem_free(l->items);
    mem_free(l->arena);
    memset(l, 0, sizeof(*l));
}

/* RPZ trigger text of an item ("evil.example", "192.0.2.0/24", "192.0.2.7/32"), or
 * false when its type cannot be a trigger. */
static bool rpz_entry(const struct cli_item *it, char *out, size_t cap)
{
    size_t n = strlen(it->value);
    const char *suffix;

    switch (it->type) {
    case IOC_DOMAIN:
    case IOC_CIDR:
        suffix = "";
        break;
    case IOC_IPV4:
        suffix = "/32";
        break;
    case IOC_IPV6:
        suffix = "/128";
        break;
    default:
        return false;
    }
    if (n + strlen(suffix) >= cap)
        return false;
    memcpy(out, it->value, n);
    memcpy(out + n, suffix, strlen(suffix) + 1);
    return true;
}

/* The Safe Browsing expression a listed item stands for: a URL without its scheme, a
 * domain or address as "host/"; false for types a URL cannot hit. */
static bool expression(const struct cli_item *it, char *out, size_t cap)
{
    const char *p;

    switch (it->type) {
    case IOC_URL:
        p = strstr(it->value, "://");
        return p != NULL && (size_t)snprintf(out, cap, "%s", p + 3) < cap;
    case IOC_DOMAIN:
    case IOC_IPV4:
        return (size_t)snprintf(out, cap, "%s/", it->value) < cap;
    default:
        return false;
    }
}

enum err_code cli_listed_hashes(const struct cli_listed *l, uint8_t (**out)[32], size_t *n,
                                struct err *e)
{
    uint8_t(*h)[32] = mem_alloc((l->n ? l->n : 1) * 32);
    char expr[IOC_VALUE_MAX + 2];
    size_t k = 0;

    if (h == NULL)
        return err_set(e, ERR_NOMEM, "out of memory hashing indicators");
    for (size_t i = 0; i < l->n; i++) {
        unsigned len;

        if (expression(&l->items[i], expr, sizeof(expr)))
            (void)EVP_Digest(expr, strlen(expr), h[k++], &len, EVP_sha256(), NULL);
    }
    *out = h;
    *n = k;
    return ERR_OK;
}

/* ---- RPZ entries streamed in zone order ------------------------------------------- */

struct cli_rpz_stream {
    struct store *st;
    struct act_rpz_set *set;
    enum ioc_tlp max;
    EVP_MD_CTX *md;
    uint64_t *bits; /* direct domains, by indicator id */
    size_t nwords;
    size_t listed;
    struct store_ind_cursor *cur;
    enum err_code rc;
    struct err err; /* of the pass that failed */
};

static bool mark(struct cli_rpz_stream *s, int64_t id)
{
    size_t w = (size_t)id / 64;

    if (id < 0)
        return true;
    if (w >= s->nwords) {
        size_t n = s->nwords ? s->nwords : 1024;
        uint64_t *b;

        while (n <= w)
            n *= 2;
        b = mem_realloc(s->bits, n * sizeof(*b));
        if (b == NULL)
            return false;
        memset(b + s->nwords, 0, (n - s->nwords) * sizeof(*b));
        s->bits = b;
        s->nwords = n;
    }
    s->bits[w] |= 1ull << ((uint64_t)id % 64);
    return true;
}

static bool marked(const struct cli_rpz_stream *s, int64_t id)
{
    size_t w = (size_t)id / 64;

    return id >= 0 && w < s->nwords && (s->bits[w] >> ((uint64_t)id % 64) & 1) != 0;
}

static bool on_rpz_ind(void *arg, const struct orient_ind *ind)
{
    struct cli_rpz_stream *s = arg;
    struct cli_item it = {.type = ind->type, .value = ind->value};
    char buf[IOC_VALUE_MAX + 8];
    bool direct;

    s->listed++;
    if (ind->tlp > s->max || !rpz_entry(&it, buf, sizeof(buf)))
        return true;
    if (s->md != NULL)
        (void)EVP_DigestUpdate(s->md, buf, strlen(buf) + 1);
    s->rc = act_rpz_set_add(s->set, buf, &direct, &s->err);
    if (s->rc == ERR_OK && direct && !mark(s, ind->id))
        s->rc = err_set(&s->err, ERR_NOMEM, "out of memory collecting RPZ entries");
    return s->rc == ERR_OK;
}

enum err_code cli_rpz_stream_close(struct cli_rpz_stream *s, struct err *e)
{
    enum err_code rc;

    if (s == NULL)
        return ERR_OK;
    rc = s->rc;
    if (rc != ERR_OK)
        *e = s->err;
    store_ind_sorted_close(s->cur);
    store_read_end(s->st);
    EVP_MD_CTX_free(s->md);
    mem_free(s->bits);
    mem_free(s);
    return rc;
}

enum err_code cli_rpz_stream_open(struct store *st, int64_t now, enum ioc_tlp max,
                                  struct act_rpz_set *set, const char *action, uint8_t *digest,
                                  struct cli_rpz_stream **out, struct err *e)
{
    struct cli_rpz_stream *s = mem_calloc(1, sizeof(*s));
    enum err_code rc;
    unsigned len;

    *out = NULL;
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "out of memory collecting RPZ entries");
    s->st = st;
    s->set = set;
    s->max = max;
    if (digest != NULL) {
        s->md = EVP_MD_CTX_new();
        if (s->md == NULL || EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1) {
            EVP_MD_CTX_free(s->md);
            mem_free(s);
            return err_set(e, ERR_NOMEM, "cannot start a SHA-256 digest");
        }
        (void)EVP_DigestUpdate(s->md, action, strlen(action) + 1);
    }
    rc = store_read_begin(st, e);
    if (rc != ERR_OK) {
        EVP_MD_CTX_free(s->md);
        mem_free(s);
        return rc;
    }
    rc = orient_ind_each_listed(st, now, on_rpz_ind, s, e);
    if (rc == ERR_OK && s->rc != ERR_OK) {
        rc = s->rc;
        *e = s->err;
    }
    if (rc == ERR_OK && digest != NULL)
        (void)EVP_DigestFinal_ex(s->md, digest, &len);
    if (rc == ERR_OK)
        rc = store_ind_sorted_open(st, ioc_type_name(IOC_DOMAIN), &s->cur, e);
    if (rc != ERR_OK) {
        s->rc = ERR_OK;
        (void)cli_rpz_stream_close(s, e);
        return rc;
    }
    *out = s;
    return ERR_OK;
}

int cli_rpz_stream_next(void *arg, const char **name, size_t *len)
{
    struct cli_rpz_stream *s = arg;
    int64_t id;
    bool done;

    while (s->rc == ERR_OK) {
        s->rc = store_ind_sorted_next(s->cur, &id, name, len, &done, &s->err);
        if (s->rc != ERR_OK)
            return -1;
        if (done)
            return 0;
        if (marked(s, id))
            return 1;
    }
    return -1;
}

size_t cli_rpz_stream_listed(const struct cli_rpz_stream *s)
{
    return s->listed;
}
