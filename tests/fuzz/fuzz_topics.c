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
 * The comparison is tests/topics/subject.h's, which the differential test
 * shares; a mismatch aborts. Depends on the generated matchers, subject.h,
 * reference.h and signet.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt.signet.private.h"
#include "random1000.signet.private.h"
#include "subject.h"
#include "trie_cap.signet.private.h"

#define MAX_TOPIC 4096
#define MAX_WORDS 4096
#define SEPARATOR 0x04

SUBJECT(mqtt, MQTT)
SUBJECT(rnd1000, RND1000)
SUBJECT(cap, CAP)

static const struct subject *const subjects[] = {&mqtt_subject, &rnd1000_subject, &cap_subject};
enum { NSUBJECTS = sizeof subjects / sizeof subjects[0] };

static void fail(const char *what, const char *topic, size_t len, long got, long want)
{
    fprintf(stderr, "fuzz_topics: %s on topic \"%.*s\" (%zu bytes): %ld, reference %ld\n", what,
            (int)len, topic, len, got, want);
    abort();
}

static void check(const struct subject *s, const char *topic, size_t len)
{
    static struct result got, want;

    s->match(topic, len, &got);
    subject_reference(s, topic, len, &want, fail);
    subject_compare(s, topic, len, &got, &want, fail);
}

/* ---- the vocabulary ------------------------------------------------------ */

/* A schema's vocabulary, built on first use; vocabularies[i] is
 * subjects[i]'s. */
struct vocabulary {
    size_t nwords;
    const char *word[MAX_WORDS];
    size_t word_len[MAX_WORDS];
};

static struct vocabulary vocabularies[NSUBJECTS];

static void add_word(struct vocabulary *v, const char *w, size_t n)
{
    for (size_t i = 0; i < v->nwords; i++)
        if (v->word_len[i] == n && memcmp(v->word[i], w, n) == 0)
            return;
    if (v->nwords < MAX_WORDS && !memchr(w, '{', n)) {
        v->word[v->nwords] = w;
        v->word_len[v->nwords++] = n;
    }
}

static void add_levels(struct vocabulary *v, const char *t)
{
    for (;;) {
        const char *e = strchr(t, '/');
        size_t n = e ? (size_t)(e - t) : strlen(t);

        add_word(v, t, n);
        if (!e)
            return;
        t = e + 1;
    }
}

static const char *const extra[] = {
    "",   "$SYS",       "$x",         "0",           "7",  "007", "00", "4294967295",
    "4294967296", "99999999999", "1000000000", "42", "-1", "a b", "+",  "#",
};

static struct vocabulary *vocabulary(size_t k)
{
    const struct subject *s = subjects[k];
    struct vocabulary *v = &vocabularies[k];

    if (v->nwords)
        return v;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        add_word(v, extra[i], strlen(extra[i]));
    for (uint32_t p = 0; p < s->npatterns; p++)
        add_levels(v, s->filter(p));
    for (uint32_t i = 0; i < s->schema->signal_count; i++)
        add_levels(v, s->schema->signals[i].topic);
    return v;
}

/* Builds the topic of one record (its first byte picks the schema) and
 * checks it; returns how many bytes the record took, the separator
 * included. */
static size_t record(const uint8_t *data, size_t size)
{
    static char topic[MAX_TOPIC];
    size_t n = 0, i = 1;

    const struct subject *s = subjects[data[0] % NSUBJECTS];
    const struct vocabulary *v = vocabulary(data[0] % NSUBJECTS);
    for (; i < size && data[i] != SEPARATOR; i++) {
        uint8_t b = data[i];
        uint8_t k = i + 1 < size ? data[i + 1] : 0;
        size_t add = 1;

        if (b == 0x01) {
            i++;
            size_t w = k % v->nwords;
            add = v->word_len[w];
            if (n + add > MAX_TOPIC)
                continue;
            memcpy(topic + n, v->word[w], add);
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
