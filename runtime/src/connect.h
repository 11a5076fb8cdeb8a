/* connect.h: the connection calls beneath the public ones (internal).
 *
 * signet_connect(), signet_subscribe_pattern() and the disconnects are
 * public (signet.h); a queue being destroyed also needs every connection
 * bound to it gone. Implemented in connect.c, on state.h.
 */
#ifndef SIGNET_CONNECT_H
#define SIGNET_CONNECT_H

#include "signet.h"

/* Disconnects every connection bound to q, then waits for a grace period
 * (takes the bus lock; never inside a read section). */
void signet__disconnect_queue(signet_bus *bus, signet_queue *q);

#endif /* SIGNET_CONNECT_H */
