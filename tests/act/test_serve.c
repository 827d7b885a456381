/* test_serve.c - unit tests of act/answer.c and act/server.c: exact AXFR and IXFR
 * record streams (incremental from the history, full fallback, up to date, TC over
 * UDP), multi-message transfers, aborts when the zone changes, TSIG refusals and
 * signed answers checked against the kdig request's MAC; then a real server on
 * 127.0.0.1: UDP SOA, TCP AXFR, bad TCP input (truncated frame, oversized length,
 * garbage) with the server still answering, publishing and NOTIFY with retries;
 * publishing entry sets: a first load into an empty zone (no delta kept: IXFR from
 * before it falls back to the full zone) and then deltas (IXFR exact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "act/act_int.h"

#define SECRET "c2VjcmV0LWtleS1mb3Itb29kYS10ZXN0cw=="

/* ---- helpers ----------------------------------------------------------------------- */

struct rrs {
    char line[4096][96];
    size_t n;
};

/* Appends the answer RRs of msg as "owner TYPE data" lines; returns the rcode. */
static int rr_lines(const uint8_t *m, size_t len, struct rrs *out)
{
    struct dns_hdr h;
    size_t off = DNS_HDR;
    uint8_t w[DNS_NAME_WIRE];
    struct dns_rr rr;

    assert_true(wire_hdr_read(m, len, &h));
    for (size_t i = 0; i < h.qd; i++) {
        assert_true(wire_name_read(m, len, &off, w) > 0);
        off += 4;
    }
    for (size_t i = 0; i < h.an; i++) {
        char owner[ACT_NAME_MAX], data[ACT_NAME_MAX] = "";
        assert_true(wire_rr_read(m, len, &off, &rr));
        wire_name_to_text(rr.owner, owner, sizeof(owner));
        size_t o = rr.rdata;
        if (rr.type == DNS_T_CNAME || rr.type == DNS_T_NS) {
            assert_true(wire_name_read(m, len, &o, w) > 0);
            wire_name_to_text(w, data, sizeof(data));
        } else if (rr.type == DNS_T_SOA) {
            assert_true(wire_name_read(m, len, &o, w) > 0);
            assert_true(wire_name_read(m, len, &o, w) > 0);
            snprintf(data, sizeof(data), "%u", wire_u32(m + o));
        }
        assert_true(out->n < 4096);
        snprintf(out->line[out->n++], 96, "%.60s %s %.20s", owner,
                 rr.type == DNS_T_SOA     ? "SOA"
                 : rr.type == DNS_T_CNAME ? "CNAME"
                 : rr.type == DNS_T_NS    ? "NS"
                                          : "?",
                 data);
    }
    return h.flags & 0xf;
}

static void lines_are(const struct rrs *r, const char *const *want, size_t n)
{
    for (size_t i = 0; i < n && i < r->n; i++)
        assert_string_equal(r->line[i], want[i]);
    assert_int_equal(r->n, n);
}

static size_t query(uint8_t *buf, uint16_t id, uint16_t qtype, bool soa, uint32_t serial)
{
    struct dns_builder b;
    struct dns_hdr h = {.id = id, .qd = 1, .ns = soa ? 1 : 0};
    static const uint8_t origin[] = "\3rpz\4test";

    wire_build_init(&b, buf, 512, origin, 10);
    wire_put_hdr(&b, &h);
    wire_put_rel_name(&b, "", 0, false);
    wire_put_u16(&b, qtype);
    wire_put_u16(&b, DNS_C_IN);
    if (soa) {
        wire_put_rel_name(&b, "", 0, false);
        size_t at = wire_rr_begin(&b, DNS_T_SOA, DNS_C_IN, 0);
        wire_put_u8(&b, 0);
        wire_put_u8(&b, 0);
        for (int i = 0; i < 5; i++)
            wire_put_u32(&b, i == 0 ? serial : 0);
        wire_rr_end(&b, at);
    }
    return b.len;
}

/* A view: v1 at serial 10, then v2 (11), then v3 (12). */
static struct rpz_hist hist[2];
static struct rpz_view view;

