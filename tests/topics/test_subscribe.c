/* test_subscribe.c: pattern subscriptions (subs.signet): typed and generic
 * subscribers, delivery order, sender filtering, SIGNET_STOP, errors,
 * run-once, disconnects during delivery, posts, filters that can match no
 * signal (SIGNET_NOMATCH), and the rules for captured values. One case per
 * CTest test (see CMakeLists.txt). */
#include "subs.signet.private.h"

#include "../runtime/fixture.h"

static struct trace trace;

struct sub {
    char tag;
    int ret;
    int calls;
    double last_celsius;
    uint32_t last_sensor;
    char last_room[32];
    const signet_signal_info *last_pattern;
    const signet_signal_info *last_signal;
    signet_conn conn;
    signet_conn other;       /* a connection to disconnect while running */
    signet_bus *bus;
};

static void note(struct sub *s, const signet_event *ev)
{
    s->calls++;
    s->last_pattern = ev->pattern;
    s->last_signal = ev->signal;
    trace_add(&trace, s->tag);
    if (s->other.generation)
        CHECK_OK(signet_disconnect(s->bus, s->other));
}

static int on_temp(void *ctx, const signet_event *ev, const subs_temp *msg)
{
    struct sub *s = ctx;
    s->last_celsius = msg->celsius;
    s->last_sensor = msg->sensor;
    snprintf(s->last_room, sizeof s->last_room, "%s", msg->room);
    note(s, ev);
    return s->ret;
}

static int on_ping(void *ctx, const signet_event *ev)
{
    note(ctx, ev);
    return ((struct sub *)ctx)->ret;
}

static int on_any(void *ctx, const signet_event *ev, const void *payload)
{
    struct sub *s = ctx;
    const subs_temp *t = subs_temp_of(ev, payload);
    const subs_status *st = subs_status_of(ev, payload);

    s->last_celsius = t ? t->celsius : st ? st->code : -1;
    note(s, ev);
    return s->ret;
}

static signet_bus *new_bus(const signet_bus_options *opts)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(opts, &bus));
    trace.len = 0;
    trace.buf[0] = '\0';
    return bus;
}

static const signet_signal_info *pattern(int id)
{
    return &subs_schema.patterns[id];
}

static void pattern_typed_subscriber_gets_the_payload(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub k = {.tag = 'k'};
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 3, 21.5), 1);
    CHECK_EQ(k.calls, 1);
    CHECK(k.last_celsius == 21.5);
    CHECK(strcmp(k.last_room, "kitchen") == 0);
    CHECK(k.last_pattern == pattern(SUBS__PATTERN_KITCHEN));
    CHECK(k.last_signal == &subs_signals[SUBS_SIGNAL_TEMP]);
    CHECK_EQ(subs_temp_send(bus, NULL, "hall", 3, 19.0), 0);
    CHECK_EQ(subs_humidity_send(bus, NULL, "kitchen", 3, 50.0), 0);
    CHECK_EQ(k.calls, 1);
    signet_bus_destroy(bus);
}

static void pattern_generic_subscriber_uses_accessors(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub a = {.tag = 'a'};
    CHECK(subs__patterns[SUBS__PATTERN_ALL_SENSORS].typed_as == -1);
    CHECK_OK(subs_all_sensors_subscribe(bus, on_any, &a, SIGNET_ANY, &a.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "attic", 1, 30.25), 1);
    CHECK(a.last_celsius == 30.25);
    CHECK_EQ(subs_status_send(bus, NULL, 7), 1);
    CHECK(a.last_celsius == 7);
    CHECK(a.last_signal == &subs_signals[SUBS_SIGNAL_STATUS]);
    CHECK_EQ(subs_humidity_send(bus, NULL, "attic", 1, 80.0), 1);
    CHECK(a.last_celsius == -1); /* neither accessor accepts a humidity event */
    CHECK_EQ(a.calls, 3);
    signet_bus_destroy(bus);
}

static void pattern_without_captures_uses_build_time_set(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub p = {.tag = 'p'}, e = {.tag = 'e'};
    CHECK_OK(subs_pings_subscribe(bus, on_ping, &p, SIGNET_ANY, &p.conn)); /* typed, no payload */
    CHECK_OK(subs_everything_subscribe(bus, on_any, &e, SIGNET_ANY, &e.conn));
    CHECK(subs_ping_has_receivers(bus, NULL));
    CHECK_EQ(subs_ping_send(bus, NULL), 2);
    CHECK_EQ(p.calls, 1);
    CHECK_EQ(e.calls, 1);
    CHECK(subs_ping_is(&(signet_event){.signal = &subs_signals[SUBS_SIGNAL_PING]}));
    /* No pattern matches "$internal/lonely": nothing runs, nothing is matched. */
    CHECK(!subs_lonely_has_receivers(bus, NULL));
    CHECK_EQ(subs_lonely_send(bus, NULL, 1), 0);
    CHECK_EQ(subs_signals[SUBS_SIGNAL_LONELY].nlinks, 0);
    signet_bus_destroy(bus);
}

static void pattern_order_signal_receivers_then_patterns_in_declaration_order(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, e = {.tag = 'E'}, a = {.tag = 'A'}, k = {.tag = 'K'},
               k2 = {.tag = 'k'}, g = {.tag = 'G'};
    signet_connect_opts high = {.priority = 10};
    /* Subscribed in another order than the patterns are declared. */
    CHECK_OK(subs_everything_subscribe(bus, on_any, &e, SIGNET_ANY, &e.conn));
    CHECK_OK(subs_any_temp_subscribe(bus, on_temp, &a, SIGNET_ANY, &a.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_kitchen_subscribe_opts(bus, on_temp, &k2, SIGNET_ANY, &high, &k2.conn));
    CHECK_OK(subs_all_sensors_subscribe(bus, on_any, &g, SIGNET_ANY, &g.conn));
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 20.0), 6);
    /* The signal's receivers, then kitchen (priority first), any_temp,
     * all_sensors, everything. */
    CHECK(strcmp(trace.buf, "SkKAGE") == 0);
    signet_bus_destroy(bus);
}

