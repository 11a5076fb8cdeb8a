/* ring.h: the bounded ring a queue's messages wait in, and its wake-up fd
 * (internal).
 *
 * Vyukov's MPMC array queue: a power-of-two array of cells of one stride,
 * each starting with a sequence number that says whether it is free for the
 * producer of lap N (seq == pos) or full for its consumer (seq == pos + 1).
 * Producers claim a cell with one compare-and-swap on the tail and publish
 * it with one release store; consumers do the same on the head, and give
 * the cell back to the producers with another. What a cell carries after
 * its header is its owner's (cell.h). Producers read only the tail and
 * their cell (the head too when a post has a limit of its own), so they
 * share no cache line with the consumers but the cells; the high-water
 * mark is kept by the takes, which read the tail until the mark is the
 * capacity.
 *
 * Sleeping consumers set `armed` (a loop polling the fd) or count
 * themselves in `sleepers` (signet__ring_sleep), then look at the tail
 * again; a producer reads both after its compare-and-swap on the tail, all
 * sequentially consistent, so either the consumer sees the message or the
 * producer sees it sleeping and writes the fd; a woken sleeper whose drain
 * of the fd may have taken another sleeper's wake-up writes it again while
 * messages wait. Producers therefore make no system call while consumers
 * are awake. The fd is an eventfd on Linux, a
 * non-blocking pipe elsewhere or when built with SIGNET_NO_EVENTFD.
 * The fast paths are inline here; the rest is in ring.c, on POSIX.
 */
#ifndef SIGNET_RING_H
#define SIGNET_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGNET__CACHE_LINE 64

/* A cell's header; the owner's data follows it in the cell's stride. */
struct signet__cell {
    _Atomic size_t seq;
};

/* Invariant: head <= tail <= head + capacity; positions [head, tail) are
 * claimed, each published once its cell's seq says so. The two positions
 * and the sleep state live on cache lines of their own. */
struct signet__ring {
    unsigned char *cells;
    size_t mask;                /* capacity - 1 */
    size_t stride;              /* bytes per cell, a multiple of SIGNET__CACHE_LINE */
    uint32_t capacity;
    int rfd, wfd;               /* the same eventfd on Linux; a pipe's two ends elsewhere */

    _Alignas(SIGNET__CACHE_LINE) _Atomic size_t tail;   /* next position to claim */
    _Alignas(SIGNET__CACHE_LINE) _Atomic size_t head;   /* next position to take */
    _Atomic uint32_t high;      /* the most positions a take saw waiting (its own included) */
    _Alignas(SIGNET__CACHE_LINE) _Atomic uint32_t armed; /* the fd's consumer is about to sleep */
    _Atomic uint32_t sleepers;  /* signet__ring_sleep() callers asleep or about to be */
    _Atomic bool fd_mode;       /* signet__ring_fd() was called */
};

/* capacity: a power of two; stride: bytes per cell (header included), a
 * multiple of SIGNET__CACHE_LINE. Returns 0 or SIGNET_ENOMEM. */
int signet__ring_init(struct signet__ring *r, uint32_t capacity, size_t stride);
void signet__ring_destroy(struct signet__ring *r);

void signet__ring_wake(struct signet__ring *r);   /* makes the fd readable */

/* The fd for an event loop; from the first call on, dispatches keep it
 * readable exactly while messages wait (signet__ring_dispatched). */
int signet__ring_fd(struct signet__ring *r);
/* signet__ring_dispatched() once the fd is in use. */
void signet__ring_rearm(struct signet__ring *r);
/* Sleeps until a producer wakes the ring or *stop is set; returns at once
 * if a message waits. 0, or -1 when poll(2) failed. */
int signet__ring_sleep(struct signet__ring *r, _Atomic bool *stop);

static inline struct signet__cell *signet__ring_cell(const struct signet__ring *r, size_t pos)
{
    return (struct signet__cell *)(void *)(r->cells + (pos & r->mask) * r->stride);
}

/* True when a position was claimed and not yet taken (it may still be being
 * written). Sequentially consistent against the producers' claim. */
