/* run_generated.c: generated code linked with the runtime. Each case checks
 * one promise of the generated API (typed connect/send, payload copies,
 * metadata tables); CTest runs one case per test, named on the command line.
 * Depends on the code signetc generates from schemas/sensors.signet,
 * kitchen_sink.signet and types_only.signet, and on libsignet.
 */
#include "kitchen_sink.signet.h"
#include "sensors.signet.h"
#include "types_only.signet.h"

#include "../check.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_OK(call) CHECK((call) >= 0)

static signet_bus *new_bus(void)
{
    signet_bus *bus = NULL;

    if (signet_bus_create(NULL, &bus) != 0 || bus == NULL) {
        fprintf(stderr, "cannot create a bus\n");
        exit(1);
    }
    return bus;
}

/* What the receivers saw. */
struct seen {
    int calls;
    const void *sender;
    const signet_signal_info *signal;
    sensors_temp temp;
    sensors_door_changed door;
    sensors_reading_taken reading;
    sensors_alarm alarm;
    ks_shapes shapes;
    char order[8];
};

static int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    struct seen *s = ctx;

    s->calls++;
    s->sender = ev->sender;
    s->signal = ev->signal;
    s->temp = *msg;
    return 0;
}

static int on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    struct seen *s = ctx;

    (void)ev;
    s->calls++;
    s->door = *msg;
    return 0;
}

static int on_reading(void *ctx, const signet_event *ev, const sensors_reading_taken *msg)
{
    struct seen *s = ctx;

    (void)ev;
    s->calls++;
    s->reading = *msg;
    return 0;
}

static int on_alarm(void *ctx, const signet_event *ev, const sensors_alarm *msg)
{
    struct seen *s = ctx;

    (void)ev;
    s->calls++;
    s->alarm = *msg;
    return 0;
}

static int on_shapes(void *ctx, const signet_event *ev, const ks_shapes *msg)
{
    struct seen *s = ctx;

    (void)ev;
    s->calls++;
    s->shapes = *msg;
    return 0;
}

static int on_started(void *ctx, const signet_event *ev)
{
    struct seen *s = ctx;

    s->calls++;
    s->sender = ev->sender;
    s->signal = ev->signal;
    return 0;
}

static int on_ping_a(void *ctx, const signet_event *ev)
{
    struct seen *s = ctx;

    (void)ev;
    s->order[strlen(s->order)] = 'a';
    return 0;
}

static int on_ping_b(void *ctx, const signet_event *ev)
{
    struct seen *s = ctx;

    (void)ev;
    s->order[strlen(s->order)] = 'b';
    return 0;
}

static void generated_send_delivers_scalars_strings_and_enums(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    char room[] = "kitchen";
    int house;

    CHECK_OK(sensors_temp_connect(bus, on_temp, &s, SIGNET_ANY, &c));
    CHECK_OK(sensors_door_changed_connect(bus, on_door, &s, SIGNET_ANY, &c));
    CHECK_OK(sensors_alarm_connect(bus, on_alarm, &s, SIGNET_ANY, &c));

    CHECK(sensors_temp_send(bus, &house, room, 7, 21.5) == 1);
    CHECK(s.sender == &house);
    CHECK(s.signal == &sensors_signals[SENSORS_SIGNAL_TEMP]);
    CHECK(s.temp.room == room && s.temp.sensor == 7 && s.temp.celsius == 21.5);

    CHECK(sensors_door_changed_send(bus, NULL, "hall", SENSORS_DOOR_JAMMED) == 1);
    CHECK(strcmp(s.door.room, "hall") == 0 && s.door.state == SENSORS_DOOR_JAMMED);

    CHECK(sensors_alarm_send(bus, NULL, true, -5, 0.25f, 65535, -128, -32768, UINT64_MAX, "x") == 1);
    CHECK(s.alarm.armed && s.alarm.since == -5 && s.alarm.level == 0.25f);
    CHECK(s.alarm.zone == 65535 && s.alarm.offset == -128 && s.alarm.delta == -32768);
    CHECK(s.alarm.code == UINT64_MAX && strcmp(s.alarm.note, "x") == 0);
    CHECK(s.calls == 3);
    signet_bus_destroy(bus);
}

