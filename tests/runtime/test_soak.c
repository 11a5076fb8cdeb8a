/* test_soak.c: every operation at once, from several threads, for a bounded
 * time, then exact accounting. Two senders, two posters and a connect /
 * disconnect thread run against queues of each overflow policy
 * (drop_newest drained by a pool of two workers, drop_oldest by one worker,
 * block with a deadline by a slow dispatching thread, and the default queue
 * by a dispatching thread); a receiver posts from inside a send. After
 * shutdown, for every queue:
 *     accepted + refused = posts attempted (the posters' own counts)
 *     accepted = delivered + evicted (drop_oldest) + discarded at shutdown
 * with delivered counted by the receivers themselves, and for the
 * synchronous signal, whose stable receivers never change while churned
 * ones come and go, the receivers' calls add up to what the sends returned.
 *
 * Bounded by time (SIGNET_SOAK_SECONDS, default 10) and by operation
 * counts, so it ends in CI on two busy cores and under ThreadSanitizer;
 * set SIGNET_SOAK_SECONDS=600 to soak for longer by hand. */
#define _POSIX_C_SOURCE 200809L
#include "fixture.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* namespace s; signal direct(i32 value); signal newest(i32 value);
 * signal oldest(i32 value); signal block(i32 value); signal dflt(i32 value);
 * Each queued signal's stable receiver is bound to its own queue, so every
 * send or post of it makes exactly one message there. */
extern const signet_schema_info s_schema;
enum { S_DIRECT, S_NEWEST, S_OLDEST, S_BLOCK, S_DEFAULT, S_COUNT };
#define S_SIGNAL(name, id)                                                                     \
    {name, id, name, &t_ping_info, &s_schema, t_ping_invoke, 0, SIGNET_OVERFLOW_DEFAULT, 0,    \
     NULL, 0, NULL, NULL}
static const signet_signal_info s_signals[S_COUNT] = {
    S_SIGNAL("direct", S_DIRECT), S_SIGNAL("newest", S_NEWEST), S_SIGNAL("oldest", S_OLDEST),
    S_SIGNAL("block", S_BLOCK),   S_SIGNAL("dflt", S_DEFAULT),
};
#undef S_SIGNAL
const signet_schema_info s_schema = {SIGNET_ABI, "s", "s.signet", S_COUNT,
                                     s_signals, 0, NULL, NULL, NULL, NULL};

enum {
    NQUEUED = 4,              /* newest, oldest, block, default: index = signal - S_NEWEST */
    NSTABLE = 3,              /* stable receivers of direct */
    NCHURN = 8,               /* contexts the churn thread connects */
    OPS_PER_SECOND = 300000,  /* per thread, whatever the time */
    POST_EVERY = 16           /* stable receiver 0 posts dflt on every 16th call */
};

static const char senders[4];

static signet_bus *bus;
static signet_queue *queues[NQUEUED]; /* [3] is the bus's default queue */
static atomic_bool stop;

/* What the threads counted. */
static atomic_long sends, sent_ran;           /* sends of direct, and what they returned */
static atomic_long send_errors;
static atomic_long stable_calls[NSTABLE];
static atomic_long churn_calls;               /* churned receivers of direct */
static atomic_long churn_queued_calls;        /* churned receivers bound to a queue */
static atomic_long attempts[NQUEUED], accepted[NQUEUED], refused[NQUEUED];
static atomic_long refused_other[NQUEUED];    /* refusals with an unexpected code */
static atomic_long delivered[NQUEUED];        /* the stable queued receivers' calls */
static atomic_long errors_returned, hook_calls;
static atomic_long bad_values;

static long max_ops; /* per thread: OPS_PER_SECOND times the duration */

static bool expired(const struct timespec *end, long ops)
{
    struct timespec now;
    if (ops >= max_ops || atomic_load(&stop))
        return true;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > end->tv_sec || (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec);
}

/* Counts one post or queueing send of a queued signal: each makes exactly
 * one message, accepted or refused. */
