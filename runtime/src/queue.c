/* queue.c: the consumers' side of queues and their lifetime: dispatch
 * (signet_queue_dispatch, the fd for event loops, signet_queue_run and
 * worker threads), creation, destruction and counters. A dispatch takes a
 * message from the ring, copies it out and gives its cell back, then runs,
 * inside an RCU read section, the receivers it is for (cell.h), each
 * through the signal's invoke, or signet_invoke_generic for a queued
 * SIGNET_GENERIC connection. A message of a post with a completion also
 * adds up what its receivers said into its record, which it releases.
 * Uses ring.c for the cells and wake-ups, payload.c to copy a message out,
 * state.h and snapshot.h to find the receivers, event.h to run them,
 * done.c for completions, connect.c to disconnect a destroyed queue's
 * connections and watch.c to count deliveries on a counting bus.
 */
#include "queue.h"

#include "connect.h"
#include "done.h"
#include "event.h"
#include "payload.h"
#include "state.h"
#include "watch.h"

#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define RUN_BATCH 64
#define RUN_STACK 1024 /* bytes of a payload copied to the stack to run it */

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------------------ */
/* Dispatch */

/* What the dispatch of a message with a completion keeps beside its
 * summary: how many of the receivers it is for are still connected, and
 * whether one returned SIGNET_STOP (the rest are then counted, not run). */
struct tally {
    uint32_t present;
    bool stopped;
};

/* For a message with a completion: counts r if it is still connected
 * (blocked, filtered or not), and says whether it is to be run, which it
 * is not after a SIGNET_STOP. */
static inline bool still_to_run(struct tally *t, const signet_recv *r)
{
    if (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) & SIGNET__LIVE_KIND)
        t->present++;
    return !t->stopped;
}

/* Takes receiver r's answer rc; true when the list is to end here (a
 * SIGNET_STOP, unless t counts the rest). With t, records it first. */
static inline bool answer(signet_emission *em, const signet_recv *r, int rc, struct tally *t)
{
    if (!t)
        return signet_emit_stop(em, rc);
    if (signet__emit_note(em, r, rc))
        t->stopped = true;
    return false;
}

/* Runs the receivers [r, e) of list l (their queue info from qi) the
 * message is for; true when one returned SIGNET_STOP. With counting, counts
 * the receivers it ran in em->qerr_ (a dispatch's emission queues
 * nothing). With t (a message with a completion, whose emission
 * summarizes), counts in t the receivers still connected, and records each
 * answer. Only queued connections (!direct) can be SIGNET_GENERIC, which
 * their queue info says. */
static inline __attribute__((always_inline)) bool
run_span(signet_queue *q, signet_emission *em, const struct snap *l, const signet_recv *r,
         const signet_recv *e, const struct qinfo *qi, const struct msg *m, const void *payload,
         bool direct, bool counting, struct tally *t)
{
    signet_invoke_fn *invoke = m->rs->info->invoke;

    if (direct && l->order_end <= m->order_end) {
        /* The list is the one the post saw, or one with fewer receivers:
         * every receiver in it was connected before the message was queued. */
        for (; r != e; r++) {
            if (t && !still_to_run(t, r))
                continue;
            if (!signet_emit_claim(em, r))
                continue;
            if (counting)
                em->qerr_++;
            if (answer(em, r, invoke(r, &em->ev, payload), t))
                return true;
        }
        return t && t->stopped;
    }
    for (; r != e; r++, qi++) {
        const signet_recv *run = r;
        const struct qinfo *at = qi;
        if (qi->order >= m->order_end && !(run = signet__older_twin(l, m->order_end, r, &at)))
            continue;
        if (__builtin_expect(m->unchanged & SIGNET__MSG_REPLAY, 0) &&
            at->order != m->order_end - 1 &&
            !(run = signet__hidden_twin(l, m->order_end - 1, run, &at)))
            continue; /* a replay's message is for one connection, maybe a twin run hides */
        if (!direct && signet__qinfo_queue(at) != q)
            continue;
        if (t && !still_to_run(t, run))
            continue;
        if (!signet_emit_claim(em, run))
            continue;
        if (counting)
            em->qerr_++;
        signet_invoke_fn *call = invoke;
        if (!direct && signet__qinfo_generic(at))
            call = signet_invoke_generic;
        if (answer(em, run, call(run, &em->ev, payload), t))
            return true;
    }
    return t && t->stopped;
}

/* run_list() for a message from a sender that may have a list of its own
 * in table s. */