static void view_setup(void)
{
    static const char *const v1[] = {"evil.example", "192.0.2.0/24"};
    static const char *const v2[] = {"evil.example", "bad.example"};
    static const char *const v3[] = {"bad.example", "2001:db8::/32"};
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 10};
    struct act_rpz_zone *z;
    struct err e;

    assert_int_equal(act_rpz_zone_new(&zc, &z, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_load(z, v1, 2, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_delta_compute(z, v2, 2, &hist[0].d, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_apply(z, hist[0].d, 11, &e), ERR_OK);
    assert_int_equal(act_rpz_delta_compute(z, v3, 2, &hist[1].d, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_apply(z, hist[1].d, 12, &e), ERR_OK);
    hist[0] = (struct rpz_hist){10, 11, hist[0].d};
    hist[1] = (struct rpz_hist){11, 12, hist[1].d};
    view = (struct rpz_view){z, hist, 2, 1};
}

static void view_teardown(void)
{
    act_rpz_delta_free(hist[0].d);
    act_rpz_delta_free(hist[1].d);
    act_rpz_zone_free(view.zone);
}

/* Runs a query through answer_query and the transfer, collecting answer lines. */
static int run(struct answer_ctx *c, const uint8_t *q, size_t qlen, struct rrs *r, size_t *msgs)
{
    static uint8_t out[DNS_MSG_MAX];
    struct xfr_state x;
    size_t olen;
    enum answer_kind k = answer_query(c, q, qlen, out, &olen, &x);
    int rcode;

    r->n = 0;
    *msgs = 0;
    if (k == ANSWER_DROP)
        return -1;
    rcode = rr_lines(out, olen, r);
    *msgs = 1;
    while (k == ANSWER_XFR && answer_xfr_next(c, &x, out, &olen)) {
        rr_lines(out, olen, r);
        (*msgs)++;
    }
    return rcode;
}

static void ctx(struct answer_ctx *c, bool tcp, const struct tsig_key *k)
{
    memset(c, 0, sizeof(*c));
    c->view = &view;
    c->tcp = tcp;
    c->key = k;
    c->now = 0x6b06cb33;
}

/* ---- answer tests ------------------------------------------------------------------ */

static void test_axfr_exact(void **state)
{
    static const char *const want[] = {
        "rpz.test. SOA 12",
        "rpz.test. NS localhost.",
        "32.zz.db8.2001.rpz-ip.rpz.test. CNAME .",
        "bad.example.rpz.test. CNAME .",
        "*.bad.example.rpz.test. CNAME .",
        "rpz.test. SOA 12",
    };
    struct answer_ctx c;
    uint8_t q[512];
    static struct rrs r;
    size_t msgs;

    (void)state;
    view_setup();
    ctx(&c, true, NULL);
    assert_int_equal(run(&c, q, query(q, 7, DNS_T_AXFR, false, 0), &r, &msgs), 0);
    lines_are(&r, want, 6);
    assert_string_equal(c.what, "AXFR");
    /* AXFR over UDP is a format error */
    ctx(&c, false, NULL);
    assert_int_equal(run(&c, q, query(q, 7, DNS_T_AXFR, false, 0), &r, &msgs), DNS_R_FORMERR);
    view_teardown();
}

static void test_ixfr_exact(void **state)
{
    static const char *const from10[] = {
        "rpz.test. SOA 12",
        "rpz.test. SOA 10",
        "24.0.2.0.192.rpz-ip.rpz.test. CNAME .",
        "rpz.test. SOA 11",
        "bad.example.rpz.test. CNAME .",
        "*.bad.example.rpz.test. CNAME .",
        "rpz.test. SOA 11",
        "evil.example.rpz.test. CNAME .",
        "*.evil.example.rpz.test. CNAME .",
        "rpz.test. SOA 12",
        "32.zz.db8.2001.rpz-ip.rpz.test. CNAME .",
        "rpz.test. SOA 12",
    };
    static const char *const cur[] = {"rpz.test. SOA 12"};
    struct answer_ctx c;
    uint8_t q[512];
    static struct rrs r;
    size_t msgs;

    (void)state;
    view_setup();
    ctx(&c, true, NULL);
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, true, 10), &r, &msgs), 0);
    lines_are(&r, from10, 12);
    assert_string_equal(c.what, "IXFR");
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, true, 11), &r, &msgs), 0);
    lines_are(&r,
              (const char *const[]){"rpz.test. SOA 12", "rpz.test. SOA 11",
                                    "evil.example.rpz.test. CNAME .",
                                    "*.evil.example.rpz.test. CNAME .", "rpz.test. SOA 12",
                                    "32.zz.db8.2001.rpz-ip.rpz.test. CNAME .", "rpz.test. SOA 12"},
              7);
    /* unknown serial: full zone */
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, true, 5), &r, &msgs), 0);
    assert_int_equal(r.n, 6);
    assert_string_equal(c.what, "IXFR->AXFR");
    /* up to date (and newer): one SOA, over UDP too */
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, true, 12), &r, &msgs), 0);
    lines_are(&r, cur, 1);
    ctx(&c, false, NULL);
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, true, 13), &r, &msgs), 0);
    lines_are(&r, cur, 1);
    /* behind over UDP: empty, TC set */
    {
        uint8_t out[DNS_MSG_MAX];
        struct xfr_state x;
        size_t olen, n = query(q, 9, DNS_T_IXFR, true, 10);
        assert_int_equal(answer_query(&c, q, n, out, &olen, &x), ANSWER_MSG);
        assert_true(wire_u16(out + 2) & DNS_F_TC);
        assert_int_equal(wire_u16(out + 6), 0);
    }
    /* IXFR without the SOA: FORMERR */
    assert_int_equal(run(&c, q, query(q, 8, DNS_T_IXFR, false, 0), &r, &msgs), DNS_R_FORMERR);
    view_teardown();
}

