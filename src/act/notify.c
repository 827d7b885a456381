/* notify.c - delivering a network-owner report (docs/reports.md): a file written
 * atomically into a directory, an HTTP(S) POST signed with HMAC-SHA256, or an e-mail
 * over SMTP (libcurl). */
#include "act/act.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NOTIFY_CONNECT_SECS 10L
#define NOTIFY_TOTAL_SECS   60L

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void init_curl(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static enum err_code curl_handle(CURL **h, struct err *e)
{
    (void)pthread_once(&curl_once, init_curl);
    if (curl_init_rc != CURLE_OK || (*h = curl_easy_init()) == NULL)
        return err_set(e, ERR_NOMEM, "notify: cannot start libcurl");
    return ERR_OK;
}

enum err_code act_notify_file(const char *dir, const char *name, const char *body, size_t len,
                              char *path, size_t cap, struct err *e)
{
    char tmp[4096];
    FILE *f;
    int n = snprintf(path, cap, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= cap || (size_t)n + 5 >= sizeof(tmp))
        return err_set(e, ERR_LIMIT, "notify: path too long");
    (void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (f == NULL)
        return err_sys(e, ERR_IO, "notify: cannot create %s", tmp);
    if (fwrite(body, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        (void)fclose(f);
        (void)unlink(tmp);
        return err_sys(e, ERR_IO, "notify: cannot write %s", tmp);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return err_sys(e, ERR_IO, "notify: cannot write %s", path);
    }
    return ERR_OK;
}

enum err_code act_notify_signature(const char *secret, const char *body, size_t len,
                                   char out[ACT_NOTIFY_SIG_MAX])
{
    unsigned char mac[32];
    size_t n = 0;

    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, strlen(secret),
                  (const unsigned char *)body, len, mac, sizeof(mac), &n) == NULL ||
        n != 32)
        return ERR_LIMIT;
    memcpy(out, "sha256=", 7);
    for (size_t i = 0; i < 32; i++)
        (void)snprintf(out + 7 + 2 * i, 3, "%02x", mac[i]);
    return ERR_OK;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

static enum err_code perform(CURL *h, const char *what, char *errbuf, struct err *e)
{
    CURLcode cc = curl_easy_perform(h);

    if (cc != CURLE_OK)
        return err_set(e, ERR_IO, "notify: %s: %s", what,
                       errbuf[0] ? errbuf : curl_easy_strerror(cc));
    return ERR_OK;
}

enum err_code act_notify_webhook(const char *url, const char *secret, const char *body, size_t len,
                                 struct err *e)
{
    char sig[ACT_NOTIFY_SIG_MAX], hdr[ACT_NOTIFY_SIG_MAX + 32], errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hs = NULL, *h2;
    CURL *h;
    enum err_code rc;

    if (act_notify_signature(secret, body, len, sig) != ERR_OK)
        return err_set(e, ERR_LIMIT, "notify: cannot compute the HMAC");
    rc = curl_handle(&h, e);
    if (rc != ERR_OK)
        return rc;
    (void)snprintf(hdr, sizeof(hdr), "X-Ooda-Signature: %s", sig);
    hs = curl_slist_append(hs, "Content-Type: application/json");
    h2 = hs != NULL ? curl_slist_append(hs, hdr) : NULL;
    if (h2 == NULL) {
        curl_slist_free_all(hs);
        curl_easy_cleanup(h);
        return err_set(e, ERR_NOMEM, "notify: cannot build the request");
    }
    hs = h2;
    (void)curl_easy_setopt(h, CURLOPT_URL, url);
    (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    (void)curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    (void)curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    (void)curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    (void)curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    (void)curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, NOTIFY_CONNECT_SECS);
    (void)curl_easy_setopt(h, CURLOPT_TIMEOUT, NOTIFY_TOTAL_SECS);
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(h, CURLOPT_USERAGENT, "ooda/" OODA_VERSION);
    rc = perform(h, url, errbuf, e);
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    return rc;
}

struct upload {
    const char *p;
    size_t left;
};

static size_t feed(char *out, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t k = size * n < u->left ? size * n : u->left;

    memcpy(out, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* The message: headers, then the CSV as a text/csv part of a multipart/mixed body. */
static enum err_code message(const char *from, const char *to, const char *subject,
                             const char *body, size_t len, struct buf *m, struct err *e)
{
    static const char boundary[] = "ooda-report-boundary";

    return buf_printf(m, e,
                      "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
                      "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
                      "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                      "The attached report lists the hosts in your network that ooda has"
                      " evidence against (schema: docs/reports.md).\r\n\r\n"
                      "--%s\r\nContent-Type: text/csv; charset=utf-8\r\n"
                      "Content-Disposition: attachment; filename=\"report.csv\"\r\n\r\n"
                      "%.*s\r\n--%s--\r\n",
                      from, to, subject, boundary, boundary, boundary, (int)len, body, boundary);
}

enum err_code act_notify_smtp(const char *url, const char *from, const char *to,
                              const char *subject, const char *body, size_t len, struct err *e)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = NULL;
    struct buf m;
    struct upload u;
    CURL *h;
    enum err_code rc;

    if (strpbrk(from, "<>\r\n") != NULL || strpbrk(to, "<>\r\n") != NULL ||
        strpbrk(subject, "\r\n") != NULL)
        return err_set(e, ERR_USAGE, "notify: address or subject holds a line break or <>");
    buf_init(&m, (size_t)256 << 20);
    rc = message(from, to, subject, body, len, &m, e);
    if (rc == ERR_OK)
        rc = curl_handle(&h, e);
    if (rc != ERR_OK) {
        buf_fini(&m);
        return rc;
    }
    rcpt = curl_slist_append(NULL, to);
    u = (struct upload){(const char *)m.data, m.len};
    (void)curl_easy_setopt(h, CURLOPT_URL, url);
    (void)curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    (void)curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    (void)curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    (void)curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    (void)curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
    (void)curl_easy_setopt(h, CURLOPT_READDATA, &u);
    (void)curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, NOTIFY_CONNECT_SECS);
    (void)curl_easy_setopt(h, CURLOPT_TIMEOUT, NOTIFY_TOTAL_SECS);
    (void)curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    rc = rcpt != NULL ? perform(h, url, errbuf, e) : err_set(e, ERR_NOMEM, "notify: no memory");
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    buf_fini(&m);
    return rc;
}
