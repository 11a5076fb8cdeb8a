/* link.c: one broker connection on libmosquitto, driven without threads of
 * libmosquitto's own: an epoll set holds the socket, a timerfd (keepalive,
 * reconnect backoff), an eventfd to wake a waiting step and one fd of the
 * owner's (the bridge's export queue), so one fd tells a caller's loop when
 * to step. Connects asynchronously, reconnects with doubling backoff,
 * subscribes its filters with MQTT v5 no-local on every connect (a client
 * never gets its own messages back), bounds what waits to go out and
 * counts every message it does not publish. Uses libmosquitto and Linux's
 * epoll, timerfd and eventfd; knows nothing about signals.
 */
#include "link.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum { TAG_TIMER, TAG_WAKE, TAG_WATCHED, TAG_SOCKET };
enum state { DOWN, CONNECTING, UP };
enum timer_mode { TIMER_OFF, TIMER_TICK, TIMER_RETRY };

struct filter {
    char *text;
    int qos;
};

struct link {
    struct mosquitto *mosq;
    struct link_handler h;
    struct link_options o;
    char *strings;             /* the option strings, copied */
    int ep, timer, wake;
    int sock;                  /* the socket in the epoll set, or -1 */
    uint32_t sock_events;
    unsigned attempt, sock_attempt; /* connection attempts; the one sock belongs to */
    enum state state;
    enum timer_mode timer_mode;
    bool started, ever_up;
    uint64_t retry_at_ms;
    uint32_t backoff_ms;
    uint32_t subacks_waiting;
    uint32_t pending0;         /* QoS 0 messages queued in libmosquitto, not yet written */
    struct filter *filters;
    uint32_t nfilters;
    uint8_t qos1_mid[65536 / 8]; /* which message ids are QoS 1 messages in flight */
    struct link_counters c;
};

