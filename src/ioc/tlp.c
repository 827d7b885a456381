/* tlp.c - TLP 2.0 level names (FIRST's Traffic Light Protocol), with TLP 1.0's "white". */
#include "ioc/ioc.h"

#include <string.h>
#include <strings.h>

static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

const char *ioc_tlp_name(enum ioc_tlp t)
{
    return (unsigned)t < sizeof(tlp_names) / sizeof(tlp_names[0]) ? tlp_names[t] : "?";
}

static bool name_is(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);

    return len == n && strncasecmp(s, name, n) == 0;
}

bool ioc_tlp_parse(const char *name, size_t len, enum ioc_tlp *out)
{
    if (len >= 4 && strncasecmp(name, "tlp:", 4) == 0) {
        name += 4;
        len -= 4;
    }
    if (name_is(name, len, "white")) {
        *out = IOC_TLP_CLEAR;
        return true;
    }
    for (unsigned i = 0; i < sizeof(tlp_names) / sizeof(tlp_names[0]); i++)
        if (name_is(name, len, tlp_names[i])) {
            *out = (enum ioc_tlp)i;
            return true;
        }
    return false;
}
