/* eve.c - Suricata EVE JSON lines into struct ev_rec: the key paths ooda reads
 * (docs/sensors.md), the timestamp and address parsers, and the event-type rules
 * (types ooda uses, Suricata types it skips, anything else rejected). */
#include "observe/events.h"

#include <arpa/inet.h>
#include <string.h>

enum {
    V_TS,
    V_TYPE,
    V_SRC,
    V_SPORT,
    V_DST,
    V_DPORT,
    V_SIGID,
    V_SIG,
    V_CAT,
    V_SEV,
    V_DNSTYPE,
    V_RRNAME,
    V_HOST,
    V_URL,
    V_SNI,
    V_MD5,
    V_SHA256,
    V_N
};

#define K(s, id)                                                                                   \
    {                                                                                              \
        s, sizeof(s) - 1, id, NULL                                                                 \
    }
static const struct jscan_key alert_k[] = {K("signature_id", V_SIGID), K("signature", V_SIG),
                                           K("category", V_CAT), K("severity", V_SEV)};
static const struct jscan_keys alert_t = {alert_k, 4};
static const struct jscan_key query_k[] = {K("rrname", V_RRNAME)};
static const struct jscan_keys query_t = {query_k, 1};
/* Suricata 7: dns.type and dns.rrname; Suricata 8: dns.queries[].rrname */
static const struct jscan_key dns_k[] = {
    K("type", V_DNSTYPE), K("rrname", V_RRNAME), {"queries", 7, 0, &query_t}};
static const struct jscan_keys dns_t = {dns_k, 3};
static const struct jscan_key http_k[] = {K("hostname", V_HOST), K("url", V_URL)};
static const struct jscan_keys http_t = {http_k, 2};
static const struct jscan_key tls_k[] = {K("sni", V_SNI)};
static const struct jscan_keys tls_t = {tls_k, 1};
static const struct jscan_key file_k[] = {K("md5", V_MD5), K("sha256", V_SHA256)};
static const struct jscan_keys file_t = {file_k, 2};
static const struct jscan_key root_k[] = {
    K("timestamp", V_TS),      K("event_type", V_TYPE),    K("src_ip", V_SRC),
    K("src_port", V_SPORT),    K("dest_ip", V_DST),        K("dest_port", V_DPORT),
    {"alert", 5, 0, &alert_t}, {"dns", 3, 0, &dns_t},      {"http", 4, 0, &http_t},
    {"tls", 3, 0, &tls_t},     {"fileinfo", 8, 0, &file_t}};
static const struct jscan_keys root_t = {root_k, sizeof(root_k) / sizeof(root_k[0])};

/* Suricata's other event types (valid, not used by ooda: counted as skipped). */
static const char *const skipped_types[] = {"anomaly", "arp",      "bittorrent-dht",
                                            "dcerpc",  "dhcp",     "dnp3",
                                            "drop",    "email",    "frame",
                                            "ftp",     "ftp_data", "http2",
                                            "ike",     "krb5",     "ldap",
                                            "mdns",    "modbus",   "mqtt",
                                            "netflow", "nfs",      "pgsql",
                                            "pop3",    "quic",     "rdp",
                                            "rfb",     "sip",      "smb",
                                            "smtp",    "snmp",     "ssh",
                                            "stats",   "tftp",     "websocket",
                                            "doh2"};

static const char *const kind_names[EV_NKIND] = {
    "flow",          "dns",          "http",           "tls",
    "alert",         "fileinfo",     "honeypot-connect", "honeypot-login-failed",
    "honeypot-login", "honeypot-command", "honeypot-download"};

const char *observe_ev_kind_name(enum ev_kind k)
{
    return (unsigned)k < EV_NKIND ? kind_names[k] : "?";
}

const char *observe_event_kind_name(int k)
{
    return observe_ev_kind_name((enum ev_kind)k);
}

_Static_assert(EV_NKIND == OBSERVE_EVENT_KINDS, "event kinds");

static bool is(const struct jscan_val *v, const char *s, size_t n)
{
    return v->type == JS_STR && v->len == n && !v->esc && memcmp(v->p, s, n) == 0;
}

