/* done.c: completion records (done.h): the summary of what one post's
 * messages did, added up on whichever threads dispatch them, the first
 * reason one of them did not run, and, once the last is finished, the
 * post's completion called or its waiting caller woken (a mutex and a
 * condition variable on CLOCK_MONOTONIC, made only for a caller that
 * waits). Uses nothing of the runtime but signet.h.
 */
#include "done.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

static uint64_t pack(signet_conn c)
{
    return (uint64_t)c.index << 32 | c.generation;
}

static signet_conn unpack(uint64_t v)
{
    return (signet_conn){.index = (uint32_t)(v >> 32), .generation = (uint32_t)v};
}

/* The mutex and the CLOCK_MONOTONIC condition variable a waiter needs:
 * 0, or -1 with nothing left to destroy. */
static int wait_init(struct signet__done *d)
{
    pthread_condattr_t attr;
    int rc = -1;

    if (pthread_condattr_init(&attr) != 0)
        return -1;
    if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
        pthread_cond_init(&d->cond, &attr) == 0) {
        if (pthread_mutex_init(&d->lock, NULL) == 0)
            rc = 0;
        else
            pthread_cond_destroy(&d->cond);
    }
    pthread_condattr_destroy(&attr);
    return rc;
}

struct signet__done *signet__done_new(signet_done_fn *fn, void *ctx)
{
    struct signet__done *d = malloc(sizeof *d);

    if (!d)
        return NULL;
    atomic_init(&d->pending, 1);
    atomic_init(&d->holders, fn ? 1 : 2);
    atomic_init(&d->ran, 0);
    atomic_init(&d->failed, 0);
    atomic_init(&d->queued, 0);
    atomic_init(&d->first_error, 0);
    atomic_init(&d->status, 0);
    atomic_init(&d->stopped_by, 0);
    d->fn = fn;
    d->ctx = ctx;
    d->finished = false;
    if (!fn && wait_init(d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

static void first(_Atomic int *at, int v)
{
    int zero = 0;

    atomic_compare_exchange_strong_explicit(at, &zero, v, memory_order_relaxed,
                                            memory_order_relaxed);
}

void signet__done_fail(struct signet__done *d, int status)
{
    first(&d->status, status);
}

void signet__done_add(struct signet__done *d, const signet_summary *s)
{
    atomic_fetch_add_explicit(&d->ran, s->ran, memory_order_relaxed);
    atomic_fetch_add_explicit(&d->failed, s->failed, memory_order_relaxed);
    if (s->first_error)
        first(&d->first_error, s->first_error);
    if (s->stopped_by.index || s->stopped_by.generation) {
        uint64_t none = 0;
        atomic_compare_exchange_strong_explicit(&d->stopped_by, &none, pack(s->stopped_by),
                                                memory_order_relaxed, memory_order_relaxed);
    }
}

/* What the messages did so far, as a summary without results. */
static signet_summary summary_of(struct signet__done *d)
{
    return (signet_summary){
        .ran = atomic_load_explicit(&d->ran, memory_order_relaxed),
        .failed = atomic_load_explicit(&d->failed, memory_order_relaxed),
        .first_error = atomic_load_explicit(&d->first_error, memory_order_relaxed),
        .stopped_by = unpack(atomic_load_explicit(&d->stopped_by, memory_order_relaxed)),
        .queued = atomic_load_explicit(&d->queued, memory_order_relaxed),
    };
}

static void let_go(struct signet__done *d)
{
    if (atomic_fetch_sub_explicit(&d->holders, 1, memory_order_acq_rel) != 1)
        return;
    if (!d->fn) {
        pthread_cond_destroy(&d->cond);
        pthread_mutex_destroy(&d->lock);
    }
    free(d);
}

void signet__done_release(struct signet__done *d)
{
    /* acq_rel: the last release sees every message's counts. */
    if (atomic_fetch_sub_explicit(&d->pending, 1, memory_order_acq_rel) != 1)
        return;
    if (d->fn) {
        signet_summary s = summary_of(d);
        d->fn(d->ctx, &s, atomic_load_explicit(&d->status, memory_order_relaxed));
    } else {
        pthread_mutex_lock(&d->lock);
        d->finished = true;
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->lock);
    }
    let_go(d);
}

int signet__done_wait(struct signet__done *d, uint32_t timeout_ms, signet_summary *out)
{
    struct timespec until;
    int rc = 0;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->lock);
    while (!d->finished && rc != ETIMEDOUT)
        rc = timeout_ms == SIGNET_WAIT_FOREVER ? pthread_cond_wait(&d->cond, &d->lock)
                                               : pthread_cond_timedwait(&d->cond, &d->lock, &until);
    bool finished = d->finished;
    pthread_mutex_unlock(&d->lock);

    /* Late messages may still add to the record: this reads it once. */
    signet_summary s = summary_of(d);
    out->ran += s.ran;
    out->failed += s.failed;
    if (!out->first_error)
        out->first_error = s.first_error;
    if (!out->stopped_by.index && !out->stopped_by.generation)
        out->stopped_by = s.stopped_by;
    int status = finished ? atomic_load_explicit(&d->status, memory_order_relaxed)
                          : SIGNET_ETIMEDOUT;
    let_go(d);
    return status;
}
