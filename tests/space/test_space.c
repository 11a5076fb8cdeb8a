/* test_space.c: one topic space per bus (docs/topics.md, "Several schemas
 * on one bus"), with home.signet, garden.signet (topics that overlap none
 * of home's) and clash.signet (one that overlaps home's temp): a schema
 * that overlaps is refused with SIGNET_EOVERLAP and a message; patterns of
 * one schema, schema and run-time, get the signals of another, sent or
 * posted, whichever was added first, and replayed; a typed pattern only
 * those with its parameters; the bus-wide publish and resolve; and a signal no pattern on
 * the bus can match keeps no pattern work. One case per CTest test (see
 * CMakeLists.txt). */
#include "clash.signet.h"
#include "garden.signet.h"
#include "home.signet.h"

#include "../check.h"

#include <stdlib.h>
#include <string.h>

struct seen {
    int calls;
    const signet_signal_info *signal;
    const signet_signal_info *pattern;
    double celsius;
    uint32_t sensor;
    char room[32];
    bool on;
};

static int on_generic(void *ctx, const signet_event *ev, const void *payload)
{
    struct seen *s = ctx;
    const garden_pump *pump = garden_pump_of(ev, payload);
    const home_door *door = home_door_of(ev, payload);

    s->calls++;
    s->signal = ev->signal;
    s->pattern = ev->pattern;
    if (pump)
        s->on = pump->on;
    if (door)
        snprintf(s->room, sizeof s->room, "%s", door->room);
    return 0;
}

static int on_temp(void *ctx, const signet_event *ev, const home_temp *msg)
{
    struct seen *s = ctx;

    s->calls++;
    s->signal = ev->signal;
    s->pattern = ev->pattern;
    s->celsius = msg->celsius;
    s->sensor = msg->sensor;
    snprintf(s->room, sizeof s->room, "%s", msg->room);
    return 0;
}

static int on_pump(void *ctx, const signet_event *ev, const garden_pump *msg)
{
    struct seen *s = ctx;

    s->calls++;
    s->signal = ev->signal;
    s->on = msg->on;
    return 0;
}

static int on_reading(void *ctx, const signet_event *ev, const clash_reading *msg)
{
    (void)ctx, (void)ev, (void)msg;
    return 0;
}

struct diag {
    int calls;
    int err;
    char message[512];
};

static void on_diagnostic(void *ctx, int err, const char *message)
{
    struct diag *d = ctx;

    d->calls++;
    d->err = err;
    snprintf(d->message, sizeof d->message, "%s", message);
}

static signet_bus *new_bus(struct diag *d)
{
    signet_bus_options o = {.on_diagnostic = on_diagnostic, .error_ctx = d};
    signet_bus *bus = NULL;

    CHECK_EQ(signet_bus_create(d ? &o : NULL, &bus), 0);
    return bus;
}

/* home, then garden, on one bus. */
static signet_bus *two_schemas(void)
{
    signet_bus *bus = new_bus(NULL);

    CHECK_EQ(signet_bus_add_schema(bus, &home_schema), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &garden_schema), 0);
    return bus;
}

static void overlapping_schema_is_refused_with_a_message(void)
{
    struct diag d = {0};
    signet_bus *bus = new_bus(&d);
    struct seen s = {0};
    signet_conn c;

    CHECK_EQ(home_temps_subscribe(bus, on_temp, &s, SIGNET_ANY, &c), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &clash_schema), SIGNET_EOVERLAP);
    CHECK_EQ(d.calls, 1);
    CHECK_EQ(d.err, SIGNET_EOVERLAP);
    CHECK(strstr(d.message, "'clash.reading'") != NULL);
    CHECK(strstr(d.message, "'home.temp'") != NULL);
    CHECK(strstr(d.message, "\"house/7/temp/0\"") != NULL);
    /* Every first use is refused the same way, a connect included. */
    CHECK_EQ(clash_reading_connect(bus, on_reading, NULL, SIGNET_ANY, &c), SIGNET_EOVERLAP);
    CHECK_EQ(d.calls, 2);
    /* Nothing of clash is on the bus: its send reaches nobody. */
    CHECK_EQ(clash_reading_send(bus, NULL, 3), 0);
    CHECK_EQ(s.calls, 0);
    CHECK(strcmp(signet_strerror(SIGNET_EOVERLAP), "unknown error") != 0);
    signet_bus_destroy(bus);

    /* The refusal is per bus: on a bus of its own clash is fine, and a
     * schema without overlap is accepted beside home. */
    bus = new_bus(&d);
    CHECK_EQ(signet_bus_add_schema(bus, &clash_schema), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &garden_schema), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &garden_schema), 0);
    CHECK_EQ(signet_bus_add_schema(bus, &home_schema), SIGNET_EOVERLAP);
    CHECK_EQ(d.calls, 3);
    CHECK(strstr(d.message, "schema 'home'") != NULL);
    signet_bus_destroy(bus);
}

