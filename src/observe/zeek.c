/* zeek.c - Zeek conn.log and dns.log into struct ev_rec (docs/sensors.md), in Zeek's TSV
 * form (a "#fields" header names the columns; "-" is unset) and in its JSON form (one
 * object per line; a dns record is told from a conn record by its "query" or
 * "trans_id"). A conn record is a flow, a dns record a DNS query, as EVE's are. */
#include "observe/events.h"

#include <stdlib.h>
#include <string.h>

/* ---- shared -------------------------------------------------------------------------- */

/* Zeek's ts: epoch seconds with a fraction ("1793577600.123456"), or RFC 3339 when Zeek
 * writes ISO timestamps. */
static bool zeek_time(const char *p, size_t n, int64_t *out)
{
    int64_t t = 0;
    size_t i = 0;

    if (n >= 20 && p[4] == '-')
        return observe_eve_time(p, n, out);
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        if (t > (INT64_MAX - 9) / 10)
            return false;
        t = t * 10 + (p[i] - '0');
    }
    if (i == 0)
        return false;
    if (i < n && p[i] == '.')
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
            ;
    if (i != n)
        return false;
    *out = t;
    return true;
}

static int bad(const char **reason, const char *why)
{
    *reason = why;
    return -1;
}

/* ---- TSV ----------------------------------------------------------------------------- */

static const char *const tsv_cols[ZEEK_NCOLS] = {"ts",        "id.orig_h", "id.orig_p",
                                                 "id.resp_h", "id.resp_p", "query"};

/* Maps the "#fields" line's columns to ours. */
static bool tsv_fields(struct zeek_tsv *z, const char *p, size_t n)
{
    size_t pos = 0;
    int col = 0;

    for (int k = 0; k < ZEEK_NCOLS; k++)
        z->col[k] = -1;
    while (pos <= n && col < 255) {
        const char *tab = memchr(p + pos, '\t', n - pos);
        size_t end = tab != NULL ? (size_t)(tab - p) : n;
        if (col > 0) /* column 0 is "#fields" itself */
            for (int k = 0; k < ZEEK_NCOLS; k++)
                if (end - pos == strlen(tsv_cols[k]) &&
                    memcmp(p + pos, tsv_cols[k], end - pos) == 0)
                    z->col[k] = col - 1;
        col++;
        pos = end + 1;
    }
    z->ncols = col - 1;
    return z->col[ZEEK_TS] >= 0 && z->col[ZEEK_ORIG_H] >= 0 && z->col[ZEEK_RESP_H] >= 0;
}

int observe_zeek_tsv_header(struct zeek_tsv *z, const char *p, size_t n, const char **reason)
{
    if (n >= 6 && memcmp(p, "#path\t", 6) == 0) {
        z->dns = n - 6 == 3 && memcmp(p + 6, "dns", 3) == 0;
        z->conn = n - 6 == 4 && memcmp(p + 6, "conn", 4) == 0;
        return 0;
    }
    if (n >= 8 && memcmp(p, "#fields\t", 8) == 0) {
        z->have_fields = tsv_fields(z, p, n);
        if (!z->have_fields)
            return bad(reason, "#fields: no ts, id.orig_h or id.resp_h column");
        return 0;
    }
    return 0; /* #separator, #types, #open, #close, ...: nothing to keep */
}

/* A value: "-" (unset) and "(empty)" are absent. */
static void tsv_val(const char *p, size_t n, struct jscan_val *v)
{
    if ((n == 1 && p[0] == '-') || (n == 7 && memcmp(p, "(empty)", 7) == 0) || n == 0)
        *v = (struct jscan_val){0};
    else
        *v = (struct jscan_val){p, (uint32_t)n, JS_STR, false};
}

static bool tsv_port(const struct jscan_val *v, uint16_t *out)
{
    struct jscan_val num = *v;

    if (v->type == JS_NONE) {
        *out = 0;
        return true;
    }
    num.type = JS_NUM;
    return observe_ev_port(&num, out);
}

