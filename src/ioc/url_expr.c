/* url_expr.c - Safe Browsing suffix/prefix expressions of a canonical URL: up to 5
 * host suffixes (the exact host, then up to 4 formed from the last 5 components by
 * removing the leading one, never the bare top-level domain, none for an IP host)
 * times up to 6 path prefixes (the exact path with the query, without it, then up to 4
 * from "/" adding one directory at a time). Duplicates are skipped. Each expression is
 * built in a stack buffer; nothing allocates. */
#include "ioc/ioc_int.h"

#include <string.h>

struct span {
    const char *s;
    size_t n;
};

/* True if the canonical host h[0..n) is an IP address (dotted quad or [IPv6]). */
static bool host_is_ip(const char *h, size_t n)
{
    uint32_t a;

    return (n > 0 && h[0] == '[') || ioc_ipv4_strict(h, n, &a, NULL, 0);
}

/* Fills hosts[] with the host suffixes of h[0..n); returns their count (1..5). */
static size_t host_suffixes(const char *h, size_t n, struct span hosts[5])
{
    size_t dot[5], nd = 0, count = 1;

    hosts[0] = (struct span){h, n};
    if (host_is_ip(h, n))
        return 1;
    for (size_t i = n; i > 0 && nd < 5; i--) /* dot[j]: the (j+1)th dot from the end */
        if (h[i - 1] == '.')
            dot[nd++] = i - 1;
    /* the suffix after dot[j] has j + 1 components: keep 5 down to 2 */
    for (size_t j = nd; j-- > 1;)
        hosts[count++] = (struct span){h + dot[j] + 1, n - dot[j] - 1};
    return count;
}

static bool seen(const struct span *list, size_t count, const char *s, size_t n)
{
    for (size_t i = 0; i < count; i++)
        if (list[i].n == n && memcmp(list[i].s, s, n) == 0)
            return true;
    return false;
}

/* Fills paths[] with the path prefixes of path (with query) p[0..n), pn being the
 * length without the query; returns their count (1..6). */
static size_t path_prefixes(const char *p, size_t n, size_t pn, struct span paths[6])
{
    size_t count = 0, i;
    int added = 0;

    paths[count++] = (struct span){p, n};
    if (!seen(paths, count, p, pn))
        paths[count++] = (struct span){p, pn};
    for (i = 0; i < pn && added < 4; i++) {
        if (p[i] != '/')
            continue;
        added++;
        if (!seen(paths, count, p, i + 1))
            paths[count++] = (struct span){p, i + 1};
    }
    return count;
}

bool ioc_url_expressions(const char *canon_url, ioc_expr_fn fn, void *arg)
{
    const char *sep, *host, *path, *q;
    struct span hosts[5], paths[6];
    size_t nh, np, hn, n;
    char buf[IOC_VALUE_MAX + 1];

    if (canon_url == NULL || fn == NULL || (sep = strstr(canon_url, "://")) == NULL)
        return false;
    host = sep + 3;
    path = strchr(host, '/');
    if (path == NULL || path == host)
        return false;
    hn = (size_t)(path - host);
    n = strlen(path);
    if (hn + n > IOC_VALUE_MAX)
        return false;
    q = memchr(path, '?', n);
    nh = host_suffixes(host, hn, hosts);
    np = path_prefixes(path, n, q ? (size_t)(q - path) : n, paths);
    for (size_t i = 0; i < nh; i++) {
        memcpy(buf, hosts[i].s, hosts[i].n);
        for (size_t j = 0; j < np; j++) {
            memcpy(buf + hosts[i].n, paths[j].s, paths[j].n);
            buf[hosts[i].n + paths[j].n] = '\0';
            if (!fn(buf, hosts[i].n + paths[j].n, arg))
                return false;
        }
    }
    return true;
}
