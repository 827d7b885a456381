/* store_fixture.h - shared by the store tests (included, not compiled alone): a fresh
 * store with sensors "s1" and "s2" in a mkdtemp() directory per test, and small helpers.
 * Times are built around BASE = 2026-11-25T00:00:00Z (day DAY). */
#ifndef OODA_TESTS_STORE_FIXTURE_H
#define OODA_TESTS_STORE_FIXTURE_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"

/* Removes dir and the files in it (the store's db, -wal and -shm). */
static inline void fixture_rm_dir(const char *dir)
{
    char path[512];
    struct dirent *de;
    DIR *d = opendir(dir);

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        (void)unlink(path);
    }
    closedir(d);
    (void)rmdir(dir);
}

#ifndef FIXTURE_NO_SENSORS
#define BASE      INT64_C(1795564800)
#define DAY       (BASE / 86400)
#define H         INT64_C(3600)
#define ALL_HOURS 0xffffffu

struct ctx {
    char dir[64];
    char path[128];
    struct store *st;
    int64_t s1, s2; /* sensors "s1" and "s2" */
};

static inline int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct err e;

    if (c == NULL)
        return -1;
    (void)snprintf(c->dir, sizeof(c->dir), "/tmp/ooda-test-dk-XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return -1;
    (void)snprintf(c->path, sizeof(c->path), "%s/ooda.db", c->dir);
    if (store_open(c->path, &c->st, &e) != ERR_OK ||
        store_sensor_id(c->st, "s1", true, &c->s1, &e) != ERR_OK ||
        store_sensor_id(c->st, "s2", true, &c->s2, &e) != ERR_OK) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return -1;
    }
    *state = c;
    return 0;
}

static inline int teardown(void **state)
{
    struct ctx *c = *state;

    store_close(c->st);
    fixture_rm_dir(c->dir);
    free(c);
    return 0;
}

static inline struct ip16 ip(const char *s)
{
    struct ip16 a;
    struct err e;

    if (ip16_parse(s, &a, &e) != ERR_OK)
        fail_msg("bad address %s", s);
    return a;
}

static inline void ok(enum err_code rc, const struct err *e)
{
    if (rc != ERR_OK)
        fail_msg("store call failed: %s", e->msg);
}

/* A source-day row with the fields the queries look at. */
static inline void put_src(struct ctx *c, int64_t sensor, int64_t day, const char *addr,
                           uint32_t hours, uint64_t packets, int64_t first, int64_t last,
                           bool scanner, bool victim, const char *cc, uint32_t asn)
{
    struct store_dk_src r;
    struct err e;

    memset(&r, 0, sizeof(r));
    r.src = ip(addr);
    r.day = day;
    r.packets = packets;
    r.bytes = packets * 60;
    r.cls[STORE_DK_TCP_SYN] = packets;
    r.first_seen = first;
    r.last_seen = last;
    r.hours = hours;
    r.dsts = packets;
    r.ports = 1;
    (void)snprintf(r.country, sizeof(r.country), "%s", cc);
    r.asn = asn;
    r.scanner = scanner;
    r.victim = victim;
    r.seq = (uint32_t)hash_bytes(r.src.b, 16, 0); /* one row per source */
    ok(store_dk_src_put(c->st, sensor, &r, &e), &e);
}

static inline void put_port(struct ctx *c, int64_t sensor, int64_t hour, uint16_t port, uint8_t cls,
                            uint64_t packets, uint64_t bytes)
{
    struct store_dk_port r = {.hour = hour,
                              .port = port,
                              .cls = cls,
                              .packets = packets,
                              .bytes = bytes,
                              .sources = 1,
                              .new_sources = 1};
    struct err e;

    ok(store_dk_port_put(c->st, sensor, &r, &e), &e);
}

static inline void put_cc(struct ctx *c, int64_t sensor, int64_t hour, const char *cc,
                          uint64_t packets)
{
    struct store_dk_geo r = {.hour = hour, .packets = packets, .sources = 1};
    struct err e;

    (void)snprintf(r.country, sizeof(r.country), "%s", cc);
    ok(store_dk_geo_put(c->st, sensor, &r, &e), &e);
}

static inline void put_asn(struct ctx *c, int64_t sensor, int64_t hour, uint32_t asn,
                           uint64_t packets)
{
    struct store_dk_geo r = {
        .hour = hour, .is_asn = true, .asn = asn, .packets = packets, .sources = 1};
    struct err e;

    ok(store_dk_geo_put(c->st, sensor, &r, &e), &e);
}

#endif

#endif
