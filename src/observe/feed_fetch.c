/* feed_fetch.c - reads a feed's bytes: a local file, or an http(s):// URL through
 * libcurl with bounded connect and total time, a size cap, at most 5 redirects (http and
 * https only) and HTTP errors (>= 400) as failures. The whole body lands in a capped
 * struct buf; parsers then see one contiguous file. */
#include "observe/feed_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#define FETCH_MAX          ((size_t)1 << 31) /* 2 GiB */
#define FETCH_CONNECT_SECS 15L
#define FETCH_TOTAL_SECS   600L

bool feed_location_is_url(const char *location)
{
    return strncasecmp(location, "http://", 7) == 0 || strncasecmp(location, "https://", 8) == 0;
}

static enum err_code fetch_file(const char *path, struct buf *out, struct err *e)
{
    FILE *f = fopen(path, "rb");
    enum err_code rc = ERR_OK;
    char chunk[1 << 16];
    size_t n;

    if (f == NULL)
        return err_sys(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "%s", path);
    while (rc == ERR_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_append(out, chunk, n, e);
    if (rc == ERR_OK && ferror(f))
        rc = err_sys(e, ERR_IO, "%s: read", path);
    (void)fclose(f); /* read-only */
    if (rc == ERR_LIMIT)
        return err_set(e, ERR_LIMIT, "%s: larger than %zu bytes", path, out->max);
    return rc;
}

struct sink {
    struct buf *out;
    bool too_big;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    struct sink *s = arg;
    size_t n = size * nmemb;

    if (buf_append(s->out, data, n, NULL) != ERR_OK) {
        s->too_big = true;
        return 0; /* makes libcurl fail the transfer */
    }
    return n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void init_curl(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void set_options(CURL *h, const char *url, struct sink *s, char *errbuf)
{
    (void)curl_easy_setopt(h, CURLOPT_URL, url);
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    (void)curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    (void)curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    (void)curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    (void)curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_SECS);
    (void)curl_easy_setopt(h, CURLOPT_TIMEOUT, FETCH_TOTAL_SECS);
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl decodes */
    (void)curl_easy_setopt(h, CURLOPT_USERAGENT, "ooda/" OODA_VERSION);
}

static enum err_code fetch_url(const char *url, struct buf *out, struct err *e)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct sink s = {.out = out};
    CURLcode cc;
    CURL *h;

    (void)pthread_once(&curl_once, init_curl);
    if (curl_init_rc != CURLE_OK || (h = curl_easy_init()) == NULL)
        return err_set(e, ERR_IO, "%s: cannot initialise libcurl", url);
    set_options(h, url, &s, errbuf);
    cc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    if (s.too_big)
        return err_set(e, ERR_LIMIT, "%s: larger than %zu bytes", url, out->max);
    if (cc != CURLE_OK)
        return err_set(e, ERR_IO, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
    return ERR_OK;
}

enum err_code feed_fetch(const char *location, struct buf *out, struct err *e)
{
    if (out->max == 0 || out->max > FETCH_MAX)
        out->max = FETCH_MAX;
    out->len = 0;
    if (feed_location_is_url(location))
        return fetch_url(location, out, e);
    return fetch_file(location, out, e);
}