static void count_post(int sig, int rc)
{
    int i = sig - S_NEWEST;
    static const int expected_refusal[NQUEUED] = {SIGNET_EFULL, SIGNET_ETIMEDOUT,
                                                  SIGNET_ETIMEDOUT, SIGNET_EFULL};
    atomic_fetch_add(&attempts[i], 1);
    if (rc == 1 || (rc == 0 && sig != S_DEFAULT)) {
        /* post returns 1 message; a send of a signal with only queued
         * receivers returns 0 receivers run, the message queued */
        atomic_fetch_add(&accepted[i], 1);
    } else {
        atomic_fetch_add(&refused[i], 1);
        if (rc != expected_refusal[i])
            atomic_fetch_add(&refused_other[i], 1);
    }
}

static int post_value(int sig, int32_t v)
{
    const t_ping msg = {v};
    return signet_post(bus, &s_signals[sig], NULL, &msg);
}

/* Receivers */

static int stable_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    int i = (int)((const atomic_long *)ctx - stable_calls);
    (void)ev;
    if (msg->value < 0)
        atomic_fetch_add(&bad_values, 1);
    long n = atomic_fetch_add(&stable_calls[i], 1);
    if (i == 0 && n % POST_EVERY == 0)
        count_post(S_DEFAULT, post_value(S_DEFAULT, 1)); /* posting from inside a send */
    if (i == 2 && n % 97 == 0) {
        atomic_fetch_add(&errors_returned, 1);
        return -5;
    }
    return 0;
}

static int queued_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    atomic_long *count = ctx;
    (void)ev;
    if (msg->value < 0)
        atomic_fetch_add(&bad_values, 1);
    atomic_fetch_add(count, 1);
    return 0;
}

static int churn_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)msg;
    atomic_fetch_add(ev->signal->id == S_DIRECT ? &churn_calls : &churn_queued_calls, 1);
    return 0;
}

static void on_error(void *ctx, const signet_event *ev, int err)
{
    (void)ctx;
    (void)ev;
    if (err == -5)
        atomic_fetch_add(&hook_calls, 1);
}

/* Threads */

struct worker {
    pthread_t thread;
    struct timespec end;
    int id;
    long ops;
};

/* Sends direct from SIGNET_ANY and three senders, and the queued signals
 * newest and oldest (their receivers are queued: one message each). */
static void *sender_main(void *arg)
{
    struct worker *w = arg;
    for (long i = 0; !expired(&w->end, w->ops); i++, w->ops++) {
        const void *sender = i % 4 == 3 ? SIGNET_ANY : &senders[i % 4];
        if (i % 8 == 7) {
            int sig = i % 16 == 7 ? S_NEWEST : S_OLDEST;
            count_post(sig, t_emit(bus, &s_signals[sig], sender, (int32_t)(i & 0xffff)));
            continue;
        }
        int rc = t_emit(bus, &s_signals[S_DIRECT], sender, (int32_t)(i & 0xffff));
        atomic_fetch_add(&sends, 1);
        if (rc < 0)
            atomic_fetch_add(&send_errors, 1);
        else
            atomic_fetch_add(&sent_ran, rc);
    }
    return NULL;
}

/* Posts to every queue in turn. */
static void *poster_main(void *arg)
{
    struct worker *w = arg;
    static const int order[] = {S_NEWEST, S_OLDEST, S_BLOCK, S_DEFAULT, S_NEWEST, S_OLDEST};
    for (long i = 0; !expired(&w->end, w->ops); i++, w->ops++) {
        int sig = order[(i + w->id) % 6];
        count_post(sig, post_value(sig, (int32_t)(i & 0xffff)));
    }
    return NULL;
}

/* Connects and disconnects receivers of direct (for SIGNET_ANY or one
 * sender, some run-once, some with a priority above the stable ones) and
 * queued receivers of newest and oldest on their queues. */
