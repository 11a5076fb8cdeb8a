/* test_done.c: awaiting delivery. A post with a completion (the generated
 * <ns>_<signal>_post_done() of t.signet, fixture.h) calls it exactly once,
 * after the last receiver of every message the post made, with what they
 * returned, or with the reason one never will: refused by a full queue,
 * evicted, discarded with its queue, a receiver disconnected meanwhile.
 * The blocking <ns>_<signal>_call() runs the direct receivers, waits for
 * the queued ones on other threads, times out safely, and refuses inside a
 * receiver where it could wait for its own queue. */
#define _DEFAULT_SOURCE
#include "fixture.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

static int answer(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    (void)msg;
    return ctx ? *(const int *)ctx : 0;
}

static int answer_pong(void *ctx, const signet_event *ev, const t_pong *msg)
{
    (void)ev;
    (void)msg;
    return ctx ? *(const int *)ctx : 0;
}

static int answer_generic(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    return ctx ? *(const int *)ctx : 0;
}

static const int minus5 = -5, stop = SIGNET_STOP;

/* What a completion was told, and how often. */
struct told {
    int calls;
    signet_summary s;
    int status;
};

static void note_done(void *ctx, const signet_summary *s, int status)
{
    struct told *t = ctx;

    t->calls++;
    t->s = *s;
    t->status = status;
}

static signet_bus *new_bus(void)
{
    signet_bus *bus;
    CHECK_OK(signet_bus_create(NULL, &bus));
    return bus;
}

static signet_queue *new_queue(signet_bus *bus, uint32_t capacity, signet_overflow overflow)
{
    signet_queue *q;
    signet_queue_options opts = {.capacity = capacity, .overflow = overflow};
    CHECK_OK(signet_queue_create(bus, &opts, &q));
    return q;
}

static void done_runs_once_after_the_last_of_several_messages(void)
{
    signet_bus *bus = new_bus();
    signet_queue *a = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    signet_queue *b = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    signet_conn c1, c2, c3;
    struct told t = {0};

    /* A direct receiver (the default queue), one queued on a, and a
     * pattern subscriber queued on b: three messages. */
    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect_opts(bus, answer, (void *)&minus5, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = a}, &c2));
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "ping", answer_generic, (void *)&stop,
                                      SIGNET_ANY, &(signet_connect_opts){.queue = b}, &c3));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 3);
    CHECK_EQ(t.calls, 0);
    CHECK_EQ(signet_queue_dispatch(b, 0), 1);
    CHECK_EQ(t.calls, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(t.calls, 0);
    CHECK_EQ(signet_queue_dispatch(a, 0), 1);
    CHECK_EQ(t.calls, 1); /* after the last one, whichever queue it was on */
    CHECK_EQ(t.status, 0);
    CHECK_EQ(t.s.ran, 3);
    CHECK_EQ(t.s.queued, 3);
    CHECK_EQ(t.s.failed, 1);
    CHECK_EQ(t.s.first_error, -5);
    CHECK(t.s.stopped_by.index == c3.index && t.s.stopped_by.generation == c3.generation);
    CHECK(t.s.results == NULL && t.s.results_len == 0);
    /* A plain post of the same signal afterwards does not call it again. */
    CHECK_EQ(t_ping_post(bus, NULL, 2), 3);
    CHECK_EQ(signet_bus_dispatch(bus, 0) + signet_queue_dispatch(a, 0) +
                 signet_queue_dispatch(b, 0),
             3);
    CHECK_EQ(t.calls, 1);
    signet_bus_destroy(bus);
}

static void done_reports_the_message_a_full_queue_refused(void)
{
    signet_bus *bus = new_bus();
    signet_queue *full = new_queue(bus, 2, SIGNET_OVERFLOW_DROP_NEWEST);
    signet_conn c1, c2;
    struct told t = {0};

    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_pong_connect_opts(bus, answer_pong, NULL, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = full}, &c2));
    CHECK_OK(t_ping_connect_opts(bus, answer, (void *)&minus5, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = full}, &c2));
    CHECK_EQ(t_pong_post(bus, NULL, 1), 1);
    CHECK_EQ(t_pong_post(bus, NULL, 2), 1); /* full now */
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){3}, note_done, &t), 1);
    CHECK_EQ(t.calls, 0); /* one message still waits on the default queue */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, SIGNET_EFULL);
    CHECK_EQ(t.s.ran, 1);
    CHECK_EQ(t.s.queued, 1);
    signet_bus_destroy(bus);
}

