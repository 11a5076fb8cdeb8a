/* test_scale.c: many senders, each with receivers of its own, beside
 * SIGNET_ANY receivers. A connect or disconnect for one sender rebuilds
 * only that sender's list (docs/design.md, "Runtime semantics"): these
 * cases prove that order, priority, the twin rule, run-once, queued
 * connections and pattern subscriptions come out as they would with one
 * list for everybody, that a change for one sender leaves what another
 * sender's send runs untouched, and, under threads, that sends from many
 * senders never see a half-built list while another thread connects and
 * disconnects per-sender and SIGNET_ANY receivers. */
#define _DEFAULT_SOURCE /* syscall(), in thread_state.h */
#define _POSIX_C_SOURCE 200809L
#include "alloc_count.h"
#include "fixture.h"
#include "thread_state.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

enum { NSENDERS = 300 };

static char senders[NSENDERS];
static struct trace trace;

struct rx {
    char tag;
    int calls;
};

static int rx_fn(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct rx *r = ctx;
    (void)ev;
    (void)msg;
    r->calls++;
    trace_add(&trace, r->tag);
    return 0;
}

static int rx_generic(void *ctx, const signet_event *ev, const void *payload)
{
    (void)payload;
    (void)ev;
    struct rx *r = ctx;
    r->calls++;
    trace_add(&trace, r->tag);
    return 0;
}

static signet_bus *new_bus(const signet_bus_options *opts)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(opts, &bus));
    return bus;
}

static int conn_prio(signet_bus *bus, int sig, struct rx *r, const void *sender, int32_t prio,
                     signet_conn *out)
{
    signet_connect_opts o = {.priority = prio};
    return t_connect(bus, sig, rx_fn, r, sender, &o, out);
}

/* What a send from sender runs, as a string of tags. */
static const char *run(signet_bus *bus, const void *sender)
{
    trace.len = 0;
    trace.buf[0] = '\0';
    int n = t_send(bus, T_PING, sender, 1);
    CHECK_EQ((size_t)n, trace.len);
    return trace.buf;
}

#define CHECK_RUNS(bus, sender, want) CHECK(strcmp(run(bus, sender), want) == 0)

static int stop_fn(void *ctx, const signet_event *ev, const t_ping *msg)
{
    rx_fn(ctx, ev, msg);
    return SIGNET_STOP;
}

/* What a send from sender runs through each path that walks the runs: the
 * generated send (its first run in its own loop, the others through the
 * runtime), the hand-written loop of fixture.h (signet_emit_next()), the
 * generated summary (signet_emit_run()), and a post's dispatch; each must
 * give want. */
static void check_runs_every_way(signet_bus *bus, const void *sender, const char *want)
{
    t_ping msg = {1};
    signet_summary sum = {0};

    CHECK_RUNS(bus, sender, want);
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ((size_t)t_ping_send(bus, sender, 1), strlen(want));
    CHECK(strcmp(trace.buf, want) == 0);
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ((size_t)t_ping_send_summary(bus, sender, &msg, &sum), strlen(want));
    CHECK(strcmp(trace.buf, want) == 0);
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ(t_ping_post(bus, sender, 1), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(trace.buf, want) == 0);
}

static struct rx any_a = {'a', 0}, any_b = {'b', 0}, any_c = {'c', 0};
static struct rx own_x[NSENDERS], own_y[NSENDERS];

/* SIGNET_ANY receivers connected between the per-sender ones, at several
 * priorities, and for the even senders a twin of an ANY receiver ranked
 * before it: every sender's send runs the merge of both lists by rank,
 * the twin once, at its first place. */
