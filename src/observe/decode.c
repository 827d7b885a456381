/* decode.c - per-packet decoder for darknet ingest: link layer -> IP -> transport, into
 * a struct pkt (addresses, IP length, class, service port, fragment state).
 *
 * This is the hot path (tens of millions of calls per second): no allocation, no copy
 * of packet data, no memset; each field is written once. Every read is bounds-checked
 * against the captured length and, for the transport layer, the IP length as well, so
 * Ethernet padding and bytes beyond the IP datagram are never taken as headers.
 * The classification rules are those of docs/darknet.md. Pure and thread-safe.
 *
 * Link headers handled:
 *   Ethernet  dst(6) src(6) type(2) [type 0x8100/0x88a8/0x9100: tci(2) type(2)]...
 *   SLL       pkttype(2) hatype(2) halen(2) addr(8) protocol(2)           16 bytes
 *   SLL2      protocol(2) rsvd(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
 *   NULL      family(4, byte order of the capturing host), LOOP: family(4, big endian)
 *   RAW       IP version from the first nibble; IPV4 / IPV6 fix the version. */
#include "observe/decode.h"

#include <string.h>

#define ETH_IPV4     0x0800
#define ETH_IPV6     0x86dd
#define ETH_VLAN     0x8100
#define ETH_QINQ     0x88a8
#define ETH_QINQ_OLD 0x9100

#define IPP_HOPOPT  0
#define IPP_ICMP    1
#define IPP_TCP     6
#define IPP_UDP     17
#define IPP_ROUTING 43
#define IPP_FRAG    44
#define IPP_ICMPV6  58
#define IPP_DSTOPTS 60

#define TCP_HDR_MIN  20
#define UDP_HDR_LEN  8
#define ICMP_HDR_LEN 8

