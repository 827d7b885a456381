/* orient.h - the orient stage: what the observations and feeds mean now.
 * Indicators: which are listed for blocking at a given time (decayed score, validity,
 * allowlists). Functions take a store connection and run on the caller's thread. */
#ifndef OODA_ORIENT_H
#define OODA_ORIENT_H

#include "ioc/ioc.h"
#include <cjson/cJSON.h>

#include "geo/geo.h"
#include "store/store.h"

/* One indicator as the listing decision sees it. Pointers valid during the callback. */
struct orient_ind {
    int64_t id;
    enum ioc_type type;
    const char *value;                          /* canonical form */
    int64_t first_seen, last_seen, valid_until; /* Unix seconds; valid_until 0: none */
    int confidence;                             /* 0..100, max over active sources */
    enum ioc_tlp tlp;                           /* least restrictive over active sources */
    double score;                               /* decayed score at `now` */
    const char *sources;                        /* "org/feed,org/feed" of active sources */
};
typedef bool (*orient_ind_fn)(void *arg, const struct orient_ind *ind);

/* Calls fn for every indicator listed for blocking at now: at least one active (not
 * removed) source or sighting, not past valid_until, decayed score >= the listing
 * threshold, and not covered by an allowlist. In indicator id order (the order they
 * entered the store: sequential reads, no seek per indicator; consumers that need an
 * order sort themselves or, for domains, read store_ind_sorted_* alongside). Stops early
 * (returning ERR_OK) when fn returns false. */
enum err_code orient_ind_each_listed(struct store *st, int64_t now, orient_ind_fn fn, void *arg,
                                     struct err *e);

/* Listing defaults (docs/feeds.md): MISP's "NIDS Simple Decaying Model" - lifetime tau
 * 120 days, decay speed delta 2, threshold 30, base score 80 when a feed gives no
 * confidence. An indicator sighted by the darknet counts as a source of confidence 50,
 * TLP:AMBER, decaying with the default tau and delta from its last sighting. */
#define ORIENT_IND_THRESHOLD           30.0
#define ORIENT_IND_TAU                 (120 * 86400)
#define ORIENT_IND_DELTA               2.0
#define ORIENT_IND_CONFIDENCE          80
#define ORIENT_IND_SIGHTING_CONFIDENCE 50

/* An indicator covered by an allowlist entry. entry is the entry's canonical value
 * ("10.0.0.0/8", "example.com"), allowlist the allowlist feed's name or "builtin" for the
 * always-on RFC 1918 / RFC 6890 special-purpose ranges. */
struct orient_conflict {
    const struct orient_ind *ind;
    const char *entry_type, *entry, *allowlist;
};
typedef bool (*orient_conflict_fn)(void *arg, const struct orient_conflict *c);

/* Calls fn for every indicator with an active source or sighting (whatever its score or
 * validity) that an allowlist covers, with the first entry found; feed_id != 0 restricts
 * it to the indicators that feed lists. Ordered by type, then value. */
enum err_code orient_ind_each_conflict(struct store *st, int64_t now, int64_t feed_id,
                                       orient_conflict_fn fn, void *arg, struct err *e);

/* ---- infected hosts (hosts.c, docs/hosts.md) ---------------------------------------- */

/* One piece of evidence that a host is likely infected: kind darknet-scan (it scanned
 * the darknet), dns-listed, flow-listed, http-listed, tls-listed or file-listed (it
 * resolved or contacted a listed indicator, what), seen by sensor. */
struct orient_evidence {
    const char *kind, *sensor, *what;
    uint16_t port;
    uint64_t count; /* events (darknet: packets) */
    int64_t first_seen, last_seen;
};
struct orient_host {
    struct ip16 ip;
    uint32_t asn;
    char country[3];
    int64_t first_seen, last_seen;
    size_t n; /* evidence, by first seen */
    const struct orient_evidence *ev;
};
/* A host is valid during the callback only. */
typedef bool (*orient_host_fn)(void *arg, const struct orient_host *h);
/* Calls fn for each likely infected host matching q, in address order. */
enum err_code orient_hosts_each(struct store *st, const struct store_host_query *q,
                                orient_host_fn fn, void *arg, struct err *e);
