/* test_store.c - unit tests of store/store.c: creating a database (schema version, WAL),
 * reopening, refusing a newer schema, atomic migrations, default paths, sensors, the
 * ingested-file registry and its constraints, transactions and the integrity check.
 *
 * Each test gets a fresh mkdtemp() directory under /tmp with an open store in it;
 * assertions about the file go through a second, plain sqlite3 connection. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#define FIXTURE_NO_SENSORS
#include "store_fixture.h"

struct ctx {
    char dir[64];
    char path[128];
    struct store *st;
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct err e;

    if (c == NULL)
        return -1;
    (void)snprintf(c->dir, sizeof(c->dir), "/tmp/ooda-test-store-XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return -1;
    (void)snprintf(c->path, sizeof(c->path), "%s/ooda.db", c->dir);
    if (store_open(c->path, &c->st, &e) != ERR_OK) {
        fprintf(stderr, "store_open: %s\n", e.msg);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;

    mem_fail_after(0);
    store_close(c->st);
    fixture_rm_dir(c->dir);
    free(c);
    return 0;
}

/* ---- direct SQLite access for checks ------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    return db;
}

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *s;
    int64_t v;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void raw_text(const char *path, const char *sql, char *out, size_t cap)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *s;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    (void)snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path);

    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

static bool file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static void reopen(struct ctx *c)
{
    struct err e;

    store_close(c->st);
    c->st = NULL;
    if (store_open(c->path, &c->st, &e) != ERR_OK)
        fail_msg("reopen: %s", e.msg);
}

/* ---- opening ---------------------------------------------------------------------------- */

static void test_open_creates_schema_in_wal_mode(void **state)
{
    static const char *const tables[] = {"sensors",      "ingested_files", "dk_source_day",
                                         "dk_port_hour", "dk_port_day",    "dk_country_hour",
                                         "dk_asn_hour",  "indicators",     "sighting_days"};
    struct ctx *c = *state;
    char wal[160], mode[16], sql[160];

    assert_int_equal(store_schema_version(c->st), STORE_SCHEMA_VERSION);
    assert_string_equal(store_path(c->st), c->path);
    assert_true(file_exists(c->path));
    (void)snprintf(wal, sizeof(wal), "%s-wal", c->path);
    assert_true(file_exists(wal));
    raw_text(c->path, "PRAGMA journal_mode", mode, sizeof(mode));
    assert_string_equal(mode, "wal");
    assert_int_equal(raw_int(c->path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        (void)snprintf(sql, sizeof(sql),
                       "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'",
                       tables[i]);
        if (raw_int(c->path, sql) != 1)
            fail_msg("table %s missing", tables[i]);
    }
}

static void test_reopen_keeps_data(void **state)
{
    struct ctx *c = *state;
    struct store_file f = {.hash = {1, 2, 3}, .name = "a.pcap", .bytes = 10};
    struct err e;
    int64_t id, again = -1;
    bool seen = false;

    assert_int_equal(store_sensor_id(c->st, "alpha", true, &id, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, id, &f, &e), ERR_OK);
    reopen(c);
    assert_int_equal(store_schema_version(c->st), STORE_SCHEMA_VERSION);
    assert_int_equal(store_sensor_id(c->st, "alpha", false, &again, &e), ERR_OK);
    assert_int_equal(again, id);
    assert_int_equal(store_file_seen(c->st, id, f.hash, &seen, &e), ERR_OK);
    assert_true(seen);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sensors"), 1);
}

static void test_open_newer_schema_fails(void **state)
{
    struct ctx *c = *state;
    struct store *st = (struct store *)c;
    char path[160], sql[64];
    struct err e;

    (void)snprintf(path, sizeof(path), "%s/newer.db", c->dir);
    (void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
    raw_exec(path, sql);
    assert_int_equal(store_open(path, &st, &e), ERR_DB);
    assert_null(st);
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.msg, "newer"));
    assert_non_null(strstr(e.msg, path));
    /* Left alone: same version, no tables added. */
    assert_int_equal(raw_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION + 1);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master"), 0);
}

