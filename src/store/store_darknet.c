/* store_darknet.c - darknet aggregate tables: batched writes of per-source-day,
 * per-port-hour, per-port-day and per-country/ASN-hour rows, loading a day back for
 * exact merging, sightings derived in SQL, and the summary / top-N queries.
 *
 * Range queries take [since, until) rounded out to whole hours. Hour tables answer
 * exactly; per-source rows are selected by day and by their 24-bit active-hours map. */
#include "store/store_int.h"

#include <string.h>

const char *store_dk_class_name(int cls)
{
    static const char *const names[] = {"tcp_syn", "udp", "icmp_echo", "backscatter", "other"};

    return cls >= 0 && cls < STORE_DK_NCLASS ? names[cls] : "?";
}

static enum err_code step_done(struct store *st, sqlite3_stmt *s, const char *what, struct err *e)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_fail(st, what, e);
    return ERR_OK;
}

#define SRC_DAY_SHIFT    46
#define SRC_SENSOR_SHIFT 32
#define SRC_SENSOR_MAX   (1 << 14)
#define SRC_DAY_MAX      (1 << 17)

/* First row id of (day, sensor); the rows of that pair are [base, base + 2^32). */
static int64_t src_id_base(int64_t day, int64_t sensor)
{
    return day << SRC_DAY_SHIFT | sensor << SRC_SENSOR_SHIFT;
}

void store_dk_id_range(int64_t since, int64_t until, int64_t *lo, int64_t *hi)
{
    int64_t d0 = since > 0 ? since / 86400 : 0;
    int64_t d1 = until > 0 ? (until - 1) / 86400 : SRC_DAY_MAX - 1;

    if (d1 >= SRC_DAY_MAX)
        d1 = SRC_DAY_MAX - 1;
    if (d0 >= SRC_DAY_MAX || d1 < d0) {
        *lo = 1;
        *hi = 0;
        return;
    }
    *lo = d0 << SRC_DAY_SHIFT;
    *hi = d1 == SRC_DAY_MAX - 1 ? INT64_MAX /* the last day: no overflow */
                                : ((d1 + 1) << SRC_DAY_SHIFT) - 1;
}

enum err_code store_dk_src_put(struct store *st, int64_t sensor, const struct store_dk_src *r,
                               struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc;

    if (sensor < 0 || sensor >= SRC_SENSOR_MAX || r->day < 0 || r->day >= SRC_DAY_MAX)
        return err_set(e, ERR_LIMIT, "store: sensor %lld or day %lld out of range",
                       (long long)sensor, (long long)r->day);
    rc = store_stmt_rebind(st, ST_DK_SRC_PUT, &s, e);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 22, src_id_base(r->day, sensor) + r->seq);
    sqlite3_bind_int64(s, 1, r->day);
    sqlite3_bind_int64(s, 2, sensor);
    sqlite3_bind_blob(s, 3, r->src.b, 16, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)r->packets);
    sqlite3_bind_int64(s, 5, (int64_t)r->bytes);
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        sqlite3_bind_int64(s, 6 + c, (int64_t)r->cls[c]);
    sqlite3_bind_int64(s, 11, r->first_seen);
    sqlite3_bind_int64(s, 12, r->last_seen);
    sqlite3_bind_int64(s, 13, r->hours);
    sqlite3_bind_int64(s, 14, (int64_t)r->dsts);
    sqlite3_bind_int64(s, 15, r->ports);
    sqlite3_bind_text(s, 16, r->top_ports ? r->top_ports : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 17, r->country, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 18, r->asn);
    sqlite3_bind_int(s, 19, r->scanner);
    sqlite3_bind_int(s, 20, r->victim);
    if (r->state != NULL)
        sqlite3_bind_blob(s, 21, r->state, (int)r->state_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 21);
    return step_done(st, s, "write source-day row", e);
}