static void pattern_sender_filtering(void)
{
    signet_bus *bus = new_bus(NULL);
    int x, y;
    struct sub only_x = {.tag = 'x'}, any = {.tag = 'a'};
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &only_x, &x, &only_x.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &any, SIGNET_ANY, &any.conn));
    CHECK_EQ(subs_temp_send(bus, &y, "kitchen", 1, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, &x, "kitchen", 1, 1.0), 2);
    CHECK_EQ(only_x.calls, 1);
    CHECK_EQ(any.calls, 3);
    signet_bus_destroy(bus);
}

static void pattern_stop_ends_the_whole_emission(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S', .ret = SIGNET_STOP}, k = {.tag = 'K'}, a = {.tag = 'A'};
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_any_temp_subscribe(bus, on_temp, &a, SIGNET_ANY, &a.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 1);
    CHECK(strcmp(trace.buf, "S") == 0);
    /* A pattern subscriber's SIGNET_STOP ends the later patterns too. */
    s.ret = 0;
    k.ret = SIGNET_STOP;
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 2);
    CHECK(strcmp(trace.buf, "SSK") == 0);
    CHECK_EQ(signet_bus_error_count(bus), 0);
    signet_bus_destroy(bus);
}

struct errlog {
    int count;
    int last;
    const signet_signal_info *pattern;
};

static void on_error(void *ctx, const signet_event *ev, int err)
{
    struct errlog *log = ctx;
    log->count++;
    log->last = err;
    log->pattern = ev->pattern;
}

static void pattern_error_goes_to_the_error_hook(void)
{
    struct errlog log = {0};
    signet_bus_options opts = {.on_error = on_error, .error_ctx = &log};
    signet_bus *bus = new_bus(&opts);
    struct sub k = {.tag = 'K', .ret = -42}, a = {.tag = 'A'};
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_any_temp_subscribe(bus, on_temp, &a, SIGNET_ANY, &a.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 2);
    CHECK(strcmp(trace.buf, "KA") == 0);
    CHECK_EQ(log.count, 1);
    CHECK_EQ(log.last, -42);
    CHECK(log.pattern == pattern(SUBS__PATTERN_KITCHEN));
    CHECK_EQ(signet_bus_error_count(bus), 1);
    signet_bus_destroy(bus);
}

static void pattern_subscriber_disconnects_during_delivery(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub k = {.tag = 'K'}, a = {.tag = 'A'}, self = {.tag = 's'};
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &self, SIGNET_ANY, &self.conn));
    CHECK_OK(subs_any_temp_subscribe(bus, on_temp, &a, SIGNET_ANY, &a.conn));
    k.bus = self.bus = bus;
    k.other = a.conn;         /* a later pattern's subscriber */
    self.other = self.conn;   /* itself */
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 2);
    CHECK(strcmp(trace.buf, "Ks") == 0);
    k.other = (signet_conn){0, 0};
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 1);
    CHECK(strcmp(trace.buf, "KsK") == 0);
    CHECK_EQ(signet_disconnect(bus, a.conn), SIGNET_ENOENT);
    CHECK_OK(signet_disconnect(bus, k.conn));
    CHECK(!subs_temp_has_receivers(bus, NULL));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 0);
    signet_bus_destroy(bus);
}

static void pattern_run_once_subscriber_runs_once(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub k = {.tag = 'K'};
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    CHECK_OK(subs_kitchen_subscribe_opts(bus, on_temp, &k, SIGNET_ANY, &once, &k.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 0);
    CHECK_EQ(k.calls, 1);
    CHECK_EQ(signet_disconnect(bus, k.conn), SIGNET_ENOENT);
    signet_bus_destroy(bus);
}

static void pattern_handler_on_two_patterns_runs_once_per_subscription(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub h = {.tag = 'h'};
    signet_conn again;
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &h, SIGNET_ANY, &h.conn));
    CHECK_OK(subs_any_temp_subscribe(bus, on_temp, &h, SIGNET_ANY, &h.other));
    CHECK_EQ(subs_kitchen_subscribe(bus, on_temp, &h, SIGNET_ANY, &again), SIGNET_EXISTING);
    CHECK(again.index == h.conn.index && again.generation == h.conn.generation);
    h.other = (signet_conn){0, 0};
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 2);
    CHECK_EQ(h.calls, 2);
    CHECK_EQ(signet_disconnect_ctx(bus, &h), 2);
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 0);
    signet_bus_destroy(bus);
}

static void pattern_post_delivers_on_dispatch(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, k = {.tag = 'K'}, q = {.tag = 'Q'}, p = {.tag = 'P'};
    signet_queue *queue = NULL;
    CHECK_OK(signet_queue_create(bus, NULL, &queue));
    signet_connect_opts on_queue = {.queue = queue};
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_any_temp_subscribe_opts(bus, on_temp, &q, SIGNET_ANY, &on_queue, &q.conn));
    CHECK_OK(subs_pings_subscribe(bus, on_ping, &p, SIGNET_ANY, &p.conn));
    char room[16] = "kitchen";
    CHECK_EQ(subs_temp_post(bus, NULL, room, 4, 22.0), 3); /* signal, kitchen, any_temp's queue */
    strcpy(room, "garbage");                               /* the payload was copied */
    CHECK_EQ(subs_ping_post(bus, NULL), 1);
    CHECK_EQ(trace.len, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 3);
    CHECK(strcmp(trace.buf, "SKP") == 0);
    CHECK(k.last_pattern == pattern(SUBS__PATTERN_KITCHEN));
    CHECK(strcmp(k.last_room, "kitchen") == 0);
    CHECK(s.last_pattern == NULL);
    CHECK_EQ(signet_queue_dispatch(queue, 0), 1);
    CHECK(strcmp(trace.buf, "SKPQ") == 0);
    CHECK(q.last_pattern == pattern(SUBS__PATTERN_ANY_TEMP));
    CHECK(strcmp(q.last_room, "kitchen") == 0);
    /* A send queues for the queued subscriber too. */
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 4, 1.0), 2);
    CHECK_EQ(signet_queue_dispatch(queue, 0), 1);
    CHECK(strcmp(trace.buf, "SKPQSKQ") == 0);
    signet_bus_destroy(bus);
}

