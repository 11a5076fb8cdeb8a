/* senders.c: a table's sender index (snapshot.h): how many buckets a
 * table needs, the list of a sender's own for the writer, and filing a
 * sender's list in its bucket, with the bucket's copy of the list's one
 * receiver written under the bucket's sequence lock. Uses snapshot.h
 * only; callers hold the bus lock.
 */
#include "snapshot.h"

uint32_t signet__table_size(uint32_t keys)
{
    uint32_t nbuckets = 8;

    while (nbuckets < keys * 4)
        nbuckets <<= 1;
    return nbuckets;
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

/* Points bucket k at list, and rewrites its copy of the list's one
 * receiver under the sequence lock (snapshot.h): seq odd, the copy, seq
 * even again; the list after the copy, so that a reader that finds a new
 * list and no copy yet runs the list. */
static void bucket_set(const struct snap *t, struct bucket *k, struct snap *list)
{
    static const signet_recv none;
    const struct qinfo *qi = list ? signet__qinfo(list) : NULL;
    bool single = list && list->n == 1 && list->nruns == 0 && signet__qinfo_queue(qi) == t->home;
    const signet_recv *one = single ? &list->recv[0] : &none;
    signet_conn conn = one->conn; /* stored whole, as a reader loads it */
    uint64_t order = single ? qi->order : 0;
    uint32_t flags = single ? (uint32_t)(qi->bound & SIGNET__BOUND_GENERIC) : 0;
    uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_RELAXED);

    __atomic_store_n(&k->seq, seq + 1, __ATOMIC_SEQ_CST);
    /* release stores: the odd seq is seen before any of them */
    __atomic_store_n(&k->one.state_, one->state_, __ATOMIC_RELEASE);
    __atomic_store_n(&k->one.fn, one->fn, __ATOMIC_RELEASE);
    __atomic_store_n(&k->one.ctx, one->ctx, __ATOMIC_RELEASE);
    __atomic_store(&k->one.conn, &conn, __ATOMIC_RELEASE);
    __atomic_store_n(&k->order, order, __ATOMIC_RELEASE);
    __atomic_store_n(&k->flags, flags, __ATOMIC_RELEASE);
    __atomic_store_n(&k->seq, seq + 2, __ATOMIC_SEQ_CST);
    __atomic_store_n(&k->list, list, __ATOMIC_SEQ_CST);
}

bool signet__table_put(struct snap *t, const void *sender, struct snap *list)
{
    if (!t->nbuckets)
        return false;
    uint32_t h = signet__hash_sender(sender, t->shift);
    for (;; h = (h + 1) & (t->nbuckets - 1)) {
        struct bucket *k = &t->buckets[h];
        if (k->sender == sender) {
            bucket_set(t, k, list);
            return true;
        }
        if (!k->sender)
            break;
    }
    /* A new sender: at most half the buckets keyed, so probes stay short. */
    if ((t->nkeys + 1) * 2 > t->nbuckets)
        return false;
    bucket_set(t, &t->buckets[h], list);
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
