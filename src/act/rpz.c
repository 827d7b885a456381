/* rpz.c - RPZ zones: entries to trigger owner names, loading, deltas between versions,
 * in-place application, the RFC 1035 zone file, and the records a trigger makes.
 *
 * A zone keeps only the owner names of its triggers, relative to the origin, in a
 * sorted name arena (names.c): a domain is stored once ("evil.example") and yields two
 * records on output (evil.example and *.evil.example), a prefix is stored as its rpz-ip
 * name. Records are generated while writing, never stored. Sorting an entry list
 * uses a transient key array (16 bytes an entry) pointing into the caller's strings,
 * plus the rpz-ip names of prefixes, so no per-entry allocation happens. Entry sets
 * (act_rpz_set_*) take domains back from the caller in zone order and merge them with
 * their sorted prefixes into a zone file, a delta or a fresh arena, holding nothing per
 * domain. Zone files go out through one 1 MiB buffer, without per-record formatting. */
#include "act/act_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LOG_ACT "act"

static const char *const policy_names[] = {"nxdomain", "nodata", "passthru", "drop"};
static const char *const policy_targets[] = {".", "*.", "rpz-passthru.", "rpz-drop."};

enum err_code act_rpz_policy_parse(const char *s, struct act_rpz_policy *out, struct err *e)
{
    uint8_t wire[DNS_NAME_WIRE];

    memset(out, 0, sizeof(*out));
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, policy_names[i]) == 0) {
            out->action = (enum act_rpz_action)i;
            return ERR_OK;
        }
    }
    if (strncmp(s, "cname:", 6) != 0)
        return err_set(e, ERR_PARSE, "act: unknown policy '%.40s'", s);
    s += 6;
    if (wire_name_from_text(s, strlen(s), wire, sizeof(wire)) <= 1)
        return err_set(e, ERR_PARSE, "act: bad CNAME target '%.60s'", s);
    out->action = ACT_RPZ_CNAME;
    wire_name_to_text(wire, out->cname, sizeof(out->cname));
    return ERR_OK;
}

static enum err_code name_field(const char *text, const char *def, uint8_t *wire, size_t *len,
                                const char *what, struct err *e)
{
    const char *t = text != NULL ? text : def;

    *len = wire_name_from_text(t, strlen(t), wire, DNS_NAME_WIRE);
    if (*len == 0)
        return err_set(e, ERR_PARSE, "act: bad %s '%.60s'", what, t);
    return ERR_OK;
}

enum err_code act_rpz_zone_new(const struct act_rpz_zone_config *cfg, struct act_rpz_zone **out,
                               struct err *e)
{
    struct act_rpz_zone *z;
    enum err_code rc;
    const char *target;

    *out = NULL;
    if (cfg->origin == NULL)
        return err_set(e, ERR_USAGE, "act: zone origin missing");
    z = mem_calloc(1, sizeof(*z));
    if (z == NULL)
        return err_set(e, ERR_NOMEM, "act: cannot allocate zone");
    names_init(&z->names);
    z->policy = cfg->policy;
    target =
        z->policy.action == ACT_RPZ_CNAME ? z->policy.cname : policy_targets[z->policy.action % 4];
    rc = name_field(cfg->origin, NULL, z->origin, &z->origin_len, "origin", e);
    if (rc == ERR_OK && z->origin_len <= 1)
        rc = err_set(e, ERR_PARSE, "act: origin may not be the root");
    if (rc == ERR_OK)
        rc = name_field(cfg->mname, "localhost.", z->mname, &z->mname_len, "SOA MNAME", e);
    if (rc == ERR_OK)
        rc = name_field(cfg->rname, "hostmaster.localhost.", z->rname, &z->rname_len, "SOA RNAME",
                        e);
    if (rc == ERR_OK)
        rc = name_field(cfg->ns, "localhost.", z->ns, &z->ns_len, "NS", e);
    if (rc == ERR_OK)
        rc = name_field(target, NULL, z->target, &z->target_len, "CNAME target", e);
    if (rc != ERR_OK) {
        act_rpz_zone_free(z);
        return rc;
    }
    wire_name_to_text(z->origin, z->origin_text, sizeof(z->origin_text));
    z->serial = cfg->serial != 0 ? cfg->serial : 1;
    z->ttl = cfg->ttl != 0 ? cfg->ttl : 300;
    *out = z;
    return ERR_OK;
}

