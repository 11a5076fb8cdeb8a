/* uv_loop/main.c: a libuv event loop that runs signet's queued receivers
 * on its own thread.
 *
 * A worker thread posts sensor readings (sensors_temp_post) while the main
 * thread runs uv_run(); a uv_poll_t watches the bus's fd (signet_bus_fd),
 * and its callback drains the queue with signet_bus_dispatch(), so every
 * receiver runs on the loop's thread. Once every reading has arrived, the
 * callback stops the poll handle and closes it, and uv_run() returns. A
 * uv_timer_t ends the loop instead if the readings stop coming.
 *
 * Depends on the generated sensors.signet.h, on libsignet and on libuv.
 */
/* uv.h uses POSIX types (pthread_rwlock_t) that strict C11 hides. */
#define _POSIX_C_SOURCE 200809L

#include "sensors.signet.h"

#include <pthread.h>
#include <signet.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

enum { READINGS = 10, TIMEOUT_MS = 5000 };

static signet_bus *bus;

struct loop_state {
    int received;
    double sum;
    uv_poll_t poll;
    uv_timer_t timeout;
};

/* ---- the receiver: runs on the loop's thread ------------------------------- */

static int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    struct loop_state *st = ctx;
    char topic[64];

    st->received++;
    st->sum += msg->celsius;
    printf("loop: %s = %.1f C\n", signet_event_topic(ev, topic, sizeof topic), msg->celsius);
    return 0;
}

/* ---- the loop's handles ------------------------------------------------------ */

static void stop(struct loop_state *st)
{
    uv_poll_stop(&st->poll);
    uv_close((uv_handle_t *)&st->poll, NULL);
    uv_timer_stop(&st->timeout);
    uv_close((uv_handle_t *)&st->timeout, NULL);
}

/* The bus's fd is readable: messages wait. */
static void on_readable(uv_poll_t *handle, int status, int events)
{
    struct loop_state *st = handle->data;

    if (status < 0) {
        fprintf(stderr, "loop: %s\n", uv_strerror(status));
        stop(st);
        return;
    }
    if (events & UV_READABLE)
        signet_bus_dispatch(bus, 0);
    if (st->received == READINGS)
        stop(st);
}

static void on_timeout(uv_timer_t *timer)
{
    fprintf(stderr, "loop: timed out\n");
    stop(timer->data);
}

/* ---- the producer: another thread ------------------------------------------ */

static void *producer(void *arg)
{
    char room[16];

    (void)arg;
    for (int i = 0; i < READINGS; i++) {
        snprintf(room, sizeof room, "room%d", i % 3);
        int rc = sensors_temp_post(bus, NULL, room, (uint32_t)i, 20.0 + i * 0.5);
        if (rc < 0)
            fprintf(stderr, "post: %s\n", signet_strerror(rc));
        memset(room, '?', sizeof room - 1); /* the queue kept a copy */
    }
    return NULL;
}

int main(void)
{
    struct loop_state st = {0};
    signet_conn conn;
    pthread_t thread;
    uv_loop_t *loop = uv_default_loop();

    if (signet_bus_create(NULL, &bus) != 0 ||
        sensors_temp_connect(bus, on_temp, &st, SIGNET_ANY, &conn) != 0 ||
        uv_poll_init(loop, &st.poll, signet_bus_fd(bus)) != 0 ||
        uv_timer_init(loop, &st.timeout) != 0) {
        fprintf(stderr, "cannot set up the bus and the loop\n");
        return 1;
    }
    st.poll.data = &st;
    st.timeout.data = &st;
    uv_poll_start(&st.poll, UV_READABLE, on_readable);
    uv_timer_start(&st.timeout, on_timeout, TIMEOUT_MS, 0);

    pthread_create(&thread, NULL, producer, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    pthread_join(thread, NULL);
    printf("loop: %d readings, mean %.2f C\n", st.received,
           st.received ? st.sum / st.received : 0.0);

    signet_stats stats;
    if (signet_bus_stats(bus, &stats) == 0)
        printf("bus: posted %llu, delivered %llu, dropped %llu\n",
               (unsigned long long)stats.posted, (unsigned long long)stats.delivered,
               (unsigned long long)stats.dropped);
    uv_loop_close(loop);
    signet_bus_destroy(bus);
    return st.received == READINGS ? 0 : 1;
}
