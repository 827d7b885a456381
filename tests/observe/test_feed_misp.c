/* test_feed_misp.c - unit tests of the MISP feed parsers (observe/feed_misp.c) and the
 * JSON helpers they share with the STIX parser: the event and manifest of the feed
 * directory tests/data/feeds/misp/ (entries and rejections compared field by field),
 * composite types, to_ids, deleted attributes and objects, tag and TLP inheritance,
 * non-JSON and truncated input, a sink that stops, and the time and tag helpers.
 * Files are read into buffers of exactly their size, so ASan sees any overread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "feed_json_fixture.h"

#define EV1 "5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5f"
#define EV2 "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"

static struct feed_sink rec_sink(void)
{
    struct feed_sink s = {rec_entry, rec_reject, &R};

    memset(&R, 0, sizeof(R));
    return s;
}

/* A copy of a C string without its NUL, so the parser cannot lean on one. */
static char *dup_exact(const char *s, size_t *len)
{
    char *p;

    *len = strlen(s);
    p = malloc(*len > 0 ? *len : 1);
    assert_non_null(p);
    memcpy(p, s, *len);
    return p;
}

static enum err_code parse_event_str(const char *json, struct err *e)
{
    struct feed_sink s = rec_sink();
    size_t len;
    char *buf = dup_exact(json, &len);
    enum err_code rc = feed_parse_misp_event(buf, len, "t.json", &s, e);

    free(buf);
    return rc;
}

struct want {
    uint64_t line;
    enum ioc_type type;
    const char *value;
    int64_t seen;
    int tlp;
    const char *tags; /* NULL: none */
};

static void check_entry(const struct got_entry *g, const struct want *w)
{
    assert_int_equal(g->line, w->line);
    assert_true(g->type_known);
    assert_int_equal(g->type, w->type);
    assert_string_equal(g->value, w->value);
    assert_int_equal(g->seen, w->seen);
    assert_int_equal(g->valid_until, 0);
    assert_int_equal(g->confidence, -1);
    assert_int_equal(g->tlp, w->tlp);
    if (w->tags == NULL) {
        assert_false(g->has_tags);
    } else {
        assert_true(g->has_tags);
        assert_string_equal(g->tags, w->tags);
    }
}

