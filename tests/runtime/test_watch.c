/* test_watch.c: watching a bus (signet.h, "Watching a bus"): taps see every
 * send and post, whether anything receives it or not, with the signal,
 * sender, topic and payload; their own sends are not tapped; removing the
 * last tap gives the generated sends their inline path back; counters
 * count sends, posts, deliveries and drops while the bus counts. Through
 * the generated API of t.signet (fixture.h). */
#include "fixture.h"

#include <pthread.h>

/* What a tap saw: one line per call, "send ping 7 sender=a" and so on. */
struct seen {
    char lines[16][96];
    int n;
    signet_bus *bus;
    bool send_from_tap; /* the tap sends pong itself */
};

static const char sender_a[] = "a";

static int on_ping(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    *(int *)ctx += msg->value;
    return 0;
}

static int on_pong(void *ctx, const signet_event *ev, const t_pong *msg)
{
    (void)ev;
    *(int *)ctx += msg->value;
    return 0;
}

static void tap(void *ctx, const signet_event *ev, const void *payload, unsigned what)
{
    struct seen *s = ctx;
    char topic[64], json[64];
    const char *t = signet_event_topic(ev, topic, sizeof topic);

    CHECK(ev->bus == s->bus);
    CHECK(ev->pattern == NULL);
    CHECK_EQ(signet_format_json(ev->signal->payload, payload, json, sizeof json, NULL), 0);
    if (s->n < 16)
        snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s %s %s sender=%s",
                 what == SIGNET_TAP_SEND ? "send" : what == SIGNET_TAP_POST ? "post" : "?",
                 ev->signal->name, t ? t : "(none)", json,
                 ev->sender ? (const char *)ev->sender : "any");
    if (s->send_from_tap)
        CHECK_EQ(t_pong_send(ev->bus, NULL, 1), 0);
}