static void pattern_capture_that_is_not_a_level_reaches_no_pattern(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, e = {.tag = 'E'};
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_everything_subscribe(bus, on_any, &e, SIGNET_ANY, &e.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "a/b", 1, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, NULL, "+", 1, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, NULL, "", 1, 1.0), 2); /* an empty level is a level */
    char big[1100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_EQ(subs_temp_send(bus, NULL, big, 1, 1.0), 1);
    CHECK(strcmp(trace.buf, "SSSES") == 0);
    signet_bus_destroy(bus);
}

static struct sub late = {.tag = 'L'};

static int subscribe_late(void *ctx, const signet_event *ev, const subs_temp *msg)
{
    (void)msg;
    note(ctx, ev);
    signet_conn c;
    CHECK(subs_kitchen_subscribe(ev->bus, on_temp, &late, SIGNET_ANY, &c) >= 0);
    return 0;
}

static void pattern_subscribed_during_delivery_waits_for_next_emission(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'};
    CHECK_OK(subs_temp_connect(bus, subscribe_late, &s, SIGNET_ANY, &s.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 1);
    CHECK_EQ(late.calls, 0);
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 1, 1.0), 2);
    CHECK_EQ(late.calls, 1);
    CHECK(strcmp(trace.buf, "SSL") == 0);
    signet_bus_destroy(bus);
}

/* ---- publish by topic string ---- */

static const signet_struct_info *type_of(int signal)
{
    return subs_signals[signal].payload;
}

static void publish_fills_captures_from_the_topic_and_sends(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, k = {.tag = 'K'};
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    subs_temp msg = {.room = "ignored", .sensor = 99, .celsius = 21.5};
    const char topic[] = "sensors/kitchen/4294967295/temp and more";
    CHECK_EQ(subs_publish(bus, NULL, topic, 31, type_of(SUBS_SIGNAL_TEMP), &msg), 2);
    CHECK(strcmp(s.last_room, "kitchen") == 0);
    CHECK_EQ(s.last_sensor, 4294967295u);
    CHECK(s.last_celsius == 21.5);
    CHECK(k.last_pattern == pattern(SUBS__PATTERN_KITCHEN));
    CHECK(strcmp(msg.room, "ignored") == 0); /* the caller's struct is not touched */
    /* The empty level is a str level. */
    CHECK_EQ(subs_publish(bus, NULL, "sensors//0/temp", 15, type_of(SUBS_SIGNAL_TEMP), &msg), 1);
    CHECK(strcmp(s.last_room, "") == 0);
    signet_bus_destroy(bus);
}

static void publish_post_queues_copies(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, k = {.tag = 'K'}, p = {.tag = 'p'};
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_ping_connect(bus, on_ping, &p, SIGNET_ANY, &p.conn));
    char topic[32] = "sensors/kitchen/9/temp";
    subs_temp msg = {.room = "ignored", .sensor = 1, .celsius = 17.5};
    CHECK_EQ(subs_publish_post(bus, NULL, topic, strlen(topic), type_of(SUBS_SIGNAL_TEMP), &msg),
             2); /* the signal's message, kitchen's message */
    memset(topic, 'x', sizeof topic - 1); /* the captured level was copied */
    CHECK_EQ(subs_publish_post(bus, NULL, "ping", 4, NULL, NULL), 1);
    CHECK_EQ(subs_publish_post(bus, NULL, "sensors/+/9/temp", 16, type_of(SUBS_SIGNAL_TEMP), &msg),
             SIGNET_EBADTOPIC);
    CHECK_EQ(trace.len, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 3);
    CHECK(strcmp(trace.buf, "SKp") == 0);
    CHECK(strcmp(k.last_room, "kitchen") == 0);
    CHECK_EQ(k.last_sensor, 9);
    CHECK(k.last_celsius == 17.5);
    signet_bus_destroy(bus);
}

static void publish_signal_without_parameters(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub p = {.tag = 'p'};
    CHECK_OK(subs_ping_connect(bus, on_ping, &p, SIGNET_ANY, &p.conn));
    CHECK_EQ(subs_publish(bus, NULL, "ping", 4, NULL, NULL), 1);
    CHECK_EQ(p.calls, 1);
    signet_bus_destroy(bus);
}

/* Every error case leaves the receivers alone. */
static struct sub watcher = {.tag = 'W'};

static signet_bus *watched_bus(void)
{
    signet_bus *bus = new_bus(NULL);
    CHECK_OK(subs_everything_subscribe(bus, on_any, &watcher, SIGNET_ANY, &watcher.conn));
    CHECK_OK(subs_pings_subscribe(bus, on_ping, &watcher, SIGNET_ANY, &watcher.other));
    watcher.other = (signet_conn){0, 0};
    return bus;
}

static void publish_unknown_topic_is_enotopic(void)
{
    signet_bus *bus = watched_bus();
    subs_temp msg = {0};
    CHECK_EQ(subs_publish(bus, NULL, "sensors/kitchen/3/pressure", 26, type_of(SUBS_SIGNAL_TEMP),
                          &msg),
             SIGNET_ENOTOPIC);
    /* 007 is not a u32 level, so no signal has this topic. */
    CHECK_EQ(subs_publish(bus, NULL, "sensors/kitchen/007/temp", 24, type_of(SUBS_SIGNAL_TEMP),
                          &msg),
             SIGNET_ENOTOPIC);
    CHECK_EQ(subs_publish(bus, NULL, "pin", 3, NULL, NULL), SIGNET_ENOTOPIC);
    CHECK_EQ(watcher.calls, 0);
    signet_bus_destroy(bus);
}

