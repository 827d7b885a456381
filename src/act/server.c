/* server.c - the RPZ primary: one thread with a poll() loop over a UDP socket, a TCP
 * listener, up to max_conns TCP connections and a wake-up pipe; publishing from the
 * caller's thread; NOTIFY sending and retrying.
 *
 * Locking: s->lock guards the view (zone, history, generation) and the NOTIFY state.
 * The serving thread takes it around each answer or transfer message it builds; the
 * publisher computes the delta without it (only the publisher writes the zone) and
 * takes it to apply the delta and append it to the history.
 *
 * TCP connections: a query buffer of CONN_IN_MAX bytes (2-byte length + query; larger
 * frames close the connection), an output buffer of one framed message. A transfer
 * fills the output buffer one message at a time as the socket drains, so a slow
 * client holds one message, not the zone. Idle connections (including ones stuck on a
 * partial frame) are closed after idle_ms. */
#include "act/act_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define LOG_RPZ        "rpz"
#define CONN_IN_MAX    (2 + 16384)
#define CONN_OUT_MAX   (2 + DNS_MSG_MAX)
#define NOTIFY_TRIES   3
#define NOTIFY_GAP     1.0
#define NOTIFY_MAX     16
#define LOG_PER_SECOND 20

struct conn {
    int fd;
    uint8_t *in, *out;
    size_t in_len, out_len, out_off;
    struct xfr_state x;
    double last;
    char peer[64];
};

struct notify_target {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char text[64];
    bool pending;
    int tries;
    double next_at;
    uint16_t id;
};

struct act_rpz_server {
    int udp_fd, tcp_fd, wake[2];
    uint16_t port;
    pthread_t thread;
    bool running;
    atomic_bool stop;
    pthread_mutex_t lock;
    struct rpz_view view;
    size_t hist_max;
    struct tsig_key key;
    bool has_key;
    struct notify_target notify[NOTIFY_MAX];
    size_t n_notify;
    struct conn *conns;
    size_t max_conns, n_conns;
    double idle_s;
    uint8_t udp_in[DNS_MSG_MAX], udp_out[DNS_MSG_MAX];
    double log_sec;
    int log_count;
};

/* Rate-limited warning about one peer's bad input. */
static void warn_peer(struct act_rpz_server *s, const char *peer, const char *what)
{
    double now = time_mono();

    if (now - s->log_sec >= 1.0) {
        s->log_sec = now;
        s->log_count = 0;
    }
    if (++s->log_count <= LOG_PER_SECOND)
        log_warn(LOG_RPZ, "%s: %s", peer, what);
}

static void peer_text(const struct sockaddr_storage *a, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;

    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        (void)inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
    } else if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in = (const struct sockaddr_in6 *)a;
        (void)inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof(host));
        port = ntohs(in->sin6_port);
    }
    (void)snprintf(out, cap, "%s#%u", host, port);
}

static enum err_code parse_addr(const char *host, const char *port, struct sockaddr_storage *out,
                                socklen_t *len, struct err *e)
{
    struct addrinfo hints = {0}, *res = NULL;
    int rc;

    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || res == NULL || res->ai_addrlen > sizeof(*out))
        return err_set(e, ERR_PARSE, "rpz: bad address '%.60s' port '%.10s'", host,
                       port != NULL ? port : "");
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return ERR_OK;
}

/* "addr:port" or "[v6]:port". */
static enum err_code parse_target(const char *t, struct notify_target *nt, struct err *e)
{
    char host[64];
    const char *colon = strrchr(t, ':');
    size_t hl;

    if (colon == NULL)
        return err_set(e, ERR_PARSE, "rpz: NOTIFY target '%.60s' lacks :port", t);
    hl = (size_t)(colon - t);
    if (t[0] == '[' && hl >= 2 && t[hl - 1] == ']') {
        t++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof(host))
        return err_set(e, ERR_PARSE, "rpz: bad NOTIFY target '%.60s'", t);
    memcpy(host, t, hl);
    host[hl] = '\0';
    (void)snprintf(nt->text, sizeof(nt->text), "%s", t);
    return parse_addr(host, colon + 1, &nt->addr, &nt->addr_len, e);
}

