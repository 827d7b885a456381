/* serve.c - `ooda serve`: the delivery servers over one database. The HTTP API
 * (lookup, hash prefixes) and the RPZ primary (AXFR, IXFR, NOTIFY) serve the listed
 * indicators; the main thread polls the database and, when it changed (another
 * process pulled a feed, ingested a capture) or the rebuild interval passed (scores
 * decay with time), rebuilds the listed set once and publishes it to both. */
#include "cli/cli.h"

#include <getopt.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "act/act.h"
#include "http/http.h"
#include "match/match.h"

#define MAX_NOTIFY 16

struct sopts {
    const char *db, *http, *rpz, *zone, *action, *tsig, *tlp;
    const char *notify[MAX_NOTIFY];
    size_t n_notify;
    double poll, rebuild;
    unsigned threads;
};

/* Tokens: SHA-256 of each, sorted, swapped under a lock on reload. */
struct tokens {
    pthread_mutex_t lock;
    struct store_token *v;
    size_t n;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int cmp_token(const void *a, const void *b)
{
    return memcmp(((const struct store_token *)a)->hash, ((const struct store_token *)b)->hash, 32);
}

static bool verify(void *arg, const char *token, size_t len, struct http_principal *who)
{
    struct tokens *t = arg;
    struct store_token key = {0};
    const struct store_token *hit;
    unsigned hl;

    (void)EVP_Digest(token, len, key.hash, &hl, EVP_sha256(), NULL);
    pthread_mutex_lock(&t->lock);
    hit = t->n > 0 ? bsearch(&key, t->v, t->n, sizeof(key), cmp_token) : NULL;
    if (hit != NULL) {
        (void)snprintf(who->name, sizeof(who->name), "%s", hit->name);
        who->clearance = (enum ioc_tlp)hit->clearance;
    }
    pthread_mutex_unlock(&t->lock);
    return hit != NULL;
}

struct tok_collect {
    struct store_token *v;
    size_t n, cap;
    bool oom;
};

static bool on_token(void *arg, const struct store_token *tok)
{
    struct tok_collect *c = arg;

    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct store_token *nv = mem_realloc(c->v, cap * sizeof(*nv));

        if (nv == NULL) {
            c->oom = true;
            return false;
        }
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n++] = *tok;
    return true;
}

static enum err_code tokens_reload(struct tokens *t, struct store *st, struct err *e)
{
    struct tok_collect c = {0};
    enum err_code rc = store_token_each(st, on_token, &c, e);
    struct store_token *old;

    if (rc == ERR_OK && c.oom)
        rc = err_set(e, ERR_NOMEM, "serve: out of memory loading tokens");
    if (rc != ERR_OK) {
        mem_free(c.v);
        return rc;
    }
    if (c.n > 1)
        qsort(c.v, c.n, sizeof(*c.v), cmp_token);
    pthread_mutex_lock(&t->lock);
    old = t->v;
    t->v = c.v;
    t->n = c.n;
    pthread_mutex_unlock(&t->lock);
    mem_free(old);
    return ERR_OK;
}

struct servers {
    struct http_server *http;
    struct http_hashes *hashes;
    struct act_rpz_server *rpz;
    enum ioc_tlp rpz_tlp;
};

static enum err_code build_snapshot(const struct cli_listed *l, struct match_snap **out,
                                    struct err *e)
{
    struct match_builder *b;
    enum err_code rc = match_builder_new(&b, e);

    for (size_t i = 0; rc == ERR_OK && i < l->n; i++) {
        const struct cli_item *it = &l->items[i];

        rc = match_builder_add(b, it->type, it->value, strlen(it->value), it->id, it->score, e);
        if (rc == ERR_PARSE) { /* not matchable as stored: keep serving the rest */
            log_warn("serve", "indicator %lld not matchable: %s", (long long)it->id, e->msg);
            rc = ERR_OK;
        }
    }
    if (rc != ERR_OK) {
        match_builder_free(b);
        return rc;
    }
    return match_builder_finish(b, out, e);
}

