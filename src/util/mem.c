/* mem.c - allocation wrappers with failure injection for tests, and the capped
 * growable buffer. */
#include "util/util.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static _Atomic long fail_countdown; /* 0: never fail */
static _Atomic bool failing;

void mem_fail_after(long n)
{
    atomic_store(&failing, false);
    atomic_store(&fail_countdown, n);
}

static bool should_fail(void)
{
    long left;

    if (atomic_load(&failing))
        return true;
    left = atomic_load(&fail_countdown);
    if (left <= 0)
        return false;
    if (atomic_fetch_sub(&fail_countdown, 1) == 1) {
        atomic_store(&failing, true);
        return true;
    }
    return false;
}

void *mem_alloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n == 0 ? 1 : n);
}

void *mem_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *mem_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n == 0 ? 1 : n);
}

void *mem_alloc_table(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    void *p;

    if (should_fail())
        return NULL;
    if (n < huge)
        return malloc(n == 0 ? 1 : n);
    if (posix_memalign(&p, huge, n) != 0)
        return NULL;
    (void)madvise(p, n, MADV_HUGEPAGE); /* advice: randomly probed, spare the TLB */
    return p;
}

void mem_free(void *p)
{
    free(p);
}

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_fini(struct buf *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static enum err_code buf_reserve(struct buf *b, size_t extra, struct err *e)
{
    size_t need, ncap;
    uint8_t *p;

    if (extra > b->max || b->len > b->max - extra)
        return err_set(e, ERR_LIMIT, "buffer: would exceed %zu bytes", b->max);
    need = b->len + extra + 1; /* room for a terminating NUL */
    if (need <= b->cap)
        return ERR_OK;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap *= 2;
    if (ncap - 1 > b->max)
        ncap = b->max + 1;
    p = mem_realloc(b->data, ncap);
    if (p == NULL)
        return err_set(e, ERR_NOMEM, "buffer: cannot grow to %zu bytes", ncap);
    b->data = p;
    b->cap = ncap;
    return ERR_OK;
}

enum err_code buf_append(struct buf *b, const void *data, size_t n, struct err *e)
{
    enum err_code rc = buf_reserve(b, n, e);

    if (rc != ERR_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ERR_OK;
}

enum err_code buf_resize(struct buf *b, size_t n, struct err *e)
{
    enum err_code rc;

    if (n <= b->len) {
        b->len = n;
        if (b->data != NULL)
            b->data[n] = '\0';
        return ERR_OK;
    }
    rc = buf_reserve(b, n - b->len, e);
    if (rc != ERR_OK)
        return rc;
    b->len = n;
    b->data[n] = '\0';
    return ERR_OK;
}

enum err_code buf_printf(struct buf *b, struct err *e, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum err_code rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return err_set(e, ERR_PARSE, "buffer: bad format");
    rc = buf_reserve(b, (size_t)n, e);
    if (rc != ERR_OK)
        return rc;
    va_start(ap, fmt);
    (void)vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return ERR_OK;
}
