/* ingest.c - `ooda ingest`: options, per-file results and the summary line. */
#include "cli/cli.h"
#include "match/match.h"
#include "observe/observe.h"
#include "orient/orient.h"

#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

#define REJECTS_SHOWN 20

/* The snapshot of listed indicators for sensor logs, built on first use. */
struct listed_ctx {
    struct store *st;
    struct match_builder *b;
    struct match_snap *snap;
    enum err_code rc;
    struct err e;
};

struct reject_ctx {
    uint64_t n;
};

struct ingest_args {
    struct observe_opts o;
    struct listed_ctx listed;
    struct reject_ctx rejects;
    struct observe_live_opts live;
    const char *db, *geo_dir;
    bool json, quiet;
};

static int parse_darknet(struct observe_opts *o, const char *list)
{
    char item[128];
    const char *p = list;
    struct err e;

    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof(item))
            return cli_usage("ingest", "--darknet: empty or overlong prefix");
        memcpy(item, p, n);
        item[n] = '\0';
        if (o->ndarknet == OBSERVE_DARKNET_MAX)
            return cli_usage("ingest", "--darknet: too many prefixes");
        if (cidr_parse(item, &o->darknet[o->ndarknet], &e) != ERR_OK)
            return cli_usage("ingest", e.msg);
        o->ndarknet++;
        p += n + (p[n] == ',');
    }
    return EX_OK;
}

static int parse_u32(const char *opt, const char *v, uint32_t max, uint32_t *out)
{
    uint64_t x;
    struct err e;

    if (num_parse_u64(v, max, &x, &e) != ERR_OK || x == 0) {
        char msg[300];
        (void)snprintf(msg, sizeof(msg), "%s: %s", opt, x == 0 ? "must be > 0" : e.msg);
        return cli_usage("ingest", msg);
    }
    *out = (uint32_t)x;
    return EX_OK;
}

static int parse_secs(const char *opt, const char *v, double *out)
{
    uint64_t x;
    struct err e;

    if (num_parse_u64(v, 31536000, &x, &e) != ERR_OK)
        return cli_usage("ingest", opt);
    *out = (double)x;
    return EX_OK;
}

enum {
    O_SENSOR = 256,
    O_DARKNET,
    O_SCAN,
    O_VICTIM,
    O_LIVE,
    O_BPF,
    O_COUNT,
    O_DURATION,
    O_COMMIT,
    O_GEO,
    O_DB,
    O_JSON,
    O_QUIET,
    O_HELP
};

static int parse_opt(int c, struct ingest_args *a)
{
    uint64_t n;
    struct err e;

    switch (c) {
    case O_SENSOR:
        a->o.sensor = optarg;
        return EX_OK;
    case O_DARKNET:
        return parse_darknet(&a->o, optarg);
    case O_SCAN:
        return parse_u32("--scanner-threshold", optarg, 64, &a->o.scanner_threshold);
    case O_VICTIM:
        return parse_u32("--victim-threshold", optarg, 1000000000, &a->o.victim_threshold);
    case O_LIVE:
        a->live.iface = optarg;
        return EX_OK;
    case O_BPF:
        a->live.bpf = optarg;
        return EX_OK;
    case O_COUNT:
        if (num_parse_u64(optarg, UINT64_MAX, &n, &e) != ERR_OK)
            return cli_usage("ingest", "--count: not a number");
        a->live.max_packets = n;
        return EX_OK;
    case O_DURATION:
        return parse_secs("--duration: not a number of seconds", optarg, &a->live.duration);
    case O_COMMIT:
        return parse_secs("--commit-interval: not a number of seconds", optarg,
                          &a->live.commit_interval);
    case O_GEO:
        a->geo_dir = optarg;
        return EX_OK;
    case O_DB:
        a->db = optarg;
        return EX_OK;
    case O_JSON:
        a->json = true;
        return EX_OK;
    case O_QUIET:
        a->quiet = true;
        return EX_OK;
    default:
        return cli_usage("ingest", "unknown option");
    }
}

