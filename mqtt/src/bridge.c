/* bridge.c: signals to broker messages and back (signet_mqtt_*). The
 * bridge is one more receiver of the bus: a generic queued connection per
 * `export` signal, on a queue of its own, whose receiver builds the
 * concrete topic, encodes the payload (signet_wire_encode) and hands both
 * to the link. Broker messages on the `import` signals' filters are
 * resolved with the schema's generated matcher, decoded into a payload
 * struct (signet_wire_decode) and posted with the schema's publish_post,
 * from the bridge as sender: its own export receivers skip them, so
 * nothing imported is published again. Runs on a thread of its own or in
 * the caller's loop. Uses libsignet and link.c (the broker connection).
 */
#include <signet_mqtt.h>

#include "link.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOPIC_MAX 65535u /* MQTT's limit, in bytes */

struct signet_mqtt {
    signet_bus *bus;
    const signet_schema_info *schema;
    signet_queue *queue;         /* exports wait here for the bridge's thread */
    struct link *link;
    uint8_t *qos;                /* per signal */
    uint16_t *levels;            /* per signal: its topic's levels */
    signet_conn *conns;          /* the export connections */
    uint32_t nconns;
    char *topic;                 /* TOPIC_MAX + 1 bytes */
    uint8_t *wire;               /* the encoded message */
    size_t wire_size;
    void *decoded;               /* the largest imported payload */
    char *strings;               /* its strings */
    size_t strings_size;
    bool stepped, more;
    bool threaded;
    bool closing;                /* destroying: exports are counted, not sent */
    uint64_t unsent;             /* the exports found while closing */
    pthread_t thread;
    _Atomic bool stop;
    pthread_mutex_t lock;        /* with changed: wait_ready() and flush() on other threads */
    pthread_cond_t changed;
    _Atomic int waiters;
    _Atomic uint64_t handled;    /* export queue messages export_message() finished */
    _Atomic uint64_t received, decode_errors, unknown_topics, dropped_topic, dropped_local,
        dropped_nomem;
};

