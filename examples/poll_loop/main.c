/* poll_loop/main.c: a poll(2) event loop that runs signet's queued
 * receivers on its own thread.
 *
 * A worker thread posts sensor readings (sensors_temp_post) while the main
 * thread sleeps in poll() on the bus's fd (signet_bus_fd) next to its other
 * fds; when the fd is readable, the loop drains the queue with
 * signet_bus_dispatch(), so every receiver runs on the loop's thread. The
 * strings the worker passes live in its own buffer, which it overwrites
 * right after each post: the queue holds copies.
 *
 * Depends on the generated sensors.signet.h and on libsignet.
 */
#include "sensors.signet.h"

#include <poll.h>
#include <pthread.h>
#include <signet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READINGS = 10 };

static signet_bus *bus;

/* ---- the receiver: runs on the loop's thread ------------------------------- */

struct loop_state {
    int received;
    double sum;
};

static int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    struct loop_state *st = ctx;
    char topic[64];

    st->received++;
    st->sum += msg->celsius;
    printf("loop: %s = %.1f C\n", signet_event_topic(ev, topic, sizeof topic), msg->celsius);
    return 0;
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
    struct loop_state st = {0, 0.0};
    signet_conn conn;
    pthread_t thread;

    if (signet_bus_create(NULL, &bus) != 0 ||
        sensors_temp_connect(bus, on_temp, &st, SIGNET_ANY, &conn) != 0) {
        fprintf(stderr, "cannot set up the bus\n");
        return 1;
    }
    struct pollfd fds[1] = {{signet_bus_fd(bus), POLLIN, 0}};

    pthread_create(&thread, NULL, producer, NULL);
    while (st.received < READINGS) {
        if (poll(fds, 1, 5000) <= 0) {
            fprintf(stderr, "loop: timed out\n");
            break;
        }
        if (fds[0].revents & POLLIN)
            signet_bus_dispatch(bus, 0);
    }
    pthread_join(thread, NULL);
    printf("loop: %d readings, mean %.2f C\n", st.received, st.sum / st.received);

    signet_stats stats;
    if (signet_bus_stats(bus, &stats) == 0)
        printf("bus: posted %llu, delivered %llu, dropped %llu\n",
               (unsigned long long)stats.posted, (unsigned long long)stats.delivered,
               (unsigned long long)stats.dropped);
    signet_bus_destroy(bus);
    return st.received == READINGS ? 0 : 1;
}
