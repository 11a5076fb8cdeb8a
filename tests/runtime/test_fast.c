/* test_fast.c: the generated sends' inline paths (signet.h's
 * signet__bus_head): a send to a signal with nothing to do returns at once,
 * one in the common state runs its receivers without a call into the
 * runtime, and every other state (a pattern subscriber, a run-time pattern,
 * a queued connection, a retained value, receivers for one sender, a send
 * inside a receiver) still gets the full emission. Each case also checks
 * has_receivers. Generated posts likewise: to nobody they return at once,
 * in the common state they queue their one message from the bus head
 * (signet__post_plain), and in every other state, or when the queue is
 * full, they are signet_post()'s. Schema: f.signet. */
#include <signet.h>

#include "../check.h"
#include "f.signet.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#define CHECK_OK(expr) CHECK_EQ((expr), 0)

struct log {
    char buf[64];
    size_t len;
    int last_value;
    signet_conn last_conn;
    const signet_signal_info *last_pattern;
};

static void log_add(struct log *l, char c)
{
    if (l->len + 1 < sizeof l->buf) {
        l->buf[l->len++] = c;
        l->buf[l->len] = '\0';
    }
}

static struct log seen;

static int rx_a(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    log_add(&seen, 'a');
    seen.last_value = msg->value;
    seen.last_conn = ev->conn;
    return 0;
}

static int rx_b(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)ev;
    log_add(&seen, 'b');
    seen.last_value = msg->value;
    return 0;
}

/* The same receivers for the signals with plain's payload layout. */
#define RX_AS(name, type, tag)                                                                 \
    static int name(void *ctx, const signet_event *ev, const type *msg)                        \
    {                                                                                          \
        (void)ctx;                                                                             \
        (void)ev;                                                                              \
        log_add(&seen, tag);                                                                   \
        seen.last_value = msg->value;                                                          \
        return 0;                                                                              \
    }
RX_AS(rx_wa, f_watched, 'a')
RX_AS(rx_wb, f_watched, 'b')
RX_AS(rx_ka, f_kept, 'a')

static int rx_generic(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx;
    (void)payload;
    log_add(&seen, 'p');
    seen.last_pattern = ev->pattern;
    return 0;
}

static signet_bus *new_bus(void)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(NULL, &bus));
    memset(&seen, 0, sizeof seen);
    return bus;
}

