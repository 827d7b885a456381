/* darknet.c - `ooda darknet summary|top` and `ooda db check`: the first orient views. */
#include "cli/cli.h"
#include "geo/geo.h"
#include "store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#define TOP_MAX 1000000

struct view_args {
    const char *db, *since, *until, *sensor, *by;
    uint64_t n;
    int port, cls;
    bool json;
};

static int class_id(const char *name)
{
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        if (strcmp(name, store_dk_class_name(c)) == 0)
            return c;
    return -1;
}

static int parse_view(const char *cmd, int argc, char **argv, struct view_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},    {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'}, {"sensor", required_argument, 0, 'S'},
        {"by", required_argument, 0, 'b'},    {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {"port", required_argument, 0, 'p'},
        {"class", required_argument, 0, 'c'}, {0, 0, 0, 0},
    };
    struct err e;
    uint64_t v;
    int c;

    memset(a, 0, sizeof(*a));
    a->n = 10;
    a->port = -1;
    a->cls = -1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 's': a->since = optarg; break;
        case 'u': a->until = optarg; break;
        case 'S': a->sensor = optarg; break;
        case 'b': a->by = optarg; break;
        case 'j': a->json = true; break;
        case 'p':
            if (num_parse_u64(optarg, 65535, &v, &e) != ERR_OK)
                return cli_usage(cmd, "--port: want 0..65535");
            a->port = (int)v;
            break;
        case 'c':
            a->cls = class_id(optarg);
            if (a->cls < 0)
                return cli_usage(cmd, "--class: tcp_syn, udp, icmp_echo, backscatter or other");
            break;
        case 'n':
            if (num_parse_u64(optarg, TOP_MAX, &a->n, &e) != ERR_OK || a->n == 0)
                return cli_usage(cmd, "-n: want a number from 1 to 1000000");
            break;
        case 'h':
            cli_help(strcmp(cmd, "db") == 0 ? "db" : "darknet", stdout);
            return -1;
        default:
            return cli_usage(cmd, "unknown option or missing value");
        }
    }
    return EX_OK;
}

static void print_summary_text(const struct store_dk_summary *s)
{
    char a[32], b[32];

    printf("packets              %llu\n", (unsigned long long)s->packets);
    printf("bytes                %llu\n", (unsigned long long)s->bytes);
    printf("sources              %llu\n", (unsigned long long)s->sources);
    printf("scanners             %llu\n", (unsigned long long)s->scanners);
    printf("backscatter_victims  %llu\n", (unsigned long long)s->victims);
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        printf("  %-18s %llu\n", store_dk_class_name(c), (unsigned long long)s->cls[c]);
    printf("first_seen           %s\n", s->first_seen ? time_format(s->first_seen, a, 32) : "-");
    printf("last_seen            %s\n", s->last_seen ? time_format(s->last_seen, b, 32) : "-");
    printf("sensors %llu, files %llu\n", (unsigned long long)s->sensors,
           (unsigned long long)s->files);
}

static int summary(struct store *st, const struct view_args *a, int64_t since, int64_t until)
{
    struct store_dk_summary s;
    struct err e;
    cJSON *j, *cls;

    if (store_dk_summary(st, a->sensor, since, until, &s, &e) != ERR_OK)
        return cli_fail("darknet summary", e.code, e.msg);
    if (!a->json) {
        print_summary_text(&s);
        return EX_OK;
    }
    j = cJSON_CreateObject();
    cli_json_time(j, "since", a->since ? since : 0);
    cli_json_time(j, "until", a->until ? until : 0);
    cJSON_AddNumberToObject(j, "packets", (double)s.packets);
    cJSON_AddNumberToObject(j, "bytes", (double)s.bytes);
    cJSON_AddNumberToObject(j, "sources", (double)s.sources);
    cJSON_AddNumberToObject(j, "scanners", (double)s.scanners);
    cJSON_AddNumberToObject(j, "backscatter_victims", (double)s.victims);
    cls = cJSON_AddObjectToObject(j, "classes");
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        cJSON_AddNumberToObject(cls, store_dk_class_name(c), (double)s.cls[c]);
    cli_json_time(j, "first_seen", s.first_seen);
    cli_json_time(j, "last_seen", s.last_seen);
    cJSON_AddNumberToObject(j, "sensors", (double)s.sensors);
    cJSON_AddNumberToObject(j, "files", (double)s.files);
    return cli_print_json(j);
}