static int open_socket(const struct sockaddr_storage *a, socklen_t alen, int type, struct err *e)
{
    int one = 1;
    int fd = socket(a->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        err_sys(e, ERR_IO, "rpz: socket");
        return -1;
    }
    if (type == SOCK_STREAM)
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)); /* best effort */
    if (bind(fd, (const struct sockaddr *)a, alen) != 0 ||
        (type == SOCK_STREAM && listen(fd, 64) != 0)) {
        err_sys(e, ERR_IO, "rpz: bind/listen");
        close(fd);
        return -1;
    }
    return fd;
}

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
    if (a->ss_family == AF_INET)
        ((struct sockaddr_in *)a)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

/* Binds TCP then UDP on the same port; with port 0 retries a few free ports. */
static enum err_code bind_both(struct act_rpz_server *s, const char *addr, uint16_t port,
                               struct err *e)
{
    struct sockaddr_storage a;
    socklen_t alen;
    enum err_code rc = parse_addr(addr, "0", &a, &alen, e);

    for (int attempt = 0; rc == ERR_OK && attempt < 20; attempt++) {
        set_port(&a, port);
        s->tcp_fd = open_socket(&a, alen, SOCK_STREAM, e);
        if (s->tcp_fd < 0)
            return ERR_IO;
        struct sockaddr_storage got;
        socklen_t glen = sizeof(got);
        if (getsockname(s->tcp_fd, (struct sockaddr *)&got, &glen) != 0)
            return err_sys(e, ERR_IO, "rpz: getsockname");
        s->port = ntohs(got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                                 : ((struct sockaddr_in6 *)&got)->sin6_port);
        set_port(&a, s->port);
        s->udp_fd = open_socket(&a, alen, SOCK_DGRAM, e);
        if (s->udp_fd >= 0)
            return ERR_OK;
        close(s->tcp_fd);
        s->tcp_fd = -1;
        if (port != 0)
            return ERR_IO;
    }
    return rc != ERR_OK ? rc : ERR_IO;
}

enum err_code act_rpz_server_new(const struct act_rpz_server_config *cfg, struct act_rpz_zone *zone,
                                 struct act_rpz_server **out, struct err *e)
{
    struct act_rpz_server *s = mem_calloc(1, sizeof(*s));
    enum err_code rc = ERR_OK;

    *out = NULL;
    if (s == NULL) {
        act_rpz_zone_free(zone);
        return err_set(e, ERR_NOMEM, "rpz: cannot allocate server");
    }
    s->udp_fd = s->tcp_fd = s->wake[0] = s->wake[1] = -1;
    s->view.zone = zone;
    (void)pthread_mutex_init(&s->lock, NULL); /* default attributes cannot fail */
    s->hist_max = cfg->history != 0 ? cfg->history : 16;
    s->max_conns = cfg->max_conns != 0 ? cfg->max_conns : 64;
    s->idle_s = (cfg->idle_ms != 0 ? cfg->idle_ms : 10000) / 1000.0;
    if (cfg->n_notify > NOTIFY_MAX)
        rc = err_set(e, ERR_LIMIT, "rpz: at most %d NOTIFY targets", NOTIFY_MAX);
    for (size_t i = 0; rc == ERR_OK && i < cfg->n_notify; i++)
        rc = parse_target(cfg->notify[i], &s->notify[s->n_notify++], e);
    if (rc == ERR_OK && cfg->tsig_name != NULL) {
        rc = tsig_key_init(&s->key, cfg->tsig_name, cfg->tsig_secret, e);
        s->has_key = rc == ERR_OK;
    }
    s->view.hist = mem_calloc(s->hist_max, sizeof(struct rpz_hist));
    s->conns = mem_calloc(s->max_conns, sizeof(struct conn));
    if (rc == ERR_OK && (s->view.hist == NULL || s->conns == NULL))
        rc = err_set(e, ERR_NOMEM, "rpz: cannot allocate server tables");
    if (rc == ERR_OK && pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0)
        rc = err_sys(e, ERR_IO, "rpz: pipe");
    if (rc == ERR_OK)
        rc = bind_both(s, cfg->listen_addr != NULL ? cfg->listen_addr : "127.0.0.1", cfg->port, e);
    if (rc != ERR_OK) {
        act_rpz_server_free(s);
        return rc;
    }
    for (size_t i = 0; i < s->max_conns; i++)
        s->conns[i].fd = -1;
    *out = s;
    return ERR_OK;
}

