/* act.h - delivery of the block list as a DNS Response Policy Zone
 * (draft-vixie-dnsop-dns-rpz): zone building from an in-memory entry list or from an
 * entry set whose domains the caller streams in zone order, deltas between versions,
 * RFC 1035 zone files, and a primary server answering SOA, AXFR and IXFR (RFC 1995)
 * over TCP and UDP with optional TSIG (RFC 8945, HMAC-SHA256) and sending NOTIFY
 * (RFC 1996). Does not depend on the store.
 *
 * Entries are strings: canonical domains ("evil.example": lowercase ASCII, no trailing
 * dot) or CIDR prefixes ("192.0.2.0/24", "2001:db8::/32", host bits zero). A domain
 * gives the triggers "name.ZONE" and "*.name.ZONE"; a prefix gives one rpz-ip trigger.
 *
 * Threading: a zone is not thread-safe; a server owns its zone and serialises access
 * (publish may be called from any one thread while the server thread runs). */
#ifndef OODA_ACT_H
#define OODA_ACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ioc/ioc.h"
#include "util/util.h"

/* ---- policy and zone ------------------------------------------------------------- */

enum act_rpz_action {
    ACT_RPZ_NXDOMAIN = 0, /* CNAME . */
    ACT_RPZ_NODATA,       /* CNAME *. */
    ACT_RPZ_PASSTHRU,     /* CNAME rpz-passthru. */
    ACT_RPZ_DROP,         /* CNAME rpz-drop. */
    ACT_RPZ_CNAME         /* CNAME target (local data redirect) */
};

#define ACT_NAME_MAX 256 /* text form of a domain name, with NUL */

struct act_rpz_policy {
    enum act_rpz_action action;
    char cname[ACT_NAME_MAX]; /* ACT_RPZ_CNAME only: target, absolute, trailing dot */
};

/* Parses "nxdomain", "nodata", "passthru", "drop" or "cname:TARGET" into *out. */
enum err_code act_rpz_policy_parse(const char *s, struct act_rpz_policy *out, struct err *e);

/* What a zone is made of besides its triggers. Strings are copied by act_rpz_zone_new.
 * NULL or 0 fields take the defaults in brackets. */
struct act_rpz_zone_config {
    const char *origin; /* required, e.g. "rpz.example" (trailing dot optional) */
    uint32_t serial;    /* serial of the first version [1] */
    uint32_t ttl;       /* TTL of every record [300] */
    const char *mname;  /* SOA MNAME ["localhost."] */
    const char *rname;  /* SOA RNAME ["hostmaster.localhost."] */
    const char *ns;     /* the zone's NS target ["localhost."] */
    struct act_rpz_policy policy;
};

/* SOA timers of every zone (seconds). */
#define ACT_SOA_REFRESH 3600
#define ACT_SOA_RETRY   600
#define ACT_SOA_EXPIRE  604800
#define ACT_SOA_MINIMUM 60

struct act_rpz_zone;  /* opaque: one version of the zone's content */
struct act_rpz_delta; /* opaque: sorted added and removed triggers between versions */

/* Counts of one load or diff: how many entries were accepted, rejected as invalid
 * (each reported on the log as "entry N: reason") and dropped as duplicates. */
struct act_rpz_counts {
    size_t accepted, rejected, duplicates;
};

/* Creates an empty zone. On success the caller owns *out. */
enum err_code act_rpz_zone_new(const struct act_rpz_zone_config *cfg, struct act_rpz_zone **out,
                               struct err *e);
void act_rpz_zone_free(struct act_rpz_zone *z); /* NULL is a no-op */

/* Replaces the zone's triggers with entries[0..n) (any order). Invalid entries are
 * logged and counted, the rest is loaded. The serial is unchanged. counts may be NULL. */
enum err_code act_rpz_zone_load(struct act_rpz_zone *z, const char *const *entries, size_t n,
                                struct act_rpz_counts *counts, struct err *e);

uint32_t act_rpz_zone_serial(const struct act_rpz_zone *z);
size_t act_rpz_zone_count(const struct act_rpz_zone *z); /* entries (not records) */
/* Bytes held by the zone's trigger storage (arena + index), for memory accounting. */
size_t act_rpz_zone_bytes(const struct act_rpz_zone *z);

/* Writes the zone in RFC 1035 master format ($ORIGIN, $TTL, SOA, NS, triggers). */
enum err_code act_rpz_zone_write(const struct act_rpz_zone *z, FILE *f, struct err *e);

/* Writes the trigger owner name of one entry, relative to the zone origin, into out
 * (cap >= ACT_NAME_MAX): "evil.example", "24.0.2.0.192.rpz-ip", "32.zz.db8.2001.rpz-ip". */
