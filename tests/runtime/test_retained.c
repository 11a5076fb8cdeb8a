/* test_retained.c: reading and clearing retained values without
 * subscribing (signet_retained_copy, signet_retained_clear), on t.signet's
 * `reading` (fixture.h): signal reading(str room, i32 value) topic
 * "rooms/{room}" retain. */
#include "fixture.h"

struct replayed {
    char log[128];
};

static int on_reading(void *ctx, const signet_event *ev, const t_reading *msg)
{
    struct replayed *r = ctx;
    size_t n = strlen(r->log);

    (void)ev;
    snprintf(r->log + n, sizeof r->log - n, "%s=%d ", msg->room, (int)msg->value);
    return 0;
}

static void retained_copy_reads_a_topic_without_subscribing(void)
{
    signet_bus *bus;
    _Alignas(max_align_t) unsigned char buf[64];
    size_t len = 99;

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  &len),
             SIGNET_ENOENT);
    CHECK_EQ(len, 0);
    char room[16] = "kitchen";
    CHECK_EQ(t_reading_send(bus, NULL, room, 21), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 19), 0);
    strcpy(room, "garage"); /* the retained copy is the bus's own */
    CHECK_OK(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  &len));
    const t_reading *got = (const t_reading *)(const void *)buf;
    CHECK_EQ(got->value, 21);
    CHECK(strcmp(got->room, "kitchen") == 0);
    CHECK((const unsigned char *)got->room >= buf && (const unsigned char *)got->room < buf + len);
    CHECK_EQ(len, sizeof(t_reading) + sizeof "kitchen");
    /* Too small: says how much it needs and writes nothing. */
    memset(buf, 0, sizeof buf);
    size_t need = 0;
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/hall", buf, 4, &need),
             SIGNET_ENOSPC);
    CHECK_EQ(need, sizeof(t_reading) + sizeof "hall");
    CHECK_EQ(buf[0], 0);
    CHECK_OK(signet_bus_destroy(bus));
}

static void retained_clear_forgets_one_topic(void)
{
    signet_bus *bus;
    struct replayed r = {{0}};
    signet_conn c;
    _Alignas(max_align_t) unsigned char buf[64];

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(t_reading_send(bus, NULL, "kitchen", 21), 0);
    CHECK_EQ(t_reading_send(bus, NULL, "hall", 19), 0);
    CHECK_OK(signet_retained_clear(bus, &t_signals[T_READING], "rooms/kitchen"));
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_READING], "rooms/kitchen"), SIGNET_ENOENT);
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], "rooms/kitchen", buf, sizeof buf,
                                  NULL),
             SIGNET_ENOENT);
    CHECK_OK(t_reading_connect_opts(bus, on_reading, &r, SIGNET_ANY,
                                    &(signet_connect_opts){.flags = SIGNET_REPLAY}, &c));
    CHECK(strcmp(r.log, "hall=19 ") == 0); /* the cleared topic is not replayed */
    CHECK_OK(signet_bus_destroy(bus));
}

static void retained_calls_that_cannot_name_a_value(void)
{
    signet_bus *bus;
    unsigned char buf[8];

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_PING], "ping", buf, sizeof buf, NULL),
             SIGNET_EINVAL); /* not `retain` */
    CHECK_EQ(signet_retained_copy(bus, &t_signals[T_READING], NULL, buf, sizeof buf, NULL),
             SIGNET_EINVAL); /* its topic has a capture */
    CHECK_EQ(signet_retained_copy(NULL, &t_signals[T_READING], "rooms/a", buf, sizeof buf, NULL),
             SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_PING], NULL), SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, NULL, "rooms/a"), SIGNET_EINVAL);
    CHECK_EQ(signet_retained_clear(bus, &t_signals[T_READING], "rooms/a"), SIGNET_ENOENT);
    CHECK_OK(signet_bus_destroy(bus));
}

static const struct test_case cases[] = {
    {"retained_copy_reads_a_topic_without_subscribing",
     retained_copy_reads_a_topic_without_subscribing},
    {"retained_clear_forgets_one_topic", retained_clear_forgets_one_topic},
    {"retained_calls_that_cannot_name_a_value", retained_calls_that_cannot_name_a_value},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
