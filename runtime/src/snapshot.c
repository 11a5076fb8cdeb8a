/* snapshot.c: the slot table, the groups of connections by sender, and
 * the building of receiver lists and tables (snapshot.h): ranking, the
 * per-sender merge by binary search, twins and the table's twin index,
 * the room for the sender index's buckets (senders.c fills them). Uses the
 * C library only; callers hold the bus lock.
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
        struct slot_chunk **chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof *chunks);
        if (!chunks)
            return SIGNET__NONE;
        t->chunks = chunks;
        struct slot_chunk *c = aligned_alloc(SIGNET__CHUNK_ALIGN, SIGNET__CHUNK_ALIGN);
        if (!c)
            return SIGNET__NONE;
        memset(c, 0, sizeof *c);
        for (uint32_t i = 0; i < SIGNET__CHUNK_SIZE; i++) {
            c->slot[i].generation = 1;
            c->slot[i].index = t->nchunks * SIGNET__CHUNK_SIZE + i;
        }
        chunks[t->nchunks++] = c;
    }
    return t->nslots++;
}

void signet__slot_unalloc(struct signet__slots *t, uint32_t index)
{
    struct slot *s = signet__slot_at(t, index);

    *signet__live(s) = 0;
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

/* signet__qinfo(l), for the writer that fills l in. */
static struct qinfo *qinfo_of(struct snap *l)
{
    return (struct qinfo *)(void *)(l->recv + l->n);
}

/* List l's twins left out, hidden[0, nhidden), after the queue
 * information of its entries and theirs (snapshot.h); writable for the
 * writer that fills l in. */
static signet_recv *hidden_of(const struct snap *l)
{
    return (signet_recv *)(void *)(uintptr_t)(signet__qinfo(l) + l->n + l->nhidden);
}

/* Writes connection s as entry *r of a list, and its queue info *qi. */
static void put_entry(signet_recv *r, struct qinfo *qi, struct slot *s)
{
    *r = (signet_recv){
        .fn = s->fn,
        .ctx = s->ctx,
        .state_ = signet__live(s),
        .conn = {s->index, s->generation},
    };
    uintptr_t generic = (s->flags & SIGNET_GENERIC) ? SIGNET__BOUND_GENERIC : 0;

    *qi = (struct qinfo){(uintptr_t)s->queue | generic, s->order};
}

/* Writes connection s as entry i of list l. */
static void put_recv(struct snap *l, uint32_t i, struct slot *s)
{
    put_entry(&l->recv[i], &qinfo_of(l)[i], s);
}

