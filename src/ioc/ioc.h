/* ioc.h - indicators of compromise: types, canonical forms, Safe Browsing URL
 * expressions and the decaying score. Pure functions on caller buffers: no I/O, no
 * global state, safe on any thread.
 *
 * The canonical form is the one key an indicator has everywhere (store, matcher, RPZ,
 * APIs): two inputs denote the same indicator exactly when their canonical forms are
 * equal. See docs/indicators.md for the rules of each type. */
#ifndef OODA_IOC_H
#define OODA_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum ioc_type {
    IOC_IPV4,
    IOC_IPV6,
    IOC_CIDR, /* v4 or v6 prefix, host bits must be zero after canonicalisation */
    IOC_DOMAIN,
    IOC_URL,
    IOC_MD5,
    IOC_SHA1,
    IOC_SHA256,
    IOC_EMAIL,
    IOC_ASN,
    IOC_NTYPES
};

/* Longest canonical value of any type (a URL); longer input is rejected. */
#define IOC_VALUE_MAX 4096
#define IOC_NAME_MAX 253  /* DNS name, without the trailing dot */
#define IOC_LABEL_MAX 63

/* "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256", "email", "asn". */
const char *ioc_type_name(enum ioc_type t);
/* Parses a type name as above; false if unknown. */
bool ioc_type_parse(const char *name, enum ioc_type *out);

/* Writes the canonical form of in[0..len) as type t into out (NUL-terminated, at most
 * cap bytes with the NUL). in need not be NUL-terminated and may hold any bytes.
 * Returns ERR_OK, or ERR_PARSE with a one-line reason in e (invalid UTF-8, IDNA
 * error, overlong name or label, bad CIDR, wrong hash length, empty input, input over
 * IOC_VALUE_MAX bytes, ...), or ERR_LIMIT when the result does not fit cap (then, as
 * on any error, out is ""). e may be NULL. A canonical form is at most
 * IOC_VALUE_MAX - 1 bytes and is a fixed point (canonicalising it again gives it
 * back). Only non-ASCII domain names and URL hosts call libidn2 (which allocates);
 * nothing else allocates. Rules:
 *   ipv4       dotted quad, four decimal octets without leading zeros.
 *   ipv6       RFC 5952 text (inet_ntop); an IPv4-mapped address stays ipv6.
 *   cidr       "addr/len", host bits set is an error; /32 and /128 stay cidr.
 *   domain     lowercased, trailing dot removed, U-labels to punycode (IDNA2008 via
 *              libidn2, transitional processing off), name <= 253, labels 1..63,
 *              letters/digits/hyphen/underscore only.
 *   url        Safe Browsing canonicalisation (see docs/indicators.md):
 *              scheme://host/path[?query]; the port and userinfo are dropped, as in
 *              the specification's examples.
 *   md5/sha1/sha256  lowercase hex of exactly 32/40/64 digits.
 *   email      local part kept as is, domain part canonicalised as a domain.
 *   asn        decimal without "AS" prefix, 0 < n < 2^32 ("AS1.10" asdot accepted). */
enum err_code ioc_canon(enum ioc_type t, const char *in, size_t len, char *out, size_t cap,
                        struct err *e);

/* Guesses the type of a raw value the way feeds and lookups need: URL if it has a
 * scheme; CIDR if it is "address/digits"; URL if it has another '/'; else IP, hash by
 * hex length, email by '@', "AS<n>", domain (with a dot, last label not all digits).
 * The exact order is in docs/indicators.md. Returns false if nothing fits. */
bool ioc_guess(const char *in, size_t len, enum ioc_type *out);

/* Safe Browsing expressions of a canonical URL (as ioc_canon(IOC_URL) writes it): up
 * to 5 host suffixes x up to 6 path prefixes (IOC_URL_EXPR_MAX), each
 * "host/path[?query]" without the scheme, NUL-terminated, valid during the call only.
 * Order: hosts most specific first; for each host the path with query, without query,
 * then "/", "/a/", "/a/b/"... as in the specification's examples; duplicates skipped.
 * Calls fn once per expression; stops early and returns false if fn returns false.
 * Returns false without calling fn if canon_url has no "scheme://host/". */
#define IOC_URL_EXPR_MAX 30
typedef bool (*ioc_expr_fn)(const char *expr, size_t len, void *arg);
bool ioc_url_expressions(const char *canon_url, ioc_expr_fn fn, void *arg);

/* TLP 2.0 levels, least to most restrictive. */
enum ioc_tlp { IOC_TLP_CLEAR, IOC_TLP_GREEN, IOC_TLP_AMBER, IOC_TLP_AMBER_STRICT, IOC_TLP_RED };
/* "clear", "green", "amber", "amber+strict", "red". */
const char *ioc_tlp_name(enum ioc_tlp t);
/* Parses the names above, case-insensitive, with or without a "tlp:" prefix; "white" is
 * TLP 1.0's name for clear. false if unknown. */
bool ioc_tlp_parse(const char *name, size_t len, enum ioc_tlp *out);

/* MISP-style polynomial decay: base * (1 - (t/tau)^(1/delta)), clamped to [0, base];
 * t = seconds since the last sighting (negative counts as 0), tau > 0, delta > 0.
 * t >= tau gives 0; tau <= 0, delta <= 0, base <= 0 or a NaN argument give 0. */
double ioc_score(double base, double t, double tau, double delta);

#endif
