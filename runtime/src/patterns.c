/* patterns.c: run-time patterns and the walk over the pattern states an
 * emission reaches (patterns.h). Uses state.c for a schema's states on
 * the bus, space.c to link a new run-time pattern to the other schemas'
 * signals, and topic.c to build concrete topics and match filters.
 */
#include "patterns.h"

#include "space.h"
#include "topic.h"

#include <stdlib.h>
#include <string.h>

void signet__patterns_begin(struct signet__pattern_iter *it, struct sigstate *ss,
                            const uint32_t *ids, uint32_t n, const void *payload, bool templ)
{
    it->ss = ss;
    it->payload = payload;
    it->templ = templ;
    it->ids = ids;
    it->nids = ids ? n : 0;
    it->i = 0;
    it->rt = ss->rt;
    it->j = 0;
    it->nrt = UINT32_MAX; /* not looked at yet */
    it->reach = NULL;
    it->f = it->fend = 0;
    it->reach_loaded = false;
    it->built = 0;
    it->topic = NULL;
}

/* The emission's concrete topic, built on first use; NULL when no filter
 * can match it. */
static const char *concrete_topic(struct signet__pattern_iter *it)
{
    if (it->built == 0) {
        it->topic = signet__topic_for_filters(it->ss->info, it->payload, it->buf, sizeof it->buf);
        it->built = it->topic ? 1 : -1;
    }
    return it->topic;
}

/* Does filter (a pattern reaching the signal) match this emission? */
static bool reached(struct signet__pattern_iter *it, const char *filter)
{
    if (it->templ)
        return signet__filter_may_match(filter, it->ss->info->topic);
    const char *topic = concrete_topic(it);
    return topic && signet__filter_matches(filter, topic);
}

/* The first run-time pattern from rt->p[j] on that the emission reaches. */
static struct sigstate *next_runtime(struct signet__pattern_iter *it)
{
    if (it->nrt == UINT32_MAX) {
        it->nrt = 0;
        if (!atomic_load_explicit(&it->rt->active, memory_order_seq_cst))
            return NULL;
        it->nrt = atomic_load_explicit(&it->rt->n, memory_order_acquire);
    }
    while (it->j < it->nrt) {
        struct rtpattern *rp = it->rt->p[it->j++];
        if (signet__state_published(&rp->ss) && reached(it, rp->filter))
            return &rp->ss;
    }
    return NULL;
}

/* The first pattern of another schema from reach->v[f] on that the
 * emission reaches. */
static struct sigstate *next_foreign(struct signet__pattern_iter *it)
{
    if (!it->reach_loaded) {
        it->reach_loaded = true;
        it->reach = atomic_load_explicit(&it->rt->reach, memory_order_seq_cst);
        if (it->reach) {
            it->f = it->reach->first[it->ss->info->id];
            it->fend = it->reach->first[it->ss->info->id + 1];
        }
    }
    while (it->f < it->fend) {
        struct sigstate *ps = it->reach->v[it->f++];
        if (signet__state_published(ps) && reached(it, ps->info->topic))
            return ps;
    }
    return NULL;
}

struct sigstate *signet__patterns_next(struct signet__pattern_iter *it)
{
    uint32_t npatterns = it->ss->info->schema->pattern_count;

    while (it->i < it->nids) {
        uint32_t id = it->ids[it->i++];
        if (id >= npatterns)
            continue;
        struct sigstate *ps = signet__pattern_state(it->ss, id);
        if (signet__state_published(ps))
            return ps;
    }
    struct sigstate *ps = next_runtime(it);
    return ps ? ps : next_foreign(it);
}

/* Makes sure the other schemas' signals reach run-time pattern rp (lock
 * held): its state, or NULL with *err when memory ran out, in which case
 * the next subscription to its filter tries again. It has no subscriber
 * yet when it is new, so its link changes no count. */
static struct sigstate *link_runtime(signet_bus *bus, struct rtpattern *rp, int *err)
{
    bool counted;

    if (rp->linked)
        return &rp->ss;
    if ((*err = signet__space_link(bus, atomic_load_explicit(&bus->schemas, memory_order_relaxed),
                                   &counted)) != 0)
        return NULL;
    rp->linked = true;
    return &rp->ss;
}

struct sigstate *signet__rt_state_for(signet_bus *bus, const signet_signal_info *first,
                                      const char *filter, size_t len, int *err)
{
    struct sigstate *ss = signet__state_for(bus, first, err);
    if (!ss)
        return NULL;
    struct rtset *set = ss->rt;
    uint32_t n = atomic_load_explicit(&set->n, memory_order_relaxed);
    for (uint32_t i = 0; i < n; i++)
        if (strlen(set->p[i]->filter) == len && memcmp(set->p[i]->filter, filter, len) == 0)
            return link_runtime(bus, set->p[i], err);
    if (n == SIGNET_RUNTIME_PATTERNS_MAX) {
        *err = SIGNET_ELIMIT;
        return NULL;
    }
    if (!set->p && !(set->p = calloc(SIGNET_RUNTIME_PATTERNS_MAX, sizeof *set->p))) {
        *err = SIGNET_ENOMEM;
        return NULL;
    }
    struct rtpattern *rp = calloc(1, sizeof *rp);
    char *copy = malloc(len + 1);
    if (!rp || !copy) {
        free(rp);
        free(copy);
        *err = SIGNET_ENOMEM;
        return NULL;
    }
    memcpy(copy, filter, len);
    copy[len] = '\0';
    rp->filter = copy;
    rp->info = (signet_signal_info){
        .name = copy,
        .id = UINT32_MAX,
        .topic = copy,
        .schema = first->schema,
        .invoke = signet_invoke_generic,
        .flags = SIGNET_SIGNAL_PATTERN | SIGNET__SIGNAL_RUNTIME,
    };
    signet__state_init(&rp->ss, &rp->info, set);
    set->p[n] = rp;
    atomic_store_explicit(&set->n, n + 1, memory_order_release);
    return link_runtime(bus, rp, err);
}
