/* match_int.h - private to src/match: the snapshot's layout, the fingerprint table and
 * the label-by-label domain suffix hash shared by the builder, the lookups and the log
 * scanner. */
#ifndef OODA_MATCH_INT_H
#define OODA_MATCH_INT_H

#include <stdatomic.h>
#include <string.h>

#include "match/match.h"

#define MATCH_MAX_LABELS 128 /* a 253-byte name has at most 127 labels */

/* One listed indicator: 24 bytes. The value lives in the snapshot's string arena. */
struct match_entry {
    uint32_t off; /* into arena */
    uint16_t len; /* value bytes, <= IOC_VALUE_MAX */
    uint8_t type; /* enum ioc_type */
    uint8_t plen; /* prefix length in ip16 space for ipv4/ipv6/cidr */
    float score;
    int64_t id;
};

/* Open addressing over 64-bit slots: high 32 bits the key's fingerprint (never 0),
 * low 32 bits the entry index; 0 is an empty slot. Linear probing, power-of-two size,
 * load <= 3/4. The bucket comes from the key's low bits, the fingerprint from its high
 * bits, so the string is compared only when both agree. */
struct match_tab {
    uint64_t *slot;
    uint64_t mask;
    size_t used;
};

/* An address prefix: the network as four 32-bit words, most significant first, host
 * bits zero, and its entry. 20 bytes; the snapshot keeps them sorted by (length,
 * network) with the length implied by the position (pstart). */
struct match_pfx {
    uint32_t w[4];
    uint32_t idx;
};

static inline uint64_t match_pfx_hi(const struct match_pfx *p)
{
    return (uint64_t)p->w[0] << 32 | p->w[1];
}

static inline uint64_t match_pfx_lo(const struct match_pfx *p)
{
    return (uint64_t)p->w[2] << 32 | p->w[3];
}

struct match_snap {
    atomic_long refs;
    struct match_entry *ent;
    size_t nent;
    char *arena;
    size_t arena_len;
    struct match_tab dom;   /* domains, keyed by match_dom_key of the whole name */
    uint64_t *filt;         /* blocked Bloom filter of the domain keys: two bits in one */
    uint64_t fwmask;        /* word per key, >= 8 bits per domain; most suffixes of a */
                            /* query that misses fail it and never touch the table */
    struct match_tab exact; /* URLs (without scheme) and hashes, keyed by match_str_key */
    struct match_pfx *pfx;
    size_t npfx;
    uint8_t plens[129]; /* distinct prefix lengths, longest first */
    size_t nplens;
    size_t pstart[130]; /* pfx[pstart[l] .. pstart[l+1]) have len == l (by length) */
    size_t count[IOC_NTYPES];
    size_t bytes;
};

static inline uint64_t match_rd64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* Hash of one label p[0..n): p must be readable for n rounded up to 8 bytes. Always
 * inlined: it is called per label in the scan's lanes. */
static inline __attribute__((always_inline)) uint64_t match_label_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

    while (n > 8) {
        h = (h ^ match_rd64(p)) * 0xff51afd7ed558ccdULL;
        p += 8;
        n -= 8;
    }
    h ^= match_rd64(p) & (~0ULL >> (64 - 8 * n));
    return h * 0xc4ceb9fe1a85ec53ULL;
}

/* Chains the suffix hash one label to the left: H(label.suffix) from H(suffix) and the
 * label's own (multiplied) hash. A rotate and an xor only, so the chain from label to
 * label is two cycles long; the mixing is done by match_dom_key, off the chain. */
static inline uint64_t match_dom_chain(uint64_t h, uint64_t label)
{
    return (h << 23 | h >> 41) ^ label;
}

/* Table key of a suffix chain value: one more multiply, high half folded into the low
 * one, so that the bucket (low bits), the filter (bits 24..40, 52..63) and the
 * fingerprint (high half) all depend on every byte of the suffix. */
static inline uint64_t match_dom_key(uint64_t chain)
{
    uint64_t k = chain * 0xd6e8feb86659fd93ULL;

    return k ^ (k >> 32);
}

/* The filter word of key and the two bits it sets there (bits 24.. pick the word,
 * bits 52..63 the bits; the table uses the low bits for the bucket). */
static inline uint64_t match_filt_word(const struct match_snap *sn, uint64_t key)
{
    return (key >> 24) & sn->fwmask;
}

static inline uint64_t match_filt_bits(uint64_t key)
{
    return (1ULL << ((key >> 52) & 63)) | (1ULL << (key >> 58));
}

