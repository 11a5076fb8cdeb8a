/* done.h: a post's completion record (internal): what the messages of one
 * post (or of a signet_call_begin() emission) did, counted down as each
 * is dispatched, refused, evicted or discarded, and the callback or the
 * waiting caller told once the last one is. Implemented in done.c.
 *
 * pending counts the messages not finished yet, plus one held by the post
 * (or the call) while it is queueing them, so the record cannot finish
 * before every message is queued; holders counts who may still touch the
 * record (the messages' side, and a waiting caller), and the last one to
 * let go frees it. A message carries its record only when its cell's
 * SIGNET__MSG_DONE flag says so (cell.h), so plain posts pay nothing.
 */
#ifndef SIGNET_DONE_H
#define SIGNET_DONE_H

#include "signet.h"

#include <pthread.h>
#include <stdatomic.h>

struct signet__done {
    _Atomic uint32_t pending;     /* messages not finished, + 1 while queueing */
    _Atomic uint32_t holders;     /* 1; 2 while a caller waits (signet__done_wait) */
    _Atomic uint32_t ran, failed, queued;
    _Atomic int first_error;
    _Atomic int status;           /* the first reason a message did not run, or 0 */
    _Atomic uint64_t stopped_by;  /* the first SIGNET_STOP's connection, packed; 0: none */
    signet_done_fn *fn;           /* NULL: a caller waits */
    void *ctx;
    pthread_mutex_t lock;         /* with a waiter: guards finished */
    pthread_cond_t cond;
    bool finished;
};

/* A record for a post whose completion is fn(ctx, ...), or, with fn NULL,
 * for a caller that will wait on it. NULL when out of memory. */
struct signet__done *signet__done_new(signet_done_fn *fn, void *ctx);

/* One more message of the record was queued (before it is published). */
static inline void signet__done_hold(struct signet__done *d)
{
    atomic_fetch_add_explicit(&d->pending, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->queued, 1, memory_order_relaxed);
}

/* Notes why a message of the record did not (all) run: a SIGNET_E* code.
 * The first reason is kept. */
void signet__done_fail(struct signet__done *d, int status);

/* Adds what one dispatched message's receivers did (ran, failed,
 * first_error, stopped_by of s). */
void signet__done_add(struct signet__done *d, const signet_summary *s);

/* One message finished (or, once, the post stopped queueing): the last one
 * calls the completion, or wakes the waiting caller, on this thread. */
void signet__done_release(struct signet__done *d);

/* Waits, for a record made with fn NULL, until every message finished or
 * timeout_ms passed (SIGNET_WAIT_FOREVER: no limit), then adds what the
 * messages did so far to *out (not its queued count nor results) and lets
 * the record go. Returns the record's status (0 when every message ran),
 * or SIGNET_ETIMEDOUT. */
int signet__done_wait(struct signet__done *d, uint32_t timeout_ms, signet_summary *out);

#endif /* SIGNET_DONE_H */