void act_rpz_zone_free(struct act_rpz_zone *z)
{
    if (z == NULL)
        return;
    names_fini(&z->names);
    mem_free(z);
}

uint32_t act_rpz_zone_serial(const struct act_rpz_zone *z)
{
    return z->serial;
}

size_t act_rpz_zone_count(const struct act_rpz_zone *z)
{
    return z->names.n;
}

size_t act_rpz_zone_bytes(const struct act_rpz_zone *z)
{
    return names_bytes(&z->names);
}

/* ---- entries to owner names --------------------------------------------------- */

/* Bytes of a canonical domain label: lowercase letters, digits, '-', '_'. */
static const bool domain_chars[256] = {
    ['a' ... 'z'] = true, ['0' ... '9'] = true, ['-'] = true, ['_'] = true};

/* Validates a canonical domain; returns a reason or NULL. One pass, a table lookup a
 * byte: runs once per listed domain of an export. */
static const char *domain_check(const char *s, size_t n)
{
    size_t label = 0, last = 0;

    if (n == 0)
        return "empty";
    if (n > 253)
        return "longer than 253 bytes";
    for (size_t i = 0; i < n; i++) {
        if (domain_chars[(uint8_t)s[i]]) {
            if (++label > 63)
                return "label longer than 63 bytes";
            continue;
        }
        if (s[i] != '.')
            return "not a canonical domain (lowercase letters, digits, '-', '_', '.')";
        if (label == 0)
            return "empty label";
        label = 0;
        last = i + 1;
    }
    if (label == 0)
        return "trailing dot";
    if (n - last >= 4 && memcmp(s + last, "rpz-", 4) == 0)
        return "ends in a reserved rpz- label";
    return NULL;
}

static int v6_owner(const struct cidr *c, char *out, size_t cap)
{
    uint16_t g[8];
    int best = -1, best_len = 1, o;

    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)((c->net.b[2 * i] << 8) | c->net.b[2 * i + 1]);
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    o = snprintf(out, cap, "%u", c->len);
    for (int i = 7; i >= 0 && o > 0 && (size_t)o < cap; i--) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                o += snprintf(out + o, cap - (size_t)o, ".zz");
            continue;
        }
        o += snprintf(out + o, cap - (size_t)o, ".%x", g[i]);
    }
    return o;
}

/* Converts a prefix to its rpz-ip owner name; returns the length or 0 with e. */
static size_t cidr_owner(const char *s, char *out, size_t cap, struct err *e)
{
    struct cidr c;
    int o;

    struct err ce;

    if (cidr_parse(s, &c, &ce) != ERR_OK) {
        err_set(e, ERR_PARSE, "act: not an address prefix with zero host bits");
        return 0;
    }
    if (ip16_is_v4(&c.net) && c.len >= 96) {
        if (c.len == 96) {
            err_set(e, ERR_PARSE, "act: prefix length 0 not allowed");
            return 0;
        }
        o = snprintf(out, cap, "%u.%u.%u.%u.%u", c.len - 96, c.net.b[15], c.net.b[14], c.net.b[13],
                     c.net.b[12]);
    } else {
        if (c.len == 0) {
            err_set(e, ERR_PARSE, "act: prefix length 0 not allowed");
            return 0;
        }
        o = v6_owner(&c, out, cap);
    }
    if (o < 0 || (size_t)o + 8 > cap) {
        err_set(e, ERR_LIMIT, "act: owner name too long");
        return 0;
    }
    memcpy(out + o, ".rpz-ip", 8);
    return (size_t)o + 7;
}

static bool looks_like_ip(const char *s, size_t n)
{
    const char *last;

    if (memchr(s, '/', n) != NULL || memchr(s, ':', n) != NULL)
        return true;
    last = memrchr(s, '.', n);
    last = last != NULL ? last + 1 : s;
    for (; last < s + n; last++)
        if (*last < '0' || *last > '9')
            return false;
    return true;
}

