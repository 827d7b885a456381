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
 * order: truncated, wrong type, unknown event type, invalid UTF-8, not JSON, again).
 *
 * With --zeek tsv|json the same hosts and C&C servers are written as Zeek logs instead:
 * flows to --out (conn.log) and DNS queries to --dns-out (dns.log), in Zeek's TSV form
 * (with its header lines, which count in lines) or its JSON form; C&C contacts are dns
 * queries or flows; bad lines (TSV: too few fields, bad ts, bad address, port as text;
 * JSON: truncated, bad ts, bad address, port as text) go into conn.log and bad_lines
 * counts its lines.
 *
 * With --cef yes every event is a syslog line carrying a CEF alert (RFC 5424 headers,
 * or RFC 3164 ones with rt): a benign one names a benign peer (three in ten also a
 * benign host and URL); a C&C contact names the C&C address (listed flow) or its host
 * and a URL on it (listed http). Bad lines: too few header fields, no src, a bad src,
 * no time. */
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
    const char *zeek, *dns_out; /* Zeek mode: "tsv" or "json"; out is conn.log */
    bool cef;                   /* CEF mode: syslog lines carrying CEF alerts */
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
    FILE *fd;            /* Zeek mode: dns.log (f is conn.log) */
    uint64_t conn_lines; /* Zeek mode: lines of conn.log (bad lines go there) */
    int64_t usec;        /* current time, microseconds */
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

    if (a == 10 || a == 127 || a == 185 || a == 172 || a == 192 || a == 198 || a == 100 || a == 169)
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
    (void)snprintf(out, 48, "185.220.%u.%u", (unsigned)(idx >> 8 & 0xff), (unsigned)(idx & 0xff));
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

/* ---- Zeek mode: conn.log and dns.log, TSV or JSON --------------------------------- */

static const char conn_fields[] = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
                                  "\tservice\tduration\torig_bytes\tresp_bytes\tconn_state";
static const char conn_types[] = "time\tstring\taddr\tport\taddr\tport\tenum\tstring"
                                 "\tinterval\tcount\tcount\tstring";
static const char dns_fields[] = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
                                 "\ttrans_id\tquery\tqtype_name\trcode_name\tanswers";
static const char dns_types[] = "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring"
                                "\tstring\tstring\tvector[string]";

static bool zeek_json(const struct gen *g)
{
    return strcmp(g->o.zeek, "json") == 0;
}

static void zeek_line(struct gen *g, FILE *f, const char *text, size_t n)
{
    fwrite(text, 1, n, f);
    fputc('\n', f);
    g->bytes += n + 1;
    g->lines++;
    if (f == g->f)
        g->conn_lines++;
}

static void zeek_header(struct gen *g, FILE *f, const char *path, const char *fields,
                        const char *types)
{
    char buf[512];
    int n;

    if (zeek_json(g))
        return;
    zeek_line(g, f, "#separator \\x09", 15);
    zeek_line(g, f, "#set_separator\t,", 16);
    zeek_line(g, f, "#empty_field\t(empty)", 20);
    zeek_line(g, f, "#unset_field\t-", 14);
    n = snprintf(buf, sizeof(buf), "#path\t%s", path);
    zeek_line(g, f, buf, (size_t)n);
    zeek_line(g, f, "#open\t2026-11-02-00-00-00", 25);
    n = snprintf(buf, sizeof(buf), "#fields\t%s", fields);
    zeek_line(g, f, buf, (size_t)n);
    n = snprintf(buf, sizeof(buf), "#types\t%s", types);
    zeek_line(g, f, buf, (size_t)n);
}

static void zeek_close(struct gen *g, FILE *f)
{
    if (!zeek_json(g))
        zeek_line(g, f, "#close\t2026-11-03-00-00-00", 26);
}

static void zeek_ts(const struct gen *g, char out[32])
{
    (void)snprintf(out, 32, "%lld.%06lld", (long long)(g->usec / 1000000),
                   (long long)(g->usec % 1000000));
}

static void zeek_conn(struct gen *g, const char *src, const char *dst, unsigned dport)
{
    char ts[32], line[512];
    unsigned sport = 1024 + below(60000), ob = below(5000), rb = below(50000);
    int n;

    zeek_ts(g, ts);
    if (zeek_json(g))
        n = snprintf(
            line, sizeof(line),
            "{\"ts\":%s,\"uid\":\"C%08llx\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,"
            "\"id.resp_h\":\"%s\",\"id.resp_p\":%u,\"proto\":\"tcp\",\"service\":\"%s\","
            "\"duration\":%u.%03u,\"orig_bytes\":%u,\"resp_bytes\":%u,\"conn_state\":\"SF\"}",
            ts, (unsigned long long)g->flow_id, src, sport, dst, dport,
            dport == 443 ? "ssl" : "http", below(60), below(1000), ob, rb);
    else
        n = snprintf(line, sizeof(line),
                     "%s\tC%08llx\t%s\t%u\t%s\t%u\ttcp\t%s\t%u.%03u\t%u\t%u\tSF", ts,
                     (unsigned long long)g->flow_id, src, sport, dst, dport,
                     dport == 443 ? "ssl" : "http", below(60), below(1000), ob, rb);
    zeek_line(g, g->f, line, (size_t)n);
    g->events++;
    g->by_type[K_FLOW]++;
}

