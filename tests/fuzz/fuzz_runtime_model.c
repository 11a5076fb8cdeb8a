/* fuzz_runtime_model.c: model-based fuzzing of the runtime. The input is a
 * program of operations on one bus with the schema runtime_model.signet
 * (ping with a payload, bare without, note with a string, level retained,
 * meter retained per sender): connect (a sender or SIGNET_ANY, a
 * priority, run-once, only-when-changed, a replay, a filter, direct or
 * bound to a queue), disconnect (live, stale, twice, a handle that never
 * existed), disconnect_ctx, block and unblock (nested counts, stale
 * handles), the list of a signal's connections, send (plain, or filling a
 * summary with room for 0 to 4 results), the blocking _call (with a
 * timeout that never waits long: 0, 1 ms, or SIGNET_WAIT_FOREVER when
 * nothing can be queued), post, dispatch, has_receivers,
 * reading and clearing a retained value (level's, or meter's of one
 * sender, through the plain and the _from calls), and queue destroy (or
 * create).
 * Receivers read their behaviour from the same input when they are called:
 * what to do inside the call (any operation above, emissions nested to a
 * bounded depth) and what to return (0, SIGNET_STOP or an error).
 *
 * Beside the bus runs a model kept as plain arrays: the connections with
 * their rank, flags and queue; the queues as rings of positions with their
 * counters; and a stack of the emissions and dispatches in progress, each
 * with the list of receivers the documented semantics say must run
 * (docs/runtime.md, "Threads and re-entrancy"; docs/queues.md; signet.h):
 * priority then connection order; a receiver connected for SIGNET_ANY and
 * for the sender runs once, at the earlier place, unless one of the two is
 * run-once or only-when-changed; one connected during an emission is not
 * called by it; one disconnected during an emission is skipped if it has
 * not run yet; a blocked one is skipped wherever it would run (sends,
 * dispatch) but keeps its place, its twin rule and its queued messages;
 * a filtered one is asked just before it would run (after those checks;
 * at dispatch for a queued message), is skipped and not counted when its
 * filter says no, and never stands in for its twin;
 * SIGNET_STOP ends the emission (or the one message); a send's summary
 * has how many ran and failed, the first error, the connection that
 * stopped it, the messages it queued and its receivers' answers in the
 * order they ran; a _call for a sender with a live queued receiver is
 * refused with SIGNET_EDEADLK, nothing run, retained or queued, inside a
 * receiver and, outside one, once this thread has dispatched the queue of
 * one of them (a queue nobody dispatched yet does not count); otherwise it
 * runs as a send with a summary, and returns at once when it queued
 * nothing (its count, or the refusal when every message was refused), else
 * SIGNET_ETIMEDOUT with its direct receivers' summary, its messages then
 * running at later dispatches like a send's; a connection with
 * SIGNET_REPLAY gets the retained values its sender filter lets through
 * (meter's one per sender), oldest update first, each with the sender that
 * sent it and no previous payload: a direct one at once, inside its
 * connect (SIGNET_STOP, a disconnect or a run-once that ran ends it; a
 * blocked or filtered one skips a value), a
 * queued one as one message per value for it only (even where an older
 * twin hides it from the sender's list), which a full queue refuses, the
 * connect then returning SIGNET_REPLAY_SKIPPED; a post with a
 * completion (signet_post_done) gets exactly one call of it, once the last
 * of its messages has run, been refused, evicted or discarded, with the
 * summed answers of its receivers and the first reason one did not run
 * (SIGNET_ENOENT when a receiver it was queued for was gone by dispatch);
 * run-once
 * runs once; only-when-changed runs only when the retained payload
 * changed (meter's: that sender's), and its receivers see the previous
 * payload (a queued one the
 * payload retained when the message was queued); a queued
 * message runs the receivers connected when it was queued and still
 * connected when it is dispatched, and a post or send queues a message
 * only for a queue with such a receiver. Every call a receiver gets, every
 * return value, the error hook, the queues' counters and the bus's are
 * compared with the model; any difference aborts with a message saying
 * what was expected. The bus is destroyed at the end of each input.
 * Depends on the generated runtime_model.signet.h and on libsignet. */
#include "runtime_model.signet.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    NSIG = RM_SIGNAL_COUNT,
    NCTX = 4,         /* receiver contexts (and one more that never connects) */
    NSENDERS = 3,     /* exact senders besides SIGNET_ANY */
    NQ = 3,           /* queue slots: 0 is the bus's default queue */
    MAX_CONNS = 96,   /* connections made per input, live or not */
    MAX_DEPTH = 4,    /* nested emissions and dispatches */
    MAX_OPS = 300,    /* operations per input, nested ones included */
    MAX_DONES = 32,   /* posts with a completion per input */
    MAX_TIMEOUTS = 2, /* messages that may wait for a full queue's deadline: */
                      /* past them, posts that would wait are skipped */
    QCAP_MAX = 8,     /* the largest queue capacity the model uses */
    TEXT_MAX = 15     /* note's text, bytes */
};