enum err_code act_rpz_owner(const char *entry, char *out, size_t cap, struct err *e)
{
    size_t n = strlen(entry);
    const char *why;

    if (looks_like_ip(entry, n))
        return cidr_owner(entry, out, cap, e) > 0 ? ERR_OK : ERR_PARSE;
    why = domain_check(entry, n);
    if (why != NULL)
        return err_set(e, ERR_PARSE, "act: '%.60s': %s", entry, why);
    if (n + 1 > cap)
        return err_set(e, ERR_LIMIT, "act: output buffer too small");
    memcpy(out, entry, n + 1);
    return ERR_OK;
}

/* ---- sorting entry lists ---------------------------------------------------------- */

/* A sort key: p points at the caller's domain string, or (ip set) at an offset into
 * the side arena of rpz-ip names, resolved once all names are pushed. */
struct key {
    const char *p;
    uint32_t len;
    uint32_t ip_off; /* UINT32_MAX for domains */
    uint64_t pre;    /* first 8 bytes big-endian, zero-padded: most comparisons end here */
};

struct keyset {
    struct key *k;
    size_t n;
    struct names ips; /* rpz-ip owner names of prefixes */
};

static void keyset_fini(struct keyset *ks)
{
    mem_free(ks->k);
    names_fini(&ks->ips);
}

/* Same order as names_cmp (bytes, then length): names hold no NUL, so zero padding
 * sorts a proper prefix first, as the length rule does. */
static int key_cmp(const void *x, const void *y)
{
    const struct key *a = x, *b = y;

    if (a->pre != b->pre)
        return a->pre < b->pre ? -1 : 1;
    return names_cmp(a->p, a->len, b->p, b->len);
}

static uint64_t key_prefix(const char *p, uint32_t len)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < 8; i++)
        v = v << 8 | (i < len ? (uint8_t)p[i] : 0);
    return v;
}

/* One entry to a key; invalid entries are logged and counted. */
static enum err_code key_add(struct keyset *ks, const char *entry, size_t idx, size_t origin_len,
                             struct act_rpz_counts *cnt, struct err *e)
{
    char owner[ACT_NAME_MAX];
    struct err ne;
    size_t n = strlen(entry);
    const char *why = NULL;

    if (looks_like_ip(entry, n)) {
        size_t l = cidr_owner(entry, owner, sizeof(owner), &ne);
        if (l == 0) {
            char esc[80];
            log_warn(LOG_ACT, "entry %zu: '%s': %s", idx,
                     log_escape((const uint8_t *)entry, n < 60 ? n : 60, esc, sizeof(esc)),
                     ne.msg + 5); /* without the "act: " prefix */
            cnt->rejected++;
            return ERR_OK;
        }
        struct key *k = &ks->k[ks->n++];
        k->ip_off = (uint32_t)ks->ips.len;
        k->len = (uint32_t)l;
        return names_push(&ks->ips, owner, l, e);
    }
    why = domain_check(entry, n);
    if (why == NULL && n + 1 + origin_len + 2 > DNS_NAME_WIRE)
        why = "too long under the zone origin";
    if (why != NULL) {
        char esc[80];
        log_warn(LOG_ACT, "entry %zu: '%s': %s", idx,
                 log_escape((const uint8_t *)entry, n < 60 ? n : 60, esc, sizeof(esc)), why);
        cnt->rejected++;
        return ERR_OK;
    }
    ks->k[ks->n++] = (struct key){entry, (uint32_t)n, UINT32_MAX, 0};
    return ERR_OK;
}

