/* hosts.c - `ooda hosts`: likely infected hosts of a network owner (an ASN, a prefix or
 * a country), each with every piece of evidence (docs/hosts.md). */
#include "cli/cli.h"
#include "orient/orient.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

struct hosts_args {
    const char *db, *since, *until;
    struct store_host_query q;
    bool json;
};

static int parse_args(int argc, char **argv, struct hosts_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'},
        {"asn", required_argument, 0, 'a'},
        {"prefix", required_argument, 0, 'p'},
        {"country", required_argument, 0, 'c'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c, rc;

    memset(a, 0, sizeof(*a));
    orient_host_scope_init(&a->q);
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
        case 'j':
            a->json = true;
            break;
        case 'a':
        case 'p':
        case 'c':
            rc = cli_host_scope("hosts", c, optarg, &a->q);
            if (rc != EX_OK)
                return rc;
            break;
        case 'h':
            cli_help("hosts", stdout);
            return -1;
        default:
            return cli_usage("hosts", "unknown option or missing value");
        }
    }
    if (optind < argc)
        return cli_usage("hosts", "unexpected argument");
    return cli_range("hosts", a->since, a->until, &a->q.since, &a->q.until);
}

struct out {
    cJSON *arr; /* NULL: text */
    uint64_t n;
};

static bool on_host(void *arg, const struct orient_host *h)
{
    struct out *o = arg;
    char ip[64], f[32], l[32];

    o->n++;
    if (o->arr != NULL) {
        cJSON_AddItemToArray(o->arr, orient_host_json(h));
        return true;
    }
    if (o->n == 1)
        printf("%-39s %10s %-2s  %-20s  %-20s  %s\n", "ip", "asn", "cc", "first seen", "last seen",
               "evidence");
    printf("%-39s %10u %-2s  %-20s  %-20s ", ip16_format(&h->ip, ip, sizeof(ip)), h->asn,
           h->country, time_format(h->first_seen, f, sizeof(f)),
           time_format(h->last_seen, l, sizeof(l)));
    for (size_t i = 0; i < h->n; i++)
        printf(" %s:%s(%llu)", h->ev[i].kind, h->ev[i].what, (unsigned long long)h->ev[i].count);
    printf("\n");
    return true;
}

int cli_hosts(int argc, char **argv)
{
    struct hosts_args a;
    struct store *st = NULL;
    struct out o = {NULL, 0};
    struct err e;
    int rc = parse_args(argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("hosts", e.code, e.msg);
    if (a.json)
        o.arr = cJSON_CreateArray();
    if (orient_hosts_each(st, &a.q, on_host, &o, &e) != ERR_OK) {
        cJSON_Delete(o.arr);
        store_close(st);
        return cli_fail("hosts", e.code, e.msg);
    }
    store_close(st);
    if (a.json)
        return cli_print_json(o.arr);
    if (o.n == 0)
        printf("no likely infected hosts\n");
    return EX_OK;
}
