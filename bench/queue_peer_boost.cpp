// queue_peer_boost.cpp: Boost.Lockfree (libboost-dev, header-only):
// boost::lockfree::spsc_queue (one producer) and boost::lockfree::queue
// (any number of producers), both with a compile-time capacity of 4096, so
// neither allocates after construction.
#include "queue_peer.h"

#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>

namespace {

using spsc = boost::lockfree::spsc_queue<int64_t, boost::lockfree::capacity<4096>>;
using mpmc = boost::lockfree::queue<int64_t, boost::lockfree::capacity<4096>>;
spsc *sq;
mpmc *mq;

void spsc_setup() { sq = new spsc; }
void spsc_teardown() { delete sq; }
bool spsc_push(int64_t v) { return sq->push(v); }
bool spsc_pop()
{
    int64_t v;
    if (!sq->pop(v))
        return false;
    queue_rx(v);
    return true;
}

void mpmc_setup() { mq = new mpmc; }
void mpmc_teardown() { delete mq; }
bool mpmc_push(int64_t v) { return mq->bounded_push(v); }
bool mpmc_pop()
{
    int64_t v;
    if (!mq->pop(v))
        return false;
    queue_rx(v);
    return true;
}

} // namespace

extern "C" const queue_ops queue_peer_boost_spsc = {"boost_spsc_queue", spsc_setup, spsc_teardown,
                                                    spsc_push, spsc_pop, true, true,
                                                    nullptr, nullptr};
extern "C" const queue_ops queue_peer_boost_queue = {"boost_queue", mpmc_setup, mpmc_teardown,
                                                     mpmc_push, mpmc_pop, true, false,
                                                     nullptr, nullptr};
