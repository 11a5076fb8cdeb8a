/* receivers.c: see receivers.h. */
#include "receivers.h"
#include "peers.h"

volatile int64_t bench_sink;

int limit_rx(void *ctx, int64_t x)
{
    (void)ctx;
    bench_sink += x;
    return 0;
}

int signet_rx(void *ctx, const signet_event *ev, const bench_tick *msg)
{
    (void)ctx;
    (void)ev;
    bench_sink += msg->x;
    return 0;
}

int signet_tock_rx(void *ctx, const signet_event *ev, const bench_tock *msg)
{
    (void)ctx;
    (void)ev;
    bench_sink += msg->x;
    return 0;
}

void peer_rx(int64_t x)
{
    bench_sink += x;
}

void peer_gsignal_rx(void *instance, long x, void *data)
{
    (void)instance;
    (void)data;
    bench_sink += x;
}
