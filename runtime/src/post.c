/* post.c: the producers' side of queues: signet_post(),
 * signet_post_patterns(), generated posts' signet__post_plain(), the
 * queued part of a send and a queued connection's replay. A post claims a
 * cell of each queue that has a live receiver for it, copies the message
 * and its payload in (for a retained signal, the previous payload after
 * it), and publishes it; a full queue refuses, evicts its oldest message
 * or waits, as the overflow policy says (a replay's message never waits).
 * Uses ring.h for the cells, payload.c for the copies, state.h and
 * snapshot.h to find the receivers (head.h's fast lists for a generated
 * post in the common state), patterns.c for the patterns a post reaches,
 * retain.c for retained signals, watch.c on a watched bus and done.c for a
 * post with a completion, whose record each of its messages carries.
 */
#include "post.h"

#include "done.h"
#include "event.h"
#include "head.h"
#include "patterns.h"
#include "payload.h"
#include "cell.h"
#include "retain.h"
#include "state.h"
#include "watch.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What a fast path returns when the general one is to do the post: it
 * has claimed nothing yet. */
#define POST_SLOW INT_MIN

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static __attribute__((noinline, cold)) int refuse(signet_queue *q, struct sigstate *ss, int err)
{
    atomic_fetch_add_explicit(&q->refused, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&ss->dropped, 1, memory_order_relaxed);
    return err;
}

/* Drops the oldest waiting message (drop_oldest). False when none waits
 * (the cells of the full ring are being copied out by dispatchers). */
static bool evict(signet_queue *q)
{
    size_t pos;
    struct qcell *c = (struct qcell *)signet__ring_take(&q->ring, &pos);

    if (!c)
        return false;
    atomic_fetch_add_explicit(&c->m.ss->dropped, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&q->evicted, 1, memory_order_relaxed);
    signet__queue_drop_done(q, c, pos, SIGNET_EEVICTED);
    signet__ring_give_back(&q->ring, &c->cell, pos);
    return true;
}