#define ANY (-1)  /* model sender: SIGNET_ANY, or an anonymous emission */
#define DIRECT (-1) /* model queue of a direct connection */

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("runtime_model: model and bus disagree: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* With SIGNET_FUZZ_TRACE set in the environment, each operation is printed
 * to stderr as it runs, indented by nesting: the story of a failing input. */
static bool tracing;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------------ */
/* The input */

static const uint8_t *in_data;
static size_t in_size, in_at;
static int ops_left;

static unsigned byte(void)
{
    return in_at < in_size ? in_data[in_at++] : 0;
}

static bool more(void)
{
    return in_at < in_size && ops_left > 0;
}

/* ------------------------------------------------------------------------ */
/* The model */

struct mconn {
    int sig, fn, ctx, sender, queue;
    int32_t prio;
    bool once, changed, replay;
    bool live;          /* connected and, for run-once, not fired */
    int blocks;         /* signet_block() count: runs only at 0 */
    uint64_t order;     /* connection sequence */
    signet_conn h;      /* {0, 0} until its connect returns or its replay shows it */
    int filter;         /* 0: none; F_INPUT: its answers come from the input;
                           F_EVEN: passes even values (and bare) */
};

enum { F_NONE, F_INPUT, F_EVEN };

struct payload {
    int32_t value;
    char text[TEXT_MAX + 1];
};

/* A post with a completion: what its call must say, once pending is 0. */
struct mdone {
    int pending;        /* its messages not finished */
    bool due, called;
    uint32_t ran, failed, queued;
    int first_error;
    signet_conn stopped_by;
    int status;         /* the first reason, or 0 */
    int alts[NQ + 1], nalts; /* other codes the first reason may be (several refusals) */
};

struct mmsg {
    int sig, sender;
    int done;           /* its post's completion (m.dones), or -1 */
    int expect;         /* live receivers it was queued for (with a completion) */
    bool direct;        /* a post's message on the default queue: direct receivers too */
    uint64_t order_end; /* receivers connected from this sequence on do not run */
    bool unchanged;     /* level: the payload equals the one retained before */
    struct payload p;
    bool has_prev;      /* level: the payload retained before, which the message carries */
    int32_t prev;
    int replay;         /* a queued replay's message: the connection it is for, else -1 */
};

struct mqueue {
    bool exists;
    signet_queue *q;
    uint32_t cap, slot;
    signet_overflow policy;
    uint64_t head, tail;           /* positions, as the ring's */
    uint64_t refused, evicted, discarded;
    uint32_t high_water;
    bool dispatched;               /* signet_queue_dispatch() has been called on it */
    struct mmsg ring[QCAP_MAX];
};

/* A retained value: level's one, or one of meter's (per sender). */
struct mret {
    bool has;
    int32_t value;
    int sender;         /* who sent it (a replay's ev->sender) */
    uint64_t seq;       /* update order, bus-wide: replays give the oldest first */
};

/* A value a replay gives. */
struct rvalue {
    int sender;
    int32_t value;
};

enum { F_SEND, F_DISPATCH, F_REPLAY };

/* An emission or a dispatch in progress: the receivers that must run, in
 * order. A dispatch takes its messages lazily: the next message's list is
 * computed once the previous message's receivers are done, as the bus does. */
struct frame {
    int kind;
    int list[MAX_CONNS], n, cur;
    bool stopped;
    int ran;
    int passed;         /* list[passed]'s filter said yes: its call is due */
    int sig, sender;
    struct payload p;
    bool unchanged, has_prev; /* level: the payload before this one, when there was one */
    int32_t prev;
    /* F_SEND: the queued connections at the start of the emission, and
     * whether the model has queued its messages yet (and what that gave). */
    int qlist[MAX_CONNS], nq;
    uint64_t order_end;
    bool queued;
    int queued_rc;
    /* F_DISPATCH */
    int queue;
    size_t max, taken;
    bool in_msg;
    uint64_t pos;
    /* The message's completion (-1: none), and what its receivers did. */
    int done, expect, seen, present, msg_ran, msg_failed, msg_first_error;
    signet_conn msg_stopped_by;
    bool msg_ended;
    /* F_SEND: what each receiver that ran returned, in order (a summary's
     * results), and how many messages the send queued. */
    signet_result res[MAX_CONNS];
    int nres, queued_n;
    /* F_REPLAY: the connection and the values it gets, oldest first. */
    int rconn;
    struct rvalue rv[NSENDERS + 1];
    int nrv, rvi;
};

static struct model {
    signet_bus *bus;
    uint32_t max_receivers;
    struct mconn conns[MAX_CONNS];
    int nconns;
    uint64_t next_order;
    signet_conn handles[MAX_CONNS];
    int handle_conn[MAX_CONNS];
    int nhandles;
    struct mqueue queues[NQ];
    uint64_t gone_posted, gone_delivered, gone_dropped, gone_evicted, gone_discarded;
    uint64_t sig_dropped[NSIG];
    uint64_t errors;
    int timeouts;
    struct mret level;                /* level's retained value */
    struct mret meter[NSENDERS + 1];  /* meter's, per sender: [0] anonymous */
    uint64_t retain_seq;
    int errs[NQ + 1], nerrs; /* the errors of the last model_post() */
    int post_count;          /* the messages the last model_post() queued */
    struct mdone dones[MAX_DONES];
    int ndones;
    struct frame frames[MAX_DEPTH + 1];
    int depth;
    /* The error hook call the last receiver's error must cause. */
    bool hook_due;
    int hook_err;
    signet_conn hook_conn;
} m;

static const char sender_objs[NSENDERS];
static const char ctx_objs[NCTX + 1];

static const void *sender_ptr(int s)
{
    return s == ANY ? SIGNET_ANY : &sender_objs[s];
}

static void *ctx_ptr(int c)
{
    return (void *)&ctx_objs[c];
}

static const char *const sig_names[NSIG] = {"ping", "bare", "note", "level", "meter"};

static void trace(const char *fmt, ...)
{
    if (!tracing)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%*s", 2 * m.depth, "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool same_conn(signet_conn a, signet_conn b)
{
    return a.index == b.index && a.generation == b.generation;
}

/* Whether h is connection c's handle. A connection whose connect has not
 * returned yet (its replay runs inside it) takes the handle it is first
 * seen with. */
static bool handle_is(struct mconn *c, signet_conn h)
{
    if (!c->h.index && !c->h.generation)
        c->h = h;
    return same_conn(c->h, h);
}

/* The signal an input byte names: bits 0-1 one of the first four, bits
 * 2-4 all set meter. */
static int pick_signal(unsigned b)
{
    return (b & 0x1c) == 0x1c ? RM_SIGNAL_METER : (int)(b & 3);
}

static bool retains(int sig)
{
    return sig == RM_SIGNAL_LEVEL || sig == RM_SIGNAL_METER;
}

/* The retained value a send of sig from sender replaces: level's only
 * one, or meter's of that sender; NULL for the other signals. */
static struct mret *retained_of(int sig, int sender)
{
    if (sig == RM_SIGNAL_LEVEL)
        return &m.level;
    return sig == RM_SIGNAL_METER ? &m.meter[sender + 1] : NULL;
}

/* Rank order: higher priority first, then connection order. */
static bool ranks_before(const struct mconn *a, const struct mconn *b)
{
    if (a->prio != b->prio)
        return a->prio > b->prio;
    return a->order < b->order;
}

/* The receivers of sig an emission from sender must run, in rank order:
 * live connections, direct or queued, for SIGNET_ANY or for this sender,
 * each (fn, ctx) once at its earlier place unless one of the two
 * connections is run-once, only-when-changed or filtered (they may skip an
 * emission, so they never stand in for the other). */
static int receivers(int sig, int sender, bool queued, int *out)
{
    int n = 0;

    for (int i = 0; i < m.nconns; i++) {
        const struct mconn *c = &m.conns[i];
        if (!c->live || c->sig != sig || (c->queue != DIRECT) != queued)
            continue;
        if (c->sender != ANY && c->sender != sender)
            continue;
        int at = n++;
        while (at > 0 && ranks_before(c, &m.conns[out[at - 1]])) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = i;
    }
    int kept = 0;
    for (int i = 0; i < n; i++) {
        const struct mconn *c = &m.conns[out[i]];
        bool twin = false;
        for (int j = 0; j < i && !c->once && !c->changed && !c->filter && !twin; j++) {
            const struct mconn *d = &m.conns[out[j]];
            twin = !d->once && !d->changed && !d->filter && d->fn == c->fn && d->ctx == c->ctx &&
                   d->sender != c->sender;
        }
        if (!twin)
            out[kept++] = out[i];
    }
    return kept;
}

/* The receivers a queued message of sig from sender, queued when the
 * connection sequence was at order_end, runs now: those of an emission now,
 * except connections made after it was queued; where such a connection
 * leaves out an older twin (the same fn and ctx, connected the other way),
 * the receiver runs through the older one, at the newer one's place. */
static int message_receivers(int sig, int sender, bool queued, uint64_t order_end, int *out)
{
    int now[MAX_CONNS];
    int n = receivers(sig, sender, queued, now), k = 0;

    for (int i = 0; i < n; i++) {
        const struct mconn *c = &m.conns[now[i]];
        if (c->order < order_end) {
            out[k++] = now[i];
            continue;
        }
        for (int j = 0; j < m.nconns && !c->once && !c->changed && !c->filter; j++) {
            const struct mconn *t = &m.conns[j];
            if (t->live && t->sig == sig && (t->queue != DIRECT) == queued && !t->once &&
                !t->changed && !t->filter &&
                t->fn == c->fn && t->ctx == c->ctx && t->sender != c->sender &&
                (t->sender == ANY || t->sender == sender) && t->order < order_end) {
                out[k++] = j;
                break;
            }
        }
    }
    return k;
}

static int live_count(int sig)
{
    int n = 0;
    for (int i = 0; i < m.nconns; i++)
        n += m.conns[i].live && m.conns[i].sig == sig;
    return n;
}

/* ------------------------------------------------------------------------ */
/* Queues */

static size_t payload_bytes(int sig, const struct payload *p)
{
    switch (sig) {
    case RM_SIGNAL_PING:
        return sizeof(rm_ping);
    case RM_SIGNAL_LEVEL:
        return sizeof(rm_level);
    case RM_SIGNAL_METER:
        return sizeof(rm_meter);
    case RM_SIGNAL_NOTE:
        return sizeof(rm_note) + strlen(p->text) + 1;
    default:
        return 0;
    }
}

/* One message of completion d (-1: none) is finished, with status (0: it
 * ran): when it was the last, the completion's call is due. */
static void done_finish(int d, int status)
{
    if (d < 0)
        return;
    struct mdone *r = &m.dones[d];
    if (status && !r->status)
        r->status = status;
    if (--r->pending == 0)
        r->due = true;
}

/* How many of the live receivers a message of sig from sender on queue qi
 * is for, as the post counts them (direct: the default queue's message of
 * a post, whose direct receivers run too). */
static int expected(int sig, int sender, int qi, bool direct)
{
    int list[MAX_CONNS];
    int n = direct ? receivers(sig, sender, false, list) : 0;
    int nq = receivers(sig, sender, true, list);
    for (int i = 0; i < nq; i++)
        n += m.conns[list[i]].queue == qi;
    return n;
}

/* Whether the ring can take a message now: fewer than its capacity wait
 * (a message being run holds no cell). */
static bool claimable(const struct mqueue *q)
{
    return q->tail - q->head < q->cap;
}

/* What queueing one message on q does; with commit, does it. Returns 0 or
 * the error the bus must return. */
static int model_enqueue(int qi, const struct mmsg *msg, bool commit, bool *times_out)
{
    struct mqueue *q = &m.queues[qi];

    *times_out = false;
    if (payload_bytes(msg->sig, &msg->p) > q->slot) {
        if (commit) {
            q->refused++;
            m.sig_dropped[msg->sig]++;
        }
        return SIGNET_ETOOBIG;
    }
    if (!claimable(q)) {
        if (q->policy == SIGNET_OVERFLOW_DROP_NEWEST) {
            if (commit) {
                q->refused++;
                m.sig_dropped[msg->sig]++;
            }
            return SIGNET_EFULL;
        }
        bool room = false;
        if (q->policy == SIGNET_OVERFLOW_DROP_OLDEST && q->tail - q->head >= q->cap) {
            /* The oldest waiting message makes room. */
            if (commit) {
                m.sig_dropped[q->ring[q->head % q->cap].sig]++;
                q->evicted++;
                done_finish(q->ring[q->head % q->cap].done, SIGNET_EEVICTED);
                q->head++;
            }
            room = true;
        }
        if (!room) {
            /* block: nobody else frees a cell, so the deadline passes. */
            *times_out = true;
            if (commit) {
                q->refused++;
                m.sig_dropped[msg->sig]++;
            }
            return SIGNET_ETIMEDOUT;
        }
    }
    if (commit) {
        uint64_t pos = q->tail++;
        q->ring[pos % q->cap] = *msg;
        uint32_t depth = (uint32_t)(pos + 1 - q->head);
        if (depth > q->high_water)
            q->high_water = depth;
    }
    return 0;
}

/* The queues a post (direct: the default queue's message of a post) or the
 * end of a send puts messages on, in order, with each one's direct flag. */
static int post_targets(int sig, int sender, bool post, const int *qlist, int nq, int *qs,
                        bool *direct)
{
    int n = 0;
    bool on_default = false;
    int list[MAX_CONNS];

    if (post) {
        if (receivers(sig, sender, false, list) > 0) {
            qs[n] = 0;
            direct[n++] = true;
            on_default = true;
        }
        nq = receivers(sig, sender, true, list);
        qlist = list;
    }
    for (int i = 0; i < nq; i++) {
        const struct mconn *c = &m.conns[qlist[i]];
        if (!c->live)
            continue;
        bool seen = on_default && c->queue == 0;
        for (int j = 0; j < n && !seen; j++)
            seen = qs[j] == c->queue;
        if (!seen) {
            qs[n] = c->queue;
            direct[n++] = false;
        }
    }
    return n;
}

/* A send or post of level, or of meter (per sender), retains its
 * payload: returns whether it equals the one retained before. */
static bool retain(int sig, int sender, const struct payload *p, bool *had, int32_t *prev)
{
    struct mret *r = retained_of(sig, sender);

    *had = false;
    *prev = 0;
    if (!r)
        return false;
    *had = r->has;
    *prev = r->value;
    *r = (struct mret){true, p->value, sender, ++m.retain_seq};
    return *had && *prev == p->value;
}

/* Queues the messages of a post or of a send's end; returns the count
 * queued when one was, else the first error, as the bus must. */
static int model_post(int sig, int sender, const struct payload *p, bool post, const int *qlist,
                      int nq, uint64_t order_end, bool unchanged, bool had, int32_t prev,
                      int done)
{
    int qs[NQ + 1];
    bool direct[NQ + 1];
    int n = post_targets(sig, sender, post, qlist, nq, qs, direct);
    int count = 0, first_err = 0;

    m.nerrs = 0;
    for (int i = 0; i < n; i++) {
        struct mmsg msg = {sig, sender, done, 0, direct[i], order_end, unchanged, *p, had, prev,
                           -1};
        if (done >= 0)
            msg.expect = expected(sig, sender, qs[i], direct[i]);
        bool times_out;
        int rc = model_enqueue(qs[i], &msg, true, &times_out);
        if (times_out)
            m.timeouts++;
        trace("queue a message on %d%s: %d", qs[i], direct[i] ? " (direct)" : "", rc);
        if (rc < 0) {
            if (!first_err)
                first_err = rc;
            if (m.nerrs < NQ + 1)
                m.errs[m.nerrs++] = rc;
        } else {
            count++;
            if (done >= 0) {
                m.dones[done].pending++;
                m.dones[done].queued++;
            }
        }
    }
    if (done >= 0) {
        /* The post's own hold: the completion is due once it returns, if
         * every message is finished by then. The first refusal is the
         * status, in whichever order the bus visits the queues. */
        struct mdone *r = &m.dones[done];
        if (m.nerrs && !r->status) {
            r->status = m.errs[0];
            for (int i = 1; i < m.nerrs; i++)
                r->alts[r->nalts++] = m.errs[i];
        }
        if (r->pending == 0)
            r->due = true;
    }
    m.post_count = count;
    return count ? count : first_err;
}

/* Whether rc is what a post or send whose messages the model queued last
 * may return: want, or, when several queues refused their message, any of
 * their errors (the bus visits the queues in the order their first
 * receivers rank, counting receivers that are no longer connected, which
 * the model does not track). */
static bool result_ok(int rc, int want)
{
    if (rc == want)
        return true;
    for (int i = 0; want < 0 && i < m.nerrs; i++)
        if (rc == m.errs[i])
            return true;
    return false;
}

/* How many of a post's messages would wait for a deadline. */
static int post_timeouts(int sig, int sender, const struct payload *p)
{
    int qs[NQ + 1];
    bool direct[NQ + 1];
    int n = post_targets(sig, sender, true, NULL, 0, qs, direct);
    int t = 0;

    for (int i = 0; i < n; i++) {
        struct mmsg msg = {sig, sender, -1, 0, direct[i], 0, false, *p, false, 0, -1};
        bool times_out;
        (void)model_enqueue(qs[i], &msg, false, &times_out);
        t += times_out;
    }
    return t;
}

static void check_queue(int qi)
{
    const struct mqueue *q = &m.queues[qi];
    signet_stats st;

    if (!q->exists)
        return;
    if (signet_queue_stats(q->q, &st) != 0)
        fail("signet_queue_stats(queue %d) failed", qi);
    uint64_t delivered = q->head - q->evicted - q->discarded;
    if (st.posted != q->tail || st.delivered != delivered ||
        st.dropped != q->refused + q->evicted || st.evicted != q->evicted ||
        st.discarded != q->discarded || st.depth != q->tail - q->head ||
        st.high_water != q->high_water || st.capacity != q->cap)
        fail("queue %d stats: posted %llu delivered %llu dropped %llu evicted %llu depth %u "
             "high_water %u capacity %u; model: %llu %llu %llu %llu %llu %u %u",
             qi, (unsigned long long)st.posted, (unsigned long long)st.delivered,
             (unsigned long long)st.dropped, (unsigned long long)st.evicted, st.depth,
             st.high_water, st.capacity, (unsigned long long)q->tail,
             (unsigned long long)delivered, (unsigned long long)(q->refused + q->evicted),
             (unsigned long long)q->evicted, (unsigned long long)(q->tail - q->head),
             q->high_water, q->cap);
}

static void check_counters(void)
{
    for (int i = 0; i < NQ; i++)
        check_queue(i);
    for (int s = 0; s < NSIG; s++) {
        uint64_t got = signet_signal_dropped(m.bus, &rm_signals[s]);
        if (got != m.sig_dropped[s])
            fail("signet_signal_dropped(%s) = %llu, model %llu", sig_names[s],
                 (unsigned long long)got, (unsigned long long)m.sig_dropped[s]);
    }
    if (signet_bus_error_count(m.bus) != m.errors)
        fail("signet_bus_error_count = %llu, model %llu",
             (unsigned long long)signet_bus_error_count(m.bus), (unsigned long long)m.errors);
}

/* ------------------------------------------------------------------------ */
/* Receivers */

static void run_program_op(void);

static void check_hook_done(void)
{
    if (m.hook_due)
        fail("a receiver returned %d (connection {%u,%u}) and the error hook was not called",
             m.hook_err, m.hook_conn.index, m.hook_conn.generation);
}

static void on_error(void *ctx, const signet_event *ev, int err)
{
    (void)ctx;
    if (!m.hook_due)
        fail("error hook called with %d, and no receiver returned an error", err);
    if (err != m.hook_err || !same_conn(ev->conn, m.hook_conn))
        fail("error hook called with %d for {%u,%u}; expected %d for {%u,%u}", err,
             ev->conn.index, ev->conn.generation, m.hook_err, m.hook_conn.index,
             m.hook_conn.generation);
    m.hook_due = false;
}

static void take_message(struct frame *f);
static bool finish_message(struct frame *f);

/* A message with a completion counts each receiver it is for that is
 * still connected when the dispatch comes to it (blocked or not). */
static void note_present(struct frame *f, int i)
{
    if (i >= f->seen) {
        f->seen = i + 1;
        f->present += m.conns[f->list[i]].live;
    }
}

/* Skips the receivers of the frame's current list that are not to run;
 * true when none is left to call (f->cur is then past them). */
static bool rest_skipped(struct frame *f)
{
    while (!f->stopped && f->cur < f->n) {
        const struct mconn *c = &m.conns[f->list[f->cur]];
        note_present(f, f->cur);
        if (c->live && c->blocks == 0 && !(c->changed && f->unchanged))
            return false;
        f->cur++;
    }
    return true;
}

/* A direct replay's next value, once the one before is done: false when
 * none is left, or the replay ended (SIGNET_STOP, or its connection was
 * disconnected or, run-once, has run). */
static bool next_value(struct frame *f)
{
    if (f->stopped || f->rvi >= f->nrv || !m.conns[f->rconn].live)
        return false;
    const struct rvalue *v = &f->rv[f->rvi++];
    f->sender = v->sender;
    memset(&f->p, 0, sizeof f->p);
    f->p.value = v->value;
    f->list[0] = f->rconn;
    f->n = 1;
    f->cur = 0;
    f->passed = -1;
    return true;
}

/* The next receiver the innermost frame must call, or -1. In a dispatch,
 * finishes messages whose receivers are done and takes the next ones; in
 * a replay, takes the next value. */
static int next_expected(struct frame *f)
{
    for (;;) {
        if (!rest_skipped(f))
            return f->list[f->cur];
        if (f->kind == F_DISPATCH ? !finish_message(f) : f->kind != F_REPLAY || !next_value(f))
            return -1;
    }
}

/* Ends the message a dispatch runs, once its receivers are done: its
 * completion gets what they did (the rest of its receivers after a
 * SIGNET_STOP are counted then, as the bus counts them). */
static void end_message(struct frame *f)
{
    if (!f->in_msg || f->msg_ended)
        return;
    f->msg_ended = true;
    if (f->done < 0)
        return;
    for (int i = f->seen; i < f->n; i++)
        note_present(f, i);
    struct mdone *r = &m.dones[f->done];
    r->ran += (uint32_t)f->msg_ran;
    r->failed += (uint32_t)f->msg_failed;
    if (!r->first_error)
        r->first_error = f->msg_first_error;
    if (!r->stopped_by.index && !r->stopped_by.generation)
        r->stopped_by = f->msg_stopped_by;
    done_finish(f->done, f->present < f->expect ? SIGNET_ENOENT : 0);
}

static const char done_objs[MAX_DONES];

/* The messages of a send whose receivers are done, queued in the model
 * once; returns what queueing them gives (model_post()). */
static int send_queue(struct frame *f)
{
    if (!f->queued) {
        f->queued = true;
        f->queued_rc = model_post(f->sig, f->sender, &f->p, false, f->qlist, f->nq, f->order_end,
                                  f->unchanged, f->has_prev, f->prev, -1);
        f->queued_n = m.post_count;
    }
    return f->queued_rc;
}

/* A completion's call: its record must be due (its last message just
 * finished), and what it is told must be what the model summed. */
static void on_done(void *ctx, const signet_summary *sum, int status)
{
    int d = (int)((const char *)ctx - done_objs);
    struct mdone *r = &m.dones[d];

    if (!r->due && m.depth > 0) {
        /* The bus ends each message (and takes the next) before the model
         * looks for the next receiver to call, and a send queues its
         * messages (evicting others) before the model does: catch up. */
        struct frame *f = &m.frames[m.depth - 1];
        if (next_expected(f) < 0 && f->kind == F_SEND)
            (void)send_queue(f);
    }
    trace("completion %d: ran %u failed %u queued %u status %d", d, sum->ran, sum->failed,
          sum->queued, status);
    if (r->called)
        fail("completion %d called twice", d);
    if (!r->due)
        fail("completion %d called with %d messages unfinished", d, r->pending);
    bool status_ok = status == r->status;
    for (int i = 0; i < r->nalts && !status_ok; i++)
        status_ok = status == r->alts[i];
    if (!status_ok || sum->ran != r->ran || sum->failed != r->failed ||
        sum->queued != r->queued || sum->first_error != r->first_error ||
        !same_conn(sum->stopped_by, r->stopped_by) || sum->results != NULL)
        fail("completion %d: status %d ran %u failed %u queued %u first_error %d stopped_by "
             "{%u,%u}; model %d %u %u %u %d {%u,%u}",
             d, status, sum->ran, sum->failed, sum->queued, sum->first_error,
             sum->stopped_by.index, sum->stopped_by.generation, r->status, r->ran, r->failed,
             r->queued, r->first_error, r->stopped_by.index, r->stopped_by.generation);
    r->called = true;
    r->due = false;
}

/* Every completion the model says is due has been called. */
static void check_dones(void)
{
    for (int d = 0; d < m.ndones; d++)
        if (m.dones[d].due)
            fail("completion %d was not called (its last message finished)", d);
}

static bool payload_matches(int sig, const struct payload *want, const void *got)
{
    switch (sig) {
    case RM_SIGNAL_PING:
        return got && ((const rm_ping *)got)->value == want->value;
    case RM_SIGNAL_LEVEL:
        return got && ((const rm_level *)got)->value == want->value;
    case RM_SIGNAL_METER:
        return got && ((const rm_meter *)got)->value == want->value;
    case RM_SIGNAL_NOTE: {
        const rm_note *n = got;
        return n && n->value == want->value && n->text && strcmp(n->text, want->text) == 0;
    }
    default:
        return got == NULL;
    }
}

/* A filter's call: the connection next_expected() names must be asked
 * now (for its payload, on this emission); its answer comes from the
 * input or from the value. */
static bool on_filter(int sig, void *ctx, const signet_event *ev, const void *payload, int kind)
{
    int cx = (int)((const char *)ctx - ctx_objs);

    if (m.depth == 0)
        fail("%s filter ctx %d called outside any emission", sig_names[sig], cx);
    struct frame *f = &m.frames[m.depth - 1];
    int want = next_expected(f);
    if (want < 0 || f->passed == f->cur)
        fail("%s filter ctx %d (connection {%u,%u}) called; the model expects %s",
             sig_names[sig], cx, ev->conn.index, ev->conn.generation,
             want < 0 ? "no call" : "the receiver's call");
    struct mconn *c = &m.conns[want];
    if (c->sig != sig || c->ctx != cx || c->filter != kind || !handle_is(c, ev->conn))
        fail("%s filter ctx %d kind %d called via {%u,%u}; expected connection %d's (ctx %d, "
             "kind %d, {%u,%u})",
             sig_names[sig], cx, kind, ev->conn.index, ev->conn.generation, want, c->ctx,
             c->filter, c->h.index, c->h.generation);
    if (ev->sender != sender_ptr(f->sender) || !payload_matches(sig, &f->p, payload))
        fail("%s filter got the wrong sender or payload", sig_names[sig]);
    bool yes = kind == F_INPUT ? (byte() & 1) != 0 : sig == RM_SIGNAL_BARE || f->p.value % 2 == 0;
    trace("filter of connection %d says %s", want, yes ? "yes" : "no");
    if (yes)
        f->passed = f->cur;
    else
        f->cur++;
    return yes;
}

static int on_call(int sig, int fn, void *ctx, const signet_event *ev, const void *payload)
{
    int cx = (int)((const char *)ctx - ctx_objs);

    check_hook_done();
    if (m.depth == 0)
        fail("%s receiver fn %d ctx %d called outside any emission", sig_names[sig], fn, cx);
    struct frame *f = &m.frames[m.depth - 1];
    int want = next_expected(f);
    if (want < 0)
        fail("%s receiver fn %d ctx %d (connection {%u,%u}) called; the model expects no "
             "more calls in this %s",
             sig_names[sig], fn, cx, ev->conn.index, ev->conn.generation,
             f->kind == F_SEND ? "emission" : f->kind == F_DISPATCH ? "dispatch" : "replay");
    struct mconn *c = &m.conns[want];
    if (c->sig != sig || c->fn != fn || c->ctx != cx || !handle_is(c, ev->conn))
        fail("called %s fn %d ctx %d via {%u,%u}; expected %s fn %d ctx %d via {%u,%u} "
             "(connection %d, sender %d, priority %d, once %d, queue %d)",
             sig_names[sig], fn, cx, ev->conn.index, ev->conn.generation, sig_names[c->sig],
             c->fn, c->ctx, c->h.index, c->h.generation, want, c->sender, (int)c->prio,
             c->once, c->queue);
    if (ev->sender != sender_ptr(f->sender) || ev->signal != &rm_signals[sig] || ev->bus != m.bus)
        fail("%s receiver got the wrong sender, signal or bus", sig_names[sig]);
    if (!payload_matches(sig, &f->p, payload))
        fail("%s receiver got the wrong payload (expected value %d text \"%s\")", sig_names[sig],
             (int)f->p.value, f->p.text);
    if (ev->pattern != NULL)
        fail("ev->pattern set for a signal's own receiver");
    /* The previous payload: level's receivers, in a send or from the
     * message (which has room for both payloads in every queue here). */
    const rm_level *prev = signet_event_previous(ev);
    bool want_prev = f->has_prev;
    if ((prev != NULL) != want_prev || (prev && prev->value != f->prev))
        fail("%s receiver: signet_event_previous() gave %s%d, expected %s%d", sig_names[sig],
             prev ? "" : "NULL ", prev ? (int)prev->value : 0, want_prev ? "" : "NULL ",
             want_prev ? (int)f->prev : 0);
    if (c->filter && f->passed != f->cur)
        fail("%s receiver of connection %d called without asking its filter", sig_names[sig],
             want);
    f->passed = -1;
    f->cur++;
    f->ran++;
    f->msg_ran++;
    if (c->once)
        c->live = false;
    trace("call connection %d (%s fn %d ctx %d)", want, sig_names[sig], fn, cx);

    /* The receiver's behaviour: up to three operations, then its return. */
    unsigned b = more() ? byte() : 0;
    for (unsigned k = (b >> 2) & 3; k > 0 && more(); k--)
        run_program_op();
    check_hook_done();
    trace("connection %d returns %s", want,
          (b & 3) == 2   ? "SIGNET_STOP"
          : (b & 3) == 3 ? "an error"
                         : "0");
    f = &m.frames[m.depth - 1];
    int rc = 0;
    switch (b & 3) {
    case 2:
        f->stopped = true;
        if (!f->msg_stopped_by.index && !f->msg_stopped_by.generation)
            f->msg_stopped_by = c->h;
        rc = SIGNET_STOP;
        break;
    case 3:
        rc = -100 - (int)(b >> 4);
        if (f->msg_failed++ == 0)
            f->msg_first_error = rc;
        m.hook_due = true;
        m.hook_err = rc;
        m.hook_conn = c->h;
        m.errors++;
        break;
    default:
        break;
    }
    if (f->nres < MAX_CONNS)
        f->res[f->nres++] = (signet_result){c->h, rc};
    return rc;
}

static bool ping_input(void *ctx, const signet_event *ev, const rm_ping *msg)
{
    return on_filter(RM_SIGNAL_PING, ctx, ev, msg, F_INPUT);
}

static bool ping_even(void *ctx, const signet_event *ev, const rm_ping *msg)
{
    return on_filter(RM_SIGNAL_PING, ctx, ev, msg, F_EVEN);
}

static bool level_input(void *ctx, const signet_event *ev, const rm_level *msg)
{
    return on_filter(RM_SIGNAL_LEVEL, ctx, ev, msg, F_INPUT);
}

static bool level_even(void *ctx, const signet_event *ev, const rm_level *msg)
{
    return on_filter(RM_SIGNAL_LEVEL, ctx, ev, msg, F_EVEN);
}

static bool meter_input(void *ctx, const signet_event *ev, const rm_meter *msg)
{
    return on_filter(RM_SIGNAL_METER, ctx, ev, msg, F_INPUT);
}

static bool meter_even(void *ctx, const signet_event *ev, const rm_meter *msg)
{
    return on_filter(RM_SIGNAL_METER, ctx, ev, msg, F_EVEN);
}

static bool bare_input(void *ctx, const signet_event *ev)
{
    return on_filter(RM_SIGNAL_BARE, ctx, ev, NULL, F_INPUT);
}

static bool bare_even(void *ctx, const signet_event *ev)
{
    return on_filter(RM_SIGNAL_BARE, ctx, ev, NULL, F_EVEN);
}

static bool note_input(void *ctx, const signet_event *ev, const rm_note *msg)
{
    return on_filter(RM_SIGNAL_NOTE, ctx, ev, msg, F_INPUT);
}

static bool note_even(void *ctx, const signet_event *ev, const rm_note *msg)
{
    return on_filter(RM_SIGNAL_NOTE, ctx, ev, msg, F_EVEN);
}

/* Puts filter kind (F_*) of sig in opts. */
static void set_filter(int sig, int kind, signet_connect_opts *opts)
{
    if (kind == F_NONE)
        return;
    switch (sig) {
    case RM_SIGNAL_PING:
        rm_ping_filter(opts, kind == F_INPUT ? ping_input : ping_even);
        break;
    case RM_SIGNAL_BARE:
        rm_bare_filter(opts, kind == F_INPUT ? bare_input : bare_even);
        break;
    case RM_SIGNAL_LEVEL:
        rm_level_filter(opts, kind == F_INPUT ? level_input : level_even);
        break;
    case RM_SIGNAL_METER:
        rm_meter_filter(opts, kind == F_INPUT ? meter_input : meter_even);
        break;
    default:
        rm_note_filter(opts, kind == F_INPUT ? note_input : note_even);
        break;
    }
}

static int ping_a(void *ctx, const signet_event *ev, const rm_ping *msg)
{
    return on_call(RM_SIGNAL_PING, 0, ctx, ev, msg);
}

static int ping_b(void *ctx, const signet_event *ev, const rm_ping *msg)
{
    return on_call(RM_SIGNAL_PING, 1, ctx, ev, msg);
}

static int level_a(void *ctx, const signet_event *ev, const rm_level *msg)
{
    return on_call(RM_SIGNAL_LEVEL, 0, ctx, ev, msg);
}

static int level_b(void *ctx, const signet_event *ev, const rm_level *msg)
{
    return on_call(RM_SIGNAL_LEVEL, 1, ctx, ev, msg);
}

static int meter_a(void *ctx, const signet_event *ev, const rm_meter *msg)
{
    return on_call(RM_SIGNAL_METER, 0, ctx, ev, msg);
}

static int meter_b(void *ctx, const signet_event *ev, const rm_meter *msg)
{
    return on_call(RM_SIGNAL_METER, 1, ctx, ev, msg);
}

static int bare_a(void *ctx, const signet_event *ev)
{
    return on_call(RM_SIGNAL_BARE, 0, ctx, ev, NULL);
}

static int bare_b(void *ctx, const signet_event *ev)
{
    return on_call(RM_SIGNAL_BARE, 1, ctx, ev, NULL);
}

static int note_a(void *ctx, const signet_event *ev, const rm_note *msg)
{
    return on_call(RM_SIGNAL_NOTE, 0, ctx, ev, msg);
}

static int note_b(void *ctx, const signet_event *ev, const rm_note *msg)
{
    return on_call(RM_SIGNAL_NOTE, 1, ctx, ev, msg);
}

/* ------------------------------------------------------------------------ */
/* Operations */

static struct frame *push(int kind)
{
    if (m.depth > MAX_DEPTH)
        fail("frame stack overflow");
    struct frame *f = &m.frames[m.depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->passed = -1;
    return f;
}

static void read_payload(int sig, struct payload *p)
{
    memset(p, 0, sizeof *p);
    if (sig == RM_SIGNAL_BARE)
        return;
    /* level's values repeat often, so that unchanged payloads are common. */
    p->value = retains(sig) ? (int32_t)(byte() % 4) : (int32_t)(int8_t)byte();
    if (sig == RM_SIGNAL_NOTE) {
        unsigned len = byte() % (TEXT_MAX + 1);
        for (unsigned i = 0; i < len; i++)
            p->text[i] = (char)('a' + byte() % 26);
    }
}

static int do_connect(int sig, int fn, int cx, int sender, const signet_connect_opts *opts,
                      signet_conn *out)
{
    const void *s = sender_ptr(sender);
    void *ctx = ctx_ptr(cx);

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_connect_opts(m.bus, fn ? ping_b : ping_a, ctx, s, opts, out);
    case RM_SIGNAL_BARE:
        return rm_bare_connect_opts(m.bus, fn ? bare_b : bare_a, ctx, s, opts, out);
    case RM_SIGNAL_LEVEL:
        return rm_level_connect_opts(m.bus, fn ? level_b : level_a, ctx, s, opts, out);
    case RM_SIGNAL_METER:
        return rm_meter_connect_opts(m.bus, fn ? meter_b : meter_a, ctx, s, opts, out);
    default:
        return rm_note_connect_opts(m.bus, fn ? note_b : note_a, ctx, s, opts, out);
    }
}

static void add_handle(signet_conn h, int conn)
{
    if (m.nhandles < MAX_CONNS) {
        m.handles[m.nhandles] = h;
        m.handle_conn[m.nhandles++] = conn;
    }
}

/* The values a replay to connection c gives, oldest update first: its
 * signal's retained ones that its sender filter lets through. */
static int replay_values(const struct mconn *c, struct rvalue *out)
{
    const struct mret *rs[NSENDERS + 1];
    int nrec = c->sig == RM_SIGNAL_LEVEL ? 1 : NSENDERS + 1, n = 0;

    for (int i = 0; i < nrec; i++) {
        const struct mret *r = c->sig == RM_SIGNAL_LEVEL ? &m.level : &m.meter[i];
        if (!r->has || (c->sender != ANY && r->sender != c->sender))
            continue;
        int at = n++;
        while (at > 0 && r->seq < rs[at - 1]->seq) {
            rs[at] = rs[at - 1];
            at--;
        }
        rs[at] = r;
    }
    for (int i = 0; i < n; i++)
        out[i] = (struct rvalue){rs[i]->sender, rs[i]->value};
    return n;
}

/* A queued replay to connection ci: one message per value on its queue,
 * each for it only; a full queue refuses a value instead of waiting or
 * evicting. Returns how many were refused. */
static int queue_replay(int ci)
{
    const struct mconn *c = &m.conns[ci];
    struct mqueue *q = &m.queues[c->queue];
    struct rvalue v[NSENDERS + 1];
    int n = replay_values(c, v), refused = 0;

    for (int i = 0; i < n; i++) {
        struct mmsg msg = {c->sig, v[i].sender, -1, 0, false, 0, false, {v[i].value, ""},
                           false, 0, ci};
        bool room = claimable(q), times_out;
        trace("queue replay value %d from %d on %d: %s", (int)v[i].value, v[i].sender, c->queue,
              room ? "queued" : "refused");
        if (!room) {
            q->refused++;
            m.sig_dropped[c->sig]++;
            refused++;
        } else if (model_enqueue(c->queue, &msg, true, &times_out) != 0) {
            fail("a replay's message does not fit queue %d", c->queue);
        }
    }
    return refused;
}

static void op_connect(void)
{
    int sig = pick_signal(byte());
    unsigned b = byte();
    int fn = (int)(b & 1), cx = (int)((b >> 1) % NCTX);
    int sender = (int)((b >> 3) % (NSENDERS + 1)) - 1;
    unsigned o = byte();
    static const int32_t prios[8] = {0, 0, 0, 1, -1, 2, 0, INT32_MIN};
    int queue = (int)((o >> 4) % 5) - 2; /* -2 and -1 direct, 0..2 a queue */
    if (queue < 0 || !m.queues[queue].exists)
        queue = DIRECT;
    bool changed = (o >> 4) >= 8;
    /* A direct replay runs its receiver in a frame of its own. */
    bool replay = (b & 128) && (queue != DIRECT || m.depth < MAX_DEPTH);
    int filter = (int)((b >> 5) & 3) % 3; /* F_NONE, F_INPUT, F_EVEN */
    signet_connect_opts opts = {
        .priority = prios[o & 7],
        .flags = ((o & 8) ? SIGNET_ONCE : 0) | (changed ? SIGNET_CHANGED : 0) |
                 (replay ? SIGNET_REPLAY : 0),
        .queue = queue == DIRECT ? NULL : m.queues[queue].q,
    };
    set_filter(sig, filter, &opts);

    int existing = -1;
    for (int i = 0; i < m.nconns && existing < 0; i++) {
        const struct mconn *c = &m.conns[i];
        if (c->live && c->sig == sig && c->fn == fn && c->ctx == cx && c->sender == sender)
            existing = i;
    }
    /* Connected again: SIGNET_EXISTING with the same options, else
     * SIGNET_EXISTING_OPTS; the connection keeps its own either way (and
     * replays nothing). */
    const struct mconn *e = existing >= 0 ? &m.conns[existing] : NULL;
    bool same = e && e->prio == opts.priority && e->once == ((o & 8) != 0) &&
                e->changed == changed && e->replay == replay && e->queue == queue &&
                e->filter == filter;
    int want = (changed || replay) && !retains(sig)         ? SIGNET_EINVAL
               : e                                          ? (same ? SIGNET_EXISTING
                                                                    : SIGNET_EXISTING_OPTS)
               : live_count(sig) >= (int)m.max_receivers ? SIGNET_ELIMIT
                                                          : 0;
    if (want == 0 && m.nconns == MAX_CONNS)
        return; /* the model is full: skip */
    trace("connect %s fn %d ctx %d sender %d priority %d%s%s%s queue %d filter %d: expect %d",
          sig_names[sig], fn, cx, sender, (int)opts.priority, (o & 8) ? " once" : "",
          changed ? " changed" : "", replay ? " replay" : "", queue, filter, want);
    int ci = -1;
    struct frame *f = NULL;
    if (want == 0) {
        /* Connected before its replay runs or is queued. */
        ci = m.nconns++;
        m.conns[ci] = (struct mconn){sig,    fn,   cx,   sender,          queue,  opts.priority,
                                     (o & 8) != 0, changed, replay, true, 0, m.next_order++,
                                     {0, 0}, filter};
        if (replay && queue != DIRECT && queue_replay(ci))
            want = SIGNET_REPLAY_SKIPPED;
        if (replay && queue == DIRECT) {
            f = push(F_REPLAY);
            f->sig = sig;
            f->rconn = ci;
            f->nrv = replay_values(&m.conns[ci], f->rv);
        }
    }
    signet_conn h = {0, 0};
    int rc = do_connect(sig, fn, cx, sender, &opts, &h);
    if (f) {
        check_hook_done();
        f = &m.frames[m.depth - 1];
        int left = next_expected(f);
        if (left >= 0)
            fail("the replay of connection %d returned and %d value(s) did not reach it", ci,
                 f->nrv - f->rvi + 1);
        m.depth--;
    }
    if (rc != want)
        fail("connect %s fn %d ctx %d sender %d returned %d, expected %d", sig_names[sig], fn,
             cx, sender, rc, want);
    if (rc == SIGNET_EXISTING || rc == SIGNET_EXISTING_OPTS) {
        if (!handle_is(&m.conns[existing], h))
            fail("connect returned %d with handle {%u,%u}, not {%u,%u}", rc, h.index,
                 h.generation, m.conns[existing].h.index, m.conns[existing].h.generation);
        add_handle(h, existing);
    } else if (rc >= 0) {
        if (h.index == 0 && h.generation == 0)
            fail("connect returned the handle {0,0}");
        for (int i = 0; i < m.nconns; i++)
            if (i != ci && m.conns[i].live && same_conn(m.conns[i].h, h))
                fail("connect returned {%u,%u}, the handle of live connection %d", h.index,
                     h.generation, i);
        if (!handle_is(&m.conns[ci], h))
            fail("connect returned {%u,%u}; its replay called {%u,%u}", h.index, h.generation,
                 m.conns[ci].h.index, m.conns[ci].h.generation);
        add_handle(h, ci);
    }
}

static void op_disconnect(void)
{
    unsigned k = byte() % (unsigned)(m.nhandles + 2);
    signet_conn h;
    int want = SIGNET_ENOENT;
    int conn = -1;

    if (k < (unsigned)m.nhandles) {
        h = m.handles[k];
        conn = m.handle_conn[k];
        if (m.conns[conn].live)
            want = 0;
    } else {
        h = k == (unsigned)m.nhandles ? (signet_conn){0, 0} : (signet_conn){777, 3};
    }
    trace("disconnect handle %u (connection %d): expect %d", k, conn, want);
    int rc = signet_disconnect(m.bus, h);
    if (rc != want)
        fail("disconnect {%u,%u} (connection %d) returned %d, expected %d", h.index,
             h.generation, conn, rc, want);
    if (conn >= 0)
        m.conns[conn].live = false;
}

/* Blocks or unblocks a live, stale or unknown handle. A blocked connection
 * keeps its place in every list (and so still hides its twin), still gets
 * messages queued, and is skipped wherever it would run. */
static void op_block(bool block)
{
    unsigned k = byte() % (unsigned)(m.nhandles + 2);
    signet_conn h;
    int want = SIGNET_ENOENT;
    int conn = -1;

    if (k < (unsigned)m.nhandles) {
        h = m.handles[k];
        conn = m.handle_conn[k];
        const struct mconn *c = &m.conns[conn];
        if (c->live)
            want = block ? c->blocks + 1 : c->blocks > 0 ? c->blocks - 1 : SIGNET_EINVAL;
    } else {
        h = k == (unsigned)m.nhandles ? (signet_conn){0, 0} : (signet_conn){777, 3};
    }
    trace("%s handle %u (connection %d): expect %d", block ? "block" : "unblock", k, conn, want);
    int rc = block ? signet_block(m.bus, h) : signet_unblock(m.bus, h);
    if (rc != want)
        fail("%s {%u,%u} (connection %d) returned %d, expected %d",
             block ? "signet_block" : "signet_unblock", h.index, h.generation, conn, rc, want);
    if (rc >= 0)
        m.conns[conn].blocks = rc;
}

/* Lists a signal's connections into an array of 0 to 4 entries: the live
 * ones, in rank order, each as the model has it. */
static void op_connections(void)
{
    int sig = pick_signal(byte());
    size_t cap = byte() % 5;
    int want[MAX_CONNS], n = 0;

    for (int i = 0; i < m.nconns; i++) {
        const struct mconn *c = &m.conns[i];
        if (!c->live || c->sig != sig)
            continue;
        int at = n++;
        while (at > 0 && ranks_before(c, &m.conns[want[at - 1]])) {
            want[at] = want[at - 1];
            at--;
        }
        want[at] = i;
    }
    signet_conn_info info[4];
    memset(info, 0xa5, sizeof info);
    int rc = signet_connections(m.bus, &rm_signals[sig], cap ? info : NULL, cap);
    trace("connections of %s into %zu: expect %d", sig_names[sig], cap, n);
    if (rc != n)
        fail("signet_connections(%s) returned %d, expected %d", sig_names[sig], rc, n);
    for (int i = 0; i < n && i < (int)cap; i++) {
        struct mconn *c = &m.conns[want[i]];
        const signet_conn_info *got = &info[i];
        uint32_t flags = (c->once ? SIGNET_ONCE : 0) | (c->changed ? SIGNET_CHANGED : 0) |
                         (c->replay ? SIGNET_REPLAY : 0);
        if (!handle_is(c, got->conn) || got->ctx != ctx_ptr(c->ctx) ||
            got->sender != sender_ptr(c->sender) || got->priority != c->prio ||
            got->flags != flags ||
            got->queue != (c->queue == DIRECT ? NULL : m.queues[c->queue].q) ||
            got->blocked != (uint32_t)c->blocks || got->filtered != (c->filter != F_NONE))
            fail("signet_connections(%s)[%d] is {%u,%u} ctx %p priority %d flags %u blocked %u "
                 "filtered %d; expected connection %d",
                 sig_names[sig], i, got->conn.index, got->conn.generation, got->ctx,
                 (int)got->priority, got->flags, got->blocked, got->filtered, want[i]);
    }
}

static void op_disconnect_ctx(void)
{
    int cx = (int)(byte() % (NCTX + 1));
    int want = 0;

    for (int i = 0; i < m.nconns; i++) {
        if (m.conns[i].live && m.conns[i].ctx == cx) {
            m.conns[i].live = false;
            want++;
        }
    }
    trace("disconnect_ctx %d: expect %d", cx, want);
    int rc = signet_disconnect_ctx(m.bus, ctx_ptr(cx));
    if (rc != want)
        fail("disconnect_ctx(ctx %d) returned %d, expected %d", cx, rc, want);
}

static int bus_send(int sig, int sender, const struct payload *p)
{
    const void *s = sender_ptr(sender);

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_send(m.bus, s, p->value);
    case RM_SIGNAL_BARE:
        return rm_bare_send(m.bus, s);
    case RM_SIGNAL_LEVEL:
        return rm_level_send(m.bus, s, p->value);
    case RM_SIGNAL_METER:
        return rm_meter_send(m.bus, s, p->value);
    default: {
        /* A buffer of the caller's that dies with the call. */
        char text[TEXT_MAX + 1];
        memcpy(text, p->text, sizeof text);
        return rm_note_send(m.bus, s, p->value, text);
    }
    }
}

/* A send that fills a summary, through the generated _send_summary(). */
static int bus_send_summary(int sig, int sender, const struct payload *p, signet_summary *out)
{
    const void *s = sender_ptr(sender);

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_send_summary(m.bus, s, &(rm_ping){p->value}, out);
    case RM_SIGNAL_BARE:
        return rm_bare_send_summary(m.bus, s, out);
    case RM_SIGNAL_LEVEL:
        return rm_level_send_summary(m.bus, s, &(rm_level){p->value}, out);
    case RM_SIGNAL_METER:
        return rm_meter_send_summary(m.bus, s, &(rm_meter){p->value}, out);
    default: {
        char text[TEXT_MAX + 1];
        memcpy(text, p->text, sizeof text);
        const rm_note msg = {p->value, text};
        return rm_note_send_summary(m.bus, s, &msg, out);
    }
    }
}