/* Steps s to the end, calling row(s, arg) for each row; stops at the first error. */
typedef enum err_code (*row_fn)(sqlite3_stmt *s, void *arg, struct err *e);
static enum err_code each_row(struct store *st, sqlite3_stmt *s, row_fn row, void *arg,
                              const char *what, struct err *e)
{
    enum err_code rc = ERR_OK;
    int step;

    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rc = row(s, arg, e);
        if (rc != ERR_OK)
            break;
    }
    sqlite3_reset(s);
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = store_fail(st, what, e);
    return rc;
}

static void read_src_row(sqlite3_stmt *s, int64_t day, struct store_dk_src *r)
{
    const void *b = sqlite3_column_blob(s, 0);
    const unsigned char *cc;

    memset(r, 0, sizeof(*r));
    if (b != NULL && sqlite3_column_bytes(s, 0) == 16)
        memcpy(r->src.b, b, 16);
    r->day = day;
    r->packets = (uint64_t)sqlite3_column_int64(s, 1);
    r->bytes = (uint64_t)sqlite3_column_int64(s, 2);
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        r->cls[c] = (uint64_t)sqlite3_column_int64(s, 3 + c);
    r->first_seen = sqlite3_column_int64(s, 8);
    r->last_seen = sqlite3_column_int64(s, 9);
    r->hours = (uint32_t)sqlite3_column_int64(s, 10);
    r->dsts = (uint64_t)sqlite3_column_int64(s, 11);
    r->ports = (uint32_t)sqlite3_column_int64(s, 12);
    r->top_ports = (const char *)sqlite3_column_text(s, 13);
    cc = sqlite3_column_text(s, 14);
    if (cc != NULL && sqlite3_column_bytes(s, 14) == 2)
        memcpy(r->country, cc, 3);
    else
        memcpy(r->country, "ZZ", 3);
    r->asn = (uint32_t)sqlite3_column_int64(s, 15);
    r->scanner = sqlite3_column_int(s, 16) != 0;
    r->victim = sqlite3_column_int(s, 17) != 0;
    r->state = sqlite3_column_blob(s, 18);
    r->state_len = (size_t)sqlite3_column_bytes(s, 18);
    r->seq = (uint32_t)sqlite3_column_int64(s, 19);
}

struct src_load {
    int64_t day;
    store_dk_src_fn fn;
    void *ctx;
};

static enum err_code src_row(sqlite3_stmt *s, void *arg, struct err *e)
{
    struct src_load *l = arg;
    struct store_dk_src r;

    read_src_row(s, l->day, &r);
    return l->fn(l->ctx, &r, e);
}

enum err_code store_dk_src_load(struct store *st, int64_t sensor, int64_t day, store_dk_src_fn fn,
                                void *ctx, struct err *e)
{
    sqlite3_stmt *s;
    struct src_load l = {day, fn, ctx};
    enum err_code rc = store_stmt(st, ST_DK_SRC_LOAD, &s, e);

    if (rc != ERR_OK)
        return rc;
    if (sensor < 0 || sensor >= SRC_SENSOR_MAX || day < 0 || day >= SRC_DAY_MAX)
        return ERR_OK; /* nothing can be stored there */
    sqlite3_bind_int64(s, 1, src_id_base(day, sensor));
    sqlite3_bind_int64(s, 2, src_id_base(day, sensor) + UINT32_MAX);
    return each_row(st, s, src_row, &l, "load source-day rows", e);
}

enum err_code store_dk_port_put(struct store *st, int64_t sensor, const struct store_dk_port *r,
                                struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt_rebind(st, ST_DK_PORT_PUT, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, r->hour);
    sqlite3_bind_int64(s, 2, sensor);
    sqlite3_bind_int(s, 3, r->port);
    sqlite3_bind_int(s, 4, r->cls);
    sqlite3_bind_int64(s, 5, (int64_t)r->packets);
    sqlite3_bind_int64(s, 6, (int64_t)r->bytes);
    sqlite3_bind_int64(s, 7, (int64_t)r->sources);
    sqlite3_bind_int64(s, 8, (int64_t)r->new_sources);
    return step_done(st, s, "write port-hour row", e);
}

