/* store.c - opening the SQLite file (WAL), forward schema migrations, the prepared
 * statement cache, transactions, sensors and the ingested-file registry.
 *
 * The schema version lives in PRAGMA user_version; migrations[i] moves version i to
 * i+1 and runs inside one transaction, so a crash mid-migration leaves the old
 * version intact. */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 0 -> 1: sensors, files, darknet aggregates, indicators and sightings */
    "CREATE TABLE sensors(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE ingested_files(sensor_id INTEGER NOT NULL REFERENCES sensors(id),"
    "  hash BLOB NOT NULL, name TEXT, bytes INTEGER, records INTEGER, accepted INTEGER,"
    "  first_ts INTEGER, last_ts INTEGER, ingested_at INTEGER NOT NULL,"
    "  PRIMARY KEY(sensor_id, hash)) WITHOUT ROWID;"
    /* id = day << 46 | sensor_id << 32 | seq: a day's rows are one rowid range, written
     * by appending (seq is the aggregator's record index), no secondary index. */
    "CREATE TABLE dk_source_day(id INTEGER PRIMARY KEY, day INTEGER NOT NULL,"
    "  sensor_id INTEGER NOT NULL, src BLOB NOT NULL, packets INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL, tcp_syn INTEGER NOT NULL, udp INTEGER NOT NULL,"
    "  icmp_echo INTEGER NOT NULL, backscatter INTEGER NOT NULL, other INTEGER NOT NULL,"
    "  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, hours INTEGER NOT NULL,"
    "  dsts INTEGER NOT NULL, ports INTEGER NOT NULL, top_ports TEXT NOT NULL,"
    "  country TEXT NOT NULL, asn INTEGER NOT NULL, scanner INTEGER NOT NULL,"
    "  victim INTEGER NOT NULL, state BLOB);"
    "CREATE TABLE dk_port_hour(hour INTEGER NOT NULL, sensor_id INTEGER NOT NULL,"
    "  port INTEGER NOT NULL, class INTEGER NOT NULL, packets INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL, sources INTEGER NOT NULL, new_sources INTEGER NOT NULL,"
    "  PRIMARY KEY(hour, sensor_id, port, class)) WITHOUT ROWID;"
    "CREATE TABLE dk_port_day(day INTEGER NOT NULL, sensor_id INTEGER NOT NULL,"
    "  port INTEGER NOT NULL, class INTEGER NOT NULL, packets INTEGER NOT NULL,"
    "  sources INTEGER NOT NULL, PRIMARY KEY(day, sensor_id, port, class)) WITHOUT ROWID;"
    "CREATE TABLE dk_country_hour(hour INTEGER NOT NULL, sensor_id INTEGER NOT NULL,"
    "  country TEXT NOT NULL, packets INTEGER NOT NULL, sources INTEGER NOT NULL,"
    "  PRIMARY KEY(hour, sensor_id, country)) WITHOUT ROWID;"
    "CREATE TABLE dk_asn_hour(hour INTEGER NOT NULL, sensor_id INTEGER NOT NULL,"
    "  asn INTEGER NOT NULL, packets INTEGER NOT NULL, sources INTEGER NOT NULL,"
    "  PRIMARY KEY(hour, sensor_id, asn)) WITHOUT ROWID;"
    "CREATE TABLE indicators(id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL,"
    "  first_seen INTEGER, last_seen INTEGER, UNIQUE(type, value));"
    "CREATE TABLE sighting_days(indicator_id INTEGER NOT NULL REFERENCES indicators(id),"
    "  sensor_id INTEGER NOT NULL REFERENCES sensors(id), kind TEXT NOT NULL,"
    "  day INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    "  packets INTEGER NOT NULL, PRIMARY KEY(indicator_id, sensor_id, kind, day))"
    "  WITHOUT ROWID;"
    "CREATE INDEX sighting_days_day ON sighting_days(day, sensor_id);"
    "CREATE VIEW sightings(indicator_id, observer, kind, first_seen, last_seen, count, packets)"
    "  AS SELECT d.indicator_id, s.name, d.kind, min(d.first_seen), max(d.last_seen),"
    "  count(*), sum(d.packets) FROM sighting_days d JOIN sensors s ON s.id = d.sensor_id"
    "  GROUP BY d.indicator_id, d.sensor_id, d.kind;",
    /* 1 -> 2: feeds, per-source indicator rows, allowlists and the removal log */
    "CREATE TABLE feeds(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, format TEXT NOT NULL,"
    "  location TEXT NOT NULL, org TEXT NOT NULL, tlp INTEGER NOT NULL,"
    "  confidence INTEGER NOT NULL, columns TEXT NOT NULL, allowlist INTEGER NOT NULL,"
    "  grace INTEGER NOT NULL, tau INTEGER NOT NULL, delta REAL NOT NULL,"
    "  created INTEGER NOT NULL, pulls INTEGER NOT NULL DEFAULT 0, last_pull INTEGER,"
    "  last_ok INTEGER, last_error TEXT, n_entries INTEGER NOT NULL DEFAULT 0,"
    "  n_accepted INTEGER NOT NULL DEFAULT 0, n_rejected INTEGER NOT NULL DEFAULT 0,"
    "  n_added INTEGER NOT NULL DEFAULT 0, n_updated INTEGER NOT NULL DEFAULT 0,"
    "  n_missing INTEGER NOT NULL DEFAULT 0, n_removed INTEGER NOT NULL DEFAULT 0,"
    "  n_allowlisted INTEGER NOT NULL DEFAULT 0);"
    /* added_pull / listed_pull: the feed's pull number (feeds.pulls) that added / last
     * listed the row, so a pull finds what it no longer lists set-wise. */
    "CREATE TABLE ind_sources(indicator_id INTEGER NOT NULL REFERENCES indicators(id),"
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id), first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL, confidence INTEGER NOT NULL, tlp INTEGER NOT NULL,"
    "  tags TEXT, valid_until INTEGER, missing_since INTEGER, removed_at INTEGER,"
    "  added_pull INTEGER NOT NULL, listed_pull INTEGER NOT NULL,"
    "  PRIMARY KEY(indicator_id, feed_id)) WITHOUT ROWID;"
    "CREATE INDEX ind_sources_feed ON ind_sources(feed_id);"
    "CREATE TABLE allowlist(feed_id INTEGER NOT NULL REFERENCES feeds(id),"
    "  type TEXT NOT NULL, value TEXT NOT NULL, added_pull INTEGER NOT NULL,"
    "  listed_pull INTEGER NOT NULL, PRIMARY KEY(feed_id, type, value)) WITHOUT ROWID;"
    "CREATE TABLE ind_removals(id INTEGER PRIMARY KEY,"
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id),"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id), at INTEGER NOT NULL,"
    "  reason TEXT NOT NULL);",
    /* 2 -> 3: API tokens (hashes only) and RPZ zone serials */
    "CREATE TABLE api_tokens(name TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    "  clearance INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE rpz_zones(name TEXT PRIMARY KEY, serial INTEGER NOT NULL, digest BLOB,"
    "  updated INTEGER NOT NULL);",
    /* 3 -> 4: sensor events (issue 4): events per hour and kind, alerts per day, source
     * and signature, signature texts, evidence of hosts contacting listed indicators */
    "CREATE TABLE ev_hour(hour INTEGER NOT NULL, sensor_id INTEGER NOT NULL REFERENCES"
    "  sensors(id), kind TEXT NOT NULL, events INTEGER NOT NULL,"
    "  PRIMARY KEY(hour, sensor_id, kind)) WITHOUT ROWID;"
    "CREATE TABLE signatures(sig_id INTEGER PRIMARY KEY, signature TEXT NOT NULL,"
    "  category TEXT);"
    "CREATE TABLE ev_alert_day(day INTEGER NOT NULL, sensor_id INTEGER NOT NULL REFERENCES"
    "  sensors(id), src BLOB NOT NULL, sig_id INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, severity INTEGER NOT NULL,"
    "  dst_port INTEGER NOT NULL, PRIMARY KEY(day, sensor_id, src, sig_id)) WITHOUT ROWID;"
    "CREATE TABLE evidence(ip BLOB NOT NULL, day INTEGER NOT NULL, sensor_id INTEGER NOT NULL"
    "  REFERENCES sensors(id), kind TEXT NOT NULL, what TEXT NOT NULL, port INTEGER NOT NULL,"
    "  count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    "  asn INTEGER NOT NULL, country TEXT NOT NULL,"
    "  PRIMARY KEY(ip, day, sensor_id, kind, what)) WITHOUT ROWID;"
    "CREATE INDEX evidence_day ON evidence(day, sensor_id);"
    "CREATE INDEX evidence_asn ON evidence(asn, day);",
    /* 4 -> 5: early-warning alerts (docs/early-warning.md); one row per sensor, kind,
     * port, class and start hour, so re-running the detector updates, never duplicates */
    "CREATE TABLE alerts(id INTEGER PRIMARY KEY, sensor_id INTEGER NOT NULL REFERENCES"
    "  sensors(id), kind TEXT NOT NULL, port INTEGER NOT NULL, class INTEGER NOT NULL,"
    "  start_hour INTEGER NOT NULL, end_hour INTEGER NOT NULL, packets INTEGER NOT NULL,"
    "  baseline REAL NOT NULL, magnitude REAL NOT NULL, new_sources INTEGER NOT NULL,"
    "  top_sources TEXT NOT NULL, top_countries TEXT NOT NULL, created INTEGER NOT NULL,"
    "  UNIQUE(sensor_id, kind, port, class, start_hour));"
    "CREATE INDEX alerts_start ON alerts(start_hour);",
    /* 5 -> 6: what network-owner reports said, for remediation tracking (docs/reports.md) */
    "CREATE TABLE notify_sent(owner TEXT NOT NULL, ip BLOB NOT NULL,"
    "  reported_at INTEGER NOT NULL, rows INTEGER NOT NULL,"
    "  PRIMARY KEY(owner, ip, reported_at)) WITHOUT ROWID;",
    /* 6 -> 7: network owners and how their reports are delivered (docs/reports.md) */
    "CREATE TABLE notify_owners(name TEXT PRIMARY KEY, asn INTEGER, prefix TEXT,"
    "  country TEXT, method TEXT NOT NULL, target TEXT NOT NULL, secret TEXT,"
    "  mail_from TEXT, mail_to TEXT, created INTEGER NOT NULL);",
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_SENSOR_GET] = "SELECT id FROM sensors WHERE name = ?1",
    [ST_SENSOR_ADD] = "INSERT INTO sensors(name, created) VALUES(?1, ?2)",
    [ST_FILE_SEEN] = "SELECT 1 FROM ingested_files WHERE sensor_id = ?1 AND hash = ?2",
    [ST_FILE_SIZE_SEEN] = "SELECT 1 FROM ingested_files WHERE sensor_id = ?1 AND bytes = ?2"
                          " LIMIT 1",
    [ST_FILE_ADD] = "INSERT INTO ingested_files(sensor_id, hash, name, bytes, records, accepted,"
                    " first_ts, last_ts, ingested_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_DK_SRC_PUT] =
        "INSERT OR REPLACE INTO dk_source_day(day, sensor_id, src, packets, bytes, tcp_syn,"
        " udp, icmp_echo, backscatter, other, first_seen, last_seen, hours, dsts, ports,"
        " top_ports, country, asn, scanner, victim, state, id)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
        "?22)",
    [ST_DK_SRC_LOAD] =
        "SELECT src, packets, bytes, tcp_syn, udp, icmp_echo, backscatter, other, first_seen,"
        " last_seen, hours, dsts, ports, top_ports, country, asn, scanner, victim, state, id"
        " FROM dk_source_day WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    [ST_DK_PORT_PUT] = "INSERT OR REPLACE INTO dk_port_hour(hour, sensor_id, port, class,"
                       " packets, bytes, sources, new_sources) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    [ST_DK_PORT_LOAD] = "SELECT hour, port, class, packets, bytes, sources, new_sources"
                        " FROM dk_port_hour WHERE hour >= ?1 AND hour < ?2 AND sensor_id = ?3",
    [ST_DK_PORT_DAY_PUT] = "INSERT OR REPLACE INTO dk_port_day(day, sensor_id, port, class,"
                           " packets, sources) VALUES(?1,?2,?3,?4,?5,?6)",
    [ST_DK_CC_PUT] = "INSERT OR REPLACE INTO dk_country_hour(hour, sensor_id, country, packets,"
                     " sources) VALUES(?1,?2,?3,?4,?5)",
    [ST_DK_ASN_PUT] = "INSERT OR REPLACE INTO dk_asn_hour(hour, sensor_id, asn, packets,"
                      " sources) VALUES(?1,?2,?3,?4,?5)",
    [ST_DK_GEO_LOAD] = "SELECT hour, 0, country, 0, packets, sources FROM dk_country_hour"
                       " WHERE hour >= ?1 AND hour < ?2 AND sensor_id = ?3"
                       " UNION ALL SELECT hour, 1, '', asn, packets, sources FROM dk_asn_hour"
                       " WHERE hour >= ?1 AND hour < ?2 AND sensor_id = ?3",
};

