/* tsig.c - TSIG (RFC 8945) with HMAC-SHA256 through OpenSSL's EVP_MAC.
 *
 * TSIG RR: NAME=key name, TYPE=250, CLASS=ANY, TTL=0, RDATA:
 *   | algorithm name | time signed u48 | fudge u16 | MAC size u16 | MAC |
 *   | original ID u16 | error u16 | other len u16 | other data |
 *
 * The MAC covers, in order: the previous MAC (size + bytes; responses only), the
 * message without its TSIG (ID = original ID, ARCOUNT not counting the TSIG), then
 * either all TSIG variables (key name, class, TTL, algorithm, time, fudge, error,
 * other) or, for the second and later messages of a multi-message answer, only the
 * timers (time signed, fudge). Names are hashed in canonical (lowercase,
 * uncompressed) wire form. Each call creates its own MAC context: thread-safe. */
#include "act/act_int.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

const uint8_t tsig_alg_sha256[] = "\x0bhmac-sha256";
const size_t tsig_alg_sha256_len = 13;

int tsig_base64_decode(const char *s, uint8_t *out, size_t cap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;

    for (; *s != '\0' && *s != '='; s++) {
        char c = *s;
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+'             ? 62
                : c == '/'             ? 63
                                       : -1;
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    for (; *s == '='; s++)
        ;
    if (*s != '\0')
        return -1;
    return (int)o;
}

enum err_code tsig_key_init(struct tsig_key *k, const char *name, const char *secret_b64,
                            struct err *e)
{
    int n;

    memset(k, 0, sizeof(*k));
    k->name_len = wire_name_from_text(name, strlen(name), k->name, sizeof(k->name));
    if (k->name_len <= 1)
        return err_set(e, ERR_PARSE, "act: bad TSIG key name '%.60s'", name);
    n = secret_b64 != NULL ? tsig_base64_decode(secret_b64, k->secret, sizeof(k->secret)) : -1;
    if (n <= 0)
        return err_set(e, ERR_PARSE, "act: TSIG secret is not base64 (1..%d bytes)",
                       TSIG_SECRET_MAX);
    k->secret_len = (size_t)n;
    return ERR_OK;
}

bool tsig_rdata_parse(const uint8_t *msg, size_t len, const struct dns_rr *rr, struct tsig_rdata *t)
{
    size_t o = rr->rdata, end = rr->rdata + rr->rdlen;

    if (end > len)
        return false;
    t->alg_len = wire_name_read(msg, end, &o, t->alg);
    if (t->alg_len == 0 || end - o < 10)
        return false;
    t->time_signed = ((uint64_t)wire_u16(msg + o) << 32) | wire_u32(msg + o + 2);
    t->fudge = wire_u16(msg + o + 6);
    t->mac_len = wire_u16(msg + o + 8);
    o += 10;
    if (end - o < (size_t)t->mac_len + 6)
        return false;
    t->mac = o;
    o += t->mac_len;
    t->orig_id = wire_u16(msg + o);
    t->error = wire_u16(msg + o + 2);
    t->other_len = wire_u16(msg + o + 4);
    o += 6;
    return end - o == t->other_len;
}

/* A MAC computation in progress. */
struct mac {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
    bool ok;
};

static void mac_begin(struct mac *m, const struct tsig_key *k)
{
    OSSL_PARAM params[2];
    char digest[] = "SHA256";

    m->ctx = NULL;
    m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    m->ok = m->mac != NULL;
    if (m->ok)
        m->ctx = EVP_MAC_CTX_new(m->mac);
    m->ok = m->ctx != NULL;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (m->ok)
        m->ok = EVP_MAC_init(m->ctx, k->secret, k->secret_len, params) == 1;
}

static void mac_add(struct mac *m, const void *p, size_t n)
{
    if (m->ok && n > 0)
        m->ok = EVP_MAC_update(m->ctx, p, n) == 1;
}

static void mac_add_u16(struct mac *m, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    mac_add(m, b, 2);
}

static void mac_add_u48(struct mac *m, uint64_t v)
{
    uint8_t b[6];
    for (int i = 0; i < 6; i++)
        b[i] = (uint8_t)(v >> (40 - 8 * i));
    mac_add(m, b, 6);
}

/* Finishes; out gets TSIG_MAC_LEN bytes. Returns false on an OpenSSL failure. */
static bool mac_end(struct mac *m, uint8_t *out)
{
    size_t outl = 0;

    if (m->ok)
        m->ok = EVP_MAC_final(m->ctx, out, &outl, TSIG_MAC_LEN) == 1 && outl == TSIG_MAC_LEN;
    EVP_MAC_CTX_free(m->ctx);
    EVP_MAC_free(m->mac);
    if (!m->ok)
        memset(out, 0, TSIG_MAC_LEN);
    return m->ok;
}

/* Adds the message msg[0..len) with its ID replaced and ARCOUNT set. */
static void mac_add_msg(struct mac *m, const uint8_t *msg, size_t len, uint16_t id,
                        uint16_t arcount)
{
    uint8_t hdr[DNS_HDR];

    memcpy(hdr, msg, DNS_HDR);
    hdr[0] = (uint8_t)(id >> 8);
    hdr[1] = (uint8_t)id;
    hdr[10] = (uint8_t)(arcount >> 8);
    hdr[11] = (uint8_t)arcount;
    mac_add(m, hdr, DNS_HDR);
    mac_add(m, msg + DNS_HDR, len - DNS_HDR);
}

static void mac_add_prev(struct mac *m, const uint8_t *prev)
{
    if (prev == NULL)
        return;
    mac_add_u16(m, TSIG_MAC_LEN);
    mac_add(m, prev, TSIG_MAC_LEN);
}

/* Adds the TSIG variables (all, or just the timers). */
static void mac_add_vars(struct mac *m, const uint8_t *name, size_t name_len,
                         const struct tsig_rdata *t, const uint8_t *other, bool timers_only)
{
    if (!timers_only) {
        mac_add(m, name, name_len);
        mac_add_u16(m, DNS_C_ANY);
        mac_add(m, "\0\0\0\0", 4); /* TTL */
        mac_add(m, t->alg, t->alg_len);
    }
    mac_add_u48(m, t->time_signed);
    mac_add_u16(m, t->fudge);
    if (timers_only)
        return;
    mac_add_u16(m, t->error);
    mac_add_u16(m, t->other_len);
    mac_add(m, other, t->other_len);
}

int tsig_verify_request(const struct tsig_key *k, const uint8_t *msg, size_t len,
                        const struct dns_rr *tsig, int64_t now, uint8_t *mac, struct tsig_rdata *t)
{
    struct dns_hdr h;
    struct mac m;
    uint8_t want[TSIG_MAC_LEN];
    int64_t delta;

    if (!wire_hdr_read(msg, len, &h) || h.ar == 0 || !tsig_rdata_parse(msg, len, tsig, t))
        return -1;
    if (tsig->cls != DNS_C_ANY || tsig->ttl != 0)
        return -1;
    if (!wire_name_eq(tsig->owner, tsig->owner_len, k->name, k->name_len) ||
        !wire_name_eq(t->alg, t->alg_len, tsig_alg_sha256, tsig_alg_sha256_len))
        return TSIG_E_BADKEY;
    if (t->mac_len != TSIG_MAC_LEN)
        return TSIG_E_BADSIG; /* truncated MACs are not accepted */
    mac_begin(&m, k);
    mac_add_msg(&m, msg, tsig->start, t->orig_id, (uint16_t)(h.ar - 1));
    mac_add_vars(&m, k->name, k->name_len, t, msg + t->mac + t->mac_len + 6, false);
    if (!mac_end(&m, want) || CRYPTO_memcmp(want, msg + t->mac, TSIG_MAC_LEN) != 0)
        return TSIG_E_BADSIG;
    memcpy(mac, want, TSIG_MAC_LEN);
    delta = now - (int64_t)t->time_signed;
    if (delta > t->fudge || -delta > t->fudge)
        return TSIG_E_BADTIME;
    return TSIG_E_NONE;
}

/* Appends the TSIG RR itself. */
static void put_tsig_rr(struct dns_builder *b, const uint8_t *name, size_t name_len,
                        const struct tsig_rdata *t, const uint8_t *mac, const uint8_t *other)
{
    size_t at;

    wire_put_name(b, name, name_len);
    at = wire_rr_begin(b, DNS_T_TSIG, DNS_C_ANY, 0);
    wire_put_name(b, t->alg, t->alg_len);
    wire_put_u16(b, (uint16_t)(t->time_signed >> 32));
    wire_put_u32(b, (uint32_t)t->time_signed);
    wire_put_u16(b, t->fudge);
    wire_put_u16(b, t->mac_len);
    wire_put_bytes(b, mac, t->mac_len);
    wire_put_u16(b, t->orig_id);
    wire_put_u16(b, t->error);
    wire_put_u16(b, t->other_len);
    wire_put_bytes(b, other, t->other_len);
    wire_rr_end(b, at);
    if (!b->overflow && b->len >= DNS_HDR)
        wire_patch_u16(b, 10, (uint16_t)(wire_u16(b->buf + 10) + 1));
}

void tsig_sign(const struct tsig_key *k, struct dns_builder *b, const uint8_t *prev_mac,
               bool timers_only, uint64_t time_signed, uint16_t orig_id, uint16_t error,
               uint64_t other_time, uint8_t *mac_out)
{
    struct tsig_rdata t;
    struct mac m;
    uint8_t mac[TSIG_MAC_LEN], other[6];

    if (b->overflow || b->len < DNS_HDR)
        return;
    memset(&t, 0, sizeof(t));
    memcpy(t.alg, tsig_alg_sha256, tsig_alg_sha256_len);
    t.alg_len = tsig_alg_sha256_len;
    t.time_signed = time_signed;
    t.fudge = TSIG_FUDGE;
    t.mac_len = TSIG_MAC_LEN;
    t.orig_id = orig_id;
    t.error = error;
    if (other_time != 0) {
        for (int i = 0; i < 6; i++)
            other[i] = (uint8_t)(other_time >> (40 - 8 * i));
        t.other_len = 6;
    }
    mac_begin(&m, k);
    mac_add_prev(&m, prev_mac);
    mac_add_msg(&m, b->buf, b->len, orig_id, wire_u16(b->buf + 10));
    mac_add_vars(&m, k->name, k->name_len, &t, other, timers_only);
    (void)mac_end(&m, mac); /* on failure the MAC is zeros and the peer rejects it */
    put_tsig_rr(b, k->name, k->name_len, &t, mac, other);
    if (mac_out != NULL)
        memcpy(mac_out, mac, TSIG_MAC_LEN);
}

void tsig_put_unsigned(struct dns_builder *b, const uint8_t *name, size_t name_len,
                       const uint8_t *alg, size_t alg_len, uint64_t time_signed, uint16_t orig_id,
                       uint16_t error)
{
    struct tsig_rdata t;

    memset(&t, 0, sizeof(t));
    memcpy(t.alg, alg, alg_len);
    t.alg_len = alg_len;
    t.time_signed = time_signed;
    t.fudge = TSIG_FUDGE;
    t.orig_id = orig_id;
    t.error = error;
    put_tsig_rr(b, name, name_len, &t, NULL, NULL);
}

bool tsig_verify_response(const struct tsig_key *k, const uint8_t *msg, size_t len,
                          const uint8_t *prev_mac, bool timers_only, uint8_t *mac_out)
{
    struct tsig_rdata t;
    struct mac m;
    uint8_t want[TSIG_MAC_LEN];
    struct dns_hdr h;
    size_t off = DNS_HDR;
    struct dns_rr rr;
    bool found = false;

    if (!wire_hdr_read(msg, len, &h))
        return false;
    for (size_t i = 0; i < h.qd; i++) {
        uint8_t tmp[DNS_NAME_WIRE];
        if (wire_name_read(msg, len, &off, tmp) == 0 || len - off < 4)
            return false;
        off += 4;
    }
    for (size_t i = 0; i < (size_t)h.an + h.ns + h.ar; i++) {
        if (!wire_rr_read(msg, len, &off, &rr))
            return false;
        found = rr.type == DNS_T_TSIG && i + 1 == (size_t)h.an + h.ns + h.ar;
    }
    if (!found || !tsig_rdata_parse(msg, len, &rr, &t) || t.mac_len != TSIG_MAC_LEN)
        return false;
    mac_begin(&m, k);
    mac_add_prev(&m, prev_mac);
    mac_add_msg(&m, msg, rr.start, t.orig_id, (uint16_t)(h.ar - 1));
    mac_add_vars(&m, k->name, k->name_len, &t, msg + t.mac + t.mac_len + 6, timers_only);
    if (!mac_end(&m, want) || CRYPTO_memcmp(want, msg + t.mac, TSIG_MAC_LEN) != 0)
        return false;
    if (mac_out != NULL)
        memcpy(mac_out, want, TSIG_MAC_LEN);
    return true;
}
