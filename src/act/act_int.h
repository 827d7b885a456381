/* act_int.h - types shared inside the act module: DNS wire cursor and builder, the
 * sorted name arena behind zones and deltas, TSIG keys, and the query handler the
 * server and the fuzz target both drive. */
#ifndef OODA_ACT_INT_H
#define OODA_ACT_INT_H

#include "act/act.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- DNS constants ------------------------------------------------------------------ */

#define DNS_HDR       12
#define DNS_MSG_MAX   65535
#define DNS_UDP_MAX   512
#define DNS_NAME_WIRE 255 /* max wire length of a name */

enum dns_type {
    DNS_T_A = 1,
    DNS_T_NS = 2,
    DNS_T_CNAME = 5,
    DNS_T_SOA = 6,
    DNS_T_AAAA = 28,
    DNS_T_OPT = 41,
    DNS_T_TSIG = 250,
    DNS_T_IXFR = 251,
    DNS_T_AXFR = 252,
    DNS_T_ANY = 255
};
enum dns_class { DNS_C_IN = 1, DNS_C_ANY = 255 };
enum dns_opcode { DNS_OP_QUERY = 0, DNS_OP_NOTIFY = 4 };
enum dns_rcode {
    DNS_R_NOERROR = 0,
    DNS_R_FORMERR = 1,
    DNS_R_SERVFAIL = 2,
    DNS_R_NXDOMAIN = 3,
    DNS_R_NOTIMP = 4,
    DNS_R_REFUSED = 5,
    DNS_R_NOTAUTH = 9
};
enum tsig_error { TSIG_E_NONE = 0, TSIG_E_BADSIG = 16, TSIG_E_BADKEY = 17, TSIG_E_BADTIME = 18 };

#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100

/* ---- wire parsing (wire.c) ----------------------------------------------------------- */

struct dns_hdr {
    uint16_t id, flags, qd, an, ns, ar;
};

/* Reads a possibly compressed name at *off of msg[0..len) into wire (uncompressed,
 * lowercased, cap DNS_NAME_WIRE) and advances *off past its in-place bytes. Rejects
 * pointers that do not point strictly backwards (so no loop), labels > 63, names >
 * 255, and the reserved label types. Returns the wire length or 0 on error. */
size_t wire_name_read(const uint8_t *msg, size_t len, size_t *off, uint8_t *wire);

bool wire_hdr_read(const uint8_t *msg, size_t len, struct dns_hdr *h);

/* One parsed resource record: owner (uncompressed), and where rdata sits in msg. */
struct dns_rr {
    uint8_t owner[DNS_NAME_WIRE];
    size_t owner_len;
    uint16_t type, cls;
    uint32_t ttl;
    size_t start; /* offset of the owner's first byte */
    size_t rdata; /* offset of rdata */
    uint16_t rdlen;
};
bool wire_rr_read(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr);

/* A parsed query: header, the one question, the IXFR client serial and the TSIG RR
 * (last of the additional section), if any. */
struct dns_query {
    struct dns_hdr h;
    uint8_t qname[DNS_NAME_WIRE];
    size_t qname_len;
    uint16_t qtype, qclass;
    size_t qend; /* offset just past the question */
    bool has_soa;
    uint32_t soa_serial;
    bool has_tsig;
    struct dns_rr tsig;
};
/* Parses a query message. Returns DNS_R_NOERROR or DNS_R_FORMERR. */
enum dns_rcode wire_query_parse(const uint8_t *msg, size_t len, struct dns_query *q);

/* Converts text ("a.b.c" or "a.b.c.", "." or "" for root) to lowercase wire form.
 * Returns the wire length, 0 if the text is not a valid name. */
size_t wire_name_from_text(const char *text, size_t n, uint8_t *wire, size_t cap);
bool wire_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* Writes the wire name as text with a trailing dot into out. */
void wire_name_to_text(const uint8_t *wire, char *out, size_t cap);

static inline uint16_t wire_u16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t wire_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* ---- wire building (wire.c) -------------------------------------------------------- */

/* A message under construction in a caller-owned buffer of cap bytes. Writes past
 * cap set overflow and are dropped; callers check overflow, or mark/rollback. The
 * zone origin is compressed: its first full occurrence is remembered. */
struct dns_builder {
    uint8_t *buf;
    size_t len, cap;
    bool overflow;
    const uint8_t *origin; /* wire form */
    size_t origin_len;
    size_t origin_at; /* offset of a full copy, 0 if none yet */
};
void wire_build_init(struct dns_builder *b, uint8_t *buf, size_t cap, const uint8_t *origin,
                     size_t origin_len);
void wire_put_u8(struct dns_builder *b, uint8_t v);
void wire_put_u16(struct dns_builder *b, uint16_t v);
void wire_put_u32(struct dns_builder *b, uint32_t v);
void wire_put_bytes(struct dns_builder *b, const void *p, size_t n);
void wire_put_hdr(struct dns_builder *b, const struct dns_hdr *h);
/* Writes a name given as relative labels in text ("evil.example", may be empty)
 * followed by the origin (compressed when a copy exists). wildcard prepends "*". */
