/* gen-cowrie.c - a synthetic Cowrie honeypot JSON log with ground truth, for the Cowrie
 * ingest's tests.
 *
 *   gen-cowrie --out FILE --truth FILE [--sessions N] [--attackers A] [--bad K]
 *              [--seed S] [--start UNIX]
 *
 * N SSH/Telnet sessions (default 2000) from A attacker addresses (default 300, public
 * IPv4 outside the special-purpose ranges), within 20 hours from T (default
 * 2026-11-02T00:00:00Z). A session: connect, client version (skipped by ooda), 1-5
 * failed logins; three in ten log in, run 1-4 commands (Mirai-style droppers), and half
 * of those download a sample (one of 8 URLs on 4 hosts; the sample's SHA-256 follows its
 * URL) or, one time in ten, upload one over SFTP (no URL); then the session closes
 * (skipped). K bad lines (truncated, unknown eventid, port as text, not JSON) are spread
 * through the file. All in one UTC day.
 * The truth JSON has: lines, events, skipped, bad, bad_lines, by_type (ooda's event
 * kinds), infected (attackers with a login, command or download), hosts (address ->
 * {login, command, download} counts), and indicators (distinct URLs plus distinct
 * hashes downloaded or uploaded). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const users[] = {"root", "admin", "support", "user", "guest", "pi", "ubnt"};
static const char *const passes[] = {"xc3511", "vizxv", "admin", "888888", "default", "1234"};
static const char *const cmds[] = {"enable",
                                   "system",
                                   "shell",
                                   "sh",
                                   "cat /proc/mounts; /bin/busybox ECCHI",
                                   "cd /tmp || cd /var/run; rm -rf x86",
                                   "uname -a",
                                   "nproc"};
static const char *const hosts[] = {"198.51.100.23", "dl.badsite.example", "203.0.113.50",
                                    "cdn.evil-files.example"};
static const char *const bins[] = {"x86", "mips", "arm7", "mpsl"};

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

struct attacker {
    char ip[20];
    uint64_t login, command, download;
};

struct gen {
    FILE *f;
    struct attacker *a;
    uint32_t na;
    uint64_t lines, events, skipped, bad, by_type[5], bad_at[64];
    int64_t usec;
    bool url_seen[8], hash_seen[16];
};

static void ts(const struct gen *g, char out[64])
{
    time_t t = (time_t)(g->usec / 1000000);
    struct tm tm;

    gmtime_r(&t, &tm);
    (void)snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
                   tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(g->usec % 1000000));
}

/* One line: {"eventid":ID,<fields>,"session":S,"src_ip":IP,"timestamp":T}. kind -1:
 * skipped by ooda. */
__attribute__((format(printf, 5, 6))) static void
line(struct gen *g, const char *id, const struct attacker *at, int kind, const char *fmt, ...)
{
    char t[64];
    va_list ap;

    g->usec += 1 + below(200000);
    ts(g, t);
    fprintf(g->f, "{\"eventid\":\"%s\",", id);
    va_start(ap, fmt);
    vfprintf(g->f, fmt, ap);
    va_end(ap);
    fprintf(g->f,
            "%s\"session\":\"%08x\",\"src_ip\":\"%s\",\"sensor\":\"hp\",\"timestamp\":\"%s\"}\n",
            *fmt ? "," : "", (unsigned)g->lines, at->ip, t);
    g->lines++;
    if (kind < 0) {
        g->skipped++;
    } else {
        g->events++;
        g->by_type[kind]++;
    }
}

static void sample_hash(uint32_t i, char out[65])
{
    for (int k = 0; k < 64; k++)
        out[k] = "0123456789abcdef"[(i * 2654435761u + (uint32_t)k * 40503u) >> (k % 7) & 15];
    out[64] = '\0';
}

static void session(struct gen *g, struct attacker *at)
{
    int fails = 1 + (int)below(5);

    line(g, "cowrie.session.connect", at, 0,
         "\"src_port\":%u,\"dst_ip\":\"10.0.0.5\",\"dst_port\":%u,\"protocol\":\"%s\"",
         1024 + below(60000), below(2) ? 22 : 23, below(2) ? "ssh" : "telnet");
    line(g, "cowrie.client.version", at, -1, "\"version\":\"SSH-2.0-Go\"");
    for (int i = 0; i < fails; i++)
        line(g, "cowrie.login.failed", at, 1, "\"username\":\"%s\",\"password\":\"%s\"",
             users[below(7)], passes[below(6)]);
    if (below(10) < 3) {
        int nc = 1 + (int)below(4);
        line(g, "cowrie.login.success", at, 2, "\"username\":\"%s\",\"password\":\"%s\"",
             users[below(7)], passes[below(6)]);
        at->login++;
        for (int i = 0; i < nc; i++) {
            line(g, "cowrie.command.input", at, 3, "\"input\":\"%s\"", cmds[below(8)]);
            at->command++;
        }
        if (below(2)) {
            uint32_t u = below(8);
            char h[65];
            sample_hash(u, h);
            if (below(10) == 0) {
                sample_hash(8 + u, h);
                line(g, "cowrie.session.file_upload", at, 4,
                     "\"filename\":\"%s\",\"shasum\":\"%s\"", bins[u % 4], h);
                g->hash_seen[8 + u] = true;
            } else {
                line(g, "cowrie.session.file_download", at, 4,
                     "\"url\":\"http://%s/bins/%s\",\"outfile\":\"dl/%s\",\"shasum\":\"%s\"",
                     hosts[u / 2], bins[u % 4], h, h);
                g->url_seen[u] = true;
                g->hash_seen[u] = true;
            }
            at->download++;
        }
    }
    line(g, "cowrie.session.closed", at, -1, "\"duration\":%u.%u", below(60), below(10));
}

