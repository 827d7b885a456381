/* json-rate.c - how fast a JSON-lines file can be parsed, line by line, by cJSON (a DOM
 * per line, what a library gives) and by ooda's scanner (observe/jscan.c, with the key
 * paths the EVE ingest reads). bench/eve.sh prints both beside the end-to-end ingest:
 * they are the measurement that justifies a hand-written scanner on this hot path.
 *
 *   json-rate cjson|jscan FILE [RUNS]
 *
 * Prints: mode, bytes, lines, rejected lines, best-of-RUNS seconds (thread CPU time) and
 * MB/s. The file is read into memory first; only parsing is timed. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "observe/jscan.h"

enum {
    V_TS,
    V_TYPE,
    V_SRC,
    V_SPORT,
    V_DST,
    V_DPORT,
    V_PROTO,
    V_SIGID,
    V_SIG,
    V_CAT,
    V_SEV,
    V_DNSTYPE,
    V_RRNAME,
    V_RRTYPE,
    V_HOST,
    V_URL,
    V_UA,
    V_STATUS,
    V_SNI,
    V_MD5,
    V_SHA256,
    V_FNAME,
    V_FSIZE,
    V_PTS,
    V_PTC,
    V_BTS,
    V_BTC,
    V_N
};

#define K(s, id)                                                                                   \
    {                                                                                              \
        s, sizeof(s) - 1, id, NULL                                                                 \
    }
static const struct jscan_key alert_k[] = {K("signature_id", V_SIGID), K("signature", V_SIG),
                                           K("category", V_CAT), K("severity", V_SEV)};
static const struct jscan_keys alert_t = {alert_k, 4};
static const struct jscan_key q_k[] = {K("rrname", V_RRNAME), K("rrtype", V_RRTYPE)};
static const struct jscan_keys q_t = {q_k, 2};
static const struct jscan_key dns_k[] = {
    K("type", V_DNSTYPE), K("rrname", V_RRNAME), K("rrtype", V_RRTYPE), {"queries", 7, 0, &q_t}};
static const struct jscan_keys dns_t = {dns_k, 4};
static const struct jscan_key http_k[] = {K("hostname", V_HOST), K("url", V_URL),
                                          K("http_user_agent", V_UA), K("status", V_STATUS)};
static const struct jscan_keys http_t = {http_k, 4};
static const struct jscan_key tls_k[] = {K("sni", V_SNI)};
static const struct jscan_keys tls_t = {tls_k, 1};
static const struct jscan_key file_k[] = {K("md5", V_MD5), K("sha256", V_SHA256),
                                          K("filename", V_FNAME), K("size", V_FSIZE)};
static const struct jscan_keys file_t = {file_k, 4};
static const struct jscan_key flow_k[] = {K("pkts_toserver", V_PTS), K("pkts_toclient", V_PTC),
                                          K("bytes_toserver", V_BTS), K("bytes_toclient", V_BTC)};
static const struct jscan_keys flow_t = {flow_k, 4};
static const struct jscan_key root_k[] = {
    K("timestamp", V_TS),    K("event_type", V_TYPE),   K("src_ip", V_SRC),
    K("src_port", V_SPORT),  K("dest_ip", V_DST),       K("dest_port", V_DPORT),
    K("proto", V_PROTO),     {"alert", 5, 0, &alert_t}, {"dns", 3, 0, &dns_t},
    {"http", 4, 0, &http_t}, {"tls", 3, 0, &tls_t},     {"fileinfo", 8, 0, &file_t},
    {"flow", 4, 0, &flow_t}};
static const struct jscan_keys root_t = {root_k, sizeof(root_k) / sizeof(root_k[0])};

static double cpu_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Parses every line of [d, d + n); returns the number rejected. */
static size_t run(int jscan, const char *d, size_t n, size_t *lines, size_t *sink)
{
    size_t bad = 0;
    const char *p = d, *end = d + n;

    *lines = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (jscan) {
            struct jscan_val v[V_N];
            size_t off;
            const char *why;
            if (!jscan_object(p, len, &root_t, v, V_N, &off, &why))
                bad++;
            else
                *sink += v[V_TYPE].len + v[V_SRC].len;
        } else {
            cJSON *j = cJSON_ParseWithLength(p, len);
            if (j == NULL)
                bad++;
            else
                *sink += cJSON_GetObjectItemCaseSensitive(j, "event_type") != NULL;
            cJSON_Delete(j);
        }
        (*lines)++;
        p += len + 1;
    }
    return bad;
}

int main(int argc, char **argv)
{
    FILE *f;
    char *d;
    long n;
    int runs = argc > 3 ? atoi(argv[3]) : 3, jscan;
    double best = 1e30;
    size_t lines = 0, bad = 0, sink = 0;

    if (argc < 3 || (strcmp(argv[1], "cjson") != 0 && strcmp(argv[1], "jscan") != 0)) {
        fprintf(stderr, "usage: json-rate cjson|jscan FILE [RUNS]\n");
        return 64;
    }
    jscan = strcmp(argv[1], "jscan") == 0;
    f = fopen(argv[2], "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        perror(argv[2]);
        return 66;
    }
    d = malloc((size_t)n + 1);
    if (d == NULL || fread(d, 1, (size_t)n, f) != (size_t)n) {
        perror(argv[2]);
        return 66;
    }
    fclose(f);
    for (int r = 0; r < (runs > 0 ? runs : 1); r++) {
        double t0 = cpu_now(), t;
        bad = run(jscan, d, (size_t)n, &lines, &sink);
        t = cpu_now() - t0;
        if (t < best)
            best = t;
    }
    printf("%s bytes %ld lines %zu rejected %zu seconds %.3f MB/s %.1f (%zu)\n", argv[1], n, lines,
           bad, best, (double)n / best / 1e6, sink % 2);
    free(d);
    return 0;
}
