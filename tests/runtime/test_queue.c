/* test_queue.c: queued delivery. Posting and dispatching, queued
 * connections and their threads, overflow policies with exact counts,
 * a queue's capacity for waiting messages while receivers run, posts of
 * several messages of which some are refused, disconnect and destroy with
 * messages waiting, the fd and worker threads, generic (SIGNET_GENERIC)
 * queued connections, the high-water mark, payloads of every small size.
 * The cases labelled "threads" in CMakeLists.txt run under ThreadSanitizer
 * too. No case sleeps to order its threads: each waits for what it needs
 * (signet_stats.blocked, a flag, a thread asleep in poll: thread_state.h).
 * Uses the schema of fixture.h plus, declared here, two signals with schema
 * overrides (queue N overflow P) and one with a string, and a schema of
 * signals whose payloads are byte arrays of one size each. */
#define _DEFAULT_SOURCE /* syscall(), in thread_state.h */
#define _POSIX_C_SOURCE 200809L
#include "fixture.h"
#include "thread_state.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

/* namespace u; signal capped(i32 value) queue 3 overflow drop_oldest;
 *              signal strict(i32 value) queue 2 overflow drop_newest;
 *              signal text(str text, i32 value); */
typedef struct {
    const char *text;
    int32_t value;
} u_text;
typedef int u_text_fn(void *ctx, const signet_event *ev, const u_text *msg);
static const signet_field_info u_text_fields[] = {
    {"text", SIGNET_TYPE_STR, offsetof(u_text, text), sizeof(const char *), 0, NULL, NULL},
    {"value", SIGNET_TYPE_I32, offsetof(u_text, value), sizeof(int32_t), 0, NULL, NULL},
};
static const signet_struct_info u_text_info = {"u_text", sizeof(u_text), _Alignof(u_text), 2,
                                               u_text_fields};
static int u_text_invoke(const signet_recv *r, const signet_event *ev, const void *payload)
{
    return ((u_text_fn *)r->fn)(r->ctx, ev, (const u_text *)payload);
}
extern const signet_schema_info u_schema;
enum { U_CAPPED, U_STRICT, U_TEXT, U_COUNT };
static const signet_signal_info u_signals[U_COUNT] = {
    {"capped", U_CAPPED, "capped", &t_ping_info, &u_schema, t_ping_invoke, 3,
     SIGNET_OVERFLOW_DROP_OLDEST, 0, NULL, 0, NULL, NULL},
    {"strict", U_STRICT, "strict", &t_ping_info, &u_schema, t_ping_invoke, 2,
     SIGNET_OVERFLOW_DROP_NEWEST, 0, NULL, 0, NULL, NULL},
    {"text", U_TEXT, "text", &u_text_info, &u_schema, u_text_invoke, 0, SIGNET_OVERFLOW_DEFAULT,
     0, NULL, 0, NULL, NULL},
};
const signet_schema_info u_schema = {SIGNET_ABI, "u", "u.signet", U_COUNT,
                                     u_signals, 0, NULL, NULL, NULL, NULL};

static int post(signet_bus *bus, const signet_signal_info *sig, const void *sender, int32_t v)
{
    const t_ping msg = {v};
    return signet_post(bus, sig, sender, &msg);
}

static int post_ping(signet_bus *bus, const void *sender, int32_t v)
{
    return post(bus, &t_signals[T_PING], sender, v);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static signet_bus *new_bus(const signet_bus_options *opts)
{
    signet_bus *bus = NULL;
    if (signet_bus_create(opts, &bus) != 0) {
        fprintf(stderr, "cannot create a bus\n");
        exit(1);
    }
    return bus;
}

/* What a receiver saw, in order. */
struct log {
    int32_t values[64];
    int n;
    pthread_t thread;
    int32_t stop_at;    /* return SIGNET_STOP on this value */
    int32_t fail_at;    /* return -42 on this value */
};

static int log_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct log *l = ctx;
    (void)ev;
    if (l->n < 64)
        l->values[l->n] = msg->value;
    l->n++;
    l->thread = pthread_self();
    if (l->stop_at && msg->value == l->stop_at)
        return SIGNET_STOP;
    if (l->fail_at && msg->value == l->fail_at)
        return -42;
    return 0;
}

static void stats_of(signet_queue *q, signet_stats *st)
{
    CHECK_OK(signet_queue_stats(q, st));
}

/* Waits until q counts n posts blocked waiting for room (signet_stats.
 * blocked), for 10 s at most; returns the last count seen. */
static uint32_t wait_blocked(signet_queue *q, uint32_t n)
{
    signet_stats st = {0};
    uint64_t t0 = now_ms();
    while (signet_queue_stats(q, &st) == 0 && st.blocked != n && now_ms() - t0 < 10000) {
        struct timespec ts = {0, 100 * 1000};
        nanosleep(&ts, NULL);
    }
    return st.blocked;
}

/* ------------------------------------------------------------------------ */

static void queue_post_runs_receivers_on_dispatch_in_order(void)
{
    signet_bus *bus = new_bus(NULL);
    struct log a = {0}, b = {0};
    signet_conn c;

    CHECK_EQ(post_ping(bus, NULL, 1), 0); /* no receiver: nothing queued */
    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &b, SIGNET_ANY, NULL, &c));
    for (int i = 1; i <= 5; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 1);
    CHECK_EQ(a.n, 0); /* nothing runs before dispatch */
    CHECK_EQ(signet_bus_dispatch(bus, 2), 2);
    CHECK_EQ(a.n, 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 3);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK_EQ(a.n, 5);
    CHECK_EQ(b.n, 5);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(a.values[i], i + 1);
    CHECK(pthread_equal(a.thread, pthread_self()));
    signet_stats st;
    stats_of(signet_bus_queue(bus), &st);
    CHECK_EQ(st.posted, 5);
    CHECK_EQ(st.delivered, 5);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(st.depth, 0);
    CHECK_EQ(st.high_water, 5);
    CHECK_EQ(st.capacity, SIGNET_DEFAULT_QUEUE_CAPACITY);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static void queue_post_filters_by_sender_and_keeps_rules(void)
{
    static const int s1 = 1, s2 = 2;
    signet_bus *bus = new_bus(NULL);
    struct log any = {.stop_at = 7}, one = {0}, late = {0}, fail = {.fail_at = 3};
    signet_connect_opts high = {.priority = 10};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &fail, SIGNET_ANY, &high, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &any, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &one, &s1, NULL, &c));
    CHECK_EQ(post_ping(bus, &s1, 1), 1);
    CHECK_EQ(post_ping(bus, &s2, 2), 1);
    CHECK_EQ(post_ping(bus, NULL, 3), 1);
    CHECK_EQ(post_ping(bus, &s1, 7), 1); /* any stops it: one does not run */
    /* Connected after the posts: not run by them. */
    CHECK_OK(t_connect(bus, T_PING, log_rx, &late, SIGNET_ANY, NULL, &c));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
    CHECK_EQ(any.n, 4);
    CHECK_EQ(one.n, 1);
    CHECK_EQ(one.values[0], 1);
    CHECK_EQ(fail.n, 4);
    CHECK_EQ(late.n, 0);
    CHECK_EQ(signet_bus_error_count(bus), 1);
    signet_bus_destroy(bus);
}