static void count(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static bool is_bridged(const signet_signal_info *sig)
{
    return (sig->flags & (SIGNET_SIGNAL_EXPORT | SIGNET_SIGNAL_IMPORT)) && sig->wire;
}

static uint16_t levels_of(const char *topic)
{
    uint16_t n = 1;
    for (; *topic; topic++)
        n += *topic == '/';
    return n;
}

/* ---- Exports ---------------------------------------------------------- */

static int grow(void **buf, size_t *size, size_t need)
{
    if (need <= *size)
        return 0;
    void *p = realloc(*buf, need);
    if (!p)
        return SIGNET_ENOMEM;
    *buf = p;
    *size = need;
    return 0;
}

static void export_one(signet_mqtt *m, const signet_event *ev, const void *payload)
{
    const signet_signal_info *sig = ev->signal;
    size_t len = 0;

    if (ev->sender == m)
        return; /* it came from the broker */
    if (m->closing) {
        m->unsent++;
        return;
    }
    const char *topic = signet_topic(sig, payload, m->topic, TOPIC_MAX + 1);
    /* A captured str holding '/' would be read back as another topic. */
    if (!topic || levels_of(topic) != m->levels[sig->id]) {
        count(&m->dropped_topic);
        return;
    }
    int rc = signet_wire_encode(sig->wire, payload, m->wire, m->wire_size, &len);
    if (rc == SIGNET_ENOSPC && grow((void **)&m->wire, &m->wire_size, len) == 0)
        rc = signet_wire_encode(sig->wire, payload, m->wire, m->wire_size, &len);
    if (rc) {
        count(&m->dropped_nomem);
        return;
    }
    (void)link_publish(m->link, topic, m->wire, len, m->qos[sig->id],
                       (sig->flags & SIGNET_SIGNAL_RETAIN) != 0); /* counted either way */
}

/* The receiver of every exported signal (a SIGNET_GENERIC connection).
 * Counts the messages it finished, so that flush() knows none is half
 * way between the queue and the connection. */
static int export_message(void *ctx, const signet_event *ev, const void *payload)
{
    signet_mqtt *m = ctx;
    export_one(m, ev, payload);
    atomic_fetch_add_explicit(&m->handled, 1, memory_order_release);
    return 0;
}

/* ---- Imports ---------------------------------------------------------- */

static void import_message(void *ctx, const char *topic, const void *payload, size_t len)
{
    signet_mqtt *m = ctx;
    const signet_schema_info *sc = m->schema;
    size_t tlen = strlen(topic);

    int id = sc->resolve(topic, tlen);
    if (id < 0 || !(sc->signals[id].flags & SIGNET_SIGNAL_IMPORT) || !sc->signals[id].wire) {
        count(&m->unknown_topics);
        return;
    }
    const signet_signal_info *sig = &sc->signals[id];
    /* An empty message clears a retained topic (MQTT's empty retained
     * publish): the value the bridge imported, for a per_sender signal.
     * No wire message is empty, not even {} of a signal without
     * parameters. */
    if (len == 0 && (sig->flags & SIGNET_SIGNAL_RETAIN)) {
        int rc = signet_retained_clear_from(m->bus, sig, m, topic);
        count(rc == 0 || rc == SIGNET_ENOENT ? &m->received : &m->dropped_local);
        return;
    }
    /* Each string takes at least one byte of the message and one NUL. */
    if (grow((void **)&m->strings, &m->strings_size, 2 * len + 1)) {
        count(&m->dropped_local);
        return;
    }
    void *out = sig->payload ? m->decoded : NULL;
    if (signet_wire_decode(sig->wire, payload, len, out, m->strings, m->strings_size) != 0) {
        count(&m->decode_errors);
        return;
    }
    int rc = sc->publish_post(m->bus, m, topic, tlen, sig->payload, out);
    count(rc < 0 ? &m->dropped_local : &m->received);
}

/* ---- Creating --------------------------------------------------------- */

/* The MQTT filter of a topic template: each {capture} level becomes '+'. */
static char *filter_of(const char *tmpl)
{
    char *f = malloc(strlen(tmpl) + 1), *at = f;
    if (!f)
        return NULL;
    while (*tmpl) {
        if (*tmpl == '{') {
            *at++ = '+';
            while (*tmpl && *tmpl != '}')
                tmpl++;
            if (*tmpl)
                tmpl++;
        } else {
            *at++ = *tmpl++;
        }
    }
    *at = '\0';
    return f;
}

/* Whether two '+'-only filters share a topic: same levels, each pair equal
 * or one of them '+'. */
static bool overlap(const char *a, const char *b)
{
    for (;;) {
        size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
        bool any = (na == 1 && *a == '+') || (nb == 1 && *b == '+');
        if (!any && (na != nb || memcmp(a, b, na) != 0))
            return false;
        a += na;
        b += nb;
        if (!*a || !*b)
            return !*a && !*b;
        a++;
        b++;
    }
}

/* The filter matching everything a and b match, level by level, into a. */
static void join(char *a, const char *b)
{
    char *out = a;
    const char *ra = a;
    char tmp[SIGNET_TOPIC_MAX_BYTES + 1]; /* a template's filter is no longer */
    char *t = tmp;
    for (;;) {
        size_t na = strcspn(ra, "/"), nb = strcspn(b, "/");
        if (na == nb && memcmp(ra, b, na) == 0) {
            memcpy(t, ra, na);
            t += na;
        } else {
            *t++ = '+';
        }
        ra += na;
        b += nb;
        if (!*ra)
            break;
        *t++ = '/';
        ra++;
        b++;
    }
    *t = '\0';
    memcpy(out, tmp, (size_t)(t - tmp) + 1);
}

/* Subscribes the imported signals' filters. A broker sends a message once
 * per matching subscription, so filters that share a topic are joined
 * into one; the bridge re-resolves every topic it receives anyway. */
static int subscribe_imports(signet_mqtt *m)
{
    const signet_schema_info *sc = m->schema;
    char **filters = calloc(sc->signal_count ? sc->signal_count : 1, sizeof *filters);
    uint8_t *qos = calloc(sc->signal_count ? sc->signal_count : 1, 1);
    uint32_t n = 0;
    int err = filters && qos ? 0 : SIGNET_ENOMEM;

    for (uint32_t i = 0; !err && i < sc->signal_count; i++) {
        const signet_signal_info *sig = &sc->signals[i];
        if (!(sig->flags & SIGNET_SIGNAL_IMPORT) || !sig->wire)
            continue;
        char *f = filter_of(sig->topic);
        if (!f) {
            err = SIGNET_ENOMEM;
            break;
        }
        filters[n] = f;
        qos[n++] = m->qos[i];
    }
    for (bool merged = true; !err && merged;) {
        merged = false;
        for (uint32_t i = 0; i < n && !merged; i++)
            for (uint32_t j = i + 1; j < n && !merged; j++)
                if (overlap(filters[i], filters[j])) {
                    join(filters[i], filters[j]);
                    qos[i] = qos[i] > qos[j] ? qos[i] : qos[j];
                    free(filters[j]);
                    filters[j] = filters[--n];
                    qos[j] = qos[n];
                    merged = true;
                }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!err)
            err = link_subscribe(m->link, filters[i], qos[i]);
        free(filters[i]);
    }
    free(filters);
    free(qos);
    return err;
}

