/* sensors/main.c: a small house full of sensors on one signet bus.
 *
 * Shows, in order: senders as objects (two thermometers and a door sensor),
 * receivers for any sender and for one sender, a priority receiver that ends
 * an emission with SIGNET_STOP, a run-once receiver (SIGNET_ONCE), a receiver
 * that fails and the bus's error hook, a struct payload with an array and an
 * enum, and disconnecting everything one object connected (disconnect_ctx).
 *
 * Depends on the generated sensors.signet.h (from schemas/sensors.signet) and
 * on libsignet.
 */
#include "sensors.signet.h"

#include <signet.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- the senders: any object's address can be a sender -------------------- */

struct thermometer {
    const char *room;
    uint32_t id;
};

struct door_sensor {
    const char *room;
};

static const struct thermometer kitchen = {"kitchen", 7};
static const struct thermometer hallway = {"hallway", 3};
static const struct door_sensor front_door = {"hall"};
static const char house[] = "house";

static const char *sender_name(const void *sender)
{
    if (sender == &kitchen)
        return "the kitchen thermometer";
    if (sender == &hallway)
        return "the hallway thermometer";
    if (sender == &front_door)
        return "the front door sensor";
    if (sender == house)
        return "the house";
    return sender ? "someone else" : "an anonymous sender";
}

static const char *door_name(sensors_door state)
{
    switch (state) {
    case SENSORS_DOOR_OPEN:
        return "open";
    case SENSORS_DOOR_CLOSED:
        return "closed";
    case SENSORS_DOOR_JAMMED:
        return "jammed";
    }
    return "?";
}

/* ---- the receivers --------------------------------------------------------- */

/* The wall display: one object, connected to several signals for any sender. */
struct display {
    int lines;
};

static int display_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    struct display *d = ctx;
    d->lines++;
    printf("    display: %s sensor %u reads %.1f C (from %s)\n", msg->room, (unsigned)msg->sensor,
           msg->celsius, sender_name(ev->sender));
    return 0;
}

static int display_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    struct display *d = ctx;
    d->lines++;
    printf("    display: %s door is %s (from %s)\n", msg->room, door_name(msg->state),
           sender_name(ev->sender));
    return 0;
}

/* Runs before everyone else on temp (priority 10) and ends the emission when
 * there is a fire: the receivers after it are not called. */
static int fire_guard(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    (void)ev;
    if (msg->celsius >= 60.0) {
        printf("    fire guard: %.1f C in the %s! alarm raised, emission stopped\n", msg->celsius,
               msg->room);
        return SIGNET_STOP;
    }
    printf("    fire guard: %.1f C in the %s is fine\n", msg->celsius, msg->room);
    return 0;
}

/* The kitchen fan listens to the kitchen thermometer only. */
struct fan {
    int on;
};

static int kitchen_fan(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    struct fan *f = ctx;
    (void)ev;
    f->on = msg->celsius > 25.0;
    printf("    kitchen fan: %s\n", f->on ? "on" : "off");
    return 0;
}

/* Runs once: the first start only. */
static int welcome(void *ctx, const signet_event *ev)
{
    (void)ctx;
    printf("    welcome: first start of %s (this receiver runs once)\n", sender_name(ev->sender));
    return 0;
}

static int log_started(void *ctx, const signet_event *ev)
{
    (void)ctx;
    printf("    log: started by %s\n", sender_name(ev->sender));
    return 0;
}

/* The door recorder refuses states it cannot store: it returns an error, the
 * bus tells the error hook, and the emission goes on. */
static int door_recorder(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ctx;
    (void)ev;
    if (msg->state == SENSORS_DOOR_JAMMED) {
        printf("    recorder: cannot record a jammed door, failing\n");
        return SIGNET_EINVAL;
    }
    printf("    recorder: %s door %s recorded\n", msg->room, door_name(msg->state));
    return 0;
}

static int log_reading(void *ctx, const signet_event *ev, const sensors_reading_taken *msg)
{
    const sensors_reading *r = &msg->r;
    (void)ctx;
    (void)ev;
    printf("    log: reading of sensor %u: %.2f %s, raw %u %u %u %u, door %s\n",
           (unsigned)r->sensor, r->celsius, r->unit, r->raw[0], r->raw[1], r->raw[2], r->raw[3],
           door_name(r->state));
    return 0;
}

static int log_stopped(void *ctx, const signet_event *ev, const sensors_stopped *msg)
{
    (void)ctx;
    printf("    log: stopped by %s, code %d (%s)\n", sender_name(ev->sender), (int)msg->code,
           msg->reason);
    return 0;
}