static void scale_many_senders_keep_order_priority_and_twins(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;
    CHECK_OK(conn_prio(bus, T_PING, &any_a, SIGNET_ANY, 0, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(conn_prio(bus, T_PING, &own_x[i], &senders[i], 0, &c));
    }
    CHECK_OK(conn_prio(bus, T_PING, &any_b, SIGNET_ANY, 5, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_y[i] = (struct rx){'y', 0};
        CHECK_OK(conn_prio(bus, T_PING, &own_y[i], &senders[i], 5, &c));
    }
    CHECK_OK(conn_prio(bus, T_PING, &any_c, SIGNET_ANY, -1, &c));
    for (int i = 0; i < NSENDERS; i += 2)
        CHECK_OK(conn_prio(bus, T_PING, &any_c, &senders[i], 10, &c));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_RUNS(bus, &senders[i], i % 2 ? "byaxc" : "cbyax");
    CHECK_RUNS(bus, NULL, "bac");
    static const char stranger;
    CHECK_RUNS(bus, &stranger, "bac");
    /* One more SIGNET_ANY receiver reaches every sender, at its rank. */
    struct rx any_d = {'d', 0};
    CHECK_OK(conn_prio(bus, T_PING, &any_d, SIGNET_ANY, 5, &c));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_RUNS(bus, &senders[i], i % 2 ? "bydaxc" : "cbydax");
    CHECK_OK(signet_disconnect(bus, c));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_RUNS(bus, &senders[i], i % 2 ? "byaxc" : "cbyax");
    signet_bus_destroy(bus);
}

/* Connecting and disconnecting for one sender changes what that sender's
 * send runs and nothing else; a sender left without receivers of its own
 * runs the SIGNET_ANY list, and gets a list again when it connects again. */
static void scale_sender_change_leaves_other_senders_alone(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c, xc[NSENDERS], extra;
    CHECK_OK(conn_prio(bus, T_PING, &any_a, SIGNET_ANY, 0, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(conn_prio(bus, T_PING, &own_x[i], &senders[i], 0, &xc[i]));
    }
    struct rx e = {'e', 0}, f = {'f', 0};
    for (int k = 0; k < NSENDERS; k += 7) {
        CHECK_OK(conn_prio(bus, T_PING, &e, &senders[k], 3, &extra));
        CHECK_RUNS(bus, &senders[k], "eax");
        CHECK_OK(conn_prio(bus, T_PING, &f, &senders[k], -3, &c));
        CHECK_RUNS(bus, &senders[k], "eaxf");
        for (int i = 0; i < NSENDERS; i++)
            if (i != k)
                CHECK_RUNS(bus, &senders[i], "ax");
        CHECK_OK(signet_disconnect(bus, extra));
        CHECK_OK(signet_disconnect(bus, c));
        CHECK_RUNS(bus, &senders[k], "ax");
    }
    /* Every sender loses its own receiver, then half get one back. */
    for (int i = 0; i < NSENDERS; i++)
        CHECK_OK(signet_disconnect(bus, xc[i]));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_RUNS(bus, &senders[i], "a");
    for (int i = 0; i < NSENDERS; i += 2)
        CHECK_OK(conn_prio(bus, T_PING, &own_x[i], &senders[i], 0, &xc[i]));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_RUNS(bus, &senders[i], i % 2 ? "a" : "ax");
    CHECK(signet_has_receivers(bus, &t_signals[T_PING], &senders[0]));
    signet_bus_destroy(bus);
}

/* Run-once connections of many senders: each fires once, for its own
 * sender only, and a fired one leaves its twin free to run. */
static void scale_run_once_per_sender(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_connect_opts once = {.flags = SIGNET_ONCE};
    signet_conn c;
    CHECK_OK(conn_prio(bus, T_PING, &any_a, SIGNET_ANY, 0, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(t_connect(bus, T_PING, rx_fn, &own_x[i], &senders[i], &once, &c));
    }
    for (int i = 0; i < NSENDERS; i++) {
        CHECK_RUNS(bus, &senders[i], "ax");
        CHECK_RUNS(bus, &senders[i], "a");
    }
    /* A run-once for ANY and the same receiver for good for one sender. */
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &any_b, SIGNET_ANY, &once, &c));
    CHECK_OK(conn_prio(bus, T_PING, &any_b, &senders[1], 0, &c));
    CHECK_RUNS(bus, &senders[0], "ab");
    CHECK_RUNS(bus, &senders[1], "ab");
    CHECK_RUNS(bus, &senders[1], "ab");
    for (int i = 0; i < NSENDERS; i++)
        CHECK_EQ(own_x[i].calls, 1);
    signet_bus_destroy(bus);
}

/* Queued connections of many senders use the same lists: a post from each
 * sender runs, on dispatch, the merge of its own and the SIGNET_ANY queued
 * receivers in rank order; a receiver connected for a sender after a
 * message was queued does not run for it, and when it is a twin of a
 * SIGNET_ANY receiver connected before, that one still runs, once. */
static void scale_queued_connections_per_sender(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q = signet_bus_queue(bus);
    signet_connect_opts qo = {.queue = q}, qhi = {.queue = q, .priority = 9};
    signet_conn c;
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &any_a, SIGNET_ANY, &qo, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(t_connect(bus, T_PING, rx_fn, &own_x[i], &senders[i], &qo, &c));
    }
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &any_b, SIGNET_ANY, &qhi, &c));
    for (int i = 0; i < NSENDERS; i++) {
        trace.len = 0;
        CHECK_EQ(t_ping_post(bus, &senders[i], 1), 1);
        CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
        CHECK(strcmp(trace.buf, "bax") == 0);
    }
    /* Queued before: a later receiver of that sender does not run, the
     * twin of a SIGNET_ANY one runs in its place. */
    trace.len = 0;
    CHECK_EQ(t_ping_post(bus, &senders[3], 1), 1);
    struct rx late = {'l', 0};
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &late, &senders[3], &qo, &c));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &any_a, &senders[3], &qhi, &c));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(trace.buf, "bax") == 0);
    trace.len = 0;
    CHECK_EQ(t_ping_post(bus, &senders[3], 1), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(trace.buf, "baxl") == 0);
    CHECK_EQ(late.calls, 1);
    signet_bus_destroy(bus);
}

/* Senders with one queued receiver each, bound to the bus's queue, which
 * a post and a dispatch find in the sender's bucket: a message queued
 * before its sender's receiver was replaced runs neither receiver (the
 * old one is disconnected, the new one was connected after the post); a
 * post after runs the new one; a post while the sender has none queues
 * nothing. */
static void scale_queued_receiver_replaced_after_post_runs_neither(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_connect_opts qo = {.queue = signet_bus_queue(bus)};
    signet_conn c[NSENDERS];
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(t_connect(bus, T_PING, rx_fn, &own_x[i], &senders[i], &qo, &c[i]));
    }
    struct rx next = {'n', 0};
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ(t_ping_post(bus, &senders[7], 1), 1);
    CHECK_OK(signet_disconnect(bus, c[7]));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &next, &senders[7], &qo, &c[7]));
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK(strcmp(trace.buf, "") == 0);
    CHECK_EQ(own_x[7].calls + next.calls, 0);
    CHECK_EQ(t_ping_post(bus, &senders[7], 1), 1);
    CHECK_EQ(t_ping_post(bus, &senders[8], 1), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 2);
    CHECK(strcmp(trace.buf, "nx") == 0);
    CHECK_EQ(own_x[8].calls, 1);
    CHECK_OK(signet_disconnect(bus, c[8]));
    CHECK_EQ(t_ping_post(bus, &senders[8], 1), 0);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    signet_bus_destroy(bus);
}

/* Connections live in chunks of 256 slots, their live words apart from
 * the rest of the slot: many connections, so that several chunks hold
 * them, each keep their own state. Per sender a direct receiver (blocked
 * for every 5th sender, disconnected for every 11th, with a filter that
 * refuses for every 3rd: the filter is found from the live word) and a
 * queued one (generic for every 7th, which only its queue info says);
 * every send and dispatch runs exactly the receivers that state allows,
 * and the listing reports each block. */
static struct rx chunk_d[NSENDERS], chunk_q[NSENDERS];

static bool chunk_pass(void *ctx, const signet_event *ev, const void *payload)
{
    (void)payload;
    return ctx == &chunk_d[(const char *)ev->sender - senders];
}

static bool chunk_refuse(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ctx;
    (void)ev;
    (void)payload;
    return false;
}

