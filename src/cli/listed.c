/* listed.c - the listed indicators at one moment, collected once for everything that
 * delivers them: the matcher snapshot, RPZ triggers, hash-prefix lists, firewall and
 * IDS exports. TLP decides what may be delivered where (docs/api.md). */
#include "cli/cli.h"

#include <openssl/evp.h>
#include <string.h>

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
    switch (it->type) {
    case IOC_DOMAIN:
    case IOC_CIDR:
        return (size_t)snprintf(out, cap, "%s", it->value) < cap;
    case IOC_IPV4:
        return (size_t)snprintf(out, cap, "%s/32", it->value) < cap;
    case IOC_IPV6:
        return (size_t)snprintf(out, cap, "%s/128", it->value) < cap;
    default:
        return false;
    }
}

enum err_code cli_rpz_entries(const struct cli_listed *l, enum ioc_tlp max, struct cli_entries *out,
                              struct err *e)
{
    size_t bytes = 1, at = 0;
    char buf[IOC_VALUE_MAX + 8];

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < l->n; i++)
        bytes += strlen(l->items[i].value) + 6; /* "/128" and the NUL */
    out->v = mem_alloc((l->n ? l->n : 1) * sizeof(*out->v));
    out->arena = mem_alloc(bytes);
    if (out->v == NULL || out->arena == NULL) {
        cli_entries_free(out);
        return err_set(e, ERR_NOMEM, "out of memory collecting RPZ entries");
    }
    for (size_t i = 0; i < l->n; i++) {
        size_t len;

        if (l->items[i].tlp > max || !rpz_entry(&l->items[i], buf, sizeof(buf)))
            continue;
        len = strlen(buf) + 1;
        memcpy(out->arena + at, buf, len);
        out->v[out->n++] = out->arena + at;
        at += len;
    }
    return ERR_OK;
}

void cli_entries_free(struct cli_entries *x)
{
    mem_free(x->v);
    mem_free(x->arena);
    memset(x, 0, sizeof(*x));
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
