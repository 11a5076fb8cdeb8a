/* rooms/main.c: rooms and sensor ids subscribed through topic patterns
 * (schemas/sensors.signet):
 *
 *     signal temp(str room, u32 sensor, f64 celsius) topic "sensors/{room}/{sensor}/temp";
 *     signal door_changed(str room, door state) topic "house/{room}/door";
 *     pattern kitchen    "sensors/kitchen/+/temp";
 *     pattern sensor7    "sensors/+/7/temp";
 *     pattern doors      "house/+/door";
 *     pattern everything "#";
 *
 * kitchen, sensor7 and doors match signals of one payload type, so their
 * subscribers are typed; everything matches all signals and is generic: it
 * reads payloads with the generated accessors. Sending a temp builds its
 * concrete topic and matches it only because patterns that can match it
 * have subscribers. A bridge then publishes topic strings, as it would for
 * messages from an MQTT broker. */
#include "sensors.signet.h"

#include <stdio.h>
#include <string.h>

static const char *const door_names[] = {"open", "closed", "jammed"};

static int kitchen_display(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    printf("    kitchen display (%s): sensor %u reads %.1f C\n", ev->pattern->topic,
           (unsigned)msg->sensor, msg->celsius);
    return 0;
}

static int sensor7_log(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    printf("    sensor 7 log (%s): %.1f C in the %s\n", ev->pattern->topic, msg->celsius,
           msg->room);
    return 0;
}

static int door_watch(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ctx;
    printf("    door watch (%s): %s door %s\n", ev->pattern->topic, msg->room,
           door_names[msg->state]);
    return 0;
}

/* Generic: every signal of the house, whatever its payload. */
static int recorder(void *ctx, const signet_event *ev, const void *payload)
{
    char topic[SIGNET_EVENT_TOPIC_MAX + 1];
    const sensors_temp *t = sensors_temp_of(ev, payload);
    const sensors_door_changed *d = sensors_door_changed_of(ev, payload);
    int *count = ctx;

    ++*count;
    printf("    recorder (%s): #%d %s", ev->pattern->topic, *count,
           signet_event_topic(ev, topic, sizeof topic));
    if (t)
        printf(" = %.1f C\n", t->celsius);
    else if (d)
        printf(" = %s\n", door_names[d->state]);
    else
        printf("\n");
    return 0;
}

static void report(int rc)
{
    if (rc < 0)
        printf("    -> %s\n", signet_strerror(rc));
    else
        printf("    -> %d subscriber%s ran\n", rc, rc == 1 ? "" : "s");
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_conn c;
    int recorded = 0;

    if (signet_bus_create(NULL, &bus) != 0 ||
        sensors_kitchen_subscribe(bus, kitchen_display, NULL, SIGNET_ANY, &c) != 0 ||
        sensors_sensor7_subscribe(bus, sensor7_log, NULL, SIGNET_ANY, &c) != 0 ||
        sensors_doors_subscribe(bus, door_watch, NULL, SIGNET_ANY, &c) != 0 ||
        sensors_everything_subscribe(bus, recorder, &recorded, SIGNET_ANY, &c) != 0)
        return 1;

    printf("== sends\n");
    printf("temp kitchen/7 21.5\n");
    report(sensors_temp_send(bus, NULL, "kitchen", 7, 21.5));
    printf("temp kitchen/3 20.0\n");
    report(sensors_temp_send(bus, NULL, "kitchen", 3, 20.0));
    printf("temp attic/7 31.0\n");
    report(sensors_temp_send(bus, NULL, "attic", 7, 31.0));
    printf("temp attic/2 30.5\n");
    report(sensors_temp_send(bus, NULL, "attic", 2, 30.5));
    printf("door hall open\n");
    report(sensors_door_changed_send(bus, NULL, "hall", SENSORS_DOOR_OPEN));
    printf("started\n");
    report(sensors_started_send(bus, NULL));

    printf("== a bridge publishes topic strings\n");
    const sensors_temp temp = {.celsius = 18.0}; /* room and sensor come from the topic */
    const char *topics[] = {"sensors/cellar/7/temp", "sensors/kitchen/12/temp",
                            "sensors/kitchen/007/temp", "sensors/+/7/temp"};
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        printf("publish %s\n", topics[i]);
        report(sensors_publish(bus, NULL, topics[i], strlen(topics[i]),
                               sensors_signals[SENSORS_SIGNAL_TEMP].payload, &temp));
    }
    const sensors_door_changed door = {.state = SENSORS_DOOR_JAMMED};
    printf("publish house/garage/door\n");
    report(sensors_publish(bus, NULL, "house/garage/door", 17,
                           sensors_signals[SENSORS_SIGNAL_DOOR_CHANGED].payload, &door));
    printf("publish house/garage/door with a temp payload\n");
    report(sensors_publish(bus, NULL, "house/garage/door", 17,
                           sensors_signals[SENSORS_SIGNAL_TEMP].payload, &temp));

    signet_bus_destroy(bus);
    return 0;
}