static void send_to_nobody_returns_zero(void)
{
    signet_bus *bus = new_bus();
    f_plain msg = {1};

    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK_EQ(f_plain_send_msg(bus, NULL, &msg), 0);
    CHECK_EQ(f_bare_send(bus, NULL), 0);
    CHECK_EQ(f_watched_send(bus, NULL, 1), 0);
    CHECK(!f_plain_has_receivers(bus, NULL));
    CHECK(!f_bare_has_receivers(bus, NULL));
    CHECK(!f_watched_has_receivers(bus, NULL));
    /* Bad arguments are still refused, idle signal or not. */
    CHECK_EQ(f_plain_send(NULL, NULL, 1), SIGNET_EINVAL);
    CHECK_EQ(f_plain_send_msg(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(f_bare_send(NULL, NULL), SIGNET_EINVAL);
    CHECK(!f_plain_has_receivers(NULL, NULL));
    /* Once something was connected and disconnected again, idle again. */
    signet_conn c;
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK_OK(signet_disconnect(bus, c));
    CHECK_EQ(f_plain_send(bus, NULL, 2), 0);
    CHECK(!f_plain_has_receivers(bus, NULL));
    CHECK_EQ(seen.len, 0);
    signet_bus_destroy(bus);
}

static int rx_event(void *ctx, const signet_event *ev, const f_plain *msg)
{
    char buf[32];
    (void)msg;
    CHECK(ev->sender == ctx);
    CHECK(ev->signal == &f_signals[F_SIGNAL_PLAIN]);
    CHECK(ev->pattern == NULL);
    CHECK(signet_event_previous(ev) == NULL);
    uint64_t seq = signet_event_seq(ev);
    CHECK(seq != 0);
    CHECK_EQ(signet_event_seq(ev), seq);
    uint64_t t = signet_event_time_ns(ev);
    CHECK(t != 0);
    CHECK_EQ(signet_event_time_ns(ev), t);
    const char *topic = signet_event_topic(ev, buf, sizeof buf);
    CHECK(topic && strcmp(topic, "f/plain") == 0);
    log_add(&seen, 'e');
    return 0;
}

static int rx_stop(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    log_add(&seen, 's');
    return SIGNET_STOP;
}

static int rx_fail(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    log_add(&seen, 'f');
    return SIGNET_EINVAL;
}

static void common_state_runs_receivers_in_order(void)
{
    signet_bus *bus = new_bus();
    static const char me[] = "me";
    signet_conn ca, cb, ce, cs, cf;

    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &ca));
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, SIGNET_ANY, &cb));
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK_EQ(f_plain_send(bus, NULL, 5), 2);
    CHECK(strcmp(seen.buf, "ab") == 0);
    CHECK_EQ(seen.last_value, 5);
    CHECK_EQ(seen.last_conn.index, ca.index);
    CHECK_EQ(seen.last_conn.generation, ca.generation);
    CHECK_OK(f_plain_connect(bus, rx_event, (void *)me, SIGNET_ANY, &ce));
    CHECK_EQ(f_plain_send(bus, me, 6), 3);
    CHECK(strcmp(seen.buf, "ababe") == 0);
    /* A priority, an error (counted, the emission goes on) and a stop. */
    signet_connect_opts first = {.priority = 10};
    CHECK_OK(f_plain_connect_opts(bus, rx_fail, NULL, SIGNET_ANY, &first, &cf));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, me, 7), 4);
    CHECK(strcmp(seen.buf, "fabe") == 0);
    CHECK_EQ(signet_bus_error_count(bus), 1);
    signet_connect_opts second = {.priority = 5};
    CHECK_OK(f_plain_connect_opts(bus, rx_stop, NULL, SIGNET_ANY, &second, &cs));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, me, 8), 2);
    CHECK(strcmp(seen.buf, "fs") == 0);
    signet_bus_destroy(bus);
}

static void pattern_only_subscriber_runs(void)
{
    signet_bus *bus = new_bus();
    signet_conn c;

    CHECK_OK(f_ws_subscribe(bus, rx_wa, NULL, SIGNET_ANY, &c));
    CHECK(f_watched_has_receivers(bus, NULL));
    CHECK_EQ(f_watched_send(bus, NULL, 3), 1);
    CHECK(strcmp(seen.buf, "a") == 0);
    CHECK_EQ(seen.last_value, 3);
    /* plain shares nothing with the pattern. */
    CHECK(!f_plain_has_receivers(bus, NULL));
    CHECK_EQ(f_plain_send(bus, NULL, 4), 0);
    CHECK_OK(signet_disconnect(bus, c));
    CHECK(!f_watched_has_receivers(bus, NULL));
    CHECK_EQ(f_watched_send(bus, NULL, 5), 0);
    CHECK(strcmp(seen.buf, "a") == 0);
    signet_bus_destroy(bus);
}