static void done_of_a_post_refused_entirely_runs_with_the_refusal(void)
{
    signet_bus *bus = new_bus();
    signet_queue *full = new_queue(bus, 2, SIGNET_OVERFLOW_DROP_NEWEST);
    signet_conn c;
    struct told t = {0};

    CHECK_OK(t_ping_connect_opts(bus, answer, NULL, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = full}, &c));
    CHECK_EQ(t_ping_post(bus, NULL, 1), 1);
    CHECK_EQ(t_ping_post(bus, NULL, 2), 1);
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){3}, note_done, &t), SIGNET_EFULL);
    CHECK_EQ(t.calls, 1); /* before the post returned, on this thread */
    CHECK_EQ(t.status, SIGNET_EFULL);
    CHECK_EQ(t.s.ran, 0);
    CHECK_EQ(t.s.queued, 0);
    CHECK_EQ(signet_queue_dispatch(full, 0), 2);
    CHECK_EQ(t.calls, 1);
    signet_bus_destroy(bus);
}

static void done_reports_eviction_by_drop_oldest(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 2, SIGNET_OVERFLOW_DROP_OLDEST);
    signet_conn c;
    struct told t = {0};

    CHECK_OK(t_ping_connect_opts(bus, answer, NULL, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = q}, &c));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 1);
    CHECK_EQ(t_ping_post(bus, NULL, 2), 1);
    CHECK_EQ(t.calls, 0);
    CHECK_EQ(t_ping_post(bus, NULL, 3), 1); /* evicts the oldest: the one with the completion */
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, SIGNET_EEVICTED);
    CHECK_EQ(t.s.ran, 0);
    CHECK_EQ(t.s.queued, 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(t.calls, 1);
    signet_bus_destroy(bus);
}

static void done_reports_discard_at_queue_and_bus_destroy(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    signet_conn c;
    struct told t = {0}, u = {0};

    CHECK_OK(t_ping_connect_opts(bus, answer, NULL, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = q}, &c));
    CHECK_OK(t_pong_connect(bus, answer_pong, NULL, SIGNET_ANY, &c));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 1);
    CHECK_EQ(t_pong_post_done(bus, NULL, &(t_pong){2}, note_done, &u), 1);
    CHECK_EQ(signet_queue_destroy(q), 1);
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, SIGNET_EDISCARDED);
    CHECK_EQ(t.s.ran, 0);
    CHECK_EQ(u.calls, 0);
    CHECK_EQ(signet_bus_destroy(bus), 1); /* pong's message waits on the default queue */
    CHECK_EQ(u.calls, 1);
    CHECK_EQ(u.status, SIGNET_EDISCARDED);
}

static void done_reports_a_receiver_disconnected_before_dispatch(void)
{
    signet_bus *bus = new_bus();
    signet_conn c1, c2;
    struct told t = {0};

    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus5, SIGNET_ANY, &c2));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 1);
    CHECK_OK(signet_disconnect(bus, c2));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, SIGNET_ENOENT);
    CHECK_EQ(t.s.ran, 1);
    CHECK_EQ(t.s.failed, 0);
    signet_bus_destroy(bus);
}

static void done_blocked_and_stopped_receivers_are_not_failures(void)
{
    signet_bus *bus = new_bus();
    signet_conn c1, c2, c3;
    struct told t = {0};

    CHECK_OK(t_ping_connect(bus, answer, (void *)&stop, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c2)); /* after the stop */
    CHECK_OK(t_pong_connect(bus, answer_pong, NULL, SIGNET_ANY, &c3));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 1);
    CHECK_EQ(signet_block(bus, c1), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1); /* c1 blocked: c2 runs */
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, 0);
    CHECK_EQ(t.s.ran, 1);
    CHECK_EQ(signet_unblock(bus, c1), 0);
    t = (struct told){0};
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){2}, note_done, &t), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1); /* c1 stops: c2 does not run */
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, 0);
    CHECK_EQ(t.s.ran, 1);
    CHECK(t.s.stopped_by.index == c1.index);
    signet_bus_destroy(bus);
}

static void done_without_receivers_runs_at_once_and_bad_calls_never(void)
{
    signet_bus *bus = new_bus();
    struct told t = {0};

    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, note_done, &t), 0);
    CHECK_EQ(t.calls, 1);
    CHECK_EQ(t.status, 0);
    CHECK_EQ(t.s.ran, 0);
    t = (struct told){0};
    CHECK_EQ(t_bare_post_done(bus, NULL, note_done, &t), 0);
    CHECK_EQ(t.calls, 1);
    t = (struct told){0};
    CHECK_EQ(t_ping_post_done(NULL, NULL, &(t_ping){1}, note_done, &t), SIGNET_EINVAL);
    CHECK_EQ(t_ping_post_done(bus, NULL, NULL, note_done, &t), SIGNET_EINVAL);
    CHECK_EQ(t.calls, 0);
    signet_conn c;
    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c));
    CHECK_EQ(t_ping_post_done(bus, NULL, &(t_ping){1}, NULL, NULL), 1); /* a plain post */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    signet_bus_destroy(bus);
}