static enum err_code publish_http(struct servers *s, const struct cli_listed *l, struct err *e)
{
    struct match_snap *snap = NULL;
    struct http_ind_info *info = mem_alloc((l->n ? l->n : 1) * sizeof(*info));
    uint8_t(*hashes)[32] = NULL;
    size_t nh = 0;
    enum err_code rc = info ? build_snapshot(l, &snap, e) : ERR_NOMEM;

    for (size_t i = 0; rc == ERR_OK && i < l->n; i++)
        info[i] = (struct http_ind_info){l->items[i].id,         l->items[i].tlp,
                                         l->items[i].first_seen, l->items[i].last_seen,
                                         l->items[i].sources,    NULL};
    if (rc == ERR_OK) {
        rc = http_publish(s->http, snap, info, l->n, e); /* takes snap */
        snap = NULL;
    }
    if (rc == ERR_OK)
        rc = cli_listed_hashes(l, &hashes, &nh, e);
    if (rc == ERR_OK)
        rc = http_hashes_publish(s->hashes, (const uint8_t(*)[32])hashes, nh, e);
    match_snap_unref(snap);
    mem_free(hashes);
    mem_free(info);
    return rc == ERR_NOMEM && e->msg[0] == '\0' ? err_set(e, rc, "serve: out of memory") : rc;
}

/* The RPZ streams (docs/rpz.md): the listing marks what is listed, the store's index
 * gives it back in zone order, and the walk against the served zone yields the delta,
 * so publishing holds no copy of the list (memory: a bit per indicator id and the
 * delta). */
static enum err_code publish_rpz(struct store *st, struct servers *s, const char *zone,
                                 size_t *listed, struct err *e)
{
    struct act_rpz_set *set = NULL;
    struct cli_rpz_stream *rs = NULL;
    uint32_t serial = 0;
    enum err_code rc = act_rpz_set_new(zone, &set, e);

    if (rc == ERR_OK)
        rc = cli_rpz_stream_open(st, time_now(), s->rpz_tlp, set, NULL, NULL, &rs, e);
    if (rc == ERR_OK) {
        *listed = cli_rpz_stream_listed(rs);
        rc = act_rpz_server_publish_set(s->rpz, set, cli_rpz_stream_next, rs, NULL, &serial, e);
    }
    if (rs != NULL) {
        struct err se = {0};
        enum err_code src = cli_rpz_stream_close(rs, &se);

        if (src != ERR_OK) {
            *e = se;
            rc = src;
        }
    }
    act_rpz_set_free(set);
    if (rc == ERR_OK)
        rc = store_zone_put(st, zone, serial, NULL, time_now(), e);
    return rc;
}

static enum err_code publish(struct store *st, struct servers *s, const char *zone, struct err *e)
{
    struct cli_listed l = {0};
    size_t listed = 0;
    enum err_code rc = ERR_OK;

    if (s->rpz != NULL)
        rc = publish_rpz(st, s, zone, &listed, e);
    if (rc == ERR_OK && s->http != NULL) {
        rc = cli_listed_load(st, time_now(), &l, e);
        if (rc == ERR_OK)
            rc = publish_http(s, &l, e);
        listed = l.n;
    }
    if (rc == ERR_OK)
        log_info("serve", "published %zu listed indicators", listed);
    cli_listed_free(&l);
    return rc;
}

/* "ADDR:PORT" or "[V6]:PORT" into addr (NUL-terminated) and port. */
static bool split_hostport(const char *s, char *addr, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    const char *a = s;
    size_t n;
    char *end;
    unsigned long p;

    if (colon == NULL)
        return false;
    n = (size_t)(colon - s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        a++;
        n -= 2;
    }
    p = strtoul(colon + 1, &end, 10);
    if (n == 0 || n >= cap || *end != '\0' || p > 65535 || end == colon + 1)
        return false;
    memcpy(addr, a, n);
    addr[n] = '\0';
    *port = (uint16_t)p;
    return true;
}

