/* state.h: a bus and its per-schema and per-signal state (internal).
 *
 * A bus keeps, per schema used on it, one state per signal and per schema
 * pattern (signals first), and a set of the run-time patterns subscribed
 * for that schema. A state holds the authoritative connections of its
 * signal or pattern, grouped by sender and guarded by the bus mutex, and
 * the two tables emissions read (direct receivers; queued connections, so
 * an emission without queued receivers never looks at queues). Writers
 * (connect, disconnect, queue destroy) serialise on the bus mutex and, after
 * each change, republish the lists it touched: one sender's, in place, or
 * every list; emissions, posts and dispatches read inside RCU read
 * sections. The schema table is itself published like a list.
 * A bus also keeps, for generated sends, a filter of its signals that have
 * something to do and the receiver lists of signals in the common state
 * (signet.h's signet__bus_head), which head.c updates with each
 * republished list. The structures are in sigstate.h; this header has
 * the writers' calls. Implemented in state.c, on sigstate.h, snapshot.h,
 * rcu.h, payload.h, space.h (the topic space several schemas share on a
 * bus) and head.h.
 */
#ifndef SIGNET_STATE_H
#define SIGNET_STATE_H

#include "sigstate.h"

/* Writers: the functions below are called with the bus lock held, except
 * signet__bus_collect() and signet__after_write(). */

/* The signal's state, adding its schema to the bus on first use; NULL
 * with *err set when memory ran out (SIGNET_ENOMEM) or the schema's topics
 * overlap those of a schema on the bus (SIGNET_EOVERLAP: its message waits
 * in bus->diag for signet__diag_flush()). */
struct sigstate *signet__state_for(signet_bus *bus, const signet_signal_info *sig, int *err);
/* signet__state_for() for a caller without the bus lock (a send or post
 * whose signal's schema is new to the bus), telling on_diagnostic of a
 * refused schema; NULL when refused or out of memory. */
struct sigstate *signet__state_for_unlocked(signet_bus *bus, const signet_signal_info *sig);
/* Initialises a state for info in the run-time pattern set rt. */
void signet__state_init(struct sigstate *ss, const signet_signal_info *info, struct rtset *rt);

/* Walks every state of the bus, the run-time patterns' included: start
 * with a zeroed cursor; NULL at the end. */
struct signet__state_iter {
    uint32_t schema, k;
};
struct sigstate *signet__state_next(const signet_bus *bus, struct signet__state_iter *it);

/* The group of sender's connections, added empty when missing (NULL
 * when memory ran out). */
struct group *signet__state_group(struct sigstate *ss, const void *sender);
/* Files the new connection s in group g of ss. Returns 0 or SIGNET_ENOMEM. */
int signet__state_add(struct sigstate *ss, struct group *g, struct slot *s);
/* Takes g->v[i] off its signal: the connection stops running at once, its
 * handle goes stale, and the slot is reused only once no list names it and
 * a grace period has passed. */
void signet__state_release(signet_bus *bus, struct sigstate *ss, struct group *g, uint32_t i);
/* Releases the run-once connections of g that have fired. */
void signet__state_drop_fired(signet_bus *bus, struct sigstate *ss, struct group *g);
/* Releases every fired run-once connection of ss (the next rebuild then
 * rebuilds every list). */
void signet__state_drop_all_fired(signet_bus *bus, struct sigstate *ss);
/* Calls fn on each group of ss, SIGNET_ANY's first (fn may release
 * connections, not add groups). */
void signet__state_each_group(struct sigstate *ss, void (*fn)(struct group *, void *), void *arg);
/* Builds and publishes the state's lists from its connections (every list
 * of both kinds) and retires the old ones together with the slots only they
 * named. On failure (SIGNET_ENOMEM) nothing is published: the old lists
 * stay, their released entries dead (live is 0) and skipped, their slots
 * never reused until a later rebuild succeeds. */
int signet__state_rebuild(signet_bus *bus, struct sigstate *ss);
/* The same after a change to g's connections only (g: an exact sender's
 * group): rebuilds that sender's lists, O(SIGNET_ANY's + g's connections),
 * and files them in the published tables in place; a table is rebuilt
 * whole only when it appears, disappears or needs more buckets. Drops g
 * when it is left empty. */
int signet__state_rebuild_sender(signet_bus *bus, struct sigstate *ss, struct group *g);

/* The bus's queues (the lock taken inside where the name says so). */
int signet__bus_add_queue(signet_bus *bus, signet_queue *q);     /* takes the lock */
bool signet__bus_remove_queue(signet_bus *bus, signet_queue *q); /* takes the lock */
bool signet__bus_has_queue(const signet_bus *bus, const signet_queue *q);

/* Frees the retired snapshots and schema tables, and makes reusable the
 * pending slots, that no read section can reach any more. With wait, it
 * first waits for a grace period (never inside a read section); without, it
 * takes what is already safe. Call without the bus lock. */
void signet__bus_collect(signet_bus *bus, bool wait);
/* After a writer's change, without the bus lock: a disconnect outside any
 * receiver waits for the grace period it promises; otherwise memory is
 * collected when enough has piled up, without waiting inside a receiver. */
void signet__after_write(signet_bus *bus, bool disconnected);
/* Tells the bus's on_diagnostic hook the refusal waiting in bus->diag, if
 * any. Call without the bus lock (signet__after_write() does). */
void signet__diag_flush(signet_bus *bus);

/* Frees every state, snapshot and schema table of a bus no reader can
 * reach (retained values are retain.c's: free them first). */
void signet__states_free(signet_bus *bus);

#endif /* SIGNET_STATE_H */