enum err_code store_fail(struct store *st, const char *what, struct err *e)
{
    return err_set(e, ERR_DB, "store: %s: %s", what, sqlite3_errmsg(st->db));
}

enum err_code store_exec(struct store *st, const char *sql, struct err *e)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ERR_DB, "store: %s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return ERR_DB;
    }
    return ERR_OK;
}

enum err_code store_stmt(struct store *st, enum store_stmt_id id, sqlite3_stmt **out, struct err *e)
{
    enum err_code rc = store_stmt_rebind(st, id, out, e);

    if (rc == ERR_OK)
        (void)sqlite3_clear_bindings(*out);
    return rc;
}

enum err_code store_stmt_rebind(struct store *st, enum store_stmt_id id, sqlite3_stmt **out,
                                struct err *e)
{
    if (st->stmt[id] == NULL) {
        if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                               NULL) != SQLITE_OK)
            return store_fail(st, "prepare", e);
    } else {
        (void)sqlite3_reset(st->stmt[id]); /* errors were reported by the step */
    }
    *out = st->stmt[id];
    return ERR_OK;
}

/* ooda_ip_text(blob16) and ooda_ip_type(blob16): for sightings built in SQL. */
static void fn_ip_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct ip16 ip;
    char txt[64];

    (void)argc;
    if (sqlite3_value_bytes(argv[0]) != 16) {
        sqlite3_result_null(ctx);
        return;
    }
    memcpy(ip.b, sqlite3_value_blob(argv[0]), 16);
    sqlite3_result_text(ctx, ip16_format(&ip, txt, sizeof(txt)), -1, SQLITE_TRANSIENT);
}

