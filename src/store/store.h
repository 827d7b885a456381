/* store.h - the SQLite store: one file in WAL mode, a versioned schema migrated
 * forward at open, batched writes inside caller-delimited transactions. The only
 * module that speaks SQL.
 * A struct store is one connection: use it from one thread at a time. */
#ifndef OODA_STORE_H
#define OODA_STORE_H

#include "util/util.h"

struct store; /* opaque */

/* Schema version this build migrates to. */
#define STORE_SCHEMA_VERSION 7

/* Darknet packet classes, in the order of every per-class array. */
enum store_dk_class {
    STORE_DK_TCP_SYN = 0,
    STORE_DK_UDP,
    STORE_DK_ICMP_ECHO,
    STORE_DK_BACKSCATTER,
    STORE_DK_OTHER,
    STORE_DK_NCLASS
};
/* "tcp_syn", "udp", "icmp_echo", "backscatter", "other". */
const char *store_dk_class_name(int cls);

/* Opens (creating if needed) the database at path, sets WAL and runs migrations.
 * path NULL means $OODA_DB or ./ooda.db. On success the caller owns *out. */
enum err_code store_open(const char *path, struct store **out, struct err *e);
void store_close(struct store *st); /* NULL is a no-op */
const char *store_path(const struct store *st);
int store_schema_version(struct store *st);

/* Transactions: begin takes the write lock (BEGIN IMMEDIATE). rollback never fails. */
enum err_code store_begin(struct store *st, struct err *e);
enum err_code store_commit(struct store *st, struct err *e);
void store_rollback(struct store *st);

/* Runs PRAGMA integrity_check; *ok is true when it answers "ok". */
enum err_code store_integrity_check(struct store *st, bool *ok, struct err *e);

/* ---- sensors and ingested files ----------------------------------------------- */

/* Finds the sensor by name, creating it when create is true (ERR_NOTFOUND otherwise). */
enum err_code store_sensor_id(struct store *st, const char *name, bool create, int64_t *id,
                              struct err *e);

/* Whether content with this hash was already ingested by the sensor. */
enum err_code store_file_seen(struct store *st, int64_t sensor, const uint8_t hash[16],
                              bool *seen, struct err *e);
/* Whether the sensor ingested any file of exactly this many bytes (a file of a size never
 * seen cannot be a duplicate, so it is hashed while it is parsed, in one pass). */
enum err_code store_file_size_seen(struct store *st, int64_t sensor, uint64_t bytes, bool *seen,
                                   struct err *e);
struct store_file {
    uint8_t hash[16]; /* 128-bit content hash */
    const char *name;
    uint64_t bytes, records, accepted;
    int64_t first_ts, last_ts;
};
enum err_code store_file_add(struct store *st, int64_t sensor, const struct store_file *f,
                             struct err *e);

/* ---- darknet aggregates (written by observe, read by orient) ----------------------- */

struct store_dk_src {
    struct ip16 src;
    int64_t day;  /* days since epoch (UTC), 0..2^17-1 */
    uint32_t seq; /* identifies the row within (sensor, day): the writer keeps it stable */
    uint64_t packets, bytes;
    uint64_t cls[STORE_DK_NCLASS];
    int64_t first_seen, last_seen;
    uint32_t hours; /* bit h: active in hour h of the day */
    uint64_t dsts;  /* distinct destinations (exact up to the scanner threshold) */
    uint32_t ports; /* distinct service ports */
    const char *top_ports; /* JSON array [[port,"class",packets],...] */
    char country[3];
    uint32_t asn;
    bool scanner, victim;
    const void *state; /* opaque per-source sketch state owned by observe */
    size_t state_len;
};
/* Inserts or replaces the (sensor, day, seq) row. Sensor ids must be below 2^14.
 * The store does not check that src is unique within (sensor, day): the writer does. */
enum err_code store_dk_src_put(struct store *st, int64_t sensor, const struct store_dk_src *r,
                               struct err *e);
/* Calls fn for every source row of (sensor, day) in seq order; pointers in *r are valid
 * during the call. */
typedef enum err_code (*store_dk_src_fn)(void *ctx, const struct store_dk_src *r,
                                          struct err *e);
enum err_code store_dk_src_load(struct store *st, int64_t sensor, int64_t day,
                                store_dk_src_fn fn, void *ctx, struct err *e);

