/* fuzz_state.c - libFuzzer target for the per-source state codec (observe/darknet_store.c),
 * the blob a source-day row keeps so a later file of the same day merges exactly.
 * Input: byte 0 picks the key width (bit 0: a /16 darknet), bytes 1..20 are the five
 * class counts (u32 little-endian), the rest is the blob. A valid blob must survive
 * decode -> encode -> decode -> encode unchanged; a disagreement aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "observe/darknet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    uint32_t pk[DK_NCLASS];
    bool exact = false;
    struct err e;

    if (len < 1 + 4 * DK_NCLASS)
        return 0;
    for (int k = 0; k < DK_NCLASS; k++) {
        const uint8_t *p = data + 1 + 4 * k;
        pk[k] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    }
    if (observe_dk_state_roundtrip(data + 21, len - 21, pk, data[0] & 1, &exact, &e) == ERR_OK &&
        !exact)
        abort();
    return 0;
}