static void publish_malformed_topic_is_ebadtopic(void)
{
    signet_bus *bus = watched_bus();
    subs_temp msg = {0};
    CHECK_EQ(subs_publish(bus, NULL, "", 0, NULL, NULL), SIGNET_EBADTOPIC);
    CHECK_EQ(subs_publish(bus, NULL, NULL, 0, NULL, NULL), SIGNET_EBADTOPIC);
    CHECK_EQ(subs_publish(bus, NULL, "sensors/+/3/temp", 16, type_of(SUBS_SIGNAL_TEMP), &msg),
             SIGNET_EBADTOPIC);
    CHECK_EQ(subs_publish(bus, NULL, "#", 1, NULL, NULL), SIGNET_EBADTOPIC);
    CHECK_EQ(watcher.calls, 0);
    signet_bus_destroy(bus);
}

static void publish_over_long_topic_is_etopiclen(void)
{
    signet_bus *bus = watched_bus();
    subs_temp msg = {0};
    char topic[2048];
    size_t n = (size_t)snprintf(topic, sizeof topic, "sensors/");
    while (n < 1100)
        topic[n++] = 'x';
    n += (size_t)snprintf(topic + n, sizeof topic - n, "/1/temp");
    CHECK_EQ(subs_publish(bus, NULL, topic, n, type_of(SUBS_SIGNAL_TEMP), &msg),
             SIGNET_ETOPICLEN);
    /* 65 levels. */
    n = 0;
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(topic + n, sizeof topic - n, i ? "/a" : "a");
    CHECK_EQ(subs_publish(bus, NULL, topic, n, NULL, NULL), SIGNET_ETOPICLEN);
    CHECK_EQ(watcher.calls, 0);
    signet_bus_destroy(bus);
}

static void publish_embedded_nul_is_enul(void)
{
    signet_bus *bus = watched_bus();
    CHECK_EQ(subs_publish(bus, NULL, "ping\0/x", 6, NULL, NULL), SIGNET_ENUL);
    CHECK_EQ(subs_publish(bus, NULL, "ping\0", 5, NULL, NULL), SIGNET_ENUL);
    CHECK_EQ(watcher.calls, 0);
    signet_bus_destroy(bus);
}

static void publish_wrong_payload_type_is_etype(void)
{
    signet_bus *bus = watched_bus();
    subs_humidity h = {0};
    subs_status st = {0};
    /* humidity has the same members as temp, but is another signal's type. */
    CHECK_EQ(subs_publish(bus, NULL, "sensors/kitchen/1/temp", 22, type_of(SUBS_SIGNAL_HUMIDITY),
                          &h),
             SIGNET_ETYPE);
    CHECK_EQ(subs_publish(bus, NULL, "sensors/kitchen/1/temp", 22, NULL, NULL), SIGNET_ETYPE);
    CHECK_EQ(subs_publish(bus, NULL, "ping", 4, type_of(SUBS_SIGNAL_STATUS), &st), SIGNET_ETYPE);
    CHECK_EQ(subs_publish(bus, NULL, "sensors/status", 14, type_of(SUBS_SIGNAL_STATUS), NULL),
             SIGNET_EINVAL);
    CHECK_EQ(subs_publish(NULL, NULL, "ping", 4, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(watcher.calls, 0);
    CHECK_EQ(subs_publish(bus, NULL, "sensors/status", 14, type_of(SUBS_SIGNAL_STATUS), &st), 1);
    CHECK_EQ(watcher.calls, 1);
    signet_bus_destroy(bus);
}

static void resolve_names_the_signal_of_a_topic(void)
{
    CHECK_EQ(subs_resolve("sensors/kitchen/4294967295/temp and more", 31), SUBS_SIGNAL_TEMP);
    CHECK_EQ(subs_resolve("sensors//0/humidity", 19), SUBS_SIGNAL_HUMIDITY);
    CHECK_EQ(subs_resolve("sensors/status", 14), SUBS_SIGNAL_STATUS);
    CHECK_EQ(subs_resolve("ping", 4), SUBS_SIGNAL_PING);
    CHECK_EQ(subs_resolve("$internal/lonely", 16), SUBS_SIGNAL_LONELY);
    CHECK_EQ(subs_schema.resolve("house/mode", 10), SUBS_SIGNAL_MODE);
}

/* The codes of publish, for the same topics; a NULL topic is EINVAL. */
static void resolve_refuses_topics_as_publish_does(void)
{
    char topic[2048];
    size_t n = 0;
    CHECK_EQ(subs_resolve("sensors/kitchen/3/pressure", 26), SIGNET_ENOTOPIC);
    CHECK_EQ(subs_resolve("sensors/kitchen/007/temp", 24), SIGNET_ENOTOPIC); /* not canonical */
    CHECK_EQ(subs_resolve("sensors/kitchen/4294967296/temp", 31), SIGNET_ENOTOPIC);
    CHECK_EQ(subs_resolve("pin", 3), SIGNET_ENOTOPIC);
    CHECK_EQ(subs_resolve("", 0), SIGNET_EBADTOPIC);
    CHECK_EQ(subs_resolve("sensors/+/3/temp", 16), SIGNET_EBADTOPIC);
    CHECK_EQ(subs_resolve("#", 1), SIGNET_EBADTOPIC);
    CHECK_EQ(subs_resolve("ping\0", 5), SIGNET_ENUL);
    CHECK_EQ(subs_resolve(NULL, 0), SIGNET_EINVAL);
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(topic + n, sizeof topic - n, i ? "/a" : "a");
    CHECK_EQ(subs_resolve(topic, n), SIGNET_ETOPICLEN);
    memset(topic, 'x', 1100);
    CHECK_EQ(subs_resolve(topic, 1100), SIGNET_ETOPICLEN);
}

/* ---- run-time patterns ---- */

static void runtime_pattern_syntax_errors_have_codes(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub a = {.tag = 'a'};
    signet_conn c;
    const char *bad[] = {"", "sport+", "a/#b", "#/x", "a/#/b", "+a/b", "a/b+", "a/++"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, bad[i], on_any, &a, SIGNET_ANY, NULL,
                                          &c),
                 SIGNET_EPATTERN);
    char big[1100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, big, on_any, &a, SIGNET_ANY, NULL, &c),
             SIGNET_ETOPICLEN);
    char deep[200] = "a";
    for (int i = 1; i < 65; i++)
        strcat(deep, "/a");
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, deep, on_any, &a, SIGNET_ANY, NULL, &c),
             SIGNET_ETOPICLEN);
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, NULL, on_any, &a, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, "#", NULL, &a, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    /* Valid: whole-level wildcards, '#' last, empty levels (some match no
     * signal of the schema: SIGNET_NOMATCH, still subscribed). */
    const char *good[] = {"#", "+", "/", "+/+", "sensors/+/+/temp", "a//#", "$SYS/#"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int rc = signet_subscribe_pattern(bus, &subs_schema, good[i], on_any, &a, SIGNET_ANY, NULL,
                                          &c);
        CHECK(rc == 0 || rc == SIGNET_NOMATCH);
    }
    CHECK_EQ(a.calls, 0);
    signet_bus_destroy(bus);
}

