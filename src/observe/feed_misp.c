/* feed_misp.c - MISP feed files: one event (<uuid>.json) and the feed's manifest.json,
 * plus the JSON helpers feed_stix.c shares (feed_int.h).
 *
 * A MISP feed is a directory written by MISP's feed export (or PyMISP's generator):
 *   manifest.json   {"<event uuid>": {"info", "date", "timestamp", "Orgc", "Tag"}, ...}
 *   <uuid>.json     {"Event": {"uuid", "info", "timestamp", "Tag": [{"name"}...],
 *                              "Attribute": [ATTR...],
 *                              "Object": [{"name", "deleted", "Attribute": [ATTR...]}]}}
 *   ATTR            {"type", "value", "to_ids", "deleted", "timestamp", "last_seen",
 *                    "Tag": [{"name": "tlp:amber"}, ...], ...}
 *   hashes.csv      ignored.
 * Only attributes with to_ids true are entries (MISP's "actionable" flag); deleted
 * attributes, attributes of deleted objects and types without an indicator type are
 * skipped without a word. Attributes are numbered 1, 2, ... in document order (skipped
 * ones included); that number is the entry's line.
 *
 * The whole file is parsed by cJSON; entries point into the cJSON tree and into a tags
 * buffer on the stack, so nothing is allocated per entry. No global state. */
#include "observe/feed_int.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

/* ---- shared JSON helpers ------------------------------------------------------ */

enum err_code feed_json_parse(const char *data, size_t len, const char *where, cJSON **out,
                              struct err *e)
{
    const char *end = NULL;
    cJSON *root;
    size_t off;

    *out = NULL;
    if (len == 0)
        return err_set(e, ERR_PARSE, "%s: not JSON: empty file", where);
    root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (root == NULL) {
        off = end != NULL && end >= data && end <= data + len ? (size_t)(end - data) : 0;
        return err_set(e, ERR_PARSE, "%s: not JSON: syntax error at byte %zu", where, off);
    }
    off = end != NULL && end >= data && end <= data + len ? (size_t)(end - data) : len;
    while (off < len &&
           (data[off] == ' ' || data[off] == '\t' || data[off] == '\n' || data[off] == '\r'))
        off++;
    if (off < len) {
        cJSON_Delete(root);
        return err_set(e, ERR_PARSE, "%s: not JSON: trailing data at byte %zu", where, off);
    }
    *out = root;
    return ERR_OK;
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool feed_json_time(const cJSON *item, int64_t *out)
{
    const char *s;

    *out = 0;
    if (item == NULL || cJSON_IsNull(item))
        return true;
    if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;

        if (!(v >= 0 && v < 1099511627776.0) || v != floor(v))
            return false;
        *out = (int64_t)v;
        return true;
    }
    if (!cJSON_IsString(item))
        return false;
    s = item->valuestring;
    if (all_digits(s)) {
        struct err ne;

        return strlen(s) <= 13 && num_parse_i64(s, 0, (int64_t)1 << 40, out, &ne) == ERR_OK;
    }
    /* Only dates: time_parse also takes durations ("7d"), which mean nothing here. */
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    if (s[4] != '-' || time_parse(s, 0, out, NULL) != ERR_OK || *out < 0) {
        *out = 0; /* before 1970 is no time a feed means */
        return false;
    }
    return true;
}

void feed_tags_add(char *tags, size_t *n, const char *name)
{
    size_t need = (*n > 0) + 1, k = 0, i;

    for (i = 0; name[i] != '\0'; i++)
        need += (unsigned char)name[i] >= 0x20 && name[i] != 0x7f;
    if (need == 1 + (*n > 0) || *n + need > FEED_TAGS_MAX)
        return; /* empty, or does not fit: dropped whole */
    if (*n > 0)
        tags[(*n)++] = ',';
    for (i = 0; name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c < 0x20 || c == 0x7f)
            continue;
        tags[*n + k++] = c == ',' ? ';' : (char)c;
    }
    *n += k;
    tags[*n] = '\0';
}

/* ---- MISP event --------------------------------------------------------------- */

/* How a MISP attribute type maps to indicator entries. */
enum part {
    PART_WHOLE, /* the value */
    PART_FIRST, /* before the first '|' ("ip-dst|port") */
    PART_LAST,  /* after the last '|' ("filename|md5") */
    PART_BOTH   /* "domain|ip": the first part as domain, the rest as an IP */
};
#define KIND_IP IOC_NTYPES /* ipv4, ipv6 or cidr, decided by the value */

