/* snapshot.c: the slot table, the groups of connections by sender, and
 * the building of receiver lists and tables (snapshot.h): ranking, the
 * per-sender merge, twins, the sender index and its buckets. Uses the C
 * library only; callers hold the bus lock.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

void signet__slots_init(struct signet__slots *t)
{
    *t = (struct signet__slots){NULL, 0, 0, SIGNET__NONE, SIGNET__NONE};
}

void signet__slots_free(struct signet__slots *t)
{
    for (uint32_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    free(t->chunks);
    signet__slots_init(t);
}

uint32_t signet__slot_alloc(struct signet__slots *t)
{
    if (t->free_head != SIGNET__NONE) {
        uint32_t i = t->free_head;
        t->free_head = signet__slot_at(t, i)->next_free;
        return i;
    }
    if (t->nslots == t->nchunks * SIGNET__CHUNK_SIZE) {
        if (t->nchunks == SIGNET__NONE >> SIGNET__CHUNK_BITS)
            return SIGNET__NONE;
        struct slot **chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof *chunks);
        if (!chunks)
            return SIGNET__NONE;
        t->chunks = chunks;
        chunks[t->nchunks] = calloc(SIGNET__CHUNK_SIZE, sizeof(struct slot));
        if (!chunks[t->nchunks])
            return SIGNET__NONE;
        for (uint32_t i = 0; i < SIGNET__CHUNK_SIZE; i++) {
            chunks[t->nchunks][i].generation = 1;
            chunks[t->nchunks][i].index = t->nchunks * SIGNET__CHUNK_SIZE + i;
        }
        t->nchunks++;
    }
    return t->nslots++;
}

void signet__slot_unalloc(struct signet__slots *t, uint32_t index)
{
    struct slot *s = signet__slot_at(t, index);

    s->live = 0;
    s->used = false;
    s->next_free = t->free_head;
    t->free_head = index;
}

void signet__slot_pend(struct signet__slots *t, uint32_t index, uint64_t tag)
{
    struct slot *s = signet__slot_at(t, index);

    s->retired_tag = tag;
    s->next_free = t->pending_head;
    t->pending_head = index;
}

uint32_t signet__slots_take_pending(struct signet__slots *t)
{
    uint32_t pending = t->pending_head;

    t->pending_head = SIGNET__NONE;
    return pending;
}

void signet__slots_reclaim(struct signet__slots *t, uint32_t pending, uint64_t safe)
{
    while (pending != SIGNET__NONE) {
        struct slot *s = signet__slot_at(t, pending);
        uint32_t next = s->next_free;
        uint32_t *to = s->retired_tag <= safe ? &t->free_head : &t->pending_head;
        s->next_free = *to;
        *to = pending;
        pending = next;
    }
}

/* ------------------------------------------------------------------------ */
/* Groups */

void signet__groups_init(struct groups *gs)
{
    *gs = (struct groups){NULL, 0, 0, 64};
}

void signet__groups_free(struct groups *gs)
{
    for (uint32_t i = 0; i < gs->nbuckets; i++) {
        if (gs->t[i]) {
            free(gs->t[i]->v);
            free(gs->t[i]);
        }
    }
    free(gs->t);
    signet__groups_init(gs);
}

struct group *signet__groups_find(const struct groups *gs, const void *sender)
{
    if (!gs->nbuckets)
        return NULL;
    for (uint32_t h = signet__hash_sender(sender, gs->shift);; h = (h + 1) & (gs->nbuckets - 1)) {
        struct group *g = gs->t[h];
        if (!g || g->sender == sender)
            return g;
    }
}

static void groups_place(struct group **t, uint32_t nbuckets, uint32_t shift, struct group *g)
{
    uint32_t h = signet__hash_sender(g->sender, shift);

    while (t[h])
        h = (h + 1) & (nbuckets - 1);
    t[h] = g;
}

struct group *signet__groups_add(struct groups *gs, const void *sender)
{
    struct group *g = signet__groups_find(gs, sender);

    if (g)
        return g;
    if ((gs->n + 1) * 2 > gs->nbuckets) {
        uint32_t nbuckets = gs->nbuckets ? gs->nbuckets * 2 : 8;
        uint32_t shift = gs->nbuckets ? gs->shift - 1 : 61;
        struct group **t = calloc(nbuckets, sizeof *t);
        if (!t)
            return NULL;
        for (uint32_t i = 0; i < gs->nbuckets; i++)
            if (gs->t[i])
                groups_place(t, nbuckets, shift, gs->t[i]);
        free(gs->t);
        gs->t = t;
        gs->nbuckets = nbuckets;
        gs->shift = shift;
    }
    if (!(g = calloc(1, sizeof *g)))
        return NULL;
    g->sender = sender;
    groups_place(gs->t, gs->nbuckets, gs->shift, g);
    gs->n++;
    return g;
}

