/* retain.c: retained values (retain.h), signet_event_previous(), and
 * reading and clearing them (signet_retained_copy, signet_retained_clear,
 * and their _from forms naming the sender of a per_sender signal).
 * Uses topic.c to build and match concrete topics, payload.c for the deep
 * copies, state.c for a signal's state, space.c for the signals of other
 * schemas a pattern reaches, event.h to run a replayed receiver
 * (through the signal's or pattern's invoke, or signet_invoke_generic for
 * a SIGNET_GENERIC connection), and the bus's retain_lock.
 */
#include "retain.h"

#include "event.h"
#include "payload.h"
#include "space.h"
#include "topic.h"

#include <stdlib.h>
#include <string.h>

/* Retained values of one signal: at most bus->opts.retain_topics concrete
 * topics (pairs of topic and sender, for a per_sender signal), each with
 * the deep copy of its last payload. */
struct rentry {
    uint64_t seq;               /* bus->retain_seq when it was last updated */
    const void *sender;
    char *topic;
    void *payload;              /* deep copy; NULL for a signal without parameters */
};

struct retained {
    uint32_t n, cap;
    struct rentry e[];
};

void signet__retain_free(struct sigstate *ss)
{
    struct retained *r = ss->retained;

    for (uint32_t i = 0; r && i < r->n; i++) {
        free(r->e[i].topic);
        free(r->e[i].payload);
    }
    free(r);
    ss->retained = NULL;
}

/* A deep copy of payload (of type si), or NULL when it has none or memory
 * ran out (*ok false then). */
static void *copy_payload(const signet_struct_info *si, const void *payload, bool *ok)
{
    *ok = true;
    if (!si || !payload)
        return NULL;
    void *copy = malloc(signet__payload_bytes(si, payload));
    if (copy)
        signet__payload_copy(si, copy, payload);
    else
        *ok = false;
    return copy;
}

/* The index of the entry of topic in r (and of sender, for a signal sig
 * that keeps a value per sender), or r->n when there is none (retain_lock
 * held). */
static uint32_t find_topic(const struct retained *r, const signet_signal_info *sig,
                           const char *topic, const void *sender)
{
    bool per_sender = (sig->flags & SIGNET_SIGNAL_PER_SENDER) != 0;
    uint32_t i = 0;

    while (i < r->n &&
           (strcmp(r->e[i].topic, topic) != 0 || (per_sender && r->e[i].sender != sender)))
        i++;
    return i;
}

/* Records payload as the last one on its concrete topic. *prev gets the
 * previous payload on that topic (the caller frees it; NULL if none or for
 * a signal without parameters); returns whether the payload equals it.
 * A topic that cannot be built, or a payload over slot_size bytes, is not
 * retained (and drops what that topic held). */
static bool retain_update(signet_bus *bus, struct sigstate *ss, const void *sender,
                          const void *payload, void **prev)
{
    const signet_signal_info *sig = ss->info;
    char buf[SIGNET_TOPIC_MAX_BYTES + 1];
    const char *topic = signet_topic(sig, payload, buf, sizeof buf);
    size_t size = sig->payload && payload ? signet__payload_bytes(sig->payload, payload) : 0;
    bool keep = topic && size <= bus->opts.slot_size;
    void *copy = NULL;
    char *name = NULL;

    *prev = NULL;
    if (keep && size) {
        /* size is measured already: copy without measuring again. */
        if ((copy = malloc(size)) != NULL)
            signet__payload_copy(sig->payload, copy, payload);
        else
            keep = false;
    }
    bool unchanged = false;
    pthread_mutex_lock(&bus->retain_lock);
    struct retained *r = ss->retained;
    uint32_t at = r && topic ? find_topic(r, sig, topic, sender) : 0;
    if (r && topic && at < r->n) {
        *prev = r->e[at].payload;
        unchanged = keep && (!sig->payload || (*prev && sig->equal && sig->equal(*prev, copy)));
        if (keep) {
            r->e[at].payload = copy;
            r->e[at].seq = ++bus->retain_seq;
            r->e[at].sender = sender;
            copy = NULL;
        } else {
            free(r->e[at].topic);
            r->e[at] = r->e[--r->n];
        }
    } else if (keep) {
        if (!r) {
            r = malloc(sizeof *r + bus->opts.retain_topics * sizeof r->e[0]);
            if (r) {
                r->n = 0;
                r->cap = bus->opts.retain_topics;
                ss->retained = r;
            }
        }
        if (r && r->n == r->cap) {
            /* Full: the topic updated longest ago makes room. */
            uint32_t old = 0;
            for (uint32_t i = 1; i < r->n; i++)
                if (r->e[i].seq < r->e[old].seq)
                    old = i;
            free(r->e[old].topic);
            free(r->e[old].payload);
            r->e[old] = r->e[--r->n];
        }
        size_t len = strlen(topic) + 1;
        if (r && (name = malloc(len)) != NULL) {
            memcpy(name, topic, len);
            r->e[r->n++] = (struct rentry){++bus->retain_seq, sender, name, copy};
            copy = NULL;
        }
    }
    pthread_mutex_unlock(&bus->retain_lock);
    free(copy);
    return unchanged;
}

