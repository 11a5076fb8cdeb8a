/* test_pattern_order.c: the receivers of an emission are fixed when it
 * begins, pattern subscribers included. A receiver of a signal that
 * subscribes a pattern matching it (one that already has subscribers, or a
 * new run-time pattern; directly or on a queue) does not get the emission
 * it runs in, only the next ones. Uses the schema of fixture.h: ping's
 * topic is "ping". */
#include "fixture.h"

/* A receiver of ping that subscribes fn (ctx count) to pattern, for
 * sender (NULL: SIGNET_ANY), with opts, the first time it runs. */
struct subscriber {
    signet_bus *bus;
    const char *pattern;
    const signet_connect_opts *opts;
    int *count;
    int rc;
    bool done;
    const void *sender;
};

static int count_rx(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    ++*(int *)ctx;
    return 0;
}

static int subscribe_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct subscriber *s = ctx;
    signet_conn c;

    (void)ev;
    (void)msg;
    if (!s->done) {
        s->done = true;
        s->rc = signet_subscribe_pattern(s->bus, &t_schema, s->pattern, count_rx, s->count,
                                         s->sender, s->opts, &c);
    }
    return 0;
}

/* Sends ping twice after the setup: `early` subscribed to "#" before,
 * `late` subscribed by a receiver of the first send (to pattern, with
 * opts). late gets the second send only. */
static void subscribe_during_send(const char *pattern, bool queued)
{
    signet_bus *bus;
    signet_conn c;
    int early = 0, late = 0;

    CHECK_OK(signet_bus_create(NULL, &bus));
    signet_connect_opts opts = {.queue = queued ? signet_bus_queue(bus) : NULL};
    struct subscriber s = {bus, pattern, &opts, &late, 0, false, SIGNET_ANY};
    /* A pattern with a subscriber already: the send looks at patterns. */
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "#", count_rx, &early, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_ping_connect(bus, subscribe_rx, &s, SIGNET_ANY, &c));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 2);
    CHECK_OK(s.rc);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0); /* nothing queued for late */
    CHECK_EQ(late, 0);
    CHECK_EQ(early, 1);
    CHECK_EQ(t_ping_send(bus, NULL, 2), queued ? 2 : 3);
    CHECK_EQ(signet_bus_dispatch(bus, 0), queued ? 1 : 0);
    CHECK_EQ(late, 1);
    CHECK_EQ(early, 2);
    CHECK_OK(signet_bus_destroy(bus));
}

static void pattern_subscribed_during_send_waits_for_the_next(void)
{
    subscribe_during_send("#", false);
}

static void new_pattern_subscribed_during_send_waits_for_the_next(void)
{
    subscribe_during_send("+", false);
}

static void queued_pattern_subscribed_during_send_waits_for_the_next(void)
{
    subscribe_during_send("#", true);
}

static void new_queued_pattern_subscribed_during_send_waits_for_the_next(void)
{
    subscribe_during_send("+", true);
}

/* A queued subscriber for SIGNET_ANY, then, made by a receiver of a send
 * from sender, its twin for that sender on the same queue, ranked before
 * it: the send's message is for the older one, which runs in the newer's
 * place (the twin rule keeps the newer for the next sends), so the queue
 * gets a message, and the receiver runs once per send. */
static void queued_twin_subscribed_during_send_leaves_the_older_twin_its_message(void)
{
    signet_bus *bus;
    signet_conn c;
    static const char sender = 's';
    int calls = 0;

    CHECK_OK(signet_bus_create(NULL, &bus));
    signet_connect_opts any = {.queue = signet_bus_queue(bus)};
    signet_connect_opts first = {.queue = signet_bus_queue(bus), .priority = 1};
    struct subscriber s = {bus, "ping", &first, &calls, 0, false, &sender};
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "ping", count_rx, &calls, SIGNET_ANY, &any,
                                      &c));
    CHECK_OK(t_ping_connect(bus, subscribe_rx, &s, &sender, &c));
    CHECK(t_ping_send(bus, &sender, 1) >= 1);
    CHECK_OK(s.rc);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(calls, 1);
    CHECK(t_ping_send(bus, &sender, 2) >= 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(calls, 2);
    CHECK_OK(signet_bus_destroy(bus));
}

static const struct test_case cases[] = {
    {"pattern_subscribed_during_send_waits_for_the_next",
     pattern_subscribed_during_send_waits_for_the_next},
    {"new_pattern_subscribed_during_send_waits_for_the_next",
     new_pattern_subscribed_during_send_waits_for_the_next},
    {"queued_pattern_subscribed_during_send_waits_for_the_next",
     queued_pattern_subscribed_during_send_waits_for_the_next},
    {"new_queued_pattern_subscribed_during_send_waits_for_the_next",
     new_queued_pattern_subscribed_during_send_waits_for_the_next},
    {"queued_twin_subscribed_during_send_leaves_the_older_twin_its_message",
     queued_twin_subscribed_during_send_leaves_the_older_twin_its_message},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