static void fn_ip_type(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct ip16 ip;

    (void)argc;
    if (sqlite3_value_bytes(argv[0]) != 16) {
        sqlite3_result_null(ctx);
        return;
    }
    memcpy(ip.b, sqlite3_value_blob(argv[0]), 16);
    sqlite3_result_text(ctx, ip16_is_v4(&ip) ? "ipv4" : "ipv6", -1, SQLITE_STATIC);
}

static enum err_code migrate(struct store *st, struct err *e)
{
    int n = (int)(sizeof(migrations) / sizeof(migrations[0]));
    int v = store_schema_version(st);
    char sql[64];
    enum err_code rc;

    if (v < 0)
        return store_fail(st, "read schema version", e);
    if (v > n)
        return err_set(e, ERR_DB, "store: %s has schema version %d, newer than this ooda (%d)",
                       st->path, v, n);
    for (; v < n; v++) {
        rc = store_exec(st, "BEGIN IMMEDIATE", e);
        if (rc != ERR_OK)
            return rc;
        (void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
        rc = store_exec(st, migrations[v], e);
        if (rc == ERR_OK)
            rc = store_exec(st, sql, e);
        if (rc == ERR_OK)
            rc = store_exec(st, "COMMIT", e);
        if (rc != ERR_OK) {
            store_rollback(st);
            return rc;
        }
    }
    return ERR_OK;
}

static enum err_code configure(struct store *st, struct err *e)
{
    enum err_code rc;

