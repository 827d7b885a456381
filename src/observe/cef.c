/* cef.c - syslog lines carrying ArcSight CEF (docs/sensors.md) into struct ev_rec: the
 * header "CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|" (\| and \\
 * escaped) and the key=value extension (a value runs to the next " key="; \= escaped).
 * A CEF event is an alert: its signature is the Name, kept under an id derived from
 * vendor, product and signature id; src, dst, their ports, the time (rt, else the RFC
 * 5424 syslog time) and the request URL or destination host are read. CEF's escapes
 * (\| \\ \=) are kept as written in the texts ooda stores. */
#include "observe/events.h"

#include <string.h>

/* The position of "CEF:" in the line, or NULL. */
static const char *cef_start(const char *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (p[i] == 'C' && memcmp(p + i, "CEF:", 4) == 0)
            return p + i;
    return NULL;
}

bool observe_cef_sniff(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);

    return cef_start(data, nl != NULL ? (size_t)(nl - data) : len) != NULL;
}

static int bad(const char **reason, const char *why)
{
    *reason = why;
    return -1;
}

/* Splits the 7 header fields after "CEF:"; returns where the extension starts, or NULL. */
static const char *header(const char *p, const char *end, struct jscan_val f[7])
{
    int k = 0;
    const char *s = p;

    for (; p < end && k < 7; p++) {
        if (*p == '\\' && p + 1 < end) {
            p++;
            continue;
        }
        if (*p == '|') {
            f[k++] = (struct jscan_val){s, (uint32_t)(p - s), JS_STR, false};
            s = p + 1;
        }
    }
    return k == 7 ? p : NULL;
}

/* Whether [p, end) starts with a key and '=': the start of the next pair. */
static size_t key_len(const char *p, const char *end)
{
    size_t n = 0;

    while (p + n < end && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
                           (p[n] >= '0' && p[n] <= '9') || p[n] == '_' || p[n] == '.'))
        n++;
    return n > 0 && p + n < end && p[n] == '=' ? n : 0;
}

enum { X_SRC, X_DST, X_SPT, X_DPT, X_RT, X_REQUEST, X_DHOST, X_N };
static const char *const x_keys[X_N] = {"src", "dst", "spt", "dpt", "rt", "request", "dhost"};

/* The extension's values we read (spans; esc when a backslash is inside). */
static void extension(const char *p, const char *end, struct jscan_val x[X_N])
{
    memset(x, 0, X_N * sizeof(*x));
    while (p < end) {
        size_t k;
        const char *v, *q;
        while (p < end && *p == ' ')
            p++;
        k = key_len(p, end);
        if (k == 0) { /* not a pair: skip a word */
            while (p < end && *p != ' ')
                p++;
            continue;
        }
        v = p + k + 1;
        for (q = v; q < end; q++) {
            if (*q == '\\' && q + 1 < end) {
                q++;
                continue;
            }
            if (*q == ' ' && key_len(q + 1, end) > 0)
                break;
        }
        for (int i = 0; i < X_N; i++)
            if (strlen(x_keys[i]) == k && memcmp(p, x_keys[i], k) == 0 && x[i].type == JS_NONE)
                x[i] = (struct jscan_val){v, (uint32_t)(q - v), JS_STR, false};
        p = q;
    }
}

/* rt: epoch milliseconds, or "MMM dd yyyy HH:mm:ss" (UTC). */
static bool cef_time(const struct jscan_val *v, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *p = v->p;
    uint64_t ms = 0;
    char iso[32];
    int m = -1;

    if (v->len > 0 && v->len <= 16 && p[0] >= '0' && p[0] <= '9') {
        for (uint32_t i = 0; i < v->len; i++) {
            if (p[i] < '0' || p[i] > '9')
                return false;
            ms = ms * 10 + (uint64_t)(p[i] - '0');
        }
        *out = (int64_t)(ms / 1000);
        return true;
    }
    if (v->len < 20 || p[3] != ' ' || p[6] != ' ' || p[11] != ' ')
        return false;
    for (int i = 0; i < 12; i++)
        if (memcmp(p, months + 3 * i, 3) == 0)
            m = i + 1;
    if (m < 0)
        return false;
    (void)snprintf(iso, sizeof(iso), "%.4s-%02d-%.2sT%.8sZ", p + 7, m, p + 4, p + 12);
    return observe_eve_time(iso, strlen(iso), out);
}

