/* test_decode.c - unit tests of the darknet packet decoder (observe/decode.c): every
 * class and service-port rule of docs/darknet.md, IP length, fragments, IPv6 extension
 * headers, ICMP errors with and without a quote, truncation, and each link type. Packets
 * are built byte by byte in a frame buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "observe/decode.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static const uint8_t v4_src[4] = {198, 51, 100, 7};
static const uint8_t v4_dst[4] = {192, 0, 2, 1};
static const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
static const uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};

/* A frame under construction. */
struct fr {
    uint8_t b[4096];
    size_t n;
};

static void put(struct fr *f, const void *p, size_t n)
{
    assert_true(f->n + n <= sizeof(f->b));
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static void put8(struct fr *f, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(f, &b, 1);
}

static void put16(struct fr *f, unsigned v)
{
    put8(f, v >> 8);
    put8(f, v);
}

static void put32(struct fr *f, uint32_t v)
{
    put16(f, v >> 16);
    put16(f, v & 0xffff);
}

static void zeros(struct fr *f, size_t n)
{
    while (n--)
        put8(f, 0);
}

static void tcp(struct fr *f, unsigned sport, unsigned dport, unsigned flags)
{
    put16(f, sport);
    put16(f, dport);
    put32(f, 1);
    put32(f, 0);
    put8(f, 5 << 4);
    put8(f, flags);
    put16(f, 65535);
    put32(f, 0);
}

static void udp(struct fr *f, unsigned sport, unsigned dport)
{
    put16(f, sport);
    put16(f, dport);
    put16(f, 8);
    put16(f, 0);
}

static void icmp(struct fr *f, unsigned type, unsigned code)
{
    put8(f, type);
    put8(f, code);
    put16(f, 0);
    put32(f, 0);
}

/* IPv4 header with IHL 5 (+opt_words*4 of options); total length 0 means "fix later". */
static size_t ipv4(struct fr *f, unsigned proto, unsigned frag, unsigned opt_words)
{
    size_t at = f->n;

    put8(f, 0x40 | (5 + opt_words));
    put8(f, 0);
    put16(f, 0);
    put16(f, 1);
    put16(f, frag);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0);
    put(f, v4_src, 4);
    put(f, v4_dst, 4);
    for (unsigned i = 0; i < opt_words; i++)
        put32(f, 0x01010100);
    return at;
}

static size_t ipv6(struct fr *f, unsigned nh)
{
    size_t at = f->n;

    put32(f, 0x60000000);
    put16(f, 0);
    put8(f, nh);
    put8(f, 64);
    put(f, v6_src, 16);
    put(f, v6_dst, 16);
    return at;
}

/* Sets the IP length field of the header at `at` from the bytes written after it. */
static void fix_len(struct fr *f, size_t at)
{
    size_t len = f->n - at;

    if ((f->b[at] >> 4) == 6)
        len -= 40;
    f->b[at + (f->b[at] >> 4 == 4 ? 2 : 4)] = (uint8_t)(len >> 8);
    f->b[at + (f->b[at] >> 4 == 4 ? 3 : 5)] = (uint8_t)len;
}

/* IPv6 extension header of (len8 + 1) * 8 bytes. */
static void ext(struct fr *f, unsigned nh, unsigned len8)
{
    put8(f, nh);
    put8(f, len8);
    zeros(f, 6 + 8 * (size_t)len8);
}

static void frag6(struct fr *f, unsigned nh, unsigned offset, int more)
{
    put8(f, nh);
    put8(f, 0);
    put16(f, offset << 3 | (more ? 1 : 0));
    put32(f, 7);
}

static void eth_hdr(struct fr *f, unsigned type)
{
    zeros(f, 12);
    put16(f, type);
}

static enum decode_result dec(int lt, const struct fr *f, struct pkt *p)
{
    return observe_decode_packet(lt, f->b, f->n, p);
}

static void expect(const struct pkt *p, unsigned cls, unsigned port, unsigned proto)
{
    assert_int_equal(p->cls, cls);
    assert_int_equal(p->port, port);
    assert_int_equal(p->proto, proto);
}

/* Raw IPv4 packet: proto, transport built by fn-like steps in the test. */
static void v4_tcp(struct fr *f, unsigned sport, unsigned dport, unsigned flags)
{
    size_t at = ipv4(f, 6, 0, 0);
    tcp(f, sport, dport, flags);
    fix_len(f, at);
}

/* ---- TCP ---------------------------------------------------------------------- */

