/* reference.h: the plain per-pattern topic matcher that the topic tests
 * hold the generated matchers to, written straight from the MQTT rules of
 * docs/design.md, "Topics and matching" (OASIS MQTT 3.1.1 section 4.7): it
 * splits the topic, then tries every filter and every signal topic template
 * one by one.
 * Slow on purpose and obviously right. Header-only; depends on signet.h
 * for the signal metadata (topic templates and payload field types). */
#ifndef SIGNET_TESTS_REFERENCE_H
#define SIGNET_TESTS_REFERENCE_H

#include <signet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define REF_MAX_BYTES 1024
#define REF_MAX_LEVELS 64

/* The generated <NS>__TOPIC_* codes, which every schema shares. */
enum {
    REF_UNKNOWN = -1,
    REF_EMPTY = -2,
    REF_WILDCARD = -3,
    REF_TOO_LONG = -4,
    REF_TOO_DEEP = -5,
    REF_NUL = -6
};

struct ref_topic {
    size_t n;
    const char *level[REF_MAX_LEVELS];
    size_t len[REF_MAX_LEVELS];
};

/* Splits a concrete topic into levels: 0, or a REF_* code. */
static inline int ref_split(const char *t, size_t len, struct ref_topic *out)
{
    size_t start = 0;

    out->n = 0;
    if (len == 0)
        return REF_EMPTY;
    if (len > REF_MAX_BYTES)
        return REF_TOO_LONG;
    if (memchr(t, '\0', len) != NULL)
        return REF_NUL;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && t[i] != '/')
            continue;
        if (out->n == REF_MAX_LEVELS)
            return REF_TOO_DEEP;
        out->level[out->n] = t + start;
        out->len[out->n] = i - start;
        if (memchr(t + start, '+', i - start) || memchr(t + start, '#', i - start))
            return REF_WILDCARD;
        out->n++;
        start = i + 1;
    }
    return 0;
}

static inline bool ref_level_is(const struct ref_topic *t, size_t i, const char *s, size_t n)
{
    return t->len[i] == n && memcmp(t->level[i], s, n) == 0;
}

/* Does the MQTT filter match the topic? '+' is one whole level, '#' the
 * rest including none, and a filter starting with a wildcard does not
 * match a topic starting with '$'. */
static inline bool ref_filter_matches(const char *filter, const struct ref_topic *t)
{
    size_t i = 0, k = 0;
    const char *f = filter;

    for (;; k++) {
        const char *end = strchr(f, '/');
        size_t n = end ? (size_t)(end - f) : strlen(f);
        bool dollar = t->len[0] > 0 && t->level[0][0] == '$';

        if (n == 1 && f[0] == '#')
            return !(k == 0 && dollar);
        if (i >= t->n)
            return false;
        if (n == 1 && f[0] == '+') {
            if (k == 0 && dollar)
                return false;
        } else if (!ref_level_is(t, i, f, n)) {
            return false;
        }
        i++;
        if (!end)
            break;
        f = end + 1;
    }
    return i == t->n;
}

struct ref_capture {
    uint32_t param;
    uint32_t u32;
    size_t offset, len; /* of the level in the topic */
};

/* Canonical u32: 0..4294967295 in decimal, no leading zeros. */
static inline bool ref_u32(const char *s, size_t n, uint32_t *v)
{
    uint64_t x = 0;

    if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    if (x > UINT32_MAX)
        return false;
    *v = (uint32_t)x;
    return true;
}

/* Does the topic instantiate signal sig's template? Fills the captures in
 * level order. topic is the string the levels of t point into. */
static inline bool ref_template_matches(const signet_signal_info *sig, const char *topic,
                                        const struct ref_topic *t, struct ref_capture *caps,
                                        size_t *ncaps)
{
    const char *f = sig->topic;
    size_t i = 0;

    *ncaps = 0;
    for (;; i++) {
        const char *end = strchr(f, '/');
        size_t n = end ? (size_t)(end - f) : strlen(f);

        if (i >= t->n)
            return false;
        if (n >= 2 && f[0] == '{' && f[n - 1] == '}') {
            const signet_struct_info *p = sig->payload;
            uint32_t j = 0;

            while (j < p->field_count && !(strlen(p->fields[j].name) == n - 2 &&
                                           memcmp(p->fields[j].name, f + 1, n - 2) == 0))
                j++;
            struct ref_capture *c = &caps[(*ncaps)++];
            c->param = j;
            c->u32 = 0;
            c->offset = (size_t)(t->level[i] - topic);
            c->len = t->len[i];
            if (p->fields[j].type == SIGNET_TYPE_U32 && !ref_u32(t->level[i], t->len[i], &c->u32))
                return false;
        } else if (!ref_level_is(t, i, f, n)) {
            return false;
        }
        if (!end)
            break;
        f = end + 1;
    }
    return i + 1 == t->n;
}

#endif /* SIGNET_TESTS_REFERENCE_H */