    (void)sqlite3_busy_timeout(st->db, 10000);
    rc = store_exec(st,
                    "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    " PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
                    " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=2147418112;",
                    e);
    if (rc != ERR_OK)
        return rc;
    if (sqlite3_create_function(st->db, "ooda_ip_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                fn_ip_text, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(st->db, "ooda_ip_type", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                fn_ip_type, NULL, NULL) != SQLITE_OK)
        return store_fail(st, "register functions", e);
    return ERR_OK;
}

enum err_code store_open(const char *path, struct store **out, struct err *e)
{
    struct store *st;
    enum err_code rc;

    *out = NULL;
    if (path == NULL || *path == '\0')
        path = getenv("OODA_DB");
    if (path == NULL || *path == '\0')
        path = "ooda.db";
    st = mem_calloc(1, sizeof(*st));
    if (st == NULL)
        return err_set(e, ERR_NOMEM, "store: cannot allocate handle");
    (void)snprintf(st->path, sizeof(st->path), "%s", path);
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = err_set(e, ERR_IO, "store: cannot open %s: %s", path,
                     st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return rc;
    }
    rc = configure(st, e);
    if (rc == ERR_OK)
        rc = migrate(st, e);
    if (rc != ERR_OK) {
        store_close(st);
        return rc;
    }
    *out = st;
    return ERR_OK;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    (void)sqlite3_close(st->db); /* all statements are finalized: cannot be busy */
    mem_free(st);
}

const char *store_path(const struct store *st)
{
    return st->path;
}

int store_schema_version(struct store *st)
{
    sqlite3_stmt *s;
    int v = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

enum err_code store_begin(struct store *st, struct err *e)
{
    return store_exec(st, "BEGIN IMMEDIATE", e);
}

enum err_code store_commit(struct store *st, struct err *e)
{
    return store_exec(st, "COMMIT", e);
}

void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL); /* best effort */
}

enum err_code store_integrity_check(struct store *st, bool *ok, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    *ok = false;
    if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "integrity_check", e);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *ok = strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return store_fail(st, "integrity_check", e);
    return ERR_OK;
}

enum err_code store_sensor_id(struct store *st, const char *name, bool create, int64_t *id,
                              struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt(st, ST_SENSOR_GET, &s, e);
    int step;

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        return ERR_OK;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return store_fail(st, "find sensor", e);
    if (!create)
        return err_set(e, ERR_NOTFOUND, "store: no sensor named '%s'", name);
    rc = store_stmt(st, ST_SENSOR_ADD, &s, e);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, time_now());
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_fail(st, "add sensor", e);
    *id = sqlite3_last_insert_rowid(st->db);
    sqlite3_reset(s);
    return ERR_OK;
}