static void bad_line(struct gen *g)
{
    static const char *const bad[] = {
        "{\"eventid\":\"cowrie.login.failed\",\"username\":\"root\",\"src_ip\":",
        "{\"eventid\":\"cowrie.bogus.event\",\"src_ip\":\"1.2.3.4\","
        "\"timestamp\":\"2026-11-02T00:00:00Z\"}",
        "{\"eventid\":\"cowrie.session.connect\",\"src_ip\":\"1.2.3.4\",\"src_port\":\"ssh\","
        "\"timestamp\":\"2026-11-02T00:00:00Z\"}",
        "not json at all"};

    fprintf(g->f, "%s\n", bad[g->bad % 4]);
    g->lines++;
    if (g->bad < 64)
        g->bad_at[g->bad] = g->lines;
    g->bad++;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-cowrie --out FILE --truth FILE [--sessions N] [--attackers A]\n"
                    "                  [--bad K] [--seed S] [--start UNIX]\n");
    exit(64);
}

static void write_truth(struct gen *g, const char *path)
{
    static const char *const kinds[] = {"honeypot-connect", "honeypot-login-failed",
                                        "honeypot-login", "honeypot-command", "honeypot-download"};
    FILE *t = fopen(path, "w");
    uint64_t inf = 0, ind = 0;
    bool first = true;

    if (t == NULL) {
        perror(path);
        exit(73);
    }
    for (uint32_t i = 0; i < g->na; i++)
        inf += g->a[i].login + g->a[i].command + g->a[i].download > 0;
    for (int i = 0; i < 8; i++)
        ind += g->url_seen[i];
    for (int i = 0; i < 16; i++)
        ind += g->hash_seen[i];
    fprintf(t, "{\"lines\":%llu,\"events\":%llu,\"skipped\":%llu,\"bad\":%llu,\"by_type\":{",
            (unsigned long long)g->lines, (unsigned long long)g->events,
            (unsigned long long)g->skipped, (unsigned long long)g->bad);
    for (int k = 0; k < 5; k++)
        fprintf(t, "%s\"%s\":%llu", k ? "," : "", kinds[k], (unsigned long long)g->by_type[k]);
    fprintf(t, "},\"infected\":%llu,\"indicators\":%llu,\"bad_lines\":[", (unsigned long long)inf,
            (unsigned long long)ind);
    for (uint64_t i = 0; i < g->bad && i < 64; i++)
        fprintf(t, "%s%llu", i ? "," : "", (unsigned long long)g->bad_at[i]);
    fprintf(t, "],\"hosts\":{");
    for (uint32_t i = 0; i < g->na; i++) {
        const struct attacker *a = &g->a[i];
        if (a->login + a->command + a->download == 0)
            continue;
        fprintf(t, "%s\"%s\":{\"login\":%llu,\"command\":%llu,\"download\":%llu}", first ? "" : ",",
                a->ip, (unsigned long long)a->login, (unsigned long long)a->command,
                (unsigned long long)a->download);
        first = false;
    }
    fprintf(t, "}}\n");
    fclose(t);
}

int main(int argc, char **argv)
{
    static struct gen g;
    const char *out = NULL, *truth = NULL;
    uint64_t sessions = 2000, nbad = 0, seed = 1, gap, next;
    int64_t start = 1793577600;

    g.na = 300;
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            usage();
        if (strcmp(argv[i], "--out") == 0)
            out = v;
        else if (strcmp(argv[i], "--truth") == 0)
            truth = v;
        else if (strcmp(argv[i], "--sessions") == 0)
            sessions = strtoull(v, NULL, 10);
        else if (strcmp(argv[i], "--attackers") == 0)
            g.na = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(argv[i], "--bad") == 0)
            nbad = strtoull(v, NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(argv[i], "--start") == 0)
            start = strtoll(v, NULL, 10);
        else
            usage();
    }
    if (out == NULL || truth == NULL || g.na == 0 || g.na > 100000 || sessions > 100000)
        usage();
    rng = seed * 0x2545f4914f6cdd1dULL + 1;
    g.f = fopen(out, "w");
    g.a = calloc(g.na, sizeof(*g.a));
    if (g.f == NULL || g.a == NULL) {
        perror(out);
        return 73;
    }
    for (uint32_t i = 0; i < g.na; i++) { /* 45.0.0.0 and up: public, distinct */
        uint32_t v = (45u << 24) + i * 7919u + 1;
        (void)snprintf(g.a[i].ip, sizeof(g.a[i].ip), "%u.%u.%u.%u", v >> 24, v >> 16 & 255,
                       v >> 8 & 255, v & 255);
    }
    g.usec = start * 1000000;
    gap = nbad > 0 ? sessions / (nbad + 1) + 1 : 0;
    next = gap;
    for (uint64_t s = 0; s < sessions; s++) {
        if (g.bad < nbad && s == next) {
            bad_line(&g);
            next += gap;
        }
        g.usec = start * 1000000 + (int64_t)(s * (72000000000ULL / (sessions + 1)));
        session(&g, &g.a[below(g.na)]);
    }
    while (g.bad < nbad)
        bad_line(&g);
    if (fclose(g.f) != 0) {
        perror(out);
        return 74;
    }
    write_truth(&g, truth);
    return 0;
}
