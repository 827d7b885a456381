/* fuzz_prefixes.c - libFuzzer target for the hash-prefix client (http_prefix_apply):
 * the server's response is untrusted. Byte 0 picks how many prefixes the client holds
 * before the update (0..255, an increasing sequence); the rest is the response body,
 * passed without a NUL. After any call the list must be sorted; after a successful
 * update that asked for no retry the state is 16 lowercase hex digits; on an error the
 * list is either unchanged or cleared. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static void check(bool ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_prefix_list l;
    struct err e;
    size_t before;
    bool retry;
    enum err_code rc;

    if (size < 1)
        return 0;
    memset(&l, 0, sizeof(l));
    before = data[0];
    l.p = mem_alloc((before ? before : 1) * sizeof(*l.p));
    if (l.p == NULL)
        return 0;
    for (size_t i = 0; i < before; i++)
        l.p[i] = (uint32_t)(i * 0x01000193u);
    l.n = before;
    memcpy(l.state, "0123456789abcdef", 17);
    rc = http_prefix_apply(&l, (const char *)data + 1, size - 1, &retry, &e);
    for (size_t i = 1; i < l.n; i++)
        check(l.p[i - 1] <= l.p[i]);
    if (rc == ERR_OK && !retry) {
        check(strlen(l.state) == 16);
        for (int i = 0; i < 16; i++)
            check((l.state[i] >= '0' && l.state[i] <= '9') ||
                  (l.state[i] >= 'a' && l.state[i] <= 'f'));
    }
    if (rc != ERR_OK)
        check(e.msg[0] != '\0' && (l.n == before || l.n == 0));
    http_prefix_list_clear(&l);
    return 0;
}
