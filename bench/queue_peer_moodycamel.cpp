// queue_peer_moodycamel.cpp: moodycamel::ConcurrentQueue
// (libconcurrentqueue-dev, header-only), unbounded and lock-free, used as
// its README shows: enqueue and try_dequeue without tokens (implicit
// producers), constructed with room for 4096 elements. It allocates a new
// block when those fill up.
#include "queue_peer.h"

#include <concurrentqueue/concurrentqueue.h>

namespace {

moodycamel::ConcurrentQueue<int64_t> *q;

void mc_setup() { q = new moodycamel::ConcurrentQueue<int64_t>(4096); }
void mc_teardown() { delete q; }
bool mc_push(int64_t v) { return q->enqueue(v); }
bool mc_pop()
{
    int64_t v;
    if (!q->try_dequeue(v))
        return false;
    queue_rx(v);
    return true;
}

} // namespace

extern "C" const queue_ops queue_peer_moodycamel = {"moodycamel", mc_setup, mc_teardown, mc_push,
                                                    mc_pop, true, false, nullptr, nullptr};