static void pattern_subscriber_beside_receivers_runs(void)
{
    signet_bus *bus = new_bus();
    signet_conn c, p;

    CHECK_OK(f_watched_connect(bus, rx_wb, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_watched_send(bus, NULL, 1), 1);
    CHECK_OK(f_ws_subscribe(bus, rx_wa, NULL, SIGNET_ANY, &p));
    CHECK_EQ(f_watched_send(bus, NULL, 2), 2);
    CHECK_OK(signet_disconnect(bus, p));
    CHECK_EQ(f_watched_send(bus, NULL, 3), 1);
    CHECK(strcmp(seen.buf, "bbab") == 0);
    signet_bus_destroy(bus);
}

static void runtime_pattern_subscriber_runs(void)
{
    signet_bus *bus = new_bus();
    signet_conn c, r;

    CHECK_OK(signet_subscribe_pattern(bus, &f_schema, "f/+", rx_generic, NULL, SIGNET_ANY, NULL,
                                      &r));
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK(f_bare_has_receivers(bus, NULL));
    CHECK(f_s64_has_receivers(bus, NULL));
    CHECK(!f_watched_has_receivers(bus, NULL)); /* "w/watched" does not match */
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK_EQ(f_bare_send(bus, NULL), 1);
    CHECK_EQ(f_watched_send(bus, NULL, 1), 0);
    CHECK(strcmp(seen.buf, "pp") == 0);
    CHECK(seen.last_pattern && strcmp(seen.last_pattern->topic, "f/+") == 0);
    /* Beside a receiver of the signal: both run, the receiver first. */
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, NULL, 2), 2);
    CHECK(strcmp(seen.buf, "ap") == 0);
    CHECK_OK(signet_disconnect(bus, r));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, NULL, 3), 1);
    CHECK_EQ(f_bare_send(bus, NULL), 0);
    CHECK(!f_bare_has_receivers(bus, NULL));
    CHECK(strcmp(seen.buf, "a") == 0);
    signet_bus_destroy(bus);
}

static void queued_connection_only_is_queued(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = NULL;
    signet_conn c;

    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts opts = {.queue = q};
    CHECK_OK(f_plain_connect_opts(bus, rx_a, NULL, SIGNET_ANY, &opts, &c));
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK_EQ(f_plain_send(bus, NULL, 9), 0); /* queued, not run */
    CHECK_EQ(seen.len, 0);
    CHECK_EQ(signet_queue_dispatch(q, 10), 1);
    CHECK(strcmp(seen.buf, "a") == 0);
    CHECK_EQ(seen.last_value, 9);
    /* Beside a direct receiver: that one now, the queued one later. */
    signet_conn d;
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, SIGNET_ANY, &d));
    CHECK_EQ(f_plain_send(bus, NULL, 10), 1);
    CHECK(strcmp(seen.buf, "ab") == 0);
    CHECK_EQ(signet_queue_dispatch(q, 10), 1);
    CHECK(strcmp(seen.buf, "aba") == 0);
    signet_queue_destroy(q);
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK_EQ(f_plain_send(bus, NULL, 11), 1);
    signet_bus_destroy(bus);
}

static void retained_value_is_kept_without_receivers(void)
{
    signet_bus *bus = new_bus();
    signet_conn c;

    CHECK(!f_kept_has_receivers(bus, NULL));
    CHECK_EQ(f_kept_send(bus, NULL, 42), 0);
    signet_connect_opts opts = {.flags = SIGNET_REPLAY};
    CHECK_OK(f_kept_connect_opts(bus, rx_ka, NULL, SIGNET_ANY, &opts, &c));
    CHECK(strcmp(seen.buf, "a") == 0); /* the replay */
    CHECK_EQ(seen.last_value, 42);
    CHECK(f_kept_has_receivers(bus, NULL));
    CHECK_EQ(f_kept_send(bus, NULL, 43), 1);
    CHECK_EQ(seen.last_value, 43);
    signet_bus_destroy(bus);
}

