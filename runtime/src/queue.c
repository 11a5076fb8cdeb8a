/* queue.c: the consumers' side of queues and their lifetime: dispatch
 * (signet_queue_dispatch, the fd for event loops, signet_queue_run and
 * worker threads), creation, destruction and counters. A dispatch takes a
 * message from the ring, copies it out and gives its cell back, then runs,
 * inside an RCU read section, the receivers it is for (queue.h), each
 * through the signal's invoke, or signet_invoke_generic for a queued
 * SIGNET_GENERIC connection. Uses
 * ring.c for the cells and wake-ups, payload.c to copy a message out,
 * state.h and snapshot.h to find the receivers, event.h to run them,
 * connect.c to disconnect a destroyed queue's connections and watch.c to
 * count deliveries on a counting bus.
 */
#include "queue.h"

#include "connect.h"
#include "event.h"
#include "payload.h"
#include "state.h"
#include "watch.h"

#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define RUN_BATCH 64
#define RUN_STACK 1024 /* bytes of a message copied to the stack to run it */

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------------------ */
/* Dispatch */

/* r (of list l) was connected after message m was queued, so it is not
 * for m; but it may be a twin that leaves out the same receiver connected
 * the other way (SIGNET_ANY or the sender) before m was queued: the
 * receiver then runs through that connection, at r's place, as it would
 * have had r not been connected. Returns that connection (its queue info in
 * *at) or NULL. */
static const signet_recv *older_twin(const struct snap *l, const struct msg *m,
                                     const signet_recv *r, const struct qinfo **at)
{
    const struct slot *rs = signet__slot_of(r);

    if (rs->flags & SIGNET__NO_TWIN)
        return NULL;
    for (uint32_t i = l->n; i < l->n + l->nhidden; i++) {
        const signet_recv *b = &l->recv[i];
        const struct qinfo *qi = &l->qi[i];
        if (b->fn == r->fn && b->ctx == r->ctx && signet__slot_of(b)->sender != rs->sender &&
            qi->order < m->order_end) {
            *at = qi;
            return b;
        }
    }
    return NULL;
}

/* Runs the receivers of table s the message is for; true when one returned
 * SIGNET_STOP. Counts the receivers it ran in em->qerr_ (a dispatch's
 * emission queues nothing). Only queued connections (!direct) can be
 * SIGNET_GENERIC; claiming one has just read its slot. */
static bool run_list(signet_queue *q, signet_emission *em, const struct snap *s,
                     const struct msg *m, const void *payload, bool direct)
{
    if (!s)
        return false;
    const struct snap *l = signet__list(s, m->sender);
    const struct qinfo *qi = l->qi;
    signet_invoke_fn *invoke = m->rs->info->invoke;
    for (const signet_recv *r = l->recv, *e = l->recv + l->n; r != e; r++, qi++) {
        const signet_recv *run = r;
        const struct qinfo *at = qi;
        if (qi->order >= m->order_end && !(run = older_twin(l, m, r, &at)))
            continue;
        if (!direct && at->queue != q)
            continue;
        if (!signet_emit_claim(em, run))
            continue;
        em->qerr_++;
        signet_invoke_fn *call = invoke;
        if (!direct && (signet__slot_of(run)->flags & SIGNET_GENERIC))
            call = signet_invoke_generic;
        if (signet_emit_stop(em, call(run, &em->ev, payload)))
            return true;
    }
    return false;
}

static void run_message(signet_queue *q, struct qcell *c)
{
    const struct msg *m = &c->m;
    struct sigstate *ss = m->ss, *rs = m->rs;
    const void *payload = ss->info->payload ? signet__payload_of(c) : NULL;
    signet_emission em;

    em.outermost_ = signet__rcu_enter();
    signet__emission_init(&em, q->bus, ss->info, m->sender, rs != ss ? rs->info : NULL, payload);
    em.ev.conn = (signet_conn){0, 0};
    em.ev.previous_ = NULL; /* queued messages carry no previous value */
    em.unchanged_ = m->unchanged;
    em.ss_ = NULL;
    em.qerr_ = 0;
    em.patterns_ = SIGNET__EMIT_RETAINED;
    bool stop = m->direct &&
                run_list(q, &em, atomic_load_explicit(&rs->snap, memory_order_seq_cst), m,
                         payload, true);
    /* Most signals have no queued connection: no call for an empty list. */
    const struct snap *queued = atomic_load_explicit(&rs->qsnap, memory_order_seq_cst);
    if (!stop && queued)
        run_list(q, &em, queued, m, payload, false);
    if (__builtin_expect(signet__watching(q->bus) != 0, 0))
        signet__count(q->bus, ss, SIGNET__DELIVERED, (uint64_t)em.qerr_);
    signet__rcu_unlock(em.outermost_);
}

