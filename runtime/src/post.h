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

/* Queues the emission of ss's payload for the receivers of rs (a pattern's
 * state, or ss itself): direct ones on the default queue when direct is
 * non-NULL, queued ones on their queues; direct and queued are rs's
 * snapshots; each message carries done (NULL: none, done.h). Inside a read
 * section. Returns how many messages were queued, or the first error when
 * none was (signet_post()). */
int signet__post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs,
                    const void *sender, const void *payload, const struct snap *direct,
                    const struct snap *queued, bool unchanged, struct signet__done *done);

/* The completion record of an emission signet_call_begin() began, or NULL. */
static inline struct signet__done *signet__emission_done(const signet_emission *em)
{
    return em->summary_ ? (struct signet__done *)em->done_ : NULL;
}

/* signet_emit_end()'s queued part: the emission for its signal's queued
 * connections (em->queued_, the sender's list begin found), carrying the
 * emission's completion record if it has one. */
int signet__post_emission(signet_emission *em);

#endif /* SIGNET_POST_H */