/* The state of a retained signal, created when nothing was connected to
 * its schema yet (values are retained before anyone listens). */
static struct sigstate *retain_state(signet_bus *bus, const signet_signal_info *sig,
                                     struct sigstate *ss)
{
    return ss ? ss : signet__state_for_unlocked(bus, sig);
}

struct sigstate *signet__retain_emit(signet_emission *em, struct sigstate *ss)
{
    void *prev;

    em->qerr_ = 0;
    em->unchanged_ = 0;
    em->ev.previous_ = NULL;
    ss = retain_state(em->ev.bus, em->ev.signal, ss);
    if (!ss)
        return NULL;
    if (retain_update(em->ev.bus, ss, em->ev.sender, em->ev.payload_, &prev))
        em->unchanged_ = SIGNET__UNCHANGED;
    em->ev.previous_ = prev;
    return ss;
}

struct sigstate *signet__retain_post(signet_bus *bus, const signet_signal_info *sig,
                                     const void *sender, const void *payload,
                                     struct sigstate *ss, bool *unchanged,
                                     const void **previous)
{
    void *prev = NULL;

    ss = retain_state(bus, sig, ss);
    if (ss)
        *unchanged = retain_update(bus, ss, sender, payload, &prev);
    *previous = prev;
    return ss;
}

const void *signet_event_previous(const signet_event *ev)
{
    /* Every event is the first member of an emission. */
    const signet_emission *em = (const signet_emission *)ev;

    if (!em || !(em->patterns_ & SIGNET__EMIT_RETAINED))
        return NULL;
    if (em->unchanged_ & SIGNET__PREVIOUS_AFTER) /* a queued message's, after its payload */
        return (const unsigned char *)ev->payload_ +
               signet__previous_at(ev->signal->payload, ev->payload_);
    return ev->previous_;
}

static int by_seq(const void *a, const void *b)
{
    const struct signet__replayed *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copies the retained values of state ss that a connection from sender
 * (filter: its pattern, NULL for the signal itself) gets into out, with
 * room for *cap; out->skipped when memory ran out (retain_lock held). */
static void collect_retained(struct sigstate *ss, const char *filter, const void *sender,
                             struct signet__replay *out, size_t *cap)
{
    const struct retained *r = ss->retained;
    const signet_signal_info *sig = ss->info;

    for (uint32_t i = 0; r && i < r->n && !out->skipped; i++) {
        const struct rentry *e = &r->e[i];
        if ((sender && e->sender != sender) ||
            (filter && !(signet__topic_matchable(sig, e->topic) &&
                         signet__filter_matches(filter, e->topic))))
            continue;
        if (out->n == *cap) {
            size_t grown = *cap ? *cap * 2 : 16;
            struct signet__replayed *l = realloc(out->v, grown * sizeof *l);
            if (!l) {
                out->skipped = true;
                return;
            }
            out->v = l;
            *cap = grown;
        }
        bool ok;
        void *copy = copy_payload(sig->payload, e->payload, &ok);
        if (!ok) {
            out->skipped = true;
            return;
        }
        out->v[out->n++] = (struct signet__replayed){e->seq, ss, e->sender, copy};
    }
}

struct signet__replay_to signet__replay_to(struct slot *s)
{
    return (struct signet__replay_to){
        {s->fn, s->ctx, signet__live(s), {s->index, s->generation}},
        s->sender,
        (s->flags & SIGNET_GENERIC) != 0,
    };
}

void signet__replay_collect(signet_bus *bus, struct sigstate *ss,
                            const struct signet__replay_to *to, struct signet__replay *out)
{
    const signet_signal_info *info = ss->info;
    struct sigstate *sigs = ss->rt->sigs;
    const char *filter = (info->flags & SIGNET_SIGNAL_PATTERN) ? info->topic : NULL;
    const void *sender = to->sender;
    size_t cap = 0;
    /* A pattern also replays the signals of other schemas it reaches. */
    struct sigstate **foreign = NULL;
    size_t nforeign = filter ? signet__space_reached_by(bus, ss, &foreign) : 0;

    *out = (struct signet__replay){NULL, 0, false};
    pthread_mutex_lock(&bus->retain_lock);
    if (!filter)
        collect_retained(ss, NULL, sender, out, &cap);
    else if (info->flags & SIGNET__SIGNAL_RUNTIME)
        for (uint32_t k = 0; k < ss->rt->nsignals; k++)
            collect_retained(&sigs[k], filter, sender, out, &cap);
    else
        for (uint32_t i = 0; i < info->nlinks; i++)
            collect_retained(&sigs[info->links[i]], filter, sender, out, &cap);
    for (size_t i = 0; i < nforeign; i++)
        collect_retained(foreign[i], filter, sender, out, &cap);
    pthread_mutex_unlock(&bus->retain_lock);
    free(foreign);
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, by_seq);
}

