/* fixture.h: a hand-written schema (what signetc would generate for
 *     namespace t; signal ping(i32 value); signal pong(i32 value); signal bare;
 * ) plus a tiny assertion framework and a case table, for the runtime tests.
 * Each test binary runs the one case named on its command line, so CTest
 * registers one test per case (check.h). */
#ifndef SIGNET_TEST_FIXTURE_H
#define SIGNET_TEST_FIXTURE_H

#include <signet.h>

#include "../check.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct t_ping { int32_t value; } t_ping;
typedef int t_ping_fn(void *ctx, const signet_event *ev, const t_ping *msg);

static const signet_field_info t_ping_fields[] = {
    {"value", SIGNET_TYPE_I32, offsetof(t_ping, value), sizeof(int32_t), 0, NULL, NULL},
};
static const signet_struct_info t_ping_info = {"t_ping", sizeof(t_ping), _Alignof(t_ping), 1,
                                               t_ping_fields};
typedef int t_bare_fn(void *ctx, const signet_event *ev);

static int t_ping_invoke(const signet_recv *r, const signet_event *ev, const void *payload)
{
    return ((t_ping_fn *)r->fn)(r->ctx, ev, (const t_ping *)payload);
}

static int t_bare_invoke(const signet_recv *r, const signet_event *ev, const void *payload)
{
    (void)payload;
    return ((t_bare_fn *)r->fn)(r->ctx, ev);
}

extern const signet_schema_info t_schema;
enum { T_PING, T_PONG, T_BARE, T_COUNT };
static const signet_signal_info t_signals[T_COUNT] = {
    {"ping", T_PING, "ping", &t_ping_info, &t_schema, t_ping_invoke, 0, SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL},
    {"pong", T_PONG, "pong", &t_ping_info, &t_schema, t_ping_invoke, 0, SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL},
    {"bare", T_BARE, "bare", NULL, &t_schema, t_bare_invoke, 0, SIGNET_OVERFLOW_DEFAULT, 0, NULL, 0, NULL},
};
const signet_schema_info t_schema = {SIGNET_ABI, "t", "t.signet", T_COUNT, t_signals, 0, NULL};

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
    for (const signet_recv *r = em.begin, *end = em.end; r != end; r++) {
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
