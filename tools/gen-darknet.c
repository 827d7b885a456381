/* gen-darknet.c - synthetic network-telescope (darknet) traffic with exact ground truth.
 *
 * Writes a pcap or pcapng capture of what a darknet sensor sees during --hours hours,
 * and a JSON file holding the exact numbers docs/darknet.md defines, computed from the
 * packets as they are written (never from ooda's code). ooda's tests, demo and benchmark
 * use it.
 *
 * Traffic model (all rates scale with --packets):
 *  - scanners: a population of --scanners sources with Zipf (s = 1.1) packet rates, so most
 *    send a handful of packets a day and the few at the head send tens of thousands. Each
 *    has a profile: Mirai-like telnet SYN scans (23 far more than 2323), IoT exploit ports
 *    (5555, 37215, 52869, 7547, ...), generic TCP services (445, 22, 80, 3389, 1433, ...),
 *    UDP probes with real payloads (DNS, NTP, SNMP, SSDP, SIP, memcached, NetBIOS), ICMP
 *    echo sweeps, mixed, and multi-port "research" scanners at the head of the ranking.
 *    Each has a tool style (Mirai, zmap, masscan, nmap, OS stack: SYN options, window,
 *    IP ID, source ports), is active only in some hours with a diurnal curve, and picks
 *    destinations uniformly in the darknet, so counts of distinct destinations fall on
 *    both sides of the scanner threshold. A few vertical scanners walk hundreds of ports
 *    on a few addresses.
 *  - threshold cases: sources with exactly 15, 16 and 17 distinct destinations, 16
 *    destinations without any probe, 16 with a single probe, 10 + 10 destinations on two
 *    days; DoS victims with exactly 7 and 8 backscatter packets, with "other" packets mixed
 *    in, and 5 + 5 over two days.
 *  - a worm outbreak: from --worm-hour, --worm-sources new residential sources SYN-scan
 *    --worm-port (60 % start in that hour, the rest in the next two).
 *  - DoS backscatter from a few victims in bursts: SYN-ACK / RST-ACK / RST from the
 *    attacked service port to random darknet addresses and high ports, ICMP port or host
 *    unreachable and time exceeded quoting the original IPv4/IPv6 header + 8 bytes (a few
 *    quote the IP header only), echo replies.
 *  - misconfiguration and odd traffic: syslog and NetFlow to fixed addresses, stale TCP
 *    ACK/FIN, GRE and ESP, IPv4 and IPv6 fragments (first fragments and orphan later ones),
 *    ICMP types that are not echo or errors, unquoted ICMP errors, SYN+FIN / NULL / Xmas
 *    scans, packets cut short by the capture length, IPv4 options, IPv6 extension headers.
 *  - noise: --noise-outside packets to addresses outside every darknet prefix, and ARP and
 *    LLDP frames on Ethernet, some frames with 802.1Q or QinQ tags.
 *  Sources are public addresses from real allocations of networks commonly seen scanning
 *  (and a quarter uniformly from the public IPv4 space), never special-purpose ranges or
 *  the darknet, so geo_lookup maps them to real countries and ASNs.
 *
 * How it works: the entity table (one row per source) is built first from --seed. Time is
 * then walked hour by hour: each entity draws its packet count for the hour, the events
 * (time, entity) are radix-sorted by time and emitted in order, so timestamps never go
 * backwards. Packet contents come from a separate RNG stream consumed in emission order,
 * so the output is a pure function of the arguments. Frames go through one large buffer.
 * The truth stays exact with open-addressing tables: per source a set of destination
 * indices, each with the last day it was hit (per-day distinct counts); per (source, day,
 * port, class) a bitmap of the hours active (distinct and new sources per hour); per
 * (hour, port, class) packets. Single-threaded.
 *
 * Truth JSON: darknet, start, hours, seed, format, linktype, scanner_threshold,
 * victim_threshold; packets, bytes, sources, scanners, backscatter_victims (darknet IP
 * packets only; scanners and victims qualify on at least one UTC day); classes {tcp_syn,
 * udp, icmp_echo, backscatter, other}; fragments; outside; non_ip; frames (all written);
 * top_sources (20 by packets, ties by address text: ip, packets, bytes, dsts, ports =
 * distinct service port numbers including 0, scanner, victim, country, asn); top_ports (20
 * (port, class) pairs by packets, ties by port then class: port, class, packets, sources);
 * port_hours (for the top 5 pairs, then the worm pair unless among them, every hour in
 * order: hour, port, class, packets, sources, new_sources); countries {CC: {packets,
 * sources}}; asns {N: {packets, sources}}; worm {port, class, start_hour, sources = worm
 * hosts that sent at least one packet}.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "geo/geo.h"
#include "util/util.h"

#define SCANNER_THRESHOLD 16 /* docs/darknet.md defaults */
#define VICTIM_THRESHOLD  8
#define HOUR_US           3600000000ULL
#define MAX_HOURS         (24u * 255u) /* at most 256 UTC days: see struct srcst */
#define DST_BITS          23           /* destination indices per darknet prefix: 2^23 */
#define MAX_DARKNETS      16
#define OUT_BUF_SIZE      (8u << 20)
#define TOP_N             20
#define PORT_HOURS_TOP    5
#define PKT_MAX           4096
#define DEFAULT_START     1793577600 /* 2026-11-02T00:00:00Z */

enum cls { C_SYN, C_UDP, C_ECHO, C_BS, C_OTHER, C_N };
static const char *const cls_name[C_N] = {"tcp_syn", "udp", "icmp_echo", "backscatter", "other"};

enum kind { K_SCAN, K_VERT, K_NEAR, K_WORM, K_VICTIM, K_MISC, K_OUTSIDE, K_NONIP };
enum sched { S_RATE, S_STEADY, S_FIXED, S_SPLIT, S_WORM, S_BURST, S_EVEN };
enum prof { P_MIRAI, P_IOT, P_TCP, P_UDP, P_ICMP, P_MIXED, P_RESEARCH };
enum style { ST_MIRAI, ST_ZMAP, ST_MASSCAN, ST_NMAP, ST_OS };
enum near_kind { NV_SYN, NV_ACK, NV_ONEPROBE, NV_ICMP, NV_UDP, NV_SPLIT };
enum attack { VA_SYN, VA_UDP, VA_ICMP, VA_MIX };
enum misc {
    M_SYSLOG,
    M_NETFLOW,
    M_STALE,
    M_GRE,
    M_ESP,
    M_FRAG,
    M_FRAG_ORPHAN,
    M_ICMP_OTHER,
    M_TRUNC,
    M_ODD_TCP,
    M_V6
};
enum pref { PREF_ANY, PREF_RESIDENTIAL, PREF_HOSTING };

#define F_V6    0x01
#define F_IPOPT 0x02
#define F_EXT6  0x04

#define EXT_HBH 1
#define EXT_DST 2
#define EXT_RT  4

#define LT_NULL   0
#define LT_EN10MB 1
#define LT_RAW    101
#define LT_LOOP   108
#define LT_SLL    113
#define LT_SLL2   276

/* ---- source address tables ---------------------------------------------------------
 * Ranges taken from @ip-location-db/asn for networks often seen in darknet data, with a
 * weight, and hosting = 0 for access (residential, mobile) networks, 1 for hosting and
 * cloud (research scanners and DoS victims come from these, IoT bots from the others). */
struct src_range {
    uint32_t lo, hi;
    uint8_t weight, hosting;
};
struct src_range6 {
    uint64_t hi64; /* first /64 of the range */
    uint64_t n64;  /* number of /64s in it */
    uint8_t weight, hosting;
};
static const struct src_range src_v4[] = {
    {0x73c8e000u, 0x73dbffffu, 30, 0}, /* AS4134 Chinanet */
    {0x3cab8200u, 0x3cbbffffu, 30, 0}, /* AS4134 Chinanet */
    {0xb792d800u, 0xb7a2e1ffu, 30, 0}, /* AS4134 Chinanet */
    {0x70e0d600u, 0x710500ffu, 14, 0}, /* AS4837 CHINA UNICOM China169 Backbo */
    {0x1bc00000u, 0x1bdfffffu, 14, 0}, /* AS4837 CHINA UNICOM China169 Backbo */
    {0x27400000u, 0x275fffffu, 14, 0}, /* AS4837 CHINA UNICOM China169 Backbo */
    {0x24b54000u, 0x24bfffffu, 8, 0},  /* AS9808 China Mobile */
    {0x24aa6000u, 0x24b4ffffu, 8, 0},  /* AS9808 China Mobile */
    {0xb7dfca00u, 0xb7e7ffffu, 8, 0},  /* AS9808 China Mobile */
    {0x2b230000u, 0x2b4cffffu, 6, 1},  /* AS37963 Hangzhou Alibaba Advertising */
    {0x2b000000u, 0x2b21ffffu, 6, 1},  /* AS37963 Hangzhou Alibaba Advertising */
    {0x2f5c0000u, 0x2f7bffffu, 6, 1},  /* AS37963 Hangzhou Alibaba Advertising */
    {0x2bb00000u, 0x2bbfffffu, 5, 1},  /* AS45090 Shenzhen Tencent Computer Sy */
    {0x2b880000u, 0x2b91ffffu, 5, 1},  /* AS45090 Shenzhen Tencent Computer Sy */
    {0x31e80000u, 0x31ebffffu, 5, 1},  /* AS45090 Shenzhen Tencent Computer Sy */
    {0x2d370000u, 0x2d37ffffu, 14, 1}, /* AS14061 DigitalOcean, LLC */
    {0x2e650000u, 0x2e65ffffu, 14, 1}, /* AS14061 DigitalOcean, LLC */
    {0x44b70000u, 0x44b7ffffu, 14, 1}, /* AS14061 DigitalOcean, LLC */
    {0x03600000u, 0x03cfffffu, 10, 1}, /* AS16509 Amazon.com, Inc. */
    {0xad600000u, 0xad9fffffu, 10, 1}, /* AS16509 Amazon.com, Inc. */
    {0xb8c00000u, 0xb8ffffffu, 10, 1}, /* AS16509 Amazon.com, Inc. */
    {0x22060000u, 0x2264ffffu, 8, 1},  /* AS396982 Google LLC */
    {0x22740000u, 0x22bbffffu, 8, 1},  /* AS396982 Google LLC */
    {0x88400000u, 0x885fffffu, 8, 1},  /* AS396982 Google LLC */
    {0xaceb8000u, 0xacefffffu, 4, 1},  /* AS63949 Akamai Technologies, Inc. */
    {0xace86000u, 0xaceb3fffu, 4, 1},  /* AS63949 Akamai Technologies, Inc. */
    {0xac680400u, 0xac69ffffu, 4, 1},  /* AS63949 Akamai Technologies, Inc. */
    {0x2d4c0000u, 0x2d4dffffu, 4, 1},  /* AS20473 The Constant Company, LLC */
    {0x2c210000u, 0x2c21ffffu, 4, 1},  /* AS20473 The Constant Company, LLC */
    {0x2d200000u, 0x2d20ffffu, 4, 1},  /* AS20473 The Constant Company, LLC */
    {0xcea82000u, 0xcea823ffu, 5, 1},  /* AS398324 Censys, Inc. */
    {0x42849400u, 0x428494ffu, 5, 1},  /* AS398324 Censys, Inc. */
    {0x42849900u, 0x428499ffu, 5, 1},  /* AS398324 Censys, Inc. */
    {0xb8680000u, 0xb868b1ffu, 2, 1},  /* AS6939 Hurricane Electric LLC */
    {0xd8da8000u, 0xd8dac8ffu, 2, 1},  /* AS6939 Hurricane Electric LLC */
    {0x41138500u, 0x4113abffu, 2, 1},  /* AS6939 Hurricane Electric LLC */
    {0xb2400000u, 0xb247ffffu, 6, 0},  /* AS12389 PJSC Rostelecom */
    {0x25140000u, 0x2517ffffu, 6, 0},  /* AS12389 PJSC Rostelecom */
    {0x5c7c0000u, 0x5c7fffffu, 6, 0},  /* AS12389 PJSC Rostelecom */
    {0x57e40000u, 0x57e47fffu, 3, 1},  /* AS49505 JSC Selectel */
    {0x88ea0000u, 0x88ea7bffu, 3, 1},  /* AS49505 JSC Selectel */
    {0xb2488000u, 0xb248bfffu, 3, 1},  /* AS49505 JSC Selectel */
    {0xbfb00000u, 0xbfb9dfffu, 6, 0},  /* AS28573 Claro NXT Telecomunicacoes L */
    {0xb3880000u, 0xb38fffffu, 6, 0},  /* AS28573 Claro NXT Telecomunicacoes L */
    {0xb3d85000u, 0xb3ddafffu, 6, 0},  /* AS28573 Claro NXT Telecomunicacoes L */
    {0xb3b00000u, 0xb3bbffffu, 5, 0},  /* AS18881 TELEFONICA BRASIL S.A */
    {0xbf1f3000u, 0xbf23bfffu, 5, 0},  /* AS18881 TELEFONICA BRASIL S.A */
    {0xb1100000u, 0xb113ffffu, 5, 0},  /* AS18881 TELEFONICA BRASIL S.A */
    {0x75c00000u, 0x75ffffffu, 6, 0},  /* AS9829 Bharat Sanchar Nigam Ltd */
    {0x3b580000u, 0x3b63ffffu, 6, 0},  /* AS9829 Bharat Sanchar Nigam Ltd */
    {0x3d000000u, 0x3d03ffffu, 6, 0},  /* AS9829 Bharat Sanchar Nigam Ltd */
    {0x6ac32000u, 0x6ac6ffffu, 4, 0},  /* AS45609 Bharti Airtel Limited */
    {0x6adbb800u, 0x6adebfffu, 4, 0},  /* AS45609 Bharti Airtel Limited */
    {0x1b3b0000u, 0x1b3dc3ffu, 4, 0},  /* AS45609 Bharti Airtel Limited */
    {0xabe21000u, 0xabf205ffu, 6, 0},  /* AS7552 Viettel Group */
    {0xabf4c800u, 0xabffffffu, 6, 0},  /* AS7552 Viettel Group */
    {0x1b47e800u, 0x1b4fffffu, 6, 0},  /* AS7552 Viettel Group */
    {0x0ea00000u, 0x0ebfffffu, 5, 0},  /* AS45899 VNPT Corp */
    {0x71a00000u, 0x71bfffffu, 5, 0},  /* AS45899 VNPT Corp */
    {0x0ee20000u, 0x0effffffu, 5, 0},  /* AS45899 VNPT Corp */
    {0xafd6b800u, 0xafffffffu, 6, 0},  /* AS4766 Korea Telecom */
    {0x0e3fc000u, 0x0e5fffffu, 6, 0},  /* AS4766 Korea Telecom */
    {0x73000000u, 0x731507ffu, 6, 0},  /* AS4766 Korea Telecom */
    {0x01a00000u, 0x01afffffu, 5, 0},  /* AS3462 Chunghwa Telecom Co., Ltd. */
    {0x24e00000u, 0x24efffffu, 5, 0},  /* AS3462 Chunghwa Telecom Co., Ltd. */
    {0x3b700000u, 0x3b7fffffu, 5, 0},  /* AS3462 Chunghwa Telecom Co., Ltd. */
    {0x59f8a000u, 0x59f8afffu, 5, 1},  /* AS202425 IP Volume inc */
    {0x5e663000u, 0x5e663fffu, 5, 1},  /* AS202425 IP Volume inc */
    {0x5dae5800u, 0x5dae5fffu, 5, 1},  /* AS202425 IP Volume inc */
    {0x55110000u, 0x5511ffffu, 3, 1},  /* AS60781 LeaseWeb Netherlands B.V. */
    {0x5fd30000u, 0x5fd3ffffu, 3, 1},  /* AS60781 LeaseWeb Netherlands B.V. */
    {0x054f4000u, 0x054f7fffu, 3, 1},  /* AS60781 LeaseWeb Netherlands B.V. */
    {0x021c0000u, 0x021dffffu, 6, 1},  /* AS24940 Hetzner Online GmbH */
    {0x2ee00000u, 0x2ee1ffffu, 6, 1},  /* AS24940 Hetzner Online GmbH */
    {0x310c0000u, 0x310dffffu, 6, 1},  /* AS24940 Hetzner Online GmbH */
    {0xa1614000u, 0xa161bdffu, 4, 1},  /* AS51167 Contabo GmbH */
    {0x05bd8000u, 0x05bdbfffu, 4, 1},  /* AS51167 Contabo GmbH */
    {0x0d8c8000u, 0x0d8cbfffu, 4, 1},  /* AS51167 Contabo GmbH */
    {0x36240000u, 0x3627ffffu, 6, 1},  /* AS16276 OVH SAS */
    {0x39800000u, 0x3983ffffu, 6, 1},  /* AS16276 OVH SAS */
    {0x33fe0000u, 0x33ffffffu, 6, 1},  /* AS16276 OVH SAS */
    {0x55600000u, 0x556fffffu, 4, 0},  /* AS9121 Turk Telekomunikasyon Anonim */
    {0x5f000000u, 0x5f0fffffu, 4, 0},  /* AS9121 Turk Telekomunikasyon Anonim */
    {0x58f20000u, 0x58ffffffu, 4, 0},  /* AS9121 Turk Telekomunikasyon Anonim */
    {0x9cc00000u, 0x9cdfffffu, 4, 0},  /* AS8452 TE-AS */
    {0xc5200000u, 0xc53fffffu, 4, 0},  /* AS8452 TE-AS */
    {0x29200000u, 0x292fffffu, 4, 0},  /* AS8452 TE-AS */
    {0x24421700u, 0x245fffffu, 4, 0},  /* AS7713 Telekomunikasi Indonesia (PT */
    {0xb4f0f600u, 0xb4feffffu, 4, 0},  /* AS7713 Telekomunikasi Indonesia (PT */
    {0x7da00000u, 0x7da7ffffu, 4, 0},  /* AS7713 Telekomunikasi Indonesia (PT */
    {0xbdab2000u, 0xbdb73fffu, 3, 0},  /* AS8151 Uninet S.A. de C.V. */
    {0xbb820000u, 0xbb8d29ffu, 3, 0},  /* AS8151 Uninet S.A. de C.V. */
    {0xbddffa00u, 0xbde905ffu, 3, 0},  /* AS8151 Uninet S.A. de C.V. */
    {0x05e80000u, 0x05efa7ffu, 3, 0},  /* AS58224 Iran Telecommunication Compa */
    {0x02b70000u, 0x02b9fdffu, 3, 0},  /* AS58224 Iran Telecommunication Compa */
    {0x02be0000u, 0x02bfffffu, 3, 0},  /* AS58224 Iran Telecommunication Compa */
    {0x0ee10000u, 0x0ee1ffffu, 4, 0},  /* AS135905 VIETNAM POSTS AND TELECOMMUN */
    {0x7b1f1b00u, 0x7b1f2fffu, 4, 0},  /* AS135905 VIETNAM POSTS AND TELECOMMUN */
    {0x67521400u, 0x67521bffu, 4, 0},  /* AS135905 VIETNAM POSTS AND TELECOMMUN */
    {0x6fc00000u, 0x6fcaf1ffu, 3, 0},  /* AS4808 China Unicom Beijing Provinc */
    {0xddd80000u, 0xdddfffffu, 3, 0},  /* AS4808 China Unicom Beijing Provinc */
    {0x7b758e00u, 0x7b7d1cffu, 3, 0},  /* AS4808 China Unicom Beijing Provinc */
    {0x57ecb000u, 0x57ecb0ffu, 3, 1},  /* AS211298 Driftnet Ltd */
    {0xb9f78900u, 0xb9f789ffu, 3, 1},  /* AS211298 Driftnet Ltd */
    {0xc1a37d00u, 0xc1a37dffu, 3, 1},  /* AS211298 Driftnet Ltd */
    {0x92460800u, 0x9246d7ffu, 3, 1},  /* AS9009 M247 Europe SRL */
    {0x6a308000u, 0x6a313fffu, 3, 1},  /* AS9009 M247 Europe SRL */
    {0x6a318000u, 0x6a31ffffu, 3, 1},  /* AS9009 M247 Europe SRL */
};
static const struct src_range6 src_v6[] = {
    {0x240e01084bc10000ull, 0x10000000000ull, 6, 0}, /* AS4134 Chinanet */
    {0x240e097d80010000ull, 0x10000000000ull, 6, 0}, /* AS4134 Chinanet */
    {0x2408822e00000000ull, 0xc00000000ull, 3, 0},   /* AS4837 CHINA UNICOM China169 Backbo */
    {0x240884f400000000ull, 0xc00000000ull, 3, 0},   /* AS4837 CHINA UNICOM China169 Backbo */
    {0x2409812000000000ull, 0xfe00000000ull, 3, 0},  /* AS9808 China Mobile */
    {0x2409822000000000ull, 0xfe00000000ull, 3, 0},  /* AS9808 China Mobile */
    {0x2400618001000000ull, 0x1000000ull, 8, 1},     /* AS14061 DigitalOcean, LLC */
    {0x2a03b0c0000200d0ull, 0x1ff30ull, 8, 1},       /* AS14061 DigitalOcean, LLC */
    {0x2600f00000000000ull, 0xf000110000ull, 5, 1},  /* AS16509 Amazon.com, Inc. */
    {0x2406da1a10000000ull, 0x8670200000ull, 5, 1},  /* AS16509 Amazon.com, Inc. */
    {0x2a06be8000000000ull, 0x800000000ull, 6, 1},   /* AS24940 Hetzner Online GmbH */
    {0x2a11e98000000000ull, 0x800000000ull, 6, 1},   /* AS24940 Hetzner Online GmbH */
    {0x24021f0000000000ull, 0x100000000ull, 4, 1},   /* AS16276 OVH SAS */
    {0x26042dc000000000ull, 0x100000000ull, 4, 1},   /* AS16276 OVH SAS */
    {0x2600700000000000ull, 0x10000000000ull, 3, 1}, /* AS6939 Hurricane Electric LLC */
    {0x2a09258000000000ull, 0x800000000ull, 3, 1},   /* AS6939 Hurricane Electric LLC */
    {0x26003c0000000000ull, 0x1100000000ull, 4, 1},  /* AS63949 Akamai Technologies, Inc. */
    {0x26003c1300000000ull, 0x900000000ull, 4, 1},   /* AS63949 Akamai Technologies, Inc. */
    {0x2631800800000000ull, 0x800000000ull, 5, 1},   /* AS396982 Google LLC */
    {0x2a04720000000000ull, 0x800000000ull, 5, 1},   /* AS396982 Google LLC */
    {0x2408401700000000ull, 0x10000000000ull, 3, 1}, /* AS37963 Hangzhou Alibaba Advertising */
    {0x2408400000000000ull, 0x1600000000ull, 3, 1},  /* AS37963 Hangzhou Alibaba Advertising */
    {0x2401d80000000000ull, 0x100000000ull, 2, 0},   /* AS7552 Viettel Group */
    {0x2402080000000000ull, 0x100000000ull, 2, 0},   /* AS7552 Viettel Group */
    {0x240000e100000000ull, 0x100000000ull, 2, 0},   /* AS4766 Korea Telecom */
    {0x2400015600000000ull, 0x100000000ull, 2, 0},   /* AS4766 Korea Telecom */
    {0x2001b04238010000ull, 0x3dc7ff0000ull, 2, 0},  /* AS3462 Chunghwa Telecom Co., Ltd. */
    {0x2001b03000000000ull, 0x280ff0001ull, 2, 0},   /* AS3462 Chunghwa Telecom Co., Ltd. */
    {0x2804014dec000000ull, 0x2000000ull, 2, 0},     /* AS28573 Claro NXT Telecomunicacoes L */
    {0x2804014c03100000ull, 0x1f00000ull, 2, 0},     /* AS28573 Claro NXT Telecomunicacoes L */
    {0x2a05f48000000000ull, 0x800000000ull, 3, 1},   /* AS20473 The Constant Company, LLC */
    {0x2a0f3e0000000000ull, 0x800000000ull, 3, 1},   /* AS20473 The Constant Company, LLC */
    {0x2a02c20200000000ull, 0x600000000ull, 3, 1},   /* AS51167 Contabo GmbH */
    {0x2605a14000000000ull, 0x400000000ull, 3, 1},   /* AS51167 Contabo GmbH */
};

