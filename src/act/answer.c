/* answer.c - what the RPZ primary answers, independent of sockets (the server and the
 * fuzz target both drive it): SOA and NS queries, AXFR and IXFR (RFC 1995) as a stream
 * of messages generated on the fly from the zone's name arena and the delta history,
 * TSIG checking and signing (RFC 8945), and NOTIFY (RFC 1996) messages.
 *
 * A transfer is a record stream walked by struct xfr_state:
 *   AXFR: SOA(cur) NS trigger... SOA(cur)
 *   IXFR: SOA(cur) { SOA(from) removed... SOA(to) added... } per delta SOA(cur)
 * Each message carries the question and as many records as fit in XFR_MSG_TARGET
 * bytes. If the zone is republished while a transfer is under way (generation
 * changes) the transfer is aborted and the client retries. The caller holds the
 * server's lock around each call. */
#include "act/act_int.h"

#include <string.h>

#define XFR_MSG_TARGET 16000
#define TSIG_RESERVE   256

enum {
    PH_SOA_FIRST = 0,
    PH_NS,
    PH_ENTRIES,
    PH_SOA_LAST,
    PH_DONE,
    PH_STEP_FROM,
    PH_STEP_DEL,
    PH_STEP_TO,
    PH_STEP_ADD
};

static bool serial_ge(uint32_t a, uint32_t b)
{
    return a == b || (int32_t)(a - b) > 0;
}

static void why(struct answer_ctx *c, const char *s)
{
    (void)snprintf(c->why, sizeof(c->why), "%s", s);
}

/* Starts a response: header and the question (the origin is compressed against it). */
static void begin_response(struct dns_builder *b, const struct dns_query *q,
                           const struct act_rpz_zone *z, uint16_t rcode, bool aa, bool origin)
{
    struct dns_hdr h = {0};

    h.id = q->h.id;
    h.flags = (uint16_t)(DNS_F_QR | (q->h.flags & 0x7800) | (q->h.flags & DNS_F_RD) | rcode);
    if (aa)
        h.flags |= DNS_F_AA;
    h.qd = 1;
    wire_put_hdr(b, &h);
    if (origin)
        wire_put_rel_name(b, "", 0, false);
    else
        wire_put_name(b, q->qname, q->qname_len);
    (void)z;
    wire_put_u16(b, q->qtype);
    wire_put_u16(b, q->qclass);
}

/* A header-only error answer for messages whose question could not be parsed. */
static size_t bare_error(const uint8_t *msg, size_t len, uint16_t rcode, uint8_t *out)
{
    struct dns_hdr h;

    if (!wire_hdr_read(msg, len, &h))
        return 0;
    memset(out, 0, DNS_HDR);
    out[0] = (uint8_t)(h.id >> 8);
    out[1] = (uint8_t)h.id;
    out[2] = (uint8_t)(0x80 | ((h.flags >> 8) & 0x79));
    out[3] = (uint8_t)rcode;
    return DNS_HDR;
}

/* Signs a single response when the request was signed. */
static void sign_if(struct answer_ctx *c, struct dns_builder *b, const struct dns_query *q,
                    const uint8_t *req_mac, const struct tsig_rdata *t)
{
    if (c->key == NULL || !q->has_tsig)
        return;
    tsig_sign(c->key, b, req_mac, false, t->time_signed, t->orig_id, TSIG_E_NONE, 0, NULL);
}

/* Checks the request's TSIG. Returns true to go on; otherwise *out_len holds the
 * refusal (or 0 to drop). */
static bool check_tsig(struct answer_ctx *c, const uint8_t *msg, size_t len,
                       const struct dns_query *q, uint8_t *mac, struct tsig_rdata *t,
                       struct dns_builder *b)
{
    int r;

