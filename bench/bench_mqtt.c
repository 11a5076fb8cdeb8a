/* bench_mqtt.c: the MQTT bridge (signet::mqtt) against raw libmosquitto,
 * and the generated wire codec against libcbor, side by side in one run.
 *
 * Codec (no broker; the thread's CPU time, cases interleaved round after
 * round, each round calibrated to about 30 ms, as bench_emit does):
 *   - bmq_flat_encode / _decode, a map of all six fields (36 bytes), against
 *     libcbor building the same map (cbor_new_definite_map, cbor_map_add,
 *     a builder of the shortest width per integer, cbor_serialize into a
 *     buffer, cbor_decref) and cbor_load plus a walk of the map into the
 *     same struct (types, ranges, duplicate keys and trailing bytes
 *     checked; UTF-8 is not: signet's decoder checks it, libcbor does not);
 *   - the same for bmq_sample, whose topic captures room and sensor, so
 *     its map holds the other four fields (23 bytes): what the transport
 *     below carries.
 *   Before timing, libcbor's bytes are checked to be signet's, and both
 *   decoders to give the same struct.
 *
 * Transport (with --port: a broker on 127.0.0.1; wall time; one process,
 * every client its own MQTT 5 connection, new for each run). A round is
 * TPUT_SPLIT throughput runs and RTT_SPLIT round-trip runs of each side
 * and mode, signet and raw libmosquitto taking turns, so that the load of
 * a shared machine meets both alike; a round's figures are over all its
 * runs, the table gives the median and min-max over the rounds.
 *   - throughput: N messages of bmq_sample at QoS 0 on 16 concrete topics,
 *     sent from a loop on the main thread, received and counted in the
 *     same process. signet: bmq_sample_send on one bus whose bridge runs on
 *     its own thread (signet_mqtt_start); a second bus and bridge import
 *     them, the counting receiver connected for signet_mqtt_sender(). raw:
 *     one client publishing the same bytes on the same topics
 *     (mosquitto_loop_start), another subscribed to the bridge's filter,
 *     counting in its message callback. The receiving side runs either
 *       threads  on the libraries' threads: the bridge on its own and the
 *                bus's queue on a worker (signet_queue_start), as an
 *                application that posts imports to its bus gets; the raw
 *                client on mosquitto_loop_start;
 *       loop     in one thread of the benchmark's: signet_mqtt_step and
 *                signet_bus_dispatch; poll on mosquitto_socket and
 *                mosquitto_loop_read/_write (how link.c steps its client).
 *     Both are bounded alike: at most WINDOW messages sent and not yet
 *     received (the sender then sleeps until the receiver is down to
 *     WINDOW / 2), below every queue on the way (the bridge's queue and
 *     max_pending, mosquitto's per-client queue), so nothing is dropped
 *     and the rate is the whole path's. Each run sends WARM_MESSAGES
 *     untimed first. Reported: msgs/s at the receiver, from the first
 *     timed send to the last receipt; the process's CPU time and read+write
 *     system calls (/proc/self/io) per message; what was lost or counted
 *     as dropped.
 *   - round trip, one at a time: ping -> echo -> pong through the broker.
 *     signet: bmq_ping_send on one bus; an echo bus whose receiver
 *     (connected for its bridge's sender) sends bmq_pong, which the first
 *     bus imports for a receiver connected for its bridge's sender. raw:
 *     the same bytes, the echo republishing the payload from its message
 *     callback. threads: signet_mqtt_start on both bridges and a worker on
 *     the echo bus's queue, the caller sleeping on its bus's queue fd;
 *     mosquitto_loop_start on both clients, the caller sleeping on an
 *     eventfd the callback writes. loop: one thread per side steps
 *     everything, as above. Each run makes WARM_TRIPS untimed first. p50
 *     and p99 of a round's round trips, in microseconds.
 *
 *   bench_mqtt [--port P]          the table (codec 9 rounds, transport 5)
 *   bench_mqtt --tsv [--rounds R]  rows for scripts/bench (R: transport
 *                                  rounds; the codec runs 9)
 *     [--messages N] [--trips K]   per round, side and mode: messages
 *                                  (20000), round trips (2000)
 *   bench_mqtt --run CASE N        only codec CASE, N operations (callgrind)
 *   bench_mqtt --list              the codec cases with the N callgrind uses
 *   bench_mqtt --port P --run mqtt_tput_{threads,loop}_{signet,raw} N
 *   bench_mqtt --port P --run mqtt_rtt_{threads,loop}_{signet,raw} K
 *                                  one transport run (for perf, strace)
 */
#include "harness.h"
#include "mqtt.signet.h"

#include <signet_mqtt.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#ifdef SIGNET_BENCH_CBOR
#include <cbor.h>
#endif

enum {
    CODEC_ROUNDS = 9,
    MAX_CODEC_CASES = 8,
    TOPICS = 16,
    WINDOW = 500,     /* messages sent and not yet received, both sides */
    WARM_TRIPS = 20,  /* round trips before the timed ones, each run */
    WARM_MESSAGES = 200, /* messages before the timed ones, each run: past
                            TCP's start (Nagle's algorithm holds the second
                            small write until the broker's delayed ACK) */
    TPUT_SPLIT = 5,   /* a round's throughput: runs per side, alternating */
    RTT_SPLIT = 5,    /* a round's round trips: runs per side, alternating */
};

static volatile uint64_t sink; /* keeps every codec result observable */

static void die(const char *what, int err)
{
    fprintf(stderr, "bench_mqtt: %s: %s\n", what, err < 0 ? signet_strerror(err) : "failed");
    exit(1);
}

/* ======================================================================== */
/* The payloads */

static const char *const rooms[4] = {"kitchen", "hall", "attic", "cellar"};
static const uint32_t sensors[4] = {1234, 7, 42, 65000};

/* The codec's reference payload: 36 bytes as a 6-field map. */
static const bmq_flat flat_msg = {"kitchen", 1234, 21.5, 1700000000, true, 4660};
static const bmq_sample sample_msg = {"kitchen", 1234, 21.5, 1700000000, true, 4660};

/* Message i of the throughput stream. */
static bmq_sample stream_msg(long i)
{
    return (bmq_sample){rooms[i % 4],
                        sensors[(i / 4) % 4],
                        20.0 + (double)(i % 100) * 0.125,
                        1700000000 + (int64_t)i,
                        (i & 1) != 0,
                        (uint16_t)i};
}

/* Round trip i's ping (and pong: the same fields, so the same bytes). */
static bmq_ping trip_msg(long i)
{
    return (bmq_ping){(uint32_t)i, 1700000000000LL + (int64_t)i};
}

/* ======================================================================== */
/* Codec: libcbor, as its users would write it */

#ifdef SIGNET_BENCH_CBOR
/* The shortest head, as signet writes (libcbor serialises an integer at
 * the width it was built with). */
static cbor_item_t *cb_uint(uint64_t v)
{
    if (v <= UINT8_MAX)
        return cbor_build_uint8((uint8_t)v);
    if (v <= UINT16_MAX)
        return cbor_build_uint16((uint16_t)v);
    if (v <= UINT32_MAX)
        return cbor_build_uint32((uint32_t)v);
    return cbor_build_uint64(v);
}

