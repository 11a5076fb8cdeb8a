/* test_connections.c: what a connection is beside its receiver: a
 * duplicate connect and the result that says whether its options were
 * applied, blocking and unblocking, per-connection filters, and the list
 * of a signal's connections (signet_connections). One case per CTest test
 * (see CMakeLists.txt); threaded cases carry the label "threads". */
#include "fixture.h"

#include <pthread.h>
#include <stdatomic.h>

static struct trace trace;

struct rx {
    char tag;
    int ret;
    int calls;
    int32_t last_value;
};

static int rx_fn(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct rx *rx = ctx;

    (void)ev;
    rx->calls++;
    rx->last_value = msg->value;
    trace_add(&trace, rx->tag);
    return rx->ret;
}

static void reset_trace(void)
{
    trace.len = 0;
    trace.buf[0] = '\0';
}

static signet_bus *new_bus(void)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(NULL, &bus));
    trace.len = 0;
    trace.buf[0] = '\0';
    return bus;
}

/* ------------------------------------------------------------------------ */
/* Duplicates */

/* Every positive result has a value of its own. */
static void positive_results_are_distinct(void)
{
    const int codes[] = {SIGNET_STOP, SIGNET_NOMATCH, SIGNET_EXISTING, SIGNET_EXISTING_OPTS};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(codes[i] > 0);
        for (size_t j = 0; j < i; j++)
            CHECK(codes[i] != codes[j]);
    }
}

/* The same options again: SIGNET_EXISTING; other ones: SIGNET_EXISTING_OPTS,
 * and the connection keeps its priority, flags and queue. */
static void connect_again_with_other_options_is_existing_opts(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'};
    signet_connect_opts low = {.priority = 1}, high = {.priority = 5};
    signet_conn ca, cb, again;
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &low, &ca));
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &b, SIGNET_ANY, &high, &cb));
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &low, &again), SIGNET_EXISTING);
    CHECK(again.index == ca.index && again.generation == ca.generation);
    /* A higher priority is reported and not applied: a still runs after b. */
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY, &(signet_connect_opts){.priority = 9},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK(again.index == ca.index && again.generation == ca.generation);
    /* NULL options are the defaults, which a's are not. */
    CHECK_EQ(t_ping_connect(bus, rx_fn, &a, SIGNET_ANY, &again), SIGNET_EXISTING_OPTS);
    /* Other flags, another queue: reported the same way. */
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY,
                                 &(signet_connect_opts){.priority = 1, .flags = SIGNET_ONCE},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK_EQ(t_ping_connect_opts(bus, rx_fn, &a, SIGNET_ANY,
                                 &(signet_connect_opts){.priority = 1,
                                                        .queue = signet_bus_queue(bus)},
                                 &again),
             SIGNET_EXISTING_OPTS);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 2);
    CHECK(strcmp(trace.buf, "ba") == 0);
    /* Not run once either: it runs again. */
    CHECK_EQ(t_ping_send(bus, NULL, 2), 2);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0); /* and it was never queued */
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Blocking */

static signet_conn connect_rx(signet_bus *bus, struct rx *rx, const signet_connect_opts *opts)
{
    signet_conn c = {0, 0};
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, rx, SIGNET_ANY, opts, &c));
    return c;
}

/* A blocked receiver does not run, and when unblocked runs at its place. */
static void blocked_receiver_keeps_its_place(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    connect_rx(bus, &a, NULL);
    signet_conn cb = connect_rx(bus, &b, &(signet_connect_opts){.priority = 3});
    connect_rx(bus, &c, NULL);
    CHECK_EQ(signet_block(bus, cb), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 2); /* not counted as ran */
    CHECK(strcmp(trace.buf, "ac") == 0);
    CHECK(t_ping_has_receivers(bus, NULL));
    CHECK_EQ(signet_unblock(bus, cb), 0);
    reset_trace();
    CHECK_EQ(t_ping_send(bus, NULL, 2), 3);
    CHECK(strcmp(trace.buf, "bac") == 0);
    /* The handle is the same connection all along. */
    CHECK_OK(signet_disconnect(bus, cb));
    signet_bus_destroy(bus);
}