static void zeek_dns(struct gen *g, const char *src, const char *name)
{
    char ts[32], ip[48], line[768];
    unsigned sport = 1024 + below(60000), id = below(65536);
    int n;

    zeek_ts(g, ts);
    server_ip(ip);
    if (zeek_json(g))
        n = snprintf(line, sizeof(line),
                     "{\"ts\":%s,\"uid\":\"C%08llx\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,"
                     "\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\","
                     "\"trans_id\":%u,\"query\":\"%s\",\"qtype_name\":\"A\","
                     "\"rcode_name\":\"NOERROR\",\"answers\":[\"%s\"]}",
                     ts, (unsigned long long)g->flow_id, src, sport, id, name, ip);
    else
        n = snprintf(line, sizeof(line),
                     "%s\tC%08llx\t%s\t%u\t10.0.0.53\t53\tudp\t%u\t%s\tA\tNOERROR\t%s", ts,
                     (unsigned long long)g->flow_id, src, sport, id, name, ip);
    zeek_line(g, g->fd, line, (size_t)n);
    g->events++;
    g->by_type[K_DNS]++;
}

/* ---- CEF mode: syslog lines carrying CEF -------------------------------------------- */

static const char *const cef_sigs[][3] = {{"1001", "Port scan detected", "5"},
                                          {"2002", "Brute force login\\|SSH", "7"},
                                          {"3003", "Malware C2 beacon", "High"},
                                          {"4004", "Policy violation", "2"},
                                          {"5005", "Suspicious DNS tunnel", "Medium"}};

/* One CEF alert from src to dst; host and path: a request URL (NULL: none). Lines
 * alternate between an RFC 5424 header and an RFC 3164 one with rt in milliseconds. */
static void cef_alert(struct gen *g, const char *src, const char *dst, const char *host,
                      const char *path)
{
    char ts[64], line[1024], req[400] = "";
    uint32_t k = below(5);
    int n;

    if (host != NULL)
        (void)snprintf(req, sizeof(req), " dhost=%s request=http://%s%s", host, host, path);
    fmt_time(ts, g->usec);
    ts[19] = 'Z'; /* "2026-11-02T00:00:07Z": seconds suffice */
    ts[20] = '\0';
    if (below(2))
        n = snprintf(line, sizeof(line),
                     "<134>1 %s fw01 ips - - - CEF:0|Acme|IPS|5.1|%s|%s|%s|src=%s spt=%u dst=%s "
                     "dpt=%u proto=TCP act=alert msg=seen by fw01 = edge%s",
                     ts, cef_sigs[k][0], cef_sigs[k][1], cef_sigs[k][2], src, 1024 + below(60000),
                     dst, below(2) ? 443 : 22, req);
    else
        n = snprintf(line, sizeof(line),
                     "<134>Nov  2 00:00:00 fw02 CEF:0|Acme|IPS|5.2|%s|%s|%s|rt=%lld%03u src=%s "
                     "dst=%s dpt=%u cs1Label=zone cs1=dmz\\=west%s",
                     cef_sigs[k][0], cef_sigs[k][1], cef_sigs[k][2], (long long)(g->usec / 1000000),
                     (unsigned)(g->usec / 1000 % 1000), src, dst, below(2) ? 443 : 22, req);
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, g->f);
    g->bytes += (uint64_t)n;
    g->lines++;
    g->events++;
    g->by_type[K_ALERT]++;
}