static void scale_connections_across_slot_chunks_keep_their_own_state(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q = NULL;
    signet_conn d[NSENDERS], c;
    CHECK_OK(signet_queue_create(bus, NULL, &q));
    for (int round = 0; round < 2; round++) /* 1200 connections, 600 left */
        for (int i = 0; i < NSENDERS; i++) {
            chunk_d[i] = (struct rx){'d', 0};
            chunk_q[i] = (struct rx){'q', 0};
            signet_connect_opts qo = {.queue = q},
                                dopts = {.filter = i % 3 == 0 ? chunk_refuse : chunk_pass};
            CHECK_OK(t_connect(bus, T_PING, rx_fn, &chunk_d[i], &senders[i], &dopts, &d[i]));
            if (i % 7 == 0) {
                chunk_q[i].tag = 'g';
                qo.flags = SIGNET_GENERIC;
                CHECK_OK(signet_connect(bus, &t_signals[T_PING], (signet_fnptr *)rx_generic,
                                        &chunk_q[i], &senders[i], &qo, &c));
            } else {
                CHECK_OK(t_connect(bus, T_PING, rx_fn, &chunk_q[i], &senders[i], &qo, &c));
            }
            if (round == 0) { /* leave the slots to be taken again */
                CHECK_OK(signet_disconnect(bus, d[i]));
                CHECK_OK(signet_disconnect(bus, c));
            }
        }
    int live = 2 * NSENDERS, nblocked = 0;
    for (int i = 0; i < NSENDERS; i++) {
        if (i % 11 == 0) {
            CHECK_OK(signet_disconnect(bus, d[i]));
            live--;
        } else if (i % 5 == 0) {
            CHECK_EQ(signet_block(bus, d[i]), 1);
            nblocked++;
        }
    }
    for (int i = 0; i < NSENDERS; i++) {
        bool runs = i % 11 != 0 && i % 5 != 0 && i % 3 != 0;
        const char *queued = i % 7 == 0 ? "g" : "q";
        CHECK_RUNS(bus, &senders[i], runs ? "d" : ""); /* and queues one for q */
        CHECK_EQ(signet_queue_dispatch(q, 0), 1);
        CHECK(strcmp(trace.buf + (runs ? 1 : 0), queued) == 0);
        int posted = t_ping_post(bus, &senders[i], 1);
        trace.len = 0;
        trace.buf[0] = '\0';
        int ran = signet_queue_dispatch(q, 0);
        CHECK_EQ(ran, 1);
        CHECK(strcmp(trace.buf, queued) == 0);
        trace.len = 0;
        trace.buf[0] = '\0';
        ran += signet_bus_dispatch(bus, 0); /* the direct receiver's message, if live */
        CHECK_EQ(ran, posted);
        CHECK(strcmp(trace.buf, runs ? "d" : "") == 0);
        CHECK_EQ(chunk_d[i].calls, runs ? 2 : 0);
        CHECK_EQ(chunk_q[i].calls, 2);
    }
    static signet_conn_info info[2 * NSENDERS];
    CHECK_EQ(signet_connections(bus, &t_signals[T_PING], info, 2 * NSENDERS), live);
    int blocked = 0;
    for (int k = 0; k < live; k++)
        if (info[k].blocked) {
            const char *sender = info[k].sender;
            int i = (int)(sender - senders);
            CHECK(info[k].ctx == &chunk_d[i] && i % 5 == 0 && i % 11 != 0);
            blocked++;
        }
    CHECK_EQ(blocked, nblocked);
    signet_queue_destroy(q);
    signet_bus_destroy(bus);
}

/* Run-time pattern subscriptions for many senders: each sender's
 * emissions reach its own subscribers and the SIGNET_ANY ones. */
static void scale_pattern_subscriptions_per_sender(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;
    struct rx pa = {'p', 0};
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", rx_generic, &pa, SIGNET_ANY,
                                      NULL, &c));
    for (int i = 0; i < NSENDERS; i++) {
        own_x[i] = (struct rx){'x', 0};
        CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", rx_generic, &own_x[i],
                                          &senders[i], NULL, &c));
    }
    for (int i = 0; i < NSENDERS; i++) {
        trace.len = 0;
        CHECK_EQ(t_reading_send(bus, &senders[i], "kitchen", i), 2);
        CHECK(strcmp(trace.buf, "px") == 0);
        CHECK_EQ(own_x[i].calls, 1);
    }
    CHECK_OK(signet_disconnect(bus, c));
    trace.len = 0;
    CHECK_EQ(t_reading_send(bus, &senders[NSENDERS - 1], "hall", 1), 1);
    CHECK(strcmp(trace.buf, "p") == 0);
    signet_bus_destroy(bus);
}

/* SIGNET_ANY receivers a, b, c, d at priorities 8, 6, 4, 2 and a sender's
 * own x, y, z at 9, 5, 1, with ties in connection order: a send from the
 * sender walks runs own, ANY, own, ANY, own, and runs each receiver once
 * at its rank; a tie goes to the one connected first, whichever kind. */
static void scale_runs_interleave_any_and_sender_by_rank(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;
    struct rx a = {'a', 0}, b = {'b', 0}, cc = {'c', 0}, d = {'d', 0};
    struct rx x = {'x', 0}, y = {'y', 0}, z = {'z', 0}, t = {'t', 0};
    CHECK_OK(conn_prio(bus, T_PING, &a, SIGNET_ANY, 8, &c));
    CHECK_OK(conn_prio(bus, T_PING, &b, SIGNET_ANY, 6, &c));
    CHECK_OK(conn_prio(bus, T_PING, &x, &senders[0], 9, &c));
    CHECK_OK(conn_prio(bus, T_PING, &y, &senders[0], 5, &c));
    CHECK_OK(conn_prio(bus, T_PING, &cc, SIGNET_ANY, 4, &c));
    CHECK_OK(conn_prio(bus, T_PING, &d, SIGNET_ANY, 2, &c));
    CHECK_OK(conn_prio(bus, T_PING, &z, &senders[0], 1, &c));
    check_runs_every_way(bus, &senders[0], "xabycdz");
    /* A tie at 4: c, connected first, runs first. */
    CHECK_OK(conn_prio(bus, T_PING, &t, &senders[0], 4, &c));
    check_runs_every_way(bus, &senders[0], "xabyctdz");
    check_runs_every_way(bus, &senders[1], "abcd");
    check_runs_every_way(bus, NULL, "abcd");
    /* A SIGNET_ANY change rebuilds the runs of the sender too. */
    struct rx e = {'e', 0};
    signet_conn ec;
    CHECK_OK(conn_prio(bus, T_PING, &e, SIGNET_ANY, 5, &ec));
    check_runs_every_way(bus, &senders[0], "xabyectdz");
    CHECK_OK(signet_disconnect(bus, ec));
    check_runs_every_way(bus, &senders[0], "xabyctdz");
    signet_bus_destroy(bus);
}

/* Twins across runs: the same fn and ctx connected for SIGNET_ANY and for
 * the sender runs once, at the place of the one ranked first. A sender's
 * twin ranked first splits the SIGNET_ANY run around the one it hides; a
 * SIGNET_ANY twin ranked first hides the sender's. Either way, when the
 * first goes, the other runs at its own place. */