#define ET     "misp-galaxy:threat-actor=\"APT; Example\",type:OSINT"
#define SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void test_event_entries(void **state)
{
    static const struct want want[] = {
        {1, IOC_DOMAIN, "evil.example.com", 1732500000, IOC_TLP_AMBER, ET},
        {2, IOC_IPV4, "198.51.100.7", 1732500100, IOC_TLP_GREEN, "c2," ET},
        {3, IOC_IPV4, "203.0.113.9", 1732528800, IOC_TLP_AMBER, ET}, /* last_seen wins */
        {4, IOC_DOMAIN, "bad.example.net", 1732500300, IOC_TLP_AMBER, ET},
        {4, IOC_IPV4, "192.0.2.44", 1732500300, IOC_TLP_AMBER, ET},
        {7, IOC_SHA256, SHA256, 1732500400, IOC_TLP_AMBER, ET},
        {8, IOC_CIDR, "2001:db8::/32", 1732500500, IOC_TLP_AMBER, ET},
        {12, IOC_ASN, "64500", 1732500600, IOC_TLP_AMBER, ET}, /* numeric timestamp */
        {15, IOC_SHA1, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", 1732500700, IOC_TLP_AMBER, ET},
        {16, IOC_MD5, "098f6bcd4621d373cade4e832627b4f6", 1732500700, IOC_TLP_AMBER, ET},
        {18, IOC_CIDR, "198.51.100.0/24", 1732500900, IOC_TLP_AMBER, ET},
        {19, IOC_URL, "http://evil.example.com/gate.php?id=1", 1732500900, IOC_TLP_RED, ET},
    };
    struct feed_sink s = rec_sink();
    struct err e;
    size_t len, n = sizeof(want) / sizeof(want[0]);
    char *buf = read_data("misp/" EV1 ".json", &len);

    (void)state;
    assert_int_equal(feed_parse_misp_event(buf, len, "ev1.json", &s, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nen, n);
    for (size_t i = 0; i < n; i++) {
        check_entry(&R.en[i], &want[i]);
        assert_string_equal(R.en[i].where, "ev1.json");
    }
}

static void test_event_rejects(void **state)
{
    static const struct {
        uint64_t line;
        const char *reason;
    } want[] = {
        {10, "attribute: missing value"},
        {11, "attribute: value is not a string"},
        {13, "attribute: bad timestamp 'yesterday'"},
        {20, "attribute: bad last_seen 'not a date'"},
    };
    struct feed_sink s = rec_sink();
    struct err e;
    size_t len;
    char *buf = read_data("misp/" EV1 ".json", &len);

    (void)state;
    assert_int_equal(feed_parse_misp_event(buf, len, "ev1.json", &s, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nrj, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < R.nrj; i++) {
        assert_int_equal(R.rj[i].line, want[i].line);
        assert_string_equal(R.rj[i].reason, want[i].reason);
    }
}

/* The second event has no tags at all: TLP and tags are "none". */
static void test_event_without_tags(void **state)
{
    static const struct want w = {1, IOC_IPV4, "192.0.2.200", 1732400000, -1, NULL};
    struct feed_sink s = rec_sink();
    struct err e;
    size_t len;
    char *buf = read_data("misp/" EV2 ".json", &len);

    (void)state;
    assert_int_equal(feed_parse_misp_event(buf, len, "ev2.json", &s, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nen, 1);
    assert_int_equal(R.nrj, 0);
    check_entry(&R.en[0], &w);
}

/* Composite edge cases, one attribute each; the entries must all be rejections and
 * nothing may be emitted from an attribute that is then rejected. */
static void test_event_composite_errors(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(parse_event_str("{\"Event\":{\"Attribute\":["
                                     "{\"type\":\"domain|ip\",\"value\":\"a.example|\","
                                     "\"to_ids\":true},"
                                     "{\"type\":\"ip-dst|port\",\"value\":\"192.0.2.1\","
                                     "\"to_ids\":true},"
                                     "{\"type\":\"filename|md5\",\"value\":\"x|\","
                                     "\"to_ids\":true},"
                                     "{\"type\":\"domain\",\"value\":\"\",\"to_ids\":true},"
                                     "\"not an object\","
                                     "{\"value\":\"x\",\"to_ids\":true}]}}",
                                     &e),
                     ERR_OK);
    assert_int_equal(R.nen, 0);
    assert_int_equal(R.nrj, 6);
    assert_string_equal(R.rj[0].reason, "attribute: empty value");
    assert_string_equal(R.rj[1].reason,
                        "attribute: composite value without '|', type 'ip-dst|port'");
    assert_string_equal(R.rj[2].reason, "attribute: empty value");
    assert_string_equal(R.rj[3].reason, "attribute: empty value");
    assert_string_equal(R.rj[4].reason, "attribute is not an object");
    assert_string_equal(R.rj[5].reason, "attribute: missing type");
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(R.rj[i].line, i + 1);
}

/* Attribute ordinals follow the document: an Object array before Attribute counts first. */
static void test_event_document_order(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(
        parse_event_str("{\"Event\":{\"Object\":[{\"Attribute\":[{\"type\":\"hostname|port\","
                        "\"value\":\"h.example|22\",\"to_ids\":\"1\",\"timestamp\":\"5\"}]}],"
                        "\"Attribute\":[{\"type\":\"email\",\"value\":\"a@b.example\","
                        "\"to_ids\":1,\"timestamp\":\"2024-11-25\"},"
                        "{\"type\":\"ip-dst\",\"value\":\"2001:db8::2\",\"to_ids\":true}]}}",
                        &e),
        ERR_OK);
    assert_int_equal(R.nrj, 0);
    assert_int_equal(R.nen, 3);
    assert_int_equal(R.en[0].line, 1);
    assert_int_equal(R.en[0].type, IOC_DOMAIN);
    assert_string_equal(R.en[0].value, "h.example");
    assert_int_equal(R.en[0].seen, 5);
    assert_int_equal(R.en[1].line, 2);
    assert_int_equal(R.en[1].type, IOC_EMAIL);
    assert_int_equal(R.en[1].seen, 1732492800); /* 2024-11-25T00:00:00Z */
    assert_int_equal(R.en[2].line, 3);
    assert_int_equal(R.en[2].type, IOC_IPV6);
    assert_int_equal(R.en[2].seen, 0); /* no time at all */
}

static void test_event_not_an_event(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(parse_event_str("[1,2]", &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "t.json: not a MISP event"));
    assert_int_equal(parse_event_str("{\"Event\": []}", &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "not a MISP event"));
    assert_int_equal(parse_event_str("{\"Event\": {}}", &e), ERR_OK);
    assert_int_equal(R.nen + R.nrj, 0);
    assert_int_equal(parse_event_str("{\"Event\": {\"Attribute\": {\"type\": \"domain\"}}}", &e),
                     ERR_PARSE);
    assert_string_equal(e.msg, "t.json: not a MISP event: Attribute or Object not an array");
    assert_int_equal(parse_event_str("{\"Event\": {\"Object\": \"x\"}}", &e), ERR_PARSE);
    assert_int_equal(parse_event_str("{\"Event\": {\"Attribute\": null, \"Object\": null}}", &e),
                     ERR_OK);
    /* A bad object is one bad record; the next object's attributes count on. */
    assert_int_equal(
        parse_event_str("{\"Event\": {\"Object\": [7, {\"Attribute\": {}}, {\"Attribute\": "
                        "[{\"type\": \"url\", \"value\": \"http://a/\", \"to_ids\": true}]}]}}",
                        &e),
        ERR_OK);
    assert_int_equal(R.nrj, 2);
    assert_int_equal(R.rj[0].line, 1);
    assert_int_equal(R.rj[1].line, 2);
    assert_string_equal(R.rj[1].reason, "object is not an object with an Attribute array");
    assert_int_equal(R.nen, 1);
    assert_int_equal(R.en[0].line, 3);
}

static void test_event_not_json(void **state)
{
    struct err e;

    (void)state;
    assert_int_equal(parse_event_str("{\"Event\": {\"Attribute\": [}", &e), ERR_PARSE);
    assert_string_equal(e.msg, "t.json: not JSON: syntax error at byte 25");
    assert_int_equal(parse_event_str("Event,uuid\n", &e), ERR_PARSE);
    assert_string_equal(e.msg, "t.json: not JSON: syntax error at byte 0");
    assert_int_equal(parse_event_str("{\"Event\": {}} {}", &e), ERR_PARSE);
    assert_string_equal(e.msg, "t.json: not JSON: trailing data at byte 14");
    assert_int_equal(parse_event_str("", &e), ERR_PARSE);
    assert_string_equal(e.msg, "t.json: not JSON: empty file");
    assert_int_equal(parse_event_str("{\"Event\": {}}\n\t ", &e), ERR_OK);
}

/* Every prefix of a real event file is an error with an offset inside it; none reads
 * past its end (each prefix ends right before an inaccessible page). */
static void test_event_truncated(void **state)
{
    struct guard g;
    struct err e;
    size_t len;
    char *buf = read_data("misp/" EV1 ".json", &len);

    (void)state;
    guard_init(&g, len);
    for (size_t cut = 0; cut < len - 1; cut++) {
        struct feed_sink s = rec_sink();
        const char *at;

        assert_int_equal(feed_parse_misp_event(guard_put(&g, buf, cut), cut, "t.json", &s, &e),
                         ERR_PARSE);
        assert_int_equal(R.nen + R.nrj, 0);
        at = strstr(e.msg, "at byte ");
        if (cut > 0) {
            assert_non_null(at);
            assert_true(strtoul(at + 8, NULL, 10) < cut);
        }
    }
    /* The whole file, also against the guard. */
    {
        struct feed_sink s = rec_sink();

        assert_int_equal(feed_parse_misp_event(guard_put(&g, buf, len), len, "t.json", &s, &e),
                         ERR_OK);
        assert_int_equal(R.nen, 12);
    }
    guard_fini(&g);
    free(buf);
}

static void test_event_sink_stops(void **state)
{
    struct feed_sink s = rec_sink();
    struct err e;
    size_t len;
    char *buf = read_data("misp/" EV1 ".json", &len);

    (void)state;
    R.stop_after = 5; /* the fifth is the IP half of domain|ip */
    assert_int_equal(feed_parse_misp_event(buf, len, "ev1.json", &s, &e), ERR_OK);
    free(buf);
    assert_int_equal(R.nen, 5);
    assert_int_equal(R.nrj, 0); /* the first rejection (line 10) comes after the stop */
    assert_string_equal(R.en[4].value, "192.0.2.44");
}

/* Stops between the halves of domain|ip, and inside an object's attributes. */
static void test_event_sink_stops_elsewhere(void **state)
{
    struct err e;
    size_t len;
    char *buf = read_data("misp/" EV1 ".json", &len);

    (void)state;
    for (size_t stop = 1; stop <= 12; stop++) {
        struct feed_sink s = rec_sink();

        R.stop_after = stop;
        assert_int_equal(feed_parse_misp_event(buf, len, "ev1.json", &s, &e), ERR_OK);
        assert_int_equal(R.nen, stop);
    }
    free(buf);
}

/* ---- manifest ---- */

struct uuids {
    char got[8][40];
    size_t n, stop_after;
};

static bool uuid_cb(void *arg, const char *uuid)
{
    struct uuids *u = arg;

    assert_true(u->n < 8);
    (void)snprintf(u->got[u->n++], sizeof(u->got[0]), "%s", uuid);
    return u->stop_after == 0 || u->n < u->stop_after;
}

static void test_manifest(void **state)
{
    struct uuids u = {0};
    struct err e;
    size_t len;
    char *buf = read_data("misp/manifest.json", &len);

    (void)state;
    /* The key "not-a-uuid" is skipped with a warning on stderr. */
    assert_int_equal(feed_parse_misp_manifest(buf, len, "manifest.json", uuid_cb, &u, &e), ERR_OK);
    assert_int_equal(u.n, 2);
    assert_string_equal(u.got[0], EV1);
    assert_string_equal(u.got[1], EV2);
    memset(&u, 0, sizeof(u));
    u.stop_after = 1;
    assert_int_equal(feed_parse_misp_manifest(buf, len, "manifest.json", uuid_cb, &u, &e), ERR_OK);
    assert_int_equal(u.n, 1);
    free(buf);
}

static void test_manifest_bad_keys(void **state)
{
    static const char *json = "{\"5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5\":{},"  /* 35 chars */
                              "\"5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5ff\":{}," /* 37 chars */
                              "\"5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5g\":{},"  /* not hex */
                              "\"5f6e7d8c11a2b-4c3d-9e8f-0a1b2c3d4e5f\":{},"  /* no dash */
                              "\"../../etc/passwd-xxxxxxxxxxxxxxxxxxx\":{},"
                              "\"5F6E7D8C-1A2B-4C3D-9E8F-0A1B2C3D4E5F\":{}}";
    struct uuids u = {0};
    struct err e;
    size_t len;
    char *buf = dup_exact(json, &len);

    (void)state;
    assert_int_equal(feed_parse_misp_manifest(buf, len, "m.json", uuid_cb, &u, &e), ERR_OK);
    assert_int_equal(u.n, 1);
    assert_string_equal(u.got[0], "5F6E7D8C-1A2B-4C3D-9E8F-0A1B2C3D4E5F");
    free(buf);
    buf = dup_exact("[\"" EV1 "\"]", &len);
    assert_int_equal(feed_parse_misp_manifest(buf, len, "m.json", uuid_cb, &u, &e), ERR_PARSE);
    assert_string_equal(e.msg, "m.json: not a MISP manifest: not a JSON object at byte 0");
    free(buf);
    buf = dup_exact("{\"" EV1 "\":", &len);
    assert_int_equal(feed_parse_misp_manifest(buf, len, "m.json", uuid_cb, &u, &e), ERR_PARSE);
    assert_non_null(strstr(e.msg, "m.json: not JSON: syntax error at byte "));
    free(buf);
}

/* ---- shared helpers ---- */

static bool time_of(const char *json, int64_t *out)
{
    cJSON *j = cJSON_Parse(json);
    bool ok;

    assert_non_null(j);
    ok = feed_json_time(j, out);
    cJSON_Delete(j);
    return ok;
}

static void test_json_time(void **state)
{
    int64_t t = -1;

    (void)state;
    assert_true(feed_json_time(NULL, &t));
    assert_int_equal(t, 0);
    assert_true(time_of("null", &t));
    assert_int_equal(t, 0);
    assert_true(time_of("1732500000", &t));
    assert_int_equal(t, 1732500000);
    assert_true(time_of("\"1732500000\"", &t));
    assert_int_equal(t, 1732500000);
    assert_true(time_of("\"2024-11-25T08:00:00.123Z\"", &t));
    assert_int_equal(t, 1732521600);
    assert_true(time_of("\"2024-11-25T10:00:00+02:00\"", &t));
    assert_int_equal(t, 1732521600);
    assert_false(time_of("\"7d\"", &t)); /* a duration is not a time of an entry */
    assert_false(time_of("\"@1732500000\"", &t));
    assert_false(time_of("1.5", &t));
    assert_false(time_of("-1", &t));
    assert_false(time_of("1e300", &t));
    assert_false(time_of("\"\"", &t));
    assert_false(time_of("\"2024-13-01\"", &t));
    assert_false(time_of("\"1012-01-01T00:00:00Z\"", &t)); /* fuzz: negative seen */
    assert_false(time_of("\"1970-01-01T00:00:00+01:00\"", &t));
    assert_false(time_of("true", &t));
    assert_false(time_of("\"99999999999999999999\"", &t));
}

static void test_tags_add(void **state)
{
    char tags[FEED_TAGS_MAX], name[FEED_TAGS_MAX + 8];
    size_t n = 0;

    (void)state;
    tags[0] = '\0';
    feed_tags_add(tags, &n, "a,b");
    feed_tags_add(tags, &n, "");
    feed_tags_add(tags, &n, "c\nd\x7f");
    assert_string_equal(tags, "a;b,cd");
    assert_int_equal(n, strlen(tags));
    memset(name, 'x', sizeof(name));
    name[FEED_TAGS_MAX - 7] = '\0'; /* 1017 bytes: 6 + 1 + 1017 + NUL = 1025 */
    feed_tags_add(tags, &n, name);
    assert_int_equal(n, strlen("a;b,cd")); /* does not fit: dropped whole */
    name[FEED_TAGS_MAX - 8] = '\0';        /* 1016 bytes alone fit */
    n = 0;
    feed_tags_add(tags, &n, name);
    assert_int_equal(n, FEED_TAGS_MAX - 8);
    feed_tags_add(tags, &n, "123456");
    assert_int_equal(n, FEED_TAGS_MAX - 1);
    assert_int_equal(strlen(tags), FEED_TAGS_MAX - 1);
    feed_tags_add(tags, &n, "z");
    assert_int_equal(n, FEED_TAGS_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_entries),
        cmocka_unit_test(test_event_rejects),
        cmocka_unit_test(test_event_without_tags),
        cmocka_unit_test(test_event_composite_errors),
        cmocka_unit_test(test_event_document_order),
        cmocka_unit_test(test_event_not_an_event),
        cmocka_unit_test(test_event_not_json),
        cmocka_unit_test(test_event_truncated),
        cmocka_unit_test(test_event_sink_stops),
        cmocka_unit_test(test_event_sink_stops_elsewhere),
        cmocka_unit_test(test_manifest),
        cmocka_unit_test(test_manifest_bad_keys),
        cmocka_unit_test(test_json_time),
        cmocka_unit_test(test_tags_add),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
