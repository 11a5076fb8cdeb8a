/* fuzz_topics.c: topic resolution and pattern matching of the generated
 * matchers, differential against the reference matcher
 * (tests/topics/reference.h), for three schemas: mqtt.signet (the MQTT
 * specification's examples), random1000.signet (a DFA over 1000 patterns)
 * and trie_cap.signet (the trie fallback). For every topic the input
 * builds, <ns>__match() must give what the reference gives: the signal
 * the topic resolves to, or the documented error code of a malformed topic
 * (empty, a wildcard, too long, too deep, an embedded NUL) or of an
 * unknown one; the patterns matching it, ascending; the captured values
 * and their spans. A resolved signal is listed by every pattern matching
 * the topic, and a signal without captures has that pattern set as its
 * build-time table.
 *
 * Input: records separated by the byte 0x04, each checked as one topic
 * (so a saved corpus can pack many topics in one file). A record's first
 * byte picks the schema (its value mod 3); the rest builds the topic, its
 * length given explicitly so NULs can be inside:
 *   0x01 k   the schema's k-th vocabulary word (its literal levels and
 *            some numbers, '$' levels and the empty level)
 *   0x02 k   k * 16 bytes 'x' (over-long topics)
 *   0x03 k   k slashes (empty levels, too deep topics)
 *   other    the byte itself ('/', '+', '#', '$', NUL, ...)
 * A part that would take the topic over 4096 bytes is left out.
 * Depends on the generated matchers, reference.h and signet.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt.signet.h"
#include "random1000.signet.h"
#include "reference.h"
#include "trie_cap.signet.h"

#define MAX_TOPIC 4096
#define MAX_PATTERNS 4096
#define MAX_CAPTURES 64
#define MAX_WORDS 4096
#define SEPARATOR 0x04

struct result {
    int rc;
    uint32_t npatterns;
    uint32_t patterns[MAX_PATTERNS];
    uint32_t ncaptures;
    struct ref_capture captures[MAX_CAPTURES];
};

/* One generated schema behind a common interface. */
struct subject {
    const signet_schema_info *schema;
    uint32_t npatterns;
    const char *(*filter)(uint32_t p);
    const uint32_t *(*pattern_signals)(uint32_t p, uint32_t *n);
    void (*match)(const char *topic, size_t len, struct result *r);
    const uint32_t *(*signal_patterns)(int signal, uint32_t *n);
    /* the vocabulary, built on first use */
    size_t nwords;
    const char *word[MAX_WORDS];
    size_t word_len[MAX_WORDS];
};

#define SUBJECT(ns, NS)                                                                            \
    static const char *ns##_filter(uint32_t p)                                                     \
    {                                                                                              \
        return ns##__patterns[p].filter;                                                           \
    }                                                                                              \
    static const uint32_t *ns##_pattern_signals(uint32_t p, uint32_t *n)                           \
    {                                                                                              \
        *n = ns##__patterns[p].nsignals;                                                           \
        return ns##__patterns[p].signals;                                                          \
    }                                                                                              \
    static void ns##_match(const char *topic, size_t len, struct result *r)                        \
    {                                                                                              \
        ns##__match_result m;                                                                      \
                                                                                                   \
        r->rc = ns##__match(topic, len, &m);                                                       \
        r->npatterns = m.npatterns;                                                                \
        if (m.npatterns)                                                                           \
            memcpy(r->patterns, m.patterns, m.npatterns * sizeof *m.patterns);                     \
        r->ncaptures = m.ncaptures;                                                                \
        for (uint32_t i = 0; i < m.ncaptures; i++) {                                               \
            r->captures[i].param = m.captures[i].param;                                            \
            r->captures[i].u32 = m.captures[i].u32;                                                \
            r->captures[i].offset = (size_t)(m.captures[i].text - topic);                          \
            r->captures[i].len = m.captures[i].len;                                                \
        }                                                                                          \
    }                                                                                              \
    static struct subject ns##_subject = {.schema = &ns##_schema,                                 \
                                          .npatterns = NS##__NPATTERNS,                            \
                                          .filter = ns##_filter,                                   \
                                          .pattern_signals = ns##_pattern_signals,                 \
                                          .match = ns##_match,                                     \
                                          .signal_patterns = ns##__signal_patterns};

SUBJECT(mqtt, MQTT)
SUBJECT(rnd1000, RND1000)
SUBJECT(cap, CAP)

static void fail(const char *what, const char *topic, size_t len, int got, int want)
{
    fprintf(stderr, "fuzz_topics: %s on topic \"%.*s\" (%zu bytes): %d, reference %d\n", what,
            (int)len, topic, len, got, want);
    abort();
}

/* What the reference says for topic. */
static void reference(const struct subject *s, const char *topic, size_t len, struct result *r)
{
    struct ref_topic t;
    int rc = ref_split(topic, len, &t);

    r->npatterns = 0;
    r->ncaptures = 0;
    r->rc = rc;
    if (rc != 0)
        return;
    for (uint32_t p = 0; p < s->npatterns; p++)
        if (ref_filter_matches(s->filter(p), &t))
            r->patterns[r->npatterns++] = p;
    r->rc = REF_UNKNOWN;
    for (uint32_t i = 0; i < s->schema->signal_count; i++) {
        struct ref_capture caps[MAX_CAPTURES];
        size_t n;

        if (ref_template_matches(&s->schema->signals[i], topic, &t, caps, &n)) {
            if (r->rc != REF_UNKNOWN)
                fail("two signals match", topic, len, r->rc, (int)i);
            r->rc = (int)i;
            r->ncaptures = (uint32_t)n;
            memcpy(r->captures, caps, n * sizeof *caps);
        }
    }
}