void wire_put_rel_name(struct dns_builder *b, const char *rel, size_t rel_len, bool wildcard);
/* Writes an absolute wire name; the origin suffix is not searched for. */
void wire_put_name(struct dns_builder *b, const uint8_t *wire, size_t len);
/* Starts an RR (owner already written); returns the rdlength offset for rr_end. */
size_t wire_rr_begin(struct dns_builder *b, uint16_t type, uint16_t cls, uint32_t ttl);
void wire_rr_end(struct dns_builder *b, size_t rdlen_at);
/* Truncates the message back to mark (an earlier len), clearing overflow. */
void wire_rollback(struct dns_builder *b, size_t mark);
/* Patches a 16-bit field at offset at. */
void wire_patch_u16(struct dns_builder *b, size_t at, uint16_t v);

/* ---- name arena (names.c) ---------------------------------------------------------- */

/* A sorted set of owner names, relative to the origin, as text. bytes holds each name
 * as [len u8][len bytes]; off[i] is where name i starts. Sorted by (bytes, len). */
struct names {
    uint8_t *bytes;
    size_t len, cap;
    uint32_t *off;
    size_t n, ncap;
};
void names_init(struct names *a);
void names_fini(struct names *a);
enum err_code names_push(struct names *a, const char *s, size_t n, struct err *e);
static inline const char *names_at(const struct names *a, size_t i, size_t *len)
{
    const uint8_t *p = a->bytes + a->off[i];
    *len = p[0];
    return (const char *)p + 1;
}
int names_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* Sorts and drops duplicates; returns the number dropped. */
enum err_code names_sort_unique(struct names *a, size_t *dups, struct err *e);
bool names_find(const struct names *a, const char *s, size_t n);
/* Removes every name of del (sorted subset) in place, then merges add (sorted,
 * disjoint) in place from the back. */
enum err_code names_apply(struct names *a, const struct names *add, const struct names *del,
                          struct err *e);
size_t names_bytes(const struct names *a);
/* Gives back unused capacity (after a bulk build). */
void names_shrink(struct names *a);
static inline bool names_is_ip(const char *s, size_t n)
{
    return n >= 7 && __builtin_memcmp(s + n - 7, ".rpz-ip", 7) == 0;
}

/* ---- zone and delta (rpz.c) -------------------------------------------------------- */

struct act_rpz_zone {
    uint8_t origin[DNS_NAME_WIRE];
    size_t origin_len;
    char origin_text[ACT_NAME_MAX]; /* with trailing dot */
    uint8_t mname[DNS_NAME_WIRE], rname[DNS_NAME_WIRE], ns[DNS_NAME_WIRE], target[DNS_NAME_WIRE];
    size_t mname_len, rname_len, ns_len, target_len;
    uint32_t serial, ttl;
    struct act_rpz_policy policy;
    struct names names;
};

struct act_rpz_delta {
    struct names add, del;
};

/* The set's content as a fresh name arena (for a first load: no delta is kept). */
enum err_code rpz_set_names(struct act_rpz_set *s, act_rpz_next_fn next, void *arg,
                            struct names *out, struct act_rpz_counts *counts, struct err *e);

/* Writes the SOA RR (owner = origin) with the given serial. */
void rpz_put_soa(struct dns_builder *b, const struct act_rpz_zone *z, uint32_t serial);
void rpz_put_ns(struct dns_builder *b, const struct act_rpz_zone *z);
/* Writes the trigger RR for a relative owner name (wildcard: "*." prepended). */
void rpz_put_trigger(struct dns_builder *b, const struct act_rpz_zone *z, const char *rel,
                     size_t len, bool wildcard);

/* ---- TSIG (tsig.c) --------------------------------------------------------------- */

#define TSIG_MAC_LEN    32
#define TSIG_FUDGE      300
#define TSIG_SECRET_MAX 128

struct tsig_key {
    uint8_t name[DNS_NAME_WIRE];
    size_t name_len;
    uint8_t secret[TSIG_SECRET_MAX];
    size_t secret_len;
};
/* Parsed TSIG rdata (the fields the server needs). */
struct tsig_rdata {
    uint8_t alg[DNS_NAME_WIRE];
    size_t alg_len;
    uint64_t time_signed;
    uint16_t fudge, mac_len, orig_id, error, other_len;
    size_t mac; /* offset of the MAC in the message */
};
/* Decodes base64 (with or without padding); returns the length or -1. */
int tsig_base64_decode(const char *s, uint8_t *out, size_t cap);
enum err_code tsig_key_init(struct tsig_key *k, const char *name, const char *secret_b64,
                            struct err *e);

