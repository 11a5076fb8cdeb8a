/* test_retained.c: reading and clearing retained values without
 * subscribing (signet_retained_copy, signet_retained_clear), the previous
 * value queued messages carry (one case on a worker thread, labelled
 * "threads" in CMakeLists.txt), on t.signet's
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

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, NULL, &q));
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

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, &small, &q));
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

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, NULL, &q));
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

static const struct test_case cases[] = {
    {"retained_copy_reads_a_topic_without_subscribing",
     retained_copy_reads_a_topic_without_subscribing},
    {"retained_clear_forgets_one_topic", retained_clear_forgets_one_topic},
    {"retained_calls_that_cannot_name_a_value", retained_calls_that_cannot_name_a_value},
    {"queued_message_carries_the_previous_value", queued_message_carries_the_previous_value},
    {"queued_message_without_room_has_no_previous", queued_message_without_room_has_no_previous},
    {"threads_queued_previous_on_a_worker_thread", threads_queued_previous_on_a_worker_thread},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
