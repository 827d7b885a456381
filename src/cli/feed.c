/* feed.c - `ooda feed add|pull|list|conflicts|removals`: the feeds of the malicious-site
 * database. Pulls go through observe; the allowlisted count and the conflicts come from
 * orient; this file parses options and prints. Rejected records are printed on stderr as
 * "ooda: feed pull: WHERE:LINE: reason", at most REJECT_SHOWN per feed, then a count. */
#include "cli/cli.h"
#include "ioc/ioc.h"
#include "observe/observe.h"
#include "orient/orient.h"
#include "store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#define REJECT_SHOWN 20

struct feed_args {
    const char *db, *format, *file, *url, *columns, *org;
    const char *tlp, *confidence, *grace, *tau, *delta;
    bool json, allowlist;
};

/* "3600", "90s", "24h", "7d", "2w" as seconds. */
static bool parse_duration(const char *s, int64_t *out)
{
    struct err e;
    int64_t v;

    if (num_parse_i64(s, 0, INT64_C(1) << 40, &v, &e) == ERR_OK) {
        *out = v;
        return true;
    }
    if (s[0] == '-' || time_parse(s, 0, &v, &e) != ERR_OK || v > 0)
        return false;
    *out = -v;
    return true;
}

static int parse_args(const char *cmd, int argc, char **argv, struct feed_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"format", required_argument, 0, 'f'},
        {"file", required_argument, 0, 'F'},
        {"url", required_argument, 0, 'u'},
        {"columns", required_argument, 0, 'c'},
        {"org", required_argument, 0, 'o'},
        {"tlp", required_argument, 0, 't'},
        {"confidence", required_argument, 0, 'C'},
        {"grace", required_argument, 0, 'g'},
        {"tau", required_argument, 0, 'T'},
        {"delta", required_argument, 0, 'D'},
        {"allowlist", no_argument, 0, 'a'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->db = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'F':
            a->file = optarg;
            break;
        case 'u':
            a->url = optarg;
            break;
        case 'c':
            a->columns = optarg;
            break;
        case 'o':
            a->org = optarg;
            break;
        case 't':
            a->tlp = optarg;
            break;
        case 'C':
            a->confidence = optarg;
            break;
        case 'g':
            a->grace = optarg;
            break;
        case 'T':
            a->tau = optarg;
            break;
        case 'D':
            a->delta = optarg;
            break;
        case 'a':
            a->allowlist = true;
            break;
        case 'j':
            a->json = true;
            break;
        case 'h':
            cli_help("feed", stdout);
            return -1;
        default:
            return cli_usage(cmd, "unknown option or missing value");
        }
    }
    return EX_OK;
}

static int open_store(const char *cmd, const char *db, struct store **st)
{
    struct err e;

    if (store_open(db, st, &e) != ERR_OK)
        return cli_fail(cmd, e.code, e.msg);
    return EX_OK;
}

/* ---- add ----------------------------------------------------------------------------- */

static int add_opts(const struct feed_args *a, struct observe_feed_opts *o)
{
    enum ioc_tlp tlp;
    int64_t v;
    struct err e;

    if (a->tlp != NULL) {
        if (!ioc_tlp_parse(a->tlp, strlen(a->tlp), &tlp))
            return cli_usage("feed add", "--tlp: clear, green, amber, amber+strict or red");
        o->tlp = (int)tlp;
    }
    if (a->confidence != NULL) {
        if (num_parse_i64(a->confidence, 0, 100, &v, &e) != ERR_OK)
            return cli_usage("feed add", "--confidence: want 0..100");
        o->confidence = (int)v;
    }
    if (a->grace != NULL && !parse_duration(a->grace, &o->grace))
        return cli_usage("feed add", "--grace: want a duration (3600, 90m, 24h, 7d)");
    if (a->tau != NULL && (!parse_duration(a->tau, &o->tau) || o->tau == 0))
        return cli_usage("feed add", "--tau: want a positive duration (120d)");
    if (a->delta != NULL) {
        char *end;
        o->delta = strtod(a->delta, &end);
        if (*end != '\0' || !(o->delta > 0 && o->delta <= 100))
            return cli_usage("feed add", "--delta: want a number in (0, 100]");
    }
    return EX_OK;
}

