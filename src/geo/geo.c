/* geo.c - IP to country and ASN.
 *
 * Country: the CC0 geo-whois-asn-country MaxMind DB, read through libmaxminddb
 * (memory-mapped; the record holds "country_code").
 * ASN: the @ip-location-db/asn "-num" CSV files (start,end,asn,name with addresses as
 * decimal integers), loaded once into sorted range arrays and searched by binary
 * search. IPv4 ranges use 32-bit bounds, IPv6 ranges 128-bit ones.
 * The handle is immutable after geo_open(): lookups are thread-safe. */
#include "geo/geo.h"

#include <maxminddb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEO_MMDB  "geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb"
#define GEO_ASN4  "asn/asn-ipv4-num.csv"
#define GEO_ASN6  "asn/asn-ipv6-num.csv"
#define GEO_NAMES_MAX (64u << 20)

typedef unsigned __int128 u128;

struct range4 {
    uint32_t lo, hi, asn;
};

struct range6 {
    u128 lo, hi;
    uint32_t asn;
};

struct asn_name {
    uint32_t asn, off;
};

struct geo {
    char dir[512];
    MMDB_s mmdb;
    bool mmdb_open;
    struct range4 *r4;
    size_t n4;
    struct range6 *r6;
    size_t n6;
    struct asn_name *names; /* sorted by ASN on first use of geo_asn_name() */
    size_t nnames;
    struct buf name_bytes;
    pthread_mutex_t names_lock;
    bool names_sorted;
};

/* ---- CSV loading ---------------------------------------------------------- */

struct csv_ctx {
    struct geo *g;
    const char *path;
    size_t line;
    size_t names_cap;
};

/* Decimal to 128 bits, 18 digits at a time in 64-bit arithmetic (the CSV has ~1M). */
static bool parse_u128(const char *s, size_t n, u128 *out)
{
    static const uint64_t pow10[19] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL};
    u128 v = 0;

    if (n == 0 || n > 39)
        return false;
    if (n <= 19) { /* every IPv4 line and every ASN: plain 64-bit arithmetic */
        uint64_t c = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            c = c * 10 + (uint64_t)(s[i] - '0');
        }
        *out = c;
        return true;
    }
    for (size_t i = 0; i < n;) {
        size_t k = n - i > 18 ? 18 : n - i;
        uint64_t c = 0;
        for (size_t j = 0; j < k; j++, i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            c = c * 10 + (uint64_t)(s[i] - '0');
        }
        v = v * pow10[k] + c;
    }
    *out = v;
    return true;
}

/* Splits the next comma-separated field; the last field (name) may be quoted. */
static bool next_field(const char **p, const char *end, const char **f, size_t *n)
{
    const char *c = memchr(*p, ',', (size_t)(end - *p));

    if (c == NULL)
        return false;
    *f = *p;
    *n = (size_t)(c - *p);
    *p = c + 1;
    return true;
}

static enum err_code add_name(struct csv_ctx *c, uint32_t asn, const char *s, size_t n,
                              struct err *e)
{
    struct geo *g = c->g;
    enum err_code rc;
    uint8_t nul = 0;

    if (g->nnames > 0 && g->names[g->nnames - 1].asn == asn)
        return ERR_OK; /* consecutive ranges of one AS: keep one name */
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    if (g->nnames == c->names_cap) {
        size_t cap = c->names_cap ? c->names_cap * 2 : 65536;
        struct asn_name *nn = mem_realloc(g->names, cap * sizeof(*nn));
        if (nn == NULL)
            return err_set(e, ERR_NOMEM, "geo: cannot grow AS name table");
        g->names = nn;
        c->names_cap = cap;
    }
    g->names[g->nnames].asn = asn;
    g->names[g->nnames].off = (uint32_t)g->name_bytes.len;
    rc = buf_append(&g->name_bytes, s, n, e);
    if (rc == ERR_OK)
        rc = buf_append(&g->name_bytes, &nul, 1, e);
    if (rc == ERR_OK)
        g->nnames++;
    return rc;
}