static void generated_send_copies_struct_and_array_params(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    sensors_reading r = { 3, -1.5, "C", { 1, 2, 3, 255 }, SENSORS_DOOR_CLOSED };
    ks_point p = { -1, 2 };
    ks_nested n;
    uint8_t raw[4] = { 9, 8, 7, 6 };
    const char *names[2] = { "left", "right" };
    ks_point path[3] = { { 1, 1 }, { 2, 4 }, { 3, 9 } };
    ks_color hues[2] = { KS_COLOR_BLUE, KS_COLOR_GREEN };

    memset(&n, 0, sizeof n);
    n.sc.s = "deep";
    n.sc.c = KS_COLOR_GREEN;
    n.sc.p.y = 42;
    n.ar.s[2] = "third";
    n.ar.b8[4] = 200;
    n.ar.p[1].x = -7;
    n.corners[3].y = 33;

    CHECK_OK(sensors_reading_taken_connect(bus, on_reading, &s, SIGNET_ANY, &c));
    CHECK(sensors_reading_taken_send(bus, NULL, &r) == 1);
    r.raw[0] = 0; /* the payload was a copy */
    CHECK(s.reading.r.sensor == 3 && s.reading.r.celsius == -1.5);
    CHECK(strcmp(s.reading.r.unit, "C") == 0 && s.reading.r.state == SENSORS_DOOR_CLOSED);
    CHECK(s.reading.r.raw[0] == 1 && s.reading.r.raw[3] == 255);

    CHECK_OK(ks_shapes_connect(bus, on_shapes, &s, SIGNET_ANY, &c));
    CHECK(ks_shapes_send(bus, NULL, &p, &n, raw, names, path, hues) == 1);
    CHECK(s.shapes.p.x == -1 && s.shapes.p.y == 2);
    CHECK(strcmp(s.shapes.n.sc.s, "deep") == 0 && s.shapes.n.sc.c == KS_COLOR_GREEN);
    CHECK(s.shapes.n.sc.p.y == 42 && strcmp(s.shapes.n.ar.s[2], "third") == 0);
    CHECK(s.shapes.n.ar.b8[4] == 200 && s.shapes.n.ar.p[1].x == -7 && s.shapes.n.corners[3].y == 33);
    CHECK(memcmp(s.shapes.raw, raw, sizeof raw) == 0);
    CHECK(strcmp(s.shapes.names[0], "left") == 0 && strcmp(s.shapes.names[1], "right") == 0);
    CHECK(s.shapes.path[2].x == 3 && s.shapes.path[2].y == 9);
    CHECK(s.shapes.hues[0] == KS_COLOR_BLUE && s.shapes.hues[1] == KS_COLOR_GREEN);
    CHECK(KS_COLOR_GREEN == 5 && KS_COLOR_BLUE == 6 && KS_SIGN_MINUS == -1 && KS_SIGN_PLUS == 1);
    signet_bus_destroy(bus);
}

static void generated_send_msg_delivers_the_struct(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    sensors_temp msg = { "attic", 12, -3.0 };

    CHECK_OK(sensors_temp_connect(bus, on_temp, &s, SIGNET_ANY, &c));
    CHECK(sensors_temp_send_msg(bus, NULL, &msg) == 1);
    CHECK(s.temp.room == msg.room && s.temp.sensor == 12 && s.temp.celsius == -3.0);
    signet_bus_destroy(bus);
}

