/* feed_stix.c - STIX 2.1 bundles as a feed: indicator objects whose pattern is one
 * equality, or equalities joined by OR, become entries.
 *
 *   {"type": "bundle", "id": "bundle--...", "objects": [
 *     {"type": "indicator", "id", "created", "modified", "pattern",
 *      "pattern_type": "stix", "valid_from", "valid_until", "confidence", "labels",
 *      "revoked", "object_marking_refs": ["marking-definition--..."]}, ...]}
 *
 * Accepted patterns (STIX patterning, a subset):
 *   pattern := obs ( OR obs )*
 *   obs     := '[' comp ( OR comp )* ']'            no qualifiers (WITHIN, REPEATS, ...)
 *   comp    := path '=' literal
 *   path    := domain-name:value | url:value | ipv4-addr:value | ipv6-addr:value |
 *              email-addr:value | file:hashes.MD5 | file:hashes.'SHA-1' |
 *              file:hashes.'SHA-256' | autonomous-system:number
 *   literal := 'string' (escapes \' and \\ only) | decimal integer (AS number)
 * Every comparison is one entry. Anything else (AND, FOLLOWEDBY, NOT, !=, LIKE, MATCHES,
 * IN, qualifiers, other paths) rejects the whole indicator; the pattern is checked in
 * full before the first entry goes out. Objects are numbered 1, 2, ... in the bundle's
 * "objects" array; that number is the entry's line.
 *
 * TLP comes from object_marking_refs: the four TLP 1.0 marking definitions STIX 2.1
 * predefines, the five TLP 2.0 ones OASIS publishes (cti-stix-common-objects), or a
 * marking-definition in the same bundle that says its level (TLP 2.0 extension
 * "tlp_2_0", TLP 1.0 "definition": {"tlp"}, or a name "TLP:..."). The most restrictive
 * level wins. Nothing is allocated per entry: literals are unescaped into a stack
 * buffer. No global state. */
#include "observe/feed_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#define STIX_MARKS_MAX 32               /* marking definitions of one bundle that are remembered */
#define KIND_IP4       IOC_NTYPES       /* ipv4, or cidr when the value has '/' */
#define KIND_IP6       (IOC_NTYPES + 1) /* ipv6, or cidr */
#define TLP2_EXT       "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

static const struct {
    const char *id;
    enum ioc_tlp tlp;
} tlp_known[] = {
    /* TLP 1.0, predefined by STIX 2.1 (section 7.2.1.4). */
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", IOC_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", IOC_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", IOC_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", IOC_TLP_RED},
    /* TLP 2.0, OASIS cti-stix-common-objects (extension TLP2_EXT). */
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", IOC_TLP_CLEAR},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", IOC_TLP_GREEN},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", IOC_TLP_AMBER},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", IOC_TLP_AMBER_STRICT},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", IOC_TLP_RED},
};

struct stix_ctx {
    const struct feed_sink *sink;
    const char *where;
    uint64_t line;
    bool stop;
    size_t nmarks;
    struct {
        const char *id; /* points into the cJSON tree */
        int tlp;
    } marks[STIX_MARKS_MAX];
};

/* ---- pattern ------------------------------------------------------------------ */

/* A cursor over the pattern, and what the walk reports. */
struct pat {
    const char *s;
    size_t n, i;
    char why[120]; /* reason of the first failure */
    char val[IOC_VALUE_MAX + 1];
    size_t val_len; /* the current comparison's unescaped literal */
    int kind;       /* enum ioc_type or KIND_IP4/KIND_IP6 */
};

static bool pat_fail(struct pat *p, const char *what)
{
    (void)snprintf(p->why, sizeof(p->why), "pattern not a simple equality: %s at byte %zu", what,
                   p->i);
    return false;
}

