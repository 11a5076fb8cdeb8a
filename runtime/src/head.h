/* head.h: keeping the bus head in step (internal): the filter and fast
 * lists of signet.h's signet__bus_head, which generated sends read without
 * a call, and the record each fast list lives in, which names its
 * signal's state for a generated post (post.c). Implemented in head.c, on
 * sigstate.h. Every function is called with the bus lock held, but
 * signet__head_free().
 */
#ifndef SIGNET_HEAD_H
#define SIGNET_HEAD_H

#include "sigstate.h"

#include <stddef.h>

/* The bus head's fast list of one signal, and that signal's state: freed
 * through retired, after a grace period, like a snapshot. */
struct signet__fastrec {
    struct signet__retired retired; /* first: freed through it */
    signet__fast pub;
    struct sigstate *ss;
};

static inline struct signet__fastrec *signet__fastrec_of(const signet__fast *f)
{
    return (struct signet__fastrec *)(void *)((char *)(uintptr_t)f -
                                              offsetof(struct signet__fastrec, pub));
}

/* After ss's snapshots were republished: recomputes the words of the
 * signals whose state may have changed (ss, or the signals a pattern can
 * match when pattern_changed: with foreign, signals of other schemas
 * too). */
void signet__head_changed(signet_bus *bus, struct sigstate *ss, bool pattern_changed, bool foreign);

/* Recomputes the whole bus head, as after a change to what the bus
 * watches (bus->watch) or to its schemas. */
void signet__head_refresh(signet_bus *bus);

/* Frees the fast lists of a bus being destroyed (no reader left). */
void signet__head_free(signet_bus *bus);

#endif /* SIGNET_HEAD_H */