/* The path made absolute (pulls may run from another directory); the file need not
 * exist yet. */
static bool absolute(const char *file, char *out, size_t cap)
{
    char cwd[4096];
    int n;

    if (file[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        n = snprintf(out, cap, "%s", file);
    else
        n = snprintf(out, cap, "%s/%s", cwd, file);
    return n >= 0 && (size_t)n < cap;
}

static int cmd_add(int argc, char **argv)
{
    struct observe_feed_opts o = {.tlp = -1, .confidence = -1, .grace = -1};
    char path[STORE_FEED_LOC_MAX];
    struct feed_args a;
    struct store *st;
    struct err e;
    int rc = parse_args("feed add", argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (optind != argc - 1)
        return cli_usage("feed add", "want exactly one NAME");
    if (a.format == NULL || (a.file == NULL) == (a.url == NULL))
        return cli_usage("feed add", "want --format and one of --file or --url");
    if (a.url != NULL && strncmp(a.url, "http://", 7) != 0 && strncmp(a.url, "https://", 8) != 0)
        return cli_usage("feed add", "--url: want an http:// or https:// URL");
    rc = add_opts(&a, &o);
    if (rc != EX_OK)
        return rc;
    o.name = argv[optind];
    o.format = a.format;
    o.location = a.url;
    if (a.file != NULL && !absolute(a.file, path, sizeof(path)))
        return cli_usage("feed add", "--file: path too long");
    if (a.file != NULL)
        o.location = path;
    o.org = a.org;
    o.columns = a.columns;
    o.allowlist = a.allowlist;
    rc = open_store("feed add", a.db, &st);
    if (rc != EX_OK)
        return rc;
    if (observe_feed_add(st, &o, &e) != ERR_OK)
        rc = e.code == ERR_USAGE ? cli_usage("feed add", e.msg)
                                 : cli_fail("feed add", e.code, e.msg);
    else if (!a.json)
        printf("feed %s added (%s, %s)\n", o.name, o.format, o.location);
    store_close(st);
    return rc;
}

/* ---- pull ---------------------------------------------------------------------------- */

struct rejects {
    uint64_t n;
};

static void on_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct rejects *r = arg;
    char safe[300];

    if (r->n++ < REJECT_SHOWN) {
        (void)log_escape((const uint8_t *)reason, strlen(reason), safe, sizeof(safe));
        fprintf(stderr, "ooda: feed pull: %s:%llu: %s\n", where, (unsigned long long)line, safe);
    }
}

struct counter {
    uint64_t n;
    const char *allowlist; /* count only conflicts of this allowlist (NULL: all) */
};

static bool count_conflict(void *arg, const struct orient_conflict *c)
{
    struct counter *k = arg;

    if (k->allowlist == NULL || strcmp(k->allowlist, c->allowlist) == 0)
        k->n++;
    return true;
}

/* The allowlisted count: a feed's indicators an allowlist covers, or for an allowlist
 * feed the indicators (of any feed) its entries cover. */
static enum err_code count_allowlisted(struct store *st, const struct store_feed *f, int64_t now,
                                       uint64_t *n, struct err *e)
{
    struct counter k = {.allowlist = f->allowlist ? f->name : NULL};
    enum err_code rc =
        orient_ind_each_conflict(st, now, f->allowlist ? 0 : f->id, count_conflict, &k, e);

    *n = k.n;
    if (rc == ERR_OK)
        rc = store_feed_set_allowlisted(st, f->id, k.n, e);
    return rc;
}

static cJSON *summary_json(const char *name, const struct observe_feed_result *r)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "feed", name);
    cJSON_AddNumberToObject(j, "entries", (double)r->n.entries);
    cJSON_AddNumberToObject(j, "accepted", (double)r->n.accepted);
    cJSON_AddNumberToObject(j, "rejected", (double)r->n.rejected);
    cJSON_AddNumberToObject(j, "added", (double)r->n.added);
    cJSON_AddNumberToObject(j, "updated", (double)r->n.updated);
    cJSON_AddNumberToObject(j, "missing", (double)r->n.missing);
    cJSON_AddNumberToObject(j, "removed", (double)r->n.removed);
    cJSON_AddNumberToObject(j, "allowlisted", (double)r->n.allowlisted);
    cJSON_AddNumberToObject(j, "seconds", r->seconds);
    return j;
}

