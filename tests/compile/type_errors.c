/* type_errors.c: a receiver of the wrong type, or the payload struct of
 * another signal, is a compile error, in C (the generated header's _Generic
 * macros) and in C++ (which refuses the conversion itself). Compiled, never
 * run, by expect.cmake, one case per CTest test, chosen with -DCASE_<name>
 * (the errors without -Werror: they are not warnings):
 *   CASE_RIGHT         the right types, NULL, a call by address and one
 *                      that bypasses the macro: compiles
 *   CASE_CONNECT       a door_changed receiver to temp's _connect: an error
 *   CASE_CONNECT_OPTS  the same through _connect_opts
 *   CASE_SUBSCRIBE     a door_changed receiver to a pattern of temp topics
 *   CASE_SEND_MSG      a door_changed payload to temp's _send_msg
 *   CASE_POST_MSG      the same to _post_msg
 * Depends on the generated sensors.signet.h and on signet.h. */
#include "sensors.signet.h"

#include <stddef.h>

int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg);
int on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg);
int use(signet_bus *bus, signet_conn *out);

int on_temp(void *ctx, const signet_event *ev, const sensors_temp *msg)
{
    (void)ctx;
    (void)ev;
    return msg->sensor != 0;
}

int on_door(void *ctx, const signet_event *ev, const sensors_door_changed *msg)
{
    (void)ctx;
    (void)ev;
    return msg->state == SENSORS_DOOR_OPEN;
}

int use(signet_bus *bus, signet_conn *out)
{
    sensors_temp temp = {"kitchen", 7, 21.5};
    sensors_door_changed door = {"hall", SENSORS_DOOR_OPEN};
    int n = 0;

    (void)temp;
    (void)door;
    (void)out;
#if defined(CASE_RIGHT)
    int (*connect)(signet_bus *, sensors_temp_fn *, void *, const void *, signet_conn *) =
        &sensors_temp_connect;
    const sensors_temp *ctemp = &temp;
    n += sensors_temp_connect(bus, on_temp, NULL, SIGNET_ANY, out);
    n += sensors_temp_connect(bus, &on_temp, NULL, SIGNET_ANY, out);
    n += sensors_temp_connect(bus, NULL, NULL, SIGNET_ANY, out);
    n += sensors_temp_connect_opts(bus, on_temp, NULL, SIGNET_ANY, NULL, out);
    n += sensors_kitchen_subscribe(bus, on_temp, NULL, SIGNET_ANY, out);
    n += sensors_doors_subscribe_opts(bus, on_door, NULL, SIGNET_ANY, NULL, out);
    n += connect(bus, on_temp, NULL, SIGNET_ANY, out);
    n += (sensors_temp_connect)(bus, on_temp, NULL, SIGNET_ANY, out);
    n += sensors_temp_send_msg(bus, NULL, &temp);
    n += sensors_temp_send_msg(bus, NULL, ctemp);
    n += sensors_temp_send_msg(bus, NULL, NULL);
    n += sensors_temp_post_msg(bus, NULL, &temp);
    n += sensors_door_changed_post_msg(bus, NULL, &door);
#elif defined(CASE_CONNECT)
    n += sensors_temp_connect(bus, on_door, NULL, SIGNET_ANY, out);
#elif defined(CASE_CONNECT_OPTS)
    n += sensors_temp_connect_opts(bus, on_door, NULL, SIGNET_ANY, NULL, out);
#elif defined(CASE_SUBSCRIBE)
    n += sensors_kitchen_subscribe(bus, on_door, NULL, SIGNET_ANY, out);
#elif defined(CASE_SEND_MSG)
    n += sensors_temp_send_msg(bus, NULL, &door);
#elif defined(CASE_POST_MSG)
    n += sensors_temp_post_msg(bus, NULL, &door);
#endif
    return n;
}
