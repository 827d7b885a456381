/* rpz-serve-test.c - test driver of the act module's RPZ code, for integration tests
 * and measurements (not the product CLI):
 *
 *   rpz-serve-test zone  [opts] ENTRIES OUT     write the zone file of ENTRIES to OUT
 *   rpz-serve-test serve [opts] ENTRIES         serve ENTRIES; commands on stdin:
 *        add ENTRY | del ENTRY     queue a change
 *        commit                    publish the queued changes (prints "serial N")
 *        load FILE                 publish FILE's entries as the new full list
 *        serial                    print "serial N"
 *        quit
 *   rpz-serve-test bench N          memory per entry for N synthetic entries
 *
 * opts: --origin Z (rpz.test) --policy P (nxdomain) --serial N (1) --port P (0)
 *       --addr A (127.0.0.1) --tsig NAME:BASE64 --notify ADDR:PORT (repeatable)
 *       --port-file F (the bound port is written there) --history N --idle-ms N
 * ENTRIES: one domain or CIDR a line; blank lines and '#' comments skipped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "act/act.h"

#define MAX_NOTIFY 8

struct opts {
    struct act_rpz_zone_config zc;
    struct act_rpz_server_config sc;
    const char *notify[MAX_NOTIFY];
    const char *port_file;
    char tsig_name[256];
};

struct list {
    char **v;
    size_t n, cap;
};

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static int list_add(struct list *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strndup(s, n);
    return l->v[l->n] == NULL ? -1 : (int)(l->n++ * 0);
}

/* Reads entries, one a line. */
static int read_entries(const char *path, struct list *l)
{
    FILE *f = fopen(path, "r");
    char line[1024];

    if (f == NULL) {
        perror(path);
        return EX_NOINPUT;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strcspn(line, "\r\n#");
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        if (n > 0 && list_add(l, line, n) != 0) {
            fclose(f);
            return EX_OSERR;
        }
    }
    fclose(f);
    return 0;
}

static int parse_opts(int argc, char **argv, int *i, struct opts *o)
{
    struct err e;

    memset(o, 0, sizeof(*o));
    o->zc.origin = "rpz.test";
    o->sc.notify = o->notify;
    for (; *i < argc && strncmp(argv[*i], "--", 2) == 0; (*i)++) {
        const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
        if (v == NULL)
            return EX_USAGE;
        (*i)++;
        if (strcmp(k, "--origin") == 0)
            o->zc.origin = v;
        else if (strcmp(k, "--policy") == 0 && act_rpz_policy_parse(v, &o->zc.policy, &e) != 0)
            return (fprintf(stderr, "%s\n", e.msg), EX_USAGE);
        else if (strcmp(k, "--serial") == 0)
            o->zc.serial = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(k, "--port") == 0)
            o->sc.port = (uint16_t)strtoul(v, NULL, 10);
        else if (strcmp(k, "--addr") == 0)
            o->sc.listen_addr = v;
        else if (strcmp(k, "--history") == 0)
            o->sc.history = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "--idle-ms") == 0)
            o->sc.idle_ms = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "--port-file") == 0)
            o->port_file = v;
        else if (strcmp(k, "--notify") == 0 && o->sc.n_notify < MAX_NOTIFY)
            o->notify[o->sc.n_notify++] = v;
        else if (strcmp(k, "--tsig") == 0 && strchr(v, ':') != NULL) {
            size_t n = (size_t)(strchr(v, ':') - v);
            (void)snprintf(o->tsig_name, sizeof(o->tsig_name), "%.*s", (int)n, v);
            o->sc.tsig_name = o->tsig_name;
            o->sc.tsig_secret = v + n + 1;
        } else if (strcmp(k, "--policy") != 0)
            return EX_USAGE;
    }
    return 0;
}

static int make_zone(const struct opts *o, const struct list *l, struct act_rpz_zone **z)
{
    struct act_rpz_counts c;
    struct err e;

    if (act_rpz_zone_new(&o->zc, z, &e) != ERR_OK ||
        act_rpz_zone_load(*z, (const char *const *)l->v, l->n, &c, &e) != ERR_OK) {
        fprintf(stderr, "rpz-serve-test: %s\n", e.msg);
        act_rpz_zone_free(*z);
        return EX_DATAERR;
    }
    fprintf(stderr, "rpz-serve-test: %zu entries, %zu rejected, %zu duplicates\n", c.accepted,
            c.rejected, c.duplicates);
    return 0;
}

static int cmd_zone(const struct opts *o, const char *in, const char *out)
{
    struct list l = {0};
    struct act_rpz_zone *z = NULL;
    struct err e;
    FILE *f;
    int rc = read_entries(in, &l);

    if (rc == 0)
        rc = make_zone(o, &l, &z);
    list_free(&l);
    if (rc != 0)
        return rc;
    f = fopen(out, "w");
    if (f == NULL || act_rpz_zone_write(z, f, &e) != ERR_OK) {
        perror(out);
        rc = EX_CANTCREAT;
    }
    if (f != NULL && fclose(f) != 0)
        rc = EX_IOERR;
    act_rpz_zone_free(z);
    return rc;
}

