/* emit.c: synchronous emission (signet_emit_begin, signet_emit_patterns,
 * signet_emit_end; the generated send runs the receivers in between, or
 * signet_emit_run() for an emission that records a signet_summary; the
 * inline path of signet.h comes here for every state but the common one,
 * and for the runs of receivers after the first: signet_emit_next() for a
 * hand-written loop, the end or the patterns for a generated send's),
 * blocking sends (signet_call_begin, signet_call_end: an emission whose
 * queued messages carry a completion record it waits on) and the
 * questions senders ask first (signet_has_receivers,
 * signet_has_pattern_subscribers). An emission reads its signal's snapshot
 * inside an RCU read section: no lock, no allocation, and a cost that
 * depends only on the receivers that will run. Uses state.h and
 * snapshot.h to find the receivers, event.h to run them, retain.c for
 * retained signals, patterns.c for the patterns an emission reaches,
 * post.c for its queued receivers, done.c for a blocking send's record,
 * cell.h for which thread dispatched a queue last (a blocking send from
 * it would wait for itself) and watch.c on a watched bus.
 */
#include "done.h"
#include "event.h"
#include "patterns.h"
#include "post.h"
#include "cell.h"
#include "retain.h"
#include "state.h"
#include "watch.h"

#include <stdlib.h>

/* A thread's first emission registers it for RCU, then starts over; a tail
 * call, so the common path below calls nothing. */
__attribute__((noinline, cold)) static int begin_registering(signet_emission *em, signet_bus *bus,
                                                             const signet_signal_info *sig,
                                                             const void *sender, const void *payload)
{
    signet__rcu_register();
    return signet_emit_begin(em, bus, sig, sender, payload);
}

/* The part of a begin inside the read section (outermost: this emission
 * entered it). */
static inline __attribute__((always_inline)) void begin_inside(signet_emission *em,
                                                               signet_bus *bus,
                                                               const signet_signal_info *sig,
                                                               const void *sender,
                                                               const void *payload, bool outermost)
{
    em->outermost_ = outermost;
    struct sigstate *ss = signet__sigstate(bus, sig);

    signet__emission_init(em, bus, sig, sender, NULL, payload);
    em->summary_ = NULL; /* only an emission begun here can summarize */
    em->patterns_ = 0;
    em->rest_ = false; /* signet__emit_start() sets it */
    em->runs_ = NULL;
    uint8_t flags = 0;
    if (__builtin_expect(signet__watching(bus) != 0, 0)) {
        em->qerr_ = 0;
        ss = signet__watch_send(em, ss); /* taps may set SEQ and TIME */
        flags = SIGNET__EMIT_COLD;
    }
    if (__builtin_expect((sig->flags & SIGNET_SIGNAL_RETAIN) != 0, 0)) {
        ss = signet__retain_emit(em, ss);
        flags |= SIGNET__EMIT_COLD | SIGNET__EMIT_RETAINED;
    }
    if (ss) {
        if (atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0) {
            /* The patterns' lists are read when they run: a subscription
             * made from now on (by a receiver) is not for this emission. */
            flags |= SIGNET__EMIT_PATTERNS;
            em->ss_ = ss;
            em->order_ = atomic_load_explicit(&bus->next_order, memory_order_relaxed);
        }
        struct snap *s = atomic_load_explicit(&ss->snap, memory_order_seq_cst);
        if (s && (em->runs_ = signet__receivers(s, signet__bucket(s, sender), &em->begin,
                                                &em->end)) != NULL)
            em->run_ = 1;
        /* The sender's queued list now, not at the end: a connection its
         * receivers make meanwhile, which replaces the list in its bucket,
         * is not for this emission. */
        struct snap *q = atomic_load_explicit(&ss->qsnap, memory_order_seq_cst);
        em->queued_ = q ? signet__list(q, sender) : NULL;
    }
    em->patterns_ |= flags;
}

int signet_emit_begin(signet_emission *em, signet_bus *bus, const signet_signal_info *sig,
                      const void *sender, const void *payload)
{
    if (__builtin_expect(bus == NULL, 0) || __builtin_expect(sig == NULL, 0) ||
        __builtin_expect(payload == NULL && sig->payload != NULL, 0))
        return SIGNET_EINVAL;
    if (__builtin_expect(!signet__rcu_registered(), 0))
        return begin_registering(em, bus, sig, sender, payload);
    begin_inside(em, bus, sig, sender, payload, signet__rcu_lock());
    return 0;
}

void signet__emit_begin_entered(signet_emission *em, signet_bus *bus,
                                const signet_signal_info *sig, const void *sender,
                                const void *payload)
{
    begin_inside(em, bus, sig, sender, payload, true);
}