static cJSON *top_entry(enum store_dk_by by, const struct store_dk_top *t, const struct geo *g)
{
    cJSON *j = cJSON_CreateObject(), *cls, *tp;

    cJSON_AddStringToObject(j, "key", t->key);
    switch (by) {
    case STORE_BY_SOURCE:
        cJSON_AddStringToObject(j, "ip", t->key);
        break;
    case STORE_BY_PORT:
        cJSON_AddNumberToObject(j, "port", t->port);
        cJSON_AddStringToObject(j, "class", store_dk_class_name(t->cls_id));
        break;
    case STORE_BY_COUNTRY:
        cJSON_AddStringToObject(j, "country", t->key);
        break;
    case STORE_BY_ASN:
        cJSON_AddNumberToObject(j, "asn", (double)strtoull(t->key, NULL, 10));
        if (g != NULL)
            cJSON_AddStringToObject(j, "as_name",
                                    geo_asn_name(g, (uint32_t)strtoul(t->key, NULL, 10)));
        break;
    }
    cJSON_AddNumberToObject(j, "packets", (double)t->packets);
    cJSON_AddNumberToObject(j, "sources", (double)t->sources);
    if (by != STORE_BY_SOURCE)
        return j;
    cJSON_AddNumberToObject(j, "bytes", (double)t->bytes);
    cJSON_AddNumberToObject(j, "dsts", (double)t->dsts);
    cJSON_AddNumberToObject(j, "ports", t->ports);
    cJSON_AddStringToObject(j, "country", t->country);
    cJSON_AddNumberToObject(j, "asn", t->asn);
    cJSON_AddBoolToObject(j, "scanner", t->scanner);
    cJSON_AddBoolToObject(j, "victim", t->victim);
    tp = cJSON_Parse(t->top_ports); /* written by ooda as JSON; [] if unreadable */
    cJSON_AddItemToObject(j, "top_ports", tp != NULL ? tp : cJSON_CreateArray());
    cls = cJSON_AddObjectToObject(j, "classes");
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        cJSON_AddNumberToObject(cls, store_dk_class_name(c), (double)t->cls[c]);
    cli_json_time(j, "first_seen", t->first_seen);
    cli_json_time(j, "last_seen", t->last_seen);
    return j;
}

/* "23/tcp_syn" from a top-ports JSON list, or "-". */
static void first_port(const char *json, char *out, size_t cap)
{
    cJSON *j = cJSON_Parse(json), *e0 = cJSON_GetArrayItem(j, 0);
    cJSON *port = cJSON_GetArrayItem(e0, 0), *cls = cJSON_GetArrayItem(e0, 1);

    if (cJSON_IsNumber(port) && cJSON_IsString(cls))
        (void)snprintf(out, cap, "%d/%s", port->valueint, cls->valuestring);
    else
        (void)snprintf(out, cap, "-");
    cJSON_Delete(j);
}

static void print_top_text(enum store_dk_by by, const struct store_dk_top *t, size_t n,
                           const struct geo *g)
{
    static const char *const head[] = {"source", "port/class", "country", "asn"};

    if (by == STORE_BY_SOURCE)
        printf("%-40s %12s %8s %4s %-16s %s\n", head[by], "packets", "dsts", "cc", "top port",
               "flags");
    else
        printf("%-40s %12s %10s\n", head[by], "packets", "sources");
    for (size_t i = 0; i < n; i++) {
        if (by == STORE_BY_SOURCE) {
            char tp[32];
            first_port(t[i].top_ports, tp, sizeof(tp));
            printf("%-40s %12llu %8llu %4s %-16s %s%s\n", t[i].key,
                   (unsigned long long)t[i].packets, (unsigned long long)t[i].dsts, t[i].country,
                   tp, t[i].scanner ? "scanner " : "", t[i].victim ? "dos-victim" : "");
        } else if (by == STORE_BY_ASN && g != NULL) {
            char k[80];
            (void)snprintf(k, sizeof(k), "AS%s %s", t[i].key,
                           geo_asn_name(g, (uint32_t)strtoul(t[i].key, NULL, 10)));
            printf("%-40.40s %12llu %10llu\n", k, (unsigned long long)t[i].packets,
                   (unsigned long long)t[i].sources);
        } else {
            printf("%-40s %12llu %10llu\n", t[i].key, (unsigned long long)t[i].packets,
                   (unsigned long long)t[i].sources);
        }
    }
}

static int parse_by(const char *by, enum store_dk_by *out)
{
    static const char *const names[] = {"source", "port", "country", "asn"};

    for (int i = 0; i < 4; i++)
        if (by != NULL && strcmp(by, names[i]) == 0) {
            *out = (enum store_dk_by)i;
            return EX_OK;
        }
    return cli_usage("darknet top", "--by must be source, port, country or asn");
}

