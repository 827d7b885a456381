/* fuzz_cowrie.c - libFuzzer target for the Cowrie honeypot parser (observe/cowrie.c),
 * the log-format sniffer and the event aggregator's honeypot path (evidence, download
 * URL and hash sightings, observe/events.c). The input is a log: the format of its
 * first lines is sniffed, then each line goes through observe_cowrie_parse and, when
 * accepted, observe_ev_agg_add against a snapshot listing c2.example, 185.220.0.1 and
 * one MD5. Aborts unless an accepted event has a known
 * kind, a time in range, and string spans inside its line; a rejected one a reason and
 * an offset inside the line (or none). Each line is copied to a buffer of its exact
 * size, so ASan sees any read past it. */
#include <stdlib.h>
#include <string.h>

#include "observe/events.h"

static struct match_snap *snap;

static void build_snap(void)
{
    struct match_builder *b;
    struct err e;

    if (match_builder_new(&b, &e) != ERR_OK)
        abort();
    if (match_builder_add(b, IOC_DOMAIN, "c2.example", 10, 1, 80, &e) != ERR_OK ||
        match_builder_add(b, IOC_IPV4, "185.220.0.1", 11, 2, 80, &e) != ERR_OK ||
        match_builder_add(b, IOC_MD5, "00112233445566778899aabbccddeeff", 32, 3, 80, &e) !=
            ERR_OK ||
        match_builder_add(b, IOC_URL, "http://evil.example/x/", 22, 4, 80, &e) != ERR_OK ||
        match_builder_finish(b, &snap, &e) != ERR_OK)
        abort();
}

static void inside(const struct jscan_val *v, const char *p, size_t n)
{
    if (v->type == JS_NONE)
        return;
    if (v->p < p || v->p + v->len > p + n)
        abort();
}

static void one_line(struct ev_agg *a, const uint8_t *d, size_t n)
{
    char *p = malloc(n ? n : 1), type[32];
    struct ev_rec r;
    const char *why = NULL;
    size_t off;
    struct err e;
    int k;

    if (p == NULL)
        return;
    memcpy(p, d, n);
    k = observe_cowrie_parse(p, n, &r, &why, &off, type);
    if (k < 0 && (why == NULL || (off != SIZE_MAX && off > n)))
        abort();
    if (k == 0 && strlen(type) == 0)
        abort();
    if (k == 1) {
        if (r.kind >= EV_NKIND || r.ts < 0)
            abort();
        inside(&r.name, p, n);
        inside(&r.url, p, n);
        inside(&r.sig, p, n);
        inside(&r.cat, p, n);
        inside(&r.md5, p, n);
        inside(&r.sha256, p, n);
        inside(&r.user, p, n);
        inside(&r.input, p, n);
        inside(&r.dl_url, p, n);
        if (observe_ev_agg_add(a, &r, &e) != ERR_OK && e.code != ERR_NOMEM && e.code != ERR_LIMIT)
            abort();
    }
    free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ev_agg *a;
    struct err e;
    uint64_t listed[OBSERVE_EVIDENCE_KINDS];
    size_t pos = 0;

    if (snap == NULL)
        build_snap();
    if ((unsigned)observe_log_format((const char *)data, size) > EVF_COWRIE)
        abort();
    if (observe_ev_agg_new(snap, NULL, &a, &e) != ERR_OK)
        return 0;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        one_line(a, data + pos, end - pos);
        pos = end + 1;
    }
    observe_ev_agg_listed(a, listed);
    observe_ev_agg_free(a);
    return 0;
}
