/* test_retained.c: reading and clearing retained values without
 * subscribing (signet_retained_copy, signet_retained_clear), the previous
 * value queued messages carry, values kept per sender (`retain
 * per_sender`, on a schema made here), replays through a queue, and
 * replays while other threads' connects grow the bus's slot table (the
 * cases on other threads labelled "threads" in CMakeLists.txt), on t.signet's
 * `reading` (fixture.h): signal reading(str room, i32 value) topic
 * "rooms/{room}" retain. */
#include "fixture.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

struct replayed {
    char log[128];
};

static int on_reading(void *ctx, const signet_event *ev, const t_reading *msg)
{
    struct replayed *r = ctx;
    size_t n = strlen(r->log);

    (void)ev;
    snprintf(r->log + n, sizeof r->log - n, "%s=%d ", msg->room, (int)msg->value);
    return 0;
}

static void retained_copy_reads_a_topic_without_subscribing(void)
{
    signet_bus *bus;
    _Alignas(max_align_t) unsigned char buf[64];
    size_t len = 99;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  &len),
             SIGNET_ENOENT);
    CHECK_EQ(len, 0);
    char room[16] = "kitchen";
    CHECK_EQ(t_reading_send(bus, NULL, room, 21), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 19), 0);
    strcpy(room, "garage"); /* the retained copy is the bus's own */
    CHECK_OK(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  &len));
    const t_reading *got = (const t_reading *)(const void *)buf;
    CHECK_EQ(got->value, 21);
    CHECK(strcmp(got->room, "kitchen") == 0);
    CHECK((const unsigned char *)got->room >= buf && (const unsigned char *)got->room < buf + len);
    CHECK_EQ(len, sizeof(t_reading) + sizeof "kitchen");
    /* Too small: says how much it needs and writes nothing. */
    memset(buf, 0, sizeof buf);
    size_t need = 0;
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/hall", buf, 4, &need),
             SIGNET_ENOSPC);
    CHECK_EQ(need, sizeof(t_reading) + sizeof "hall");
    CHECK_EQ(buf[0], 0);
    CHECK_OK(signet_bus_destroy(bus));
}

static void retained_clear_forgets_one_topic(void)
{
    signet_bus *bus;
    struct replayed r = {{0}};
    signet_conn c;
    _Alignas(max_align_t) unsigned char buf[64];

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 21), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 19), 0);
    CHECK_OK(signet_retained_clear(bus, &t_signals[T_READING], "rooms/kitchen"));
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_READING], "rooms/kitchen"), SIGNET_ENOENT);
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  NULL),
             SIGNET_ENOENT);
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY,
                                    &(signet_connect_opts){.flags = SIGNET_REPLAY}, &c));
    CHECK(strcmp(r.log, "hall=19 ") == 0); /* the cleared topic is not replayed */
    CHECK_OK(signet_bus_destroy(bus));
}

static void retained_calls_that_cannot_name_a_value(void)
{
    signet_bus *bus;
    unsigned char buf[8];

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_PING], "ping", buf, sizeof buf, NULL),
             SIGNET_EINVAL); /* not `retain` */
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], NULL, buf, sizeof buf, NULL),
             SIGNET_EINVAL); /* its topic has a capture */
    CHECK_EQ(signet_retained_copy(NULL, &t_signals[T_READING], "rooms/a", buf, sizeof buf, NULL),
             SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_PING], NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, NULL, "rooms/a"), SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_READING], "rooms/a"), SIGNET_ENOENT);
    CHECK_OK(signet_bus_destroy(bus));
}

/* A new bus with a queue of its own made with opts (NULL: defaults). */
static signet_queue *bus_with_queue(signet_bus **bus, const signet_queue_options *opts)
{
    signet_queue *q = NULL;

    CHECK_OK(signet_bus_create(NULL, bus));
    CHECK_OK(signet_queue_create(*bus, opts, &q));
    return q;
}

/* What a receiver of reading saw of the previous payload. */
struct previous_seen {
    int calls;
    bool had;
    char room[16];
    int32_t value;
    pthread_t thread;
    atomic_int done;
};

static int on_reading_previous(void *ctx, const signet_event *ev, const t_reading *msg)
{
    struct previous_seen *p = ctx;
    const t_reading *before = signet_event_previous(ev);

    (void)msg;
    p->calls++;
    p->had = before != NULL;
    if (before) {
        snprintf(p->room, sizeof p->room, "%s", before->room);
        p->value = before->value;
    }
    p->thread = pthread_self();
    atomic_store(&p->done, p->calls);
    return 0;
}

