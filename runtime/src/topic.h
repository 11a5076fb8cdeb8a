/* topic.h: concrete topics and run-time topic filters (internal).
 *
 * The runtime's one statement of the MQTT matching rules (docs/design.md,
 * "Topics and matching"): a filter's syntax, a filter against a concrete
 * topic or against a signal's topic template, and the concrete topic of an
 * emission. Pure functions of their arguments; implemented in topic.c on
 * signet.h's signal and payload tables.
 */
#ifndef SIGNET_TOPIC_H
#define SIGNET_TOPIC_H

#include "signet.h"

/* Checks a filter's syntax: 0, SIGNET_EPATTERN (a wildcard that is not a
 * whole level, '#' not last, empty) or SIGNET_ETOPICLEN (over the limits). */
int signet__filter_check(const char *filter, size_t len);

/* Does filter match the concrete topic (both NUL-terminated)? */
bool signet__filter_matches(const char *filter, const char *topic);

/* Does filter match some topic of the template tmpl, whose `{param}`
 * levels take any one-level value? */
bool signet__filter_may_match(const char *filter, const char *tmpl);

/* Is topic, a concrete topic of sig, one that filters can match: not empty,
 * and each captured str exactly one level without wildcards? */
bool signet__topic_matchable(const signet_signal_info *sig, const char *topic);

/* The concrete topic of an emission of sig in buf, or NULL when it cannot
 * be built or no filter can match it (signet__topic_matchable). */
const char *signet__topic_for_filters(const signet_signal_info *sig, const void *payload,
                                      char *buf, size_t size);

#endif /* SIGNET_TOPIC_H */
