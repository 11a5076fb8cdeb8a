/* snapshot.h: connection slots, the connections grouped by sender, and
 * the immutable receiver lists built from them (internal).
 *
 * A slot is one connection. Slots live in fixed chunks and never move,
 * because lists point at their live words, kept dense at the head of each
 * chunk; a slot's index and generation make its handle. A group is one
 * sender's connections (or SIGNET_ANY's) in rank order (higher priority
 * first, then connection order), kept by the writer under the bus lock. A
 * list is what one emission runs. A table is the list of anonymous
 * emissions (the SIGNET_ANY receivers) with an open-addressing index of the
 * senders that have receivers of their own (and, for the writer, one of its
 * entries by fn and ctx, to find twins), each with its own list: that
 * sender's receivers only, and the runs an emission from it walks,
 * stretches of either the sender's entries or the table's, in rank order,
 * twins left out; the twins left out are kept apart. A writer
 * replaces one sender's list in its bucket in place, and keeps in the
 * bucket a copy of a list's receiver when it runs only one (docs/design.md,
 * "Receiver lists"). Emissions read lists inside RCU read sections (rcu.h);
 * writers build new ones and retire the old ones. Implemented in
 * snapshot.c and, for the sender index, senders.c, on rcu.h's retired
 * items and signet.h.
 */
#ifndef SIGNET_SNAPSHOT_H
#define SIGNET_SNAPSHOT_H

#include "signet.h"

#include "rcu.h"

#include <stddef.h>
#include <stdint.h>

#define SIGNET__NONE UINT32_MAX

struct sigstate;

/* A slot's live word: 0 once disconnected (or fired, for run-once), else
 * one of signet.h's kinds (SIGNET__LIVE...) in the low bits, with the bits
 * below beside it. Anything but plain SIGNET__LIVE sends the claim of an
 * emission to signet__claim_slow(), so a connection without a filter and
 * never blocked costs nothing for either. */
#define SIGNET__LIVE_KIND 7u             /* the kind */
#define SIGNET__LIVE_FILTER 8u           /* the connection has a filter */
#define SIGNET__LIVE_BLOCK_ONE (1u << 16) /* the block count, bits 16 to 31 */
#define SIGNET__LIVE_BLOCKS(live) ((live) >> 16)
#define SIGNET__BLOCK_MAX 0xFFFFu

/* One connection. Invariant: a used slot is on its signal's connection
 * list; a released one is on its signal's zombie list (still in the
 * published snapshot), then on the pending list (no longer published;
 * waiting for a grace period), then on the free list. */
struct slot {
    uint32_t generation;        /* bumped on disconnect; never 0 */
    bool used;
    struct sigstate *sig;       /* the signal or pattern it is connected to */
    signet_fnptr *fn;
    void *ctx;
    const void *sender;
    signet_queue *queue;        /* NULL: a direct connection */
    signet_filter_fn *filter;   /* with filter_call: as in signet_connect_opts */
    signet_filter_call_fn *filter_call;
    int32_t priority;
    uint32_t flags;             /* SIGNET_* connect flags, | SIGNET__FILTERED */
    uint64_t order;             /* connection sequence, for stable ties */
    uint32_t index;             /* this slot's own index */
    uint32_t next_free;         /* zombie, pending or free list link */
    uint64_t retired_tag;       /* pending: reusable once a grace period passed it */
};

#define SIGNET__CHUNK_BITS 8
#define SIGNET__CHUNK_SIZE (1u << SIGNET__CHUNK_BITS)
/* A chunk's size and alignment: a power of two, so that a live word's
 * address names its chunk. */
#define SIGNET__CHUNK_ALIGN 32768u

/* SIGNET__CHUNK_SIZE slots and their live words. The live words are kept
 * apart from the slots, dense, because they are all an emission reads of a
 * connection: a send from one of many senders then finds its receiver's
 * word among a few cache lines rather than in a slot of its own. */
struct slot_chunk {
    uint32_t live[SIGNET__CHUNK_SIZE]; /* the live word of slot[i] (above) */
    struct slot slot[SIGNET__CHUNK_SIZE];
};
_Static_assert(sizeof(struct slot_chunk) <= SIGNET__CHUNK_ALIGN, "a chunk fits its alignment");

