/* peer.c: one side of the MQTT bridge's tests, as a process of its own
 * (tests/mqtt/scenario.sh starts two of them against a real broker). Each role
 * prints one line per message it sent or received, in one format, so a
 * driver compares the two sides with diff:
 *
 *   send    sends a fixed sequence covering every type of mqtt.signet;
 *           steps the bridge in its own loop (signet_mqtt_fd/_step)
 *   recv    prints what the bridge posts, until --count messages; the
 *           bridge runs on its own thread (signet_mqtt_start)
 *   retain-send, retain-recv   the retained signal, before and after
 *   retain-clear               keeps a retained value until an empty
 *                              retained message from the broker clears it
 *   connect                    connects, reports how
 *   bad-exports                exports whose topics MQTT cannot carry,
 *                              then one it can
 *   expect-errors              waits until the bridge counted bad input
 *
 * Options: see usage() below and tests/mqtt/scenario.sh.
 */
#define _GNU_SOURCE /* open_memstream, clock_gettime */
#include "mqtt.signet.h"

#include <signet_mqtt.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct args {
    const char *role;
    signet_mqtt_options o;
    long count;
    long pause_at;
    const char *pause_out, *pause_in, *ready, *stats;
    uint32_t timeout_ms, flush_ms;
    long decode, unknown;
    bool unique;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: mqtt_peer ROLE --port P [--host H] [--qos 0|1] [--id ID] [--persistent]\n"
            "                 [--ca FILE] [--user U --pass PW] [--count N] [--timeout-ms MS]\n"
            "                 [--flush-ms MS] [--ready FIFO] [--stats FILE] [--unique]\n"
            "                 [--pause-at K --pause-out FIFO --pause-in FIFO]\n"
            "                 [--decode N --unknown M]\n"
            "ROLE: send, recv, retain-send, retain-recv, retain-clear, connect, expect-errors,\n"
            "      bad-exports\n");
    exit(64);
}

static long number(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0)
        usage();
    return v;
}

static struct args parse(int argc, char **argv)
{
    struct args a = {.count = 1, .timeout_ms = 20000, .flush_ms = 20000, .pause_at = -1};
    if (argc < 2)
        usage();
    a.role = argv[1];
    a.o.reconnect_min_ms = 50;
    a.o.reconnect_max_ms = 500;
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--persistent")) {
            a.o.resume_session = true;
            continue;
        }
        if (!strcmp(k, "--unique")) {
            a.unique = true;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (!strcmp(k, "--port"))
            a.o.port = (uint16_t)number(v);
        else if (!strcmp(k, "--host"))
            a.o.host = v;
        else if (!strcmp(k, "--qos"))
            a.o.qos = (uint8_t)number(v);
        else if (!strcmp(k, "--id"))
            a.o.client_id = v;
        else if (!strcmp(k, "--ca"))
            a.o.tls_ca = v;
        else if (!strcmp(k, "--user"))
            a.o.username = v;
        else if (!strcmp(k, "--pass"))
            a.o.password = v;
        else if (!strcmp(k, "--count"))
            a.count = number(v);
        else if (!strcmp(k, "--timeout-ms"))
            a.timeout_ms = (uint32_t)number(v);
        else if (!strcmp(k, "--flush-ms"))
            a.flush_ms = (uint32_t)number(v);
        else if (!strcmp(k, "--ready"))
            a.ready = v;
        else if (!strcmp(k, "--stats"))
            a.stats = v;
        else if (!strcmp(k, "--pause-at"))
            a.pause_at = number(v);
        else if (!strcmp(k, "--pause-out"))
            a.pause_out = v;
        else if (!strcmp(k, "--pause-in"))
            a.pause_in = v;
        else if (!strcmp(k, "--decode"))
            a.decode = number(v);
        else if (!strcmp(k, "--unknown"))
            a.unknown = number(v);
        else
            usage();
    }
    return a;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "mqtt_peer: %s: %s\n", what, signet_strerror(err));
    exit(3);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- The lines ---------------------------------------------------------- */

static void quoted(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fprintf(f, "\"%s\"", s);
}

