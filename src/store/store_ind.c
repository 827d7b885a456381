/* store_ind.c - feeds, the per-source rows of indicators, allowlists and the removal log.
 *
 * A pull is one write transaction: listed entries are gathered (one prepared insert
 * each, no reads) in a temporary table that is upserted set-wise into indicators and
 * ind_sources every 64 Ki rows; what the feed no longer lists is then found set-wise by its pull
 * number (ind_sources.listed_pull < feeds.pulls), marked missing, and removed (with a row
 * in ind_removals) once missing for the feed's grace period.
 *
 * The listing side streams indicators with their active sources in one query ordered by
 * (type, value), grouping the joined rows of one indicator in a reused array, or in id
 * order as a merge of three sequential scans (indicators, ind_sources, sighting_days:
 * no per-indicator seek); feed details come from a cache of the feeds table loaded
 * once per call. One type's values in index order (store_ind_sorted_*) give delivery
 * its zone order without a sort. */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- feeds ------------------------------------------------------------------------- */

#define FEED_COLS                                                                                  \
    "id, name, format, location, org, tlp, confidence, columns, allowlist, grace, tau,"            \
    " delta, created, pulls, coalesce(last_pull, 0), coalesce(last_ok, 0),"                        \
    " coalesce(last_error, ''), n_entries, n_accepted, n_rejected, n_added, n_updated,"            \
    " n_missing, n_removed, n_allowlisted"

static void copy_col(sqlite3_stmt *s, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, col);

    (void)snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static uint64_t col_u64(sqlite3_stmt *s, int col)
{
    int64_t v = sqlite3_column_int64(s, col);

    return v > 0 ? (uint64_t)v : 0;
}

static void feed_from_row(sqlite3_stmt *s, struct store_feed *f)
{
    memset(f, 0, sizeof(*f));
    f->id = sqlite3_column_int64(s, 0);
    copy_col(s, 1, f->name, sizeof(f->name));
    copy_col(s, 2, f->format, sizeof(f->format));
    copy_col(s, 3, f->location, sizeof(f->location));
    copy_col(s, 4, f->org, sizeof(f->org));
    f->tlp = sqlite3_column_int(s, 5);
    f->confidence = sqlite3_column_int(s, 6);
    copy_col(s, 7, f->columns, sizeof(f->columns));
    f->allowlist = sqlite3_column_int(s, 8) != 0;
    f->grace = sqlite3_column_int64(s, 9);
    f->tau = sqlite3_column_int64(s, 10);
    f->delta = sqlite3_column_double(s, 11);
    f->created = sqlite3_column_int64(s, 12);
    f->pulls = col_u64(s, 13);
    f->last_pull = sqlite3_column_int64(s, 14);
    f->last_ok = sqlite3_column_int64(s, 15);
    copy_col(s, 16, f->last_error, sizeof(f->last_error));
    f->last.entries = col_u64(s, 17);
    f->last.accepted = col_u64(s, 18);
    f->last.rejected = col_u64(s, 19);
    f->last.added = col_u64(s, 20);
    f->last.updated = col_u64(s, 21);
    f->last.missing = col_u64(s, 22);
    f->last.removed = col_u64(s, 23);
    f->last.allowlisted = col_u64(s, 24);
}

static bool fits(const char *s, size_t cap)
{
    return s != NULL && strlen(s) < cap;
}

enum err_code store_feed_add(struct store *st, struct store_feed *f, struct err *e)
{
    static const char sql[] =
        "INSERT INTO feeds(name, format, location, org, tlp, confidence, columns, allowlist,"
        " grace, tau, delta, created) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)";
    sqlite3_stmt *s;
    int rc;

    if (!fits(f->name, sizeof(f->name)) || f->name[0] == '\0' ||
        !fits(f->location, sizeof(f->location)) || !fits(f->org, sizeof(f->org)))
        return err_set(e, ERR_LIMIT, "store: feed name, location or org empty or too long");
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare feed insert", e);
    if (f->created == 0)
        f->created = time_now();
    sqlite3_bind_text(s, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, f->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, f->location, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, f->org, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, f->tlp);
    sqlite3_bind_int(s, 6, f->confidence);
    sqlite3_bind_text(s, 7, f->columns, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 8, f->allowlist);
    sqlite3_bind_int64(s, 9, f->grace);
    sqlite3_bind_int64(s, 10, f->tau);
    sqlite3_bind_double(s, 11, f->delta);
    sqlite3_bind_int64(s, 12, f->created);
    rc = sqlite3_step(s);
    if (rc == SQLITE_CONSTRAINT) {
        sqlite3_finalize(s);
        return err_set(e, ERR_USAGE, "store: a feed named '%s' exists already", f->name);
    }
    if (rc != SQLITE_DONE) {
        store_fail(st, "add feed", e);
        sqlite3_finalize(s);
        return ERR_DB;
    }
    f->id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return ERR_OK;
}

