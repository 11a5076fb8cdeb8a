/* test_threads.c: the bus under concurrent senders, connectors and
 * disconnectors. Counts must add up exactly, and a receiver must never run
 * after signet_disconnect() has returned. Runs under ThreadSanitizer too.
 * A receiver that must still be running while a disconnect waits holds
 * until the disconnecting thread sleeps in it (thread_state.h), instead of
 * sleeping a fixed time. */
#define _DEFAULT_SOURCE /* syscall(), in thread_state.h */
#define _POSIX_C_SOURCE 200809L
#include "fixture.h"
#include "thread_state.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

enum { SENDERS = 4, SENDS_PER_THREAD = 25000, CHURN_CYCLES = 300, CHURNERS = 64 };

struct counter {
    atomic_long calls;
    atomic_bool disconnected;     /* set once disconnect returned */
    atomic_long late;             /* calls seen after that */
};

static int count_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct counter *c = ctx;
    (void)ev;
    (void)msg;
    if (atomic_load(&c->disconnected))
        atomic_fetch_add(&c->late, 1);
    atomic_fetch_add(&c->calls, 1);
    return 0;
}

static const char *const sender_ids[SENDERS] = {"s0", "s1", "s2", "s3"};
static signet_bus *bus;
static atomic_long returned;      /* sum of send() results */
static atomic_long sent;          /* number of send() calls */
static atomic_bool churn_done;

/* Each sender sends at least SENDS_PER_THREAD times, and goes on until the
 * churn thread has finished its cycles, so the two always overlap. */
static void *sender_main(void *arg)
{
    const void *sender = arg;
    for (long i = 0; i < SENDS_PER_THREAD || !atomic_load(&churn_done); i++) {
        atomic_fetch_add(&sent, 1);
        int n = t_send(bus, T_PING, (i & 1) ? sender : NULL, i);
        CHECK(n >= 1);
        if (n > 0)
            atomic_fetch_add(&returned, n);
    }
    return NULL;
}

static struct counter churn[CHURNERS];
static long cycles_done;

static void *churn_main(void *arg)
{
    (void)arg;
    for (long i = 0; i < CHURN_CYCLES; i++) {
        struct counter *c = &churn[i % CHURNERS];
        signet_conn conn;
        /* A fresh receiver each time: alternate ANY and one sender. */
        const void *sender = (i & 1) ? SIGNET_ANY : sender_ids[i % SENDERS];
        long before = atomic_load(&c->calls);
        atomic_store(&c->disconnected, false);
        CHECK_OK(t_connect(bus, T_PING, count_rx, c, sender, NULL, &conn));
        /* Let the senders reach it (bounded), then take it away mid-stream.
         * The first one is waited for (up to 10 s), so churn calls happen
         * whenever sends reach new receivers at all. */
        long t0 = thread_state_now_ms();
        for (int spin = 0; atomic_load(&c->calls) == before; spin++) {
            if (i > 0 ? spin >= 1000 : thread_state_now_ms() - t0 > 10000)
                break;
            sched_yield();
        }
        CHECK_OK(signet_disconnect(bus, conn));
        atomic_store(&c->disconnected, true);
        cycles_done = i + 1;
    }
    atomic_store(&churn_done, true);
    return NULL;
}

/* A stress test as well: the counts must add up whatever the interleaving,
 * but whether a disconnect lands in the middle of an emission (where a late
 * call would show) is up to the scheduler; the case passes when it never
 * does, too. */
static void concurrent_send_connect_disconnect_counts_exact(void)
{
    static struct counter stable;
    signet_conn c;
    pthread_t tid[SENDERS], churner;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_connect(bus, T_PING, count_rx, &stable, SIGNET_ANY, NULL, &c));
    pthread_create(&churner, NULL, churn_main, NULL);
    for (int i = 0; i < SENDERS; i++)
        pthread_create(&tid[i], NULL, sender_main, (void *)sender_ids[i]);
    pthread_join(churner, NULL);
    for (int i = 0; i < SENDERS; i++)
        pthread_join(tid[i], NULL);

    long churn_calls = 0, late = 0;
    for (int i = 0; i < CHURNERS; i++) {
        churn_calls += atomic_load(&churn[i].calls);
        late += atomic_load(&churn[i].late);
    }
    CHECK(atomic_load(&sent) >= (long)SENDERS * SENDS_PER_THREAD);
    CHECK_EQ(atomic_load(&stable.calls), atomic_load(&sent));
    CHECK_EQ(atomic_load(&returned), atomic_load(&stable.calls) + churn_calls);
    /* A counter is reused by a later cycle only after its disconnect
     * returned, so any call counted as late ran after its disconnect. */
    CHECK_EQ(late, 0);
    CHECK_EQ(cycles_done, CHURN_CYCLES);
    CHECK(churn_calls > 0);
    fprintf(stderr, "sends %ld, churn cycles %ld, churn calls %ld\n", atomic_load(&sent),
            cycles_done, churn_calls);
    signet_bus_destroy(bus);
}

