/* fixture.h: the schema of the runtime tests, t.signet
 *     namespace t; signal ping(i32 value); signal pong(i32 value); signal bare;
 *     signal reading(str room, i32 value) topic "rooms/{room}" retain;
 * as signetc generates it (t.signet.h, built by signet_generate() in
 * CMakeLists.txt), with thin test-only helpers on top: short signal ids,
 * a connect and an emission loop for any signal by id with a t_ping
 * receiver, a layout and an invoker of the t_ping payload for the tests'
 * own hand-made signal tables, and a receiver trace. The assertions and
 * the case table are check.h's: each test binary runs the one case named
 * on its command line, so CTest registers one test per case. */
#ifndef SIGNET_TEST_FIXTURE_H
#define SIGNET_TEST_FIXTURE_H

#include <signet.h>

#include "../check.h"
#include "t.signet.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The signal ids of t.signet, short. */
enum {
    T_PING = T_SIGNAL_PING,
    T_PONG = T_SIGNAL_PONG,
    T_BARE = T_SIGNAL_BARE,
    T_READING = T_SIGNAL_READING,
    T_COUNT = T_SIGNAL_COUNT
};

/* For tables of signals with an i32 payload that tests build by hand
 * (other schemas, an old ABI): the layout of t_ping and its invoker. The
 * generated t.signet.c keeps its own copy static. */
static const signet_field_info t_ping_fields[] = {
    {.name = "value", .type = SIGNET_TYPE_I32, .offset = offsetof(t_ping, value),
     .size = sizeof(int32_t)},
};
__attribute__((unused)) static const signet_struct_info t_ping_info = {
    .name = "t_ping",
    .size = sizeof(t_ping),
    .align = _Alignof(t_ping),
    .field_count = 1,
    .fields = t_ping_fields,
};

static inline int t_ping_invoke(const signet_recv *r, const signet_event *ev, const void *payload)
{
    return ((t_ping_fn *)r->fn)(r->ctx, ev, (const t_ping *)payload);
}

/* Connects fn to signal sig of t.signet (pong has ping's payload layout). */
static inline int t_connect(signet_bus *bus, int sig, t_ping_fn *fn, void *ctx, const void *sender,
                            const signet_connect_opts *opts, signet_conn *out)
{
    return signet_connect(bus, &t_signals[sig], (signet_fnptr *)fn, ctx, sender, opts, out);
}

/* What a generated <ns>_<signal>_send does for any signal whose payload is
 * t_ping: runs its receivers in order, stopping where one asks to. */
static inline int t_emit(signet_bus *bus, const signet_signal_info *sig, const void *sender,
                         int32_t value)
{
    const t_ping msg = {value};
    signet_emission em;
    int ran = 0;
    int rc = signet_emit_begin(&em, bus, sig, sender, &msg);

    if (rc < 0)
        return rc;
    for (const signet_recv *r = em.begin, *end = em.end;
         r != end || signet_emit_next(&em, &r, &end); r++) {
        if (!signet_emit_claim(&em, r))
            continue;
        ran++;
        if (signet_emit_stop(&em, ((t_ping_fn *)r->fn)(r->ctx, &em.ev, &msg)))
            break;
    }
    return signet_emit_end(&em, ran);
}

static inline int t_send(signet_bus *bus, int sig, const void *sender, int32_t value)
{
    return t_emit(bus, &t_signals[sig], sender, value);
}

#define CHECK_OK(expr) CHECK_EQ((expr), 0)

/* A trace of receiver calls: each receiver appends its tag. */
struct trace {
    char buf[256];
    size_t len;
};

static inline void trace_add(struct trace *t, char tag)
{
    if (t->len + 1 < sizeof t->buf) {
        t->buf[t->len++] = tag;
        t->buf[t->len] = '\0';
    }
}

#endif