/* Blocks nest: blocked twice, it runs again only after two unblocks; one
 * more unblock is an error and changes nothing. */
static void blocks_nest_like_glib(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'};
    signet_conn ca = connect_rx(bus, &a, NULL);
    CHECK_EQ(signet_block(bus, ca), 1);
    CHECK_EQ(signet_block(bus, ca), 2);
    CHECK_EQ(signet_unblock(bus, ca), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 0);
    CHECK_EQ(signet_unblock(bus, ca), 0);
    CHECK_EQ(t_ping_send(bus, NULL, 2), 1);
    CHECK_EQ(signet_unblock(bus, ca), SIGNET_EINVAL);
    CHECK_EQ(t_ping_send(bus, NULL, 3), 1);
    CHECK_EQ(a.calls, 2);
    signet_bus_destroy(bus);
}

/* A blocked run-once receiver does not fire; unblocked, it fires once. */
static void blocked_run_once_waits_until_unblocked(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'};
    signet_conn ca = connect_rx(bus, &a, &(signet_connect_opts){.flags = SIGNET_ONCE});
    CHECK_EQ(signet_block(bus, ca), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 0);
    CHECK_EQ(signet_unblock(bus, ca), 0);
    CHECK_EQ(t_ping_send(bus, NULL, 2), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 3), 0);
    CHECK_EQ(a.calls, 1);
    CHECK_EQ(a.last_value, 2);
    /* Fired: it is gone, for block as for disconnect. */
    CHECK_EQ(signet_block(bus, ca), SIGNET_ENOENT);
    signet_bus_destroy(bus);
}

/* Stale, unknown and disconnected handles, and a NULL bus. */
static void block_of_a_stale_handle_is_enoent(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'};
    signet_conn ca = connect_rx(bus, &a, NULL);
    CHECK_EQ(signet_block(bus, (signet_conn){0, 0}), SIGNET_ENOENT);
    CHECK_EQ(signet_block(bus, (signet_conn){12345, 1}), SIGNET_ENOENT);
    CHECK_EQ(signet_block(NULL, ca), SIGNET_EINVAL);
    CHECK_EQ(signet_unblock(NULL, ca), SIGNET_EINVAL);
    CHECK_EQ(signet_block(bus, ca), 1);
    CHECK_OK(signet_disconnect(bus, ca)); /* a blocked connection disconnects */
    CHECK_EQ(signet_block(bus, ca), SIGNET_ENOENT);
    CHECK_EQ(signet_unblock(bus, ca), SIGNET_ENOENT);
    /* The slot's next connection is not blocked by the old handle's count. */
    signet_conn again = connect_rx(bus, &a, NULL);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 1);
    CHECK_EQ(signet_unblock(bus, again), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

/* Messages queued before the block skip the receiver when dispatched,
 * direct receivers on the default queue and queued connections alike. */
static void block_skips_messages_already_queued(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = NULL;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    signet_conn ca = connect_rx(bus, &a, NULL);
    connect_rx(bus, &b, NULL);
    signet_conn cc = connect_rx(bus, &c, &(signet_connect_opts){.queue = q});
    CHECK_EQ(t_ping_post(bus, NULL, 1), 2); /* the default queue and q */
    CHECK_EQ(signet_block(bus, ca), 1);
    CHECK_EQ(signet_block(bus, cc), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(trace.buf, "b") == 0);
    /* A post while blocked still queues; the receiver is skipped as long
     * as it is blocked when the message is dispatched. */
    CHECK_EQ(t_ping_post(bus, NULL, 2), 2);
    CHECK_EQ(signet_unblock(bus, cc), 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(signet_queue_dispatch(q, 0), 1);
    CHECK(strcmp(trace.buf, "bbc") == 0);
    CHECK_EQ(a.calls, 0);
    signet_bus_destroy(bus);
}

/* A receiver blocks a later one during an emission: skipped at once. */
struct blocker {
    signet_bus *bus;
    signet_conn target;
    int calls;
};

static int block_target(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct blocker *k = ctx;

    (void)ev;
    (void)msg;
    k->calls++;
    trace_add(&trace, 'k');
    CHECK_EQ(signet_block(k->bus, k->target), 1);
    return 0;
}

static void block_inside_receiver_skips_a_later_one(void)
{
    signet_bus *bus = new_bus();
    struct blocker k = {.bus = bus};
    struct rx a = {.tag = 'a'};
    signet_conn ck;
    CHECK_OK(t_ping_connect(bus, block_target, &k, SIGNET_ANY, &ck));
    k.target = connect_rx(bus, &a, NULL);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 1);
    CHECK(strcmp(trace.buf, "k") == 0);
    CHECK_EQ(a.calls, 0);
    signet_bus_destroy(bus);
}

/* A SIGNET_REPLAY receiver that blocks itself gets no more replayed
 * values. */
struct replayer {
    signet_bus *bus;
    signet_conn self;
    int calls;
};

static int block_self_on_reading(void *ctx, const signet_event *ev, const t_reading *msg)
{
    struct replayer *p = ctx;

    (void)msg;
    p->calls++;
    CHECK_EQ(signet_block(p->bus, ev->conn), 1);
    return 0;
}

static void block_skips_the_rest_of_a_replay(void)
{
    signet_bus *bus = new_bus();
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 1), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 2), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "attic", 3), 0);
    struct replayer p = {.bus = bus};
    CHECK_OK(t_reading_connect_opts(bus, block_self_on_reading, &p, SIGNET_ANY,
                                    &(signet_connect_opts){.flags = SIGNET_REPLAY}, &p.self));
    CHECK_EQ(p.calls, 1);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 4), 0);
    CHECK_EQ(signet_unblock(bus, p.self), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 5), 1);
    CHECK_EQ(p.calls, 2);
    CHECK_EQ(signet_unblock(bus, p.self), 0); /* it blocked itself again in that call */
    signet_bus_destroy(bus);
}

