/* retain.h: retained values and their replay (internal).
 *
 * A `retain` signal keeps, per concrete topic (and sender, for `retain
 * per_sender`), the deep copy of its last payload (at most the bus's
 * retain_topics entries; the one updated longest ago makes room). An
 * emission records its payload and learns whether it equals the previous
 * one (for `changed` receivers) and what that one was; a connection with
 * SIGNET_REPLAY gets the retained values it would have received, oldest
 * first: collected here, run here for a direct connection, queued by
 * post.c for a queued one. Retained values are guarded by the bus's
 * retain_lock.
 * Implemented in retain.c, on state.h, topic.h, payload.h and event.h.
 */
#ifndef SIGNET_RETAIN_H
#define SIGNET_RETAIN_H

#include "state.h"

/* signet_emit_begin()'s part for a retained signal of em (in the read
 * section): records the payload, sets em->unchanged_, em->ev.previous_
 * (the caller frees it at the end) and em->qerr_ = 0. Returns the signal's
 * state, created if needed (ss: the one already found, or NULL); NULL when
 * memory ran out. */
struct sigstate *signet__retain_emit(signet_emission *em, struct sigstate *ss);

/* The same for a post: *unchanged says whether the payload equals the
 * previous one on its topic, *previous gets that one (the caller frees it;
 * NULL if none). */
struct sigstate *signet__retain_post(signet_bus *bus, const signet_signal_info *sig,
                                     const void *sender, const void *payload,
                                     struct sigstate *ss, bool *unchanged,
                                     const void **previous);

/* One retained payload a replay gives: a deep copy, from signal state ss. */
struct signet__replayed {
    uint64_t seq;
    struct sigstate *ss;
    const void *sender;
    void *payload;
};

/* SIGNET_REPLAY: the retained payloads a new connection would have
 * received, oldest first. */
struct signet__replay {
    struct signet__replayed *v;
    size_t n;
    bool skipped;               /* memory ran out: some were left out */
};

/* The new connection a replay is for, read from its slot under the bus
 * lock that made it: outside that lock the slot table may grow (and move)
 * under another thread's connect, and a disconnected slot may be reused,
 * so a replay reads neither. Only the slot's live word is read later, in
 * a read section that began under the lock, which keeps the slot from
 * reuse until it ends. */
struct signet__replay_to {
    signet_recv recv;           /* fn, ctx, the live word, the handle */
    const void *sender;
    bool generic;               /* SIGNET_GENERIC: called through signet_invoke_generic */
};

/* Reads what a replay needs of slot s (bus lock held). */
struct signet__replay_to signet__replay_to(struct slot *s);

/* Collects the replay of the new connection `to` (to ss). Outside any
 * lock. */
void signet__replay_collect(signet_bus *bus, struct sigstate *ss,
                            const struct signet__replay_to *to, struct signet__replay *out);
/* Calls `to` (a direct connection to ss) with each payload of r, on this
 * thread, inside the read section that began when the connection was
 * made. Stops when it returns SIGNET_STOP or is disconnected (or fired,
 * run-once). */
void signet__replay_run(signet_bus *bus, struct sigstate *ss, const struct signet__replay_to *to,
                        const struct signet__replay *r);
void signet__replay_free(struct signet__replay *r);

/* Frees the retained values of a state no reader can reach. */
void signet__retain_free(struct sigstate *ss);

#endif /* SIGNET_RETAIN_H */