static void scale_twins_split_runs_and_run_once(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c, tw_own, tw_any;
    struct rx a = {'a', 0}, b = {'b', 0}, tw = {'t', 0}, x = {'x', 0};
    CHECK_OK(conn_prio(bus, T_PING, &a, SIGNET_ANY, 3, &c));
    CHECK_OK(conn_prio(bus, T_PING, &tw, SIGNET_ANY, 2, &tw_any));
    CHECK_OK(conn_prio(bus, T_PING, &b, SIGNET_ANY, 1, &c));
    CHECK_OK(conn_prio(bus, T_PING, &x, &senders[0], 0, &c));
    CHECK_OK(conn_prio(bus, T_PING, &tw, &senders[0], 5, &tw_own));
    check_runs_every_way(bus, &senders[0], "tabx");
    check_runs_every_way(bus, &senders[1], "atb");
    CHECK_OK(signet_disconnect(bus, tw_own));
    check_runs_every_way(bus, &senders[0], "atbx");
    /* Now the SIGNET_ANY one ranks first: the sender's, at -1, is hidden. */
    CHECK_OK(conn_prio(bus, T_PING, &tw, &senders[0], -1, &tw_own));
    check_runs_every_way(bus, &senders[0], "atbx");
    CHECK_OK(signet_disconnect(bus, tw_any));
    check_runs_every_way(bus, &senders[0], "abxt");
    signet_bus_destroy(bus);
}

/* A run-once SIGNET_ANY receiver in the middle run of senders with
 * receivers of their own fires once, whichever sender sends first. */
static void scale_run_once_across_runs(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_connect_opts once = {.flags = SIGNET_ONCE, .priority = 5};
    signet_conn c;
    struct rx o = {'o', 0}, a = {'a', 0};
    CHECK_OK(conn_prio(bus, T_PING, &a, SIGNET_ANY, 4, &c));
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &o, SIGNET_ANY, &once, &c));
    for (int i = 0; i < 4; i++) {
        own_x[i] = (struct rx){'x', 0};
        own_y[i] = (struct rx){'y', 0};
        CHECK_OK(conn_prio(bus, T_PING, &own_x[i], &senders[i], 9, &c));
        CHECK_OK(conn_prio(bus, T_PING, &own_y[i], &senders[i], 0, &c));
    }
    CHECK_RUNS(bus, &senders[2], "xoay");
    for (int i = 0; i < 4; i++)
        CHECK_RUNS(bus, &senders[i], "xay");
    CHECK_RUNS(bus, NULL, "a");
    CHECK_EQ(o.calls, 1);
    signet_bus_destroy(bus);
}

/* SIGNET_STOP in the middle of a run ends the emission: nothing of that
 * run after it, nor of the runs that follow, in every path. */
static void scale_stop_in_the_middle_of_a_run(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c;
    struct rx a = {'a', 0}, s = {'s', 0}, b = {'b', 0}, x = {'x', 0}, y = {'y', 0};
    CHECK_OK(conn_prio(bus, T_PING, &x, &senders[0], 9, &c));
    CHECK_OK(conn_prio(bus, T_PING, &a, SIGNET_ANY, 5, &c));
    signet_connect_opts so = {.priority = 4};
    CHECK_OK(t_connect(bus, T_PING, stop_fn, &s, SIGNET_ANY, &so, &c));
    CHECK_OK(conn_prio(bus, T_PING, &b, SIGNET_ANY, 3, &c));
    CHECK_OK(conn_prio(bus, T_PING, &y, &senders[0], 0, &c));
    check_runs_every_way(bus, &senders[0], "xas");
    /* In the first run, before an ANY one. */
    struct rx t = {'t', 0};
    signet_connect_opts to = {.priority = 10};
    CHECK_OK(t_connect(bus, T_PING, stop_fn, &t, &senders[0], &to, &c));
    check_runs_every_way(bus, &senders[0], "t");
    signet_bus_destroy(bus);
}

/* A generated send from a sender whose list has runs runs them all, then
 * the pattern subscribers (run-time ones here, which signet_emit_end()
 * runs); after a SIGNET_STOP in the first run, neither. */
static void scale_runs_before_pattern_subscribers(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_conn c, stop;
    struct rx a = {'a', 0}, x = {'x', 0}, y = {'y', 0}, p = {'p', 0}, t = {'t', 0};
    CHECK_OK(conn_prio(bus, T_PING, &a, SIGNET_ANY, 5, &c));
    CHECK_OK(conn_prio(bus, T_PING, &x, &senders[0], 9, &c));
    CHECK_OK(conn_prio(bus, T_PING, &y, &senders[0], 0, &c));
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "#", rx_generic, &p, SIGNET_ANY, NULL, &c));
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ(t_ping_send(bus, &senders[0], 1), 4);
    CHECK(strcmp(trace.buf, "xayp") == 0);
    signet_connect_opts so = {.priority = 10};
    CHECK_OK(t_connect(bus, T_PING, stop_fn, &t, &senders[0], &so, &stop));
    trace.len = 0;
    trace.buf[0] = '\0';
    CHECK_EQ(t_ping_send(bus, &senders[0], 1), 1);
    CHECK(strcmp(trace.buf, "t") == 0);
    signet_bus_destroy(bus);
}

/* A sender with one pattern subscriber of its own, which a send from it
 * runs from its bucket's copy: the signal's own receiver, which runs
 * before the patterns, replaces that subscriber with another for the same
 * sender. The send under way runs neither, the old one disconnected and
 * the new one connected since the send began; the next runs the new one. */
static signet_bus *swap_bus;
static signet_conn swap_conn;
static bool swapping;
static struct rx swap_new = {'n', 0};

static int swap_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    rx_fn(ctx, ev, msg);
    if (swapping) {
        swapping = false;
        CHECK_OK(signet_disconnect(swap_bus, swap_conn));
        CHECK_OK(signet_subscribe_pattern(swap_bus, &t_schema, "#", rx_generic, &swap_new,
                                          ev->sender, NULL, &swap_conn));
    }
    return 0;
}

static void scale_pattern_subscriber_replaced_during_send_runs_from_the_next(void)
{
    swap_bus = new_bus(NULL);
    signet_conn c;
    struct rx s = {'s', 0}, old = {'o', 0}, other = {'x', 0};
    CHECK_OK(t_connect(swap_bus, T_PING, swap_rx, &s, &senders[0], NULL, &c));
    CHECK_OK(signet_subscribe_pattern(swap_bus, &t_schema, "#", rx_generic, &old, &senders[0],
                                      NULL, &swap_conn));
    CHECK_OK(signet_subscribe_pattern(swap_bus, &t_schema, "#", rx_generic, &other, &senders[1],
                                      NULL, &c));
    CHECK_RUNS(swap_bus, &senders[0], "so");
    swapping = true;
    CHECK_RUNS(swap_bus, &senders[0], "s");
    CHECK_EQ(swap_new.calls, 0);
    CHECK_RUNS(swap_bus, &senders[0], "sn");
    CHECK_RUNS(swap_bus, &senders[1], "x");
    CHECK_EQ(old.calls, 1);
    signet_bus_destroy(swap_bus);
}