static void check(const struct subject *s, const char *topic, size_t len)
{
    static struct result got, want;

    s->match(topic, len, &got);
    reference(s, topic, len, &want);
    if (got.rc != want.rc)
        fail("signal or error code", topic, len, got.rc, want.rc);
    if (got.npatterns != want.npatterns ||
        memcmp(got.patterns, want.patterns, got.npatterns * sizeof *got.patterns) != 0)
        fail("matching patterns (count)", topic, len, (int)got.npatterns, (int)want.npatterns);
    if (got.ncaptures != want.ncaptures)
        fail("capture count", topic, len, (int)got.ncaptures, (int)want.ncaptures);
    for (uint32_t i = 0; i < got.ncaptures; i++) {
        const struct ref_capture *g = &got.captures[i], *w = &want.captures[i];

        if (g->param != w->param || g->offset != w->offset || g->len != w->len ||
            (s->schema->signals[got.rc].payload->fields[g->param].type == SIGNET_TYPE_U32 &&
             g->u32 != w->u32))
            fail("capture (index)", topic, len, (int)i, (int)i);
    }
    if (got.rc < 0)
        return;
    for (uint32_t i = 0; i < got.npatterns; i++) {
        uint32_t n, k = 0;
        const uint32_t *sig = s->pattern_signals(got.patterns[i], &n);

        while (k < n && sig[k] != (uint32_t)got.rc)
            k++;
        if (k == n)
            fail("a matching pattern's signal list misses the signal (pattern)", topic, len,
                 (int)got.patterns[i], got.rc);
    }
    uint32_t n;
    const uint32_t *pre = s->signal_patterns(got.rc, &n);
    bool constant = strchr(s->schema->signals[got.rc].topic, '{') == NULL;
    if ((pre != NULL) != constant)
        fail("build-time pattern table presence", topic, len, pre != NULL, constant);
    if (pre && (n != got.npatterns || (n && memcmp(pre, got.patterns, n * sizeof *pre) != 0)))
        fail("build-time pattern table (count)", topic, len, (int)n, (int)got.npatterns);
}

/* ---- the vocabulary ------------------------------------------------------ */

static void add_word(struct subject *s, const char *w, size_t n)
{
    for (size_t i = 0; i < s->nwords; i++)
        if (s->word_len[i] == n && memcmp(s->word[i], w, n) == 0)
            return;
    if (s->nwords < MAX_WORDS && !memchr(w, '{', n)) {
        s->word[s->nwords] = w;
        s->word_len[s->nwords++] = n;
    }
}

static void add_levels(struct subject *s, const char *t)
{
    for (;;) {
        const char *e = strchr(t, '/');
        size_t n = e ? (size_t)(e - t) : strlen(t);

        add_word(s, t, n);
        if (!e)
            return;
        t = e + 1;
    }
}

static const char *const extra[] = {
    "",   "$SYS",       "$x",         "0",           "7",  "007", "00", "4294967295",
    "4294967296", "99999999999", "1000000000", "42", "-1", "a b", "+",  "#",
};

static void vocabulary(struct subject *s)
{
    if (s->nwords)
        return;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        add_word(s, extra[i], strlen(extra[i]));
    for (uint32_t p = 0; p < s->npatterns; p++)
        add_levels(s, s->filter(p));
    for (uint32_t i = 0; i < s->schema->signal_count; i++)
        add_levels(s, s->schema->signals[i].topic);
}

/* Builds the topic of one record (its first byte picks the schema) and
 * checks it; returns how many bytes the record took, the separator
 * included. */
static size_t record(const uint8_t *data, size_t size)
{
    static struct subject *const subjects[] = {&mqtt_subject, &rnd1000_subject, &cap_subject};
    static char topic[MAX_TOPIC];
    size_t n = 0, i = 1;

    struct subject *s = subjects[data[0] % 3];
    vocabulary(s);
    for (; i < size && data[i] != SEPARATOR; i++) {
        uint8_t b = data[i];
        uint8_t k = i + 1 < size ? data[i + 1] : 0;
        size_t add = 1;

        if (b == 0x01) {
            i++;
            size_t w = k % s->nwords;
            add = s->word_len[w];
            if (n + add > MAX_TOPIC)
                continue;
            memcpy(topic + n, s->word[w], add);
        } else if (b == 0x02 || b == 0x03) {
            i++;
            add = b == 0x02 ? (size_t)k * 16 : k;
            if (n + add > MAX_TOPIC)
                continue;
            memset(topic + n, b == 0x02 ? 'x' : '/', add);
        } else {
            if (n + 1 > MAX_TOPIC)
                continue;
            topic[n] = (char)b;
        }
        n += add;
    }
    /* An exact copy, so a read past the topic's end is an ASan report. */
    char *exact = malloc(n ? n : 1);
    if (exact) {
        memcpy(exact, topic, n);
        check(s, exact, n);
        free(exact);
    }
    return i < size ? i + 1 : size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t off = 0; off < size;)
        off += record(data + off, size - off);
    return 0;
}