/* The slots of a bus. Guarded by the bus lock. */
struct signet__slots {
    struct slot_chunk **chunks;
    uint32_t nchunks, nslots;
    uint32_t free_head;         /* SIGNET__NONE: none */
    uint32_t pending_head;      /* released, waiting for a grace period */
};

/* A sender's connections, or SIGNET_ANY's, in rank order (higher priority
 * first, then connection order), direct and queued ones together: what the
 * lists of that sender are built from. Writer-side, under the bus lock. */
struct group {
    const void *sender;         /* NULL: the SIGNET_ANY connections */
    struct slot **v;
    uint32_t n, cap;
};

/* A state's groups of exact senders, found by hashing the sender pointer
 * (open addressing, no tombstones). Writer-side, under the bus lock. */
struct groups {
    struct group **t;           /* nbuckets entries; NULL: empty */
    uint32_t n, nbuckets, shift;
};

/* One entry of a table's sender index, a cache line. sender is written
 * once, after list; list is replaced in place when that sender's
 * connections change (NULL: it has none of this kind any more, so its
 * emissions run the anonymous list). When the list runs one receiver and
 * nothing else (n == 1, no runs), bound to the table's home (for a direct
 * table: none; for a queued one: the bus's queue), one is a copy of it,
 * order its connection's sequence number and flags the bits of its qinfo
 * beside the queue (SIGNET__BOUND_GENERIC), so that a send from one of many senders, a
 * pattern's from one of many subscribed senders, and a post from and
 * dispatch of one of many queued ones, read the bucket and not the list
 * too; a copy with state_ NULL is none. The writer makes seq odd while it rewrites
 * one, and even again after (a sequence lock): a reader takes the copy
 * only when seq was even and the same before and after. Every field is
 * read and written with atomics. */
struct bucket {
    _Alignas(64) const void *sender; /* NULL: an empty bucket */
    struct snap *list;
    uint32_t seq;
    uint32_t flags;
    signet_recv one;
    uint64_t order;
};
_Static_assert(sizeof(struct bucket) == 64 || sizeof(void *) != 8, "a bucket is one line");

/* What a queued message needs to know about an entry besides its
 * signet_recv. bound is the connection's queue (0 if direct), with
 * SIGNET__BOUND_GENERIC set for a SIGNET_GENERIC one, so that a dispatch
 * knows how to call it without reading its slot. */
struct qinfo {
    uintptr_t bound;            /* signet__qinfo_queue(), signet__qinfo_generic() */
    uint64_t order;             /* the connection's sequence number */
};
#define SIGNET__BOUND_GENERIC ((uintptr_t)1)

static inline signet_queue *signet__qinfo_queue(const struct qinfo *qi)
{
    return (signet_queue *)(qi->bound & ~SIGNET__BOUND_GENERIC);
}

static inline bool signet__qinfo_generic(const struct qinfo *qi)
{
    return (qi->bound & SIGNET__BOUND_GENERIC) != 0;
}

/* A run of a sender's list: receivers [begin, end), either of the list's
 * own entries or of its table's. */
struct run {
    const signet_recv *begin, *end;
};

/* A receiver list. Immutable once published. A state publishes one table
 * per kind (direct, queued): the list of anonymous emissions (the
 * SIGNET_ANY connections, recv[0, n)), carrying the index of the senders
 * that have connections of their own, each with its own list. A sender's
 * list holds the sender's receivers in rank order, recv[0, n), and apart,
 * after their queue information, hidden[0, nhidden), the twins its
 * emissions leave out (the same fn and ctx connected the other way,
 * ranked later; SIGNET_ANY ones copied).
 * With no run, an emission from the sender runs recv[0, n); with runs, it
 * runs runs[0, nruns) in turn, which interleave the sender's entries with
 * those of its table by rank. The queue information of recv[i] and of
 * hidden[j], qinfo[i] and qinfo[n + j], follows recv[n - 1]: so a list of
 * one entry is one cache line for what a send, a post and a dispatch
 * read of it (n, nruns, order_end, the entry and its qinfo). The index's
 * buckets are the one mutable part of a published table. */