/* The heap the lists take: with A SIGNET_ANY receivers and S senders with
 * one receiver each, what the A add over a bus of the S alone stays under
 * 4 x (A + S) list entries (a signet_recv and its queue info, 48 bytes),
 * not the A x S entries of SIGNET_ANY receivers merged into every
 * sender's list. */
enum { MEM_SENDERS = 10000 };
static char mem_senders[MEM_SENDERS];
static struct rx mem_any[100];

/* queued: every connection is queued, on a queue of the bus's own. */
static long bus_heap(int a, int s, bool queued)
{
    signet_bus *bus;
    signet_queue *q = NULL;
    signet_conn c;

    CHECK_OK(signet_bus_create(NULL, &bus));
    if (queued)
        CHECK_OK(signet_queue_create(bus, NULL, &q));
    signet_connect_opts o = {.queue = q};
    long before = alloc_count_live_bytes();
    for (int i = 0; i < a; i++)
        CHECK_OK(t_connect(bus, T_PING, rx_fn, &mem_any[i], SIGNET_ANY, &o, &c));
    for (int i = 0; i < s; i++)
        CHECK_OK(t_connect(bus, T_PING, rx_fn, &own_x[0], &mem_senders[i], &o, &c));
    /* A disconnect waits for a grace period and frees what was retired. */
    CHECK_OK(t_connect(bus, T_PING, rx_fn, &own_y[0], &mem_senders[0], &o, &c));
    CHECK_OK(signet_disconnect(bus, c));
    long held = alloc_count_live_bytes() - before;
    signet_bus_destroy(bus);
    return held;
}

static void check_memory_linear(bool queued)
{
    const long entry = (long)(sizeof(signet_recv) + 16);
    long alone = bus_heap(0, MEM_SENDERS, queued);
    for (int a = 10; a <= 100; a *= 10) {
        long with_any = bus_heap(a, MEM_SENDERS, queued);
        fprintf(stderr, "%s, A = %d, S = %d: %ld bytes, %ld over the S alone (%ld entries)\n",
                queued ? "queued" : "direct", a, MEM_SENDERS, with_any, with_any - alone,
                (with_any - alone) / entry);
        CHECK(with_any - alone < 4 * (long)(a + MEM_SENDERS) * entry);
    }
}

static void scale_lists_take_memory_linear_in_receivers(void)
{
    check_memory_linear(false);
}

/* The same for queued connections, whose lists are built alike. */
static void scale_queued_lists_take_memory_linear_in_receivers(void)
{
    check_memory_linear(true);
}

/* Threads: SENDERS_T threads send from NSENDERS senders, each with a
 * permanent receiver of its own, beside a permanent SIGNET_ANY one, while
 * another thread connects and disconnects per-sender receivers and, now and
 * then, SIGNET_ANY ones. Every send runs both permanent receivers exactly
 * once (a half-built or torn list would lose or repeat one), and no churned
 * receiver runs after its disconnect returned. */
enum { SENDERS_T = 2, SENDS_T = 20000, CHURN_T = 300 };

struct counter {
    atomic_long calls;
    atomic_bool disconnected;
    atomic_long late;
};

static struct counter permanent_own[NSENDERS], permanent_any, churned[16];
static atomic_long sends_from[NSENDERS];
static atomic_bool churn_done;
static signet_bus *tbus;

static int count_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    struct counter *c = ctx;
    (void)ev;
    (void)msg;
    if (atomic_load(&c->disconnected))
        atomic_fetch_add(&c->late, 1);
    atomic_fetch_add(&c->calls, 1);
    return 0;
}

static void *send_main(void *arg)
{
    long seed = (long)(intptr_t)arg;
    for (long i = 0; i < SENDS_T || !atomic_load(&churn_done); i++) {
        int k = (int)((i * 7 + seed * 131) % NSENDERS);
        atomic_fetch_add(&sends_from[k], 1);
        int n = t_send(tbus, T_PING, &senders[k], 1);
        CHECK(n >= 2);
    }
    return NULL;
}

static void *churn_main(void *arg)
{
    (void)arg;
    for (long i = 0; i < CHURN_T; i++) {
        struct counter *c = &churned[i % 16];
        const void *sender = i % 10 == 0 ? SIGNET_ANY : &senders[(i * 13) % NSENDERS];
        signet_conn conn;
        signet_connect_opts o = {.priority = (int32_t)(i % 3) - 1};
        atomic_store(&c->disconnected, false);
        CHECK_OK(t_connect(tbus, T_PING, count_rx, c, sender, &o, &conn));
        sched_yield();
        CHECK_OK(signet_disconnect(tbus, conn));
        atomic_store(&c->disconnected, true);
    }
    atomic_store(&churn_done, true);
    return NULL;
}

static void threads_many_senders_while_per_sender_receivers_churn(void)
{
    tbus = new_bus(NULL);
    signet_conn c;
    CHECK_OK(t_connect(tbus, T_PING, count_rx, &permanent_any, SIGNET_ANY, NULL, &c));
    for (int i = 0; i < NSENDERS; i++)
        CHECK_OK(t_connect(tbus, T_PING, count_rx, &permanent_own[i], &senders[i], NULL, &c));
    pthread_t th[SENDERS_T], churner;
    for (intptr_t i = 0; i < SENDERS_T; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, send_main, (void *)i), 0);
    CHECK_EQ(pthread_create(&churner, NULL, churn_main, NULL), 0);
    CHECK_EQ(pthread_join(churner, NULL), 0);
    for (int i = 0; i < SENDERS_T; i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    long total = 0;
    for (int i = 0; i < NSENDERS; i++) {
        CHECK_EQ(atomic_load(&permanent_own[i].calls), atomic_load(&sends_from[i]));
        total += atomic_load(&sends_from[i]);
    }
    CHECK_EQ(atomic_load(&permanent_any.calls), total);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(atomic_load(&churned[i].late), 0);
    signet_bus_destroy(tbus);
}

/* Threads: ONE_SENDERS senders, each with one receiver of its own and no
 * SIGNET_ANY one, so that a send from one runs its bucket's copy of that
 * receiver; a thread replaces each sender's receiver over and over
 * (connect the next, disconnect the last: one receiver, two, one again),
 * alternating two receiver functions, while two threads send. A receiver
 * checks that it runs with its own ctx (a torn copy would pair one
 * function with the other's ctx, or a stale handle), for its own sender,
 * and never after its disconnect returned; the sends' counts add up to
 * the calls; and at the end each sender's one receiver runs once. */
enum { ONE_SENDERS = 8, ONE_POOL = 3, ONE_SWAPS = 3000 };

