/* test_space_threads.c: one topic space under threads. One thread sends
 * garden.signet's signals while another subscribes and disconnects home's
 * patterns, schema and run-time (each new run-time filter republishes the
 * reach of every schema on the bus), and tries to add clash.signet, which
 * is refused. A subscription made before the sender starts must see every
 * send exactly once. Run under ThreadSanitizer by scripts/test (label
 * threads). */
#define _POSIX_C_SOURCE 200809L

#include "clash.signet.h"
#include "garden.signet.h"
#include "home.signet.h"

#include "../check.h"

#include <pthread.h>
#include <stdio.h>

enum { SENDS = 20000, ROUNDS = 400, FILTERS = 64 };

static atomic_int permanent_calls, churn_calls, short_sends;
static pthread_barrier_t start;

static int on_permanent(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx, (void)payload;
    if (ev->signal == &garden_signals[GARDEN_SIGNAL_PUMP])
        atomic_fetch_add(&permanent_calls, 1);
    return 0;
}

static int on_churn(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx, (void)ev, (void)payload;
    atomic_fetch_add(&churn_calls, 1);
    return 0;
}

static void *sender(void *arg)
{
    signet_bus *bus = arg;

    pthread_barrier_wait(&start);
    for (int i = 0; i < SENDS; i++) {
        if (garden_pump_send(bus, NULL, i & 1) < 1)
            atomic_fetch_add(&short_sends, 1);
        (void)garden_soil_send(bus, NULL, "roses", (uint32_t)i, 0.5);
    }
    return NULL;
}

static void *writer(void *arg)
{
    signet_bus *bus = arg;
    char filter[64];

    pthread_barrier_wait(&start);
    for (int i = 0; i < ROUNDS; i++) {
        signet_conn a, b;
        snprintf(filter, sizeof filter, "house/%s/%d", i % 2 ? "garden/+" : "+/soil", i % FILTERS);
        int rc = signet_subscribe_pattern(bus, &home_schema, filter, on_churn, NULL, SIGNET_ANY,
                                          NULL, &a);
        CHECK(rc >= 0);
        CHECK_EQ(home_all_house_subscribe(bus, on_churn, NULL, SIGNET_ANY, &b), 0);
        if (i % 50 == 0)
            CHECK_EQ(signet_bus_add_schema(bus, &clash_schema), SIGNET_EOVERLAP);
        if (rc >= 0)
            CHECK_EQ(signet_disconnect(bus, a), 0);
        CHECK_EQ(signet_disconnect(bus, b), 0);
    }
    return NULL;
}

static void threads_space_patterns_of_other_schemas_under_churn(void)
{
    signet_bus *bus = NULL;
    signet_conn permanent;
    pthread_t s, w;

    CHECK_EQ(signet_bus_create(NULL, &bus), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &home_schema), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &garden_schema), 0);
    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "+/garden/pump", on_permanent, NULL,
                                      SIGNET_ANY, NULL, &permanent),
             0);
    pthread_barrier_init(&start, NULL, 2);
    CHECK_EQ(pthread_create(&s, NULL, sender, bus), 0);
    CHECK_EQ(pthread_create(&w, NULL, writer, bus), 0);
    pthread_join(s, NULL);
    pthread_join(w, NULL);
    pthread_barrier_destroy(&start);

    CHECK_EQ(atomic_load(&permanent_calls), SENDS);
    CHECK_EQ(atomic_load(&short_sends), 0);
    CHECK(signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_PUMP]));
    CHECK_EQ(signet_disconnect(bus, permanent), 0);
    CHECK(!signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_PUMP]));
    CHECK(!signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_SOIL]));
    int churned = atomic_load(&churn_calls);
    CHECK_EQ(garden_pump_send(bus, NULL, true), 0);
    CHECK_EQ(atomic_load(&churn_calls), churned);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"threads_space_patterns_of_other_schemas_under_churn",
     threads_space_patterns_of_other_schemas_under_churn},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
