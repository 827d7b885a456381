/* ingest.c - `ooda ingest` of capture files: one transaction per file, content-hash
 * idempotence, the batch loop of reader -> decoder -> darknet filter -> aggregator.
 *
 * Regular files are memory-mapped and hashed (XXH3-128) before anything is parsed, so
 * a file already ingested by the sensor is skipped without work. Pipes and stdin are
 * read through a refilled buffer and hashed as they stream; the duplicate check then
 * happens before commit. Nothing is written outside the file's transaction. */
#include "observe/darknet.h"
#include "observe/decode.h"
#include "observe/events.h"
#include "observe/observe_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#if defined(__x86_64__)
#include <xxh_x86dispatch.h> /* XXH3 with AVX2/AVX-512 when the CPU has them; same hashes */
#endif

#define BATCH        OBSERVE_BATCH
#define STREAM_CHUNK (4u << 20)
#define STREAM_MAX   (PCAP_BLOCK_MAX + (8u << 20))
#define MAP_WINDOW   ((size_t)32 << 20) /* power of two */
#define HASH_STEP    ((size_t)512 << 10)

struct observe_ingest {
    struct store *st;
    struct observe_opts o;
    int64_t sensor;
    struct dk_agg *agg;
    struct ev_agg *ev; /* sensor logs; made on the first log file */
    uint32_t v4net[OBSERVE_DARKNET_MAX], v4mask[OBSERVE_DARKNET_MAX];
    size_t n4;
    struct cidr v6[OBSERVE_DARKNET_MAX];
    size_t n6;
    size_t peak_mem, peak_sources, peak_source_mem;
};

/* Number of addresses of one family in the darknet prefixes, saturating; 0 if none. */
static uint64_t darknet_space(const struct observe_opts *o, bool v4)
{
    uint64_t n = 0;

    for (size_t i = 0; i < o->ndarknet; i++) {
        unsigned host = 128u - o->darknet[i].len;
        if ((ip16_is_v4(&o->darknet[i].net) && o->darknet[i].len >= 96) != v4)
            continue;
        uint64_t add = host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
        n = n > UINT64_MAX - add ? UINT64_MAX : n + add;
    }
    return n;
}

/* Whether every IPv4 darknet address lies in one /16 (then *block is it, addr >> 16). */
static bool darknet_v4_block(const struct observe_opts *o, uint16_t *block)
{
    bool any = false;

    for (size_t i = 0; i < o->ndarknet; i++) {
        const struct cidr *c = &o->darknet[i];
        uint16_t b;
        if (!ip16_is_v4(&c->net) || c->len < 96)
            continue;
        if (c->len < 96 + 16)
            return false;
        b = (uint16_t)(c->net.b[12] << 8 | c->net.b[13]);
        if (any && b != *block)
            return false;
        *block = b;
        any = true;
    }
    return any;
}

enum err_code observe_ingest_new(struct store *st, const struct observe_opts *o,
                                 struct observe_ingest **out, struct err *e)
{
    struct observe_ingest *in;
    struct dk_agg_opts ao;
    enum err_code rc;

    *out = NULL;
    if (o->sensor == NULL || *o->sensor == '\0')
        return err_set(e, ERR_USAGE, "ingest: a sensor name is required");
    in = mem_calloc(1, sizeof(*in));
    if (in == NULL)
        return err_set(e, ERR_NOMEM, "ingest: cannot allocate context");
    in->st = st;
    in->o = *o;
    for (size_t i = 0; i < o->ndarknet; i++) {
        const struct cidr *c = &o->darknet[i];
        if (ip16_is_v4(&c->net) && c->len >= 96) {
            unsigned len = c->len - 96u;
            in->v4mask[in->n4] = len == 0 ? 0 : ~0u << (32 - len);
            in->v4net[in->n4++] = (uint32_t)c->net.b[12] << 24 | (uint32_t)c->net.b[13] << 16 |
                                  (uint32_t)c->net.b[14] << 8 | c->net.b[15];
        } else {
            in->v6[in->n6++] = *c;
        }
    }
    ao.space4 = darknet_space(o, true);
    ao.space6 = darknet_space(o, false);
    ao.v4_block = 0;
    ao.v4_narrow = darknet_v4_block(o, &ao.v4_block);
    ao.scanner_threshold = o->scanner_threshold ? o->scanner_threshold : 16;
    ao.victim_threshold = o->victim_threshold ? o->victim_threshold : 8;
    rc = store_sensor_id(st, o->sensor, true, &in->sensor, e);
    if (rc == ERR_OK)
        rc = observe_dk_agg_new(st, in->sensor, o->geo, &ao, &in->agg, e);
    if (rc != ERR_OK) {
        observe_ingest_free(in);
        return rc;
    }
    *out = in;
    return ERR_OK;
}