static cbor_item_t *cb_int(int64_t v)
{
    if (v >= 0)
        return cb_uint((uint64_t)v);
    uint64_t n = (uint64_t)(-(v + 1));
    if (n <= UINT8_MAX)
        return cbor_build_negint8((uint8_t)n);
    if (n <= UINT16_MAX)
        return cbor_build_negint16((uint16_t)n);
    if (n <= UINT32_MAX)
        return cbor_build_negint32((uint32_t)n);
    return cbor_build_negint64(n);
}

static bool cb_put(cbor_item_t *map, uint64_t key, cbor_item_t *value)
{
    cbor_item_t *k = cb_uint(key);
    bool ok = k && value && cbor_map_add(map, (struct cbor_pair){.key = k, .value = value});
    if (k)
        cbor_decref(&k);
    if (value)
        cbor_decref(&value);
    return ok;
}

static cbor_item_t *cb_str(const char *s)
{
    return s ? cbor_build_string(s) : cbor_new_null();
}

/* Encodes the fields from `first` (1: all six, 3: the four a topic with
 * room and sensor leaves) into buf; the length, 0 on failure. */
static size_t cbor_encode6(const char *room, uint32_t sensor, double celsius, int64_t t, bool ok,
                           uint16_t seq, int first, uint8_t *buf, size_t size)
{
    cbor_item_t *map = cbor_new_definite_map(first == 1 ? 6 : 4);
    if (!map)
        return 0;
    bool good = (first > 1 || (cb_put(map, 1, cb_str(room)) && cb_put(map, 2, cb_uint(sensor)))) &&
                cb_put(map, 3, cbor_build_float8(celsius)) && cb_put(map, 4, cb_int(t)) &&
                cb_put(map, 5, cbor_build_bool(ok)) && cb_put(map, 6, cb_uint(seq));
    size_t n = good ? cbor_serialize(map, buf, size) : 0;
    cbor_decref(&map);
    return n;
}

static bool cb_get_uint(const cbor_item_t *v, uint64_t max, uint64_t *out)
{
    if (!cbor_isa_uint(v) || cbor_get_int(v) > max)
        return false;
    *out = cbor_get_int(v);
    return true;
}

static bool cb_get_i64(const cbor_item_t *v, int64_t *out)
{
    if (cbor_isa_uint(v) && cbor_get_int(v) <= (uint64_t)INT64_MAX) {
        *out = (int64_t)cbor_get_int(v);
        return true;
    }
    if (cbor_isa_negint(v) && cbor_get_int(v) <= (uint64_t)INT64_MAX) {
        *out = -1 - (int64_t)cbor_get_int(v);
        return true;
    }
    return false;
}

/* A NULL str is null; else a definite text string, copied NUL-terminated
 * into *at (below end). */
static bool cb_get_str(const cbor_item_t *v, char **at, char *end, const char **out)
{
    if (cbor_is_null(v)) {
        *out = NULL;
        return true;
    }
    if (!cbor_isa_string(v) || !cbor_string_is_definite(v))
        return false;
    size_t n = cbor_string_length(v);
    if ((size_t)(end - *at) < n + 1)
        return false;
    memcpy(*at, cbor_string_handle(v), n);
    (*at)[n] = '\0';
    *out = *at;
    *at += n + 1;
    return true;
}

/* cbor_load and a walk of the map into the six fields (zero when
 * missing); 0, or -1 with *out zeroed. */
static int cbor_decode6(const uint8_t *buf, size_t len, bmq_flat *out, char *strings,
                        size_t strings_size)
{
    struct cbor_load_result res;
    cbor_item_t *item = cbor_load(buf, len, &res);
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!item)
        return -1;
    if (res.read != len || !cbor_isa_map(item) || !cbor_map_is_definite(item))
        goto done;
    struct cbor_pair *p = cbor_map_handle(item);
    size_t n = cbor_map_size(item);
    char *at = strings, *end = strings + strings_size;
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        const cbor_item_t *v = p[i].value;
        uint64_t key, u;
        if (!cbor_isa_uint(p[i].key))
            goto done;
        key = cbor_get_int(p[i].key);
        if (key >= 1 && key <= 6) {
            if (seen & (1u << key))
                goto done; /* a key twice */
            seen |= 1u << key;
        }
        switch (key) {
        case 1:
            if (!cb_get_str(v, &at, end, &out->room))
                goto done;
            break;
        case 2:
            if (!cb_get_uint(v, UINT32_MAX, &u))
                goto done;
            out->sensor = (uint32_t)u;
            break;
        case 3:
            if (!cbor_is_float(v))
                goto done;
            out->celsius = cbor_float_get_float(v);
            break;
        case 4:
            if (!cb_get_i64(v, &out->t))
                goto done;
            break;
        case 5:
            if (!cbor_is_bool(v))
                goto done;
            out->ok = cbor_get_bool(v);
            break;
        case 6:
            if (!cb_get_uint(v, UINT16_MAX, &u))
                goto done;
            out->seq = (uint16_t)u;
            break;
        default:
            break; /* a newer writer's field: skipped */
        }
    }
    rc = 0;
done:
    cbor_decref(&item);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}
#endif

/* ======================================================================== */
/* Codec cases */

static uint8_t flat_wire[64], sample_wire[64];
static size_t flat_len, sample_len;

static void encode_signet_6(long n)
{
    uint8_t buf[64];
    size_t len = 0;
    for (long i = 0; i < n; i++) {
        if (bmq_flat_encode(&flat_msg, buf, sizeof buf, &len) != 0)
            die("bmq_flat_encode", -1);
        sink += len + buf[len - 1];
    }
}

static void decode_signet_6(long n)
{
    bmq_flat out;
    char strings[64];
    for (long i = 0; i < n; i++) {
        if (bmq_flat_decode(flat_wire, flat_len, &out, strings, sizeof strings) != 0)
            die("bmq_flat_decode", -1);
        sink += out.seq + (uint64_t)out.room[0];
    }
}

static void encode_signet_4(long n)
{
    uint8_t buf[64];
    size_t len = 0;
    for (long i = 0; i < n; i++) {
        if (bmq_sample_encode(&sample_msg, buf, sizeof buf, &len) != 0)
            die("bmq_sample_encode", -1);
        sink += len + buf[len - 1];
    }
}

static void decode_signet_4(long n)
{
    bmq_sample out;
    char strings[64];
    for (long i = 0; i < n; i++) {
        if (bmq_sample_decode(sample_wire, sample_len, &out, strings, sizeof strings) != 0)
            die("bmq_sample_decode", -1);
        sink += out.seq;
    }
}

#ifdef SIGNET_BENCH_CBOR
static void encode_libcbor_6(long n)
{
    const bmq_flat *m = &flat_msg;
    uint8_t buf[64];
    for (long i = 0; i < n; i++) {
        size_t len = cbor_encode6(m->room, m->sensor, m->celsius, m->t, m->ok, m->seq, 1, buf,
                                  sizeof buf);
        if (!len)
            die("libcbor encode", -1);
        sink += len + buf[len - 1];
    }
}

