/* signet_mqtt.h: the MQTT bridge (libsignet_mqtt, CMake target signet::mqtt).
 * Carries a schema's `export` and `import` signals between a signet bus and
 * an MQTT broker: every local send or post of an exported signal is
 * published on its concrete topic as a wire message (docs/wire.md), and
 * every broker message on an imported signal's topic is posted on the bus.
 * Built on libmosquitto; libsignet itself never depends on it. How it
 * behaves, what it counts and how it scales: docs/mqtt.md.
 *
 * Conventions are those of signet.h: 0 or a count on success, a negative
 * SIGNET_E* code on failure (signet_strerror() names each one). One
 * bridge serves one schema on one bus and holds one broker connection;
 * several bridges may share a bus.
 *
 * Threads: a bridge runs either on a thread of its own
 * (signet_mqtt_start()) or in the caller's event loop (signet_mqtt_fd() and
 * signet_mqtt_step(), called from one thread at a time). Posting and
 * sending the exported signals, signet_mqtt_stats() and signet_mqtt_sender()
 * may be called from any thread in both modes.
 */
#ifndef SIGNET_MQTT_H
#define SIGNET_MQTT_H

#include <signet.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is libsignet_mqtt's ABI: exported from the shared
 * library, where everything else is hidden (cmake/SignetOptions.cmake). */
#pragma GCC visibility push(default)

typedef struct signet_mqtt signet_mqtt;

/* Options of a bridge; a zero member takes the default given. */
typedef struct signet_mqtt_options {
    const char *host;           /* the broker; NULL: "127.0.0.1" */
    uint16_t port;              /* 0: 1883, or 8883 with TLS */
    const char *client_id;      /* NULL: one made unique per bridge ("signet-<pid>-<n>-<time>") */
    uint16_t keepalive_s;       /* MQTT keepalive, 5..65535 seconds; 0: 30 */
    uint8_t qos;                /* every signal's QoS, 0 or 1; see signet_mqtt_set_qos() */
    bool resume_session;        /* false: MQTT clean session. true: clean session off, so
                                   the broker keeps the subscriptions and queues QoS 1
                                   messages while the bridge is away (needs client_id) */
    uint32_t session_expiry_s;  /* with resume_session: how long the broker keeps the
                                   session after a disconnect; 0: without end */
    const char *username;       /* NULL: none */
    const char *password;       /* NULL: none (only with username) */
    const char *tls_ca;         /* CA file: non-NULL turns TLS on */
    const char *tls_cert;       /* client certificate and key files, both or neither */
    const char *tls_key;
    uint32_t max_pending;       /* exports handed to the connection and not yet published
                                   (written at QoS 0, acknowledged at QoS 1), at most
                                   SIGNET_MQTT_MAX_PENDING; one more is dropped and
                                   counted; 0: 1000 */
    uint32_t queue_capacity;    /* exports waiting for the bridge's thread (its signet
                                   queue); a full queue drops and counts; 0: 1024 */
    uint32_t slot_size;         /* that queue's bytes per message (payload and strings);
                                   0: the bus's default */
    uint32_t reconnect_min_ms;  /* first wait before reconnecting, doubled on each
                                   failure up to reconnect_max_ms; 0: 100 and 10000 */
    uint32_t reconnect_max_ms;
} signet_mqtt_options;

#define SIGNET_MQTT_MAX_PENDING 32768u

/* Counters of a bridge since it was created. Every export is published,
 * dropped (one of the dropped_* counters), pending, or still in the
 * bridge's queue (what signet_mqtt_destroy() returns); every broker message
 * on the bridge's subscriptions is received, a decode error, an unknown
 * topic or dropped_local. */
typedef struct signet_mqtt_counters {
    uint64_t published;            /* exports the broker took: written at QoS 0,
                                      acknowledged (PUBACK) at QoS 1 */
    uint64_t received;             /* broker messages posted on the bus */
    uint64_t decode_errors;        /* payloads that are not a valid wire message of the
                                      topic's signal (nothing is posted) */
    uint64_t unknown_topics;       /* topics that are no imported signal's */
    uint64_t dropped_disconnected; /* QoS 0 exports while not connected, or written to a
                                      connection that broke before they left */
    uint64_t dropped_backlog;      /* exports over max_pending */
    uint64_t dropped_topic;        /* exports whose concrete topic MQTT cannot carry:
                                      a captured str with invalid UTF-8, a control
                                      character, '+', '#' or '/', or over 65535 bytes */
    uint64_t dropped_queue;        /* exports the bridge's queue refused (full, too big) */
    uint64_t dropped_local;        /* imports the bus refused (signet_post's error) */
    uint64_t dropped_refused;      /* QoS 1 exports the broker refused (PUBACK reason code
                                      0x80 or more, e.g. not authorised) */
    uint64_t reconnects;           /* connections made after the first one */
    uint32_t pending;              /* handed to the connection, not yet published */
    bool connected;                /* the broker accepted the connection, and the
                                      subscriptions are acknowledged */
    int last_error;                /* the last connection failure, 0 once connected:
                                      SIGNET_EREFUSED, SIGNET_ETLS or SIGNET_ENOTCONN */
} signet_mqtt_counters;

