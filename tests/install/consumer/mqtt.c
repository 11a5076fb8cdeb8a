/* mqtt.c: a user of the MQTT bridge (signet::mqtt) outside signet's tree.
 * Makes a bridge for its bus and bridged.signet, aimed at a port where
 * nothing listens (a socket bound there and not listening refuses every
 * connection), and checks that waiting for the broker says
 * SIGNET_ENOTCONN. Prints "consumer_mqtt: ok" and exits 0 on success.
 * Depends on the generated bridged.signet.h, libsignet_mqtt and
 * libmosquitto. */
#define _POSIX_C_SOURCE 200809L
#include "bridged.signet.h"

#include <signet_mqtt.h>

#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* A loopback port nobody listens on, held by *fd; 0 on failure. */
static uint16_t closed_port(int *fd)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;

    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    return ntohs(a.sin_port);
}

int main(void)
{
    signet_bus *bus = NULL;
    signet_mqtt *m = NULL;
    int fd, rc;
    uint16_t port = closed_port(&fd);

    if (port == 0) {
        perror("consumer_mqtt: socket");
        return 1;
    }
    signet_mqtt_options o = {.host = "127.0.0.1", .port = port, .reconnect_min_ms = 20};
    if ((rc = signet_bus_create(NULL, &bus)) != 0 ||
        (rc = signet_mqtt_create(bus, &bridged_schema, &o, &m)) != 0) {
        fprintf(stderr, "consumer_mqtt: create: %s\n", signet_strerror(rc));
        return 1;
    }
    rc = signet_mqtt_wait_ready(m, 200);
    signet_mqtt_destroy(m);
    signet_bus_destroy(bus);
    close(fd);
    if (rc != SIGNET_ENOTCONN) {
        fprintf(stderr, "consumer_mqtt: wait_ready returned %d (%s), not SIGNET_ENOTCONN\n", rc,
                signet_strerror(rc));
        return 1;
    }
    printf("consumer_mqtt: ok (%s, port %u: %s)\n", bridged_schema.ns, (unsigned)port,
           signet_strerror(rc));
    return 0;
}