static void generated_no_payload_signal_reaches_receivers(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    int house;

    CHECK(sensors_started_send(bus, &house) == 0);
    CHECK_OK(sensors_started_connect(bus, on_started, &s, SIGNET_ANY, &c));
    CHECK(sensors_started_send(bus, &house) == 1);
    CHECK(s.calls == 1 && s.sender == &house);
    CHECK(s.signal == &sensors_signals[SENSORS_SIGNAL_STARTED]);
    CHECK(sensors_signals[SENSORS_SIGNAL_STARTED].payload == NULL);
    CHECK(signet_disconnect(bus, c) == 0);
    CHECK(sensors_started_send(bus, &house) == 0);
    CHECK(s.calls == 1);
    signet_bus_destroy(bus);
}

static void generated_connect_filters_by_sender(void)
{
    signet_bus *bus = new_bus();
    struct seen any = { 0 }, one = { 0 };
    signet_conn c;
    int kitchen, hall;

    CHECK_OK(sensors_temp_connect(bus, on_temp, &any, SIGNET_ANY, &c));
    CHECK_OK(sensors_temp_connect(bus, on_temp, &one, &kitchen, &c));
    CHECK(sensors_temp_send(bus, &kitchen, "kitchen", 1, 20.0) == 2);
    CHECK(sensors_temp_send(bus, &hall, "hall", 2, 18.0) == 1);
    CHECK(sensors_temp_send(bus, NULL, "none", 3, 0.0) == 1);
    CHECK(any.calls == 3 && one.calls == 1 && one.temp.sensor == 1);
    signet_bus_destroy(bus);
}

static char topic_seen[64];
static const char *topic_result;

static int on_temp_topic(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    (void)msg;
    topic_result = signet_event_topic(ev, topic_seen, sizeof topic_seen);
    return 0;
}

static int on_started_topic(void *ctx, const signet_event *ev)
{
    (void)ctx;
    topic_result = signet_event_topic(ev, NULL, 0);
    return 0;
}

static void generated_event_topic_fills_captures(void)
{
    signet_bus *bus = new_bus();
    signet_conn c;

    CHECK_OK(sensors_temp_connect(bus, on_temp_topic, NULL, SIGNET_ANY, &c));
    CHECK(sensors_temp_send(bus, NULL, "kitchen", 4294967295u, 21.5) == 1);
    CHECK(topic_result == topic_seen);
    CHECK(strcmp(topic_seen, "sensors/kitchen/4294967295/temp") == 0);
    CHECK(sensors_temp_send(bus, NULL, "hall", 0, 21.5) == 1);
    CHECK(topic_result && strcmp(topic_result, "sensors/hall/0/temp") == 0);
    /* Too long for the buffer: NULL, never a truncated topic. */
    CHECK(sensors_temp_send(bus, NULL, "a-room-name-long-enough-to-overflow-the-64-byte-buffer", 7,
                            1.0) == 1);
    CHECK(topic_result == NULL);
    /* A topic without captures is the template itself. */
    CHECK_OK(sensors_started_connect(bus, on_started_topic, NULL, SIGNET_ANY, &c));
    CHECK(sensors_started_send(bus, NULL) == 1);
    CHECK(topic_result && strcmp(topic_result, "started") == 0);
    signet_bus_destroy(bus);
}

static void generated_connect_opts_orders_by_priority(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    signet_connect_opts high = {.priority = 10};

    CHECK_OK(ks_ping_connect(bus, on_ping_a, &s, SIGNET_ANY, &c));
    CHECK_OK(ks_ping_connect_opts(bus, on_ping_b, &s, SIGNET_ANY, &high, &c));
    CHECK(ks_ping_send(bus, NULL) == 2);
    CHECK(strcmp(s.order, "ba") == 0);
    signet_bus_destroy(bus);
}