struct snap {
    struct signet__retired retired; /* first: freed through it */
    /* A table (the anonymous list) carries the sender index; a sender's
     * list, its table and runs. */
    union {
        struct bucket *buckets; /* a table: the sender index */
        const struct snap *table; /* a sender's list: the table whose entries its runs hold */
    };
    union {
        struct {
            uint32_t shift;     /* a table: hash shift for the buckets */
            uint32_t nbuckets;  /* a table: 0 when no sender has a list of its own */
        };
        const struct run *runs; /* a sender's list: its runs */
    };
    signet_queue *home;         /* a table: the queue of the receivers its buckets copy */
    uint32_t nkeys;             /* a table: buckets with a sender (writer-side count) */
    uint32_t nhidden;           /* hidden[0, nhidden) */
    _Alignas(64) uint32_t n;    /* recv[0, n): the receivers, in rank order */
    uint32_t nruns;             /* 0 for a table and for a list that runs recv[0, n) */
    uint64_t order_end;         /* every connection it runs has order < order_end */
    signet_recv recv[];
};
/* Lists are whole lines, the unit in which the bus keeps them for reuse
 * once retired (signet__retired_keep()). */
#define SIGNET__LIST_LINE 64
_Static_assert(_Alignof(struct snap) == SIGNET__LIST_LINE, "a list is a whole number of lines");
_Static_assert(offsetof(struct snap, recv) + sizeof(signet_recv) + sizeof(struct qinfo) ==
                       2 * SIGNET__LIST_LINE ||
                   sizeof(void *) != 8,
               "a list of one entry and its qinfo share one line");

/* The queue information of list l's entries: qinfo[i] is recv[i]'s, and
 * qinfo[n + j] hidden[j]'s. */
static inline const struct qinfo *signet__qinfo(const struct snap *l)
{
    return (const struct qinfo *)(const void *)(l->recv + l->n);
}

/* Flags that make a connection nobody's twin: a run-once connection, once
 * it has fired, must let the other run, and nothing rebuilds the snapshot
 * when it fires; a `changed` or filtered one runs on other emissions than
 * its twin. */
#define SIGNET__FILTERED 0x80000000u /* in struct slot.flags: it has a filter */
#define SIGNET__NO_TWIN (SIGNET_ONCE | SIGNET_CHANGED | SIGNET__FILTERED)

static inline struct slot *signet__slot_at(const struct signet__slots *t, uint32_t i)
{
    return &t->chunks[i >> SIGNET__CHUNK_BITS]->slot[i & (SIGNET__CHUNK_SIZE - 1)];
}

/* The chunk that holds the object at p (a slot or a live word). */
static inline struct slot_chunk *signet__chunk_of(const void *p)
{
    return (struct slot_chunk *)((uintptr_t)p & ~(uintptr_t)(SIGNET__CHUNK_ALIGN - 1));
}

/* Slot s's live word. */
static inline uint32_t *signet__live(const struct slot *s)
{
    return &signet__chunk_of(s)->live[s->index & (SIGNET__CHUNK_SIZE - 1)];
}

/* Rank order: higher priority first, then connection order (< 0: x runs
 * before y). */
