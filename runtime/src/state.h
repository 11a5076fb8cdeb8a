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
 * republished list. Implemented in state.c, on snapshot.h, rcu.h,
 * payload.h, space.h (the topic space several schemas share on a bus) and
 * head.h.
 */
#ifndef SIGNET_STATE_H
#define SIGNET_STATE_H

#include "signet.h"

#include "rcu.h"
#include "snapshot.h"

#include <pthread.h>
#include <stdatomic.h>

struct rtset;
struct retained;
struct signet__taps;

/* A signal's counters while its bus counts (watch.h; dropped is the
 * state's own). */
struct signet__tally {
    _Atomic uint64_t sent, posted, delivered;
};
struct reach;

/* signet_signal_info.flags of a run-time pattern (never in generated code). */
#define SIGNET__SIGNAL_RUNTIME 0x100u

/* The fields an emission reads (snap, qsnap, active_patterns) share the
 * first cache line. A state is 128 bytes, so finding one in its array
 * costs a send one shift. */
struct sigstate {
    union {
        struct {
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
            /* Guarded by the bus mutex: the connections, by sender. */
            struct group any;           /* SIGNET_ANY's */
            struct groups groups;       /* each exact sender's */
            uint32_t ndirect, nqueued;  /* connections of each kind, fired run-once ones included */
            uint32_t zombies;           /* released slots the published lists still name */
            bool stale;                 /* a rebuild failed: the next one rebuilds every list */
            struct rtset *rt;           /* its schema's run-time patterns on this bus */
            struct retained *retained;  /* `retain` signals (retain.c): guarded by retain_lock */
            struct signet__tally *tally; /* a signal's counters (watch.h); NULL for a pattern */
        };
        unsigned char size_[128];
    };
};
_Static_assert(sizeof(struct sigstate) == 128, "a state is 128 bytes");

/* A pattern subscribed at run time (signet_subscribe_pattern): its own
 * receiver list. Created on the first subscription of its filter, kept
 * until the bus is destroyed. */
struct rtpattern {
    signet_signal_info info;    /* name and topic: the filter; flags PATTERN | RUNTIME */
    struct sigstate ss;
    char *filter;
    bool linked;                /* other schemas' signals reach it (space.h) */
};

/* A schema's run-time patterns on a bus. p[0, n) is append-only: a reader
 * loads n (acquire), then reads the entries, which never move. */
struct rtset {
    struct rtpattern **p;       /* SIGNET_RUNTIME_PATTERNS_MAX entries, allocated on first use */
    _Atomic uint32_t n;
    _Atomic uint32_t active;    /* how many have a published snapshot */
    struct sigstate *sigs;      /* the schema's states */
    uint32_t nsignals;
    /* What the schema's signals reach in the bus's other schemas (space.h);
     * NULL while they reach nothing. */
    _Atomic(struct reach *) reach;
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
    struct signet__tally *tallies; /* one per signal (watch.h) */
};

/* Immutable once published, like struct snap. */
struct schemas {
    struct signet__retired retired; /* first: freed through it */
    uint32_t n;
    struct schema_entry e[];
};

struct signet_bus {
    signet__bus_head head;      /* first: what generated sends read (signet.h);
                                   written under the lock (head.c) */
    _Atomic(struct schemas *) schemas;
    signet_queue *queue;        /* the default queue; set at creation */
    pthread_mutex_t lock;       /* guards everything below */
    signet_bus_options opts;
    struct signet__slots slots;
    _Atomic uint64_t next_order; /* the next connection's order; emissions read it
                                    (without the lock) to tell later connections */
    struct signet__retired_list retired; /* unpublished snapshots and schema tables */
    signet_queue **queues;      /* every queue of the bus, the default one first */
    uint32_t nqueues, queues_cap;
    signet_stats gone;          /* counters of destroyed queues */
    _Atomic uint64_t seq;
    _Atomic uint64_t errors;
    pthread_mutex_t retain_lock; /* guards every signal's retained values */
    uint64_t retain_seq;         /* update order of retained values */
    _Atomic uint32_t watch;      /* SIGNET__WATCH_*: taps, counting (watch.h) */
    _Atomic(struct signet__taps *) taps; /* published like a list; NULL: none */
    uint32_t last_tap;           /* the last tap id given */
    char *diag;                  /* a refusal's message for on_diagnostic, not yet told
                                    (__atomic exchanges) */
    int diag_err;                /* its code (guarded by lock) */
};

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

/* The state of pattern number id of ss's schema (ss: any of its states). */
static inline struct sigstate *signet__pattern_state(struct sigstate *ss, uint32_t id)
{
    return ss - ss->info->id + ss->info->schema->signal_count + id;
}

/* Does the state have a published snapshot, direct or queued? */
static inline bool signet__state_published(struct sigstate *ss)
{
    return atomic_load_explicit(&ss->snap, memory_order_seq_cst) ||
           atomic_load_explicit(&ss->qsnap, memory_order_seq_cst);
}

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