static void schema_pattern_gets_signals_of_another_schema(void)
{
    signet_bus *bus = two_schemas();
    struct seen house = {0}, doors = {0};
    signet_conn c1, c2;

    CHECK_EQ(home_all_house_subscribe(bus, on_generic, &house, SIGNET_ANY, &c1), 0);
    CHECK_EQ(garden_doors_subscribe(bus, on_generic, &doors, SIGNET_ANY, &c2), 0);
    /* A garden signal without captures, then one with, reach home's "house/#". */
    CHECK_EQ(garden_pump_send(bus, NULL, true), 1);
    CHECK_EQ(house.calls, 1);
    CHECK(house.signal == &garden_signals[GARDEN_SIGNAL_PUMP]);
    CHECK(strcmp(house.pattern->name, "all_house") == 0);
    CHECK(house.on);
    CHECK_EQ(garden_soil_send(bus, NULL, "roses", 4, 0.5), 1);
    CHECK_EQ(house.calls, 2);
    CHECK(house.signal == &garden_signals[GARDEN_SIGNAL_SOIL]);
    /* The other way round: garden's "house/+/door" gets home's door. */
    CHECK_EQ(home_door_send(bus, NULL, "hall", true), 2);
    CHECK_EQ(doors.calls, 1);
    CHECK(doors.signal == &home_signals[HOME_SIGNAL_DOOR]);
    CHECK(strcmp(doors.room, "hall") == 0);
    /* Signals of either schema its filter does not match do not. */
    CHECK_EQ(garden_lawn_send(bus, NULL, "front", 1, 12.0), 0);
    CHECK_EQ(house.calls, 3); /* home.door above */
    signet_bus_destroy(bus);
}

static void typed_pattern_gets_signals_with_its_parameters(void)
{
    signet_bus *bus = two_schemas();
    struct seen s = {0};
    signet_conn c;

    CHECK_EQ(home_temps_subscribe(bus, on_temp, &s, SIGNET_ANY, &c), 0);
    /* garden.lawn has home.temp's parameters: typed, with its values. */
    CHECK_EQ(garden_lawn_send(bus, NULL, "front", 9, 14.5), 1);
    CHECK_EQ(s.calls, 1);
    CHECK(s.signal == &garden_signals[GARDEN_SIGNAL_LAWN]);
    CHECK(strcmp(s.room, "front") == 0);
    CHECK_EQ(s.sensor, 9);
    CHECK(s.celsius == 14.5);
    /* garden.probe matches "+/+/temp/+" but has other parameters. */
    CHECK_EQ(garden_probe_send(bus, NULL, 9, 14.5), 0);
    CHECK_EQ(s.calls, 1);
    CHECK(!garden_probe_has_receivers(bus, NULL));
    signet_bus_destroy(bus);
}

static void runtime_pattern_gets_signals_of_another_schema(void)
{
    signet_bus *bus = two_schemas();
    struct seen all = {0}, pumps = {0};
    signet_conn c1, c2;

    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "#", on_generic, &all, SIGNET_ANY, NULL,
                                      &c1),
             0);
    /* Matches only garden's topics: not SIGNET_NOMATCH, garden is on the bus. */
    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "+/garden/pump", on_generic, &pumps,
                                      SIGNET_ANY, NULL, &c2),
             0);
    CHECK_EQ(garden_pump_send(bus, NULL, true), 2);
    CHECK_EQ(all.calls, 1);
    CHECK_EQ(pumps.calls, 1);
    CHECK(pumps.signal == &garden_signals[GARDEN_SIGNAL_PUMP]);
    CHECK(strcmp(pumps.pattern->topic, "+/garden/pump") == 0);
    CHECK_EQ(garden_probe_send(bus, NULL, 1, 2.0), 1);
    CHECK_EQ(all.calls, 2);
    /* And a garden run-time pattern gets home's signals. */
    struct seen temps = {0};
    signet_conn c3;
    CHECK_EQ(signet_subscribe_pattern(bus, &garden_schema, "house/+/temp/#", on_generic, &temps,
                                      SIGNET_ANY, NULL, &c3),
             0);
    CHECK_EQ(home_temp_send(bus, NULL, "attic", 2, 30.0), 2);
    CHECK_EQ(temps.calls, 1);
    CHECK(temps.signal == &home_signals[HOME_SIGNAL_TEMP]);
    /* A filter no signal of any schema on the bus can match. */
    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "nowhere/+", on_generic, &all,
                                      SIGNET_ANY, NULL, &c3),
             SIGNET_NOMATCH);
    signet_bus_destroy(bus);
}

