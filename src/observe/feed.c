/* feed.c - adding and pulling feeds: fetch the location, run the format's parser, turn
 * each raw entry into its canonical form (ioc_canon, type from the parser or ioc_guess)
 * and upsert it through one store pull (one transaction, statements reused). Bad records
 * are counted and reported through the caller's callback; a feed that cannot be fetched
 * or parsed as a whole is rolled back and its error recorded, keeping what it listed
 * before. A MISP feed is its manifest.json followed by one <uuid>.json per event. */
#include "observe/feed_int.h"
#include "observe/observe.h"

#include <string.h>

#define FEED_SIZE_MAX ((size_t)1 << 31)

static const char *const formats[] = {"plain", "csv", "urlhaus-csv", "misp", "stix"};

static bool known_format(const char *f)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(f, formats[i]) == 0)
            return true;
    return false;
}

static enum err_code check_opts(const struct observe_feed_opts *o, struct err *e)
{
    struct feed_columns m;

    if (o->name == NULL || o->name[0] == '\0' || strlen(o->name) >= STORE_FEED_NAME_MAX)
        return err_set(e, ERR_USAGE, "feed: a name of 1..%d bytes is required",
                       STORE_FEED_NAME_MAX - 1);
    if (o->format == NULL || !known_format(o->format))
        return err_set(e, ERR_USAGE, "feed: format must be plain, csv, urlhaus-csv, misp or stix");
    if (o->location == NULL || o->location[0] == '\0' || strlen(o->location) >= STORE_FEED_LOC_MAX)
        return err_set(e, ERR_USAGE, "feed: a --file or --url is required");
    if (o->columns != NULL && strcmp(o->format, "csv") != 0)
        return err_set(e, ERR_USAGE, "feed: --columns applies to the csv format only");
    if (o->columns != NULL && feed_columns_parse(o->columns, &m, e) != ERR_OK)
        return ERR_USAGE;
    if (o->columns != NULL && strlen(o->columns) >= 256)
        return err_set(e, ERR_USAGE, "feed: column map too long");
    if (o->confidence > 100 || o->tlp > IOC_TLP_RED || o->tau < 0 || o->delta < 0)
        return err_set(e, ERR_USAGE, "feed: confidence, tlp, tau or delta out of range");
    if (o->org != NULL && strlen(o->org) >= STORE_FEED_NAME_MAX)
        return err_set(e, ERR_USAGE, "feed: org name too long");
    return ERR_OK;
}

enum err_code observe_feed_add(struct store *st, const struct observe_feed_opts *o, struct err *e)
{
    struct store_feed *f;
    enum err_code rc = check_opts(o, e);

    if (rc != ERR_OK)
        return rc;
    f = mem_calloc(1, sizeof(*f));
    if (f == NULL)
        return err_set(e, ERR_NOMEM, "feed: out of memory");
    (void)snprintf(f->name, sizeof(f->name), "%s", o->name);
    (void)snprintf(f->format, sizeof(f->format), "%s", o->format);
    (void)snprintf(f->location, sizeof(f->location), "%s", o->location);
    (void)snprintf(f->org, sizeof(f->org), "%s", o->org ? o->org : "");
    (void)snprintf(f->columns, sizeof(f->columns), "%s", o->columns ? o->columns : "");
    f->tlp = o->tlp >= 0 ? o->tlp : IOC_TLP_AMBER;
    f->confidence = o->confidence >= 0 ? o->confidence : OBSERVE_FEED_CONFIDENCE;
    f->allowlist = o->allowlist;
    f->grace = o->grace >= 0 ? o->grace : OBSERVE_FEED_GRACE;
    f->tau = o->tau > 0 ? o->tau : 120 * 86400;
    f->delta = o->delta > 0 ? o->delta : 2.0;
    rc = store_feed_add(st, f, e);
    mem_free(f);
    return rc;
}

/* ---- a pull ------------------------------------------------------------------------ */