static inline int signet__rank_cmp(const struct slot *x, const struct slot *y)
{
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
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

/* Groups (lock held). */
void signet__groups_init(struct groups *gs);
void signet__groups_free(struct groups *gs);   /* the groups, not their slots */
struct group *signet__groups_find(const struct groups *gs, const void *sender);
/* The group of sender, added empty when missing; NULL when memory ran out. */
struct group *signet__groups_add(struct groups *gs, const void *sender);
/* Takes an empty group out and frees it. */
void signet__groups_drop(struct groups *gs, struct group *g);
/* Drops every empty group. */
void signet__groups_sweep(struct groups *gs);
/* Calls fn on every group, SIGNET_ANY's excluded; fn must not add or drop
 * groups. */
void signet__groups_each(const struct groups *gs, void (*fn)(struct group *, void *), void *arg);
/* Files s (its priority and order set; order above every other) at its
 * rank. Returns 0 or SIGNET_ENOMEM. */
int signet__group_insert(struct group *g, struct slot *s);
/* Takes v[i] out, keeping the rank order. */
void signet__group_remove(struct group *g, uint32_t i);

/* Builds the table of one kind (queued or direct) from any (SIGNET_ANY's
 * group): the list of anonymous emissions, with nbuckets (0, or a power of
 * two) empty buckets and, with buckets, an index of its entries by fn and
 * ctx for the twins of the senders' lists; O(any's connections). Its
 * buckets will copy a single receiver bound to home (NULL: a direct one).
 * Returns 0 or SIGNET_ENOMEM (*out NULL). */
int signet__table_build(const struct group *any, bool queued, uint64_t order_end,
                        uint32_t nbuckets, signet_queue *home, struct snap **out);
/* Builds the list of emissions from own->sender out of own's connections
 * of the kind and table (SIGNET_ANY's of the kind, built with buckets from
 * SIGNET_ANY's group as it is): the sender's entries and the runs that
 * interleave them with the table's, twins resolved. Each of own's is
 * placed by a binary search and its twins found in the table's index, so
 * O(own x log A) time for A entries of the table, O(own) memory. *out is
 * NULL when own has no connection of the kind (the sender's emissions
 * then run the table's list). The list may be one that spares kept
 * (rcu.h; NULL: none). Returns 0 or SIGNET_ENOMEM. */
int signet__list_build(const struct group *own, bool queued, uint64_t order_end,
                       const struct snap *table, struct signet__retired_list *spares,
                       struct snap **out);
/* Files sender's list in table t, in the bucket it has or a free one; false
 * when t has no free bucket to give (t needs more buckets). */
bool signet__table_put(struct snap *t, const void *sender, struct snap *list);
/* Would signet__table_put() of sender into t succeed? */
bool signet__table_fits(const struct snap *t, const void *sender);
/* The list of sender in table t (NULL: none), for the writer. */
struct snap *signet__table_get(const struct snap *t, const void *sender);
/* The buckets a table needs for keys senders, with room for as many more. */
uint32_t signet__table_size(uint32_t keys);

static inline uint32_t signet__hash_sender(const void *sender, uint32_t shift)
{
    return (uint32_t)(((uint64_t)(uintptr_t)sender * 0x9E3779B97F4A7C15ull) >> shift);
}

/* The bucket of sender in table s: NULL when it has none (or the
 * emission is anonymous). */
static inline const struct bucket *signet__bucket(const struct snap *s, const void *sender)
{
    if (sender && s->nbuckets) {
        for (uint32_t h = signet__hash_sender(sender, s->shift);; h = (h + 1) & (s->nbuckets - 1)) {
            const struct bucket *k = &s->buckets[h];
            const void *key = __atomic_load_n(&k->sender, __ATOMIC_SEQ_CST);
            if (key == sender)
                return k;
            if (!key)
                break;
        }
    }
    return NULL;
}

/* Copies bucket k's copy of its list's one receiver to *out, and with
 * order and flags non-NULL its sequence number to *order and its flags to
 * *flags; false when it has none, or the writer was rewriting it (then the
 * list says). */
static inline bool signet__bucket_one(const struct bucket *k, signet_recv *out, uint64_t *order,
                                      uint32_t *flags)
{
    /* seq_cst, as the writer's stores of seq: a reader that takes an old
     * copy is one the writer's grace period waits for */
    uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_SEQ_CST);

    /* acquire loads: none moves after the second load of seq */
    if (!(out->state_ = __atomic_load_n(&k->one.state_, __ATOMIC_ACQUIRE)))
        return false;
    out->fn = __atomic_load_n(&k->one.fn, __ATOMIC_ACQUIRE);
    out->ctx = __atomic_load_n(&k->one.ctx, __ATOMIC_ACQUIRE);
    __atomic_load(&k->one.conn, &out->conn, __ATOMIC_ACQUIRE); /* whole: the loop reads it so */
    if (order)
        *order = __atomic_load_n(&k->order, __ATOMIC_ACQUIRE);
    if (flags)
        *flags = __atomic_load_n(&k->flags, __ATOMIC_ACQUIRE);
    return !(seq & 1) && __atomic_load_n(&k->seq, __ATOMIC_RELAXED) == seq;
}

/* The list an emission from the sender of bucket k of table s runs (k
 * NULL: a sender without one, or an anonymous emission): the sender's own
 * list, or s itself when it has none. */
static inline const struct snap *signet__list_at(const struct snap *s, const struct bucket *k)
{
    const struct snap *l = k ? __atomic_load_n(&k->list, __ATOMIC_SEQ_CST) : NULL;

    return l ? l : s;
}

/* The list an emission from sender runs, of table s. */
static inline const struct snap *signet__list(const struct snap *s, const void *sender)
{
    return signet__list_at(s, signet__bucket(s, sender));
}

/* The queue information of entry r of list l's runs. */
static inline const struct qinfo *signet__qinfo_of(const struct snap *l, const signet_recv *r)
{
    const struct snap *from = l;

    if ((uintptr_t)r - (uintptr_t)l->recv >= (size_t)l->n * sizeof *r)
        from = l->table;
    return signet__qinfo(from) + (r - from->recv);
}

