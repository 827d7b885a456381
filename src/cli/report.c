/* report.c - `ooda report`: the situation picture of a window (orient_picture) as a
 * Markdown or HTML report a CSIRT can send to its constituency as is, or as JSON. */
#include "cli/cli.h"
#include "orient/orient.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

enum fmt { F_MD, F_HTML, F_JSON };

/* Text for a Markdown table cell or HTML: HTML gets <>&" escaped, Markdown | escaped. */
static void text(enum fmt f, const char *s)
{
    for (; *s != '\0'; s++) {
        if (f == F_HTML && *s == '<')
            fputs("&lt;", stdout);
        else if (f == F_HTML && *s == '>')
            fputs("&gt;", stdout);
        else if (f == F_HTML && *s == '&')
            fputs("&amp;", stdout);
        else if (f == F_HTML && *s == '"')
            fputs("&quot;", stdout);
        else if (f == F_MD && *s == '|')
            fputs("\\|", stdout);
        else
            putchar(*s);
    }
}

static void heading(enum fmt f, const char *h)
{
    if (f == F_HTML)
        printf("<h2>%s</h2>\n", h);
    else
        printf("\n## %s\n\n", h);
}

static void cell(enum fmt f, const cJSON *v)
{
    char num[32];

    if (f == F_HTML)
        fputs("<td>", stdout);
    else
        fputs("| ", stdout);
    if (cJSON_IsString(v)) {
        text(f, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        if (v->valuedouble == (double)(long long)v->valuedouble)
            (void)snprintf(num, sizeof(num), "%lld", (long long)v->valuedouble);
        else
            (void)snprintf(num, sizeof(num), "%.1f", v->valuedouble);
        fputs(num, stdout);
    }
    fputs(f == F_HTML ? "</td>" : " ", stdout);
}

/* A table of the objects of arr with the given keys; an empty array says "none". */
static void table(enum fmt f, const cJSON *arr, const char *const *keys, size_t n)
{
    const cJSON *row;

    if (cJSON_GetArraySize(arr) == 0) {
        printf(f == F_HTML ? "<p>none</p>\n" : "none\n");
        return;
    }
    printf(f == F_HTML ? "<table><tr>" : "");
    for (size_t k = 0; k < n; k++)
        printf(f == F_HTML ? "<th>%s</th>" : "| %s ", keys[k]);
    printf(f == F_HTML ? "</tr>\n" : "|\n");
    if (f == F_MD) {
        for (size_t k = 0; k < n; k++)
            printf("|---");
        printf("|\n");
    }
    cJSON_ArrayForEach(row, arr)
    {
        printf(f == F_HTML ? "<tr>" : "");
        for (size_t k = 0; k < n; k++)
            cell(f, cJSON_GetObjectItemCaseSensitive(row, keys[k]));
        printf(f == F_HTML ? "</tr>\n" : "|\n");
    }
    printf(f == F_HTML ? "</table>\n" : "");
}

/* The keys of one object as a two-column table (key, value). */
static void pairs(enum fmt f, const cJSON *obj)
{
    cJSON *arr = cJSON_CreateArray();
    const cJSON *v;
    static const char *const keys[] = {"figure", "value"};

    cJSON_ArrayForEach(v, obj)
    {
        cJSON *r;
        if (!cJSON_IsNumber(v))
            continue;
        r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "figure", v->string);
        cJSON_AddNumberToObject(r, "value", v->valuedouble);
        cJSON_AddItemToArray(arr, r);
    }
    table(f, arr, keys, 2);
    cJSON_Delete(arr);
}

static void render(enum fmt f, const cJSON *doc)
{
    static const char *const top[] = {"key", "packets", "sources"};
    static const char *const asn[] = {"key", "name", "packets", "sources"};
    static const char *const src[] = {"ip", "country", "asn", "packets", "dsts", "backscatter"};
    static const char *const al[] = {"start", "sensor",    "port",       "class",
                                     "hours", "magnitude", "new_sources"};
    static const char *const ind[] = {"indicator", "hosts", "events"};
    const cJSON *dk = cJSON_GetObjectItem(doc, "darknet");

    if (f == F_HTML)
        printf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Situation report"
               "</title></head><body>\n<h1>Situation report</h1>\n<p>");
    else
        printf("# Situation report\n\n");
    text(f, cJSON_GetObjectItem(doc, "since")->valuestring);
    printf(" to ");
    text(f, cJSON_GetObjectItem(doc, "until")->valuestring);
    printf(f == F_HTML ? "</p>\n" : "\n");
    heading(f, "Darknet");
    pairs(f, dk);
    heading(f, "Traffic classes (packets)");
    pairs(f, cJSON_GetObjectItem(dk, "classes"));
    heading(f, "Alerts (early warning)");
    table(f, cJSON_GetObjectItem(doc, "alerts"), al, 7);
    heading(f, "Top ports");
    table(f, cJSON_GetObjectItem(doc, "top_ports"), top, 3);
    heading(f, "Top countries");
    table(f, cJSON_GetObjectItem(doc, "top_countries"), top, 3);
    heading(f, "Top ASNs");
    table(f, cJSON_GetObjectItem(doc, "top_asns"), asn, 4);
    heading(f, "New scanners");
    table(f, cJSON_GetObjectItem(doc, "new_scanners"), src, 6);
    heading(f, "DoS victims (backscatter)");
    table(f, cJSON_GetObjectItem(doc, "dos_victims"), src, 6);
    heading(f, "Likely infected hosts");
    pairs(f, cJSON_GetObjectItem(doc, "infected_hosts"));
    heading(f, "Listed indicators reached");
    table(f, cJSON_GetObjectItem(doc, "listed_indicators_reached"), ind, 3);
    if (f == F_HTML)
        printf("</body></html>\n");
}

int cli_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},    {"since", required_argument, 0, 's'},
        {"until", required_argument, 0, 'u'}, {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *db = NULL, *since = NULL, *until = NULL, *format = "md";
    int64_t s, u;
    struct store *st;
    struct geo *geo = NULL;
    cJSON *doc;
    struct err e;
    enum fmt f;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 's':
            since = optarg;
            break;
        case 'u':
            until = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            cli_help("report", stdout);
            return EX_OK;
        default:
            return cli_usage("report", "unknown option or missing value");
        }
    }
    if (optind < argc)
        return cli_usage("report", "unexpected argument");
    if (since == NULL)
        return cli_usage("report", "--since T is required");
    f = strcmp(format, "md") == 0 ? F_MD : strcmp(format, "html") == 0 ? F_HTML : F_JSON;
    if (f == F_JSON && strcmp(format, "json") != 0)
        return cli_usage("report", "--format: md, html or json");
    if (cli_range("report", since, until, &s, &u) != EX_OK)
        return EX_USAGE;
    if (until == NULL && time_now() > s)
        u = time_now(); /* "up to now", as the report says */
    if (store_open(db, &st, &e) != ERR_OK)
        return cli_fail("report", e.code, e.msg);
    (void)geo_open(NULL, &geo, &e); /* ASN names only: a missing database is no error */
    if (orient_picture(st, s, u, geo, &doc, &e) != ERR_OK) {
        geo_close(geo);
        store_close(st);
        return cli_fail("report", e.code, e.msg);
    }
    geo_close(geo);
    store_close(st);
    if (f == F_JSON)
        return cli_print_json(doc);
    render(f, doc);
    cJSON_Delete(doc);
    return EX_OK;
}