static __attribute__((noinline)) bool run_sender(signet_queue *q, signet_emission *em,
                                                 const struct snap *s, const struct msg *m,
                                                 const void *payload, bool direct, bool counting,
                                                 struct tally *t)
{
    const struct bucket *k = signet__bucket(s, m->sender);
    const struct snap *l = signet__list_at(s, k);
    const signet_recv *r, *e;
    const struct qinfo *qi;
    signet_recv one;
    uint64_t order;
    uint32_t flags;

    /* A sender with one queued receiver (bound to the table's home, the
     * bus's queue) connected before the message was queued: the bucket's
     * copy of it and of its queue information. A replay's message, for one
     * connection that a twin may hide, runs the list. */
    if (!direct && k && !(m->unchanged & SIGNET__MSG_REPLAY) &&
        signet__bucket_one(k, &one, &order, &flags) && order < m->order_end) {
        const struct qinfo at = {(uintptr_t)s->home | flags, order};
        return run_span(q, em, l, &one, &one + 1, &at, m, payload, false, counting, t);
    }

    /* With t, the runs after a stop are still counted. */
    for (uint32_t i = 0; signet__run(l, i, &r, &e, &qi); i++)
        if (run_span(q, em, l, r, e, qi, m, payload, direct, counting, t) && !t)
            return true;
    return t && t->stopped;
}

/* Runs the receivers of table s the message is for, those of its sender's
 * list when it has one, run after run, as run_span(). */
static inline __attribute__((always_inline)) bool
run_list(signet_queue *q, signet_emission *em, const struct snap *s, const struct msg *m,
         const void *payload, bool direct, bool counting, struct tally *t)
{
    if (m->sender && s->nbuckets)
        return run_sender(q, em, s, m, payload, direct, counting, t);
    return run_span(q, em, s, s->recv, s->recv + s->n, signet__qinfo(s), m, payload, direct,
                    counting, t);
}

/* The queued connections of rs bound to q, after the direct receivers. */
static __attribute__((noinline)) void run_queued(signet_queue *q, signet_emission *em,
                                                 const struct snap *s, const struct msg *m,
                                                 const void *payload, bool counting)
{
    run_list(q, em, s, m, payload, false, counting, NULL);
}

/* run_queued() for a message with a completion. */
static __attribute__((noinline)) void run_queued_done(signet_queue *q, signet_emission *em,
                                                      const struct snap *s, const struct msg *m,
                                                      const void *payload, struct tally *t)
{
    run_list(q, em, s, m, payload, false, false, t);
}

/* A message with a completion has run: its answers go to its record, with
 * SIGNET_ENOENT when fewer of its receivers were still connected than when
 * it was queued, and the record lets go of it (the last message calls the
 * completion, inside this read section). */
static __attribute__((noinline)) void finish_done(signet_queue *q, const struct msg *m,
                                                  const struct done_slot *ds,
                                                  const signet_summary *sum, uint32_t present)
{
    signet__done_add(ds->done, sum);
    if (present < ds->expect)
        signet__done_fail(ds->done, SIGNET_ENOENT);
    if (signet__watching(q->bus))
        signet__count(q->bus, m->ss, SIGNET__DELIVERED, sum->ran);
    signet__done_release(ds->done);
}

/* Runs message m, its payload (or NULL) at payload; with counting (a
 * constant where it is written in), counts its deliveries for a counting
 * bus (watch.h); with ds, the message has a completion (done.h). */
static inline __attribute__((always_inline)) void
run_counted(signet_queue *q, const struct msg *m, const void *payload, bool counting,
            const struct done_slot *ds)
{
    struct sigstate *ss = m->ss, *rs = m->rs;
    signet_emission em;
    signet_summary sum;
    struct tally tally = {0, false}, *t = NULL;

    /* Beyond the common fields, what signet_emit_claim() and _stop() and
     * the event accessors read: the flags saying that unchanged_ and
     * ev.previous_ are set (a retained signal's message may carry the
     * previous value after its payload). ev.conn is set by each claim;
     * with counting, qerr_ counts the receivers run; with a completion,
     * summary_ gets their answers; the rest of a send's emission is for
     * signet_emit_end(), which a dispatch does not call. */
    em.outermost_ = signet__rcu_enter();
    signet__emission_init(&em, q->bus, ss->info, m->sender, rs != ss ? rs->info : NULL, payload);
    em.ev.previous_ = NULL; /* signet_event_previous() finds one after the payload */
    em.unchanged_ = m->unchanged;
    em.patterns_ = SIGNET__EMIT_RETAINED;
    if (counting)
        em.qerr_ = 0;
    if (ds) {
        sum = (signet_summary){0};
        em.summary_ = &sum;
        t = &tally;
    }
    const struct snap *s;
    bool stop = m->direct && (s = atomic_load_explicit(&rs->snap, memory_order_seq_cst)) &&
                run_list(q, &em, s, m, payload, true, counting, t);
    /* Most signals have no queued connection: no call for an empty list. A
     * message with a completion counts the queued ones after a stop too. */
    if ((!stop || ds) && (s = atomic_load_explicit(&rs->qsnap, memory_order_seq_cst)) != NULL) {
        if (ds)
            run_queued_done(q, &em, s, m, payload, t);
        else
            run_queued(q, &em, s, m, payload, counting);
    }
    if (counting)
        signet__count(q->bus, ss, SIGNET__DELIVERED, (uint64_t)em.qerr_);
    if (ds)
        finish_done(q, m, ds, &sum, tally.present);
    signet__rcu_unlock(em.outermost_);
}

