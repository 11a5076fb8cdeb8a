/* queue_peer_wfcqueue.c: liburcu's wait-free concurrent queue
 * (liburcu-dev, <urcu/wfcqueue.h>), unbounded and intrusive: as its users
 * write it, each message is a node allocated by the producer and freed by
 * the consumer. Enqueue is wait-free from any number of producers; the one
 * consumer dequeues with __cds_wfcq_dequeue_nonblocking, which needs no
 * lock while it is the only dequeuer. _LGPL_SOURCE selects the inline
 * versions, the fast way to use it. */
#define _LGPL_SOURCE
#include "queue_peer.h"

#include <stdlib.h>
#include <urcu/wfcqueue.h>

struct wfc_msg {
    struct cds_wfcq_node node;
    int64_t x;
};

static struct cds_wfcq_head wfc_head;
static struct cds_wfcq_tail wfc_tail;

static void wfc_setup(void)
{
    cds_wfcq_init(&wfc_head, &wfc_tail);
}

static void wfc_teardown(void)
{
    struct cds_wfcq_node *n;
    while ((n = __cds_wfcq_dequeue_blocking(&wfc_head, &wfc_tail)) != NULL)
        free(caa_container_of(n, struct wfc_msg, node));
    cds_wfcq_destroy(&wfc_head, &wfc_tail);
}

static bool wfc_push(int64_t v)
{
    struct wfc_msg *m = malloc(sizeof *m);
    if (!m)
        return false;
    cds_wfcq_node_init(&m->node);
    m->x = v;
    cds_wfcq_enqueue(&wfc_head, &wfc_tail, &m->node);
    return true;
}

static bool wfc_pop(void)
{
    struct cds_wfcq_node *n = __cds_wfcq_dequeue_nonblocking(&wfc_head, &wfc_tail);
    if (n == NULL || n == CDS_WFCQ_WOULDBLOCK)
        return false;
    struct wfc_msg *m = caa_container_of(n, struct wfc_msg, node);
    queue_rx(m->x);
    free(m);
    return true;
}

const struct queue_ops queue_peer_wfcqueue = {"wfcqueue", wfc_setup, wfc_teardown, wfc_push,
                                              wfc_pop, true, false, NULL, NULL};
