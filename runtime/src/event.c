/* event.c: the event accessors of signet.h (sequence number, time) and
 * the slow paths of running one receiver: claiming a run-once or `changed`
 * connection, what a receiver's non-zero return means (SIGNET_STOP, or
 * an error counted on the bus and given to its error hook), and recording
 * it in the emission's summary. Uses state.h
 * for the bus's counters and options.
 */
#include "event.h"

#include "state.h"

#include <time.h>

/* Every event is the first member of its emission, whose flags say which
 * of the lazy fields are set. */
uint64_t signet_event_seq(const signet_event *ev)
{
    signet_emission *em = (signet_emission *)ev; /* the emission owns a mutable event */

    if (!(em->patterns_ & SIGNET__EMIT_SEQ)) {
        em->ev.seq_ = atomic_fetch_add_explicit(&em->ev.bus->seq, 1, memory_order_relaxed) + 1;
        em->patterns_ |= SIGNET__EMIT_SEQ;
    }
    return em->ev.seq_;
}

uint64_t signet_event_time_ns(const signet_event *ev)
{
    signet_emission *em = (signet_emission *)ev;

    if (!(em->patterns_ & SIGNET__EMIT_TIME)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        em->ev.time_ns_ = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        em->patterns_ |= SIGNET__EMIT_TIME;
    }
    return em->ev.time_ns_;
}

int signet_invoke_generic(const signet_recv *r, const signet_event *ev, const void *payload)
{
    return ((signet_fn *)r->fn)(r->ctx, ev, payload);
}

/* Asks r's filter whether r is to run for this emission. */
static bool filter_passes(signet_emission *em, const signet_recv *r)
{
    const struct slot *s = signet__slot_of(r);

    em->ev.conn = r->conn; /* the filter's sub_id */
    if (s->filter_call)
        return s->filter_call(s->filter, r->ctx, &em->ev, em->ev.payload_);
    return s->filter(r->ctx, &em->ev, em->ev.payload_);
}

/* Claims r, whose live word is not plain SIGNET__LIVE: disconnected (0),
 * blocked, filtered, run-once or `changed`. */
bool signet__claim_slow(signet_emission *em, const signet_recv *r)
{
    uint32_t state = __atomic_load_n(r->state_, __ATOMIC_ACQUIRE);
    bool asked = false;

    for (;;) {
        uint32_t kind = state & SIGNET__LIVE_KIND;
        if (kind == 0 || SIGNET__LIVE_BLOCKS(state) != 0)
            return false;
        if ((kind == SIGNET__LIVE_CHANGED || kind == SIGNET__LIVE_ONCE_CHANGED) &&
            signet__unchanged(em))
            return false;
        if ((state & SIGNET__LIVE_FILTER) && !asked) {
            if (!filter_passes(em, r))
                return false;
            /* The filter may have blocked or disconnected it: look again. */
            asked = true;
            state = __atomic_load_n(r->state_, __ATOMIC_ACQUIRE);
            continue;
        }
        if (kind != SIGNET__LIVE_ONCE && kind != SIGNET__LIVE_ONCE_CHANGED)
            return true;
        /* Run-once: this emission runs it if it is the one that clears the
         * word. A failed exchange reloads it: another emission fired it,
         * or it was blocked, unblocked or disconnected meanwhile. */
        if (__atomic_compare_exchange_n(r->state_, &state, 0, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return true;
    }
}

bool signet__emit_note(signet_emission *em, const signet_recv *r, int rc)
{
    signet_summary *s = em->summary_;

    if (s) {
        s->ran++;
        if (s->results && s->results_len < s->results_cap)
            s->results[s->results_len++] = (signet_result){r->conn, rc};
        if (rc == SIGNET_STOP)
            s->stopped_by = r->conn;
        else if (rc != 0 && s->failed++ == 0)
            s->first_error = rc;
    }
    return signet_emit_stop(em, rc);
}

bool signet__emit_status(signet_emission *em, int rc)
{
    if (rc == SIGNET_STOP) {
        em->patterns_ |= SIGNET__EMIT_STOPPED;
        return true;
    }
    signet_bus *bus = em->ev.bus;
    atomic_fetch_add_explicit(&bus->errors, 1, memory_order_relaxed);
    if (bus->opts.on_error)
        bus->opts.on_error(bus->opts.error_ctx, &em->ev, rc);
    return false;
}