static void line_of(FILE *f, const signet_signal_info *sig, const void *payload)
{
    char topic[SIGNET_TOPIC_MAX_BYTES + 1];
    fprintf(f, "%s %s", signet_topic(sig, payload, topic, sizeof topic), sig->name);
    switch (sig->id) {
    case MQ_SIGNAL_READING: {
        const mq_reading *r = payload;
        fprintf(f, " room=%s sensor=%" PRIu32 " celsius=%.17g lvl=%d seq=%" PRIu32, r->room,
                r->sensor, r->celsius, (int)r->lvl, r->seq);
        break;
    }
    case MQ_SIGNAL_NOTE: {
        const mq_note *n = payload;
        fputs(" text=", f);
        quoted(f, n->text);
        fputs(" tags=", f);
        quoted(f, n->tags[0]);
        fputc(',', f);
        quoted(f, n->tags[1]);
        fprintf(f, " seq=%" PRIu32, n->seq);
        break;
    }
    case MQ_SIGNAL_DRAWING: {
        const mq_drawing *d = payload;
        fputs(" name=", f);
        quoted(f, d->s.name);
        fputs(" corners=", f);
        for (int i = 0; i < 3; i++)
            fprintf(f, "(%" PRId32 ",%" PRId32 ")", d->s.corners[i].x, d->s.corners[i].y);
        fprintf(f, " lvl=%d raw=%u,%u,%u,%u ok=%d big=%" PRId64 " scale=%.9g seq=%" PRIu32,
                (int)d->s.lvl, d->raw[0], d->raw[1], d->raw[2], d->raw[3], d->ok, d->big,
                (double)d->scale, d->seq);
        break;
    }
    case MQ_SIGNAL_STATUS:
        fputs(" state=", f);
        quoted(f, ((const mq_status *)payload)->state);
        break;
    default:
        break;
    }
    fputc('\n', f);
}

/* ---- send --------------------------------------------------------------- */

static const mq_level levels[] = {MQ_LEVEL_LOW, MQ_LEVEL_MID, MQ_LEVEL_HIGH};
static const char *const rooms[] = {"kitchen", "hall", "b\xc3\xa4\x64"}; /* "bäd" */

/* Message i of the sequence: the probe first, then readings, notes and
 * drawings in turn. Sends it and prints its line. */
static void send_one(signet_bus *bus, long i)
{
    char text[64], tag[32], name[32];
    int rc;
    uint32_t seq = (uint32_t)i;

    if (i == 0) {
        rc = mq_probe_send(bus, NULL);
        line_of(stdout, &mq_signals[MQ_SIGNAL_PROBE], NULL);
    } else if (i % 3 == 1) {
        mq_reading r = {rooms[(i / 3) % 3], (uint32_t)(i % 5), (double)i * 0.25 - 10,
                        levels[i % 3], seq};
        rc = mq_reading_send_msg(bus, NULL, &r);
        line_of(stdout, &mq_signals[MQ_SIGNAL_READING], &r);
    } else if (i % 3 == 2) {
        snprintf(text, sizeof text, "note #%ld \xc3\xbc with \"quotes\"", i);
        snprintf(tag, sizeof tag, "t%ld", i);
        mq_note n = {text, {tag, i % 2 ? NULL : "even"}, seq};
        rc = mq_note_send_msg(bus, NULL, &n);
        line_of(stdout, &mq_signals[MQ_SIGNAL_NOTE], &n);
    } else {
        snprintf(name, sizeof name, "shape%ld", i);
        mq_drawing d = {
            .s = {name, {{(int32_t)i, (int32_t)-i}, {(int32_t)i * 2, 3}, {-7, (int32_t)i}},
                  levels[(i / 3) % 3]},
            .raw = {(uint8_t)i, 1, 2, 255},
            .ok = i % 2,
            .big = -(int64_t)i * 1000000007LL,
            .scale = (float)i / 8.0f,
            .seq = seq,
        };
        rc = mq_drawing_send_msg(bus, NULL, &d);
        line_of(stdout, &mq_signals[MQ_SIGNAL_DRAWING], &d);
    }
    if (rc < 0)
        die("send", rc);
}

/* Steps the bridge in this thread's loop, as an application would. */
static void step_ready(signet_mqtt *m)
{
    struct pollfd p = {.fd = signet_mqtt_fd(m), .events = POLLIN};
    if (poll(&p, 1, 0) > 0)
        signet_mqtt_step(m, 0);
}