/* Builds the sorted, duplicate-free key set of entries. */
static enum err_code keyset_build(struct keyset *ks, const char *const *entries, size_t n,
                                  size_t origin_len, struct act_rpz_counts *cnt, struct err *e)
{
    enum err_code rc;
    size_t w = 0;

    memset(ks, 0, sizeof(*ks));
    names_init(&ks->ips);
    ks->k = mem_alloc((n > 0 ? n : 1) * sizeof(struct key));
    if (ks->k == NULL)
        return err_set(e, ERR_NOMEM, "act: cannot allocate %zu sort keys", n);
    for (size_t i = 0; i < n; i++) {
        if (entries[i] == NULL) {
            cnt->rejected++;
            continue;
        }
        rc = key_add(ks, entries[i], i, origin_len, cnt, e);
        if (rc != ERR_OK)
            return rc;
    }
    for (size_t i = 0; i < ks->n; i++) {
        if (ks->k[i].ip_off != UINT32_MAX)
            ks->k[i].p = (const char *)ks->ips.bytes + ks->k[i].ip_off + 1;
        ks->k[i].pre = key_prefix(ks->k[i].p, ks->k[i].len);
    }
    qsort(ks->k, ks->n, sizeof(struct key), key_cmp);
    for (size_t i = 0; i < ks->n; i++) {
        if (w > 0 && key_cmp(&ks->k[w - 1], &ks->k[i]) == 0) {
            cnt->duplicates++;
            continue;
        }
        ks->k[w++] = ks->k[i];
    }
    ks->n = w;
    cnt->accepted = w;
    return ERR_OK;
}

enum err_code act_rpz_zone_load(struct act_rpz_zone *z, const char *const *entries, size_t n,
                                struct act_rpz_counts *counts, struct err *e)
{
    struct act_rpz_counts cnt = {0};
    struct keyset ks;
    struct names fresh;
    enum err_code rc;

    names_init(&fresh);
    rc = keyset_build(&ks, entries, n, z->origin_len, &cnt, e);
    for (size_t i = 0; rc == ERR_OK && i < ks.n; i++)
        rc = names_push(&fresh, ks.k[i].p, ks.k[i].len, e);
    keyset_fini(&ks);
    if (rc != ERR_OK) {
        names_fini(&fresh);
        return rc;
    }
    names_shrink(&fresh);
    names_fini(&z->names);
    z->names = fresh;
    if (counts != NULL)
        *counts = cnt;
    return ERR_OK;
}

/* ---- deltas ------------------------------------------------------------------------ */

static struct act_rpz_delta *delta_alloc(struct err *e)
{
    struct act_rpz_delta *d = mem_calloc(1, sizeof(*d));

    if (d == NULL) {
        err_set(e, ERR_NOMEM, "act: cannot allocate delta");
        return NULL;
    }
    names_init(&d->add);
    names_init(&d->del);
    return d;
}

void act_rpz_delta_free(struct act_rpz_delta *d)
{
    if (d == NULL)
        return;
    names_fini(&d->add);
    names_fini(&d->del);
    mem_free(d);
}

/* Merges the sorted keys against the zone: keys not in z are added, names of z not in
 * the keys are removed. */
static enum err_code delta_merge(const struct names *cur, const struct keyset *ks,
                                 struct act_rpz_delta *d, struct err *e)
{
    size_t i = 0, j = 0;
    enum err_code rc = ERR_OK;

    while (rc == ERR_OK && (i < cur->n || j < ks->n)) {
        size_t l = 0;
        const char *s = i < cur->n ? names_at(cur, i, &l) : NULL;
        int c = s == NULL ? 1 : j >= ks->n ? -1 : names_cmp(s, l, ks->k[j].p, ks->k[j].len);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            rc = names_push(&d->del, s, l, e);
            i++;
        } else {
            rc = names_push(&d->add, ks->k[j].p, ks->k[j].len, e);
            j++;
        }
    }
    return rc;
}

enum err_code act_rpz_delta_compute(const struct act_rpz_zone *z, const char *const *entries,
                                    size_t n, struct act_rpz_delta **out,
                                    struct act_rpz_counts *counts, struct err *e)
{
    struct act_rpz_counts cnt = {0};
    struct keyset ks;
    struct act_rpz_delta *d;
    enum err_code rc;

    *out = NULL;
    d = delta_alloc(e);
    if (d == NULL)
        return ERR_NOMEM;
    rc = keyset_build(&ks, entries, n, z->origin_len, &cnt, e);
    if (rc == ERR_OK)
        rc = delta_merge(&z->names, &ks, d, e);
    keyset_fini(&ks);
    if (rc != ERR_OK) {
        act_rpz_delta_free(d);
        return rc;
    }
    if (counts != NULL)
        *counts = cnt;
    *out = d;
    return ERR_OK;
}