enum err_code act_rpz_owner(const char *entry, char *out, size_t cap, struct err *e);

/* ---- deltas ---------------------------------------------------------------------- */

/* Computes what changes from z's current content to entries[0..n) (any order). On
 * success the caller owns *out. z is not modified. counts may be NULL. */
enum err_code act_rpz_delta_compute(const struct act_rpz_zone *z, const char *const *entries,
                                    size_t n, struct act_rpz_delta **out,
                                    struct act_rpz_counts *counts, struct err *e);
void act_rpz_delta_free(struct act_rpz_delta *d); /* NULL is a no-op */
size_t act_rpz_delta_added(const struct act_rpz_delta *d);
size_t act_rpz_delta_removed(const struct act_rpz_delta *d);
/* Owner name (relative, as act_rpz_owner) of the i-th added / removed entry, sorted. */
const char *act_rpz_delta_added_at(const struct act_rpz_delta *d, size_t i, size_t *len);
const char *act_rpz_delta_removed_at(const struct act_rpz_delta *d, size_t i, size_t *len);

/* Computes a delta from explicit changes: additions already in z and removals not in
 * z are ignored; a name both added and removed is removed. */
enum err_code act_rpz_delta_from_changes(const struct act_rpz_zone *z, const char *const *add,
                                         size_t n_add, const char *const *del, size_t n_del,
                                         struct act_rpz_delta **out, struct act_rpz_counts *counts,
                                         struct err *e);

/* Applies d to z in place (no second copy of the zone) and sets the serial to
 * serial. d must have been computed against z's current content. */
enum err_code act_rpz_zone_apply(struct act_rpz_zone *z, const struct act_rpz_delta *d,
                                 uint32_t serial, struct err *e);

/* ---- entry sets too large to sort in memory ------------------------------------------ */

/* For lists of millions of entries that come from an ordered store (docs/rpz.md): the
 * caller adds every entry once in any order; act_rpz_set_add says which are domains
 * (*direct true) that the caller then gives again, in zone order, through a pull
 * function at output time, while it keeps the rest (address prefixes, as rpz-ip names)
 * itself. Invalid entries are logged ("entry N: reason", N counting from 0 in the order
 * added) and counted. Zone order: bytes compared as unsigned, a proper prefix first
 * (SQLite's BINARY collation). Duplicates are dropped and counted; an out-of-order
 * domain is an ERR_USAGE error. No memory is used per direct entry. */
struct act_rpz_set;
/* origin: the zone's name, for the length rule of triggers under it. */
enum err_code act_rpz_set_new(const char *origin, struct act_rpz_set **out, struct err *e);
void act_rpz_set_free(struct act_rpz_set *s); /* NULL is a no-op */
enum err_code act_rpz_set_add(struct act_rpz_set *s, const char *entry, bool *direct,
                              struct err *e);
/* The next direct domain in zone order: 1 with *name / *len (valid until the next call),
 * 0 at the end, -1 on an error (the caller keeps its own error message). */
typedef int (*act_rpz_next_fn)(void *arg, const char **name, size_t *len);
/* Writes the zone file of z's SOA and policy with the set's triggers (z's own triggers
 * are not written): byte-identical to act_rpz_zone_write of a zone loaded with the same
 * entries. Pulls every direct domain once; the set is then spent. */
enum err_code act_rpz_set_write(struct act_rpz_set *s, const struct act_rpz_zone *z,
                                act_rpz_next_fn next, void *arg, FILE *f,
                                struct act_rpz_counts *counts, struct err *e);
/* The delta from z's content to the set's, walking both in order (memory: the delta
 * only). The set is then spent. */
enum err_code act_rpz_delta_from_set(const struct act_rpz_zone *z, struct act_rpz_set *s,
                                     act_rpz_next_fn next, void *arg, struct act_rpz_delta **out,
                                     struct act_rpz_counts *counts, struct err *e);

/* ---- server ---------------------------------------------------------------------- */

struct act_rpz_server_config {
    const char *listen_addr;   /* IPv4 or IPv6 literal ["127.0.0.1"] */
    uint16_t port;             /* TCP and UDP; 0 picks a free port (see _port) */
    const char *tsig_name;     /* NULL: no TSIG; else every request must be signed */
    const char *tsig_secret;   /* base64 HMAC-SHA256 secret */
    const char *const *notify; /* "addr:port" or "[v6]:port" targets */
    size_t n_notify;
    unsigned history;   /* deltas kept for IXFR [16] */
    unsigned max_conns; /* concurrent TCP connections [64] */
    unsigned idle_ms;   /* idle TCP connection timeout [10000] */
};

