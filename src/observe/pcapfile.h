/* pcapfile.h - incremental reader of pcap and pcapng capture files (private to observe).
 *
 * A pull parser over caller-provided bytes: it works the same on an mmap'ed file (one
 * call with the whole file and at_eof) and on a refilled stdin buffer. It never
 * allocates and never copies packet data: records point into the caller's bytes.
 *
 * Supported: classic pcap in both byte orders with microsecond (0xa1b2c3d4) and
 * nanosecond (0xa1b23c4d) magic; pcapng with any number of sections (each SHB resets
 * the interfaces and may change byte order), IDB (link type, snap length, if_tsresol as
 * a power of 10 or of 2, if_tsoffset), EPB, SPB (interface 0, timestamp 0) and the
 * obsolete OPB. Every other block type is skipped by its length.
 *
 * Link types accepted are those observe_decode_packet() understands (observe_decode_linktype_ok()).
 *
 * One reader is used by one thread at a time; distinct readers are independent. */
#ifndef OODA_OBSERVE_PCAPFILE_H
#define OODA_OBSERVE_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define PCAP_CAPLEN_MAX 262144u     /* largest captured length accepted; snaplen 0 means this */
#define PCAP_BLOCK_MAX  (16u << 20) /* largest pcapng block accepted */
#define PCAP_IF_MAX     256         /* interfaces per pcapng section */

enum pcap_status {
    PCAP_REC = 0, /* record(s) returned */
    PCAP_MORE,    /* the next header or record is incomplete: refill and call again */
    PCAP_EOF,     /* at_eof and every byte consumed */
    PCAP_ERR      /* bad input; e->msg is "offset N: reason", e->code ERR_PARSE */
};

/* One captured packet. data points into the caller's buffer (caplen bytes). */
struct pcap_rec {
    int64_t ts_sec;   /* Unix seconds (0 for an SPB) */
    uint32_t ts_nsec; /* 0..999999999 */
    uint32_t caplen;  /* bytes at data, <= PCAP_CAPLEN_MAX */
    uint32_t wirelen; /* original length on the wire */
    int linktype;     /* LINKTYPE_* of the interface; always observe_decode_linktype_ok() */
    const uint8_t *data;
};

/* Per-interface state of a pcapng section (classic pcap uses ifs[0]). */
struct pcap_iface {
    int32_t linktype;
    uint32_t caplen_max; /* snaplen, or PCAP_CAPLEN_MAX when 0 or larger */
    uint64_t ts_div;     /* timestamp units per second (power of 10 or of 2) */
    int64_t ts_offset;   /* if_tsoffset, seconds */
    uint8_t ts_kind;     /* how to split a timestamp; see pcapfile.c */
    uint8_t ts_shift;    /* exponent for power-of-2 resolutions */
};

/* Reader state: plain data, no resources; set up with observe_pcap_rd_init(). */
struct pcap_rd {
    uint64_t off;  /* absolute file offset of the first byte of the next call's data */
    size_t need;   /* after PCAP_MORE: bytes the next header/record needs in the buffer */
    uint8_t state; /* expecting the file header, classic records or pcapng blocks */
    bool swap;     /* file byte order differs from the host's */
    bool nsec;     /* classic pcap with nanosecond timestamps */
    uint32_t nif;  /* interfaces defined in the current pcapng section */
    struct pcap_iface ifs[PCAP_IF_MAX];
};

void observe_pcap_rd_init(struct pcap_rd *r);

/* Reads the next packet record from data/len, which must start at absolute file offset
 * r->off, i.e. with the bytes the previous call did not consume. Always sets *used to
 * the bytes consumed (file and block headers, skipped blocks and the record), also on
 * PCAP_MORE and PCAP_ERR; the caller drops them before the next call.
 * - PCAP_REC: *rec filled; rec->data is valid as long as data is.
 * - PCAP_MORE: not at_eof and the next header/record is incomplete; r->need says how
 *   many bytes (from the unconsumed tail) it needs, so the caller can grow its buffer.
 * - PCAP_EOF: at_eof and all input consumed (never for an empty file, which is an error).
 * - PCAP_ERR: e->code ERR_PARSE, e->msg "offset N: reason", N the absolute offset of the
 *   file header, record or block at fault. The reader should not be called again.
 * Errors: not a pcap/pcapng file, truncated file header, truncated record or block at
 * EOF, caplen > snaplen (0 = 262144) or > 262144, block length < 12, > 16 MiB or not a
 * multiple of 4, header and trailer lengths differ, bad SHB, unsupported link type
 * (named), packet on an undefined interface, unsupported version or if_tsresol. */
enum pcap_status observe_pcap_rd_next(struct pcap_rd *r, const uint8_t *data, size_t len,
                                      bool at_eof, size_t *used, struct pcap_rec *rec,
                                      struct err *e);

/* Like observe_pcap_rd_next() but fills up to max records (max >= 1) into recs and sets *n.
 * Returns PCAP_REC when *n > 0; a condition met after some records (MORE, EOF, ERR) is
 * reported by the next call instead, which sees the same bytes again. */
enum pcap_status observe_pcap_rd_batch(struct pcap_rd *r, const uint8_t *data, size_t len,
                                       bool at_eof, struct pcap_rec *recs, size_t max, size_t *n,
                                       size_t *used, struct err *e);

#endif