/* Copies cell c, its message and payload (strings included), to out, which
 * has room for SIGNET__PAYLOAD_AT + c->m.len + 31 bytes (at least 64, and
 * the copy rounded up to 16): inline, 16 bytes
 * at a time (the first 64 always: the message and a small payload), rather
 * than calling memcpy. It reads the cell up to the next multiple of 16,
 * which its stride (a multiple of 64, at least that size) holds. A copy's
 * strings are then copied again so that its pointers aim at its own
 * (payload.h). */
static inline void copy_out(struct qcell *out, const struct qcell *c)
{
    typedef unsigned char chunk __attribute__((vector_size(16), aligned(1), may_alias));
    const unsigned char *from = (const unsigned char *)c;
    unsigned char *to = (unsigned char *)out;
    size_t n = SIGNET__PAYLOAD_AT + c->m.len;

    _Static_assert(SIGNET__PAYLOAD_AT <= 64 && SIGNET__CACHE_LINE == 64, "the head copy");
    *(chunk *)(void *)to = *(const chunk *)(const void *)from;
    *(chunk *)(void *)(to + 16) = *(const chunk *)(const void *)(from + 16);
    *(chunk *)(void *)(to + 32) = *(const chunk *)(const void *)(from + 32);
    *(chunk *)(void *)(to + 48) = *(const chunk *)(const void *)(from + 48);
    for (size_t i = 64; i < n; i += 16) {
        /* One chunk per turn: no loop that the compiler would make a memcpy call. */
        __asm__("" : : : "memory");
        *(chunk *)(void *)(to + i) = *(const chunk *)(const void *)(from + i);
    }
    const struct sigstate *ss = out->m.ss;
    if (__builtin_expect(ss->deep, 0))
        signet__payload_copy_strings(ss->info->payload, signet__payload_of(out));
}

/* Takes the oldest message and runs it from a copy: its cell goes back to
 * the producers before any receiver runs, so a running message never
 * holds a cell and the queue's capacity is all for waiting messages. The
 * copy is on the stack up to RUN_STACK bytes, on the heap beyond; only when
 * that allocation fails does the message run in its cell. */
static inline __attribute__((always_inline)) bool dispatch_one(signet_queue *q)
{
    size_t pos;
    struct signet__cell *cell = signet__ring_take(&q->ring, &pos);

    if (!cell)
        return false;
    struct qcell *c = (struct qcell *)cell;
    _Alignas(16) unsigned char local[RUN_STACK];
    size_t need = SIGNET__PAYLOAD_AT + (size_t)c->m.len + 31; /* copy_out()'s room */
    struct qcell *run = (struct qcell *)(void *)local;
    if (__builtin_expect(need > sizeof local, 0) && !(run = malloc(need))) {
        run_message(q, c);
        signet__ring_give_back(&q->ring, cell, pos);
        return true;
    }
    copy_out(run, c);
    signet__ring_give_back(&q->ring, cell, pos);
    run_message(q, run);
    if (__builtin_expect(run != (struct qcell *)(void *)local, 0))
        free(run);
    return true;
}

int signet_queue_dispatch(signet_queue *q, size_t max)
{
    if (!q)
        return SIGNET_EINVAL;
    if (max == 0)
        max = q->ring.capacity;
    size_t n = 0;
    while (n < max && dispatch_one(q))
        n++;
    signet__ring_dispatched(&q->ring);
    return n > INT_MAX ? INT_MAX : (int)n;
}

int signet_bus_dispatch(signet_bus *bus, size_t max)
{
    return bus ? signet_queue_dispatch(bus->queue, max) : SIGNET_EINVAL;
}