static int parse_args(int argc, char **argv, struct ingest_args *a)
{
    static const struct option opts[] = {
        {"sensor", required_argument, 0, O_SENSOR},
        {"darknet", required_argument, 0, O_DARKNET},
        {"scanner-threshold", required_argument, 0, O_SCAN},
        {"victim-threshold", required_argument, 0, O_VICTIM},
        {"live", required_argument, 0, O_LIVE},
        {"bpf", required_argument, 0, O_BPF},
        {"count", required_argument, 0, O_COUNT},
        {"duration", required_argument, 0, O_DURATION},
        {"commit-interval", required_argument, 0, O_COMMIT},
        {"geo", required_argument, 0, O_GEO},
        {"db", required_argument, 0, O_DB},
        {"json", no_argument, 0, O_JSON},
        {"quiet", no_argument, 0, O_QUIET},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    int c, rc;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h' || c == O_HELP) {
            cli_help("ingest", stdout);
            return -1;
        }
        if (c == '?')
            return cli_usage("ingest", "unknown option or missing value");
        rc = parse_opt(c, a);
        if (rc != EX_OK)
            return rc;
    }
    if (a->o.sensor == NULL)
        return cli_usage("ingest", "--sensor NAME is required");
    if (a->live.iface == NULL && optind >= argc)
        return cli_usage("ingest", "give capture or log files, '-' for stdin, or --live IFACE");
    if (a->live.iface != NULL && optind < argc)
        return cli_usage("ingest", "--live takes no files");
    return EX_OK;
}

static bool on_listed(void *arg, const struct orient_ind *ind)
{
    struct listed_ctx *l = arg;

    l->rc = match_builder_add(l->b, ind->type, ind->value, strlen(ind->value), ind->id, ind->score,
                              &l->e);
    return l->rc == ERR_OK;
}

static enum err_code load_listed(void *arg, const struct match_snap **out, struct err *e)
{
    struct listed_ctx *l = arg;
    enum err_code rc = match_builder_new(&l->b, e);

    l->rc = ERR_OK;
    if (rc == ERR_OK)
        rc = orient_ind_each_listed(l->st, time_now(), on_listed, l, e);
    if (rc == ERR_OK && l->rc != ERR_OK) {
        *e = l->e;
        rc = l->rc;
    }
    if (rc != ERR_OK) {
        match_builder_free(l->b);
        return rc;
    }
    rc = match_builder_finish(l->b, &l->snap, e);
    *out = l->snap;
    return rc;
}

static void on_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    struct reject_ctx *r = arg;

    if (r->n++ < REJECTS_SHOWN)
        fprintf(stderr, "ooda: ingest: %s:%llu: %s\n", where, (unsigned long long)line, reason);
}

static cJSON *counts_json(const struct observe_counts *n)
{
    cJSON *j = cJSON_CreateObject(), *cls = cJSON_CreateObject();

    cJSON_AddNumberToObject(j, "bytes_read", (double)n->bytes_read);
    cJSON_AddNumberToObject(j, "frames", (double)n->frames);
    cJSON_AddNumberToObject(j, "packets", (double)n->packets);
    cJSON_AddNumberToObject(j, "bytes", (double)n->bytes);
    cJSON_AddNumberToObject(j, "outside", (double)n->outside);
    cJSON_AddNumberToObject(j, "non_ip", (double)n->non_ip);
    cJSON_AddNumberToObject(j, "bad", (double)n->bad);
    cJSON_AddNumberToObject(j, "fragments", (double)n->fragments);
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        cJSON_AddNumberToObject(cls, store_dk_class_name(c), (double)n->cls[c]);
    cJSON_AddItemToObject(j, "classes", cls);
    cli_json_time(j, "first_seen", n->first_ts);
    cli_json_time(j, "last_seen", n->last_ts);
    return j;
}