/* A filter that no topic template of the schema can match is subscribed
 * but reported: SIGNET_NOMATCH, a handle that disconnects, no delivery;
 * filters that can match, through a capture, '+', '#' or the '$' rule,
 * return 0 or SIGNET_EXISTING as before. */
static void runtime_pattern_matching_no_signal_is_nomatch(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub a = {.tag = 'a'};
    signet_conn c, again;
    const char *none[] = {"sensor/+/+/temp", "sensors/+/temp", "sensors/kitchen/1/temp/x",
                          "+/lonely",        "house/mode/+",   "$SYS/#",
                          "nothing"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, none[i], on_any, &a, SIGNET_ANY, NULL,
                                          &c),
                 SIGNET_NOMATCH);
        CHECK(c.index != 0 || c.generation != 0);
    }
    const char *some[] = {"sensors/+/+/temp", "sensors/kitchen/7/humidity", "$internal/+",
                          "+",                "house/mode/#",               "#",
                          "tanks/+/+/+",      "+/+/+/+"};
    for (size_t i = 0; i < sizeof some / sizeof some[0]; i++)
        CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, some[i], on_any, &a, SIGNET_ANY, NULL,
                                          &c));
    /* Subscribing the same receiver again still says so. */
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, "nothing", on_any, &a, SIGNET_ANY, NULL,
                                      &again),
             SIGNET_NOMATCH);
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, "nothing/+", on_any, &a, SIGNET_ANY, NULL,
                                      &c),
             SIGNET_NOMATCH);
    CHECK_OK(signet_disconnect(bus, c));
    CHECK_EQ(signet_disconnect(bus, c), SIGNET_ENOENT);
    CHECK_EQ(a.calls, 0);
    signet_bus_destroy(bus);
}

static void runtime_pattern_delivers_after_schema_patterns(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, k = {.tag = 'K'}, r = {.tag = 'R'}, h = {.tag = 'H'},
               d = {.tag = 'D'}, p = {.tag = 'P'};
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/+/+/temp", on_any, &r,
                                      SIGNET_ANY, NULL, &r.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/kitchen/#", on_any, &h,
                                      SIGNET_ANY, NULL, &h.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "$internal/+", on_any, &d, SIGNET_ANY,
                                      NULL, &d.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "+", on_any, &p, SIGNET_ANY, NULL,
                                      &p.conn));
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_EQ(subs_temp_send(bus, NULL, "kitchen", 2, 20.5), 4);
    CHECK(strcmp(trace.buf, "SKRH") == 0);
    CHECK(r.last_celsius == 20.5); /* the accessor found the temp payload */
    CHECK(r.last_pattern && strcmp(r.last_pattern->topic, "sensors/+/+/temp") == 0);
    CHECK_EQ(subs_temp_send(bus, NULL, "hall", 2, 1.0), 2); /* S, R */
    CHECK_EQ(subs_humidity_send(bus, NULL, "kitchen", 2, 1.0), 1); /* H */
    /* A signal no schema pattern can match, and one without payload. */
    CHECK_EQ(subs_lonely_send(bus, NULL, 5), 1);
    CHECK_EQ(d.calls, 1);
    CHECK_EQ(subs_ping_send(bus, NULL), 1);
    CHECK_EQ(p.calls, 1);
    /* A captured str that is not one level reaches no run-time pattern. */
    CHECK_EQ(subs_temp_send(bus, NULL, "a/b", 2, 1.0), 1);
    CHECK_EQ(subs_temp_send(bus, NULL, "+", 2, 1.0), 1);
    signet_bus_destroy(bus);
}

/* _has_receivers() sees run-time pattern subscribers: exactly for a signal
 * without captures, for one with captures when some topic of it matches;
 * filtered by sender; not once the subscriber is disconnected. */
static void runtime_pattern_counts_in_has_receivers(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub a = {.tag = 'A'}, b = {.tag = 'B'}, c = {.tag = 'C'};
    int x, y;

    CHECK(!subs_status_has_receivers(bus, NULL));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/status", on_any, &a,
                                      SIGNET_ANY, NULL, &a.conn));
    CHECK(subs_status_has_receivers(bus, NULL));
    CHECK(!subs_ping_has_receivers(bus, NULL));
    CHECK(!subs_temp_has_receivers(bus, NULL)); /* "sensors/{room}/{sensor}/temp" */
    /* A filter that matches some topics of a signal with captures. */
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/hall/7/+", on_any, &b, &x,
                                      NULL, &b.conn));
    CHECK(subs_temp_has_receivers(bus, &x));
    CHECK(subs_humidity_has_receivers(bus, &x));
    CHECK(!subs_temp_has_receivers(bus, &y)); /* b listens to x only */
    CHECK(!subs_lonely_has_receivers(bus, &x));
    /* '+' and '#' at the first level never match a '$' topic. */
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "#", on_any, &c, SIGNET_ANY, NULL,
                                      &c.conn));
    CHECK(subs_ping_has_receivers(bus, &y));
    CHECK(!subs_lonely_has_receivers(bus, &y));
    CHECK_OK(signet_disconnect(bus, c.conn));
    CHECK(!subs_ping_has_receivers(bus, &y));
    CHECK_OK(signet_disconnect(bus, b.conn));
    CHECK(!subs_temp_has_receivers(bus, &x));
    CHECK_OK(signet_disconnect(bus, a.conn));
    CHECK(!subs_status_has_receivers(bus, NULL));
    signet_bus_destroy(bus);
}

