/* state.c: the bus's per-schema and per-signal state (state.h): adding a
 * schema to a bus, keeping a state's connections by sender, publishing its
 * lists after a change (one sender's in place, or all of them), telling
 * signals when a pattern that can match them gains or loses its last
 * receiver, the bus's queue list, and collecting retired memory once grace
 * periods have passed. Uses snapshot.c to build lists and keep slots and
 * groups, senders.c to file a sender's list in its table, rcu.c for grace
 * periods and retired lists, payload.c to know which payloads hold
 * strings, space.c to check and link a schema added to a bus that has
 * others, and head.c to keep the bus head (signet.h's
 * signet__bus_head) in step with what it publishes.
 */
#include "state.h"

#include "head.h"
#include "payload.h"
#include "space.h"

#include <stdlib.h>
#include <string.h>

void signet__state_init(struct sigstate *ss, const signet_signal_info *info, struct rtset *rt)
{
    memset(ss, 0, sizeof *ss);
    ss->info = info;
    ss->rt = rt;
    ss->deep = signet__payload_deep(info->payload);
    ss->zombies = SIGNET__NONE;
    signet__groups_init(&ss->groups);
    atomic_init(&ss->snap, NULL);
    atomic_init(&ss->qsnap, NULL);
    atomic_init(&ss->active_patterns, 0);
    atomic_init(&ss->dropped, 0);
}

/* Refuses schema when it overlaps a schema of sc, its message kept for
 * signet__diag_flush(). */
static int check_overlap(signet_bus *bus, const struct schemas *sc,
                         const signet_schema_info *schema)
{
    char *msg = NULL;
    int err = signet__space_check(sc, schema, &msg);

    if (err) {
        bus->diag_err = err;
        free(__atomic_exchange_n(&bus->diag, msg, __ATOMIC_ACQ_REL));
    }
    return err;
}

struct sigstate *signet__state_for(signet_bus *bus, const signet_signal_info *sig, int *err)
{
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);
    uint32_t n = sc ? sc->n : 0;

    for (uint32_t i = 0; i < n; i++)
        if (sc->e[i].schema == sig->schema)
            return &sc->e[i].sigs[sig->id];

    const signet_schema_info *schema = sig->schema;
    if ((*err = check_overlap(bus, sc, schema)) != 0)
        return NULL;
    size_t size = sizeof(struct schemas) + (n + 1) * sizeof sc->e[0];
    struct schemas *grown = malloc(size);
    uint32_t nstates = signet__nstates(schema);
    struct sigstate *sigs = calloc(nstates, sizeof *sigs);
    struct rtset *rt = calloc(1, sizeof *rt);
    struct signet__tally *tallies = calloc(schema->signal_count + 1, sizeof *tallies);
    if (!grown || !sigs || !rt || !tallies) {
        free(grown);
        free(sigs);
        free(rt);
        free(tallies);
        *err = SIGNET_ENOMEM;
        return NULL;
    }
    for (uint32_t k = 0; k < nstates; k++) {
        uint32_t nsig = schema->signal_count;
        signet__state_init(&sigs[k], k < nsig ? &schema->signals[k] : &schema->patterns[k - nsig],
                           rt);
        if (k < nsig)
            sigs[k].tally = &tallies[k];
    }
    atomic_init(&rt->n, 0);
    atomic_init(&rt->active, 0);
    atomic_init(&rt->reach, NULL);
    rt->sigs = sigs;
    rt->nsignals = schema->signal_count;
    grown->retired = (struct signet__retired){NULL, 0, size};
    grown->n = n + 1;
    if (n)
        memcpy(grown->e, sc->e, n * sizeof sc->e[0]);
    grown->e[n] = (struct schema_entry){schema, sigs, rt, tallies};
    /* The patterns each schema's signals reach in the others, published
     * before the table that makes the new schema's states reachable. */
    bool counted;
    if ((*err = signet__space_link(bus, grown, &counted)) != 0) {
        free(grown);
        free(sigs);
        free(rt);
        free(tallies);
        return NULL;
    }
    atomic_store_explicit(&bus->schemas, grown, memory_order_seq_cst);
    if (sc)
        signet__retire(&bus->retired, &sc->retired, signet__rcu_advance());
    if (counted)
        signet__head_refresh(bus);
    return &sigs[sig->id];
}

