/* space.h: one topic space per bus (internal).
 *
 * The schemas used on one bus share its topics (docs/topics.md, "Several
 * schemas on one bus"). When a schema is added, its signal topics are
 * checked against those of the schemas already there (two that can match
 * one concrete topic are refused), and each schema's signals learn which
 * patterns of the others, schema and run-time, can match them: a signal's
 * reach, published like a receiver list and read by emissions
 * (patterns.c). A signal's active_patterns counts the active patterns of
 * its reach too, so a signal nothing on the bus can match still pays
 * nothing. Implemented in space.c, on sigstate.h's structures, topic.h and
 * rcu.h; the writers run with the bus lock held.
 */
#ifndef SIGNET_SPACE_H
#define SIGNET_SPACE_H

#include "sigstate.h"

/* What one schema's signals reach in the other schemas of a bus: for
 * signal k, the pattern states v[first[k], first[k + 1]) of other schemas
 * whose filter can match some topic of its template (and, for a typed
 * pattern, whose payload has the signal's parameters), in the order of the
 * schemas on the bus, each schema's patterns before its run-time ones.
 * Immutable once published. */
struct reach {
    struct signet__retired retired; /* first: freed through it */
    struct sigstate **v;
    uint32_t first[];
};

/* Checks schema's signal topics against those of every schema in sc
 * (NULL: none). Returns 0, or SIGNET_EOVERLAP with *msg set to a message
 * naming both signals and a topic both match (allocated; NULL when memory
 * ran out). Touches nothing. */
int signet__space_check(const struct schemas *sc, const signet_schema_info *schema, char **msg);

/* Rebuilds the reach of every schema in sc, the table that is or is about
 * to be the bus's (its states initialised), and publishes the new reaches
 * in place of the old ones, which are retired; then counts, in each
 * signal's active_patterns, the active patterns its reach gained. Returns
 * 0 (with *counted true when some count changed: those signals' filter
 * bits need refreshing) or SIGNET_ENOMEM, nothing changed. Lock held. */
int signet__space_link(signet_bus *bus, const struct schemas *sc, bool *counted);

/* Pattern ps became active or inactive: counts it in the active_patterns
 * of the signals of other schemas that reach it. True when there were
 * any. Lock held. */
bool signet__space_count(signet_bus *bus, const struct sigstate *ps, bool active);

/* The states of the signals of other schemas whose reach names pattern
 * ps, in a new array *out for the caller to free: how many (0 when none,
 * or when memory ran out). Takes the bus lock. */
size_t signet__space_reached_by(signet_bus *bus, const struct sigstate *ps,
                                struct sigstate ***out);

/* Can filter match some topic of a signal of schema, or of another schema
 * on the bus now? Takes the bus lock. */
bool signet__space_may_match(signet_bus *bus, const signet_schema_info *schema,
                             const char *filter);

#endif /* SIGNET_SPACE_H */