static void pause_here(const struct args *a, signet_mqtt *m)
{
    char buf[16];
    int rc = signet_mqtt_flush(m, a->flush_ms);
    if (rc)
        die("flush before pausing", rc);
    FILE *out = fopen(a->pause_out, "w");
    if (!out)
        die("--pause-out", SIGNET_EINVAL);
    fputs("paused\n", out);
    fclose(out);
    FILE *in = fopen(a->pause_in, "r");
    if (!in || !fgets(buf, sizeof buf, in))
        die("--pause-in", SIGNET_EINVAL);
    fclose(in);
}

static int run_send(const struct args *a, signet_bus *bus, signet_mqtt *m)
{
    int rc = signet_mqtt_wait_ready(m, a->timeout_ms);
    if (rc)
        die("connecting", rc);
    for (long i = 0; i < a->count; i++) {
        if (i == a->pause_at)
            pause_here(a, m);
        send_one(bus, i);
        step_ready(m);
    }
    fflush(stdout);
    rc = signet_mqtt_flush(m, a->flush_ms);
    if (rc)
        fprintf(stderr, "mqtt_peer: flush: %s\n", signet_strerror(rc));
    return rc ? 1 : 0;
}

/* ---- recv --------------------------------------------------------------- */

struct seen {
    const struct args *a;
    long count;
    char **lines;
    size_t n;
};

static int on_message(struct seen *s, const signet_event *ev, const void *payload)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return SIGNET_ENOMEM;
    line_of(f, ev->signal, payload);
    fclose(f);
    if (s->a->unique)
        for (size_t i = 0; i < s->n; i++)
            if (!strcmp(s->lines[i], text)) {
                free(text);
                return 0;
            }
    char **lines = realloc(s->lines, (s->n + 1) * sizeof *lines);
    if (!lines) {
        free(text);
        return SIGNET_ENOMEM;
    }
    s->lines = lines;
    s->lines[s->n++] = text;
    fputs(text, stdout);
    s->count++;
    return 0;
}

static int got_reading(void *ctx, const signet_event *ev, const mq_reading *msg)
{
    return on_message(ctx, ev, msg);
}
static int got_note(void *ctx, const signet_event *ev, const mq_note *msg)
{
    return on_message(ctx, ev, msg);
}
static int got_drawing(void *ctx, const signet_event *ev, const mq_drawing *msg)
{
    return on_message(ctx, ev, msg);
}
static int got_probe(void *ctx, const signet_event *ev)
{
    return on_message(ctx, ev, NULL);
}
static int got_status(void *ctx, const signet_event *ev, const mq_status *msg)
{
    return on_message(ctx, ev, msg);
}

static void say_ready(const struct args *a)
{
    if (!a->ready)
        return;
    FILE *f = fopen(a->ready, "w");
    if (!f)
        die("--ready", SIGNET_EINVAL);
    fputs("ready\n", f);
    fclose(f);
}

/* Connects the receivers for what comes from the broker only: the sender
 * filter tells remote from local. */
static void connect_receivers(signet_bus *bus, signet_mqtt *m, struct seen *s)
{
    const void *remote = signet_mqtt_sender(m);
    signet_conn c;
    if (mq_reading_connect(bus, got_reading, s, remote, &c) < 0 ||
        mq_note_connect(bus, got_note, s, remote, &c) < 0 ||
        mq_drawing_connect(bus, got_drawing, s, remote, &c) < 0 ||
        mq_probe_connect(bus, got_probe, s, remote, &c) < 0 ||
        mq_status_connect(bus, got_status, s, remote, &c) < 0)
        die("connect", SIGNET_ENOMEM);
}

static int run_recv(const struct args *a, signet_bus *bus, signet_mqtt *m, long count)
{
    struct seen s = {.a = a};
    connect_receivers(bus, m, &s);
    int rc = signet_mqtt_start(m);
    if (rc)
        die("start", rc);
    if ((rc = signet_mqtt_wait_ready(m, a->timeout_ms)) != 0)
        die("connecting", rc);
    say_ready(a);
    uint64_t deadline = now_ms() + a->timeout_ms;
    struct pollfd p = {.fd = signet_bus_fd(bus), .events = POLLIN};
    while (s.count < count && now_ms() < deadline) {
        poll(&p, 1, 100);
        signet_bus_dispatch(bus, 0);
    }
    fflush(stdout);
    for (size_t i = 0; i < s.n; i++)
        free(s.lines[i]);
    free(s.lines);
    if (s.count < count) {
        fprintf(stderr, "mqtt_peer: received %ld of %ld messages before the timeout\n", s.count,
                count);
        return 1;
    }
    return 0;
}

