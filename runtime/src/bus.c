/* bus.c: buses, connections and synchronous emission.
 *
 * Writers (connect, disconnect) serialise on the bus mutex, keep the
 * authoritative connection lists, and after each change publish an immutable
 * per-signal snapshot: the receivers for anonymous emissions, followed by one
 * pre-merged, de-duplicated list per exact sender, found through a small
 * open-addressing table. An emission (signet_emit_begin/next/end) reads the
 * snapshot inside an RCU read section (rcu.h): no lock, no allocation, and a
 * cost that depends only on the receivers that will run. Old snapshots and
 * freed connection slots are reclaimed after a grace period. Queued
 * connections get a snapshot of their own, so an emission pays for queues
 * only when the signal has some (queue.c runs them). The structures are in
 * bus.h. Depends on rcu.c, queue.c and signet.h.
 */
#include "bus.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK_BITS 8
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define RETIRE_BATCH 64              /* writers collect once this many items wait... */
#define RETIRE_BYTES (8u << 20)      /* ...or this much memory */

#define NONE UINT32_MAX

static void replay(signet_bus *bus, struct sigstate *ss, signet_conn conn);
static bool rt_match(const char *f, const char *t);
static bool rt_topic_ok(const signet_signal_info *sig, const char *t);
static bool rt_has_receivers(struct sigstate *ss, const signet_signal_info *sig,
                             const void *sender);

static struct slot *slot_at(const signet_bus *bus, uint32_t i)
{
    return &bus->chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
}

/* ------------------------------------------------------------------------ */
/* Bus lifetime */

int signet_bus_create(const signet_bus_options *opts, signet_bus **out)
{
    if (!out)
        return SIGNET_EINVAL;
    *out = NULL;
    signet__rcu_init();
    signet_bus *bus = calloc(1, sizeof *bus);
    if (!bus)
        return SIGNET_ENOMEM;
    if (opts)
        bus->opts = *opts;
    if (bus->opts.max_receivers == 0)
        bus->opts.max_receivers = SIGNET_DEFAULT_MAX_RECEIVERS;
    if (pthread_mutex_init(&bus->lock, NULL) != 0) {
        free(bus);
        return SIGNET_ENOMEM;
    }
    if (pthread_mutex_init(&bus->retain_lock, NULL) != 0) {
        pthread_mutex_destroy(&bus->lock);
        free(bus);
        return SIGNET_ENOMEM;
    }
    if (bus->opts.retain_topics == 0)
        bus->opts.retain_topics = SIGNET_DEFAULT_RETAIN_TOPICS;
    bus->free_head = NONE;
    bus->pending_head = NONE;
    bus->collect_count = RETIRE_BATCH;
    bus->collect_bytes = RETIRE_BYTES;
    atomic_init(&bus->schemas, NULL);
    if (bus->opts.queue_capacity == 0)
        bus->opts.queue_capacity = SIGNET_DEFAULT_QUEUE_CAPACITY;
    if (bus->opts.slot_size == 0)
        bus->opts.slot_size = SIGNET_DEFAULT_SLOT_SIZE;
    if (bus->opts.overflow == SIGNET_OVERFLOW_DEFAULT)
        bus->opts.overflow = SIGNET_OVERFLOW_DROP_NEWEST;
    if (bus->opts.block_timeout_ms == 0)
        bus->opts.block_timeout_ms = SIGNET_DEFAULT_BLOCK_TIMEOUT_MS;
    int err = signet__queue_new(bus, NULL, &bus->queue);
    if (err) {
        pthread_mutex_destroy(&bus->retain_lock);
        pthread_mutex_destroy(&bus->lock);
        free(bus);
        return err;
    }
    *out = bus;
    return 0;
}

static void free_retired(struct retired *r)
{
    while (r) {
        struct retired *next = r->next;
        free(r); /* the first member of the snapshot or table it heads */
        r = next;
    }
}

/* Retained values of one signal: at most bus->opts.retain_topics concrete
 * topics, each with the deep copy of its last payload. */
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

static void free_retained(struct retained *r)
{
    for (uint32_t i = 0; r && i < r->n; i++) {
        free(r->e[i].topic);
        free(r->e[i].payload);
    }
    free(r);
}

static void free_rtset(struct rtset *set)
{
    uint32_t n = atomic_load_explicit(&set->n, memory_order_relaxed);

    for (uint32_t i = 0; i < n; i++) {
        struct rtpattern *rp = set->p[i];
        free(atomic_load_explicit(&rp->ss.snap, memory_order_relaxed));
        free(atomic_load_explicit(&rp->ss.qsnap, memory_order_relaxed));
        free(rp->ss.conns);
        free(rp->filter);
        free(rp);
    }
    free(set->p);
    free(set);
}

int signet_bus_destroy(signet_bus *bus)
{
    if (!bus)
        return 0;
    if (signet__rcu_nested())
        return SIGNET_EBUSY; /* a running emission would use the freed bus */
    /* Workers first: they read the bus until they are joined. */
    for (signet_queue *q = bus->queues; q; q = signet__queue_next(q))
        signet__queue_close(q);
    for (signet_queue *q = bus->queues; q; q = signet__queue_next(q))
        signet__queue_join(q);
    signet__rcu_synchronize();
    uint32_t discarded = 0;
    for (signet_queue *q = bus->queues, *next; q; q = next) {
        next = signet__queue_next(q);
        discarded += signet__queue_free(q);
    }
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    if (sc) {
        for (uint32_t i = 0; i < sc->n; i++) {
            for (uint32_t k = 0; k < signet__nstates(sc->e[i].schema); k++) {
                free(atomic_load_explicit(&sc->e[i].sigs[k].snap, memory_order_relaxed));
                free(atomic_load_explicit(&sc->e[i].sigs[k].qsnap, memory_order_relaxed));
                free(sc->e[i].sigs[k].conns);
                free_retained(sc->e[i].sigs[k].retained);
            }
            free(sc->e[i].sigs);
            free_rtset(sc->e[i].rt);
        }
        free(sc);
    }
    free_retired(bus->retired);
    for (uint32_t i = 0; i < bus->nchunks; i++)
        free(bus->chunks[i]);
    free(bus->chunks);
    pthread_mutex_destroy(&bus->retain_lock);
    pthread_mutex_destroy(&bus->lock);
    free(bus);
    return (int)(discarded > INT32_MAX ? INT32_MAX : discarded);
}

uint64_t signet_bus_error_count(const signet_bus *bus)
{
    return bus ? atomic_load_explicit(&bus->errors, memory_order_relaxed) : 0;
}

/* Files an unpublished snapshot or schema table for freeing after a grace
 * period (lock held). */
static void retire(signet_bus *bus, struct retired *r, uint64_t tag)
{
    r->tag = tag;
    r->next = bus->retired;
    bus->retired = r;
    bus->nretired++;
    bus->retired_bytes += r->size;
}

static bool backlog(const signet_bus *bus)
{
    return bus->nretired >= bus->collect_count || bus->retired_bytes >= bus->collect_bytes;
}

/* Frees the retired snapshots and schema tables, and makes reusable the
 * pending slots, that no read section can reach any more. With wait, it
 * first waits for a grace period (never inside a read section: it would wait
 * for itself); without, it takes what is already safe, which from inside a
 * receiver is what was retired before the caller's own emission began. Call
 * without the bus lock. */