void signet__groups_drop(struct groups *gs, struct group *g)
{
    uint32_t mask = gs->nbuckets - 1, i = signet__hash_sender(g->sender, gs->shift);

    while (gs->t[i] != g)
        i = (i + 1) & mask;
    /* Backward-shift deletion: pull later entries of the probe run back
     * over the hole, so lookups never need tombstones. */
    for (uint32_t j = (i + 1) & mask; gs->t[j]; j = (j + 1) & mask) {
        uint32_t home = signet__hash_sender(gs->t[j]->sender, gs->shift);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            gs->t[i] = gs->t[j];
            i = j;
        }
    }
    gs->t[i] = NULL;
    gs->n--;
    free(g->v);
    free(g);
}

void signet__groups_sweep(struct groups *gs)
{
    for (uint32_t i = 0; i < gs->nbuckets;) {
        /* Dropping may pull a later group into bucket i: look again. */
        if (gs->t[i] && gs->t[i]->n == 0)
            signet__groups_drop(gs, gs->t[i]);
        else
            i++;
    }
}

void signet__groups_each(const struct groups *gs, void (*fn)(struct group *, void *), void *arg)
{
    for (uint32_t i = 0; i < gs->nbuckets; i++)
        if (gs->t[i])
            fn(gs->t[i], arg);
}

int signet__group_insert(struct group *g, struct slot *s)
{
    if (g->n == g->cap) {
        uint32_t cap = g->cap ? g->cap * 2 : 2;
        struct slot **v = realloc(g->v, cap * sizeof *v);
        if (!v)
            return SIGNET_ENOMEM;
        g->v = v;
        g->cap = cap;
    }
    uint32_t at = g->n;
    while (at > 0 && signet__rank_cmp(g->v[at - 1], s) > 0)
        at--;
    memmove(&g->v[at + 1], &g->v[at], (g->n - at) * sizeof g->v[0]);
    g->v[at] = s;
    g->n++;
    return 0;
}

void signet__group_remove(struct group *g, uint32_t i)
{
    memmove(&g->v[i], &g->v[i + 1], (g->n - i - 1) * sizeof g->v[0]);
    g->n--;
}

/* ------------------------------------------------------------------------ */
/* Lists and tables */

/* Writes connection s as entry i of list l. */
static void put_recv(struct snap *l, uint32_t i, struct slot *s)
{
    l->recv[i] = (signet_recv){
        .fn = s->fn,
        .ctx = s->ctx,
        .state_ = &s->live,
        .conn = {s->index, s->generation},
    };
    l->qi[i] = (struct qinfo){s->queue, s->order};
}

static bool of_kind(const struct slot *s, bool queued)
{
    return (s->queue != NULL) == queued;
}

/* Does g hold a connection of the kind with s's fn and ctx ranked before
 * s? */
static bool earlier_twin(const struct group *g, bool queued, const struct slot *s)
{
    if (s->flags & SIGNET__NO_TWIN)
        return false;
    for (uint32_t i = 0; i < g->n && signet__rank_cmp(g->v[i], s) < 0; i++) {
        const struct slot *t = g->v[i];
        if (t->fn == s->fn && t->ctx == s->ctx && of_kind(t, queued) &&
            !(t->flags & SIGNET__NO_TWIN))
            return true;
    }
    return false;
}

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

static uint32_t count_kind(const struct group *g, bool queued)
{
    uint32_t n = 0;

    for (uint32_t i = 0; g && i < g->n; i++)
        n += of_kind(g->v[i], queued);
    return n;
}

uint32_t signet__table_size(uint32_t keys)
{
    uint32_t nbuckets = 8;

    while (nbuckets < keys * 4)
        nbuckets <<= 1;
    return nbuckets;
}

/* Where an entry of a sender's list comes from, while merging: the table's
 * entries with TABLE_ENTRY, else the list's own. */
#define TABLE_ENTRY 0x80000000u

/* What merging a sender's connections with SIGNET_ANY's makes of a list:
 * counted first (into a NULL list), then written. */
struct merge {
    struct snap *l;             /* NULL: count only */
    struct run *runs;           /* l's runs; NULL: count them, or l has none */
    const struct snap *table;   /* the table whose entries the runs hold */
    uint32_t own;               /* the list's visible entries */
    uint32_t hidden;            /* the twins left out */
    uint32_t hidden_at;         /* where they go in l: after the visible ones */
    uint32_t nruns, table_runs; /* runs, and of them those of the table's entries */
    uint32_t last_from, last_end; /* the last run: TABLE_ENTRY or 0, and its end */
};

/* Appends entry at (TABLE_ENTRY | an index of the table's entries, or an
 * index of the list's) to the runs, extending the last one when it ends
 * just before. */
static void run_add(struct merge *m, uint32_t at)
{
    uint32_t from = at & TABLE_ENTRY, i = at & ~TABLE_ENTRY;

    if (m->nruns > 0 && m->last_from == from && m->last_end == i) {
        m->last_end++;
    } else {
        m->nruns++;
        m->table_runs += from != 0;
        m->last_from = from;
        m->last_end = i + 1;
        if (m->runs)
            m->runs[m->nruns - 1].begin = (from ? m->table->recv : m->l->recv) + i;
    }
    if (m->runs)
        m->runs[m->nruns - 1].end = (from ? m->table->recv : m->l->recv) + m->last_end;
}

