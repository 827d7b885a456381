/* jscan.h - private to observe/: a validating single-pass scanner for one JSON object
 * (one line of EVE, Cowrie or Zeek JSON) that reports only the values at registered key
 * paths, as spans into the input.
 *
 * Why not cJSON: building a DOM for every line costs more than the whole ingest budget
 * (docs/orient-design.md, bench/eve.sh prints both rates). The scanner still checks the
 * whole line against RFC 8259 and UTF-8, so a line it accepts is one a full parser
 * accepts, with the same values (fuzz_jscan checks this against cJSON).
 *
 * Key paths are a tree of tables: a key with `sub` descends into an object value (or
 * into each object element of an array value); a key without `sub` captures its value.
 * The first occurrence of a path wins. Nothing allocates; thread-safe. */
#ifndef OODA_OBSERVE_JSCAN_H
#define OODA_OBSERVE_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSCAN_DEPTH_MAX 64

enum jscan_type { JS_NONE = 0, JS_STR, JS_NUM, JS_TRUE, JS_FALSE, JS_NULL, JS_OBJ, JS_ARR };

/* A captured value: for strings p/len exclude the quotes and `esc` says whether the raw
 * span holds escapes (jscan_unescape then gives the text); for numbers and literals the
 * raw token; for objects and arrays the whole raw value. */
struct jscan_val {
    const char *p;
    uint32_t len;
    uint8_t type; /* enum jscan_type; JS_NONE: absent */
    bool esc;
};

struct jscan_keys;
struct jscan_key {
    const char *name;
    uint8_t len; /* strlen(name) */
    uint8_t id;  /* index into the caller's value array (captures only) */
    const struct jscan_keys *sub;
};
struct jscan_keys {
    const struct jscan_key *k;
    uint32_t n;
};

/* Scans [p, p + n) as exactly one JSON object (surrounding whitespace allowed).
 * vals[0..nvals) are cleared, then filled for the registered paths. On a grammar or
 * encoding error returns false with *err_off the byte offset and *reason a static
 * message. */
bool jscan_object(const char *p, size_t n, const struct jscan_keys *root, struct jscan_val *vals,
                  size_t nvals, size_t *err_off, const char **reason);

/* The text of a string value (escapes resolved, UTF-8) into out[0..cap); returns its
 * length, or SIZE_MAX when it does not fit. v must come from a successful scan. */
size_t jscan_unescape(const struct jscan_val *v, char *out, size_t cap);

/* A number value as an unsigned integer: false unless it is one that fits. */
bool jscan_u64(const struct jscan_val *v, uint64_t *out);

#endif