static bool is_log(const struct observe_file_result *r)
{
    return r->format != NULL && strcmp(r->format, "pcap") != 0;
}

static void print_log(const char *path, const struct observe_file_result *r, double s)
{
    uint64_t listed = 0;

    for (int k = 0; k < OBSERVE_EVIDENCE_KINDS; k++)
        listed += r->log.listed[k];
    fprintf(stderr,
            "%s: %s, %llu lines, %llu events (%llu of unused types, %llu rejected), %llu reaching"
            " listed indicators, %.2f s, %.0f MB/s\n",
            path, r->format, (unsigned long long)r->log.lines, (unsigned long long)r->log.events,
            (unsigned long long)r->log.skipped, (unsigned long long)r->log.rejected,
            (unsigned long long)listed, r->seconds, (double)r->n.bytes_read / s / 1e6);
}

static void print_file(const char *path, const struct observe_file_result *r)
{
    double s = r->seconds > 0 ? r->seconds : 1e-9;

    if (r->skipped) {
        fprintf(stderr, "%s: already ingested by this sensor, skipped\n", path);
        return;
    }
    if (is_log(r)) {
        print_log(path, r, s);
        return;
    }
    fprintf(stderr,
            "%s: %llu frames, %llu darknet packets (%llu outside, %llu non-IP, %llu bad), "
            "%.2f s, %.2f M packets/s, %.0f MB/s\n",
            path, (unsigned long long)r->n.frames, (unsigned long long)r->n.packets,
            (unsigned long long)r->n.outside, (unsigned long long)r->n.non_ip,
            (unsigned long long)r->n.bad, r->seconds, (double)r->n.frames / s / 1e6,
            (double)r->n.bytes_read / s / 1e6);
}

static cJSON *log_json(const struct observe_file_result *r)
{
    cJSON *j = cJSON_CreateObject(), *k = cJSON_CreateObject(), *l = cJSON_CreateObject();

    cJSON_AddNumberToObject(j, "bytes_read", (double)r->n.bytes_read);
    cJSON_AddNumberToObject(j, "lines", (double)r->log.lines);
    cJSON_AddNumberToObject(j, "events", (double)r->log.events);
    cJSON_AddNumberToObject(j, "skipped_events", (double)r->log.skipped);
    cJSON_AddNumberToObject(j, "rejected", (double)r->log.rejected);
    for (int i = r->log.kind_first; i < r->log.kind_first + r->log.kind_n; i++)
        cJSON_AddNumberToObject(k, observe_event_kind_name(i), (double)r->log.kinds[i]);
    cJSON_AddItemToObject(j, "event_types", k);
    for (int i = 0; i < OBSERVE_EVIDENCE_KINDS; i++)
        cJSON_AddNumberToObject(l, observe_evidence_kind_name(i), (double)r->log.listed[i]);
    cJSON_AddItemToObject(j, "listed", l);
    if (strcmp(r->format, "cowrie") == 0)
        cJSON_AddNumberToObject(j, "indicators", (double)r->log.indicators);
    cli_json_time(j, "first_seen", r->n.first_ts);
    cli_json_time(j, "last_seen", r->n.last_ts);
    return j;
}

static cJSON *file_json(const char *path, const struct observe_file_result *r, const char *err)
{
    cJSON *j = is_log(r) ? log_json(r) : counts_json(&r->n);
    char hex[40];

    if (r->format != NULL)
        cJSON_AddStringToObject(j, "format", r->format);

    cJSON_AddStringToObject(j, "path", path);
    cJSON_AddStringToObject(j, "status", err ? "failed" : r->skipped ? "skipped" : "ingested");
    if (err != NULL)
        cJSON_AddStringToObject(j, "error", err);
    cJSON_AddStringToObject(j, "hash", hex_encode(r->hash, 16, hex, sizeof(hex)));
    cJSON_AddNumberToObject(j, "seconds", r->seconds);
    cJSON_AddNumberToObject(j, "store_seconds", r->store_seconds);
    return j;
}

