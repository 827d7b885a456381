/* store_alerts.c - early-warning alerts (table alerts, schema 5): the idempotent upsert,
 * the top sources and countries of an alert from the darknet source-day rows, the
 * listing, and the sensors the detector runs over (docs/early-warning.md). */
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

static enum err_code prepare(struct store *st, const char *sql, sqlite3_stmt **s, struct err *e)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare alert query", e);
    return ERR_OK;
}

enum err_code store_alert_put(struct store *st, struct store_alert *a, int64_t now, struct err *e)
{
    static const char sql[] =
        "INSERT INTO alerts(sensor_id, kind, port, class, start_hour, end_hour, packets,"
        " baseline, magnitude, new_sources, top_sources, top_countries, created)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        " ON CONFLICT(sensor_id, kind, port, class, start_hour) DO UPDATE SET"
        " end_hour = excluded.end_hour, packets = excluded.packets,"
        " baseline = excluded.baseline, magnitude = excluded.magnitude,"
        " new_sources = excluded.new_sources, top_sources = excluded.top_sources,"
        " top_countries = excluded.top_countries"
        " RETURNING id, created";
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, a->sensor_id);
    sqlite3_bind_text(s, 2, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, a->port);
    sqlite3_bind_int(s, 4, a->cls);
    sqlite3_bind_int64(s, 5, a->start_hour);
    sqlite3_bind_int64(s, 6, a->end_hour);
    sqlite3_bind_int64(s, 7, (int64_t)a->packets);
    sqlite3_bind_double(s, 8, a->baseline);
    sqlite3_bind_double(s, 9, a->magnitude);
    sqlite3_bind_int64(s, 10, (int64_t)a->new_sources);
    sqlite3_bind_text(s, 11, a->top_sources, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, a->top_countries, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 13, now);
    if (sqlite3_step(s) == SQLITE_ROW) {
        a->id = sqlite3_column_int64(s, 0);
        a->created = sqlite3_column_int64(s, 1);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_fail(st, "upsert alert", e);
    } else {
        rc = store_fail(st, "upsert alert", e);
    }
    sqlite3_finalize(s);
    return rc;
}

/* The source rows of (sensor, day) active in the hour with (port, class) among their
 * top ports, with that pair's packets: ?1 day, ?2 sensor, ?3 hour of day, ?4 port,
 * ?5 class name. */
#define ALERT_SRC                                                                                  \
    "SELECT d.src AS src, d.country AS country, d.asn AS asn,"                                     \
    " json_extract(j.value, '$[2]') AS pk FROM dk_source_day d, json_each(d.top_ports) j"          \
    " WHERE d.id BETWEEN ((?1 << 46) | (?2 << 32)) AND ((?1 << 46) | (?2 << 32) | 4294967295)"     \
    " AND (d.hours >> ?3) & 1 AND json_extract(j.value, '$[0]') = ?4"                              \
    " AND json_extract(j.value, '$[1]') = ?5"

static enum err_code tops_query(struct store *st, const char *sql, const struct store_alert *a,
                                char *out, size_t cap, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);
    const unsigned char *txt;

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, a->start_hour / 86400);
    sqlite3_bind_int64(s, 2, a->sensor_id);
    sqlite3_bind_int(s, 3, (int)(a->start_hour % 86400 / 3600));
    sqlite3_bind_int(s, 4, a->port);
    sqlite3_bind_text(s, 5, store_dk_class_name(a->cls), -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = store_fail(st, "alert top sources", e);
    } else {
        txt = sqlite3_column_text(s, 0);
        if (txt == NULL || (size_t)sqlite3_column_bytes(s, 0) >= cap)
            rc = err_set(e, ERR_LIMIT, "store: alert top list does not fit");
        else
            memcpy(out, txt, (size_t)sqlite3_column_bytes(s, 0) + 1);
    }
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_alert_tops(struct store *st, struct store_alert *a, struct err *e)
{
    static const char src_sql[] =
        "SELECT json_group_array(json_object('ip', ooda_ip_text(src), 'country', country,"
        " 'asn', asn, 'packets', pk)) FROM (" ALERT_SRC " ORDER BY pk DESC, d.src LIMIT 5)";
    static const char cc_sql[] =
        "SELECT json_group_array(json_object('country', country, 'sources', n, 'packets', p))"
        " FROM (SELECT country, count(*) AS n, sum(pk) AS p FROM (" ALERT_SRC ")"
        " GROUP BY country ORDER BY n DESC, p DESC, country LIMIT 5)";
    enum err_code rc = tops_query(st, src_sql, a, a->top_sources, sizeof(a->top_sources), e);

    if (rc == ERR_OK)
        rc = tops_query(st, cc_sql, a, a->top_countries, sizeof(a->top_countries), e);
    return rc;
}

static void read_alert(sqlite3_stmt *s, struct store_alert *a)
{
    const unsigned char *t;

    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(s, 0);
    a->sensor_id = sqlite3_column_int64(s, 1);
    t = sqlite3_column_text(s, 2);
    (void)snprintf(a->sensor, sizeof(a->sensor), "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(s, 3);
    (void)snprintf(a->kind, sizeof(a->kind), "%s", t ? (const char *)t : "");
    a->port = (uint16_t)sqlite3_column_int(s, 4);
    a->cls = (uint8_t)sqlite3_column_int(s, 5);
    a->start_hour = sqlite3_column_int64(s, 6);
    a->end_hour = sqlite3_column_int64(s, 7);
    a->packets = (uint64_t)sqlite3_column_int64(s, 8);
    a->baseline = sqlite3_column_double(s, 9);
    a->magnitude = sqlite3_column_double(s, 10);
    a->new_sources = (uint64_t)sqlite3_column_int64(s, 11);
    t = sqlite3_column_text(s, 12);
    (void)snprintf(a->top_sources, sizeof(a->top_sources), "%s", t ? (const char *)t : "[]");
    t = sqlite3_column_text(s, 13);
    (void)snprintf(a->top_countries, sizeof(a->top_countries), "%s", t ? (const char *)t : "[]");
    a->created = sqlite3_column_int64(s, 14);
}

enum err_code store_alert_each(struct store *st, const char *sensor, int64_t since, int64_t until,
                               store_alert_fn fn, void *arg, struct err *e)
{
    static const char sql[] =
        "SELECT a.id, a.sensor_id, s.name, a.kind, a.port, a.class, a.start_hour, a.end_hour,"
        " a.packets, a.baseline, a.magnitude, a.new_sources, a.top_sources, a.top_countries,"
        " a.created FROM alerts a JOIN sensors s ON s.id = a.sensor_id"
        " WHERE a.end_hour >= ?1 AND a.start_hour < ?2 AND (?3 IS NULL OR s.name = ?3)"
        " ORDER BY a.start_hour, a.sensor_id, a.port, a.class";
    struct store_alert a;
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);
    int step;

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, since - since % 3600);
    sqlite3_bind_int64(s, 2, until);
    if (sensor != NULL)
        sqlite3_bind_text(s, 3, sensor, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        read_alert(s, &a);
        if (!fn(arg, &a)) {
            step = SQLITE_DONE;
            break;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_fail(st, "list alerts", e);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_alert_sensors(struct store *st, store_sensor_fn fn, void *arg, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, "SELECT id, name FROM sensors ORDER BY id", &s, e);
    int step;

    if (rc != ERR_OK)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (!fn(arg, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1))) {
            step = SQLITE_DONE;
            break;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_fail(st, "list sensors", e);
    sqlite3_finalize(s);
    return rc;
}
