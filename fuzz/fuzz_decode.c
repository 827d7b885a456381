/* fuzz_decode.c - libFuzzer target for the packet decoder (observe/decode.c).
 * The first input byte picks a link type among those supported (modulo their count);
 * the rest is the frame, decoded in place so a read past it is caught by ASan. The
 * decoded record's invariants are checked; a violation aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "observe/decode.h"

static const int fuzz_linktypes[] = {
    DECODE_LT_NULL, DECODE_LT_EN10MB, DECODE_LT_RAW12, DECODE_LT_RAW14, DECODE_LT_RAW,
    DECODE_LT_LOOP, DECODE_LT_SLL,    DECODE_LT_IPV4,  DECODE_LT_IPV6,  DECODE_LT_SLL2,
};

#define FUZZ_NLT (sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]))

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct pkt p;
    enum decode_result res;
    int lt;

    if (len == 0)
        return 0;
    lt = fuzz_linktypes[data[0] % FUZZ_NLT];
    check(observe_decode_linktype_ok(lt));
    res = observe_decode_packet(lt, data + 1, len - 1, &p);
    check(res == DECODE_IP || res == DECODE_NOT_IP || res == DECODE_BAD);
    if (res != DECODE_IP)
        return 0;
    check(p.cls < DK_NCLASS && p.frag <= PKT_FRAG_LATER);
    check(p.ipver == 4 || p.ipver == 6);
    check(p.ipver != 4 || (ip16_is_v4(&p.src) && ip16_is_v4(&p.dst)));
    check(p.ip_len >= (p.ipver == 4 ? 20u : 40u));
    if (p.frag == PKT_FRAG_LATER)
        check(p.cls == DK_OTHER && p.port == 0);
    if (p.cls == DK_ICMP_ECHO)
        check(p.port == 0);
    if (p.cls == DK_TCP_SYN)
        check(p.proto == 6);
    if (p.cls == DK_UDP)
        check(p.proto == 17);
    return 0;
}