/* A post with a completion, d's, through the generated _post_done(). */
static int bus_post_done(int sig, int sender, const struct payload *p, int d)
{
    const void *s = sender_ptr(sender);
    void *ctx = (void *)&done_objs[d];

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_post_done(m.bus, s, &(rm_ping){p->value}, on_done, ctx);
    case RM_SIGNAL_BARE:
        return rm_bare_post_done(m.bus, s, on_done, ctx);
    case RM_SIGNAL_LEVEL:
        return rm_level_post_done(m.bus, s, &(rm_level){p->value}, on_done, ctx);
    case RM_SIGNAL_METER:
        return rm_meter_post_done(m.bus, s, &(rm_meter){p->value}, on_done, ctx);
    default: {
        char text[TEXT_MAX + 1];
        memcpy(text, p->text, sizeof text);
        const rm_note msg = {p->value, text};
        int rc = rm_note_post_done(m.bus, s, &msg, on_done, ctx);
        memset(text, '#', TEXT_MAX);
        return rc;
    }
    }
}

static int bus_post(int sig, int sender, const struct payload *p)
{
    const void *s = sender_ptr(sender);

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_post(m.bus, s, p->value);
    case RM_SIGNAL_BARE:
        return rm_bare_post(m.bus, s);
    case RM_SIGNAL_LEVEL:
        return rm_level_post(m.bus, s, p->value);
    case RM_SIGNAL_METER:
        return rm_meter_post(m.bus, s, p->value);
    default: {
        /* The caller may reuse its buffer as soon as post returns. */
        char text[TEXT_MAX + 1];
        memcpy(text, p->text, sizeof text);
        int rc = rm_note_post(m.bus, s, p->value, text);
        memset(text, '#', TEXT_MAX);
        return rc;
    }
    }
}