struct sigstate *signet__state_for_unlocked(signet_bus *bus, const signet_signal_info *sig)
{
    int err = 0;

    pthread_mutex_lock(&bus->lock);
    struct sigstate *ss = signet__state_for(bus, sig, &err);
    pthread_mutex_unlock(&bus->lock);
    if (err == SIGNET_EOVERLAP)
        signet__diag_flush(bus);
    return ss;
}

struct sigstate *signet__state_next(const signet_bus *bus, struct signet__state_iter *it)
{
    const struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);

    for (; sc && it->schema < sc->n; it->schema++, it->k = 0) {
        const struct schema_entry *e = &sc->e[it->schema];
        uint32_t nstates = signet__nstates(e->schema);
        uint32_t nrt = atomic_load_explicit(&e->rt->n, memory_order_relaxed);
        if (it->k < nstates)
            return &e->sigs[it->k++];
        if (it->k < nstates + nrt)
            return &e->rt->p[it->k++ - nstates]->ss;
    }
    return NULL;
}

struct group *signet__state_group(struct sigstate *ss, const void *sender)
{
    return sender ? signet__groups_add(&ss->groups, sender) : &ss->any;
}

int signet__state_add(struct sigstate *ss, struct group *g, struct slot *s)
{
    int err = signet__group_insert(g, s);

    if (!err)
        ++*(s->queue ? &ss->nqueued : &ss->ndirect);
    return err;
}

void signet__state_release(signet_bus *bus, struct sigstate *ss, struct group *g, uint32_t i)
{
    struct slot *s = g->v[i];

    __atomic_store_n(signet__live(s), 0, __ATOMIC_RELEASE);
    s->used = false;
    if (++s->generation == 0)
        s->generation = 1;
    /* The published lists still name it until the next rebuild of this
     * signal succeeds; only then may it head for reuse. */
    s->next_free = ss->zombies;
    ss->zombies = s->index;
    --*(s->queue ? &ss->nqueued : &ss->ndirect);
    signet__group_remove(g, i);
    (void)bus;
}

void signet__state_drop_fired(signet_bus *bus, struct sigstate *ss, struct group *g)
{
    for (uint32_t i = 0; i < g->n;) {
        if (__atomic_load_n(signet__live(g->v[i]), __ATOMIC_ACQUIRE))
            i++;
        else
            signet__state_release(bus, ss, g, i);
    }
}

struct each_arg {
    signet_bus *bus;
    struct sigstate *ss;
};

static void drop_fired_in(struct group *g, void *arg)
{
    struct each_arg *a = arg;
    uint32_t was = g->n;

    signet__state_drop_fired(a->bus, a->ss, g);
    if (g->n != was)
        a->ss->stale = true; /* zombies of several groups: only a full rebuild pends them */
}

void signet__state_each_group(struct sigstate *ss, void (*fn)(struct group *, void *), void *arg)
{
    fn(&ss->any, arg);
    signet__groups_each(&ss->groups, fn, arg);
}

void signet__state_drop_all_fired(signet_bus *bus, struct sigstate *ss)
{
    struct each_arg a = {bus, ss};

    signet__state_each_group(ss, drop_fired_in, &a);
}

/* Publishes snap in *at; returns the snapshot it replaces. */
static struct snap *publish(_Atomic(struct snap *) *at, struct snap *snap)
{
    struct snap *old = atomic_load_explicit(at, memory_order_relaxed);

    atomic_store_explicit(at, snap, memory_order_seq_cst);
    return old;
}

static void count(_Atomic uint32_t *n, bool up)
{
    if (up)
        atomic_fetch_add_explicit(n, 1, memory_order_seq_cst);
    else
        atomic_fetch_sub_explicit(n, 1, memory_order_seq_cst);
}

/* A pattern's list became active (it has a published snapshot) or
 * inactive: tells the signals it can match. A schema pattern can match the
 * signals info->links names; a run-time one any signal of its schema, and
 * its set counts it too; either, the signals of other schemas whose reach
 * names it (*foreign is then true). The snapshot is published before the
 * counts go up, so an emission that sees a count sees the snapshot. */