static void generated_has_receivers_follows_connections(void)
{
    signet_bus *bus = new_bus();
    struct seen s = { 0 };
    signet_conn c;
    int kitchen, hall;

    CHECK(!sensors_temp_has_receivers(bus, &kitchen));
    CHECK_OK(sensors_temp_connect(bus, on_temp, &s, &kitchen, &c));
    CHECK(sensors_temp_has_receivers(bus, &kitchen));
    CHECK(!sensors_temp_has_receivers(bus, &hall));
    CHECK(!sensors_door_changed_has_receivers(bus, &kitchen));
    CHECK(signet_disconnect(bus, c) == 0);
    CHECK(!sensors_temp_has_receivers(bus, &kitchen));
    signet_bus_destroy(bus);
}

static void generated_metadata_describes_signals(void)
{
    static const char *const names[] = { "started",     "stopped", "reading_taken", "door_changed",
                                         "temp", "battery_low", "alarm" };
    uint32_t i;

    CHECK(sensors_schema.abi == SIGNET_ABI);
    CHECK(strcmp(sensors_schema.ns, "sensors") == 0);
    CHECK(strcmp(sensors_schema.source, "sensors.signet") == 0);
    CHECK(sensors_schema.signal_count == SENSORS_SIGNAL_COUNT && SENSORS_SIGNAL_COUNT == 7);
    CHECK(sensors_schema.signals == sensors_signals);
    for (i = 0; i < SENSORS_SIGNAL_COUNT; i++) {
        CHECK(strcmp(sensors_signals[i].name, names[i]) == 0);
        CHECK(sensors_signals[i].id == i);
        CHECK(sensors_signals[i].schema == &sensors_schema);
    }
    CHECK(strcmp(sensors_signals[SENSORS_SIGNAL_TEMP].topic, "sensors/{room}/{sensor}/temp") == 0);
    CHECK(strcmp(sensors_signals[SENSORS_SIGNAL_STOPPED].topic, "stopped") == 0);
    CHECK(strcmp(ks_signals[KS_SIGNAL_ODD].topic, "odd/@home/{room}/{id}/a*/q?\?=/$1/m4_x/sig4_y") == 0);
}

static void generated_metadata_describes_fields(void)
{
    const signet_struct_info *p = sensors_signals[SENSORS_SIGNAL_READING_TAKEN].payload;
    const signet_struct_info *r, *shapes;
    const signet_field_info *f;

    CHECK(strcmp(p->name, "sensors_reading_taken") == 0);
    CHECK(p->size == sizeof(sensors_reading_taken) && p->align == _Alignof(sensors_reading_taken));
    CHECK(p->field_count == 1 && p->fields[0].type == SIGNET_TYPE_STRUCT);
    r = p->fields[0].struct_info;
    CHECK(r != NULL && strcmp(r->name, "sensors_reading") == 0 && r->field_count == 5);
    f = &r->fields[3];
    CHECK(strcmp(f->name, "raw") == 0 && f->type == SIGNET_TYPE_U8 && f->array_len == 4);
    CHECK(f->offset == offsetof(sensors_reading, raw) && f->size == 1);
    f = &r->fields[4];
    CHECK(strcmp(f->name, "state") == 0 && f->type == SIGNET_TYPE_ENUM);
    CHECK(f->offset == offsetof(sensors_reading, state) && f->array_len == 0);
    CHECK(f->enum_info != NULL && strcmp(f->enum_info->name, "sensors_door") == 0);
    CHECK(f->enum_info->count == 3 && strcmp(f->enum_info->names[2], "jammed") == 0);
    CHECK(f->enum_info->values[2] == SENSORS_DOOR_JAMMED);
    CHECK(r->fields[2].type == SIGNET_TYPE_STR && r->fields[2].size == sizeof(const char *));

    shapes = ks_signals[KS_SIGNAL_SHAPES].payload;
    CHECK(shapes->field_count == 6);
    CHECK(strcmp(shapes->fields[3].name, "names") == 0 && shapes->fields[3].array_len == 2);
    CHECK(shapes->fields[4].array_len == 3 && shapes->fields[4].size == sizeof(ks_point));
    CHECK(shapes->fields[4].offset == offsetof(ks_shapes, path));
    CHECK(shapes->fields[1].struct_info->fields[2].array_len == 4);
    CHECK(shapes->fields[5].enum_info->values[0] == 0 && shapes->fields[5].enum_info->values[1] == 5);
    CHECK(ks_signals[KS_SIGNAL_LAST].payload->fields[0].enum_info->values[0] == -1);
}