enum err_code store_dk_port_day_put(struct store *st, int64_t sensor, int64_t day, uint16_t port,
                                    uint8_t cls, uint64_t packets, uint64_t sources, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt_rebind(st, ST_DK_PORT_DAY_PUT, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, day);
    sqlite3_bind_int64(s, 2, sensor);
    sqlite3_bind_int(s, 3, port);
    sqlite3_bind_int(s, 4, cls);
    sqlite3_bind_int64(s, 5, (int64_t)packets);
    sqlite3_bind_int64(s, 6, (int64_t)sources);
    return step_done(st, s, "write port-day row", e);
}

/* Runs statement id over [since, until) of one sensor (?1, ?2, ?3), row by row. */
static enum err_code load_range(struct store *st, enum store_stmt_id id, int64_t sensor,
                                int64_t since, int64_t until, row_fn row, void *arg,
                                const char *what, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt(st, id, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, since);
    sqlite3_bind_int64(s, 2, until);
    sqlite3_bind_int64(s, 3, sensor);
    return each_row(st, s, row, arg, what, e);
}

struct port_load {
    store_dk_port_fn fn;
    void *ctx;
};

static enum err_code port_row(sqlite3_stmt *s, void *arg, struct err *e)
{
    struct port_load *l = arg;
    struct store_dk_port r;

    r.hour = sqlite3_column_int64(s, 0);
    r.port = (uint16_t)sqlite3_column_int(s, 1);
    r.cls = (uint8_t)sqlite3_column_int(s, 2);
    r.packets = (uint64_t)sqlite3_column_int64(s, 3);
    r.bytes = (uint64_t)sqlite3_column_int64(s, 4);
    r.sources = (uint64_t)sqlite3_column_int64(s, 5);
    r.new_sources = (uint64_t)sqlite3_column_int64(s, 6);
    return l->fn(l->ctx, &r, e);
}

enum err_code store_dk_port_load(struct store *st, int64_t sensor, int64_t since, int64_t until,
                                 store_dk_port_fn fn, void *ctx, struct err *e)
{
    struct port_load l = {fn, ctx};

    return load_range(st, ST_DK_PORT_LOAD, sensor, since, until, port_row, &l,
                      "load port-hour rows", e);
}

enum err_code store_dk_geo_put(struct store *st, int64_t sensor, const struct store_dk_geo *r,
                               struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = store_stmt_rebind(st, r->is_asn ? ST_DK_ASN_PUT : ST_DK_CC_PUT, &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, r->hour);
    sqlite3_bind_int64(s, 2, sensor);
    if (r->is_asn)
        sqlite3_bind_int64(s, 3, r->asn);
    else
        sqlite3_bind_text(s, 3, r->country, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (int64_t)r->packets);
    sqlite3_bind_int64(s, 5, (int64_t)r->sources);
    return step_done(st, s, "write geo-hour row", e);
}

struct geo_load {
    store_dk_geo_fn fn;
    void *ctx;
};

static enum err_code geo_row(sqlite3_stmt *s, void *arg, struct err *e)
{
    struct geo_load *l = arg;
    const unsigned char *cc = sqlite3_column_text(s, 2);
    struct store_dk_geo r;

    memset(&r, 0, sizeof(r));
    r.hour = sqlite3_column_int64(s, 0);
    r.is_asn = sqlite3_column_int(s, 1) != 0;
    if (cc != NULL && sqlite3_column_bytes(s, 2) == 2)
        memcpy(r.country, cc, 3);
    r.asn = (uint32_t)sqlite3_column_int64(s, 3);
    r.packets = (uint64_t)sqlite3_column_int64(s, 4);
    r.sources = (uint64_t)sqlite3_column_int64(s, 5);
    return l->fn(l->ctx, &r, e);
}

enum err_code store_dk_geo_load(struct store *st, int64_t sensor, int64_t since, int64_t until,
                                store_dk_geo_fn fn, void *ctx, struct err *e)
{
    struct geo_load l = {fn, ctx};

    return load_range(st, ST_DK_GEO_LOAD, sensor, since, until, geo_row, &l, "load geo-hour rows",
                      e);
}

