/* store_serve.c - what `ooda serve` and the exports keep: API tokens (only their SHA-256
 * is stored, with a name and the TLP clearance the holder gets), RPZ zone serials, and
 * the data version the server polls. Statements are prepared per call: all are rare. */
#include "store/store_int.h"

#include <string.h>

static enum err_code prepare(struct store *st, const char *sql, sqlite3_stmt **s, struct err *e)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK)
        return store_fail(st, "preparing a token statement", e);
    return ERR_OK;
}

enum err_code store_token_add(struct store *st, const char *name, const uint8_t hash[32],
                              int clearance, int64_t now, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st,
                               "INSERT INTO api_tokens(name, hash, clearance, created)"
                               " VALUES(?1, ?2, ?3, ?4)",
                               &s, e);
    int r;

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, clearance);
    sqlite3_bind_int64(s, 4, now);
    r = sqlite3_step(s);
    sqlite3_finalize(s);
    if (r == SQLITE_CONSTRAINT)
        return err_set(e, ERR_USAGE, "store: a token named '%s' exists already", name);
    if (r != SQLITE_DONE)
        return store_fail(st, "adding a token", e);
    return ERR_OK;
}

enum err_code store_token_revoke(struct store *st, const char *name, bool *found, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, "DELETE FROM api_tokens WHERE name = ?1", &s, e);
    int r;

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        return store_fail(st, "revoking a token", e);
    *found = sqlite3_changes(st->db) > 0;
    return ERR_OK;
}

enum err_code store_token_each(struct store *st, store_token_fn fn, void *arg, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc =
        prepare(st, "SELECT name, hash, clearance, created FROM api_tokens ORDER BY name", &s, e);
    int r = SQLITE_DONE;

    while (rc == ERR_OK && (r = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_token t = {0};
        const char *name = (const char *)sqlite3_column_text(s, 0);

        if (name == NULL || sqlite3_column_bytes(s, 1) != 32)
            continue; /* not written by store_token_add */
        (void)snprintf(t.name, sizeof(t.name), "%s", name);
        memcpy(t.hash, sqlite3_column_blob(s, 1), 32);
        t.clearance = sqlite3_column_int(s, 2);
        t.created = sqlite3_column_int64(s, 3);
        if (!fn(arg, &t))
            break;
    }
    if (rc == ERR_OK && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = store_fail(st, "listing tokens", e);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_data_version(struct store *st, int64_t *out, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, "PRAGMA data_version", &s, e);

    if (rc != ERR_OK)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_fail(st, "reading data_version", e);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_zone_get(struct store *st, const char *zone, uint32_t *serial,
                             uint8_t digest[32], bool *found, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st, "SELECT serial, digest FROM rpz_zones WHERE name = ?1", &s, e);
    int r;

    *found = false;
    *serial = 0;
    memset(digest, 0, 32);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, zone, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        *found = true;
        *serial = (uint32_t)sqlite3_column_int64(s, 0);
        if (sqlite3_column_bytes(s, 1) == 32)
            memcpy(digest, sqlite3_column_blob(s, 1), 32);
    } else if (r != SQLITE_DONE) {
        rc = store_fail(st, "reading a zone serial", e);
    }
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_zone_put(struct store *st, const char *zone, uint32_t serial,
                             const uint8_t *digest, int64_t now, struct err *e)
{
    sqlite3_stmt *s;
    enum err_code rc = prepare(st,
                               "INSERT INTO rpz_zones(name, serial, digest, updated)"
                               " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE SET"
                               " serial = excluded.serial, digest = excluded.digest,"
                               " updated = excluded.updated",
                               &s, e);

    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_text(s, 1, zone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, serial);
    if (digest != NULL)
        sqlite3_bind_blob(s, 3, digest, 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_fail(st, "writing a zone serial", e);
    sqlite3_finalize(s);
    return rc;
}

enum err_code store_read_begin(struct store *st, struct err *e)
{
    /* BEGIN alone defers the snapshot to the first read: take it now */
    enum err_code rc = store_exec(st, "BEGIN", e);

    if (rc == ERR_OK && (rc = store_exec(st, "SELECT count(*) FROM sqlite_schema", e)) != ERR_OK)
        store_read_end(st);
    return rc;
}

void store_read_end(struct store *st)
{
    if (sqlite3_get_autocommit(st->db) == 0)
        (void)sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

enum err_code store_set_memory(struct store *st, int64_t mmap_bytes, int64_t cache_kib,
                               struct err *e)
{
    char sql[96];

    (void)snprintf(sql, sizeof(sql), "PRAGMA mmap_size=%lld; PRAGMA cache_size=-%lld",
                   (long long)mmap_bytes, (long long)cache_kib);
    return store_exec(st, sql, e);
}