static void watch_tap_sees_sends_to_nobody(void)
{
    signet_bus *bus;
    struct seen s = {.bus = NULL};
    uint32_t id;

    CHECK_OK(signet_bus_create(NULL, &bus));
    s.bus = bus;
    CHECK_OK(signet_tap_add(bus, tap, &s, &id));
    CHECK(id != 0);
    CHECK_EQ(t_ping_send(bus, sender_a, 7), 0);
    CHECK_EQ(t_bare_send(bus, NULL), 0);
    CHECK_EQ(s.n, 2);
    CHECK(strcmp(s.lines[0], "send ping ping {\"value\":7} sender=a") == 0);
    CHECK(strcmp(s.lines[1], "send bare bare {} sender=any") == 0);
    CHECK_OK(signet_tap_remove(bus, id));
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_tap_sees_posts_topics_and_payloads(void)
{
    signet_bus *bus;
    struct seen s = {.bus = NULL};
    uint32_t id;
    int sum = 0;
    signet_conn c;

    CHECK_OK(signet_bus_create(NULL, &bus));
    s.bus = bus;
    CHECK_OK(t_ping_connect_opts(bus, on_ping, &sum, NULL,
                                 &(signet_connect_opts){.queue = signet_bus_queue(bus)}, &c));
    CHECK_OK(signet_tap_add(bus, tap, &s, &id));
    CHECK_EQ(t_ping_post(bus, NULL, 5), 1);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 21), 0);
    CHECK_EQ(t_reading_post(bus, sender_a, "hall", 19), 0);
    CHECK_EQ(s.n, 3);
    CHECK(strcmp(s.lines[0], "post ping ping {\"value\":5} sender=any") == 0);
    CHECK(strcmp(s.lines[1], "send reading rooms/kitchen {\"room\":\"kitchen\",\"value\":21} "
                             "sender=any") == 0);
    CHECK(strcmp(s.lines[2], "post reading rooms/hall {\"room\":\"hall\",\"value\":19} "
                             "sender=a") == 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(sum, 5);
    CHECK_EQ(s.n, 3); /* dispatching is not a send */
    CHECK_OK(signet_tap_remove(bus, id));
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_taps_do_not_tap_their_own_sends(void)
{
    signet_bus *bus;
    struct seen s = {.bus = NULL, .send_from_tap = true};
    uint32_t id;

    CHECK_OK(signet_bus_create(NULL, &bus));
    s.bus = bus;
    CHECK_OK(signet_tap_add(bus, tap, &s, &id));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 0);
    CHECK_EQ(s.n, 1); /* the pong the tap sent was not tapped */
    CHECK_OK(signet_tap_remove(bus, id));
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_tapped_sends_run_receivers_as_before(void)
{
    signet_bus *bus;
    struct seen s = {.bus = NULL};
    uint32_t id;
    int sum = 0, other = 0;
    signet_conn c1, c2;

    CHECK_OK(signet_bus_create(NULL, &bus));
    s.bus = bus;
    CHECK_OK(t_ping_connect(bus, on_ping, &sum, NULL, &c1));
    CHECK_OK(t_ping_connect(bus, on_ping, &other, sender_a, &c2));
    CHECK_EQ(t_ping_send(bus, NULL, 2), 1);
    CHECK_OK(signet_tap_add(bus, tap, &s, &id));
    CHECK_EQ(t_ping_send(bus, NULL, 3), 1);
    CHECK_EQ(t_ping_send(bus, sender_a, 4), 2);
    CHECK(t_ping_has_receivers(bus, NULL));
    CHECK(!t_pong_has_receivers(bus, NULL));
    CHECK_OK(signet_tap_remove(bus, id));
    CHECK_EQ(t_ping_send(bus, NULL, 10), 1);
    CHECK_EQ(s.n, 2);
    CHECK_EQ(sum, 2 + 3 + 4 + 10);
    CHECK_EQ(other, 4);
    CHECK_EQ(t_pong_send(bus, NULL, 1), 0); /* untapped, to nobody */
    CHECK_EQ(s.n, 2);
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_tap_limit_and_bad_ids(void)
{
    signet_bus *bus;
    struct seen s = {.bus = NULL};
    uint32_t ids[SIGNET_TAPS_MAX], extra;

    CHECK_OK(signet_bus_create(NULL, &bus));
    s.bus = bus;
    for (int i = 0; i < SIGNET_TAPS_MAX; i++)
        CHECK_OK(signet_tap_add(bus, tap, &s, &ids[i]));
    CHECK_EQ(signet_tap_add(bus, tap, &s, &extra), SIGNET_ELIMIT);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 0);
    CHECK_EQ(s.n, SIGNET_TAPS_MAX); /* every tap, once */
    CHECK_EQ(signet_tap_add(NULL, tap, &s, &extra), SIGNET_EINVAL);
    CHECK_EQ(signet_tap_add(bus, NULL, &s, &extra), SIGNET_EINVAL);
    CHECK_EQ(signet_tap_remove(bus, 0), SIGNET_EINVAL);
    CHECK_OK(signet_tap_remove(bus, ids[3]));
    CHECK_EQ(signet_tap_remove(bus, ids[3]), SIGNET_ENOENT);
    CHECK_OK(signet_bus_destroy(bus)); /* frees the taps left */
}

static void watch_counts_sends_posts_deliveries_and_drops(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_signal_counters n;
    int sum = 0, sum_a = 0;
    signet_conn c1, c2, c3;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, &(signet_queue_options){.capacity = 2}, &q));
    CHECK_OK(t_ping_connect(bus, on_ping, &sum, NULL, &c1));
    CHECK_OK(t_ping_connect(bus, on_ping, &sum_a, sender_a, &c2));
    CHECK_OK(t_pong_connect_opts(bus, on_pong, &sum, NULL,
                                 &(signet_connect_opts){.queue = q}, &c3));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 1); /* before counting: not counted */
    CHECK_OK(signet_bus_counting(bus, true));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 1);
    CHECK_EQ(t_ping_send(bus, sender_a, 1), 2);
    CHECK_EQ(t_ping_send(bus, sender_a, 1), 2);
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_PING], &n));
    CHECK_EQ(n.sent, 3);
    CHECK_EQ(n.delivered, 5);
    CHECK_EQ(n.posted, 0);
    CHECK_EQ(n.dropped, 0);
    CHECK_EQ(t_pong_post(bus, NULL, 1), 1);
    CHECK_EQ(t_pong_post(bus, NULL, 1), 1);
    CHECK_EQ(t_pong_post(bus, NULL, 1), SIGNET_EFULL);
    CHECK_EQ(t_pong_send(bus, NULL, 1), SIGNET_EFULL); /* its queued receiver's queue is full */
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_PONG], &n));
    CHECK_EQ(n.sent, 1);
    CHECK_EQ(n.posted, 2);
    CHECK_EQ(n.delivered, 0);
    CHECK_EQ(n.dropped, 2);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_PONG], &n));
    CHECK_EQ(n.delivered, 2);
    /* Stopped, the counts stay and stop growing; drops are counted always. */
    CHECK_OK(signet_bus_counting(bus, false));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 1);
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_PING], &n));
    CHECK_EQ(n.sent, 3);
    CHECK_EQ(n.delivered, 5);
    CHECK_EQ(sum, 1 + 1 + 1 + 1 + 1 + 1 + 1);
    CHECK_EQ(sum_a, 2);
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_counts_a_schema_new_to_the_bus(void)
{
    signet_bus *bus;
    signet_signal_counters n = {1, 1, 1, 1};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_BARE], &n));
    CHECK_EQ(n.sent + n.posted + n.delivered + n.dropped, 0);
    CHECK_OK(signet_bus_counting(bus, true));
    CHECK_EQ(t_bare_send(bus, NULL), 0); /* nothing was ever connected on this bus */
    CHECK_EQ(t_bare_send(bus, NULL), 0);
    CHECK_EQ(t_bare_post(bus, NULL), 0);
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_BARE], &n));
    CHECK_EQ(n.sent, 2);
    CHECK_EQ(n.posted, 0);
    CHECK_EQ(signet_signal_counts(bus, NULL, &n), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_counting(NULL, true), SIGNET_EINVAL);
    CHECK_OK(signet_bus_destroy(bus));
}

