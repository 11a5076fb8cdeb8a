/* signet.h: the signet runtime (libsignet), the only header generated code
 * and users include. It knows nothing about schemas: signetc's generated code
 * describes each signal with a signet_signal_info and calls the functions
 * below. Implemented by runtime/src/ (docs/design.md, "Runtime layers").
 *
 * Conventions
 *   - Fallible calls return 0 or a count on success and a negative SIGNET_E*
 *     code on failure; signet_strerror() names every code.
 *   - Every function may be called from any thread unless its comment says
 *     otherwise.
 *   - Requires GCC or Clang (the emission loop uses __atomic builtins).
 */
#ifndef SIGNET_H
#define SIGNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is libsignet's ABI: exported from the shared
 * library, where everything else is hidden (cmake/SignetOptions.cmake). */
#pragma GCC visibility push(default)

#define SIGNET_VERSION_MAJOR 0
#define SIGNET_VERSION_MINOR 1
#define SIGNET_VERSION_STRING "0.1"

/* Bumped whenever generated code and the runtime stop being compatible.
 * Generated headers refuse to compile against a different value. */
#define SIGNET_ABI 10

/* Marks the calls whose result must be checked, because going on after
 * their failure is a bug: the creates, connects and subscribes,
 * signet_emit_begin() and signet_queue_start(). The calls whose result a
 * cleanup path may ignore (signet_disconnect(), the destroys) do not have
 * it: gcc does not let a (void) cast silence warn_unused_result. A program
 * may define SIGNET_NODISCARD itself before including this header: empty,
 * or [[nodiscard]] in C23 and C++17, which a (void) cast silences. */
#ifndef SIGNET_NODISCARD
#if defined(__GNUC__) || defined(__clang__)
#define SIGNET_NODISCARD __attribute__((warn_unused_result))
#else
#define SIGNET_NODISCARD
#endif
#endif

/* ---------------------------------------------------------------------------
 * Error codes
 *
 * One table makes the constants and signet_strerror(). EREFUSED, ENOTCONN
 * and ETLS come from the MQTT bridge (signet::mqtt); libsignet itself never
 * returns them.
 */
/* clang-format off */
#define SIGNET_ERRNO_MAP(X)                                                     \
    X(EINVAL,  -1, "invalid argument")                                          \
    X(ENOMEM,  -2, "out of memory")                                             \
    X(ENOENT,  -3, "no such connection (stale, unknown or already disconnected handle)") \
    X(ELIMIT,  -4, "limit reached (too many receivers on this signal)")         \
    X(EABI,    -5, "generated code does not match this runtime (regenerate)")   \
    X(ETOOBIG, -6, "payload too large for the queue's slots")                   \
    X(EFULL,   -7, "queue full (the message was dropped)")                      \
    X(ETIMEDOUT, -8, "timed out (waiting for room in a full queue, or for a bridge's flush)") \
    X(ECLOSED, -9, "queue closed (being destroyed)")                            \
    X(EBUSY,  -10, "not allowed from this thread now (inside a receiver or a worker)") \
    X(ENOTOPIC, -11, "no signal of the schema has this topic")                  \
    X(EBADTOPIC, -12, "malformed topic (empty, or a level holds '+' or '#')")   \
    X(ETOPICLEN, -13, "topic too long (over 1024 bytes or 64 levels)")          \
    X(ENUL,   -14, "topic holds a NUL byte")                                    \
    X(ETYPE,  -15, "wrong payload type for the topic's signal")                 \
    X(EPATTERN, -16, "malformed pattern (wildcards must fill a whole level, '#' only last)") \
    X(EDECODE, -17, "malformed wire message (not well-formed CBOR, truncated or trailing bytes)") \
    X(EWIRETYPE, -18, "wire message field of the wrong CBOR type or array length") \
    X(ERANGE, -19, "wire message integer out of its field's range")             \
    X(EUTF8,  -20, "wire message string not valid UTF-8, or holding a NUL byte") \
    X(EDUPKEY, -21, "wire message field number given twice in one map")         \
    X(EDEPTH, -22, "wire message nested deeper than SIGNET_WIRE_MAX_DEPTH")     \
    X(ENOSPC, -23, "buffer too small for the encoded message or the decoded strings") \
    X(EREFUSED, -24, "refused by the broker (bad credentials or not authorised)") \
    X(ENOTCONN, -25, "not connected to the broker")                             \
    X(ETLS,   -26, "TLS setup failed (CA, certificate or key file)")            \
    X(EOVERLAP, -27, "a signal topic of this schema overlaps one of another schema on the bus") \
    X(EEVICTED, -28, "a queued message was evicted by a newer one (drop_oldest)") \
    X(EDISCARDED, -29, "a queued message was discarded (its queue or bus was destroyed)") \
    X(EDEADLK, -30, "would wait for a queue this thread dispatches")
/* clang-format on */

enum {
#define SIGNET__ERRNO_ENUM(name, value, text) SIGNET_##name = (value),
    SIGNET_ERRNO_MAP(SIGNET__ERRNO_ENUM)
#undef SIGNET__ERRNO_ENUM
};

/* The positive results. Each has a value of its own, so one int can be
 * told apart whatever returned it; every one of them is a success, so a
 * caller that checks for < 0 carries on. */

/* What a receiver returns to end the current emission: receivers after it
 * are not called. Not an error: the error hook is not told. */
#define SIGNET_STOP 1

/* signet_connect() returns this (with the existing handle in *out) when the
 * same (receiver, ctx, sender) is already connected to the signal with the
 * same options: nothing changes. */
#define SIGNET_EXISTING 3

/* signet_connect() returns this (with the existing handle in *out) when the
 * same (receiver, ctx, sender) is already connected to the signal with
 * other options (priority, flags, queue or filter): the connection keeps
 * its own, the new ones are not applied. To change them, disconnect and
 * connect again. */
#define SIGNET_EXISTING_OPTS 4

/* signet_subscribe_pattern() returns this when the filter can match no
 * topic of any signal of the schema, nor of the other schemas on the bus:
 * the subscription is made (*out is its handle) but its receiver cannot
 * run unless a schema it matches is added later, most likely a misspelt
 * filter. Not an error, so a caller that checks for < 0 carries on. */
#define SIGNET_NOMATCH 2

/* signet_connect() and signet_subscribe_pattern() return this when the
 * connection was made (*out is its handle) with SIGNET_REPLAY but its
 * replay left retained values out: memory ran out while copying them, or,
 * for a queued connection, its queue refused them (full, a payload over
 * its slot_size, or closed). The values given are still oldest first. */
#define SIGNET_REPLAY_SKIPPED 5

/* Returns a static, human-readable name for an error code or one of the
 * positive results above ("unknown error" for values that are neither;
 * "success" for 0). */
const char *signet_strerror(int err);

/* ---------------------------------------------------------------------------
 * Metadata (generated by signetc, read by the runtime and by generic tools)
 */
typedef enum signet_type {
    SIGNET_TYPE_BOOL,
    SIGNET_TYPE_I8,
    SIGNET_TYPE_I16,
    SIGNET_TYPE_I32,
    SIGNET_TYPE_I64,
    SIGNET_TYPE_U8,
    SIGNET_TYPE_U16,
    SIGNET_TYPE_U32,
    SIGNET_TYPE_U64,
    SIGNET_TYPE_F32,
    SIGNET_TYPE_F64,
    SIGNET_TYPE_STR,    /* const char *, NUL-terminated */
    SIGNET_TYPE_ENUM,   /* stored as int32_t-compatible C enum */
    SIGNET_TYPE_STRUCT
} signet_type;

/* What a post does when its queue is full (see signet_queue_options). */
typedef enum signet_overflow {
    SIGNET_OVERFLOW_DEFAULT,      /* the queue's policy (in a signal: no override) */
    SIGNET_OVERFLOW_BLOCK,        /* wait for room until the queue's deadline */
    SIGNET_OVERFLOW_DROP_NEWEST,  /* refuse the new message: SIGNET_EFULL */
    SIGNET_OVERFLOW_DROP_OLDEST   /* evict the oldest waiting message */
} signet_overflow;

typedef struct signet_enum_info signet_enum_info;
typedef struct signet_struct_info signet_struct_info;
typedef struct signet_signal_info signet_signal_info;
typedef struct signet_schema_info signet_schema_info;
typedef struct signet_wire_info signet_wire_info; /* "Wire format" below */
typedef struct signet_bus signet_bus;             /* opaque: "Bus, connections, events" */

struct signet_enum_info {
    const char *name;              /* C type name, e.g. "app_door" */
    uint32_t count;
    const char *const *names;      /* schema names of the values */
    const int64_t *values;
};

typedef struct signet_field_info {
    const char *name;
    signet_type type;
    uint32_t offset;               /* offsetof in the containing struct */
    uint32_t size;                 /* sizeof one element */
    uint32_t array_len;            /* 0 for a scalar, N for T name[N] */
    const signet_enum_info *enum_info;     /* SIGNET_TYPE_ENUM only */
    const signet_struct_info *struct_info; /* SIGNET_TYPE_STRUCT only */
} signet_field_info;

