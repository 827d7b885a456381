/* match.c - `ooda match [--format F] [--json] LOGFILE...`: matches DNS and proxy logs
 * against a snapshot of the indicators listed for blocking now (orient), or against a
 * plain indicator list (--indicators, a testing and benchmark aid). Each file is mapped
 * into memory and scanned in place by match_scan(); hits are printed as they come, then
 * a summary with the counts and the timings of loading, building and scanning. */
#include "match/match.h"
#include "cli/cli.h"
#include "orient/orient.h"
#include "store/store.h"

#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define BAD_SHOWN 5

struct args {
    const char *db, *indicators;
    enum match_format fmt;
    bool have_fmt, json, quiet;
};

/* Canonical indicators collected before building, so loading and building are timed
 * apart: records of {type, len, id, score, value bytes}. */
struct inds {
    struct buf b;
    size_t n, rejected;
    const char *file;
};

struct rec_hdr {
    int64_t id;
    double score;
    uint16_t len;
    uint8_t type;
};

/* Hit lines are assembled here and written with one fwrite each (a longer one in parts). */
#define OUT_CAP (6 * 4096 + 4096)

struct run {
    const struct args *a;
    const char *file;
    uint64_t bad_shown;
    int rc;
    /* caches of what repeats from hit to hit: the file as a JSON string, the last time
     * field and its rendering, the last score and its rendering */
    char file_json[6 * 4096 + 2];
    size_t file_json_len;
    char time_raw[64], time_out[96];
    size_t time_raw_len;
    bool have_time;
    double score;
    char score_out[48];
    bool have_score;
    char out[OUT_CAP];
};

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},
        {"format", required_argument, 0, 'f'},
        {"indicators", required_argument, 0, 'i'},
        {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->db = optarg;
            break;
        case 'i':
            a->indicators = optarg;
            break;
        case 'j':
            a->json = true;
            break;
        case 'q':
            a->quiet = true;
            break;
        case 'f':
            if (!match_format_parse(optarg, &a->fmt))
                return cli_usage("match", "--format: plain, bind-querylog, unbound, zeek-dns "
                                          "or squid");
            a->have_fmt = true;
            break;
        case 'h':
            cli_help("match", stdout);
            return -1;
        default:
            return cli_usage("match", "unknown option or missing value");
        }
    }
    if (optind >= argc)
        return cli_usage("match", "no log file given");
    return EX_OK;
}

/* ---- indicators ------------------------------------------------------------------ */

static enum err_code inds_put(struct inds *in, enum ioc_type t, const char *v, size_t n, int64_t id,
                              double score, struct err *e)
{
    struct rec_hdr h = {.id = id, .score = score, .len = (uint16_t)n, .type = (uint8_t)t};
    enum err_code rc = buf_append(&in->b, &h, sizeof(h), e);

    if (rc == ERR_OK)
        rc = buf_append(&in->b, v, n, e);
    in->n += rc == ERR_OK;
    return rc;
}

static bool on_listed(void *arg, const struct orient_ind *ind)
{
    struct inds *in = arg;
    struct err e;

    return inds_put(in, ind->type, ind->value, strlen(ind->value), ind->id, ind->score, &e) ==
           ERR_OK;
}

static enum err_code load_store(const char *db, struct inds *in, struct err *e)
{
    struct store *st = NULL;
    enum err_code rc = store_open(db, &st, e);

    if (rc == ERR_OK)
        rc = orient_ind_each_listed(st, time_now(), on_listed, in, e);
    store_close(st);
    return rc;
}

/* One plain-list line: a value whose type is guessed, canonicalised. */
static void load_line(struct inds *in, const char *p, size_t n, uint64_t line)
{
    char canon[IOC_VALUE_MAX + 1], esc[128];
    enum ioc_type t;
    struct err e;

    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    while (n > 0 && (p[0] == ' ' || p[0] == '\t'))
        p++, n--;
    if (n == 0 || p[0] == '#')
        return;
    if (!ioc_guess(p, n, &t))
        (void)err_set(&e, ERR_PARSE, "not an indicator: '%s'",
                      log_escape((const uint8_t *)p, n, esc, 64));
    else if (ioc_canon(t, p, n, canon, sizeof(canon), &e) == ERR_OK &&
             inds_put(in, t, canon, strlen(canon), (int64_t)line, 100.0, &e) == ERR_OK)
        return;
    if (in->rejected++ < BAD_SHOWN)
        fprintf(stderr, "ooda: match: %s:%llu: %s\n", in->file, (unsigned long long)line, e.msg);
}

