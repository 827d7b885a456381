/* store_ev.c - sensor-event aggregates (schema 4): events per hour and kind, alerts per
 * day, source and signature, signature texts, and host evidence. Every write adds to the
 * stored row (an upsert), so two files of one hour or day merge exactly. */
#include "store/store_int.h"

#include <string.h>

enum { W_HOUR, W_SIG, W_ALERT, W_EVID, W_IND, W_SIGHT, W_N };

static const char *const w_sql[W_N] = {
    [W_HOUR] = "INSERT INTO ev_hour(hour, sensor_id, kind, events) VALUES(?1,?2,?3,?4)"
               " ON CONFLICT DO UPDATE SET events = events + excluded.events",
    [W_SIG] = "INSERT INTO signatures(sig_id, signature, category) VALUES(?1,?2,?3)"
              " ON CONFLICT DO UPDATE SET signature = excluded.signature,"
              " category = excluded.category",
    [W_ALERT] = "INSERT INTO ev_alert_day(day, sensor_id, src, sig_id, count, first_seen,"
                " last_seen, severity, dst_port) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
                " ON CONFLICT DO UPDATE SET count = count + excluded.count,"
                " first_seen = min(first_seen, excluded.first_seen),"
                " last_seen = max(last_seen, excluded.last_seen),"
                " severity = min(severity, excluded.severity)",
    [W_EVID] = "INSERT INTO evidence(ip, day, sensor_id, kind, what, port, count, first_seen,"
               " last_seen, asn, country) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
               " ON CONFLICT DO UPDATE SET count = count + excluded.count,"
               " first_seen = min(first_seen, excluded.first_seen),"
               " last_seen = max(last_seen, excluded.last_seen)",
    [W_IND] = "INSERT INTO indicators(type, value, first_seen, last_seen) VALUES(?1,?2,?3,?4)"
              " ON CONFLICT(type, value) DO UPDATE SET"
              " first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen),"
              " last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)"
              " RETURNING id",
    [W_SIGHT] = "INSERT INTO sighting_days(indicator_id, sensor_id, kind, day, first_seen,"
                " last_seen, packets) VALUES(?1,?2,?3,?4,?5,?6,?7)"
                " ON CONFLICT DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),"
                " last_seen = max(last_seen, excluded.last_seen),"
                " packets = packets + excluded.packets",
};

struct store_ev_writer {
    struct store *st;
    int64_t sensor;
    sqlite3_stmt *s[W_N];
};

enum err_code store_ev_writer_new(struct store *st, int64_t sensor, struct store_ev_writer **out,
                                  struct err *e)
{
    struct store_ev_writer *w = mem_calloc(1, sizeof(*w));

    *out = NULL;
    if (w == NULL)
        return err_set(e, ERR_NOMEM, "store: cannot allocate an event writer");
    w->st = st;
    w->sensor = sensor;
    for (int i = 0; i < W_N; i++)
        if (sqlite3_prepare_v2(st->db, w_sql[i], -1, &w->s[i], NULL) != SQLITE_OK) {
            enum err_code rc = store_fail(st, "prepare event writer", e);
            store_ev_writer_free(w);
            return rc;
        }
    *out = w;
    return ERR_OK;
}

void store_ev_writer_free(struct store_ev_writer *w)
{
    if (w == NULL)
        return;
    for (int i = 0; i < W_N; i++)
        sqlite3_finalize(w->s[i]);
    mem_free(w);
}

static enum err_code step(struct store_ev_writer *w, sqlite3_stmt *s, const char *what,
                          struct err *e)
{
    enum err_code rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK : store_fail(w->st, what, e);

    sqlite3_reset(s);
    return rc;
}

enum err_code store_ev_hour_add(struct store_ev_writer *w, int64_t hour, const char *kind,
                                uint64_t events, struct err *e)
{
    sqlite3_stmt *s = w->s[W_HOUR];

    sqlite3_bind_int64(s, 1, hour);
    sqlite3_bind_int64(s, 2, w->sensor);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)events);
    return step(w, s, "write event hour", e);
}

enum err_code store_ev_signature_put(struct store_ev_writer *w, uint32_t sig_id,
                                     const struct store_text *text, const struct store_text *cat,
                                     struct err *e)
{
    sqlite3_stmt *s = w->s[W_SIG];

    sqlite3_bind_int64(s, 1, sig_id);
    sqlite3_bind_text(s, 2, text->p != NULL ? text->p : "", (int)text->len, SQLITE_STATIC);
    if (cat->len > 0)
        sqlite3_bind_text(s, 3, cat->p, (int)cat->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 3);
    return step(w, s, "write signature", e);
}

enum err_code store_ev_alert_add(struct store_ev_writer *w, const struct store_ev_alert *a,
                                 struct err *e)
{
    sqlite3_stmt *s = w->s[W_ALERT];

