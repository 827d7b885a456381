/* alerts.c - `ooda alerts`: runs the early-warning detector over the stored hourly
 * darknet aggregates of a window, upserts its alerts and prints them
 * (docs/early-warning.md). */
#include "cli/cli.h"
#include "orient/orient.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

struct alerts_args {
    const char *db, *since, *until, *sensor;
    int64_t s, u;
    bool json;
};

static int parse_args(int argc, char **argv, struct alerts_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'},
        {"sensor", required_argument, 0, 'n'},
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
        case 's':
            a->since = optarg;
            break;
        case 'u':
            a->until = optarg;
            break;
        case 'n':
            a->sensor = optarg;
            break;
        case 'j':
            a->json = true;
            break;
        case 'h':
            cli_help("alerts", stdout);
            return -1;
        default:
            return cli_usage("alerts", "unknown option or missing value");
        }
    }
    if (optind < argc)
        return cli_usage("alerts", "unexpected argument");
    return cli_range("alerts", a->since, a->until, &a->s, &a->u);
}

struct detect {
    struct store *st;
    const struct alerts_args *a;
    struct err e;
    enum err_code rc;
};

static bool on_sensor(void *arg, int64_t id, const char *name)
{
    struct detect *d = arg;
    size_t n;

    (void)name;
    d->rc = orient_ew_run(d->st, id, d->a->s, d->a->u, time_now(), &n, &d->e);
    return d->rc == ERR_OK;
}

static enum err_code detect(struct store *st, const struct alerts_args *a, struct err *e)
{
    struct detect d = {st, a, {0}, ERR_OK};
    int64_t id;
    size_t n;
    enum err_code rc;

    if (a->sensor != NULL) {
        rc = store_sensor_id(st, a->sensor, false, &id, e);
        if (rc != ERR_OK)
            return rc;
        return orient_ew_run(st, id, a->s, a->u, time_now(), &n, e);
    }
    rc = store_alert_sensors(st, on_sensor, &d, e);
    if (rc == ERR_OK && d.rc != ERR_OK) {
        *e = d.e;
        rc = d.rc;
    }
    return rc;
}

struct out {
    cJSON *arr; /* NULL: text */
    uint64_t n;
};

/* "CN 12, US 3" from the top-countries JSON. */
static void countries_text(const char *json, char *out, size_t cap)
{
    cJSON *arr = cJSON_Parse(json), *c;
    size_t len = 0;

    out[0] = '\0';
    cJSON_ArrayForEach(c, arr)
    {
        const cJSON *cc = cJSON_GetObjectItem(c, "country"), *n = cJSON_GetObjectItem(c, "sources");
        if (!cJSON_IsString(cc) || !cJSON_IsNumber(n) || len >= cap)
            continue;
        int w = snprintf(out + len, cap - len, "%s%s %d", len ? ", " : "", cc->valuestring,
                         (int)n->valuedouble);
        len += w > 0 ? (size_t)w : 0;
    }
    cJSON_Delete(arr);
}

static bool on_alert(void *arg, const struct store_alert *a)
{
    struct out *o = arg;
    char s[32], cc[128];

    o->n++;
    if (o->arr != NULL) {
        cJSON_AddItemToArray(o->arr, orient_alert_json(a));
        return true;
    }
    if (o->n == 1)
        printf("%-20s %5s  %-11s %-10s %5s %9s %9s %9s %6s  %s\n", "start hour", "port", "class",
               "sensor", "hours", "packets", "baseline", "magnitude", "new", "top countries");
    countries_text(a->top_countries, cc, sizeof(cc));
    printf("%-20s %5u  %-11s %-10s %5lld %9llu %9.1f %9.1f %6llu  %s\n",
           time_format(a->start_hour, s, sizeof(s)), a->port, store_dk_class_name(a->cls),
           a->sensor, (long long)((a->end_hour - a->start_hour) / 3600 + 1),
           (unsigned long long)a->packets, a->baseline, a->magnitude,
           (unsigned long long)a->new_sources, cc);
    return true;
}

int cli_alerts(int argc, char **argv)
{
    struct alerts_args a;
    struct store *st = NULL;
    struct out o = {NULL, 0};
    struct err e;
    int rc = parse_args(argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (store_open(a.db, &st, &e) != ERR_OK)
        return cli_fail("alerts", e.code, e.msg);
    if (a.json)
        o.arr = cJSON_CreateArray();
    if (detect(st, &a, &e) != ERR_OK ||
        store_alert_each(st, a.sensor, a.s, a.u, on_alert, &o, &e) != ERR_OK) {
        cJSON_Delete(o.arr);
        store_close(st);
        return cli_fail("alerts", e.code, e.msg);
    }
    store_close(st);
    if (a.json)
        return cli_print_json(o.arr);
    if (o.n == 0)
        printf("no alerts\n");
    return EX_OK;
}
