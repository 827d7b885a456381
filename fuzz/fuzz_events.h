/* fuzz_events.h - shared by the sensor-log fuzz targets (fuzz_eve, fuzz_cowrie,
 * fuzz_zeek, fuzz_cef): a log is split into lines, each copied to a buffer of its exact
 * size (so ASan sees any read past it) and parsed by the target's parser; an accepted
 * event goes through observe_ev_agg_add against a snapshot listing c2.example,
 * 185.220.0.1, a URL and one MD5. Aborts unless an accepted event has a known kind, a
 * time >= 0 and string spans inside its line, a skipped one names its type, and a
 * rejected one has a reason and an offset inside the line (or none). Included once,
 * by one target. */
#ifndef OODA_FUZZ_EVENTS_H
#define OODA_FUZZ_EVENTS_H

#include <stdlib.h>
#include <string.h>

#include "observe/events.h"

/* A parser with observe_eve_parse's contract. */
typedef int (*fz_parse_fn)(const char *line, size_t len, struct ev_rec *r, const char **reason,
                           size_t *off, char type[32]);

static struct match_snap *fz_snap(void)
{
    static struct match_snap *snap;
    struct match_builder *b;
    struct err e;

    if (snap != NULL)
        return snap;
    if (match_builder_new(&b, &e) != ERR_OK)
        abort();
    if (match_builder_add(b, IOC_DOMAIN, "c2.example", 10, 1, 80, &e) != ERR_OK ||
        match_builder_add(b, IOC_IPV4, "185.220.0.1", 11, 2, 80, &e) != ERR_OK ||
        match_builder_add(b, IOC_MD5, "00112233445566778899aabbccddeeff", 32, 3, 80, &e) !=
            ERR_OK ||
        match_builder_add(b, IOC_URL, "http://evil.example/x/", 22, 4, 80, &e) != ERR_OK ||
        match_builder_finish(b, &snap, &e) != ERR_OK)
        abort();
    return snap;
}

static void fz_inside(const struct jscan_val *v, const char *p, size_t n)
{
    if (v->type != JS_NONE && (v->p < p || v->p + v->len > p + n))
        abort();
}

static void fz_line(struct ev_agg *a, const uint8_t *d, size_t n, fz_parse_fn parse)
{
    char *p = malloc(n ? n : 1), type[32] = "";
    struct ev_rec r;
    const char *why = NULL;
    size_t off = SIZE_MAX;
    struct err e;
    int k;

    if (p == NULL)
        return;
    memcpy(p, d, n);
    k = parse(p, n, &r, &why, &off, type);
    if ((k < 0 && (why == NULL || (off != SIZE_MAX && off > n))) || (k == 0 && type[0] == '\0'))
        abort();
    if (k == 1) {
        const struct jscan_val *spans[] = {&r.name,   &r.url,  &r.sig,   &r.cat,   &r.md5,
                                           &r.sha256, &r.user, &r.input, &r.dl_url};
        if (r.kind >= EV_NKIND || r.ts < 0)
            abort();
        for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
            fz_inside(spans[i], p, n);
        if (observe_ev_agg_add(a, &r, &e) != ERR_OK && e.code != ERR_NOMEM && e.code != ERR_LIMIT)
            abort();
    }
    free(p);
}

/* Runs parse over every line of the log. */
static void fz_log(const uint8_t *data, size_t size, fz_parse_fn parse)
{
    struct ev_agg *a;
    struct err e;
    uint64_t listed[OBSERVE_EVIDENCE_KINDS];
    size_t pos = 0;

    if (observe_ev_agg_new(fz_snap(), NULL, &a, &e) != ERR_OK)
        return;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        fz_line(a, data + pos, end - pos, parse);
        pos = end + 1;
    }
    observe_ev_agg_listed(a, listed);
    (void)observe_ev_agg_sightings(a);
    observe_ev_agg_free(a);
}

#endif
