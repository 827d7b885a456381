/* num.c - whole-string number parsing with range checks, hashing and hex. */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum err_code num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
                            struct err *e)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0')
        return err_set(e, ERR_PARSE, "number: empty");
    if (*s != '-' && *s != '+' && (*s < '0' || *s > '9'))
        return err_set(e, ERR_PARSE, "number: '%s' is not an integer", s);
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s)
        return err_set(e, ERR_PARSE, "number: '%s' is not an integer", s);
    if (v < min || v > max)
        return err_set(e, ERR_PARSE, "number: %lld out of range [%lld, %lld]", v,
                       (long long)min, (long long)max);
    *out = (int64_t)v;
    return ERR_OK;
}

enum err_code num_parse_u64(const char *s, uint64_t max, uint64_t *out, struct err *e)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return err_set(e, ERR_PARSE, "number: '%s' is not an unsigned integer", s ? s : "");
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return err_set(e, ERR_PARSE, "number: '%s' is not an unsigned integer", s);
    if (v > max)
        return err_set(e, ERR_PARSE, "number: %llu larger than %llu", v, (unsigned long long)max);
    *out = (uint64_t)v;
    return ERR_OK;
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (n + 1));

    while (n >= 8) {
        h = hash_u64(h ^ rd64(p));
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t t = 0;
        memcpy(&t, p, n);
        h = hash_u64(h ^ t ^ ((uint64_t)n << 56));
    }
    return hash_u64(h);
}

char *hex_encode(const uint8_t *data, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    if (cap == 0)
        return out;
    for (i = 0; i < n && 2 * i + 2 < cap; i++) {
        out[2 * i] = hex[data[i] >> 4];
        out[2 * i + 1] = hex[data[i] & 15];
    }
    out[2 * i] = '\0';
    return out;
}