/* Senders run while another thread blocks and unblocks the receiver: every
 * call the sends count is a call the receiver counts, and a send made while
 * it is blocked (by this thread, so ordered) runs nobody. */
enum { THREAD_SENDS = 20000, THREAD_SENDERS = 3 };

struct counted {
    atomic_int calls;
};

static int count_call(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    (void)msg;
    atomic_fetch_add_explicit(&((struct counted *)ctx)->calls, 1, memory_order_relaxed);
    return 0;
}

struct sender_arg {
    signet_bus *bus;
    atomic_int *ran;
};

static void *send_many(void *arg)
{
    struct sender_arg *s = arg;
    for (int i = 0; i < THREAD_SENDS; i++) {
        int rc = t_ping_send(s->bus, NULL, i);
        CHECK(rc == 0 || rc == 1);
        atomic_fetch_add_explicit(s->ran, rc, memory_order_relaxed);
    }
    return NULL;
}

static void threads_block_unblock_while_sending_counts_exact(void)
{
    signet_bus *bus = new_bus();
    struct counted c = {0};
    atomic_int ran = 0;
    signet_conn h;
    CHECK_OK(t_ping_connect(bus, count_call, &c, SIGNET_ANY, &h));
    pthread_t t[THREAD_SENDERS];
    struct sender_arg arg = {bus, &ran};
    for (int i = 0; i < THREAD_SENDERS; i++)
        CHECK_OK(pthread_create(&t[i], NULL, send_many, &arg));
    for (int i = 0; i < 2000; i++) {
        CHECK_EQ(signet_block(bus, h), 1);
        CHECK_EQ(signet_block(bus, h), 2);
        CHECK_EQ(signet_unblock(bus, h), 1);
        CHECK_EQ(t_ping_send(bus, NULL, -1), 0); /* blocked: nobody runs */
        CHECK_EQ(signet_unblock(bus, h), 0);
    }
    for (int i = 0; i < THREAD_SENDERS; i++)
        CHECK_OK(pthread_join(t[i], NULL));
    CHECK_EQ(atomic_load(&c.calls), atomic_load(&ran));
    CHECK_EQ(t_ping_send(bus, NULL, 0), 1);
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Filters */

/* What a filter saw, and what it answers: even values only. */
struct sieve {
    struct rx rx;            /* first: the receiver's ctx is the filter's */
    int asked;
    signet_conn last_conn;
    const void *last_sender;
    bool inside_dispatch;    /* set by the test around a dispatch */
    bool asked_outside;      /* asked while inside_dispatch was false */
    signet_bus *bus;
    bool disconnect;         /* disconnect its own connection, then pass */
};

static bool even_only(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct sieve *v = ctx;

    v->asked++;
    v->last_conn = ev->conn;
    v->last_sender = ev->sender;
    if (!v->inside_dispatch)
        v->asked_outside = true;
    if (v->disconnect)
        CHECK_OK(signet_disconnect(v->bus, ev->conn));
    return msg->value % 2 == 0;
}

static int sieve_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    return rx_fn(&((struct sieve *)ctx)->rx, ev, msg);
}

