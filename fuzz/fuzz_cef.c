/* fuzz_cef.c - libFuzzer target for the CEF-over-syslog parser (observe/cef.c), its
 * sniffer and the aggregator's alert path: the input is a log, each line through
 * observe_cef_parse; the checks are those of fuzz_events.h. */
#include "fuzz_events.h"

static int parse(const char *p, size_t n, struct ev_rec *r, const char **why, size_t *off,
                 char type[32])
{
    type[0] = 'c';
    type[1] = '\0';
    *off = SIZE_MAX;
    return observe_cef_parse(p, n, r, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)observe_cef_sniff((const char *)data, size);
    fz_log(data, size, parse);
    return 0;
}
