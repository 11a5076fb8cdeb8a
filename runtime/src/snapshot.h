/* snapshot.h: connection slots and the immutable receiver snapshots built
 * from them (internal).
 *
 * A slot is one connection. Slots live in fixed chunks and never move,
 * because snapshots point at their live flag; a slot's index and generation
 * make its handle. A snapshot is one signal's (or pattern's) receiver list
 * as emissions read it: the receivers for anonymous emissions first, then,
 * per exact sender, the pre-merged, de-duplicated list of that sender's and
 * the anonymous receivers in rank order (higher priority first, then
 * connection order), found through a small open-addressing table, followed
 * by the twins it left out (the same fn and ctx connected the other way,
 * ranked later). Emissions read snapshots inside RCU read sections
 * (rcu.h); writers build a new one and retire the old one.
 * Implemented in snapshot.c, on rcu.h's retired items and signet.h.
 */
#ifndef SIGNET_SNAPSHOT_H
#define SIGNET_SNAPSHOT_H

#include "signet.h"

#include "rcu.h"

#include <stddef.h>
#include <stdint.h>

#define SIGNET__NONE UINT32_MAX

struct sigstate;

/* One connection. Invariant: a used slot is on its signal's connection
 * list; a released one is on its signal's zombie list (still in the
 * published snapshot), then on the pending list (no longer published;
 * waiting for a grace period), then on the free list. */
struct slot {
    uint32_t live;              /* SIGNET__LIVE* or 0; read by emissions */
    uint32_t generation;        /* bumped on disconnect; never 0 */
    bool used;
    struct sigstate *sig;       /* the signal or pattern it is connected to */
    signet_fnptr *fn;
    void *ctx;
    const void *sender;
    signet_queue *queue;        /* NULL: a direct connection */
    int32_t priority;
    uint32_t flags;
    uint64_t order;             /* connection sequence, for stable ties */
    uint32_t index;             /* this slot's own index */
    uint32_t next_free;         /* zombie, pending or free list link */
    uint64_t retired_tag;       /* pending: reusable once a grace period passed it */
};

/* The slots of a bus. Guarded by the bus lock. */
struct signet__slots {
    struct slot **chunks;
    uint32_t nchunks, nslots;
    uint32_t free_head;         /* SIGNET__NONE: none */
    uint32_t pending_head;      /* released, waiting for a grace period */
};

struct bucket {
    const void *sender;         /* NULL: empty bucket */
    uint32_t off, n;            /* the sender's list: recv[off, off + n) */
    uint32_t nhidden;           /* then the twins it hides (signet__hidden_twins) */
};

/* What a queued message needs to know about recv[i] besides signet_recv. */
struct qinfo {
    signet_queue *queue;        /* the connection's queue; NULL if direct */
    uint64_t order;             /* the connection's sequence number */
};

/* Immutable once published. */
struct snap {
    struct signet__retired retired; /* first: freed through it */
    uint32_t nany;              /* recv[0, nany): receivers for anonymous emissions */
    uint32_t shift;             /* hash shift for the bucket table */
    uint32_t nbuckets;          /* 0 when no receiver names a sender */
    uint64_t order_end;         /* every connection in it has order < order_end */
    struct bucket *buckets;
    struct qinfo *qi;           /* parallel to recv[] */
    signet_recv recv[];
};

/* Flags that make a connection nobody's twin: a run-once connection, once
 * it has fired, must let the other run, and nothing rebuilds the snapshot
 * when it fires; a `changed` one runs on other emissions than its twin. */
#define SIGNET__NO_TWIN (SIGNET_ONCE | SIGNET_CHANGED)

#define SIGNET__CHUNK_BITS 8
#define SIGNET__CHUNK_SIZE (1u << SIGNET__CHUNK_BITS)

static inline struct slot *signet__slot_at(const struct signet__slots *t, uint32_t i)
{
    return &t->chunks[i >> SIGNET__CHUNK_BITS][i & (SIGNET__CHUNK_SIZE - 1)];
}