uint64_t link_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void count(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void set_error(struct link *l, int err)
{
    atomic_store_explicit(&l->c.last_error, err, memory_order_relaxed);
}

static void arm(struct link *l, enum timer_mode mode, uint64_t ms)
{
    if (mode == l->timer_mode && mode != TIMER_RETRY)
        return;
    struct itimerspec t = {0};
    if (mode == TIMER_TICK) {
        t.it_value.tv_sec = 1;
        t.it_interval.tv_sec = 1;
    } else if (mode == TIMER_RETRY) {
        ms = ms ? ms : 1;
        t.it_value.tv_sec = (time_t)(ms / 1000u);
        t.it_value.tv_nsec = (long)(ms % 1000u) * 1000000L;
    }
    timerfd_settime(l->timer, 0, &t, NULL);
    l->timer_mode = mode;
}

/* QoS 0 messages still queued when a connection ends are thrown away by
 * libmosquitto on the next attempt: they are lost, and counted here. */
static void drop_unwritten(struct link *l)
{
    if (l->pending0) {
        atomic_fetch_add_explicit(&l->c.dropped_disconnected, l->pending0, memory_order_relaxed);
        atomic_fetch_sub_explicit(&l->c.pending, l->pending0, memory_order_relaxed);
        l->pending0 = 0;
    }
}

static void went_down(struct link *l)
{
    if (l->state == DOWN)
        return;
    l->state = DOWN;
    atomic_store_explicit(&l->c.ready, false, memory_order_release);
    l->retry_at_ms = link_now_ms() + l->backoff_ms;
    arm(l, TIMER_RETRY, l->backoff_ms);
    l->backoff_ms = l->backoff_ms * 2 > l->o.reconnect_max_ms ? l->o.reconnect_max_ms
                                                              : l->backoff_ms * 2;
}

static void try_connect(struct link *l)
{
    drop_unwritten(l);
    l->attempt++;
    int rc = l->ever_up || l->started
                 ? mosquitto_reconnect_async(l->mosq)
                 : mosquitto_connect_async(l->mosq, l->o.host, l->o.port, l->o.keepalive_s);
    l->started = true;
    if (rc != MOSQ_ERR_SUCCESS) {
        set_error(l, rc == MOSQ_ERR_TLS ? SIGNET_ETLS : SIGNET_ENOTCONN);
        l->state = CONNECTING; /* so that went_down() schedules the next try */
        went_down(l);
        return;
    }
    l->state = CONNECTING;
    arm(l, TIMER_TICK, 0);
}

static void on_connect(struct mosquitto *m, void *ctx, int rc, int flags,
                       const mosquitto_property *props)
{
    struct link *l = ctx;
    (void)flags;
    (void)props;
    if (rc != 0) {
        set_error(l, SIGNET_EREFUSED); /* libmosquitto then drops the connection */
        return;
    }
    l->state = UP;
    l->backoff_ms = l->o.reconnect_min_ms;
    if (l->ever_up)
        count(&l->c.reconnects);
    l->ever_up = true;
    l->subacks_waiting = 0;
    for (uint32_t i = 0; i < l->nfilters; i++)
        if (mosquitto_subscribe_v5(m, NULL, l->filters[i].text, l->filters[i].qos,
                                   MQTT_SUB_OPT_NO_LOCAL, NULL) == MOSQ_ERR_SUCCESS)
            l->subacks_waiting++;
    if (l->subacks_waiting == 0) {
        set_error(l, 0);
        atomic_store_explicit(&l->c.ready, true, memory_order_release);
    }
}

static void on_subscribe(struct mosquitto *m, void *ctx, int mid, int n, const int *granted,
                         const mosquitto_property *props)
{
    struct link *l = ctx;
    (void)m;
    (void)mid;
    (void)props;
    bool refused = false;
    for (int i = 0; i < n; i++)
        refused |= granted[i] >= 0x80;
    if (refused)
        set_error(l, SIGNET_EREFUSED); /* a filter the broker does not allow */
    if (l->subacks_waiting && --l->subacks_waiting == 0 && !refused) {
        set_error(l, 0);
        atomic_store_explicit(&l->c.ready, true, memory_order_release);
    }
}

static void on_disconnect(struct mosquitto *m, void *ctx, int rc, const mosquitto_property *props)
{
    struct link *l = ctx;
    (void)m;
    (void)props;
    int err = atomic_load_explicit(&l->c.last_error, memory_order_relaxed);
    if (rc == MOSQ_ERR_TLS)
        set_error(l, SIGNET_ETLS);
    else if (err == 0 || (l->state == UP && err != SIGNET_EREFUSED))
        set_error(l, SIGNET_ENOTCONN);
    went_down(l);
}

static void on_publish(struct mosquitto *m, void *ctx, int mid, int reason,
                       const mosquitto_property *props)
{
    struct link *l = ctx;
    uint16_t id = (uint16_t)mid;
    (void)m;
    (void)props;
    if (l->qos1_mid[id / 8] & (1u << (id % 8)))
        l->qos1_mid[id / 8] &= (uint8_t)~(1u << (id % 8));
    else if (l->pending0)
        l->pending0--;
    atomic_fetch_sub_explicit(&l->c.pending, 1, memory_order_relaxed);
    count(reason >= 0x80 ? &l->c.dropped_refused : &l->c.published);
}

static void on_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
    struct link *l = ctx;
    (void)m;
    (void)props;
    l->h.message(l->h.ctx, msg->topic, msg->payload, (size_t)msg->payloadlen);
}

static char *copy_strings(struct link_options *o)
{
    const char **s[] = {&o->host, &o->client_id, &o->username, &o->password,
                        &o->tls_ca, &o->tls_cert, &o->tls_key};
    size_t total = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        total += *s[i] ? strlen(*s[i]) + 1 : 0;
    char *buf = malloc(total ? total : 1), *at = buf;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        if (*s[i]) {
            size_t n = strlen(*s[i]) + 1;
            memcpy(at, *s[i], n);
            *s[i] = at;
            at += n;
        }
    }
    return buf;
}

static int watch(struct link *l, int fd, uint64_t tag, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag};
    return epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) ? SIGNET_ENOMEM : 0;
}

