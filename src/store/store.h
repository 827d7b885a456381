/* store.h - the SQLite store: one file in WAL mode, a versioned schema migrated
 * forward at open, batched writes inside caller-delimited transactions. The only
 * module that speaks SQL.
 * A struct store is one connection: use it from one thread at a time. */
#ifndef OODA_STORE_H
#define OODA_STORE_H

#include "util/util.h"

struct store; /* opaque */

/* Schema version this build migrates to. */
#define STORE_SCHEMA_VERSION 1

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

/* Hourly series over [since, until) of one (port, class) pair; port or cls < 0 means all
 * (then sources and new_sources are sums over the pairs). Calls fn per hour with data,
 * in hour order; hour carries the hour start. */
enum err_code store_dk_series(struct store *st, const char *sensor, int port, int cls,
                              int64_t since, int64_t until, store_dk_port_fn fn, void *ctx,
                              struct err *e);

#endif
