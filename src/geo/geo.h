/* geo.h - IP address to country (MaxMind DB via libmaxminddb) and to ASN (sorted
 * ranges loaded from the @ip-location-db/asn CSV files).
 * A geo handle is immutable once opened: lookups may run on any thread. */
#ifndef OODA_GEO_H
#define OODA_GEO_H

#include "util/util.h"

struct geo; /* opaque */

struct geo_info {
    char country[3]; /* ISO 3166 alpha-2, "ZZ" when unknown */
    uint32_t asn;    /* 0 when unknown */
};

/* Opens the data in dir, or, when dir is NULL, in $OODA_GEO_DIR, the installed data
 * directory or the source tree's node_modules/@ip-location-db, first found wins.
 * dir must hold geo-whois-asn-country-mmdb/ and asn/. On success the caller owns *out. */
enum err_code geo_open(const char *dir, struct geo **out, struct err *e);
void geo_close(struct geo *g); /* NULL is a no-op */

/* Looks up ip; always fills *info (unknown values when not found). */
void geo_lookup(const struct geo *g, const struct ip16 *ip, struct geo_info *info);
/* The same; *whole24 says ip is IPv4 and every address of its /24 gets the same answer,
 * so a caller may cache the answer per /24. */
void geo_lookup_block(const struct geo *g, const struct ip16 *ip, struct geo_info *info,
                      bool *whole24);

/* Name of the AS (from the CSV), or "" when unknown. The string lives as long as g. */
const char *geo_asn_name(const struct geo *g, uint32_t asn);

/* Directory actually opened. */
const char *geo_dir(const struct geo *g);

#endif
