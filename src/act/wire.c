/* wire.c - bounds-checked DNS message parsing and building (RFC 1035 section 4).
 *
 *   header   | ID | flags | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT |   6 x u16
 *   question | QNAME | QTYPE u16 | QCLASS u16 |
 *   RR       | NAME | TYPE u16 | CLASS u16 | TTL u32 | RDLENGTH u16 | RDATA |
 *
 * Names are sequences of labels (length byte 1..63, then the bytes) ending with the
 * zero byte, or with a compression pointer (two bytes 11xxxxxx xxxxxxxx: offset into
 * the message). The reader only follows pointers that go strictly below every place
 * already visited in that name, so a chain of pointers always terminates. Everything
 * the parser returns is copied out; no pointer into the message survives a call.
 * The builder writes into a caller's fixed buffer and flags overflow instead of
 * growing. No allocation anywhere here. */
#include "act/act_int.h"

#include <string.h>

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Follows one name; copies labels into wire. Returns the length or 0. */
size_t wire_name_read(const uint8_t *msg, size_t len, size_t *off, uint8_t *wire)
{
    size_t pos = *off, n = 0, limit = *off;
    bool jumped = false;

    for (;;) {
        if (pos >= len)
            return 0;
        uint8_t l = msg[pos];
        if ((l & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                return 0;
            size_t target = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
            if (target >= limit)
                return 0; /* not strictly backwards: could loop */
            if (!jumped)
                *off = pos + 2;
            jumped = true;
            limit = target;
            pos = target;
            continue;
        }
        if ((l & 0xc0) != 0)
            return 0; /* 01 and 10 label types are not in use */
        if (n + 1 + l > DNS_NAME_WIRE || pos + 1 + l > len)
            return 0;
        wire[n++] = l;
        for (size_t i = 0; i < l; i++)
            wire[n++] = lower(msg[pos + 1 + i]);
        pos += 1 + (size_t)l;
        if (l == 0)
            break;
    }
    if (!jumped)
        *off = pos;
    return n;
}

bool wire_hdr_read(const uint8_t *msg, size_t len, struct dns_hdr *h)
{
    if (len < DNS_HDR)
        return false;
    h->id = wire_u16(msg);
    h->flags = wire_u16(msg + 2);
    h->qd = wire_u16(msg + 4);
    h->an = wire_u16(msg + 6);
    h->ns = wire_u16(msg + 8);
    h->ar = wire_u16(msg + 10);
    return true;
}

bool wire_rr_read(const uint8_t *msg, size_t len, size_t *off, struct dns_rr *rr)
{
    size_t o = *off;

    rr->start = o;
    rr->owner_len = wire_name_read(msg, len, &o, rr->owner);
    if (rr->owner_len == 0 || len - o < 10)
        return false;
    rr->type = wire_u16(msg + o);
    rr->cls = wire_u16(msg + o + 2);
    rr->ttl = wire_u32(msg + o + 4);
    rr->rdlen = wire_u16(msg + o + 8);
    o += 10;
    if (rr->rdlen > len - o)
        return false;
    rr->rdata = o;
    *off = o + rr->rdlen;
    return true;
}

/* Reads the serial of an SOA rdata (after MNAME and RNAME). */
static bool soa_serial(const uint8_t *msg, size_t len, const struct dns_rr *rr, uint32_t *serial)
{
    uint8_t tmp[DNS_NAME_WIRE];
    size_t o = rr->rdata, end = rr->rdata + rr->rdlen;

    if (wire_name_read(msg, end, &o, tmp) == 0 || wire_name_read(msg, end, &o, tmp) == 0)
        return false;
    if (end - o != 20 || end > len)
        return false;
    *serial = wire_u32(msg + o);
    return true;
}

/* Walks every RR after the question; notes the IXFR SOA and the trailing TSIG. */
static enum dns_rcode parse_sections(const uint8_t *msg, size_t len, size_t off,
                                     struct dns_query *q)
{
    size_t total = (size_t)q->h.an + q->h.ns + q->h.ar;
    struct dns_rr rr;

    for (size_t i = 0; i < total; i++) {
        if (!wire_rr_read(msg, len, &off, &rr))
            return DNS_R_FORMERR;
        bool in_auth = i >= q->h.an && i < (size_t)q->h.an + q->h.ns;
        if (in_auth && rr.type == DNS_T_SOA && !q->has_soa) {
            if (!soa_serial(msg, len, &rr, &q->soa_serial))
                return DNS_R_FORMERR;
            q->has_soa = true;
        }
        if (rr.type == DNS_T_TSIG) {
            if (i != total - 1 || i < (size_t)q->h.an + q->h.ns)
                return DNS_R_FORMERR; /* TSIG must be the last additional RR */
            q->has_tsig = true;
            q->tsig = rr;
        }
    }
    if (off != len)
        return DNS_R_FORMERR; /* trailing garbage */
    return DNS_R_NOERROR;
}

enum dns_rcode wire_query_parse(const uint8_t *msg, size_t len, struct dns_query *q)
{
    size_t off = DNS_HDR;

    memset(q, 0, offsetof(struct dns_query, tsig));
    if (!wire_hdr_read(msg, len, &q->h))
        return DNS_R_FORMERR;
    if (q->h.qd != 1)
        return DNS_R_FORMERR;
    q->qname_len = wire_name_read(msg, len, &off, q->qname);
    if (q->qname_len == 0 || len - off < 4)
        return DNS_R_FORMERR;
    q->qtype = wire_u16(msg + off);
    q->qclass = wire_u16(msg + off + 2);
    off += 4;
    q->qend = off;
    return parse_sections(msg, len, off, q);
}

static bool label_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '*';
}