/* Run i of the receivers list l runs: [*begin, *end), their queue info
 * from *qi (qi may be NULL); false past the last. A list without runs is
 * its run 0. */
static inline bool signet__run(const struct snap *l, uint32_t i, const signet_recv **begin,
                               const signet_recv **end, const struct qinfo **qi)
{
    if (__builtin_expect(l->nruns != 0, 0)) {
        if (i >= l->nruns)
            return false;
        *begin = l->runs[i].begin;
        *end = l->runs[i].end;
        if (qi)
            *qi = signet__qinfo_of(l, *begin);
        return true;
    }
    if (i != 0)
        return false;
    *begin = l->recv;
    *end = l->recv + l->n;
    if (qi)
        *qi = signet__qinfo(l);
    return true;
}

/* The first run of the receivers of an emission from the sender of
 * bucket k in table s (k NULL: an anonymous emission, or one from a
 * sender without a bucket), [*begin, *end); returns the sender's list when
 * more runs follow (from run 1 on: signet__run()), else NULL. Written out
 * rather than through signet__list(): every send runs it, and this way a
 * send without a sender index costs what it did with one list per
 * signal. */
static inline const struct snap *signet__receivers(const struct snap *s, const struct bucket *k,
                                                   const signet_recv **begin,
                                                   const signet_recv **end)
{
    const signet_recv *b = s->recv;
    uint32_t n = s->n;

    if (k) {
        const struct snap *l = __atomic_load_n(&k->list, __ATOMIC_SEQ_CST);
        if (l && __builtin_expect(l->nruns != 0, 0)) {
            *begin = l->runs[0].begin;
            *end = l->runs[0].end;
            return l->nruns > 1 ? l : NULL;
        }
        if (l) {
            b = l->recv;
            n = l->n;
        }
    }
    *begin = b;
    *end = b + n;
    return NULL;
}

/* Has list l a receiver still live (not disconnected since, nor a run-once
 * that has run)? The sender's own entries first, which are in its runs
 * too: only when none is live do the runs matter. */
bool signet__runs_live(const struct snap *l);
static inline bool signet__list_live(const struct snap *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (__atomic_load_n(l->recv[i].state_, __ATOMIC_ACQUIRE) != 0)
            return true;
    return __builtin_expect(l->nruns != 0, 0) && signet__runs_live(l);
}

/* Has table s a receiver still live for an emission from sender? */
static inline bool signet__snap_live(const struct snap *s, const void *sender)
{
    return s && signet__list_live(signet__list(s, sender));
}

/* The connection a snapshot entry names (its state_ is the slot's live
 * word, in the slot's chunk). Its fn, ctx, sender, queue, priority, flags
 * and order do not change while a snapshot that names it can be read. */
static inline const struct slot *signet__slot_of(const signet_recv *r)
{
    struct slot_chunk *c = signet__chunk_of(r->state_);

    return &c->slot[r->state_ - c->live];
}

/* r (of list l) was connected at or after order before, so it is not for
 * an emission or message that began then; but it may be a twin that leaves
 * out the same receiver connected the other way (SIGNET_ANY or the sender)
 * earlier: the receiver then runs through that connection, at r's place,
 * as it would have had r not been connected. Returns that connection (its
 * queue info in *at) or NULL. */
const signet_recv *signet__older_twin(const struct snap *l, uint64_t before,
                                      const signet_recv *r, const struct qinfo **at);

/* The connection of order `order` in list l when r, the same receiver
 * connected the other way earlier, leaves it out as its twin (its queue
 * info in *at): what a replay's message, which is for that one
 * connection, runs; NULL when it is not one. */
const signet_recv *signet__hidden_twin(const struct snap *l, uint64_t order,
                                       const signet_recv *r, const struct qinfo **at);

/* The connection that runs at entry r of list l (its queue info in *at)
 * for an emission or message of the connections made before order before:
 * r, or, when r was made since, the older twin it leaves out, which runs
 * at r's place (its queue info then in *at); NULL: none. */
static inline const signet_recv *signet__runs_at(const struct snap *l, uint64_t before,
                                                 const signet_recv *r, const struct qinfo **at)
{
    return (*at)->order < before ? r : signet__older_twin(l, before, r, at);
}

#endif /* SIGNET_SNAPSHOT_H */
