/* events.h - private to observe/: sensor log events (Suricata EVE today; Cowrie and Zeek
 * next, docs/orient-design.md) in one shape, their per-format line parsers, and the
 * aggregator that turns them into hour counts, alert aggregates and host evidence.
 *
 * A parser fills a struct ev_rec whose strings are spans into the line: they live only
 * until the next line is read. The aggregator copies the few strings it keeps (signature
 * texts, matched indicators). */
#ifndef OODA_OBSERVE_EVENTS_H
#define OODA_OBSERVE_EVENTS_H

#include "match/match.h"
#include "observe/jscan.h"
#include "observe/observe.h"

#define EV_LINE_MAX ((size_t)1 << 20) /* longer lines are rejected */

/* Event kinds, grouped by log format: EVE's, then Cowrie's. */
enum ev_kind {
    EV_FLOW,
    EV_DNS,
    EV_HTTP,
    EV_TLS,
    EV_ALERT,
    EV_FILEINFO,
    EV_HP_CONNECT, /* Cowrie: a session opened */
    EV_HP_LOGIN_FAILED,
    EV_HP_LOGIN, /* a successful login */
    EV_HP_COMMAND,
    EV_HP_DOWNLOAD, /* a file fetched (wget, curl, tftp) or uploaded (sftp, scp) */
    EV_NKIND
};
#define EV_EVE_FIRST    EV_FLOW
#define EV_EVE_N        6
#define EV_COWRIE_FIRST EV_HP_CONNECT
#define EV_COWRIE_N     5

enum ev_format { EVF_EVE, EVF_COWRIE, EVF_ZEEK_TSV, EVF_ZEEK_JSON, EVF_CEF };

struct ev_rec {
    int64_t ts; /* Unix seconds */
    uint8_t kind;
    uint16_t sport, dport;
    struct ip16 src, dst;
    struct jscan_val name;        /* dns rrname, http hostname, tls sni */
    struct jscan_val url;         /* http url (a path) */
    struct jscan_val sig, cat;    /* alert signature and category */
    uint32_t sig_id;              /* alert */
    uint8_t severity;             /* alert, 1..255 */
    struct jscan_val md5, sha256; /* fileinfo; Cowrie download: sha256 */
    struct jscan_val user;        /* Cowrie login: the user name */
    struct jscan_val input;       /* Cowrie command: the command line */
    struct jscan_val dl_url;      /* Cowrie download: the URL (absent for uploads) */
};

/* EVE: parses one line (no newline). Returns 1 with *r filled for an event ooda uses, 0
 * for a valid event of a type it does not use (stats, ssh, ...; skipped_type names it),
 * -1 for a bad line with *reason (and *off, the byte offset in the line, or SIZE_MAX;
 * for an unknown event type skipped_type names it, else it is ""). */
int observe_eve_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                      size_t *off, char skipped_type[32]);
/* Whether the first line looks like EVE (an object with "event_type"). */
bool observe_eve_sniff(const char *data, size_t len);
/* Parses an EVE timestamp ("2026-11-02T00:00:07.602673+0000", also "Z" or "+09:00")
 * into Unix seconds. */
bool observe_eve_time(const char *s, size_t n, int64_t *out);

/* Cowrie JSON: the same contract as observe_eve_parse (eventid instead of event_type). */
int observe_cowrie_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                         size_t *off, char skipped_type[32]);
/* The format of a log from its first lines: Zeek TSV when it starts with "#separator",
 * CEF when its first line holds "CEF:";
 * for JSON lines, the first of the first 16 lines that names its kind decides: Cowrie
 * for an "eventid" of "cowrie.*", Zeek JSON for "uid" or "id.orig_h", else EVE. */
enum ev_format observe_log_format(const char *data, size_t len);

/* Zeek TSV: the state its header lines set. */
enum { ZEEK_TS, ZEEK_ORIG_H, ZEEK_ORIG_P, ZEEK_RESP_H, ZEEK_RESP_P, ZEEK_QUERY, ZEEK_NCOLS };
struct zeek_tsv {
    bool dns, conn;      /* #path */
    bool have_fields;    /* #fields seen and usable */
    int col[ZEEK_NCOLS]; /* column of each field we read, -1 absent */
    int ncols;
};
/* A header line (starts with '#'): 0, or -1 with *reason for an unusable #fields. */
int observe_zeek_tsv_header(struct zeek_tsv *z, const char *p, size_t n, const char **reason);
/* A record line: 1 with *r (a flow for conn.log, a DNS query for dns.log), -1 with
 * *reason. */
int observe_zeek_tsv_parse(const struct zeek_tsv *z, const char *p, size_t n, struct ev_rec *r,
                           const char **reason);
/* CEF over syslog: an alert (signature: the Name, id from vendor, product and signature
 * id; severity 0-10 or Low..Very-High mapped to 3..1); 1 with *r, -1 with *reason. */
int observe_cef_parse(const char *line, size_t len, struct ev_rec *r, const char **reason);
/* Whether the first line holds "CEF:". */
bool observe_cef_sniff(const char *data, size_t len);
/* A Zeek JSON record (conn or dns): 1 with *r, -1 with *reason and *off. */
int observe_zeek_json_parse(const char *line, size_t len, struct ev_rec *r, const char **reason,
                            size_t *off);

const char *observe_ev_kind_name(enum ev_kind k);
/* Shared field parsers: an IP address string (dotted quad without leading zeros, or
 * IPv6); a port number (absent: 0). */
bool observe_ev_ip(const struct jscan_val *v, struct ip16 *out);
bool observe_ev_port(const struct jscan_val *v, uint16_t *out);

/* ---- the aggregator ----------------------------------------------------------------- */

struct ev_agg; /* opaque: one per ingest, emptied by each flush */

/* listed may be NULL (no listed-indicator evidence); geo may be NULL (evidence hosts get
 * country ZZ, ASN 0). Both must outlive the aggregator. */
enum err_code observe_ev_agg_new(const struct match_snap *listed, const struct geo *geo,
                                 struct ev_agg **out, struct err *e);
void observe_ev_agg_free(struct ev_agg *a);
/* Adds one event; counts listed hits into listed[] (per evidence kind). */
enum err_code observe_ev_agg_add(struct ev_agg *a, const struct ev_rec *r, struct err *e);
/* Writes everything held to the store (inside the caller's transaction) and empties. */
enum err_code observe_ev_agg_flush(struct ev_agg *a, struct store *st, int64_t sensor,
                                   struct err *e);
void observe_ev_agg_discard(struct ev_agg *a);
/* Distinct indicator sightings (type, value, day) held since the last flush/discard. */
size_t observe_ev_agg_sightings(const struct ev_agg *a);
/* Listed-indicator hits since the last flush/discard, by evidence kind. */
void observe_ev_agg_listed(const struct ev_agg *a, uint64_t out[OBSERVE_EVIDENCE_KINDS]);

#endif