static enum err_code parse_line(struct csv_ctx *c, const char *p, const char *end, bool v6,
                                size_t *cap, struct err *e)
{
    const char *f1, *f2, *f3;
    size_t n1, n2, n3;
    u128 lo, hi, asn;
    struct geo *g = c->g;

    if (!next_field(&p, end, &f1, &n1) || !next_field(&p, end, &f2, &n2) ||
        !next_field(&p, end, &f3, &n3) || !parse_u128(f1, n1, &lo) ||
        !parse_u128(f2, n2, &hi) || !parse_u128(f3, n3, &asn) || hi < lo ||
        asn > UINT32_MAX || (!v6 && hi > UINT32_MAX))
        return err_set(e, ERR_PARSE, "geo: %s:%zu: malformed range", c->path, c->line);
    if (v6 ? g->n6 == *cap : g->n4 == *cap) {
        size_t ncap = *cap ? *cap * 2 : 65536;
        void *np = v6 ? mem_realloc(g->r6, ncap * sizeof(*g->r6))
                      : mem_realloc(g->r4, ncap * sizeof(*g->r4));
        if (np == NULL)
            return err_set(e, ERR_NOMEM, "geo: cannot grow range table");
        if (v6)
            g->r6 = np;
        else
            g->r4 = np;
        *cap = ncap;
    }
    if (v6)
        g->r6[g->n6++] = (struct range6){lo, hi, (uint32_t)asn};
    else
        g->r4[g->n4++] = (struct range4){(uint32_t)lo, (uint32_t)hi, (uint32_t)asn};
    return add_name(c, (uint32_t)asn, p, (size_t)(end - p), e);
}

static enum err_code read_file(const char *path, char **out, size_t *len, struct err *e)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *data;

    if (f == NULL)
        return err_sys(e, ERR_NOTFOUND, "geo: cannot open %s", path);
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > (1 << 30)) {
        (void)fclose(f);
        return err_set(e, ERR_IO, "geo: %s: empty or too large", path);
    }
    data = mem_alloc((size_t)st.st_size);
    if (data == NULL) {
        (void)fclose(f);
        return err_set(e, ERR_NOMEM, "geo: cannot read %s", path);
    }
    if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        mem_free(data);
        (void)fclose(f);
        return err_sys(e, ERR_IO, "geo: cannot read %s", path);
    }
    (void)fclose(f); /* read-only: close errors do not matter */
    *out = data;
    *len = (size_t)st.st_size;
    return ERR_OK;
}

static enum err_code load_csv(struct geo *g, const char *rel, bool v6, size_t *names_cap,
                              struct err *e)
{
    char path[768];
    char *data = NULL;
    size_t len = 0, cap = 0;
    struct csv_ctx c = {g, path, 0, *names_cap};
    enum err_code rc;
    const char *p, *end;

    (void)snprintf(path, sizeof(path), "%s/%s", g->dir, rel);
    rc = read_file(path, &data, &len, e);
    if (rc != ERR_OK)
        return rc;
    p = data;
    end = data + len;
    while (p < end && rc == ERR_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        c.line++;
        if (le > p && le[-1] == '\r')
            le--;
        if (le > p)
            rc = parse_line(&c, p, le, v6, &cap, e);
        p = nl ? nl + 1 : end;
    }
    mem_free(data);
    *names_cap = c.names_cap;
    return rc;
}