/* First serial of the RPZ: one past what this zone last published, so a restarted
 * server never goes back in serial (secondaries would ignore it). */
static enum err_code start_rpz(struct store *st, const struct sopts *o, struct servers *s,
                               struct err *e)
{
    struct act_rpz_zone_config zc = {.origin = o->zone};
    struct act_rpz_server_config sc = {.notify = o->notify, .n_notify = o->n_notify};
    struct act_rpz_zone *z = NULL;
    char addr[256], name[256], secret[512];
    uint8_t dig[32];
    bool found;
    uint32_t serial = 0;
    enum err_code rc = act_rpz_policy_parse(o->action ? o->action : "nxdomain", &zc.policy, e);

    if (rc == ERR_OK)
        rc = store_zone_get(st, o->zone, &serial, dig, &found, e);
    zc.serial = serial + 1 ? serial + 1 : 1;
    if (rc == ERR_OK && !split_hostport(o->rpz, addr, sizeof(addr), &sc.port))
        rc = err_set(e, ERR_USAGE, "serve: --rpz wants ADDR:PORT");
    sc.listen_addr = addr;
    if (rc == ERR_OK && o->tsig != NULL) {
        const char *c = strchr(o->tsig, ':');

        if (c == NULL || (size_t)(c - o->tsig) >= sizeof(name) || strlen(c + 1) >= sizeof(secret))
            rc = err_set(e, ERR_USAGE, "serve: --tsig wants NAME:BASE64SECRET");
        else {
            (void)snprintf(name, sizeof(name), "%.*s", (int)(c - o->tsig), o->tsig);
            (void)snprintf(secret, sizeof(secret), "%s", c + 1);
            sc.tsig_name = name;
            sc.tsig_secret = secret;
        }
    }
    if (rc == ERR_OK)
        rc = act_rpz_zone_new(&zc, &z, e);
    if (rc == ERR_OK) {
        rc = act_rpz_server_new(&sc, z, &s->rpz, e); /* takes z */
        z = NULL;
    }
    act_rpz_zone_free(z);
    if (rc == ERR_OK)
        rc = act_rpz_server_start(s->rpz, e);
    if (rc == ERR_OK)
        fprintf(stderr, "ooda serve: rpz %s on %s:%u\n", o->zone, addr,
                (unsigned)act_rpz_server_port(s->rpz));
    return rc;
}

static enum err_code start_http(const struct sopts *o, struct tokens *t, struct servers *s,
                                struct err *e)
{
    struct http_cfg cfg = {.auth = verify, .auth_arg = t, .threads = o->threads};
    char addr[256];
    enum err_code rc;

    if (!split_hostport(o->http, addr, sizeof(addr), &cfg.port))
        return err_set(e, ERR_USAGE, "serve: --http wants ADDR:PORT");
    cfg.addr = addr;
    cfg.db = o->db;
    s->hashes = http_hashes_new();
    if (s->hashes == NULL)
        return err_set(e, ERR_NOMEM, "serve: out of memory");
    cfg.hashes = s->hashes;
    rc = http_start(&cfg, &s->http, e);
    if (rc == ERR_OK)
        fprintf(stderr, "ooda serve: http on %s:%u\n", addr, (unsigned)http_port(s->http));
    return rc;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

    (void)nanosleep(&ts, NULL);
}

/* Polls until SIGINT/SIGTERM: rebuilds on a database change or every o->rebuild s. */
static enum err_code loop(struct store *st, const struct sopts *o, struct servers *s,
                          struct tokens *t, struct err *e)
{
    int64_t version = 0, v;
    double last = time_mono();
    enum err_code rc = store_data_version(st, &version, e);