/* Ingests every file; returns the worst exit code. */
static int run_files(struct observe_ingest *in, int argc, char **argv, struct ingest_args *a,
                     cJSON *files)
{
    int worst = EX_OK;

    for (int i = optind; i < argc && !stop_flag; i++) {
        struct observe_file_result r;
        struct err e;
        enum err_code rc = observe_ingest_file(in, argv[i], &r, &e);
        if (rc != ERR_OK) {
            fprintf(stderr, "ooda: ingest: %s\n", e.msg);
            if (worst == EX_OK || rc == ERR_PARSE)
                worst = err_exit_code(rc);
        } else {
            if (!a->quiet)
                print_file(argv[i], &r);
            if (r.log.rejected > 0 && worst == EX_OK)
                worst = EX_DATAERR; /* the good lines are committed */
        }
        cJSON_AddItemToArray(files, file_json(argv[i], &r, rc == ERR_OK ? NULL : e.msg));
    }
    return worst;
}

static int run_ingest(struct ingest_args *a, int argc, char **argv, struct store *st,
                      struct geo *geo)
{
    struct observe_ingest *in;
    struct err e;
    cJSON *out = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(out, "files");
    size_t mem, srcs, smem;
    int rc;

    a->o.geo = geo;
    a->o.progress = !a->quiet;
    a->listed.st = st;
    a->o.listed = load_listed;
    a->o.listed_arg = &a->listed;
    a->o.reject = on_reject;
    a->o.reject_arg = &a->rejects;
    if (observe_ingest_new(st, &a->o, &in, &e) != ERR_OK) {
        cJSON_Delete(out);
        return cli_fail("ingest", e.code, e.msg);
    }
    if (a->live.iface != NULL) {
        struct observe_counts n;
        a->live.stop = &stop_flag;
        if (observe_ingest_live(in, &a->live, &n, &e) != ERR_OK) {
            observe_ingest_free(in);
            cJSON_Delete(out);
            return cli_fail("ingest", e.code, e.msg);
        }
        cJSON_AddItemToObject(out, "live", counts_json(&n));
        rc = EX_OK;
    } else {
        rc = run_files(in, argc, argv, a, files);
    }
    observe_ingest_memory(in, &mem, &srcs, &smem);
    cJSON_AddNumberToObject(out, "peak_aggregate_bytes", (double)mem);
    cJSON_AddNumberToObject(out, "peak_sources", (double)srcs);
    cJSON_AddNumberToObject(out, "peak_source_state_bytes", (double)smem);
    observe_ingest_free(in);
    match_snap_unref(a->listed.snap);
    if (a->rejects.n > REJECTS_SHOWN)
        fprintf(stderr, "ooda: ingest: %llu more rejected lines not shown\n",
                (unsigned long long)(a->rejects.n - REJECTS_SHOWN));
    if (a->json) {
        int prc = cli_print_json(out);
        return rc != EX_OK ? rc : prc;
    }
    cJSON_Delete(out);
    return rc;
}

int cli_ingest(int argc, char **argv)
{
    struct ingest_args a;
    struct store *st = NULL;
    struct geo *geo = NULL;
    struct err e;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse_args(argc, argv, &a);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (geo_open(a.geo_dir, &geo, &e) != ERR_OK)
        return cli_fail("ingest", e.code, e.msg);
    if (store_open(a.db, &st, &e) != ERR_OK) {
        geo_close(geo);
        return cli_fail("ingest", e.code, e.msg);
    }
    if (a.live.iface != NULL) { /* files stop at once: their transaction is rolled back */
        (void)signal(SIGINT, on_signal);
        (void)signal(SIGTERM, on_signal);
    }
    rc = run_ingest(&a, argc, argv, st, geo);
    store_close(st);
    geo_close(geo);
    return rc;
}