enum err_code store_feed_get(struct store *st, const char *name, struct store_feed *out,
                             struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, "SELECT " FEED_COLS " FROM feeds WHERE name = ?1", -1, &s,
                           NULL) != SQLITE_OK)
        return store_fail(st, "prepare feed lookup", e);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        feed_from_row(s, out);
    else if (rc != SQLITE_DONE)
        store_fail(st, "look up feed", e);
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW)
        return ERR_OK;
    if (rc == SQLITE_DONE)
        return err_set(e, ERR_NOTFOUND, "store: no feed named '%s'", name);
    return ERR_DB;
}

/* Every feed in name order; with_active also counts its active entries (a scan of its
 * rows, which the listing's feed cache does not need). */
static enum err_code feed_each(struct store *st, bool with_active, store_feed_fn fn, void *arg,
                               struct err *e)
{
    static const char sql_active[] =
        "SELECT " FEED_COLS ", (SELECT count(*) FROM ind_sources s WHERE s.feed_id = f.id"
        " AND s.removed_at IS NULL) + (SELECT count(*) FROM allowlist a WHERE a.feed_id = f.id)"
        " FROM feeds f ORDER BY name";
    static const char sql_plain[] = "SELECT " FEED_COLS ", 0 FROM feeds f ORDER BY name";
    struct store_feed *f = mem_alloc(sizeof(*f));
    enum err_code ret = ERR_OK;
    sqlite3_stmt *s;
    int rc;

    if (f == NULL)
        return err_set(e, ERR_NOMEM, "store: cannot allocate a feed row");
    if (sqlite3_prepare_v2(st->db, with_active ? sql_active : sql_plain, -1, &s, NULL) !=
        SQLITE_OK) {
        mem_free(f);
        return store_fail(st, "prepare feed list", e);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        feed_from_row(s, f);
        f->active = col_u64(s, 25);
        if (!fn(arg, f))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = store_fail(st, "list feeds", e);
    sqlite3_finalize(s);
    mem_free(f);
    return ret;
}

enum err_code store_feed_each(struct store *st, store_feed_fn fn, void *arg, struct err *e)
{
    return feed_each(st, true, fn, arg, e);
}

/* Runs one parameterised statement: ?1..?n bound from v (int64). Sets *changes if not
 * NULL. */
static enum err_code run(struct store *st, const char *sql, const int64_t *v, int n,
                         int64_t *changes, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare", e);
    for (int i = 0; i < n; i++)
        sqlite3_bind_int64(s, i + 1, v[i]);
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        store_fail(st, "update", e);
        sqlite3_finalize(s);
        return ERR_DB;
    }
    if (changes != NULL)
        *changes = sqlite3_changes(st->db);
    sqlite3_finalize(s);
    return ERR_OK;
}