static void decode_libcbor_6(long n)
{
    bmq_flat out;
    char strings[64];
    for (long i = 0; i < n; i++) {
        if (cbor_decode6(flat_wire, flat_len, &out, strings, sizeof strings) != 0)
            die("libcbor decode", -1);
        sink += out.seq + (uint64_t)out.room[0];
    }
}

static void encode_libcbor_4(long n)
{
    const bmq_sample *m = &sample_msg;
    uint8_t buf[64];
    for (long i = 0; i < n; i++) {
        size_t len = cbor_encode6(m->room, m->sensor, m->celsius, m->t, m->ok, m->seq, 3, buf,
                                  sizeof buf);
        if (!len)
            die("libcbor encode", -1);
        sink += len + buf[len - 1];
    }
}

static void decode_libcbor_4(long n)
{
    bmq_flat out;
    char strings[64];
    for (long i = 0; i < n; i++) {
        if (cbor_decode6(sample_wire, sample_len, &out, strings, sizeof strings) != 0)
            die("libcbor decode", -1);
        sink += out.seq;
    }
}
#endif

struct codec_case {
    const char *name, *label, *versus;
    void (*run)(long n);
    double ns[BENCH_MAX_ROUNDS];
    long ops;
};

static struct codec_case codec[MAX_CODEC_CASES];
static size_t ncodec;

static void add_codec(const char *name, const char *label, const char *versus, void (*run)(long))
{
    codec[ncodec++] = (struct codec_case){.name = name, .label = label, .versus = versus, .run = run};
}

static void make_codec_cases(void)
{
    add_codec("wire_encode_signet_6", "signet bmq_flat_encode, 6-field map (36 B)", NULL,
              encode_signet_6);
#ifdef SIGNET_BENCH_CBOR
    add_codec("wire_encode_libcbor_6", "libcbor build map + cbor_serialize, 6 fields",
              "wire_encode_signet_6", encode_libcbor_6);
#endif
    add_codec("wire_decode_signet_6", "signet bmq_flat_decode, 6 fields", NULL, decode_signet_6);
#ifdef SIGNET_BENCH_CBOR
    add_codec("wire_decode_libcbor_6", "libcbor cbor_load + map walk, 6 fields",
              "wire_decode_signet_6", decode_libcbor_6);
#endif
    add_codec("wire_encode_signet_4", "signet bmq_sample_encode, 4 fields (23 B; 2 in topic)",
              NULL, encode_signet_4);
#ifdef SIGNET_BENCH_CBOR
    add_codec("wire_encode_libcbor_4", "libcbor build map + cbor_serialize, 4 fields",
              "wire_encode_signet_4", encode_libcbor_4);
#endif
    add_codec("wire_decode_signet_4", "signet bmq_sample_decode, 4 fields", NULL,
              decode_signet_4);
#ifdef SIGNET_BENCH_CBOR
    add_codec("wire_decode_libcbor_4", "libcbor cbor_load + map walk, 4 fields",
              "wire_decode_signet_4", decode_libcbor_4);
#endif
}

static struct codec_case *find_codec(const char *name)
{
    for (size_t i = 0; i < ncodec; i++)
        if (strcmp(codec[i].name, name) == 0)
            return &codec[i];
    return NULL;
}

/* Encodes the reference payloads, and checks that libcbor writes the same
 * bytes and that both decoders read the same struct back. */
static void codec_setup(void)
{
    if (bmq_flat_encode(&flat_msg, flat_wire, sizeof flat_wire, &flat_len) != 0 ||
        bmq_sample_encode(&sample_msg, sample_wire, sizeof sample_wire, &sample_len) != 0)
        die("encoding the reference payloads", -1);
#ifdef SIGNET_BENCH_CBOR
    const bmq_flat *m = &flat_msg;
    uint8_t b6[64], b4[64];
    size_t n6 = cbor_encode6(m->room, m->sensor, m->celsius, m->t, m->ok, m->seq, 1, b6, sizeof b6);
    size_t n4 = cbor_encode6(m->room, m->sensor, m->celsius, m->t, m->ok, m->seq, 3, b4, sizeof b4);
    if (n6 != flat_len || memcmp(b6, flat_wire, n6) != 0 || n4 != sample_len ||
        memcmp(b4, sample_wire, n4) != 0) {
        fprintf(stderr, "bench_mqtt: libcbor and signet encode the payload differently\n");
        exit(1);
    }
    bmq_flat a, b;
    char sa[64], sb[64];
    if (bmq_flat_decode(flat_wire, flat_len, &a, sa, sizeof sa) != 0 ||
        cbor_decode6(flat_wire, flat_len, &b, sb, sizeof sb) != 0 || strcmp(a.room, b.room) != 0 ||
        a.sensor != b.sensor || a.celsius != b.celsius || a.t != b.t || a.ok != b.ok ||
        a.seq != b.seq) {
        fprintf(stderr, "bench_mqtt: libcbor and signet decode the payload differently\n");
        exit(1);
    }
#endif
}

static void codec_calibrate(void)
{
    for (size_t i = 0; i < ncodec; i++) {
        long n = 1000;
        double t;
        for (;;) {
            double t0 = bench_cpu_ns();
            codec[i].run(n);
            t = bench_cpu_ns() - t0;
            if (t >= 3e6 || n >= 100000000)
                break;
            n *= 4;
        }
        codec[i].ops = (long)((double)n * 3e7 / t) + 1;
    }
}

static void codec_measure(void)
{
    codec_calibrate();
    for (int r = 0; r < CODEC_ROUNDS; r++)
        for (size_t i = 0; i < ncodec; i++) {
            double t0 = bench_cpu_ns();
            codec[i].run(codec[i].ops);
            codec[i].ns[r] = (bench_cpu_ns() - t0) / (double)codec[i].ops;
        }
}

/* ======================================================================== */
/* Transport: common */

static const char *host = "127.0.0.1";
static int port;
static long messages = 20000, trips = 2000; /* per round and side */

/* What the raw clients send: the bytes and topics the bridge sends. */
static char stream_topic[TOPICS][32];
static uint8_t (*stream_wire)[32];
static uint8_t *stream_len;
static uint8_t (*trip_wire)[32];
static uint8_t *trip_len;

