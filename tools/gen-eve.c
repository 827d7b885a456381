/* gen-eve.c - synthetic Suricata EVE JSON (Suricata 7 layout) with ground truth, for the
 * EVE ingest's tests and benchmark.
 *
 *   gen-eve --out FILE --truth FILE [--events N | --bytes B] [--hosts H]
 *           [--indicators FILE] [--infected-rate R] [--bad K] [--seed S] [--start T]
 *
 * H client hosts in 10.0.0.0/8 (one in 16 also has an IPv6 address in fd00::/8) talk to
 * servers on the Internet: flow 40 %, dns 30 % (two queries to one answer), http 10 %,
 * tls 10 %, alert 6 %, fileinfo 4 % of the events, one line each, times increasing from
 * T (default 2026-11-02T00:00:00Z) over one day. A fraction R (default 0.01) of the
 * hosts is infected: besides its normal traffic, one event in eight it sends goes to
 * its command-and-control server, a domain and an IP written to --indicators (plain
 * list), as a dns query, a flow to the IP, an http request or a tls session naming the
 * domain. Benign names carry no digit in their registrable label and benign servers
 * lie outside 185.220.0.0/16, where every C&C IP is (a public range: special-purpose
 * ranges are allowlisted and never listed): a hit is known exactly.
 * K bad lines (truncated, wrong type, unknown event type, invalid UTF-8, not JSON) are
 * spread through the file after line 20.
 * The truth JSON has: lines, events, bad, by_type (events per event_type),
 * listed (events reaching a C&C, by kind dns|flow|http|tls), infected (host count) and
 * infected_hosts (address -> events reaching a C&C), bad_lines (the first 64, in
 * order: truncated, wrong type, unknown event type, invalid UTF-8, not JSON, again). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const words[] = {"secure", "login", "account", "update", "mail",  "cdn",
                                    "static", "api",   "cloud",   "shop",   "bank",  "pay",
                                    "portal", "news",  "media",   "video",  "store", "docs"};
static const char *const tlds[] = {"com", "net", "org", "jp", "co.jp", "io", "de"};
static const char *const sigs[][3] = {
    {"2001219", "ET SCAN Potential SSH Scan", "Attempted Information Leak"},
    {"2013028", "ET POLICY curl User-Agent Outbound", "Attempted Information Leak"},
    {"2027863", "ET INFO Observed DNS Query to .cloud TLD", "Potentially Bad Traffic"},
    {"2024792", "ET MALWARE Mirai Variant User-Agent (Outbound)", "A Network Trojan was detected"},
    {"2210045", "SURICATA STREAM Packet with invalid ack", "Generic Protocol Command Decode"},
};
static const char *const agents[] = {
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0 Safari/537.36"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "curl/7.88.1",
    "Microsoft-CryptoAPI/10.0"};
enum kind { K_FLOW, K_DNS, K_HTTP, K_TLS, K_ALERT, K_FILE, K_N };
static const char *const kind_names[] = {"flow", "dns", "http", "tls", "alert", "fileinfo"};

#define NW (sizeof(words) / sizeof(words[0]))
#define NT (sizeof(tlds) / sizeof(tlds[0]))

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

struct opts {
    const char *out, *truth, *indicators;
    uint64_t events, bytes, bad, seed;
    uint32_t hosts;
    double infected_rate;
    int64_t start;
};

struct host {
    uint32_t v4;
    bool v6, infected;
    uint64_t listed;
};

struct gen {
    struct opts o;
    FILE *f;
    struct host *h;
    uint64_t lines, events, bad, by_type[K_N], listed[4], flow_id, bytes;
    uint64_t bad_at[64]; /* line numbers of the first 64 bad lines */
    int64_t usec; /* current time, microseconds */
    char line[8192];
};

static void fmt_time(char out[64], int64_t usec)
{
    time_t t = (time_t)(usec / 1000000);
    struct tm tm;

    gmtime_r(&t, &tm);
    (void)snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   (unsigned)(usec % 1000000));
}