static void *churn_main(void *arg)
{
    struct worker *w = arg;
    static char ctxs[NCHURN];
    signet_conn conns[NCHURN];
    bool live[NCHURN] = {false};
    for (long i = 0; !expired(&w->end, w->ops); i++, w->ops++) {
        int k = (int)(i % NCHURN);
        if (i % 64 == 63) {
            CHECK(signet_disconnect_ctx(bus, &ctxs[k]) >= 0);
            live[k] = false;
        } else if (live[k]) {
            int rc = signet_disconnect(bus, conns[k]);
            CHECK(rc == 0 || rc == SIGNET_ENOENT); /* ENOENT: a run-once that has run */
            live[k] = false;
        } else {
            int sig = k < 4 ? S_DIRECT : k < 6 ? S_NEWEST : S_OLDEST;
            signet_connect_opts opts = {
                .priority = (int32_t)(i % 3) - 1,
                .flags = i % 5 == 0 ? SIGNET_ONCE : 0,
                .queue = sig == S_DIRECT ? NULL : queues[sig - S_NEWEST],
            };
            const void *sender = i % 3 == 0 ? SIGNET_ANY : &senders[i % 4];
            int rc = signet_connect(bus, &s_signals[sig], (signet_fnptr *)churn_rx, &ctxs[k],
                                    sender, &opts, &conns[k]);
            CHECK_EQ(rc, 0);
            live[k] = rc == 0;
        }
    }
    return NULL;
}

/* Drains a queue by hand: the default one at full speed, the block one
 * slowly, so that its posters wait and some pass their deadline. */
struct drainer {
    pthread_t thread;
    signet_queue *q;
    long pause_ns;
};

