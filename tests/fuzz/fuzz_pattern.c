/* fuzz_pattern.c: run-time pattern subscriptions (signet_subscribe_pattern
 * in runtime/src/connect.c, matched by runtime/src/topic.c) on arbitrary
 * filters. Checks that
 *  - the filter is accepted exactly when the documented syntax allows it
 *    (docs/topics.md, "Run-time patterns"), judged by the
 *    small validator below, with the documented code when it is not:
 *    SIGNET_EPATTERN for the empty filter, a wildcard that is not a whole
 *    level or '#' not last; SIGNET_ETOPICLEN for over 1024 bytes or over
 *    64 levels (either code when both apply: the order is not documented);
 *    an accepted filter that can match no topic of the schema gets
 *    SIGNET_NOMATCH instead of 0 (still subscribed);
 *  - an accepted filter reaches exactly the topics the reference matcher
 *    (tests/topics/reference.h) says it matches, counted by deliveries of
 *    send and of post (then dispatched), on topics from the input and on
 *    topics derived from the filter (wildcards filled in, '#' dropped or
 *    extended, a '$' first level).
 * Schema: tests/fuzz/pattern.signet, one all-captures signal per level
 * count 1..8, so the topic of a send is any text of up to 8 levels; and
 * tests/fuzz/pattern_other.signet, a second schema on the same bus (one
 * topic space: docs/topics.md, "Several schemas on one bus"). A filter of
 * odd length is subscribed through the second schema, so the deliveries
 * above then cross schemas; either way the second schema's signal is
 * checked too, and SIGNET_NOMATCH means no template of either matches.
 *
 * Input: the first line (up to '\n') is the filter, as a C string (a NUL
 * ends it, as it does for the API); each further line is a topic to send
 * (at most 8). Depends on the generated pattern.signet.h, reference.h and
 * signet.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.signet.h"
#include "pattern_other.signet.h"
#include "reference.h"

#define MAX_LEVELS 8 /* the schema's deepest all-captures signal */
#define MAX_TOPICS 8

static void fail(const char *what, const char *filter, const char *topic, long got, long want)
{
    fprintf(stderr, "fuzz_pattern: %s: filter \"%s\" topic \"%s\": %ld, expected %ld\n", what,
            filter, topic ? topic : "", got, want);
    abort();
}

/* The documented syntax: 0, or the code(s) a bad filter may get. */
static int validate(const char *f, int *alt)
{
    size_t len = strlen(f), levels = 1, start = 0;
    bool bad = false;

    *alt = 0;
    if (len == 0)
        return SIGNET_EPATTERN;
    if (len > SIGNET_TOPIC_MAX_BYTES)
        return SIGNET_ETOPICLEN;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && f[i] != '/')
            continue;
        /* level f[start, i) */
        size_t n = i - start;
        const char *l = f + start;
        bool wild = memchr(l, '+', n) || memchr(l, '#', n);
        if (wild && !(n == 1 && (l[0] == '+' || (l[0] == '#' && i == len))))
            bad = true;
        if (i < len)
            levels++;
        start = i + 1;
    }
    bool deep = levels > SIGNET_TOPIC_MAX_LEVELS;
    if (bad && deep)
        *alt = SIGNET_ETOPICLEN;
    return bad ? SIGNET_EPATTERN : deep ? SIGNET_ETOPICLEN : 0;
}

static bool ref_matches(const char *filter, const char *t);

/* Can a valid filter match some topic of the schema? Every text of 1 to 8
 * levels is a topic (the all-captures signals, each level any value that
 * does not start with '$'), so: when it has at most 8 levels besides a
 * last '#', else when it matches one of the two deep constant topics. */
static bool may_match_schema(const char *f)
{
    size_t levels = 1, len = strlen(f);
    for (const char *p = f; *p; p++)
        levels += *p == '/';
    if (len > 0 && f[len - 1] == '#')
        levels--;
    return levels <= MAX_LEVELS || ref_matches(f, fzp_schema.signals[8].topic) ||
           ref_matches(f, fzp_schema.signals[9].topic) ||
           ref_matches(f, fzo_schema.signals[0].topic);
}

static long delivered;

static int count(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx;
    (void)ev;
    (void)payload;
    delivered++;
    return 0;
}

/* Sends (post: posts and dispatches) topic t as the signal with as many
 * levels; returns the receivers run, or -1 when no signal has the shape. */