static void host_ip(const struct gen *g, const struct host *h, bool six, char *out)
{
    (void)g;
    if (six)
        (void)snprintf(out, 48, "fd00:0:0:%x::%x", h->v4 >> 16 & 0xff, h->v4 & 0xffff);
    else
        (void)snprintf(out, 48, "10.%u.%u.%u", h->v4 >> 16 & 0xff, h->v4 >> 8 & 0xff, h->v4 & 0xff);
}

/* A benign server: never in 185.220.0.0/16. */
static void server_ip(char *out)
{
    uint32_t a = 1 + below(222);

    if (a == 10 || a == 127 || a == 185 || a == 172 || a == 192 || a == 198 || a == 100 ||
        a == 169)
        a = 93;
    (void)snprintf(out, 48, "%u.%u.%u.%u", a, below(256), below(256), 1 + below(254));
}

static void benign_name(char *out)
{
    const char *w1 = words[below(NW)], *w2 = words[below(NW)];

    if (below(2))
        (void)snprintf(out, 128, "www.%s%s.%s", w1, w2, tlds[below(NT)]);
    else
        (void)snprintf(out, 128, "%s.%s%s.%s", words[below(NW)], w1, w2, tlds[below(NT)]);
}

static void cc_name(const struct host *h, size_t idx, char *out)
{
    (void)h;
    (void)snprintf(out, 128, "c2-%zu.%s%s.%s", idx, words[idx % NW], "net", tlds[idx % NT]);
}

static void cc_ip(size_t idx, char *out)
{
    (void)snprintf(out, 48, "185.220.%u.%u", (unsigned)(idx >> 8 & 0xff),
                   (unsigned)(idx & 0xff));
}

/* Appends the common head of an event line. */
static size_t head(struct gen *g, const char *type, const char *src, unsigned sport,
                   const char *dst, unsigned dport, const char *proto)
{
    char ts[64];

    fmt_time(ts, g->usec);
    return (size_t)snprintf(g->line, sizeof(g->line),
                            "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\","
                            "\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%u,"
                            "\"dest_ip\":\"%s\",\"dest_port\":%u,\"proto\":\"%s\"",
                            ts, (unsigned long long)g->flow_id, type, src, sport, dst, dport,
                            proto);
}

__attribute__((format(printf, 3, 4))) static size_t add(struct gen *g, size_t n, const char *fmt,
                                                        ...)
{
    va_list ap;
    int k;

    va_start(ap, fmt);
    k = vsnprintf(g->line + n, sizeof(g->line) - n, fmt, ap);
    va_end(ap);
    return n + (size_t)k;
}

static void emit(struct gen *g, size_t n, enum kind k)
{
    g->line[n++] = '\n';
    fwrite(g->line, 1, n, g->f);
    g->bytes += n;
    g->lines++;
    g->events++;
    g->by_type[k]++;
}

static void ev_flow(struct gen *g, const char *src, const char *dst, unsigned dport)
{
    char st[64];
    unsigned ps = 2 + below(40), pc = below(40);
    size_t n = head(g, "flow", src, 1024 + below(60000), dst, dport, "TCP");

    fmt_time(st, g->usec - 1000000 - below(60000000));
    n = add(g, n,
            ",\"app_proto\":\"%s\",\"flow\":{\"pkts_toserver\":%u,\"pkts_toclient\":%u,"
            "\"bytes_toserver\":%u,\"bytes_toclient\":%u,\"start\":\"%s\",\"end\":\"%s\","
            "\"age\":%u,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false},"
            "\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"1b\","
            "\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,\"state\":\"closed\"}}",
            dport == 443 ? "tls" : "http", ps, pc, ps * 120, pc * 900, st, st, below(60));
    emit(g, n, K_FLOW);
}

