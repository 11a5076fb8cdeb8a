/* test_subscribe_threads.c: pattern subscriptions and retained values under
 * concurrent senders and a thread that subscribes and unsubscribes patterns
 * (with replay) all along. Counts must add up exactly and every previous
 * value must be the one its topic's sender sent before. Runs under
 * ThreadSanitizer too (label threads). */
#define _POSIX_C_SOURCE 200809L
#include "subs.signet.h"

#include "../runtime/fixture.h"

#include <pthread.h>
#include <stdatomic.h>

enum { SENDERS = 4, SENDS = 5000 };

static signet_bus *bus;
static atomic_long seen, bad_previous, churn_calls;
static atomic_bool senders_done;

/* A plain subscriber of every tank: the value must follow its previous one. */
static int on_level(void *ctx, const signet_event *ev, const subs_level *msg)
{
    const subs_level *prev = signet_event_previous(ev);
    (void)ctx;
    atomic_fetch_add(&seen, 1);
    if (msg->litres > 0 && (!prev || prev->litres != msg->litres - 1 ||
                            prev->sensor != msg->sensor || strcmp(prev->tank, msg->tank) != 0))
        atomic_fetch_add(&bad_previous, 1);
    return 0;
}

static int on_any(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx;
    (void)ev;
    (void)payload;
    atomic_fetch_add(&churn_calls, 1);
    return 0;
}

/* Sender k owns the topic tanks/a/k/level. */
static void *sender_main(void *arg)
{
    uint32_t sensor = (uint32_t)(uintptr_t)arg;
    for (int i = 0; i < SENDS; i++)
        CHECK(subs_level_send(bus, NULL, "a", sensor, (double)i, "n") >= 3);
    return NULL;
}

static void *churn_main(void *arg)
{
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    (void)arg;
    while (!atomic_load(&senders_done)) {
        signet_conn a, b;
        CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "tanks/+/+/level", on_any, NULL,
                                          SIGNET_ANY, &replay, &a));
        CHECK_OK(subs_everything_subscribe_opts(bus, on_any, NULL, SIGNET_ANY, &replay, &b));
        CHECK_OK(signet_disconnect(bus, a));
        CHECK_OK(signet_disconnect(bus, b));
    }
    return NULL;
}

static void threads_patterns_and_retain_under_churn(void)
{
    pthread_t senders[SENDERS], churn;
    signet_conn c;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(subs_tank_a_subscribe(bus, on_level, NULL, SIGNET_ANY, &c));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "tanks/#", on_any, NULL, SIGNET_ANY,
                                      NULL, &c));
    CHECK_OK(subs_level_connect(bus, on_level, NULL, SIGNET_ANY, &c));
    CHECK_OK(pthread_create(&churn, NULL, churn_main, NULL));
    for (int i = 0; i < SENDERS; i++)
        CHECK_OK(pthread_create(&senders[i], NULL, sender_main, (void *)(uintptr_t)i));
    for (int i = 0; i < SENDERS; i++)
        CHECK_OK(pthread_join(senders[i], NULL));
    atomic_store(&senders_done, true);
    CHECK_OK(pthread_join(churn, NULL));
    CHECK_EQ(atomic_load(&seen), 2 * SENDERS * SENDS); /* the signal's receiver and tank_a's */
    CHECK_EQ(atomic_load(&bad_previous), 0);
    CHECK(atomic_load(&churn_calls) >= SENDERS * SENDS); /* "tanks/#" got every one */
    signet_bus_destroy(bus);
}

#define CASE(f)                                                                                \
    {                                                                                          \
        #f, f                                                                                  \
    }
static const struct test_case cases[] = {
    CASE(threads_patterns_and_retain_under_churn),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
