/* common.c - shared helpers of the command-line front end: errors, JSON, time ranges. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

int cli_fail(const char *cmd, enum err_code code, const char *msg)
{
    fprintf(stderr, "ooda: %s: %s\n", cmd, msg);
    return err_exit_code(code);
}

int cli_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "ooda: %s: %s (see 'ooda help %s')\n", cmd, msg, cmd);
    return EX_USAGE;
}

int cli_print_json(cJSON *j)
{
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;

    cJSON_Delete(j);
    if (s == NULL) {
        fprintf(stderr, "ooda: out of memory formatting JSON\n");
        return EX_OSERR;
    }
    puts(s);
    cJSON_free(s);
    return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

void cli_json_time(cJSON *obj, const char *key, int64_t t)
{
    char buf[32];

    if (t == 0)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddStringToObject(obj, key, time_format(t, buf, sizeof(buf)));
}

int cli_range(const char *cmd, const char *since, const char *until, int64_t *s, int64_t *u)
{
    int64_t now = time_now();
    struct err e;

    *s = 0;
    *u = (int64_t)253402300799; /* 9999-12-31T23:59:59Z */
    if (since != NULL && time_parse(since, now, s, &e) != ERR_OK)
        return cli_usage(cmd, e.msg);
    if (until != NULL && time_parse(until, now, u, &e) != ERR_OK)
        return cli_usage(cmd, e.msg);
    if (*u <= *s)
        return cli_usage(cmd, "--until must be after --since");
    return EX_OK;
}

void cli_host_scope_init(struct store_host_query *q)
{
    memset(q, 0, sizeof(*q));
    q->asn = -1;
    memset(q->hi.b, 0xff, 16);
}

int cli_host_scope(const char *cmd, int opt, const char *arg, struct store_host_query *q)
{
    struct cidr c;
    struct err e;
    uint64_t v;

    if (opt == 'a') {
        if (strncasecmp(arg, "AS", 2) == 0)
            arg += 2;
        if (num_parse_u64(arg, UINT32_MAX, &v, &e) != ERR_OK)
            return cli_usage(cmd, "--asn: want an AS number");
        q->asn = (int64_t)v;
        return EX_OK;
    }
    if (opt == 'p') {
        if (cidr_parse(arg, &c, &e) != ERR_OK)
            return cli_usage(cmd, e.msg);
        q->lo = c.net;
        q->hi = c.net;
        for (int bit = c.len; bit < 128; bit++) /* the prefix's last address */
            q->hi.b[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        return EX_OK;
    }
    if (strlen(arg) != 2)
        return cli_usage(cmd, "--country: want a two-letter code");
    q->country[0] = (char)(arg[0] & ~0x20);
    q->country[1] = (char)(arg[1] & ~0x20);
    return EX_OK;
}
