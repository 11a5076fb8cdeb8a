/* receivers.h: the receivers every benchmark case calls. They live in their
 * own translation unit so no case can inline them: each does the same
 * out-of-line `sink += x`. The peers' receivers (declared in peers.h, so
 * C++ files need not include signet's headers) are defined next to these
 * in receivers.c. */
#ifndef BENCH_RECEIVERS_H
#define BENCH_RECEIVERS_H

#include "bench.signet.h"

/* The limit: what a hand-written callback list calls. */
typedef int limit_fn(void *ctx, int64_t x);
int limit_rx(void *ctx, int64_t x);

/* signet's typed receiver for bench.tick. */
int signet_rx(void *ctx, const signet_event *ev, const bench_tick *msg);
int signet_tock_rx(void *ctx, const signet_event *ev, const bench_tock *msg);

extern volatile int64_t bench_sink;

#endif
