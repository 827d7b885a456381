/* notify_int.h - private to cli/: the pieces `ooda notify report` (notify.c) shares
 * with the delivery subcommands `notify owner` and `notify send` (notify_send.c). */
#ifndef OODA_CLI_NOTIFY_INT_H
#define OODA_CLI_NOTIFY_INT_H

#include <stdio.h>

#include "cli/cli.h"
#include "orient/orient.h"

#define REPORT_SCHEMA_VERSION 1 /* docs/reports.md */

/* Where the rows of one report go: CSV to f, or JSON objects into rows; every host
 * written is remembered (notify_sent) under owner at the time at. */
struct out {
    FILE *f;
    cJSON *rows; /* NULL: CSV */
    uint64_t n;
    struct store *st;
    const char *owner;
    int64_t at;
    enum err_code rc;
    struct err e;
};
void cli_notify_csv_header(FILE *f);
/* An orient_host_fn writing h's rows to the struct out it is given. */
bool cli_notify_on_host(void *arg, const struct orient_host *h);

int cli_notify_owner(int argc, char **argv);
int cli_notify_send(int argc, char **argv);

#endif