/* The bus's error hook: told about every receiver that returns an error. */
static void on_error(void *ctx, const signet_event *ev, int err)
{
    (void)ctx;
    printf("    error hook: a receiver of %s from %s failed: %s\n", ev->signal->name,
           sender_name(ev->sender), signet_strerror(err));
}

/* ---- main ------------------------------------------------------------------ */

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", what, signet_strerror(rc));
        exit(1);
    }
}

static void sent(int ran)
{
    check(ran, "send");
    printf("    -> %d receiver%s ran\n", ran, ran == 1 ? "" : "s");
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_bus_options bus_opts = {.on_error = on_error};
    signet_connect_opts first = {.priority = 10};
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    struct display display = {0};
    struct fan fan = {0};
    signet_conn c;

    check(signet_bus_create(&bus_opts, &bus), "signet_bus_create");

    check(sensors_started_connect_opts(bus, welcome, NULL, SIGNET_ANY, &once, &c), "connect");
    check(sensors_started_connect(bus, log_started, NULL, SIGNET_ANY, &c), "connect");
    check(sensors_temp_connect(bus, display_temp, &display, SIGNET_ANY, &c), "connect");
    check(sensors_temp_connect(bus, kitchen_fan, &fan, &kitchen, &c), "connect");
    check(sensors_temp_connect_opts(bus, fire_guard, NULL, SIGNET_ANY, &first, &c), "connect");
    check(sensors_door_changed_connect(bus, display_door, &display, SIGNET_ANY, &c), "connect");
    check(sensors_door_changed_connect_opts(bus, door_recorder, NULL, &front_door, &first, &c),
          "connect");
    check(sensors_reading_taken_connect(bus, log_reading, NULL, SIGNET_ANY, &c), "connect");
    check(sensors_stopped_connect(bus, log_stopped, NULL, house, &c), "connect");

    printf("== the house starts (twice)\n");
    sent(sensors_started_send(bus, house));
    sent(sensors_started_send(bus, house));

    printf("== temperatures\n");
    printf("kitchen thermometer: 21.5 C\n");
    sent(sensors_temp_send(bus, &kitchen, kitchen.room, kitchen.id, 21.5));
    printf("hallway thermometer: 19.0 C (the kitchen fan does not listen)\n");
    sent(sensors_temp_send(bus, &hallway, hallway.room, hallway.id, 19.0));
    printf("kitchen thermometer: 27.5 C\n");
    sent(sensors_temp_send(bus, &kitchen, kitchen.room, kitchen.id, 27.5));
    printf("kitchen thermometer: 72.0 C\n");
    sent(sensors_temp_send(bus, &kitchen, kitchen.room, kitchen.id, 72.0));

    printf("== the front door\n");
    printf("opened\n");
    sent(sensors_door_changed_send(bus, &front_door, front_door.room, SENSORS_DOOR_OPEN));
    printf("jammed\n");
    sent(sensors_door_changed_send(bus, &front_door, front_door.room, SENSORS_DOOR_JAMMED));
    printf("closed, reported anonymously (the recorder listens to the sensor only)\n");
    sent(sensors_door_changed_send(bus, NULL, front_door.room, SENSORS_DOOR_CLOSED));

    printf("== a full reading (a struct payload)\n");
    {
        sensors_reading r = {
            .sensor = 7,
            .celsius = 21.75,
            .unit = "C",
            .raw = {0x08, 0x70, 0x00, 0x01},
            .state = SENSORS_DOOR_CLOSED,
        };
        sent(sensors_reading_taken_send(bus, &kitchen, &r));
    }

    printf("== the display is unplugged\n");
    printf("disconnect_ctx(display) disconnected %d receivers; it showed %d lines\n",
           signet_disconnect_ctx(bus, &display), display.lines);
    printf("kitchen thermometer: 20.0 C\n");
    sent(sensors_temp_send(bus, &kitchen, kitchen.room, kitchen.id, 20.0));

    printf("== the house stops\n");
    sent(sensors_stopped_send(bus, house, 0, "good night"));
    printf("stopped from anyone but the house reaches nobody:\n");
    sent(sensors_stopped_send(bus, &kitchen, 1, "not my job"));

    printf("== receiver errors seen by the bus: %llu\n",
           (unsigned long long)signet_bus_error_count(bus));
    signet_bus_destroy(bus);
    return 0;
}
