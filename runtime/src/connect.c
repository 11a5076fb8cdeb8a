/* connect.c: connecting and disconnecting (signet_connect,
 * signet_subscribe_pattern, signet_disconnect, signet_disconnect_ctx, and a
 * queue's connections when it is destroyed). A writer: it takes the bus
 * lock, changes one sender's (or SIGNET_ANY's) connections of a state,
 * republishes the lists that change touched (that sender's, or every list
 * of the state for SIGNET_ANY), and after unlocking collects retired
 * memory (a disconnect waits for the grace period it promises). Uses
 * state.c and snapshot.c for the connections and lists,
 * patterns.c for run-time pattern states, topic.c to check filters,
 * space.c to tell whether a filter can match any signal on the bus,
 * retain.c to replay retained values and post.c to queue the replay of a
 * queued connection.
 */
#include "connect.h"

#include "patterns.h"
#include "post.h"
#include "retain.h"
#include "space.h"
#include "state.h"
#include "topic.h"

#include <stdlib.h>
#include <string.h>

#define CONNECT_FLAGS (SIGNET_ONCE | SIGNET_REPLAY | SIGNET_CHANGED | SIGNET_GENERIC)

/* Flags a connection may not have: unknown ones, and SIGNET_GENERIC
 * without a queue (only dispatch and replay know to call a signet_fn). */
static bool bad_flags(const signet_connect_opts *opts)
{
    return opts && ((opts->flags & ~CONNECT_FLAGS) ||
                    ((opts->flags & SIGNET_GENERIC) && !opts->queue));
}

/* A signal or a pattern of its schema. */
static bool valid_signal(const signet_signal_info *sig)
{
    const signet_schema_info *sc = sig->schema;

    if (!sc)
        return false;
    if (sig->id < sc->signal_count)
        return &sc->signals[sig->id] == sig;
    return sig->id - sc->signal_count < sc->pattern_count &&
           &sc->patterns[sig->id - sc->signal_count] == sig;
}

