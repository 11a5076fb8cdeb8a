/* mqtt/main.c: two processes sharing typed signals through an MQTT broker.
 *
 *   mqtt sensor    [--host H] [--port P] [--count N]
 *   mqtt dashboard [--host H] [--port P] [--count N]
 *
 * The sensor sets the house's mode, sends N temperature readings, one every
 * 100 ms, waits until the broker has taken them all and exits. The
 * dashboard prints the mode and every reading that comes from the broker,
 * raises a local alarm for a hot room, and exits after N readings. Both are
 * built from home.signet, whose temp and mode signals are `export import`:
 * every local send of one is published on its topic, and every message the
 * broker sends on those topics is posted on the local bus.
 *
 * They show the bridge's two ways of running:
 *   - the sensor steps the bridge in its own poll(2) loop (signet_mqtt_fd
 *     and signet_mqtt_step): one thread does everything;
 *   - the dashboard runs the bridge on a thread of its own
 *     (signet_mqtt_start), which posts what arrives on the bus's queue; the
 *     main thread drains that queue in a poll(2) loop, so every receiver
 *     runs on the main thread.
 *
 * Depends on the generated home.signet.h, on libsignet and on
 * libsignet_mqtt (signet::mqtt). README.md beside this file says how to run
 * the two against a local mosquitto.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "home.signet.h"

#include <signet.h>
#include <signet_mqtt.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    CONNECT_MS = 5000, /* how long either waits for the broker at start */
    READING_MS = 100,  /* the sensor's period */
    FLUSH_MS = 5000,   /* how long the sensor waits for the broker to take the last readings */
    QUIET_MS = 10000,  /* the dashboard checks on the broker after this long without news */
};

static const double too_hot_celsius = 25.0;

struct options {
    const char *role; /* "sensor" or "dashboard" */
    const char *host;
    uint16_t port;
    long count;
};

static void usage(void)
{
    fprintf(stderr, "usage: mqtt sensor|dashboard [--host H] [--port P] [--count N]\n"
                    "  --host  the broker's address (127.0.0.1)\n"
                    "  --port  the broker's port (1883)\n"
                    "  --count how many readings to send or to wait for (5)\n");
    exit(2);
}

/* A whole number in [min, max], or usage(). */
static long number(const char *s, long min, long max)
{
    char *end;

    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        usage();
    return v;
}

static struct options parse(int argc, char **argv)
{
    struct options opt = {NULL, "127.0.0.1", 1883, 5};

    if (argc < 2 || (strcmp(argv[1], "sensor") != 0 && strcmp(argv[1], "dashboard") != 0))
        usage();
    opt.role = argv[1];
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--host") == 0)
            opt.host = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            opt.port = (uint16_t)number(argv[i + 1], 1, 65535);
        else if (strcmp(argv[i], "--count") == 0)
            opt.count = number(argv[i + 1], 1, 1000000);
        else
            usage();
    }
    return opt;
}

/* Says why the bridge did not get its broker; returns the exit status. */
static int unreachable(const struct options *opt, int err)
{
    fprintf(stderr, "%s: cannot reach the broker at %s:%u: %s\n", opt->role, opt->host,
            (unsigned)opt->port,
            err == SIGNET_ETIMEDOUT ? "no answer in time" : signet_strerror(err));
    return 1;
}