static void queue_receiver_disconnected_while_queued_does_not_run(void)
{
    signet_bus *bus = new_bus(NULL);
    struct log a = {0}, b = {0};
    signet_conn ca, cb;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &ca));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &b, SIGNET_ANY, NULL, &cb));
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    CHECK_OK(signet_disconnect(bus, ca));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(a.n, 0);
    CHECK_EQ(b.n, 1);
    /* Reconnected: a new handle, and the old message is gone already. */
    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &ca));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK_EQ(a.n, 0);
    signet_bus_destroy(bus);
}

static void queue_send_runs_direct_now_and_queues_for_queued(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    struct log direct = {0}, queued = {0};
    signet_conn c;

    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, log_rx, &direct, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &queued, SIGNET_ANY, &on_q, &c));
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], NULL));
    CHECK_EQ(t_send(bus, T_PING, NULL, 5), 1);
    CHECK_EQ(direct.n, 1);
    CHECK_EQ(queued.n, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0); /* nothing on the default queue */
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK_EQ(queued.n, 1);
    CHECK_EQ(queued.values[0], 5);
    /* post: the direct receiver on the default queue, the queued one on q. */
    CHECK_EQ(post_ping(bus, NULL, 6), 2);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK_EQ(direct.n, 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(direct.n, 2);
    CHECK_EQ(queued.n, 2);
    /* A queue of another bus is refused. */
    signet_bus *other = new_bus(NULL);
    signet_connect_opts foreign = {.queue = signet_bus_queue(other)};
    CHECK_EQ(t_connect(bus, T_PING, log_rx, &queued, &c, &foreign, &c), SIGNET_EINVAL);
    signet_bus_destroy(other);
    CHECK_EQ(signet_queue_destroy(signet_bus_queue(bus)), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Overflow */

static void queue_overflow_drop_newest_refuses_and_counts(void)
{
    signet_bus_options opts = {.queue_capacity = 4, .overflow = SIGNET_OVERFLOW_DROP_NEWEST};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    for (int i = 1; i <= 10; i++)
        CHECK_EQ(post_ping(bus, NULL, i), i <= 4 ? 1 : SIGNET_EFULL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(a.values[i], i + 1);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 4);
    CHECK_EQ(st.delivered, 4);
    CHECK_EQ(st.dropped, 6);
    CHECK_EQ(st.evicted, 0);
    CHECK_EQ(st.high_water, 4);
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 6);
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PONG]), 0);
    signet_bus_destroy(bus);
}

static void queue_overflow_drop_oldest_keeps_newest(void)
{
    signet_bus_options opts = {.queue_capacity = 4, .overflow = SIGNET_OVERFLOW_DROP_OLDEST};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    for (int i = 1; i <= 10; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
    CHECK_EQ(a.n, 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(a.values[i], 7 + i);
    signet_stats st;
    stats_of(signet_bus_queue(bus), &st);
    CHECK_EQ(st.posted, 10);
    CHECK_EQ(st.evicted, 6);
    CHECK_EQ(st.dropped, 6);
    CHECK_EQ(st.delivered, 4);
    CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 6);
    signet_bus_destroy(bus);
}

static void queue_overflow_block_times_out_at_deadline(void)
{
    signet_bus_options opts = {.queue_capacity = 2, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = 200};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    CHECK_EQ(post_ping(bus, NULL, 2), 1);
    uint64_t t0 = now_ms();
    CHECK_EQ(post_ping(bus, NULL, 3), SIGNET_ETIMEDOUT);
    uint64_t waited = now_ms() - t0;
    CHECK(waited >= 200);  /* the deadline was kept, not cut short */
    CHECK(waited < 10000); /* and it returned: a bound against a hang, not a speed check */
    signet_stats st;
    stats_of(signet_bus_queue(bus), &st);
    CHECK_EQ(st.dropped, 1);
    CHECK_EQ(st.posted, 2);
    CHECK_EQ(st.blocked, 0); /* no longer waiting */
    signet_bus_destroy(bus);
}

/* Makes room for one message once a post waits for it. */
struct drainer {
    signet_bus *bus;
    uint32_t saw_blocked; /* the blocked count it made room at */
};

static void *drain_when_blocked(void *arg)
{
    struct drainer *d = arg;
    d->saw_blocked = wait_blocked(signet_bus_queue(d->bus), 1);
    CHECK_EQ(signet_bus_dispatch(d->bus, 1), 1);
    return NULL;
}

static void queue_overflow_block_succeeds_when_space_frees(void)
{
    signet_bus_options opts = {.queue_capacity = 2, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = 10000};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;
    pthread_t t;
    struct drainer d = {bus, 0};

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    CHECK_EQ(post_ping(bus, NULL, 2), 1);
    uint64_t t0 = now_ms();
    pthread_create(&t, NULL, drain_when_blocked, &d);
    CHECK_EQ(post_ping(bus, NULL, 3), 1); /* waits for the drainer */
    uint64_t waited = now_ms() - t0;
    pthread_join(t, NULL);
    CHECK_EQ(d.saw_blocked, 1); /* the room came while it waited */
    CHECK(waited < 10000); /* and it returned: a bound against a hang, not a speed check */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(a.n, 3);
    CHECK_EQ(a.values[2], 3);
    signet_stats st;
    stats_of(signet_bus_queue(bus), &st);
    CHECK_EQ(st.dropped, 0);
    signet_bus_destroy(bus);
}

/* signet_stats.blocked counts a post while it waits for room, on its queue
 * and in the bus's sum, and no longer once the post went in. */
struct blocked_poster {
    signet_bus *bus;
    int rc;
    atomic_bool returned;
};

static void *post_until_room(void *arg)
{
    struct blocked_poster *p = arg;
    p->rc = post_ping(p->bus, NULL, 3);
    atomic_store(&p->returned, true);
    return NULL;
}

static void queue_stats_blocked_counts_waiting_posts(void)
{
    signet_bus_options opts = {.queue_capacity = 2, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = SIGNET_WAIT_FOREVER};
    signet_bus *bus = new_bus(&opts);
    signet_queue *q = signet_bus_queue(bus);
    struct log a = {0};
    struct blocked_poster p = {.bus = bus};
    signet_stats st;
    signet_conn c;
    pthread_t t;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    CHECK_EQ(post_ping(bus, NULL, 2), 1);
    stats_of(q, &st);
    CHECK_EQ(st.blocked, 0); /* full, and nobody waits yet */
    CHECK_OK(pthread_create(&t, NULL, post_until_room, &p));
    CHECK_EQ(wait_blocked(q, 1), 1);
    CHECK(!atomic_load(&p.returned)); /* counted while it waits */
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.blocked, 1);
    CHECK_EQ(signet_bus_dispatch(bus, 1), 1); /* room for it */
    pthread_join(t, NULL);
    CHECK_EQ(p.rc, 1);
    stats_of(q, &st);
    CHECK_EQ(st.blocked, 0);
    CHECK_EQ(st.depth, 2);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.blocked, 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(a.n, 3);
    CHECK_EQ(a.values[2], 3);
    signet_bus_destroy(bus);
}

