/* cli.h - shared helpers of the command-line front end (private to cli/). */
#ifndef OODA_CLI_H
#define OODA_CLI_H

#include <cjson/cJSON.h>

#include "ioc/ioc.h"
#include "orient/orient.h"
#include "store/store.h"
#include "util/util.h"

/* Each command: argc/argv start at the command name. Returns a sysexits.h code. */
int cli_ingest(int argc, char **argv);
int cli_darknet(int argc, char **argv);
int cli_db(int argc, char **argv);
int cli_feed(int argc, char **argv);
int cli_match(int argc, char **argv);
int cli_check_url(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_hosts(int argc, char **argv);
int cli_notify(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_alerts(int argc, char **argv);

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

/* One scope option of a host listing into q (orient_host_scope: 'a' --asn, 'p' --prefix,
 * 'c' --country); a malformed one is a usage error of cmd. */
int cli_host_scope(const char *cmd, int opt, const char *arg, struct store_host_query *q);

/* ---- the listed indicators, collected for delivery (listed.c) ---- */
struct cli_item {
    enum ioc_type type;
    enum ioc_tlp tlp;
    int64_t id, first_seen, last_seen;
    double score;
    const char *value, *sources;
};
struct cli_listed {
    struct cli_item *items; /* orient's order: type, then value */
    size_t n, cap;
    char *arena;
    size_t arena_used, arena_cap;
};
/* Collects the indicators listed at now (orient_ind_each_listed). */
enum err_code cli_listed_load(struct store *st, int64_t now, struct cli_listed *l, struct err *e);
void cli_listed_free(struct cli_listed *l);
/* The RPZ entries listed at now within TLP max, for zones too large to sort in memory
 * (docs/rpz.md): open lists once in id order, adding every entry to set and marking
 * the set's direct domains in a bitmap by indicator id; cli_rpz_stream_next (an
 * act_rpz_next_fn) then reads the domains from the store's (type, value) index in
 * zone order and returns the marked ones. Holds a read transaction from open to close,
 * so both passes see one snapshot. digest, when not NULL, receives the SHA-256 of
 * action and the entries in listing order (each with its NUL), as the zone serial
 * rule of `ooda export rpz` wants it. */
struct act_rpz_set;
struct cli_rpz_stream;
enum err_code cli_rpz_stream_open(struct store *st, int64_t now, enum ioc_tlp max,
                                  struct act_rpz_set *set, const char *action, uint8_t *digest,
                                  struct cli_rpz_stream **out, struct err *e);
int cli_rpz_stream_next(void *arg, const char **name, size_t *len);
size_t cli_rpz_stream_listed(const struct cli_rpz_stream *s); /* listed indicators, all types */
/* Ends the read transaction and frees; returns the store error of a failed pull, if any. */
enum err_code cli_rpz_stream_close(struct cli_rpz_stream *s, struct err *e);
/* SHA-256 of the Safe Browsing expression of every URL, domain and IPv4 item. */
enum err_code cli_listed_hashes(const struct cli_listed *l, uint8_t (**out)[32], size_t *n,
                                struct err *e);

#endif
