/* block.c: blocking and unblocking one connection by its handle
 * (signet_block, signet_unblock), GLib's g_signal_handler_block() for
 * signet. A blocked connection stays where it is, in every list that
 * names it, with its handle and options; what blocks it is a count in its
 * slot's live word (snapshot.h), which every emission, dispatch and replay
 * reads when it claims the receiver (event.c), so blocking rebuilds no
 * list and a connection never blocked pays nothing. Takes the bus lock,
 * as the writers do, to find the slot; uses state.h and snapshot.h.
 */
#include "state.h"

/* Adds one block (block) or takes one away; returns the count after it, or
 * SIGNET_ENOENT, SIGNET_ELIMIT (SIGNET__BLOCK_MAX blocks already) or
 * SIGNET_EINVAL (not blocked). */
static int change_blocks(signet_bus *bus, signet_conn conn, bool block)
{
    if (!bus)
        return SIGNET_EINVAL;
    int rc = SIGNET_ENOENT;
    pthread_mutex_lock(&bus->lock);
    if (conn.index < bus->slots.nslots) {
        struct slot *s = signet__slot_at(&bus->slots, conn.index);
        uint32_t live = __atomic_load_n(signet__live(s), __ATOMIC_ACQUIRE);
        /* Emissions only ever clear a run-once word: retry when one did. */
        while (s->used && s->generation == conn.generation && live != 0) {
            uint32_t n = SIGNET__LIVE_BLOCKS(live);
            if (block ? n == SIGNET__BLOCK_MAX : n == 0) {
                rc = block ? SIGNET_ELIMIT : SIGNET_EINVAL;
                break;
            }
            uint32_t next = block ? live + SIGNET__LIVE_BLOCK_ONE : live - SIGNET__LIVE_BLOCK_ONE;
            if (__atomic_compare_exchange_n(signet__live(s), &live, next, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE)) {
                rc = (int)SIGNET__LIVE_BLOCKS(next);
                break;
            }
        }
    }
    pthread_mutex_unlock(&bus->lock);
    return rc;
}

int signet_block(signet_bus *bus, signet_conn conn)
{
    return change_blocks(bus, conn, true);
}

int signet_unblock(signet_bus *bus, signet_conn conn)
{
    return change_blocks(bus, conn, false);
}