struct signet_struct_info {
    const char *name;              /* C type name, e.g. "app_reading" */
    uint32_t size;
    uint32_t align;
    uint32_t field_count;
    const signet_field_info *fields;
};

struct signet_recv;
struct signet_event;

/* Field-wise equality of two payloads of one signal (generated for `retain`
 * signals: strings by content, floats with ==, never memcmp). */
typedef bool signet_equal_fn(const void *a, const void *b);

/* Calls receiver r of a signal with a payload taken from a queue: casts
 * r->fn back to the signal's receiver type (generated per signal). */
typedef int signet_invoke_fn(const struct signet_recv *r, const struct signet_event *ev,
                             const void *payload);

/* signet_signal_info.flags */
#define SIGNET_SIGNAL_CAPTURES 0x1u  /* a signal whose topic has {param} levels */
#define SIGNET_SIGNAL_PATTERN 0x2u   /* not a signal: a pattern's subscription list */
#define SIGNET_SIGNAL_RETAIN 0x4u    /* schema `retain` */
#define SIGNET_SIGNAL_EXPORT 0x8u    /* schema `export`: has a wire codec (docs/wire.md) */
#define SIGNET_SIGNAL_IMPORT 0x10u   /* schema `import`: has a wire codec */
#define SIGNET_SIGNAL_PER_SENDER 0x20u /* schema `retain per_sender`: a value per topic and
                                         sender */

/* A signal, or a pattern of the schema: patterns are described with the
 * same structure so that their subscriptions are connections like any
 * other (signet_connect() takes either). */
struct signet_signal_info {
    const char *name;              /* schema name, e.g. "stopped" */
    uint32_t id;                   /* signals: index in the schema's signal table;
                                      patterns: signal_count + pattern index */
    const char *topic;             /* topic template, e.g. "sensors/{room}/temp";
                                      a pattern's filter, e.g. "sensors/+/temp" */
    const signet_struct_info *payload; /* a pattern: its typed payload, NULL if generic */
    const signet_schema_info *schema;
    signet_invoke_fn *invoke;      /* runs a queued message's receiver */
    uint32_t queue_len;            /* schema `queue N`: N, 0 when absent */
    signet_overflow overflow;      /* schema `overflow ...`: the override */
    uint32_t flags;                /* SIGNET_SIGNAL_* */
    const uint32_t *links;         /* signals: the patterns that can match it;
                                      patterns: the signals it can match (ids, ascending) */
    uint32_t nlinks;
    signet_equal_fn *equal;        /* `retain` signals: payload equality; else NULL */
    const signet_wire_info *wire;  /* export or import signals: the payload's wire format
                                      (docs/wire.md); else NULL */
};

/* Sends or posts the signal a concrete topic names, with the payload of that
 * signal: the type of the generated <ns>_publish() and <ns>_publish_post(). */
typedef int signet_publish_fn(signet_bus *bus, const void *sender, const char *topic,
                              size_t len, const signet_struct_info *type,
                              const void *payload);

struct signet_schema_info {
    uint32_t abi;                  /* SIGNET_ABI the code was generated for */
    const char *ns;                /* the schema's namespace */
    const char *source;            /* schema file name (no directories) */
    uint32_t signal_count;
    const signet_signal_info *signals;
    uint32_t pattern_count;
    const signet_signal_info *patterns; /* pattern p has id signal_count + p */
    /* A schema with signals: its <ns>_resolve(), <ns>_publish_post() and
     * <ns>_publish(), so a bridge, or signet_bus_publish(), can route a topic
     * string of any schema. NULL without signals. */
    int (*resolve)(const char *topic, size_t len);   /* <ns>_resolve() */
    signet_publish_fn *publish_post;                 /* <ns>_publish_post() */
    signet_publish_fn *publish;                      /* <ns>_publish() */
};

/* ---------------------------------------------------------------------------
 * Wire format (docs/wire.md)
 *
 * signetc generates, for every `export` or `import` signal,
 * <ns>_<signal>_encode() and <ns>_<signal>_decode(), which call these two
 * with the signal's signet_wire_info: the payload as a CBOR map keyed by
 * field number.
 */

/* Maps and arrays nested in one message, the outer map included: enough
 * for a schema's deepest payload (64 structs, each in an array). */
#define SIGNET_WIRE_MAX_DEPTH 128
/* Fields of one struct or signal (the schema's limit). */
#define SIGNET_WIRE_MAX_FIELDS 1023
/* Keys one map may have that its reader does not know (a newer writer's
 * fields); one more is SIGNET_EDECODE. Remembered so that one of them
 * given twice is SIGNET_EDUPKEY, as a known one is. */
#define SIGNET_WIRE_MAX_UNKNOWN 16

/* How one payload struct travels: its layout, each field's number, and
 * the fields on the wire in ascending number order. Generated; a signal's
 * is its signet_signal_info.wire. */
struct signet_wire_info {
    const signet_struct_info *layout; /* NULL for a signal without parameters */
    uint32_t count;                   /* fields on the wire (captured parameters are not) */
    const uint16_t *order;            /* count field indices, by ascending number */
    const uint16_t *numbers;          /* per field of layout: its field number */
    const signet_wire_info *const *nested; /* per field: a struct's wire info, else NULL;
                                              NULL when no field is a struct */
};

/* Encodes msg into buf[0..size). Sets *len (when not NULL) to the
 * message's length, also when it does not fit; returns 0, SIGNET_ENOSPC
 * (size too small: nothing useful in buf) or SIGNET_EINVAL. A NULL str
 * is CBOR null. Allocates nothing. */
int signet_wire_encode(const signet_wire_info *w, const void *msg, uint8_t *buf, size_t size,
                       size_t *len);

/* Decodes the message buf[0..len) into out, zeroing it first: fields the
 * message lacks read as zero (NULL for a str), keys it has that w does not
 * know are skipped. Strings are copied, NUL-terminated, into
 * strings[0..strings_size); out's str fields point there. Returns 0, or
 * SIGNET_EDECODE, SIGNET_EWIRETYPE, SIGNET_ERANGE, SIGNET_EUTF8,
 * SIGNET_EDUPKEY, SIGNET_EDEPTH, SIGNET_ENOSPC (strings too small) or
 * SIGNET_EINVAL; on an error *out is all zero again. Never reads past
 * buf + len or writes past out or strings; allocates nothing. */
int signet_wire_decode(const signet_wire_info *w, const uint8_t *buf, size_t len, void *out,
                       char *strings, size_t strings_size);

/* ---------------------------------------------------------------------------
 * Payloads as text, for taps, logs and tools
 */

/* Writes a payload of layout type (a signal's signet_signal_info.payload;
 * NULL for a signal without parameters, written as {}) as JSON text (RFC
 * 8259) into buf[0..size), NUL-terminated: an object keyed by field name,
 * in declaration order; bool as true and false; integers exact; an f32
 * with 9 and an f64 with 17 significant digits, so the same value reads
 * back (NaN and infinities, which JSON cannot hold, as null); a str as a
 * string (NULL as null; control characters escaped; a byte that is not
 * part of well-formed UTF-8 as U+FFFD); an enum as the schema's name of
 * its value (its integer when the schema has none); arrays as arrays,
 * nested structs as objects. Sets *len (when not NULL) to the text's
 * length without the NUL, also when it does not fit; returns 0,
 * SIGNET_ENOSPC (size is not more than that length: buf holds "", never a
 * cut text) or SIGNET_EINVAL (payload NULL with a type, buf NULL with a
 * size). Allocates nothing. */
int signet_format_json(const signet_struct_info *type, const void *payload, char *buf,
                       size_t size, size_t *len);

/* ---------------------------------------------------------------------------
 * Bus, connections, events
 */

/* A connection handle. A handle whose slot has since been reused carries an
 * older generation and is rejected with SIGNET_ENOENT: it never reaches the
 * newer connection. {0, 0} is never a valid handle. */
typedef struct signet_conn {
    uint32_t index;
    uint32_t generation;
} signet_conn;

/* The sender value that means "every sender" when connecting. Sending with
 * it (or NULL) is an anonymous emission: only SIGNET_ANY receivers get it. */
#define SIGNET_ANY ((const void *)0)

/* Topic limits (docs/topics.md): bytes and levels. One more of either is
 * SIGNET_ETOPICLEN. */
#define SIGNET_TOPIC_MAX_BYTES 1024
#define SIGNET_TOPIC_MAX_LEVELS 64

/* A buffer size for signet_event_topic() that holds the usual concrete
 * topic, in bytes without the NUL. Not a limit: a topic can be longer (up
 * to SIGNET_TOPIC_MAX_BYTES in a template, more when a captured str is),
 * and then signet_event_topic() returns NULL rather than cut it. */
#define SIGNET_EVENT_TOPIC_MAX 255

/* Distinct run-time pattern filters per schema and bus
 * (signet_subscribe_pattern); one more is SIGNET_ELIMIT. */
#define SIGNET_RUNTIME_PATTERNS_MAX 1024u