/* Runs message m, its payload (or NULL) at payload. */
static inline __attribute__((always_inline)) void run_message(signet_queue *q, const struct msg *m,
                                                              const void *payload)
{
    if (__builtin_expect(signet__watching(q->bus) != 0, 0))
        run_counted(q, m, payload, true, NULL);
    else
        run_counted(q, m, payload, false, NULL);
}

/* Runs message m, which has a completion (ds, copied out of its slot). */
static __attribute__((noinline)) void run_done(signet_queue *q, const struct msg *m,
                                               const void *payload, struct done_slot ds)
{
    run_counted(q, m, payload, false, &ds);
}

/* After a plain copy of a message's payload bytes to out, aims the copy's
 * pointers at its own strings (payload.h), the previous payload's too. */
static __attribute__((noinline)) void copy_out_deep(unsigned char *out, const struct msg *m)
{
    const signet_struct_info *si = m->ss->info->payload;

    signet__payload_copy_strings(si, out);
    if (m->unchanged & SIGNET__PREVIOUS_AFTER)
        signet__payload_copy_strings(si, out + signet__previous_at(si, out));
}

/* Copies the payload of cell c, message m (m->len bytes, strings
 * included, and the previous payload), to out, which has room for m->len
 * rounded up to 16: inline, 16 bytes at a time, rather than calling
 * memcpy. It reads the cell up to that multiple of 16, which its stride (a
 * multiple of 64 beyond the payload's place) holds. A copy's strings are
 * then copied again, from the cell, so that its pointers aim at its own
 * (payload.h): with flagged, a constant where it is written in, for a
 * message that has SIGNET__MSG_DEEP. */
static inline __attribute__((always_inline)) void copy_out(unsigned char *out, const struct qcell *c,
                                                           const struct msg *m, bool flagged)
{
    typedef unsigned char chunk __attribute__((vector_size(16), aligned(1), may_alias));
    const unsigned char *from = (const unsigned char *)c + SIGNET__PAYLOAD_AT;

    if (__builtin_expect(m->len <= 16, 1)) {
        /* Most payloads: one chunk (a payload of 0 bytes has room for it). */
        *(chunk *)(void *)out = *(const chunk *)(const void *)from;
    } else {
        for (size_t i = 0; i < m->len; i += 16) {
            /* One chunk per turn: no loop that the compiler would make a memcpy call. */
            __asm__("" : : : "memory");
            *(chunk *)(void *)(out + i) = *(const chunk *)(const void *)(from + i);
        }
    }
    if (flagged && (m->flags & SIGNET__MSG_DEEP))
        copy_out_deep(out, m);
}

/* When a large message's copy cannot be allocated, it runs in its cell. */
static __attribute__((noinline, cold)) void run_in_cell(signet_queue *q, struct qcell *c,
                                                        size_t pos)
{
    const void *payload = c->m.len ? signet__payload_of(c) : NULL;

    if (c->m.flags & SIGNET__MSG_DONE)
        run_done(q, &c->m, payload, *signet__queue_done_slot(q, pos));
    else
        run_message(q, &c->m, payload);
    signet__ring_give_back(&q->ring, &c->cell, pos);
}

/* Runs message m of cell c, taken at pos, from a copy: its cell goes back
 * to the producers before any receiver runs, so a running message never
 * holds a cell and the queue's capacity is all for waiting messages. The
 * payload is copied to the stack up to RUN_STACK bytes, to the heap
 * beyond; only when that allocation fails does the message run in its
 * cell. flagged (a constant where it is written in): m has flags, strings
 * to copy again or a completion, whose slot is read before the cell goes. */
