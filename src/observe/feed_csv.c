/* feed_csv.c - the "csv" feed format (RFC 4180 records with a column map) and the
 * URLhaus CSV dump ("urlhaus-csv"), which is the same reader with a fixed map:
 *
 *   # comment lines start with '#'
 *   "id","dateadded","url","url_status","last_online","threat","tags","urlhaus_link","reporter"
 *   "3011950","2024-03-13 10:21:06","http://192.0.2.9:39175/Mozi.m","online",
 *       "2024-03-13 10:21:06","malware_download","elf,Mozi","https://urlhaus...","x"
 *
 * Fields are separated by ',', may be quoted with '"' ("" is a quote inside), and a quoted
 * field may span lines. A record is unescaped into one buffer allocated per parse (fields
 * NUL-terminated there); a record longer than CSV_RECORD_MAX is rejected, not truncated.
 * Times are RFC 3339, "YYYY-MM-DD HH:MM:SS" (UTC) or Unix seconds. */
#include "observe/feed_int.h"

#include <string.h>

#define CSV_RECORD_MAX (64 * 1024)
#define CSV_FIELDS_MAX 64

struct csv {
    const char *p, *end;
    uint64_t line;  /* physical line of p */
    uint64_t start; /* first line of the current record */
    char *rec;      /* unescaped fields, each NUL-terminated */
    size_t used;
    size_t off[CSV_FIELDS_MAX + 1];
    size_t nf;
    bool overflow, too_many;
    const char *error; /* a reason when the record is malformed */
};

enum csv_status { CSV_RECORD, CSV_SKIP, CSV_EOF };

static void put(struct csv *c, char ch)
{
    if (c->used + 1 < CSV_RECORD_MAX)
        c->rec[c->used++] = ch;
    else
        c->overflow = true;
}

static void end_field(struct csv *c)
{
    put(c, '\0');
    if (c->nf == CSV_FIELDS_MAX + 1) {
        c->too_many = true;
        return;
    }
    c->off[c->nf++] = c->used;
}

/* Skips the rest of the physical line (after an error). */
static void skip_line(struct csv *c)
{
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

    c->p = nl ? nl + 1 : c->end;
    c->line++;
}

/* A quoted field from just after its opening quote. false: malformed (c->error set). */
static bool quoted(struct csv *c)
{
    while (c->p < c->end) {
        char ch = *c->p++;
        if (ch == '"') {
            if (c->p < c->end && *c->p == '"') {
                put(c, '"');
                c->p++;
                continue;
            }
            if (c->p < c->end && *c->p == '\r')
                c->p++;
            if (c->p < c->end && *c->p != ',' && *c->p != '\n') {
                c->error = "text after a closing quote";
                return false;
            }
            return true;
        }
        if (ch == '\n')
            c->line++;
        put(c, ch);
    }
    c->error = "unterminated quoted field";
    return false;
}

static void unquoted(struct csv *c)
{
    while (c->p < c->end && *c->p != ',' && *c->p != '\n') {
        if (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n')) {
            c->p++;
            continue;
        }
        put(c, *c->p++);
    }
}

/* Reads the next record into c. CSV_SKIP: a comment or blank line, or a malformed record
 * (c->error set). */
static enum csv_status csv_next(struct csv *c)
{
    c->used = 0;
    c->nf = 0;
    c->off[c->nf++] = 0;
    c->overflow = c->too_many = false;
    c->error = NULL;
    c->start = c->line;
    if (c->p >= c->end)
        return CSV_EOF;
    if (*c->p == '#' || *c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
        skip_line(c);
        return CSV_SKIP;
    }
    for (;;) {
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            if (!quoted(c)) {
                if (c->p < c->end)
                    skip_line(c);
                return CSV_SKIP;
            }
        } else {
            unquoted(c);
        }
        end_field(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end) { /* '\n' */
            c->p++;
            c->line++;
        }
        break;
    }
    c->nf--; /* off[nf] is one past the last field */
    if (c->overflow)
        c->error = "record longer than 64 KiB";
    else if (c->too_many)
        c->error = "more than 64 fields";
    return c->error ? CSV_SKIP : CSV_RECORD;
}

