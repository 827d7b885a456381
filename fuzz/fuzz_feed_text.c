/* fuzz_feed_text.c - the text feed parsers: byte 0 selects plain (0), csv (1, with the
 * column map of byte 1) or the URLhaus dump (2); the rest is one feed file. Every entry
 * is canonicalised the way a pull does it, so the parsers' pointers and lengths are
 * checked against ioc_canon and ioc_guess too. */
#include <stdint.h>
#include <string.h>

#include "observe/feed_int.h"

static const char *const maps[] = {NULL, "value=2,type=1",
                                   "value=1,seen=2,tags=3,confidence=4,tlp=5,valid_until=6",
                                   "type=3,value=2,seen=1"};

static bool on_entry(void *arg, const struct feed_entry *en)
{
    char out[IOC_VALUE_MAX + 1];
    enum ioc_type t = en->type;
    struct err e;

    (*(uint64_t *)arg)++;
    if (en->tags != NULL)
        (void)strlen(en->tags);
    if (en->type_known || ioc_guess(en->value, en->len, &t))
        (void)ioc_canon(t, en->value, en->len, out, sizeof(out), &e);
    return true;
}

static void on_reject(void *arg, const char *where, uint64_t line, const char *reason)
{
    (void)where;
    (void)line;
    (void)strlen(reason);
    (*(uint64_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    uint64_t n = 0;
    struct feed_sink sink = {.entry = on_entry, .reject = on_reject, .arg = &n};
    struct err e;

    if (len < 2)
        return 0;
    switch (data[0] % 3) {
    case 0:
        (void)feed_parse_plain((const char *)data + 2, len - 2, "fuzz", &sink, &e);
        break;
    case 1:
        (void)feed_parse_csv((const char *)data + 2, len - 2, maps[data[1] % 4], "fuzz", &sink, &e);
        break;
    default:
        (void)feed_parse_urlhaus((const char *)data + 2, len - 2, "fuzz", &sink, &e);
        break;
    }
    return 0;
}