static inline bool signet__ring_waiting(const struct signet__ring *r)
{
    return atomic_load_explicit(&r->tail, memory_order_seq_cst) !=
           atomic_load_explicit(&r->head, memory_order_seq_cst);
}

/* Positions claimed and not yet taken (a snapshot; never above capacity). */
static inline size_t signet__ring_count(const struct signet__ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    return tail > head ? tail - head : 0;
}

/* Claims the next cell, or returns NULL when the ring is full, or holds
 * limit (when non-zero) claimed positions already. */
static inline struct signet__cell *signet__ring_claim(struct signet__ring *r, size_t *at,
                                                      uint32_t limit)
{
    size_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);

    for (;;) {
        struct signet__cell *c = signet__ring_cell(r, pos);
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            /* pos may be stale (taken and consumed since): then the signed
             * difference is negative and the CAS below fails and reloads.
             * Only a limit makes a producer read the consumers' line. */
            if (limit && (intptr_t)(pos - atomic_load_explicit(&r->head, memory_order_relaxed)) >=
                             (intptr_t)limit)
                return NULL;
            /* seq_cst: ordered before the producer's look at the sleepers. */
            if (atomic_compare_exchange_weak_explicit(&r->tail, &pos, pos + 1,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                *at = pos;
                return c;
            }
        } else if (dif < 0) {
            return NULL;
        } else {
            pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
        }
    }
}

/* Publishes the claimed cell c of position pos, and wakes a sleeping
 * consumer. */
static inline void signet__ring_publish(struct signet__ring *r, struct signet__cell *c,
                                        size_t pos)
{
    atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
    if (atomic_load_explicit(&r->sleepers, memory_order_seq_cst) ||
        (atomic_load_explicit(&r->armed, memory_order_seq_cst) &&
         atomic_exchange_explicit(&r->armed, 0, memory_order_acq_rel)))
        signet__ring_wake(r);
}

/* Raises the high-water mark, which was high when read, to depth. */
static inline void signet__ring_note(struct signet__ring *r, size_t depth, uint32_t high)
{
    while (depth > high &&
           !atomic_compare_exchange_weak_explicit(&r->high, &high, (uint32_t)depth,
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

/* Takes the oldest published cell, or returns NULL when there is none.
 * Counts the depth it saw in the high-water mark: it reads the tail before
 * it moves the head, so the count never exceeds a depth the ring really
 * had (the head was at most pos then). With one consumer the mark is
 * exact: the deepest moment is followed by a take, which sees at least
 * that depth, or by a look at the depth itself (signet_queue_stats); with
 * several, a take that read the tail early may miss a few messages. */
static inline struct signet__cell *signet__ring_take(struct signet__ring *r, size_t *at)
{
    size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);

    for (;;) {
        struct signet__cell *c = signet__ring_cell(r, pos);
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
        if (dif == 0) {
            /* The tail is at least pos + 1: the acquire of seq follows the
             * claim. A mark that is the capacity cannot rise: then the
             * tail, which the producers write, is not read. */
            uint32_t high = atomic_load_explicit(&r->high, memory_order_relaxed);
            size_t depth = high < r->capacity
                               ? atomic_load_explicit(&r->tail, memory_order_relaxed) - pos
                               : 0;
            if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *at = pos;
                if (depth > high)
                    signet__ring_note(r, depth, high);
                return c;
            }
        } else if (dif < 0) {
            return NULL;
        } else {
            pos = atomic_load_explicit(&r->head, memory_order_relaxed);
        }
    }
}

/* After a round of takes by a dispatcher: keeps the fd, once in use,
 * readable exactly while messages wait. */
static inline void signet__ring_dispatched(struct signet__ring *r)
{
    if (atomic_load_explicit(&r->fd_mode, memory_order_relaxed))
        signet__ring_rearm(r);
}

/* Gives a taken cell back to the producers of the next lap. */
static inline void signet__ring_give_back(struct signet__ring *r, struct signet__cell *c,
                                          size_t pos)
{
    atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
}

#endif /* SIGNET_RING_H */