uint16_t act_rpz_server_port(const struct act_rpz_server *s)
{
    return s->port;
}

uint32_t act_rpz_server_serial(struct act_rpz_server *s)
{
    uint32_t v;

    pthread_mutex_lock(&s->lock);
    v = s->view.zone->serial;
    pthread_mutex_unlock(&s->lock);
    return v;
}

enum err_code act_rpz_server_write_zone(struct act_rpz_server *s, FILE *f, struct err *e)
{
    enum err_code rc;

    pthread_mutex_lock(&s->lock);
    rc = act_rpz_zone_write(s->view.zone, f, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- connections ------------------------------------------------------------------ */

static void conn_close(struct act_rpz_server *s, struct conn *c, const char *why)
{
    if (why != NULL)
        warn_peer(s, c->peer, why);
    close(c->fd);
    mem_free(c->in);
    mem_free(c->out);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    s->n_conns--;
}

static void accept_conns(struct act_rpz_server *s)
{
    for (;;) {
        struct sockaddr_storage a;
        socklen_t alen = sizeof(a);
        int fd = accept4(s->tcp_fd, (struct sockaddr *)&a, &alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct conn *c = NULL;

        if (fd < 0)
            return;
        for (size_t i = 0; i < s->max_conns && c == NULL; i++)
            if (s->conns[i].fd < 0)
                c = &s->conns[i];
        if (c == NULL) {
            close(fd);
            warn_peer(s, "tcp", "connection limit reached: connection closed");
            continue;
        }
        c->in = mem_alloc(CONN_IN_MAX);
        c->out = mem_alloc(CONN_OUT_MAX);
        c->fd = fd;
        c->last = time_mono();
        peer_text(&a, c->peer, sizeof(c->peer));
        s->n_conns++;
        if (c->in == NULL || c->out == NULL)
            conn_close(s, c, "out of memory for connection buffers");
    }
}

/* serial: the zone's serial read under the lock when the answer was built. */
static void log_answer(struct act_rpz_server *s, const char *peer, const char *proto,
                       const struct answer_ctx *a, uint32_t serial)
{
    if (a->why[0] != '\0')
        warn_peer(s, peer, a->why);
    else
        log_info(LOG_RPZ, "%s %s: %s serial %u", proto, peer, a->what, serial);
}

static void ctx_init(struct act_rpz_server *s, struct answer_ctx *a, bool tcp)
{
    memset(a, 0, sizeof(*a));
    a->view = &s->view;
    a->key = s->has_key ? &s->key : NULL;
    a->now = time_now();
    a->tcp = tcp;
}

/* Handles the first complete frame in c->in; returns false to close. */
static bool conn_query(struct act_rpz_server *s, struct conn *c, size_t flen)
{
    struct answer_ctx a;
    size_t olen = 0;
    enum answer_kind k;
    uint32_t serial;

    ctx_init(s, &a, true);
    pthread_mutex_lock(&s->lock);
    k = answer_query(&a, c->in + 2, flen, c->out + 2, &olen, &c->x);
    serial = s->view.zone->serial;
    pthread_mutex_unlock(&s->lock);
    memmove(c->in, c->in + 2 + flen, c->in_len - 2 - flen);
    c->in_len -= 2 + flen;
    if (k == ANSWER_XFR)
        log_info(LOG_RPZ, "tcp %s: %s started, client serial %u, serial %u", c->peer, a.what,
                 c->x.client, c->x.serial);
    else
        log_answer(s, c->peer, "tcp", &a, serial);
    if (k == ANSWER_DROP)
        return a.why[0] == '\0';
    c->out[0] = (uint8_t)(olen >> 8);
    c->out[1] = (uint8_t)olen;
    c->out_len = olen + 2;
    c->out_off = 0;
    return true;
}

/* Fills the output buffer with the next transfer message, if any. */
static void conn_xfr(struct act_rpz_server *s, struct conn *c)
{
    struct answer_ctx a;
    size_t olen = 0;
    bool more;

    ctx_init(s, &a, true);
    pthread_mutex_lock(&s->lock);
    more = answer_xfr_next(&a, &c->x, c->out + 2, &olen);
    pthread_mutex_unlock(&s->lock);
    if (!more) {
        if (a.why[0] != '\0')
            warn_peer(s, c->peer, a.why);
        else
            log_info(LOG_RPZ, "tcp %s: %s done, serial %u, %zu messages", c->peer,
                     c->x.kind == XFR_IXFR ? "IXFR" : "AXFR", c->x.serial, c->x.msgs);
        c->x.kind = XFR_NONE;
        return;
    }
    c->out[0] = (uint8_t)(olen >> 8);
    c->out[1] = (uint8_t)olen;
    c->out_len = olen + 2;
    c->out_off = 0;
}

/* Produces output while none is pending: transfer messages first, then queries. */
static bool conn_work(struct act_rpz_server *s, struct conn *c)
{
    while (c->out_len == 0) {
        if (c->x.kind != XFR_NONE) {
            conn_xfr(s, c);
            continue;
        }
        if (c->in_len < 2)
            return true;
        size_t flen = wire_u16(c->in);
        if (flen + 2 > CONN_IN_MAX)
            return (conn_close(s, c, "oversized TCP query: connection closed"), false);
        if (c->in_len < flen + 2)
            return true;
        if (!conn_query(s, c, flen))
            return (conn_close(s, c, "dropped query: connection closed"), false);
    }
    return true;
}

static void conn_read(struct act_rpz_server *s, struct conn *c)
{
    ssize_t n = read(c->fd, c->in + c->in_len, CONN_IN_MAX - c->in_len);

    if (n == 0) {
        conn_close(s, c, c->in_len > 0 ? "connection closed inside a TCP frame" : NULL);
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR)
            conn_close(s, c, "read error");
        return;
    }
    c->in_len += (size_t)n;
    c->last = time_mono();
    if (c->in_len >= 2 && wire_u16(c->in) + 2u > CONN_IN_MAX) {
        conn_close(s, c, "oversized TCP query: connection closed");
        return;
    }
    (void)conn_work(s, c);
}

static void conn_write(struct act_rpz_server *s, struct conn *c)
{
    while (c->out_len > 0) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                conn_close(s, c, "write error");
            return;
        }
        c->out_off += (size_t)n;
        c->last = time_mono();
        if (c->out_off == c->out_len) {
            c->out_len = c->out_off = 0;
            if (!conn_work(s, c))
                return;
        }
    }
}