enum err_code store_feed_failed(struct store *st, int64_t feed_id, int64_t now, const char *error,
                                struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, "UPDATE feeds SET last_pull = ?2, last_error = ?3 WHERE id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare feed update", e);
    sqlite3_bind_int64(s, 1, feed_id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_text(s, 3, error, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        store_fail(st, "record failed pull", e);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? ERR_OK : ERR_DB;
}

enum err_code store_feed_set_allowlisted(struct store *st, int64_t feed_id, uint64_t n,
                                         struct err *e)
{
    int64_t v[2] = {feed_id, (int64_t)n};

    return run(st, "UPDATE feeds SET n_allowlisted = ?2 WHERE id = ?1", v, 2, NULL, e);
}

/* ---- pulls ------------------------------------------------------------------------- */

struct store_pull {
    struct store *st;
    int64_t feed, now, gen;
    sqlite3_stmt *row, *ind, *src, *clear, *allow;
    size_t pending; /* rows in temp.pull_rows */
};

/* Rows are gathered in a temporary table and flushed set-wise every PULL_BATCH rows: a
 * per-row upsert inside the big transaction would open a statement journal per row (a
 * page copy each), ten times slower. */
#define PULL_BATCH 65536

static const char sql_rows_table[] =
    "CREATE TEMP TABLE IF NOT EXISTS pull_rows(type TEXT NOT NULL, value TEXT NOT NULL,"
    " seen INTEGER NOT NULL, valid_until INTEGER, confidence INTEGER NOT NULL,"
    " tlp INTEGER NOT NULL, tags TEXT); DELETE FROM temp.pull_rows;";
static const char sql_row_add[] = "INSERT INTO temp.pull_rows VALUES(?1,?2,?3,?4,?5,?6,?7)";

static const char sql_ind_upsert[] =
    "INSERT INTO indicators(type, value, first_seen, last_seen)"
    " SELECT type, value, seen, seen FROM temp.pull_rows WHERE true"
    " ON CONFLICT(type, value) DO UPDATE SET"
    " first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen),"
    " last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)";

/* A row back after removal starts again: added by this pull, first seen now. */
static const char sql_src_upsert[] =
    "INSERT INTO ind_sources(indicator_id, feed_id, first_seen, last_seen, confidence, tlp,"
    " tags, valid_until, added_pull, listed_pull)"
    " SELECT i.id, ?1, r.seen, r.seen, r.confidence, r.tlp, r.tags, r.valid_until, ?2, ?2"
    " FROM temp.pull_rows r JOIN indicators i ON i.type = r.type AND i.value = r.value"
    " WHERE true ON CONFLICT(indicator_id, feed_id) DO UPDATE SET"
    " added_pull = CASE WHEN removed_at IS NULL THEN added_pull ELSE excluded.added_pull END,"
    " first_seen = CASE WHEN removed_at IS NULL THEN min(first_seen, excluded.first_seen)"
    "   ELSE excluded.first_seen END,"
    " last_seen = CASE WHEN removed_at IS NULL THEN max(last_seen, excluded.last_seen)"
    "   ELSE excluded.last_seen END,"
    " confidence = excluded.confidence, tlp = excluded.tlp, tags = excluded.tags,"
    " valid_until = excluded.valid_until, missing_since = NULL, removed_at = NULL,"
    " listed_pull = excluded.listed_pull";

static const char sql_rows_clear[] = "DELETE FROM temp.pull_rows";

static const char sql_allow_upsert[] =
    "INSERT INTO allowlist(feed_id, type, value, added_pull, listed_pull)"
    " VALUES(?1, ?2, ?3, ?4, ?4)"
    " ON CONFLICT(feed_id, type, value) DO UPDATE SET listed_pull = excluded.listed_pull";

static void pull_free(struct store_pull *p)
{
    sqlite3_finalize(p->row);
    sqlite3_finalize(p->ind);
    sqlite3_finalize(p->src);
    sqlite3_finalize(p->clear);
    sqlite3_finalize(p->allow);
    mem_free(p);
}

void store_pull_abort(struct store_pull *p)
{
    if (p == NULL)
        return;
    store_rollback(p->st);
    pull_free(p);
}

/* Increments feeds.pulls: the number of this pull. */
static enum err_code next_gen(struct store_pull *p, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(p->st->db,
                           "UPDATE feeds SET pulls = pulls + 1 WHERE id = ?1"
                           " RETURNING pulls",
                           -1, &s, NULL) != SQLITE_OK)
        return store_fail(p->st, "prepare pull", e);
    sqlite3_bind_int64(s, 1, p->feed);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        p->gen = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        err_set(e, ERR_NOTFOUND, "store: no feed with id %lld", (long long)p->feed);
    else
        store_fail(p->st, "start pull", e);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? ERR_OK : (rc == SQLITE_DONE ? ERR_NOTFOUND : ERR_DB);
}

static bool prepare(struct store *st, const char *sql, sqlite3_stmt **out)
{
    return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) == SQLITE_OK;
}

enum err_code store_pull_begin(struct store *st, int64_t feed_id, int64_t now,
                               struct store_pull **out, struct err *e)
{
    struct store_pull *p = mem_calloc(1, sizeof(*p));
    enum err_code rc;

    *out = NULL;
    if (p == NULL)
        return err_set(e, ERR_NOMEM, "store: cannot allocate a pull");
    p->st = st;
    p->feed = feed_id;
    p->now = now;
    rc = store_begin(st, e);
    if (rc != ERR_OK) {
        pull_free(p);
        return rc;
    }
    rc = next_gen(p, e);
    if (rc == ERR_OK)
        rc = store_exec(st, sql_rows_table, e);
    if (rc == ERR_OK &&
        (!prepare(st, sql_row_add, &p->row) || !prepare(st, sql_ind_upsert, &p->ind) ||
         !prepare(st, sql_src_upsert, &p->src) || !prepare(st, sql_rows_clear, &p->clear) ||
         !prepare(st, sql_allow_upsert, &p->allow)))
        rc = store_fail(st, "prepare pull statements", e);
    if (rc != ERR_OK) {
        store_pull_abort(p);
        return rc;
    }
    *out = p;
    return ERR_OK;
}

