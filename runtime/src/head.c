/* head.c: the bus head that generated sends and posts read (signet.h's
 * signet__bus_head, head.h): per word, the filter's bits of the signals
 * that have something to do, and the receiver list of one signal in the
 * common state, with that signal's state; on a watched bus (watch.h)
 * every bit and no list.
 * Recomputed under the bus lock after state.c republishes a state's lists;
 * a replaced list is retired. Uses sigstate.h's states, snapshot.h to find a
 * list's receivers and rcu.c to retire.
 */
#include "head.h"

#include <stdlib.h>

/* What a word with no fast list points to, so that a send tests one
 * pointer, not two: it is no signal's. A word any bit of which is set has
 * been refreshed, so it holds this or a list, never NULL. */
static const signet__fast no_fast = {0, NULL, NULL, NULL};

/* Has the signal something for a send to do (signet.h's busy_ filter)? */
static bool state_busy(struct sigstate *ss)
{
    return signet__state_published(ss) ||
           atomic_load_explicit(&ss->active_patterns, memory_order_relaxed) != 0;
}

/* The signal's snapshot when it is in the common state (direct receivers
 * only, nothing queued, no pattern subscriber, not `retain`), with the list
 * of anonymous emissions; else NULL. */
static struct snap *state_common(struct sigstate *ss, const signet_recv **b,
                                 const signet_recv **e)
{
    struct snap *s = atomic_load_explicit(&ss->snap, memory_order_relaxed);

    if (!s || atomic_load_explicit(&ss->qsnap, memory_order_relaxed) ||
        atomic_load_explicit(&ss->active_patterns, memory_order_relaxed) ||
        (ss->info->flags & SIGNET_SIGNAL_RETAIN))
        return NULL;
    (void)signet__receivers(s, NULL, b, e); /* anonymous: one run */
    return s;
}

/* Recomputes word w of the bus head: the filter's bits of every signal of
 * the word, and its fast list, kept for the signal that has it while that
 * one stays common, else given to the first common one. A replaced list
 * is retired. */
static void refresh_word(signet_bus *bus, uint32_t w)
{
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    const signet__fast *cur = bus->head.fast_[w] == &no_fast ? NULL : bus->head.fast_[w];
    uintptr_t cur_sig = cur ? cur->key & ~(uintptr_t)1 : 0;
    struct sigstate *pick = NULL;
    struct snap *ps = NULL;
    const signet_recv *pb = NULL, *pe = NULL;
    uint32_t word = 0;

    /* A watched bus sends everything through signet_emit_begin(). */
    bool watched = atomic_load_explicit(&bus->watch, memory_order_relaxed) != 0;
    if (watched)
        word = ~0u;
    for (uint32_t i = 0; sc && !watched && i < sc->n; i++) {
        const signet_schema_info *schema = sc->e[i].schema;
        uint32_t h = signet__schema_hash(schema->ns);
        uint32_t id = (w + SIGNET__BUSY_WORDS - SIGNET__BUSY_WORD(h, 0)) % SIGNET__BUSY_WORDS;
        for (; id < schema->signal_count; id += SIGNET__BUSY_WORDS) {
            struct sigstate *ss = &sc->e[i].sigs[id];
            const signet_recv *b, *e;
            struct snap *snap;
            if (state_busy(ss))
                word |= SIGNET__BUSY_BIT(h);
            if ((snap = state_common(ss, &b, &e)) && (!pick || cur_sig == (uintptr_t)ss->info)) {
                pick = ss;
                ps = snap;
                pb = b;
                pe = e;
            }
        }
    }
    /* The list first, then the bits (release): a send that sees a bit set
     * (acquire) finds the word's list set too. */
    if (!bus->head.fast_[w] ||
        !(cur && pick && cur_sig == (uintptr_t)pick->info && cur->snap_ == ps)) {
        struct signet__fastrec *rec = pick ? malloc(sizeof *rec) : NULL;
        if (rec) {
            rec->retired = (struct signet__retired){NULL, 0, sizeof *rec};
            rec->pub = (signet__fast){(uintptr_t)pick->info | (ps->nbuckets != 0), pb, pe, ps};
            rec->ss = pick;
        }
        /* Without memory, no fast list: the signal's sends take the full path. */
        __atomic_store_n(&bus->head.fast_[w], rec ? &rec->pub : &no_fast, __ATOMIC_SEQ_CST);
        if (cur)
            signet__retire(&bus->retired, &signet__fastrec_of(cur)->retired, signet__rcu_advance());
    }
    __atomic_store_n(&bus->head.busy_[w], word, __ATOMIC_SEQ_CST);
}

void signet__head_refresh(signet_bus *bus)
{
    for (uint32_t w = 0; w < SIGNET__BUSY_WORDS; w++)
        refresh_word(bus, w);
}

void signet__head_changed(signet_bus *bus, struct sigstate *ss, bool pattern_changed, bool foreign)
{
    const signet_signal_info *info = ss->info;

    if (!(info->flags & SIGNET_SIGNAL_PATTERN)) {
        uint32_t h = signet__schema_hash(info->schema->ns);
        refresh_word(bus, SIGNET__BUSY_WORD(h, info->id));
    } else if (pattern_changed && (foreign || (info->flags & SIGNET__SIGNAL_RUNTIME))) {
        signet__head_refresh(bus);
    } else if (pattern_changed) {
        uint32_t h = signet__schema_hash(info->schema->ns);
        for (uint32_t i = 0; i < info->nlinks; i++)
            refresh_word(bus, SIGNET__BUSY_WORD(h, info->links[i]));
    }
}

void signet__head_free(signet_bus *bus)
{
    for (uint32_t w = 0; w < SIGNET__BUSY_WORDS; w++)
        if (bus->head.fast_[w] && bus->head.fast_[w] != &no_fast)
            free(signet__fastrec_of(bus->head.fast_[w]));
}
