/* fuzz_querylog.c - libFuzzer target for the matcher's log parsers and lookups
 * (match/formats.c, match/scan.c). Byte 0 picks the format (modulo the count; values
 * past it run format detection first); the rest is the log, scanned in place against a
 * small snapshot of domains, a URL and prefixes. Aborts when the counts do not add up,
 * when a domain hit of the batched scan disagrees with a one-off match_domain() of the
 * same query, or, for the line-by-line formats (all but Zeek), when the whole scan (fast
 * lanes, batches) and a scan of each line on its own without its newline (which always
 * takes the general path) differ in any count or in any hit (line, indicator). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"

static struct match_snap *snap;

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void init(void)
{
    static const struct {
        enum ioc_type t;
        const char *v;
    } l[] = {
        {IOC_DOMAIN, "evil.example"},
        {IOC_DOMAIN, "a.b.c.example"},
        {IOC_DOMAIN, "com"},
        {IOC_DOMAIN, "xn--bcher-kva.example"},
        {IOC_URL, "http://phish.example/login/"},
        {IOC_IPV4, "192.0.2.1"},
        {IOC_CIDR, "2001:db8::/32"},
        {IOC_CIDR, "10.0.0.0/8"},
    };
    struct match_builder *b;
    struct err e;

    check(match_builder_new(&b, &e) == ERR_OK);
    for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
        check(match_builder_add(b, l[i].t, l[i].v, strlen(l[i].v), (int64_t)i, 1, &e) == ERR_OK);
    check(match_builder_finish(b, &snap, &e) == ERR_OK);
}

#define MAXHITS 8192

/* Hits in scan order: line and indicator id. */
struct hits {
    uint64_t n, base; /* base: line number offset of a one-line scan */
    uint64_t line[MAXHITS];
    int64_t id[MAXHITS];
};

static struct hits whole, lines;

static bool on_hit(void *arg, const struct match_event *ev)
{
    struct match_hit h;
    struct hits *hs = arg;

    if (hs->n < MAXHITS) {
        hs->line[hs->n] = hs->base + ev->line;
        hs->id[hs->n] = ev->hit.id;
    }
    hs->n++;
    check(ev->line >= 1 && ev->hit.len > 0 && ev->query_len <= IOC_VALUE_MAX);
    if (ev->hit.type == IOC_DOMAIN && memchr(ev->query, '/', ev->query_len) == NULL) {
        check(match_domain(snap, ev->query, ev->query_len, &h));
        check(h.id == ev->hit.id);
    }
    return true;
}

static void on_bad(void *arg, uint64_t line, const char *why)
{
    (void)arg;
    check(line >= 1 && why != NULL && why[0] != '\0');
}

/* Scans every line of the log on its own, without its newline, adding to c and lines. */
static void scan_lines(enum match_format f, const uint8_t *p, size_t len, struct match_counts *c)
{
    const uint8_t *end = p + len;
    struct err e;

    lines.n = 0;
    lines.base = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);
        struct match_counts one = {0};

        check(match_scan(snap, f, p, n, on_hit, on_bad, &lines, &one, &e) == ERR_OK);
        check(one.lines <= 1);
        c->queries += one.queries;
        c->hits += one.hits;
        c->malformed += one.malformed;
        c->skipped += one.skipped;
        c->lines++;
        lines.base++;
        p = nl != NULL ? nl + 1 : end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct match_counts c = {0}, c1 = {0};
    enum match_format f;
    struct err e;

    if (snap == NULL)
        init();
    if (len == 0)
        return 0;
    f = (enum match_format)(data[0] % (MATCH_NFORMATS + 1));
    if (f == MATCH_NFORMATS && match_format_detect(data + 1, len - 1, &f, &e) != ERR_OK)
        return 0;
    whole.n = 0;
    whole.base = 0;
    check(match_scan(snap, f, data + 1, len - 1, on_hit, on_bad, &whole, &c, &e) == ERR_OK);
    check(c.hits == whole.n && c.hits <= c.queries);
    check(c.queries + c.malformed + c.skipped <= c.lines);
    if (f == MATCH_FMT_ZEEK)
        return 0; /* its header state spans lines */
    scan_lines(f, data + 1, len - 1, &c1);
    check(c1.lines == c.lines && c1.queries == c.queries && c1.hits == c.hits &&
          c1.malformed == c.malformed && c1.skipped == c.skipped && lines.n == whole.n);
    for (uint64_t i = 0; i < whole.n && i < MAXHITS; i++)
        check(whole.line[i] == lines.line[i] && whole.id[i] == lines.id[i]);
    return 0;
}