static int connect_exports(signet_mqtt *m)
{
    const signet_schema_info *sc = m->schema;
    signet_connect_opts opts = {.flags = SIGNET_GENERIC, .queue = m->queue};

    m->conns = calloc(sc->signal_count, sizeof *m->conns);
    if (!m->conns)
        return SIGNET_ENOMEM;
    for (uint32_t i = 0; i < sc->signal_count; i++) {
        const signet_signal_info *sig = &sc->signals[i];
        if (!(sig->flags & SIGNET_SIGNAL_EXPORT) || !sig->wire)
            continue;
        int err = signet_connect(m->bus, sig, (signet_fnptr *)export_message, m, SIGNET_ANY, &opts,
                                 &m->conns[m->nconns]);
        if (err < 0)
            return err;
        m->nconns++;
    }
    return 0;
}

static int check_options(const signet_mqtt_options *o)
{
    if (o->qos > 1 || (o->keepalive_s && o->keepalive_s < 5) ||
        o->max_pending > SIGNET_MQTT_MAX_PENDING || (o->password && !o->username) ||
        (o->resume_session && !o->client_id) || (!o->tls_cert != !o->tls_key) ||
        (o->tls_cert && !o->tls_ca) ||
        (o->reconnect_max_ms && o->reconnect_max_ms < o->reconnect_min_ms))
        return SIGNET_EINVAL;
    return 0;
}

static struct link_options link_options_of(const signet_mqtt_options *o)
{
    struct link_options l = {
        .host = o->host ? o->host : "127.0.0.1",
        .port = o->port ? o->port : (o->tls_ca ? 8883 : 1883),
        .client_id = o->client_id,
        .keepalive_s = o->keepalive_s ? o->keepalive_s : 30,
        .resume_session = o->resume_session,
        .session_expiry_s = o->session_expiry_s ? o->session_expiry_s : UINT32_MAX,
        .username = o->username,
        .password = o->password,
        .tls_ca = o->tls_ca,
        .tls_cert = o->tls_cert,
        .tls_key = o->tls_key,
        .max_pending = o->max_pending ? o->max_pending : 1000,
        .reconnect_min_ms = o->reconnect_min_ms ? o->reconnect_min_ms : 100,
        .reconnect_max_ms = o->reconnect_max_ms ? o->reconnect_max_ms : 10000,
    };
    if (l.reconnect_max_ms < l.reconnect_min_ms)
        l.reconnect_max_ms = l.reconnect_min_ms;
    return l;
}

int signet_mqtt_create(signet_bus *bus, const signet_schema_info *schema,
                       const signet_mqtt_options *opts, signet_mqtt **out)
{
    static const signet_mqtt_options defaults = {0};
    const signet_mqtt_options *o = opts ? opts : &defaults;

    if (!bus || !schema || !out)
        return SIGNET_EINVAL;
    if (schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    int err = check_options(o);
    if (err)
        return err;
    size_t payload_max = 0;
    bool any = false;
    for (uint32_t i = 0; i < schema->signal_count; i++) {
        const signet_signal_info *sig = &schema->signals[i];
        if (!is_bridged(sig))
            continue;
        any = true;
        if ((sig->flags & SIGNET_SIGNAL_IMPORT) && sig->payload && sig->payload->size > payload_max)
            payload_max = sig->payload->size;
    }
    if (!any)
        return SIGNET_EINVAL;
    if (!schema->resolve || !schema->publish_post)
        return SIGNET_EABI; /* every schema with signals has them */

    signet_mqtt *m = calloc(1, sizeof *m);
    if (!m)
        return SIGNET_ENOMEM;
    m->bus = bus;
    m->schema = schema;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->changed, NULL);
    m->qos = calloc(schema->signal_count, sizeof *m->qos);
    m->levels = calloc(schema->signal_count, sizeof *m->levels);
    m->topic = malloc(TOPIC_MAX + 1);
    /* malloc's alignment suits every payload struct. */
    m->decoded = malloc(payload_max ? payload_max : 1);
    err = SIGNET_ENOMEM;
    if (!m->qos || !m->levels || !m->topic || !m->decoded)
        goto fail;
    for (uint32_t i = 0; i < schema->signal_count; i++) {
        m->qos[i] = o->qos;
        m->levels[i] = levels_of(schema->signals[i].topic);
    }
    struct link_options lo = link_options_of(o);
    struct link_handler h = {.ctx = m, .message = import_message};
    signet_queue_options qo = {.capacity = o->queue_capacity ? o->queue_capacity : 1024,
                               .slot_size = o->slot_size,
                               .overflow = SIGNET_OVERFLOW_DROP_NEWEST};
    if ((err = link_create(&lo, &h, &m->link)) != 0 ||
        (err = signet_queue_create(bus, &qo, &m->queue)) != 0)
        goto fail;
    int fd = signet_queue_fd(m->queue);
    if (fd < 0 || (err = link_watch(m->link, fd)) != 0 || (err = connect_exports(m)) != 0)
        goto fail;
    *out = m;
    return 0;
fail:
    signet_mqtt_destroy(m);
    return err;
}