static enum err_code map_file(const char *path, const uint8_t **data, size_t *len, struct err *e);

static enum err_code load_list(const char *path, struct inds *in, struct err *e)
{
    const uint8_t *data;
    size_t len;
    const char *p, *end;
    uint64_t line = 0;
    enum err_code rc = map_file(path, &data, &len, e);

    if (rc != ERR_OK)
        return rc;
    in->file = path;
    for (p = (const char *)data, end = p + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);

        load_line(in, p, n, ++line);
        p = nl != NULL ? nl + 1 : end;
    }
    if (len > 0)
        (void)munmap((void *)data, len); /* read-only mapping */
    if (in->rejected > 0)
        fprintf(stderr, "ooda: match: %s: %zu lines rejected\n", path, in->rejected);
    return ERR_OK;
}

static enum err_code build(const struct inds *in, struct match_snap **out, struct err *e)
{
    struct match_builder *b;
    enum err_code rc = match_builder_new(&b, e);
    const uint8_t *p = in->b.data, *end = p + in->b.len;

    while (rc == ERR_OK && p < end) {
        struct rec_hdr h;

        memcpy(&h, p, sizeof(h));
        p += sizeof(h);
        rc = match_builder_add(b, (enum ioc_type)h.type, (const char *)p, h.len, h.id, h.score, e);
        p += h.len;
    }
    if (rc != ERR_OK) {
        match_builder_free(b);
        return rc;
    }
    return match_builder_finish(b, out, e);
}

/* ---- output ----------------------------------------------------------------------- */

/* Writes out[0..o) when need more bytes would not fit after o; returns where to go on. */
static char *room(struct run *r, char *o, size_t need)
{
    if ((size_t)(o - r->out) + need > sizeof(r->out)) {
        (void)fwrite(r->out, 1, (size_t)(o - r->out), stdout); /* checked at the final flush */
        o = r->out;
    }
    return o;
}

/* JSON string body at o: escapes quotes, backslashes, control and non-ASCII bytes (as
 * \u00XX); o has room for 6n bytes. Returns the end. */
static char *json_esc(char *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            *o++ = (char)c;
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        }
    }
    return o;
}

/* A JSON string of any length at o (written out in parts when needed); leaves room for
 * 256 more bytes. */
static char *json_str(struct run *r, char *o, const char *s, size_t n)
{
    o = room(r, o, 1);
    *o++ = '"';
    while (n > 0) {
        size_t k = n < 4096 ? n : 4096;

        o = json_esc(room(r, o, 6 * k), s, k);
        s += k;
        n -= k;
    }
    o = room(r, o, 1);
    *o++ = '"';
    return room(r, o, 256);
}

/* log_escape() of data[0..n) at o, at most cap - 1 bytes; returns the end. */
static char *esc(char *o, const char *data, size_t n, size_t cap)
{
    (void)log_escape((const uint8_t *)data, n, o, cap);
    return o + strlen(o);
}

static char *put(char *o, const char *s)
{
    size_t n = strlen(s);

    memcpy(o, s, n);
    return o + n;
}

/* Unix seconds (with an optional fraction) become RFC 3339; other times stay as is. */
static void render_time(const char *t, size_t n, char *out, size_t cap)
{
    int64_t v = 0;
    size_t i = 0;

    while (i < n && i < 12 && t[i] >= '0' && t[i] <= '9')
        v = v * 10 + (t[i++] - '0');
    if (i > 0 && i < 12 && (i == n || t[i] == '.')) {
        (void)time_format(v, out, cap);
        return;
    }
    (void)log_escape((const uint8_t *)t, n, out, cap);
}

