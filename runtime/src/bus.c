/* bus.c: a bus's lifetime and counters (signet_bus_create,
 * signet_bus_destroy, signet_bus_error_count, signet_bus_stats,
 * signet_signal_dropped). The top of the runtime: creating a bus sets up
 * its state and its default queue; destroying it stops the queues' workers,
 * waits for every read section, then frees the queues, the retained values
 * and the states. Uses queue.c, retain.c, state.c, watch.c and rcu.c.
 */
#include "queue.h"
#include "retain.h"
#include "state.h"
#include "watch.h"

#include <stdlib.h>

int signet_bus_create(const signet_bus_options *opts, signet_bus **out)
{
    if (!out)
        return SIGNET_EINVAL;
    *out = NULL;
    signet__rcu_init();
    signet_bus *bus = calloc(1, sizeof *bus);
    if (!bus)
        return SIGNET_ENOMEM;
    if (opts)
        bus->opts = *opts;
    if (bus->opts.max_receivers == 0)
        bus->opts.max_receivers = SIGNET_DEFAULT_MAX_RECEIVERS;
    if (bus->opts.retain_topics == 0)
        bus->opts.retain_topics = SIGNET_DEFAULT_RETAIN_TOPICS;
    if (bus->opts.queue_capacity == 0)
        bus->opts.queue_capacity = SIGNET_DEFAULT_QUEUE_CAPACITY;
    if (bus->opts.slot_size == 0)
        bus->opts.slot_size = SIGNET_DEFAULT_SLOT_SIZE;
    if (bus->opts.overflow == SIGNET_OVERFLOW_DEFAULT)
        bus->opts.overflow = SIGNET_OVERFLOW_DROP_NEWEST;
    if (bus->opts.block_timeout_ms == 0)
        bus->opts.block_timeout_ms = SIGNET_DEFAULT_BLOCK_TIMEOUT_MS;
    if (pthread_mutex_init(&bus->lock, NULL) != 0) {
        free(bus);
        return SIGNET_ENOMEM;
    }
    if (pthread_mutex_init(&bus->retain_lock, NULL) != 0) {
        pthread_mutex_destroy(&bus->lock);
        free(bus);
        return SIGNET_ENOMEM;
    }
    atomic_init(&bus->schemas, NULL);
    atomic_init(&bus->watch, 0);
    atomic_init(&bus->taps, NULL);
    signet__slots_init(&bus->slots);
    signet__retired_init(&bus->retired);
    /* A connect or disconnect for one of many senders replaces a list of
     * a few entries (a few lines): kept ones save malloc's and free's work
     * on cold memory. */
    signet__retired_keep(&bus->retired, SIGNET__LIST_LINE, 512);
    int err = signet__queue_new(bus, NULL, &bus->queue);
    if (err) {
        free(bus->queues);
        pthread_mutex_destroy(&bus->retain_lock);
        pthread_mutex_destroy(&bus->lock);
        free(bus);
        return err;
    }
    *out = bus;
    return 0;
}

int signet_bus_destroy(signet_bus *bus)
{
    if (!bus)
        return 0;
    if (signet__rcu_nested())
        return SIGNET_EBUSY; /* a running emission would use the freed bus */
    /* Workers first: they read the bus until they are joined. */
    for (uint32_t i = 0; i < bus->nqueues; i++)
        signet__queue_close(bus->queues[i]);
    for (uint32_t i = 0; i < bus->nqueues; i++)
        signet__queue_join(bus->queues[i]);
    signet__rcu_synchronize();
    uint32_t discarded = 0;
    for (uint32_t i = 0; i < bus->nqueues; i++)
        discarded += signet__queue_free(bus->queues[i]);
    free(bus->queues);
    struct signet__state_iter it = {0};
    for (struct sigstate *ss; (ss = signet__state_next(bus, &it)) != NULL;)
        signet__retain_free(ss);
    signet__states_free(bus);
    signet__watch_free(bus);
    pthread_mutex_destroy(&bus->retain_lock);
    pthread_mutex_destroy(&bus->lock);
    free(bus);
    return (int)(discarded > INT32_MAX ? INT32_MAX : discarded);
}

uint64_t signet_bus_error_count(const signet_bus *bus)
{
    return bus ? atomic_load_explicit(&bus->errors, memory_order_relaxed) : 0;
}

int signet_bus_stats(const signet_bus *bus, signet_stats *out)
{
    if (!bus || !out)
        return SIGNET_EINVAL;
    signet_bus *b = (signet_bus *)bus; /* the lock only */

    pthread_mutex_lock(&b->lock);
    *out = bus->gone;
    out->queue_count = 0;
    for (uint32_t i = 0; i < bus->nqueues; i++) {
        signet_stats st;
        (void)signet_queue_stats(bus->queues[i], &st);
        out->posted += st.posted;
        out->delivered += st.delivered;
        out->dropped += st.dropped;
        out->evicted += st.evicted;
        out->discarded += st.discarded;
        out->depth += st.depth;
        out->capacity += st.capacity;
        out->blocked += st.blocked;
        out->queue_count++;
        if (st.high_water > out->high_water)
            out->high_water = st.high_water;
    }
    pthread_mutex_unlock(&b->lock);
    return 0;
}

uint64_t signet_signal_dropped(const signet_bus *bus, const signet_signal_info *sig)
{
    if (!bus || !sig)
        return 0;
    bool outermost = signet__rcu_enter();
    const struct sigstate *ss = signet__sigstate(bus, sig);
    uint64_t n = ss ? atomic_load_explicit(&ss->dropped, memory_order_relaxed) : 0;
    signet__rcu_unlock(outermost);
    return n;
}