/* A blocking send, through the generated _call(). */
static int bus_call(int sig, int sender, const struct payload *p, uint32_t timeout_ms,
                    signet_summary *out)
{
    const void *s = sender_ptr(sender);

    switch (sig) {
    case RM_SIGNAL_PING:
        return rm_ping_call(m.bus, s, &(rm_ping){p->value}, timeout_ms, out);
    case RM_SIGNAL_BARE:
        return rm_bare_call(m.bus, s, timeout_ms, out);
    case RM_SIGNAL_LEVEL:
        return rm_level_call(m.bus, s, &(rm_level){p->value}, timeout_ms, out);
    case RM_SIGNAL_METER:
        return rm_meter_call(m.bus, s, &(rm_meter){p->value}, timeout_ms, out);
    default: {
        /* A buffer of the caller's that dies with the call (its queued
         * messages, which outlive it, hold copies). */
        char text[TEXT_MAX + 1];
        memcpy(text, p->text, sizeof text);
        const rm_note msg = {p->value, text};
        int rc = rm_note_call(m.bus, s, &msg, timeout_ms, out);
        memset(text, '#', TEXT_MAX);
        return rc;
    }
    }
}

/* Whether a send's summary says what its receivers did: how many ran,
 * failed (and the first error), which one stopped it, how many messages
 * it queued, and the first cap of its receivers' answers in order. */
