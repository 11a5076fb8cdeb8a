/* snapshot.c: the slot table and the building of receiver snapshots
 * (snapshot.h): ranking, the per-sender merge, twins, the sender table.
 * Uses the C library only; callers hold the bus lock.
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

/* Does list[0, n) hold the same (fn, ctx) ranked before s? */
static bool earlier_twin(struct slot *const *list, uint32_t n, const struct slot *s)
{
    if (s->flags & SIGNET__NO_TWIN)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (list[i]->fn == s->fn && list[i]->ctx == s->ctx &&
            !(list[i]->flags & SIGNET__NO_TWIN) && rank_cmp(list[i], s) < 0)
            return true;
    return false;
}

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

int signet__snap_build(struct slot *const *list, uint32_t n, uint64_t order_end,
                       struct snap **out)
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