struct store_dk_port {
    int64_t hour; /* Unix seconds of the hour start */
    uint16_t port;
    uint8_t cls;
    uint64_t packets, bytes, sources, new_sources;
};
enum err_code store_dk_port_put(struct store *st, int64_t sensor, const struct store_dk_port *r,
                                struct err *e);
typedef enum err_code (*store_dk_port_fn)(void *ctx, const struct store_dk_port *r,
                                           struct err *e);
/* Rows with hour in [since, until). */
enum err_code store_dk_port_load(struct store *st, int64_t sensor, int64_t since, int64_t until,
                                 store_dk_port_fn fn, void *ctx, struct err *e);

/* Distinct sources per (day, port, class): exact per day. */
enum err_code store_dk_port_day_put(struct store *st, int64_t sensor, int64_t day, uint16_t port,
                                    uint8_t cls, uint64_t packets, uint64_t sources,
                                    struct err *e);

/* Per hour and country (asn == 0, country set) or per hour and ASN (is_asn). */
struct store_dk_geo {
    int64_t hour;
    bool is_asn;
    char country[3];
    uint32_t asn;
    uint64_t packets, sources;
};
enum err_code store_dk_geo_put(struct store *st, int64_t sensor, const struct store_dk_geo *r,
                               struct err *e);
typedef enum err_code (*store_dk_geo_fn)(void *ctx, const struct store_dk_geo *r,
                                          struct err *e);
enum err_code store_dk_geo_load(struct store *st, int64_t sensor, int64_t since, int64_t until,
                                store_dk_geo_fn fn, void *ctx, struct err *e);

/* One flagged source of a day: an IP indicator sighted as a scanner and/or DoS victim. */
struct store_dk_sighting {
    struct ip16 ip;
    bool scanner, victim;
    int64_t first_seen, last_seen;
    uint64_t packets;
};
/* Replaces the sightings (kinds "scanner", "dos-victim") of (sensor, day) with those of
 * v[0..n) — every flagged source of that day — and upserts their IP indicators (first and
 * last seen widened): exact and idempotent. Sightings are kept per day (table
 * sighting_days) and summed by the view `sightings` (first/last seen, count = days
 * flagged, packets on those days). */
enum err_code store_dk_sightings_put(struct store *st, int64_t sensor, int64_t day,
                                     const struct store_dk_sighting *v, size_t n, struct err *e);
/* The same, with the flagged sources read from (sensor, day)'s stored source rows. */
enum err_code store_dk_sightings_refresh(struct store *st, int64_t sensor, int64_t day,
                                         struct err *e);

/* ---- darknet queries ---------------------------------------------------------------- */

struct store_dk_summary {
    uint64_t packets, bytes, sources, scanners, victims;
    uint64_t cls[STORE_DK_NCLASS];
    uint64_t sensors, files;
    int64_t first_seen, last_seen; /* 0 when empty */
};
/* Totals over hours in [since, until); sensor NULL means all sensors. Sources, scanners and
 * victims are distinct addresses active in the range (hour-exact). */
enum err_code store_dk_summary(struct store *st, const char *sensor, int64_t since,
                               int64_t until, struct store_dk_summary *out, struct err *e);

enum store_dk_by { STORE_BY_SOURCE, STORE_BY_PORT, STORE_BY_COUNTRY, STORE_BY_ASN };
struct store_dk_top {
    char key[64];     /* ip, "port/class", country code or ASN number */
    uint64_t packets; /* packets in the range */
    uint64_t sources; /* distinct sources (1 for BY_SOURCE) */
    /* BY_SOURCE only: */
    uint64_t bytes, dsts, cls[STORE_DK_NCLASS];
    uint32_t ports, asn;
    char country[3];
    bool scanner, victim;
    int64_t first_seen, last_seen;
    char top_ports[320]; /* JSON [[port,"class",packets],...] of its latest day in range */
    /* BY_PORT only: */
    uint16_t port;
    uint8_t cls_id;
};
/* Fills up to n rows (caller's array) ordered by packets descending, then key. Per-source
 * figures have day granularity (a source row counts when its day overlaps the range);
 * the others hour granularity. */
enum err_code store_dk_top(struct store *st, enum store_dk_by by, const char *sensor,
                           int64_t since, int64_t until, struct store_dk_top *rows, size_t n,
                           size_t *count, struct err *e);
/* Sources of all sensors whose day overlaps [since, until): victims (DoS backscatter
 * victims, by backscatter packets) or new scanners (scanners first seen in the range, by
 * packets); up to n rows with key (ip), packets, bytes, dsts, cls, asn, country,
 * first/last seen, scanner and victim filled. */