/* May key be in the domain table? (false: certainly not) */
static inline bool match_filt_has(const struct match_snap *sn, uint64_t key)
{
    uint64_t bits = match_filt_bits(key);

    return (sn->filt[match_filt_word(sn, key)] & bits) == bits;
}

/* Key of an exact-match string of type t (URL expression, hash). */
static inline uint64_t match_str_key(enum ioc_type t, const char *s, size_t n)
{
    return hash_bytes(s, n, 0x51ed27a3u + (uint64_t)t);
}

#define MATCH_NAME_URLISH 1u /* the name holds a '/' or ':' */

/* Lowercases name[0..n) (one trailing dot dropped) into buf (>= 264 bytes; padded with
 * 8 zero bytes so labels can be read a word at a time) and writes the table keys of all
 * its suffixes, most specific (the whole name) first, with their start offsets in buf.
 * Returns the number of suffixes (labels), or 0 when the name is empty, longer than 253
 * bytes, has an empty or over-long label, a space or a control byte. *len is the
 * lowercased length; *flags gets MATCH_NAME_* bits (NULL: not looked for). */
size_t match_name_hash(const char *name, size_t n, uint8_t *buf, size_t *len, uint64_t *key,
                       uint8_t *start, unsigned *flags);

/* The two halves of match_name_hash(), for the scanner to run over a whole batch in
 * turn (so the label words it reads back were stored long before): split lowercases into
 * buf and writes each label's start (start[0] = 0), returning the label count or 0 (empty,
 * over 253 bytes, a space or control byte); avail >= n bytes are readable at name, so
 * whole words can be loaded. keys checks the label lengths (false for an empty or
 * over-long one) and writes the suffix keys. */
size_t match_name_split(const char *name, size_t n, size_t avail, uint8_t *buf, size_t *len,
                        uint8_t *start, unsigned *flags);
bool match_name_keys(const uint8_t *buf, size_t len, const uint8_t *start, size_t nsuf,
                     uint64_t *key);

/* A prepared name for one-off lookups. */
struct match_name {
    uint8_t buf[256 + 8];
    size_t len;
    size_t nsuf;
    uint64_t key[MATCH_MAX_LABELS];
    uint8_t start[MATCH_MAX_LABELS]; /* suffix i is buf[start[i] .. len) */
};

static inline bool match_name_prepare(struct match_name *m, const char *name, size_t n)
{
    m->nsuf = match_name_hash(name, n, m->buf, &m->len, m->key, m->start, NULL);
    return m->nsuf > 0;
}

/* Finds key in t whose entry (of type type) holds exactly s[0..n); index or -1. */
static inline long match_tab_find(const struct match_snap *sn, const struct match_tab *t,
                                  uint64_t key, const char *s, size_t n)
{
    uint64_t fp = (key >> 32) | 1, i = key & t->mask;

    for (;;) {
        uint64_t v = t->slot[i];
        const struct match_entry *en;

        if (v == 0)
            return -1;
        en = &sn->ent[(uint32_t)v];
        if ((v >> 32) == fp && en->len == n && memcmp(sn->arena + en->off, s, n) == 0)
            return (long)(uint32_t)v;
        i = (i + 1) & t->mask;
    }
}

/* Fills hit from entry idx of sn. */
void match_hit_fill(const struct match_snap *sn, size_t idx, struct match_hit *hit);

/* Looks up the suffixes of a hashed name: most specific listed one, or -1. */
long match_name_find(const struct match_snap *sn, const uint8_t *buf, size_t len,
                     const uint64_t *key, const uint8_t *start, size_t nsuf);

/* Entry index of the URL / longest address prefix that matches, or -1. */
long match_url_find(const struct match_snap *s, const char *canon_url);
long match_ip_find(const struct match_snap *s, const struct ip16 *ip);

/* ---- log lines ---------------------------------------------------------------- */

/* Fields of one log line, pointing into the line. */
struct match_line {
    const char *time, *client, *query;
    size_t time_len, client_len, query_len;
};

enum match_lkind { MATCH_LINE_QUERY, MATCH_LINE_SKIP, MATCH_LINE_BAD };

/* Column positions learnt from a Zeek #fields header; -1 when absent. */
struct match_zeek {
    int ts, orig_h, query, need;
    bool have;
};

/* Parses one line p[0..n) (no newline, no trailing CR) of format f. On
 * MATCH_LINE_BAD *why is a static reason. z carries Zeek header state between lines. */
enum match_lkind match_parse_line(enum match_format f, struct match_zeek *z, const char *p,
                                  size_t n, struct match_line *r, const char **why);

#endif