static void sender_receivers_leave_and_rejoin_the_common_state(void)
{
    signet_bus *bus = new_bus();
    static const char s1[] = "s1", s2[] = "s2";
    signet_conn any, one;

    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &any));
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, s1, &one));
    CHECK(f_plain_has_receivers(bus, s1));
    CHECK_EQ(f_plain_send(bus, s1, 1), 2);
    CHECK_EQ(f_plain_send(bus, s2, 1), 1);
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK(strcmp(seen.buf, "abaa") == 0);
    CHECK_OK(signet_disconnect(bus, one));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, s1, 2), 1);
    CHECK(strcmp(seen.buf, "a") == 0);
    /* Only a receiver for one sender: others' sends run nothing. */
    CHECK_OK(signet_disconnect(bus, any));
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, s2, &one));
    CHECK_EQ(f_plain_send(bus, s1, 3), 0);
    CHECK(!f_plain_has_receivers(bus, s1));
    CHECK(f_plain_has_receivers(bus, s2));
    CHECK_EQ(f_plain_send(bus, s2, 3), 1);
    CHECK(strcmp(seen.buf, "ab") == 0);
    /* The same receiver for any sender and for s2 runs once per send from s2. */
    signet_conn twin;
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, SIGNET_ANY, &twin));
    seen.len = 0;
    CHECK_EQ(f_plain_send(bus, s2, 4), 1);
    CHECK_EQ(f_plain_send(bus, s1, 4), 1);
    CHECK_EQ(f_plain_send(bus, NULL, 4), 1);
    CHECK(strcmp(seen.buf, "bbb") == 0);
    signet_bus_destroy(bus);
}

/* Re-entrancy in the common state. */
static signet_conn later_conn, self_conn;

static int rx_disconnects_later(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)msg;
    log_add(&seen, 'd');
    CHECK_OK(signet_disconnect(ev->bus, later_conn));
    return 0;
}

static int rx_disconnects_self(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)msg;
    log_add(&seen, 'x');
    CHECK_OK(signet_disconnect(ev->bus, self_conn));
    return 0;
}

static int rx_sends_nested(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    log_add(&seen, 'n');
    if (msg->value > 0) /* inside a receiver: the full path; s64's receiver runs */
        CHECK_EQ(f_s64_send(ev->bus, NULL, msg->value - 1), 1);
    return 0;
}

static int rx_s64(void *ctx, const signet_event *ev, const f_s64 *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    log_add(&seen, '6');
    return 0;
}

static signet_conn connected_inside;

static int rx_connects(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)msg;
    log_add(&seen, 'c');
    if (!connected_inside.index)
        CHECK_OK(f_plain_connect(ev->bus, rx_b, NULL, SIGNET_ANY, &connected_inside));
    return 0;
}