int signet_mqtt_set_qos(signet_mqtt *m, const signet_signal_info *sig, int qos)
{
    if (!m || !sig || sig->schema != m->schema || sig->id >= m->schema->signal_count ||
        &m->schema->signals[sig->id] != sig || !is_bridged(sig) || qos < 0 || qos > 1 ||
        m->stepped || m->threaded)
        return SIGNET_EINVAL;
    m->qos[sig->id] = (uint8_t)qos;
    return 0;
}

const void *signet_mqtt_sender(const signet_mqtt *m)
{
    return m;
}

/* ---- Running ---------------------------------------------------------- */

static int first_step(signet_mqtt *m)
{
    if (m->stepped)
        return 0;
    m->stepped = true;
    return subscribe_imports(m);
}

static void notify(signet_mqtt *m)
{
    if (atomic_load_explicit(&m->waiters, memory_order_acquire) == 0)
        return;
    pthread_mutex_lock(&m->lock);
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
}

static int step(signet_mqtt *m, int timeout_ms)
{
    bool exports = false;
    int done = 0;
    uint64_t before = atomic_load_explicit(&m->received, memory_order_relaxed);

    link_step(m->link, m->more ? 0 : timeout_ms, &exports);
    if (exports || m->more) {
        /* The fd is only written when a dispatch left the queue empty, so
         * a dispatch that filled its budget is followed by another. */
        uint32_t budget = 256;
        int n = signet_queue_dispatch(m->queue, budget);
        m->more = n >= (int)budget;
        done += n > 0 ? n : 0;
    }
    done += (int)(atomic_load_explicit(&m->received, memory_order_relaxed) - before);
    notify(m);
    return done;
}

int signet_mqtt_step(signet_mqtt *m, int timeout_ms)
{
    if (!m || m->threaded)
        return SIGNET_EINVAL;
    int err = first_step(m);
    return err ? err : step(m, timeout_ms);
}

int signet_mqtt_fd(const signet_mqtt *m)
{
    return m ? link_fd(m->link) : SIGNET_EINVAL;
}

static void *run(void *arg)
{
    signet_mqtt *m = arg;
    while (!atomic_load_explicit(&m->stop, memory_order_acquire))
        step(m, -1);
    return NULL;
}

int signet_mqtt_start(signet_mqtt *m)
{
    if (!m || m->threaded || m->stepped)
        return SIGNET_EINVAL;
    int err = first_step(m);
    if (err)
        return err;
    m->threaded = true;
    if (pthread_create(&m->thread, NULL, run, m) != 0) {
        m->threaded = false;
        return SIGNET_ENOMEM;
    }
    return 0;
}

/* ---- Waiting ---------------------------------------------------------- */

/* Waits until done(m) gives something other than 1, stepping the bridge
 * or waiting for its thread, until deadline; then the result of done, or
 * timed_out. */
static int wait_for(signet_mqtt *m, uint32_t timeout_ms, int (*done)(signet_mqtt *),
                    int (*timed_out)(signet_mqtt *))
{
    uint64_t deadline = link_now_ms() + timeout_ms;
    int rc;

    if (!m->threaded) {
        int err = first_step(m);
        if (err)
            return err;
        while ((rc = done(m)) == 1) {
            uint64_t now = link_now_ms();
            if (now >= deadline)
                return timed_out(m);
            uint64_t left = deadline - now;
            step(m, left > 100 ? 100 : (int)left);
        }
        return rc;
    }
    atomic_fetch_add_explicit(&m->waiters, 1, memory_order_acq_rel);
    link_wake(m->link); /* its next step sees the waiter */
    pthread_mutex_lock(&m->lock);
    while ((rc = done(m)) == 1) {
        uint64_t now = link_now_ms();
        if (now >= deadline) {
            rc = timed_out(m);
            break;
        }
        /* Short waits: the thread only broadcasts after a step. */
        uint64_t left = deadline - now;
        left = left > 50 ? 50 : left;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)left * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&m->changed, &m->lock, &ts);
    }
    pthread_mutex_unlock(&m->lock);
    atomic_fetch_sub_explicit(&m->waiters, 1, memory_order_acq_rel);
    return rc;
}

