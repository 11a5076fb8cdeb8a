// peer_sigc.cpp: libsigc++ 3 (sigc::signal<void(int64_t)>, the signal type
// of gtkmm), behind the C interface of peers.h. No sender filter: a
// libsigc++ signal is per object, so filtering by sender means one signal
// per sender, which is what the GSignal case measures.
#include "peers.h"

#include <sigc++/sigc++.h>

#define STR2(x) #x
#define STR(x) STR2(x)

namespace {

sigc::signal<void(int64_t)> *signals[3];  // 0, 1 and 8 receivers

int index_of(int k)
{
    return k == 0 ? 0 : k == 1 ? 1 : 2;
}

void setup()
{
    for (int i = 0; i < 3; i++)
        signals[i] = new sigc::signal<void(int64_t)>;
    signals[1]->connect(sigc::ptr_fun(&peer_rx));
    for (int i = 0; i < 8; i++)
        signals[2]->connect(sigc::ptr_fun(&peer_rx));
}

void teardown()
{
    for (auto *s : signals)
        delete s;
}

void emit(int k, long n)
{
    sigc::signal<void(int64_t)> &s = *signals[index_of(k)];
    for (long i = 0; i < n; i++)
        s.emit(i);
}

}  // namespace

extern "C" const struct bench_peer bench_peer_sigc = {
    "sigc",
    "libsigc++ " STR(SIGCXX_MAJOR_VERSION) "." STR(SIGCXX_MINOR_VERSION),
    setup,
    teardown,
    emit,
    nullptr,
};