static void test_failed_migration_keeps_old_version(void **state)
{
    struct ctx *c = *state;
    struct store *st = (struct store *)c;
    char path[160];
    struct err e;

    /* A version-0 file whose "indicators" table clashes with migration 0 -> 1. */
    (void)snprintf(path, sizeof(path), "%s/clash.db", c->dir);
    raw_exec(path, "CREATE TABLE indicators(x)");
    assert_int_equal(store_open(path, &st, &e), ERR_DB);
    assert_null(st);
    assert_non_null(strstr(e.msg, "indicators"));
    assert_int_equal(raw_int(path, "PRAGMA user_version"), 0);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name='sensors'"), 0);
}

static void test_open_not_a_database(void **state)
{
    struct ctx *c = *state;
    struct store *st = (struct store *)c;
    char path[160], junk[4096];
    struct err e;
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/junk.db", c->dir);
    memset(junk, 'j', sizeof(junk));
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
    assert_int_equal(fclose(f), 0);
    assert_int_equal(store_open(path, &st, &e), ERR_DB);
    assert_null(st);
    assert_non_null(strstr(e.msg, "not a database"));
}

static void test_open_missing_directory(void **state)
{
    struct ctx *c = *state;
    struct store *st = (struct store *)c;
    char path[160];
    struct err e;

    (void)snprintf(path, sizeof(path), "%s/no/such/dir/x.db", c->dir);
    assert_int_equal(store_open(path, &st, &e), ERR_IO);
    assert_null(st);
    assert_non_null(strstr(e.msg, path));
}

static void test_open_default_paths(void **state)
{
    struct ctx *c = *state;
    struct store *st;
    char path[160], cwd[512];
    struct err e;

    (void)snprintf(path, sizeof(path), "%s/env.db", c->dir);
    assert_int_equal(setenv("OODA_DB", path, 1), 0);
    assert_int_equal(store_open(NULL, &st, &e), ERR_OK);
    assert_string_equal(store_path(st), path);
    store_close(st);
    assert_int_equal(store_open("", &st, &e), ERR_OK);
    assert_string_equal(store_path(st), path);
    store_close(st);
    assert_true(file_exists(path));

    unsetenv("OODA_DB");
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(c->dir), 0);
    assert_int_equal(store_open(NULL, &st, &e), ERR_OK);
    assert_int_equal(chdir(cwd), 0);
    assert_string_equal(store_path(st), "ooda.db");
    store_close(st);
    store_close(NULL);
}

static void test_open_nomem(void **state)
{
    struct ctx *c = *state;
    struct store *st = (struct store *)c;
    char path[160];
    struct err e;

    (void)snprintf(path, sizeof(path), "%s/nomem.db", c->dir);
    mem_fail_after(1);
    assert_int_equal(store_open(path, &st, &e), ERR_NOMEM);
    mem_fail_after(0);
    assert_null(st);
    assert_int_equal(e.code, ERR_NOMEM);
}

static void test_integrity_check_ok(void **state)
{
    struct ctx *c = *state;
    struct err e;
    bool ok = false;
    int64_t id;

    assert_int_equal(store_sensor_id(c->st, "s", true, &id, &e), ERR_OK);
    assert_int_equal(store_integrity_check(c->st, &ok, &e), ERR_OK);
    assert_true(ok);
}

/* ---- sensors ------------------------------------------------------------------------------ */

static void test_sensor_create_and_lookup(void **state)
{
    struct ctx *c = *state;
    struct err e;
    int64_t a = 0, a2 = 0, b = 0, look = 0;
    int64_t now = time_now();

    assert_int_equal(store_sensor_id(c->st, "alpha", true, &a, &e), ERR_OK);
    assert_true(a > 0);
    assert_int_equal(store_sensor_id(c->st, "alpha", true, &a2, &e), ERR_OK);
    assert_int_equal(a2, a); /* create is find-or-create */
    assert_int_equal(store_sensor_id(c->st, "beta", true, &b, &e), ERR_OK);
    assert_true(b != a);
    assert_int_equal(store_sensor_id(c->st, "alpha", false, &look, &e), ERR_OK);
    assert_int_equal(look, a);
    assert_int_equal(store_sensor_id(c->st, "beta", false, &look, &e), ERR_OK);
    assert_int_equal(look, b);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sensors"), 2);
    assert_true(raw_int(c->path, "SELECT min(created) FROM sensors") >= now - 5);
    assert_true(raw_int(c->path, "SELECT max(created) FROM sensors") <= now + 5);
}