/* What a receiver gets besides its payload. Valid only during the call. */
typedef struct signet_event {
    const void *sender;                 /* as passed to send; NULL if anonymous */
    const signet_signal_info *signal;   /* the signal emitted */
    signet_bus *bus;
    signet_conn conn;                   /* the connection being called */
    const signet_signal_info *pattern;  /* the subscription's pattern; NULL for the
                                           signal's own receivers */
    /* private: filled on first use by the accessors below */
    const void *payload_;
    const void *previous_;              /* see signet_event_previous(); valid when the
                                           emission's flags say RETAINED */
    uint64_t seq_;                      /* valid when the emission's flags say SEQ */
    uint64_t time_ns_;                  /* valid when they say TIME */
} signet_event;

/* The per-bus sequence number of this emission (1, 2, ...), assigned the first
 * time any receiver of the emission asks for it, so emissions nobody asks
 * about cost nothing. Numbers are unique per bus and increase in the order
 * they were assigned. */
uint64_t signet_event_seq(const signet_event *ev);

/* CLOCK_MONOTONIC time of the emission in nanoseconds, read the first time a
 * receiver of the emission asks for it. */
uint64_t signet_event_time_ns(const signet_event *ev);

/* For a `retain` signal: the payload last sent or posted on the same
 * concrete topic before this emission (deep-copied, strings included; cast
 * it to the signal's payload type), or NULL when there was none. A queued
 * message carries its own copy, taken when it was sent or posted, when the
 * two payloads fit the queue's slot_size together (NULL otherwise), and
 * a replay gives none. Valid only during the call. */
const void *signet_event_previous(const signet_event *ev);

/* The concrete topic of the emission: the signal's topic template with each
 * {param} level replaced by the payload's value (a str as it is, a u32 in
 * decimal). A topic without captures is returned as it is (a static string)
 * and buf is not touched; otherwise the topic is written to buf and buf is
 * returned, or NULL when it needs more than size bytes (NUL included).
 * Nothing is built unless a receiver asks. */
const char *signet_event_topic(const signet_event *ev, char *buf, size_t size);

/* The concrete topic of an emission of sig with this payload, built like
 * signet_event_topic(). */
const char *signet_topic(const signet_signal_info *sig, const void *payload, char *buf,
                         size_t size);

/* The value a `retain` signal keeps for a concrete topic (NULL: the
 * signal's topic, for a signal without captures), read without
 * subscribing: deep-copied into buf[0..size), the payload struct at buf
 * (aligned for it, as malloc's memory is), its strings after it. Sets *len
 * (when not NULL) to the bytes the copy needs (0 for a signal without
 * parameters). Returns 0, SIGNET_ENOENT (nothing retained on that topic),
 * SIGNET_ENOSPC (size is less than *len: buf is not written) or
 * SIGNET_EINVAL (a NULL bus or sig, a signal that is not `retain`, a NULL
 * topic for a signal with captures). */
int signet_retained_copy(const signet_bus *bus, const signet_signal_info *sig, const char *topic,
                         void *buf, size_t size, size_t *len);

/* signet_retained_copy() of the value sender sent (NULL: anonymous sends
 * and posts), for a `retain per_sender` signal, which keeps one per topic
 * and sender; for other signals sender is not looked at.
 * signet_retained_copy() is this with sender NULL. */
int signet_retained_copy_from(const signet_bus *bus, const signet_signal_info *sig,
                              const void *sender, const char *topic, void *buf, size_t size,
                              size_t *len);

/* Forgets the value retained for a concrete topic (as MQTT's empty
 * retained publish does): later replays do not give it, and the next
 * payload on the topic has no previous one. Returns 0, SIGNET_ENOENT
 * (nothing was retained there) or SIGNET_EINVAL (as above). */
int signet_retained_clear(signet_bus *bus, const signet_signal_info *sig, const char *topic);

/* signet_retained_clear() of the value sender sent, for a `retain
 * per_sender` signal (sender not looked at for others);
 * signet_retained_clear() is this with sender NULL. */
int signet_retained_clear_from(signet_bus *bus, const signet_signal_info *sig,
                               const void *sender, const char *topic);

/* True when a pattern that can match sig (sig->links, a run-time pattern
 * of its schema, or a pattern of another schema on the bus) has a
 * subscriber on this bus: the cheap test generated code makes before
 * matching a topic. */
bool signet_has_pattern_subscribers(const signet_bus *bus, const signet_signal_info *sig);

/* Called when a receiver returns an error (a value that is neither 0 nor
 * SIGNET_STOP). Runs on the emitting thread, inside the emission. */
typedef void signet_error_fn(void *ctx, const signet_event *ev, int err);

/* Called when the bus refuses a call for a reason a code alone does not
 * explain: today SIGNET_EOVERLAP, with a message naming the two signals
 * whose topics overlap and a topic both match. Runs on the refused call's
 * thread, after the bus lock was released; message is valid during the
 * call only. */
typedef void signet_diag_fn(void *ctx, int err, const char *message);

typedef struct signet_bus_options {
    signet_error_fn *on_error;   /* NULL: errors are counted only */
    void *error_ctx;
    uint32_t max_receivers;      /* per signal; 0 means SIGNET_DEFAULT_MAX_RECEIVERS */
    /* Queues (see "Queued delivery" below). Each is the default for the bus's
     * queues, the default queue included; 0 means the SIGNET_DEFAULT_*. */
    uint32_t queue_capacity;     /* messages per queue */
    uint32_t slot_size;          /* bytes of payload per message, strings included */
    signet_overflow overflow;    /* DEFAULT means SIGNET_OVERFLOW_DROP_NEWEST */
    uint32_t block_timeout_ms;   /* deadline of SIGNET_OVERFLOW_BLOCK; SIGNET_WAIT_FOREVER */
    /* Retained values (`retain` signals): concrete topics kept per signal;
     * 0 means SIGNET_DEFAULT_RETAIN_TOPICS. A payload (strings included)
     * over slot_size bytes is not retained. */
    uint32_t retain_topics;
    signet_diag_fn *on_diagnostic; /* NULL: refusals are told by their codes only;
                                      called with error_ctx */
} signet_bus_options;

#define SIGNET_DEFAULT_MAX_RECEIVERS 65536u
#define SIGNET_DEFAULT_QUEUE_CAPACITY 256u
#define SIGNET_DEFAULT_SLOT_SIZE 256u
#define SIGNET_DEFAULT_BLOCK_TIMEOUT_MS 1000u
#define SIGNET_WAIT_FOREVER UINT32_MAX
#define SIGNET_DEFAULT_RETAIN_TOPICS 64u

/* Creates a bus. opts may be NULL for defaults; it is copied.
 * Returns 0, SIGNET_EINVAL (out is NULL, or a queue setting out of range:
 * see signet_queue_create()) or SIGNET_ENOMEM. */
SIGNET_NODISCARD int signet_bus_create(const signet_bus_options *opts, signet_bus **out);

/* Destroys a bus, every connection on it and every queue of it: the worker
 * threads its queues started are stopped and joined first (each finishes the
 * message it is running), then messages still waiting are discarded, not
 * run. Returns how many were discarded (0 for NULL), or SIGNET_EBUSY when
 * called inside a receiver or an error hook (of any bus), where it would
 * free what the running emission uses: nothing is destroyed then. The
 * caller must make sure no other thread is using the bus (posting,
 * dispatching, running a queue) and no emission on it is running. To
 * deliver what is left instead, dispatch the queues first. A destroyed
 * bus must not be used again: that is not detected. */
int signet_bus_destroy(signet_bus *bus);

/* Number of receiver errors seen on this bus since it was created. */
uint64_t signet_bus_error_count(const signet_bus *bus);

/* ---------------------------------------------------------------------------
 * One topic space per bus (docs/topics.md, "Several schemas on one bus")
 *
 * The schemas used on a bus share one topic namespace: a pattern of any of
 * them, schema or run-time, gets every matching signal of all of them, and
 * a topic string names at most one signal of all of them. A schema is on
 * the bus from its first connect, subscribe, retained send or
 * signet_bus_add_schema() there; a schema whose signal topics overlap one
 * of a schema already on the bus is refused then (SIGNET_EOVERLAP, and the
 * bus's on_diagnostic hook gets a message naming both signals and a topic
 * both match). Sends of a schema never used on the bus reach nobody, other
 * schemas' patterns included: a module that only sends adds its schema
 * first.
 */

/* Puts schema on the bus (nothing to do when it is there already). Returns
 * 0, SIGNET_EOVERLAP (nothing changed), SIGNET_EABI, SIGNET_EINVAL or
 * SIGNET_ENOMEM. May allocate; takes the bus lock. */
SIGNET_NODISCARD int signet_bus_add_schema(signet_bus *bus, const signet_schema_info *schema);

/* The signal whose topic is topic[0, len), among every schema on the bus,
 * with each schema's generated resolve (one matcher pass per schema until
 * one knows the topic). Returns 0 with *out set, or SIGNET_ENOTOPIC (no
 * signal on the bus has the topic), SIGNET_EBADTOPIC, SIGNET_ETOPICLEN,
 * SIGNET_ENUL (see <ns>_resolve()) or SIGNET_EINVAL. Allocates nothing,
 * takes no lock. */
