/* test_runtime.c: single-threaded semantics of the bus: ordering, priority,
 * de-duplication, handles, sender filtering, errors, SIGNET_STOP, run-once
 * and re-entrancy. One case per CTest test (see CMakeLists.txt). */
#include "fixture.h"

static struct trace trace;

/* A receiver's context: its tag, what it returns, and an optional action
 * it performs while running. */
struct rx {
    char tag;
    int ret;
    int calls;
    int32_t last_value;
    const void *last_sender;
    void (*action)(struct rx *self, const signet_event *ev);
    signet_conn conn;          /* this receiver's own connection */
    signet_conn other;         /* a connection the action works on */
    struct rx *helper;         /* a receiver the action connects */
    int action_result;
};

static int rx_fn(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct rx *rx = ctx;

    rx->calls++;
    rx->last_value = msg->value;
    rx->last_sender = ev->sender;
    trace_add(&trace, rx->tag);
    if (rx->action)
        rx->action(rx, ev);
    return rx->ret;
}

/* A second function, to show that (fn, ctx) pairs, not ctx alone, identify
 * a receiver. */
static int rx_fn2(void *ctx, const signet_event *ev, const t_ping *msg)
{
    return rx_fn(ctx, ev, msg);
}

static signet_bus *new_bus(const signet_bus_options *opts)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(opts, &bus));
    trace.len = 0;
    trace.buf[0] = '\0';
    return bus;
}

static signet_conn connect_rx(signet_bus *bus, int sig, struct rx *rx, const void *sender)
{
    CHECK_OK(t_connect(bus, sig, rx_fn, rx, sender, NULL, &rx->conn));
    return rx->conn;
}

static void new_signal_has_no_receivers(void)
{
    signet_bus *bus = new_bus(NULL);
    CHECK(!signet_has_receivers(bus, &t_signals[T_PING], SIGNET_ANY));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 0);
    CHECK_EQ(t_send(bus, T_PING, &trace, 1), 0);
    signet_bus_destroy(bus);
}

static void receivers_run_in_connection_order(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &b, NULL);
    connect_rx(bus, T_PING, &c, NULL);
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], SIGNET_ANY));
    CHECK_EQ(t_send(bus, T_PING, NULL, 42), 3);
    CHECK(strcmp(trace.buf, "abc") == 0);
    CHECK_EQ(a.last_value, 42);
    CHECK_EQ(c.last_value, 42);
    /* The other signal is untouched. */
    CHECK_EQ(t_send(bus, T_PONG, NULL, 1), 0);
    signet_bus_destroy(bus);
}

static void priority_reorders_and_ties_stay_stable(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'}, d = {.tag = 'd'},
              e = {.tag = 'e'};
    signet_connect_opts low = {.priority = -5}, high = {.priority = 10};
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &a, NULL, NULL, &a.conn));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &b, NULL, &low, &b.conn));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &c, NULL, &high, &c.conn));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &d, NULL, NULL, &d.conn));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &e, NULL, &high, &e.conn));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 5);
    CHECK(strcmp(trace.buf, "ceadb") == 0);
    signet_bus_destroy(bus);
}

static void connect_same_twice_returns_existing_handle(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx a = {.tag = 'a'};
    signet_conn first, second;
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &a, NULL, NULL, &first));
    CHECK_EQ(t_connect(bus, T_PING, rx_fn, &a, NULL, NULL, &second), SIGNET_EXISTING);
    CHECK_EQ(first.index, second.index);
    CHECK_EQ(first.generation, second.generation);
    /* Another sender, function or signal is another connection. */
    signet_conn other;
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &a, &trace, NULL, &other));
    CHECK_OK(t_connect(bus, T_PING, rx_fn2, &a, NULL, NULL, &other));
    CHECK_OK(t_connect(bus, T_PONG, rx_fn, &a, NULL, NULL, &other));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);  /* rx_fn and rx_fn2 */
    signet_bus_destroy(bus);
}

