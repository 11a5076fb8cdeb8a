// peer_boost.cpp: Boost.Signals2 (boost::signals2::signal<void(int64_t)>,
// its default thread-safe configuration), behind the C interface of
// peers.h. No sender filter, as for libsigc++.
#include "peers.h"

#include <boost/signals2/signal.hpp>
#include <boost/version.hpp>

#include <cstdio>

namespace {

// "Boost.Signals2 1.74", filled in before main runs.
char label[32];
[[maybe_unused]] const int label_length = std::snprintf(label, sizeof label, "Boost.Signals2 %d.%d",
                                       BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000);

using signal_type = boost::signals2::signal<void(int64_t)>;
signal_type *signals[3];  // 0, 1 and 8 receivers

int index_of(int k)
{
    return k == 0 ? 0 : k == 1 ? 1 : 2;
}

void setup()
{
    for (int i = 0; i < 3; i++)
        signals[i] = new signal_type;
    signals[1]->connect(&peer_rx);
    for (int i = 0; i < 8; i++)
        signals[2]->connect(&peer_rx);
}

void teardown()
{
    for (auto *s : signals)
        delete s;
}

void emit(int k, long n)
{
    signal_type &s = *signals[index_of(k)];
    for (long i = 0; i < n; i++)
        s(i);
}

}  // namespace

extern "C" const struct bench_peer bench_peer_boost = {
    "boost",
    label,
    setup,
    teardown,
    emit,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};