static enum err_code step_done(struct store_pull *p, sqlite3_stmt *s, const char *what,
                               struct err *e)
{
    int rc = sqlite3_step(s);

    (void)sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return store_fail(p->st, what, e);
    return ERR_OK;
}

/* Upserts the gathered rows into indicators and ind_sources, then empties the table. */
static enum err_code flush(struct store_pull *p, struct err *e)
{
    enum err_code rc;

    if (p->pending == 0)
        return ERR_OK;
    rc = step_done(p, p->ind, "upsert indicators", e);
    if (rc == ERR_OK) {
        sqlite3_bind_int64(p->src, 1, p->feed);
        sqlite3_bind_int64(p->src, 2, p->gen);
        rc = step_done(p, p->src, "upsert indicator sources", e);
    }
    if (rc == ERR_OK)
        rc = step_done(p, p->clear, "clear pulled rows", e);
    p->pending = 0;
    return rc;
}

enum err_code store_pull_put(struct store_pull *p, const struct store_ind_entry *en, struct err *e)
{
    sqlite3_stmt *s = p->row;
    enum err_code rc;

    sqlite3_bind_text(s, 1, en->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, en->value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, en->seen);
    if (en->valid_until != 0)
        sqlite3_bind_int64(s, 4, en->valid_until);
    else
        sqlite3_bind_null(s, 4);
    sqlite3_bind_int(s, 5, en->confidence);
    sqlite3_bind_int(s, 6, en->tlp);
    if (en->tags != NULL && en->tags[0] != '\0')
        sqlite3_bind_text(s, 7, en->tags, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 7);
    rc = step_done(p, s, "gather pulled row", e);
    if (rc == ERR_OK && ++p->pending >= PULL_BATCH)
        rc = flush(p, e);
    return rc;
}

enum err_code store_pull_allow_put(struct store_pull *p, const char *type, const char *value,
                                   struct err *e)
{
    int rc;

    sqlite3_bind_int64(p->allow, 1, p->feed);
    sqlite3_bind_text(p->allow, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(p->allow, 3, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p->allow, 4, p->gen);
    rc = sqlite3_step(p->allow);
    (void)sqlite3_reset(p->allow);
    if (rc != SQLITE_DONE)
        return store_fail(p->st, "upsert allowlist entry", e);
    return ERR_OK;
}

/* Reads up to three counts of one SELECT (?1 feed, ?2 pull number). */
static enum err_code counts3(struct store_pull *p, const char *sql, uint64_t *a, uint64_t *b,
                             uint64_t *c, struct err *e)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(p->st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(p->st, "prepare counts", e);
    sqlite3_bind_int64(s, 1, p->feed);
    sqlite3_bind_int64(s, 2, p->gen);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *a = col_u64(s, 0);
        *b = col_u64(s, 1);
        *c = col_u64(s, 2);
    } else {
        store_fail(p->st, "count pull", e);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? ERR_OK : ERR_DB;
}

static const char sql_mark_missing[] =
    "UPDATE ind_sources SET missing_since = ?3 WHERE feed_id = ?1 AND listed_pull < ?2"
    " AND removed_at IS NULL AND missing_since IS NULL";
#define GONE_WHERE                                                                                 \
    " WHERE feed_id = ?1 AND listed_pull < ?2 AND removed_at IS NULL"                              \
    " AND missing_since IS NOT NULL AND missing_since <= ?3 - ?4"
static const char sql_log_removed[] =
    "INSERT INTO ind_removals(feed_id, indicator_id, at, reason)"
    " SELECT feed_id, indicator_id, ?3, 'missing' FROM ind_sources" GONE_WHERE;
static const char sql_remove[] = "UPDATE ind_sources SET removed_at = ?3" GONE_WHERE;
static const char sql_counts[] = "SELECT coalesce(sum(added_pull = ?2), 0),"
                                 " coalesce(sum(listed_pull = ?2 AND added_pull <> ?2), 0),"
                                 " coalesce(sum(removed_at IS NULL AND listed_pull < ?2), 0)"
                                 " FROM ind_sources WHERE feed_id = ?1";
static const char sql_allow_drop[] =
    "DELETE FROM allowlist WHERE feed_id = ?1 AND listed_pull < ?2";
static const char sql_allow_counts[] =
    "SELECT coalesce(sum(added_pull = ?2), 0), coalesce(sum(added_pull <> ?2), 0), 0"
    " FROM allowlist WHERE feed_id = ?1";

/* Marks, removes and counts the indicator sources of the feed. */
static enum err_code finish_sources(struct store_pull *p, int64_t grace,
                                    struct store_feed_counts *c, struct err *e)
{
    int64_t v[4] = {p->feed, p->gen, p->now, grace};
    int64_t removed = 0;
    enum err_code rc = run(p->st, sql_mark_missing, v, 3, NULL, e);