static void disconnect_twice_or_stale_is_enoent(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'};
    signet_conn ca = connect_rx(bus, T_PING, &a, NULL);
    CHECK_OK(signet_disconnect(bus, ca));
    CHECK_EQ(signet_disconnect(bus, ca), SIGNET_ENOENT);
    /* The slot is reused by b; a's stale handle must not reach it. */
    signet_conn cb = connect_rx(bus, T_PING, &b, NULL);
    CHECK_EQ(cb.index, ca.index);
    CHECK(cb.generation != ca.generation);
    CHECK_EQ(signet_disconnect(bus, ca), SIGNET_ENOENT);
    CHECK_EQ(t_send(bus, T_PING, NULL, 7), 1);
    CHECK_EQ(b.calls, 1);
    CHECK_EQ(a.calls, 0);
    /* Handles that never existed. */
    CHECK_EQ(signet_disconnect(bus, (signet_conn){0, 0}), SIGNET_ENOENT);
    CHECK_EQ(signet_disconnect(bus, (signet_conn){12345, 1}), SIGNET_ENOENT);
    CHECK_EQ(signet_disconnect(NULL, cb), SIGNET_EINVAL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 7), 1);
    CHECK_EQ(b.calls, 2);
    signet_bus_destroy(bus);
}

static void sender_filter_any_and_exact(void)
{
    signet_bus *bus = new_bus(NULL);
    static const char kitchen[] = "kitchen", hall[] = "hall";
    struct rx any = {.tag = 'A'}, k = {.tag = 'k'}, h = {.tag = 'h'};
    connect_rx(bus, T_PING, &any, SIGNET_ANY);
    connect_rx(bus, T_PING, &k, kitchen);
    connect_rx(bus, T_PING, &h, hall);

    CHECK_EQ(t_send(bus, T_PING, kitchen, 1), 2);
    CHECK(strcmp(trace.buf, "Ak") == 0);
    CHECK(any.last_sender == kitchen);
    CHECK_EQ(t_send(bus, T_PING, hall, 2), 2);
    CHECK(strcmp(trace.buf, "AkAh") == 0);
    /* A sender nobody named: only ANY receivers. */
    CHECK_EQ(t_send(bus, T_PING, &trace, 3), 1);
    CHECK_EQ(any.calls, 3);
    CHECK_EQ(k.calls, 1);
    CHECK_EQ(h.calls, 1);
    /* Pointer identity, not string equality. */
    char copy[] = "kitchen";
    CHECK_EQ(t_send(bus, T_PING, copy, 4), 1);
    CHECK_EQ(k.calls, 1);
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], kitchen));
    signet_bus_destroy(bus);
}

static void anonymous_send_reaches_only_any(void)
{
    signet_bus *bus = new_bus(NULL);
    static const int sender;
    struct rx exact = {.tag = 'x'}, any = {.tag = 'A'};
    connect_rx(bus, T_PING, &exact, &sender);
    CHECK(!signet_has_receivers(bus, &t_signals[T_PING], NULL));
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], &sender));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 0);
    connect_rx(bus, T_PING, &any, SIGNET_ANY);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK(strcmp(trace.buf, "A") == 0);
    CHECK(any.last_sender == NULL);
    signet_bus_destroy(bus);
}

static void receiver_for_any_and_sender_runs_once(void)
{
    signet_bus *bus = new_bus(NULL);
    static const int s1, s2;
    struct rx both = {.tag = 'b'}, first = {.tag = 'f'}, later = {.tag = 'l'};
    signet_conn c;
    connect_rx(bus, T_PING, &first, SIGNET_ANY);
    /* Connected for s1 first, then for ANY: runs once, at its first place. */
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &both, &s1, NULL, &c));
    connect_rx(bus, T_PING, &later, SIGNET_ANY);
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &both, SIGNET_ANY, NULL, &c));
    CHECK_EQ(t_send(bus, T_PING, &s1, 1), 3);
    CHECK(strcmp(trace.buf, "fbl") == 0);
    trace.len = 0;
    CHECK_EQ(t_send(bus, T_PING, &s2, 1), 3);
    CHECK(strcmp(trace.buf, "flb") == 0);
    CHECK_EQ(both.calls, 2);
    signet_bus_destroy(bus);
}

