/* feed_int.h - private to observe/: the contract between the feed formats' parsers
 * (feed_<format>.c) and the feed pull logic (feed.c) that canonicalises, allowlists
 * and stores what they emit.
 *
 * A parser never canonicalises and never touches the store: it turns bytes into raw
 * entries and per-record rejections, and keeps going after a bad record. */
#ifndef OODA_FEED_INT_H
#define OODA_FEED_INT_H

#include "ioc/ioc.h"
#include "util/util.h"

/* One entry a feed lists, before canonicalisation. Pointers are valid during the
 * callback only. */
struct feed_entry {
    enum ioc_type type;   /* meaningful when type_known */
    bool type_known;      /* false: the caller guesses with ioc_guess */
    const char *value;    /* raw value, not NUL-terminated */
    size_t len;
    int64_t seen;         /* the feed's own time of the entry, Unix seconds (0: none) */
    int64_t valid_until;  /* 0: none */
    int confidence;       /* 0..100, or -1 for the feed's default */
    int tlp;              /* enum ioc_tlp, or -1 for the feed's default */
    const char *tags;     /* comma-separated, NUL-terminated, or NULL */
    const char *where;    /* file name (or URL) for messages */
    uint64_t line;        /* 1-based line, or record number where lines mean nothing */
};

struct feed_sink {
    /* Returns false to stop the parse (the parser then returns ERR_OK). */
    bool (*entry)(void *arg, const struct feed_entry *en);
    /* A bad record: where:line and a one-line reason. The parse continues. */
    void (*reject)(void *arg, const char *where, uint64_t line, const char *reason);
    void *arg;
};

/* Every parser: data[0..len) is one whole file, where names it in messages. ERR_PARSE
 * (with the reason in e) only when the file as a whole is unusable (not JSON at all,
 * not a MISP event, ...); bad records go to sink->reject. */
enum err_code feed_parse_plain(const char *data, size_t len, const char *where,
                               const struct feed_sink *sink, struct err *e);
/* columns: "value=1,type=2,seen=3,tags=4" style 1-based column map (value required);
 * a header line is skipped when its value column does not parse as an indicator. */
enum err_code feed_parse_csv(const char *data, size_t len, const char *columns,
                             const char *where, const struct feed_sink *sink, struct err *e);
enum err_code feed_parse_urlhaus(const char *data, size_t len, const char *where,
                                 const struct feed_sink *sink, struct err *e);
/* One MISP event file ({"Event": {...}}); attributes and object attributes. */
enum err_code feed_parse_misp_event(const char *data, size_t len, const char *where,
                                    const struct feed_sink *sink, struct err *e);
/* A MISP manifest.json: calls fn with each event uuid (36 chars, validated). */
typedef bool (*feed_uuid_fn)(void *arg, const char *uuid);
enum err_code feed_parse_misp_manifest(const char *data, size_t len, const char *where,
                                       feed_uuid_fn fn, void *arg, struct err *e);
/* A STIX 2.1 bundle: indicator objects with simple equality patterns. */
enum err_code feed_parse_stix(const char *data, size_t len, const char *where,
                              const struct feed_sink *sink, struct err *e);

/* Helpers of the JSON formats (defined in feed_misp.c, used by feed_stix.c too). */
struct cJSON;
/* Longest tags string a JSON parser hands over; further tags are dropped whole. */
#define FEED_TAGS_MAX 1024
/* Parses data[0..len) (need not be NUL-terminated) as one JSON value followed only by
 * white space. On error returns ERR_PARSE with "where: not JSON: ... at byte N" in e.
 * On success the caller owns *out (cJSON_Delete). */
enum err_code feed_json_parse(const char *data, size_t len, const char *where,
                              struct cJSON **out, struct err *e);
/* A time field: JSON null or absent item is 0 (none); a number or a string of decimal
 * digits is Unix seconds; a string starting "YYYY-" is RFC 3339 or a date. Returns
 * false when the item is present but none of these, or before 1970. */
bool feed_json_time(const struct cJSON *item, int64_t *out);
/* Appends tag name to tags[0..*n) (cap FEED_TAGS_MAX), comma-separated, commas inside
 * the name written as ';', control bytes dropped. A tag that does not fit is skipped. */
void feed_tags_add(char *tags, size_t *n, const char *name);

/* A csv column map: 1-based column of each field, 0 when absent. */
enum feed_col {
    FEED_COL_VALUE,
    FEED_COL_TYPE,
    FEED_COL_SEEN,
    FEED_COL_TAGS,
    FEED_COL_CONF,
    FEED_COL_TLP,
    FEED_COL_VALID,
    FEED_COL_N
};
struct feed_columns {
    int col[FEED_COL_N];
};
/* Parses "value=1,type=2,..." (names value, type, seen, tags, confidence, tlp,
 * valid_until; value required); NULL or "" means value=1. ERR_USAGE with the reason. */
enum err_code feed_columns_parse(const char *map, struct feed_columns *m, struct err *e);

/* Reads a feed location into out: a local path, or an http(s):// URL (libcurl,
 * bounded time and size). */
enum err_code feed_fetch(const char *location, struct buf *out, struct err *e);
/* Whether a location is an http:// or https:// URL (else a local path). */
bool feed_location_is_url(const char *location);

#endif
