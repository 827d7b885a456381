/* observe.h - the observe stage: ingest of sensor data into the store.
 * Today: darknet pcap/pcapng files, stdin and live capture (libpcap), decoded,
 * classified and aggregated as docs/darknet.md defines.
 * An ingest context is used by one thread at a time. */
#ifndef OODA_OBSERVE_H
#define OODA_OBSERVE_H

#include "geo/geo.h"
#include "store/store.h"
#include "util/util.h"

#define OBSERVE_DARKNET_MAX 64

struct match_snap;

/* Called once per rejected record: "where:line: reason" material. */
typedef void (*observe_reject_fn)(void *arg, const char *where, uint64_t line, const char *reason);
typedef enum err_code (*observe_listed_fn)(void *arg, const struct match_snap **out,
                                           struct err *e);

struct observe_opts {
    const char *sensor;                        /* created in the store when new */
    struct cidr darknet[OBSERVE_DARKNET_MAX]; /* empty: every IP packet counts */
    size_t ndarknet;
    uint32_t scanner_threshold; /* 0: default 16 */
    uint32_t victim_threshold;  /* 0: default 8 */
    const struct geo *geo;      /* may be NULL: country ZZ, ASN 0 */
    bool progress;              /* progress bar on stderr when it is a terminal */
    /* Sensor logs (EVE): listed gives, once, on the first log file, the snapshot of
     * listed indicators hosts are matched against (NULL fn or NULL *out: no evidence of
     * contact; the caller keeps the snapshot alive until the ingest is freed); reject
     * is told each rejected line (may be NULL). */
    observe_listed_fn listed;
    void *listed_arg;
    observe_reject_fn reject;
    void *reject_arg;
};

/* Counters of one file (or of a live capture). */
struct observe_counts {
    uint64_t bytes_read, frames, packets, bytes, outside, non_ip, bad, fragments;
    uint64_t cls[STORE_DK_NCLASS];
    int64_t first_ts, last_ts;
};

/* Sensor-log events (docs/sensors.md): kinds and listed-contact evidence kinds. */
/* flow, dns, http, tls, alert, fileinfo (EVE); honeypot-connect, -login-failed, -login,
 * -command, -download (Cowrie) */
#define OBSERVE_EVENT_KINDS    11
#define OBSERVE_EVIDENCE_KINDS 5 /* dns-listed, flow-listed, http-listed, tls-listed, file-listed */
const char *observe_event_kind_name(int k);
const char *observe_evidence_kind_name(int k);

/* Counters of one sensor-log file. */
struct observe_log_counts {
    uint64_t lines, events, skipped, rejected;
    int kind_first, kind_n; /* the kinds of the file's format */
    uint64_t kinds[OBSERVE_EVENT_KINDS];
    uint64_t indicators; /* Cowrie: download URLs and hashes recorded as sightings */
    uint64_t listed[OBSERVE_EVIDENCE_KINDS]; /* events that reached a listed indicator */
};

struct observe_file_result {
    const char *format; /* "pcap", "eve" or "cowrie" */
    struct observe_log_counts log; /* eve, cowrie */
    bool skipped; /* same content already ingested by this sensor */
    uint8_t hash[16];
    struct observe_counts n;
    double seconds;       /* whole file */
    double store_seconds; /* of which writing aggregates to the store and committing */
};

struct observe_ingest; /* opaque */

enum err_code observe_ingest_new(struct store *st, const struct observe_opts *o,
                                 struct observe_ingest **out, struct err *e);
void observe_ingest_free(struct observe_ingest *in); /* NULL is a no-op */

/* Ingests one file ("-" reads stdin) in one transaction: a pcap/pcapng capture or a
 * sensor log (Suricata EVE), told apart by the first bytes. A capture with a parse error
 * returns ERR_PARSE with "PATH: offset N: reason" and commits nothing of this file;
 * earlier files stay committed. A log's bad lines are passed to opts.reject and counted
 * (log.rejected); its good lines are committed. */
enum err_code observe_ingest_file(struct observe_ingest *in, const char *path,
                                  struct observe_file_result *res, struct err *e);

struct observe_live_opts {
    const char *iface;
    const char *bpf;         /* NULL: none */
    uint64_t max_packets;    /* 0: unlimited */
    double duration;         /* seconds, 0: unlimited */
    double commit_interval;  /* seconds between commits, 0: 10 */
    volatile const int *stop; /* set non-zero (e.g. by a signal handler) to stop */
};
/* Captures from a live interface, committing every commit_interval seconds. */
enum err_code observe_ingest_live(struct observe_ingest *in, const struct observe_live_opts *lo,
                                  struct observe_counts *n, struct err *e);

/* Peak memory of the aggregation state, the distinct sources it held, and the part of that
 * memory that grows with sources (the rest is bounded by ports, ASNs and hours). */
void observe_ingest_memory(const struct observe_ingest *in, size_t *bytes, size_t *sources,
                           size_t *source_bytes);

/* ---- feeds (docs/feeds.md) ------------------------------------------------------------ */

#define OBSERVE_FEED_GRACE      86400 /* default removal grace, seconds */
#define OBSERVE_FEED_CONFIDENCE 80    /* default confidence (MISP's default base score) */

/* A feed to add. Formats: "plain", "csv", "urlhaus-csv", "misp", "stix". */
struct observe_feed_opts {
    const char *name, *format;
    const char *location; /* a path, or an http(s):// URL (misp: directory or base URL) */
    const char *org;      /* NULL: "" */
    const char *columns;  /* csv only: "value=1,type=2,..." (NULL: value=1) */
    int tlp;              /* enum ioc_tlp, -1: amber */
    int confidence;       /* 0..100, -1: OBSERVE_FEED_CONFIDENCE */
    bool allowlist;       /* entries are allowlist entries (domains, IPs, CIDRs) */
    int64_t grace;        /* seconds, -1: OBSERVE_FEED_GRACE */
    int64_t tau;          /* decay lifetime in seconds, 0: 120 days */
    double delta;         /* decay speed, 0: 2 */
};
/* Checks the options (format, column map, ranges: ERR_USAGE with the reason) and adds the
 * feed; ERR_USAGE when the name is taken. Nothing is fetched. */
enum err_code observe_feed_add(struct store *st, const struct observe_feed_opts *o, struct err *e);

struct observe_feed_result {
    int64_t feed_id;
    struct store_feed_counts n; /* allowlisted is left 0: orient counts it */
    double seconds;
};
/* Pulls the feed: fetches, parses, canonicalises and stores its entries in one
 * transaction (see store_pull_*), at time now. A feed that cannot be fetched (ERR_IO, or
 * ERR_NOTFOUND for a missing file) or parsed as a whole (ERR_PARSE, ERR_LIMIT) keeps its
 * previous entries; the error is recorded on the feed row and returned. Bad records are
 * counted and passed to reject (may be NULL). */
enum err_code observe_feed_pull(struct store *st, const char *name, int64_t now,
                                observe_reject_fn reject, void *arg,
                                struct observe_feed_result *res, struct err *e);

#endif