static const char *field(const struct csv *c, size_t col)
{
    return c->rec + c->off[col];
}

static size_t field_len(const struct csv *c, size_t col)
{
    return c->off[col + 1] - c->off[col] - 1;
}

/* ---- column maps --------------------------------------------------------------------- */

static const char *const col_names[FEED_COL_N] = {"value",      "type", "seen",       "tags",
                                                  "confidence", "tlp",  "valid_until"};

static enum err_code map_item(const char *s, size_t n, struct feed_columns *m, struct err *e)
{
    const char *eq = memchr(s, '=', n);
    char num[16];
    uint64_t col;
    size_t i;

    if (eq == NULL)
        return err_set(e, ERR_USAGE, "columns: want NAME=N, got '%.*s'", (int)n, s);
    for (i = 0; i < FEED_COL_N; i++)
        if ((size_t)(eq - s) == strlen(col_names[i]) && memcmp(s, col_names[i], eq - s) == 0)
            break;
    if (i == FEED_COL_N)
        return err_set(e, ERR_USAGE,
                       "columns: unknown name '%.*s' (value, type, seen, tags, confidence,"
                       " tlp, valid_until)",
                       (int)(eq - s), s);
    (void)snprintf(num, sizeof(num), "%.*s", (int)(n - (size_t)(eq - s) - 1), eq + 1);
    if (num_parse_u64(num, CSV_FIELDS_MAX, &col, e) != ERR_OK || col == 0)
        return err_set(e, ERR_USAGE, "columns: %s wants a column number 1..%d", col_names[i],
                       CSV_FIELDS_MAX);
    m->col[i] = (int)col;
    return ERR_OK;
}

enum err_code feed_columns_parse(const char *map, struct feed_columns *m, struct err *e)
{
    const char *p = map;

    memset(m, 0, sizeof(*m));
    if (map == NULL || *map == '\0') {
        m->col[FEED_COL_VALUE] = 1;
        return ERR_OK;
    }
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        enum err_code rc = map_item(p, n, m, e);
        if (rc != ERR_OK)
            return rc;
        p += n + (p[n] == ',');
    }
    if (m->col[FEED_COL_VALUE] == 0)
        return err_set(e, ERR_USAGE, "columns: value=N is required");
    return ERR_OK;
}

/* ---- records to entries ------------------------------------------------------------- */

/* Unix seconds, RFC 3339 or "YYYY-MM-DD HH:MM:SS" (UTC). false if none of them. */
static bool parse_time(const char *s, int64_t *out)
{
    struct err e;
    int64_t v;

    if (*s >= '0' && *s <= '9' && strspn(s, "0123456789") == strlen(s))
        return num_parse_i64(s, 0, (int64_t)1 << 40, out, &e) == ERR_OK;
    if (strlen(s) < 10 || s[4] != '-') /* not a date: time_parse would take "7d" */
        return false;
    if (time_parse(s, 0, &v, &e) != ERR_OK)
        return false;
    *out = v;
    return true;
}

/* The type names feeds use besides ours. */
static bool type_alias(const char *s, struct feed_entry *en)
{
    static const struct {
        const char *name;
        int type; /* -1: guess (ip of either family) */
    } al[] = {{"ip", -1},
              {"ip-dst", -1},
              {"ip-src", -1},
              {"ipv4-addr", IOC_IPV4},
              {"ipv6-addr", IOC_IPV6},
              {"hostname", IOC_DOMAIN},
              {"fqdn", IOC_DOMAIN},
              {"domain-name", IOC_DOMAIN},
              {"uri", IOC_URL},
              {"email-addr", IOC_EMAIL},
              {"email-src", IOC_EMAIL},
              {"as", IOC_ASN}};
    enum ioc_type t;

    if (ioc_type_parse(s, &t)) {
        en->type = t;
        en->type_known = true;
        return true;
    }
    for (size_t i = 0; i < sizeof(al) / sizeof(al[0]); i++)
        if (strcmp(s, al[i].name) == 0) {
            en->type_known = al[i].type >= 0;
            en->type = al[i].type >= 0 ? (enum ioc_type)al[i].type : IOC_IPV4;
            return true;
        }
    return false;
}