static void test_sensor_not_found(void **state)
{
    struct ctx *c = *state;
    struct err e;
    int64_t id = 77;

    assert_int_equal(store_sensor_id(c->st, "gamma", false, &id, &e), ERR_NOTFOUND);
    assert_int_equal(e.code, ERR_NOTFOUND);
    assert_non_null(strstr(e.msg, "'gamma'"));
    assert_int_equal(id, 77);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sensors"), 0);
    /* Names are exact: no case folding, no trimming. */
    assert_int_equal(store_sensor_id(c->st, "Gamma", true, &id, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "gamma", false, &id, &e), ERR_NOTFOUND);
    assert_int_equal(store_sensor_id(c->st, "Gamma ", false, &id, &e), ERR_NOTFOUND);
}

/* ---- ingested files ------------------------------------------------------------------------ */

static void test_file_seen_and_add(void **state)
{
    struct ctx *c = *state;
    struct store_file f = {.hash = {0xde, 0xad, 0xbe, 0xef, [15] = 0x01},
                           .name = "dark-2026-11-25.pcap",
                           .bytes = 123456789012ull,
                           .records = 1000,
                           .accepted = 990,
                           .first_ts = 1795564800,
                           .last_ts = 1795651199};
    struct err e;
    int64_t s1, s2, now = time_now();
    bool seen = true;
    char name[64];

    assert_int_equal(store_sensor_id(c->st, "s1", true, &s1, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "s2", true, &s2, &e), ERR_OK);
    assert_int_equal(store_file_seen(c->st, s1, f.hash, &seen, &e), ERR_OK);
    assert_false(seen);
    assert_int_equal(store_file_add(c->st, s1, &f, &e), ERR_OK);
    assert_int_equal(store_file_seen(c->st, s1, f.hash, &seen, &e), ERR_OK);
    assert_true(seen);
    assert_int_equal(store_file_seen(c->st, s2, f.hash, &seen, &e), ERR_OK);
    assert_false(seen); /* per sensor */
    f.hash[15] = 0x02;
    assert_int_equal(store_file_seen(c->st, s1, f.hash, &seen, &e), ERR_OK);
    assert_false(seen); /* every byte of the hash counts */
    f.hash[15] = 0x01;

    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM ingested_files"), 1);
    raw_text(c->path, "SELECT name FROM ingested_files", name, sizeof(name));
    assert_string_equal(name, "dark-2026-11-25.pcap");
    raw_text(c->path, "SELECT hex(hash) FROM ingested_files", name, sizeof(name));
    assert_string_equal(name, "DEADBEEF000000000000000000000001");
    assert_int_equal(raw_int(c->path, "SELECT bytes FROM ingested_files"), 123456789012ll);
    assert_int_equal(raw_int(c->path, "SELECT records FROM ingested_files"), 1000);
    assert_int_equal(raw_int(c->path, "SELECT accepted FROM ingested_files"), 990);
    assert_int_equal(raw_int(c->path, "SELECT first_ts FROM ingested_files"), 1795564800);
    assert_int_equal(raw_int(c->path, "SELECT last_ts FROM ingested_files"), 1795651199);
    assert_true(raw_int(c->path, "SELECT ingested_at FROM ingested_files") >= now - 5);
    assert_true(raw_int(c->path, "SELECT ingested_at FROM ingested_files") <= now + 5);
}

static void test_file_add_twice_is_constraint_error(void **state)
{
    struct ctx *c = *state;
    struct store_file f = {.hash = {9, 9, 9}, .name = "x.pcap"};
    struct err e;
    int64_t s1, s2;
    bool seen;

    assert_int_equal(store_sensor_id(c->st, "s1", true, &s1, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "s2", true, &s2, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, s1, &f, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, s1, &f, &e), ERR_DB);
    assert_int_equal(e.code, ERR_DB);
    assert_non_null(strstr(e.msg, "UNIQUE constraint failed"));
    /* The same content from another sensor is a different file. */
    assert_int_equal(store_file_add(c->st, s2, &f, &e), ERR_OK);
    /* The connection is still fine after the constraint error. */
    assert_int_equal(store_file_seen(c->st, s2, f.hash, &seen, &e), ERR_OK);
    assert_true(seen);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM ingested_files"), 2);
}