/* A host as the CLI and the API give it: ip, asn, country, first_seen, last_seen and
 * evidence [{kind, sensor, what, port, count, first_seen, last_seen}]. */
cJSON *orient_host_json(const struct orient_host *h);
/* The scope of a host listing: orient_host_scope_init sets "any"; orient_host_scope adds
 * one part: opt 'a' an AS number ("AS" prefix allowed), 'p' a CIDR prefix, 'c' a country
 * code. ERR_USAGE with the reason when arg is malformed. */
void orient_host_scope_init(struct store_host_query *q);
enum err_code orient_host_scope(struct store_host_query *q, int opt, const char *arg,
                                struct err *e);

/* ---- early warning (ewarn.c, docs/early-warning.md) --------------------------------- */

/* Baseline of one hour of one (port, class) series: the median and MAD of the same
 * hour-of-day on up to ORIENT_EW_DAYS earlier days (at least ORIENT_EW_MIN_DAYS, else
 * no baseline), blended with the median of the ORIENT_EW_RECENT preceding hours by
 * taking the larger median; the bound is median + ORIENT_EW_K * max(MAD, sqrt(median), 1). */
#define ORIENT_EW_K        6.0
#define ORIENT_EW_DAYS     7
#define ORIENT_EW_MIN_DAYS 3
#define ORIENT_EW_RECENT   6

struct orient_ew_bound {
    double day_median, recent_median; /* recent_median 0 without preceding hours */
    double median;                    /* max(day_median, recent_median) */
    double mad;                       /* MAD of the same-hour-of-day values (unscaled) */
    double spread;                    /* max(mad, sqrt(median), 1) */
    double threshold;                 /* median + K * spread: alarm above it */
};
/* Median of v[0..n), n >= 1 (mean of the two middle values when n is even); v is
 * sorted in place. */
double orient_ew_median(double *v, size_t n);
/* Median absolute deviation of v[0..n) from m, n <= 64; v is left unchanged. */
double orient_ew_mad(const double *v, size_t n, double m);
/* Fills *out from day[0..nday) (same hour-of-day, nday <= ORIENT_EW_DAYS) and
 * recent[0..nrecent) (nrecent <= ORIENT_EW_RECENT); false when nday < MIN_DAYS. */
bool orient_ew_bound(const double *day, size_t nday, const double *recent, size_t nrecent,
                     struct orient_ew_bound *out);

/* One alert of one series: hours start..end (indices) alarmed, with the start hour's
 * packets, packet baseline (bound median) and new sources. */
struct orient_ew_hit {
    size_t start, end;
    double packets, baseline, new_sources;
};
typedef enum err_code (*orient_ew_hit_fn)(void *arg, const struct orient_ew_hit *h, struct err *e);
/* Runs the detector over hours from..n-1 of the hourly series pk (packets) and nw (new
 * sources), index 0 being the first hour with data: an hour alarms when both exceed
 * their bound; consecutive alarming hours make one hit. */
enum err_code orient_ew_scan(const double *pk, const double *nw, size_t n, size_t from,
                             orient_ew_hit_fn fn, void *arg, struct err *e);

/* Runs the detector over the stored dk_port_hour rows of a sensor for the hours meeting
 * [since, until) (from 24 hours before since, so an alert begun shortly before keeps
 * its start; the 7 days before serve as history) and upserts every alert (kind
 * port-surge) that ends at or after since, with its top sources and countries, in one
 * transaction. *n receives the number of alerts written. */
enum err_code orient_ew_run(struct store *st, int64_t sensor, int64_t since, int64_t until,
                            int64_t now, size_t *n, struct err *e);

/* An alert as the CLI and the API give it (docs/early-warning.md). */
cJSON *orient_alert_json(const struct store_alert *a);

/* ---- the situation picture (picture.c, docs/report.md) ------------------------------ */

/* The picture of [since, until) as a JSON document (the caller owns *out): darknet totals,
 * top ports/countries/ASNs (geo, may be NULL, names the ASNs), new scanners, DoS victims,
 * alerts, hosts with evidence by class and the listed indicators reached most. */
enum err_code orient_picture(struct store *st, int64_t since, int64_t until, const struct geo *geo,
                             cJSON **out, struct err *e);

#endif