static void runtime_pattern_keeps_sender_stop_and_error_rules(void)
{
    struct errlog log = {0};
    signet_bus_options opts = {.on_error = on_error, .error_ctx = &log};
    signet_bus *bus = new_bus(&opts);
    int x, y;
    struct sub onlyx = {.tag = 'x'}, bad = {.tag = 'B', .ret = -7}, stop = {.tag = 'T', .ret = SIGNET_STOP},
               after = {.tag = 'A'};
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/#", on_any, &onlyx, &x, NULL,
                                      &onlyx.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/#", on_any, &bad, SIGNET_ANY,
                                      NULL, &bad.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/status", on_any, &stop,
                                      SIGNET_ANY, NULL, &stop.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "#", on_any, &after, SIGNET_ANY, NULL,
                                      &after.conn));
    CHECK_EQ(subs_status_send(bus, &y, 1), 2); /* B (error), T (stop); not x, not A */
    CHECK(strcmp(trace.buf, "BT") == 0);
    CHECK_EQ(log.count, 1);
    CHECK_EQ(log.last, -7);
    CHECK(log.pattern && strcmp(log.pattern->topic, "sensors/#") == 0);
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ(subs_status_send(bus, &x, 1), 3);
    CHECK(strcmp(trace.buf, "xBT") == 0);
    /* Same filter, same (fn, ctx, sender): the existing subscription. */
    signet_conn again;
    CHECK_EQ(signet_subscribe_pattern(bus, &subs_schema, "sensors/#", on_any, &bad, SIGNET_ANY,
                                      NULL, &again),
             SIGNET_EXISTING);
    CHECK(again.index == bad.conn.index);
    signet_bus_destroy(bus);
}

static int on_lonely(void *ctx, const signet_event *ev, const subs_lonely *msg)
{
    (void)msg;
    note(ctx, ev);
    return ((struct sub *)ctx)->ret;
}

/* A signal no schema pattern can match has the plain generated loop; its
 * run-time patterns run from signet_emit_end(), after SIGNET_STOP not. */
static void runtime_pattern_on_signal_without_schema_patterns_keeps_stop(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S', .ret = SIGNET_STOP}, d = {.tag = 'D'};
    CHECK_EQ(subs_signals[SUBS_SIGNAL_LONELY].nlinks, 0);
    CHECK_OK(subs_lonely_connect(bus, on_lonely, &s, SIGNET_ANY, &s.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "$internal/#", on_any, &d, SIGNET_ANY,
                                      NULL, &d.conn));
    CHECK_EQ(subs_lonely_send(bus, NULL, 1), 1);
    s.ret = 0;
    CHECK_EQ(subs_lonely_send(bus, NULL, 2), 2);
    CHECK(strcmp(trace.buf, "SSD") == 0);
    CHECK(d.last_celsius == -1); /* on_any: neither temp nor status */
    signet_bus_destroy(bus);
}

static void runtime_pattern_disconnect_and_run_once(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub r = {.tag = 'R'}, once = {.tag = 'O'}, self = {.tag = 's'};
    signet_connect_opts o = {.flags = SIGNET_ONCE};
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "#", on_any, &r, SIGNET_ANY, NULL,
                                      &r.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "#", on_any, &once, SIGNET_ANY, &o,
                                      &once.conn));
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "+", on_any, &self, SIGNET_ANY, NULL,
                                      &self.conn));
    self.bus = bus;
    self.other = self.conn;
    CHECK_EQ(subs_ping_send(bus, NULL), 3);
    CHECK_EQ(subs_ping_send(bus, NULL), 1);
    CHECK(strcmp(trace.buf, "ROsR") == 0);
    CHECK_OK(signet_disconnect(bus, r.conn));
    CHECK(!subs_ping_has_receivers(bus, NULL));
    CHECK_EQ(subs_ping_send(bus, NULL), 0);
    /* Subscribing the filter again reuses its entry. */
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "#", on_any, &r, SIGNET_ANY, NULL,
                                      &r.conn));
    CHECK_EQ(subs_ping_send(bus, NULL), 1);
    CHECK_EQ(signet_disconnect_ctx(bus, &r), 1);
    CHECK_EQ(subs_ping_send(bus, NULL), 0);
    signet_bus_destroy(bus);
}

static void runtime_pattern_reaches_posts(void)
{
    signet_bus *bus = new_bus(NULL);
    struct sub s = {.tag = 'S'}, k = {.tag = 'K'}, r = {.tag = 'R'};
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "sensors/kitchen/+/temp", on_any, &r,
                                      SIGNET_ANY, NULL, &r.conn));
    CHECK_OK(subs_kitchen_subscribe(bus, on_temp, &k, SIGNET_ANY, &k.conn));
    CHECK_OK(subs_temp_connect(bus, on_temp, &s, SIGNET_ANY, &s.conn));
    char room[16] = "kitchen";
    CHECK_EQ(subs_temp_post(bus, NULL, room, 1, 3.5), 3);
    strcpy(room, "x");
    CHECK_EQ(subs_temp_post(bus, NULL, room, 1, 3.5), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
    CHECK(strcmp(trace.buf, "SKRS") == 0);
    CHECK(r.last_celsius == 3.5);
    signet_bus_destroy(bus);
}