static signet_conn connect_sieve(signet_bus *bus, struct sieve *v, const void *sender,
                                 uint32_t flags, signet_queue *q)
{
    signet_connect_opts opts = {.flags = flags, .queue = q};
    signet_conn c = {0, 0};
    t_ping_filter(&opts, even_only);
    CHECK_OK(t_ping_connect_opts(bus, sieve_rx, v, sender, &opts, &c));
    return c;
}

/* false skips the receiver, which is not counted as ran; the filter gets
 * the receiver's ctx, the connection and the sender. */
static void filter_false_skips_the_receiver_uncounted(void)
{
    signet_bus *bus = new_bus();
    struct sieve v = {.rx = {.tag = 'v'}};
    struct rx a = {.tag = 'a'};
    signet_conn cv = connect_sieve(bus, &v, SIGNET_ANY, 0, NULL);
    connect_rx(bus, &a, NULL);
    CHECK_EQ(t_ping_send(bus, &trace, 1), 1);
    CHECK_EQ(v.asked, 1);
    CHECK(v.last_conn.index == cv.index && v.last_conn.generation == cv.generation);
    CHECK(v.last_sender == &trace);
    CHECK_EQ(t_ping_send(bus, NULL, 2), 2);
    CHECK(strcmp(trace.buf, "ava") == 0);
    CHECK_EQ(v.rx.last_value, 2);
    /* Another filter, or none, on a duplicate: SIGNET_EXISTING_OPTS. */
    signet_conn again;
    CHECK_EQ(t_ping_connect(bus, sieve_rx, &v, SIGNET_ANY, &again), SIGNET_EXISTING_OPTS);
    signet_connect_opts same = {0};
    t_ping_filter(&same, even_only);
    CHECK_EQ(t_ping_connect_opts(bus, sieve_rx, &v, SIGNET_ANY, &same, &again), SIGNET_EXISTING);
    signet_bus_destroy(bus);
}

/* A run-once receiver its filter refuses stays armed for a later one. */
static void filtered_run_once_stays_armed(void)
{
    signet_bus *bus = new_bus();
    struct sieve v = {.rx = {.tag = 'v'}};
    connect_sieve(bus, &v, SIGNET_ANY, SIGNET_ONCE, NULL);
    CHECK_EQ(t_ping_send(bus, NULL, 1), 0);
    CHECK_EQ(t_ping_send(bus, NULL, 3), 0);
    CHECK_EQ(t_ping_send(bus, NULL, 4), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 6), 0);
    CHECK_EQ(v.rx.calls, 1);
    CHECK_EQ(v.asked, 3);
    signet_bus_destroy(bus);
}

/* A queued connection's filter runs when the message is dispatched, not
 * when it is posted or sent. */
static void queued_filter_runs_at_dispatch(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = NULL;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    struct sieve v = {.rx = {.tag = 'v'}};
    connect_sieve(bus, &v, SIGNET_ANY, 0, q);
    CHECK_EQ(t_ping_post(bus, NULL, 1), 1);
    CHECK_EQ(t_ping_send(bus, NULL, 2), 0);
    CHECK_EQ(v.asked, 0);
    v.inside_dispatch = true;
    CHECK_EQ(signet_queue_dispatch(q, 0), 2);
    v.inside_dispatch = false;
    CHECK_EQ(v.asked, 2);
    CHECK(!v.asked_outside);
    CHECK(strcmp(trace.buf, "v") == 0);
    CHECK_EQ(v.rx.last_value, 2);
    signet_bus_destroy(bus);
}

/* A filtered connection never stands in for its twin: the same receiver
 * connected for SIGNET_ANY with a filter and for the sender without one
 * runs through the second when the filter says no. */