static void call_with_only_direct_receivers_returns_at_once(void)
{
    signet_bus *bus = new_bus();
    signet_conn c1, c2;
    signet_result res[4];
    signet_summary s = {.results = res, .results_cap = 4};

    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus5, SIGNET_ANY, &c2));
    CHECK_EQ(t_ping_call(bus, NULL, &(t_ping){1}, SIGNET_WAIT_FOREVER, &s), 2);
    CHECK_EQ(s.ran, 2);
    CHECK_EQ(s.failed, 1);
    CHECK_EQ(s.first_error, -5);
    CHECK_EQ(s.queued, 0);
    CHECK_EQ(s.results_len, 2);
    CHECK_EQ(res[1].rc, -5);
    CHECK_EQ(t_bare_call(bus, NULL, 0, &s), 0);
    CHECK_EQ(t_ping_call(bus, NULL, &(t_ping){1}, 0, NULL), SIGNET_EINVAL);
    CHECK_EQ(t_ping_call(NULL, NULL, &(t_ping){1}, 0, &s), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

/* A queued receiver on a worker thread, which waits while *hold is set. */
struct worker_rx {
    atomic_int ran;
    atomic_bool hold, running;
    pthread_t thread;
};

static int worker_answer(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct worker_rx *w = ctx;
    (void)ev;
    (void)msg;
    atomic_store(&w->running, true);
    while (atomic_load(&w->hold))
        sched_yield();
    w->thread = pthread_self();
    atomic_fetch_add(&w->ran, 1);
    return -7;
}

static void done_threads_call_across_a_worker_returns_after_the_receiver_ran(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    struct worker_rx w = {0};
    signet_conn c1, c2;
    signet_summary s = {0};

    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect_opts(bus, worker_answer, &w, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = q}, &c2));
    CHECK_OK(signet_queue_start(q, 1));
    for (int i = 0; i < 50; i++) {
        CHECK_EQ(t_ping_call(bus, NULL, &(t_ping){i}, SIGNET_WAIT_FOREVER, &s), 2);
        CHECK_EQ(atomic_load(&w.ran), i + 1); /* it ran before the call returned */
        CHECK_EQ(s.ran, 2);
        CHECK_EQ(s.queued, 1);
        CHECK_EQ(s.failed, 1);
        CHECK_EQ(s.first_error, -7);
    }
    CHECK(!pthread_equal(w.thread, pthread_self()));
    CHECK_EQ(signet_queue_destroy(q), 0);
    signet_bus_destroy(bus);
}

static void done_threads_call_timeout_then_late_completion_is_safe(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    struct worker_rx w = {0};
    signet_conn c1, c2;

    CHECK_OK(t_ping_connect(bus, answer, NULL, SIGNET_ANY, &c1));
    CHECK_OK(t_ping_connect_opts(bus, worker_answer, &w, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = q}, &c2));
    atomic_store(&w.hold, true);
    CHECK_OK(signet_queue_start(q, 1));
    {
        signet_summary s = {0};
        CHECK_EQ(t_ping_call(bus, NULL, &(t_ping){1}, 20, &s), SIGNET_ETIMEDOUT);
        CHECK_EQ(s.ran, 1); /* the direct receiver only, so far */
        CHECK_EQ(s.queued, 1);
        CHECK_EQ(atomic_load(&w.ran), 0);
    } /* the caller's summary is gone: the late message must not write to it */
    while (!atomic_load(&w.running))
        sched_yield();
    atomic_store(&w.hold, false);
    CHECK_EQ(signet_queue_destroy(q), 0); /* joins the worker, which finished the message */
    CHECK_EQ(atomic_load(&w.ran), 1);
    signet_bus_destroy(bus);
}

/* A receiver on queue q that calls pong, which has a receiver queued on q
 * too: waiting there would wait for itself. */
struct nested {
    signet_queue *q;
    int rc, direct_rc;
};

static int pong_rx(void *ctx, const signet_event *ev, const t_pong *msg)
{
    int *ran = ctx;
    (void)ev;
    (void)msg;
    ++*ran;
    return 0;
}

static int calls_pong(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct nested *n = ctx;
    signet_summary s = {0};
    (void)msg;
    n->rc = t_pong_call(ev->bus, NULL, &(t_pong){1}, SIGNET_WAIT_FOREVER, &s);
    n->direct_rc = t_bare_call(ev->bus, NULL, SIGNET_WAIT_FOREVER, &s);
    return 0;
}

static int bare_rx(void *ctx, const signet_event *ev)
{
    (void)ev;
    ++*(int *)ctx;
    return 0;
}

