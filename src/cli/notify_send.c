/* notify_send.c - `ooda notify owner add|list` (network owners and how their reports are
 * delivered) and `ooda notify send` (each owner's report, delivered and remembered;
 * docs/reports.md). */
#include "act/act.h"
#include "cli/notify_int.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#define SECRET_MAX 4096

/* The first line of path (a secret never goes on the command line). */
static int read_secret(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (f == NULL)
        return cli_fail("notify", ERR_NOTFOUND, "--secret-file: cannot open it");
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0')
        return cli_usage("notify", "--secret-file: empty");
    return EX_OK;
}

struct owner_args {
    struct store_owner o;
    const char *db, *secret_file;
    char secret[SECRET_MAX];
    struct store_host_query q;
    bool scoped, json;
};

static int owner_opt(int c, struct owner_args *a)
{
    switch (c) {
    case 'd':
        a->db = optarg;
        return EX_OK;
    case 'D':
        a->o.method = "file";
        a->o.target = optarg;
        return EX_OK;
    case 'W':
        a->o.method = "webhook";
        a->o.target = optarg;
        return EX_OK;
    case 'M':
        a->o.method = "smtp";
        a->o.target = optarg;
        return EX_OK;
    case 'S':
        a->secret_file = optarg;
        return EX_OK;
    case 'F':
        a->o.mail_from = optarg;
        return EX_OK;
    case 'T':
        a->o.mail_to = optarg;
        return EX_OK;
    case 'j':
        a->json = true;
        return EX_OK;
    case 'a':
        a->o.asn = 0;
        break;
    case 'p':
        a->o.prefix = optarg;
        break;
    case 'c':
        a->o.country = optarg;
        break;
    default:
        return cli_usage("notify", "unknown option or missing value");
    }
    a->scoped = true; /* checked (and the AS number read) by the shared scope parser */
    if (cli_host_scope("notify", c, optarg, &a->q) != EX_OK)
        return EX_USAGE;
    if (c == 'a')
        a->o.asn = a->q.asn;
    return EX_OK;
}

static int owner_args(int argc, char **argv, struct owner_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"asn", required_argument, 0, 'a'},
        {"prefix", required_argument, 0, 'p'}, {"country", required_argument, 0, 'c'},
        {"dir", required_argument, 0, 'D'},    {"webhook", required_argument, 0, 'W'},
        {"smtp", required_argument, 0, 'M'},   {"secret-file", required_argument, 0, 'S'},
        {"from", required_argument, 0, 'F'},   {"to", required_argument, 0, 'T'},
        {"json", no_argument, 0, 'j'},         {0, 0, 0, 0},
    };
    int c, rc;

    memset(a, 0, sizeof(*a));
    a->o.asn = -1;
    orient_host_scope_init(&a->q);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if ((rc = owner_opt(c == '?' ? 0 : c, a)) != EX_OK)
            return rc;
    return EX_OK;
}

static int owner_add(int argc, char **argv)
{
    struct owner_args a;
    struct store *st;
    struct err e;
    int rc = owner_args(argc, argv, &a);

    if (rc != EX_OK)
        return rc;
    if (optind + 1 != argc)
        return cli_usage("notify", "owner add: want one NAME");
    a.o.name = argv[optind];
    if (!a.scoped)
        return cli_usage("notify", "owner add: give --asn N, --prefix CIDR or --country CC");
    if (a.o.method == NULL)
        return cli_usage("notify", "owner add: give --dir DIR, --webhook URL or --smtp URL");
    if (strcmp(a.o.method, "webhook") == 0) {
        if (a.secret_file == NULL)
            return cli_usage("notify", "--webhook needs --secret-file FILE (the HMAC key)");
        if ((rc = read_secret(a.secret_file, a.secret, sizeof(a.secret))) != EX_OK)
            return rc;
        a.o.secret = a.secret;
    }
    if (strcmp(a.o.method, "smtp") == 0 && (a.o.mail_to == NULL || a.o.mail_from == NULL))
        return cli_usage("notify", "--smtp needs --from ADDR and --to ADDR");
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("notify", e.code, e.msg);
    rc = store_owner_add(st, &a.o, time_now(), &e) == ERR_OK ? EX_OK
                                                             : cli_fail("notify", e.code, e.msg);
    store_close(st);
    if (rc == EX_OK)
        printf("owner %s added (%s)\n", a.o.name, a.o.method);
    return rc;
}