/* Sightings are rebuilt from the day's flagged sources, gathered first in a temporary
 * table (from the caller's list, or from the stored rows), then upserted set-wise. */
static const char sql_flagged[] =
    "CREATE TEMP TABLE IF NOT EXISTS dk_flagged(type TEXT NOT NULL, value TEXT NOT NULL,"
    " scanner INTEGER NOT NULL, victim INTEGER NOT NULL, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL, packets INTEGER NOT NULL); DELETE FROM temp.dk_flagged;";

static const char sql_flagged_rows[] =
    "INSERT INTO temp.dk_flagged SELECT ooda_ip_type(src), ooda_ip_text(src), scanner, victim,"
    " first_seen, last_seen, packets FROM dk_source_day"
    " WHERE id BETWEEN ((?1 << 46) | (?2 << 32)) AND ((?1 << 46) | (?2 << 32) | 4294967295)"
    " AND (scanner OR victim)";

static const char sql_ind[] =
    "INSERT INTO indicators(type, value, first_seen, last_seen)"
    " SELECT type, value, first_seen, last_seen FROM temp.dk_flagged"
    " WHERE true" /* else the parser reads ON CONFLICT as a join constraint */
    " ON CONFLICT(type, value) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),"
    " last_seen = max(last_seen, excluded.last_seen)";

/* only the darknet's own kinds: a sensor's log sightings of that day stay */
static const char sql_clear[] = "DELETE FROM sighting_days WHERE day = ?1 AND sensor_id = ?2"
                                " AND kind IN ('scanner', 'dos-victim')";

static const char sql_sight[] =
    "INSERT INTO sighting_days(indicator_id, sensor_id, kind, day, first_seen, last_seen,"
    " packets)"
    " SELECT i.id, ?2, k.kind, ?1, d.first_seen, d.last_seen, d.packets"
    " FROM temp.dk_flagged d"
    " JOIN (SELECT 'scanner' AS kind UNION ALL SELECT 'dos-victim') k"
    "   ON (k.kind = 'scanner' AND d.scanner) OR (k.kind = 'dos-victim' AND d.victim)"
    " JOIN indicators i ON i.type = d.type AND i.value = d.value";

/* Runs sql with ?1 = day and ?2 = sensor where it has them. */
static enum err_code run_day_sql(struct store *st, const char *sql, int64_t sensor, int64_t day,
                                 struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare sightings", e);
    if (sqlite3_bind_parameter_count(s) >= 2) {
        sqlite3_bind_int64(s, 1, day);
        sqlite3_bind_int64(s, 2, sensor);
    }
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        store_fail(st, "refresh sightings", e);
        sqlite3_finalize(s);
        return ERR_DB;
    }
    sqlite3_finalize(s);
    return ERR_OK;
}

/* Replaces (sensor, day)'s sightings with those of temp.dk_flagged. */
static enum err_code sightings_from_flagged(struct store *st, int64_t sensor, int64_t day,
                                            struct err *e)
{
    enum err_code rc = run_day_sql(st, sql_ind, sensor, day, e);

    if (rc == ERR_OK)
        rc = run_day_sql(st, sql_clear, sensor, day, e);
    if (rc == ERR_OK)
        rc = run_day_sql(st, sql_sight, sensor, day, e);
    return rc;
}

enum err_code store_dk_sightings_refresh(struct store *st, int64_t sensor, int64_t day,
                                         struct err *e)
{
    enum err_code rc = store_exec(st, sql_flagged, e);

    if (rc == ERR_OK)
        rc = run_day_sql(st, sql_flagged_rows, sensor, day, e);
    if (rc == ERR_OK)
        rc = sightings_from_flagged(st, sensor, day, e);
    return rc;
}

