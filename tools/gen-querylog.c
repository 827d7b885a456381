/* gen-querylog.c - synthetic indicator list and DNS/proxy query log with ground truth,
 * for the matcher's tests and benchmark (ooda match).
 *
 *   gen-querylog --indicators FILE --log FILE --truth FILE [--domains N] [--queries M]
 *                [--format plain|bind-querylog|unbound|zeek-dns|squid] [--hit-rate R]
 *                [--malformed K] [--seed S]
 *
 * Indicators are N distinct domains over several TLDs (some two-label public suffixes),
 * 2 to 8 labels long. Their registrable label always holds a digit and is unique (it
 * ends in the indicator's number), so no listed name is a parent of another. Benign
 * queries use only labels without digits, so they can never equal or fall under a
 * listed name: whether a query hits, and which indicator it hits, is known exactly.
 * A query hits with probability R (default 0.01): the listed name itself or a subdomain
 * of it 1-3 labels deeper, sometimes in upper case. K malformed lines ("bad line
 * here", rejected by every format) are spread after line 20 (format detection reads
 * the first 16). The truth JSON holds lines, queries, hits, malformed, skipped (Zeek
 * header lines), and hits_by_indicator for every indicator hit at least once. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
    "secure",  "login", "account", "update", "verify", "mail",    "cdn",    "static",
    "api",     "cloud", "shop",    "bank",   "pay",    "auth",    "portal", "service",
    "online",  "web",   "app",     "my",     "info",   "support", "news",   "media",
    "data",    "track", "ads",     "img",    "video",  "home",    "store",  "wallet",
    "connect", "sync",  "files",   "docs",   "drive",  "photo",   "social", "game"};
static const char *const tlds[] = {"com", "net",   "org",    "info",  "xyz",   "top",
                                   "ru",  "cn",    "io",     "co.uk", "de",    "jp",
                                   "br",  "co.jp", "online", "site",  "com.br"};
static const char *const prefixes[] = {"www", "mail", "api", "cdn", "m", "login", "static"};
static const char cons[] = "bcdfghjklmnprstvwz";
static const char vows[] = "aeiou";

#define NWORDS (sizeof(words) / sizeof(words[0]))
#define NTLDS  (sizeof(tlds) / sizeof(tlds[0]))
#define NPREF  (sizeof(prefixes) / sizeof(prefixes[0]))

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* snprintf into a label or name buffer that always has 128 bytes left. */
__attribute__((format(printf, 2, 3))) static size_t put(char *out, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out, 128, fmt, ap);
    va_end(ap);
    return n > 0 ? (size_t)n : 0;
}

static size_t below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* Appends a digit-free pronounceable label of 2..4 syllables. */
static size_t syllables(char *out)
{
    size_t n = 0, k = 2 + below(3);

    for (size_t i = 0; i < k; i++) {
        out[n++] = cons[below(sizeof(cons) - 1)];
        out[n++] = vows[below(sizeof(vows) - 1)];
    }
    return n;
}

/* A digit-free label: a word, two words, or syllables. */
static size_t benign_label(char *out)
{
    switch (below(3)) {
    case 0:
        return put(out, "%s", words[below(NWORDS)]);
    case 1:
        return put(out, "%s%s", words[below(NWORDS)], words[below(NWORDS)]);
    default:
        return syllables(out);
    }
}

/* Listed name number i: 0..6 labels in front of a unique registrable label + TLD. */
static size_t listed_name(char *out, size_t i)
{
    size_t n = 0, deep = below(10) < 7 ? 0 : 1 + below(6);

    for (size_t k = 0; k < deep; k++) {
        n += benign_label(out + n);
        out[n++] = '.';
    }
    if (below(2))
        n += put(out + n, "%s-%s%zu", words[below(NWORDS)], words[below(NWORDS)], i);
    else
        n += syllables(out + n);
    if (out[n - 1] < '0' || out[n - 1] > '9')
        n += put(out + n, "%zu", i);
    return n + put(out + n, ".%s", tlds[below(NTLDS)]);
}