    if (c->key == NULL && !q->has_tsig)
        return true;
    if (!q->has_tsig) {
        why(c, "unsigned request refused (TSIG key configured)");
        begin_response(b, q, c->view->zone, DNS_R_REFUSED, false, false);
        return false;
    }
    if (c->key == NULL) {
        r = tsig_rdata_parse(msg, len, &q->tsig, t) ? TSIG_E_BADKEY : -1;
    } else {
        r = tsig_verify_request(c->key, msg, len, &q->tsig, c->now, mac, t);
    }
    if (r == TSIG_E_NONE)
        return true;
    if (r < 0) {
        why(c, "malformed TSIG");
        begin_response(b, q, c->view->zone, DNS_R_FORMERR, false, false);
        return false;
    }
    (void)snprintf(c->why, sizeof(c->why), "TSIG error %s",
                   r == TSIG_E_BADKEY   ? "BADKEY"
                   : r == TSIG_E_BADSIG ? "BADSIG"
                                        : "BADTIME");
    begin_response(b, q, c->view->zone, DNS_R_NOTAUTH, false, false);
    if (r == TSIG_E_BADTIME)
        tsig_sign(c->key, b, mac, false, t->time_signed, t->orig_id, (uint16_t)r, (uint64_t)c->now,
                  NULL);
    else
        tsig_put_unsigned(b, q->tsig.owner, q->tsig.owner_len, t->alg, t->alg_len, t->time_signed,
                          t->orig_id, (uint16_t)r);
    return false;
}

/* Writes the trigger records of entry i of names: one, or two for a domain. */
static bool put_entry(struct dns_builder *b, const struct act_rpz_zone *z, const struct names *a,
                      struct xfr_state *x, uint16_t *an)
{
    size_t l, mark = b->len;
    const char *s = names_at(a, x->i, &l);

    rpz_put_trigger(b, z, s, l, x->wild);
    if (b->overflow) {
        wire_rollback(b, mark);
        return false;
    }
    (*an)++;
    if (!x->wild && !names_is_ip(s, l)) {
        x->wild = true;
    } else {
        x->wild = false;
        x->i++;
    }
    return true;
}

static bool put_soa(struct dns_builder *b, const struct act_rpz_zone *z, uint32_t serial,
                    uint16_t *an)
{
    size_t mark = b->len;

    rpz_put_soa(b, z, serial);
    if (b->overflow) {
        wire_rollback(b, mark);
        return false;
    }
    (*an)++;
    return true;
}

/* Moves to the next phase after a finished entry list or SOA. */
static int next_step_phase(const struct rpz_view *v, struct xfr_state *x)
{
    x->i = 0;
    x->wild = false;
    if (x->step + 1 < v->nhist) {
        x->step++;
        return PH_STEP_FROM;
    }
    return PH_SOA_LAST;
}

/* Adds one record of the stream; false when it does not fit or the stream ended. */
static bool stream_one(const struct rpz_view *v, struct xfr_state *x, struct dns_builder *b,
                       uint16_t *an)
{
    const struct act_rpz_zone *z = v->zone;
    const struct rpz_hist *h = x->kind == XFR_IXFR ? &v->hist[x->step] : NULL;
    size_t mark = b->len;

    switch (x->phase) {
    case PH_SOA_FIRST:
        if (!put_soa(b, z, x->serial, an))
            return false;
        x->phase = x->kind == XFR_IXFR ? PH_STEP_FROM : PH_NS;
        return true;
    case PH_NS:
        rpz_put_ns(b, z);
        if (b->overflow) {
            wire_rollback(b, mark);
            return false;
        }
        (*an)++;
        x->phase = PH_ENTRIES;
        return true;
    case PH_ENTRIES:
        if (x->i >= z->names.n) {
            x->phase = PH_SOA_LAST;
            return true;
        }
        return put_entry(b, z, &z->names, x, an);
    case PH_SOA_LAST:
        if (!put_soa(b, z, x->serial, an))
            return false;
        x->phase = PH_DONE;
        return true;
    case PH_STEP_FROM:
    case PH_STEP_TO:
        if (!put_soa(b, z, x->phase == PH_STEP_FROM ? h->from : h->to, an))
            return false;
        x->phase++;
        x->i = 0;
        x->wild = false;
        return true;
    case PH_STEP_DEL:
    case PH_STEP_ADD: {
        const struct names *a = x->phase == PH_STEP_DEL ? &h->d->del : &h->d->add;
        if (x->i < a->n)
            return put_entry(b, z, a, x, an);
        if (x->phase == PH_STEP_DEL) {
            x->phase = PH_STEP_TO;
            return true;
        }
        x->phase = next_step_phase(v, x);
        return true;
    }
    default:
        return false;
    }
}