/* ---- The other roles ---------------------------------------------------- */

static int run_retain_send(const struct args *a, signet_bus *bus, signet_mqtt *m)
{
    int rc = signet_mqtt_wait_ready(m, a->timeout_ms);
    if (rc)
        die("connecting", rc);
    mq_status first = {"first"}, last = {"last"};
    if (mq_status_send_msg(bus, NULL, &first) < 0 || mq_status_send_msg(bus, NULL, &last) < 0)
        die("send", SIGNET_EINVAL);
    line_of(stdout, &mq_signals[MQ_SIGNAL_STATUS], &last);
    return signet_mqtt_flush(m, a->flush_ms) ? 1 : 0;
}

/* Sends a retained value, says --ready once the broker has it, then runs
 * the bridge until the value is gone from the bus (an empty retained
 * message from another client cleared it) or the timeout passes. */
static int run_retain_clear(const struct args *a, signet_bus *bus, signet_mqtt *m)
{
    int rc = signet_mqtt_start(m);
    if (rc || (rc = signet_mqtt_wait_ready(m, a->timeout_ms)) != 0)
        die("connecting", rc);
    mq_status here = {"here"};
    if (mq_status_send_msg(bus, NULL, &here) < 0 || signet_mqtt_flush(m, a->flush_ms) != 0)
        die("send", SIGNET_EINVAL);
    /* Present: the copy needs more room than 0 bytes. */
    if (signet_retained_copy(bus, &mq_signals[MQ_SIGNAL_STATUS], NULL, NULL, 0, NULL) ==
        SIGNET_ENOENT)
        die("retained before", SIGNET_ENOENT);
    say_ready(a);
    uint64_t deadline = now_ms() + a->timeout_ms;
    struct pollfd p = {.fd = signet_bus_fd(bus), .events = POLLIN};
    while (now_ms() < deadline) {
        if (signet_retained_copy(bus, &mq_signals[MQ_SIGNAL_STATUS], NULL, NULL, 0, NULL) ==
            SIGNET_ENOENT) {
            puts("cleared");
            return 0;
        }
        poll(&p, 1, 20);
        signet_bus_dispatch(bus, 0);
    }
    fprintf(stderr, "mqtt_peer: the retained value was not cleared before the timeout\n");
    return 1;
}

/* Captured rooms no MQTT topic may hold (invalid UTF-8, a control
 * character, wildcards) or that would be read back as another topic (a
 * '/'): each is counted and never sent, and the connection stays up for
 * the good one after them. */
static int run_bad_exports(const struct args *a, signet_bus *bus, signet_mqtt *m)
{
    static const char *const bad[] = {"\xff", "a\x01\x62", "a/b", "a+b", "#", "\xc2\x85"};
    int rc = signet_mqtt_wait_ready(m, a->timeout_ms);
    if (rc)
        die("connecting", rc);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (mq_reading_send(bus, NULL, bad[i], 1, 0.5, MQ_LEVEL_LOW, (uint32_t)i) < 0)
            die("send", SIGNET_EINVAL);
    mq_reading good = {"good", 2, 1.5, MQ_LEVEL_MID, 99};
    if (mq_reading_send_msg(bus, NULL, &good) < 0)
        die("send", SIGNET_EINVAL);
    line_of(stdout, &mq_signals[MQ_SIGNAL_READING], &good);
    return signet_mqtt_flush(m, a->flush_ms) ? 1 : 0;
}

static int run_connect(const struct args *a, signet_mqtt *m)
{
    int rc = signet_mqtt_wait_ready(m, a->timeout_ms);
    if (rc == 0)
        return 0;
    fprintf(stderr, "mqtt_peer: connecting: %s\n", signet_strerror(rc));
    return rc == SIGNET_EREFUSED ? 2 : 3;
}

