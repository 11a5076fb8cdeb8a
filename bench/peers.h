/* peers.h: the signal libraries bench_emit measures next to signet and the
 * limit. Each peer lives in its own file (peer_sigc.cpp, peer_boost.cpp,
 * peer_gsignal.c, peer_qt.cpp) behind this C interface, so the C program
 * registers it as cases; a peer is compiled only when its package was found
 * at build time (bench/CMakeLists.txt defines SIGNET_BENCH_<PEER> then).
 * bench_scale measures the peers that fill in the scale_* members.
 * The receivers every peer connects are in receivers.c, next to the
 * limit's: each does the same out-of-line `sink += x`. */
#ifndef BENCH_PEERS_H
#define BENCH_PEERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The receiver libsigc++, Boost.Signals2 and Qt connect: a plain function,
 * their cheapest kind of slot. */
void peer_rx(int64_t x);

/* A GSignal handler for a VOID:LONG signal (glong is 64 bits on the LP64
 * systems this runs on): instance, argument, user data. */
void peer_gsignal_rx(void *instance, long x, void *data);

struct bench_peer {
    const char *name;   /* case name prefix: "sigc" gives sigc_0, sigc_1, sigc_8 */
    const char *label;  /* library and version, for the table */
    void (*setup)(void);
    void (*teardown)(void);
    /* n emissions, argument 0..n-1, on the emitter with k receivers
     * (k is 0, 1 or 8). */
    void (*emit)(int k, long n);
    /* n emissions from one of 1000 senders each with its own receiver
     * (sender i * 7 % 1000); NULL when the library has no sender filter. */
    void (*filtered)(long n);
    /* Per-instance handlers at scale (bench_scale); NULL when not measured.
     * scale_setup makes s instances (s <= BENCH_SCALE_MAX), each with one
     * handler; scale_teardown frees them. */
    void (*scale_setup)(int s);
    void (*scale_teardown)(void);
    /* n times: connect a second handler to instance (i * 7) % s, then
     * disconnect it. */
    void (*scale_connect)(long n);
    /* n emissions on instance (i * 7) % s, each running its one handler. */
    void (*scale_emit)(long n);
};

enum { BENCH_SCALE_MAX = 10000 };

extern const struct bench_peer bench_peer_sigc;
extern const struct bench_peer bench_peer_boost;
extern const struct bench_peer bench_peer_gsignal;
extern const struct bench_peer bench_peer_qt;

#ifdef __cplusplus
}
#endif

#endif