struct one_rx {
    int kind;                  /* 0: one_rx_a's, 1: one_rx_b's */
    const void *sender;
    _Atomic uint64_t conn;     /* index << 32 | generation, once connected */
    atomic_bool disconnected;
    atomic_long calls, wrong, late;
};

static struct one_rx one_pool[ONE_SENDERS][ONE_POOL];
static atomic_long one_ran;
static atomic_bool one_done;
static bool one_queued; /* the receivers are queued on the bus's queue */

static uint64_t one_key(signet_conn c)
{
    return (uint64_t)c.index << 32 | c.generation;
}

static int one_check(struct one_rx *r, int kind, const signet_event *ev)
{
    uint64_t conn = atomic_load(&r->conn);
    if (r->kind != kind || ev->sender != r->sender || (conn && conn != one_key(ev->conn)))
        atomic_fetch_add(&r->wrong, 1);
    if (atomic_load(&r->disconnected))
        atomic_fetch_add(&r->late, 1);
    atomic_fetch_add(&r->calls, 1);
    return 0;
}

static int one_rx_a(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)msg;
    return one_check(ctx, 0, ev);
}

static int one_rx_b(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)msg;
    return one_check(ctx, 1, ev);
}

static signet_conn one_connect(struct one_rx *r)
{
    signet_conn c;
    atomic_store(&r->conn, 0);
    atomic_store(&r->disconnected, false);
    signet_connect_opts o = {.queue = one_queued ? signet_bus_queue(tbus) : NULL};
    CHECK_OK(t_connect(tbus, T_PING, r->kind ? one_rx_b : one_rx_a, r, r->sender, &o, &c));
    atomic_store(&r->conn, one_key(c));
    return c;
}

static void *one_send_main(void *arg)
{
    long seed = (long)(intptr_t)arg;
    for (long i = 0; !atomic_load(&one_done); i++) {
        const void *sender = &senders[(i + seed) % ONE_SENDERS];
        if (one_queued) {
            int rc = t_ping_post(tbus, sender, 1);
            CHECK(rc == 0 || rc == 1 || rc == SIGNET_EFULL);
            if (rc == SIGNET_EFULL)
                sched_yield(); /* the dispatcher is behind */
            continue;
        }
        int n = t_send(tbus, T_PING, sender, 1);
        CHECK(n >= 0 && n <= 2);
        atomic_fetch_add(&one_ran, n);
    }
    return NULL;
}

static void *one_dispatch_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&one_done))
        CHECK(signet_bus_dispatch(tbus, 64) >= 0);
    return NULL;
}

/* The case above, with direct receivers or (queued) receivers on the
 * bus's queue, posted to and dispatched by a third thread; for those, the
 * posts' counts need not add up to the calls (a message for a receiver
 * disconnected before its dispatch runs nobody). */
static void one_replace_while_sending(bool queued)
{
    one_queued = queued;
    atomic_store(&one_done, false);
    atomic_store(&one_ran, 0);
    memset(one_pool, 0, sizeof one_pool);
    tbus = new_bus(NULL);
    signet_conn last[ONE_SENDERS];
    for (int k = 0; k < ONE_SENDERS; k++) {
        for (int j = 0; j < ONE_POOL; j++) {
            one_pool[k][j].kind = j % 2;
            one_pool[k][j].sender = &senders[k];
        }
        last[k] = one_connect(&one_pool[k][0]);
    }
    pthread_t th[3];
    for (intptr_t i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, one_send_main, (void *)(i * 3)), 0);
    if (queued)
        CHECK_EQ(pthread_create(&th[2], NULL, one_dispatch_main, NULL), 0);
    int at[ONE_SENDERS] = {0}; /* each sender's receiver: one_pool[k][at[k]] */
    for (long i = 0; i < ONE_SWAPS; i++) {
        int k = (int)(i % ONE_SENDERS), next_at = (at[k] + 1) % ONE_POOL;
        signet_conn next = one_connect(&one_pool[k][next_at]);
        if (i % 5 == 0)
            sched_yield(); /* now and then, sends see two receivers */
        CHECK_OK(signet_disconnect(tbus, last[k]));
        atomic_store(&one_pool[k][at[k]].disconnected, true);
        last[k] = next;
        at[k] = next_at;
    }
    atomic_store(&one_done, true);
    for (int i = 0; i < (queued ? 3 : 2); i++)
        CHECK_EQ(pthread_join(th[i], NULL), 0);
    if (queued)
        CHECK(signet_bus_dispatch(tbus, 0) >= 0); /* what was left */
    long calls = 0;
    for (int k = 0; k < ONE_SENDERS; k++) {
        for (int j = 0; j < ONE_POOL; j++) {
            CHECK_EQ(atomic_load(&one_pool[k][j].wrong), 0);
            CHECK_EQ(atomic_load(&one_pool[k][j].late), 0);
            calls += atomic_load(&one_pool[k][j].calls);
        }
    }
    if (!queued)
        CHECK_EQ(calls, atomic_load(&one_ran));
    for (int k = 0; k < ONE_SENDERS; k++) {
        long before = 0;
        for (int j = 0; j < ONE_POOL; j++)
            before += atomic_load(&one_pool[k][j].calls);
        if (queued) {
            CHECK_EQ(t_ping_post(tbus, &senders[k], 1), 1);
            CHECK_EQ(signet_bus_dispatch(tbus, 0), 1);
        } else {
            CHECK_EQ(t_send(tbus, T_PING, &senders[k], 1), 1);
        }
        long after = 0;
        for (int j = 0; j < ONE_POOL; j++)
            after += atomic_load(&one_pool[k][j].calls);
        CHECK_EQ(after, before + 1);
    }
    signet_bus_destroy(tbus);
}

static void threads_sender_single_receiver_replaced_while_sending(void)
{
    one_replace_while_sending(false);
}

/* The same with the receivers queued on the bus's queue, two threads
 * posting and one dispatching: a post and a dispatch read the bucket's
 * copy too. */
static void threads_sender_single_queued_receiver_replaced_while_posting(void)
{
    one_replace_while_sending(true);
}

/* Threads: a sender's send is held in its first run (its own receiver)
 * while another thread blocks, then disconnects, a SIGNET_ANY receiver of
 * a later run. The held emission skips it (a claim after signet_block()
 * returned; a disconnect that began), the disconnect returns only once the
 * emission ended, and no later send runs either. */
static struct counter hold_plain, hold_blocked, hold_gone, hold_last;
static atomic_int hold_arm, hold_inside, hold_release, hold_ended;
static atomic_long hold_blocked_at_end, hold_gone_at_end, hold_sends;
static atomic_bool hold_sending, hold_disconnecting, hold_waited;
static long hold_disconnecter;
static int hold_phase; /* the sender thread's only */