void observe_ingest_free(struct observe_ingest *in)
{
    if (in == NULL)
        return;
    observe_dk_agg_free(in->agg);
    observe_ev_agg_free(in->ev);
    mem_free(in);
}

void observe_ingest_memory(const struct observe_ingest *in, size_t *bytes, size_t *sources,
                           size_t *source_bytes)
{
    *bytes = in->peak_mem;
    *sources = in->peak_sources;
    *source_bytes = in->peak_source_mem;
}

static void note_memory(struct observe_ingest *in)
{
    size_t sm, m = observe_dk_agg_memory(in->agg, &sm), s = observe_dk_agg_sources(in->agg);

    if (m > in->peak_mem)
        in->peak_mem = m;
    if (sm > in->peak_source_mem)
        in->peak_source_mem = sm;
    if (s > in->peak_sources)
        in->peak_sources = s;
}

static bool in_darknet(const struct observe_ingest *in, const struct pkt *p)
{
    if (in->n4 + in->n6 == 0)
        return true;
    if (p->ipver == 4) {
        uint32_t a = (uint32_t)p->dst.b[12] << 24 | (uint32_t)p->dst.b[13] << 16 |
                     (uint32_t)p->dst.b[14] << 8 | p->dst.b[15];
        for (size_t i = 0; i < in->n4; i++)
            if ((a & in->v4mask[i]) == in->v4net[i])
                return true;
        return false;
    }
    for (size_t i = 0; i < in->n6; i++)
        if (cidr_contains(&in->v6[i], &p->dst))
            return true;
    return false;
}

enum err_code observe_take_batch(struct observe_ingest *in, const struct pcap_rec *recs, size_t n,
                                 struct observe_counts *c, struct err *e)
{
    struct pkt pk[BATCH];
    int64_t ts[BATCH];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        enum decode_result dr =
            observe_decode_packet(recs[i].linktype, recs[i].data, recs[i].caplen, &pk[k]);
        if (dr != DECODE_IP) {
            c->non_ip += dr == DECODE_NOT_IP;
            c->bad += dr == DECODE_BAD;
            continue;
        }
        if (!in_darknet(in, &pk[k])) {
            c->outside++;
            continue;
        }
        if (recs[i].ts_sec < 0 || recs[i].ts_sec > DK_TS_MAX) { /* pcapng can say year 3000 */
            c->bad++;
            continue;
        }
        c->bytes += pk[k].ip_len;
        c->cls[pk[k].cls]++;
        c->fragments += pk[k].frag != PKT_FRAG_NONE;
        ts[k] = recs[i].ts_sec;
        if (c->first_ts == 0 || ts[k] < c->first_ts)
            c->first_ts = ts[k];
        if (ts[k] > c->last_ts)
            c->last_ts = ts[k];
        k++;
    }
    c->frames += n;
    c->packets += k;
    return observe_dk_agg_add_batch(in->agg, ts, pk, k, e);
}

/* Runs the reader over data[0..len) until it needs more bytes or the input ends.
 * *used: bytes consumed; *done: EOF reached. */
static enum err_code run(struct observe_ingest *in, struct pcap_rd *rd, const uint8_t *data,
                         size_t len, bool at_eof, size_t *used, bool *done,
                         struct observe_counts *n, struct progress *pg, uint64_t base,
                         struct err *e)
{
    struct pcap_rec recs[BATCH];
    size_t pos = 0, got, u, last_pg = 0;
    enum pcap_status s;
    enum err_code rc = ERR_OK;