struct misp_type {
    const char *name;
    int kind; /* enum ioc_type, or KIND_IP */
    enum part part;
};

static const struct misp_type misp_types[] = {
    {"domain", IOC_DOMAIN, PART_WHOLE},
    {"hostname", IOC_DOMAIN, PART_WHOLE},
    {"domain|ip", IOC_DOMAIN, PART_BOTH},
    {"hostname|port", IOC_DOMAIN, PART_FIRST},
    {"url", IOC_URL, PART_WHOLE},
    {"ip-src", KIND_IP, PART_WHOLE},
    {"ip-dst", KIND_IP, PART_WHOLE},
    {"ip-src|port", KIND_IP, PART_FIRST},
    {"ip-dst|port", KIND_IP, PART_FIRST},
    {"md5", IOC_MD5, PART_WHOLE},
    {"sha1", IOC_SHA1, PART_WHOLE},
    {"sha256", IOC_SHA256, PART_WHOLE},
    {"filename|md5", IOC_MD5, PART_LAST},
    {"filename|sha1", IOC_SHA1, PART_LAST},
    {"filename|sha256", IOC_SHA256, PART_LAST},
    {"email", IOC_EMAIL, PART_WHOLE},
    {"email-src", IOC_EMAIL, PART_WHOLE},
    {"email-dst", IOC_EMAIL, PART_WHOLE},
    {"AS", IOC_ASN, PART_WHOLE},
};

static const struct misp_type *misp_type_find(const char *name)
{
    for (size_t i = 0; i < sizeof(misp_types) / sizeof(misp_types[0]); i++)
        if (strcmp(misp_types[i].name, name) == 0)
            return &misp_types[i];
    return NULL;
}

/* The parse of one event file. */
struct misp_ctx {
    const struct feed_sink *sink;
    const char *where;
    uint64_t line;           /* ordinal of the current attribute */
    bool stop;               /* the sink asked to stop */
    const cJSON *event_tags; /* the event's "Tag" array, or NULL */
};

static bool json_true(const cJSON *item)
{
    if (cJSON_IsBool(item))
        return cJSON_IsTrue(item);
    if (cJSON_IsNumber(item))
        return item->valuedouble != 0;
    if (cJSON_IsString(item))
        return strcmp(item->valuestring, "1") == 0 || strcasecmp(item->valuestring, "true") == 0;
    return false;
}

/* Rejects the current attribute: "what", or "what 'detail'" with detail escaped. */
static void misp_reject(struct misp_ctx *c, const char *what, const char *detail)
{
    char reason[200], esc[64];

    if (detail == NULL) {
        c->sink->reject(c->sink->arg, c->where, c->line, what);
        return;
    }
    (void)log_escape((const uint8_t *)detail, strlen(detail) < 40 ? strlen(detail) : 40, esc,
                     sizeof(esc));
    (void)snprintf(reason, sizeof(reason), "%s '%s'", what, esc); /* truncation is fine */
    c->sink->reject(c->sink->arg, c->where, c->line, reason);
}

/* Reads a "Tag" array: TLP tags raise *tlp to the most restrictive level, other names
 * go to tags. Non-object items and tags without a string name are ignored. */
static void misp_tags(const cJSON *arr, int *tlp, char *tags, size_t *n)
{
    const cJSON *t;

    if (!cJSON_IsArray(arr))
        return;
    cJSON_ArrayForEach(t, arr)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
        enum ioc_tlp level;

        if (!cJSON_IsString(name))
            continue;
        if (ioc_tlp_parse(name->valuestring, strlen(name->valuestring), &level)) {
            if ((int)level > *tlp)
                *tlp = (int)level;
            continue;
        }
        feed_tags_add(tags, n, name->valuestring);
    }
}

static enum ioc_type ip_kind(const char *v, size_t len)
{
    if (memchr(v, '/', len) != NULL)
        return IOC_CIDR;
    return memchr(v, ':', len) != NULL ? IOC_IPV6 : IOC_IPV4;
}