static int top(struct store *st, const struct view_args *a, int64_t since, int64_t until)
{
    static const char *const names[] = {"source", "port", "country", "asn"};
    struct store_dk_top *rows;
    enum store_dk_by by = STORE_BY_SOURCE;
    struct geo *g = NULL;
    struct err e;
    size_t n;
    int rc = parse_by(a->by, &by);
    cJSON *j, *arr;

    if (rc != EX_OK)
        return rc;
    rows = mem_calloc(a->n, sizeof(*rows));
    if (rows == NULL)
        return cli_fail("darknet top", ERR_NOMEM, "out of memory");
    if (store_dk_top(st, by, a->sensor, since, until, rows, a->n, &n, &e) != ERR_OK) {
        mem_free(rows);
        return cli_fail("darknet top", e.code, e.msg);
    }
    if (by == STORE_BY_ASN && geo_open(NULL, &g, &e) != ERR_OK)
        g = NULL; /* names are a courtesy: numbers alone still answer */
    if (!a->json) {
        print_top_text(by, rows, n, g);
        rc = EX_OK;
    } else {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "by", names[by]);
        cli_json_time(j, "since", a->since ? since : 0);
        cli_json_time(j, "until", a->until ? until : 0);
        arr = cJSON_AddArrayToObject(j, "entries");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, top_entry(by, &rows[i], g));
        rc = cli_print_json(j);
    }
    geo_close(g);
    mem_free(rows);
    return rc;
}

struct series_ctx {
    cJSON *points;
    bool json;
};

static enum err_code series_point(void *ctx, const struct store_dk_port *r, struct err *e)
{
    struct series_ctx *c = ctx;
    char t[32];
    cJSON *p;

    (void)e;
    if (!c->json) {
        printf("%s %12llu %10llu %10llu\n", time_format(r->hour, t, sizeof(t)),
               (unsigned long long)r->packets, (unsigned long long)r->sources,
               (unsigned long long)r->new_sources);
        return ERR_OK;
    }
    p = cJSON_CreateObject();
    cli_json_time(p, "hour", r->hour);
    cJSON_AddNumberToObject(p, "packets", (double)r->packets);
    cJSON_AddNumberToObject(p, "bytes", (double)r->bytes);
    cJSON_AddNumberToObject(p, "sources", (double)r->sources);
    cJSON_AddNumberToObject(p, "new_sources", (double)r->new_sources);
    cJSON_AddItemToArray(c->points, p);
    return ERR_OK;
}

static int series(struct store *st, const struct view_args *a, int64_t since, int64_t until)
{
    struct series_ctx c = {NULL, a->json};
    cJSON *j = NULL;
    struct err e;

    if (a->json) {
        j = cJSON_CreateObject();
        if (a->port >= 0)
            cJSON_AddNumberToObject(j, "port", a->port);
        else
            cJSON_AddNullToObject(j, "port");
        if (a->cls >= 0)
            cJSON_AddStringToObject(j, "class", store_dk_class_name(a->cls));
        else
            cJSON_AddNullToObject(j, "class");
        c.points = cJSON_AddArrayToObject(j, "points");
    } else {
        printf("%-20s %12s %10s %10s\n", "hour", "packets", "sources", "new");
    }
    if (store_dk_series(st, a->sensor, a->port, a->cls, since, until, series_point, &c, &e) !=
        ERR_OK) {
        cJSON_Delete(j);
        return cli_fail("darknet series", e.code, e.msg);
    }
    return a->json ? cli_print_json(j) : EX_OK;
}

int cli_darknet(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;
    struct view_args a;
    struct store *st;
    struct err e;
    int64_t since, until;
    int rc;

    if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        cli_help("darknet", sub ? stdout : stderr);
        return sub ? EX_OK : EX_USAGE;
    }
    if (strcmp(sub, "summary") != 0 && strcmp(sub, "top") != 0 && strcmp(sub, "series") != 0)
        return cli_usage("darknet", "subcommand must be summary, top or series");
    rc = parse_view(sub, argc - 1, argv + 1, &a);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    rc = cli_range(sub, a.since, a.until, &since, &until);
    if (rc != EX_OK)
        return rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("darknet", e.code, e.msg);
    if (strcmp(sub, "summary") == 0)
        rc = summary(st, &a, since, until);
    else if (strcmp(sub, "top") == 0)
        rc = top(st, &a, since, until);
    else
        rc = series(st, &a, since, until);
    store_close(st);
    return rc;
}

int cli_db(int argc, char **argv)
{
    struct view_args a;
    struct store *st;
    struct err e;
    bool ok;
    int rc;

    if (argc < 2 || strcmp(argv[1], "check") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            cli_help("db", stdout);
            return EX_OK;
        }
        return cli_usage("db", "subcommand must be check");
    }
    rc = parse_view("db", argc - 1, argv + 1, &a);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("db", e.code, e.msg);
    if (store_integrity_check(st, &ok, &e) != ERR_OK) {
        store_close(st);
        return cli_fail("db", e.code, e.msg);
    }
    if (a.json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddBoolToObject(j, "ok", ok);
        cJSON_AddNumberToObject(j, "schema_version", store_schema_version(st));
        cJSON_AddStringToObject(j, "path", store_path(st));
        rc = cli_print_json(j);
    } else {
        printf("%s: %s, schema version %d\n", store_path(st), ok ? "ok" : "DAMAGED",
               store_schema_version(st));
    }
    store_close(st);
    return ok ? rc : EX_DATAERR;
}