static void call_from_the_dispatching_thread_is_edeadlk(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    struct nested n = {.q = q};
    int pong_ran = 0, pong_queued_ran = 0, bare_ran = 0;
    signet_conn c;
    signet_connect_opts on_q = {.queue = q};

    CHECK_OK(t_ping_connect_opts(bus, calls_pong, &n, SIGNET_ANY, &on_q, &c));
    CHECK_OK(t_pong_connect(bus, pong_rx, &pong_ran, SIGNET_ANY, &c));
    CHECK_OK(t_pong_connect_opts(bus, pong_rx, &pong_queued_ran, SIGNET_ANY, &on_q, &c));
    CHECK_OK(t_bare_connect(bus, bare_rx, &bare_ran, SIGNET_ANY, &c));
    CHECK_EQ(t_ping_post(bus, NULL, 1), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK_EQ(n.rc, SIGNET_EDEADLK);
    CHECK_EQ(pong_ran, 0); /* refused before anything ran or was queued */
    CHECK_EQ(signet_queue_dispatch(q, 0), 0);
    CHECK_EQ(pong_queued_ran, 0);
    CHECK_EQ(n.direct_rc, 1); /* nothing to wait for: it runs */
    CHECK_EQ(bare_ran, 1);
    signet_bus_destroy(bus);
}

static void *dispatch_once(void *q)
{
    (void)signet_queue_dispatch(q, 0);
    return NULL;
}

/* Outside any receiver: the thread that last dispatched a queue (an event
 * loop's) is refused a call that would wait for that queue; once another
 * thread has dispatched it, the call queues and waits (here 0 ms). */
static void call_from_the_thread_that_dispatched_the_queue_is_edeadlk(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = new_queue(bus, 8, SIGNET_OVERFLOW_DEFAULT);
    int pong_ran = 0, pong_queued_ran = 0;
    signet_conn c;
    signet_connect_opts on_q = {.queue = q};
    signet_summary s = {0};
    pthread_t t;

    CHECK_OK(t_pong_connect(bus, pong_rx, &pong_ran, SIGNET_ANY, &c));
    CHECK_OK(t_pong_connect_opts(bus, pong_rx, &pong_queued_ran, SIGNET_ANY, &on_q, &c));
    CHECK_EQ(signet_queue_dispatch(q, 0), 0); /* this thread dispatches q */
    CHECK_EQ(t_pong_call(bus, NULL, &(t_pong){1}, SIGNET_WAIT_FOREVER, &s), SIGNET_EDEADLK);
    CHECK_EQ(pong_ran, 0); /* refused before anything ran or was queued */
    CHECK_EQ(signet_queue_dispatch(q, 0), 0);
    CHECK_EQ(pthread_create(&t, NULL, dispatch_once, q), 0);
    CHECK_EQ(pthread_join(t, NULL), 0);
    CHECK_EQ(t_pong_call(bus, NULL, &(t_pong){1}, 0, &s), SIGNET_ETIMEDOUT);
    CHECK_EQ(pong_ran, 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1); /* the late message runs safely */
    CHECK_EQ(pong_queued_ran, 1);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"done_runs_once_after_the_last_of_several_messages",
     done_runs_once_after_the_last_of_several_messages},
    {"done_reports_the_message_a_full_queue_refused",
     done_reports_the_message_a_full_queue_refused},
    {"done_of_a_post_refused_entirely_runs_with_the_refusal",
     done_of_a_post_refused_entirely_runs_with_the_refusal},
    {"done_reports_eviction_by_drop_oldest", done_reports_eviction_by_drop_oldest},
    {"done_reports_discard_at_queue_and_bus_destroy",
     done_reports_discard_at_queue_and_bus_destroy},
    {"done_reports_a_receiver_disconnected_before_dispatch",
     done_reports_a_receiver_disconnected_before_dispatch},
    {"done_blocked_and_stopped_receivers_are_not_failures",
     done_blocked_and_stopped_receivers_are_not_failures},
    {"done_without_receivers_runs_at_once_and_bad_calls_never",
     done_without_receivers_runs_at_once_and_bad_calls_never},
    {"call_with_only_direct_receivers_returns_at_once",
     call_with_only_direct_receivers_returns_at_once},
    {"done_threads_call_across_a_worker_returns_after_the_receiver_ran",
     done_threads_call_across_a_worker_returns_after_the_receiver_ran},
    {"done_threads_call_timeout_then_late_completion_is_safe",
     done_threads_call_timeout_then_late_completion_is_safe},
    {"call_from_the_dispatching_thread_is_edeadlk", call_from_the_dispatching_thread_is_edeadlk},
    {"done_threads_call_from_the_thread_that_dispatched_the_queue_is_edeadlk",
     call_from_the_thread_that_dispatched_the_queue_is_edeadlk},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
