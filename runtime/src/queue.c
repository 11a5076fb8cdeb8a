/* queue.c: queued delivery: posting, bounded queues, dispatch, wake-ups,
 * worker threads and counters.
 *
 * A queue is a bounded ring of preallocated cells (Vyukov's MPMC array
 * queue): each cell carries a sequence number that says whether it is free
 * for the producer of lap N or full for the consumer of lap N, so producers
 * claim a cell with one compare-and-swap on the tail and publish it with one
 * release store, and consumers do the same on the head. A cell holds one
 * message (signal state, sender, the connection sequence bound, flags) and
 * its payload, deep-copied: the payload struct, then its strings.
 *
 * A message names receivers, not connections: when it is dispatched it runs
 * the receivers of the signal's current snapshot (bus.h) that were connected
 * before it was queued (connection order below the snapshot's order_end) and
 * are bound to the dispatching queue, or, for the default queue's message of
 * a post, the direct receivers too. A receiver disconnected in between is no
 * longer in the snapshot, or is marked dead, and does not run; dispatch runs
 * inside an RCU read section, so signet_disconnect() waits for it as it does
 * for a send.
 *
 * Sleeping consumers (signet_queue_run, or a loop polling signet_queue_fd)
 * set `armed` and then look at the tail again; a producer reads `armed`
 * after its compare-and-swap on the tail, both sequentially consistent, so
 * either the consumer sees the message or the producer sees `armed` and
 * writes the fd. Producers therefore make no system call while the consumer
 * is awake.
 * Depends on bus.h, rcu.h and signet.h.
 */
#include "bus.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Linux wakes consumers through one eventfd; elsewhere, or when built with
 * SIGNET_NO_EVENTFD (the test suite builds such a runtime to test it), a
 * non-blocking pipe. */
#if defined(__linux__) && !defined(SIGNET_NO_EVENTFD)
#define SIGNET__EVENTFD 1
#include <sys/eventfd.h>
#else
#define SIGNET__EVENTFD 0
#endif

#define CACHE_LINE 64
#define RUN_BATCH 64

/* One message: an emission for the receivers of one queue. */
struct msg {
    struct sigstate *ss;        /* the signal, on this bus */
    struct sigstate *rs;        /* whose receivers run: ss, or a pattern's state */
    const void *sender;
    uint64_t order_end;         /* receivers connected later do not run */
    uint32_t len;               /* payload bytes, strings included */
    bool direct;                /* also run the signal's direct receivers */
    bool unchanged;             /* retained payload equal to the previous one */
};

/* A ring cell: seq == pos: free for the producer of position pos;
 * seq == pos + 1: holds the message of position pos. The payload follows at
 * PAYLOAD_AT. */
struct cell {
    _Atomic size_t seq;
    struct msg m;
};

#define PAYLOAD_AT ((sizeof(struct cell) + 15) & ~(size_t)15)

/* Invariant: head <= tail <= head + capacity; messages [head, tail) wait,
 * each published once its cell's seq says so. Counters live apart from the
 * two positions so producers and consumers do not share cache lines. */
struct signet_queue {
    signet_bus *bus;
    unsigned char *cells;
    size_t mask;                /* capacity - 1 */
    size_t stride;              /* bytes per cell, a multiple of CACHE_LINE */
    uint32_t capacity;
    uint32_t slot_size;         /* payload bound in bytes */
    signet_overflow overflow;
    uint32_t block_timeout_ms;
    int rfd, wfd;               /* the same eventfd on Linux; a pipe's two ends elsewhere */
    signet_queue *next;         /* the bus's list, guarded by the bus lock */
    pthread_t *workers;         /* signet_queue_start(), guarded by the bus lock */
    unsigned nworkers;