static bool of_kind(const struct slot *s, bool queued)
{
    return (s->queue != NULL) == queued;
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

/* A table with buckets also has a twin index: the indices of its entries
 * that can be twins (SIGNET__NO_TWIN not set), found by hashing fn and ctx
 * (open addressing, SIGNET__NONE for an empty place), twin_places(n) of
 * them after the buckets. Writer-side, like every part of a table but its
 * buckets' lists. */
static uint32_t twin_places(uint32_t n)
{
    uint32_t size = 1;

    while (size < 2 * n)
        size <<= 1;
    return n ? size : 0;
}

static uint32_t *twin_index(const struct snap *t)
{
    return (uint32_t *)(void *)(t->buckets + t->nbuckets);
}

static uint32_t twin_hash(const signet_recv *r, uint32_t places)
{
    uint64_t h = ((uint64_t)(uintptr_t)r->fn * 0x9E3779B97F4A7C15ull) ^ (uintptr_t)r->ctx;

    return (uint32_t)((h * 0x9E3779B97F4A7C15ull) >> 32) & (places - 1);
}

static void twins_index(struct snap *t)
{
    uint32_t places = twin_places(t->n), *index = twin_index(t);

    for (uint32_t i = 0; i < places; i++)
        index[i] = SIGNET__NONE;
    for (uint32_t j = 0; j < t->n; j++) {
        if (signet__slot_of(&t->recv[j])->flags & SIGNET__NO_TWIN)
            continue;
        uint32_t h = twin_hash(&t->recv[j], places);
        while (index[h] != SIGNET__NONE)
            h = (h + 1) & (places - 1);
        index[h] = j;
    }
}

/* Table t's next entry after place *at of its twin index with s's fn and
 * ctx (*at SIGNET__NONE: the first), or SIGNET__NONE; nobody's twin when s
 * can be no one's. */
static uint32_t next_twin(const struct snap *t, const struct slot *s, uint32_t *at)
{
    uint32_t places = twin_places(t->n);
    const uint32_t *index = twin_index(t);

    if (!places || (s->flags & SIGNET__NO_TWIN))
        return SIGNET__NONE;
    signet_recv key = {.fn = s->fn, .ctx = s->ctx};
    uint32_t h = *at == SIGNET__NONE ? twin_hash(&key, places) : (*at + 1) & (places - 1);
    for (; index[h] != SIGNET__NONE; h = (h + 1) & (places - 1)) {
        const signet_recv *r = &t->recv[index[h]];
        if (r->fn == s->fn && r->ctx == s->ctx) {
            *at = h;
            return index[h];
        }
    }
    return SIGNET__NONE;
}

/* Has table t an entry that is s's twin, ranked before s? */
static bool earlier_twin(const struct snap *t, const struct slot *s)
{
    uint32_t at = SIGNET__NONE;

    for (uint32_t j; (j = next_twin(t, s, &at)) != SIGNET__NONE;)
        if (signet__rank_cmp(signet__slot_of(&t->recv[j]), s) < 0)
            return true;
    return false;
}

/* How many of table t's entries rank before s (binary search). */
static uint32_t rank_in(const struct snap *t, const struct slot *s)
{
    uint32_t lo = 0, hi = t->n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (signet__rank_cmp(signet__slot_of(&t->recv[mid]), s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int index_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

    return a < b ? -1 : a > b;
}

/* Writes to v (NULL: counts) the entries of table t that own's
 * connections of the kind hide, a twin of theirs ranking before them;
 * returns how many. */
static uint32_t find_hidden(const struct snap *t, const struct group *own, bool queued,
                            uint32_t *v)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < own->n; i++) {
        const struct slot *s = own->v[i];
        uint32_t at = SIGNET__NONE;
        for (uint32_t j; of_kind(s, queued) && (j = next_twin(t, s, &at)) != SIGNET__NONE;) {
            if (signet__rank_cmp(s, signet__slot_of(&t->recv[j])) < 0) {
                if (v)
                    v[n] = j;
                n++;
            }
        }
    }
    return n;
}

/* The entries of table t that own's connections of the kind hide, in rank
 * order, into *v (malloc'd; NULL when there is none) and their count into
 * *n: O(own) lookups. Returns 0 or SIGNET_ENOMEM. */
static int hidden_entries(const struct snap *t, const struct group *own, bool queued,
                          uint32_t **v, uint32_t *n)
{
    *v = NULL;
    if ((*n = find_hidden(t, own, queued, NULL)) == 0)
        return 0;
    if (!(*v = malloc(*n * sizeof **v)))
        return SIGNET_ENOMEM;
    find_hidden(t, own, queued, *v);
    qsort(*v, *n, sizeof **v, index_cmp);
    uint32_t kept = 1; /* one entry may have twins in several of own's */
    for (uint32_t i = 1; i < *n; i++)
        if ((*v)[i] != (*v)[kept - 1])
            (*v)[kept++] = (*v)[i];
    *n = kept;
    return 0;
}

/* Where an entry of a sender's list comes from, while merging: the table's
 * entries with TABLE_ENTRY, else the list's own. */
#define TABLE_ENTRY 0x80000000u

/* What merging a sender's connections with its table's entries makes of a
 * list: counted first (into a NULL list), then written. */
struct merge {
    struct snap *l;             /* NULL: count only */
    struct run *runs;           /* l's runs; NULL: count them, or l has none */
    const struct snap *table;   /* the table whose entries the runs hold */
    const uint32_t *hide;       /* the table's entries left out, in rank order */
    uint32_t nhide, next_hide;  /* and the next of them the merge reaches */
    uint32_t done;              /* the table's entries merged so far */
    uint32_t own;               /* the list's visible entries */
    uint32_t hidden;            /* the twins left out */
    uint32_t nruns, table_runs; /* runs, and of them those of the table's entries */
    uint32_t last_from, last_end; /* the last run: TABLE_ENTRY or 0, and its end */
};

/* Appends entries [at, at + n) (TABLE_ENTRY | indices of the table's
 * entries, or indices of the list's) to the runs, extending the last one
 * when it ends just before. */
static void run_add(struct merge *m, uint32_t at, uint32_t n)
{
    uint32_t from = at & TABLE_ENTRY, i = at & ~TABLE_ENTRY;

    if (n == 0)
        return;
    if (m->nruns > 0 && m->last_from == from && m->last_end == i) {
        m->last_end += n;
    } else {
        m->nruns++;
        m->table_runs += from != 0;
        m->last_from = from;
        m->last_end = i + n;
        if (m->runs)
            m->runs[m->nruns - 1].begin = (from ? m->table->recv : m->l->recv) + i;
    }
    if (m->runs)
        m->runs[m->nruns - 1].end = (from ? m->table->recv : m->l->recv) + m->last_end;
}

/* Files connection s (NULL: the table's entry j) among the twins left
 * out. */
static void hide(struct merge *m, struct slot *s, uint32_t j)
{
    uint32_t i = m->hidden++;

    if (!m->l)
        return;
    struct qinfo *qi = &qinfo_of(m->l)[m->l->n + i];
    if (s) {
        put_entry(&hidden_of(m->l)[i], qi, s);
    } else {
        hidden_of(m->l)[i] = m->table->recv[j];
        *qi = signet__qinfo(m->table)[j];
    }
}

/* The table's entries from m->done to end join the runs, those m->hide
 * names left out. */
static void table_stretch(struct merge *m, uint32_t end)
{
    for (; m->next_hide < m->nhide && m->hide[m->next_hide] < end; m->next_hide++) {
        uint32_t j = m->hide[m->next_hide];
        run_add(m, TABLE_ENTRY | m->done, j - m->done);
        hide(m, NULL, j);
        m->done = j + 1;
    }
    run_add(m, TABLE_ENTRY | m->done, end - m->done);
    m->done = end;
}

/* Merges own's connections of the kind with the table's entries by rank,
 * each of own's placed by a binary search: an entry with an earlier twin
 * on the other side is left out, after the visible ones. */
static void merge(const struct group *own, bool queued, struct merge *m)
{
    for (uint32_t x = 0; x < own->n; x++) {
        struct slot *s = own->v[x];
        if (!of_kind(s, queued))
            continue;
        table_stretch(m, rank_in(m->table, s));
        if (earlier_twin(m->table, s)) {
            hide(m, s, 0);
            continue;
        }
        if (m->l)
            put_recv(m->l, m->own, s);
        run_add(m, m->own++, 1);
    }
    table_stretch(m, m->table->n);
}

/* A list of n entries, nhidden twins left out and nbuckets buckets, with
 * the twin index of its n entries when it has buckets, or of nruns runs,
 * into *runs, a kept one of spares when it has one of the size (spares
 * may be NULL); NULL when memory ran out. Every list may be kept for
 * reuse once retired: all are allocated alike. */
static struct snap *list_alloc(struct signet__retired_list *spares, uint32_t n, uint32_t nhidden,
                               uint32_t nruns, uint32_t nbuckets, uint64_t order_end,
                               struct run **runs)
{
    size_t qi_at = offsetof(struct snap, recv) + (size_t)n * sizeof(signet_recv);
    size_t hidden_at = qi_at + ((size_t)n + nhidden) * sizeof(struct qinfo); /* hidden_of() */
    size_t runs_at = align_up(hidden_at + (size_t)nhidden * sizeof(signet_recv),
                              _Alignof(struct run));
    size_t buckets_at = align_up(runs_at + nruns * sizeof(struct run), _Alignof(struct bucket));
    size_t twins = nbuckets ? twin_places(n) * sizeof(uint32_t) : 0;
    size_t size = align_up(buckets_at + (size_t)nbuckets * sizeof(struct bucket) + twins,
                           _Alignof(struct snap));
    struct snap *l = spares ? signet__retired_reuse(spares, size) : NULL;
    if (!l && !(l = aligned_alloc(_Alignof(struct snap), size)))
        return NULL;
    _Static_assert(_Alignof(struct qinfo) == _Alignof(signet_recv), "qinfo and recv alternate");
    memset(l, 0, size);
    l->retired.size = size | SIGNET__RETIRED_REUSABLE;
    l->order_end = order_end;
    l->n = n;
    l->nhidden = nhidden;
    if (nbuckets) {
        l->nbuckets = nbuckets;
        l->shift = 64;
        for (uint32_t b = nbuckets; b > 1; b >>= 1)
            l->shift--;
        l->buckets = (struct bucket *)(void *)((char *)l + buckets_at);
    } else if (nruns) {
        l->runs = *runs = (struct run *)(void *)((char *)l + runs_at);
        l->nruns = nruns;
    }
    return l;
}

int signet__table_build(const struct group *any, bool queued, uint64_t order_end,
                        uint32_t nbuckets, signet_queue *home, struct snap **out)
{
    struct snap *t = list_alloc(NULL, count_kind(any, queued), 0, 0, nbuckets, order_end, NULL);

    *out = t;
    if (!t)
        return SIGNET_ENOMEM;
    t->home = home;
    for (uint32_t i = 0, at = 0; i < any->n; i++)
        if (of_kind(any->v[i], queued))
            put_recv(t, at++, any->v[i]);
    if (nbuckets)
        twins_index(t);
    return 0;
}

int signet__list_build(const struct group *own, bool queued, uint64_t order_end,
                       const struct snap *table, struct signet__retired_list *spares,
                       struct snap **out)
{
    uint32_t *hidden = NULL, nhide = 0, count = count_kind(own, queued);

    *out = NULL;
    if (count == 0)
        return 0;
    struct merge m = {.table = table};
    if (table->n == 0) {
        m.own = count; /* no entry of the table: no run of its, no twin */
    } else {
        int err = hidden_entries(table, own, queued, &hidden, &nhide);
        if (err)
            return err;
        m.hide = hidden;
        m.nhide = nhide;
        merge(own, queued, &m);
    }
    /* Without an entry of the table, the sender's entries are its one run. */
    struct run *runs = NULL;
    struct snap *l = list_alloc(spares, m.own, m.hidden, m.table_runs ? m.nruns : 0, 0, order_end,
                                &runs);
    if (!l) {
        free(hidden);
        return SIGNET_ENOMEM;
    }
    struct merge w = {.l = l, .runs = runs, .table = table, .hide = hidden, .nhide = nhide};
    if (runs)
        l->table = table;
    merge(own, queued, &w);
    free(hidden);
    *out = l;
    return 0;
}

/* The index, from i on, of the next twin list l leaves out that is r's
 * receiver (the same fn and ctx); l->nhidden when there is none. */
static uint32_t next_hidden(const struct snap *l, const signet_recv *r, uint32_t i)
{
    const signet_recv *h = hidden_of(l);

    while (i < l->nhidden && (h[i].fn != r->fn || h[i].ctx != r->ctx))
        i++;
    return i;
}

const signet_recv *signet__older_twin(const struct snap *l, uint64_t before,
                                      const signet_recv *r, const struct qinfo **at)
{
    const struct slot *rs = signet__slot_of(r);
    const struct qinfo *qi = signet__qinfo(l) + l->n;
    const signet_recv *h = hidden_of(l);

    if (rs->flags & SIGNET__NO_TWIN)
        return NULL;
    for (uint32_t i = next_hidden(l, r, 0); i < l->nhidden; i = next_hidden(l, r, i + 1))
        if (signet__slot_of(&h[i])->sender != rs->sender && qi[i].order < before) {
            *at = &qi[i];
            return &h[i];
        }
    return NULL;
}

const signet_recv *signet__hidden_twin(const struct snap *l, uint64_t order,
                                       const signet_recv *r, const struct qinfo **at)
{
    const struct qinfo *qi = signet__qinfo(l) + l->n;
    const signet_recv *h = hidden_of(l);

    for (uint32_t i = next_hidden(l, r, 0); i < l->nhidden; i = next_hidden(l, r, i + 1))
        if (qi[i].order == order) {
            *at = &qi[i];
            return &h[i];
        }
    return NULL;
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