static void queue_schema_override_caps_signal(void)
{
    /* The queue says block; each signal's schema override wins. */
    signet_bus_options opts = {.queue_capacity = 16, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = 50};
    signet_bus *bus = new_bus(&opts);
    struct log capped = {0}, strict = {0};
    signet_conn c;

    CHECK_OK(signet_connect(bus, &u_signals[U_CAPPED], (signet_fnptr *)log_rx, &capped,
                            SIGNET_ANY, NULL, &c));
    CHECK_OK(signet_connect(bus, &u_signals[U_STRICT], (signet_fnptr *)log_rx, &strict,
                            SIGNET_ANY, NULL, &c));
    for (int i = 1; i <= 5; i++)
        CHECK_EQ(post(bus, &u_signals[U_STRICT], NULL, i), i <= 2 ? 1 : SIGNET_EFULL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    for (int i = 1; i <= 8; i++)
        CHECK_EQ(post(bus, &u_signals[U_CAPPED], NULL, i), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 3);
    CHECK_EQ(capped.n, 3);
    CHECK_EQ(capped.values[0], 6);
    CHECK_EQ(capped.values[2], 8);
    CHECK_EQ(signet_signal_dropped(bus, &u_signals[U_STRICT]), 3);
    CHECK_EQ(signet_signal_dropped(bus, &u_signals[U_CAPPED]), 5);
    signet_bus_destroy(bus);
}

static void queue_payload_over_slot_size_is_refused(void)
{
    signet_bus_options opts = {.slot_size = 2};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), SIGNET_ETOOBIG);
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK(strcmp(signet_strerror(SIGNET_ETOOBIG), "unknown error") != 0);
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Shutdown */

static void queue_destroy_with_messages_reports_discarded(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    struct log a = {0}, b = {0};
    signet_conn c;

    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, &on_q, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &b, SIGNET_ANY, NULL, &c));
    for (int i = 0; i < 7; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 2);
    CHECK_EQ(signet_queue_dispatch(q, 2), 2);
    CHECK_EQ(signet_queue_destroy(q), 5);
    CHECK_EQ(a.n, 2);
    /* Its connection went with it: posts reach only the default queue. */
    CHECK_EQ(post_ping(bus, NULL, 9), 1);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.queue_count, 1);
    CHECK_EQ(st.discarded, 5);
    CHECK_EQ(st.posted, 15);
    CHECK_EQ(st.delivered, 2);
    CHECK_EQ(signet_bus_destroy(bus), 8); /* the default queue's 7 + 1 */
    CHECK_EQ(b.n, 0);
}

/* ------------------------------------------------------------------------ */
/* Re-entrancy */

static signet_bus *reentrant_bus;

static int repost_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct log *l = ctx;
    (void)ev;
    l->values[l->n++] = msg->value;
    if (msg->value < 5)
        CHECK_EQ(post_ping(reentrant_bus, NULL, msg->value + 1), 1);
    return 0;
}

/* Message 0 posts 1 to 6 while it runs. */
static int burst_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct log *l = ctx;
    (void)ev;
    l->values[l->n++] = msg->value;
    if (msg->value == 0)
        for (int32_t v = 1; v <= 6; v++)
            CHECK_EQ(post_ping(reentrant_bus, NULL, v), 1);
    return 0;
}

static void queue_post_from_inside_receiver(void)
{
    signet_bus *bus = reentrant_bus = new_bus(NULL);
    struct log a = {0};
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, repost_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    /* Each dispatch runs the message, which posts the next one. */
    int total = 0;
    for (int i = 0; i < 10; i++)
        total += signet_bus_dispatch(bus, 1);
    CHECK_EQ(total, 5);
    CHECK_EQ(a.n, 5);
    CHECK_EQ(a.values[4], 5);
    signet_bus_destroy(bus);
}

/* The high-water mark counts what a receiver posts while its message runs:
 * the deepest moment comes after the last take, so the takes that follow
 * must see it. */
static void queue_high_water_counts_what_a_running_receiver_posts(void)
{
    signet_bus *bus = reentrant_bus = new_bus(NULL);
    struct log a = {0};
    signet_conn c;
    signet_stats st;

    CHECK_OK(t_connect(bus, T_PING, burst_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 0), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 1), 1); /* message 0 posts 1..6 */
    CHECK_EQ(signet_bus_dispatch(bus, 2), 2);
    CHECK_EQ(post_ping(bus, NULL, 100), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 5);
    stats_of(signet_bus_queue(bus), &st); /* the first look, once all is gone */
    CHECK_EQ(st.depth, 0);
    CHECK_EQ(st.high_water, 6);
    CHECK_EQ(st.posted, 8);
    CHECK_EQ(a.n, 8);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(a.values[i], i);
    CHECK_EQ(a.values[7], 100);
    signet_bus_destroy(bus);
}

/* Once the mark is the capacity a take no longer reads the tail: the mark
 * stays there, through takes and through drop_oldest's evictions, and the
 * counters still add up. */
static void queue_high_water_stays_at_the_capacity_once_full(void)
{
    for (int oldest = 0; oldest < 2; oldest++) {
        signet_bus_options o = {.queue_capacity = 4,
                                .overflow = oldest ? SIGNET_OVERFLOW_DROP_OLDEST
                                                   : SIGNET_OVERFLOW_DROP_NEWEST};
        signet_bus *bus = new_bus(&o);
        struct log a = {0};
        signet_conn c;
        signet_stats st;

        CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
        for (int i = 0; i < 5; i++) /* the fifth: refused, or evicts the first */
            (void)post_ping(bus, NULL, i);
        CHECK_EQ(signet_bus_dispatch(bus, 1), 1);
        stats_of(signet_bus_queue(bus), &st);
        CHECK_EQ(st.high_water, 4);
        CHECK_EQ(st.depth, 3);
        for (int i = 5; i < 8; i++) /* full again; then one more */
            (void)post_ping(bus, NULL, i);
        CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
        CHECK_EQ(post_ping(bus, NULL, 8), 1);
        CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
        stats_of(signet_bus_queue(bus), &st);
        CHECK_EQ(st.high_water, 4);
        CHECK_EQ(st.depth, 0);
        CHECK_EQ(st.posted, oldest ? 9 : 6);
        CHECK_EQ(st.dropped, 3);
        CHECK_EQ(st.evicted, oldest ? 3 : 0);
        CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
        CHECK_EQ(a.n, 6);
        CHECK_EQ(a.values[5], 8);
        signet_bus_destroy(bus);
    }
}

/* ---- payloads of every small size ---- */

/* namespace w; one signal per size in w_sizes, its payload u8 b[size]. */
/* clang-format off */
#define W_SIGNAL(k, n)                                                                            \
    {"s" #n, k, "s" #n, &w_struct[k], &w_schema, signet_invoke_generic, 0,                         \
     SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL, NULL}
