/* bench_queue.c: queued delivery, signet against its peers.
 *
 * Three shapes, each with every queue side by side, interleaved round after
 * round so machine noise hits them alike; the table gives the median and
 * min-max over the rounds:
 *   same_thread   post one message, dispatch it, on one thread (ns per pair)
 *   1to1          one producer thread, one consumer thread (msgs/s)
 *   2to1          two producer threads, one consumer thread (msgs/s)
 * and, for signet alone, call: a blocking bench_tick_call() from this
 * thread to a receiver on a queue's worker thread and back (ns per call).
 * Queues: signet (generated bench_tick_post + signet_bus_dispatch, a bus
 * whose default queue holds 4096 messages), signet_done (the same with
 * bench_tick_post_done: a completion per post), a mutex-protected ring of the
 * same capacity, and, each when its package was found at build time
 * (queue_peer.h): GLib's GAsyncQueue, Concurrency Kit's ck_ring (SPSC and
 * MPMC), boost::lockfree::spsc_queue and boost::lockfree::queue,
 * moodycamel::ConcurrentQueue, liburcu's wfcqueue and Qt's queued
 * connection (queue_peer_qt.cpp: its consumer is an event loop, on this
 * thread in same_thread and in a QThread of its own in the threaded
 * shapes, where this thread waits for it). Single-producer
 * queues (ck_ring SPSC, boost spsc_queue) are measured in same_thread and
 * 1to1 only. Every queue copies the same 64-bit payload in and calls the
 * same out-of-line receiver (queue_rx) for each message it takes out.
 * A full queue makes the producer yield and retry; an empty one makes the
 * consumer yield. Heap allocations of the statically linked code are
 * counted by alloc_count.c and reported per message (the C++ peers' too:
 * queue_peer_new.cpp routes operator new to the counted malloc, Qt's
 * inside its library too, since the replacement holds for the whole
 * program); GLib allocates inside its shared library, uncounted, so
 * GAsyncQueue reports none.
 *
 *   bench_queue                 the table (5 rounds after a warm-up)
 *   bench_queue --rounds R      R rounds
 *   bench_queue --tsv           the rows for scripts/bench, as bench_emit's
 *                               (ratios against the mutex+ring)
 *   bench_queue --run CASE N    N same-thread post+dispatch pairs of CASE
 *                               only (for callgrind, as bench_emit's)
 *   bench_queue --list          those cases, with the N callgrind uses
 */
#define _GNU_SOURCE
#include "alloc_count.h"
#include "bench.signet.h"
#include "harness.h"
#include "queue_peer.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SIGNET_BENCH_GLIB
#include <glib.h>
#endif

enum { CAPACITY = 4096, SAME_N = 2000000, THREAD_N = 2000000, CALL_N = 20000 };

/* ------------------------------------------------------------------------ */
/* The queues under test, behind one interface */

/* Allocations per message of q since a0 = alloc_count(), or -1 for a
 * queue whose allocations happen where they are not counted. */
static double allocs_per(const struct queue_ops *q, long a0, long messages)
{
    if (!q->counted)
        return -1;
    return (double)(alloc_count() - a0) / (double)messages;
}

/* signet */
static signet_bus *bus;

static int on_tick(void *ctx, const signet_event *ev, const bench_tick *msg)
{
    (void)ctx;
    (void)ev;
    queue_rx(msg->x);
    return 0;
}

static void signet_setup(void)
{
    signet_bus_options opts = {.queue_capacity = CAPACITY,
                               .slot_size = 16,
                               .overflow = SIGNET_OVERFLOW_DROP_NEWEST};
    signet_conn c;
    if (signet_bus_create(&opts, &bus) != 0 ||
        bench_tick_connect(bus, on_tick, NULL, SIGNET_ANY, &c) != 0) {
        fprintf(stderr, "bench_queue: cannot set up the bus\n");
        exit(1);
    }
}

static void signet_teardown(void)
{
    signet_bus_destroy(bus);
}

static bool signet_push(int64_t v)
{
    return bench_tick_post(bus, NULL, v) == 1;
}

static bool signet_pop(void)
{
    return signet_bus_dispatch(bus, 1) == 1;
}

/* signet with a completion per post (bench_tick_post_done): the same bus,
 * each message counted done by the thread that ran it. */
static atomic_long done_count;

static void on_done(void *ctx, const signet_summary *s, int status)
{
    (void)ctx;
    (void)s;
    (void)status;
    atomic_fetch_add_explicit(&done_count, 1, memory_order_relaxed);
}

static bool signet_done_push(int64_t v)
{
    return bench_tick_post_done(bus, NULL, &(bench_tick){v}, on_done, NULL) == 1;
}