    sqlite3_bind_int64(s, 1, a->day);
    sqlite3_bind_int64(s, 2, w->sensor);
    sqlite3_bind_blob(s, 3, a->src.b, 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, a->sig_id);
    sqlite3_bind_int64(s, 5, (int64_t)a->count);
    sqlite3_bind_int64(s, 6, a->first_seen);
    sqlite3_bind_int64(s, 7, a->last_seen);
    sqlite3_bind_int(s, 8, a->severity);
    sqlite3_bind_int(s, 9, a->dst_port);
    return step(w, s, "write alert", e);
}

enum err_code store_evidence_add(struct store_ev_writer *w, const struct store_evidence *v,
                                 struct err *e)
{
    sqlite3_stmt *s = w->s[W_EVID];

    sqlite3_bind_blob(s, 1, v->ip.b, 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, v->day);
    sqlite3_bind_int64(s, 3, w->sensor);
    sqlite3_bind_text(s, 4, v->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, v->what.p, (int)v->what.len, SQLITE_STATIC);
    sqlite3_bind_int(s, 6, v->port);
    sqlite3_bind_int64(s, 7, (int64_t)v->count);
    sqlite3_bind_int64(s, 8, v->first_seen);
    sqlite3_bind_int64(s, 9, v->last_seen);
    sqlite3_bind_int64(s, 10, v->asn);
    sqlite3_bind_text(s, 11, v->country, 2, SQLITE_STATIC);
    return step(w, s, "write evidence", e);
}

enum err_code store_ev_sighting_add(struct store_ev_writer *w, const struct store_ev_sighting *v,
                                    struct err *e)
{
    sqlite3_stmt *s = w->s[W_IND];
    int64_t id;

    sqlite3_bind_text(s, 1, v->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, v->value.p, (int)v->value.len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, v->first_seen);
    sqlite3_bind_int64(s, 4, v->last_seen);
    if (sqlite3_step(s) != SQLITE_ROW) {
        enum err_code rc = store_fail(w->st, "write indicator", e);
        sqlite3_reset(s);
        return rc;
    }
    id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    s = w->s[W_SIGHT];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, w->sensor);
    sqlite3_bind_text(s, 3, v->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, v->day);
    sqlite3_bind_int64(s, 5, v->first_seen);
    sqlite3_bind_int64(s, 6, v->last_seen);
    sqlite3_bind_int64(s, 7, (int64_t)v->count);
    return step(w, s, "write sighting", e);
}

/* ---- evidence of hosts ------------------------------------------------------------- */

/* Evidence rows, then the darknet's scanners as evidence of kind darknet-scan (the
 * distinct darknet addresses they hit, their busiest port), in address order. ?1 asn
 * (NULL: any), ?2/?3 lowest/highest address, ?4 country (NULL: any), ?5/?6 time window,
 * ?7/?8 dk_source_day row ids of its days. */
static const char hosts_sql[] =
    "SELECT e.ip, e.asn, e.country, e.kind, s.name, e.what, e.port, e.count, e.first_seen,"
    " e.last_seen FROM evidence e JOIN sensors s ON s.id = e.sensor_id"
    " WHERE (?1 IS NULL OR e.asn = ?1) AND e.ip BETWEEN ?2 AND ?3"
    " AND (?4 IS NULL OR e.country = ?4) AND e.last_seen >= ?5 AND e.first_seen < ?6"
    " UNION ALL"
    " SELECT d.src, d.asn, d.country, 'darknet-scan', s.name,"
    " d.dsts || ' darknet addresses', coalesce(json_extract(d.top_ports, '$[0][0]'), 0),"
    " d.packets, d.first_seen, d.last_seen FROM dk_source_day d"
    " JOIN sensors s ON s.id = d.sensor_id"
    " WHERE d.id BETWEEN ?7 AND ?8 AND d.scanner AND (?1 IS NULL OR d.asn = ?1)"
    " AND d.src BETWEEN ?2 AND ?3 AND (?4 IS NULL OR d.country = ?4)"
    " AND d.last_seen >= ?5 AND d.first_seen < ?6"
    " ORDER BY 1, 9, 4";

static void read_host_row(sqlite3_stmt *s, struct store_host_row *r)
{
    const void *ip = sqlite3_column_blob(s, 0);
    const char *cc = (const char *)sqlite3_column_text(s, 2);

    memset(r, 0, sizeof(*r));
    if (ip != NULL && sqlite3_column_bytes(s, 0) == 16)
        memcpy(r->ip.b, ip, 16);
    r->asn = (uint32_t)sqlite3_column_int64(s, 1);
    memcpy(r->country, cc != NULL && strlen(cc) == 2 ? cc : "ZZ", 3);
    r->kind = (const char *)sqlite3_column_text(s, 3);
    r->sensor = (const char *)sqlite3_column_text(s, 4);
    r->what = (const char *)sqlite3_column_text(s, 5);
    r->port = (uint16_t)sqlite3_column_int(s, 6);
    r->count = (uint64_t)sqlite3_column_int64(s, 7);
    r->first_seen = sqlite3_column_int64(s, 8);
    r->last_seen = sqlite3_column_int64(s, 9);
}