static void summary_text(const char *name, const struct observe_feed_result *r)
{
    printf("%s: %llu entries, %llu accepted, %llu rejected; %llu added, %llu updated,"
           " %llu missing, %llu removed; %llu allowlisted (%.2f s)\n",
           name, (unsigned long long)r->n.entries, (unsigned long long)r->n.accepted,
           (unsigned long long)r->n.rejected, (unsigned long long)r->n.added,
           (unsigned long long)r->n.updated, (unsigned long long)r->n.missing,
           (unsigned long long)r->n.removed, (unsigned long long)r->n.allowlisted, r->seconds);
}

/* Exit code of a failed pull: 69 fetch, 66 missing file, 65 unusable data, 70 else. */
static int pull_exit(enum err_code c)
{
    switch (c) {
    case ERR_IO:
        return EX_UNAVAILABLE;
    case ERR_NOTFOUND:
        return EX_NOINPUT;
    case ERR_PARSE:
    case ERR_LIMIT:
        return EX_DATAERR;
    default:
        return err_exit_code(c);
    }
}

/* Pulls one feed; adds its summary to arr (JSON) or prints it. Returns an exit code. */
static int pull_one(struct store *st, const struct store_feed *f, cJSON *arr)
{
    struct observe_feed_result r;
    struct rejects rj = {0};
    int64_t now = time_now();
    struct err e;
    enum err_code rc = observe_feed_pull(st, f->name, now, on_reject, &rj, &r, &e);

    if (rj.n > REJECT_SHOWN)
        fprintf(stderr, "ooda: feed pull: %s: %llu more rejected records not shown\n", f->name,
                (unsigned long long)(rj.n - REJECT_SHOWN));
    if (rc != ERR_OK) {
        fprintf(stderr,
                "ooda: feed pull: warning: feed %s not updated, its previous %llu"
                " entries are kept: %s\n",
                f->name, (unsigned long long)f->active, e.msg);
        return pull_exit(rc);
    }
    if (count_allowlisted(st, f, now, &r.n.allowlisted, &e) != ERR_OK)
        return cli_fail("feed pull", e.code, e.msg);
    if (arr != NULL)
        cJSON_AddItemToArray(arr, summary_json(f->name, &r));
    else
        summary_text(f->name, &r);
    return EX_OK;
}

struct feed_list {
    struct store_feed *v;
    size_t n, cap;
    bool nomem;
};

static bool collect(void *arg, const struct store_feed *f)
{
    struct feed_list *l = arg;

    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 8;
        struct store_feed *v = realloc(l->v, c * sizeof(*v));
        if (v == NULL) {
            l->nomem = true;
            return false;
        }
        l->v = v;
        l->cap = c;
    }
    l->v[l->n++] = *f;
    return true;
}

static int load_feeds(struct store *st, const char *only, struct feed_list *l)
{
    struct err e;

    memset(l, 0, sizeof(*l));
    if (store_feed_each(st, collect, l, &e) != ERR_OK)
        return cli_fail("feed", e.code, e.msg);
    if (l->nomem)
        return cli_fail("feed", ERR_NOMEM, "out of memory");
    if (only != NULL) {
        size_t k = 0;
        for (size_t i = 0; i < l->n; i++)
            if (strcmp(l->v[i].name, only) == 0)
                l->v[k++] = l->v[i];
        l->n = k;
        if (k == 0)
            return cli_usage("feed pull", "no feed of that name (see 'ooda feed list')");
    }
    return EX_OK;
}

