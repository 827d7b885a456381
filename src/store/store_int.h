/* store_int.h - private to store/: the connection and its prepared statements. */
#ifndef OODA_STORE_INT_H
#define OODA_STORE_INT_H

#include "store/store.h"

#include <sqlite3.h>

enum store_stmt_id {
    ST_SENSOR_GET,
    ST_SENSOR_ADD,
    ST_FILE_SEEN,
    ST_FILE_SIZE_SEEN,
    ST_FILE_ADD,
    ST_DK_SRC_PUT,
    ST_DK_SRC_LOAD,
    ST_DK_PORT_PUT,
    ST_DK_PORT_LOAD,
    ST_DK_PORT_DAY_PUT,
    ST_DK_CC_PUT,
    ST_DK_ASN_PUT,
    ST_DK_GEO_LOAD,
    ST_COUNT
};

struct store {
    sqlite3 *db;
    char path[1024];
    sqlite3_stmt *stmt[ST_COUNT];
};

/* Returns the cached prepared statement id (preparing it on first use), reset and with
 * bindings cleared. */
enum err_code store_stmt(struct store *st, enum store_stmt_id id, sqlite3_stmt **out,
                         struct err *e);
/* The same without clearing the bindings: for the per-row writers, which bind every
 * parameter each time (clearing them costs more than a row's binds). */
enum err_code store_stmt_rebind(struct store *st, enum store_stmt_id id, sqlite3_stmt **out,
                                struct err *e);
/* Fills *e from the connection's last error: "store: what: sqlite message". */
enum err_code store_fail(struct store *st, const char *what, struct err *e);
/* Runs SQL without results. */
enum err_code store_exec(struct store *st, const char *sql, struct err *e);

/* dk_source_day row ids are day << 46 | sensor << 32 | seq (store_darknet.c): the id
 * range [*lo, *hi] of the days [since, until) touches (until <= 0: no end); empty
 * (*lo > *hi) when no representable day does. */
void store_dk_id_range(int64_t since, int64_t until, int64_t *lo, int64_t *hi);

#endif