static int digits(const char *p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t era, yoe, doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool observe_eve_time(const char *s, size_t n, int64_t *out)
{
    int y, mo, d, h, mi, sec, oh, om, sign;
    size_t i = 19;

    if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
        s[16] != ':')
        return false;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    h = digits(s + 11, 2);
    mi = digits(s + 14, 2);
    sec = digits(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 60)
        return false;
    if (s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == 20)
            return false;
    }
    if (i == n)
        return false;
    if (s[i] == 'Z' && i + 1 == n) {
        oh = om = 0;
        sign = 1;
    } else if ((s[i] == '+' || s[i] == '-') && (n - i == 5 || (n - i == 6 && s[i + 3] == ':'))) {
        sign = s[i] == '-' ? -1 : 1;
        oh = digits(s + i + 1, 2);
        om = digits(s + i + (n - i == 6 ? 4 : 3), 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return false;
    } else {
        return false;
    }
    *out =
        days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
    return *out >= 0;
}

/* Dotted-quad IPv4 without a copy; anything else through inet_pton. */
bool observe_ev_ip(const struct jscan_val *v, struct ip16 *out)
{
    char buf[64];
    uint32_t a = 0, part = 0;
    int dots = 0, nd = 0;
    bool v4 = true;

    if (v->type != JS_STR || v->esc || v->len == 0 || v->len >= sizeof(buf))
        return false;
    for (uint32_t i = 0; i < v->len && v4; i++) {
        char c = v->p[i];
        if (c >= '0' && c <= '9' && nd < 3) {
            if (nd == 1 && part == 0)
                v4 = false; /* a leading zero */
            part = part * 10 + (uint32_t)(c - '0');
            nd++;
        } else if (c == '.' && nd > 0 && dots < 3 && part <= 255) {
            a = a << 8 | part;
            part = 0;
            nd = 0;
            dots++;
        } else {
            v4 = false;
        }
    }
    if (v4 && dots == 3 && nd > 0 && part <= 255) {
        ip16_from_v4(out, a << 8 | part);
        return true;
    }
    memcpy(buf, v->p, v->len);
    buf[v->len] = '\0';
    if (inet_pton(AF_INET6, buf, out->b) == 1)
        return true;
    struct in_addr a4;
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        ip16_from_v4(out, ntohl(a4.s_addr));
        return true;
    }
    return false;
}

bool observe_ev_port(const struct jscan_val *v, uint16_t *out)
{
    uint64_t x;

    if (v->type == JS_NONE) {
        *out = 0;
        return true;
    }
    if (!jscan_u64(v, &x) || x > 65535)
        return false;
    *out = (uint16_t)x;
    return true;
}

static int kind_of(const struct jscan_val *t, char skipped[32])
{
    for (int k = EV_EVE_FIRST; k < EV_EVE_FIRST + EV_EVE_N; k++)
        if (is(t, kind_names[k], strlen(kind_names[k])))
            return k;
    for (size_t i = 0; i < sizeof(skipped_types) / sizeof(skipped_types[0]); i++)
        if (is(t, skipped_types[i], strlen(skipped_types[i]))) {
            memcpy(skipped, skipped_types[i], strlen(skipped_types[i]) + 1);
            return -1;
        }
    return -2;
}

static int bad(const char **reason, const char *why)
{
    *reason = why;
    return -1;
}