int signet_bus_resolve(const signet_bus *bus, const char *topic, size_t len,
                       const signet_signal_info **out);

/* Sends (or posts) the signal whose topic is topic[0, len), among every
 * schema on the bus, like that schema's <ns>_publish() (<ns>_publish_post()):
 * the captured parameters filled from the topic, the others from payload,
 * whose layout type must be the signal's (signet_bus_resolve() tells which
 * it is). Returns what the schema's call returns, or the errors of
 * signet_bus_resolve(); on an error nothing is sent. */
int signet_bus_publish(signet_bus *bus, const void *sender, const char *topic, size_t len,
                       const signet_struct_info *type, const void *payload);
int signet_bus_publish_post(signet_bus *bus, const void *sender, const char *topic, size_t len,
                            const signet_struct_info *type, const void *payload);

/* Connection flags. */
#define SIGNET_ONCE 0x1u    /* run at most once, then disconnect */
/* `retain` signals, and patterns (for the `retain` signals they match): */
#define SIGNET_REPLAY 0x2u  /* on connecting, get the retained payloads, oldest first: at once,
                               or through the connection's queue (opts.queue) */
#define SIGNET_CHANGED 0x4u /* run only when the payload differs from the previous one on
                               its topic (the generated field-wise equality) */
#define SIGNET_GENERIC 0x8u /* fn is a signet_fn: it gets the payload struct (for bridges and
                               tools); queued connections only (opts.queue) */

typedef struct signet_queue signet_queue;

/* A connection's filter (sigx's filter(sub_id, publisher, msg)): called
 * with the receiver's ctx, the event (ev->conn is the connection,
 * ev->sender the sender) and the payload, just before the receiver would
 * run, on the thread that would run it: the sending thread, or for a
 * queued connection the one dispatching its queue when the message is
 * dispatched. false skips the receiver for this emission: it does not run
 * and is not counted as ran (a run-once receiver stays armed). It runs
 * after the checks that skip a receiver anyway (disconnected, blocked, a
 * `changed` receiver whose payload did not change) and may call any
 * function a receiver may. This is the generic form, for patterns and
 * SIGNET_GENERIC connections (payload is the emitted signal's payload
 * struct); a signal's typed form is the generated <ns>_<signal>_filter_fn,
 * given with <ns>_<signal>_filter(). */
typedef bool signet_filter_fn(void *ctx, const signet_event *ev, const void *payload);

/* Calls a typed filter, stored in signet_connect_opts.filter as a
 * signet_filter_fn, through its own type (generated per signal). */
typedef bool signet_filter_call_fn(signet_filter_fn *filter, void *ctx, const signet_event *ev,
                                   const void *payload);

typedef struct signet_connect_opts {
    int32_t priority;   /* higher runs earlier; ties keep connection order */
    uint32_t flags;     /* SIGNET_ONCE, SIGNET_REPLAY, SIGNET_CHANGED, SIGNET_GENERIC */
    signet_queue *queue; /* non-NULL: a queued connection, run by this queue */
    signet_filter_fn *filter; /* NULL: none; see signet_filter_fn */
    signet_filter_call_fn *filter_call; /* NULL: filter is a signet_filter_fn, called as
                                           it is; else the generated caller of a typed one */
} signet_connect_opts;

/* Every receiver is stored as this type and converted back to its own
 * function type by the generated code that calls it. */
typedef void signet_fnptr(void);

/* Generic receiver (for tools and generic subscriptions). */
typedef int signet_fn(void *ctx, const signet_event *ev, const void *payload);

/* Connects fn(ctx) to a signal, for one sender or SIGNET_ANY. opts may be NULL.
 * fn has the signal's receiver type, cast to signet_fnptr; with
 * SIGNET_GENERIC (and a queue: else SIGNET_EINVAL) it is a signet_fn of any
 * signal or pattern, called with ev->signal and the payload struct.
 * A receiver connected during an emission is not called by that emission.
 * Connecting an identical (fn, ctx, sender) again writes the existing
 * handle and changes nothing: it returns SIGNET_EXISTING when opts are the
 * connection's, SIGNET_EXISTING_OPTS when they differ (they are not
 * applied). Returns 0, SIGNET_EXISTING, SIGNET_EXISTING_OPTS,
 * SIGNET_REPLAY_SKIPPED, SIGNET_EINVAL, SIGNET_EABI, SIGNET_ELIMIT, SIGNET_ENOMEM or
 * SIGNET_EOVERLAP (the first use of sig's schema on the bus, refused: "One
 * topic space per bus" below). May allocate. Generated
 * <ns>_<signal>_connect() wraps this. */
SIGNET_NODISCARD int signet_connect(signet_bus *bus, const signet_signal_info *sig,
                                    signet_fnptr *fn, void *ctx, const void *sender,
                                    const signet_connect_opts *opts, signet_conn *out);

/* Subscribes fn(ctx) to every signal of schema whose concrete topic matches
 * pattern, an MQTT filter not known at build time ("sensors/+/temp",
 * "house/#": the syntax of schema patterns, checked here). fn is generic:
 * it reads payloads with the generated <ns>_<signal>_of() accessors, and
 * ev->pattern->topic is the filter. Delivery follows the rules of schema
 * patterns; run-time patterns run after them, in the order their filters
 * were first subscribed. Like every pattern, it also gets the matching
 * signals of the other schemas on the bus ("One topic space per bus"
 * below). Cost: while a run-time pattern of the schema has subscribers,
 * every send or post of a signal of the schema (and of a signal of another
 * schema it can match) builds its concrete topic and compares it with each
 * run-time pattern, level by level. A filter's entry lives until the bus is destroyed; subscribing the
 * same filter again reuses it (at most SIGNET_RUNTIME_PATTERNS_MAX distinct
 * filters per schema and bus: SIGNET_ELIMIT). Returns as signet_connect(),
 * SIGNET_EOVERLAP (the schema's first use on the bus, refused), or
 * SIGNET_NOMATCH (subscribed, but the filter matches no topic template of
 * the schemas on the bus, new connection or duplicate alike), SIGNET_EPATTERN
 * (a wildcard that is not a whole level, '#' not last, the empty pattern)
 * or SIGNET_ETOPICLEN (over SIGNET_TOPIC_MAX_BYTES bytes or
 * SIGNET_TOPIC_MAX_LEVELS levels). */
SIGNET_NODISCARD int signet_subscribe_pattern(signet_bus *bus, const signet_schema_info *schema,
                                              const char *pattern, signet_fn *fn, void *ctx,
                                              const void *sender,
                                              const signet_connect_opts *opts, signet_conn *out);

/* Disconnects one connection. Returns 0 or SIGNET_ENOENT (stale, unknown or
 * already disconnected handle: nothing is touched), SIGNET_EINVAL.
 *
 * Called outside any receiver, it returns only once the receiver is not
 * running on any thread, and it is never called again. Called from inside a
 * receiver, the receiver is never called after the disconnect on this thread
 * and never started again anywhere, but the call does not wait for other
 * threads that are already running it (waiting there could deadlock). */
int signet_disconnect(signet_bus *bus, signet_conn conn);

/* Disconnects every connection on the bus whose ctx is ctx (any signal,
 * any sender). Returns how many were disconnected, or SIGNET_EINVAL (bus
 * is NULL). Same guarantees as signet_disconnect(). */
int signet_disconnect_ctx(signet_bus *bus, const void *ctx);

/* Blocks a connection (GLib's g_signal_handler_block()): until it is
 * unblocked as many times as it was blocked, its receiver is not called,
 * by sends, by messages already queued for it when they are dispatched,
 * nor by a replay of retained values. It keeps its place, handle and
 * options, and still counts as a receiver (signet_has_receivers(), the
 * receiver limit; posts still queue messages for it, which skip it while
 * it is blocked when they are dispatched). A receiver connected for
 * SIGNET_ANY and for a sender, whose earlier connection is blocked, runs
 * through neither for that sender: the earlier one keeps its place. A
 * call already running on another thread finishes; every claim of the
 * receiver that starts after signet_block() returns skips it. Returns how
 * many times the connection is now blocked (1 or more), SIGNET_ENOENT
 * (stale, unknown or disconnected handle, or a run-once receiver that has
 * run), SIGNET_ELIMIT (blocked 65535 times already) or SIGNET_EINVAL (bus
 * is NULL). Takes the bus lock briefly; any thread, receivers included.
 * Costs nothing to connections never blocked. */
int signet_block(signet_bus *bus, signet_conn conn);

/* Takes back one signet_block(). Returns how many blocks are left (0: the
 * receiver runs again), SIGNET_EINVAL (the connection is not blocked, or
 * bus is NULL) or SIGNET_ENOENT. Any thread. */
int signet_unblock(signet_bus *bus, signet_conn conn);

