/* time.c - UTC time: parsing RFC 3339, dates, Unix seconds and relative durations;
 * formatting RFC 3339; a monotonic clock. No locale, no TZ: everything is UTC. */
#include "util/util.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

int64_t time_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts); /* cannot fail with a valid clock id */
    return (int64_t)ts.tv_sec;
}

double time_mono(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

char *time_format(int64_t t, char *out, size_t cap)
{
    int64_t day = time_day(t), secs = t - day * 86400, y;
    int m, d;

    civil_from_days(day, &y, &m, &d);
    (void)snprintf(out, cap, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
                   (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    return out;
}

/* Reads exactly n digits at s[*i]. */
static bool digits(const char *s, size_t *i, int n, int *out)
{
    int v = 0;

    for (int k = 0; k < n; k++) {
        if (!isdigit((unsigned char)s[*i]))
            return false;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return true;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

static bool parse_offset(const char *s, size_t *i, int64_t *off)
{
    int hh, mm, sign;

    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        *off = 0;
        return true;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return false;
    sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    if (!digits(s, i, 2, &hh) || s[*i] != ':')
        return false;
    (*i)++;
    if (!digits(s, i, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *off = sign * (hh * 3600 + mm * 60);
    return true;
}

static bool parse_rfc3339(const char *s, int64_t *out)
{
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, se = 0;
    int64_t off = 0;

    if (!digits(s, &i, 4, &y) || s[i++] != '-' || !digits(s, &i, 2, &mo) || s[i++] != '-' ||
        !digits(s, &i, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    if (s[i] != '\0') {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return false;
        i++;
        if (!digits(s, &i, 2, &h) || s[i++] != ':' || !digits(s, &i, 2, &mi))
            return false;
        if (s[i] == ':') {
            i++;
            if (!digits(s, &i, 2, &se))
                return false;
            if (s[i] == '.') { /* fractions are accepted and dropped */
                if (!isdigit((unsigned char)s[++i]))
                    return false;
                while (isdigit((unsigned char)s[i]))
                    i++;
            }
        }
        if (h > 23 || mi > 59 || se > 60)
            return false;
        if (s[i] != '\0' && !parse_offset(s, &i, &off))
            return false;
        if (s[i] != '\0')
            return false;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    return true;
}

static bool parse_duration(const char *s, int64_t now, int64_t *out)
{
    size_t n = strlen(s);
    int64_t v = 0, unit;

    if (n < (s[0] == '-' ? 3u : 2u) || n > 12)
        return false;
    switch (s[n - 1]) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return false;
    }
    for (size_t i = (s[0] == '-' ? 1 : 0); i + 1 < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = now - v * unit;
    return true;
}

enum err_code time_parse(const char *s, int64_t now, int64_t *out, struct err *e)
{
    struct err ne;

    if (s == NULL || *s == '\0')
        return err_set(e, ERR_PARSE, "time: empty");
    if (s[0] == '@') {
        if (num_parse_i64(s + 1, -((int64_t)1 << 40), (int64_t)1 << 40, out, &ne) != ERR_OK)
            return err_set(e, ERR_PARSE, "time: bad Unix seconds '%s'", s);
        return ERR_OK;
    }
    if (parse_rfc3339(s, out) || parse_duration(s, now, out))
        return ERR_OK;
    return err_set(e, ERR_PARSE,
                   "time: cannot parse '%s' (want RFC 3339, YYYY-MM-DD, @UNIX or 24h/7d)", s);
}