enum err_code store_dk_sightings_put(struct store *st, int64_t sensor, int64_t day,
                                     const struct store_dk_sighting *v, size_t n, struct err *e)
{
    sqlite3_stmt *s = NULL;
    enum err_code rc = store_exec(st, sql_flagged, e);

    if (rc == ERR_OK && sqlite3_prepare_v2(st->db,
                                           "INSERT INTO temp.dk_flagged"
                                           " VALUES(?1,?2,?3,?4,?5,?6,?7)",
                                           -1, &s, NULL) != SQLITE_OK)
        rc = store_fail(st, "prepare flagged sources", e);
    for (size_t i = 0; i < n && rc == ERR_OK; i++) {
        char txt[64];
        if (!v[i].scanner && !v[i].victim)
            continue;
        sqlite3_bind_text(s, 1, ip16_is_v4(&v[i].ip) ? "ipv4" : "ipv6", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, ip16_format(&v[i].ip, txt, sizeof(txt)), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 3, v[i].scanner);
        sqlite3_bind_int(s, 4, v[i].victim);
        sqlite3_bind_int64(s, 5, v[i].first_seen);
        sqlite3_bind_int64(s, 6, v[i].last_seen);
        sqlite3_bind_int64(s, 7, (int64_t)v[i].packets);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_fail(st, "gather flagged sources", e);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (rc == ERR_OK)
        rc = sightings_from_flagged(st, sensor, day, e);
    return rc;
}

/* ---- queries ------------------------------------------------------------------------ */

/* A range rounded out to hours, with the day bounds and hour masks of the edge days. */
struct range {
    int64_t since, until; /* hour aligned */
    int64_t d0, d1;
    int64_t m0, m1; /* masks for d0 and d1 (m0 used alone when d0 == d1) */
};

static void range_init(struct range *r, int64_t since, int64_t until)
{
    int64_t h0, h1;

    r->since = since - ((since % 3600) + 3600) % 3600;
    r->until = until + (3600 - ((until % 3600) + 3600) % 3600) % 3600;
    if (r->until < r->since)
        r->until = r->since;
    r->d0 = time_day(r->since);
    r->d1 = time_day(r->until - 1);
    h0 = (r->since - r->d0 * 86400) / 3600;
    h1 = (r->until - 1 - r->d1 * 86400) / 3600;
    r->m0 = 0xffffff & ~((1LL << h0) - 1);
    r->m1 = (1LL << (h1 + 1)) - 1;
    if (r->d0 == r->d1)
        r->m0 &= r->m1;
}

/* SQL condition selecting source-day rows active in the range: binds ?1..?4 = d0, d1,
 * m0, m1 and ?5 = sensor name (NULL: all). */
#define SRC_WHERE                                                                                  \
    " d.id BETWEEN (?1 << 46) AND ((?2 << 46) | 70368744177663) AND d.day BETWEEN ?1 AND ?2"       \
    " AND (d.hours & CASE WHEN d.day = ?1 THEN ?3 WHEN d.day = ?2"                                 \
    " THEN ?4 ELSE 16777215 END) != 0"                                                             \
    " AND (?5 IS NULL OR d.sensor_id = (SELECT id FROM sensors WHERE name = ?5))"

static void bind_range(sqlite3_stmt *s, const struct range *r, const char *sensor)
{
    int64_t d0 = r->d0, d1 = r->d1, m0 = r->m0, m1 = r->m1;

    if (d0 < 0) { /* no rows outside [0, SRC_DAY_MAX): clamp so row-id math stays in range */
        d0 = 0;
        m0 = 0xffffff;
    }
    if (d1 >= SRC_DAY_MAX) {
        d1 = SRC_DAY_MAX - 1;
        m1 = 0xffffff;
    }
    sqlite3_bind_int64(s, 1, d0);
    sqlite3_bind_int64(s, 2, d1);
    sqlite3_bind_int64(s, 3, m0);
    sqlite3_bind_int64(s, 4, m1);
    if (sensor != NULL)
        sqlite3_bind_text(s, 5, sensor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, r->since);
    sqlite3_bind_int64(s, 7, r->until);
}

#define HOUR_WHERE                                                                                 \
    " h.hour >= ?6 AND h.hour < ?7"                                                                \
    " AND (?5 IS NULL OR h.sensor_id = (SELECT id FROM sensors WHERE name = ?5))"

static enum err_code prepare(struct store *st, const char *sql, sqlite3_stmt **s, struct err *e)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare query", e);
    return ERR_OK;
}

