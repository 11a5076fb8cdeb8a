/* queue_peer.h: the interface bench_queue.c measures every queue through,
 * and the queue peers defined in their own files (queue_peer_*.c, .cpp),
 * each compiled only when its package is installed (bench/CMakeLists.txt
 * defines SIGNET_BENCH_Q_<NAME> for the ones it built). Every queue copies
 * the same 64-bit payload in and, on the consumer's side, calls the same
 * out-of-line receiver, queue_rx (queue_peer_rx.c), as signet's dispatch
 * calls its receiver. */
#ifndef SIGNET_BENCH_QUEUE_PEER_H
#define SIGNET_BENCH_QUEUE_PEER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct queue_ops {
    const char *name;
    void (*setup)(void);
    void (*teardown)(void);
    bool (*push)(int64_t v);         /* false when full */
    bool (*pop)(void);               /* false when empty; calls queue_rx */
    bool counted;                    /* its allocations are counted (alloc_count.h) */
    bool single_producer;            /* measured with one producer only */
    /* For a queue whose consumer is not a loop over pop() but a thread of
     * its own (Qt's event loop in a QThread), NULL for the others: in the
     * threaded shapes, consumer_start(n) starts that thread to take n
     * messages (it returns once the thread is ready) and consumer_wait()
     * returns when it has run them all. */
    void (*consumer_start)(long n);
    void (*consumer_wait)(void);
};

/* The consumers' work: checksum += v, in a file of its own so no queue can
 * inline it. */
void queue_rx(int64_t v);
int64_t queue_checksum(void);

extern const struct queue_ops queue_peer_ck_spsc, queue_peer_ck_mpmc;
extern const struct queue_ops queue_peer_boost_spsc, queue_peer_boost_queue;
extern const struct queue_ops queue_peer_moodycamel;
extern const struct queue_ops queue_peer_wfcqueue;
extern const struct queue_ops queue_peer_qt;

#ifdef __cplusplus
}
#endif

#endif