static int configure(struct link *l)
{
    struct mosquitto *m = l->mosq;
    const struct link_options *o = &l->o;

    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    /* Signals are small and waited for: no Nagle delay (about 40 ms after
     * a pause). The bridge batches by itself, a queue's worth per step. */
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_v5_callback_set(m, on_connect);
    mosquitto_disconnect_v5_callback_set(m, on_disconnect);
    mosquitto_subscribe_v5_callback_set(m, on_subscribe);
    mosquitto_publish_v5_callback_set(m, on_publish);
    mosquitto_message_v5_callback_set(m, on_message);
    if (o->username && mosquitto_username_pw_set(m, o->username, o->password))
        return SIGNET_EINVAL;
    if (o->resume_session) {
        /* MQTT 5 ends a session when its connection closes unless CONNECT
         * asks otherwise. libmosquitto takes CONNECT properties only in
         * its blocking connect, and stores them before it checks the
         * port: a call with port -1 stores them without connecting, and
         * every asynchronous connect and reconnect then sends them. */
        mosquitto_property *props = NULL;
        int rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                              o->session_expiry_s);
        if (rc == MOSQ_ERR_SUCCESS)
            rc = mosquitto_connect_bind_v5(m, o->host, -1, o->keepalive_s, NULL, props);
        mosquitto_property_free_all(&props);
        if (rc != MOSQ_ERR_INVAL)
            return SIGNET_ENOMEM;
    }
    if (o->tls_ca) {
        int rc = mosquitto_tls_set(m, o->tls_ca, NULL, o->tls_cert, o->tls_key, NULL);
        if (rc == MOSQ_ERR_NOMEM)
            return SIGNET_ENOMEM;
        if (rc != MOSQ_ERR_SUCCESS)
            return SIGNET_ETLS;
    }
    return 0;
}

static void init_library(void)
{
    mosquitto_lib_init(); /* once per process; never cleaned up, other users may share it */
}

int link_create(const struct link_options *o, const struct link_handler *h, struct link **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    static atomic_uint serial;
    char id[64];
    struct link *l = calloc(1, sizeof *l);

    if (!l)
        return SIGNET_ENOMEM;
    pthread_once(&once, init_library);
    l->o = *o;
    l->h = *h;
    l->ep = l->timer = l->wake = l->sock = -1;
    l->backoff_ms = o->reconnect_min_ms;
    if (!l->o.client_id) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(id, sizeof id, "signet-%ld-%u-%lx", (long)getpid(),
                 atomic_fetch_add(&serial, 1) + 1, (unsigned long)ts.tv_nsec ^ (unsigned long)ts.tv_sec);
        l->o.client_id = id;
    }
    int err = SIGNET_ENOMEM;
    if (!(l->strings = copy_strings(&l->o)))
        goto fail;
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    l->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    l->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->ep < 0 || l->timer < 0 || l->wake < 0 || watch(l, l->timer, TAG_TIMER, EPOLLIN) ||
        watch(l, l->wake, TAG_WAKE, EPOLLIN))
        goto fail;
    if (!(l->mosq = mosquitto_new(l->o.client_id, !o->resume_session, l)))
        goto fail;
    if ((err = configure(l)) != 0)
        goto fail;
    *out = l;
    return 0;
fail:
    link_destroy(l);
    return err;
}

int link_subscribe(struct link *l, const char *filter, int qos)
{
    struct filter *f = realloc(l->filters, (l->nfilters + 1) * sizeof *f);
    if (!f)
        return SIGNET_ENOMEM;
    l->filters = f;
    if (!(f[l->nfilters].text = strdup(filter)))
        return SIGNET_ENOMEM;
    f[l->nfilters++].qos = qos;
    return 0;
}

int link_watch(struct link *l, int fd)
{
    return watch(l, fd, TAG_WATCHED, EPOLLIN);
}

int link_fd(const struct link *l)
{
    return l->ep;
}

void link_wake(struct link *l)
{
    uint64_t one = 1;
    ssize_t n = write(l->wake, &one, sizeof one);
    (void)n; /* a full counter wakes the step as well */
}

/* Keeps the epoll set in step with libmosquitto's socket: a new attempt's
 * socket may reuse the old one's number, so the attempt decides. */
static void sync_socket(struct link *l)
{
    int s = mosquitto_socket(l->mosq);
    uint32_t events = EPOLLIN | (mosquitto_want_write(l->mosq) ? EPOLLOUT : 0u);

    if (l->sock >= 0 && (s != l->sock || l->sock_attempt != l->attempt)) {
        epoll_ctl(l->ep, EPOLL_CTL_DEL, l->sock, NULL); /* closed already: ENOENT, fine */
        l->sock = -1;
    }
    if (s < 0 || l->state == DOWN)
        return;
    struct epoll_event ev = {.events = events, .data.u64 = TAG_SOCKET};
    if (l->sock < 0) {
        if (epoll_ctl(l->ep, EPOLL_CTL_ADD, s, &ev) && errno == EEXIST)
            epoll_ctl(l->ep, EPOLL_CTL_MOD, s, &ev);
        l->sock = s;
        l->sock_attempt = l->attempt;
        l->sock_events = events;
    } else if (events != l->sock_events) {
        epoll_ctl(l->ep, EPOLL_CTL_MOD, s, &ev);
        l->sock_events = events;
    }
}