static void pat_ws(struct pat *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static bool is_word(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
}

/* Consumes keyword kw (case-insensitive, not followed by a word character). */
static bool pat_keyword(struct pat *p, const char *kw)
{
    size_t k = strlen(kw);

    if (p->n - p->i < k || strncasecmp(p->s + p->i, kw, k) != 0 ||
        (p->i + k < p->n && is_word(p->s[p->i + k])))
        return false;
    p->i += k;
    return true;
}

/* A word: [A-Za-z0-9_-]+. */
static bool pat_word(struct pat *p, const char **w, size_t *len)
{
    size_t start = p->i;

    while (p->i < p->n && is_word(p->s[p->i]))
        p->i++;
    *w = p->s + start;
    *len = p->i - start;
    return *len > 0;
}

/* A quoted string literal into p->val; the cursor is on the opening quote. */
static bool pat_string(struct pat *p)
{
    p->val_len = 0;
    p->i++;
    while (p->i < p->n && p->s[p->i] != '\'') {
        char ch = p->s[p->i];

        if (ch == '\\') {
            if (p->i + 1 >= p->n || (p->s[p->i + 1] != '\'' && p->s[p->i + 1] != '\\'))
                return pat_fail(p, "bad escape in string");
            ch = p->s[++p->i];
        }
        if (p->val_len >= IOC_VALUE_MAX)
            return pat_fail(p, "string too long");
        p->val[p->val_len++] = ch;
        p->i++;
    }
    if (p->i >= p->n)
        return pat_fail(p, "unterminated string");
    p->i++;
    p->val[p->val_len] = '\0';
    return true;
}

static bool word_is(const char *w, size_t len, const char *name)
{
    return len == strlen(name) && strncmp(w, name, len) == 0;
}

static bool key_is(const char *w, size_t len, const char *a, const char *b)
{
    return (len == strlen(a) && strncasecmp(w, a, len) == 0) ||
           (len == strlen(b) && strncasecmp(w, b, len) == 0);
}

/* The hash key after "file:hashes.": a word or a quoted name. */
static bool pat_hash_key(struct pat *p)
{
    const char *w;
    size_t len;

    if (p->i < p->n && p->s[p->i] == '\'') {
        if (!pat_string(p))
            return false;
        w = p->val;
        len = p->val_len;
    } else if (!pat_word(p, &w, &len)) {
        return pat_fail(p, "missing hash name");
    }
    if (key_is(w, len, "MD5", "MD-5"))
        p->kind = IOC_MD5;
    else if (key_is(w, len, "SHA-1", "SHA1"))
        p->kind = IOC_SHA1;
    else if (key_is(w, len, "SHA-256", "SHA256"))
        p->kind = IOC_SHA256;
    else
        return pat_fail(p, "unsupported hash");
    return true;
}

/* object-type ':' property, mapped to p->kind. */
static bool pat_path(struct pat *p)
{
    static const struct {
        const char *type;
        int kind;
    } value_paths[] = {{"domain-name", IOC_DOMAIN},
                       {"url", IOC_URL},
                       {"ipv4-addr", KIND_IP4},
                       {"ipv6-addr", KIND_IP6},
                       {"email-addr", IOC_EMAIL}};
    const char *t, *prop;
    size_t tlen, plen;

    if (!pat_word(p, &t, &tlen) || p->i >= p->n || p->s[p->i] != ':')
        return pat_fail(p, "expected object-type:property");
    p->i++;
    if (!pat_word(p, &prop, &plen))
        return pat_fail(p, "expected property");
    if (word_is(t, tlen, "file") && word_is(prop, plen, "hashes") && p->i < p->n &&
        p->s[p->i] == '.') {
        p->i++;
        return pat_hash_key(p);
    }
    if (word_is(t, tlen, "autonomous-system") && word_is(prop, plen, "number")) {
        p->kind = IOC_ASN;
        return true;
    }
    for (size_t k = 0; k < sizeof(value_paths) / sizeof(value_paths[0]); k++)
        if (word_is(t, tlen, value_paths[k].type) && word_is(prop, plen, "value")) {
            p->kind = value_paths[k].kind;
            return true;
        }
    return pat_fail(p, "unsupported object path");
}

/* path '=' literal; the literal ends up in p->val. */
static bool pat_comparison(struct pat *p)
{
    int kind;

    if (!pat_path(p))
        return false;
    kind = p->kind; /* a quoted hash key reused p->val */
    pat_ws(p);
    if (p->i >= p->n || p->s[p->i] != '=')
        return pat_fail(p, "operator other than =");
    p->i++;
    pat_ws(p);
    if (kind == IOC_ASN) {
        const char *w;
        size_t len;

        if (!pat_word(p, &w, &len) || strspn(w, "0123456789") < len || len > 10)
            return pat_fail(p, "AS number not a decimal integer");
        memcpy(p->val, w, len);
        p->val_len = len;
        p->val[len] = '\0';
    } else if (p->i >= p->n || p->s[p->i] != '\'' || !pat_string(p)) {
        return p->why[0] != '\0' ? false : pat_fail(p, "value not a string literal");
    }
    p->kind = kind;
    return true;
}

typedef bool (*pat_emit_fn)(void *arg, int kind, const char *v, size_t len);

/* Walks the whole pattern; emit (may be NULL) gets each comparison. Returns false with
 * p->why set on the first failure, or when emit returns false (p->why empty). */
static bool pat_walk(struct pat *p, pat_emit_fn emit, void *arg)
{
    p->i = 0;
    p->why[0] = '\0';
    for (;;) {
        pat_ws(p);
        if (p->i >= p->n || p->s[p->i] != '[')
            return pat_fail(p, "expected [");
        p->i++;
        for (;;) {
            pat_ws(p);
            if (!pat_comparison(p))
                return false;
            if (emit != NULL && !emit(arg, p->kind, p->val, p->val_len))
                return false;
            pat_ws(p);
            if (p->i < p->n && p->s[p->i] == ']')
                break;
            if (!pat_keyword(p, "OR"))
                return pat_fail(p, "expected OR or ]");
        }
        p->i++;
        pat_ws(p);
        if (p->i >= p->n)
            return true;
        if (!pat_keyword(p, "OR"))
            return pat_fail(p, "expected OR or end");
    }
}

/* ---- objects ------------------------------------------------------------------ */

static int marking_level(const struct stix_ctx *c, const char *id)
{
    for (size_t k = 0; k < sizeof(tlp_known) / sizeof(tlp_known[0]); k++)
        if (strcmp(tlp_known[k].id, id) == 0)
            return (int)tlp_known[k].tlp;
    for (size_t k = 0; k < c->nmarks; k++)
        if (strcmp(c->marks[k].id, id) == 0)
            return c->marks[k].tlp;
    return -1;
}

/* The TLP level a marking-definition object states about itself, or -1. */
static int marking_own_level(const cJSON *o)
{
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(o, "extensions"), TLP2_EXT);
    const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(ext, "tlp_2_0");
    const cJSON *v1 =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "definition"), "tlp");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
    enum ioc_tlp level;

    if (cJSON_IsString(v2) && ioc_tlp_parse(v2->valuestring, strlen(v2->valuestring), &level))
        return (int)level;
    if (cJSON_IsString(v1) && ioc_tlp_parse(v1->valuestring, strlen(v1->valuestring), &level))
        return (int)level;
    if (cJSON_IsString(name) && strncasecmp(name->valuestring, "TLP:", 4) == 0 &&
        ioc_tlp_parse(name->valuestring, strlen(name->valuestring), &level))
        return (int)level;
    return -1;
}