static void bind_host_query(sqlite3_stmt *s, const struct store_host_query *q)
{
    int64_t lo, hi;

    store_dk_id_range(q->since, q->until, &lo, &hi);
    if (q->asn >= 0)
        sqlite3_bind_int64(s, 1, q->asn);
    sqlite3_bind_blob(s, 2, q->lo.b, 16, SQLITE_STATIC);
    sqlite3_bind_blob(s, 3, q->hi.b, 16, SQLITE_STATIC);
    if (q->country[0] != '\0')
        sqlite3_bind_text(s, 4, q->country, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, q->since);
    sqlite3_bind_int64(s, 6, q->until > 0 ? q->until : INT64_MAX);
    sqlite3_bind_int64(s, 7, lo);
    sqlite3_bind_int64(s, 8, hi);
}

enum err_code store_host_rows(struct store *st, const struct store_host_query *q,
                              store_host_row_fn fn, void *arg, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, hosts_sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare hosts", e);
    bind_host_query(s, q);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_host_row r;
        read_host_row(s, &r);
        if (!fn(arg, &r))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        enum err_code ec = store_fail(st, "read hosts", e);
        sqlite3_finalize(s);
        return ec;
    }
    sqlite3_finalize(s);
    return ERR_OK;
}

/* ---- remediation tracking ---------------------------------------------------------- */

enum err_code store_notify_record(struct store *st, const char *owner, const struct ip16 *ip,
                                  int64_t reported_at, uint64_t rows, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR IGNORE INTO notify_sent(owner, ip, reported_at, rows)"
                           " VALUES(?1,?2,?3,?4)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare notify record", e);
    sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, ip->b, 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, reported_at);
    sqlite3_bind_int64(s, 4, (int64_t)rows);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? ERR_OK : store_fail(st, "record a report", e);
}

/* Each reported host's first report and the last time anything saw it. */
static const char status_sql[] =
    "WITH r AS (SELECT owner, ip, min(reported_at) AS at, max(reported_at) AS latest"
    "  FROM notify_sent WHERE ?1 IS NULL OR owner = ?1 GROUP BY owner, ip),"
    " seen AS (SELECT ip, max(last_seen) AS last FROM evidence GROUP BY ip"
    "  UNION ALL SELECT src, max(last_seen) FROM dk_source_day WHERE scanner GROUP BY src),"
    " s AS (SELECT ip, max(last) AS last FROM seen GROUP BY ip)"
    " SELECT r.owner, count(*), min(r.at), max(r.latest),"
    " sum(r.at + 86400 <= ?2), sum(r.at + 86400 <= ?2 AND s.last >= r.at + 86400),"
    " sum(r.at + 604800 <= ?2), sum(r.at + 604800 <= ?2 AND s.last >= r.at + 604800),"
    " sum(r.at + 2592000 <= ?2), sum(r.at + 2592000 <= ?2 AND s.last >= r.at + 2592000)"
    " FROM r LEFT JOIN s ON s.ip = r.ip GROUP BY r.owner ORDER BY r.owner";

enum err_code store_notify_status(struct store *st, const char *owner, int64_t now,
                                  store_notify_fn fn, void *arg, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, status_sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare notify status", e);
    if (owner != NULL)
        sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_notify_status x;
        x.owner = (const char *)sqlite3_column_text(s, 0);
        x.reported = (uint64_t)sqlite3_column_int64(s, 1);
        x.first_report = sqlite3_column_int64(s, 2);
        x.last_report = sqlite3_column_int64(s, 3);
        for (int d = 0; d < 3; d++) {
            x.due[d] = (uint64_t)sqlite3_column_int64(s, 4 + 2 * d);
            x.seen[d] = (uint64_t)sqlite3_column_int64(s, 5 + 2 * d);
        }
        if (!fn(arg, &x))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        enum err_code ec = store_fail(st, "read notify status", e);
        sqlite3_finalize(s);
        return ec;
    }
    sqlite3_finalize(s);
    return ERR_OK;
}

/* ---- network owners --------------------------------------------------------------- */

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

