/* err.c - the one error type: filling struct err and mapping codes to sysexits. */
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <sysexits.h>

enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    e->sys_errno = 0;
    va_start(ap, fmt);
    (void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap); /* truncation is fine */
    va_end(ap);
    return code;
}

enum err_code err_sys(struct err *e, enum err_code code, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    size_t n;

    if (e == NULL)
        return code;
    e->code = code;
    e->sys_errno = saved;
    va_start(ap, fmt);
    (void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    n = strlen(e->msg);
    if (n < sizeof(e->msg))
        (void)snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved));
    return code;
}

int err_exit_code(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return EX_OK;
    case ERR_PARSE:
    case ERR_LIMIT:
        return EX_DATAERR;
    case ERR_USAGE:
        return EX_USAGE;
    case ERR_NOTFOUND:
        return EX_NOINPUT;
    case ERR_IO:
        return EX_IOERR;
    case ERR_DB:
        return EX_SOFTWARE;
    case ERR_NOMEM:
        return EX_OSERR;
    }
    return EX_SOFTWARE;
}