/* Runs one stdin command; returns 1 to quit. */
static int serve_cmd(struct act_rpz_server *s, char *line, struct list *add, struct list *del)
{
    struct err e;
    uint32_t serial = 0;
    enum err_code rc = ERR_OK;

    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, "add ", 4) == 0)
        return list_add(add, line + 4, strlen(line + 4)) * 0;
    if (strncmp(line, "del ", 4) == 0)
        return list_add(del, line + 4, strlen(line + 4)) * 0;
    if (strcmp(line, "quit") == 0)
        return 1;
    if (strcmp(line, "commit") == 0) {
        rc = act_rpz_server_publish_changes(s, (const char *const *)add->v, add->n,
                                            (const char *const *)del->v, del->n, NULL, &serial, &e);
        list_free(add);
        list_free(del);
    } else if (strncmp(line, "load ", 5) == 0) {
        struct list l = {0};
        if (read_entries(line + 5, &l) != 0)
            return 0;
        rc = act_rpz_server_publish(s, (const char *const *)l.v, l.n, NULL, &serial, &e);
        list_free(&l);
    } else if (strcmp(line, "serial") == 0) {
        serial = act_rpz_server_serial(s);
    } else {
        fprintf(stderr, "rpz-serve-test: unknown command '%s'\n", line);
        return 0;
    }
    if (rc != ERR_OK)
        fprintf(stderr, "rpz-serve-test: %s\n", e.msg);
    else
        printf("serial %" PRIu32 "\n", serial);
    fflush(stdout);
    return 0;
}

static int cmd_serve(const struct opts *o, const char *in)
{
    struct list l = {0}, add = {0}, del = {0};
    struct act_rpz_zone *z = NULL;
    struct act_rpz_server *s = NULL;
    struct err e;
    char line[1100];
    int rc = read_entries(in, &l);

    if (rc == 0)
        rc = make_zone(o, &l, &z);
    list_free(&l);
    if (rc != 0)
        return rc;
    if (act_rpz_server_new(&o->sc, z, &s, &e) != ERR_OK || act_rpz_server_start(s, &e) != ERR_OK) {
        fprintf(stderr, "rpz-serve-test: %s\n", e.msg);
        act_rpz_server_free(s);
        return EX_UNAVAILABLE;
    }
    if (o->port_file != NULL) {
        FILE *f = fopen(o->port_file, "w");
        if (f != NULL) {
            fprintf(f, "%u\n", act_rpz_server_port(s));
            fclose(f);
        }
    }
    printf("port %u serial %" PRIu32 "\n", act_rpz_server_port(s), act_rpz_server_serial(s));
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin) != NULL && serve_cmd(s, line, &add, &del) == 0)
        ;
    list_free(&add);
    list_free(&del);
    act_rpz_server_free(s);
    return 0;
}

/* Peak and current resident memory from /proc (kB). */
static long rss_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;

    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, field, strlen(field)) == 0)
            v = strtol(line + strlen(field), NULL, 10);
    if (f != NULL)
        fclose(f);
    return v;
}

static int cmd_bench(size_t n)
{
    struct act_rpz_zone_config zc = {.origin = "rpz.test"};
    struct act_rpz_zone *z = NULL;
    struct act_rpz_delta *d = NULL;
    struct err e;
    char **v = malloc(n * sizeof(*v));
    size_t name_bytes = 0;
    long base;

    if (v == NULL || act_rpz_zone_new(&zc, &z, &e) != ERR_OK)
        return EX_OSERR;
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        int k =
            snprintf(buf, sizeof(buf), "host%zx.example%zu.test", i * 2654435761u % n, i % 1000);
        v[i] = strndup(buf, (size_t)k);
        name_bytes += (size_t)k;
    }
    base = rss_kb("VmRSS:");
    if (act_rpz_zone_load(z, (const char *const *)v, n, NULL, &e) != ERR_OK)
        return EX_SOFTWARE;
    printf("entries %zu avg_name %.1f zone_bytes %zu per_entry %.1f rss_after_load_kb %ld\n", n,
           (double)name_bytes / (double)n, act_rpz_zone_bytes(z),
           (double)act_rpz_zone_bytes(z) / (double)n, rss_kb("VmRSS:") - base);
    for (size_t i = 0; i < n / 100; i++) /* 1% changed */
        v[i][0] = 'x';
    if (act_rpz_delta_compute(z, (const char *const *)v, n, &d, NULL, &e) != ERR_OK ||
        act_rpz_zone_apply(z, d, 2, &e) != ERR_OK)
        return EX_SOFTWARE;
    printf("delta +%zu -%zu zone_bytes %zu per_entry %.1f rss_peak_kb_total %ld\n",
           act_rpz_delta_added(d), act_rpz_delta_removed(d), act_rpz_zone_bytes(z),
           (double)act_rpz_zone_bytes(z) / (double)n, rss_kb("VmHWM:"));
    act_rpz_delta_free(d);
    act_rpz_zone_free(z);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    int i = 2, rc;

    if (argc >= 3 && strcmp(argv[1], "bench") == 0)
        return cmd_bench((size_t)strtoull(argv[2], NULL, 10));
    if (argc < 2)
        goto usage;
    rc = parse_opts(argc, argv, &i, &o);
    if (rc != 0)
        goto usage;
    log_set_level(LOG_INFO);
    if (strcmp(argv[1], "zone") == 0 && argc - i == 2)
        return cmd_zone(&o, argv[i], argv[i + 1]);
    if (strcmp(argv[1], "serve") == 0 && argc - i == 1)
        return cmd_serve(&o, argv[i]);
usage:
    fprintf(stderr, "usage: rpz-serve-test zone|serve [opts] ENTRIES [OUT] | bench N\n");
    return EX_USAGE;
}
