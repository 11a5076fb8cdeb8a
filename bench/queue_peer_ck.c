/* queue_peer_ck.c: Concurrency Kit's ck_ring (libck-dev), bounded and
 * lock-free, in its single-producer (ck_ring_enqueue_spsc /
 * ck_ring_dequeue_spsc) and multi-producer (ck_ring_enqueue_mpmc /
 * ck_ring_trydequeue_mpmc) variants. The ring carries pointer-sized
 * entries: the payload is stored as the pointer value itself. A ring of
 * 4096 slots holds 4095 entries (one slot tells full from empty). */
#include "queue_peer.h"

#include <ck_ring.h>

enum { CK_SLOTS = 4096 };

static ck_ring_t ck;
static ck_ring_buffer_t ck_buffer[CK_SLOTS];

static void ck_setup(void)
{
    ck_ring_init(&ck, CK_SLOTS);
}

static void ck_teardown(void)
{
}

static bool ck_spsc_push(int64_t v)
{
    return ck_ring_enqueue_spsc(&ck, ck_buffer, (void *)(intptr_t)v);
}

static bool ck_spsc_pop(void)
{
    void *p;
    if (!ck_ring_dequeue_spsc(&ck, ck_buffer, &p))
        return false;
    queue_rx((int64_t)(intptr_t)p);
    return true;
}

static bool ck_mpmc_push(int64_t v)
{
    return ck_ring_enqueue_mpmc(&ck, ck_buffer, (void *)(intptr_t)v);
}

static bool ck_mpmc_pop(void)
{
    void *p;
    if (!ck_ring_trydequeue_mpmc(&ck, ck_buffer, &p))
        return false;
    queue_rx((int64_t)(intptr_t)p);
    return true;
}

const struct queue_ops queue_peer_ck_spsc = {"ck_ring_spsc", ck_setup, ck_teardown,
                                             ck_spsc_push, ck_spsc_pop, true, true, NULL, NULL};
const struct queue_ops queue_peer_ck_mpmc = {"ck_ring_mpmc", ck_setup, ck_teardown,
                                             ck_mpmc_push, ck_mpmc_pop, true, false, NULL, NULL};
