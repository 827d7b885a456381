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

int cli_host_scope(const char *cmd, int opt, const char *arg, struct store_host_query *q)
{
    struct err e;

    return orient_host_scope(q, opt, arg, &e) == ERR_OK ? EX_OK : cli_usage(cmd, e.msg);
}
