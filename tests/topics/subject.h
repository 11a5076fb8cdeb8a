/* subject.h: a generated topic matcher behind one interface, and its
 * comparison with the reference matcher (reference.h), shared by the
 * differential test (test_differential.c) and the fuzz target
 * (tests/fuzz/fuzz_topics.c), which differ only in where their topics come
 * from and in what they do with a mismatch. For a topic the comparison
 * checks: the signal it resolves to (or its REF_* error code), the
 * patterns matching it, ascending, and the captured values and spans; that
 * a resolved signal is listed by every pattern matching the topic; and
 * that a signal without captures has that pattern set as its build-time
 * table. Header-only; depends on reference.h and on the generated headers
 * of the schemas the includer wraps with SUBJECT(). */
#ifndef SIGNET_TESTS_SUBJECT_H
#define SIGNET_TESTS_SUBJECT_H

#include "reference.h"

#include <stdint.h>
#include <string.h>

#define SUBJECT_MAX_PATTERNS 4096
#define SUBJECT_MAX_CAPTURES 64

/* What a matcher, generated or the reference, says of one topic. */
struct result {
    int rc;
    uint32_t npatterns;
    uint32_t patterns[SUBJECT_MAX_PATTERNS];
    uint32_t ncaptures;
    struct ref_capture captures[SUBJECT_MAX_CAPTURES];
};

/* One generated schema behind a common interface. */
struct subject {
    const char *name;
    const signet_schema_info *schema;
    uint32_t npatterns;
    const char *(*filter)(uint32_t p);
    const uint32_t *(*pattern_signals)(uint32_t p, uint32_t *n);
    void (*match)(const char *topic, size_t len, struct result *r);
    const uint32_t *(*signal_patterns)(int signal, uint32_t *n);
};

/* SUBJECT(ns, NS) defines ns_subject for the schema whose generated
 * names start with ns__ and NS__. */
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
    static const struct subject ns##_subject = {                                                   \
        #ns,        &ns##_schema,         NS##__NPATTERNS, ns##_filter, ns##_pattern_signals,      \
        ns##_match, ns##__signal_patterns};

/* Called on each mismatch with what differs, the topic, and the generated
 * matcher's and the reference's numbers for it (a count, a signal, an
 * error code or an index, as `what` says). It may return (the comparison
 * then skips the checks that depend on the mismatched part) or abort. */
typedef void subject_mismatch_fn(const char *what, const char *topic, size_t len, long got,
                                 long want);

/* What the reference says for topic. */
static inline void subject_reference(const struct subject *s, const char *topic, size_t len,
                                     struct result *r, subject_mismatch_fn *mismatch)
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
        struct ref_capture caps[SUBJECT_MAX_CAPTURES];
        size_t n;

        if (ref_template_matches(&s->schema->signals[i], topic, &t, caps, &n)) {
            if (r->rc != REF_UNKNOWN)
                mismatch("two signals match (first, second)", topic, len, r->rc, (long)i);
            r->rc = (int)i;
            r->ncaptures = (uint32_t)n;
            memcpy(r->captures, caps, n * sizeof *caps);
        }
    }
}

/* Compares got, the generated matcher's result for topic, with want, the
 * reference's; calls mismatch on each difference. */
static inline void subject_compare(const struct subject *s, const char *topic, size_t len,
                                   const struct result *got, const struct result *want,
                                   subject_mismatch_fn *mismatch)
{
    if (got->rc != want->rc) {
        mismatch("signal or error code", topic, len, got->rc, want->rc);
        return;
    }
    if (got->npatterns != want->npatterns ||
        memcmp(got->patterns, want->patterns, got->npatterns * sizeof *got->patterns) != 0) {
        mismatch("matching patterns (count)", topic, len, got->npatterns, want->npatterns);
        return;
    }
    if (got->ncaptures != want->ncaptures) {
        mismatch("capture count", topic, len, got->ncaptures, want->ncaptures);
        return;
    }
    for (uint32_t i = 0; i < got->ncaptures; i++) {
        const struct ref_capture *g = &got->captures[i], *w = &want->captures[i];

        if (g->param != w->param || g->offset != w->offset || g->len != w->len ||
            (s->schema->signals[got->rc].payload->fields[g->param].type == SIGNET_TYPE_U32 &&
             g->u32 != w->u32))
            mismatch("capture (index)", topic, len, i, i);
    }
    if (got->rc < 0)
        return;
    /* The analysis: each matching pattern lists this signal. */
    for (uint32_t i = 0; i < got->npatterns; i++) {
        uint32_t n, k = 0;
        const uint32_t *sig = s->pattern_signals(got->patterns[i], &n);

        while (k < n && sig[k] != (uint32_t)got->rc)
            k++;
        if (k == n)
            mismatch("a matching pattern's signal list misses the signal (pattern, signal)", topic,
                     len, got->patterns[i], got->rc);
    }
    /* A signal without captures: its build-time table. */
    uint32_t n;
    const uint32_t *pre = s->signal_patterns(got->rc, &n);
    bool constant = strchr(s->schema->signals[got->rc].topic, '{') == NULL;
    if ((pre != NULL) != constant)
        mismatch("build-time pattern table presence", topic, len, pre != NULL, constant);
    if (pre != NULL &&
        (n != got->npatterns || (n && memcmp(pre, got->patterns, n * sizeof *pre) != 0)))
        mismatch("build-time pattern table (count)", topic, len, n, got->npatterns);
}

#endif
