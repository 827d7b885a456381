/* fuzz_jscan.c - libFuzzer target for the JSON line scanner (observe/jscan.c), checked
 * against cJSON as the reference: every line jscan accepts must be a JSON object cJSON
 * accepts too, and each captured value (root keys "a", "s"; "b"."c" inside an object or
 * an array of objects, first occurrence winning) must have cJSON's type and, for
 * strings, cJSON's text. jscan may reject more (UTF-8, nesting over 64, control bytes
 * cJSON counts as whitespace); a difference the other way aborts. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "observe/jscan.h"

enum { V_A, V_S, V_C, V_N };

static const struct jscan_key c_k[] = {{"c", 1, V_C, NULL}};
static const struct jscan_keys c_t = {c_k, 1};
static const struct jscan_key root_k[] = {
    {"a", 1, V_A, NULL}, {"s", 1, V_S, NULL}, {"b", 1, 0, &c_t}};
static const struct jscan_keys root_t = {root_k, 3};

/* cJSON (1.7.15) reads at most 63 characters of a number: longer ones it rejects. */
static bool long_number(const uint8_t *d, size_t n)
{
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        bool num = (d[i] >= '0' && d[i] <= '9') || d[i] == '-' || d[i] == '+' || d[i] == '.' ||
                   d[i] == 'e' || d[i] == 'E';
        run = num ? run + 1 : 0;
        if (run >= 60)
            return true;
    }
    return false;
}

static int type_of(const cJSON *j)
{
    if (cJSON_IsString(j))
        return JS_STR;
    if (cJSON_IsNumber(j))
        return JS_NUM;
    if (cJSON_IsTrue(j))
        return JS_TRUE;
    if (cJSON_IsFalse(j))
        return JS_FALSE;
    if (cJSON_IsNull(j))
        return JS_NULL;
    return cJSON_IsObject(j) ? JS_OBJ : JS_ARR;
}

static void same(const cJSON *j, const struct jscan_val *v)
{
    char *txt;
    size_t n;

    if (j == NULL) {
        if (v->type != JS_NONE)
            abort();
        return;
    }
    if (v->type != type_of(j))
        abort();
    if (v->type != JS_STR)
        return;
    txt = malloc(v->len + 1);
    if (txt == NULL)
        return;
    n = jscan_unescape(v, txt, v->len); /* text is never longer than its escaped form */
    if (n == SIZE_MAX)
        abort();
    txt[n] = '\0';
    if (strlen(j->valuestring) != strlen(txt) || strcmp(j->valuestring, txt) != 0)
        abort();
    free(txt);
}

static const cJSON *first(const cJSON *o, const char *name)
{
    for (const cJSON *c = o->child; c != NULL; c = c->next)
        if (c->string != NULL && strcmp(c->string, name) == 0)
            return c;
    return NULL;
}

/* "b"."c" as jscan defines it: every "b" member in order, each an object or an array
 * whose object elements are looked at in order. */
static const cJSON *path_bc(const cJSON *root)
{
    for (const cJSON *b = root->child; b != NULL; b = b->next) {
        if (b->string == NULL || strcmp(b->string, "b") != 0)
            continue;
        if (cJSON_IsObject(b) && first(b, "c") != NULL)
            return first(b, "c");
        if (!cJSON_IsArray(b))
            continue;
        for (const cJSON *el = b->child; el != NULL; el = el->next)
            if (cJSON_IsObject(el) && first(el, "c") != NULL)
                return first(el, "c");
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jscan_val v[V_N];
    size_t off;
    const char *why;
    char *copy;
    cJSON *root;
    uint8_t *exact = malloc(size ? size : 1); /* exact size: ASan sees any overread */

    if (exact == NULL)
        return 0;
    memcpy(exact, data, size);
    if (!jscan_object((const char *)exact, size, &root_t, v, V_N, &off, &why)) {
        if (off > size || why == NULL)
            abort();
        free(exact);
        return 0;
    }
    if (long_number(data, size) || memmem(data, size, "\\u0000", 6) != NULL ||
        (copy = malloc(size + 1)) == NULL) {
        free(exact); /* cJSON cuts names and strings at an escaped NUL */
        return 0;
    }
    memcpy(copy, data, size);
    copy[size] = '\0';
    root = cJSON_ParseWithLengthOpts(copy, size + 1, NULL, true);
    if (root == NULL || !cJSON_IsObject(root))
        abort();
    same(first(root, "a"), &v[V_A]);
    same(first(root, "s"), &v[V_S]);
    same(path_bc(root), &v[V_C]);
    cJSON_Delete(root);
    free(copy);
    free(exact); /* the captured spans point into it */
    return 0;
}