static int holder_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    int phase = atomic_exchange(&hold_arm, 0);
    count_rx(ctx, ev, msg);
    if (phase == 1) {
        atomic_store(&hold_inside, 1);
        while (!atomic_load(&hold_release))
            sched_yield();
    } else if (phase == 2) {
        atomic_store(&hold_inside, 2);
        while (!atomic_load(&hold_disconnecting))
            sched_yield();
        atomic_store(&hold_waited, thread_state_wait_asleep(hold_disconnecter));
    }
    hold_phase = phase;
    return 0;
}

static int last_rx(void *ctx, const signet_event *ev, const t_ping *msg)
{
    count_rx(ctx, ev, msg);
    if (hold_phase) {
        atomic_store(&hold_blocked_at_end, atomic_load(&hold_blocked.calls));
        atomic_store(&hold_gone_at_end, atomic_load(&hold_gone.calls));
        atomic_store(&hold_ended, hold_phase);
        hold_phase = 0;
    }
    return 0;
}

static void *hold_send_main(void *arg)
{
    (void)arg;
    while (atomic_load(&hold_sending)) {
        CHECK(t_ping_send(tbus, &senders[0], 1) >= 2);
        atomic_fetch_add(&hold_sends, 1);
    }
    return NULL;
}

/* Waits for n more sends of hold_send_main. */
static void hold_wait_sends(long n)
{
    long until = atomic_load(&hold_sends) + n;
    while (atomic_load(&hold_sends) < until)
        sched_yield();
}

static void threads_any_receiver_blocked_or_disconnected_during_sender_send(void)
{
    tbus = new_bus(NULL);
    signet_conn c, blocked, gone;
    hold_disconnecter = thread_state_self();
    /* Runs: holder | plain, blocked, gone | last. */
    CHECK_OK(t_connect(tbus, T_PING, holder_rx, &hold_plain, &senders[0],
                       &(signet_connect_opts){.priority = 9}, &c));
    CHECK_OK(t_connect(tbus, T_PING, count_rx, &hold_plain, SIGNET_ANY,
                       &(signet_connect_opts){.priority = 5}, &c));
    CHECK_OK(t_connect(tbus, T_PING, count_rx, &hold_blocked, SIGNET_ANY,
                       &(signet_connect_opts){.priority = 4}, &blocked));
    CHECK_OK(t_connect(tbus, T_PING, count_rx, &hold_gone, SIGNET_ANY,
                       &(signet_connect_opts){.priority = 3}, &gone));
    CHECK_OK(t_connect(tbus, T_PING, last_rx, &hold_last, &senders[0], NULL, &c));
    atomic_store(&hold_sending, true);
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, hold_send_main, NULL), 0);
    hold_wait_sends(10);

    atomic_store(&hold_arm, 1);
    while (atomic_load(&hold_inside) != 1)
        sched_yield();
    long blocked_before = atomic_load(&hold_blocked.calls);
    CHECK_EQ(signet_block(tbus, blocked), 1);
    atomic_store(&hold_release, 1);
    while (atomic_load(&hold_ended) != 1)
        sched_yield();
    CHECK_EQ(atomic_load(&hold_blocked_at_end), blocked_before);
    hold_wait_sends(100);
    CHECK_EQ(atomic_load(&hold_blocked.calls), blocked_before);

    atomic_store(&hold_arm, 2);
    while (atomic_load(&hold_inside) != 2)
        sched_yield();
    long gone_before = atomic_load(&hold_gone.calls);
    atomic_store(&hold_disconnecting, true);
    CHECK_OK(signet_disconnect(tbus, gone));
    /* It returned once the held emission had ended, which skipped it. */
    CHECK(atomic_load(&hold_waited));
    CHECK_EQ(atomic_load(&hold_ended), 2);
    CHECK_EQ(atomic_load(&hold_gone_at_end), gone_before);
    hold_wait_sends(100);
    CHECK_EQ(atomic_load(&hold_gone.calls), gone_before);
    CHECK_EQ(atomic_load(&hold_blocked.calls), blocked_before);
    CHECK_EQ(signet_unblock(tbus, blocked), 0);
    hold_wait_sends(100);
    CHECK(atomic_load(&hold_blocked.calls) > blocked_before);
    atomic_store(&hold_sending, false);
    CHECK_EQ(pthread_join(th, NULL), 0);
    /* Every send ran the sender's two and the one SIGNET_ANY left each. */
    CHECK_EQ(atomic_load(&hold_last.calls), atomic_load(&hold_sends));
    CHECK_EQ(atomic_load(&hold_plain.calls), 2 * atomic_load(&hold_sends));
    signet_bus_destroy(tbus);
}

/* ------------------------------------------------------------------------ */
/* Random shapes against a reference merge */

enum { SHAPE_SENDERS = 12, SHAPE_RX = 10, SHAPE_CONNS = 128 };

/* A connection as the reference sees it. */
struct ref_conn {
    int rx;           /* index of its receiver in shape_rx */
    int sender;       /* index in senders[], -1 for SIGNET_ANY */
    int32_t priority;
    bool queued, filtered;
    uint64_t order;
    signet_conn conn;
};

static struct rx shape_rx[SHAPE_RX];
static struct ref_conn ref[SHAPE_CONNS];
static int nref;

static bool pass_all(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    return true;
}

static uint32_t shape_rand(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*seed >> 33);
}

static bool ref_ranks_before(const struct ref_conn *x, const struct ref_conn *y)
{
    return x->priority != y->priority ? x->priority > y->priority : x->order < y->order;
}

/* What the reference says an emission from sender (-1: anonymous) runs,
 * of one kind: SIGNET_ANY's and the sender's connections merged by rank,
 * a connection left out when its twin (the same receiver connected the
 * other way, neither filtered) ranks before it. */
static void ref_runs(int sender, bool queued, char *out)
{
    const struct ref_conn *v[SHAPE_CONNS];
    int n = 0;

    for (int i = 0; i < nref; i++)
        if (ref[i].queued == queued && (ref[i].sender == -1 || ref[i].sender == sender))
            v[n++] = &ref[i];
    for (int i = 1; i < n; i++) /* insertion sort by rank */
        for (int j = i; j > 0 && ref_ranks_before(v[j], v[j - 1]); j--) {
            const struct ref_conn *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        bool hidden = false;
        for (int j = 0; j < i && !v[i]->filtered; j++)
            hidden |= v[j]->rx == v[i]->rx && v[j]->sender != v[i]->sender && !v[j]->filtered;
        if (!hidden)
            out[len++] = shape_rx[v[i]->rx].tag;
    }
    out[len] = '\0';
}