static int hook_calls, hook_err;
static const signet_signal_info *hook_signal;

static void on_error(void *ctx, const signet_event *ev, int err)
{
    (void)ctx;
    hook_calls++;
    hook_err = err;
    hook_signal = ev->signal;
}

static void receiver_error_does_not_stop_others(void)
{
    signet_bus_options opts = {.on_error = on_error};
    signet_bus *bus = new_bus(&opts);
    struct rx a = {.tag = 'a'}, bad = {.tag = 'e', .ret = -42}, c = {.tag = 'c'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &bad, NULL);
    connect_rx(bus, T_PING, &c, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 3);
    CHECK(strcmp(trace.buf, "aec") == 0);
    CHECK_EQ(hook_calls, 1);
    CHECK_EQ(hook_err, -42);
    CHECK(hook_signal == &t_signals[T_PING]);
    CHECK_EQ(signet_bus_error_count(bus), 1);
    signet_bus_destroy(bus);
}

static void stop_ends_emission(void)
{
    signet_bus_options opts = {.on_error = on_error};
    signet_bus *bus = new_bus(&opts);
    hook_calls = 0;
    struct rx a = {.tag = 'a'}, stop = {.tag = 's', .ret = SIGNET_STOP}, c = {.tag = 'c'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &stop, NULL);
    connect_rx(bus, T_PING, &c, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK(strcmp(trace.buf, "as") == 0);
    CHECK_EQ(c.calls, 0);
    CHECK_EQ(hook_calls, 0);
    CHECK_EQ(signet_bus_error_count(bus), 0);
    signet_bus_destroy(bus);
}

static signet_bus *action_bus;

static void disconnect_own(struct rx *self, const signet_event *ev)
{
    CHECK(ev->conn.index == self->conn.index && ev->conn.generation == self->conn.generation);
    self->action_result = signet_disconnect(action_bus, self->conn);
}

static void receiver_disconnects_itself(void)
{
    signet_bus *bus = action_bus = new_bus(NULL);
    struct rx a = {.tag = 'a', .action = disconnect_own}, b = {.tag = 'b'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &b, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK_OK(a.action_result);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK(strcmp(trace.buf, "abb") == 0);
    CHECK_EQ(signet_disconnect(bus, a.conn), SIGNET_ENOENT);
    signet_bus_destroy(bus);
}

static void disconnect_other(struct rx *self, const signet_event *ev)
{
    (void)ev;
    self->action_result = signet_disconnect(action_bus, self->other);
}

static void receiver_disconnects_a_later_one(void)
{
    signet_bus *bus = action_bus = new_bus(NULL);
    struct rx a = {.tag = 'a', .action = disconnect_other}, b = {.tag = 'b'}, c = {.tag = 'c'};
    connect_rx(bus, T_PING, &a, NULL);
    a.other = connect_rx(bus, T_PING, &b, NULL);
    connect_rx(bus, T_PING, &c, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK(strcmp(trace.buf, "ac") == 0);
    CHECK_OK(a.action_result);
    CHECK_EQ(b.calls, 0);
    signet_bus_destroy(bus);
}

static void connect_helper(struct rx *self, const signet_event *ev)
{
    (void)ev;
    self->action_result = t_connect(action_bus, T_PING, rx_fn, self->helper, NULL, NULL,
                                    &self->helper->conn);
}

static void receiver_connects_one_that_waits_for_next_emission(void)
{
    signet_bus *bus = action_bus = new_bus(NULL);
    struct rx n = {.tag = 'n'};
    struct rx a = {.tag = 'a', .action = connect_helper, .helper = &n};
    connect_rx(bus, T_PING, &a, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK_OK(a.action_result);
    CHECK_EQ(n.calls, 0);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK_EQ(a.action_result, SIGNET_EXISTING);
    CHECK(strcmp(trace.buf, "aan") == 0);
    signet_bus_destroy(bus);
}

static void send_pong(struct rx *self, const signet_event *ev)
{
    (void)ev;
    self->action_result = t_send(action_bus, T_PONG, self, 99);
}

static void receiver_sends_another_signal(void)
{
    signet_bus *bus = action_bus = new_bus(NULL);
    struct rx a = {.tag = 'a', .action = send_pong}, p = {.tag = 'p'}, b = {.tag = 'b'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &b, NULL);
    connect_rx(bus, T_PONG, &p, &a);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK(strcmp(trace.buf, "apb") == 0);
    CHECK_EQ(a.action_result, 1);
    CHECK_EQ(p.last_value, 99);
    CHECK(p.last_sender == &a);
    signet_bus_destroy(bus);
}

static void run_once_receiver_runs_once(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx once = {.tag = 'o'}, a = {.tag = 'a'};
    signet_connect_opts opts = {.flags = SIGNET_ONCE};
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &once, NULL, &opts, &once.conn));
    connect_rx(bus, T_PING, &a, NULL);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK(strcmp(trace.buf, "oaa") == 0);
    /* It has disconnected itself. */
    CHECK_EQ(signet_disconnect(bus, once.conn), SIGNET_ENOENT);
    /* Invalid flags are refused. */
    signet_connect_opts bad = {.flags = 0x80};
    signet_conn c;
    CHECK_EQ(t_connect(bus, T_PING, rx_fn, &a, &trace, &bad, &c), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

static void disconnect_ctx_removes_every_connection_of_ctx(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx owner = {.tag = 'o'}, other = {.tag = 'x'};
    signet_conn c;
    connect_rx(bus, T_PING, &owner, NULL);
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &owner, &trace, NULL, &c));
    CHECK_OK(t_connect(bus, T_PONG, rx_fn2, &owner, NULL, NULL, &c));
    connect_rx(bus, T_PING, &other, NULL);
    CHECK_EQ(signet_disconnect_ctx(bus, &owner), 3);
    CHECK_EQ(signet_disconnect_ctx(bus, &owner), 0);
    CHECK_EQ(t_send(bus, T_PING, &trace, 1), 1);
    CHECK_EQ(t_send(bus, T_PONG, NULL, 1), 0);
    CHECK(strcmp(trace.buf, "x") == 0);
    signet_bus_destroy(bus);
}

static void filtered_send_among_many_senders(void)
{
    signet_bus *bus = new_bus(NULL);
    enum { N = 1000 };
    static char senders[N];
    static struct rx rxs[N];
    for (int i = 0; i < N; i++) {
        rxs[i].tag = 'r';
        connect_rx(bus, T_PING, &rxs[i], &senders[i]);
    }
    for (int i = 0; i < N; i += 37)
        CHECK_EQ(t_send(bus, T_PING, &senders[i], i), 1);
    for (int i = 0; i < N; i++)
        CHECK_EQ(rxs[i].calls, i % 37 == 0);
    CHECK_EQ(rxs[74].last_value, 74);
    CHECK_EQ(t_send(bus, T_PING, NULL, 0), 0);
    signet_bus_destroy(bus);
}

static uint64_t seen_seq[2], seen_time[2];

static int seq_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    seen_seq[msg->value] = signet_event_seq(ev);
    seen_time[msg->value] = signet_event_time_ns(ev);
    CHECK(signet_event_seq(ev) == seen_seq[msg->value]);
    CHECK(strcmp(signet_event_topic(ev, NULL, 0), "ping") == 0);
    return 0;
}

static void event_carries_sequence_and_time(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;
    CHECK_OK(t_connect(bus, T_PING, seq_rx, NULL, NULL, NULL, &c));
    t_send(bus, T_PING, NULL, 0);
    t_send(bus, T_PING, NULL, 1);
    CHECK(seen_seq[0] >= 1);
    CHECK(seen_seq[1] > seen_seq[0]);
    CHECK(seen_time[1] >= seen_time[0]);
    CHECK(seen_time[0] > 0);
    signet_bus_destroy(bus);
}

static void invalid_arguments_are_rejected(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx a = {.tag = 'a'};
    signet_conn c;
    CHECK_EQ(signet_bus_create(NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(t_connect(NULL, T_PING, rx_fn, &a, NULL, NULL, &c), SIGNET_EINVAL);
    CHECK_EQ(t_connect(bus, T_PING, NULL, &a, NULL, NULL, &c), SIGNET_EINVAL);
    CHECK_EQ(t_connect(bus, T_PING, rx_fn, &a, NULL, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(t_send(NULL, T_PING, NULL, 1), SIGNET_EINVAL);
    CHECK(!signet_has_receivers(NULL, &t_signals[T_PING], NULL));
    CHECK_EQ(signet_disconnect_ctx(NULL, &a), SIGNET_EINVAL);
    /* A signal table from another ABI, and a signal not in its schema. */
    static const signet_schema_info old_schema = {SIGNET_ABI + 1, "t", "t.signet", T_COUNT,
                                                  t_signals, 0, NULL, NULL, NULL, NULL};
    static const signet_signal_info old_sig = {"ping", 0, "ping", &t_ping_info, &old_schema,
                                               NULL, 0, SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL, NULL};
    CHECK_EQ(signet_connect(bus, &old_sig, (signet_fnptr *)rx_fn, &a, NULL, NULL, &c),
             SIGNET_EABI);
    static const signet_signal_info stray = {"ping", 0, "ping", &t_ping_info, &t_schema,
                                             NULL, 0, SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL, NULL};
    CHECK_EQ(signet_connect(bus, &stray, (signet_fnptr *)rx_fn, &a, NULL, NULL, &c),
             SIGNET_EINVAL);
    signet_bus_destroy(NULL);
    signet_bus_destroy(bus);
}

static void receiver_limit_is_enforced(void)
{
    signet_bus_options opts = {.max_receivers = 2};
    signet_bus *bus = new_bus(&opts);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'}, c = {.tag = 'c'};
    connect_rx(bus, T_PING, &a, NULL);
    connect_rx(bus, T_PING, &b, NULL);
    CHECK_EQ(t_connect(bus, T_PING, rx_fn, &c, NULL, NULL, &c.conn), SIGNET_ELIMIT);
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 2);
    signet_bus_destroy(bus);
}

static void strerror_names_every_code(void)
{
#define NAMED(name, value, text) CHECK(strcmp(signet_strerror(SIGNET_##name), text) == 0);
    SIGNET_ERRNO_MAP(NAMED)
#undef NAMED
    CHECK(strcmp(signet_strerror(0), "success") == 0);
    CHECK(strcmp(signet_strerror(-9999), "unknown error") == 0);
    CHECK(strcmp(signet_strerror(9999), "unknown error") == 0);
    /* The positive results have names too. */
    const int results[] = {SIGNET_STOP, SIGNET_NOMATCH, SIGNET_EXISTING, SIGNET_EXISTING_OPTS,
                           SIGNET_REPLAY_SKIPPED};
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        CHECK(strcmp(signet_strerror(results[i]), "unknown error") != 0);
}

static void two_buses_are_independent(void)
{
    signet_bus *one = new_bus(NULL), *two = new_bus(NULL);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'};
    connect_rx(one, T_PING, &a, NULL);
    connect_rx(two, T_PING, &b, NULL);
    CHECK_EQ(t_send(one, T_PING, NULL, 1), 1);
    CHECK_EQ(a.calls, 1);
    CHECK_EQ(b.calls, 0);
    signet_bus_destroy(one);
    CHECK_EQ(t_send(two, T_PING, NULL, 1), 1);
    CHECK_EQ(b.calls, 1);
    signet_bus_destroy(two);
}


static void run_once_twin_does_not_hide_the_other_connection(void)
{
    signet_bus *bus = new_bus(NULL);
    static const int s;
    struct rx r = {.tag = 'r'};
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    signet_conn c;
    /* The same (fn, ctx): run-once for any sender, and for s for good. */
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &r, SIGNET_ANY, &once, &c));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &r, &s, NULL, &c));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1); /* the run-once one fires */
    CHECK_EQ(t_send(bus, T_PING, &s, 2), 1);
    CHECK_EQ(t_send(bus, T_PING, &s, 3), 1);
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], &s));
    CHECK_EQ(r.calls, 3);
    signet_bus_destroy(bus);
}