void signet__fast_sender(signet_emission *em, const signet__fast *f, const void *sender,
                         const signet_recv **begin, const signet_recv **end)
{
    const struct snap *s = f->snap_;
    const struct bucket *k = signet__bucket(s, sender);

    /* A sender with one receiver of its own and no SIGNET_ANY ones: the
     * bucket's copy of it, into the emission, which the caller's loop
     * walks (the bucket may be rewritten meanwhile). */
    if (k && signet__bucket_one(k, &em->one_, NULL, NULL)) {
        *begin = &em->one_;
        *end = &em->one_ + 1;
        return;
    }
    const struct snap *l = signet__receivers(s, k, begin, end);
    if (__builtin_expect(l != NULL, 0)) {
        /* More runs: an emission of the full path, in the read section the
         * inline path entered, with nothing else for its end to do (the
         * fast list is of the common state). */
        em->outermost_ = true;
        em->patterns_ = 0;
        em->rest_ = true;
        em->queued_ = NULL;
        em->summary_ = NULL;
        em->runs_ = l;
        em->run_ = 1;
    }
}

bool signet__emit_next_run(signet_emission *em)
{
    const struct snap *l = em->runs_;

    if (em->run_ == l->nruns) {
        em->runs_ = NULL;
        return false;
    }
    em->begin = l->runs[em->run_].begin;
    em->end = l->runs[em->run_].end;
    em->run_++;
    return true;
}

/* For an emission signet__emit_start() began: runs the receivers of the
 * runs after the first, which its caller's loop left, through the
 * signal's invoke, unless one returned SIGNET_STOP; returns how many ran.
 * Such an emission never summarizes (signet_emit_run() walks the runs of
 * those that do). */
static int run_rest(signet_emission *em)
{
    const struct snap *l = em->runs_;
    signet_invoke_fn *invoke = em->ev.signal->invoke;
    int ran = 0;

    em->runs_ = NULL;
    if (!em->rest_ || (em->patterns_ & SIGNET__EMIT_STOPPED))
        return 0;
    for (uint32_t i = em->run_; i < l->nruns; i++) {
        for (const signet_recv *r = l->runs[i].begin; r != l->runs[i].end; r++) {
            if (!signet_emit_claim(em, r))
                continue;
            ran++;
            if (signet_emit_stop(em, invoke(r, &em->ev, em->ev.payload_)))
                return ran;
        }
    }
    return ran;
}

/* signet_emit_end() for an emission with pattern subscribers or retained
 * values. */
__attribute__((noinline)) static int end_slow(signet_emission *em, int ran)
{
    if ((em->patterns_ & (SIGNET__EMIT_PATTERNS | SIGNET__EMIT_DONE)) == SIGNET__EMIT_PATTERNS)
        ran += signet_emit_patterns(em, NULL, 0); /* the run-time patterns */
    int delivered = ran, posted = 0; /* before ran may become an error */
    if (em->queued_ != NULL) {
        int rc = signet__post_emission(em);
        if (rc < 0)
            ran = rc;
        else
            posted = rc;
        if (em->summary_)
            em->summary_->queued += (uint32_t)posted;
    }
    if (em->patterns_ & SIGNET__EMIT_COLD) {
        if (signet__watching(em->ev.bus)) {
            struct sigstate *ss = signet__sigstate(em->ev.bus, em->ev.signal);
            signet__count(em->ev.bus, ss, SIGNET__SENT, 1);
            signet__count(em->ev.bus, ss, SIGNET__DELIVERED, (uint64_t)delivered);
            signet__count(em->ev.bus, ss, SIGNET__POSTED, (uint64_t)posted);
        }
        if (em->qerr_ < 0)
            ran = em->qerr_;
        if (em->patterns_ & SIGNET__EMIT_RETAINED)
            free((void *)em->ev.previous_);
    }
    signet__rcu_unlock(em->outermost_);
    return ran;
}

int signet_emit_end(signet_emission *em, int ran)
{
    if (__builtin_expect(em->runs_ != NULL, 0))
        ran += run_rest(em);
    if (__builtin_expect((em->patterns_ & (SIGNET__EMIT_PATTERNS | SIGNET__EMIT_COLD)) != 0, 0))
        return end_slow(em, ran);
    if (__builtin_expect(em->queued_ != NULL, 0)) {
        int rc = signet__post_emission(em);
        if (rc < 0)
            ran = rc;
        else if (em->summary_)
            em->summary_->queued += (uint32_t)rc;
    }
    signet__rcu_unlock(em->outermost_);
    return ran;
}

void signet_emit_summarize(signet_emission *em, signet_summary *out)
{
    *out = (signet_summary){.results = out->results, .results_cap = out->results_cap};
    em->summary_ = out;
    em->done_ = NULL;
}