    _Alignas(CACHE_LINE) _Atomic size_t tail;   /* next position to claim */
    _Alignas(CACHE_LINE) _Atomic size_t head;   /* next position to take */
    _Alignas(CACHE_LINE) _Atomic uint32_t armed; /* the fd's consumer is about to sleep */
    _Atomic uint32_t sleepers;  /* signet_queue_run() callers asleep or about to be */
    _Atomic uint32_t high_water;
    _Atomic uint32_t blocked;   /* posts inside claim_full() now */
    _Atomic bool fd_mode;       /* signet_queue_fd() was called */
    _Atomic bool closed;
    _Atomic bool stopped;
    _Atomic uint64_t refused;
    _Atomic uint64_t evicted;
    _Atomic uint64_t discarded;
};

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

static inline struct cell *cell_at(const signet_queue *q, size_t pos)
{
    return (struct cell *)(q->cells + (pos & q->mask) * q->stride);
}

static inline unsigned char *payload_of(struct cell *c)
{
    return (unsigned char *)c + PAYLOAD_AT;
}

/* ------------------------------------------------------------------------ */
/* Wake-ups */

static void fd_write(signet_queue *q)
{
#if SIGNET__EVENTFD
    uint64_t one = 1;
    ssize_t rc = write(q->wfd, &one, sizeof one);
#else
    char one = 1;
    ssize_t rc = write(q->wfd, &one, 1);
#endif
    (void)rc; /* EAGAIN: the fd is readable already */
}

static void fd_drain(signet_queue *q)
{
    uint64_t buf[8];

    while (read(q->rfd, buf, sizeof buf) > 0)
        ;
}

static int fd_open(signet_queue *q)
{
#if SIGNET__EVENTFD
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0)
        return SIGNET_ENOMEM;
    q->rfd = q->wfd = fd;
#else
    int fds[2];
    if (pipe(fds) != 0)
        return SIGNET_ENOMEM;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    q->rfd = fds[0];
    q->wfd = fds[1];
#endif
    return 0;
}

static void fd_close(signet_queue *q)
{
    close(q->rfd);
    if (q->wfd != q->rfd)
        close(q->wfd);
}

/* True when a message was claimed and not yet taken (it may still be being
 * written). Sequentially consistent against the producers' claim. */
static inline bool waiting(const signet_queue *q)
{
    return atomic_load_explicit(&q->tail, memory_order_seq_cst) !=
           atomic_load_explicit(&q->head, memory_order_seq_cst);
}

/* Messages claimed and not yet taken (a snapshot; never above capacity). */
static inline size_t waiting_count(const signet_queue *q)
{
    size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    return tail > head ? tail - head : 0;
}

/* A consumer is going to sleep on the fd: arm it, then look once more. */
static void arm(signet_queue *q)
{
    atomic_store_explicit(&q->armed, 1, memory_order_seq_cst);
    if (waiting(q) && atomic_exchange_explicit(&q->armed, 0, memory_order_acq_rel))
        fd_write(q);
}

/* ------------------------------------------------------------------------ */
/* The ring */

/* Claims the cell for the next message, or returns NULL when the queue is
 * full, or holds limit (when non-zero) messages already. */
static struct cell *claim(signet_queue *q, size_t *at, uint32_t limit)
{
    size_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);

    for (;;) {
        struct cell *c = cell_at(q, pos);
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            /* pos may be stale (taken and consumed since): then the signed
             * difference is negative and the CAS below fails and reloads. */
            size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
            if (limit && (intptr_t)(pos - head) >= (intptr_t)limit)
                return NULL;
            /* seq_cst: ordered before the producer's look at `armed`. */
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                *at = pos;
                return c;
            }
        } else if (dif < 0) {
            return NULL;
        } else {
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }
}

/* Takes the oldest published message, or returns NULL when there is none. */
static struct cell *take(signet_queue *q, size_t *at)
{
    size_t pos = atomic_load_explicit(&q->head, memory_order_relaxed);

    for (;;) {
        struct cell *c = cell_at(q, pos);
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&q->head, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *at = pos;
                return c;
            }
        } else if (dif < 0) {
            return NULL;
        } else {
            pos = atomic_load_explicit(&q->head, memory_order_relaxed);
        }
    }
}