/* Emits one entry of kind over v[0..len); sets c->stop when the sink says stop. */
static void misp_emit(struct misp_ctx *c, struct feed_entry *en, int kind, const char *v,
                      size_t len)
{
    if (c->stop)
        return;
    if (kind == IOC_ASN && len > 2 && strncasecmp(v, "AS", 2) == 0) {
        v += 2; /* "AS64500": the number is the indicator */
        len -= 2;
    }
    en->type = kind == KIND_IP ? ip_kind(v, len) : (enum ioc_type)kind;
    en->value = v;
    en->len = len;
    if (!c->sink->entry(c->sink->arg, en))
        c->stop = true;
}

/* Splits the value as the type says and emits its entries, or rejects the attribute
 * before emitting anything when a part is missing or empty. */
static void misp_emit_value(struct misp_ctx *c, struct feed_entry *en, const struct misp_type *mt,
                            const char *v)
{
    size_t len = strlen(v), l1 = len, l2 = 0;
    const char *first = memchr(v, '|', len), *p1 = v, *p2 = NULL;

    if (mt->part != PART_WHOLE && first == NULL) {
        misp_reject(c, "attribute: composite value without '|', type", mt->name);
        return;
    }
    if (mt->part == PART_FIRST || mt->part == PART_BOTH)
        l1 = (size_t)(first - v);
    if (mt->part == PART_LAST) {
        p1 = strrchr(v, '|') + 1;
        l1 = (size_t)(v + len - p1);
    }
    if (mt->part == PART_BOTH) {
        p2 = first + 1;
        l2 = (size_t)(v + len - p2);
    }
    if (l1 == 0 || (p2 != NULL && l2 == 0)) {
        misp_reject(c, "attribute: empty value", NULL);
        return;
    }
    misp_emit(c, en, mt->kind, p1, l1);
    if (p2 != NULL)
        misp_emit(c, en, KIND_IP, p2, l2);
}

/* One attribute; c->line is already its ordinal. */
static void misp_attribute(struct misp_ctx *c, const cJSON *a)
{
    const cJSON *type, *value, *ts, *last;
    const struct misp_type *mt;
    struct feed_entry en;
    char tags[FEED_TAGS_MAX];
    size_t ntags = 0;
    int tlp = -1, event_tlp = -1;

    if (!cJSON_IsObject(a)) {
        misp_reject(c, "attribute is not an object", NULL);
        return;
    }
    if (json_true(cJSON_GetObjectItemCaseSensitive(a, "deleted")) ||
        !json_true(cJSON_GetObjectItemCaseSensitive(a, "to_ids")))
        return;
    type = cJSON_GetObjectItemCaseSensitive(a, "type");
    if (!cJSON_IsString(type)) {
        misp_reject(c, "attribute: missing type", NULL);
        return;
    }
    mt = misp_type_find(type->valuestring);
    if (mt == NULL)
        return; /* not an indicator type ooda keeps */
    value = cJSON_GetObjectItemCaseSensitive(a, "value");
    if (value == NULL) {
        misp_reject(c, "attribute: missing value", NULL);
        return;
    }
    if (!cJSON_IsString(value)) {
        misp_reject(c, "attribute: value is not a string", NULL);
        return;
    }
    memset(&en, 0, sizeof(en));
    last = cJSON_GetObjectItemCaseSensitive(a, "last_seen");
    ts = cJSON_GetObjectItemCaseSensitive(a, "timestamp");
    if (!feed_json_time(last, &en.seen)) {
        misp_reject(c, "attribute: bad last_seen", cJSON_IsString(last) ? last->valuestring : NULL);
        return;
    }
    if (en.seen == 0 && !feed_json_time(ts, &en.seen)) {
        misp_reject(c, "attribute: bad timestamp", cJSON_IsString(ts) ? ts->valuestring : NULL);
        return;
    }
    tags[0] = '\0';
    misp_tags(cJSON_GetObjectItemCaseSensitive(a, "Tag"), &tlp, tags, &ntags);
    misp_tags(c->event_tags, &event_tlp, tags, &ntags); /* after the attribute's own */
    en.type_known = true;
    en.confidence = -1;
    en.tlp = tlp >= 0 ? tlp : event_tlp;
    en.tags = ntags > 0 ? tags : NULL;
    en.where = c->where;
    en.line = c->line;
    misp_emit_value(c, &en, mt, value->valuestring);
}