/* Every sender's emissions (the shape's, one without receivers of its
 * own, and anonymous ones) run what the reference says: the direct
 * receivers through the runtime's loop and the generated send, the queued
 * ones on dispatch, once for each send. */
static void check_shape(signet_bus *bus, int nsenders)
{
    char want[SHAPE_CONNS + 1];

    for (int k = -1; k <= nsenders; k++) {
        const void *sender = k < 0 ? SIGNET_ANY : &senders[k];
        ref_runs(k, false, want);
        trace.len = 0;
        trace.buf[0] = '\0';
        CHECK(t_send(bus, T_PING, sender, 1) >= 0);
        CHECK(strcmp(trace.buf, want) == 0);
        trace.len = 0;
        trace.buf[0] = '\0';
        CHECK(t_ping_send(bus, sender, 1) >= 0);
        CHECK(strcmp(trace.buf, want) == 0);
        /* Each of the two sends queued a message for the queued ones. */
        ref_runs(k, true, want);
        trace.len = 0;
        trace.buf[0] = '\0';
        CHECK(signet_bus_dispatch(bus, 0) >= 0);
        CHECK(strncmp(trace.buf, want, strlen(want)) == 0);
        CHECK(strcmp(trace.buf + strlen(want), want) == 0);
    }
}

/* One random shape: connects (SIGNET_ANY or a sender, a receiver connected
 * both ways now and then, three priorities, queued or direct, some
 * filtered) and disconnects (one connection, or every connection of a
 * receiver), every step checked against the reference. */
static void shape_run(uint64_t seed)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q = signet_bus_queue(bus);
    int nsenders = 1 + (int)(shape_rand(&seed) % SHAPE_SENDERS);
    int nrx = 2 + (int)(shape_rand(&seed) % (SHAPE_RX - 1));
    int any_in = 1 + (int)(shape_rand(&seed) % 4); /* 1 in any_in connections is SIGNET_ANY */
    bool mixed = shape_rand(&seed) % 2;
    uint64_t order = 0;

    nref = 0;
    for (int step = 0; step < 80; step++) {
        uint32_t what = shape_rand(&seed) % 10;
        if (what < 7 && nref < SHAPE_CONNS) {
            struct ref_conn c = {
                .rx = (int)(shape_rand(&seed) % (uint32_t)nrx),
                .sender = shape_rand(&seed) % (uint32_t)any_in == 0
                              ? -1
                              : (int)(shape_rand(&seed) % (uint32_t)nsenders),
                .priority = (int32_t)(shape_rand(&seed) % 3) - 1,
                .queued = mixed && shape_rand(&seed) % 2,
                .filtered = shape_rand(&seed) % 8 == 0,
            };
            signet_connect_opts o = {.priority = c.priority, .queue = c.queued ? q : NULL};
            if (c.filtered)
                t_ping_filter(&o, pass_all);
            int rc = t_connect(bus, T_PING, rx_fn, &shape_rx[c.rx],
                               c.sender < 0 ? SIGNET_ANY : &senders[c.sender], &o, &c.conn);
            CHECK(rc >= 0);
            if (rc == 0) {
                c.order = order++;
                ref[nref++] = c;
            }
        } else if (what < 9 && nref > 0) {
            int i = (int)(shape_rand(&seed) % (uint32_t)nref);
            CHECK_OK(signet_disconnect(bus, ref[i].conn));
            ref[i] = ref[--nref];
        } else if (nref > 0) {
            int rx = ref[shape_rand(&seed) % (uint32_t)nref].rx;
            CHECK(signet_disconnect_ctx(bus, &shape_rx[rx]) > 0);
            for (int i = 0; i < nref;)
                if (ref[i].rx == rx)
                    ref[i] = ref[--nref];
                else
                    i++;
        }
        check_shape(bus, nsenders);
    }
    signet_bus_destroy(bus);
}

/* Each sender's list is built from its own connections and the table of
 * SIGNET_ANY's, placed by binary search, twins found through an index:
 * on 300 random shapes, what every emission runs is what one merge of all
 * the connections by rank, twins left out, gives. */
static void scale_lists_match_a_full_merge_on_random_shapes(void)
{
    for (int i = 0; i < SHAPE_RX; i++)
        shape_rx[i] = (struct rx){(char)('a' + i), 0};
    for (uint64_t seed = 1; seed <= 300; seed++)
        shape_run(seed);
}

static const struct test_case cases[] = {
    {"scale_many_senders_keep_order_priority_and_twins",
     scale_many_senders_keep_order_priority_and_twins},
    {"scale_sender_change_leaves_other_senders_alone",
     scale_sender_change_leaves_other_senders_alone},
    {"scale_run_once_per_sender", scale_run_once_per_sender},
    {"scale_queued_connections_per_sender", scale_queued_connections_per_sender},
    {"scale_pattern_subscriptions_per_sender", scale_pattern_subscriptions_per_sender},
    {"scale_queued_receiver_replaced_after_post_runs_neither",
     scale_queued_receiver_replaced_after_post_runs_neither},
    {"scale_connections_across_slot_chunks_keep_their_own_state",
     scale_connections_across_slot_chunks_keep_their_own_state},
    {"scale_runs_interleave_any_and_sender_by_rank", scale_runs_interleave_any_and_sender_by_rank},
    {"scale_twins_split_runs_and_run_once", scale_twins_split_runs_and_run_once},
    {"scale_run_once_across_runs", scale_run_once_across_runs},
    {"scale_stop_in_the_middle_of_a_run", scale_stop_in_the_middle_of_a_run},
    {"scale_runs_before_pattern_subscribers", scale_runs_before_pattern_subscribers},
    {"scale_pattern_subscriber_replaced_during_send_runs_from_the_next",
     scale_pattern_subscriber_replaced_during_send_runs_from_the_next},
    {"scale_lists_match_a_full_merge_on_random_shapes",
     scale_lists_match_a_full_merge_on_random_shapes},
    {"scale_lists_take_memory_linear_in_receivers", scale_lists_take_memory_linear_in_receivers},
    {"scale_queued_lists_take_memory_linear_in_receivers",
     scale_queued_lists_take_memory_linear_in_receivers},
    {"threads_many_senders_while_per_sender_receivers_churn",
     threads_many_senders_while_per_sender_receivers_churn},
    {"threads_any_receiver_blocked_or_disconnected_during_sender_send",
     threads_any_receiver_blocked_or_disconnected_during_sender_send},
    {"threads_sender_single_receiver_replaced_while_sending",
     threads_sender_single_receiver_replaced_while_sending},
    {"threads_sender_single_queued_receiver_replaced_while_posting",
     threads_sender_single_queued_receiver_replaced_while_posting},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