static void check_summary(const struct frame *f, const signet_summary *s, uint32_t cap)
{
    uint32_t len = (uint32_t)f->ran < cap ? (uint32_t)f->ran : cap;

    if (s->ran != (uint32_t)f->ran || s->failed != (uint32_t)f->msg_failed ||
        s->first_error != f->msg_first_error || !same_conn(s->stopped_by, f->msg_stopped_by) ||
        s->queued != (uint32_t)f->queued_n || s->results_len != len || s->results_cap != cap)
        fail("send_summary of %s: ran %u failed %u first_error %d stopped_by {%u,%u} queued %u "
             "results %u of %u; model %d %d %d {%u,%u} %d %u",
             sig_names[f->sig], s->ran, s->failed, s->first_error, s->stopped_by.index,
             s->stopped_by.generation, s->queued, s->results_len, s->results_cap, f->ran,
             f->msg_failed, f->msg_first_error, f->msg_stopped_by.index,
             f->msg_stopped_by.generation, f->queued_n, len);
    for (uint32_t i = 0; i < len; i++)
        if (!same_conn(s->results[i].conn, f->res[i].conn) || s->results[i].rc != f->res[i].rc)
            fail("send_summary of %s: results[%u] is {%u,%u} rc %d; model {%u,%u} rc %d",
                 sig_names[f->sig], i, s->results[i].conn.index, s->results[i].conn.generation,
                 s->results[i].rc, f->res[i].conn.index, f->res[i].conn.generation,
                 f->res[i].rc);
}