static bool note_pattern_active(signet_bus *bus, struct sigstate *ps, bool active, bool *foreign)
{
    uint32_t was = atomic_load_explicit(&ps->active_patterns, memory_order_relaxed);

    if (was == (uint32_t)active)
        return false;
    atomic_store_explicit(&ps->active_patterns, active, memory_order_relaxed);
    struct rtset *set = ps->rt;
    if (ps->info->flags & SIGNET__SIGNAL_RUNTIME) {
        count(&set->active, active);
        for (uint32_t i = 0; i < set->nsignals; i++)
            count(&set->sigs[i].active_patterns, active);
    } else {
        for (uint32_t i = 0; i < ps->info->nlinks; i++)
            count(&set->sigs[ps->info->links[i]].active_patterns, active);
    }
    *foreign = signet__space_count(bus, ps, active);
    return true;
}

/* Frees an unpublished table and the lists it names. */
static void free_table(struct snap *t)
{
    for (uint32_t i = 0; t && i < t->nbuckets; i++)
        free(t->buckets[i].list);
    free(t);
}

/* Retires a table that was published and the lists it names. */
static void retire_table(signet_bus *bus, struct snap *t, uint64_t tag)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->nbuckets; i++)
        if (t->buckets[i].list)
            signet__retire(&bus->retired, &t->buckets[i].list->retired, tag);
    signet__retire(&bus->retired, &t->retired, tag);
}

static bool has_kind(const struct group *g, bool queued)
{
    for (uint32_t i = 0; i < g->n; i++)
        if ((g->v[i]->queue != NULL) == queued)
            return true;
    return false;
}

struct build_arg {
    struct sigstate *ss;
    bool queued;
    uint64_t order_end;
    uint32_t keys;
    struct snap *table;
    struct signet__retired_list *spares; /* the bus's kept lists */
    int err;
};

static void count_keys(struct group *g, void *arg)
{
    struct build_arg *b = arg;

    b->keys += has_kind(g, b->queued);
}

static void build_into(struct group *g, void *arg)
{
    struct build_arg *b = arg;
    struct snap *l;

    if (b->err ||
        (b->err = signet__list_build(g, b->queued, b->order_end, b->table, b->spares, &l)))
        return;
    if (l)
        (void)signet__table_put(b->table, g->sender, l); /* sized for every key */
}

/* Builds the whole table of one kind: NULL when the state has no
 * connection of that kind. A queued table's buckets copy single receivers
 * bound to the bus's queue. */
static int build_table(signet_bus *bus, struct sigstate *ss, bool queued, struct snap **out)
{
    uint64_t order_end = bus->next_order;
    struct build_arg b = {ss, queued, order_end, 0, NULL, &bus->retired, 0};

    *out = NULL;
    if (!(queued ? ss->nqueued : ss->ndirect))
        return 0;
    signet__groups_each(&ss->groups, count_keys, &b);
    b.err = signet__table_build(&ss->any, queued, order_end,
                                b.keys ? signet__table_size(b.keys) : 0,
                                queued ? bus->queue : NULL, &b.table);
    if (!b.err && b.keys)
        signet__groups_each(&ss->groups, build_into, &b);
    if (b.err) {
        free_table(b.table);
        return b.err;
    }
    *out = b.table;
    return 0;
}

/* After a publication: the released slots go pending under tag. */
static void pend_zombies(signet_bus *bus, struct sigstate *ss, uint64_t tag)
{
    while (ss->zombies != SIGNET__NONE) {
        uint32_t index = ss->zombies;
        ss->zombies = signet__slot_at(&bus->slots, index)->next_free;
        signet__slot_pend(&bus->slots, index, tag);
    }
}

int signet__state_rebuild(signet_bus *bus, struct sigstate *ss)
{
    signet__state_drop_all_fired(bus, ss);
    struct snap *snap, *qsnap = NULL;
    int err = build_table(bus, ss, false, &snap);
    if (!err && (err = build_table(bus, ss, true, &qsnap)) != 0)
        free_table(snap);
    if (err) {
        ss->stale = true;
        return err; /* the old lists stay published, and so do the zombies */
    }
    struct snap *old = publish(&ss->snap, snap), *qold = publish(&ss->qsnap, qsnap);
    bool foreign = false;
    bool changed = (ss->info->flags & SIGNET_SIGNAL_PATTERN) &&
                   note_pattern_active(bus, ss, snap || qsnap, &foreign);
    signet__head_changed(bus, ss, changed, foreign);
    uint64_t tag = signet__rcu_advance();
    retire_table(bus, old, tag);
    retire_table(bus, qold, tag);
    pend_zombies(bus, ss, tag);
    signet__groups_sweep(&ss->groups);
    ss->stale = false;
    return 0;
}

