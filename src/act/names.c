/* names.c - the compact sorted name arena behind zones and deltas.
 *
 * bytes: [len u8][len name bytes] [len u8][...] ...   names in sorted order
 * off:   uint32 offset of each name in bytes           (so 4 + 1 + len bytes a name)
 *
 * Names are owner names relative to the zone origin in text form ("evil.example",
 * "24.0.2.0.192.rpz-ip"), at most 253 bytes. Order: memcmp over the common length,
 * then shorter first. A delta is applied in place: removals compact the arena towards
 * the front, then the arena grows by exactly the added bytes and the additions are
 * merged from the back, so no second copy of the zone is ever made. Not thread-safe. */
#include "act/act_int.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_OFF_MAX UINT32_MAX

void names_init(struct names *a)
{
    memset(a, 0, sizeof(*a));
}

void names_fini(struct names *a)
{
    mem_free(a->bytes);
    mem_free(a->off);
    names_init(a);
}

void names_shrink(struct names *a)
{
    uint8_t *b = a->len > 0 ? mem_realloc(a->bytes, a->len) : NULL;
    uint32_t *o = a->n > 0 ? mem_realloc(a->off, a->n * sizeof(uint32_t)) : NULL;

    if (b != NULL) { /* a failed shrink keeps the larger block: harmless */
        a->bytes = b;
        a->cap = a->len;
    }
    if (o != NULL) {
        a->off = o;
        a->ncap = a->n;
    }
}

size_t names_bytes(const struct names *a)
{
    return a->cap + a->ncap * sizeof(uint32_t);
}

/* Grows to hold at least need bytes and nneed offsets; grows by 1/2 when slack is
 * wanted (building), exactly otherwise (applying a delta). */
static enum err_code reserve(struct names *a, size_t need, size_t nneed, bool slack, struct err *e)
{
    if (need > NAMES_OFF_MAX)
        return err_set(e, ERR_LIMIT, "act: name arena over 4 GiB");
    if (need > a->cap) {
        size_t cap = slack ? need + need / 2 + 256 : need;
        uint8_t *p = mem_realloc(a->bytes, cap);
        if (p == NULL)
            return err_set(e, ERR_NOMEM, "act: cannot grow name arena to %zu bytes", cap);
        a->bytes = p;
        a->cap = cap;
    }
    if (nneed > a->ncap) {
        size_t cap = slack ? nneed + nneed / 2 + 64 : nneed;
        uint32_t *p = mem_realloc(a->off, cap * sizeof(uint32_t));
        if (p == NULL)
            return err_set(e, ERR_NOMEM, "act: cannot grow name index to %zu", cap);
        a->off = p;
        a->ncap = cap;
    }
    return ERR_OK;
}

enum err_code names_push(struct names *a, const char *s, size_t n, struct err *e)
{
    enum err_code rc;

    if (n == 0 || n > 253)
        return err_set(e, ERR_PARSE, "act: name length %zu out of range", n);
    rc = reserve(a, a->len + 1 + n, a->n + 1, true, e);
    if (rc != ERR_OK)
        return rc;
    a->off[a->n++] = (uint32_t)a->len;
    a->bytes[a->len] = (uint8_t)n;
    memcpy(a->bytes + a->len + 1, s, n);
    a->len += 1 + n;
    return ERR_OK;
}

int names_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

bool names_find(const struct names *a, const char *s, size_t n)
{
    size_t lo = 0, hi = a->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, ml;
        const char *m = names_at(a, mid, &ml);
        int c = names_cmp(m, ml, s, n);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int cmp_off(const void *x, const void *y, void *ctx)
{
    const uint8_t *bytes = ctx;
    const uint8_t *a = bytes + *(const uint32_t *)x, *b = bytes + *(const uint32_t *)y;

    return names_cmp((const char *)a + 1, a[0], (const char *)b + 1, b[0]);
}

enum err_code names_sort_unique(struct names *a, size_t *dups, struct err *e)
{
    struct names out;
    enum err_code rc;
    size_t prev_len = 0;
    const char *prev = NULL;

    *dups = 0;
    qsort_r(a->off, a->n, sizeof(uint32_t), cmp_off, a->bytes);
    names_init(&out);
    rc = reserve(&out, a->len, a->n, false, e);
    if (rc != ERR_OK) {
        names_fini(&out); /* the arena may have grown before the index failed */
        return rc;
    }
    for (size_t i = 0; i < a->n; i++) {
        size_t l;
        const char *s = names_at(a, i, &l);
        if (prev != NULL && names_cmp(prev, prev_len, s, l) == 0) {
            (*dups)++;
            continue;
        }
        out.off[out.n++] = (uint32_t)out.len;
        out.bytes[out.len] = (uint8_t)l;
        memcpy(out.bytes + out.len + 1, s, l);
        out.len += 1 + l;
        prev = s;
        prev_len = l;
    }
    names_fini(a);
    *a = out;
    return ERR_OK;
}

/* Drops every name of del from a, compacting towards the front. */
static void remove_sorted(struct names *a, const struct names *del)
{
    size_t w = 0, wn = 0, j = 0;

    for (size_t i = 0; i < a->n; i++) {
        size_t l, dl = 0;
        const char *s = names_at(a, i, &l);
        int c = 1;
        while (j < del->n) {
            const char *d = names_at(del, j, &dl);
            c = names_cmp(d, dl, s, l);
            if (c >= 0)
                break;
            j++;
        }
        if (j < del->n && c == 0) {
            j++;
            continue;
        }
        memmove(a->bytes + w, s - 1, 1 + l);
        a->off[wn++] = (uint32_t)w;
        w += 1 + l;
    }
    a->len = w;
    a->n = wn;
}

/* Merges add (sorted, disjoint from a) into a from the back. */
static enum err_code merge_back(struct names *a, const struct names *add, struct err *e)
{
    size_t ia = a->n, ja = add->n, k, end;
    enum err_code rc;

    rc = reserve(a, a->len + add->len, a->n + add->n, false, e);
    if (rc != ERR_OK)
        return rc;
    end = a->len + add->len;
    k = a->n + add->n;
    while (ja > 0) {
        size_t al = 0, bl;
        const char *as = ia > 0 ? names_at(a, ia - 1, &al) : NULL;
        const char *bs = names_at(add, ja - 1, &bl);
        bool take_a = as != NULL && names_cmp(as, al, bs, bl) > 0;
        size_t l = take_a ? al : bl;
        end -= 1 + l;
        if (take_a) {
            memmove(a->bytes + end, as - 1, 1 + l);
            ia--;
        } else {
            memcpy(a->bytes + end, bs - 1, 1 + l);
            ja--;
        }
        a->off[--k] = (uint32_t)end;
    }
    a->len += add->len;
    a->n += add->n;
    return ERR_OK;
}

enum err_code names_apply(struct names *a, const struct names *add, const struct names *del,
                          struct err *e)
{
    /* grow first, so that a failure leaves the zone unchanged */
    enum err_code rc = reserve(a, a->len + add->len, a->n + add->n, false, e);

    if (rc != ERR_OK)
        return rc;
    remove_sorted(a, del);
    return merge_back(a, add, e); /* cannot fail now: the capacity is there */
}