/* Merges the two rank-ordered groups (own NULL: any's entries are the
 * list's own): an entry with an earlier twin in the other group is left
 * out, after the visible ones. */
static void merge(const struct group *any, const struct group *own, bool queued, struct merge *m)
{
    uint32_t a = 0, x = 0, na = any ? any->n : 0, nx = own ? own->n : 0, table_at = 0;

    while (a < na || x < nx) {
        bool take_any = x == nx || (a < na && signet__rank_cmp(any->v[a], own->v[x]) < 0);
        struct slot *s = take_any ? any->v[a++] : own->v[x++];
        if (!of_kind(s, queued))
            continue;
        uint32_t at = take_any && own ? table_at++ | TABLE_ENTRY : m->own;
        if (own && earlier_twin(take_any ? own : any, queued, s)) {
            if (m->l)
                put_recv(m->l, m->hidden_at + m->hidden, s);
            m->hidden++;
            continue;
        }
        if (!(at & TABLE_ENTRY)) {
            if (m->l)
                put_recv(m->l, m->own, s);
            m->own++;
        }
        if (own)
            run_add(m, at);
    }
}

int signet__list_build(const struct group *any, const struct group *own, bool queued,
                       uint64_t order_end, uint32_t nbuckets, const struct snap *table,
                       struct snap **out)
{
    *out = NULL;
    if (own && count_kind(own, queued) == 0)
        return 0;
    struct merge m = {0};
    merge(any, own, queued, &m);
    /* Without an entry of the table, the sender's entries are its one run. */
    uint32_t nruns = m.table_runs ? m.nruns : 0;
    size_t nrecv = (size_t)m.own + m.hidden;
    size_t qi_at = align_up(offsetof(struct snap, recv) + nrecv * sizeof(signet_recv),
                            _Alignof(struct qinfo));
    size_t runs_at = align_up(qi_at + nrecv * sizeof(struct qinfo), _Alignof(struct run));
    size_t buckets_at = align_up(runs_at + nruns * sizeof(struct run), _Alignof(struct bucket));
    size_t size = align_up(buckets_at + (size_t)nbuckets * sizeof(struct bucket),
                           _Alignof(struct snap));
    struct snap *l = aligned_alloc(_Alignof(struct snap), size);
    if (!l)
        return SIGNET_ENOMEM;
    memset(l, 0, size);
    l->retired.size = size;
    l->order_end = order_end;
    l->qi = (struct qinfo *)(void *)((char *)l + qi_at);
    if (nbuckets) {
        l->nbuckets = nbuckets;
        l->shift = 64;
        for (uint32_t b = nbuckets; b > 1; b >>= 1)
            l->shift--;
        l->buckets = (struct bucket *)(void *)((char *)l + buckets_at);
    }
    struct merge w = {.l = l, .table = table, .hidden_at = m.own};
    if (nruns) {
        l->table = table;
        l->runs = w.runs = (struct run *)(void *)((char *)l + runs_at);
        l->nruns = nruns;
    }
    merge(any, own, queued, &w);
    l->n = w.own;
    l->nhidden = w.hidden;
    *out = l;
    return 0;
}

bool signet__runs_live(const struct snap *l)
{
    const signet_recv *r, *end;

    for (uint32_t i = 0; signet__run(l, i, &r, &end, NULL); i++)
        for (; r != end; r++)
            if (__atomic_load_n(r->state_, __ATOMIC_ACQUIRE) != 0)
                return true;
    return false;
}

struct snap *signet__table_get(const struct snap *t, const void *sender)
{
    if (!t->nbuckets)
        return NULL;
    for (uint32_t h = signet__hash_sender(sender, t->shift);; h = (h + 1) & (t->nbuckets - 1)) {
        const struct bucket *k = &t->buckets[h];
        if (k->sender == sender)
            return k->list;
        if (!k->sender)
            return NULL;
    }
}

bool signet__table_put(struct snap *t, const void *sender, struct snap *list)
{
    if (!t->nbuckets)
        return false;
    uint32_t h = signet__hash_sender(sender, t->shift);
    for (;; h = (h + 1) & (t->nbuckets - 1)) {
        struct bucket *k = &t->buckets[h];
        if (k->sender == sender) {
            __atomic_store_n(&k->list, list, __ATOMIC_SEQ_CST);
            return true;
        }
        if (!k->sender)
            break;
    }
    /* A new sender: at most half the buckets keyed, so probes stay short. */
    if ((t->nkeys + 1) * 2 > t->nbuckets)
        return false;
    __atomic_store_n(&t->buckets[h].list, list, __ATOMIC_SEQ_CST);
    __atomic_store_n(&t->buckets[h].sender, sender, __ATOMIC_SEQ_CST);
    t->nkeys++;
    return true;
}

bool signet__table_fits(const struct snap *t, const void *sender)
{
    if (!t->nbuckets)
        return false;
    if ((t->nkeys + 1) * 2 <= t->nbuckets)
        return true;
    for (uint32_t h = signet__hash_sender(sender, t->shift);; h = (h + 1) & (t->nbuckets - 1)) {
        if (t->buckets[h].sender == sender)
            return true;
        if (!t->buckets[h].sender)
            return false;
    }
}