static bool list_one(void *arg, const struct store_owner *o)
{
    cJSON *arr = arg, *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "name", o->name);
    if (o->asn >= 0)
        cJSON_AddNumberToObject(j, "asn", (double)o->asn);
    if (o->prefix != NULL)
        cJSON_AddStringToObject(j, "prefix", o->prefix);
    if (o->country != NULL)
        cJSON_AddStringToObject(j, "country", o->country);
    cJSON_AddStringToObject(j, "method", o->method);
    cJSON_AddStringToObject(j, "target", o->target); /* the secret is never shown */
    if (o->mail_to != NULL)
        cJSON_AddStringToObject(j, "to", o->mail_to);
    cJSON_AddItemToArray(arr, j);
    return true;
}

static int owner_list(int argc, char **argv)
{
    struct owner_args a;
    struct store *st;
    struct err e;
    cJSON *arr, *j;
    int rc = owner_args(argc, argv, &a);

    if (rc != EX_OK)
        return rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("notify", e.code, e.msg);
    arr = cJSON_CreateArray();
    rc = store_owner_each(st, NULL, list_one, arr, &e) == ERR_OK
             ? EX_OK
             : cli_fail("notify", e.code, e.msg);
    store_close(st);
    if (rc != EX_OK || a.json) {
        if (rc != EX_OK)
            cJSON_Delete(arr);
        return rc != EX_OK ? rc : cli_print_json(arr);
    }
    cJSON_ArrayForEach(j, arr)
    {
        printf("%-20s %-8s %s\n", cJSON_GetObjectItem(j, "name")->valuestring,
               cJSON_GetObjectItem(j, "method")->valuestring,
               cJSON_GetObjectItem(j, "target")->valuestring);
    }
    cJSON_Delete(arr);
    return EX_OK;
}

