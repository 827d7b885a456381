/* decode.h - decodes one captured frame into the compact record darknet ingest counts
 * (private to observe). docs/darknet.md is the contract for classes, ports, bytes and
 * fragments. Pure functions: no allocation, no copies, safe on any thread. */
#ifndef OODA_OBSERVE_DECODE_H
#define OODA_OBSERVE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* LINKTYPE_* values understood (pcap files may carry DLT_RAW as 12 or 14). */
#define DECODE_LT_NULL   0
#define DECODE_LT_EN10MB 1
#define DECODE_LT_RAW12  12
#define DECODE_LT_RAW14  14
#define DECODE_LT_RAW    101
#define DECODE_LT_LOOP   108
#define DECODE_LT_SLL    113
#define DECODE_LT_IPV4   228
#define DECODE_LT_IPV6   229
#define DECODE_LT_SLL2   276

#define DECODE_VLAN_MAX 8 /* 802.1Q/802.1ad tags followed before giving up */
#define DECODE_EXT_MAX  8 /* IPv6 extension headers walked before giving up */

enum dk_class { DK_TCP_SYN = 0, DK_UDP, DK_ICMP_ECHO, DK_BACKSCATTER, DK_OTHER, DK_NCLASS };

enum pkt_frag { PKT_FRAG_NONE = 0, PKT_FRAG_FIRST = 1, PKT_FRAG_LATER = 2 };

/* One decoded IP packet. */
struct pkt {
    struct ip16 src, dst; /* IPv4 stored IPv4-mapped */
    uint32_t ip_len;      /* IPv4 total length, IPv6 payload length + 40 */
    uint16_t port;        /* service port, see docs/darknet.md */
    uint8_t cls;          /* enum dk_class */
    uint8_t proto;        /* transport protocol (after IPv6 extension headers) */
    uint8_t ipver;        /* 4 or 6 */
    uint8_t frag;         /* enum pkt_frag */
};

enum decode_result {
    DECODE_IP = 0, /* *p filled */
    DECODE_NOT_IP, /* a well-formed non-IP frame (ARP, LLDP, ...) or unknown link type */
    DECODE_BAD     /* link or IP header truncated or invalid (version, IHL < 5,
                      total length < header length, too many VLAN tags) */
};

/* True when observe_decode_packet() understands linktype. */
bool observe_decode_linktype_ok(int linktype);

/* Decodes the caplen bytes of one frame of the given link type. On DECODE_IP every
 * field of *p is set; otherwise *p is unspecified. Transport bytes are bounded by both
 * caplen and the IP length. A transport header counts as present when its fixed part is
 * captured whole (TCP 20 bytes, UDP 8, ICMP 8); if not, the packet is DK_OTHER, port 0.
 * An ICMP error quotes an original IP header when the full quoted header (IHL*4 bytes
 * for IPv4, 40 for IPv6, of the same IP version) is captured. An IPv6 fragment header
 * with offset 0 and M clear (atomic fragment) is not a fragment. */
enum decode_result observe_decode_packet(int linktype, const uint8_t *data, size_t caplen,
                                         struct pkt *p);

#endif