static void test_file_add_unknown_sensor_rejected(void **state)
{
    struct ctx *c = *state;
    struct store_file f = {.hash = {1}, .name = "x"};
    struct err e;

    assert_int_equal(store_file_add(c->st, 999, &f, &e), ERR_DB);
    assert_non_null(strstr(e.msg, "FOREIGN KEY"));
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM ingested_files"), 0);
}

/* ---- transactions -----------------------------------------------------------------------------
 */

static void test_rollback_discards(void **state)
{
    struct ctx *c = *state;
    struct store_file f = {.hash = {4}, .name = "r"};
    struct err e;
    int64_t keep, id;
    bool seen = true;

    assert_int_equal(store_sensor_id(c->st, "keep", true, &keep, &e), ERR_OK);
    assert_int_equal(store_begin(c->st, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "temp", true, &id, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, keep, &f, &e), ERR_OK);
    store_rollback(c->st);
    assert_int_equal(store_sensor_id(c->st, "temp", false, &id, &e), ERR_NOTFOUND);
    assert_int_equal(store_file_seen(c->st, keep, f.hash, &seen, &e), ERR_OK);
    assert_false(seen);
    assert_int_equal(store_sensor_id(c->st, "keep", false, &id, &e), ERR_OK);
    store_rollback(c->st); /* nothing open: a no-op */
    assert_int_equal(store_sensor_id(c->st, "keep", false, &id, &e), ERR_OK);
}

static void test_commit_keeps(void **state)
{
    struct ctx *c = *state;
    struct err e;
    int64_t id, look;

    assert_int_equal(store_begin(c->st, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "one", true, &id, &e), ERR_OK);
    assert_int_equal(store_sensor_id(c->st, "two", true, &id, &e), ERR_OK);
    /* Not visible to another connection before the commit. */
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sensors"), 0);
    assert_int_equal(store_commit(c->st, &e), ERR_OK);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM sensors"), 2);
    reopen(c);
    assert_int_equal(store_sensor_id(c->st, "two", false, &look, &e), ERR_OK);
    assert_int_equal(look, id);
}

static void test_transaction_misuse_is_db_error(void **state)
{
    struct ctx *c = *state;
    struct err e;

    assert_int_equal(store_commit(c->st, &e), ERR_DB);
    assert_int_equal(e.code, ERR_DB);
    assert_int_equal(store_begin(c->st, &e), ERR_OK);
    assert_int_equal(store_begin(c->st, &e), ERR_DB); /* no nesting */
    assert_int_equal(store_commit(c->st, &e), ERR_OK);
}

static void test_constraint_error_inside_transaction_keeps_the_rest(void **state)
{
    struct ctx *c = *state;
    struct store_file f1 = {.hash = {1}, .name = "1"}, f2 = {.hash = {2}, .name = "2"};
    struct err e;
    int64_t s;

    assert_int_equal(store_sensor_id(c->st, "s", true, &s, &e), ERR_OK);
    assert_int_equal(store_begin(c->st, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, s, &f1, &e), ERR_OK);
    assert_int_equal(store_file_add(c->st, s, &f1, &e), ERR_DB);
    assert_int_equal(store_file_add(c->st, s, &f2, &e), ERR_OK);
    assert_int_equal(store_commit(c->st, &e), ERR_OK);
    assert_int_equal(raw_int(c->path, "SELECT count(*) FROM ingested_files"), 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_open_creates_schema_in_wal_mode),
        T(test_reopen_keeps_data),
        T(test_open_newer_schema_fails),
        T(test_failed_migration_keeps_old_version),
        T(test_open_not_a_database),
        T(test_open_missing_directory),
        T(test_open_default_paths),
        T(test_open_nomem),
        T(test_integrity_check_ok),
        T(test_sensor_create_and_lookup),
        T(test_sensor_not_found),
        T(test_file_seen_and_add),
        T(test_file_add_twice_is_constraint_error),
        T(test_file_add_unknown_sensor_rejected),
        T(test_rollback_discards),
        T(test_commit_keeps),
        T(test_transaction_misuse_is_db_error),
        T(test_constraint_error_inside_transaction_keeps_the_rest),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