int link_step(struct link *l, int timeout_ms, bool *watched)
{
    struct epoll_event evs[8];
    bool readable = false, writable = false, tick = false;

    *watched = false;
    if (l->state == DOWN && link_now_ms() >= l->retry_at_ms)
        try_connect(l);
    sync_socket(l);
    int n = epoll_wait(l->ep, evs, 8, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint64_t buf;
        switch (evs[i].data.u64) {
        case TAG_TIMER:
            tick = read(l->timer, &buf, sizeof buf) > 0 || tick;
            break;
        case TAG_WAKE:
            if (read(l->wake, &buf, sizeof buf) < 0)
                break;
            break;
        case TAG_WATCHED:
            *watched = true;
            break;
        case TAG_SOCKET:
            readable |= (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
            writable |= (evs[i].events & EPOLLOUT) != 0;
            break;
        }
    }
    if (l->state != DOWN && readable)
        mosquitto_loop_read(l->mosq, 1); /* failures arrive through on_disconnect */
    if (l->state != DOWN && writable)
        mosquitto_loop_write(l->mosq, 1);
    if (l->state != DOWN && tick)
        mosquitto_loop_misc(l->mosq);
    if (l->state == DOWN && link_now_ms() >= l->retry_at_ms)
        try_connect(l);
    sync_socket(l);
    return 0;
}

int link_publish(struct link *l, const char *topic, const void *payload, size_t len, int qos,
                 bool retain)
{
    int mid = 0;

    if (qos == 0 && l->state != UP) {
        count(&l->c.dropped_disconnected);
        return SIGNET_ENOTCONN;
    }
    if (atomic_load_explicit(&l->c.pending, memory_order_relaxed) >= l->o.max_pending ||
        len > (size_t)MQTT_MAX_PAYLOAD) {
        count(&l->c.dropped_backlog);
        return SIGNET_EFULL;
    }
    /* A QoS 0 message may be written, and reported, inside the call. */
    atomic_fetch_add_explicit(&l->c.pending, 1, memory_order_relaxed);
    if (qos == 0)
        l->pending0++;
    int rc = mosquitto_publish_v5(l->mosq, &mid, topic, (int)len, payload, qos, retain, NULL);
    /* A QoS 1 message that passed the checks is libmosquitto's now, even
     * when writing it failed: it is sent again on reconnecting. */
    bool kept = qos && mid && rc != MOSQ_ERR_NOMEM;
    if (rc == MOSQ_ERR_SUCCESS || kept) {
        if (qos) {
            uint16_t id = (uint16_t)mid;
            l->qos1_mid[id / 8] |= (uint8_t)(1u << (id % 8));
        }
        sync_socket(l);
        return 0;
    }
    atomic_fetch_sub_explicit(&l->c.pending, 1, memory_order_relaxed);
    if (qos == 0 && l->pending0)
        l->pending0--;
    switch (rc) {
    case MOSQ_ERR_NO_CONN:
        count(&l->c.dropped_disconnected);
        return SIGNET_ENOTCONN;
    case MOSQ_ERR_MALFORMED_UTF8:
    case MOSQ_ERR_INVAL:
        count(&l->c.dropped_topic);
        return SIGNET_EBADTOPIC;
    default:
        count(&l->c.dropped_backlog);
        return SIGNET_EFULL;
    }
}

const struct link_counters *link_counters(const struct link *l)
{
    return &l->c;
}

uint32_t link_destroy(struct link *l)
{
    if (!l)
        return 0;
    uint32_t pending = atomic_load_explicit(&l->c.pending, memory_order_relaxed);
    if (l->mosq) {
        if (l->state != DOWN) {
            mosquitto_disconnect_v5(l->mosq, 0, NULL);
            mosquitto_loop_write(l->mosq, 1);
        }
        mosquitto_destroy(l->mosq);
    }
    for (uint32_t i = 0; i < l->nfilters; i++)
        free(l->filters[i].text);
    free(l->filters);
    if (l->ep >= 0)
        close(l->ep);
    if (l->timer >= 0)
        close(l->timer);
    if (l->wake >= 0)
        close(l->wake);
    free(l->strings);
    free(l);
    return pending;
}