static long emit(signet_bus *bus, const char *t, bool post)
{
    char buf[SIGNET_TOPIC_MAX_BYTES * 2 + 2];
    const char *lv[MAX_LEVELS] = {0};
    size_t n = 0, len = strlen(t);

    if (len >= sizeof buf)
        return -1;
    memcpy(buf, t, len + 1);
    lv[n++] = buf;
    for (char *p = buf; *p; p++) {
        if (*p != '/')
            continue;
        if (n == MAX_LEVELS)
            return -1;
        *p = '\0';
        lv[n++] = p + 1;
    }
    long before = delivered;
    int rc;
#define EMIT(sig, ...)                                                                             \
    do {                                                                                           \
        fzp_##sig m = {__VA_ARGS__};                                                               \
        rc = post ? fzp_##sig##_post_msg(bus, NULL, &m) : fzp_##sig##_send_msg(bus, NULL, &m);     \
    } while (0)
    switch (n) {
    case 1: EMIT(l1, lv[0]); break;
    case 2: EMIT(l2, lv[0], lv[1]); break;
    case 3: EMIT(l3, lv[0], lv[1], lv[2]); break;
    case 4: EMIT(l4, lv[0], lv[1], lv[2], lv[3]); break;
    case 5: EMIT(l5, lv[0], lv[1], lv[2], lv[3], lv[4]); break;
    case 6: EMIT(l6, lv[0], lv[1], lv[2], lv[3], lv[4], lv[5]); break;
    case 7: EMIT(l7, lv[0], lv[1], lv[2], lv[3], lv[4], lv[5], lv[6]); break;
    default: EMIT(l8, lv[0], lv[1], lv[2], lv[3], lv[4], lv[5], lv[6], lv[7]); break;
    }
#undef EMIT
    if (rc < 0)
        fail(post ? "post failed" : "send failed", "", t, rc, 0);
    if (post && signet_bus_dispatch(bus, 0) < 0)
        fail("dispatch failed", "", t, -1, 0);
    return delivered - before;
}

static bool ref_matches(const char *filter, const char *t)
{
    struct ref_topic rt;

    return ref_split(t, strlen(t), &rt) == 0 && ref_filter_matches(filter, &rt);
}

static void check_topic(signet_bus *bus, const char *filter, const char *t)
{
    for (int post = 0; post < 2; post++) {
        long got = emit(bus, t, post);
        if (got >= 0 && got != ref_matches(filter, t))
            fail(post ? "deliveries of a post" : "deliveries of a send", filter, t, got,
                 ref_matches(filter, t));
    }
}

/* Topic t from filter f: '+' becomes plus, '#' becomes hash ("" drops the
 * level and its slash). */
static void derive(const char *f, const char *plus, const char *hash, char *t, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; f[i] && n + 8 < size; i++) {
        bool whole = (i == 0 || f[i - 1] == '/') && (f[i + 1] == '/' || f[i + 1] == '\0');
        const char *s = whole && f[i] == '+' ? plus : whole && f[i] == '#' ? hash : NULL;
        if (!s) {
            t[n++] = f[i];
            continue;
        }
        if (!*s && f[i] == '#' && n > 0)
            n--; /* "a/#" -> "a" */
        size_t k = strlen(s);
        if (n + k + 8 >= size)
            break;
        memcpy(t + n, s, k);
        n += k;
    }
    t[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The input as lines, each a C string. */
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    if (size)
        memcpy(in, data, size);
    in[size] = '\0';
    char *line[MAX_TOPICS + 1];
    size_t nlines = 0;
    for (char *p = in; nlines < MAX_TOPICS + 1;) {
        line[nlines++] = p;
        char *nl = memchr(p, '\n', size - (size_t)(p - in));
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    const char *filter = line[0];

    signet_bus *bus;
    signet_bus_options opts = {.slot_size = 4 * SIGNET_TOPIC_MAX_BYTES};
    if (signet_bus_create(&opts, &bus) != 0 || signet_bus_add_schema(bus, &fzp_schema) != 0 ||
        signet_bus_add_schema(bus, &fzo_schema) != 0)
        abort();
    signet_conn conn;
    int alt, want = validate(filter, &alt);
    if (want == 0 && !may_match_schema(filter))
        want = SIGNET_NOMATCH;
    const signet_schema_info *through = strlen(filter) % 2 ? &fzo_schema : &fzp_schema;
    int rc = signet_subscribe_pattern(bus, through, filter, count, NULL, SIGNET_ANY, NULL, &conn);
    if (rc != want && !(alt && rc == alt))
        fail("subscribe", filter, NULL, rc, want);
    if (rc == 0 || rc == SIGNET_NOMATCH) {
        static const char *const fills[][2] = {
            {"x", ""}, {"x", "y"}, {"$x", "y/z"}, {"", "#"}, {"+", "$y"},
        };
        char t[SIGNET_TOPIC_MAX_BYTES * 2];
        for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
            derive(filter, fills[i][0], fills[i][1], t, sizeof t);
            check_topic(bus, filter, t);
        }
        for (size_t i = 1; i < nlines; i++)
            check_topic(bus, filter, line[i]);
        long before = delivered;
        if (fzp_deep_send(bus, NULL) < 0 || fzp_deep_sys_send(bus, NULL) < 0 ||
            fzo_far_send(bus, NULL) < 0)
            abort();
        long want_deep = ref_matches(filter, fzp_schema.signals[8].topic) +
                         ref_matches(filter, fzp_schema.signals[9].topic) +
                         ref_matches(filter, fzo_schema.signals[0].topic);
        if (delivered - before != want_deep)
            fail("deliveries of the constant topics", filter, NULL, delivered - before,
                 want_deep);
    }
    signet_bus_destroy(bus);
    free(in);
    return 0;
}