/* The holding receiver: disconnect must wait for it to finish. Its first
 * call holds until the test's thread has called signet_disconnect() and
 * sleeps in it, waiting for this call (or 10 s, which fails the case). */
static atomic_int sleeper_state; /* 0 idle, 1 running, 2 finished */
static atomic_long sleeper_calls;
static atomic_bool disconnecting, held_through_disconnect;
static long disconnecter_tid;

static int sleeper_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    if (atomic_fetch_add(&sleeper_calls, 1) == 0) {
        atomic_store(&sleeper_state, 1);
        for (long spins = 0; !atomic_load(&disconnecting) && spins < 10000000; spins++)
            sched_yield();
        if (atomic_load(&disconnecting) && thread_state_wait_asleep(disconnecter_tid))
            atomic_store(&held_through_disconnect, true);
    }
    atomic_store(&sleeper_state, 2);
    return 0;
}

static atomic_bool keep_sending;
static atomic_long sends_done;

static void *sleeper_sender(void *arg)
{
    (void)arg;
    while (atomic_load(&keep_sending)) {
        t_send(bus, T_PING, NULL, 0);
        atomic_fetch_add(&sends_done, 1);
    }
    return NULL;
}

static void disconnect_waits_for_running_receiver(void)
{
    signet_conn c;
    pthread_t tid;

    CHECK_OK(signet_bus_create(NULL, &bus));
    disconnecter_tid = thread_state_self();
    CHECK_OK(t_connect(bus, T_PING, sleeper_rx, NULL, SIGNET_ANY, NULL, &c));
    atomic_store(&keep_sending, true);
    pthread_create(&tid, NULL, sleeper_sender, NULL);
    while (atomic_load(&sleeper_state) != 1) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&disconnecting, true);
    CHECK_OK(signet_disconnect(bus, c));
    /* The receiver was held until disconnect slept waiting for it;
     * disconnect returned only after it ended. */
    CHECK(atomic_load(&held_through_disconnect));
    CHECK_EQ(atomic_load(&sleeper_state), 2);
    long calls = atomic_load(&sleeper_calls);
    /* The sender keeps sending: a thousand more sends reach no one. */
    long sends = atomic_load(&sends_done), t0 = thread_state_now_ms();
    while (atomic_load(&sends_done) < sends + 1000 && thread_state_now_ms() - t0 < 10000)
        sched_yield();
    CHECK(atomic_load(&sends_done) >= sends + 1000);
    CHECK_EQ(atomic_load(&sleeper_calls), calls);
    atomic_store(&keep_sending, false);
    pthread_join(tid, NULL);
    signet_bus_destroy(bus);
}


/* A receiver that starts a new thread which sends (its first read section
 * registers it) and waits for it, while another thread disconnects an
 * unrelated receiver and so waits for this emission: the disconnect must
 * not hold up the registration it is indirectly waiting for. */
static void *first_send_main(void *arg)
{
    (void)arg;
    t_send(bus, T_PONG, NULL, 0);
    return NULL;
}

static atomic_int joiner_state; /* 1: inside the receiver, 2: joined */
static atomic_bool joiner_saw_disconnect;

static int joiner_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    atomic_store(&joiner_state, 1);
    /* Main's disconnect waits for this emission: start the new thread once
     * main sleeps in that disconnect. */
    for (long spins = 0; !atomic_load(&disconnecting) && spins < 10000000; spins++)
        sched_yield();
    if (atomic_load(&disconnecting) && thread_state_wait_asleep(disconnecter_tid))
        atomic_store(&joiner_saw_disconnect, true);
    pthread_t tid;
    pthread_create(&tid, NULL, first_send_main, NULL);
    pthread_join(tid, NULL);
    atomic_store(&joiner_state, 2);
    return 0;
}

static void *joiner_sender(void *arg)
{
    (void)arg;
    t_send(bus, T_PING, NULL, 0);
    return NULL;
}

static int idle_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    return 0;
}

static void disconnect_waits_without_blocking_new_threads(void)
{
    signet_conn c, other;
    pthread_t tid;

    disconnecter_tid = thread_state_self();
    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_connect(bus, T_PING, joiner_rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PONG, idle_rx, NULL, SIGNET_ANY, NULL, &other));
    pthread_create(&tid, NULL, joiner_sender, NULL);
    while (atomic_load(&joiner_state) != 1) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&disconnecting, true);
    CHECK_OK(signet_disconnect(bus, other)); /* waits for the emission above */
    CHECK(atomic_load(&joiner_saw_disconnect));
    CHECK_EQ(atomic_load(&joiner_state), 2);
    pthread_join(tid, NULL);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"threads_send_connect_disconnect_counts_exact",
     concurrent_send_connect_disconnect_counts_exact},
    {"threads_disconnect_waits_for_running_receiver", disconnect_waits_for_running_receiver},
    {"threads_disconnect_waits_without_blocking_new_threads",
     disconnect_waits_without_blocking_new_threads},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