/* A tap and a receiver that ask for the emission's sequence number. */
static uint64_t tap_seq, receiver_seq;

static void seq_tap(void *ctx, const signet_event *ev, const void *payload, unsigned what)
{
    (void)ctx;
    (void)payload;
    (void)what;
    tap_seq = signet_event_seq(ev);
}

static int seq_receiver(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)msg;
    receiver_seq = signet_event_seq(ev);
    return 0;
}

static void watch_tap_and_receivers_see_one_sequence_number(void)
{
    signet_bus *bus;
    signet_conn c;
    uint32_t id;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_ping_connect(bus, seq_receiver, NULL, NULL, &c));
    CHECK_OK(signet_tap_add(bus, seq_tap, NULL, &id));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(t_ping_send(bus, NULL, i), 1);
        CHECK(tap_seq != 0);
        CHECK_EQ(receiver_seq, tap_seq); /* the tap's number is the emission's */
    }
    CHECK_OK(signet_tap_remove(bus, id));
    CHECK_OK(signet_bus_destroy(bus));
}

static void watch_counts_deliveries_of_a_send_whose_queueing_failed(void)
{
    signet_bus *bus;
    signet_queue *q;
    signet_signal_counters n;
    int sum = 0, queued = 0;
    signet_conn c1, c2;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_queue_create(bus, &(signet_queue_options){.capacity = 2}, &q));
    CHECK_OK(t_pong_connect(bus, on_pong, &sum, NULL, &c1));
    CHECK_OK(t_pong_connect_opts(bus, on_pong, &queued, NULL,
                                 &(signet_connect_opts){.queue = q}, &c2));
    CHECK_OK(signet_bus_counting(bus, true));
    CHECK_EQ(t_pong_send(bus, NULL, 1), 1);
    CHECK_EQ(t_pong_send(bus, NULL, 1), 1);
    CHECK_EQ(t_pong_send(bus, NULL, 1), SIGNET_EFULL); /* its direct receiver ran */
    CHECK_OK(signet_signal_counts(bus, &t_signals[T_PONG], &n));
    CHECK_EQ(n.sent, 3);
    CHECK_EQ(n.delivered, 3);
    CHECK_EQ(n.posted, 2);
    CHECK_EQ(n.dropped, 1);
    CHECK_EQ(sum, 3);
    CHECK_EQ(signet_bus_destroy(bus), 2); /* the two queued messages, never dispatched */
}