    *done = false;
    for (;;) {
        s = observe_pcap_rd_batch(rd, data + pos, len - pos, at_eof, recs, BATCH, &got, &u, e);
        pos += u;
        if (s == PCAP_ERR) {
            rc = ERR_PARSE;
            break;
        }
        if (s == PCAP_EOF)
            *done = true;
        if (s != PCAP_REC)
            break;
        rc = observe_take_batch(in, recs, got, n, e);
        if (rc != ERR_OK)
            break;
        if (pos - last_pg >= (1u << 24)) {
            progress_update(pg, base + pos);
            last_pg = pos;
        }
    }
    *used = pos; /* on every path: callers release pages below it */
    return rc;
}

enum err_code observe_tx_begin(struct observe_ingest *in, struct err *e)
{
    return store_begin(in->st, e);
}

enum err_code observe_tx_commit(struct observe_ingest *in, struct err *e)
{
    enum err_code rc;

    note_memory(in);
    rc = observe_dk_agg_flush(in->agg, e);
    if (rc == ERR_OK && in->ev != NULL)
        rc = observe_ev_agg_flush(in->ev, in->st, in->sensor, e);
    if (rc == ERR_OK)
        rc = store_commit(in->st, e);
    if (rc != ERR_OK)
        observe_tx_abort(in);
    return rc;
}

void observe_tx_abort(struct observe_ingest *in)
{
    store_rollback(in->st);
    observe_dk_agg_discard(in->agg);
    if (in->ev != NULL)
        observe_ev_agg_discard(in->ev);
}

/* Releases the mapping's pages below pos (already processed): a multi-GB capture is
 * streamed through a window, never held whole in memory. */
static void drop_pages(const uint8_t *base, size_t *dropped, size_t pos)
{
    size_t upto = pos & ~(size_t)(MAP_WINDOW - 1);

    if (upto > *dropped) {
        (void)madvise((void *)(base + *dropped), upto - *dropped, MADV_DONTNEED); /* advice */
        *dropped = upto;
    }
}

/* Parses a mapped capture window by window; with h, hashes each window just before it is
 * parsed, so the file is read once. */
static enum err_code ingest_mapped(struct observe_ingest *in, const uint8_t *data, size_t len,
                                   XXH3_state_t *h, struct observe_file_result *res,
                                   struct progress *pg, struct err *e)
{
    size_t hashed = 0;
    struct pcap_rd rd;
    size_t used;
    bool done;
    enum err_code rc;

    size_t pos = 0, dropped = 0;

    used = 0;
    observe_pcap_rd_init(&rd);
    done = false;
    rc = ERR_OK;
    while (rc == ERR_OK && !done) {
        /* Hashing, each step is hashed and parsed while it is still in cache. A block
         * larger than the step still fits. */
        size_t step = h != NULL ? HASH_STEP : MAP_WINDOW;
        size_t win = rd.need > step ? rd.need : step;
        size_t end = len - pos > win ? pos + win : len;
        if (h != NULL && end > hashed) {
            (void)XXH3_128bits_update(h, data + hashed, end - hashed); /* cannot fail */
            hashed = end;
        }
        rc = run(in, &rd, data + pos, end - pos, end == len, &used, &done, &res->n, pg, pos, e);
        pos += used;
        if (rc == ERR_OK && !done && end == len)
            rc = err_set(e, ERR_PARSE, "offset %zu: truncated capture", pos);
        if (rc == ERR_OK && pos <= len)
            drop_pages(data, &dropped, pos);
    }
    if (rc == ERR_OK && h != NULL && hashed < len)
        (void)XXH3_128bits_update(h, data + hashed, len - hashed);
    res->n.bytes_read = len;
    return rc;
}

/* The 16-byte canonical (big-endian) form of h's 128-bit digest. */
static void hash_out(XXH3_state_t *h, uint8_t out[16])
{
    XXH128_canonical_t canon;

    XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(h));
    memcpy(out, canon.digest, 16);
}

static enum err_code read_some(int fd, struct buf *b, bool *eof, XXH3_state_t *h, struct err *e)
{
    size_t want = STREAM_CHUNK;
    ssize_t got;
    size_t old = b->len;
    enum err_code rc = buf_resize(b, old + want, e);