/* One kind's part of a sender's rebuild: what to publish. */
struct change {
    struct snap *cur;           /* the published table */
    struct snap *table;         /* a new table to publish in its place (whole) */
    bool replace;               /* publish table (possibly NULL) instead of cur */
    struct snap *list, *old;    /* else: the sender's new list and the one it replaces */
};

static int plan(signet_bus *bus, struct sigstate *ss, struct group *g, bool queued,
                struct change *c)
{
    *c = (struct change){0};
    c->cur = atomic_load_explicit(queued ? &ss->qsnap : &ss->snap, memory_order_relaxed);
    if (!c->cur || !(queued ? ss->nqueued : ss->ndirect)) {
        /* The kind appears or disappears: its whole table. */
        c->replace = c->cur || (queued ? ss->nqueued : ss->ndirect);
        return c->replace ? build_table(bus, ss, queued, &c->table) : 0;
    }
    c->old = signet__table_get(c->cur, g->sender);
    if (!c->old && !has_kind(g, queued))
        return 0; /* no list of this kind, before or after */
    if (!signet__table_fits(c->cur, g->sender)) {
        /* A table with more buckets, and every list again: their runs name
         * the entries of the table they are in. The buckets double, so
         * growing to S senders rebuilds O(S) lists in all. */
        c->replace = true;
        return build_table(bus, ss, queued, &c->table);
    }
    return signet__list_build(g, queued, bus->next_order, c->cur, &bus->retired, &c->list);
}

static void unplan(struct change *c)
{
    free_table(c->table);
    free(c->list);
}

static void commit(signet_bus *bus, struct sigstate *ss, struct group *g, bool queued,
                   struct change *c, uint64_t tag)
{
    if (c->replace) {
        publish(queued ? &ss->qsnap : &ss->snap, c->table);
        retire_table(bus, c->cur, tag);
        return;
    }
    if (!c->list && !c->old)
        return;
    (void)signet__table_put(c->cur, g->sender, c->list);
    if (c->old)
        signet__retire(&bus->retired, &c->old->retired, tag);
}

int signet__state_rebuild_sender(signet_bus *bus, struct sigstate *ss, struct group *g)
{
    if (ss->stale)
        return signet__state_rebuild(bus, ss);
    signet__state_drop_fired(bus, ss, g);
    struct change direct, queued;
    int err = plan(bus, ss, g, false, &direct);
    if (!err && (err = plan(bus, ss, g, true, &queued)) != 0)
        unplan(&direct);
    if (err) {
        ss->stale = true;
        return err;
    }
    uint64_t tag = signet__rcu_advance();
    commit(bus, ss, g, false, &direct, tag);
    commit(bus, ss, g, true, &queued, tag);
    bool foreign = false;
    bool changed = (ss->info->flags & SIGNET_SIGNAL_PATTERN) &&
                   note_pattern_active(bus, ss,
                                       atomic_load_explicit(&ss->snap, memory_order_relaxed) ||
                                           atomic_load_explicit(&ss->qsnap, memory_order_relaxed),
                                       &foreign);
    signet__head_changed(bus, ss, changed, foreign);
    pend_zombies(bus, ss, tag);
    if (g->n == 0)
        signet__groups_drop(&ss->groups, g);
    return 0;
}

int signet__bus_add_queue(signet_bus *bus, signet_queue *q)
{
    int err = 0;

    pthread_mutex_lock(&bus->lock);
    if (bus->nqueues == bus->queues_cap) {
        uint32_t cap = bus->queues_cap ? bus->queues_cap * 2 : 4;
        signet_queue **queues = realloc(bus->queues, cap * sizeof *queues);
        if (queues) {
            bus->queues = queues;
            bus->queues_cap = cap;
        } else {
            err = SIGNET_ENOMEM;
        }
    }
    if (!err)
        bus->queues[bus->nqueues++] = q;
    pthread_mutex_unlock(&bus->lock);
    return err;
}