#define W_STRUCT(k, n) {"w_s" #n, n, 1, 1, &w_field[k]}
#define W_FIELD(n) {"b", SIGNET_TYPE_U8, 0, 1, n, NULL, NULL}
enum { W_COUNT = 14 };
static const uint32_t w_sizes[W_COUNT] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 33};
static const signet_field_info w_field[W_COUNT] = {
    W_FIELD(1),  W_FIELD(2),  W_FIELD(3),  W_FIELD(4),  W_FIELD(5),  W_FIELD(7),  W_FIELD(8),
    W_FIELD(9),  W_FIELD(12), W_FIELD(15), W_FIELD(16), W_FIELD(17), W_FIELD(24), W_FIELD(33)};
static const signet_struct_info w_struct[W_COUNT] = {
    W_STRUCT(0, 1),  W_STRUCT(1, 2),   W_STRUCT(2, 3),   W_STRUCT(3, 4),   W_STRUCT(4, 5),
    W_STRUCT(5, 7),  W_STRUCT(6, 8),   W_STRUCT(7, 9),   W_STRUCT(8, 12),  W_STRUCT(9, 15),
    W_STRUCT(10, 16), W_STRUCT(11, 17), W_STRUCT(12, 24), W_STRUCT(13, 33)};
extern const signet_schema_info w_schema;
static const signet_signal_info w_signals[W_COUNT] = {
    W_SIGNAL(0, 1),  W_SIGNAL(1, 2),   W_SIGNAL(2, 3),   W_SIGNAL(3, 4),   W_SIGNAL(4, 5),
    W_SIGNAL(5, 7),  W_SIGNAL(6, 8),   W_SIGNAL(7, 9),   W_SIGNAL(8, 12),  W_SIGNAL(9, 15),
    W_SIGNAL(10, 16), W_SIGNAL(11, 17), W_SIGNAL(12, 24), W_SIGNAL(13, 33)};
const signet_schema_info w_schema = {SIGNET_ABI, "w", "w.signet", W_COUNT,
                                     w_signals, 0, NULL, NULL, NULL, NULL};
/* clang-format on */

/* The byte at i of a size-n payload, for the n-th signal's round r. */
static unsigned char w_byte(uint32_t n, uint32_t i, uint32_t r)
{
    return (unsigned char)(n * 31u + i * 7u + r);
}

static int sizes_seen, sizes_wrong;

static int sizes_rx(void *ctx, const signet_event *ev, const void *payload)
{
    uint32_t r = *(const uint32_t *)ctx;
    uint32_t n = ev->signal->payload->size;
    const unsigned char *b = payload;
    sizes_seen++;
    for (uint32_t i = 0; i < n; i++)
        if (b[i] != w_byte(n, i, r))
            sizes_wrong++;
    return 0;
}

/* Each payload arrives byte for byte, whatever its size, and a post reads
 * no byte past the caller's struct (each is on the heap, so
 * AddressSanitizer would see it). */
static void queue_post_copies_payloads_of_every_small_size(void)
{
    signet_bus_options opts = {.queue_capacity = 64, .slot_size = 64};
    signet_bus *bus = new_bus(&opts);
    signet_conn c;
    uint32_t round = 0;

    for (int k = 0; k < W_COUNT; k++)
        CHECK_OK(signet_connect(bus, &w_signals[k], (signet_fnptr *)sizes_rx, &round, SIGNET_ANY,
                                NULL, &c));
    for (round = 0; round < 3; round++) {
        for (int k = 0; k < W_COUNT; k++) {
            uint32_t n = w_sizes[k];
            unsigned char *b = malloc(n);
            CHECK(b != NULL);
            for (uint32_t i = 0; i < n; i++)
                b[i] = w_byte(n, i, round);
            CHECK_EQ(signet_post(bus, &w_signals[k], NULL, b), 1);
            memset(b, 0, n); /* the queue holds its own copy */
            free(b);
        }
        CHECK_EQ(signet_bus_dispatch(bus, 0), W_COUNT);
    }
    CHECK_EQ(sizes_seen, 3 * W_COUNT);
    CHECK_EQ(sizes_wrong, 0);
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Threads */

enum { PRODUCERS = 4, POSTS_PER_PRODUCER = 250000 };

static signet_bus *mp_bus;
static const char producer_ids[PRODUCERS] = {0};
static int32_t next_expected[PRODUCERS];
static long mp_received, mp_out_of_order;

static int mp_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    int p = (int)((const char *)ev->sender - producer_ids);
    if (msg->value != next_expected[p])
        mp_out_of_order++;
    next_expected[p] = msg->value + 1;
    mp_received++;
    return 0;
}

static void *producer_main(void *arg)
{
    const char *id = arg;
    for (int32_t i = 0; i < POSTS_PER_PRODUCER; i++) {
        int rc = post_ping(mp_bus, id, i);
        if (rc != 1) {
            CHECK_EQ(rc, 1);
            break;
        }
    }
    return NULL;
}

static atomic_bool producers_done;

static void *consumer_main(void *arg)
{
    (void)arg;
    for (;;) {
        bool done = atomic_load(&producers_done);
        int n = signet_bus_dispatch(mp_bus, 256);
        if (n == 0) {
            if (done)
                break;
            sched_yield();
        }
    }
    return NULL;
}

static void queue_threads_4_producers_exactly_once_fifo(void)
{
    /* block: producers wait for room instead of dropping. */
    signet_bus_options opts = {.queue_capacity = 4096, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = SIGNET_WAIT_FOREVER};
    signet_conn c;
    pthread_t prod[PRODUCERS], cons;

    mp_bus = new_bus(&opts);
    CHECK_OK(t_connect(mp_bus, T_PING, mp_rx, NULL, SIGNET_ANY, NULL, &c));
    pthread_create(&cons, NULL, consumer_main, NULL);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_create(&prod[i], NULL, producer_main, (void *)&producer_ids[i]);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(prod[i], NULL);
    atomic_store(&producers_done, true);
    pthread_join(cons, NULL);
    CHECK_EQ(mp_received, (long)PRODUCERS * POSTS_PER_PRODUCER);
    CHECK_EQ(mp_out_of_order, 0);
    for (int i = 0; i < PRODUCERS; i++)
        CHECK_EQ(next_expected[i], POSTS_PER_PRODUCER);
    signet_stats st;
    CHECK_OK(signet_bus_stats(mp_bus, &st));
    CHECK_EQ(st.posted, (long)PRODUCERS * POSTS_PER_PRODUCER);
    CHECK_EQ(st.delivered, (long)PRODUCERS * POSTS_PER_PRODUCER);
    CHECK_EQ(st.dropped, 0);
    CHECK_EQ(st.depth, 0);
    CHECK(st.high_water >= 1 && st.high_water <= 4096);
    CHECK_EQ(signet_bus_destroy(mp_bus), 0);
}

static void *run_queue(void *arg)
{
    CHECK_OK(signet_queue_run(arg));
    return NULL;
}

struct seen_thread {
    atomic_int n;
    pthread_t thread;
};

static int thread_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct seen_thread *s = ctx;
    (void)ev;
    (void)msg;
    s->thread = pthread_self();
    atomic_fetch_add(&s->n, 1);
    return 0;
}