    while (rc == ERR_OK && !stopping) {
        sleep_s(o->poll);
        rc = store_data_version(st, &v, e);
        if (rc != ERR_OK || (v == version && time_mono() - last < o->rebuild))
            continue;
        version = v;
        last = time_mono();
        rc = tokens_reload(t, st, e);
        if (rc == ERR_OK)
            rc = publish(st, s, o->zone, e);
    }
    return rc;
}

static int serve(const struct sopts *o)
{
    struct store *st = NULL;
    struct tokens t = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct servers s = {.rpz_tlp = IOC_TLP_AMBER};
    struct err e = {0};
    enum err_code rc;

    if (o->tlp && !ioc_tlp_parse(o->tlp, strlen(o->tlp), &s.rpz_tlp))
        return cli_usage("serve", "--tlp must be clear, green, amber, amber+strict or red");
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    rc = store_open(o->db, &st, &e);
    if (rc == ERR_OK) /* each republish scans the whole database: keep it out of RSS */
        rc = store_set_memory(st, 0, 8192, &e);
    if (rc == ERR_OK)
        rc = tokens_reload(&t, st, &e);
    if (rc == ERR_OK && o->http)
        rc = start_http(o, &t, &s, &e);
    if (rc == ERR_OK && o->rpz)
        rc = start_rpz(st, o, &s, &e);
    if (rc == ERR_OK)
        rc = publish(st, &s, o->zone, &e);
    if (rc == ERR_OK)
        fprintf(stderr, "ooda serve: ready\n");
    if (rc == ERR_OK)
        rc = loop(st, o, &s, &t, &e);
    http_stop(s.http);
    http_hashes_free(s.hashes);
    act_rpz_server_free(s.rpz);
    store_close(st);
    mem_free(t.v);
    if (rc != ERR_OK)
        return cli_fail("serve", rc, e.msg);
    return EX_OK;
}

int cli_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"http", required_argument, NULL, 'H'},
                                         {"rpz", required_argument, NULL, 'r'},
                                         {"zone", required_argument, NULL, 'z'},
                                         {"action", required_argument, NULL, 'a'},
                                         {"tsig", required_argument, NULL, 'k'},
                                         {"notify", required_argument, NULL, 'n'},
                                         {"poll", required_argument, NULL, 'p'},
                                         {"rebuild", required_argument, NULL, 'R'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"tlp", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct sopts o = {.poll = 1.0, .rebuild = 300.0, .threads = 2};
    int c;
    char *end;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.db = optarg;
            break;
        case 'H':
            o.http = optarg;
            break;
        case 'r':
            o.rpz = optarg;
            break;
        case 'z':
            o.zone = optarg;
            break;
        case 'a':
            o.action = optarg;
            break;
        case 'k':
            o.tsig = optarg;
            break;
        case 'l':
            o.tlp = optarg;
            break;
        case 'n':
            if (o.n_notify == MAX_NOTIFY)
                return cli_usage("serve", "at most 16 --notify targets");
            o.notify[o.n_notify++] = optarg;
            break;
        case 'p':
        case 'R': {
            double v = strtod(optarg, &end);

            if (*end != '\0' || !(v >= 0.05 && v <= 86400))
                return cli_usage("serve", "--poll/--rebuild take seconds (0.05..86400)");
            *(c == 'p' ? &o.poll : &o.rebuild) = v;
            break;
        }
        case 't':
            o.threads = (unsigned)strtoul(optarg, &end, 10);
            break;
        case 'h':
            cli_help("serve", stdout);
            return EX_OK;
        default:
            return cli_usage("serve", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage("serve", "unexpected argument");
    if (o.http == NULL && o.rpz == NULL)
        return cli_usage("serve", "nothing to serve: give --http ADDR:PORT and/or --rpz ADDR:PORT");
    if (o.rpz != NULL && o.zone == NULL)
        return cli_usage("serve", "--rpz needs --zone NAME");
    if (o.threads == 0 || o.threads > 64)
        return cli_usage("serve", "--threads must be 1..64");
    return serve(&o);
}