static size_t benign_name(char *out)
{
    size_t n = 0;

    if (below(2))
        n += put(out, "%s.", prefixes[below(NPREF)]);
    if (below(4) == 0) {
        n += benign_label(out + n);
        out[n++] = '.';
    }
    n += benign_label(out + n);
    return n + put(out + n, ".%s", tlds[below(NTLDS)]);
}

struct opts {
    const char *ind_path, *log_path, *truth_path, *format;
    size_t domains, queries, malformed;
    double hit_rate;
    uint64_t seed;
};

static void usage(void)
{
    fprintf(stderr, "usage: gen-querylog --indicators FILE --log FILE --truth FILE [--domains N]\n"
                    "       [--queries M] [--format plain|bind-querylog|unbound|zeek-dns|squid]\n"
                    "       [--hit-rate R] [--malformed K] [--seed S]\n");
    exit(64);
}

static void parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){
        .domains = 1000, .queries = 10000, .hit_rate = 0.01, .seed = 1, .format = "plain"};
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (v == NULL)
            usage();
        i++;
        if (strcmp(k, "--indicators") == 0)
            o->ind_path = v;
        else if (strcmp(k, "--log") == 0)
            o->log_path = v;
        else if (strcmp(k, "--truth") == 0)
            o->truth_path = v;
        else if (strcmp(k, "--format") == 0)
            o->format = v;
        else if (strcmp(k, "--domains") == 0)
            o->domains = strtoull(v, NULL, 10);
        else if (strcmp(k, "--queries") == 0)
            o->queries = strtoull(v, NULL, 10);
        else if (strcmp(k, "--malformed") == 0)
            o->malformed = strtoull(v, NULL, 10);
        else if (strcmp(k, "--hit-rate") == 0)
            o->hit_rate = strtod(v, NULL);
        else if (strcmp(k, "--seed") == 0)
            o->seed = strtoull(v, NULL, 10);
        else
            usage();
    }
    if (!o->ind_path || !o->log_path || !o->truth_path || o->domains == 0 || o->hit_rate < 0 ||
        o->hit_rate > 1)
        usage();
    if (strcmp(o->format, "plain") && strcmp(o->format, "bind-querylog") &&
        strcmp(o->format, "unbound") && strcmp(o->format, "zeek-dns") && strcmp(o->format, "squid"))
        usage();
}

