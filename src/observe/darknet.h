/* darknet.h - the per-day darknet aggregator (private to observe).
 *
 * Holds the open UTC days of one sensor in memory: per-source records, per
 * (hour, port, class) counters and per (hour, country) and (hour, ASN) counters, as
 * docs/darknet.md defines them. Packets are added on the hot path without allocating
 * per packet (memory grows with distinct sources and their (port, class) pairs only).
 * observe_dk_agg_flush() writes everything changed since the last flush through the store,
 * inside the caller's transaction. Not thread-safe: one aggregator per thread. */
#ifndef OODA_OBSERVE_DARKNET_H
#define OODA_OBSERVE_DARKNET_H

#include "geo/geo.h"
#include "observe/decode.h"
#include "store/store.h"

#define DK_OPEN_DAYS      2  /* days kept in memory at once */
#define DK_THRESHOLD_MAX  64 /* largest scanner threshold */
#define DK_EXACT_MAX      64 /* most destinations counted exactly (see docs/darknet.md) */
#define DK_TOP_PORTS      8
#define DK_TS_MAX         INT64_C(4294967295) /* latest packet time aggregated (2106) */

struct dk_agg;

struct dk_agg_opts {
    uint32_t scanner_threshold; /* distinct destinations; 1..DK_THRESHOLD_MAX */
    uint32_t victim_threshold;  /* backscatter packets per day */
    uint64_t space4, space6;    /* IPv4/IPv6 darknet addresses (cap estimates); 0: unknown */
    bool v4_narrow;             /* every IPv4 darknet address lies in the /16 v4_block: */
    uint16_t v4_block;          /* exact destination sets then hold 16-bit keys */
};

enum err_code observe_dk_agg_new(struct store *st, int64_t sensor, const struct geo *geo,
                                 const struct dk_agg_opts *o, struct dk_agg **out, struct err *e);
void observe_dk_agg_free(struct dk_agg *a);

/* Adds one darknet packet seen at Unix time ts. May load a day from the store or evict
 * (flush) the oldest open day, which needs an open transaction. */
enum err_code observe_dk_agg_add(struct dk_agg *a, int64_t ts, const struct pkt *p, struct err *e);

/* Adds n packets (ts[i], p[i]) with the lookups of a batch overlapped; same effect as n
 * calls of observe_dk_agg_add(). */
#define DK_BATCH 1024
enum err_code observe_dk_agg_add_batch(struct dk_agg *a, const int64_t *ts, const struct pkt *p,
                                       size_t n, struct err *e);

/* Writes every changed row of the open days (caller holds a transaction). */
enum err_code observe_dk_agg_flush(struct dk_agg *a, struct err *e);

/* Drops all in-memory state (after a rollback); days reload from the store on use. */
void observe_dk_agg_discard(struct dk_agg *a);

/* Bytes of memory held by the open days (records, pools, tables); *per_source (may be
 * NULL) gets the part that grows with sources: records, their table, pool blocks. The
 * rest (hourly port, country and ASN counters) is bounded by ports, ASNs and hours. */
size_t observe_dk_agg_memory(const struct dk_agg *a, size_t *per_source);
/* Distinct sources held in the open days. */
size_t observe_dk_agg_sources(const struct dk_agg *a);

/* ---- per-source state codec (exposed for tests and the fuzz target) -------------- */

/* Decodes blob as the stored state of an IPv4 source with class counts pk (a /16
 * darknet when narrow), encodes it, decodes and encodes that again: ERR_PARSE for an
 * invalid blob; else *exact says the two encodings and the decoded states agree. */
enum err_code observe_dk_state_roundtrip(const uint8_t *blob, size_t n,
                                         const uint32_t pk[DK_NCLASS], bool narrow, bool *exact,
                                         struct err *e);

/* HyperLogLog with 256 4-bit registers over 32-bit destination keys. */
#define DK_HLL_BYTES 128
void observe_dk_hll_add(uint8_t *regs, uint32_t key);
double observe_dk_hll_estimate(const uint8_t *regs);

#endif
