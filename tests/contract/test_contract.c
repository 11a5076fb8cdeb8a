/* test_contract.c: the run-time rows of the tables in docs/limits.md that
 * no other test covers, one case per row, through the generated API of
 * contract.signet where one exists. Each limit is checked on both
 * sides: accepted at the limit, refused with its code one past it. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include "contract.signet.h"

#include "../check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A receiver that counts its calls and keeps what it saw. */
struct rx {
    int calls;
    int32_t value;
    const char *text;
    bool text_null;
    char topic[64];
    bool topic_fits, topic_short_is_null;
    int rc; /* what a receiver that calls back into signet got */
    signet_queue *queue;
};

static int on_ping(void *ctx, const signet_event *ev, const ct_ping *msg)
{
    (void)ev;
    struct rx *r = ctx;
    r->calls++;
    r->value = msg->value;
    return 0;
}

static int on_kept(void *ctx, const signet_event *ev, const ct_kept *msg)
{
    (void)ev;
    struct rx *r = ctx;
    r->calls++;
    r->value = msg->value;
    return 0;
}

static int on_note(void *ctx, const signet_event *ev, const ct_note *msg)
{
    struct rx *r = ctx;
    r->calls++;
    r->text_null = msg->text == NULL;
    if (msg->text) {
        /* The topic "notes/<text>" fits a buffer of exactly its length plus
         * the NUL, and one byte less gets NULL, never a cut topic. */
        size_t need = strlen("notes/") + strlen(msg->text) + 1;
        if (need <= sizeof r->topic) {
            r->topic_fits = signet_event_topic(ev, r->topic, need) == r->topic;
            r->topic_short_is_null = signet_event_topic(ev, r->topic, need - 1) == NULL;
        }
    }
    return 0;
}

static int on_deep(void *ctx, const signet_event *ev, const ct_deep *msg)
{
    (void)ev;
    (void)msg;
    ((struct rx *)ctx)->calls++;
    return 0;
}

static int on_generic(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    ((struct rx *)ctx)->calls++;
    return 0;
}

static signet_bus *new_bus(const signet_bus_options *opts)
{
    signet_bus *bus = NULL;
    CHECK_EQ(signet_bus_create(opts, &bus), 0);
    if (!bus)
        exit(1);
    return bus;
}

static const signet_struct_info *type_of(int signal)
{
    return ct_signals[signal].payload;
}

/* ---- NULL arguments ---- */