static void collect(signet_bus *bus, bool wait)
{
    pthread_mutex_lock(&bus->lock);
    struct retired *list = bus->retired;
    uint32_t pending = bus->pending_head;
    bus->retired = NULL;
    bus->nretired = 0;
    bus->retired_bytes = 0;
    bus->pending_head = NONE;
    pthread_mutex_unlock(&bus->lock);

    uint64_t safe = wait ? signet__rcu_synchronize() : signet__rcu_quiescent();
    struct retired *keep = NULL;
    while (list) {
        struct retired *next = list->next;
        if (list->tag <= safe) {
            free(list);
        } else {
            list->next = keep;
            keep = list;
        }
        list = next;
    }

    pthread_mutex_lock(&bus->lock);
    while (keep) {
        struct retired *next = keep->next;
        retire(bus, keep, keep->tag);
        keep = next;
    }
    while (pending != NONE) {
        struct slot *s = slot_at(bus, pending);
        uint32_t next = s->next_free;
        uint32_t *to = s->retired_tag <= safe ? &bus->free_head : &bus->pending_head;
        s->next_free = *to;
        *to = pending;
        pending = next;
    }
    /* What could not be freed yet (retired during a running emission) is
     * not worth another look until the backlog has doubled. */
    bus->collect_count = RETIRE_BATCH + 2 * bus->nretired;
    bus->collect_bytes = RETIRE_BYTES + 2 * bus->retired_bytes;
    pthread_mutex_unlock(&bus->lock);
}

/* After a writer's change: a disconnect outside any receiver waits for the
 * grace period it promises; otherwise memory is collected when enough has
 * piled up, without waiting when called from inside a receiver. */
static void after_write(signet_bus *bus, bool disconnected)
{
    bool nested = signet__rcu_nested();

    if (disconnected && !nested) {
        collect(bus, true);
        return;
    }
    pthread_mutex_lock(&bus->lock);
    bool full = backlog(bus);
    pthread_mutex_unlock(&bus->lock);
    if (full)
        collect(bus, false);
}

/* ------------------------------------------------------------------------ */
/* Snapshots (called with the bus lock held) */

/* Takes ss->conns[i] off its signal (lock held): the connection stops
 * running at once, its handle goes stale, and the slot is reused only once
 * no snapshot names it and a grace period has passed. */
static void release_slot(signet_bus *bus, struct sigstate *ss, uint32_t i)
{
    uint32_t index = ss->conns[i];
    struct slot *s = slot_at(bus, index);

    __atomic_store_n(&s->live, 0, __ATOMIC_RELEASE);
    s->used = false;
    if (++s->generation == 0)
        s->generation = 1;
    /* The published snapshots still name it until the next rebuild of this
     * signal succeeds; only then may it head for reuse. */
    s->next_free = ss->zombies;
    ss->zombies = index;
    ss->conns[i] = ss->conns[--ss->nconns];
}

