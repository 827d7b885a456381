/* feed_json_fixture.h - shared by the MISP and STIX parser tests (included, not compiled
 * alone): a sink recording every entry and rejection field by field, input regions that
 * end on an unreadable page, and test data files read into buffers of exactly their
 * size, so any read past the input faults. */
#ifndef OODA_TESTS_FEED_JSON_FIXTURE_H
#define OODA_TESTS_FEED_JSON_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "observe/feed_int.h"

#define MAXREC 64

struct got_entry {
    enum ioc_type type;
    bool type_known;
    char value[IOC_VALUE_MAX + 1];
    int64_t seen, valid_until;
    int confidence, tlp;
    char tags[FEED_TAGS_MAX];
    bool has_tags;
    char where[64];
    uint64_t line;
};

struct got_reject {
    uint64_t line;
    char reason[256];
};

struct rec {
    struct got_entry en[MAXREC];
    struct got_reject rj[MAXREC];
    size_t nen, nrj;
    size_t stop_after; /* 0: never stop */
};

static struct rec R; /* large: kept off the stack */

static bool rec_entry(void *arg, const struct feed_entry *en)
{
    struct rec *r = arg;
    struct got_entry *g;

    assert_true(r->nen < MAXREC);
    g = &r->en[r->nen++];
    assert_true(en->len < sizeof(g->value));
    memcpy(g->value, en->value, en->len);
    g->value[en->len] = '\0';
    g->type = en->type;
    g->type_known = en->type_known;
    g->seen = en->seen;
    g->valid_until = en->valid_until;
    g->confidence = en->confidence;
    g->tlp = en->tlp;
    g->has_tags = en->tags != NULL;
    (void)snprintf(g->tags, sizeof(g->tags), "%s", en->tags != NULL ? en->tags : "");
    (void)snprintf(g->where, sizeof(g->where), "%s", en->where);
    g->line = en->line;
    return r->stop_after == 0 || r->nen < r->stop_after;
}

static void rec_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct rec *r = arg;

    (void)where;
    assert_true(r->nrj < MAXREC);
    r->rj[r->nrj].line = line;
    (void)snprintf(r->rj[r->nrj].reason, sizeof(r->rj[r->nrj].reason), "%s", reason);
    r->nrj++;
}

/* A region whose end touches an inaccessible page: a document copied to its end faults
 * on any read past it, even inside libcjson, which ASan does not see into. */
struct guard {
    char *base;
    size_t room, page;
};

static void guard_init(struct guard *g, size_t room)
{
    long page = sysconf(_SC_PAGESIZE);

    assert_true(page > 0);
    g->page = (size_t)page;
    g->room = (room + g->page - 1) / g->page * g->page;
    g->base =
        mmap(NULL, g->room + g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g->base != MAP_FAILED);
    assert_int_equal(mprotect(g->base + g->room, g->page, PROT_NONE), 0);
}

static char *guard_put(struct guard *g, const char *src, size_t n)
{
    assert_true(n <= g->room);
    memcpy(g->base + g->room - n, src, n);
    return g->base + g->room - n;
}

static void guard_fini(struct guard *g)
{
    assert_int_equal(munmap(g->base, g->room + g->page), 0);
}

/* Reads tests/data/feeds/<rel> into a malloc'd buffer of exactly its size. */
static char *read_data(const char *rel, size_t *len)
{
    const char *src = getenv("OODA_SRC");
    char path[1024];
    FILE *f;
    long n;
    char *buf;

    (void)snprintf(path, sizeof(path), "%s/tests/data/feeds/%s", src != NULL ? src : ".", rel);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    (void)fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif
