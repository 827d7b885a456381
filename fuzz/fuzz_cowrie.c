/* fuzz_cowrie.c - libFuzzer target for the Cowrie honeypot parser (observe/cowrie.c), the
 * log-format sniffer and the aggregator's honeypot path (evidence, download URL and hash
 * sightings): the input is a log, its format sniffed (it must be a known one), then each
 * line through observe_cowrie_parse; the checks are those of fuzz_events.h. */
#include "fuzz_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if ((unsigned)observe_log_format((const char *)data, size) > EVF_CEF)
        abort();
    fz_log(data, size, observe_cowrie_parse);
    return 0;
}