int signet_queue_fd(signet_queue *q)
{
    return q ? signet__ring_fd(&q->ring) : SIGNET_EINVAL;
}

int signet_bus_fd(signet_bus *bus)
{
    return bus ? signet_queue_fd(bus->queue) : SIGNET_EINVAL;
}

int signet_queue_run(signet_queue *q)
{
    if (!q)
        return SIGNET_EINVAL;
    while (!atomic_load_explicit(&q->stopped, memory_order_acquire)) {
        int n = 0;
        while (n < RUN_BATCH && !atomic_load_explicit(&q->stopped, memory_order_relaxed) &&
               dispatch_one(q))
            n++;
        if (n)
            continue;
        if (signet__ring_waiting(&q->ring)) {
            sched_yield(); /* claimed, still being written */
            continue;
        }
        if (signet__ring_sleep(&q->ring, &q->stopped) != 0)
            return SIGNET_EINVAL;
    }
    return 0;
}

void signet_queue_stop(signet_queue *q)
{
    if (!q)
        return;
    atomic_store_explicit(&q->stopped, true, memory_order_seq_cst);
    signet__ring_wake(&q->ring);
}

static void *worker_main(void *arg)
{
    (void)signet_queue_run(arg);
    return NULL;
}

int signet_queue_start(signet_queue *q, unsigned n)
{
    if (!q || n == 0)
        return SIGNET_EINVAL;
    signet_bus *bus = q->bus;
    int err = 0;
    pthread_mutex_lock(&bus->lock);
    if (q->workers) {
        err = SIGNET_EINVAL;
        goto unlock;
    }
    q->workers = calloc(n, sizeof *q->workers);
    if (!q->workers) {
        err = SIGNET_ENOMEM;
        goto unlock;
    }
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&q->workers[i], NULL, worker_main, q) != 0) {
            err = SIGNET_ENOMEM;
            break;
        }
        q->nworkers++;
    }
unlock:
    pthread_mutex_unlock(&bus->lock);
    return err;
}

/* ------------------------------------------------------------------------ */
/* Lifetime */

int signet_queue_create(signet_bus *bus, const signet_queue_options *opts, signet_queue **out)
{
    if (!bus || !out)
        return SIGNET_EINVAL;
    *out = NULL;
    return signet__queue_new(bus, opts, out);
}

int signet__queue_new(signet_bus *bus, const signet_queue_options *opts, signet_queue **out)
{
    signet_queue_options o = opts ? *opts : (signet_queue_options){0};

    if (o.capacity == 0)
        o.capacity = bus->opts.queue_capacity;
    if (o.slot_size == 0)
        o.slot_size = bus->opts.slot_size;
    if (o.overflow == SIGNET_OVERFLOW_DEFAULT)
        o.overflow = bus->opts.overflow;
    if (o.block_timeout_ms == 0)
        o.block_timeout_ms = bus->opts.block_timeout_ms;
    if (o.capacity > SIGNET_QUEUE_MAX_CAPACITY || o.slot_size > SIGNET_QUEUE_MAX_SLOT_SIZE ||
        o.overflow > SIGNET_OVERFLOW_DROP_OLDEST)
        return SIGNET_EINVAL;
    uint32_t cap = 2;
    while (cap < o.capacity)
        cap <<= 1;

    signet_queue *q = aligned_alloc(SIGNET__CACHE_LINE, align_up(sizeof *q, SIGNET__CACHE_LINE));
    if (!q)
        return SIGNET_ENOMEM;
    memset(q, 0, sizeof *q);
    if (signet__ring_init(&q->ring, cap,
                          align_up(SIGNET__PAYLOAD_AT + o.slot_size, SIGNET__CACHE_LINE)) != 0) {
        free(q);
        return SIGNET_ENOMEM;
    }
    q->bus = bus;
    q->slot_size = o.slot_size;
    q->overflow = o.overflow;
    q->block_timeout_ms = o.block_timeout_ms;
    atomic_init(&q->closed, false);
    atomic_init(&q->stopped, false);
    atomic_init(&q->high_water, 0);
    atomic_init(&q->blocked, 0);
    atomic_init(&q->refused, 0);
    atomic_init(&q->evicted, 0);
    atomic_init(&q->discarded, 0);
    if (signet__bus_add_queue(bus, q) != 0) {
        signet__ring_destroy(&q->ring);
        free(q);
        return SIGNET_ENOMEM;
    }
    *out = q;
    return 0;
}