/* signet_signal_info.wire and signet_schema_info.resolve / .publish_post:
 * what a bridge needs to route and encode any schema's signals. */
static void generated_metadata_links_wire_formats_and_topic_functions(void)
{
    const signet_signal_info *every = &ks_signals[KS_SIGNAL_EVERY];
    const signet_signal_info *odd = &ks_signals[KS_SIGNAL_ODD];
    uint32_t i;

    CHECK(every->wire != NULL && every->wire->layout == every->payload);
    CHECK(odd->wire != NULL && odd->wire->layout == odd->payload); /* import only */
    CHECK(odd->wire->count == 0); /* both captured */
    CHECK(ks_signals[KS_SIGNAL_SHAPES].wire->layout == ks_signals[KS_SIGNAL_SHAPES].payload);
    CHECK(ks_signals[KS_SIGNAL_PING].wire != NULL); /* no payload */
    CHECK(ks_signals[KS_SIGNAL_PING].wire->layout == NULL);
    CHECK(ks_signals[KS_SIGNAL_LAST].wire == NULL); /* neither */
    for (i = 0; i < SENSORS_SIGNAL_COUNT; i++)
        CHECK(sensors_signals[i].wire == NULL);
    for (i = 0; i < ks_schema.pattern_count; i++)
        CHECK(ks_schema.patterns[i].wire == NULL);

    CHECK(ks_schema.resolve == ks_resolve && ks_schema.publish_post == ks_publish_post);
    CHECK(sensors_schema.resolve == sensors_resolve);
    CHECK(sensors_schema.publish_post == sensors_publish_post);
    CHECK(ks_schema.resolve("every", 5) == KS_SIGNAL_EVERY);
    CHECK(types_only_schema.resolve == NULL && types_only_schema.publish_post == NULL);
}

static void generated_schema_without_signals_has_empty_table(void)
{
    types_only_sample sample = { TYPES_ONLY_LEVEL_HIGH, { 1.0, 2.0 } };

    CHECK(TYPES_ONLY_SIGNAL_COUNT == 0);
    CHECK(types_only_schema.signal_count == 0 && types_only_schema.signals == NULL);
    CHECK(strcmp(types_only_schema.ns, "types_only") == 0);
    CHECK(sample.l == 1 && sample.v[1] == 2.0);
}

/* A bus whose queues take payloads of up to slot_size bytes (ks_shapes is
 * larger than the default). */
static signet_bus *new_bus_slots(uint32_t slot_size)
{
    signet_bus_options opts;
    signet_bus *bus = NULL;

    memset(&opts, 0, sizeof opts);
    opts.slot_size = slot_size;
    if (signet_bus_create(&opts, &bus) != 0 || bus == NULL) {
        fprintf(stderr, "cannot create a bus\n");
        exit(1);
    }
    return bus;
}

