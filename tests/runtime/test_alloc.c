/* test_alloc.c: sending, posting and dispatching allocate nothing. Counts every heap allocation
 * made while sending (anonymous, filtered, nested, with an error hook and
 * the event accessors) with alloc_count.c: through the sanitizer allocator
 * hooks, or, in a build without sanitizers, by replacing malloc and
 * friends. */
#include "fixture.h"

#include "alloc_count.h"

static signet_bus *bus;

static void on_error(void *ctx, const signet_event *ev, int err)
{
    (void)ctx;
    (void)ev;
    (void)err;
}

static int rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)signet_event_seq(ev);
    (void)signet_event_time_ns(ev);
    (void)signet_event_topic(ev, NULL, 0);
    if (msg->value == 1)
        t_send(bus, T_PONG, ev->sender, 2);  /* nested emission */
    return msg->value == 3 ? -7 : 0;
}

static void send_allocates_nothing(void)
{
    static const int s1, s2;
    signet_bus_options opts = {.on_error = on_error};
    signet_conn c;
    signet_connect_opts once = {.flags = SIGNET_ONCE};

    CHECK_OK(signet_bus_create(&opts, &bus));
    CHECK_OK(t_connect(bus, T_PING, rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, rx, (void *)&s1, &s1, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, rx, (void *)&s2, &s2, &once, &c));
    CHECK_OK(t_connect(bus, T_PONG, rx, NULL, SIGNET_ANY, NULL, &c));
    /* Warm up: the first read section of a thread registers it (once). */
    t_send(bus, T_PING, NULL, 0);

    alloc_count_start();
    for (int i = 0; i < 1000; i++) {
        t_send(bus, T_PING, NULL, i % 4);
        t_send(bus, T_PING, &s1, i % 4);
        t_send(bus, T_PING, &s2, i % 4);
        (void)signet_has_receivers(bus, &t_signals[T_PING], &s1);
    }
    CHECK_EQ(alloc_count_stop(), 0);
    signet_bus_destroy(bus);
}

static int post_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)msg;
    (void)signet_event_seq(ev);
    return 0;
}

/* Posting (to the default queue and, through a send, to a second queue)
 * and dispatching allocate nothing once the queues exist. */
static void post_and_dispatch_allocate_nothing(void)
{
    signet_queue *q;
    signet_conn c;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, post_rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, post_rx, &c, SIGNET_ANY, &on_q, &c));
    const t_ping warm = {0};
    CHECK_EQ(signet_post(bus, &t_signals[T_PING], NULL, &warm), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);

    alloc_count_start();
    for (int i = 0; i < 1000; i++) {
        const t_ping msg = {i};
        CHECK_EQ(signet_post(bus, &t_signals[T_PING], NULL, &msg), 2);
        CHECK_EQ(t_send(bus, T_PING, NULL, i), 1);
        CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
        CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    }
    CHECK_EQ(alloc_count_stop(), 0);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"send_allocates_nothing", send_allocates_nothing},
    {"post_and_dispatch_allocate_nothing", post_and_dispatch_allocate_nothing},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
