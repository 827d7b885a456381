/* export.c - `ooda export rpz|nft|list|suricata-dataset`: the listed indicators in the
 * formats resolvers, firewalls and IDS load. Output goes to --output FILE (written to
 * a temporary file and renamed, so a reader never sees half a list) or stdout. Only
 * indicators whose TLP is within --tlp (default amber) leave the store. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "act/act.h"

struct xopts {
    const char *db, *zone, *action, *output, *table, *type, *tlp;
};

struct out {
    FILE *f;
    char tmp[4096];
    const char *path;
};

static int out_open(struct out *o, const char *path)
{
    int fd;

    o->path = path;
    if (path == NULL) {
        o->f = stdout;
        return EX_OK;
    }
    (void)snprintf(o->tmp, sizeof(o->tmp), "%s.XXXXXX", path);
    fd = mkstemp(o->tmp);
    if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "ooda: export: cannot create %s: %m\n", o->tmp);
        if (fd >= 0)
            close(fd);
        return EX_CANTCREAT;
    }
    return EX_OK;
}

/* Finishes the output: renames into place when ok, else removes the temporary file. */
static int out_close(struct out *o, bool ok)
{
    bool wrote = fflush(o->f) == 0 && !ferror(o->f);

    if (o->path == NULL)
        return ok && wrote ? EX_OK : EX_IOERR;
    wrote = fclose(o->f) == 0 && wrote;
    if (ok && wrote && rename(o->tmp, o->path) == 0)
        return EX_OK;
    (void)unlink(o->tmp);
    if (ok)
        fprintf(stderr, "ooda: export: cannot write %s\n", o->path);
    return EX_IOERR;
}

static int cmp_item(const void *a, const void *b)
{
    const struct act_item *x = a, *y = b;

    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* Keeps the items within the TLP clearance, as act_items, sorted by type, then value
 * when asked (stable output: a changed list diffs cleanly). */
static struct act_item *within(const struct cli_listed *l, enum ioc_tlp max, bool sort, size_t *n)
{
    struct act_item *v = mem_alloc((l->n ? l->n : 1) * sizeof(*v));

    *n = 0;
    for (size_t i = 0; v != NULL && i < l->n; i++)
        if (l->items[i].tlp <= max)
            v[(*n)++] = (struct act_item){l->items[i].type, l->items[i].value};
    if (v != NULL && sort)
        qsort(v, *n, sizeof(*v), cmp_item);
    return v;
}

/* The zone streamed (docs/rpz.md): entries listed in id order feed the serial digest
 * and mark the domains, which are then read back in zone order from the store's index
 * and written as they come; only address prefixes are sorted in memory. */
static enum err_code export_rpz(struct store *st, const struct xopts *x, enum ioc_tlp max, FILE *f,
                                struct err *e)
{
    struct act_rpz_zone_config cfg = {.origin = x->zone};
    struct act_rpz_zone *z = NULL;
    struct act_rpz_set *set = NULL;
    struct cli_rpz_stream *rs = NULL;
    const char *action = x->action ? x->action : "nxdomain";
    uint8_t dig[32], old[32];
    uint32_t serial = 0;
    bool found = false, changed;
    enum err_code rc = act_rpz_policy_parse(action, &cfg.policy, e);

    if (rc == ERR_OK)
        rc = act_rpz_set_new(x->zone, &set, e);
    if (rc == ERR_OK)
        rc = cli_rpz_stream_open(st, time_now(), max, set, action, dig, &rs, e);
    if (rc == ERR_OK)
        rc = store_zone_get(st, x->zone, &serial, old, &found, e);
    changed = !found || memcmp(old, dig, 32) != 0;
    cfg.serial = !changed ? serial : found && serial + 1 != 0 ? serial + 1 : 1;
    if (rc == ERR_OK)
        rc = act_rpz_zone_new(&cfg, &z, e);
    if (rc == ERR_OK)
        rc = act_rpz_set_write(set, z, cli_rpz_stream_next, rs, f, NULL, e);
    if (rs != NULL) {
        struct err se = {0};
        enum err_code src = cli_rpz_stream_close(rs, &se);

        if (src != ERR_OK) {
            *e = se; /* the store's reason, not the merge's */
            rc = src;
        }
    }
    if (rc == ERR_OK && changed) /* after the read transaction: a write */
        rc = store_zone_put(st, x->zone, cfg.serial, dig, time_now(), e);
    act_rpz_zone_free(z);
    act_rpz_set_free(set);
    return rc;
}

static enum err_code export_list(const struct act_item *v, size_t n, enum ioc_type t, FILE *f,
                                 struct err *e)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].type == t)
            fprintf(f, "%s\n", v[i].value);
    return ferror(f) ? err_set(e, ERR_IO, "export: write failed") : ERR_OK;
}