/* The elements of an array (the caller checked it is one, or NULL). */
static void misp_attributes(struct misp_ctx *c, const cJSON *arr)
{
    const cJSON *a;

    cJSON_ArrayForEach(a, arr)
    {
        if (c->stop)
            return;
        c->line++;
        misp_attribute(c, a);
    }
}

/* Objects' attributes, numbered after whatever came before in the file. A deleted
 * object's attributes are counted but skipped; an object that is not an object, or
 * whose "Attribute" is not an array, counts as one bad record. */
static void misp_objects(struct misp_ctx *c, const cJSON *arr)
{
    const cJSON *o;

    cJSON_ArrayForEach(o, arr)
    {
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(o, "Attribute");

        if (c->stop)
            return;
        if (!cJSON_IsObject(o) ||
            (attrs != NULL && !cJSON_IsNull(attrs) && !cJSON_IsArray(attrs))) {
            c->line++;
            misp_reject(c, "object is not an object with an Attribute array", NULL);
            continue;
        }
        if (json_true(cJSON_GetObjectItemCaseSensitive(o, "deleted"))) {
            c->line += (uint64_t)(cJSON_IsArray(attrs) ? cJSON_GetArraySize(attrs) : 0);
            continue;
        }
        misp_attributes(c, attrs);
    }
}

/* The event's "Attribute" and "Object" members must be arrays (or null). */
static bool misp_event_shape(const cJSON *ev)
{
    const cJSON *item;

    cJSON_ArrayForEach(item, ev)
    {
        if (item->string == NULL || cJSON_IsNull(item) || cJSON_IsArray(item))
            continue;
        if (strcmp(item->string, "Attribute") == 0 || strcmp(item->string, "Object") == 0)
            return false;
    }
    return true;
}

enum err_code feed_parse_misp_event(const char *data, size_t len, const char *where,
                                    const struct feed_sink *sink, struct err *e)
{
    struct misp_ctx c = {.sink = sink, .where = where};
    const cJSON *ev, *item;
    cJSON *root;
    enum err_code rc;

    rc = feed_json_parse(data, len, where, &root, e);
    if (rc != ERR_OK)
        return rc;
    ev = cJSON_GetObjectItemCaseSensitive(root, "Event");
    if (!cJSON_IsObject(root) || !cJSON_IsObject(ev)) {
        cJSON_Delete(root);
        return err_set(e, ERR_PARSE, "%s: not a MISP event: no \"Event\" object at byte 0", where);
    }
    if (!misp_event_shape(ev)) {
        cJSON_Delete(root);
        return err_set(e, ERR_PARSE, "%s: not a MISP event: Attribute or Object not an array",
                       where);
    }
    c.event_tags = cJSON_GetObjectItemCaseSensitive(ev, "Tag");
    /* Document order, so the ordinals match what a reader of the file counts. */
    cJSON_ArrayForEach(item, ev)
    {
        if (c.stop)
            break;
        if (item->string != NULL && strcmp(item->string, "Attribute") == 0)
            misp_attributes(&c, item);
        else if (item->string != NULL && strcmp(item->string, "Object") == 0)
            misp_objects(&c, item);
    }
    cJSON_Delete(root);
    return ERR_OK;
}

/* ---- MISP manifest ------------------------------------------------------------ */

static bool uuid_valid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return s[36] == '\0';
}

enum err_code feed_parse_misp_manifest(const char *data, size_t len, const char *where,
                                       feed_uuid_fn fn, void *arg, struct err *e)
{
    const cJSON *item;
    cJSON *root;
    enum err_code rc;
    uint64_t n = 0;

    rc = feed_json_parse(data, len, where, &root, e);
    if (rc != ERR_OK)
        return rc;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return err_set(e, ERR_PARSE, "%s: not a MISP manifest: not a JSON object at byte 0", where);
    }
    cJSON_ArrayForEach(item, root)
    {
        char esc[64];

        n++;
        if (item->string == NULL || !uuid_valid(item->string)) {
            const char *k = item->string != NULL ? item->string : "";

            log_warn(
                "feed", "%s: manifest entry %llu: key '%s' is not a uuid, skipped", where,
                (unsigned long long)n,
                log_escape((const uint8_t *)k, strlen(k) < 40 ? strlen(k) : 40, esc, sizeof(esc)));
            continue;
        }
        if (!fn(arg, item->string))
            break;
    }
    cJSON_Delete(root);
    return ERR_OK;
}