static int ready_done(signet_mqtt *m)
{
    const struct link_counters *c = link_counters(m->link);
    if (atomic_load_explicit(&c->ready, memory_order_acquire))
        return 0;
    int err = atomic_load_explicit(&c->last_error, memory_order_relaxed);
    return err == SIGNET_EREFUSED || err == SIGNET_ETLS ? err : 1;
}

/* No broker accepted the connection in time: why, when a try failed,
 * else (a broker that takes the connection but does not answer) that it is
 * not connected. */
static int ready_timed_out(signet_mqtt *m)
{
    int err = atomic_load_explicit(&link_counters(m->link)->last_error, memory_order_relaxed);
    return err ? err : SIGNET_ENOTCONN;
}

static int flush_done(signet_mqtt *m)
{
    signet_stats qs;
    if (signet_queue_stats(m->queue, &qs) != 0)
        return SIGNET_EINVAL;
    uint64_t handled = atomic_load_explicit(&m->handled, memory_order_acquire);
    return qs.depth == 0 && handled == qs.delivered &&
                   atomic_load_explicit(&link_counters(m->link)->pending, memory_order_relaxed) == 0
               ? 0
               : 1;
}

static int flush_timed_out(signet_mqtt *m)
{
    (void)m;
    return SIGNET_ETIMEDOUT;
}

int signet_mqtt_wait_ready(signet_mqtt *m, uint32_t timeout_ms)
{
    return m ? wait_for(m, timeout_ms, ready_done, ready_timed_out) : SIGNET_EINVAL;
}

int signet_mqtt_flush(signet_mqtt *m, uint32_t timeout_ms)
{
    return m ? wait_for(m, timeout_ms, flush_done, flush_timed_out) : SIGNET_EINVAL;
}

/* ---- Counting and ending ---------------------------------------------- */

static uint64_t get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

int signet_mqtt_stats(const signet_mqtt *m, signet_mqtt_counters *out)
{
    signet_stats qs;
    if (!m || !out || signet_queue_stats(m->queue, &qs) != 0)
        return SIGNET_EINVAL;
    const struct link_counters *c = link_counters(m->link);
    *out = (signet_mqtt_counters){
        .published = get(&c->published),
        .received = get(&m->received),
        .decode_errors = get(&m->decode_errors),
        .unknown_topics = get(&m->unknown_topics),
        .dropped_disconnected = get(&c->dropped_disconnected),
        .dropped_backlog = get(&c->dropped_backlog) + get(&m->dropped_nomem),
        .dropped_topic = get(&c->dropped_topic) + get(&m->dropped_topic),
        .dropped_queue = qs.dropped,
        .dropped_local = get(&m->dropped_local),
        .dropped_refused = get(&c->dropped_refused),
        .reconnects = get(&c->reconnects),
        .pending = atomic_load_explicit(&c->pending, memory_order_relaxed),
        .connected = atomic_load_explicit(&c->ready, memory_order_acquire),
        .last_error = atomic_load_explicit(&c->last_error, memory_order_relaxed),
    };
    return 0;
}

int signet_mqtt_destroy(signet_mqtt *m)
{
    uint64_t dropped = 0;

    if (!m)
        return 0;
    if (m->threaded) {
        atomic_store_explicit(&m->stop, true, memory_order_release);
        link_wake(m->link);
        pthread_join(m->thread, NULL);
    }
    if (m->queue) {
        /* The queue also holds the bridge's own imports (its receivers
         * skip them): run it to count only the exports. */
        m->closing = true;
        while (signet_queue_dispatch(m->queue, 0) > 0)
            ;
        dropped += m->unsent;
    }
    for (uint32_t i = 0; i < m->nconns; i++)
        (void)signet_disconnect(m->bus, m->conns[i]);
    if (m->queue) {
        int discarded = signet_queue_destroy(m->queue);
        dropped += discarded > 0 ? (uint64_t)discarded : 0;
    }
    if (m->link)
        dropped += link_destroy(m->link);
    pthread_cond_destroy(&m->changed);
    pthread_mutex_destroy(&m->lock);
    free(m->conns);
    free(m->qos);
    free(m->levels);
    free(m->topic);
    free(m->wire);
    free(m->decoded);
    free(m->strings);
    free(m);
    return dropped > INT32_MAX ? INT32_MAX : (int)dropped;
}
