/* fuzz_zeek.c - libFuzzer target for the Zeek parsers (observe/zeek.c) and the event
 * aggregator. Byte 0 picks the form (even: TSV, odd: JSON); the rest is a log. TSV lines
 * starting with '#' go to the header parser (so #path and #fields come from the input),
 * the others to the record parser; JSON lines to observe_zeek_json_parse. The checks are
 * those of fuzz_events.h, and a usable #fields header has 1..256 columns. */
#include "fuzz_events.h"

static struct zeek_tsv tsv;
static bool use_json;

static int parse(const char *p, size_t n, struct ev_rec *r, const char **why, size_t *off,
                 char type[32])
{
    int k;

    type[0] = 'z';
    type[1] = '\0';
    if (use_json)
        return observe_zeek_json_parse(p, n, r, why, off);
    if (n > 0 && p[0] == '#') {
        k = observe_zeek_tsv_header(&tsv, p, n, why);
        if (k == 0 && tsv.have_fields && (tsv.ncols < 1 || tsv.ncols > 256))
            abort();
        return k < 0 ? -1 : 0;
    }
    return observe_zeek_tsv_parse(&tsv, p, n, r, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    use_json = data[0] & 1;
    memset(&tsv, 0, sizeof(tsv));
    fz_log(data + 1, size - 1, parse);
    return 0;
}
