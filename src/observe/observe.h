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

struct observe_opts {
    const char *sensor;                        /* created in the store when new */
    struct cidr darknet[OBSERVE_DARKNET_MAX]; /* empty: every IP packet counts */
    size_t ndarknet;
    uint32_t scanner_threshold; /* 0: default 16 */
    uint32_t victim_threshold;  /* 0: default 8 */
    const struct geo *geo;      /* may be NULL: country ZZ, ASN 0 */
    bool progress;              /* progress bar on stderr when it is a terminal */
};

/* Counters of one file (or of a live capture). */
struct observe_counts {
    uint64_t bytes_read, frames, packets, bytes, outside, non_ip, bad, fragments;
    uint64_t cls[STORE_DK_NCLASS];
    int64_t first_ts, last_ts;
};

struct observe_file_result {
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

/* Ingests one pcap/pcapng file ("-" reads stdin) in one transaction. On a parse error
 * returns ERR_PARSE with "PATH: offset N: reason" and commits nothing of this file;
 * earlier files stay committed. */
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

#endif