/* Keeps the keys whose presence in cur equals want_present, into dst. */
static enum err_code filter_keys(const struct names *cur, const struct keyset *ks,
                                 bool want_present, struct names *dst, struct err *e)
{
    enum err_code rc = ERR_OK;

    for (size_t i = 0; rc == ERR_OK && i < ks->n; i++)
        if (names_find(cur, ks->k[i].p, ks->k[i].len) == want_present)
            rc = names_push(dst, ks->k[i].p, ks->k[i].len, e);
    return rc;
}

enum err_code act_rpz_delta_from_changes(const struct act_rpz_zone *z, const char *const *add,
                                         size_t n_add, const char *const *del, size_t n_del,
                                         struct act_rpz_delta **out, struct act_rpz_counts *counts,
                                         struct err *e)
{
    struct act_rpz_counts cnt = {0}, cdel = {0};
    struct keyset ka, kd;
    struct act_rpz_delta *d;
    enum err_code rc;

    *out = NULL;
    d = delta_alloc(e);
    if (d == NULL)
        return ERR_NOMEM;
    rc = keyset_build(&ka, add, n_add, z->origin_len, &cnt, e);
    if (rc == ERR_OK)
        rc = keyset_build(&kd, del, n_del, z->origin_len, &cdel, e);
    else
        memset(&kd, 0, sizeof(kd));
    /* a name both added and removed: the removal wins */
    for (size_t i = 0; rc == ERR_OK && i < ka.n; i++) {
        if (bsearch(&ka.k[i], kd.k, kd.n, sizeof(struct key), key_cmp) != NULL)
            continue;
        if (!names_find(&z->names, ka.k[i].p, ka.k[i].len))
            rc = names_push(&d->add, ka.k[i].p, ka.k[i].len, e);
    }
    if (rc == ERR_OK)
        rc = filter_keys(&z->names, &kd, true, &d->del, e);
    keyset_fini(&ka);
    keyset_fini(&kd);
    if (rc != ERR_OK) {
        act_rpz_delta_free(d);
        return rc;
    }
    cnt.accepted += cdel.accepted;
    cnt.rejected += cdel.rejected;
    cnt.duplicates += cdel.duplicates;
    if (counts != NULL)
        *counts = cnt;
    *out = d;
    return ERR_OK;
}

size_t act_rpz_delta_added(const struct act_rpz_delta *d)
{
    return d->add.n;
}

size_t act_rpz_delta_removed(const struct act_rpz_delta *d)
{
    return d->del.n;
}

const char *act_rpz_delta_added_at(const struct act_rpz_delta *d, size_t i, size_t *len)
{
    return names_at(&d->add, i, len);
}

const char *act_rpz_delta_removed_at(const struct act_rpz_delta *d, size_t i, size_t *len)
{
    return names_at(&d->del, i, len);
}

enum err_code act_rpz_zone_apply(struct act_rpz_zone *z, const struct act_rpz_delta *d,
                                 uint32_t serial, struct err *e)
{
    enum err_code rc = names_apply(&z->names, &d->add, &d->del, e);

    if (rc == ERR_OK)
        z->serial = serial;
    return rc;
}

/* ---- output -------------------------------------------------------------------- */

void rpz_put_soa(struct dns_builder *b, const struct act_rpz_zone *z, uint32_t serial)
{
    size_t at;

    wire_put_rel_name(b, "", 0, false);
    at = wire_rr_begin(b, DNS_T_SOA, DNS_C_IN, z->ttl);
    wire_put_name(b, z->mname, z->mname_len);
    wire_put_name(b, z->rname, z->rname_len);
    wire_put_u32(b, serial);
    wire_put_u32(b, ACT_SOA_REFRESH);
    wire_put_u32(b, ACT_SOA_RETRY);
    wire_put_u32(b, ACT_SOA_EXPIRE);
    wire_put_u32(b, ACT_SOA_MINIMUM);
    wire_rr_end(b, at);
}