/* A blocking call across threads: bench_tick_call() from this thread to a
 * receiver queued on a queue whose one worker thread dispatches it, then
 * this thread woken. ns per call. */
static double call_round_trip(long n)
{
    signet_queue *q;
    signet_conn c;
    signet_summary s;

    signet_setup();
    if (signet_queue_create(bus, NULL, &q) != 0 ||
        bench_tick_connect_opts(bus, on_tick, &c, SIGNET_ANY, /* a ctx of its own: not a duplicate */
                                &(signet_connect_opts){.queue = q}, &c) != 0 ||
        signet_queue_start(q, 1) != 0) {
        fprintf(stderr, "bench_queue: cannot set up the call's worker\n");
        exit(1);
    }
    for (long i = 0; i < 1000; i++)
        (void)bench_tick_call(bus, NULL, &(bench_tick){i}, SIGNET_WAIT_FOREVER, &s);
    double t0 = bench_wall_ns();
    for (long i = 0; i < n; i++)
        if (bench_tick_call(bus, NULL, &(bench_tick){i}, SIGNET_WAIT_FOREVER, &s) != 2) {
            fprintf(stderr, "bench_queue: a call did not run both receivers\n");
            exit(1);
        }
    double t = bench_wall_ns() - t0;
    signet_teardown();
    return t / n;
}

/* mutex + ring */
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t ring[CAPACITY];
static size_t ring_head, ring_tail;

static void ring_setup(void)
{
    ring_head = ring_tail = 0;
}

static void ring_teardown(void)
{
}

static bool ring_push(int64_t v)
{
    bool ok = false;
    pthread_mutex_lock(&ring_lock);
    if (ring_tail - ring_head < CAPACITY) {
        ring[ring_tail++ % CAPACITY] = v;
        ok = true;
    }
    pthread_mutex_unlock(&ring_lock);
    return ok;
}

static bool ring_pop(void)
{
    bool ok = false;
    int64_t v = 0;
    pthread_mutex_lock(&ring_lock);
    if (ring_head != ring_tail) {
        v = ring[ring_head++ % CAPACITY];
        ok = true;
    }
    pthread_mutex_unlock(&ring_lock);
    if (ok)
        queue_rx(v);
    return ok;
}

#ifdef SIGNET_BENCH_GLIB
/* GAsyncQueue: unbounded, so "full" never happens; it carries pointers,
 * here the value itself (plus one, as NULL means empty). */
static GAsyncQueue *gq;

static void glib_setup(void)
{
    gq = g_async_queue_new();
}

static void glib_teardown(void)
{
    g_async_queue_unref(gq);
}

static bool glib_push(int64_t v)
{
    g_async_queue_push(gq, (gpointer)(intptr_t)(v + 1));
    return true;
}

static bool glib_pop(void)
{
    gpointer p = g_async_queue_try_pop(gq);
    if (!p)
        return false;
    queue_rx((int64_t)(intptr_t)p - 1);
    return true;
}
#endif

static const struct queue_ops queues[] = {
    {"signet", signet_setup, signet_teardown, signet_push, signet_pop, true, false, NULL, NULL},
    {"mutex+ring", ring_setup, ring_teardown, ring_push, ring_pop, true, false, NULL, NULL},
    {"signet_done", signet_setup, signet_teardown, signet_done_push, signet_pop, true, false, NULL,
     NULL},
#ifdef SIGNET_BENCH_GLIB
    {"GAsyncQueue", glib_setup, glib_teardown, glib_push, glib_pop, false, false, NULL, NULL},
#endif
};
enum { NLOCAL = sizeof queues / sizeof queues[0], NSIGNET = 3 /* signet, the ring, signet_done */ };

/* The peers of their own files, each when it was built; the ones that were
 * not are listed as skipped. */
static const struct queue_ops *const peers[] = {
#ifdef SIGNET_BENCH_Q_CK
    &queue_peer_ck_spsc, &queue_peer_ck_mpmc,
#endif
#ifdef SIGNET_BENCH_Q_BOOST
    &queue_peer_boost_spsc, &queue_peer_boost_queue,
#endif
#ifdef SIGNET_BENCH_Q_MOODYCAMEL
    &queue_peer_moodycamel,
#endif
#ifdef SIGNET_BENCH_Q_WFCQUEUE
    &queue_peer_wfcqueue,
#endif
#ifdef SIGNET_BENCH_Q_QT
    &queue_peer_qt,
#endif
    NULL,
};
enum { NQUEUES = NLOCAL + sizeof peers / sizeof peers[0] - 1, MAXQ = 16 };
static const struct queue_ops *all[MAXQ];

static void list_queues(void)
{
    for (int k = 0; k < NLOCAL; k++)
        all[k] = &queues[k];
    for (int k = NLOCAL; k < NQUEUES; k++)
        all[k] = peers[k - NLOCAL];
}