/* ---- port weights ---------------------------------------------------------------- */

struct port_w {
    uint16_t port;
    uint8_t proto; /* 'T' TCP SYN, 'U' UDP, 'I' ICMP echo */
    uint8_t w;
};
static const struct port_w tcp_ports[] = {
    {23, 'T', 40},   {2323, 'T', 6}, {445, 'T', 30},  {22, 'T', 28},  {80, 'T', 24},
    {8080, 'T', 14}, {443, 'T', 14}, {3389, 'T', 16}, {5555, 'T', 8}, {37215, 'T', 3},
    {52869, 'T', 3}, {81, 'T', 5},   {8443, 'T', 6},  {1433, 'T', 8}, {3306, 'T', 7},
    {6379, 'T', 6},  {5900, 'T', 6}, {21, 'T', 6},    {25, 'T', 5},   {7547, 'T', 4},
    {8000, 'T', 4},  {9200, 'T', 3}, {2375, 'T', 3},  {8088, 'T', 3}, {60001, 'T', 2},
};
static const struct port_w iot_ports[] = {
    {23, 'T', 20}, {2323, 'T', 5}, {5555, 'T', 6}, {37215, 'T', 6}, {52869, 'T', 5},
    {81, 'T', 4},  {8080, 'T', 6}, {80, 'T', 5},   {7547, 'T', 4},  {60001, 'T', 2},
};
static const struct port_w udp_ports[] = {
    {53, 'U', 5},    {123, 'U', 4}, {161, 'U', 3}, {1900, 'U', 3}, {5060, 'U', 4},
    {11211, 'U', 2}, {137, 'U', 2}, {389, 'U', 1}, {500, 'U', 1},
};

/* ---- UDP probe and other payloads ---------------------------------------------------- */

static const uint8_t pl_dns[] = {0x4a, 0x21, 0x01, 0x00, 0,   1, 0,   0,   0,   0,   0,
                                 0,    3,    'w',  'w',  'w', 6, 'g', 'o', 'o', 'g', 'l',
                                 'e',  3,    'c',  'o',  'm', 0, 0,   1,   0,   1};
static const uint8_t pl_ntp_monlist[] = {0x17, 0x00, 0x03, 0x2a, 0, 0, 0, 0};
static const uint8_t pl_snmp[] = {0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',  'l',
                                  'i',  'c',  0xa0, 0x1c, 0x02, 0x04, 0x1f, 0x3a, 0x51, 0x07, 0x02,
                                  0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
                                  0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00};
