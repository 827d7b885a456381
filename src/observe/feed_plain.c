/* feed_plain.c - the "plain" feed format: one indicator per line.
 *
 *   # comment            ; comment too (Spamhaus DROP style)
 *   evil.example
 *   192.0.2.1  # trailing comment after whitespace
 *   0.0.0.0 ads.example  (hosts-file lines: the name after 0.0.0.0 / 127.0.0.1 / :: / ::1)
 *
 * A UTF-8 byte-order mark at the start, CR before LF, and blanks around the value are
 * ignored; anything else after the value is an error for that line. The type is guessed
 * by the caller. One pass over the bytes, no allocation. */
#include "observe/feed_int.h"

#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool token_is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

static bool is_sink_ip(const char *s, size_t n)
{
    return token_is(s, n, "0.0.0.0") || token_is(s, n, "127.0.0.1") || token_is(s, n, "::") ||
           token_is(s, n, "::1");
}

/* [p, end) with blanks skipped from the front. */
static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && !is_blank(*p))
        p++;
    return p;
}

static bool is_comment(const char *p, const char *end)
{
    return p == end || *p == '#' || *p == ';';
}

/* One line [p, end), CR and LF excluded. Returns false to stop the parse. */
static bool plain_line(const char *p, const char *end, struct feed_entry *en,
                       const struct feed_sink *sink)
{
    const char *v, *ve, *rest;

    v = skip_blank(p, end);
    if (is_comment(v, end))
        return true;
    ve = token_end(v, end);
    rest = skip_blank(ve, end);
    if (is_sink_ip(v, (size_t)(ve - v)) && !is_comment(rest, end)) {
        v = rest;
        ve = token_end(v, end);
        rest = skip_blank(ve, end);
    }
    if (!is_comment(rest, end)) {
        sink->reject(sink->arg, en->where, en->line, "more than one value on the line");
        return true;
    }
    en->value = v;
    en->len = (size_t)(ve - v);
    return sink->entry(sink->arg, en);
}

enum err_code feed_parse_plain(const char *data, size_t len, const char *where,
                               const struct feed_sink *sink, struct err *e)
{
    const char *p = data, *end = data + len;
    struct feed_entry en;

    if (memchr(data, '\0', len < 4096 ? len : 4096) != NULL)
        return err_set(e, ERR_PARSE, "%s: not a text file (NUL byte in the first 4 KiB)", where);
    memset(&en, 0, sizeof(en));
    en.confidence = -1;
    en.tlp = -1;
    en.where = where;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;

        en.line++;
        if (!plain_line(p, le, &en, sink))
            return ERR_OK;
        p = nl ? nl + 1 : end;
    }
    return ERR_OK;
}
