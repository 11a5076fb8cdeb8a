/* link.h: one broker connection (link.c), the bridge's only contact with
 * libmosquitto: connect, publish bytes on a topic, subscribe to filters,
 * and one file descriptor plus a step for the caller's loop. Everything a
 * second transport would have to provide is here. */
#ifndef SIGNET_MQTT_LINK_H
#define SIGNET_MQTT_LINK_H

#include <signet.h>

#include <stdatomic.h>

struct link;

/* What the link tells its owner, on the thread that steps it. */
struct link_handler {
    void *ctx;
    /* A message on one of the link's subscriptions. */
    void (*message)(void *ctx, const char *topic, const void *payload, size_t len);
};

struct link_options {
    const char *host;
    int port;
    const char *client_id;
    int keepalive_s;
    bool resume_session;
    uint32_t session_expiry_s;  /* with resume_session; UINT32_MAX: without end */
    const char *username, *password;
    const char *tls_ca, *tls_cert, *tls_key;
    uint32_t max_pending;
    uint32_t reconnect_min_ms, reconnect_max_ms;
};

/* The link's counters, written by the stepping thread, read from any. */
struct link_counters {
    _Atomic uint64_t published, dropped_disconnected, dropped_backlog, dropped_topic,
        dropped_refused, reconnects;
    _Atomic uint32_t pending;
    _Atomic bool ready;
    _Atomic int last_error;
};

/* Makes a link (not connected yet: the first step connects). Returns 0,
 * SIGNET_EINVAL, SIGNET_ETLS or SIGNET_ENOMEM. */
int link_create(const struct link_options *o, const struct link_handler *h, struct link **out);
/* Adds an MQTT filter, subscribed (with no-local) on every connect;
 * before the first step. */
int link_subscribe(struct link *l, const char *filter, int qos);
/* Adds fd to the link's poll set: link_step() reports it readable. */
int link_watch(struct link *l, int fd);
/* The one fd that is readable when link_step() has work. */
int link_fd(const struct link *l);
/* Waits at most timeout_ms (-1: without end, until link_wake()) and
 * services the connection; *watched tells whether the watched fd was
 * readable. Returns 0. */
int link_step(struct link *l, int timeout_ms, bool *watched);
/* Wakes a link_step() waiting on another thread, once. */
void link_wake(struct link *l);
/* Hands a message to the connection. 0 when it is pending (or published
 * already); else the counter it was dropped into has been incremented and
 * the result is SIGNET_ENOTCONN (QoS 0 while not connected),
 * SIGNET_EFULL (max_pending reached) or SIGNET_EBADTOPIC. */
int link_publish(struct link *l, const char *topic, const void *payload, size_t len, int qos,
                 bool retain);
const struct link_counters *link_counters(const struct link *l);
/* CLOCK_MONOTONIC in milliseconds: the clock of the link's timers. */
uint64_t link_now_ms(void);
/* Disconnects and frees; returns how many messages were still pending. */
uint32_t link_destroy(struct link *l);

#endif