static const char pl_ssdp[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                              "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n";
static const char pl_sip[] = "OPTIONS sip:100@203.0.113.1 SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP 0.0.0.0:5060;branch=z9hG4bK-1780093245\r\n"
                             "Max-Forwards: 70\r\nTo: \"sipvicious\"<sip:100@1.1.1.1>\r\n"
                             "From: \"sipvicious\"<sip:100@1.1.1.1>;tag=3836303534\r\n"
                             "User-Agent: friendly-scanner\r\nCall-ID: 1068153902\r\n"
                             "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
static const uint8_t pl_memcached[] = {0, 1, 0, 0, 0, 1, 0, 0, 's', 't', 'a', 't', 's', '\r', '\n'};
static const char pl_syslog[] = "<187>Nov  2 14:03:11 sw-core-3 %LINK-3-UPDOWN: Interface "
                                "GigabitEthernet0/12, changed state to down";
static const char pl_win_ping[] = "abcdefghijklmnopqrstuvwabcdefghi";

/* ---- options -------------------------------------------------------------------------- */

struct opts {
    const char *out, *truth, *geo_dir;
    struct cidr darknet[MAX_DARKNETS];
    size_t ndarknet;
    int64_t start;
    uint32_t hours, worm_hour, worm_sources, scanners, linktype;
    uint64_t packets, seed, noise_outside;
    uint16_t worm_port;
    double ipv6_share, vlan_share;
    bool pcapng, help, scanners_set, noise_set;
};

/* ---- random numbers: xoshiro256** seeded with splitmix64 ------------------------------ */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static inline double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static inline bool rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

static double rng_gauss(struct rng *r)
{
    double u = rng_unit(r), v = rng_unit(r);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static uint32_t rng_poisson(struct rng *r, double lam)
{
    if (lam <= 0)
        return 0;
    if (lam < 30) {
        double lim = exp(-lam), p = 1.0;
        uint32_t k = 0;
        for (;;) {
            p *= rng_unit(r);
            if (p <= lim)
                return k;
            k++;
        }
    }
    double x = lam + sqrt(lam) * rng_gauss(r) + 0.5;
    return x < 0 ? 0 : (uint32_t)x;
}

/* ---- open-addressing map: u64 key (0 = empty) -> u64 value ---------------------------- */

struct map64 {
    uint64_t *keys, *vals;
    size_t cap, len; /* cap is a power of two */
};

static enum err_code map_init(struct map64 *m, size_t cap, struct err *e)
{
    m->cap = cap;
    m->len = 0;
    m->keys = mem_calloc(cap, sizeof(uint64_t));
    m->vals = mem_calloc(cap, sizeof(uint64_t));
    if (m->keys == NULL || m->vals == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: cannot allocate a %zu-slot table", cap);
    return ERR_OK;
}

static void map_fini(struct map64 *m)
{
    mem_free(m->keys);
    mem_free(m->vals);
    m->keys = m->vals = NULL;
    m->cap = m->len = 0;
}

static size_t map_find(const struct map64 *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = (size_t)hash_u64(key) & mask;
    while (m->keys[i] != 0 && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static enum err_code map_grow(struct map64 *m, struct err *e)
{
    struct map64 n;
    enum err_code rc = map_init(&n, m->cap * 2, e);
    if (rc != ERR_OK) {
        map_fini(&n);
        return rc;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == 0)
            continue;
        size_t j = map_find(&n, m->keys[i]);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
    }
    n.len = m->len;
    map_fini(m);
    *m = n;
    return ERR_OK;
}

/* Returns the value slot of key, inserting 0 when absent; NULL when out of memory. */
static uint64_t *map_put(struct map64 *m, uint64_t key, struct err *e)
{
    if ((m->len + 1) * 10 > m->cap * 7 && map_grow(m, e) != ERR_OK)
        return NULL;
    size_t i = map_find(m, key);
    if (m->keys[i] == 0) {
        m->keys[i] = key;
        m->len++;
    }
    return &m->vals[i];
}

static const uint64_t *map_get(const struct map64 *m, uint64_t key)
{
    size_t i = map_find(m, key);
    return m->keys[i] == 0 ? NULL : &m->vals[i];
}

/* ---- the generator's state ------------------------------------------------------------- */

/* One traffic source. Fields a, b, c, c2, port and nports mean different things per kind
 * and schedule; see the add_* functions. */
struct ent {
    struct ip16 ip;
    float lam, pact; /* mean packets per active hour, chance of being active in an hour */
    uint32_t sent;   /* packets emitted so far: drives deterministic sequences */
    uint32_t a, b;   /* emission: dst-list or port-pool offset and count */
    uint32_t c, c2;  /* schedule: hours, offsets, burst index */
    uint16_t port, sport, nports;
    uint8_t kind, prof, sched, style, ttl, flags;
};

struct pport {
    uint16_t port;
    uint8_t proto;
    uint32_t cw; /* cumulative weight within its set */
};

struct burst {
    uint64_t t0, t1; /* microseconds from the period start */
    double rate;     /* packets per microsecond */
};

struct space {
    struct ip16 net;
    uint8_t len; /* in ip16 space */
    bool split;  /* v6: index high byte in the subnet id, low byte in the interface id */
    uint32_t size;
};

/* Exact per-source truth. dset is an open-addressing set of (last day % 256) << 24 |
 * (dst index + 1): a period spans at most 256 UTC days, so the day's low byte tells
 * whether the destination was already hit today. */
struct srcst {
    uint64_t packets, bytes;
    uint32_t *dset;
    uint32_t dcap, dcnt;
    uint32_t day;
    uint16_t day_ndst;
    uint8_t day_bs, day_probe, scanner, victim;
};

struct truth {
    uint64_t packets, bytes, frags, outside, non_ip, frames;
    uint64_t cls[C_N];
    uint64_t *pc;      /* [class * 65536 + port] packets over the period */
    struct map64 hpc;  /* (hour << 19 | class << 16 | port) + 1 -> packets */
    struct map64 spcd; /* (src << 32 | day << 19 | class << 16 | port) -> hour bitmap */
    struct srcst *src; /* by entity index */
};

struct ev {
    uint32_t t; /* microseconds into the hour */
    uint32_t e; /* entity index */
};

struct gen {
    struct opts o;
    struct geo *geo;
    struct space sp4, sp6;
    bool has4, has6;
    struct rng rp, rs, re; /* population, schedule, emission streams */
    struct rng rl;         /* link layer and non-IP frames: the IP traffic stays the same
                            * whatever the link type */
    struct ent *ent;
    uint32_t nent, capent;
    struct pport *pool;
    uint32_t npool, cappool, mirai_off;
    uint32_t *dl; /* destination-index lists */
    uint32_t ndl, capdl;
    struct burst *burst;
    uint32_t nburst, capburst;
    struct map64 used; /* source addresses handed out */
    uint32_t cw_v4[3], cw_v6[3];
    double diurnal[24];
    struct ev *ev, *evtmp;
    size_t nev, capev;
    uint32_t *radix; /* 65536 counters */
    int64_t first_day;
    /* output */
    FILE *f;
    uint8_t *buf;
    size_t blen;
    uint64_t flushed; /* bytes already written to the file */
    struct progress pr;
    struct truth t;
    uint8_t pkt[PKT_MAX], aux[PKT_MAX];
};

static const uint8_t mac_sensor[6] = {0x00, 0x1b, 0x21, 0x3a, 0x5c, 0x10};
static const uint8_t mac_router[2][6] = {{0x00, 0x1c, 0x58, 0x7e, 0x21, 0x01},
                                         {0x28, 0x8a, 0x1c, 0x4d, 0x90, 0x02}};

/* ---- byte helpers and checksums --------------------------------------------------------- */

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void le32(uint8_t *p, uint32_t v)
{
    le16(p, v & 0xffff);
    le16(p + 2, v >> 16);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (; n > 1; p += 2, n -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* ---- IP packet construction ------------------------------------------------------------- */

struct ipsp {
    struct ip16 src, dst;
    bool v6, ipopt, frag, mf;
    uint8_t ttl, ext, tos;
    uint16_t id, frag_off; /* frag_off in 8-byte units */
    uint32_t frag_id;
};

struct tcpf {
    uint16_t sp, dp, win;
    uint32_t seq, ack;
    uint8_t flags, opt; /* opt: 0 none, 1 MSS, 2 MSS + SACK + timestamps + window scale */
};

static size_t ip_hlen(const struct ipsp *s)
{
    if (!s->v6)
        return s->ipopt ? 24 : 20;
    size_t n = 40;
    n += (s->ext & EXT_HBH) ? 8 : 0;
    n += (s->ext & EXT_DST) ? 8 : 0;
    n += (s->ext & EXT_RT) ? 24 : 0;
    n += s->frag ? 8 : 0;
    return n;
}

static size_t ip4_write(uint8_t *p, const struct ipsp *s, uint8_t proto, size_t l4len)
{
    size_t hl = ip_hlen(s);
    p[0] = (uint8_t)(0x40 | hl / 4);
    p[1] = s->tos;
    put16(p + 2, (uint32_t)(hl + l4len));
    put16(p + 4, s->id);
    put16(p + 6, (s->mf ? 0x2000u : 0u) | (s->frag_off & 0x1fffu));
    p[8] = s->ttl;
    p[9] = proto;
    p[10] = p[11] = 0;
    memcpy(p + 12, s->src.b + 12, 4);
    memcpy(p + 16, s->dst.b + 12, 4);
    if (s->ipopt) {
        static const uint8_t nops[4] = {1, 1, 1, 0}; /* NOP NOP NOP EOL */
        memcpy(p + 20, nops, 4);
    }
    put16(p + 10, csum_fold(csum_add(0, p, hl)));
    return hl;
}

/* Writes the IP header chain of a packet whose transport part is l4len bytes; returns the
 * header length. IPv6 extension headers come in RFC 8200 order, each 8 bytes except a
 * one-segment routing header (24). */
static size_t ip_write(uint8_t *p, const struct ipsp *s, uint8_t proto, size_t l4len)
{
    if (!s->v6)
        return ip4_write(p, s, proto, l4len);
    size_t hl = ip_hlen(s), off = 40;
    uint8_t *nh = &p[6];
    p[0] = (uint8_t)(0x60 | s->tos >> 4);
    p[1] = (uint8_t)(s->tos << 4 | (s->id & 0x0f));
    put16(p + 2, s->id);
    put16(p + 4, (uint32_t)(hl - 40 + l4len));
    p[7] = s->ttl;
    memcpy(p + 8, s->src.b, 16);
    memcpy(p + 24, s->dst.b, 16);
    static const uint8_t padn[8] = {0, 0, 1, 4, 0, 0, 0, 0}; /* PadN over 6 bytes */
    if (s->ext & EXT_HBH) {
        *nh = 0;
        memcpy(p + off, padn, 8);
        nh = &p[off];
        off += 8;
    }
    if (s->ext & EXT_DST) {
        *nh = 60;
        memcpy(p + off, padn, 8);
        nh = &p[off];
        off += 8;
    }
    if (s->ext & EXT_RT) { /* segment routing header, segments left 0 */
        *nh = 43;
        nh = &p[off];
        memset(p + off, 0, 8);
        p[off + 1] = 2;
        p[off + 2] = 4;
        memcpy(p + off + 8, s->dst.b, 16);
        off += 24;
    }
    if (s->frag) {
        *nh = 44;
        nh = &p[off];
        p[off + 1] = 0;
        put16(p + off + 2, (uint32_t)(s->frag_off << 3) | (s->mf ? 1u : 0u));
        put32(p + off + 4, s->frag_id);
        off += 8;
    }
    *nh = proto;
    return hl;
}

static uint16_t l4_csum(const struct ipsp *s, uint8_t proto, const uint8_t *l4, size_t n)
{
    uint32_t sum = 0;
    if (s->v6) {
        sum = csum_add(sum, s->src.b, 16);
        sum = csum_add(sum, s->dst.b, 16);
    } else {
        sum = csum_add(sum, s->src.b + 12, 4);
        sum = csum_add(sum, s->dst.b + 12, 4);
    }
    sum += proto + (uint32_t)n;
    return csum_fold(csum_add(sum, l4, n));
}

static size_t mk_tcp(uint8_t *p, const struct ipsp *s, const struct tcpf *t)
{
    static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
    static const uint8_t rest[16] = {4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
    size_t ol = t->opt == 0 ? 0 : t->opt == 1 ? 4 : 20, tl = 20 + ol;
    size_t hl = ip_write(p, s, 6, tl);
    uint8_t *q = p + hl;

    put16(q, t->sp);
    put16(q + 2, t->dp);
    put32(q + 4, t->seq);
    put32(q + 8, t->ack);
    q[12] = (uint8_t)(tl / 4 << 4);
    q[13] = t->flags;
    put16(q + 14, t->win);
    memset(q + 16, 0, 4);
    if (ol)
        memcpy(q + 20, mss, 4);
    if (ol == 20) {
        memcpy(q + 24, rest, 16);
        put32(q + 28, t->seq * 2654435761u); /* TSval */
    }
    put16(q + 16, l4_csum(s, 6, q, tl));
    return hl + tl;
}

static size_t mk_udp(uint8_t *p, const struct ipsp *s, uint16_t sp, uint16_t dp, const void *pl,
                     size_t n)
{
    size_t tl = 8 + n, hl = ip_write(p, s, 17, tl);
    uint8_t *q = p + hl;
    put16(q, sp);
    put16(q + 2, dp);
    put16(q + 4, (uint32_t)tl);
    put16(q + 6, 0);
    if (n)
        memcpy(q + 8, pl, n);
    uint16_t c = l4_csum(s, 17, q, tl);
    put16(q + 6, c == 0 ? 0xffff : c);
    return hl + tl;
}

static size_t mk_icmp(uint8_t *p, const struct ipsp *s, uint8_t type, uint8_t code, uint32_t rest,
                      const uint8_t *pl, size_t n)
{
    uint8_t proto = s->v6 ? 58 : 1;
    size_t tl = 8 + n, hl = ip_write(p, s, proto, tl);
    uint8_t *q = p + hl;
    q[0] = type;
    q[1] = code;
    put16(q + 2, 0);
    put32(q + 4, rest);
    if (n)
        memcpy(q + 8, pl, n);
    put16(q + 2, s->v6 ? l4_csum(s, 58, q, tl) : csum_fold(csum_add(0, q, tl)));
    return hl + tl;
}

static size_t mk_raw(uint8_t *p, const struct ipsp *s, uint8_t proto, const uint8_t *pl, size_t n)
{
    size_t hl = ip_write(p, s, proto, n);
    if (n)
        memcpy(p + hl, pl, n);
    return hl + n;
}

/* Writes into q the start of the packet an ICMP error quotes: the original IP header (from
 * osrc to odst) and, unless ip_only, the first 8 bytes of its TCP or UDP header. */
static size_t mk_quote(uint8_t *q, bool v6, const struct ip16 *osrc, const struct ip16 *odst,
                       uint8_t oproto, uint16_t sp, uint16_t dp, uint32_t seq, bool ip_only)
{
    struct ipsp o = {.src = *osrc, .dst = *odst, .v6 = v6, .ttl = 49, .id = (uint16_t)seq};
    size_t olen = oproto == 6 ? 20 : 8 + 32;
    size_t hl = ip_write(q, &o, oproto, olen);
    if (ip_only)
        return hl;
    put16(q + hl, sp);
    put16(q + hl + 2, dp);
    if (oproto == 6) {
        put32(q + hl + 4, seq);
    } else {
        put16(q + hl + 4, (uint32_t)olen);
        put16(q + hl + 6, seq & 0xffff);
    }
    return hl + 8;
}

/* ---- address spaces ---------------------------------------------------------------------- */

static bool cidr_is_v4(const struct cidr *c)
{
    return c->len >= 96 && ip16_is_v4(&c->net);
}

/* Destination indices map one-to-one onto addresses of the darknet prefix: IPv4 uses up to
 * 2^23 addresses from the start of the prefix; IPv6 uses 65536 addresses that look like
 * what IPv6 scanners probe (low interface ids in 256 subnets) when the prefix leaves room. */
static void space_init(struct space *sp, const struct cidr *c)
{
    unsigned host = 128u - c->len;
    sp->net = c->net;
    sp->len = c->len;
    sp->split = false;
    if (cidr_is_v4(c)) {
        sp->size = 1u << (host < DST_BITS ? host : DST_BITS);
    } else if (host >= 72) {
        sp->split = true;
        sp->size = 65536;
    } else {
        sp->size = 1u << (host < 16 ? host : 16);
    }
}

static void space_addr(const struct space *sp, uint32_t idx, struct ip16 *out)
{
    *out = sp->net;
    if (sp->split) {
        out->b[7] |= (uint8_t)(idx >> 8);
        out->b[15] |= (uint8_t)idx;
        return;
    }
    out->b[13] |= (uint8_t)(idx >> 16);
    out->b[14] |= (uint8_t)(idx >> 8);
    out->b[15] |= (uint8_t)idx;
}

static bool in_darknet(const struct gen *g, const struct ip16 *ip)
{
    for (size_t i = 0; i < g->o.ndarknet; i++)
        if (cidr_contains(&g->o.darknet[i], ip))
            return true;
    return false;
}

static const struct space *ent_space(const struct gen *g, const struct ent *en)
{
    return (en->flags & F_V6) ? &g->sp6 : &g->sp4;
}

/* ---- source addresses -------------------------------------------------------------------- */

static bool v4_special(uint32_t a)
{
    static const uint32_t nets[][2] = {
        {0x00000000u, 0xff000000u}, {0x0a000000u, 0xff000000u}, {0x64400000u, 0xffc00000u},
        {0x7f000000u, 0xff000000u}, {0xa9fe0000u, 0xffff0000u}, {0xac100000u, 0xfff00000u},
        {0xc0000000u, 0xffffff00u}, {0xc0000200u, 0xffffff00u}, {0xc0586300u, 0xffffff00u},
        {0xc0a80000u, 0xffff0000u}, {0xc6120000u, 0xfffe0000u}, {0xc6336400u, 0xffffff00u},
        {0xcb007100u, 0xffffff00u}, {0xe0000000u, 0xe0000000u},
    };
    if ((a & 0xff) == 0 || (a & 0xff) == 0xff) /* keep away from network/broadcast */
        return true;
    for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
        if ((a & nets[i][1]) == nets[i][0])
            return true;
    return false;
}

static bool pref_ok(enum pref pref, uint8_t hosting)
{
    return pref == PREF_ANY || (pref == PREF_HOSTING) == (hosting != 0);
}

static void src_tables_init(struct gen *g)
{
    for (int pf = 0; pf < 3; pf++) {
        g->cw_v4[pf] = g->cw_v6[pf] = 0;
        for (size_t i = 0; i < sizeof(src_v4) / sizeof(src_v4[0]); i++)
            if (pref_ok((enum pref)pf, src_v4[i].hosting))
                g->cw_v4[pf] += src_v4[i].weight;
        for (size_t i = 0; i < sizeof(src_v6) / sizeof(src_v6[0]); i++)
            if (pref_ok((enum pref)pf, src_v6[i].hosting))
                g->cw_v6[pf] += src_v6[i].weight;
    }
}

static uint32_t src_v4_draw(struct gen *g, struct rng *r, enum pref pref)
{
    if (pref == PREF_ANY && rng_chance(r, 0.25))
        return (uint32_t)rng_next(r);
    uint32_t x = rng_below(r, g->cw_v4[pref]);
    size_t i = 0;
    for (;; i++) {
        if (!pref_ok(pref, src_v4[i].hosting))
            continue;
        if (x < src_v4[i].weight)
            break;
        x -= src_v4[i].weight;
    }
    return src_v4[i].lo + rng_below(r, src_v4[i].hi - src_v4[i].lo + 1);
}

static void src_v6_draw(struct gen *g, struct rng *r, enum pref pref, struct ip16 *out)
{
    uint32_t x = rng_below(r, g->cw_v6[pref]);
    size_t i = 0;
    for (;; i++) {
        if (!pref_ok(pref, src_v6[i].hosting))
            continue;
        if (x < src_v6[i].weight)
            break;
        x -= src_v6[i].weight;
    }
    uint64_t hi = src_v6[i].hi64 + rng_next(r) % src_v6[i].n64, lo;
    uint32_t kind = rng_below(r, 10);
    if (kind < 5) /* privacy address */
        lo = rng_next(r) & ~0x0200000000000000ULL;
    else if (kind < 8) /* ::1 .. ::ff, servers */
        lo = 1 + rng_below(r, 255);
    else /* EUI-64 */
        lo = (rng_next(r) & 0xffffff0000ffffffULL) | 0x000000fffe000000ULL | 0x0200000000000000ULL;
    for (int k = 0; k < 8; k++) {
        out->b[k] = (uint8_t)(hi >> (56 - 8 * k));
        out->b[8 + k] = (uint8_t)(lo >> (56 - 8 * k));
    }
}

/* Draws a public source address outside the darknet. False when none was found. */
static bool src_draw(struct gen *g, struct rng *r, bool v6, enum pref pref, struct ip16 *out)
{
    for (int tries = 0; tries < 1000; tries++) {
        if (v6) {
            src_v6_draw(g, r, pref, out);
        } else {
            uint32_t a = src_v4_draw(g, r, pref);
            if (v4_special(a))
                continue;
            ip16_from_v4(out, a);
        }
        if (!in_darknet(g, out))
            return true;
    }
    return false;
}

static uint64_t ip_key(const struct ip16 *ip)
{
    uint64_t hi = 0, lo = 0;
    for (int k = 0; k < 8; k++) {
        hi = hi << 8 | ip->b[k];
        lo = lo << 8 | ip->b[8 + k];
    }
    if (ip16_is_v4(ip))
        return (lo & 0xffffffffu) | 1ULL << 32;
    return hash_u64(hi ^ hash_u64(lo)) | 1ULL << 63;
}

/* Draws a source address no other source has. */
static enum err_code src_unique(struct gen *g, bool v6, enum pref pref, struct ip16 *out,
                                struct err *e)
{
    for (int tries = 0; tries < 1000; tries++) {
        if (!src_draw(g, &g->rp, v6, pref, out))
            break;
        uint64_t *v = map_put(&g->used, ip_key(out), e);
        if (v == NULL)
            return e->code;
        if (*v == 0) {
            *v = 1;
            return ERR_OK;
        }
    }
    return err_set(e, ERR_USAGE,
                   "gen-darknet: cannot find free IPv%c source addresses outside the darknet",
                   v6 ? '6' : '4');
}

/* ---- population ----------------------------------------------------------------------------- */

static enum err_code grow(void **p, uint32_t *cap, uint32_t need, size_t elem, struct err *e)
{
    if (need <= *cap)
        return ERR_OK;
    uint32_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = mem_realloc(*p, (size_t)n * elem);
    if (q == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory growing a table to %u", n);
    *p = q;
    *cap = n;
    return ERR_OK;
}

static enum err_code ent_add(struct gen *g, struct ent **out, struct err *e)
{
    enum err_code rc = grow((void **)&g->ent, &g->capent, g->nent + 1, sizeof(struct ent), e);
    if (rc != ERR_OK)
        return rc;
    *out = &g->ent[g->nent++];
    memset(*out, 0, sizeof(**out));
    return ERR_OK;
}

static enum err_code pool_add(struct gen *g, uint16_t port, uint8_t proto, uint32_t w, bool first,
                              struct err *e)
{
    enum err_code rc = grow((void **)&g->pool, &g->cappool, g->npool + 1, sizeof(struct pport), e);
    if (rc != ERR_OK)
        return rc;
    struct pport *pp = &g->pool[g->npool];
    pp->port = port;
    pp->proto = proto;
    pp->cw = (first ? 0 : pp[-1].cw) + (w ? w : 1);
    g->npool++;
    return ERR_OK;
}

static enum err_code dl_add(struct gen *g, uint32_t idx, struct err *e)
{
    enum err_code rc = grow((void **)&g->dl, &g->capdl, g->ndl + 1, sizeof(uint32_t), e);
    if (rc == ERR_OK)
        g->dl[g->ndl++] = idx;
    return rc;
}

/* Appends k distinct destination indices of the space to the list; sets en->a, en->b. */
static enum err_code dl_distinct(struct gen *g, struct ent *en, uint32_t k, struct err *e)
{
    const struct space *sp = ent_space(g, en);
    if (k > sp->size)
        k = sp->size;
    en->a = g->ndl;
    en->b = k;
    while (g->ndl - en->a < k) {
        uint32_t idx = rng_below(&g->rp, sp->size);
        bool dup = false;
        for (uint32_t i = en->a; i < g->ndl && !dup; i++)
            dup = g->dl[i] == idx;
        if (dup)
            continue;
        enum err_code rc = dl_add(g, idx, e);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Picks k distinct ports from a weight table into the pool (weights jittered). */
static enum err_code pool_pick(struct gen *g, const struct port_w *tab, size_t n, uint32_t k,
                               bool first, struct err *e)
{
    uint32_t total = 0, start = g->npool;
    for (size_t i = 0; i < n; i++)
        total += tab[i].w;
    if (k > n)
        k = (uint32_t)n;
    for (uint32_t got = 0; got < k;) {
        uint32_t x = rng_below(&g->rp, total);
        size_t i = 0;
        while (x >= tab[i].w)
            x -= tab[i++].w;
        bool dup = false;
        for (uint32_t j = start; j < g->npool && !dup; j++)
            dup = g->pool[j].port == tab[i].port && g->pool[j].proto == tab[i].proto;
        if (dup)
            continue;
        uint32_t w = (uint32_t)(tab[i].w * (50 + rng_below(&g->rp, 100)));
        enum err_code rc = pool_add(g, tab[i].port, tab[i].proto, w, first && got == 0, e);
        if (rc != ERR_OK)
            return rc;
        got++;
    }
    return ERR_OK;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static enum err_code scan_ports(struct gen *g, struct ent *en, struct err *e)
{
    enum err_code rc = ERR_OK;
    struct rng *r = &g->rp;
    uint32_t k;

    if (en->prof == P_MIRAI) {
        en->a = g->mirai_off;
        en->b = 2;
        return ERR_OK;
    }
    en->a = g->npool;
    switch (en->prof) {
    case P_IOT:
        rc = pool_pick(g, iot_ports, NELEM(iot_ports), rng_range(r, 1, 3), true, e);
        break;
    case P_TCP:
        for (k = 1; k < 5 && rng_chance(r, 0.35); k++)
            ;
        rc = pool_pick(g, tcp_ports, NELEM(tcp_ports), k, true, e);
        break;
    case P_UDP:
        rc = pool_pick(g, udp_ports, NELEM(udp_ports), rng_range(r, 1, 2), true, e);
        break;
    case P_ICMP:
        rc = pool_add(g, 0, 'I', 1, true, e);
        break;
    case P_MIXED:
    case P_RESEARCH: {
        bool big = en->prof == P_RESEARCH;
        rc = pool_pick(g, tcp_ports, NELEM(tcp_ports), big ? rng_range(r, 8, 20) : 1, true, e);
        if (rc == ERR_OK)
            rc = pool_pick(g, udp_ports, NELEM(udp_ports), big ? rng_range(r, 2, 4) : 1, false, e);
        if (rc == ERR_OK)
            rc = pool_add(g, 0, 'I', 300, false, e);
        break;
    }
    default:
        break;
    }
    en->b = g->npool - en->a;
    return rc;
}

static bool want_v6(const struct gen *g, bool v6)
{
    return g->has6 && (v6 || !g->has4);
}

static uint8_t initial_ttl(struct rng *r)
{
    static const uint8_t base[3] = {64, 128, 255};
    return (uint8_t)(base[rng_below(r, 3)] - rng_range(r, 6, 24));
}

static enum err_code new_source(struct gen *g, struct ent **out, enum kind kind, bool v6,
                                enum pref pref, struct err *e)
{
    struct ent *en;
    enum err_code rc = ent_add(g, &en, e);
    if (rc != ERR_OK)
        return rc;
    v6 = want_v6(g, v6);
    en->kind = (uint8_t)kind;
    en->flags = v6 ? F_V6 : 0;
    en->ttl = initial_ttl(&g->rp);
    en->sport = (uint16_t)rng_range(&g->rp, 32768, 60999);
    *out = en;
    return src_unique(g, v6, pref, &en->ip, e);
}

static enum prof draw_profile(struct rng *r)
{
    static const uint8_t cut[] = {28, 40, 77, 89, 96, 100}; /* cumulative percent */
    uint32_t x = rng_below(r, 100);
    int i = 0;
    while (x >= cut[i])
        i++;
    return (enum prof)i;
}

static enum style draw_style(struct rng *r, enum prof prof)
{
    uint32_t x = rng_below(r, 100);
    if (prof == P_MIRAI)
        return ST_MIRAI;
    if (prof == P_IOT)
        return x < 70 ? ST_MIRAI : ST_OS;
    if (x < 35)
        return ST_ZMAP;
    if (x < 60)
        return ST_MASSCAN;
    return x < 75 ? ST_NMAP : ST_OS;
}

/* Sets activity and rate so that the entity sends about total packets over the period. */
static void set_rate(struct gen *g, struct ent *en, double total)
{
    double per_day = total * 24.0 / g->o.hours;
    uint32_t hours_a_day;
    if (per_day >= 300)
        hours_a_day = rng_range(&g->rp, 16, 24);
    else if (per_day >= 20)
        hours_a_day = rng_range(&g->rp, 3, 12);
    else
        hours_a_day = rng_range(&g->rp, 1, 3);
    en->sched = S_RATE;
    en->pact = (float)(hours_a_day / 24.0);
    en->lam = (float)(total / (en->pact * g->o.hours));
}

static enum err_code add_scanners(struct gen *g, double budget, struct err *e)
{
    uint32_t n = g->o.scanners, research = n / 1000 > 3 ? n / 1000 : 3;
    double wsum = 0;
    enum err_code rc;

    for (uint32_t k = 1; k <= n; k++)
        wsum += pow(k, -1.1);
    for (uint32_t k = 1; k <= n; k++) {
        struct ent *en;
        enum prof prof = k <= research ? P_RESEARCH : draw_profile(&g->rp);
        enum pref pref = prof == P_RESEARCH                 ? PREF_HOSTING
                         : prof == P_MIRAI || prof == P_IOT ? PREF_RESIDENTIAL
                                                            : PREF_ANY;
        bool v6 = rng_chance(&g->rp, g->o.ipv6_share);
        rc = new_source(g, &en, K_SCAN, v6, pref, e);
        if (rc != ERR_OK)
            return rc;
        en->prof = (uint8_t)prof;
        en->style = (uint8_t)draw_style(&g->rp, prof);
        if ((en->flags & F_V6) && rng_chance(&g->rp, 0.3))
            en->flags |= F_EXT6;
        if (!(en->flags & F_V6) && rng_chance(&g->rp, 0.002))
            en->flags |= F_IPOPT;
        set_rate(g, en, budget * pow(k, -1.1) / wsum);
        rc = scan_ports(g, en, e);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Vertical scanners: hundreds of ports on a handful of addresses. */
static enum err_code add_vertical(struct gen *g, double budget, struct err *e)
{
    uint32_t n = g->o.scanners / 4000 > 2 ? g->o.scanners / 4000 : 2;
    for (uint32_t i = 0; i < n; i++) {
        struct ent *en;
        enum err_code rc =
            new_source(g, &en, K_VERT, i == 1 && g->o.ipv6_share > 0, PREF_HOSTING, e);
        if (rc != ERR_OK)
            return rc;
        en->style = (uint8_t)(rng_chance(&g->rp, 0.5) ? ST_NMAP : ST_MASSCAN);
        en->prof = (uint8_t)(i % 2); /* 0: ports 1..n, 1: spread over the range */
        en->nports = (uint16_t)rng_range(&g->rp, 200, 1000);
        en->port = (uint16_t)rng_below(&g->rp, 65535);
        rc = dl_distinct(g, en, rng_range(&g->rp, 1, 8), e);
        if (rc != ERR_OK)
            return rc;
        en->sched = S_RATE;
        en->pact = (float)(rng_range(&g->rp, 2, 6) / 24.0);
        en->lam = (float)(budget / n * (0.5 + rng_unit(&g->rp)) / (en->pact * g->o.hours));
    }
    return ERR_OK;
}

/* Hours [0, h1) of the period fall on its first UTC day; returns h1 (may exceed hours). */
static uint32_t first_day_hours(const struct gen *g)
{
    return (uint32_t)(24 - (g->o.start / 3600) % 24);
}

/* Sources sitting at the scanner threshold (see the top comment). */
static enum err_code add_near(struct gen *g, struct err *e)
{
    static const struct {
        uint8_t kind;
        uint8_t k, count;
        bool v6;
    } cases[] = {
        {NV_SYN, 15, 20, false},  {NV_SYN, 16, 24, false}, {NV_SYN, 17, 17, false},
        {NV_SYN, 15, 200, false}, {NV_ACK, 16, 16, false}, {NV_ONEPROBE, 16, 20, false},
        {NV_ICMP, 16, 16, false}, {NV_UDP, 16, 16, false}, {NV_SPLIT, 20, 10, false},
        {NV_SYN, 16, 16, true},   {NV_SYN, 15, 30, true},
    };
    static const uint16_t ports[] = {22, 23, 445, 80, 3389, 8080};
    uint32_t reps = 2 + (uint32_t)(g->o.packets / 2000000), h1 = first_day_hours(g);

    for (uint32_t rep = 0; rep < reps; rep++) {
        for (size_t i = 0; i < NELEM(cases); i++) {
            struct ent *en;
            if (cases[i].kind == NV_SPLIT && h1 >= g->o.hours)
                continue; /* needs two days */
            if (cases[i].v6 && !g->has6)
                continue;
            enum err_code rc = new_source(g, &en, K_NEAR, cases[i].v6, PREF_ANY, e);
            if (rc == ERR_OK)
                rc = dl_distinct(g, en, cases[i].k, e);
            if (rc != ERR_OK)
                return rc;
            en->prof = cases[i].kind;
            en->style = (uint8_t)(rng_chance(&g->rp, 0.5) ? ST_ZMAP : ST_MIRAI);
            en->port = cases[i].kind == NV_UDP ? 5060 : ports[rng_below(&g->rp, NELEM(ports))];
            en->lam = cases[i].count;
            en->sched = S_FIXED;
            en->c = rng_below(&g->rp, g->o.hours);
            if (cases[i].kind == NV_SPLIT) {
                uint32_t rest = g->o.hours - h1;
                en->sched = S_SPLIT;
                en->c = rng_below(&g->rp, h1);
                en->c2 = h1 + rng_below(&g->rp, rest < 24 ? rest : 24);
            }
        }
    }
    return ERR_OK;
}

static enum err_code add_worm(struct gen *g, double budget, struct err *e)
{
    uint32_t h = g->o.worm_hour, n = g->o.worm_sources, first = g->nent;
    double active_hours = 0;

    if (h >= g->o.hours || n == 0)
        return ERR_OK;
    for (uint32_t i = 0; i < n; i++) {
        struct ent *en;
        enum err_code rc = new_source(g, &en, K_WORM, false, PREF_RESIDENTIAL, e);
        if (rc != ERR_OK)
            return rc;
        uint32_t x = rng_below(&g->rp, 100), d = x < 60 ? 0 : x < 85 ? 1 : 2;
        en->sched = S_WORM;
        en->style = ST_MIRAI;
        en->port = g->o.worm_port;
        en->c = h + d < g->o.hours ? h + d : g->o.hours - 1;
        en->c2 = rng_below(&g->rp, (uint32_t)HOUR_US);
        active_hours += (g->o.hours - en->c) - en->c2 / (double)HOUR_US;
    }
    double lam = budget / (active_hours * 0.95);
    if (lam < 3 && budget > 0)
        lam = 3; /* an infected host keeps scanning, however small the packet budget */
    for (uint32_t i = first; i < g->nent; i++)
        g->ent[i].lam = (float)lam;
    return ERR_OK;
}

static enum err_code burst_add(struct gen *g, uint64_t t0, uint64_t t1, double packets,
                               struct err *e)
{
    enum err_code rc =
        grow((void **)&g->burst, &g->capburst, g->nburst + 1, sizeof(struct burst), e);
    if (rc != ERR_OK)
        return rc;
    g->burst[g->nburst].t0 = t0;
    g->burst[g->nburst].t1 = t1;
    g->burst[g->nburst].rate = packets / (double)(t1 - t0);
    g->nburst++;
    return ERR_OK;
}

static uint16_t victim_port(struct rng *r, enum attack a)
{
    static const uint16_t tcp[] = {80, 443, 443, 22, 25, 8080, 3389};
    static const uint16_t udp[] = {53, 123, 27015, 3074, 5060};
    if (a == VA_SYN)
        return tcp[rng_below(r, NELEM(tcp))];
    if (a == VA_UDP)
        return udp[rng_below(r, NELEM(udp))];
    if (a == VA_MIX)
        return rng_chance(r, 0.5) ? 80 : 443;
    return 0;
}

/* DoS victims: a few large ones attacked in bursts, and small ones at the threshold. */
static enum err_code add_victims(struct gen *g, double budget, struct err *e)
{
    uint64_t big = 4 + (g->o.packets / 5000000 < 4 ? g->o.packets / 5000000 : 4);
    uint64_t period = (uint64_t)g->o.hours * HOUR_US;
    double wsum = 0;
    enum err_code rc;

    for (uint64_t i = 0; i < big; i++)
        wsum += 1.0 / (double)(i + 1);
    for (uint64_t i = 0; i < big; i++) {
        struct ent *en;
        rc = new_source(g, &en, K_VICTIM, i == big - 1, PREF_HOSTING, e);
        if (rc != ERR_OK)
            return rc;
        en->prof = (uint8_t)(i < 4 ? i : rng_below(&g->rp, 4));
        en->port = victim_port(&g->rp, (enum attack)en->prof);
        en->sched = S_BURST;
        en->c = g->nburst;
        en->c2 = rng_range(&g->rp, 1, 3);
        double total = budget / wsum / (double)(i + 1), per = total / en->c2;
        for (uint32_t k = 0; k < en->c2; k++) {
            uint64_t len = (uint64_t)rng_range(&g->rp, 5, 90) * 60000000ULL;
            uint64_t t0 = (uint64_t)(rng_unit(&g->rp) * (double)period);
            uint64_t t1 = t0 + len < period ? t0 + len : period;
            if (t1 - t0 < 1000000)
                t0 = t1 - 1000000;
            rc = burst_add(g, t0, t1, per < 1 ? 1 : per, e);
            if (rc != ERR_OK)
                return rc;
        }
    }
    /* count, other packets among them: 8 backscatter is a victim, 7 is not */
    static const uint8_t fixed[][2] = {{8, 0}, {7, 0}, {3, 0}, {9, 2}, {10, 2}, {5, 0}};
    uint32_t h1 = first_day_hours(g);
    for (size_t i = 0; i < NELEM(fixed); i++) {
        struct ent *en;
        bool split = i == NELEM(fixed) - 1;
        if (split && h1 >= g->o.hours)
            continue;
        rc = new_source(g, &en, K_VICTIM, false, PREF_HOSTING, e);
        if (rc != ERR_OK)
            return rc;
        en->prof = (uint8_t)rng_below(&g->rp, 3);
        en->port = victim_port(&g->rp, (enum attack)en->prof);
        en->lam = fixed[i][0];
        en->b = fixed[i][1];
        en->sched = S_FIXED;
        en->c = rng_below(&g->rp, g->o.hours);
        if (split) { /* 5 on one day, 5 on the next */
            uint32_t rest = g->o.hours - h1;
            en->sched = S_SPLIT;
            en->c = rng_below(&g->rp, h1);
            en->c2 = h1 + rng_below(&g->rp, rest < 24 ? rest : 24);
        }
    }
    return ERR_OK;
}

static enum err_code add_misc(struct gen *g, double budget, struct err *e)
{
    static const struct {
        uint8_t kind, fixed_dsts;
        bool v6;
        uint16_t port;
    } cases[] = {
        {M_SYSLOG, 1, false, 514},   {M_NETFLOW, 1, false, 2055}, {M_STALE, 2, false, 443},
        {M_STALE, 3, false, 8883},   {M_GRE, 1, false, 0},        {M_ESP, 2, false, 0},
        {M_FRAG, 2, false, 4500},    {M_FRAG, 1, true, 500},      {M_FRAG_ORPHAN, 0, false, 0},
        {M_ICMP_OTHER, 0, false, 0}, {M_TRUNC, 0, false, 0},      {M_ODD_TCP, 0, false, 80},
        {M_V6, 0, true, 0},
    };
    double lam = budget / (double)NELEM(cases) / g->o.hours;
    for (size_t i = 0; i < NELEM(cases); i++) {
        struct ent *en;
        if (cases[i].v6 && !g->has6)
            continue;
        enum err_code rc = new_source(g, &en, K_MISC, cases[i].v6, PREF_ANY, e);
        if (rc == ERR_OK && cases[i].fixed_dsts)
            rc = dl_distinct(g, en, cases[i].fixed_dsts, e);
        if (rc != ERR_OK)
            return rc;
        en->prof = cases[i].kind;
        en->port = cases[i].port;
        en->sched = S_STEADY;
        en->lam = (float)(lam < 0.5 ? 0.5 : lam);
    }
    return ERR_OK;
}

/* Packets to addresses outside the darknet, and non-IP frames: exact counts. */
static enum err_code add_noise(struct gen *g, uint64_t outside, uint64_t non_ip, struct err *e)
{
    struct ent *en;
    enum err_code rc;
    if (outside > 0) {
        rc = ent_add(g, &en, e);
        if (rc != ERR_OK)
            return rc;
        en->kind = K_OUTSIDE;
        en->sched = S_EVEN;
        en->c = (uint32_t)(outside / g->o.hours);
        en->c2 = (uint32_t)(outside % g->o.hours);
    }
    if (non_ip > 0) {
        rc = ent_add(g, &en, e);
        if (rc != ERR_OK)
            return rc;
        en->kind = K_NONIP;
        en->sched = S_EVEN;
        en->c = (uint32_t)(non_ip / g->o.hours);
        en->c2 = (uint32_t)(non_ip % g->o.hours);
    }
    return ERR_OK;
}

static enum err_code populate(struct gen *g, struct err *e)
{
    uint64_t p = g->o.packets;
    uint64_t outside = g->o.noise_set ? g->o.noise_outside : p / 1000;
    uint64_t non_ip = p / 20000 + 4; /* budgeted whatever the link type: same IP traffic */
    double d = p > outside + non_ip ? (double)(p - outside - non_ip) : 0;
    bool worm = g->o.worm_hour < g->o.hours && g->o.worm_sources > 0;
    double b_worm = worm ? 0.06 * d : 0, b_bs = 0.04 * d, b_misc = 0.008 * d, b_vert = 0.025 * d;
    double b_scan = d - b_worm - b_bs - b_misc - b_vert;
    enum err_code rc;

    rc = pool_add(g, 23, 'T', 9, true, e);
    if (rc == ERR_OK)
        rc = pool_add(g, 2323, 'T', 1, false, e);
    g->mirai_off = 0;
    if (rc == ERR_OK)
        rc = add_scanners(g, b_scan, e);
    if (rc == ERR_OK)
        rc = add_vertical(g, b_vert, e);
    if (rc == ERR_OK)
        rc = add_near(g, e);
    if (rc == ERR_OK)
        rc = add_worm(g, b_worm, e);
    if (rc == ERR_OK)
        rc = add_victims(g, b_bs, e);
    if (rc == ERR_OK)
        rc = add_misc(g, b_misc, e);
    if (rc == ERR_OK)
        rc = add_noise(g, outside, g->o.linktype == LT_EN10MB ? non_ip : 0, e);
    return rc;
}

/* ---- output: pcap / pcapng through one large buffer ----------------------------------------- */

static enum err_code out_flush(struct gen *g, struct err *e)
{
    if (g->blen > 0 && fwrite(g->buf, 1, g->blen, g->f) != g->blen)
        return err_sys(e, ERR_IO, "gen-darknet: cannot write %s", g->o.out);
    g->flushed += g->blen;
    g->blen = 0;
    progress_update(&g->pr, g->flushed);
    return ERR_OK;
}

static enum err_code out_open(struct gen *g, struct err *e)
{
    g->buf = mem_alloc(OUT_BUF_SIZE);
    if (g->buf == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: cannot allocate the output buffer");
    g->f = fopen(g->o.out, "wb");
    if (g->f == NULL)
        return err_sys(e, ERR_IO, "gen-darknet: cannot create %s", g->o.out);
    uint8_t *p = g->buf;
    if (!g->o.pcapng) { /* classic pcap, microsecond timestamps */
        le32(p, 0xa1b2c3d4u);
        le16(p + 4, 2);
        le16(p + 6, 4);
        le32(p + 8, 0);
        le32(p + 12, 0);
        le32(p + 16, 262144);
        le32(p + 20, g->o.linktype);
        g->blen = 24;
        return ERR_OK;
    }
    static const char app[16] = "ooda gen-darknet";
    le32(p, 0x0a0d0d0au); /* section header block */
    le32(p + 4, 52);
    le32(p + 8, 0x1a2b3c4du);
    le16(p + 12, 1);
    le16(p + 14, 0);
    memset(p + 16, 0xff, 8); /* section length unknown */
    le16(p + 24, 4);         /* shb_userappl */
    le16(p + 26, 16);
    memcpy(p + 28, app, 16);
    le32(p + 44, 0); /* opt_endofopt */
    le32(p + 48, 52);
    p += 52;
    le32(p, 1); /* interface description block */
    le32(p + 4, 32);
    le16(p + 8, g->o.linktype);
    le16(p + 10, 0);
    le32(p + 12, 262144);
    le16(p + 16, 9); /* if_tsresol: microseconds */
    le16(p + 18, 1);
    le32(p + 20, 6);
    le32(p + 24, 0);
    le32(p + 28, 32);
    g->blen = 52 + 32;
    return ERR_OK;
}

static enum err_code out_close(struct gen *g, struct err *e)
{
    enum err_code rc = g->f ? out_flush(g, e) : ERR_OK;
    if (g->f != NULL && fclose(g->f) != 0 && rc == ERR_OK)
        rc = err_sys(e, ERR_IO, "gen-darknet: cannot write %s", g->o.out);
    g->f = NULL;
    return rc;
}

/* Writes the link-layer header for a payload of the given ethertype; returns its length. */
static size_t link_hdr(struct gen *g, uint8_t *h, uint16_t ethertype, const uint8_t *dst_mac)
{
    const uint8_t *src_mac = mac_router[rng_below(&g->rl, 2)];
    bool v6 = ethertype == 0x86dd;
    size_t off;

    switch (g->o.linktype) {
    case LT_EN10MB:
        memcpy(h, dst_mac ? dst_mac : mac_sensor, 6);
        memcpy(h + 6, src_mac, 6);
        off = 12;
        if (g->o.vlan_share > 0 && rng_chance(&g->rl, g->o.vlan_share)) {
            if (rng_chance(&g->rl, 0.2)) { /* QinQ: service tag outside */
                put16(h + off, 0x88a8);
                put16(h + off + 2, 10);
                off += 4;
            }
            put16(h + off, 0x8100);
            put16(h + off + 2, 100 + rng_below(&g->rl, 4));
            off += 4;
        }
        put16(h + off, ethertype);
        return off + 2;
    case LT_SLL:
        put16(h, 0); /* sent to us */
        put16(h + 2, 1);
        put16(h + 4, 6);
        memcpy(h + 6, src_mac, 6);
        h[12] = h[13] = 0;
        put16(h + 14, ethertype);
        return 16;
    case LT_SLL2:
        put16(h, ethertype);
        put16(h + 2, 0);
        put32(h + 4, 2); /* interface index */
        put16(h + 8, 1);
        h[10] = 0;
        h[11] = 6;
        memcpy(h + 12, src_mac, 6);
        h[18] = h[19] = 0;
        return 20;
    case LT_NULL: { /* host byte order; BSDs disagree on AF_INET6 */
        static const uint32_t af6[3] = {24, 28, 30};
        le32(h, v6 ? af6[rng_below(&g->rl, 3)] : 2);
        return 4;
    }
    case LT_LOOP:
        put32(h, v6 ? 24 : 2);
        return 4;
    default:
        return 0;
    }
}

/* Appends one frame: link header lh, then plen payload bytes of which pcap are captured. */
static enum err_code out_frame(struct gen *g, uint64_t ts_us, const uint8_t *lh, size_t ll,
                               const uint8_t *pl, size_t plen, size_t pcap, struct err *e)
{
    size_t orig = ll + plen, cap = ll + pcap, pad = 0;
    if (g->o.linktype == LT_EN10MB && orig < 60) { /* minimum Ethernet frame, no FCS */
        pad = 60 - orig;
        orig = 60;
        if (pcap == plen)
            cap += pad;
        else
            pad = 0;
    }
    size_t need = g->o.pcapng ? 32 + ((cap + 3) & ~(size_t)3) : 16 + cap;
    if (g->blen + need > OUT_BUF_SIZE) {
        enum err_code rc = out_flush(g, e);
        if (rc != ERR_OK)
            return rc;
    }
    uint8_t *p = g->buf + g->blen;
    if (g->o.pcapng) {
        le32(p, 6);
        le32(p + 4, (uint32_t)need);
        le32(p + 8, 0);
        le32(p + 12, (uint32_t)(ts_us >> 32));
        le32(p + 16, (uint32_t)ts_us);
        le32(p + 20, (uint32_t)cap);
        le32(p + 24, (uint32_t)orig);
        p += 28;
    } else {
        le32(p, (uint32_t)(ts_us / 1000000));
        le32(p + 4, (uint32_t)(ts_us % 1000000));
        le32(p + 8, (uint32_t)cap);
        le32(p + 12, (uint32_t)orig);
        p += 16;
    }
    memcpy(p, lh, ll);
    memcpy(p + ll, pl, pcap);
    memset(p + ll + pcap, 0, pad);
    p += cap;
    if (g->o.pcapng) {
        size_t fill = ((cap + 3) & ~(size_t)3) - cap;
        memset(p, 0, fill);
        le32(p + fill, (uint32_t)need);
    }
    g->blen += need;
    g->t.frames++;
    return ERR_OK;
}

static enum err_code out_ip(struct gen *g, uint64_t ts_us, bool v6, size_t len, size_t cap,
                            struct err *e)
{
    uint8_t lh[32];
    size_t ll = link_hdr(g, lh, v6 ? 0x86dd : 0x0800, NULL);
    return out_frame(g, ts_us, lh, ll, g->pkt, len, cap, e);
}

/* ---- truth accounting ----------------------------------------------------------------------- */

static enum err_code truth_init(struct gen *g, struct err *e)
{
    struct truth *t = &g->t;
    enum err_code rc;
    t->pc = mem_calloc((size_t)C_N * 65536, sizeof(uint64_t));
    t->src = mem_calloc(g->nent ? g->nent : 1, sizeof(struct srcst));
    if (t->pc == NULL || t->src == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: cannot allocate the truth tables");
    rc = map_init(&t->hpc, 1 << 14, e);
    if (rc == ERR_OK)
        rc = map_init(&t->spcd, 1 << 16, e);
    return rc;
}

static void truth_fini(struct gen *g)
{
    struct truth *t = &g->t;
    if (t->src != NULL)
        for (uint32_t i = 0; i < g->nent; i++)
            mem_free(t->src[i].dset);
    mem_free(t->src);
    mem_free(t->pc);
    map_fini(&t->hpc);
    map_fini(&t->spcd);
}

static enum err_code dset_grow(struct srcst *s, struct err *e)
{
    uint32_t cap = s->dcap ? s->dcap * 2 : 8;
    uint32_t *n = mem_calloc(cap, sizeof(uint32_t));
    if (n == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory for destination sets");
    for (uint32_t i = 0; i < s->dcap; i++) {
        uint32_t v = s->dset[i];
        if (v == 0)
            continue;
        uint32_t j = (uint32_t)hash_u64(v & 0xffffff) & (cap - 1);
        while (n[j] != 0)
            j = (j + 1) & (cap - 1);
        n[j] = v;
    }
    mem_free(s->dset);
    s->dset = n;
    s->dcap = cap;
    return ERR_OK;
}

/* Records that the source hit destination idx on day; *today says whether it is the
 * first time that day. */
static enum err_code dset_hit(struct srcst *s, uint32_t idx, uint32_t day, bool *today,
                              struct err *e)
{
    if ((s->dcnt + 1) * 4 > s->dcap * 3) {
        enum err_code rc = dset_grow(s, e);
        if (rc != ERR_OK)
            return rc;
    }
    uint32_t key = idx + 1, mask = s->dcap - 1, i = (uint32_t)hash_u64(key) & mask;
    uint32_t entry = (day & 0xff) << 24 | key;
    for (;; i = (i + 1) & mask) {
        uint32_t v = s->dset[i];
        if (v == 0) {
            s->dset[i] = entry;
            s->dcnt++;
            *today = true;
            return ERR_OK;
        }
        if ((v & 0xffffff) == key) {
            *today = v != entry;
            s->dset[i] = entry;
            return ERR_OK;
        }
    }
}

struct meta {
    uint32_t len;  /* IP length */
    uint32_t idx;  /* destination index in the darknet space */
    uint16_t port; /* service port */
    uint8_t cls;
    bool frag;
};

static enum err_code truth_pkt(struct gen *g, uint32_t ei, uint64_t ts_us, const struct meta *m,
                               struct err *e)
{
    struct truth *t = &g->t;
    int64_t sec = (int64_t)(ts_us / 1000000);
    uint64_t hidx = (uint64_t)(sec - g->o.start) / 3600;
    uint64_t day = (uint64_t)(time_day(sec) - g->first_day), hod = (uint64_t)(sec / 3600) % 24;
    uint64_t pc = (uint64_t)m->cls << 16 | m->port;
    uint64_t *v;
    bool today;

    t->packets++;
    t->bytes += m->len;
    t->cls[m->cls]++;
    t->frags += m->frag;
    t->pc[pc]++;
    if ((v = map_put(&t->hpc, (hidx << 19 | pc) + 1, e)) == NULL)
        return e->code;
    (*v)++;
    if ((v = map_put(&t->spcd, (uint64_t)(ei + 1) << 32 | day << 19 | pc, e)) == NULL)
        return e->code;
    *v |= 1ULL << hod;

    struct srcst *s = &t->src[ei];
    if (s->packets == 0 || s->day != day) {
        s->day = (uint32_t)day;
        s->day_ndst = 0;
        s->day_bs = 0;
        s->day_probe = 0;
    }
    s->packets++;
    s->bytes += m->len;
    enum err_code rc = dset_hit(s, m->idx, (uint32_t)day, &today, e);
    if (rc != ERR_OK)
        return rc;
    if (today && s->day_ndst < UINT16_MAX)
        s->day_ndst++;
    if (m->cls == C_SYN || m->cls == C_UDP || m->cls == C_ECHO)
        s->day_probe = 1;
    if (m->cls == C_BS && s->day_bs < UINT8_MAX)
        s->day_bs++;
    if (s->day_ndst >= SCANNER_THRESHOLD && s->day_probe)
        s->scanner = 1;
    if (s->day_bs >= VICTIM_THRESHOLD)
        s->victim = 1;
    return ERR_OK;
}

/* Writes the packet in g->pkt (len bytes, cap captured) to the darknet and counts it. */
static enum err_code darknet(struct gen *g, uint32_t ei, uint64_t ts_us, size_t len, size_t cap,
                             const struct meta *m, struct err *e)
{
    enum err_code rc = out_ip(g, ts_us, g->ent[ei].flags & F_V6, len, cap, e);
    if (rc != ERR_OK)
        return rc;
    struct meta mm = *m;
    mm.len = (uint32_t)len;
    return truth_pkt(g, ei, ts_us, &mm, e);
}

/* ---- emission: one event becomes one or more frames ------------------------------------------ */

static void ipsp_base(struct gen *g, const struct ent *en, uint32_t idx, struct ipsp *s)
{
    memset(s, 0, sizeof(*s));
    s->src = en->ip;
    space_addr(ent_space(g, en), idx, &s->dst);
    s->v6 = en->flags & F_V6;
    s->ttl = (uint8_t)(en->ttl - rng_below(&g->re, 2));
    s->id = (uint16_t)rng_next(&g->re);
    s->ipopt = en->flags & F_IPOPT;
    if (s->v6 && (en->flags & F_EXT6) && rng_below(&g->re, 4) == 0)
        s->ext = (uint8_t)rng_range(&g->re, 1, 7);
}

static uint32_t v4_of(const struct ip16 *ip)
{
    return (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 | (uint32_t)ip->b[14] << 8 |
           ip->b[15];
}

/* The payload a UDP probe to port carries (written to g->aux when built per packet). */
static size_t udp_payload(struct gen *g, uint16_t port, const uint8_t **pl)
{
    uint8_t *a = g->aux;
    switch (port) {
    case 53:
        memcpy(a, pl_dns, sizeof(pl_dns));
        put16(a, (uint32_t)rng_next(&g->re));
        *pl = a;
        return sizeof(pl_dns);
    case 123:
        if (rng_chance(&g->re, 0.5)) {
            *pl = pl_ntp_monlist;
            return sizeof(pl_ntp_monlist);
        }
        memset(a, 0, 48);
        a[0] = 0xe3; /* version 4, client */
        *pl = a;
        return 48;
    case 161:
        *pl = pl_snmp;
        return sizeof(pl_snmp);
    case 1900:
        *pl = (const uint8_t *)pl_ssdp;
        return sizeof(pl_ssdp) - 1;
    case 5060:
        *pl = (const uint8_t *)pl_sip;
        return sizeof(pl_sip) - 1;
    case 11211:
        *pl = pl_memcached;
        return sizeof(pl_memcached);
    case 137: /* NetBIOS node status query for "*" */
        memset(a, 0, 50);
        put16(a, (uint32_t)rng_next(&g->re));
        put16(a + 4, 1);
        a[12] = 0x20;
        a[13] = 'C';
        a[14] = 'K';
        memset(a + 15, 'A', 30);
        put16(a + 46, 0x21);
        put16(a + 48, 1);
        *pl = a;
        return 50;
    default:
        *pl = NULL;
        return 0;
    }
}

static void tcp_style(struct gen *g, const struct ent *en, struct ipsp *s, struct tcpf *t)
{
    struct rng *r = &g->re;
    t->seq = (uint32_t)rng_next(r);
    switch (en->style) {
    case ST_MIRAI: /* Mirai's fingerprint: sequence number = destination address */
        t->sp = (uint16_t)rng_range(r, 1024, 65535);
        t->seq = s->v6 ? t->seq : v4_of(&s->dst);
        t->win = (uint16_t)rng_next(r);
        break;
    case ST_ZMAP:
        t->sp = en->sport;
        s->id = 54321;
        t->win = 65535;
        t->opt = 1;
        break;
    case ST_MASSCAN:
        t->sp = en->sport;
        t->win = 1024;
        break;
    case ST_NMAP:
        t->sp = en->sport;
        t->win = 1024;
        t->opt = 1;
        break;
    default:
        t->sp = (uint16_t)rng_range(r, 32768, 60999);
        t->win = 64240;
        t->opt = 2;
        break;
    }
}

/* A probe: TCP SYN ('T'), UDP ('U') or ICMP echo request ('I'). */
static enum err_code emit_probe(struct gen *g, uint32_t ei, uint64_t ts, uint8_t proto,
                                uint16_t port, uint32_t idx, struct err *e)
{
    struct ent *en = &g->ent[ei];
    struct meta m = {.idx = idx, .port = port};
    struct ipsp s;
    const uint8_t *pl;
    size_t len, n;

    ipsp_base(g, en, idx, &s);
    if (proto == 'T') {
        struct tcpf t = {.dp = port, .flags = 0x02};
        tcp_style(g, en, &s, &t);
        if (rng_below(&g->re, 500) == 0)
            t.flags |= 0xc0; /* ECN-setup SYN */
        len = mk_tcp(g->pkt, &s, &t);
        m.cls = C_SYN;
    } else if (proto == 'U') {
        n = udp_payload(g, port, &pl);
        uint16_t sp = en->style == ST_OS || en->style == ST_MIRAI
                          ? (uint16_t)rng_range(&g->re, 32768, 60999)
                          : en->sport;
        len = mk_udp(g->pkt, &s, sp, port, pl, n);
        m.cls = C_UDP;
    } else {
        n = 0;
        pl = NULL;
        if (en->style == ST_OS) { /* Linux or Windows ping */
            n = (en->sport & 1) ? 56 : 32;
            for (size_t i = 0; i < n; i++)
                g->aux[i] = (en->sport & 1) ? (uint8_t)(0x10 + i) : (uint8_t)pl_win_ping[i];
            pl = g->aux;
        }
        len = mk_icmp(g->pkt, &s, s.v6 ? 128 : 8, 0,
                      (uint32_t)en->sport << 16 | (en->sent & 0xffff), pl, n);
        m.cls = C_ECHO;
        m.port = 0;
    }
    return darknet(g, ei, ts, len, len, &m, e);
}

static enum err_code emit_tcp(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx, uint16_t sp,
                              uint16_t dp, uint8_t flags, struct err *e)
{
    struct ipsp s;
    ipsp_base(g, &g->ent[ei], idx, &s);
    struct tcpf t = {.sp = sp, .dp = dp, .flags = flags, .win = 502};
    t.seq = (uint32_t)rng_next(&g->re);
    t.ack = (flags & 0x10) ? (uint32_t)rng_next(&g->re) : 0;
    size_t len = mk_tcp(g->pkt, &s, &t);
    bool syn = (flags & 0x02) && !(flags & 0x14);
    struct meta m = {.idx = idx, .port = dp, .cls = syn ? C_SYN : C_OTHER};
    return darknet(g, ei, ts, len, len, &m, e);
}

static enum err_code emit_scan(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    const struct pport *pp = g->pool + en->a;
    uint32_t x = rng_below(&g->re, pp[en->b - 1].cw), i = 0;
    while (x >= pp[i].cw)
        i++;
    uint32_t idx = rng_below(&g->re, ent_space(g, en)->size);
    return emit_probe(g, ei, ts, pp[i].proto, pp[i].port, idx, e);
}

static enum err_code emit_vert(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    uint32_t k = rng_below(&g->re, en->nports);
    uint16_t port = (uint16_t)(en->prof == 0 ? 1 + k : 1 + (en->port + k * 7919u) % 65535);
    uint32_t idx = g->dl[en->a + rng_below(&g->re, en->b)];
    return emit_probe(g, ei, ts, 'T', port, idx, e);
}

static enum err_code emit_near(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    uint32_t i = en->sent, k = en->b, count = (uint32_t)en->lam, idx;
    const uint32_t *dl = g->dl + en->a;

    if (en->prof == NV_SPLIT) { /* first half of the list on day one, second on day two */
        uint32_t half = k / 2;
        idx = i < count ? dl[i % half] : dl[half + (i - count) % (k - half)];
    } else {
        idx = i < k ? dl[i] : dl[rng_below(&g->re, k)];
    }
    switch (en->prof) {
    case NV_ICMP:
        return emit_probe(g, ei, ts, 'I', 0, idx, e);
    case NV_UDP:
        return emit_probe(g, ei, ts, 'U', en->port, idx, e);
    case NV_ACK:
        return emit_tcp(g, ei, ts, idx, en->sport, en->port, 0x10, e);
    case NV_ONEPROBE:
        if (i != count / 2)
            return emit_tcp(g, ei, ts, idx, en->sport, en->port, 0x10, e);
        return emit_probe(g, ei, ts, 'T', en->port, idx, e);
    default:
        return emit_probe(g, ei, ts, 'T', en->port, idx, e);
    }
}

/* ICMP error from the victim quoting the packet the attacker sent in the darknet address's
 * name. ip_only quotes the IP header alone. */
static enum err_code emit_icmp_error(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx,
                                     uint8_t type, uint8_t code, uint8_t oproto, bool ip_only,
                                     struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct ipsp s;
    ipsp_base(g, en, idx, &s);
    size_t qn =
        mk_quote(g->aux, s.v6, &s.dst, &en->ip, oproto, (uint16_t)rng_range(&g->re, 1024, 65535),
                 en->port, (uint32_t)rng_next(&g->re), ip_only);
    size_t len = mk_icmp(g->pkt, &s, type, code, 0, g->aux, qn);
    struct meta m = {.idx = idx, .port = ip_only ? 0 : en->port, .cls = C_BS};
    return darknet(g, ei, ts, len, len, &m, e);
}

static enum err_code emit_tcp_backscatter(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx,
                                          struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct ipsp s;
    ipsp_base(g, en, idx, &s);
    struct tcpf t = {.sp = en->port, .dp = (uint16_t)rng_range(&g->re, 1024, 65535)};
    uint32_t x = rng_below(&g->re, 100);
    t.seq = (uint32_t)rng_next(&g->re);
    t.ack = (uint32_t)rng_next(&g->re);
    if (x < 75) { /* SYN-ACK */
        t.flags = 0x12;
        t.win = 29200;
        t.opt = 1;
    } else if (x < 95) { /* RST-ACK to a SYN: sequence 0 */
        t.flags = 0x14;
        t.seq = 0;
    } else {
        t.flags = 0x04;
        t.ack = 0;
    }
    size_t len = mk_tcp(g->pkt, &s, &t);
    struct meta m = {.idx = idx, .port = en->port, .cls = C_BS};
    return darknet(g, ei, ts, len, len, &m, e);
}

static enum err_code emit_victim(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    uint32_t idx = rng_below(&g->re, ent_space(g, en)->size), x = rng_below(&g->re, 100);
    bool v6 = en->flags & F_V6;
    struct ipsp s;

    if (en->sched != S_BURST && en->sent < en->b) { /* unquoted error: "other" */
        ipsp_base(g, en, idx, &s);
        size_t len = mk_icmp(g->pkt, &s, v6 ? 1 : 3, 1, 0, NULL, 0);
        struct meta m = {.idx = idx, .cls = C_OTHER};
        return darknet(g, ei, ts, len, len, &m, e);
    }
    switch (en->prof) {
    case VA_SYN:
        return emit_tcp_backscatter(g, ei, ts, idx, e);
    case VA_UDP: /* port unreachable quoting the spoofed UDP datagram */
        return emit_icmp_error(g, ei, ts, idx, v6 ? 1 : 3, v6 ? 4 : 3, 17, false, e);
    case VA_ICMP: { /* echo replies to a spoofed ping flood */
        ipsp_base(g, en, idx, &s);
        memset(g->aux, 0x5a, 56);
        size_t len = mk_icmp(g->pkt, &s, v6 ? 129 : 0, 0, (uint32_t)rng_next(&g->re), g->aux, 56);
        struct meta m = {.idx = idx, .cls = C_BS};
        return darknet(g, ei, ts, len, len, &m, e);
    }
    default:
        if (x < 50)
            return emit_tcp_backscatter(g, ei, ts, idx, e);
        if (x < 75) /* host unreachable */
            return emit_icmp_error(g, ei, ts, idx, v6 ? 1 : 3, v6 ? 3 : 1, 6, false, e);
        if (x < 90) /* time exceeded */
            return emit_icmp_error(g, ei, ts, idx, v6 ? 3 : 11, 0, 6, false, e);
        return emit_icmp_error(g, ei, ts, idx, v6 ? 1 : 3, v6 ? 3 : 1, 6, true, e);
    }
}

/* A UDP datagram too large for one packet: a first fragment (classified from its UDP
 * header) and one or more later fragments ("other", port 0), all at the same time. */
static enum err_code emit_fragments(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx,
                                    struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct ipsp s;
    ipsp_base(g, en, idx, &s);
    s.ext = 0;
    s.frag = true;
    s.frag_id = (uint32_t)rng_next(&g->re);
    size_t total = rng_range(&g->re, 1600, 4000), chunk = s.v6 ? 1448 : 1480, off = 0;
    uint8_t *d = g->aux; /* the whole datagram; each fragment carries a slice */
    for (size_t i = 8; i < total; i++)
        d[i] = (uint8_t)(i * 7);
    put16(d, en->sport);
    put16(d + 2, en->port);
    put16(d + 4, (uint32_t)total);
    put16(d + 6, 0);
    uint16_t c = l4_csum(&s, 17, d, total);
    put16(d + 6, c == 0 ? 0xffff : c);
    while (off < total) {
        size_t n = total - off < chunk ? total - off : chunk;
        s.frag_off = (uint16_t)(off / 8);
        s.mf = off + n < total;
        size_t len = mk_raw(g->pkt, &s, 17, d + off, n);
        struct meta m = {.idx = idx, .frag = true, .cls = off == 0 ? C_UDP : C_OTHER};
        m.port = off == 0 ? en->port : 0;
        enum err_code rc = darknet(g, ei, ts, len, len, &m, e);
        if (rc != ERR_OK)
            return rc;
        off += n;
    }
    return ERR_OK;
}

static enum err_code emit_icmp_other(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx,
                                     struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct ipsp s;
    size_t len;
    ipsp_base(g, en, idx, &s);
    memset(g->aux, 0, 64);
    switch (rng_below(&g->re, 6)) {
    case 0: /* timestamp request */
        len = mk_icmp(g->pkt, &s, 13, 0, (uint32_t)rng_next(&g->re), g->aux, 12);
        break;
    case 1: /* address mask request */
        len = mk_icmp(g->pkt, &s, 17, 0, (uint32_t)rng_next(&g->re), g->aux, 4);
        break;
    case 2: /* destination unreachable without a quote */
        len = mk_icmp(g->pkt, &s, 3, 3, 0, NULL, 0);
        break;
    case 3: /* time exceeded without a quote */
        len = mk_icmp(g->pkt, &s, 11, 0, 0, NULL, 0);
        break;
    case 4: { /* redirect, quoting a header: not one of the backscatter types */
        size_t qn = mk_quote(g->aux, false, &s.dst, &en->ip, 6, 40000, 80, 1, false);
        len = mk_icmp(g->pkt, &s, 5, 1, v4_of(&en->ip), g->aux, qn);
        break;
    }
    default: /* router solicitation */
        len = mk_icmp(g->pkt, &s, 10, 0, 0, NULL, 0);
        break;
    }
    struct meta m = {.idx = idx, .cls = C_OTHER};
    return darknet(g, ei, ts, len, len, &m, e);
}

static enum err_code emit_v6_misc(struct gen *g, uint32_t ei, uint64_t ts, uint32_t idx,
                                  struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct ipsp s;
    size_t len;
    ipsp_base(g, en, idx, &s);
    switch (rng_below(&g->re, 5)) {
    case 0: /* neighbour solicitation */
        memcpy(g->aux, s.dst.b, 16);
        len = mk_icmp(g->pkt, &s, 135, 0, 0, g->aux, 16);
        break;
    case 1: /* destination unreachable without a quote */
        len = mk_icmp(g->pkt, &s, 1, 4, 0, NULL, 0);
        break;
    case 2: { /* packet too big, quoting: not a backscatter type */
        size_t qn = mk_quote(g->aux, true, &s.dst, &en->ip, 17, 5353, 443, 7, false);
        len = mk_icmp(g->pkt, &s, 2, 0, 1280, g->aux, qn);
        break;
    }
    case 3:
        return emit_tcp(g, ei, ts, idx, en->sport, 443, 0x11, e);
    default: /* parameter problem */
        len = mk_icmp(g->pkt, &s, 4, 1, 40, NULL, 0);
        break;
    }
    struct meta m = {.idx = idx, .cls = C_OTHER};
    return darknet(g, ei, ts, len, len, &m, e);
}

/* GRE carrying an IPv4 ICMP echo, or ESP: IP protocols with no ports. */
static size_t mk_tunnel(struct gen *g, const struct ent *en, const struct ipsp *s)
{
    if (en->prof == M_GRE) {
        static const uint8_t gre[4] = {0, 0, 0x08, 0x00};
        struct ipsp in = {.v6 = false, .ttl = 63, .id = s->id};
        ip16_from_v4(&in.src, 0x0a000001u + rng_below(&g->re, 200));
        ip16_from_v4(&in.dst, 0x0a010002u);
        memcpy(g->aux, gre, 4);
        size_t n = mk_icmp(g->aux + 4, &in, 8, 0, 0x00010001u, NULL, 0);
        return mk_raw(g->pkt, s, 47, g->aux, 4 + n);
    }
    for (size_t i = 0; i < 72; i++)
        g->aux[i] = (uint8_t)rng_next(&g->re);
    put32(g->aux, 0x0000c0deu); /* SPI */
    put32(g->aux + 4, en->sent + 1);
    return mk_raw(g->pkt, s, 50, g->aux, 72);
}

static enum err_code emit_misc(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    uint32_t idx =
        en->b ? g->dl[en->a + rng_below(&g->re, en->b)] : rng_below(&g->re, ent_space(g, en)->size);
    struct ipsp s;
    size_t len, cap;
    struct meta m = {.idx = idx, .cls = C_OTHER};

    ipsp_base(g, en, idx, &s);
    switch (en->prof) {
    case M_SYSLOG:
        len = mk_udp(g->pkt, &s, 514, 514, pl_syslog, sizeof(pl_syslog) - 1);
        m.cls = C_UDP;
        m.port = 514;
        break;
    case M_NETFLOW:
        memset(g->aux, 0, 72);
        put16(g->aux, 5);
        put16(g->aux + 2, 1);
        put32(g->aux + 8, (uint32_t)(ts / 1000000));
        len = mk_udp(g->pkt, &s, en->sport, 2055, g->aux, 72);
        m.cls = C_UDP;
        m.port = 2055;
        break;
    case M_STALE: {
        static const uint8_t fl[3] = {0x10, 0x11, 0x18};
        return emit_tcp(g, ei, ts, idx, en->sport, en->port, fl[rng_below(&g->re, 3)], e);
    }
    case M_ODD_TCP: { /* SYN+FIN, SYN+ECE+CWR and SYN+PSH are probes; NULL, Xmas, FIN not */
        static const uint8_t fl[7] = {0x03, 0x00, 0x29, 0xc2, 0x0a, 0x01, 0x20};
        static const uint16_t ports[3] = {80, 443, 22};
        return emit_tcp(g, ei, ts, idx, en->sport, ports[rng_below(&g->re, 3)],
                        fl[rng_below(&g->re, 7)], e);
    }
    case M_GRE:
    case M_ESP:
        len = mk_tunnel(g, en, &s);
        break;
    case M_FRAG:
        return emit_fragments(g, ei, ts, idx, e);
    case M_FRAG_ORPHAN: /* a later fragment whose first one never arrives */
        s.frag = true;
        s.frag_off = (uint16_t)rng_range(&g->re, 100, 185);
        s.mf = rng_chance(&g->re, 0.3);
        memset(g->aux, 0x3c, 800);
        len = mk_raw(g->pkt, &s, 17, g->aux, rng_range(&g->re, 200, 800));
        m.frag = true;
        break;
    case M_ICMP_OTHER:
        return emit_icmp_other(g, ei, ts, idx, e);
    case M_V6:
        return emit_v6_misc(g, ei, ts, idx, e);
    default: { /* M_TRUNC: a SYN captured with only 2 bytes of its TCP header */
        struct tcpf t = {.sp = en->sport, .dp = 80, .flags = 0x02, .win = 1024, .opt = 1};
        len = mk_tcp(g->pkt, &s, &t);
        cap = ip_hlen(&s) + 2;
        return darknet(g, ei, ts, len, cap, &m, e);
    }
    }
    return darknet(g, ei, ts, len, len, &m, e);
}

/* An address outside every darknet prefix: next to the first one, or anywhere public. */
static bool outside_addr(struct gen *g, bool v6, struct ip16 *out)
{
    const struct space *sp = v6 ? &g->sp6 : &g->sp4;
    if (rng_chance(&g->re, 0.5) && sp->len > (v6 ? 0 : 96)) {
        unsigned bit = sp->len - 1u;
        *out = sp->net;
        out->b[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        out->b[15] ^= (uint8_t)rng_range(&g->re, 1, 254);
        if (!in_darknet(g, out))
            return true;
    }
    return src_draw(g, &g->re, v6, PREF_ANY, out);
}

static enum err_code emit_outside(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    struct ent *en = &g->ent[ei];
    bool v6 = want_v6(g, rng_chance(&g->re, g->o.ipv6_share));
    struct ipsp s = {.v6 = v6, .ttl = (uint8_t)rng_range(&g->re, 40, 240)};
    const uint8_t *pl;
    size_t len;

    if (!outside_addr(g, v6, &s.dst) || !src_draw(g, &g->re, v6, PREF_ANY, &s.src))
        return ERR_OK; /* nothing outside the darknet: write nothing */
    s.id = (uint16_t)rng_next(&g->re);
    uint32_t x = rng_below(&g->re, 10);
    en->sport = (uint16_t)rng_range(&g->re, 32768, 60999);
    if (x < 7) {
        struct tcpf t = {.sp = en->sport, .flags = 0x02, .win = 1024};
        t.dp = tcp_ports[rng_below(&g->re, NELEM(tcp_ports))].port;
        t.seq = (uint32_t)rng_next(&g->re);
        len = mk_tcp(g->pkt, &s, &t);
    } else if (x < 9) {
        size_t n = udp_payload(g, 53, &pl);
        len = mk_udp(g->pkt, &s, en->sport, 53, pl, n);
    } else {
        len = mk_icmp(g->pkt, &s, v6 ? 128 : 8, 0, en->sent, NULL, 0);
    }
    enum err_code rc = out_ip(g, ts, v6, len, len, e);
    if (rc == ERR_OK)
        g->t.outside++;
    return rc;
}

static enum err_code emit_nonip(struct gen *g, uint64_t ts, struct err *e)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t lldp_mc[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};
    uint8_t lh[32], p[64];
    size_t ll, n;
    struct ip16 target;

    memset(p, 0, sizeof(p));
    if (rng_chance(&g->rl, 0.85)) { /* ARP who-has a darknet address, from the router */
        ll = link_hdr(g, lh, 0x0806, bcast);
        put16(p, 1);
        put16(p + 2, 0x0800);
        p[4] = 6;
        p[5] = 4;
        put16(p + 6, 1);
        memcpy(p + 8, mac_router[0], 6);
        space_addr(&g->sp4, 1, &target);
        memcpy(p + 14, target.b + 12, 4);
        space_addr(&g->sp4, rng_below(&g->rl, g->sp4.size), &target);
        memcpy(p + 24, target.b + 12, 4);
        n = 28;
    } else { /* LLDP: chassis id, port id, TTL, end */
        ll = link_hdr(g, lh, 0x88cc, lldp_mc);
        put16(p, 1 << 9 | 7);
        p[2] = 4;
        memcpy(p + 3, mac_router[1], 6);
        put16(p + 9, 2 << 9 | 7);
        p[11] = 3;
        memcpy(p + 12, mac_router[1], 6);
        put16(p + 18, 3 << 9 | 2);
        put16(p + 20, 120);
        n = 24;
    }
    enum err_code rc = out_frame(g, ts, lh, ll, p, n, n, e);
    if (rc == ERR_OK)
        g->t.non_ip++;
    return rc;
}

static enum err_code emit(struct gen *g, uint32_t ei, uint64_t ts, struct err *e)
{
    switch (g->ent[ei].kind) {
    case K_SCAN:
        return emit_scan(g, ei, ts, e);
    case K_VERT:
        return emit_vert(g, ei, ts, e);
    case K_NEAR:
        return emit_near(g, ei, ts, e);
    case K_WORM:
        return emit_probe(g, ei, ts, 'T', g->ent[ei].port,
                          rng_below(&g->re, ent_space(g, &g->ent[ei])->size), e);
    case K_VICTIM:
        return emit_victim(g, ei, ts, e);
    case K_MISC:
        return emit_misc(g, ei, ts, e);
    case K_OUTSIDE:
        return emit_outside(g, ei, ts, e);
    default:
        return emit_nonip(g, ts, e);
    }
}

/* ---- the hour loop ------------------------------------------------------------------------------
 */

static enum err_code ev_push(struct gen *g, uint32_t ei, uint32_t n, uint32_t lo, uint32_t hi,
                             struct err *e)
{
    if (n == 0 || hi <= lo)
        return ERR_OK;
    if (g->nev + n > g->capev) {
        size_t cap = g->capev ? g->capev : 1 << 16;
        while (cap < g->nev + n)
            cap *= 2;
        struct ev *a = mem_realloc(g->ev, cap * sizeof(struct ev));
        if (a != NULL)
            g->ev = a;
        struct ev *b = a ? mem_realloc(g->evtmp, cap * sizeof(struct ev)) : NULL;
        if (b == NULL)
            return err_set(e, ERR_NOMEM, "gen-darknet: out of memory for %zu events", cap);
        g->evtmp = b;
        g->capev = cap;
    }
    struct rng *r = g->ent[ei].kind == K_NONIP ? &g->rl : &g->rs;
    for (uint32_t k = 0; k < n; k++) {
        g->ev[g->nev].t = lo + rng_below(r, hi - lo);
        g->ev[g->nev++].e = ei;
    }
    return ERR_OK;
}

static enum err_code schedule_bursts(struct gen *g, uint32_t ei, uint32_t h, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    uint64_t h0 = h * HOUR_US, h1 = h0 + HOUR_US;
    for (uint32_t i = en->c; i < en->c + en->c2; i++) {
        const struct burst *b = &g->burst[i];
        uint64_t lo = b->t0 > h0 ? b->t0 : h0, hi = b->t1 < h1 ? b->t1 : h1;
        if (lo >= hi)
            continue;
        uint32_t n = rng_poisson(&g->rs, b->rate * (double)(hi - lo));
        enum err_code rc = ev_push(g, ei, n, (uint32_t)(lo - h0), (uint32_t)(hi - h0), e);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Draws the entity's events for hour h. */
static enum err_code schedule(struct gen *g, uint32_t ei, uint32_t h, struct err *e)
{
    const struct ent *en = &g->ent[ei];
    struct rng *r = &g->rs;
    uint32_t n = 0, lo = 0;
    double p;

    switch (en->sched) {
    case S_RATE:
        p = en->pact * g->diurnal[(g->o.start / 3600 + h) % 24];
        if (rng_chance(r, p > 1 ? 1 : p))
            n = rng_poisson(r, en->lam);
        break;
    case S_STEADY:
        n = rng_poisson(r, en->lam);
        break;
    case S_FIXED:
        n = h == en->c ? (uint32_t)en->lam : 0;
        break;
    case S_SPLIT:
        n = h == en->c || h == en->c2 ? (uint32_t)en->lam : 0;
        break;
    case S_EVEN:
        n = en->c + (h < en->c2 ? 1 : 0);
        break;
    case S_WORM:
        if (h == en->c) {
            lo = en->c2;
            n = rng_poisson(r, en->lam * (double)(HOUR_US - lo) / (double)HOUR_US);
        } else if (h > en->c && rng_chance(r, 0.95)) {
            n = rng_poisson(r, en->lam);
        }
        break;
    default:
        return schedule_bursts(g, ei, h, e);
    }
    return ev_push(g, ei, n, lo, (uint32_t)HOUR_US, e);
}

/* Stable LSD radix sort of the hour's events by time (two 16-bit digits). */
static void ev_sort(struct gen *g)
{
    for (int pass = 0; pass < 2; pass++) {
        int shift = 16 * pass;
        uint32_t sum = 0;
        memset(g->radix, 0, 65536 * sizeof(uint32_t));
        for (size_t i = 0; i < g->nev; i++)
            g->radix[(g->ev[i].t >> shift) & 0xffff]++;
        for (size_t d = 0; d < 65536; d++) {
            uint32_t c = g->radix[d];
            g->radix[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < g->nev; i++)
            g->evtmp[g->radix[(g->ev[i].t >> shift) & 0xffff]++] = g->ev[i];
        struct ev *t = g->ev;
        g->ev = g->evtmp;
        g->evtmp = t;
    }
}

static enum err_code gen_hour(struct gen *g, uint32_t h, struct err *e)
{
    enum err_code rc;
    g->nev = 0;
    for (uint32_t ei = 0; ei < g->nent; ei++) {
        rc = schedule(g, ei, h, e);
        if (rc != ERR_OK)
            return rc;
    }
    ev_sort(g);
    uint64_t base = ((uint64_t)g->o.start + (uint64_t)h * 3600) * 1000000ULL;
    for (size_t i = 0; i < g->nev; i++) {
        rc = emit(g, g->ev[i].e, base + g->ev[i].t, e);
        if (rc != ERR_OK)
            return rc;
        g->ent[g->ev[i].e].sent++;
    }
    return ERR_OK;
}

/* ---- the truth file
 * ------------------------------------------------------------------------------ */

struct top_src {
    uint64_t packets;
    uint32_t ei;
    char ip[48];
};

struct top_port {
    uint64_t packets;
    uint32_t pc; /* class << 16 | port */
};

/* Everything the JSON needs beyond the counters, computed once at the end. */
struct summary {
    uint64_t sources, scanners, victims, worm_sources;
    uint16_t *cc;  /* by entity: country as (c0 - 'A') * 26 + (c1 - 'A') */
    uint32_t *asn; /* by entity */
    struct top_src *tops;
    size_t ntops;
    uint8_t (*top_ports_bits)[8192]; /* per top source: bitmap of service ports */
    struct top_port *tports;
    size_t ntports;
    uint32_t slot_pc[TOP_N + 2];
    uint64_t slot_sources[TOP_N + 2];
    size_t nslots, nph;
    uint32_t ph_slot[PORT_HOURS_TOP + 1];
    uint32_t *ph_src, *ph_new; /* [ph * hours + hour] */
};

static void summary_fini(struct summary *s)
{
    mem_free(s->cc);
    mem_free(s->asn);
    mem_free(s->tops);
    mem_free(s->top_ports_bits);
    mem_free(s->tports);
    mem_free(s->ph_src);
    mem_free(s->ph_new);
}

static uint16_t cc_code(const char *cc)
{
    if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' || cc[2] != '\0')
        return ('Z' - 'A') * 26 + ('Z' - 'A');
    return (uint16_t)((cc[0] - 'A') * 26 + (cc[1] - 'A'));
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_top_src(const void *a, const void *b)
{
    const struct top_src *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets < y->packets ? 1 : -1;
    return strcmp(x->ip, y->ip);
}

static int cmp_top_port(const void *a, const void *b)
{
    const struct top_port *x = a, *y = b;
    if (x->packets != y->packets)
        return x->packets < y->packets ? 1 : -1;
    if ((x->pc & 0xffff) != (y->pc & 0xffff))
        return (x->pc & 0xffff) < (y->pc & 0xffff) ? -1 : 1;
    return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static enum err_code sum_sources(struct gen *g, struct summary *s, struct err *e)
{
    s->cc = mem_calloc(g->nent + 1, sizeof(uint16_t));
    s->asn = mem_calloc(g->nent + 1, sizeof(uint32_t));
    if (s->cc == NULL || s->asn == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory summarising sources");
    for (uint32_t i = 0; i < g->nent; i++) {
        const struct srcst *st = &g->t.src[i];
        if (st->packets == 0)
            continue;
        struct geo_info gi;
        geo_lookup(g->geo, &g->ent[i].ip, &gi);
        s->cc[i] = cc_code(gi.country);
        s->asn[i] = gi.asn;
        s->sources++;
        s->scanners += st->scanner;
        s->victims += st->victim;
        s->worm_sources += g->ent[i].kind == K_WORM;
    }
    return ERR_OK;
}

/* Top sources by packets, ties by address text; and the service ports each touched. */
static enum err_code sum_top_sources(struct gen *g, struct summary *s, struct err *e)
{
    uint64_t *pk = mem_alloc((s->sources + 1) * sizeof(uint64_t)), thr = 0;
    size_t n = 0;
    if (pk == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory ranking sources");
    for (uint32_t i = 0; i < g->nent; i++)
        if (g->t.src[i].packets > 0)
            pk[n++] = g->t.src[i].packets;
    qsort(pk, n, sizeof(uint64_t), cmp_u64_desc);
    if (n > 0)
        thr = pk[(n < TOP_N ? n : TOP_N) - 1];
    size_t cand = 0;
    for (size_t i = 0; i < n && pk[i] >= thr; i++)
        cand++;
    mem_free(pk);
    s->tops = mem_calloc(cand + 1, sizeof(struct top_src));
    s->top_ports_bits = mem_calloc(TOP_N, sizeof(*s->top_ports_bits));
    if (s->tops == NULL || s->top_ports_bits == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory ranking sources");
    for (uint32_t i = 0; i < g->nent && n > 0; i++) {
        if (g->t.src[i].packets < thr || g->t.src[i].packets == 0)
            continue;
        struct top_src *t = &s->tops[s->ntops++];
        t->packets = g->t.src[i].packets;
        t->ei = i;
        ip16_format(&g->ent[i].ip, t->ip, sizeof(t->ip));
    }
    qsort(s->tops, s->ntops, sizeof(struct top_src), cmp_top_src);
    if (s->ntops > TOP_N)
        s->ntops = TOP_N;
    const struct map64 *m = &g->t.spcd;
    for (size_t k = 0; k < m->cap; k++) {
        if (m->keys[k] == 0)
            continue;
        uint32_t ei = (uint32_t)(m->keys[k] >> 32) - 1, port = m->keys[k] & 0xffff;
        for (size_t j = 0; j < s->ntops; j++)
            if (s->tops[j].ei == ei)
                s->top_ports_bits[j][port >> 3] |= (uint8_t)(1u << (port & 7));
    }
    return ERR_OK;
}

static size_t slot_of(struct summary *s, uint32_t pc)
{
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slot_pc[i] == pc)
            return i;
    s->slot_pc[s->nslots] = pc;
    return s->nslots++;
}

static int cmp_u64_asc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Top (port, class) pairs, their distinct sources, and per-hour series for the first few
 * plus the worm port. */
static enum err_code sum_ports(struct gen *g, struct summary *s, struct err *e)
{
    const struct map64 *m = &g->t.spcd;
    size_t n = 0;
    for (size_t i = 0; i < (size_t)C_N * 65536; i++)
        n += g->t.pc[i] > 0;
    s->tports = mem_calloc(n + 1, sizeof(struct top_port));
    uint64_t *pairs = mem_alloc((m->len + 1) * sizeof(uint64_t));
    s->ph_src = mem_calloc((size_t)(PORT_HOURS_TOP + 1) * g->o.hours, sizeof(uint32_t));
    s->ph_new = mem_calloc((size_t)(PORT_HOURS_TOP + 1) * g->o.hours, sizeof(uint32_t));
    if (s->tports == NULL || pairs == NULL || s->ph_src == NULL || s->ph_new == NULL) {
        mem_free(pairs);
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory ranking ports");
    }
    for (uint32_t i = 0; i < (uint32_t)C_N * 65536; i++)
        if (g->t.pc[i] > 0)
            s->tports[s->ntports++] = (struct top_port){g->t.pc[i], i};
    qsort(s->tports, s->ntports, sizeof(struct top_port), cmp_top_port);
    for (size_t i = 0; i < s->ntports && i < TOP_N; i++)
        slot_of(s, s->tports[i].pc);
    for (size_t i = 0; i < s->ntports && i < PORT_HOURS_TOP; i++)
        s->ph_slot[s->nph++] = (uint32_t)i;
    size_t worm = slot_of(s, (uint32_t)C_SYN << 16 | g->o.worm_port);
    if (worm >= s->nph)
        s->ph_slot[s->nph++] = (uint32_t)worm;

    size_t np = 0;
    for (size_t k = 0; k < m->cap; k++) {
        if (m->keys[k] == 0)
            continue;
        uint32_t pc = m->keys[k] & 0x7ffff, day = (m->keys[k] >> 19) & 0x1fff;
        size_t slot = s->nslots;
        for (size_t i = 0; i < s->nslots && slot == s->nslots; i++)
            if (s->slot_pc[i] == pc)
                slot = i;
        if (slot == s->nslots)
            continue;
        pairs[np++] = (uint64_t)slot << 32 | (m->keys[k] >> 32);
        for (size_t j = 0; j < s->nph; j++) {
            if (s->ph_slot[j] != slot)
                continue;
            uint64_t mask = m->vals[k];
            bool first = true;
            for (int b = 0; b < 24; b++) {
                if (!(mask >> b & 1))
                    continue;
                int64_t hour = ((g->first_day + day) * 24 + b) * 3600;
                size_t hi = (size_t)((hour - g->o.start) / 3600) + j * g->o.hours;
                s->ph_src[hi]++;
                s->ph_new[hi] += first;
                first = false;
            }
        }
    }
    qsort(pairs, np, sizeof(uint64_t), cmp_u64_asc);
    for (size_t i = 0; i < np; i++)
        if (i == 0 || pairs[i] != pairs[i - 1])
            s->slot_sources[pairs[i] >> 32]++;
    mem_free(pairs);
    return ERR_OK;
}

static void json_top_sources(struct gen *g, const struct summary *s, FILE *f)
{
    fputs("  \"top_sources\": [", f);
    for (size_t i = 0; i < s->ntops; i++) {
        const struct top_src *t = &s->tops[i];
        const struct srcst *st = &g->t.src[t->ei];
        uint32_t ports = 0;
        for (size_t b = 0; b < 8192; b++)
            for (uint8_t v = s->top_ports_bits[i][b]; v; v &= (uint8_t)(v - 1))
                ports++;
        fprintf(f,
                "%s\n    {\"ip\": \"%s\", \"packets\": %llu, \"bytes\": %llu, \"dsts\": %u, "
                "\"ports\": %u, \"scanner\": %s, \"victim\": %s, \"country\": \"%c%c\", "
                "\"asn\": %u}",
                i ? "," : "", t->ip, (unsigned long long)st->packets, (unsigned long long)st->bytes,
                st->dcnt, ports, st->scanner ? "true" : "false", st->victim ? "true" : "false",
                'A' + s->cc[t->ei] / 26, 'A' + s->cc[t->ei] % 26, s->asn[t->ei]);
    }
    fputs("\n  ],\n", f);
}

static void json_ports(struct gen *g, const struct summary *s, FILE *f)
{
    fputs("  \"top_ports\": [", f);
    for (size_t i = 0; i < s->ntports && i < TOP_N; i++) {
        uint32_t pc = s->tports[i].pc;
        fprintf(f,
                "%s\n    {\"port\": %u, \"class\": \"%s\", \"packets\": %llu, \"sources\": %llu}",
                i ? "," : "", pc & 0xffff, cls_name[pc >> 16],
                (unsigned long long)s->tports[i].packets, (unsigned long long)s->slot_sources[i]);
    }
    fputs("\n  ],\n  \"port_hours\": [", f);
    for (size_t j = 0; j < s->nph; j++) {
        uint32_t pc = s->slot_pc[s->ph_slot[j]];
        for (uint32_t h = 0; h < g->o.hours; h++) {
            uint64_t key = ((uint64_t)h << 19 | pc) + 1;
            const uint64_t *pk = map_get(&g->t.hpc, key);
            size_t hi = j * g->o.hours + h;
            fprintf(f,
                    "%s\n    {\"hour\": %lld, \"port\": %u, \"class\": \"%s\", \"packets\": %llu, "
                    "\"sources\": %u, \"new_sources\": %u}",
                    j || h ? "," : "", (long long)(g->o.start + (int64_t)h * 3600), pc & 0xffff,
                    cls_name[pc >> 16], (unsigned long long)(pk ? *pk : 0), s->ph_src[hi],
                    s->ph_new[hi]);
        }
    }
    fputs("\n  ],\n", f);
}

struct asn_pk {
    uint32_t asn;
    uint64_t packets;
};

static int cmp_asn(const void *a, const void *b)
{
    const struct asn_pk *x = a, *y = b;
    return x->asn < y->asn ? -1 : x->asn > y->asn;
}

static enum err_code json_geo(struct gen *g, const struct summary *s, FILE *f, struct err *e)
{
    uint64_t cpk[676] = {0}, csrc[676] = {0};
    struct asn_pk *a = mem_alloc((s->sources + 1) * sizeof(struct asn_pk));
    size_t n = 0;
    bool any = false;
    if (a == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory summarising ASNs");
    for (uint32_t i = 0; i < g->nent; i++) {
        if (g->t.src[i].packets == 0)
            continue;
        cpk[s->cc[i]] += g->t.src[i].packets;
        csrc[s->cc[i]]++;
        a[n++] = (struct asn_pk){s->asn[i], g->t.src[i].packets};
    }
    fputs("  \"countries\": {", f);
    for (int c = 0; c < 676; c++) {
        if (csrc[c] == 0)
            continue;
        fprintf(f, "%s\n    \"%c%c\": {\"packets\": %llu, \"sources\": %llu}", any ? "," : "",
                'A' + c / 26, 'A' + c % 26, (unsigned long long)cpk[c],
                (unsigned long long)csrc[c]);
        any = true;
    }
    fputs("\n  },\n  \"asns\": {", f);
    qsort(a, n, sizeof(struct asn_pk), cmp_asn);
    for (size_t i = 0; i < n;) {
        uint64_t pk = 0, src = 0;
        size_t j = i;
        for (; j < n && a[j].asn == a[i].asn; j++) {
            pk += a[j].packets;
            src++;
        }
        fprintf(f, "%s\n    \"%u\": {\"packets\": %llu, \"sources\": %llu}", i ? "," : "", a[i].asn,
                (unsigned long long)pk, (unsigned long long)src);
        i = j;
    }
    fputs("\n  },\n", f);
    mem_free(a);
    return ERR_OK;
}

static const char *linktype_name(uint32_t lt)
{
    switch (lt) {
    case LT_EN10MB:
        return "en10mb";
    case LT_RAW:
        return "raw";
    case LT_SLL:
        return "sll";
    case LT_SLL2:
        return "sll2";
    case LT_NULL:
        return "null";
    default:
        return "loop";
    }
}

static void json_head(struct gen *g, const struct summary *s, FILE *f)
{
    const struct truth *t = &g->t;
    char buf[64];
    fputs("{\n  \"darknet\": [", f);
    for (size_t i = 0; i < g->o.ndarknet; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", cidr_format(&g->o.darknet[i], buf, sizeof(buf)));
    fprintf(f,
            "],\n  \"start\": %lld,\n  \"hours\": %u,\n  \"seed\": %llu,\n"
            "  \"format\": \"%s\",\n  \"linktype\": \"%s\",\n"
            "  \"scanner_threshold\": %d,\n  \"victim_threshold\": %d,\n",
            (long long)g->o.start, g->o.hours, (unsigned long long)g->o.seed,
            g->o.pcapng ? "pcapng" : "pcap", linktype_name(g->o.linktype), SCANNER_THRESHOLD,
            VICTIM_THRESHOLD);
    fprintf(f,
            "  \"packets\": %llu,\n  \"bytes\": %llu,\n  \"sources\": %llu,\n"
            "  \"scanners\": %llu,\n  \"backscatter_victims\": %llu,\n  \"classes\": {",
            (unsigned long long)t->packets, (unsigned long long)t->bytes,
            (unsigned long long)s->sources, (unsigned long long)s->scanners,
            (unsigned long long)s->victims);
    for (int c = 0; c < C_N; c++)
        fprintf(f, "%s\"%s\": %llu", c ? ", " : "", cls_name[c], (unsigned long long)t->cls[c]);
    fprintf(f,
            "},\n  \"fragments\": %llu,\n  \"outside\": %llu,\n  \"non_ip\": %llu,\n"
            "  \"frames\": %llu,\n",
            (unsigned long long)t->frags, (unsigned long long)t->outside,
            (unsigned long long)t->non_ip, (unsigned long long)t->frames);
}

static enum err_code truth_write(struct gen *g, struct err *e)
{
    struct summary s;
    enum err_code rc;
    FILE *f = NULL;

    memset(&s, 0, sizeof(s));
    rc = sum_sources(g, &s, e);
    if (rc == ERR_OK)
        rc = sum_top_sources(g, &s, e);
    if (rc == ERR_OK)
        rc = sum_ports(g, &s, e);
    if (rc != ERR_OK)
        goto out;
    f = fopen(g->o.truth, "w");
    if (f == NULL) {
        rc = err_sys(e, ERR_IO, "gen-darknet: cannot create %s", g->o.truth);
        goto out;
    }
    json_head(g, &s, f);
    json_top_sources(g, &s, f);
    json_ports(g, &s, f);
    rc = json_geo(g, &s, f, e);
    if (rc != ERR_OK)
        goto out;
    fprintf(f,
            "  \"worm\": {\"port\": %u, \"class\": \"tcp_syn\", \"start_hour\": %lld, "
            "\"sources\": %llu}\n}\n",
            g->o.worm_port, (long long)(g->o.start + (int64_t)g->o.worm_hour * 3600),
            (unsigned long long)s.worm_sources);
    if (ferror(f))
        rc = err_sys(e, ERR_IO, "gen-darknet: cannot write %s", g->o.truth);
out:
    if (f != NULL && fclose(f) != 0 && rc == ERR_OK)
        rc = err_sys(e, ERR_IO, "gen-darknet: cannot write %s", g->o.truth);
    summary_fini(&s);
    return rc;
}

/* ---- command line
 * ---------------------------------------------------------------------------------- */

static const char usage[] =
    "usage: gen-darknet --out FILE.pcap --truth FILE.json [options]\n"
    "\n"
    "Writes synthetic darknet (network telescope) traffic and its exact ground truth.\n"
    "\n"
    "  --out FILE            capture to write\n"
    "  --truth FILE          ground-truth JSON to write\n"
    "  --darknet CIDR[,...]  darknet prefixes (default 198.51.0.0/16,2001:db8:dd00::/40);\n"
    "                        traffic goes to the first IPv4 and the first IPv6 prefix\n"
    "  --start T             Unix seconds or YYYY-MM-DD, on an hour boundary\n"
    "                        (default 2026-11-02)\n"
    "  --hours N             length of the capture in hours (default 24)\n"
    "  --packets N           approximate number of frames (default 1000000)\n"
    "  --seed N              random seed; same arguments give identical files (default 1)\n"
    "  --scanners N          scanner population (default packets / 40, at least 200)\n"
    "  --worm-port P         port the worm scans (default 37215)\n"
    "  --worm-hour H         hour index the outbreak starts (default 14)\n"
    "  --worm-sources N      newly infected sources (default 400)\n"
    "  --ipv6-share F        fraction of sources that are IPv6 (default 0.02)\n"
    "  --linktype T          en10mb, raw, sll, sll2, null or loop (default en10mb)\n"
    "  --vlan-share F        fraction of Ethernet frames with 802.1Q tags (default 0.05)\n"
    "  --format F            pcap or pcapng (default pcap)\n"
    "  --noise-outside N     packets to addresses outside the darknet (default packets/1000)\n"
    "  --geo DIR             IP-location data for countries and ASNs (default: search)\n"
    "  --help                show this help\n";

static enum err_code parse_frac(const char *name, const char *s, double *out, struct err *e)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !(v >= 0 && v <= 1))
        return err_set(e, ERR_USAGE, "gen-darknet: --%s: expected a number from 0 to 1, got '%s'",
                       name, s);
    *out = v;
    return ERR_OK;
}

static enum err_code parse_uint(const char *name, const char *s, uint64_t max, uint64_t *out,
                                struct err *e)
{
    struct err e2;
    if (num_parse_u64(s, max, out, &e2) != ERR_OK)
        return err_set(e, ERR_USAGE,
                       "gen-darknet: --%s: expected a whole number up to %llu, got '%s'", name,
                       (unsigned long long)max, s);
    return ERR_OK;
}

static enum err_code parse_darknet(struct opts *o, const char *s, struct err *e)
{
    o->ndarknet = 0;
    while (*s != '\0') {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        char one[64];
        struct err e2;
        if (n == 0 || n >= sizeof(one) || o->ndarknet == MAX_DARKNETS)
            return err_set(e, ERR_USAGE, "gen-darknet: --darknet: bad prefix list");
        memcpy(one, s, n);
        one[n] = '\0';
        if (cidr_parse(one, &o->darknet[o->ndarknet], &e2) != ERR_OK)
            return err_set(e, ERR_USAGE, "gen-darknet: --darknet: '%s': %s", one, e2.msg);
        o->ndarknet++;
        s += n + (comma ? 1 : 0);
    }
    if (o->ndarknet == 0)
        return err_set(e, ERR_USAGE, "gen-darknet: --darknet: no prefix given");
    return ERR_OK;
}

static enum err_code parse_start(struct opts *o, const char *s, struct err *e)
{
    struct err e2;
    int64_t t;
    bool digits = *s != '\0';
    for (const char *p = s; *p; p++)
        digits = digits && *p >= '0' && *p <= '9';
    if (digits ? num_parse_i64(s, 0, INT64_C(253402300799), &t, &e2) != ERR_OK
               : time_parse(s, time_now(), &t, &e2) != ERR_OK)
        return err_set(e, ERR_USAGE, "gen-darknet: --start: cannot read '%s'", s);
    if (t < 0 || t % 3600 != 0)
        return err_set(e, ERR_USAGE, "gen-darknet: --start: %s is not on an hour boundary", s);
    o->start = t;
    return ERR_OK;
}

static enum err_code parse_linktype(struct opts *o, const char *s, struct err *e)
{
    static const struct {
        const char *name;
        uint32_t lt;
    } lts[] = {{"en10mb", LT_EN10MB}, {"raw", LT_RAW},   {"sll", LT_SLL},
               {"sll2", LT_SLL2},     {"null", LT_NULL}, {"loop", LT_LOOP}};
    for (size_t i = 0; i < NELEM(lts); i++) {
        if (strcmp(s, lts[i].name) == 0) {
            o->linktype = lts[i].lt;
            return ERR_OK;
        }
    }
    return err_set(e, ERR_USAGE, "gen-darknet: --linktype: unknown '%s'", s);
}

static enum err_code parse_one(struct opts *o, const char *name, const char *v, struct err *e)
{
    uint64_t u;
    enum err_code rc = ERR_OK;

    if (strcmp(name, "out") == 0)
        o->out = v;
    else if (strcmp(name, "truth") == 0)
        o->truth = v;
    else if (strcmp(name, "geo") == 0)
        o->geo_dir = v;
    else if (strcmp(name, "darknet") == 0)
        rc = parse_darknet(o, v, e);
    else if (strcmp(name, "start") == 0)
        rc = parse_start(o, v, e);
    else if (strcmp(name, "linktype") == 0)
        rc = parse_linktype(o, v, e);
    else if (strcmp(name, "ipv6-share") == 0)
        rc = parse_frac(name, v, &o->ipv6_share, e);
    else if (strcmp(name, "vlan-share") == 0)
        rc = parse_frac(name, v, &o->vlan_share, e);
    else if (strcmp(name, "format") == 0) {
        if (strcmp(v, "pcap") != 0 && strcmp(v, "pcapng") != 0)
            return err_set(e, ERR_USAGE, "gen-darknet: --format: expected pcap or pcapng");
        o->pcapng = strcmp(v, "pcapng") == 0;
    } else if (strcmp(name, "hours") == 0) {
        if ((rc = parse_uint(name, v, MAX_HOURS, &u, e)) == ERR_OK && u == 0)
            rc = err_set(e, ERR_USAGE, "gen-darknet: --hours: must be at least 1");
        o->hours = (uint32_t)u;
    } else if (strcmp(name, "packets") == 0) {
        rc = parse_uint(name, v, UINT64_C(4000000000), &o->packets, e);
    } else if (strcmp(name, "seed") == 0) {
        rc = parse_uint(name, v, UINT64_MAX, &o->seed, e);
    } else if (strcmp(name, "noise-outside") == 0) {
        rc = parse_uint(name, v, UINT64_C(4000000000), &o->noise_outside, e);
        o->noise_set = true;
    } else if (strcmp(name, "scanners") == 0) {
        rc = parse_uint(name, v, 50000000, &u, e);
        o->scanners = (uint32_t)u;
        o->scanners_set = true;
    } else if (strcmp(name, "worm-port") == 0) {
        if ((rc = parse_uint(name, v, 65535, &u, e)) == ERR_OK && u == 0)
            rc = err_set(e, ERR_USAGE, "gen-darknet: --worm-port: must be 1 to 65535");
        o->worm_port = (uint16_t)u;
    } else if (strcmp(name, "worm-hour") == 0) {
        rc = parse_uint(name, v, MAX_HOURS, &u, e);
        o->worm_hour = (uint32_t)u;
    } else if (strcmp(name, "worm-sources") == 0) {
        rc = parse_uint(name, v, 10000000, &u, e);
        o->worm_sources = (uint32_t)u;
    } else {
        rc = err_set(e, ERR_USAGE, "gen-darknet: unknown option --%s (see --help)", name);
    }
    return rc;
}

static enum err_code parse_args(int argc, char **argv, struct opts *o, struct err *e)
{
    enum err_code rc;
    memset(o, 0, sizeof(*o));
    o->start = DEFAULT_START;
    o->hours = 24;
    o->packets = 1000000;
    o->seed = 1;
    o->worm_port = 37215;
    o->worm_hour = 14;
    o->worm_sources = 400;
    o->ipv6_share = 0.02;
    o->vlan_share = 0.05;
    o->linktype = LT_EN10MB;
    rc = parse_darknet(o, "198.51.0.0/16,2001:db8:dd00::/40", e);
    for (int i = 1; i < argc && rc == ERR_OK; i++) {
        const char *a = argv[i], *v;
        char name[32];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            return ERR_OK;
        }
        if (strncmp(a, "--", 2) != 0)
            return err_set(e, ERR_USAGE, "gen-darknet: unexpected argument '%s'", a);
        a += 2;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof(name))
            return err_set(e, ERR_USAGE, "gen-darknet: unknown option --%s", a);
        memcpy(name, a, n);
        name[n] = '\0';
        if (eq)
            v = eq + 1;
        else if (i + 1 < argc)
            v = argv[++i];
        else
            return err_set(e, ERR_USAGE, "gen-darknet: --%s needs a value", name);
        rc = parse_one(o, name, v, e);
    }
    if (rc != ERR_OK)
        return rc;
    if (o->out == NULL || o->truth == NULL)
        return err_set(e, ERR_USAGE, "gen-darknet: --out and --truth are required (see --help)");
    if (!o->scanners_set)
        o->scanners = o->packets / 40 > 200 ? (uint32_t)(o->packets / 40) : 200;
    return ERR_OK;
}

/* ---- main
 * -------------------------------------------------------------------------------------------- */

static enum err_code gen_init(struct gen *g, struct err *e)
{
    for (size_t i = 0; i < g->o.ndarknet; i++) {
        const struct cidr *c = &g->o.darknet[i];
        if (cidr_is_v4(c) && !g->has4) {
            space_init(&g->sp4, c);
            g->has4 = true;
        } else if (!cidr_is_v4(c) && !g->has6) {
            space_init(&g->sp6, c);
            g->has6 = true;
        }
    }
    rng_seed(&g->rp, g->o.seed, 1);
    rng_seed(&g->rs, g->o.seed, 2);
    rng_seed(&g->re, g->o.seed, 3);
    rng_seed(&g->rl, g->o.seed, 4);
    for (int h = 0; h < 24; h++) /* scanning peaks in the UTC afternoon */
        g->diurnal[h] = 1.0 + 0.3 * sin(6.283185307179586 * (h - 9) / 24.0);
    g->first_day = time_day(g->o.start);
    src_tables_init(g);
    g->radix = mem_alloc(65536 * sizeof(uint32_t));
    if (g->radix == NULL)
        return err_set(e, ERR_NOMEM, "gen-darknet: out of memory");
    enum err_code rc = map_init(&g->used, 1 << 12, e);
    if (rc == ERR_OK)
        rc = populate(g, e);
    map_fini(&g->used); /* only needed while drawing sources */
    if (rc == ERR_OK)
        rc = truth_init(g, e);
    return rc;
}

static void gen_fini(struct gen *g)
{
    if (g->f != NULL)
        (void)fclose(g->f); /* error path: the file is incomplete anyway */
    truth_fini(g);
    mem_free(g->ent);
    mem_free(g->pool);
    mem_free(g->dl);
    mem_free(g->burst);
    mem_free(g->ev);
    mem_free(g->evtmp);
    mem_free(g->radix);
    mem_free(g->buf);
    geo_close(g->geo);
}

static enum err_code run(struct gen *g, struct err *e)
{
    enum err_code rc = geo_open(g->o.geo_dir, &g->geo, e);
    if (rc == ERR_OK)
        rc = gen_init(g, e);
    if (rc == ERR_OK)
        rc = out_open(g, e);
    if (rc != ERR_OK)
        return rc;
    /* about 80 bytes a frame */
    progress_init(&g->pr, "gen-darknet", g->o.packets * 80);
    for (uint32_t h = 0; h < g->o.hours && rc == ERR_OK; h++)
        rc = gen_hour(g, h, e);
    progress_finish(&g->pr);
    if (rc == ERR_OK)
        rc = out_close(g, e);
    if (rc == ERR_OK)
        rc = truth_write(g, e);
    return rc;
}

int main(int argc, char **argv)
{
    static struct gen g; /* large: keep it off the stack */
    struct err e = {0};
    enum err_code rc = parse_args(argc, argv, &g.o, &e);

    if (rc != ERR_OK) {
        fprintf(stderr, "%s\n", e.msg);
        return EX_USAGE;
    }
    if (g.o.help) {
        fputs(usage, stdout);
        return 0;
    }
    double t0 = time_mono();
    rc = run(&g, &e);
    if (rc != ERR_OK) {
        fprintf(stderr, "%s\n", e.msg);
        gen_fini(&g);
        return rc == ERR_USAGE ? EX_USAGE : err_exit_code(rc);
    }
    fprintf(stderr, "gen-darknet: %llu frames (%llu darknet packets) to %s in %.1f s\n",
            (unsigned long long)g.t.frames, (unsigned long long)g.t.packets, g.o.out,
            time_mono() - t0);
    gen_fini(&g);
    return 0;
}
