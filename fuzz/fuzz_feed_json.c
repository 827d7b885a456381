/* fuzz_feed_json.c - libFuzzer target for the JSON feed parsers (observe/feed_misp.c,
 * observe/feed_stix.c). Byte 0 picks the entry point (value % 3: 0 a MISP event, 1 a MISP
 * manifest, 2 a STIX bundle; bit 2 set: the sink stops after the first entry); the rest
 * is the file. Every entry and rejection is checked against the feed_int.h contract
 * (value inside len, tags NUL-terminated, TLP and confidence in range, line >= 1) and a
 * violation aborts. The document is copied to end right before a PROT_NONE page, so
 * a read past its end faults even inside libcjson, which ASan does not instrument. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "observe/feed_int.h"

#define FZ_ROOM (1u << 20) /* documents up to this size get the guard page */

struct fz {
    bool stop_first;
    uint64_t n;
};

static bool fz_entry(void *arg, const struct feed_entry *en)
{
    struct fz *f = arg;
    volatile char sink = 0;

    if (en->value == NULL || en->len > IOC_VALUE_MAX || en->line == 0 || !en->type_known ||
        (unsigned)en->type >= IOC_NTYPES || en->tlp < -1 || en->tlp > IOC_TLP_RED ||
        en->confidence < -1 || en->confidence > 100 || en->seen < 0 || en->valid_until < 0 ||
        en->where == NULL)
        abort();
    for (size_t i = 0; i < en->len; i++) /* every byte readable (ASan) */
        sink ^= en->value[i];
    if (en->tags != NULL && strlen(en->tags) >= FEED_TAGS_MAX)
        abort();
    (void)sink;
    f->n++;
    return !f->stop_first;
}

static void fz_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    (void)arg;
    if (where == NULL || line == 0 || reason == NULL || reason[0] == '\0')
        abort();
}

static bool fz_uuid(void *arg, const char *uuid)
{
    struct fz *f = arg;

    if (strlen(uuid) != 36)
        abort();
    f->n++;
    return !f->stop_first;
}

/* FZ_ROOM bytes (a multiple of the page size) followed by an inaccessible page. */
static char *guarded_room(void)
{
    static char *room;
    long page = sysconf(_SC_PAGESIZE);
    char *p;

    if (room != NULL || page <= 0 || FZ_ROOM % (size_t)page != 0)
        return room;
    p = mmap(NULL, FZ_ROOM + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
             0);
    if (p == MAP_FAILED || mprotect(p + FZ_ROOM, (size_t)page, PROT_NONE) != 0)
        abort();
    room = p;
    return room;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    char *room = guarded_room();
    struct fz f = {0};
    struct feed_sink sink = {fz_entry, fz_reject, &f};
    struct err e;
    const char *doc;

    if (len < 1)
        return 0;
    log_set_level(LOG_ERROR); /* the manifest's warnings would flood the run */
    f.stop_first = (data[0] & 4) != 0;
    doc = (const char *)data + 1;
    if (room != NULL && len - 1 <= FZ_ROOM) {
        memcpy(room + FZ_ROOM - (len - 1), data + 1, len - 1);
        doc = room + FZ_ROOM - (len - 1);
    }
    switch (data[0] % 3) {
    case 0:
        (void)feed_parse_misp_event(doc, len - 1, "fuzz", &sink, &e);
        break;
    case 1:
        (void)feed_parse_misp_manifest(doc, len - 1, "fuzz", fz_uuid, &f, &e);
        break;
    default:
        (void)feed_parse_stix(doc, len - 1, "fuzz", &sink, &e);
        break;
    }
    return 0;
}