static void common_state_keeps_reentrancy_rules(void)
{
    signet_bus *bus = new_bus();
    signet_conn c;

    CHECK_OK(f_plain_connect(bus, rx_disconnects_later, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &later_conn));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1); /* a is not called after its disconnect */
    CHECK(strcmp(seen.buf, "d") == 0);
    CHECK_OK(signet_disconnect(bus, c));

    seen.len = 0;
    CHECK_OK(f_plain_connect(bus, rx_disconnects_self, NULL, SIGNET_ANY, &self_conn));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK(strcmp(seen.buf, "x") == 0);

    seen.len = 0;
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    CHECK_OK(f_plain_connect_opts(bus, rx_a, NULL, SIGNET_ANY, &once, &c));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK(strcmp(seen.buf, "a") == 0);

    seen.len = 0;
    CHECK_OK(f_plain_connect(bus, rx_sends_nested, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_s64_connect(bus, rx_s64, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK(strcmp(seen.buf, "n6") == 0);

    seen.len = 0;
    CHECK_OK(f_plain_connect(bus, rx_connects, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_send(bus, NULL, 0), 2); /* not the receiver it connected */
    CHECK(strcmp(seen.buf, "nc") == 0);
    CHECK_EQ(f_plain_send(bus, NULL, 0), 3);
    CHECK(strcmp(seen.buf, "ncncb") == 0);
    signet_bus_destroy(bus);
}

static void signals_sharing_a_word_stay_apart(void)
{
    signet_bus *bus = new_bus();
    signet_conn c;

    /* plain (id 0) and s64 (id 64) share a word and a bit of the filter. */
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK(!f_s64_has_receivers(bus, NULL));
    CHECK_EQ(f_s64_send(bus, NULL, 1), 0);
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK_OK(f_s64_connect(bus, rx_s64, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_s64_send(bus, NULL, 1), 1);
    CHECK_EQ(f_plain_send(bus, NULL, 1), 1);
    CHECK(strcmp(seen.buf, "a6a") == 0);
    /* The word's fast list passes to s64 once plain leaves. */
    CHECK(signet_disconnect_ctx(bus, NULL) == 2);
    CHECK_OK(f_s64_connect(bus, rx_s64, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK_EQ(f_s64_send(bus, NULL, 1), 1);
    CHECK(strcmp(seen.buf, "a6a6") == 0);
    signet_bus_destroy(bus);
}

/* Connected on another thread, before the send on this one. */
static void *connect_plain(void *arg)
{
    signet_conn c;
    CHECK_OK(f_plain_connect(arg, rx_a, NULL, SIGNET_ANY, &c));
    return NULL;
}

static void connect_on_another_thread_is_seen(void)
{
    signet_bus *bus = new_bus();
    pthread_t t;

    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK_OK(pthread_create(&t, NULL, connect_plain, bus));
    CHECK_OK(pthread_join(t, NULL));
    CHECK(f_plain_has_receivers(bus, NULL));
    CHECK_EQ(f_plain_send(bus, NULL, 2), 1);
    CHECK_EQ(seen.last_value, 2);
    signet_bus_destroy(bus);
}

/* A send racing connects and disconnects on another thread: every send
 * runs the receiver or not, never a half-built list (TSan watches). */
static atomic_int race_done, race_ran;

static int rx_count(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    atomic_fetch_add_explicit(&race_ran, 1, memory_order_relaxed);
    return 0;
}

static void *flip_connections(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        signet_conn c;
        CHECK_OK(f_plain_connect(arg, rx_count, NULL, SIGNET_ANY, &c));
        if (i % 3 == 0)
            sched_yield();
        CHECK_OK(signet_disconnect(arg, c));
    }
    atomic_store(&race_done, 1);
    return NULL;
}

static void send_racing_connects(void)
{
    signet_bus *bus = new_bus();
    pthread_t t;
    long sends = 0, ran = 0;

    CHECK_OK(pthread_create(&t, NULL, flip_connections, bus));
    while (!atomic_load(&race_done)) {
        int rc = f_plain_send(bus, NULL, 1);
        CHECK(rc == 0 || rc == 1);
        ran += rc;
        sends++;
    }
    CHECK_OK(pthread_join(t, NULL));
    CHECK_EQ(ran, atomic_load(&race_ran));
    CHECK_EQ(f_plain_send(bus, NULL, 1), 0);
    CHECK(!f_plain_has_receivers(bus, NULL));
    (void)sends;
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Posts */

static void post_to_nobody_returns_zero(void)
{
    signet_bus *bus = new_bus();
    f_plain msg = {1};
    signet_stats st;

    CHECK_EQ(f_plain_post(bus, NULL, 1), 0);
    CHECK_EQ(f_plain_post_msg(bus, NULL, &msg), 0);
    CHECK_EQ(f_bare_post(bus, NULL), 0);
    CHECK_EQ(f_plain_post(NULL, NULL, 1), SIGNET_EINVAL);
    CHECK_EQ(f_plain_post_msg(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(f_bare_post(NULL, NULL), SIGNET_EINVAL);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 0);
    CHECK_EQ(st.dropped, 0);
    signet_bus_destroy(bus);
}

static int rx_wide(void *ctx, const signet_event *ev, const f_wide *msg)
{
    (void)ctx;
    (void)ev;
    log_add(&seen, 'w');
    seen.last_value = (int)(msg->a + msg->b + msg->c);
    return 0;
}

static int rx_bare(void *ctx, const signet_event *ev)
{
    (void)ctx;
    (void)ev;
    log_add(&seen, 'z');
    return 0;
}

static char named_seen[16];

static int rx_named(void *ctx, const signet_event *ev, const f_named *msg)
{
    (void)ctx;
    (void)ev;
    log_add(&seen, 'n');
    snprintf(named_seen, sizeof named_seen, "%s", msg->name);
    return 0;
}

static void post_common_state_queues_one_message(void)
{
    signet_bus *bus = new_bus();
    static const char me[] = "me";
    signet_conn c;
    signet_stats st;

    CHECK_OK(f_plain_connect(bus, rx_event, (void *)me, SIGNET_ANY, &c));
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_post(bus, me, 7), 1); /* one message for the three */
    CHECK_EQ(seen.len, 0);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(seen.buf, "eab") == 0);
    CHECK_EQ(seen.last_value, 7);
    /* A payload of more than 16 bytes, one with a string, and none. */
    char name[8] = "first";
    CHECK_OK(f_wide_connect(bus, rx_wide, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_named_connect(bus, rx_named, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_bare_connect(bus, rx_bare, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_wide_post(bus, NULL, 1, 20, 300), 1);
    CHECK_EQ(f_named_post(bus, NULL, name), 1);
    memcpy(name, "other", 6); /* the post copied the string */
    CHECK_EQ(f_bare_post(bus, NULL), 1);
    seen.len = 0;
    CHECK_EQ(signet_bus_dispatch(bus, 1), 1);
    CHECK_EQ(seen.last_value, 321);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(seen.buf, "wnz") == 0);
    CHECK(strcmp(named_seen, "first") == 0);
    signet_bus_destroy(bus);
}

static void post_names_senders_and_skips_the_gone(void)
{
    signet_bus *bus = new_bus();
    static const char s1[] = "s1", s2[] = "s2";
    signet_conn one, c;

    /* Only a receiver for s2: an anonymous post has nobody to queue for. */
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, s2, &one));
    CHECK_EQ(f_plain_post(bus, NULL, 1), 0);
    CHECK_EQ(f_plain_post(bus, s1, 1), 0);
    CHECK_EQ(f_plain_post(bus, s2, 2), 1);
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_post(bus, NULL, 3), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(seen.buf, "ba") == 0);
    CHECK_OK(signet_disconnect(bus, one));
    CHECK_OK(signet_disconnect(bus, c));

    /* A run-once receiver that has run is nobody to post for. */
    seen.len = 0;
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    CHECK_OK(f_plain_connect_opts(bus, rx_a, NULL, SIGNET_ANY, &once, &c));
    CHECK_EQ(f_plain_send(bus, NULL, 4), 1);
    CHECK_EQ(f_plain_post(bus, NULL, 4), 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK(strcmp(seen.buf, "a") == 0);

    /* Disconnected while its message waits: it does not run. */
    seen.len = 0;
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK_OK(f_plain_connect(bus, rx_b, NULL, SIGNET_ANY, &one));
    CHECK_EQ(f_plain_post(bus, NULL, 5), 1);
    CHECK_OK(signet_disconnect(bus, c));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(seen.buf, "b") == 0);
    signet_bus_destroy(bus);
}

static int rx_posts_nested(void *ctx, const signet_event *ev, const f_plain *msg)
{
    (void)ctx;
    log_add(&seen, 'n');
    if (msg->value > 0) /* inside a receiver: signet_post() */
        CHECK_EQ(f_plain_post(ev->bus, NULL, msg->value - 1), 1);
    return 0;
}

static void post_other_states_take_the_full_path(void)
{
    signet_bus_options bo = {.queue_capacity = 2, .overflow = SIGNET_OVERFLOW_DROP_NEWEST};
    signet_bus *bus = NULL;
    signet_queue *q = NULL;
    signet_conn c, r;
    signet_stats st;

    CHECK_OK(signet_bus_create(&bo, &bus));
    memset(&seen, 0, sizeof seen);
    /* Posted from inside a receiver, where the post is nested. */
    CHECK_OK(f_plain_connect(bus, rx_posts_nested, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_post(bus, NULL, 2), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2); /* at most the capacity per call */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(seen.buf, "nnn") == 0);
    CHECK_OK(signet_disconnect(bus, c));

    /* A full queue refuses, and counts the drop. */
    seen.len = 0;
    CHECK_OK(f_plain_connect(bus, rx_a, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_plain_post(bus, NULL, 1), 1);
    CHECK_EQ(f_plain_post(bus, NULL, 2), 1);
    CHECK_EQ(f_plain_post(bus, NULL, 3), SIGNET_EFULL);
    CHECK_EQ(signet_signal_dropped(bus, &f_signals[F_SIGNAL_PLAIN]), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(seen.buf, "aa") == 0);
    CHECK_EQ(seen.last_value, 2);

    /* A queued connection beside the direct receiver: two messages. */
    seen.len = 0;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts opts = {.queue = q};
    CHECK_OK(f_plain_connect_opts(bus, rx_b, NULL, SIGNET_ANY, &opts, &r));
    CHECK_EQ(f_plain_post(bus, NULL, 4), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(seen.buf, "ab") == 0);
    CHECK_OK(signet_disconnect(bus, r));

    /* A run-time pattern subscriber gets its own message. */
    seen.len = 0;
    CHECK_OK(signet_subscribe_pattern(bus, &f_schema, "f/plain", rx_generic, NULL, SIGNET_ANY,
                                      NULL, &r));
    CHECK_EQ(f_plain_post(bus, NULL, 5), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(seen.buf, "ap") == 0);
    CHECK_OK(signet_disconnect(bus, r));

    /* s64 shares plain's word, whose fast list is plain's: s64's post
     * takes the full path, and both are delivered. */
    seen.len = 0;
    CHECK_OK(f_s64_connect(bus, rx_s64, NULL, SIGNET_ANY, &c));
    CHECK_EQ(f_s64_post(bus, NULL, 6), 1);
    CHECK_EQ(f_plain_post(bus, NULL, 6), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(seen.buf, "6a") == 0);
    CHECK_OK(signet_bus_stats(bus, &st));
    CHECK_EQ(st.posted, st.delivered);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"fast_send_to_nobody_returns_zero", send_to_nobody_returns_zero},
    {"fast_common_state_runs_receivers_in_order", common_state_runs_receivers_in_order},
    {"fast_pattern_only_subscriber_runs", pattern_only_subscriber_runs},
    {"fast_pattern_subscriber_beside_receivers_runs", pattern_subscriber_beside_receivers_runs},
    {"fast_runtime_pattern_subscriber_runs", runtime_pattern_subscriber_runs},
    {"fast_queued_connection_only_is_queued", queued_connection_only_is_queued},
    {"fast_retained_value_is_kept_without_receivers", retained_value_is_kept_without_receivers},
    {"fast_sender_receivers_leave_and_rejoin_the_common_state",
     sender_receivers_leave_and_rejoin_the_common_state},
    {"fast_common_state_keeps_reentrancy_rules", common_state_keeps_reentrancy_rules},
    {"fast_signals_sharing_a_word_stay_apart", signals_sharing_a_word_stay_apart},
    {"fast_connect_on_another_thread_is_seen", connect_on_another_thread_is_seen},
    {"fast_send_racing_connects", send_racing_connects},
    {"fast_post_to_nobody_returns_zero", post_to_nobody_returns_zero},
    {"fast_post_common_state_queues_one_message", post_common_state_queues_one_message},
    {"fast_post_names_senders_and_skips_the_gone", post_names_senders_and_skips_the_gone},
    {"fast_post_other_states_take_the_full_path", post_other_states_take_the_full_path},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
