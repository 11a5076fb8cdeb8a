/* inspect.c: looking at the connections of a signal or pattern
 * (signet_connections), blinker's receivers_for() and GLib's
 * g_signal_handler_find() for signet. Under the bus lock it walks the
 * writer's groups of the state (SIGNET_ANY's, then each sender's) and
 * copies what each live connection is, in rank order, into the caller's
 * array: a snapshot of one moment, which other threads may change at once.
 * It allocates nothing and calls no user code, so it may be called
 * anywhere, receivers included. Uses state.h and snapshot.h.
 */
#include "state.h"

struct collect {
    const struct signet__slots *slots;
    signet_conn_info *out;
    size_t cap, n;              /* out[0, n): the first in rank order so far */
    int total;                  /* live connections seen */
};

static signet_conn_info info_of(const struct slot *s, uint32_t live)
{
    return (signet_conn_info){
        .conn = {s->index, s->generation},
        .fn = s->fn,
        .ctx = s->ctx,
        .sender = s->sender,
        .queue = s->queue,
        .priority = s->priority,
        .flags = s->flags & ~SIGNET__FILTERED,
        .blocked = SIGNET__LIVE_BLOCKS(live),
        .filtered = s->filter != NULL,
    };
}

/* Files each live connection of g at its rank, keeping the first cap. */
static void collect_group(struct group *g, void *arg)
{
    struct collect *c = arg;

    for (uint32_t i = 0; i < g->n; i++) {
        const struct slot *s = g->v[i];
        uint32_t live = __atomic_load_n(signet__live(s), __ATOMIC_ACQUIRE);
        if (live == 0)
            continue; /* a run-once receiver that has run */
        c->total++;
        size_t at = c->n;
        while (at > 0 && signet__rank_cmp(s, signet__slot_at(c->slots, c->out[at - 1].conn.index)) < 0)
            at--;
        if (at == c->cap)
            continue;
        size_t last = c->n < c->cap ? c->n : c->cap - 1;
        for (size_t k = last; k > at; k--)
            c->out[k] = c->out[k - 1];
        c->out[at] = info_of(s, live);
        if (c->n < c->cap)
            c->n++;
    }
}

int signet_connections(signet_bus *bus, const signet_signal_info *sig, signet_conn_info *out,
                       size_t cap)
{
    if (!bus || !sig || (!out && cap))
        return SIGNET_EINVAL;
    struct collect c = {&bus->slots, out, cap, 0, 0};
    pthread_mutex_lock(&bus->lock);
    struct sigstate *ss = signet__sigstate(bus, sig);
    if (ss)
        signet__state_each_group(ss, collect_group, &c);
    pthread_mutex_unlock(&bus->lock);
    return c.total;
}