static void contract_null_bus_is_einval(void)
{
    struct rx r = {0};
    signet_conn c;
    signet_stats st;
    signet_queue *q;
    const ct_ping msg = {1};
    const ct_note note = {"x"};

    CHECK_EQ(ct_ping_connect(NULL, on_ping, &r, SIGNET_ANY, &c), SIGNET_EINVAL);
    CHECK_EQ(ct_notes_subscribe(NULL, on_note, &r, SIGNET_ANY, &c), SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(NULL, &ct_schema, "#", on_generic, &r, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(ct_ping_send(NULL, NULL, 1), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_send_msg(NULL, NULL, &msg), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_post(NULL, NULL, 1), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_post_msg(NULL, NULL, &msg), SIGNET_EINVAL);
    CHECK_EQ(ct_bare_send(NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_bare_post(NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_note_send(NULL, NULL, "x"), SIGNET_EINVAL);
    CHECK_EQ(ct_note_post(NULL, NULL, "x"), SIGNET_EINVAL);
    CHECK_EQ(ct_publish(NULL, NULL, "notes/x", 7, type_of(CT_SIGNAL_NOTE), &note), SIGNET_EINVAL);
    CHECK_EQ(ct_publish_post(NULL, NULL, "notes/x", 7, type_of(CT_SIGNAL_NOTE), &note),
             SIGNET_EINVAL);
    CHECK_EQ(signet_disconnect(NULL, (signet_conn){1, 1}), SIGNET_EINVAL);
    CHECK_EQ(signet_disconnect_ctx(NULL, &r), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_dispatch(NULL, 0), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_fd(NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_stats(NULL, &st), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_create(NULL, NULL, &q), SIGNET_EINVAL);
    CHECK(!ct_ping_has_receivers(NULL, NULL));
    CHECK(!signet_has_pattern_subscribers(NULL, &ct_signals[CT_SIGNAL_NOTE]));
    CHECK(signet_bus_queue(NULL) == NULL);
    CHECK_EQ(signet_bus_error_count(NULL), 0);
    CHECK_EQ(signet_signal_dropped(NULL, &ct_signals[CT_SIGNAL_PING]), 0);
    CHECK_EQ(signet_bus_destroy(NULL), 0);
    CHECK_EQ(r.calls, 0);
}

static void contract_null_out_receiver_or_pattern_is_einval(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;

    CHECK_EQ(signet_bus_create(NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_connect(bus, NULL, &r, SIGNET_ANY, &c), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_connect(bus, on_ping, &r, SIGNET_ANY, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_notes_subscribe(bus, NULL, &r, SIGNET_ANY, &c), SIGNET_EINVAL);
    CHECK_EQ(ct_notes_subscribe(bus, on_note, &r, SIGNET_ANY, NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, NULL, "#", on_generic, &r, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, &ct_schema, NULL, on_generic, &r, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, &ct_schema, "#", NULL, &r, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_subscribe_pattern(bus, &ct_schema, "#", on_generic, &r, SIGNET_ANY, NULL, NULL),
             SIGNET_EINVAL);
    CHECK_EQ(signet_connect(bus, NULL, (signet_fnptr *)on_ping, &r, SIGNET_ANY, NULL, &c),
             SIGNET_EINVAL);
    CHECK_EQ(signet_queue_create(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_stats(bus, NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_stats(signet_bus_queue(bus), NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_post(bus, NULL, NULL, NULL), SIGNET_EINVAL);
    /* Nothing was connected by the refused calls. */
    CHECK(!ct_ping_has_receivers(bus, NULL));
    CHECK(!signet_has_pattern_subscribers(bus, &ct_signals[CT_SIGNAL_NOTE]));
    signet_bus_destroy(bus);
}

static void contract_null_queue_is_einval(void)
{
    signet_stats st;

    CHECK_EQ(signet_queue_dispatch(NULL, 0), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_fd(NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_run(NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_start(NULL, 1), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_stats(NULL, &st), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_destroy(NULL), SIGNET_EINVAL);
    signet_queue_stop(NULL); /* does nothing */
}

static void contract_null_payload_is_einval_and_nothing_runs(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0}, k = {0};
    signet_conn c;

    CHECK_EQ(ct_ping_connect(bus, on_ping, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_kept_connect(bus, on_kept, &k, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_ping_send_msg(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_post_msg(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_kept_send_msg(bus, NULL, NULL), SIGNET_EINVAL); /* retain copies the payload */
    CHECK_EQ(ct_kept_post_msg(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_publish(bus, NULL, "ping", 4, type_of(CT_SIGNAL_PING), NULL), SIGNET_EINVAL);
    CHECK_EQ(ct_publish_post(bus, NULL, "ping", 4, type_of(CT_SIGNAL_PING), NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 0);
    CHECK_EQ(r.calls, 0);
    CHECK_EQ(k.calls, 0);
    /* The same calls with a payload work. */
    const ct_ping msg = {7};
    CHECK_EQ(ct_ping_send_msg(bus, NULL, &msg), 1);
    CHECK_EQ(r.value, 7);
    signet_bus_destroy(bus);
}

static void contract_null_str_parameter_is_delivered_as_null(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0}, sub = {0};
    signet_conn c;

    CHECK_EQ(ct_note_connect(bus, on_note, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_notes_subscribe(bus, on_note, &sub, SIGNET_ANY, &c), 0);
    /* The receiver gets NULL; the topic cannot be built, so no pattern runs. */
    CHECK_EQ(ct_note_send(bus, NULL, NULL), 1);
    CHECK_EQ(r.calls, 1);
    CHECK(r.text_null);
    CHECK_EQ(sub.calls, 0);
    /* Posted, it is copied as NULL. */
    r = (struct rx){0};
    CHECK_EQ(ct_note_post(bus, NULL, NULL), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(r.calls, 1);
    CHECK(r.text_null);
    CHECK_EQ(sub.calls, 0);
    signet_bus_destroy(bus);
}

/* ---- handles and flags ---- */

static void contract_zero_or_unknown_handle_is_enoent(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;

    CHECK_EQ(signet_disconnect(bus, (signet_conn){0, 0}), SIGNET_ENOENT); /* nothing connected */
    CHECK_EQ(ct_ping_connect(bus, on_ping, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(signet_disconnect(bus, (signet_conn){0, 0}), SIGNET_ENOENT);
    CHECK_EQ(signet_disconnect(bus, (signet_conn){c.index, c.generation + 1}), SIGNET_ENOENT);
    CHECK_EQ(signet_disconnect(bus, (signet_conn){c.index + 1, c.generation}), SIGNET_ENOENT);
    CHECK_EQ(signet_disconnect(bus, (signet_conn){UINT32_MAX, UINT32_MAX}), SIGNET_ENOENT);
    /* The real connection was not touched. */
    CHECK_EQ(ct_ping_send(bus, NULL, 1), 1);
    CHECK_EQ(signet_disconnect(bus, c), 0);
    signet_bus_destroy(bus);
}

static void contract_unknown_or_misplaced_connect_flag_is_einval(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    signet_connect_opts unknown = {.flags = 0x80};
    signet_connect_opts replay = {.flags = SIGNET_REPLAY};
    signet_connect_opts changed = {.flags = SIGNET_CHANGED};

    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &unknown, &c), SIGNET_EINVAL);
    CHECK_EQ(
        signet_subscribe_pattern(bus, &ct_schema, "#", on_generic, &r, SIGNET_ANY, &unknown, &c),
        SIGNET_EINVAL);
    /* Retained-value flags on a signal that retains nothing. */
    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &replay, &c), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &changed, &c), SIGNET_EINVAL);
    CHECK(!ct_ping_has_receivers(bus, NULL));
    /* On a `retain` signal they are fine. */
    CHECK_EQ(ct_kept_connect_opts(bus, on_kept, &r, SIGNET_ANY, &replay, &c), 0);
    signet_bus_destroy(bus);
}

static void contract_queue_not_of_this_bus_is_einval(void)
{
    signet_bus *bus = new_bus(NULL), *other = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    signet_queue *theirs, *gone;

    CHECK_EQ(signet_queue_create(other, NULL, &theirs), 0);
    CHECK_EQ(signet_queue_create(bus, NULL, &gone), 0);
    CHECK_EQ(signet_queue_destroy(gone), 0);
    signet_connect_opts o1 = {.queue = theirs}, o2 = {.queue = gone};
    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &o1, &c), SIGNET_EINVAL);
    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &o2, &c), SIGNET_EINVAL);
    CHECK(!ct_ping_has_receivers(bus, NULL));
    signet_bus_destroy(other);
    signet_bus_destroy(bus);
}

/* ---- topics ---- */

static void contract_topic_over_max_bytes_is_etopiclen(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    ct_note msg = {NULL};
    char topic[SIGNET_TOPIC_MAX_BYTES + 2];

    CHECK_EQ(ct_note_connect(bus, on_note, &r, SIGNET_ANY, &c), 0);
    memcpy(topic, "notes/", 6);
    memset(topic + 6, 'x', sizeof topic - 6);
    /* Exactly SIGNET_TOPIC_MAX_BYTES bytes: delivered. */
    CHECK_EQ(ct_publish(bus, NULL, topic, SIGNET_TOPIC_MAX_BYTES, type_of(CT_SIGNAL_NOTE), &msg),
             1);
    CHECK_EQ(r.calls, 1);
    /* One more: refused, nothing runs. */
    CHECK_EQ(
        ct_publish(bus, NULL, topic, SIGNET_TOPIC_MAX_BYTES + 1, type_of(CT_SIGNAL_NOTE), &msg),
        SIGNET_ETOPICLEN);
    CHECK_EQ(ct_publish_post(bus, NULL, topic, SIGNET_TOPIC_MAX_BYTES + 1, type_of(CT_SIGNAL_NOTE),
                             &msg),
             SIGNET_ETOPICLEN);
    CHECK_EQ(r.calls, 1);
    signet_bus_destroy(bus);
}

static void contract_topic_over_max_levels_is_etopiclen(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    ct_deep msg = {NULL};
    char topic[4 * SIGNET_TOPIC_MAX_LEVELS];
    size_t n = 0;

    CHECK_EQ(ct_deep_connect(bus, on_deep, &r, SIGNET_ANY, &c), 0);
    for (int i = 1; i < SIGNET_TOPIC_MAX_LEVELS; i++)
        n += (size_t)snprintf(topic + n, sizeof topic - n, "l/");
    n += (size_t)snprintf(topic + n, sizeof topic - n, "x");
    /* Exactly SIGNET_TOPIC_MAX_LEVELS levels: deep's topic, delivered. */
    CHECK_EQ(ct_publish(bus, NULL, topic, n, type_of(CT_SIGNAL_DEEP), &msg), 1);
    CHECK_EQ(r.calls, 1);
    /* One level more: refused. */
    memmove(topic + 2, topic, n + 1);
    memcpy(topic, "l/", 2);
    CHECK_EQ(ct_publish(bus, NULL, topic, n + 2, type_of(CT_SIGNAL_DEEP), &msg), SIGNET_ETOPICLEN);
    CHECK_EQ(r.calls, 1);
    signet_bus_destroy(bus);
}

static void contract_runtime_pattern_over_max_bytes_or_levels_is_etopiclen(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    char pattern[SIGNET_TOPIC_MAX_BYTES + 2];

    memset(pattern, 'x', SIGNET_TOPIC_MAX_BYTES);
    pattern[SIGNET_TOPIC_MAX_BYTES] = '\0';
    /* Accepted; no signal has this topic, so it says SIGNET_NOMATCH. */
    CHECK_EQ(
        signet_subscribe_pattern(bus, &ct_schema, pattern, on_generic, &r, SIGNET_ANY, NULL, &c),
        SIGNET_NOMATCH);
    strcat(pattern, "x");
    CHECK_EQ(
        signet_subscribe_pattern(bus, &ct_schema, pattern, on_generic, &r, SIGNET_ANY, NULL, &c),
        SIGNET_ETOPICLEN);
    /* "+/+/.../+": SIGNET_TOPIC_MAX_LEVELS levels, then one more. */
    size_t n = 0;
    for (int i = 0; i < SIGNET_TOPIC_MAX_LEVELS; i++)
        n += (size_t)snprintf(pattern + n, sizeof pattern - n, i ? "/+" : "+");
    CHECK_EQ(
        signet_subscribe_pattern(bus, &ct_schema, pattern, on_generic, &r, SIGNET_ANY, NULL, &c),
        0);
    strcat(pattern, "/+");
    CHECK_EQ(
        signet_subscribe_pattern(bus, &ct_schema, pattern, on_generic, &r, SIGNET_ANY, NULL, &c),
        SIGNET_ETOPICLEN);
    signet_bus_destroy(bus);
}

static void contract_runtime_patterns_over_max_is_elimit(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0}, other = {0};
    signet_conn c;
    char filter[32];
    int ok = 0;

    for (unsigned i = 0; i < SIGNET_RUNTIME_PATTERNS_MAX; i++) {
        snprintf(filter, sizeof filter, "notes/%u", i);
        ok += signet_subscribe_pattern(bus, &ct_schema, filter, on_generic, &r, SIGNET_ANY, NULL,
                                       &c) == 0;
    }
    CHECK_EQ(ok, SIGNET_RUNTIME_PATTERNS_MAX);
    CHECK_EQ(signet_subscribe_pattern(bus, &ct_schema, "notes/new", on_generic, &r, SIGNET_ANY,
                                      NULL, &c),
             SIGNET_ELIMIT);
    /* A filter already there takes more subscribers. */
    CHECK_EQ(signet_subscribe_pattern(bus, &ct_schema, "notes/0", on_generic, &other, SIGNET_ANY,
                                      NULL, &c),
             0);
    signet_bus_destroy(bus);
}

/* ---- queues ---- */

static void contract_queue_capacity_over_max_is_einval(void)
{
    signet_bus *bus = new_bus(NULL), *refused = NULL;
    signet_queue *q;
    signet_stats st;

    signet_queue_options over = {.capacity = SIGNET_QUEUE_MAX_CAPACITY + 1};
    CHECK_EQ(signet_queue_create(bus, &over, &q), SIGNET_EINVAL);
    CHECK(q == NULL);
    signet_bus_options bopts = {.queue_capacity = SIGNET_QUEUE_MAX_CAPACITY + 1};
    CHECK_EQ(signet_bus_create(&bopts, &refused), SIGNET_EINVAL);
    /* At the limit it is accepted: capacity x 64-byte cells are allocated
     * (1 GiB), so only running out of memory may refuse it. */
    signet_queue_options most = {.capacity = SIGNET_QUEUE_MAX_CAPACITY, .slot_size = 1};
    int rc = signet_queue_create(bus, &most, &q);
    CHECK(rc == 0 || rc == SIGNET_ENOMEM);
    if (rc == 0) {
        CHECK_EQ(signet_queue_stats(q, &st), 0);
        CHECK_EQ(st.capacity, SIGNET_QUEUE_MAX_CAPACITY);
        CHECK_EQ(signet_queue_destroy(q), 0);
    }
    /* Capacities are rounded up to a power of two, at least 2. */
    signet_queue_options one = {.capacity = 1}, three = {.capacity = 3};
    CHECK_EQ(signet_queue_create(bus, &one, &q), 0);
    CHECK_EQ(signet_queue_stats(q, &st), 0);
    CHECK_EQ(st.capacity, 2);
    CHECK_EQ(signet_queue_create(bus, &three, &q), 0);
    CHECK_EQ(signet_queue_stats(q, &st), 0);
    CHECK_EQ(st.capacity, 4);
    signet_bus_destroy(bus);
}

static void contract_queue_slot_size_over_max_is_einval(void)
{
    signet_bus *bus = new_bus(NULL), *refused = NULL;
    signet_queue *q;

    signet_queue_options over = {.slot_size = SIGNET_QUEUE_MAX_SLOT_SIZE + 1};
    CHECK_EQ(signet_queue_create(bus, &over, &q), SIGNET_EINVAL);
    signet_bus_options bopts = {.slot_size = SIGNET_QUEUE_MAX_SLOT_SIZE + 1};
    CHECK_EQ(signet_bus_create(&bopts, &refused), SIGNET_EINVAL);
    /* At the limit: two slots of 1 GiB are reserved (and barely touched);
     * only running out of memory may refuse it. */
    signet_queue_options most = {.capacity = 2, .slot_size = SIGNET_QUEUE_MAX_SLOT_SIZE};
    int rc = signet_queue_create(bus, &most, &q);
    CHECK(rc == 0 || rc == SIGNET_ENOMEM);
    if (rc == 0)
        CHECK_EQ(signet_queue_destroy(q), 0);
    signet_bus_destroy(bus);
}

static void contract_queue_overflow_out_of_range_is_einval(void)
{
    signet_bus *bus = new_bus(NULL), *refused = NULL;
    signet_queue *q;

    signet_queue_options bad = {.overflow = (signet_overflow)(SIGNET_OVERFLOW_DROP_OLDEST + 1)};
    CHECK_EQ(signet_queue_create(bus, &bad, &q), SIGNET_EINVAL);
    signet_bus_options bopts = {.overflow = (signet_overflow)(SIGNET_OVERFLOW_DROP_OLDEST + 1)};
    CHECK_EQ(signet_bus_create(&bopts, &refused), SIGNET_EINVAL);
    signet_queue_options last = {.overflow = SIGNET_OVERFLOW_DROP_OLDEST};
    CHECK_EQ(signet_queue_create(bus, &last, &q), 0);
    signet_bus_destroy(bus);
}

static void contract_payload_over_slot_size_is_etoobig(void)
{
    /* A note's payload is its struct plus its string and NUL. */
    signet_bus_options opts = {.slot_size = (uint32_t)sizeof(ct_note) + 8};
    signet_bus *bus = new_bus(&opts);
    struct rx r = {0};
    signet_conn c;
    signet_stats st;

    CHECK_EQ(ct_note_connect(bus, on_note, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_note_post(bus, NULL, "1234567"), 1);               /* exactly slot_size */
    CHECK_EQ(ct_note_post(bus, NULL, "12345678"), SIGNET_ETOOBIG); /* one byte more */
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(r.calls, 1);
    CHECK_EQ(signet_bus_stats(bus, &st), 0);
    CHECK_EQ(st.posted, 1);
    CHECK_EQ(st.dropped, 1);
    CHECK_EQ(signet_signal_dropped(bus, &ct_signals[CT_SIGNAL_NOTE]), 1);
    /* send copies nothing, so it has no such limit. */
    CHECK_EQ(ct_note_send(bus, NULL, "12345678"), 1);
    signet_bus_destroy(bus);
}

static void contract_queue_start_twice_or_zero_is_einval(void)
{
    signet_bus *bus = new_bus(NULL);
    signet_queue *q;

    CHECK_EQ(signet_queue_create(bus, NULL, &q), 0);
    CHECK_EQ(signet_queue_start(q, 0), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_start(q, 1), 0);
    CHECK_EQ(signet_queue_start(q, 1), SIGNET_EINVAL);
    CHECK_EQ(signet_queue_destroy(signet_bus_queue(bus)), SIGNET_EINVAL); /* the default queue */
    CHECK_EQ(signet_queue_destroy(q), 0);
    signet_bus_destroy(bus);
}

/* ---- calls from the wrong place or after destroy ---- */

static int destroys_its_bus(void *ctx, const signet_event *ev, const ct_ping *msg)
{
    (void)msg;
    struct rx *r = ctx;
    r->calls++;
    r->rc = signet_bus_destroy(ev->bus);
    return 0;
}

static void contract_bus_destroy_inside_receiver_is_ebusy(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;

    CHECK_EQ(ct_ping_connect(bus, destroys_its_bus, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_ping_send(bus, NULL, 1), 1);
    CHECK_EQ(r.rc, SIGNET_EBUSY);
    /* From a queued message too; the bus is still whole afterwards. */
    r.rc = 0;
    CHECK_EQ(ct_ping_post(bus, NULL, 2), 1);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1);
    CHECK_EQ(r.rc, SIGNET_EBUSY);
    CHECK_EQ(ct_ping_send(bus, NULL, 3), 1);
    CHECK_EQ(r.calls, 3);
    CHECK_EQ(signet_bus_destroy(bus), 0);
}

static int destroys_a_queue(void *ctx, const signet_event *ev, const ct_ping *msg)
{
    (void)ev;
    (void)msg;
    struct rx *r = ctx;
    r->calls++;
    r->rc = signet_queue_destroy(r->queue);
    return 0;
}

static void contract_queue_destroy_inside_receiver_is_ebusy(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    signet_stats st;

    CHECK_EQ(signet_queue_create(bus, NULL, &r.queue), 0);
    CHECK_EQ(ct_ping_connect(bus, destroys_a_queue, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_ping_send(bus, NULL, 1), 1);
    CHECK_EQ(r.rc, SIGNET_EBUSY);
    CHECK_EQ(signet_queue_stats(r.queue, &st), 0); /* still there */
    CHECK_EQ(signet_queue_destroy(r.queue), 0);
    signet_bus_destroy(bus);
}

struct blocked_post {
    signet_bus *bus;
    int rc;
};

static void *post_into_full_queue(void *arg)
{
    struct blocked_post *b = arg;
    b->rc = ct_ping_post(b->bus, NULL, 3);
    return NULL;
}

static void contract_post_blocked_on_a_destroyed_queue_is_eclosed(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;
    signet_queue *q;
    signet_queue_options full = {
        .capacity = 2, .overflow = SIGNET_OVERFLOW_BLOCK, .block_timeout_ms = SIGNET_WAIT_FOREVER};
    signet_connect_opts on_q;

    CHECK_EQ(signet_queue_create(bus, &full, &q), 0);
    on_q = (signet_connect_opts){.queue = q};
    CHECK_EQ(ct_ping_connect_opts(bus, on_ping, &r, SIGNET_ANY, &on_q, &c), 0);
    CHECK_EQ(ct_ping_post(bus, NULL, 1), 1);
    CHECK_EQ(ct_ping_post(bus, NULL, 2), 1);
    /* A third post waits for room that never comes, until the queue goes.
     * Had the destroy come before the post started, the post would have
     * found no queued receiver and returned 0, never touched the freed
     * queue; waiting until the queue counts it as blocked makes the blocked
     * case the one tested. */
    struct blocked_post b = {bus, 0};
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, post_into_full_queue, &b), 0);
    signet_stats st = {0};
    for (long polls = 0; polls < 100000; polls++) { /* 100 us each: 10 s at least */
        if (signet_queue_stats(q, &st) != 0 || st.blocked != 0)
            break;
        nanosleep(&(struct timespec){0, 100 * 1000}, NULL);
    }
    CHECK_EQ(st.blocked, 1);
    CHECK_EQ(signet_queue_destroy(q), 2);
    pthread_join(t, NULL);
    CHECK_EQ(b.rc, SIGNET_ECLOSED);
    CHECK_EQ(signet_signal_dropped(bus, &ct_signals[CT_SIGNAL_PING]), 1);
    CHECK_EQ(r.calls, 0);
    signet_bus_destroy(bus);
}

static void contract_event_topic_never_cut(void)
{
    signet_bus *bus = new_bus(NULL);
    struct rx r = {0};
    signet_conn c;

    CHECK_EQ(ct_note_connect(bus, on_note, &r, SIGNET_ANY, &c), 0);
    CHECK_EQ(ct_note_send(bus, NULL, "abc"), 1);
    CHECK(r.topic_fits);
    CHECK(strcmp(r.topic, "notes/abc") == 0);
    CHECK(r.topic_short_is_null);
    signet_bus_destroy(bus);
}

#define CASE(name)                                                                                 \
    {                                                                                              \
#name, name                                                                                \
    }
static const struct test_case cases[] = {
    CASE(contract_null_bus_is_einval),
    CASE(contract_null_out_receiver_or_pattern_is_einval),
    CASE(contract_null_queue_is_einval),
    CASE(contract_null_payload_is_einval_and_nothing_runs),
    CASE(contract_null_str_parameter_is_delivered_as_null),
    CASE(contract_zero_or_unknown_handle_is_enoent),
    CASE(contract_unknown_or_misplaced_connect_flag_is_einval),
    CASE(contract_queue_not_of_this_bus_is_einval),
    CASE(contract_topic_over_max_bytes_is_etopiclen),
    CASE(contract_topic_over_max_levels_is_etopiclen),
    CASE(contract_runtime_pattern_over_max_bytes_or_levels_is_etopiclen),
    CASE(contract_runtime_patterns_over_max_is_elimit),
    CASE(contract_queue_capacity_over_max_is_einval),
    CASE(contract_queue_slot_size_over_max_is_einval),
    CASE(contract_queue_overflow_out_of_range_is_einval),
    CASE(contract_payload_over_slot_size_is_etoobig),
    CASE(contract_queue_start_twice_or_zero_is_einval),
    CASE(contract_bus_destroy_inside_receiver_is_ebusy),
    CASE(contract_queue_destroy_inside_receiver_is_ebusy),
    CASE(contract_post_blocked_on_a_destroyed_queue_is_eclosed),
    CASE(contract_event_topic_never_cut),
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