static void queue_connection_runs_on_its_queue_thread(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    struct seen_thread direct = {0}, queued = {0};
    signet_conn c;
    pthread_t t;

    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, thread_rx, &direct, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, thread_rx, &queued, SIGNET_ANY, &on_q, &c));
    pthread_create(&t, NULL, run_queue, q);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(t_send(bus, T_PING, NULL, i), 1);
    CHECK_EQ(atomic_load(&direct.n), 100);
    CHECK(pthread_equal(direct.thread, pthread_self()));
    uint64_t t0 = now_ms();
    while (atomic_load(&queued.n) < 100 && now_ms() - t0 < 10000)
        sched_yield();
    signet_queue_stop(q);
    pthread_join(t, NULL);
    CHECK_EQ(atomic_load(&queued.n), 100);
    CHECK(pthread_equal(queued.thread, t));
    CHECK_EQ(signet_queue_destroy(q), 0);
    signet_bus_destroy(bus);
}

enum { POOL = 3, POOL_PRODUCERS = 2, POOL_POSTS = 20000 };
static atomic_int pool_seen[POOL_PRODUCERS * POOL_POSTS];
static atomic_long pool_runs;

static int pool_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    atomic_fetch_add(&pool_seen[msg->value], 1);
    atomic_fetch_add(&pool_runs, 1);
    return 0;
}

struct pool_producer {
    signet_bus *bus;
    int base;
};

static void *pool_producer_main(void *arg)
{
    struct pool_producer *p = arg;
    for (int i = 0; i < POOL_POSTS; i++)
        CHECK_EQ(post_ping(p->bus, NULL, p->base + i), 1);
    return NULL;
}

static void queue_worker_pool_delivers_each_once(void)
{
    signet_bus_options opts = {.queue_capacity = 1024, .overflow = SIGNET_OVERFLOW_BLOCK,
                               .block_timeout_ms = SIGNET_WAIT_FOREVER};
    signet_bus *bus = new_bus(&opts);
    signet_conn c;
    pthread_t prod[POOL_PRODUCERS];
    struct pool_producer pp[POOL_PRODUCERS];

    CHECK_OK(t_connect(bus, T_PING, pool_rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_OK(signet_queue_start(signet_bus_queue(bus), POOL));
    CHECK_EQ(signet_queue_start(signet_bus_queue(bus), 1), SIGNET_EINVAL);
    for (int i = 0; i < POOL_PRODUCERS; i++) {
        pp[i] = (struct pool_producer){bus, i * POOL_POSTS};
        pthread_create(&prod[i], NULL, pool_producer_main, &pp[i]);
    }
    for (int i = 0; i < POOL_PRODUCERS; i++)
        pthread_join(prod[i], NULL);
    uint64_t t0 = now_ms();
    while (atomic_load(&pool_runs) < POOL_PRODUCERS * POOL_POSTS && now_ms() - t0 < 20000)
        sched_yield();
    CHECK_EQ(signet_bus_destroy(bus), 0);
    CHECK_EQ(atomic_load(&pool_runs), POOL_PRODUCERS * POOL_POSTS);
    long wrong = 0;
    for (int i = 0; i < POOL_PRODUCERS * POOL_POSTS; i++)
        wrong += atomic_load(&pool_seen[i]) != 1;
    CHECK_EQ(wrong, 0);
}

/* Posts once the test's thread sleeps in poll(2) on the bus's fd. */
static long poller_tid;

static void *post_when_polling(void *arg)
{
    CHECK(thread_state_wait_in_poll(poller_tid));
    CHECK_EQ(post_ping(arg, NULL, 42), 1);
    return NULL;
}

static void queue_fd_wakes_poll_when_posted(void)
{
    signet_bus *bus = new_bus(NULL);
    struct log a = {0};
    signet_conn c;
    pthread_t t;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    int fd = signet_bus_fd(bus);
    CHECK(fd >= 0);
    struct pollfd p = {fd, POLLIN, 0};
    CHECK_EQ(poll(&p, 1, 0), 0); /* empty: not readable */
    poller_tid = thread_state_self();
    pthread_create(&t, NULL, post_when_polling, bus);
    CHECK_EQ(poll(&p, 1, 10000), 1); /* asleep here when the post comes */
    pthread_join(t, NULL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(a.values[0], 42);
    /* Drained: not readable until the next post. */
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_EQ(post_ping(bus, NULL, 43), 1);
    CHECK_EQ(poll(&p, 1, 0), 1);
    /* A partial dispatch leaves it readable. */
    CHECK_EQ(post_ping(bus, NULL, 44), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 1), 1);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(poll(&p, 1, 0), 0);
    signet_bus_destroy(bus);
}


/* A receiver that holds: each run of a value below hold_below counts itself
 * in holding, then waits until hold_release is set (for 10 s at most: a
 * bound against a hang, failing the case through what it then checks);
 * every run counts itself in *ctx (an atomic_int, or NULL). */
static atomic_int holding;
static atomic_bool hold_release;
static int32_t hold_below;

static int hold_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    if (msg->value < hold_below) {
        atomic_fetch_add(&holding, 1);
        uint64_t t0 = now_ms();
        while (!atomic_load(&hold_release) && now_ms() - t0 < 10000)
            sched_yield();
    }
    if (ctx)
        atomic_fetch_add((atomic_int *)ctx, 1);
    return 0;
}

static void hold_reset(int32_t below)
{
    atomic_store(&holding, 0);
    atomic_store(&hold_release, false);
    hold_below = below;
}

/* Waits until n receivers hold; false after 10 s. */
static bool wait_holding(int n)
{
    uint64_t t0 = now_ms();
    while (atomic_load(&holding) != n && now_ms() - t0 < 10000)
        sched_yield();
    return atomic_load(&holding) == n;
}

/* A queue of capacity 2 whose 2 workers both run a held receiver takes 2
 * more messages at once under policy, then is full; the held messages do
 * not use its capacity. */
static void capacity_while_workers_run(signet_overflow policy)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    signet_queue_options qo = {.capacity = 2, .overflow = policy, .block_timeout_ms = 2000};
    signet_conn c;
    atomic_int runs = 0;

    hold_reset(2);
    CHECK_OK(signet_queue_create(bus, &qo, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, hold_rx, &runs, SIGNET_ANY, &on_q, &c));
    CHECK_OK(signet_queue_start(q, 2));
    CHECK_EQ(post_ping(bus, NULL, 0), 1);
    CHECK_EQ(post_ping(bus, NULL, 1), 1);
    CHECK(wait_holding(2)); /* both workers run a message; none waits */
    signet_stats st;
    stats_of(q, &st);
    CHECK_EQ(st.depth, 0);
    /* Neither waits for a receiver (block would time out after 2 s). */
    CHECK_EQ(post_ping(bus, NULL, 2), 1);
    CHECK_EQ(post_ping(bus, NULL, 3), 1);
    stats_of(q, &st);
    CHECK_EQ(st.depth, 2);
    CHECK_EQ(st.dropped, 0);
    if (policy == SIGNET_OVERFLOW_DROP_NEWEST) /* now it is full of waiting messages */
        CHECK_EQ(post_ping(bus, NULL, 4), SIGNET_EFULL);
    atomic_store(&hold_release, true);
    uint64_t t0 = now_ms();
    while (atomic_load(&runs) < 4 && now_ms() - t0 < 10000)
        sched_yield();
    CHECK_EQ(atomic_load(&runs), 4);
    stats_of(q, &st);
    CHECK_EQ(st.posted, 4);
    CHECK_EQ(st.delivered, 4);
    CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
    CHECK_EQ(st.dropped, policy == SIGNET_OVERFLOW_DROP_NEWEST ? 1 : 0);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static void queue_capacity_is_for_waiting_messages(void)
{
    capacity_while_workers_run(SIGNET_OVERFLOW_DROP_NEWEST);
}

static void queue_block_does_not_wait_for_running_receivers(void)
{
    capacity_while_workers_run(SIGNET_OVERFLOW_BLOCK);
}

static void *dispatch_one_message(void *arg)
{
    signet_bus_dispatch(arg, 1);
    return NULL;
}

/* drop_oldest never waits for a receiver: while message 0 runs (held),
 * the queue of capacity 4 takes 4 waiting messages, and the next post
 * evicts the oldest waiting one at once. */
static void queue_drop_oldest_evicts_while_a_receiver_runs(void)
{
    signet_bus_options opts = {.queue_capacity = 4,
                               .overflow = SIGNET_OVERFLOW_DROP_OLDEST,
                               .block_timeout_ms = 2000};
    signet_bus *bus = new_bus(&opts);
    struct log a = {0};
    signet_conn c;
    pthread_t tid;

    hold_reset(1);
    CHECK_OK(t_connect(bus, T_PING, log_rx, &a, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, hold_rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 0), 1);
    pthread_create(&tid, NULL, dispatch_one_message, bus);
    CHECK(wait_holding(1)); /* message 0 runs; nothing waits */
    for (int i = 1; i <= 4; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 1);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.depth, 4);
    CHECK_EQ(st.evicted, 0);
    /* Evicts 1 at once (waiting for the receiver would time out in 2 s). */
    CHECK_EQ(post_ping(bus, NULL, 5), 1);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.evicted, 1);
    CHECK_EQ(st.depth, 4);
    atomic_store(&hold_release, true);
    pthread_join(tid, NULL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 4);
    static const int32_t want[] = {0, 2, 3, 4, 5};
    CHECK_EQ(a.n, 5);
    for (int i = 0; i < 5 && i < a.n; i++)
        CHECK_EQ(a.values[i], want[i]);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 6);
    CHECK_EQ(st.delivered, 5);
    CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static int count_rx(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    (*(int *)ctx)++;
    return 0;
}