static void ev_flow(struct gen *g, const char *src, const char *dst, unsigned dport)
{
    char st[64];
    unsigned ps, pc;
    size_t n;

    if (g->o.zeek != NULL) {
        zeek_conn(g, src, dst, dport);
        return;
    }
    ps = 2 + below(40);
    pc = below(40);
    n = head(g, "flow", src, 1024 + below(60000), dst, dport, "TCP");

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
    bool answer;
    size_t n;

    if (g->o.zeek != NULL) { /* a Zeek dns record always names its query */
        zeek_dns(g, src, name);
        return;
    }
    answer = below(3) == 0 && !only_query;
    n = head(g, "dns", src, 1024 + below(60000), "10.0.0.53", 53, "UDP");

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
    if (g->o.cef) {
        cef_alert(g, src, dst, r < 30 ? name : NULL, "/index.html");
        return;
    }
    if (g->o.zeek != NULL) { /* conn.log and dns.log only: 4 flows to 3 queries */
        if (r < 57)
            ev_flow(g, src, dst, below(2) ? 443 : 80);
        else
            ev_dns(g, src, name, false);
        return;
    }
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
    if (g->o.cef) { /* an alert naming the C&C's address, or its host and URL */
        char benign_dst[48];
        r = 1 + (r & 1); /* 1: flow-listed, 2: http-listed */
        server_ip(benign_dst);
        if (r == 1)
            cef_alert(g, src, ip, NULL, NULL);
        else
            cef_alert(g, src, benign_dst, name, "/gate.php");
        g->listed[r]++;
        h->listed++;
        return;
    }
    if (g->o.zeek != NULL)
        r = r & 1; /* Zeek: a dns query or a flow */
    if (r == 0)    /* ooda counts queries: an answer repeats the query's name */
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
    static const char *const bad_tsv[] = {
        "1793577600.000000\tCbad\t10.0.0.1",
        "yesterday\tCbad\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\thttp\t1.0\t1\t1\tSF",
        "1793577600.000000\tCbad\t10.0.0.999\t1\t10.0.0.2\t80\ttcp\thttp\t1.0\t1\t1\tSF",
        "1793577600.000000\tCbad\t10.0.0.1\tssh\t10.0.0.2\t80\ttcp\thttp\t1.0\t1\t1\tSF"};
    static const char *const bad_json[] = {
        "{\"ts\":1793577600.0,\"uid\":\"Cbad\",\"id.orig_h\":",
        "{\"ts\":\"yesterday\",\"uid\":\"Cbad\",\"id.orig_h\":\"10.0.0.1\","
        "\"id.resp_h\":\"10.0.0.2\"}",
        "{\"ts\":1793577600.0,\"uid\":\"Cbad\",\"id.orig_h\":\"10.0.0.999\","
        "\"id.resp_h\":\"10.0.0.2\"}",
        "{\"ts\":1793577600.0,\"uid\":\"Cbad\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":\"ssh\","
        "\"id.resp_h\":\"10.0.0.2\"}"};
    static const char *const bad_cef[] = {
        "<134>1 2026-11-02T00:00:00Z fw01 ips - - - CEF:0|Acme|IPS|5.1|1001",
        "<134>1 2026-11-02T00:00:00Z fw01 ips - - - CEF:0|Acme|IPS|5.1|1001|x|5|dst=10.0.0.2",
        "<134>1 2026-11-02T00:00:00Z fw01 ips - - - CEF:0|Acme|IPS|5.1|1001|x|5|src=10.0.0.999",
        "<134>Nov  2 00:00:00 fw02 CEF:0|Acme|IPS|5.2|1001|x|5|src=10.0.0.1 dst=10.0.0.2"};
    const char *s = g->o.cef            ? bad_cef[g->bad % 4]
                    : g->o.zeek == NULL ? bad[g->bad % 5]
                    : zeek_json(g)      ? bad_json[g->bad % 4]
                                        : bad_tsv[g->bad % 4];

    fprintf(g->f, "%s\n", s);
    g->bytes += strlen(s) + 1;
    g->lines++;
    g->conn_lines++;
    if (g->bad < 64)
        g->bad_at[g->bad] = g->o.zeek != NULL ? g->conn_lines : g->lines;
    g->bad++;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-eve --out FILE --truth FILE [--events N | --bytes B] [--hosts H]\n"
                    "               [--indicators FILE] [--infected-rate R] [--bad K]\n"
                    "               [--zeek tsv|json --dns-out FILE | --cef yes]\n"
                    "               [--seed S] [--start UNIX]\n");
    exit(64);
}

static void parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){NULL, NULL, NULL, NULL,  NULL, false,     100000,
                       0,    0,    1,    10000, 0.01, 1793577600};
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
        else if (strcmp(a, "--zeek") == 0)
            o->zeek = v;
        else if (strcmp(a, "--dns-out") == 0)
            o->dns_out = v;
        else if (strcmp(a, "--cef") == 0)
            o->cef = strcmp(v, "yes") == 0;
        else
            usage();
    }
    if (o->out == NULL || o->truth == NULL || o->hosts == 0 || o->hosts > (1u << 24))
        usage();
    if (o->zeek != NULL &&
        (o->dns_out == NULL || (strcmp(o->zeek, "tsv") != 0 && strcmp(o->zeek, "json") != 0)))
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
    if (g.o.zeek != NULL) {
        g.fd = fopen(g.o.dns_out, "w");
        if (g.fd == NULL) {
            perror(g.o.dns_out);
            return 73;
        }
        zeek_header(&g, g.f, "conn", conn_fields, conn_types);
        zeek_header(&g, g.fd, "dns", dns_fields, dns_types);
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
    if (g.fd != NULL) {
        zeek_close(&g, g.f);
        zeek_close(&g, g.fd);
        if (fclose(g.fd) != 0) {
            perror(g.o.dns_out);
            return 74;
        }
    }
    if (fclose(g.f) != 0) {
        perror(g.o.out);
        return 74;
    }
    if (g.o.indicators != NULL)
        write_indicators(&g);
    write_truth(&g);
    return 0;
}