void rpz_put_ns(struct dns_builder *b, const struct act_rpz_zone *z)
{
    size_t at;

    wire_put_rel_name(b, "", 0, false);
    at = wire_rr_begin(b, DNS_T_NS, DNS_C_IN, z->ttl);
    wire_put_name(b, z->ns, z->ns_len);
    wire_rr_end(b, at);
}

void rpz_put_trigger(struct dns_builder *b, const struct act_rpz_zone *z, const char *rel,
                     size_t len, bool wildcard)
{
    size_t at;

    wire_put_rel_name(b, rel, len, wildcard);
    at = wire_rr_begin(b, DNS_T_CNAME, DNS_C_IN, z->ttl);
    wire_put_name(b, z->target, z->target_len);
    wire_rr_end(b, at);
}

/* ---- entry sets too large to sort in memory ---------------------------------------- */

/* Domains are given twice: once to classify (any order), then again in names order by
 * the caller's pull function; prefixes are kept here as rpz-ip names and sorted once. */
struct act_rpz_set {
    size_t origin_len; /* wire length of the zone origin */
    size_t idx;        /* entries added so far, for the log */
    struct names side; /* rpz-ip owner names, sorted by act_rpz_set_seal */
    struct act_rpz_counts cnt;
    bool sealed;
};

enum err_code act_rpz_set_new(const char *origin, struct act_rpz_set **out, struct err *e)
{
    uint8_t wire[DNS_NAME_WIRE];
    size_t len;
    struct act_rpz_set *s;

    *out = NULL;
    if (origin == NULL ||
        (len = wire_name_from_text(origin, strlen(origin), wire, sizeof(wire))) <= 1)
        return err_set(e, ERR_PARSE, "act: bad origin '%.60s'", origin ? origin : "");
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return err_set(e, ERR_NOMEM, "act: cannot allocate an entry set");
    s->origin_len = len;
    names_init(&s->side);
    *out = s;
    return ERR_OK;
}

void act_rpz_set_free(struct act_rpz_set *s)
{
    if (s == NULL)
        return;
    names_fini(&s->side);
    mem_free(s);
}

static void reject(size_t idx, const char *entry, size_t n, const char *why,
                   struct act_rpz_counts *cnt)
{
    char esc[80];

    log_warn(LOG_ACT, "entry %zu: '%s': %s", idx,
             log_escape((const uint8_t *)entry, n < 60 ? n : 60, esc, sizeof(esc)), why);
    cnt->rejected++;
}

enum err_code act_rpz_set_add(struct act_rpz_set *s, const char *entry, bool *direct, struct err *e)
{
    char owner[ACT_NAME_MAX];
    size_t idx = s->idx++, n = strlen(entry);
    const char *why;
    struct err ne;

    *direct = false;
    if (s->sealed)
        return err_set(e, ERR_USAGE, "act: entry added to a sealed set");
    if (looks_like_ip(entry, n)) {
        size_t l = cidr_owner(entry, owner, sizeof(owner), &ne);
        if (l == 0) {
            reject(idx, entry, n, ne.msg + 5, &s->cnt); /* without the "act: " prefix */
            return ERR_OK;
        }
        return names_push(&s->side, owner, l, e);
    }
    why = domain_check(entry, n);
    if (why == NULL && n + 1 + s->origin_len + 2 > DNS_NAME_WIRE)
        why = "too long under the zone origin";
    if (why != NULL) {
        reject(idx, entry, n, why, &s->cnt);
        return ERR_OK;
    }
    *direct = true;
    return ERR_OK;
}

/* Sorts the prefixes once all entries are in. */
static enum err_code set_seal(struct act_rpz_set *s, struct err *e)
{
    size_t dups = 0;
    enum err_code rc = ERR_OK;

    if (!s->sealed && s->side.n > 0)
        rc = names_sort_unique(&s->side, &dups, e);
    s->cnt.duplicates += dups;
    s->sealed = true;
    return rc;
}

typedef enum err_code (*emit_fn)(void *arg, const char *name, size_t len, struct err *e);

/* Merges the caller's ordered domains with the sorted prefixes, calling emit for each
 * distinct owner name in zone order. */
