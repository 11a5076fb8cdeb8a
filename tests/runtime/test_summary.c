/* test_summary.c: what the receivers said (signet_summary): the generated
 * <ns>_<signal>_send_summary() of t.signet (fixture.h) counts the
 * receivers and pattern subscribers that ran, the errors they returned,
 * the connection that stopped the emission and the messages queued, and
 * writes each one's answer, in order, into a bounded caller array. */
#include "fixture.h"

static int answer(void *ctx, const signet_event *ev, const t_ping *msg)
{
    (void)ev;
    (void)msg;
    return *(const int *)ctx;
}

static int answer_reading(void *ctx, const signet_event *ev, const t_reading *msg)
{
    (void)ev;
    (void)msg;
    return *(const int *)ctx;
}

static int answer_bare(void *ctx, const signet_event *ev)
{
    (void)ev;
    return *(const int *)ctx;
}

static int answer_generic(void *ctx, const signet_event *ev, const void *payload)
{
    (void)ev;
    (void)payload;
    return *(const int *)ctx;
}

static bool same_conn(signet_conn a, signet_conn b)
{
    return a.index == b.index && a.generation == b.generation;
}

static const int zero = 0, minus5 = -5, minus7 = -7, stop = SIGNET_STOP;

static void summary_counts_ran_failed_and_first_error(void)
{
    signet_bus *bus;
    signet_conn c1, c2, c3;
    signet_summary s = {0};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&zero, NULL, &c1));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus5, NULL, &c2));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus7, NULL, &c3));
    CHECK_EQ(t_ping_send_summary(bus, NULL, &(t_ping){1}, &s), 3);
    CHECK_EQ(s.ran, 3);
    CHECK_EQ(s.failed, 2);
    CHECK_EQ(s.first_error, -5);
    CHECK(same_conn(s.stopped_by, (signet_conn){0, 0}));
    CHECK_EQ(s.queued, 0);
    CHECK_EQ(s.results_len, 0); /* no array given */
    CHECK_EQ(signet_bus_error_count(bus), 2); /* errors still reach the bus */
    CHECK_OK(signet_bus_destroy(bus));
}

static void summary_names_the_connection_that_stopped(void)
{
    signet_bus *bus;
    signet_conn c1, c2, c3;
    signet_summary s = {0};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&zero, NULL, &c1));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&stop, NULL, &c2));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus5, NULL, &c3));
    CHECK_EQ(t_ping_send_summary(bus, NULL, &(t_ping){1}, &s), 2);
    CHECK_EQ(s.ran, 2);
    CHECK_EQ(s.failed, 0);
    CHECK(same_conn(s.stopped_by, c2));
    CHECK_OK(signet_bus_destroy(bus));
}

static void summary_results_are_in_order_and_bounded(void)
{
    signet_bus *bus;
    signet_conn c1, c2, c3;
    signet_result res[2];
    signet_summary s = {.results = res, .results_cap = 2, .ran = 99};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus7, NULL, &c1));
    CHECK_OK(t_ping_connect_opts(bus, answer, (void *)&zero, NULL,
                                 &(signet_connect_opts){.priority = 5}, &c2));
    CHECK_OK(t_ping_connect(bus, answer, (void *)&minus5, NULL, &c3));
    CHECK_EQ(t_ping_send_summary(bus, NULL, &(t_ping){1}, &s), 3);
    CHECK_EQ(s.ran, 3); /* zeroed first, then counted */
    CHECK_EQ(s.results_len, 2); /* ran > results_len: the array was too short */
    CHECK(same_conn(res[0].conn, c2));
    CHECK_EQ(res[0].rc, 0);
    CHECK(same_conn(res[1].conn, c1));
    CHECK_EQ(res[1].rc, -7);
    CHECK(s.results == res && s.results_cap == 2);
    CHECK_EQ(s.first_error, -7);
    CHECK_OK(signet_bus_destroy(bus));
}

static void summary_counts_pattern_subscribers_and_queued_messages(void)
{
    signet_bus *bus;
    signet_conn direct, queued, sub;
    signet_result res[4];
    signet_summary s = {.results = res, .results_cap = 4};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_OK(t_reading_connect(bus, answer_reading, (void *)&zero, NULL, &direct));
    CHECK_OK(t_reading_connect_opts(bus, answer_reading, (void *)&minus5, NULL,
                                    &(signet_connect_opts){.queue = signet_bus_queue(bus)},
                                    &queued));
    CHECK_OK(signet_subscribe_pattern(bus, &t_schema, "rooms/+", answer_generic, (void *)&minus7,
                                      NULL, NULL, &sub));
    const t_reading hall = {"hall", 3};
    CHECK_EQ(t_reading_send_summary(bus, NULL, &hall, &s), 2);
    CHECK_EQ(s.ran, 2);
    CHECK_EQ(s.queued, 1);
    CHECK_EQ(s.failed, 1);
    CHECK_EQ(s.first_error, -7);
    CHECK_EQ(s.results_len, 2);
    CHECK(same_conn(res[0].conn, direct));
    CHECK(same_conn(res[1].conn, sub));
    CHECK_EQ(res[1].rc, -7);
    CHECK_EQ(signet_bus_dispatch(bus, 0), 1); /* the queued receiver runs later */
    CHECK_OK(signet_bus_destroy(bus));
}

static void summary_of_a_signal_without_payload_and_bad_calls(void)
{
    signet_bus *bus;
    signet_conn c;
    signet_summary s = {0};

    CHECK_OK(signet_bus_create(NULL, &bus));
    CHECK_EQ(t_bare_send_summary(bus, NULL, &s), 0);
    CHECK_EQ(s.ran, 0);
    CHECK_OK(t_bare_connect(bus, answer_bare, (void *)&minus5, NULL, &c));
    CHECK_EQ(t_bare_send_summary(bus, NULL, &s), 1);
    CHECK_EQ(s.ran, 1);
    CHECK_EQ(s.first_error, -5);
    CHECK_EQ(t_bare_send_summary(bus, NULL, NULL), SIGNET_EINVAL);
    CHECK_EQ(t_bare_send_summary(NULL, NULL, &s), SIGNET_EINVAL);
    CHECK_EQ(t_ping_send_summary(bus, NULL, NULL, &s), SIGNET_EINVAL);
    CHECK_OK(signet_bus_destroy(bus));
}

static const struct test_case cases[] = {
    {"summary_counts_ran_failed_and_first_error", summary_counts_ran_failed_and_first_error},
    {"summary_names_the_connection_that_stopped", summary_names_the_connection_that_stopped},
    {"summary_results_are_in_order_and_bounded", summary_results_are_in_order_and_bounded},
    {"summary_counts_pattern_subscribers_and_queued_messages",
     summary_counts_pattern_subscribers_and_queued_messages},
    {"summary_of_a_signal_without_payload_and_bad_calls",
     summary_of_a_signal_without_payload_and_bad_calls},
};

int main(int argc, char **argv)
{
    return run_case(cases, sizeof cases / sizeof cases[0], argc, argv);
}