static FILE *create(const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        perror(path);
        exit(73);
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

/* Writes one query line for name q in the format; returns nothing. t is the time. */
static void write_line(FILE *f, const char *fmt, const char *q, uint64_t t, uint64_t n)
{
    unsigned c = (unsigned)(n % 250) + 1, d = (unsigned)(n / 250 % 250);

    if (fmt[0] == 'p')
        fprintf(f, "%s\n", q);
    else if (fmt[0] == 'u')
        fprintf(f, "[%llu] unbound[4242:0] info: 10.%u.0.%u %s. A IN\n", (unsigned long long)t, d,
                c, q);
    else if (fmt[0] == 'b')
        fprintf(f,
                "25-Nov-2026 10:%02u:%02u.%03u client @0x7f3a5c0012d8 10.%u.0.%u#%u (%s): "
                "query: %s IN A +E(0)K (192.0.2.53)\n",
                (unsigned)(t / 60 % 60), (unsigned)(t % 60), (unsigned)(n % 1000), d, c,
                1024 + (unsigned)(n % 60000), q, q);
    else if (fmt[0] == 'z')
        fprintf(
            f,
            "%llu.%06u\tC%llx\t10.%u.0.%u\t%u\t192.0.2.53\t53\tudp\t%u\t0.001\t%s\t1\tC_INTERNET"
            "\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t192.0.2.80\t60.0\tF\n",
            (unsigned long long)t, (unsigned)(n % 1000000), (unsigned long long)n, d, c,
            1024 + (unsigned)(n % 60000), (unsigned)(n & 0xffff), q);
    else
        fprintf(f,
                "%llu.%03u %6u 10.%u.0.%u TCP_MISS/200 %u GET http://%s/index.html - "
                "HIER_DIRECT/203.0.113.5 text/html\n",
                (unsigned long long)t, (unsigned)(n % 1000), (unsigned)(n % 900) + 1, d, c,
                (unsigned)(n % 90000) + 200, q);
}

static const char *const zeek_head[] = {
    "#separator \\x09",
    "#set_separator\t,",
    "#empty_field\t(empty)",
    "#unset_field\t-",
    "#path\tdns",
    "#open\t2026-11-25-10-00-00",
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery"
    "\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers"
    "\tTTLs\trejected",
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring"
    "\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]"
    "\tvector[interval]\tbool"};

int main(int argc, char **argv)
{
    struct opts o;
    char **names;
    char *pool, q[600];
    uint32_t *hits;
    size_t *len, used = 0, nhits = 0, bad_left, skipped = 0, lines = 0;
    FILE *fi, *fl, *ft;
    uint64_t t = 1795600800; /* 2026-11-25T10:00:00Z */

    parse(argc, argv, &o);
    rng = o.seed * 0x2545f4914f6cdd1dULL + 1;
    pool = malloc(o.domains * 300);
    names = malloc(o.domains * sizeof(*names));
    len = malloc(o.domains * sizeof(*len));
    hits = calloc(o.domains, sizeof(*hits));
    if (!pool || !names || !len || !hits)
        return 70;
    fi = create(o.ind_path);
    for (size_t i = 0; i < o.domains; i++) {
        names[i] = pool + used;
        len[i] = listed_name(names[i], i);
        used += len[i] + 1;
        fprintf(fi, "%s\n", names[i]);
    }
    fclose(fi);
    fl = create(o.log_path);
    if (o.format[0] == 'z')
        for (size_t k = 0; k < sizeof(zeek_head) / sizeof(zeek_head[0]); k++, skipped++, lines++)
            fprintf(fl, "%s\n", zeek_head[k]);
    bad_left = o.malformed;
    for (uint64_t n = 0; n < o.queries; n++) {
        if (bad_left > 0 && lines >= 20 && below(o.queries - n + bad_left) < bad_left) {
            fprintf(fl, "bad line here\n");
            bad_left--, lines++;
        }
        if ((double)(rnd() >> 11) * 0x1p-53 < o.hit_rate) {
            size_t i = below(o.domains), k = 0, deep = below(5) < 2 ? 0 : 1 + below(3);

            for (size_t d = 0; d < deep; d++) {
                k += benign_label(q + k);
                q[k++] = '.';
            }
            memcpy(q + k, names[i], len[i] + 1);
            if (below(20) == 0)
                for (char *c = q; *c && *c != '.'; c++)
                    *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
            hits[i]++;
            nhits++;
        } else {
            benign_name(q);
        }
        t += below(3) == 0;
        write_line(fl, o.format, q, t, n);
        lines++;
    }
    for (; bad_left > 0; bad_left--, lines++)
        fprintf(fl, "bad line here\n");
    if (o.format[0] == 'z') {
        fprintf(fl, "#close\t2026-11-25-11-00-00\n");
        skipped++, lines++;
    }
    fclose(fl);
    ft = create(o.truth_path);
    fprintf(ft,
            "{\"format\":\"%s\",\"indicators\":%zu,\"lines\":%zu,\"queries\":%zu,\"hits\":%zu,"
            "\"malformed\":%zu,\"skipped\":%zu,\"hits_by_indicator\":{",
            o.format, o.domains, lines, o.queries, nhits, o.malformed, skipped);
    for (size_t i = 0, first = 1; i < o.domains; i++)
        if (hits[i] > 0) {
            fprintf(ft, "%s\"%s\":%u", first ? "" : ",", names[i], hits[i]);
            first = 0;
        }
    fprintf(ft, "}}\n");
    fclose(ft);
    free(pool);
    free(names);
    free(len);
    free(hits);
    return 0;
}