/* The rendered time of ev, from the cache when the field repeats. */
static const char *hit_time(struct run *r, const struct match_event *ev)
{
    if (ev->time_len < sizeof(r->time_raw) && r->have_time && ev->time_len == r->time_raw_len &&
        memcmp(ev->time, r->time_raw, ev->time_len) == 0)
        return r->time_out;
    render_time(ev->time, ev->time_len, r->time_out, sizeof(r->time_out));
    r->have_time = ev->time_len < sizeof(r->time_raw);
    if (r->have_time) {
        memcpy(r->time_raw, ev->time, ev->time_len);
        r->time_raw_len = ev->time_len;
    }
    return r->time_out;
}

/* The score as printed (fmt "%.1f" or "%.4g"), from the cache when it repeats. */
static const char *hit_score(struct run *r, double score, bool json)
{
    if (!r->have_score || score != r->score) {
        (void)snprintf(r->score_out, sizeof(r->score_out), json ? "%.4g" : "%.1f", score);
        r->score = score;
        r->have_score = true;
    }
    return r->score_out;
}

static char *put_u64(char *o, uint64_t v)
{
    char tmp[24];
    size_t n = 0;

    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0)
        *o++ = tmp[--n];
    return o;
}

static char *put_i64(char *o, int64_t v)
{
    if (v < 0) {
        *o++ = '-';
        return put_u64(o, 0 - (uint64_t)v);
    }
    return put_u64(o, (uint64_t)v);
}

/* TIME CLIENT QUERY TYPE INDICATOR SCORE, untrusted bytes escaped (at most 96, 1100
 * and 1100 bytes of client, query and indicator, as before). */
static char *text_hit(struct run *r, const struct match_event *ev)
{
    const char *tm = hit_time(r, ev);
    char *o = r->out;

    o = put(o, tm[0] ? tm : "-");
    *o++ = ' ';
    if (ev->client_len > 0)
        o = esc(o, ev->client, ev->client_len, 96);
    else
        *o++ = '-';
    *o++ = ' ';
    o = esc(o, ev->query, ev->query_len, 1100);
    *o++ = ' ';
    o = put(o, ioc_type_name(ev->hit.type));
    *o++ = ' ';
    o = esc(o, ev->hit.value, ev->hit.len, 1100);
    *o++ = ' ';
    o = put(o, hit_score(r, ev->hit.score, false));
    *o++ = '\n';
    return o;
}

static char *json_hit(struct run *r, const struct match_event *ev)
{
    const char *tm = hit_time(r, ev);
    char *o = r->out;

    o = put(o, "{\"file\":");
    memcpy(o, r->file_json, r->file_json_len);
    o = room(r, o + r->file_json_len, 256);
    o = put(o, ",\"line\":");
    o = put_u64(o, ev->line);
    o = put(o, ",\"time\":");
    o = json_str(r, o, tm, strlen(tm));
    o = put(o, ",\"client\":");
    o = json_str(r, o, ev->client, ev->client_len);
    o = put(o, ",\"query\":");
    o = json_str(r, o, ev->query, ev->query_len);
    o = put(o, ",\"indicator\":");
    o = json_str(r, o, ev->hit.value, ev->hit.len);
    o = put(o, ",\"type\":\"");
    o = put(o, ioc_type_name(ev->hit.type));
    o = put(o, "\",\"id\":");
    o = put_i64(o, ev->hit.id);
    o = put(o, ",\"score\":");
    o = put(o, hit_score(r, ev->hit.score, true));
    o = put(o, "}\n");
    return o;
}

/* One hit: one line, assembled in r->out and written at once. */
static bool on_hit(void *arg, const struct match_event *ev)
{
    struct run *r = arg;
    char *o;

    if (r->a->quiet)
        return true;
    o = r->a->json ? json_hit(r, ev) : text_hit(r, ev);
    (void)fwrite(r->out, 1, (size_t)(o - r->out), stdout); /* checked at the final flush */
    return true;
}