static const char *const skipped_peers[] = {
#ifndef SIGNET_BENCH_GLIB
    "GAsyncQueue (GLib was not found at build time)",
#endif
#ifndef SIGNET_BENCH_Q_CK
    "ck_ring (libck-dev was not found at build time)",
#endif
#ifndef SIGNET_BENCH_Q_BOOST
    "Boost.Lockfree (libboost-dev was not found at build time)",
#endif
#ifndef SIGNET_BENCH_Q_MOODYCAMEL
    "moodycamel::ConcurrentQueue (libconcurrentqueue-dev was not found at build time)",
#endif
#ifndef SIGNET_BENCH_Q_WFCQUEUE
    "liburcu wfcqueue (liburcu-dev was not found at build time)",
#endif
#ifndef SIGNET_BENCH_Q_QT
    "Qt queued connection (Qt 5 was not found at build time, or SIGNET_BENCH_QT=OFF)",
#endif
    NULL,
};

/* ------------------------------------------------------------------------ */
/* Shapes */

/* ns per post+dispatch on one thread; *allocs: allocations per message. */
static double same_thread(const struct queue_ops *q, double *allocs)
{
    q->setup();
    for (int64_t i = 0; i < 1000; i++) { /* warm-up: thread registration, caches */
        q->push(i);
        q->pop();
    }
    long a0 = alloc_count();
    double t0 = bench_cpu_ns();
    for (int64_t i = 0; i < SAME_N; i++) {
        q->push(i);
        q->pop();
    }
    double t = bench_cpu_ns() - t0;
    *allocs = allocs_per(q, a0, SAME_N);
    q->teardown();
    return t / SAME_N;
}

struct producer {
    const struct queue_ops *q;
    long n;
};

static void *producer_main(void *arg)
{
    struct producer *p = arg;
    for (long i = 0; i < p->n; i++)
        while (!p->q->push(i))
            sched_yield();
    return NULL;
}

/* msgs/s from `producers` threads to one consumer: this thread, or the
 * queue's own consumer thread when it has one (consumer_start). */
static double threaded(const struct queue_ops *q, int producers, double *allocs)
{
    pthread_t t[2];
    struct producer p = {q, THREAD_N / producers};
    long total = p.n * producers;

    q->setup();
    for (int64_t i = 0; i < 1000; i++) {
        q->push(i);
        q->pop();
    }
    if (q->consumer_start)
        q->consumer_start(total);
    long a0 = alloc_count();
    double t0 = bench_wall_ns();
    for (int i = 0; i < producers; i++)
        pthread_create(&t[i], NULL, producer_main, &p);
    if (q->consumer_wait)
        q->consumer_wait();
    else
        for (long got = 0; got < total;) {
            if (q->pop())
                got++;
            else
                sched_yield();
        }
    double secs = (bench_wall_ns() - t0) * 1e-9;
    for (int i = 0; i < producers; i++)
        pthread_join(t[i], NULL);
    *allocs = allocs_per(q, a0, total);
    q->teardown();
    return total / secs;
}

/* --run: n post+dispatch pairs on one thread, for callgrind (the threaded
 * shapes measure scheduling more than instructions). */
static int run_same_thread(const char *name, long n)
{
    for (int k = 0; k < NQUEUES; k++) {
        char id[64];
        snprintf(id, sizeof id, "queue_same_thread_%s", all[k]->name);
        if (strcmp(id, name) != 0)
            continue;
        all[k]->setup();
        for (long i = 0; i < n; i++) {
            all[k]->push(i);
            all[k]->pop();
        }
        all[k]->teardown();
        return 0;
    }
    fprintf(stderr, "bench_queue: unknown case '%s'\n", name);
    return 2;
}

/* signet's target in shape s (issue 12), checked against the same run's
 * medians med[k]: same_thread at most 0.7x the mutex+ring's time; 1to1 and
 * 2to1 at least 1.3x its throughput and ahead of every multi-producer peer. */
static void verdict(int s, const double *med, char *out, size_t size)
{
    if (s == 0) {
        double r = med[0] / med[1];
        snprintf(out, size, "<= 0.7x mutex+ring: %.2fx %s", r, r <= 0.7 ? "met" : "MISSED");
        return;
    }
    double r = med[0] / med[1];
    const char *best = NULL;
    double best_v = 0;
    for (int k = NSIGNET; k < NQUEUES; k++)
        if (!all[k]->single_producer && med[k] > best_v) {
            best_v = med[k];
            best = all[k]->name;
        }
    bool ahead = best == NULL || med[0] > best_v;
    snprintf(out, size, ">= 1.3x mutex+ring's M/s and ahead of the MP peers: %.2fx, %s %s %s", r,
             ahead ? "ahead of" : "behind", best ? best : "none", r >= 1.3 && ahead ? "met" : "MISSED");
}

