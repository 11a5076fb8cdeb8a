/* watch.h: what a watched bus is told (internal): its taps and its
 * per-signal counters (signet.h, "Watching a bus").
 *
 * bus->watch says whether a bus has taps or counts. While it is non-zero,
 * head.c keeps every bit of the bus head's filter set and no fast list,
 * so no generated send takes the inline path: every one begins in emit.c's
 * begin_inside(), whose slow path tests bus->watch. post.c tests it once
 * per post (in signet_post()'s inline path too) and queue.c once per
 * dispatched message; those are the only tests an unwatched bus pays.
 * Implemented in watch.c, on state.h and rcu.h.
 */
#ifndef SIGNET_WATCH_H
#define SIGNET_WATCH_H

#include "state.h"

#define SIGNET__WATCH_TAPS 1u
#define SIGNET__WATCH_COUNT 2u

static inline uint32_t signet__watching(const signet_bus *bus)
{
    return atomic_load_explicit(&bus->watch, memory_order_relaxed);
}

/* A send begins on a watched bus: runs the taps (SIGNET__WATCH_TAPS) with
 * em's event. Returns the signal's state, which, when the bus counts, is
 * made if the signal's schema was new to the bus (NULL: none, or no
 * memory). Inside the emission's read section. */
struct sigstate *signet__watch_send(signet_emission *em, struct sigstate *ss);

/* A post begins on a watched bus: runs the taps. Inside a read section. */
void signet__watch_post(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                        const void *payload);

/* Adds n to one of ss's counters when the bus counts (ss may be NULL or a
 * pattern's state: then nothing). */
enum signet__count { SIGNET__SENT, SIGNET__POSTED, SIGNET__DELIVERED };
void signet__count(const signet_bus *bus, struct sigstate *ss, enum signet__count which,
                   uint64_t n);

/* Frees the taps of a bus being destroyed (no read section left). */
void signet__watch_free(signet_bus *bus);

#endif /* SIGNET_WATCH_H */