static void on_bad(void *arg, uint64_t line, const char *why)
{
    struct run *r = arg;

    if (r->bad_shown++ < BAD_SHOWN)
        fprintf(stderr, "ooda: match: %s:%llu: %s\n", r->file, (unsigned long long)line, why);
}

/* ---- logs -------------------------------------------------------------------------- */

/* CPU seconds of this thread: on a busy machine the fair measure of a single-core scan. */
static double cpu_now(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* cannot fail for this clock */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static enum err_code map_file(const char *path, const uint8_t **data, size_t *len, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *p;

    *data = (const uint8_t *)"";
    *len = 0;
    if (fd < 0)
        return err_sys(e, ERR_NOTFOUND, "%s", path);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        (void)close(fd);
        return err_set(e, ERR_IO, "%s: not a regular file", path);
    }
    if (st.st_size > 0) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            (void)close(fd);
            return err_sys(e, ERR_IO, "%s: mmap", path);
        }
        (void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL); /* advice only */
        *data = p;
        *len = (size_t)st.st_size;
    }
    (void)close(fd); /* the mapping stays valid */
    return ERR_OK;
}

static cJSON *file_json(const char *path, enum match_format f, const struct match_counts *c)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddStringToObject(o, "format", match_format_name(f));
    cJSON_AddNumberToObject(o, "lines", (double)c->lines);
    cJSON_AddNumberToObject(o, "queries", (double)c->queries);
    cJSON_AddNumberToObject(o, "hits", (double)c->hits);
    cJSON_AddNumberToObject(o, "malformed", (double)c->malformed);
    cJSON_AddNumberToObject(o, "skipped", (double)c->skipped);
    return o;
}

/* Scans one file, adding its counts to total and its entry to files. */
static int scan_file(struct run *r, const struct match_snap *s, const char *path,
                     struct match_counts *total, uint64_t *bad_by_fmt, cJSON *files, double secs[2])
{
    struct match_counts c = {0};
    enum match_format f = r->a->fmt;
    const uint8_t *data;
    size_t len;
    struct err e;
    double t0, c0;

    t0 = time_mono(); /* mapping (page faults) and unmapping count as matching time */
    c0 = cpu_now();
    if (map_file(path, &data, &len, &e) != ERR_OK)
        return cli_fail("match", e.code, e.msg);
    if (!r->a->have_fmt && match_format_detect(data, len, &f, &e) != ERR_OK) {
        if (len > 0)
            (void)munmap((void *)data, len);
        fprintf(stderr, "ooda: match: %s: %s; use --format\n", path, e.msg + 7);
        return EX_USAGE;
    }
    r->file = path;
    r->bad_shown = 0;
    r->file_json[0] = '"';
    r->file_json_len = strlen(path) <= 4096
                           ? (size_t)(json_esc(r->file_json + 1, path, strlen(path)) - r->file_json)
                           : (size_t)(json_esc(r->file_json + 1, "(long name)", 11) - r->file_json);
    r->file_json[r->file_json_len++] = '"';
    if (match_scan(s, f, data, len, on_hit, on_bad, r, &c, &e) != ERR_OK) {
        (void)munmap((void *)data, len);
        return cli_fail("match", e.code, e.msg);
    }
    if (len > 0)
        (void)munmap((void *)data, len);
    (void)fflush(stdout); /* writing the hits counts as matching time; errors: final flush */
    secs[0] += time_mono() - t0;
    secs[1] += cpu_now() - c0;
    if (c.malformed > 0)
        fprintf(stderr, "ooda: match: %s: %llu malformed %s lines\n", path,
                (unsigned long long)c.malformed, match_format_name(f));
    total->lines += c.lines;
    total->queries += c.queries;
    total->hits += c.hits;
    total->malformed += c.malformed;
    total->skipped += c.skipped;
    bad_by_fmt[f] += c.malformed;
    cJSON_AddItemToArray(files, file_json(path, f, &c));
    return c.malformed > 0 ? EX_DATAERR : EX_OK;
}