/* What signet_connections() tells about one connection. */
typedef struct signet_conn_info {
    signet_conn conn;            /* its handle */
    signet_fnptr *fn;            /* the receiver, as given to signet_connect() */
    void *ctx;
    const void *sender;          /* SIGNET_ANY or the one sender */
    signet_queue *queue;         /* NULL: a direct connection */
    int32_t priority;
    uint32_t flags;              /* SIGNET_ONCE, SIGNET_REPLAY, ... as connected */
    uint32_t blocked;            /* signet_block() count; 0: it runs */
    bool filtered;               /* it has a filter (signet_connect_opts.filter) */
} signet_conn_info;

/* Copies the connections of sig (a signal, or a pattern of its schema's
 * table) into out[0, cap), in rank order (higher priority first, then
 * connection order, every sender's and SIGNET_ANY's together), and
 * returns how many it has: more than cap means only the first cap were
 * written (call again with a larger array). Counts only live connections:
 * not a run-once receiver that has run. A snapshot taken under the bus
 * lock: other threads may connect, disconnect or block at the same time,
 * and what it copied may be stale when it returns (a handle it gave may
 * then be SIGNET_ENOENT). Any thread, receivers included; allocates
 * nothing and calls no user code; costs O(connections of sig x cap).
 * Returns SIGNET_EINVAL for a NULL bus or sig, or out NULL with cap > 0;
 * 0 for a signal nothing was ever connected to. Run-time patterns
 * (signet_subscribe_pattern()) are not listed. Generated
 * <ns>_<signal>_connections() wraps it. */
int signet_connections(signet_bus *bus, const signet_signal_info *sig, signet_conn_info *out,
                       size_t cap);

/* True when an emission of sig from sender would call (or queue for) at
 * least one receiver. */
bool signet_has_receivers(const signet_bus *bus, const signet_signal_info *sig,
                          const void *sender);

/* ---------------------------------------------------------------------------
 * Emission, used by generated send functions (and by hand-written dispatch
 * that wants the same semantics). The loop lives in the caller so each
 * receiver is called through its own, correctly typed function pointer, and
 * the loop's state stays in registers:
 *
 *     signet_emission em;
 *     int ran = 0;
 *     int rc = signet_emit_begin(&em, bus, sig, sender, &msg);
 *     if (rc < 0)
 *         return rc;
 *     for (const signet_recv *r = em.begin, *end = em.end;
 *          r != end || signet_emit_next(&em, &r, &end); r++) {
 *         if (!signet_emit_claim(&em, r))
 *             continue;
 *         ran++;
 *         if (signet_emit_stop(&em, ((app_stopped_fn *)r->fn)(r->ctx, &em.ev, &msg)))
 *             break;
 *     }
 *     return signet_emit_end(&em, ran);
 *
 * begin takes a snapshot of the receivers: no lock is held while receivers
 * run and nothing is allocated. The receivers come in runs, contiguous
 * arrays: [em.begin, em.end) is the first; signet_emit_next() moves to the
 * next one (an emission from a sender with receivers of its own beside
 * SIGNET_ANY ones walks several, in rank order). end must be called
 * exactly once after a successful begin, on the same thread.
 */
typedef struct signet_recv {
    signet_fnptr *fn;
    void *ctx;
    uint32_t *state_;      /* private: the connection's SIGNET__LIVE* state */
    signet_conn conn;
} signet_recv;

/* One receiver's answer to an emission. */
typedef struct signet_result {
    signet_conn conn;   /* the connection that ran */
    int rc;             /* what its receiver returned */
} signet_result;

/* What the receivers of one emission said (blinker's and Django's
 * [(receiver, response)]): the generated <ns>_<signal>_send_summary()
 * fills one. The caller sets results and results_cap (or leaves them 0);
 * everything else is written. */
typedef struct signet_summary {
    uint32_t ran;            /* receivers and pattern subscribers that ran */
    uint32_t failed;         /* of them, those that returned an error (not 0, not SIGNET_STOP) */
    int first_error;         /* the first such error, 0 when none */
    signet_conn stopped_by;  /* the connection that returned SIGNET_STOP; {0, 0}: none did */
    uint32_t queued;         /* messages queued for the queued receivers */
    signet_result *results;  /* optional: each one that ran, in the order they ran */
    uint32_t results_cap;    /* entries results has room for */
    uint32_t results_len;    /* entries written: the first min(ran, results_cap) */
} signet_summary;

typedef struct signet_emission {
    signet_event ev;              /* what receivers get */
    const signet_recv *begin;     /* the emission's first run of receivers, in order */
    const signet_recv *end;
    bool outermost_;              /* private */
    uint8_t unchanged_;           /* private, valid with SIGNET__EMIT_RETAINED:
                                     SIGNET__UNCHANGED (a retained payload equal to the
                                     previous one), SIGNET__PREVIOUS_AFTER */
    uint8_t patterns_;            /* private: SIGNET__EMIT_* */
    bool rest_;                   /* private: begun by signet__emit_start(), whose caller
                                     walks the first run only (not with SIGNET__EMIT_FAST) */
    int qerr_;                    /* private: queueing for patterns (when COLD): 1 once a
                                     message was queued, else the first error */
    const void *queued_;          /* private: the signal's queued receivers for the sender,
                                     as begin found them */
    void *ss_;                    /* private: the signal's state on the bus (patterns) */
    uint64_t order_;              /* private: with SIGNET__EMIT_PATTERNS, the bus's connection
                                     order at begin: later connections are not for it */
    signet_summary *summary_;     /* private: what signet_emit_summarize() asked for */
    void *done_;                  /* private: signet_call_begin()'s completion record
                                     (valid while summary_ is set) */
    const void *runs_;            /* private: the list whose runs follow (not with
                                     SIGNET__EMIT_FAST); NULL: none */
    uint32_t run_;                /* private: the next of them */
    signet_recv one_;             /* private: with SIGNET__EMIT_FAST, a copy of the one
                                     receiver of a sender's own, [begin, end) */
} signet_emission;

/* payload: the signal's payload struct, NULL for a signal without one.
 * Returns 0, or SIGNET_EINVAL (bus or sig is NULL, or payload is NULL for
 * a signal with parameters): then nothing runs and end is not called. */
SIGNET_NODISCARD int signet_emit_begin(signet_emission *em, signet_bus *bus,
                                       const signet_signal_info *sig, const void *sender,
                                       const void *payload);

/* Ends the emission: for a generated send, first runs the receivers of the
 * runs its loop left (see signet__emit_start()) and counts them in ran;
 * then queues it for the signal's queued receivers (one message per queue
 * they are bound to), then returns ran, or a negative error code when none
 * of its messages could be queued (see signet_post()); the direct
 * receivers have run either way. */
int signet_emit_end(signet_emission *em, int ran);

/* Makes the emission (just begun with signet_emit_begin()) record what
 * its receivers return into *out, which it zeroes but for results and
 * results_cap, then fills as they run, pattern subscribers included, and
 * as end queues its messages. Run the receivers with signet_emit_run(). */
void signet_emit_summarize(signet_emission *em, signet_summary *out);

/* Runs the emission's receivers, run after run, in order, each through its
 * signal's invoke, as the loop above does, recording each answer when the
 * emission summarizes. Returns how many ran. For generated and generic
 * code that asks for a summary; the plain loop stays faster. */
int signet_emit_run(signet_emission *em);

/* True when a subscriber of a pattern that can match the emission's signal
 * may run: only then is signet_emit_patterns() worth calling (and, for a
 * signal with captures, its concrete topic worth building and matching). */
#define SIGNET__EMIT_PATTERNS 1u /* a pattern that can match the signal has subscribers */
#define SIGNET__EMIT_COLD 2u     /* signet_emit_end() has more to do: qerr_, previous_ */
#define SIGNET__EMIT_STOPPED 4u  /* a receiver returned SIGNET_STOP */
#define SIGNET__EMIT_DONE 8u     /* signet_emit_patterns() ran */
#define SIGNET__EMIT_RETAINED 16u /* a retained signal: unchanged_ and ev.previous_ are set */
/* signet_emission.unchanged_ */
#define SIGNET__UNCHANGED 1u      /* the payload equals the previous one */
#define SIGNET__PREVIOUS_AFTER 2u /* a queued message's: the previous payload follows the
                                     payload's deep copy (ev.previous_ is NULL) */
#define SIGNET__EMIT_FAST 32u    /* begun by signet__emit_start()'s inline path */
#define SIGNET__EMIT_SEQ 64u     /* ev.seq_ is set */
#define SIGNET__EMIT_TIME 128u   /* ev.time_ns_ is set */

static inline bool signet_emit_has_patterns(const signet_emission *em)
{
    return (em->patterns_ & SIGNET__EMIT_PATTERNS) != 0;
}

