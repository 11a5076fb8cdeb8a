/* connect.c: connecting and disconnecting (signet_connect,
 * signet_subscribe_pattern, signet_disconnect, signet_disconnect_ctx, and a
 * queue's connections when it is destroyed). A writer: it takes the bus
 * lock, changes a state's connection list, republishes its snapshots, and
 * after unlocking collects retired memory (a disconnect waits for the
 * grace period it promises). Uses state.c and snapshot.c for the lists,
 * patterns.c for run-time pattern states, topic.c to check filters and
 * retain.c to replay retained values.
 */
#include "connect.h"

#include "patterns.h"
#include "retain.h"
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

static int grow_conns(struct sigstate *ss)
{
    if (ss->nconns < ss->cap)
        return 0;
    uint32_t cap = ss->cap ? ss->cap * 2 : 4;
    uint32_t *conns = realloc(ss->conns, cap * sizeof *conns);
    if (!conns)
        return SIGNET_ENOMEM;
    ss->conns = conns;
    ss->cap = cap;
    return 0;
}

/* The live state a new connection's flags give it. */
static uint32_t live_state(uint32_t flags)
{
    if (flags & SIGNET_CHANGED)
        return (flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE_CHANGED : SIGNET__LIVE_CHANGED;
    return (flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE : SIGNET__LIVE;
}

/* Adds the connection to ss and publishes it (lock held). */
static int add_connection(signet_bus *bus, struct sigstate *ss, signet_fnptr *fn, void *ctx,
                          const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
    for (uint32_t i = 0; i < ss->nconns; i++) {
        struct slot *s = signet__slot_at(&bus->slots, ss->conns[i]);
        if (s->fn == fn && s->ctx == ctx && s->sender == sender &&
            __atomic_load_n(&s->live, __ATOMIC_ACQUIRE)) {
            *out = (signet_conn){ss->conns[i], s->generation};
            return SIGNET_EXISTING;
        }
    }
    signet__state_drop_fired(bus, ss); /* fired run-once connections do not count */
    if (ss->nconns >= bus->opts.max_receivers)
        return SIGNET_ELIMIT;
    int err = grow_conns(ss);
    if (err)
        return err;
    uint32_t index = signet__slot_alloc(&bus->slots);
    if (index == SIGNET__NONE)
        return SIGNET_ENOMEM;
    struct slot *s = signet__slot_at(&bus->slots, index);
    s->used = true;
    s->sig = ss;
    s->fn = fn;
    s->ctx = ctx;
    s->sender = sender;
    s->queue = opts ? opts->queue : NULL;
    s->priority = opts ? opts->priority : 0;
    s->flags = opts ? opts->flags : 0;
    s->order = bus->next_order++;
    __atomic_store_n(&s->live, live_state(s->flags), __ATOMIC_RELEASE);
    ss->conns[ss->nconns++] = index;
    if ((err = signet__state_rebuild(bus, ss)) != 0) {
        /* Roll back: the slot was never published. The rebuild may have
         * moved entries, so it is found by value. */
        for (uint32_t i = 0; i < ss->nconns; i++) {
            if (ss->conns[i] == index) {
                ss->conns[i] = ss->conns[--ss->nconns];
                break;
            }
        }
        signet__slot_unalloc(&bus->slots, index);
        return err;
    }
    *out = (signet_conn){index, s->generation};
    return 0;
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

    pthread_mutex_lock(&bus->lock);
    if (queue && !signet__bus_has_queue(bus, queue))
        err = SIGNET_EINVAL; /* only a live queue of this bus */
    else if ((ss = filter ? signet__rt_state_for(bus, sig, filter, strlen(filter), &err)
                          : signet__state_for(bus, sig, &err)) != NULL)
        err = add_connection(bus, ss, fn, ctx, sender, opts, out);
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, false);
    if (err == 0 && opts && (opts->flags & SIGNET_REPLAY))
        signet__retain_replay(bus, ss, *out);
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
    /* Subscribed either way; a filter no topic template of the schema can
     * match is told apart, since its subscriber can never run. */
    for (uint32_t i = 0; i < schema->signal_count; i++)
        if (signet__filter_may_match(pattern, schema->signals[i].topic))
            return rc;
    return SIGNET_NOMATCH;
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
            err = __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) ? 0 : SIGNET_ENOENT;
            struct sigstate *ss = s->sig;
            for (uint32_t i = 0; i < ss->nconns; i++) {
                if (ss->conns[i] == conn.index) {
                    signet__state_release(bus, ss, i);
                    break;
                }
            }
            (void)signet__state_rebuild(bus, ss); /* on failure, only memory waits */
        }
    }
    pthread_mutex_unlock(&bus->lock);
    signet__after_write(bus, true);
    return err;
}

/* Disconnects every connection of the bus that match() picks (lock
 * held); returns how many of them were live. */
static int disconnect_where(signet_bus *bus, bool (*match)(const struct slot *, const void *),
                            const void *arg)
{
    struct signet__state_iter it = {0};
    int count = 0;

    for (struct sigstate *ss; (ss = signet__state_next(bus, &it)) != NULL;) {
        bool changed = false;
        for (uint32_t c = 0; c < ss->nconns;) {
            struct slot *s = signet__slot_at(&bus->slots, ss->conns[c]);
            if (!match(s, arg)) {
                c++;
                continue;
            }
            count += __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) != 0;
            signet__state_release(bus, ss, c); /* moves the last entry into position c */
            changed = true;
        }
        if (changed)
            (void)signet__state_rebuild(bus, ss);
    }
    return count;
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