/* Runs a one-row existence query of the ingested-file registry (?1 bound to sensor). */
static enum err_code file_exists(struct store *st, sqlite3_stmt *s, int64_t sensor, bool *seen,
                                 struct err *e)
{
    int step;

    sqlite3_bind_int64(s, 1, sensor);
    step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_fail(st, "look up file", e);
    *seen = step == SQLITE_ROW;
    return ERR_OK;
}

enum err_code store_file_seen(struct store *st, int64_t sensor, const uint8_t hash[16], bool *seen,
                              struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt(st, ST_FILE_SEEN, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_blob(s, 2, hash, 16, SQLITE_STATIC);
    return file_exists(st, s, sensor, seen, e);
}

enum err_code store_file_size_seen(struct store *st, int64_t sensor, uint64_t bytes, bool *seen,
                                   struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt(st, ST_FILE_SIZE_SEEN, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 2, (int64_t)bytes);
    return file_exists(st, s, sensor, seen, e);
}

enum err_code store_file_add(struct store *st, int64_t sensor, const struct store_file *f,
                             struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt(st, ST_FILE_ADD, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, sensor);
    sqlite3_bind_blob(s, 2, f->hash, 16, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)f->bytes);
    sqlite3_bind_int64(s, 5, (int64_t)f->records);
    sqlite3_bind_int64(s, 6, (int64_t)f->accepted);
    sqlite3_bind_int64(s, 7, f->first_ts);
    sqlite3_bind_int64(s, 8, f->last_ts);
    sqlite3_bind_int64(s, 9, time_now());
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_fail(st, "record file", e);
    sqlite3_reset(s);
    return ERR_OK;
}
