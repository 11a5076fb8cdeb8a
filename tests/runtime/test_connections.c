/* test_connections.c: what a connection is beside its receiver: a
 * duplicate connect and the result that says whether its options were
 * applied, blocking and unblocking, per-connection filters, and the list
 * of a signal's connections (signet_connections). One case per CTest test
 * (see CMakeLists.txt); threaded cases carry the label "threads". */
#include "fixture.h"

#include <pthread.h>
#include <stdatomic.h>

static struct trace trace;

struct rx {
    char tag;
    int ret;
    int calls;
    int32_t last_value;
};

static int rx_fn(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct rx *rx = ctx;

    (void)ev;
    rx->calls++;
    rx->last_value = msg->value;
    trace_add(&trace, rx->tag);
    return rx->ret;
}

static signet_bus *new_bus(void)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(NULL, &bus));
    trace.len = 0;
    trace.buf[0] = '\0';
    return bus;
}

/* ------------------------------------------------------------------------ */
/* Duplicates */

/* Every positive result has a value of its own. */
static void positive_results_are_distinct(void)
{
    const int codes[] = {SIGNET_STOP, SIGNET_NOMATCH, SIGNET_EXISTING, SIGNET_EXISTING_OPTS};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(codes[i] > 0);
        for (size_t j = 0; j < i; j++)
            CHECK(codes[i] != codes[j]);
    }
}

/* The same options again: SIGNET_EXISTING; other ones: SIGNET_EXISTING_OPTS,
 * and the connection keeps its priority, flags and queue. */
static void connect_again_with_other_options_is_existing_opts(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'};
    signet_connect_opts low = {.priority = 1}, high = {.priority = 5};
    signet_conn ca, cb, again;
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &low, &ca));
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &b, SIGNET_ANY, &high, &cb));
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &low, &again), SIGNET_EXISTING);
    CHECK(again.index == ca.index && again.generation == ca.generation);
    /* A higher priority is reported and not applied: a still runs after b. */
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &(signet_connect_opts){.priority = 9},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK(again.index == ca.index && again.generation == ca.generation);
    /* NULL options are the defaults, which a's are not. */
    CHECK_EQ(t_ping_connect(bus, rx_fn, &a, SIGNET_ANY, &again), SIGNET_EXISTING_OPTS);
    /* Other flags, another queue: reported the same way. */
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY,
                                 &(signet_connect_opts){.priority = 1, .flags = SIGNET_ONCE},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY,
                                 &(signet_connect_opts){.priority = 1,
                                                        .queue = signet_bus_queue(bus)},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 2);
    CHECK(strcmp(trace.buf, "ba") == 0);
    /* Not run once either: it runs again. */
    CHECK_EQ(t_ping_send(bus, NULL, 2), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0); /* and it was never queued */
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"positive_results_are_distinct", positive_results_are_distinct},
    {"connect_again_with_other_options_is_existing_opts",
     connect_again_with_other_options_is_existing_opts},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