/* Creates a bridge between bus and a broker for schema's `export` and
 * `import` signals: connects its export receivers to the bus (a queued
 * connection per exported signal, on a queue of the bridge's own). Does
 * not touch the network yet: that starts with signet_mqtt_start() or the
 * first signet_mqtt_step(). opts may be NULL. Returns 0, SIGNET_EINVAL
 * (a NULL argument, an option out of range, resume_session without
 * client_id, a schema with no export or import signal), SIGNET_EABI,
 * SIGNET_ETLS (a TLS file that cannot be read) or SIGNET_ENOMEM. The bridge
 * must be destroyed before its bus. */
SIGNET_NODISCARD int signet_mqtt_create(signet_bus *bus, const signet_schema_info *schema,
                                        const signet_mqtt_options *opts, signet_mqtt **out);

/* Sets the QoS (0 or 1) of one export or import signal of the bridge's
 * schema, in place of opts.qos; before signet_mqtt_start() or the first
 * signet_mqtt_step(). Returns 0 or SIGNET_EINVAL (not a signal of the
 * schema, not export or import, qos not 0 or 1, or too late). */
int signet_mqtt_set_qos(signet_mqtt *m, const signet_signal_info *sig, int qos);

/* The sender of every post the bridge makes: connect a receiver with it
 * to get only what came from the broker. */
const void *signet_mqtt_sender(const signet_mqtt *m);

/* Runs the bridge on a thread of its own until signet_mqtt_destroy().
 * Returns 0, SIGNET_EINVAL (started already, or stepped) or SIGNET_ENOMEM. */
SIGNET_NODISCARD int signet_mqtt_start(signet_mqtt *m);

/* For the caller's event loop: a file descriptor that is readable when the
 * bridge has work (a message from the broker, room on the socket, exports
 * waiting, a timer for keepalive or reconnecting). Poll it for reading and
 * call signet_mqtt_step(m, 0) when it is; it stays the same fd for the
 * bridge's life. -1 (SIGNET_EINVAL) for a NULL bridge. */
int signet_mqtt_fd(const signet_mqtt *m);

/* Does the bridge's work that is ready, waiting at most timeout_ms for
 * some (0: none; -1: until there is some). Connects on the first call and
 * reconnects with backoff. Returns how many exports and imports it
 * handled, or SIGNET_EINVAL (NULL, or the bridge runs on its own thread)
 * or SIGNET_ENOMEM (the first step, making the subscriptions).
 * Network failures are not errors of the call: they are in the stats. */
int signet_mqtt_step(signet_mqtt *m, int timeout_ms);

/* Waits until the broker has accepted the connection and acknowledged
 * every subscription, at most timeout_ms. Without a thread of its own, it
 * steps the bridge itself (call it where signet_mqtt_step() is called).
 * Returns 0, SIGNET_EREFUSED or SIGNET_ETLS at once when the broker or
 * the TLS handshake refused the connection (the bridge keeps retrying),
 * SIGNET_ENOTCONN when no broker accepted it by the deadline (none
 * reachable, or one that does not answer), SIGNET_ENOMEM (the first step's
 * subscriptions) or SIGNET_EINVAL. */
int signet_mqtt_wait_ready(signet_mqtt *m, uint32_t timeout_ms);

/* Waits until no export waits, in the bridge's queue or in the
 * connection (every one was published or dropped), at most timeout_ms;
 * steps the bridge itself when it has no thread. Returns 0,
 * SIGNET_ETIMEDOUT (some still wait: pending or in the queue, see
 * signet_mqtt_stats()) or SIGNET_EINVAL. */
int signet_mqtt_flush(signet_mqtt *m, uint32_t timeout_ms);

/* Fills *out; from any thread. Returns 0 or SIGNET_EINVAL. */
int signet_mqtt_stats(const signet_mqtt *m, signet_mqtt_counters *out);

/* Stops the bridge's thread, disconnects its receivers, disconnects from
 * the broker and frees it. Returns how many exports were still waiting
 * (in its queue or in the connection) and so are dropped: call
 * signet_mqtt_flush() first to send them. NULL gives 0. Not from inside a
 * receiver. */
int signet_mqtt_destroy(signet_mqtt *m);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
