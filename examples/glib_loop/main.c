/* glib_loop/main.c: the GLib main loop runs signet's queued receivers.
 *
 * The queue's fd (signet_queue_fd) becomes a GLib source with
 * g_unix_fd_add(); when it is readable the callback drains the queue with
 * signet_queue_dispatch(), so receivers run on the main loop's thread,
 * where GTK-style code expects them. A worker thread sends door events:
 * the receiver connected with a queue (a queued connection) runs on the
 * loop, the direct one at once on the worker.
 *
 * Depends on the generated sensors.signet.h, on libsignet and on GLib
 * (libglib2.0-dev).
 */
#include "sensors.signet.h"

#include <glib-unix.h>
#include <glib.h>
#include <pthread.h>
#include <signet.h>
#include <stdio.h>

enum { EVENTS = 6 };

static signet_bus *bus;
static signet_queue *ui_queue;
static GMainLoop *loop;
static pthread_t loop_thread;
static int on_loop, on_worker;

static const char *const door_names[] = {"open", "closed", "jammed"};

/* Queued connection: runs on the GLib loop's thread. */
static int ui_on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ctx;
    (void)ev;
    on_loop += pthread_equal(pthread_self(), loop_thread) != 0;
    printf("glib loop: %s door is %s\n", msg->room, door_names[msg->state]);
    if (on_loop == EVENTS)
        g_main_loop_quit(loop);
    return 0;
}

/* Direct connection: runs on the sending thread, at once. */
static int log_on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ctx;
    (void)ev;
    (void)msg;
    on_worker += pthread_equal(pthread_self(), loop_thread) == 0;
    return 0;
}

static gboolean on_queue_ready(gint fd, GIOCondition cond, gpointer data)
{
    (void)fd;
    (void)cond;
    signet_queue_dispatch(data, 0);
    return G_SOURCE_CONTINUE;
}

static void *worker(void *arg)
{
    static const char *const rooms[] = {"front", "back", "garage"};

    (void)arg;
    for (int i = 0; i < EVENTS; i++)
        sensors_door_changed_send(bus, NULL, rooms[i % 3], (sensors_door)(i % 3));
    return NULL;
}

int main(void)
{
    signet_conn conn;
    pthread_t thread;

    loop_thread = pthread_self();
    if (signet_bus_create(NULL, &bus) != 0 || signet_queue_create(bus, NULL, &ui_queue) != 0) {
        fprintf(stderr, "cannot set up the bus\n");
        return 1;
    }
    signet_connect_opts on_ui = {.queue = ui_queue};
    if (sensors_door_changed_connect_opts(bus, ui_on_door, NULL, SIGNET_ANY, &on_ui, &conn) != 0 ||
        sensors_door_changed_connect(bus, log_on_door, NULL, SIGNET_ANY, &conn) != 0) {
        fprintf(stderr, "cannot connect\n");
        return 1;
    }
    loop = g_main_loop_new(NULL, FALSE);
    g_unix_fd_add(signet_queue_fd(ui_queue), G_IO_IN, on_queue_ready, ui_queue);

    pthread_create(&thread, NULL, worker, NULL);
    g_main_loop_run(loop);
    pthread_join(thread, NULL);

    printf("glib loop: %d of %d events on the loop's thread, %d direct calls on the worker\n",
           on_loop, EVENTS, on_worker);
    g_main_loop_unref(loop);
    signet_bus_destroy(bus);
    return on_loop == EVENTS && on_worker == EVENTS ? 0 : 1;
}