/* A post that makes several messages and has only some of them refused
 * returns how many were queued (each is delivered once: a caller retrying
 * on an error would deliver them twice) and counts the refused ones as
 * dropped; only a post of which none was queued returns the error. Two
 * queues here: the default one (direct receiver) and q (queued receiver). */
static void queue_post_partly_refused_returns_what_was_queued(void)
{
    signet_bus_options opts = {.queue_capacity = 2};
    signet_bus *bus = new_bus(&opts);
    signet_queue *q;
    signet_queue_options qo = {.capacity = 2};
    struct log direct = {0}, queued = {0};
    signet_conn c;

    CHECK_OK(signet_queue_create(bus, &qo, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, log_rx, &direct, SIGNET_ANY, NULL, &c));
    CHECK_OK(t_connect(bus, T_PING, log_rx, &queued, SIGNET_ANY, &on_q, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 2);
    CHECK_EQ(post_ping(bus, NULL, 2), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2); /* q stays full */
    CHECK_EQ(post_ping(bus, NULL, 3), 1);     /* the default queue took it, q refused */
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 1);
    CHECK_EQ(post_ping(bus, NULL, 4), 1);
    CHECK_EQ(post_ping(bus, NULL, 5), SIGNET_EFULL); /* none queued */
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 4);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(direct.n, 4);
    CHECK_EQ(queued.n, 2);
    for (int i = 0; i < 4 && i < direct.n; i++)
        CHECK_EQ(direct.values[i], i + 1);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 6);
    CHECK_EQ(st.delivered, 6);
    CHECK_EQ(st.dropped, 4);
    CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

/* The same on one queue: the signal's own receiver and a pattern's
 * subscriber each get a message on the default queue; when only the
 * pattern's is refused, the post returns 1. */
static void queue_post_partly_refused_on_one_queue_returns_what_was_queued(void)
{
    signet_bus_options opts = {.queue_capacity = 2};
    signet_bus *bus = new_bus(&opts);
    struct log own = {0};
    int sub = 0;
    signet_conn c;

    CHECK_OK(t_connect(bus, T_PING, log_rx, &own, SIGNET_ANY, NULL, &c));
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "#", count_rx, &sub, SIGNET_ANY, NULL, &c));
    CHECK_EQ(post_ping(bus, NULL, 1), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 1), 1); /* one cell free */
    CHECK_EQ(post_ping(bus, NULL, 2), 1);     /* its own message queued, the pattern's refused */
    CHECK_EQ(signet_signal_dropped(bus, &t_signals[T_PING]), 1);
    CHECK_EQ(post_ping(bus, NULL, 3), SIGNET_EFULL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(own.n, 2);
    CHECK_EQ(sub, 1);
    for (int i = 0; i < 2 && i < own.n; i++)
        CHECK_EQ(own.values[i], i + 1);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 3);
    CHECK_EQ(st.delivered, 3);
    CHECK_EQ(st.dropped, 3);
    CHECK_EQ(st.posted, st.delivered + st.evicted + st.discarded + st.depth);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

/* Destroying a queue whose worker is busy: what the worker has not taken
 * is discarded and counted, never taken without its receivers.
 *
 * The worker is held inside the receiver of message 0 until the destroy is
 * under way: until the test's thread, having called signet_queue_destroy(),
 * sleeps in it. Destroy closes the queue before it first sleeps (joining
 * the worker), so by then the worker takes nothing more and 99 messages
 * wait. The hold cannot deadlock with that join: the receiver waits for
 * the destroying thread to fall asleep, which it does in the join, never
 * for the join to end; and it gives up after 10 s (failing the case). */
static atomic_int busy_runs;
static atomic_bool busy_holding, destroying;
static atomic_bool busy_saw_destroy;
static long destroyer_tid;

static int busy_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    atomic_fetch_add(&busy_runs, 1);
    if (msg->value == 0) {
        atomic_store(&busy_holding, true);
        uint64_t t0 = now_ms();
        while (!atomic_load(&destroying) && now_ms() - t0 < 10000)
            sched_yield();
        if (atomic_load(&destroying) && thread_state_wait_asleep(destroyer_tid))
            atomic_store(&busy_saw_destroy, true);
    }
    return 0;
}