static enum err_code summary_hours(struct store *st, const struct range *r, const char *sensor,
                                   struct store_dk_summary *out, struct err *e)
{
    static const char sql[] =
        "SELECT coalesce(sum(packets),0), coalesce(sum(bytes),0),"
        " coalesce(sum(CASE WHEN class=0 THEN packets END),0),"
        " coalesce(sum(CASE WHEN class=1 THEN packets END),0),"
        " coalesce(sum(CASE WHEN class=2 THEN packets END),0),"
        " coalesce(sum(CASE WHEN class=3 THEN packets END),0),"
        " coalesce(sum(CASE WHEN class=4 THEN packets END),0), count(DISTINCT sensor_id)"
        " FROM dk_port_hour h WHERE ?1 IS ?1 AND ?2 IS ?2 AND ?3 IS ?3 AND ?4 IS ?4 AND" HOUR_WHERE;
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);

    if (rc != ERR_OK)
        return rc;
    bind_range(s, r, sensor);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = store_fail(st, "summary", e);
    } else {
        out->packets = (uint64_t)sqlite3_column_int64(s, 0);
        out->bytes = (uint64_t)sqlite3_column_int64(s, 1);
        for (int c = 0; c < STORE_DK_NCLASS; c++)
            out->cls[c] = (uint64_t)sqlite3_column_int64(s, 2 + c);
        out->sensors = (uint64_t)sqlite3_column_int64(s, 7);
    }
    sqlite3_finalize(s);
    return rc;
}