enum err_code store_dk_flagged(struct store *st, bool victims, int64_t since, int64_t until,
                               struct store_dk_top *rows, size_t n, size_t *count,
                               struct err *e);

/* Hourly series over [since, until) of one (port, class) pair; port or cls < 0 means all
 * (then sources and new_sources are sums over the pairs). Calls fn per hour with data,
 * in hour order; hour carries the hour start. */
enum err_code store_dk_series(struct store *st, const char *sensor, int port, int cls,
                              int64_t since, int64_t until, store_dk_port_fn fn, void *ctx,
                              struct err *e);

/* ---- indicators, feeds, allowlists --------------------------------------------------- */

/* Limits of a feed's text fields (longer values are refused by store_feed_add). */
#define STORE_FEED_NAME_MAX 64
#define STORE_FEED_LOC_MAX  2048

/* What one pull of a feed did (see docs/feeds.md). entries = records read, accepted =
 * records canonicalised and stored (a value listed twice counts twice), rejected =
 * records refused; added/updated/missing/removed count distinct indicators of the feed:
 * added = new (or back after removal), updated = listed again, missing = no longer listed
 * but within the removal grace, removed = missing longer than the grace (now inactive).
 * allowlisted = active indicators of the feed that an allowlist covers (filled by orient). */
struct store_feed_counts {
    uint64_t entries, accepted, rejected, added, updated, missing, removed, allowlisted;
};

/* A feed's configuration and its last pull. tlp is an enum ioc_tlp value (0 clear ..
 * 4 red); tau (seconds) and delta are the decay parameters of its indicators. */
struct store_feed {
    int64_t id;
    char name[STORE_FEED_NAME_MAX];
    char format[16]; /* plain, csv, urlhaus-csv, misp, stix */
    char location[STORE_FEED_LOC_MAX];
    char org[STORE_FEED_NAME_MAX];
    char columns[256]; /* csv column map, "" otherwise */
    int tlp, confidence;
    bool allowlist;
    int64_t grace;                       /* seconds an entry may be missing before it is removed */
    int64_t tau;                         /* decay lifetime, seconds */
    double delta;                        /* decay speed */
    int64_t created, last_pull, last_ok; /* 0: never */
    char last_error[256];                /* "" when the last pull succeeded */
    uint64_t pulls;
    struct store_feed_counts last; /* of the last successful pull */
    uint64_t active;               /* entries now active (filled by store_feed_each) */
};

/* Adds a feed (f->id is set). ERR_USAGE when the name is taken, ERR_LIMIT when a field
 * does not fit. */
enum err_code store_feed_add(struct store *st, struct store_feed *f, struct err *e);
/* Reads a feed by name; ERR_NOTFOUND when there is none. */
enum err_code store_feed_get(struct store *st, const char *name, struct store_feed *out,
                             struct err *e);
/* Calls fn for every feed in name order, with active set. Stops when fn returns false. */
typedef bool (*store_feed_fn)(void *arg, const struct store_feed *f);
enum err_code store_feed_each(struct store *st, store_feed_fn fn, void *arg, struct err *e);
/* Records a failed pull (error text) without touching the feed's entries. */
enum err_code store_feed_failed(struct store *st, int64_t feed_id, int64_t now, const char *error,
                                struct err *e);
/* Sets the allowlisted count of the feed's last pull. */
enum err_code store_feed_set_allowlisted(struct store *st, int64_t feed_id, uint64_t n,
                                         struct err *e);

/* One canonical entry of a pull. */
struct store_ind_entry {
    const char *type;    /* ioc type name ("ipv4", "domain", ...) */
    const char *value;   /* canonical value */
    int64_t seen;        /* the entry's time: the feed's own, else the pull time */
    int64_t valid_until; /* 0: none */
    int confidence, tlp;
    const char *tags; /* NULL: none */
};

/* A pull in progress: one write transaction (BEGIN IMMEDIATE .. COMMIT) holding its
 * prepared statements. Entries are upserted one by one (no reads); what the feed no longer
 * lists is marked set-wise by store_pull_finish. */
struct store_pull;
enum err_code store_pull_begin(struct store *st, int64_t feed_id, int64_t now,
                               struct store_pull **out, struct err *e);
/* An indicator listed by a (non-allowlist) feed: indicator and source upserted, the source
 * active again (missing_since and removed_at cleared). */