/* After the signal's own receivers ran (the loop above; for a generated
 * send, this first runs those of the runs its loop left), runs the
 * subscribers of the patterns ids[0, n) (ids of em's schema, ascending: the
 * patterns that match the emitted topic), then those of the run-time
 * patterns (signet_subscribe_pattern) matching it; each pattern's in rank
 * order, filtered by sender like receivers, through the pattern's invoke;
 * ev.pattern names the pattern during those calls. Once a receiver or
 * subscriber returned SIGNET_STOP no direct subscriber runs; queued
 * connections of the signal and of the patterns get their messages either
 * way, the signal's first. Returns how many subscribers (and receivers)
 * ran. Call it at most once per emission; when it is not called,
 * signet_emit_end() runs the run-time patterns, so a loop for a signal no
 * schema pattern can match needs no call. */
int signet_emit_patterns(signet_emission *em, const uint32_t *ids, uint32_t n);

/* private: connection states, and the out-of-line halves of the helpers */
#define SIGNET__LIVE 1u
#define SIGNET__LIVE_ONCE 2u
#define SIGNET__LIVE_CHANGED 3u
#define SIGNET__LIVE_ONCE_CHANGED 4u
bool signet__claim_slow(signet_emission *em, const signet_recv *r);
bool signet__emit_status(signet_emission *em, int rc);

/* True when r is to be called now: it is still connected (a receiver
 * disconnected during the emission is skipped), for a run-once receiver
 * this emission won the right to run it, and for a SIGNET_CHANGED one the
 * payload changed. Sets em->ev.conn. */
static inline bool signet_emit_claim(signet_emission *em, const signet_recv *r)
{
    if (__builtin_expect(__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != SIGNET__LIVE, 0) &&
        !signet__claim_slow(em, r))
        return false;
    em->ev.conn = r->conn;
    return true;
}

/* Takes a receiver's return value: reports an error to the bus's error hook
 * and returns true when the receiver returned SIGNET_STOP. */
static inline bool signet_emit_stop(signet_emission *em, int rc)
{
    return rc != 0 && signet__emit_status(em, rc);
}

/* private: the out-of-line half of signet_emit_next(). */
bool signet__emit_next_run(signet_emission *em);

/* Called when the loop reaches *end: moves *r and *end to the emission's
 * next run of receivers (never empty) and returns true, or returns false
 * when that was the last. An emission of the common state has one run:
 * then this is the compare that ending it makes anyway. */
static inline bool signet_emit_next(signet_emission *em, const signet_recv **r,
                                    const signet_recv **end)
{
    if (__builtin_expect((em->patterns_ & SIGNET__EMIT_FAST) != 0, 1) ||
        __builtin_expect(em->runs_ == NULL, 1) || !signet__emit_next_run(em))
        return false;
    *r = em->begin;
    *end = em->end;
    return true;
}

/* ---------------------------------------------------------------------------
 * private: the inline part of generated sends, and what generated posts
 * read of it (signet__post_plain), locked to SIGNET_ABI like the rest of the
 * generated code (runtime/src/rcu.h and state.h keep it).
 *
 * Every signet_bus begins with a signet__bus_head. busy_ is a filter over
 * the bus's signals: signal id of a schema whose signet__schema_hash() is h
 * owns bit SIGNET__BUSY_BIT(h) of word SIGNET__BUSY_WORD(h, id), set while
 * the signal has a receiver, a queued connection or a pattern subscriber
 * (signals of other schemas or ids may share the bit: a set bit only says
 * "look"). A send that finds its bit clear has nothing to do and returns 0
 * without a call. fast_[w], once any bit of word w was set, is the
 * receiver list of one signal of word w in the common state, or a list of
 * no signal; the common state: direct receivers only, no queued
 * connection, no pattern subscriber, not `retain`.
 * It is read, like snapshots, inside a read section, which the inline path
 * enters itself through the thread's reader record. Everything else goes
 * through signet_emit_begin() and signet_emit_end().
 */
#define SIGNET__BUSY_WORDS 64u
#define SIGNET__NOINLINE __attribute__((noinline))
#define SIGNET__BUSY_WORD(h, id) ((((h) >> 5) + (uint32_t)(id)) % SIGNET__BUSY_WORDS)
#define SIGNET__BUSY_BIT(h) (1u << ((h)&31u))

/* FNV-1a of a schema's namespace: signetc writes it into the generated
 * source as a constant, the runtime computes it from signet_schema_info.ns. */
static inline uint32_t signet__schema_hash(const char *ns)
{
    uint32_t h = 2166136261u;

    for (; *ns; ns++)
        h = (h ^ (unsigned char)*ns) * 16777619u;
    return h;
}

typedef struct signet__fast {
    uintptr_t key;                     /* the signal whose list this is, | 1 when some
                                          receiver is for one sender only (then
                                          signet__fast_sender() finds a sender's list) */
    const signet_recv *begin, *end;    /* its receivers for anonymous emissions */
    const void *snap_;                 /* the snapshot they are in */
} signet__fast;

typedef struct signet__bus_head {
    uint32_t busy_[SIGNET__BUSY_WORDS];
    const signet__fast *fast_[SIGNET__BUSY_WORDS];
} signet__bus_head;

/* A thread's RCU reader record (runtime/src/rcu.h). ctr is the grace
 * period its outermost read section began in, 0 outside one, and
 * SIGNET__RCU_OFF before the thread registers. */
#define SIGNET__RCU_OFF UINT64_MAX
typedef struct signet__reader {
    uint64_t ctr;
    bool registered;
    struct signet__reader *prev, *next;
} signet__reader;

extern __thread signet__reader signet__tls_reader __attribute__((tls_model("initial-exec")));
extern uint64_t signet__rcu_gp;
extern bool signet__rcu_light; /* writers use membarrier(2): readers need no fence */

/* Enters the outermost read section of a registered thread (its ctr is 0). */
static inline void signet__rcu_enter_outermost(void)
{
    uint64_t gp = __atomic_load_n(&signet__rcu_gp, __ATOMIC_ACQUIRE);

    if (signet__rcu_light) {
        __atomic_store_n(&signet__tls_reader.ctr, gp, __ATOMIC_RELEASE);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    } else {
        /* A sequentially consistent read-modify-write orders the record
         * before the snapshot load, against the writer's own seq_cst ops. */
        (void)__atomic_exchange_n(&signet__tls_reader.ctr, gp, __ATOMIC_SEQ_CST);
    }
}

static inline void signet__rcu_leave_outermost(void)
{
    __atomic_store_n(&signet__tls_reader.ctr, 0, __ATOMIC_RELEASE);
}

/* True when the bus's filter says the signal of (word, bit) has nothing to
 * do: no receiver, queued connection or pattern subscriber. */
static inline bool signet__idle(const signet_bus *bus, uint32_t word, uint32_t bit)
{
    const signet__bus_head *h = (const signet__bus_head *)(const void *)bus;

    /* acquire: a set bit comes with the word's fast list (state.c) */
    return (__atomic_load_n(&h->busy_[word], __ATOMIC_ACQUIRE) & bit) == 0;
}

/* signet_emit_begin() for a registered thread that has just entered its
 * outermost read section, with arguments already checked. */
void signet__emit_begin_entered(signet_emission *em, signet_bus *bus,
                                const signet_signal_info *sig, const void *sender,
                                const void *payload);

/* The event of an emission signet__emit_start() runs inline. */
static inline void signet__emission_fast(signet_emission *em, signet_bus *bus,
                                         const signet_signal_info *sig, const void *sender,
                                         const void *payload)
{
    em->ev.sender = sender;
    em->ev.signal = sig;
    em->ev.bus = bus;
    em->ev.pattern = NULL;
    em->ev.payload_ = payload;
    em->patterns_ = SIGNET__EMIT_FAST;
}

/* The first run of receivers of emission em from sender (not NULL) in a
 * fast list whose receivers name senders. When more runs follow, em is
 * no longer SIGNET__EMIT_FAST: signet_emit_end() runs them and ends it. */
void signet__fast_sender(signet_emission *em, const signet__fast *f, const void *sender,
                         const signet_recv **begin, const signet_recv **end);

/* A generated send's begin, once signet__idle() said the signal may have
 * something to do: the first run of receivers, [*begin, *end), for the
 * caller's loop; the others, when there are any (an emission from a
 * sender with receivers of its own beside SIGNET_ANY ones), the runtime
 * runs through the signal's invoke, first thing in signet_emit_patterns()
 * or else in signet_emit_end() (signet__emit_finish()), so that the loop
 * of the common state is a walk of one array. word is the signal's in the
 * bus's filter. The caller has checked the arguments: bus is not NULL, nor
 * the payload of a signal with parameters. In the common state it calls
 * nothing; otherwise it is signet_emit_begin(). */