/* A tap that holds the sending thread until told to go. */
struct held {
    atomic_int entered, release, finished, removed;
};

static void holding_tap(void *ctx, const signet_event *ev, const void *payload, unsigned what)
{
    struct held *h = ctx;

    (void)ev;
    (void)payload;
    (void)what;
    atomic_store(&h->entered, 1);
    while (!atomic_load(&h->release))
        sched_yield();
    atomic_store(&h->finished, 1);
}

struct sender_arg {
    signet_bus *bus;
};

static void *send_once(void *arg)
{
    struct sender_arg *a = arg;

    CHECK_EQ(t_ping_send(a->bus, NULL, 1), 0);
    return NULL;
}

struct remover_arg {
    signet_bus *bus;
    uint32_t id;
    struct held *h;
};

static void *remove_tap(void *arg)
{
    struct remover_arg *a = arg;

    CHECK_OK(signet_tap_remove(a->bus, a->id));
    /* Returned only once the running tap had finished. */
    CHECK_EQ(atomic_load(&a->h->finished), 1);
    atomic_store(&a->h->removed, 1);
    return NULL;
}

static void watch_threads_tap_remove_waits_for_running_tap(void)
{
    signet_bus *bus;
    struct held h = {0};
    uint32_t id;
    pthread_t sender, remover;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(signet_tap_add(bus, holding_tap, &h, &id));
    struct sender_arg sa = {bus};
    CHECK_EQ(pthread_create(&sender, NULL, send_once, &sa), 0);
    while (!atomic_load(&h.entered))
        sched_yield();
    struct remover_arg ra = {bus, id, &h};
    CHECK_EQ(pthread_create(&remover, NULL, remove_tap, &ra), 0);
    /* The remover cannot return while the tap is held, however long it
     * has been waiting. */
    CHECK_EQ(atomic_load(&h.removed), 0);
    atomic_store(&h.release, 1);
    CHECK_EQ(pthread_join(remover, NULL), 0);
    CHECK_EQ(pthread_join(sender, NULL), 0);
    CHECK_EQ(atomic_load(&h.removed), 1);
    CHECK_OK(signet_bus_destroy(bus));
}

static const struct test_case cases[] = {
    {"watch_tap_sees_sends_to_nobody", watch_tap_sees_sends_to_nobody},
    {"watch_tap_sees_posts_topics_and_payloads", watch_tap_sees_posts_topics_and_payloads},
    {"watch_taps_do_not_tap_their_own_sends", watch_taps_do_not_tap_their_own_sends},
    {"watch_tapped_sends_run_receivers_as_before", watch_tapped_sends_run_receivers_as_before},
    {"watch_tap_limit_and_bad_ids", watch_tap_limit_and_bad_ids},
    {"watch_counts_sends_posts_deliveries_and_drops",
     watch_counts_sends_posts_deliveries_and_drops},
    {"watch_counts_a_schema_new_to_the_bus", watch_counts_a_schema_new_to_the_bus},
    {"watch_tap_and_receivers_see_one_sequence_number",
     watch_tap_and_receivers_see_one_sequence_number},
    {"watch_counts_deliveries_of_a_send_whose_queueing_failed",
     watch_counts_deliveries_of_a_send_whose_queueing_failed},
    {"watch_threads_tap_remove_waits_for_running_tap",
     watch_threads_tap_remove_waits_for_running_tap},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