int observe_zeek_tsv_parse(const struct zeek_tsv *z, const char *p, size_t n, struct ev_rec *r,
                           const char **reason)
{
    struct jscan_val v[ZEEK_NCOLS];
    size_t pos = 0;
    int col = 0;

    if (!z->have_fields)
        return bad(reason, "a record before the #fields header");
    memset(v, 0, sizeof(v));
    while (pos <= n) {
        const char *tab = memchr(p + pos, '\t', n - pos);
        size_t end = tab != NULL ? (size_t)(tab - p) : n;
        for (int k = 0; k < ZEEK_NCOLS; k++)
            if (z->col[k] == col)
                tsv_val(p + pos, end - pos, &v[k]);
        col++;
        pos = end + 1;
    }
    if (col != z->ncols)
        return bad(reason, "not as many fields as the #fields header names");
    memset(r, 0, sizeof(*r));
    r->kind = z->dns ? EV_DNS : EV_FLOW;
    if (v[ZEEK_TS].type == JS_NONE || !zeek_time(v[ZEEK_TS].p, v[ZEEK_TS].len, &r->ts))
        return bad(reason, "ts: missing or not a time");
    if (!observe_ev_ip(&v[ZEEK_ORIG_H], &r->src) || !observe_ev_ip(&v[ZEEK_RESP_H], &r->dst))
        return bad(reason, "id.orig_h or id.resp_h: missing or not an IP address");
    if (!tsv_port(&v[ZEEK_ORIG_P], &r->sport) || !tsv_port(&v[ZEEK_RESP_P], &r->dport))
        return bad(reason, "id.orig_p or id.resp_p: not a port number");
    if (z->dns)
        r->name = v[ZEEK_QUERY];
    return 1;
}

/* ---- JSON ---------------------------------------------------------------------------- */

enum { J_TS, J_ORIG_H, J_ORIG_P, J_RESP_H, J_RESP_P, J_QUERY, J_TRANS, J_N };

#define K(s, id)                                                                                   \
    {                                                                                              \
        s, sizeof(s) - 1, id, NULL                                                                 \
    }
static const struct jscan_key json_k[] = {K("ts", J_TS),
                                          K("id.orig_h", J_ORIG_H),
                                          K("id.orig_p", J_ORIG_P),
                                          K("id.resp_h", J_RESP_H),
                                          K("id.resp_p", J_RESP_P),
                                          K("query", J_QUERY),
                                          K("trans_id", J_TRANS)};
static const struct jscan_keys json_t = {json_k, sizeof(json_k) / sizeof(json_k[0])};

int observe_zeek_json_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                            size_t *off)
{
    struct jscan_val v[J_N];

    *off = SIZE_MAX;
    if (!jscan_object(line, len, &json_t, v, J_N, off, reason))
        return -1;
    memset(r, 0, sizeof(*r));
    r->kind = v[J_QUERY].type != JS_NONE || v[J_TRANS].type != JS_NONE ? EV_DNS : EV_FLOW;
    if (!((v[J_TS].type == JS_NUM || (v[J_TS].type == JS_STR && !v[J_TS].esc)) &&
          zeek_time(v[J_TS].p, v[J_TS].len, &r->ts)))
        return bad(reason, "ts: missing or not a time");
    if (!observe_ev_ip(&v[J_ORIG_H], &r->src) || !observe_ev_ip(&v[J_RESP_H], &r->dst))
        return bad(reason, "id.orig_h or id.resp_h: missing or not an IP address");
    if (!observe_ev_port(&v[J_ORIG_P], &r->sport) || !observe_ev_port(&v[J_RESP_P], &r->dport))
        return bad(reason, "id.orig_p or id.resp_p: not a port number");
    if (v[J_QUERY].type != JS_NONE && v[J_QUERY].type != JS_STR)
        return bad(reason, "query: not a string");
    r->name = v[J_QUERY];
    return 1;
}