static void generated_post_deep_copies_the_payload(void)
{
    signet_bus *bus = new_bus_slots(4096);
    struct seen s = { 0 };
    signet_conn c;
    char room[] = "kitchen", unit[] = "C", deep[] = "deep", third[] = "third";
    char left[] = "left", right[] = "right";
    sensors_reading r = { 3, -1.5, unit, { 1, 2, 3, 255 }, SENSORS_DOOR_CLOSED };
    ks_point p = { -1, 2 };
    ks_nested n;
    uint8_t raw[4] = { 9, 8, 7, 6 };
    const char *names[2];
    ks_point path[3] = { { 1, 1 }, { 2, 4 }, { 3, 9 } };
    ks_color hues[2] = { KS_COLOR_BLUE, KS_COLOR_GREEN };

    names[0] = left;
    names[1] = right;
    memset(&n, 0, sizeof n);
    n.sc.s = deep;
    n.ar.s[2] = third;
    n.corners[3].y = 33;
    CHECK_OK(sensors_temp_connect(bus, on_temp, &s, SIGNET_ANY, &c));
    CHECK_OK(sensors_reading_taken_connect(bus, on_reading, &s, SIGNET_ANY, &c));
    CHECK_OK(ks_shapes_connect(bus, on_shapes, &s, SIGNET_ANY, &c));
    CHECK(sensors_temp_post(bus, NULL, room, 7, 21.5) == 1);
    CHECK(sensors_reading_taken_post(bus, NULL, &r) == 1);
    CHECK(ks_shapes_post(bus, NULL, &p, &n, raw, names, path, hues) == 1);
    /* The caller scribbles over everything it passed. */
    memset(room, 'x', sizeof room - 1);
    memset(unit, 'x', sizeof unit - 1);
    memset(deep, 'x', sizeof deep - 1);
    memset(third, 'x', sizeof third - 1);
    memset(left, 'x', sizeof left - 1);
    memset(right, 'x', sizeof right - 1);
    memset(&r, 0, sizeof r);
    memset(&n, 0, sizeof n);
    memset(raw, 0, sizeof raw);
    memset(path, 0, sizeof path);
    CHECK(s.calls == 0);

    /* The receivers copy the payload struct; its strings live in the queue
     * slot, valid only during the call, so look at them there. */
    CHECK(signet_bus_dispatch(bus, 1) == 1);
    CHECK(s.temp.sensor == 7 && s.temp.celsius == 21.5);
    CHECK(signet_bus_dispatch(bus, 1) == 1);
    CHECK(s.reading.r.sensor == 3 && s.reading.r.raw[3] == 255);
    CHECK(s.reading.r.state == SENSORS_DOOR_CLOSED);
    CHECK(signet_bus_dispatch(bus, 1) == 1);
    CHECK(s.shapes.p.x == -1 && s.shapes.n.corners[3].y == 33);
    CHECK(memcmp(s.shapes.raw, "\x09\x08\x07\x06", 4) == 0);
    CHECK(s.shapes.path[2].y == 9 && s.shapes.hues[1] == KS_COLOR_GREEN);
    CHECK(s.calls == 3);
    signet_bus_destroy(bus);
}

static char copied[4][16];

static int on_temp_copy(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    (void)ev;
    snprintf(copied[0], sizeof copied[0], "%s", msg->room);
    return 0;
}

static int on_shapes_copy(void *ctx, const signet_event *ev, const ks_shapes *msg)
{
    (void)ctx;
    (void)ev;
    snprintf(copied[1], sizeof copied[1], "%s", msg->n.sc.s);
    snprintf(copied[2], sizeof copied[2], "%s", msg->n.ar.s[2]);
    snprintf(copied[3], sizeof copied[3], "%s+%s", msg->names[0], msg->names[1]);
    return 0;
}