enum err_code store_pull_put(struct store_pull *p, const struct store_ind_entry *en, struct err *e);
/* An entry of an allowlist feed (type domain, ipv4, ipv6 or cidr). */
enum err_code store_pull_allow_put(struct store_pull *p, const char *type, const char *value,
                                   struct err *e);
/* Marks the feed's entries not listed by this pull missing (missing_since = now), removes
 * those missing for >= grace seconds (removed_at = now, one ind_removals row each),
 * drops allowlist entries no longer listed, stores the counts (c->entries, accepted and
 * rejected from the caller; the rest filled here) on the feed row, commits and frees p.
 * On error rolls back and frees p. */
enum err_code store_pull_finish(struct store_pull *p, int64_t grace, struct store_feed_counts *c,
                                struct err *e);
/* Rolls back and frees (NULL is a no-op). */
void store_pull_abort(struct store_pull *p);

/* One active source of an indicator (removed_at NULL). */
struct store_ind_src {
    const struct store_feed *feed;              /* borrowed from the store's feed cache */
    int64_t first_seen, last_seen, valid_until; /* valid_until 0: none */
    int confidence, tlp;
};
/* An indicator with its active sources and last darknet sighting. */
struct store_ind_row {
    int64_t id;
    const char *type, *value;
    int64_t first_seen, last_seen;
    int64_t sighted; /* last_seen of its latest sighting day, 0: never sighted */
    const struct store_ind_src *src;
    size_t nsrc;
};
/* Streams every indicator that has an active source or a sighting, ordered by type name
 * then value (byte order), with one SQL query. Pointers are valid during the call. Stops
 * when fn returns false. */
typedef bool (*store_ind_fn)(void *arg, const struct store_ind_row *r);
enum err_code store_ind_each_active(struct store *st, store_ind_fn fn, void *arg, struct err *e);
/* The same in indicator id order: much faster on large stores (sequential b-tree reads);
 * for consumers that do not need the (type, value) order. */
enum err_code store_ind_each_active_by_id(struct store *st, store_ind_fn fn, void *arg,
                                          struct err *e);
/* The same, for the active sources of one feed only (indicators it lists). */
enum err_code store_ind_each_of_feed(struct store *st, int64_t feed_id, store_ind_fn fn, void *arg,
                                     struct err *e);

/* The indicators of one type in value order (SQLite's BINARY collation: bytes as
 * unsigned, a proper prefix first), read from the (type, value) index without sorting:
 * with the id-ordered listing, a large list comes out sorted with no sort in memory.
 * Within a read transaction (store_read_begin) both see the same snapshot. */
struct store_ind_cursor;
enum err_code store_ind_sorted_open(struct store *st, const char *type,
                                    struct store_ind_cursor **out, struct err *e);
/* The next indicator: *done true at the end; value (len bytes, NUL-terminated) is valid
 * until the next call. */
enum err_code store_ind_sorted_next(struct store_ind_cursor *c, int64_t *id, const char **value,
                                    size_t *len, bool *done, struct err *e);
void store_ind_sorted_close(struct store_ind_cursor *c); /* NULL is a no-op */

/* Calls fn for every allowlist entry (from allowlist feeds): type, value, feed name. */
typedef bool (*store_allow_fn)(void *arg, const char *type, const char *value, const char *feed);
enum err_code store_allow_each(struct store *st, store_allow_fn fn, void *arg, struct err *e);

/* Calls fn for every removal-log row of the feed (0: all feeds), oldest first. */
typedef bool (*store_removal_fn)(void *arg, const char *feed, const char *type, const char *value,
                                 int64_t at);
enum err_code store_removals_each(struct store *st, int64_t feed_id, store_removal_fn fn, void *arg,
                                  struct err *e);

/* ---- serving: API tokens, RPZ zone serials, change polling ------------------------- */

struct store_token {
    char name[64];
    uint8_t hash[32]; /* SHA-256 of the token; the token itself is never stored */
    int clearance;    /* enum ioc_tlp: the most restrictive TLP the holder receives */
    int64_t created;
};
/* Adds a token by its hash. ERR_USAGE when the name exists. */
enum err_code store_token_add(struct store *st, const char *name, const uint8_t hash[32],
                              int clearance, int64_t now, struct err *e);
/* Deletes the named token; *found tells whether it existed. */
enum err_code store_token_revoke(struct store *st, const char *name, bool *found, struct err *e);
/* Calls fn per token, by name; stops when fn returns false. */
typedef bool (*store_token_fn)(void *arg, const struct store_token *t);
enum err_code store_token_each(struct store *st, store_token_fn fn, void *arg, struct err *e);