/* The type-specific fields of r; v: the captured values. */
static int fill_kind(struct ev_rec *r, const struct jscan_val *v, const char **reason)
{
    uint64_t x;

    switch (r->kind) {
    case EV_ALERT:
        if (!jscan_u64(&v[V_SIGID], &x) || x > UINT32_MAX)
            return bad(reason, "alert.signature_id: not a signature number");
        r->sig_id = (uint32_t)x;
        if (v[V_SIG].type != JS_STR)
            return bad(reason, "alert.signature: missing or not a string");
        r->sig = v[V_SIG];
        r->cat = v[V_CAT].type == JS_STR ? v[V_CAT] : (struct jscan_val){0};
        if (v[V_SEV].type != JS_NONE && (!jscan_u64(&v[V_SEV], &x) || x < 1 || x > 255))
            return bad(reason, "alert.severity: not 1..255");
        r->severity = v[V_SEV].type == JS_NONE ? 3 : (uint8_t)x;
        return 1;
    case EV_DNS:
        if (v[V_RRNAME].type != JS_NONE && v[V_RRNAME].type != JS_STR)
            return bad(reason, "dns.rrname: not a string");
        /* answers name what was asked too; a query is the host's own act (Suricata 7:
         * "query", 8: "request"; a type-less record is taken as one) */
        if (v[V_DNSTYPE].type == JS_STR && !is(&v[V_DNSTYPE], "query", 5) &&
            !is(&v[V_DNSTYPE], "request", 7))
            return 1;
        r->name = v[V_RRNAME];
        return 1;
    case EV_HTTP:
        if ((v[V_HOST].type != JS_NONE && v[V_HOST].type != JS_STR) ||
            (v[V_URL].type != JS_NONE && v[V_URL].type != JS_STR))
            return bad(reason, "http.hostname or http.url: not a string");
        r->name = v[V_HOST];
        r->url = v[V_URL];
        return 1;
    case EV_TLS:
        if (v[V_SNI].type != JS_NONE && v[V_SNI].type != JS_STR)
            return bad(reason, "tls.sni: not a string");
        r->name = v[V_SNI];
        return 1;
    case EV_FILEINFO:
        if ((v[V_MD5].type != JS_NONE && v[V_MD5].type != JS_STR) ||
            (v[V_SHA256].type != JS_NONE && v[V_SHA256].type != JS_STR))
            return bad(reason, "fileinfo.md5 or fileinfo.sha256: not a string");
        r->md5 = v[V_MD5];
        r->sha256 = v[V_SHA256];
        return 1;
    default:
        return 1;
    }
}

int observe_eve_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                      size_t *off, char skipped_type[32])
{
    struct jscan_val v[V_N];
    int k;

    *off = SIZE_MAX;
    skipped_type[0] = '\0';
    if (!jscan_object(line, len, &root_t, v, V_N, off, reason))
        return -1;
    if (v[V_TYPE].type != JS_STR)
        return bad(reason, "event_type: missing or not a string");
    k = kind_of(&v[V_TYPE], skipped_type);
    if (k == -1)
        return 0;
    if (k == -2) { /* name it in the reason, printable and short */
        size_t n = v[V_TYPE].len < 31 ? v[V_TYPE].len : 31;
        for (size_t i = 0; i < n; i++) {
            char c = v[V_TYPE].p[i];
            skipped_type[i] = c >= 0x20 && c < 0x7f ? c : '?';
        }
        skipped_type[n] = '\0';
        return bad(reason, "unknown event_type");
    }
    memset(r, 0, sizeof(*r));
    r->kind = (uint8_t)k;
    if (v[V_TS].type != JS_STR || v[V_TS].esc || !observe_eve_time(v[V_TS].p, v[V_TS].len, &r->ts))
        return bad(reason, "timestamp: missing or not an RFC 3339 time");
    if (!observe_ev_ip(&v[V_SRC], &r->src) || !observe_ev_ip(&v[V_DST], &r->dst))
        return bad(reason, "src_ip or dest_ip: missing or not an IP address");
    if (!observe_ev_port(&v[V_SPORT], &r->sport) || !observe_ev_port(&v[V_DPORT], &r->dport))
        return bad(reason, "src_port or dest_port: not a port number");
    return fill_kind(r, v, reason);
}

bool observe_eve_sniff(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    size_t n = nl != NULL ? (size_t)(nl - data) : len;
    struct jscan_key k[] = {{"event_type", 10, 0, NULL}};
    struct jscan_keys t = {k, 1};
    struct jscan_val v[1];
    size_t off;
    const char *why;

    return jscan_object(data, n, &t, v, 1, &off, &why) && v[0].type == JS_STR;
}
