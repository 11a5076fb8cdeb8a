/* pydispatch/main.c: the aio_pydispatch example, in C.
 *
 * The Python original:
 *
 *     server_start.connect(ppp, sender='loading config')
 *     server_stop.connect(ppp)
 *     await server_start.send(sender='loading config', value='foo')
 *     await server_stop.send(value='foo')
 *
 * Here the two signals come from schemas/app.signet, so their payload is a
 * typed struct instead of **kwargs, and a sender is a pointer: receivers
 * connected for a sender get only emissions from that very pointer (two
 * strings with the same text are two different senders). SIGNET_ANY stands
 * for Python's default "any sender".
 *
 * Depends on the generated app.signet.h and on libsignet.
 */
#include "app.signet.h"

#include <signet.h>
#include <stdio.h>
#include <stdlib.h>

/* The senders. Each array has its own address, and that address is the
 * sender's identity. */
static const char loading_config[] = "loading config";
static const char same_text_elsewhere[] = "loading config";

static const char *sender_name(const void *sender)
{
    if (sender == NULL)
        return "(anonymous)";
    if (sender == loading_config)
        return "\"loading config\"";
    if (sender == same_text_elsewhere)
        return "\"loading config\" (another copy of the text)";
    return "(someone else)";
}

/* ppp receives both signals. Their payloads are different C types, so each
 * signal gets a thin typed entry point that shares one body. */
static int ppp(const signet_event *ev, const char *value)
{
    printf("    ppp: %s from %s, value=\"%s\"\n", ev->signal->name, sender_name(ev->sender), value);
    return 0;
}

static int ppp_start(void *ctx, const signet_event *ev, const app_server_start *msg)
{
    (void)ctx;
    return ppp(ev, msg->value);
}

static int ppp_stop(void *ctx, const signet_event *ev, const app_server_stop *msg)
{
    (void)ctx;
    return ppp(ev, msg->value);
}

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", what, signet_strerror(rc));
        exit(1);
    }
}

static void report(int ran)
{
    check(ran, "send");
    printf("    -> send returned %d (%d receiver%s ran)\n", ran, ran, ran == 1 ? "" : "s");
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_conn start_conn, stop_conn;

    check(signet_bus_create(NULL, &bus), "signet_bus_create");

    printf("connect ppp to server_start for sender \"loading config\"\n");
    check(app_server_start_connect(bus, ppp_start, NULL, loading_config, &start_conn),
          "connect server_start");
    printf("connect ppp to server_stop for any sender\n");
    check(app_server_stop_connect(bus, ppp_stop, NULL, SIGNET_ANY, &stop_conn),
          "connect server_stop");

    printf("\nserver_start has receivers for \"loading config\": %s\n",
           app_server_start_has_receivers(bus, loading_config) ? "yes" : "no");
    printf("server_start has receivers for anyone else: %s\n",
           app_server_start_has_receivers(bus, same_text_elsewhere) ? "yes" : "no");

    printf("\nsend server_start from \"loading config\", value \"foo\"\n");
    report(app_server_start_send(bus, loading_config, "foo"));

    printf("send server_start from another copy of \"loading config\", value \"bar\"\n");
    report(app_server_start_send(bus, same_text_elsewhere, "bar"));

    printf("send server_start anonymously, value \"baz\"\n");
    report(app_server_start_send(bus, NULL, "baz"));

    printf("send server_stop anonymously, value \"foo\"\n");
    report(app_server_stop_send(bus, NULL, "foo"));

    printf("send server_stop from \"loading config\", value \"foo\"\n");
    report(app_server_stop_send(bus, loading_config, "foo"));

    printf("\ndisconnect ppp from server_start\n");
    check(signet_disconnect(bus, start_conn), "disconnect");
    printf("send server_start from \"loading config\", value \"foo\"\n");
    report(app_server_start_send(bus, loading_config, "foo"));
    printf("disconnect it again: %s\n", signet_strerror(signet_disconnect(bus, start_conn)));

    check(signet_disconnect(bus, stop_conn), "disconnect");
    signet_bus_destroy(bus);
    return 0;
}
