/* util.h - errors, logging, allocation with failure injection, time, hashing,
 * number parsing and the progress bar. No policy lives here.
 * Everything is thread-safe except mem_fail_after(), a test hook. */
#ifndef OODA_UTIL_H
#define OODA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- errors ------------------------------------------------------------ */

enum err_code {
    ERR_OK = 0,
    ERR_NOMEM,
    ERR_PARSE,
    ERR_LIMIT,
    ERR_IO,
    ERR_DB,
    ERR_USAGE,
    ERR_NOTFOUND
};

struct err {
    enum err_code code;
    int sys_errno;
    char msg[256]; /* "module: what failed: why" */
};

/* Fills *e (if not NULL) and returns code, so callers can `return err_set(...)`. */
enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like err_set() but also records errno and appends strerror(errno). */
enum err_code err_sys(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Maps an error code to a sysexits.h exit status (EX_DATAERR for ERR_PARSE, ...). */
int err_exit_code(enum err_code code);

/* ---- logging ------------------------------------------------------------ */

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the least important level printed (default LOG_WARN). Call once at start. */
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *area, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_error(area, ...) log_msg(LOG_ERROR, area, __VA_ARGS__)
#define log_warn(area, ...)  log_msg(LOG_WARN, area, __VA_ARGS__)
#define log_info(area, ...)  log_msg(LOG_INFO, area, __VA_ARGS__)
#ifdef NDEBUG
#define log_debug(area, ...) ((void)0)
#else
#define log_debug(area, ...) log_msg(LOG_DEBUG, area, __VA_ARGS__)
#endif

/* Copies at most n bytes of untrusted data into out (size cap) as printable ASCII,
 * escaping the rest as \xNN. Always NUL-terminates. Returns out. */
char *log_escape(const uint8_t *data, size_t n, char *out, size_t cap);

/* ---- memory --------------------------------------------------------------- */

/* malloc/calloc/realloc that can be made to fail for tests; free accepts NULL. */
void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *p, size_t n);
/* For large hash tables probed at random: 2 MiB aligned and advised to use huge pages
 * when at least that big. Freed with mem_free(). */
void *mem_alloc_table(size_t n);
void mem_free(void *p);
/* Test hook: the nth allocation from now on (1-based) and all later ones fail;
 * 0 turns failure injection off. Not thread-safe. */
void mem_fail_after(long n);

/* Growable byte buffer with a hard cap. */
struct buf {
    uint8_t *data;
    size_t len, cap, max;
};
void buf_init(struct buf *b, size_t max);
void buf_fini(struct buf *b);
enum err_code buf_append(struct buf *b, const void *data, size_t n, struct err *e);
/* Sets len to n, growing as needed; bytes past the old len are unspecified. */
enum err_code buf_resize(struct buf *b, size_t n, struct err *e);
enum err_code buf_printf(struct buf *b, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- time ----------------------------------------------------------------- */

/* Current UTC time in Unix seconds. */
int64_t time_now(void);
/* Parses RFC 3339 ("2026-11-25T07:00:00Z", offsets allowed), a date ("2026-11-25"),
 * Unix seconds ("@1764054000") or a duration before now ("24h", "7d", "30m", "90s").
 * now is the reference for durations. */
enum err_code time_parse(const char *s, int64_t now, int64_t *out, struct err *e);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (cap >= 21). Returns out. */
char *time_format(int64_t t, char *out, size_t cap);
/* Days since 1970-01-01 of Unix time t (floor). */
static inline int64_t time_day(int64_t t)
{
    return (t >= 0 ? t : t - 86399) / 86400;
}

/* ---- numbers -------------------------------------------------------------- */

/* Parse a whole string as a number in [min, max]; no sign for unsigned. */
enum err_code num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out, struct err *e);
enum err_code num_parse_u64(const char *s, uint64_t max, uint64_t *out, struct err *e);

/* ---- hashing -------------------------------------------------------------- */

/* Fast non-cryptographic 64-bit hash of bytes (seeded). */
uint64_t hash_bytes(const void *data, size_t n, uint64_t seed);
/* Mixes a 64-bit value into a well-distributed 64-bit hash. */
static inline uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Lowercase hex of n bytes into out (cap >= 2n+1). Returns out. */
char *hex_encode(const uint8_t *data, size_t n, char *out, size_t cap);

/* ---- IP addresses ------------------------------------------------------------ */

/* IPs are 16 bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d). */
struct ip16 {
    uint8_t b[16];
};
static inline bool ip16_is_v4(const struct ip16 *ip)
{
    static const uint8_t pre[4] = {0, 0, 0xff, 0xff};
    uint64_t hi;
    uint32_t mid, want;

    __builtin_memcpy(&hi, ip->b, 8); /* two loads instead of a 12-byte loop: hot path */
    __builtin_memcpy(&mid, ip->b + 8, 4);
    __builtin_memcpy(&want, pre, 4);
    return hi == 0 && mid == want;
}
void ip16_from_v4(struct ip16 *ip, uint32_t v4_host_order);
/* Parses IPv4 or IPv6 text. */
enum err_code ip16_parse(const char *s, struct ip16 *out, struct err *e);
/* Formats as dotted quad for v4-mapped, RFC 5952 otherwise. cap >= 46. */
char *ip16_format(const struct ip16 *ip, char *out, size_t cap);

/* A CIDR prefix over ip16: IPv4 prefixes are stored with len + 96. */
struct cidr {
    struct ip16 net;
    uint8_t len; /* 0..128 in ip16 space */
};
/* Parses "a.b.c.d/n" or "x::/n" (host bits must be zero). */
enum err_code cidr_parse(const char *s, struct cidr *out, struct err *e);
bool cidr_contains(const struct cidr *c, const struct ip16 *ip);
char *cidr_format(const struct cidr *c, char *out, size_t cap);

/* ---- progress bar ------------------------------------------------------------ */

/* Draws "label  12.3 MB / 1.2 GB  45.6 MB/s  ETA 0:12" on stderr when stderr is a
 * terminal and total is large enough; otherwise does nothing. total 0 = unknown. */
struct progress {
    bool enabled;
    const char *label;
    uint64_t total, done;
    double start, last;
};
void progress_init(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_finish(struct progress *p);

/* Monotonic clock in seconds. */
double time_mono(void);

#endif
