/* event.h: an emission's event, and running one receiver of it
 * (internal).
 *
 * Every path that runs receivers (a send, a queued message's dispatch, a
 * replay of retained values) starts its emission with
 * signet__emission_init() and runs each receiver through signet.h's
 * signet_emit_claim() and signet_emit_stop(), whose slow paths are in
 * event.c beside the event accessors. Depends on signet.h only.
 */
#ifndef SIGNET_EVENT_H
#define SIGNET_EVENT_H

#include "signet.h"

/* The fields every emission sets before its first receiver runs: the
 * event and no receivers yet. The caller sets patterns_ (SIGNET__EMIT_*)
 * once it knows them, and the fields those flags make valid. */
static inline void signet__emission_init(signet_emission *em, signet_bus *bus,
                                         const signet_signal_info *sig, const void *sender,
                                         const signet_signal_info *pattern, const void *payload)
{
    em->ev.sender = sender;
    em->ev.signal = sig;
    em->ev.bus = bus;
    em->ev.pattern = pattern;
    em->ev.payload_ = payload;
    em->begin = NULL;
    em->end = NULL;
    em->queued_ = NULL;
}

/* Takes receiver r's return value rc as signet_emit_stop() does, first
 * recording it in the emission's summary when it has one (sends that
 * summarize, dispatches of messages with a completion). */
bool signet__emit_note(signet_emission *em, const signet_recv *r, int rc);

/* Did the emission retain a payload equal to the previous one on its topic? */
static inline bool signet__unchanged(const signet_emission *em)
{
    return (em->patterns_ & SIGNET__EMIT_RETAINED) && (em->unchanged_ & SIGNET__UNCHANGED);
}

#endif /* SIGNET_EVENT_H */