/* Remembers the bundle's own TLP marking definitions (the first STIX_MARKS_MAX). */
static void collect_markings(struct stix_ctx *c, const cJSON *objects)
{
    const cJSON *o;

    cJSON_ArrayForEach(o, objects)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
        int level;

        if (c->nmarks == STIX_MARKS_MAX)
            return;
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "marking-definition") != 0 ||
            !cJSON_IsString(id))
            continue;
        level = marking_own_level(o);
        if (level >= 0) {
            c->marks[c->nmarks].id = id->valuestring;
            c->marks[c->nmarks].tlp = level;
            c->nmarks++;
        }
    }
}

static int object_tlp(const struct stix_ctx *c, const cJSON *o)
{
    const cJSON *ref;
    int tlp = -1;

    cJSON_ArrayForEach(ref, cJSON_GetObjectItemCaseSensitive(o, "object_marking_refs"))
    {
        int level = cJSON_IsString(ref) ? marking_level(c, ref->valuestring) : -1;

        if (level > tlp)
            tlp = level;
    }
    return tlp;
}

/* One indicator's entry fields other than type and value; false (reason in why) when a
 * field is bad. */
static bool indicator_fields(const cJSON *o, struct feed_entry *en, char *tags, const char **why)
{
    const cJSON *mod = cJSON_GetObjectItemCaseSensitive(o, "modified");
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(o, "valid_from");
    const cJSON *conf = cJSON_GetObjectItemCaseSensitive(o, "confidence");
    const cJSON *label;
    size_t ntags = 0;

    if (!feed_json_time(mod, &en->seen)) {
        *why = "indicator: bad modified time";
        return false;
    }
    if (en->seen == 0 && !feed_json_time(from, &en->seen)) {
        *why = "indicator: bad valid_from time";
        return false;
    }
    if (!feed_json_time(cJSON_GetObjectItemCaseSensitive(o, "valid_until"), &en->valid_until)) {
        *why = "indicator: bad valid_until time";
        return false;
    }
    en->confidence = -1;
    if (conf != NULL) {
        if (!cJSON_IsNumber(conf) || !(conf->valuedouble >= 0 && conf->valuedouble <= 100) ||
            conf->valuedouble != floor(conf->valuedouble)) {
            *why = "indicator: confidence not an integer 0..100";
            return false;
        }
        en->confidence = (int)conf->valuedouble;
    }
    tags[0] = '\0';
    cJSON_ArrayForEach(label, cJSON_GetObjectItemCaseSensitive(o, "labels"))
    {
        if (cJSON_IsString(label))
            feed_tags_add(tags, &ntags, label->valuestring);
    }
    en->tags = ntags > 0 ? tags : NULL;
    return true;
}