/* The last serial (and content digest, zeros when unknown) published for an RPZ zone;
 * *found false when the zone never was. */
enum err_code store_zone_get(struct store *st, const char *zone, uint32_t *serial,
                             uint8_t digest[32], bool *found, struct err *e);
/* Records a published serial; digest may be NULL (unknown). */
enum err_code store_zone_put(struct store *st, const char *zone, uint32_t serial,
                             const uint8_t *digest, int64_t now, struct err *e);

/* A read transaction: every read until store_read_end sees the snapshot taken by
 * store_read_begin (what other connections commit meanwhile stays invisible). A write
 * inside it needs the write lock and fails when another connection has committed
 * since: write after store_read_end. store_read_end never fails (no-op outside one). */
enum err_code store_read_begin(struct store *st, struct err *e);
void store_read_end(struct store *st);

/* Sets how much of the database file reads may map (PRAGMA mmap_size; the store opens
 * with 2 GiB) and the page cache size in KiB (the store opens with 64 MiB). mmap 0:
 * reads go through the page cache only, so a long-running reader's resident memory
 * does not grow with the file. */
enum err_code store_set_memory(struct store *st, int64_t mmap_bytes, int64_t cache_kib,
                               struct err *e);

/* SQLite's PRAGMA data_version: changes when another connection commits. */
enum err_code store_data_version(struct store *st, int64_t *out, struct err *e);

/* ---- sensor events (store_ev.c; docs/orient-design.md) ----------------------------- */

struct store_text {
    const char *p; /* not NUL-terminated */
    size_t len;
};
struct store_ev_alert {
    int64_t day;
    struct ip16 src;
    uint32_t sig_id;
    uint64_t count;
    int64_t first_seen, last_seen;
    uint8_t severity;
    uint16_t dst_port;
};
struct store_evidence {
    struct ip16 ip;
    int64_t day;
    const char *kind; /* dns-listed, flow-listed, ... */
    struct store_text what;
    uint16_t port;
    uint64_t count;
    int64_t first_seen, last_seen;
    uint32_t asn;    /* of ip, when first seen; 0 unknown */
    char country[3]; /* of ip, when first seen; "ZZ" unknown */
};
/* A writer of one file's event aggregates, inside the caller's transaction: every call
 * adds to what is stored (counts summed, first/last widened), so files of the same hour
 * or day merge. */
struct store_ev_writer;
enum err_code store_ev_writer_new(struct store *st, int64_t sensor, struct store_ev_writer **out,
                                  struct err *e);
void store_ev_writer_free(struct store_ev_writer *w); /* NULL is a no-op */
enum err_code store_ev_hour_add(struct store_ev_writer *w, int64_t hour, const char *kind,
                                uint64_t events, struct err *e);
/* Keeps the newest text of a signature. */
enum err_code store_ev_signature_put(struct store_ev_writer *w, uint32_t sig_id,
                                     const struct store_text *text, const struct store_text *cat,
                                     struct err *e);
enum err_code store_ev_alert_add(struct store_ev_writer *w, const struct store_ev_alert *a,
                                 struct err *e);
enum err_code store_evidence_add(struct store_ev_writer *w, const struct store_evidence *v,
                                 struct err *e);
/* An indicator a sensor saw (a honeypot's download URL or file hash): the indicator is
 * added when new, and its sighting of that day by the writer's sensor summed in
 * (sighting_days; count goes to its packets column). */
struct store_ev_sighting {
    const char *type; /* ioc type name: url, sha256, ... */
    struct store_text value; /* canonical */
    const char *kind;        /* e.g. honeypot-download */
    int64_t day, first_seen, last_seen;
    uint64_t count;
};
enum err_code store_ev_sighting_add(struct store_ev_writer *w, const struct store_ev_sighting *v,
                                    struct err *e);

/* Evidence about hosts (docs/hosts.md): the evidence rows and the darknet's scanners
 * (kind darknet-scan, one row per sensor and day), in address order, then by first
 * seen. Filters: asn (-1: any), addresses lo..hi (ip16 byte order), country ("" any),
 * rows whose [first_seen, last_seen] meets [since, until) (until 0: no end). Strings of
 * a row are valid during the callback only. */