/* ---- UDP and NOTIFY ------------------------------------------------------------ */

static void note_notify_reply(struct act_rpz_server *s, const struct sockaddr_storage *from,
                              uint16_t id, const char *peer)
{
    for (size_t i = 0; i < s->n_notify; i++) {
        struct notify_target *t = &s->notify[i];
        if (t->pending && t->id == id && t->addr.ss_family == from->ss_family &&
            memcmp(&t->addr, from, t->addr_len) == 0) {
            t->pending = false;
            log_info(LOG_RPZ, "NOTIFY acknowledged by %s", t->text);
            return;
        }
    }
    log_info(LOG_RPZ, "udp %s: unmatched NOTIFY response ignored", peer);
}

static void udp_read(struct act_rpz_server *s)
{
    for (int burst = 0; burst < 64; burst++) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof(from);
        ssize_t n =
            recvfrom(s->udp_fd, s->udp_in, sizeof(s->udp_in), 0, (struct sockaddr *)&from, &flen);
        struct answer_ctx a;
        struct xfr_state x;
        size_t olen = 0;
        char peer[64];

        if (n < 0)
            return;
        peer_text(&from, peer, sizeof(peer));
        ctx_init(s, &a, false);
        pthread_mutex_lock(&s->lock);
        enum answer_kind k = answer_query(&a, s->udp_in, (size_t)n, s->udp_out, &olen, &x);
        uint32_t serial = s->view.zone->serial;
        if (a.notify_reply)
            note_notify_reply(s, &from, a.notify_id, peer);
        pthread_mutex_unlock(&s->lock);
        if (a.notify_reply)
            continue;
        log_answer(s, peer, "udp", &a, serial);
        if (k == ANSWER_MSG &&
            sendto(s->udp_fd, s->udp_out, olen, 0, (struct sockaddr *)&from, flen) < 0)
            warn_peer(s, peer, "UDP send failed");
    }
}