static int cmp_r4(const void *a, const void *b)
{
    const struct range4 *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_r6(const void *a, const void *b)
{
    const struct range6 *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int cmp_name(const void *a, const void *b)
{
    const struct asn_name *x = a, *y = b;

    if (x->asn != y->asn)
        return x->asn < y->asn ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

static bool sorted_r4(const struct geo *g)
{
    for (size_t i = 1; i < g->n4; i++)
        if (g->r4[i].lo < g->r4[i - 1].lo)
            return false;
    return true;
}

static bool sorted_r6(const struct geo *g)
{
    for (size_t i = 1; i < g->n6; i++)
        if (g->r6[i].lo < g->r6[i - 1].lo)
            return false;
    return true;
}

/* ---- open / close ------------------------------------------------------------ */

#ifdef OODA_GEO_INSTALL_DIR
static bool has_data(const char *dir)
{
    char path[768];
    struct stat st;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, GEO_MMDB);
    return stat(path, &st) == 0;
}
#endif

static const char *find_dir(const char *dir)
{
    const char *env = getenv("OODA_GEO_DIR");

    if (dir != NULL)
        return dir;
    if (env != NULL && *env != '\0')
        return env;
#ifdef OODA_GEO_INSTALL_DIR
    if (has_data(OODA_GEO_INSTALL_DIR))
        return OODA_GEO_INSTALL_DIR;
#endif
#ifdef OODA_GEO_SRC_DIR
    return OODA_GEO_SRC_DIR;
#else
    return "node_modules/@ip-location-db";
#endif
}

static enum err_code open_mmdb(struct geo *g, struct err *e)
{
    char path[768];
    int st;

    (void)snprintf(path, sizeof(path), "%s/%s", g->dir, GEO_MMDB);
    st = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
    if (st != MMDB_SUCCESS)
        return err_set(e, st == MMDB_FILE_OPEN_ERROR ? ERR_NOTFOUND : ERR_IO,
                       "geo: %s: %s", path, MMDB_strerror(st));
    g->mmdb_open = true;
    return ERR_OK;
}

enum err_code geo_open(const char *dir, struct geo **out, struct err *e)
{
    struct geo *g = mem_calloc(1, sizeof(*g));
    size_t names_cap = 0;
    enum err_code rc;

    *out = NULL;
    if (g == NULL)
        return err_set(e, ERR_NOMEM, "geo: cannot allocate handle");
    buf_init(&g->name_bytes, GEO_NAMES_MAX);
    (void)pthread_mutex_init(&g->names_lock, NULL); /* default attributes cannot fail */
    (void)snprintf(g->dir, sizeof(g->dir), "%s", find_dir(dir));
    rc = open_mmdb(g, e);
    if (rc == ERR_OK)
        rc = load_csv(g, GEO_ASN4, false, &names_cap, e);
    if (rc == ERR_OK)
        rc = load_csv(g, GEO_ASN6, true, &names_cap, e);
    if (rc != ERR_OK) {
        geo_close(g);
        return rc;
    }
    if (!sorted_r4(g)) /* the CSV files come sorted; sort only if one is not */
        qsort(g->r4, g->n4, sizeof(*g->r4), cmp_r4);
    if (!sorted_r6(g))
        qsort(g->r6, g->n6, sizeof(*g->r6), cmp_r6);
    *out = g;
    return ERR_OK;
}

void geo_close(struct geo *g)
{
    if (g == NULL)
        return;
    if (g->mmdb_open)
        MMDB_close(&g->mmdb);
    mem_free(g->r4);
    mem_free(g->r6);
    mem_free(g->names);
    buf_fini(&g->name_bytes);
    (void)pthread_mutex_destroy(&g->names_lock);
    mem_free(g);
}

const char *geo_dir(const struct geo *g)
{
    return g->dir;
}

/* ---- lookups ------------------------------------------------------------------- */

/* ASN of IPv4 address a; *whole24 (may be NULL) says all of a's /24 has that answer. */
static uint32_t asn_v4(const struct geo *g, uint32_t a, bool *whole24)
{
    size_t lo = 0, hi = g->n4;
    uint32_t first = a & ~0xffu, last = a | 0xffu;

    while (lo < hi) { /* first range with lo > a */
        size_t mid = lo + (hi - lo) / 2;
        if (g->r4[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && g->r4[lo - 1].hi >= a) {
        if (whole24 != NULL)
            *whole24 = g->r4[lo - 1].lo <= first && g->r4[lo - 1].hi >= last;
        return g->r4[lo - 1].asn;
    }
    if (whole24 != NULL) /* in no range: so is the whole /24 if no range starts or ends in it */
        *whole24 = (lo == 0 || g->r4[lo - 1].hi < first) && (lo == g->n4 || g->r4[lo].lo > last);
    return 0;
}

static uint32_t asn_v6(const struct geo *g, const uint8_t b[16])
{
    u128 a = 0;
    size_t lo = 0, hi = g->n6;

    for (int i = 0; i < 16; i++)
        a = (a << 8) | b[i];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->r6[mid].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && g->r6[lo - 1].hi >= a)
        return g->r6[lo - 1].asn;
    return 0;
}

/* Country of ip; returns the prefix length (IPv6 terms) over which the database gives
 * that answer, 128 when unknown. */
static unsigned country_of(const struct geo *g, const struct ip16 *ip, char cc[3])
{
    struct sockaddr_in6 sa6 = {0};
    struct sockaddr_in sa4 = {0};
    const struct sockaddr *sa;
    MMDB_lookup_result_s r;
    MMDB_entry_data_s d;
    int mmerr;

    cc[0] = 'Z';
    cc[1] = 'Z';
    cc[2] = '\0';
    if (ip16_is_v4(ip)) {
        sa4.sin_family = AF_INET;
        memcpy(&sa4.sin_addr, ip->b + 12, 4);
        sa = (const struct sockaddr *)&sa4;
    } else {
        sa6.sin6_family = AF_INET6;
        memcpy(&sa6.sin6_addr, ip->b, 16);
        sa = (const struct sockaddr *)&sa6;
    }
    /* MMDB_lookup_sockaddr only reads the database: the cast drops no real const. */
    r = MMDB_lookup_sockaddr((MMDB_s *)&g->mmdb, sa, &mmerr);
    if (mmerr != MMDB_SUCCESS)
        return 128;
    if (!r.found_entry)
        return r.netmask; /* the whole network is absent */
    if (MMDB_get_value(&r.entry, &d, "country_code", NULL) != MMDB_SUCCESS || !d.has_data ||
        d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
        return r.netmask;
    cc[0] = d.utf8_string[0];
    cc[1] = d.utf8_string[1];
    return r.netmask;
}

void geo_lookup(const struct geo *g, const struct ip16 *ip, struct geo_info *info)
{
    bool whole24;

    geo_lookup_block(g, ip, info, &whole24);
}

void geo_lookup_block(const struct geo *g, const struct ip16 *ip, struct geo_info *info,
                      bool *whole24)
{
    unsigned prefix = country_of(g, ip, info->country);

    *whole24 = false;
    if (ip16_is_v4(ip)) {
        uint32_t a = (uint32_t)ip->b[12] << 24 | (uint32_t)ip->b[13] << 16 |
                     (uint32_t)ip->b[14] << 8 | ip->b[15];
        info->asn = asn_v4(g, a, whole24);
        *whole24 = *whole24 && prefix <= 96 + 24;
    } else {
        info->asn = asn_v6(g, ip->b);
    }
}

const char *geo_asn_name(const struct geo *g, uint32_t asn)
{
    size_t lo = 0, hi = g->nnames;
    /* Sorting ~500k names costs more than opening: done once, on first use. The handle
     * stays logically immutable; the lock makes the one-time sort thread-safe. */
    struct geo *mg = (struct geo *)g;

    (void)pthread_mutex_lock(&mg->names_lock);
    if (!mg->names_sorted) {
        qsort(mg->names, mg->nnames, sizeof(*mg->names), cmp_name);
        mg->names_sorted = true;
    }
    (void)pthread_mutex_unlock(&mg->names_lock);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->names[mid].asn < asn)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < g->nnames && g->names[lo].asn == asn)
        return (const char *)g->name_bytes.data + g->names[lo].off;
    return "";
}