static void schema_added_after_the_subscription_is_reached(void)
{
    signet_bus *bus = new_bus(NULL);
    struct seen house = {0}, all = {0};
    signet_conn c1, c2;

    CHECK_EQ(home_all_house_subscribe(bus, on_generic, &house, SIGNET_ANY, &c1), 0);
    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "+/+/pump", on_generic, &all, SIGNET_ANY,
                                      NULL, &c2),
             SIGNET_NOMATCH); /* garden is not on the bus yet */
    /* garden arrives through a connect of its own. */
    struct seen own = {0};
    signet_conn c3;
    CHECK_EQ(garden_pump_connect(bus, on_pump, &own, SIGNET_ANY, &c3), 0);
    CHECK_EQ(garden_pump_send(bus, NULL, true), 3);
    CHECK_EQ(own.calls, 1);
    CHECK_EQ(house.calls, 1);
    CHECK_EQ(all.calls, 1);
    signet_bus_destroy(bus);
}

static void post_reaches_patterns_of_another_schema(void)
{
    signet_bus *bus = two_schemas();
    struct seen house = {0};
    signet_conn c;

    CHECK_EQ(home_all_house_subscribe(bus, on_generic, &house, SIGNET_ANY, &c), 0);
    CHECK_EQ(garden_pump_post(bus, NULL, true), 1);
    CHECK_EQ(house.calls, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 10), 1);
    CHECK_EQ(house.calls, 1);
    CHECK(house.signal == &garden_signals[GARDEN_SIGNAL_PUMP]);
    CHECK(house.on);
    signet_bus_destroy(bus);
}

static void replay_includes_signals_of_other_schemas(void)
{
    signet_bus *bus = two_schemas();
    struct seen house = {0};
    signet_conn c;
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};

    CHECK_EQ(garden_pump_send(bus, NULL, true), 0); /* retained, nobody listens yet */
    CHECK_EQ(home_all_house_subscribe_opts(bus, on_generic, &house, SIGNET_ANY, &replay, &c), 0);
    CHECK_EQ(house.calls, 1);
    CHECK(house.signal == &garden_signals[GARDEN_SIGNAL_PUMP]);
    CHECK(house.on);
    signet_bus_destroy(bus);
}

static void signal_no_pattern_matches_keeps_no_pattern_work(void)
{
    signet_bus *bus = two_schemas();
    struct seen all = {0};
    signet_conn c1, c2;

    CHECK(!signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_PUMP]));
    CHECK_EQ(signet_subscribe_pattern(bus, &home_schema, "#", on_generic, &all, SIGNET_ANY, NULL,
                                      &c1),
             0);
    CHECK_EQ(home_all_house_subscribe(bus, on_generic, &all, SIGNET_ANY, &c2), 0);
    CHECK(signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_PUMP]));
    CHECK(garden_pump_has_receivers(bus, NULL));
    /* "#" does not match "$garden/quiet", nor does any other pattern. */
    CHECK(!signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_QUIET]));
    CHECK(!garden_quiet_has_receivers(bus, NULL));
    CHECK_EQ(garden_quiet_send(bus, NULL), 0);
    /* Without subscribers the patterns cost garden's signals nothing again. */
    CHECK_EQ(signet_disconnect(bus, c1), 0);
    CHECK_EQ(signet_disconnect(bus, c2), 0);
    CHECK(!signet_has_pattern_subscribers(bus, &garden_signals[GARDEN_SIGNAL_PUMP]));
    CHECK(!garden_pump_has_receivers(bus, NULL));
    CHECK_EQ(garden_pump_send(bus, NULL, true), 0);
    CHECK_EQ(all.calls, 0);
    signet_bus_destroy(bus);
}