static void generated_post_strings_survive_the_caller(void)
{
    signet_bus *bus = new_bus_slots(4096);
    signet_conn c;
    char room[] = "kitchen", deep[] = "deep", third[] = "third", left[] = "l", right[] = "r";
    ks_point p = { 0, 0 };
    ks_nested n;
    uint8_t raw[4] = { 0 };
    const char *names[2];
    ks_point path[3];
    ks_color hues[2] = { KS_COLOR_RED, KS_COLOR_RED };
    signet_stats st;

    names[0] = left;
    names[1] = right;
    memset(&n, 0, sizeof n);
    memset(path, 0, sizeof path);
    n.sc.s = deep;
    n.ar.s[2] = third;
    CHECK_OK(sensors_temp_connect(bus, on_temp_copy, NULL, SIGNET_ANY, &c));
    CHECK_OK(ks_shapes_connect(bus, on_shapes_copy, NULL, SIGNET_ANY, &c));
    CHECK(sensors_temp_post(bus, NULL, room, 1, 0.0) == 1);
    CHECK(ks_shapes_post(bus, NULL, &p, &n, raw, names, path, hues) == 1);
    CHECK(signet_bus_stats(bus, &st) == 0 && st.depth == 2);
    room[0] = deep[0] = third[0] = left[0] = right[0] = '#';
    CHECK(signet_bus_dispatch(bus, 0) == 2);
    CHECK(strcmp(copied[0], "kitchen") == 0);
    CHECK(strcmp(copied[1], "deep") == 0);
    CHECK(strcmp(copied[2], "third") == 0);
    CHECK(strcmp(copied[3], "l+r") == 0);
    signet_bus_destroy(bus);
}

static void generated_metadata_carries_queue_overrides(void)
{
    CHECK(ks_signals[KS_SIGNAL_SHAPES].queue_len == 8);
    CHECK(ks_signals[KS_SIGNAL_SHAPES].overflow == SIGNET_OVERFLOW_BLOCK);
    CHECK(ks_signals[KS_SIGNAL_LAST].queue_len == 2);
    CHECK(ks_signals[KS_SIGNAL_LAST].overflow == SIGNET_OVERFLOW_DROP_NEWEST);
    CHECK(sensors_signals[SENSORS_SIGNAL_ALARM].overflow == SIGNET_OVERFLOW_DROP_OLDEST);
    CHECK(sensors_signals[SENSORS_SIGNAL_TEMP].queue_len == 0);
    CHECK(sensors_signals[SENSORS_SIGNAL_TEMP].overflow == SIGNET_OVERFLOW_DEFAULT);
    CHECK(sensors_signals[SENSORS_SIGNAL_STARTED].invoke != NULL);
}

static void generated_post_no_payload_and_too_big(void)
{
    signet_bus_options opts;
    signet_bus *bus = NULL;
    struct seen s = { 0 };
    signet_conn c;
    char big[300];

    memset(&opts, 0, sizeof opts);
    opts.slot_size = 64;
    CHECK(signet_bus_create(&opts, &bus) == 0);
    CHECK_OK(sensors_started_connect(bus, on_started, &s, SIGNET_ANY, &c));
    CHECK_OK(sensors_temp_connect(bus, on_temp, &s, SIGNET_ANY, &c));
    CHECK(sensors_started_post(bus, &s) == 1);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(sensors_temp_post(bus, NULL, big, 1, 1.0) == SIGNET_ETOOBIG);
    CHECK(signet_bus_dispatch(bus, 0) == 1);
    CHECK(s.calls == 1 && s.sender == &s);
    CHECK(signet_signal_dropped(bus, &sensors_signals[SENSORS_SIGNAL_TEMP]) == 1);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
#define CASE(name) { #name, name }
    CASE(generated_send_delivers_scalars_strings_and_enums),
    CASE(generated_send_copies_struct_and_array_params),
    CASE(generated_send_msg_delivers_the_struct),
    CASE(generated_no_payload_signal_reaches_receivers),
    CASE(generated_connect_filters_by_sender),
    CASE(generated_connect_opts_orders_by_priority),
    CASE(generated_event_topic_fills_captures),
    CASE(generated_has_receivers_follows_connections),
    CASE(generated_metadata_describes_signals),
    CASE(generated_metadata_describes_fields),
    CASE(generated_metadata_links_wire_formats_and_topic_functions),
    CASE(generated_schema_without_signals_has_empty_table),
    CASE(generated_post_deep_copies_the_payload),
    CASE(generated_post_strings_survive_the_caller),
    CASE(generated_metadata_carries_queue_overrides),
    CASE(generated_post_no_payload_and_too_big),
#undef CASE
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