    if (rc == ERR_OK)
        rc = run(p->st, sql_log_removed, v, 4, NULL, e);
    if (rc == ERR_OK)
        rc = run(p->st, sql_remove, v, 4, &removed, e);
    if (rc == ERR_OK)
        rc = counts3(p, sql_counts, &c->added, &c->updated, &c->missing, e);
    c->removed = (uint64_t)removed;
    return rc;
}

static enum err_code finish_allow(struct store_pull *p, struct store_feed_counts *c, struct err *e)
{
    int64_t v[2] = {p->feed, p->gen};
    int64_t removed = 0;
    uint64_t zero;
    enum err_code rc = run(p->st, sql_allow_drop, v, 2, &removed, e);

    if (rc == ERR_OK)
        rc = counts3(p, sql_allow_counts, &c->added, &c->updated, &zero, e);
    c->removed = (uint64_t)removed;
    c->missing = 0;
    return rc;
}

static enum err_code save_counts(struct store_pull *p, const struct store_feed_counts *c,
                                 struct err *e)
{
    static const char sql[] =
        "UPDATE feeds SET last_pull = ?2, last_ok = ?2, last_error = NULL, n_entries = ?3,"
        " n_accepted = ?4, n_rejected = ?5, n_added = ?6, n_updated = ?7, n_missing = ?8,"
        " n_removed = ?9, n_allowlisted = ?10 WHERE id = ?1";
    int64_t v[10] = {p->feed,
                     p->now,
                     (int64_t)c->entries,
                     (int64_t)c->accepted,
                     (int64_t)c->rejected,
                     (int64_t)c->added,
                     (int64_t)c->updated,
                     (int64_t)c->missing,
                     (int64_t)c->removed,
                     (int64_t)c->allowlisted};

    return run(p->st, sql, v, 10, NULL, e);
}

enum err_code store_pull_finish(struct store_pull *p, int64_t grace, struct store_feed_counts *c,
                                struct err *e)
{
    enum err_code rc;
    sqlite3_stmt *s;
    bool allow = false;

    if (sqlite3_prepare_v2(p->st->db, "SELECT allowlist FROM feeds WHERE id = ?1", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = store_fail(p->st, "prepare feed kind", e);
        store_pull_abort(p);
        return rc;
    }
    sqlite3_bind_int64(s, 1, p->feed);
    if (sqlite3_step(s) == SQLITE_ROW)
        allow = sqlite3_column_int(s, 0) != 0;
    sqlite3_finalize(s);
    rc = flush(p, e);
    if (rc == ERR_OK)
        rc = allow ? finish_allow(p, c, e) : finish_sources(p, grace, c, e);
    if (rc == ERR_OK)
        rc = save_counts(p, c, e);
    if (rc == ERR_OK)
        rc = store_commit(p->st, e);
    if (rc != ERR_OK) {
        store_pull_abort(p);
        return rc;
    }
    pull_free(p);
    return ERR_OK;
}

/* ---- listing ----------------------------------------------------------------------- */

/* The feeds table by id, for the listing's source rows. */
struct feed_cache {
    struct store_feed *v;
    size_t n;
    int64_t *by_id; /* index + 1 into v, 0: none; ids up to max_id */
    int64_t max_id;
};

static bool cache_add(void *arg, const struct store_feed *f)
{
    struct feed_cache *fc = arg;

    fc->v[fc->n++] = *f;
    return true;
}

static void cache_fini(struct feed_cache *fc)
{
    mem_free(fc->v);
    mem_free(fc->by_id);
}

static enum err_code cache_load(struct store *st, struct feed_cache *fc, struct err *e)
{
    sqlite3_stmt *s;
    int64_t n = 0;
    enum err_code rc;