static void filtered_connection_does_not_hide_its_twin(void)
{
    signet_bus *bus = new_bus();
    struct sieve v = {.rx = {.tag = 'v'}};
    signet_conn exact;
    connect_sieve(bus, &v, SIGNET_ANY, 0, NULL);
    CHECK_OK(t_ping_connect(bus, sieve_rx, &v, &trace, &exact));
    CHECK_EQ(t_ping_send(bus, &trace, 1), 1); /* refused through one, run through the other */
    CHECK_EQ(v.rx.calls, 1);
    signet_bus_destroy(bus);
}

/* A filter that disconnects its own connection and says yes: the
 * receiver does not run. */
static void filter_that_disconnects_its_connection_skips_it(void)
{
    signet_bus *bus = new_bus();
    struct sieve v = {.rx = {.tag = 'v'}, .bus = bus, .disconnect = true};
    signet_conn cv = connect_sieve(bus, &v, SIGNET_ANY, 0, NULL);
    CHECK_EQ(t_ping_send(bus, NULL, 2), 0);
    CHECK_EQ(v.asked, 1);
    CHECK_EQ(v.rx.calls, 0);
    CHECK_EQ(signet_disconnect(bus, cv), SIGNET_ENOENT);
    signet_bus_destroy(bus);
}

/* Patterns take the generic signet_filter_fn; so does a replay. */
struct warm {
    int asked, calls;
    int32_t last;
};

static bool warm_rooms(void *ctx, const signet_event *ev, const void *payload)
{
    const t_reading *r = t_reading_of(ev, payload);

    ((struct warm *)ctx)->asked++;
    return r && r->value >= 20;
}

static int on_room(void *ctx, const signet_event *ev, const void *payload)
{
    const t_reading *r = t_reading_of(ev, payload);
    struct warm *w = ctx;

    CHECK(r != NULL && r->value >= 20);
    w->calls++;
    w->last = r ? r->value : -1;
    return 0;
}

static void generic_filter_on_pattern_and_replay(void)
{
    signet_bus *bus = new_bus();
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 21), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "cellar", 12), 0);
    struct warm w = {0};
    signet_conn c;
    signet_connect_opts opts = {.flags = SIGNET_REPLAY, .filter = warm_rooms};
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", on_room, &w, SIGNET_ANY, &opts,
                                      &c));
    CHECK_EQ(w.asked, 2); /* the replay: kitchen runs, cellar does not */
    CHECK_EQ(w.calls, 1);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 19), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 22), 1);
    CHECK_EQ(w.calls, 2);
    CHECK_EQ(w.last, 22);
    signet_bus_destroy(bus);
}

/* The filter runs on the thread that dispatches the queue. */
struct thread_sieve {
    pthread_t dispatcher;
    atomic_int asked, elsewhere;
};

static bool on_dispatcher(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct thread_sieve *t = ctx;

    (void)ev;
    (void)msg;
    atomic_fetch_add(&t->asked, 1);
    if (!pthread_equal(pthread_self(), t->dispatcher))
        atomic_fetch_add(&t->elsewhere, 1);
    return true;
}

static int count_sieve(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    return 0;
}

static void *dispatch_all(void *arg)
{
    CHECK_EQ(signet_queue_dispatch(arg, 0), 3);
    return NULL;
}

static void threads_queued_filter_runs_on_the_dispatching_thread(void)
{
    signet_bus *bus = new_bus();
    signet_queue *q = NULL;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    struct thread_sieve t = {0};
    signet_connect_opts opts = {.queue = q};
    signet_conn c;
    t_ping_filter(&opts, on_dispatcher);
    CHECK_OK(t_ping_connect_opts(bus, count_sieve, &t, SIGNET_ANY, &opts, &c));
    for (int i = 0; i < 3; i++)
        CHECK_EQ(t_ping_post(bus, NULL, i), 1);
    CHECK_OK(pthread_create(&t.dispatcher, NULL, dispatch_all, q));
    CHECK_OK(pthread_join(t.dispatcher, NULL));
    CHECK_EQ(atomic_load(&t.asked), 3);
    CHECK_EQ(atomic_load(&t.elsewhere), 0);
    signet_bus_destroy(bus);
}