static void test_tcp_syn(void **state)
{
    struct fr f = {0};
    struct pkt p;
    static const uint8_t mapped_src[16] = {[10] = 0xff, 0xff, 198, 51, 100, 7};
    static const uint8_t mapped_dst[16] = {[10] = 0xff, 0xff, 192, 0, 2, 1};

    (void)state;
    v4_tcp(&f, 40000, 23, TH_SYN);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_TCP_SYN, 23, 6);
    assert_int_equal(p.ipver, 4);
    assert_int_equal(p.ip_len, 40);
    assert_int_equal(p.frag, PKT_FRAG_NONE);
    assert_memory_equal(p.src.b, mapped_src, 16);
    assert_memory_equal(p.dst.b, mapped_dst, 16);
}

static void test_tcp_flag_rules(void **state)
{
    static const struct {
        unsigned flags, cls, port;
    } cases[] = {
        {TH_SYN, DK_TCP_SYN, 23},
        {TH_SYN | TH_FIN | TH_PSH, DK_TCP_SYN, 23},
        {TH_SYN | TH_ACK, DK_BACKSCATTER, 40000},
        {TH_RST, DK_BACKSCATTER, 40000},
        {TH_RST | TH_ACK, DK_BACKSCATTER, 40000},
        {TH_SYN | TH_RST, DK_BACKSCATTER, 40000},
        {TH_SYN | TH_RST | TH_ACK, DK_BACKSCATTER, 40000},
        {TH_SYN | TH_ACK | TH_FIN, DK_BACKSCATTER, 40000},
        {TH_ACK, DK_OTHER, 23},
        {0, DK_OTHER, 23},
        {TH_FIN, DK_OTHER, 23},
        {TH_FIN | TH_PSH | 0x20, DK_OTHER, 23},
        {TH_FIN | TH_ACK, DK_OTHER, 23},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fr f = {0};
        struct pkt p;

        v4_tcp(&f, 40000, 23, cases[i].flags);
        assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
        expect(&p, cases[i].cls, cases[i].port, 6);
    }
}

static void test_tcp_truncated_is_other(void **state)
{
    struct fr f = {0};
    struct pkt p;

    (void)state;
    v4_tcp(&f, 80, 23, TH_SYN);
    f.n -= 1; /* 19 bytes of TCP captured */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 6);
    assert_int_equal(p.ip_len, 40); /* bytes come from the IP header, not caplen */
}

static void test_transport_bounded_by_ip_length(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 6, 0, 0);

    (void)state;
    tcp(&f, 80, 23, TH_SYN);
    fix_len(&f, at);
    f.b[3] = 30; /* IP says 30 bytes: the TCP header lies past the datagram */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 6);
    assert_int_equal(p.ip_len, 30);
}

static void test_ethernet_padding_ignored(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at;

    (void)state;
    eth_hdr(&f, 0x0800);
    at = ipv4(&f, 17, 0, 0);
    udp(&f, 1234, 161);
    fix_len(&f, at);
    zeros(&f, 18);
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 161, 17);
    assert_int_equal(p.ip_len, 28);
}

/* ---- UDP, ICMP, other ------------------------------------------------------------- */

static void test_udp(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 17, 0, 0);

    (void)state;
    udp(&f, 5000, 53);
    zeros(&f, 5);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 53, 17);
    assert_int_equal(p.ip_len, 33);
    f.n = 27; /* 7 bytes of UDP */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 17);
}

static void test_ipv4_options(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 17, 0, 2);

    (void)state;
    udp(&f, 1, 4444);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 4444, 17);
    assert_int_equal(p.ip_len, 36);
}

static void test_icmp_echo(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 1, 0, 0);

    (void)state;
    icmp(&f, 8, 0);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_ICMP_ECHO, 0, 1);
    f.b[20] = 0; /* echo reply */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 1);
    f.b[20] = 13; /* timestamp request */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
    f.b[20] = 8;
    f.n = 27; /* 7 bytes of ICMP */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
}

/* ICMPv4 error of type/code quoting a packet whose transport is TCP to dport (truncated
 * to quote_len bytes of the quoted datagram). */
static void icmp4_error(struct fr *f, unsigned type, unsigned qproto, unsigned qfrag,
                        size_t quote_len)
{
    struct fr q = {0};
    size_t at = ipv4(f, 1, 0, 0), qat = ipv4(&q, qproto, qfrag, 0);

    if (qproto == 17)
        udp(&q, 40000, 53);
    else
        tcp(&q, 40000, 8080, TH_SYN);
    fix_len(&q, qat);
    icmp(f, type, 3);
    put(f, q.b, quote_len < q.n ? quote_len : q.n);
    fix_len(f, at);
}