/* A queued receiver sees the value retained before its message's, as it
 * was when the message was sent or posted: later updates do not change
 * it, and its strings are the message's own. */
static void queued_message_carries_the_previous_value(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct previous_seen p = {0};
    char room[16] = "kitchen";

    q = bus_with_queue(&bus, NULL);
    CHECK_OK(t_reading_connect_opts(bus, on_reading_previous, &p, SIGNET_ANY,
                                    &(signet_connect_opts){.queue = q}, &c));
    CHECK_EQ(t_reading_post(bus, NULL, room, 1), 1);
    CHECK_EQ(t_reading_send(bus, NULL, room, 2), 0);  /* queued: previous is 1 */
    CHECK_EQ(t_reading_post(bus, NULL, "hall", 3), 1); /* another topic: none */
    CHECK_EQ(t_reading_post(bus, NULL, room, 4), 1);  /* previous is 2 */
    strcpy(room, "garage");
    CHECK_EQ(signet_queue_dispatch(q, 1), 1);
    CHECK_EQ(p.calls, 1);
    CHECK(!p.had);
    CHECK_EQ(signet_queue_dispatch(q, 1), 1);
    CHECK(p.had && p.value == 1 && strcmp(p.room, "kitchen") == 0);
    CHECK_EQ(signet_queue_dispatch(q, 1), 1);
    CHECK(!p.had);
    CHECK_EQ(signet_queue_dispatch(q, 1), 1);
    CHECK(p.had && p.value == 2 && strcmp(p.room, "kitchen") == 0);
    CHECK_OK(signet_bus_destroy(bus));
}

/* When the payload and the previous one do not fit a slot together, the
 * message goes without the previous one. */
static void queued_message_without_room_has_no_previous(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct previous_seen p = {0};
    /* t_reading and "kitchen" fit; a second copy after them does not. */
    signet_queue_options small = {.slot_size = (uint32_t)(sizeof(t_reading) + 16)};

    q = bus_with_queue(&bus, &small);
    CHECK_OK(t_reading_connect_opts(bus, on_reading_previous, &p, SIGNET_ANY,
                                    &(signet_connect_opts){.queue = q}, &c));
    CHECK_EQ(t_reading_post(bus, NULL, "kitchen", 1), 1);
    CHECK_EQ(t_reading_post(bus, NULL, "kitchen", 2), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(p.calls, 2);
    CHECK(!p.had);
    CHECK_OK(signet_bus_destroy(bus));
}

/* On a worker thread: the receiver runs there and sees the previous
 * value of its own message. */
static void threads_queued_previous_on_a_worker_thread(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct previous_seen p = {0};

    q = bus_with_queue(&bus, NULL);
    CHECK_OK(t_reading_connect_opts(bus, on_reading_previous, &p, SIGNET_ANY,
                                    &(signet_connect_opts){.queue = q}, &c));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 5), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 6), 0);
    CHECK_OK(signet_queue_start(q, 1));
    while (atomic_load(&p.done) < 2)
        sched_yield();
    CHECK(p.had && p.value == 5 && strcmp(p.room, "kitchen") == 0);
    CHECK(!pthread_equal(p.thread, pthread_self()));
    CHECK_OK(signet_bus_destroy(bus));
}

static int count_calls(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    ++*(int *)ctx;
    return 0;
}

/* A replay to a queued connection goes through its queue: nothing runs
 * while connecting; at dispatch the new connection gets each value, oldest
 * first, and no other receiver of the queue runs for them. */