size_t wire_name_from_text(const char *text, size_t n, uint8_t *wire, size_t cap)
{
    size_t o = 0, i = 0;

    if (n > 0 && text[n - 1] == '.')
        n--;
    while (i < n) {
        size_t start = i;
        while (i < n && text[i] != '.')
            i++;
        size_t l = i - start;
        if (l == 0 || l > 63 || o + 1 + l + 1 > cap || o + 1 + l + 1 > DNS_NAME_WIRE)
            return 0;
        wire[o++] = (uint8_t)l;
        for (size_t k = start; k < i; k++) {
            if (!label_char_ok(text[k]))
                return 0;
            wire[o++] = lower((uint8_t)text[k]);
        }
        if (i < n)
            i++; /* the dot; a trailing empty label is caught by l == 0 */
        if (i == n && text[n - 1] == '.')
            return 0;
    }
    if (o + 1 > cap)
        return 0;
    wire[o++] = 0;
    return o;
}

bool wire_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0; /* both already lowercase */
}

void wire_name_to_text(const uint8_t *wire, char *out, size_t cap)
{
    size_t o = 0, i = 0;

    if (cap < 2)
        return;
    if (wire[0] == 0) {
        out[0] = '.';
        out[1] = '\0';
        return;
    }
    while (wire[i] != 0 && o + wire[i] + 2 < cap) {
        memcpy(out + o, wire + i + 1, wire[i]);
        o += wire[i];
        out[o++] = '.';
        i += 1 + (size_t)wire[i];
    }
    out[o] = '\0';
}

/* ---- building ---------------------------------------------------------------------- */

void wire_build_init(struct dns_builder *b, uint8_t *buf, size_t cap, const uint8_t *origin,
                     size_t origin_len)
{
    b->buf = buf;
    b->len = 0;
    b->cap = cap;
    b->overflow = false;
    b->origin = origin;
    b->origin_len = origin_len;
    b->origin_at = 0;
}

void wire_put_bytes(struct dns_builder *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

void wire_put_u8(struct dns_builder *b, uint8_t v)
{
    wire_put_bytes(b, &v, 1);
}

void wire_put_u16(struct dns_builder *b, uint16_t v)
{
    uint8_t p[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    wire_put_bytes(b, p, 2);
}

void wire_put_u32(struct dns_builder *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    wire_put_bytes(b, p, 4);
}

void wire_put_hdr(struct dns_builder *b, const struct dns_hdr *h)
{
    wire_put_u16(b, h->id);
    wire_put_u16(b, h->flags);
    wire_put_u16(b, h->qd);
    wire_put_u16(b, h->an);
    wire_put_u16(b, h->ns);
    wire_put_u16(b, h->ar);
}

void wire_patch_u16(struct dns_builder *b, size_t at, uint16_t v)
{
    if (b->overflow || at + 2 > b->len)
        return;
    b->buf[at] = (uint8_t)(v >> 8);
    b->buf[at + 1] = (uint8_t)v;
}

void wire_put_name(struct dns_builder *b, const uint8_t *wire, size_t len)
{
    wire_put_bytes(b, wire, len);
}

/* Writes the origin: a pointer if a copy exists within pointer range. */
static void put_origin(struct dns_builder *b)
{
    if (b->origin_at != 0) {
        wire_put_u16(b, (uint16_t)(0xc000 | b->origin_at));
        return;
    }
    if (b->len < 0x4000 && b->origin_len > 1)
        b->origin_at = b->len;
    wire_put_bytes(b, b->origin, b->origin_len);
}

void wire_put_rel_name(struct dns_builder *b, const char *rel, size_t rel_len, bool wildcard)
{
    size_t i = 0;

    if (wildcard) {
        wire_put_u8(b, 1);
        wire_put_u8(b, '*');
    }
    while (i < rel_len) {
        size_t start = i;
        while (i < rel_len && rel[i] != '.')
            i++;
        wire_put_u8(b, (uint8_t)(i - start));
        wire_put_bytes(b, rel + start, i - start);
        i++;
    }
    put_origin(b);
}

size_t wire_rr_begin(struct dns_builder *b, uint16_t type, uint16_t cls, uint32_t ttl)
{
    size_t at;

    wire_put_u16(b, type);
    wire_put_u16(b, cls);
    wire_put_u32(b, ttl);
    at = b->len;
    wire_put_u16(b, 0);
    return at;
}

void wire_rr_end(struct dns_builder *b, size_t rdlen_at)
{
    if (b->overflow)
        return;
    wire_patch_u16(b, rdlen_at, (uint16_t)(b->len - rdlen_at - 2));
}

void wire_rollback(struct dns_builder *b, size_t mark)
{
    b->len = mark;
    b->overflow = false;
    if (b->origin_at >= mark)
        b->origin_at = 0;
}
