/* export.c - `ooda export rpz|nft|list|suricata-dataset`: the listed indicators in the
 * formats resolvers, firewalls and IDS load. Output goes to --output FILE (written to
 * a temporary file and renamed, so a reader never sees half a list) or stdout. Only
 * indicators whose TLP is within --tlp (default amber) leave the store. */
#include "cli/cli.h"

#include <getopt.h>
#include <openssl/evp.h>
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

/* SHA-256 of the zone's entries in order: a changed list gets a new serial. */
static void digest(const char *const *entries, size_t n, const char *action, uint8_t out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len;

    (void)EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    (void)EVP_DigestUpdate(md, action, strlen(action) + 1);
    for (size_t i = 0; i < n; i++)
        (void)EVP_DigestUpdate(md, entries[i], strlen(entries[i]) + 1);
    (void)EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
}

/* The serial for this content: the stored one when unchanged, else the next. */
static enum err_code zone_serial(struct store *st, const char *zone, const uint8_t dig[32],
                                 uint32_t *serial, struct err *e)
{
    uint8_t old[32];
    bool found;
    enum err_code rc = store_zone_get(st, zone, serial, old, &found, e);

    if (rc != ERR_OK)
        return rc;
    if (found && memcmp(old, dig, 32) == 0)
        return ERR_OK;
    *serial = found ? *serial + 1 : 1;
    if (*serial == 0)
        *serial = 1; /* serial arithmetic: never 0 */
    return store_zone_put(st, zone, *serial, dig, time_now(), e);
}

static enum err_code export_rpz(struct store *st, const struct xopts *x, const struct cli_listed *l,
                                enum ioc_tlp max, FILE *f, struct err *e)
{
    struct act_rpz_zone_config cfg = {.origin = x->zone};
    struct act_rpz_zone *z = NULL;
    const char *action = x->action ? x->action : "nxdomain";
    struct cli_entries ent;
    uint8_t dig[32];
    enum err_code rc = cli_rpz_entries(l, max, &ent, e);

    if (rc != ERR_OK)
        return rc;
    rc = act_rpz_policy_parse(action, &cfg.policy, e);
    digest(ent.v, ent.n, action, dig);
    if (rc == ERR_OK)
        rc = zone_serial(st, x->zone, dig, &cfg.serial, e);
    if (rc == ERR_OK)
        rc = act_rpz_zone_new(&cfg, &z, e);
    if (rc == ERR_OK)
        rc = act_rpz_zone_load(z, ent.v, ent.n, NULL, e);
    if (rc == ERR_OK)
        rc = act_rpz_zone_write(z, f, e);
    act_rpz_zone_free(z);
    cli_entries_free(&ent);
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
    if (rc == ERR_OK)
        rc = cli_listed_load(st, time_now(), &l, &e);
    if (rc != ERR_OK) {
        store_close(st);
        return cli_fail("export", rc, e.msg);
    }
    v = within(&l, max, strcmp(what, "rpz") != 0, &n); /* the zone sorts itself */
    ex = v ? out_open(&o, x->output) : EX_OSERR;
    if (ex != EX_OK) {
        mem_free(v);
        cli_listed_free(&l);
        store_close(st);
        return ex;
    }
    if (strcmp(what, "rpz") == 0)
        rc = export_rpz(st, x, &l, max, o.f, &e);
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
