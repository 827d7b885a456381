/* feed_sink.h - shared by the feed parser tests (included, not compiled alone): a sink
 * that records entries and rejections as one text line each, for exact comparison. */
#ifndef OODA_TESTS_FEED_SINK_H
#define OODA_TESTS_FEED_SINK_H

#include <stdio.h>
#include <string.h>

#include "observe/feed_int.h"

struct rec {
    char text[8192];
    size_t entries, rejects;
    size_t stop_after; /* 0: never stop */
};

static inline void rec_add(struct rec *r, const char *s)
{
    size_t len = strlen(r->text);

    (void)snprintf(r->text + len, sizeof(r->text) - len, "%s%s", len ? "\n" : "", s);
}

/* "line:value" plus "|type" when known, "|seen=N", "|until=N", "|conf=N", "|tlp=N",
 * "|tags=T" when set. */
static inline bool rec_entry(void *arg, const struct feed_entry *en)
{
    struct rec *r = arg;
    char s[1024];
    int n =
        snprintf(s, sizeof(s), "%llu:%.*s", (unsigned long long)en->line, (int)en->len, en->value);

    if (en->type_known)
        n += snprintf(s + n, sizeof(s) - (size_t)n, "|%s", ioc_type_name(en->type));
    if (en->seen)
        n += snprintf(s + n, sizeof(s) - (size_t)n, "|seen=%lld", (long long)en->seen);
    if (en->valid_until)
        n += snprintf(s + n, sizeof(s) - (size_t)n, "|until=%lld", (long long)en->valid_until);
    if (en->confidence >= 0)
        n += snprintf(s + n, sizeof(s) - (size_t)n, "|conf=%d", en->confidence);
    if (en->tlp >= 0)
        n += snprintf(s + n, sizeof(s) - (size_t)n, "|tlp=%d", en->tlp);
    if (en->tags)
        (void)snprintf(s + n, sizeof(s) - (size_t)n, "|tags=%s", en->tags);
    rec_add(r, s);
    r->entries++;
    return r->stop_after == 0 || r->entries < r->stop_after;
}

static inline void rec_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct rec *r = arg;
    char s[512];

    (void)snprintf(s, sizeof(s), "%s:%llu: %s", where, (unsigned long long)line, reason);
    rec_add(r, s);
    r->rejects++;
}

static inline struct feed_sink rec_sink(struct rec *r)
{
    struct feed_sink s = {.entry = rec_entry, .reject = rec_reject, .arg = r};

    memset(r, 0, sizeof(*r));
    return s;
}

#endif