struct pull {
    struct store_pull *sp;
    const struct store_feed *f;
    int64_t now;
    observe_reject_fn reject;
    void *arg;
    struct store_feed_counts n;
    enum err_code rc; /* a store error stops the parse */
    struct err *e;
    char canon[IOC_VALUE_MAX + 1];
};

static void on_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct pull *p = arg;

    p->n.entries++;
    p->n.rejected++;
    if (p->reject != NULL)
        p->reject(p->arg, where, line, reason);
}

static bool allowlist_type(enum ioc_type t)
{
    return t == IOC_DOMAIN || t == IOC_IPV4 || t == IOC_IPV6 || t == IOC_CIDR;
}

/* Canonicalises en into p->canon; a reason (in ce) when it is not an indicator. */
static bool canonical(struct pull *p, const struct feed_entry *en, enum ioc_type *t, struct err *ce)
{
    *t = en->type;
    if (!en->type_known && !ioc_guess(en->value, en->len, t)) {
        err_set(ce, ERR_PARSE, "not an indicator of any known type");
        return false;
    }
    if (ioc_canon(*t, en->value, en->len, p->canon, sizeof(p->canon), ce) != ERR_OK)
        return false;
    if (p->f->allowlist && !allowlist_type(*t)) {
        err_set(ce, ERR_PARSE, "allowlist entries must be domains, IPs or CIDRs, not %s",
                ioc_type_name(*t));
        return false;
    }
    return true;
}

static bool on_entry(void *arg, const struct feed_entry *en)
{
    struct pull *p = arg;
    struct store_ind_entry se;
    enum ioc_type t;
    struct err ce;

    if (!canonical(p, en, &t, &ce)) {
        on_reject(p, en->where, en->line, ce.msg);
        return true;
    }
    p->n.entries++;
    p->n.accepted++;
    if (p->f->allowlist) {
        p->rc = store_pull_allow_put(p->sp, ioc_type_name(t), p->canon, p->e);
        return p->rc == ERR_OK;
    }
    se.type = ioc_type_name(t);
    se.value = p->canon;
    se.seen = en->seen > 0 && en->seen < p->now ? en->seen : p->now;
    se.valid_until = en->valid_until;
    se.confidence =
        en->confidence >= 0 && en->confidence <= 100 ? en->confidence : p->f->confidence;
    se.tlp = en->tlp >= 0 && en->tlp <= IOC_TLP_RED ? en->tlp : p->f->tlp;
    se.tags = en->tags;
    p->rc = store_pull_put(p->sp, &se, p->e);
    return p->rc == ERR_OK;
}

/* ---- MISP: manifest, then each event ---------------------------------------------- */

struct uuids {
    char (*v)[37];
    size_t n, cap;
    bool nomem;
};

static bool on_uuid(void *arg, const char *uuid)
{
    struct uuids *u = arg;

    if (u->n == u->cap) {
        size_t c = u->cap ? u->cap * 2 : 64;
        char(*v)[37] = mem_realloc(u->v, c * sizeof(*v));
        if (v == NULL) {
            u->nomem = true;
            return false;
        }
        u->v = v;
        u->cap = c;
    }
    (void)snprintf(u->v[u->n++], 37, "%s", uuid);
    return true;
}

static void join(char *out, size_t cap, const char *base, const char *file)
{
    size_t n = strlen(base);

    while (n > 0 && base[n - 1] == '/')
        n--;
    (void)snprintf(out, cap, "%.*s/%s", (int)n, base, file);
}

static enum err_code pull_misp(struct pull *p, struct buf *b, const struct feed_sink *sink,
                               const struct uuids *u, struct err *e)
{
    char loc[STORE_FEED_LOC_MAX + 48], file[48];
    enum err_code rc = ERR_OK;

    for (size_t i = 0; i < u->n && rc == ERR_OK && p->rc == ERR_OK; i++) {
        (void)snprintf(file, sizeof(file), "%s.json", u->v[i]);
        join(loc, sizeof(loc), p->f->location, file);
        rc = feed_fetch(loc, b, e);
        if (rc == ERR_OK)
            rc = feed_parse_misp_event((const char *)b->data, b->len, loc, sink, e);
    }
    return rc;
}