struct emit_arg {
    struct stix_ctx *c;
    struct feed_entry *en;
};

static bool emit_entry(void *arg, int kind, const char *v, size_t len)
{
    struct emit_arg *a = arg;
    bool cidr = memchr(v, '/', len) != NULL;

    if (kind == KIND_IP4)
        a->en->type = cidr ? IOC_CIDR : IOC_IPV4;
    else if (kind == KIND_IP6)
        a->en->type = cidr ? IOC_CIDR : IOC_IPV6;
    else
        a->en->type = (enum ioc_type)kind;
    a->en->value = v;
    a->en->len = len;
    if (!a->c->sink->entry(a->c->sink->arg, a->en))
        a->c->stop = true;
    return !a->c->stop;
}

static void stix_reject(struct stix_ctx *c, const char *reason)
{
    c->sink->reject(c->sink->arg, c->where, c->line, reason);
}

static void stix_indicator(struct stix_ctx *c, const cJSON *o, struct pat *p)
{
    const cJSON *ptype = cJSON_GetObjectItemCaseSensitive(o, "pattern_type");
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(o, "pattern");
    char tags[FEED_TAGS_MAX];
    struct feed_entry en;
    struct emit_arg arg = {c, &en};
    const char *why = NULL;

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "revoked")))
        return;
    if (ptype != NULL && (!cJSON_IsString(ptype) || strcmp(ptype->valuestring, "stix") != 0))
        return; /* YARA, Sigma, Snort, ...: not for this parser */
    if (!cJSON_IsString(pattern)) {
        stix_reject(c, "indicator: missing pattern");
        return;
    }
    memset(&en, 0, sizeof(en));
    if (!indicator_fields(o, &en, tags, &why)) {
        stix_reject(c, why);
        return;
    }
    en.type_known = true;
    en.tlp = object_tlp(c, o);
    en.where = c->where;
    en.line = c->line;
    p->s = pattern->valuestring;
    p->n = strlen(pattern->valuestring);
    if (!pat_walk(p, NULL, NULL)) {
        stix_reject(c, p->why);
        return;
    }
    (void)pat_walk(p, emit_entry, &arg); /* checked above: only the sink can stop it */
}

enum err_code feed_parse_stix(const char *data, size_t len, const char *where,
                              const struct feed_sink *sink, struct err *e)
{
    struct stix_ctx c = {.sink = sink, .where = where};
    const cJSON *type, *objects, *o;
    struct pat *p;
    cJSON *root;
    enum err_code rc;

    rc = feed_json_parse(data, len, where, &root, e);
    if (rc != ERR_OK)
        return rc;
    type = cJSON_GetObjectItemCaseSensitive(root, "type");
    objects = cJSON_GetObjectItemCaseSensitive(root, "objects");
    if (!cJSON_IsObject(root) || !cJSON_IsString(type) ||
        strcmp(type->valuestring, "bundle") != 0 || (objects != NULL && !cJSON_IsArray(objects))) {
        cJSON_Delete(root);
        return err_set(e, ERR_PARSE,
                       "%s: not a STIX bundle: no \"type\": \"bundle\" with an "
                       "\"objects\" array at byte 0",
                       where);
    }
    p = mem_alloc(sizeof(*p)); /* once per file: the literal buffer is too big for a stack */
    if (p == NULL) {
        cJSON_Delete(root);
        return err_set(e, ERR_NOMEM, "%s: stix: out of memory", where);
    }
    collect_markings(&c, objects);
    cJSON_ArrayForEach(o, objects)
    {
        const cJSON *otype = cJSON_GetObjectItemCaseSensitive(o, "type");

        if (c.stop)
            break;
        c.line++;
        if (!cJSON_IsObject(o))
            stix_reject(&c, "object is not a JSON object");
        else if (cJSON_IsString(otype) && strcmp(otype->valuestring, "indicator") == 0)
            stix_indicator(&c, o, p);
    }
    mem_free(p);
    cJSON_Delete(root);
    return ERR_OK;
}