static void fired_run_once_does_not_count_against_the_limit(void)
{
    signet_bus_options opts = {.max_receivers = 1};
    signet_bus *bus = new_bus(&opts);
    struct rx a = {.tag = 'a'}, b = {.tag = 'b'};
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &a, NULL, &once, &a.conn));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &b, NULL, NULL, &b.conn));
    CHECK_EQ(t_send(bus, T_PING, NULL, 1), 1);
    CHECK(strcmp(trace.buf, "ab") == 0);
    signet_bus_destroy(bus);
}

/* Connections made and dropped only from inside receivers: their slots
 * must still be recycled (a program driven entirely by events never
 * connects from outside a receiver). */
static uint32_t max_index;

static void churn_inside(struct rx *self, const signet_event *ev)
{
    (void)ev;
    for (int i = 0; i < 100; i++) {
        signet_conn c;
        CHECK_OK(t_connect(action_bus, T_PONG, rx_fn, self->helper, NULL, NULL, &c));
        max_index = c.index > max_index ? c.index : max_index;
        CHECK_OK(signet_disconnect(action_bus, c));
    }
}

static void nested_connects_recycle_their_slots(void)
{
    signet_bus *bus = action_bus = new_bus(NULL);
    struct rx helper = {.tag = 'h'};
    struct rx a = {.tag = 'a', .action = churn_inside, .helper = &helper};
    connect_rx(bus, T_PING, &a, NULL);
    for (int i = 0; i < 200; i++)
        t_send(bus, T_PING, NULL, i);
    /* 20 000 connections in all; each emission's slots are reusable once
     * it has ended, so the slot table stays around two emissions' worth. */
    CHECK(max_index < 400);
    CHECK_EQ(a.calls, 200);
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"new_signal_has_no_receivers", new_signal_has_no_receivers},
    {"receivers_run_in_connection_order", receivers_run_in_connection_order},
    {"priority_reorders_and_ties_stay_stable", priority_reorders_and_ties_stay_stable},
    {"connect_same_twice_returns_existing_handle", connect_same_twice_returns_existing_handle},
    {"disconnect_twice_or_stale_is_enoent", disconnect_twice_or_stale_is_enoent},
    {"sender_filter_any_and_exact", sender_filter_any_and_exact},
    {"anonymous_send_reaches_only_any", anonymous_send_reaches_only_any},
    {"receiver_for_any_and_sender_runs_once", receiver_for_any_and_sender_runs_once},
    {"receiver_error_does_not_stop_others", receiver_error_does_not_stop_others},
    {"stop_ends_emission", stop_ends_emission},
    {"receiver_disconnects_itself", receiver_disconnects_itself},
    {"receiver_disconnects_a_later_one", receiver_disconnects_a_later_one},
    {"receiver_connects_one_that_waits_for_next_emission",
     receiver_connects_one_that_waits_for_next_emission},
    {"receiver_sends_another_signal", receiver_sends_another_signal},
    {"run_once_receiver_runs_once", run_once_receiver_runs_once},
    {"disconnect_ctx_removes_every_connection_of_ctx",
     disconnect_ctx_removes_every_connection_of_ctx},
    {"filtered_send_among_many_senders", filtered_send_among_many_senders},
    {"event_carries_sequence_and_time", event_carries_sequence_and_time},
    {"invalid_arguments_are_rejected", invalid_arguments_are_rejected},
    {"receiver_limit_is_enforced", receiver_limit_is_enforced},
    {"strerror_names_every_code", strerror_names_every_code},
    {"two_buses_are_independent", two_buses_are_independent},
    {"run_once_twin_does_not_hide_the_other_connection",
     run_once_twin_does_not_hide_the_other_connection},
    {"fired_run_once_does_not_count_against_the_limit",
     fired_run_once_does_not_count_against_the_limit},
    {"nested_connects_recycle_their_slots", nested_connects_recycle_their_slots},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
