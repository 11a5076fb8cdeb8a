/* bus.h: the bus's internal data, shared by bus.c (connections, snapshots,
 * synchronous emission) and queue.c (queued delivery). Not installed.
 *
 * Writers (connect, disconnect, queue destroy) serialise on the bus mutex;
 * emissions, posts and dispatches read immutable snapshots inside RCU read
 * sections (rcu.h). Depends on signet.h and rcu.h.
 */
#ifndef SIGNET_BUS_H
#define SIGNET_BUS_H

#include "signet.h"

#include "rcu.h"

#include <pthread.h>
#include <stdatomic.h>

/* One connection. Slots live in fixed chunks and never move, because
 * snapshots point at their live flag. Invariant: a slot is on exactly one of
 * its signal's list (used), its signal's zombie list (disconnected, but
 * still in the published snapshot), the bus's pending list (no longer
 * published; waiting for a grace period) or the free list. */
struct slot {
    uint32_t live;              /* SIGNET__LIVE, SIGNET__LIVE_ONCE or 0; read by emissions */
    uint32_t generation;        /* bumped on disconnect; never 0 */
    bool used;
    struct sigstate *sig;
    signet_fnptr *fn;
    void *ctx;
    const void *sender;
    signet_queue *queue;        /* NULL: a direct connection */
    int32_t priority;
    uint32_t flags;
    uint64_t order;             /* connection sequence, for stable ties */
    uint32_t index;             /* this slot's own index */
    uint32_t next_free;         /* zombie, pending or free list link */
    uint64_t retired_tag;       /* pending: reusable once the grace period passed it */
};

/* What snapshots and schema tables carry once unpublished, as their first
 * member: the bus keeps one list of them until a grace period frees them. */
struct retired {
    struct retired *next;
    uint64_t tag;               /* see signet__rcu_advance() */
    size_t size;                /* bytes, for the retired-memory bound */
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

/* Immutable once published. A signal has two: its direct receivers and its
 * queued connections, so emissions without queued receivers never look at
 * queues. */
struct snap {
    struct retired retired;     /* first: freed through it */
    uint32_t nany;              /* recv[0, nany): receivers for anonymous emissions */
    uint32_t shift;             /* hash shift for the bucket table */
    uint32_t nbuckets;          /* 0 when no receiver names a sender */
    uint64_t order_end;         /* every connection in it has order < order_end */
    struct bucket *buckets;
    struct qinfo *qi;           /* parallel to recv[] */
    signet_recv recv[];
};

struct rtset;

/* signet_signal_info.flags of a run-time pattern (never in generated code). */
#define SIGNET__SIGNAL_RUNTIME 0x100u

/* The fields an emission reads (snap, qsnap, active_patterns) share the
 * first cache line. */
struct sigstate {
    const signet_signal_info *info;
    _Atomic(struct snap *) snap;    /* direct receivers */
    _Atomic(struct snap *) qsnap;   /* queued connections, NULL when none */
    /* A signal: how many of the patterns that can match it (info->links)
     * and of its schema's run-time patterns have a published snapshot,
     * direct or queued. A pattern: whether it has one (written under the
     * bus mutex). */
    _Atomic uint32_t active_patterns;
    bool deep;                  /* the payload holds strings: posts copy them */
    _Atomic uint64_t dropped;   /* messages of this signal refused or evicted */
    uint32_t *conns;            /* slot indices, unordered; guarded by the bus mutex */
    uint32_t nconns, cap;
    uint32_t zombies;           /* released slots the published snapshots still name */
    struct rtset *rt;           /* its schema's run-time patterns on this bus */
    struct retained *retained;  /* `retain` signals: guarded by the bus's retain_lock */
};

/* A pattern subscribed at run time (signet_subscribe_pattern): its own
 * receiver list. Created on the first subscription of its filter, kept
 * until the bus is destroyed. */
struct rtpattern {
    signet_signal_info info;    /* name and topic: the filter; flags PATTERN | RUNTIME */
    struct sigstate ss;
    struct rtset *set;
    char *filter;
};

/* Limits of run-time patterns, per schema on a bus. */
#define SIGNET__RT_PATTERNS_MAX SIGNET_RUNTIME_PATTERNS_MAX

/* A schema's run-time patterns on a bus. p[0, n) is append-only: a reader
 * loads n (acquire), then reads the entries, which never move. */
struct rtset {
    struct rtpattern **p;       /* SIGNET__RT_PATTERNS_MAX entries, allocated on first use */
    _Atomic uint32_t n;
    _Atomic uint32_t active;    /* how many have a published snapshot */
    struct sigstate *sigs;      /* the schema's states */
    uint32_t nsignals;
};

/* Signals first, then patterns: a schema's states on a bus. */
static inline uint32_t signet__nstates(const signet_schema_info *schema)
{
    return schema->signal_count + schema->pattern_count;
}

struct schema_entry {
    const signet_schema_info *schema;
    struct sigstate *sigs;      /* signet__nstates(schema) entries */
    struct rtset *rt;
};

/* Immutable once published, like struct snap. */
struct schemas {
    struct retired retired;     /* first: freed through it */
    uint32_t n;
    struct schema_entry e[];
};

struct signet_bus {
    _Atomic(struct schemas *) schemas;
    signet_queue *queue;        /* the default queue; set at creation */
    pthread_mutex_t lock;       /* guards everything below */
    signet_bus_options opts;
    struct slot **chunks;
    uint32_t nchunks, nslots;
    uint32_t free_head;         /* UINT32_MAX: none */
    uint32_t pending_head;      /* disconnected, not yet past a grace period */
    uint64_t next_order;
    struct retired *retired;    /* unpublished snapshots and schema tables, not yet freed */
    uint32_t nretired;
    size_t retired_bytes;
    uint32_t collect_count;     /* collect when nretired or retired_bytes reach these */
    size_t collect_bytes;
    signet_queue *queues;       /* every queue of the bus, the default one included */
    signet_stats gone;          /* counters of destroyed queues */
    _Atomic uint64_t seq;
    _Atomic uint64_t errors;
    pthread_mutex_t retain_lock; /* guards every signal's retained values */
    uint64_t retain_seq;         /* update order of retained values */
};

static inline uint32_t signet__hash_sender(const void *sender, uint32_t shift)
{
    return (uint32_t)(((uint64_t)(uintptr_t)sender * 0x9E3779B97F4A7C15ull) >> shift);
}

/* The signal's state on this bus, or NULL when nothing was ever connected
 * to its schema (inside a read section). A bus usually carries one schema,
 * so the first entry is tried before the loop. */
static inline struct sigstate *signet__sigstate(const signet_bus *bus,
                                                const signet_signal_info *sig)
{
    /* seq_cst loads cost what acquire loads cost on x86 and AArch64, and
     * keep the read side correct where membarrier is unavailable (rcu.h). */
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_seq_cst);