static enum err_code summary_sources(struct store *st, const struct range *r, const char *sensor,
                                     struct store_dk_summary *out, struct err *e)
{
    static const char sql[] =
        "SELECT count(DISTINCT src), count(DISTINCT CASE WHEN scanner THEN src END),"
        " count(DISTINCT CASE WHEN victim THEN src END),"
        " max(min(first_seen), ?6), min(max(last_seen), ?7 - 1)"
        " FROM dk_source_day d WHERE" SRC_WHERE;
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);

    if (rc != ERR_OK)
        return rc;
    bind_range(s, r, sensor);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = store_fail(st, "summary", e);
    } else {
        out->sources = (uint64_t)sqlite3_column_int64(s, 0);
        out->scanners = (uint64_t)sqlite3_column_int64(s, 1);
        out->victims = (uint64_t)sqlite3_column_int64(s, 2);
        if (out->sources > 0) {
            out->first_seen = sqlite3_column_int64(s, 3);
            out->last_seen = sqlite3_column_int64(s, 4);
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static enum err_code summary_files(struct store *st, const char *sensor,
                                   struct store_dk_summary *out, struct err *e)
{
    static const char sql[] = "SELECT count(*) FROM ingested_files WHERE ?1 IS NULL OR"
                              " sensor_id = (SELECT id FROM sensors WHERE name = ?1)";
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, sql, &s, e);

    if (rc != ERR_OK)
        return rc;
    if (sensor != NULL)
        sqlite3_bind_text(s, 1, sensor, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = store_fail(st, "summary", e);
    else
        out->files = (uint64_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_dk_summary(struct store *st, const char *sensor, int64_t since, int64_t until,
                               struct store_dk_summary *out, struct err *e)
{
    struct range r;
    enum err_code rc;

    memset(out, 0, sizeof(*out));
    range_init(&r, since, until);
    rc = summary_hours(st, &r, sensor, out, e);
    if (rc == ERR_OK)
        rc = summary_sources(st, &r, sensor, out, e);
    if (rc == ERR_OK)
        rc = summary_files(st, sensor, out, e);
    return rc;
}

static const char *const top_sql[] = {
    [STORE_BY_SOURCE] =
        "SELECT ooda_ip_text(src) AS k, sum(packets) AS p, 1, sum(bytes), max(dsts),"
        " sum(tcp_syn), sum(udp), sum(icmp_echo), sum(backscatter), sum(other), max(ports),"
        " max(asn), max(country), max(scanner), max(victim), min(first_seen), max(last_seen),"
        " max(id)"
        " FROM dk_source_day d WHERE" SRC_WHERE " AND ?6 IS ?6 AND ?7 IS ?7"
        " GROUP BY src ORDER BY p DESC, k LIMIT ?8",
    [STORE_BY_PORT] =
        "SELECT h.port || '/' || CASE h.class WHEN 0 THEN 'tcp_syn' WHEN 1 THEN 'udp'"
        " WHEN 2 THEN 'icmp_echo' WHEN 3 THEN 'backscatter' ELSE 'other' END AS k,"
        " sum(h.packets) AS p,"
        " (SELECT coalesce(sum(pd.sources),0) FROM dk_port_day pd WHERE pd.port = h.port AND"
        "  pd.class = h.class AND pd.day BETWEEN ?1 AND ?2 AND (?5 IS NULL OR pd.sensor_id ="
        "  (SELECT id FROM sensors WHERE name = ?5))), h.port, h.class"
        " FROM dk_port_hour h WHERE ?3 IS ?3 AND ?4 IS ?4 AND" HOUR_WHERE
        " GROUP BY h.port, h.class ORDER BY p DESC, h.port, h.class LIMIT ?8",
    [STORE_BY_COUNTRY] =
        "SELECT h.country AS k, sum(h.packets) AS p,"
        " (SELECT count(DISTINCT d.src) FROM dk_source_day d WHERE d.country = h.country "
        "AND" SRC_WHERE ")"
        " FROM dk_country_hour h WHERE" HOUR_WHERE " GROUP BY h.country ORDER BY p DESC, k"
        " LIMIT ?8",
    [STORE_BY_ASN] =
        "SELECT h.asn AS k, sum(h.packets) AS p,"
        " (SELECT count(DISTINCT d.src) FROM dk_source_day d WHERE d.asn = h.asn AND" SRC_WHERE ")"
        " FROM dk_asn_hour h WHERE" HOUR_WHERE " GROUP BY h.asn ORDER BY p DESC, k LIMIT ?8",
};

static void read_top_row(sqlite3_stmt *s, enum store_dk_by by, struct store_dk_top *t)
{
    const unsigned char *k = sqlite3_column_text(s, 0);

    memset(t, 0, sizeof(*t));
    (void)snprintf(t->key, sizeof(t->key), "%s", k ? (const char *)k : "");
    t->packets = (uint64_t)sqlite3_column_int64(s, 1);
    t->sources = (uint64_t)sqlite3_column_int64(s, 2);
    if (by == STORE_BY_PORT) {
        t->port = (uint16_t)sqlite3_column_int(s, 3);
        t->cls_id = (uint8_t)sqlite3_column_int(s, 4);
    }
    if (by != STORE_BY_SOURCE)
        return;
    t->bytes = (uint64_t)sqlite3_column_int64(s, 3);
    t->dsts = (uint64_t)sqlite3_column_int64(s, 4);
    for (int c = 0; c < STORE_DK_NCLASS; c++)
        t->cls[c] = (uint64_t)sqlite3_column_int64(s, 5 + c);
    t->ports = (uint32_t)sqlite3_column_int64(s, 10);
    t->asn = (uint32_t)sqlite3_column_int64(s, 11);
    k = sqlite3_column_text(s, 12);
    (void)snprintf(t->country, sizeof(t->country), "%s", k ? (const char *)k : "ZZ");
    t->scanner = sqlite3_column_int(s, 13) != 0;
    t->victim = sqlite3_column_int(s, 14) != 0;
    t->first_seen = sqlite3_column_int64(s, 15);
    t->last_seen = sqlite3_column_int64(s, 16);
}

/* Fills a source row's top ports from its latest source-day row (column 17 of the top
 * query: max id); q is the prepared lookup by id. */
static void top_ports_of(sqlite3_stmt *q, sqlite3_stmt *top, struct store_dk_top *t)
{
    const unsigned char *txt;

    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, sqlite3_column_int64(top, 17));
    if (sqlite3_step(q) == SQLITE_ROW && (txt = sqlite3_column_text(q, 0)) != NULL &&
        (size_t)sqlite3_column_bytes(q, 0) < sizeof(t->top_ports))
        memcpy(t->top_ports, txt, (size_t)sqlite3_column_bytes(q, 0) + 1);
    else
        memcpy(t->top_ports, "[]", 3);
}

enum err_code store_dk_top(struct store *st, enum store_dk_by by, const char *sensor, int64_t since,
                           int64_t until, struct store_dk_top *rows, size_t n, size_t *count,
                           struct err *e)
{
    static const char ports_sql[] = "SELECT top_ports FROM dk_source_day WHERE id = ?1";
    struct range r;
    sqlite3_stmt *s, *q = NULL;
    enum err_code rc;
    int step;

    *count = 0;
    if (by < STORE_BY_SOURCE || by > STORE_BY_ASN)
        return err_set(e, ERR_USAGE, "store: unknown top-N key");
    range_init(&r, since, until);
    rc = prepare(st, top_sql[by], &s, e);
    if (rc == ERR_OK && by == STORE_BY_SOURCE)
        rc = prepare(st, ports_sql, &q, e);
    if (rc != ERR_OK) {
        sqlite3_finalize(s); /* NULL-safe */
        return rc;
    }
    bind_range(s, &r, sensor);
    sqlite3_bind_int64(s, 8, (int64_t)n);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && *count < n) {
        read_top_row(s, by, &rows[*count]);
        if (q != NULL)
            top_ports_of(q, s, &rows[*count]);
        (*count)++;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_fail(st, "top-N query", e);
    sqlite3_finalize(q);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_dk_series(struct store *st, const char *sensor, int port, int cls,
                              int64_t since, int64_t until, store_dk_port_fn fn, void *ctx,
                              struct err *e)
{
    static const char sql[] =
        "SELECT h.hour, sum(h.packets), sum(h.bytes), sum(h.sources), sum(h.new_sources)"
        " FROM dk_port_hour h WHERE ?1 IS ?1 AND ?2 IS ?2 AND ?3 IS ?3 AND ?4 IS ?4 AND" HOUR_WHERE
        " AND (?8 < 0 OR h.port = ?8) AND (?9 < 0 OR h.class = ?9)"
        " GROUP BY h.hour ORDER BY h.hour";
    struct store_dk_port r;
    struct range rg;
    sqlite3_stmt *s;
    enum err_code rc;
    int step;

    range_init(&rg, since, until);
    rc = prepare(st, sql, &s, e);
    if (rc != ERR_OK)
        return rc;
    bind_range(s, &rg, sensor);
    sqlite3_bind_int(s, 8, port);
    sqlite3_bind_int(s, 9, cls);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&r, 0, sizeof(r));
        r.hour = sqlite3_column_int64(s, 0);
        r.port = (uint16_t)(port < 0 ? 0 : port);
        r.cls = (uint8_t)(cls < 0 ? 0 : cls);
        r.packets = (uint64_t)sqlite3_column_int64(s, 1);
        r.bytes = (uint64_t)sqlite3_column_int64(s, 2);
        r.sources = (uint64_t)sqlite3_column_int64(s, 3);
        r.new_sources = (uint64_t)sqlite3_column_int64(s, 4);
        rc = fn(ctx, &r, e);
        if (rc != ERR_OK)
            break;
    }
    if (rc == ERR_OK && step != SQLITE_DONE)
        rc = store_fail(st, "series query", e);
    sqlite3_finalize(s);
    return rc;
}