bool signet__bus_has_queue(const signet_bus *bus, const signet_queue *q)
{
    for (uint32_t i = 0; i < bus->nqueues; i++)
        if (bus->queues[i] == q)
            return true;
    return false;
}

bool signet__bus_remove_queue(signet_bus *bus, signet_queue *q)
{
    bool found = false;

    pthread_mutex_lock(&bus->lock);
    for (uint32_t i = 0; i < bus->nqueues && !found; i++) {
        if (bus->queues[i] == q) {
            /* Keep the order: the default queue stays first. */
            memmove(&bus->queues[i], &bus->queues[i + 1],
                    (bus->nqueues - i - 1) * sizeof bus->queues[0]);
            bus->nqueues--;
            found = true;
        }
    }
    pthread_mutex_unlock(&bus->lock);
    return found;
}

void signet__bus_collect(signet_bus *bus, bool wait)
{
    pthread_mutex_lock(&bus->lock);
    struct signet__retired *items = signet__retired_take(&bus->retired);
    uint32_t pending = signet__slots_take_pending(&bus->slots);
    pthread_mutex_unlock(&bus->lock);

    /* Without waiting, from inside a receiver, what is safe is what was
     * retired before the caller's own emission began. */
    uint64_t safe = wait ? signet__rcu_synchronize() : signet__rcu_quiescent();

    pthread_mutex_lock(&bus->lock);
    signet__retired_collect(&bus->retired, items, safe);
    signet__slots_reclaim(&bus->slots, pending, safe);
    pthread_mutex_unlock(&bus->lock);
}

void signet__diag_flush(signet_bus *bus)
{
    char *msg = __atomic_exchange_n(&bus->diag, NULL, __ATOMIC_ACQ_REL);
    pthread_mutex_lock(&bus->lock);
    int err = bus->diag_err;
    pthread_mutex_unlock(&bus->lock);
    if (msg && bus->opts.on_diagnostic)
        bus->opts.on_diagnostic(bus->opts.error_ctx, err, msg);
    free(msg);
}

void signet__after_write(signet_bus *bus, bool disconnected)
{
    bool nested = signet__rcu_nested();

    if (__atomic_load_n(&bus->diag, __ATOMIC_RELAXED))
        signet__diag_flush(bus);
    if (disconnected && !nested) {
        signet__bus_collect(bus, true);
        return;
    }
    pthread_mutex_lock(&bus->lock);
    bool due = signet__retired_due(&bus->retired);
    pthread_mutex_unlock(&bus->lock);
    if (due)
        signet__bus_collect(bus, false);
}

static void free_state(struct sigstate *ss)
{
    free_table(atomic_load_explicit(&ss->snap, memory_order_relaxed));
    free_table(atomic_load_explicit(&ss->qsnap, memory_order_relaxed));
    free(ss->any.v);
    signet__groups_free(&ss->groups);
}

void signet__states_free(signet_bus *bus)
{
    struct schemas *sc = atomic_load_explicit(&bus->schemas, memory_order_relaxed);

    for (uint32_t i = 0; sc && i < sc->n; i++) {
        const struct schema_entry *e = &sc->e[i];
        for (uint32_t k = 0; k < signet__nstates(e->schema); k++)
            free_state(&e->sigs[k]);
        uint32_t nrt = atomic_load_explicit(&e->rt->n, memory_order_relaxed);
        for (uint32_t k = 0; k < nrt; k++) {
            free_state(&e->rt->p[k]->ss);
            free(e->rt->p[k]->filter);
            free(e->rt->p[k]);
        }
        free(e->rt->p);
        free(atomic_load_explicit(&e->rt->reach, memory_order_relaxed));
        free(e->rt);
        free(e->sigs);
        free(e->tallies);
    }
    free(sc);
    atomic_store_explicit(&bus->schemas, NULL, memory_order_relaxed);
    signet__head_free(bus);
    signet__retired_free_all(&bus->retired);
    signet__slots_free(&bus->slots);
    free(bus->diag);
}