void signet__queue_close(signet_queue *q)
{
    atomic_store_explicit(&q->closed, true, memory_order_seq_cst);
}

void signet__queue_join(signet_queue *q)
{
    if (!q->workers)
        return;
    signet_queue_stop(q);
    for (unsigned i = 0; i < q->nworkers; i++)
        pthread_join(q->workers[i], NULL);
    free(q->workers);
    q->workers = NULL;
    q->nworkers = 0;
}

uint32_t signet__queue_free(signet_queue *q)
{
    uint32_t n = 0;
    size_t pos;

    for (struct signet__cell *c; (c = signet__ring_take(&q->ring, &pos)) != NULL; n++)
        signet__ring_give_back(&q->ring, c, pos);
    atomic_fetch_add_explicit(&q->discarded, n, memory_order_relaxed);
    signet__ring_destroy(&q->ring);
    free(q);
    return n;
}

/* Is the calling thread one of q's workers? (bus lock held) */
static bool is_worker(const signet_queue *q)
{
    for (unsigned i = 0; i < q->nworkers; i++)
        if (pthread_equal(q->workers[i], pthread_self()))
            return true;
    return false;
}

int signet_queue_destroy(signet_queue *q)
{
    if (!q || q == q->bus->queue)
        return SIGNET_EINVAL;
    if (signet__rcu_nested())
        return SIGNET_EBUSY;
    signet_bus *bus = q->bus;

    pthread_mutex_lock(&bus->lock);
    bool busy = is_worker(q);
    pthread_mutex_unlock(&bus->lock);
    if (busy)
        return SIGNET_EBUSY;
    if (!signet__bus_remove_queue(bus, q))
        return SIGNET_EINVAL;

    /* Posts that hold q leave (blocked ones with SIGNET_ECLOSED), its
     * workers stop (what they already took, they deliver), its connections
     * go, and the grace period of that disconnect waits for every post and
     * dispatch that could still see them; what is left is discarded and
     * counted. */
    signet__queue_close(q);
    signet__queue_join(q);
    signet__disconnect_queue(bus, q);

    signet_stats st;
    (void)signet_queue_stats(q, &st);
    uint32_t n = signet__queue_free(q);
    pthread_mutex_lock(&bus->lock);
    bus->gone.posted += st.posted;
    bus->gone.delivered += st.delivered;
    bus->gone.dropped += st.dropped;
    bus->gone.evicted += st.evicted;
    bus->gone.discarded += st.discarded + n;
    pthread_mutex_unlock(&bus->lock);
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}

signet_queue *signet_bus_queue(signet_bus *bus)
{
    return bus ? bus->queue : NULL;
}

int signet_queue_stats(const signet_queue *q, signet_stats *out)
{
    if (!q || !out)
        return SIGNET_EINVAL;
    /* Evictions and discards are counted after the head moved past them,
     * so reading them first keeps head - evicted - discarded from wrapping. */
    uint64_t evicted = atomic_load_explicit(&q->evicted, memory_order_acquire);
    uint64_t discarded = atomic_load_explicit(&q->discarded, memory_order_acquire);
    size_t head = atomic_load_explicit(&q->ring.head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&q->ring.tail, memory_order_acquire);
    uint32_t depth = tail > head ? (uint32_t)(tail - head) : 0;
    uint32_t hw = atomic_load_explicit(&q->high_water, memory_order_relaxed);

    *out = (signet_stats){
        .posted = tail,
        .delivered = head - evicted - discarded,
        .dropped = atomic_load_explicit(&q->refused, memory_order_relaxed) + evicted,
        .evicted = evicted,
        .discarded = discarded,
        .depth = depth,
        .high_water = hw > depth ? hw : depth,
        .capacity = q->ring.capacity,
        .queue_count = 1,
        .blocked = atomic_load_explicit(&q->blocked, memory_order_seq_cst),
    };
    return 0;
}