bool answer_xfr_next(struct answer_ctx *c, struct xfr_state *x, uint8_t *out, size_t *out_len)
{
    const struct rpz_view *v = c->view;
    struct dns_builder b;
    struct dns_hdr h = {0};
    uint16_t an = 0;

    *out_len = 0;
    if (x->kind == XFR_NONE || x->phase == PH_DONE)
        return false;
    if (x->generation != v->generation) {
        why(c, "zone changed during transfer: aborted");
        x->kind = XFR_NONE;
        return false;
    }
    wire_build_init(&b, out, DNS_MSG_MAX - TSIG_RESERVE, v->zone->origin, v->zone->origin_len);
    h.id = x->id;
    h.flags = DNS_F_QR | DNS_F_AA;
    h.qd = 1;
    wire_put_hdr(&b, &h);
    wire_put_rel_name(&b, "", 0, false);
    wire_put_u16(&b, x->qtype);
    wire_put_u16(&b, DNS_C_IN);
    while (x->phase != PH_DONE && b.len < XFR_MSG_TARGET && stream_one(v, x, &b, &an))
        ;
    wire_patch_u16(&b, 6, an);
    b.cap = DNS_MSG_MAX;
    if (x->tsig)
        tsig_sign(c->key, &b, x->mac, x->msgs > 0, (uint64_t)c->now, x->orig_id, TSIG_E_NONE, 0,
                  x->mac);
    x->msgs++;
    *out_len = b.len;
    return true;
}

/* Finds the delta history step starting at serial; SIZE_MAX if none. */
static size_t find_step(const struct rpz_view *v, uint32_t serial)
{
    for (size_t i = 0; i < v->nhist; i++)
        if (v->hist[i].from == serial)
            return i;
    return SIZE_MAX;
}

/* Sets up a transfer and builds its first message. */
static enum answer_kind start_xfr(struct answer_ctx *c, const struct dns_query *q,
                                  const uint8_t *mac, const struct tsig_rdata *t, uint8_t *out,
                                  size_t *out_len, struct xfr_state *x)
{
    const struct rpz_view *v = c->view;
    size_t step = q->qtype == DNS_T_IXFR ? find_step(v, q->soa_serial) : SIZE_MAX;

    memset(x, 0, sizeof(*x));
    x->kind = step != SIZE_MAX ? XFR_IXFR : XFR_AXFR;
    x->step = step != SIZE_MAX ? step : 0;
    x->generation = v->generation;
    x->serial = v->zone->serial;
    x->client = q->qtype == DNS_T_IXFR ? q->soa_serial : 0;
    x->id = q->h.id;
    x->qtype = q->qtype;
    x->tsig = c->key != NULL && q->has_tsig;
    x->orig_id = x->tsig ? t->orig_id : q->h.id;
    if (x->tsig)
        memcpy(x->mac, mac, TSIG_MAC_LEN);
    c->what = x->kind == XFR_IXFR ? "IXFR" : q->qtype == DNS_T_IXFR ? "IXFR->AXFR" : "AXFR";
    if (!answer_xfr_next(c, x, out, out_len))
        return ANSWER_DROP;
    return ANSWER_XFR;
}

/* Answers a well-formed, authenticated query for the zone origin. */
static enum answer_kind answer_origin(struct answer_ctx *c, const struct dns_query *q,
                                      const uint8_t *mac, const struct tsig_rdata *t,
                                      struct dns_builder *b, struct xfr_state *x, size_t *out_len)
{
    const struct act_rpz_zone *z = c->view->zone;
    uint16_t an = 0;

    if (q->qtype == DNS_T_AXFR || q->qtype == DNS_T_IXFR) {
        if (q->qtype == DNS_T_IXFR && !q->has_soa) {
            why(c, "IXFR without SOA in authority");
            begin_response(b, q, z, DNS_R_FORMERR, false, false);
        } else if (q->qtype == DNS_T_IXFR && serial_ge(q->soa_serial, z->serial)) {
            c->what = "IXFR (up to date)";
            begin_response(b, q, z, DNS_R_NOERROR, true, true);
            (void)put_soa(b, z, z->serial, &an);
        } else if (!c->tcp && q->qtype == DNS_T_IXFR) {
            c->what = "IXFR over UDP (TC)";
            begin_response(b, q, z, DNS_R_NOERROR, true, true);
            wire_patch_u16(b, 2, (uint16_t)(wire_u16(b->buf + 2) | DNS_F_TC));
        } else if (!c->tcp) {
            why(c, "AXFR over UDP");
            begin_response(b, q, z, DNS_R_FORMERR, false, false);
        } else {
            return start_xfr(c, q, mac, t, b->buf, out_len, x);
        }
    } else {
        begin_response(b, q, z, DNS_R_NOERROR, true, true);
        if (q->qtype == DNS_T_SOA || q->qtype == DNS_T_ANY) {
            c->what = "SOA";
            (void)put_soa(b, z, z->serial, &an);
        } else if (q->qtype == DNS_T_NS) {
            c->what = "NS";
            rpz_put_ns(b, z);
            an = 1;
        } else {
            c->what = "NODATA";
            rpz_put_soa(b, z, z->serial);
            wire_patch_u16(b, 8, 1);
        }
    }
    wire_patch_u16(b, 6, an);
    sign_if(c, b, q, mac, t);
    *out_len = b->overflow ? 0 : b->len;
    return *out_len > 0 ? ANSWER_MSG : ANSWER_DROP;
}