/* ---- retained values ---- */

struct tank_rx {
    char log[512];
    int calls;
    bool had_previous;
    double prev_litres;
    char prev_note[32];
};

static void tank_note(struct tank_rx *t, const signet_event *ev, const subs_level *msg)
{
    const subs_level *prev = signet_event_previous(ev);
    size_t len = strlen(t->log);
    t->calls++;
    t->had_previous = prev != NULL;
    if (prev) {
        t->prev_litres = prev->litres;
        snprintf(t->prev_note, sizeof t->prev_note, "%s", prev->note);
    }
    snprintf(t->log + len, sizeof t->log - len, "%s/%u=%g ", msg->tank, (unsigned)msg->sensor,
             msg->litres);
}

static int on_level(void *ctx, const signet_event *ev, const subs_level *msg)
{
    tank_note(ctx, ev, msg);
    return 0;
}

static int on_level_generic(void *ctx, const signet_event *ev, const void *payload)
{
    const subs_level *msg = subs_level_of(ev, payload);
    if (msg)
        tank_note(ctx, ev, msg);
    return 0;
}

static void retain_previous_value_per_topic(void)
{
    signet_bus *bus = new_bus(NULL);
    struct tank_rx t = {0};
    signet_conn c;
    char note[32] = "first";
    CHECK_OK(subs_level_connect(bus, on_level, &t, SIGNET_ANY, &c));
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 10.0, note), 1);
    CHECK(!t.had_previous);
    strcpy(note, "second"); /* the retained copy does not point at the caller's buffer */
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 20.0, note), 1);
    CHECK(t.had_previous);
    CHECK(t.prev_litres == 10.0);
    CHECK(strcmp(t.prev_note, "first") == 0);
    CHECK_EQ(subs_level_send(bus, NULL, "b", 1, 5.0, note), 1); /* another topic */
    CHECK(!t.had_previous);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 30.0, note), 1);
    CHECK(t.prev_litres == 20.0);
    /* A signal without captures has one topic. */
    struct sub m = {.tag = 'm'};
    (void)m;
    CHECK_EQ(subs_mode_send(bus, NULL, 1), 0);
    CHECK_EQ(subs_mode_send(bus, NULL, 2), 0);
    signet_bus_destroy(bus);
}

static int on_mode(void *ctx, const signet_event *ev, const subs_mode *msg)
{
    const subs_mode *prev = signet_event_previous(ev);
    int *seen = ctx;
    *seen = msg->value * 10 + (prev ? prev->value : 0);
    return 0;
}

static void retain_signal_without_captures_keeps_one_topic(void)
{
    signet_bus *bus = new_bus(NULL);
    int seen = 0;
    signet_conn c;
    CHECK_EQ(subs_mode_send(bus, NULL, 1), 0); /* retained before anyone listens */
    CHECK_OK(subs_mode_connect(bus, on_mode, &seen, SIGNET_ANY, &c));
    CHECK_EQ(subs_mode_send(bus, NULL, 2), 1);
    CHECK_EQ(seen, 21);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    int replayed = 0;
    CHECK_OK(subs_mode_connect_opts(bus, on_mode, &replayed, SIGNET_ANY, &replay, &c));
    CHECK_EQ(replayed, 20); /* the last value, without a previous one */
    signet_bus_destroy(bus);
}

static void retain_replay_on_subscribe_oldest_first(void)
{
    signet_bus *bus = new_bus(NULL);
    int x;
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 1.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, &x, "b", 2, 2.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 3.0, "n"), 0); /* a/1 is now the newest */
    CHECK_EQ(subs_level_send(bus, NULL, "c", 3, 4.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 2, 5.0, "n"), 0);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    struct tank_rx all = {0}, onlyx = {0}, pat = {0}, rt = {0}, plain = {0};
    signet_conn c;
    CHECK_OK(subs_level_connect_opts(bus, on_level, &all, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(all.log, "b/2=2 a/1=3 c/3=4 a/2=5 ") == 0);
    CHECK(!all.had_previous);
    CHECK_OK(subs_level_connect_opts(bus, on_level, &onlyx, &x, &replay, &c));
    CHECK(strcmp(onlyx.log, "b/2=2 ") == 0);
    CHECK_OK(subs_tank_a_subscribe_opts(bus, on_level, &pat, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(pat.log, "a/1=3 a/2=5 ") == 0);
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "tanks/+/2/#", on_level_generic, &rt,
                                      SIGNET_ANY, &replay, &c));
    CHECK(strcmp(rt.log, "b/2=2 a/2=5 ") == 0);
    CHECK_OK(subs_level_connect(bus, on_level, &plain, SIGNET_ANY, &c));
    CHECK_EQ(plain.calls, 0); /* no replay without the flag */
    /* Replay is only for retained signals. */
    struct sub s = {.tag = 'S'};
    CHECK_EQ(subs_temp_connect_opts(bus, on_temp, &s, SIGNET_ANY, &replay, &c), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

/* Replay to a pattern follows live delivery: a retained topic whose
 * captured str is not one level (here "x/y" or "+") reaches the signal's
 * own receivers but no pattern, live or replayed. */
static void retain_replay_skips_topics_no_pattern_matches(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    struct tank_rx live = {0}, all = {0}, rt = {0}, pat = {0};
    signet_conn c;

    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "tanks/#", on_level_generic, &live,
                                      SIGNET_ANY, NULL, &c));
    CHECK_EQ(subs_level_send(bus, NULL, "x/y", 1, 1.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "+", 1, 2.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 3.0, "n"), 1);
    CHECK(strcmp(live.log, "a/1=3 ") == 0);
    CHECK_OK(subs_level_connect_opts(bus, on_level, &all, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(all.log, "x/y/1=1 +/1=2 a/1=3 ") == 0);
    CHECK_OK(signet_subscribe_pattern(bus, &subs_schema, "tanks/#", on_level_generic, &rt,
                                      SIGNET_ANY, &replay, &c));
    CHECK(strcmp(rt.log, "a/1=3 ") == 0);
    CHECK_OK(subs_tank_a_subscribe_opts(bus, on_level, &pat, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(pat.log, "a/1=3 ") == 0);
    signet_bus_destroy(bus);
}

static void retain_bound_is_enforced(void)
{
    signet_bus_options opts = {.retain_topics = 2, .slot_size = 96};
    signet_bus *bus = new_bus(&opts);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 1.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "b", 1, 2.0, "n"), 0);
    CHECK_EQ(subs_level_send(bus, NULL, "c", 1, 3.0, "n"), 0); /* evicts a/1, the oldest */
    char big[128];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_EQ(subs_level_send(bus, NULL, "d", 1, 4.0, big), 0); /* over slot_size: not kept */
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    struct tank_rx t = {0};
    signet_conn c;
    CHECK_OK(subs_level_connect_opts(bus, on_level, &t, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(t.log, "b/1=2 c/1=3 ") == 0);
    /* An over-long payload on a retained topic drops what the topic held. */
    CHECK_EQ(subs_level_send(bus, NULL, "b", 1, 5.0, big), 1);
    CHECK(t.had_previous);
    struct tank_rx u = {0};
    CHECK_OK(subs_level_connect_opts(bus, on_level, &u, SIGNET_ANY, &replay, &c));
    CHECK(strcmp(u.log, "c/1=3 ") == 0);
    signet_bus_destroy(bus);
}