/* A query, or one time in three (not when only_query) an answer. */
static void ev_dns(struct gen *g, const char *src, const char *name, bool only_query)
{
    char ip[48];
    bool answer = below(3) == 0 && !only_query;
    size_t n = head(g, "dns", src, 1024 + below(60000), "10.0.0.53", 53, "UDP");

    if (!answer) {
        n = add(g, n,
                ",\"dns\":{\"type\":\"query\",\"id\":%u,\"rrname\":\"%s\",\"rrtype\":\"A\","
                "\"tx_id\":0,\"opcode\":0}}",
                below(65536), name);
    } else {
        server_ip(ip);
        n = add(g, n,
                ",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":%u,\"flags\":\"8180\","
                "\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,\"rrname\":\"%s\","
                "\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"%s\","
                "\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"%s\"}],\"grouped\":{\"A\":[\"%s\"]}}}",
                below(65536), name, name, ip, ip);
    }
    emit(g, n, K_DNS);
}

static void ev_http(struct gen *g, const char *src, const char *dst, const char *host)
{
    size_t n = head(g, "http", src, 1024 + below(60000), dst, 80, "TCP");

    n = add(g, n,
            ",\"tx_id\":0,\"http\":{\"hostname\":\"%s\",\"url\":\"\\/%s\\/index.php?id=%u\","
            "\"http_user_agent\":\"%s\",\"http_content_type\":\"text\\/html\","
            "\"http_method\":\"GET\",\"protocol\":\"HTTP\\/1.1\",\"status\":200,\"length\":%u}}",
            host, words[below(NW)], below(100000), agents[below(4)], below(50000));
    emit(g, n, K_HTTP);
}

static void ev_tls(struct gen *g, const char *src, const char *dst, const char *sni)
{
    size_t n = head(g, "tls", src, 1024 + below(60000), dst, 443, "TCP");

    n = add(g, n,
            ",\"tls\":{\"subject\":\"CN=%s\",\"issuerdn\":\"C=US, O=Let's Encrypt, CN=R3\","
            "\"serial\":\"04:%02X:%02X:%02X\",\"fingerprint\":\"%016llx\",\"sni\":\"%s\","
            "\"version\":\"TLS 1.3\",\"notbefore\":\"2026-10-01T00:00:00\","
            "\"notafter\":\"2026-12-30T00:00:00\",\"ja3\":{\"hash\":\"%016llx%016llx\"}}}",
            sni, below(256), below(256), below(256), (unsigned long long)rnd(), sni,
            (unsigned long long)rnd(), (unsigned long long)rnd());
    emit(g, n, K_TLS);
}

static void ev_alert(struct gen *g, const char *src, const char *dst)
{
    uint32_t s = below(5);
    size_t n = head(g, "alert", src, 1024 + below(60000), dst, 22, "TCP");

    n = add(g, n,
            ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":%s,\"rev\":%u,"
            "\"signature\":\"%s\",\"category\":\"%s\",\"severity\":%u},\"app_proto\":\"ssh\","
            "\"flow\":{\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":210,"
            "\"bytes_toclient\":140,\"start\":\"2026-11-02T00:00:00.000000+0000\"}}",
            sigs[s][0], 1 + below(20), sigs[s][1], sigs[s][2], 1 + below(3));
    emit(g, n, K_ALERT);
}

static void ev_file(struct gen *g, const char *src, const char *dst, const char *host)
{
    size_t n = head(g, "fileinfo", dst, 80, src, 1024 + below(60000), "TCP");

    n = add(
        g, n,
        ",\"http\":{\"hostname\":\"%s\",\"url\":\"\\/files\\/%u.bin\"},"
        "\"app_proto\":\"http\",\"fileinfo\":{\"filename\":\"\\/files\\/%u.bin\",\"gaps\":false,"
        "\"state\":\"CLOSED\",\"md5\":\"%016llx%016llx\",\"sha256\":\"%016llx%016llx%016llx%"
        "016llx\","
        "\"stored\":false,\"size\":%u,\"tx_id\":0}}",
        host, below(1000), below(1000), (unsigned long long)rnd(), (unsigned long long)rnd(),
        (unsigned long long)rnd(), (unsigned long long)rnd(), (unsigned long long)rnd(),
        (unsigned long long)rnd(), below(1u << 24));
    emit(g, n, K_FILE);
}