static inline void signet__emit_start(signet_emission *em, signet_bus *bus,
                                      const signet_signal_info *sig, uint32_t word,
                                      const void *sender, const void *payload,
                                      const signet_recv **begin, const signet_recv **end)
{
    const signet__bus_head *h = (const signet__bus_head *)(const void *)bus;

    if (__builtin_expect(__atomic_load_n(&signet__tls_reader.ctr, __ATOMIC_RELAXED) == 0, 1)) {
        signet__rcu_enter_outermost();
        const signet__fast *f = __atomic_load_n(&h->fast_[word], __ATOMIC_SEQ_CST);
        if (__builtin_expect(f->key == (uintptr_t)sig, 1)) {
            signet__emission_fast(em, bus, sig, sender, payload);
            *begin = f->begin;
            *end = f->end;
            if (f->begin == f->end)
                __builtin_unreachable(); /* without named senders, never empty */
            return;
        }
        if (f->key == ((uintptr_t)sig | 1u)) {
            signet__emission_fast(em, bus, sig, sender, payload);
            if (sender == NULL) {
                *begin = f->begin;
                *end = f->end;
            } else {
                const signet_recv *b, *e; /* not begin, end: they stay in registers */
                signet__fast_sender(em, f, sender, &b, &e);
                *begin = b;
                *end = e;
            }
            return;
        }
        signet__emit_begin_entered(em, bus, sig, sender, payload);
    } else if (signet_emit_begin(em, bus, sig, sender, payload) < 0) {
        __builtin_unreachable(); /* the caller checked what it checks */
    }
    em->rest_ = true;
    *begin = em->begin;
    *end = em->end;
}

/* Ends an emission signet__emit_start() began. */
static inline int signet__emit_finish(signet_emission *em, int ran)
{
    if (__builtin_expect((em->patterns_ & SIGNET__EMIT_FAST) != 0, 1)) {
        signet__rcu_leave_outermost();
        return ran;
    }
    return signet_emit_end(em, ran);
}

/* A generated post's call once signet__idle() said the signal may have
 * something to do: signet_post() of a signal no schema pattern can match
 * and not `retain`, whose payload struct (NULL for a signal without one)
 * has size bytes, its strings not counted. The caller has checked the
 * arguments: bus is not NULL, nor the payload of a signal with parameters.
 * word is the signal's in the bus's filter: while its fast list is the
 * signal's (the common state), the post takes that list's receivers and
 * the signal's state from the bus head, checks nothing the generator
 * checked and queues at most one message, on the default queue; otherwise
 * it is signet_post(). Returns as signet_post(). */
int signet__post_plain(signet_bus *bus, const signet_signal_info *sig, uint32_t word,
                       const void *sender, const void *payload, size_t size);

/* ---------------------------------------------------------------------------
 * Queued delivery
 *
 * A queue holds messages: copies of emitted payloads (strings and arrays
 * deep-copied, so the poster may reuse its buffers at once) waiting to be
 * run on whichever thread drains the queue. Each bus has a default queue;
 * more are made with signet_queue_create(). A queue is bounded when it is
 * created (capacity messages of at most slot_size payload bytes each,
 * preallocated; the capacity is for waiting messages, since a dispatcher
 * copies a message out before running it), FIFO, and lock-free for any
 * number of posting threads.
 *
 * Which receivers run where:
 *   - <ns>_<signal>_post() (signet_post) queues the emission for every
 *     receiver: the direct ones run on the bus's default queue, a queued
 *     connection (signet_connect_opts.queue) on its own queue.
 *   - <ns>_<signal>_send() runs the direct receivers at once on the calling
 *     thread and queues the emission for the queued connections.
 * A message runs the receivers that were connected when it was queued and
 * are still connected when it is dispatched (a receiver disconnected while
 * the message waits does not run), filtered by sender as for send, in rank
 * order: a posted message on the default queue runs the direct receivers,
 * then the queued connections bound to that queue. SIGNET_STOP ends the
 * receivers of that one message; errors go to the error hook on the
 * dispatching thread.
 *
 * Threads: posting, signet_queue_stats(), signet_queue_stop() and
 * signet_queue_fd() may be called from any thread, receivers included.
 * signet_queue_dispatch() and signet_queue_run() may run on several threads
 * at once (a worker pool); each message runs on exactly one of them.
 * signet_queue_destroy() and signet_bus_destroy() must not run inside a
 * receiver or a worker of the queue.
 */

/* Queue limits: capacity (before rounding up) and slot_size. One more is
 * SIGNET_EINVAL from signet_queue_create() and signet_bus_create(). */
#define SIGNET_QUEUE_MAX_CAPACITY (1u << 24)
#define SIGNET_QUEUE_MAX_SLOT_SIZE (1u << 30)

/* Options of a queue; 0 / DEFAULT takes the bus's value. */
typedef struct signet_queue_options {
    uint32_t capacity;           /* messages; rounded up to a power of two (>= 2),
                                    at most SIGNET_QUEUE_MAX_CAPACITY */
    uint32_t slot_size;          /* payload bytes per message, strings included,
                                    at most SIGNET_QUEUE_MAX_SLOT_SIZE */
    signet_overflow overflow;    /* when full; a signal's schema override wins */
    uint32_t block_timeout_ms;   /* SIGNET_OVERFLOW_BLOCK's deadline; SIGNET_WAIT_FOREVER */
} signet_queue_options;

/* Counters of a queue, or summed over a bus's queues (signet_bus_stats).
 * posted == delivered + evicted + discarded + depth, where evicted
 * (drop_oldest) is part of dropped. */
typedef struct signet_stats {
    uint64_t posted;             /* messages accepted */
    uint64_t delivered;          /* messages dispatched (taken to run their receivers) */
    uint64_t dropped;            /* refused posts (full, timed out, too big, closed) + evicted */
    uint64_t evicted;            /* accepted, then dropped by drop_oldest */
    uint64_t discarded;          /* left waiting when the queue was destroyed */
    uint32_t depth;              /* waiting now */
    uint32_t high_water;         /* most messages ever waiting at once (bus: the largest) */
    uint32_t capacity;           /* (bus: the sum) */
    uint32_t queue_count;        /* 1 for a queue; a bus's live queues, its default included */
    uint32_t blocked;            /* posts waiting for room now (overflow block, drop_oldest) */
} signet_stats;

/* Creates a queue on bus. opts may be NULL (the bus's defaults). Returns 0,
 * SIGNET_EINVAL (bus or out is NULL, capacity or slot_size over its
 * SIGNET_QUEUE_MAX_*, overflow not a signet_overflow) or SIGNET_ENOMEM
 * (capacity x slot_size bytes are allocated at once). The bus destroys it
 * if the caller does not. */
SIGNET_NODISCARD int signet_queue_create(signet_bus *bus, const signet_queue_options *opts,
                                         signet_queue **out);

/* Destroys a queue made by signet_queue_create(): disconnects the queued
 * connections bound to it, stops and joins its workers (each finishes the
 * message it is running), then discards the messages still waiting. Returns
 * how many it discarded, SIGNET_EINVAL (NULL or the default queue) or
 * SIGNET_EBUSY (called inside a receiver). No other thread may dispatch or
 * run it during or after the call. Posts racing with it get SIGNET_ECLOSED
 * or skip the queue. */
int signet_queue_destroy(signet_queue *q);

/* The bus's default queue (never NULL for a valid bus). */
signet_queue *signet_bus_queue(signet_bus *bus);

/* Queues an emission of sig from sender (see above). payload: the signal's
 * payload struct, NULL for a signal without one; it is copied before the
 * call returns. Returns how many messages were queued (0: no receiver), or,
 * when none was, the first refusal: SIGNET_ETOOBIG (payload and strings
 * over the queue's slot_size), SIGNET_EFULL (drop_newest),
 * SIGNET_ETIMEDOUT (block), SIGNET_ECLOSED, SIGNET_EINVAL or SIGNET_EABI.
 * A refused message is counted as dropped, for the queue and for the
 * signal. When the receivers are bound to several queues, each queue gets
 * its message or refuses it on its own: a positive result counts exactly
 * the messages that will be delivered, and an error means none was queued,
 * so retrying on an error never delivers twice. Allocates nothing.
 * Generated <ns>_<signal>_post() wraps it. */
int signet_post(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                const void *payload);

/* signet_post() for the signal and, in that order, one message per queue
 * for the subscribers of each pattern ids[0, n) (see signet_emit_patterns())
 * and of each run-time pattern matching the signal's topic. Returns as
 * signet_post(): how many messages were queued, counting those for the
 * patterns, or the first error when none was. signet_post() is this
 * without ids. */
int signet_post_patterns(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                         const void *payload, const uint32_t *ids, uint32_t n);

/* A post's completion (aio_pydispatch's awaited send, libuv's
 * after_work_cb): called exactly once per signet_post_done(), after the
 * last receiver of every message the post made (pattern subscribers'
 * included) has run, on the thread that ran it; or on the posting thread
 * before the post returns, when nothing was queued. summary (valid during
 * the call only; results NULL) adds up what every message's receivers
 * did: ran, failed, first_error, stopped_by, and queued, the messages
 * accepted. status is 0 when every message ran all the receivers it was
 * for that were still connected, else the first reason one did not:
 * SIGNET_EFULL, SIGNET_ETIMEDOUT, SIGNET_ETOOBIG or SIGNET_ECLOSED (a
 * queue refused it, as signet_post() says), SIGNET_EEVICTED (drop_oldest
 * evicted it; called on the evicting posting thread), SIGNET_EDISCARDED
 * (its queue or bus was destroyed with it waiting; called on the
 * destroying thread) or SIGNET_ENOENT (a receiver it was for was
 * disconnected, or a run-once receiver ran elsewhere, before it ran). A
 * blocked or filtered receiver, or one after a SIGNET_STOP, did not fail:
 * it is only not counted as ran. It may call what a receiver may, but
 * must not destroy the queue or bus that called it, nor, called by
 * signet_bus_destroy(), use that bus at all. */
