/* notify.c - `ooda notify report`: the network-owner report, one row per piece of
 * evidence against a likely infected or abusing host of an ASN, a prefix or a country,
 * in the fixed schema of docs/reports.md (CSV with a header, or JSON). */
#include "cli/cli.h"
#include "cli/notify_int.h"
#include "orient/orient.h"

#include <getopt.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

/* docs/reports.md: columns never change meaning or order; new ones only append, with a
 * bump of this version. */
static const char *const report_columns[] = {"timestamp", "ip",    "asn",      "country",
                                             "port",      "class", "evidence", "sensor"};
#define NCOLS (sizeof(report_columns) / sizeof(report_columns[0]))

struct notify_args {
    const char *db, *since, *until, *format, *owner, *at;
    struct store_host_query q;
    bool scoped;
    char scope[256]; /* the scope options as written: "AS64500 203.0.113.0/24 JP" */
};

/* The report's class of an evidence kind (docs/reports.md). */
static const char *class_of(const char *kind)
{
    static const char *const map[][2] = {{"darknet-scan", "scanner"},
                                         {"dns-listed", "c2-contact"},
                                         {"flow-listed", "c2-contact"},
                                         {"http-listed", "c2-contact"},
                                         {"tls-listed", "c2-contact"},
                                         {"file-listed", "malware-download"},
                                         {"honeypot-download", "malware-download"},
                                         {"honeypot-login", "brute-force-login"},
                                         {"honeypot-command", "honeypot-command"}};

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(kind, map[i][0]) == 0)
            return map[i][1];
    return "other";
}

/* Appends one scope option to a->scope ("AS64500", "203.0.113.0/24", "JP"). */
static void scope_label(struct notify_args *a, int opt, const char *v)
{
    size_t n = strlen(a->scope);

    if (opt == 'a' && strncasecmp(v, "AS", 2) == 0)
        v += 2;
    (void)snprintf(a->scope + n, sizeof(a->scope) - n, "%s%s%s", n ? " " : "",
                   opt == 'a' ? "AS" : "", v);
}

/* need_scope: report wants --asn, --prefix or --country; status does not. */
static int parse_args(int argc, char **argv, struct notify_args *a, bool need_scope)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'},  {"asn", required_argument, 0, 'a'},
        {"prefix", required_argument, 0, 'p'}, {"country", required_argument, 0, 'c'},
        {"format", required_argument, 0, 'f'}, {"owner", required_argument, 0, 'o'},
        {"at", required_argument, 0, 't'},     {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    int c, rc;

    memset(a, 0, sizeof(*a));
    orient_host_scope_init(&a->q);
    a->format = "csv";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->db = optarg;
            break;
        case 's':
            a->since = optarg;
            break;
        case 'u':
            a->until = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'o':
            a->owner = optarg;
            break;
        case 't':
            a->at = optarg;
            break;
        case 'j':
            a->format = "json";
            break;
        case 'a':
        case 'p':
        case 'c':
            rc = cli_host_scope("notify", c, optarg, &a->q);
            if (rc != EX_OK)
                return rc;
            scope_label(a, c, optarg);
            a->scoped = true;
            break;
        case 'h':
            cli_help("notify", stdout);
            return -1;
        default:
            return cli_usage("notify", "unknown option or missing value");
        }
    }
    if (optind < argc)
        return cli_usage("notify", "unexpected argument");
    if (need_scope && !a->scoped)
        return cli_usage("notify", "report: give --asn N, --prefix CIDR or --country CC");
    if (strcmp(a->format, "csv") != 0 && strcmp(a->format, "json") != 0)
        return cli_usage("notify", "--format: csv or json");
    return cli_range("notify", a->since, a->until, &a->q.since, &a->q.until);
}

/* A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
    } else {
        fputc('"', f);
        for (; *s != '\0'; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    }
    fputc(last ? '\n' : ',', f);
}

void cli_notify_csv_header(FILE *f)
{
    for (size_t c = 0; c < NCOLS; c++)
        csv_field(f, report_columns[c], c + 1 == NCOLS);
}

bool cli_notify_on_host(void *arg, const struct orient_host *h)
{
    struct out *o = arg;
    char ip[64], ts[32], asn[16], port[8], ev[600];

    ip16_format(&h->ip, ip, sizeof(ip));
    (void)snprintf(asn, sizeof(asn), "%u", h->asn);
    for (size_t i = 0; i < h->n; i++) {
        const struct orient_evidence *v = &h->ev[i];
        const char *row[NCOLS];
        time_format(v->first_seen, ts, sizeof(ts));
        (void)snprintf(port, sizeof(port), "%u", v->port);
        (void)snprintf(ev, sizeof(ev), "%s: %s (%llu)", v->kind, v->what,
                       (unsigned long long)v->count);
        row[0] = ts;
        row[1] = ip;
        row[2] = asn;
        row[3] = h->country;
        row[4] = port;
        row[5] = class_of(v->kind);
        row[6] = ev;
        row[7] = v->sensor;
        o->n++;
        if (o->rows == NULL) {
            for (size_t c = 0; c < NCOLS; c++)
                csv_field(o->f, row[c], c + 1 == NCOLS);
            continue;
        }
        cJSON *j = cJSON_CreateObject();
        for (size_t c = 0; c < NCOLS; c++) {
            if (c == 2 || c == 4)
                cJSON_AddNumberToObject(j, report_columns[c], c == 2 ? h->asn : v->port);
            else
                cJSON_AddStringToObject(j, report_columns[c], row[c]);
        }
        cJSON_AddItemToArray(o->rows, j);
    }
    /* remembered, so `notify status` can tell whether the host was cleaned up */
    o->rc = store_notify_record(o->st, o->owner, &h->ip, o->at, h->n, &o->e);
    return o->rc == ERR_OK;
}