/* Verifies the TSIG of a request. Returns TSIG_E_NONE when valid and copies the MAC
 * into mac (32 bytes); otherwise the TSIG error code (BADKEY, BADSIG, BADTIME) or -1
 * for a malformed TSIG (FORMERR). now is Unix seconds. */
int tsig_verify_request(const struct tsig_key *k, const uint8_t *msg, size_t len,
                        const struct dns_rr *tsig, int64_t now, uint8_t *mac, struct tsig_rdata *t);
/* Verifies a response (or a later message of a multi-message answer) signed with k,
 * chaining from prev_mac; used by tests and NOTIFY answer checking. */
bool tsig_verify_response(const struct tsig_key *k, const uint8_t *msg, size_t len,
                          const uint8_t *prev_mac, bool timers_only, uint8_t *mac_out);

/* Signs the message in b (TSIG appended, ARCOUNT incremented). prev_mac is the request
 * MAC (first response) or the previous message's MAC (timers_only for later messages
 * of a multi-message answer); NULL for a request. mac_out receives the new MAC (may be
 * NULL). error is the TSIG error; other_time, when not 0, goes in Other Data (BADTIME).
 * Leaves b->overflow set if the TSIG does not fit. */
void tsig_sign(const struct tsig_key *k, struct dns_builder *b, const uint8_t *prev_mac,
               bool timers_only, uint64_t time_signed, uint16_t orig_id, uint16_t error,
               uint64_t other_time, uint8_t *mac_out);
/* Appends an unsigned TSIG (empty MAC) echoing the request's key name and algorithm
 * (both wire form) with the given error (BADKEY/BADSIG); ARCOUNT incremented. */
void tsig_put_unsigned(struct dns_builder *b, const uint8_t *name, size_t name_len,
                       const uint8_t *alg, size_t alg_len, uint64_t time_signed, uint16_t orig_id,
                       uint16_t error);
bool tsig_rdata_parse(const uint8_t *msg, size_t len, const struct dns_rr *rr,
                      struct tsig_rdata *t);
extern const uint8_t tsig_alg_sha256[];
extern const size_t tsig_alg_sha256_len;

/* ---- query handling (answer.c) --------------------------------------------------- */

/* Zone content visible to transfers: the zone plus the bounded delta history. */
struct rpz_hist {
    uint32_t from, to;
    struct act_rpz_delta *d;
};
struct rpz_view {
    struct act_rpz_zone *zone;
    struct rpz_hist *hist; /* oldest first */
    size_t nhist;
    uint64_t generation; /* bumped on each publish */
};

enum xfr_kind { XFR_NONE = 0, XFR_AXFR, XFR_IXFR };

/* Position inside a transfer's record stream. */
struct xfr_state {
    enum xfr_kind kind;
    uint64_t generation;
    uint32_t serial; /* current serial at start */
    uint32_t client; /* IXFR: the client's serial (0 for AXFR) */
    size_t step;     /* IXFR: index into hist */
    int phase;       /* see answer.c */
    size_t i;        /* entry index */
    bool wild;       /* next record is the wildcard of entry i */
    size_t msgs;     /* messages sent */
    bool tsig;       /* sign each message */
    uint8_t mac[TSIG_MAC_LEN];
    uint16_t id;      /* query ID */
    uint16_t orig_id; /* TSIG original ID */
    uint8_t question[DNS_NAME_WIRE + 4];
    size_t question_len;
    uint16_t qtype;
};

/* What answer_query decided. */
enum answer_kind {
    ANSWER_DROP = 0, /* send nothing */
    ANSWER_MSG,      /* out holds one message */
    ANSWER_XFR       /* out holds the first message; continue with answer_xfr_next */
};

struct answer_ctx {
    const struct rpz_view *view;
    const struct tsig_key *key; /* NULL: no TSIG */
    int64_t now;
    bool tcp;
    /* Set for NOTIFY responses from secondaries (QR=1, opcode NOTIFY). */
    bool notify_reply;
    uint16_t notify_id;
    /* one-line reason for the log, when not empty */
    char why[160];
    const char *what; /* "SOA", "AXFR", "IXFR", ... for the log */
};

/* Answers one query message. out has DNS_MSG_MAX bytes; *out_len gets the length
 * (transport framing excluded). On ANSWER_XFR, *x holds the transfer state. */
enum answer_kind answer_query(struct answer_ctx *c, const uint8_t *msg, size_t len, uint8_t *out,
                              size_t *out_len, struct xfr_state *x);
/* Builds the next message of a transfer; returns false when it is finished (nothing
 * written) or aborted because the zone changed (x->kind set to XFR_NONE, c->why). */
bool answer_xfr_next(struct answer_ctx *c, struct xfr_state *x, uint8_t *out, size_t *out_len);

/* Builds a NOTIFY for the zone at serial into out; returns its length. */
size_t answer_notify(const struct act_rpz_zone *z, uint16_t id, const struct tsig_key *key,
                     int64_t now, uint8_t *out, size_t cap);

#endif