static void transport_setup(void)
{
    char buf[SIGNET_TOPIC_MAX_BYTES + 1];
    stream_wire = malloc((size_t)(messages + WARM_MESSAGES) * sizeof *stream_wire);
    stream_len = malloc((size_t)(messages + WARM_MESSAGES));
    trip_wire = malloc((size_t)(trips + WARM_TRIPS) * sizeof *trip_wire);
    trip_len = malloc((size_t)(trips + WARM_TRIPS));
    if (!stream_wire || !stream_len || !trip_wire || !trip_len)
        die("malloc", SIGNET_ENOMEM);
    for (long i = 0; i < TOPICS; i++) {
        bmq_sample s = stream_msg(i);
        const char *t = signet_topic(&bmq_signals[BMQ_SIGNAL_SAMPLE], &s, buf, sizeof buf);
        if (!t || strlen(t) >= sizeof stream_topic[0])
            die("signet_topic", -1);
        strcpy(stream_topic[i], t);
    }
    for (long i = 0; i < messages + WARM_MESSAGES; i++) {
        bmq_sample s = stream_msg(i);
        size_t len;
        if (bmq_sample_encode(&s, stream_wire[i], sizeof stream_wire[i], &len) != 0)
            die("bmq_sample_encode", -1);
        stream_len[i] = (uint8_t)len;
    }
    for (long i = 0; i < trips + WARM_TRIPS; i++) {
        bmq_ping p = trip_msg(i);
        bmq_pong q = {p.seq, p.t};
        uint8_t pong[32];
        size_t len, qlen;
        if (bmq_ping_encode(&p, trip_wire[i], sizeof trip_wire[i], &len) != 0 ||
            bmq_pong_encode(&q, pong, sizeof pong, &qlen) != 0 || qlen != len ||
            memcmp(pong, trip_wire[i], len) != 0)
            die("ping and pong encode differently", -1);
        trip_len[i] = (uint8_t)len;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double process_cpu_ns(void)
{
    return bench_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

/* The read and write system calls of this process so far, its threads'
 * included (/proc/self/io: syscr + syscw; poll, epoll_wait and select are
 * not counted there); -1 without task I/O accounting. */
static double rw_calls(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    char line[128];
    double n = 0;
    int found = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long long v;
        if (sscanf(line, "syscr: %llu", &v) == 1 || sscanf(line, "syscw: %llu", &v) == 1) {
            n += (double)v;
            found++;
        }
    }
    fclose(f);
    return found == 2 ? n : -1;
}

/* One throughput run's flow control, the same for signet and raw: at most
 * WINDOW messages sent and not received. A sender that reaches WINDOW
 * sleeps until the receiver is down to WINDOW / 2, so it is woken once
 * per WINDOW / 2 messages, not once per message. */
struct stream {
    _Atomic long sent, got;
    long n;
    _Atomic double t_end;
    _Atomic bool waiting;
    pthread_mutex_t lock;
    pthread_cond_t room;
};

static void stream_init(struct stream *s, long n)
{
    atomic_init(&s->sent, 0);
    atomic_init(&s->got, 0);
    s->n = n;
    atomic_init(&s->t_end, 0.0);
    atomic_init(&s->waiting, false);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->room, NULL);
}

static void stream_destroy(struct stream *s)
{
    pthread_cond_destroy(&s->room);
    pthread_mutex_destroy(&s->lock);
}

/* The receiver's side: one more message. */
static void stream_got_one(struct stream *s)
{
    long g = atomic_fetch_add(&s->got, 1) + 1;
    if (g == s->n)
        atomic_store(&s->t_end, bench_wall_ns());
    if (atomic_load(&s->waiting) && atomic_load(&s->sent) - g <= WINDOW / 2) {
        pthread_mutex_lock(&s->lock);
        pthread_cond_signal(&s->room);
        pthread_mutex_unlock(&s->lock);
    }
}

/* The sender's side, before sending message `sent`: false when the
 * receiver made no progress for 2 s (messages were lost). */
static bool stream_may_send(struct stream *s, long sent)
{
    atomic_store_explicit(&s->sent, sent, memory_order_relaxed);
    if (sent - atomic_load(&s->got) < WINDOW)
        return true;
    bool ok = true;
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->waiting, true);
    while (ok && sent - atomic_load(&s->got) > WINDOW / 2) {
        long before = atomic_load(&s->got);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 2;
        if (pthread_cond_timedwait(&s->room, &s->lock, &ts) == ETIMEDOUT &&
            atomic_load(&s->got) == before)
            ok = false;
    }
    atomic_store(&s->waiting, false);
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* Waits for the last receipts (2 s without progress ends it). */
static void stream_wait(struct stream *s)
{
    long last = -1;
    int idle = 0;
    while (atomic_load(&s->got) < s->n && idle < 200) {
        long g = atomic_load(&s->got);
        idle = g == last ? idle + 1 : 0;
        last = g;
        sleep_ms(10);
    }
}

/* One throughput run, or the sum of several. */
struct tput_result {
    long got;          /* messages received */
    double secs;       /* from the first send to the last receipt */
    double cpu_ns;     /* the process's CPU time meanwhile */
    double calls;      /* its read and write system calls (-1: unknown) */
    long lost;         /* sent and never received */
    uint64_t dropped;  /* counted by the bridges */
};

/* Before the timed messages: waits (at most 2 s) until the warm-up ones
 * are received; false if some were lost. */
static bool stream_warm(struct stream *s)
{
    for (int i = 0; i < 2000 && atomic_load(&s->got) < WARM_MESSAGES; i++)
        sleep_ms(1);
    return atomic_load(&s->got) >= WARM_MESSAGES;
}

static void stream_start(double *k0, double *c0, double *t0)
{
    *k0 = rw_calls();
    *c0 = process_cpu_ns();
    *t0 = bench_wall_ns();
}

/* The timed part of a run: its messages after the warm-up ones. */
static struct tput_result tput_measured(struct stream *s, double t0, double c0, double k0)
{
    double c1 = process_cpu_ns(), k1 = rw_calls();
    long got = atomic_load(&s->got) - WARM_MESSAGES;
    if (t0 == 0) /* the warm-up was lost already */
        return (struct tput_result){.secs = 1, .calls = -1, .lost = s->n - atomic_load(&s->got)};
    double t_end = got + WARM_MESSAGES == s->n ? atomic_load(&s->t_end) : bench_wall_ns();
    return (struct tput_result){
        .got = got,
        .secs = (t_end - t0) * 1e-9,
        .cpu_ns = c1 - c0,
        .calls = k0 < 0 || k1 < 0 ? -1 : k1 - k0,
        .lost = s->n - WARM_MESSAGES - got,
    };
}

static void tput_add(struct tput_result *sum, const struct tput_result *t)
{
    sum->got += t->got;
    sum->secs += t->secs;
    sum->cpu_ns += t->cpu_ns;
    sum->calls = sum->calls < 0 || t->calls < 0 ? -1 : sum->calls + t->calls;
    sum->lost += t->lost;
    sum->dropped += t->dropped;
}

/* Round-trip times of one run, microseconds, sorted. */
struct rtt_result {
    double p50, p99;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct rtt_result percentiles(double *us, long n)
{
    qsort(us, (size_t)n, sizeof *us, cmp_double);
    return (struct rtt_result){us[n / 2], us[(n * 99) / 100]};
}

/* ======================================================================== */
/* Transport: signet */

static signet_bus *bus_new(uint32_t capacity)
{
    signet_bus_options o = {.queue_capacity = capacity};
    signet_bus *b;
    int rc = signet_bus_create(&o, &b);
    if (rc)
        die("signet_bus_create", rc);
    return b;
}

static signet_mqtt *bridge_new(signet_bus *bus)
{
    signet_mqtt_options o = {.host = host, .port = (uint16_t)port, .qos = 0};
    signet_mqtt *m;
    int rc = signet_mqtt_create(bus, &bmq_schema, &o, &m);
    if (rc)
        die("signet_mqtt_create", rc);
    return m;
}

static void bridge_ready(signet_mqtt *m)
{
    int rc = signet_mqtt_wait_ready(m, 5000);
    if (rc)
        die("signet_mqtt_wait_ready", rc);
}

static uint64_t bridge_dropped(signet_mqtt *m)
{
    signet_mqtt_counters c;
    if (signet_mqtt_stats(m, &c) != 0)
        return 0;
    return c.dropped_disconnected + c.dropped_backlog + c.dropped_topic + c.dropped_queue +
           c.dropped_local + c.dropped_refused + c.decode_errors + c.unknown_topics;
}

static int on_sample(void *ctx, const signet_event *ev, const bmq_sample *msg)
{
    (void)ev;
    (void)msg;
    stream_got_one(ctx);
    return 0;
}

struct signet_loop {
    signet_mqtt *m;
    signet_bus *bus;
    _Atomic bool stop;
};

/* A thread's own loop: steps the bridge and runs its bus's queue. */
static void *signet_loop_main(void *arg)
{
    struct signet_loop *e = arg;
    while (!atomic_load_explicit(&e->stop, memory_order_acquire)) {
        signet_mqtt_step(e->m, 10);
        signet_bus_dispatch(e->bus, 0);
    }
    return NULL;
}

/* `loop`: the receiving bridge and its bus are stepped by one thread of
 * the benchmark's; else the bridge has its thread and the bus a worker. */
static struct tput_result signet_throughput(bool loop, long n)
{
    struct stream s;
    signet_conn c;
    stream_init(&s, n + WARM_MESSAGES);
    signet_bus *tx = bus_new(0), *rx = bus_new(1024);
    signet_mqtt *mt = bridge_new(tx), *mr = bridge_new(rx);
    struct signet_loop e = {.m = mr, .bus = rx, .stop = false};
    pthread_t receiver;
    int rc = bmq_sample_connect(rx, on_sample, &s, signet_mqtt_sender(mr), &c);
    if (rc < 0)
        die("bmq_sample_connect", rc);
    if ((rc = signet_mqtt_start(mt)) != 0)
        die("signet_mqtt_start", rc);
    bridge_ready(mt);
    if (loop) {
        bridge_ready(mr);
        if (pthread_create(&receiver, NULL, signet_loop_main, &e) != 0)
            die("pthread_create", -1);
    } else {
        if ((rc = signet_queue_start(signet_bus_queue(rx), 1)) != 0 ||
            (rc = signet_mqtt_start(mr)) != 0)
            die("starting the threads", rc);
        bridge_ready(mr);
    }

    double k0 = 0, c0 = 0, t0 = 0;
    for (long sent = 0; sent < n + WARM_MESSAGES; sent++) {
        if (sent == WARM_MESSAGES && stream_warm(&s))
            stream_start(&k0, &c0, &t0);
        if (!stream_may_send(&s, sent))
            break;
        bmq_sample m = stream_msg(sent);
        bmq_sample_send_msg(tx, NULL, &m);
    }
    stream_wait(&s);
    struct tput_result r = tput_measured(&s, t0, c0, k0);
    r.dropped = bridge_dropped(mt) + bridge_dropped(mr);
    if (loop) {
        atomic_store(&e.stop, true);
        pthread_join(receiver, NULL);
    }
    signet_mqtt_destroy(mt);
    signet_mqtt_destroy(mr);
    signet_bus_destroy(tx);
    signet_bus_destroy(rx);
    stream_destroy(&s);
    return r;
}

/* Round trips: the echo and the caller's receiver. */
struct trip {
    _Atomic long back; /* the seq + 1 of the last pong */
    signet_bus *echo_bus;
};

static int on_ping(void *ctx, const signet_event *ev, const bmq_ping *msg)
{
    struct trip *t = ctx;
    (void)ev;
    bmq_pong_send(t->echo_bus, NULL, msg->seq, msg->t);
    return 0;
}

static int on_pong(void *ctx, const signet_event *ev, const bmq_pong *msg)
{
    struct trip *t = ctx;
    (void)ev;
    atomic_store_explicit(&t->back, (long)msg->seq + 1, memory_order_release);
    return 0;
}

/* ping -> echo -> pong, `loop`: stepped by one thread per side, else on
 * the library's threads. */
static void signet_rtt(bool loop, long k, double *us)
{
    struct trip t = {.back = 0};
    signet_conn c;
    signet_bus *a = bus_new(0), *b = bus_new(0);
    signet_mqtt *ma = bridge_new(a), *mb = bridge_new(b);
    struct signet_loop e = {.m = mb, .bus = b, .stop = false};
    pthread_t echo;
    int rc;
    t.echo_bus = b;
    if ((rc = bmq_ping_connect(b, on_ping, &t, signet_mqtt_sender(mb), &c)) < 0 ||
        (rc = bmq_pong_connect(a, on_pong, &t, signet_mqtt_sender(ma), &c)) < 0)
        die("connect", rc);
    if (loop) {
        bridge_ready(ma);
        bridge_ready(mb);
        if (pthread_create(&echo, NULL, signet_loop_main, &e) != 0)
            die("pthread_create", -1);
    } else {
        if ((rc = signet_queue_start(signet_bus_queue(b), 1)) != 0 ||
            (rc = signet_mqtt_start(ma)) != 0 || (rc = signet_mqtt_start(mb)) != 0)
            die("starting the threads", rc);
        bridge_ready(ma);
        bridge_ready(mb);
    }
    /* threads: the caller sleeps on its bus's queue fd. Only then: asking
     * for the fd makes every post that finds the queue empty write it. */
    struct pollfd p = {.fd = loop ? -1 : signet_bus_fd(a), .events = POLLIN};
    for (long i = 0; i < k + WARM_TRIPS; i++) {
        bmq_ping m = trip_msg(i);
        double t0 = bench_wall_ns(), deadline = t0 + 2e9;
        bmq_ping_send_msg(a, NULL, &m);
        while (atomic_load_explicit(&t.back, memory_order_acquire) != i + 1) {
            if (bench_wall_ns() > deadline)
                die("a round trip took over 2 s", -1);
            if (loop) {
                signet_mqtt_step(ma, 50);
                signet_bus_dispatch(a, 0);
            } else if (signet_bus_dispatch(a, 0) == 0) {
                poll(&p, 1, 50);
            }
        }
        if (i >= WARM_TRIPS)
            us[i - WARM_TRIPS] = (bench_wall_ns() - t0) / 1e3;
    }
    if (loop) {
        atomic_store(&e.stop, true);
        pthread_join(echo, NULL);
    }
    signet_mqtt_destroy(ma);
    signet_mqtt_destroy(mb);
    signet_bus_destroy(a);
    signet_bus_destroy(b);
}

/* ======================================================================== */
/* Transport: raw libmosquitto */

struct raw {
    struct mosquitto *mosq;
    const char *filter; /* subscribed on connecting, with no-local; NULL: none */
    _Atomic bool connected, subscribed;
    void (*message)(struct raw *r, const struct mosquitto_message *msg);
    void *ctx;
    struct mosquitto *reply; /* the echo publishes its pong here */
    double misc_at;          /* loop mode: the next mosquitto_loop_misc */
};

static void raw_on_connect(struct mosquitto *m, void *ctx, int rc, int flags,
                           const mosquitto_property *props)
{
    struct raw *r = ctx;
    (void)flags;
    (void)props;
    if (rc != 0)
        return;
    atomic_store(&r->connected, true);
    if (r->filter)
        mosquitto_subscribe_v5(m, NULL, r->filter, 0, MQTT_SUB_OPT_NO_LOCAL, NULL);
}

static void raw_on_subscribe(struct mosquitto *m, void *ctx, int mid, int n, const int *granted,
                             const mosquitto_property *props)
{
    struct raw *r = ctx;
    (void)m;
    (void)mid;
    (void)n;
    (void)granted;
    (void)props;
    atomic_store(&r->subscribed, true);
}

static void raw_on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg,
                           const mosquitto_property *props)
{
    struct raw *r = ctx;
    (void)m;
    (void)props;
    if (r->message)
        r->message(r, msg);
}

/* A client like the bridge's: MQTT 5, clean session, a random id. */
static void raw_new(struct raw *r, const char *filter)
{
    r->filter = filter;
    r->mosq = mosquitto_new(NULL, true, r);
    if (!r->mosq)
        die("mosquitto_new", SIGNET_ENOMEM);
    mosquitto_int_option(r->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_v5_callback_set(r->mosq, raw_on_connect);
    mosquitto_subscribe_v5_callback_set(r->mosq, raw_on_subscribe);
    mosquitto_message_v5_callback_set(r->mosq, raw_on_message);
    if (mosquitto_connect(r->mosq, host, port, 30) != MOSQ_ERR_SUCCESS)
        die("mosquitto_connect", -1);
}

/* One step of a caller's loop, as link.c steps the bridge's connection:
 * wait for the socket, read one packet, write when writable. */
static void raw_step(struct raw *r, int timeout_ms)
{
    struct pollfd p = {.fd = mosquitto_socket(r->mosq),
                       .events = POLLIN | (mosquitto_want_write(r->mosq) ? POLLOUT : 0)};
    if (poll(&p, 1, timeout_ms) > 0) {
        if (p.revents & (POLLIN | POLLERR | POLLHUP))
            mosquitto_loop_read(r->mosq, 1);
        if (p.revents & POLLOUT)
            mosquitto_loop_write(r->mosq, 1);
    }
    double now = bench_wall_ns();
    if (now >= r->misc_at) {
        mosquitto_loop_misc(r->mosq);
        r->misc_at = now + 1e9;
    }
}

/* Waits until connected (and subscribed): on the loop thread, or stepping. */
static void raw_ready(struct raw *r, bool loop)
{
    for (int i = 0; i < 500; i++) {
        if (atomic_load(&r->connected) && (!r->filter || atomic_load(&r->subscribed)))
            return;
        if (loop)
            raw_step(r, 10);
        else
            sleep_ms(10);
    }
    die("raw client not ready in 5 s", -1);
}

static void raw_start(struct raw *r)
{
    if (mosquitto_loop_start(r->mosq) != MOSQ_ERR_SUCCESS)
        die("mosquitto_loop_start", -1);
}

static void raw_destroy(struct raw *r, bool threaded)
{
    mosquitto_disconnect_v5(r->mosq, 0, NULL);
    if (threaded)
        mosquitto_loop_stop(r->mosq, false);
    mosquitto_destroy(r->mosq);
}

static void raw_count(struct raw *r, const struct mosquitto_message *msg)
{
    (void)msg;
    stream_got_one(r->ctx);
}

struct raw_loop {
    struct raw *r;
    _Atomic bool stop;
};

/* A thread's own loop: steps the client. */
static void *raw_loop_main(void *arg)
{
    struct raw_loop *e = arg;
    while (!atomic_load_explicit(&e->stop, memory_order_acquire))
        raw_step(e->r, 10);
    return NULL;
}

/* `loop`: the receiving client is stepped by one thread of the
 * benchmark's; else it runs on mosquitto_loop_start. */
static struct tput_result raw_throughput(bool loop, long n)
{
    struct stream s;
    struct raw tx = {0}, rx = {.message = raw_count, .ctx = &s};
    struct raw_loop e = {.r = &rx, .stop = false};
    pthread_t receiver;
    stream_init(&s, n + WARM_MESSAGES);
    raw_new(&tx, NULL);
    raw_new(&rx, "bench/+/+");
    raw_start(&tx);
    raw_ready(&tx, false);
    if (loop) {
        raw_ready(&rx, true);
        if (pthread_create(&receiver, NULL, raw_loop_main, &e) != 0)
            die("pthread_create", -1);
    } else {
        raw_start(&rx);
        raw_ready(&rx, false);
    }

    double k0 = 0, c0 = 0, t0 = 0;
    for (long sent = 0; sent < n + WARM_MESSAGES; sent++) {
        if (sent == WARM_MESSAGES && stream_warm(&s))
            stream_start(&k0, &c0, &t0);
        if (!stream_may_send(&s, sent))
            break;
        mosquitto_publish_v5(tx.mosq, NULL, stream_topic[sent % TOPICS], stream_len[sent],
                             stream_wire[sent], 0, false, NULL);
    }
    stream_wait(&s);
    struct tput_result r = tput_measured(&s, t0, c0, k0);
    if (loop) {
        atomic_store(&e.stop, true);
        pthread_join(receiver, NULL);
    }
    raw_destroy(&tx, true);
    raw_destroy(&rx, !loop);
    stream_destroy(&s);
    return r;
}

/* The echo: the ping's bytes, published back as the pong. */
static void raw_echo(struct raw *r, const struct mosquitto_message *msg)
{
    mosquitto_publish_v5(r->reply, NULL, "bench/pong", msg->payloadlen, msg->payload, 0, false,
                         NULL);
}

struct raw_caller {
    _Atomic long want; /* the trip waited for */
    _Atomic long back;
    int efd;   /* threads: written when the pong is back */
};

static void raw_pong(struct raw *r, const struct mosquitto_message *msg)
{
    struct raw_caller *c = r->ctx;
    long i = atomic_load(&c->want);
    if (msg->payloadlen != trip_len[i] || memcmp(msg->payload, trip_wire[i], trip_len[i]) != 0)
        return; /* not this trip's pong */
    atomic_store_explicit(&c->back, i + 1, memory_order_release);
    if (c->efd >= 0) {
        uint64_t one = 1;
        if (write(c->efd, &one, sizeof one) < 0)
            die("eventfd write", -1);
    }
}

static void raw_rtt(bool loop, long k, double *us)
{
    struct raw_caller caller = {.want = -1, .back = 0, .efd = -1};
    struct raw a = {.message = raw_pong, .ctx = &caller}, b = {.message = raw_echo};
    struct raw_loop e = {.r = &b, .stop = false};
    pthread_t echo;
    raw_new(&a, "bench/pong");
    raw_new(&b, "bench/ping");
    b.reply = b.mosq;
    if (loop) {
        raw_ready(&a, true);
        raw_ready(&b, true);
        if (pthread_create(&echo, NULL, raw_loop_main, &e) != 0)
            die("pthread_create", -1);
    } else {
        caller.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (caller.efd < 0)
            die("eventfd", -1);
        raw_start(&a);
        raw_start(&b);
        raw_ready(&a, false);
        raw_ready(&b, false);
    }
    struct pollfd p = {.fd = caller.efd, .events = POLLIN};
    for (long i = 0; i < k + WARM_TRIPS; i++) {
        double t0 = bench_wall_ns(), deadline = t0 + 2e9;
        atomic_store(&caller.want, i);
        mosquitto_publish_v5(a.mosq, NULL, "bench/ping", trip_len[i], trip_wire[i], 0, false, NULL);
        while (atomic_load_explicit(&caller.back, memory_order_acquire) != i + 1) {
            if (bench_wall_ns() > deadline)
                die("a raw round trip took over 2 s", -1);
            if (loop) {
                raw_step(&a, 50);
            } else {
                uint64_t v;
                if (poll(&p, 1, 50) > 0 && read(caller.efd, &v, sizeof v) < 0 && errno != EAGAIN)
                    die("eventfd read", -1);
            }
        }
        if (i >= WARM_TRIPS)
            us[i - WARM_TRIPS] = (bench_wall_ns() - t0) / 1e3;
    }
    if (loop) {
        atomic_store(&e.stop, true);
        pthread_join(echo, NULL);
    }
    raw_destroy(&a, !loop);
    raw_destroy(&b, !loop);
    if (caller.efd >= 0)
        close(caller.efd);
}

/* ======================================================================== */
/* The table */

/* One transport row: per-round values. Rows come in pairs, signet then
 * raw libmosquitto; the signet row's ratio is to the raw row after it. */
struct row {
    char name[40], label[128], target[64];
    const char *unit;
    bool signet;
    double v[BENCH_MAX_ROUNDS];
};

/* Per mode (0: threads, 1: own loop): throughput, CPU and calls per
 * message, then round-trip p50 and p99; each a signet and a raw row. */
enum { TPUT, CPU, RW, P50, P99, KINDS };
enum { T_ROWS = 2 * KINDS * 2 };

static struct row rows[T_ROWS];

static int row_of(int mode, int kind, bool signet)
{
    /* The throughput rows of both modes first, then the round trips. */
    int at = kind < P50 ? (mode * 3 + kind) * 2 : (6 + mode * 2 + (kind - P50)) * 2;
    return at + (signet ? 0 : 1);
}

static void name_rows(int rounds)
{
    static const char *const mode_id[2] = {"threads", "loop"};
    static const char *const kind_id[KINDS] = {"tput", "cpu", "rw", "rtt_p50", "rtt_p99"};
    static const char *const units[KINDS] = {"k/s", "us", "calls", "us", "us"};
    for (int mode = 0; mode < 2; mode++)
        for (int kind = 0; kind < KINDS; kind++)
            for (int k = 0; k < 2; k++) {
                struct row *w = &rows[row_of(mode, kind, k == 0)];
                snprintf(w->name, sizeof w->name, "mqtt_%s_%s_%s", kind_id[kind], mode_id[mode],
                         k == 0 ? "signet" : "raw");
                w->unit = units[kind];
                w->signet = k == 0;
            }
    (void)rounds;
}

static void transport_measure(int rounds)
{
    static const char *const how[2][2] = {
        {"bridges on their threads, bus worker", "mosquitto_loop_start"},
        {"receiver stepped in its own loop", "receiver stepped in its own loop"}};
    double *us[2];
    long lost[2][2] = {{0, 0}, {0, 0}};
    uint64_t dropped[2] = {0, 0};
    long chunk = messages / TPUT_SPLIT > 0 ? messages / TPUT_SPLIT : 1;
    long part = trips / RTT_SPLIT > 0 ? trips / RTT_SPLIT : 1;
    for (int k = 0; k < 2; k++)
        if (!(us[k] = malloc((size_t)(part * RTT_SPLIT) * sizeof *us[k])))
            die("malloc", SIGNET_ENOMEM);
    name_rows(rounds);
    transport_setup();
    /* Warm-up: one short run of each, untimed (connections, page faults). */
    signet_throughput(false, chunk);
    raw_throughput(false, chunk);
    for (int r = 0; r < rounds; r++) {
        /* Short runs, signet and raw in turn, so that the machine's load
         * meets both alike; a round's figures are over all of its runs. */
        for (int mode = 0; mode < 2; mode++) {
            struct tput_result sum[2] = {{.got = 0}, {.got = 0}};
            for (int j = 0; j < 2 * TPUT_SPLIT; j++) {
                int side = (j + r) % 2; /* 0: signet */
                struct tput_result t =
                    side == 0 ? signet_throughput(mode, chunk) : raw_throughput(mode, chunk);
                tput_add(&sum[side], &t);
            }
            for (int side = 0; side < 2; side++) {
                const struct tput_result *t = &sum[side];
                double got = t->got ? (double)t->got : 1;
                rows[row_of(mode, TPUT, side == 0)].v[r] = (double)t->got / t->secs / 1e3;
                rows[row_of(mode, CPU, side == 0)].v[r] = t->cpu_ns / 1e3 / got;
                rows[row_of(mode, RW, side == 0)].v[r] = t->calls < 0 ? 0 : t->calls / got;
                lost[mode][side] += t->lost;
                if (side == 0)
                    dropped[mode] += t->dropped;
            }
        }
        for (int mode = 0; mode < 2; mode++) {
            for (int j = 0; j < 2 * RTT_SPLIT; j++) {
                int side = (j + r) % 2;
                double *at = us[side] + (j / 2) * part;
                if (side == 0)
                    signet_rtt(mode, part, at);
                else
                    raw_rtt(mode, part, at);
            }
            for (int side = 0; side < 2; side++) {
                struct rtt_result q = percentiles(us[side], part * RTT_SPLIT);
                rows[row_of(mode, P50, side == 0)].v[r] = q.p50;
                rows[row_of(mode, P99, side == 0)].v[r] = q.p99;
            }
        }
    }
    free(us[0]);
    free(us[1]);

    for (int mode = 0; mode < 2; mode++) {
        const char *m = mode ? "own loop" : "threads";
        for (int k = 0; k < 2; k++) {
            const char *who = k ? "raw libmosquitto" : "signet";
            bool sig = k == 0;
            if (sig)
                snprintf(rows[row_of(mode, TPUT, sig)].label, sizeof rows[0].label,
                         "%s, %s; lost %ld, dropped %llu", who, how[mode][k], lost[mode][k],
                         (unsigned long long)dropped[mode]);
            else
                snprintf(rows[row_of(mode, TPUT, sig)].label, sizeof rows[0].label,
                         "%s, %s; lost %ld", who, how[mode][k], lost[mode][k]);
            snprintf(rows[row_of(mode, CPU, sig)].label, sizeof rows[0].label,
                     "%s, %s: process CPU time per message", who, m);
            snprintf(rows[row_of(mode, RW, sig)].label, sizeof rows[0].label,
                     "%s, %s: read+write calls per message", who, m);
            snprintf(rows[row_of(mode, P50, sig)].label, sizeof rows[0].label,
                     "%s, round trip p50, %s", who, m);
            snprintf(rows[row_of(mode, P99, sig)].label, sizeof rows[0].label,
                     "%s, round trip p99, %s", who, m);
        }
        int ts = row_of(mode, TPUT, true), ps = row_of(mode, P50, true);
        double tput = bench_median(rows[ts].v, rounds) / bench_median(rows[ts + 1].v, rounds);
        snprintf(rows[ts].target, sizeof rows[0].target, ">= 0.8x raw: %.2fx %s", tput,
                 tput >= 0.8 ? "met" : "MISSED");
        double p = bench_median(rows[ps].v, rounds) / bench_median(rows[ps + 1].v, rounds);
        snprintf(rows[ps].target, sizeof rows[0].target, "<= 1.2x raw: %.2fx %s", p,
                 p <= 1.2 ? "met" : "MISSED");
    }
}

static void report(int tsv, int rounds, bool transport)
{
    if (!tsv)
        printf("%-62s %10s %19s %9s  %s\n", "case", "median", "min-max", "ratio", "target");
    for (size_t i = 0; i < ncodec; i++) {
        struct codec_case *c = &codec[i];
        struct bench_summary st = bench_summarize(c->ns, CODEC_ROUNDS);
        char target[96] = "";
        double ratio = 0;
        if (c->versus) {
            ratio = st.median / bench_median(find_codec(c->versus)->ns, CODEC_ROUNDS);
            snprintf(target, sizeof target, "signet >= 3x faster: %.2fx %s", ratio,
                     ratio >= 3.0 ? "met" : "MISSED");
        }
        if (tsv)
            printf("wire\t%s\t%s\tns\t%.3f\t%.3f\t%.3f\t%s\t%s\n", c->name, c->label, st.median,
                   st.min, st.max, c->versus ? c->versus : "", target);
        else if (c->versus)
            printf("%-62s %7.1f ns %8.1f-%-8.1f %8.2fx  %s\n", c->label, st.median, st.min, st.max,
                   ratio, target);
        else
            printf("%-62s %7.1f ns %8.1f-%-8.1f\n", c->label, st.median, st.min, st.max);
    }
#ifndef SIGNET_BENCH_CBOR
    printf(tsv ? "skipped\t\tlibcbor (not found when bench_mqtt was built)\n"
               : "libcbor: skipped (not found when bench_mqtt was built)\n");
#endif
    if (!transport) {
        if (!tsv) /* scripts/bench says why it gave no broker */
            printf("MQTT transport: skipped (no broker: give --port)\n");
        return;
    }
    for (int i = 0; i < T_ROWS; i++) {
        struct row *w = &rows[i];
        struct bench_summary st = bench_summarize(w->v, rounds);
        if (tsv) {
            printf("mqtt\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\n", w->name, w->label, w->unit,
                   st.median, st.min, st.max, w->signet ? rows[i + 1].name : "", w->target);
            continue;
        }
        printf("%-62s %7.1f %-5s %8.1f-%-8.1f", w->label, st.median, w->unit, st.min, st.max);
        if (w->signet) {
            double r = st.median / bench_median(rows[i + 1].v, rounds);
            printf(" %8.2fx  %s", r, w->target);
        }
        printf("\n");
    }
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0) {
        fprintf(stderr, "bench_mqtt: not a positive number: '%s'\n", s);
        exit(2);
    }
    return v;
}

/* --run for a transport case: one run of it, its result on stderr (for
 * perf and strace; not used by scripts/bench). */
static int run_transport(const char *name, long n)
{
    double *us;
    struct rtt_result q;
    struct tput_result t;
    bool loop = strstr(name, "_loop") != NULL;

    if (!port) {
        fprintf(stderr, "bench_mqtt: %s needs --port\n", name);
        return 2;
    }
    mosquitto_lib_init();
    if (strncmp(name, "mqtt_tput_", 10) == 0) {
        messages = n;
        transport_setup();
        t = strstr(name, "_signet") ? signet_throughput(loop, n) : raw_throughput(loop, n);
        double got = t.got ? (double)t.got : 1;
        fprintf(stderr, "%s: %.1f k/s, %.2f us CPU/msg, %.2f read+write calls/msg, lost %ld,"
                " dropped %llu\n", name, (double)t.got / t.secs / 1e3, t.cpu_ns / 1e3 / got,
                t.calls / got, t.lost, (unsigned long long)t.dropped);
        return 0;
    }
    if (strncmp(name, "mqtt_rtt_", 9) != 0 || !(us = malloc((size_t)n * sizeof *us))) {
        fprintf(stderr, "bench_mqtt: unknown case '%s'\n", name);
        return 2;
    }
    trips = n;
    messages = 1;
    transport_setup();
    bool signet = strstr(name, "_signet") != NULL;
    if (signet)
        signet_rtt(loop, n, us);
    else
        raw_rtt(loop, n, us);
    q = percentiles(us, n);
    fprintf(stderr, "%s: p50 %.1f us, p99 %.1f us\n", name, q.p50, q.p99);
    free(us);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = 5, tsv = 0;
    const char *run = NULL;
    long run_n = 0;
    char *args[8];
    int nargs = 1;

    make_codec_cases();
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < ncodec; i++)
            printf("%s 50000\n", codec[i].name);
        return 0;
    }
    /* --port, --messages, --trips and --run here; the rest to bench_options. */
    args[0] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--port") == 0)
            port = (int)number(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--messages") == 0)
            messages = number(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--trips") == 0)
            trips = number(argv[++i]);
        else if (i + 2 < argc && strcmp(argv[i], "--run") == 0) {
            run = argv[++i];
            run_n = number(argv[++i]);
        } else if (nargs < 8)
            args[nargs++] = argv[i];
        else
            rounds = 0;
    }
    if (!bench_options(nargs, args, &rounds, &tsv) || port > 65535) {
        fprintf(stderr, "usage: bench_mqtt [--tsv] [--rounds 1..64] [--port P] [--messages N]"
                        " [--trips K] | [--port P] --run CASE N | --list\n");
        return 2;
    }
    codec_setup();
    if (run) {
        struct codec_case *c = find_codec(run);
        if (!c)
            return run_transport(run, run_n);
        c->run(run_n);
        return 0;
    }
    codec_measure();
    if (port) {
        mosquitto_lib_init();
        transport_measure(rounds);
    }
    report(tsv, rounds, port != 0);
    return 0;
}
