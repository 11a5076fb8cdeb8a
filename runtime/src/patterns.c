/* patterns.c: run-time patterns and the walk over the pattern states an
 * emission reaches (patterns.h). Uses state.c for a schema's states on
 * the bus and topic.c to build concrete topics and match filters.
 */
#include "patterns.h"

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
    it->topic = NULL;
}

/* The first run-time pattern from rt->p[j] on that the emission reaches. */
static struct sigstate *next_runtime(struct signet__pattern_iter *it)
{
    const signet_signal_info *sig = it->ss->info;

    if (it->nrt == UINT32_MAX) {
        it->nrt = 0;
        if (!atomic_load_explicit(&it->rt->active, memory_order_seq_cst))
            return NULL;
        if (!it->templ &&
            !(it->topic = signet__topic_for_filters(sig, it->payload, it->buf, sizeof it->buf)))
            return NULL;
        it->nrt = atomic_load_explicit(&it->rt->n, memory_order_acquire);
    }
    while (it->j < it->nrt) {
        struct rtpattern *rp = it->rt->p[it->j++];
        if (!signet__state_published(&rp->ss))
            continue;
        if (it->templ ? signet__filter_may_match(rp->filter, sig->topic)
                      : signet__filter_matches(rp->filter, it->topic))
            return &rp->ss;
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
    return next_runtime(it);
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
            return &set->p[i]->ss;
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
    return &rp->ss;
}