static void test_multi_message_and_abort(void **state)
{
    enum { N = 3000 };
    static char names[N][32];
    const char *v[N];
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 1};
    struct answer_ctx c;
    struct tsig_key k;
    struct err e;
    static uint8_t out[DNS_MSG_MAX];
    uint8_t q[512], prev[TSIG_MAC_LEN];
    struct xfr_state x;
    size_t olen, n, msgs = 0, rrs = 0;

    (void)state;
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "host-%05d.example", i);
        v[i] = names[i];
    }
    memset(&view, 0, sizeof(view));
    assert_int_equal(act_rpz_zone_new(&zc, &view.zone, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_load(view.zone, v, N, NULL, &e), ERR_OK);
    assert_int_equal(tsig_key_init(&k, "ooda-test-key", SECRET, &e), ERR_OK);
    /* a signed AXFR: every message carries a TSIG chained from the previous MAC */
    {
        struct dns_builder b;
        uint8_t rq[600];
        n = query(rq, 77, DNS_T_AXFR, false, 0);
        wire_build_init(&b, rq, sizeof(rq), NULL, 0);
        b.len = n;
        tsig_sign(&k, &b, NULL, false, 0x6b06cb33, 77, 0, 0, prev);
        n = b.len;
        ctx(&c, true, &k);
        assert_int_equal(answer_query(&c, rq, n, out, &olen, &x), ANSWER_XFR);
    }
    do {
        struct rrs *r = mem_calloc(1, sizeof(*r));
        assert_true(olen <= DNS_MSG_MAX);
        assert_true(tsig_verify_response(&k, out, olen, prev, msgs > 0, prev));
        rr_lines(out, olen, r);
        rrs += r->n;
        mem_free(r);
        msgs++;
    } while (answer_xfr_next(&c, &x, out, &olen));
    assert_int_equal(rrs, 2 * N + 3);
    assert_true(msgs > 3);
    /* a publish in the middle aborts the transfer */
    ctx(&c, true, NULL);
    assert_int_equal(answer_query(&c, q, query(q, 5, DNS_T_AXFR, false, 0), out, &olen, &x),
                     ANSWER_XFR);
    view.generation++;
    assert_false(answer_xfr_next(&c, &x, out, &olen));
    assert_non_null(strstr(c.why, "aborted"));
    act_rpz_zone_free(view.zone);
}

