/* watch.c: watching a bus (signet_tap_add, signet_tap_remove,
 * signet_bus_counting, signet_signal_counts) and what emissions, posts and
 * dispatches tell a watched bus (watch.h). The taps are an immutable array
 * published like a receiver list: sends and posts read it inside their
 * read sections, writers replace it under the bus lock and retire the old
 * one. Turning watching on or off recomputes the bus head, so an unwatched
 * bus's sends never come here. Uses state.c for the states and
 * collecting, head.c for the head, and rcu.c for retiring.
 */
#include "watch.h"

#include "head.h"

#include <stdlib.h>

struct signet__taps {
    struct signet__retired retired; /* first: freed through it */
    uint32_t n;
    struct tap {
        signet_tap_fn *fn;
        void *ctx;
        uint32_t id;
    } e[SIGNET_TAPS_MAX];
};

/* Set while this thread runs a tap: what a tap sends or posts is not
 * tapped, so a tap that logs through the bus does not feed itself. */
static __thread bool tapping;

static void run_taps(signet_bus *bus, const signet_event *ev, const void *payload, unsigned what)
{
    const struct signet__taps *t = atomic_load_explicit(&bus->taps, memory_order_seq_cst);

    if (!t || tapping)
        return;
    tapping = true;
    for (uint32_t i = 0; i < t->n; i++)
        t->e[i].fn(t->e[i].ctx, ev, payload, what);
    tapping = false;
}

struct sigstate *signet__watch_send(signet_emission *em, struct sigstate *ss)
{
    signet_bus *bus = em->ev.bus;
    uint32_t watch = signet__watching(bus);

    if (!ss && (watch & SIGNET__WATCH_COUNT))
        ss = signet__state_for_unlocked(bus, em->ev.signal); /* counts from now */
    if (watch & SIGNET__WATCH_TAPS)
        run_taps(bus, &em->ev, em->ev.payload_, SIGNET_TAP_SEND);
    return ss;
}

void signet__watch_post(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                        const void *payload)
{
    signet_emission em;

    if (!(signet__watching(bus) & SIGNET__WATCH_TAPS))
        return;
    em.ev = (signet_event){.sender = sender, .signal = sig, .bus = bus, .payload_ = payload};
    em.patterns_ = 0;
    run_taps(bus, &em.ev, payload, SIGNET_TAP_POST);
}