/* Gives a taken cell back to the producers of the next lap. */
static inline void give_back(signet_queue *q, struct cell *c, size_t pos)
{
    atomic_store_explicit(&c->seq, pos + q->mask + 1, memory_order_release);
}

/* ------------------------------------------------------------------------ */
/* Payload copies */

/* Bytes the strings of a payload of type si at p need (NULs included). */
static size_t strings_size(const signet_struct_info *si, const unsigned char *p)
{
    size_t n = 0;

    for (uint32_t i = 0; i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        uint32_t count = f->array_len ? f->array_len : 1;
        for (uint32_t k = 0; k < count; k++) {
            const unsigned char *at = p + f->offset + (size_t)k * f->size;
            if (f->type == SIGNET_TYPE_STR) {
                const char *s;
                memcpy(&s, at, sizeof s);
                if (s)
                    n += strlen(s) + 1;
            } else if (f->type == SIGNET_TYPE_STRUCT) {
                n += strings_size(f->struct_info, at);
            }
        }
    }
    return n;
}

/* Copies the strings the struct at p (a copy in a cell) points to into
 * *tail and points it at the copies. */
static void copy_strings(const signet_struct_info *si, unsigned char *p, unsigned char **tail)
{
    for (uint32_t i = 0; i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        uint32_t count = f->array_len ? f->array_len : 1;
        for (uint32_t k = 0; k < count; k++) {
            unsigned char *at = p + f->offset + (size_t)k * f->size;
            if (f->type == SIGNET_TYPE_STR) {
                const char *s;
                memcpy(&s, at, sizeof s);
                if (!s)
                    continue;
                size_t n = strlen(s) + 1;
                memcpy(*tail, s, n);
                s = (const char *)*tail;
                memcpy(at, &s, sizeof s);
                *tail += n;
            } else if (f->type == SIGNET_TYPE_STRUCT) {
                copy_strings(f->struct_info, at, tail);
            }
        }
    }
}

size_t signet__payload_bytes(const signet_struct_info *si, const void *payload)
{
    return si ? si->size + strings_size(si, payload) : 0;
}

void signet__payload_copy(const signet_struct_info *si, void *dst, const void *payload)
{
    unsigned char *tail = (unsigned char *)dst + si->size;
    memcpy(dst, payload, si->size);
    copy_strings(si, dst, &tail);
}

static size_t payload_size(const struct sigstate *ss, const void *payload)
{
    const signet_struct_info *si = ss->info->payload;

    if (!si)
        return 0;
    return si->size + (ss->deep ? strings_size(si, payload) : 0);
}

/* ------------------------------------------------------------------------ */
/* Posting */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int refuse(signet_queue *q, struct sigstate *ss, int err)
{
    atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&ss->dropped, 1, memory_order_relaxed);
    return err;
}

/* Drops the oldest waiting message (drop_oldest). False when none waits
 * (every cell is being run by a consumer). */
static bool evict(signet_queue *q)
{
    size_t pos;
    struct cell *c = take(q, &pos);

    if (!c)
        return false;
    atomic_fetch_add_explicit(&c->m.ss->dropped, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&q->evicted, 1, memory_order_relaxed);
    give_back(q, c, pos);
    return true;
}

static struct cell *wait_for_room(signet_queue *q, const struct sigstate *ss, size_t *at,
                                  int *err);

/* Claims a cell when the queue is full, as the overflow policy says; a post
 * that waits for room is counted in signet_stats.blocked meanwhile. */
static struct cell *claim_full(signet_queue *q, const struct sigstate *ss, size_t *at,
                               int *err)
{
    const signet_signal_info *sig = ss->info;
    signet_overflow policy = sig->overflow != SIGNET_OVERFLOW_DEFAULT ? sig->overflow : q->overflow;

    if (policy == SIGNET_OVERFLOW_DROP_NEWEST) {
        *err = SIGNET_EFULL;
        return NULL;
    }
    atomic_fetch_add_explicit(&q->blocked, 1, memory_order_seq_cst);
    struct cell *c = wait_for_room(q, ss, at, err);
    atomic_fetch_sub_explicit(&q->blocked, 1, memory_order_seq_cst);
    return c;
}