static void queued_replay_runs_at_dispatch_for_that_connection_only(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct replayed old = {{0}}, direct = {{0}}, fresh = {{0}};

    q = bus_with_queue(&bus, NULL);
    signet_connect_opts queued = {.queue = q};
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &old, SIGNET_ANY, &queued, &c));
    CHECK_OK(t_reading_connect(bus, on_reading, &direct, SIGNET_ANY, &c));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 1), 1);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 2), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK(strcmp(old.log, "kitchen=1 hall=2 ") == 0);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 3), 1);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY, .queue = q};
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &fresh, SIGNET_ANY, &replay, &c));
    CHECK_EQ(fresh.log[0], '\0'); /* not on the connecting thread */
    CHECK_EQ(signet_queue_dispatch(q, 0), 3); /* the send's message, then the replay's two */
    CHECK(strcmp(fresh.log, "hall=2 kitchen=3 ") == 0);
    CHECK(strcmp(old.log, "kitchen=1 hall=2 kitchen=3 ") == 0);
    CHECK(strcmp(direct.log, "kitchen=1 hall=2 kitchen=3 ") == 0);
    /* A run-time pattern's queued replay too. */
    int subscriber = 0;
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", count_calls, &subscriber,
                                      SIGNET_ANY, &replay, &c));
    CHECK_EQ(subscriber, 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(subscriber, 2);
    CHECK_OK(signet_bus_destroy(bus));
}

/* A queued replay for a connection that its twin hides (the same receiver
 * connected for SIGNET_ANY before, on the same queue, so the sender's
 * emissions run that one): the replay is the new connection's and runs
 * once per value, as a direct one does; the sends after it run the
 * receiver once. */
static void queued_replay_of_a_hidden_twin_runs(void)
{
    signet_bus *bus;
    signet_conn c;
    static const char sender = 's';
    struct replayed r = {{0}};
    signet_queue *q = bus_with_queue(&bus, NULL);
    signet_connect_opts queued = {.queue = q}, replay = {.flags = SIGNET_REPLAY, .queue = q};

    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY, &queued, &c));
    CHECK(t_reading_send(bus, &sender, "kitchen", 1) >= 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, &sender, &replay, &c));
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(r.log, "kitchen=1 kitchen=1 ") == 0);
    CHECK(t_reading_send(bus, &sender, "hall", 2) >= 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(r.log, "kitchen=1 kitchen=1 hall=2 ") == 0);
    CHECK_OK(signet_bus_destroy(bus));
}

/* A replay into a queue without room for it does not wait, whatever the
 * queue's overflow policy: it queues what fits, oldest first, and says it
 * skipped the rest (counted as dropped). */
static void queued_replay_into_a_full_queue_says_it_skipped(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct replayed r = {{0}};
    signet_queue_options two = {.capacity = 2, .overflow = SIGNET_OVERFLOW_BLOCK,
                                .block_timeout_ms = SIGNET_WAIT_FOREVER};

    q = bus_with_queue(&bus, &two);
    CHECK_EQ(t_reading_send(bus, NULL, "a", 1), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "b", 2), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "c", 3), 0);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY, .queue = q};
    CHECK_EQ(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY, &replay, &c),
             SIGNET_REPLAY_SKIPPED);
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_READING]), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK(strcmp(r.log, "a=1 b=2 ") == 0);
    /* The connection is made: it gets what comes next. */
    CHECK_EQ(t_reading_post(bus, NULL, "c", 4), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(r.log, "a=1 b=2 c=4 ") == 0);
    CHECK_OK(signet_bus_destroy(bus));
}

/* A queued replay reaches its connection even when an older connection
 * of the same receiver the other way (here for the sender, the new one
 * for SIGNET_ANY) leaves it out of that sender's list as its twin: the
 * replay is for the new connection, as a direct one's is. */
static void queued_replay_reaches_a_connection_its_older_twin_hides(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn older, newer;
    static const char a = 0;
    struct replayed r = {{0}};

    q = bus_with_queue(&bus, NULL);
    signet_connect_opts queued = {.queue = q};
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, &a, &queued, &older));
    CHECK_EQ(t_reading_send(bus, &a, "kitchen", 1), 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(r.log, "kitchen=1 ") == 0);
    r.log[0] = '\0';
    signet_connect_opts replay = {.flags = SIGNET_REPLAY, .queue = q};
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY, &replay, &newer));
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(r.log, "kitchen=1 ") == 0);
    CHECK_OK(signet_bus_destroy(bus));
}

/* The replay of a connection bound to a queue with a worker runs on that
 * worker's thread. */
static void threads_queued_replay_runs_on_the_queue_thread(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_conn c;
    struct previous_seen p = {0};

    q = bus_with_queue(&bus, NULL);
    CHECK_OK(signet_queue_start(q, 1));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 1), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 2), 0);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY, .queue = q};
    CHECK_OK(t_reading_connect_opts(bus, on_reading_previous, &p, SIGNET_ANY, &replay, &c));
    while (atomic_load(&p.done) < 2)
        sched_yield();
    CHECK(!pthread_equal(p.thread, pthread_self()));
    CHECK(!p.had); /* a replay gives no previous value */
    CHECK_OK(signet_bus_destroy(bus));
}