struct store_host_query {
    int64_t asn;
    struct ip16 lo, hi;
    char country[3];
    int64_t since, until;
};
struct store_host_row {
    struct ip16 ip;
    uint32_t asn;
    char country[3];
    const char *kind, *sensor, *what;
    uint16_t port;
    uint64_t count;
    int64_t first_seen, last_seen;
};
typedef bool (*store_host_row_fn)(void *arg, const struct store_host_row *r);
enum err_code store_host_rows(struct store *st, const struct store_host_query *q,
                              store_host_row_fn fn, void *arg, struct err *e);

/* Remediation tracking (docs/reports.md): a host reported to owner at a time, with how
 * many report rows it had; the same (owner, host, time) again adds nothing. */
enum err_code store_notify_record(struct store *st, const char *owner, const struct ip16 *ip,
                                  int64_t reported_at, uint64_t rows, struct err *e);
/* Per owner (NULL: every owner): hosts reported, and for d = 1, 7, 30 days how many of
 * the hosts whose first report is at least d days before now were seen (any evidence,
 * darknet scanning included) d days or more after that report. */
struct store_notify_status {
    const char *owner;
    uint64_t reported;
    uint64_t due[3], seen[3]; /* 1, 7, 30 days */
    int64_t first_report, last_report;
};
typedef bool (*store_notify_fn)(void *arg, const struct store_notify_status *s);
enum err_code store_notify_status(struct store *st, const char *owner, int64_t now,
                                  store_notify_fn fn, void *arg, struct err *e);

/* A network owner: its scope (asn -1, prefix and country NULL: not set) and delivery:
 * method "file" (target: a directory), "webhook" (target: URL, secret: the HMAC key),
 * "smtp" (target: smtp:// URL, mail_from, mail_to). */
struct store_owner {
    const char *name;
    int64_t asn;
    const char *prefix, *country;
    const char *method, *target, *secret, *mail_from, *mail_to;
};
/* Adds an owner; ERR_USAGE when the name is taken. */
enum err_code store_owner_add(struct store *st, const struct store_owner *o, int64_t now,
                              struct err *e);
typedef bool (*store_owner_fn)(void *arg, const struct store_owner *o);
/* Calls fn per owner by name (name NULL: all); strings valid during the call. */
enum err_code store_owner_each(struct store *st, const char *name, store_owner_fn fn, void *arg,
                               struct err *e);

/* ---- early-warning alerts (store_alerts.c; docs/early-warning.md) ------------------ */

/* One alert: a surge of scanning on (port, class) seen by a sensor from start_hour to
 * end_hour (hour starts, Unix seconds). packets, baseline and new_sources are of the
 * start hour; magnitude = packets / max(baseline, 1). top_sources and top_countries are
 * JSON arrays (see store_alert_tops). */
struct store_alert {
    int64_t id, sensor_id;
    char sensor[64]; /* filled by store_alert_each */
    char kind[16];   /* "port-surge" */
    uint16_t port;
    uint8_t cls;
    int64_t start_hour, end_hour;
    uint64_t packets, new_sources;
    double baseline, magnitude;
    char top_sources[1024], top_countries[512];
    int64_t created;
};
/* Inserts the alert, or updates the row of the same (sensor, kind, port, class,
 * start_hour) keeping its id and created time; a->id is set. */
enum err_code store_alert_put(struct store *st, struct store_alert *a, int64_t now,
                              struct err *e);
/* Fills a->top_sources and a->top_countries from the source rows of the sensor on the
 * start hour's day whose top ports hold (port, class) and whose hour map has the start
 * hour: top_sources = up to 5 [{"ip","country","asn","packets"}] by packets on that pair
 * that day (ties by address), top_countries = up to 5 [{"country","sources","packets"}]
 * by sources, then packets, then code. */
enum err_code store_alert_tops(struct store *st, struct store_alert *a, struct err *e);
/* Calls fn for each alert whose hours meet [since, until), of the named sensor (NULL:
 * all), by start hour, then sensor, port, class. Stops when fn returns false. */
typedef bool (*store_alert_fn)(void *arg, const struct store_alert *a);
enum err_code store_alert_each(struct store *st, const char *sensor, int64_t since,
                               int64_t until, store_alert_fn fn, void *arg, struct err *e);
/* Calls fn for each sensor (id, name) in id order; stops when fn returns false. */
typedef bool (*store_sensor_fn)(void *arg, int64_t id, const char *name);
enum err_code store_alert_sensors(struct store *st, store_sensor_fn fn, void *arg,
                                  struct err *e);

#endif