static void test_icmp_error_quotes(void **state)
{
    struct fr f;
    struct pkt p;

    (void)state;
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 28); /* usual 8-byte quote of TCP */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 8080, 1);
    f.n = 0;
    icmp4_error(&f, 11, 17, 0, 100);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 53, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 23); /* header and 3 bytes: no dst port */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 24); /* just the dst port */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 8080, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 19); /* quoted header incomplete */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 0); /* no quote at all */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 5, 28); /* quoted later fragment: no transport */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 3, 47, 0, 28); /* quoted GRE */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 5, 6, 0, 28); /* redirect: not backscatter */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
    f.n = 0;
    icmp4_error(&f, 3, 6, 0, 28);
    f.b[28] = 0x65; /* quoted version 6 in ICMPv4 */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
    f.b[28] = 0x46; /* quoted IHL 6: the ports are read 24 bytes in, from the TCP */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP); /* sequence number 1 */
    expect(&p, DK_BACKSCATTER, 1, 1);
    f.b[28] = 0x44; /* quoted IHL < 5 */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);
}

static void test_other_protocols(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 47, 0, 0);

    (void)state;
    zeros(&f, 16);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 47);
    f.b[9] = 58; /* ICMPv6 number inside IPv4 */
    f.b[20] = 128;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 58);
}

/* ---- fragments -------------------------------------------------------------------- */

static void test_ipv4_fragments(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 17, 0x2000, 0); /* MF, offset 0 */

    (void)state;
    udp(&f, 1, 161);
    zeros(&f, 16);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 161, 17);
    assert_int_equal(p.frag, PKT_FRAG_FIRST);
    assert_int_equal(p.ip_len, 44);
    f.b[6] = 0x20; /* MF, offset 3 */
    f.b[7] = 3;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 17);
    assert_int_equal(p.frag, PKT_FRAG_LATER);
    f.b[6] = 0; /* last fragment: offset 3, MF clear */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 17);
    assert_int_equal(p.frag, PKT_FRAG_LATER);
    f.b[6] = 0x40; /* DF only: not a fragment */
    f.b[7] = 0;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 161, 17);
    assert_int_equal(p.frag, PKT_FRAG_NONE);
}

/* ---- IPv6 ----------------------------------------------------------------------- */

static void test_ipv6_basic(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv6(&f, 6);

    (void)state;
    tcp(&f, 1, 22, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_TCP_SYN, 22, 6);
    assert_int_equal(p.ipver, 6);
    assert_int_equal(p.ip_len, 60);
    assert_int_equal(p.frag, PKT_FRAG_NONE);
    assert_memory_equal(p.src.b, v6_src, 16);
    assert_memory_equal(p.dst.b, v6_dst, 16);
    f.n = 50; /* snapped: ip_len still from the header */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 6);
    assert_int_equal(p.ip_len, 60);
}

static void test_ipv6_ext_headers(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv6(&f, 0);

    (void)state;
    ext(&f, 43, 1);
    ext(&f, 60, 0);
    ext(&f, 17, 2);
    udp(&f, 9, 123);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_UDP, 123, 17);
    assert_int_equal(p.ip_len, 40 + 16 + 8 + 24 + 8);
    f.n -= 9; /* last ext header cut: other */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    assert_int_equal(p.cls, DK_OTHER);
    assert_int_equal(p.port, 0);
}

static void test_ipv6_ext_limits(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv6(&f, 60);

    (void)state;
    for (int i = 0; i < DECODE_EXT_MAX - 1; i++)
        ext(&f, 60, 0);
    ext(&f, 6, 0);
    tcp(&f, 1, 80, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP); /* exactly the limit */
    expect(&p, DK_TCP_SYN, 80, 6);
    f.n = 0;
    at = ipv6(&f, 60);
    for (int i = 0; i < DECODE_EXT_MAX; i++)
        ext(&f, 60, 0);
    ext(&f, 6, 0);
    tcp(&f, 1, 80, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP); /* one too many */
    expect(&p, DK_OTHER, 0, 60);
    f.n = 0;
    at = ipv6(&f, 51); /* AH ends the walk */
    ext(&f, 6, 1);
    tcp(&f, 1, 80, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 51);
    f.b[6] = 59; /* no next header */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 59);
}