    memset(fc, 0, sizeof(*fc));
    if (sqlite3_prepare_v2(st->db, "SELECT count(*), coalesce(max(id), 0) FROM feeds", -1, &s,
                           NULL) != SQLITE_OK)
        return store_fail(st, "prepare feed cache", e);
    if (sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
        fc->max_id = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    fc->v = mem_calloc((size_t)n + 1, sizeof(*fc->v));
    fc->by_id = mem_calloc((size_t)fc->max_id + 1, sizeof(*fc->by_id));
    if (fc->v == NULL || fc->by_id == NULL) {
        cache_fini(fc);
        return err_set(e, ERR_NOMEM, "store: cannot allocate the feed cache");
    }
    rc = feed_each(st, false, cache_add, fc, e);
    for (size_t i = 0; rc == ERR_OK && i < fc->n; i++)
        if (fc->v[i].id >= 0 && fc->v[i].id <= fc->max_id)
            fc->by_id[fc->v[i].id] = (int64_t)i + 1;
    if (rc != ERR_OK)
        cache_fini(fc);
    return rc;
}

/* Accumulates the joined rows of one indicator. */
struct ind_acc {
    struct store_ind_row row;
    struct store_ind_src *src;
    size_t cap;
    char type[16];
    char *value;
    size_t value_cap;
};

static enum err_code acc_text(char **dst, size_t *cap, const unsigned char *t, int n, struct err *e)
{
    if ((size_t)n + 1 > *cap) {
        size_t c = (size_t)n + 1 < 256 ? 256 : (size_t)n + 1;
        char *p = mem_realloc(*dst, c);

        if (p == NULL)
            return err_set(e, ERR_NOMEM, "store: cannot grow the listing row");
        *dst = p;
        *cap = c;
    }
    if (n > 0)
        memcpy(*dst, t, (size_t)n);
    (*dst)[n] = '\0';
    return ERR_OK;
}

/* copy_col without formatting: runs once per listed indicator. */
static void copy_type(sqlite3_stmt *s, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    size_t n = t != NULL ? (size_t)sqlite3_column_bytes(s, col) : 0;

    n = n < cap ? n : cap - 1;
    if (n > 0)
        memcpy(out, t, n);
    out[n] = '\0';
}

/* Starts a new indicator from columns 0..4 of s, last sighted at sighted. */
static enum err_code acc_start(struct ind_acc *a, sqlite3_stmt *s, int64_t sighted, struct err *e)
{
    enum err_code rc = acc_text(&a->value, &a->value_cap, sqlite3_column_text(s, 2),
                                sqlite3_column_bytes(s, 2), e);

    if (rc != ERR_OK)
        return rc;
    a->row.id = sqlite3_column_int64(s, 0);
    copy_type(s, 1, a->type, sizeof(a->type));
    a->row.type = a->type;
    a->row.value = a->value;
    a->row.first_seen = sqlite3_column_int64(s, 3);
    a->row.last_seen = sqlite3_column_int64(s, 4);
    a->row.sighted = sighted;
    a->row.nsrc = 0;
    return ERR_OK;
}

/* Adds the source of columns c..c+5 of s, if any (NULL feed id: no active source). */
static enum err_code acc_source(struct ind_acc *a, const struct feed_cache *fc, sqlite3_stmt *s,
                                int c, struct err *e)
{
    int64_t fid = sqlite3_column_int64(s, c);
    struct store_ind_src *src;

    if (sqlite3_column_type(s, c) == SQLITE_NULL || fid < 0 || fid > fc->max_id ||
        fc->by_id[fid] == 0)
        return ERR_OK;
    if (a->row.nsrc == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 8;
        struct store_ind_src *p = mem_realloc(a->src, nc * sizeof(*p));

        if (p == NULL)
            return err_set(e, ERR_NOMEM, "store: cannot grow the source list");
        a->src = p;
        a->cap = nc;
    }
    src = &a->src[a->row.nsrc++];
    src->feed = &fc->v[fc->by_id[fid] - 1];
    src->first_seen = sqlite3_column_int64(s, c + 1);
    src->last_seen = sqlite3_column_int64(s, c + 2);
    src->valid_until = sqlite3_column_int64(s, c + 3);
    src->confidence = sqlite3_column_int(s, c + 4);
    src->tlp = sqlite3_column_int(s, c + 5);
    return ERR_OK;
}

/* Emits the accumulated indicator if it has a source or a sighting; false: stop. */
static bool acc_emit(struct ind_acc *a, store_ind_fn fn, void *arg)
{
    if (a->row.nsrc == 0 && a->row.sighted == 0)
        return true;
    a->row.src = a->src;
    return fn(arg, &a->row);
}

#define LIST_COLS                                                                                  \
    "SELECT i.id, i.type, i.value, coalesce(i.first_seen, 0), coalesce(i.last_seen, 0),"           \
    " coalesce((SELECT max(d.last_seen) FROM sighting_days d WHERE d.indicator_id = i.id),"        \
    " 0), s.feed_id, s.first_seen, s.last_seen, coalesce(s.valid_until, 0), s.confidence,"         \
    " s.tlp FROM indicators i"

static const char sql_list_all[] =
    LIST_COLS " LEFT JOIN ind_sources s ON s.indicator_id = i.id AND s.removed_at IS NULL"
              " ORDER BY i.type, i.value";
static const char sql_list_feed[] =
    LIST_COLS " JOIN ind_sources s ON s.indicator_id = i.id AND s.removed_at IS NULL"
              " AND s.feed_id = ?1 ORDER BY i.type, i.value";

static enum err_code stream(struct store *st, sqlite3_stmt *s, store_ind_fn fn, void *arg,
                            struct err *e)
{
    struct feed_cache fc;
    struct ind_acc a;
    enum err_code rc = cache_load(st, &fc, e);
    int64_t cur = -1;
    bool go = true;
    int step = SQLITE_DONE;

