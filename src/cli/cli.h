/* cli.h - shared helpers of the command-line front end (private to cli/). */
#ifndef OODA_CLI_H
#define OODA_CLI_H

#include <cjson/cJSON.h>

#include "util/util.h"

/* Each command: argc/argv start at the command name. Returns a sysexits.h code. */
int cli_ingest(int argc, char **argv);
int cli_darknet(int argc, char **argv);
int cli_db(int argc, char **argv);

/* Prints "ooda: CMD: message" on stderr and returns the sysexits code for code. */
int cli_fail(const char *cmd, enum err_code code, const char *msg);
/* Usage error: prints the message and a hint, returns EX_USAGE. */
int cli_usage(const char *cmd, const char *msg);
/* Prints the help of a command ("" for the overview) on out; false if unknown. */
bool cli_help(const char *cmd, FILE *out);

/* Prints a cJSON tree (takes ownership) on stdout, followed by a newline. */
int cli_print_json(cJSON *j);
/* Adds an RFC 3339 string, or null when t == 0. */
void cli_json_time(cJSON *obj, const char *key, int64_t t);

/* Parses --since/--until values (NULL: the defaults 0 and "far future"). */
int cli_range(const char *cmd, const char *since, const char *until, int64_t *s, int64_t *u);

#endif