static int cmd_pull(int argc, char **argv)
{
    struct feed_args a;
    struct feed_list l = {0};
    struct store *st;
    cJSON *arr = NULL;
    int rc = parse_args("feed pull", argc, argv, &a), worst = EX_OK;

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (optind < argc - 1)
        return cli_usage("feed pull", "at most one NAME");
    rc = open_store("feed pull", a.db, &st);
    if (rc != EX_OK)
        return rc;
    rc = load_feeds(st, optind < argc ? argv[optind] : NULL, &l);
    if (rc == EX_OK && a.json)
        arr = cJSON_CreateArray();
    for (size_t i = 0; rc == EX_OK && i < l.n; i++) {
        int r = pull_one(st, &l.v[i], arr);
        if (worst == EX_OK)
            worst = r;
    }
    if (rc == EX_OK && arr != NULL) {
        if (optind < argc) { /* one feed: its object, if the pull succeeded */
            cJSON *one = cJSON_DetachItemFromArray(arr, 0);
            if (one != NULL)
                (void)cli_print_json(one);
        } else {
            (void)cli_print_json(arr);
            arr = NULL;
        }
    }
    cJSON_Delete(arr);
    free(l.v);
    store_close(st);
    return rc != EX_OK ? rc : worst;
}

/* ---- list ---------------------------------------------------------------------------- */

static cJSON *feed_json(const struct store_feed *f)
{
    cJSON *j = cJSON_CreateObject(), *last = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "name", f->name);
    cJSON_AddStringToObject(j, "format", f->format);
    cJSON_AddStringToObject(j, "location", f->location);
    cJSON_AddStringToObject(j, "org", f->org);
    cJSON_AddStringToObject(j, "tlp", ioc_tlp_name((enum ioc_tlp)f->tlp));
    cJSON_AddNumberToObject(j, "confidence", f->confidence);
    if (f->columns[0])
        cJSON_AddStringToObject(j, "columns", f->columns);
    cJSON_AddBoolToObject(j, "allowlist", f->allowlist);
    cJSON_AddNumberToObject(j, "grace", (double)f->grace);
    cJSON_AddNumberToObject(j, "tau", (double)f->tau);
    cJSON_AddNumberToObject(j, "delta", f->delta);
    cJSON_AddNumberToObject(j, "pulls", (double)f->pulls);
    cli_json_time(j, "last_pull", f->last_pull);
    cli_json_time(j, "last_ok", f->last_ok);
    if (f->last_error[0])
        cJSON_AddStringToObject(j, "last_error", f->last_error);
    else
        cJSON_AddNullToObject(j, "last_error");
    cJSON_AddNumberToObject(j, "active", (double)f->active);
    cJSON_AddNumberToObject(last, "entries", (double)f->last.entries);
    cJSON_AddNumberToObject(last, "accepted", (double)f->last.accepted);
    cJSON_AddNumberToObject(last, "rejected", (double)f->last.rejected);
    cJSON_AddNumberToObject(last, "added", (double)f->last.added);
    cJSON_AddNumberToObject(last, "updated", (double)f->last.updated);
    cJSON_AddNumberToObject(last, "missing", (double)f->last.missing);
    cJSON_AddNumberToObject(last, "removed", (double)f->last.removed);
    cJSON_AddNumberToObject(last, "allowlisted", (double)f->last.allowlisted);
    cJSON_AddItemToObject(j, "last", last);
    return j;
}

static void feed_text(const struct store_feed *f)
{
    char t[32];

    printf("%-20s %-11s %-5s %8llu active  last pull %s%s%s  %s\n", f->name, f->format,
           f->allowlist ? "allow" : ioc_tlp_name((enum ioc_tlp)f->tlp),
           (unsigned long long)f->active,
           f->last_pull ? time_format(f->last_pull, t, sizeof(t)) : "never",
           f->last_error[0] ? "  FAILED: " : "", f->last_error, f->location);
}

static int cmd_list(int argc, char **argv)
{
    struct feed_args a;
    struct feed_list l = {0};
    struct store *st = NULL;
    int rc = parse_args("feed list", argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (optind != argc)
        return cli_usage("feed list", "no arguments expected");
    rc = open_store("feed list", a.db, &st);
    if (rc == EX_OK)
        rc = load_feeds(st, NULL, &l);
    if (rc == EX_OK && a.json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < l.n; i++)
            cJSON_AddItemToArray(arr, feed_json(&l.v[i]));
        rc = cli_print_json(arr);
    } else if (rc == EX_OK) {
        for (size_t i = 0; i < l.n; i++)
            feed_text(&l.v[i]);
    }
    free(l.v);
    store_close(st);
    return rc;
}