    if (rc != ERR_OK)
        return rc;
    memset(&a, 0, sizeof(a));
    while (go && rc == ERR_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_int64(s, 0) != cur) {
            if (cur != -1)
                go = acc_emit(&a, fn, arg);
            cur = sqlite3_column_int64(s, 0);
            if (go)
                rc = acc_start(&a, s, sqlite3_column_int64(s, 5), e);
        }
        if (go && rc == ERR_OK)
            rc = acc_source(&a, &fc, s, 6, e);
    }
    if (go && rc == ERR_OK && step != SQLITE_DONE)
        rc = store_fail(st, "list indicators", e);
    if (go && rc == ERR_OK && cur != -1)
        (void)acc_emit(&a, fn, arg);
    mem_free(a.src);
    mem_free(a.value);
    cache_fini(&fc);
    return rc;
}

enum err_code store_ind_each_active(struct store *st, store_ind_fn fn, void *arg, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc;

    if (sqlite3_prepare_v2(st->db, sql_list_all, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare indicator listing", e);
    rc = stream(st, s, fn, arg, e);
    sqlite3_finalize(s);
    return rc;
}

/* The id order as a merge of three sequential scans, each b-tree read front to back
 * once with no per-indicator seek (the joined query probes ind_sources and
 * sighting_days per row: 1M indicators, 0.79 s against 0.33 s in the sqlite3 shell). */
static const char *const sql_by_id[3] = {
    "SELECT id, type, value, coalesce(first_seen, 0), coalesce(last_seen, 0) FROM indicators"
    " ORDER BY id",
    "SELECT indicator_id, feed_id, first_seen, last_seen, coalesce(valid_until, 0), confidence,"
    " tlp FROM ind_sources WHERE removed_at IS NULL ORDER BY indicator_id, feed_id",
    "SELECT indicator_id, max(last_seen) FROM sighting_days GROUP BY indicator_id"
    " ORDER BY indicator_id",
};

struct scan {
    sqlite3_stmt *s;
    int step;   /* the last sqlite3_step result */
    int64_t id; /* column 0 of the current row */
};

static void scan_step(struct scan *sc)
{
    sc->step = sqlite3_step(sc->s);
    sc->id = sc->step == SQLITE_ROW ? sqlite3_column_int64(sc->s, 0) : INT64_MAX;
}

/* Advances sc past the rows of indicators before id; true while it has a row of id. */
static bool scan_seek(struct scan *sc, int64_t id)
{
    while (sc->id < id)
        scan_step(sc);
    return sc->id == id;
}

static enum err_code merge_by_id(struct store *st, struct scan sc[3], store_ind_fn fn, void *arg,
                                 struct err *e)
{
    struct feed_cache fc;
    struct ind_acc a;
    enum err_code rc = cache_load(st, &fc, e);
    bool go = true;

    if (rc != ERR_OK)
        return rc;
    memset(&a, 0, sizeof(a));
    for (int i = 0; i < 3; i++)
        scan_step(&sc[i]);
    while (go && rc == ERR_OK && sc[0].step == SQLITE_ROW) {
        int64_t id = sc[0].id;

        rc =
            acc_start(&a, sc[0].s, scan_seek(&sc[2], id) ? sqlite3_column_int64(sc[2].s, 1) : 0, e);
        for (bool more = scan_seek(&sc[1], id); rc == ERR_OK && more;
             more = scan_seek(&sc[1], id)) {
            rc = acc_source(&a, &fc, sc[1].s, 1, e);
            scan_step(&sc[1]);
        }
        if (rc == ERR_OK)
            go = acc_emit(&a, fn, arg);
        scan_step(&sc[0]);
    }
    for (int i = 0; go && rc == ERR_OK && i < 3; i++)
        if (sc[i].step != SQLITE_ROW && sc[i].step != SQLITE_DONE)
            rc = store_fail(st, "list indicators", e);
    mem_free(a.src);
    mem_free(a.value);
    cache_fini(&fc);
    return rc;
}

enum err_code store_ind_each_active_by_id(struct store *st, store_ind_fn fn, void *arg,
                                          struct err *e)
{
    struct scan sc[3] = {{0}};
    bool own = sqlite3_get_autocommit(st->db) != 0; /* one snapshot for the three scans */
    enum err_code rc = own ? store_exec(st, "BEGIN", e) : ERR_OK;

    for (int i = 0; rc == ERR_OK && i < 3; i++)
        if (sqlite3_prepare_v2(st->db, sql_by_id[i], -1, &sc[i].s, NULL) != SQLITE_OK)
            rc = store_fail(st, "prepare indicator listing", e);
    if (rc == ERR_OK)
        rc = merge_by_id(st, sc, fn, arg, e);
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(sc[i].s);
    if (own && sqlite3_get_autocommit(st->db) == 0)
        (void)sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

/* ---- indicators of one type in value order --------------------------------------- */

struct store_ind_cursor {
    struct store *st;
    sqlite3_stmt *s;
};

enum err_code store_ind_sorted_open(struct store *st, const char *type,
                                    struct store_ind_cursor **out, struct err *e)
{
    /* the UNIQUE(type, value) index holds id too: a covering scan, already in order */
    static const char sql[] = "SELECT id, value FROM indicators WHERE type = ?1 ORDER BY value";
    struct store_ind_cursor *c = mem_calloc(1, sizeof(*c));

    *out = NULL;
    if (c == NULL)
        return err_set(e, ERR_NOMEM, "store: cannot allocate a cursor");
    c->st = st;
    if (sqlite3_prepare_v2(st->db, sql, -1, &c->s, NULL) != SQLITE_OK) {
        mem_free(c);
        return store_fail(st, "prepare sorted indicators", e);
    }
    sqlite3_bind_text(c->s, 1, type, -1, SQLITE_TRANSIENT);
    *out = c;
    return ERR_OK;
}

enum err_code store_ind_sorted_next(struct store_ind_cursor *c, int64_t *id, const char **value,
                                    size_t *len, bool *done, struct err *e)
{
    int r = sqlite3_step(c->s);

    *done = r != SQLITE_ROW;
    if (r == SQLITE_DONE)
        return ERR_OK;
    if (r != SQLITE_ROW)
        return store_fail(c->st, "read sorted indicators", e);
    *id = sqlite3_column_int64(c->s, 0);
    *value = (const char *)sqlite3_column_text(c->s, 1);
    *len = (size_t)sqlite3_column_bytes(c->s, 1);
    if (*value == NULL)
        *value = "";
    return ERR_OK;
}

void store_ind_sorted_close(struct store_ind_cursor *c)
{
    if (c == NULL)
        return;
    sqlite3_finalize(c->s);
    mem_free(c);
}

enum err_code store_ind_each_of_feed(struct store *st, int64_t feed_id, store_ind_fn fn, void *arg,
                                     struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc;

    if (sqlite3_prepare_v2(st->db, sql_list_feed, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare feed listing", e);
    sqlite3_bind_int64(s, 1, feed_id);
    rc = stream(st, s, fn, arg, e);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_allow_each(struct store *st, store_allow_fn fn, void *arg, struct err *e)
{
    static const char sql[] = "SELECT a.type, a.value, f.name FROM allowlist a"
                              " JOIN feeds f ON f.id = a.feed_id ORDER BY a.type, a.value";
    enum err_code ret = ERR_OK;
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare allowlist", e);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (!fn(arg, (const char *)sqlite3_column_text(s, 0),
                (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2)))
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = store_fail(st, "read allowlist", e);
    sqlite3_finalize(s);
    return ret;
}

enum err_code store_removals_each(struct store *st, int64_t feed_id, store_removal_fn fn, void *arg,
                                  struct err *e)
{
    static const char sql[] =
        "SELECT f.name, i.type, i.value, r.at FROM ind_removals r JOIN feeds f ON f.id ="
        " r.feed_id JOIN indicators i ON i.id = r.indicator_id WHERE ?1 = 0 OR r.feed_id = ?1"
        " ORDER BY r.id";
    enum err_code ret = ERR_OK;
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, "prepare removal log", e);
    sqlite3_bind_int64(s, 1, feed_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (!fn(arg, (const char *)sqlite3_column_text(s, 0),
                (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
                sqlite3_column_int64(s, 3)))
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = store_fail(st, "read removal log", e);
    sqlite3_finalize(s);
    return ret;
}