static enum err_code set_merge(struct act_rpz_set *s, act_rpz_next_fn next, void *arg, emit_fn emit,
                               void *earg, struct err *e)
{
    char prev[ACT_NAME_MAX];
    size_t prev_len = 0, j = 0, sl = 0, dl = 0;
    const char *d = NULL, *sn = NULL;
    bool have_prev = false;
    enum err_code rc = set_seal(s, e);
    int more = 1;

    s->cnt.accepted = 0;
    while (rc == ERR_OK) {
        if (d == NULL && more > 0 && (more = next(arg, &d, &dl)) < 0)
            return err_set(e, ERR_IO, "act: reading the entries failed");
        if (more == 0)
            d = NULL;
        sn = j < s->side.n ? names_at(&s->side, j, &sl) : NULL;
        if (d == NULL && sn == NULL)
            break;
        bool take_d = d != NULL && (sn == NULL || names_cmp(d, dl, sn, sl) <= 0);
        const char *c = take_d ? d : sn;
        size_t cl = take_d ? dl : sl;
        if (take_d)
            d = NULL;
        else
            j++;
        if (cl == 0 || cl >= sizeof(prev))
            return err_set(e, ERR_PARSE, "act: entry length %zu out of range", cl);
        if (have_prev) {
            int o = names_cmp(prev, prev_len, c, cl);
            if (o == 0) {
                s->cnt.duplicates++;
                continue;
            }
            if (o > 0)
                return err_set(e, ERR_USAGE, "act: entries not in zone order at '%.*s'",
                               (int)(cl < 60 ? cl : 60), c);
        }
        memcpy(prev, c, cl);
        prev_len = cl;
        have_prev = true;
        s->cnt.accepted++;
        rc = emit(earg, c, cl, e);
    }
    return rc;
}

/* Zone file output through one large buffer: no per-record formatting. */
struct zout {
    FILE *f;
    char *buf;
    size_t len, cap;
    char tail[ACT_NAME_MAX + 16]; /* " IN CNAME target\n" */
    size_t tail_len;
    bool failed;
};

