/* sigstate.h: the structures of a bus and of its per-schema and
 * per-signal state (internal), and the inline reads every layer makes of
 * them: what docs/design.md's layers table puts under all of the runtime's
 * files. A bus keeps, per schema used on it, one state per signal and per
 * schema pattern (signals first), and a set of the run-time patterns
 * subscribed for that schema; a state holds the connections of its signal
 * or pattern, grouped by sender, and the two tables emissions read. Only
 * state.c (state.h) writes them, under the bus lock; the rest read them
 * inside RCU read sections, or under the lock. Uses snapshot.h and rcu.h.
 */
#ifndef SIGNET_SIGSTATE_H
#define SIGNET_SIGSTATE_H

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

#endif /* SIGNET_SIGSTATE_H */
