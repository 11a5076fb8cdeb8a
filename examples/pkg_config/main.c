/* pkg_config/main.c: a program built outside CMake, by the Makefile or by
 * meson.build beside it, against the installed signet (pkg-config).
 * Connects a receiver for any sender, sends two greetings and prints what
 * arrived, with the concrete topic of each. Depends on the generated
 * greet.signet.h and on libsignet. */
#include "greet.signet.h"

#include <signet.h>
#include <stdio.h>

static const char greeter[] = "greeter";

static int on_greeted(void *ctx, const signet_event *ev, const greet_greeted *msg)
{
    int *calls = ctx;
    char topic[64];

    ++*calls;
    printf("greet: %s: hello %s (%u)\n", signet_event_topic(ev, topic, sizeof topic), msg->who,
           (unsigned)msg->times);
    return 0;
}

int main(void)
{
    signet_bus *bus;
    signet_conn conn;
    int calls = 0;

    if (signet_bus_create(NULL, &bus) != 0 ||
        greet_greeted_connect(bus, on_greeted, &calls, SIGNET_ANY, &conn) < 0) {
        fprintf(stderr, "greet: cannot set up the bus\n");
        return 1;
    }
    greet_greeted_send(bus, greeter, "world", 1);
    greet_greeted_send(bus, greeter, "make", 2);
    signet_bus_destroy(bus);
    printf("greet: %d greetings\n", calls);
    return calls == 2 ? 0 : 1;
}