void signet__replay_run(signet_bus *bus, struct sigstate *ss, const struct signet__replay_to *to,
                        const struct signet__replay *rp)
{
    const signet_signal_info *info = ss->info;
    const bool pattern = (info->flags & SIGNET_SIGNAL_PATTERN) != 0;
    const signet_recv *r = &to->recv;
    signet_invoke_fn *invoke = to->generic ? signet_invoke_generic : info->invoke;

    for (size_t i = 0; i < rp->n; i++) {
        const struct signet__replayed *v = &rp->v[i];
        signet_emission em = {0};
        signet__emission_init(&em, bus, v->ss->info, v->sender, pattern ? info : NULL,
                              v->payload);
        if (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) == 0)
            break; /* disconnected, or a run-once that has run */
        if (!signet_emit_claim(&em, r))
            continue; /* blocked or filtered out */
        if (signet_emit_stop(&em, invoke(r, &em.ev, v->payload)))
            break;
    }
}

void signet__replay_free(struct signet__replay *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].payload);
    free(r->v);
    *r = (struct signet__replay){NULL, 0, false};
}

/* The concrete topic a caller names for sig: topic, or the signal's own
 * when it has no captures; NULL when there is none. */
static const char *named_topic(const signet_signal_info *sig, const char *topic)
{
    if (topic)
        return topic;
    return strchr(sig->topic, '{') ? NULL : sig->topic;
}

int signet_retained_copy(const signet_bus *bus, const signet_signal_info *sig, const char *topic,
                         void *buf, size_t size, size_t *len)
{
    return signet_retained_copy_from(bus, sig, NULL, topic, buf, size, len);
}

int signet_retained_copy_from(const signet_bus *bus, const signet_signal_info *sig,
                              const void *sender, const char *topic, void *buf, size_t size,
                              size_t *len)
{
    if (len)
        *len = 0;
    if (!bus || !sig || !(sig->flags & SIGNET_SIGNAL_RETAIN) || !(topic = named_topic(sig, topic)))
        return SIGNET_EINVAL;
    signet_bus *b = (signet_bus *)bus; /* the lock only */
    bool outermost = signet__rcu_enter();
    struct sigstate *ss = signet__sigstate(bus, sig);
    int rc = SIGNET_ENOENT;
    if (ss) {
        pthread_mutex_lock(&b->retain_lock);
        const struct retained *r = ss->retained;
        uint32_t at = r ? find_topic(r, sig, topic, sender) : 0;
        if (r && at < r->n) {
            const void *payload = r->e[at].payload;
            size_t need = sig->payload && payload ? signet__payload_bytes(sig->payload, payload) : 0;
            if (len)
                *len = need;
            rc = 0;
            if (need > size || (need && !buf))
                rc = SIGNET_ENOSPC;
            else if (need)
                signet__payload_copy(sig->payload, buf, payload);
        }
        pthread_mutex_unlock(&b->retain_lock);
    }
    signet__rcu_unlock(outermost);
    return rc;
}

int signet_retained_clear(signet_bus *bus, const signet_signal_info *sig, const char *topic)
{
    return signet_retained_clear_from(bus, sig, NULL, topic);
}

int signet_retained_clear_from(signet_bus *bus, const signet_signal_info *sig,
                               const void *sender, const char *topic)
{
    if (!bus || !sig || !(sig->flags & SIGNET_SIGNAL_RETAIN) || !(topic = named_topic(sig, topic)))
        return SIGNET_EINVAL;
    bool outermost = signet__rcu_enter();
    struct sigstate *ss = signet__sigstate(bus, sig);
    int rc = SIGNET_ENOENT;
    void *payload = NULL;
    char *name = NULL;
    if (ss) {
        pthread_mutex_lock(&bus->retain_lock);
        struct retained *r = ss->retained;
        uint32_t at = r ? find_topic(r, sig, topic, sender) : 0;
        if (r && at < r->n) {
            payload = r->e[at].payload;
            name = r->e[at].topic;
            r->e[at] = r->e[--r->n];
            rc = 0;
        }
        pthread_mutex_unlock(&bus->retain_lock);
    }
    signet__rcu_unlock(outermost);
    free(payload);
    free(name);
    return rc;
}