/* One benign event from host h. */
static void benign(struct gen *g, const struct host *h)
{
    char src[48], dst[48], name[128];
    uint32_t r = below(100);

    host_ip(g, h, h->v6 && below(4) == 0 && r >= 40 && r < 70, src);
    server_ip(dst);
    benign_name(name);
    if (r < 40)
        ev_flow(g, src, dst, below(2) ? 443 : 80);
    else if (r < 70)
        ev_dns(g, src, name, false);
    else if (r < 80)
        ev_http(g, src, dst, name);
    else if (r < 90)
        ev_tls(g, src, dst, name);
    else if (r < 96)
        ev_alert(g, src, dst);
    else
        ev_file(g, src, dst, name);
}

/* One event from infected host h (index i) reaching its C&C. */
static void to_cc(struct gen *g, struct host *h, size_t i)
{
    char src[48], ip[48], name[128];
    uint32_t r = below(4);

    host_ip(g, h, false, src);
    cc_ip(i, ip);
    cc_name(h, i, name);
    if (r == 0) /* ooda counts queries: an answer repeats the query's name */
        ev_dns(g, src, name, true);
    else if (r == 1)
        ev_flow(g, src, ip, 443);
    else if (r == 2)
        ev_http(g, src, ip, name);
    else
        ev_tls(g, src, ip, name);
    g->listed[r]++;
    h->listed++;
}

static void bad_line(struct gen *g)
{
    static const char *const bad[] = {
        "{\"timestamp\":\"2026-11-02T00:00:00.000000+0000\",\"event_type\":\"flow\",\"src_ip\":",
        "{\"timestamp\":\"2026-11-02T00:00:00.000000+0000\",\"event_type\":\"flow\","
        "\"src_ip\":\"10.0.0.1\",\"src_port\":\"http\",\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,"
        "\"proto\":\"TCP\"}",
        "{\"timestamp\":\"2026-11-02T00:00:00.000000+0000\",\"event_type\":\"bogus\","
        "\"src_ip\":\"10.0.0.1\"}",
        "{\"timestamp\":\"2026-11-02T00:00:00.000000+0000\",\"event_type\":\"dns\","
        "\"src_ip\":\"10.0.0.1\",\"dns\":{\"rrname\":\"\xff\xfe.example\"}}",
        "this is not json"};
    const char *s = bad[g->bad % 5];

    fprintf(g->f, "%s\n", s);
    g->bytes += strlen(s) + 1;
    g->lines++;
    if (g->bad < 64)
        g->bad_at[g->bad] = g->lines;
    g->bad++;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-eve --out FILE --truth FILE [--events N | --bytes B] [--hosts H]\n"
                    "               [--indicators FILE] [--infected-rate R] [--bad K]\n"
                    "               [--seed S] [--start UNIX]\n");
    exit(64);
}

static void parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){NULL, NULL, NULL, 100000, 0, 0, 1, 10000, 0.01, 1793577600};
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            usage();
        if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--truth") == 0)
            o->truth = v;
        else if (strcmp(a, "--indicators") == 0)
            o->indicators = v;
        else if (strcmp(a, "--events") == 0)
            o->events = strtoull(v, NULL, 10);
        else if (strcmp(a, "--bytes") == 0)
            o->bytes = strtoull(v, NULL, 10);
        else if (strcmp(a, "--bad") == 0)
            o->bad = strtoull(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0)
            o->seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--hosts") == 0)
            o->hosts = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--infected-rate") == 0)
            o->infected_rate = strtod(v, NULL);
        else if (strcmp(a, "--start") == 0)
            o->start = strtoll(v, NULL, 10);
        else
            usage();
    }
    if (o->out == NULL || o->truth == NULL || o->hosts == 0 || o->hosts > (1u << 24))
        usage();
}