static void retain_only_when_changed(void)
{
    signet_bus *bus = new_bus(NULL);
    struct tank_rx changed = {0}, every = {0}, pat = {0};
    signet_connect_opts only = {.flags = SIGNET_CHANGED};
    signet_conn c;
    CHECK_OK(subs_level_connect_opts(bus, on_level, &changed, SIGNET_ANY, &only, &c));
    CHECK_OK(subs_level_connect(bus, on_level, &every, SIGNET_ANY, &c));
    CHECK_OK(subs_tank_a_subscribe_opts(bus, on_level, &pat, SIGNET_ANY, &only, &c));
    char n1[8] = "same", n2[8] = "same"; /* equal strings in different buffers */
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 1.0, n1), 3);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 1.0, n2), 1);
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 1.0, "other"), 3); /* a string differs */
    CHECK_EQ(subs_level_send(bus, NULL, "a", 1, 2.0, "other"), 3); /* a number differs */
    CHECK_EQ(subs_level_send(bus, NULL, "b", 1, 2.0, "other"), 2);  /* a new topic */
    CHECK_EQ(subs_level_send(bus, NULL, "b", 1, 2.0, "other"), 1);
    CHECK_EQ(changed.calls, 4);
    CHECK_EQ(every.calls, 6);
    CHECK_EQ(pat.calls, 3);
    /* Posts skip unchanged payloads too; queued messages carry the previous value. */
    CHECK_EQ(subs_level_post(bus, NULL, "b", 1, 2.0, "other"), 1); /* one message, 2 receivers */
    CHECK_EQ(subs_level_post(bus, NULL, "b", 1, 3.0, "other"), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(changed.calls, 5);
    CHECK_EQ(every.calls, 8);
    CHECK(every.had_previous);
    CHECK(every.prev_litres == 2.0);
    CHECK(strcmp(every.prev_note, "other") == 0);
    /* Only for retained signals. */
    struct sub s = {.tag = 'S'};
    CHECK_EQ(subs_temp_connect_opts(bus, on_temp, &s, SIGNET_ANY, &only, &c), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

#define CASE(f)                                                                                \
    {                                                                                          \
        #f, f                                                                                  \
    }
static const struct test_case cases[] = {
    CASE(pattern_typed_subscriber_gets_the_payload),
    CASE(pattern_generic_subscriber_uses_accessors),
    CASE(pattern_without_captures_uses_build_time_set),
    CASE(pattern_order_signal_receivers_then_patterns_in_declaration_order),
    CASE(pattern_sender_filtering),
    CASE(pattern_stop_ends_the_whole_emission),
    CASE(pattern_error_goes_to_the_error_hook),
    CASE(pattern_subscriber_disconnects_during_delivery),
    CASE(pattern_run_once_subscriber_runs_once),
    CASE(pattern_handler_on_two_patterns_runs_once_per_subscription),
    CASE(pattern_post_delivers_on_dispatch),
    CASE(pattern_capture_that_is_not_a_level_reaches_no_pattern),
    CASE(pattern_subscribed_during_delivery_waits_for_next_emission),
    CASE(publish_fills_captures_from_the_topic_and_sends),
    CASE(publish_signal_without_parameters),
    CASE(publish_post_queues_copies),
    CASE(publish_unknown_topic_is_enotopic),
    CASE(publish_malformed_topic_is_ebadtopic),
    CASE(publish_over_long_topic_is_etopiclen),
    CASE(publish_embedded_nul_is_enul),
    CASE(publish_wrong_payload_type_is_etype),
    CASE(resolve_names_the_signal_of_a_topic),
    CASE(resolve_refuses_topics_as_publish_does),
    CASE(runtime_pattern_syntax_errors_have_codes),
    CASE(runtime_pattern_matching_no_signal_is_nomatch),
    CASE(runtime_pattern_delivers_after_schema_patterns),
    CASE(runtime_pattern_counts_in_has_receivers),
    CASE(runtime_pattern_keeps_sender_stop_and_error_rules),
    CASE(runtime_pattern_on_signal_without_schema_patterns_keeps_stop),
    CASE(runtime_pattern_disconnect_and_run_once),
    CASE(runtime_pattern_reaches_posts),
    CASE(retain_previous_value_per_topic),
    CASE(retain_signal_without_captures_keeps_one_topic),
    CASE(retain_replay_on_subscribe_oldest_first),
    CASE(retain_replay_skips_topics_no_pattern_matches),
    CASE(retain_bound_is_enforced),
    CASE(retain_only_when_changed),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