static inline uint16_t be16(const uint8_t *b)
{
    return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Stores a v4 address IPv4-mapped: two fixed-size copies, compiled to plain stores. */
static inline void set_v4(struct ip16 *ip, const uint8_t *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    memcpy(ip->b, mapped, 12);
    memcpy(ip->b + 12, a, 4);
}

bool observe_decode_linktype_ok(int linktype)
{
    switch (linktype) {
    case DECODE_LT_NULL:
    case DECODE_LT_EN10MB:
    case DECODE_LT_RAW12:
    case DECODE_LT_RAW14:
    case DECODE_LT_RAW:
    case DECODE_LT_LOOP:
    case DECODE_LT_SLL:
    case DECODE_LT_IPV4:
    case DECODE_LT_IPV6:
    case DECODE_LT_SLL2:
        return true;
    default:
        return false;
    }
}

/* TCP class by (SYN, RST, ACK): RST -> backscatter; SYN+ACK -> backscatter; SYN alone ->
 * tcp_syn; anything else -> other. Indexed by SYN<<2 | RST<<1 | ACK. */
static const uint8_t tcp_class[8] = {
    DK_OTHER,   DK_OTHER,       DK_BACKSCATTER, DK_BACKSCATTER,
    DK_TCP_SYN, DK_BACKSCATTER, DK_BACKSCATTER, DK_BACKSCATTER,
};

static void classify_tcp(const uint8_t *t, size_t n, struct pkt *p)
{
    unsigned f, cls;

    if (n < TCP_HDR_MIN)
        return;
    f = t[13]; /* FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10 */
    cls = tcp_class[(f & 0x02) << 1 | (f & 0x04) >> 1 | (f & 0x10) >> 4];
    p->cls = (uint8_t)cls;
    /* Backscatter comes from the victim's service: its source port. */
    p->port = be16(cls == DK_BACKSCATTER ? t : t + 2);
}

static inline bool is_v6_ext(unsigned nh)
{
    return nh == IPP_HOPOPT || nh == IPP_ROUTING || nh == IPP_DSTOPTS || nh == IPP_FRAG;
}

/* Walks IPv6 extension headers in d[*off..end). Returns true with *off at the upper-layer
 * header and *nh its protocol; false when it cannot be reached (truncated header, too
 * many headers or a later fragment, which sets *frag). *nh is the last protocol seen. */
static bool v6_walk(const uint8_t *d, size_t end, size_t *off, uint8_t *nh, uint8_t *frag)
{
    size_t o = *off;
    uint8_t next = *nh;

    for (int i = 0;; i++) {
        size_t hl;

        if (!is_v6_ext(next)) {
            *off = o;
            *nh = next;
            return true;
        }
        if (i == DECODE_EXT_MAX || end - o < 8)
            break;
        if (next == IPP_FRAG) {
            uint16_t fo = be16(d + o + 2); /* offset(13) res(2) M(1) */
            if (fo & 0xfff8) {
                *frag = PKT_FRAG_LATER;
                next = d[o];
                break;
            }
            if (fo & 1)
                *frag = PKT_FRAG_FIRST;
            hl = 8;
        } else {
            hl = ((size_t)d[o + 1] + 1) * 8;
        }
        next = d[o];
        if (hl > end - o)
            break;
        o += hl;
    }
    *nh = next;
    return false;
}

/* An ICMP error quoting an IPv4 header: q/n is what follows the 8-byte ICMP header.
 * Returns true when the whole quoted header is there; *port is the quoted TCP/UDP
 * destination port if captured, else 0. */
static bool quote_v4(const uint8_t *q, size_t n, uint16_t *port)
{
    size_t ihl;

    if (n < 20 || (q[0] >> 4) != 4)
        return false;
    ihl = (size_t)(q[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > n)
        return false;
    *port = 0;
    if ((q[9] == IPP_TCP || q[9] == IPP_UDP) && (be16(q + 6) & 0x1fff) == 0 && n - ihl >= 4)
        *port = be16(q + ihl + 2);
    return true;
}

static bool quote_v6(const uint8_t *q, size_t n, uint16_t *port)
{
    size_t off = 40;
    uint8_t nh, frag = PKT_FRAG_NONE;

    if (n < 40 || (q[0] >> 4) != 6)
        return false;
    *port = 0;
    nh = q[6];
    if (v6_walk(q, n, &off, &nh, &frag) && (nh == IPP_TCP || nh == IPP_UDP) && n - off >= 4)
        *port = be16(q + off + 2);
    return true;
}

/* ICMP (v6 false) or ICMPv6 (v6 true): echo request, echo reply, errors with a quote. */
static void classify_icmp(const uint8_t *t, size_t n, bool v6, struct pkt *p)
{
    unsigned type;
    uint16_t port = 0;
    bool quoted;

    if (n < ICMP_HDR_LEN)
        return;
    type = t[0];
    if (type == (v6 ? 128u : 8u)) {
        p->cls = DK_ICMP_ECHO;
        return;
    }
    if (type == (v6 ? 129u : 0u)) {
        p->cls = DK_BACKSCATTER;
        return;
    }
    if (v6 ? (type == 1 || type == 3) : (type == 3 || type == 11)) {
        quoted = v6 ? quote_v6(t + 8, n - 8, &port) : quote_v4(t + 8, n - 8, &port);
        if (quoted) {
            p->cls = DK_BACKSCATTER;
            p->port = port;
        }
    }
}

/* Classifies the transport header t/n (n already bounded by caplen and IP length).
 * p->cls and p->port start as other/0 and are only raised when a header is whole. */
static void classify(unsigned proto, const uint8_t *t, size_t n, bool v6, struct pkt *p)
{
    p->proto = (uint8_t)proto;
    p->cls = DK_OTHER;
    p->port = 0;
    switch (proto) {
    case IPP_TCP:
        classify_tcp(t, n, p);
        break;
    case IPP_UDP:
        if (n >= UDP_HDR_LEN) {
            p->cls = DK_UDP;
            p->port = be16(t + 2);
        }
        break;
    case IPP_ICMP:
        if (!v6)
            classify_icmp(t, n, false, p);
        break;
    case IPP_ICMPV6:
        if (v6)
            classify_icmp(t, n, true, p);
        break;
    default:
        break;
    }
}

/* IPv4: ver/ihl(1) tos(1) total_len(2) id(2) flags/frag_off(2) ttl(1) proto(1) csum(2)
 *       src(4) dst(4) [options] */
static enum decode_result decode_ipv4(const uint8_t *d, size_t len, struct pkt *p)
{
    size_t ihl, tot, end;
    unsigned ff;

    if (len < 20 || (d[0] >> 4) != 4)
        return DECODE_BAD;
    ihl = (size_t)(d[0] & 0x0f) * 4;
    tot = be16(d + 2);
    if (ihl < 20 || ihl > len || tot < ihl)
        return DECODE_BAD;
    set_v4(&p->src, d + 12);
    set_v4(&p->dst, d + 16);
    p->ip_len = (uint32_t)tot;
    p->ipver = 4;
    end = tot < len ? tot : len;
    ff = be16(d + 6); /* res(1) DF(1) MF(1) offset(13) */
    if (ff & 0x1fff) {
        p->frag = PKT_FRAG_LATER;
        p->proto = d[9];
        p->cls = DK_OTHER;
        p->port = 0;
        return DECODE_IP;
    }
    p->frag = (ff & 0x2000) ? PKT_FRAG_FIRST : PKT_FRAG_NONE;
    classify(d[9], d + ihl, end - ihl, false, p);
    return DECODE_IP;
}

/* IPv6: ver/tc/flow(4) payload_len(2) next(1) hops(1) src(16) dst(16) */
static enum decode_result decode_ipv6(const uint8_t *d, size_t len, struct pkt *p)
{
    size_t plen, end, off = 40;
    uint8_t nh, frag = PKT_FRAG_NONE;

    if (len < 40 || (d[0] >> 4) != 6)
        return DECODE_BAD;
    memcpy(p->src.b, d + 8, 16);
    memcpy(p->dst.b, d + 24, 16);
    plen = be16(d + 4);
    p->ip_len = (uint32_t)plen + 40;
    p->ipver = 6;
    /* Payload length 0 is a jumbogram (or empty): bound by what was captured. */
    end = (plen == 0 || plen + 40 > len) ? len : plen + 40;
    nh = d[6];
    if (!is_v6_ext(nh)) {
        p->frag = PKT_FRAG_NONE;
        classify(nh, d + 40, end - 40, true, p);
        return DECODE_IP;
    }
    if (v6_walk(d, end, &off, &nh, &frag)) {
        p->frag = frag;
        classify(nh, d + off, end - off, true, p);
        return DECODE_IP;
    }
    p->frag = frag;
    p->proto = nh;
    p->cls = DK_OTHER;
    p->port = 0;
    return DECODE_IP;
}

static enum decode_result decode_ip(const uint8_t *d, size_t len, struct pkt *p)
{
    if (len == 0)
        return DECODE_BAD;
    switch (d[0] >> 4) {
    case 4:
        return decode_ipv4(d, len, p);
    case 6:
        return decode_ipv6(d, len, p);
    default:
        return DECODE_BAD;
    }
}

/* Follows VLAN tags from an Ethernet type at d/len (d just after the type field). */
static enum decode_result decode_ethertype(unsigned type, const uint8_t *d, size_t len,
                                           struct pkt *p)
{
    for (int tags = 0; type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD; tags++) {
        if (tags == DECODE_VLAN_MAX || len < 4)
            return DECODE_BAD;
        type = be16(d + 2);
        d += 4;
        len -= 4;
    }
    if (type == ETH_IPV4)
        return decode_ipv4(d, len, p);
    if (type == ETH_IPV6)
        return decode_ipv6(d, len, p);
    return DECODE_NOT_IP;
}

/* BSD address families: AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD,
 * OpenBSD), 28 (FreeBSD), 30 (macOS). */
static enum decode_result decode_family(uint32_t fam, const uint8_t *d, size_t len, struct pkt *p)
{
    switch (fam) {
    case 2:
        return decode_ipv4(d, len, p);
    case 10:
    case 24:
    case 28:
    case 30:
        return decode_ipv6(d, len, p);
    default:
        return DECODE_NOT_IP;
    }
}

static enum decode_result decode_null(const uint8_t *d, size_t len, struct pkt *p)
{
    uint32_t fam;

    if (len < 4)
        return DECODE_BAD;
    /* Written in the capturing host's byte order, which the file does not tell
     * reliably: families are small, so the order that gives a small value wins. */
    fam = (uint32_t)d[3] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[1] << 8 | d[0];
    if (fam > 0xffff)
        fam = be32(d);
    return decode_family(fam, d + 4, len - 4, p);
}

enum decode_result observe_decode_packet(int linktype, const uint8_t *data, size_t caplen,
                                         struct pkt *p)
{
    switch (linktype) {
    case DECODE_LT_EN10MB:
        if (caplen < 14)
            return DECODE_BAD;
        return decode_ethertype(be16(data + 12), data + 14, caplen - 14, p);
    case DECODE_LT_RAW:
    case DECODE_LT_RAW12:
    case DECODE_LT_RAW14:
        return decode_ip(data, caplen, p);
    case DECODE_LT_IPV4:
        return decode_ipv4(data, caplen, p);
    case DECODE_LT_IPV6:
        return decode_ipv6(data, caplen, p);
    case DECODE_LT_SLL:
        if (caplen < 16)
            return DECODE_BAD;
        return decode_ethertype(be16(data + 14), data + 16, caplen - 16, p);
    case DECODE_LT_SLL2:
        if (caplen < 20)
            return DECODE_BAD;
        return decode_ethertype(be16(data), data + 20, caplen - 20, p);
    case DECODE_LT_NULL:
        return decode_null(data, caplen, p);
    case DECODE_LT_LOOP:
        if (caplen < 4)
            return DECODE_BAD;
        return decode_family(be32(data), data + 4, caplen - 4, p);
    default:
        return DECODE_NOT_IP;
    }
}
