/* queue_peer_rx.c: the receiver every queue in bench_queue calls for each
 * message it takes out (queue_peer.h). */
#include "queue_peer.h"

/* The consumer writes it for every message: on a cache line of its own,
 * or a producer's read of whatever the linker put beside it would miss
 * once per message. */
static struct {
    _Alignas(64) int64_t v;
} checksum;

void queue_rx(int64_t v)
{
    checksum.v += v;
}

int64_t queue_checksum(void)
{
    return checksum.v;
}