static inline __attribute__((always_inline)) void run_copy(signet_queue *q, struct qcell *c,
                                                           size_t pos, const struct msg *m,
                                                           bool flagged)
{
    _Alignas(16) unsigned char local[RUN_STACK];
    unsigned char *payload = local;
    if (__builtin_expect(m->len > RUN_STACK - 15, 0) && !(payload = malloc(m->len + 15))) {
        run_in_cell(q, c, pos);
        return;
    }
    copy_out(payload, c, m, flagged);
    struct done_slot ds = {NULL, 0};
    if (flagged && (m->flags & SIGNET__MSG_DONE))
        ds = *signet__queue_done_slot(q, pos);
    signet__ring_give_back(&q->ring, &c->cell, pos);
    if (flagged && ds.done)
        run_done(q, m, m->len ? payload : NULL, ds);
    else
        run_message(q, m, m->len ? payload : NULL);
    if (__builtin_expect(payload != local, 0))
        free(payload);
}

/* run_copy() of a message with flags. */
static __attribute__((noinline, cold)) void run_flagged(signet_queue *q, struct qcell *c,
                                                        size_t pos, const struct msg *m)
{
    run_copy(q, c, pos, m, true);
}

/* Runs the message of cell c, taken at pos (run_copy()); the message is
 * copied to a local first. Most messages have no flags: one test sends the
 * others out of line. Out of line itself, so that a dispatch's loop keeps
 * its few values in registers across the receivers' calls. */
static __attribute__((noinline)) void run_taken(signet_queue *q, struct qcell *c, size_t pos)
{
    struct msg m = c->m;

    if (__builtin_expect(m.flags != 0, 0))
        run_flagged(q, c, pos, &m);
    else
        run_copy(q, c, pos, &m, false);
}

/* Takes the oldest message, if any, and runs it (run_taken). */
static inline __attribute__((always_inline)) bool dispatch_one(signet_queue *q)
{
    size_t pos;
    struct signet__cell *cell = signet__ring_take(&q->ring, &pos);

    if (!cell)
        return false;
    run_taken(q, (struct qcell *)cell, pos);
    return true;
}

/* Records the calling thread as q's last dispatcher (cell.h). Stored only
 * when it changes: the field shares its line with what every post reads
 * (q->closed), which a store per dispatch would take from the posters. */
static inline void note_dispatcher(signet_queue *q)
{
    if (atomic_load_explicit(&q->dispatcher, memory_order_relaxed) != &signet__tls_reader)
        atomic_store_explicit(&q->dispatcher, &signet__tls_reader, memory_order_relaxed);
}

/* signet_queue_dispatch() of a queue; written into both calls, so that a
 * dispatch of the default queue makes no call of its own. */
static inline __attribute__((always_inline)) int dispatch(signet_queue *q, size_t max)
{
    if (max == 0)
        max = q->ring.capacity;
    note_dispatcher(q);
    size_t n = 0;
    while (n < max && dispatch_one(q))
        n++;
    signet__ring_dispatched(&q->ring);
    return n > INT_MAX ? INT_MAX : (int)n;
}

int signet_queue_dispatch(signet_queue *q, size_t max)
{
    return q ? dispatch(q, max) : SIGNET_EINVAL;
}

int signet_bus_dispatch(signet_bus *bus, size_t max)
{
    return bus ? dispatch(bus->queue, max) : SIGNET_EINVAL;
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
    note_dispatcher(q);
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
    atomic_init(&q->blocked, 0);
    atomic_init(&q->refused, 0);
    atomic_init(&q->evicted, 0);
    atomic_init(&q->discarded, 0);
    atomic_init(&q->done_slots, NULL);
    atomic_init(&q->dispatcher, NULL);
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

    for (struct signet__cell *c; (c = signet__ring_take(&q->ring, &pos)) != NULL; n++) {
        signet__queue_drop_done(q, (struct qcell *)c, pos, SIGNET_EDISCARDED);
        signet__ring_give_back(&q->ring, c, pos);
    }
    atomic_fetch_add_explicit(&q->discarded, n, memory_order_relaxed);
    signet__ring_destroy(&q->ring);
    free(atomic_load_explicit(&q->done_slots, memory_order_relaxed));
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
    uint32_t hw = atomic_load_explicit(&q->ring.high, memory_order_relaxed);

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
