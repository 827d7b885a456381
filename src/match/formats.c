/* formats.c - the log line parsers of the matcher and format detection.
 *
 * Each parser takes one line without its newline and finds, without copying, the time,
 * client and query fields:
 *
 *   plain    www.example.com | http://host/path | 192.0.2.7      (# starts a comment;
 *            a name with a space inside is rejected by the name check)
 *   bind     25-Nov-2026 10:00:00.123 [queries: info: ]client @0x7f.. 192.0.2.1#53211
 *            (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)
 *   unbound  [1700000000] unbound[123:0] info: 192.0.2.1 www.example.com. A IN
 *            (other info lines and other levels are skipped, not malformed)
 *   zeek     #fields header naming ts, id.orig_h and query, then TAB-separated rows;
 *            other # lines are skipped, a query of "-" or "(empty)" is skipped
 *   squid    1700000000.123 elapsed client code/status bytes method URL ...
 *
 * Pure functions of the line (plus the Zeek header state): safe on any thread. */
#include "match/match_int.h"

static const char *const fmt_names[MATCH_NFORMATS] = {
    [MATCH_FMT_PLAIN] = "plain",     [MATCH_FMT_BIND] = "bind-querylog",
    [MATCH_FMT_UNBOUND] = "unbound", [MATCH_FMT_ZEEK] = "zeek-dns",
    [MATCH_FMT_SQUID] = "squid",
};

const char *match_format_name(enum match_format f)
{
    return (unsigned)f < MATCH_NFORMATS ? fmt_names[f] : "?";
}

