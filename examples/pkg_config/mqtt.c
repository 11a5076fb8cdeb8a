/* pkg_config/mqtt.c: greet_mqtt, the MQTT bridge in a project built outside
 * CMake (`make greet_mqtt`, or meson.build when pkg-config finds
 * signet_mqtt). Sends one greeting, which the bridge publishes on
 * greetings/mqtt through the broker at 127.0.0.1 (port 1883, or the first
 * argument), and exits once the broker has it; without a broker it says so
 * and exits 1. Watch it with `mosquitto_sub -v -t 'greetings/#'`.
 * Depends on the generated greet.signet.h, libsignet_mqtt and libsignet. */
#include "greet.signet.h"

#include <signet.h>
#include <signet_mqtt.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    signet_mqtt_options o = {.host = "127.0.0.1", .port = 1883, .qos = 1};
    signet_bus *bus;
    signet_mqtt *m;
    int rc;

    if (argc > 1)
        o.port = (uint16_t)atoi(argv[1]);
    if (signet_bus_create(NULL, &bus) != 0)
        return 1;
    if ((rc = signet_mqtt_create(bus, &greet_schema, &o, &m)) != 0) {
        fprintf(stderr, "greet_mqtt: %s\n", signet_strerror(rc));
        signet_bus_destroy(bus);
        return 1;
    }
    /* Without a thread of its own, the bridge is stepped by these waits. */
    if ((rc = signet_mqtt_wait_ready(m, 2000)) == 0 &&
        (rc = greet_greeted_send(bus, NULL, "mqtt", 1)) >= 0)
        rc = signet_mqtt_flush(m, 2000);
    if (rc == 0)
        printf("greet_mqtt: published greetings/mqtt\n");
    else
        fprintf(stderr, "greet_mqtt: the broker at %s:%u: %s\n", o.host, (unsigned)o.port,
                signet_strerror(rc));
    signet_mqtt_destroy(m);
    signet_bus_destroy(bus);
    return rc == 0 ? 0 : 1;
}