/* A send; with bit 2 of the sender byte, one that fills a summary, with
 * room for 0 to 4 results (bits 3 and up). */
static void op_send(void)
{
    int sig = pick_signal(byte());
    unsigned sb = byte();
    int sender = (int)(sb % (NSENDERS + 1)) - 1;
    bool summary = (sb & 4) != 0;
    uint32_t cap = (sb >> 3) % 5;
    struct payload p;
    read_payload(sig, &p);
    if (m.depth >= MAX_DEPTH)
        return;

    struct frame *f = push(F_SEND);
    f->sig = sig;
    f->sender = sender;
    f->p = p;
    f->n = receivers(sig, sender, false, f->list);
    f->nq = receivers(sig, sender, true, f->qlist);
    f->order_end = m.next_order;
    f->unchanged = retain(sig, sender, &p, &f->has_prev, &f->prev);
    trace("send %s from %d%s", sig_names[sig], sender, summary ? " with a summary" : "");
    signet_result results[4];
    signet_summary s = {.results = cap ? results : NULL, .results_cap = cap};
    memset(results, 0xa5, sizeof results);
    int rc = summary ? bus_send_summary(sig, sender, &p, &s) : bus_send(sig, sender, &p);
    check_hook_done();
    f = &m.frames[m.depth - 1];
    if (next_expected(f) >= 0) {
        const struct mconn *c = &m.conns[next_expected(f)];
        fail("send %s from %d returned %d and %s fn %d ctx %d (connection {%u,%u}) was not "
             "called",
             sig_names[sig], sender, rc, sig_names[c->sig], c->fn, c->ctx, c->h.index,
             c->h.generation);
    }
    int want = send_queue(f);
    if (want >= 0)
        want = f->ran;
    m.depth--;
    if (!result_ok(rc, want))
        fail("send %s from sender %d returned %d, expected %d", sig_names[sig], sender, rc, want);
    if (summary)
        check_summary(f, &s, cap);
}