/* claim_full() for block and drop_oldest. */
static struct cell *wait_for_room(signet_queue *q, const struct sigstate *ss, size_t *at,
                                  int *err)
{
    const signet_signal_info *sig = ss->info;
    signet_overflow policy = sig->overflow != SIGNET_OVERFLOW_DEFAULT ? sig->overflow : q->overflow;
    uint64_t deadline = UINT64_MAX;
    if (q->block_timeout_ms != SIGNET_WAIT_FOREVER)
        deadline = now_ns() + (uint64_t)q->block_timeout_ms * 1000000u;
    bool evicted_one = false;
    unsigned spins = 0;
    for (;;) {
        if (policy == SIGNET_OVERFLOW_DROP_OLDEST) {
            size_t w = waiting_count(q);
            /* Evict only while the ring is really full, one per look: when
             * the cell at the tail is still being run by a consumer,
             * evicting more would not free it, so the post waits for that
             * consumer instead. */
            if (w >= q->capacity) {
                if (evict(q))
                    spins = 0;
            } else if (sig->queue_len && w >= sig->queue_len) {
                /* The signal's own bound counts every signal's messages, so
                 * the oldest may be another signal's: evict one at most, and
                 * if that is not enough, refuse this post instead. */
                if (evicted_one) {
                    *err = SIGNET_EFULL;
                    return NULL;
                }
                evicted_one = evict(q);
            }
        }
        struct cell *c = claim(q, at, sig->queue_len);
        if (c)
            return c;
        if (atomic_load_explicit(&q->closed, memory_order_relaxed)) {
            *err = SIGNET_ECLOSED;
            return NULL;
        }
        /* drop_oldest waits only while the next cell is still being run. */
        if (spins > 128 && now_ns() >= deadline) {
            *err = SIGNET_ETIMEDOUT;
            return NULL;
        }
        signet__backoff(&spins, 50);
    }
}

/* Raises the high-water mark to the depth at the claim of pos (before pos
 * is published, so the head cannot have passed it). */
