/* top/main.c: watching a running bus, as `mosquitto_sub -v -t '#'` and
 * PX4's `uorb top` watch theirs.
 *
 * A house of sensors runs on one bus: thermometers send temperatures, a
 * door sensor posts its state to the bus's queue, a battery runs low and
 * an alarm is posted to a queue too small for it. A tap prints every send
 * and post as one JSON line (signal, topic, sender, payload, through the
 * schema's metadata and signet_format_json()), and the bus counts what
 * each signal did: after each round the program prints a top-like table.
 *
 *     top            three scripted rounds: the trace of the first, and a
 *                    table after each (what tests/examples checks)
 *     top --live N   a thread keeps the house busy for N seconds while the
 *                    main thread dispatches and redraws the table every
 *                    second, without the trace
 *
 * Depends on the generated sensors.signet.h (from schemas/sensors.signet)
 * and on libsignet.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */

#include "sensors.signet.h"

#include <signet.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the house ------------------------------------------------------------- */

static const char kitchen[] = "kitchen thermometer";
static const char hallway[] = "hallway thermometer";
static const char front_door[] = "front door";

static int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ev;
    *(double *)ctx = msg->celsius; /* the last temperature */
    return 0;
}

static int on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ev;
    (void)msg;
    ++*(int *)ctx;
    return 0;
}

static int on_alarm(void *ctx, const signet_event *ev, const sensors_alarm *msg)
{
    (void)ev;
    (void)msg;
    ++*(int *)ctx;
    return 0;
}

/* One round of the house: what every sensor does once. */
static void round_of(signet_bus *bus, int i)
{
    (void)sensors_temp_send(bus, kitchen, "kitchen", 7, 20.5 + i);
    (void)sensors_temp_send(bus, hallway, "hallway", 3, 18.0 + i);
    (void)sensors_door_changed_post(bus, front_door, "hall",
                                    i % 2 ? SENSORS_DOOR_CLOSED : SENSORS_DOOR_OPEN);
    (void)sensors_battery_low_send(bus, hallway, 3, (uint8_t)(20 - i));
    for (int k = 0; k < 3; k++) /* its queue holds 2 and evicts the oldest */
        (void)sensors_alarm_post(bus, front_door, true, i, 0.5f, 1, 0, 0, 0, "motion");
}

/* ---- watching it ------------------------------------------------------------- */

/* The tap: one JSON line per send or post. Senders here are strings (any
 * address can be a sender; a tool that cannot name them prints null). */
static void trace(void *ctx, const signet_event *ev, const void *payload, unsigned what)
{
    char topic[SIGNET_TOPIC_MAX_BYTES + 1], json[512];
    const char *t = signet_event_topic(ev, topic, sizeof topic);

    (void)ctx;
    if (signet_format_json(ev->signal->payload, payload, json, sizeof json, NULL) != 0)
        strcpy(json, "\"(too long)\"");
    printf("{\"op\":\"%s\",\"signal\":\"%s\",\"topic\":\"%s\",\"sender\":%s%s%s,\"payload\":%s}\n",
           what == SIGNET_TAP_SEND ? "send" : "post", ev->signal->name, t ? t : "",
           ev->sender ? "\"" : "", ev->sender ? (const char *)ev->sender : "null",
           ev->sender ? "\"" : "", json);
}

/* The table: every signal of the schema with its counters. */
static void top(const signet_bus *bus, const char *title)
{
    printf("\n%s\n%-14s %8s %8s %10s %8s\n", title, "signal", "sent", "posted", "delivered",
           "dropped");
    for (uint32_t i = 0; i < sensors_schema.signal_count; i++) {
        const signet_signal_info *sig = &sensors_schema.signals[i];
        signet_signal_counters n;
        if (signet_signal_counts(bus, sig, &n) != 0)
            continue;
        printf("%-14s %8llu %8llu %10llu %8llu\n", sig->name, (unsigned long long)n.sent,
               (unsigned long long)n.posted, (unsigned long long)n.delivered,
               (unsigned long long)n.dropped);
    }
}

/* ---- live mode ------------------------------------------------------------- */

struct live {
    signet_bus *bus;
    atomic_bool stop;
};

static void *keep_busy(void *arg)
{
    struct live *l = arg;

    for (int i = 0; !atomic_load(&l->stop); i++) {
        round_of(l->bus, i % 10);
        nanosleep(&(struct timespec){0, 1000000}, NULL); /* a house, not a benchmark */
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int live(signet_bus *bus, int seconds)
{
    struct live l = {bus, false};
    pthread_t t;

    if (pthread_create(&t, NULL, keep_busy, &l) != 0)
        return 1;
    double start = now(), next = start + 1;
    for (int shown = 0; shown < seconds;) {
        (void)signet_bus_dispatch(bus, 0);
        if (now() >= next) {
            char title[64];
            snprintf(title, sizeof title, "after %d s", ++shown);
            top(bus, title);
            fflush(stdout);
            next += 1;
        }
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    atomic_store(&l.stop, true);
    pthread_join(t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    signet_bus *bus;
    signet_queue *small;
    signet_conn c;
    double kitchen_c = 0, hallway_c = 0;
    int doors = 0, alarms = 0;

    if (signet_bus_create(NULL, &bus) != 0 ||
        signet_queue_create(bus, &(signet_queue_options){.capacity = 2}, &small) != 0)
        return 1;
    if (sensors_temp_connect(bus, on_temp, &kitchen_c, kitchen, &c) < 0 ||
        sensors_temp_connect(bus, on_temp, &hallway_c, hallway, &c) < 0 ||
        sensors_door_changed_connect_opts(
            bus, on_door, &doors, SIGNET_ANY,
            &(signet_connect_opts){.queue = signet_bus_queue(bus)}, &c) < 0 ||
        sensors_alarm_connect_opts(bus, on_alarm, &alarms, SIGNET_ANY,
                                   &(signet_connect_opts){.queue = small}, &c) < 0)
        return 1;
    if (signet_bus_counting(bus, true) != 0)
        return 1;

    int rc = 0;
    if (argc == 3 && strcmp(argv[1], "--live") == 0) {
        rc = live(bus, atoi(argv[2]));
    } else {
        uint32_t tap;
        if (signet_tap_add(bus, trace, NULL, &tap) != 0)
            return 1;
        round_of(bus, 0);
        if (signet_tap_remove(bus, tap) != 0)
            return 1;
        (void)signet_bus_dispatch(bus, 0);
        (void)signet_queue_dispatch(small, 0);
        top(bus, "after round 1 (traced above)");
        for (int i = 1; i < 3; i++) {
            round_of(bus, i);
            (void)signet_bus_dispatch(bus, 0);
            (void)signet_queue_dispatch(small, 0);
        }
        top(bus, "after round 3");
        printf("\nlast: kitchen %.1f C, hallway %.1f C; %d door changes, %d alarms run\n",
               kitchen_c, hallway_c, doors, alarms);
    }
    signet_bus_destroy(bus);
    return rc;
}