static void test_ipv6_fragments(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv6(&f, 0);

    (void)state;
    ext(&f, 44, 0);
    frag6(&f, 6, 0, 1);
    tcp(&f, 7, 445, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_TCP_SYN, 445, 6);
    assert_int_equal(p.frag, PKT_FRAG_FIRST);
    f.b[48 + 2] = 0x03; /* offset 100 (800 >> 3), M clear: later (last) fragment */
    f.b[48 + 3] = 0x20;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 6);
    assert_int_equal(p.frag, PKT_FRAG_LATER);
    f.b[48 + 2] = 0; /* atomic fragment: offset 0, M clear */
    f.b[48 + 3] = 0;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_TCP_SYN, 445, 6);
    assert_int_equal(p.frag, PKT_FRAG_NONE);
}

static void icmp6_error(struct fr *f, unsigned type, size_t quote_len)
{
    struct fr q = {0};
    size_t at = ipv6(f, 58), qat = ipv6(&q, 60);

    ext(&q, 17, 0);
    udp(&q, 40000, 5353);
    fix_len(&q, qat);
    icmp(f, type, 0);
    put(f, q.b, quote_len < q.n ? quote_len : q.n);
    fix_len(f, at);
}

static void test_icmpv6(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv6(&f, 58);

    (void)state;
    icmp(&f, 128, 0);
    fix_len(&f, at);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_ICMP_ECHO, 0, 58);
    f.b[40] = 129;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 58);
    f.b[40] = 135; /* neighbour solicitation */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 58);
    f.b[6] = 1; /* ICMPv4 number inside IPv6 */
    f.b[40] = 8;
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 1);

    f.n = 0;
    icmp6_error(&f, 1, 1000);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 5353, 58);
    f.n = 0;
    icmp6_error(&f, 3, 48); /* quote ends after the extension header */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_BACKSCATTER, 0, 58);
    f.n = 0;
    icmp6_error(&f, 1, 39);
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 58);
    f.n = 0;
    icmp6_error(&f, 2, 1000); /* packet too big: not backscatter */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_IP);
    expect(&p, DK_OTHER, 0, 58);
}

/* ---- malformed IP ---------------------------------------------------------------- */

static void test_bad_ip(void **state)
{
    struct fr f = {0};
    struct pkt p;
    size_t at = ipv4(&f, 6, 0, 0);

    (void)state;
    tcp(&f, 1, 2, TH_SYN);
    fix_len(&f, at);
    assert_int_equal(observe_decode_packet(DECODE_LT_RAW, f.b, 19, &p), DECODE_BAD);
    assert_int_equal(observe_decode_packet(DECODE_LT_RAW, f.b, 0, &p), DECODE_BAD);
    f.b[0] = 0x44; /* IHL 4 */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_BAD);
    f.b[0] = 0x4f; /* IHL 15 = 60 bytes > 40 captured */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_BAD);
    f.b[0] = 0x45;
    f.b[2] = 0;
    f.b[3] = 19; /* total length below the header */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_BAD);
    f.b[3] = 40;
    f.b[0] = 0x55; /* version 5 */
    assert_int_equal(dec(DECODE_LT_RAW, &f, &p), DECODE_BAD);
    f.b[0] = 0x65; /* version 6 but only 40 bytes of junk: fine length, v6 header */
    assert_int_equal(dec(DECODE_LT_IPV4, &f, &p), DECODE_BAD);
    f.n = 0;
    ipv6(&f, 59);
    assert_int_equal(observe_decode_packet(DECODE_LT_RAW, f.b, 39, &p), DECODE_BAD);
    assert_int_equal(dec(DECODE_LT_IPV4, &f, &p), DECODE_BAD);
    assert_int_equal(dec(DECODE_LT_IPV6, &f, &p), DECODE_IP);
}

/* ---- link types ---------------------------------------------------------------- */

/* The IPv4 UDP/53 packet every link-layer test wraps. */
static void payload_v4(struct fr *f)
{
    size_t at = ipv4(f, 17, 0, 0);
    udp(f, 1000, 53);
    fix_len(f, at);
}

static void payload_v6(struct fr *f)
{
    size_t at = ipv6(f, 6);
    tcp(f, 1000, 22, TH_SYN);
    fix_len(f, at);
}