int main(int argc, char **argv)
{
    int rounds = 5, tsv = 0;
    list_queues();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int k = 0; k < NQUEUES; k++)
            printf("queue_same_thread_%s 100000\n", all[k]->name);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--run") == 0)
        return run_same_thread(argv[2], atol(argv[3]));
    if (!bench_options(argc, argv, &rounds, &tsv)) {
        fprintf(stderr, "usage: bench_queue [--tsv] [--rounds R]   (1 <= R <= %d)\n",
                BENCH_MAX_ROUNDS);
        return 2;
    }
    static double res[3][NQUEUES][BENCH_MAX_ROUNDS], alloc[3][NQUEUES], calls[BENCH_MAX_ROUNDS];
    double a;

    for (int r = -1; r < rounds; r++) { /* round -1 warms up */
        double vc = call_round_trip(CALL_N);
        if (r >= 0)
            calls[r] = vc;
        for (int k = 0; k < NQUEUES; k++) {
            const struct queue_ops *q = all[k];
            double v0 = same_thread(q, &a);
            if (r >= 0) {
                res[0][k][r] = v0;
                alloc[0][k] = a;
            }
            double v1 = threaded(q, 1, &a);
            if (r >= 0) {
                res[1][k][r] = v1 / 1e6;
                alloc[1][k] = a;
            }
            if (q->single_producer)
                continue;
            double v2 = threaded(q, 2, &a);
            if (r >= 0) {
                res[2][k][r] = v2 / 1e6;
                alloc[2][k] = a;
            }
        }
    }

    static const char *const shapes[3] = {"same_thread (ns/msg)", "1to1 (M msgs/s)",
                                          "2to1 (M msgs/s)"};
    static const char *const ids[3] = {"same_thread", "1to1", "2to1"};
    static const char *const what[3] = {"post+dispatch, same thread", "1 -> 1 thread",
                                        "2 -> 1 thread"};
    static const char *const units[3] = {"ns", "M/s", "M/s"};
    if (!tsv)
        printf("%-22s %-16s %10s %17s %12s  %s\n", "shape", "queue", "median", "min-max",
               "allocs/msg", "target (signet)");
    for (int s = 0; s < 3; s++) {
        struct bench_summary st[NQUEUES];
        double med[NQUEUES];
        for (int k = 0; k < NQUEUES; k++) {
            st[k] = bench_summarize(res[s][k], rounds);
            med[k] = st[k].median;
        }
        char target[160];
        verdict(s, med, target, sizeof target);
        for (int k = 0; k < NQUEUES; k++) {
            if (s == 2 && all[k]->single_producer)
                continue;
            if (tsv) {
                /* The ratio is taken against the mutex+ring, the queue a C
                 * program writes by hand. */
                char name[64], ring[64], label[128];
                snprintf(name, sizeof name, "queue_%s_%s", ids[s], all[k]->name);
                snprintf(ring, sizeof ring, "queue_%s_%s", ids[s], all[1]->name);
                if (alloc[s][k] < 0)
                    snprintf(label, sizeof label, "%s, %s", all[k]->name, what[s]);
                else
                    snprintf(label, sizeof label, "%s, %s; %.2g allocs/msg", all[k]->name,
                             what[s], alloc[s][k]);
                printf("queue\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n", name, label, units[s],
                       med[k], st[k].min, st[k].max, k == 1 ? "" : ring, k == 0 ? target : "");
                continue;
            }
            char allocs[16] = "-";
            if (alloc[s][k] >= 0)
                snprintf(allocs, sizeof allocs, "%.3f", alloc[s][k]);
            printf("%-22s %-16s %10.2f %8.2f-%-8.2f %12s  %s\n", shapes[s], all[k]->name,
                   med[k], st[k].min, st[k].max, allocs, k == 0 ? target : "");
        }
    }
    struct bench_summary sc = bench_summarize(calls, rounds);
    if (tsv)
        printf("queue\tqueue_call_signet\tsignet, blocking _call: caller -> worker thread -> caller "
               "woken\tns\t%.3f\t%.3f\t%.3f\t\t\n",
               sc.median, sc.min, sc.max);
    else
        printf("%-22s %-16s %10.2f %8.2f-%-8.2f %12s\n", "call (ns/call)", "signet", sc.median,
               sc.min, sc.max, "-");
    for (int i = 0; skipped_peers[i]; i++)
        printf(tsv ? "skipped\t\t%s\n" : "%s: skipped\n", skipped_peers[i]);
    if (queue_checksum() == 42)
        printf("\n"); /* keeps the consumers' work observable */
    return 0;
}
