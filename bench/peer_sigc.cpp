// peer_sigc.cpp: libsigc++ 3 (sigc::signal<void(int64_t)>, the signal type
// of gtkmm), behind the C interface of peers.h. No sender filter: a
// libsigc++ signal is per object, so filtering by sender means one signal
// per sender, which is what the GSignal case measures, and what the scale
// cases (bench_scale) do: one signal per instance.
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

// Scale: one signal per instance, as a libsigc++ program gives each object
// its own signal member.
sigc::signal<void(int64_t)> *instances;
int ninstances;

void peer_rx2(int64_t x)
{
    peer_rx(x + 1);
}

void scale_setup(int s)
{
    instances = new sigc::signal<void(int64_t)>[s];
    ninstances = s;
    for (int i = 0; i < s; i++)
        instances[i].connect(sigc::ptr_fun(&peer_rx));
}

void scale_teardown()
{
    delete[] instances;
    instances = nullptr;
}

void scale_connect(long n)
{
    for (long i = 0; i < n; i++) {
        sigc::connection c = instances[(i * 7) % ninstances].connect(sigc::ptr_fun(&peer_rx2));
        c.disconnect();
    }
}

void scale_emit(long n)
{
    for (long i = 0; i < n; i++)
        instances[(i * 7) % ninstances].emit(i);
}

}  // namespace

extern "C" const struct bench_peer bench_peer_sigc = {
    "sigc",
    "libsigc++ " STR(SIGCXX_MAJOR_VERSION) "." STR(SIGCXX_MINOR_VERSION),
    setup,
    teardown,
    emit,
    nullptr,
    scale_setup,
    scale_teardown,
    scale_connect,
    scale_emit,
};