bool match_format_parse(const char *name, enum match_format *out)
{
    for (int i = 0; i < MATCH_NFORMATS; i++)
        if (strcmp(name, fmt_names[i]) == 0) {
            *out = (enum match_format)i;
            return true;
        }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Next whitespace-separated token at or after *i; false at the end of the line. */
static bool token(const char *p, size_t n, size_t *i, const char **tok, size_t *len)
{
    size_t a = *i;

    while (a < n && is_space(p[a]))
        a++;
    if (a == n)
        return false;
    *i = a;
    while (*i < n && !is_space(p[*i]))
        (*i)++;
    *tok = p + a;
    *len = *i - a;
    return true;
}

static bool tok_is(const char *tok, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(tok, want, len) == 0;
}

/* Looks like an IP address: hex digits, dots and colons only. */
static bool ip_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(is_digit(s[i]) || s[i] == '.' || s[i] == ':' || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return n > 0;
}

static enum match_lkind bad(const char **why, const char *reason)
{
    *why = reason;
    return MATCH_LINE_BAD;
}

/* The line, trimmed; a space inside is left for the name check to reject. */
static enum match_lkind parse_plain(const char *p, size_t n, struct match_line *r)
{
    while (n > 0 && is_space(p[n - 1]))
        n--;
    while (n > 0 && is_space(p[0]))
        p++, n--;
    if (n == 0 || p[0] == '#')
        return MATCH_LINE_SKIP;
    r->query = p;
    r->query_len = n;
    return MATCH_LINE_QUERY;
}

/* [1700000000] unbound[123:0] info: 192.0.2.1 www.example.com. A IN */
static enum match_lkind parse_unbound(const char *p, size_t n, struct match_line *r,
                                      const char **why)
{
    static const char *const classes[] = {"IN", "CH", "HS", "NONE", "ANY", "CS"};
    const char *tok, *type, *cls;
    size_t i = 1, len, tlen, clen;
    bool known = false;

    if (n < 3 || p[0] != '[')
        return bad(why, "no [time] at the start of the line");
    while (i < n && is_digit(p[i]))
        i++;
    if (i == 1 || i == n || p[i] != ']')
        return bad(why, "time is not [unix seconds]");
    r->time = p + 1;
    r->time_len = i - 1;
    i++;
    if (!token(p, n, &i, &tok, &len) || tok[len - 1] != ']' || memchr(tok, '[', len) == NULL)
        return bad(why, "no program[pid:thread] after the time");
    if (!token(p, n, &i, &tok, &len) || !tok_is(tok, len, "info:"))
        return MATCH_LINE_SKIP; /* another level */
    if (!token(p, n, &i, &r->client, &r->client_len) || !ip_chars(r->client, r->client_len) ||
        !token(p, n, &i, &r->query, &r->query_len) || !token(p, n, &i, &type, &tlen) ||
        !token(p, n, &i, &cls, &clen) || token(p, n, &i, &tok, &len))
        return MATCH_LINE_SKIP; /* another info message */
    for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
        known |= tok_is(cls, clen, classes[k]);
    if (!known && !(clen > 5 && memcmp(cls, "CLASS", 5) == 0))
        return MATCH_LINE_SKIP;
    return MATCH_LINE_QUERY;
}

/* 25-Nov-2026 10:00:00.123 client @0x7f.. 192.0.2.1#53211 (name): query: name IN A +E(0)K */
static enum match_lkind parse_bind(const char *p, size_t n, struct match_line *r, const char **why)
{
    const char *c = memmem(p, n, "client ", 7), *q, *hash;
    size_t i, len;
    const char *tok;

    if (c == NULL || (c != p && !is_space(c[-1])))
        return bad(why, "no 'client' field");
    r->time = p;
    r->time_len = (size_t)(c - p);
    if (r->time_len >= 14 && memcmp(c - 14, "queries: info:", 14) == 0)
        r->time_len -= 14;
    while (r->time_len > 0 && is_space(p[r->time_len - 1]))
        r->time_len--;
    i = (size_t)(c - p) + 7;
    if (!token(p, n, &i, &tok, &len))
        return bad(why, "nothing after 'client'");
    if (len > 1 && tok[0] == '@' && !token(p, n, &i, &tok, &len))
        return bad(why, "nothing after the client object");
    hash = memchr(tok, '#', len);
    r->client = tok;
    r->client_len = hash != NULL ? (size_t)(hash - tok) : len;
    q = memmem(p + i, n - i, "query: ", 7);
    if (q == NULL)
        return bad(why, "no 'query:' field");
    i = (size_t)(q - p) + 7;
    if (!token(p, n, &i, &r->query, &r->query_len))
        return bad(why, "empty query name");
    return MATCH_LINE_QUERY;
}

/* Learns the columns from "#fields\tts\tuid\tid.orig_h\t...". */
static void zeek_header(struct match_zeek *z, const char *p, size_t n)
{
    size_t a = 8, col = 0;

    z->ts = z->orig_h = z->query = -1;
    while (a <= n) {
        const char *tab = a < n ? memchr(p + a, '\t', n - a) : NULL;
        size_t b = tab != NULL ? (size_t)(tab - p) : n;

        if (tok_is(p + a, b - a, "ts"))
            z->ts = (int)col;
        else if (tok_is(p + a, b - a, "id.orig_h"))
            z->orig_h = (int)col;
        else if (tok_is(p + a, b - a, "query"))
            z->query = (int)col;
        col++;
        a = b + 1;
        if (col > 1000)
            break;
    }
    z->have = z->query >= 0;
    z->need = z->query;
    if (z->ts > z->need)
        z->need = z->ts;
    if (z->orig_h > z->need)
        z->need = z->orig_h;
}

static enum match_lkind parse_zeek(struct match_zeek *z, const char *p, size_t n,
                                   struct match_line *r, const char **why)
{
    size_t a = 0;

    if (p[0] == '#') {
        if (n > 8 && memcmp(p, "#fields\t", 8) == 0) {
            zeek_header(z, p, n);
            if (!z->have)
                return bad(why, "#fields header without a query column");
        }
        return MATCH_LINE_SKIP;
    }
    if (!z->have)
        return bad(why, "data line before a #fields header with a query column");
    for (int col = 0; col <= z->need; col++) {
        const char *tab;
        size_t b;

        if (a > n)
            return bad(why, "fewer columns than the #fields header");
        tab = memchr(p + a, '\t', n - a);
        b = tab != NULL ? (size_t)(tab - p) : n;
        if (col == z->ts) {
            r->time = p + a;
            r->time_len = b - a;
        } else if (col == z->orig_h) {
            r->client = p + a;
            r->client_len = b - a;
        } else if (col == z->query) {
            r->query = p + a;
            r->query_len = b - a;
        }
        a = b + 1;
    }
    if (r->query_len == 0 || tok_is(r->query, r->query_len, "-") ||
        tok_is(r->query, r->query_len, "(empty)"))
        return MATCH_LINE_SKIP;
    return MATCH_LINE_QUERY;
}

/* 1700000000.123    120 192.0.2.1 TCP_MISS/200 1234 GET http://host/path - HIER/.. type */
static enum match_lkind parse_squid(const char *p, size_t n, struct match_line *r, const char **why)
{
    const char *tok;
    size_t i = 0, len;

    if (!token(p, n, &i, &r->time, &r->time_len) || !is_digit(r->time[0]))
        return bad(why, "time is not unix seconds");
    if (!token(p, n, &i, &tok, &len) || !is_digit(tok[0]))
        return bad(why, "elapsed is not a number");
    if (!token(p, n, &i, &r->client, &r->client_len))
        return bad(why, "no client field");
    if (!token(p, n, &i, &tok, &len) || memchr(tok, '/', len) == NULL)
        return bad(why, "no code/status field");
    if (!token(p, n, &i, &tok, &len) || !token(p, n, &i, &tok, &len))
        return bad(why, "no bytes or method field");
    if (!token(p, n, &i, &r->query, &r->query_len))
        return bad(why, "no URL field");
    return MATCH_LINE_QUERY;
}

enum match_lkind match_parse_line(enum match_format f, struct match_zeek *z, const char *p,
                                  size_t n, struct match_line *r, const char **why)
{
    memset(r, 0, sizeof(*r));
    r->time = r->client = r->query = "";
    if (n == 0)
        return MATCH_LINE_SKIP;
    switch (f) {
    case MATCH_FMT_PLAIN:
        return parse_plain(p, n, r);
    case MATCH_FMT_BIND:
        return parse_bind(p, n, r, why);
    case MATCH_FMT_UNBOUND:
        return parse_unbound(p, n, r, why);
    case MATCH_FMT_ZEEK:
        return parse_zeek(z, p, n, r, why);
    case MATCH_FMT_SQUID:
        return parse_squid(p, n, r, why);
    default:
        return bad(why, "unknown format");
    }
}

/* ---- detection ----------------------------------------------------------------- */

/* Does line p[0..n) look like format f? Stricter than the parsers. */
static bool looks_like(enum match_format f, const char *p, size_t n)
{
    struct match_zeek z = {0};
    struct match_line r;
    const char *why, *tok;
    size_t i = 0, len;

    switch (f) {
    case MATCH_FMT_ZEEK:
        return n >= 7 && (memcmp(p, "#separator", n < 10 ? n : 10) == 0 ||
                          (n > 8 && memcmp(p, "#fields\t", 8) == 0));
    case MATCH_FMT_UNBOUND:
        return parse_unbound(p, n, &r, &why) != MATCH_LINE_BAD;
    case MATCH_FMT_BIND:
        return parse_bind(p, n, &r, &why) == MATCH_LINE_QUERY;
    case MATCH_FMT_SQUID:
        if (parse_squid(p, n, &r, &why) != MATCH_LINE_QUERY)
            return false;
        i = 0;
        return token(p, n, &i, &tok, &len) && (memchr(tok, '.', len) != NULL);
    case MATCH_FMT_PLAIN:
        return parse_plain(p, n, &r) == MATCH_LINE_SKIP ||
               (memchr(r.query, ' ', r.query_len) == NULL &&
                memchr(r.query, '\t', r.query_len) == NULL);
    default:
        (void)z;
        return false;
    }
}

enum err_code match_format_detect(const uint8_t *data, size_t len, enum match_format *out,
                                  struct err *e)
{
    const char *p = (const char *)data, *end = p + len;
    unsigned fits = (1u << MATCH_NFORMATS) - 1, seen = 0;

    while (p < end && seen < 16 && fits != 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);

        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n > 0) {
            for (int f = 0; f < MATCH_NFORMATS; f++)
                if (!looks_like((enum match_format)f, p, n))
                    fits &= ~(1u << f);
            seen++;
            if (seen == 1 && (fits & (1u << MATCH_FMT_ZEEK)))
                fits = 1u << MATCH_FMT_ZEEK; /* its header decides */
            if (fits == (1u << MATCH_FMT_ZEEK))
                break;
        }
        p = nl != NULL ? nl + 1 : end;
    }
    if (seen == 0)
        return err_set(e, ERR_PARSE, "match: no non-empty line to detect the format from");
    if (fits == 0)
        return err_set(e, ERR_PARSE, "match: the first %u lines fit no known format", seen);
    if ((fits & (fits - 1)) != 0)
        return err_set(e, ERR_PARSE, "match: the first %u lines fit more than one format", seen);
    *out = (enum match_format)__builtin_ctz(fits);
    return ERR_OK;
}
