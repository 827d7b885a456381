/* cowrie.c - Cowrie honeypot JSON lines into struct ev_rec (docs/sensors.md): sessions,
 * login attempts and successes, commands, downloads and uploads; the other Cowrie event
 * ids are valid and skipped; the log's format is told from its first lines. */
#include "observe/events.h"

#include <string.h>

enum { V_ID, V_TS, V_SRC, V_SPORT, V_DST, V_DPORT, V_USER, V_INPUT, V_URL, V_SHASUM, V_N };

#define K(s, id)                                                                                   \
    {                                                                                              \
        s, sizeof(s) - 1, id, NULL                                                                 \
    }
static const struct jscan_key root_k[] = {
    K("eventid", V_ID), K("timestamp", V_TS),   K("src_ip", V_SRC),    K("src_port", V_SPORT),
    K("dst_ip", V_DST), K("dst_port", V_DPORT), K("username", V_USER), K("input", V_INPUT),
    K("url", V_URL),    K("shasum", V_SHASUM)};
static const struct jscan_keys root_t = {root_k, sizeof(root_k) / sizeof(root_k[0])};

static const struct {
    const char *id;
    int kind;
} used[] = {
    {"cowrie.session.connect", EV_HP_CONNECT},
    {"cowrie.login.failed", EV_HP_LOGIN_FAILED},
    {"cowrie.login.success", EV_HP_LOGIN},
    {"cowrie.command.input", EV_HP_COMMAND},
    {"cowrie.command.failed", EV_HP_COMMAND},
    {"cowrie.session.file_download", EV_HP_DOWNLOAD},
    {"cowrie.session.file_upload", EV_HP_DOWNLOAD},
};

/* Cowrie's other event ids: valid, not used. */
static const char *const skipped_ids[] = {
    "cowrie.client.version",      "cowrie.client.kex",
    "cowrie.client.size",         "cowrie.client.var",
    "cowrie.client.fingerprint",  "cowrie.session.closed",
    "cowrie.session.params",      "cowrie.session.file_download.failed",
    "cowrie.session.input",       "cowrie.log.open",
    "cowrie.log.closed",          "cowrie.direct-tcpip.request",
    "cowrie.direct-tcpip.data",   "cowrie.command.success",
    "cowrie.login.attempt",       "cowrie.tcpip.request",
    "cowrie.virustotal.scanfile", "cowrie.virustotal.scanurl",
    "cowrie.abuseipdb.reportedip"};

static bool is(const struct jscan_val *v, const char *s)
{
    size_t n = strlen(s);

    return v->type == JS_STR && v->len == n && !v->esc && memcmp(v->p, s, n) == 0;
}

static int bad(const char **reason, const char *why)
{
    *reason = why;
    return -1;
}

/* Copies a printable, short form of the event id into out (for the reason). */
static void name_it(const struct jscan_val *v, char out[32])
{
    size_t n = v->len < 31 ? v->len : 31;

    for (size_t i = 0; i < n; i++)
        out[i] = v->p[i] >= 0x20 && v->p[i] < 0x7f ? v->p[i] : '?';
    out[n] = '\0';
}

static bool str_or_absent(const struct jscan_val *v)
{
    return v->type == JS_NONE || v->type == JS_STR;
}

static int fill(struct ev_rec *r, const struct jscan_val *v, const char **reason)
{
    switch (r->kind) {
    case EV_HP_LOGIN:
    case EV_HP_LOGIN_FAILED:
        if (!str_or_absent(&v[V_USER]))
            return bad(reason, "username: not a string");
        r->user = v[V_USER];
        return 1;
    case EV_HP_COMMAND:
        if (v[V_INPUT].type != JS_STR)
            return bad(reason, "input: missing or not a string");
        r->input = v[V_INPUT];
        return 1;
    case EV_HP_DOWNLOAD:
        if (!str_or_absent(&v[V_URL]) || !str_or_absent(&v[V_SHASUM]))
            return bad(reason, "url or shasum: not a string");
        r->dl_url = v[V_URL];
        r->sha256 = v[V_SHASUM];
        return 1;
    default:
        return 1;
    }
}

int observe_cowrie_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                         size_t *off, char skipped_type[32])
{
    struct jscan_val v[V_N];
    int kind = -1;

    *off = SIZE_MAX;
    skipped_type[0] = '\0';
    if (!jscan_object(line, len, &root_t, v, V_N, off, reason))
        return -1;
    if (v[V_ID].type != JS_STR)
        return bad(reason, "eventid: missing or not a string");
    for (size_t i = 0; i < sizeof(used) / sizeof(used[0]) && kind < 0; i++)
        if (is(&v[V_ID], used[i].id))
            kind = used[i].kind;
    if (kind < 0) {
        name_it(&v[V_ID], skipped_type);
        for (size_t i = 0; i < sizeof(skipped_ids) / sizeof(skipped_ids[0]); i++)
            if (is(&v[V_ID], skipped_ids[i]))
                return 0;
        return bad(reason, "unknown eventid");
    }
    memset(r, 0, sizeof(*r));
    r->kind = (uint8_t)kind;
    if (v[V_TS].type != JS_STR || v[V_TS].esc || !observe_eve_time(v[V_TS].p, v[V_TS].len, &r->ts))
        return bad(reason, "timestamp: missing or not an RFC 3339 time");
    if (!observe_ev_ip(&v[V_SRC], &r->src))
        return bad(reason, "src_ip: missing or not an IP address");
    if (v[V_DST].type != JS_NONE && !observe_ev_ip(&v[V_DST], &r->dst))
        return bad(reason, "dst_ip: not an IP address");
    if (!observe_ev_port(&v[V_SPORT], &r->sport) || !observe_ev_port(&v[V_DPORT], &r->dport))
        return bad(reason, "src_port or dst_port: not a port number");
    return fill(r, v, reason);
}

/* Looks at up to 16 lines: the first that names its event decides. */
enum ev_format observe_log_format(const char *data, size_t len)
{
    static const struct jscan_key k[] = {{"eventid", 7, 0, NULL},
                                         {"event_type", 10, 1, NULL},
                                         {"uid", 3, 2, NULL},
                                         {"id.orig_h", 9, 3, NULL}};
    static const struct jscan_keys t = {k, 4};
    size_t pos = 0;

    if (len >= 10 && memcmp(data, "#separator", 10) == 0)
        return EVF_ZEEK_TSV;
    if (len > 0 && data[0] != '{' && observe_cef_sniff(data, len))
        return EVF_CEF;
    for (int i = 0; i < 16 && pos < len; i++) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : len, off;
        struct jscan_val v[4];
        const char *why;
        if (jscan_object(data + pos, end - pos, &t, v, 4, &off, &why)) {
            if (v[0].type == JS_STR && v[0].len > 7 && memcmp(v[0].p, "cowrie.", 7) == 0)
                return EVF_COWRIE;
            if (v[1].type == JS_STR)
                return EVF_EVE;
            if (v[2].type == JS_STR || v[3].type == JS_STR)
                return EVF_ZEEK_JSON;
        }
        pos = end + 1;
    }
    return EVF_EVE;
}
