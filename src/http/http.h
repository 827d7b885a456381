/* http.h - ooda's HTTP server (libmicrohttpd): routing, bearer-token authentication,
 * TLP-aware JSON APIs. The server runs its own threads; everything it calls through
 * struct http_cfg must be thread-safe. */
#ifndef OODA_HTTP_H
#define OODA_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "match/match.h"
#include "util/util.h"

/* Who a request comes from, as the token verifier says. */
struct http_principal {
    char name[64];
    enum ioc_tlp clearance; /* the most restrictive TLP this caller may receive */
};

/* Verifies a bearer token (token[0..len), untrusted). Fills *who and returns true when
 * the token is valid. Must be thread-safe, must not log the token. */
typedef bool (*http_auth_fn)(void *arg, const char *token, size_t len, struct http_principal *who);

/* What the lookup API tells about an indicator beyond the matcher's verdict. */
struct http_ind_info {
    int64_t id;
    enum ioc_tlp tlp;
    int64_t first_seen, last_seen;
    const char *sources; /* "org/feed,..." or NULL */
    const char *tags;    /* comma-separated or NULL */
};

/* Hash-prefix lists for GET /api/v1/hashes/prefixes and /full (Safe Browsing Update
 * API style). Thread-safe: publish from one thread while the server reads. */
struct http_hashes;
struct http_hashes *http_hashes_new(void); /* NULL when out of memory */
void http_hashes_free(struct http_hashes *h);
/* Publishes a new version: full[0..n) are SHA-256 hashes of listed URL expressions (any
 * order, duplicates allowed). The previous versions stay available for partial updates. */
enum err_code http_hashes_publish(struct http_hashes *h, const uint8_t (*full)[32], size_t n,
                                  struct err *e);

/* The 4-byte prefix of a SHA-256 hash (its first bytes, big-endian), as the prefix
 * lists hold it. */
static inline uint32_t http_prefix_of(const uint8_t *hash)
{
    return (uint32_t)hash[0] << 24 | (uint32_t)hash[1] << 16 | (uint32_t)hash[2] << 8 | hash[3];
}

/* SHA-256 of the prefixes p[0..n) written as 4-byte big-endian strings in order: the
 * checksum the server sends and the client verifies. */
void http_prefix_checksum(const uint32_t *p, size_t n, uint8_t out[32]);

/* The client's copy of the prefix list (ooda check-url). */
struct http_prefix_list {
    char state[17];  /* the server's state it matches, "" when none */
    char update[20]; /* the last response_type applied */
    uint32_t *p;     /* sorted 4-byte prefixes, big-endian values */
    size_t n;
};
/* Frees the prefixes and forgets the state. */
void http_prefix_list_clear(struct http_prefix_list *l);
/* Applies one response of GET /api/v1/hashes/prefixes (JSON text json[0..len), untrusted)
 * to l and checks the result against the response's checksum. On a checksum mismatch
 * after a partial update, l is cleared and *retry set (ask again without a state).
 * ERR_PARSE for a malformed response (l unchanged unless it was a full update). */
enum err_code http_prefix_apply(struct http_prefix_list *l, const char *json, size_t len,
                                bool *retry, struct err *e);
bool http_prefix_has(const struct http_prefix_list *l, uint32_t prefix);

struct http_cfg {
    const char *addr; /* listen address, default "127.0.0.1" */
    uint16_t port;    /* 0: any free port (see http_port) */
    unsigned threads; /* worker threads, default 2 */
    http_auth_fn auth;
    void *auth_arg;
    struct http_hashes *hashes; /* hash-prefix lists (borrowed), or NULL */
    const char *db;             /* the store the orient views read (NULL: the default) */
};

struct http_server; /* opaque */

/* Starts serving. On success the caller owns *out and must http_stop() it. */
enum err_code http_start(const struct http_cfg *cfg, struct http_server **out, struct err *e);
/* Makes snap (the server takes over the caller's reference) and infos[0..n) (copied;
 * any order) what lookups answer from, atomically: requests in flight finish with the
 * previous ones. Thread-safe. */
enum err_code http_publish(struct http_server *s, struct match_snap *snap,
                           const struct http_ind_info *infos, size_t n, struct err *e);
/* Stops the threads and frees the server. NULL is a no-op. */
void http_stop(struct http_server *s);
/* The bound TCP port. */
uint16_t http_port(const struct http_server *s);

#endif