static void queue_destroy_with_workers_counts_every_message(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    signet_queue_options qo = {.capacity = 128};
    signet_conn c;

    CHECK_OK(signet_queue_create(bus, &qo, &q));
    signet_connect_opts on_q = {.queue = q};
    CHECK_OK(t_connect(bus, T_PING, busy_rx, NULL, SIGNET_ANY, &on_q, &c));
    for (int i = 0; i < 100; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 1);
    destroyer_tid = thread_state_self();
    CHECK_OK(signet_queue_start(q, 1));
    uint64_t t0 = now_ms();
    while (!atomic_load(&busy_holding) && now_ms() - t0 < 10000)
        sched_yield();
    CHECK(atomic_load(&busy_holding));
    atomic_store(&destroying, true);
    int discarded = signet_queue_destroy(q);
    CHECK(atomic_load(&busy_saw_destroy));
    CHECK(discarded > 0);
    CHECK_EQ(atomic_load(&busy_runs) + discarded, 100);
    signet_stats st;
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.delivered, atomic_load(&busy_runs));
    CHECK_EQ(st.discarded, discarded);
    signet_bus_destroy(bus);
}

/* A worker pool: while one worker is busy, the others pick up new work.
 * The long receiver waits for the four short messages to be done: with
 * the pool working in parallel they are; if they queued up behind it, it
 * gives up after 10 s and the check fails. The four are posted once the
 * long one runs and the two other workers sleep in poll(2), so that they
 * must be woken. */
static atomic_int long_saw;
static atomic_bool long_started;