struct act_rpz_server; /* opaque */

/* Binds the sockets. Takes ownership of zone (also on failure). On success the
 * caller owns *out; nothing runs until act_rpz_server_start. */
enum err_code act_rpz_server_new(const struct act_rpz_server_config *cfg, struct act_rpz_zone *zone,
                                 struct act_rpz_server **out, struct err *e);
/* Starts the serving thread. */
enum err_code act_rpz_server_start(struct act_rpz_server *s, struct err *e);
/* Stops and joins the serving thread; idempotent. */
void act_rpz_server_stop(struct act_rpz_server *s);
void act_rpz_server_free(struct act_rpz_server *s); /* stops first; NULL is a no-op */
uint16_t act_rpz_server_port(const struct act_rpz_server *s);
uint32_t act_rpz_server_serial(struct act_rpz_server *s);
/* Writes the served zone's current version as act_rpz_zone_write does (takes the
 * server lock: transfers wait meanwhile). */
enum err_code act_rpz_server_write_zone(struct act_rpz_server *s, FILE *f, struct err *e);

/* Publishes entries[0..n) as the next version: computes the delta, applies it in
 * place, bumps the serial by one, keeps the delta for IXFR and queues NOTIFY to the
 * targets (sent by the serving thread, retried 3 times 1 s apart). An empty delta
 * publishes nothing (serial unchanged). Call from one thread at a time. counts and
 * serial_out may be NULL. */
enum err_code act_rpz_server_publish(struct act_rpz_server *s, const char *const *entries, size_t n,
                                     struct act_rpz_counts *counts, uint32_t *serial_out,
                                     struct err *e);
/* Publishes explicit changes: entries to add (already present ones are ignored) and
 * to remove (absent ones are ignored); otherwise as act_rpz_server_publish. */
enum err_code act_rpz_server_publish_changes(struct act_rpz_server *s, const char *const *add,
                                             size_t n_add, const char *const *del, size_t n_del,
                                             struct act_rpz_counts *counts, uint32_t *serial_out,
                                             struct err *e);

/* Publishes the content of a set (see act_rpz_delta_from_set) as
 * act_rpz_server_publish does; the set is then spent. */
enum err_code act_rpz_server_publish_set(struct act_rpz_server *s, struct act_rpz_set *set,
                                         act_rpz_next_fn next, void *arg,
                                         struct act_rpz_counts *counts, uint32_t *serial_out,
                                         struct err *e);

/* ---- firewall and IDS exports (export.c) ----------------------------------------- */

/* One listed indicator to export: its type and canonical value. */
struct act_item {
    enum ioc_type type;
    const char *value;
};

/* Writes an nft script that atomically (re)creates table inet TABLE with the interval
 * sets blocklist_v4 and blocklist_v6 holding the ipv4, ipv6 and cidr items. */
enum err_code act_export_nft(FILE *f, const char *table, const struct act_item *items, size_t n,
                             struct err *e);
/* Writes a Suricata dataset file of the items of type t: IOC_DOMAIN as a "string"
 * dataset (base64 lines, for dns.query / tls.sni / http.host), IOC_MD5 / IOC_SHA256 as
 * hex lines. */
enum err_code act_export_suricata(FILE *f, enum ioc_type t, const struct act_item *items, size_t n,
                                  struct err *e);

/* ---- network-owner report delivery (notify.c, docs/reports.md) ---------------------- */

#define ACT_NOTIFY_SIG_MAX 80 /* "sha256=" + 64 hex digits + NUL */

/* Writes body to dir/name atomically (a temporary file, fsync, rename); path receives
 * the file's path. ERR_IO with the reason. */
enum err_code act_notify_file(const char *dir, const char *name, const char *body, size_t len,
                              char *path, size_t cap, struct err *e);
/* "sha256=" and the hex HMAC-SHA256 of body under secret: the X-Ooda-Signature header's
 * value a receiver recomputes. */
enum err_code act_notify_signature(const char *secret, const char *body, size_t len,
                                   char out[ACT_NOTIFY_SIG_MAX]);
/* POSTs body (JSON) to url (http or https) with X-Ooda-Signature; a status >= 400 or no
 * answer within 60 s is ERR_IO with the reason. The secret is never logged. */
enum err_code act_notify_webhook(const char *url, const char *secret, const char *body, size_t len,
                                 struct err *e);
/* Mails body (CSV) as an attachment from -> to through url (smtp:// or smtps://). */
enum err_code act_notify_smtp(const char *url, const char *from, const char *to,
                              const char *subject, const char *body, size_t len, struct err *e);

#endif