/* The optional field of column kind, or NULL when unmapped, absent or empty. */
static const char *opt(const struct csv *c, const struct feed_columns *m, int kind)
{
    int col = m->col[kind];

    if (col == 0 || (size_t)col > c->nf || field_len(c, (size_t)col - 1) == 0)
        return NULL;
    return field(c, (size_t)col - 1);
}

/* Fills the optional fields of en; a reason when one is malformed. */
static const char *csv_optional(const struct csv *c, const struct feed_columns *m,
                                struct feed_entry *en)
{
    const char *s;
    struct err e;
    enum ioc_tlp tlp;
    int64_t v;

    if ((s = opt(c, m, FEED_COL_TYPE)) != NULL && !type_alias(s, en))
        return "unknown type";
    if ((s = opt(c, m, FEED_COL_SEEN)) != NULL && !parse_time(s, &en->seen))
        return "bad time in the seen column";
    if ((s = opt(c, m, FEED_COL_VALID)) != NULL && !parse_time(s, &en->valid_until))
        return "bad time in the valid_until column";
    if ((s = opt(c, m, FEED_COL_CONF)) != NULL) {
        if (num_parse_i64(s, 0, 100, &v, &e) != ERR_OK)
            return "confidence is not a number 0..100";
        en->confidence = (int)v;
    }
    if ((s = opt(c, m, FEED_COL_TLP)) != NULL) {
        if (!ioc_tlp_parse(s, strlen(s), &tlp))
            return "unknown TLP level";
        en->tlp = (int)tlp;
    }
    en->tags = opt(c, m, FEED_COL_TAGS);
    return NULL;
}

/* Whether the first record is a header: its value does not look like an indicator. */
static bool is_header(const char *v, size_t n)
{
    enum ioc_type t;

    if (!ioc_guess(v, n, &t))
        return true;
    return t == IOC_DOMAIN && memchr(v, '.', n) == NULL;
}

static void entry_reset(struct feed_entry *en, const char *where, uint64_t line)
{
    memset(en, 0, sizeof(*en));
    en->confidence = -1;
    en->tlp = -1;
    en->where = where;
    en->line = line;
}

/* Turns one csv record into an entry; false to stop. */
static bool csv_record(const struct csv *c, const struct feed_columns *m, bool first,
                       const char *where, const struct feed_sink *sink)
{
    size_t vc = (size_t)m->col[FEED_COL_VALUE];
    struct feed_entry en;
    const char *why;
    char msg[96];

    entry_reset(&en, where, c->start);
    if (vc > c->nf) {
        (void)snprintf(msg, sizeof(msg), "no column %zu (the record has %zu)", vc, c->nf);
        sink->reject(sink->arg, where, c->start, msg);
        return true;
    }
    en.value = field(c, vc - 1);
    en.len = field_len(c, vc - 1);
    if (first && is_header(en.value, en.len))
        return true;
    if (en.len == 0) {
        sink->reject(sink->arg, where, c->start, "empty value");
        return true;
    }
    why = csv_optional(c, m, &en);
    if (why != NULL) {
        sink->reject(sink->arg, where, c->start, why);
        return true;
    }
    return sink->entry(sink->arg, &en);
}

typedef bool (*record_fn)(const struct csv *c, const struct feed_columns *m, bool first,
                          const char *where, const struct feed_sink *sink);

static enum err_code csv_run(const char *data, size_t len, const struct feed_columns *m,
                             record_fn fn, const char *where, const struct feed_sink *sink,
                             struct err *e)
{
    struct csv c;
    bool first = true;
    enum csv_status st;