/* namespace p; signal meter(i32 value) retain per_sender; made by hand
 * with t_ping's layout. */
static bool meter_equal(const void *a, const void *b)
{
    return ((const t_ping *)a)->value == ((const t_ping *)b)->value;
}
extern const signet_schema_info p_schema;
static const signet_signal_info p_signals[] = {
    {"meter", 0, "meter", &t_ping_info, &p_schema, t_ping_invoke, 0, SIGNET_OVERFLOW_DEFAULT,
     SIGNET_SIGNAL_RETAIN | SIGNET_SIGNAL_PER_SENDER, NULL, 0, meter_equal, NULL},
};
const signet_schema_info p_schema = {SIGNET_ABI, "p", "p.signet", 1, p_signals, 0, NULL,
                                     NULL, NULL, NULL};

/* What a receiver of meter was given: values, and each one's previous. */
struct meter_log {
    char log[128];
};

static int on_meter(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct meter_log *l = ctx;
    const t_ping *before = signet_event_previous(ev);
    size_t n = strlen(l->log);

    snprintf(l->log + n, sizeof l->log - n, "%d<%d ", (int)msg->value,
             before ? (int)before->value : 0);
    return 0;
}

static int32_t meter_value(signet_bus *bus, const void *sender, int *rc)
{
    _Alignas(max_align_t) unsigned char buf[sizeof(t_ping)];

    *rc = signet_retained_copy_from(bus, &p_signals[0], sender, NULL, buf, sizeof buf, NULL);
    return *rc == 0 ? ((const t_ping *)(const void *)buf)->value : -1;
}

/* `retain per_sender`: one value per topic and sender. The previous value
 * is the same sender's; the _from calls name the sender (NULL: anonymous
 * emissions, what the plain calls read and clear); a replay for one sender
 * gives its values, for SIGNET_ANY every sender's, oldest update first. */
static void retained_per_sender_keeps_a_value_per_sender(void)
{
    signet_bus *bus;
    signet_conn c;
    static const char a, b;
    struct meter_log sent = {{0}}, only_b = {{0}}, every = {{0}};
    int rc;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_connect(bus, &p_signals[0], (signet_fnptr *)on_meter, &sent, SIGNET_ANY, NULL,
                            &c));
    CHECK_EQ(t_emit(bus, &p_signals[0], &a, 1), 1);
    CHECK_EQ(t_emit(bus, &p_signals[0], &b, 2), 1);
    CHECK_EQ(t_emit(bus, &p_signals[0], NULL, 3), 1);
    CHECK_EQ(t_emit(bus, &p_signals[0], &a, 4), 1);
    CHECK(strcmp(sent.log, "1<0 2<0 3<0 4<1 ") == 0);
    CHECK_EQ(meter_value(bus, &a, &rc), 4);
    CHECK_EQ(meter_value(bus, &b, &rc), 2);
    CHECK_EQ(meter_value(bus, NULL, &rc), 3);
    _Alignas(max_align_t) unsigned char buf[sizeof(t_ping)];
    CHECK_OK(signet_retained_copy(bus, &p_signals[0], NULL, buf, sizeof buf, NULL));
    CHECK_EQ(((const t_ping *)(const void *)buf)->value, 3);
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    CHECK_OK(signet_connect(bus, &p_signals[0], (signet_fnptr *)on_meter, &only_b, &b, &replay,
                            &c));
    CHECK(strcmp(only_b.log, "2<0 ") == 0);
    CHECK_OK(signet_connect(bus, &p_signals[0], (signet_fnptr *)on_meter, &every, SIGNET_ANY,
                            &replay, &c));
    CHECK(strcmp(every.log, "2<0 3<0 4<0 ") == 0);
    /* Clearing one sender's value leaves the others'. */
    CHECK_OK(signet_retained_clear_from(bus, &p_signals[0], &a, NULL));
    CHECK_EQ(meter_value(bus, &a, &rc), -1);
    CHECK_EQ(rc, SIGNET_ENOENT);
    CHECK_EQ(meter_value(bus, &b, &rc), 2);
    CHECK_OK(signet_retained_clear(bus, &p_signals[0], NULL)); /* the anonymous one */
    CHECK_EQ(meter_value(bus, NULL, &rc), -1);
    CHECK_EQ(meter_value(bus, &b, &rc), 2);
    /* Without per_sender, the sender is not looked at. */
    CHECK_EQ(t_reading_send(bus, &a, "kitchen", 7), 0);
    CHECK_EQ(signet_retained_copy_from(bus, &t_signals[T_READING], &b, "rooms/kitchen", NULL, 0,
                                       NULL),
             SIGNET_ENOSPC); /* found: only the buffer is too small */
    CHECK_OK(signet_retained_clear_from(bus, &t_signals[T_READING], &b, "rooms/kitchen"));
    CHECK_OK(signet_bus_destroy(bus));
}