static void zout_flush(struct zout *o)
{
    if (o->len > 0 && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->len = 0;
}

static enum err_code zout_record(void *arg, const char *name, size_t len, struct err *e)
{
    struct zout *o = arg;
    bool ip = names_is_ip(name, len);
    size_t need = 2 * (len + o->tail_len) + 2;

    (void)e;
    if (o->len + need > o->cap)
        zout_flush(o);
    memcpy(o->buf + o->len, name, len);
    memcpy(o->buf + o->len + len, o->tail, o->tail_len);
    o->len += len + o->tail_len;
    if (!ip) {
        o->buf[o->len] = '*';
        o->buf[o->len + 1] = '.';
        memcpy(o->buf + o->len + 2, name, len);
        memcpy(o->buf + o->len + 2 + len, o->tail, o->tail_len);
        o->len += 2 + len + o->tail_len;
    }
    return ERR_OK;
}

static enum err_code zout_open(struct zout *o, const struct act_rpz_zone *z, FILE *f, struct err *e)
{
    char mname[ACT_NAME_MAX], rname[ACT_NAME_MAX], ns[ACT_NAME_MAX], target[ACT_NAME_MAX];

    memset(o, 0, sizeof(*o));
    o->f = f;
    o->cap = 1u << 20;
    o->buf = mem_alloc(o->cap);
    if (o->buf == NULL)
        return err_set(e, ERR_NOMEM, "act: cannot allocate the output buffer");
    wire_name_to_text(z->mname, mname, sizeof(mname));
    wire_name_to_text(z->rname, rname, sizeof(rname));
    wire_name_to_text(z->ns, ns, sizeof(ns));
    wire_name_to_text(z->target, target, sizeof(target));
    o->tail_len = (size_t)snprintf(o->tail, sizeof(o->tail), " IN CNAME %s\n", target);
    (void)fprintf(f, "$ORIGIN %s\n$TTL %" PRIu32 "\n", z->origin_text, z->ttl);
    (void)fprintf(f, "@ IN SOA %s %s %" PRIu32 " %d %d %d %d\n", mname, rname, z->serial,
                  ACT_SOA_REFRESH, ACT_SOA_RETRY, ACT_SOA_EXPIRE, ACT_SOA_MINIMUM);
    (void)fprintf(f, "@ IN NS %s\n", ns);
    return ERR_OK;
}

static enum err_code zout_close(struct zout *o, enum err_code rc, struct err *e)
{
    zout_flush(o);
    mem_free(o->buf);
    if (rc != ERR_OK)
        return rc;
    if (o->failed || fflush(o->f) != 0 || ferror(o->f))
        return err_sys(e, ERR_IO, "act: writing zone file");
    return ERR_OK;
}

enum err_code act_rpz_zone_write(const struct act_rpz_zone *z, FILE *f, struct err *e)
{
    struct zout o;
    enum err_code rc = zout_open(&o, z, f, e);

    for (size_t i = 0; rc == ERR_OK && i < z->names.n; i++) {
        size_t l;
        const char *s = names_at(&z->names, i, &l);
        rc = zout_record(&o, s, l, e);
    }
    return o.buf != NULL ? zout_close(&o, rc, e) : rc;
}

enum err_code act_rpz_set_write(struct act_rpz_set *s, const struct act_rpz_zone *z,
                                act_rpz_next_fn next, void *arg, FILE *f,
                                struct act_rpz_counts *counts, struct err *e)
{
    struct zout o;
    enum err_code rc = zout_open(&o, z, f, e);

    if (rc != ERR_OK)
        return rc;
    rc = zout_close(&o, set_merge(s, next, arg, zout_record, &o, e), e);
    if (rc == ERR_OK && counts != NULL)
        *counts = s->cnt;
    return rc;
}

/* The delta between a zone's names and the merged entries, walked together. */
struct set_diff {
    const struct names *cur;
    size_t i;
    struct act_rpz_delta *d;
};

static enum err_code diff_emit(void *arg, const char *name, size_t len, struct err *e)
{
    struct set_diff *sd = arg;
    enum err_code rc = ERR_OK;

    while (rc == ERR_OK && sd->i < sd->cur->n) {
        size_t l;
        const char *c = names_at(sd->cur, sd->i, &l);
        int o = names_cmp(c, l, name, len);
        if (o > 0)
            break;
        sd->i++;
        if (o == 0)
            return ERR_OK;
        rc = names_push(&sd->d->del, c, l, e);
    }
    return rc == ERR_OK ? names_push(&sd->d->add, name, len, e) : rc;
}

enum err_code act_rpz_delta_from_set(const struct act_rpz_zone *z, struct act_rpz_set *s,
                                     act_rpz_next_fn next, void *arg, struct act_rpz_delta **out,
                                     struct act_rpz_counts *counts, struct err *e)
{
    struct set_diff sd = {.cur = &z->names};
    enum err_code rc;

    *out = NULL;
    sd.d = delta_alloc(e);
    if (sd.d == NULL)
        return ERR_NOMEM;
    rc = set_merge(s, next, arg, diff_emit, &sd, e);
    while (rc == ERR_OK && sd.i < z->names.n) {
        size_t l;
        const char *c = names_at(&z->names, sd.i++, &l);
        rc = names_push(&sd.d->del, c, l, e);
    }
    if (rc != ERR_OK) {
        act_rpz_delta_free(sd.d);
        return rc;
    }
    if (counts != NULL)
        *counts = s->cnt;
    *out = sd.d;
    return ERR_OK;
}

static enum err_code names_emit(void *arg, const char *name, size_t len, struct err *e)
{
    return names_push(arg, name, len, e);
}

enum err_code rpz_set_names(struct act_rpz_set *s, act_rpz_next_fn next, void *arg,
                            struct names *out, struct act_rpz_counts *counts, struct err *e)
{
    enum err_code rc;

    names_init(out);
    rc = set_merge(s, next, arg, names_emit, out, e);
    if (rc != ERR_OK) {
        names_fini(out);
        return rc;
    }
    names_shrink(out);
    if (counts != NULL)
        *counts = s->cnt;
    return ERR_OK;
}
