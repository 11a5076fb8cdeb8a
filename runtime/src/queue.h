/* queue.h: a queue's lifetime, as the bus makes and ends its queues
 * (internal). The queue's structure and its cells are cell.h's.
 * Implemented in queue.c.
 */
#ifndef SIGNET_QUEUE_H
#define SIGNET_QUEUE_H

#include "cell.h"

/* Makes a queue of bus (opts may be NULL: the bus's defaults) and adds it
 * to the bus's list. Returns 0, SIGNET_EINVAL or SIGNET_ENOMEM. */
int signet__queue_new(signet_bus *bus, const signet_queue_options *opts, signet_queue **out);
void signet__queue_close(signet_queue *q);    /* posts get SIGNET_ECLOSED from now on */
void signet__queue_join(signet_queue *q);     /* stops and joins its workers */
uint32_t signet__queue_free(signet_queue *q); /* discards what waits; returns how many */

#endif /* SIGNET_QUEUE_H */
