/* main.c: a user of signet outside its tree. Connects one receiver, sends
 * one signal and checks it arrived with its payload. Prints "consumer: ok"
 * and exits 0 on success. Depends on the generated hello.signet.h. */
#include "hello.signet.h"

#include <signet.h>
#include <stdio.h>
#include <string.h>

static const char greeter[] = "greeter";

struct seen {
    int calls;
    char who[32];
    uint32_t times;
    const void *sender;
};

static int on_greeted(void *ctx, const signet_event *ev, const hello_greeted *msg)
{
    struct seen *s = ctx;
    s->calls++;
    snprintf(s->who, sizeof s->who, "%s", msg->who);
    s->times = msg->times;
    s->sender = ev->sender;
    return 0;
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_conn conn;
    struct seen seen = {0};
    int rc;

    if ((rc = signet_bus_create(NULL, &bus)) != 0) {
        fprintf(stderr, "bus_create: %s\n", signet_strerror(rc));
        return 1;
    }
    if ((rc = hello_greeted_connect(bus, on_greeted, &seen, SIGNET_ANY, &conn)) != 0) {
        fprintf(stderr, "connect: %s\n", signet_strerror(rc));
        return 1;
    }
    rc = hello_greeted_send(bus, greeter, "world", 3);
    if (rc != 1 || seen.calls != 1 || strcmp(seen.who, "world") != 0 || seen.times != 3 ||
        seen.sender != greeter) {
        fprintf(stderr, "send returned %d; receiver saw %d call(s), who=\"%s\" times=%u\n", rc,
                seen.calls, seen.who, (unsigned)seen.times);
        return 1;
    }
    if ((rc = signet_disconnect(bus, conn)) != 0) {
        fprintf(stderr, "disconnect: %s\n", signet_strerror(rc));
        return 1;
    }
    signet_bus_destroy(bus);
    printf("consumer: ok (%s)\n", hello_schema.ns);
    return 0;
}