/* The RFC 5424 time before "CEF:" ("<PRI>1 TIME HOST ..."), if the line has one. */
static bool syslog_time(const char *line, const char *cef, int64_t *out)
{
    const char *p = line, *sp;

    if (p < cef && *p == '<')
        while (p < cef && *p != '>')
            p++;
    if (p + 3 >= cef || p[0] != '>' || p[1] != '1' || p[2] != ' ')
        return false;
    p += 3;
    sp = memchr(p, ' ', (size_t)(cef - p));
    return sp != NULL && observe_eve_time(p, (size_t)(sp - p), out);
}

static uint8_t severity(const struct jscan_val *v)
{
    unsigned n = 0;

    if (v->len == 0)
        return 3;
    if (v->p[0] >= '0' && v->p[0] <= '9') {
        for (uint32_t i = 0; i < v->len && i < 3 && v->p[i] >= '0' && v->p[i] <= '9'; i++)
            n = n * 10 + (unsigned)(v->p[i] - '0');
        return n >= 7 ? 1 : n >= 4 ? 2 : 3;
    }
    if ((v->len == 4 && memcmp(v->p, "High", 4) == 0) ||
        (v->len == 9 && memcmp(v->p, "Very-High", 9) == 0))
        return 1;
    return v->len == 6 && memcmp(v->p, "Medium", 6) == 0 ? 2 : 3;
}

/* A stable id for vendor|product|signature id, above Suricata's signature ids. */
static uint32_t sig_of(const struct jscan_val f[7])
{
    uint32_t h = 2166136261u;

    for (int k = 1; k <= 4; k++) {
        if (k == 3)
            continue; /* the device version does not change what the signature is */
        for (uint32_t i = 0; i < f[k].len; i++)
            h = (h ^ (uint8_t)f[k].p[i]) * 16777619u;
        h = (h ^ '|') * 16777619u;
    }
    return h | 0x80000000u;
}

int observe_cef_parse(const char *line, size_t len, struct ev_rec *r, const char **reason)
{
    const char *end = line + len, *cef = cef_start(line, len), *ext;
    struct jscan_val f[7], x[X_N];

    if (cef == NULL)
        return bad(reason, "no CEF: in the line");
    ext = header(cef + 4, end, f);
    if (ext == NULL)
        return bad(reason, "CEF header: fewer than 7 fields");
    extension(ext, end, x);
    memset(r, 0, sizeof(*r));
    r->kind = EV_ALERT;
    if (!(x[X_RT].type == JS_STR && cef_time(&x[X_RT], &r->ts)) && !syslog_time(line, cef, &r->ts))
        return bad(reason, "no time: rt, or an RFC 5424 syslog time");
    if (!observe_ev_ip(&x[X_SRC], &r->src))
        return bad(reason, "src: missing or not an IP address");
    if (x[X_DST].type != JS_NONE && !observe_ev_ip(&x[X_DST], &r->dst))
        return bad(reason, "dst: not an IP address");
    for (int i = X_SPT; i <= X_DPT; i++)
        if (x[i].type != JS_NONE)
            x[i].type = JS_NUM;
    if (!observe_ev_port(&x[X_SPT], &r->sport) || !observe_ev_port(&x[X_DPT], &r->dport))
        return bad(reason, "spt or dpt: not a port number");
    r->sig_id = sig_of(f);
    r->sig = f[5];
    r->cat = f[2]; /* the product */
    r->severity = severity(&f[6]);
    r->url = x[X_REQUEST];
    r->name = x[X_DHOST];
    return 1;
}