/* Rank order: higher priority first, then connection order. */
static int rank_cmp(const struct slot *x, const struct slot *y)
{
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int by_rank(const void *a, const void *b)
{
    return rank_cmp(*(struct slot *const *)a, *(struct slot *const *)b);
}

static int by_sender_rank(const void *a, const void *b)
{
    const struct slot *x = *(struct slot *const *)a, *y = *(struct slot *const *)b;

    if (x->sender != y->sender)
        return (uintptr_t)x->sender < (uintptr_t)y->sender ? -1 : 1;
    return rank_cmp(x, y);
}

/* Writes connection s as entry i of snap. */
static void put_recv(struct snap *snap, uint32_t i, struct slot *s)
{
    snap->recv[i] = (signet_recv){
        .fn = s->fn,
        .ctx = s->ctx,
        .state_ = &s->live,
        .conn = {s->index, s->generation},
    };
    snap->qi[i] = (struct qinfo){s->queue, s->order};
}

/* Does list[0, n) hold the same (fn, ctx) ranked before s? A run-once
 * connection is nobody's twin: once it has fired, the other connection must
 * run, and nothing rebuilds the snapshot when it fires. */
#define NO_TWIN (SIGNET_ONCE | SIGNET_CHANGED)

static bool earlier_twin(struct slot *const *list, uint32_t n, const struct slot *s)
{
    if (s->flags & NO_TWIN)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (list[i]->fn == s->fn && list[i]->ctx == s->ctx && !(list[i]->flags & NO_TWIN) &&
            rank_cmp(list[i], s) < 0)
            return true;
    return false;
}

/* Drops run-once connections that have fired from the signal's list: their
 * slots wait for a grace period like any disconnected slot. */
static void drop_fired(signet_bus *bus, struct sigstate *ss)
{
    for (uint32_t i = 0; i < ss->nconns;) {
        struct slot *s = slot_at(bus, ss->conns[i]);
        if (__atomic_load_n(&s->live, __ATOMIC_ACQUIRE))
            i++;
        else
            release_slot(bus, ss, i);
    }
}

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* Builds a snapshot of the connections list[0, n) into *out (NULL when n is
 * 0). Receivers connected for SIGNET_ANY come first (recv[0, nany)); then,
 * per exact sender, the merge of the anonymous list and that sender's
 * receivers in rank order, where a receiver connected both ways appears
 * once, at its earlier rank, followed by the twins so left out (for
 * queued messages older than the earlier one: see run_list() in queue.c). */
static int build(struct slot *const *list, uint32_t n, uint64_t order_end, struct snap **out)
{
    struct snap *snap = NULL;

    *out = NULL;
    if (n == 0)
        return 0;
    struct slot **any = malloc(sizeof *any * n * 3);
    if (!any)
        return SIGNET_ENOMEM;
    struct slot **exact = any + n, **hidden = any + 2 * n;
    uint32_t nany = 0, nexact = 0, nsenders = 0;

    for (uint32_t i = 0; i < n; i++) {
        struct slot *s = list[i];
        if (s->sender)
            exact[nexact++] = s;
        else
            any[nany++] = s;
    }
    qsort(any, nany, sizeof *any, by_rank);
    qsort(exact, nexact, sizeof *exact, by_sender_rank);
    for (uint32_t i = 0; i < nexact; i++)
        nsenders += i == 0 || exact[i]->sender != exact[i - 1]->sender;

    uint32_t nbuckets = 0, shift = 64;
    if (nsenders) {
        for (nbuckets = 4, shift = 62; nbuckets < nsenders * 2; nbuckets <<= 1)
            shift--;
    }
    size_t nrecv = nany + nexact + (size_t)nsenders * nany;
    size_t qi_at = align_up(sizeof *snap + nrecv * sizeof(signet_recv), _Alignof(struct qinfo));
    size_t buckets_at = align_up(qi_at + nrecv * sizeof(struct qinfo), _Alignof(struct bucket));
    snap = calloc(1, buckets_at + nbuckets * sizeof(struct bucket));
    if (!snap) {
        free(any);
        return SIGNET_ENOMEM;
    }
    snap->retired.size = buckets_at + nbuckets * sizeof(struct bucket);
    snap->nany = nany;
    snap->nbuckets = nbuckets;
    snap->shift = shift;
    snap->order_end = order_end;
    snap->qi = (struct qinfo *)((char *)snap + qi_at);
    snap->buckets = nbuckets ? (struct bucket *)((char *)snap + buckets_at) : NULL;

    uint32_t out_n = 0;
    for (uint32_t i = 0; i < nany; i++)
        put_recv(snap, out_n++, any[i]);
    for (uint32_t g = 0, end; g < nexact; g = end) {
        const void *sender = exact[g]->sender;
        for (end = g; end < nexact && exact[end]->sender == sender; end++)
            ;
        uint32_t off = out_n, a = 0, x = g, nhidden = 0;
        while (a < nany || x < end) {
            bool take_any = x == end || (a < nany && rank_cmp(any[a], exact[x]) < 0);
            struct slot *s = take_any ? any[a++] : exact[x++];
            bool twin = take_any ? earlier_twin(exact + g, end - g, s) : earlier_twin(any, nany, s);
            if (twin)
                hidden[nhidden++] = s;
            else
                put_recv(snap, out_n++, s);
        }
        uint32_t nvisible = out_n - off;
        for (uint32_t i = 0; i < nhidden; i++)
            put_recv(snap, out_n++, hidden[i]);
        uint32_t h = signet__hash_sender(sender, shift);
        while (snap->buckets[h].sender)
            h = (h + 1) & (nbuckets - 1);
        snap->buckets[h] = (struct bucket){sender, off, nvisible, nhidden};
    }
    free(any);
    *out = snap;
    return 0;
}

/* Publishes snap in *at; returns the snapshot it replaces (lock held). */
static struct snap *publish(_Atomic(struct snap *) *at, struct snap *snap)
{
    struct snap *old = atomic_load_explicit(at, memory_order_relaxed);

    atomic_store_explicit(at, snap, memory_order_seq_cst);
    return old;
}

/* A pattern's subscription list became active (it has a published
 * snapshot) or inactive: tells the signals it can match (lock held). The
 * snapshot is published before the count goes up, so an emission that sees
 * the count sees the snapshot. */
static void note_pattern_active(struct sigstate *ps, bool active)
{
    uint32_t was = atomic_load_explicit(&ps->active_patterns, memory_order_relaxed);

    if (was == (uint32_t)active)
        return;
    atomic_store_explicit(&ps->active_patterns, active, memory_order_relaxed);
    struct sigstate *base = ps - ps->info->id; /* the schema's states */
    for (uint32_t i = 0; i < ps->info->nlinks; i++) {
        _Atomic uint32_t *count = &base[ps->info->links[i]].active_patterns;
        if (active)
            atomic_fetch_add_explicit(count, 1, memory_order_seq_cst);
        else
            atomic_fetch_sub_explicit(count, 1, memory_order_seq_cst);
    }
}

/* The same for a run-time pattern, which can match any signal of its
 * schema: every signal's count, and the schema's, follow it. */
static void note_runtime_active(struct sigstate *ps, bool active)
{
    uint32_t was = atomic_load_explicit(&ps->active_patterns, memory_order_relaxed);

    if (was == (uint32_t)active)
        return;
    atomic_store_explicit(&ps->active_patterns, active, memory_order_relaxed);
    struct rtset *set = ps->rt;
    if (active)
        atomic_fetch_add_explicit(&set->active, 1, memory_order_seq_cst);
    else
        atomic_fetch_sub_explicit(&set->active, 1, memory_order_seq_cst);
    for (uint32_t i = 0; i < set->nsignals; i++) {
        if (active)
            atomic_fetch_add_explicit(&set->sigs[i].active_patterns, 1, memory_order_seq_cst);
        else
            atomic_fetch_sub_explicit(&set->sigs[i].active_patterns, 1, memory_order_seq_cst);
    }
}

/* Builds and publishes the signal's two snapshots, direct receivers and
 * queued connections, from its connection list, and retires the old ones
 * together with the slots only they named. On failure nothing changes. */
static int rebuild(signet_bus *bus, struct sigstate *ss)
{
    drop_fired(bus, ss);
    uint32_t n = ss->nconns, ndirect = 0, nqueued = 0;
    struct slot **list = NULL;

    if (n) {
        list = malloc(sizeof *list * n);
        if (!list)
            return SIGNET_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct slot *s = slot_at(bus, ss->conns[i]);
        if (s->queue)
            list[n - ++nqueued] = s;
        else
            list[ndirect++] = s;
    }
    struct snap *snap, *qsnap = NULL;
    int err = build(list, ndirect, bus->next_order, &snap);
    /* list is NULL when the signal has no connection left: no offset on it. */
    if (!err &&
        (err = build(list ? list + ndirect : NULL, nqueued, bus->next_order, &qsnap)) != 0)
        free(snap);
    free(list);
    if (err)
        return err; /* the old snapshots stay published, and so do the zombies */
    struct snap *old = publish(&ss->snap, snap), *qold = publish(&ss->qsnap, qsnap);
    if (ss->info->flags & SIGNET__SIGNAL_RUNTIME)
        note_runtime_active(ss, snap || qsnap);
    else if (ss->info->flags & SIGNET_SIGNAL_PATTERN)
        note_pattern_active(ss, snap || qsnap);
    uint64_t tag = signet__rcu_advance();
    if (old)
        retire(bus, &old->retired, tag);
    if (qold)
        retire(bus, &qold->retired, tag);
    while (ss->zombies != NONE) {
        struct slot *s = slot_at(bus, ss->zombies);
        ss->zombies = s->next_free;
        s->retired_tag = tag;
        s->next_free = bus->pending_head;
        bus->pending_head = s->index;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Connections */

/* A signal or a pattern of its schema. */
static bool valid_signal(const signet_signal_info *sig)
{
    const signet_schema_info *sc = sig->schema;

    if (!sc)
        return false;
    if (sig->id < sc->signal_count)
        return &sc->signals[sig->id] == sig;
    return sig->id - sc->signal_count < sc->pattern_count &&
           &sc->patterns[sig->id - sc->signal_count] == sig;
}

/* Does a payload of this type hold strings (which posts copy)? */
static bool has_strings(const signet_struct_info *si)
{
    for (uint32_t i = 0; si && i < si->field_count; i++) {
        const signet_field_info *f = &si->fields[i];
        if (f->type == SIGNET_TYPE_STR ||
            (f->type == SIGNET_TYPE_STRUCT && has_strings(f->struct_info)))
            return true;
    }
    return false;
}

/* The signal's state, adding its schema to the bus on first use (lock held). */
static struct sigstate *sigstate_for(signet_bus *bus, const signet_signal_info *sig, int *err)
{
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    uint32_t n = sc ? sc->n : 0;

    for (uint32_t i = 0; i < n; i++)
        if (sc->e[i].schema == sig->schema)
            return &sc->e[i].sigs[sig->id];

    struct schemas *grown = malloc(sizeof *grown + (n + 1) * sizeof grown->e[0]);
    uint32_t nstates = signet__nstates(sig->schema);
    struct sigstate *sigs = calloc(nstates, sizeof *sigs);
    struct rtset *rt = calloc(1, sizeof *rt);
    if (!grown || !sigs || !rt) {
        free(grown);
        free(sigs);
        free(rt);
        *err = SIGNET_ENOMEM;
        return NULL;
    }
    for (uint32_t k = 0; k < nstates; k++) {
        uint32_t nsig = sig->schema->signal_count;
        sigs[k].info = k < nsig ? &sig->schema->signals[k] : &sig->schema->patterns[k - nsig];
        atomic_init(&sigs[k].active_patterns, 0);
        sigs[k].rt = rt;
        sigs[k].deep = has_strings(sigs[k].info->payload);
        sigs[k].zombies = NONE;
        atomic_init(&sigs[k].snap, NULL);
        atomic_init(&sigs[k].qsnap, NULL);
        atomic_init(&sigs[k].dropped, 0);
    }
    grown->retired = (struct retired){NULL, 0, sizeof *grown + (n + 1) * sizeof grown->e[0]};
    grown->n = n + 1;
    if (n)
        memcpy(grown->e, sc->e, n * sizeof sc->e[0]);
    atomic_init(&rt->n, 0);
    atomic_init(&rt->active, 0);
    rt->sigs = sigs;
    rt->nsignals = sig->schema->signal_count;
    grown->e[n] = (struct schema_entry){sig->schema, sigs, rt};
    atomic_store_explicit(&bus->schemas, grown, memory_order_seq_cst);
    if (sc) {
        retire(bus, &sc->retired, signet__rcu_advance());
    }
    return &sigs[sig->id];
}

static uint32_t alloc_slot(signet_bus *bus)
{
    if (bus->free_head != NONE) {
        uint32_t i = bus->free_head;
        bus->free_head = slot_at(bus, i)->next_free;
        return i;
    }
    if (bus->nslots == bus->nchunks * CHUNK_SIZE) {
        if (bus->nchunks == NONE >> CHUNK_BITS)
            return NONE;
        struct slot **chunks = realloc(bus->chunks, (bus->nchunks + 1) * sizeof *chunks);
        if (!chunks)
            return NONE;
        bus->chunks = chunks;
        chunks[bus->nchunks] = calloc(CHUNK_SIZE, sizeof(struct slot));
        if (!chunks[bus->nchunks])
            return NONE;
        for (uint32_t i = 0; i < CHUNK_SIZE; i++) {
            chunks[bus->nchunks][i].generation = 1;
            chunks[bus->nchunks][i].index = bus->nchunks * CHUNK_SIZE + i;
        }
        bus->nchunks++;
    }
    return bus->nslots++;
}

static int grow_conns(struct sigstate *ss)
{
    if (ss->nconns < ss->cap)
        return 0;
    uint32_t cap = ss->cap ? ss->cap * 2 : 4;
    uint32_t *conns = realloc(ss->conns, cap * sizeof *conns);
    if (!conns)
        return SIGNET_ENOMEM;
    ss->conns = conns;
    ss->cap = cap;
    return 0;
}

static int connect_common(signet_bus *bus, const signet_signal_info *sig, const char *filter,
                          signet_fnptr *fn, void *ctx, const void *sender,
                          const signet_connect_opts *opts, signet_conn *out);

#define CONNECT_FLAGS (SIGNET_ONCE | SIGNET_REPLAY | SIGNET_CHANGED)

int signet_connect(signet_bus *bus, const signet_signal_info *sig, signet_fnptr *fn, void *ctx,
                   const void *sender, const signet_connect_opts *opts, signet_conn *out)
{
    if (!bus || !sig || !fn || !out)
        return SIGNET_EINVAL;
    if (!sig->schema || sig->schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (!valid_signal(sig))
        return SIGNET_EINVAL;
    if (opts && (opts->flags & ~CONNECT_FLAGS))
        return SIGNET_EINVAL;
    if (opts && (opts->flags & (SIGNET_REPLAY | SIGNET_CHANGED)) &&
        !(sig->flags & (SIGNET_SIGNAL_RETAIN | SIGNET_SIGNAL_PATTERN)))
        return SIGNET_EINVAL; /* nothing is retained for this signal */
    if (opts && opts->queue && !sig->invoke)
        return SIGNET_EINVAL; /* a queued receiver is called through invoke */
    return connect_common(bus, sig, NULL, fn, ctx, sender, opts, out);
}

/* The run-time pattern filter[0, len) of schema on this bus, created on
 * first use (lock held). */
static struct sigstate *rt_state_for(signet_bus *bus, const signet_signal_info *first,
                                     const char *filter, size_t len, int *err)
{
    struct sigstate *ss = sigstate_for(bus, first, err);
    if (!ss)
        return NULL;
    struct rtset *set = ss->rt;
    uint32_t n = atomic_load_explicit(&set->n, memory_order_relaxed);
    for (uint32_t i = 0; i < n; i++)
        if (strlen(set->p[i]->filter) == len && memcmp(set->p[i]->filter, filter, len) == 0)
            return &set->p[i]->ss;
    if (n == SIGNET__RT_PATTERNS_MAX) {
        *err = SIGNET_ELIMIT;
        return NULL;
    }
    if (!set->p && !(set->p = calloc(SIGNET__RT_PATTERNS_MAX, sizeof *set->p))) {
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
    rp->set = set;
    rp->info = (signet_signal_info){
        .name = copy,
        .id = UINT32_MAX,
        .topic = copy,
        .schema = first->schema,
        .invoke = signet_invoke_generic,
        .flags = SIGNET_SIGNAL_PATTERN | SIGNET__SIGNAL_RUNTIME,
    };
    rp->ss.info = &rp->info;
    rp->ss.rt = set;
    rp->ss.zombies = NONE;
    atomic_init(&rp->ss.snap, NULL);
    atomic_init(&rp->ss.qsnap, NULL);
    atomic_init(&rp->ss.dropped, 0);
    atomic_init(&rp->ss.active_patterns, 0);
    set->p[n] = rp;
    atomic_store_explicit(&set->n, n + 1, memory_order_release);
    return &rp->ss;
}

/* Connects to sig, or, with filter, to that run-time pattern of sig's
 * schema (sig is then its first signal). */
static int connect_common(signet_bus *bus, const signet_signal_info *sig, const char *filter,
                          signet_fnptr *fn, void *ctx, const void *sender,
                          const signet_connect_opts *opts, signet_conn *out)
{
    int err = 0;
    struct sigstate *ss = NULL;
    signet_queue *queue = opts ? opts->queue : NULL;
    pthread_mutex_lock(&bus->lock);
    if (queue) {
        /* Only a live queue of this bus. */
        signet_queue *q = bus->queues;
        while (q && q != queue)
            q = signet__queue_next(q);
        if (!q) {
            err = SIGNET_EINVAL;
            goto unlock;
        }
    }
    ss = filter ? rt_state_for(bus, sig, filter, strlen(filter), &err)
                : sigstate_for(bus, sig, &err);
    if (!ss)
        goto unlock;
    for (uint32_t i = 0; i < ss->nconns; i++) {
        struct slot *s = slot_at(bus, ss->conns[i]);
        if (s->fn == fn && s->ctx == ctx && s->sender == sender &&
            __atomic_load_n(&s->live, __ATOMIC_ACQUIRE)) {
            *out = (signet_conn){ss->conns[i], s->generation};
            err = SIGNET_EXISTING;
            goto unlock;
        }
    }
    drop_fired(bus, ss); /* fired run-once connections do not count */
    if (ss->nconns >= bus->opts.max_receivers) {
        err = SIGNET_ELIMIT;
        goto unlock;
    }
    if ((err = grow_conns(ss)) != 0)
        goto unlock;
    uint32_t index = alloc_slot(bus);
    if (index == NONE) {
        err = SIGNET_ENOMEM;
        goto unlock;
    }
    struct slot *s = slot_at(bus, index);
    s->used = true;
    s->sig = ss;
    s->fn = fn;
    s->ctx = ctx;
    s->sender = sender;
    s->queue = queue;
    s->priority = opts ? opts->priority : 0;
    s->flags = opts ? opts->flags : 0;
    s->order = bus->next_order++;
    uint32_t live = (s->flags & SIGNET_CHANGED)
                        ? ((s->flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE_CHANGED : SIGNET__LIVE_CHANGED)
                        : ((s->flags & SIGNET_ONCE) ? SIGNET__LIVE_ONCE : SIGNET__LIVE);
    __atomic_store_n(&s->live, live, __ATOMIC_RELEASE);
    ss->conns[ss->nconns++] = index;
    if ((err = rebuild(bus, ss)) != 0) {
        /* Roll back: the slot was never published. rebuild may have moved
         * entries, so it is found by value. */
        for (uint32_t i = 0; i < ss->nconns; i++) {
            if (ss->conns[i] == index) {
                ss->conns[i] = ss->conns[--ss->nconns];
                break;
            }
        }
        s->live = 0;
        s->used = false;
        s->next_free = bus->free_head;
        bus->free_head = index;
        goto unlock;
    }
    *out = (signet_conn){index, s->generation};

unlock:
    pthread_mutex_unlock(&bus->lock);
    after_write(bus, false);
    if (err == 0 && opts && (opts->flags & SIGNET_REPLAY))
        replay(bus, ss, *out);
    return err;
}

/* Publishes a snapshot without the removed connections. If that cannot be
 * allocated the old snapshot stays: its removed entries are dead (live is
 * 0) and skipped, and their slots stay zombies, never reused, until a later
 * rebuild of the signal succeeds. Only memory is affected. */
static void republish(signet_bus *bus, struct sigstate *ss)
{
    (void)rebuild(bus, ss);
}

int signet_disconnect(signet_bus *bus, signet_conn conn)
{
    if (!bus)
        return SIGNET_EINVAL;
    int err = SIGNET_ENOENT;
    pthread_mutex_lock(&bus->lock);
    if (conn.index < bus->nslots) {
        struct slot *s = slot_at(bus, conn.index);
        if (s->used && s->generation == conn.generation) {
            /* A run-once receiver that already ran is disconnected already. */
            err = __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) ? 0 : SIGNET_ENOENT;
            struct sigstate *ss = s->sig;
            for (uint32_t i = 0; i < ss->nconns; i++) {
                if (ss->conns[i] == conn.index) {
                    release_slot(bus, ss, i);
                    break;
                }
            }
            republish(bus, ss);
        }
    }
    pthread_mutex_unlock(&bus->lock);
    after_write(bus, true);
    return err;
}

int signet_disconnect_ctx(signet_bus *bus, const void *ctx)
{
    if (!bus)
        return SIGNET_EINVAL;
    int count = 0;
    pthread_mutex_lock(&bus->lock);
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    for (uint32_t i = 0; sc && i < sc->n; i++) {
        uint32_t nstates = signet__nstates(sc->e[i].schema);
        uint32_t nrt = atomic_load_explicit(&sc->e[i].rt->n, memory_order_relaxed);
        for (uint32_t k = 0; k < nstates + nrt; k++) {
            struct sigstate *ss = k < nstates ? &sc->e[i].sigs[k] : &sc->e[i].rt->p[k - nstates]->ss;
            bool changed = false;
            for (uint32_t c = 0; c < ss->nconns;) {
                struct slot *s = slot_at(bus, ss->conns[c]);
                if (s->ctx != ctx) {
                    c++;
                    continue;
                }
                count += __atomic_load_n(&s->live, __ATOMIC_ACQUIRE) != 0;
                release_slot(bus, ss, c); /* moves the last entry into position c */
                changed = true;
            }
            if (changed)
                republish(bus, ss);
        }
    }
    pthread_mutex_unlock(&bus->lock);
    after_write(bus, true);
    return count;
}

void signet__bus_unbind(signet_bus *bus, signet_queue *q)
{
    pthread_mutex_lock(&bus->lock);
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    for (uint32_t i = 0; sc && i < sc->n; i++) {
        uint32_t nstates = signet__nstates(sc->e[i].schema);
        uint32_t nrt = atomic_load_explicit(&sc->e[i].rt->n, memory_order_relaxed);
        for (uint32_t k = 0; k < nstates + nrt; k++) {
            struct sigstate *ss = k < nstates ? &sc->e[i].sigs[k] : &sc->e[i].rt->p[k - nstates]->ss;
            bool changed = false;
            for (uint32_t c = 0; c < ss->nconns;) {
                if (slot_at(bus, ss->conns[c])->queue != q) {
                    c++;
                    continue;
                }
                release_slot(bus, ss, c); /* moves the last entry into position c */
                changed = true;
            }
            if (changed)
                republish(bus, ss);
        }
    }
    pthread_mutex_unlock(&bus->lock);
    after_write(bus, true);
}

/* ------------------------------------------------------------------------ */
/* Retained values */

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
        if ((copy = malloc(size)) != NULL)
            signet__payload_copy(sig->payload, copy, payload);
        else
            keep = false;
    }
    bool found = false, unchanged = false;
    pthread_mutex_lock(&bus->retain_lock);
    struct retained *r = ss->retained;
    uint32_t at = r ? r->n : 0;
    for (uint32_t i = 0; topic && r && i < r->n; i++) {
        if (strcmp(r->e[i].topic, topic) == 0) {
            at = i;
            found = true;
            break;
        }
    }
    if (found) {
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
    if (ss)
        return ss;
    int err = 0;
    pthread_mutex_lock(&bus->lock);
    ss = sigstate_for(bus, sig, &err);
    pthread_mutex_unlock(&bus->lock);
    return ss;
}

/* signet_emit_begin's part for a retained signal (in the read section). */
__attribute__((noinline)) static struct sigstate *retain_emit(signet_emission *em,
                                                              struct sigstate *ss)
{
    void *prev;

    /* The caller sets SIGNET__EMIT_COLD | SIGNET__EMIT_RETAINED. */
    em->qerr_ = 0;
    em->unchanged_ = false;
    em->ev.previous_ = NULL;
    ss = retain_state(em->ev.bus, em->ev.signal, ss);
    if (!ss)
        return NULL;
    em->unchanged_ = retain_update(em->ev.bus, ss, em->ev.sender, em->ev.payload_, &prev);
    em->ev.previous_ = prev;
    return ss;
}

struct sigstate *signet__retain_post(signet_bus *bus, const signet_signal_info *sig,
                                     const void *payload, struct sigstate *ss, bool *unchanged)
{
    void *prev;

    ss = retain_state(bus, sig, ss);
    if (!ss)
        return NULL;
    *unchanged = retain_update(bus, ss, NULL, payload, &prev);
    free(prev);
    return ss;
}

const void *signet_event_previous(const signet_event *ev)
{
    /* Every event is the first member of an emission. */
    const signet_emission *em = (const signet_emission *)ev;
    return em && (em->patterns_ & SIGNET__EMIT_RETAINED) ? ev->previous_ : NULL;
}

/* One retained payload to replay. */
struct replayed {
    uint64_t seq;
    const signet_signal_info *sig;
    const void *sender;
    void *payload;
};

static int by_seq(const void *a, const void *b)
{
    const struct replayed *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copies the retained values of signal k of ss's schema that a connection
 * to ss (filter: its pattern, NULL for the signal itself) from sender gets
 * into *list (retain_lock held). */
static void collect_retained(struct sigstate *sigs, uint32_t k, const char *filter,
                             const void *sender, struct replayed **list, size_t *n, size_t *cap)
{
    struct retained *r = sigs[k].retained;
    const signet_signal_info *sig = sigs[k].info;

    for (uint32_t i = 0; r && i < r->n; i++) {
        const struct rentry *e = &r->e[i];
        if ((sender && e->sender != sender) ||
            (filter && !(rt_topic_ok(sig, e->topic) && rt_match(filter, e->topic))))
            continue;
        if (*n == *cap) {
            size_t grown = *cap ? *cap * 2 : 16;
            struct replayed *l = realloc(*list, grown * sizeof *l);
            if (!l)
                return;
            *list = l;
            *cap = grown;
        }
        void *copy = NULL;
        if (e->payload) {
            size_t size = signet__payload_bytes(sig->payload, e->payload);
            if (!(copy = malloc(size)))
                return;
            signet__payload_copy(sig->payload, copy, e->payload);
        }
        (*list)[(*n)++] = (struct replayed){e->seq, sig, e->sender, copy};
    }
}

/* SIGNET_REPLAY: calls the new connection conn (to ss) with every retained
 * payload it would have received, oldest first, on this thread. Stops when
 * it returns SIGNET_STOP or is disconnected. Outside any lock. */
static void replay(signet_bus *bus, struct sigstate *ss, signet_conn conn)
{
    const signet_signal_info *info = ss->info;
    struct slot *slot = slot_at(bus, conn.index);
    struct sigstate *sigs = ss->rt->sigs;
    const char *filter = (info->flags & SIGNET_SIGNAL_PATTERN) ? info->topic : NULL;
    const void *sender = slot->sender;
    struct replayed *list = NULL;
    size_t n = 0, cap = 0;

    pthread_mutex_lock(&bus->retain_lock);
    if (!filter)
        collect_retained(sigs, info->id, NULL, sender, &list, &n, &cap);
    else if (info->flags & SIGNET__SIGNAL_RUNTIME)
        for (uint32_t k = 0; k < ss->rt->nsignals; k++)
            collect_retained(sigs, k, filter, sender, &list, &n, &cap);
    else
        for (uint32_t i = 0; i < info->nlinks; i++)
            collect_retained(sigs, info->links[i], filter, sender, &list, &n, &cap);
    pthread_mutex_unlock(&bus->retain_lock);
    if (n)
        qsort(list, n, sizeof *list, by_seq);

    signet_recv r = {slot->fn, slot->ctx, &slot->live, conn};
    for (size_t i = 0; i < n; i++) {
        signet_emission em = {0};
        em.ev = (signet_event){.sender = list[i].sender, .signal = list[i].sig, .bus = bus,
                               .pattern = filter ? info : NULL, .payload_ = list[i].payload};
        if (slot->generation != conn.generation || !signet_emit_claim(&em, &r))
            break;
        if (signet_emit_stop(&em, info->invoke(&r, &em.ev, list[i].payload)))
            break;
    }
    for (size_t i = 0; i < n; i++)
        free(list[i].payload);
    free(list);
}

/* ------------------------------------------------------------------------ */
/* Emission */

/* A thread's first emission registers it for RCU, then starts over; a tail
 * call, so the common path below calls nothing. */
__attribute__((noinline, cold)) static int begin_registering(signet_emission *em, signet_bus *bus,
                                                             const signet_signal_info *sig,
                                                             const void *sender, const void *payload)
{
    signet__rcu_register();
    return signet_emit_begin(em, bus, sig, sender, payload);
}

int signet_emit_begin(signet_emission *em, signet_bus *bus, const signet_signal_info *sig,
                      const void *sender, const void *payload)
{
    if (__builtin_expect(bus == NULL, 0) || __builtin_expect(sig == NULL, 0) ||
        __builtin_expect(payload == NULL && sig->payload != NULL, 0))
        return SIGNET_EINVAL;
    if (__builtin_expect(!signet__rcu_registered(), 0))
        return begin_registering(em, bus, sig, sender, payload);
    em->outermost_ = signet__rcu_lock();
    struct sigstate *ss = signet__sigstate(bus, sig);

    em->ev.sender = sender;
    em->ev.signal = sig;
    em->ev.bus = bus;
    em->ev.pattern = NULL;
    em->ev.payload_ = payload;
    em->ev.seq_ = 0;
    em->ev.time_ns_ = 0;
    em->begin = NULL;
    em->end = NULL;
    em->queued_ = NULL;
    uint8_t flags = 0;
    if (__builtin_expect((sig->flags & SIGNET_SIGNAL_RETAIN) != 0, 0)) {
        ss = retain_emit(em, ss);
        flags = SIGNET__EMIT_COLD | SIGNET__EMIT_RETAINED;
    }
    if (ss) {
        if (atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0)
            flags |= SIGNET__EMIT_PATTERNS;
        struct snap *s = atomic_load_explicit(&ss->snap, memory_order_seq_cst);
        if (s)
            signet__receivers(s, sender, &em->begin, &em->end);
        em->queued_ = atomic_load_explicit(&ss->qsnap, memory_order_seq_cst);
    }
    em->patterns_ = flags;
    return 0;
}

/* signet_emit_end() for an emission with pattern subscribers or retained
 * values. */
__attribute__((noinline)) static int end_slow(signet_emission *em, int ran)
{
    if ((em->patterns_ & (SIGNET__EMIT_PATTERNS | SIGNET__EMIT_DONE)) == SIGNET__EMIT_PATTERNS)
        ran += signet_emit_patterns(em, NULL, 0); /* the run-time patterns */
    if (em->queued_ != NULL) {
        int rc = signet__enqueue_emission(em);
        if (rc < 0)
            ran = rc;
    }
    if (em->patterns_ & SIGNET__EMIT_COLD) {
        if (em->qerr_ < 0)
            ran = em->qerr_;
        if (em->patterns_ & SIGNET__EMIT_RETAINED)
            free((void *)em->ev.previous_);
    }
    signet__rcu_unlock(em->outermost_);
    return ran;
}

/* Runs one pattern's subscribers (snapshot s) for the emission, each
 * through invoke; counts them in *ran. True when one returned SIGNET_STOP. */
static bool run_pattern(signet_emission *em, const struct snap *s,
                        const signet_signal_info *pattern, signet_invoke_fn *invoke, int *ran)
{
    const signet_recv *r, *end;
    bool stopped = false;

    em->ev.pattern = pattern;
    signet__receivers(s, em->ev.sender, &r, &end);
    for (; r != end; r++) {
        if (!signet_emit_claim(em, r))
            continue;
        ++*ran;
        if (signet_emit_stop(em, invoke(r, &em->ev, em->ev.payload_))) {
            stopped = true;
            break;
        }
    }
    em->ev.pattern = NULL;
    return stopped;
}

int signet_emit_end(signet_emission *em, int ran)
{
    if (__builtin_expect(em->patterns_ != 0, 0))
        return end_slow(em, ran);
    if (__builtin_expect(em->queued_ != NULL, 0)) {
        int rc = signet__enqueue_emission(em);
        if (rc < 0)
            ran = rc;
    }
    signet__rcu_unlock(em->outermost_);
    return ran;
}

int signet_emit_patterns(signet_emission *em, const uint32_t *ids, uint32_t n)
{
    const signet_signal_info *sig = em->ev.signal;
    struct sigstate *ss = em->ss_ = signet__sigstate(em->ev.bus, sig);
    int ran = 0;

    if (!ss || !(ids || n == 0))
        return 0;
    if (!(em->patterns_ & SIGNET__EMIT_COLD)) {
        em->patterns_ |= SIGNET__EMIT_COLD;
        em->qerr_ = 0;
    }
    em->patterns_ |= SIGNET__EMIT_DONE;
    bool stopped = (em->patterns_ & SIGNET__EMIT_STOPPED) != 0;
    /* The signal's queued connections first, as without patterns. */
    if (em->queued_) {
        int rc = signet__enqueue_emission(em);
        em->queued_ = NULL;
        if (rc < 0 && !em->qerr_)
            em->qerr_ = rc;
    }
    struct sigstate *base = ss - sig->id;
    const signet_schema_info *schema = sig->schema;
    for (uint32_t i = 0; i < n; i++) {
        if (ids[i] >= schema->pattern_count)
            continue;
        struct sigstate *ps = &base[schema->signal_count + ids[i]];
        struct snap *s = atomic_load_explicit(&ps->snap, memory_order_seq_cst);
        struct snap *q = atomic_load_explicit(&ps->qsnap, memory_order_seq_cst);
        if (s && !stopped)
            stopped = run_pattern(em, s, ps->info, ps->info->invoke, &ran);
        if (q) {
            int rc = signet__post_to(em->ev.bus, ss, ps, em->ev.sender, em->ev.payload_, NULL, q,
                                     signet__unchanged(em));
            if (rc < 0 && !em->qerr_)
                em->qerr_ = rc;
        }
    }
    if (stopped)
        em->patterns_ |= SIGNET__EMIT_STOPPED;
    return ran + signet__rt_emit(em, stopped, &em->qerr_);
}

int signet_invoke_generic(const signet_recv *r, const signet_event *ev, const void *payload)
{
    return ((signet_fn *)r->fn)(r->ctx, ev, payload);
}

bool signet__claim_slow(signet_emission *em, const signet_recv *r)
{
    uint32_t state = __atomic_load_n(r->state_, __ATOMIC_ACQUIRE);

    if (state == SIGNET__LIVE_CHANGED || state == SIGNET__LIVE_ONCE_CHANGED) {
        if (signet__unchanged(em))
            return false;
        if (state == SIGNET__LIVE_CHANGED)
            return true;
    } else if (state != SIGNET__LIVE_ONCE) {
        return state == SIGNET__LIVE;
    }
    return __atomic_compare_exchange_n(r->state_, &state, 0, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
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

bool signet_has_receivers(const signet_bus *bus, const signet_signal_info *sig, const void *sender)
{
    if (!bus || !sig)
        return false;
    bool found = false;
    if (!signet__rcu_registered())
        signet__rcu_register();
    bool outermost = signet__rcu_lock();
    struct sigstate *ss = signet__sigstate(bus, sig);
    /* The signal's own lists, then those of the patterns that can match it. */
    uint32_t nlists = 1;
    if (ss && !(sig->flags & SIGNET_SIGNAL_PATTERN) &&
        atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst))
        nlists += sig->nlinks;
    for (uint32_t l = 0; ss && l < nlists && !found; l++) {
        struct sigstate *ls = l == 0 ? ss : ss - sig->id + sig->schema->signal_count +
                                                sig->links[l - 1];
        for (int k = 0; k < 2 && !found; k++) {
            struct snap *s = atomic_load_explicit(k ? &ls->qsnap : &ls->snap,
                                                  memory_order_seq_cst);
            if (!s)
                continue;
            const signet_recv *r, *end;
            signet__receivers(s, sender, &r, &end);
            for (; r != end && !found; r++)
                found = __atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0;
        }
    }
    if (ss && !found && !(sig->flags & SIGNET_SIGNAL_PATTERN))
        found = rt_has_receivers(ss, sig, sender);
    signet__rcu_unlock(outermost);
    return found;
}

/* ------------------------------------------------------------------------ */
/* Run-time patterns */

/* Checks a pattern's syntax: 0, SIGNET_EPATTERN or SIGNET_ETOPICLEN. */
static int check_pattern(const char *p, size_t len)
{
    uint32_t levels = 1;

    if (len == 0)
        return SIGNET_EPATTERN;
    if (len > SIGNET_TOPIC_MAX_BYTES)
        return SIGNET_ETOPICLEN;
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i < len && p[i] != '/') {
            if ((p[i] == '+' || p[i] == '#') && !(i == start && (i + 1 == len || p[i + 1] == '/')))
                return SIGNET_EPATTERN; /* a wildcard that is not a whole level */
            if (p[i] == '#' && i + 1 != len)
                return SIGNET_EPATTERN; /* '#' not last */
            continue;
        }
        if (i < len && ++levels > SIGNET_TOPIC_MAX_LEVELS)
            return SIGNET_ETOPICLEN;
        start = i + 1;
    }
    return 0;
}

/* Does the filter f match the topic t (both NUL-terminated)? With
 * captures, t is a topic template whose `{param}` levels take any one-level
 * value: then the answer is whether some values of its parameters would
 * make a matching topic. */
static bool rt_match_levels(const char *f, const char *t, bool captures)
{
    if ((f[0] == '+' || f[0] == '#') && (f[1] == '/' || f[1] == '\0') && t[0] == '$')
        return false;
    for (;;) {
        if (f[0] == '#')
            return true; /* the rest, the parent level included */
        const char *fe = strchr(f, '/'), *te = strchr(t, '/');
        size_t fl = fe ? (size_t)(fe - f) : strlen(f), tl = te ? (size_t)(te - t) : strlen(t);
        bool any = (fl == 1 && f[0] == '+') ||
                   (captures && tl >= 2 && t[0] == '{' && t[tl - 1] == '}');
        if (!any && (fl != tl || memcmp(f, t, fl) != 0))
            return false;
        if (!fe)
            return !te;
        if (!te)
            return strcmp(fe + 1, "#") == 0;
        f = fe + 1;
        t = te + 1;
    }
}

/* Does the filter f match the concrete topic t? */
static bool rt_match(const char *f, const char *t)
{
    return rt_match_levels(f, t, false);
}

/* Has a run-time pattern that may match sig (of state ss) a live receiver,
 * direct or queued, for an emission from sender? Inside a read section. */
static bool rt_has_receivers(struct sigstate *ss, const signet_signal_info *sig,
                             const void *sender)
{
    struct rtset *set = ss->rt;

    if (!set || !atomic_load_explicit(&set->active, memory_order_seq_cst))
        return false;
    uint32_t n = atomic_load_explicit(&set->n, memory_order_acquire);
    for (uint32_t i = 0; i < n; i++) {
        struct rtpattern *rp = set->p[i];
        bool live = false;
        for (int k = 0; k < 2 && !live; k++) {
            struct snap *s = atomic_load_explicit(k ? &rp->ss.qsnap : &rp->ss.snap,
                                                  memory_order_seq_cst);
            if (!s)
                continue;
            const signet_recv *r, *end;
            signet__receivers(s, sender, &r, &end);
            for (; r != end && !live; r++)
                live = __atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0;
        }
        if (live && rt_match_levels(rp->filter, sig->topic, true))
            return true;
    }
    return false;
}

/* Is t, a concrete topic of sig, a topic patterns can match: not empty,
 * and each captured str exactly one level without wildcards? */
static bool rt_topic_ok(const signet_signal_info *sig, const char *t)
{
    if (t == sig->topic)
        return true;
    if (t[0] == '\0')
        return false;
    size_t tl = 0, ml = 0;
    for (const char *p = sig->topic; *p; p++)
        tl += *p == '/';
    for (const char *p = t; *p; p++) {
        ml += *p == '/';
        if (*p == '+' || *p == '#')
            return false;
    }
    return tl == ml;
}

/* The concrete topic of an emission in buf, or NULL when it is not a
 * topic: too long, empty (a template "{s}" with s = ""; schema patterns
 * skip it too, as the generated matcher rejects it), or a captured str
 * that is not one level. */
static const char *rt_topic(const signet_signal_info *sig, const void *payload, char *buf,
                            size_t size)
{
    const char *t = signet_topic(sig, payload, buf, size);
    return t && rt_topic_ok(sig, t) ? t : NULL;
}

int signet_subscribe_pattern(signet_bus *bus, const signet_schema_info *schema,
                             const char *pattern, signet_fn *fn, void *ctx, const void *sender,
                             const signet_connect_opts *opts, signet_conn *out)
{
    if (!bus || !schema || !pattern || !fn || !out)
        return SIGNET_EINVAL;
    if (schema->abi != SIGNET_ABI)
        return SIGNET_EABI;
    if (schema->signal_count == 0 || (opts && (opts->flags & ~CONNECT_FLAGS)))
        return SIGNET_EINVAL;
    int err = check_pattern(pattern, strnlen(pattern, SIGNET_TOPIC_MAX_BYTES + 1));
    if (err)
        return err;
    return connect_common(bus, &schema->signals[0], pattern, (signet_fnptr *)fn, ctx, sender, opts,
                          out);
}

int signet__rt_emit(signet_emission *em, bool stopped, int *qerr)
{
    struct sigstate *ss = em->ss_;
    struct rtset *set = ss->rt;
    int ran = 0;

    if (!atomic_load_explicit(&set->active, memory_order_seq_cst))
        return 0;
    uint32_t n = atomic_load_explicit(&set->n, memory_order_acquire);
    char buf[SIGNET_TOPIC_MAX_BYTES + 1];
    const char *topic = rt_topic(em->ev.signal, em->ev.payload_, buf, sizeof buf);
    if (!topic)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rtpattern *rp = set->p[i];
        struct snap *s = atomic_load_explicit(&rp->ss.snap, memory_order_seq_cst);
        struct snap *q = atomic_load_explicit(&rp->ss.qsnap, memory_order_seq_cst);
        if ((!s || stopped) && !q)
            continue;
        if (!rt_match(rp->filter, topic))
            continue;
        if (s && !stopped)
            stopped = run_pattern(em, s, &rp->info, signet_invoke_generic, &ran);
        if (q) {
            int rc = signet__post_to(em->ev.bus, ss, &rp->ss, em->ev.sender, em->ev.payload_,
                                     NULL, q, signet__unchanged(em));
            if (rc < 0 && !*qerr)
                *qerr = rc;
        }
    }
    return ran;
}

int signet__rt_post(signet_bus *bus, struct sigstate *ss, const void *sender, const void *payload,
                    bool unchanged)
{
    struct rtset *set = ss->rt;
    int count = 0, first_err = 0;

    if (!atomic_load_explicit(&set->active, memory_order_seq_cst))
        return 0;
    uint32_t n = atomic_load_explicit(&set->n, memory_order_acquire);
    char buf[SIGNET_TOPIC_MAX_BYTES + 1];
    const char *topic = rt_topic(ss->info, payload, buf, sizeof buf);
    for (uint32_t i = 0; topic && i < n; i++) {
        struct rtpattern *rp = set->p[i];
        struct snap *s = atomic_load_explicit(&rp->ss.snap, memory_order_seq_cst);
        struct snap *q = atomic_load_explicit(&rp->ss.qsnap, memory_order_seq_cst);
        if ((!s && !q) || !rt_match(rp->filter, topic))
            continue;
        int rc = signet__post_to(bus, ss, &rp->ss, sender, payload, s, q, unchanged);
        if (rc < 0) {
            if (!first_err)
                first_err = rc;
        } else {
            count += rc;
        }
    }
    return first_err ? first_err : count;
}

/* ------------------------------------------------------------------------ */
/* Events */

uint64_t signet_event_seq(const signet_event *ev)
{
    signet_event *e = (signet_event *)ev; /* the emission owns a mutable event */

    if (!e->seq_)
        e->seq_ = atomic_fetch_add_explicit(&e->bus->seq, 1, memory_order_relaxed) + 1;
    return e->seq_;
}

uint64_t signet_event_time_ns(const signet_event *ev)
{
    signet_event *e = (signet_event *)ev;

    if (!e->time_ns_) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        e->time_ns_ = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
    return e->time_ns_;
}

/* Appends n bytes to the topic being built; false when they do not fit. */
static bool topic_put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    if (n >= size - *len)
        return false;
    memcpy(buf + *len, s, n);
    *len += n;
    return true;
}

/* Appends the payload field named name[0, n) (a str or u32 capture). */
static bool topic_put_field(char *buf, size_t size, size_t *len,
                            const signet_struct_info *payload, const void *msg, const char *name,
                            size_t n)
{
    for (uint32_t i = 0; payload && msg && i < payload->field_count; i++) {
        const signet_field_info *f = &payload->fields[i];
        if (strncmp(f->name, name, n) != 0 || f->name[n] != '\0')
            continue;
        const char *at = (const char *)msg + f->offset;
        if (f->type == SIGNET_TYPE_STR) {
            const char *str;
            memcpy(&str, at, sizeof str);
            return str && topic_put(buf, size, len, str, strlen(str));
        }
        if (f->type == SIGNET_TYPE_U32) {
            uint32_t v;
            char digits[10];
            size_t k = sizeof digits;
            memcpy(&v, at, sizeof v);
            do
                digits[--k] = (char)('0' + v % 10);
            while ((v /= 10) != 0);
            return topic_put(buf, size, len, digits + k, sizeof digits - k);
        }
        return false;
    }
    return false;
}

const char *signet_event_topic(const signet_event *ev, char *buf, size_t size)
{
    return signet_topic(ev->signal, ev->payload_, buf, size);
}

bool signet_has_pattern_subscribers(const signet_bus *bus, const signet_signal_info *sig)
{
    if (!bus || !sig || (sig->flags & SIGNET_SIGNAL_PATTERN))
        return false;
    if (!signet__rcu_registered())
        signet__rcu_register();
    bool outermost = signet__rcu_lock();
    struct sigstate *ss = signet__sigstate(bus, sig);
    bool active = ss && atomic_load_explicit(&ss->active_patterns, memory_order_seq_cst) != 0;
    signet__rcu_unlock(outermost);
    return active;
}

const char *signet_topic(const signet_signal_info *sig, const void *payload, char *buf,
                         size_t size)
{
    const char *tmpl = sig->topic;

    if (!strchr(tmpl, '{'))
        return tmpl;
    if (!buf || size == 0)
        return NULL;
    size_t len = 0;
    for (const char *p = tmpl; *p;) {
        const char *open = strchr(p, '{');
        if (!open) {
            if (!topic_put(buf, size, &len, p, strlen(p)))
                return NULL;
            break;
        }
        const char *close = strchr(open, '}');
        if (!close || !topic_put(buf, size, &len, p, (size_t)(open - p)) ||
            !topic_put_field(buf, size, &len, sig->payload, payload, open + 1,
                             (size_t)(close - open - 1)))
            return NULL;
        p = close + 1;
    }
    buf[len] = '\0';
    return buf;
}