static void expect_v4(int lt, const struct fr *f)
{
    struct pkt p;

    assert_int_equal(dec(lt, f, &p), DECODE_IP);
    assert_int_equal(p.ipver, 4);
    expect(&p, DK_UDP, 53, 17);
}

static void expect_v6(int lt, const struct fr *f)
{
    struct pkt p;

    assert_int_equal(dec(lt, f, &p), DECODE_IP);
    assert_int_equal(p.ipver, 6);
    expect(&p, DK_TCP_SYN, 22, 6);
}

static void test_ethernet_and_vlans(void **state)
{
    struct fr f = {0};
    struct pkt p;

    (void)state;
    eth_hdr(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_EN10MB, &f);
    f.n = 0;
    eth_hdr(&f, 0x86dd);
    payload_v6(&f);
    expect_v6(DECODE_LT_EN10MB, &f);
    f.n = 0;
    eth_hdr(&f, 0x8100); /* 802.1Q */
    put16(&f, 5);
    put16(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_EN10MB, &f);
    f.n = 0;
    eth_hdr(&f, 0x88a8); /* QinQ: 802.1ad outer, 802.1Q inner */
    put16(&f, 1);
    put16(&f, 0x8100);
    put16(&f, 2);
    put16(&f, 0x86dd);
    payload_v6(&f);
    expect_v6(DECODE_LT_EN10MB, &f);
    f.n = 0;
    eth_hdr(&f, 0x9100);
    for (int i = 1; i < DECODE_VLAN_MAX; i++) {
        put16(&f, 1);
        put16(&f, 0x8100);
    }
    put16(&f, 1);
    put16(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_EN10MB, &f); /* exactly the limit of tags */
    f.n = 0;
    eth_hdr(&f, 0x8100);
    for (int i = 0; i < DECODE_VLAN_MAX; i++) {
        put16(&f, 1);
        put16(&f, 0x8100);
    }
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_BAD); /* one too many */
    f.n = 0;
    eth_hdr(&f, 0x8100);
    put16(&f, 1);
    put8(&f, 8); /* tag cut short */
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_BAD);
    f.n = 0;
    eth_hdr(&f, 0x0806); /* ARP */
    zeros(&f, 28);
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_NOT_IP);
    f.b[12] = 0;
    f.b[13] = 28; /* 802.3 length field */
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_NOT_IP);
    assert_int_equal(observe_decode_packet(DECODE_LT_EN10MB, f.b, 13, &p), DECODE_BAD);
    f.n = 0;
    eth_hdr(&f, 0x0800);
    payload_v6(&f); /* IPv4 type, version 6 inside */
    assert_int_equal(dec(DECODE_LT_EN10MB, &f, &p), DECODE_BAD);
}

static void sll_hdr(struct fr *f, unsigned proto)
{
    put16(f, 0);
    put16(f, 1);
    put16(f, 6);
    zeros(f, 8);
    put16(f, proto);
}

static void sll2_hdr(struct fr *f, unsigned proto)
{
    put16(f, proto);
    put16(f, 0);
    put32(f, 3);
    put16(f, 1);
    put8(f, 0);
    put8(f, 6);
    zeros(f, 8);
}

static void test_sll(void **state)
{
    struct fr f = {0};
    struct pkt p;

    (void)state;
    sll_hdr(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_SLL, &f);
    f.n = 0;
    sll_hdr(&f, 0x86dd);
    payload_v6(&f);
    expect_v6(DECODE_LT_SLL, &f);
    f.n = 0;
    sll_hdr(&f, 0x8100);
    put16(&f, 9);
    put16(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_SLL, &f);
    f.n = 0;
    sll_hdr(&f, 0x0806);
    zeros(&f, 28);
    assert_int_equal(dec(DECODE_LT_SLL, &f, &p), DECODE_NOT_IP);
    assert_int_equal(observe_decode_packet(DECODE_LT_SLL, f.b, 15, &p), DECODE_BAD);
}

static void test_sll2(void **state)
{
    struct fr f = {0};
    struct pkt p;

    (void)state;
    sll2_hdr(&f, 0x0800);
    payload_v4(&f);
    expect_v4(DECODE_LT_SLL2, &f);
    f.n = 0;
    sll2_hdr(&f, 0x86dd);
    payload_v6(&f);
    expect_v6(DECODE_LT_SLL2, &f);
    f.n = 0;
    sll2_hdr(&f, 0x88cc); /* LLDP */
    zeros(&f, 20);
    assert_int_equal(dec(DECODE_LT_SLL2, &f, &p), DECODE_NOT_IP);
    assert_int_equal(observe_decode_packet(DECODE_LT_SLL2, f.b, 19, &p), DECODE_BAD);
}

