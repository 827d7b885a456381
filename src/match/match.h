/* match.h - the matcher: an immutable compiled snapshot of the listed indicators and
 * fast matching of names, URLs, addresses, hashes and whole DNS/proxy logs against it.
 *
 * Lifetime: a builder collects (type, canonical value, id, score) entries and compiles
 * them into a snapshot. A snapshot never changes; it is reference-counted, and a swap
 * point (struct match_swap) publishes the current one so that lookup threads can keep
 * using the snapshot they acquired while a loader thread replaces it.
 * Threads: builders are single-threaded; snapshots may be read from any number of
 * threads at once; match_swap functions are thread-safe. Rules: docs/match.md. */
#ifndef OODA_MATCH_H
#define OODA_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "util/util.h"

struct match_builder; /* opaque */
struct match_snap;    /* opaque, immutable, reference-counted */
struct match_swap;    /* opaque */

/* One matched indicator. value points into the snapshot (not NUL-terminated) and stays
 * valid while the caller holds its reference to that snapshot. */
struct match_hit {
    enum ioc_type type; /* the listed indicator's type */
    const char *value;  /* listed canonical value (URLs without their scheme) */
    size_t len;
    int64_t id;
    double score;
};

/* ---- building ------------------------------------------------------------------ */

/* Creates an empty builder; the caller owns *out. ERR_NOMEM on failure. */
enum err_code match_builder_new(struct match_builder **out, struct err *e);
void match_builder_free(struct match_builder *b); /* NULL is a no-op */

/* Adds one listed indicator. value[0..len) is its canonical form (ioc_canon()); the
 * bytes are copied. ipv4/ipv6/cidr/domain/url/md5/sha1/sha256 are kept; email and asn
 * are ignored (ERR_OK). ERR_PARSE when the value is not canonical for its type (upper
 * case, trailing dot, empty label, URL without "scheme://", bad address, wrong hash
 * length); the builder is unchanged then. When the same (type, value) is added twice
 * the entry with the higher score wins. ERR_NOMEM, ERR_LIMIT (over 2^31 entries). */
enum err_code match_builder_add(struct match_builder *b, enum ioc_type t, const char *value,
                                size_t len, int64_t id, double score, struct err *e);

/* Compiles the builder into a snapshot with one reference owned by the caller.
 * Consumes b: it is freed whether this succeeds or not. ERR_NOMEM. */
enum err_code match_builder_finish(struct match_builder *b, struct match_snap **out, struct err *e);

/* ---- snapshots ------------------------------------------------------------------- */

/* Adds a reference (thread-safe); returns s. */
struct match_snap *match_snap_ref(struct match_snap *s);
/* Drops a reference; the last one frees the snapshot. NULL is a no-op. Thread-safe. */
void match_snap_unref(struct match_snap *s);

struct match_snap_stats {
    size_t count[IOC_NTYPES]; /* distinct entries per type */
    size_t entries;           /* all types */
    size_t string_bytes;      /* bytes of the stored values */
    size_t bytes;             /* every byte the snapshot allocated, strings included */
};
void match_snap_stats(const struct match_snap *s, struct match_snap_stats *out);

/* Domain lookup: name[0..len) in any case, one trailing dot allowed. Hits when the name
 * or any parent domain of it is listed; reports the most specific listed one. Does not
 * allocate. false also for names that are not 1..253 bytes of 1..63-byte labels or that
 * hold a space or a control byte. */
bool match_domain(const struct match_snap *s, const char *name, size_t len, struct match_hit *hit);

/* URL lookup: canon_url is a canonical URL (ioc_canon(IOC_URL)). Hits when one of its
 * Safe Browsing expressions (ioc_url_expressions()) equals a listed URL stored without
 * its scheme; reports the first, most specific one. */
bool match_url(const struct match_snap *s, const char *canon_url, struct match_hit *hit);

/* Address lookup: longest listed prefix (ipv4/ipv6 entries are /32 and /128) that
 * contains ip. IPv4 and IPv6 live in the same ip16 space, v4 mapped. */
bool match_ip(const struct match_snap *s, const struct ip16 *ip, struct match_hit *hit);

/* Exact hash lookup: t is IOC_MD5, IOC_SHA1 or IOC_SHA256; hex in any case. */
bool match_hash(const struct match_snap *s, enum ioc_type t, const char *hex, size_t len,
                struct match_hit *hit);

/* ---- the swap point ------------------------------------------------------------ */

/* Creates a swap point holding no snapshot; the caller owns *out. ERR_NOMEM. */
enum err_code match_swap_new(struct match_swap **out, struct err *e);
/* Drops the current snapshot's reference and frees w. No reader may use w any more;
 * snapshots readers acquired stay valid until they unref them. NULL is a no-op. */
void match_swap_free(struct match_swap *w);
/* Makes s (may be NULL) current, taking over the caller's reference, and drops the
 * reference to the previous one. Thread-safe against concurrent acquire/publish. */
void match_swap_publish(struct match_swap *w, struct match_snap *s);
/* Returns a new reference to the current snapshot (NULL if none); the caller unrefs
 * it when done. Thread-safe; never returns a freed snapshot. */
struct match_snap *match_swap_acquire(struct match_swap *w);

/* ---- logs ------------------------------------------------------------------------- */

enum match_format {
    MATCH_FMT_PLAIN,   /* one name, URL or address per line */
    MATCH_FMT_BIND,    /* BIND 9 query log */
    MATCH_FMT_UNBOUND, /* Unbound log-queries */
    MATCH_FMT_ZEEK,    /* Zeek dns.log, TSV with a #fields header */
    MATCH_FMT_SQUID,   /* Squid access.log, native format */
    MATCH_NFORMATS
};
/* "plain", "bind-querylog", "unbound", "zeek-dns", "squid". */
const char *match_format_name(enum match_format f);
bool match_format_parse(const char *name, enum match_format *out);

/* Guesses the format from the first non-empty lines (up to 16) of data[0..len).
 * ERR_PARSE with the reason when no format fits all of them or more than one does. */
enum err_code match_format_detect(const uint8_t *data, size_t len, enum match_format *out,
                                  struct err *e);

/* One hit in a log. Spans point into the scanned data or into the scanner (query,
 * lowercased) and are valid only during the callback. time is the log's own time
 * field, client the client address ("" when the format has none). */
struct match_event {
    uint64_t line; /* 1-based line number */
    const char *time, *client, *query;
    size_t time_len, client_len, query_len;
    struct match_hit hit;
};
/* Return false to stop the scan (match_scan then returns ERR_OK with what was done). */
typedef bool (*match_hit_fn)(void *arg, const struct match_event *ev);
/* Called once per malformed line with a one-line reason (no file name). */
typedef void (*match_bad_fn)(void *arg, uint64_t line, const char *reason);

struct match_counts {
    uint64_t lines;     /* lines read, empty ones included */
    uint64_t queries;   /* names/URLs looked up */
    uint64_t hits;      /* queries that hit */
    uint64_t malformed; /* lines rejected as not of the format */
    uint64_t skipped;   /* well-formed lines that hold no query (headers, other events) */
};

/* Matches every query of the log data[0..len) (need not be NUL-terminated) against s,
 * calling on_hit per hit and on_bad per malformed line (either may be NULL); adds to
 * *counts. Line numbers start at 1. Never allocates per line. ERR_NOMEM only. */
enum err_code match_scan(const struct match_snap *s, enum match_format f, const uint8_t *data,
                         size_t len, match_hit_fn on_hit, match_bad_fn on_bad, void *arg,
                         struct match_counts *counts, struct err *e);

#endif