static int pool_slow_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    if (msg->value == 0) {
        atomic_store(&long_started, true);
        uint64_t t0 = now_ms();
        while (atomic_load(&pool_runs) < 4 && now_ms() - t0 < 10000) {
            struct timespec ts = {0, 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        atomic_store(&long_saw, (int)atomic_load(&pool_runs));
    }
    atomic_fetch_add(&pool_runs, 1);
    return 0;
}

static void queue_idle_workers_wake_while_one_is_busy(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;

    atomic_store(&pool_runs, 0);
    CHECK_OK(t_connect(bus, T_PING, pool_slow_rx, NULL, SIGNET_ANY, NULL, &c));
    CHECK_OK(signet_queue_start(signet_bus_queue(bus), 3));
    CHECK_EQ(post_ping(bus, NULL, 0), 1);
    uint64_t t0 = now_ms();
    while (!atomic_load(&long_started) && now_ms() - t0 < 10000)
        sched_yield();
    CHECK(atomic_load(&long_started));     /* one worker took it */
    CHECK(thread_state_wait_count_in_poll(2)); /* the others sleep again */
    for (int i = 1; i <= 4; i++)
        CHECK_EQ(post_ping(bus, NULL, i), 1);
    t0 = now_ms();
    while (atomic_load(&pool_runs) < 5 && now_ms() - t0 < 20000)
        sched_yield();
    CHECK_EQ(signet_bus_destroy(bus), 0);
    CHECK_EQ(atomic_load(&pool_runs), 5);
    CHECK_EQ(atomic_load(&long_saw), 4);
}

/* A message runs from a copy of its cell, strings included, on the stack
 * or (over 1 KiB) on the heap: its receiver, run while the queue of
 * capacity 2 is full, posts again, which takes the cell the message came
 * from and overwrites it; the receiver still sees its own text. */
static char text_seen[3000];
static signet_bus *text_bus;
static int text_inner_rc;

static int text_rx(void *ctx, const signet_event *ev, const u_text *msg)
{
    (void)ctx;
    (void)ev;
    if (msg->value == 0) {
        char other[3000];
        size_t n = strlen(msg->text);
        memset(other, 'z', n);
        other[n] = '\0';
        const u_text again = {other, 9};
        text_inner_rc = signet_post(text_bus, &u_signals[U_TEXT], NULL, &again);
    }
    snprintf(text_seen, sizeof text_seen, "%s", msg->text);
    return 0;
}

static void queue_message_runs_from_a_copy_of_its_cell(void)
{
    static const size_t lengths[] = {100, 2000}; /* a stack copy, a heap copy */
    for (size_t k = 0; k < 2; k++) {
        signet_bus_options opts = {.queue_capacity = 2, .slot_size = 4096};
        signet_bus *bus = text_bus = new_bus(&opts);
        signet_conn c;
        char text[3000];
        size_t n = lengths[k];
        for (size_t i = 0; i < n; i++)
            text[i] = (char)('a' + i % 26);
        text[n] = '\0';
        CHECK_OK(signet_connect(bus, &u_signals[U_TEXT], (signet_fnptr *)text_rx, NULL, SIGNET_ANY,
                                NULL, &c));
        for (int32_t v = 0; v < 2; v++) {
            const u_text msg = {text, v};
            CHECK_EQ(signet_post(bus, &u_signals[U_TEXT], NULL, &msg), 1);
        }
        text_inner_rc = 0;
        CHECK_EQ(signet_bus_dispatch(bus, 1), 1);
        CHECK_EQ(text_inner_rc, 1); /* the cell of message 0 was free while it ran */
        CHECK(strcmp(text_seen, text) == 0);
        CHECK_EQ(signet_bus_dispatch(bus, 1), 1); /* message 1 */
        CHECK(strcmp(text_seen, text) == 0);
        CHECK_EQ(signet_bus_dispatch(bus, 0), 1); /* the inner post */
        CHECK_EQ(strlen(text_seen), n);
        CHECK_EQ(text_seen[0], 'z');
        CHECK_EQ(signet_bus_destroy(bus), 0);
    }
}

/* ---- generic queued connections (SIGNET_GENERIC) ---- */

/* What a generic receiver saw: the signal and a copy of each payload. */
struct generic_log {
    int n;
    const signet_signal_info *signal[8];
    char room[8][16];
    int32_t value[8];
    bool no_payload[8];
};

static int generic_rx(void *ctx, const signet_event *ev, const void *payload)
{
    struct generic_log *l = ctx;
    int i = l->n++;
    if (i >= 8)
        return 0;
    l->signal[i] = ev->signal;
    l->no_payload[i] = payload == NULL;
    const t_reading *r = t_reading_of(ev, payload);
    if (r) {
        snprintf(l->room[i], sizeof l->room[i], "%s", r->room);
        l->value[i] = r->value;
    } else if (payload && ev->signal->payload == t_signals[T_PING].payload) {
        l->value[i] = ((const t_ping *)payload)->value;
    }
    return 0;
}

static void generic_queued_connection_gets_payload_struct(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    struct generic_log g = {0};
    struct log typed = {0};
    signet_conn c;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts opts = {.flags = SIGNET_GENERIC, .queue = q};
    CHECK_OK(signet_connect(bus, &t_signals[T_READING], (signet_fnptr *)generic_rx, &g, SIGNET_ANY,
                            &opts, &c));
    CHECK_OK(signet_connect(bus, &t_signals[T_BARE], (signet_fnptr *)generic_rx, &g, SIGNET_ANY,
                            &opts, &c));
    CHECK_OK(signet_connect(bus, &t_signals[T_PING], (signet_fnptr *)generic_rx, &g, SIGNET_ANY,
                            &opts, &c));
    /* A typed queued connection on the same queue keeps its own call. */
    signet_connect_opts typed_opts = {.queue = q};
    CHECK_OK(t_ping_connect_opts(bus, log_rx, &typed, SIGNET_ANY, &typed_opts, &c));

    char room[16] = "kitchen";
    CHECK_EQ(t_reading_send(bus, NULL, room, 7), 0); /* queued, not run */
    strcpy(room, "garden");                           /* the message has its copy */
    CHECK_EQ(t_reading_post(bus, NULL, "hall", -3), 1);
    CHECK_EQ(t_bare_post(bus, NULL), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 42), 0);
    CHECK_EQ(g.n, 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 4);

    CHECK_EQ(g.n, 4);
    CHECK(g.signal[0] == &t_signals[T_READING] && g.signal[1] == &t_signals[T_READING]);
    CHECK(strcmp(g.room[0], "kitchen") == 0 && g.value[0] == 7);
    CHECK(strcmp(g.room[1], "hall") == 0 && g.value[1] == -3);
    CHECK(g.signal[2] == &t_signals[T_BARE] && g.no_payload[2]);
    CHECK(g.signal[3] == &t_signals[T_PING] && g.value[3] == 42);
    CHECK_EQ(typed.n, 1);
    CHECK_EQ(typed.values[0], 42);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static void generic_connection_without_queue_is_einval(void)
{
    signet_bus *bus = new_bus(NULL);
    struct generic_log g = {0};
    signet_conn c;
    signet_connect_opts opts = {.flags = SIGNET_GENERIC};
    CHECK_EQ(signet_connect(bus, &t_signals[T_READING], (signet_fnptr *)generic_rx, &g,
                            SIGNET_ANY, &opts, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, &t_schema, "#", generic_rx, &g, SIGNET_ANY, &opts, &c),
             SIGNET_EINVAL);
    CHECK(!signet_has_receivers(bus, &t_signals[T_READING], NULL));
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 1), 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK_EQ(g.n, 0);
    /* With a queue both are accepted: a run-time pattern's subscriber is a
     * signet_fn anyway. */
    opts.queue = signet_bus_queue(bus);
    CHECK_OK(signet_connect(bus, &t_signals[T_READING], (signet_fnptr *)generic_rx, &g,
                            SIGNET_ANY, &opts, &c));
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", generic_rx, &g, SIGNET_ANY,
                                      &opts, &c));
    CHECK_EQ(t_reading_post(bus, NULL, "hall", 2), 2); /* the signal's, the pattern's */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK_EQ(g.n, 2);
    CHECK(strcmp(g.room[0], "hall") == 0 && strcmp(g.room[1], "hall") == 0);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static void generic_queued_connection_replays_retained(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;
    struct generic_log g = {0};
    signet_conn c;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 1), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 2), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 3), 0);
    signet_connect_opts opts = {.flags = SIGNET_GENERIC | SIGNET_REPLAY, .queue = q};
    CHECK_OK(signet_connect(bus, &t_signals[T_READING], (signet_fnptr *)generic_rx, &g, SIGNET_ANY,
                            &opts, &c));
    /* The replay goes through the queue, oldest update first. */
    CHECK_EQ(g.n, 0);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(g.n, 2);
    CHECK(g.signal[0] == &t_signals[T_READING] && g.signal[1] == &t_signals[T_READING]);
    CHECK(strcmp(g.room[0], "hall") == 0 && g.value[0] == 2);
    CHECK(strcmp(g.room[1], "kitchen") == 0 && g.value[1] == 3);
    /* A run-time pattern's replay goes through the same switch. */
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/hall", generic_rx, &g, SIGNET_ANY,
                                      &opts, &c));
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK_EQ(g.n, 3);
    CHECK(strcmp(g.room[2], "hall") == 0 && g.value[2] == 2);
    CHECK_EQ(t_reading_post(bus, NULL, "hall", 4), 2);
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    CHECK_EQ(g.n, 5);
    CHECK(strcmp(g.room[3], "hall") == 0 && g.value[3] == 4 && g.value[4] == 4);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static const struct test_case cases[] = {
    {"queue_post_runs_receivers_on_dispatch_in_order",
     queue_post_runs_receivers_on_dispatch_in_order},
    {"generic_queued_connection_gets_payload_struct",
     generic_queued_connection_gets_payload_struct},
    {"generic_connection_without_queue_is_einval", generic_connection_without_queue_is_einval},
    {"generic_queued_connection_replays_retained", generic_queued_connection_replays_retained},
    {"queue_post_filters_by_sender_and_keeps_rules", queue_post_filters_by_sender_and_keeps_rules},
    {"queue_receiver_disconnected_while_queued_does_not_run",
     queue_receiver_disconnected_while_queued_does_not_run},
    {"queue_send_runs_direct_now_and_queues_for_queued",
     queue_send_runs_direct_now_and_queues_for_queued},
    {"queue_overflow_drop_newest_refuses_and_counts",
     queue_overflow_drop_newest_refuses_and_counts},
    {"queue_overflow_drop_oldest_keeps_newest", queue_overflow_drop_oldest_keeps_newest},
    {"queue_overflow_block_times_out_at_deadline", queue_overflow_block_times_out_at_deadline},
    {"queue_overflow_block_succeeds_when_space_frees",
     queue_overflow_block_succeeds_when_space_frees},
    {"queue_stats_blocked_counts_waiting_posts", queue_stats_blocked_counts_waiting_posts},
    {"queue_schema_override_caps_signal", queue_schema_override_caps_signal},
    {"queue_payload_over_slot_size_is_refused", queue_payload_over_slot_size_is_refused},
    {"queue_destroy_with_messages_reports_discarded",
     queue_destroy_with_messages_reports_discarded},
    {"queue_post_from_inside_receiver", queue_post_from_inside_receiver},
    {"queue_high_water_counts_what_a_running_receiver_posts",
     queue_high_water_counts_what_a_running_receiver_posts},
    {"queue_high_water_stays_at_the_capacity_once_full",
     queue_high_water_stays_at_the_capacity_once_full},
    {"queue_post_copies_payloads_of_every_small_size",
     queue_post_copies_payloads_of_every_small_size},
    {"queue_threads_4_producers_exactly_once_fifo", queue_threads_4_producers_exactly_once_fifo},
    {"queue_connection_runs_on_its_queue_thread", queue_connection_runs_on_its_queue_thread},
    {"queue_worker_pool_delivers_each_once", queue_worker_pool_delivers_each_once},
    {"queue_fd_wakes_poll_when_posted", queue_fd_wakes_poll_when_posted},
    {"queue_drop_oldest_evicts_while_a_receiver_runs",
     queue_drop_oldest_evicts_while_a_receiver_runs},
    {"queue_capacity_is_for_waiting_messages", queue_capacity_is_for_waiting_messages},
    {"queue_block_does_not_wait_for_running_receivers",
     queue_block_does_not_wait_for_running_receivers},
    {"queue_post_partly_refused_returns_what_was_queued",
     queue_post_partly_refused_returns_what_was_queued},
    {"queue_post_partly_refused_on_one_queue_returns_what_was_queued",
     queue_post_partly_refused_on_one_queue_returns_what_was_queued},
    {"queue_message_runs_from_a_copy_of_its_cell", queue_message_runs_from_a_copy_of_its_cell},
    {"queue_destroy_with_workers_counts_every_message",
     queue_destroy_with_workers_counts_every_message},
    {"queue_idle_workers_wake_while_one_is_busy", queue_idle_workers_wake_while_one_is_busy},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