static int run(const char *what, const struct xopts *x)
{
    struct store *st = NULL;
    struct cli_listed l;
    struct act_item *v = NULL;
    enum ioc_tlp max = IOC_TLP_AMBER;
    enum ioc_type t = IOC_DOMAIN;
    struct out o;
    struct err e = {0};
    size_t n = 0;
    enum err_code rc;
    int ex;

    if (x->tlp && !ioc_tlp_parse(x->tlp, strlen(x->tlp), &max))
        return cli_usage("export", "--tlp must be clear, green, amber, amber+strict or red");
    if (x->type && !ioc_type_parse(x->type, &t))
        return cli_usage("export", "unknown --type");
    if (strcmp(what, "rpz") == 0 && x->zone == NULL)
        return cli_usage("export", "rpz needs --zone NAME");
    if (strcmp(what, "list") == 0 && x->type == NULL)
        return cli_usage("export", "list needs --type T");
    if (strcmp(what, "suricata-dataset") == 0 && t != IOC_DOMAIN && t != IOC_MD5 && t != IOC_SHA256)
        return cli_usage("export", "suricata-dataset --type must be domain, md5 or sha256");
    rc = store_open(x->db, &st, &e);
    /* one pass over the whole file: reading it through the page cache instead of a
     * mapping keeps it out of the resident set (10M: 82 MB instead of 1.4 GB, for
     * +7% CPU) */
    if (rc == ERR_OK)
        rc = store_set_memory(st, 0, 65536, &e);
    if (rc == ERR_OK && strcmp(what, "rpz") != 0) /* the zone streams (export_rpz) */
        rc = cli_listed_load(st, time_now(), &l, &e);
    else
        memset(&l, 0, sizeof(l));
    if (rc != ERR_OK) {
        store_close(st);
        return cli_fail("export", rc, e.msg);
    }
    v = within(&l, max, true, &n);
    ex = v ? out_open(&o, x->output) : EX_OSERR;
    if (ex != EX_OK) {
        mem_free(v);
        cli_listed_free(&l);
        store_close(st);
        return ex;
    }
    if (strcmp(what, "rpz") == 0)
        rc = export_rpz(st, x, max, o.f, &e);
    else if (strcmp(what, "nft") == 0)
        rc = act_export_nft(o.f, x->table ? x->table : "ooda", v, n, &e);
    else if (strcmp(what, "list") == 0)
        rc = export_list(v, n, t, o.f, &e);
    else
        rc = act_export_suricata(o.f, t, v, n, &e);
    ex = out_close(&o, rc == ERR_OK);
    mem_free(v);
    cli_listed_free(&l);
    store_close(st);
    if (rc != ERR_OK)
        return cli_fail("export", rc, e.msg);
    return ex;
}

int cli_export(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"zone", required_argument, NULL, 'z'},
                                         {"action", required_argument, NULL, 'a'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"table", required_argument, NULL, 'T'},
                                         {"type", required_argument, NULL, 't'},
                                         {"tlp", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static const char *const kinds[] = {"rpz", "nft", "list", "suricata-dataset"};
    struct xopts x = {0};
    const char *what = argc > 1 ? argv[1] : "";
    bool known = false;
    int o;

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        known |= strcmp(what, kinds[i]) == 0;
    if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0) {
        cli_help("export", stdout);
        return EX_OK;
    }
    if (!known)
        return cli_usage("export", "export rpz|nft|list|suricata-dataset");
    optind = 2;
    while ((o = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (o) {
        case 'd':
            x.db = optarg;
            break;
        case 'z':
            x.zone = optarg;
            break;
        case 'a':
            x.action = optarg;
            break;
        case 'o':
            x.output = optarg;
            break;
        case 'T':
            x.table = optarg;
            break;
        case 't':
            x.type = optarg;
            break;
        case 'l':
            x.tlp = optarg;
            break;
        case 'h':
            cli_help("export", stdout);
            return EX_OK;
        default:
            return cli_usage("export", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage("export", "unexpected argument");
    return run(what, &x);
}