static void send_notifies(struct act_rpz_server *s)
{
    uint8_t msg[1024];
    double now = time_mono();

    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n_notify; i++) {
        struct notify_target *t = &s->notify[i];
        if (!t->pending || now < t->next_at)
            continue;
        if (t->tries >= NOTIFY_TRIES) {
            t->pending = false;
            log_warn(LOG_RPZ, "no answer to NOTIFY from %s after %d tries", t->text, t->tries);
            continue;
        }
        size_t n = answer_notify(s->view.zone, t->id, s->has_key ? &s->key : NULL, time_now(), msg,
                                 sizeof(msg));
        if (n > 0 && sendto(s->udp_fd, msg, n, 0, (struct sockaddr *)&t->addr, t->addr_len) < 0)
            log_warn(LOG_RPZ, "NOTIFY to %s: send failed", t->text);
        else
            log_info(LOG_RPZ, "NOTIFY serial %u sent to %s", s->view.zone->serial, t->text);
        t->tries++;
        t->next_at = now + NOTIFY_GAP;
    }
    pthread_mutex_unlock(&s->lock);
}

/* ---- the loop -------------------------------------------------------------------- */

static void close_idle(struct act_rpz_server *s)
{
    double now = time_mono();

    for (size_t i = 0; i < s->max_conns; i++) {
        struct conn *c = &s->conns[i];
        if (c->fd >= 0 && now - c->last > s->idle_s)
            conn_close(s, c, c->in_len > 0 ? "idle inside a TCP frame: closed" : NULL);
    }
}

static void *serve_loop(void *arg)
{
    struct act_rpz_server *s = arg;
    struct pollfd *p = mem_calloc(3 + s->max_conns, sizeof(struct pollfd));
    size_t *idx = mem_calloc(s->max_conns, sizeof(size_t));

    if (p == NULL || idx == NULL) {
        log_error(LOG_RPZ, "cannot allocate the poll table; server not running");
        mem_free(p);
        mem_free(idx);
        return NULL;
    }
    while (!atomic_load(&s->stop)) {
        size_t n = 3, nc = 0;
        p[0] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        p[1] = (struct pollfd){.fd = s->udp_fd, .events = POLLIN};
        p[2] = (struct pollfd){.fd = s->n_conns < s->max_conns ? s->tcp_fd : -1, .events = POLLIN};
        for (size_t i = 0; i < s->max_conns; i++) {
            if (s->conns[i].fd < 0)
                continue;
            idx[nc++] = i;
            p[n++] = (struct pollfd){.fd = s->conns[i].fd,
                                     .events = s->conns[i].out_len > 0 ? POLLOUT : POLLIN};
        }
        if (poll(p, n, 100) < 0 && errno != EINTR) {
            log_error(LOG_RPZ, "poll failed: %s; server stopped", strerror(errno));
            break;
        }
        if (p[0].revents & POLLIN) {
            uint8_t drain[64];
            while (read(s->wake[0], drain, sizeof(drain)) > 0)
                ;
        }
        if (p[1].revents & POLLIN)
            udp_read(s);
        for (size_t k = 0; k < nc; k++) {
            struct conn *c = &s->conns[idx[k]];
            if (c->fd != p[3 + k].fd)
                continue;
            if (p[3 + k].revents & POLLOUT)
                conn_write(s, c);
            else if (p[3 + k].revents & (POLLIN | POLLHUP | POLLERR))
                conn_read(s, c);
            if (c->fd >= 0 && c->out_len > 0)
                conn_write(s, c);
        }
        if (p[2].revents & POLLIN)
            accept_conns(s);
        send_notifies(s);
        close_idle(s);
    }
    mem_free(p);
    mem_free(idx);
    return NULL;
}