    if (rc != ERR_OK)
        return rc;
    do {
        got = read(fd, b->data + old, want);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        b->len = old;
        return err_sys(e, ERR_IO, "read failed");
    }
    b->len = old + (size_t)got;
    *eof = got == 0;
    if (got > 0)
        (void)XXH3_128bits_update(h, b->data + old, (size_t)got); /* cannot fail */
    return ERR_OK;
}

static bool looks_like_log(const uint8_t *d, size_t n);
static enum err_code ingest_log_stream(struct observe_ingest *in, const char *path, int fd,
                                       struct buf *b, bool eof, XXH3_state_t *h,
                                       struct observe_file_result *res, struct err *e);

static enum err_code ingest_stream(struct observe_ingest *in, const char *path, int fd,
                                   struct observe_file_result *res, struct progress *pg,
                                   struct err *e)
{
    struct pcap_rd rd;
    struct buf b;
    XXH3_state_t *h = XXH3_createState();
    uint64_t consumed = 0;
    bool eof = false, done = false;
    enum err_code rc = ERR_OK;

    if (h == NULL)
        return err_set(e, ERR_NOMEM, "cannot allocate hash state");
    (void)XXH3_128bits_reset(h);
    observe_pcap_rd_init(&rd);
    buf_init(&b, STREAM_MAX);
    while (rc == ERR_OK && b.len == 0 && !eof) /* the first bytes tell the format */
        rc = read_some(fd, &b, &eof, h, e);
    res->format = "pcap";
    if (rc == ERR_OK && looks_like_log(b.data, b.len)) {
        rc = ingest_log_stream(in, path, fd, &b, eof, h, res, e);
        done = true;
        consumed = res->n.bytes_read;
    }
    while (!done && rc == ERR_OK) {
        size_t used = 0;
        if (!eof)
            rc = read_some(fd, &b, &eof, h, e);
        if (rc != ERR_OK)
            break;
        rc = run(in, &rd, b.data, b.len, eof, &used, &done, &res->n, pg, consumed, e);
        if (rc != ERR_OK)
            break;
        memmove(b.data, b.data + used, b.len - used);
        b.len -= used;
        consumed += used;
        if (eof && !done)
            rc = err_set(e, ERR_PARSE, "offset %llu: truncated capture",
                         (unsigned long long)consumed);
    }
    res->n.bytes_read = consumed;
    hash_out(h, res->hash);
    XXH3_freeState(h);
    buf_fini(&b);
    return rc;
}

static enum err_code hash_mapped(const uint8_t *data, size_t len, uint8_t out[16], struct err *e)
{
    XXH3_state_t *h = XXH3_createState();
    size_t dropped = 0;

    if (h == NULL)
        return err_set(e, ERR_NOMEM, "cannot allocate hash state");
    (void)XXH3_128bits_reset(h);
    for (size_t off = 0; off < len; off += MAP_WINDOW) {
        size_t n = len - off < MAP_WINDOW ? len - off : MAP_WINDOW;
        (void)XXH3_128bits_update(h, data + off, n);
        drop_pages(data, &dropped, off + n);
    }
    hash_out(h, out);
    XXH3_freeState(h);
    return ERR_OK;
}

/* ---- sensor logs: JSON lines ------------------------------------------------------- */

/* Whether data starts (after whitespace) like a JSON-lines log rather than a capture. */
static bool looks_like_log(const uint8_t *d, size_t n)
{
    size_t i = 0;

    if (n >= 10 && memcmp(d, "#separator", 10) == 0) /* Zeek TSV */
        return true;
    if (n > 0 && d[0] != '{' && observe_cef_sniff((const char *)d, n)) /* syslog with CEF */
        return true;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    return i < n && d[i] == '{';
}

struct lines {
    const char *path;
    uint64_t line;
    bool skipping; /* inside an overlong line: dropped up to its newline */
    enum ev_format fmt;
    struct zeek_tsv zeek; /* Zeek TSV: what the header lines said */
};