static void bus_publish_resolves_across_schemas(void)
{
    signet_bus *bus = two_schemas();
    struct seen temp = {0}, pump = {0};
    signet_conn c1, c2;
    const signet_signal_info *sig = NULL;

    CHECK_EQ(home_temps_subscribe(bus, on_temp, &temp, SIGNET_ANY, &c1), 0);
    CHECK_EQ(garden_pump_connect(bus, on_pump, &pump, SIGNET_ANY, &c2), 0);

    CHECK_EQ(signet_bus_resolve(bus, "house/garden/pump", 17, &sig), 0);
    CHECK(sig == &garden_signals[GARDEN_SIGNAL_PUMP]);
    CHECK_EQ(signet_bus_resolve(bus, "house/hall/temp/4", 17, &sig), 0);
    CHECK(sig == &home_signals[HOME_SIGNAL_TEMP]);

    garden_pump on = {.on = true};
    CHECK_EQ(signet_bus_publish(bus, NULL, "house/garden/pump", 17,
                                garden_signals[GARDEN_SIGNAL_PUMP].payload, &on),
             1);
    CHECK_EQ(pump.calls, 1);
    CHECK(pump.on);
    home_temp t = {.celsius = 19.5};
    CHECK_EQ(signet_bus_publish(bus, NULL, "house/hall/temp/4", 17,
                                home_signals[HOME_SIGNAL_TEMP].payload, &t),
             1);
    CHECK_EQ(temp.calls, 1);
    CHECK(strcmp(temp.room, "hall") == 0);
    CHECK_EQ(temp.sensor, 4);
    CHECK(temp.celsius == 19.5);
    /* Posted: queued, then dispatched. */
    CHECK_EQ(signet_bus_publish_post(bus, NULL, "house/garden/pump", 17,
                                     garden_signals[GARDEN_SIGNAL_PUMP].payload, &on),
             1);
    CHECK_EQ(signet_bus_dispatch(bus, 10), 1);
    CHECK_EQ(pump.calls, 2);

    /* The errors: no signal on the bus has it, malformed, wrong type. */
    CHECK_EQ(signet_bus_resolve(bus, "house/garden/hose", 17, &sig), SIGNET_ENOTOPIC);
    CHECK_EQ(signet_bus_publish(bus, NULL, "house/+/temp/4", 14, NULL, NULL), SIGNET_EBADTOPIC);
    CHECK_EQ(signet_bus_publish(bus, NULL, "house/garden/pump", 17,
                                home_signals[HOME_SIGNAL_TEMP].payload, &t),
             SIGNET_ETYPE);
    CHECK_EQ(signet_bus_resolve(bus, NULL, 0, &sig), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_publish(NULL, NULL, "house/garden/pump", 17, NULL, NULL), SIGNET_EINVAL);
    signet_bus_destroy(bus);

    /* Only the schemas on the bus count. */
    bus = new_bus(NULL);
    CHECK_EQ(signet_bus_resolve(bus, "house/garden/pump", 17, &sig), SIGNET_ENOTOPIC);
    CHECK_EQ(signet_bus_add_schema(bus, &garden_schema), 0);
    CHECK_EQ(signet_bus_resolve(bus, "house/garden/pump", 17, &sig), 0);
    CHECK_EQ(signet_bus_resolve(bus, "house/hall/temp/4", 17, &sig), SIGNET_ENOTOPIC);
    signet_bus_destroy(bus);
}

static void add_schema_refuses_bad_arguments(void)
{
    signet_bus *bus = new_bus(NULL);
    static const signet_schema_info old = {SIGNET_ABI + 1, "old", "old.signet", 0, NULL, 0, NULL,
                                           NULL, NULL, NULL};

    CHECK_EQ(signet_bus_add_schema(NULL, &home_schema), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_add_schema(bus, NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_add_schema(bus, &old), SIGNET_EABI);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
#define CASE(name) {"space_" #name, name}
    CASE(overlapping_schema_is_refused_with_a_message),
    CASE(schema_pattern_gets_signals_of_another_schema),
    CASE(typed_pattern_gets_signals_with_its_parameters),
    CASE(runtime_pattern_gets_signals_of_another_schema),
    CASE(schema_added_after_the_subscription_is_reached),
    CASE(post_reaches_patterns_of_another_schema),
    CASE(replay_includes_signals_of_other_schemas),
    CASE(signal_no_pattern_matches_keeps_no_pattern_work),
    CASE(bus_publish_resolves_across_schemas),
    CASE(add_schema_refuses_bad_arguments),
#undef CASE
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