/* Waits for a cell under block or drop_oldest. */
static struct signet__cell *wait_for_room(signet_queue *q, const struct sigstate *ss,
                                          signet_overflow policy, size_t *at, int *err)
{
    const signet_signal_info *sig = ss->info;
    uint64_t deadline = UINT64_MAX;
    if (q->block_timeout_ms != SIGNET_WAIT_FOREVER)
        deadline = now_ns() + (uint64_t)q->block_timeout_ms * 1000000u;
    bool evicted_one = false;
    unsigned spins = 0;
    for (;;) {
        if (policy == SIGNET_OVERFLOW_DROP_OLDEST) {
            size_t w = signet__ring_count(&q->ring);
            /* Evict only while the ring is really full, one per look: when
             * the cell at the tail is still being copied out by a
             * dispatcher (never for longer than that copy: receivers run
             * from the copy), evicting more would not free it. */
            if (w >= q->ring.capacity) {
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
        struct signet__cell *c = signet__ring_claim(&q->ring, at, sig->queue_len);
        if (c)
            return c;
        if (atomic_load_explicit(&q->closed, memory_order_relaxed)) {
            *err = SIGNET_ECLOSED;
            return NULL;
        }
        /* drop_oldest waits only while the next cell is being copied out. */
        if (spins > 128 && now_ns() >= deadline) {
            *err = SIGNET_ETIMEDOUT;
            return NULL;
        }
        signet__backoff(&spins, 50);
    }
}

/* Claims a cell when the queue is full, as the overflow policy says (a
 * post that waits for room is counted in signet_stats.blocked meanwhile),
 * or counts the refusal and returns NULL with *err set. */
static __attribute__((noinline, cold)) struct signet__cell *
claim_full(signet_queue *q, struct sigstate *ss, size_t *at, int *err)
{
    const signet_signal_info *sig = ss->info;
    signet_overflow policy = sig->overflow != SIGNET_OVERFLOW_DEFAULT ? sig->overflow : q->overflow;
    struct signet__cell *c = NULL;

    if (policy == SIGNET_OVERFLOW_DROP_NEWEST) {
        *err = SIGNET_EFULL;
    } else {
        atomic_fetch_add_explicit(&q->blocked, 1, memory_order_seq_cst);
        c = wait_for_room(q, ss, policy, at, err);
        atomic_fetch_sub_explicit(&q->blocked, 1, memory_order_seq_cst);
    }
    if (!c)
        *err = refuse(q, ss, *err);
    return c;
}

/* Measures the payload's size in a cell, strings included. */
static inline size_t payload_size(const struct sigstate *ss, const void *payload)
{
    const signet_struct_info *si = ss->info->payload;

    if (!si)
        return 0;
    return si->size +
           (__builtin_expect(ss->deep, 0) ? signet__payload_strings_bytes(si, payload) : 0);
}

/* Copies a payload struct of n bytes into a cell. Most are a few words:
 * two overlapping loads and stores each rather than a call to memcpy. */
static inline void copy_in(unsigned char *dst, const unsigned char *src, size_t n)
{
    if (n > 16) {
        memcpy(dst, src, n);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n) {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/* How many live receivers of list l a message is for: those bound to q,
 * or with q NULL every one (a direct list), connected before order
 * before (or in the place of one connected since, for its older twin):
 * 0 when a message for them would run nobody; for a post with a
 * completion, the count its record expects. */
static uint32_t live_for(const struct snap *l, const signet_queue *q, uint64_t before)
{
    const signet_recv *b, *e;
    const struct qinfo *qi;
    uint32_t n = 0;

    for (uint32_t i = 0; l && signet__run(l, i, &b, &e, &qi); i++) {
        for (; b != e; b++, qi++) {
            const struct qinfo *at = qi;
            const signet_recv *r = signet__runs_at(l, before, b, &at);
            if (r && (!q || signet__qinfo_queue(at) == q) &&
                (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) & SIGNET__LIVE_KIND))
                n++;
        }
    }
    return n;
}

/* The queue whose message for the connections of list l made before order
 * before runs entry b (queue info qi): b's own, or, when b was made since,
 * that of the older twin that runs in its place. */
static signet_queue *queue_at(const struct snap *l, uint64_t before, const signet_recv *b,
                              const struct qinfo *qi)
{
    (void)signet__runs_at(l, before, b, &qi);
    return signet__qinfo_queue(qi);
}

/* Where the previous payload goes after a payload of *len bytes in a cell
 * of q (signet__previous_at()), *len then counting it too; 0 when the two
 * together do not fit slot_size: the message carries no previous payload. */
static __attribute__((noinline, cold)) size_t previous_at(const signet_queue *q,
                                                          const struct sigstate *ss,
                                                          const void *previous, size_t *len)
{
    size_t at = (*len + 15) & ~(size_t)15;
    size_t end = at + signet__payload_bytes(ss->info->payload, previous);

    if (end > q->slot_size)
        return 0;
    *len = end;
    return at;
}

/* Copies into dst a payload with strings, or followed by the previous
 * payload at prev_at (0: none), deep. */
static __attribute__((noinline)) void copy_in_deep(unsigned char *dst, const struct sigstate *ss,
                                                   const void *payload, const void *previous,
                                                   size_t prev_at)
{
    const signet_struct_info *si = ss->info->payload;

    copy_in(dst, payload, si->size);
    if (ss->deep)
        signet__payload_copy_strings(si, dst);
    if (prev_at)
        signet__payload_copy(si, dst + prev_at, previous);
}

/* Writes the header of a message into its claimed cell (cell.h's struct
 * msg), a field at a time: the stores the compiler keeps cheapest. */
static inline __attribute__((always_inline)) void
put_header(struct msg *m, struct sigstate *ss, struct sigstate *rs, const void *sender,
           uint64_t order_end, size_t len, bool direct, uint8_t unchanged, uint8_t flags)
{
    m->ss = ss;
    m->rs = rs;
    m->sender = sender;
    m->order_end = order_end;
    m->len = (uint32_t)len;
    m->direct = direct;
    m->unchanged = unchanged;
    m->flags = flags;
}

/* Queues one message for q: sig's payload of len bytes in a cell (strings
 * included), from sender for the receivers of rs connected before
 * order_end, with what x adds (NULL: nothing; with x->done, a post with
 * a completion, the message carries it, and expect, the live receivers it
 * is for). Inlined where it is used, which saves every post a call and its
 * register saves and restores; what a full or closed queue needs is out
 * of line. */
static inline __attribute__((always_inline)) int
enqueue(signet_queue *q, struct sigstate *ss, struct sigstate *rs, const void *sender,
        const void *payload, size_t len, uint64_t order_end, bool direct,
        const struct signet__posting *x, uint32_t expect)
{
    if (__builtin_expect(atomic_load_explicit(&q->closed, memory_order_relaxed), 0))
        return refuse(q, ss, SIGNET_ECLOSED);
    if (__builtin_expect(len > q->slot_size, 0))
        return refuse(q, ss, SIGNET_ETOOBIG);
    struct signet__done *done = x ? x->done : NULL;
    if (__builtin_expect(done != NULL, 0) && signet__queue_done_slots(q) != 0)
        return refuse(q, ss, SIGNET_ENOMEM);
    size_t prev_at = 0;
    if (__builtin_expect(x != NULL && x->previous != NULL, 0))
        prev_at = previous_at(q, ss, x->previous, &len);

    size_t pos;
    struct signet__cell *cell = signet__ring_claim(&q->ring, &pos, ss->info->queue_len);
    if (__builtin_expect(cell == NULL, 0)) {
        int err = 0;
        if (x && x->replay)
            return refuse(q, ss, SIGNET_EFULL);
        if (!(cell = claim_full(q, ss, &pos, &err)))
            return err;
    }
    struct qcell *c = (struct qcell *)cell;
    bool deep = ss->deep;
    put_header(&c->m, ss, rs, sender, order_end, len, direct,
               (uint8_t)((x && x->unchanged ? SIGNET__UNCHANGED : 0) |
                         (prev_at ? SIGNET__PREVIOUS_AFTER : 0) |
                         (x && x->replay ? SIGNET__MSG_REPLAY : 0)),
               (uint8_t)((deep ? SIGNET__MSG_DEEP : 0u) | (done ? SIGNET__MSG_DONE : 0u)));
    if (__builtin_expect(done != NULL, 0)) {
        *signet__queue_done_slot(q, pos) = (struct done_slot){done, expect};
        signet__done_hold(done);
    }
    if (len) {
        unsigned char *dst = signet__payload_of(c);
        if (__builtin_expect(!deep && !prev_at, 1))
            copy_in(dst, payload, len);
        else
            copy_in_deep(dst, ss, payload, prev_at ? x->previous : NULL, prev_at);
    }
    signet__ring_publish(&q->ring, cell, pos);
    return 0;
}

/* A message of a post was refused with rc: its completion, if any, is
 * told. Returns rc. */
static inline int refused(struct signet__done *done, int rc)
{
    if (__builtin_expect(done != NULL, 0))
        signet__done_fail(done, rc);
    return rc;
}

/* Is an entry of list l before entry at run by q's message (queue_at())? */
static bool bound_before(const struct snap *l, const signet_queue *q, const signet_recv *at,
                         uint64_t before)
{
    const signet_recv *b, *e;
    const struct qinfo *qi;

    for (uint32_t i = 0; signet__run(l, i, &b, &e, &qi); i++)
        for (; b != e; b++, qi++) {
            if (b == at)
                return false;
            if (queue_at(l, before, b, qi) == q)
                return true;
        }
    return false;
}

/* signet__post_to() when the state has queued connections: l is direct's
 * list for sender when it has a live receiver (NULL: none), ql the queued
 * connections' list for it.
 * One message on the default queue when l has a live receiver, and one for
 * every other queue that the queued list has a live receiver bound to
 * (the default queue's message runs its queued connections too); with x,
 * only receivers connected before x->before count. */
static __attribute__((noinline)) int post_queued(signet_bus *bus, struct sigstate *ss,
                                                 struct sigstate *rs, const void *sender,
                                                 const void *payload, const struct snap *l,
                                                 const struct snap *ql,
                                                 const struct signet__posting *x)
{
    size_t len = SIZE_MAX;
    int count = 0, first_err = 0;
    bool on_default = false;
    uint64_t before = x ? x->before : UINT64_MAX;
    struct signet__done *done = x ? x->done : NULL;

    if (l) {
        /* The message also runs the queued connections bound to the
         * default queue, whose list may have been rebuilt (for this sender
         * only) after the direct one: it is for every connection of both. */
        uint64_t end = l->order_end > ql->order_end ? l->order_end : ql->order_end;
        len = payload_size(ss, payload);
        int rc = enqueue(bus->queue, ss, rs, sender, payload, len, end, true, x,
                         done ? live_for(l, NULL, UINT64_MAX) + live_for(ql, bus->queue, before)
                              : 0);
        if (rc < 0)
            first_err = refused(done, rc);
        else
            count++;
        on_default = true;
    }
    const signet_recv *b, *e;
    const struct qinfo *qi;
    for (uint32_t i = 0; signet__run(ql, i, &b, &e, &qi); i++) {
        for (; b != e; b++, qi++) {
            signet_queue *q = queue_at(ql, before, b, qi);
            /* One message per queue, at its first entry; a message only
             * for a receiver of q connected before `before` and still
             * connected. */
            if ((on_default && q == bus->queue) || bound_before(ql, q, b, before))
                continue;
            uint32_t live = live_for(ql, q, before);
            if (live == 0)
                continue;
            if (len == SIZE_MAX)
                len = payload_size(ss, payload);
            int rc = enqueue(q, ss, rs, sender, payload, len,
                             ql->order_end < before ? ql->order_end : before, false, x, live);
            if (rc < 0) {
                if (!first_err)
                    first_err = rc;
                refused(done, rc);
            } else {
                count++;
            }
        }
    }
    return count ? count : first_err;
}

/* post_queued() for a plain post (nothing beyond the payload) of a
 * sender with no live direct receiver, whose queued list's bucket k is
 * that of a sender that has one queued receiver, bound to the bus's queue:
 * one message from the bucket's copy, for that receiver (connections made
 * since the copy's are not in that list either); POST_SLOW when k has no
 * copy to read. */
static int post_one_queued(signet_bus *bus, struct sigstate *ss, struct sigstate *rs,
                           const void *sender, const void *payload, const struct bucket *k)
{
    signet_recv one;
    uint64_t order;

    if (!k || !signet__bucket_one(k, &one, &order, NULL))
        return POST_SLOW;
    if (!(__atomic_load_n(one.state_, __ATOMIC_ACQUIRE) & SIGNET__LIVE_KIND))
        return 0;
    int rc = enqueue(bus->queue, ss, rs, sender, payload, payload_size(ss, payload), order + 1,
                     false, NULL, 0);
    return rc < 0 ? rc : 1;
}

/* signet__post_to(), inline in signet_post(). Most states have no queued
 * connections: their post is one message, on the default queue. */
static inline __attribute__((always_inline)) int
post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs, const void *sender,
        const void *payload, const struct snap *direct, const struct snap *queued,
        const struct signet__posting *x)
{
    const struct snap *l = direct ? signet__list(direct, sender) : NULL;

    if (__builtin_expect(queued != NULL, 0)) {
        const struct bucket *k = signet__bucket(queued, sender);
        if (l && !signet__list_live(l))
            l = NULL;
        if (!x && !l) {
            int rc = post_one_queued(bus, ss, rs, sender, payload, k);
            if (rc != POST_SLOW)
                return rc;
        }
        return post_queued(bus, ss, rs, sender, payload, l, signet__list_at(queued, k), x);
    }
    if (!l || !signet__list_live(l))
        return 0;
    struct signet__done *done = x ? x->done : NULL;
    int rc = enqueue(bus->queue, ss, rs, sender, payload, payload_size(ss, payload), l->order_end,
                     true, x, done ? live_for(l, NULL, UINT64_MAX) : 0);
    return rc < 0 ? refused(done, rc) : 1;
}

/* One message on the default queue when direct has a live receiver for
 * sender, and one for every other queue that queued has a live receiver of
 * sender bound to: none for a receiver disconnected since the snapshot was
 * read, or a run-once that has run. Returns how many were queued when one
 * was (the refused ones are counted as dropped), else the first error or
 * 0 (signet_post()). */
int signet__post_to(signet_bus *bus, struct sigstate *ss, struct sigstate *rs, const void *sender,
                    const void *payload, const struct snap *direct, const struct snap *queued,
                    const struct signet__posting *x)
{
    return post_to(bus, ss, rs, sender, payload, direct, queued, x);
}

size_t signet__post_replay(signet_queue *q, struct sigstate *rs, uint64_t order,
                           const struct signet__replay *r)
{
    const struct signet__posting x = {NULL, UINT64_MAX, false, true, NULL};
    size_t refused = 0;

    for (size_t i = 0; i < r->n; i++) {
        const struct signet__replayed *v = &r->v[i];
        refused += enqueue(q, v->ss, rs, v->sender, v->payload, payload_size(v->ss, v->payload),
                           order + 1, false, &x, 0) < 0;
    }
    return refused;
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

/* The checks of every post: 0, SIGNET_EINVAL or SIGNET_EABI. */
static int check_post(const signet_bus *bus, const signet_signal_info *sig, const void *payload)
{
    if (!bus || !sig)
        return SIGNET_EINVAL;
    if (!sig->schema || sig->schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (!sig->invoke || (!payload && sig->payload) || (sig->flags & SIGNET_SIGNAL_PATTERN))
        return SIGNET_EINVAL;
    return 0;
}

/* signet_post_patterns() once checked; every message carries done (when
 * not NULL). */
static int post_all(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                    const void *payload, const uint32_t *ids, uint32_t n,
                    struct signet__done *done)
{
    bool outermost = signet__rcu_enter();
    int count = 0, first_err = 0;
    struct sigstate *ss = signet__sigstate(bus, sig);
    struct signet__posting x = {NULL, UINT64_MAX, false, false, done};
    uint32_t watch = signet__watching(bus);
    if (__builtin_expect(watch != 0, 0))
        signet__watch_post(bus, sig, sender, payload);
    if (__builtin_expect((sig->flags & SIGNET_SIGNAL_RETAIN) != 0, 0))
        ss = signet__retain_post(bus, sig, sender, payload, ss, &x.unchanged, &x.previous);
    if (ss) {
        tally(post_to(bus, ss, ss, sender, payload,
                      atomic_load_explicit(&ss->snap, memory_order_seq_cst),
                      atomic_load_explicit(&ss->qsnap, memory_order_seq_cst), &x),
              &count, &first_err);
        /* Then the patterns, as a send runs them. */
        if (__builtin_expect(atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0,
                             0)) {
            struct signet__pattern_iter it;
            signet__patterns_begin(&it, ss, ids, n, payload, false);
            for (struct sigstate *ps; (ps = signet__patterns_next(&it)) != NULL;)
                tally(signet__post_to(bus, ss, ps, sender, payload,
                                      atomic_load_explicit(&ps->snap, memory_order_seq_cst),
                                      atomic_load_explicit(&ps->qsnap, memory_order_seq_cst),
                                      &x),
                      &count, &first_err);
        }
    }
    free((void *)x.previous);
    if (__builtin_expect(watch != 0, 0))
        signet__count(bus, ss, SIGNET__POSTED, (uint64_t)count);
    signet__rcu_unlock(outermost);
    return count ? count : first_err;
}

int signet_post_patterns(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                         const void *payload, const uint32_t *ids, uint32_t n)
{
    int rc = check_post(bus, sig, payload);

    return rc < 0 ? rc : post_all(bus, sig, sender, payload, ids, n, NULL);
}

int signet_post_done(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                     const void *payload, const uint32_t *ids, uint32_t n, signet_done_fn *done,
                     void *ctx)
{
    int rc = check_post(bus, sig, payload);

    if (rc < 0 || !done)
        return rc < 0 ? rc : post_all(bus, sig, sender, payload, ids, n, NULL);
    struct signet__done *d = signet__done_new(done, ctx);
    if (!d)
        return SIGNET_ENOMEM;
    rc = post_all(bus, sig, sender, payload, ids, n, d);
    signet__done_release(d); /* the post's own hold: done runs now if nothing waits */
    return rc;
}

/* The common case inline: a valid call for a signal that is not retained
 * and has no pattern subscriber, on a bus nobody watches; anything else is
 * signet_post_patterns(). */
int signet_post(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                const void *payload)
{
    if (__builtin_expect(!bus || !sig || !sig->schema || sig->schema->abi != SIGNET_ABI ||
                             !sig->invoke || (!payload && sig->payload) ||
                             (sig->flags & (SIGNET_SIGNAL_PATTERN | SIGNET_SIGNAL_RETAIN)) ||
                             signet__watching(bus),
                         0))
        return signet_post_patterns(bus, sig, sender, payload, NULL, 0);
    bool outermost = signet__rcu_enter();
    int rc = 0;
    struct sigstate *ss = signet__sigstate(bus, sig);
    if (ss) {
        if (__builtin_expect(atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) == 0,
                             1))
            rc = post_to(bus, ss, ss, sender, payload,
                         atomic_load_explicit(&ss->snap, memory_order_seq_cst),
                         atomic_load_explicit(&ss->qsnap, memory_order_seq_cst), NULL);
        else
            rc = signet_post_patterns(bus, sig, sender, payload, NULL, 0);
    }
    signet__rcu_unlock(outermost);
    return rc;
}

/* Copies a payload of more than 16 bytes into claimed cell c of position
 * pos, and publishes it: out of line, so that post_common() keeps no value
 * across a call. */
static __attribute__((noinline)) void publish_copy(signet_queue *q, struct qcell *c, size_t pos,
                                                   const void *payload, size_t size)
{
    memcpy(signet__payload_of(c), payload, size);
    signet__ring_publish(&q->ring, &c->cell, pos);
}

/* signet__post_plain() in the common state: f is the signal's fast list
 * (head.h), whose snapshot's receivers are those of every emission of the
 * signal or of this anonymous one. One message on the default queue when
 * one of them is still live, with the header enqueue() would write;
 * POST_SLOW, before anything was claimed, for whatever is not the plain
 * case (strings to copy, a full, closed or too small queue), so that no
 * value has to live across a call. */
static inline __attribute__((always_inline)) int post_common(signet_bus *bus,
                                                             const signet__fast *f,
                                                             const void *sender,
                                                             const void *payload, size_t size)
{
    const struct snap *s = f->snap_;
    struct sigstate *ss = signet__fastrec_of(f)->ss;
    signet_queue *q = bus->queue;
    const signet_recv *r = f->begin;

    /* signet__list_live(s) from the bounds in hand: a table's receivers
     * are one run (none when every receiver is for one sender). */
    for (;; r++) {
        if (r == f->end)
            return 0;
        if (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0)
            break;
    }
    if (__builtin_expect(ss->deep || size > q->slot_size ||
                             atomic_load_explicit(&q->closed, memory_order_relaxed),
                         0))
        return POST_SLOW;
    size_t pos;
    struct signet__cell *cell = signet__ring_claim(&q->ring, &pos, ss->info->queue_len);
    if (__builtin_expect(cell == NULL, 0))
        return POST_SLOW;
    struct qcell *c = (struct qcell *)cell;
    put_header(&c->m, ss, ss, sender, s->order_end, size, true, 0, 0);
    if (__builtin_expect(size > 16, 0)) {
        publish_copy(q, c, pos, payload, size);
    } else {
        copy_in(signet__payload_of(c), payload, size);
        signet__ring_publish(&q->ring, cell, pos);
    }
    return 1;
}

/* The common state is the one of a generated send's inline path
 * (signet.h): direct receivers only, nothing queued, no pattern
 * subscriber, not `retain`, on a bus nobody watches; its fast list is
 * read, like a snapshot, inside a read section. A post from inside one (a
 * receiver's) or from a thread not yet registered is signet_post()'s. */
int signet__post_plain(signet_bus *bus, const signet_signal_info *sig, uint32_t word,
                       const void *sender, const void *payload, size_t size)
{
    if (__builtin_expect(__atomic_load_n(&signet__tls_reader.ctr, __ATOMIC_RELAXED) != 0, 0))
        return signet_post(bus, sig, sender, payload);
    signet__rcu_enter_outermost();
    const signet__fast *f = __atomic_load_n(&bus->head.fast_[word], __ATOMIC_SEQ_CST);
    int rc = POST_SLOW;
    if (__builtin_expect(f->key == (uintptr_t)sig, 1) ||
        (f->key == ((uintptr_t)sig | 1u) && sender == NULL))
        rc = post_common(bus, f, sender, payload, size);
    signet__rcu_leave_outermost();
    return rc != POST_SLOW ? rc : signet_post(bus, sig, sender, payload);
}

int signet__post_emission(signet_emission *em)
{
    signet_bus *bus = em->ev.bus;
    const signet_signal_info *sig = em->ev.signal;

    if (!sig->invoke)
        return 0; /* cannot happen: connect refuses queued receivers then */
    struct sigstate *ss = signet__sigstate(bus, sig);
    /* em->queued_ is the sender's list as begin found it: connections made
     * during the emission are not in it. */
    struct signet__posting x = signet__posting_of(em, UINT64_MAX);
    return post_queued(bus, ss, ss, em->ev.sender, em->ev.payload_, NULL, em->queued_, &x);
}