/* A blocking send, _call(), with room for 0 to 4 results in its summary
 * (bits 3 and up of the sender byte, as a send's). With queued receivers
 * for the sender (live ones, blocked included) it is refused with
 * SIGNET_EDEADLK, nothing run, retained or queued, inside a receiver (of a
 * send, a dispatch or a replay), and outside one when this thread has
 * dispatched the queue of one of them (every dispatch here is this
 * thread's; a queue never dispatched is not known, so it does not count).
 * Otherwise it runs as a send with a summary: its direct receivers, then
 * its messages queued as a send's; with none queued it returns at once, as
 * _send_summary() (the first refusal when every message was refused), and
 * else its deadline passes (nobody else dispatches), so it returns
 * SIGNET_ETIMEDOUT with the summary of its direct receivers and the count
 * it queued; those messages run at later dispatches like a send's. The
 * timeout is 0, or with bit 2 of the sender byte SIGNET_WAIT_FOREVER when
 * nothing can be queued (no queued receiver for the sender as it begins)
 * and else 1 ms (as often as a full queue's deadline may be waited for). */
static void op_call(void)
{
    int sig = pick_signal(byte());
    unsigned sb = byte();
    int sender = (int)(sb % (NSENDERS + 1)) - 1;
    bool wait = (sb & 4) != 0;
    uint32_t cap = (sb >> 3) % 5;
    struct payload p;
    read_payload(sig, &p);
    if (m.depth >= MAX_DEPTH)
        return;

    struct frame *f = push(F_SEND);
    f->sig = sig;
    f->sender = sender;
    f->p = p;
    f->nq = receivers(sig, sender, true, f->qlist);
    bool here = false;
    for (int i = 0; i < f->nq; i++)
        here |= m.queues[m.conns[f->qlist[i]].queue].dispatched;
    bool deadlk = f->nq > 0 && (m.depth > 1 || here);
    uint32_t timeout = 0;
    if (wait && f->nq == 0) {
        timeout = SIGNET_WAIT_FOREVER;
    } else if (wait && !deadlk && m.timeouts < MAX_TIMEOUTS) {
        timeout = 1;
        m.timeouts++;
    }
    if (deadlk) {
        /* Nothing may run (the frame lists no receiver) or be queued. */
        f->nq = 0;
        f->queued = true;
    } else {
        f->n = receivers(sig, sender, false, f->list);
        f->order_end = m.next_order;
        f->unchanged = retain(sig, sender, &p, &f->has_prev, &f->prev);
    }
    trace("call %s from %d timeout %u%s", sig_names[sig], sender, (unsigned)timeout,
          deadlk ? ": expect SIGNET_EDEADLK" : "");
    signet_result results[4];
    signet_summary s = {.results = cap ? results : NULL, .results_cap = cap};
    memset(results, 0xa5, sizeof results);
    int rc = bus_call(sig, sender, &p, timeout, &s);
    trace("call %s from %d returned %d", sig_names[sig], sender, rc);
    check_hook_done();
    f = &m.frames[m.depth - 1];
    if (next_expected(f) >= 0) {
        const struct mconn *c = &m.conns[next_expected(f)];
        fail("call %s from %d returned %d and %s fn %d ctx %d (connection {%u,%u}) was not "
             "called",
             sig_names[sig], sender, rc, sig_names[c->sig], c->fn, c->ctx, c->h.index,
             c->h.generation);
    }
    int queued = deadlk ? 0 : send_queue(f);
    int want = deadlk       ? SIGNET_EDEADLK
               : queued > 0 ? SIGNET_ETIMEDOUT /* its messages wait: nobody else dispatches */
               : queued < 0 ? queued           /* every message refused */
                            : f->ran;
    m.depth--;
    /* Only a refusal of every message may be another queue's refusal. */
    if (queued < 0 ? !result_ok(rc, want) : rc != want)
        fail("call %s from sender %d returned %d, expected %d", sig_names[sig], sender, rc, want);
    if (!deadlk)
        check_summary(f, &s, cap);
}

/* A post; with the signal byte's high bit, with a completion. */
static void op_post(void)
{
    unsigned sb = byte();
    int sig = pick_signal(sb);
    int sender = (int)(byte() % (NSENDERS + 1)) - 1;
    struct payload p;
    read_payload(sig, &p);
    if (m.timeouts + post_timeouts(sig, sender, &p) > MAX_TIMEOUTS)
        return; /* each costs a deadline of waiting: skipped */
    bool had;
    int32_t prev;
    bool unchanged = retain(sig, sender, &p, &had, &prev);
    int d = (sb & 0x80) && m.ndones < MAX_DONES ? m.ndones++ : -1;
    int want = model_post(sig, sender, &p, true, NULL, 0, m.next_order, unchanged, had, prev, d);
    trace("post %s from %d%s: expect %d", sig_names[sig], sender,
          d >= 0 ? " with a completion" : "", want);
    int rc = d >= 0 ? bus_post_done(sig, sender, &p, d) : bus_post(sig, sender, &p);
    if (!result_ok(rc, want))
        fail("post %s from sender %d returned %d, expected %d", sig_names[sig], sender, rc,
             want);
    check_dones();
}

/* Takes the next message of the dispatch's queue, if it may, and computes
 * the receivers it must run. */
static void take_message(struct frame *f)
{
    struct mqueue *q = &m.queues[f->queue];

    f->in_msg = false;
    if (f->taken >= f->max || q->head == q->tail)
        return;
    f->pos = q->head++;
    f->taken++;
    f->in_msg = true;
    const struct mmsg *msg = &q->ring[f->pos % q->cap];
    f->sig = msg->sig;
    f->sender = msg->sender;
    f->p = msg->p;
    f->unchanged = msg->unchanged;
    f->has_prev = msg->has_prev;
    f->prev = msg->prev;
    f->stopped = false;
    f->cur = 0;
    f->passed = -1;
    f->n = 0;
    f->done = msg->done;
    f->expect = msg->expect;
    f->seen = f->present = f->msg_ran = f->msg_failed = f->msg_first_error = 0;
    f->msg_stopped_by = (signet_conn){0, 0};
    f->msg_ended = false;
    if (msg->replay >= 0) {
        /* A replay's message is for its connection only. */
        f->list[f->n++] = msg->replay;
    } else {
        if (msg->direct)
            f->n = message_receivers(msg->sig, msg->sender, false, msg->order_end, f->list);
        int queued[MAX_CONNS];
        int nq = message_receivers(msg->sig, msg->sender, true, msg->order_end, queued);
        for (int i = 0; i < nq; i++)
            if (m.conns[queued[i]].queue == f->queue)
                f->list[f->n++] = queued[i];
    }
    trace("take message %llu of queue %d: %s from %d%s, %d receiver(s)",
          (unsigned long long)f->pos, f->queue, sig_names[msg->sig], msg->sender,
          msg->direct ? " direct" : msg->replay >= 0 ? " replay" : "", f->n);
}

/* Ends the current message (its receivers are done) and takes the next.
 * False when there is none to take. */
static bool finish_message(struct frame *f)
{
    if (!f->in_msg)
        return false;
    end_message(f);
    take_message(f);
    return f->in_msg;
}

static void op_dispatch(void)
{
    int qi = (int)(byte() % NQ);
    size_t max = byte() % 4; /* 0: up to the capacity */
    if (m.depth >= MAX_DEPTH || !m.queues[qi].exists)
        return;

    struct frame *f = push(F_DISPATCH);
    f->queue = qi;
    f->max = max ? max : m.queues[qi].cap;
    /* This thread is now the queue's last dispatcher, even when the
     * dispatch finds nothing to take (a _call for its receivers is then
     * refused outside receivers too). */
    m.queues[qi].dispatched = true;
    trace("dispatch queue %d max %zu", qi, max);
    take_message(f);
    int rc = signet_queue_dispatch(m.queues[qi].q, max);
    check_hook_done();
    f = &m.frames[m.depth - 1];
    int left = next_expected(f);
    if (left >= 0) {
        const struct mconn *c = &m.conns[left];
        fail("dispatch of queue %d returned %d and %s fn %d ctx %d (connection {%u,%u}) was "
             "not called",
             qi, rc, sig_names[c->sig], c->fn, c->ctx, c->h.index, c->h.generation);
    }
    m.depth--;
    if (rc != (int)f->taken)
        fail("dispatch of queue %d returned %d, expected %d", qi, rc, (int)f->taken);
    check_dones();
}