typedef void signet_done_fn(void *ctx, const signet_summary *summary, int status);

/* signet_post_patterns() with a completion: done(ctx, ...) is called
 * exactly once (see signet_done_fn), unless the call returns SIGNET_EINVAL,
 * SIGNET_EABI or SIGNET_ENOMEM (its record could not be allocated): then
 * never. ids may be NULL (n 0), as for signet_post(); done NULL is
 * signet_post_patterns(). Returns as signet_post(); a post refused
 * entirely still calls done, with the refusal as status. Allocates one
 * record per call (freed after done returns); each message then carries
 * it, and its dispatch adds up its receivers' answers. Plain posts pay
 * nothing for it. Generated <ns>_<signal>_post_done() wraps it. */
int signet_post_done(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                     const void *payload, const uint32_t *ids, uint32_t n, signet_done_fn *done,
                     void *ctx);

/* A blocking send (Qt's BlockingQueuedConnection, aio_pydispatch's await
 * signal.send()): signet_emit_begin() and signet_emit_summarize() into
 * *out, for an emission whose queued messages signet_call_end() then
 * waits for. Refuses, before anything runs or is retained, with
 * SIGNET_EDEADLK when called inside a read section (a receiver, a
 * dispatch's or a send's; a completion, an error hook, a tap) while the
 * emission has a queued receiver, its signal's or a pattern's: this thread
 * may be the one dispatching that queue; and outside one, when this thread
 * is the one that last dispatched the queue of such a receiver
 * (signet_queue_dispatch(), signet_bus_dispatch(), signet_queue_run()).
 * Returns 0, SIGNET_EINVAL (out is
 * NULL, or as signet_emit_begin()), SIGNET_EDEADLK or SIGNET_ENOMEM (its
 * record); only after 0 is signet_call_end() called, exactly once. */
SIGNET_NODISCARD int signet_call_begin(signet_emission *em, signet_bus *bus,
                                       const signet_signal_info *sig, const void *sender,
                                       const void *payload, signet_summary *out);

/* Ends an emission signet_call_begin() began (ran: as for
 * signet_emit_end()), queueing its messages for its queued receivers, then
 * waits until every one of them has been dispatched (or refused, evicted,
 * discarded) or timeout_ms passed (SIGNET_WAIT_FOREVER: no limit), on
 * CLOCK_MONOTONIC, as a blocked post waits. *out then holds the direct
 * receivers' answers (and their results, when asked for) plus the counts
 * of the queued ones that ran by then (not in results). Returns how many
 * receivers ran in all (out->ran), SIGNET_ETIMEDOUT (the summary so far;
 * messages still waiting run later and touch nothing of the caller's), or
 * the first reason one did not run (see signet_done_fn), a refused
 * message's SIGNET_EFULL for example. Generated <ns>_<signal>_call()
 * wraps both. */
int signet_call_end(signet_emission *em, int ran, uint32_t timeout_ms);

/* The invoke of a generic pattern (signet_signal_info.invoke): calls r's
 * signet_fn with the emitted signal's payload. */
int signet_invoke_generic(const struct signet_recv *r, const struct signet_event *ev,
                          const void *payload);

/* Runs at most max waiting messages (0: at most the queue's capacity) on the
 * calling thread, oldest first, and returns how many it ran (0 when the
 * queue was empty), or SIGNET_EINVAL. Never blocks. Once signet_queue_fd()
 * was called, a dispatch that leaves the queue empty also re-arms the fd. */
int signet_queue_dispatch(signet_queue *q, size_t max);

/* signet_queue_dispatch() on the bus's default queue. */
int signet_bus_dispatch(signet_bus *bus, size_t max);

/* A file descriptor that polls readable when the queue has messages (an
 * eventfd on Linux, a pipe elsewhere): add it to poll/epoll/libuv/GLib and
 * call signet_queue_dispatch() when it is readable. Posters write to it only
 * when the queue's consumer said it will sleep (a dispatch left the queue
 * empty), so busy queues cost no system calls. The queue owns the fd: do
 * not read or close it. Returns the fd or SIGNET_EINVAL. */
int signet_queue_fd(signet_queue *q);

/* signet_queue_fd() of the bus's default queue. */
int signet_bus_fd(signet_bus *bus);

/* Runs the queue's messages on the calling thread, sleeping while it is
 * empty, until signet_queue_stop(). Several threads may run one queue.
 * Returns 0, or SIGNET_EINVAL. */
int signet_queue_run(signet_queue *q);

/* Makes every signet_queue_run() of q return once it has finished its
 * current message, and makes later ones return at once (a stopped queue
 * stays stopped; dispatch still works). Does not wait. Any thread. */
void signet_queue_stop(signet_queue *q);

/* Starts n worker threads, each running signet_queue_run(q). Once per
 * queue. They are stopped and joined by signet_queue_destroy() or
 * signet_bus_destroy(). Returns 0, SIGNET_EINVAL (n is 0, or the queue
 * already has workers) or SIGNET_ENOMEM. */
SIGNET_NODISCARD int signet_queue_start(signet_queue *q, unsigned n);

/* The queue's counters at this moment. Returns 0 or SIGNET_EINVAL. */
int signet_queue_stats(const signet_queue *q, signet_stats *out);

/* The sums over the bus's queues; discarded and dropped include queues
 * already destroyed. Returns 0 or SIGNET_EINVAL. */
int signet_bus_stats(const signet_bus *bus, signet_stats *out);

/* Messages of sig refused or evicted on this bus, over all its queues. */
uint64_t signet_signal_dropped(const signet_bus *bus, const signet_signal_info *sig);

/* ---------------------------------------------------------------------------
 * Watching a bus: taps and per-signal counters (docs/runtime.md, "Watching
 * a bus"). A bus is watched while it has a tap or counts; only then do its
 * sends leave the inline path of generated code, so a bus nobody watches
 * pays nothing for either.
 */

/* What a tap is told about. */
#define SIGNET_TAP_SEND 1u /* a send (or publish by topic), before its receivers run */
#define SIGNET_TAP_POST 2u /* a post, before its messages are queued */

/* A tap: called on the sending or posting thread for every send and post
 * on the bus, of every signal, whether or not anything receives it. ev
 * names the signal, the sender and the bus (ev->conn is {0, 0},
 * ev->pattern NULL); signet_event_topic() gives the concrete topic and
 * signet_format_json(ev->signal->payload, payload, ...) the payload as
 * text. Valid only during the call. What the tap itself sends or posts is
 * not tapped. A tap must not block: every send on the bus waits for it. */
typedef void signet_tap_fn(void *ctx, const signet_event *ev, const void *payload,
                           unsigned what);

/* At most this many taps on one bus at a time. */
#define SIGNET_TAPS_MAX 8

/* Adds a tap; *id names it for signet_tap_remove() (never 0). Returns 0,
 * SIGNET_EINVAL or SIGNET_ELIMIT (SIGNET_TAPS_MAX taps already). Sends
 * and posts that began before the call may not be tapped. */
SIGNET_NODISCARD int signet_tap_add(signet_bus *bus, signet_tap_fn *fn, void *ctx, uint32_t *id);

/* Removes a tap. Called outside any receiver or tap, it returns once the
 * tap is not running on any thread, so its ctx may be freed; from inside
 * one it does not wait, as signet_disconnect(). Returns 0, SIGNET_EINVAL
 * or SIGNET_ENOENT (no tap with that id). */
int signet_tap_remove(signet_bus *bus, uint32_t id);

/* A signal's counters on a bus. */
typedef struct signet_signal_counters {
    uint64_t sent;      /* sends of the signal (publishes included) */
    uint64_t posted;    /* messages of it queued, by posts and by sends to queued receivers */
    uint64_t delivered; /* receiver calls it made: direct receivers, pattern subscribers
                           and the receivers of its dispatched messages */
    uint64_t dropped;   /* messages refused or evicted (signet_signal_dropped()) */
} signet_signal_counters;

/* Starts (on) or stops counting sends, posts and deliveries on bus.
 * Counts stay when counting stops and go on from there when it starts
 * again; dropped messages are counted always. While counting, each send
 * costs about what a send of a signal with a queued receiver costs, and
 * each post, send and dispatch one atomic add per counter it changes.
 * Returns 0 or SIGNET_EINVAL. */
int signet_bus_counting(signet_bus *bus, bool on);

/* sig's counters on bus, to *out (all 0 for a signal the bus has never
 * seen). Any thread, at any time; each counter is read on its own, so a
 * message being dispatched may be posted but not yet delivered. Returns 0
 * or SIGNET_EINVAL. */
int signet_signal_counts(const signet_bus *bus, const signet_signal_info *sig,
                         signet_signal_counters *out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SIGNET_H */