void signet__slots_init(struct signet__slots *t);
void signet__slots_free(struct signet__slots *t);
/* A free slot's index, or SIGNET__NONE when memory or indices ran out. */
uint32_t signet__slot_alloc(struct signet__slots *t);
/* Returns a slot that was never published to the free list at once. */
void signet__slot_unalloc(struct signet__slots *t, uint32_t index);
/* Files a slot no published snapshot names any more under tag. */
void signet__slot_pend(struct signet__slots *t, uint32_t index, uint64_t tag);
/* Takes the pending list (for signet__slots_reclaim outside the lock). */
uint32_t signet__slots_take_pending(struct signet__slots *t);
/* Frees the taken pending slots whose tag is at most safe; the rest pend
 * again. */
void signet__slots_reclaim(struct signet__slots *t, uint32_t pending, uint64_t safe);

/* Builds the snapshot of the connections list[0, n) into *out (NULL when n
 * is 0); every connection in it has an order below order_end. Returns 0 or
 * SIGNET_ENOMEM. */
int signet__snap_build(struct slot *const *list, uint32_t n, uint64_t order_end,
                       struct snap **out);

static inline uint32_t signet__hash_sender(const void *sender, uint32_t shift)
{
    return (uint32_t)(((uint64_t)(uintptr_t)sender * 0x9E3779B97F4A7C15ull) >> shift);
}

/* The sender's bucket in s, or NULL when no receiver names it. */
static inline const struct bucket *signet__bucket(const struct snap *s, const void *sender)
{
    if (!sender || !s->nbuckets)
        return NULL;
    for (uint32_t h = signet__hash_sender(sender, s->shift);; h = (h + 1) & (s->nbuckets - 1)) {
        const struct bucket *k = &s->buckets[h];
        if (k->sender == sender)
            return k;
        if (!k->sender)
            return NULL;
    }
}

/* The receivers of an emission from sender: its pre-merged list, or the
 * anonymous list when no receiver names it. Written out rather than
 * through signet__bucket(): every send and dispatch runs it. */
static inline void signet__receivers(const struct snap *s, const void *sender,
                                     const signet_recv **begin, const signet_recv **end)
{
    const signet_recv *b = s->recv;
    uint32_t n = s->nany;

    if (sender && s->nbuckets) {
        for (uint32_t h = signet__hash_sender(sender, s->shift);; h = (h + 1) & (s->nbuckets - 1)) {
            const struct bucket *k = &s->buckets[h];
            if (k->sender == sender) {
                b = s->recv + k->off;
                n = k->n;
                break;
            }
            if (!k->sender)
                break;
        }
    }
    *begin = b;
    *end = b + n;
}

/* The connections that sender's list in s leaves out as twins. Emissions
 * never run them; a queued message runs one at its twin's place when the
 * twin was connected after the message was queued. Empty for an anonymous
 * emission. */
static inline void signet__hidden_twins(const struct snap *s, const void *sender,
                                        const signet_recv **begin, const signet_recv **end)
{
    const struct bucket *k = signet__bucket(s, sender);

    *begin = k ? s->recv + k->off + k->n : s->recv;
    *end = *begin + (k ? k->nhidden : 0);
}

/* Has s a receiver still live (not disconnected since, nor a run-once that
 * has run) for an emission from sender? */
static inline bool signet__snap_live(const struct snap *s, const void *sender)
{
    const signet_recv *r, *end;

    if (!s)
        return false;
    signet__receivers(s, sender, &r, &end);
    for (; r != end; r++)
        if (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0)
            return true;
    return false;
}

/* The connection a snapshot entry names (its state_ is the slot's first
 * member). Its fn, ctx, sender, queue, priority, flags and order do not
 * change while a snapshot that names it can be read. */
static inline const struct slot *signet__slot_of(const signet_recv *r)
{
    _Static_assert(offsetof(struct slot, live) == 0, "state_ points at a slot");
    return (const struct slot *)(const void *)r->state_;
}

#endif /* SIGNET_SNAPSHOT_H */
