/* fuzz_dns.c - libFuzzer target for the RPZ primary's DNS handling (act/wire.c,
 * act/tsig.c, act/answer.c) without sockets. The first input byte picks the transport
 * (bit 0: TCP) and whether a TSIG key is configured (bit 1); the rest is one message,
 * answered against a small zone with a two-step delta history. A transfer is walked
 * to its end. Checks: answers fit their transport, start with the query's ID and the
 * QR bit, and every answer message re-parses as a DNS message. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "act/act_int.h"

#define SECRET "c2VjcmV0LWtleS1mb3Itb29kYS10ZXN0cw=="

static struct rpz_view view;
static struct rpz_hist hist[2];
static struct tsig_key key;
static uint8_t out[DNS_MSG_MAX];

static void check(bool ok)
{
    if (!ok)
        abort();
}

static void setup(void)
{
    static const char *const v1[] = {"evil.example", "192.0.2.0/24", "2001:db8::/32"};
    static const char *const v2[] = {"evil.example", "bad.example", "2001:db8::/32"};
    static const char *const v3[] = {"bad.example", "10.0.0.0/8", "x.y.example"};
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 10};
    struct err e;
    struct act_rpz_zone *z;

    check(act_rpz_zone_new(&zc, &z, &e) == ERR_OK);
    check(act_rpz_zone_load(z, v1, 3, NULL, &e) == ERR_OK);
    check(act_rpz_delta_compute(z, v2, 3, &hist[0].d, NULL, &e) == ERR_OK);
    check(act_rpz_zone_apply(z, hist[0].d, 11, &e) == ERR_OK);
    check(act_rpz_delta_compute(z, v3, 3, &hist[1].d, NULL, &e) == ERR_OK);
    check(act_rpz_zone_apply(z, hist[1].d, 12, &e) == ERR_OK);
    hist[0].from = 10;
    hist[0].to = 11;
    hist[1].from = 11;
    hist[1].to = 12;
    view = (struct rpz_view){z, hist, 2, 1};
    check(tsig_key_init(&key, "ooda-test-key", SECRET, &e) == ERR_OK);
}

static void check_msg(const uint8_t *msg, size_t len, uint16_t id)
{
    struct dns_hdr h;
    size_t off = DNS_HDR;
    struct dns_rr rr;
    uint8_t w[DNS_NAME_WIRE];

    check(len <= DNS_MSG_MAX && wire_hdr_read(msg, len, &h));
    check(h.id == id && (h.flags & DNS_F_QR) != 0);
    for (size_t i = 0; i < h.qd; i++) {
        check(wire_name_read(msg, len, &off, w) > 0 && len - off >= 4);
        off += 4;
    }
    for (size_t i = 0; i < (size_t)h.an + h.ns + h.ar; i++)
        check(wire_rr_read(msg, len, &off, &rr));
    check(off == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct answer_ctx c;
    struct xfr_state x;
    size_t olen = 0;
    enum answer_kind k;

    if (view.zone == NULL)
        setup();
    if (len == 0)
        return 0;
    memset(&c, 0, sizeof(c));
    c.view = &view;
    c.tcp = data[0] & 1;
    c.key = (data[0] & 2) ? &key : NULL;
    c.now = 0x6b06cb33;
    data++;
    len--;
    k = answer_query(&c, data, len, out, &olen, &x);
    if (k == ANSWER_DROP)
        return 0;
    check(olen >= DNS_HDR && (c.tcp || olen <= DNS_UDP_MAX + 512));
    check_msg(out, olen, wire_u16(data));
    for (int n = 0; k == ANSWER_XFR && n < 100 && answer_xfr_next(&c, &x, out, &olen); n++)
        check_msg(out, olen, wire_u16(data));
    return 0;
}