/* The live word a new connection's flags give it. */
static uint32_t live_state(uint32_t flags)
{
    uint32_t filter = (flags & SIGNET__FILTERED) ? SIGNET__LIVE_FILTER : 0;

    if (flags & SIGNET_CHANGED)
        return filter | ((flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE_CHANGED : SIGNET__LIVE_CHANGED);
    return filter | ((flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE : SIGNET__LIVE);
}

/* The flags a connection made with opts has. */
static uint32_t slot_flags(const signet_connect_opts *opts)
{
    return opts ? opts->flags | (opts->filter ? SIGNET__FILTERED : 0) : 0;
}

/* Does connection s have the options opts (NULL: the defaults) would give
 * a new one? */
static bool same_options(const struct slot *s, const signet_connect_opts *opts)
{
    static const signet_connect_opts defaults = {0};

    if (!opts)
        opts = &defaults;
    return s->priority == opts->priority && s->flags == slot_flags(opts) &&
           s->queue == opts->queue && s->filter == opts->filter &&
           (!opts->filter || s->filter_call == opts->filter_call);
}

/* Republishes the lists that g's connections are in: every list for a
 * SIGNET_ANY change, only g's sender's otherwise. */
static int rebuild(signet_bus *bus, struct sigstate *ss, struct group *g)
{
    return g->sender ? signet__state_rebuild_sender(bus, ss, g) : signet__state_rebuild(bus, ss);
}

/* Adds the connection to ss and publishes it (lock held). */
static int add_connection(signet_bus *bus, struct sigstate *ss, signet_fnptr *fn, void *ctx,
                          const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
    struct group *g = signet__state_group(ss, sender);
    if (!g)
        return SIGNET_ENOMEM;
    for (uint32_t i = 0; i < g->n; i++) {
        struct slot *s = g->v[i];
        if (s->fn == fn && s->ctx == ctx && __atomic_load_n(signet__live(s), __ATOMIC_ACQUIRE)) {
            *out = (signet_conn){s->index, s->generation};
            return same_options(s, opts) ? SIGNET_EXISTING : SIGNET_EXISTING_OPTS;
        }
    }
    signet__state_drop_fired(bus, ss, g); /* fired run-once connections do not count */
    if (ss->ndirect + ss->nqueued >= bus->opts.max_receivers)
        signet__state_drop_all_fired(bus, ss); /* nor those of other senders */
    int err = 0;
    uint32_t index = SIGNET__NONE;
    if (ss->ndirect + ss->nqueued >= bus->opts.max_receivers)
        err = SIGNET_ELIMIT;
    else if ((index = signet__slot_alloc(&bus->slots)) == SIGNET__NONE)
        err = SIGNET_ENOMEM;
    if (err) {
        if (g->n == 0 && sender)
            signet__groups_drop(&ss->groups, g);
        return err;
    }
    struct slot *s = signet__slot_at(&bus->slots, index);
    s->used = true;
    s->sig = ss;
    s->fn = fn;
    s->ctx = ctx;
    s->sender = sender;
    s->queue = opts ? opts->queue : NULL;
    s->filter = opts ? opts->filter : NULL;
    s->filter_call = s->filter ? opts->filter_call : NULL;
    s->priority = opts ? opts->priority : 0;
    s->flags = slot_flags(opts);
    s->order = bus->next_order++;
    __atomic_store_n(signet__live(s), live_state(s->flags), __ATOMIC_RELEASE);
    if ((err = signet__state_add(ss, g, s)) == 0 && (err = rebuild(bus, ss, g)) != 0) {
        /* Roll back: the slot was never published. */
        for (uint32_t i = 0; i < g->n; i++) {
            if (g->v[i] == s) {
                signet__group_remove(g, i);
                --*(s->queue ? &ss->nqueued : &ss->ndirect);
                break;
            }
        }
    }
    if (err) {
        signet__slot_unalloc(&bus->slots, index);
        if (g->n == 0 && sender)
            signet__groups_drop(&ss->groups, g);
        return err;
    }
    *out = (signet_conn){index, s->generation};
    return 0;
}

/* SIGNET_REPLAY for the new connection conn (of order `order`) to ss: the
 * retained values it would have received, oldest first, run now on this
 * thread, or, for a connection bound to queue q, each queued for it (never
 * waiting for room). SIGNET_REPLAY_SKIPPED when some were left out
 * (memory ran out, or the queue refused them), else 0. */
static int replay(signet_bus *bus, struct sigstate *ss, const struct signet__replay_to *to,
                  signet_queue *q, uint64_t order)
{
    struct signet__replay r;

    signet__replay_collect(bus, ss, to, &r);
    bool skipped = r.skipped;
    if (q)
        skipped |= signet__post_replay(q, ss, order, &r) != 0;
    else
        signet__replay_run(bus, ss, to, &r);
    signet__replay_free(&r);
    return skipped ? SIGNET_REPLAY_SKIPPED : 0;
}

/* Connects to sig, or, with filter, to that run-time pattern of sig's
 * schema (sig is then its first signal). */
static int connect_common(signet_bus *bus, const signet_signal_info *sig, const char *filter,
                          signet_fnptr *fn, void *ctx, const void *sender,
                          const signet_connect_opts *opts, signet_conn *out)
{
    int err = 0;
    struct sigstate *ss = NULL;
    signet_queue *queue = opts ? opts->queue : NULL;
    const bool replays = opts && (opts->flags & SIGNET_REPLAY);
    struct signet__replay_to to;
    uint64_t order = 0;
    bool outermost = false;

    if (replays && !signet__rcu_registered())
        signet__rcu_register(); /* not under the bus lock */
    pthread_mutex_lock(&bus->lock);
    if (queue && !signet__bus_has_queue(bus, queue))
        err = SIGNET_EINVAL; /* only a live queue of this bus */
    else if ((ss = filter ? signet__rt_state_for(bus, sig, filter, strlen(filter), &err)
                          : signet__state_for(bus, sig, &err)) != NULL &&
             (err = add_connection(bus, ss, fn, ctx, sender, opts, out)) == 0 && replays) {
        struct slot *s = signet__slot_at(&bus->slots, out->index);
        order = s->order;
        to = signet__replay_to(s);
        /* The slot stays this connection's until the section ends. */
        outermost = signet__rcu_lock();
    }
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, false);
    if (err == 0 && replays)
        err = replay(bus, ss, &to, queue, order);
    signet__rcu_unlock(outermost);
    return err;
}

int signet_connect(signet_bus *bus, const signet_signal_info *sig, signet_fnptr *fn, void *ctx,
                   const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
    if (!bus || !sig || !fn || !out)
        return SIGNET_EINVAL;
    if (!sig->schema || sig->schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (!valid_signal(sig))
        return SIGNET_EINVAL;
    if (bad_flags(opts))
        return SIGNET_EINVAL;
    if (opts && (opts->flags & (SIGNET_REPLAY | SIGNET_CHANGED)) &&
        !(sig->flags & (SIGNET_SIGNAL_RETAIN | SIGNET_SIGNAL_PATTERN)))
        return SIGNET_EINVAL; /* nothing is retained for this signal */
    if (opts && opts->queue && !sig->invoke)
        return SIGNET_EINVAL; /* a queued receiver is called through invoke */
    return connect_common(bus, sig, NULL, fn, ctx, sender, opts, out);
}

int signet_subscribe_pattern(signet_bus *bus, const signet_schema_info *schema,
                             const char *pattern, signet_fn *fn, void *ctx, const void *sender,
                             const signet_connect_opts *opts, signet_conn *out)
{
    if (!bus || !schema || !pattern || !fn || !out)
        return SIGNET_EINVAL;
    if (schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (schema->signal_count == 0 || bad_flags(opts))
        return SIGNET_EINVAL;
    int err = signet__filter_check(pattern, strnlen(pattern, SIGNET_TOPIC_MAX_BYTES + 1));
    if (err)
        return err;
    int rc = connect_common(bus, &schema->signals[0], pattern, (signet_fnptr *)fn, ctx, sender,
                            opts, out);
    if (rc < 0)
        return rc;
    /* Subscribed either way; a filter no topic template of the bus's
     * schemas can match is told apart, since its subscriber cannot run. */
    return signet__space_may_match(bus, schema, pattern) ? rc : SIGNET_NOMATCH;
}

int signet_disconnect(signet_bus *bus, signet_conn conn)
{
    if (!bus)
        return SIGNET_EINVAL;
    int err = SIGNET_ENOENT;
    pthread_mutex_lock(&bus->lock);
    if (conn.index < bus->slots.nslots) {
        struct slot *s = signet__slot_at(&bus->slots, conn.index);
        if (s->used && s->generation == conn.generation) {
            /* A run-once receiver that already ran is disconnected already. */
            err = __atomic_load_n(signet__live(s), __ATOMIC_ACQUIRE) ? 0 : SIGNET_ENOENT;
            struct sigstate *ss = s->sig;
            struct group *g = s->sender ? signet__groups_find(&ss->groups, s->sender) : &ss->any;
            for (uint32_t i = 0; i < g->n; i++) {
                if (g->v[i] == s) {
                    signet__state_release(bus, ss, g, i);
                    break;
                }
            }
            (void)rebuild(bus, ss, g); /* on failure, only memory waits */
        }
    }
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, true);
    return err;
}

struct where {
    signet_bus *bus;
    struct sigstate *ss;
    bool (*match)(const struct slot *, const void *);
    const void *arg;
    int count;                  /* live connections released */
    bool changed;
};

static void release_where(struct group *g, void *arg)
{
    struct where *w = arg;

    for (uint32_t i = 0; i < g->n;) {
        struct slot *s = g->v[i];
        if (!w->match(s, w->arg)) {
            i++;
            continue;
        }
        w->count += __atomic_load_n(signet__live(s), __ATOMIC_ACQUIRE) != 0;
        signet__state_release(w->bus, w->ss, g, i);
        w->changed = true;
    }
}

/* Disconnects every connection of the bus that match() picks (lock
 * held); returns how many of them were live. */
static int disconnect_where(signet_bus *bus, bool (*match)(const struct slot *, const void *),
                            const void *arg)
{
    struct signet__state_iter it = {0};
    struct where w = {bus, NULL, match, arg, 0, false};

    for (struct sigstate *ss; (ss = signet__state_next(bus, &it)) != NULL;) {
        w.ss = ss;
        w.changed = false;
        signet__state_each_group(ss, release_where, &w);
        if (w.changed)
            (void)signet__state_rebuild(bus, ss);
    }
    return w.count;
}

static bool has_ctx(const struct slot *s, const void *ctx)
{
    return s->ctx == ctx;
}

static bool on_queue(const struct slot *s, const void *q)
{
    return s->queue == q;
}

int signet_disconnect_ctx(signet_bus *bus, const void *ctx)
{
    if (!bus)
        return SIGNET_EINVAL;
    pthread_mutex_lock(&bus->lock);
    int count = disconnect_where(bus, has_ctx, ctx);
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, true);
    return count;
}

void signet__disconnect_queue(signet_bus *bus, signet_queue *q)
{
    pthread_mutex_lock(&bus->lock);
    (void)disconnect_where(bus, on_queue, q);
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, true);
}