static void *drain_main(void *arg)
{
    struct drainer *d = arg;
    while (!atomic_load(&stop)) {
        if (signet_queue_dispatch(d->q, 8) == 0 || d->pause_ns) {
            struct timespec ts = {0, d->pause_ns ? d->pause_ns : 100000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static double soak_seconds(void)
{
    const char *env = getenv("SIGNET_SOAK_SECONDS");
    double s = env ? atof(env) : 10.0;
    return s > 0 ? s : 10.0;
}

static void soak_mixed_operations_counters_add_up(void)
{
    signet_bus_options opts = {
        .on_error = on_error,
        .queue_capacity = 64,
        .overflow = SIGNET_OVERFLOW_DROP_NEWEST,
        .block_timeout_ms = 5,
    };
    CHECK_OK(signet_bus_create(&opts, &bus));
    static const signet_queue_options qopts[3] = {
        {.capacity = 16, .overflow = SIGNET_OVERFLOW_DROP_NEWEST},
        {.capacity = 16, .overflow = SIGNET_OVERFLOW_DROP_OLDEST},
        {.capacity = 8, .overflow = SIGNET_OVERFLOW_BLOCK, .block_timeout_ms = 2},
    };
    for (int i = 0; i < 3; i++)
        CHECK_OK(signet_queue_create(bus, &qopts[i], &queues[i]));
    queues[3] = signet_bus_queue(bus);

    signet_conn c;
    for (int i = 0; i < NSTABLE; i++)
        CHECK_OK(signet_connect(bus, &s_signals[S_DIRECT], (signet_fnptr *)stable_rx,
                                &stable_calls[i], SIGNET_ANY, NULL, &c));
    for (int i = 0; i < NQUEUED; i++) {
        /* The default queue's receiver is a direct one: posts queue it there. */
        signet_connect_opts on_q = {.queue = i < 3 ? queues[i] : NULL};
        CHECK_OK(signet_connect(bus, &s_signals[S_NEWEST + i], (signet_fnptr *)queued_rx,
                                &delivered[i], SIGNET_ANY, &on_q, &c));
    }
    CHECK_OK(signet_queue_start(queues[0], 2));
    CHECK_OK(signet_queue_start(queues[1], 1));
    struct drainer drainers[2] = {{.q = queues[2], .pause_ns = 200000}, {.q = queues[3]}};
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&drainers[i].thread, NULL, drain_main, &drainers[i]), 0);

    double secs = soak_seconds();
    max_ops = (long)(secs * OPS_PER_SECOND);
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += (time_t)secs;
    end.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
    if (end.tv_nsec >= 1000000000L) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000L;
    }
    enum { NTHREADS = 5 };
    struct worker w[NTHREADS];
    void *(*mains[NTHREADS])(void *) = {sender_main, sender_main, poster_main, poster_main,
                                        churn_main};
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (struct worker){.end = end, .id = i};
        CHECK_EQ(pthread_create(&w[i].thread, NULL, mains[i], &w[i]), 0);
    }
    long ops = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(w[i].thread, NULL);
        ops += w[i].ops;
    }

    /* Shutdown: the drainers stop and the workers are told to; a last burst
     * of posts overflows every queue, so that something is left to discard.
     * Then nothing posts any more, so each queue's posted, dropped and
     * evicted counts are final; destroying the queues joins the workers
     * and discards what is left. */
    atomic_store(&stop, true);
    for (int i = 0; i < 2; i++)
        pthread_join(drainers[i].thread, NULL);
    signet_queue_stop(queues[0]);
    signet_queue_stop(queues[1]);
    for (int i = 0; i < 80; i++)
        count_post(S_NEWEST + i % NQUEUED, post_value(S_NEWEST + i % NQUEUED, i));
    signet_stats st[NQUEUED];
    for (int i = 0; i < NQUEUED; i++)
        CHECK_OK(signet_queue_stats(queues[i], &st[i]));
    long discarded[NQUEUED];
    for (int i = 0; i < 3; i++)
        discarded[i] = signet_queue_destroy(queues[i]);
    signet_stats total;
    CHECK_OK(signet_bus_stats(bus, &total));
    uint64_t errors = signet_bus_error_count(bus);
    discarded[3] = signet_bus_destroy(bus);

    static const char *const names[NQUEUED] = {"drop_newest", "drop_oldest", "block",
                                               "default"};
    for (int i = 0; i < NQUEUED; i++) {
        long a = atomic_load(&attempts[i]), acc = atomic_load(&accepted[i]),
             ref = atomic_load(&refused[i]), del = atomic_load(&delivered[i]);
        long ev = (long)st[i].evicted;
        printf("%-11s attempted %ld = accepted %ld + refused %ld; accepted = delivered %ld + "
               "evicted %ld + discarded %ld\n",
               names[i], a, acc, ref, del, ev, discarded[i]);
        CHECK_EQ(acc + ref, a);
        CHECK_EQ(st[i].posted, acc);
        CHECK_EQ(st[i].dropped - st[i].evicted, ref);
        CHECK_EQ(acc, del + ev + discarded[i]);
        CHECK_EQ(atomic_load(&refused_other[i]), 0);
        if (i != 1)
            CHECK_EQ(ev, 0); /* only drop_oldest evicts */
        CHECK(acc > 0);
        CHECK(ref > 0 || i == 1); /* each policy had to act */
    }
    /* Nobody drained the block queue or the default one after the burst. */
    CHECK(discarded[2] > 0);
    CHECK(discarded[3] > 0);
    CHECK(st[1].evicted > 0);
    CHECK_EQ(total.posted + total.dropped - total.evicted,
             atomic_load(&attempts[0]) + atomic_load(&attempts[1]) +
                 atomic_load(&attempts[2]) + atomic_load(&attempts[3]));

    long n = atomic_load(&sends), stable_total = 0;
    for (int i = 0; i < NSTABLE; i++) {
        CHECK_EQ(atomic_load(&stable_calls[i]), n); /* every send ran each stable receiver */
        stable_total += atomic_load(&stable_calls[i]);
    }
    CHECK_EQ(atomic_load(&send_errors), 0);
    CHECK_EQ(atomic_load(&sent_ran), stable_total + atomic_load(&churn_calls));
    CHECK_EQ(atomic_load(&hook_calls), atomic_load(&errors_returned));
    CHECK_EQ(errors, (uint64_t)atomic_load(&errors_returned));
    CHECK_EQ(atomic_load(&bad_values), 0);
    printf("%.1f s, %ld operations: %ld sends (%ld receiver calls, %ld churned), %ld queued "
           "calls of churned receivers\n",
           secs, ops, n, atomic_load(&sent_ran), atomic_load(&churn_calls),
           atomic_load(&churn_queued_calls));
}

static const struct test_case cases[] = {
    {"soak_mixed_operations_counters_add_up", soak_mixed_operations_counters_add_up},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