void signet__count(const signet_bus *bus, struct sigstate *ss, enum signet__count which,
                   uint64_t n)
{
    if (!n || !ss || !ss->tally || !(signet__watching(bus) & SIGNET__WATCH_COUNT))
        return;
    _Atomic uint64_t *c = which == SIGNET__SENT     ? &ss->tally->sent
                          : which == SIGNET__POSTED ? &ss->tally->posted
                                                    : &ss->tally->delivered;
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Sets bus->watch (lock held); the head follows when watching starts or
 * stops. */
static void set_watch(signet_bus *bus, uint32_t watch)
{
    uint32_t was = atomic_load_explicit(&bus->watch, memory_order_relaxed);

    atomic_store_explicit(&bus->watch, watch, memory_order_seq_cst);
    if ((was != 0) != (watch != 0))
        signet__head_refresh(bus);
}

/* Publishes next as the bus's taps (lock held) and retires the old ones. */
static void publish_taps(signet_bus *bus, struct signet__taps *next)
{
    struct signet__taps *old = atomic_load_explicit(&bus->taps, memory_order_relaxed);

    atomic_store_explicit(&bus->taps, next, memory_order_seq_cst);
    if (old)
        signet__retire(&bus->retired, &old->retired, signet__rcu_advance());
    uint32_t watch = atomic_load_explicit(&bus->watch, memory_order_relaxed);
    set_watch(bus, next ? watch | SIGNET__WATCH_TAPS : watch & ~SIGNET__WATCH_TAPS);
}

int signet_tap_add(signet_bus *bus, signet_tap_fn *fn, void *ctx, uint32_t *id)
{
    if (!bus || !fn || !id)
        return SIGNET_EINVAL;
    pthread_mutex_lock(&bus->lock);
    const struct signet__taps *cur = atomic_load_explicit(&bus->taps, memory_order_relaxed);
    uint32_t n = cur ? cur->n : 0;
    int err = 0;
    struct signet__taps *next = NULL;
    if (n == SIGNET_TAPS_MAX)
        err = SIGNET_ELIMIT;
    else if (!(next = malloc(sizeof *next)))
        err = SIGNET_ENOMEM;
    if (!err) {
        next->retired = (struct signet__retired){NULL, 0, sizeof *next};
        next->n = n + 1;
        for (uint32_t i = 0; i < n; i++)
            next->e[i] = cur->e[i];
        if (++bus->last_tap == 0)
            bus->last_tap = 1;
        next->e[n] = (struct tap){fn, ctx, bus->last_tap};
        *id = bus->last_tap;
        publish_taps(bus, next);
    }
    pthread_mutex_unlock(&bus->lock);
    if (!err)
        signet__after_write(bus, false);
    return err;
}

int signet_tap_remove(signet_bus *bus, uint32_t id)
{
    if (!bus || id == 0)
        return SIGNET_EINVAL;
    pthread_mutex_lock(&bus->lock);
    const struct signet__taps *cur = atomic_load_explicit(&bus->taps, memory_order_relaxed);
    uint32_t at = 0, n = cur ? cur->n : 0;
    while (at < n && cur->e[at].id != id)
        at++;
    int err = 0;
    struct signet__taps *next = NULL;
    if (at == n)
        err = SIGNET_ENOENT;
    else if (n > 1 && !(next = malloc(sizeof *next)))
        err = SIGNET_ENOMEM;
    if (!err) {
        if (next) {
            next->retired = (struct signet__retired){NULL, 0, sizeof *next};
            next->n = 0;
            for (uint32_t i = 0; i < n; i++)
                if (i != at)
                    next->e[next->n++] = cur->e[i];
        }
        publish_taps(bus, next);
    }
    pthread_mutex_unlock(&bus->lock);
    if (!err)
        signet__after_write(bus, true); /* outside a read section: waits for the tap */
    return err;
}

int signet_bus_counting(signet_bus *bus, bool on)
{
    if (!bus)
        return SIGNET_EINVAL;
    pthread_mutex_lock(&bus->lock);
    uint32_t watch = atomic_load_explicit(&bus->watch, memory_order_relaxed);
    set_watch(bus, on ? watch | SIGNET__WATCH_COUNT : watch & ~SIGNET__WATCH_COUNT);
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, false);
    return 0;
}

int signet_signal_counts(const signet_bus *bus, const signet_signal_info *sig,
                         signet_signal_counters *out)
{
    if (!bus || !sig || !out || (sig->flags & SIGNET_SIGNAL_PATTERN))
        return SIGNET_EINVAL;
    bool outermost = signet__rcu_enter();
    const struct sigstate *ss = signet__sigstate(bus, sig);
    *out = (signet_signal_counters){0, 0, 0, 0};
    if (ss) {
        out->sent = atomic_load_explicit(&ss->tally->sent, memory_order_relaxed);
        out->posted = atomic_load_explicit(&ss->tally->posted, memory_order_relaxed);
        out->delivered = atomic_load_explicit(&ss->tally->delivered, memory_order_relaxed);
        out->dropped = atomic_load_explicit(&ss->dropped, memory_order_relaxed);
    }
    signet__rcu_unlock(outermost);
    return 0;
}

void signet__watch_free(signet_bus *bus)
{
    free(atomic_load_explicit(&bus->taps, memory_order_relaxed));
    atomic_store_explicit(&bus->taps, NULL, memory_order_relaxed);
}