enum err_code act_rpz_server_start(struct act_rpz_server *s, struct err *e)
{
    int rc;

    if (s->running)
        return ERR_OK;
    atomic_store(&s->stop, false);
    rc = pthread_create(&s->thread, NULL, serve_loop, s);
    if (rc != 0) {
        errno = rc;
        return err_sys(e, ERR_IO, "rpz: cannot start the server thread");
    }
    s->running = true;
    return ERR_OK;
}

static void wake(struct act_rpz_server *s)
{
    uint8_t one = 1;

    if (s->wake[1] >= 0)
        (void)!write(s->wake[1], &one, 1); /* a full pipe already wakes the loop */
}

void act_rpz_server_stop(struct act_rpz_server *s)
{
    if (s == NULL || !s->running)
        return;
    atomic_store(&s->stop, true);
    wake(s);
    (void)pthread_join(s->thread, NULL); /* cannot fail for a joinable running thread */
    s->running = false;
}

void act_rpz_server_free(struct act_rpz_server *s)
{
    if (s == NULL)
        return;
    act_rpz_server_stop(s);
    for (size_t i = 0; s->conns != NULL && i < s->max_conns; i++)
        if (s->conns[i].fd >= 0)
            conn_close(s, &s->conns[i], NULL);
    for (size_t i = 0; s->view.hist != NULL && i < s->view.nhist; i++)
        act_rpz_delta_free(s->view.hist[i].d);
    int fds[] = {s->udp_fd, s->tcp_fd, s->wake[0], s->wake[1]};
    for (size_t i = 0; i < 4; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    mem_free(s->view.hist);
    mem_free(s->conns);
    act_rpz_zone_free(s->view.zone);
    pthread_mutex_destroy(&s->lock);
    mem_free(s);
}

/* ---- publishing -------------------------------------------------------------------- */

/* Queues a NOTIFY to every target (under the lock). */
static void notify_all(struct act_rpz_server *s)
{
    for (size_t i = 0; i < s->n_notify; i++) {
        struct notify_target *t = &s->notify[i];
        (void)!getrandom(&t->id, sizeof(t->id), 0); /* any ID works; random is better */
        t->pending = true;
        t->tries = 0;
        t->next_at = 0.0;
    }
}

/* Applies d (taking ownership) as the next version, under the lock. */
static enum err_code publish(struct act_rpz_server *s, struct act_rpz_delta *d,
                             uint32_t *serial_out, struct err *e)
{
    struct rpz_view *v = &s->view;
    uint32_t from, to;
    enum err_code rc;
    size_t nadd = d->add.n, ndel = d->del.n;

    if (d->add.n == 0 && d->del.n == 0) {
        act_rpz_delta_free(d);
        if (serial_out != NULL)
            *serial_out = act_rpz_server_serial(s);
        return ERR_OK;
    }
    pthread_mutex_lock(&s->lock);
    from = v->zone->serial;
    to = from + 1 != 0 ? from + 1 : 1;
    rc = act_rpz_zone_apply(v->zone, d, to, e);
    if (rc == ERR_OK) {
        if (v->nhist == s->hist_max) {
            act_rpz_delta_free(v->hist[0].d);
            memmove(v->hist, v->hist + 1, (v->nhist - 1) * sizeof(*v->hist));
            v->nhist--;
        }
        v->hist[v->nhist++] = (struct rpz_hist){from, to, d};
        v->generation++;
        notify_all(s);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc != ERR_OK) {
        act_rpz_delta_free(d);
        return rc;
    }
    log_info(LOG_RPZ, "published serial %u: +%zu -%zu", to, nadd, ndel);
    if (serial_out != NULL)
        *serial_out = to;
    wake(s);
    return ERR_OK;
}

enum err_code act_rpz_server_publish(struct act_rpz_server *s, const char *const *entries, size_t n,
                                     struct act_rpz_counts *counts, uint32_t *serial_out,
                                     struct err *e)
{
    struct act_rpz_delta *d;
    enum err_code rc = act_rpz_delta_compute(s->view.zone, entries, n, &d, counts, e);

    if (rc != ERR_OK)
        return rc;
    return publish(s, d, serial_out, e);
}

enum err_code act_rpz_server_publish_changes(struct act_rpz_server *s, const char *const *add,
                                             size_t n_add, const char *const *del, size_t n_del,
                                             struct act_rpz_counts *counts, uint32_t *serial_out,
                                             struct err *e)
{
    struct act_rpz_delta *d;
    enum err_code rc =
        act_rpz_delta_from_changes(s->view.zone, add, n_add, del, n_del, &d, counts, e);

    if (rc != ERR_OK)
        return rc;
    return publish(s, d, serial_out, e);
}

/* Replaces an empty zone's names with fresh ones under the lock, as the next version.
 * No delta is kept and the history is dropped: the delta would be the whole zone, held
 * twice, and an IXFR from an empty version is answered as well by the full zone. */
static enum err_code publish_fresh(struct act_rpz_server *s, struct names *fresh,
                                   uint32_t *serial_out)
{
    struct rpz_view *v = &s->view;
    struct names old;
    uint32_t to;

    if (fresh->n == 0) {
        names_fini(fresh);
        if (serial_out != NULL)
            *serial_out = act_rpz_server_serial(s);
        return ERR_OK;
    }
    pthread_mutex_lock(&s->lock);
    to = v->zone->serial + 1 != 0 ? v->zone->serial + 1 : 1;
    old = v->zone->names;
    v->zone->names = *fresh;
    v->zone->serial = to;
    for (size_t i = 0; i < v->nhist; i++)
        act_rpz_delta_free(v->hist[i].d);
    v->nhist = 0;
    v->generation++;
    notify_all(s);
    pthread_mutex_unlock(&s->lock);
    names_fini(&old);
    log_info(LOG_RPZ, "published serial %u: %zu entries", to, fresh->n);
    if (serial_out != NULL)
        *serial_out = to;
    wake(s);
    return ERR_OK;
}

enum err_code act_rpz_server_publish_set(struct act_rpz_server *s, struct act_rpz_set *set,
                                         act_rpz_next_fn next, void *arg,
                                         struct act_rpz_counts *counts, uint32_t *serial_out,
                                         struct err *e)
{
    struct act_rpz_delta *d;
    struct names fresh;
    enum err_code rc;

    if (s->view.zone->names.n == 0) { /* only the publisher writes the zone: no lock */
        rc = rpz_set_names(set, next, arg, &fresh, counts, e);
        return rc == ERR_OK ? publish_fresh(s, &fresh, serial_out) : rc;
    }
    rc = act_rpz_delta_from_set(s->view.zone, set, next, arg, &d, counts, e);
    if (rc != ERR_OK)
        return rc;
    return publish(s, d, serial_out, e);
}