static void note_depth(signet_queue *q, size_t pos)
{
    size_t d = pos + 1 - atomic_load_explicit(&q->head, memory_order_relaxed);
    uint32_t depth = d > q->capacity ? q->capacity : (uint32_t)d;
    uint32_t hw = atomic_load_explicit(&q->high_water, memory_order_relaxed);

    while (depth > hw &&
           !atomic_compare_exchange_weak_explicit(&q->high_water, &hw, depth,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* Queues one message for q. *len is the payload's size, measured on first
 * use (SIZE_MAX: not yet). */
/* Inlined into its two call sites in signet__post_to(), which saves every
 * post a call and its register saves and restores. */
static inline __attribute__((always_inline)) int
enqueue(signet_queue *q, struct sigstate *ss, struct sigstate *rs, const void *sender,
        const void *payload, uint64_t order_end, bool direct, bool unchanged, size_t *len)
{
    if (__builtin_expect(atomic_load_explicit(&q->closed, memory_order_relaxed), 0))
        return refuse(q, ss, SIGNET_ECLOSED);
    if (*len == SIZE_MAX)
        *len = payload_size(ss, payload);
    if (*len > q->slot_size)
        return refuse(q, ss, SIGNET_ETOOBIG);

    size_t pos;
    struct cell *c = claim(q, &pos, ss->info->queue_len);
    if (__builtin_expect(c == NULL, 0)) {
        int err = 0;
        if (!(c = claim_full(q, ss, &pos, &err)))
            return refuse(q, ss, err);
    }
    c->m.ss = ss;
    c->m.rs = rs;
    c->m.sender = sender;
    c->m.order_end = order_end;
    c->m.len = (uint32_t)*len;
    c->m.direct = direct;
    c->m.unchanged = unchanged;
    if (*len) {
        const signet_struct_info *si = ss->info->payload;
        unsigned char *dst = payload_of(c);
        memcpy(dst, payload, si->size);
        if (ss->deep) {
            unsigned char *tail = dst + si->size;
            copy_strings(si, dst, &tail);
        }
    }
    note_depth(q, pos);
    atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
    if (atomic_load_explicit(&q->sleepers, memory_order_seq_cst) ||
        (atomic_load_explicit(&q->armed, memory_order_seq_cst) &&
         atomic_exchange_explicit(&q->armed, 0, memory_order_acq_rel)))
        fd_write(q);
    return 0;
}

/* Queues an emission: one message on the default queue when direct has a
 * live receiver for sender, and one for every other queue that queued has
 * a live receiver of sender bound to (inside a read section): none for a
 * receiver disconnected since the snapshot was read, or a run-once that has
 * run. direct and queued are rs's snapshots; ss is the emitted signal. */
int signet__post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs, const void *sender,
                    const void *payload, const struct snap *direct, const struct snap *queued,
                    bool unchanged)
{
    size_t len = SIZE_MAX;
    int count = 0, first_err = 0;
    bool on_default = false;
    const signet_recv *b, *e;

    if (direct) {
        signet__receivers(direct, sender, &b, &e);
        while (b != e && !__atomic_load_n(b->state_, __ATOMIC_ACQUIRE))
            b++; /* disconnected since the snapshot, or a run-once that has run */
        if (b != e) {
            int rc = enqueue(bus->queue, ss, rs, sender, payload, direct->order_end, true, unchanged,
                             &len);
            if (rc < 0)
                first_err = rc;
            else
                count++;
            on_default = true;
        }
    }
    if (queued) {
        signet__receivers(queued, sender, &b, &e);
        const struct qinfo *qi = queued->qi + (b - queued->recv);
        for (size_t i = 0, n = (size_t)(e - b); i < n; i++) {
            signet_queue *q = qi[i].queue;
            bool seen = on_default && q == bus->queue;
            for (size_t j = 0; j < i && !seen; j++)
                seen = qi[j].queue == q;
            if (seen)
                continue;
            /* A message only for a receiver of q still connected. */
            bool live = false;
            for (size_t j = i; j < n && !live; j++)
                live = qi[j].queue == q && __atomic_load_n(b[j].state_, __ATOMIC_ACQUIRE) != 0;
            if (!live)
                continue;
            int rc = enqueue(q, ss, rs, sender, payload, queued->order_end, false, unchanged, &len);
            if (rc < 0) {
                if (!first_err)
                    first_err = rc;
            } else {
                count++;
            }
        }
    }
    return first_err ? first_err : count;
}

/* Adds one post's result to the running count and first error. */
static void tally(int rc, int *count, int *first_err)
{
    if (rc < 0) {
        if (!*first_err)
            *first_err = rc;
    } else {
        *count += rc;
    }
}

int signet_post_patterns(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                         const void *payload, const uint32_t *ids, uint32_t n)
{
    if (!bus || !sig)
        return SIGNET_EINVAL;
    if (!sig->schema || sig->schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (!sig->invoke || (sig->payload && !payload) || (sig->flags & SIGNET_SIGNAL_PATTERN))
        return SIGNET_EINVAL;
    if (__builtin_expect(!signet__rcu_registered(), 0))
        signet__rcu_register();
    bool outermost = signet__rcu_lock();
    int count = 0, first_err = 0;
    struct sigstate *ss = signet__sigstate(bus, sig);
    bool unchanged = false;
    if (__builtin_expect((sig->flags & SIGNET_SIGNAL_RETAIN) != 0, 0))
        ss = signet__retain_post(bus, sig, payload, ss, &unchanged);
    if (ss) {
        tally(signet__post_to(bus, ss, ss, sender, payload,
                              atomic_load_explicit(&ss->snap, memory_order_seq_cst),
                              atomic_load_explicit(&ss->qsnap, memory_order_seq_cst), unchanged),
              &count, &first_err);
        /* Then the patterns, as a send runs them: the schema's, then the
         * run-time ones. */
        if (__builtin_expect(atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0,
                             0)) {
            struct sigstate *base = ss - sig->id;
            for (uint32_t i = 0; ids && i < n; i++) {
                if (ids[i] >= sig->schema->pattern_count)
                    continue;
                struct sigstate *ps = &base[sig->schema->signal_count + ids[i]];
                struct snap *d = atomic_load_explicit(&ps->snap, memory_order_seq_cst);
                struct snap *q = atomic_load_explicit(&ps->qsnap, memory_order_seq_cst);
                if (d || q)
                    tally(signet__post_to(bus, ss, ps, sender, payload, d, q, unchanged), &count,
                          &first_err);
            }
            tally(signet__rt_post(bus, ss, sender, payload, unchanged), &count, &first_err);
        }
    }
    signet__rcu_unlock(outermost);
    return first_err ? first_err : count;
}

int signet_post(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                const void *payload)
{
    return signet_post_patterns(bus, sig, sender, payload, NULL, 0);
}

int signet__enqueue_emission(signet_emission *em)
{
    signet_bus *bus = em->ev.bus;
    const signet_signal_info *sig = em->ev.signal;

    if (!sig->invoke)
        return 0; /* cannot happen: connect refuses queued receivers then */
    struct sigstate *ss = signet__sigstate(bus, sig);
    return signet__post_to(bus, ss, ss, em->ev.sender, em->ev.payload_, NULL, em->queued_,
                           signet__unchanged(em));
}

/* ------------------------------------------------------------------------ */
/* Dispatch */

/* r (of s) was connected after message m was queued, so it is not for m;
 * but it may be a twin that leaves out the same receiver connected the
 * other way (SIGNET_ANY or the sender) before m was queued: the receiver
 * then runs through that connection, at r's place, as it would have had r
 * not been connected. Returns that connection (its queue info in *at) or
 * NULL. */
static const signet_recv *older_twin(const struct snap *s, const struct msg *m,
                                     const signet_recv *r, const struct qinfo **at)
{
    const signet_recv *b, *e;
    const struct slot *rs = signet__slot_of(r);

    if (rs->flags & (SIGNET_ONCE | SIGNET_CHANGED))
        return NULL; /* nobody's twin (earlier_twin() in bus.c) */
    signet__hidden_twins(s, m->sender, &b, &e);
    for (; b != e; b++) {
        const struct qinfo *qi = s->qi + (b - s->recv);
        if (b->fn == r->fn && b->ctx == r->ctx && signet__slot_of(b)->sender != rs->sender &&
            qi->order < m->order_end) {
            *at = qi;
            return b;
        }
    }
    return NULL;
}

/* Runs the receivers of s the message is for; true when one returned
 * SIGNET_STOP. */
static bool run_list(signet_queue *q, signet_emission *em, const struct snap *s,
                     const struct msg *m, const void *payload, bool direct)
{
    const signet_recv *b, *e;

    if (!s)
        return false;
    signet__receivers(s, m->sender, &b, &e);
    const struct qinfo *qi = s->qi + (b - s->recv);
    signet_invoke_fn *invoke = m->rs->info->invoke;
    for (const signet_recv *r = b; r != e; r++, qi++) {
        const signet_recv *run = r;
        const struct qinfo *at = qi;
        if (qi->order >= m->order_end && !(run = older_twin(s, m, r, &at)))
            continue;
        if (!direct && at->queue != q)
            continue;
        if (!signet_emit_claim(em, run))
            continue;
        if (signet_emit_stop(em, invoke(run, &em->ev, payload)))
            return true;
    }
    return false;
}

static void run_message(signet_queue *q, struct cell *c)
{
    const struct msg *m = &c->m;
    struct sigstate *ss = m->ss, *rs = m->rs;
    const void *payload = ss->info->payload ? payload_of(c) : NULL;
    signet_emission em;

    if (__builtin_expect(!signet__rcu_registered(), 0))
        signet__rcu_register();
    em.outermost_ = signet__rcu_lock();
    em.ev.sender = m->sender;
    em.ev.signal = ss->info;
    em.ev.bus = q->bus;
    em.ev.conn = (signet_conn){0, 0};
    em.ev.pattern = rs != ss ? rs->info : NULL;
    em.ev.payload_ = payload;
    em.ev.seq_ = 0;
    em.ev.time_ns_ = 0;
    em.begin = em.end = NULL;
    em.queued_ = NULL;
    em.unchanged_ = m->unchanged;
    em.ev.previous_ = NULL; /* queued messages carry no previous value */
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
    signet__rcu_unlock(em.outermost_);
}

static bool dispatch_one(signet_queue *q)
{
    size_t pos;
    struct cell *c = take(q, &pos);

    if (!c)
        return false;
    run_message(q, c);
    give_back(q, c, pos);
    return true;
}

int signet_queue_dispatch(signet_queue *q, size_t max)
{
    if (!q)
        return SIGNET_EINVAL;
    if (max == 0)
        max = q->capacity;
    size_t n = 0;
    while (n < max && dispatch_one(q))
        n++;
    if (atomic_load_explicit(&q->fd_mode, memory_order_relaxed)) {
        if (waiting(q)) {
            fd_write(q); /* more to do: the loop comes back */
        } else {
            fd_drain(q);
            arm(q);
        }
    }
    return n > INT_MAX ? INT_MAX : (int)n;
}

int signet_bus_dispatch(signet_bus *bus, size_t max)
{
    return bus ? signet_queue_dispatch(bus->queue, max) : SIGNET_EINVAL;
}

int signet_queue_fd(signet_queue *q)
{
    if (!q)
        return SIGNET_EINVAL;
    if (!atomic_exchange_explicit(&q->fd_mode, true, memory_order_seq_cst)) {
        if (waiting(q))
            fd_write(q);
        else
            arm(q);
    }
    return q->rfd;
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
        if (waiting(q)) {
            sched_yield(); /* claimed, still being written */
            continue;
        }
        /* Counted, not a flag: with several runners, every post while any
         * of them sleeps wakes them, so one busy runner never holds up the
         * others. */
        atomic_fetch_add_explicit(&q->sleepers, 1, memory_order_seq_cst);
        if (waiting(q) || atomic_load_explicit(&q->stopped, memory_order_seq_cst)) {
            atomic_fetch_sub_explicit(&q->sleepers, 1, memory_order_relaxed);
            continue;
        }
        struct pollfd p = {q->rfd, POLLIN, 0};
        int rc = poll(&p, 1, -1);
        atomic_fetch_sub_explicit(&q->sleepers, 1, memory_order_relaxed);
        if (rc < 0 && errno != EINTR)
            return SIGNET_EINVAL;
        /* Stopping leaves the fd readable, so every runner wakes. */
        if (atomic_load_explicit(&q->stopped, memory_order_acquire))
            break;
        fd_drain(q);
    }
    return 0;
}

void signet_queue_stop(signet_queue *q)
{
    if (!q)
        return;
    atomic_store_explicit(&q->stopped, true, memory_order_seq_cst);
    fd_write(q);
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
    signet_queue *q;
    int err = signet__queue_new(bus, opts, &q);
    if (err)
        return err;
    *out = q;
    return 0;
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

    signet_queue *q = aligned_alloc(CACHE_LINE, align_up(sizeof *q, CACHE_LINE));
    if (!q)
        return SIGNET_ENOMEM;
    memset(q, 0, sizeof *q);
    q->bus = bus;
    q->capacity = cap;
    q->mask = cap - 1;
    q->slot_size = o.slot_size;
    q->overflow = o.overflow;
    q->block_timeout_ms = o.block_timeout_ms;
    q->stride = align_up(PAYLOAD_AT + o.slot_size, CACHE_LINE);
    q->cells = aligned_alloc(CACHE_LINE, q->stride * cap);
    if (!q->cells || fd_open(q) != 0) {
        free(q->cells);
        free(q);
        return SIGNET_ENOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        atomic_init(&cell_at(q, i)->seq, i);
    atomic_init(&q->tail, 0);
    atomic_init(&q->head, 0);
    atomic_init(&q->armed, 0);
    atomic_init(&q->sleepers, 0);
    atomic_init(&q->high_water, 0);
    atomic_init(&q->blocked, 0);
    atomic_init(&q->fd_mode, false);
    atomic_init(&q->closed, false);
    atomic_init(&q->stopped, false);
    atomic_init(&q->refused, 0);
    atomic_init(&q->evicted, 0);
    atomic_init(&q->discarded, 0);

    pthread_mutex_lock(&bus->lock);
    q->next = bus->queues;
    bus->queues = q;
    pthread_mutex_unlock(&bus->lock);
    *out = q;
    return 0;
}

signet_queue *signet__queue_next(const signet_queue *q)
{
    return q->next;
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

    for (struct cell *c; (c = take(q, &pos)) != NULL; n++)
        give_back(q, c, pos);
    atomic_fetch_add_explicit(&q->discarded, n, memory_order_relaxed);
    fd_close(q);
    free(q->cells);
    free(q);
    return n;
}

int signet_queue_destroy(signet_queue *q)
{
    if (!q || q == q->bus->queue)
        return SIGNET_EINVAL;
    if (signet__rcu_nested())
        return SIGNET_EBUSY;
    signet_bus *bus = q->bus;

    pthread_mutex_lock(&bus->lock);
    for (unsigned i = 0; i < q->nworkers; i++) {
        if (pthread_equal(q->workers[i], pthread_self())) {
            pthread_mutex_unlock(&bus->lock);
            return SIGNET_EBUSY;
        }
    }
    signet_queue **at = &bus->queues;
    while (*at && *at != q)
        at = &(*at)->next;
    bool listed = *at != NULL;
    if (listed)
        *at = q->next;
    pthread_mutex_unlock(&bus->lock);
    if (!listed)
        return SIGNET_EINVAL;

    /* Posts that hold q leave (blocked ones with SIGNET_ECLOSED), its
     * workers stop (what they already took, they deliver), its connections
     * go, and the grace period in unbind waits for every post and dispatch
     * that could still see them; what is left is discarded and counted. */
    signet__queue_close(q);
    signet__queue_join(q);
    signet__bus_unbind(bus, q);

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

/* ------------------------------------------------------------------------ */
/* Counters */

int signet_queue_stats(const signet_queue *q, signet_stats *out)
{
    if (!q || !out)
        return SIGNET_EINVAL;
    /* Evictions and discards are counted after the head moved past them,
     * so reading them first keeps head - evicted - discarded from wrapping. */
    uint64_t evicted = atomic_load_explicit(&q->evicted, memory_order_acquire);
    uint64_t discarded = atomic_load_explicit(&q->discarded, memory_order_acquire);
    size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
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
        .capacity = q->capacity,
        .queue_count = 1,
        .blocked = atomic_load_explicit(&q->blocked, memory_order_seq_cst),
    };
    return 0;
}

int signet_bus_stats(const signet_bus *bus, signet_stats *out)
{
    if (!bus || !out)
        return SIGNET_EINVAL;
    signet_bus *b = (signet_bus *)bus; /* the lock only */

    pthread_mutex_lock(&b->lock);
    *out = bus->gone;
    out->queue_count = 0;
    for (const signet_queue *q = bus->queues; q; q = q->next) {
        signet_stats st;
        (void)signet_queue_stats(q, &st);
        out->posted += st.posted;
        out->delivered += st.delivered;
        out->dropped += st.dropped;
        out->evicted += st.evicted;
        out->discarded += st.discarded;
        out->depth += st.depth;
        out->capacity += st.capacity;
        out->queue_count++;
        out->blocked += st.blocked;
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
    if (!signet__rcu_registered())
        signet__rcu_register();
    bool outermost = signet__rcu_lock();
    const struct sigstate *ss = signet__sigstate(bus, sig);
    uint64_t n = ss ? atomic_load_explicit(&ss->dropped, memory_order_relaxed) : 0;
    signet__rcu_unlock(outermost);
    return n;
}
