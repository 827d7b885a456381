/* token.c - `ooda token add|list|revoke`: API tokens for `ooda serve`. A new token is
 * printed once; the database keeps only its SHA-256, so neither the database nor any
 * log can give it back. */
#include "cli/cli.h"

#include <getopt.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <sysexits.h>

/* "ooda_" + 43 base64url characters of 32 random bytes. */
static bool new_token(char *out, size_t cap)
{
    uint8_t raw[32];
    char b64[48];

    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return false;
    (void)EVP_EncodeBlock((unsigned char *)b64, raw, sizeof(raw));
    for (char *p = b64; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    b64[43] = '\0'; /* drop the padding */
    return (size_t)snprintf(out, cap, "ooda_%s", b64) < cap;
}

static int add(struct store *st, const char *name, const char *clearance, bool json)
{
    enum ioc_tlp tlp = IOC_TLP_GREEN;
    char tok[64];
    uint8_t h[32];
    unsigned hl;
    struct err e;
    enum err_code rc;

    if (clearance && !ioc_tlp_parse(clearance, strlen(clearance), &tlp))
        return cli_usage("token", "--clearance must be clear, green, amber, amber+strict or red");
    if (strlen(name) == 0 || strlen(name) > 63)
        return cli_usage("token", "a token name is 1..63 characters");
    if (!new_token(tok, sizeof(tok)))
        return cli_fail("token", ERR_IO, "no random bytes");
    (void)EVP_Digest(tok, strlen(tok), h, &hl, EVP_sha256(), NULL);
    rc = store_token_add(st, name, h, (int)tlp, time_now(), &e);
    if (rc != ERR_OK)
        return cli_fail("token", rc, e.msg);
    if (json) {
        cJSON *j = cJSON_CreateObject();

        cJSON_AddStringToObject(j, "name", name);
        cJSON_AddStringToObject(j, "clearance", ioc_tlp_name(tlp));
        cJSON_AddStringToObject(j, "token", tok);
        return cli_print_json(j);
    }
    printf("%s\n", tok);
    fprintf(stderr, "ooda: token '%s' (clearance %s) created; it is shown only now\n", name,
            ioc_tlp_name(tlp));
    return EX_OK;
}

struct lister {
    cJSON *arr;
};

static bool on_token(void *arg, const struct store_token *t)
{
    struct lister *l = arg;
    char when[32];

    if (l->arr == NULL) {
        printf("%-24s %-13s %s\n", t->name, ioc_tlp_name((enum ioc_tlp)t->clearance),
               time_format(t->created, when, sizeof(when)));
        return true;
    }
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "name", t->name);
    cJSON_AddStringToObject(j, "clearance", ioc_tlp_name((enum ioc_tlp)t->clearance));
    cli_json_time(j, "created", t->created);
    cJSON_AddItemToArray(l->arr, j);
    return true;
}

int cli_token(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"clearance", required_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *what = argc > 1 ? argv[1] : "", *db = NULL, *clearance = NULL;
    struct store *st;
    struct lister l = {0};
    struct err e;
    bool json = false, found;
    int o, rc = EX_OK;

    if (strcmp(what, "add") != 0 && strcmp(what, "list") != 0 && strcmp(what, "revoke") != 0) {
        if (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0) {
            cli_help("token", stdout);
            return EX_OK;
        }
        return cli_usage("token", "token add NAME | list | revoke NAME");
    }
    optind = 2;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'd':
            db = optarg;
            break;
        case 'c':
            clearance = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            cli_help("token", stdout);
            return EX_OK;
        default:
            return cli_usage("token", "bad option");
        }
    }
    if ((strcmp(what, "list") == 0) != (optind == argc))
        return cli_usage("token", "add and revoke take one NAME, list none");
    if (optind + 1 < argc)
        return cli_usage("token", "unexpected argument");
    if (store_open(db, &st, &e) != ERR_OK)
        return cli_fail("token", e.code, e.msg);
    if (strcmp(what, "add") == 0) {
        rc = add(st, argv[optind], clearance, json);
    } else if (strcmp(what, "revoke") == 0) {
        if (store_token_revoke(st, argv[optind], &found, &e) != ERR_OK)
            rc = cli_fail("token", e.code, e.msg);
        else if (!found)
            rc = cli_fail("token", ERR_NOTFOUND, "no such token");
    } else {
        l.arr = json ? cJSON_CreateArray() : NULL;
        if (store_token_each(st, on_token, &l, &e) != ERR_OK) {
            cJSON_Delete(l.arr);
            rc = cli_fail("token", e.code, e.msg);
        } else if (json) {
            rc = cli_print_json(l.arr);
        }
    }
    store_close(st);
    return rc;
}