static int failed(const struct options *opt, const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s\n", opt->role, what, signet_strerror(err));
    return 1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the sensor: the bridge stepped in this thread's poll loop ------------- */

/* Reading i of a made-up house: three rooms, two sensors, warming up. */
static home_temp read_sensor(long i)
{
    static const char *const rooms[] = {"kitchen", "hall", "attic"};
    home_temp r = {rooms[i % 3], (uint32_t)(i % 2 + 1), 20.0 + 1.5 * (double)i};
    return r;
}

static int run_sensor(const struct options *opt, signet_bus *bus, signet_mqtt *m)
{
    /* Without a thread of its own, the bridge is stepped by the wait. */
    int rc = signet_mqtt_wait_ready(m, CONNECT_MS);
    if (rc != 0)
        return unreachable(opt, rc);

    /* A local send, as with any signal: the bridge publishes it (retained). */
    if ((rc = home_mode_send(bus, NULL, "home")) < 0)
        return failed(opt, "mode", rc);
    printf("sensor: the house is in mode \"home\"\n");

    struct pollfd bridge = {.fd = signet_mqtt_fd(m), .events = POLLIN};
    uint64_t next = now_ms();
    for (long sent = 0; sent < opt->count;) {
        uint64_t now = now_ms();
        if (now < next) {
            /* Until the next reading, serve the bridge: exports to publish,
             * acknowledgements, keepalive, reconnecting. */
            if (poll(&bridge, 1, (int)(next - now)) > 0)
                signet_mqtt_step(m, 0);
            continue;
        }
        home_temp r = read_sensor(sent);
        if ((rc = home_temp_send_msg(bus, NULL, &r)) < 0)
            return failed(opt, "temp", rc);
        printf("sensor: %s sensor %u reads %.1f C\n", r.room, (unsigned)r.sensor, r.celsius);
        sent++;
        next += READING_MS;
    }

    /* The last readings may still wait in the bridge or for the broker's
     * acknowledgement: flush steps the bridge until they are out. */
    if ((rc = signet_mqtt_flush(m, FLUSH_MS)) != 0)
        return failed(opt, "the broker did not take every reading", rc);
    signet_mqtt_counters c;
    if (signet_mqtt_stats(m, &c) == 0)
        printf("sensor: %llu messages published\n", (unsigned long long)c.published);
    return 0;
}

/* ---- the dashboard: the bridge on its own thread, receivers on this one ---- */

struct dashboard {
    long readings;
    double sum;
};

static int show_temp(void *ctx, const signet_event *ev, const home_temp *msg)
{
    struct dashboard *d = ctx;

    d->readings++;
    d->sum += msg->celsius;
    printf("dashboard: %s sensor %u reads %.1f C\n", msg->room, (unsigned)msg->sensor,
           msg->celsius);
    if (msg->celsius > too_hot_celsius)
        home_too_hot_send(ev->bus, NULL, msg->room, msg->celsius); /* stays in this process */
    return 0;
}

static int show_mode(void *ctx, const signet_event *ev, const home_mode *msg)
{
    (void)ctx;
    (void)ev;
    printf("dashboard: the house is in mode \"%s\"\n", msg->state);
    return 0;
}

static int warn_too_hot(void *ctx, const signet_event *ev, const home_too_hot *msg)
{
    (void)ctx;
    (void)ev;
    printf("dashboard: too hot in the %s: %.1f C\n", msg->room, msg->celsius);
    return 0;
}

static int run_dashboard(const struct options *opt, signet_bus *bus, signet_mqtt *m)
{
    struct dashboard d = {0, 0.0};
    const void *broker = signet_mqtt_sender(m); /* the sender of everything the bridge posts */
    signet_conn conn;
    int rc;

    /* temp and mode only from the broker; too_hot from anyone (it is local). */
    if ((rc = home_temp_connect(bus, show_temp, &d, broker, &conn)) < 0 ||
        (rc = home_mode_connect(bus, show_mode, NULL, broker, &conn)) < 0 ||
        (rc = home_too_hot_connect(bus, warn_too_hot, NULL, SIGNET_ANY, &conn)) < 0)
        return failed(opt, "connect", rc);
    if ((rc = signet_mqtt_start(m)) != 0)
        return failed(opt, "start", rc);
    if ((rc = signet_mqtt_wait_ready(m, CONNECT_MS)) != 0)
        return unreachable(opt, rc);
    /* Subscribed: every reading published from now on reaches us. */
    printf("dashboard: ready\n");

    struct pollfd queue = {.fd = signet_bus_fd(bus), .events = POLLIN};
    while (d.readings < opt->count) {
        int n = poll(&queue, 1, QUIET_MS);
        if (n < 0 && errno != EINTR) {
            perror("dashboard: poll");
            return 1;
        }
        if (n > 0) {
            signet_bus_dispatch(bus, 0); /* the receivers run here */
            continue;
        }
        /* Quiet for a while: the bridge reconnects by itself, but say so. */
        signet_mqtt_counters c;
        if (signet_mqtt_stats(m, &c) == 0 && !c.connected)
            fprintf(stderr, "dashboard: waiting for the broker at %s:%u: %s\n", opt->host,
                    (unsigned)opt->port, signet_strerror(c.last_error));
    }
    printf("dashboard: %ld readings, mean %.1f C\n", d.readings, d.sum / (double)d.readings);
    return 0;
}

int main(int argc, char **argv)
{
    struct options opt = parse(argc, argv);
    signet_mqtt_options mo = {.host = opt.host, .port = opt.port, .qos = 1};
    signet_bus *bus;
    signet_mqtt *m;
    int rc;

    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it happens, also into a pipe */
    if ((rc = signet_bus_create(NULL, &bus)) != 0)
        return failed(&opt, "bus", rc);
    /* Nothing touches the network yet: the first step or signet_mqtt_start does. */
    if ((rc = signet_mqtt_create(bus, &home_schema, &mo, &m)) != 0) {
        signet_bus_destroy(bus);
        return failed(&opt, "bridge", rc);
    }
    if (strcmp(opt.role, "sensor") == 0)
        rc = run_sensor(&opt, bus, m);
    else
        rc = run_dashboard(&opt, bus, m);
    signet_mqtt_destroy(m); /* before the bus */
    signet_bus_destroy(bus);
    return rc;
}