static int run_expect_errors(const struct args *a, signet_bus *bus, signet_mqtt *m)
{
    struct seen s = {.a = a};
    signet_mqtt_counters st;
    connect_receivers(bus, m, &s);
    int rc = signet_mqtt_start(m);
    if (rc || (rc = signet_mqtt_wait_ready(m, a->timeout_ms)) != 0)
        die("connecting", rc);
    say_ready(a);
    uint64_t deadline = now_ms() + a->timeout_ms;
    for (;;) {
        signet_mqtt_stats(m, &st);
        if ((long)st.decode_errors >= a->decode && (long)st.unknown_topics >= a->unknown)
            break;
        if (now_ms() >= deadline) {
            fprintf(stderr, "mqtt_peer: counted %" PRIu64 " decode errors and %" PRIu64
                    " unknown topics, expected %ld and %ld\n",
                    st.decode_errors, st.unknown_topics, a->decode, a->unknown);
            return 1;
        }
        struct pollfd p = {.fd = signet_bus_fd(bus), .events = POLLIN};
        poll(&p, 1, 10); /* a bound on each check, not an ordering */
    }
    signet_bus_dispatch(bus, 0);
    if (st.received != 0 || s.count != 0) {
        fprintf(stderr, "mqtt_peer: %" PRIu64 " messages were posted, %ld received\n",
                st.received, s.count);
        return 1;
    }
    printf("decode_errors=%" PRIu64 " unknown_topics=%" PRIu64 "\n", st.decode_errors,
           st.unknown_topics);
    return 0;
}

static void write_stats(const struct args *a, signet_mqtt *m)
{
    signet_mqtt_counters st;
    if (!a->stats || signet_mqtt_stats(m, &st) != 0)
        return;
    FILE *f = fopen(a->stats, "w");
    if (!f)
        return;
    fprintf(f,
            "published=%" PRIu64 "\nreceived=%" PRIu64 "\ndecode_errors=%" PRIu64
            "\nunknown_topics=%" PRIu64 "\ndropped_disconnected=%" PRIu64
            "\ndropped_backlog=%" PRIu64 "\ndropped_topic=%" PRIu64 "\ndropped_queue=%" PRIu64
            "\ndropped_local=%" PRIu64 "\ndropped_refused=%" PRIu64 "\nreconnects=%" PRIu64
            "\npending=%" PRIu32 "\n",
            st.published, st.received, st.decode_errors, st.unknown_topics,
            st.dropped_disconnected, st.dropped_backlog, st.dropped_topic, st.dropped_queue,
            st.dropped_local, st.dropped_refused, st.reconnects, st.pending);
    fclose(f);
}

int main(int argc, char **argv)
{
    struct args a = parse(argc, argv);
    signet_bus *bus;
    signet_mqtt *m;
    int rc;

    if ((rc = signet_bus_create(NULL, &bus)) != 0)
        die("bus", rc);
    if ((rc = signet_mqtt_create(bus, &mq_schema, &a.o, &m)) != 0)
        die("bridge", rc);
    if (!strcmp(a.role, "send"))
        rc = run_send(&a, bus, m);
    else if (!strcmp(a.role, "recv"))
        rc = run_recv(&a, bus, m, a.count);
    else if (!strcmp(a.role, "retain-send"))
        rc = run_retain_send(&a, bus, m);
    else if (!strcmp(a.role, "retain-clear"))
        rc = run_retain_clear(&a, bus, m);
    else if (!strcmp(a.role, "retain-recv"))
        rc = run_recv(&a, bus, m, 1);
    else if (!strcmp(a.role, "connect"))
        rc = run_connect(&a, m);
    else if (!strcmp(a.role, "bad-exports"))
        rc = run_bad_exports(&a, bus, m);
    else if (!strcmp(a.role, "expect-errors"))
        rc = run_expect_errors(&a, bus, m);
    else
        usage();
    write_stats(&a, m);
    int dropped = signet_mqtt_destroy(m);
    if (dropped > 0 && rc == 0 && strcmp(a.role, "connect") != 0) {
        fprintf(stderr, "mqtt_peer: %d exports were never sent\n", dropped);
        rc = 1;
    }
    signet_bus_destroy(bus);
    return rc;
}
