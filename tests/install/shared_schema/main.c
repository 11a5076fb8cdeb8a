/* main.c: one of the four programs of shared_schema (USER is 1 to 4):
 * sends one greeting through the generated API and prints it. */
#include "hello.signet.h"

#include <signet.h>
#include <stdio.h>

static int on_greeted(void *ctx, const signet_event *ev, const hello_greeted *msg)
{
    (void)ctx;
    (void)ev;
    printf("user%d: %s %u\n", USER, msg->who, (unsigned)msg->times);
    return 0;
}

int main(void)
{
    signet_bus *bus;
    signet_conn conn;

    if (signet_bus_create(NULL, &bus) != 0 ||
        hello_greeted_connect(bus, on_greeted, NULL, SIGNET_ANY, &conn) < 0)
        return 1;
    int ran = hello_greeted_send(bus, NULL, "shared", USER);
    signet_bus_destroy(bus);
    return ran == 1 ? 0 : 1;
}
