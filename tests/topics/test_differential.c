/* test_differential.c: every generated matcher against the reference
 * matcher (reference.h), compared as subject.h says, on random topics:
 * the signal a topic resolves to
 * (or why none), the set of matching patterns and the captured values and
 * spans; plus each pattern's signal list (a signal the topic resolves to
 * is in the list of every pattern matching it) and the build-time pattern
 * sets of signals without captures. One CTest test per schema:
 * test_differential <schema> [topics]. Topics are drawn from the schema's
 * own vocabulary (literal levels of its patterns and topics, instances of
 * its topic templates with captured values, '$' levels, empty levels,
 * numbers around the u32 limits) with a fixed seed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trie_cap.signet.private.h"
#include "mqtt.signet.private.h"
#include "random1000.signet.private.h"
#include "subject.h"

SUBJECT(mqtt, MQTT)
SUBJECT(rnd1000, RND1000)
SUBJECT(cap, CAP)

static int failures;
static long resolved, matched; /* topics that resolved to a signal, pattern matches */

/* Reports the first 20 mismatches and counts them all, so one run shows
 * how widespread a disagreement is. */
static void fail(const char *what, const char *topic, size_t len, long got, long want)
{
    if (failures++ < 20)
        fprintf(stderr, "mismatch (%s: %ld, reference %ld) on topic \"%.*s\" (%zu bytes)\n", what,
                got, want, (int)len, topic, len);
}

static void check(const struct subject *s, const char *topic, size_t len)
{
    static struct result got, want;

    s->match(topic, len, &got);
    subject_reference(s, topic, len, &want, fail);
    resolved += got.rc >= 0;
    matched += got.npatterns;
    subject_compare(s, topic, len, &got, &want, fail);
}

/* ---- random topics from the schema's vocabulary ------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 16) % n);
}

#define MAX_WORDS 8192
static const char *words[MAX_WORDS];
static size_t word_len[MAX_WORDS], nwords;

static void add_word(const char *w, size_t n)
{
    if (nwords < MAX_WORDS && n < 64 && !memchr(w, '+', n) && !memchr(w, '#', n) &&
        !memchr(w, '{', n)) {
        words[nwords] = w;
        word_len[nwords++] = n;
    }
}

static void add_levels(const char *s)
{
    for (;;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);

        add_word(s, n);
        if (!e)
            return;
        s = e + 1;
    }
}

static const char *const extra[] = {
    "",           "$SYS",        "$x", "0",  "7",          "007", "00", "4294967295",
    "4294967296", "99999999999", "x",  "zz", "1000000000", "42",  "-1", "a b",
};

/* A random level into buf; returns its length. */
static size_t level(char *buf)
{
    uint32_t r = rnd(10);

    if (r < 6) {
        uint32_t k = rnd((uint32_t)nwords);
        memcpy(buf, words[k], word_len[k]);
        return word_len[k];
    }
    if (r < 8) {
        const char *e = extra[rnd(sizeof extra / sizeof extra[0])];
        memcpy(buf, e, strlen(e));
        return strlen(e);
    }
    return (size_t)sprintf(buf, "%u", rnd(3) ? rnd(100) : (uint32_t)rng);
}

/* A topic into buf (at least 2048 bytes); returns its length. */
static size_t topic(const struct subject *s, char *buf)
{
    size_t n = 0;
    uint32_t r = rnd(20);

    if (r < 9 && s->schema->signal_count) {
        /* an instance of a topic template, maybe cut or extended */
        const char *t = s->schema->signals[rnd(s->schema->signal_count)].topic;

        for (;;) {
            const char *e = strchr(t, '/');
            size_t k = e ? (size_t)(e - t) : strlen(t);

            if (k && t[0] == '{')
                n += level(buf + n);
            else
                memcpy(buf + n, t, k), n += k;
            if (!e)
                break;
            buf[n++] = '/';
            t = e + 1;
        }
        if (rnd(8) == 0) {
            buf[n++] = '/';
            n += level(buf + n);
        } else if (rnd(8) == 0 && n > 1) {
            n--;
        }
    } else if (r < 19) {
        uint32_t levels = 1 + rnd(6);

        for (uint32_t i = 0; i < levels; i++) {
            if (i)
                buf[n++] = '/';
            n += level(buf + n);
        }
    } else {
        /* malformed now and then: wildcards, NUL, too deep, too long */
        switch (rnd(5)) {
        case 0:
            n = (size_t)sprintf(buf, "a/%c/b", rnd(2) ? '+' : '#');
            break;
        case 1:
            memcpy(buf, "a\0b", 3);
            n = 3;
            break;
        case 2:
            n = 63 + rnd(3);
            memset(buf, '/', n);
            break;
        case 3:
            n = 1023 + rnd(3);
            memset(buf, 'x', n);
            break;
        default:
            n = 0;
        }
    }
    return n;
}

static int run(const struct subject *s, long count)
{
    static char buf[4096];

    for (uint32_t p = 0; p < s->npatterns; p++)
        add_levels(s->filter(p));
    for (uint32_t i = 0; i < s->schema->signal_count; i++)
        add_levels(s->schema->signals[i].topic);
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        add_word(extra[i], strlen(extra[i]));
    /* every topic template without captures, as it is */
    for (uint32_t i = 0; i < s->schema->signal_count; i++)
        if (!strchr(s->schema->signals[i].topic, '{'))
            check(s, s->schema->signals[i].topic, strlen(s->schema->signals[i].topic));
    for (long i = 0; i < count; i++) {
        size_t n = topic(s, buf);
        check(s, buf, n);
    }
    printf("%s: %ld random topics, %ld resolved to a signal, %ld pattern matches, %d mismatches\n",
           s->name, count, resolved, matched, failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    static const struct subject *const subjects[] = {&mqtt_subject, &rnd1000_subject, &cap_subject};
    long count = argc > 2 ? atol(argv[2]) : 100000;

    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++)
        if (argc > 1 && strcmp(argv[1], subjects[i]->name) == 0)
            return run(subjects[i], count);
    fprintf(stderr, "usage: test_differential mqtt|rnd1000|cap [topics]\n");
    return 2;
}