static void write_truth(struct gen *g)
{
    FILE *t = fopen(g->o.truth, "w");
    size_t ninf = 0;
    bool firsth = true;

    if (t == NULL) {
        perror(g->o.truth);
        exit(73);
    }
    for (uint32_t i = 0; i < g->o.hosts; i++)
        ninf += g->h[i].listed > 0;
    fprintf(t, "{\"lines\":%llu,\"events\":%llu,\"bad\":%llu,\"bytes\":%llu,\"by_type\":{",
            (unsigned long long)g->lines, (unsigned long long)g->events, (unsigned long long)g->bad,
            (unsigned long long)g->bytes);
    for (int k = 0; k < K_N; k++)
        fprintf(t, "%s\"%s\":%llu", k ? "," : "", kind_names[k], (unsigned long long)g->by_type[k]);
    fprintf(t,
            "},\"listed\":{\"dns\":%llu,\"flow\":%llu,\"http\":%llu,\"tls\":%llu},"
            "\"infected\":%zu,\"infected_hosts\":{",
            (unsigned long long)g->listed[0], (unsigned long long)g->listed[1],
            (unsigned long long)g->listed[2], (unsigned long long)g->listed[3], ninf);
    for (uint32_t i = 0; i < g->o.hosts; i++) {
        char ip[48];
        if (g->h[i].listed == 0)
            continue;
        host_ip(g, &g->h[i], false, ip);
        fprintf(t, "%s\"%s\":%llu", firsth ? "" : ",", ip, (unsigned long long)g->h[i].listed);
        firsth = false;
    }
    fprintf(t, "},\"bad_lines\":[");
    for (uint64_t i = 0; i < g->bad && i < 64; i++)
        fprintf(t, "%s%llu", i ? "," : "", (unsigned long long)g->bad_at[i]);
    fprintf(t, "]}\n");
    fclose(t);
}

static void write_indicators(struct gen *g)
{
    FILE *f = fopen(g->o.indicators, "w");

    if (f == NULL) {
        perror(g->o.indicators);
        exit(73);
    }
    fprintf(f, "# gen-eve command-and-control indicators (seed %llu)\n",
            (unsigned long long)g->o.seed);
    for (uint32_t i = 0; i < g->o.hosts; i++) {
        char name[128], ip[48];
        if (!g->h[i].infected)
            continue;
        cc_name(&g->h[i], i, name);
        cc_ip(i, ip);
        fprintf(f, "%s\n%s\n", name, ip);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    static struct gen g;
    uint64_t total, next_bad, gap, step;

    parse(argc, argv, &g.o);
    rng = g.o.seed * 0x2545f4914f6cdd1dULL + 1;
    g.f = fopen(g.o.out, "w");
    g.h = calloc(g.o.hosts, sizeof(*g.h));
    if (g.f == NULL || g.h == NULL) {
        perror(g.o.out);
        return 73;
    }
    for (uint32_t i = 0; i < g.o.hosts; i++) {
        g.h[i].v4 = (i + 1) * 2654435761u % 0xfffffe + 1; /* distinct, spread in 10/8 */
        g.h[i].v6 = below(16) == 0;
        g.h[i].infected = (double)(rnd() >> 11) / 9007199254740992.0 < g.o.infected_rate;
    }
    total = g.o.bytes > 0 ? g.o.bytes / 560 : g.o.events; /* ~560 bytes per line */
    gap = g.o.bad > 0 ? (total > 40 ? total - 20 : 1) / (g.o.bad + 1) + 1 : 0;
    next_bad = 20 + gap;
    step = 2 * 86400000000ULL / (total + 1); /* mean gap: half a step */
    if (step > 4000000000ULL)
        step = 4000000000ULL;
    g.usec = g.o.start * 1000000;
    for (;;) {
        uint32_t hi = below(g.o.hosts);
        if (g.o.bytes > 0 ? g.bytes >= g.o.bytes : g.events >= g.o.events)
            break;
        g.usec += 1 + (int64_t)below((uint32_t)step + 1);
        g.flow_id += 1 + below(1000);
        if (g.bad < g.o.bad && g.lines >= next_bad) {
            bad_line(&g);
            next_bad += gap;
            continue;
        }
        if (g.h[hi].infected && below(8) == 0)
            to_cc(&g, &g.h[hi], hi);
        else
            benign(&g, &g.h[hi]);
    }
    while (g.bad < g.o.bad)
        bad_line(&g);
    if (fclose(g.f) != 0) {
        perror(g.o.out);
        return 74;
    }
    if (g.o.indicators != NULL)
        write_indicators(&g);
    write_truth(&g);
    return 0;
}