/* Handles a message with QR set: a NOTIFY answer from a secondary is noted. */
static enum answer_kind answer_response(struct answer_ctx *c, const struct dns_hdr *h)
{
    if (((h->flags >> 11) & 0xf) == DNS_OP_NOTIFY) {
        c->notify_reply = true;
        c->notify_id = h->id;
        return ANSWER_DROP;
    }
    why(c, "unexpected response message dropped");
    return ANSWER_DROP;
}

enum answer_kind answer_query(struct answer_ctx *c, const uint8_t *msg, size_t len, uint8_t *out,
                              size_t *out_len, struct xfr_state *x)
{
    const struct act_rpz_zone *z = c->view->zone;
    struct dns_query q;
    struct dns_builder b;
    struct tsig_rdata t;
    uint8_t mac[TSIG_MAC_LEN];
    enum dns_rcode rc;

    c->why[0] = '\0';
    c->what = "query";
    c->notify_reply = false;
    *out_len = 0;
    x->kind = XFR_NONE;
    memset(&t, 0, sizeof(t));
    if (len < DNS_HDR) {
        why(c, "message shorter than a DNS header");
        return ANSWER_DROP;
    }
    if (msg[2] & 0x80)
        return answer_response(c,
                               &(struct dns_hdr){.id = wire_u16(msg), .flags = wire_u16(msg + 2)});
    rc = wire_query_parse(msg, len, &q);
    if (rc != DNS_R_NOERROR) {
        why(c, "malformed query");
        *out_len = bare_error(msg, len, DNS_R_FORMERR, out);
        return *out_len > 0 ? ANSWER_MSG : ANSWER_DROP;
    }
    wire_build_init(&b, out, c->tcp ? DNS_MSG_MAX : DNS_UDP_MAX + 512, z->origin, z->origin_len);
    if (!check_tsig(c, msg, len, &q, mac, &t, &b)) {
        /* refusal already started */
    } else if (((q.h.flags >> 11) & 0xf) != DNS_OP_QUERY) {
        /* UPDATE, STATUS, ...: the zone is read-only here, RFC 1035 4.1.1 says NOTIMP */
        why(c, "opcode other than QUERY: NOTIMP");
        begin_response(&b, &q, z, DNS_R_NOTIMP, false, false);
        sign_if(c, &b, &q, mac, &t);
    } else if (q.qclass != DNS_C_IN ||
               !wire_name_eq(q.qname, q.qname_len, z->origin, z->origin_len)) {
        why(c, "query outside the zone refused");
        begin_response(&b, &q, z, DNS_R_REFUSED, false, false);
        sign_if(c, &b, &q, mac, &t);
    } else {
        return answer_origin(c, &q, mac, &t, &b, x, out_len);
    }
    *out_len = b.overflow ? 0 : b.len;
    return *out_len > 0 ? ANSWER_MSG : ANSWER_DROP;
}

size_t answer_notify(const struct act_rpz_zone *z, uint16_t id, const struct tsig_key *key,
                     int64_t now, uint8_t *out, size_t cap)
{
    struct dns_builder b;
    struct dns_hdr h = {0};
    uint16_t an = 0;

    wire_build_init(&b, out, cap, z->origin, z->origin_len);
    h.id = id;
    h.flags = (uint16_t)((DNS_OP_NOTIFY << 11) | DNS_F_AA);
    h.qd = 1;
    h.an = 1;
    wire_put_hdr(&b, &h);
    wire_put_rel_name(&b, "", 0, false);
    wire_put_u16(&b, DNS_T_SOA);
    wire_put_u16(&b, DNS_C_IN);
    (void)put_soa(&b, z, z->serial, &an);
    if (key != NULL)
        tsig_sign(key, &b, NULL, false, (uint64_t)now, id, TSIG_E_NONE, 0, NULL);
    return b.overflow ? 0 : b.len;
}
