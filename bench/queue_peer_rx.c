/* queue_peer_rx.c: the receiver every queue in bench_queue calls for each
 * message it takes out (queue_peer.h). */
#include "queue_peer.h"

static int64_t checksum;

void queue_rx(int64_t v)
{
    checksum += v;
}

int64_t queue_checksum(void)
{
    return checksum;
}