    if (memchr(data, '\0', len < 4096 ? len : 4096) != NULL)
        return err_set(e, ERR_PARSE, "%s: not a text file (NUL byte in the first 4 KiB)", where);
    memset(&c, 0, sizeof(c));
    c.rec = mem_alloc(CSV_RECORD_MAX);
    if (c.rec == NULL)
        return err_set(e, ERR_NOMEM, "%s: cannot allocate the record buffer", where);
    c.p = data;
    c.end = data + len;
    c.line = 1;
    if (len >= 3 && memcmp(c.p, "\xef\xbb\xbf", 3) == 0)
        c.p += 3;
    while ((st = csv_next(&c)) != CSV_EOF) {
        if (st == CSV_SKIP) {
            if (c.error != NULL)
                sink->reject(sink->arg, where, c.start, c.error);
            continue;
        }
        if (!fn(&c, m, first, where, sink))
            break;
        first = false;
    }
    mem_free(c.rec);
    return ERR_OK;
}

enum err_code feed_parse_csv(const char *data, size_t len, const char *columns, const char *where,
                             const struct feed_sink *sink, struct err *e)
{
    struct feed_columns m;
    enum err_code rc = feed_columns_parse(columns, &m, e);

    if (rc != ERR_OK)
        return err_set(e, ERR_PARSE, "%s: %s", where, e ? e->msg : "bad column map");
    return csv_run(data, len, &m, csv_record, where, sink, e);
}

/* ---- URLhaus ----------------------------------------------------------------------- */

enum { UH_DATEADDED = 1, UH_URL = 2, UH_LAST_ONLINE = 4, UH_THREAT = 5, UH_TAGS = 6 };

/* tags: "threat,tags" in buf (cap >= the record). */
static const char *urlhaus_tags(const struct csv *c, char *buf, size_t cap)
{
    const char *th = c->nf > UH_THREAT ? field(c, UH_THREAT) : "";
    const char *tg = c->nf > UH_TAGS ? field(c, UH_TAGS) : "";

    (void)snprintf(buf, cap, "%s%s%s", th, (*th && *tg) ? "," : "", tg);
    return buf[0] ? buf : NULL;
}

static bool urlhaus_record(const struct csv *c, const struct feed_columns *m, bool first,
                           const char *where, const struct feed_sink *sink)
{
    struct feed_entry en;
    char tags[512];
    int64_t t;

    (void)m;
    entry_reset(&en, where, c->start);
    if (first && c->nf > UH_URL && strcmp(field(c, UH_URL), "url") == 0)
        return true; /* an uncommented header */
    if (c->nf <= UH_URL || field_len(c, UH_URL) == 0) {
        sink->reject(sink->arg, where, c->start, "no url in column 3");
        return true;
    }
    en.type = IOC_URL;
    en.type_known = true;
    en.value = field(c, UH_URL);
    en.len = field_len(c, UH_URL);
    if (field_len(c, UH_DATEADDED) > 0 && !parse_time(field(c, UH_DATEADDED), &en.seen)) {
        sink->reject(sink->arg, where, c->start, "bad dateadded");
        return true;
    }
    if (c->nf > UH_LAST_ONLINE && field_len(c, UH_LAST_ONLINE) > 0 &&
        parse_time(field(c, UH_LAST_ONLINE), &t) && t > en.seen)
        en.seen = t; /* "None" and the like: dateadded alone */
    en.tags = urlhaus_tags(c, tags, sizeof(tags));
    return sink->entry(sink->arg, &en);
}

enum err_code feed_parse_urlhaus(const char *data, size_t len, const char *where,
                                 const struct feed_sink *sink, struct err *e)
{
    struct feed_columns m;

    memset(&m, 0, sizeof(m));
    m.col[FEED_COL_VALUE] = UH_URL + 1;
    return csv_run(data, len, &m, urlhaus_record, where, sink, e);
}