static void op_has_receivers(void)
{
    int sig = pick_signal(byte());
    int sender = (int)(byte() % (NSENDERS + 1)) - 1;
    bool want = false;

    for (int i = 0; i < m.nconns && !want; i++) {
        const struct mconn *c = &m.conns[i];
        want = c->live && c->sig == sig && (c->sender == ANY || c->sender == sender);
    }
    bool got = signet_has_receivers(m.bus, &rm_signals[sig], sender_ptr(sender));
    if (got != want)
        fail("has_receivers(%s, sender %d) = %d, expected %d", sig_names[sig], sender, got,
             want);
}

static const uint32_t caps[4] = {2, 4, 8, 4};
static const signet_overflow policies[3] = {SIGNET_OVERFLOW_DROP_NEWEST,
                                            SIGNET_OVERFLOW_DROP_OLDEST, SIGNET_OVERFLOW_BLOCK};

static void queue_create(int qi, unsigned b)
{
    struct mqueue *q = &m.queues[qi];
    signet_queue_options opts = {
        .capacity = caps[b & 3],
        .slot_size = (b & 4) ? 24 : 0,
        .overflow = policies[(b >> 3) % 3],
        .block_timeout_ms = 1,
    };
    memset(q, 0, sizeof *q);
    if (signet_queue_create(m.bus, &opts, &q->q) != 0)
        fail("signet_queue_create failed");
    q->exists = true;
    q->cap = opts.capacity;
    q->slot = opts.slot_size ? opts.slot_size : SIGNET_DEFAULT_SLOT_SIZE;
    q->policy = opts.overflow;
    trace("queue %d: capacity %u slot %u policy %d", qi, q->cap, q->slot, (int)q->policy);
}

/* The messages waiting in q are discarded: their completions are told. */
static void discard_dones(const struct mqueue *q)
{
    for (uint64_t pos = q->head; pos < q->tail; pos++)
        done_finish(q->ring[pos % q->cap].done, SIGNET_EDISCARDED);
}

/* Destroys queue 1 or 2 (recreating it when it is gone). Refused inside a
 * receiver. */
static void op_queue(void)
{
    unsigned b = byte();
    int qi = 1 + (int)(b & 1);
    struct mqueue *q = &m.queues[qi];

    if (!q->exists) {
        if (m.depth == 0)
            queue_create(qi, b >> 1);
        trace("create queue %d", qi);
        return;
    }
    trace("destroy queue %d", qi);
    if (m.depth > 0) {
        int rc = signet_queue_destroy(q->q);
        if (rc != SIGNET_EBUSY)
            fail("signet_queue_destroy inside a receiver returned %d, not SIGNET_EBUSY", rc);
        return;
    }
    int want = (int)(q->tail - q->head);
    check_queue(qi);
    discard_dones(q);
    int rc = signet_queue_destroy(q->q);
    check_dones();
    if (rc != want)
        fail("signet_queue_destroy(queue %d) returned %d, expected %d discarded", qi, rc, want);
    for (int i = 0; i < m.nconns; i++)
        if (m.conns[i].queue == qi)
            m.conns[i].live = false;
    m.gone_posted += q->tail;
    m.gone_delivered += q->head - q->evicted - q->discarded;
    m.gone_dropped += q->refused + q->evicted;
    m.gone_evicted += q->evicted;
    m.gone_discarded += q->discarded + (uint64_t)want;
    q->exists = false;
    q->q = NULL;
}

/* Reads a retained value without subscribing (into a buffer with room or
 * one too small), or clears it, against the model's: level's (bit 7
 * clear; with bit 3, through the _from calls, whose sender it ignores) or
 * one of meter's (bit 7; the sender from the next byte, through the _from
 * calls, or anonymous through the plain ones with bit 3). */
static void op_retained(unsigned b)
{
    int si = (b & 128) ? RM_SIGNAL_METER : RM_SIGNAL_LEVEL;
    const signet_signal_info *sig = &rm_signals[si];
    bool from = (si == RM_SIGNAL_METER) != ((b & 8) != 0);
    int sender = from ? (int)(byte() % (NSENDERS + 1)) - 1 : ANY;
    struct mret *r = retained_of(si, sender);

    if (b & 32) {
        int rc = from ? signet_retained_clear_from(m.bus, sig, sender_ptr(sender), NULL)
                      : signet_retained_clear(m.bus, sig, NULL);
        int want = r->has ? 0 : SIGNET_ENOENT;
        trace("retained clear %s from %d: %d, expect %d", sig_names[si], sender, rc, want);
        if (rc != want)
            fail("signet_retained_clear() of %s returned %d, expected %d", sig_names[si], rc,
                 want);
        r->has = false;
        return;
    }
    _Alignas(max_align_t) unsigned char buf[sizeof(rm_level)];
    _Static_assert(sizeof(rm_level) == sizeof(rm_meter), "one buffer for both");
    size_t size = (b & 64) ? sizeof buf - 1 : sizeof buf, len = 99;
    int rc = from ? signet_retained_copy_from(m.bus, sig, sender_ptr(sender), NULL, buf, size,
                                              &len)
                  : signet_retained_copy(m.bus, sig, NULL, buf, size, &len);
    int want = !r->has ? SIGNET_ENOENT : size < sizeof buf ? SIGNET_ENOSPC : 0;
    trace("retained copy %s from %d: %d, expect %d", sig_names[si], sender, rc, want);
    if (rc != want || len != (r->has ? sizeof buf : 0))
        fail("signet_retained_copy() of %s returned %d with len %zu, expected %d",
             sig_names[si], rc, len, want);
    int32_t got = ((const rm_level *)(const void *)buf)->value;
    if (rc == 0 && got != r->value)
        fail("signet_retained_copy() of %s gave %d, expected %d", sig_names[si], (int)got,
             (int)r->value);
}

/* One operation: its opcode byte, modulo 8, then its own bytes. Opcode 6
 * reads a second byte to choose among the rarer operations; _call took
 * the values 0xe6 and 0xee of it, which before it (like the other values
 * with bit 0 clear, bits 1 and 2 set and bit 4 clear) chose
 * has_receivers and which no input of the corpus had used. */
static void run_program_op(void)
{
    ops_left--;
    switch (byte() % 8) {
    case 0:
    case 1:
        op_connect();
        break;
    case 2:
        op_disconnect();
        break;
    case 3:
        op_send();
        break;
    case 4:
        op_post();
        break;
    case 5:
        op_dispatch();
        break;
    case 6: {
        unsigned b = byte();
        if (b & 1)
            op_disconnect_ctx();
        else if ((b & 6) == 2)
            op_block((b & 8) != 0);
        else if ((b & 6) == 4)
            op_connections();
        else if ((b & 6) == 6 && (b & 16))
            op_retained(b);
        else if ((b & 0xf7) == 0xe6)
            op_call();
        else
            op_has_receivers();
        break;
    }
    default:
        op_queue();
        break;
    }
}

/* ------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&m, 0, sizeof m);
    tracing = getenv("SIGNET_FUZZ_TRACE") != NULL;
    in_data = data;
    in_size = size;
    in_at = 0;
    ops_left = MAX_OPS;

    unsigned b = byte();
    signet_bus_options opts = {
        .on_error = on_error,
        .max_receivers = (b & 3) ? 2 + (b & 3) * 2 : 0,
        .queue_capacity = caps[(b >> 2) & 3],
        .overflow = policies[(b >> 4) % 3],
        .block_timeout_ms = 1,
    };
    m.max_receivers = opts.max_receivers ? opts.max_receivers : SIGNET_DEFAULT_MAX_RECEIVERS;
    if (signet_bus_create(&opts, &m.bus) != 0)
        fail("signet_bus_create failed");
    struct mqueue *dq = &m.queues[0];
    dq->exists = true;
    dq->q = signet_bus_queue(m.bus);
    dq->cap = opts.queue_capacity;
    dq->slot = SIGNET_DEFAULT_SLOT_SIZE;
    dq->policy = opts.overflow;
    queue_create(1, byte());
    queue_create(2, byte());

    while (more()) {
        run_program_op();
        check_hook_done();
        check_counters();
    }

    check_counters();
    signet_stats st;
    if (signet_bus_stats(m.bus, &st) != 0)
        fail("signet_bus_stats failed");
    uint64_t posted = m.gone_posted, delivered = m.gone_delivered, dropped = m.gone_dropped,
             evicted = m.gone_evicted, discarded = m.gone_discarded, depth = 0;
    int waiting = 0;
    for (int i = 0; i < NQ; i++) {
        const struct mqueue *q = &m.queues[i];
        if (!q->exists)
            continue;
        posted += q->tail;
        delivered += q->head - q->evicted - q->discarded;
        dropped += q->refused + q->evicted;
        evicted += q->evicted;
        discarded += q->discarded;
        depth += q->tail - q->head;
        waiting += (int)(q->tail - q->head);
    }
    if (st.posted != posted || st.delivered != delivered || st.dropped != dropped ||
        st.evicted != evicted || st.discarded != discarded || st.depth != depth)
        fail("bus stats: posted %llu delivered %llu dropped %llu evicted %llu discarded %llu "
             "depth %u; model %llu %llu %llu %llu %llu %llu",
             (unsigned long long)st.posted, (unsigned long long)st.delivered,
             (unsigned long long)st.dropped, (unsigned long long)st.evicted,
             (unsigned long long)st.discarded, st.depth, (unsigned long long)posted,
             (unsigned long long)delivered, (unsigned long long)dropped,
             (unsigned long long)evicted, (unsigned long long)discarded,
             (unsigned long long)depth);
    if (st.posted != st.delivered + st.evicted + st.discarded + st.depth)
        fail("bus stats do not add up: posted != delivered + evicted + discarded + depth");
    for (int i = 0; i < NQ; i++)
        if (m.queues[i].exists)
            discard_dones(&m.queues[i]);
    int rc = signet_bus_destroy(m.bus);
    if (rc != waiting)
        fail("signet_bus_destroy returned %d discarded, expected %d", rc, waiting);
    check_dones();
    for (int d = 0; d < m.ndones; d++)
        if (!m.dones[d].called)
            fail("completion %d was never called", d);
    return 0;
}