int cli_notify_owner(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return owner_add(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return owner_list(argc - 1, argv + 1);
    return cli_usage("notify", "owner: want add or list");
}

/* ---- send ---------------------------------------------------------------------------- */

struct send_ctx {
    struct store *st;
    int64_t since, until, at;
    int worst;
    unsigned sent;
    /* owners are copied out of the store's row before anything else runs on it */
    struct store_owner *v;
    char **strs;
    size_t n, nstrs;
};

static char *dup_or_null(struct send_ctx *c, const char *s)
{
    char *d = s != NULL ? strdup(s) : NULL, **ns;

    if (d == NULL)
        return NULL;
    ns = realloc(c->strs, (c->nstrs + 1) * sizeof(*ns));
    if (ns == NULL) {
        free(d);
        return NULL;
    }
    c->strs = ns;
    c->strs[c->nstrs++] = d;
    return d;
}

static bool collect(void *arg, const struct store_owner *o)
{
    struct send_ctx *c = arg;
    struct store_owner *nv = realloc(c->v, (c->n + 1) * sizeof(*nv)), *x;

    if (nv == NULL)
        return false;
    c->v = nv;
    x = &c->v[c->n++];
    *x = (struct store_owner){dup_or_null(c, o->name),   o->asn,
                              dup_or_null(c, o->prefix), dup_or_null(c, o->country),
                              dup_or_null(c, o->method), dup_or_null(c, o->target),
                              dup_or_null(c, o->secret), dup_or_null(c, o->mail_from),
                              dup_or_null(c, o->mail_to)};
    return x->name != NULL && x->method != NULL && x->target != NULL;
}

/* The owner's report (CSV, or JSON for a webhook) into *body, its hosts remembered. */
static enum err_code build(struct send_ctx *c, const struct store_owner *o, bool json, char **body,
                           size_t *len, uint64_t *rows, struct err *e)
{
    struct store_host_query q;
    struct out out;
    cJSON *doc = NULL;
    enum err_code rc;

    orient_host_scope_init(&q);
    q.asn = o->asn;
    q.since = c->since;
    q.until = c->until;
    if (o->prefix != NULL && cli_host_scope("notify", 'p', o->prefix, &q) != EX_OK)
        return err_set(e, ERR_USAGE, "owner %s: bad prefix", o->name);
    if (o->country != NULL && cli_host_scope("notify", 'c', o->country, &q) != EX_OK)
        return err_set(e, ERR_USAGE, "owner %s: bad country", o->name);
    memset(&out, 0, sizeof(out));
    out.st = c->st;
    out.owner = o->name;
    out.at = c->at;
    *body = NULL;
    if (json) {
        doc = cJSON_CreateObject();
        cJSON_AddNumberToObject(doc, "schema_version", REPORT_SCHEMA_VERSION);
        cJSON_AddStringToObject(doc, "owner", o->name);
        out.rows = cJSON_AddArrayToObject(doc, "rows");
    } else {
        out.f = open_memstream(body, len);
        if (out.f == NULL)
            return err_set(e, ERR_NOMEM, "notify: cannot build the report");
        cli_notify_csv_header(out.f);
    }
    rc = orient_hosts_each(c->st, &q, cli_notify_on_host, &out, e);
    if (rc == ERR_OK && out.rc != ERR_OK) {
        rc = out.rc;
        *e = out.e;
    }
    if (out.f != NULL && fclose(out.f) != 0 && rc == ERR_OK)
        rc = err_set(e, ERR_NOMEM, "notify: cannot build the report");
    if (doc != NULL) {
        *body = rc == ERR_OK ? cJSON_PrintUnformatted(doc) : NULL;
        *len = *body != NULL ? strlen(*body) : 0;
        if (rc == ERR_OK && *body == NULL)
            rc = err_set(e, ERR_NOMEM, "notify: cannot build the report");
        cJSON_Delete(doc);
    }
    *rows = out.n;
    return rc;
}

static enum err_code deliver(const struct send_ctx *c, const struct store_owner *o,
                             const char *body, size_t len, char *where, size_t cap, struct err *e)
{
    char name[300], ts[32], subject[400];

    time_format(c->at, ts, sizeof(ts));
    if (strcmp(o->method, "file") == 0) {
        (void)snprintf(name, sizeof(name), "%s-%.4s%.2s%.2sT%.2s%.2s%.2sZ.csv", o->name, ts, ts + 5,
                       ts + 8, ts + 11, ts + 14, ts + 17);
        return act_notify_file(o->target, name, body, len, where, cap, e);
    }
    (void)snprintf(where, cap, "%s", o->target);
    if (strcmp(o->method, "webhook") == 0)
        return act_notify_webhook(o->target, o->secret != NULL ? o->secret : "", body, len, e);
    (void)snprintf(subject, sizeof(subject), "ooda report for %s, %s", o->name, ts);
    return act_notify_smtp(o->target, o->mail_from, o->mail_to, subject, body, len, e);
}

/* One owner: build and remember in a transaction, deliver, then commit (a failed
 * delivery is not remembered). */
static void send_one(struct send_ctx *c, const struct store_owner *o)
{
    char *body = NULL, where[4200] = "";
    size_t len = 0;
    uint64_t rows = 0;
    struct err e;
    enum err_code rc = store_begin(c->st, &e);

    if (rc == ERR_OK)
        rc = build(c, o, strcmp(o->method, "webhook") == 0, &body, &len, &rows, &e);
    if (rc == ERR_OK)
        rc = deliver(c, o, body, len, where, sizeof(where), &e);
    if (rc == ERR_OK)
        rc = store_commit(c->st, &e);
    else
        store_rollback(c->st);
    free(body);
    if (rc != ERR_OK) {
        fprintf(stderr, "ooda: notify send: %s: %s\n", o->name, e.msg);
        if (c->worst == EX_OK)
            c->worst = rc == ERR_IO ? EX_UNAVAILABLE : err_exit_code(rc);
        return;
    }
    c->sent++;
    printf("%s: %llu rows by %s to %s\n", o->name, (unsigned long long)rows, o->method, where);
}

int cli_notify_send(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},    {"owner", required_argument, 0, 'o'},
        {"since", required_argument, 0, 's'}, {"until", required_argument, 0, 'u'},
        {"at", required_argument, 0, 't'},    {0, 0, 0, 0},
    };
    const char *db = NULL, *owner = NULL, *since = NULL, *until = NULL, *at = NULL;
    struct send_ctx c;
    struct err e;
    int ch;

    memset(&c, 0, sizeof(c));
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            db = optarg;
            break;
        case 'o':
            owner = optarg;
            break;
        case 's':
            since = optarg;
            break;
        case 'u':
            until = optarg;
            break;
        case 't':
            at = optarg;
            break;
        default:
            return cli_usage("notify", "send: unknown option or missing value");
        }
    }
    if (optind < argc)
        return cli_usage("notify", "send: unexpected argument");
    if (cli_range("notify", since, until, &c.since, &c.until) != EX_OK)
        return EX_USAGE;
    c.at = time_now();
    if (at != NULL && time_parse(at, c.at, &c.at, &e) != ERR_OK)
        return cli_usage("notify", e.msg);
    if (store_open(db, &c.st, &e) != ERR_OK)
        return cli_fail("notify", e.code, e.msg);
    if (store_owner_each(c.st, owner, collect, &c, &e) != ERR_OK) {
        store_close(c.st);
        return cli_fail("notify", e.code, e.msg);
    }
    for (size_t i = 0; i < c.n; i++)
        send_one(&c, &c.v[i]);
    store_close(c.st);
    for (size_t i = 0; i < c.nstrs; i++)
        free(c.strs[i]);
    free(c.strs);
    free(c.v);
    if (c.n == 0 && owner != NULL)
        return cli_fail("notify", ERR_NOTFOUND, "send: no such owner");
    return c.worst;
}
