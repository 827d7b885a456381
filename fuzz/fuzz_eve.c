/* fuzz_eve.c - libFuzzer target for the Suricata EVE parser (observe/eve.c) and the event
 * aggregator (observe/events.c): the input is a log, each line through observe_eve_parse;
 * the checks are those of fuzz_events.h. */
#include "fuzz_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_log(data, size, observe_eve_parse);
    return 0;
}