static void summary_times(cJSON *o, const struct match_snap *s, double load, double build_s,
                          const double scan[2], uint64_t queries)
{
    struct match_snap_stats st;

    match_snap_stats(s, &st);
    cJSON_AddNumberToObject(o, "indicators", (double)st.entries);
    cJSON_AddNumberToObject(o, "snapshot_bytes", (double)st.bytes);
    cJSON_AddNumberToObject(o, "bytes_per_indicator",
                            st.entries ? (double)(st.bytes - st.string_bytes) / st.entries : 0);
    cJSON_AddNumberToObject(o, "load_seconds", load);
    cJSON_AddNumberToObject(o, "build_seconds", build_s);
    cJSON_AddNumberToObject(o, "scan_seconds", scan[0]);
    cJSON_AddNumberToObject(o, "scan_cpu_seconds", scan[1]);
    cJSON_AddNumberToObject(o, "lookups_per_second", scan[0] > 0 ? (double)queries / scan[0] : 0);
    cJSON_AddNumberToObject(o, "lookups_per_cpu_second",
                            scan[1] > 0 ? (double)queries / scan[1] : 0);
}

static int print_summary(const struct args *a, cJSON *o)
{
    const cJSON *it;

    if (a->json)
        return cli_print_json(o);
    cJSON_ArrayForEach(it, o)
    {
        if (cJSON_IsNumber(it))
            printf("%s: %.15g\n", it->string, it->valuedouble);
    }
    cJSON_Delete(o);
    return fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
}

static int run_logs(const struct args *a, const struct match_snap *s, int n, char **paths,
                    double load, double build_s)
{
    struct run r = {.a = a};
    struct match_counts total = {0};
    uint64_t bad_by_fmt[MATCH_NFORMATS] = {0};
    cJSON *o = cJSON_CreateObject(), *files = cJSON_CreateArray(), *bf = cJSON_CreateObject();
    double scan[2] = {0, 0};
    int rc = EX_OK, prc;

    for (int i = 0; i < n; i++) {
        int frc = scan_file(&r, s, paths[i], &total, bad_by_fmt, files, scan);

        if (frc != EX_OK && (rc == EX_OK || rc == EX_DATAERR))
            rc = frc;
    }
    cJSON_AddNumberToObject(o, "lines", (double)total.lines);
    cJSON_AddNumberToObject(o, "queries", (double)total.queries);
    cJSON_AddNumberToObject(o, "hits", (double)total.hits);
    cJSON_AddNumberToObject(o, "malformed", (double)total.malformed);
    cJSON_AddNumberToObject(o, "skipped", (double)total.skipped);
    for (int f = 0; f < MATCH_NFORMATS; f++)
        if (bad_by_fmt[f] > 0)
            cJSON_AddNumberToObject(bf, match_format_name((enum match_format)f),
                                    (double)bad_by_fmt[f]);
    cJSON_AddItemToObject(o, "malformed_by_format", bf);
    summary_times(o, s, load, build_s, scan, total.queries);
    cJSON_AddItemToObject(o, "files", files);
    prc = print_summary(a, o);
    return rc != EX_OK ? rc : prc;
}

static char out_buf[1 << 20];

int cli_match(int argc, char **argv)
{
    struct args a;
    struct inds in = {0};
    struct match_snap *s = NULL;
    struct err e;
    double t0, t1, t2;
    int rc = parse_args(argc, argv, &a);

    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (!isatty(STDOUT_FILENO)) /* hits to a file or pipe: fewer, larger writes */
        (void)setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
    buf_init(&in.b, (size_t)16 << 30);
    t0 = time_mono();
    if (a.indicators != NULL)
        rc = load_list(a.indicators, &in, &e);
    else
        rc = load_store(a.db, &in, &e);
    t1 = time_mono();
    if (rc == ERR_OK)
        rc = build(&in, &s, &e);
    t2 = time_mono();
    buf_fini(&in.b);
    if (rc != ERR_OK)
        return cli_fail("match", (enum err_code)rc, e.msg);
    rc = run_logs(&a, s, argc - optind, argv + optind, t1 - t0, t2 - t1);
    match_snap_unref(s);
    return rc;
}
