/* head.h: keeping the bus head in step (internal): the filter and fast
 * lists of signet.h's signet__bus_head, which generated sends read without
 * a call. Implemented in head.c, on sigstate.h. Every function is called with
 * the bus lock held, but signet__head_free().
 */
#ifndef SIGNET_HEAD_H
#define SIGNET_HEAD_H

#include "sigstate.h"

/* After ss's snapshots were republished: recomputes the words of the
 * signals whose state may have changed (ss, or the signals a pattern can
 * match when pattern_changed: with foreign, signals of other schemas
 * too). */
void signet__head_changed(signet_bus *bus, struct sigstate *ss, bool pattern_changed, bool foreign);

/* Recomputes the whole bus head, as after a change to what the bus
 * watches (bus->watch) or to its schemas. */
void signet__head_refresh(signet_bus *bus);

/* Frees the fast lists of a bus being destroyed (no reader left). */
void signet__head_free(signet_bus *bus);

#endif /* SIGNET_HEAD_H */