/* ------------------------------------------------------------------------ */
/* Looking at the connections */

/* Every connection, direct and queued, for SIGNET_ANY and for senders, in
 * rank order, with what it is. */
static void connections_list_every_connection_in_rank_order(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    struct sieve v = {.rx = {.tag = 'v'}};
    signet_conn ca, cb, cc;
    CHECK_OK(t_ping_connect(bus, rx_fn, &a, SIGNET_ANY, &ca));
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &b, &trace,
                                 &(signet_connect_opts){.priority = 5, .flags = SIGNET_ONCE}, &cb));
    CHECK_OK(t_ping_connect_opts(bus, rx_fn, &c, SIGNET_ANY,
                                 &(signet_connect_opts){.queue = signet_bus_queue(bus)}, &cc));
    signet_conn cv = connect_sieve(bus, &v, SIGNET_ANY, 0, NULL);
    CHECK_EQ(signet_block(bus, cc), 1);
    CHECK_EQ(signet_block(bus, cc), 2);
    signet_conn_info info[8];
    CHECK_EQ(t_ping_connections(bus, info, 8), 4);
    CHECK(info[0].conn.index == cb.index && info[0].ctx == &b && info[0].sender == &trace &&
          info[0].priority == 5 && info[0].flags == SIGNET_ONCE && info[0].queue == NULL);
    CHECK(info[1].conn.index == ca.index && info[1].fn == (signet_fnptr *)rx_fn &&
          info[1].ctx == &a && info[1].sender == SIGNET_ANY && info[1].blocked == 0 &&
          !info[1].filtered);
    CHECK(info[2].conn.index == cc.index && info[2].queue == signet_bus_queue(bus) &&
          info[2].blocked == 2);
    CHECK(info[3].conn.index == cv.index && info[3].filtered && info[3].flags == 0);
    /* Other signals are apart; one nothing was connected to has none. */
    CHECK_EQ(t_pong_connections(bus, info, 8), 0);
    CHECK_EQ(t_bare_connections(bus, NULL, 0), 0);
    CHECK_EQ(signet_connections(NULL, &t_signals[T_PING], info, 8), SIGNET_EINVAL);
    CHECK_EQ(signet_connections(bus, NULL, info, 8), SIGNET_EINVAL);
    CHECK_EQ(signet_connections(bus, &t_signals[T_PING], NULL, 1), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

/* A short array gets the first in rank order; the result is the count. */
static void connections_into_a_short_array_give_the_first(void)
{
    signet_bus *bus = new_bus();
    struct rx r[6];
    signet_conn h[6];
    for (int i = 0; i < 6; i++) {
        r[i] = (struct rx){.tag = (char)('0' + i)};
        CHECK_OK(t_ping_connect_opts(bus, rx_fn, &r[i], i % 2 ? &trace : SIGNET_ANY,
                                     &(signet_connect_opts){.priority = i % 3}, &h[i]));
    }
    signet_conn_info info[3] = {0};
    CHECK_EQ(t_ping_connections(bus, NULL, 0), 6);
    CHECK_EQ(t_ping_connections(bus, info, 3), 6);
    /* priorities 0 1 2 0 1 2: rank order 2 5 1 4 0 3 */
    CHECK(info[0].ctx == &r[2] && info[1].ctx == &r[5] && info[2].ctx == &r[1]);
    signet_bus_destroy(bus);
}

/* Disconnected connections and run-once receivers that have run are gone. */
static void connections_leave_out_disconnected_and_fired(void)
{
    signet_bus *bus = new_bus();
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    signet_conn ca = connect_rx(bus, &a, NULL);
    connect_rx(bus, &b, &(signet_connect_opts){.flags = SIGNET_ONCE});
    connect_rx(bus, &c, NULL);
    CHECK_OK(signet_disconnect(bus, ca));
    CHECK_EQ(t_ping_send(bus, NULL, 1), 2);
    signet_conn_info info[4];
    CHECK_EQ(t_ping_connections(bus, info, 4), 1);
    CHECK(info[0].ctx == &c);
    signet_bus_destroy(bus);
}

/* One thread connects and disconnects while another lists: every list
 * holds only connections that exist, in rank order, without duplicates. */
enum { CHURN_ROUNDS = 3000, CHURN_CTX = 8 };

static struct rx churn_rx[CHURN_CTX];

struct churn {
    signet_bus *bus;
    atomic_bool done;
};

static void *churn_connections(void *arg)
{
    struct churn *c = arg;
    signet_conn h[CHURN_CTX];
    for (int round = 0; round < CHURN_ROUNDS; round++) {
        for (int i = 0; i < CHURN_CTX; i++)
            CHECK_OK(t_ping_connect_opts(c->bus, rx_fn, &churn_rx[i], i % 2 ? &trace : SIGNET_ANY,
                                         &(signet_connect_opts){.priority = i % 3}, &h[i]));
        for (int i = 0; i < CHURN_CTX; i++)
            CHECK_OK(signet_disconnect(c->bus, h[i]));
    }
    atomic_store(&c->done, true);
    return NULL;
}

static void threads_connections_while_others_connect_and_disconnect(void)
{
    signet_bus *bus = new_bus();
    struct churn c = {bus, false};
    pthread_t t;
    CHECK_OK(pthread_create(&t, NULL, churn_connections, &c));
    int lists = 0;
    while (!atomic_load(&c.done) || lists == 0) {
        signet_conn_info info[CHURN_CTX + 1];
        int n = t_ping_connections(bus, info, CHURN_CTX + 1);
        CHECK(n >= 0 && n <= CHURN_CTX);
        for (int i = 0; i < n && i <= CHURN_CTX; i++) {
            int k = (int)((struct rx *)info[i].ctx - churn_rx);
            CHECK(k >= 0 && k < CHURN_CTX);
            CHECK(info[i].priority == k % 3);
            CHECK(info[i].sender == (k % 2 ? (const void *)&trace : SIGNET_ANY));
            for (int j = 0; j < i; j++)
                CHECK(info[j].ctx != info[i].ctx && info[j].priority >= info[i].priority);
        }
        lists++;
    }
    CHECK_OK(pthread_join(t, NULL));
    CHECK_EQ(t_ping_connections(bus, NULL, 0), 0);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"positive_results_are_distinct", positive_results_are_distinct},
    {"connect_again_with_other_options_is_existing_opts",
     connect_again_with_other_options_is_existing_opts},
    {"blocked_receiver_keeps_its_place", blocked_receiver_keeps_its_place},
    {"blocks_nest_like_glib", blocks_nest_like_glib},
    {"blocked_run_once_waits_until_unblocked", blocked_run_once_waits_until_unblocked},
    {"block_of_a_stale_handle_is_enoent", block_of_a_stale_handle_is_enoent},
    {"block_skips_messages_already_queued", block_skips_messages_already_queued},
    {"block_inside_receiver_skips_a_later_one", block_inside_receiver_skips_a_later_one},
    {"block_skips_the_rest_of_a_replay", block_skips_the_rest_of_a_replay},
    {"threads_block_unblock_while_sending_counts_exact",
     threads_block_unblock_while_sending_counts_exact},
    {"filter_false_skips_the_receiver_uncounted", filter_false_skips_the_receiver_uncounted},
    {"filtered_run_once_stays_armed", filtered_run_once_stays_armed},
    {"queued_filter_runs_at_dispatch", queued_filter_runs_at_dispatch},
    {"filtered_connection_does_not_hide_its_twin", filtered_connection_does_not_hide_its_twin},
    {"filter_that_disconnects_its_connection_skips_it",
     filter_that_disconnects_its_connection_skips_it},
    {"generic_filter_on_pattern_and_replay", generic_filter_on_pattern_and_replay},
    {"threads_queued_filter_runs_on_the_dispatching_thread",
     threads_queued_filter_runs_on_the_dispatching_thread},
    {"connections_list_every_connection_in_rank_order",
     connections_list_every_connection_in_rank_order},
    {"connections_into_a_short_array_give_the_first",
     connections_into_a_short_array_give_the_first},
    {"connections_leave_out_disconnected_and_fired", connections_leave_out_disconnected_and_fired},
    {"threads_connections_while_others_connect_and_disconnect",
     threads_connections_while_others_connect_and_disconnect},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
