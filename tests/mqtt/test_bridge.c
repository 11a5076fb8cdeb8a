/* test_bridge.c: the bridge's contract where no broker answers: options
 * checked, schemas without export or import refused, an unreachable
 * broker reported, and every export it cannot send counted. The broker
 * scenarios are in scenario.sh. One case per CTest test. */
#define _GNU_SOURCE
#include "mqtt.signet.h"
#include "local.signet.h"

#include "../check.h"

#include <signet_mqtt.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK_OK(expr) CHECK_EQ((expr), 0)

/* A loopback port nobody listens on: bound, read, closed. */
static uint16_t closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof a));
    CHECK_OK(getsockname(s, (struct sockaddr *)&a, &len));
    close(s);
    return ntohs(a.sin_port);
}

static signet_bus *new_bus(void)
{
    signet_bus *bus = NULL;
    CHECK_OK(signet_bus_create(NULL, &bus));
    return bus;
}

static void bad_options_are_einval(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    const signet_mqtt_options bad[] = {
        {.qos = 2},
        {.keepalive_s = 4},
        {.password = "pw"},
        {.resume_session = true},
        {.tls_ca = "ca.crt", .tls_cert = "c.crt"},
        {.tls_cert = "c.crt", .tls_key = "c.key"},
        {.max_pending = SIGNET_MQTT_MAX_PENDING + 1},
        {.reconnect_min_ms = 500, .reconnect_max_ms = 100},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(signet_mqtt_create(bus, &mq_schema, &bad[i], &m), SIGNET_EINVAL);
    }
    CHECK_EQ(signet_mqtt_create(NULL, &mq_schema, NULL, &m), SIGNET_EINVAL);
    CHECK_EQ(signet_mqtt_create(bus, NULL, NULL, &m), SIGNET_EINVAL);
    CHECK_EQ(signet_mqtt_create(bus, &mq_schema, NULL, NULL), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

static void schema_without_export_or_import_is_einval(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    CHECK_EQ(signet_mqtt_create(bus, &lo_schema, NULL, &m), SIGNET_EINVAL);
    signet_bus_destroy(bus);
}

static void unreadable_tls_file_is_etls(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    signet_mqtt_options o = {.tls_ca = "/nonexistent/ca.crt"};
    CHECK_EQ(signet_mqtt_create(bus, &mq_schema, &o, &m), SIGNET_ETLS);
    signet_bus_destroy(bus);
}

static void set_qos_takes_bridged_signals_before_start(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    signet_mqtt_options o = {.port = closed_port()};
    CHECK_OK(signet_mqtt_create(bus, &mq_schema, &o, &m));
    CHECK_OK(signet_mqtt_set_qos(m, &mq_signals[MQ_SIGNAL_NOTE], 1));
    CHECK_EQ(signet_mqtt_set_qos(m, &mq_signals[MQ_SIGNAL_NOTE], 2), SIGNET_EINVAL);
    CHECK_EQ(signet_mqtt_set_qos(m, &mq_signals[MQ_SIGNAL_LOCAL_ONLY], 0), SIGNET_EINVAL);
    CHECK_EQ(signet_mqtt_set_qos(m, &lo_signals[0], 0), SIGNET_EINVAL);
    CHECK(signet_mqtt_step(m, 0) >= 0);
    CHECK_EQ(signet_mqtt_set_qos(m, &mq_signals[MQ_SIGNAL_NOTE], 0), SIGNET_EINVAL);
    CHECK_EQ(signet_mqtt_start(m), SIGNET_EINVAL); /* stepped already: one mode */
    signet_mqtt_destroy(m);
    signet_bus_destroy(bus);
}

/* Nobody listens: wait_ready says so, QoS 0 exports are dropped and
 * counted, the fd stays the same through the failed attempts. */
static void unreachable_broker_is_enotconn_and_qos0_is_counted(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    signet_mqtt_options o = {.port = closed_port(), .reconnect_min_ms = 10,
                             .reconnect_max_ms = 20};
    CHECK_OK(signet_mqtt_create(bus, &mq_schema, &o, &m));
    int fd = signet_mqtt_fd(m);
    CHECK(fd >= 0);
    CHECK_EQ(signet_mqtt_wait_ready(m, 300), SIGNET_ENOTCONN);
    CHECK_EQ(signet_mqtt_fd(m), fd);
    signet_mqtt_counters c;
    CHECK_OK(signet_mqtt_stats(m, &c));
    CHECK(!c.connected);
    CHECK_EQ(c.last_error, SIGNET_ENOTCONN);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(mq_note_send(bus, NULL, "lost", (const char *const[2]){"a", "b"}, (uint32_t)i), 0);
    mq_local_only_send(bus, NULL, 7); /* not exported: not counted */
    CHECK_OK(signet_mqtt_flush(m, 2000));
    CHECK_OK(signet_mqtt_stats(m, &c));
    CHECK_EQ(c.dropped_disconnected, 5);
    CHECK_EQ(c.published, 0);
    CHECK_EQ(c.pending, 0);
    CHECK_EQ(signet_mqtt_destroy(m), 0);
    signet_bus_destroy(bus);
}

/* QoS 1 exports wait while disconnected, up to max_pending; the rest are
 * counted as backlog, and destroy says how many never left. */
static void qos1_waits_up_to_max_pending_then_is_counted(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    signet_mqtt_options o = {.port = closed_port(), .qos = 1, .max_pending = 3};
    CHECK_OK(signet_mqtt_create(bus, &mq_schema, &o, &m));
    for (int i = 0; i < 5; i++)
        CHECK_EQ(mq_note_send(bus, NULL, "wait", (const char *const[2]){NULL, NULL}, (uint32_t)i), 0);
    CHECK_EQ(signet_mqtt_flush(m, 200), SIGNET_ETIMEDOUT); /* 3 still wait */
    signet_mqtt_counters c;
    CHECK_OK(signet_mqtt_stats(m, &c));
    CHECK_EQ(c.pending, 3);
    CHECK_EQ(c.dropped_backlog, 2);
    CHECK_EQ(c.published, 0);
    CHECK_EQ(signet_mqtt_destroy(m), 3);
    signet_bus_destroy(bus);
}

/* A full bridge queue refuses exports and counts them. */
static void full_export_queue_is_counted(void)
{
    signet_bus *bus = new_bus();
    signet_mqtt *m = NULL;
    signet_mqtt_options o = {.port = closed_port(), .queue_capacity = 2};
    CHECK_OK(signet_mqtt_create(bus, &mq_schema, &o, &m));
    for (int i = 0; i < 5; i++)
        mq_probe_send(bus, NULL);
    signet_mqtt_counters c;
    CHECK_OK(signet_mqtt_stats(m, &c));
    CHECK_EQ(c.dropped_queue, 3);
    CHECK_EQ(signet_mqtt_destroy(m), 2); /* the two in the queue never left */
    signet_bus_destroy(bus);
}

static const struct test_case cases[] = {
    {"mqtt_bad_options_are_einval", bad_options_are_einval},
    {"mqtt_schema_without_export_or_import_is_einval", schema_without_export_or_import_is_einval},
    {"mqtt_unreadable_tls_file_is_etls", unreadable_tls_file_is_etls},
    {"mqtt_set_qos_takes_bridged_signals_before_start", set_qos_takes_bridged_signals_before_start},
    {"mqtt_unreachable_broker_is_enotconn_and_qos0_is_counted",
     unreachable_broker_is_enotconn_and_qos0_is_counted},
    {"mqtt_qos1_waits_up_to_max_pending_then_is_counted",
     qos1_waits_up_to_max_pending_then_is_counted},
    {"mqtt_full_export_queue_is_counted", full_export_queue_is_counted},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
