/* log.c - the only place that writes log lines (to stderr), one line each. */
#include "util/util.h"

#include <stdatomic.h>

static _Atomic int log_level = LOG_WARN;

void log_set_level(enum log_level level)
{
    atomic_store(&log_level, (int)level);
}

void log_msg(enum log_level level, const char *area, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    char line[1024];
    va_list ap;
    int n;

    if ((int)level > atomic_load(&log_level))
        return;
    n = snprintf(line, sizeof(line), "ooda: %s: %s: ", names[level], area);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    (void)vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    (void)fprintf(stderr, "%s\n", line); /* nothing useful to do if stderr fails */
}

char *log_escape(const uint8_t *data, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (cap == 0)
        return out;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = data[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            if (o + 1 >= cap)
                break;
            out[o++] = (char)c;
        } else {
            if (o + 4 >= cap)
                break;
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}