int signet_emit_run(signet_emission *em)
{
    signet_invoke_fn *invoke = em->ev.signal->invoke;
    int ran = 0;

    for (const signet_recv *r = em->begin, *end = em->end;
         r != end || signet_emit_next(em, &r, &end); r++) {
        if (!signet_emit_claim(em, r))
            continue;
        ran++;
        if (signet__emit_note(em, r, invoke(r, &em->ev, em->ev.payload_)))
            break;
    }
    return ran;
}

/* Adds one queueing's result (signet__post_to()) to em->qerr_: 1 once a
 * message was queued, else the first error; so the emission returns an
 * error only when none of its messages was queued, as signet_post(). */
static void note_queued(signet_emission *em, int rc)
{
    if (rc > 0) {
        em->qerr_ = 1;
        signet__count(em->ev.bus, em->ss_, SIGNET__POSTED, (uint64_t)rc);
        if (em->summary_)
            em->summary_->queued += (uint32_t)rc;
    } else if (rc < 0 && !em->qerr_) {
        em->qerr_ = rc;
    }
}

/* Runs subscriber r of pattern for the emission, unless it cannot be
 * claimed; counts it in *ran. True when it returned SIGNET_STOP. */
static bool run_subscriber(signet_emission *em, const signet_signal_info *pattern,
                           const signet_recv *r, int *ran)
{
    if (!signet_emit_claim(em, r))
        return false;
    ++*ran;
    return signet__emit_note(em, r, pattern->invoke(r, &em->ev, em->ev.payload_));
}

/* Runs one pattern's subscribers (snapshot s) for the emission, each
 * through the pattern's invoke; counts them in *ran. True when one
 * returned SIGNET_STOP. Subscribers connected since the emission began
 * do not run (a twin they hide, connected before, runs in their place). */
static bool run_pattern(signet_emission *em, const struct snap *s,
                        const signet_signal_info *pattern, int *ran)
{
    const struct bucket *k = signet__bucket(s, em->ev.sender);
    const signet_recv *r, *end;
    bool stopped = false;
    signet_recv one;
    uint64_t order;

    em->ev.pattern = pattern;
    /* A sender with one subscriber of its own, connected before the
     * emission began: the bucket's copy of it. */
    if (k && signet__bucket_one(k, &one, &order, NULL) && order < em->order_) {
        stopped = run_subscriber(em, pattern, &one, ran);
        em->ev.pattern = NULL;
        return stopped;
    }
    const struct snap *l = signet__list_at(s, k);
    bool late = l->order_end > em->order_; /* it has connections made since begin */
    const struct qinfo *qi;
    for (uint32_t i = 0; !stopped && signet__run(l, i, &r, &end, &qi); i++) {
        for (; r != end; r++, qi++) {
            const signet_recv *run = r;
            const struct qinfo *at;
            if (__builtin_expect(late, 0) && qi->order >= em->order_ &&
                !(run = signet__older_twin(l, em->order_, r, &at)))
                continue;
            if (run_subscriber(em, pattern, run, ran)) {
                stopped = true;
                break;
            }
        }
    }
    em->ev.pattern = NULL;
    return stopped;
}

int signet_emit_patterns(signet_emission *em, const uint32_t *ids, uint32_t n)
{
    struct sigstate *ss = em->ss_; /* begin found it */
    int ran = 0;

    if (em->runs_ != NULL)
        ran += run_rest(em); /* the signal's receivers first */
    /* No pattern had subscribers when the emission began: none is for it. */
    if (!(em->patterns_ & SIGNET__EMIT_PATTERNS) || !(ids || n == 0))
        return ran;
    if (!(em->patterns_ & SIGNET__EMIT_COLD)) {
        em->patterns_ |= SIGNET__EMIT_COLD;
        em->qerr_ = 0;
    }
    em->patterns_ |= SIGNET__EMIT_DONE;
    bool stopped = (em->patterns_ & SIGNET__EMIT_STOPPED) != 0;
    /* The signal's queued connections first, as without patterns. */
    if (em->queued_) {
        note_queued(em, signet__post_emission(em));
        em->queued_ = NULL;
    }
    /* Their queued subscribers connected since begin get no message. */
    const struct signet__posting x = signet__posting_of(em, em->order_);
    struct signet__pattern_iter it;
    signet__patterns_begin(&it, ss, ids, n, em->ev.payload_, false);
    for (struct sigstate *ps; (ps = signet__patterns_next(&it)) != NULL;) {
        struct snap *s = atomic_load_explicit(&ps->snap, memory_order_seq_cst);
        struct snap *q = atomic_load_explicit(&ps->qsnap, memory_order_seq_cst);
        if (s && !stopped)
            stopped = run_pattern(em, s, ps->info, &ran);
        if (q)
            note_queued(em, signet__post_to(em->ev.bus, ss, ps, em->ev.sender, em->ev.payload_,
                                            NULL, q, &x));
    }
    if (stopped)
        em->patterns_ |= SIGNET__EMIT_STOPPED;
    return ran;
}