static enum err_code misp_manifest(const struct store_feed *f, struct buf *b, struct uuids *u,
                                   struct err *e)
{
    char loc[STORE_FEED_LOC_MAX + 16];
    enum err_code rc;

    join(loc, sizeof(loc), f->location, "manifest.json");
    rc = feed_fetch(loc, b, e);
    if (rc == ERR_OK)
        rc = feed_parse_misp_manifest((const char *)b->data, b->len, loc, on_uuid, u, e);
    if (rc == ERR_OK && u->nomem)
        rc = err_set(e, ERR_NOMEM, "%s: out of memory for the event list", loc);
    return rc;
}

/* Runs the parser of the feed's format over b (fetched already, except for MISP). */
static enum err_code parse(struct pull *p, struct buf *b, const struct uuids *u, struct err *e)
{
    const struct feed_sink sink = {.entry = on_entry, .reject = on_reject, .arg = p};
    const char *fmt = p->f->format, *d = (const char *)b->data, *w = p->f->location;

    if (strcmp(fmt, "plain") == 0)
        return feed_parse_plain(d, b->len, w, &sink, e);
    if (strcmp(fmt, "csv") == 0)
        return feed_parse_csv(d, b->len, p->f->columns, w, &sink, e);
    if (strcmp(fmt, "urlhaus-csv") == 0)
        return feed_parse_urlhaus(d, b->len, w, &sink, e);
    if (strcmp(fmt, "stix") == 0)
        return feed_parse_stix(d, b->len, w, &sink, e);
    if (strcmp(fmt, "misp") == 0)
        return pull_misp(p, b, &sink, u, e);
    return err_set(e, ERR_PARSE, "feed: unknown format '%s'", fmt);
}

/* Fetches (MISP: the manifest), begins the store pull, parses and finishes it. */
static enum err_code run_pull(struct store *st, struct pull *p, struct buf *b, struct err *e)
{
    struct uuids u = {0};
    enum err_code rc;

    if (strcmp(p->f->format, "misp") == 0)
        rc = misp_manifest(p->f, b, &u, e);
    else
        rc = feed_fetch(p->f->location, b, e);
    if (rc == ERR_OK)
        rc = store_pull_begin(st, p->f->id, p->now, &p->sp, e);
    if (rc == ERR_OK)
        rc = parse(p, b, &u, e);
    if (rc == ERR_OK)
        rc = p->rc;
    mem_free(u.v);
    if (rc != ERR_OK) {
        store_pull_abort(p->sp);
        p->sp = NULL;
        return rc;
    }
    rc = store_pull_finish(p->sp, p->f->grace, &p->n, e);
    p->sp = NULL;
    return rc;
}

enum err_code observe_feed_pull(struct store *st, const char *name, int64_t now,
                                observe_reject_fn reject, void *arg,
                                struct observe_feed_result *res, struct err *e)
{
    struct store_feed *f = mem_alloc(sizeof(*f));
    struct pull *p = mem_calloc(1, sizeof(*p));
    double t0 = time_mono();
    struct buf b;
    enum err_code rc;

    memset(res, 0, sizeof(*res));
    buf_init(&b, FEED_SIZE_MAX);
    if (f == NULL || p == NULL) {
        rc = err_set(e, ERR_NOMEM, "feed: out of memory");
        goto out;
    }
    rc = store_feed_get(st, name, f, e);
    if (rc != ERR_OK)
        goto out;
    res->feed_id = f->id;
    *p = (struct pull){.f = f, .now = now, .reject = reject, .arg = arg, .e = e};
    rc = run_pull(st, p, &b, e);
    if (rc != ERR_OK && rc != ERR_DB && rc != ERR_NOMEM) {
        struct err fe;
        /* if recording fails too, the pull's own error is the one to report */
        (void)store_feed_failed(st, f->id, now, e ? e->msg : "pull failed", &fe);
    }
    res->n = p->n;
out:
    res->seconds = time_mono() - t0;
    buf_fini(&b);
    mem_free(p);
    mem_free(f);
    return rc;
}
