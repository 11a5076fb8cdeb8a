/* cell.h: a queue's structure and the layout of its cells (internal),
 * shared by its producers (post.c), its consumers (queue.c) and emit.c,
 * which asks which thread dispatched a queue last. Below all three in the
 * layers: it calls into none of them.
 *
 * A queue is a ring (ring.h) whose cells each hold one waiting message and
 * its payload, deep-copied (payload.h), and, for a retained signal, the
 * payload retained before it (signet_event_previous()); a dispatcher
 * copies a message out and gives its cell back before running it, so
 * running messages hold no cell and all the capacity is for waiting ones.
 * A message names
 * receivers, not connections: when it is dispatched it runs the receivers
 * of the current snapshot (snapshot.h) of the state it names that were
 * connected before it was queued (connection order below the message's
 * order_end) and are bound to the dispatching queue, or, for the default
 * queue's message of a post, the direct receivers too. A receiver
 * disconnected in between is no longer in the snapshot, or is marked dead,
 * and does not run; dispatch runs inside an RCU read section, so
 * signet_disconnect() waits for it as it does for a send. A message of a
 * post with a completion also names its record (done.h), in the queue's
 * done slots, which the first such post allocates (inline below, for
 * post.c and queue.c alike). The queue's lifetime is queue.h's.
 */
#ifndef SIGNET_CELL_H
#define SIGNET_CELL_H

#include "signet.h"

#include "done.h"
#include "ring.h"

#include <pthread.h>
#include <stdlib.h>

struct sigstate;

/* One message: an emission for the receivers of one queue. */
struct msg {
    struct sigstate *ss;        /* the signal, on this bus */
    struct sigstate *rs;        /* whose receivers run: ss, or a pattern's state */
    const void *sender;
    uint64_t order_end;         /* receivers connected later do not run */
    uint32_t len;               /* payload bytes, strings included */
    bool direct;                /* also run the signal's direct receivers */
    uint8_t unchanged;          /* a retained signal's signet_emission.unchanged_: the
                                   payload equals the previous one (SIGNET__UNCHANGED),
                                   whose deep copy follows it (SIGNET__PREVIOUS_AFTER);
                                   and SIGNET__MSG_REPLAY */
    uint8_t flags;              /* SIGNET__MSG_*: 0 for most messages */
};

#define SIGNET__MSG_DEEP 1u     /* the payload holds strings */
#define SIGNET__MSG_DONE 2u     /* the message counts for a completion (done.h): the
                                   queue's done slot of its position says which */

/* What a message of a post with a completion carries beside its cell: its
 * record and how many live receivers it was queued for (a dispatch that
 * finds fewer still connected reports SIGNET_ENOENT). Written by the post
 * before it publishes the cell, read before the cell is given back. */
struct done_slot {
    struct signet__done *done;
    uint32_t expect;
};

/* In msg.unchanged, beside signet.h's bits: a replay's message, for the
 * queued connection of order order_end - 1 only (retain.h). */
#define SIGNET__MSG_REPLAY 4u

/* A ring cell of a queue; the payload follows at SIGNET__PAYLOAD_AT. */
struct qcell {
    struct signet__cell cell;
    struct msg m;
};

#define SIGNET__PAYLOAD_AT ((sizeof(struct qcell) + 15) & ~(size_t)15)

static inline unsigned char *signet__payload_of(struct qcell *c)
{
    return (unsigned char *)c + SIGNET__PAYLOAD_AT;
}

/* Counters live apart from the ring's positions so producers and consumers
 * do not share cache lines. */
struct signet_queue {
    struct signet__ring ring;
    signet_bus *bus;
    uint32_t slot_size;         /* payload bound in bytes */
    signet_overflow overflow;
    uint32_t block_timeout_ms;
    pthread_t *workers;         /* signet_queue_start(), guarded by the bus lock */
    unsigned nworkers;

    _Alignas(SIGNET__CACHE_LINE) _Atomic bool closed;
    _Atomic bool stopped;
    _Atomic uint32_t blocked;   /* posts waiting for room now */
    _Atomic uint64_t refused;
    _Atomic uint64_t evicted;
    _Atomic uint64_t discarded;
    /* One per cell, allocated by the first post with a completion; NULL
     * until then. */
    _Atomic(struct done_slot *) done_slots;
    /* The thread that last dispatched it (its reader record, rcu.h, names
     * it), or NULL: a blocking call from that thread refuses to wait for
     * a message only it would run. */
    _Atomic(const void *) dispatcher;
};

/* The done slot of position pos (the queue has them once a message with
 * SIGNET__MSG_DONE was queued). */
static inline struct done_slot *signet__queue_done_slot(signet_queue *q, size_t pos)
{
    return &atomic_load_explicit(&q->done_slots, memory_order_acquire)[pos & q->ring.mask];
}

/* The queue's done slots, allocated the first time: 0 or SIGNET_ENOMEM. */
static inline int signet__queue_done_slots(signet_queue *q)
{
    if (atomic_load_explicit(&q->done_slots, memory_order_acquire))
        return 0;
    struct done_slot *slots = calloc(q->ring.capacity, sizeof *slots), *none = NULL;
    if (!slots)
        return SIGNET_ENOMEM;
    if (!atomic_compare_exchange_strong_explicit(&q->done_slots, &none, slots,
                                                 memory_order_acq_rel, memory_order_acquire))
        free(slots); /* another post was first */
    return 0;
}

/* A message taken from the queue that will not run (evicted, discarded):
 * when it has a completion, tells its record why and lets go of it. */
static inline void signet__queue_drop_done(signet_queue *q, const struct qcell *c, size_t pos,
                                           int status)
{
    if (!(c->m.flags & SIGNET__MSG_DONE))
        return;
    struct signet__done *d = signet__queue_done_slot(q, pos)->done;
    signet__done_fail(d, status);
    signet__done_release(d);
}

#endif /* SIGNET_CELL_H */