enum err_code store_owner_add(struct store *st, const struct store_owner *o, int64_t now,
                              struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO notify_owners(name, asn, prefix, country, method, target,"
                           " secret, mail_from, mail_to, created) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                           "?9,?10)",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare owner add", e);
    sqlite3_bind_text(s, 1, o->name, -1, SQLITE_STATIC);
    if (o->asn >= 0)
        sqlite3_bind_int64(s, 2, o->asn);
    else
        sqlite3_bind_null(s, 2);
    bind_text_or_null(s, 3, o->prefix);
    bind_text_or_null(s, 4, o->country);
    sqlite3_bind_text(s, 5, o->method, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, o->target, -1, SQLITE_STATIC);
    bind_text_or_null(s, 7, o->secret);
    bind_text_or_null(s, 8, o->mail_from);
    bind_text_or_null(s, 9, o->mail_to);
    sqlite3_bind_int64(s, 10, now);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc == SQLITE_CONSTRAINT)
        return err_set(e, ERR_USAGE, "owner %s exists", o->name);
    return rc == SQLITE_DONE ? ERR_OK : store_fail(st, "add owner", e);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

enum err_code store_owner_each(struct store *st, const char *name, store_owner_fn fn, void *arg,
                               struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(
            st->db,
            "SELECT name, asn, prefix, country, method, target, secret, mail_from,"
            " mail_to FROM notify_owners WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
            -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare owners", e);
    bind_text_or_null(s, 1, name);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_owner o = {
            col_text(s, 0),
            sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 1),
            col_text(s, 2),
            col_text(s, 3),
            col_text(s, 4),
            col_text(s, 5),
            col_text(s, 6),
            col_text(s, 7),
            col_text(s, 8)};
        if (!fn(arg, &o))
            break;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK : store_fail(st, "read owners", e);
}

/* ---- flagged darknet sources for the situation picture ------------------------------ */

enum err_code store_dk_flagged(struct store *st, bool victims, int64_t since, int64_t until,
                               struct store_dk_top *rows, size_t n, size_t *count, struct err *e)
{
    static const char sql_v[] =
        "SELECT src, sum(packets), sum(bytes), max(dsts), sum(tcp_syn), sum(udp),"
        " sum(icmp_echo), sum(backscatter), sum(other), max(asn), max(country),"
        " min(first_seen), max(last_seen), max(scanner), max(victim) FROM dk_source_day"
        " WHERE id BETWEEN ?1 AND ?2 AND victim AND last_seen >= ?3 AND first_seen < ?4"
        " GROUP BY src ORDER BY sum(backscatter) DESC, src LIMIT ?5";
    static const char sql_s[] =
        "SELECT src, sum(packets), sum(bytes), max(dsts), sum(tcp_syn), sum(udp),"
        " sum(icmp_echo), sum(backscatter), sum(other), max(asn), max(country),"
        " min(first_seen), max(last_seen), max(scanner), max(victim) FROM dk_source_day"
        " WHERE id BETWEEN ?1 AND ?2 AND scanner AND last_seen >= ?3 AND first_seen < ?4"
        " GROUP BY src HAVING min(first_seen) >= ?3 ORDER BY sum(packets) DESC, src LIMIT ?5";
    int64_t lo, hi;
    sqlite3_stmt *s;
    int rc;

    *count = 0;
    store_dk_id_range(since, until, &lo, &hi);
    if (sqlite3_prepare_v2(st->db, victims ? sql_v : sql_s, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare flagged sources", e);
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    sqlite3_bind_int64(s, 3, since);
    sqlite3_bind_int64(s, 4, until > 0 ? until : INT64_MAX);
    sqlite3_bind_int64(s, 5, (int64_t)n);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *count < n) {
        struct store_dk_top *t = &rows[(*count)++];
        struct ip16 ip;
        const char *cc = (const char *)sqlite3_column_text(s, 10);
        memset(t, 0, sizeof(*t));
        memset(&ip, 0, sizeof(ip));
        if (sqlite3_column_bytes(s, 0) == 16)
            memcpy(ip.b, sqlite3_column_blob(s, 0), 16);
        ip16_format(&ip, t->key, sizeof(t->key));
        t->packets = (uint64_t)sqlite3_column_int64(s, 1);
        t->sources = 1;
        t->bytes = (uint64_t)sqlite3_column_int64(s, 2);
        t->dsts = (uint64_t)sqlite3_column_int64(s, 3);
        for (int k = 0; k < STORE_DK_NCLASS; k++)
            t->cls[k] = (uint64_t)sqlite3_column_int64(s, 4 + k);
        t->asn = (uint32_t)sqlite3_column_int64(s, 9);
        memcpy(t->country, cc != NULL && strlen(cc) == 2 ? cc : "ZZ", 3);
        t->first_seen = sqlite3_column_int64(s, 11);
        t->last_seen = sqlite3_column_int64(s, 12);
        t->scanner = sqlite3_column_int(s, 13) != 0;
        t->victim = sqlite3_column_int(s, 14) != 0;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK
                                                 : store_fail(st, "read flagged sources", e);
}