/* Which receivers reaches() looks for. */
enum reach_kind {
    REACH_ANY,        /* any receiver, direct or queued */
    REACH_QUEUED,     /* a queued one */
    REACH_QUEUED_HERE /* a queued one bound to a queue this thread dispatched last */
};

/* Has list l a live receiver bound to a queue this thread dispatched last
 * (cell.h, dispatcher)? */
static bool live_here(const struct snap *l)
{
    const signet_recv *r, *end;
    const struct qinfo *qi;

    for (uint32_t i = 0; signet__run(l, i, &r, &end, &qi); i++)
        for (; r != end; r++, qi++)
            if (atomic_load_explicit(&signet__qinfo_queue(qi)->dispatcher, memory_order_relaxed) ==
                    &signet__tls_reader &&
                __atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0)
                return true;
    return false;
}

/* Has the state a live receiver of the kind `what` for an emission from
 * sender? */
static bool state_live(struct sigstate *ss, const void *sender, enum reach_kind what)
{
    const struct snap *q = atomic_load_explicit(&ss->qsnap, memory_order_seq_cst);

    if (what == REACH_QUEUED_HERE)
        return q && live_here(signet__list(q, sender));
    return (what == REACH_ANY &&
            signet__snap_live(atomic_load_explicit(&ss->snap, memory_order_seq_cst), sender)) ||
           signet__snap_live(q, sender);
}

/* Would an emission of sig from sender call, or queue for, a receiver of
 * the kind `what`, its signal's or a pattern's? */
static bool reaches(const signet_bus *bus, const signet_signal_info *sig, const void *sender,
                    enum reach_kind what)
{
    bool outermost = signet__rcu_enter();
    struct sigstate *ss = signet__sigstate(bus, sig);
    bool found = ss && state_live(ss, sender, what);
    /* Then the patterns that can match some topic of the signal. */
    if (ss && !found && !(sig->flags & SIGNET_SIGNAL_PATTERN) &&
        atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst)) {
        struct signet__pattern_iter it;
        signet__patterns_begin(&it, ss, sig->links, sig->nlinks, NULL, true);
        for (struct sigstate *ps; !found && (ps = signet__patterns_next(&it)) != NULL;)
            found = state_live(ps, sender, what);
    }
    signet__rcu_unlock(outermost);
    return found;
}

bool signet_has_receivers(const signet_bus *bus, const signet_signal_info *sig, const void *sender)
{
    return bus && sig && reaches(bus, sig, sender, REACH_ANY);
}

int signet_call_begin(signet_emission *em, signet_bus *bus, const signet_signal_info *sig,
                      const void *sender, const void *payload, signet_summary *out)
{
    if (!out || !bus || !sig || (!payload && sig->payload))
        return SIGNET_EINVAL;
    /* Inside a receiver, this thread may be the one that dispatches a
     * queue the call would wait for; outside one, it may be the thread
     * that dispatched one last (an event loop's). */
    if (reaches(bus, sig, sender, signet__rcu_nested() ? REACH_QUEUED : REACH_QUEUED_HERE))
        return SIGNET_EDEADLK;
    struct signet__done *d = signet__done_new(NULL, NULL);
    if (!d)
        return SIGNET_ENOMEM;
    int rc = signet_emit_begin(em, bus, sig, sender, payload);
    if (rc < 0) {
        signet__done_release(d);
        (void)signet__done_wait(d, 0, out);
        return rc;
    }
    signet_emit_summarize(em, out);
    em->done_ = d;
    return 0;
}

int signet_call_end(signet_emission *em, int ran, uint32_t timeout_ms)
{
    struct signet__done *d = em->done_;
    signet_summary *out = em->summary_;

    /* A queueing error is the record's status too: every message refused. */
    (void)signet_emit_end(em, ran);
    signet__done_release(d); /* the call's hold: the messages are all queued */
    int status = signet__done_wait(d, timeout_ms, out);
    if (status < 0)
        return status;
    return out->ran > INT32_MAX ? INT32_MAX : (int)out->ran;
}

bool signet_has_pattern_subscribers(const signet_bus *bus, const signet_signal_info *sig)
{
    if (!bus || !sig || (sig->flags & SIGNET_SIGNAL_PATTERN))
        return false;
    bool outermost = signet__rcu_enter();
    struct sigstate *ss = signet__sigstate(bus, sig);
    bool active = ss && atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0;
    signet__rcu_unlock(outermost);
    return active;
}
