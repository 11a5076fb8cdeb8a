/* post.h: queueing an emission (internal): what signet_emit_end() needs
 * beyond the public signet_post() and signet_post_patterns(). Implemented
 * in post.c.
 */
#ifndef SIGNET_POST_H
#define SIGNET_POST_H

#include "signet.h"

struct sigstate;
struct snap;
struct signet__done;

/* What a message carries beyond its payload when it is more than a plain
 * post (NULL then): for a retained signal, the payload retained before it
 * on its topic and whether it equals it; for an emission's patterns, the
 * connections it is for; for a post with a completion, its record. */
struct signet__posting {
    const void *previous;       /* its deep copy, or NULL */
    uint64_t before;            /* only connections made before this order (UINT64_MAX: all) */
    bool unchanged;             /* the payload equals the previous one */
    bool replay;                /* a replay's: for one connection, never waiting for room */
    struct signet__done *done;  /* the post's completion record (done.h), or NULL */
};

/* The completion record of an emission signet_call_begin() began, or NULL. */
static inline struct signet__done *signet__emission_done(const signet_emission *em)
{
    return em->summary_ ? (struct signet__done *)em->done_ : NULL;
}

/* Queues the emission of ss's payload for the receivers of rs (a pattern's
 * state, or ss itself): direct ones on the default queue when direct is
 * non-NULL, queued ones on their queues; direct and queued are rs's
 * snapshots, x what the messages carry besides (NULL: nothing). Inside a
 * read section. Returns how many messages were queued, or the first error
 * when none was (signet_post()). */
int signet__post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs,
                    const void *sender, const void *payload, const struct snap *direct,
                    const struct snap *queued, const struct signet__posting *x);

struct signet__replay;

/* Queues replay r (retain.h) for the new connection of order `order` to
 * rs, bound to queue q: one message per payload, oldest first, each for
 * that connection only. A full queue refuses a value rather than wait
 * (whatever its overflow policy), as a payload over its slot_size or a
 * closed queue does; refused values are counted as dropped. Returns how
 * many were refused. */
size_t signet__post_replay(signet_queue *q, struct sigstate *rs, uint64_t order,
                           const struct signet__replay *r);

/* What the messages of emission em carry, for connections made before
 * order before. */
static inline struct signet__posting signet__posting_of(const signet_emission *em,
                                                        uint64_t before)
{
    bool retained = (em->patterns_ & SIGNET__EMIT_RETAINED) != 0;

    return (struct signet__posting){retained ? em->ev.previous_ : NULL, before,
                                    retained && (em->unchanged_ & SIGNET__UNCHANGED), false,
                                    signet__emission_done(em)};
}

/* signet_emit_end()'s queued part: the emission for its signal's queued
 * connections (em->queued_, the sender's list begin found), carrying the
 * emission's completion record if it has one. */
int signet__post_emission(signet_emission *em);

#endif /* SIGNET_POST_H */