static void family_hdr(struct fr *f, uint32_t fam, int little)
{
    if (little) {
        put8(f, fam & 0xff);
        put8(f, fam >> 8);
        put16(f, 0);
    } else {
        put32(f, fam);
    }
}

static void test_null_and_loop(void **state)
{
    static const uint32_t v6fams[] = {10, 24, 28, 30};
    struct fr f = {0};
    struct pkt p;

    (void)state;
    for (int little = 0; little <= 1; little++) {
        f.n = 0;
        family_hdr(&f, 2, little);
        payload_v4(&f);
        expect_v4(DECODE_LT_NULL, &f);
        for (size_t i = 0; i < 4; i++) {
            f.n = 0;
            family_hdr(&f, v6fams[i], little);
            payload_v6(&f);
            expect_v6(DECODE_LT_NULL, &f);
        }
        f.n = 0;
        family_hdr(&f, 7, little); /* unknown family */
        payload_v4(&f);
        assert_int_equal(dec(DECODE_LT_NULL, &f, &p), DECODE_NOT_IP);
    }
    f.n = 0;
    family_hdr(&f, 2, 0);
    payload_v4(&f);
    expect_v4(DECODE_LT_LOOP, &f);
    f.n = 0;
    family_hdr(&f, 28, 0);
    payload_v6(&f);
    expect_v6(DECODE_LT_LOOP, &f);
    f.n = 0;
    family_hdr(&f, 2, 1); /* LOOP is always network order */
    payload_v4(&f);
    assert_int_equal(dec(DECODE_LT_LOOP, &f, &p), DECODE_NOT_IP);
    assert_int_equal(observe_decode_packet(DECODE_LT_LOOP, f.b, 3, &p), DECODE_BAD);
    assert_int_equal(observe_decode_packet(DECODE_LT_NULL, f.b, 3, &p), DECODE_BAD);
}

static void test_raw_link_types(void **state)
{
    static const int raw[] = {DECODE_LT_RAW, DECODE_LT_RAW12, DECODE_LT_RAW14};
    struct fr f4 = {0}, f6 = {0};
    struct pkt p;

    (void)state;
    payload_v4(&f4);
    payload_v6(&f6);
    for (size_t i = 0; i < 3; i++) {
        expect_v4(raw[i], &f4);
        expect_v6(raw[i], &f6);
    }
    expect_v4(DECODE_LT_IPV4, &f4);
    expect_v6(DECODE_LT_IPV6, &f6);
    assert_int_equal(dec(DECODE_LT_IPV4, &f6, &p), DECODE_BAD);
    assert_int_equal(dec(DECODE_LT_IPV6, &f4, &p), DECODE_BAD);
    assert_int_equal(dec(147, &f4, &p), DECODE_NOT_IP);
}

static void test_linktype_ok(void **state)
{
    static const int ok[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(observe_decode_linktype_ok(ok[i]));
    assert_false(observe_decode_linktype_ok(-1));
    assert_false(observe_decode_linktype_ok(105));
    assert_false(observe_decode_linktype_ok(127));
    assert_false(observe_decode_linktype_ok(147));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_syn),
        cmocka_unit_test(test_tcp_flag_rules),
        cmocka_unit_test(test_tcp_truncated_is_other),
        cmocka_unit_test(test_transport_bounded_by_ip_length),
        cmocka_unit_test(test_ethernet_padding_ignored),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_ipv4_options),
        cmocka_unit_test(test_icmp_echo),
        cmocka_unit_test(test_icmp_error_quotes),
        cmocka_unit_test(test_other_protocols),
        cmocka_unit_test(test_ipv4_fragments),
        cmocka_unit_test(test_ipv6_basic),
        cmocka_unit_test(test_ipv6_ext_headers),
        cmocka_unit_test(test_ipv6_ext_limits),
        cmocka_unit_test(test_ipv6_fragments),
        cmocka_unit_test(test_icmpv6),
        cmocka_unit_test(test_bad_ip),
        cmocka_unit_test(test_ethernet_and_vlans),
        cmocka_unit_test(test_sll),
        cmocka_unit_test(test_sll2),
        cmocka_unit_test(test_null_and_loop),
        cmocka_unit_test(test_raw_link_types),
        cmocka_unit_test(test_linktype_ok),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