/* Connects ping receivers, each with a ctx of its own, until the bus's
 * slot table has grown several times; then says it is done. */
enum { GROW_CONNECTS = 8 * 256 };

struct grower {
    signet_bus *bus;
    atomic_int started, done;
};

static int on_ping_nothing(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    return 0;
}

static void *grow_slots(void *arg)
{
    struct grower *g = arg;
    static char ctxs[GROW_CONNECTS];
    signet_conn c;

    atomic_store(&g->started, 1);
    for (int i = 0; i < GROW_CONNECTS; i++)
        CHECK_OK(t_ping_connect(g->bus, on_ping_nothing, &ctxs[i], SIGNET_ANY, &c));
    atomic_store(&g->done, 1);
    return NULL;
}

/* A replay reads the connection it runs for while another thread's
 * connects grow (and move) the bus's table of slots: it must not read
 * the table the growth replaced. Each replay connects, runs and
 * disconnects one receiver of reading, direct or queued. */
static void threads_replay_while_connects_grow_the_slots(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_bus_options opts = {.max_receivers = GROW_CONNECTS + 16};
    struct grower g = {0};
    struct replayed r = {{0}};
    pthread_t t;
    signet_conn c;

    CHECK_OK(signet_bus_create(&opts, &bus));
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 1), 0);
    g.bus = bus;
    CHECK_OK(pthread_create(&t, NULL, grow_slots, &g));
    while (!atomic_load(&g.started))
        sched_yield();
    for (int i = 0; !atomic_load(&g.done) || i < 64; i++) {
        signet_connect_opts replay = {.flags = SIGNET_REPLAY, .queue = (i & 1) ? q : NULL};
        r.log[0] = '\0';
        CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY, &replay, &c));
        if (i & 1)
            CHECK_EQ(signet_queue_dispatch(q, 0), 1);
        CHECK(strcmp(r.log, "kitchen=1 ") == 0);
        CHECK_OK(signet_disconnect(bus, c));
    }
    CHECK_OK(pthread_join(t, NULL));
    CHECK_OK(signet_bus_destroy(bus));
}

static const struct test_case cases[] = {
    {"retained_copy_reads_a_topic_without_subscribing",
     retained_copy_reads_a_topic_without_subscribing},
    {"retained_clear_forgets_one_topic", retained_clear_forgets_one_topic},
    {"retained_calls_that_cannot_name_a_value", retained_calls_that_cannot_name_a_value},
    {"queued_message_carries_the_previous_value", queued_message_carries_the_previous_value},
    {"queued_message_without_room_has_no_previous", queued_message_without_room_has_no_previous},
    {"threads_queued_previous_on_a_worker_thread", threads_queued_previous_on_a_worker_thread},
    {"retained_per_sender_keeps_a_value_per_sender",
     retained_per_sender_keeps_a_value_per_sender},
    {"queued_replay_runs_at_dispatch_for_that_connection_only",
     queued_replay_runs_at_dispatch_for_that_connection_only},
    {"queued_replay_of_a_hidden_twin_runs", queued_replay_of_a_hidden_twin_runs},
    {"queued_replay_into_a_full_queue_says_it_skipped",
     queued_replay_into_a_full_queue_says_it_skipped},
    {"queued_replay_reaches_a_connection_its_older_twin_hides",
     queued_replay_reaches_a_connection_its_older_twin_hides},
    {"threads_queued_replay_runs_on_the_queue_thread",
     threads_queued_replay_runs_on_the_queue_thread},
    {"threads_replay_while_connects_grow_the_slots", threads_replay_while_connects_grow_the_slots},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