static const uint8_t kdig_q[] = {
    0x20, 0x7a, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x72, 0x70, 0x7a,
    0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x06, 0x00, 0x01, 0x0d, 0x6f, 0x6f, 0x64, 0x61, 0x2d,
    0x74, 0x65, 0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x00, 0x00, 0xfa, 0x00, 0xff, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x3d, 0x0b, 0x68, 0x6d, 0x61, 0x63, 0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00,
    0x00, 0x00, 0x6b, 0x06, 0xcb, 0x33, 0x01, 0x2c, 0x00, 0x20, 0x20, 0x47, 0xb5, 0x0a, 0x6a, 0x17,
    0x11, 0xd7, 0x91, 0x38, 0x7f, 0x67, 0x91, 0xbc, 0x59, 0x08, 0x3d, 0x86, 0x40, 0xc9, 0x26, 0x80,
    0x64, 0x67, 0x34, 0x4f, 0x65, 0xa5, 0x0d, 0xde, 0x06, 0x23, 0x20, 0x7a, 0x00, 0x00, 0x00, 0x00};

static void test_tsig_answers(void **state)
{
    struct answer_ctx c;
    struct tsig_key k, other;
    struct err e;
    uint8_t out[DNS_MSG_MAX], q[512], req_mac[TSIG_MAC_LEN];
    struct xfr_state x;
    size_t olen;
    struct dns_query pq;
    struct tsig_rdata t;

    (void)state;
    view_setup();
    assert_int_equal(tsig_key_init(&k, "ooda-test-key", SECRET, &e), ERR_OK);
    assert_int_equal(tsig_key_init(&other, "other-key", SECRET, &e), ERR_OK);
    memcpy(req_mac, kdig_q + 74, TSIG_MAC_LEN);
    /* valid: signed SOA answer that verifies against the request MAC */
    ctx(&c, false, &k);
    assert_int_equal(answer_query(&c, kdig_q, sizeof(kdig_q), out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, 0);
    assert_int_equal(wire_u16(out + 6), 1);
    assert_true(tsig_verify_response(&k, out, olen, req_mac, false, NULL));
    /* unsigned with a key configured: REFUSED */
    assert_int_equal(answer_query(&c, q, query(q, 3, DNS_T_SOA, false, 0), out, &olen, &x),
                     ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_REFUSED);
    /* unknown key: NOTAUTH with an unsigned TSIG carrying BADKEY */
    ctx(&c, false, &other);
    assert_int_equal(answer_query(&c, kdig_q, sizeof(kdig_q), out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_NOTAUTH);
    assert_int_equal(wire_query_parse(out, olen, &pq), DNS_R_NOERROR);
    assert_true(pq.has_tsig);
    assert_true(tsig_rdata_parse(out, olen, &pq.tsig, &t));
    assert_int_equal(t.error, TSIG_E_BADKEY);
    assert_int_equal(t.mac_len, 0);
    /* clock skew: BADTIME, signed, server time in other data */
    ctx(&c, false, &k);
    c.now += 1000;
    assert_int_equal(answer_query(&c, kdig_q, sizeof(kdig_q), out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_NOTAUTH);
    assert_int_equal(wire_query_parse(out, olen, &pq), DNS_R_NOERROR);
    assert_true(tsig_rdata_parse(out, olen, &pq.tsig, &t));
    assert_int_equal(t.error, TSIG_E_BADTIME);
    assert_int_equal(t.other_len, 6);
    assert_true(tsig_verify_response(&k, out, olen, req_mac, false, NULL));
    /* signed but no key configured: BADKEY */
    ctx(&c, false, NULL);
    assert_int_equal(answer_query(&c, kdig_q, sizeof(kdig_q), out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_NOTAUTH);
    view_teardown();
}

static void test_bad_messages(void **state)
{
    struct answer_ctx c;
    uint8_t out[DNS_MSG_MAX], q[512];
    struct xfr_state x;
    size_t olen, n;

    (void)state;
    view_setup();
    ctx(&c, false, NULL);
    assert_int_equal(answer_query(&c, q, 5, out, &olen, &x), ANSWER_DROP);
    n = query(q, 4, DNS_T_SOA, false, 0);
    q[n - 6] = (uint8_t)'X'; /* "rpz.tesX": outside the zone */
    assert_int_equal(answer_query(&c, q, n, out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_REFUSED);
    n = query(q, 4, DNS_T_SOA, false, 0);
    assert_int_equal(answer_query(&c, q, n - 1, out, &olen, &x), ANSWER_MSG);
    assert_int_equal(olen, DNS_HDR);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_FORMERR);
    n = query(q, 4, DNS_T_SOA, false, 0);
    q[2] = 5 << 3; /* opcode UPDATE: a read-only primary answers NOTIMP (RFC 2136 2.2) */
    assert_int_equal(answer_query(&c, q, n, out, &olen, &x), ANSWER_MSG);
    assert_int_equal(wire_u16(out + 2) & 0xf, DNS_R_NOTIMP);
    assert_int_equal((out[2] >> 3) & 0xf, 5);
    q[2] = 0x80 | (DNS_OP_NOTIFY << 3); /* a NOTIFY response: noted, not answered */
    assert_int_equal(answer_query(&c, q, n, out, &olen, &x), ANSWER_DROP);
    assert_true(c.notify_reply);
    assert_int_equal(c.notify_id, 4);
    view_teardown();
}

/* ---- real server ------------------------------------------------------------------- */

static int udp_ask(uint16_t port, const uint8_t *q, size_t n, uint8_t *out, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    ssize_t r = -1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(sendto(fd, q, n, 0, (struct sockaddr *)&a, sizeof(a)), (ssize_t)n);
    if (poll(&p, 1, 3000) == 1)
        r = recv(fd, out, cap, 0);
    close(fd);
    return (int)r;
}

static int tcp_connect(uint16_t port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static bool read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 3000) != 1)
            return false;
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Sends an AXFR or IXFR (from serial) over TCP and counts answer records until the
 * soas-th SOA; out, when not NULL, gets the records. */
static size_t tcp_xfr(uint16_t port, uint16_t qtype, uint32_t serial, size_t soas_end,
                      struct rrs *out)
{
    static uint8_t buf[DNS_MSG_MAX];
    uint8_t q[514];
    size_t n = query(q + 2, 42, qtype, qtype == DNS_T_IXFR, serial), total = 0, soas = 0;
    int fd = tcp_connect(port);

    q[0] = 0;
    q[1] = (uint8_t)n;
    assert_int_equal(write(fd, q, n + 2), (ssize_t)n + 2);
    if (out != NULL)
        out->n = 0;
    while (soas < soas_end) {
        static struct rrs r;
        uint8_t len[2];
        if (!read_full(fd, len, 2) || !read_full(fd, buf, wire_u16(len)))
            break;
        r.n = 0;
        rr_lines(buf, wire_u16(len), &r);
        for (size_t i = 0; i < r.n; i++) {
            soas += strstr(r.line[i], " SOA ") != NULL;
            if (out != NULL)
                (void)snprintf(out->line[out->n++], sizeof(out->line[0]), "%s", r.line[i]);
        }
        total += r.n;
    }
    close(fd);
    return total;
}

static size_t tcp_axfr(uint16_t port)
{
    return tcp_xfr(port, DNS_T_AXFR, 0, 2, NULL);
}

static void test_server_live(void **state)
{
    static const char *const v1[] = {"evil.example", "192.0.2.0/24"};
    static const char *const add[] = {"new.example"};
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 100};
    struct sockaddr_in na = {.sin_family = AF_INET};
    socklen_t nalen = sizeof(na);
    char target[64];
    const char *targets[1] = {target};
    struct act_rpz_server_config sc = {.notify = targets, .n_notify = 1, .idle_ms = 500};
    struct act_rpz_zone *z;
    struct act_rpz_server *s;
    struct err e;
    uint8_t q[512], out[DNS_MSG_MAX];
    int nfd = socket(AF_INET, SOCK_DGRAM, 0), got;
    uint32_t serial;
    uint16_t port;

    (void)state;
    na.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(nfd, (struct sockaddr *)&na, sizeof(na)), 0);
    assert_int_equal(getsockname(nfd, (struct sockaddr *)&na, &nalen), 0);
    snprintf(target, sizeof(target), "127.0.0.1:%u", ntohs(na.sin_port));
    assert_int_equal(act_rpz_zone_new(&zc, &z, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_load(z, v1, 2, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_server_new(&sc, z, &s, &e), ERR_OK);
    assert_int_equal(act_rpz_server_start(s, &e), ERR_OK);
    port = act_rpz_server_port(s);
    assert_true(port != 0);

    got = udp_ask(port, q, query(q, 1, DNS_T_SOA, false, 0), out, sizeof(out));
    assert_true(got > DNS_HDR);
    {
        struct rrs *r = mem_calloc(1, sizeof(*r));
        rr_lines(out, (size_t)got, r);
        assert_string_equal(r->line[0], "rpz.test. SOA 100");
        mem_free(r);
    }
    /* bad TCP input: a truncated frame, an oversized length, garbage */
    {
        int a = tcp_connect(port), b = tcp_connect(port), c = tcp_connect(port);
        assert_int_equal(write(a, "\0\x40\1\2\3", 5), 5);
        assert_int_equal(write(b, "\xff\xff\1", 3), 3);
        assert_int_equal(write(c, "\0\3abc", 5), 5);
        close(a);
        usleep(100 * 1000);
        close(b);
        close(c);
    }
    assert_int_equal(tcp_axfr(port), 2 + 1 + 3);

    /* publish: serial 101, NOTIFY sent and retried while unanswered */
    assert_int_equal(act_rpz_server_publish_changes(s, add, 1, NULL, 0, NULL, &serial, &e), ERR_OK);
    assert_int_equal(serial, 101);
    assert_int_equal(act_rpz_server_serial(s), 101);
    for (int i = 0; i < 3; i++) {
        struct pollfd p = {.fd = nfd, .events = POLLIN};
        struct dns_hdr h;
        assert_int_equal(poll(&p, 1, 3000), 1);
        got = (int)recv(nfd, out, sizeof(out), 0);
        assert_true(wire_hdr_read(out, (size_t)got, &h));
        assert_int_equal((h.flags >> 11) & 0xf, DNS_OP_NOTIFY);
        struct rrs *r = mem_calloc(1, sizeof(*r));
        rr_lines(out, (size_t)got, r);
        assert_string_equal(r->line[0], "rpz.test. SOA 101");
        mem_free(r);
    }
    assert_int_equal(tcp_axfr(port), 2 + 1 + 5);
    {
        char *txt = NULL;
        size_t tl = 0;
        FILE *f = open_memstream(&txt, &tl);
        assert_int_equal(act_rpz_server_write_zone(s, f, &e), ERR_OK);
        fclose(f);
        assert_non_null(strstr(txt, " 101 3600 600 604800 60\n"));
        assert_non_null(strstr(txt, "\n*.new.example IN CNAME .\n"));
        free(txt);
    }
    /* the same list again publishes nothing */
    assert_int_equal(act_rpz_server_publish_changes(s, add, 1, NULL, 0, NULL, &serial, &e), ERR_OK);
    assert_int_equal(serial, 101);
    act_rpz_server_free(s);
    close(nfd);
}

/* One connection slot, 300 ms idle timeout: a client stuck inside a frame is closed by
 * the server, and a second client waiting for the slot is then served. */
static void test_server_limits(void **state)
{
    static const char *const v1[] = {"evil.example"};
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 5};
    struct act_rpz_server_config sc = {.max_conns = 1, .idle_ms = 300};
    struct act_rpz_zone *z;
    struct act_rpz_server *s;
    struct err e;
    uint8_t q[514], buf[512];
    int a, b;
    size_t n;
    double t0;

    (void)state;
    assert_int_equal(act_rpz_zone_new(&zc, &z, &e), ERR_OK);
    assert_int_equal(act_rpz_zone_load(z, v1, 1, NULL, &e), ERR_OK);
    assert_int_equal(act_rpz_server_new(&sc, z, &s, &e), ERR_OK);
    assert_int_equal(act_rpz_server_start(s, &e), ERR_OK);
    a = tcp_connect(act_rpz_server_port(s));
    assert_int_equal(write(a, "\0\x20\1\2", 4), 4); /* 2 of 32 announced bytes */
    usleep(50 * 1000);
    b = tcp_connect(act_rpz_server_port(s)); /* waits in the backlog: the slot is taken */
    n = query(q + 2, 9, DNS_T_SOA, false, 0);
    q[0] = 0;
    q[1] = (uint8_t)n;
    assert_int_equal(write(b, q, n + 2), (ssize_t)n + 2);
    t0 = time_mono();
    assert_true(read_full(b, buf, 2));
    assert_true(time_mono() - t0 > 0.1); /* served only after a was timed out */
    assert_true(read_full(b, buf + 2, wire_u16(buf)));
    assert_int_equal(wire_u16(buf + 2), 9);
    assert_int_equal(wire_u16(buf + 8), 1); /* one answer: the SOA */
    assert_false(read_full(a, buf, 1));     /* a was closed by the server */
    close(a);
    close(b);
    act_rpz_server_free(s);
}

/* The pull function over a sorted array of domains. */
struct pull {
    const char *const *v;
    size_t n, i;
};

static int pull_next(void *arg, const char **name, size_t *len)
{
    struct pull *p = arg;

    if (p->i == p->n)
        return 0;
    *name = p->v[p->i];
    *len = strlen(p->v[p->i++]);
    return 1;
}

static void publish_set(struct act_rpz_server *s, const char *const *in, size_t n,
                        uint32_t want_serial)
{
    const char *direct[8];
    size_t nd = 0;
    struct act_rpz_set *set;
    struct act_rpz_counts c;
    uint32_t serial;
    struct err e;

    assert_int_equal(act_rpz_set_new("rpz.test", &set, &e), ERR_OK);
    for (size_t i = 0; i < n; i++) {
        bool d;
        assert_int_equal(act_rpz_set_add(set, in[i], &d, &e), ERR_OK);
        if (d)
            direct[nd++] = in[i]; /* given sorted */
    }
    assert_int_equal(act_rpz_server_publish_set(s, set, pull_next, &(struct pull){direct, nd, 0},
                                                &c, &serial, &e),
                     ERR_OK);
    assert_int_equal(c.accepted, n);
    assert_int_equal(serial, want_serial);
    act_rpz_set_free(set);
}

static void test_server_publish_set(void **state)
{
    static const char *const v1[] = {"a.example", "c.example", "192.0.2.0/24"};
    static const char *const v2[] = {"b.example", "c.example", "192.0.2.0/24"};
    static const char *const ixfr11[] = {
        "rpz.test. SOA 12",
        "rpz.test. SOA 11",
        "a.example.rpz.test. CNAME .",
        "*.a.example.rpz.test. CNAME .",
        "rpz.test. SOA 12",
        "b.example.rpz.test. CNAME .",
        "*.b.example.rpz.test. CNAME .",
        "rpz.test. SOA 12",
    };
    struct act_rpz_zone_config zc = {.origin = "rpz.test", .serial = 10};
    struct act_rpz_server_config sc = {.idle_ms = 500};
    struct act_rpz_zone *z;
    struct act_rpz_server *s;
    static struct rrs r;
    struct err e;
    uint16_t port;

    (void)state;
    assert_int_equal(act_rpz_zone_new(&zc, &z, &e), ERR_OK);
    assert_int_equal(act_rpz_server_new(&sc, z, &s, &e), ERR_OK);
    assert_int_equal(act_rpz_server_start(s, &e), ERR_OK);
    port = act_rpz_server_port(s);
    /* first load into the empty zone */
    publish_set(s, v1, 3, 11);
    assert_int_equal(tcp_axfr(port), 2 + 1 + 1 + 4);
    /* IXFR from before the first load: the full zone (AXFR form) */
    assert_int_equal(tcp_xfr(port, DNS_T_IXFR, 10, 2, &r), 2 + 1 + 1 + 4);
    assert_string_equal(r.line[0], "rpz.test. SOA 11");
    /* then a delta, kept for IXFR */
    publish_set(s, v2, 3, 12);
    assert_int_equal(tcp_xfr(port, DNS_T_IXFR, 11, 4, &r), 8);
    lines_are(&r, ixfr11, 8);
    /* the same content again publishes nothing */
    publish_set(s, v2, 3, 12);
    act_rpz_server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axfr_exact),
        cmocka_unit_test(test_ixfr_exact),
        cmocka_unit_test(test_multi_message_and_abort),
        cmocka_unit_test(test_tsig_answers),
        cmocka_unit_test(test_bad_messages),
        cmocka_unit_test(test_server_live),
        cmocka_unit_test(test_server_limits),
        cmocka_unit_test(test_server_publish_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
