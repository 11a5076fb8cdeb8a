/* patterns.h: run-time patterns, and the pattern states an emission
 * reaches (internal).
 *
 * A signal's emission also reaches the subscribers of the schema patterns
 * that match its topic (the generated matcher names them by id, or the
 * signal's links list the ones that can match some topic of it), of the
 * run-time patterns of its schema whose filter matches its concrete topic,
 * and of the patterns of other schemas on the bus (its reach, space.h)
 * whose filter matches it. One iterator walks them, in that order, for
 * sends, posts and signet_has_receivers(); it yields only patterns with a
 * published snapshot. Implemented in patterns.c, on state.h, space.h and
 * topic.h.
 */
#ifndef SIGNET_PATTERNS_H
#define SIGNET_PATTERNS_H

#include "state.h"

struct signet__pattern_iter {
    struct sigstate *ss;        /* the emitted signal's state */
    const void *payload;        /* its payload: the concrete topic; NULL: its template */
    bool templ;                 /* match the topic template (any value of its captures) */
    const uint32_t *ids;        /* the schema patterns, by id */
    uint32_t nids, i;
    struct rtset *rt;           /* then the run-time patterns: rt->p[j, nrt) */
    uint32_t j, nrt;
    const struct reach *reach;  /* then the other schemas': reach->v[f, fend) */
    uint32_t f, fend;
    bool reach_loaded;
    signed char built;          /* the concrete topic: 0 not built yet, 1 built, -1 none */
    const char *topic;          /* the concrete topic, once built */
    char buf[SIGNET_TOPIC_MAX_BYTES + 1];
};

/* Starts a walk over the patterns of ss's schema that an emission of its
 * signal with payload reaches: the schema patterns ids[0, n) (ids out of
 * range are skipped), then the run-time patterns its concrete topic
 * matches. With templ, the run-time patterns that match some topic of the
 * signal's template instead (payload unused). Inside a read section. */
void signet__patterns_begin(struct signet__pattern_iter *it, struct sigstate *ss,
                            const uint32_t *ids, uint32_t n, const void *payload, bool templ);
/* The next pattern's state, or NULL at the end. */
struct sigstate *signet__patterns_next(struct signet__pattern_iter *it);

/* The run-time pattern filter[0, len) of first's schema on this bus,
 * created on first use (lock held); NULL with *err set (SIGNET_ENOMEM,
 * SIGNET_ELIMIT) when it cannot be. */
struct sigstate *signet__rt_state_for(signet_bus *bus, const signet_signal_info *first,
                                      const char *filter, size_t len, int *err);

#endif /* SIGNET_PATTERNS_H */