/* The owner a report is remembered under: --owner, else its scope. */
static const char *owner_of(const struct notify_args *a)
{
    return a->owner != NULL ? a->owner : a->scope;
}

/* Writes the rows and remembers the reported hosts, in one transaction. */
static int report_rows(struct store *st, const struct notify_args *a, struct out *o, struct err *e)
{
    int64_t now = time_now();

    o->st = st;
    o->owner = owner_of(a);
    o->at = now;
    if (a->at != NULL && time_parse(a->at, now, &o->at, e) != ERR_OK)
        return cli_usage("notify", e->msg);
    if (store_begin(st, e) != ERR_OK)
        return cli_fail("notify", e->code, e->msg);
    if (orient_hosts_each(st, &a->q, cli_notify_on_host, o, e) != ERR_OK || o->rc != ERR_OK) {
        if (o->rc != ERR_OK)
            *e = o->e;
        store_rollback(st);
        return cli_fail("notify", e->code, e->msg);
    }
    if (store_commit(st, e) != ERR_OK)
        return cli_fail("notify", e->code, e->msg);
    return EX_OK;
}

static bool on_status(void *arg, const struct store_notify_status *x)
{
    static const char *const days[] = {"1d", "7d", "30d"};
    cJSON *arr = arg, *j = cJSON_CreateObject(), *w = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "owner", x->owner);
    cJSON_AddNumberToObject(j, "reported", (double)x->reported);
    cli_json_time(j, "first_report", x->first_report);
    cli_json_time(j, "last_report", x->last_report);
    for (int d = 0; d < 3; d++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "due", (double)x->due[d]);
        cJSON_AddNumberToObject(o, "still_seen", (double)x->seen[d]);
        cJSON_AddItemToObject(w, days[d], o);
    }
    cJSON_AddItemToObject(j, "still_seen_after", w);
    cJSON_AddItemToArray(arr, j);
    return true;
}

static void status_text(const cJSON *arr)
{
    static const char *const days[] = {"1d", "7d", "30d"};
    const cJSON *j;

    printf("%-30s %9s %14s %14s %14s\n", "owner", "reported", "seen >=1d", "seen >=7d",
           "seen >=30d");
    cJSON_ArrayForEach(j, arr)
    {
        const cJSON *w = cJSON_GetObjectItem(j, "still_seen_after");
        char c[3][48];
        for (int d = 0; d < 3; d++) {
            const cJSON *o = cJSON_GetObjectItem(w, days[d]);
            (void)snprintf(c[d], sizeof(c[d]), "%.0f of %.0f",
                           cJSON_GetObjectItem(o, "still_seen")->valuedouble,
                           cJSON_GetObjectItem(o, "due")->valuedouble);
        }
        printf("%-30s %9.0f %14s %14s %14s\n", cJSON_GetObjectItem(j, "owner")->valuestring,
               cJSON_GetObjectItem(j, "reported")->valuedouble, c[0], c[1], c[2]);
    }
}

/* `notify status`: per owner, the reported hosts still seen 1, 7 and 30 days later. */
static int status(int argc, char **argv)
{
    struct notify_args a;
    struct store *st = NULL;
    cJSON *arr;
    struct err e;
    int64_t now = time_now();
    int rc = parse_args(argc, argv, &a, false);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (a.at != NULL && time_parse(a.at, now, &now, &e) != ERR_OK)
        return cli_usage("notify", e.msg);
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("notify", e.code, e.msg);
    arr = cJSON_CreateArray();
    if (store_notify_status(st, owner_of(&a)[0] ? owner_of(&a) : NULL, now, on_status, arr, &e) !=
        ERR_OK) {
        cJSON_Delete(arr);
        store_close(st);
        return cli_fail("notify", e.code, e.msg);
    }
    store_close(st);
    if (strcmp(a.format, "json") == 0)
        return cli_print_json(arr);
    status_text(arr);
    cJSON_Delete(arr);
    return EX_OK;
}

static int report(int argc, char **argv)
{
    struct notify_args a;
    struct store *st = NULL;
    struct out o;
    cJSON *doc = NULL;
    struct err e;
    int rc = parse_args(argc, argv, &a, true);

    memset(&o, 0, sizeof(o));
    o.f = stdout;
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("notify", e.code, e.msg);
    if (strcmp(a.format, "json") == 0) {
        doc = cJSON_CreateObject();
        cJSON_AddNumberToObject(doc, "schema_version", REPORT_SCHEMA_VERSION);
        o.rows = cJSON_AddArrayToObject(doc, "rows");
    } else {
        cli_notify_csv_header(stdout);
    }
    rc = report_rows(st, &a, &o, &e);
    store_close(st);
    if (doc != NULL) {
        if (rc != EX_OK) {
            cJSON_Delete(doc);
            return rc;
        }
        return cli_print_json(doc);
    }
    return rc;
}

int cli_notify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help("notify", argc < 2 ? stderr : stdout);
        return argc < 2 ? EX_USAGE : EX_OK;
    }
    if (strcmp(argv[1], "report") == 0)
        return report(argc - 1, argv + 1);
    if (strcmp(argv[1], "status") == 0)
        return status(argc - 1, argv + 1);
    if (strcmp(argv[1], "owner") == 0)
        return cli_notify_owner(argc - 1, argv + 1);
    if (strcmp(argv[1], "send") == 0)
        return cli_notify_send(argc - 1, argv + 1);
    return cli_usage("notify", "unknown subcommand (report, status, owner, send)");
}