/* ---- conflicts and removals ------------------------------------------------------------ */

struct conflicts {
    cJSON *arr; /* NULL: text */
    uint64_t n;
};

static bool on_conflict(void *arg, const struct orient_conflict *c)
{
    struct conflicts *k = arg;

    k->n++;
    if (k->arr == NULL) {
        printf("%s %s  allowlisted by %s %s (%s)  sources %s\n", ioc_type_name(c->ind->type),
               c->ind->value, c->entry_type, c->entry, c->allowlist, c->ind->sources);
        return true;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", ioc_type_name(c->ind->type));
    cJSON_AddStringToObject(j, "value", c->ind->value);
    cJSON_AddStringToObject(j, "entry_type", c->entry_type);
    cJSON_AddStringToObject(j, "entry", c->entry);
    cJSON_AddStringToObject(j, "allowlist", c->allowlist);
    cJSON_AddStringToObject(j, "sources", c->ind->sources);
    cJSON_AddItemToArray(k->arr, j);
    return true;
}

static int cmd_conflicts(int argc, char **argv)
{
    struct conflicts k = {0};
    struct feed_args a;
    struct store *st;
    struct err e;
    int rc = parse_args("feed conflicts", argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    rc = open_store("feed conflicts", a.db, &st);
    if (rc != EX_OK)
        return rc;
    if (a.json)
        k.arr = cJSON_CreateArray();
    if (orient_ind_each_conflict(st, time_now(), 0, on_conflict, &k, &e) != ERR_OK) {
        cJSON_Delete(k.arr);
        rc = cli_fail("feed conflicts", e.code, e.msg);
    } else if (a.json) {
        rc = cli_print_json(k.arr);
    }
    store_close(st);
    return rc;
}

static bool on_removal(void *arg, const char *feed, const char *type, const char *value, int64_t at)
{
    cJSON *arr = arg, *j;
    char t[32];

    if (arr == NULL) {
        printf("%s  %s %s %s\n", time_format(at, t, sizeof(t)), feed, type, value);
        return true;
    }
    j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "feed", feed);
    cJSON_AddStringToObject(j, "type", type);
    cJSON_AddStringToObject(j, "value", value);
    cli_json_time(j, "removed_at", at);
    cJSON_AddItemToArray(arr, j);
    return true;
}

static int cmd_removals(int argc, char **argv)
{
    struct feed_args a;
    struct store_feed f = {0};
    struct store *st;
    cJSON *arr = NULL;
    struct err e;
    int rc = parse_args("feed removals", argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    rc = open_store("feed removals", a.db, &st);
    if (rc != EX_OK)
        return rc;
    if (optind < argc && store_feed_get(st, argv[optind], &f, &e) != ERR_OK) {
        store_close(st);
        return cli_usage("feed removals", e.msg);
    }
    if (a.json)
        arr = cJSON_CreateArray();
    if (store_removals_each(st, f.id, on_removal, arr, &e) != ERR_OK) {
        cJSON_Delete(arr);
        rc = cli_fail("feed removals", e.code, e.msg);
    } else if (arr != NULL) {
        rc = cli_print_json(arr);
    }
    store_close(st);
    return rc;
}

int cli_feed(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;

    if (sub == NULL)
        return cli_usage("feed", "want add, pull, list, conflicts or removals");
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        cli_help("feed", stdout);
        return EX_OK;
    }
    if (strcmp(sub, "add") == 0)
        return cmd_add(argc - 1, argv + 1);
    if (strcmp(sub, "pull") == 0)
        return cmd_pull(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(sub, "conflicts") == 0)
        return cmd_conflicts(argc - 1, argv + 1);
    if (strcmp(sub, "removals") == 0)
        return cmd_removals(argc - 1, argv + 1);
    return cli_usage("feed", "unknown subcommand (add, pull, list, conflicts, removals)");
}