static void reject_line(struct observe_ingest *in, const struct lines *ls, const char *why,
                        size_t off, struct observe_file_result *res)
{
    char msg[200];

    res->log.rejected++;
    if (in->o.reject == NULL)
        return;
    if (off != SIZE_MAX)
        (void)snprintf(msg, sizeof(msg), "byte %zu: %s", off + 1, why);
    else
        (void)snprintf(msg, sizeof(msg), "%s", why);
    in->o.reject(in->o.reject_arg, ls->path, ls->line, msg);
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

static enum err_code take_line(struct observe_ingest *in, struct lines *ls, const char *p, size_t n,
                               struct observe_file_result *res, struct err *e)
{
    struct ev_rec r;
    const char *why;
    size_t off;
    char skipped[32];
    int k;

    ls->line++;
    res->log.lines++;
    if (blank(p, n))
        return ERR_OK;
    skipped[0] = '\0';
    off = SIZE_MAX;
    if (ls->fmt == EVF_ZEEK_TSV && p[0] == '#') { /* header lines are not events */
        if (observe_zeek_tsv_header(&ls->zeek, p, n, &why) < 0)
            reject_line(in, ls, why, SIZE_MAX, res);
        return ERR_OK;
    }
    if (ls->fmt == EVF_COWRIE)
        k = observe_cowrie_parse(p, n, &r, &why, &off, skipped);
    else if (ls->fmt == EVF_ZEEK_TSV)
        k = observe_zeek_tsv_parse(&ls->zeek, p, n, &r, &why);
    else if (ls->fmt == EVF_ZEEK_JSON)
        k = observe_zeek_json_parse(p, n, &r, &why, &off);
    else if (ls->fmt == EVF_CEF)
        k = observe_cef_parse(p, n, &r, &why);
    else
        k = observe_eve_parse(p, n, &r, &why, &off, skipped);
    if (k < 0) {
        char msg[80];
        if (skipped[0] != '\0') {
            (void)snprintf(msg, sizeof(msg), "%s '%s'", why, skipped);
            why = msg;
        }
        reject_line(in, ls, why, off, res);
        return ERR_OK;
    }
    if (k == 0) {
        res->log.skipped++;
        return ERR_OK;
    }
    res->log.events++;
    res->log.kinds[r.kind]++;
    if (res->n.first_ts == 0 || r.ts < res->n.first_ts)
        res->n.first_ts = r.ts;
    if (r.ts > res->n.last_ts)
        res->n.last_ts = r.ts;
    return observe_ev_agg_add(in->ev, &r, e);
}

/* Processes the complete lines of d[0..len) (and the last, unterminated one at EOF);
 * *used: the bytes consumed. */
static enum err_code take_lines(struct observe_ingest *in, struct lines *ls, const uint8_t *d,
                                size_t len, bool at_eof, size_t *used,
                                struct observe_file_result *res, struct err *e)
{
    size_t pos = 0;
    enum err_code rc = ERR_OK;

    while (pos < len && rc == ERR_OK) {
        const uint8_t *nl = memchr(d + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - d) : len;
        if (nl == NULL && !at_eof) {
            if (len - pos > EV_LINE_MAX) { /* unfinished and already too long */
                if (!ls->skipping) {
                    ls->line++;
                    res->log.lines++;
                    reject_line(in, ls, "line longer than 1 MiB", SIZE_MAX, res);
                    ls->skipping = true;
                }
                pos = len;
            }
            break;
        }
        if (ls->skipping) { /* the end of an overlong line */
            ls->skipping = false;
        } else if (end - pos > EV_LINE_MAX) {
            ls->line++;
            res->log.lines++;
            reject_line(in, ls, "line longer than 1 MiB", SIZE_MAX, res);
        } else {
            rc = take_line(in, ls, (const char *)d + pos, end - pos, res, e);
        }
        pos = nl != NULL ? end + 1 : len;
    }
    *used = pos;
    return rc;
}

static enum err_code log_begin(struct observe_ingest *in, struct lines *ls, const uint8_t *d,
                               size_t n, struct observe_file_result *res, struct err *e)
{
    const struct match_snap *listed = NULL;
    enum err_code rc = ERR_OK;

    static const char *const names[] = {"eve", "cowrie", "zeek", "zeek-json", "cef"};

    ls->fmt = observe_log_format((const char *)d, n);
    res->format = names[ls->fmt];
    res->log.kind_first = ls->fmt == EVF_COWRIE ? EV_COWRIE_FIRST
                          : ls->fmt == EVF_CEF  ? EV_ALERT
                                                : EV_EVE_FIRST;
    res->log.kind_n = ls->fmt == EVF_COWRIE ? EV_COWRIE_N
                      : ls->fmt == EVF_EVE  ? EV_EVE_N
                      : ls->fmt == EVF_CEF  ? 1 /* alert */
                                            : 2;
        /* Zeek: flow (conn.log), dns */ /* Zeek: flow (conn.log), dns */
    if (in->ev != NULL)
        return ERR_OK;
    if (in->o.listed != NULL)
        rc = in->o.listed(in->o.listed_arg, &listed, e);
    return rc == ERR_OK ? observe_ev_agg_new(listed, in->o.geo, &in->ev, e) : rc;
}

static void log_end(struct observe_ingest *in, struct observe_file_result *res)
{
    observe_ev_agg_listed(in->ev, res->log.listed);
    res->log.indicators = observe_ev_agg_sightings(in->ev);
    res->n.frames = res->log.lines;
    res->n.packets = res->log.events;
}

#define LOG_STEP (2 * EV_LINE_MAX) /* a line that fits is always whole in one step */

/* A mapped log, step by step; with h, each step is hashed just before it is parsed. */
static enum err_code ingest_log_mapped(struct observe_ingest *in, const char *path,
                                       const uint8_t *data, size_t len, XXH3_state_t *h,
                                       struct observe_file_result *res, struct progress *pg,
                                       struct err *e)
{
    struct lines ls = {path, 0, false, EVF_EVE, {0}};
    size_t pos = 0, hashed = 0, dropped = 0;
    enum err_code rc = log_begin(in, &ls, data, len < LOG_STEP ? len : LOG_STEP, res, e);

    while (rc == ERR_OK && pos < len) {
        size_t end = len - pos > LOG_STEP ? pos + LOG_STEP : len, used = 0;
        if (h != NULL && end > hashed) {
            (void)XXH3_128bits_update(h, data + hashed, end - hashed); /* cannot fail */
            hashed = end;
        }
        rc = take_lines(in, &ls, data + pos, end - pos, end == len, &used, res, e);
        pos += used;
        drop_pages(data, &dropped, pos);
        progress_update(pg, pos);
    }
    if (rc == ERR_OK && h != NULL && hashed < len)
        (void)XXH3_128bits_update(h, data + hashed, len - hashed);
    res->n.bytes_read = len;
    if (rc == ERR_OK)
        log_end(in, res);
    return rc;
}

/* A streamed log whose first bytes are already in b. */
static enum err_code ingest_log_stream(struct observe_ingest *in, const char *path, int fd,
                                       struct buf *b, bool eof, XXH3_state_t *h,
                                       struct observe_file_result *res, struct err *e)
{
    struct lines ls = {path, 0, false, EVF_EVE, {0}};
    uint64_t consumed = 0;
    enum err_code rc = log_begin(in, &ls, b->data, b->len, res, e);

    while (rc == ERR_OK) {
        size_t used = 0;
        rc = take_lines(in, &ls, b->data, b->len, eof, &used, res, e);
        if (rc != ERR_OK)
            break;
        memmove(b->data, b->data + used, b->len - used);
        b->len -= used;
        consumed += used;
        if (eof && b->len == 0)
            break;
        rc = read_some(fd, b, &eof, h, e);
    }
    res->n.bytes_read = consumed;
    if (rc == ERR_OK)
        log_end(in, res);
    return rc;
}

static enum err_code commit_file(struct observe_ingest *in, const char *path,
                                 struct observe_file_result *res, struct err *e)
{
    struct store_file f;
    double t0 = time_mono();
    bool seen;
    enum err_code rc = store_file_seen(in->st, in->sensor, res->hash, &seen, e);

    if (rc != ERR_OK)
        return rc;
    if (seen) { /* streamed duplicate: drop what was aggregated */
        res->skipped = true;
        observe_tx_abort(in);
        return ERR_OK;
    }
    memcpy(f.hash, res->hash, 16);
    f.name = path;
    f.bytes = res->n.bytes_read;
    f.records = res->n.frames;
    f.accepted = res->n.packets;
    f.first_ts = res->n.first_ts;
    f.last_ts = res->n.last_ts;
    rc = store_file_add(in->st, in->sensor, &f, e);
    if (rc == ERR_OK)
        rc = observe_tx_commit(in, e);
    res->store_seconds = time_mono() - t0;
    return rc;
}

/* Opens path; maps it when it is a regular non-empty file. */
static enum err_code open_input(const char *path, int *fd, const uint8_t **map, size_t *len,
                                struct err *e)
{
    struct stat st;
    void *p;

    *map = NULL;
    *len = 0;
    if (strcmp(path, "-") == 0) {
        *fd = STDIN_FILENO;
        return ERR_OK;
    }
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return err_sys(e, ERR_NOTFOUND, "cannot open");
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return ERR_OK;
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, *fd, 0);
    if (p == MAP_FAILED)
        return ERR_OK; /* fall back to streaming */
    (void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
    *map = p;
    *len = (size_t)st.st_size;
    return ERR_OK;
}

static enum err_code ingest_body(struct observe_ingest *in, const char *path, int fd,
                                 const uint8_t *map, size_t len, struct observe_file_result *res,
                                 struct err *e)
{
    struct progress pg;
    enum err_code rc;
    bool seen = false, size_seen = true;
    XXH3_state_t *h = NULL;

    if (map != NULL) { /* a size never ingested cannot be a duplicate: hash while parsing */
        rc = store_file_size_seen(in->st, in->sensor, len, &size_seen, e);
        if (rc != ERR_OK)
            return rc;
    }
    if (map != NULL && !size_seen) {
        h = XXH3_createState();
        if (h == NULL)
            return err_set(e, ERR_NOMEM, "cannot allocate hash state");
        (void)XXH3_128bits_reset(h);
    } else if (map != NULL) {
        rc = hash_mapped(map, len, res->hash, e);
        if (rc == ERR_OK)
            rc = store_file_seen(in->st, in->sensor, res->hash, &seen, e);
        if (rc != ERR_OK || seen) {
            res->skipped = seen;
            res->n.bytes_read = len;
            return rc;
        }
    }
    rc = observe_tx_begin(in, e);
    if (rc != ERR_OK) {
        if (h != NULL)
            XXH3_freeState(h);
        return rc;
    }
    progress_init(&pg, path, len);
    pg.enabled = pg.enabled && in->o.progress;
    if (map != NULL && looks_like_log(map, len)) {
        rc = ingest_log_mapped(in, path, map, len, h, res, &pg, e);
    } else if (map != NULL) {
        res->format = "pcap";
        rc = ingest_mapped(in, map, len, h, res, &pg, e);
    } else {
        rc = ingest_stream(in, path, fd, res, &pg, e);
    }
    progress_finish(&pg);
    if (h != NULL) {
        if (rc == ERR_OK)
            hash_out(h, res->hash);
        XXH3_freeState(h);
    }
    if (rc == ERR_OK)
        rc = commit_file(in, path, res, e);
    if (rc != ERR_OK)
        observe_tx_abort(in);
    return rc;
}

enum err_code observe_ingest_file(struct observe_ingest *in, const char *path,
                                  struct observe_file_result *res, struct err *e)
{
    const uint8_t *map = NULL;
    size_t len = 0;
    int fd = -1;
    double t0 = time_mono();
    enum err_code rc;
    struct err ie;

    memset(res, 0, sizeof(*res));
    rc = open_input(path, &fd, &map, &len, &ie);
    if (rc == ERR_OK)
        rc = ingest_body(in, path, fd, map, len, res, &ie);
    if (map != NULL)
        (void)munmap((void *)map, len);
    if (fd > STDIN_FILENO)
        (void)close(fd); /* read-only */
    res->seconds = time_mono() - t0;
    if (rc != ERR_OK)
        return err_set(e, rc, "%s: %s", path, ie.msg);
    return ERR_OK;
}