    if (__builtin_expect(sc == NULL, 0))
        return NULL;
    uint32_t i = 0;
    while (sc->e[i].schema != sig->schema)
        if (++i == sc->n)
            return NULL;
    return &sc->e[i].sigs[sig->id];
}

/* The receivers of an emission from sender: its pre-merged list, or the
 * anonymous list when no receiver names it. */
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

/* The connection a snapshot entry names (its state_ is the slot's first
 * member). Its fn, ctx, sender, queue, priority, flags and order do not
 * change while a snapshot that names it can be read. */
static inline const struct slot *signet__slot_of(const signet_recv *r)
{
    _Static_assert(offsetof(struct slot, live) == 0, "state_ points at a slot");
    return (const struct slot *)(const void *)r->state_;
}

/* The connections that sender's list in s leaves out as twins: the same
 * (fn, ctx) as a connection ranked earlier, for the other of SIGNET_ANY and
 * sender. Emissions never run them; a queued message runs one at its twin's
 * place when the twin was connected after the message was queued. Empty for
 * an anonymous emission. */
static inline void signet__hidden_twins(const struct snap *s, const void *sender,
                                        const signet_recv **begin, const signet_recv **end)
{
    *begin = *end = s->recv;
    if (!sender || !s->nbuckets)
        return;
    for (uint32_t h = signet__hash_sender(sender, s->shift);; h = (h + 1) & (s->nbuckets - 1)) {
        const struct bucket *k = &s->buckets[h];
        if (k->sender == sender) {
            *begin = s->recv + k->off + k->n;
            *end = *begin + k->nhidden;
            return;
        }
        if (!k->sender)
            return;
    }
}

/* Did the emission retain a payload equal to the previous one on its topic? */
static inline bool signet__unchanged(const signet_emission *em)
{
    return (em->patterns_ & SIGNET__EMIT_RETAINED) && em->unchanged_;
}

/* bus.c: disconnects every connection bound to q (takes the bus lock). */
void signet__bus_unbind(signet_bus *bus, signet_queue *q);

/* bus.c: runs or queues an emission for the run-time patterns its topic
 * matches (inside a read section); returns how many receivers ran, and the
 * first queueing error in *qerr. */
int signet__rt_emit(signet_emission *em, bool stopped, int *qerr);
/* Queues a post for the run-time patterns (inside a read section). */
int signet__rt_post(signet_bus *bus, struct sigstate *ss, const void *sender,
                    const void *payload, bool unchanged);

/* queue.c */
int signet__queue_new(signet_bus *bus, const signet_queue_options *opts, signet_queue **out);
void signet__queue_close(signet_queue *q);    /* posts get SIGNET_ECLOSED from now on */
void signet__queue_join(signet_queue *q);     /* stops and joins its workers */
uint32_t signet__queue_free(signet_queue *q); /* discards what waits; returns how many */
signet_queue *signet__queue_next(const signet_queue *q); /* the bus's list (lock held) */
void signet__queue_link(signet_queue *q, signet_queue *next);
int signet__enqueue_emission(signet_emission *em);     /* signet_emit_end's queued part */
/* Queues the emission of ss's payload for the receivers of rs (a pattern's
 * state, or ss itself): direct ones on the default queue when direct is
 * non-NULL, queued ones on their queues. Inside a read section. */
int signet__post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs,
                    const void *sender, const void *payload, const struct snap *direct,
                    const struct snap *queued, bool unchanged);
/* queue.c: a payload's deep copy (struct, then its strings): its size, and
 * the copy into dst (that many bytes). */
size_t signet__payload_bytes(const signet_struct_info *si, const void *payload);
void signet__payload_copy(const signet_struct_info *si, void *dst, const void *payload);
/* bus.c: records a post of a retained signal (inside a read section);
 * returns the signal's state (created if needed: NULL when memory ran
 * out) and whether the payload equals the previous one on its topic. */
struct sigstate *signet__retain_post(signet_bus *bus, const signet_signal_info *sig,
                                     const void *payload, struct sigstate *ss, bool *unchanged);

#endif /* SIGNET_BUS_H */
